use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Label};
use crate::edit::yaml::replace_scalar;
use crate::link::scrape::{describe_site, through_service, PortReach, Reach};
use crate::link::Deployment;
use crate::link::{Scrape, Via};
use crate::model::spring::Port;
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::Span;
use std::collections::BTreeSet;

declare_rule!(MetricsPortMismatch {
    name: "metrics-port-mismatch",
    category: Scrape,
    severity: Error,
    fix: Sometimes,
    summary: "the port a scrape reaches is not the port the service serves the actuator on",
});

/// A number the fix may replace: a container port, a targetPort, a target's port, an
/// annotation, a `portNumber`; not a Service `port` (clients use it) nor a Compose mapping.
fn editable(cx: &Context<'_>, r: &PortReach) -> bool {
    let raw = cx.sources.text(r.decided_at).trim_matches(|c| c == '"' || c == '\'');
    if raw.parse::<i64>().ok() != Some(r.port) {
        // A target address: its port part was cut out already.
        return false;
    }
    let service_port = cx
        .ws
        .kube_services
        .iter()
        .any(|k| k.ports.iter().any(|p| p.port_span == Some(r.decided_at)));
    let compose = cx
        .ws
        .compose_services
        .iter()
        .any(|c| c.ports.iter().any(|p| p.span == r.decided_at));
    !service_port && !compose
}

impl Rule for MetricsPortMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut seen: BTreeSet<(Span, crate::model::ServiceId)> = BTreeSet::new();
        for sc in &cx.links.scrapes {
            // `0` is a random port: no fixed port reaches it, whatever else is unknown (§19).
            let reached = cx.links.reached(sc);
            let random: Vec<&Port> = reached
                .iter()
                .filter_map(|d| d.actuator.serving.actuator_port().filter(|p| matches!(p, Port::Random(_))))
                .collect();
            if !reached.is_empty() && random.len() == reached.len() {
                if let Reach::Ports(ports) = &sc.reach {
                    if !ports.is_empty() && seen.insert((ports[0].decided_at, sc.service)) {
                        out.push(report_random(cx, sc, ports, random[0].why()));
                    }
                }
                continue;
            }
            let served: Vec<(i64, Option<Span>, &str)> = cx.links.reached(sc).iter().filter_map(|d| served_port(d)).collect();
            // Every deployment it may reach must be missed, and each must be known.
            let Some(&(port, port_span, key)) = served.first() else { continue };
            if served.len() != cx.links.reached(sc).len() || served.iter().any(|s| s.0 != port) {
                continue;
            }
            match &sc.reach {
                Reach::Ports(ports) if !ports.is_empty() && ports.iter().all(|p| p.port != port) => {
                    let first = &ports[0];
                    if !seen.insert((first.decided_at, sc.service)) {
                        continue;
                    }
                    out.push(report(cx, sc, ports, port, port_span, key));
                }
                Reach::Nowhere { reason, span } => {
                    if !seen.insert((*span, sc.service)) {
                        continue;
                    }
                    let svc = &cx.ws.services[sc.service].name;
                    let (site, site_span) = describe_site(cx.ws, &sc.via);
                    let mut d = Diagnostic::new(
                        Self::META.name,
                        Self::META.default_severity,
                        format!("{site} scrapes `{svc}` on a port that leads nowhere: {reason}"),
                        Label::new(*span, "no Service port has this number"),
                    )
                    .service(Some(svc))
                    .help(format!(
                        "use the Service port whose targetPort is `{port}`, the port `{svc}` serves the actuator on"
                    ));
                    if site_span.file != span.file {
                        d = d.related(site_span, format!("scraped by {site}"));
                    }
                    out.push(d);
                }
                _ => {}
            }
        }
    }
}

