//! `kubernetes_sd_configs` jobs: the targets each role discovers from the repository's pods and
//! Services, with the meta labels Prometheus gives them, run through the job's relabeling.

use super::ports::Pod;
use super::{Cx, KubeJob, PortReach, Reach};
use crate::link::relabel::{self, sanitize, Labels, Outcome, Value};
use crate::link::{Scrape, Via};
use crate::model::kube::Workload;
use crate::model::prometheus::Job;
use crate::model::{JobId, KubeServiceId, WorkloadId};
use std::collections::BTreeMap;

/// The labels `kubernetes_sd_configs` gives a target before relabeling.
pub(super) fn base_labels(job: &Job) -> Labels {
    let mut l = Labels::new();
    l.insert(
        "__metrics_path__".into(),
        Value::known(job.path(), job.metrics_path.as_ref().map(|p| p.span)),
    );
    l.insert("__scheme__".into(), Value::known(job.scheme(), job.scheme.as_ref().map(|s| s.span)));
    l.insert("job".into(), Value::known(job.name.value.clone(), None));
    l
}

fn object_labels(l: &mut Labels, object: &str, labels: &[(String, String)], annotations: &[crate::model::kube::Annotation]) {
    for (k, v) in labels {
        l.insert(
            format!("__meta_kubernetes_{object}_label_{}", sanitize(k)),
            Value::known(v.clone(), None),
        );
        l.insert(
            format!("__meta_kubernetes_{object}_labelpresent_{}", sanitize(k)),
            Value::known("true", None),
        );
    }
    for a in annotations {
        l.insert(
            format!("__meta_kubernetes_{object}_annotation_{}", sanitize(&a.key)),
            Value::known(a.value.clone(), Some(a.value_span)),
        );
        l.insert(
            format!("__meta_kubernetes_{object}_annotationpresent_{}", sanitize(&a.key)),
            Value::known("true", None),
        );
    }
}

fn pod_labels(l: &mut Labels, w: &Workload, c: &crate::model::kube::Container, port: Option<&crate::model::kube::ContainerPort>) {
    l.insert("__meta_kubernetes_namespace".into(), Value::known(w.namespace.clone(), None));
    let pod_name = if w.kind == "Pod" {
        Value::known(w.name.value.clone(), None)
    } else {
        Value::placeholder(format!("{}-0", w.name.value))
    };
    l.insert("__meta_kubernetes_pod_name".into(), pod_name);
    // An IPv4-shaped stand-in: rules that build `__address__` from the pod IP and an
    // annotation port (the `prometheus` chart's) then keep the annotation's port.
    l.insert("__meta_kubernetes_pod_ip".into(), Value::placeholder("10.0.0.1"));
    for k in ["uid", "node_name", "host_ip", "controller_name"] {
        l.insert(format!("__meta_kubernetes_pod_{k}"), Value::placeholder("unknown"));
    }
    l.insert("__meta_kubernetes_pod_phase".into(), Value::known("Running", None));
    l.insert("__meta_kubernetes_pod_ready".into(), Value::known("true", None));
    let ck = match w.kind.as_str() {
        "Deployment" => "ReplicaSet",
        "CronJob" => "Job",
        "Pod" => "",
        k => k,
    };
    l.insert("__meta_kubernetes_pod_controller_kind".into(), Value::known(ck, None));
    l.insert(
        "__meta_kubernetes_pod_container_name".into(),
        Value::known(c.name.value.clone(), None),
    );
    l.insert("__meta_kubernetes_pod_container_init".into(), Value::known("false", None));
    if let Some(p) = port {
        l.insert(
            "__meta_kubernetes_pod_container_port_name".into(),
            Value::known(p.name.clone().unwrap_or_default(), None),
        );
        l.insert(
            "__meta_kubernetes_pod_container_port_number".into(),
            Value::known(p.port.to_string(), Some(p.port_span)),
        );
        l.insert("__meta_kubernetes_pod_container_port_protocol".into(), Value::known("TCP", None));
    }
    object_labels(l, "pod", &w.pod_labels, &w.pod_annotation_entries);
}

