//! Services, ConfigMaps and Namespaces.

use super::container::PortRef;
use super::workload::Annotation;
use super::{string, Origin};
use crate::model::labels::LabelSelector;
use crate::model::tree::SNode;
use crate::source::{FileId, Span, Spanned};

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

pub(super) fn config_map(root: &SNode, name: Spanned<String>, namespace: String, origin: &Origin) -> ConfigMap {
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
