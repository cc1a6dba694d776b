use super::{fail, prepare, OK, USAGE};
use crate::cli::{ModelArgs, ModelFormat};
use crate::render;

pub(super) fn run(args: ModelArgs) -> u8 {
    let p = match prepare(&args.path, &args.common) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let a = crate::analyze(&p.sources, &p.options);
    let unknown = crate::unknown_boot_services(&a.workspace, &p.options);
    if !unknown.is_empty() {
        unknown.iter().for_each(|e| {
            fail(e);
        });
        return USAGE;
    }
    match args.format {
        ModelFormat::Text => print!("{}", render::model::render(&p.sources, &a)),
        ModelFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&render::model_json::render(&p.sources, &a)).unwrap_or_default()
        ),
    }
    OK
}
