//! Rule docs are executed: the `## Example` files form a repo in which the rule must fire, and
//! the `## Use instead` files laid over it must silence it (biome's rules_check, actionlint's
//! check-checks). Keeps the docs from drifting from the code.

use actuator_lint::rules;
use std::collections::BTreeMap;

/// `file=` blocks of one section: path → content.
fn blocks(doc: &str, section: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(start) = doc.find(&format!("\n{section}\n")) else {
        return out;
    };
    let body = &doc[start + section.len() + 2..];
    let body = &body[..body.find("\n## ").unwrap_or(body.len())];
    let mut lines = body.lines();
    while let Some(l) = lines.next() {
        let Some(info) = l.strip_prefix("```") else { continue };
        let path = info.split_whitespace().find_map(|w| w.strip_prefix("file="));
        let mut content = String::new();
        for l in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            content.push_str(l);
            content.push('\n');
        }
        if let Some(p) = path {
            out.insert(p.to_string(), content);
        }
    }
    out
}

fn fired(files: &BTreeMap<String, String>, rule: &str) -> Result<Vec<String>, String> {
    let list: Vec<(String, String)> = files.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let (sources, options) = actuator_lint::testing::from_memory(&list)?;
    // All rules run, as for a user: suppressions and `[rules]` levels then behave as documented.
    let report = actuator_lint::lint(&sources, &options);
    Ok(report
        .diagnostics
        .iter()
        .filter(|d| d.rule == rule)
        .map(|d| format!("{}: {}", d.rule, d.message))
        .collect())
}

#[test]
fn rule_doc_examples_fire_and_use_instead_is_clean() {
    let mut failures = Vec::new();
    for r in rules::ALL {
        let m = r.meta();
        let example = blocks(m.doc, "## Example");
        if example.is_empty() {
            failures.push(format!("rules/{}.md: `## Example` has no `file=` blocks", m.name));
            continue;
        }
        match fired(&example, m.name) {
            Ok(d) if d.is_empty() => failures.push(format!("rules/{}.md: the Example does not trigger `{}`", m.name, m.name)),
            Err(e) => failures.push(format!("rules/{}.md: {e}", m.name)),
            Ok(_) => {}
        }
        let instead = blocks(m.doc, "## Use instead");
        if instead.is_empty() {
            continue;
        }
        let mut repo = example.clone();
        repo.extend(instead);
        match fired(&repo, m.name) {
            Ok(d) if !d.is_empty() => failures.push(format!(
                "rules/{}.md: `## Use instead` still triggers:\n  {}",
                m.name,
                d.join("\n  ")
            )),
            Err(e) => failures.push(format!("rules/{}.md: {e}", m.name)),
            Ok(_) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
