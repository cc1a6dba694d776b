use super::{fail, prepare, OK};
use crate::cli::{GraphArgs, GraphFormat};
use crate::render;
use std::io::Write;

/// The wiring per service as a Mermaid or Graphviz graph, broken links labelled with the rule.
pub(super) fn run(args: GraphArgs) -> u8 {
    let p = match prepare(&args.path, &args.common) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let a = crate::analyze(&p.sources, &p.options);
    let report = crate::lint(&p.sources, &p.options);
    if let Err(code) = super::check::lintable(&args.path, &report) {
        return code;
    }
    let g = render::graph::build(&p.sources, &a, &report);
    let text = match args.format {
        GraphFormat::Mermaid => render::graph::mermaid(&g),
        GraphFormat::Dot => render::graph::dot(&g),
    };
    match std::io::stdout().write_all(text.as_bytes()) {
        Ok(()) => OK,
        Err(e) => fail(e),
    }
}
