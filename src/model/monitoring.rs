//! Builds the scrape-wiring part of the model: Kubernetes objects (plain files, kustomize
//! builds, rendered `--manifests`), Helm charts and releases, kube-prometheus-stack values,
//! Prometheus configs (files, ConfigMaps, `additionalScrapeConfigs`, `scrape_config_files`),
//! Compose services, and file_sd targets.

use super::helm::{self, Chart, Release};
use super::kube::{self, KubeObjects, NamespaceObject, ObjectOrigin};
use super::kustomize;
use super::prometheus::{
    file_sd_targets, find_mount, read_compose, read_config, read_jobs, resolve_pattern, ConfigSource, PodRun, SdResolution,
};
use super::tree::{embedded_documents, Node};
use super::{Gap, ServiceId, Workspace};
use crate::classify::{Program, Role, Roles};
use crate::file_kind::FileKind;
use crate::model::ModelOptions;
use crate::parse::Parsed;
use crate::source::{FileId, SourceSet, Span, Spanned};
use std::collections::BTreeSet;

/// One rendered kustomize build.
#[derive(Clone, Debug)]
pub struct BuildInfo {
    pub file: FileId,
    pub dir: String,
    pub incomplete: bool,
}

#[derive(Default, Debug)]
pub struct Wiring {
    pub namespaces: Vec<NamespaceObject>,
    pub charts: Vec<Chart>,
    pub releases: Vec<Release>,
    pub builds: Vec<BuildInfo>,
    /// Files given with `--manifests`.
    pub manifests: Vec<FileId>,
    /// Charts whose templates no `--manifests` stream covers: their objects are unknown.
    pub unrendered_charts: Vec<usize>,
    /// Scrape configuration that exists but cannot be read here (a Prometheus CR's
    /// `additionalScrapeConfigs` Secret, the `prometheus` chart's default jobs, …).
    pub unknown_scrape_config: Vec<(Span, String)>,
}

impl Wiring {
    /// Whether objects that would be linked with something of `origin` may be missing from the
    /// model (unrendered Helm charts, a kustomize build with remote bases).
    pub fn objects_may_be_missing(&self, origin: &ObjectOrigin) -> bool {
        !self.unrendered_charts.is_empty() || origin.group.is_some_and(|g| self.builds.get(g).is_some_and(|b| b.incomplete))
    }
}

fn yamlish(kind: FileKind) -> bool {
    matches!(kind, FileKind::Yaml | FileKind::Json | FileKind::Manifests)
}

