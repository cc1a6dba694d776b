//! Orchestration, one module per command: with `discover`, the only code that touches the
//! filesystem or stdio.

mod check;
mod completions;
mod explain;
pub mod fix_loop;
mod graph;
mod init;
mod man;
mod model;
mod prepare;
mod report;
mod rules;
mod server;
mod terminal;
mod watch;
pub mod write;

pub use check::lint_root;
pub use prepare::{prepare, Prepared};
pub use rules::rules_table;

use crate::cli::{Cli, Command};
use std::io::Write;
use std::path::Path;

/// Exit statuses (SPEC §2).
pub const OK: u8 = 0;
pub const FINDINGS: u8 = 1;
pub const USAGE: u8 = 2;

pub fn run(cli: Cli) -> u8 {
    match cli.command {
        None => watch::check(cli.check),
        Some(Command::Check(args)) => watch::check(args),
        Some(Command::Rules { format }) => rules::run(format),
        Some(Command::Explain { rule }) => explain::run(&rule),
        Some(Command::Model(args)) => model::run(args),
        Some(Command::Graph(args)) => graph::run(args),
        Some(Command::Init(args)) => init::run(args),
        Some(Command::Completions { shell }) => completions::run(shell),
        Some(Command::Man) => man::run(),
        Some(Command::Server(args)) => server::run(args),
    }
}

pub(crate) fn fail(msg: impl std::fmt::Display) -> u8 {
    eprintln!("actuator-lint: error: {msg}");
    USAGE
}

pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Writes a report (or a diff, whose bytes are the files' own) to `output` or stdout.
pub(crate) fn emit(text: impl AsRef<[u8]>, output: Option<&Path>) -> Result<(), String> {
    let bytes = text.as_ref();
    match output {
        Some(path) => std::fs::write(path, bytes).map_err(|e| format!("cannot write `{}`: {e}", path.display())),
        None => std::io::stdout().write_all(bytes).map_err(|e| e.to_string()),
    }
}
