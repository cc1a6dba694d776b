//! `path:line:column: severity[rule]: message` — one line each, for editors and grep.

use super::escape_controls;
use crate::source::SourceSet;

pub fn render(sources: &SourceSet, report: &crate::report::Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let (l, c, _, _) = super::position(sources, d.primary.span);
        out.push_str(&format!(
            "{}:{l}:{c}: {}[{}]: {}\n",
            escape_controls(sources.path(d.primary.span.file), false),
            d.severity.as_str(),
            d.rule,
            escape_controls(&d.message.replace('\n', " "), false)
        ));
    }
    out
}
