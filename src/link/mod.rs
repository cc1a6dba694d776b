//! Links between model objects, computed once with evidence (SPEC §5). Rules read these and
//! never rescan raw objects. Unresolved links are data too.

mod deploy;

use crate::model::kube::{Monitor, MonitorKind};
use crate::model::labels::LabelSelector;
use crate::model::spring::{Actuator, Effective};
use crate::model::{JobId, KubeServiceId, MonitorId, ServiceId, WorkloadId, Workspace};
use crate::source::{SourceSet, Span};
use crate::Options;

/// One way a service runs: a workload's container (or, with none in the repo, "as built").
#[derive(Clone, Debug)]
pub struct Deployment {
    pub workload: Option<WorkloadId>,
    pub container: Option<usize>,
    /// The Compose service, for deployments by Docker Compose.
    pub compose: Option<usize>,
    pub evidence: String,
    pub effective: Effective,
    pub actuator: Actuator,
}

#[derive(Clone, Debug)]
pub enum Via {
    Job {
        job: JobId,
        target: usize,
    },
    Monitor {
        monitor: MonitorId,
        endpoint: usize,
        kube_service: KubeServiceId,
    },
}

/// Something scrapes `service` on `path`.
#[derive(Clone, Debug)]
pub struct Scrape {
    pub service: ServiceId,
    /// Index into `Links::deployments[service]`, when the scrape reaches a known deployment.
    pub deployment: Option<usize>,
    pub via: Via,
    pub path: String,
    /// Where the path is written; for a default path, the job or endpoint itself.
    pub path_span: Span,
    pub path_explicit: bool,
    pub evidence: String,
}

#[derive(Clone, Debug)]
pub enum Selection {
    Selected(String),
    NotSelected { reason: String, span: Option<Span>, assumed: bool },
    Unknown(String),
}

#[derive(Default, Debug)]
pub struct Links {
    pub deployments: Vec<Vec<Deployment>>,
    pub kube_service_workloads: Vec<Vec<WorkloadId>>,
    pub monitor_services: Vec<Vec<KubeServiceId>>,
    /// For monitors that select nothing: Services whose pod *selector* (not labels) matches
    /// the monitor's selector — the usual mix-up between the two (seed 004).
    pub monitor_near_misses: Vec<Vec<KubeServiceId>>,
    pub monitor_selection: Vec<Selection>,
    pub scrapes: Vec<Scrape>,
    /// Job targets that matched no service: (job, target index).
    pub unresolved_targets: Vec<(JobId, usize)>,
}

