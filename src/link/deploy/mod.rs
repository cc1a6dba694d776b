//! Deployments of each service and their effective Spring configuration (SPEC §5, semantics
//! §5): a Kubernetes workload's container, a Compose service, or — when nothing in the
//! repository runs it — the service as built. Each deployment layers, lowest first: the
//! packaged config files for its profiles, config files mounted from ConfigMaps or bind
//! mounts, then environment variables (Dockerfile `ENV`, `envFrom`/`env_file`, `env`/
//! `environment`), `-D` system properties, `SPRING_APPLICATION_JSON` and `--` arguments.
//!
//! * `runtime`: what a deployment adds on top of the packaged config (env, mounts, argv);
//! * `kube`, `compose`: that runtime read from a Kubernetes container or a Compose service;
//! * `layers`: the runtime turned into config layers (env, `-D`, JSON, arguments) and the
//!   external config locations it makes Spring read.

mod compose;
mod kube;
mod layers;
mod runtime;

use super::Deployment;
use crate::ids::IdVec;
use crate::model::build::{find_artifact, Presence};
use crate::model::prometheus::ComposeService;
use crate::model::spring::kubeconfig;
use crate::model::spring::{BuildFacts, Effective, Fact, Layer, Lookup, Platform, ProfileSet, Service, StackInput, WebStack, Why};
use crate::model::ModelOptions;
use crate::model::{ServiceId, WorkloadId, Workspace};
use crate::source::{SourceSet, Span};
use compose::compose_runtime;
use kube::k8s_runtime;
use layers::{comma_list, external, overlays};
use runtime::{dockerfile_env, dockerfile_for, Runtime};

fn build_facts(ws: &Workspace, s: &Service) -> BuildFacts {
    const BOOT: &str = "org.springframework.boot";
    let actuator = match find_artifact(
        &ws.modules,
        s.module,
        BOOT,
        &["spring-boot-starter-actuator", "spring-boot-actuator-autoconfigure"],
    ) {
        Presence::Present(_) => Fact::yes(Why::new("`spring-boot-starter-actuator` is on the runtime classpath", None)),
        Presence::Absent | Presence::NotPackaged(..) => {
            Fact::no(Why::new("no `spring-boot-starter-actuator` on the runtime classpath", None))
        }
        Presence::Unknown(r) => Fact::unknown(Why::new(
            format!("the classpath cannot be fully resolved: {}", r.first().map_or("", |x| x.0.as_str())),
            r.first().map(|x| x.1),
        )),
    };
    let present = |a: &str| matches!(find_artifact(&ws.modules, s.module, BOOT, &[a]), Presence::Present(_));
    let unknown = matches!(
        find_artifact(&ws.modules, s.module, BOOT, &["spring-boot-starter-web"]),
        Presence::Unknown(_)
    );
    // Spring Cloud Gateway's starter is built on WebFlux and depends on its starter ("Spring
    // Cloud Gateway is built on Spring Boot, Spring WebFlux, and Project Reactor", Spring Cloud
    // Gateway reference); its `-mvc`/`-server-webmvc` variants run on the servlet stack.
    let gateway = matches!(
        find_artifact(
            &ws.modules,
            s.module,
            "org.springframework.cloud",
            &["spring-cloud-starter-gateway", "spring-cloud-starter-gateway-server-webflux"],
        ),
        Presence::Present(_)
    );
    let stack = if present("spring-boot-starter-web") {
        WebStack::Servlet
    } else if present("spring-boot-starter-webflux") || gateway {
        WebStack::Reactive
    } else if unknown {
        WebStack::Unknown
    } else {
        WebStack::Servlet
    };
    BuildFacts { actuator, stack }
}

/// Compose services that run `s`: build context, image, then name (SPEC §5).
/// What a Compose service's `image:` is once interpolated, and which module builds it: the same
/// for every service asked about, so computed once per Compose service rather than per pair.
struct ComposeImage {
    interpolated: Option<String>,
    built_by: Option<crate::link::image::ByImage>,
}

