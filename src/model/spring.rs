//! Spring Boot configuration: property sources with provenance, relaxed binding, and the
//! actuator facts derived from them (semantics §1, §3, §5).

use crate::parse::properties::PropDocument;
use crate::parse::yaml::{Document, Kind, Node};
use crate::source::{FileId, Span};
use std::collections::BTreeMap;

/// Canonical form of a property name: per `.`-element outside `[]`, lower-case and only
/// `[a-z0-9]` (semantics §5.4); `[..]` kept verbatim.
pub fn canonical(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut in_bracket = false;
    for c in key.chars() {
        match c {
            '[' => {
                in_bracket = true;
                out.push(c);
            }
            ']' => {
                in_bracket = false;
                out.push(c);
            }
            _ if in_bracket => out.push(c),
            '.' => out.push('.'),
            c if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            _ => {}
        }
    }
    // `a.[0]` can arise from flattening; Boot's `a[0]`.
    out.replace(".[", "[")
}

/// Environment variable → canonical property name: split on `_`, lower-case, numbers become
/// indexes (`…_INCLUDE_0` → `…include[0]`).
pub fn env_to_canonical(name: &str) -> String {
    let mut out = String::new();
    for part in name.split('_').filter(|p| !p.is_empty()) {
        if part.chars().all(|c| c.is_ascii_digit()) {
            out.push_str(&format!("[{part}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&part.to_ascii_lowercase());
        }
    }
    canonical(&out)
}

#[derive(Clone, Debug, PartialEq)]
pub enum Origin {
    /// A config file document; `profile` for `application-{profile}` files.
    File { file: FileId, document: usize },
    /// A container env var or Compose `environment` entry.
    Env { name: String },
    /// `--key=value` container args.
    Arg,
}

#[derive(Clone, Debug)]
pub struct Prop {
    /// The key as written (`management.endpoints.web.exposure.include`, `MANAGEMENT_…`).
    pub key: String,
    pub value: String,
    pub key_span: Span,
    pub value_span: Span,
    /// For YAML lists: the sequence node, so a fix can append in the list's own style.
    pub list: Option<ListShape>,
}

#[derive(Clone, Debug)]
pub struct ListShape {
    pub span: Span,
    pub flow: bool,
    pub last_item: Span,
}

#[derive(Clone, Debug)]
pub struct Layer {
    pub origin: Origin,
    /// Human description: `services/x/src/main/resources/application.yml`, `env of Deployment x`.
    pub label: String,
    pub props: BTreeMap<String, Prop>,
    /// Profile expression from `spring.config.activate.on-profile` (or legacy `spring.profiles`).
    pub on_profile: Option<String>,
    /// `application-{profile}` file.
    pub profile_file: Option<String>,
    pub on_cloud_platform: Option<String>,
}

impl Layer {
    fn lookup(&self, kebab: &str) -> Option<&Prop> {
        let c = canonical(kebab);
        if let Some(p) = self.props.get(&c) {
            return Some(p);
        }
        if matches!(self.origin, Origin::Env { .. }) && kebab.contains('-') {
            // Legacy env form: MANAGEMENT_SERVER_BASE_PATH for management.server.base-path.
            return self.props.get(&canonical(&kebab.replace('-', ".")));
        }
        None
    }

    fn list_items(&self, kebab: &str) -> Vec<&Prop> {
        let c = canonical(kebab);
        let prefix = format!("{c}[");
        let mut items: Vec<(usize, &Prop)> = self
            .props
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter_map(|(k, p)| {
                let idx = k[prefix.len()..].split(']').next()?.parse().ok()?;
                // Only direct elements (`include[0]`), not `x[0].y`.
                (k[prefix.len()..].split(']').nth(1) == Some("")).then_some((idx, p))
            })
            .collect();
        items.sort_by_key(|(i, _)| *i);
        items.into_iter().map(|(_, p)| p).collect()
    }
}

/// Flattens one YAML document into a layer (nested keys joined with `.`, lists as `[i]`).
pub fn yaml_layer(doc: &Document, file: FileId, document: usize, label: String) -> Layer {
    let mut props = BTreeMap::new();
    flatten(&doc.root, String::new(), file, &mut props);
    finish_layer(Origin::File { file, document }, label, props)
}

fn flatten(node: &Node, prefix: String, file: FileId, out: &mut BTreeMap<String, Prop>) {
    if let Kind::Map(entries) = &node.kind {
        {
            for (k, v) in entries {
                let Some(key) = k.as_str() else { continue };
                let full = if prefix.is_empty() {
                    key.to_string()
                } else {
                    format!("{prefix}.{key}")
                };
                if let Kind::Seq(items) = &v.kind {
                    // The list itself is also a property (for style-aware fixes and presence).
                    let joined = items.iter().filter_map(|i| i.as_str()).collect::<Vec<_>>().join(",");
                    let shape = items.last().map(|last| ListShape {
                        span: Span::new(file, v.span.clone()),
                        flow: v.flow,
                        last_item: Span::new(file, last.span.clone()),
                    });
                    out.insert(
                        canonical(&full),
                        Prop {
                            key: full.clone(),
                            value: joined,
                            key_span: Span::new(file, k.span.clone()),
                            value_span: Span::new(file, v.span.clone()),
                            list: shape,
                        },
                    );
                    for (i, item) in items.iter().enumerate() {
                        flatten_value(item, format!("{full}[{i}]"), k, file, out);
                    }
                } else {
                    flatten_value(v, full, k, file, out);
                }
            }
        }
    }
}

fn flatten_value(v: &Node, full: String, key_node: &Node, file: FileId, out: &mut BTreeMap<String, Prop>) {
    match &v.kind {
        Kind::Map(_) => flatten(v, full, file, out),
        Kind::Seq(_) => {
            // A list inside a list: index its items.
            for (i, item) in v.as_seq().iter().enumerate() {
                flatten_value(item, format!("{full}[{i}]"), key_node, file, out);
            }
        }
        Kind::Scalar(..) => {
            out.insert(
                canonical(&full),
                Prop {
                    key: full,
                    value: v.as_string().unwrap_or_default(),
                    key_span: Span::new(file, key_node.span.clone()),
                    value_span: Span::new(file, v.span.clone()),
                    list: None,
                },
            );
        }
    }
}

pub fn properties_layer(doc: &PropDocument, file: FileId, document: usize, label: String) -> Layer {
    let mut props = BTreeMap::new();
    for e in &doc.entries {
        props.insert(
            canonical(&e.key),
            Prop {
                key: e.key.clone(),
                value: e.value.clone(),
                key_span: Span::new(file, e.key_span.clone()),
                value_span: Span::new(file, e.value_span.clone()),
                list: None,
            },
        );
    }
    finish_layer(Origin::File { file, document }, label, props)
}

fn finish_layer(origin: Origin, label: String, props: BTreeMap<String, Prop>) -> Layer {
    let get = |k: &str| props.get(&canonical(k)).map(|p| p.value.clone());
    let on_profile = get("spring.config.activate.on-profile").or_else(|| get("spring.profiles"));
    let on_cloud_platform = get("spring.config.activate.on-cloud-platform");
    Layer {
        origin,
        label,
        props,
        on_profile,
        profile_file: None,
        on_cloud_platform,
    }
}

/// Env vars (and `--k=v` args) as a layer; only names that look like properties matter.
pub fn env_layer(vars: &[(String, String, Span, Span)], label: String) -> Layer {
    let mut props = BTreeMap::new();
    for (name, value, key_span, value_span) in vars {
        props.insert(
            env_to_canonical(name),
            Prop {
                key: name.clone(),
                value: value.clone(),
                key_span: *key_span,
                value_span: *value_span,
                list: None,
            },
        );
    }
    Layer {
        origin: Origin::Env { name: label.clone() },
        label,
        props,
        on_profile: None,
        profile_file: None,
        on_cloud_platform: None,
    }
}

pub fn args_layer(args: &[(String, String, Span)], label: String) -> Layer {
    let mut props = BTreeMap::new();
    for (k, v, span) in args {
        props.insert(
            canonical(k),
            Prop {
                key: k.clone(),
                value: v.clone(),
                key_span: *span,
                value_span: *span,
                list: None,
            },
        );
    }
    Layer {
        origin: Origin::Arg,
        label,
        props,
        on_profile: None,
        profile_file: None,
        on_cloud_platform: None,
    }
}

/// A property value and the layer that decided it.
#[derive(Clone, Debug)]
pub struct Found<'a> {
    pub prop: &'a Prop,
    pub layer: &'a Layer,
}

/// A list property: its items and where it was decided (lists replace, never merge: §1.3).
#[derive(Clone, Debug)]
pub struct FoundList<'a> {
    pub items: Vec<String>,
    pub props: Vec<&'a Prop>,
    pub layer: &'a Layer,
}

