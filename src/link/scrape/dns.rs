//! `dns_sd_configs` names (Prometheus configuration reference, `dns_sd_config`,
//! <https://prometheus.io/docs/prometheus/latest/configuration/configuration/#dns_sd_config>):
//! an A/AAAA name with the config's `port` is what a static `name:port` target is; an SRV
//! name `_<port>._<proto>.<service>.<namespace>.svc…` is the named port of a Kubernetes
//! Service, answered with the endpoints' ports (Kubernetes DNS specification §2.3.2/§2.4.2,
//! <https://github.com/kubernetes/dns/blob/master/docs/specification.md>). A name the
//! repository does not define may be answered by a DNS server it does not show: unknown,
//! never unresolved.

use super::jobs::{resolve_target, Hit};
use super::ports::Pod;
use super::{Cx, TargetKind};
use crate::model::prometheus::{Job, Target, TargetDns};
use crate::model::ServiceId;

pub(super) fn dns_target(cx: &Cx<'_>, compose_spring: &[Vec<ServiceId>], job: &Job, t: &Target, dns: &TargetDns) -> (TargetKind, Vec<Hit>) {
    match dns.record.as_str() {
        "A" | "AAAA" => {
            if dns.port.is_none() {
                return (
                    TargetKind::Unknown(format!("no `port` for the {} record of `{}`", dns.record, dns.name)),
                    vec![],
                );
            }
            match resolve_target(cx, compose_spring, job, t) {
                (TargetKind::Unresolved { reason, .. }, _) => (
                    TargetKind::Unknown(format!("{reason}; a DNS server the repository does not show may answer for it")),
                    vec![],
                ),
                other => other,
            }
        }
        "SRV" => srv(cx, &dns.name),
        other => (
            TargetKind::Unknown(format!("{other} records name servers, not scrape targets the repository defines")),
            vec![],
        ),
    }
}

fn srv(cx: &Cx<'_>, name: &str) -> (TargetKind, Vec<Hit>) {
    let parts: Vec<&str> = name.splitn(3, '.').collect();
    let (port_name, rest) = match parts.as_slice() {
        [p, proto, rest] if p.starts_with('_') && proto.starts_with('_') => (&p[1..], *rest),
        _ => {
            return (
                TargetKind::Unknown(format!(
                    "`{name}` is not a `_<port>._<proto>.<service>` SRV name of a Service in the repository"
                )),
                vec![],
            )
        }
    };
    let services = cx.kube_services_exact(rest);
    if services.is_empty() {
        return (
            TargetKind::Unknown(format!(
                "`{rest}` is no Kubernetes Service in the repository, so its SRV records are not known"
            )),
            vec![],
        );
    }
    let mut hits = Vec::new();
    let mut other = None;
    for ki in services {
        let ks = &cx.ws.kube_services[ki];
        let Some(sp) = ks.ports.iter().find(|sp| sp.name.as_ref().is_some_and(|n| n.value == port_name)) else {
            other.get_or_insert_with(|| {
                TargetKind::Unknown(format!(
                    "Service `{}` has no port named `{port_name}`, so the repository shows no SRV record `{name}`",
                    ks.name.value
                ))
            });
            continue;
        };
        for &wi in &cx.ksw[ki] {
            for s in cx.services_of_workload(wi) {
                let w = &cx.ws.workloads[wi];
                hits.push(Hit {
                    service: s,
                    deployment: cx.deployment_of(s, wi),
                    why: format!("the SRV record of Service `{}` port `{port_name}`", ks.name.value),
                    reach: Pod::new(w, cx.container_of(s, wi)).service_port(ks, sp),
                });
            }
        }
        if hits.is_empty() {
            other.get_or_insert_with(|| TargetKind::Other(format!("Service `{}`", ks.name.value)));
        }
    }
    if hits.is_empty() {
        return (other.unwrap_or_else(|| TargetKind::Unknown(String::new())), vec![]);
    }
    (TargetKind::Services, hits)
}
