//! Scrape wiring, link by link (semantics §7–9): Service ↔ workload, monitor → Services/pods,
//! Prometheus → monitors, job targets → services, `kubernetes_sd_configs` jobs → annotated pods
//! and Services, and for every scrape: which container port it reaches and with which scheme.

use super::relabel::{self, sanitize, Labels, Outcome, Value};
use super::{Deployment, Scrape, Selection, Via};
use crate::model::kube::{KubeService, Monitor, MonitorKind, Origin, PortRef, Workload};
use crate::model::labels::LabelIndex;
use crate::model::labels::LabelSelector;
use crate::model::prometheus::{ComposeService, Job, Target};
use crate::model::spring::Port;
use crate::model::ModelOptions;
use crate::model::{JobId, KubeServiceId, ServiceId, WorkloadId, Workspace};
use crate::source::{SourceSet, Span};
use std::collections::{BTreeMap, BTreeSet};

/// One container port a scrape may connect to, and the value that decided it.
#[derive(Clone, Debug)]
pub struct PortReach {
    pub port: i64,
    /// The value to change when the port is wrong (a number the fix may replace).
    pub decided_at: Span,
    /// How the scrape got there: "Service `x` port `http` → targetPort `8080`".
    pub chain: String,
}

/// Where a scrape connects, seen from the container.
#[derive(Clone, Debug)]
pub enum Reach {
    /// It connects to one of these (several when the repository cannot tell which one, or when
    /// an endpoint without `port` scrapes every port): fine if any is the served one.
    Ports(Vec<PortReach>),
    /// It cannot reach any port of the service (`Service x has no port 8080`).
    Nowhere {
        reason: String,
        span: Span,
    },
    Unknown(String),
}

/// What a static or file_sd target is.
#[derive(Clone, Debug)]
pub enum TargetKind {
    /// Spring services (scrapes are in `Links::scrapes`).
    Services,
    /// The Prometheus server scraping itself (`localhost:9090`).
    Prometheus(String),
    /// Something else the repository runs (node-exporter, a database exporter).
    Other(String),
    /// The repository cannot tell (an IP, a namespace not in the repository).
    Unknown(String),
    /// Matches nothing the repository defines although it should: reported.
    Unresolved { reason: String, suggestion: Option<String> },
}

/// How a `kubernetes_sd_configs` job was evaluated.
#[derive(Clone, Debug)]
pub enum KubeJob {
    Evaluated,
    Unknown(String),
}

pub struct Output {
    pub kube_service_workloads: Vec<Vec<WorkloadId>>,
    pub monitor_services: Vec<Vec<KubeServiceId>>,
    pub monitor_near_misses: Vec<Vec<KubeServiceId>>,
    pub monitor_pods: Vec<Vec<WorkloadId>>,
    pub monitor_selection: Vec<Selection>,
    pub scrapes: Vec<Scrape>,
    pub unresolved_targets: Vec<(JobId, usize)>,
    pub targets: BTreeMap<(JobId, usize), TargetKind>,
    pub compose_spring: Vec<Vec<ServiceId>>,
    pub kube_jobs: BTreeMap<JobId, KubeJob>,
}

/// Module ↔ workload links already computed by `link::workload_links`.
pub type WorkloadLinks<'a> = &'a [Vec<(WorkloadId, usize, String)>];

struct Cx<'a> {
    ws: &'a Workspace,
    sources: &'a SourceSet,
    deployments: &'a [Vec<Deployment>],
    wl: WorkloadLinks<'a>,
    ksw: Vec<Vec<WorkloadId>>,
    /// Workload → the services it runs (the inverse of `wl`).
    workload_services: Vec<Vec<ServiceId>>,
    /// Kubernetes Service DNS names (`svc`, `svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local`)
    /// and pinned ClusterIPs → Services: targets are resolved by look-up, not by scanning.
    dns: BTreeMap<String, Vec<KubeServiceId>>,
    /// Every key `Workspace::resolve_service` accepts → the first service it names.
    service_keys: BTreeMap<String, ServiceId>,
}

impl Cx<'_> {
    fn services_of_workload(&self, wi: WorkloadId) -> Vec<ServiceId> {
        self.workload_services.get(wi).cloned().unwrap_or_default()
    }
    fn resolve_service(&self, key: &str) -> Option<ServiceId> {
        self.service_keys.get(key.trim()).copied()
    }
    fn kube_services_exact(&self, host: &str) -> Vec<KubeServiceId> {
        if let Some(v) = self.dns.get(host) {
            return v.clone();
        }
        // `svc.ns.svc.<any cluster domain>`
        let parts: Vec<&str> = host.split('.').collect();
        if parts.len() > 3 && parts[2] == "svc" {
            if let Some(v) = self.dns.get(&parts[..3].join(".")) {
                return v.clone();
            }
        }
        vec![]
    }
    /// Services a target host names, including StatefulSet pods of headless Services
    /// (`<pod>.<svc>.<ns>.svc…`).
    fn kube_services_for(&self, host: &str) -> Vec<KubeServiceId> {
        let direct = self.kube_services_exact(host);
        if !direct.is_empty() {
            return direct;
        }
        match host.split_once('.') {
            Some((_, rest)) => {
                let mut v = self.kube_services_exact(rest);
                v.retain(|k| self.ws.kube_services[*k].headless());
                v
            }
            None => vec![],
        }
    }
    fn deployment_of(&self, svc: ServiceId, wi: WorkloadId) -> Option<usize> {
        self.deployments[svc].iter().position(|d| d.workload == Some(wi))
    }
    fn container_of(&self, svc: ServiceId, wi: WorkloadId) -> Option<usize> {
        self.wl[svc].iter().find(|(w, _, _)| *w == wi).map(|(_, c, _)| *c)
    }
}

