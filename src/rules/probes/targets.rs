//! Probe targets (semantics §3, §4, §9.1): what a probe requests — the `httpGet` path, port and
//! scheme, a `tcpSocket` or `grpc` port, the URL of a `curl`/`wget` in an `exec` probe — against
//! what the deployment serves: the main server (context path, servlet path, `server:`
//! additional paths), the actuator on its own port or the main one (management base path,
//! `management.endpoints.web.base-path`, path mapping, health groups) and TLS on each.
//!
//! One analysis feeds `probe-path-not-served`, `probe-port-mismatch` and the probe half of
//! `tls-scheme-mismatch`; each rule keeps its own diagnostics. What the repository cannot tell
//! is never an error: a path outside the actuator that a controller may serve, a port some
//! other listener may open, a service whose config comes from a Config Server or a placeholder.

use super::budget::{self, Target};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Label, Severity};
use crate::edit;
use crate::edit::yaml::indent_of;
use crate::model::build::{find_artifact, Presence};
use crate::model::exec::HttpCall;
use crate::model::kube::{Handler, PortRef, Probe};
use crate::model::spring::{Namespace, Port, PortType, Serving};
use crate::rules::Context;
use crate::source::Span;

pub const PATH_RULE: &str = "probe-path-not-served";
pub const PORT_RULE: &str = "probe-port-mismatch";
pub const TLS_RULE: &str = "tls-scheme-mismatch";

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

/// Where a part of the request is written: to point at it and to change it.
#[derive(Clone, Debug)]
enum Place {
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
    fn span(&self) -> Span {
        match self {
            Place::Scalar(s) | Place::Text(s) | Place::Fixed(s) => *s,
            Place::Insert { label, .. } => *label,
            Place::InsertText { at, .. } => *at,
        }
    }

