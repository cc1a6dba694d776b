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
fn github_formats_use_paths_from_the_working_directory() {
    // Code scanning and annotations resolve paths against the checkout, not the lint root.
    let (_, out, _) = run(&["fixtures/scenarios/commerce/repo/", "--format", "github"]);
    assert!(
        out.contains("file=fixtures/scenarios/commerce/repo/services/order-service/build.gradle.kts,"),
        "{out}"
    );
    let (_, out, _) = run(&["./fixtures/scenarios/commerce/repo", "--format", "sarif"]);
    assert!(
        out.contains("\"uri\": \"fixtures/scenarios/commerce/repo/services/order-service/build.gradle.kts\""),
        "{out}"
    );
    // Other formats keep root-relative paths (SPEC §3).
    let (_, out, _) = run(&["fixtures/scenarios/commerce/repo", "--format", "concise"]);
    assert!(out.starts_with("infra/k8s/services/order-service.yaml:42:11:"), "{out}");
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
