use super::{fail, OK};
use crate::cli::Cli;
use std::io::Write;

/// The man page (roff), generated from the clap definition.
pub(super) fn run() -> u8 {
    let cmd = <Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    if let Err(e) = clap_mangen::Man::new(cmd).render(&mut out) {
        return fail(e);
    }
    match std::io::stdout().write_all(&out) {
        Ok(()) => OK,
        Err(e) => fail(e),
    }
}
