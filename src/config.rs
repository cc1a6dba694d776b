//! `actuator-lint.toml`: serde-derived types (the JSON Schema is generated from them), read from a
//! toml_edit document so that every error points at its key or value.

use crate::diagnostic::Severity;
use crate::suggest::did_you_mean;
use std::collections::BTreeMap;
use std::ops::Range;
use toml_edit::{Document, Item, TableLike};

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Level {
    Off,
    On(Severity),
}

#[derive(Clone, Debug, Default)]
pub struct ServiceConfig {
    pub boot_time: Option<(f64, Range<u32>)>,
    pub workloads: Vec<String>,
    pub profiles: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Config {
    /// Repo-relative path of the config file, when there is one.
    pub path: Option<String>,
    pub rules: BTreeMap<String, Level>,
    pub exclude: Vec<String>,
    pub manifests: Vec<String>,
    pub boot_version: Option<String>,
    pub profiles: Vec<String>,
    pub default_namespace: Option<String>,
    pub service_monitor_selector: Option<Vec<(String, String)>>,
    pub pod_monitor_selector: Option<Vec<(String, String)>>,
    pub honors_annotations: Option<bool>,
    pub margin: f64,
    /// `[probes] boot-logs`; `None` (unset): the default places, `DEFAULT_BOOT_LOGS`.
    pub boot_logs: Option<Vec<String>>,
    /// `[probes] boot-metrics`; `None` (unset): `DEFAULT_BOOT_METRICS`.
    pub boot_metrics: Option<Vec<String>>,
    /// `[build] maven-repo`, as written (relative to the config file's directory) and where.
    pub maven_repo: Option<(String, Range<u32>)>,
    pub services: BTreeMap<String, (ServiceConfig, Range<u32>)>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            path: None,
            rules: BTreeMap::new(),
            exclude: vec![],
            manifests: vec![],
            boot_version: None,
            profiles: vec![],
            default_namespace: None,
            service_monitor_selector: None,
            pod_monitor_selector: None,
            honors_annotations: None,
            margin: 1.2,
            boot_logs: None,
            boot_metrics: None,
            maven_repo: None,
            services: BTreeMap::new(),
        }
    }
}

/// Where boot logs are looked for when `[probes] boot-logs` is unset: any log, read only when it
/// holds Spring Boot's `Started … in N seconds` line.
pub const DEFAULT_BOOT_LOGS: &[&str] = &["**/*.log"];
/// Where metrics dumps are looked for when `[probes] boot-metrics` is unset: Prometheus
/// text-format files (`*.prom`, as node_exporter's textfile collector names them) and text
/// files named for metrics, read only when they hold `application_started_time_seconds`.
pub const DEFAULT_BOOT_METRICS: &[&str] = &["**/*.prom", "**/*metrics*.txt", "**/*prometheus*.txt"];

impl Config {
    /// The boot-log globs in force: the configured ones, else the defaults.
    pub fn boot_log_globs(&self) -> Vec<String> {
        self.boot_logs
            .clone()
            .unwrap_or_else(|| DEFAULT_BOOT_LOGS.iter().map(|s| s.to_string()).collect())
    }

    /// The metrics-dump globs in force: the configured ones, else the defaults.
    pub fn boot_metric_globs(&self) -> Vec<String> {
        self.boot_metrics
            .clone()
            .unwrap_or_else(|| DEFAULT_BOOT_METRICS.iter().map(|s| s.to_string()).collect())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub message: String,
    pub span: Range<u32>,
    pub help: Option<String>,
}

/// The file as written: serde-derived, so that the JSON Schema (`json_schema`, committed as
/// `actuator-lint.schema.json`) is generated from the same types the reader accepts. Values
/// are checked beyond their type (rule names, levels, ranges, durations) in `parse`, where the
/// document's spans are at hand.
#[derive(serde::Deserialize, schemars::JsonSchema, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(
    title = "actuator-lint configuration",
    description = "actuator-lint.toml: every key is optional; see `actuator-lint init` and the README's Configuration section"
)]
struct FileToml {
    /// Rule levels by rule name (`actuator-lint rules` lists them).
    #[serde(default)]
    rules: BTreeMap<String, LevelName>,
    #[serde(default)]
    discovery: DiscoveryToml,
    #[serde(default)]
    build: BuildToml,
    #[serde(default)]
    spring: SpringToml,
    #[serde(default)]
    kubernetes: KubernetesToml,
    #[serde(default)]
    prometheus: PrometheusToml,
    #[serde(default)]
    probes: ProbesToml,
    /// One table per service, keyed by its name, module directory or Gradle path.
    #[serde(default)]
    services: BTreeMap<String, ServiceToml>,
}

