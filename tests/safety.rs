//! Structural guarantees (SPEC §1, §10): after loading, nothing touches the filesystem, and
//! nothing from the repository is executed. Only the loader and the CLI orchestration may do
//! I/O; nothing in the package may start a process (the benchmark lives in `xtask/`).

use std::path::Path;

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn only_the_loader_and_the_cli_touch_the_filesystem() {
    // `maven_repo.rs` reads the POMs of a local Maven repository the user named, while loading
    // (the driver asks it between model passes; the model never reads).
    const MAY_DO_IO: &[&str] = &["src/discover.rs", "src/maven_repo.rs", "src/main.rs"];
    const IO: &[&str] = &[
        "std::fs",
        "fs::",
        "File::open",
        "File::create",
        "OpenOptions",
        "read_dir",
        "process::Command",
        "Command::new",
        "TcpStream",
        "UdpSocket",
    ];
    let mut files = Vec::new();
    sources(Path::new("src"), &mut files);
    let mut offenders = Vec::new();
    for f in files {
        let rel = f.to_string_lossy().replace('\\', "/");
        // `app/`: one module per command, each reading the repository or writing its report;
        // `app/write.rs` is the atomic writer of fixes, the only place that writes into the
        // repository.
        if MAY_DO_IO.contains(&rel.as_str()) || rel.starts_with("src/app/") {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        // Test modules may build fixtures on disk.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for needle in IO {
            if code.contains(needle) {
                offenders.push(format!("{rel}: `{needle}`"));
            }
        }
    }
    assert!(offenders.is_empty(), "I/O outside the loader/CLI:\n{}", offenders.join("\n"));
}

#[test]
fn nothing_executes_processes() {
    let mut files = Vec::new();
    sources(Path::new("src"), &mut files);
    for f in files {
        let rel = f.to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(
            !text.contains("Command::new") && !text.contains("std::process::Command"),
            "{rel} starts a process"
        );
    }
}
