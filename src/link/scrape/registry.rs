//! `eureka_sd_configs` and `consul_sd_configs` jobs: the instances the registry lists are the
//! services that register with it (`model::spring::registration`), each given the meta labels
//! Prometheus gives it and run through the job's relabelling, so the path, port and scheme
//! are decided per service and checked like any other scrape.
//!
//! Prometheus (configuration reference, `eureka_sd_config` / `consul_sd_config`,
//! <https://prometheus.io/docs/prometheus/latest/configuration/configuration/#eureka_sd_config>):
//! Eureka targets are `<hostName>:<port>` with `__meta_eureka_app_name`,
//! `__meta_eureka_app_instance_port`, `…_metadata_<key>` (key sanitised); Consul targets are
//! `<address>:<service port>` with `__meta_consul_service`, `__meta_consul_service_port`,
//! `__meta_consul_tags` (joined with the separator, which also opens and closes it) and
//! `__meta_consul_service_metadata_<key>`. Only what the repository shows is decided: a server
//! that is not in the repository, a filter not compared, a label not modelled that decides
//! the outcome — each makes the outcome unknown.

use super::kube_sd::base_labels;
use super::{Cx, PortReach, Reach};
use crate::link::relabel::{self, sanitize, Labels, Outcome, Value};
use crate::link::{Scrape, Via};
use crate::model::build::{find_artifact, Presence};
use crate::model::discovery::{RegistryKind, RegistrySd};
use crate::model::prometheus::Job;
use crate::model::spring::registration::{registration, Entry, Registers, Registration};
use crate::model::spring::{Port, Why};
use crate::model::{JobId, KubeServiceId, ServiceId};
use std::collections::BTreeSet;

/// The host every registered instance stands in with: an IPv4 address, as the `hostName` of a
/// `prefer-ip-address` instance is (relabel rules that test for an IP then pass).
const HOST: &str = "10.0.0.1";

/// How one registry discovery of a job was evaluated.
#[derive(Clone, Debug)]
pub struct Discovered {
    pub job: JobId,
    /// Index in `Job::registry_sd`.
    pub sd: usize,
    pub kind: RegistryKind,
    /// What runs the server (evidence), or why the registry's content is unknown.
    pub registry: Result<String, String>,
    /// Services whose registration or relabelling cannot be decided, with the reason.
    pub unknown: Vec<(ServiceId, String)>,
    /// The unknown registry is a server the repository does not run.
    pub server_outside: bool,
}

/// Something in the repository a name may be.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Thing {
    Compose(usize),
    Kube(KubeServiceId),
    Spring(ServiceId),
}

const GROUP: &str = "org.springframework.cloud";
const EUREKA_CLIENT: &[&str] = &["spring-cloud-starter-netflix-eureka-client", "spring-cloud-netflix-eureka-client"];
const EUREKA_SERVER: &[&str] = &["spring-cloud-starter-netflix-eureka-server", "spring-cloud-netflix-eureka-server"];
const CONSUL_CLIENT: &[&str] = &[
    "spring-cloud-starter-consul-discovery",
    "spring-cloud-consul-discovery",
    "spring-cloud-starter-consul-all",
];

fn has(cx: &Cx<'_>, si: ServiceId, names: &[&str]) -> Result<bool, Why> {
    match find_artifact(&cx.ws.modules, cx.ws.services[si].module, GROUP, names) {
        Presence::Present(_) => Ok(true),
        Presence::Absent | Presence::NotPackaged(..) => Ok(false),
        Presence::Unknown(r) => Err(Why::new(
            r.first().map_or("the classpath cannot be resolved".to_string(), |(w, _)| w.clone()),
            r.first().map(|(_, s)| *s),
        )),
    }
}

