//! Whether Spring Security guards a service's actuator, and for one request whether it is
//! permitted without credentials: computed once here, from the build (is Spring Security on the
//! classpath?) and the filter chains the sources declare (`parse::jvm::security`). Rules only
//! compare this answer with what probes and scrapes send.
//!
//! With Spring Security on the classpath and no filter chain of the application's own, Boot's
//! `ManagementWebSecurityAutoConfiguration` (reactive: `ReactiveManagementWebSecurityAutoConfiguration`)
//! permits the health endpoint (health and info up to Boot 2.4) and requires authentication for
//! every other request, with form login and HTTP Basic. Spring Boot reference, "Actuator >
//! Endpoints > Security" (3.x): "If Spring Security is on the classpath and no other
//! SecurityFilterChain bean is present, all actuators other than /health are secured by Spring
//! Boot auto-configuration"; source: `ManagementWebSecurityAutoConfiguration` 2.1–2.4
//! `EndpointRequest.to(HealthEndpoint.class, InfoEndpoint.class)).permitAll()`, 2.5+
//! `EndpointRequest.to(HealthEndpoint.class)`, then `anyRequest().authenticated()`, and
//! `@ConditionalOnMissingBean({ WebSecurityConfigurerAdapter.class, SecurityFilterChain.class })`:
//! a chain of the application's own replaces it entirely. Boot's OAuth2 resource server, OAuth2
//! client and SAML auto-configurations define chains of their own from properties
//! (`ManagementWebSecurityAutoConfiguration` is ordered after them), so with those starters and
//! no chain in the sources the answer is unknown.

use super::facts::WebStack;
use super::jvm_sources::module_sources;
use super::routes::unknown_classpath;
use super::serving::Serving;
use super::{BootVersion, Why};
use crate::ids::IdVec;
use crate::model::build::{find_artifact, Module, Presence};
use crate::model::ModuleId;
use crate::parse::jvm::security::{Access as Rule, Chain, Matcher};
use crate::parse::Parsed;
use crate::source::{FileId, SourceSet, Span};
use std::collections::HashMap;

/// Artifacts that put Spring Security's filter chain (and so Boot's actuator security) on the
/// classpath: the starters, Security's own modules, and the Spring Cloud / Keycloak starters
/// that depend on them. Security is absent only when none of them is packaged and no
/// unresolved dependency could bring one.
const SECURITY: &[(&str, &[&str])] = &[
    (
        "org.springframework.boot",
        &[
            "spring-boot-starter-security",
            "spring-boot-starter-oauth2-resource-server",
            "spring-boot-starter-oauth2-client",
            "spring-boot-starter-oauth2-authorization-server",
        ],
    ),
    (
        "org.springframework.security",
        &[
            "spring-security-web",
            "spring-security-config",
            "spring-security-oauth2-resource-server",
            "spring-security-oauth2-client",
            "spring-security-oauth2-authorization-server",
            "spring-security-saml2-service-provider",
        ],
    ),
    (
        "org.springframework.cloud",
        &["spring-cloud-starter-security", "spring-cloud-starter-oauth2"],
    ),
    ("org.keycloak", &["keycloak-spring-boot-starter", "keycloak-spring-boot-2-starter"]),
];

/// Artifacts that bring `spring-security-config` (`HttpSecurity`), which Boot's actuator chain
/// requires.
const CONFIG: &[(&str, &[&str])] = &[
    (
        "org.springframework.boot",
        &[
            "spring-boot-starter-security",
            "spring-boot-starter-oauth2-resource-server",
            "spring-boot-starter-oauth2-client",
            "spring-boot-starter-oauth2-authorization-server",
        ],
    ),
    ("org.springframework.security", &["spring-security-config"]),
    (
        "org.springframework.cloud",
        &["spring-cloud-starter-security", "spring-cloud-starter-oauth2"],
    ),
];

