//! Kubernetes objects: workloads with their containers and probes, Services, ConfigMaps,
//! Namespaces, ServiceMonitors, PodMonitors and Prometheus CRs. Dispatch is on `kind` (never on
//! the file name), for every API version a kind has had (`extensions/v1beta1` … `apps/v1`,
//! `batch/v1beta1` … `batch/v1`); `List` objects are unpacked.

use super::labels::LabelSelector;
use super::tree::SNode;
use crate::source::{FileId, Span, Spanned};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortRef {
    Number(i64),
    Name(String),
}

impl PortRef {
    fn from_node(n: &SNode) -> Option<PortRef> {
        let s = n.as_str()?;
        Some(match s.trim().parse::<i64>() {
            Ok(v) => PortRef::Number(v),
            Err(_) => PortRef::Name(s.to_string()),
        })
    }
    pub fn describe(&self) -> String {
        match self {
            PortRef::Number(n) => n.to_string(),
            PortRef::Name(s) => s.clone(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct ContainerPort {
    pub name: Option<String>,
    pub port: i64,
    /// The port's mapping.
    pub span: Span,
    pub name_span: Option<Span>,
    /// The `containerPort` value.
    pub port_span: Span,
}

#[derive(Clone, Debug)]
pub struct EnvVar {
    pub name: String,
    /// `None` for `valueFrom` (Secret/ConfigMap refs): unknown, not empty.
    pub value: Option<String>,
    pub span: Span,
    pub value_span: Span,
    /// Where a `valueFrom` value comes from (Spring config overlays read ConfigMaps in the repo).
    pub value_from: Option<ValueRef>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ProbeKind {
    Liveness,
    Readiness,
    Startup,
}

impl ProbeKind {
    pub fn key(self) -> &'static str {
        match self {
            ProbeKind::Liveness => "livenessProbe",
            ProbeKind::Readiness => "readinessProbe",
            ProbeKind::Startup => "startupProbe",
        }
    }
}

#[derive(Clone, Debug)]
pub enum Handler {
    HttpGet {
        path: Option<Spanned<String>>,
        port: Option<Spanned<PortRef>>,
        /// `HTTP` (default) or `HTTPS`.
        scheme: Option<Spanned<String>>,
        /// Another host than the pod's IP: the probe then checks something else.
        host: Option<String>,
        /// The `httpGet` mapping, where a missing `path:` or `scheme:` would go.
        span: Span,
    },
    TcpSocket {
        port: Option<Spanned<PortRef>>,
    },
    Grpc {
        /// An integer only: gRPC probes cannot use named ports (semantics §9.1).
        port: Option<Spanned<PortRef>>,
    },
    Exec {
        command: Vec<Spanned<String>>,
        /// The `curl`/`wget` calls the command makes.
        calls: Vec<super::exec::HttpCall>,
    },
    Unknown,
}

#[derive(Clone, Debug)]
pub struct Probe {
    pub kind: ProbeKind,
    /// The `livenessProbe:` key.
    pub key_span: Span,
    /// The probe's mapping.
    pub span: Span,
    pub handler: Handler,
    /// The handler entry (`httpGet:` … end of its value), to copy into a new probe.
    pub handler_span: Option<Span>,
    /// Numbers are read also when written as quoted strings (`"30"`).
    pub initial_delay: Option<Spanned<i64>>,
    pub period: Option<Spanned<i64>>,
    pub failure_threshold: Option<Spanned<i64>>,
    pub timeout: Option<Spanned<i64>>,
    /// Probe-level `terminationGracePeriodSeconds`: how long a killed container may take to
    /// stop. It does not move the kill decision (semantics §9.2).
    pub termination_grace: Option<Spanned<i64>>,
    /// Where `initialDelaySeconds` is written: key start to value end.
    pub initial_delay_entry: Option<Span>,
}

/// Kubernetes defaults and minimums (semantics §9.1); the fields are `int32`, so the window
/// arithmetic below cannot overflow.
impl Probe {
    const MAX: i64 = i32::MAX as i64;
    pub fn d(&self) -> i64 {
        self.initial_delay.as_ref().map_or(0, |v| v.value.clamp(0, Self::MAX))
    }
    pub fn p(&self) -> i64 {
        self.period.as_ref().map_or(10, |v| v.value.clamp(1, Self::MAX))
    }
    pub fn f(&self) -> i64 {
        self.failure_threshold.as_ref().map_or(3, |v| v.value.clamp(1, Self::MAX))
    }
    pub fn t(&self) -> i64 {
        self.timeout.as_ref().map_or(1, |v| v.value.clamp(1, Self::MAX))
    }
    /// Earliest kill: D + (F−1)·P (semantics §9.2): failures are immediate (connection
    /// refused while the app boots) and the first tick comes right at D.
    pub fn earliest_kill(&self) -> i64 {
        self.d() + (self.f() - 1) * self.p()
    }
    /// Latest kill: D + F·P + T. With `timeoutSeconds ≥ periodSeconds` hanging probes run back
    /// to back (the ticker buffers one tick), so after the first tick (at most D + P) each of
    /// the F probes takes T: D + P + F·T (semantics §9.2, inferred from `time.Ticker`).
    pub fn latest_kill(&self) -> i64 {
        if self.t() >= self.p() {
            self.d() + self.p() + self.f() * self.t()
        } else {
            self.d() + self.f() * self.p() + self.t()
        }
    }
}

#[derive(Clone, Debug)]
pub struct Container {
    pub name: Spanned<String>,
    pub image: Option<Spanned<String>>,
    pub ports: Vec<ContainerPort>,
    pub env: Vec<EnvVar>,
    pub args: Vec<Spanned<String>>,
    pub probes: Vec<Probe>,
    /// The container's mapping.
    pub span: Span,
    /// The `ports:` list, when there is one (where a port would be added).
    pub ports_span: Option<Span>,
    pub env_from: Vec<EnvFrom>,
    pub command: Vec<Spanned<String>>,
    pub volume_mounts: Vec<VolumeMount>,
    pub working_dir: Option<String>,
}

impl Container {
    pub fn probe(&self, kind: ProbeKind) -> Option<&Probe> {
        self.probes.iter().find(|p| p.kind == kind)
    }
    /// Image name without registry, tag or digest: `registry/x/order-service:1.2` → `order-service`.
    pub fn image_name(&self) -> Option<&str> {
        let img = self.image.as_ref()?.value.as_str();
        let no_digest = img.split('@').next().unwrap_or(img);
        let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
        Some(last.split(':').next().unwrap_or(last))
    }
    pub fn port_named(&self, name: &str) -> Option<&ContainerPort> {
        self.ports.iter().find(|p| p.name.as_deref() == Some(name))
    }
}

/// One annotation, with where its key and value are written.
#[derive(Clone, Debug)]
pub struct Annotation {
    pub key: String,
    pub value: String,
    pub key_span: Span,
    pub value_span: Span,
    /// A plain YAML scalar: `true`/`8080` unquoted are not strings to the API server.
    pub plain: bool,
}

impl Annotation {
    pub fn entry_span(&self) -> Span {
        Span::new(self.key_span.file, self.key_span.start..self.value_span.end.max(self.key_span.end))
    }
}

fn annotations(n: &SNode) -> Vec<Annotation> {
    n.as_map()
        .iter()
        .filter_map(|(k, v)| {
            Some(Annotation {
                key: k.as_string()?,
                value: v.as_string().unwrap_or_default(),
                key_span: k.span,
                value_span: v.span,
                plain: v.is_plain(),
            })
        })
        .collect()
}

/// Where an object came from when it was not read verbatim from one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    /// Objects of one kustomize build link only with each other (and with plain files).
    pub group: Option<usize>,
    /// `kustomize build overlays/prod`, `--manifests <stdin>`.
    pub via: Option<String>,
}

impl Origin {
    pub fn compatible(&self, other: &Origin) -> bool {
        match (self.group, other.group) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
    }
    pub fn suffix(&self) -> String {
        self.via.as_ref().map(|v| format!(" (from {v})")).unwrap_or_default()
    }
}

#[derive(Clone, Debug)]
pub struct Workload {
    pub kind: String,
    pub name: Spanned<String>,
    pub namespace: String,
    pub labels: Vec<(String, String)>,
    pub pod_labels: Vec<(String, String)>,
    pub pod_annotations: Vec<(String, String)>,
    pub containers: Vec<Container>,
    pub file: FileId,
    /// `metadata.annotations` of the workload itself (not read by any Prometheus role).
    pub meta_annotations: Vec<Annotation>,
    /// `metadata.annotations` of the pod template, with spans.
    pub pod_annotation_entries: Vec<Annotation>,
    /// The pod template's `metadata` mapping (or the template when it has none).
    pub pod_meta_span: Span,
    /// The pod template's `annotations` mapping, when present.
    pub pod_annotations_span: Option<Span>,
    pub origin: Origin,
    /// Pod volumes backed by ConfigMaps (Spring config can be mounted from them).
    pub volumes: Vec<PodVolume>,
}

impl Workload {
    pub fn describe(&self) -> String {
        format!("{} `{}`", self.kind, self.name.value)
    }
}

#[derive(Clone, Debug)]
pub struct ServicePort {
    pub name: Option<Spanned<String>>,
    pub port: i64,
    pub target_port: Option<Spanned<PortRef>>,
    /// The port's mapping; its start is where a `name:` key would go.
    pub span: Span,
    /// The `port` value.
    pub port_span: Option<Span>,
}

impl ServicePort {
    pub fn describe(&self) -> String {
        match &self.name {
            Some(n) => format!("`{}` ({})", n.value, self.port),
            None => format!("{}", self.port),
        }
    }
}

#[derive(Clone, Debug)]
pub struct KubeService {
    pub name: Spanned<String>,
    pub namespace: String,
    pub labels: Vec<(String, String)>,
    pub selector: Option<LabelSelector>,
    pub ports: Vec<ServicePort>,
    pub cluster_ip: Option<String>,
    pub file: FileId,
    pub annotations: Vec<Annotation>,
    /// `metadata` mapping.
    pub meta_span: Span,
    pub origin: Origin,
}

impl KubeService {
    /// `clusterIP: None`: DNS returns the pod IPs, so a client reaches container ports directly.
    pub fn headless(&self) -> bool {
        self.cluster_ip.as_deref() == Some("None")
    }
}

/// A ConfigMap in the repository (a manifest, a kustomize build or `--manifests`): its `data`
/// entries with spans. Values may be whole Spring or Prometheus config files.
#[derive(Clone, Debug)]
pub struct ConfigMap {
    pub name: Spanned<String>,
    pub namespace: String,
    pub data: Vec<ConfigMapEntry>,
    /// The file of the object itself; an entry's value may live elsewhere (a kustomize
    /// `configMapGenerator` file or patch), see `ConfigMapEntry::value_node`.
    pub file: FileId,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub struct ConfigMapEntry {
    pub key: Spanned<String>,
    /// The value as a string (empty when it is not a scalar).
    pub value: String,
    /// The value node, carrying its own file (a block scalar for embedded files).
    pub value_node: SNode,
}

impl ConfigMap {
    /// Last entry wins, as in the API server's decoder.
    pub fn get(&self, key: &str) -> Option<&ConfigMapEntry> {
        self.data.iter().rev().find(|e| e.key.value == key)
    }
}

fn config_map(root: &SNode, name: Spanned<String>, namespace: String, origin: &Origin) -> ConfigMap {
    let data = root
        .at("data")
        .as_map()
        .iter()
        .filter_map(|(k, v)| {
            Some(ConfigMapEntry {
                key: string(k)?,
                value: v.as_string().unwrap_or_default(),
                value_node: v.clone(),
            })
        })
        .collect();
    ConfigMap {
        name,
        namespace,
        data,
        file: root.file(),
        origin: origin.clone(),
    }
}

#[derive(Clone, Debug)]
pub struct NamespaceObject {
    pub name: Spanned<String>,
    pub labels: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NamespaceScope {
    Any,
    Names(Vec<String>),
    /// Absent `namespaceSelector`: the monitor's own namespace.
    Own,
}

#[derive(Clone, Debug)]
pub struct MonitorEndpoint {
    /// ServiceMonitor: a Service port name; PodMonitor: a container port name.
    pub port: Option<Spanned<String>>,
    /// ServiceMonitor: container port (name or number); PodMonitor: deprecated since v0.63.
    pub target_port: Option<Spanned<PortRef>>,
    /// PodMonitor `portNumber` (v0.79+).
    pub port_number: Option<Spanned<i64>>,
    pub path: Option<Spanned<String>>,
    pub scheme: Option<Spanned<String>>,
    pub span: Span,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum MonitorKind {
    Service,
    Pod,
}

#[derive(Clone, Debug)]
pub struct Monitor {
    pub kind: MonitorKind,
    pub name: Spanned<String>,
    pub namespace: String,
    pub labels: Vec<(String, String)>,
    /// `metadata.labels` (or `metadata` when there are none): where a label would be added.
    pub labels_span: Span,
    /// True when `labels_span` is the `labels` mapping itself.
    pub has_labels_map: bool,
    /// Where each label's value is written.
    pub label_values: Vec<(String, Span)>,
    pub selector: LabelSelector,
    pub namespace_scope: NamespaceScope,
    pub endpoints: Vec<MonitorEndpoint>,
    pub file: FileId,
    pub origin: Origin,
}

impl Monitor {
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            MonitorKind::Service => "ServiceMonitor",
            MonitorKind::Pod => "PodMonitor",
        }
    }
    pub fn watches_namespace(&self, ns: &str) -> bool {
        match &self.namespace_scope {
            NamespaceScope::Any => true,
            NamespaceScope::Names(n) => n.iter().any(|x| x == ns),
            NamespaceScope::Own => self.namespace == ns,
        }
    }
}

#[derive(Clone, Debug)]
pub struct PrometheusCr {
    pub name: Spanned<String>,
    pub namespace: String,
    /// `None` = null selector = selects nothing; `Some(empty)` selects all.
    pub service_monitor_selector: Option<LabelSelector>,
    pub service_monitor_ns_selector: Option<LabelSelector>,
    pub pod_monitor_selector: Option<LabelSelector>,
    pub pod_monitor_ns_selector: Option<LabelSelector>,
    pub ignore_namespace_selectors: bool,
    pub span: Span,
    /// `additionalScrapeConfigs` (a Secret): jobs the repository may not show.
    pub additional_scrape_configs: Option<Span>,
    pub origin: Origin,
}

/// kube-prometheus-stack values: decide the rendered Prometheus CR's selectors (semantics §8).
#[derive(Clone, Debug)]
pub struct StackValues {
    pub file: FileId,
    pub span: Span,
    /// The effective selector; `None` means "the `release: <release>` label" default.
    pub service_monitor_selector: Option<LabelSelector>,
    pub pod_monitor_selector: Option<LabelSelector>,
    /// The Helm release name, when a HelmRelease / Argo CD Application / helmfile says.
    pub release: Option<Spanned<String>>,
    /// `prometheus.prometheusSpec.additionalScrapeConfigs`, read as scrape jobs.
    pub additional_scrape_configs: Option<SNode>,
}

/// IANA_SVC_NAME (semantics §9.3): ≤ 15 of `[-a-z0-9]`, a letter, no edge or double hyphen.
pub fn valid_port_name(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 15
        && n.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && n.chars().any(|c| c.is_ascii_lowercase())
        && !n.starts_with('-')
        && !n.ends_with('-')
        && !n.contains("--")
}

fn int(n: &SNode) -> Option<Spanned<i64>> {
    n.as_i64().map(|v| Spanned::new(v, n.span))
}

fn string(n: &SNode) -> Option<Spanned<String>> {
    n.spanned_string()
}

fn port_ref(n: &SNode) -> Option<Spanned<PortRef>> {
    PortRef::from_node(n).map(|v| Spanned::new(v, n.span))
}

fn probe(kind: ProbeKind, key: &SNode, n: &SNode, env: &[(String, String)]) -> Probe {
    let handler = if let Some(h) = n.get("httpGet") {
        Handler::HttpGet {
            path: string(h.at("path")),
            port: port_ref(h.at("port")),
            scheme: string(h.at("scheme")),
            host: h.at("host").as_string().filter(|s| !s.trim().is_empty()),
            span: h.span,
        }
    } else if let Some(h) = n.get("tcpSocket") {
        Handler::TcpSocket {
            port: port_ref(h.at("port")),
        }
    } else if let Some(h) = n.get("grpc") {
        let p = h.at("port");
        Handler::Grpc {
            port: p.as_str().map(|s| {
                let v = match s.trim().parse::<i64>() {
                    Ok(v) if p.is_plain() => PortRef::Number(v),
                    _ => PortRef::Name(s.to_string()),
                };
                Spanned::new(v, p.span)
            }),
        }
    } else if let Some(h) = n.get("exec") {
        let command: Vec<Spanned<String>> = h.at("command").as_seq().iter().filter_map(string).collect();
        let calls = super::exec::http_calls(&command, env);
        Handler::Exec { command, calls }
    } else {
        Handler::Unknown
    };
    let handler_span = ["httpGet", "tcpSocket", "grpc", "exec"].iter().find_map(|k| n.entry_span(k));
    Probe {
        kind,
        key_span: key.span,
        span: n.span,
        handler,
        handler_span,
        initial_delay: int(n.at("initialDelaySeconds")),
        period: int(n.at("periodSeconds")),
        failure_threshold: int(n.at("failureThreshold")),
        timeout: int(n.at("timeoutSeconds")),
        termination_grace: int(n.at("terminationGracePeriodSeconds")),
        initial_delay_entry: n.entry_span("initialDelaySeconds"),
    }
}

fn container(n: &SNode) -> Container {
    let ports = n
        .at("ports")
        .as_seq()
        .iter()
        .filter_map(|p| {
            let cp = p.get("containerPort")?;
            Some(ContainerPort {
                name: p.at("name").as_string(),
                port: cp.as_i64()?,
                span: p.span,
                name_span: p.get("name").filter(|x| !x.is_null()).map(|x| x.span),
                port_span: cp.span,
            })
        })
        .collect();
    let env: Vec<EnvVar> = n
        .at("env")
        .as_seq()
        .iter()
        .filter_map(|e| {
            let name = e.at("name").as_string()?;
            let value = if e.get("valueFrom").is_some() {
                None
            } else {
                Some(e.at("value").as_string().unwrap_or_default())
            };
            let value_node = e.get("value").unwrap_or(e);
            Some(EnvVar {
                name,
                value,
                span: e.span,
                value_span: value_node.span,
                value_from: e.get("valueFrom").map(value_ref),
            })
        })
        .collect();
    let args = n.at("args").as_seq().iter().filter_map(string).collect();
    // `exec` probes may use `$SERVER_PORT` and the like from the container's own env.
    let literal_env: Vec<(String, String)> = env.iter().filter_map(|e| Some((e.name.clone(), e.value.clone()?))).collect();
    let probes = [ProbeKind::Liveness, ProbeKind::Readiness, ProbeKind::Startup]
        .into_iter()
        .filter_map(|k| {
            n.entry(k.key())
                .filter(|(_, v)| v.is_map())
                .map(|(key, v)| probe(k, key, v, &literal_env))
        })
        .collect();
    Container {
        name: string(n.at("name")).unwrap_or_else(|| Spanned::new(String::new(), n.span)),
        image: string(n.at("image")),
        ports,
        env,
        args,
        probes,
        span: n.span,
        ports_span: n.get("ports").filter(|p| p.is_seq()).map(|p| p.span),
        env_from: env_from(n.at("envFrom")),
        command: n.at("command").as_seq().iter().filter_map(string).collect(),
        volume_mounts: volume_mounts(n.at("volumeMounts")),
        working_dir: n.at("workingDir").as_string(),
    }
}

/// The pod template (`metadata`, `spec`) of any workload kind.
fn pod_template<'a>(kind: &str, root: &'a SNode) -> Option<&'a SNode> {
    let spec = root.get("spec")?;
    match kind {
        "Pod" => Some(root),
        "CronJob" => spec.path(&["jobTemplate", "spec", "template"]),
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" | "ReplicationController" | "Rollout" | "DeploymentConfig" => {
            spec.get("template")
        }
        _ => None,
    }
}

#[derive(Default)]
pub struct KubeObjects {
    pub workloads: Vec<Workload>,
    pub services: Vec<KubeService>,
    pub monitors: Vec<Monitor>,
    pub prometheus_crs: Vec<PrometheusCr>,
    pub config_maps: Vec<ConfigMap>,
    pub namespaces: Vec<NamespaceObject>,
}

impl KubeObjects {
    /// Appends `other`'s objects after this one's (objects do not refer to each other by index).
    pub fn append(&mut self, mut other: KubeObjects) {
        self.workloads.append(&mut other.workloads);
        self.services.append(&mut other.services);
        self.monitors.append(&mut other.monitors);
        self.prometheus_crs.append(&mut other.prometheus_crs);
        self.config_maps.append(&mut other.config_maps);
        self.namespaces.append(&mut other.namespaces);
    }
}

/// `apiVersion` + `kind`: what makes a YAML document a Kubernetes object.
pub fn is_object(root: &SNode) -> bool {
    root.at("kind").as_str().is_some() && root.at("apiVersion").as_str().is_some()
}

/// `(kind, namespace, name)`, to let rendered manifests replace repo objects.
pub fn identity(root: &SNode, default_ns: &str) -> Option<(String, String, String)> {
    let kind = root.at("kind").as_str()?;
    let meta = root.at("metadata");
    Some((
        kind.to_string(),
        meta.at("namespace").as_string().unwrap_or_else(|| default_ns.to_string()),
        meta.at("name").as_string().unwrap_or_default(),
    ))
}

/// Reads one document if it is a Kubernetes object; returns whether it was one.
pub fn read_object(root: &SNode, default_ns: &str, origin: &Origin, out: &mut KubeObjects) -> bool {
    read_object_at(root, default_ns, origin, out, 0)
}

fn read_object_at(root: &SNode, default_ns: &str, origin: &Origin, out: &mut KubeObjects, depth: usize) -> bool {
    let (Some(kind), Some(api)) = (root.at("kind").as_str(), root.at("apiVersion").as_str()) else {
        return false;
    };
    if kind.ends_with("List") && root.get("items").is_some() {
        if depth < 4 {
            for item in root.at("items").as_seq() {
                read_object_at(item, default_ns, origin, out, depth + 1);
            }
        }
        return true;
    }
    let Some(meta) = root.get("metadata") else {
        return true;
    };
    let name = string(meta.at("name")).unwrap_or_else(|| Spanned::new(String::new(), meta.span));
    let namespace = meta.at("namespace").as_string().unwrap_or_else(|| default_ns.to_string());
    let labels = meta.at("labels").string_map();
    let monitoring = api.starts_with("monitoring.coreos.com/");
    match kind {
        "Service" => {
            let spec = root.at("spec");
            let ports = spec
                .at("ports")
                .as_seq()
                .iter()
                .map(|p| ServicePort {
                    name: string(p.at("name")),
                    port: p.at("port").as_i64().unwrap_or(0),
                    target_port: port_ref(p.at("targetPort")),
                    span: p.span,
                    port_span: p.get("port").map(|x| x.span),
                })
                .collect();
            out.services.push(KubeService {
                name,
                namespace,
                labels,
                selector: spec.get("selector").filter(|s| s.is_map()).map(LabelSelector::from_map),
                ports,
                cluster_ip: spec.at("clusterIP").as_string(),
                file: root.file(),
                annotations: annotations(meta.at("annotations")),
                meta_span: meta.span,
                origin: origin.clone(),
            });
        }
        "ConfigMap" => out.config_maps.push(config_map(root, name, namespace, origin)),
        "Namespace" => out.namespaces.push(NamespaceObject { name, labels }),
        "ServiceMonitor" | "PodMonitor" if monitoring => {
            let spec = root.at("spec");
            let mkind = if kind == "ServiceMonitor" {
                MonitorKind::Service
            } else {
                MonitorKind::Pod
            };
            let eps_key = if mkind == MonitorKind::Service {
                "endpoints"
            } else {
                "podMetricsEndpoints"
            };
            let ns_sel = spec.at("namespaceSelector");
            let namespace_scope = if ns_sel.at("any").as_bool() == Some(true) {
                NamespaceScope::Any
            } else if let Some(names) = ns_sel.get("matchNames").filter(|n| n.is_seq()) {
                NamespaceScope::Names(names.as_seq().iter().filter_map(|n| n.as_string()).collect())
            } else {
                NamespaceScope::Own
            };
            let endpoints = spec
                .at(eps_key)
                .as_seq()
                .iter()
                .map(|e| MonitorEndpoint {
                    port: string(e.at("port")),
                    target_port: port_ref(e.at("targetPort")),
                    port_number: int(e.at("portNumber")),
                    path: string(e.at("path")),
                    scheme: string(e.at("scheme")),
                    span: e.span,
                })
                .collect();
            let labels_map = meta.get("labels").filter(|l| l.is_map() && !l.as_map().is_empty());
            // Without `spec` the selector is the object itself: it must still point somewhere.
            let selector_node = spec.get("selector").or_else(|| root.get("spec")).unwrap_or(root);
            out.monitors.push(Monitor {
                kind: mkind,
                name,
                namespace,
                labels,
                labels_span: labels_map.map_or(meta.span, |l| l.span),
                has_labels_map: labels_map.is_some(),
                label_values: labels_map
                    .map(|l| l.as_map().iter().filter_map(|(k, v)| Some((k.as_string()?, v.span))).collect())
                    .unwrap_or_default(),
                selector: LabelSelector::from_node(selector_node),
                namespace_scope,
                endpoints,
                file: root.file(),
                origin: origin.clone(),
            });
        }
        "Prometheus" if monitoring => {
            let spec = root.at("spec");
            let sel = |k: &str| spec.get(k).filter(|n| !n.is_null()).map(LabelSelector::from_node);
            out.prometheus_crs.push(PrometheusCr {
                name,
                namespace,
                service_monitor_selector: sel("serviceMonitorSelector"),
                service_monitor_ns_selector: sel("serviceMonitorNamespaceSelector"),
                pod_monitor_selector: sel("podMonitorSelector"),
                pod_monitor_ns_selector: sel("podMonitorNamespaceSelector"),
                ignore_namespace_selectors: spec.at("ignoreNamespaceSelectors").as_bool() == Some(true),
                span: root.span,
                additional_scrape_configs: spec.get("additionalScrapeConfigs").filter(|n| !n.is_null()).map(|n| n.span),
                origin: origin.clone(),
            });
        }
        _ => {
            let Some(tmpl) = pod_template(kind, root) else {
                return true;
            };
            let pod_meta = tmpl.get("metadata");
            let pod_spec = tmpl.at("spec");
            let containers = pod_spec.at("containers").as_seq().iter().map(container).collect();
            let pod_ann = pod_meta.and_then(|m| m.get("annotations")).filter(|a| a.is_map());
            out.workloads.push(Workload {
                kind: kind.to_string(),
                name,
                namespace,
                labels,
                pod_labels: pod_meta.map(|m| m.at("labels").string_map()).unwrap_or_default(),
                pod_annotations: pod_ann.map(|a| a.string_map()).unwrap_or_default(),
                containers,
                file: root.file(),
                // A bare Pod's own metadata *is* the pod's.
                meta_annotations: if kind == "Pod" {
                    vec![]
                } else {
                    annotations(meta.at("annotations"))
                },
                pod_annotation_entries: pod_ann.map(annotations).unwrap_or_default(),
                pod_meta_span: pod_meta.map_or(tmpl.span, |m| m.span),
                pod_annotations_span: pod_ann.map(|a| a.span),
                origin: origin.clone(),
                volumes: pod_volumes(pod_spec.at("volumes")),
            });
        }
    }
    true
}

/// kube-prometheus-stack values: `prometheus.prometheusSpec.serviceMonitorSelector[NilUsesHelmValues]`
/// at the root, or under the dependency key of an umbrella chart (`kube-prometheus-stack:`).
pub fn read_stack_values(root: &SNode, alias: Option<&str>) -> Option<StackValues> {
    let base = match alias {
        Some(a) => root.get(a)?,
        None => root,
    };
    let spec = base.at("prometheus").get("prometheusSpec").filter(|s| s.is_map())?;
    let effective = |sel: &str, nil: &str| {
        let selector = spec.get(sel).filter(|n| !n.is_null()).map(LabelSelector::from_node);
        let nil_uses_helm = spec.at(nil).as_bool().unwrap_or(true);
        match selector {
            Some(s) if !s.is_empty() => Some(s),
            // An empty selector with NilUsesHelmValues=false renders `{}`: every monitor.
            _ if !nil_uses_helm => Some(LabelSelector {
                match_labels: vec![],
                match_expressions: vec![],
                value_spans: vec![],
                span: spec.entry_span(nil).unwrap_or(spec.span),
            }),
            _ => None,
        }
    };
    Some(StackValues {
        file: root.file(),
        span: spec.span,
        service_monitor_selector: effective("serviceMonitorSelector", "serviceMonitorSelectorNilUsesHelmValues"),
        pod_monitor_selector: effective("podMonitorSelector", "podMonitorSelectorNilUsesHelmValues"),
        release: None,
        additional_scrape_configs: spec.get("additionalScrapeConfigs").filter(|n| n.is_seq()).cloned(),
    })
}

/// A `valueFrom` reference of a container env var.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueRef {
    ConfigMap {
        name: String,
        key: String,
        optional: bool,
    },
    Secret {
        name: String,
        key: String,
    },
    /// `fieldRef`, `resourceFieldRef`: known to the kubelet only.
    Other(String),
}

