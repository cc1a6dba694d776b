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
        }
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