/// Artifacts whose Boot auto-configuration defines a filter chain from properties.
const OWN_CHAIN: &[(&str, &[&str])] = &[
    (
        "org.springframework.boot",
        &[
            "spring-boot-starter-oauth2-resource-server",
            "spring-boot-starter-oauth2-client",
            "spring-boot-starter-oauth2-authorization-server",
        ],
    ),
    (
        "org.springframework.security",
        &[
            "spring-security-oauth2-resource-server",
            "spring-security-oauth2-client",
            "spring-security-oauth2-authorization-server",
            "spring-security-saml2-service-provider",
        ],
    ),
    ("org.springframework.cloud", &["spring-cloud-starter-oauth2"]),
    ("org.keycloak", &["keycloak-spring-boot-starter", "keycloak-spring-boot-2-starter"]),
];

/// Whether Spring Security is on the service's classpath.
#[derive(Clone, Debug, Default)]
pub enum Present {
    /// The artifact, and where it is declared.
    Yes(String, Span),
    #[default]
    No,
    Unknown(Why),
}

/// A filter chain and the file that declares it.
#[derive(Clone, Debug)]
pub struct ChainAt {
    pub file: FileId,
    pub chain: Chain,
}

/// What decides access when Spring Security is present.
#[derive(Clone, Debug, Default)]
pub enum Config {
    /// No filter chain in the sources, nothing that may contribute one: Boot's default.
    BootDefault,
    /// The application's own chains, and the requests `web.ignoring()` exempts.
    Chains {
        chains: Vec<ChainAt>,
        ignoring: Vec<(Matcher, Span)>,
    },
    #[default]
    None,
    Unknown(Why),
}

/// The security fact of one service.
#[derive(Clone, Debug, Default)]
pub struct Security {
    pub present: Present,
    pub config: Config,
}

/// Which server a request reaches.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Server {
    Main,
    Management,
}

impl Server {
    /// The server actuator endpoints are on: the management server on a DIFFERENT port.
    pub fn of_actuator(sv: &Serving) -> Server {
        if sv.is(super::facts::PortType::Different) {
            Server::Management
        } else {
            Server::Main
        }
    }
}

impl Security {
    /// One line: whether Spring Security is present and what configures it.
    pub fn describe(&self, at: impl Fn(Span) -> String) -> String {
        let present = match &self.present {
            Present::No => return "Spring Security is not on the classpath".into(),
            Present::Unknown(w) => return format!("unknown whether Spring Security is on the classpath: {}", w.text),
            Present::Yes(a, s) => format!("Spring Security on the classpath (`{a}`, {})", at(*s)),
        };
        match &self.config {
            Config::None => present,
            Config::BootDefault => format!("{present}; no filter chain in the sources: Boot's default (health permitted, other actuator endpoints require authentication)"),
            Config::Unknown(w) => format!(
                "{present}; filter chains unknown: {}{}",
                w.text,
                w.span.map(|s| format!(" ({})", at(s))).unwrap_or_default()
            ),
            Config::Chains { chains, ignoring } => {
                let list: Vec<String> = chains
                    .iter()
                    .map(|c| {
                        let order = match &c.chain.order {
                            Some(Ok(n)) => format!(" @Order({n})"),
                            _ => String::new(),
                        };
                        format!("`{}`{order} ({}, {} rule(s))", c.chain.name, at(Span::new(c.file, c.chain.span.clone())), c.chain.rules.len())
                    })
                    .collect();
                let ign = if ignoring.is_empty() {
                    String::new()
                } else {
                    format!("; `web.ignoring()` at {}", at(ignoring[0].1))
                };
                format!("{present}; filter chains: {}{ign}", list.join(", "))
            }
        }
    }
}

impl Access {
    /// One line for `actuator-lint model`.
    pub fn describe(&self, at: impl Fn(Span) -> String) -> String {
        let d = |d: &Decided| match d.span {
            Some(s) => format!("{} ({})", d.text, at(s)),
            None => d.text.clone(),
        };
        match self {
            Access::NoSecurity => "open (no Spring Security)".into(),
            Access::Permitted(x) => format!("permitted — {}", d(x)),
            Access::RequiresAuthentication { decided, .. } => format!("requires authentication — {}", d(decided)),
            Access::Denied(x) => format!("denied — {}", d(x)),
            Access::Unknown(w) => format!(
                "unknown — {}{}",
                w.text,
                w.span.map(|s| format!(" ({})", at(s))).unwrap_or_default()
            ),
        }
    }
}