fn value_ref(n: &SNode) -> ValueRef {
    let key_ref = |k: &str| {
        n.get(k).map(|r| {
            (
                r.at("name").as_string().unwrap_or_default(),
                r.at("key").as_string().unwrap_or_default(),
                r,
            )
        })
    };
    if let Some((name, key, r)) = key_ref("configMapKeyRef") {
        ValueRef::ConfigMap {
            name,
            key,
            optional: r.at("optional").as_bool() == Some(true),
        }
    } else if let Some((name, key, _)) = key_ref("secretKeyRef") {
        ValueRef::Secret { name, key }
    } else {
        ValueRef::Other(n.as_map().first().and_then(|(k, _)| k.as_string()).unwrap_or_default())
    }
}

/// One `envFrom` entry: every key of a ConfigMap or Secret becomes an env var.
#[derive(Clone, Debug)]
pub struct EnvFrom {
    pub secret: bool,
    pub name: String,
    pub prefix: String,
    pub optional: bool,
    pub span: Span,
}

fn env_from(n: &SNode) -> Vec<EnvFrom> {
    n.as_seq()
        .iter()
        .filter_map(|e| {
            let (secret, r) = match (e.get("configMapRef"), e.get("secretRef")) {
                (Some(r), _) => (false, r),
                (None, Some(r)) => (true, r),
                _ => return None,
            };
            Some(EnvFrom {
                secret,
                name: r.at("name").as_string().unwrap_or_default(),
                prefix: e.at("prefix").as_string().unwrap_or_default(),
                optional: r.at("optional").as_bool() == Some(true),
                span: e.span,
            })
        })
        .collect()
}

