//! A scrape: a ServiceMonitor or PodMonitor endpoint, a Prometheus job (or one of its
//! targets), or a workload's or Service's `prometheus.io/*` annotations. What it requests, then
//! for each service it links to (`Links::scrapes`, the links the scrape rules compare) what
//! that service serves: the actuator's port, the Prometheus path, TLS, whether `prometheus` is
//! exposed and whether the registry is on its classpath; or why it links to no service.

use super::{at, contains, why, Cx};
use crate::link::scrape::{Reach, TargetKind};
use crate::link::{Deployment, Scrape, Selection, Via};
use crate::model::build::{lookup, REGISTRY_ARTIFACTS, REGISTRY_GROUP};
use crate::model::kube::MonitorKind;
use crate::model::spring::{Fact, Port, PortType};
use crate::model::{JobId, KubeServiceId, MonitorId, WorkloadId};
use crate::source::{FileId, Span};
use std::fmt::Write;

/// Linked services described in full; the rest are counted.
const SHOWN: usize = 8;

/// What the cursor is on.
enum Site {
    Endpoint(MonitorId, usize),
    /// A job, or one of its targets.
    Job(JobId, Option<usize>),
    /// `prometheus.io/*` annotations of a workload's pods or of a Service.
    Annotations(Option<WorkloadId>, Option<KubeServiceId>),
}

fn site(cx: &Cx<'_>, file: FileId, offset: u32) -> Option<(Site, Span)> {
    let ws = cx.ws;
    for (mi, m) in ws.monitors.iter_enumerated() {
        for (ei, ep) in m.endpoints.iter().enumerate() {
            if contains(ep.span, file, offset) {
                return Some((Site::Endpoint(mi, ei), ep.span));
            }
        }
    }
    for (ji, j) in ws.jobs.iter_enumerated() {
        if contains(j.span, file, offset) {
            return Some((Site::Job(ji, None), j.name.span));
        }
        if let Some((ti, t)) = j
            .targets
            .iter()
            .enumerate()
            .find(|(_, t)| t.sd_file.is_some() && contains(t.address.span, file, offset))
        {
            return Some((Site::Job(ji, Some(ti)), t.address.span));
        }
    }
    let prometheus = |key: &str| key.starts_with("prometheus.io/");
    for (wi, w) in ws.workloads.iter_enumerated() {
        if let Some(a) = w
            .pod_annotation_entries
            .iter()
            .find(|a| prometheus(&a.key) && contains(a.entry_span(), file, offset))
        {
            return Some((Site::Annotations(Some(wi), None), a.entry_span()));
        }
    }
    for (ki, k) in ws.kube_services.iter_enumerated() {
        if let Some(a) = k
            .annotations
            .iter()
            .find(|a| prometheus(&a.key) && contains(a.entry_span(), file, offset))
        {
            return Some((Site::Annotations(None, Some(ki)), a.entry_span()));
        }
    }
    None
}

