use super::prepare::prepare_with;
use super::{fail, plural, OK};
use crate::cli::{CommonArgs, InitArgs};
use crate::config::Config;

/// `init`: a commented actuator-lint.toml describing what was found.
pub(super) fn run(args: InitArgs) -> u8 {
    let target = args.path.join("actuator-lint.toml");
    if !args.stdout && !args.force && (target.exists() || args.path.join(".actuator-lint.toml").exists()) {
        return fail(format!(
            "`{}` already has an actuator-lint.toml; pass --force to overwrite it",
            args.path.display()
        ));
    }
    // An existing config would shape the analysis; start from the defaults.
    let common = CommonArgs {
        config: None,
        boot_time: vec![],
        boot_log: vec![],
        profile: vec![],
        manifests: vec![],
        maven_repo: None,
    };
    let p = match prepare_with(&args.path, &common, Some(Config::default()), &[]) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let a = crate::analyze(&p.sources, &p.options);
    let text = crate::init::render(&p.sources, &a);
    if args.stdout {
        print!("{text}");
        return OK;
    }
    if let Err(e) = std::fs::write(&target, &text) {
        return fail(format!("cannot write `{}`: {e}", target.display()));
    }
    eprintln!(
        "actuator-lint: wrote `{}` ({}); review it, then run `actuator-lint {}`",
        target.display(),
        plural(a.workspace.services.len(), "service", "services"),
        args.path.display()
    );
    OK
}
