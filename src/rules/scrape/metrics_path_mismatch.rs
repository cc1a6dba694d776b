use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Label};
use crate::edit::yaml::insert_sibling_key;
use crate::edit::yaml::replace_scalar;
use crate::link::{Scrape, Via};
use crate::model::spring::PortType;
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::Span;
use std::collections::BTreeMap;

declare_rule!(MetricsPathMismatch {
    name: "metrics-path-mismatch",
    category: Scrape,
    severity: Error,
    fix: Sometimes,
    summary: "the path a scrape uses is not the path the service serves Prometheus metrics on",
});

/// A scrape and the paths its reached deployments serve.
type Member<'a> = (&'a Scrape, Vec<String>);

fn site(cx: &Context<'_>, s: &Scrape) -> (String, Span) {
    crate::link::scrape::describe_site(cx.ws, &s.via)
}

impl Rule for MetricsPathMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // Group scrapes by where their path is decided: one job, one endpoint, one override.
        let mut groups: BTreeMap<(Span, String), Vec<Member<'_>>> = BTreeMap::new();
        for sc in &cx.links.scrapes {
            // A target written with a path is rejected as a whole (`prometheus-config-invalid`).
            if let Via::Job { job, target } = &sc.via {
                if cx.ws.jobs[*job].targets[*target].address.value.contains('/') {
                    continue;
                }
            }
            // The application's own controller serves the path (a hand-written `/metrics`).
            if sc.app_route.is_some() {
                continue;
            }
            let served: Vec<String> = cx
                .links
                .reached(sc)
                .iter()
                .filter(|d| !d.actuator.serving.is(PortType::Disabled) && d.actuator.facts.paths_unknown.is_none())
                .map(|d| d.actuator.serving.prometheus_path())
                .collect();
            if served.is_empty() {
                continue;
            }
            let key = (sc.path_span, site(cx, sc).0);
            let entry = groups.entry(key).or_default();
            if !entry.iter().any(|(o, _)| o.service == sc.service && o.deployment == sc.deployment) {
                entry.push((sc, served));
            }
        }
        for ((path_span, site_name), members) in groups {
            let wrong: Vec<&(&Scrape, Vec<String>)> = members.iter().filter(|(sc, served)| !served.contains(&sc.path)).collect();
            if wrong.is_empty() {
                continue;
            }
            let mut all_served: Vec<&String> = members.iter().flat_map(|(_, s)| s.iter()).collect();
            all_served.sort();
            all_served.dedup();
            let path = &wrong[0].0.path;
            if all_served.len() == 1 {
                let target = all_served[0];
                let names: Vec<String> = {
                    let mut n: Vec<String> = wrong
                        .iter()
                        .map(|(sc, _)| format!("`{}`", cx.ws.services[sc.service].name))
                        .collect();
                    n.dedup();
                    n
                };
                let sc = wrong[0].0;
                let label = if sc.path_explicit {
                    "scrapes this path"
                } else {
                    "no path set: Prometheus uses `/metrics`"
                };
                let mut d = Diagnostic::new(
                    Self::META.name,
                    Self::META.default_severity,
                    format!(
                        "{site_name} scrapes `{path}` but {} serve{} Prometheus metrics on `{target}`",
                        names.join(", "),
                        if names.len() == 1 { "s" } else { "" }
                    ),
                    Label::new(path_span, label),
                )
                .service(Some(&cx.ws.services[sc.service].name));
                d = served_here(cx, d, sc);
                d = d.help(if annotation_written(cx, sc) {
                    format!("scrape `{target}`")
                } else if !reads_path_annotation(cx, sc) {
                    format!("set `metrics_path: {target}` on the job, or give it a `keep` rule so it scrapes only what serves its path")
                } else {
                    format!(
                        "annotate the {} with `prometheus.io/path: \"{target}\"`",
                        if matches!(sc.via, Via::Annotations { kube_service: Some(_), .. }) {
                            "Service"
                        } else {
                            "pod template"
                        }
                    )
                });
                d = d.fix(fix(cx, sc, target));
                out.push(d);
            } else {
                for (sc, served) in wrong {
                    let svc = &cx.ws.services[sc.service];
                    let primary = match &sc.via {
                        Via::Job { job, target } => cx.ws.jobs[*job].targets[*target].address.span,
                        _ => path_span,
                    };
                    let mut d = Diagnostic::new(
                        Self::META.name,
                        Self::META.default_severity,
                        format!(
                            "{site_name} scrapes `{path}` but its target `{}` serves Prometheus metrics on `{}`",
                            svc.name, served[0]
                        ),
                        Label::new(primary, format!("`{}` is scraped here", svc.name)),
                    )
                    .service(Some(&svc.name))
                    .related(path_span, format!("the path `{path}` applies to every target of {site_name}"));
                    d = served_here(cx, d, sc);
                    d = d.help("the targets of this job serve different paths: move this target to its own job with its own `metrics_path` (or set a `__metrics_path__` label on it)");
                    out.push(d);
                }
            }
        }
    }
}

