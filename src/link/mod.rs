//! Links between model objects, computed once with evidence (SPEC §5). Rules read these and
//! never rescan raw objects. Unresolved links are data too. The scrape wiring (Services,
//! monitors, Prometheus selection, job targets, annotation jobs) is in `scrape`.

pub mod budget;
mod compose;
pub mod demand;
mod deploy;
pub mod image;
pub mod probes;
pub mod relabel;
pub mod scrape;

use crate::ids::IdVec;
use crate::model::spring::{Actuator, Effective};
use crate::model::ModelOptions;
use crate::model::{JobId, KubeServiceId, MonitorId, ServiceId, WorkloadId, Workspace};
use crate::source::{SourceSet, Span};

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
    PodMonitor {
        monitor: MonitorId,
        endpoint: usize,
    },
    /// A `kubernetes_sd_configs` job keeps this workload's pods (or its Service's endpoints).
    Annotations {
        job: JobId,
        workload: WorkloadId,
        kube_service: Option<KubeServiceId>,
    },
    /// An `eureka_sd_configs`/`consul_sd_configs` job lists what the service registers.
    Registry {
        job: JobId,
        /// Index in the job's `registry_sd`.
        sd: usize,
        /// "Eureka app `ORDERS`".
        registered: String,
        /// The name it registers (`ORDERS`, `orders`).
        name: String,
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
    /// The container port(s) it connects to.
    pub reach: scrape::Reach,
    /// `http` or `https`, and where it is written (`None`: the default `http`).
    pub scheme: String,
    pub scheme_span: Option<Span>,
    /// A key of the mapping where `scheme:` would be added.
    pub scheme_anchor: Span,
    /// The application's own request mapping that serves the scraped path on the main server
    /// (a controller's hand-written `/metrics`), when every reached deployment has one.
    pub app_route: Option<Span>,
}

#[derive(Clone, Debug)]
pub enum Selection {
    Selected(String),
    NotSelected {
        reason: String,
        span: Option<Span>,
        assumed: bool,
        /// The labels that would get it selected, when that is a plain `matchLabels`.
        want: Option<Vec<(String, String)>>,
    },
    Unknown(String),
}

#[derive(Default, Debug)]
pub struct Links {
    pub deployments: IdVec<ServiceId, Vec<Deployment>>,
    pub kube_service_workloads: IdVec<KubeServiceId, Vec<WorkloadId>>,
    pub monitor_services: IdVec<MonitorId, Vec<KubeServiceId>>,
    /// For monitors that select nothing: Services whose pod *selector* (not labels) matches
    /// the monitor's selector — the usual mix-up between the two (seed 004).
    pub monitor_near_misses: IdVec<MonitorId, Vec<KubeServiceId>>,
    pub monitor_selection: IdVec<MonitorId, Selection>,
    pub scrapes: Vec<Scrape>,
    /// Job targets that matched no service: (job, target index).
    pub unresolved_targets: Vec<(JobId, usize)>,
    /// PodMonitor → workloads whose pods it selects.
    pub monitor_pods: IdVec<MonitorId, Vec<WorkloadId>>,
    /// What every static/file_sd target is.
    pub targets: std::collections::BTreeMap<(JobId, usize), scrape::TargetKind>,
    /// Compose service → the Spring services it runs.
    pub compose_spring: Vec<Vec<ServiceId>>,
    /// How each `kubernetes_sd_configs` job was evaluated.
    pub kube_jobs: std::collections::BTreeMap<JobId, scrape::KubeJob>,
    /// How each `eureka_sd_configs`/`consul_sd_configs` entry was evaluated.
    pub discovered: Vec<scrape::Discovered>,
    /// What probes request that their deployments do not serve.
    pub probe_mismatches: Vec<probes::ProbeMismatch>,
    /// Indexes, so rules asking per service or per workload stay linear.
    scrapes_by_service: IdVec<ServiceId, Vec<usize>>,
    workload_service: IdVec<WorkloadId, Option<ServiceId>>,
}

impl Links {
    pub fn scrapes_of(&self, service: ServiceId) -> impl Iterator<Item = &Scrape> {
        self.scrapes_by_service
            .get(service)
            .into_iter()
            .flatten()
            .map(|&i| &self.scrapes[i])
    }
    /// The service a workload runs (the first, when several claim it).
    pub fn service_of_workload(&self, workload: WorkloadId) -> Option<ServiceId> {
        self.workload_service.get(workload).copied().flatten()
    }
    /// The deployments a scrape may reach: the known one, or all of the service's.
    pub fn reached(&self, s: &Scrape) -> Vec<&Deployment> {
        match s.deployment {
            Some(d) => vec![&self.deployments[s.service][d]],
            None => self.deployments[s.service].iter().collect(),
        }
    }
}

