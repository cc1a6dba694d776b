//! Scrape wiring, link by link (semantics §7–9): Service ↔ workload, monitor → Services/pods,
//! Prometheus → monitors, job targets → services, `kubernetes_sd_configs` jobs → annotated pods
//! and Services, and for every scrape: which container port it reaches and with which scheme.
//!
//! * `select`: which Services a Kubernetes Service selects, which objects a monitor selects,
//!   and whether a Prometheus selects the monitor;
//! * `monitors`: ServiceMonitor and PodMonitor endpoints → scrapes;
//! * `jobs`: static and file_sd job targets → what each target is, and its scrapes;
//! * `kube_sd`: `kubernetes_sd_configs` jobs, relabeled over the pods and Services;
//! * `registry`: `eureka_sd_configs` and `consul_sd_configs` jobs, relabeled over what each
//!   service registers (`dns_sd_configs` names are targets, resolved in `jobs`);
//! * `compose`: the Spring services each Compose service runs;
//! * `pod_local`: `localhost` in a Prometheus that runs as a Kubernetes pod;
//! * `ports`: the endpoint-port resolver every kind uses (Service port → targetPort →
//!   container port).

mod compose;
mod dns;
mod jobs;
mod kube_sd;
mod monitors;
mod pod_local;
mod ports;
mod registry;
mod select;
mod target_relabel;

pub use ports::through_service;
pub use registry::Discovered;

use super::{Deployment, Scrape, Selection, Via};
use crate::ids::IdVec;
use crate::model::kube::MonitorKind;
use crate::model::labels::LabelIndex;
use crate::model::ModelOptions;
use crate::model::{JobId, KubeServiceId, MonitorId, ServiceId, WorkloadId, Workspace};
use crate::source::{SourceSet, Span};
use std::collections::BTreeMap;

/// One container port a scrape may connect to, and the value that decided it.
#[derive(Clone, Debug)]
pub struct PortReach {
    pub port: i64,
    /// The value to change when the port is wrong (a number the fix may replace).
    pub decided_at: Span,
    /// How the scrape got there: "Service `x` port `http` → targetPort `8080`".
    pub chain: String,
}

/// Where a scrape connects, seen from the container.
#[derive(Clone, Debug)]
pub enum Reach {
    /// It connects to one of these (several when the repository cannot tell which one, or when
    /// an endpoint without `port` scrapes every port): fine if any is the served one.
    Ports(Vec<PortReach>),
    /// It cannot reach any port of the service (`Service x has no port 8080`).
    Nowhere {
        reason: String,
        span: Span,
    },
    Unknown(String),
}

/// What a static or file_sd target is.
#[derive(Clone, Debug)]
pub enum TargetKind {
    /// Spring services (scrapes are in `Links::scrapes`).
    Services,
    /// The Prometheus server scraping itself (`localhost:9090`).
    Prometheus(String),
    /// Something else the repository runs (node-exporter, a database exporter).
    Other(String),
    /// The repository cannot tell (an IP, a namespace not in the repository).
    Unknown(String),
    /// Dropped by the job's relabelling: scraped by no job; where.
    Dropped(String),
    /// Matches nothing the repository defines although it should: reported.
    Unresolved { reason: String, suggestion: Option<String> },
}

/// How a `kubernetes_sd_configs` job was evaluated.
#[derive(Clone, Debug)]
pub enum KubeJob {
    Evaluated,
    Unknown(String),
}

pub struct Output {
    pub kube_service_workloads: IdVec<KubeServiceId, Vec<WorkloadId>>,
    pub monitor_services: IdVec<MonitorId, Vec<KubeServiceId>>,
    pub monitor_near_misses: IdVec<MonitorId, Vec<KubeServiceId>>,
    pub monitor_pods: IdVec<MonitorId, Vec<WorkloadId>>,
    pub monitor_selection: IdVec<MonitorId, Selection>,
    pub scrapes: Vec<Scrape>,
    pub unresolved_targets: Vec<(JobId, usize)>,
    pub targets: BTreeMap<(JobId, usize), TargetKind>,
    pub compose_spring: Vec<Vec<ServiceId>>,
    pub kube_jobs: BTreeMap<JobId, KubeJob>,
    pub discovered: Vec<Discovered>,
}

