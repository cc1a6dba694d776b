use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::link::Selection;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule!(MonitorNotSelected {
    name: "monitor-not-selected",
    category: Scrape,
    severity: Error,
    fix: None,
    summary: "no Prometheus selects the ServiceMonitor/PodMonitor (labels or namespace)",
});

impl Rule for MonitorNotSelected {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (mi, m) in cx.ws.monitors.iter().enumerate() {
            let Selection::NotSelected { reason, span, assumed } = &cx.links.monitor_selection[mi] else {
                continue;
            };
            let severity = if *assumed { Severity::Warning } else { Self::META.default_severity };
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
                d = d.related(*s, "monitor selector");
            }
            if let [only] = cx.links.monitor_service_ids(mi)[..] {
                d = d.service(Some(&cx.ws.services[only].name));
            }
            d = d.help(if *assumed {
                "add the label `release: <your kube-prometheus-stack release name>` to the monitor, or declare the selector in actuator-lint.toml (`[prometheus] service-monitor-selector = { release = \"…\" }`)".to_string()
            } else {
                "give the monitor the labels (and namespace) its Prometheus selects, or widen the Prometheus selector".to_string()
            });
            out.push(d);
        }
    }
}