pub fn hover(cx: &Cx<'_>, file: FileId, offset: u32) -> Option<(String, Span)> {
    let (site, span) = site(cx, file, offset)?;
    let ws = cx.ws;
    let mut o = String::new();
    let scrapes: Vec<&Scrape> = cx
        .links
        .scrapes
        .iter()
        .filter(|sc| match (&site, &sc.via) {
            (Site::Endpoint(m, e), Via::Monitor { monitor, endpoint, .. } | Via::PodMonitor { monitor, endpoint }) => {
                m == monitor && e == endpoint
            }
            (Site::Job(j, None), Via::Job { job, .. } | Via::Annotations { job, .. } | Via::Registry { job, .. }) => j == job,
            (Site::Job(j, Some(t)), Via::Job { job, target }) => j == job && t == target,
            (
                Site::Annotations(w, k),
                Via::Annotations {
                    workload, kube_service, ..
                },
            ) => match k {
                Some(k) => kube_service.as_ref() == Some(k),
                None => w.as_ref() == Some(workload) && kube_service.is_none(),
            },
            _ => false,
        })
        .collect();
    match &site {
        Site::Endpoint(mi, ei) => {
            let m = &ws.monitors[*mi];
            let ep = &m.endpoints[*ei];
            let _ = writeln!(
                o,
                "**Endpoint {}** of {} `{}` ({})\n",
                ei + 1,
                m.kind_name(),
                m.name.value,
                at(cx.sources, ep.span)
            );
            let port = match (&ep.port, &ep.target_port, &ep.port_number) {
                (Some(p), _, _) if m.kind == MonitorKind::Service => format!("the Service port named `{}`", p.value),
                (Some(p), _, _) => format!("the container port named `{}`", p.value),
                (None, _, Some(n)) => format!("container port `{}`", n.value),
                (None, Some(tp), _) => format!("target port `{}`", tp.value.describe()),
                (None, None, None) => "every port".to_string(),
            };
            let path = match &ep.path {
                Some(p) => format!("`{}`", p.value),
                None => "`/metrics` (the default)".to_string(),
            };
            let scheme = ep
                .scheme
                .as_ref()
                .map_or("`http` (the default)".to_string(), |s| format!("`{}`", s.value));
            let _ = writeln!(o, "- **requests** {path} on {port} over {scheme}");
            let _ = match &cx.links.monitor_selection[*mi] {
                Selection::Selected(by) => writeln!(o, "- **Prometheus**: selected by {by}"),
                Selection::NotSelected { reason, .. } => writeln!(o, "- **Prometheus**: not selected — {reason}"),
                Selection::Unknown(w) => writeln!(o, "- **Prometheus**: selection unknown — {w}"),
            };
        }
        Site::Job(ji, target) => {
            let j = &ws.jobs[*ji];
            let _ = writeln!(o, "**Scrape job `{}`** ({})\n", j.name.value, at(cx.sources, j.name.span));
            if let Some(ti) = target {
                let _ = writeln!(o, "- **target** `{}`", j.targets[*ti].address.value);
            }
            let path = match &j.metrics_path {
                Some(p) => format!("`{}`", p.value),
                None => "`/metrics` (the default)".to_string(),
            };
            let scheme = j
                .scheme
                .as_ref()
                .map_or("`http` (the default)".to_string(), |s| format!("`{}`", s.value));
            let _ = writeln!(o, "- **requests** {path} over {scheme}, on each target's port");
        }
        Site::Annotations(w, k) => {
            let (what, anns) = match (w, k) {
                (_, Some(k)) => (
                    format!("Service `{}`", ws.kube_services[*k].name.value),
                    &ws.kube_services[*k].annotations,
                ),
                (Some(w), None) => (
                    format!("the pods of {}", ws.workloads[*w].describe()),
                    &ws.workloads[*w].pod_annotation_entries,
                ),
                (None, None) => return None,
            };
            let _ = writeln!(o, "**`prometheus.io/*` annotations** of {what} ({})\n", at(cx.sources, span));
            let written: Vec<String> = anns
                .iter()
                .filter(|a| a.key.starts_with("prometheus.io/"))
                .map(|a| format!("`{}: {}`", a.key, a.value))
                .collect();
            let _ = writeln!(o, "- **annotated** {}", written.join(", "));
        }
    }
    if scrapes.is_empty() {
        let _ = writeln!(o, "\n**Links to no service**: {}", unlinked(cx, &site));
        return Some((o, span));
    }
    // One section per service and deployment: a job with a target per instance repeats them.
    let mut shown: Vec<String> = Vec::new();
    for sc in &scrapes {
        let mut s = String::new();
        linked(cx, &mut s, sc, matches!(site, Site::Annotations(..)));
        if !shown.contains(&s) {
            shown.push(s);
        }
    }
    // A job over a whole monorepo links thousands: a hover stays readable.
    let more = shown.len().saturating_sub(SHOWN);
    for s in shown.into_iter().take(SHOWN) {
        o.push('\n');
        o.push_str(&s);
    }
    if more > 0 {
        let _ = writeln!(o, "\n…and {more} more (`actuator-lint model` lists every scrape)");
    }
    Some((o, span))
}