/// A change at the scrape's own end, when another port already leads to the served one:
/// (where, replacement, what it says).
fn at_site(cx: &Context<'_>, sc: &Scrape, port: i64) -> Option<(Span, String, String)> {
    let ws = cx.ws;
    match &sc.via {
        Via::Monitor {
            monitor,
            endpoint,
            kube_service,
        } => {
            let ep = &ws.monitors[*monitor].endpoints[*endpoint];
            let p = ep.port.as_ref()?;
            let ks = &ws.kube_services[*kube_service];
            let w = cx.links.kube_service_workloads[*kube_service].first().map(|w| &ws.workloads[*w])?;
            let alt = ks
                .ports
                .iter()
                .find(|sp| sp.name.is_some() && through_service(ks, sp, w, None).is_some_and(|r| r.port == port))?;
            let name = alt.name.as_ref()?.value.clone();
            Some((
                p.span,
                name.clone(),
                format!("scrape the Service port `{name}`, which leads to `{port}`"),
            ))
        }
        Via::PodMonitor { monitor, endpoint } => {
            let ep = &ws.monitors[*monitor].endpoints[*endpoint];
            let p = ep.port.as_ref()?;
            let w = cx.links.deployments[sc.service]
                .iter()
                .find_map(|d| d.workload)
                .map(|w| &ws.workloads[w])?;
            let name = w
                .containers
                .iter()
                .flat_map(|c| c.ports.iter())
                .find(|cp| cp.port == port)?
                .name
                .clone()?;
            Some((p.span, name.clone(), format!("scrape the container port `{name}` (`{port}`)")))
        }
        Via::Job { job, target } => {
            let t = &ws.jobs[*job].targets[*target];
            let span = t.port_span(cx.sources)?;
            // Through a Service, the number to use is the Service port that leads to it.
            let via_service = ws.kube_services.iter_enumerated().find_map(|(ki, ks)| {
                let w = cx.links.kube_service_workloads[ki].first().map(|w| &ws.workloads[*w])?;
                if !cx.links.deployments[sc.service]
                    .iter()
                    .any(|d| d.workload.is_some_and(|dw| cx.links.kube_service_workloads[ki].contains(&dw)))
                {
                    return None;
                }
                if !ks.ports.iter().any(|sp| Some(sp.port as u16) == t.port()) {
                    return None;
                }
                ks.ports
                    .iter()
                    .find(|sp| through_service(ks, sp, w, None).is_some_and(|r| r.port == port))
                    .map(|sp| sp.port)
            });
            via_service.map(|sp| {
                (
                    span,
                    sp.to_string(),
                    format!("scrape the Service port `{sp}`, which leads to `{port}`"),
                )
            })
        }
        Via::Annotations { .. } | Via::Registry { .. } => None,
    }
}

/// The scrape reaches fixed ports, and the actuator listens on a port chosen at start-up.
fn report_random(cx: &Context<'_>, sc: &Scrape, ports: &[PortReach], why: &crate::model::spring::Why) -> Diagnostic {
    let svc = &cx.ws.services[sc.service];
    let (site, site_span) = describe_site(cx.ws, &sc.via);
    let first = &ports[0];
    let mut ns: Vec<String> = ports.iter().map(|p| format!("`{}`", p.port)).collect();
    ns.dedup();
    let mut d = Diagnostic::new(
        MetricsPortMismatch::META.name,
        MetricsPortMismatch::META.default_severity,
        format!(
            "{site} scrapes `{}` on port {}, but `{}` serves the actuator on a random port ({}), chosen anew at every start, which no fixed port reaches",
            svc.name,
            ns.join(" or "),
            svc.name,
            why.text
        ),
        Label::new(first.decided_at, format!("reaches port `{}`", first.port)),
    )
    .service(Some(&svc.name))
    .help("set a fixed port for the actuator (`server.port`, or `management.server.port`) and scrape that port, or discover the port at run time (Eureka, Consul, Kubernetes pod discovery)");
    if let Some(s) = why.span {
        d = d.related(s, "a random port is chosen here");
    }
    if site_span.file != first.decided_at.file {
        d = d.related(site_span, format!("scraped by {site}"));
    }
    d
}