    fn edit(&self, cx: &Context<'_>, value: &str) -> Option<Edit> {
        match self {
            Place::Scalar(span) => {
                let raw = cx.sources.text(*span);
                let quoted = raw.len() >= 2 && (raw.starts_with('"') || raw.starts_with('\'')) && raw.ends_with(&raw[..1]);
                // A port number must be an integer, not a quoted string.
                if quoted && value.parse::<i64>().is_err() {
                    Some(edit::replace(Span::new(span.file, span.start + 1..span.end - 1), value))
                } else {
                    Some(edit::replace(*span, value))
                }
            }
            Place::Text(span) => Some(edit::replace(*span, value)),
            Place::Insert { mapping, key, .. } => {
                let indent = indent_of(cx.sources, *mapping);
                Some(edit::insert_lines_before(
                    cx.sources,
                    *mapping,
                    &[format!("{indent}{key}: {value}")],
                ))
            }
            Place::InsertText { at, before, after } => Some(edit::replace(*at, format!("{before}{value}{after}"))),
            Place::Fixed(_) => None,
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
    /// `requests` / `runs \`curl …\`, which requests`.
    verb: String,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Side {
    Main,
    Management,
    Other,
}

enum Served {
    Yes,
    Unknown,
    No(String),
}

struct Check<'a, 'b> {
    cx: &'a Context<'b>,
    t: &'a Target<'a>,
    p: &'a Probe,
    sv: &'a Serving,
    who: String,
    out: &'a mut Vec<Diagnostic>,
}

/// Every probe-target finding, for all three rules, computed once; each keeps those with its
/// name.
pub fn findings<'c>(cx: &'c Context<'_>) -> &'c [Diagnostic] {
    cx.shared.probe_targets.get_or_init(|| analyse(cx))
}

fn analyse(cx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for t in budget::targets(cx) {
        let sv = &t.deployment.actuator.serving;
        // Unknown is not wrong: a Config Server, a placeholder or a random port.
        if !t.service.remote_config.is_empty() || sv.unknown().is_some() || sv.main_port().is_none() {
            continue;
        }
        // No web server at all (semantics Appendix B 9, unverified): nothing to compare with.
        if t.deployment
            .effective
            .value("spring.main.web-application-type")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("none"))
        {
            continue;
        }
        // WebFlux ignores `server.servlet.context-path`; with both set, what is served is unclear.
        if !sv.context_path.is_empty() && reactive(cx, &t) {
            continue;
        }
        for p in &t.container.probes {
            let mut c = Check {
                cx,
                t: &t,
                p,
                sv,
                who: format!("the {} of {}", p.kind.key(), t.workload.describe()),
                out: &mut out,
            };
            match &p.handler {
                Handler::HttpGet {
                    path,
                    port: Some(port),
                    scheme,
                    host: None,
                    span,
                } => {
                    let label = p.handler_span.map_or(p.key_span, |h| Span::new(h.file, h.start..h.start + 7));
                    let req = Request {
                        path: path.as_ref().map_or("/".to_string(), |x| x.value.clone()),
                        path_at: path.as_ref().map_or(
                            Place::Insert {
                                mapping: *span,
                                key: "path",
                                label,
                            },
                            |x| Place::Scalar(x.span),
                        ),
                        port: port.value.clone(),
                        port_at: Place::Scalar(port.span),
                        https: scheme.as_ref().is_some_and(|s| s.value.eq_ignore_ascii_case("https")),
                        scheme_at: scheme.as_ref().map_or(
                            Place::Insert {
                                mapping: *span,
                                key: "scheme",
                                label,
                            },
                            |x| Place::Scalar(x.span),
                        ),
                        verb: "requests".into(),
                    };
                    c.http(req);
                }
                Handler::Exec { calls, .. } => {
                    for call in calls {
                        if let Some(req) = exec_request(cx, call) {
                            c.http(req);
                        }
                    }
                }
                Handler::TcpSocket { port: Some(port) } => c.tcp(&port.value, Place::Scalar(port.span)),
                Handler::Grpc { port: Some(port) } => c.grpc(&port.value, Place::Scalar(port.span)),
                _ => {}
            }
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|d| seen.insert((d.rule, d.primary.span, d.message.clone())));
    out
}

fn reactive(cx: &Context<'_>, t: &Target<'_>) -> bool {
    let has = |a: &str| {
        matches!(
            find_artifact(&cx.ws.modules, t.service.module, "org.springframework.boot", &[a]),
            Presence::Present(_)
        )
    };
    has("spring-boot-starter-webflux") && !has("spring-boot-starter-web")
}

/// The request a `curl`/`wget` to this pod makes, with the places of its parts in the file.
fn exec_request(cx: &Context<'_>, call: &HttpCall) -> Option<Request> {
    let url = call.url.as_ref().filter(|u| u.is_local())?;
    let path = url.path.clone()?;
    let port = url.port?;
    let raw = cx.sources.text(call.item);
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
        verb: format!("runs `{}`, which requests", call.text),
    })
}

fn under(path: &str, root: &str) -> bool {
    root.is_empty() || path == root || path.starts_with(&format!("{root}/"))
}

fn clean(p: &str) -> String {
    let t = p.trim().trim_end_matches('/');
    if t.is_empty() {
        String::new()
    } else if t.starts_with('/') {
        t.to_string()
    } else {
        format!("/{t}")
    }
}

/// The group a mistyped segment most likely meant (`live`, `livez` → `liveness`).
fn near_group<'g>(g: &str, groups: &'g [String]) -> Option<&'g str> {
    let alias = match g.to_ascii_lowercase().as_str() {
        "live" | "livez" | "alive" | "liveliness" => Some("liveness"),
        "ready" | "readyz" => Some("readiness"),
        _ => None,
    };
    groups.iter().map(String::as_str).find(|grp| {
        alias == Some(*grp) || (g.len() >= 4 && crate::suggest::levenshtein(&g.to_ascii_lowercase(), &grp.to_ascii_lowercase()) <= 2)
    })
}

impl Check<'_, '_> {
    fn name(&self) -> &str {
        &self.t.service.name
    }

    fn port_of(&self, side: Side) -> Option<u16> {
        match side {
            Side::Main => self.sv.main_port(),
            Side::Management => self.sv.management_port(),
            Side::Other => None,
        }
    }

    fn side(&self, port: i64) -> Side {
        if Some(port) == self.sv.main_port().map(i64::from) {
            Side::Main
        } else if self.sv.is(PortType::Different) && Some(port) == self.sv.management_port().map(i64::from) {
            Side::Management
        } else {
            Side::Other
        }
    }

    fn actuator_side(&self) -> Side {
        if self.sv.is(PortType::Different) {
            Side::Management
        } else {
            Side::Main
        }
    }

