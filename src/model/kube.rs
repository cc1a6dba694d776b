//! Kubernetes objects: workloads with their containers and probes, Services, ServiceMonitors,
//! PodMonitors, Prometheus CRs and kube-prometheus-stack values. Dispatch is on `kind`.

use super::labels::LabelSelector;
use crate::parse::yaml::{Document, Node};
use crate::source::{FileId, Span, Spanned};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortRef {
    Number(i64),
    Name(String),
}

impl PortRef {
    fn from_node(n: &Node) -> Option<PortRef> {
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
    pub span: Span,
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
    pub port: Option<Spanned<String>>,
    pub target_port: Option<Spanned<PortRef>>,
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
    pub selector: LabelSelector,
    pub namespace_scope: NamespaceScope,
    pub endpoints: Vec<MonitorEndpoint>,
    pub file: FileId,
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
}

/// kube-prometheus-stack `values*.yaml`: decides the rendered Prometheus CR's selectors
/// (semantics §8).
#[derive(Clone, Debug)]
pub struct StackValues {
    pub file: FileId,
    pub span: Span,
    /// The effective selector; `None` means "the `release: <release>` label" default.
    pub service_monitor_selector: Option<LabelSelector>,
    pub pod_monitor_selector: Option<LabelSelector>,
}

fn int(n: &Node, file: FileId) -> Option<Spanned<i64>> {
    n.as_i64().map(|v| Spanned::new(v, Span::new(file, n.span.clone())))
}

fn string(n: &Node, file: FileId) -> Option<Spanned<String>> {
    n.as_string().map(|v| Spanned::new(v, Span::new(file, n.span.clone())))
}

fn port_ref(n: &Node, file: FileId) -> Option<Spanned<PortRef>> {
    PortRef::from_node(n).map(|v| Spanned::new(v, Span::new(file, n.span.clone())))
}

fn probe(kind: ProbeKind, key: &Node, n: &Node, file: FileId, env: &[(String, String)]) -> Probe {
    let handler = if let Some(h) = n.get("httpGet") {
        Handler::HttpGet {
            path: string(h.at("path"), file),
            port: port_ref(h.at("port"), file),
            scheme: string(h.at("scheme"), file),
            host: h.at("host").as_string().filter(|s| !s.trim().is_empty()),
            span: Span::new(file, h.span.clone()),
        }
    } else if let Some(h) = n.get("tcpSocket") {
        Handler::TcpSocket {
            port: port_ref(h.at("port"), file),
        }
    } else if let Some(h) = n.get("grpc") {
        Handler::Grpc {
            port: h.at("port").as_str().map(|s| {
                let plain = h.at("port").style() == Some(crate::parse::yaml::Style::Plain);
                let v = match s.trim().parse::<i64>() {
                    Ok(v) if plain => PortRef::Number(v),
                    _ => PortRef::Name(s.to_string()),
                };
                Spanned::new(v, Span::new(file, h.at("port").span.clone()))
            }),
        }
    } else if let Some(h) = n.get("exec") {
        let command: Vec<Spanned<String>> = h.at("command").as_seq().iter().filter_map(|c| string(c, file)).collect();
        let calls = super::exec::http_calls(&command, env);
        Handler::Exec { command, calls }
    } else {
        Handler::Unknown
    };
    let handler_span = ["httpGet", "tcpSocket", "grpc", "exec"]
        .iter()
        .find_map(|k| n.entry(k))
        .map(|(k, v)| Span::new(file, k.span.start..v.span.end));
    let initial_delay_entry = n
        .entry("initialDelaySeconds")
        .map(|(k, v)| Span::new(file, k.span.start..v.span.end));
    Probe {
        kind,
        key_span: Span::new(file, key.span.clone()),
        span: Span::new(file, n.span.clone()),
        handler,
        handler_span,
        initial_delay: int(n.at("initialDelaySeconds"), file),
        period: int(n.at("periodSeconds"), file),
        failure_threshold: int(n.at("failureThreshold"), file),
        timeout: int(n.at("timeoutSeconds"), file),
        termination_grace: int(n.at("terminationGracePeriodSeconds"), file),
        initial_delay_entry,
    }
}

fn container(n: &Node, file: FileId) -> Container {
    let ports = n
        .at("ports")
        .as_seq()
        .iter()
        .filter_map(|p| {
            Some(ContainerPort {
                name: p.at("name").as_string(),
                port: p.at("containerPort").as_i64()?,
                span: Span::new(file, p.span.clone()),
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
                span: Span::new(file, e.span.clone()),
                value_span: Span::new(file, value_node.span.clone()),
                value_from: e.get("valueFrom").map(value_ref),
            })
        })
        .collect();
    let args = n.at("args").as_seq().iter().filter_map(|a| string(a, file)).collect();
    // `exec` probes may use `$SERVER_PORT` and the like from the container's own env.
    let literal_env: Vec<(String, String)> = env.iter().filter_map(|e| Some((e.name.clone(), e.value.clone()?))).collect();
    let probes = [ProbeKind::Liveness, ProbeKind::Readiness, ProbeKind::Startup]
        .into_iter()
        .filter_map(|k| {
            n.entry(k.key())
                .filter(|(_, v)| v.is_map())
                .map(|(key, v)| probe(k, key, v, file, &literal_env))
        })
        .collect();
    Container {
        name: string(n.at("name"), file).unwrap_or_else(|| Spanned::new(String::new(), Span::new(file, n.span.clone()))),
        image: string(n.at("image"), file),
        ports,
        env,
        args,
        probes,
        span: Span::new(file, n.span.clone()),
        env_from: env_from(n.at("envFrom"), file),
        command: n.at("command").as_seq().iter().filter_map(|a| string(a, file)).collect(),
        volume_mounts: volume_mounts(n.at("volumeMounts"), file),
        working_dir: n.at("workingDir").as_string(),
    }
}

/// The pod spec and pod metadata of any workload kind.
fn pod_template<'a>(kind: &str, root: &'a Node) -> Option<(&'a Node, &'a Node)> {
    let spec = root.at("spec");
    let tmpl = match kind {
        "Pod" => return Some((root.at("metadata"), spec)),
        "CronJob" => spec.at("jobTemplate").at("spec").at("template"),
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" | "ReplicationController" => spec.at("template"),
        _ => return None,
    };
    Some((tmpl.at("metadata"), tmpl.at("spec")))
}