fn report(cx: &Context<'_>, sc: &Scrape, ports: &[PortReach], port: i64, port_span: Option<Span>, key: &str) -> Diagnostic {
    let svc = &cx.ws.services[sc.service];
    let (site, site_span) = describe_site(cx.ws, &sc.via);
    let first = &ports[0];
    let reached = if ports.len() == 1 {
        format!("port `{}` ({})", first.port, first.chain)
    } else {
        let mut ns: Vec<String> = ports.iter().map(|p| format!("`{}`", p.port)).collect();
        ns.dedup();
        format!("port {}", ns.join(" or "))
    };
    let served_what = match (port_span.is_some(), key) {
        (true, k) => format!("`{k}`"),
        (false, _) => "Spring Boot's default".to_string(),
    };
    let management = key == "management.server.port";
    // Change the scrape when another port already leads to the actuator; else the value that
    // decided the reached port — unless that is the app's main port behind a management port.
    let site_fix = if ports.len() == 1 { at_site(cx, sc, port) } else { None };
    let (primary, label) = match &site_fix {
        Some((span, _, _)) => (*span, "leads to the wrong port".to_string()),
        None => (first.decided_at, format!("reaches port `{}`", first.port)),
    };
    let mut d = Diagnostic::new(
        MetricsPortMismatch::META.name,
        MetricsPortMismatch::META.default_severity,
        format!(
            "{site} scrapes `{}` on {reached}, but `{}` serves the actuator on port `{port}` ({served_what})",
            svc.name, svc.name
        ),
        Label::new(primary, label),
    )
    .service(Some(&svc.name));
    match port_span {
        Some(s) => d = d.related(s, format!("`{}` serves on `{port}` here", svc.name)),
        None => {
            if let Some(f) = svc.primary_config {
                d = d.related(
                    Span::new(f, cx.sources.get(f).line_range(1)),
                    format!("`{}` sets no `server.port`: it serves on `8080`", svc.name),
                );
            }
        }
    }
    if site_span.file != primary.file {
        d = d.related(site_span, format!("scraped by {site}"));
    }
    if let Some((span, replacement, help)) = site_fix {
        return d.help(help).fix(Some(Fix {
            title: format!("scrape `{replacement}`"),
            applicability: Applicability::Unsafe,
            edits: vec![replace_scalar(cx.sources, span, &replacement)],
        }));
    }
    // A container port that is the app's main port (actuator on a management port): the
    // declaration is right, the scrape is what must move.
    let container_port = cx
        .ws
        .workloads
        .iter()
        .any(|w| w.containers.iter().any(|c| c.ports.iter().any(|p| p.port_span == first.decided_at)));
    let annotation = cx
        .ws
        .workloads
        .iter()
        .any(|w| w.pod_annotation_entries.iter().any(|a| a.value_span == first.decided_at))
        || cx
            .ws
            .kube_services
            .iter()
            .any(|k| k.annotations.iter().any(|a| a.value_span == first.decided_at));
    let main_port_reached = container_port
        && management
        && cx.links.reached(sc).iter().any(|dep| {
            let main = dep
                .effective
                .value("server.port")
                .and_then(|v| v.trim().parse::<i64>().ok())
                .unwrap_or(8080);
            main == first.port
        });
    // A Service port without `targetPort` forwards to the same number: add the targetPort.
    let bare = cx
        .ws
        .kube_services
        .iter()
        .flat_map(|k| k.ports.iter())
        .find(|p| p.port_span == Some(first.decided_at) && p.target_port.is_none());
    if let (Some(sp), 1) = (bare, ports.len()) {
        return d
            .help(format!(
                "add `targetPort: {port}` to the Service port: without it the Service forwards to container port `{}`",
                sp.port
            ))
            .fix(Some(Fix {
                title: format!("add `targetPort: {port}`"),
                applicability: Applicability::Unsafe,
                edits: vec![crate::edit::yaml::insert_sibling_key(
                    cx.sources,
                    sp.span,
                    first.decided_at,
                    &format!("targetPort: {port}"),
                )],
            }));
    }
    if let Via::Registry { job, sd, name, .. } = &sc.via {
        return d.help(registry_help(cx, *job, *sd, name, port, first));
    }
    if let Via::Annotations { .. } = sc.via {
        if !cx
            .ws
            .workloads
            .iter()
            .any(|w| w.pod_annotation_entries.iter().any(|a| a.value_span == first.decided_at))
        {
            return d.help(format!("annotate the pod template with `prometheus.io/port: \"{port}\"`"));
        }
    }
    d = d.help(if annotation {
        format!("set `prometheus.io/port: \"{port}\"`")
    } else if management {
        format!("the actuator is on the management port `{port}`: point the scrape at a port that leads to `{port}` (a Service port with `targetPort: {port}`, or the container port)")
    } else {
        format!("point the scrape at port `{port}`, or serve the actuator on port `{}`", first.port)
    });
    // In a kustomize build, a base file is shared by every overlay: only this build's own
    // files are edited.
    let build_dir = cx.links.reached(sc).iter().find_map(|dep| {
        let g = cx.ws.workloads[dep.workload?].origin.group?;
        cx.ws.wiring.builds.get(g).map(|b| b.dir.clone())
    });
    let in_build = |span: Span, dir: &str| dir.is_empty() || cx.sources.path(span.file).starts_with(&format!("{dir}/"));
    // Only when the overlay itself changed the served port is the base's value right elsewhere.
    let own_file = build_dir
        .as_ref()
        .is_none_or(|dir| in_build(first.decided_at, dir) || !port_span.is_some_and(|s| in_build(s, dir)));
    if let (false, Some(dir)) = (own_file, &build_dir) {
        d.help = Some(format!(
            "`kustomize build {dir}` changes the served port to `{port}`, but this port comes from a shared base: patch it to `{port}` in `{dir}` too"
        ));
    }
    if ports.len() == 1 && editable(cx, first) && !main_port_reached && own_file {
        d = d.fix(Some(Fix {
            title: format!("use port `{port}`"),
            applicability: Applicability::Unsafe,
            edits: vec![replace_scalar(cx.sources, first.decided_at, &port.to_string())],
        }));
    }
    d
}