/// A rule's level; `off` disables it.
#[derive(serde::Deserialize, schemars::JsonSchema, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum LevelName {
    Off,
    Info,
    Warning,
    Error,
}

#[derive(serde::Deserialize, schemars::JsonSchema, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct DiscoveryToml {
    /// Globs relative to the root, on top of .gitignore; a bare directory excludes its contents.
    exclude: Option<Strings>,
    /// Rendered manifests (e.g. the output of `helm template`) to read as Kubernetes YAML.
    manifests: Option<Strings>,
}

#[derive(serde::Deserialize, schemars::JsonSchema, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct BuildToml {
    /// A local Maven repository (the layout of `~/.m2/repository`) to read dependencies' POMs from, relative to this file; unset: none is read, not even `~/.m2`.
    maven_repo: Option<String>,
}

#[derive(serde::Deserialize, schemars::JsonSchema, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct SpringToml {
    /// The Spring Boot version where no build file says, e.g. "3.2".
    boot_version: Option<String>,
    /// Active profiles where no workload sets SPRING_PROFILES_ACTIVE.
    profiles: Option<Strings>,
}

#[derive(serde::Deserialize, schemars::JsonSchema, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct KubernetesToml {
    /// The namespace of objects that name none.
    default_namespace: Option<String>,
}

#[derive(serde::Deserialize, schemars::JsonSchema, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct PrometheusToml {
    /// The Prometheus CR's `serviceMonitorSelector` labels, when no Prometheus CR or values file is in the repository.
    service_monitor_selector: Option<BTreeMap<String, String>>,
    /// The Prometheus CR's `podMonitorSelector` labels.
    pod_monitor_selector: Option<BTreeMap<String, String>>,
    /// Whether the scraping Prometheus honours `prometheus.io/*` annotations.
    honors_annotations: Option<bool>,
}

#[derive(serde::Deserialize, schemars::JsonSchema, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ProbesToml {
    /// How many times the measured boot time must fit into a probe's budget (1.0 to 10.0; default 1.2).
    #[schemars(range(min = 1.0, max = 10.0))]
    margin: Option<f64>,
    /// Boot logs to read; unset: any `*.log` holding Spring Boot's `Started … in N seconds` line; `[]`: none.
    boot_logs: Option<Strings>,
    /// Metrics dumps to read; unset: `*.prom`, `*metrics*.txt`, `*prometheus*.txt` holding `application_started_time_seconds`; `[]`: none.
    boot_metrics: Option<Strings>,
}

#[derive(serde::Deserialize, schemars::JsonSchema, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ServiceToml {
    /// The measured boot time: "161s", "2m41s" or a number of seconds.
    boot_time: Option<DurationToml>,
    /// The workloads that run this service, when they are not found by name or image.
    workloads: Option<Strings>,
    /// This service's active profiles.
    profiles: Option<Strings>,
}

/// A string or a list of strings.
#[derive(Default)]
struct Strings(Vec<String>);

impl schemars::JsonSchema for Strings {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Strings".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A string or a list of strings",
            "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
        })
    }
}

