//! Links between model objects, computed once with evidence (SPEC §5). Rules read these and
//! never rescan raw objects. Unresolved links are data too. The scrape wiring (Services,
//! monitors, Prometheus selection, job targets, annotation jobs) is in `scrape`.

pub mod relabel;
pub mod scrape;

use crate::model::spring::{args_layer, env_layer, Actuator, Effective, Layer};
use crate::model::{JobId, KubeServiceId, MonitorId, ServiceId, WorkloadId, Workspace};
use crate::source::{SourceSet, Span};
use crate::Options;

/// One way a service runs: a workload's container (or, with none in the repo, "as built").
#[derive(Clone, Debug)]
pub struct Deployment {
    pub workload: Option<WorkloadId>,
    pub container: Option<usize>,
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
    /// PodMonitor → workloads whose pods it selects.
    pub monitor_pods: Vec<Vec<WorkloadId>>,
    /// What every static/file_sd target is.
    pub targets: std::collections::BTreeMap<(JobId, usize), scrape::TargetKind>,
    /// Compose service → the Spring services it runs.
    pub compose_spring: Vec<Vec<ServiceId>>,
    /// How each `kubernetes_sd_configs` job was evaluated.
    pub kube_jobs: std::collections::BTreeMap<JobId, scrape::KubeJob>,
}

impl Links {
    pub fn scrapes_of(&self, service: ServiceId) -> impl Iterator<Item = &Scrape> {
        self.scrapes.iter().filter(move |s| s.service == service)
    }
    /// The deployments a scrape may reach: the known one, or all of the service's.
    pub fn reached(&self, s: &Scrape) -> Vec<&Deployment> {
        match s.deployment {
            Some(d) => vec![&self.deployments[s.service][d]],
            None => self.deployments[s.service].iter().collect(),
        }
    }
}

fn same_name(a: &str, b: &str) -> bool {
    !a.is_empty() && a.eq_ignore_ascii_case(b)
}

/// Module ↔ workload: config > image > workload name > `app` label (SPEC §5).
fn workload_links(ws: &Workspace, options: &Options) -> Vec<Vec<(WorkloadId, usize, String)>> {
    let mut out = vec![Vec::new(); ws.services.len()];
    for (wi, w) in ws.workloads.iter().enumerate() {
        let mut best: Option<(u8, ServiceId, usize, String)> = None;
        for (si, s) in ws.services.iter().enumerate() {
            let dir = ws.modules[s.module].dir.rsplit('/').next().unwrap_or("");
            let names = [s.name.as_str(), dir];
            let configured = options
                .config
                .services
                .iter()
                .filter(|(k, _)| ws.resolve_service(k) == Some(si))
                .flat_map(|(_, (c, _))| c.workloads.iter())
                .any(|x| *x == w.name.value || *x == format!("{}/{}", w.kind, w.name.value));
            for (ci, c) in w.containers.iter().enumerate() {
                let cand = if configured {
                    Some((0, format!("configured in [services.{}] workloads", s.name)))
                } else if c.image_name().is_some_and(|i| names.iter().any(|n| same_name(n, i))) {
                    Some((1, format!("image `{}`", c.image.as_ref().map_or("", |i| i.value.as_str()))))
                } else if names.iter().any(|n| same_name(n, &w.name.value))
                    && (w.containers.len() == 1 || names.iter().any(|n| same_name(n, &c.name.value)))
                {
                    Some((2, format!("workload name `{}`", w.name.value)))
                } else if w.containers.len() == 1
                    && ["app", "app.kubernetes.io/name"].iter().any(|k| {
                        w.pod_labels
                            .iter()
                            .any(|(lk, lv)| lk == k && names.iter().any(|n| same_name(n, lv)))
                    })
                {
                    Some((3, "pod label `app`".to_string()))
                } else {
                    None
                };
                if let Some((rank, why)) = cand {
                    if best.as_ref().is_none_or(|b| rank < b.0) {
                        best = Some((rank, si, ci, why));
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

fn profiles_from_env(e: &Effective) -> Option<(Vec<String>, String)> {
    let f = e.get("spring.profiles.active")?;
    let list = f
        .prop
        .value
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    Some((list, format!("`{}` in {}", f.prop.key, f.layer.label)))
}

fn deployments(ws: &Workspace, sources: &SourceSet, options: &Options, links: &[Vec<(WorkloadId, usize, String)>]) -> Vec<Vec<Deployment>> {
    let _ = sources;
    ws.services
        .iter()
        .enumerate()
        .map(|(si, s)| {
            let cfg_profiles: Vec<String> = options
                .config
                .services
                .iter()
                .filter(|(k, _)| ws.resolve_service(k) == Some(si))
                .flat_map(|(_, (c, _))| c.profiles.clone())
                .collect();
            let fallback = if !cfg_profiles.is_empty() {
                Some((cfg_profiles, "actuator-lint.toml".to_string()))
            } else if !options.profiles.is_empty() {
                Some((options.profiles.clone(), "--profile".to_string()))
            } else if !options.config.profiles.is_empty() {
                Some((options.config.profiles.clone(), "[spring] profiles".to_string()))
            } else {
                None
            };
            let make = |workload: Option<WorkloadId>, container: Option<usize>, evidence: String, overlays: Vec<Layer>| {
                // Profiles: the deployment's env/args, else the app's own config, else ours.
                let probe = s.effective(vec![], None, overlays.clone());
                let (profiles, from) = match profiles_from_env(&probe) {
                    Some((p, f)) => (p, Some(f)),
                    None => match &fallback {
                        Some((p, f)) => (p.clone(), Some(f.clone())),
                        None => (vec![], None),
                    },
                };
                let effective = s.effective(profiles, from, overlays);
                let actuator = effective.actuator(&s.boot_version);
                Deployment {
                    workload,
                    container,
                    evidence,
                    effective,
                    actuator,
                }
            };
            let mut out: Vec<Deployment> = links[si]
                .iter()
                .map(|(wi, ci, why)| {
                    let w = &ws.workloads[*wi];
                    let c = &w.containers[*ci];
                    let env: Vec<_> = c
                        .env
                        .iter()
                        .filter_map(|e| Some((e.name.clone(), e.value.clone()?, e.span, e.value_span)))
                        .collect();
                    let args: Vec<_> = c
                        .args
                        .iter()
                        .filter_map(|a| {
                            let (k, v) = a.value.strip_prefix("--")?.split_once('=')?;
                            Some((k.to_string(), v.to_string(), a.span))
                        })
                        .collect();
                    let label = format!("{} `{}`", w.kind, w.name.value);
                    let overlays = vec![
                        env_layer(&env, format!("env of {label}")),
                        args_layer(&args, format!("args of {label}")),
                    ];
                    make(Some(*wi), Some(*ci), why.clone(), overlays)
                })
                .collect();
            if out.is_empty() {
                out.push(make(None, None, "no workload in the repository runs this service".into(), vec![]));
            }
            out
        })
        .collect()
}

pub fn link(ws: &Workspace, sources: &SourceSet, options: &Options) -> Links {
    let wl = workload_links(ws, options);
    let deployments = deployments(ws, sources, options, &wl);
    let sc = scrape::link(ws, sources, options, &deployments, &wl);
    Links {
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
    }
}