/// The active property sources of one service in one deployment, lowest precedence first.
#[derive(Clone, Debug, Default)]
pub struct Effective {
    pub layers: Vec<Layer>,
    pub profiles: Vec<String>,
    /// Where the profiles came from (`SPRING_PROFILES_ACTIVE` in Deployment x), for messages.
    pub profiles_from: Option<String>,
}

impl Effective {
    pub fn get(&self, kebab: &str) -> Option<Found<'_>> {
        self.layers.iter().rev().find_map(|l| {
            l.lookup(kebab)
                .filter(|p| p.list.is_none() || !p.value.is_empty())
                .map(|prop| Found { prop, layer: l })
        })
    }

    pub fn value(&self, kebab: &str) -> Option<&str> {
        self.get(kebab).map(|f| f.prop.value.as_str())
    }

    pub fn get_list(&self, kebab: &str) -> Option<FoundList<'_>> {
        for layer in self.layers.iter().rev() {
            if let Some(p) = layer.lookup(kebab) {
                if p.list.is_some() {
                    let items = layer.list_items(kebab);
                    return Some(FoundList {
                        items: items.iter().map(|i| i.value.trim().to_string()).collect(),
                        props: vec![p],
                        layer,
                    });
                }
                return Some(FoundList {
                    items: p.value.split(',').map(|s| s.trim().to_string()).collect(),
                    props: vec![p],
                    layer,
                });
            }
            let items = layer.list_items(kebab);
            if !items.is_empty() {
                return Some(FoundList {
                    items: items.iter().map(|i| i.value.trim().to_string()).collect(),
                    props: items,
                    layer,
                });
            }
        }
        None
    }
}

