//! Benchmark: for each N, generate a synthetic monorepo (`gen_monorepo`), then measure on
//! the same tree:
//!
//! * the read floor: discover + read every file actuator-lint reads (same code path),
//! * the full lint in-process (discover, read, parse, model, link, rules),
//! * the real binary end to end: wall time and peak RSS (`/usr/bin/time`),
//!
//! and check what it found against the injected faults (`faults.tsv`). A second table times
//! the inputs that once made the linter quadratic: a minified single-line JSON with non-ASCII
//! text (a file_sd target file), a large multi-document YAML, and positions on the long line.
//!
//! Usage: cargo xtask bench [--services 100,1000,5000] [--runs 5]

use std::collections::BTreeSet;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

pub(crate) fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Lets the previous iteration's background work (the analysis is freed on a pool thread while
/// results are rendered) finish outside the timed region: each run of the real binary starts
/// in a fresh process, with nothing left over.
fn settle() {
    std::thread::sleep(std::time::Duration::from_millis(100));
}

/// The release binary, built first: `cargo run -p xtask` builds only this package and the
/// library, and the end-to-end numbers must be the shipped binary's.
pub(crate) fn release_binary() -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "--package", "actuator-lint", "--bin", "actuator-lint"])
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cargo build --release failed");
    let exe = std::env::current_exe().expect("own path");
    let bin = exe.with_file_name(format!("actuator-lint{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.is_file(),
        "{} not found: run this with --release (`cargo xtask bench`)",
        bin.display()
    );
    bin
}

fn read_floor(root: &Path) -> usize {
    let empty = globset::GlobSet::empty();
    let boot = actuator_lint::discover::BootEvidence {
        named: empty.clone(),
        found: globset::GlobSetBuilder::new()
            .add(globset::Glob::new("**/*.log").expect("glob"))
            .build()
            .expect("set"),
    };
    let found = actuator_lint::discover::discover(root, &empty, &boot);
    let (set, _) = actuator_lint::discover::load(root, found);
    set.len()
}

fn full_lint(root: &Path) -> usize {
    use clap::Parser;
    // Through clap, exactly as the binary parses its arguments.
    let cli = actuator_lint::cli::Cli::try_parse_from([
        "actuator-lint".as_ref(),
        "check".as_ref(),
        root.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
        "--fail-on".as_ref(),
        "never".as_ref(),
    ])
    .expect("valid arguments");
    let Some(actuator_lint::cli::Command::Check(args)) = cli.command else {
        unreachable!("argv starts with `check`")
    };
    match actuator_lint::app::lint_root(root, &args) {
        Ok((_, report)) => report.diagnostics.len(),
        Err(code) => panic!("lint failed: {code}"),
    }
}

/// One long line of JSON (a file_sd target list, ~`kb` KB) with non-ASCII label values
/// scattered through it, as minified JSON from a tool looks.
fn long_line_json(kb: usize) -> String {
    let mut s = String::from("[");
    let mut i = 0;
    while s.len() < kb * 1024 {
        let team = if i % 500 == 0 { "équipe-zürich ✓" } else { "platform" };
        s.push_str(&format!(
            "{{\"targets\":[\"10.0.{}.{}:8080\"],\"labels\":{{\"job\":\"svc-{i}\",\"team\":\"{team}\"}}}},",
            i / 250 % 250,
            i % 250
        ));
        i += 1;
    }
    s.push_str("{\"targets\":[\"last:8080\"],\"labels\":{\"team\":\"fin\"}}]");
    s
}

/// Many Kubernetes documents in one file (~`mb` MB).
fn large_yaml(mb: usize) -> String {
    let mut s = String::new();
    let mut i = 0;
    while s.len() < mb * 1024 * 1024 {
        s.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc-{i}\n  labels: {{app: svc-{i}, tier: \"back\"}}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: registry.example/svc-{i}:1.0.{i}\n          args: [\"--server.port=8080\", \"--spring.profiles.active=k8s\"]\n          ports:\n            - containerPort: 8080\n          readinessProbe:\n            httpGet: {{path: /actuator/health/readiness, port: 8080}}\n"
        ));
        i += 1;
    }
    s
}

