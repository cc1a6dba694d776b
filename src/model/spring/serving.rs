//! What one deployment of a service serves, computed once: the main and the management port
//! (SAME / DIFFERENT / DISABLED, random), TLS on each, the context and servlet paths, the
//! actuator base path, the health sub-path, the health groups and additional paths (semantics
//! §3, §19, §19.1). Every value is known with the source that decided it, or unknown with the
//! reason; probes, scrapes and rules read these answers and never work them out again.

use super::facts::{clean_path, Fact, PortType, WebStack};
use super::lookup::{Effective, Found, Lookup};
use super::{canonical, BootVersion, Why};
use crate::source::Span;

/// A port a server listens on (semantics §19), with the reason: the property that set it,
/// Boot's default, or why it cannot be known.
#[derive(Clone, Debug, PartialEq)]
pub enum Port {
    /// A fixed port.
    Fixed(u16, Why),
    /// `0`: a free port chosen at start-up, which no fixed scrape or probe port can equal.
    Random(Why),
    /// Negative: the server is not started.
    Off(Why),
    /// A source the repository cannot see could set it, or its value is not a number.
    Unknown(Why),
}

impl Port {
    pub fn fixed(&self) -> Option<u16> {
        match self {
            Port::Fixed(p, _) => Some(*p),
            _ => None,
        }
    }

    pub fn why(&self) -> &Why {
        match self {
            Port::Fixed(_, w) | Port::Random(w) | Port::Off(w) | Port::Unknown(w) => w,
        }
    }

    /// Where the port was decided, when a property decided it.
    pub fn span(&self) -> Option<Span> {
        self.why().span
    }
}

/// Where an additional health path is served (semantics §3.4).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Namespace {
    Server,
    Management,
}

/// A health path served outside the actuator base path (`server:/livez`).
#[derive(Clone, Debug)]
pub struct ServedPath {
    pub path: String,
    pub group: String,
    pub namespace: Namespace,
    /// Where it is configured (`None`: `add-additional-paths` implies it).
    pub span: Option<Span>,
}

/// What Boot's static-resource handler serves in one deployment (Spring Boot reference, "Static
/// Content"; `WebProperties.Resources`, `WebMvcProperties`/`WebFluxProperties`): the files of
/// `spring.web.resources.static-locations` (`classpath:/META-INF/resources/`, `/resources/`,
/// `/static/`, `/public/` by default) at their path under `spring.mvc.static-path-pattern`
/// (`spring.webflux.static-path-pattern` on WebFlux; `/**` by default).
#[derive(Clone, Debug)]
pub enum StaticContent {
    /// `add-mappings: false`: no resource handler.
    Off(Why),
    /// Files of `locations` (folders under `src/main/resources`) are served under `prefix`
    /// (`""` for `/**`, `/assets` for `/assets/**`).
    Under {
        prefix: String,
        locations: Vec<&'static str>,
        /// The properties that decided it (empty: Boot's defaults).
        set_by: Vec<Why>,
    },
    /// A location outside the listed folders, a pattern the linter does not evaluate, or a
    /// source the repository cannot see.
    Unknown(Why),
}

/// What one deployment serves, and where (semantics §3.1–3.4, §19).
#[derive(Clone, Debug)]
pub struct Serving {
    /// SAME, DIFFERENT or DISABLED; unknown when a port cannot be known.
    pub port_type: Result<PortType, Why>,
    /// `server.port` (Boot's default 8080 when nothing sets it).
    pub server_port: Port,
    /// `management.server.port`, when set.
    pub management_port: Option<Port>,
    /// Servlet or reactive, after `spring.main.web-application-type`.
    pub stack: WebStack,
    /// `server.servlet.context-path` (servlet stack): the main server serves nothing outside it.
    pub context_path: String,
    pub context_span: Option<Span>,
    /// Context path + servlet path (or the WebFlux base path): where `server:` paths start.
    pub server_prefix: String,
    /// Where actuator paths start on the actuator's port, before the base path: the server
    /// prefix on the SAME port, the management base path on a DIFFERENT one.
    pub management_prefix: String,
    /// `management.endpoints.web.base-path` (`/actuator`); empty when actuator shares the root
    /// with the application's own controllers.
    pub base_path: String,
    /// The management prefix and the base path (`/actuator`).
    pub actuator_root: String,
    /// The properties that decided `actuator_root`, for labels.
    pub root_spans: Vec<(Span, String)>,
    /// The properties that shaped any served path, for "served path decided here" labels.
    pub path_spans: Vec<(Span, String)>,
    /// The health endpoint's sub-path under the root (`/health`, or its path-mapping).
    pub health_sub: String,
    /// The Prometheus endpoint's sub-path under the root.
    pub prometheus_sub: String,
    /// Health groups: `liveness`/`readiness` (Boot 2.3+) and `management.endpoint.health.group.*`.
    pub groups: Vec<String>,
    pub additional: Vec<ServedPath>,
    /// Why the served paths cannot be known, if they cannot.
    pub paths_unknown: Option<Why>,
    /// Static resources on the main server, under the server prefix.
    pub statics: StaticContent,
    /// TLS on the main server (`server.ssl`).
    pub server_tls: Fact,
    /// TLS on a DIFFERENT management server: `management.server.ssl` when set, else inherited
    /// from `server.ssl` (semantics §19.1).
    pub management_tls: Fact,
}

