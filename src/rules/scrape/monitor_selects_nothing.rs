use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Label};
use crate::edit;
use crate::model::kube::{MonitorKind, NamespaceScope};
use crate::model::labels::describe_labels;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule!(MonitorSelectsNothing {
    name: "monitor-selects-nothing",
    category: Scrape,
    severity: Error,
    fix: Sometimes,
    summary: "a ServiceMonitor/PodMonitor selector matches no Service or pod in the repository",
});

/// An object a monitor could have meant: name, labels, where, namespace.
type Candidate<'a> = (&'a str, &'a [(String, String)], crate::source::Span, &'a str);

impl Rule for MonitorSelectsNothing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (mi, m) in cx.ws.monitors.iter_enumerated() {
            // Objects the repository cannot show (unrendered charts, remote bases) may match.
            if cx.ws.wiring.objects_may_be_missing(&m.origin) {
                continue;
            }
            let scope = match &m.namespace_scope {
                NamespaceScope::Any => "any namespace".to_string(),
                NamespaceScope::Names(n) => format!(
                    "namespace{} {}",
                    if n.len() == 1 { "" } else { "s" },
                    n.iter().map(|x| format!("`{x}`")).collect::<Vec<_>>().join(", ")
                ),
                NamespaceScope::Own => format!("its own namespace `{}`", m.namespace),
            };
            let (what, candidates): (&str, Vec<Candidate<'_>>) = match m.kind {
                MonitorKind::Service => {
                    if !cx.links.monitor_services[mi].is_empty() {
                        continue;
                    }
                    (
                        "Service",
                        cx.ws
                            .kube_services
                            .iter()
                            .map(|k| (k.name.value.as_str(), k.labels.as_slice(), k.name.span, k.namespace.as_str()))
                            .collect(),
                    )
                }
                MonitorKind::Pod => {
                    if !cx.links.monitor_pods[mi].is_empty() {
                        continue;
                    }
                    (
                        "pod",
                        cx.ws
                            .workloads
                            .iter()
                            .map(|w| (w.name.value.as_str(), w.pod_labels.as_slice(), w.name.span, w.namespace.as_str()))
                            .collect(),
                    )
                }
            };
            // With nothing to compare against (no object in a watched namespace and no object
            // carrying the selected labels), the targets live elsewhere: unknown, not an error.
            let in_scope: Vec<_> = candidates.iter().filter(|c| m.watches_namespace(c.3)).collect();
            let label_match: Vec<_> = candidates.iter().filter(|c| m.selector.matches(c.1) == Some(true)).collect();
            let near = cx.links.monitor_near_misses[mi].first().map(|&k| &cx.ws.kube_services[k]);
            if in_scope.is_empty() && label_match.is_empty() && near.is_none() {
                continue;
            }
            let mut d = Diagnostic::new(
                Self::META.name,
                Self::META.default_severity,
                format!(
                    "{} `{}` selects no {what}: none in {scope} has labels `{}`",
                    m.kind_name(),
                    m.name.value,
                    m.selector.describe()
                ),
                Label::new(m.selector.span, "selects nothing"),
            );
            if let Some(ks) = near {
                d = d.related(ks.name.span, format!("Service `{}` selects pods with these labels but carries {} itself; a ServiceMonitor matches a Service's own `metadata.labels`", ks.name.value, describe_labels(&ks.labels)));
                d = d.help(format!(
                    "add the labels `{}` to Service `{}`'s `metadata.labels`",
                    m.selector.describe(),
                    ks.name.value
                ));
                if ks.labels.is_empty() && !m.selector.match_labels.is_empty() && m.selector.match_expressions.is_empty() {
                    let f = cx.sources.get(ks.name.span.file);
                    let indent = f.indent_at(ks.name.span.start).to_string();
                    let mut lines = vec![format!("{indent}labels:")];
                    lines.extend(m.selector.match_labels.iter().map(|(k, v)| format!("{indent}  {k}: {v}")));
                    d = d.fix(Some(Fix {
                        title: format!("label Service `{}`", ks.name.value),
                        applicability: Applicability::Safe,
                        edits: vec![edit::insert_lines_after(cx.sources, ks.name.span, &lines)],
                    }));
                }
            } else if let Some(c) = label_match.first() {
                d = d.related(c.2, format!("{what} `{}` has these labels but is in namespace `{}`", c.0, c.3));
                d = d.help(format!(
                    "add `{}` to `spec.namespaceSelector.matchNames`, or move the {} to that namespace",
                    c.3,
                    m.kind_name()
                ));
            } else if let Some(c) = in_scope.first() {
                d = d.related(c.2, format!("{what} `{}` has {}", c.0, describe_labels(c.1)));
                d = d.help(format!("make `spec.selector` match the labels of the {what} to scrape"));
                // One object in scope carries every selected key, only with other values (a
                // renamed app, `catalog-v2`): point the selector at it.
                let sel = &m.selector;
                let mut same_keys: Vec<_> = in_scope
                    .iter()
                    .filter(|c| !sel.match_labels.is_empty() && sel.match_labels.iter().all(|(k, _)| c.1.iter().any(|(ck, _)| ck == k)))
                    .collect();
                // Several candidates: the one named like the monitor is the one it was written for.
                if same_keys.len() > 1 {
                    same_keys.retain(|c| c.0 == m.name.value);
                }
                if let [c] = same_keys.as_slice() {
                    let svc = cx
                        .ws
                        .kube_services
                        .position(|k| k.name.value == c.0 && k.namespace == c.3)
                        .and_then(|k| cx.links.kube_service_workloads[k].first().copied())
                        .or_else(|| cx.ws.workloads.position(|w| w.name.value == c.0 && w.namespace == c.3))
                        .and_then(|w| cx.links.service_of_workload(w));
                    d = d.service(svc.map(|s| cx.ws.services[s].name.as_str()));
                }
                if let ([c], true) = (
                    same_keys.as_slice(),
                    sel.match_expressions.is_empty() && sel.value_spans.len() == sel.match_labels.len(),
                ) {
                    let changes: Vec<(String, String, crate::source::Span)> = sel
                        .match_labels
                        .iter()
                        .zip(&sel.value_spans)
                        .filter_map(|((k, v), span)| {
                            let want = c.1.iter().find(|(ck, _)| ck == k).map(|(_, cv)| cv)?;
                            (want != v).then(|| (k.clone(), want.clone(), *span))
                        })
                        .collect();
                    let edits: Vec<_> = changes
                        .iter()
                        .map(|(_, want, span)| crate::edit::yaml::replace_scalar(cx.sources, *span, want))
                        .collect();
                    if !edits.is_empty() {
                        let pairs: Vec<String> = changes.iter().map(|(k, v, _)| format!("`{k}: {v}`")).collect();
                        d = d.help(format!("select {what} `{}` with {}", c.0, pairs.join(", ")));
                        d = d.fix(Some(Fix {
                            title: format!("select {what} `{}`", c.0),
                            applicability: Applicability::Unsafe,
                            edits,
                        }));
                    }
                }
            }
            if let Some(k) = cx.links.monitor_near_misses[mi].first() {
                let svc = cx.links.kube_service_workloads[*k]
                    .iter()
                    .find_map(|w| cx.links.service_of_workload(*w));
                d = d.service(svc.map(|s| cx.ws.services[s].name.as_str()));
            }
            out.push(d);
        }
    }
}