/// Why a site links to no service, from the selection links.
fn unlinked(cx: &Cx<'_>, site: &Site) -> String {
    let ws = cx.ws;
    let runs_nothing = |ws_: &[WorkloadId]| -> String {
        let names: Vec<String> = ws_.iter().map(|w| ws.workloads[*w].describe()).collect();
        format!(
            "{} runs no service the repository builds (no module's image, name or configuration matches)",
            names.join(", ")
        )
    };
    match site {
        Site::Endpoint(mi, _) => {
            let m = &ws.monitors[*mi];
            match m.kind {
                MonitorKind::Service => {
                    let selected = &cx.links.monitor_services[*mi];
                    if selected.is_empty() {
                        let near: Vec<String> = cx.links.monitor_near_misses[*mi]
                            .iter()
                            .map(|k| format!("Service `{}`", ws.kube_services[*k].name.value))
                            .collect();
                        return if near.is_empty() {
                            "its selector matches no Service's labels in the repository".to_string()
                        } else {
                            format!(
                                "its selector matches no Service's labels; it matches the pod selector of {}",
                                near.join(", ")
                            )
                        };
                    }
                    let workloads: Vec<WorkloadId> = selected
                        .iter()
                        .flat_map(|k| cx.links.kube_service_workloads[*k].iter().copied())
                        .collect();
                    if workloads.is_empty() {
                        let names: Vec<String> = selected
                            .iter()
                            .map(|k| format!("Service `{}`", ws.kube_services[*k].name.value))
                            .collect();
                        return format!("it selects {}, which selects no workload", names.join(", "));
                    }
                    runs_nothing(&workloads)
                }
                MonitorKind::Pod => {
                    let pods = &cx.links.monitor_pods[*mi];
                    if pods.is_empty() {
                        "its selector matches the pods of no workload in the repository".to_string()
                    } else {
                        runs_nothing(pods)
                    }
                }
            }
        }
        Site::Job(ji, target) => {
            let j = &ws.jobs[*ji];
            let mut why: Vec<String> = Vec::new();
            if let Some(crate::link::scrape::KubeJob::Unknown(w)) = cx.links.kube_jobs.get(ji) {
                why.push(w.clone());
            }
            for (ti, t) in j.targets.iter().enumerate() {
                if target.is_some_and(|x| x != ti) {
                    continue;
                }
                let what = match cx.links.targets.get(&(*ji, ti)) {
                    Some(TargetKind::Prometheus(w)) => format!("Prometheus itself ({w})"),
                    Some(TargetKind::Other(w)) => format!("{w}, not a Spring service"),
                    Some(TargetKind::Unknown(w)) => format!("unknown: {w}"),
                    Some(TargetKind::Dropped(w)) => format!("dropped {w}"),
                    Some(TargetKind::Unresolved { reason, .. }) => format!("matches nothing in the repository: {reason}"),
                    Some(TargetKind::Services) | None => continue,
                };
                why.push(format!("target `{}` is {what}", t.address.value));
            }
            for sd in &j.other_sd {
                why.push(format!("`{sd}` discovers targets the repository cannot see"));
            }
            if j.targets.is_empty() && !j.kubernetes_sd && j.other_sd.is_empty() && j.file_sd.is_empty() {
                why.push("the job has no targets".to_string());
            }
            if why.is_empty() {
                why.push("none of its targets is a service the repository builds".to_string());
            }
            why.join("; ")
        }
        Site::Annotations(..) => {
            let unknown: Vec<String> = cx
                .links
                .kube_jobs
                .iter()
                .filter_map(|(j, k)| match k {
                    crate::link::scrape::KubeJob::Unknown(w) => Some(format!("job `{}`: {w}", ws.jobs[*j].name.value)),
                    _ => None,
                })
                .collect();
            if unknown.is_empty() {
                "no `kubernetes_sd_configs` job in the repository keeps these pods or this Service".to_string()
            } else {
                format!(
                    "no `kubernetes_sd_configs` job known to the repository keeps them ({})",
                    unknown.join("; ")
                )
            }
        }
    }
}

