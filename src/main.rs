use clap::Parser;
use std::process::ExitCode;

// The analysis builds and drops many small trees and strings (YAML nodes, property layers per
// deployment); mimalloc's thread-local free lists cut glibc malloc's share of the run.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = actuator_lint::cli::Cli::parse();
    // A panic is a bug; report it as an internal error (exit 2), never as "no findings".
    match std::panic::catch_unwind(|| actuator_lint::app::run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(_) => {
            eprintln!("actuator-lint: internal error (this is a bug; please report it with the input that caused it)");
            ExitCode::from(2)
        }
    }
}
