use super::{prepare, OK};
use crate::cli::{ModelArgs, ModelFormat};
use crate::render;

pub(super) fn run(args: ModelArgs) -> u8 {
    let p = match prepare(&args.path, &args.common) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let a = crate::analyze(&p.sources, &p.options);
    match args.format {
        ModelFormat::Text => print!("{}", render::model::render(&p.sources, &a)),
        ModelFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&render::model_json::render(&p.sources, &a)).unwrap_or_default()
        ),
    }
    OK
}
