use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Label, Severity};
use crate::edit;
use crate::link::Selection;
use crate::model::kube::Monitor;
use crate::model::MonitorId;
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::Span;

declare_rule!(MonitorNotSelected {
    name: "monitor-not-selected",
    category: Scrape,
    severity: Error,
    fix: Sometimes,
    summary: "no Prometheus selects the ServiceMonitor/PodMonitor (labels or namespace)",
});

/// Adds the missing labels to the monitor's `metadata.labels` (creating the mapping).
fn add_labels(cx: &Context<'_>, m: &Monitor, want: &[(String, String)]) -> Option<Fix> {
    // A label with another value (`release: kube-prometheus-stack` for release `kps`): set it.
    let wrong: Vec<(&(String, String), Span)> = want
        .iter()
        .filter_map(|w| {
            let (_, span) = m.label_values.iter().find(|(k, _)| *k == w.0)?;
            (m.labels.iter().any(|(k, v)| *k == w.0 && *v != w.1)).then_some((w, *span))
        })
        .collect();
    if !wrong.is_empty() {
        if wrong.len() != want.len() {
            return None;
        }
        return Some(Fix {
            title: wrong
                .iter()
                .map(|((k, v), _)| format!("set `{k}: {v}`"))
                .collect::<Vec<_>>()
                .join(", "),
            applicability: Applicability::Unsafe,
            edits: wrong
                .iter()
                .map(|((_, v), span)| crate::edit::yaml::replace_scalar(cx.sources, *span, v))
                .collect(),
        });
    }
    let missing: Vec<&(String, String)> = want.iter().filter(|(k, _)| !m.labels.iter().any(|(lk, _)| lk == k)).collect();
    if missing.len() != want.len() || missing.is_empty() || cx.sources.text(m.labels_span).starts_with('{') {
        return None;
    }
    let f = cx.sources.get(m.labels_span.file);
    let quote = |v: &str| {
        if v.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) && v.parse::<f64>().is_err() {
            v.to_string()
        } else {
            format!("\"{v}\"")
        }
    };
    let edit = if m.has_labels_map {
        let col = edit::column(f, m.labels_span.start);
        let indent = " ".repeat(col);
        let lines: Vec<String> = missing.iter().map(|(k, v)| format!("{indent}{k}: {}", quote(v))).collect();
        edit::insert_lines_before(cx.sources, Span::empty(m.labels_span.file, m.labels_span.start), &lines)
    } else {
        // `labels_span` is `metadata`: add `labels:` after its first line (`name:`).
        let col = edit::column(f, m.labels_span.start);
        let indent = " ".repeat(col);
        let mut lines = vec![format!("{indent}labels:")];
        lines.extend(missing.iter().map(|(k, v)| format!("{indent}  {k}: {}", quote(v))));
        edit::insert_lines_after(cx.sources, m.name.span, &lines)
    };
    Some(Fix {
        title: format!(
            "label the {} {}",
            m.kind_name(),
            missing.iter().map(|(k, v)| format!("`{k}: {v}`")).collect::<Vec<_>>().join(", ")
        ),
        applicability: Applicability::Safe,
        edits: vec![edit],
    })
}

