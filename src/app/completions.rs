use super::OK;
use crate::cli::Cli;

/// Shell completions, generated from the clap definition (nothing to keep in sync by hand).
pub(super) fn run(shell: clap_complete::Shell) -> u8 {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    clap_complete::generate(shell, &mut cmd, "actuator-lint", &mut std::io::stdout());
    OK
}
