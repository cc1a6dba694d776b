use super::budget;
use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label};
use crate::model::kube::ProbeKind;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule!(BootTimeUnknown {
    name: "boot-time-unknown",
    category: Probes,
    severity: Info,
    fix: None,
    summary: "a service has liveness/startup probes but no measured boot time to check them against",
});

impl Rule for BootTimeUnknown {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut done = std::collections::BTreeSet::new();
        for t in budget::targets(cx) {
            if budget::boot_time(cx, t.service_id).is_some() || done.contains(&t.service_id) {
                continue;
            }
            let probe = t
                .container
                .probe(ProbeKind::Startup)
                .or_else(|| t.container.probe(ProbeKind::Liveness));
            let Some(p) = probe else { continue };
            done.insert(t.service_id);
            let name = &t.service.name;
            out.push(
                Diagnostic::new(
                    Self::META.name,
                    Self::META.default_severity,
                    format!("`{name}` has a {} but no measured boot time, so whether it restarts during boot cannot be checked", p.kind.key()),
                    Label::new(p.key_span, "budget not checked"),
                )
                .service(Some(name))
                .help(format!(
                    "pass `--boot-time {name}=90s`, add `[services.{name}] boot-time = \"90s\"` to actuator-lint.toml, or list a log containing Spring's `Started … in N seconds` line in `[probes] boot-logs`"
                )),
            );
        }
    }
}
