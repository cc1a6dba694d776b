use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Label};
use crate::edit;
use crate::edit::yaml::indent_of;
use crate::link::budget::threshold_for;
use crate::link::probes::containers;
use crate::model::boot::decisive;
use crate::model::kube::{Probe, ProbeKind};
use crate::rules::wording::{budget_message, evidence_label, grace_label, with_margin};
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::SourceSet;

declare_rule!(LivenessBudgetTooShort {
    name: "liveness-budget-too-short",
    category: Probes,
    severity: Error,
    fix: Sometimes,
    summary: "without a startupProbe, the livenessProbe kills the container before it finishes booting",
});

impl Rule for LivenessBudgetTooShort {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let margin = cx.config.margin;
        for t in containers(cx.ws, &cx.links.deployments) {
            if t.container.probe(ProbeKind::Startup).is_some() {
                continue;
            }
            let Some(p) = t.container.probe(ProbeKind::Liveness) else {
                continue;
            };
            let Some(obs) = decisive(&cx.ws.boot, t.service_id) else { continue };
            let Some((severity, message)) = budget_message(cx.sources, &t, p, obs, margin) else {
                continue;
            };
            let b = obs.seconds;
            let threshold = threshold_for(0, 10, b, margin);
            let mut d = Diagnostic::new(
                Self::META.name,
                severity,
                message,
                Label::new(p.key_span, "no startupProbe guards boot, so this probe runs from container start"),
            )
            .service(Some(&t.service.name))
            .help(format!(
                "add a startupProbe that allows the boot (`periodSeconds: 10`, `failureThreshold: {threshold}`: `10 × ({threshold} − 1) = {} s` ≥ `{}`){}",
                10 * (threshold - 1),
                with_margin(b, margin),
                if p.initial_delay.is_some() {
                    ", and drop `initialDelaySeconds` from the livenessProbe"
                } else {
                    ""
                }
            ));
            d.related.extend(evidence_label(obs));
            d.related.extend(grace_label(p));
            d = d.fix(startup_probe_fix(cx.sources, p, threshold));
            out.push(d);
        }
    }
}

/// A startupProbe with the livenessProbe's own handler, inserted just above it.
fn startup_probe_fix(sources: &SourceSet, liveness: &Probe, threshold: i64) -> Option<Fix> {
    let handler = liveness.handler_span?;
    let f = sources.get(handler.file);
    let indent = indent_of(sources, liveness.key_span);
    let child = indent_of(sources, handler);
    if child.len() <= indent.len() {
        return None;
    }
    let first = f.line_col(handler.start).line;
    let last = f.line_col(handler.end.saturating_sub(1).max(handler.start)).line;
    let mut lines = vec![format!("{indent}startupProbe:")];
    lines.extend((first..=last).map(|l| f.line_text(l).to_string()));
    lines.push(format!("{child}periodSeconds: 10"));
    lines.push(format!("{child}failureThreshold: {threshold}"));
    Some(Fix {
        title: format!("add a startupProbe allowing `10 × ({threshold} − 1) = {} s`", 10 * (threshold - 1)),
        applicability: Applicability::Unsafe,
        edits: vec![edit::insert_lines_before(sources, liveness.key_span, &lines)],
    })
}
