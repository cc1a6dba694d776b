//! Services, ConfigMaps and Namespaces.

use super::container::PortRef;
use super::workload::Annotation;
use super::{string, ObjectOrigin};
use crate::model::labels::LabelSelector;
use crate::model::tree::Node;
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
    pub origin: ObjectOrigin,
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
    pub origin: ObjectOrigin,
    /// A Secret read the same way: `stringData` as written, `data` decoded from base64.
    pub secret: bool,
}

#[derive(Clone, Debug)]
pub struct ConfigMapEntry {
    pub key: Spanned<String>,
    /// The value as a string (empty when it is not a scalar).
    pub value: String,
    /// The value node, carrying its own file (a block scalar for embedded files).
    pub value_node: Node,
}

impl ConfigMap {
    /// `ConfigMap` or `Secret`, for messages.
    pub fn kind(&self) -> &'static str {
        if self.secret {
            "Secret"
        } else {
            "ConfigMap"
        }
    }
    /// Last entry wins, as in the API server's decoder.
    pub fn get(&self, key: &str) -> Option<&ConfigMapEntry> {
        self.data.iter().rev().find(|e| e.key.value == key)
    }
}

pub(super) fn config_map(root: &Node, name: Spanned<String>, namespace: String, origin: &ObjectOrigin) -> ConfigMap {
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
        secret: false,
    }
}

/// A Secret's entries: `data` values decoded from base64, then `stringData`, which the API
/// server merges over `data` ("stringData ... is merged into the data field on write,
/// overwriting any existing values", Kubernetes API reference, Secret v1). A `data` value that
/// is not base64 of UTF-8 text is left out: the API server rejects the former, and the latter
/// is no environment value Spring can read.
pub(super) fn secret(root: &Node, name: Spanned<String>, namespace: String, origin: &ObjectOrigin) -> ConfigMap {
    let mut data: Vec<ConfigMapEntry> = root
        .at("data")
        .as_map()
        .iter()
        .filter_map(|(k, v)| {
            let raw = v.as_string()?;
            let bytes = decode_base64(raw.trim())?;
            Some(ConfigMapEntry {
                key: string(k)?,
                value: String::from_utf8(bytes).ok()?,
                value_node: v.clone(),
            })
        })
        .collect();
    data.extend(root.at("stringData").as_map().iter().filter_map(|(k, v)| {
        Some(ConfigMapEntry {
            key: string(k)?,
            value: v.as_string().unwrap_or_default(),
            value_node: v.clone(),
        })
    }));
    ConfigMap {
        name,
        namespace,
        data,
        file: root.file(),
        origin: origin.clone(),
        secret: true,
    }
}

/// Standard base64 (RFC 4648 §4) with optional padding; whitespace inside is ignored, as in
/// a folded YAML value.
pub fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let clean: Vec<u8> = s.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    let body: &[u8] = {
        let mut end = clean.len();
        while end > 0 && clean[end - 1] == b'=' {
            end -= 1;
        }
        if clean.len() - end > 2 {
            return None;
        }
        &clean[..end]
    };
    if body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    for chunk in body.chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= val(*c)? << (18 - 6 * i);
        }
        out.push((n >> 16) as u8);
        if chunk.len() > 2 {
            out.push((n >> 8) as u8);
        }
        if chunk.len() > 3 {
            out.push(n as u8);
        }
    }
    Some(out)
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