/// One candidate target of a kubernetes_sd job, before relabeling.
struct Candidate {
    labels: Labels,
    workload: WorkloadId,
    kube_service: Option<KubeServiceId>,
    /// For the `service` role: the Service port the address names.
    via_service_port: Option<usize>,
}

fn candidates(cx: &Cx<'_>, job: &Job, role: &str, namespaces: &Option<Vec<String>>) -> Vec<Candidate> {
    let ws = cx.ws;
    let in_ns = |ns: &str| namespaces.as_ref().is_none_or(|n| n.iter().any(|x| x == ns));
    let mut out = Vec::new();
    match role {
        "pod" => {
            for (wi, w) in ws.workloads.iter_enumerated().filter(|(_, w)| in_ns(&w.namespace)) {
                for c in &w.containers {
                    // One target per declared port; a port-free one per container without ports.
                    let ports: Vec<Option<&crate::model::kube::ContainerPort>> = if c.ports.is_empty() {
                        vec![None]
                    } else {
                        c.ports.iter().map(Some).collect()
                    };
                    for p in ports {
                        let mut l = base_labels(job);
                        let addr = match p {
                            Some(p) => Value {
                                text: format!("10.0.0.1:{}", p.port),
                                span: Some(p.port_span),
                                placeholder: true,
                            },
                            None => Value::placeholder("10.0.0.1"),
                        };
                        l.insert("__address__".into(), addr);
                        pod_labels(&mut l, w, c, p);
                        out.push(Candidate {
                            labels: l,
                            workload: wi,
                            kube_service: None,
                            via_service_port: None,
                        });
                    }
                }
            }
        }
        "endpoints" | "endpointslice" | "service" => {
            for (ki, ks) in ws.kube_services.iter_enumerated().filter(|(_, k)| in_ns(&k.namespace)) {
                for &wi in &cx.ksw[ki] {
                    let w = &ws.workloads[wi];
                    for (pi, sp) in ks.ports.iter().enumerate() {
                        let mut l = base_labels(job);
                        l.insert("__meta_kubernetes_namespace".into(), Value::known(ks.namespace.clone(), None));
                        l.insert("__meta_kubernetes_service_name".into(), Value::known(ks.name.value.clone(), None));
                        object_labels(&mut l, "service", &ks.labels, &ks.annotations);
                        let pname = sp.name.as_ref().map(|n| n.value.clone()).unwrap_or_default();
                        if role == "service" {
                            l.insert(
                                "__address__".into(),
                                Value {
                                    text: format!("{}.{}.svc:{}", ks.name.value, ks.namespace, sp.port),
                                    span: sp.port_span,
                                    placeholder: false,
                                },
                            );
                            l.insert("__meta_kubernetes_service_port_name".into(), Value::known(pname, None));
                            l.insert(
                                "__meta_kubernetes_service_port_number".into(),
                                Value::known(sp.port.to_string(), None),
                            );
                            out.push(Candidate {
                                labels: l,
                                workload: wi,
                                kube_service: Some(ki),
                                via_service_port: Some(pi),
                            });
                            continue;
                        }
                        let Some(reach) = Pod::new(w, None).through_service(ks, sp) else {
                            continue;
                        };
                        let prefix = if role == "endpoints" { "endpoint" } else { "endpointslice" };
                        l.insert(format!("__meta_kubernetes_{prefix}_port_name"), Value::known(pname, None));
                        l.insert(format!("__meta_kubernetes_{prefix}_port_protocol"), Value::known("TCP", None));
                        l.insert("__meta_kubernetes_endpoint_ready".into(), Value::known("true", None));
                        l.insert("__meta_kubernetes_endpoints_name".into(), Value::known(ks.name.value.clone(), None));
                        l.insert(
                            "__address__".into(),
                            Value {
                                text: format!("10.0.0.1:{}", reach.port),
                                span: Some(reach.decided_at),
                                placeholder: true,
                            },
                        );
                        let c = w
                            .containers
                            .iter()
                            .find(|c| c.ports.iter().any(|p| p.port == reach.port))
                            .or(w.containers.first());
                        if let Some(c) = c {
                            let cp = c.ports.iter().find(|p| p.port == reach.port);
                            pod_labels(&mut l, w, c, cp);
                        }
                        out.push(Candidate {
                            labels: l,
                            workload: wi,
                            kube_service: Some(ki),
                            via_service_port: None,
                        });
                    }
                }
            }
        }
        _ => {}
    }
    out
}