/// What decided an answer: a rule in the sources, or Boot's default.
#[derive(Clone, Debug, PartialEq)]
pub struct Decided {
    pub text: String,
    pub span: Option<Span>,
}

/// What an unauthenticated request receives when authentication is required.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// A status (`401` from HTTP Basic or a bearer-token entry point, `403` without any):
    /// never a redirect.
    Status(u16),
    /// A redirect to a login page may come first (form or OAuth2 login, a custom entry point,
    /// or Boot's default chain, whose choice depends on the request's `Accept` header and the
    /// Spring Security version).
    MaybeRedirect,
}

/// Whether one request is let through without credentials.
#[derive(Clone, Debug, PartialEq)]
pub enum Access {
    /// Spring Security is not on the classpath.
    NoSecurity,
    Permitted(Decided),
    RequiresAuthentication {
        decided: Decided,
        answer: Answer,
    },
    /// `denyAll()`: no request gets through, with or without credentials.
    Denied(Decided),
    Unknown(Why),
}

/// The security fact of the service built by `module`.
pub fn of_module(
    modules: &IdVec<ModuleId, Module>,
    module: ModuleId,
    sources: &SourceSet,
    parsed: &[Parsed],
    by_dir: &HashMap<&str, Vec<FileId>>,
) -> Security {
    let present = presence(modules, module);
    if matches!(present, Present::No) {
        return Security {
            present,
            config: Config::None,
        };
    }
    Security {
        config: config(modules, module, sources, parsed, by_dir),
        present,
    }
}

fn presence(modules: &IdVec<ModuleId, Module>, module: ModuleId) -> Present {
    let mut unknown = None;
    for (group, names) in SECURITY {
        for name in *names {
            match find_artifact(modules, module, group, &[name]) {
                Presence::Present(chain) => {
                    if let Some(span) = chain.last() {
                        return Present::Yes(format!("{group}:{name}"), *span);
                    }
                }
                Presence::Unknown(reasons) if unknown.is_none() => {
                    unknown = reasons.first().map(|(w, s)| Why::new(w.clone(), Some(*s)));
                }
                _ => {}
            }
        }
    }
    match unknown {
        Some(w) => Present::Unknown(w),
        None => Present::No,
    }
}

fn config(
    modules: &IdVec<ModuleId, Module>,
    module: ModuleId,
    sources: &SourceSet,
    parsed: &[Parsed],
    by_dir: &HashMap<&str, Vec<FileId>>,
) -> Config {
    let mut chains = Vec::new();
    let mut ignoring = Vec::new();
    let mut unknown: Vec<Why> = Vec::new();
    let mut from_deps: Vec<Why> = Vec::new();
    for ms in module_sources(modules, module, sources, by_dir, "its security configuration is not read") {
        unknown.extend(ms.unknown);
        for &id in ms.files {
            if let Parsed::Source(_, w) = &parsed[id.0 as usize] {
                let path = &sources.get(id).path;
                for (why, r) in &w.security.opaque {
                    unknown.push(Why::new(format!("`{path}` {why}"), Some(Span::new(id, r.clone()))));
                }
                chains.extend(w.security.chains.iter().map(|c| ChainAt {
                    file: id,
                    chain: c.clone(),
                }));
                ignoring.extend(w.security.ignoring.iter().map(|(m, r)| (m.clone(), Span::new(id, r.clone()))));
            }
        }
        unknown_classpath(ms.module, ms.transitive, "a security filter chain", false, &mut from_deps);
    }
    if let Some(w) = unknown.into_iter().next() {
        return Config::Unknown(w);
    }
    // A chain of the application's own makes Boot's default and the auto-configured chains back
    // off (`@ConditionalOnDefaultWebSecurity`, `@ConditionalOnMissingBean`), but a chain that a
    // library declares unconditionally (an in-house starter opening the actuator with
    // `securityMatcher(EndpointRequest.toAnyEndpoint())`) stands beside it: `FilterChainProxy`
    // tries every `SecurityFilterChain` bean in order and the first that matches decides. A
    // dependency the linter cannot see into leaves the answer unknown either way.
    if let Some(w) = from_deps.into_iter().next() {
        return Config::Unknown(w);
    }
    if chains.is_empty() {
        if let Some((_, at)) = ignoring.first() {
            return Config::Unknown(Why::new(
                "`web.ignoring()` without a filter chain of the application's own is not evaluated",
                Some(*at),
            ));
        }
        // Boot's actuator chain needs `HttpSecurity` (`@ConditionalOnClass`), which is in
        // `spring-security-config`: `spring-security-web` alone configures nothing.
        if !CONFIG
            .iter()
            .any(|(group, names)| matches!(find_artifact(modules, module, group, names), Presence::Present(_)))
        {
            return Config::Unknown(Why::new(
                "no dependency known to bring `spring-security-config` (a Spring Boot security starter): Boot's default chain may not apply",
                None,
            ));
        }
        for (group, names) in OWN_CHAIN {
            if let Presence::Present(decl) = find_artifact(modules, module, group, names) {
                return Config::Unknown(Why::new(
                    format!("`{group}:{}` is on the classpath and the sources define no filter chain: Boot's OAuth2/SAML auto-configuration may define one from properties", names.join("|")),
                    decl.last().copied(),
                ));
            }
        }
        return Config::BootDefault;
    }
    Config::Chains { chains, ignoring }
}