/// Module ↔ workload links already computed by `link::workload_links`: per service, (workload,
/// container, why). The container is a position in that workload's `containers`, as in
/// `Deployment::container`, not an id of the workspace.
pub type WorkloadLinks<'a> = &'a IdVec<ServiceId, Vec<(WorkloadId, usize, String)>>;

struct Cx<'a> {
    ws: &'a Workspace,
    sources: &'a SourceSet,
    deployments: &'a IdVec<ServiceId, Vec<Deployment>>,
    wl: WorkloadLinks<'a>,
    ksw: IdVec<KubeServiceId, Vec<WorkloadId>>,
    /// Workload → the services it runs (the inverse of `wl`).
    workload_services: IdVec<WorkloadId, Vec<ServiceId>>,
    /// Kubernetes Service DNS names (`svc`, `svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local`)
    /// and pinned ClusterIPs → Services: targets are resolved by look-up, not by scanning.
    dns: BTreeMap<String, Vec<KubeServiceId>>,
    /// Every key `Workspace::resolve_service` accepts → the first service it names.
    service_keys: BTreeMap<String, ServiceId>,
}

impl Cx<'_> {
    fn services_of_workload(&self, wi: WorkloadId) -> Vec<ServiceId> {
        self.workload_services.get(wi).cloned().unwrap_or_default()
    }
    fn resolve_service(&self, key: &str) -> Option<ServiceId> {
        self.service_keys.get(key.trim()).copied()
    }
    fn kube_services_exact(&self, host: &str) -> Vec<KubeServiceId> {
        if let Some(v) = self.dns.get(host) {
            return v.clone();
        }
        // `svc.ns.svc.<any cluster domain>`
        let parts: Vec<&str> = host.split('.').collect();
        if parts.len() > 3 && parts[2] == "svc" {
            if let Some(v) = self.dns.get(&parts[..3].join(".")) {
                return v.clone();
            }
        }
        vec![]
    }
    /// Services a target host names, including StatefulSet pods of headless Services
    /// (`<pod>.<svc>.<ns>.svc…`).
    fn kube_services_for(&self, host: &str) -> Vec<KubeServiceId> {
        let direct = self.kube_services_exact(host);
        if !direct.is_empty() {
            return direct;
        }
        match host.split_once('.') {
            Some((_, rest)) => {
                let mut v = self.kube_services_exact(rest);
                v.retain(|k| self.ws.kube_services[*k].headless());
                v
            }
            None => vec![],
        }
    }
    fn deployment_of(&self, svc: ServiceId, wi: WorkloadId) -> Option<usize> {
        self.deployments[svc].iter().position(|d| d.workload == Some(wi))
    }
    fn container_of(&self, svc: ServiceId, wi: WorkloadId) -> Option<usize> {
        self.wl[svc].iter().find(|(w, _, _)| *w == wi).map(|(_, c, _)| *c)
    }
}