pub(super) fn annotation_scrapes(cx: &Cx<'_>, scrapes: &mut Vec<Scrape>, kube_jobs: &mut BTreeMap<JobId, KubeJob>) {
    let ws = cx.ws;
    for (ji, job) in ws.jobs.iter_enumerated() {
        if job.kube_sd.is_empty() {
            continue;
        }
        let mut result = KubeJob::Evaluated;
        let compiled = relabel::compile(&job.relabel);
        // One scrape per (workload, Service) of this job: the targets of a pod's several ports
        // are alternatives, like a ServiceMonitor endpoint without `port`.
        // (ports, path, scheme, role) per (workload, Service)
        type Group = (Vec<PortReach>, Value, Value, String);
        let mut grouped: BTreeMap<(WorkloadId, Option<KubeServiceId>), Group> = BTreeMap::new();
        for sd in &job.kube_sd {
            if let Some(why) = &sd.unevaluated {
                result = KubeJob::Unknown(why.clone());
                continue;
            }
            for cand in candidates(cx, job, &sd.role.value, &sd.namespaces) {
                let labels = match relabel::run_compiled(&compiled, cand.labels) {
                    Outcome::Kept(l) => l,
                    Outcome::Dropped { .. } => continue,
                    Outcome::Unknown(why) => {
                        result = KubeJob::Unknown(why);
                        continue;
                    }
                };
                let Some(addr) = labels.get("__address__") else { continue };
                let w = &ws.workloads[cand.workload];
                let port: Option<i64> = addr.text.rsplit_once(':').and_then(|(_, p)| p.parse().ok());
                let reach: Option<PortReach> = match (port, cand.via_service_port, cand.kube_service) {
                    (Some(_), Some(pi), Some(ki)) => {
                        let ks = &ws.kube_services[ki];
                        Pod::new(w, None).through_service(ks, &ks.ports[pi])
                    }
                    (Some(p), _, _) if addr.text.starts_with("10.0.0.1:") => Some(PortReach {
                        port: p,
                        decided_at: addr.span.unwrap_or(w.name.span),
                        chain: format!("pod port `{p}`"),
                    }),
                    _ => None,
                };
                let path = labels
                    .get("__metrics_path__")
                    .cloned()
                    .unwrap_or_else(|| Value::known("/metrics", None));
                let scheme = labels.get("__scheme__").cloned().unwrap_or_else(|| Value::known("http", None));
                let entry = grouped
                    .entry((cand.workload, cand.kube_service))
                    .or_insert_with(|| (vec![], path, scheme, sd.role.value.clone()));
                if let Some(r) = reach {
                    if !entry.0.iter().any(|e| e.port == r.port && e.decided_at == r.decided_at) {
                        entry.0.push(r);
                    }
                }
            }
        }
        for ((wi, ks), (ports, path, scheme, role)) in grouped {
            let w = &ws.workloads[wi];
            let via_obj = match ks {
                Some(k) => format!("Service `{}`", ws.kube_services[k].name.value),
                None => w.describe(),
            };
            let reach = if ports.is_empty() {
                Reach::Unknown("the relabeled address is not a pod or Service port".into())
            } else {
                Reach::Ports(ports)
            };
            for s in cx.services_of_workload(wi) {
                scrapes.push(Scrape {
                    service: s,
                    deployment: cx.deployment_of(s, wi),
                    via: Via::Annotations {
                        job: ji,
                        workload: wi,
                        kube_service: ks,
                    },
                    path: path.text.clone(),
                    path_span: path.span.unwrap_or(job.name.span),
                    path_explicit: path.span.is_some(),
                    evidence: format!("job `{}` ({role} role) keeps {via_obj}", job.name.value),
                    reach: reach.clone(),
                    scheme: scheme.text.clone(),
                    scheme_span: scheme.span,
                    scheme_anchor: job.name.span,
                    app_route: None,
                });
            }
        }
        kube_jobs.insert(ji, result);
    }
}
