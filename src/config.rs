//! `actuator-lint.toml` (SPEC §8). Parsed with toml_edit so every error points at its key.

use crate::diagnostic::Severity;
use crate::suggest::did_you_mean;
use std::collections::BTreeMap;
use std::ops::Range;
use toml_edit::{Document, Item, Table};

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

struct Reader<'a> {
    errors: Vec<ConfigError>,
    text: &'a str,
}

fn span(item: &Item) -> Range<u32> {
    item.span().map(|r| r.start as u32..r.end as u32).unwrap_or(0..0)
}

impl Reader<'_> {
    fn err(&mut self, message: String, span: Range<u32>, help: Option<String>) {
        self.errors.push(ConfigError { message, span, help });
    }

    fn keys(&mut self, table: &Table, section: &str, allowed: &[&str]) {
        for (k, _) in table.iter() {
            if !allowed.contains(&k) {
                let key_span = table
                    .key(k)
                    .and_then(|key| key.span())
                    .map(|r| r.start as u32..r.end as u32)
                    .unwrap_or(0..0);
                let help = did_you_mean(k, allowed.iter().copied()).map(|s| format!("did you mean `{s}`?"));
                let where_ = if section.is_empty() {
                    "at the top level".to_string()
                } else {
                    format!("in `[{section}]`")
                };
                let expected = format!(
                    "expected one of {}",
                    allowed.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")
                );
                self.err(format!("unknown key `{k}` {where_}"), key_span, Some(help.unwrap_or(expected)));
            }
        }
    }

    fn string(&mut self, item: &Item, what: &str) -> Option<String> {
        match item.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                self.err(format!("`{what}` must be a string"), span(item), None);
                None
            }
        }
    }

    fn strings(&mut self, item: &Item, what: &str) -> Vec<String> {
        if let Some(s) = item.as_str() {
            return vec![s.to_string()];
        }
        match item.as_array() {
            Some(a) => a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
            None => {
                self.err(format!("`{what}` must be a list of strings"), span(item), None);
                vec![]
            }
        }
    }

    fn table<'t>(&mut self, item: &'t Item, what: &str) -> Option<&'t Table> {
        match item.as_table() {
            Some(t) => Some(t),
            None => {
                self.err(format!("`{what}` must be a table"), span(item), None);
                None
            }
        }
    }

    fn labels(&mut self, item: &Item, what: &str) -> Option<Vec<(String, String)>> {
        if let Some(t) = item.as_table_like() {
            return Some(
                t.iter()
                    .filter_map(|(k, v)| Some((k.to_string(), v.as_str()?.to_string())))
                    .collect(),
            );
        }
        self.err(
            format!("`{what}` must be a table of labels, e.g. `{{ release = \"kube-prometheus-stack\" }}`"),
            span(item),
            None,
        );
        None
    }
}