/// Median seconds of `runs` calls of `f`.
fn timed(runs: usize, mut f: impl FnMut()) -> f64 {
    median(
        (0..runs.max(1))
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

/// Parse time per input, and line/column of every token offset on the long line: each must
/// stay linear in bytes (a quadratic one shows as seconds, not milliseconds).
fn long_inputs(runs: usize) {
    use actuator_lint::parse::yaml::{parse, Limits};
    use actuator_lint::source::{FileId, SourceFile};
    let limits = Limits::default();
    println!();
    println!("| input | bytes | parse | line/column of every 50th byte |");
    println!("|---|---:|---:|---:|");
    for (name, text) in [
        ("single-line JSON, non-ASCII labels", long_line_json(800)),
        ("multi-document YAML", large_yaml(8)),
    ] {
        let parse_s = timed(runs, || {
            let (docs, err) = parse(&text, FileId(0), &limits);
            assert!(err.is_none() && !docs.is_empty(), "{name} parses");
        });
        let file = SourceFile::new("x.json", text.clone());
        let positions_s = timed(runs, || {
            let mut sum = 0u64;
            for offset in (0..text.len()).step_by(50) {
                sum += u64::from(file.line_col(offset as u32).column);
            }
            assert!(sum > 0);
        });
        println!(
            "| {name} | {} | {:.0} ms | {:.0} ms |",
            text.len(),
            parse_s * 1000.0,
            positions_s * 1000.0
        );
    }
}

pub fn main(mut args: impl Iterator<Item = String>) {
    let mut sizes = vec![100usize, 1000, 5000];
    let mut runs = 5usize;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--services" => sizes = args.next().unwrap_or_default().split(',').filter_map(|s| s.parse().ok()).collect(),
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).unwrap_or(runs),
            _ => {
                eprintln!("usage: cargo xtask bench [--services 100,1000,5000] [--runs 5]");
                std::process::exit(2);
            }
        }
    }
    let binary = release_binary();
    println!(
        "| services | files | read floor | actuator-lint (in-process) | ratio | binary wall | peak RSS | faults found | extra findings |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for n in sizes {
        let root = std::env::temp_dir().join(format!("actuator-lint-bench/{n}"));
        crate::gen_monorepo::generate(n, &root).expect("synthetic monorepo written");
        // Warm the page cache once, then measure medians.
        read_floor(&root);
        // The real binary, end to end, with its peak memory: the median of `runs` runs,
        // measured before anything runs in this process (whose pool could compete for cores).
        let mut walls = Vec::new();
        let mut rss = Vec::new();
        let mut out = None;
        for _ in 0..runs {
            let o = Command::new("/usr/bin/time")
                .args(["-f", "%e %M"])
                .arg(&binary)
                .arg(&root)
                .args(["--format", "json", "--fail-on", "never"])
                .output()
                .expect("/usr/bin/time runs");
            let timing = String::from_utf8_lossy(&o.stderr);
            let mut t = timing.lines().last().unwrap_or("0 0").split_whitespace();
            walls.push(t.next().and_then(|v| v.parse().ok()).unwrap_or(0.0));
            rss.push(t.next().and_then(|v| v.parse().ok()).unwrap_or(0.0));
            out = Some(o);
        }
        let out = out.expect("at least one run");
        let wall = median(walls);
        let rss_kb = median(rss);
        let files = read_floor(&root);
        full_lint(&root);
        let floor = median(
            (0..runs)
                .map(|_| {
                    settle();
                    let t = Instant::now();
                    read_floor(&root);
                    t.elapsed().as_secs_f64()
                })
                .collect(),
        );
        let lint = median(
            (0..runs)
                .map(|_| {
                    settle();
                    let t = Instant::now();
                    full_lint(&root);
                    t.elapsed().as_secs_f64()
                })
                .collect(),
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json output");
        // A finding names its service; one that cannot (a monitor selecting nothing) is matched
        // by the file it points into, which the generator names after the service.
        let found: BTreeSet<(String, String)> = json["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|d| {
                let service = d["service"].as_str().map(str::to_string).unwrap_or_else(|| {
                    let path = d["path"].as_str().unwrap_or("");
                    path.rsplit('/').next().unwrap_or("").trim_end_matches(".yaml").to_string()
                });
                (d["rule"].as_str().unwrap_or("").to_string(), service)
            })
            .collect();
        let expected: BTreeSet<(String, String)> = std::fs::read_to_string(root.join("faults.tsv"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .map(|(r, s)| (r.to_string(), s.to_string()))
            .collect();
        let caught = expected.intersection(&found).count();
        let extra = found.difference(&expected).count();
        println!(
            "| {n} | {files} | {:.0} ms | {:.0} ms | {:.1}× | {:.2} s | {:.0} MiB | {caught}/{} | {extra} |",
            floor * 1000.0,
            lint * 1000.0,
            lint / floor,
            wall,
            rss_kb / 1024.0,
            expected.len()
        );
    }
    long_inputs(runs);
}