/// What a host name names, seen from the Prometheus that runs `job`.
fn things(cx: &Cx<'_>, job: &Job, host: &str) -> Vec<Thing> {
    let ws = cx.ws;
    let prom = ws.prom_configs[job.config]
        .mounted_by
        .as_ref()
        .map(|(s, _)| &ws.compose_services[*s]);
    let mut out: Vec<Thing> = ws
        .compose_services
        .iter()
        .enumerate()
        .filter(|(_, c)| prom.is_none_or(|p| p.project == c.project) && c.dns_names().iter().any(|n| n.eq_ignore_ascii_case(host)))
        .map(|(ci, _)| Thing::Compose(ci))
        .collect();
    out.extend(cx.kube_services_for(host).into_iter().map(Thing::Kube));
    out.extend(cx.resolve_service(host).map(Thing::Spring));
    out
}

/// Whether `t` runs the registry server: a Eureka server module, or an image named for it.
fn runs_server(cx: &Cx<'_>, compose_spring: &[Vec<ServiceId>], kind: RegistryKind, t: Thing) -> bool {
    let ws = cx.ws;
    let word = match kind {
        RegistryKind::Eureka => "eureka",
        RegistryKind::Consul => "consul",
    };
    let image_is = |img: &str| {
        let name = img.split(['@', ':']).next().unwrap_or(img);
        name.rsplit('/').next().unwrap_or(name).to_ascii_lowercase().contains(word)
    };
    let spring_is = |si: ServiceId| kind == RegistryKind::Eureka && has(cx, si, EUREKA_SERVER) == Ok(true);
    match t {
        Thing::Compose(ci) => {
            ws.compose_services[ci].image.as_deref().is_some_and(image_is) || compose_spring[ci].iter().any(|&s| spring_is(s))
        }
        Thing::Kube(ki) => cx.ksw[ki].iter().any(|&wi| {
            ws.workloads[wi]
                .containers
                .iter()
                .any(|c| c.image.as_ref().is_some_and(|i| image_is(&i.value)))
                || cx.services_of_workload(wi).into_iter().any(spring_is)
        }),
        Thing::Spring(si) => spring_is(si),
    }
}

fn describe(cx: &Cx<'_>, t: Thing) -> String {
    match t {
        Thing::Compose(ci) => format!("Compose service `{}`", cx.ws.compose_services[ci].name.value),
        Thing::Kube(ki) => format!("Service `{}`", cx.ws.kube_services[ki].name.value),
        Thing::Spring(si) => format!("the Eureka server module `{}`", cx.ws.services[si].name),
    }
}

/// The labels Prometheus gives one registered instance, before relabelling; `None` when a
/// label the rules read is not known here.
fn labels(job: &Job, sd: &RegistrySd, entry: &Entry) -> Labels {
    let mut l = base_labels(job);
    let port = entry.port.fixed();
    l.insert(
        "__address__".into(),
        Value {
            text: format!("{HOST}:{}", port.unwrap_or(0)),
            span: entry.port.span(),
            placeholder: true,
        },
    );
    let port_value = |p: Option<u16>| match p {
        Some(p) => Value::known(p.to_string(), entry.port.span()),
        None => Value::placeholder("0"),
    };
    let (meta_prefix, name_label) = match sd.kind {
        RegistryKind::Eureka => ("__meta_eureka_app_instance_metadata_", "__meta_eureka_app_name"),
        RegistryKind::Consul => ("__meta_consul_service_metadata_", "__meta_consul_service"),
    };
    l.insert(name_label.into(), Value::known(entry.name.clone(), entry.name_why.span));
    match sd.kind {
        RegistryKind::Eureka => {
            for k in ["hostname", "ip_addr"] {
                l.insert(format!("__meta_eureka_app_instance_{k}"), Value::placeholder(HOST));
            }
            l.insert("__meta_eureka_app_instance_port".into(), port_value(port));
            l.insert("__meta_eureka_app_instance_port_enabled".into(), Value::known("true", None));
            l.insert(
                "__meta_eureka_app_instance_secure_port_enabled".into(),
                Value::known(entry.secure_port_enabled.to_string(), None),
            );
            l.insert("__meta_eureka_app_instance_status".into(), Value::known("UP", None));
        }
        RegistryKind::Consul => {
            l.insert("__meta_consul_service_address".into(), Value::placeholder(HOST));
            l.insert("__meta_consul_service_port".into(), port_value(port));
            let sep = &sd.tag_separator;
            l.insert(
                "__meta_consul_tags".into(),
                Value::known(format!("{sep}{}{sep}", entry.tags.join(sep)), None),
            );
        }
    }
    for m in &entry.metadata {
        let v = match &m.value {
            Some(v) => Value::known(v.clone(), m.span),
            None => Value::placeholder("unknown"),
        };
        l.insert(format!("{meta_prefix}{}", sanitize(&m.key)), v);
    }
    // A `__meta_` label the rules read and the model does not know stands in as a value only
    // the registry knows; metadata the repository shows completely is absent (empty) instead.
    for r in &job.relabel {
        for s in &r.source_labels {
            if !s.starts_with("__meta_") || l.contains_key(s) {
                continue;
            }
            if s.starts_with(meta_prefix) && entry.metadata_unknown.is_none() {
                continue;
            }
            l.insert(s.clone(), Value::placeholder("unknown"));
        }
    }
    l
}

