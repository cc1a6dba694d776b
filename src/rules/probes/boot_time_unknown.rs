use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::link::probes::containers;
use crate::model::boot::decisive;
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
        for t in containers(cx.ws, &cx.links.deployments) {
            if decisive(&cx.ws.boot, t.service_id).is_some() || done.contains(&t.service_id) {
                continue;
            }
            let probe = t
                .container
                .probe(ProbeKind::Startup)
                .or_else(|| t.container.probe(ProbeKind::Liveness));
            let Some(p) = probe else { continue };
            done.insert(t.service_id);
            let name = &t.service.name;
            let w = t.workload;
            // `kubectl logs` takes `deployment/x`, `statefulset/x`, `daemonset/x`, `pod/x`.
            let logs = format!(
                "kubectl logs -n {} {}/{} | grep ' Started ' > logs/{name}.log",
                w.namespace,
                w.kind.to_ascii_lowercase(),
                w.name.value
            );
            let misspelt: Vec<String> = cx
                .ws
                .boot_unmapped
                .iter()
                .filter(|u| u.span.is_none() && u.near == Some(t.service_id))
                .map(|u| format!("{} names no service (did you mean `{name}`?); ", u.what))
                .collect();
            out.push(
                Diagnostic::new(
                    Self::META.name,
                    Self::META.default_severity,
                    format!(
                        "`{name}` has a {} but no measured boot time, so whether it restarts during boot cannot be checked",
                        p.kind.key()
                    ),
                    Label::new(p.key_span, "budget not checked"),
                )
                .service(Some(name))
                .help(format!(
                    "{}save the `Started … in N seconds` line of a real start (`{logs}`): {}; or state the number: `--boot-time {name}=<duration>` or `[services.{name}] boot-time = \"<duration>\"`",
                    misspelt.concat(),
                    match &cx.config.boot_logs {
                        None => "any `*.log` holding it is read",
                        Some(_) => "name it in `[probes] boot-logs` or pass `--boot-log`",
                    }
                )),
            );
        }
        // Evidence the user gave that reaches no service: its probe goes unchecked silently
        // otherwise, so this is a warning, not an info.
        for u in &cx.ws.boot_unmapped {
            let Some(span) = u.span else { continue };
            out.push(
                Diagnostic::new(
                    Self::META.name,
                    Severity::Warning,
                    format!("{} maps to no service: {}", u.what, u.reason),
                    Label::new(span, "not attributed to any service"),
                )
                .help(u.help.clone()),
            );
        }
    }
}