/// Parses the config. `rule_names` are the registered rules, for validation.
pub fn parse(text: &str, path: &str, rule_names: &[&str]) -> Result<Config, Vec<ConfigError>> {
    let doc = match Document::parse(text) {
        Ok(d) => d,
        Err(e) => {
            let span = e.span().map(|r| r.start as u32..r.end as u32).unwrap_or(0..0);
            return Err(vec![ConfigError {
                message: format!("invalid TOML: {}", e.message()),
                span,
                help: None,
            }]);
        }
    };
    let mut r = Reader { errors: vec![], text };
    let mut cfg = Config {
        path: Some(path.to_string()),
        ..Config::default()
    };
    let root = doc.as_table();
    r.keys(
        root,
        "",
        &["rules", "discovery", "spring", "kubernetes", "prometheus", "probes", "services"],
    );
    if let Some(t) = root.get("rules").and_then(|i| r.table(i, "rules")) {
        for (k, v) in t.iter() {
            let key_span = t
                .key(k)
                .and_then(|x| x.span())
                .map(|s| s.start as u32..s.end as u32)
                .unwrap_or(0..0);
            if !rule_names.contains(&k) {
                let help = did_you_mean(k, rule_names.iter().copied())
                    .map(|s| format!("did you mean `{s}`?"))
                    .or(Some("run `actuator-lint rules` for the list".into()));
                r.err(format!("unknown rule `{k}`"), key_span, help);
                continue;
            }
            let level = match v.as_str() {
                Some("off") => Some(Level::Off),
                Some(s) => Severity::parse(s).map(Level::On),
                None => None,
            };
            match level {
                Some(l) => {
                    cfg.rules.insert(k.to_string(), l);
                }
                None => r.err(
                    format!("invalid level for `{k}`"),
                    span(v),
                    Some("use one of `off`, `info`, `warning`, `error`".into()),
                ),
            }
        }
    }
    if let Some(t) = root.get("discovery").and_then(|i| r.table(i, "discovery")) {
        r.keys(t, "discovery", &["exclude", "manifests"]);
        if let Some(i) = t.get("exclude") {
            cfg.exclude = r.strings(i, "discovery.exclude");
        }
        if let Some(i) = t.get("manifests") {
            cfg.manifests = r.strings(i, "discovery.manifests");
        }
    }
    if let Some(t) = root.get("spring").and_then(|i| r.table(i, "spring")) {
        r.keys(t, "spring", &["boot-version", "profiles"]);
        if let Some(i) = t.get("boot-version") {
            cfg.boot_version = r.string(i, "spring.boot-version");
        }
        if let Some(i) = t.get("profiles") {
            cfg.profiles = r.strings(i, "spring.profiles");
        }
    }
    if let Some(t) = root.get("kubernetes").and_then(|i| r.table(i, "kubernetes")) {
        r.keys(t, "kubernetes", &["default-namespace"]);
        if let Some(i) = t.get("default-namespace") {
            cfg.default_namespace = r.string(i, "kubernetes.default-namespace");
        }
    }
    if let Some(t) = root.get("prometheus").and_then(|i| r.table(i, "prometheus")) {
        r.keys(
            t,
            "prometheus",
            &["service-monitor-selector", "pod-monitor-selector", "honors-annotations"],
        );
        if let Some(i) = t.get("service-monitor-selector") {
            cfg.service_monitor_selector = r.labels(i, "prometheus.service-monitor-selector");
        }
        if let Some(i) = t.get("pod-monitor-selector") {
            cfg.pod_monitor_selector = r.labels(i, "prometheus.pod-monitor-selector");
        }
        if let Some(i) = t.get("honors-annotations") {
            match i.as_bool() {
                Some(b) => cfg.honors_annotations = Some(b),
                None => r.err("`prometheus.honors-annotations` must be true or false".into(), span(i), None),
            }
        }
    }
    if let Some(t) = root.get("probes").and_then(|i| r.table(i, "probes")) {
        r.keys(t, "probes", &["margin", "boot-logs", "boot-metrics"]);
        if let Some(i) = t.get("margin") {
            match i.as_float().or_else(|| i.as_integer().map(|v| v as f64)) {
                Some(m) if (1.0..=10.0).contains(&m) => cfg.margin = m,
                _ => r.err(
                    "`probes.margin` must be a number from 1.0 to 10.0".into(),
                    span(i),
                    Some("e.g. `margin = 1.2` keeps 20 % headroom over the measured boot time".into()),
                ),
            }
        }
        if let Some(i) = t.get("boot-logs") {
            cfg.boot_logs = Some(r.strings(i, "probes.boot-logs"));
        }
        if let Some(i) = t.get("boot-metrics") {
            cfg.boot_metrics = Some(r.strings(i, "probes.boot-metrics"));
        }
    }
    if let Some(t) = root.get("services").and_then(|i| r.table(i, "services")) {
        for (name, item) in t.iter() {
            let name_span = t
                .key(name)
                .and_then(|x| x.span())
                .map(|s| s.start as u32..s.end as u32)
                .unwrap_or(0..0);
            let Some(st) = r.table(item, &format!("services.{name}")) else {
                continue;
            };
            r.keys(st, &format!("services.{name}"), &["boot-time", "workloads", "profiles"]);
            let mut sc = ServiceConfig::default();
            if let Some(i) = st.get("boot-time") {
                let raw = i
                    .as_str()
                    .map(str::to_string)
                    .or_else(|| i.as_float().map(|f| f.to_string()))
                    .or_else(|| i.as_integer().map(|v| v.to_string()));
                match raw.as_deref().and_then(crate::duration::parse_duration) {
                    Some(secs) => sc.boot_time = Some((secs, span(i))),
                    None => r.err(
                        format!("invalid boot time for service `{name}`"),
                        span(i),
                        Some("write a duration such as `\"161s\"`, `\"2m41s\"` or `161.4`".into()),
                    ),
                }
            }
            if let Some(i) = st.get("workloads") {
                sc.workloads = r.strings(i, "workloads");
            }
            if let Some(i) = st.get("profiles") {
                sc.profiles = r.strings(i, "profiles");
            }
            cfg.services.insert(name.to_string(), (sc, name_span));
        }
    }
    let _ = r.text;
    if r.errors.is_empty() {
        Ok(cfg)
    } else {
        Err(r.errors)
    }
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
        let text = "[rules]\nboot-time-unknown = \"off\"\n[probes]\nmargin = 1.5\nboot-logs = [\"logs/*.log\"]\n[services.order-service]\nboot-time = \"2m41s\"\n";
        let cfg = parse(text, "a.toml", &["boot-time-unknown"]).unwrap();
        assert_eq!(cfg.margin, 1.5);
        assert_eq!(cfg.rules["boot-time-unknown"], Level::Off);
        assert_eq!(cfg.services["order-service"].0.boot_time.as_ref().unwrap().0, 161.0);
    }
}