/// Whether a Consul SD entry lists this service (`services`, `tags`).
fn listed(sd: &RegistrySd, entry: &Entry) -> bool {
    (sd.services.is_empty() || sd.services.iter().any(|s| s.value == entry.name)) && sd.tags.iter().all(|t| entry.tags.contains(t))
}

pub(super) fn registry_scrapes(cx: &Cx<'_>, compose_spring: &[Vec<ServiceId>], scrapes: &mut Vec<Scrape>, out: &mut Vec<Discovered>) {
    let ws = cx.ws;
    for (ji, job) in ws.jobs.iter_enumerated() {
        if job.registry_sd.is_empty() {
            continue;
        }
        let compiled = relabel::compile(&job.relabel);
        for (sdi, sd) in job.registry_sd.iter().enumerate() {
            let mut d = Discovered {
                job: ji,
                sd: sdi,
                kind: sd.kind,
                registry: Err(String::new()),
                unknown: vec![],
                server_outside: false,
            };
            let server = match registry_server(cx, compose_spring, job, sd) {
                Ok(s) => s,
                Err((why, outside)) => {
                    d.registry = Err(why);
                    d.server_outside = outside;
                    out.push(d);
                    continue;
                }
            };
            d.registry = Ok(server.1.clone());
            let mut seen = BTreeSet::new();
            for (si, deps) in cx.deployments.iter_enumerated() {
                let client = match sd.kind {
                    RegistryKind::Eureka => has(cx, si, EUREKA_CLIENT).and_then(|c| Ok(c || has(cx, si, EUREKA_SERVER)?)),
                    RegistryKind::Consul => has(cx, si, CONSUL_CLIENT),
                };
                for (di, dep) in deps.iter().enumerate() {
                    let reg = match registration(sd.kind, &dep.effective, &dep.actuator.serving, client.clone()) {
                        Registers::No(_) => continue,
                        Registers::Unknown(w) => {
                            d.unknown.push((si, w.text));
                            continue;
                        }
                        Registers::Yes(r) => r,
                    };
                    if !registers_here(cx, job, &reg, sd, &server.0, dep) {
                        continue;
                    }
                    for entry in reg.entries.iter().filter(|e| sd.kind == RegistryKind::Eureka || listed(sd, e)) {
                        let kept = match relabel::run_compiled(&compiled, labels(job, sd, entry)) {
                            Outcome::Kept(l) => l,
                            Outcome::Dropped { .. } => continue,
                            Outcome::Unknown(why) => {
                                d.unknown.push((si, why));
                                continue;
                            }
                        };
                        if !seen.insert((si, di, entry.name.clone())) {
                            continue;
                        }
                        scrapes.push(scrape(cx, ji, sdi, si, di, &reg, entry, &kept, &server.1));
                    }
                }
            }
            out.push(d);
        }
    }
}

