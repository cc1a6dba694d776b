//! What each probe requests (semantics §3, §4, §9.1) — the `httpGet` path, port and scheme, a
//! `tcpSocket` or `grpc` port, the URL of a `curl`/`wget` in an `exec` probe — against what
//! the deployment serves: the main server (context path, servlet path, `server:` additional
//! paths), the actuator on its own port or the main one (management base path,
//! `management.endpoints.web.base-path`, path mapping, health groups) and TLS on each.
//!
//! Computed once; `probe-path-not-served`, `probe-port-mismatch` and the probe half of
//! `tls-scheme-mismatch` each word the mismatches of their kind. What the repository cannot
//! tell is never a mismatch: a path outside the actuator that a controller may serve, a port
//! some other listener may open, a service whose config comes from a Config Server or a
//! placeholder.

use super::Deployment;
use crate::ids::IdVec;
use crate::model::build::{find_artifact, Presence, ACTUATOR_ARTIFACTS, ACTUATOR_GROUP};
use crate::model::exec::HttpCall;
use crate::model::kube::{Container, Handler, PortRef, Probe, ProbeKind, Workload};
use crate::model::spring::routes::Serves;
use crate::model::spring::{Namespace, PortType, Service, Serving};
use crate::model::{ServiceId, WorkloadId, Workspace};
use crate::source::{SourceSet, Span, Spanned};

mod served;

/// Health components Boot registers by itself: a probe on `/actuator/health/db` is fine.
const COMPONENTS: &[&str] = &[
    "ping",
    "diskSpace",
    "livenessState",
    "readinessState",
    "db",
    "redis",
    "mongo",
    "rabbit",
    "kafka",
    "elasticsearch",
    "cassandra",
    "couchbase",
    "hazelcast",
    "influxdb",
    "jms",
    "ldap",
    "mail",
    "neo4j",
    "ssl",
    "refreshScope",
    "discoveryComposite",
    "configServer",
    "circuitBreakers",
    "rateLimiters",
    "binders",
    "vault",
];

/// Boot's own endpoint ids: under an actuator base path shared with controllers (`/`), only
/// these are known to be actuator's.
const ENDPOINTS: &[&str] = &[
    "auditevents",
    "beans",
    "caches",
    "conditions",
    "configprops",
    "env",
    "flyway",
    "health",
    "heapdump",
    "httpexchanges",
    "httptrace",
    "info",
    "integrationgraph",
    "liquibase",
    "logfile",
    "loggers",
    "mappings",
    "metrics",
    "prometheus",
    "quartz",
    "sbom",
    "scheduledtasks",
    "sessions",
    "shutdown",
    "startup",
    "threaddump",
];

/// A container that runs a service, with its probes and the config it runs with.
pub struct ProbedContainer<'a> {
    pub service_id: ServiceId,
    pub service: &'a Service,
    pub workload_id: WorkloadId,
    pub workload: &'a Workload,
    pub container_id: usize,
    pub container: &'a Container,
    pub deployment_id: usize,
    pub deployment: &'a Deployment,
}

/// Every Kubernetes container that runs a service, in service order.
pub fn containers<'a>(ws: &'a Workspace, deployments: &'a IdVec<ServiceId, Vec<Deployment>>) -> Vec<ProbedContainer<'a>> {
    let mut out = Vec::new();
    for (si, deps) in deployments.iter_enumerated() {
        for (di, d) in deps.iter().enumerate() {
            if let (Some(w), Some(c)) = (d.workload, d.container) {
                let workload = &ws.workloads[w];
                out.push(ProbedContainer {
                    service_id: si,
                    service: &ws.services[si],
                    workload_id: w,
                    workload,
                    container_id: c,
                    container: &workload.containers[c],
                    deployment_id: di,
                    deployment: d,
                });
            }
        }
    }
    out
}