#[derive(Default)]
pub struct KubeObjects {
    pub workloads: Vec<Workload>,
    pub services: Vec<KubeService>,
    pub monitors: Vec<Monitor>,
    pub prometheus_crs: Vec<PrometheusCr>,
    pub config_maps: Vec<ConfigMap>,
}

/// Reads one document if it is a Kubernetes object we model; returns whether it was one.
pub fn read_object(doc: &Document, file: FileId, default_ns: &str, out: &mut KubeObjects) -> bool {
    let root = &doc.root;
    let (Some(kind), Some(_)) = (root.at("kind").as_str(), root.at("apiVersion").as_str()) else {
        return false;
    };
    let meta = root.at("metadata");
    let name = string(meta.at("name"), file).unwrap_or_else(|| Spanned::new(String::new(), Span::new(file, meta.span.clone())));
    let namespace = meta.at("namespace").as_string().unwrap_or_else(|| default_ns.to_string());
    let labels = meta.at("labels").string_map();
    match kind {
        "Service" => {
            let spec = root.at("spec");
            let ports = spec
                .at("ports")
                .as_seq()
                .iter()
                .map(|p| ServicePort {
                    name: string(p.at("name"), file),
                    port: p.at("port").as_i64().unwrap_or(0),
                    target_port: port_ref(p.at("targetPort"), file),
                    span: Span::new(file, p.span.clone()),
                })
                .collect();
            out.services.push(KubeService {
                name,
                namespace,
                labels,
                selector: spec
                    .get("selector")
                    .filter(|s| s.is_map())
                    .map(|s| LabelSelector::from_map(s, file)),
                ports,
                cluster_ip: spec.at("clusterIP").as_string(),
                file,
            });
        }
        "ConfigMap" => out.config_maps.push(config_map(root, name, namespace, file)),
        "ServiceMonitor" | "PodMonitor" => {
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
            } else if let Some(names) = ns_sel.get("matchNames") {
                NamespaceScope::Names(names.as_seq().iter().filter_map(|n| n.as_string()).collect())
            } else {
                NamespaceScope::Own
            };
            let endpoints = spec
                .at(eps_key)
                .as_seq()
                .iter()
                .map(|e| MonitorEndpoint {
                    port: string(e.at("port"), file),
                    target_port: port_ref(e.at("targetPort"), file).or_else(|| port_ref(e.at("portNumber"), file)),
                    path: string(e.at("path"), file),
                    scheme: string(e.at("scheme"), file),
                    span: Span::new(file, e.span.clone()),
                })
                .collect();
            let labels_node = meta.get("labels").filter(|l| l.is_map()).unwrap_or(meta);
            out.monitors.push(Monitor {
                kind: mkind,
                name,
                namespace,
                labels,
                labels_span: Span::new(file, labels_node.span.clone()),
                selector: LabelSelector::from_node(spec.at("selector"), file),
                namespace_scope,
                endpoints,
                file,
            });
        }
        "Prometheus"
            if root
                .at("apiVersion")
                .as_str()
                .is_some_and(|a| a.starts_with("monitoring.coreos.com")) =>
        {
            let spec = root.at("spec");
            let sel = |k: &str| spec.get(k).filter(|n| !n.is_null()).map(|n| LabelSelector::from_node(n, file));
            out.prometheus_crs.push(PrometheusCr {
                name,
                namespace,
                service_monitor_selector: sel("serviceMonitorSelector"),
                service_monitor_ns_selector: sel("serviceMonitorNamespaceSelector"),
                pod_monitor_selector: sel("podMonitorSelector"),
                pod_monitor_ns_selector: sel("podMonitorNamespaceSelector"),
                ignore_namespace_selectors: spec.at("ignoreNamespaceSelectors").as_bool() == Some(true),
                span: Span::new(file, root.span.clone()),
            });
        }
        _ => {
            let Some((pod_meta, pod_spec)) = pod_template(kind, root) else {
                return true;
            };
            let containers = pod_spec.at("containers").as_seq().iter().map(|c| container(c, file)).collect();
            out.workloads.push(Workload {
                kind: kind.to_string(),
                name,
                namespace,
                labels,
                pod_labels: pod_meta.at("labels").string_map(),
                pod_annotations: pod_meta.at("annotations").string_map(),
                containers,
                file,
                volumes: pod_volumes(pod_spec.at("volumes"), file),
            });
        }
    }
    true
}

