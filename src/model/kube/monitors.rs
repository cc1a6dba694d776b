//! ServiceMonitors and PodMonitors, Prometheus CRs (their monitor selectors) and
//! kube-prometheus-stack values.

use super::container::PortRef;
use super::{NamespaceScope, ObjectOrigin};
use crate::model::labels::LabelSelector;
use crate::model::tree::Node;
use crate::source::{FileId, Span, Spanned};

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
    /// `basicAuth`, `authorization`, `bearerTokenSecret`, `bearerTokenFile` or `oauth2`: the
    /// scrape sends credentials (Prometheus Operator API, `Endpoint` / `PodMetricsEndpoint`).
    pub credentials: Option<Span>,
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
    pub origin: ObjectOrigin,
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
    pub origin: ObjectOrigin,
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
    pub additional_scrape_configs: Option<Node>,
}

/// kube-prometheus-stack values: `prometheus.prometheusSpec.serviceMonitorSelector[NilUsesHelmValues]`
/// at the root, or under the dependency key of an umbrella chart (`kube-prometheus-stack:`).
pub fn read_stack_values(root: &Node, alias: Option<&str>) -> Option<StackValues> {
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
