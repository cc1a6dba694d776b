//! Builds the scrape-wiring part of the model: Kubernetes objects (plain files, kustomize
//! builds, rendered `--manifests`), Helm charts and releases, kube-prometheus-stack values,
//! Prometheus configs (files, ConfigMaps, `additionalScrapeConfigs`, `scrape_config_files`),
//! Compose services, and file_sd targets.

use super::helm::{self, Chart, Release};
use super::kube::{self, KubeObjects, NamespaceObject, Origin};
use super::kustomize;
use super::prometheus::{
    file_sd_targets, find_mount, is_compose_file, read_compose, read_config, read_jobs, resolve_pattern, ConfigSource, SdResolution,
};
use super::tree::{embedded_documents, SNode};
use super::{Gap, Workspace};
use crate::discover::FileKind;
use crate::parse::Parsed;
use crate::source::{FileId, SourceSet, Span};
use crate::Options;
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
    pub fn objects_may_be_missing(&self, origin: &Origin) -> bool {
        !self.unrendered_charts.is_empty() || origin.group.is_some_and(|g| self.builds.get(g).is_some_and(|b| b.incomplete))
    }
}

fn yamlish(kind: FileKind) -> bool {
    matches!(kind, FileKind::Yaml | FileKind::Json | FileKind::Manifests)
}

/// Everything here that does not depend on the services, into `ws` (a workspace of its own:
/// this runs beside the build model). Returns the kustomize builds, which `gaps` needs.
pub fn read(ws: &mut Workspace, sources: &SourceSet, parsed: &[Parsed], options: &Options) -> kustomize::Output {
    let default_ns = options.config.default_namespace.clone().unwrap_or_else(|| "default".into());
    let kz = kustomize::build(sources, parsed, &options.limits);
    let mut objs = KubeObjects::default();
    // Rendered manifests win over the same object read from the repository.
    let mut seen: BTreeSet<(String, String, String)> = BTreeSet::new();
    for (id, f) in sources.iter().filter(|(_, f)| f.kind == FileKind::Manifests) {
        ws.wiring.manifests.push(id);
        let origin = Origin {
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
        let origin = Origin {
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
                kube::read_object(d, &default_ns, &Origin::default(), &mut objs);
            }
            objs
        })
        .collect();
    for o in per_file {
        objs.append(o);
    }
    ws.workloads = objs.workloads;
    ws.kube_services = objs.services;
    ws.monitors = objs.monitors;
    ws.prometheus_crs = objs.prometheus_crs;
    ws.config_maps = objs.config_maps;
    ws.wiring.namespaces = objs.namespaces;

    ws.wiring.charts = helm::charts(sources, parsed);
    ws.wiring.releases = helm::releases(sources, parsed, &options.limits);
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
    for r in &ws.wiring.releases {
        if r.chart.trim_end_matches('/').rsplit('/').next() == Some("prometheus") {
            ws.wiring.unknown_scrape_config.push((
                r.name.span,
                format!(
                    "Helm release `{}` of the `prometheus` chart keeps its default scrape jobs",
                    r.name.value
                ),
            ));
        }
    }

    compose_and_configs(ws, sources, parsed, options);
    kz
}