/// Profile expressions (`prod & !cloud`, `a | b`, `(a | b) & c`), semantics §5.3.
pub fn profile_matches(expr: &str, active: &[String]) -> bool {
    // Comma-separated list = any of.
    expr.split(',').any(|part| eval_profile(part.trim(), active).unwrap_or(false))
}

fn eval_profile(expr: &str, active: &[String]) -> Option<bool> {
    let tokens: Vec<String> = {
        let mut t = Vec::new();
        let mut cur = String::new();
        for c in expr.chars() {
            if "&|!()".contains(c) {
                if !cur.trim().is_empty() {
                    t.push(cur.trim().to_string());
                }
                cur.clear();
                t.push(c.to_string());
            } else {
                cur.push(c);
            }
        }
        if !cur.trim().is_empty() {
            t.push(cur.trim().to_string());
        }
        t
    };
    let mut pos = 0;
    let v = parse_or(&tokens, &mut pos, active, 0)?;
    (pos == tokens.len()).then_some(v)
}

fn parse_or(t: &[String], pos: &mut usize, active: &[String], depth: usize) -> Option<bool> {
    let mut v = parse_and(t, pos, active, depth)?;
    while t.get(*pos).map(String::as_str) == Some("|") {
        *pos += 1;
        v |= parse_and(t, pos, active, depth)?;
    }
    Some(v)
}

fn parse_and(t: &[String], pos: &mut usize, active: &[String], depth: usize) -> Option<bool> {
    let mut v = parse_not(t, pos, active, depth)?;
    while t.get(*pos).map(String::as_str) == Some("&") {
        *pos += 1;
        v &= parse_not(t, pos, active, depth)?;
    }
    Some(v)
}

fn parse_not(t: &[String], pos: &mut usize, active: &[String], depth: usize) -> Option<bool> {
    if depth > 64 {
        return None;
    }
    match t.get(*pos).map(String::as_str) {
        Some("!") => {
            *pos += 1;
            Some(!parse_not(t, pos, active, depth + 1)?)
        }
        Some("(") => {
            *pos += 1;
            let v = parse_or(t, pos, active, depth + 1)?;
            (t.get(*pos).map(String::as_str) == Some(")")).then(|| *pos += 1)?;
            Some(v)
        }
        Some(name) if !"&|)".contains(name) => {
            *pos += 1;
            Some(active.iter().any(|a| a == name))
        }
        _ => None,
    }
}

