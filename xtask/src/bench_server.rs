//! Benchmark of the language server's incremental path: on a synthetic monorepo, the time from
//! a one-file change (`textDocument/didChange` of a build file, dropping or restoring its
//! Prometheus registry) to the `publishDiagnostics` of that file, next to a full CLI run of the
//! same tree. Not a test: it prints a table for the README.
//!
//! Usage: cargo xtask bench-server [--services 2000] [--runs 9]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Instant;

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn send(w: &mut impl Write, msg: Value) {
    let body = msg.to_string();
    write!(w, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("server reads");
    w.flush().expect("server reads");
}

pub fn main(mut args: impl Iterator<Item = String>) {
    let mut n = 2000usize;
    let mut runs = 9usize;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--services" => n = args.next().and_then(|v| v.parse().ok()).unwrap_or(n),
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).unwrap_or(runs),
            _ => {
                eprintln!("usage: cargo xtask bench-server [--services 2000] [--runs 9]");
                std::process::exit(2);
            }
        }
    }
    let binary = crate::bench::release_binary();
    let root = std::env::temp_dir().join(format!("actuator-lint-bench/{n}"));
    crate::gen_monorepo::generate(n, &root).expect("synthetic monorepo written");
    let root = root.canonicalize().expect("root exists");

    // The CLI on the same tree (page cache warm after the first run).
    let mut cli = Vec::new();
    for _ in 0..=runs {
        let t = Instant::now();
        let out = Command::new(&binary)
            .arg(&root)
            .args(["--format", "json", "--fail-on", "never"])
            .output()
            .expect("binary runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        cli.push(t.elapsed().as_secs_f64());
    }
    cli.remove(0);
    let cli = crate::bench::median(cli);

    // A service without an injected fault: its build file declares the registry.
    let faults = std::fs::read_to_string(root.join("faults.tsv")).unwrap_or_default();
    let service = (1..n)
        .map(|i| format!("svc-{i:05}"))
        .find(|s| !faults.lines().any(|l| l.ends_with(&format!("\t{s}"))))
        .expect("a healthy service");
    let rel = format!("services/{service}/build.gradle.kts");
    let uri = format!("file://{}/{rel}", root.display());
    let text = std::fs::read_to_string(root.join(&rel)).expect("build file");
    let registry = "    runtimeOnly(\"io.micrometer:micrometer-registry-prometheus\")\n";
    assert!(text.contains(registry));
    let without = text.replace(registry, "");

    let mut child = Command::new(&binary)
        .arg("server")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("server starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut id = 0;
    // A request is answered once every change before it is linted and published.
    let mut roundtrip = |stdin: &mut std::process::ChildStdin, stdout: &mut BufReader<_>, method: &str, params: Value| {
        id += 1;
        send(stdin, json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        while let Some(m) = read_message(stdout) {
            if m["id"] == id && m.get("method").is_none() {
                return;
            }
        }
        panic!("server closed its output");
    };
    let t = Instant::now();
    roundtrip(
        &mut stdin,
        &mut stdout,
        "initialize",
        json!({"processId": null, "rootUri": format!("file://{}", root.display()), "capabilities": {}}),
    );
    send(&mut stdin, json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    let hover = json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}});
    roundtrip(&mut stdin, &mut stdout, "textDocument/hover", hover.clone());
    let load = t.elapsed().as_secs_f64();
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "kotlin", "version": 0, "text": text}}}),
    );
    roundtrip(&mut stdin, &mut stdout, "textDocument/hover", hover.clone());

    let mut changes = Vec::new();
    for version in 1..=(runs * 2) {
        let new = if version % 2 == 1 { &without } else { &text };
        let t = Instant::now();
        send(
            &mut stdin,
            json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": new}]}}),
        );
        loop {
            let m = read_message(&mut stdout).expect("server answers");
            if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri.as_str() {
                let found = m["params"]["diagnostics"]
                    .as_array()
                    .is_some_and(|d| d.iter().any(|d| d["code"] == "prometheus-registry-missing"));
                assert_eq!(found, version % 2 == 1, "the change's finding");
                break;
            }
        }
        changes.push(t.elapsed().as_secs_f64());
        // Let the freed model go before the next change, as between keystrokes.
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let change = crate::bench::median(changes);
    roundtrip(&mut stdin, &mut stdout, "shutdown", Value::Null);
    send(&mut stdin, json!({"jsonrpc": "2.0", "method": "exit"}));
    let _ = child.wait();

    let files = actuator_lint_files(&root);
    println!("| services | files | full CLI run | server: load (initialize → first diagnostics) | server: one-file change → its diagnostics | change / CLI |");
    println!("|---:|---:|---:|---:|---:|---:|");
    println!(
        "| {n} | {files} | {:.0} ms | {:.0} ms | {:.0} ms | {:.2}× |",
        cli * 1000.0,
        load * 1000.0,
        change * 1000.0,
        change / cli
    );
}

fn actuator_lint_files(root: &std::path::Path) -> usize {
    let empty = globset::GlobSet::empty();
    let boot = actuator_lint::discover::BootEvidence {
        named: empty.clone(),
        found: empty.clone(),
    };
    actuator_lint::discover::discover(root, &empty, &boot).files.len()
}