fn selects(ks: &KubeService, w: &Workload) -> bool {
    w.namespace == ks.namespace
        && ks.origin.compatible(&w.origin)
        && ks
            .selector
            .as_ref()
            .is_some_and(|sel| !sel.is_empty() && sel.matches(&w.pod_labels) == Some(true))
}

/// The named container port of the workload's containers (the one running `svc` first).
fn container_port_named<'w>(w: &'w Workload, container: Option<usize>, name: &str) -> Option<&'w crate::model::kube::ContainerPort> {
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

fn namespace_ok(ws: &Workspace, sel: &Option<LabelSelector>, cr_ns: &str, mon_ns: &str, ignore: bool) -> Option<bool> {
    if ignore {
        return Some(cr_ns == mon_ns);
    }
    match sel {
        None => Some(cr_ns == mon_ns),
        Some(s) if s.is_empty() => Some(true),
        Some(s) => {
            // Kubernetes labels every namespace with its name; other labels come from
            // Namespace objects in the repository, or are unknown.
            let mut labels = vec![("kubernetes.io/metadata.name".to_string(), mon_ns.to_string())];
            let declared = ws.wiring.namespaces.iter().find(|n| n.name.value == mon_ns);
            if let Some(n) = declared {
                labels.extend(n.labels.iter().cloned());
            }
            match s.matches(&labels) {
                Some(true) => Some(true),
                Some(false)
                    if declared.is_some()
                        || s.match_labels.iter().all(|(k, _)| k == "kubernetes.io/metadata.name") && s.match_expressions.is_empty() =>
                {
                    Some(false)
                }
                _ => None,
            }
        }
    }
}

fn selection(ws: &Workspace, options: &ModelOptions<'_>, m: &Monitor) -> Selection {
    let pod = m.kind == MonitorKind::Pod;
    let crs: Vec<_> = ws.prometheus_crs.iter().filter(|cr| cr.origin.compatible(&m.origin)).collect();
    if !crs.is_empty() {
        let mut reasons = Vec::new();
        for cr in crs {
            let (sel, ns_sel) = if pod {
                (&cr.pod_monitor_selector, &cr.pod_monitor_ns_selector)
            } else {
                (&cr.service_monitor_selector, &cr.service_monitor_ns_selector)
            };
            let field = if pod { "podMonitorSelector" } else { "serviceMonitorSelector" };
            let Some(sel) = sel else {
                reasons.push((
                    format!(
                        "Prometheus `{}` has no `{field}`, and a null selector selects no monitors",
                        cr.name.value
                    ),
                    Some(cr.name.span),
                    None,
                ));
                continue;
            };
            match (
                sel.matches(&m.labels),
                namespace_ok(
                    ws,
                    if pod { &cr.pod_monitor_ns_selector } else { ns_sel },
                    &cr.namespace,
                    &m.namespace,
                    cr.ignore_namespace_selectors,
                ),
            ) {
                (Some(true), Some(true)) => return Selection::Selected(format!("Prometheus `{}`", cr.name.value)),
                (Some(true), Some(false)) => reasons.push((
                    format!(
                        "Prometheus `{}` does not watch namespace `{}` for monitors",
                        cr.name.value, m.namespace
                    ),
                    Some(cr.name.span),
                    None,
                )),
                (Some(false), _) => reasons.push((
                    format!("Prometheus `{}` selects monitors with `{}`", cr.name.value, sel.describe()),
                    Some(sel.span),
                    Some(sel.clone()),
                )),
                _ => return Selection::Unknown(format!("Prometheus `{}`'s selectors cannot be evaluated statically", cr.name.value)),
            }
        }
        let (reason, span, want) = reasons.into_iter().next().unwrap_or_default();
        return Selection::NotSelected {
            reason,
            span,
            assumed: false,
            want: want.map(|w| w.match_labels).filter(|l| !l.is_empty()),
        };
    }
    if let Some(v) = ws.stack_values.first() {
        let sel = if pod {
            &v.pod_monitor_selector
        } else {
            &v.service_monitor_selector
        };
        let release = ws.stack_values.iter().find_map(|v| v.release.clone());
        return match sel {
            Some(s) => match s.matches(&m.labels) {
                Some(true) => Selection::Selected("kube-prometheus-stack values".into()),
                Some(false) => Selection::NotSelected {
                    reason: format!("the kube-prometheus-stack values select monitors with `{}`", s.describe()),
                    span: Some(s.span),
                    assumed: false,
                    want: Some(s.match_labels.clone()).filter(|l| !l.is_empty() && s.match_expressions.is_empty()),
                },
                None => Selection::Unknown("selector cannot be evaluated".into()),
            },
            None => {
                let has = m.labels.iter().find(|(k, _)| k == "release").map(|(_, v)| v.clone());
                match (&release, has) {
                    (Some(r), Some(v)) if v == r.value => Selection::Selected(format!("kube-prometheus-stack release `{}`", r.value)),
                    (Some(r), _) => Selection::NotSelected {
                        reason: format!(
                            "kube-prometheus-stack release `{}` keeps the default selector, which only picks monitors labelled `release: {}`",
                            r.value, r.value
                        ),
                        span: Some(r.span),
                        assumed: false,
                        want: Some(vec![("release".to_string(), r.value.clone())]),
                    },
                    (None, Some(_)) => Selection::Selected("kube-prometheus-stack values (release label)".into()),
                    (None, None) => Selection::NotSelected {
                        reason: "the kube-prometheus-stack values keep the default selector, which only picks monitors labelled `release: <helm release>`".into(),
                        span: Some(v.span),
                        assumed: false,
                        want: None,
                    },
                }
            }
        };
    }
    let configured = if pod {
        &options.config.pod_monitor_selector
    } else {
        &options.config.service_monitor_selector
    };
    if let Some(labels) = configured {
        let ok = labels.iter().all(|(k, v)| m.labels.iter().any(|(lk, lv)| lk == k && lv == v));
        let want = labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ");
        return if ok {
            Selection::Selected("[prometheus] selector in actuator-lint.toml".into())
        } else {
            Selection::NotSelected {
                reason: format!("the configured Prometheus selects monitors with `{want}` ([prometheus] in actuator-lint.toml)"),
                span: None,
                assumed: false,
                want: Some(labels.clone()),
            }
        };
    }
    if m.labels.iter().any(|(k, _)| k == "release") {
        Selection::Selected("assumed kube-prometheus-stack (release label)".into())
    } else {
        Selection::NotSelected {
            reason: "no Prometheus CR or kube-prometheus-stack values are in the repository, and the chart's default selector only picks monitors labelled `release: <helm release>`".into(),
            span: None,
            assumed: true,
            want: None,
        }
    }
}