/// One Spring Boot application module.
#[derive(Clone, Debug)]
pub struct Service {
    pub name: String,
    /// Where the name was set (`spring.application.name`), if it was.
    pub name_span: Option<Span>,
    pub module: super::ModuleId,
    /// Short names Boot logs as `Started <Name>` (`OrderServiceApplication`, `…Kt`).
    pub main_classes: Vec<String>,
    /// Base config files in precedence order (lowest first): non-profile files, then
    /// `application-{profile}` files (layers carry `profile_file`).
    pub layers: Vec<Layer>,
    /// The main config file, where a new `management` block would be added.
    pub primary_config: Option<FileId>,
    pub boot_version: BootVersion,
    /// Where a Config Server import is declared: its actuator settings are then unknown.
    pub remote_config: Option<Span>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BootVersion {
    pub major: u32,
    pub minor: u32,
    /// Where it was read; `None` = assumed (3.x default).
    pub span: Option<Span>,
    pub text: String,
}

impl BootVersion {
    pub fn assumed() -> BootVersion {
        BootVersion {
            major: 3,
            minor: 0,
            span: None,
            text: "3.x (assumed)".into(),
        }
    }
    pub fn parse(text: &str, span: Option<Span>) -> Option<BootVersion> {
        let mut it = text.trim().split(['.', '-']);
        let major = it.next()?.parse().ok()?;
        let minor = it.next().and_then(|m| m.parse().ok()).unwrap_or(0);
        Some(BootVersion {
            major,
            minor,
            span,
            text: text.trim().to_string(),
        })
    }
    pub fn at_least(&self, major: u32, minor: u32) -> bool {
        (self.major, self.minor) >= (major, minor)
    }
}

impl Service {
    /// Effective config for a deployment: base layers filtered by active profiles, then the
    /// deployment's overlays (env, args) on top (semantics §5.2).
    pub fn effective(&self, profiles: Vec<String>, profiles_from: Option<String>, overlays: Vec<Layer>) -> Effective {
        let active: Vec<String> = if profiles.is_empty() {
            vec!["default".to_string()]
        } else {
            profiles.clone()
        };
        let mut layers: Vec<Layer> = Vec::new();
        // Non-profile files first, then profile files in the order profiles were activated.
        for l in self.layers.iter().filter(|l| l.profile_file.is_none()) {
            if l.on_profile.as_deref().is_none_or(|e| profile_matches(e, &active))
                && l.on_cloud_platform.as_deref().is_none_or(|p| p.eq_ignore_ascii_case("kubernetes"))
            {
                layers.push(l.clone());
            }
        }
        for p in &active {
            for l in self.layers.iter().filter(|l| l.profile_file.as_deref() == Some(p.as_str())) {
                if l.on_profile.as_deref().is_none_or(|e| profile_matches(e, &active)) {
                    layers.push(l.clone());
                }
            }
        }
        layers.extend(overlays);
        Effective {
            layers,
            profiles,
            profiles_from,
        }
    }
}

/// How the actuator is served (semantics §3.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortType {
    Same,
    Different,
    Disabled,
}

/// Derived actuator facts for one service in one deployment.
#[derive(Clone, Debug)]
pub struct Actuator {
    pub prometheus_exposed: bool,
    pub health_exposed: bool,
    pub port_type: PortType,
    pub port: u16,
    /// Where the port was decided (`server.port`/`management.server.port`), if set.
    pub port_span: Option<Span>,
    pub prometheus_path: String,
    /// The properties that shaped the path, for "served path decided here" labels.
    pub path_spans: Vec<(Span, String)>,
    pub health_path: String,
    /// What the deployment serves where, for probe targets.
    pub serving: Serving,
}

fn clean_base(p: &str) -> String {
    let t = p.trim();
    if t.is_empty() || t == "/" {
        return String::new();
    }
    let with = if t.starts_with('/') { t.to_string() } else { format!("/{t}") };
    with.trim_end_matches('/').to_string()
}

/// `EndpointId` comparison: case-insensitive, ignoring non-alphanumerics (Boot 2.1+).
fn endpoint_matches(list: &[String], id: &str) -> bool {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase()
    };
    list.iter().any(|e| e.trim() == "*" || norm(e) == norm(id))
}

