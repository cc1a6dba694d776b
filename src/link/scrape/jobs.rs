//! Static and file_sd job targets: what each target host is (a Compose service, a Kubernetes
//! Service, Prometheus itself, something else, unknown or unresolved) and which container port
//! of which Spring service it reaches.

use super::compose::services_of_compose;
use super::ports::{self, published, target_port_reach, Pod};
use super::target_relabel::{relabel, Relabelled};
use super::{Cx, PortReach, Reach, TargetKind};
use crate::link::{Deployment, Scrape, Via};
use crate::model::prometheus::{ComposeService, Job, Target};
use crate::model::spring::Port;
use crate::model::{JobId, ServiceId};
use std::collections::{BTreeMap, BTreeSet};

fn is_ip(h: &str) -> bool {
    h.parse::<std::net::IpAddr>().is_ok()
}

fn is_localhost(h: &str) -> bool {
    matches!(h, "localhost" | "127.0.0.1" | "::1" | "0.0.0.0")
}

/// One resolution of a job target to a Spring service.
pub(super) struct Hit {
    pub service: ServiceId,
    pub deployment: Option<usize>,
    pub why: String,
    pub reach: Reach,
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
        for (ki, ks) in cx.ws.kube_services.iter_enumerated() {
            if !cx.ksw[ki].contains(wi) {
                continue;
            }
            for sp in ks.ports.iter().filter(|sp| sp.port == port as i64) {
                out.extend(Pod::new(w, Some(*ci)).through_service(ks, sp));
            }
        }
    }
    for c in &cx.ws.compose_services {
        for pm in c.ports.iter().filter(|pm| pm.host == Some(port)) {
            out.push(published(c, pm, port));
        }
    }
    Reach::Ports(out)
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

pub(super) fn resolve_target(cx: &Cx<'_>, compose_spring: &[Vec<ServiceId>], job: &Job, t: &Target) -> (TargetKind, Vec<Hit>) {
    let ws = cx.ws;
    let cfg = &ws.prom_configs[job.config];
    let prom_index = cfg.mounted_by.as_ref().map(|(s, _)| *s);
    let prom: Option<&ComposeService> = prom_index.map(|s| &ws.compose_services[s]);
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
        if port == Some(listen) && cfg.run_by_pod.is_none() {
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
                    if !same_project(prom, c) {
                        continue;
                    }
                    let published = c.ports.iter().find(|pm| pm.host.map(i64::from) == port.map(i64::from));
                    let on_host = c.host_network();
                    if published.is_none() && !on_host {
                        continue;
                    }
                    for s in services_of_compose(cx, compose_spring, ci) {
                        let reach = match published {
                            Some(pm) => Reach::Ports(vec![ports::published(c, pm, port.unwrap_or(0))]),
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
                    let kind = super::pod_local::localhost(cx, cfg, &host, port).unwrap_or_else(|| {
                        TargetKind::Unknown("where this Prometheus runs is not in the repository, so `localhost` cannot be told".into())
                    });
                    return (kind, vec![]);
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
            if !same_project(prom, c) {
                elsewhere.get_or_insert(c);
                continue;
            }
            found_compose = true;
            if prom_index == Some(ci) || (c.is_prometheus() && port == Some(c.listen_port())) {
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
                                Some(sp) => Pod::new(w, cx.container_of(s, wi)).service_port(ks, sp),
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
            if let Some(s) = ws.services.position(|s| s.name == host) {
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
fn same_project(prom: Option<&ComposeService>, c: &ComposeService) -> bool {
    let Some(p) = prom else { return true };
    p.project == c.project
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

/// Static and file_sd targets: what each one is, and the scrapes of the Spring services it reaches.
pub(super) fn job_scrapes(
    cx: &Cx<'_>,
    compose_spring: &[Vec<ServiceId>],
    scrapes: &mut Vec<Scrape>,
    unresolved_targets: &mut Vec<(JobId, usize)>,
    targets: &mut BTreeMap<(JobId, usize), TargetKind>,
) {
    let ws = cx.ws;
    for (ji, job) in ws.jobs.iter_enumerated() {
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
            // The job's relabelling decides what is scraped, where and how (or drops it).
            let relabelled = if job.relabel.is_empty() {
                None
            } else {
                match relabel(cx.sources, job, t, (&path, path_span, explicit), (&scheme, scheme_span)) {
                    Relabelled::Kept(after) => Some(after),
                    Relabelled::Dropped { by } => {
                        let at = cx.sources.get(by.file).line_col(by.start).line;
                        targets.insert(
                            (ji, ti),
                            TargetKind::Dropped(format!("by the relabel rule at {}:{at}", cx.sources.path(by.file))),
                        );
                        continue;
                    }
                    Relabelled::Unknown(why) => {
                        targets.insert((ji, ti), TargetKind::Unknown(why));
                        continue;
                    }
                }
            };
            let relabel_note = relabelled.as_ref().map_or(String::new(), |a| {
                let mut notes = Vec::new();
                if a.path.value != path {
                    let at = cx.sources.get(a.path.span.file).line_col(a.path.span.start).line;
                    notes.push(format!(
                        "its relabelling sets the path `{}` ({}:{at})",
                        a.path.value,
                        cx.sources.path(a.path.span.file)
                    ));
                }
                if a.scheme != scheme {
                    notes.push(format!("its relabelling sets the scheme `{}`", a.scheme));
                }
                notes.iter().map(|n| format!("; {n}")).collect()
            });
            let (t, path, path_span, explicit, scheme, scheme_span, rewritten) = match &relabelled {
                Some(a) => (
                    &a.target,
                    a.path.value.clone(),
                    a.path.span,
                    a.path_explicit,
                    a.scheme.clone(),
                    a.scheme_span,
                    a.rewritten,
                ),
                None => (t, path, path_span, explicit, scheme, scheme_span, false),
            };
            let (mut kind, mut hits) = match &t.dns {
                Some(dns) => super::dns::dns_target(cx, compose_spring, job, t, dns),
                None => resolve_target(cx, compose_spring, job, t),
            };
            if let (true, TargetKind::Unresolved { reason, .. }) = (rewritten, &kind) {
                // The address a relabel rule writes may name what the repository does not run
                // (an exporter the target is probed through): not a broken link.
                kind = TargetKind::Unknown(format!(
                    "{reason} (the job's relabelling rewrites the address to `{}`)",
                    t.address.value
                ));
            }
            let mut other = None;
            hits.retain(|h| match another_listener(cx, h) {
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
                    evidence: match &t.dns {
                        Some(dns) => format!(
                            "job `{}`: dns_sd_configs {} record `{}`: {}",
                            job.name.value, dns.record, dns.name, h.why
                        ),
                        None if rewritten => format!(
                            "job `{}`: its relabelling rewrites the address to `{}`: {}{relabel_note}",
                            job.name.value, t.address.value, h.why
                        ),
                        None => format!("job `{}`: {}{relabel_note}", job.name.value, h.why),
                    },
                    reach: h.reach,
                    scheme: scheme.clone(),
                    scheme_span,
                    scheme_anchor: job.name.span,
                    app_route: None,
                });
            }
        }
    }
}