#[derive(Clone, Debug)]
pub struct VolumeMount {
    pub name: String,
    pub mount_path: String,
    pub sub_path: Option<String>,
    pub span: Span,
}

fn volume_mounts(n: &SNode) -> Vec<VolumeMount> {
    n.as_seq()
        .iter()
        .filter_map(|m| {
            Some(VolumeMount {
                name: m.at("name").as_string()?,
                mount_path: m.at("mountPath").as_string()?,
                sub_path: m.at("subPath").as_string().filter(|s| !s.is_empty()),
                span: m.span,
            })
        })
        .collect()
}

/// A pod volume that projects ConfigMap keys as files (`configMap`, or `projected` sources).
#[derive(Clone, Debug)]
pub struct PodVolume {
    pub name: String,
    /// (ConfigMap name, `items` as (key, path); empty = every key under its own name).
    pub config_maps: Vec<(String, Vec<(String, String)>)>,
    /// Other sources (Secrets, emptyDir, PVCs…): their files are unknown.
    pub other: bool,
    pub span: Span,
}

fn pod_volumes(n: &SNode) -> Vec<PodVolume> {
    let items = |cm: &SNode| -> Vec<(String, String)> {
        cm.at("items")
            .as_seq()
            .iter()
            .filter_map(|i| Some((i.at("key").as_string()?, i.at("path").as_string()?)))
            .collect()
    };
    n.as_seq()
        .iter()
        .filter_map(|v| {
            let name = v.at("name").as_string()?;
            let mut config_maps = Vec::new();
            let mut other = false;
            if let Some(cm) = v.get("configMap") {
                config_maps.push((cm.at("name").as_string().unwrap_or_default(), items(cm)));
            } else if let Some(p) = v.get("projected") {
                for s in p.at("sources").as_seq() {
                    match s.get("configMap") {
                        Some(cm) => config_maps.push((cm.at("name").as_string().unwrap_or_default(), items(cm))),
                        None => other = true,
                    }
                }
            } else {
                other = true;
            }
            Some(PodVolume {
                name,
                config_maps,
                other,
                span: v.span,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml::{parse, Limits};

    fn objects(text: &str) -> KubeObjects {
        let (docs, err) = parse(text, FileId(0), &Limits::default());
        assert!(err.is_none());
        let mut out = KubeObjects::default();
        for d in &docs {
            read_object(&d.root, "default", &Origin::default(), &mut out);
        }
        out
    }

    #[test]
    fn every_workload_kind_and_lists() {
        let o = objects(
            "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        metadata: {labels: {app: c}}\n        spec:\n          containers: [{name: c, image: c:1}]\n---\napiVersion: v1\nkind: List\nitems:\n  - apiVersion: extensions/v1beta1\n    kind: Deployment\n    metadata: {name: d, namespace: x, annotations: {prometheus.io/scrape: 'true'}}\n    spec:\n      template:\n        spec:\n          containers: [{name: d, ports: [{containerPort: 8080, name: http}]}]\n",
        );
        assert_eq!(o.workloads.len(), 2);
        assert_eq!(o.workloads[0].pod_labels, vec![("app".to_string(), "c".to_string())]);
        assert_eq!(o.workloads[1].namespace, "x");
        assert_eq!(o.workloads[1].meta_annotations[0].key, "prometheus.io/scrape");
        assert_eq!(o.workloads[1].containers[0].port_named("http").map(|p| p.port), Some(8080));
    }

    #[test]
    fn container_env_sources_volumes_probes_and_config_maps() {
        let o = objects(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata:\n  A: x\n  application.yml: |\n    server:\n      port: 8081\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      volumes:\n        - name: conf\n          configMap: {name: cfg, items: [{key: application.yml, path: application.yml}]}\n        - name: s\n          secret: {secretName: x}\n      containers:\n        - name: d\n          command: [java]\n          workingDir: /app\n          envFrom: [{configMapRef: {name: cfg}, prefix: P_}, {secretRef: {name: sec}}]\n          env:\n            - {name: SERVER_PORT, value: '8081'}\n            - name: K\n              valueFrom: {configMapKeyRef: {name: cfg, key: A}}\n          volumeMounts: [{name: conf, mountPath: /config}]\n          livenessProbe:\n            exec: {command: [sh, -c, 'curl -f http://localhost:$SERVER_PORT/actuator/health']}\n            terminationGracePeriodSeconds: 5\n          readinessProbe:\n            httpGet: {path: /r, port: 8081, scheme: HTTPS}\n",
        );
        let cm = &o.config_maps[0];
        assert_eq!(cm.get("A").map(|e| e.value.as_str()), Some("x"));
        assert!(cm.get("application.yml").is_some_and(|e| e.value.contains("port: 8081")));
        let w = &o.workloads[0];
        assert_eq!(w.volumes.len(), 2);
        assert_eq!(w.volumes[0].config_maps[0].0, "cfg");
        assert!(w.volumes[1].other);
        let c = &w.containers[0];
        assert_eq!(c.command[0].value, "java");
        assert_eq!(c.working_dir.as_deref(), Some("/app"));
        assert_eq!(c.env_from.len(), 2);
        assert!(c.env_from[1].secret);
        assert_eq!(c.volume_mounts[0].mount_path, "/config");
        assert!(matches!(&c.env[1].value_from, Some(ValueRef::ConfigMap { name, key, .. }) if name == "cfg" && key == "A"));
        let live = c.probe(ProbeKind::Liveness).unwrap();
        assert_eq!(live.termination_grace.as_ref().map(|v| v.value), Some(5));
        assert!(matches!(&live.handler, Handler::Exec { calls, .. } if calls.len() == 1));
        let ready = c.probe(ProbeKind::Readiness).unwrap();
        assert!(matches!(&ready.handler, Handler::HttpGet { scheme: Some(s), .. } if s.value == "HTTPS"));
    }

    #[test]
    fn monitor_ports_and_prometheus_selectors() {
        let o = objects(
            "apiVersion: monitoring.coreos.com/v1\nkind: PodMonitor\nmetadata: {name: p}\nspec:\n  selector: {matchExpressions: [{key: app, operator: In, values: [a]}]}\n  podMetricsEndpoints: [{portNumber: 8081}]\n---\napiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: k}\nspec:\n  serviceMonitorSelector: {}\n  podMonitorSelector: null\n",
        );
        assert_eq!(o.monitors[0].endpoints[0].port_number.as_ref().map(|p| p.value), Some(8081));
        assert_eq!(o.monitors[0].selector.matches(&[("app".into(), "a".into())]), Some(true));
        assert!(o.prometheus_crs[0].service_monitor_selector.as_ref().is_some_and(|s| s.is_empty()));
        assert!(o.prometheus_crs[0].pod_monitor_selector.is_none());
    }
}