fn compose_images(ws: &Workspace, sources: &SourceSet) -> Vec<ComposeImage> {
    ws.compose_services
        .iter()
        .map(|c| {
            let interpolated = crate::link::image::compose_image(ws, sources, c);
            let built_by = match (&interpolated, &c.build_context) {
                (Some(img), None) => {
                    let near = |v: Vec<ServiceId>| crate::model::compose::nearest(ws, sources, c.file, v);
                    Some(crate::link::image::by_image(ws, sources, img, Some(&near)))
                }
                _ => None,
            };
            ComposeImage { interpolated, built_by }
        })
        .collect()
}

fn compose_links(ws: &Workspace, sources: &SourceSet, images: &[ComposeImage], si: ServiceId, s: &Service) -> Vec<(usize, String)> {
    let dir_name = s.dir.rsplit('/').next().unwrap_or("");
    let names = [s.name.as_str(), dir_name];
    let same = |a: &str, b: &str| !a.is_empty() && a.eq_ignore_ascii_case(b);
    // Linked by name or image: only if no other module of that name is nearer to the Compose file.
    let nearest = |c: &ComposeService, by: &str| {
        let rivals: Vec<ServiceId> = ws
            .services
            .iter_enumerated()
            .filter(|(_, x)| {
                let d = x.dir.rsplit('/').next().unwrap_or("");
                same(&x.name, by) || same(d, by)
            })
            .map(|(i, _)| i)
            .collect();
        super::compose::nearest(ws, sources, c.file, rivals).contains(&si)
    };
    ws.compose_services
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            // The module whose jar the build's Dockerfile copies, wherever the context is.
            if let Some((mi, why)) = ws.images.compose_module.get(i).and_then(Option::as_ref) {
                return (*mi == s.module).then(|| (i, format!("`build:` of Compose service `{}`: {why}", c.name.value)));
            }
            match &images[i].built_by {
                Some(crate::link::image::ByImage::Built { service, evidence }) => {
                    return (*service == si).then(|| (i, format!("{evidence} (Compose service `{}`)", c.name.value)));
                }
                Some(crate::link::image::ByImage::Ambiguous) => return None,
                Some(crate::link::image::ByImage::Unlinked) | None => {}
            }
            if c.build_context.as_deref() == Some(s.dir.as_str()) {
                return Some((
                    i,
                    format!(
                        "`build: {}` of Compose service `{}`",
                        if s.dir.is_empty() { "." } else { &s.dir },
                        c.name.value
                    ),
                ));
            }
            // As Compose runs it: interpolated from the project's `.env` (an unknown part never
            // matches a name).
            let image = images[i].interpolated.as_deref().map(|img| {
                let no_digest = img.split('@').next().unwrap_or(img);
                let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
                last.split(':').next().unwrap_or(last).to_string()
            });
            if c.build_context.is_none() {
                if let Some(img) = image.filter(|i| names.iter().any(|n| same(n, i)) && nearest(c, i)) {
                    return Some((i, format!("image `{img}` of Compose service `{}`", c.name.value)));
                }
                if names.iter().any(|n| same(n, &c.name.value)) && c.image.is_none() && nearest(c, &c.name.value) {
                    return Some((i, format!("Compose service `{}`", c.name.value)));
                }
            }
            None
        })
        .collect()
}

fn profile_list(v: &str) -> Vec<String> {
    comma_list(v)
}

