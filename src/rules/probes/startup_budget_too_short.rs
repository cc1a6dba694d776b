use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Label};
use crate::edit;
use crate::edit::yaml::indent_of;
use crate::link::budget::threshold_for;
use crate::link::probes::containers;
use crate::model::boot::decisive;
use crate::model::kube::ProbeKind;
use crate::rules::wording::{budget_message, evidence_label, grace_label, with_margin};
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::Span;

declare_rule!(StartupBudgetTooShort {
    name: "startup-budget-too-short",
    category: Probes,
    severity: Error,
    fix: Sometimes,
    summary: "the startupProbe kills the container before it finishes booting",
});

impl Rule for StartupBudgetTooShort {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let margin = cx.config.margin;
        for t in containers(cx.ws, &cx.links.deployments) {
            let Some(p) = t.container.probe(ProbeKind::Startup) else { continue };
            let Some(obs) = decisive(&cx.ws.boot, t.service_id) else { continue };
            let Some((severity, message)) = budget_message(cx.sources, &t, p, obs, margin) else {
                continue;
            };
            let b = obs.seconds;
            let threshold = threshold_for(p.d(), p.p(), b, margin);
            let allows = p.d() + (threshold - 1) * p.p();
            let primary = p.failure_threshold.as_ref().map_or(p.key_span, |f| f.span);
            let mut d = Diagnostic::new(Self::META.name, severity, message, Label::new(primary, "allows too little time"))
                .service(Some(&t.service.name))
                .help(format!(
                    "set `failureThreshold: {threshold}` (`{} + {} × ({threshold} − 1) = {allows} s` ≥ `{}`)",
                    p.d(),
                    p.p(),
                    with_margin(b, margin)
                ));
            d.related.extend(evidence_label(obs));
            d.related.extend(grace_label(p));
            let edit = match &p.failure_threshold {
                Some(f) => Some(edit::replace(f.span, threshold.to_string())),
                None => p.handler_span.map(|h| {
                    let child = indent_of(cx.sources, h);
                    edit::insert_lines_after(
                        cx.sources,
                        Span::empty(p.span.file, p.span.end.saturating_sub(1).max(p.span.start)),
                        &[format!("{child}failureThreshold: {threshold}")],
                    )
                }),
            };
            d = d.fix(edit.map(|e| Fix {
                title: format!("set `failureThreshold: {threshold}`"),
                applicability: Applicability::Safe,
                edits: vec![e],
            }));
            out.push(d);
        }
    }
}
