//! From a scrape's endpoint to the container port it connects to: a Service port followed to
//! its targetPort and the named container port, or a target's own port.

use super::PortReach;
use crate::model::kube::{KubeService, PortRef, Workload};
use crate::model::prometheus::Target;
use crate::source::SourceSet;

/// The named container port of the workload's containers (the one running `svc` first).
pub(super) fn container_port_named<'w>(
    w: &'w Workload,
    container: Option<usize>,
    name: &str,
) -> Option<&'w crate::model::kube::ContainerPort> {
    container
        .and_then(|c| w.containers.get(c))
        .and_then(|c| c.port_named(name))
        .or_else(|| w.containers.iter().find_map(|c| c.port_named(name)))
}

/// A Service port followed to the container: targetPort by name, by number, or absent (= port).
pub fn through_service(
    ks: &KubeService,
    sp: &crate::model::kube::ServicePort,
    w: &Workload,
    container: Option<usize>,
) -> Option<PortReach> {
    let label = format!("Service `{}` port {}", ks.name.value, sp.describe());
    // Endpoints (what monitors and the endpoints role read) carry the resolved targetPort for
    // headless Services too; only clients resolving the DNS name pick their own port, which
    // `resolve_target` handles.
    match &sp.target_port {
        Some(tp) => match &tp.value {
            PortRef::Number(n) => Some(PortReach {
                port: *n,
                decided_at: tp.span,
                chain: format!("{label} → targetPort `{n}`"),
            }),
            PortRef::Name(n) => container_port_named(w, container, n).map(|cp| PortReach {
                port: cp.port,
                decided_at: cp.port_span,
                chain: format!("{label} → targetPort `{n}` → containerPort `{}`", cp.port),
            }),
        },
        None => sp.port_span.map(|s| PortReach {
            port: sp.port,
            decided_at: s,
            chain: format!("{label} without targetPort, so container port `{}`", sp.port),
        }),
    }
}

pub(super) fn target_port_reach(t: &Target, sources: &SourceSet, chain: String) -> Option<PortReach> {
    Some(PortReach {
        port: t.port()? as i64,
        decided_at: t.port_span(sources).unwrap_or(t.address.span),
        chain,
    })
}

pub(super) fn declares(w: &Workload, port: i64) -> bool {
    w.containers.iter().any(|c| c.ports.iter().any(|p| p.port == port))
}