/// Decides the active profiles (semantics §5.3): `spring.profiles.active` from any source
/// (env and arguments override files), `spring.profiles.include`, groups; else actuator-lint's
/// configuration; else `default` when a workload in the repository runs the service (nothing
/// sets one), unknown otherwise.
fn profiles(probe: &Effective, fallback: &Option<(Vec<String>, String)>, has_runtime: bool) -> (ProfileSet, Option<String>, Option<Span>) {
    let active = probe.lookup("spring.profiles.active");
    let include = probe.list("spring.profiles.include").set().map(|l| l.items).unwrap_or_default();
    let (mut list, from, span) = match active {
        Lookup::Set(f) => {
            if f.value.contains('@') {
                let why = Why::new(
                    format!(
                        "`{}: {}` in {} is filled in at build time",
                        f.prop.key,
                        f.prop.value.trim(),
                        f.layer.label
                    ),
                    Some(f.prop.value_span),
                );
                return (
                    ProfileSet::Unknown { assumed: vec![], why },
                    Some(format!("`{}` in {} (filled in at build time)", f.prop.key, f.layer.label)),
                    Some(f.prop.value_span),
                );
            }
            (
                profile_list(&f.value),
                Some(format!("`{}` in {}", f.prop.key, f.layer.label)),
                Some(f.prop.value_span),
            )
        }
        Lookup::Unknown(w) => {
            let why = Why::new(format!("the active profile cannot be known: {}", w.text), w.span);
            return (ProfileSet::Unknown { assumed: vec![], why }, None, w.span);
        }
        Lookup::Unset => match fallback {
            Some((p, from)) => (p.clone(), Some(from.clone()), None),
            None if has_runtime => (vec![], None, None),
            None => {
                let why = Why::new(
                    "no workload in the repository runs this service, so its active profile is not known",
                    None,
                );
                return (ProfileSet::Unknown { assumed: vec![], why }, None, None);
            }
        },
    };
    if list.is_empty() {
        if let Some(d) = probe.lookup("spring.profiles.default").set() {
            list = profile_list(&d.value);
        }
    }
    // Includes first (active ones win), then groups expanded after each profile.
    let mut all: Vec<String> = include;
    all.extend(list);
    let mut expanded = Vec::new();
    for p in all {
        if !expanded.contains(&p) {
            expanded.push(p.clone());
        }
        if let Some(g) = probe.list(&format!("spring.profiles.group.{p}")).set() {
            for m in g.items {
                if !expanded.contains(&m) {
                    expanded.push(m);
                }
            }
        }
    }
    (ProfileSet::Known(expanded), from, span)
}

pub fn deployments(
    ws: &Workspace,
    sources: &SourceSet,
    options: &ModelOptions<'_>,
    links: &IdVec<ServiceId, Vec<(WorkloadId, usize, String)>>,
) -> IdVec<ServiceId, Vec<Deployment>> {
    // Each service's deployments depend only on the model: evaluate them on every core.
    use rayon::prelude::*;
    let images = compose_images(ws, sources);
    ws.services
        .par_iter_enumerated()
        .map(|(si, s)| service_deployments(ws, sources, options, &images, si, s, &links[si]))
        .collect::<Vec<_>>()
        .into()
}

