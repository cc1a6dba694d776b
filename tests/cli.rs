//! The real binary, the way users and CI run it.

use std::process::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_actuator-lint"))
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

#[test]
fn commerce_fails_and_commerce_fixed_passes() {
    let (code, out, _) = run(&["fixtures/scenarios/commerce/repo", "--format", "concise"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("services/order-service/build.gradle.kts"), "{out}");
    let (code, out, err) = run(&["check", "fixtures/scenarios/commerce-fixed/repo"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("no problems"), "{out}");
}

#[test]
fn fail_on_controls_the_exit_status() {
    let (code, _, _) = run(&["fixtures/scenarios/commerce/repo", "--fail-on", "never"]);
    assert_eq!(code, 0);
    let (code, _, _) = run(&[
        "fixtures/scenarios/commerce/repo",
        "--select",
        "liveness-delay-redundant",
        "--fail-on",
        "warning",
    ]);
    assert_eq!(code, 0, "an info finding is below `warning`");
    let (code, _, _) = run(&[
        "fixtures/scenarios/commerce/repo",
        "--select",
        "liveness-delay-redundant",
        "--fail-on",
        "info",
    ]);
    assert_eq!(code, 1);
}

#[test]
fn json_has_the_spec_shape() {
    let (code, out, _) = run(&["fixtures/scenarios/commerce/repo", "--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(v["version"], 1);
    assert_eq!(v["tool"]["name"], "actuator-lint");
    let d = &v["diagnostics"][0];
    for k in [
        "rule",
        "severity",
        "message",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "service",
        "related",
        "help",
        "fix",
    ] {
        assert!(d.get(k).is_some(), "diagnostic lacks `{k}`: {d}");
    }
    for k in ["files", "services", "errors", "warnings", "infos"] {
        assert!(v["summary"].get(k).is_some(), "summary lacks `{k}`");
    }
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["--select", "no-such-rule", "."]).0, 2);
    assert_eq!(run(&["no/such/dir"]).0, 2);
    assert_eq!(run(&[".", "--boot-time", "order-service"]).0, 2);
    let (code, _, err) = run(&["explain", "liveness-budget-to-short"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `liveness-budget-too-short`"), "{err}");
}

#[test]
fn config_errors_point_into_the_file() {
    let dir = std::env::temp_dir().join(format!("actuator-lint-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("actuator-lint.toml"), "[rules]\nliveness-budget-to-short = \"off\"\n").unwrap();
    let (code, _, err) = run(&[dir.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(code, 2);
    assert!(err.contains("unknown rule `liveness-budget-to-short`"), "{err}");
    assert!(err.contains("actuator-lint.toml:2:1"), "{err}");
    assert!(err.contains("did you mean `liveness-budget-too-short`"), "{err}");
}

#[test]
fn explain_and_rules() {
    let (code, out, _) = run(&["explain", "liveness-budget-too-short"]);
    assert_eq!(code, 0);
    assert!(out.contains("## Why is this bad?"));
    let (code, out, _) = run(&["rules", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["name"] == "parse-error" && r["fix"] == "none"));
}

#[test]
fn model_explains_each_verdict_with_its_source() {
    let (code, out, err) = run(&[
        "model",
        "fixtures/prometheus-endpoint-not-exposed/prod-profile-replaces-include-list/repo",
    ]);
    assert_eq!(code, 0, "{err}");
    // The profile, where it came from, the deciding line, and the served path and port.
    assert!(
        out.contains("profiles: prod (from `SPRING_PROFILES_ACTIVE` in env of Deployment `catalog-service`)"),
        "{out}"
    );
    assert!(
        out.contains("exposed over HTTP: no — `include: health,info` in src/main/resources/application-prod.yml:10"),
        "{out}"
    );
    assert!(out.contains("prometheus path: /actuator/prometheus"), "{out}");
    assert!(out.contains("port: 8080 on the application's server"), "{out}");
    let (_, out, _) = run(&[
        "model",
        "fixtures/prometheus-endpoint-not-exposed/ok-secret-env-from-is-unknown/repo",
    ]);
    assert!(
        out.contains("exposed over HTTP: unknown — Deployment `catalog-service` takes environment variables from Secret"),
        "{out}"
    );
}
