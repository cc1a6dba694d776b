use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Label};
use crate::edit;
use crate::model::kube::{MonitorKind, PortRef, Workload};
use crate::model::{MonitorId, WorkloadId};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule!(MonitorPortNotFound {
    name: "monitor-port-not-found",
    category: Scrape,
    severity: Error,
    fix: Sometimes,
    summary: "a monitor endpoint names no port of what it selects (Service port name, or container port name/number)",
});

impl Rule for MonitorPortNotFound {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (mi, m) in cx.ws.monitors.iter_enumerated() {
            // Objects the repository cannot show (unrendered charts, remote bases) may have it.
            if cx.ws.wiring.objects_may_be_missing(&m.origin) {
                continue;
            }
            if m.kind == MonitorKind::Pod {
                container_ports(cx, mi, &cx.links.monitor_pods[mi], out);
                continue;
            }
            let backing: Vec<WorkloadId> = cx.links.monitor_services[mi]
                .iter()
                .flat_map(|k| cx.links.kube_service_workloads[*k].iter().copied())
                .collect();
            container_ports(cx, mi, &backing, out);
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
                    if let Some(si) = cx.links.service_of_workload(*w) {
                        d = d.service(Some(&cx.ws.services[si].name));
                    }
                }
                if ks.ports.len() == 1 && names.is_empty() && services.len() == 1 {
                    d = d.help(format!(
                        "name the Service port `{}`, or set `port:` to the name of an existing port",
                        port.value
                    ));
                    let sp = &ks.ports[0];
                    if let Some(e) = edit::yaml::insert_first_key(cx.sources, cx.parsed, sp.span, "name", &port.value) {
                        d = d.fix(Some(Fix {
                            title: "name the Service port".into(),
                            applicability: Applicability::Safe,
                            edits: vec![e],
                        }));
                    }
                } else if names.len() == 1 {
                    let name = names[0].trim_matches('`').to_string();
                    d = d.help(format!("set `port: {name}`, the name of the Service's port"));
                    d = d.fix(Some(Fix {
                        title: format!("scrape the Service port `{name}`"),
                        applicability: Applicability::Unsafe,
                        edits: vec![crate::edit::yaml::replace_scalar(cx.sources, port.span, &name)],
                    }));
                } else {
                    d = d.help("set `port:` to the name of the Service port that serves the actuator, naming that port if it has no name");
                }
                out.push(d);
            }
        }
    }
}

/// How a monitor endpoint names a container port: by name or by number; both must be declared
/// in `containers[].ports` (the operator filters on `__meta_kubernetes_pod_container_port_*`).
enum Wanted<'a> {
    Name(&'a str),
    Number(i64),
}

fn declared(workloads: &[&Workload], want: &Wanted<'_>) -> bool {
    workloads.iter().any(|w| {
        w.containers.iter().any(|c| {
            c.ports.iter().any(|p| match want {
                Wanted::Name(n) => p.name.as_deref() == Some(*n),
                Wanted::Number(n) => p.port == *n,
            })
        })
    })
}

fn ports_of(w: &Workload) -> String {
    let ps: Vec<String> = w
        .containers
        .iter()
        .flat_map(|c| c.ports.iter())
        .map(|p| match &p.name {
            Some(n) => format!("`{n}` ({})", p.port),
            None => format!("an unnamed `{}`", p.port),
        })
        .collect();
    if ps.is_empty() {
        "no ports".into()
    } else {
        ps.join(", ")
    }
}

/// Endpoints that name container ports: PodMonitor `port`/`portNumber`/`targetPort`,
/// ServiceMonitor `targetPort` (when there is no `port`).
fn container_ports(cx: &Context<'_>, mi: MonitorId, ids: &[WorkloadId], out: &mut Vec<Diagnostic>) {
    let m = &cx.ws.monitors[mi];
    let Some(&first_id) = ids.first() else { return };
    let workloads: Vec<&Workload> = ids.iter().map(|w| &cx.ws.workloads[*w]).collect();
    let first = workloads[0];
    for ep in &m.endpoints {
        let (what, want, span) = if m.kind == MonitorKind::Pod {
            if let Some(p) = &ep.port {
                ("port", Wanted::Name(p.value.as_str()), p.span)
            } else if let Some(n) = &ep.port_number {
                ("portNumber", Wanted::Number(n.value), n.span)
            } else if let Some(t) = &ep.target_port {
                match &t.value {
                    PortRef::Name(n) => ("targetPort", Wanted::Name(n.as_str()), t.span),
                    PortRef::Number(n) => ("targetPort", Wanted::Number(*n), t.span),
                }
            } else {
                continue;
            }
        } else {
            if ep.port.is_some() {
                continue;
            }
            let Some(t) = &ep.target_port else { continue };
            match &t.value {
                PortRef::Name(n) => ("targetPort", Wanted::Name(n.as_str()), t.span),
                PortRef::Number(n) => ("targetPort", Wanted::Number(*n), t.span),
            }
        };
        if declared(&workloads, &want) {
            continue;
        }
        let shown = match &want {
            Wanted::Name(n) => format!("`{n}`"),
            Wanted::Number(n) => format!("`{n}`"),
        };
        let (kind_of, must) = match want {
            Wanted::Name(_) => ("names", "must be the *name* of a container port"),
            Wanted::Number(_) => ("is", "must be a declared `containerPort`"),
        };
        let mut d = Diagnostic::new(
            MonitorPortNotFound::META.name,
            MonitorPortNotFound::META.default_severity,
            format!(
                "{} endpoint {what} {shown} {kind_of} no container port of {}, so Prometheus never gets a target from it",
                m.kind_name(),
                first.describe()
            ),
            Label::new(span, must),
        );
        let c = first.containers.first();
        if let Some(c) = c {
            d = d.related(
                c.ports.first().map_or(c.name.span, |p| p.span),
                format!("the pods declare {}", ports_of(first)),
            );
        }
        if let Some(si) = cx.links.service_of_workload(first_id) {
            d = d.service(Some(&cx.ws.services[si].name));
        }
        d = d.help(match want {
            Wanted::Name(n) => format!("name the container port `{n}` (`ports: - name: {n}` with its `containerPort`), or use `portNumber`"),
            Wanted::Number(n) => format!("declare `containerPort: {n}` in the container's `ports` (the operator only scrapes declared ports), or point the endpoint at a declared port"),
        });
        out.push(d);
    }
}