/// Where a part of the request is written: to point at it and to change it.
#[derive(Clone, Debug)]
pub enum Place {
    /// A YAML scalar (quotes kept for names and paths, dropped for numbers).
    Scalar(Span),
    /// Text inside an exec command, found verbatim.
    Text(Span),
    /// Absent from an `httpGet` mapping: `key: value` goes first in it; `label` is `httpGet:`.
    Insert { mapping: Span, key: &'static str, label: Span },
    /// Absent from a URL: `{before}{value}{after}` goes at this point.
    InsertText {
        at: Span,
        before: &'static str,
        after: &'static str,
    },
    /// Nowhere we can edit.
    Fixed(Span),
}

impl Place {
    pub fn span(&self) -> Span {
        match self {
            Place::Scalar(s) | Place::Text(s) | Place::Fixed(s) => *s,
            Place::Insert { label, .. } => *label,
            Place::InsertText { at, .. } => *at,
        }
    }
}

/// One HTTP request a probe makes.
struct Request {
    path: String,
    path_at: Place,
    port: PortRef,
    port_at: Place,
    https: bool,
    scheme_at: Place,
    how: How,
}

/// How a probe makes its request.
#[derive(Clone, Debug)]
pub enum How {
    /// `httpGet`.
    HttpGet,
    /// A `curl`/`wget` in an `exec` probe: the command as written.
    Exec(String),
    /// `tcpSocket`: a connection, no request.
    Tcp,
}

/// What a probe asks for: where it goes and how.
#[derive(Clone, Debug)]
pub struct Asks {
    pub how: How,
    /// The request path without query or fragment (empty for TCP).
    pub path: String,
    pub port: i64,
}

/// The server a port reaches.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Side {
    Main,
    Management,
    Other,
}

/// Why a path is not served on the port a request reaches.
#[derive(Clone, Debug)]
pub enum NotServed {
    /// The main server serves nothing outside `server.servlet.context-path`.
    OutsideContextPath(String),
    /// `management.server.port: -1`.
    ManagementDisabled,
    /// Actuator runs on its own port (this one).
    ActuatorOnPort(u16),
    /// Actuator endpoints are under this root.
    ActuatorUnder(String),
    /// The management server serves only actuator endpoints, under `root` ("/" when empty).
    ManagementOnlyActuator { port: u16, root: String },
    /// A health group that does not exist, with the one it most likely meant.
    NotAGroup { group: String, groups: Vec<String>, near: String },
    /// The health endpoint is mapped elsewhere (`root` + `sub`).
    HealthMappedTo(String),
    /// The endpoint is not exposed over HTTP.
    NotExposed(String),
    /// Served, but at another path.
    ServedAt(String),
    /// Shaped like an actuator path without its base path (`/health/liveness`), and no request
    /// mapping of the application (`files` sources read) serves it.
    NotMapped { root: String, files: usize },
}

/// Why the port of a request is wrong.
#[derive(Clone, Debug)]
pub enum WrongPort {
    /// What the request asks for is served on this port.
    ServedOn(u16),
    /// Nothing the service runs listens on the port.
    NothingListens,
}

/// A mismatch between what a probe requests and what the deployment serves.
#[derive(Clone, Debug)]
pub enum Mismatch {
    /// `port: name` names no port of the container. `suggest`: the port (as the probe should
    /// write it) that serves what the probe asks for, when known.
    PortNameUnknown { name: String, at: Place, suggest: Option<String> },
    /// A gRPC probe's port is a name or a string; `number` is what it resolves to.
    GrpcPortNotNumber { name: String, at: Place, number: Option<i64> },
    /// The request reaches a port that does not serve it. `side`: the server that does (for
    /// its port's label); `suggest`: the port as the probe should write it.
    Port {
        asks: Asks,
        at: Place,
        why: WrongPort,
        side: Side,
        suggest: Option<String>,
    },
    /// The path is not served on the port the request reaches; `suggest`: the path that is.
    Path {
        asks: Asks,
        at: Place,
        reason: NotServed,
        suggest: Option<String>,
    },
    /// The request's scheme is not what the server serves (`tls`: whether it serves TLS).
    Scheme {
        asks: Asks,
        at: Place,
        tls: bool,
        /// Where TLS is configured or turned off.
        decided: Option<Span>,
    },
}

/// A mismatch of one probe of one container of one deployment.
#[derive(Clone, Debug)]
pub struct ProbeMismatch {
    pub service: ServiceId,
    /// Index into the service's deployments.
    pub deployment: usize,
    pub workload: WorkloadId,
    pub container: usize,
    /// Index into the container's probes.
    pub probe: usize,
    pub mismatch: Mismatch,
}