fn service_deployments(
    ws: &Workspace,
    sources: &SourceSet,
    options: &ModelOptions<'_>,
    images: &[ComposeImage],
    si: ServiceId,
    s: &Service,
    links: &[(WorkloadId, usize, String)],
) -> Vec<Deployment> {
    let cfg_profiles: Vec<String> = options
        .config
        .services
        .iter()
        .filter(|(k, _)| ws.resolve_service(k) == Some(si))
        .flat_map(|(_, (c, _))| c.profiles.clone())
        .collect();
    let fallback = if !cfg_profiles.is_empty() {
        Some((cfg_profiles, "actuator-lint.toml".to_string()))
    } else if !options.profiles.is_empty() {
        Some((options.profiles.to_vec(), "--profile".to_string()))
    } else if !options.config.profiles.is_empty() {
        Some((options.config.profiles.clone(), "[spring] profiles".to_string()))
    } else {
        None
    };
    let build = build_facts(ws, s);
    let kube_config = matches!(
        find_artifact(&ws.modules, s.module, "org.springframework.cloud", kubeconfig::ARTIFACTS),
        Presence::Present(_)
    );
    let df = dockerfile_for(ws, sources, &s.dir);
    let make = |workload: Option<WorkloadId>,
                container: Option<usize>,
                compose: Option<usize>,
                evidence: String,
                rt: Runtime,
                has_runtime: bool| {
        let top = overlays(&rt);
        let top_eff = Effective {
            layers: top.clone(),
            ..Default::default()
        };
        let (use_classpath, external_files, unseen) = external(&rt, &top_eff);
        let platform = rt.platform.clone().unwrap_or_else(|| {
            Platform::Unknown(Why::new(
                "no workload in the repository runs this service, so its platform is not known",
                None,
            ))
        });
        let bootstrap = bootstrap_context(ws, s, &top_eff);
        let env_import = top_eff.lookup("spring.config.import");
        let assemble = |profiles: &ProfileSet| -> Vec<Layer> {
            let input = StackInput {
                profiles,
                platform: &platform,
                boot: &s.boot_version,
                use_classpath,
                external: &external_files,
                bootstrap: bootstrap.clone(),
            };
            let mut layers = s.stack(&input);
            layers.extend(unseen.iter().cloned());
            match &env_import {
                Lookup::Set(f) => {
                    for loc in comma_list(&f.value) {
                        let bare = loc.trim_start_matches("optional:");
                        let scheme = bare.split_once(':').map(|(x, _)| x).unwrap_or("file");
                        // A Config Server the model already linked: the service's own files
                        // import `configserver:` and the repository holds what that server
                        // sends, so its files are in the stack; an environment import of it
                        // (`SPRING_CONFIG_IMPORT=configserver:http://user:pass@config-server:8888/`)
                        // adds nothing unseen.
                        let linked_server = scheme == "configserver" && s.config_server.is_some();
                        if scheme != "classpath" && !linked_server {
                            layers.push(Layer::unseen(
                                format!("`{loc}` (`spring.config.import` in {})", f.layer.label),
                                Why::new(
                                    format!("{} imports `{loc}`, which is not in the repository", f.layer.label),
                                    Some(f.prop.value_span),
                                ),
                            ));
                        }
                    }
                }
                Lookup::Unknown(w) => layers.push(Layer::unseen("`spring.config.import`".into(), w.clone())),
                Lookup::Unset => {}
            }
            layers.extend(top.iter().cloned());
            layers.extend(s.bootstrap_config_server(&input, &top_eff));
            layers
        };
        // Profiles are decided by the sources that are not profile-specific.
        let probe = Effective {
            layers: assemble(&ProfileSet::Known(vec![])),
            ..Default::default()
        };
        let (set, from, span) = profiles(&probe, &fallback, has_runtime);
        let mut layers = assemble(&set);
        // The ConfigMap Spring Cloud Kubernetes reads, named by the settings just decided.
        if let Some(w) = workload.filter(|_| kube_config).map(|w| &ws.workloads[w]) {
            let input = StackInput {
                profiles: &set,
                platform: &platform,
                boot: &s.boot_version,
                use_classpath,
                external: &external_files,
                bootstrap: bootstrap.clone(),
            };
            let eff = Effective {
                layers: layers.clone(),
                ..Default::default()
            };
            let find = |name: &str, ns: &str| {
                ws.config_maps
                    .iter()
                    .rev()
                    .find(|c| c.name.value == name && c.namespace == ns && c.origin.compatible(&w.origin))
            };
            layers.extend(kubeconfig::layers(&eff, &w.namespace, &input, sources, &find));
        }
        let effective = Effective {
            layers,
            profiles: match &set {
                ProfileSet::Known(p) => p.clone(),
                ProfileSet::Unknown { .. } => vec![],
            },
            profiles_from: from,
            profile_set: Some(set),
            profiles_span: span,
        };
        let actuator = effective.actuator_facts(&s.boot_version, &build, &platform);
        Deployment {
            workload,
            container,
            compose,
            evidence,
            effective,
            actuator,
        }
    };
    let mut out: Vec<Deployment> = links
        .iter()
        .map(|(wi, ci, why)| {
            let w = &ws.workloads[*wi];
            let rt = k8s_runtime(ws, sources, w, &w.containers[*ci], df);
            make(Some(*wi), Some(*ci), None, why.clone(), rt, true)
        })
        .collect();
    for (ci, why) in compose_links(ws, sources, images, si, s) {
        let rt = compose_runtime(ws, sources, ci, df);
        out.push(make(None, None, Some(ci), why, rt, true));
    }
    if out.is_empty() {
        let mut rt = Runtime {
            label: "the image".into(),
            ..Runtime::default()
        };
        if let Some((f, d)) = df {
            dockerfile_env(&mut rt, sources, f, d);
            rt.argv = d
                .entrypoint
                .iter()
                .chain(d.cmd.iter())
                .map(|(w, r)| (w.clone(), Span::new(f, r.clone())))
                .collect();
            rt.argv_label = format!("`ENTRYPOINT` in {}", sources.path(f));
        }
        out.push(make(
            None,
            None,
            None,
            "no workload in the repository runs this service".into(),
            rt,
            false,
        ));
    }
    out
}

