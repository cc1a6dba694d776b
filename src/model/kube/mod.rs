//! Kubernetes objects: workloads with their containers and probes, Services, ConfigMaps,
//! Namespaces, ServiceMonitors, PodMonitors and Prometheus CRs. Dispatch is on `kind` (never on
//! the file name), for every API version a kind has had (`extensions/v1beta1` … `apps/v1`,
//! `batch/v1beta1` … `batch/v1`); `List` objects are unpacked.
//!
//! * `container`: containers, their ports, env, probes and mounts;
//! * `workload`: workloads, their pod template, volumes and annotations;
//! * `service`: Services, ConfigMaps and Namespaces;
//! * `monitors`: ServiceMonitors, PodMonitors, Prometheus CRs and kube-prometheus-stack values.

mod container;
mod monitors;
mod service;
mod workload;

pub use container::{Container, ContainerPort, EnvFrom, EnvVar, Handler, PortRef, Probe, ProbeKind, ValueRef, VolumeMount};
pub use monitors::{read_stack_values, Monitor, MonitorEndpoint, MonitorKind, PrometheusCr, StackValues};
pub use service::{ConfigMap, ConfigMapEntry, KubeService, NamespaceObject, NamespaceScope, ServicePort};
pub use workload::{Annotation, PodVolume, Workload};

use container::container;
use service::{config_map, secret};
use workload::{annotations, knative_port, pod_template, pod_volumes, KNATIVE_SERVICE};

use super::labels::LabelSelector;
use super::tree::Node;
use crate::source::Spanned;

/// Where an object came from when it was not read verbatim from one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ObjectOrigin {
    /// Objects of one kustomize build link only with each other (and with plain files).
    pub group: Option<usize>,
    /// `kustomize build overlays/prod`, `--manifests <stdin>`.
    pub via: Option<String>,
}

impl ObjectOrigin {
    pub fn compatible(&self, other: &ObjectOrigin) -> bool {
        match (self.group, other.group) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
    }
    pub fn suffix(&self) -> String {
        self.via.as_ref().map(|v| format!(" (from {v})")).unwrap_or_default()
    }
}

/// IANA_SVC_NAME (semantics §9.3): ≤ 15 of `[-a-z0-9]`, a letter, no edge or double hyphen.
pub fn valid_port_name(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 15
        && n.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && n.chars().any(|c| c.is_ascii_lowercase())
        && !n.starts_with('-')
        && !n.ends_with('-')
        && !n.contains("--")
}

fn int(n: &Node) -> Option<Spanned<i64>> {
    n.as_i64().map(|v| Spanned::new(v, n.span))
}

fn string(n: &Node) -> Option<Spanned<String>> {
    n.spanned_string()
}

fn port_ref(n: &Node) -> Option<Spanned<PortRef>> {
    PortRef::from_node(n).map(|v| Spanned::new(v, n.span))
}

#[derive(Default)]
pub struct KubeObjects {
    pub workloads: Vec<Workload>,
    pub services: Vec<KubeService>,
    pub monitors: Vec<Monitor>,
    pub prometheus_crs: Vec<PrometheusCr>,
    pub config_maps: Vec<ConfigMap>,
    /// Secrets in the repository, read like ConfigMaps (see `ConfigMap::secret`).
    pub secrets: Vec<ConfigMap>,
    pub namespaces: Vec<NamespaceObject>,
}

impl KubeObjects {
    /// Appends `other`'s objects after this one's (objects do not refer to each other by index).
    pub fn append(&mut self, mut other: KubeObjects) {
        self.workloads.append(&mut other.workloads);
        self.services.append(&mut other.services);
        self.monitors.append(&mut other.monitors);
        self.prometheus_crs.append(&mut other.prometheus_crs);
        self.config_maps.append(&mut other.config_maps);
        self.secrets.append(&mut other.secrets);
        self.namespaces.append(&mut other.namespaces);
    }
}

/// `apiVersion` + `kind`: what makes a YAML document a Kubernetes object.
pub fn is_object(root: &Node) -> bool {
    root.at("kind").as_str().is_some() && root.at("apiVersion").as_str().is_some()
}

