//! The problem matchers we ship (GitHub: `.github/actuator-lint-matcher.json`; VS Code:
//! `docs/vscode-tasks.json`) parse every `concise` line of every scenario and fixture into
//! the same file, line, column, severity, rule and message as the JSON report.

use regex::Regex;
use std::path::{Path, PathBuf};
use std::process::Command;

fn run(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_actuator-lint"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("binary runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn repos(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().is_some_and(|n| n == "repo") {
            out.push(p);
        } else if p.is_dir() {
            repos(&p, out);
        }
    }
}

struct Matcher {
    re: Regex,
    groups: serde_json::Value,
    default_severity: Option<String>,
}

fn matchers(file: &str) -> Vec<Matcher> {
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let list = if let Some(l) = v["problemMatcher"].as_array() {
        l.clone()
    } else {
        v["tasks"].as_array().unwrap().iter().map(|t| t["problemMatcher"].clone()).collect()
    };
    list.iter()
        .map(|m| {
            let pat = if m["pattern"].is_array() {
                m["pattern"][0].clone()
            } else {
                m["pattern"].clone()
            };
            Matcher {
                re: Regex::new(pat["regexp"].as_str().unwrap()).expect("the regex is valid"),
                groups: pat,
                default_severity: m["severity"].as_str().map(str::to_string),
            }
        })
        .collect()
}

fn group<'a>(c: &regex::Captures<'a>, m: &Matcher, field: &str) -> Option<&'a str> {
    let i = m.groups[field].as_u64()? as usize;
    c.get(i).map(|g| g.as_str())
}

#[test]
fn matchers_parse_every_concise_line() {
    let mut roots = vec![];
    repos(Path::new("fixtures"), &mut roots);
    roots.sort();
    let mut lines = 0;
    let outputs: Vec<(String, String, serde_json::Value)> = roots
        .iter()
        .map(|root| {
            let r = root.to_str().unwrap().to_string();
            let concise = run(&[&r, "--format", "concise"]);
            let json: serde_json::Value = serde_json::from_str(&run(&[&r, "--format", "json"])).unwrap();
            (r, concise, json)
        })
        .collect();
    for file in [".github/actuator-lint-matcher.json", "docs/vscode-tasks.json"] {
        let ms = matchers(file);
        let github = file.starts_with(".github");
        for (r, concise, json) in &outputs {
            let diags = json["diagnostics"].as_array().unwrap();
            assert_eq!(concise.lines().count(), diags.len(), "{r}");
            for (line, d) in concise.lines().zip(diags) {
                lines += 1;
                let hits: Vec<(&Matcher, regex::Captures)> = ms.iter().filter_map(|m| m.re.captures(line).map(|c| (m, c))).collect();
                assert_eq!(hits.len(), 1, "{file}: `{line}` must match exactly one matcher");
                let (m, c) = &hits[0];
                assert_eq!(group(c, m, "file"), d["path"].as_str(), "{file}: {line}");
                assert_eq!(group(c, m, "line").map(str::to_string), Some(d["line"].to_string()), "{line}");
                assert_eq!(group(c, m, "column").map(str::to_string), Some(d["column"].to_string()), "{line}");
                assert_eq!(group(c, m, "code"), d["rule"].as_str(), "{line}");
                assert_eq!(
                    group(c, m, "message").map(str::to_string),
                    d["message"].as_str().map(|s| s.replace('\n', " ")),
                    "{line}"
                );
                let sev = group(c, m, "severity")
                    .map(str::to_string)
                    .or(m.default_severity.clone())
                    .unwrap_or("error".into());
                let want = d["severity"].as_str().unwrap();
                if github {
                    // GitHub matchers know only `error` and `warning`: infos become warnings.
                    assert_eq!(sev, if want == "info" { "warning" } else { want }, "{line}");
                } else {
                    assert_eq!(sev, want, "{line}");
                }
            }
        }
    }
    assert!(lines > 40, "only {lines} lines checked");
    // Coloured output (e.g. a tool wrapping ours) still matches the GitHub matcher.
    let ms = matchers(".github/actuator-lint-matcher.json");
    assert!(ms[0].re.is_match("\x1b[31mk8s/a.yaml:3:5: error[monitor-port-not-found]: x"));
}

#[test]
fn readme_shows_the_shipped_matchers() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    assert!(readme.contains(".github/actuator-lint-matcher.json"));
    let vscode = std::fs::read_to_string("docs/vscode-tasks.json").unwrap();
    let v: serde_json::Value = serde_json::from_str(&vscode).unwrap();
    let re = v["tasks"][0]["problemMatcher"]["pattern"]["regexp"].as_str().unwrap();
    let escaped = serde_json::to_string(re).unwrap();
    assert!(readme.contains(&escaped), "README's VS Code snippet uses {escaped}");
}
