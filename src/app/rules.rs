use super::OK;
use crate::cli::RulesFormat;
use crate::rules;

pub(super) fn run(format: RulesFormat) -> u8 {
    match format {
        RulesFormat::Json => {
            let list: Vec<serde_json::Value> = rules::ALL
                .iter()
                .map(|r| {
                    let m = r.meta();
                    serde_json::json!({
                        "name": m.name,
                        "category": m.category.as_str(),
                        "severity": m.default_severity.as_str(),
                        "fix": m.fix.as_str(),
                        "summary": m.summary,
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&list).unwrap_or_default());
        }
        RulesFormat::Human => print!("{}", rules_table()),
    }
    OK
}

/// The rule table, as printed by `rules` and embedded in the README.
pub fn rules_table() -> String {
    let mut out = String::from("| rule | category | default | fix | what it finds |\n|---|---|---|---|---|\n");
    for r in rules::ALL {
        let m = r.meta();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            m.name,
            m.category.as_str(),
            m.default_severity.as_str(),
            m.fix.as_str(),
            m.summary
        ));
    }
    out
}
