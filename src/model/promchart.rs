//! The prometheus-community `prometheus` chart's annotation jobs (semantics §15.5): when the
//! repository installs that chart (a values file with its `serverFiles`, a Helm release of it,
//! an umbrella chart depending on it), Prometheus runs the chart's `kubernetes-service-endpoints`
//! and `kubernetes-pods` jobs (and their `-slow` twins), which honour `prometheus.io/scrape`,
//! `path`, `port` and `scheme`. Those jobs are not in the repository, so they are built here
//! from the chart's own values and read like any other scrape job; their spans point at what
//! references the chart.
//!
//! Chart 28.0.0 moved the jobs from `serverFiles."prometheus.yml".scrape_configs` (where a
//! user's list replaced them) to the `scrapeConfigs` map (where a user's list is appended):
//! values that write their own `scrape_configs` without the map leave the defaults unknown.

use super::tree::Node;
use crate::parse::yaml::Limits;
use crate::source::Span;

/// The four annotation jobs of prometheus-community/helm-charts@cf408a29
/// charts/prometheus/values.yaml (chart 29.27.0, lines 864–1088), verbatim but for the
/// `enabled`/`job_name` keys the chart's template turns into `job_name`. The blackbox
/// (`kubernetes-services`), pushgateway, API server and node jobs never scrape an application.
const JOBS: &str = r#"
- job_name: kubernetes-service-endpoints
  honor_labels: true
  kubernetes_sd_configs:
    - role: endpointslice
  relabel_configs:
    - source_labels: [__meta_kubernetes_service_annotation_prometheus_io_scrape]
      action: keep
      regex: true
    - source_labels: [__meta_kubernetes_service_annotation_prometheus_io_scrape_slow]
      action: drop
      regex: true
    - source_labels: [__meta_kubernetes_service_annotation_prometheus_io_scheme]
      action: replace
      target_label: __scheme__
      regex: (https?)
    - source_labels: [__meta_kubernetes_service_annotation_prometheus_io_path]
      action: replace
      target_label: __metrics_path__
      regex: (.+)
    - source_labels: [__address__, __meta_kubernetes_service_annotation_prometheus_io_port]
      action: replace
      target_label: __address__
      regex: (.+?)(?::\d+)?;(\d+)
      replacement: $1:$2
    - action: labelmap
      regex: __meta_kubernetes_service_annotation_prometheus_io_param_(.+)
      replacement: __param_$1
    - action: labelmap
      regex: __meta_kubernetes_service_label_(.+)
    - source_labels: [__meta_kubernetes_namespace]
      action: replace
      target_label: namespace
    - source_labels: [__meta_kubernetes_service_name]
      action: replace
      target_label: service
- job_name: kubernetes-service-endpoints-slow
  honor_labels: true
  scrape_interval: 5m
  scrape_timeout: 30s
  kubernetes_sd_configs:
    - role: endpointslice
  relabel_configs:
    - source_labels: [__meta_kubernetes_service_annotation_prometheus_io_scrape_slow]
      action: keep
      regex: true
    - source_labels: [__meta_kubernetes_service_annotation_prometheus_io_scheme]
      action: replace
      target_label: __scheme__
      regex: (https?)
    - source_labels: [__meta_kubernetes_service_annotation_prometheus_io_path]
      action: replace
      target_label: __metrics_path__
      regex: (.+)
    - source_labels: [__address__, __meta_kubernetes_service_annotation_prometheus_io_port]
      action: replace
      target_label: __address__
      regex: (.+?)(?::\d+)?;(\d+)
      replacement: $1:$2
