//! `--fix` / `--unsafe-fixes` / `--diff` through the real binary, on temporary copies of every
//! fixture: the fixed files on disk are exactly what the in-memory harness expects
//! (`expected.fix.diff`), the result re-lints without any applicable fix left, and a second
//! `--fix` changes nothing. Encodings (BOM, CRLF, ISO-8859-1) and symlinks are kept.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    run_in(Path::new("."), args)
}

/// From `dir`, as CI runs it from the checkout: paths in diffs and reports are then repository
/// paths.
fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_actuator-lint"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("actuator-lint-fix-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), &t).unwrap();
        }
    }
}

fn snapshot(dir: &Path, base: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            snapshot(&e.path(), base, out);
        } else {
            let rel = e.path().strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
            out.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut m = BTreeMap::new();
    snapshot(dir, dir, &mut m);
    m
}

/// Per-file chunks of a diff in the harness's format (`--- a/path` … up to the next one).
fn chunks(diff: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut cur: Option<(String, String)> = None;
    for line in diff.lines() {
        if let Some(p) = line.strip_prefix("--- a/") {
            if let Some((k, v)) = cur.take() {
                out.insert(k, v);
            }
            cur = Some((p.to_string(), String::new()));
        }
        if let Some((_, v)) = cur.as_mut() {
            v.push_str(line.trim_end());
            v.push('\n');
        }
    }
    if let Some((k, v)) = cur {
        out.insert(k, v);
    }
    out
}

fn case_args(case_toml: &Path) -> Vec<String> {
    let case: toml_edit::DocumentMut = std::fs::read_to_string(case_toml).unwrap().parse().unwrap();
    let strings = |k: &str| -> Vec<String> {
        case.get(k)
            .and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    };
    let dir = case_toml.parent().unwrap();
    // Files named in the arguments are relative to this repository; the binary runs elsewhere.
    let mut args: Vec<String> = strings("args")
        .into_iter()
        .map(|a| match std::fs::canonicalize(&a) {
            Ok(p) if !a.starts_with('-') && !a.contains('=') => p.to_string_lossy().into_owned(),
            _ => a,
        })
        .collect();
    let mut rules = strings("rules");
    if rules.is_empty() && !dir.components().any(|c| c.as_os_str() == "scenarios") {
        rules.push(dir.parent().unwrap().file_name().unwrap().to_string_lossy().into_owned());
    }
    if !rules.is_empty() {
        args.push("--select".into());
        args.push(rules.join(","));
    }
    args
}

fn all_cases(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() && p.file_name().is_some_and(|n| n != "repo") {
            all_cases(&p, out);
        } else if p.file_name().is_some_and(|n| n == "case.toml") {
            out.push(p);
        }
    }
}

fn applicable_fixes(json: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(json).expect("json report");
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["fix"]["applicability"].as_str().is_some_and(|a| a != "display-only"))
        .map(|d| format!("{} at {}:{}", d["rule"], d["path"], d["line"]))
        .collect()
}