impl<'de> serde::Deserialize<'de> for Strings {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Strings;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Strings, E> {
                Ok(Strings(vec![v.to_string()]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Strings, A::Error> {
                let mut out = vec![];
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(Strings(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// A duration as written: a string (`"2m41s"`) or a number of seconds.
struct DurationToml(String);

impl schemars::JsonSchema for DurationToml {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A duration: \"161s\", \"2m41s\", or a number of seconds",
            "anyOf": [{"type": "string"}, {"type": "number", "minimum": 0}]
        })
    }
}

impl<'de> serde::Deserialize<'de> for DurationToml {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = DurationToml;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a duration such as \"161s\" or a number of seconds")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DurationToml, E> {
                Ok(DurationToml(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<DurationToml, E> {
                Ok(DurationToml(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<DurationToml, E> {
                Ok(DurationToml(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<DurationToml, E> {
                Ok(DurationToml(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// Where the schema of this version is published (the committed `actuator-lint.schema.json` at
/// the release tag); `init` writes it as Taplo's `#:schema` directive.
pub fn schema_url() -> String {
    format!(
        "https://raw.githubusercontent.com/actuator-lint/actuator-lint/v{}/actuator-lint.schema.json",
        env!("CARGO_PKG_VERSION")
    )
}

/// The JSON Schema of `actuator-lint.toml`, for editors (Taplo / Even Better TOML read it from
/// the `#:schema` line `init` writes). `[rules]` lists the registered rules by name.
pub fn json_schema(rule_names: &[&str]) -> serde_json::Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(FileToml)).unwrap_or_default();
    let level = serde_json::json!({"$ref": "#/$defs/LevelName"});
    let rules: serde_json::Map<String, serde_json::Value> = rule_names.iter().map(|n| (n.to_string(), level.clone())).collect();
    schema["properties"]["rules"] = serde_json::json!({
        "description": "Rule levels by rule name (`actuator-lint rules` lists them).",
        "type": "object",
        "properties": rules,
        "additionalProperties": false
    });
    schema
}

fn range(r: Option<std::ops::Range<usize>>) -> Range<u32> {
    r.map(|r| r.start as u32..r.end as u32).unwrap_or(0..0)
}

/// The key names a table of the schema allows (`None`: any key, e.g. `[services]`), and the
/// schema of each key's value.
fn allowed_keys<'s>(schema: &'s serde_json::Value, defs: &'s serde_json::Value) -> Option<Vec<(&'s str, &'s serde_json::Value)>> {
    let node = resolve(schema, defs);
    let props = node.get("properties")?.as_object()?;
    Some(props.iter().map(|(k, v)| (k.as_str(), v)).collect())
}

/// Follows `$ref` and picks the object branch of an `anyOf` (an `Option<Table>`).
fn resolve<'s>(schema: &'s serde_json::Value, defs: &'s serde_json::Value) -> &'s serde_json::Value {
    if let Some(name) = schema.get("$ref").and_then(|r| r.as_str()).and_then(|r| r.strip_prefix("#/$defs/")) {
        return resolve(&defs[name], defs);
    }
    if let Some(branch) = schema
        .get("anyOf")
        .and_then(|a| a.as_array())
        .and_then(|a| a.iter().find(|b| resolve(b, defs).get("properties").is_some()))
    {
        return resolve(branch, defs);
    }
    schema
}

/// Every unknown key, in every table the schema describes, with its span and a "did you mean".
fn unknown_keys(table: &dyn TableLike, section: &str, schema: &serde_json::Value, defs: &serde_json::Value, errors: &mut Vec<ConfigError>) {
    let allowed = allowed_keys(schema, defs);
    for (k, item) in table.iter() {
        let child = match &allowed {
            Some(keys) => match keys.iter().find(|(name, _)| *name == k) {
                Some((_, s)) => *s,
                None => {
                    let names = keys.iter().map(|(n, _)| *n);
                    let help = did_you_mean(k, names.clone())
                        .map(|s| format!("did you mean `{s}`?"))
                        .unwrap_or_else(|| format!("expected one of {}", names.map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")));
                    let where_ = if section.is_empty() {
                        "at the top level".to_string()
                    } else {
                        format!("in `[{section}]`")
                    };
                    errors.push(ConfigError {
                        message: format!("unknown key `{k}` {where_}"),
                        span: range(table.key(k).and_then(|key| key.span())),
                        help: Some(help),
                    });
                    continue;
                }
            },
            // A map (`[services]`): every key is a name; its value has the map's value schema.
            None => match resolve(schema, defs).get("additionalProperties") {
                Some(v) if v.is_object() => v,
                _ => continue,
            },
        };
        if let Some(t) = item.as_table_like() {
            let path = if section.is_empty() {
                k.to_string()
            } else {
                format!("{section}.{k}")
            };
            unknown_keys(t, &path, child, defs, errors);
        }
    }
}

/// Parses the config. `rule_names` are the registered rules, for validation.
pub fn parse(text: &str, path: &str, rule_names: &[&str]) -> Result<Config, Vec<ConfigError>> {
    let doc = match Document::parse(text) {
        Ok(d) => d,
        Err(e) => {
            return Err(vec![ConfigError {
                message: format!("invalid TOML: {}", e.message()),
                span: range(e.span()),
                help: None,
            }]);
        }
    };
    let mut errors = vec![];
    let schema = json_schema(rule_names);
    let root = doc.as_table();
    // Keys first, all of them, each with a suggestion; `[rules]` is checked against the registry.
    let mut top = schema.clone();
    top["properties"]["rules"] = serde_json::json!({"additionalProperties": {"type": "string"}});
    unknown_keys(root, "", &top, &schema["$defs"], &mut errors);
    if let Some(t) = root.get("rules").and_then(|i| i.as_table_like()) {
        for (k, v) in t.iter() {
            let key_span = range(t.key(k).and_then(|x| x.span()));
            if !rule_names.contains(&k) {
                let help = did_you_mean(k, rule_names.iter().copied())
                    .map(|s| format!("did you mean `{s}`?"))
                    .or(Some("run `actuator-lint rules` for the list".into()));
                errors.push(ConfigError {
                    message: format!("unknown rule `{k}`"),
                    span: key_span,
                    help,
                });
            } else if !matches!(v.as_str(), Some("off" | "info" | "warning" | "error")) {
                errors.push(ConfigError {
                    message: format!("invalid level for `{k}`"),
                    span: range(v.span()),
                    help: Some("use one of `off`, `info`, `warning`, `error`".into()),
                });
            }
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.span.start);
        return Err(errors);
    }
    // Then the types, by serde; its error points at the value and is given its key.
    let file: FileToml = match <FileToml as serde::Deserialize>::deserialize(toml_edit::de::Deserializer::from(doc.clone())) {
        Ok(f) => f,
        Err(e) => {
            let span = range(e.span());
            let key = key_at(root, &span);
            let help = key
                .as_deref()
                .filter(|k| k.ends_with("-selector"))
                .map(|_| "a table of labels, e.g. `{ release = \"kube-prometheus-stack\" }`".to_string());
            return Err(vec![ConfigError {
                message: format!("{}{}", key.map(|k| format!("`{k}`: ")).unwrap_or_default(), e.message().trim_end()),
                span,
                help,
            }]);
        }
    };
    let value_span = |keys: &[&str]| -> Range<u32> {
        let mut item: Option<&Item> = None;
        let mut table: &dyn toml_edit::TableLike = root;
        for (i, k) in keys.iter().enumerate() {
            item = table.get(k);
            match item.and_then(|it| it.as_table_like()) {
                Some(t) if i + 1 < keys.len() => table = t,
                _ => break,
            }
        }
        item.map(span).unwrap_or(0..0)
    };
    let mut cfg = Config {
        path: Some(path.to_string()),
        ..Config::default()
    };
    for (name, level) in file.rules {
        let level = match level {
            LevelName::Off => Level::Off,
            LevelName::Info => Level::On(Severity::Info),
            LevelName::Warning => Level::On(Severity::Warning),
            LevelName::Error => Level::On(Severity::Error),
        };
        cfg.rules.insert(name, level);
    }
    let list = |s: Option<Strings>| s.map(|s| s.0);
    cfg.exclude = list(file.discovery.exclude).unwrap_or_default();
    cfg.manifests = list(file.discovery.manifests).unwrap_or_default();
    cfg.maven_repo = file.build.maven_repo.map(|p| (p, value_span(&["build", "maven-repo"])));
    cfg.boot_version = file.spring.boot_version;
    cfg.profiles = list(file.spring.profiles).unwrap_or_default();
    cfg.default_namespace = file.kubernetes.default_namespace;
    cfg.service_monitor_selector = file.prometheus.service_monitor_selector.map(|m| m.into_iter().collect());
    cfg.pod_monitor_selector = file.prometheus.pod_monitor_selector.map(|m| m.into_iter().collect());
    cfg.honors_annotations = file.prometheus.honors_annotations;
    if let Some(m) = file.probes.margin {
        if (1.0..=10.0).contains(&m) {
            cfg.margin = m;
        } else {
            errors.push(ConfigError {
                message: "`probes.margin` must be a number from 1.0 to 10.0".into(),
                span: value_span(&["probes", "margin"]),
                help: Some("e.g. `margin = 1.2` keeps 20 % headroom over the measured boot time".into()),
            });
        }
    }
    cfg.boot_logs = list(file.probes.boot_logs);
    cfg.boot_metrics = list(file.probes.boot_metrics);
    let services = root.get("services").and_then(|i| i.as_table_like());
    for (name, st) in file.services {
        let name_span = range(services.and_then(|t| t.key(&name)).and_then(|k| k.span()));
        let mut sc = ServiceConfig::default();
        if let Some(DurationToml(raw)) = st.boot_time {
            let at = value_span(&["services", &name, "boot-time"]);
            match crate::duration::parse_duration(&raw) {
                Some(secs) => sc.boot_time = Some((secs, at)),
                None => errors.push(ConfigError {
                    message: format!("invalid boot time for service `{name}`"),
                    span: at,
                    help: Some("write a duration such as `\"161s\"`, `\"2m41s\"` or `161.4`".into()),
                }),
            }
        }
        sc.workloads = list(st.workloads).unwrap_or_default();
        sc.profiles = list(st.profiles).unwrap_or_default();
        cfg.services.insert(name, (sc, name_span));
    }
    if errors.is_empty() {
        Ok(cfg)
    } else {
        Err(errors)
    }
}

fn span(item: &Item) -> Range<u32> {
    range(item.span())
}

/// The dotted key whose value holds `at` (for a serde error, which knows only the span).
fn key_at(table: &dyn toml_edit::TableLike, at: &Range<u32>) -> Option<String> {
    for (k, item) in table.iter() {
        let s = span(item);
        let inside = s.start <= at.start && at.end <= s.end && s != (0..0);
        let in_table = item.as_table_like().and_then(|t| key_at(t, at));
        if let Some(sub) = in_table {
            return Some(format!("{k}.{sub}"));
        }
        if inside {
            return Some(k.to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_and_rules_point_into_the_file() {
        let text = "[rules]\nprometheus-registry-mising = \"off\"\n[probes]\nmargn = 1.5\n";
        let errs = parse(text, "actuator-lint.toml", &["prometheus-registry-missing"]).unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(
            &text[errs[0].span.start as usize..errs[0].span.end as usize],
            "prometheus-registry-mising"
        );
        assert_eq!(errs[0].help.as_deref(), Some("did you mean `prometheus-registry-missing`?"));
        assert_eq!(errs[1].help.as_deref(), Some("did you mean `margin`?"));
    }

    #[test]
    fn full_schema() {
        let text = "[rules]\nboot-time-unknown = \"off\"\n[build]\nmaven-repo = \"../m2\"\n[probes]\nmargin = 1.5\nboot-logs = [\"logs/*.log\"]\n[services.order-service]\nboot-time = \"2m41s\"\n";
        let cfg = parse(text, "a.toml", &["boot-time-unknown"]).unwrap();
        let (repo, at) = cfg.maven_repo.clone().unwrap();
        assert_eq!((repo.as_str(), &text[at.start as usize..at.end as usize]), ("../m2", "\"../m2\""));
        assert_eq!(cfg.margin, 1.5);
        assert_eq!(cfg.rules["boot-time-unknown"], Level::Off);
        assert_eq!(cfg.services["order-service"].0.boot_time.as_ref().unwrap().0, 161.0);
    }
}
