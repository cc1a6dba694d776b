//! Kubernetes label selectors (Service `spec.selector`, ServiceMonitor `spec.selector`,
//! Prometheus `serviceMonitorSelector`).

use super::tree::Node;
use crate::ids::Idx;
use crate::source::Span;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub key: String,
    pub op: String,
    pub values: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelSelector {
    pub match_labels: Vec<(String, String)>,
    pub match_expressions: Vec<Requirement>,
    pub span: Span,
    /// Where each `matchLabels` value is written (same order as `match_labels`).
    pub value_spans: Vec<Span>,
}

impl LabelSelector {
    /// `matchLabels`/`matchExpressions` form (ServiceMonitor, Prometheus CR).
    pub fn from_node(node: &Node) -> LabelSelector {
        let match_expressions = node
            .at("matchExpressions")
            .as_seq()
            .iter()
            .map(|e| Requirement {
                key: e.at("key").as_string().unwrap_or_default(),
                op: e.at("operator").as_string().unwrap_or_default(),
                values: e.at("values").as_seq().iter().filter_map(|v| v.as_string()).collect(),
            })
            .collect();
        LabelSelector {
            match_labels: node.at("matchLabels").string_map(),
            match_expressions,
            span: node.span,
            value_spans: node
                .at("matchLabels")
                .as_map()
                .iter()
                .filter(|(k, _)| k.as_str().is_some())
                .map(|(_, v)| v.span)
                .collect(),
        }
    }

    /// Plain map form (Service `spec.selector`).
    pub fn from_map(node: &Node) -> LabelSelector {
        LabelSelector {
            match_labels: node.string_map(),
            match_expressions: Vec::new(),
            span: node.span,
            value_spans: node
                .as_map()
                .iter()
                .filter(|(k, _)| k.as_str().is_some())
                .map(|(_, v)| v.span)
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }

    /// `None` when an operator is unknown (treated as "cannot tell").
    pub fn matches(&self, labels: &[(String, String)]) -> Option<bool> {
        let get = |k: &str| labels.iter().find(|(lk, _)| lk == k).map(|(_, v)| v.as_str());
        for (k, v) in &self.match_labels {
            if get(k) != Some(v.as_str()) {
                return Some(false);
            }
        }
        for r in &self.match_expressions {
            let val = get(&r.key);
            let ok = match r.op.as_str() {
                "In" => val.is_some_and(|v| r.values.iter().any(|x| x == v)),
                "NotIn" => !val.is_some_and(|v| r.values.iter().any(|x| x == v)),
                "Exists" => val.is_some(),
                "DoesNotExist" => val.is_none(),
                _ => return None,
            };
            if !ok {
                return Some(false);
            }
        }
        Some(true)
    }

    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = self.match_labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        for r in &self.match_expressions {
            parts.push(format!("{} {} ({})", r.key, r.op, r.values.join(",")));
        }
        if parts.is_empty() {
            "{}".into()
        } else {
            parts.join(", ")
        }
    }
}

pub fn describe_labels(labels: &[(String, String)]) -> String {
    if labels.is_empty() {
        return "no labels".into();
    }
    labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ")
}

/// Objects by label, so that matching a selector costs its first `matchLabels` pair's posting
/// list instead of a scan of every object (quadratic in large monorepos). Callers still apply
/// the full selector to each candidate; the index only narrows. `I` is the id of the objects
/// indexed (workloads or Services), given in id order.
pub struct LabelIndex<I> {
    by_pair: std::collections::HashMap<(String, String), Vec<I>>,
    len: usize,
}

impl<I: Idx> LabelIndex<I> {
    pub fn new<'a>(labels: impl Iterator<Item = &'a [(String, String)]>) -> LabelIndex<I> {
        let mut by_pair: std::collections::HashMap<(String, String), Vec<I>> = Default::default();
        let mut len = 0;
        for (i, ls) in labels.enumerate() {
            len = i + 1;
            for (k, v) in ls {
                by_pair.entry((k.clone(), v.clone())).or_default().push(I::new(i));
            }
        }
        LabelIndex { by_pair, len }
    }

    /// Ids that may match `sel`, ascending.
    pub fn candidates(&self, sel: &LabelSelector) -> Vec<I> {
        match sel.match_labels.first() {
            Some((k, v)) => self.by_pair.get(&(k.clone(), v.clone())).cloned().unwrap_or_default(),
            None => (0..self.len).map(I::new).collect(),
        }
    }
}