/// Whether a path is served on a port: `Unknown` when the repository cannot tell (a
/// controller may serve it).
pub enum Served {
    Yes,
    Unknown,
    No(NotServed),
}

struct Check<'a> {
    ws: &'a Workspace,
    t: &'a ProbedContainer<'a>,
    probe: usize,
    sv: &'a Serving,
    out: &'a mut Vec<ProbeMismatch>,
}

/// Why what a container's service serves cannot be compared with what its probes request,
/// if it cannot. Unknown is not wrong: a Config Server, a placeholder or a random port.
fn not_comparable(ws: &Workspace, t: &ProbedContainer<'_>) -> Option<String> {
    let sv = &t.deployment.actuator.serving;
    if !t.service.remote_config.is_empty() {
        return Some(format!(
            "`{}` imports configuration from a Config Server, which may change what it serves",
            t.service.name
        ));
    }
    if let Some(w) = sv.unknown() {
        return Some(w.text);
    }
    if sv.main_port().is_none() {
        return Some(format!(
            "the main server's port is not a fixed number ({})",
            sv.server_port.why().text
        ));
    }
    // No web server at all (semantics Appendix B 9, unverified): nothing to compare with.
    if t.deployment
        .effective
        .value("spring.main.web-application-type")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("none"))
    {
        return Some("`spring.main.web-application-type: none`: the application starts no web server".to_string());
    }
    // WebFlux ignores `server.servlet.context-path`; with both set, what is served is unclear.
    if !sv.context_path.is_empty() && reactive(ws, t) {
        return Some(
            "a WebFlux application with `server.servlet.context-path` set, which WebFlux ignores: what it serves is unclear".to_string(),
        );
    }
    None
}

/// What a probe asks for, before its port is resolved.
enum Asked {
    Http(Request),
    Tcp(PortRef, Place),
}

/// The requests a probe makes: its `httpGet`, each local `curl`/`wget` of its command, or
/// its TCP connection.
fn asked(sources: &SourceSet, c: &Container, p: &Probe) -> Vec<Asked> {
    match &p.handler {
        Handler::HttpGet {
            path,
            port: Some(port),
            scheme,
            host: None,
            span,
        } => vec![Asked::Http(http_get(p, path, scheme, *span, port.value.clone(), |_| {
            Place::Scalar(port.span)
        }))],
        // Knative sends a probe that names no port to the serving port; a fix cannot move
        // the probe elsewhere.
        Handler::HttpGet {
            path,
            port: None,
            scheme,
            host: None,
            span,
        } => match &c.knative_port {
            Some(kp) => vec![Asked::Http(http_get(
                p,
                path,
                scheme,
                *span,
                PortRef::Number(kp.value),
                Place::Fixed,
            ))],
            None => vec![],
        },
        Handler::TcpSocket { port: None } => match &c.knative_port {
            Some(kp) => vec![Asked::Tcp(
                PortRef::Number(kp.value),
                Place::Fixed(p.handler_span.unwrap_or(p.key_span)),
            )],
            None => vec![],
        },
        Handler::Exec { calls, .. } => calls
            .iter()
            .filter_map(|call| exec_request(sources, call))
            .map(Asked::Http)
            .collect(),
        Handler::TcpSocket { port: Some(port) } => vec![Asked::Tcp(port.value.clone(), Place::Scalar(port.span))],
        _ => vec![],
    }
}

/// Every mismatch of every probe of every container that runs a service.
pub fn mismatches(ws: &Workspace, sources: &SourceSet, deployments: &IdVec<ServiceId, Vec<Deployment>>) -> Vec<ProbeMismatch> {
    let mut out = Vec::new();
    for t in containers(ws, deployments) {
        if not_comparable(ws, &t).is_some() {
            continue;
        }
        let sv = &t.deployment.actuator.serving;
        for (pi, p) in t.container.probes.iter().enumerate() {
            let mut c = Check {
                ws,
                t: &t,
                probe: pi,
                sv,
                out: &mut out,
            };
            if let Handler::Grpc { port: Some(port) } = &p.handler {
                c.grpc(&port.value, Place::Scalar(port.span));
            }
            for a in asked(sources, t.container, p) {
                match a {
                    Asked::Http(req) => c.http(req),
                    Asked::Tcp(port, at) => c.tcp(&port, at),
                }
            }
        }
    }
    out
}