impl Effective {
    /// Exposure per the exact include/exclude algorithm (semantics §1.2).
    pub fn exposed(&self, id: &str, boot: &BootVersion) -> bool {
        let include = self
            .get_list("management.endpoints.web.exposure.include")
            .map(|l| l.items)
            .filter(|i| !i.iter().all(|s| s.is_empty()));
        let exclude = self
            .get_list("management.endpoints.web.exposure.exclude")
            .map(|l| l.items)
            .unwrap_or_default();
        let defaults: Vec<String> = if boot.at_least(2, 5) {
            vec!["health".into()]
        } else {
            vec!["info".into(), "health".into()]
        };
        let included = endpoint_matches(include.as_deref().unwrap_or(&defaults), id);
        let excluded = endpoint_matches(&exclude, id);
        included && !excluded
    }

    pub fn actuator(&self, boot: &BootVersion) -> Actuator {
        let mut path_spans = Vec::new();
        let mut note = |f: Option<Found<'_>>, what: &str| -> String {
            match f {
                Some(f) => {
                    path_spans.push((f.prop.value_span, format!("{what} `{}`", f.prop.value)));
                    f.prop.value.clone()
                }
                None => String::new(),
            }
        };
        let server_port = self.get("server.port");
        let mgmt_port = self.get("management.server.port");
        let sp: Option<i64> = server_port.as_ref().and_then(|f| f.prop.value.trim().parse().ok());
        let mp: Option<i64> = mgmt_port.as_ref().and_then(|f| f.prop.value.trim().parse().ok());
        let port_type = match mp {
            Some(m) if m < 0 => PortType::Disabled,
            None => PortType::Same,
            Some(m) if (sp.is_none() && m == 8080) || (m != 0 && Some(m) == sp) => PortType::Same,
            Some(_) => PortType::Different,
        };
        let (port, port_span) = match port_type {
            PortType::Different => (mp.unwrap_or(0) as u16, mgmt_port.map(|f| f.prop.value_span)),
            _ => (sp.unwrap_or(8080).clamp(0, 65535) as u16, server_port.map(|f| f.prop.value_span)),
        };
        let prefix = match port_type {
            PortType::Different => {
                let bp = note(self.get("management.server.base-path"), "management.server.base-path");
                let bp = if bp.is_empty() && !boot.at_least(3, 0) {
                    note(
                        self.get("management.server.servlet.context-path"),
                        "management.server.servlet.context-path",
                    )
                } else {
                    bp
                };
                clean_base(&bp)
            }
            _ => {
                let ctx = clean_base(&note(self.get("server.servlet.context-path"), "server.servlet.context-path"));
                let servlet = clean_base(&note(self.get("spring.mvc.servlet.path"), "spring.mvc.servlet.path"));
                let webflux = clean_base(&note(self.get("spring.webflux.base-path"), "spring.webflux.base-path"));
                format!("{ctx}{servlet}{webflux}")
            }
        };
        let base = match self.get("management.endpoints.web.base-path") {
            Some(f) => clean_base(&note(Some(f), "management.endpoints.web.base-path")),
            None => "/actuator".to_string(),
        };
        let sub = |id: &str, note: &mut dyn FnMut(Option<Found<'_>>, &str) -> String| {
            let key = format!("management.endpoints.web.path-mapping.{id}");
            match self.get(&key) {
                Some(f) => clean_base(&note(Some(f), &key)),
                None => format!("/{id}"),
            }
        };
        let prom_sub = sub("prometheus", &mut note);
        let health_sub = sub("health", &mut note);
        Actuator {
            prometheus_exposed: self.exposed("prometheus", boot),
            health_exposed: self.exposed("health", boot),
            port_type,
            port,
            port_span,
            prometheus_path: format!("{prefix}{base}{prom_sub}"),
            path_spans,
            health_path: format!("{prefix}{base}{health_sub}"),
            serving: self.serving(boot),
        }
    }
}

// ── What a deployment serves, for probe targets (probes/*) ──────────────────────────────────
// Apart from `actuator()` on purpose: it reads properties only, and resolves `${VAR:default}`
// placeholders so a port written as a placeholder is known or explicitly unknown, never 8080 by
// accident.

/// Where an additional health path is served (semantics §3.4).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Namespace {
    Server,
    Management,
}

/// A health path served outside the actuator base path (`server:/livez`).
#[derive(Clone, Debug)]
pub struct AdditionalPath {
    pub path: String,
    pub group: String,
    pub namespace: Namespace,
    /// Where it is configured.
    pub span: Option<Span>,
}

