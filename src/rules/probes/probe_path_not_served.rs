use super::targets;
use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule!(ProbePathNotServed {
    name: "probe-path-not-served",
    category: Probes,
    severity: Error,
    fix: Sometimes,
    summary: "a probe requests a path the service does not serve (context path, actuator base path, health group names)",
});

impl Rule for ProbePathNotServed {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        out.extend(targets::findings(cx).iter().filter(|d| d.rule == Self::META.name).cloned());
    }
}