- job_name: kubernetes-pods
  honor_labels: true
  kubernetes_sd_configs:
    - role: pod
  relabel_configs:
    - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]
      action: keep
      regex: true
    - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape_slow]
      action: drop
      regex: true
    - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scheme]
      action: replace
      regex: (https?)
      target_label: __scheme__
    - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_path]
      action: replace
      target_label: __metrics_path__
      regex: (.+)
    - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_port, __meta_kubernetes_pod_ip]
      action: replace
      regex: (\d+);(([A-Fa-f0-9]{1,4}::?){1,7}[A-Fa-f0-9]{1,4})
      replacement: '[$2]:$1'
      target_label: __address__
    - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_port, __meta_kubernetes_pod_ip]
      action: replace
      regex: (\d+);((([0-9]+?)(\.|$)){4})
      replacement: $2:$1
      target_label: __address__
    - action: labelmap
      regex: __meta_kubernetes_pod_label_(.+)
    - source_labels: [__meta_kubernetes_pod_phase]
      regex: Pending|Succeeded|Failed|Completed
      action: drop
- job_name: kubernetes-pods-slow
  honor_labels: true
  scrape_interval: 5m
  scrape_timeout: 30s
  kubernetes_sd_configs:
    - role: pod
  relabel_configs:
    - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape_slow]
      action: keep
      regex: true
    - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scheme]
      action: replace
      regex: (https?)
      target_label: __scheme__
    - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_path]
      action: replace
      target_label: __metrics_path__
      regex: (.+)
    - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_port, __meta_kubernetes_pod_ip]
      action: replace
      regex: (\d+);(([A-Fa-f0-9]{1,4}::?){1,7}[A-Fa-f0-9]{1,4})
      replacement: '[$2]:$1'
      target_label: __address__
    - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_port, __meta_kubernetes_pod_ip]
      action: replace
      regex: (\d+);((([0-9]+?)(\.|$)){4})
      replacement: $2:$1
      target_label: __address__
    - source_labels: [__meta_kubernetes_pod_phase]
      regex: Pending|Succeeded|Failed|Completed
      action: drop
"#;

/// What a reference to the chart leaves running.
pub enum Defaults {
    /// These jobs (a `scrape_configs` list whose spans all point at the reference).
    Jobs(Node),
    /// Which jobs run cannot be told from the repository; why.
    Unknown(String),
}

/// The chart's annotation jobs as the values `values` (the chart's own keys, already taken from
/// under an umbrella chart's dependency key) leave them. `at` is what references the chart.
pub fn defaults(values: &[&Node], at: Span, limits: &Limits) -> Defaults {
    let own_list = values.iter().any(|v| {
        v.path(&["serverFiles", "prometheus.yml", "scrape_configs"])
            .is_some_and(|l| l.is_seq())
    });
    let map = values.iter().find_map(|v| v.get("scrapeConfigs").filter(|m| m.is_map()));
    if own_list && map.is_none() {
        return Defaults::Unknown(
            "the values replace the `prometheus` chart's `scrape_configs`; whether its default annotation jobs still run depends on the chart version (appended since 28.0.0, replaced before)"
                .into(),
        );
    }
    let (docs, _) = crate::parse::yaml::parse(JOBS, at.file, limits);
    let Some(mut list) = docs.into_iter().next().map(|d| d.root) else {
        return Defaults::Unknown("the chart's default jobs could not be built".into());
    };
    list.map_spans(&|_| at);
    let mut kept = Vec::new();
    for job in list.as_seq() {
        let name = job.at("job_name").as_string().unwrap_or_default();
        // `scrapeConfigs.<job>`: `enabled: false` removes it; anything else changes it in ways
        // this does not evaluate (Helm merges maps, replaces lists).
        if let Some(over) = values.iter().find_map(|v| v.path(&["scrapeConfigs", &name])) {
            if over.at("enabled").as_bool() == Some(false) {
                continue;
            }
            if over
                .as_map()
                .iter()
                .any(|(k, _)| !matches!(k.as_str(), Some("enabled" | "job_name")))
            {
                return Defaults::Unknown(format!("the values change the `prometheus` chart's `{name}` job"));
            }
        }
        kept.push(job.clone());
    }
    Defaults::Jobs(Node {
        kind: super::tree::Kind::Seq(kept),
        span: at,
        flow: false,
    })
}