impl Rule for MonitorNotSelected {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        unknown_selector(cx, out);
        for (mi, m) in cx.ws.monitors.iter_enumerated() {
            let Selection::NotSelected {
                reason,
                span,
                assumed: false,
                want,
            } = &cx.links.monitor_selection[mi]
            else {
                continue;
            };
            let severity = Self::META.default_severity;
            let labels = if m.labels.is_empty() {
                "no labels".to_string()
            } else {
                format!("labels `{}`", crate::model::labels::describe_labels(&m.labels))
            };
            let mut d = Diagnostic::new(
                Self::META.name,
                severity,
                format!(
                    "{} `{}` ({labels}) is not picked up by any Prometheus: {reason}",
                    m.kind_name(),
                    m.name.value
                ),
                Label::new(m.labels_span, "not selected"),
            );
            if let Some(s) = span {
                let what = match want {
                    Some(w) if !w.is_empty() => format!(
                        "selects monitors labelled {}",
                        w.iter().map(|(k, v)| format!("`{k}: {v}`")).collect::<Vec<_>>().join(", ")
                    ),
                    _ => "monitor selector".to_string(),
                };
                d = d.related(*s, what);
            }
            let fix = if m.name.span.file == m.labels_span.file {
                want.as_ref().and_then(|w| add_labels(cx, m, w))
            } else {
                None
            };
            let null = reason.contains("a null selector selects no monitors");
            d = d.help(if null {
                format!(
                    "set `{}: {{}}` on the Prometheus (empty selects every monitor), or a `matchLabels` that this monitor carries",
                    if m.kind == crate::model::kube::MonitorKind::Pod {
                        "podMonitorSelector"
                    } else {
                        "serviceMonitorSelector"
                    }
                )
            } else if let Some(w) = want.as_ref().filter(|_| fix.is_some()) {
                format!(
                    "label the monitor {}",
                    w.iter().map(|(k, v)| format!("`{k}: {v}`")).collect::<Vec<_>>().join(", ")
                )
            } else {
                "give the monitor the labels (and namespace) its Prometheus selects, or widen the Prometheus selector".to_string()
            });
            d = d.fix(fix);
            d = d.service(scraped_service(cx, mi));
            out.push(d);
        }
    }
}

/// Without a Prometheus CR, kube-prometheus-stack values or a configured selector, which
/// Prometheus selects the monitors (and with which labels) is decided outside the repository:
/// the chart's `release: <name>` default is only one convention among several (older
/// `prometheus: <name>` charts, hand-written CRs, `serviceMonitorSelector: {}`). That is an
/// unknown, said once for all such monitors, never a warning.
fn unknown_selector(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let (indexes, assumed): (Vec<MonitorId>, Vec<&Monitor>) = cx
        .ws
        .monitors
        .iter_enumerated()
        .zip(&cx.links.monitor_selection)
        .filter(|(_, s)| matches!(s, Selection::NotSelected { assumed: true, .. }))
        .map(|(im, _)| im)
        .unzip();
    let Some(first) = assumed.first() else { return };
    let names = |ms: &[&Monitor]| {
        let shown: Vec<String> = ms.iter().take(5).map(|m| format!("{} `{}`", m.kind_name(), m.name.value)).collect();
        let more = ms.len().saturating_sub(5);
        if more > 0 {
            format!("{} and {more} more", shown.join(", "))
        } else {
            shown.join(", ")
        }
    };
    let mut d = Diagnostic::new(
        MonitorNotSelected::META.name,
        Severity::Info,
        format!(
            "whether a Prometheus picks up {} cannot be checked: the repository has no Prometheus CR, kube-prometheus-stack values or configured selector, and {} no `release` label for kube-prometheus-stack's default selector",
            names(&assumed),
            if assumed.len() == 1 { "the monitor has" } else { "these monitors have" }
        ),
        Label::new(first.labels_span, "selector unknown"),
    )
    .help("declare the selector of the Prometheus that should scrape them in actuator-lint.toml (`[prometheus] service-monitor-selector = { release = \"…\" }`), and the check runs");
    for m in assumed.iter().skip(1).take(4) {
        d = d.related(m.labels_span, format!("{} `{}`", m.kind_name(), m.name.value));
    }
    // One monitor: the finding belongs to the service it scrapes, like the other findings.
    if let [mi] = indexes[..] {
        d = d.service(scraped_service(cx, mi));
    }
    out.push(d);
}

/// The service a monitor scrapes, if any.
fn scraped_service<'a>(cx: &Context<'a>, mi: MonitorId) -> Option<&'a str> {
    let sc = cx.links.scrapes.iter().find(
        |sc| matches!(sc.via, crate::link::Via::Monitor { monitor, .. } | crate::link::Via::PodMonitor { monitor, .. } if monitor == mi),
    )?;
    Some(cx.ws.services[sc.service].name.as_str())
}
