//! ServiceMonitor and PodMonitor endpoints → scrapes of the services their Services' or pods'
//! workloads run.

use super::ports::Pod;
use super::Cx;
use crate::ids::IdVec;
use crate::link::{Scrape, Via};
use crate::model::kube::MonitorKind;
use crate::model::{KubeServiceId, MonitorId, WorkloadId};

pub(super) fn monitor_scrapes(
    cx: &Cx<'_>,
    monitor_services: &IdVec<MonitorId, Vec<KubeServiceId>>,
    monitor_pods: &IdVec<MonitorId, Vec<WorkloadId>>,
    scrapes: &mut Vec<Scrape>,
) {
    let ws = cx.ws;
    for (mi, m) in ws.monitors.iter_enumerated() {
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
                                let pod = Pod::new(w, cx.container_of(svc, wi));
                                let reach = match (&ep.port, &ep.target_port) {
                                    (Some(port), _) => pod.service_port_named(ks, &port.value),
                                    (None, Some(tp)) => pod.target_port(tp, "endpoint targetPort"),
                                    // No port filter: every endpoint port is scraped.
                                    (None, None) => pod.every_service_port(ks),
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
                                    app_route: None,
                                });
                            }
                        }
                    }
                }
                MonitorKind::Pod => {
                    for &wi in &monitor_pods[mi] {
                        let w = &ws.workloads[wi];
                        for svc in cx.services_of_workload(wi) {
                            let pod = Pod::new(w, cx.container_of(svc, wi));
                            let reach = match (&ep.port, &ep.port_number, &ep.target_port) {
                                (Some(port), _, _) => pod.named(&port.value, "port", "port"),
                                (None, Some(pn), _) => pod.number(pn, "portNumber", "portNumber"),
                                (None, None, Some(tp)) => pod.target_port(tp, "targetPort"),
                                (None, None, None) => pod.every_container_port(),
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
                                app_route: None,
                            });
                        }
                    }
                }
            }
        }
    }
}