/// Spring Boot's endpoint classes' ids a request may address.
fn endpoint_of(sv: &Serving, path: &str) -> Option<&'static str> {
    let sub = path.strip_prefix(sv.actuator_root.as_str())?;
    if sub == sv.health_sub || sub.strip_prefix(sv.health_sub.as_str()).is_some_and(|r| r.starts_with('/')) {
        Some("health")
    } else if sub == sv.prometheus_sub {
        Some("prometheus")
    } else {
        None
    }
}

/// Under the actuator root (the root itself included).
fn under_root(sv: &Serving, path: &str) -> bool {
    let root = sv.actuator_root.as_str();
    root.is_empty() || path == root || path.strip_prefix(root).is_some_and(|r| r.starts_with('/'))
}

impl Security {
    /// Whether a `GET` of `path` (the full request path) on `server` passes without credentials.
    pub fn access(&self, path: &str, server: Server, sv: &Serving, boot: &BootVersion) -> Access {
        let artifact = match &self.present {
            Present::No => return Access::NoSecurity,
            Present::Unknown(w) => return Access::Unknown(w.clone()),
            Present::Yes(a, s) => (a, *s),
        };
        if let Some(w) = &sv.paths_unknown {
            return Access::Unknown(w.clone());
        }
        if boot.major < 2 {
            return Access::Unknown(Why::new(
                format!(
                    "Spring Boot {} secures the actuator with `management.security.*`, which is not evaluated",
                    boot.text
                ),
                boot.span,
            ));
        }
        let endpoint = endpoint_of(sv, path);
        match &self.config {
            Config::None => Access::NoSecurity,
            Config::Unknown(w) => Access::Unknown(w.clone()),
            Config::BootDefault => {
                if !under_root(sv, path) {
                    return Access::Unknown(Why::new(format!("`{path}` is not an actuator path"), None));
                }
                let decided = |what: &str| Decided {
                    text: format!(
                        "Spring Security is on the classpath (`{}`) and the sources define no filter chain: Boot's default chain {what}",
                        artifact.0
                    ),
                    span: Some(artifact.1),
                };
                let info_open = (boot.major, boot.minor) <= (2, 4);
                match endpoint {
                    Some("health") => Access::Permitted(decided("permits the health endpoint")),
                    None if path.strip_prefix(sv.actuator_root.as_str()) == Some("/info") && boot.span.is_none() => {
                        Access::Unknown(Why::new(
                            "Boot's default chain permits `info` up to 2.4, and the Boot version is not known",
                            None,
                        ))
                    }
                    None if info_open && path.strip_prefix(sv.actuator_root.as_str()) == Some("/info") => {
                        Access::Permitted(decided("permits the health and info endpoints (Boot 2.4 and earlier)"))
                    }
                    _ => Access::RequiresAuthentication {
                        decided: decided(if info_open {
                            "requires authentication for every actuator endpoint except health and info"
                        } else {
                            "requires authentication for every actuator endpoint except health"
                        }),
                        answer: Answer::MaybeRedirect,
                    },
                }
            }
            Config::Chains { chains, ignoring } => {
                // A WebFlux chain in a servlet application (or the reverse) is never used; which
                // stack runs is then in doubt.
                let reactive = match sv.stack {
                    WebStack::Reactive => Some(true),
                    WebStack::Servlet => Some(false),
                    WebStack::Unknown => None,
                };
                if let Some(c) = chains.iter().find(|c| reactive != Some(c.chain.reactive)) {
                    return Access::Unknown(Why::new(
                        format!(
                            "`{}` is a {} filter chain, and the web stack is {}",
                            c.chain.name,
                            if c.chain.reactive { "WebFlux" } else { "servlet" },
                            match reactive {
                                Some(true) => "WebFlux",
                                Some(false) => "servlet",
                                None => "unknown",
                            }
                        ),
                        Some(Span::new(c.file, c.chain.span.clone())),
                    ));
                }
                let rel = match relative(sv, path, server) {
                    Ok(r) => r,
                    Err(w) => return Access::Unknown(w),
                };
                let req = Request {
                    rel: &rel,
                    full: path,
                    endpoint,
                    under_root: under_root(sv, path),
                    root: &sv.actuator_root,
                };
                for (m, span) in ignoring {
                    match req.matches(m) {
                        Some(true) => {
                            return Access::Permitted(Decided {
                                text: "`web.ignoring()` exempts it from Spring Security".into(),
                                span: Some(*span),
                            })
                        }
                        Some(false) => {}
                        None => return Access::Unknown(Why::new("a `web.ignoring()` matcher the linter does not evaluate", Some(*span))),
                    }
                }
                decide(chains, &req)
            }
        }
    }
}

