//! Programs whose YAML looks like a Prometheus configuration, or sits beside one (semantics
//! §14): which program reads a file, from its top-level keys or from the image that mounts it.

use super::sniff::Shape;

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Program {
    Prometheus,
    /// Prometheus rule files (`groups: [{rules: …}]`): alerts, not scrapes.
    PrometheusRules,
    /// Log shipping: its `scrape_configs` are log streams, never metrics targets.
    Promtail,
    /// VictoriaMetrics vmagent: Prometheus' format plus full-URL targets and extra keys.
    Vmagent,
    /// Grafana Agent, static mode: `metrics.configs[].scrape_configs`.
    GrafanaAgent,
    /// Grafana Alloy (`.alloy`): not YAML.
    Alloy,
    /// OpenTelemetry Collector: `receivers.prometheus*.config.scrape_configs`.
    OtelCollector,
    Loki,
    Alertmanager,
    /// Grafana provisioning (data sources, dashboard providers, alerting).
    Grafana,
}

impl Program {
    pub fn name(self) -> &'static str {
        match self {
            Program::Prometheus => "Prometheus",
            Program::PrometheusRules => "Prometheus rules",
            Program::Promtail => "Promtail",
            Program::Vmagent => "vmagent",
            Program::GrafanaAgent => "Grafana Agent",
            Program::Alloy => "Grafana Alloy",
            Program::OtelCollector => "OpenTelemetry Collector",
            Program::Loki => "Loki",
            Program::Alertmanager => "Alertmanager",
            Program::Grafana => "Grafana provisioning",
        }
    }

    /// Whether its scrape jobs are metrics scrapes this tool reads (in the program's dialect).
    pub fn scrapes_metrics(self) -> bool {
        matches!(
            self,
            Program::Prometheus | Program::Vmagent | Program::GrafanaAgent | Program::OtelCollector
        )
    }

    /// The program a container image runs, if it is one of these.
    pub fn of_image(image: &str) -> Option<Program> {
        let name = image.split('@').next().unwrap_or(image);
        // Strip the tag (a `:` after the last `/`), keep registry ports.
        let name = match name.rsplit_once(':') {
            Some((n, tag)) if !tag.contains('/') => n,
            _ => name,
        };
        let last = name.rsplit('/').next().unwrap_or(name);
        Some(match last {
            "prometheus" => Program::Prometheus,
            "promtail" => Program::Promtail,
            "vmagent" => Program::Vmagent,
            "agent" if name.contains("grafana") => Program::GrafanaAgent,
            "grafana-agent" => Program::GrafanaAgent,
            "alloy" => Program::Alloy,
            "loki" => Program::Loki,
            "alertmanager" => Program::Alertmanager,
            "grafana" | "grafana-oss" | "grafana-enterprise" => Program::Grafana,
            l if l.starts_with("opentelemetry-collector") || l.starts_with("otelcol") => Program::OtelCollector,
            _ => return None,
        })
    }
}

/// Prometheus' own top-level keys (semantics §14): any other program's key is a sign that
/// another program reads the file.
pub const PROMETHEUS_TOP: &[&str] = &[
    "global",
    "runtime",
    "alerting",
    "rule_files",
    "scrape_config_files",
    "scrape_configs",
    "storage",
    "tracing",
    "remote_write",
    "remote_read",
    "otlp",
];

/// The program a configuration is for, from its top-level keys and (for keys nested below
/// the top level) its text. `None`: none of these programs.
pub fn by_keys(s: &Shape, text: &str) -> Option<Program> {
    let scrapes = s.has_any(&["scrape_configs", "scrape_config_files"]);
    if s.has("route") && s.has("receivers") {
        return Some(Program::Alertmanager);
    }
    if s.has("receivers") && s.has_any(&["exporters", "service", "processors", "extensions", "connectors"]) {
        return Some(Program::OtelCollector);
    }
    if s.has_any(&["integrations", "metrics", "traces", "logs"]) && !scrapes && (s.has("server") || text.contains("configs:")) {
        return Some(Program::GrafanaAgent);
    }
    if s.has_any(&["clients", "positions", "client", "target_config"])
        || (scrapes && (text.contains("pipeline_stages") || text.contains("__path__") || text.contains("journal:")))
    {
        return Some(Program::Promtail);
    }
    if s.has_any(&[
        "auth_enabled",
        "schema_config",
        "ingester",
        "storage_config",
        "compactor",
        "query_range",
        "distributor",
    ]) {
        return Some(Program::Loki);
    }
    if s.has_any(&[
        "datasources",
        "deleteDatasources",
        "providers",
        "contactPoints",
        "notifiers",
        "policies",
    ]) {
        return Some(Program::Grafana);
    }
    if scrapes {
        let foreign = s.has("server") && !s.keys.iter().all(|k| PROMETHEUS_TOP.contains(&k.as_str()) || k == "server");
        return (!foreign).then_some(Program::Prometheus);
    }
    if s.has("groups") && s.keys.len() == 1 && text.contains("rules:") && (text.contains("expr:") || text.contains("\"expr\"")) {
        return Some(Program::PrometheusRules);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::sniff::shape;
    use super::*;

    fn of(text: &str) -> Option<Program> {
        by_keys(&shape(text), text)
    }

    #[test]
    fn programs_by_their_keys() {
        assert_eq!(of("global: {}\nscrape_configs: []\n"), Some(Program::Prometheus));
        assert_eq!(
            of("server: {http_listen_port: 9080}\npositions: {filename: /tmp/p}\nclients: []\nscrape_configs: []\n"),
            Some(Program::Promtail)
        );
        assert_eq!(
            of("scrape_configs:\n- job_name: s\n  pipeline_stages: []\n"),
            Some(Program::Promtail)
        );
        assert_eq!(
            of("receivers:\n  prometheus:\n    config: {}\nservice: {}\n"),
            Some(Program::OtelCollector)
        );
        assert_eq!(of("server: {}\nmetrics:\n  configs: []\n"), Some(Program::GrafanaAgent));
        assert_eq!(of("route: {}\nreceivers: []\n"), Some(Program::Alertmanager));
        assert_eq!(of("auth_enabled: false\nschema_config: {}\n"), Some(Program::Loki));
        assert_eq!(of("apiVersion: 1\ndatasources: []\n"), Some(Program::Grafana));
        assert_eq!(
            of("groups:\n- name: a\n  rules:\n  - alert: x\n    expr: up == 0\n"),
            Some(Program::PrometheusRules)
        );
        assert_eq!(of("name: build\non: push\njobs: {}\n"), None);
    }

    #[test]
    fn programs_by_image() {
        assert_eq!(Program::of_image("prom/prometheus:v2.45.0"), Some(Program::Prometheus));
        assert_eq!(Program::of_image("grafana/promtail:2.9.0"), Some(Program::Promtail));
        assert_eq!(Program::of_image("victoriametrics/vmagent"), Some(Program::Vmagent));
        assert_eq!(Program::of_image("grafana/agent:v0.39.0"), Some(Program::GrafanaAgent));
        assert_eq!(
            Program::of_image("otel/opentelemetry-collector-contrib:0.90.0"),
            Some(Program::OtelCollector)
        );
        assert_eq!(Program::of_image("localhost:5000/prometheus"), Some(Program::Prometheus));
        assert_eq!(Program::of_image("acme/orders:1.0"), None);
    }
}