pub fn link(
    ws: &Workspace,
    sources: &SourceSet,
    options: &ModelOptions<'_>,
    deployments: &IdVec<ServiceId, Vec<Deployment>>,
    wl: WorkloadLinks<'_>,
) -> Output {
    // Label indexes: each selector is tried only against objects carrying its first label.
    let pods: LabelIndex<WorkloadId> = LabelIndex::new(ws.workloads.iter().map(|w| w.pod_labels.as_slice()));
    let service_labels: LabelIndex<KubeServiceId> = LabelIndex::new(ws.kube_services.iter().map(|k| k.labels.as_slice()));
    let ksw: IdVec<KubeServiceId, Vec<WorkloadId>> = ws
        .kube_services
        .iter()
        .map(|ks| match &ks.selector {
            Some(sel) => pods
                .candidates(sel)
                .into_iter()
                .filter(|&i| select::selects(ks, &ws.workloads[i]))
                .collect(),
            None => vec![],
        })
        .collect();
    let (monitor_services, monitor_pods): (IdVec<MonitorId, Vec<KubeServiceId>>, IdVec<MonitorId, Vec<WorkloadId>>) = ws
        .monitors
        .iter()
        .map(|m| match m.kind {
            MonitorKind::Service => (
                select::monitored(m, &service_labels, |i| {
                    let k = &ws.kube_services[i];
                    (&k.origin, &k.namespace, &k.labels)
                }),
                vec![],
            ),
            MonitorKind::Pod => (
                vec![],
                select::monitored(m, &pods, |i| {
                    let w = &ws.workloads[i];
                    (&w.origin, &w.namespace, &w.pod_labels)
                }),
            ),
        })
        .unzip();
    // A near miss selects a Service by the labels of its pod selector instead of its own.
    let service_selectors: LabelIndex<KubeServiceId> = LabelIndex::new(
        ws.kube_services
            .iter()
            .map(|k| k.selector.as_ref().map_or(&[][..], |s| s.match_labels.as_slice())),
    );
    let monitor_near_misses: IdVec<MonitorId, Vec<KubeServiceId>> = ws
        .monitors
        .iter_enumerated()
        .map(|(mi, m)| {
            if !monitor_services[mi].is_empty() || m.kind != MonitorKind::Service || m.selector.is_empty() {
                return vec![];
            }
            service_selectors
                .candidates(&m.selector)
                .into_iter()
                .filter(|&i| {
                    let ks = &ws.kube_services[i];
                    ks.origin.compatible(&m.origin)
                        && m.watches_namespace(&ks.namespace)
                        && ks
                            .selector
                            .as_ref()
                            .is_some_and(|sel| m.selector.matches(&sel.match_labels) == Some(true))
                })
                .collect()
        })
        .collect();
    let monitor_selection = ws.monitors.iter().map(|m| select::selection(ws, options, m)).collect();
    let mut workload_services: IdVec<WorkloadId, Vec<ServiceId>> = IdVec::from_elem(Vec::new(), &ws.workloads);
    for (si, links) in wl.iter_enumerated() {
        for (wi, _, _) in links {
            if let Some(v) = workload_services.get_mut(*wi) {
                if !v.contains(&si) {
                    v.push(si);
                }
            }
        }
    }
    let mut dns: BTreeMap<String, Vec<KubeServiceId>> = BTreeMap::new();
    for (ki, ks) in ws.kube_services.iter_enumerated() {
        let (n, ns) = (&ks.name.value, &ks.namespace);
        let mut names = vec![
            n.clone(),
            format!("{n}.{ns}"),
            format!("{n}.{ns}.svc"),
            format!("{n}.{ns}.svc.cluster.local"),
        ];
        if let Some(ip) = ks.cluster_ip.as_deref().filter(|ip| !ip.is_empty() && *ip != "None") {
            names.push(ip.to_string());
        }
        for name in names {
            dns.entry(name).or_default().push(ki);
        }
    }
    let mut service_keys: BTreeMap<String, ServiceId> = BTreeMap::new();
    for (si, s) in ws.services.iter_enumerated() {
        let m = &ws.modules[s.module];
        for k in [
            s.name.as_str(),
            m.gradle_path.as_str(),
            m.dir.as_str(),
            m.dir.rsplit('/').next().unwrap_or(""),
        ] {
            if !k.is_empty() {
                service_keys.entry(k.to_string()).or_insert(si);
            }
        }
    }
    let cx = Cx {
        ws,
        sources,
        deployments,
        wl,
        ksw,
        workload_services,
        dns,
        service_keys,
    };
    let mut scrapes = Vec::new();
    monitors::monitor_scrapes(&cx, &monitor_services, &monitor_pods, &mut scrapes);

    let compose_spring = compose::compose_spring(ws, cx.sources);
    let mut unresolved_targets = Vec::new();
    let mut targets = BTreeMap::new();
    jobs::job_scrapes(&cx, &compose_spring, &mut scrapes, &mut unresolved_targets, &mut targets);
    let mut kube_jobs = BTreeMap::new();
    kube_sd::annotation_scrapes(&cx, &mut scrapes, &mut kube_jobs);
    let mut discovered = Vec::new();
    registry::registry_scrapes(&cx, &compose_spring, &mut scrapes, &mut discovered);
    Output {
        kube_service_workloads: cx.ksw,
        monitor_services,
        monitor_near_misses,
        monitor_pods,
        monitor_selection,
        scrapes,
        unresolved_targets,
        targets,
        compose_spring,
        kube_jobs,
        discovered,
    }
}

