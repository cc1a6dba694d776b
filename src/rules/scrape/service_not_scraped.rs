use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label};
use crate::link::scrape::{KubeJob, TargetKind};
use crate::link::Selection;
use crate::model::build::{find_artifact, Presence};
use crate::model::build::{REGISTRY_ARTIFACTS, REGISTRY_GROUP};
use crate::model::prometheus::SdResolution;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule!(ServiceNotScraped {
    name: "service-not-scraped",
    category: Scrape,
    severity: Info,
    fix: None,
    summary: "a deployed service has the registry and exposes `prometheus`, but nothing in the repository scrapes it",
});

/// Whether something outside the repository's view may scrape services: then silence.
fn scraping_partly_unknown(cx: &Context<'_>) -> bool {
    let ws = cx.ws;
    !ws.wiring.unknown_scrape_config.is_empty()
        || !ws.wiring.unrendered_charts.is_empty()
        || ws.jobs.iter().any(|j| !j.other_sd.is_empty() || j.file_sd.iter().any(|s| !matches!(s.resolution, SdResolution::Files(..))))
        || cx.links.kube_jobs.values().any(|k| matches!(k, KubeJob::Unknown(_)))
        || cx.links.discovered.iter().any(|d| d.registry.is_err() || !d.unknown.is_empty())
        || cx.links.targets.values().any(|t| matches!(t, TargetKind::Unknown(_)))
        || cx.links.monitor_selection.iter().any(|s| matches!(s, Selection::Unknown(_)))
        // A broken link elsewhere (a monitor selecting nothing, a target reaching nothing) may be
        // the one meant for this service: those are reported, this would only repeat them.
        || !cx.links.unresolved_targets.is_empty()
        || ws.monitors.iter_enumerated().any(|(mi, m)| match m.kind {
            crate::model::kube::MonitorKind::Service => cx.links.monitor_services[mi].is_empty(),
            crate::model::kube::MonitorKind::Pod => cx.links.monitor_pods[mi].is_empty(),
        })
}

impl Rule for ServiceNotScraped {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let ws = cx.ws;
        let defines =
            !ws.prom_configs.is_empty() || !ws.monitors.is_empty() || !ws.prometheus_crs.is_empty() || !ws.stack_values.is_empty();
        if !defines || scraping_partly_unknown(cx) {
            return;
        }
        for (si, s) in ws.services.iter_enumerated() {
            if cx.links.scrapes_of(si).next().is_some() {
                continue;
            }
            let deps = &cx.links.deployments[si];
            let workload = deps.iter().find_map(|d| d.workload);
            let compose = cx.links.compose_spring.iter().position(|c| c.contains(&si));
            let anchor = match (workload, compose) {
                (Some(w), _) => ws.workloads[w].name.span,
                (None, Some(c)) => ws.compose_services[c].name.span,
                (None, None) => continue,
            };
            // Annotated (`prometheus.io/*`) means meant to be scraped, or explicitly not:
            // `scrape-annotations-ignored` speaks for those.
            let annotated = deps.iter().filter_map(|d| d.workload).any(|wi| {
                let w = &ws.workloads[wi];
                w.meta_annotations
                    .iter()
                    .chain(w.pod_annotation_entries.iter())
                    .any(|a| a.key.starts_with("prometheus.io/"))
                    || ws.kube_services.iter_enumerated().any(|(ki, k)| {
                        cx.links.kube_service_workloads[ki].contains(&wi)
                            && k.annotations.iter().any(|a| a.key.starts_with("prometheus.io/"))
                    })
            });
            if annotated {
                continue;
            }
            if !matches!(
                find_artifact(&ws.modules, s.module, REGISTRY_GROUP, REGISTRY_ARTIFACTS),
                Presence::Present(_)
            ) {
                continue;
            }
            if !deps.iter().any(|d| d.actuator.facts.prometheus_exposed.is_yes()) {
                continue;
            }
            let what = match workload {
                Some(w) => ws.workloads[w].describe(),
                None => format!("Compose service `{}`", ws.compose_services[compose.unwrap_or(0)].name.value),
            };
            out.push(
                Diagnostic::new(
                    Self::META.name,
                    Self::META.default_severity,
                    format!(
                        "`{}` has `micrometer-registry-prometheus` and exposes `prometheus`, but nothing in the repository scrapes {what}: no monitor selects it and no scrape job targets it",
                        s.name
                    ),
                    Label::new(anchor, "deployed, not scraped"),
                )
                .service(Some(&s.name))
                .help("add a ServiceMonitor/PodMonitor (or a scrape job target) for it, or stop exposing `prometheus` if it is not meant to be scraped"),
            );
        }
    }
}