/// Everything here that does not depend on the services, into `ws` (a workspace of its own:
/// this runs beside the build model). Returns the kustomize builds, which `gaps` needs.
pub fn read(ws: &mut Workspace, sources: &SourceSet, parsed: &[Parsed], roles: &Roles, options: &ModelOptions<'_>) -> kustomize::Output {
    let default_ns = options.config.default_namespace.clone().unwrap_or_else(|| "default".into());
    let kz = kustomize::build(sources, parsed, options.limits);
    let mut objs = KubeObjects::default();
    // Rendered manifests win over the same object read from the repository.
    let mut seen: BTreeSet<(String, String, String)> = BTreeSet::new();
    for (id, f) in sources.iter().filter(|(_, f)| f.kind == FileKind::Manifests) {
        ws.wiring.manifests.push(id);
        let origin = ObjectOrigin {
            group: None,
            via: Some(format!("--manifests {}", f.path)),
        };
        for d in parsed[id.0 as usize].yaml_roots() {
            if let Some(key) = kube::identity(d, &default_ns) {
                seen.insert(key);
            }
            kube::read_object(d, &default_ns, &origin, &mut objs);
        }
    }
    for (g, b) in kz.builds.iter().enumerate() {
        let origin = ObjectOrigin {
            group: Some(g),
            via: Some(format!("kustomize build {}", if b.dir.is_empty() { "." } else { &b.dir })),
        };
        for d in &b.objects {
            if kube::identity(d, &default_ns).is_some_and(|k| seen.contains(&k)) {
                continue;
            }
            kube::read_object(d, &default_ns, &origin, &mut objs);
        }
        ws.wiring.builds.push(BuildInfo {
            file: b.file,
            dir: b.dir.clone(),
            incomplete: b.incomplete,
        });
    }
    // Plain manifest files are independent: read them on every core, keep file order.
    use rayon::prelude::*;
    let plain: Vec<FileId> = sources
        .iter()
        .filter(|(id, f)| matches!(f.kind, FileKind::Yaml | FileKind::Json) && !kz.consumed.contains(id))
        .map(|(id, _)| id)
        .collect();
    let per_file: Vec<KubeObjects> = plain
        .par_iter()
        .map(|id| {
            let mut objs = KubeObjects::default();
            for d in parsed[id.0 as usize].yaml_roots() {
                if kube::identity(d, &default_ns).is_some_and(|k| seen.contains(&k)) && kube::is_object(d) {
                    continue;
                }
                kube::read_object(d, &default_ns, &ObjectOrigin::default(), &mut objs);
            }
            objs
        })
        .collect();
    for o in per_file {
        objs.append(o);
    }
    ws.workloads = objs.workloads.into();
    ws.kube_services = objs.services.into();
    ws.monitors = objs.monitors.into();
    ws.prometheus_crs = objs.prometheus_crs;
    ws.config_maps = objs.config_maps;
    ws.secrets = objs.secrets;
    ws.wiring.namespaces = objs.namespaces;

    ws.wiring.charts = helm::charts(sources, parsed);
    ws.wiring.releases = helm::releases(sources, parsed, options.limits);
    ws.stack_values = helm::stack_values(sources, parsed, &ws.wiring.charts, &ws.wiring.releases, &kz.consumed);

    for cr in &ws.prometheus_crs {
        if let Some(span) = cr.additional_scrape_configs {
            ws.wiring.unknown_scrape_config.push((
                span,
                format!(
                    "Prometheus `{}` adds scrape jobs from a Secret (`additionalScrapeConfigs`)",
                    cr.name.value
                ),
            ));
        }
    }

    compose_and_configs(ws, sources, parsed, roles, options);
    kz
}