/// The path Spring Security matches: within the application (servlet: without the context
/// path, with the servlet path; WebFlux: without the base path), or within the management
/// server's context.
fn relative(sv: &Serving, path: &str, server: Server) -> Result<String, Why> {
    let prefix = match server {
        Server::Management => sv.management_prefix.as_str(),
        Server::Main if sv.stack == WebStack::Reactive => sv.server_prefix.as_str(),
        Server::Main => {
            if sv.server_prefix != sv.context_path {
                return Err(Why::new(
                    "a servlet path (`spring.mvc.servlet.path`) changes which path security matchers see",
                    None,
                ));
            }
            sv.context_path.as_str()
        }
    };
    match path.strip_prefix(prefix) {
        Some("") => Ok("/".into()),
        Some(r) if r.starts_with('/') => Ok(r.to_string()),
        _ => Err(Why::new(format!("`{path}` is outside the server's prefix `{prefix}`"), None)),
    }
}

struct Request<'a> {
    rel: &'a str,
    full: &'a str,
    endpoint: Option<&'static str>,
    under_root: bool,
    root: &'a str,
}

impl Request<'_> {
    /// Whether a matcher matches a `GET` of this request; `None`: cannot tell.
    fn matches(&self, m: &Matcher) -> Option<bool> {
        match m {
            Matcher::Any => Some(true),
            Matcher::Never(_) => Some(false),
            Matcher::Unknown(_) => None,
            Matcher::Pattern { method: Some(x), .. } if !x.eq_ignore_ascii_case("GET") => Some(false),
            Matcher::Pattern { pattern, .. } => ant_matches(pattern, self.rel),
            // `EndpointRequest` matches the paths of exposed endpoints, following the base path
            // and the management server (Boot reference, "Actuator > Security").
            Matcher::Endpoint { ids, excluding } => {
                if !self.under_root {
                    return Some(false);
                }
                let id = self.endpoint?;
                if excluding.iter().any(|e| e == id) {
                    return Some(false);
                }
                Some(ids.as_ref().is_none_or(|ids| ids.iter().any(|i| i == id)))
            }
            Matcher::Links => Some(self.full == self.root || (self.root.is_empty() && self.full == "/")),
            Matcher::StaticResources => {
                // `/css/**`, `/js/**`, `/images/**`, `/webjars/**`, `/favicon.*`, `/*/icon-*`
                // (`StaticResourceLocation`).
                let segs: Vec<&str> = self.rel.split('/').filter(|s| !s.is_empty()).collect();
                Some(match segs.as_slice() {
                    [first, ..] if ["css", "js", "images", "webjars"].contains(first) => true,
                    [one] => one.starts_with("favicon."),
                    [_, two] => two.starts_with("icon-"),
                    _ => false,
                })
            }
        }
    }
}