/// One linked service: what the scrape reaches, then what each deployment it may reach serves.
fn linked(cx: &Cx<'_>, o: &mut String, sc: &Scrape, requests: bool) {
    let ws = cx.ws;
    let s = &ws.services[sc.service];
    let m = &ws.modules[s.module];
    let mut files: Vec<String> = Vec::new();
    if let Some(b) = m.build_file {
        files.push(format!("`{}`", cx.sources.path(b)));
    }
    if let Some(c) = s.primary_config {
        files.push(format!("`{}`", cx.sources.path(c)));
    }
    let _ = writeln!(
        o,
        "**→ `{}`**{} — {}",
        s.name,
        if files.is_empty() {
            String::new()
        } else {
            format!(" ({})", files.join(", "))
        },
        sc.evidence
    );
    let reach = match &sc.reach {
        Reach::Ports(ps) if !ps.is_empty() => ps
            .iter()
            .map(|p| format!("container port `{}` ({}, {})", p.port, p.chain, at(cx.sources, p.decided_at)))
            .collect::<Vec<_>>()
            .join(" or "),
        Reach::Ports(_) => "no port".to_string(),
        Reach::Nowhere { reason, span } => format!("no port: {reason} ({})", at(cx.sources, *span)),
        Reach::Unknown(w) => format!("unknown — {w}"),
    };
    if requests {
        // Annotations request what the job that reads them makes of them.
        let _ = writeln!(o, "- **requests** `{}` over `{}`", sc.path, sc.scheme);
    }
    let _ = writeln!(o, "- **reaches**: {reach}");
    // Deployments that serve the same (overlays, Compose files of one service) are one entry.
    let mut groups: Vec<(Vec<String>, String)> = Vec::new();
    for d in cx.links.reached(sc) {
        let facts = serves(cx, d);
        let place = crate::rules::wording::where_(cx.ws, d);
        match groups.iter_mut().find(|(_, f)| *f == facts) {
            Some((places, _)) => {
                if !places.contains(&place) {
                    places.push(place);
                }
            }
            None => groups.push((vec![place], facts)),
        }
    }
    for (places, facts) in groups {
        let places: Vec<&str> = places
            .iter()
            .map(|p| p.trim_start_matches(" in "))
            .filter(|p| !p.is_empty())
            .collect();
        let _ = if places.is_empty() {
            writeln!(o, "- **serves**:")
        } else {
            writeln!(o, "- **serves** in {}:", places.join(", "))
        };
        o.push_str(&facts);
    }
    let _ = writeln!(o, "- **registry on the classpath**: {}", registry(cx, s.module));
}

/// What one deployment serves, as indented list items.
fn serves(cx: &Cx<'_>, d: &Deployment) -> String {
    let sv = &d.actuator.serving;
    let unknown = |w: &crate::model::spring::Why| format!("unknown — {}", why(cx.sources, w));
    let port = match (&sv.port_type, sv.actuator_port()) {
        (Err(w), _) => unknown(w),
        (_, None) => "none: no HTTP actuator (`management.server.port` < 0)".to_string(),
        (Ok(t), Some(p)) => {
            let on = if *t == PortType::Different {
                "the management server"
            } else {
                "the application's server"
            };
            match p {
                Port::Fixed(n, w) => format!("`{n}` on {on} — {}", why(cx.sources, w)),
                Port::Random(w) => format!("a random port chosen at start-up — {}", why(cx.sources, w)),
                Port::Off(w) => format!("none — {}", why(cx.sources, w)),
                Port::Unknown(w) => unknown(w),
            }
        }
    };
    let path = match &sv.paths_unknown {
        Some(w) => unknown(w),
        None => format!("`{}`", sv.prometheus_path()),
    };
    let facts = [
        ("actuator port", port),
        ("Prometheus path", path),
        ("TLS", fact(cx, sv.actuator_tls())),
        ("exposure includes `prometheus`", fact(cx, &d.actuator.facts.prometheus_exposed)),
    ];
    // One source the repository cannot see (a Config Server) leaves every fact unknown for
    // the same reason: said once.
    let first = &facts[0].1;
    if first.starts_with("unknown — ") && facts.iter().all(|(_, f)| f == first) {
        return format!("  - all of it (port, path, TLS, exposure): {first}\n");
    }
    facts.iter().map(|(what, f)| format!("  - {what}: {f}\n")).collect()
}

fn fact(cx: &Cx<'_>, f: &Fact) -> String {
    format!("{f} — {}", why(cx.sources, f.why()))
}

/// `micrometer-registry-prometheus` on the module's runtime classpath, as the build rules see it.
fn registry(cx: &Cx<'_>, module: crate::model::ModuleId) -> String {
    let l = lookup(&cx.ws.modules, module, REGISTRY_GROUP, REGISTRY_ARTIFACTS);
    if let Some(f) = &l.found {
        return format!("yes — {}", at(cx.sources, f.dep.span));
    }
    if let Some((w, span)) = l.unknown.first() {
        return format!("unknown — {w} ({})", at(cx.sources, *span));
    }
    if let Some(f) = &l.not_packaged {
        return format!(
            "no — declared only in `{}` ({}), which is not packaged",
            f.dep.configuration,
            at(cx.sources, f.dep.span)
        );
    }
    match cx.ws.modules[module].build_file {
        Some(b) => format!("no — not declared by `{}` or anything it applies or depends on", cx.sources.path(b)),
        None => "no — the module has no build file".to_string(),
    }
}