/// kube-prometheus-stack values: `prometheus.prometheusSpec.serviceMonitorSelector[NilUsesHelmValues]`.
pub fn read_stack_values(doc: &Document, file: FileId) -> Option<StackValues> {
    let spec = doc.root.at("prometheus").get("prometheusSpec")?;
    let effective = |sel: &str, nil: &str| {
        let selector = spec.get(sel).map(|n| LabelSelector::from_node(n, file));
        let nil_uses_helm = spec.at(nil).as_bool().unwrap_or(true);
        match selector {
            Some(s) if !s.is_empty() => Some(s),
            // Empty selector with NilUsesHelmValues=false renders `{}`: every monitor.
            _ if !nil_uses_helm => Some(LabelSelector {
                match_labels: vec![],
                match_expressions: vec![],
                span: Span::new(file, spec.span.clone()),
            }),
            _ => None,
        }
    };
    Some(StackValues {
        file,
        span: Span::new(file, spec.span.clone()),
        service_monitor_selector: effective("serviceMonitorSelector", "serviceMonitorSelectorNilUsesHelmValues"),
        pod_monitor_selector: effective("podMonitorSelector", "podMonitorSelectorNilUsesHelmValues"),
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

fn value_ref(n: &Node) -> ValueRef {
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

fn env_from(n: &Node, file: FileId) -> Vec<EnvFrom> {
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
                span: Span::new(file, e.span.clone()),
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

fn volume_mounts(n: &Node, file: FileId) -> Vec<VolumeMount> {
    n.as_seq()
        .iter()
        .filter_map(|m| {
            Some(VolumeMount {
                name: m.at("name").as_string()?,
                mount_path: m.at("mountPath").as_string()?,
                sub_path: m.at("subPath").as_string().filter(|s| !s.is_empty()),
                span: Span::new(file, m.span.clone()),
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

fn pod_volumes(n: &Node, file: FileId) -> Vec<PodVolume> {
    let items = |cm: &Node| -> Vec<(String, String)> {
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
                span: Span::new(file, v.span.clone()),
            })
        })
        .collect()
}

/// A ConfigMap in the repository: its `data` keys with spans (values may be whole Spring
/// config files).
#[derive(Clone, Debug)]
pub struct ConfigMap {
    pub name: Spanned<String>,
    pub namespace: String,
    pub data: Vec<ConfigMapEntry>,
    pub file: FileId,
}

#[derive(Clone, Debug)]
pub struct ConfigMapEntry {
    pub key: Spanned<String>,
    pub value: String,
    /// The value node (a block scalar for embedded files).
    pub value_node: Node,
}

fn config_map(root: &Node, name: Spanned<String>, namespace: String, file: FileId) -> ConfigMap {
    let data = root
        .at("data")
        .as_map()
        .iter()
        .filter_map(|(k, v)| {
            Some(ConfigMapEntry {
                key: string(k, file)?,
                value: v.as_string().unwrap_or_default(),
                value_node: v.clone(),
            })
        })
        .collect();
    ConfigMap {
        name,
        namespace,
        data,
        file,
    }
}

impl ConfigMap {
    pub fn get(&self, key: &str) -> Option<&ConfigMapEntry> {
        self.data.iter().rev().find(|e| e.key.value == key)
    }
}