/// The Spring services a Compose service runs: by build context, image, or name.
fn compose_spring(ws: &Workspace, sources: &crate::source::SourceSet) -> Vec<Vec<ServiceId>> {
    ws.compose_services
        .iter()
        .map(|c| {
            let exact: Vec<ServiceId> = ws
                .services
                .iter()
                .enumerate()
                .filter(|(_, s)| {
                    let m = &ws.modules[s.module];
                    c.build_context
                        .as_deref()
                        .is_some_and(|b| b == m.dir || (m.dir.is_empty() && b.is_empty()))
                })
                .map(|(i, _)| i)
                .collect();
            if !exact.is_empty() {
                return exact;
            }
            let image = c.image.as_deref().map(|i| {
                let no_digest = i.split('@').next().unwrap_or(i);
                let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
                last.split(':').next().unwrap_or(last).to_string()
            });
            let by_name: Vec<ServiceId> = ws
                .services
                .iter()
                .enumerate()
                .filter(|(_, s)| {
                    let m = &ws.modules[s.module];
                    let dir_name = m.dir.rsplit('/').next().unwrap_or("");
                    let names = [s.name.as_str(), dir_name];
                    image
                        .as_deref()
                        .is_some_and(|i| names.iter().any(|n| !n.is_empty() && n.eq_ignore_ascii_case(i)))
                        || c.dns_names()
                            .iter()
                            .any(|d| names.iter().any(|n| !n.is_empty() && n.eq_ignore_ascii_case(d)))
                })
                .map(|(i, _)| i)
                .collect();
            super::compose::nearest(ws, sources, c.file, by_name)
        })
        .collect()
}

fn is_ip(h: &str) -> bool {
    h.parse::<std::net::IpAddr>().is_ok()
}

fn is_localhost(h: &str) -> bool {
    matches!(h, "localhost" | "127.0.0.1" | "::1" | "0.0.0.0")
}

/// One resolution of a job target to a Spring service.
struct Hit {
    service: ServiceId,
    deployment: Option<usize>,
    why: String,
    reach: Reach,
}

/// Adds a resolution; a service already named by a target label keeps that evidence and takes
/// the more precise reach and deployment.
fn add_hit(hits: &mut Vec<Hit>, new: Hit) {
    match hits.iter_mut().find(|h| h.service == new.service) {
        Some(h) => {
            if matches!(&h.reach, Reach::Unknown(r) if r.is_empty()) {
                h.reach = new.reach;
            }
            h.deployment = h.deployment.or(new.deployment);
        }
        None => hits.push(new),
    }
}

fn target_port_reach(t: &Target, sources: &SourceSet, chain: String) -> Option<PortReach> {
    Some(PortReach {
        port: t.port()? as i64,
        decided_at: t.port_span(sources).unwrap_or(t.address.span),
        chain,
    })
}