/// Where a scrape's credentials are configured, if it sends any: the job's (`basic_auth`,
/// `authorization`, …; annotations and registries are scraped by a job too) or the monitor
/// endpoint's (`basicAuth`, `bearerTokenSecret`, …).
pub fn credentials(ws: &Workspace, via: &Via) -> Option<Span> {
    match via {
        Via::Job { job, .. } | Via::Annotations { job, .. } | Via::Registry { job, .. } => ws.jobs[*job].credentials,
        Via::Monitor { monitor, endpoint, .. } | Via::PodMonitor { monitor, endpoint } => {
            ws.monitors[*monitor].endpoints.get(*endpoint).and_then(|e| e.credentials)
        }
    }
}

/// "job `x`", "ServiceMonitor `y`", "job `kubernetes-pods` (annotations of Deployment `z`)",
/// and the span that stands for it.
pub fn describe_site(ws: &Workspace, via: &Via) -> (String, Span) {
    match via {
        Via::Job { job, .. } => (format!("job `{}`", ws.jobs[*job].name.value), ws.jobs[*job].name.span),
        Via::Monitor { monitor, endpoint, .. } | Via::PodMonitor { monitor, endpoint } => {
            let m = &ws.monitors[*monitor];
            (
                format!("{} `{}`{}", m.kind_name(), m.name.value, m.origin.suffix()),
                m.endpoints[*endpoint].span,
            )
        }
        Via::Annotations {
            job,
            workload,
            kube_service,
        } => {
            let obj = match kube_service {
                Some(k) => format!("Service `{}`", ws.kube_services[*k].name.value),
                None => ws.workloads[*workload].describe(),
            };
            let j = &ws.jobs[*job];
            // A job none of whose rules reads an annotation keeps whatever it discovers.
            let reads_annotations = j
                .relabel
                .iter()
                .any(|r| r.source_labels.iter().any(|l| l.contains("_annotation")) || r.regex.contains("_annotation"));
            let how = if reads_annotations {
                format!("through the annotations of {obj}")
            } else {
                format!("which keeps {obj} without reading any annotation")
            };
            (format!("job `{}` ({how})", j.name.value), j.name.span)
        }
        Via::Registry { job, registered, .. } => {
            let j = &ws.jobs[*job];
            (format!("job `{}` ({registered})", j.name.value), j.name.span)
        }
    }
}

/// The application's request mapping that serves what a scrape requests, when the scrape
/// reaches the main server of every deployment it may reach (the SAME port, or a reached port
/// that is the main one) and a mapping there matches the path under the server prefix.
pub(crate) fn app_route(ws: &Workspace, deployments: &IdVec<ServiceId, Vec<Deployment>>, s: &Scrape) -> Option<Span> {
    use crate::model::spring::routes::Serves;
    let reached: Vec<&Deployment> = match s.deployment {
        Some(d) => deployments.get(s.service)?.get(d).into_iter().collect(),
        None => deployments.get(s.service)?.iter().collect(),
    };
    let mut found = None;
    for d in reached {
        let sv = &d.actuator.serving;
        let main = sv.main_port()?;
        let on_main = sv.is(crate::model::spring::PortType::Same)
            || matches!(&s.reach, Reach::Ports(ps) if !ps.is_empty() && ps.iter().all(|p| p.port == i64::from(main)));
        if !on_main {
            return None;
        }
        let prefix = sv.server_prefix.as_str();
        let path = s.path.split(['?', '#']).next().unwrap_or("");
        // Under the actuator root the actuator's own mapping wins over a catch-all controller
        // (`/**/{path}` forwarding to a SPA): what is served there is the actuator's to say.
        let root = sv.actuator_root.as_str();
        if !root.is_empty() && (path == root || path.starts_with(&format!("{root}/"))) {
            return None;
        }
        let rel = if prefix.is_empty() {
            path
        } else {
            path.strip_prefix(prefix).filter(|r| r.is_empty() || r.starts_with('/'))?
        };
        match ws
            .services
            .get(s.service)?
            .routes
            .serves_with(if rel.is_empty() { "/" } else { rel }, &sv.statics)
        {
            Serves::Route(r) => {
                found.get_or_insert(r.span);
            }
            Serves::Static(f) => {
                found.get_or_insert(crate::source::Span::empty(f.file, 0));
            }
            _ => return None,
        }
    }
    found
}
