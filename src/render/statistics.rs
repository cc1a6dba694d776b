//! `--statistics`: how many findings each rule reported (ruff's `--statistics`), most first.

use super::Input;
use crate::diagnostic::Severity;
use std::collections::BTreeMap;

pub struct Row {
    pub rule: &'static str,
    pub severity: Severity,
    pub count: usize,
    /// How many of them carry a fix `--fix` (or `--unsafe-fixes`) can apply.
    pub fixable: usize,
}

pub fn rows(inputs: &[Input<'_>]) -> Vec<Row> {
    let mut by: BTreeMap<&'static str, Row> = BTreeMap::new();
    for inp in inputs {
        for d in &inp.report.diagnostics {
            let r = by.entry(d.rule).or_insert(Row {
                rule: d.rule,
                severity: d.severity,
                count: 0,
                fixable: 0,
            });
            r.count += 1;
            r.severity = r.severity.max(d.severity);
            if d.fix
                .as_ref()
                .is_some_and(|f| f.applicability != crate::diagnostic::Applicability::DisplayOnly)
            {
                r.fixable += 1;
            }
        }
    }
    let mut rows: Vec<Row> = by.into_values().collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.rule.cmp(b.rule)));
    rows
}

pub fn text(inputs: &[Input<'_>]) -> String {
    let rows = rows(inputs);
    let width = rows.iter().map(|r| r.rule.len()).max().unwrap_or(0);
    let mut out = String::new();
    for r in &rows {
        let fix = if r.fixable > 0 {
            format!("  [{} fixable]", r.fixable)
        } else {
            String::new()
        };
        let line = format!("{:>5}  {:<width$}  {:<7}{fix}", r.count, r.rule, r.severity.as_str());
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let total: usize = rows.iter().map(|r| r.count).sum();
    out.push_str(&format!("{total:>5}  total\n"));
    out
}

pub fn json(inputs: &[Input<'_>]) -> String {
    let v: Vec<serde_json::Value> = rows(inputs)
        .iter()
        .map(|r| serde_json::json!({"rule": r.rule, "severity": r.severity.as_str(), "count": r.count, "fixable": r.fixable}))
        .collect();
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}
