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
fn nothing_to_lint_is_not_a_pass() {
    let dir = std::env::temp_dir().join(format!("actuator-lint-cli-{}-empty", std::process::id()));
    std::fs::create_dir_all(dir.join("docs")).unwrap();
    std::fs::write(dir.join("docs/notes.yaml"), "title: not a manifest\n").unwrap();
    let (code, out, err) = run(&[dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.is_empty(), "no report for nothing: {out}");
    assert!(err.contains("nothing to lint"), "{err}");
    assert!(
        err.contains("pom.xml") && err.contains("Prometheus"),
        "says what it looked for: {err}"
    );
    assert!(err.contains("1 file was read"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn boot_time_for_an_unknown_service_is_a_usage_error() {
    let repo = "fixtures/scenarios/commerce/repo";
    for cmd in [&[repo][..], &["model", repo], &["graph", repo]] {
        let mut args = cmd.to_vec();
        args.extend(["--boot-time", "ordr-service=100s"]);
        let (code, _, err) = run(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(
            err.contains("no service is named `ordr-service` (did you mean `order-service`?)"),
            "{err}"
        );
    }
    let (code, _, err) = run(&[repo, "--boot-time", "zzzzzzzz=1s"]);
    assert_eq!(code, 2);
    assert!(err.contains("the services are `auth-service`"), "lists what exists: {err}");
    let (code, _, err) = run(&[repo, "--boot-time", "order-service=100s", "--fail-on", "never"]);
    assert_eq!(code, 0, "{err}");
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
fn manifests_from_stdin_point_into_the_stream() {
    use std::io::Write;
    let case = "fixtures/monitor-port-not-found/helm-chart-through-manifests";
    let rendered = std::fs::read_to_string(format!("{case}/rendered.yaml")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_actuator-lint"))
        .args([&format!("{case}/repo"), "--manifests", "-", "--format", "concise"])
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("binary runs");
    child.stdin.take().unwrap().write_all(rendered.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    // The chart is covered by the stream: no analysis gap; the finding is in `<stdin>`.
    assert!(stdout.contains("<stdin>:55:13: error[monitor-port-not-found]"), "{stdout}");
    assert!(!stdout.contains("analysis-gap"), "{stdout}");
}

fn temp_copy(name: &str, from: &str) -> std::path::PathBuf {
    fn copy(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                copy(&e.path(), &to.join(e.file_name()));
            } else {
                std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
            }
        }
    }
    let d = std::env::temp_dir().join(format!("actuator-lint-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    copy(std::path::Path::new(from), &d);
    d
}

#[test]
fn baseline_hides_recorded_findings_even_after_lines_move() {
    let root = temp_copy("baseline", "fixtures/scenarios/commerce/repo");
    let r = root.to_str().unwrap();
    let bl = root.join("actuator-lint-baseline.json");
    let (code, _, err) = run(&[r, "--write-baseline", bl.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("recorded 4 findings"), "{err}");
    // Shift every line of two reported files; the findings stay baselined.
    for f in ["infra/k8s/services/order-service.yaml", "services/order-service/build.gradle.kts"] {
        let p = root.join(f);
        let text = std::fs::read_to_string(&p).unwrap();
        let comment = if f.ends_with(".yaml") { "#" } else { "//" };
        std::fs::write(&p, format!("{comment} moved\n{comment} down\n{text}")).unwrap();
    }
    let (code, out, _) = run(&[r, "--baseline", bl.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("no problems in 6 services (58 files); 4 findings hidden by the baseline"),
        "{out}"
    );
    // The baseline is keyed on root-relative paths whatever the format (github/sarif show the root).
    let (code, out, _) = run(&[r, "--baseline", bl.to_str().unwrap(), "--format", "github"]);
    assert_eq!((code, out.as_str()), (0, ""));
    // A new finding is reported.
    let p = root.join("infra/k8s/services/payment-service.yaml");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, text.replacen("initialDelaySeconds: 60", "initialDelaySeconds: 61", 1)).unwrap();
    let (_, out, err) = run(&[r, "--baseline", bl.to_str().unwrap(), "--format", "concise", "--fail-on", "info"]);
    assert!(out.contains("payment-service.yaml:58:13: info[liveness-delay-redundant]"), "{out}");
    assert!(err.contains("1 finding in the baseline no longer reported"), "{err}");
    assert_eq!(run(&[r, "--baseline", "/no/such/baseline.json"]).0, 2);
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn init_writes_a_config_that_parses_and_names_the_services() {
    let root = temp_copy("init", "fixtures/scenarios/commerce/repo");
    let r = root.to_str().unwrap();
    let (code, _, err) = run(&["init", r]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(run(&["init", r]).0, 2, "an existing config is not overwritten");
    let text = std::fs::read_to_string(root.join("actuator-lint.toml")).unwrap();
    assert!(text.contains("[services.order-service]"), "{text}");
    assert!(text.contains("# runs in: Deployment `order-service` in `commerce`"), "{text}");
    // Boot logs are found by default: the file says where, and sets nothing.
    assert!(text.contains("logs/order-service.log"), "{text}");
    assert!(
        text.contains("# measured boot time: 161.4 s (from `logs/order-service.log`)"),
        "{text}"
    );
    assert!(!text.lines().any(|l| l.starts_with("boot-logs")), "{text}");
    // The written file is a valid config, and linting with it finds the seed's bugs again.
    let (code, out, err) = run(&[r, "--format", "concise"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("liveness-budget-too-short"), "{out}");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn discovery_excludes_directories_by_name() {
    let root = temp_copy("exclude", "fixtures/scenarios/commerce/repo");
    let r = root.to_str().unwrap();
    let cfg = root.join("actuator-lint.toml");
    let text = "";
    for pattern in ["infra/k8s/services", "infra/k8s/services/", "infra/**/order-*.yaml"] {
        std::fs::write(&cfg, format!("{text}\n[discovery]\nexclude = [\"{pattern}\"]\n")).unwrap();
        let (_, out, err) = run(&[r, "--format", "concise"]);
        assert!(!out.contains("infra/k8s/services/order-service.yaml"), "{pattern}: {out}{err}");
        assert!(out.contains("services/order-service/build.gradle.kts"), "{pattern}: {out}");
    }
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn graph_shows_the_broken_links_of_the_commerce_scenario() {
    let (code, out, err) = run(&["graph", "fixtures/scenarios/commerce/repo"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("flowchart LR\n"), "{out}");
    assert!(out.contains("✗ prometheus-registry-missing"), "{out}");
    assert!(out.contains("✗ liveness-budget-too-short"), "{out}");
    assert!(out.contains("linkStyle"), "broken links are styled: {out}");
    // The info finding (a redundant delay) annotates its workload; nothing there is broken.
    let payment = out.lines().find(|l| l.contains("Deployment payment-service")).unwrap();
    assert!(
        payment.contains("ℹ liveness-delay-redundant") && !payment.contains('✗'),
        "{payment}"
    );
    let id = payment.trim().split('[').next().unwrap();
    assert!(out.contains(&format!("class {id} note")), "{out}");
    assert!(
        !out.lines()
            .any(|l| l.starts_with("  class ") && l.ends_with(" broken") && l.contains(id)),
        "{out}"
    );
    let (_, dot, _) = run(&["graph", "fixtures/scenarios/commerce/repo", "--format", "dot"]);
    let payment = dot.lines().find(|l| l.contains("Deployment payment-service")).unwrap();
    assert!(payment.contains("#1565c0") && !payment.contains("#c62828"), "{payment}");
    let (code, out, _) = run(&["graph", "fixtures/scenarios/servicemonitor-unnamed-port/repo", "--format", "dot"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("digraph actuator_lint {"), "{out}");
    assert!(out.contains("monitor-port-not-found"), "{out}");
    assert!(out.trim_end().ends_with('}'));
}

#[test]
fn model_json_completions_and_man_page() {
    let (code, out, _) = run(&["model", "fixtures/scenarios/commerce/repo", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let order = v["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "order-service")
        .unwrap();
    assert_eq!(order["micrometer_registry_prometheus"]["status"], "absent");
    assert_eq!(order["deployments"][0]["workload"], "Deployment order-service");
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, out, _) = run(&["completions", shell]);
        assert_eq!(code, 0);
        assert!(out.contains("unsafe-fixes"), "{shell}");
    }
    let (code, out, _) = run(&["man"]);
    assert_eq!(code, 0);
    assert!(out.starts_with(".ie") || out.contains(".TH actuator-lint"), "{out}");
}

#[test]
fn readme_graph_example_is_current() {
    let (_, out, _) = run(&["graph", "fixtures/scenarios/servicemonitor-unnamed-port/repo"]);
    let readme = std::fs::read_to_string("README.md").unwrap();
    assert!(
        readme.contains(&format!("```mermaid\n{out}```")),
        "README's mermaid example is stale; paste the output of `actuator-lint graph fixtures/scenarios/servicemonitor-unnamed-port/repo`:\n{out}"
    );
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

#[test]
fn boot_logs_are_found_by_default_and_the_key_narrows_or_turns_off_the_search() {
    let root = temp_copy("boot-logs", "fixtures/scenarios/commerce/repo");
    let r = root.to_str().unwrap();
    let headline = "error[liveness-budget-too-short]";
    // No configuration: logs/order-service.log is found by its `Started` line.
    let (code, out, _) = run(&[r, "--format", "concise"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(headline), "{out}");
    // The message names the log as the report names files: from the current directory.
    assert!(out.contains(&format!("in `{r}/logs/order-service.log:27`)")), "{out}");
    let (_, model, _) = run(&["model", r]);
    assert!(
        model.contains("boot time: 161.359 s (from `Started OrderServiceApplicationKt in 161.359 seconds` in `logs/order-service.log:27`)"),
        "{model}"
    );
    assert!(model.contains("logs/order-service.log: boot log — found:"), "{model}");
    // A key that names other files replaces the search; `[]` turns it off.
    for value in ["[]", "[\"ops/*.log\"]"] {
        std::fs::write(root.join("actuator-lint.toml"), format!("[probes]\nboot-logs = {value}\n")).unwrap();
        let (_, out, _) = run(&[r, "--format", "concise"]);
        assert!(!out.contains(headline), "{value}: {out}");
        assert!(out.contains("info[boot-time-unknown]"), "{value}: {out}");
    }
    std::fs::remove_dir_all(&root).unwrap();
}

/// `--watch` lints, then lints again when a file changes: adding the registry to the build
/// file clears its finding in the next report.
#[test]
fn watch_relints_after_a_change() {
    use std::io::{BufRead, BufReader};
    use std::sync::mpsc::{channel, Receiver};
    use std::time::Duration;
    let root = temp_copy("watch", "fixtures/scenarios/commerce/repo");
    let mut child = Command::new(env!("CARGO_BIN_EXE_actuator-lint"))
        .args(["check", "--watch", "--format", "concise", "--color", "never"])
        .arg(&root)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let lines = |r: Box<dyn std::io::Read + Send>| {
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(r).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        rx
    };
    let out = lines(Box::new(child.stdout.take().unwrap()));
    let err = lines(Box::new(child.stderr.take().unwrap()));
    // A run is over when the watcher says it is watching; its report is on stdout, written
    // (and flushed) before that.
    let report = |out: &Receiver<String>, err: &Receiver<String>| -> String {
        loop {
            let line = err.recv_timeout(Duration::from_secs(60)).expect("a run to end");
            if line.contains("watching") {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(300));
        out.try_iter().collect::<Vec<_>>().join("\n")
    };
    let first = report(&out, &err);
    assert!(first.contains("prometheus-registry-missing"), "{first}");
    let build = root.join("services/order-service/build.gradle.kts");
    let text = std::fs::read_to_string(&build).unwrap();
    std::fs::write(
        &build,
        text.replace(
            "dependencies {",
            "dependencies {\n    runtimeOnly(\"io.micrometer:micrometer-registry-prometheus\")",
        ),
    )
    .unwrap();
    let second = report(&out, &err);
    child.kill().unwrap();
    let _ = child.wait();
    assert!(second.contains("prometheus-endpoint-not-exposed"), "{second}");
    assert!(!second.contains("prometheus-registry-missing"), "{second}");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn maven_repo_is_read_only_when_named_and_the_flag_wins_over_the_key() {
    let case = "fixtures/prometheus-registry-missing/local-maven-repo-starter-without-registry";
    let repo = format!("{case}/repo");
    // The config key names `../m2`: the starter's POMs show no registry, an error.
    let (code, out, _) = run(&[&repo, "--format", "concise", "--select", "prometheus-registry-missing,analysis-gap"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("error[prometheus-registry-missing]"), "{out}");
    // Without it (an empty config), the in-house starter may bring it: unknown, an info.
    let empty = std::env::temp_dir().join(format!("actuator-lint-empty-{}.toml", std::process::id()));
    std::fs::write(&empty, "").expect("write config");
    let (code, out, _) = run(&[
        &repo,
        "--config",
        empty.to_str().unwrap(),
        "--format",
        "concise",
        "--select",
        "prometheus-registry-missing,analysis-gap",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("info[analysis-gap]") && out.contains("may bring the artifact transitively"),
        "{out}"
    );
    // The flag names another repository (one with the registry): it wins.
    let other = "fixtures/prometheus-registry-missing/ok-local-maven-repo-starter-brings-registry/m2";
    let (code, out, _) = run(&[
        &repo,
        "--maven-repo",
        other,
        "--format",
        "concise",
        "--select",
        "prometheus-registry-missing,analysis-gap",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("analysis-gap"), "{out}");
    // A path that is not a directory is a usage error.
    let (code, _, err) = run(&[&repo, "--maven-repo", "no/such/m2"]);
    assert_eq!(code, 2);
    assert!(err.contains("--maven-repo: `no/such/m2` is not a directory"), "{err}");
    let _ = std::fs::remove_file(empty);
}