#[derive(Clone, Debug, Default)]
pub struct Serving {
    /// `None` when the ports cannot be known (unresolvable placeholder, random port `0`).
    pub port_type: Option<PortType>,
    /// `server.port` (default 8080).
    pub server_port: Option<u16>,
    pub server_port_span: Option<Span>,
    /// `management.server.port`, when it is a different port.
    pub management_port: Option<u16>,
    pub management_port_span: Option<Span>,
    /// `server.servlet.context-path`: the main server serves nothing outside it.
    pub context_path: String,
    pub context_span: Option<Span>,
    /// Context path + servlet path (or WebFlux base path): where `server:` paths start.
    pub server_prefix: String,
    /// Prefix and `management.endpoints.web.base-path` on the actuator's port (`/actuator`).
    pub actuator_root: String,
    /// The properties that decided `actuator_root`, for labels.
    pub root_spans: Vec<(Span, String)>,
    /// `management.endpoints.web.base-path` alone; empty when actuator shares the root with
    /// the application's own controllers.
    pub base_path: String,
    /// The health endpoint's sub-path under the root (`/health`, or its path-mapping).
    pub health_sub: String,
    /// Health groups: `liveness`/`readiness` (Boot 2.3+) and `management.endpoint.health.group.*`.
    pub groups: Vec<String>,
    pub additional: Vec<AdditionalPath>,
    /// TLS on the main server and on the management server; `None` = unknown.
    pub server_tls: Option<bool>,
    pub server_tls_span: Option<Span>,
    pub management_tls: Option<bool>,
    pub management_tls_span: Option<Span>,
    /// Why something above is unknown (`` `server.port` is `${PORT}` ``).
    pub unknown: Vec<String>,
}

impl Serving {
    /// The full path of the health endpoint, on the actuator's port.
    pub fn health_path(&self) -> String {
        format!("{}{}", self.actuator_root, self.health_sub)
    }
    /// The port actuator endpoints are served on.
    pub fn actuator_port(&self) -> Option<u16> {
        match self.port_type {
            Some(PortType::Same) => self.server_port,
            Some(PortType::Different) => self.management_port,
            _ => None,
        }
    }
}

impl Effective {
    /// A property's value with `${NAME}`/`${NAME:default}` resolved from the same sources;
    /// `Err` names what could not be resolved.
    fn resolved(&self, key: &str) -> Result<Option<(String, Span)>, String> {
        let Some(f) = self.get(key) else { return Ok(None) };
        let raw = f.prop.value.trim();
        let mut out = String::new();
        let mut rest = raw;
        while let Some(at) = rest.find("${") {
            out.push_str(&rest[..at]);
            let body = &rest[at + 2..];
            let end = body.find('}').ok_or_else(|| format!("`{key}` is `{raw}`"))?;
            let inner = &body[..end];
            if inner.contains("${") {
                return Err(format!("`{key}` is `{raw}`"));
            }
            let (name, default) = match inner.split_once(':') {
                Some((n, d)) => (n, Some(d)),
                None => (inner, None),
            };
            let value = self
                .value(name)
                .filter(|v| !v.contains("${"))
                .map(str::to_string)
                .or(default.map(str::to_string))
                .ok_or_else(|| format!("`{key}` is `{raw}`, and `{name}` is not set in the repository"))?;
            out.push_str(&value);
            rest = &body[end + 1..];
        }
        out.push_str(rest);
        Ok(Some((out, f.prop.value_span)))
    }

    fn resolved_port(&self, key: &str, unknown: &mut Vec<String>) -> Option<Option<(i64, Span)>> {
        match self.resolved(key) {
            Ok(None) => Some(None),
            Ok(Some((v, span))) => match v.trim().parse::<i64>() {
                Ok(p) => Some(Some((p, span))),
                Err(_) => {
                    unknown.push(format!("`{key}` is `{v}`"));
                    None
                }
            },
            Err(e) => {
                unknown.push(e);
                None
            }
        }
    }

    fn flag(&self, key: &str) -> Option<(bool, Span)> {
        let (v, span) = self.resolved(key).ok()??;
        match v.trim().to_ascii_lowercase().as_str() {
            "true" => Some((true, span)),
            "false" => Some((false, span)),
            _ => None,
        }
    }