/// One request of a probe as the kubelet (or the probe's command) sends it, and what the
/// deployment serves where it arrives: for display (the editor's hover). Resolved and
/// answered by the same code as the mismatches.
pub struct Requested {
    pub how: How,
    pub https: bool,
    /// The path without query or fragment (empty for TCP).
    pub path: String,
    /// The port as written.
    pub port: PortRef,
    /// Its number: `None` for a name the container does not declare.
    pub number: Option<i64>,
    /// The name of the container port with that number.
    pub port_name: Option<String>,
    /// What is served there, or why that cannot be known.
    pub there: Result<There, String>,
}

/// What the deployment serves on the port a request reaches.
pub struct There {
    pub side: Side,
    /// Whether the path is served (always `Unknown` for TCP).
    pub served: Served,
    /// Something besides the application's HTTP servers may listen on that port (the
    /// container declares it, or a property is set to it).
    pub other_listener: bool,
}

/// What probe `probe` of a container requests, request by request.
pub fn requested(ws: &Workspace, sources: &SourceSet, t: &ProbedContainer<'_>, probe: usize) -> Vec<Requested> {
    let reason = not_comparable(ws, t);
    let mut scratch = Vec::new();
    let c = Check {
        ws,
        t,
        probe,
        sv: &t.deployment.actuator.serving,
        out: &mut scratch,
    };
    let named = |n: i64| t.container.ports.iter().find(|cp| cp.port == n).and_then(|cp| cp.name.clone());
    let number = |port: &PortRef| match port {
        PortRef::Number(n) => Some(*n),
        PortRef::Name(name) => t.container.port_named(name).map(|cp| cp.port),
    };
    asked(sources, t.container, &t.container.probes[probe])
        .into_iter()
        .map(|a| {
            let (how, https, path, port) = match a {
                Asked::Http(req) => (req.how, req.https, normalize(&req.path), req.port),
                Asked::Tcp(port, _) => (How::Tcp, false, String::new(), port),
            };
            let n = number(&port);
            let there = match (&reason, n) {
                (Some(r), _) => Err(r.clone()),
                (None, None) => Err(format!("the container declares no port named `{}`", port.describe())),
                (None, Some(n)) => {
                    let side = c.side(n);
                    Ok(There {
                        side,
                        served: if matches!(how, How::Tcp) {
                            Served::Unknown
                        } else {
                            c.served_on(side, &path)
                        },
                        other_listener: c.maybe_listens(n),
                    })
                }
            };
            Requested {
                how,
                https,
                path,
                port_name: n.and_then(named),
                number: n,
                port,
                there,
            }
        })
        .collect()
}

/// A request path as the server sees it: without query or fragment, starting with `/`.
fn normalize(path: &str) -> String {
    let p = path.split(['?', '#']).next().unwrap_or("");
    if p.starts_with('/') {
        p.to_string()
    } else {
        format!("/{p}")
    }
}

/// The request of an `httpGet` probe; `port_at` gets the `httpGet:` label.
fn http_get(
    p: &Probe,
    path: &Option<Spanned<String>>,
    scheme: &Option<Spanned<String>>,
    span: Span,
    port: PortRef,
    port_at: impl Fn(Span) -> Place,
) -> Request {
    let label = p.handler_span.map_or(p.key_span, |h| Span::new(h.file, h.start..h.start + 7));
    Request {
        path: path.as_ref().map_or("/".to_string(), |x| x.value.clone()),
        path_at: path.as_ref().map_or(
            Place::Insert {
                mapping: span,
                key: "path",
                label,
            },
            |x| Place::Scalar(x.span),
        ),
        port,
        port_at: port_at(label),
        https: scheme.as_ref().is_some_and(|s| s.value.eq_ignore_ascii_case("https")),
        scheme_at: scheme.as_ref().map_or(
            Place::Insert {
                mapping: span,
                key: "scheme",
                label,
            },
            |x| Place::Scalar(x.span),
        ),
        how: How::HttpGet,
    }
}

