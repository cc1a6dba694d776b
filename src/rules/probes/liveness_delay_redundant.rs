use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Label};
use crate::edit;
use crate::model::kube::ProbeKind;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule!(LivenessDelayRedundant {
    name: "liveness-delay-redundant",
    category: Probes,
    severity: Info,
    fix: Always,
    summary: "a livenessProbe keeps `initialDelaySeconds` while a startupProbe guards boot",
});

impl Rule for LivenessDelayRedundant {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut seen = std::collections::BTreeSet::new();
        for (wi, w) in cx.ws.workloads.iter_enumerated() {
            for c in &w.containers {
                let (Some(startup), Some(live)) = (c.probe(ProbeKind::Startup), c.probe(ProbeKind::Liveness)) else {
                    continue;
                };
                let (Some(delay), Some(entry)) = (&live.initial_delay, live.initial_delay_entry) else {
                    continue;
                };
                if delay.value <= 0 || !seen.insert(entry) {
                    continue;
                }
                let service = cx.links.service_of_workload(wi);
                let d = Diagnostic::new(
                    Self::META.name,
                    Self::META.default_severity,
                    format!(
                        "the livenessProbe of {} still waits `initialDelaySeconds: {}` although a startupProbe already holds it back until boot completes",
                        w.describe(),
                        delay.value
                    ),
                    Label::new(entry, "redundant with the startupProbe"),
                )
                .related(startup.key_span, "the startupProbe guards boot")
                .service(service.map(|s| cx.ws.services[s].name.as_str()))
                .help("remove `initialDelaySeconds`: it only delays the first liveness check after boot, leaving a hung app undetected longer")
                .fix(Some(Fix {
                    title: "remove `initialDelaySeconds`".into(),
                    applicability: Applicability::Safe,
                    edits: vec![edit::delete_lines(cx.sources, entry)],
                }));
                out.push(d);
            }
        }
    }
}