/// Where prometheus-adapter values point the adapter at the `prometheus` chart's server: the
/// `prometheus.url` node, when its host is `prometheus-server` (the chart names its server
/// Service `<release>-server`, so a release named `prometheus`), bare or qualified with a
/// namespace (`http://prometheus-server.monitoring.svc`). The values are the adapter's when
/// `release` says so (a release of the `prometheus-adapter` chart) or they hold its own keys
/// (prometheus-community/helm-charts charts/prometheus-adapter/values.yaml: `prometheus.url`,
/// `prometheus.port`, `metricsRelistInterval`, `rules.default`/`custom`/`external`/`resource`).
pub fn adapter_points_at_chart_server(values: &Node, release: bool) -> Option<Span> {
    let url = values.path(&["prometheus", "url"])?;
    let text = url.as_str()?.trim();
    let own_keys = values.get("metricsRelistInterval").is_some()
        || values
            .get("rules")
            .is_some_and(|r| ["default", "custom", "external", "resource"].iter().any(|k| r.get(k).is_some()));
    if !(release || own_keys) {
        return None;
    }
    let rest = text
        .strip_prefix("http://")
        .or_else(|| text.strip_prefix("https://"))
        .unwrap_or(text);
    let host = rest.split(['/', ':']).next().unwrap_or("");
    (host.split('.').next() == Some("prometheus-server")).then_some(url.span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn values(text: &str) -> Node {
        let (docs, _) = crate::parse::yaml::parse(text, FileId(0), &Limits::default());
        docs.into_iter().next().expect("a document").root
    }

    fn names(d: &Defaults) -> Vec<String> {
        match d {
            Defaults::Jobs(l) => l.as_seq().iter().filter_map(|j| j.at("job_name").as_string()).collect(),
            Defaults::Unknown(w) => vec![format!("unknown: {w}")],
        }
    }

    #[test]
    fn the_chart_jobs_by_values() {
        let at = Span::empty(FileId(0), 0);
        let l = Limits::default();
        let plain = values("serverFiles:\n  alerting_rules.yml: {}\n");
        assert_eq!(
            names(&defaults(&[&plain], at, &l)),
            [
                "kubernetes-service-endpoints",
                "kubernetes-service-endpoints-slow",
                "kubernetes-pods",
                "kubernetes-pods-slow"
            ]
        );
        let off = values("scrapeConfigs:\n  kubernetes-pods:\n    enabled: false\n  kubernetes-pods-slow: {enabled: false}\n");
        assert_eq!(
            names(&defaults(&[&off], at, &l)),
            ["kubernetes-service-endpoints", "kubernetes-service-endpoints-slow"]
        );
        let own = values("serverFiles:\n  prometheus.yml:\n    scrape_configs:\n      - job_name: x\n");
        assert!(names(&defaults(&[&own], at, &l))[0].starts_with("unknown: the values replace"));
        let changed = values("scrapeConfigs:\n  kubernetes-pods:\n    relabel_configs: []\n");
        assert!(names(&defaults(&[&changed], at, &l))[0].contains("`kubernetes-pods`"));
        let adapter = values("prometheus:\n  url: http://prometheus-server.monitoring.svc\n  port: 80\nrules:\n  default: true\n");
        assert!(adapter_points_at_chart_server(&adapter, false).is_some());
        let elsewhere = values("prometheus:\n  url: http://prometheus-operated.monitoring.svc\nrules:\n  default: true\n");
        assert!(adapter_points_at_chart_server(&elsewhere, true).is_none());
        let stack = values("prometheus:\n  url: http://prometheus-server\n  prometheusSpec: {}\n");
        assert!(adapter_points_at_chart_server(&stack, false).is_none(), "not the adapter's values");
        assert!(adapter_points_at_chart_server(&stack, true).is_some());
        // Every span points at the reference.
        if let Defaults::Jobs(list) = defaults(&[], Span::new(FileId(3), 5..9), &l) {
            assert!(list
                .as_seq()
                .iter()
                .all(|j| j.at("relabel_configs").span == Span::new(FileId(3), 5..9)));
        }
    }
}