/// Spring Cloud artifacts that put `spring-cloud-context` (and so the bootstrap listener) on
/// the classpath: the starters build on `spring-cloud-starter`, which depends on it.
const SPRING_CLOUD_CONTEXT: &[&str] = &[
    "spring-cloud-context",
    "spring-cloud-commons",
    "spring-cloud-starter",
    "spring-cloud-config-client",
    "spring-cloud-config-server",
    "spring-cloud-starter-config",
    "spring-cloud-starter-netflix-eureka-client",
    "spring-cloud-starter-netflix-eureka-server",
    "spring-cloud-starter-eureka",
    "spring-cloud-starter-eureka-server",
    "spring-cloud-starter-netflix-hystrix",
    "spring-cloud-starter-netflix-zuul",
    "spring-cloud-starter-netflix-ribbon",
    "spring-cloud-starter-openfeign",
    "spring-cloud-starter-consul-discovery",
    "spring-cloud-starter-consul-config",
    "spring-cloud-starter-zookeeper-discovery",
    "spring-cloud-starter-zookeeper-config",
    "spring-cloud-starter-vault-config",
    "spring-cloud-starter-kubernetes-config",
    "spring-cloud-starter-kubernetes-client-config",
    "spring-cloud-starter-kubernetes-fabric8-config",
    "spring-cloud-starter-gateway",
    "spring-cloud-starter-sleuth",
    "spring-cloud-starter-bus-amqp",
    "spring-cloud-starter-bus-kafka",
    "spring-cloud-starter-loadbalancer",
];

/// Whether the Spring Cloud bootstrap context reads `bootstrap.*` for this deployment
/// (`Err` = cannot tell). `spring-cloud-starter-bootstrap` turns it on in every version. Before
/// Spring Cloud 2020.0 (spring-cloud-commons 2.2 and older, the only line that runs on Boot
/// 2.3 and earlier) `BootstrapApplicationListener` runs whenever `spring-cloud-context` is on the
/// classpath, unless `spring.cloud.bootstrap.enabled=false` is set as a system property or
/// environment variable (spring-cloud-commons v2.2.0.RELEASE, BootstrapApplicationListener:
/// `getProperty("spring.cloud.bootstrap.enabled", Boolean.class, true)`).
fn bootstrap_context(ws: &Workspace, s: &Service, overlays: &Effective) -> Result<bool, Why> {
    let cloud = |names: &[&str]| find_artifact(&ws.modules, s.module, "org.springframework.cloud", names);
    if matches!(cloud(&["spring-cloud-starter-bootstrap"]), Presence::Present(_)) {
        return Ok(true);
    }
    let unknown = || Err(Why::new("`bootstrap.*` is read only by the Spring Cloud bootstrap context", None));
    let before_2020 = !s.boot_version.is_assumed() && !s.boot_version.at_least(2, 4);
    if !before_2020 || !matches!(cloud(SPRING_CLOUD_CONTEXT), Presence::Present(_)) {
        return unknown();
    }
    match overlays.lookup("spring.cloud.bootstrap.enabled") {
        Lookup::Unset => Ok(true),
        Lookup::Set(f) if f.value.trim().eq_ignore_ascii_case("true") => Ok(true),
        Lookup::Set(f) if f.value.trim().eq_ignore_ascii_case("false") => Ok(false),
        _ => unknown(),
    }
}