/// Kustomize and Helm gaps, naming the services whose objects they hide.
pub fn gaps(ws: &mut Workspace, sources: &SourceSet, kz: &kustomize::Output) {
    let names_in = |ws: &Workspace, group: Option<usize>, texts: &[FileId]| -> Vec<ServiceId> {
        ws.services
            .iter_enumerated()
            .filter(|(_, s)| {
                ws.workloads.iter().any(|w| {
                    (group.is_none() || w.origin.group == group)
                        && (w.name.value.contains(s.name.as_str()) || w.containers.iter().any(|c| c.image_name() == Some(s.name.as_str())))
                }) || texts.iter().any(|f| sources.get(*f).text.contains(s.name.as_str()))
            })
            .map(|(i, _)| i)
            .collect()
    };
    for g in &kz.gaps {
        let mut services = names_in(ws, Some(g.group), &[]);
        // A remote base's URL usually names what it brings.
        let text = sources.text(g.span);
        for (i, s) in ws.services.iter_enumerated() {
            if text.contains(s.name.as_str()) && !services.contains(&i) {
                services.push(i);
            }
        }
        let dir = &kz.builds[g.group].dir;
        ws.gaps.push(Gap {
            message: format!("kustomize build `{}`: {}", if dir.is_empty() { "." } else { dir }, g.message),
            span: g.span,
            services,
            help: "lint the built output too: `kustomize build <dir> | actuator-lint --manifests -`".into(),
        });
    }
    // Charts rendered into a `--manifests` stream (`# Source: <chart>/templates/…`) are covered.
    let sources_named: Vec<String> = ws
        .wiring
        .manifests
        .iter()
        .flat_map(|f| {
            sources
                .get(*f)
                .text
                .lines()
                .filter_map(|l| {
                    l.trim()
                        .strip_prefix("# Source: ")
                        .map(|s| s.split('/').next().unwrap_or("").to_string())
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let any_manifests = !ws.wiring.manifests.is_empty();
    for (ci, c) in ws.wiring.charts.iter().enumerate() {
        let Some(&first) = c.templates.first() else { continue };
        let dir_name = c.dir.rsplit('/').next().unwrap_or("");
        let covered = any_manifests && (sources_named.is_empty() || sources_named.iter().any(|n| *n == c.name || n == dir_name));
        if covered {
            continue;
        }
        ws.wiring.unrendered_charts.push(ci);
        if c.templates.iter().any(|t| sources.get(*t).text.contains("scrape_configs")) {
            ws.wiring.unknown_scrape_config.push((
                Span::new(first, 0..0),
                format!("Helm chart `{}` templates a Prometheus configuration", c.name),
            ));
        }
        let mut texts = c.templates.clone();
        texts.extend(
            sources
                .iter()
                .filter(|(_, f)| f.path.starts_with(&format!("{}/values", c.dir)))
                .map(|(id, _)| id),
        );
        let services: Vec<ServiceId> = ws
            .services
            .iter_enumerated()
            .filter(|(_, s)| dir_name == s.name || c.name == s.name || texts.iter().any(|f| sources.get(*f).text.contains(s.name.as_str())))
            .map(|(i, _)| i)
            .collect();
        let chart_name = if c.dir.is_empty() { ".".to_string() } else { c.dir.clone() };
        let n = c.templates.len();
        ws.gaps.push(Gap {
            message: format!(
                "Helm chart `{chart_name}` has {n} template file{} that cannot be read as YAML until rendered",
                if n == 1 { "" } else { "s" }
            ),
            span: Span::new(first, 0..sources.get(first).line_range(1).end),
            services,
            help: "lint the rendered manifests too: `helm template … | actuator-lint --manifests -`".into(),
        });
    }
}

fn compose_and_configs(ws: &mut Workspace, sources: &SourceSet, parsed: &[Parsed], roles: &Roles, options: &ModelOptions<'_>) {
    let mut includes: Vec<(String, String)> = Vec::new();
    for (id, f) in sources.iter() {
        if roles.role(id) != Some(Role::Compose) {
            continue;
        }
        for d in parsed[id.0 as usize].yaml_roots() {
            read_compose(d, &f.path, &mut ws.compose_services);
            includes.extend(super::compose::includes(d, &f.path).into_iter().map(|p| (p, f.path.clone())));
        }
    }
    super::compose::combine(&mut ws.compose_services, sources, &includes);
    // Config files, read directly: Prometheus' own, and the scrape jobs of the programs that
    // scrape metrics in Prometheus' format (semantics §14.1), each in its dialect.
    let mut seen: BTreeSet<(FileId, u32)> = BTreeSet::new();
    for (id, _) in sources.iter() {
        let Some(program) = roles.program(id).filter(|p| p.scrapes_metrics()) else {
            continue;
        };
        for d in parsed[id.0 as usize].yaml_roots() {
            for root in scrape_roots(d, program) {
                if !seen.insert((id, root.span.start)) {
                    continue;
                }
                add_config(ws, root, ConfigSource::File, program, sources);
            }
        }
    }
    // Configs embedded in ConfigMaps (`data: {prometheus.yml: |}`).
    let cms: Vec<(String, Node, Option<PodRun>)> = ws
        .config_maps
        .iter()
        .flat_map(|cm| {
            let ws = &*ws;
            cm.data
                .iter()
                .filter(|e| e.key.value.ends_with(".yml") || e.key.value.ends_with(".yaml"))
                .map(move |e| {
                    (
                        format!("{} `{}`", e.key.value, cm.name.value),
                        e.value_node.clone(),
                        pod_mounting(ws, cm, &e.key.value),
                    )
                })
        })
        .collect();
    for (what, v, pod) in cms {
        let file = v.file();
        let text = &sources.get(file).text;
        // A configMapGenerator copies a whole repo file, which is read directly already.
        if v.span.start == 0 && v.span.end as usize == text.len() {
            continue;
        }
        let Some(embedded) = embedded_documents(&v, text, options.limits) else {
            continue;
        };
        for d in embedded {
            // A ConfigMap holds any program's configuration: Promtail's `scrape_configs` are
            // log streams, an OTel Collector's are nested in its receiver.
            let text = &sources.get(d.file()).text;
            let program = program_of_node(&d, text).unwrap_or(Program::Prometheus);
            if !program.scrapes_metrics() {
                continue;
            }
            for root in scrape_roots(&d, program) {
                if !seen.insert((file, root.span.start)) {
                    continue;
                }
                let idx = add_config(ws, root, ConfigSource::ConfigMap(what.clone()), program, sources);
                ws.prom_configs[idx].run_by_pod = pod.clone();
            }
        }
    }
    // Values of the prometheus-community `prometheus` chart: `serverFiles."prometheus.yml"`
    // replaces the chart's jobs when it lists `scrape_configs`; otherwise the chart's default
    // jobs (which honour `prometheus.io/*` annotations) run, and they are not in the repo.
    let unknown_before = ws.wiring.unknown_scrape_config.len();
    for (id, f) in sources.iter() {
        if !yamlish(f.kind) || roles.role(id) == Some(Role::Compose) {
            continue;
        }
        for d in parsed[id.0 as usize].yaml_roots() {
            let Some(sf) = d.get("serverFiles").filter(|s| s.is_map()) else {
                continue;
            };
            if let Some(list) = sf.at("prometheus.yml").get("scrape_configs").filter(|l| l.is_seq()) {
                let mut root = Node::null(list.span);
                root.set("scrape_configs", list.clone());
                add_config(
                    ws,
                    root,
                    ConfigSource::ConfigMap("serverFiles of the `prometheus` chart".into()),
                    Program::Prometheus,
                    sources,
                );
            }
            let at = d.entry("serverFiles").map_or(sf.span, |(k, _)| k.span);
            chart_defaults(ws, &[d], at, format!("values {}", f.path), sources, options);
            if let Some(extra) = d.get("extraScrapeConfigs").filter(|e| e.as_str().is_some()) {
                let text = &sources.get(id).text;
                for list in embedded_documents(extra, text, options.limits).unwrap_or_default() {
                    if list.is_seq() {
                        let mut root = Node::null(list.span);
                        root.set("scrape_configs", list);
                        add_config(ws, root, ConfigSource::StackValues, Program::Prometheus, sources);
                    }
                }
            }
        }
    }
    // Releases and umbrella charts of the `prometheus` chart: its annotation jobs run unless
    // the values say otherwise (values files with `serverFiles` were read above).
    let releases: Vec<(Span, String, Vec<Node>)> = ws
        .wiring
        .releases
        .iter()
        .filter(|r| r.chart.trim_end_matches('/').rsplit('/').next() == Some("prometheus"))
        .filter(|r| {
            !r.value_files
                .iter()
                .any(|f| parsed[f.0 as usize].yaml_roots().any(|d| d.get("serverFiles").is_some()))
        })
        .map(|r| {
            let mut values = r.values.clone();
            values.extend(r.value_files.iter().flat_map(|f| parsed[f.0 as usize].yaml_roots().cloned()));
            (r.name.span, format!("Helm release `{}`", r.name.value), values)
        })
        .collect();
    let umbrellas: Vec<(Span, String, Vec<Node>)> = ws
        .wiring
        .charts
        .iter()
        .filter_map(|c| {
            let (name, alias, span) = c.dependencies.iter().find(|(n, _, _)| n == "prometheus")?;
            let key = alias.as_deref().unwrap_or(name);
            let values = sources
                .iter()
                .filter(|(_, f)| {
                    let file = f.path.rsplit('/').next().unwrap_or("");
                    f.path.rsplit_once('/').map_or("", |(d, _)| d) == c.dir
                        && file.starts_with("values")
                        && (file.ends_with(".yaml") || file.ends_with(".yml"))
                })
                .flat_map(|(id, _)| {
                    parsed[id.0 as usize]
                        .yaml_roots()
                        .filter_map(|d| d.get(key))
                        .cloned()
                        .collect::<Vec<_>>()
                })
                .collect();
            Some((*span, format!("chart `{}` (dependency `prometheus`)", c.name), values))
        })
        .collect();
    let chart_referenced = !releases.is_empty()
        || !umbrellas.is_empty()
        || ws.wiring.unknown_scrape_config.len() > unknown_before
        || ws.prom_configs.iter().any(|c| matches!(c.source, ConfigSource::ChartDefaults(_)));
    for (at, what, values) in releases.into_iter().chain(umbrellas) {
        for v in &values {
            if let Some(list) = v.path(&["serverFiles", "prometheus.yml", "scrape_configs"]).filter(|l| l.is_seq()) {
                let mut root = Node::null(list.span);
                root.set("scrape_configs", list.clone());
                add_config(
                    ws,
                    root,
                    ConfigSource::ConfigMap("serverFiles of the `prometheus` chart".into()),
                    Program::Prometheus,
                    sources,
                );
            }
        }
        let refs: Vec<&Node> = values.iter().collect();
        chart_defaults(ws, &refs, at, what, sources, options);
    }
    // A prometheus-adapter that queries the `prometheus` chart's server: the chart runs, with
    // values the repository does not hold, so its annotation jobs are its defaults. Only when
    // nothing else references the chart (those references say more).
    if !chart_referenced {
        if let Some((at, what)) = prometheus_adapter(ws, sources, parsed, roles) {
            chart_defaults(ws, &[], at, what, sources, options);
        }
    }
    // kube-prometheus-stack `additionalScrapeConfigs`.
    let extra: Vec<Node> = ws.stack_values.iter().filter_map(|v| v.additional_scrape_configs.clone()).collect();
    for list in extra {
        let mut root = Node::null(list.span);
        root.set("scrape_configs", list);
        add_config(ws, root, ConfigSource::StackValues, Program::Prometheus, sources);
    }
    // `scrape_config_files`: more jobs, from repo files.
    let n = ws.prom_configs.len();
    for ci in 0..n {
        let patterns = ws.prom_configs[ci].scrape_config_files.clone();
        for p in patterns {
            if let SdResolution::Files(_, files) = resolve_pattern(&p.value, &ws.prom_configs[ci], &ws.compose_services, sources) {
                for f in files {
                    for d in parsed[f.0 as usize].yaml_roots() {
                        if d.get("scrape_configs").is_none() || !seen.insert((f, d.span.start)) {
                            continue;
                        }
                        let program = ws.prom_configs[ci].program;
                        let idx = add_config(ws, d.clone(), ConfigSource::ScrapeConfigFile, program, sources);
                        ws.prom_configs[idx].parent = Some(ci);
                    }
                }
            }
        }
    }
    for job in ws.jobs.iter_mut() {
        let cfg = &ws.prom_configs[job.config];
        for sd in job.file_sd.iter_mut() {
            sd.resolution = resolve_pattern(&sd.pattern.value, cfg, &ws.compose_services, sources);
            if let SdResolution::Files(_, files) = &sd.resolution {
                for fid in files {
                    job.targets.extend(file_sd_targets(&parsed[fid.0 as usize], *fid));
                }
            }
        }
    }
}

/// The pod that mounts key `key` of ConfigMap `cm` as a file: a workload in its namespace with
/// a `configMap` volume of that name (all keys, or `items` naming the key) mounted by one of its
/// containers. A container that looks like Prometheus (its image, or a `--config.file` flag
/// naming the mounted file) wins over others that mount the same volume.
fn pod_mounting(ws: &Workspace, cm: &kube::ConfigMap, key: &str) -> Option<PodRun> {
    let mut best: Option<(bool, PodRun)> = None;
    for (wi, w) in ws.workloads.iter_enumerated() {
        if w.namespace != cm.namespace || !cm.origin.compatible(&w.origin) {
            continue;
        }
        for v in &w.volumes {
            let Some(file) = v.config_maps.iter().find(|(n, _)| *n == cm.name.value).and_then(|(_, items)| {
                if items.is_empty() {
                    Some(key.to_string())
                } else {
                    items.iter().find(|(k, _)| k == key).map(|(_, p)| p.clone())
                }
            }) else {
                continue;
            };
            for (ci, c) in w.containers.iter().enumerate() {
                for m in c.volume_mounts.iter().filter(|m| m.name == v.name) {
                    let path = match &m.sub_path {
                        Some(sp) if *sp == file => m.mount_path.clone(),
                        Some(_) => continue,
                        None => format!("{}/{file}", m.mount_path.trim_end_matches('/')),
                    };
                    let flag = c
                        .args
                        .iter()
                        .chain(c.command.iter())
                        .any(|a| a.value.strip_prefix("--config.file=").is_some_and(|f| f == path));
                    let prometheus = flag || c.image_name().is_some_and(|i| i == "prometheus");
                    if best.as_ref().is_none_or(|(p, _)| prometheus && !*p) {
                        best = Some((
                            prometheus,
                            PodRun {
                                workload: wi,
                                container: ci,
                                path,
                            },
                        ));
                    }
                }
            }
        }
    }
    best.map(|(_, p)| p)
}

/// The first prometheus-adapter configuration that queries the `prometheus` chart's server
/// (`promchart::adapter_points_at_chart_server`): a release of the `prometheus-adapter` chart
/// (its inline values and values files), else a values file with the adapter's own keys.
fn prometheus_adapter(ws: &Workspace, sources: &SourceSet, parsed: &[Parsed], roles: &Roles) -> Option<(Span, String)> {
    let what = |span: Span| {
        format!(
            "the release whose server prometheus-adapter queries (`prometheus.url: {}` in {})",
            sources.get(span.file).slice(span).trim(),
            sources.path(span.file)
        )
    };
    for r in &ws.wiring.releases {
        if r.chart.trim_end_matches('/').rsplit('/').next() != Some("prometheus-adapter") {
            continue;
        }
        let files = r.value_files.iter().flat_map(|f| parsed[f.0 as usize].yaml_roots());
        if let Some(at) = r
            .values
            .iter()
            .chain(files)
            .find_map(|v| super::promchart::adapter_points_at_chart_server(v, true))
        {
            return Some((at, what(at)));
        }
    }
    for (id, f) in sources.iter() {
        if !yamlish(f.kind) || matches!(roles.role(id), Some(Role::Compose | Role::Manifests)) {
            continue;
        }
        if let Some(at) = parsed[id.0 as usize]
            .yaml_roots()
            .find_map(|d| super::promchart::adapter_points_at_chart_server(d, false))
        {
            return Some((at, what(at)));
        }
    }
    None
}

/// The `prometheus` chart's annotation jobs for one reference to the chart (semantics §15.5).
fn chart_defaults(ws: &mut Workspace, values: &[&Node], at: Span, what: String, sources: &SourceSet, options: &ModelOptions<'_>) {
    match super::promchart::defaults(values, at, options.limits) {
        super::promchart::Defaults::Jobs(list) => {
            let mut root = Node::null(at);
            root.set("scrape_configs", list);
            add_config(ws, root, ConfigSource::ChartDefaults(what), Program::Prometheus, sources);
        }
        super::promchart::Defaults::Unknown(why) => ws.wiring.unknown_scrape_config.push((at, format!("{what}: {why}"))),
    }
}

fn add_config(ws: &mut Workspace, root: Node, source: ConfigSource, program: Program, sources: &SourceSet) -> usize {
    let idx = ws.prom_configs.len();
    let mut cfg = read_config(&root, source);
    cfg.program = program;
    if matches!(cfg.source, ConfigSource::File | ConfigSource::ScrapeConfigFile) {
        cfg.mounted_by = find_mount(&ws.compose_services, sources.path(cfg.file));
    }
    ws.prom_configs.push(cfg);
    let first = ws.jobs.len();
    read_jobs(root.at("scrape_configs"), idx, &mut ws.jobs);
    if program == Program::Vmagent {
        for job in ws.jobs.iter_mut().skip(first) {
            for t in &mut job.targets {
                url_target(t, sources);
            }
        }
    }
    idx
}

/// The Prometheus-format parts of a program's configuration (semantics §14): the document
/// itself for Prometheus and vmagent, `metrics.configs[]` for Grafana Agent, the `config` of
/// each `prometheus` receiver for the OpenTelemetry Collector.
fn scrape_roots(d: &Node, program: Program) -> Vec<Node> {
    let with_jobs = |list: &Node| {
        let mut root = Node::null(list.span);
        root.set("scrape_configs", list.clone());
        root
    };
    match program {
        Program::Prometheus | Program::Vmagent => {
            if kube::is_object(d) || d.get("scrape_configs").is_none() && d.get("scrape_config_files").is_none() {
                return vec![];
            }
            vec![d.clone()]
        }
        Program::GrafanaAgent => {
            let metrics = d.get("metrics").or_else(|| d.get("prometheus"));
            metrics
                .map(|m| m.at("configs").as_seq())
                .unwrap_or_default()
                .iter()
                .filter_map(|c| c.get("scrape_configs").filter(|l| l.is_seq()))
                .map(with_jobs)
                .collect()
        }
        Program::OtelCollector => d
            .at("receivers")
            .as_map()
            .iter()
            .filter(|(k, _)| k.as_str().is_some_and(|k| k == "prometheus" || k.starts_with("prometheus/")))
            .filter_map(|(_, r)| r.get("config").filter(|c| c.get("scrape_configs").is_some()).cloned())
            .collect(),
        _ => vec![],
    }
}

/// vmagent takes a full URL as a static target; its scheme and path override the job's
/// (semantics §14.1). The address keeps its span; scheme and path become the target labels
/// Prometheus would use for the same override.
fn url_target(t: &mut crate::model::prometheus::Target, sources: &SourceSet) {
    let Some((scheme, rest)) = t.address.value.split_once("://") else {
        return;
    };
    let scheme = scheme.to_ascii_lowercase();
    let (hostport, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let hostport = if hostport
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.chars().all(|c| c.is_ascii_digit()))
    {
        hostport.to_string()
    } else {
        format!("{hostport}:{}", if scheme == "https" { 443 } else { 80 })
    };
    // Each part's own span inside the literal, so a fix edits the path, not the whole URL.
    let span = t.address.span;
    let raw = sources.text(span);
    let part = |text: &str, from_end: bool| {
        let at = if from_end { raw.rfind(text) } else { raw.find(text) };
        at.map_or(span, |i| {
            Span::new(span.file, span.start + i as u32..span.start + (i + text.len()) as u32)
        })
    };
    if !path.is_empty() {
        t.labels.retain(|(k, _)| k != "__metrics_path__");
        t.labels
            .push(("__metrics_path__".into(), Spanned::new(path.to_string(), part(path, true))));
    }
    let scheme_span = part(&t.address.value[..scheme.len()], false);
    t.labels.retain(|(k, _)| k != "__scheme__");
    t.labels.push(("__scheme__".into(), Spanned::new(scheme, scheme_span)));
    t.address.value = hostport;
}

/// `by_keys` for a document already parsed (a ConfigMap's embedded file).
fn program_of_node(doc: &Node, text: &str) -> Option<Program> {
    let shape = crate::classify::sniff::Shape {
        keys: doc.as_map().iter().filter_map(|(k, _)| k.as_string()).collect(),
        sequence: doc.is_seq(),
        json: false,
    };
    let body = text.get(doc.span.range()).unwrap_or("");
    crate::classify::programs::by_keys(&shape, body)
}

#[cfg(test)]
mod tests {
    /// Every reader here meets YAML of the wrong shape in real repositories: none may panic.
    #[test]
    fn hostile_shapes_do_not_panic() {
        let files: Vec<(String, String)> = [
            ("settings.gradle.kts", "rootProject.name = \"x\"\n"),
            ("build.gradle.kts", "plugins { id(\"org.springframework.boot\") version \"3.2.5\" }\n"),
            ("src/main/kotlin/A.kt", "@SpringBootApplication\nclass A\n"),
            ("src/main/resources/application.yml", "server:\n  port: ${PORT}\nmanagement: 5\n"),
            ("k8s/a.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: []\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: y, annotations: [a]}\nspec:\n  template:\n    metadata: 5\n    spec:\n      containers: x\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [5, {port: x, targetPort: {}}], selector: [a]}\n---\napiVersion: v1\nkind: List\nitems: {a: b}\n---\nkind: Pod\napiVersion: v1\n"),
            ("k8s/m.yaml", "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: m, labels: [x]}\nspec: {selector: x, endpoints: {a: 1}, namespaceSelector: {matchNames: x}}\n---\napiVersion: monitoring.coreos.com/v1\nkind: PodMonitor\nmetadata: {name: p}\nspec: {selector: {matchExpressions: [{key: a, operator: Weird}]}, podMetricsEndpoints: [{portNumber: x}, 5]}\n---\napiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: p}\nspec: {serviceMonitorSelector: [], podMonitorNamespaceSelector: 5}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {prometheus.yml: 5, other.yml: \"scrape_configs: [\"}\n"),
            ("monitoring/prometheus.yml", "global: []\nrule_files: 5\nscrape_config_files: [\"a/**/b\"]\nscrape_configs:\n  - 5\n  - job_name: []\n  - job_name: a\n    scrape_interval: x\n    scrape_timeout: 1h\n    static_configs: [[1], {targets: 5}, {targets: [\"http://:/x\", \"[::1]:80\", 7]}]\n    file_sd_configs: [{files: {}}, {files: [\"/x/*/y.json\"]}]\n    relabel_configs: [{regex: \"(\", action: keep}, {action: hashmod}, 5]\n    kubernetes_sd_configs: [{role: pod, namespaces: {names: 5}}, 7]\n"),
            ("docker-compose.yml", "services:\n  a: 5\n  prometheus:\n    image: prom/prometheus\n    command: 5\n    volumes: [5, \"./x\", {source: 1}]\n    ports: [\"a:b\", {target: x}, 5]\n    networks: {n: {aliases: 5}}\n"),
            ("deploy/a/kustomization.yaml", "resources: {x: 1}\npatches: [5, {path: 5}, {patch: \"- op: move\\n  from: /a\\n  path: /b\\n\", target: {kind: \"(\"}}]\nimages: [{name: 5}]\ncommonLabels: [1]\nlabels: 5\nnamespace: []\n"),
            ("deploy/b/kustomization.yaml", "resources: [../c]\n"),
            ("deploy/c/kustomization.yaml", "resources: [../b, missing.yaml, ../../../../etc]\nconfigMapGenerator: [{name: x, files: [nope], literals: [a, b=c]}]\nsecretGenerator: [5, {name: s, behavior: merge, envs: [5, nope], literals: [x=y]}, {name: t, behavior: replace, files: [k=nope], env: 7}]\n"),
            ("helmfile.yaml", "releases: [5, {name: x, chart: y/kube-prometheus-stack, values: [5, {prometheus: 5}]}]\n"),
            ("targets.json", "[{\"targets\": \"a\", \"labels\": [1]}, 5]"),
            ("values.yaml", "prometheus:\n  prometheusSpec:\n    serviceMonitorSelector: 5\n    additionalScrapeConfigs: {a: 1}\n"),
        ]
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
        let (sources, options) = crate::testing::from_memory(&files).expect("in memory");
        let report = crate::lint(&sources, &options);
        // It still reports what it can (the config has real problems).
        assert!(report.diagnostics.iter().any(|d| d.rule == "prometheus-config-invalid"));
    }
}
