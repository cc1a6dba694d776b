//! Spring Boot configuration: property sources with provenance, relaxed binding, and the
//! actuator facts derived from them (semantics §1, §3, §5).
//!
//! A service's config files are read once into `ConfigFile`s (one `Layer` per document, with
//! its activation and resolved `spring.config.import`s). Per deployment, `stack` orders the
//! documents that apply for the active profiles and Boot version (§5.1–5.3) and the
//! deployment's overlays (env, system properties, args) go on top (§5.2); `Effective` answers
//! property look-ups with relaxed binding (§5.4) and placeholders, and says *unknown* when a
//! source the repository cannot see could decide; `facts` derives what the actuator serves.

mod facts;
pub mod files;
pub mod filtering;
mod lookup;
#[cfg(test)]
mod precedence;
mod profiles;
mod stack;

pub use facts::{
    clean_path, default_exposure, endpoint_matches, parse_bool, Actuator, AdditionalPath, BuildFacts, Fact, Facts, PortType, Tri, WebStack,
};
pub use lookup::{Effective, Found, FoundList, Lookup};
pub use profiles::{profile_matches, ProfileSet};
pub use stack::{Platform, StackInput};

use crate::parse::properties::PropDocument;
use crate::parse::yaml::{Document, Kind, Node, Style};
use crate::source::{FileId, Span};
use std::collections::BTreeMap;

/// Canonical form of a property name: per `.`-element outside `[]`, lower-case and only
/// `[a-z0-9]` (semantics §5.4); `[..]` kept verbatim.
pub fn canonical(key: &str) -> String {
    // Most names are already lower-case dotted kebab: dropping the dashes is all there is to do
    // (this runs for every property of every layer and every lookup).
    if key
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        let out: String = key.chars().filter(|&c| c != '-').collect();
        if !out.starts_with('.') && !out.ends_with('.') && !out.contains("..") {
            return out;
        }
    }
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
    let mut out = out.replace(".[", "[");
    // Empty elements (`a..b`, a trailing `.`) do not exist in Boot's names.
    while out.contains("..") {
        out = out.replace("..", ".");
    }
    out.trim_matches('.').to_string()
}

/// A property name in its canonical form, plus the legacy environment-variable form for
/// dashed names (`MANAGEMENT_SERVER_BASE_PATH` ↔ `management.server.base-path`, §5.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    pub canonical: String,
    pub legacy: Option<String>,
}

impl Key {
    pub fn new(kebab: &str) -> Key {
        Key {
            canonical: canonical(kebab),
            legacy: kebab.contains('-').then(|| canonical(&kebab.replace('-', "."))),
        }
    }

    /// `new`, remembered: evaluation asks for the same few property names for every
    /// deployment, and canonicalising them each time was a tenth of a large run.
    pub fn cached(kebab: &str) -> std::rc::Rc<Key> {
        thread_local! {
            static KEYS: std::cell::RefCell<std::collections::HashMap<String, std::rc::Rc<Key>>> = Default::default();
        }
        KEYS.with(|k| {
            if let Some(key) = k.borrow().get(kebab) {
                return key.clone();
            }
            let key = std::rc::Rc::new(Key::new(kebab));
            k.borrow_mut().insert(kebab.to_string(), key.clone());
            key
        })
    }
}