/// The things that run the server the SD config asks, and how that was decided.
fn registry_server(
    cx: &Cx<'_>,
    compose_spring: &[Vec<ServiceId>],
    job: &Job,
    sd: &RegistrySd,
) -> Result<(Vec<Thing>, String), (String, bool)> {
    let kind = sd.kind.name();
    if let Some(why) = &sd.unevaluated {
        return Err((why.clone(), false));
    }
    let Some(host) = sd.server_host() else {
        return Err((format!("its {kind} `server` is not set"), false));
    };
    if sd.kind == RegistryKind::Consul && is_loopback(&host) {
        if let Some(local) = local_agent(cx, compose_spring, job, sd) {
            return local;
        }
    }
    let mut found: Vec<Thing> = things(cx, job, &host)
        .into_iter()
        .filter(|t| runs_server(cx, compose_spring, sd.kind, *t))
        .collect();
    // The container or Service that runs the server module says more than the module's name.
    if found.iter().any(|t| !matches!(t, Thing::Spring(_))) {
        found.retain(|t| !matches!(t, Thing::Spring(_)));
    }
    if found.is_empty() {
        return Err((
            format!("the {kind} server `{host}` is not in the repository, so which services it lists is not known"),
            true,
        ));
    }
    let what = found.iter().map(|t| describe(cx, *t)).collect::<Vec<_>>().join(", ");
    Ok((found, format!("{kind} server `{host}` is {what}")))
}

/// The things that run a registry server and how that was decided, or why it is unknown and
/// whether the server is outside the repository.
type ServerFound = Result<(Vec<Thing>, String), (String, bool)>;

fn is_loopback(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "::1")
}

/// The Consul agent on Prometheus's own node: `localhost:8500` is Prometheus's default
/// `server` (Prometheus configuration reference, `consul_sd_config`), and Consul runs an agent
/// on every node that answers catalog queries for the whole cluster (Consul documentation,
/// "Agents overview"). What `localhost` is depends on where Prometheus runs: on a Compose
/// host network, the agent is the Compose service of its project that publishes the port on
/// the host; inside its own container or pod, only a container the repository shows beside
/// it could be. `None`: where Prometheus runs is not in the repository (the caller says so).
fn local_agent(cx: &Cx<'_>, compose_spring: &[Vec<ServiceId>], job: &Job, sd: &RegistrySd) -> Option<ServerFound> {
    let ws = cx.ws;
    let cfg = &ws.prom_configs[job.config];
    let port = sd
        .server
        .as_ref()
        .and_then(|s| {
            s.value
                .rsplit_once(':')
                .and_then(|(_, p)| p.trim_end_matches('/').parse::<u16>().ok())
        })
        .unwrap_or(8500);
    let host = sd.server_host().unwrap_or_default();
    if let Some((pi, _)) = &cfg.mounted_by {
        let p = &ws.compose_services[*pi];
        if !p.host_network() {
            return Some(Err((
                format!(
                    "`{host}:{port}` is the `{}` container itself, where no Consul agent runs (it is not on the host network)",
                    p.name.value
                ),
                false,
            )));
        }
        let found: Vec<Thing> = ws
            .compose_services
            .iter()
            .enumerate()
            .filter(|(ci, c)| {
                c.project == p.project
                    && c.ports.iter().any(|pm| pm.host == Some(port))
                    && runs_server(cx, compose_spring, RegistryKind::Consul, Thing::Compose(*ci))
            })
            .map(|(ci, _)| Thing::Compose(ci))
            .collect();
        if found.is_empty() {
            return Some(Err((
                format!(
                    "no Consul container of `{}`'s Compose project publishes port `{port}` on the host, so which agent `{host}:{port}` is cannot be told",
                    p.name.value
                ),
                false,
            )));
        }
        let what = found.iter().map(|t| describe(cx, *t)).collect::<Vec<_>>().join(", ");
        return Some(Ok((
            found,
            format!("Consul agent `{host}:{port}` on the host network of `{}` is {what}", p.name.value),
        )));
    }
    if let Some(pod) = &cfg.run_by_pod {
        return Some(Err((
            format!(
                "`{host}:{port}` is the Consul agent in the pod of {} (or on its node): which cluster it joins is not in the repository",
                ws.workloads[pod.workload].describe()
            ),
            false,
        )));
    }
    None
}