fn reactive(ws: &Workspace, t: &ProbedContainer<'_>) -> bool {
    let has = |a: &str| {
        matches!(
            find_artifact(&ws.modules, t.service.module, "org.springframework.boot", &[a]),
            Presence::Present(_)
        )
    };
    has("spring-boot-starter-webflux") && !has("spring-boot-starter-web")
}

/// The request a `curl`/`wget` to this pod makes, with the places of its parts in the file.
fn exec_request(sources: &SourceSet, call: &HttpCall) -> Option<Request> {
    let url = call.url.as_ref().filter(|u| u.is_local())?;
    let path = url.path.clone()?;
    let port = url.port?;
    let raw = sources.text(call.item);
    let fixed = Place::Fixed(call.item);
    // The URL's own text in the file, when it appears exactly once.
    let url_at = (raw.matches(url.raw.as_str()).count() == 1)
        .then(|| raw.find(url.raw.as_str()))
        .flatten()
        .map(|i| call.item.start + i as u32);
    let (path_at, port_at, scheme_at) = match url_at {
        None => (fixed.clone(), fixed.clone(), fixed),
        Some(start) => {
            let u = &url.raw;
            let scheme_len = u.find("://").map_or(0, |i| i + 3);
            let auth_end = u[scheme_len..].find(['/', '?', '#']).map_or(u.len(), |i| scheme_len + i);
            let at = |a: usize, b: usize| Span::new(call.item.file, start + a as u32..start + b as u32);
            let path_end = u[auth_end..].find(['?', '#']).map_or(u.len(), |i| auth_end + i);
            let path_at = if u[auth_end..path_end].contains('$') {
                Place::Fixed(at(0, u.len()))
            } else if auth_end == path_end {
                Place::InsertText {
                    at: at(auth_end, auth_end),
                    before: "",
                    after: "",
                }
            } else {
                Place::Text(at(auth_end, path_end))
            };
            let port_at = match u[scheme_len..auth_end].rfind(':').map(|i| scheme_len + i) {
                Some(colon) if url.port_explicit && !u[colon..auth_end].contains('$') && !u[colon..auth_end].contains(']') => {
                    Place::Text(at(colon + 1, auth_end))
                }
                _ if !url.port_explicit => Place::InsertText {
                    at: at(auth_end, auth_end),
                    before: ":",
                    after: "",
                },
                _ => Place::Fixed(at(0, u.len())),
            };
            let scheme_at = if scheme_len > 0 {
                Place::Text(at(0, scheme_len - 3))
            } else {
                Place::InsertText {
                    at: at(0, 0),
                    before: "",
                    after: "://",
                }
            };
            (path_at, port_at, scheme_at)
        }
    };
    Some(Request {
        path,
        path_at,
        port: PortRef::Number(port),
        port_at,
        https: url.https,
        scheme_at,
        how: How::Exec(call.text.clone()),
    })
}

/// The probe a mismatch is about.
pub fn probe_of<'a>(ws: &'a Workspace, m: &ProbeMismatch) -> &'a Probe {
    &ws.workloads[m.workload].containers[m.container].probes[m.probe]
}

/// The HTTP probes of a Kubernetes deployment's container: (kind, path).
pub fn http_probes<'a>(ws: &'a Workspace, d: &Deployment) -> Vec<(ProbeKind, &'a Spanned<String>)> {
    let (Some(w), Some(c)) = (d.workload, d.container) else {
        return vec![];
    };
    ws.workloads[w].containers[c]
        .probes
        .iter()
        .filter_map(|p| match &p.handler {
            Handler::HttpGet { path: Some(path), .. } => Some((p.kind, path)),
            _ => None,
        })
        .collect()
}

/// A probe path without its query string.
pub fn probe_path(p: &str) -> &str {
    p.split('?').next().unwrap_or(p).trim()
}

/// Whether a probe path is served by the health endpoint of this deployment (the endpoint,
/// a group under it, or an additional path).
pub fn uses_health(d: &Deployment, path: &str) -> bool {
    if d.actuator.facts.paths_unknown.is_some() {
        return false;
    }
    let p = probe_path(path).trim_end_matches('/');
    let h = d.actuator.serving.health_path();
    let h = h.as_str();
    p == h || p.strip_prefix(h).is_some_and(|r| r.starts_with('/')) || d.actuator.facts.additional_paths.iter().any(|a| a.path == p)
}
