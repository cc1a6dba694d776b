//! The model: everything discovered in the repo, with spans, before anything is linked.
//! Built once from parsed files; no filesystem access.

pub mod assemble;
pub mod boot;
pub mod build;
pub mod compose;
pub mod discovery;
pub mod exec;
pub mod helm;
pub mod image;
pub mod kube;
pub mod kustomize;
pub mod labels;
pub mod monitoring;
pub mod options;
pub mod promchart;
pub mod prometheus;
pub mod spring;
pub mod tree;

pub use options::ModelOptions;

use crate::ids::IdVec;
use crate::source::{FileId, Span, Spanned};

crate::typed_id!(
    /// A build module (Gradle project or Maven module): an index into `Workspace::modules`.
    ModuleId
);
crate::typed_id!(
    /// A Spring Boot application (a module that builds one): an index into `Workspace::services`.
    ServiceId
);
crate::typed_id!(
    /// A Kubernetes workload (Deployment, StatefulSet, ...): an index into `Workspace::workloads`.
    WorkloadId
);
crate::typed_id!(
    /// A Kubernetes Service: an index into `Workspace::kube_services`.
    KubeServiceId
);
crate::typed_id!(
    /// A ServiceMonitor or PodMonitor: an index into `Workspace::monitors`.
    MonitorId
);
crate::typed_id!(
    /// A Prometheus scrape job: an index into `Workspace::jobs`.
    JobId
);

/// Something the repo cannot tell statically. Never an error; reported as `analysis-gap`
/// when it affects a service.
#[derive(Clone, Debug)]
pub struct Gap {
    pub message: String,
    pub span: Span,
    pub services: Vec<ServiceId>,
    /// What the user can do about it.
    pub help: String,
}

#[derive(Clone, Debug)]
pub struct ParseError {
    pub file: FileId,
    pub offset: u32,
    pub message: String,
}

#[derive(Default, Debug)]
pub struct Workspace {
    pub modules: IdVec<ModuleId, build::Module>,
    pub services: IdVec<ServiceId, spring::Service>,
    pub workloads: IdVec<WorkloadId, kube::Workload>,
    pub kube_services: IdVec<KubeServiceId, kube::KubeService>,
    pub monitors: IdVec<MonitorId, kube::Monitor>,
    pub prometheus_crs: Vec<kube::PrometheusCr>,
    pub config_maps: Vec<kube::ConfigMap>,
    /// Secrets in the repository (`stringData`, decoded `data`), for container env.
    pub secrets: Vec<kube::ConfigMap>,
    /// Dockerfiles and Compose env files, read for Spring config overlays.
    pub dockerfiles: Vec<(FileId, crate::parse::dockerfile::Dockerfile)>,
    pub env_files: Vec<(FileId, Vec<crate::parse::envfile::Entry>)>,
    pub stack_values: Vec<kube::StackValues>,
    pub prom_configs: Vec<prometheus::PromConfig>,
    pub jobs: IdVec<JobId, prometheus::Job>,
    pub compose_services: Vec<prometheus::ComposeService>,
    /// Sorted by service (stable: file order within one), for `boot::decisive`.
    pub boot: Vec<boot::Observation>,
    /// Boot-time evidence that maps to no service.
    pub boot_unmapped: Vec<boot::Unmapped>,
    pub gaps: Vec<Gap>,
    pub parse_errors: Vec<ParseError>,
    /// Which image each module builds, and which module each Compose `build:` packages.
    pub images: image::Images,
    /// Scrape wiring beyond the core lists above (kustomize builds, Helm, Namespaces, ...).
    pub wiring: monitoring::Wiring,
}

impl Workspace {
    pub fn service_by_name(&self, name: &str) -> Option<ServiceId> {
        self.services.position(|s| s.name == name)
    }

    /// Config and CLI accept a service's name, directory name, Gradle path or module path.
    /// Nothing actuator-lint reads was found: no build, Kubernetes object, Compose file or
    /// Prometheus configuration, and no file that failed to parse as one.
    pub fn is_empty(&self) -> bool {
        self.modules.is_empty()
            && self.workloads.is_empty()
            && self.kube_services.is_empty()
            && self.monitors.is_empty()
            && self.prometheus_crs.is_empty()
            && self.stack_values.is_empty()
            && self.prom_configs.is_empty()
            && self.jobs.is_empty()
            && self.compose_services.is_empty()
            && self.parse_errors.is_empty()
    }

    /// Whether the Prometheus configuration `config` may be the one that scrapes the Kubernetes
    /// cluster: a pod in the repository runs it, or one of its jobs (or of the files it
    /// includes) discovers Kubernetes objects. A configuration that Compose runs, or that
    /// nothing in the repository runs, with only static, file, DNS or registry targets tells
    /// nothing about how the cluster's pods are scraped (a book's `docker/prometheus.yml` beside
    /// manifests whose cluster Prometheus comes from a chart installed elsewhere).
    pub fn may_scrape_cluster(&self, config: usize) -> bool {
        let root = |c: usize| self.prom_configs[c].parent.unwrap_or(c);
        let root_of_config = root(config);
        self.prom_configs[root_of_config].run_by_pod.is_some()
            || self.jobs.iter().any(|j| root(j.config) == root_of_config && !j.kube_sd.is_empty())
    }

    pub fn resolve_service(&self, key: &str) -> Option<ServiceId> {
        let key = key.trim();
        self.services.position(|s| {
            let m = &self.modules[s.module];
            s.name == key || m.gradle_path == key || m.dir == key.trim_end_matches('/') || m.dir.rsplit('/').next() == Some(key)
        })
    }
}

pub fn spanned<T>(value: T, span: Span) -> Spanned<T> {
    Spanned::new(value, span)
}
