//! Suppressions (SPEC §8): `actuator-lint: allow(rule-a, rule-b) -- reason` in a comment on the
//! reported line or the line above, and the Kubernetes annotation
//! `actuator-lint.io/allow: "rule-a,rule-b"` on the object. A suppression that hides nothing is
//! itself reported (`unused-suppression`), so stale ones do not pile up.

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::parse::Parsed;
use crate::source::{FileId, SourceSet, Span};

pub const ANNOTATION: &str = "actuator-lint.io/allow";
const MARKER: &str = "actuator-lint: allow(";

#[derive(Debug)]
pub struct Suppression {
    pub rules: Vec<String>,
    /// Where it is written.
    pub span: Span,
    /// The diagnostics it may hide: their primary span must start in this range.
    pub scope: Span,
}

fn is_comment_prefix(before: &str) -> bool {
    let t = before.trim_end();
    t.ends_with('#')
        || t.ends_with("//")
        || t.ends_with("<!--")
        || t.ends_with("/*")
        || t.ends_with('!')
        || t.contains("# ")
        || t.contains("// ")
        || t.ends_with('*')
}

/// Finds comment suppressions in one file.
fn comments(file: FileId, sources: &SourceSet, out: &mut Vec<Suppression>) {
    let f = sources.get(file);
    if !f.text.contains(MARKER) {
        return;
    }
    for (idx, _) in f.text.match_indices(MARKER) {
        let lc = f.line_col(idx as u32);
        let line = f.line_range(lc.line);
        let before = &f.text[line.start as usize..idx];
        if !is_comment_prefix(before) {
            continue;
        }
        let rest = &f.text[idx + MARKER.len()..line.end as usize];
        let Some(close) = rest.find(')') else { continue };
        let rules: Vec<String> = rest[..close]
            .split(',')
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty())
            .collect();
        let span = Span::new(file, idx as u32..idx as u32 + (MARKER.len() + close + 1) as u32);
        // A comment alone on its line covers the next line; a trailing one covers its own.
        let own_line = before.trim().chars().all(|c| "#/!*<-".contains(c));
        let scope = if own_line && lc.line < f.line_count() as u32 {
            let next = f.line_range(lc.line + 1);
            Span::new(file, line.start..next.end)
        } else {
            Span::new(file, line.clone())
        };
        out.push(Suppression { rules, span, scope });
    }
}

/// The annotation on Kubernetes objects: covers the whole object.
fn annotations(file: FileId, parsed: &Parsed, out: &mut Vec<Suppression>) {
    let Parsed::Yaml(docs) = parsed else { return };
    for d in docs {
        let Some((_, v)) = d.root.at("metadata").at("annotations").entry(ANNOTATION) else {
            continue;
        };
        let rules = v
            .as_str()
            .unwrap_or("")
            .split(',')
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty())
            .collect();
        out.push(Suppression {
            rules,
            span: Span { file, ..v.span },
            scope: Span { file, ..d.root.span },
        });
    }
}

pub fn collect(sources: &SourceSet, parsed: &[Parsed]) -> Vec<Suppression> {
    let mut out = Vec::new();
    for (id, _) in sources.iter() {
        comments(id, sources, &mut out);
        annotations(id, &parsed[id.0 as usize], &mut out);
    }
    out
}

/// Removes suppressed diagnostics; returns `unused-suppression` findings for suppressions that
/// name a rule which ran and hid nothing, or a rule that does not exist.
pub fn apply(
    sups: &[Suppression],
    diags: &mut Vec<Diagnostic>,
    ran: &dyn Fn(&str) -> bool,
    known: &dyn Fn(&str) -> Option<String>,
) -> Vec<Diagnostic> {
    let mut used = vec![vec![false; 0]; sups.len()];
    for (i, s) in sups.iter().enumerate() {
        used[i] = vec![false; s.rules.len()];
    }
    diags.retain(|d| {
        let p = d.primary.span;
        for (i, s) in sups.iter().enumerate() {
            if s.scope.file != p.file || p.start < s.scope.start || p.start > s.scope.end {
                continue;
            }
            if let Some(j) = s.rules.iter().position(|r| r == d.rule) {
                used[i][j] = true;
                return false;
            }
        }
        true
    });
    let mut out = Vec::new();
    for (i, s) in sups.iter().enumerate() {
        for (j, r) in s.rules.iter().enumerate() {
            if used[i][j] {
                continue;
            }
            let (message, help) = match known(r) {
                // The rule did not run (`--select`, `[rules] … = "off"`): cannot tell.
                Some(_) if !ran(r) => continue,
                Some(_) => (
                    format!("the suppression of `{r}` hides nothing: no `{r}` finding is reported here"),
                    "remove it, or move it onto the reported line (or the line above)".to_string(),
                ),
                None => (
                    format!("`{r}` is not a rule, so this suppression hides nothing"),
                    crate::suggest::did_you_mean(r, crate::rules::names()).map_or_else(
                        || "`actuator-lint rules` lists the rule names".to_string(),
                        |s| format!("did you mean `{s}`?"),
                    ),
                ),
            };
            out.push(
                Diagnostic::new(
                    "unused-suppression",
                    Severity::Warning,
                    message,
                    Label::new(s.span, "suppresses nothing"),
                )
                .help(help),
            );
        }
    }
    out
}

