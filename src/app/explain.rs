use super::{fail, OK};
use crate::rules;

pub(super) fn run(name: &str) -> u8 {
    let Some(rule) = rules::by_name(name) else {
        let hint = crate::suggest::did_you_mean(name, rules::names())
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        return fail(format!("unknown rule `{name}`{hint}; `actuator-lint rules` lists them"));
    };
    let m = rule.meta();
    println!(
        "{}\ncategory: {}  default severity: {}  fix: {}\n\n{}\n\n## How to configure or suppress\nIn actuator-lint.toml: `[rules] {} = \"off\"` (or `info`, `warning`, `error`).\nOn the command line: `--ignore {}`.",
        m.name,
        m.category.as_str(),
        m.default_severity.as_str(),
        m.fix.as_str(),
        m.doc.trim_end(),
        m.name,
        m.name
    );
    OK
}
