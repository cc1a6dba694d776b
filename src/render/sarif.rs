//! SARIF 2.1.0 as GitHub code scanning reads it (peers §5.2): every rule in
//! `tool.driver.rules` with short/full help and a `helpUri` to its doc, a stable `ruleId`,
//! regions with start/end line and column (`columnKind` says columns count code points, as ours
//! do), `partialFingerprints`, related locations and fixes. A clean run still has `results: []`
//! (kube-linter#213: uploads without it are rejected).

use super::{doc_url, position, Input};
use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::rules;
use crate::source::{SourceSet, Span};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Percent-encodes what a URI reference may not contain; `/` stays a separator. An absolute
/// path (a root given as `/…`) becomes a `file://` URI, which code scanning relativises.
pub fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 7);
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The base every relative URI is resolved against: the directory actuator-lint ran in, which
/// is what paths are relative to in every format (for GitHub, the checkout).
pub const SRCROOT: &str = "%SRCROOT%";

/// An artifact location: a relative URI carries `uriBaseId`; an absolute one (a path outside
/// the working directory) must not (SARIF 2.1.0 §3.4.4).
fn artifact(path: &str) -> Value {
    let u = uri(path);
    if u.starts_with("file://") {
        json!({"uri": u})
    } else {
        json!({"uri": u, "uriBaseId": SRCROOT})
    }
}

/// `file:///work/repo/` for the working directory, as `originalUriBaseIds` wants it: an
/// absolute URI ending in `/`.
pub fn base_uri(dir: &str) -> String {
    let dir = dir.replace('\\', "/");
    let dir = if dir.starts_with('/') { dir } else { format!("/{dir}") };
    let mut u = uri(&dir);
    if !u.ends_with('/') {
        u.push('/');
    }
    u
}

/// The first paragraph of a rule doc's `## What it does`, as one line.
pub fn what_it_does(doc: &str) -> String {
    let Some((_, rest)) = doc.split_once("## What it does") else {
        return String::new();
    };
    rest.trim_start()
        .split("\n\n")
        .next()
        .unwrap_or("")
        .split("\n## ")
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `liveness-budget-too-short` → `LivenessBudgetTooShort`: SARIF wants `name` to differ from
/// the opaque `id` (multitool SARIF1001).
fn pascal(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn rule_descriptor(meta: &rules::RuleMeta) -> Value {
    let problem = match meta.default_severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "recommendation",
    };
    let full = what_it_does(meta.doc);
    json!({
        "id": meta.name,
        "name": pascal(meta.name),
        "shortDescription": {"text": meta.summary},
        "fullDescription": {"text": if full.is_empty() { meta.summary.to_string() } else { full }},
        "help": {"text": meta.doc, "markdown": meta.doc},
        "helpUri": doc_url(meta.name),
        "defaultConfiguration": {"level": level(meta.default_severity)},
        "properties": {
            "tags": ["actuator-lint", meta.category.as_str()],
            "precision": "high",
            "problem.severity": problem,
        },
    })
}

fn region(sources: &SourceSet, span: Span) -> Value {
    let (l, c, el, ec) = position(sources, span);
    json!({"startLine": l, "startColumn": c, "endLine": el, "endColumn": ec})
}

fn location(sources: &SourceSet, span: Span, prefix: &str) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": artifact(&format!("{prefix}{}", sources.path(span.file))),
            "region": region(sources, span),
        }
    })
}

/// The primary location also carries the snippet and its surrounding lines, so viewers can
/// show the code without the repository (multitool SARIF2010/2011).
fn primary_location(sources: &SourceSet, span: Span, prefix: &str) -> Value {
    let mut loc = location(sources, span, prefix);
    let f = sources.get(span.file);
    let snippet = f.slice(span);
    if !snippet.is_empty() && snippet.len() <= 4096 {
        loc["physicalLocation"]["region"]["snippet"] = json!({"text": snippet});
    }
    let (s, e) = sources.line_col(span);
    let first = s.line.saturating_sub(1).max(1);
    let last = (e.line + 1).min(f.line_count() as u32).max(first);
    let text: Vec<&str> = (first..=last).map(|l| f.line_text(l)).collect();
    let text = text.join("\n");
    if text.len() <= 8192 {
        loc["physicalLocation"]["contextRegion"] = json!({"startLine": first, "endLine": last, "snippet": {"text": text}});
    }
    loc
}