/// The baseline (SPEC §8): findings a legacy repository already has, recorded by
/// `--write-baseline` so that `--baseline` reports only new ones. A finding is matched by rule,
/// path and a hash of its line's text (`crate::fingerprint`), so inserting lines above it
/// keeps it matched, while editing the line itself makes it new again. Repeats count.
pub mod baseline {
    use crate::diagnostic::Diagnostic;
    use crate::source::SourceSet;
    use serde::{Deserialize, Serialize};
    use std::collections::BTreeMap;

    #[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
    pub struct Entry {
        pub rule: String,
        pub path: String,
        pub fingerprint: String,
        #[serde(default = "one", skip_serializing_if = "is_one")]
        pub count: usize,
        /// For the reader of the file; not used for matching.
        #[serde(default)]
        pub message: String,
    }

    fn one() -> usize {
        1
    }
    fn is_one(n: &usize) -> bool {
        *n == 1
    }

    #[derive(Serialize, Deserialize, Debug, Clone)]
    pub struct File {
        pub version: u32,
        pub tool: String,
        pub findings: Vec<Entry>,
    }

    /// Remaining matches per (rule, path, fingerprint).
    #[derive(Debug, Default)]
    pub struct Baseline {
        left: BTreeMap<(String, String, String), usize>,
    }

    fn key(sources: &SourceSet, d: &Diagnostic, prefix: &str) -> (String, String, String) {
        (
            d.rule.to_string(),
            format!("{prefix}{}", sources.path(d.primary.span.file)),
            crate::fingerprint::of(sources, d, prefix),
        )
    }

    pub fn parse(text: &str) -> Result<Baseline, String> {
        let f: File = serde_json::from_str(text).map_err(|e| format!("not an actuator-lint baseline: {e}"))?;
        if f.version != 1 {
            return Err(format!("baseline version {} is not supported (expected 1)", f.version));
        }
        let mut b = Baseline::default();
        for e in f.findings {
            *b.left.entry((e.rule, e.path, e.fingerprint)).or_default() += e.count;
        }
        Ok(b)
    }

    /// The baseline file for these findings, sorted, one finding per distinct key.
    pub fn write(findings: &[(&SourceSet, &Diagnostic, &str)]) -> String {
        let mut by: BTreeMap<(String, String, String), Entry> = BTreeMap::new();
        for (sources, d, prefix) in findings {
            let k = key(sources, d, prefix);
            by.entry(k.clone()).and_modify(|e| e.count += 1).or_insert(Entry {
                rule: k.0,
                path: k.1,
                fingerprint: k.2,
                count: 1,
                message: d.message.clone(),
            });
        }
        let file = File {
            version: 1,
            tool: "actuator-lint".into(),
            findings: by.into_values().collect(),
        };
        serde_json::to_string_pretty(&file).unwrap_or_default() + "\n"
    }

    impl Baseline {
        /// Whether `d` is recorded (and uses up one recorded occurrence).
        pub fn take(&mut self, sources: &SourceSet, d: &Diagnostic, prefix: &str) -> bool {
            match self.left.get_mut(&key(sources, d, prefix)) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    true
                }
                _ => false,
            }
        }
        /// Whether `d` is recorded, without using it up.
        pub fn contains(&self, sources: &SourceSet, d: &Diagnostic, prefix: &str) -> bool {
            self.left.get(&key(sources, d, prefix)).is_some_and(|n| *n > 0)
        }
        /// Recorded findings no longer reported (fixed, or their line was edited).
        pub fn unmatched(&self) -> usize {
            self.left.values().sum()
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::diagnostic::{Label, Severity};
        use crate::source::Span;

        #[test]
        fn recorded_findings_survive_line_shifts() {
            let mut s1 = SourceSet::new();
            let f1 = s1.add_text("k8s/a.yaml", "x: 1\nport: http\n");
            let d1 = Diagnostic::new("r", Severity::Error, "m", Label::new(Span::new(f1, 5..9), ""));
            let text = write(&[(&s1, &d1, ""), (&s1, &d1, "")]);
            assert!(text.contains("\"count\": 2"), "{text}");
            let mut b = parse(&text).unwrap();
            let mut s2 = SourceSet::new();
            let f2 = s2.add_text("k8s/a.yaml", "# moved\nx: 1\nport: http\n");
            let d2 = Diagnostic::new("r", Severity::Error, "m", Label::new(Span::new(f2, 13..17), ""));
            assert!(b.take(&s2, &d2, ""));
            assert!(b.take(&s2, &d2, ""));
            assert!(!b.take(&s2, &d2, ""), "only as many as were recorded");
            assert_eq!(b.unmatched(), 0);
            assert!(parse("{}").is_err());
        }
    }
}
