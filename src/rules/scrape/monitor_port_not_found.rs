use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Label};
use crate::fix::edits;
use crate::model::kube::MonitorKind;
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::Span;

declare_rule!(MonitorPortNotFound {
    name: "monitor-port-not-found",
    category: Scrape,
    severity: Error,
    fix: Sometimes,
    summary: "a ServiceMonitor endpoint `port` names no port of the Services it selects",
});

impl Rule for MonitorPortNotFound {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (mi, m) in cx.ws.monitors.iter().enumerate() {
            if m.kind == MonitorKind::Pod {
                pod_monitor(cx, mi, out);
                continue;
            }
            let (services, near) = match (&cx.links.monitor_services[mi], &cx.links.monitor_near_misses[mi]) {
                (s, _) if !s.is_empty() => (s, false),
                (_, n) if !n.is_empty() => (n, true),
                _ => continue,
            };
            for ep in &m.endpoints {
                let Some(port) = &ep.port else { continue };
                let matches = services.iter().any(|&ks| {
                    cx.ws.kube_services[ks]
                        .ports
                        .iter()
                        .any(|p| p.name.as_ref().is_some_and(|n| n.value == port.value))
                });
                if matches {
                    continue;
                }
                let ks = &cx.ws.kube_services[services[0]];
                let names: Vec<String> = ks
                    .ports
                    .iter()
                    .filter_map(|p| p.name.as_ref().map(|n| format!("`{}`", n.value)))
                    .collect();
                let (related_span, related_msg) = match (ks.ports.len(), names.is_empty()) {
                    (0, _) => (ks.name.span, "this Service declares no ports".to_string()),
                    (1, true) => (ks.ports[0].span, "the Service's only port has no name".to_string()),
                    (_, true) => (ks.ports[0].span, "none of the Service's ports has a name".to_string()),
                    (_, false) => (ks.ports[0].span, format!("the Service's ports are named {}", names.join(", "))),
                };
                let selected = if near {
                    format!("Service `{}` (the one it is meant to select)", ks.name.value)
                } else {
                    format!("Service `{}`", ks.name.value)
                };
                let mut d = Diagnostic::new(
                    Self::META.name,
                    Self::META.default_severity,
                    format!(
                        "ServiceMonitor endpoint port `{}` names no port of {selected}, so Prometheus never gets a target from it",
                        port.value
                    ),
                    Label::new(port.span, "must be the *name* of a Service port"),
                )
                .related(related_span, related_msg);
                if let Some(w) = cx.links.kube_service_workloads[services[0]].first() {
                    if let Some(si) = cx.links.deployments.iter().position(|ds| ds.iter().any(|d| d.workload == Some(*w))) {
                        d = d.service(Some(&cx.ws.services[si].name));
                    }
                }
                if ks.ports.len() == 1 && names.is_empty() && services.len() == 1 {
                    d = d.help(format!(
                        "name the Service port `{}`, or set `port:` to the name of an existing port",
                        port.value
                    ));
                    let sp = &ks.ports[0];
                    let f = cx.sources.get(sp.span.file);
                    let col = edits::column(f, sp.span.start);
                    let indent: String = f
                        .line_text(f.line_col(sp.span.start).line)
                        .chars()
                        .take(col)
                        .map(|c| if c == '-' { ' ' } else { c })
                        .collect();
                    let nl = edits::newline(f);
                    d = d.fix(Some(Fix {
                        title: "name the Service port".into(),
                        applicability: Applicability::Safe,
                        edits: vec![edits::replace(
                            Span::empty(sp.span.file, sp.span.start),
                            format!("name: {}{nl}{indent}", port.value),
                        )],
                    }));
                } else if names.len() == 1 {
                    let name = names[0].trim_matches('`').to_string();
                    d = d.help(format!("set `port: {name}`, the name of the Service's port"));
                    d = d.fix(Some(Fix {
                        title: format!("scrape the Service port `{name}`"),
                        applicability: Applicability::Unsafe,
                        edits: vec![crate::rules::scrape::metrics_path_mismatch::replace_scalar(
                            cx.sources, port.span, &name,
                        )],
                    }));
                } else {
                    d = d.help("set `port:` to the name of the Service port that serves the actuator, naming that port if it has no name");
                }
                out.push(d);
            }
        }
    }
}

/// PodMonitor `port` names a container port of the selected pods.
fn pod_monitor(cx: &Context<'_>, mi: usize, out: &mut Vec<Diagnostic>) {
    let m = &cx.ws.monitors[mi];
    let pods: Vec<_> = cx
        .ws
        .workloads
        .iter()
        .filter(|w| m.watches_namespace(&w.namespace) && m.selector.matches(&w.pod_labels) == Some(true))
        .collect();
    let Some(first) = pods.first() else { return };
    for ep in &m.endpoints {
        let Some(port) = &ep.port else { continue };
        let ok = pods.iter().any(|w| {
            w.containers
                .iter()
                .any(|c| c.ports.iter().any(|p| p.name.as_deref() == Some(port.value.as_str())))
        });
        if ok {
            continue;
        }
        let c = &first.containers.first();
        let mut d = Diagnostic::new(
            MonitorPortNotFound::META.name,
            MonitorPortNotFound::META.default_severity,
            format!(
                "PodMonitor endpoint port `{}` names no container port of {}, so Prometheus never gets a target from it",
                port.value,
                first.describe()
            ),
            Label::new(port.span, "must be the *name* of a container port"),
        )
        .help(format!(
            "name the container port `{}` (`ports: - name: {} containerPort: …`), or use `portNumber`",
            port.value, port.value
        ));
        if let Some(c) = c {
            d = d.related(c.ports.first().map_or(c.name.span, |p| p.span), "the container's ports");
        }
        out.push(d);
    }
}