    /// A named port resolves in this container's `ports` only (semantics §9.1).
    /// `want` is the port that serves what the probe asks for, for the suggestion.
    fn resolve(&mut self, port: &PortRef, at: &Place, want: Option<u16>) -> Option<i64> {
        match port {
            PortRef::Number(n) => Some(*n),
            PortRef::Name(name) => {
                if let Some(cp) = self.t.container.ports.iter().find(|cp| cp.name.as_deref() == Some(name)) {
                    return Some(cp.port);
                }
                let suggestion = self.port_text(want.map(i64::from));
                let mut d = Diagnostic::new(
                    PORT_RULE,
                    Severity::Error,
                    format!(
                        "{} uses port `{name}`, but container `{}` has no port named `{name}`, so the kubelet cannot resolve it and every probe fails",
                        self.who, self.t.container.name.value
                    ),
                    Label::new(at.span(), "names no container port"),
                )
                .service(Some(self.name()));
                if !self.t.container.ports.is_empty() {
                    let names: Vec<String> = self
                        .t
                        .container
                        .ports
                        .iter()
                        .map(|cp| {
                            cp.name
                                .as_ref()
                                .map_or(format!("`{}`", cp.port), |n| format!("`{n}` ({})", cp.port))
                        })
                        .collect();
                    d = d.related(
                        self.t.container.ports[0].span,
                        format!("the container's ports: {}", names.join(", ")),
                    );
                }
                d = match suggestion {
                    Some(s) => d
                        .help(format!("use `port: {s}`, where `{}` serves what the probe asks for", self.name()))
                        .fix(self.fix(at, &s, format!("probe port `{s}`"))),
                    None => d.help("name an existing container port, or use the port number"),
                };
                self.out.push(d);
                None
            }
        }
    }

    /// How to write a port in a probe: the container's name for it when it has one.
    fn port_text(&self, port: Option<i64>) -> Option<String> {
        let port = port?;
        Some(
            self.t
                .container
                .ports
                .iter()
                .find(|cp| cp.port == port && cp.name.is_some())
                .and_then(|cp| cp.name.clone())
                .unwrap_or_else(|| port.to_string()),
        )
    }

    fn fix(&self, at: &Place, value: &str, title: String) -> Option<Fix> {
        at.edit(self.cx, value).map(|e| Fix {
            title,
            applicability: Applicability::Unsafe,
            edits: vec![e],
        })
    }

    /// Something may listen on `port` besides the app's HTTP servers: the container declares
    /// it, or a property is set to it (`grpc.server.port: 9090`).
    fn maybe_listens(&self, port: i64) -> bool {
        let text = port.to_string();
        self.t.container.ports.iter().any(|cp| cp.port == port)
            || self
                .t
                .deployment
                .effective
                .layers
                .iter()
                .any(|l| l.props.values().any(|p| p.value.trim() == text))
    }

    fn port_spans(&self, side: Side) -> Option<Label> {
        match side {
            Side::Main => self.sv.server_port.span().map(|s| Label::new(s, "the main server's port")),
            Side::Management => self
                .sv
                .management_port
                .as_ref()
                .and_then(Port::span)
                .map(|s| Label::new(s, "actuator's own port")),
            Side::Other => None,
        }
    }

    fn listening(&self) -> String {
        let s = self.sv.main_port().map_or(String::new(), |p| format!("HTTP on port `{p}`"));
        match self.sv.management_port() {
            Some(m) => format!("{s} and actuator on port `{m}`"),
            None => s,
        }
    }

    /// Whether `path` is served on `side`, and if not, why.
    fn served_on(&self, side: Side, path: &str) -> Served {
        let sv = self.sv;
        let same = sv.is(PortType::Same);
        match side {
            Side::Main => {
                if !sv.context_path.is_empty() && !under(path, &sv.context_path) {
                    return Served::No(format!("it serves nothing outside its context path `{}`", sv.context_path));
                }
                if same && under(path, &sv.actuator_root) {
                    return self.actuator_sub(path);
                }
                if sv
                    .additional
                    .iter()
                    .any(|a| a.path == path && (a.namespace == Namespace::Server || same))
                {
                    return Served::Yes;
                }
                if self.looks_actuator(path) {
                    return Served::No(match sv.port_type {
                        Ok(PortType::Disabled) => "`management.server.port: -1` turns HTTP actuator endpoints off".to_string(),
                        Ok(PortType::Different) => format!(
                            "actuator endpoints are served on port `{}`, not on the main port",
                            sv.management_port().unwrap_or(0)
                        ),
                        _ => format!("its actuator endpoints are under `{}`", sv.actuator_root),
                    });
                }
                Served::Unknown
            }
            Side::Management => {
                if under(path, &sv.actuator_root) {
                    return self.actuator_sub(path);
                }
                if sv.additional.iter().any(|a| a.path == path && a.namespace == Namespace::Management) {
                    return Served::Yes;
                }
                Served::No(format!(
                    "the management server on port `{}` serves only actuator endpoints, under `{}`",
                    sv.management_port().unwrap_or(0),
                    if sv.actuator_root.is_empty() { "/" } else { &sv.actuator_root }
                ))
            }
            Side::Other => Served::Unknown,
        }
    }