/// Spring's first-match evaluation over the chains (by `@Order`) and the chosen chain's rules.
fn decide(chains: &[ChainAt], req: &Request<'_>) -> Access {
    let mut ordered: Vec<(i64, &ChainAt)> = Vec::new();
    for c in chains {
        match &c.chain.order {
            Some(Err(e)) => return Access::Unknown(Why::new(e.clone(), Some(Span::new(c.file, c.chain.span.clone())))),
            Some(Ok(n)) => ordered.push((*n, c)),
            // A bean without `@Order` has the lowest precedence.
            None => ordered.push((i32::MAX as i64, c)),
        }
    }
    ordered.sort_by_key(|(n, _)| *n);
    for (i, (n, c)) in ordered.iter().enumerate() {
        let at = Span::new(c.file, c.chain.span.clone());
        let applies = if c.chain.scope.is_empty() {
            Some(true)
        } else {
            let mut any = Some(false);
            for m in &c.chain.scope {
                match req.matches(m) {
                    Some(true) => {
                        any = Some(true);
                        break;
                    }
                    None => any = None,
                    Some(false) => {}
                }
            }
            any
        };
        match applies {
            Some(false) => continue,
            None => {
                return Access::Unknown(Why::new(
                    format!("the scope (`securityMatcher`) of `{}` is not evaluated", c.chain.name),
                    Some(at),
                ))
            }
            Some(true) => {}
        }
        // Two chains with the same order that both apply: registration order decides.
        if ordered.iter().skip(i + 1).any(|(m, _)| m == n) {
            return Access::Unknown(Why::new(
                format!(
                    "several filter chains have the same order as `{}`: which applies first is not known",
                    c.chain.name
                ),
                Some(at),
            ));
        }
        return in_chain(c, req);
    }
    Access::Permitted(Decided {
        text: "no filter chain's `securityMatcher` matches it".into(),
        span: chains.first().map(|c| Span::new(c.file, c.chain.span.clone())),
    })
}

fn in_chain(c: &ChainAt, req: &Request<'_>) -> Access {
    let chain = &c.chain;
    if let Some((why, r)) = &chain.opaque {
        return Access::Unknown(Why::new(format!("`{}`: {why}", chain.name), Some(Span::new(c.file, r.clone()))));
    }
    let e = &chain.entry;
    // Without any entry point, `Http403ForbiddenEntryPoint` answers on a servlet stack
    // (`ExceptionHandlingConfigurer`), `HttpBasicServerAuthenticationEntryPoint` on WebFlux
    // (`ServerHttpSecurity.ExceptionHandlingSpec`).
    let answer = if e.redirect || e.custom {
        Answer::MaybeRedirect
    } else if e.basic || e.bearer || chain.reactive {
        Answer::Status(401)
    } else {
        Answer::Status(403)
    };
    for rule in &chain.rules {
        let span = Span::new(c.file, rule.span.clone());
        let mut hit = Some(false);
        for m in &rule.matchers {
            match req.matches(m) {
                Some(true) => {
                    hit = Some(true);
                    break;
                }
                None => hit = None,
                Some(false) => {}
            }
        }
        match hit {
            Some(false) => continue,
            None => return Access::Unknown(Why::new("a request matcher the linter does not evaluate comes first", Some(span))),
            Some(true) if rule.conditional => {
                return Access::Unknown(Why::new("the first rule that matches is declared conditionally", Some(span)))
            }
            Some(true) => {}
        }
        let decided = |text: String| Decided { text, span: Some(span) };
        return match &rule.access {
            Rule::Permit => Access::Permitted(decided(format!("`{}` permits it", chain.name))),
            Rule::Authenticated(a) => Access::RequiresAuthentication {
                decided: decided(format!("`{}` requires `{a}` for it", chain.name)),
                answer,
            },
            Rule::Deny => Access::Denied(decided(format!("`{}` denies it (`denyAll`)", chain.name))),
            Rule::Unknown(w) => Access::Unknown(Why::new(
                format!("the first rule that matches requires {w}, which is not evaluated"),
                Some(span),
            )),
        };
    }
    Access::Unknown(Why::new(
        format!("no rule of `{}` matches it", chain.name),
        Some(Span::new(c.file, chain.span.clone())),
    ))
}