/// Environment variable → canonical property name: split on `_`, lower-case, numbers become
/// indexes (`…_INCLUDE_0` → `…include[0]`). A name that already looks like a property
/// (`management.server.port`, allowed by Kubernetes and Compose) is used as written.
pub fn env_to_canonical(name: &str) -> String {
    if name.contains('.') {
        return canonical(name);
    }
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

/// Why something is as it is, or why it cannot be known: a sentence and, when there is one,
/// the place in the repository that decided it.
#[derive(Clone, Debug, PartialEq)]
pub struct Why {
    pub text: String,
    pub span: Option<Span>,
}

impl Why {
    pub fn new(text: impl Into<String>, span: Option<Span>) -> Why {
        Why { text: text.into(), span }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Origin {
    /// A config file document (also a file embedded in a ConfigMap: `file` is the manifest).
    File { file: FileId, document: usize },
    /// Environment variables: a container's `env`/`envFrom`, Compose `environment`/`env_file`,
    /// Dockerfile `ENV`.
    Env { name: String },
    /// `-Dkey=value` JVM system properties.
    SystemProperty,
    /// `SPRING_APPLICATION_JSON`.
    Json,
    /// `--key=value` command-line arguments.
    Arg,
    /// A source whose content the repository does not hold (Config Server, a Secret).
    Unseen,
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
    /// The value exists but cannot be read (a Secret, a ConfigMap not in the repository).
    pub unknown: Option<String>,
}

#[derive(Clone, Debug)]
pub struct ListShape {
    pub span: Span,
    pub flow: bool,
    pub last_item: Span,
}

/// A `spring.config.import` entry, resolved against the repository when the model is built.
#[derive(Clone, Debug)]
pub struct Import {
    pub location: String,
    pub span: Span,
    pub optional: bool,
    pub target: ImportTarget,
}

#[derive(Clone, Debug)]
pub enum ImportTarget {
    /// The imported file and its profile-specific variants (`profile` set on those).
    Files(Vec<ConfigFile>),
    /// Not in the repository (it may exist in the container or in a dependency's jar).
    Missing,
    /// A source the repository cannot show (`configserver:`, `configtree:`, `vault:`…).
    Unseen(String),
}

#[derive(Clone, Debug)]
pub struct Layer {
    pub origin: Origin,
    /// Human description: `services/x/src/main/resources/application.yml`, `env of Deployment x`.
    pub label: String,
    /// Shared: every deployment's stack copies the layers of its service's files (and sets
    /// their activation), but the properties themselves are the same; cloned only on write.
    pub props: std::sync::Arc<BTreeMap<String, Prop>>,
    /// Profile expression from `spring.config.activate.on-profile` (or legacy `spring.profiles`).
    pub on_profile: Option<String>,
    /// Where the activation is written.
    pub on_profile_span: Option<Span>,
    /// The document uses the legacy `spring.profiles` key (semantics §5.3).
    pub legacy_profiles: Option<Span>,
    /// `application-{profile}` file.
    pub profile_file: Option<String>,
    pub on_cloud_platform: Option<String>,
    /// `.properties` documents: the separator that opened it (`#---` 2.4+, `!---` 3.0+).
    pub separator: Option<char>,
    pub imports: Vec<Import>,
    /// The source may set any property, and what it sets is not in the repository.
    pub opaque: Option<Why>,
    /// The source may or may not apply (profile or platform not known, a mount maybe read).
    pub maybe: Option<Why>,
}

impl Layer {
    pub fn new(origin: Origin, label: String, props: BTreeMap<String, Prop>) -> Layer {
        Layer {
            origin,
            label,
            props: std::sync::Arc::new(props),
            on_profile: None,
            on_profile_span: None,
            legacy_profiles: None,
            profile_file: None,
            on_cloud_platform: None,
            separator: None,
            imports: vec![],
            opaque: None,
            maybe: None,
        }
    }

    /// A source that may set anything (Config Server, `envFrom` of a Secret…).
    pub fn unseen(label: String, why: Why) -> Layer {
        let mut l = Layer::new(Origin::Unseen, label, BTreeMap::new());
        l.opaque = Some(why);
        l
    }

    pub fn is_env(&self) -> bool {
        matches!(self.origin, Origin::Env { .. })
    }

    /// The property for a kebab-case name, with the legacy env form for dashed names
    /// (`MANAGEMENT_SERVER_BASE_PATH` for `management.server.base-path`, semantics §5.4).
    pub fn lookup(&self, kebab: &str) -> Option<&Prop> {
        self.lookup_key(&Key::new(kebab))
    }

    /// `lookup` with the name already canonicalised: callers that ask every layer the same
    /// question compute the key once (this is the hot path of config evaluation).
    pub fn lookup_key(&self, key: &Key) -> Option<&Prop> {
        if let Some(p) = self.props.get(&key.canonical) {
            return Some(p);
        }
        match (&key.legacy, self.is_env()) {
            (Some(l), true) => self.props.get(l),
            _ => None,
        }
    }

    /// `key[0]`, `key[1]`… direct elements, in index order.
    pub fn list_items(&self, kebab: &str) -> Vec<&Prop> {
        self.list_items_key(&Key::new(kebab))
    }

    pub fn list_items_key(&self, key: &Key) -> Vec<&Prop> {
        let items = self.indexed(&key.canonical);
        match (&key.legacy, self.is_env()) {
            (Some(l), true) if items.is_empty() => self.indexed(l),
            _ => items,
        }
    }

    fn indexed(&self, c: &str) -> Vec<&Prop> {
        let prefix = format!("{c}[");
        let mut items: Vec<(usize, &Prop)> = self
            .props
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter_map(|(k, p)| {
                let rest = &k[prefix.len()..];
                let idx = rest.split(']').next()?.parse().ok()?;
                // Only direct elements (`include[0]`), not `x[0].y`.
                (rest.split(']').nth(1) == Some("")).then_some((idx, p))
            })
            .collect();
        items.sort_by_key(|(i, _)| *i);
        items.into_iter().map(|(_, p)| p).collect()
    }

    /// Any property under `prefix.` (map-valued settings such as a health group).
    pub fn has_prefix(&self, kebab_prefix: &str) -> Option<&Prop> {
        let key = Key::cached(kebab_prefix);
        // The first property (in name order) under either prefix: a range query, not a scan.
        let first = |c: &str| {
            let c = format!("{c}.");
            self.props
                .range::<str, _>((std::ops::Bound::Included(c.as_str()), std::ops::Bound::Unbounded))
                .next()
                .filter(|(k, _)| k.starts_with(&c))
        };
        let main = first(&key.canonical);
        let alt = key.legacy.as_deref().filter(|_| self.is_env()).and_then(first);
        match (main, alt) {
            (Some(a), Some(b)) => Some(if b.0 < a.0 { b.1 } else { a.1 }),
            (a, b) => a.or(b).map(|(_, p)| p),
        }
    }
}

/// One config file of a service: where it sits decides its precedence (semantics §5.1–5.2).
#[derive(Clone, Debug)]
pub struct ConfigFile {
    pub file: FileId,
    pub path: String,
    pub bootstrap: bool,
    /// 0 = `classpath:/`, 1 = `classpath:/config/`, 2 = an external location.
    pub location: u8,
    /// `application-{profile}`.
    pub profile: Option<String>,
    /// Within one location: `.yaml` 0 < `.yml` 1 < `.properties` 2 (`.properties` wins).
    pub ext_rank: u8,
    pub properties: bool,
    pub docs: Vec<Layer>,
    /// Applies only under a condition the repository cannot decide.
    pub maybe: Option<Why>,
}

/// Flattens one YAML document into a layer (nested keys joined with `.`, lists as `[i]`).
pub fn yaml_layer(doc: &Document, file: FileId, document: usize, label: String) -> Layer {
    let mut props = BTreeMap::new();
    flatten(&doc.root, String::new(), file, &mut props, 0);
    finish_layer(Origin::File { file, document }, label, props)
}

/// YAML nesting is bounded by the parser's depth limit; this guards the recursion anyway.
const MAX_DEPTH: usize = 256;

fn flatten(node: &Node, prefix: String, file: FileId, out: &mut BTreeMap<String, Prop>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    if let Kind::Map(entries) = &node.kind {
        for (k, v) in entries {
            let Some(key) = k.as_str() else { continue };
            // `"[/key]"` map keys keep their brackets (semantics §5.6).
            let full = if prefix.is_empty() {
                key.to_string()
            } else if key.starts_with('[') {
                format!("{prefix}{key}")
            } else {
                format!("{prefix}.{key}")
            };
            if let Kind::Seq(items) = &v.kind {
                // The list itself is also a property (for style-aware fixes and presence).
                let joined = items.iter().filter_map(|i| i.as_str()).collect::<Vec<_>>().join(",");
                let shape = items.last().map(|last| ListShape {
                    span: Span { file, ..v.span },
                    flow: v.flow,
                    last_item: Span { file, ..last.span },
                });
                out.insert(
                    canonical(&full),
                    Prop {
                        key: full.clone(),
                        value: joined,
                        key_span: Span { file, ..k.span },
                        value_span: Span { file, ..v.span },
                        list: shape,
                        unknown: None,
                    },
                );
                for (i, item) in items.iter().enumerate() {
                    flatten_value(item, format!("{full}[{i}]"), k, file, out, depth + 1);
                }
            } else {
                flatten_value(v, full, k, file, out, depth + 1);
            }
        }
    }
}

fn flatten_value(v: &Node, full: String, key_node: &Node, file: FileId, out: &mut BTreeMap<String, Prop>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match &v.kind {
        Kind::Map(_) => flatten(v, full, file, out, depth + 1),
        Kind::Seq(_) => {
            // A list inside a list: index its items.
            for (i, item) in v.as_seq().iter().enumerate() {
                flatten_value(item, format!("{full}[{i}]"), key_node, file, out, depth + 1);
            }
        }
        Kind::Scalar(..) => {
            let value = v.as_string().unwrap_or_default();
            // Only a Maven filtering token read leniently is a plain scalar starting with `@`
            // (YAML reserves it); unknown until the build says whether it is replaced.
            let unknown = (v.style() == Some(Style::Plain) && value.starts_with('@')).then(|| filtering::token_reason(&value));
            out.insert(
                canonical(&full),
                Prop {
                    key: full,
                    value,
                    key_span: Span { file, ..key_node.span },
                    value_span: Span { file, ..v.span },
                    list: None,
                    unknown,
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
                unknown: None,
            },
        );
    }
    let mut l = finish_layer(Origin::File { file, document }, label, props);
    l.separator = doc.separator;
    l
}

/// Reads a document's activation properties (semantics §5.3).
pub fn finish_layer(origin: Origin, label: String, props: BTreeMap<String, Prop>) -> Layer {
    let mut l = Layer::new(origin, label, props);
    refresh_activation(&mut l);
    l
}

/// The activation expression under `key` (scalar, comma list or YAML list) and its span.
pub(crate) fn activation_expr(l: &Layer, key: &str) -> Option<(String, Span)> {
    let items = l.list_items(key);
    if !items.is_empty() {
        let joined = items.iter().map(|p| p.value.trim().to_string()).collect::<Vec<_>>().join(",");
        return Some((joined, items[0].value_span));
    }
    l.lookup(key).map(|p| (p.value.clone(), p.value_span))
}

pub(crate) fn refresh_activation(l: &mut Layer) {
    let on = activation_expr(l, "spring.config.activate.on-profile");
    let legacy = activation_expr(l, "spring.profiles");
    l.legacy_profiles = legacy.as_ref().map(|(_, s)| l.lookup("spring.profiles").map_or(*s, |p| p.key_span));
    let (on_profile, span) = match (on, legacy) {
        (Some((e, s)), _) | (None, Some((e, s))) => (Some(e), Some(s)),
        _ => (None, None),
    };
    l.on_profile = on_profile;
    l.on_profile_span = span;
    l.on_cloud_platform = l
        .lookup("spring.config.activate.on-cloud-platform")
        .map(|p| p.value.trim().to_string());
}

/// Env vars as a layer: `(name, value, entry span, value span)`; `None` values are unknown
/// (Secrets, ConfigMaps not in the repository) with the reason.
pub fn env_layer_with_unknowns(vars: &[(String, Result<String, String>, Span, Span)], label: String) -> Layer {
    let mut props = BTreeMap::new();
    for (name, value, key_span, value_span) in vars {
        let (value, unknown) = match value {
            Ok(v) => (v.clone(), None),
            Err(why) => (String::new(), Some(why.clone())),
        };
        props.insert(
            env_to_canonical(name),
            Prop {
                key: name.clone(),
                value,
                key_span: *key_span,
                value_span: *value_span,
                list: None,
                unknown,
            },
        );
    }
    Layer::new(Origin::Env { name: label.clone() }, label, props)
}

/// Env vars (and `--k=v` args) as a layer; only names that look like properties matter.
pub fn env_layer(vars: &[(String, String, Span, Span)], label: String) -> Layer {
    let vars: Vec<_> = vars.iter().map(|(n, v, k, s)| (n.clone(), Ok(v.clone()), *k, *s)).collect();
    env_layer_with_unknowns(&vars, label)
}

pub fn props_layer(origin: Origin, args: &[(String, String, Span)], label: String) -> Layer {
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
                unknown: None,
            },
        );
    }
    Layer::new(origin, label, props)
}

/// One Spring Boot application module.
#[derive(Clone, Debug)]
pub struct Service {
    pub name: String,
    /// Where the name was set (`spring.application.name`), if it was.
    pub name_span: Option<Span>,
    pub module: super::ModuleId,
    /// The module directory (`""` for the root).
    pub dir: String,
    /// Short names Boot logs as `Started <Name>` (`OrderServiceApplication`, `…Kt`).
    pub main_classes: Vec<String>,
    /// Every document of every config file, base files first (for listing and attribution;
    /// precedence per deployment comes from `files` through `stack`).
    pub layers: Vec<Layer>,
    /// The packaged config files (`classpath:/` and `classpath:/config/`).
    pub files: Vec<ConfigFile>,
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
    pub patch: u32,
    /// Where it was read; `None` = assumed (3.x default) or from actuator-lint.toml.
    pub span: Option<Span>,
    pub text: String,
}

impl BootVersion {
    pub fn assumed() -> BootVersion {
        BootVersion {
            major: 3,
            minor: 0,
            patch: 0,
            span: None,
            text: "3.x (assumed)".into(),
        }
    }
    pub fn parse(text: &str, span: Option<Span>) -> Option<BootVersion> {
        let mut it = text.trim().split(['.', '-']);
        let major = it.next()?.parse().ok()?;
        let minor = it.next().and_then(|m| m.parse().ok()).unwrap_or(0);
        let patch = it.next().and_then(|m| m.parse().ok()).unwrap_or(0);
        Some(BootVersion {
            major,
            minor,
            patch,
            span,
            text: text.trim().to_string(),
        })
    }
    /// No build file or configuration says; 3.x is assumed (SPEC §5).
    pub fn is_assumed(&self) -> bool {
        self.span.is_none() && self.text.ends_with("(assumed)")
    }
    pub fn at_least(&self, major: u32, minor: u32) -> bool {
        (self.major, self.minor) >= (major, minor)
    }
    pub fn at_least_patch(&self, major: u32, minor: u32, patch: u32) -> bool {
        (self.major, self.minor, self.patch) >= (major, minor, patch)
    }
    /// `3.2.5` or `3.x (assumed)`, for messages.
    pub fn describe(&self) -> String {
        if self.span.is_none() && self.text.contains("assumed") {
            self.text.clone()
        } else {
            format!("Spring Boot {}", self.text)
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
pub struct ServedPath {
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
    pub additional: Vec<ServedPath>,
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
    fn serving_tls(&self, prefix: &str) -> Result<Option<(bool, Option<Span>)>, ()> {
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
            Ok(r.map(|(v, _)| clean_path(&v)))
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
            Some(f) => clean_path(&f.prop.value),
            None => "/health".into(),
        };
        if boot.at_least(2, 3) {
            sv.groups = vec!["liveness".into(), "readiness".into()];
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
                sv.additional.push(ServedPath {
                    path: format!("{root}{}", clean_path(seg)),
                    group: g,
                    namespace: ns,
                    span: Some(span),
                });
            }
            if let Some((true, span)) = self.flag("management.endpoint.health.probes.add-additional-paths") {
                for (g, seg) in [("liveness", "/livez"), ("readiness", "/readyz")] {
                    sv.additional.push(ServedPath {
                        path: format!("{}{seg}", sv.server_prefix),
                        group: g.into(),
                        namespace: Namespace::Server,
                        span: Some(span),
                    });
                }
            }
        }
        match self.serving_tls("server.ssl") {
            Ok(t) => {
                sv.server_tls = Some(t.is_some_and(|(b, _)| b));
                sv.server_tls_span = t.and_then(|(_, s)| s);
            }
            Err(()) => unknown.push("`server.ssl.enabled` is a placeholder".into()),
        }
        if sv.port_type == Some(PortType::Different) {
            // The management server inherits the main server's SSL unless it has its own.
            match self.serving_tls("management.server.ssl") {
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
    fn canonical_names() {
        for (name, want) in [
            ("management.endpoints.web.base-path", "management.endpoints.web.basepath"),
            ("management.server.port", "management.server.port"),
            ("Management.Server.Base_Path", "management.server.basepath"),
            ("a.b[0].c", "a.b[0].c"),
            ("a.[0]", "a[0]"),
            ("a.-.b", "a.b"),
            (".a.", "a"),
            ("spring.application.name", "spring.application.name"),
            ("my.map[Key.With-Dash]", "my.map[Key.With-Dash]"),
        ] {
            assert_eq!(canonical(name), want, "{name}");
        }
    }

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
