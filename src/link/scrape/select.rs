//! Selection by labels: Kubernetes Service → workloads, monitor → Services or pods, Prometheus
//! (a CR, kube-prometheus-stack values or the configured selector) → monitors.

use crate::ids::Idx;
use crate::link::Selection;
use crate::model::kube::{KubeService, Monitor, MonitorKind, ObjectOrigin, Workload};
use crate::model::labels::{LabelIndex, LabelSelector};
use crate::model::ModelOptions;
use crate::model::Workspace;

pub(super) fn selects(ks: &KubeService, w: &Workload) -> bool {
    w.namespace == ks.namespace
        && ks.origin.compatible(&w.origin)
        && ks
            .selector
            .as_ref()
            .is_some_and(|sel| !sel.is_empty() && sel.matches(&w.pod_labels) == Some(true))
}

fn namespace_ok(ws: &Workspace, sel: &Option<LabelSelector>, cr_ns: &str, mon_ns: &str, ignore: bool) -> Option<bool> {
    if ignore {
        return Some(cr_ns == mon_ns);
    }
    match sel {
        None => Some(cr_ns == mon_ns),
        Some(s) if s.is_empty() => Some(true),
        Some(s) => {
            // Kubernetes labels every namespace with its name; other labels come from
            // Namespace objects in the repository, or are unknown.
            let mut labels = vec![("kubernetes.io/metadata.name".to_string(), mon_ns.to_string())];
            let declared = ws.wiring.namespaces.iter().find(|n| n.name.value == mon_ns);
            if let Some(n) = declared {
                labels.extend(n.labels.iter().cloned());
            }
            match s.matches(&labels) {
                Some(true) => Some(true),
                Some(false)
                    if declared.is_some()
                        || s.match_labels.iter().all(|(k, _)| k == "kubernetes.io/metadata.name") && s.match_expressions.is_empty() =>
                {
                    Some(false)
                }
                _ => None,
            }
        }
    }
}