/// Whether the client registers with the server the job asks: the same name, or a name of
/// the same thing. A loopback name is each side's own: the client's `localhost` is the job's
/// only for a client on the same host network as the agent the job asks.
fn registers_here(cx: &Cx<'_>, job: &Job, reg: &Registration, sd: &RegistrySd, server: &[Thing], dep: &crate::link::Deployment) -> bool {
    let host = sd.server_host().unwrap_or_default();
    reg.servers.iter().any(|h| {
        if is_loopback(h) {
            let client = dep.compose.map(|ci| &cx.ws.compose_services[ci]);
            return client.is_some_and(|c| {
                c.host_network()
                    && server.iter().any(|t| {
                        matches!(t, Thing::Compose(ai) if cx.ws.compose_services[*ai].project == c.project
                            && cx.ws.compose_services[*ai].ports.iter().any(|pm| pm.host.is_some()))
                    })
            });
        }
        *h == host || things(cx, job, h).iter().any(|t| server.contains(t))
    })
}

#[allow(clippy::too_many_arguments)]
fn scrape(
    cx: &Cx<'_>,
    ji: JobId,
    sdi: usize,
    si: ServiceId,
    di: usize,
    reg: &Registration,
    entry: &Entry,
    labels: &Labels,
    server: &str,
) -> Scrape {
    let job = &cx.ws.jobs[ji];
    let kind = reg.kind.name();
    let what = match reg.kind {
        RegistryKind::Eureka => format!("{kind} app `{}`", entry.name),
        RegistryKind::Consul => format!("{kind} service `{}`", entry.name),
    };
    let path = labels
        .get("__metrics_path__")
        .cloned()
        .unwrap_or_else(|| Value::known("/metrics", None));
    let scheme = labels.get("__scheme__").cloned().unwrap_or_else(|| Value::known("http", None));
    let reach = match labels.get("__address__") {
        None => Reach::Unknown("the relabelled target has no address".into()),
        Some(a) => match a.text.strip_prefix(&format!("{HOST}:")).and_then(|p| p.parse::<i64>().ok()) {
            None => Reach::Unknown(format!("the relabelled address `{}` is not the registered instance", a.text)),
            Some(0) => Reach::Unknown(match &entry.port {
                Port::Random(w) => format!("it registers the port chosen at start-up ({})", w.text),
                p => format!("the port it registers is not known: {}", p.why().text),
            }),
            Some(p) => {
                let chain = if entry.port.fixed().map(i64::from) == Some(p) && a.span == entry.port.span() {
                    format!("the port the {kind} instance registers, from {}", entry.port.why().text)
                } else {
                    format!("port `{p}` set by the job's relabelling")
                };
                Reach::Ports(vec![PortReach {
                    port: p,
                    decided_at: a.span.unwrap_or(job.name.span),
                    chain,
                }])
            }
        },
    };
    Scrape {
        service: si,
        deployment: Some(di),
        via: Via::Registry {
            job: ji,
            sd: sdi,
            registered: what.clone(),
            name: entry.name.clone(),
        },
        path: path.text,
        path_span: path.span.unwrap_or(job.name.span),
        path_explicit: path.span.is_some(),
        evidence: format!(
            "job `{}`: {what} ({}), registered with {} ({}); {server}",
            job.name.value,
            entry.name_why.text,
            reg.servers.join(", "),
            reg.servers_why.text
        ),
        reach,
        scheme: scheme.text,
        scheme_span: scheme.span,
        scheme_anchor: job.name.span,
        app_route: None,
    }
}