impl Serving {
    /// The port the actuator is served on, by SAME/DIFFERENT; `None` when there is no HTTP
    /// actuator (DISABLED), `Unknown` when the ports cannot be known.
    pub fn actuator_port(&self) -> Option<&Port> {
        static NO_MANAGEMENT: Port = Port::Unknown(Why {
            text: String::new(),
            span: None,
        });
        match &self.port_type {
            Ok(PortType::Disabled) => None,
            Ok(PortType::Different) => Some(self.management_port.as_ref().unwrap_or(&NO_MANAGEMENT)),
            Ok(PortType::Same) => Some(&self.server_port),
            Err(_) => Some(&NO_MANAGEMENT),
        }
    }

    /// The property that decides the actuator's port.
    pub fn actuator_port_key(&self) -> &'static str {
        match self.port_type {
            Ok(PortType::Different) => "management.server.port",
            _ => "server.port",
        }
    }

    /// TLS on the port the actuator is served on.
    pub fn actuator_tls(&self) -> &Fact {
        match self.port_type {
            Ok(PortType::Different) => &self.management_tls,
            _ => &self.server_tls,
        }
    }

    /// The main server's port, when it is fixed and known.
    pub fn main_port(&self) -> Option<u16> {
        self.server_port.fixed()
    }

    /// A DIFFERENT management server's port, when it is fixed and known.
    pub fn management_port(&self) -> Option<u16> {
        match self.port_type {
            Ok(PortType::Different) => self.management_port.as_ref().and_then(Port::fixed),
            _ => None,
        }
    }

    pub fn is(&self, t: PortType) -> bool {
        self.port_type.as_ref().is_ok_and(|p| *p == t)
    }

    /// Why what is served where cannot be known: the ports or the paths, first reason.
    pub fn unknown(&self) -> Option<Why> {
        if let Err(w) = &self.port_type {
            return Some(w.clone());
        }
        let unknown_port = |p: &Port| match p {
            Port::Unknown(w) => Some(w.clone()),
            Port::Random(w) => Some(Why::new(format!("{}: a random port chosen at start-up", w.text), w.span)),
            _ => None,
        };
        if let Some(w) = unknown_port(&self.server_port) {
            return Some(w);
        }
        if self.is(PortType::Different) {
            if let Some(w) = self.management_port.as_ref().and_then(unknown_port) {
                return Some(w);
            }
        }
        self.paths_unknown.clone()
    }

    /// The full path of the health endpoint, on the actuator's port.
    pub fn health_path(&self) -> String {
        format!("{}{}", self.actuator_root, self.health_sub)
    }

    pub fn prometheus_path(&self) -> String {
        format!("{}{}", self.actuator_root, self.prometheus_sub)
    }
}

pub(super) fn at(f: &Found<'_>) -> Option<Span> {
    Some(f.prop.value_span)
}

pub(super) fn set_in(f: &Found<'_>) -> String {
    if f.value.trim() == f.prop.value.trim() {
        format!("`{}: {}` in {}", f.prop.key, f.value.trim(), f.layer.label)
    } else {
        format!(
            "`{}: {}` (= `{}`) in {}",
            f.prop.key,
            f.prop.value.trim(),
            f.value.trim(),
            f.layer.label
        )
    }
}

/// Path properties read so far: their spans and the first reason one cannot be known.
#[derive(Default)]
struct PathNotes {
    /// Where, which property, its value.
    spans: Vec<(Span, String, String)>,
    unknown: Option<Why>,
}

