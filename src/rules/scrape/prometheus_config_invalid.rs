use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Label};
use crate::edit::yaml::insert_sibling_key;
use crate::model::promcheck::{check, PEdit};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule!(PrometheusConfigInvalid {
    name: "prometheus-config-invalid",
    category: Scrape,
    severity: Error,
    fix: Sometimes,
    summary: "the Prometheus configuration has what `promtool check config` rejects (unknown keys, timeout above interval, duplicate jobs, paths in targets)",
});

impl Rule for PrometheusConfigInvalid {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for issue in check(cx.ws, cx.sources) {
            let mut d = Diagnostic::new(
                Self::META.name,
                Self::META.default_severity,
                issue.message,
                Label::new(issue.span, "rejected"),
            )
            .help(issue.help);
            for (span, msg) in issue.related {
                d = d.related(span, msg);
            }
            if let Some((title, es)) = issue.fix {
                let edits = es
                    .into_iter()
                    .map(|e| match e {
                        PEdit::Replace(span, text) => crate::edit::yaml::replace_scalar(cx.sources, span, &text),
                        PEdit::KeyAfter(anchor, line) => insert_sibling_key(cx.sources, anchor, anchor, &line),
                    })
                    .collect();
                d = d.fix(Some(Fix {
                    title,
                    applicability: Applicability::Unsafe,
                    edits,
                }));
            }
            out.push(d);
        }
    }
}
