//! The one endpoint-port resolver: from what a scrape names (a Service port, a container port
//! by name or number, a target's own port, a host port Compose publishes) to the container
//! port it connects to, with the value that decided it. Every link kind — monitors, static and
//! file_sd targets, `kubernetes_sd_configs` roles — resolves ports here, so one name means one
//! port everywhere.

use super::{PortReach, Reach};
use crate::model::kube::{ContainerPort, KubeService, PortRef, ServicePort, Workload};
use crate::model::prometheus::{ComposeService, PortMapping, Target};
use crate::source::{SourceSet, Spanned};

/// The pods of one workload, seen from a scrape of the service running in `container` (when
/// known): the ports they declare.
#[derive(Clone, Copy)]
pub(super) struct Pod<'w> {
    pub w: &'w Workload,
    pub container: Option<usize>,
}

impl<'w> Pod<'w> {
    pub fn new(w: &'w Workload, container: Option<usize>) -> Self {
        Pod { w, container }
    }

    /// The named container port, in the service's own container first.
    pub fn port_named(&self, name: &str) -> Option<&'w ContainerPort> {
        self.container
            .and_then(|c| self.w.containers.get(c))
            .and_then(|c| c.port_named(name))
            .or_else(|| self.w.containers.iter().find_map(|c| c.port_named(name)))
    }

    /// Whether any container declares `port` (the operator keeps only declared ports).
    pub fn declares(&self, port: i64) -> bool {
        self.w.containers.iter().any(|c| c.ports.iter().any(|p| p.port == port))
    }

    /// A Service port followed to the container: targetPort by name, by number, or absent
    /// (= port). `None` when a named targetPort names no container port.
    pub fn through_service(&self, ks: &KubeService, sp: &ServicePort) -> Option<PortReach> {
        let label = format!("Service `{}` port {}", ks.name.value, sp.describe());
        // Endpoints (what monitors and the endpoints role read) carry the resolved targetPort for
        // headless Services too; only clients resolving the DNS name pick their own port, which
        // `jobs::resolve_target` handles.
        match &sp.target_port {
            Some(tp) => match &tp.value {
                PortRef::Number(n) => Some(PortReach {
                    port: *n,
                    decided_at: tp.span,
                    chain: format!("{label} → targetPort `{n}`"),
                }),
                PortRef::Name(n) => self.port_named(n).map(|cp| PortReach {
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

    /// [`Pod::through_service`] as a reach.
    pub fn service_port(&self, ks: &KubeService, sp: &ServicePort) -> Reach {
        match self.through_service(ks, sp) {
            Some(r) => Reach::Ports(vec![r]),
            None => Reach::Unknown("the Service's targetPort names no container port".into()),
        }
    }

    /// A Service port by name (a ServiceMonitor endpoint's `port`).
    pub fn service_port_named(&self, ks: &KubeService, name: &str) -> Reach {
        match ks.ports.iter().find(|p| p.name.as_ref().is_some_and(|n| n.value == name)) {
            None => Reach::Unknown("the endpoint port names no Service port".into()),
            Some(sp) => self.service_port(ks, sp),
        }
    }

    /// Every port of the Service (an endpoint without a port scrapes them all).
    pub fn every_service_port(&self, ks: &KubeService) -> Reach {
        Reach::Ports(ks.ports.iter().filter_map(|sp| self.through_service(ks, sp)).collect())
    }

    /// A container port by name; `key` is the endpoint field that names it, `label` how the
    /// chain calls it.
    pub fn named(&self, name: &str, key: &str, label: &str) -> Reach {
        match self.port_named(name) {
            Some(cp) => Reach::Ports(vec![PortReach {
                port: cp.port,
                decided_at: cp.port_span,
                chain: format!("{label} `{name}` → containerPort `{}`", cp.port),
            }]),
            None => Reach::Unknown(format!("the endpoint {key} names no container port")),
        }
    }

    /// A container port by number, which a container must declare.
    pub fn number(&self, n: &Spanned<i64>, key: &str, label: &str) -> Reach {
        if !self.declares(n.value) {
            return Reach::Unknown(format!("the endpoint {key} is no declared container port"));
        }
        Reach::Ports(vec![PortReach {
            port: n.value,
            decided_at: n.span,
            chain: format!("{label} `{}`", n.value),
        }])
    }

    /// A monitor endpoint's `targetPort`: a container port by number or by name.
    pub fn target_port(&self, tp: &Spanned<PortRef>, label: &str) -> Reach {
        match &tp.value {
            PortRef::Number(n) => self.number(&Spanned::new(*n, tp.span), "targetPort", label),
            PortRef::Name(n) => self.named(n, "targetPort", label),
        }
    }

    /// Every declared container port (a PodMonitor endpoint without a port).
    pub fn every_container_port(&self) -> Reach {
        Reach::Ports(
            self.w
                .containers
                .iter()
                .flat_map(|c| c.ports.iter())
                .map(|cp| PortReach {
                    port: cp.port,
                    decided_at: cp.port_span,
                    chain: format!("containerPort `{}`", cp.port),
                })
                .collect(),
        )
    }
}

/// A target's own port, decided where the target writes it.
pub(super) fn target_port_reach(t: &Target, sources: &SourceSet, chain: String) -> Option<PortReach> {
    Some(PortReach {
        port: t.port()? as i64,
        decided_at: t.port_span(sources).unwrap_or(t.address.span),
        chain,
    })
}

/// A host port Compose service `c` publishes, followed to its container port.
pub(super) fn published(c: &ComposeService, pm: &PortMapping, host_port: u16) -> PortReach {
    PortReach {
        port: pm.container as i64,
        decided_at: pm.span,
        chain: format!(
            "host port `{host_port}` published to `{}` by Compose service `{}`",
            pm.container, c.name.value
        ),
    }
}

/// A Service port followed to the container (for rules that ask which Service port leads to a
/// container port).
pub fn through_service(ks: &KubeService, sp: &ServicePort, w: &Workload, container: Option<usize>) -> Option<PortReach> {
    Pod::new(w, container).through_service(ks, sp)
}