#[test]
fn fix_on_copies_of_every_fixture_matches_the_harness_and_converges() {
    let mut cases = vec![];
    all_cases(Path::new("fixtures"), &mut cases);
    cases.sort();
    assert!(cases.len() > 20);
    let mut fixed_any = 0;
    for case in &cases {
        let dir = case.parent().unwrap();
        let name = dir.strip_prefix("fixtures").unwrap().to_string_lossy().replace('/', "-");
        // The case directory, not only `repo/`: a local Maven repository beside it (`m2/`, named
        // `../m2` by the case's config) comes along.
        let base = tmp(&name);
        let root = base.join("repo");
        copy_dir(&dir.join("repo"), &root);
        if dir.join("m2").is_dir() {
            copy_dir(&dir.join("m2"), &base.join("m2"));
        }
        let before = files(&root);
        let r = ".";
        let parse_errors = || {
            run_in(&root, &[r, "--select", "parse-error", "--format", "concise"])
                .1
                .lines()
                .count()
        };
        let broken_before = parse_errors();
        let extra = case_args(case);
        let with = |more: &[&str]| -> Vec<String> {
            let mut v = vec!["check".to_string(), r.to_string()];
            v.extend(extra.iter().cloned());
            v.extend(more.iter().map(|s| s.to_string()));
            v
        };
        // --diff changes nothing and exits 1 exactly when there is something to fix.
        let args = with(&["--unsafe-fixes", "--diff"]);
        let (code, diff, err) = run_in(&root, &args.iter().map(String::as_str).collect::<Vec<_>>());
        // The harness lints through the library, where a `--boot-time` for no service is a
        // finding; the command line refuses it before linting (exit 2, "did you mean").
        if extra.iter().any(|a| a == "--boot-time") && err.contains("--boot-time: no service is named") {
            assert_eq!(code, 2, "{name}: {err}");
            assert_eq!(files(&root), before, "{name}: a usage error wrote files");
            std::fs::remove_dir_all(&base).unwrap();
            continue;
        }
        assert_eq!(files(&root), before, "{name}: --diff wrote files");
        assert_eq!(code, if diff.is_empty() { 0 } else { 1 }, "{name}: {err}");
        let expected = std::fs::read_to_string(dir.join("expected.fix.diff")).unwrap_or_default();
        assert_eq!(chunks(&diff), chunks(&expected), "{name}: --diff differs from expected.fix.diff");

        let args = with(&["--unsafe-fixes", "--format", "json"]);
        let (code, out, err) = run_in(&root, &args.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(code == 0 || code == 1, "{name}: exit {code}: {err}");
        let after = files(&root);
        if expected.is_empty() {
            assert_eq!(after, before, "{name}: nothing to fix, yet files changed");
            continue;
        }
        fixed_any += 1;
        for (path, bytes) in &after {
            if before.get(path) != Some(bytes) {
                assert!(
                    chunks(&expected).contains_key(path),
                    "{name}: `{path}` changed but the harness does not change it"
                );
            }
        }
        assert!(
            applicable_fixes(&out).is_empty(),
            "{name}: fixes left after --fix: {:?}",
            applicable_fixes(&out)
        );
        assert_eq!(parse_errors(), broken_before, "{name}: a fixed file does not parse");
        // Idempotent: the second run finds nothing to do.
        let args = with(&["--unsafe-fixes"]);
        let (_, _, err) = run_in(&root, &args.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(files(&root), after, "{name}: a second --fix changed files");
        assert!(!err.contains("applied"), "{name}: {err}");
        std::fs::remove_dir_all(&base).unwrap();
    }
    assert!(fixed_any >= 5, "only {fixed_any} fixtures had something to fix");
}

#[test]
fn seed_000_fix_is_the_incident_fix() {
    let root = tmp("seed");
    copy_dir(Path::new("fixtures/scenarios/commerce/repo"), &root);
    let r = root.to_str().unwrap();
    // Safe fixes only: the registry line and the redundant liveness delay.
    let (code, _, err) = run(&[r, "--fix"]);
    assert_eq!(code, 1, "unsafe ones remain: {err}");
    assert!(err.contains("applied 2 fixes in 2 files"), "{err}");
    assert!(err.contains("unsafe fixes left"), "what --fix left is said: {err}");
    let gradle = std::fs::read_to_string(root.join("services/order-service/build.gradle.kts")).unwrap();
    assert!(gradle.contains("runtimeOnly(\"io.micrometer:micrometer-registry-prometheus\")"));
    let (code, out, err) = run(&[r, "--unsafe-fixes"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("no problems in 6 services"), "{out}");
    let app = std::fs::read_to_string(root.join("services/order-service/src/main/resources/application.yaml")).unwrap();
    assert!(
        app.contains("management:\n  endpoints:\n    web:\n      exposure:\n        include: health,prometheus"),
        "{app}"
    );
    let deploy = std::fs::read_to_string(root.join("infra/k8s/services/order-service.yaml")).unwrap();
    let liveness = &deploy[deploy.find("livenessProbe:").unwrap()..];
    assert!(
        deploy.contains("startupProbe:") && !liveness[..200].contains("initialDelaySeconds"),
        "{deploy}"
    );
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn fixes_keep_bom_crlf_and_latin1() {
    let root = tmp("enc");
    copy_dir(
        Path::new("fixtures/prometheus-endpoint-not-exposed/properties-include-health-only/repo"),
        &root,
    );
    let props = root.join("src/main/resources/application.properties");
    let text = std::fs::read_to_string(&props).unwrap();
    // ISO-8859-1 with an `é`, CRLF line ends.
    let mut latin1: Vec<u8> = b"# r\xe9sum\xe9 service\r\n".to_vec();
    latin1.extend(text.replace('\n', "\r\n").bytes());
    std::fs::write(&props, &latin1).unwrap();
    let (_, _, err) = run(&[
        root.to_str().unwrap(),
        "--unsafe-fixes",
        "--select",
        "prometheus-endpoint-not-exposed",
    ]);
    let bytes = std::fs::read(&props).unwrap();
    assert!(bytes.starts_with(b"# r\xe9sum\xe9 service\r\n"), "still ISO-8859-1: {err}");
    let s: String = bytes.iter().map(|&b| b as char).collect();
    assert!(s.contains("management.endpoints.web.exposure.include=health,prometheus\r\n"), "{s}");
    assert!(!s.replace("\r\n", "").contains('\n'), "CRLF kept");

    // A BOM on a YAML config is kept.
    let root2 = tmp("bom");
    copy_dir(Path::new("fixtures/scenarios/commerce/repo"), &root2);
    let app = root2.join("services/order-service/src/main/resources/application.yaml");
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend(std::fs::read(&app).unwrap());
    std::fs::write(&app, &with_bom).unwrap();
    run(&[root2.to_str().unwrap(), "--unsafe-fixes"]);
    let bytes = std::fs::read(&app).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFserver:"));
    assert!(String::from_utf8_lossy(&bytes).contains("include: health,prometheus"));
    std::fs::remove_dir_all(&root).unwrap();
    std::fs::remove_dir_all(&root2).unwrap();
}

#[cfg(unix)]
#[test]
fn fixes_are_not_written_through_symlinks() {
    let root = tmp("link");
    copy_dir(Path::new("fixtures/scenarios/commerce/repo"), &root);
    let outside = tmp("link-outside");
    std::fs::create_dir_all(&outside).unwrap();
    let gradle = root.join("services/order-service/build.gradle.kts");
    let target = outside.join("build.gradle.kts");
    std::fs::rename(&gradle, &target).unwrap();
    std::os::unix::fs::symlink(&target, &gradle).unwrap();
    let before = std::fs::read(&target).unwrap();
    let (_, _, err) = run(&[root.to_str().unwrap(), "--fix"]);
    // Discovery does not follow the link, so the build file is not even read; nothing outside changes.
    assert_eq!(std::fs::read(&target).unwrap(), before, "{err}");
    assert!(std::fs::symlink_metadata(&gradle).unwrap().file_type().is_symlink());
    std::fs::remove_dir_all(&root).unwrap();
    std::fs::remove_dir_all(&outside).unwrap();
}
