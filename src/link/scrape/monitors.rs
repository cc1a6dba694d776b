//! ServiceMonitor and PodMonitor endpoints → scrapes of the services their Services' or pods'
//! workloads run.

use super::ports::{container_port_named, declares, through_service};
use super::{Cx, PortReach, Reach};
use crate::link::{Scrape, Via};
use crate::model::kube::{MonitorKind, PortRef};
use crate::model::{KubeServiceId, WorkloadId};

pub(super) fn monitor_scrapes(
    cx: &Cx<'_>,
    monitor_services: &[Vec<KubeServiceId>],
    monitor_pods: &[Vec<WorkloadId>],
    scrapes: &mut Vec<Scrape>,
) {
    let ws = cx.ws;
    for (mi, m) in ws.monitors.iter().enumerate() {
        for (ei, ep) in m.endpoints.iter().enumerate() {
            let (path, path_span, explicit) = match &ep.path {
                Some(p) => (p.value.clone(), p.span, true),
                None => ("/metrics".to_string(), ep.span, false),
            };
            let scheme = ep.scheme.as_ref().map_or("http".to_string(), |s| s.value.clone());
            let scheme_anchor = ep.port.as_ref().map_or(ep.span, |p| p.span);
            match m.kind {
                MonitorKind::Service => {
                    for &ks_id in &monitor_services[mi] {
                        let ks = &ws.kube_services[ks_id];
                        for &wi in &cx.ksw[ks_id] {
                            let w = &ws.workloads[wi];
                            for svc in cx.services_of_workload(wi) {
                                let container = cx.container_of(svc, wi);
                                let reach = if let Some(port) = &ep.port {
                                    match ks.ports.iter().find(|p| p.name.as_ref().is_some_and(|n| n.value == port.value)) {
                                        None => Reach::Unknown("the endpoint port names no Service port".into()),
                                        Some(sp) => match through_service(ks, sp, w, container) {
                                            Some(r) => Reach::Ports(vec![r]),
                                            None => Reach::Unknown("the Service's targetPort names no container port".into()),
                                        },
                                    }
                                } else if let Some(tp) = &ep.target_port {
                                    match &tp.value {
                                        // The operator keeps only declared container ports.
                                        PortRef::Number(n) if !declares(w, *n) => {
                                            Reach::Unknown("the endpoint targetPort is no declared container port".into())
                                        }
                                        PortRef::Number(n) => Reach::Ports(vec![PortReach {
                                            port: *n,
                                            decided_at: tp.span,
                                            chain: format!("endpoint targetPort `{n}`"),
                                        }]),
                                        PortRef::Name(n) => match container_port_named(w, container, n) {
                                            Some(cp) => Reach::Ports(vec![PortReach {
                                                port: cp.port,
                                                decided_at: cp.port_span,
                                                chain: format!("endpoint targetPort `{n}` → containerPort `{}`", cp.port),
                                            }]),
                                            None => Reach::Unknown("the endpoint targetPort names no container port".into()),
                                        },
                                    }
                                } else {
                                    // No port filter: every endpoint port is scraped.
                                    Reach::Ports(ks.ports.iter().filter_map(|sp| through_service(ks, sp, w, container)).collect())
                                };
                                scrapes.push(Scrape {
                                    service: svc,
                                    deployment: cx.deployment_of(svc, wi),
                                    via: Via::Monitor {
                                        monitor: mi,
                                        endpoint: ei,
                                        kube_service: ks_id,
                                    },
                                    path: path.clone(),
                                    path_span,
                                    path_explicit: explicit,
                                    evidence: format!(
                                        "{} `{}` selects Service `{}` which selects {}",
                                        m.kind_name(),
                                        m.name.value,
                                        ks.name.value,
                                        w.describe()
                                    ),
                                    reach,
                                    scheme: scheme.clone(),
                                    scheme_span: ep.scheme.as_ref().map(|s| s.span),
                                    scheme_anchor,
                                });
                            }
                        }
                    }
                }
                MonitorKind::Pod => {
                    for &wi in &monitor_pods[mi] {
                        let w = &ws.workloads[wi];
                        for svc in cx.services_of_workload(wi) {
                            let container = cx.container_of(svc, wi);
                            let named = |n: &str, key: &str| match container_port_named(w, container, n) {
                                Some(cp) => Reach::Ports(vec![PortReach {
                                    port: cp.port,
                                    decided_at: cp.port_span,
                                    chain: format!("{key} `{n}` → containerPort `{}`", cp.port),
                                }]),
                                None => Reach::Unknown(format!("the endpoint {key} names no container port")),
                            };
                            let reach = if let Some(port) = &ep.port {
                                named(&port.value, "port")
                            } else if ep.port_number.as_ref().is_some_and(|pn| !declares(w, pn.value)) {
                                Reach::Unknown("the endpoint portNumber is no declared container port".into())
                            } else if let Some(pn) = &ep.port_number {
                                Reach::Ports(vec![PortReach {
                                    port: pn.value,
                                    decided_at: pn.span,
                                    chain: format!("portNumber `{}`", pn.value),
                                }])
                            } else if let Some(tp) = &ep.target_port {
                                match &tp.value {
                                    PortRef::Number(n) if !declares(w, *n) => {
                                        Reach::Unknown("the endpoint targetPort is no declared container port".into())
                                    }
                                    PortRef::Number(n) => Reach::Ports(vec![PortReach {
                                        port: *n,
                                        decided_at: tp.span,
                                        chain: format!("targetPort `{n}`"),
                                    }]),
                                    PortRef::Name(n) => named(n, "targetPort"),
                                }
                            } else {
                                Reach::Ports(
                                    w.containers
                                        .iter()
                                        .flat_map(|c| c.ports.iter())
                                        .map(|cp| PortReach {
                                            port: cp.port,
                                            decided_at: cp.port_span,
                                            chain: format!("containerPort `{}`", cp.port),
                                        })
                                        .collect(),
                                )
                            };
                            scrapes.push(Scrape {
                                service: svc,
                                deployment: cx.deployment_of(svc, wi),
                                via: Via::PodMonitor { monitor: mi, endpoint: ei },
                                path: path.clone(),
                                path_span,
                                path_explicit: explicit,
                                evidence: format!("PodMonitor `{}` selects the pods of {}", m.name.value, w.describe()),
                                reach,
                                scheme: scheme.clone(),
                                scheme_span: ep.scheme.as_ref().map(|s| s.span),
                                scheme_anchor,
                            });
                        }
                    }
                }
            }
        }
    }
}
