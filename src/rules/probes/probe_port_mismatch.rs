use super::targets;
use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule!(ProbePortMismatch {
    name: "probe-port-mismatch",
    category: Probes,
    severity: Error,
    fix: Sometimes,
    summary: "a probe's port is not where the service serves what it requests, or names no container port",
});

impl Rule for ProbePortMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        out.extend(targets::findings(cx).iter().filter(|d| d.rule == Self::META.name).cloned());
    }
}