/// What to change for a registry job: the port comes from what the service registers, which
/// is right for its other clients; the job must ask for the actuator's port (semantics of
/// Spring Cloud Netflix's `management.port` metadata and Spring Cloud Consul's management
/// service, see the rule's documentation).
fn registry_help(cx: &Context<'_>, job: crate::model::JobId, sd: usize, name: &str, port: i64, first: &PortReach) -> String {
    use crate::model::discovery::RegistryKind;
    let kind = cx.ws.jobs[job].registry_sd[sd].kind;
    if first.chain.contains("relabelling") {
        return format!("make the job's relabelling write port `{port}` into `__address__`");
    }
    match kind {
        RegistryKind::Eureka => format!(
            "rewrite `__address__` with the instance's `management.port` metadata, which Spring Cloud Netflix registers as `{port}` (`source_labels: [__address__, __meta_eureka_app_instance_metadata_management_port]`, `regex: ([^:]+)(?::\\d+)?;(\\d+)`, `replacement: $1:$2`)"
        ),
        RegistryKind::Consul => format!(
            "list the service `{name}-management`, which Spring Cloud Consul registers with the actuator's port `{port}`, instead of `{name}`"
        ),
    }
}

/// The fixed port a deployment serves actuator on, where that was decided, and the property
/// that decides it; `None` when there is no HTTP actuator or the port is not a known number.
fn served_port(d: &Deployment) -> Option<(i64, Option<Span>, &'static str)> {
    let sv = &d.actuator.serving;
    match sv.actuator_port()? {
        Port::Fixed(p, why) => Some((i64::from(*p), why.span, sv.actuator_port_key())),
        _ => None,
    }
}