/// Spring's `AntPathMatcher` / `PathPattern` for the patterns it shares: `?`, `*` within a
/// segment, `**` for any number of segments (`/a/**` matches `/a`), `{name}` for one segment.
/// `None` for what is not evaluated (`{name:regex}`, a pattern without a leading `/`, a path
/// with a trailing `/`, which MVC matching may accept).
pub fn ant_matches(pattern: &str, path: &str) -> Option<bool> {
    if pattern == "**" || pattern == "/**" {
        return Some(true);
    }
    if !pattern.starts_with('/') || pattern.contains("{*") || (pattern.contains('{') && pattern.contains(':')) {
        return None;
    }
    if path.len() > 1 && path.ends_with('/') {
        return None;
    }
    let pat: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    fn seg(p: &str, s: &str) -> bool {
        if p.starts_with('{') && p.ends_with('}') {
            return true;
        }
        let p: Vec<char> = p.chars().collect();
        let s: Vec<char> = s.chars().collect();
        fn go(p: &[char], s: &[char]) -> bool {
            match p.split_first() {
                None => s.is_empty(),
                Some(('*', rest)) => (0..=s.len()).any(|i| go(rest, &s[i..])),
                Some(('?', rest)) => !s.is_empty() && go(rest, &s[1..]),
                Some((c, rest)) => s.first() == Some(c) && go(rest, &s[1..]),
            }
        }
        go(&p, &s)
    }
    fn go(pat: &[&str], segs: &[&str]) -> bool {
        match pat.split_first() {
            None => segs.is_empty(),
            Some((&"**", rest)) => (0..=segs.len()).any(|i| go(rest, &segs[i..])),
            Some((p, rest)) => segs.split_first().is_some_and(|(s, more)| seg(p, s) && go(rest, more)),
        }
    }
    Some(go(&pat, &segs))
}

#[cfg(test)]
mod tests {
    use super::ant_matches;

    #[test]
    fn ant_patterns() {
        assert_eq!(ant_matches("/actuator/**", "/actuator/health"), Some(true));
        assert_eq!(ant_matches("/actuator/**", "/actuator"), Some(true));
        assert_eq!(ant_matches("/management/health", "/management/health/liveness"), Some(false));
        assert_eq!(ant_matches("/management/health/**", "/management/health/liveness"), Some(true));
        assert_eq!(ant_matches("/actuator/*", "/actuator/health/liveness"), Some(false));
        assert_eq!(ant_matches("/actuator/h*", "/actuator/health"), Some(true));
        assert_eq!(ant_matches("/api/**", "/actuator/health"), Some(false));
        assert_eq!(ant_matches("/**", "/x"), Some(true));
        assert_eq!(ant_matches("/a/{id}", "/a/b"), Some(true));
        assert_eq!(ant_matches("/a/{id:[0-9]+}", "/a/b"), None);
        assert_eq!(ant_matches("actuator/**", "/actuator/health"), None);
        assert_eq!(ant_matches("/Actuator/**", "/actuator/health"), Some(false));
    }
}