impl Links {
    pub fn scrapes_of(&self, service: ServiceId) -> impl Iterator<Item = &Scrape> {
        self.scrapes.iter().filter(move |s| s.service == service)
    }
    /// The services behind a monitor (through its Services' workloads), for attribution.
    pub fn monitor_service_ids(&self, monitor: MonitorId) -> Vec<ServiceId> {
        let mut out: Vec<ServiceId> = self
            .scrapes
            .iter()
            .filter(|s| matches!(s.via, Via::Monitor { monitor: m, .. } if m == monitor))
            .map(|s| s.service)
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The deployments a scrape may reach: the known one, or all of the service's.
    pub fn reached(&self, s: &Scrape) -> Vec<&Deployment> {
        match s.deployment {
            Some(d) => vec![&self.deployments[s.service][d]],
            None => self.deployments[s.service].iter().collect(),
        }
    }
}

/// Module ↔ workload: config > image > workload name > `app` label (SPEC §5). Indexed by
/// name: comparing every workload with every service is quadratic in large monorepos.
fn workload_links(ws: &Workspace, options: &Options) -> Vec<Vec<(WorkloadId, usize, String)>> {
    // A service answers to its name and its module directory's name (case-insensitive).
    let mut by_name: std::collections::HashMap<String, Vec<ServiceId>> = Default::default();
    for (si, s) in ws.services.iter().enumerate() {
        let dir = ws.modules[s.module].dir.rsplit('/').next().unwrap_or("");
        for n in [s.name.as_str(), dir] {
            let v = by_name.entry(n.to_ascii_lowercase()).or_default();
            if !n.is_empty() && !v.contains(&si) {
                v.push(si);
            }
        }
    }
    let named = |n: &str| by_name.get(&n.to_ascii_lowercase()).map_or(&[][..], Vec::as_slice);
    // `[services.X] workloads = ["name" | "Kind/name"]`.
    let mut configured: std::collections::HashMap<&str, Vec<ServiceId>> = Default::default();
    for (k, (c, _)) in &options.config.services {
        if let Some(si) = ws.resolve_service(k) {
            for w in &c.workloads {
                configured.entry(w.as_str()).or_default().push(si);
            }
        }
    }
    let mut out = vec![Vec::new(); ws.services.len()];
    for (wi, w) in ws.workloads.iter().enumerate() {
        // The lowest (rank, service, container) wins, as a scan in that order would decide.
        let mut best: Option<(u8, ServiceId, usize, String)> = None;
        let mut consider = |rank: u8, si: ServiceId, ci: usize, why: &dyn Fn() -> String| {
            if best.as_ref().is_none_or(|b| (rank, si, ci) < (b.0, b.1, b.2)) {
                best = Some((rank, si, ci, why()));
            }
        };
        let kind_name = format!("{}/{}", w.kind, w.name.value);
        let conf: Vec<ServiceId> = [w.name.value.as_str(), kind_name.as_str()]
            .iter()
            .flat_map(|k| configured.get(k).into_iter().flatten().copied())
            .collect();
        for (ci, c) in w.containers.iter().enumerate() {
            for &si in &conf {
                consider(0, si, ci, &|| {
                    format!("configured in [services.{}] workloads", ws.services[si].name)
                });
            }
            if let Some(img) = c.image_name() {
                for &si in named(img) {
                    consider(1, si, ci, &|| {
                        format!("image `{}`", c.image.as_ref().map_or("", |i| i.value.as_str()))
                    });
                }
            }
            for &si in named(&w.name.value) {
                if w.containers.len() == 1 || named(&c.name.value).contains(&si) {
                    consider(2, si, ci, &|| format!("workload name `{}`", w.name.value));
                }
            }
            if w.containers.len() == 1 {
                for (lk, lv) in &w.pod_labels {
                    if lk == "app" || lk == "app.kubernetes.io/name" {
                        for &si in named(lv) {
                            consider(3, si, ci, &|| "pod label `app`".to_string());
                        }
                    }
                }
            }
        }
        if let Some((_, si, ci, why)) = best {
            out[si].push((wi, ci, why));
        }
    }
    out
}

fn deployments(ws: &Workspace, sources: &SourceSet, options: &Options, links: &[Vec<(WorkloadId, usize, String)>]) -> Vec<Vec<Deployment>> {
    deploy::deployments(ws, sources, options, links)
}

fn namespace_ok(sel: &Option<LabelSelector>, cr_ns: &str, mon_ns: &str, ignore: bool) -> Option<bool> {
    if ignore {
        return Some(cr_ns == mon_ns);
    }
    match sel {
        None => Some(cr_ns == mon_ns),
        Some(s) if s.is_empty() => Some(true),
        // Kubernetes labels every namespace with its name; other labels are unknown here.
        Some(s) => {
            let labels = vec![("kubernetes.io/metadata.name".to_string(), mon_ns.to_string())];
            match s.matches(&labels) {
                Some(true) => Some(true),
                _ if s.match_labels.iter().all(|(k, _)| k == "kubernetes.io/metadata.name") && s.match_expressions.is_empty() => {
                    Some(false)
                }
                _ => None,
            }
        }
    }
}

fn selection(ws: &Workspace, options: &Options, m: &Monitor) -> Selection {
    let pod = m.kind == MonitorKind::Pod;
    if !ws.prometheus_crs.is_empty() {
        let mut reasons = Vec::new();
        for cr in &ws.prometheus_crs {
            let (sel, ns_sel) = if pod {
                (&cr.pod_monitor_selector, &cr.pod_monitor_ns_selector)
            } else {
                (&cr.service_monitor_selector, &cr.service_monitor_ns_selector)
            };
            let field = if pod { "podMonitorSelector" } else { "serviceMonitorSelector" };
            let Some(sel) = sel else {
                reasons.push((
                    format!(
                        "Prometheus `{}` has no `{field}`, and a null selector selects no monitors",
                        cr.name.value
                    ),
                    Some(cr.name.span),
                ));
                continue;
            };
            match (
                sel.matches(&m.labels),
                namespace_ok(ns_sel, &cr.namespace, &m.namespace, cr.ignore_namespace_selectors),
            ) {
                (Some(true), Some(true)) => return Selection::Selected(format!("Prometheus `{}`", cr.name.value)),
                (Some(true), Some(false)) => reasons.push((
                    format!(
                        "Prometheus `{}` does not watch namespace `{}` for monitors",
                        cr.name.value, m.namespace
                    ),
                    Some(cr.name.span),
                )),
                (Some(false), _) => reasons.push((
                    format!("Prometheus `{}` selects monitors with `{}`", cr.name.value, sel.describe()),
                    Some(sel.span),
                )),
                _ => return Selection::Unknown(format!("Prometheus `{}`'s selectors cannot be evaluated statically", cr.name.value)),
            }
        }
        let (reason, span) = reasons.into_iter().next().unwrap_or_default();
        return Selection::NotSelected {
            reason,
            span,
            assumed: false,
        };
    }
    if let Some(v) = ws.stack_values.first() {
        let sel = if pod {
            &v.pod_monitor_selector
        } else {
            &v.service_monitor_selector
        };
        return match sel {
            Some(s) => match s.matches(&m.labels) {
                Some(true) => Selection::Selected("kube-prometheus-stack values".into()),
                Some(false) => Selection::NotSelected {
                    reason: format!("the kube-prometheus-stack values select monitors with `{}`", s.describe()),
                    span: Some(s.span),
                    assumed: false,
                },
                None => Selection::Unknown("selector cannot be evaluated".into()),
            },
            None if m.labels.iter().any(|(k, _)| k == "release") => Selection::Selected("kube-prometheus-stack values (release label)".into()),
            None => Selection::NotSelected {
                reason: "the kube-prometheus-stack values keep the default selector, which only picks monitors labelled `release: <helm release>`".into(),
                span: Some(v.span),
                assumed: false,
            },
        };
    }
    let configured = if pod {
        &options.config.pod_monitor_selector
    } else {
        &options.config.service_monitor_selector
    };
    if let Some(labels) = configured {
        let ok = labels.iter().all(|(k, v)| m.labels.iter().any(|(lk, lv)| lk == k && lv == v));
        let want = labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ");
        return if ok {
            Selection::Selected("[prometheus] selector in actuator-lint.toml".into())
        } else {
            Selection::NotSelected {
                reason: format!("the configured Prometheus selects monitors with `{want}` ([prometheus] in actuator-lint.toml)"),
                span: None,
                assumed: false,
            }
        };
    }
    if m.labels.iter().any(|(k, _)| k == "release") {
        Selection::Selected("assumed kube-prometheus-stack (release label)".into())
    } else {
        Selection::NotSelected {
            reason: "no Prometheus CR or kube-prometheus-stack values are in the repository, and the chart's default selector only picks monitors labelled `release: <helm release>`".into(),
            span: None,
            assumed: true,
        }
    }
}

pub fn link(ws: &Workspace, sources: &SourceSet, options: &Options) -> Links {
    let wl = workload_links(ws, options);
    let deployments = deployments(ws, sources, options, &wl);
    let kube_service_workloads: Vec<Vec<WorkloadId>> = ws
        .kube_services
        .iter()
        .map(|ks| {
            ws.workloads
                .iter()
                .enumerate()
                .filter(|(_, w)| {
                    w.namespace == ks.namespace
                        && ks
                            .selector
                            .as_ref()
                            .is_some_and(|sel| !sel.is_empty() && sel.matches(&w.pod_labels) == Some(true))
                })
                .map(|(i, _)| i)
                .collect()
        })
        .collect();
    let monitor_services: Vec<Vec<KubeServiceId>> = ws
        .monitors
        .iter()
        .map(|m| match m.kind {
            MonitorKind::Service => ws
                .kube_services
                .iter()
                .enumerate()
                .filter(|(_, ks)| m.watches_namespace(&ks.namespace) && m.selector.matches(&ks.labels) == Some(true))
                .map(|(i, _)| i)
                .collect(),
            MonitorKind::Pod => vec![],
        })
        .collect();
    let monitor_near_misses: Vec<Vec<KubeServiceId>> = ws
        .monitors
        .iter()
        .enumerate()
        .map(|(mi, m)| {
            if !monitor_services[mi].is_empty() || m.kind != MonitorKind::Service || m.selector.is_empty() {
                return vec![];
            }
            ws.kube_services
                .iter()
                .enumerate()
                .filter(|(_, ks)| {
                    m.watches_namespace(&ks.namespace)
                        && ks
                            .selector
                            .as_ref()
                            .is_some_and(|sel| m.selector.matches(&sel.match_labels) == Some(true))
                })
                .map(|(i, _)| i)
                .collect()
        })
        .collect();
    let monitor_selection = ws.monitors.iter().map(|m| selection(ws, options, m)).collect();

    let deployment_of = |svc: ServiceId, wi: WorkloadId| deployments[svc].iter().position(|d| d.workload == Some(wi));
    let service_of_workload =
        |wi: WorkloadId| -> Vec<ServiceId> { (0..ws.services.len()).filter(|s| wl[*s].iter().any(|(w, _, _)| *w == wi)).collect() };

    let mut scrapes = Vec::new();
    for (mi, m) in ws.monitors.iter().enumerate() {
        for (ei, ep) in m.endpoints.iter().enumerate() {
            let (path, path_span, explicit) = match &ep.path {
                Some(p) => (p.value.clone(), p.span, true),
                None => ("/metrics".to_string(), ep.span, false),
            };
            for &ks in &monitor_services[mi] {
                for &wi in &kube_service_workloads[ks] {
                    for svc in service_of_workload(wi) {
                        scrapes.push(Scrape {
                            service: svc,
                            deployment: deployment_of(svc, wi),
                            via: Via::Monitor {
                                monitor: mi,
                                endpoint: ei,
                                kube_service: ks,
                            },
                            path: path.clone(),
                            path_span,
                            path_explicit: explicit,
                            evidence: format!(
                                "{} `{}` selects Service `{}` which selects {}",
                                m.kind_name(),
                                m.name.value,
                                ws.kube_services[ks].name.value,
                                ws.workloads[wi].describe()
                            ),
                        });
                    }
                }
            }
        }
    }
    let mut unresolved_targets = Vec::new();
    for (ji, job) in ws.jobs.iter().enumerate() {
        for (ti, t) in job.targets.iter().enumerate() {
            let (path, path_span, explicit) = match (t.label("__metrics_path__"), &job.metrics_path) {
                (Some(p), _) => (p.value.clone(), p.span, true),
                (None, Some(p)) => (p.value.clone(), p.span, true),
                (None, None) => ("/metrics".to_string(), job.name.span, false),
            };
            let mut found: Vec<(ServiceId, Option<usize>, String)> = Vec::new();
            for key in ["application", "app", "service"] {
                if let Some(v) = t.label(key) {
                    if let Some(s) = ws.resolve_service(&v.value) {
                        let d = (deployments[s].len() == 1).then_some(0);
                        found.push((s, d, format!("target label `{key}: {}`", v.value)));
                        break;
                    }
                }
            }
            if found.is_empty() {
                let host = t.host();
                for (ki, ks) in ws.kube_services.iter().enumerate() {
                    let n = &ks.name.value;
                    let ns = &ks.namespace;
                    let dns = [
                        n.clone(),
                        format!("{n}.{ns}"),
                        format!("{n}.{ns}.svc"),
                        format!("{n}.{ns}.svc.cluster.local"),
                    ];
                    if dns.iter().any(|d| d == host) || ks.cluster_ip.as_deref() == Some(host) {
                        for &wi in &kube_service_workloads[ki] {
                            for s in service_of_workload(wi) {
                                found.push((s, deployment_of(s, wi), format!("target host `{host}` is Service `{n}`")));
                            }
                        }
                    }
                }
                if found.is_empty() {
                    if let Some(s) = ws.service_by_name(host) {
                        let d = (deployments[s].len() == 1).then_some(0);
                        found.push((s, d, format!("target host `{host}` is the service name")));
                    }
                }
            }
            if found.is_empty() {
                unresolved_targets.push((ji, ti));
            }
            for (s, d, why) in found {
                scrapes.push(Scrape {
                    service: s,
                    deployment: d,
                    via: Via::Job { job: ji, target: ti },
                    path: path.clone(),
                    path_span,
                    path_explicit: explicit,
                    evidence: format!("job `{}`: {why}", job.name.value),
                });
            }
        }
    }
    Links {
        deployments,
        kube_service_workloads,
        monitor_services,
        monitor_near_misses,
        monitor_selection,
        scrapes,
        unresolved_targets,
    }
}