fn fix(sources: &SourceSet, d: &Diagnostic, prefix: &str) -> Option<Value> {
    let f = d.fix.as_ref()?;
    if f.edits.is_empty() {
        return None;
    }
    let mut by_file: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for e in &f.edits {
        by_file
            .entry(format!("{prefix}{}", sources.path(e.span.file)))
            .or_default()
            .push(json!({"deletedRegion": region(sources, e.span), "insertedContent": {"text": e.content}}));
    }
    let how = match f.applicability {
        Applicability::Safe => "safe",
        Applicability::Unsafe => "unsafe",
        Applicability::DisplayOnly => "display-only",
    };
    Some(json!({
        "description": {"text": f.title},
        "artifactChanges": by_file
            .into_iter()
            .map(|(path, replacements)| json!({"artifactLocation": artifact(&path), "replacements": replacements}))
            .collect::<Vec<_>>(),
        "properties": {"applicability": how},
    }))
}

fn result(sources: &SourceSet, d: &Diagnostic, prefix: &str, rule_index: Option<usize>, occurrence: usize) -> Value {
    let hash = crate::fingerprint::of(sources, d, prefix);
    let mut text = d.message.clone();
    if let Some(h) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(h);
    }
    let mut r = json!({
        "ruleId": d.rule,
        "level": level(d.severity),
        "message": {"text": text},
        "locations": [primary_location(sources, d.primary.span, prefix)],
        "partialFingerprints": {
            "primaryLocationLineHash": format!("{hash}:{occurrence}"),
            "actuatorLint/v1": hash,
        },
    });
    let obj = r.as_object_mut().expect("object");
    if let Some(i) = rule_index {
        obj.insert("ruleIndex".into(), json!(i));
    }
    if !d.related.is_empty() {
        let related: Vec<Value> = d
            .related
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let mut loc = location(sources, l.span, prefix);
                loc["id"] = json!(i + 1);
                if !l.message.is_empty() {
                    loc["message"] = json!({"text": l.message});
                }
                loc
            })
            .collect();
        obj.insert("relatedLocations".into(), Value::Array(related));
    }
    if let Some(f) = fix(sources, d, prefix) {
        obj.insert("fixes".into(), json!([f]));
    }
    if let Some(s) = &d.service {
        obj.insert("properties".into(), json!({"service": s}));
    }
    r
}

/// `base`: the working directory as a `file://` URI (`base_uri`), which relative URIs are
/// relative to; `None` leaves `%SRCROOT%` for the consumer to define (GitHub: the checkout).
pub fn document(inputs: &[Input<'_>], base: Option<&str>) -> Value {
    let names = rules::names();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut results = Vec::new();
    for inp in inputs {
        for d in &inp.report.diagnostics {
            // GitHub's own fingerprints count repeats of one line hash: `hash:1`, `hash:2`…
            let hash = crate::fingerprint::of(inp.sources, d, inp.prefix);
            let n = seen.entry(hash).or_insert(0);
            *n += 1;
            results.push(result(inp.sources, d, inp.prefix, names.iter().position(|r| *r == d.rule), *n));
        }
    }
    let mut doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "actuator-lint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules::ALL.iter().map(|r| rule_descriptor(r.meta())).collect::<Vec<_>>(),
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    if let Some(base) = base {
        doc["runs"][0]["originalUriBaseIds"] = json!({SRCROOT: {"uri": base}});
    }
    doc
}

pub fn render(inputs: &[Input<'_>], base: Option<&str>) -> String {
    serde_json::to_string_pretty(&document(inputs, base)).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    #[test]
    fn uris_are_escaped_and_docs_summarised() {
        assert_eq!(super::uri("k8s/my app#1.yaml"), "k8s/my%20app%231.yaml");
        assert_eq!(super::uri("/w/repo/k8s/a.yaml"), "file:///w/repo/k8s/a.yaml");
        let doc = "# x\n\n## What it does\nFlags a\nthing.\n\nMore.\n## Why is this bad?\n";
        assert_eq!(super::what_it_does(doc), "Flags a thing.");
    }
}