impl Effective {
    fn path_string(&self, key: &str, notes: &mut PathNotes) -> Option<String> {
        match self.lookup(key) {
            Lookup::Set(f) => {
                notes.spans.push((f.prop.value_span, key.to_string(), f.value.clone()));
                Some(f.value.clone())
            }
            Lookup::Unset => None,
            Lookup::Unknown(w) => {
                notes.unknown.get_or_insert(w);
                None
            }
        }
    }

    /// A port property: `default` when nothing sets it.
    fn port_value(&self, key: &str, default: Option<u16>) -> Option<Port> {
        match self.lookup(key) {
            Lookup::Set(f) => {
                let why = Why::new(set_in(&f), at(&f));
                Some(match f.value.trim().parse::<i64>() {
                    Ok(0) => Port::Random(why),
                    Ok(p) if p < 0 => Port::Off(why),
                    Ok(p) if p <= 65535 => Port::Fixed(p as u16, why),
                    _ => Port::Unknown(Why::new(format!("{} is not a port number", set_in(&f)), at(&f))),
                })
            }
            Lookup::Unset => default.map(|p| Port::Fixed(p, Why::new(format!("`{key}` is not set: {p}"), None))),
            Lookup::Unknown(w) => Some(Port::Unknown(w)),
        }
    }

    /// TLS of a server whose `ssl` properties start with `prefix` (`server.ssl`): `enabled`
    /// when set, else on as soon as any `prefix.*` is set (`Ssl.enabled` defaults to true,
    /// semantics §19.1).
    fn tls(&self, prefix: &str) -> Fact {
        if let Some(f) = self.bool_fact(&format!("{prefix}.enabled")) {
            return f;
        }
        match self.prefix(prefix) {
            Lookup::Set((p, l)) => Fact::yes(Why::new(format!("`{}` in {} configures TLS", p.key, l.label), Some(p.value_span))),
            Lookup::Unknown(w) => Fact::unknown(w),
            Lookup::Unset => Fact::no(Why::new(format!("no `{prefix}.*` is set"), None)),
        }
    }

    /// What the static-resource handler serves (`StaticContent`). `spring.web.resources.*`
    /// is Boot 2.4+ and `spring.resources.*` before 3.0; both are read when either may apply
    /// (an unknown Boot version), the newer first.
    fn static_content(&self, boot: &BootVersion, stack: WebStack) -> StaticContent {
        let assumed = boot.is_assumed();
        let mut prefixes = Vec::new();
        if assumed || boot.at_least(2, 4) {
            prefixes.push("spring.web.resources");
        }
        if assumed || !boot.at_least(3, 0) {
            prefixes.push("spring.resources");
        }
        let mut set_by = Vec::new();
        for p in &prefixes {
            match self.lookup(&format!("{p}.add-mappings")) {
                Lookup::Set(f) if f.value.trim().eq_ignore_ascii_case("false") => {
                    return StaticContent::Off(Why::new(set_in(&f), at(&f)));
                }
                Lookup::Set(_) | Lookup::Unset => {}
                Lookup::Unknown(w) => return StaticContent::Unknown(w),
            }
        }
        let mut locations: Vec<&'static str> = crate::file_kind::STATIC_LOCATIONS.to_vec();
        for p in &prefixes {
            let key = format!("{p}.static-locations");
            match self.list(&key) {
                Lookup::Set(l) => {
                    let label = format!("`{key}` in {}", l.layer.label);
                    let span = l.props.first().map(|p| p.value_span);
                    let mut out = Vec::new();
                    for item in &l.items {
                        let folder = item
                            .strip_prefix("classpath:")
                            .unwrap_or(if item.contains(':') { "" } else { item });
                        let folder = folder.trim().trim_matches('/');
                        match crate::file_kind::STATIC_LOCATIONS.iter().find(|l| **l == folder) {
                            Some(l) => out.push(*l),
                            None => {
                                return StaticContent::Unknown(Why::new(
                                    format!("{label} lists `{item}`, whose files the linter does not list"),
                                    span,
                                ))
                            }
                        }
                    }
                    locations = out;
                    set_by.push(Why::new(format!("{label} is `{}`", l.items.join(",")), span));
                    break;
                }
                Lookup::Unset => {}
                Lookup::Unknown(w) => return StaticContent::Unknown(w),
            }
        }
        let keys: &[&str] = match stack {
            WebStack::Reactive => &["spring.webflux.static-path-pattern"],
            WebStack::Servlet => &["spring.mvc.static-path-pattern"],
            _ => &["spring.mvc.static-path-pattern", "spring.webflux.static-path-pattern"],
        };
        let mut prefix: Option<String> = None;
        for key in keys {
            match self.lookup(key) {
                Lookup::Set(f) => {
                    let v = f.value.trim();
                    let head = v.strip_suffix("/**").filter(|h| h.is_empty() || h.starts_with('/'));
                    let literal = head.filter(|h| !h.contains(['*', '?', '{', '}']));
                    let Some(head) = literal else {
                        return StaticContent::Unknown(Why::new(
                            format!("{}: only `/**` and `/prefix/**` are evaluated", set_in(&f)),
                            at(&f),
                        ));
                    };
                    if keys.len() > 1 {
                        // Two stacks' patterns, and which stack runs is unknown.
                        return StaticContent::Unknown(Why::new(
                            format!(
                                "{}: whether the application is a servlet or a reactive one cannot be told from its build",
                                set_in(&f)
                            ),
                            at(&f),
                        ));
                    }
                    set_by.push(Why::new(set_in(&f), at(&f)));
                    prefix = Some(head.to_string());
                }
                Lookup::Unset => {}
                Lookup::Unknown(w) => return StaticContent::Unknown(w),
            }
        }
        StaticContent::Under {
            prefix: prefix.unwrap_or_default(),
            locations,
            set_by,
        }
    }

