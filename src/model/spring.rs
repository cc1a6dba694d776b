//! Spring Boot configuration: property sources with provenance, relaxed binding, and the
//! actuator facts derived from them (semantics §1, §3, §5).
//!
//! A service's config files are read once into `ConfigFile`s (one `Layer` per document, with
//! its activation and resolved `spring.config.import`s). Per deployment, `stack` orders the
//! documents that apply for the active profiles and Boot version (§5.1–5.3) and the
//! deployment's overlays (env, system properties, args) go on top (§5.2); `Effective` answers
//! property look-ups with relaxed binding (§5.4) and placeholders, and says *unknown* when a
//! source the repository cannot see could decide; `facts` derives what the actuator serves.

pub mod configserver;
mod facts;
pub mod files;
pub mod filtering;
mod jvm_sources;
pub mod kubeconfig;
mod lookup;
#[cfg(test)]
mod precedence;
mod profiles;
pub mod registration;
pub mod routes;
pub mod security;
mod serving;
mod stack;

pub use facts::{
    clean_path, default_exposure, endpoint_matches, parse_bool, Actuator, AdditionalPath, BuildFacts, Fact, Facts, PortType, Tri, WebStack,
};
pub use lookup::{Effective, Found, FoundList, Lookup};
pub use profiles::{profile_matches, ProfileSet};
pub use serving::{Namespace, Port, ServedPath, Serving, StaticContent};
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

impl ConfigFile {
    /// A file Spring reads from an external location (a mounted ConfigMap key, a bind-mounted
    /// file, a ConfigMap Spring Cloud Kubernetes reads), named `path` in messages.
    pub fn external(file: FileId, path: String, profile: Option<String>, ext_rank: u8, properties: bool, docs: Vec<Layer>) -> ConfigFile {
        ConfigFile {
            file,
            path,
            bootstrap: false,
            location: 2,
            profile,
            ext_rank,
            properties,
            docs,
            maybe: None,
        }
    }
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
    /// Every such declaration (one per profile document that imports it); the first is shown.
    /// Empty when the server's files are in the repository (`config_server`).
    pub remote_config: Vec<Span>,
    /// What a Config Server in the repository serves this service (`configserver::link`).
    pub config_server: Option<configserver::Served>,
    /// What its own code serves: request mappings and routes, complete or unknown.
    pub routes: routes::Routes,
    /// Whether Spring Security guards it, and how (`security`).
    pub security: security::Security,
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