    fn looks_actuator(&self, path: &str) -> bool {
        path.split('/').any(|s| s == "actuator") || (!self.sv.actuator_root.is_empty() && under(path, &self.sv.actuator_root))
    }

    /// A path under the actuator root: the health endpoint and its groups, or another endpoint.
    fn actuator_sub(&self, path: &str) -> Served {
        let sv = self.sv;
        let rest = &path[sv.actuator_root.len().min(path.len())..];
        if rest.is_empty() || rest == "/" {
            // The links page, unless actuator shares the root (then it is not registered).
            return if sv.base_path.is_empty() { Served::Unknown } else { Served::Yes };
        }
        let effective = &self.t.deployment.effective;
        let boot = &self.t.service.boot_version;
        if under(rest, &sv.health_sub) {
            if !effective.exposed("health", boot) {
                // `health-endpoint-not-exposed` says so; not a path problem.
                return Served::Unknown;
            }
            let sub = &rest[sv.health_sub.len()..];
            let Some(g) = sub.trim_start_matches('/').split('/').next().filter(|g| !g.is_empty()) else {
                return Served::Yes;
            };
            if sv.groups.iter().any(|x| x == g) || COMPONENTS.contains(&g) {
                return Served::Yes;
            }
            return match near_group(g, &sv.groups) {
                Some(near) => Served::No(format!(
                    "`{g}` is not one of its health groups ({}); `{near}` is",
                    sv.groups.iter().map(|x| format!("`{x}`")).collect::<Vec<_>>().join(", ")
                )),
                // A custom `HealthIndicator` may have that name.
                None => Served::Unknown,
            };
        }
        let first = rest.trim_start_matches('/').split('/').next().unwrap_or("");
        if first == "health" {
            return Served::No(format!("its health endpoint is mapped to `{}{}`", sv.actuator_root, sv.health_sub));
        }
        // The endpoint id behind the segment, through `path-mapping`.
        let mapped = effective.layers.iter().rev().find_map(|l| {
            l.props.iter().find_map(|(k, p)| {
                let id = k.strip_prefix("management.endpoints.web.path-mapping.")?;
                (clean(&p.value) == format!("/{first}")).then(|| id.to_string())
            })
        });
        let known = mapped.is_some() || ENDPOINTS.contains(&first);
        let id = mapped.unwrap_or_else(|| first.to_string());
        if effective.exposed(&id, boot) || (!known && sv.base_path.is_empty()) {
            // Exposed, or a path a controller may serve beside actuator at the root.
            Served::Unknown
        } else {
            Served::No(format!("the `{id}` endpoint is not exposed over HTTP"))
        }
    }

    /// The actuator path a request most likely meant, and the side serving it.
    fn intended(&self, path: &str) -> Option<(Side, String)> {
        let sv = self.sv;
        if sv.is(PortType::Disabled) {
            return None;
        }
        let last = path.rsplit('/').next().unwrap_or("");
        if !last.is_empty() {
            if let Some(a) = sv.additional.iter().find(|a| a.path.rsplit('/').next() == Some(last)) {
                let side = if a.namespace == Namespace::Server {
                    Side::Main
                } else {
                    self.actuator_side()
                };
                return Some((side, a.path.clone()));
            }
        }
        let rest = if let Some(i) = path.split('/').position(|s| s == "actuator") {
            path.split('/').skip(i + 1).fold(String::new(), |acc, s| format!("{acc}/{s}"))
        } else if !sv.actuator_root.is_empty() && under(path, &sv.actuator_root) {
            path[sv.actuator_root.len()..].to_string()
        } else {
            return None;
        };
        let mut rest = if under(&rest, "/health") && sv.health_sub != "/health" {
            format!("{}{}", sv.health_sub, &rest["/health".len()..])
        } else {
            rest
        };
        if under(&rest, &sv.health_sub) {
            let sub = rest[sv.health_sub.len()..].to_string();
            let mut segs: Vec<&str> = sub.trim_start_matches('/').split('/').collect();
            if let Some(near) = segs
                .first()
                .and_then(|g| (!sv.groups.iter().any(|x| x == g)).then(|| near_group(g, &sv.groups)).flatten())
            {
                segs[0] = near;
                rest = format!("{}/{}", sv.health_sub, segs.join("/"));
            }
        }
        Some((self.actuator_side(), format!("{}{}", sv.actuator_root, rest.trim_end_matches('/'))))
    }

