use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::edit::probe::fix;
use crate::link::probes::{Mismatch, Side, WrongPort};
use crate::model::spring::{Port, Serving};
use crate::rules::wording::{probe_asks, probe_who};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule!(ProbePortMismatch {
    name: "probe-port-mismatch",
    category: Probes,
    severity: Error,
    fix: Sometimes,
    summary: "a probe's port is not where the service serves what it requests, or names no container port",
});

impl Rule for ProbePortMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for m in &cx.links.probe_mismatches {
            let name = cx.ws.services[m.service].name.as_str();
            let sv = &cx.links.deployments[m.service][m.deployment].actuator.serving;
            let container = &cx.ws.workloads[m.workload].containers[m.container];
            let d = match &m.mismatch {
                Mismatch::PortNameUnknown { name: port, at, suggest } => {
                    let mut d = Diagnostic::new(
                        Self::META.name,
                        Severity::Error,
                        format!(
                            "{} uses port `{port}`, but container `{}` has no port named `{port}`, so the kubelet cannot resolve it and every probe fails",
                            probe_who(cx.ws, m),
                            container.name.value
                        ),
                        Label::new(at.span(), "names no container port"),
                    )
                    .service(Some(name));
                    if let Some(first) = container.ports.first() {
                        let names: Vec<String> = container
                            .ports
                            .iter()
                            .map(|cp| {
                                cp.name
                                    .as_ref()
                                    .map_or(format!("`{}`", cp.port), |n| format!("`{n}` ({})", cp.port))
                            })
                            .collect();
                        d = d.related(first.span, format!("the container's ports: {}", names.join(", ")));
                    }
                    match suggest {
                        Some(s) => d
                            .help(format!("use `port: {s}`, where `{name}` serves what the probe asks for"))
                            .fix(fix(cx.sources, at, s, format!("probe port `{s}`"))),
                        None => d.help("name an existing container port, or use the port number"),
                    }
                }
                Mismatch::GrpcPortNotNumber { name: port, at, number } => {
                    let d = Diagnostic::new(
                        Self::META.name,
                        Severity::Error,
                        format!(
                            "{} uses gRPC on port `{port}`, but a gRPC probe takes a port number, not a name or a string, so the API server rejects it",
                            probe_who(cx.ws, m)
                        ),
                        Label::new(at.span(), "not a number"),
                    )
                    .service(Some(name));
                    match number {
                        Some(n) => d
                            .help(format!("use `port: {n}`"))
                            .fix(fix(cx.sources, at, &n.to_string(), format!("probe port `{n}`"))),
                        None => d.help("use the number of the port the gRPC server listens on"),
                    }
                }
                Mismatch::Port {
                    asks,
                    at,
                    why,
                    side,
                    suggest,
                } => {
                    let why = match why {
                        WrongPort::ServedOn(port) => format!("`{name}` serves it on port `{port}`"),
                        WrongPort::NothingListens => format!("nothing in `{name}` listens there: it serves {}", listening(sv)),
                    };
                    // A Knative probe that names no port goes to the serving port.
                    let knative = container
                        .knative_port
                        .as_ref()
                        .filter(|_| matches!(at, crate::link::probes::Place::Fixed(_)) && probe_names_no_port(container, m.probe));
                    let label = match knative {
                        Some(kp) => format!("names no port: Knative sends it to the serving port `{}`", kp.value),
                        None => "wrong port".into(),
                    };
                    let mut d = Diagnostic::new(
                        Self::META.name,
                        Severity::Error,
                        format!("{}, but {why}", probe_asks(cx.ws, m, asks)),
                        Label::new(at.span(), label),
                    )
                    .service(Some(name));
                    if let Some(l) = port_label(sv, *side) {
                        d.related.push(l);
                    }
                    match suggest {
                        Some(value) if knative.is_some() => d.help(format!(
                            "serve it on the serving port, or add `port: {value}` to the probe if your Knative version accepts a probe port other than the serving port"
                        )),
                        Some(value) => {
                            d.help(format!("use port `{value}`"))
                                .fix(fix(cx.sources, at, value, format!("probe port `{value}`")))
                        }
                        None => d.help("probe the port the app serves HTTP on"),
                    }
                }
                Mismatch::Path { .. } | Mismatch::Scheme { .. } => continue,
            };
            out.push(d);
        }
    }
}

/// Where the port of the server that serves the request is set.
fn port_label(sv: &Serving, side: Side) -> Option<Label> {
    match side {
        Side::Main => sv.server_port.span().map(|s| Label::new(s, "the main server's port")),
        Side::Management => sv
            .management_port
            .as_ref()
            .and_then(Port::span)
            .map(|s| Label::new(s, "actuator's own port")),
        Side::Other => None,
    }
}

/// "HTTP on port `8080` and actuator on port `8081`"
fn listening(sv: &Serving) -> String {
    let s = sv.main_port().map_or(String::new(), |p| format!("HTTP on port `{p}`"));
    match sv.management_port() {
        Some(m) => format!("{s} and actuator on port `{m}`"),
        None => s,
    }
}

fn probe_names_no_port(c: &crate::model::kube::Container, probe: usize) -> bool {
    use crate::model::kube::Handler;
    matches!(
        c.probes.get(probe).map(|p| &p.handler),
        Some(Handler::HttpGet { port: None, .. } | Handler::TcpSocket { port: None })
    )
}