/// Kustomize and Helm gaps, naming the services whose objects they hide.
pub fn gaps(ws: &mut Workspace, sources: &SourceSet, kz: &kustomize::Output) {
    let names_in = |ws: &Workspace, group: Option<usize>, texts: &[FileId]| -> Vec<usize> {
        ws.services
            .iter()
            .enumerate()
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
        for (i, s) in ws.services.iter().enumerate() {
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
        let services: Vec<usize> = ws
            .services
            .iter()
            .enumerate()
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

fn compose_and_configs(ws: &mut Workspace, sources: &SourceSet, parsed: &[Parsed], options: &Options) {
    for (id, f) in sources.iter() {
        if f.kind != FileKind::Yaml || !is_compose_file(&f.path) {
            continue;
        }
        for d in parsed[id.0 as usize].yaml_roots() {
            read_compose(d, &f.path, &mut ws.compose_services);
        }
    }
    // Config files, read directly.
    let mut seen: BTreeSet<(FileId, u32)> = BTreeSet::new();
    for (id, f) in sources.iter() {
        if !yamlish(f.kind) || is_compose_file(&f.path) {
            continue;
        }
        for d in parsed[id.0 as usize].yaml_roots() {
            if kube::is_object(d) || d.get("scrape_configs").is_none() && d.get("scrape_config_files").is_none() {
                continue;
            }
            if !seen.insert((id, d.span.start)) {
                continue;
            }
            add_config(ws, d.clone(), ConfigSource::File, sources);
        }
    }
    // Configs embedded in ConfigMaps (`data: {prometheus.yml: |}`).
    let cms: Vec<(String, SNode)> = ws
        .config_maps
        .iter()
        .flat_map(|cm| {
            cm.data
                .iter()
                .map(move |e| (format!("{} `{}`", e.key.value, cm.name.value), e.value_node.clone()))
        })
        .filter(|(k, _)| {
            let key = k.split(' ').next().unwrap_or("");
            key.ends_with(".yml") || key.ends_with(".yaml")
        })
        .collect();
    for (what, v) in cms {
        let file = v.file();
        let text = &sources.get(file).text;
        // A configMapGenerator copies a whole repo file, which is read directly already.
        if v.span.start == 0 && v.span.end as usize == text.len() {
            continue;
        }
        let Some(embedded) = embedded_documents(&v, text, &options.limits) else {
            continue;
        };
        for d in embedded {
            if d.get("scrape_configs").is_none() || !seen.insert((file, d.span.start)) {
                continue;
            }
            add_config(ws, d, ConfigSource::ConfigMap(what.clone()), sources);
        }
    }
    // Values of the prometheus-community `prometheus` chart: `serverFiles."prometheus.yml"`
    // replaces the chart's jobs when it lists `scrape_configs`; otherwise the chart's default
    // jobs (which honour `prometheus.io/*` annotations) run, and they are not in the repo.
    for (id, f) in sources.iter() {
        if !yamlish(f.kind) || is_compose_file(&f.path) {
            continue;
        }
        for d in parsed[id.0 as usize].yaml_roots() {
            let Some(sf) = d.get("serverFiles").filter(|s| s.is_map()) else {
                continue;
            };
            match sf.at("prometheus.yml").get("scrape_configs") {
                Some(list) if list.is_seq() => {
                    let mut root = SNode::null(list.span);
                    root.set("scrape_configs", list.clone());
                    add_config(
                        ws,
                        root,
                        ConfigSource::ConfigMap("serverFiles of the `prometheus` chart".into()),
                        sources,
                    );
                }
                _ => ws
                    .wiring
                    .unknown_scrape_config
                    .push((sf.span, "values of the `prometheus` chart keep its default scrape jobs".into())),
            }
            if let Some(extra) = d.get("extraScrapeConfigs").filter(|e| e.as_str().is_some()) {
                let text = &sources.get(id).text;
                for list in embedded_documents(extra, text, &options.limits).unwrap_or_default() {
                    if list.is_seq() {
                        let mut root = SNode::null(list.span);
                        root.set("scrape_configs", list);
                        add_config(ws, root, ConfigSource::StackValues, sources);
                    }
                }
            }
        }
    }
    // kube-prometheus-stack `additionalScrapeConfigs`.
    let extra: Vec<SNode> = ws.stack_values.iter().filter_map(|v| v.additional_scrape_configs.clone()).collect();
    for list in extra {
        let mut root = SNode::null(list.span);
        root.set("scrape_configs", list);
        add_config(ws, root, ConfigSource::StackValues, sources);
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
                        let idx = add_config(ws, d.clone(), ConfigSource::ScrapeConfigFile, sources);
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

fn add_config(ws: &mut Workspace, root: SNode, source: ConfigSource, sources: &SourceSet) -> usize {
    let idx = ws.prom_configs.len();
    let mut cfg = read_config(&root, source);
    if matches!(cfg.source, ConfigSource::File | ConfigSource::ScrapeConfigFile) {
        cfg.mounted_by = find_mount(&ws.compose_services, sources.path(cfg.file));
    }
    ws.prom_configs.push(cfg);
    read_jobs(root.at("scrape_configs"), idx, &mut ws.jobs);
    idx
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
            ("deploy/c/kustomization.yaml", "resources: [../b, missing.yaml, ../../../../etc]\nconfigMapGenerator: [{name: x, files: [nope], literals: [a, b=c]}]\n"),
            ("helmfile.yaml", "releases: [5, {name: x, chart: y/kube-prometheus-stack, values: [5, {prometheus: 5}]}]\n"),
            ("targets.json", "[{\"targets\": \"a\", \"labels\": [1]}, 5]"),
            ("values.yaml", "prometheus:\n  prometheusSpec:\n    serviceMonitorSelector: 5\n    additionalScrapeConfigs: {a: 1}\n"),
        ]
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
        let (sources, options) = crate::app::from_memory(&files).expect("in memory");
        let report = crate::lint(&sources, &options);
        // It still reports what it can (the config has real problems).
        assert!(report.diagnostics.iter().any(|d| d.rule == "prometheus-config-invalid"));
    }
}