    /// What this deployment serves and where (semantics §3.1–3.4, §19). `build_stack` is
    /// what the classpath says (servlet or reactive).
    pub fn serving(&self, boot: &BootVersion, build_stack: WebStack) -> Serving {
        let stack = match self.lookup("spring.main.web-application-type") {
            Lookup::Set(f) if f.value.trim().eq_ignore_ascii_case("reactive") => WebStack::Reactive,
            Lookup::Set(f) if f.value.trim().eq_ignore_ascii_case("servlet") => WebStack::Servlet,
            _ => build_stack,
        };
        let server_port = self
            .port_value("server.port", Some(8080))
            .unwrap_or_else(|| Port::Unknown(Why::new("`server.port` cannot be read", None)));
        let management_port = self.port_value("management.server.port", None);
        // §3.1 `ManagementPortType.get`.
        let server_set = server_port.span().is_some();
        let port_type = match &management_port {
            None => Ok(PortType::Same),
            Some(Port::Unknown(w)) => Err(w.clone()),
            Some(Port::Off(_)) => Ok(PortType::Disabled),
            Some(Port::Random(_)) => Ok(PortType::Different),
            Some(Port::Fixed(m, _)) => match &server_port {
                Port::Unknown(w) => Err(w.clone()),
                _ if !server_set && *m == 8080 => Ok(PortType::Same),
                Port::Fixed(s, _) if s == m => Ok(PortType::Same),
                _ => Ok(PortType::Different),
            },
        };

        // Paths (semantics §3.3).
        let mut notes = PathNotes::default();
        let mut context = PathNotes::default();
        let server_prefix = |n: &mut PathNotes, ctx: &mut PathNotes| -> (String, String) {
            match stack {
                WebStack::Reactive => {
                    let base = if boot.at_least(2, 3) {
                        clean_path(&self.path_string("spring.webflux.base-path", n).unwrap_or_default())
                    } else {
                        String::new()
                    };
                    (String::new(), base)
                }
                _ => {
                    let c = clean_path(&self.path_string("server.servlet.context-path", ctx).unwrap_or_default());
                    n.spans.extend(ctx.spans.iter().cloned());
                    if let Some(w) = &ctx.unknown {
                        n.unknown.get_or_insert(w.clone());
                    }
                    let servlet_key = if boot.at_least(2, 1) {
                        "spring.mvc.servlet.path"
                    } else {
                        "server.servlet.path"
                    };
                    let servlet = clean_path(&self.path_string(servlet_key, n).unwrap_or_default());
                    if stack == WebStack::Unknown && !(c.is_empty() && servlet.is_empty()) {
                        n.unknown.get_or_insert(Why::new(
                            "whether the application is a servlet or a reactive one cannot be told from its build",
                            None,
                        ));
                    }
                    let prefix = format!("{c}{servlet}");
                    (c, prefix)
                }
            }
        };
        let different = port_type == Ok(PortType::Different);
        let (context_path, server_prefix_value, management_prefix) = if different {
            let bp = if boot.at_least(2, 4) {
                self.path_string("management.server.base-path", &mut notes).unwrap_or_default()
            } else {
                String::new()
            };
            let legacy_ok = stack != WebStack::Reactive && !boot.at_least(3, 0);
            let bp = if bp.trim().is_empty() && legacy_ok {
                self.path_string("management.server.servlet.context-path", &mut notes)
                    .unwrap_or_default()
            } else {
                bp
            };
            // The main server's paths matter for `server:` paths and probes on the main port,
            // but not for what actuator serves.
            let mut side = PathNotes::default();
            let (c, p) = server_prefix(&mut side, &mut context);
            (c, p, clean_path(&bp))
        } else {
            let (c, p) = server_prefix(&mut notes, &mut context);
            (c, p.clone(), p)
        };
        let base_path = match self.path_string("management.endpoints.web.base-path", &mut notes) {
            Some(b) => clean_path(&b),
            None => "/actuator".to_string(),
        };
        let root_spans: Vec<(Span, String)> = notes.spans.iter().map(|(s, k, v)| (*s, format!("`{k}: {v}`"))).collect();
        let mut sub = |id: &str| match self.path_string(&format!("management.endpoints.web.path-mapping.{id}"), &mut notes) {
            Some(p) => clean_path(&p),
            None => format!("/{id}"),
        };
        let prometheus_sub = sub("prometheus");
        let health_sub = sub("health");

        let mut groups = Vec::new();
        if boot.at_least(2, 3) {
            groups = vec!["liveness".to_string(), "readiness".to_string()];
        }
        // Configured groups, with the name as written (`my-group`), not the canonical key.
        let group_prefix = "management.endpoint.health.group.";
        for l in &self.layers {
            for (k, p) in l.props.iter() {
                let Some(rest) = k.strip_prefix(group_prefix) else { continue };
                let canon = rest.split(['.', '[']).next().unwrap_or("");
                let written = p
                    .key
                    .get(group_prefix.len()..)
                    .filter(|_| p.key.to_ascii_lowercase().starts_with(group_prefix))
                    .and_then(|r| r.split('.').next())
                    .filter(|w| canonical(w) == canon)
                    .unwrap_or(canon);
                if !canon.is_empty() && !groups.iter().any(|g| canonical(g) == canon) {
                    groups.push(written.to_string());
                }
            }
        }
        let mut additional = Vec::new();
        if boot.at_least(2, 6) {
            let add_all = matches!(
                self.lookup("management.endpoint.health.probes.add-additional-paths"),
                Lookup::Set(f) if f.value.trim().eq_ignore_ascii_case("true")
            );
            for g in &groups {
                let default = match g.as_str() {
                    "liveness" if add_all => Some("server:/livez"),
                    "readiness" if add_all => Some("server:/readyz"),
                    _ => None,
                };
                let (value, span) = match self.lookup(&format!("management.endpoint.health.group.{g}.additional-path")) {
                    Lookup::Set(f) => (Some(f.value.trim().to_string()), at(&f)),
                    _ => (default.map(str::to_string), None),
                };
                let Some(v) = value else { continue };
                let (namespace, seg) = match v.split_once(':') {
                    Some((ns, seg)) if ns.eq_ignore_ascii_case("server") => (Namespace::Server, seg),
                    Some((ns, seg)) if ns.eq_ignore_ascii_case("management") => (Namespace::Management, seg),
                    _ => continue,
                };
                let root = if namespace == Namespace::Server {
                    &server_prefix_value
                } else {
                    &management_prefix
                };
                additional.push(ServedPath {
                    path: format!("{root}{}", clean_path(seg)),
                    group: g.clone(),
                    namespace,
                    span,
                });
            }
        }

        let server_tls = self.tls("server.ssl");
        let management_tls = match self.tls("management.server.ssl") {
            // Nothing under `management.server.ssl`: the main server's SSL applies (§19.1).
            f if f.is_no() && f.span().is_none() => server_tls.clone(),
            f => f,
        };
        let statics = self.static_content(boot, stack);
        Serving {
            statics,
            port_type,
            server_port,
            management_port,
            stack,
            context_path,
            context_span: context.spans.first().map(|(s, _, _)| *s),
            server_prefix: server_prefix_value,
            actuator_root: format!("{management_prefix}{base_path}"),
            management_prefix,
            base_path,
            root_spans,
            path_spans: notes.spans.iter().map(|(s, k, v)| (*s, format!("{k} `{v}`"))).collect(),
            health_sub,
            prometheus_sub,
            groups,
            additional,
            paths_unknown: notes.unknown,
            server_tls,
            management_tls,
        }
    }
}
