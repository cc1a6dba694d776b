//! GitLab Code Quality (a subset of the Code Climate issue format): a JSON array with
//! `description`, `check_name`, `fingerprint`, `severity` and `location.path` +
//! `location.lines.begin` per finding, which GitLab shows in merge requests
//! (<https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format>).

use super::Input;
use crate::diagnostic::Severity;
use serde_json::{json, Value};
use std::collections::HashMap;

/// Code Quality severities are `info`, `minor`, `major`, `critical`, `blocker`.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Info => "info",
    }
}

pub fn document(inputs: &[Input<'_>]) -> Value {
    // GitLab matches issues across pipelines by fingerprint, and a repeated fingerprint hides
    // all but one: the line-hash fingerprint the baseline and SARIF use, with the occurrence
    // number when one line yields the same rule twice.
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut issues = Vec::new();
    for inp in inputs {
        for d in &inp.report.diagnostics {
            let hash = crate::fingerprint::of(inp.sources, d, inp.prefix);
            let n = seen.entry(hash.clone()).or_insert(0);
            *n += 1;
            let fingerprint = if *n == 1 { hash } else { format!("{hash}-{n}") };
            let (begin, _, end, _) = super::position(inp.sources, d.primary.span);
            let mut description = d.message.clone();
            if let Some(h) = &d.help {
                description.push_str(" (help: ");
                description.push_str(h);
                description.push(')');
            }
            issues.push(json!({
                "type": "issue",
                "description": description,
                "check_name": d.rule,
                "fingerprint": fingerprint,
                "severity": severity(d.severity),
                "location": {
                    "path": format!("{}{}", inp.prefix, inp.sources.path(d.primary.span.file)),
                    "lines": {"begin": begin, "end": end},
                },
            }));
        }
    }
    Value::Array(issues)
}

pub fn render(inputs: &[Input<'_>]) -> String {
    serde_json::to_string_pretty(&document(inputs)).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::{Diagnostic, Label, Severity};
    use crate::source::{SourceSet, Span};

    #[test]
    fn fingerprints_are_unique_and_stable_across_line_shifts() {
        let doc = |text: &str| {
            let mut s = SourceSet::new();
            let id = s.add_text("k8s/a.yaml", text);
            let at = text.find("port").unwrap() as u32;
            let d = |msg: &str| Diagnostic::new("r", Severity::Warning, msg, Label::new(Span::new(id, at..at + 4), ""));
            let report = crate::report::Report {
                diagnostics: vec![d("first"), d("second")],
                ..Default::default()
            };
            let inputs = [super::Input {
                sources: &s,
                report: &report,
                prefix: "deploy/",
            }];
            super::document(&inputs)
        };
        let a = doc("a: 1\nport: http\n");
        let b = doc("# moved\na: 1\nport: http\n");
        let fp = |v: &serde_json::Value, i: usize| v[i]["fingerprint"].as_str().unwrap().to_string();
        assert_ne!(fp(&a, 0), fp(&a, 1), "one line, one rule, two findings: two issues");
        assert_eq!((fp(&a, 0), fp(&a, 1)), (fp(&b, 0), fp(&b, 1)), "a line moving keeps the issue");
        assert_eq!(a[0]["location"]["path"], "deploy/k8s/a.yaml");
        assert_eq!(a[0]["location"]["lines"]["begin"], 2);
        assert_eq!(b[0]["location"]["lines"]["begin"], 3);
        assert_eq!(a[0]["severity"], "major");
    }
}
