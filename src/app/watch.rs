//! `check --watch`: lint, then lint again whenever a file under the roots changes. Changes are
//! found by polling: a walk that honours `.gitignore` as the linter's own does, comparing each
//! file's size and modification time. A walk costs milliseconds even on a monorepo, and polling
//! needs no file-notification dependency and behaves the same on every platform and on network
//! or container-mounted file systems, where notifications are often missing.

use super::check;
use crate::cli::CheckArgs;
use std::hash::{Hash, Hasher};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How often the tree is looked at.
const POLL: Duration = Duration::from_millis(500);
/// A change is linted once the tree has stopped changing for this long (an editor writing
/// several files, a `git checkout`).
const SETTLE: Duration = Duration::from_millis(200);

/// `check`, once or, with `--watch`, for ever.
pub(super) fn check(args: CheckArgs) -> u8 {
    if !args.watch {
        return check::run(args);
    }
    let roots: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let clear = args.output.is_none() && std::io::stdout().is_terminal();
    let mut seen = stamp(&roots);
    loop {
        if clear {
            print!("\x1b[2J\x1b[H");
        }
        // A run that fails (a usage error, a broken configuration) is reported like any other:
        // the next change may fix it.
        check::run(args.clone());
        let _ = std::io::Write::flush(&mut std::io::stdout());
        eprintln!(
            "actuator-lint: watching {} for changes (Ctrl-C to stop)",
            roots.iter().map(|r| format!("`{}`", r.display())).collect::<Vec<_>>().join(", ")
        );
        seen = next_change(&roots, seen);
    }
}

/// Waits until the tree differs from `seen` and then holds still; returns its new stamp.
fn next_change(roots: &[PathBuf], seen: u64) -> u64 {
    loop {
        std::thread::sleep(POLL);
        let mut now = stamp(roots);
        if now == seen {
            continue;
        }
        loop {
            std::thread::sleep(SETTLE);
            let again = stamp(roots);
            if again == now {
                return now;
            }
            now = again;
        }
    }
}

/// A hash of every file's path, size and modification time under the roots. Hidden files are
/// included (`.actuator-lint.toml`, `.env`); what `.gitignore` and the default excludes leave
/// out (`.git`, `build`, `target`, …) is not.
fn stamp(roots: &[PathBuf]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for root in roots {
        let walk = ignore::WalkBuilder::new(root)
            .hidden(false)
            .require_git(false)
            .sort_by_file_name(|a, b| a.cmp(b))
            // As the linter's walk: build outputs and tool directories are never read.
            .filter_entry(|e| {
                let dir = e.depth() > 0 && e.file_type().is_some_and(|t| t.is_dir());
                !(dir && crate::discover::DEFAULT_EXCLUDES.contains(&e.file_name().to_string_lossy().as_ref()))
            })
            .build();
        for entry in walk.flatten() {
            let path: &Path = entry.path();
            path.hash(&mut h);
            if let Ok(m) = entry.metadata() {
                m.len().hash(&mut h);
                m.modified().ok().hash(&mut h);
            }
        }
    }
    h.finish()
}