/// Reach through Kubernetes Services that select the service's workloads, for a target whose
/// host only a label identifies (an IP: a ClusterIP, a pod IP or a node?).
fn reach_any(cx: &Cx<'_>, svc: ServiceId, t: &Target) -> Reach {
    let Some(port) = t.port() else {
        return Reach::Unknown("the target has no port".into());
    };
    let mut out: Vec<PortReach> = target_port_reach(t, cx.sources, format!("target port `{port}`"))
        .into_iter()
        .collect();
    for (wi, ci, _) in &cx.wl[svc] {
        let w = &cx.ws.workloads[*wi];
        for (ki, ks) in cx.ws.kube_services.iter().enumerate() {
            if !cx.ksw[ki].contains(wi) {
                continue;
            }
            for sp in ks.ports.iter().filter(|sp| sp.port == port as i64) {
                if let Some(r) = through_service(ks, sp, w, Some(*ci)) {
                    out.push(r);
                }
            }
        }
    }
    for (ci, c) in cx.ws.compose_services.iter().enumerate() {
        let _ = ci;
        for pm in c.ports.iter().filter(|pm| pm.host == Some(port)) {
            out.push(PortReach {
                port: pm.container as i64,
                decided_at: pm.span,
                chain: format!(
                    "host port `{port}` published to `{}` by Compose service `{}`",
                    pm.container, c.name.value
                ),
            });
        }
    }
    Reach::Ports(out)
}

fn services_of_compose(cx: &Cx<'_>, compose_spring: &[Vec<ServiceId>], ci: usize) -> Vec<ServiceId> {
    let _ = cx;
    compose_spring[ci].clone()
}

fn known_names(cx: &Cx<'_>) -> Vec<String> {
    let mut v: Vec<String> = cx
        .ws
        .compose_services
        .iter()
        .flat_map(|c| c.dns_names().into_iter().map(str::to_string))
        .collect();
    for ks in &cx.ws.kube_services {
        v.push(ks.name.value.clone());
        v.push(format!("{}.{}", ks.name.value, ks.namespace));
        v.push(format!("{}.{}.svc", ks.name.value, ks.namespace));
        v.push(format!("{}.{}.svc.cluster.local", ks.name.value, ks.namespace));
    }
    v.extend(cx.ws.services.iter().map(|s| s.name.clone()));
    v.sort();
    v.dedup();
    v
}

