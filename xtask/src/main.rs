//! Development tasks, kept out of the `actuator-lint` package so that `cargo install`
//! installs only the linter. Run as `cargo xtask TASK …` (an alias in `.cargo/config.toml`).

mod bench;
mod bench_server;
mod fuzz_trees;
mod gen_monorepo;

// The same allocator as the `actuator-lint` binary, so the in-process numbers are its numbers.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: cargo xtask TASK [ARGS]

tasks:
  bench         time the linter on synthetic monorepos (--services 100,1000,5000 --runs 5)
  bench-server  time the language server from a one-file change to its diagnostics, next to a CLI run (--services 2000 --runs 9)
  fuzz-trees    mutate realistic trees and check the binary on them
                (--seconds 60 --seed 1 [--max-trees N] [--tree DIR …] [--all-fixtures] [--out DIR] [--bin PATH])
  gen-monorepo  write a synthetic monorepo with injected faults (--services N --out DIR)";

fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("bench") => bench::main(args),
        Some("bench-server") => bench_server::main(args),
        Some("fuzz-trees") => return fuzz_trees::main(args),
        Some("gen-monorepo") => {
            if let Err(e) = gen_monorepo::main(args) {
                eprintln!("gen-monorepo: {e}");
                return std::process::ExitCode::FAILURE;
            }
        }
        _ => {
            eprintln!("{USAGE}");
            return std::process::ExitCode::from(2);
        }
    }
    std::process::ExitCode::SUCCESS
}
