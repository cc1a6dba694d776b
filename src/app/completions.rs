use super::OK;
use crate::cli::Cli;
use clap_complete::Shell;
use std::io::Write;

/// Shell completions, generated from the clap definition (nothing to keep in sync by hand);
/// rule names come from the registry (`--select`, `--ignore`, `explain`).
pub(super) fn run(shell: Shell) -> u8 {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "actuator-lint", &mut script);
    let mut script = String::from_utf8_lossy(&script).into_owned();
    if shell == Shell::Bash {
        script = fix_hyphenated_bash(&script);
    }
    match std::io::stdout().write_all(script.as_bytes()) {
        Ok(()) => OK,
        Err(e) => super::fail(e),
    }
}

/// clap_complete's bash script names the state after a subcommand `actuator__lint__subcmd__check`
/// where it sets it but `actuator__subcmd__lint__subcmd__check` where it dispatches on it (the
/// `-` of the binary's name is escaped twice), so nothing completes after a subcommand. One
/// spelling for both.
fn fix_hyphenated_bash(script: &str) -> String {
    script.replace("actuator__subcmd__lint", "actuator__lint")
}