/// `(kind, namespace, name)`, to let rendered manifests replace repo objects.
pub fn identity(root: &Node, default_ns: &str) -> Option<(String, String, String)> {
    let kind = root.at("kind").as_str()?;
    let meta = root.at("metadata");
    Some((
        kind.to_string(),
        meta.at("namespace").as_string().unwrap_or_else(|| default_ns.to_string()),
        meta.at("name").as_string().unwrap_or_default(),
    ))
}

/// Reads one document if it is a Kubernetes object; returns whether it was one.
pub fn read_object(root: &Node, default_ns: &str, origin: &ObjectOrigin, out: &mut KubeObjects) -> bool {
    read_object_at(root, default_ns, origin, out, 0)
}

fn read_object_at(root: &Node, default_ns: &str, origin: &ObjectOrigin, out: &mut KubeObjects, depth: usize) -> bool {
    let (Some(kind), Some(api)) = (root.at("kind").as_str(), root.at("apiVersion").as_str()) else {
        return false;
    };
    if kind.ends_with("List") && root.get("items").is_some() {
        if depth < 4 {
            for item in root.at("items").as_seq() {
                read_object_at(item, default_ns, origin, out, depth + 1);
            }
        }
        return true;
    }
    let Some(meta) = root.get("metadata") else {
        return true;
    };
    let name = string(meta.at("name")).unwrap_or_else(|| Spanned::new(String::new(), meta.span));
    let namespace = meta.at("namespace").as_string().unwrap_or_else(|| default_ns.to_string());
    let labels = meta.at("labels").string_map();
    let monitoring = api.starts_with("monitoring.coreos.com/");
    let knative = kind == "Service" && api.starts_with("serving.knative.dev/");
    let kind = if knative { KNATIVE_SERVICE } else { kind };
    match kind {
        "Service" => {
            let spec = root.at("spec");
            let ports = spec
                .at("ports")
                .as_seq()
                .iter()
                .map(|p| ServicePort {
                    name: string(p.at("name")),
                    port: p.at("port").as_i64().unwrap_or(0),
                    target_port: port_ref(p.at("targetPort")),
                    span: p.span,
                    port_span: p.get("port").map(|x| x.span),
                })
                .collect();
            out.services.push(KubeService {
                name,
                namespace,
                labels,
                selector: spec.get("selector").filter(|s| s.is_map()).map(LabelSelector::from_map),
                ports,
                cluster_ip: spec.at("clusterIP").as_string(),
                file: root.file(),
                annotations: annotations(meta.at("annotations")),
                meta_span: meta.span,
                origin: origin.clone(),
            });
        }
        "ConfigMap" => out.config_maps.push(config_map(root, name, namespace, origin)),
        "Secret" if api == "v1" => out.secrets.push(secret(root, name, namespace, origin)),
        "Namespace" => out.namespaces.push(NamespaceObject { name, labels }),
        "ServiceMonitor" | "PodMonitor" if monitoring => {
            let spec = root.at("spec");
            let mkind = if kind == "ServiceMonitor" {
                MonitorKind::Service
            } else {
                MonitorKind::Pod
            };
            let eps_key = if mkind == MonitorKind::Service {
                "endpoints"
            } else {
                "podMetricsEndpoints"
            };
            let ns_sel = spec.at("namespaceSelector");
            let namespace_scope = if ns_sel.at("any").as_bool() == Some(true) {
                NamespaceScope::Any
            } else if let Some(names) = ns_sel.get("matchNames").filter(|n| n.is_seq()) {
                NamespaceScope::Names(names.as_seq().iter().filter_map(|n| n.as_string()).collect())
            } else {
                NamespaceScope::Own
            };
            let endpoints = spec
                .at(eps_key)
                .as_seq()
                .iter()
                .map(|e| MonitorEndpoint {
                    port: string(e.at("port")),
                    target_port: port_ref(e.at("targetPort")),
                    port_number: int(e.at("portNumber")),
                    path: string(e.at("path")),
                    scheme: string(e.at("scheme")),
                    span: e.span,
                    credentials: ["basicAuth", "authorization", "bearerTokenSecret", "bearerTokenFile", "oauth2"]
                        .iter()
                        .find_map(|k| e.entry_span(k)),
                })
                .collect();
            let labels_map = meta.get("labels").filter(|l| l.is_map() && !l.as_map().is_empty());
            // Without `spec` the selector is the object itself: it must still point somewhere.
            let selector_node = spec.get("selector").or_else(|| root.get("spec")).unwrap_or(root);
            out.monitors.push(Monitor {
                kind: mkind,
                name,
                namespace,
                labels,
                labels_span: labels_map.map_or(meta.span, |l| l.span),
                has_labels_map: labels_map.is_some(),
                label_values: labels_map
                    .map(|l| l.as_map().iter().filter_map(|(k, v)| Some((k.as_string()?, v.span))).collect())
                    .unwrap_or_default(),
                selector: LabelSelector::from_node(selector_node),
                namespace_scope,
                endpoints,
                file: root.file(),
                origin: origin.clone(),
            });
        }
        "Prometheus" if monitoring => {
            let spec = root.at("spec");
            let sel = |k: &str| spec.get(k).filter(|n| !n.is_null()).map(LabelSelector::from_node);
            out.prometheus_crs.push(PrometheusCr {
                name,
                namespace,
                service_monitor_selector: sel("serviceMonitorSelector"),
                service_monitor_ns_selector: sel("serviceMonitorNamespaceSelector"),
                pod_monitor_selector: sel("podMonitorSelector"),
                pod_monitor_ns_selector: sel("podMonitorNamespaceSelector"),
                ignore_namespace_selectors: spec.at("ignoreNamespaceSelectors").as_bool() == Some(true),
                span: root.span,
                additional_scrape_configs: spec.get("additionalScrapeConfigs").filter(|n| !n.is_null()).map(|n| n.span),
                origin: origin.clone(),
            });
        }
        _ => {
            let Some(tmpl) = pod_template(kind, root) else {
                return true;
            };
            let pod_meta = tmpl.get("metadata");
            let pod_spec = tmpl.at("spec");
            let mut containers: Vec<Container> = pod_spec.at("containers").as_seq().iter().map(container).collect();
            if knative {
                knative_port(&mut containers);
            }
            let pod_ann = pod_meta.and_then(|m| m.get("annotations")).filter(|a| a.is_map());
            out.workloads.push(Workload {
                kind: kind.to_string(),
                name,
                namespace,
                labels,
                pod_labels: pod_meta.map(|m| m.at("labels").string_map()).unwrap_or_default(),
                pod_annotations: pod_ann.map(|a| a.string_map()).unwrap_or_default(),
                containers,
                file: root.file(),
                // A bare Pod's own metadata *is* the pod's.
                meta_annotations: if kind == "Pod" {
                    vec![]
                } else {
                    annotations(meta.at("annotations"))
                },
                pod_annotation_entries: pod_ann.map(annotations).unwrap_or_default(),
                pod_meta_span: pod_meta.map_or(tmpl.span, |m| m.span),
                pod_annotations_span: pod_ann.map(|a| a.span),
                origin: origin.clone(),
                volumes: pod_volumes(pod_spec.at("volumes")),
                host_network: pod_spec.at("hostNetwork").as_bool() == Some(true),
            });
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml::{parse, Limits};
    use crate::source::FileId;

    fn objects(text: &str) -> KubeObjects {
        let (docs, err) = parse(text, FileId(0), &Limits::default());
        assert!(err.is_none());
        let mut out = KubeObjects::default();
        for d in &docs {
            read_object(&d.root, "default", &ObjectOrigin::default(), &mut out);
        }
        out
    }

    #[test]
    fn every_workload_kind_and_lists() {
        let o = objects(
            "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        metadata: {labels: {app: c}}\n        spec:\n          containers: [{name: c, image: c:1}]\n---\napiVersion: v1\nkind: List\nitems:\n  - apiVersion: extensions/v1beta1\n    kind: Deployment\n    metadata: {name: d, namespace: x, annotations: {prometheus.io/scrape: 'true'}}\n    spec:\n      template:\n        spec:\n          containers: [{name: d, ports: [{containerPort: 8080, name: http}]}]\n",
        );
        assert_eq!(o.workloads.len(), 2);
        assert_eq!(o.workloads[0].pod_labels, vec![("app".to_string(), "c".to_string())]);
        assert_eq!(o.workloads[1].namespace, "x");
        assert_eq!(o.workloads[1].meta_annotations[0].key, "prometheus.io/scrape");
        assert_eq!(o.workloads[1].containers[0].port_named("http").map(|p| p.port), Some(8080));
    }

    #[test]
    fn container_env_sources_volumes_probes_and_config_maps() {
        let o = objects(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata:\n  A: x\n  application.yml: |\n    server:\n      port: 8081\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      volumes:\n        - name: conf\n          configMap: {name: cfg, items: [{key: application.yml, path: application.yml}]}\n        - name: s\n          secret: {secretName: x}\n      containers:\n        - name: d\n          command: [java]\n          workingDir: /app\n          envFrom: [{configMapRef: {name: cfg}, prefix: P_}, {secretRef: {name: sec}}]\n          env:\n            - {name: SERVER_PORT, value: '8081'}\n            - name: K\n              valueFrom: {configMapKeyRef: {name: cfg, key: A}}\n          volumeMounts: [{name: conf, mountPath: /config}]\n          livenessProbe:\n            exec: {command: [sh, -c, 'curl -f http://localhost:$SERVER_PORT/actuator/health']}\n            terminationGracePeriodSeconds: 5\n          readinessProbe:\n            httpGet: {path: /r, port: 8081, scheme: HTTPS}\n",
        );
        let cm = &o.config_maps[0];
        assert_eq!(cm.get("A").map(|e| e.value.as_str()), Some("x"));
        assert!(cm.get("application.yml").is_some_and(|e| e.value.contains("port: 8081")));
        let w = &o.workloads[0];
        assert_eq!(w.volumes.len(), 2);
        assert_eq!(w.volumes[0].config_maps[0].0, "cfg");
        assert!(w.volumes[1].other);
        let c = &w.containers[0];
        assert_eq!(c.command[0].value, "java");
        assert_eq!(c.working_dir.as_deref(), Some("/app"));
        assert_eq!(c.env_from.len(), 2);
        assert!(c.env_from[1].secret);
        assert_eq!(c.volume_mounts[0].mount_path, "/config");
        assert!(matches!(&c.env[1].value_from, Some(ValueRef::ConfigMap { name, key, .. }) if name == "cfg" && key == "A"));
        let live = c.probe(ProbeKind::Liveness).unwrap();
        assert_eq!(live.termination_grace.as_ref().map(|v| v.value), Some(5));
        assert!(matches!(&live.handler, Handler::Exec { calls, .. } if calls.len() == 1));
        let ready = c.probe(ProbeKind::Readiness).unwrap();
        assert!(matches!(&ready.handler, Handler::HttpGet { scheme: Some(s), .. } if s.value == "HTTPS"));
    }

    #[test]
    fn secrets_decode_data_and_take_string_data_over_it() {
        let o = objects(
            "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  A: aGVhbHRo\n  B: eA==\n  BAD: '*'\n  C: eHl6\nstringData:\n  C: plain\n",
        );
        let s = &o.secrets[0];
        assert!(s.secret && o.config_maps.is_empty());
        assert_eq!(s.get("A").map(|e| e.value.as_str()), Some("health"));
        assert_eq!(s.get("B").map(|e| e.value.as_str()), Some("x"));
        assert!(s.get("BAD").is_none());
        assert_eq!(s.get("C").map(|e| e.value.as_str()), Some("plain"));
        assert_eq!(service::decode_base64("aGVsbG8gd29ybGQ=").as_deref(), Some(&b"hello world"[..]));
        assert_eq!(service::decode_base64("a"), None);
    }

    #[test]
    fn monitor_ports_and_prometheus_selectors() {
        let o = objects(
            "apiVersion: monitoring.coreos.com/v1\nkind: PodMonitor\nmetadata: {name: p}\nspec:\n  selector: {matchExpressions: [{key: app, operator: In, values: [a]}]}\n  podMetricsEndpoints: [{portNumber: 8081}]\n---\napiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: k}\nspec:\n  serviceMonitorSelector: {}\n  podMonitorSelector: null\n",
        );
        assert_eq!(o.monitors[0].endpoints[0].port_number.as_ref().map(|p| p.value), Some(8081));
        assert_eq!(o.monitors[0].selector.matches(&[("app".into(), "a".into())]), Some(true));
        assert!(o.prometheus_crs[0].service_monitor_selector.as_ref().is_some_and(|s| s.is_empty()));
        assert!(o.prometheus_crs[0].pod_monitor_selector.is_none());
    }
}