fn resolve_target(cx: &Cx<'_>, compose_spring: &[Vec<ServiceId>], job: &Job, t: &Target) -> (TargetKind, Vec<Hit>) {
    let ws = cx.ws;
    let cfg = &ws.prom_configs[job.config];
    let prom: Option<&ComposeService> = cfg.mounted_by.as_ref().map(|(s, _)| &ws.compose_services[*s]);
    let host = t.host().to_string();
    let port = t.port();
    let mut hits: Vec<Hit> = Vec::new();

    // Labels name the service: file_sd files written by deploy scripts do this.
    for key in ["application", "app", "service"] {
        if let Some(v) = t.label(key) {
            if let Some(s) = cx.resolve_service(&v.value) {
                hits.push(Hit {
                    service: s,
                    deployment: (cx.deployments[s].len() == 1).then_some(0),
                    why: format!("target label `{key}: {}`", v.value),
                    reach: Reach::Unknown(String::new()),
                });
                break;
            }
        }
    }

    // localhost: the Prometheus container itself, or the host when it shares its network.
    if is_localhost(&host) {
        let listen = prom.map_or(9090, |p| p.listen_port());
        if port == Some(listen) {
            return (TargetKind::Prometheus(format!("`{host}:{listen}` is Prometheus itself")), vec![]);
        }
        match prom {
            Some(p) if !p.host_network() => {
                if hits.is_empty() {
                    // The port may be one a Compose service publishes on the host: then its
                    // service name and container port reach it from the Prometheus container.
                    let published = ws.compose_services.iter().find_map(|c| {
                        let pm = c.ports.iter().find(|pm| pm.host.is_some() && pm.host == port)?;
                        Some((c.name.value.clone(), pm.container))
                    });
                    let hint = published
                        .as_ref()
                        .map(|(n, _)| format!(" (port `{}` is published on the host by Compose service `{n}`)", port.unwrap_or(0)))
                        .unwrap_or_default();
                    return (
                        TargetKind::Unresolved {
                            reason: format!(
                                "inside the `{}` container `{host}` is the Prometheus container itself, which has nothing on port `{}`{hint}",
                                p.name.value,
                                port.map_or("?".into(), |p| p.to_string())
                            ),
                            suggestion: published.map(|(n, c)| format!("{n}:{c}")),
                        },
                        vec![],
                    );
                }
            }
            Some(_) => {
                // Host network: published Compose ports and host-network services are on localhost.
                for (ci, c) in ws.compose_services.iter().enumerate() {
                    // Only the project that runs this Prometheus is known to be up beside it: a
                    // monorepo's other Compose projects may publish the same host port.
                    if !same_project(cx, prom, c) {
                        continue;
                    }
                    let published = c.ports.iter().find(|pm| pm.host.map(i64::from) == port.map(i64::from));
                    let on_host = c.host_network();
                    if published.is_none() && !on_host {
                        continue;
                    }
                    for s in services_of_compose(cx, compose_spring, ci) {
                        let reach = match published {
                            Some(pm) => Reach::Ports(vec![PortReach {
                                port: pm.container as i64,
                                decided_at: pm.span,
                                chain: format!(
                                    "host port `{}` published to `{}` by Compose service `{}`",
                                    port.unwrap_or(0),
                                    pm.container,
                                    c.name.value
                                ),
                            }]),
                            None => Reach::Ports(target_port_reach(t, cx.sources, "the host network".into()).into_iter().collect()),
                        };
                        // A host-network service is there only on the port it serves.
                        let listens = published.is_some()
                            || cx.deployments[s].iter().any(|d| {
                                d.actuator.serving.actuator_port().and_then(Port::fixed).map(i64::from) == port.map(i64::from)
                                    && port.is_some()
                            });
                        if listens {
                            add_hit(
                                &mut hits,
                                Hit {
                                    service: s,
                                    deployment: None,
                                    why: format!("`{host}` on the host network reaches Compose service `{}`", c.name.value),
                                    reach,
                                },
                            );
                        }
                    }
                }
            }
            None => {
                if hits.is_empty() {
                    return (
                        TargetKind::Unknown("where this Prometheus runs is not in the repository, so `localhost` cannot be told".into()),
                        vec![],
                    );
                }
            }
        }
        if hits.is_empty() {
            // On the host network, any process of the host may listen there.
            return (
                TargetKind::Unknown(format!(
                    "nothing the repository runs listens on host port `{}`",
                    port.map_or("?".into(), |p| p.to_string())
                )),
                vec![],
            );
        }
    } else {
        // Compose service names, container names, hostnames and aliases.
        let mut found_compose = false;
        let mut elsewhere: Option<&ComposeService> = None;
        for (ci, c) in ws.compose_services.iter().enumerate() {
            if !c.dns_names().iter().any(|n| *n == host) {
                continue;
            }
            // A name resolves only on the networks of the project that runs this Prometheus; a
            // same-named service of another Compose project is not what it reaches.
            if !same_project(cx, prom, c) {
                elsewhere.get_or_insert(c);
                continue;
            }
            found_compose = true;
            if prom.is_some_and(|p| std::ptr::eq(p, c)) || (c.is_prometheus() && port == Some(c.listen_port())) {
                return (TargetKind::Prometheus(format!("`{host}` is the Prometheus container")), vec![]);
            }
            let spring = services_of_compose(cx, compose_spring, ci);
            if spring.is_empty() && hits.is_empty() {
                return (TargetKind::Other(format!("Compose service `{}`", c.name.value)), vec![]);
            }
            for s in spring {
                let reach = Reach::Ports(
                    target_port_reach(
                        t,
                        cx.sources,
                        format!("container port `{}` on the Compose network", port.unwrap_or(0)),
                    )
                    .into_iter()
                    .collect(),
                );
                add_hit(
                    &mut hits,
                    Hit {
                        service: s,
                        deployment: None,
                        why: format!("target host `{host}` is Compose service `{}`", c.name.value),
                        reach,
                    },
                );
            }
        }
        if let (false, Some(other)) = (found_compose, elsewhere) {
            if hits.is_empty() {
                return (
                    TargetKind::Unknown(format!(
                        "`{host}` is a service of another Compose project ({}), not of the one that runs this Prometheus",
                        cx.sources.path(other.file)
                    )),
                    vec![],
                );
            }
        }
        // Kubernetes Service DNS names and pinned ClusterIPs.
        if !found_compose {
            let mut other = None;
            for ki in cx.kube_services_for(&host) {
                let ks = &ws.kube_services[ki];
                let mut any = false;
                for &wi in &cx.ksw[ki] {
                    for s in cx.services_of_workload(wi) {
                        any = true;
                        let w = &ws.workloads[wi];
                        let reach = match port {
                            None => Reach::Unknown("the target has no port".into()),
                            Some(_) if ks.headless() => Reach::Ports(
                                target_port_reach(t, cx.sources, format!("headless Service `{}`: DNS returns pod IPs", ks.name.value))
                                    .into_iter()
                                    .collect(),
                            ),
                            Some(p) => match ks.ports.iter().find(|sp| sp.port == p as i64) {
                                Some(sp) => match through_service(ks, sp, w, cx.container_of(s, wi)) {
                                    Some(r) => Reach::Ports(vec![r]),
                                    None => Reach::Unknown("the Service's targetPort names no container port".into()),
                                },
                                // A config nothing in the repository runs may be meant for
                                // another network (a Compose file kept elsewhere): the
                                // same-named Service is a guess, not a broken link.
                                None if runs_nowhere_known(cx, cfg) => Reach::Unknown(format!(
                                    "nothing in the repository runs this Prometheus config, so `{host}` may not be Kubernetes Service `{}`",
                                    ks.name.value
                                )),
                                None => Reach::Nowhere {
                                    reason: format!(
                                        "Service `{}` has no port `{p}` (its ports: {})",
                                        ks.name.value,
                                        ks.ports.iter().map(|sp| sp.describe()).collect::<Vec<_>>().join(", ")
                                    ),
                                    span: t.port_span(cx.sources).unwrap_or(t.address.span),
                                },
                            },
                        };
                        add_hit(
                            &mut hits,
                            Hit {
                                service: s,
                                deployment: cx.deployment_of(s, wi),
                                why: format!("target host `{host}` is Service `{}`", ks.name.value),
                                reach,
                            },
                        );
                    }
                }
                if !any {
                    other = Some(format!("Service `{}`", ks.name.value));
                }
            }
            if hits.is_empty() {
                if let Some(o) = other {
                    return (TargetKind::Other(o), vec![]);
                }
            }
        }
        if hits.is_empty() {
            if let Some(s) = ws.services.iter().position(|s| s.name == host) {
                hits.push(Hit {
                    service: s,
                    deployment: (cx.deployments[s].len() == 1).then_some(0),
                    why: format!("target host `{host}` is the service name"),
                    reach: Reach::Ports(target_port_reach(t, cx.sources, "target port".into()).into_iter().collect()),
                });
            }
        }
    }
    // A label-only hit: the port is one of several readings. An IP address no Service pins
    // may be a Service's virtual IP, whose port leads to a targetPort the repository does not
    // show (semantics §17.2): then the port reached cannot be known.
    for h in hits.iter_mut() {
        if matches!(&h.reach, Reach::Unknown(r) if r.is_empty()) {
            h.reach = if is_ip(&host) {
                Reach::Unknown(format!(
                    "`{host}` may be the address of a Service, whose port leads to a targetPort the repository does not show"
                ))
            } else {
                reach_any(cx, h.service, t)
            };
        }
    }
    if !hits.is_empty() {
        return (TargetKind::Services, hits);
    }
    (unresolved(cx, &host), vec![])
}

