//! CI formats from the real binary: SARIF against the vendored 2.1.0 schema and the fields
//! GitHub code scanning needs, GitHub workflow commands, Checkstyle/JUnit XML, statistics.

use std::process::Command;

const SCENARIOS: &[&str] = &["commerce", "commerce-fixed", "servicemonitor-unnamed-port"];

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

fn scenario(name: &str) -> String {
    format!("fixtures/scenarios/{name}/repo")
}

fn schema_validator() -> (boon::Schemas, boon::SchemaIndex) {
    let text = std::fs::read_to_string("tests/sarif/sarif-schema-2.1.0.json").expect("vendored schema");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    let mut compiler = boon::Compiler::new();
    compiler.add_resource("sarif-2.1.0.json", schema).expect("schema resource");
    let mut schemas = boon::Schemas::new();
    let idx = compiler.compile("sarif-2.1.0.json", &mut schemas).expect("schema compiles");
    (schemas, idx)
}

#[test]
fn sarif_of_every_scenario_validates_and_has_what_github_needs() {
    let (schemas, idx) = schema_validator();
    for name in SCENARIOS {
        let (code, out, err) = run(&[&scenario(name), "--format", "sarif"]);
        assert!(code == 0 || code == 1, "{name}: {err}");
        let v: serde_json::Value = serde_json::from_str(&out).expect("SARIF is JSON");
        if let Err(e) = schemas.validate(&v, idx) {
            panic!("{name}: SARIF does not validate against the 2.1.0 schema:\n{e:#}");
        }
        assert_eq!(v["version"], "2.1.0");
        assert!(v["$schema"].is_string());
        let run = &v["runs"][0];
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
        assert!(!rules.is_empty());
        for r in rules {
            for k in ["shortDescription", "fullDescription", "help"] {
                assert!(
                    r[k]["text"].as_str().is_some_and(|t| !t.is_empty()),
                    "{name}: rule {} lacks {k}",
                    r["id"]
                );
            }
            let id = r["id"].as_str().unwrap();
            assert!(r["helpUri"].as_str().unwrap().ends_with(&format!("rules/{id}.md")));
            assert!(
                std::path::Path::new(&format!("rules/{id}.md")).is_file(),
                "helpUri points at a doc in the repository"
            );
            assert_ne!(r["name"], r["id"]);
        }
        let results = run["results"].as_array().expect("a clean run still has `results`");
        assert_eq!(results.is_empty(), code == 0, "{name}");
        for res in results {
            let idx = res["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[idx]["id"], res["ruleId"]);
            assert!(res["message"]["text"].as_str().is_some_and(|t| !t.is_empty()));
            let loc = &res["locations"][0]["physicalLocation"];
            assert!(!loc["artifactLocation"]["uri"].as_str().unwrap().starts_with('/'), "relative URIs");
            assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
            for k in ["startLine", "startColumn", "endLine", "endColumn"] {
                assert!(loc["region"][k].as_u64().is_some_and(|n| n >= 1), "{name}: region.{k}");
            }
            let hash = res["partialFingerprints"]["primaryLocationLineHash"].as_str().unwrap();
            assert!(hash.contains(':'), "{hash}");
        }
    }
}

#[test]
fn the_schema_check_has_teeth() {
    let (schemas, idx) = schema_validator();
    let (_, out, _) = run(&[&scenario("commerce"), "--format", "sarif"]);
    let mut v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = serde_json::json!(0);
    assert!(schemas.validate(&v, idx).is_err(), "startLine 0 must be rejected");
    let mut v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v["runs"][0]["results"][0]["level"] = serde_json::json!("info");
    assert!(schemas.validate(&v, idx).is_err(), "`info` is not a SARIF level");
}

#[test]
fn sarif_carries_related_locations_and_fixes() {
    let (_, out, _) = run(&[&scenario("commerce"), "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    let reg = results
        .iter()
        .find(|r| r["ruleId"] == "prometheus-registry-missing")
        .expect("seed finding");
    assert_eq!(
        reg["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "fixtures/scenarios/commerce/repo/monitoring/prometheus/prometheus.yml"
    );
    let change = &reg["fixes"][0]["artifactChanges"][0];
    assert_eq!(
        change["artifactLocation"]["uri"],
        "fixtures/scenarios/commerce/repo/services/order-service/build.gradle.kts"
    );
    assert!(change["replacements"][0]["insertedContent"]["text"]
        .as_str()
        .unwrap()
        .contains("micrometer-registry-prometheus"));
    // Stable across runs (GitHub deduplicates alerts on it).
    let (_, again, _) = run(&[&scenario("commerce"), "--format", "sarif"]);
    assert_eq!(out, again);
}

#[test]
fn github_workflow_commands() {
    let (code, out, _) = run(&[&scenario("commerce"), "--format", "github"]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(lines[0].starts_with("::error file=fixtures/scenarios/commerce/repo/infra/k8s/services/order-service.yaml,line=42,endLine=42,col=11,endColumn=24,title=actuator-lint (liveness-budget-too-short)::"));
    assert!(lines.last().unwrap().starts_with("::notice "), "infos last, as notices: {out}");
    for l in &lines {
        let (props, msg) = l[2..].split_once("::").expect("command::message");
        assert!(!msg.contains('\n') && !msg.contains('\r'));
        assert!(msg.contains("%0Ahelp: "), "help on its own line: {msg}");
        assert!(!props.contains("%0A"));
    }
}

#[test]
fn every_format_names_files_from_the_working_directory() {
    // A problem matcher, code scanning, annotations and a person all resolve paths against the
    // directory the command ran in (the checkout in CI), not against the lint root.
    let file = "fixtures/scenarios/commerce/repo/services/order-service/build.gradle.kts";
    let absolute = std::env::current_dir().unwrap().join("fixtures/scenarios/commerce/repo");
    for root in [
        "fixtures/scenarios/commerce/repo",
        "./fixtures/scenarios/commerce/repo/",
        absolute.to_str().unwrap(),
    ] {
        let (_, out, _) = run(&[root, "--format", "github"]);
        assert!(out.contains(&format!("file={file},")), "{root}: {out}");
        let (_, out, _) = run(&[root, "--format", "concise"]);
        assert!(out.lines().any(|l| l.starts_with(&format!("{file}:6:1:"))), "{root}: {out}");
        let (_, out, _) = run(&[root, "--format", "json"]);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert!(
            v["diagnostics"].as_array().unwrap().iter().any(|d| d["path"] == file),
            "{root}: {out}"
        );
        let (_, out, _) = run(&[root, "--format", "checkstyle"]);
        assert!(out.contains(&format!("<file name=\"{file}\"")), "{root}: {out}");
        let (_, out, _) = run(&[root]);
        assert!(out.contains(&format!("[{file}:6:1]")), "{root}: {out}");
    }
    // Run from elsewhere, the same file is named from there.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_actuator-lint"))
        .args(["commerce/repo", "--format", "concise"])
        .current_dir("fixtures/scenarios")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&out.stdout);
    assert!(out.contains("commerce/repo/services/order-service/build.gradle.kts:6:1:"), "{out}");
}

#[test]
fn sarif_uris_resolve_against_their_base() {
    let (_, out, _) = run(&["./fixtures/scenarios/commerce/repo", "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let sarif_run = &v["runs"][0];
    let base = sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .expect("%SRCROOT% is defined");
    assert!(base.starts_with("file:///") && base.ends_with('/'), "{base}");
    let cwd = std::env::current_dir().unwrap();
    assert!(
        base.ends_with(&format!("{}/", cwd.file_name().unwrap().to_string_lossy())),
        "{base}"
    );
    let mut uris = 0;
    for res in sarif_run["results"].as_array().unwrap() {
        let art = &res["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(art["uriBaseId"], "%SRCROOT%");
        let uri = art["uri"].as_str().unwrap();
        assert!(uri.starts_with("fixtures/scenarios/commerce/repo/"), "{uri}");
        assert!(cwd.join(uri).is_file(), "{uri} resolves against the working directory");
        for change in res["fixes"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|f| f["artifactChanges"].as_array().unwrap())
        {
            assert_eq!(change["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        }
        uris += 1;
    }
    assert!(uris > 0);
    // A root outside the working directory: absolute `file://` URIs, which take no base id.
    let outside = std::env::temp_dir().join(format!("actuator-lint-sarif-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&outside);
    std::fs::create_dir_all(outside.join("k8s")).unwrap();
    std::fs::write(
        outside.join("k8s/broken.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata: {name: a\n",
    )
    .unwrap();
    let (_, out, err) = run(&[outside.to_str().unwrap(), "--format", "sarif", "--fail-on", "never"]);
    std::fs::remove_dir_all(&outside).unwrap();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "the parse error: {out}");
    for res in results {
        let art = &res["locations"][0]["physicalLocation"]["artifactLocation"];
        assert!(art["uri"].as_str().unwrap().ends_with("/k8s/broken.yaml"), "{art}");
        assert!(art["uri"].as_str().unwrap().starts_with("file:///"), "{art}");
        assert!(art.get("uriBaseId").is_none(), "{art}");
    }
}

#[test]
fn gitlab_code_quality_has_what_gitlab_reads() {
    for name in SCENARIOS {
        let (code, out, err) = run(&[&scenario(name), "--format", "gitlab"]);
        assert!(code == 0 || code == 1, "{name}: {err}");
        let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        let issues = v.as_array().expect("an array, empty when clean");
        assert_eq!(issues.is_empty(), code == 0, "{name}");
        let mut fingerprints = std::collections::HashSet::new();
        for i in issues {
            for k in ["description", "check_name", "fingerprint"] {
                assert!(i[k].as_str().is_some_and(|s| !s.is_empty()), "{name}: {k} in {i}");
            }
            assert!(
                fingerprints.insert(i["fingerprint"].as_str().unwrap().to_string()),
                "{name}: unique: {i}"
            );
            let sev = i["severity"].as_str().unwrap();
            assert!(["info", "minor", "major", "critical", "blocker"].contains(&sev), "{sev}");
            let path = i["location"]["path"].as_str().unwrap();
            assert!(
                std::path::Path::new(path).is_file(),
                "{path} names a file from the working directory"
            );
            assert!(i["location"]["lines"]["begin"].as_u64().is_some_and(|l| l >= 1));
        }
    }
    let (_, out, _) = run(&[&scenario("commerce"), "--format", "gitlab"]);
    let (_, again, _) = run(&[&scenario("commerce"), "--format", "gitlab"]);
    assert_eq!(out, again, "stable across runs");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let reg = v
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["check_name"] == "prometheus-registry-missing")
        .unwrap();
    assert_eq!(reg["severity"], "critical");
    assert_eq!(
        reg["location"]["path"],
        "fixtures/scenarios/commerce/repo/services/order-service/build.gradle.kts"
    );
}

#[test]
fn statistics_are_a_table_or_json_and_nothing_else() {
    for format in ["concise", "sarif", "github", "gitlab", "checkstyle", "junit"] {
        let (code, out, err) = run(&[&scenario("commerce"), "--statistics", "--format", format]);
        assert_eq!(code, 2, "{format}: {out}");
        assert!(out.is_empty(), "{format}: nothing on stdout: {out}");
        assert!(err.contains(&format!("not `--format {format}`")), "{err}");
    }
}

#[test]
fn checkstyle_and_junit_are_well_formed() {
    for (format, root) in [("checkstyle", "checkstyle"), ("junit", "testsuites")] {
        for name in SCENARIOS {
            let (_, out, _) = run(&[&scenario(name), "--format", format]);
            let doc = roxmltree::Document::parse(&out).unwrap_or_else(|e| panic!("{format} {name}: {e}\n{out}"));
            assert_eq!(doc.root_element().tag_name().name(), root);
        }
    }
    let (_, out, _) = run(&[&scenario("commerce"), "--format", "checkstyle"]);
    assert!(out.contains("<error line=\"6\" column=\"1\" severity=\"error\""), "{out}");
    assert!(out.contains("source=\"actuator-lint.prometheus-registry-missing\""));
    let (_, out, _) = run(&[&scenario("commerce"), "--format", "junit"]);
    assert!(out.contains("tests=\"4\" failures=\"3\""), "{out}");
    let (code, out, _) = run(&[&scenario("commerce-fixed"), "--format", "junit"]);
    assert_eq!(code, 0);
    assert!(out.contains("tests=\"1\" failures=\"0\""), "{out}");
}

#[test]
fn statistics_count_per_rule() {
    let (code, out, _) = run(&[&scenario("commerce"), "--statistics"]);
    assert_eq!(code, 1, "the exit status does not change");
    assert!(out.contains("prometheus-registry-missing"), "{out}");
    assert!(out.lines().last().unwrap().trim() == "4  total", "{out}");
    let (_, out, _) = run(&[&scenario("commerce"), "--statistics", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 4);
    assert_eq!(v[0]["count"], 1);
}