    fn http(&mut self, req: Request) {
        let path = {
            let p = req.path.split(['?', '#']).next().unwrap_or("");
            if p.starts_with('/') {
                p.to_string()
            } else {
                format!("/{p}")
            }
        };
        let want = match self.intended(&path) {
            Some((side, _)) => self.port_of(side),
            None => self.sv.main_port(),
        };
        let Some(port) = self.resolve(&req.port, &req.port_at, want) else {
            return;
        };
        let side = self.side(port);
        let asks = format!("{} {} `{path}` on port `{port}`", self.who, req.verb);
        let served = self.served_on(side, &path);
        let mut port_wrong = false;
        match (&served, side) {
            (Served::Yes | Served::Unknown, Side::Main | Side::Management) => {}
            (Served::No(reason), Side::Main | Side::Management) => match self.intended(&path) {
                Some((iside, ipath)) => {
                    let iport = self.port_of(iside);
                    if iport.map(i64::from) != Some(port) {
                        port_wrong = true;
                        self.port_diag(
                            &asks,
                            &req,
                            iside,
                            iport,
                            &format!("`{}` serves it on port `{}`", self.name(), iport.unwrap_or(0)),
                        );
                    }
                    if ipath != path {
                        self.path_diag(&asks, &req, reason, Some(ipath));
                    } else if !port_wrong {
                        self.path_diag(&asks, &req, reason, None);
                    }
                }
                None => self.path_diag(&asks, &req, reason, None),
            },
            (_, Side::Other) => match self.intended(&path) {
                Some((iside, ipath)) => {
                    let iport = self.port_of(iside);
                    port_wrong = true;
                    self.port_diag(
                        &asks,
                        &req,
                        iside,
                        iport,
                        &format!("`{}` serves it on port `{}`", self.name(), iport.unwrap_or(0)),
                    );
                    if ipath != path && !matches!(self.served_on(iside, &ipath), Served::No(_)) {
                        let why = match self.served_on(iside, &path) {
                            Served::No(r) => r,
                            _ => format!("it is served at `{ipath}`"),
                        };
                        self.path_diag(&asks, &req, &why, Some(ipath));
                    }
                }
                None if !self.maybe_listens(port) => {
                    port_wrong = true;
                    let why = format!("nothing in `{}` listens there: it serves {}", self.name(), self.listening());
                    self.port_diag(&asks, &req, Side::Main, self.sv.main_port(), &why);
                }
                None => {}
            },
        }
        if !port_wrong && side != Side::Other {
            self.tls(&asks, &req, side);
        }
    }

    fn path_diag(&mut self, asks: &str, req: &Request, reason: &str, suggest: Option<String>) {
        let mut d = Diagnostic::new(
            PATH_RULE,
            Severity::Error,
            format!("{asks}, but `{}` does not serve that path: {reason}", self.name()),
            Label::new(req.path_at.span(), "not served"),
        )
        .service(Some(self.name()));
        if reason.contains("context path") {
            if let Some(s) = self.sv.context_span {
                d = d.related(s, "the context path is set here");
            }
        } else if reason.contains("management server") {
            if let Some(s) = self.sv.management_port.as_ref().and_then(Port::span) {
                d = d.related(s, "actuator runs on its own server here, without the main server's context path");
            }
        } else {
            for (s, what) in self.sv.root_spans.iter().take(2) {
                d = d.related(*s, format!("actuator paths start with {what}"));
            }
        }
        match suggest {
            Some(s) => {
                d = d.help(format!("probe `{s}`"));
                d = d.fix(self.fix(&req.path_at, &s, format!("probe `{s}`")));
            }
            None => {
                let groups: Vec<String> = self
                    .sv
                    .groups
                    .iter()
                    .take(2)
                    .map(|g| format!("`{}/{g}`", self.sv.health_path()))
                    .collect();
                d = d.help(if groups.is_empty() {
                    format!("probe `{}`", self.sv.health_path())
                } else {
                    format!("probe a path `{}` serves, such as {}", self.name(), groups.join(" or "))
                });
            }
        }
        self.out.push(d);
    }