/// A plain config file that no Compose service mounts (nor includes through another config): where
/// it runs, and so which network its targets are on, is not in the repository. ConfigMaps and
/// stack values run in the cluster.
fn runs_nowhere_known(cx: &Cx<'_>, cfg: &crate::model::prometheus::PromConfig) -> bool {
    use crate::model::prometheus::ConfigSource;
    let mut c = cfg;
    for _ in 0..8 {
        match (&c.source, c.parent) {
            (ConfigSource::ScrapeConfigFile, Some(p)) if p < cx.ws.prom_configs.len() => c = &cx.ws.prom_configs[p],
            (ConfigSource::File | ConfigSource::ScrapeConfigFile, _) => return c.mounted_by.is_none(),
            _ => return false,
        }
    }
    false
}

/// A target that reaches a port the container declares (Compose `ports`, a `containerPort`) beside
/// the actuator's own port, but that is neither the server port nor the management port, is served by another
/// listener in the same container: a Java agent (JMX exporter, OpenTelemetry) or an embedded
/// Prometheus `HTTPServer`. What it serves is not the actuator's business: not a Spring scrape.
fn another_listener(cx: &Cx<'_>, h: &Hit) -> Option<String> {
    let Reach::Ports(ports) = &h.reach else { return None };
    let p = u16::try_from(ports.first()?.port).ok()?;
    let deps = &cx.deployments[h.service];
    let chosen: Vec<&Deployment> = match h.deployment {
        Some(i) => deps.get(i).into_iter().collect(),
        None => deps.iter().collect(),
    };
    if chosen.is_empty() {
        return None;
    }
    for d in &chosen {
        let serving = &d.actuator.serving;
        let server = serving.server_port.fixed()?;
        let management = match &serving.management_port {
            Some(m) => Some(m.fixed()?),
            None => None,
        };
        if p == server || Some(p) == management {
            return None;
        }
        // Both the application's own port and the target's: a container that declares only the
        // target's port more likely declares the wrong one (a real mismatch).
        let declared: Vec<u16> = match (d.compose, d.workload, d.container) {
            (Some(ci), _, _) => cx.ws.compose_services[ci].ports.iter().map(|pm| pm.container).collect(),
            (None, Some(wi), Some(ci)) => cx.ws.workloads[wi].containers[ci]
                .ports
                .iter()
                .filter_map(|cp| u16::try_from(cp.port).ok())
                .collect(),
            _ => Vec::new(),
        };
        let own = management.unwrap_or(server);
        if !declared.contains(&p) || !declared.contains(&own) {
            return None;
        }
    }
    Some(format!(
        "port `{p}` of `{}` is declared by its container but is neither its server nor its management port: another listener (a Java agent, an embedded exporter) serves it",
        cx.ws.services[h.service].name
    ))
}

/// Whether Compose service `c` belongs to the project that runs Prometheus `prom`: compose files
/// of one directory are one project (`docker compose` merges `compose.yaml` with its override, and
/// `-f` files are conventionally kept together). With no known Prometheus container, any.
fn same_project(cx: &Cx<'_>, prom: Option<&ComposeService>, c: &ComposeService) -> bool {
    let Some(p) = prom else { return true };
    let dir = |f| cx.sources.path(f).rsplit_once('/').map_or("", |(d, _)| d);
    dir(p.file) == dir(c.file)
}

fn unresolved(cx: &Cx<'_>, host: &str) -> TargetKind {
    let ws = cx.ws;
    if is_ip(host) {
        if ws
            .kube_services
            .iter()
            .any(|k| k.cluster_ip.as_deref().is_some_and(|ip| ip != "None" && !ip.is_empty()))
        {
            return TargetKind::Unresolved {
                reason: format!("no Service in the repository pins the ClusterIP `{host}`"),
                suggestion: None,
            };
        }
        return TargetKind::Unknown(format!("`{host}` is an IP address the repository does not mention"));
    }
    if ws.compose_services.is_empty() && ws.kube_services.is_empty() {
        return TargetKind::Unknown("the repository defines no Compose service or Kubernetes Service to compare it with".into());
    }
    let parts: Vec<&str> = host.split('.').collect();
    if parts.len() >= 2 {
        let ns = parts[1];
        let k8s_form = parts.len() == 2 || parts.get(2) == Some(&"svc");
        if k8s_form && !ws.kube_services.iter().any(|k| k.namespace == ns) && !ws.workloads.iter().any(|w| w.namespace == ns) {
            return TargetKind::Unknown(format!("namespace `{ns}` is not in the repository"));
        }
        if !k8s_form {
            return TargetKind::Unknown(format!("`{host}` is outside the cluster and the Compose network"));
        }
    }
    let names = known_names(cx);
    let suggestion = crate::suggest::did_you_mean(host, names.iter().map(String::as_str)).map(str::to_string);
    let mut defined = Vec::new();
    if !ws.compose_services.is_empty() {
        defined.push("Compose service");
    }
    if !ws.kube_services.is_empty() {
        defined.push("Kubernetes Service");
    }
    TargetKind::Unresolved {
        reason: format!("`{host}` is no {} in the repository", defined.join(" or ")),
        suggestion,
    }
}