pub(super) fn selection(ws: &Workspace, options: &ModelOptions<'_>, m: &Monitor) -> Selection {
    let pod = m.kind == MonitorKind::Pod;
    let crs: Vec<_> = ws.prometheus_crs.iter().filter(|cr| cr.origin.compatible(&m.origin)).collect();
    if !crs.is_empty() {
        let mut reasons = Vec::new();
        for cr in crs {
            let (sel, ns_sel) = if pod {
                (&cr.pod_monitor_selector, &cr.pod_monitor_ns_selector)
            } else {
                (&cr.service_monitor_selector, &cr.service_monitor_ns_selector)
            };
            let field = if pod { "podMonitorSelector" } else { "serviceMonitorSelector" };
            let Some(sel) = sel else {
                reasons.push((
                    format!(
                        "Prometheus `{}` has no `{field}`, and a null selector selects no monitors",
                        cr.name.value
                    ),
                    Some(cr.name.span),
                    None,
                ));
                continue;
            };
            match (
                sel.matches(&m.labels),
                namespace_ok(
                    ws,
                    if pod { &cr.pod_monitor_ns_selector } else { ns_sel },
                    &cr.namespace,
                    &m.namespace,
                    cr.ignore_namespace_selectors,
                ),
            ) {
                (Some(true), Some(true)) => return Selection::Selected(format!("Prometheus `{}`", cr.name.value)),
                (Some(true), Some(false)) => reasons.push((
                    format!(
                        "Prometheus `{}` does not watch namespace `{}` for monitors",
                        cr.name.value, m.namespace
                    ),
                    Some(cr.name.span),
                    None,
                )),
                (Some(false), _) => reasons.push((
                    format!("Prometheus `{}` selects monitors with `{}`", cr.name.value, sel.describe()),
                    Some(sel.span),
                    Some(sel.clone()),
                )),
                _ => return Selection::Unknown(format!("Prometheus `{}`'s selectors cannot be evaluated statically", cr.name.value)),
            }
        }
        let (reason, span, want) = reasons.into_iter().next().unwrap_or_default();
        return Selection::NotSelected {
            reason,
            span,
            assumed: false,
            want: want.map(|w| w.match_labels).filter(|l| !l.is_empty()),
        };
    }
    if let Some(v) = ws.stack_values.first() {
        let sel = if pod {
            &v.pod_monitor_selector
        } else {
            &v.service_monitor_selector
        };
        let release = ws.stack_values.iter().find_map(|v| v.release.clone());
        return match sel {
            Some(s) => match s.matches(&m.labels) {
                Some(true) => Selection::Selected("kube-prometheus-stack values".into()),
                Some(false) => Selection::NotSelected {
                    reason: format!("the kube-prometheus-stack values select monitors with `{}`", s.describe()),
                    span: Some(s.span),
                    assumed: false,
                    want: Some(s.match_labels.clone()).filter(|l| !l.is_empty() && s.match_expressions.is_empty()),
                },
                None => Selection::Unknown("selector cannot be evaluated".into()),
            },
            None => {
                let has = m.labels.iter().find(|(k, _)| k == "release").map(|(_, v)| v.clone());
                match (&release, has) {
                    (Some(r), Some(v)) if v == r.value => Selection::Selected(format!("kube-prometheus-stack release `{}`", r.value)),
                    (Some(r), _) => Selection::NotSelected {
                        reason: format!(
                            "kube-prometheus-stack release `{}` keeps the default selector, which only picks monitors labelled `release: {}`",
                            r.value, r.value
                        ),
                        span: Some(r.span),
                        assumed: false,
                        want: Some(vec![("release".to_string(), r.value.clone())]),
                    },
                    (None, Some(_)) => Selection::Selected("kube-prometheus-stack values (release label)".into()),
                    (None, None) => Selection::NotSelected {
                        reason: "the kube-prometheus-stack values keep the default selector, which only picks monitors labelled `release: <helm release>`".into(),
                        span: Some(v.span),
                        assumed: false,
                        want: None,
                    },
                }
            }
        };
    }
    let configured = if pod {
        &options.config.pod_monitor_selector
    } else {
        &options.config.service_monitor_selector
    };
    if let Some(labels) = configured {
        let ok = labels.iter().all(|(k, v)| m.labels.iter().any(|(lk, lv)| lk == k && lv == v));
        let want = labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ");
        return if ok {
            Selection::Selected("[prometheus] selector in actuator-lint.toml".into())
        } else {
            Selection::NotSelected {
                reason: format!("the configured Prometheus selects monitors with `{want}` ([prometheus] in actuator-lint.toml)"),
                span: None,
                assumed: false,
                want: Some(labels.clone()),
            }
        };
    }
    if m.labels.iter().any(|(k, _)| k == "release") {
        Selection::Selected("assumed kube-prometheus-stack (release label)".into())
    } else {
        Selection::NotSelected {
            reason: "no Prometheus CR or kube-prometheus-stack values are in the repository, and the chart's default selector only picks monitors labelled `release: <helm release>`".into(),
            span: None,
            assumed: true,
            want: None,
        }
    }
}

/// The objects (Services for a ServiceMonitor, pods for a PodMonitor) a monitor selects: by its
/// label selector, in a namespace it watches, from a compatible origin.
pub(super) fn monitored<'w, I: Idx>(
    m: &Monitor,
    index: &LabelIndex<I>,
    object: impl Fn(I) -> (&'w ObjectOrigin, &'w String, &'w Vec<(String, String)>),
) -> Vec<I> {
    index
        .candidates(&m.selector)
        .into_iter()
        .filter(|&i| {
            let (origin, namespace, labels) = object(i);
            origin.compatible(&m.origin) && m.watches_namespace(namespace) && m.selector.matches(labels) == Some(true)
        })
        .collect()
}
