use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Label};
use crate::link::scrape::{describe_site, served_port, PortReach, Reach};
use crate::link::Scrape;
use crate::rules::scrape::metrics_path_mismatch::replace_scalar;
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
    let compose = cx.ws.compose_services.iter().any(|c| c.ports.iter().any(|p| p.span == r.decided_at));
    !service_port && !compose
}

impl Rule for MetricsPortMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut seen: BTreeSet<(Span, usize)> = BTreeSet::new();
        for sc in &cx.links.scrapes {
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
    let mut d = Diagnostic::new(
        MetricsPortMismatch::META.name,
        MetricsPortMismatch::META.default_severity,
        format!(
            "{site} scrapes `{}` on {reached}, but `{}` serves the actuator on port `{port}` ({served_what})",
            svc.name, svc.name
        ),
        Label::new(first.decided_at, format!("reaches port `{}`", first.port)),
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
    if site_span.file != first.decided_at.file {
        d = d.related(site_span, format!("scraped by {site}"));
    }
    let management = key == "management.server.port";
    d = d.help(if management {
        format!("the actuator is on the management port `{port}`: point the scrape at a port that leads to `{port}` (a Service port with `targetPort: {port}`, or the container port)")
    } else {
        format!("point the scrape at port `{port}`, or serve the actuator on port `{}`", first.port)
    });
    if ports.len() == 1 && editable(cx, first) {
        d = d.fix(Some(Fix {
            title: format!("use port `{port}`"),
            applicability: Applicability::Unsafe,
            edits: vec![replace_scalar(cx.sources, first.decided_at, &port.to_string())],
        }));
    }
    d
}