    fn port_diag(&mut self, asks: &str, req: &Request, side: Side, target: Option<u16>, why: &str) {
        let mut d = Diagnostic::new(
            PORT_RULE,
            Severity::Error,
            format!("{asks}, but {why}"),
            Label::new(req.port_at.span(), "wrong port"),
        )
        .service(Some(self.name()));
        if let Some(l) = self.port_spans(side) {
            d.related.push(l);
        }
        match self.port_text(target.map(i64::from)) {
            Some(p) => {
                // A URL needs the number; a manifest may use the container port's name.
                let value = if matches!(req.port_at, Place::Scalar(_)) {
                    p.clone()
                } else {
                    target.map_or(p.clone(), |t| t.to_string())
                };
                d = d.help(format!("use port `{value}`"));
                d = d.fix(self.fix(&req.port_at, &value, format!("probe port `{value}`")));
            }
            None => d = d.help("probe the port the app serves HTTP on"),
        }
        self.out.push(d);
    }

    fn tls(&mut self, asks: &str, req: &Request, side: Side) {
        let fact = match side {
            Side::Main => &self.sv.server_tls,
            Side::Management => &self.sv.management_tls,
            Side::Other => return,
        };
        if fact.is_unknown() {
            return;
        }
        let (tls, span) = (fact.is_yes(), fact.span());
        if tls == req.https {
            return;
        }
        let (message, want, help) = if tls {
            (
                format!("{asks} over HTTP, but `{}` serves TLS there, so every probe fails", self.name()),
                "HTTPS",
                "probe with `scheme: HTTPS` (the kubelet does not verify the certificate)",
            )
        } else {
            (
                format!(
                    "{asks} over HTTPS, but `{}` serves plain HTTP there, so the TLS handshake fails on every probe",
                    self.name()
                ),
                "HTTP",
                "probe with `scheme: HTTP`, or enable TLS on the server",
            )
        };
        let mut d = Diagnostic::new(TLS_RULE, Severity::Error, message, Label::new(req.scheme_at.span(), "wrong scheme"))
            .service(Some(self.name()))
            .help(help);
        if let Some(s) = span {
            d = d.related(s, if tls { "TLS is configured here" } else { "TLS is turned off here" });
        }
        let (value, title) = match &req.scheme_at {
            Place::Scalar(_) | Place::Insert { .. } => (want.to_string(), format!("probe with `scheme: {want}`")),
            _ => (want.to_ascii_lowercase(), format!("request `{}://`", want.to_ascii_lowercase())),
        };
        d = d.fix(self.fix(&req.scheme_at, &value, title));
        self.out.push(d);
    }

    fn tcp(&mut self, port: &PortRef, at: Place) {
        let Some(port) = self.resolve(port, &at, self.sv.main_port()) else {
            return;
        };
        if self.side(port) == Side::Other && !self.maybe_listens(port) {
            let asks = format!("{} opens a TCP connection to port `{port}`", self.who);
            let why = format!("nothing in `{}` listens there: it serves {}", self.name(), self.listening());
            let req = Request {
                path: String::new(),
                path_at: Place::Fixed(at.span()),
                port: PortRef::Number(port),
                port_at: at,
                https: false,
                scheme_at: Place::Fixed(self.p.key_span),
                verb: String::new(),
            };
            self.port_diag(&asks, &req, Side::Main, self.sv.main_port(), &why);
        }
    }

    fn grpc(&mut self, port: &PortRef, at: Place) {
        let PortRef::Name(name) = port else { return };
        let number = name.trim().parse::<i64>().ok().or_else(|| {
            self.t
                .container
                .ports
                .iter()
                .find(|cp| cp.name.as_deref() == Some(name))
                .map(|cp| cp.port)
        });
        let mut d = Diagnostic::new(
            PORT_RULE,
            Severity::Error,
            format!(
                "{} uses gRPC on port `{name}`, but a gRPC probe takes a port number, not a name or a string, so the API server rejects it",
                self.who
            ),
            Label::new(at.span(), "not a number"),
        )
        .service(Some(self.name()));
        d = match number {
            Some(n) => d
                .help(format!("use `port: {n}`"))
                .fix(self.fix(&at, &n.to_string(), format!("probe port `{n}`"))),
            None => d.help("use the number of the port the gRPC server listens on"),
        };
        self.out.push(d);
    }
}