    /// TLS of a server whose `ssl` properties start with `prefix` (`server.ssl`): on when
    /// `enabled=true`, or when a key store, certificate or bundle is configured and `enabled`
    /// is not `false`. `Err` = unknown (a placeholder).
    fn tls(&self, prefix: &str) -> Result<Option<(bool, Option<Span>)>, ()> {
        let enabled_key = format!("{prefix}.enabled");
        if self.get(&enabled_key).is_some() {
            return self.flag(&enabled_key).map(|(b, span)| Some((b, Some(span)))).ok_or(());
        }
        let material = ["key-store", "certificate", "bundle"]
            .iter()
            .find_map(|k| self.get(&format!("{prefix}.{k}")).map(|f| f.prop.value_span));
        Ok(material.map(|span| (true, Some(span))))
    }

    /// What this deployment serves and where (semantics §3.1–3.4).
    pub fn serving(&self, boot: &BootVersion) -> Serving {
        let mut sv = Serving::default();
        let mut unknown = Vec::new();
        let sp = self.resolved_port("server.port", &mut unknown);
        let mp = self.resolved_port("management.server.port", &mut unknown);
        sv.server_port_span = sp.flatten().map(|(_, s)| s);
        sv.management_port_span = mp.flatten().map(|(_, s)| s);
        let sp_val = sp.map(|p| p.map(|(v, _)| v));
        let mp_val = mp.map(|p| p.map(|(v, _)| v));
        // §3.1, with `0` (a random port) as unknown.
        sv.port_type = match (sp_val, mp_val) {
            (_, None) | (None, _) => None,
            (_, Some(Some(m))) if m < 0 => Some(PortType::Disabled),
            (_, Some(None)) => Some(PortType::Same),
            (Some(s), Some(Some(m))) if (s.is_none() && m == 8080) || (m != 0 && Some(m) == s) => Some(PortType::Same),
            (_, Some(Some(_))) => Some(PortType::Different),
        };
        let port = |v: Option<i64>| v.filter(|p| (1..=65535).contains(p)).map(|p| p as u16);
        sv.server_port = match sp_val {
            Some(None) => Some(8080),
            Some(Some(p)) => port(Some(p)),
            None => None,
        };
        if sp_val == Some(Some(0)) {
            unknown.push("`server.port` is `0` (a random port)".into());
        }
        if sv.port_type == Some(PortType::Different) {
            sv.management_port = port(mp_val.flatten());
            if mp_val.flatten() == Some(0) {
                unknown.push("`management.server.port` is `0` (a random port)".into());
            }
        }
        let note = |key: &str, spans: &mut Vec<(Span, String)>| -> Result<Option<String>, String> {
            let r = self.resolved(key)?;
            if let Some((v, span)) = &r {
                spans.push((*span, format!("`{key}: {v}`")));
            }
            Ok(r.map(|(v, _)| clean_base(&v)))
        };
        let mut ctx_spans = Vec::new();
        let mut root_spans = Vec::new();
        let mut step = |r: Result<Option<String>, String>| -> String {
            r.unwrap_or_else(|e| {
                unknown.push(e);
                None
            })
            .unwrap_or_default()
        };
        sv.context_path = step(note("server.servlet.context-path", &mut ctx_spans));
        sv.context_span = ctx_spans.first().map(|(s, _)| *s);
        let servlet = step(note("spring.mvc.servlet.path", &mut ctx_spans));
        let webflux = step(note("spring.webflux.base-path", &mut ctx_spans));
        sv.server_prefix = format!("{}{servlet}{webflux}", sv.context_path);
        let prefix = if sv.port_type == Some(PortType::Different) {
            let bp = step(note("management.server.base-path", &mut root_spans));
            if bp.is_empty() && !boot.at_least(3, 0) {
                step(note("management.server.servlet.context-path", &mut root_spans))
            } else {
                bp
            }
        } else {
            root_spans.extend(ctx_spans.iter().cloned());
            sv.server_prefix.clone()
        };
        let base = match self.get("management.endpoints.web.base-path") {
            Some(_) => step(note("management.endpoints.web.base-path", &mut root_spans)),
            None => "/actuator".to_string(),
        };
        sv.actuator_root = format!("{prefix}{base}");
        sv.base_path = base;
        sv.root_spans = root_spans;
        sv.health_sub = match self.get("management.endpoints.web.path-mapping.health") {
            Some(f) => clean_base(&f.prop.value),
            None => "/health".into(),
        };
        if boot.at_least(2, 3) {
            sv.groups = vec!["liveness".into(), "readiness".into()];
        }
        // Configured groups, with the name as written (`my-group`), not the canonical key.
        let group_prefix = "management.endpoint.health.group.";
        for l in &self.layers {
            for (k, p) in &l.props {
                let Some(rest) = k.strip_prefix(group_prefix) else { continue };
                let canon = rest.split(['.', '[']).next().unwrap_or("");
                let written = p
                    .key
                    .get(group_prefix.len()..)
                    .filter(|_| p.key.to_ascii_lowercase().starts_with(group_prefix))
                    .and_then(|r| r.split('.').next())
                    .filter(|w| canonical(w) == canon)
                    .unwrap_or(canon);
                if !canon.is_empty() && !sv.groups.iter().any(|g| canonical(g) == canon) {
                    sv.groups.push(written.to_string());
                }
            }
        }
        if boot.at_least(2, 6) {
            let mgmt_prefix = if sv.port_type == Some(PortType::Different) {
                prefix.clone()
            } else {
                sv.server_prefix.clone()
            };
            for g in sv.groups.clone() {
                let key = format!("management.endpoint.health.group.{g}.additional-path");
                let Ok(Some((v, span))) = self.resolved(&key) else { continue };
                let (ns, seg) = match v.trim().split_once(':') {
                    Some(("server", s)) => (Namespace::Server, s),
                    Some(("management", s)) => (Namespace::Management, s),
                    _ => continue,
                };
                let root = if ns == Namespace::Server { &sv.server_prefix } else { &mgmt_prefix };
                sv.additional.push(AdditionalPath {
                    path: format!("{root}{}", clean_base(seg)),
                    group: g,
                    namespace: ns,
                    span: Some(span),
                });
            }
            if let Some((true, span)) = self.flag("management.endpoint.health.probes.add-additional-paths") {
                for (g, seg) in [("liveness", "/livez"), ("readiness", "/readyz")] {
                    sv.additional.push(AdditionalPath {
                        path: format!("{}{seg}", sv.server_prefix),
                        group: g.into(),
                        namespace: Namespace::Server,
                        span: Some(span),
                    });
                }
            }
        }
        match self.tls("server.ssl") {
            Ok(t) => {
                sv.server_tls = Some(t.is_some_and(|(b, _)| b));
                sv.server_tls_span = t.and_then(|(_, s)| s);
            }
            Err(()) => unknown.push("`server.ssl.enabled` is a placeholder".into()),
        }
        if sv.port_type == Some(PortType::Different) {
            // The management server inherits the main server's SSL unless it has its own.
            match self.tls("management.server.ssl") {
                Ok(Some((b, span))) => {
                    sv.management_tls = Some(b);
                    sv.management_tls_span = span;
                }
                Ok(None) => {
                    sv.management_tls = sv.server_tls;
                    sv.management_tls_span = sv.server_tls_span;
                }
                Err(()) => unknown.push("`management.server.ssl.enabled` is a placeholder".into()),
            }
        }
        sv.unknown = unknown;
        sv
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relaxed_names() {
        assert_eq!(canonical("management.endpoints.web.base-path"), "management.endpoints.web.basepath");
        assert_eq!(canonical("Management.Endpoints.Web.basePath"), "management.endpoints.web.basepath");
        assert_eq!(canonical("a.list[0]"), "a.list[0]");
        assert_eq!(
            env_to_canonical("MANAGEMENT_ENDPOINTS_WEB_EXPOSURE_INCLUDE"),
            "management.endpoints.web.exposure.include"
        );
        assert_eq!(
            env_to_canonical("MANAGEMENT_ENDPOINTS_WEB_EXPOSURE_INCLUDE_0_"),
            "management.endpoints.web.exposure.include[0]"
        );
    }

    #[test]
    fn profile_expressions() {
        let active = vec!["prod".to_string(), "k8s".to_string()];
        assert!(profile_matches("prod", &active));
        assert!(profile_matches("prod & !cloud", &active));
        assert!(!profile_matches("prod & cloud", &active));
        assert!(profile_matches("(dev | k8s) & prod", &active));
        assert!(profile_matches("dev, prod", &active));
        assert!(!profile_matches("((", &active));
    }
}