fn served_here(cx: &Context<'_>, mut d: Diagnostic, sc: &Scrape) -> Diagnostic {
    let svc = &cx.ws.services[sc.service];
    if let Some(dep) = cx.links.reached(sc).first() {
        for (span, what) in dep.actuator.serving.path_spans.iter().take(2) {
            d = d.related(*span, format!("`{}` serves under {what}", svc.name));
        }
        if dep.actuator.serving.path_spans.is_empty() {
            if let Some(f) = svc.primary_config {
                d = d.related(
                    Span::new(f, cx.sources.get(f).line_range(1)),
                    format!("`{}` keeps the default actuator paths", svc.name),
                );
            }
        }
    }
    d
}

/// Whether the job of an annotation scrape reads `prometheus.io/path` at all (a job without
/// such a rule scrapes every discovered target at its own `metrics_path`).
fn reads_path_annotation(cx: &Context<'_>, sc: &Scrape) -> bool {
    match &sc.via {
        Via::Annotations { job, .. } => {
            let rules = &cx.ws.jobs[*job].relabel;
            ["pod", "service"]
                .iter()
                .any(|o| crate::link::relabel::reads_annotation(rules, o, "prometheus.io/path"))
        }
        _ => true,
    }
}

fn annotation_written(cx: &Context<'_>, sc: &Scrape) -> bool {
    match &sc.via {
        Via::Annotations {
            workload, kube_service, ..
        } => {
            cx.ws.workloads[*workload]
                .pod_annotation_entries
                .iter()
                .any(|a| a.value_span == sc.path_span)
                || kube_service.is_some_and(|k| cx.ws.kube_services[k].annotations.iter().any(|a| a.value_span == sc.path_span))
        }
        _ => true,
    }
}

fn fix(cx: &Context<'_>, sc: &Scrape, target: &str) -> Option<Fix> {
    if !annotation_written(cx, sc) {
        return None;
    }
    // A registry job's path set by relabelling from a rule or from metadata: the help says
    // where; only the job's own `metrics_path` is edited.
    if let Via::Registry { job, .. } = &sc.via {
        if sc.path_explicit && cx.ws.jobs[*job].metrics_path.as_ref().map(|p| p.span) != Some(sc.path_span) {
            return None;
        }
    }
    let edit = if sc.path_explicit {
        replace_scalar(cx.sources, sc.path_span, target)
    } else {
        let (key, mapping, anchor) = match &sc.via {
            Via::Job { job, .. } | Via::Registry { job, .. } => ("metrics_path", cx.ws.jobs[*job].name.span, cx.ws.jobs[*job].name.span),
            Via::Monitor { monitor, endpoint, .. } | Via::PodMonitor { monitor, endpoint } => {
                let ep = &cx.ws.monitors[*monitor].endpoints[*endpoint];
                ("path", ep.span, ep.port.as_ref().map_or(ep.span, |p| p.span))
            }
            // The path comes from a pod/Service annotation that is not there yet: the help says
            // which one to add; a job-wide `metrics_path` would change every other target too.
            Via::Annotations { .. } => return None,
        };
        // The key sits at the column of the mapping's keys.
        insert_sibling_key(cx.sources, mapping, anchor, &format!("{key}: {target}"))
    };
    Some(Fix {
        title: format!("scrape `{target}`"),
        applicability: Applicability::Unsafe,
        edits: vec![edit],
    })
}
