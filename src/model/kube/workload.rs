//! Workloads: the pod template of every kind that has one, its labels, annotations, volumes.

use super::container::Container;
use super::ObjectOrigin;
use crate::model::tree::Node;
use crate::source::{FileId, Span, Spanned};

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

pub(super) fn annotations(n: &Node) -> Vec<Annotation> {
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
    pub origin: ObjectOrigin,
    /// Pod volumes backed by ConfigMaps (Spring config can be mounted from them).
    pub volumes: Vec<PodVolume>,
    /// `hostNetwork: true`: the pod shares the node's network namespace, so `localhost` in it
    /// is the node.
    pub host_network: bool,
}

impl Workload {
    pub fn describe(&self) -> String {
        format!("{} `{}`", self.kind, self.name.value)
    }
}

/// The pod template (`metadata`, `spec`) of any workload kind.
pub(super) fn pod_template<'a>(kind: &str, root: &'a Node) -> Option<&'a Node> {
    let spec = root.get("spec")?;
    match kind {
        "Pod" => Some(root),
        "CronJob" => spec.path(&["jobTemplate", "spec", "template"]),
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" | "ReplicationController" | "Rollout" | "DeploymentConfig" => {
            spec.get("template")
        }
        KNATIVE_SERVICE => spec.get("template"),
        _ => None,
    }
}

/// The kind given to a `serving.knative.dev` Service, whose pod template is `spec.template`.
pub const KNATIVE_SERVICE: &str = "Knative Service";

/// Marks the serving container of a Knative Service with the port Knative routes to. Knative
/// serving: "Knative serving defaults to sending requests to 8080. The value of the port to
/// which requests are sent is always available in the PORT environment variable"; a
/// container names at most one port, and with several containers exactly one (the serving
/// one) does. Probes without a port are sent to that port (Knative defaults the port of
/// `httpGet`/`tcpSocket` probes to the user port). When the serving container cannot be told
/// (several containers, none with a port), none is marked.
pub(super) fn knative_port(containers: &mut [Container]) {
    let with_ports: Vec<usize> = (0..containers.len()).filter(|&i| !containers[i].ports.is_empty()).collect();
    let serving = match (with_ports.as_slice(), containers.len()) {
        ([i], _) => *i,
        ([], 1) => 0,
        _ => return,
    };
    let c = &mut containers[serving];
    c.knative_port = Some(match c.ports.first() {
        Some(p) => Spanned::new(p.port, p.port_span),
        None => Spanned::new(8080, c.name.span),
    });
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

pub(super) fn pod_volumes(n: &Node) -> Vec<PodVolume> {
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
                span: v.span,
            })
        })
        .collect()
}