/// The labels `kubernetes_sd_configs` gives a target before relabeling.
fn base_labels(job: &Job) -> Labels {
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
    for k in ["ip", "uid", "node_name", "host_ip", "controller_name"] {
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
            for (wi, w) in ws.workloads.iter().enumerate().filter(|(_, w)| in_ns(&w.namespace)) {
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
            for (ki, ks) in ws.kube_services.iter().enumerate().filter(|(_, k)| in_ns(&k.namespace)) {
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
                        let Some(reach) = through_service(ks, sp, w, None) else { continue };
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

fn annotation_scrapes(cx: &Cx<'_>, scrapes: &mut Vec<Scrape>, kube_jobs: &mut BTreeMap<JobId, KubeJob>) {
    let ws = cx.ws;
    for (ji, job) in ws.jobs.iter().enumerate() {
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
                        through_service(ks, &ks.ports[pi], w, None)
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
                });
            }
        }
        kube_jobs.insert(ji, result);
    }
}

fn declares(w: &Workload, port: i64) -> bool {
    w.containers.iter().any(|c| c.ports.iter().any(|p| p.port == port))
}

fn monitor_scrapes(cx: &Cx<'_>, monitor_services: &[Vec<KubeServiceId>], monitor_pods: &[Vec<WorkloadId>], scrapes: &mut Vec<Scrape>) {
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

/// The objects (Services for a ServiceMonitor, pods for a PodMonitor) a monitor selects: by its
/// label selector, in a namespace it watches, from a compatible origin.
fn monitored<'w>(
    m: &Monitor,
    index: &LabelIndex,
    object: impl Fn(usize) -> (&'w Origin, &'w String, &'w Vec<(String, String)>),
) -> Vec<usize> {
    index
        .candidates(&m.selector)
        .into_iter()
        .filter(|&i| {
            let (origin, namespace, labels) = object(i);
            origin.compatible(&m.origin) && m.watches_namespace(namespace) && m.selector.matches(labels) == Some(true)
        })
        .collect()
}

pub fn link(
    ws: &Workspace,
    sources: &SourceSet,
    options: &ModelOptions<'_>,
    deployments: &[Vec<Deployment>],
    wl: WorkloadLinks<'_>,
) -> Output {
    // Label indexes: each selector is tried only against objects carrying its first label.
    let pods = LabelIndex::new(ws.workloads.iter().map(|w| w.pod_labels.as_slice()));
    let service_labels = LabelIndex::new(ws.kube_services.iter().map(|k| k.labels.as_slice()));
    let ksw: Vec<Vec<WorkloadId>> = ws
        .kube_services
        .iter()
        .map(|ks| match &ks.selector {
            Some(sel) => pods
                .candidates(sel)
                .into_iter()
                .filter(|&i| selects(ks, &ws.workloads[i]))
                .collect(),
            None => vec![],
        })
        .collect();
    let (monitor_services, monitor_pods): (Vec<Vec<KubeServiceId>>, Vec<Vec<WorkloadId>>) = ws
        .monitors
        .iter()
        .map(|m| match m.kind {
            MonitorKind::Service => (
                monitored(m, &service_labels, |i| {
                    let k = &ws.kube_services[i];
                    (&k.origin, &k.namespace, &k.labels)
                }),
                vec![],
            ),
            MonitorKind::Pod => (
                vec![],
                monitored(m, &pods, |i| {
                    let w = &ws.workloads[i];
                    (&w.origin, &w.namespace, &w.pod_labels)
                }),
            ),
        })
        .unzip();
    // A near miss selects a Service by the labels of its pod selector instead of its own.
    let service_selectors = LabelIndex::new(
        ws.kube_services
            .iter()
            .map(|k| k.selector.as_ref().map_or(&[][..], |s| s.match_labels.as_slice())),
    );
    let monitor_near_misses: Vec<Vec<KubeServiceId>> = ws
        .monitors
        .iter()
        .enumerate()
        .map(|(mi, m)| {
            if !monitor_services[mi].is_empty() || m.kind != MonitorKind::Service || m.selector.is_empty() {
                return vec![];
            }
            service_selectors
                .candidates(&m.selector)
                .into_iter()
                .filter(|&i| {
                    let ks = &ws.kube_services[i];
                    ks.origin.compatible(&m.origin)
                        && m.watches_namespace(&ks.namespace)
                        && ks
                            .selector
                            .as_ref()
                            .is_some_and(|sel| m.selector.matches(&sel.match_labels) == Some(true))
                })
                .collect()
        })
        .collect();
    let monitor_selection = ws.monitors.iter().map(|m| selection(ws, options, m)).collect();
    let mut workload_services = vec![Vec::new(); ws.workloads.len()];
    for (si, links) in wl.iter().enumerate() {
        for (wi, _, _) in links {
            if let Some(v) = workload_services.get_mut(*wi) {
                if !v.contains(&si) {
                    v.push(si);
                }
            }
        }
    }
    let mut dns: BTreeMap<String, Vec<KubeServiceId>> = BTreeMap::new();
    for (ki, ks) in ws.kube_services.iter().enumerate() {
        let (n, ns) = (&ks.name.value, &ks.namespace);
        let mut names = vec![
            n.clone(),
            format!("{n}.{ns}"),
            format!("{n}.{ns}.svc"),
            format!("{n}.{ns}.svc.cluster.local"),
        ];
        if let Some(ip) = ks.cluster_ip.as_deref().filter(|ip| !ip.is_empty() && *ip != "None") {
            names.push(ip.to_string());
        }
        for name in names {
            dns.entry(name).or_default().push(ki);
        }
    }
    let mut service_keys: BTreeMap<String, ServiceId> = BTreeMap::new();
    for (si, s) in ws.services.iter().enumerate() {
        let m = &ws.modules[s.module];
        for k in [
            s.name.as_str(),
            m.gradle_path.as_str(),
            m.dir.as_str(),
            m.dir.rsplit('/').next().unwrap_or(""),
        ] {
            if !k.is_empty() {
                service_keys.entry(k.to_string()).or_insert(si);
            }
        }
    }
    let cx = Cx {
        ws,
        sources,
        deployments,
        wl,
        ksw,
        workload_services,
        dns,
        service_keys,
    };
    let mut scrapes = Vec::new();
    monitor_scrapes(&cx, &monitor_services, &monitor_pods, &mut scrapes);

    let compose_spring = compose_spring(ws, cx.sources);
    let mut unresolved_targets = Vec::new();
    let mut targets = BTreeMap::new();
    for (ji, job) in ws.jobs.iter().enumerate() {
        for (ti, t) in job.targets.iter().enumerate() {
            let (path, path_span, explicit) = match (t.label("__metrics_path__"), &job.metrics_path) {
                (Some(p), _) => (p.value.clone(), p.span, true),
                (None, Some(p)) => (p.value.clone(), p.span, true),
                (None, None) => ("/metrics".to_string(), job.name.span, false),
            };
            let (scheme, scheme_span) = match (t.label("__scheme__"), &job.scheme) {
                (Some(s), _) => (s.value.clone(), Some(s.span)),
                (None, Some(s)) => (s.value.clone(), Some(s.span)),
                (None, None) => ("http".to_string(), None),
            };
            let (mut kind, mut hits) = resolve_target(&cx, &compose_spring, job, t);
            let mut other = None;
            hits.retain(|h| match another_listener(&cx, h) {
                Some(why) => {
                    other.get_or_insert(why);
                    false
                }
                None => true,
            });
            if let (true, Some(why)) = (hits.is_empty(), other) {
                kind = TargetKind::Other(why);
            }
            if matches!(kind, TargetKind::Unresolved { .. }) {
                unresolved_targets.push((ji, ti));
            }
            targets.insert((ji, ti), kind);
            let mut seen: BTreeSet<(ServiceId, Option<usize>)> = BTreeSet::new();
            for h in hits {
                if !seen.insert((h.service, h.deployment)) {
                    continue;
                }
                scrapes.push(Scrape {
                    service: h.service,
                    deployment: h.deployment,
                    via: Via::Job { job: ji, target: ti },
                    path: path.clone(),
                    path_span,
                    path_explicit: explicit,
                    evidence: format!("job `{}`: {}", job.name.value, h.why),
                    reach: h.reach,
                    scheme: scheme.clone(),
                    scheme_span,
                    scheme_anchor: job.name.span,
                });
            }
        }
    }
    let mut kube_jobs = BTreeMap::new();
    annotation_scrapes(&cx, &mut scrapes, &mut kube_jobs);
    Output {
        kube_service_workloads: cx.ksw,
        monitor_services,
        monitor_near_misses,
        monitor_pods,
        monitor_selection,
        scrapes,
        unresolved_targets,
        targets,
        compose_spring,
        kube_jobs,
    }
}

/// "job `x`", "ServiceMonitor `y`", "job `kubernetes-pods` (annotations of Deployment `z`)",
/// and the span that stands for it.
pub fn describe_site(ws: &Workspace, via: &Via) -> (String, Span) {
    match via {
        Via::Job { job, .. } => (format!("job `{}`", ws.jobs[*job].name.value), ws.jobs[*job].name.span),
        Via::Monitor { monitor, endpoint, .. } | Via::PodMonitor { monitor, endpoint } => {
            let m = &ws.monitors[*monitor];
            (
                format!("{} `{}`{}", m.kind_name(), m.name.value, m.origin.suffix()),
                m.endpoints[*endpoint].span,
            )
        }
        Via::Annotations {
            job,
            workload,
            kube_service,
        } => {
            let obj = match kube_service {
                Some(k) => format!("Service `{}`", ws.kube_services[*k].name.value),
                None => ws.workloads[*workload].describe(),
            };
            (
                format!("job `{}` (through the annotations of {obj})", ws.jobs[*job].name.value),
                ws.jobs[*job].name.span,
            )
        }
    }
}