/// Module ↔ workload: config > the image a module builds > image name > workload name > `app`
/// label (SPEC §5). Indexed by name: comparing every workload with every service is quadratic
/// in large monorepos.
fn workload_links(ws: &Workspace, sources: &SourceSet, options: &ModelOptions<'_>) -> IdVec<ServiceId, Vec<(WorkloadId, usize, String)>> {
    // A service answers to its name and its module directory's name (case-insensitive).
    let mut by_name: std::collections::HashMap<String, Vec<ServiceId>> = Default::default();
    for (si, s) in ws.services.iter_enumerated() {
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
    let mut out = IdVec::from_elem(Vec::new(), &ws.services);
    for (wi, w) in ws.workloads.iter_enumerated() {
        // The lowest (rank, service, container) wins, as a scan in that order would decide.
        let mut best: Option<(u8, ServiceId, usize, String)> = None;
        let mut consider = |rank: u8, si: ServiceId, ci: usize, why: &dyn Fn() -> String| {
            if best.as_ref().is_none_or(|b| (rank, si, ci) < (b.0, b.1, b.2)) {
                best = Some((rank, si, ci, why()));
            }
        };
        // Several services of one name (a book's chapter copies): the ones whose module shares
        // the most leading directories with the manifest, as for Compose files; none sharing
        // any, all stay candidates.
        let named = |n: &str| -> Vec<ServiceId> {
            let all = named(n).to_vec();
            if all.len() <= 1 {
                return all;
            }
            let near = crate::model::compose::nearest(ws, sources, w.file, all.clone());
            if near.is_empty() {
                all
            } else {
                near
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
            // The module that builds the image, whatever its name; several: the one nearest the
            // manifest (as for Compose: a chapter's manifests run that chapter's module), else
            // unknown, no guess.
            if let Some(img) = &c.image {
                let near = |v: Vec<ServiceId>| crate::model::compose::nearest(ws, sources, w.file, v);
                match image::by_image(ws, sources, &img.value, Some(&near)) {
                    image::ByImage::Built { service, evidence } => consider(1, service, ci, &|| evidence.clone()),
                    image::ByImage::Ambiguous => continue,
                    image::ByImage::Unlinked => {}
                }
            }
            if let Some(img) = c.image_name() {
                for si in named(img) {
                    consider(2, si, ci, &|| {
                        format!("image `{}`", c.image.as_ref().map_or("", |i| i.value.as_str()))
                    });
                }
            }
            for si in named(&w.name.value) {
                if w.containers.len() == 1 || named(&c.name.value).contains(&si) {
                    consider(3, si, ci, &|| format!("workload name `{}`", w.name.value));
                }
            }
            if w.containers.len() == 1 {
                for (lk, lv) in &w.pod_labels {
                    if lk == "app" || lk == "app.kubernetes.io/name" {
                        for si in named(lv) {
                            consider(4, si, ci, &|| "pod label `app`".to_string());
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

fn deployments(
    ws: &Workspace,
    sources: &SourceSet,
    options: &ModelOptions<'_>,
    links: &IdVec<ServiceId, Vec<(WorkloadId, usize, String)>>,
) -> IdVec<ServiceId, Vec<Deployment>> {
    deploy::deployments(ws, sources, options, links)
}

pub fn link(ws: &Workspace, sources: &SourceSet, options: &ModelOptions<'_>) -> Links {
    let wl = crate::timing::timed("link: workloads", || workload_links(ws, sources, options));
    let deployments = crate::timing::timed("link: deployments", || deployments(ws, sources, options, &wl));
    let sc = crate::timing::timed("link: scrape", || scrape::link(ws, sources, options, &deployments, &wl));
    let probe_mismatches = crate::timing::timed("link: probes", || probes::mismatches(ws, sources, &deployments));
    let mut sc = sc;
    for s in &mut sc.scrapes {
        s.app_route = scrape::app_route(ws, &deployments, s);
    }
    let mut scrapes_by_service = IdVec::from_elem(Vec::new(), &deployments);
    for (i, s) in sc.scrapes.iter().enumerate() {
        if let Some(v) = scrapes_by_service.get_mut(s.service) {
            v.push(i);
        }
    }
    let mut workload_service = IdVec::from_elem(None, &ws.workloads);
    for (si, ds) in deployments.iter_enumerated() {
        for d in ds {
            if let Some(slot) = d.workload.and_then(|w| workload_service.get_mut(w)) {
                slot.get_or_insert(si);
            }
        }
    }
    Links {
        scrapes_by_service,
        workload_service,
        deployments,
        kube_service_workloads: sc.kube_service_workloads,
        monitor_services: sc.monitor_services,
        monitor_near_misses: sc.monitor_near_misses,
        monitor_selection: sc.monitor_selection,
        scrapes: sc.scrapes,
        unresolved_targets: sc.unresolved_targets,
        monitor_pods: sc.monitor_pods,
        targets: sc.targets,
        compose_spring: sc.compose_spring,
        kube_jobs: sc.kube_jobs,
        discovered: sc.discovered,
        probe_mismatches,
    }
}
