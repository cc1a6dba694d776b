//! Prometheus configuration (`global`, `scrape_configs`, `scrape_config_files`, `rule_files`),
//! Docker Compose services (volumes, ports, networks) and scrape targets from `static_configs`
//! and `file_sd_configs` (semantics §7). A config can live in a file (mounted into a Compose
//! container or not), in a ConfigMap, or in kube-prometheus-stack `additionalScrapeConfigs`.

use super::tree::Node;
use super::{JobId, WorkloadId};
use crate::ids::IdVec;
use crate::parse::compose::volume;
pub use crate::parse::compose::Volume;
use crate::parse::Parsed;
use crate::source::{join_path, normalize_path, parent_dir, FileId, SourceSet, Span, Spanned};

/// `ports: ["8081:8080"]`: host port → container port.
#[derive(Clone, Debug)]
pub struct PortMapping {
    pub host: Option<u16>,
    pub container: u16,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ComposeService {
    pub name: Spanned<String>,
    pub container_name: Option<String>,
    pub hostname: Option<String>,
    /// `networks: {x: {aliases: [...]}}`.
    pub aliases: Vec<String>,
    pub image: Option<String>,
    /// `build` context, relative to the repo root (`None` for remote or absolute contexts).
    pub build_context: Option<String>,
    /// The project directory: the Compose file's, or that of the file that `include`s it.
    pub project: String,
    /// `build.dockerfile` as written (relative to the context), when given.
    pub build_dockerfile: Option<String>,
    pub volumes: Vec<Volume>,
    pub ports: Vec<PortMapping>,
    /// `network_mode: host` shares the host's network namespace.
    pub network_mode: Option<String>,
    pub file: FileId,
    /// `environment` entries; `None` value = passed through from the host (unknown).
    pub environment: Vec<ComposeEnv>,
    /// `env_file` paths, relative to the repo root (normalised), with `required`.
    pub env_files: Vec<(Spanned<String>, bool)>,
    /// `extends`: (file relative to the repo root or this file, service).
    pub extends: Option<(String, String)>,
    pub command: Vec<Spanned<String>>,
    pub entrypoint: Vec<Spanned<String>>,
}

impl ComposeService {
    pub fn is_prometheus(&self) -> bool {
        let img = self.image.as_deref().unwrap_or("");
        let name = img.split(['@', ':']).next().unwrap_or(img);
        name.ends_with("prom/prometheus")
            || name.ends_with("prometheus/prometheus")
            || self.command.iter().any(|c| c.value.starts_with("--config.file"))
    }
    pub fn host_network(&self) -> bool {
        self.network_mode.as_deref() == Some("host")
    }
    /// `--config.file`, default `/etc/prometheus/prometheus.yml` (the official image's).
    pub fn config_file(&self) -> String {
        self.flag("--config.file")
            .unwrap_or_else(|| "/etc/prometheus/prometheus.yml".into())
    }
    /// The port Prometheus listens on (`--web.listen-address`, default `:9090`).
    pub fn listen_port(&self) -> u16 {
        self.flag("--web.listen-address")
            .and_then(|a| a.rsplit(':').next().and_then(|p| p.parse().ok()))
            .unwrap_or(9090)
    }
    fn flag(&self, name: &str) -> Option<String> {
        let mut it = self.command.iter();
        while let Some(c) = it.next() {
            if let Some(v) = c.value.strip_prefix(&format!("{name}=")) {
                return Some(v.to_string());
            }
            if c.value == name {
                return it.next().map(|v| v.value.clone());
            }
        }
        None
    }
    /// Every name another container on the Compose network can use for this one.
    pub fn dns_names(&self) -> Vec<&str> {
        let mut v = vec![self.name.value.as_str()];
        v.extend(self.container_name.as_deref());
        v.extend(self.hostname.as_deref());
        v.extend(self.aliases.iter().map(String::as_str));
        v
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigSource {
    File,
    /// `data.prometheus.yml` of a ConfigMap.
    ConfigMap(String),
    /// kube-prometheus-stack `additionalScrapeConfigs`.
    StackValues,
    /// A file named by another config's `scrape_config_files`.
    ScrapeConfigFile,
    /// The `prometheus` chart's own annotation jobs, run because the repository installs the
    /// chart (what references it).
    ChartDefaults(String),
}

/// The workload whose pod mounts a ConfigMap-held config, the container that mounts it and
/// the path it sees the file at.
#[derive(Clone, Debug)]
pub struct PodRun {
    pub workload: WorkloadId,
    pub container: usize,
    pub path: String,
}

/// A duration in milliseconds, as written.
pub type Duration = Spanned<u64>;

#[derive(Clone, Debug)]
pub struct PromConfig {
    pub file: FileId,
    /// The Compose service that runs this config, and the container path it is mounted at.
    pub mounted_by: Option<(usize, String)>,
    /// For a config in a ConfigMap: the Kubernetes pod that mounts it.
    pub run_by_pod: Option<PodRun>,
    pub source: ConfigSource,
    /// The config's document, kept for validation.
    pub root: Node,
    pub scrape_interval: Option<Duration>,
    pub scrape_timeout: Option<Duration>,
    pub rule_files: Vec<Spanned<String>>,
    pub scrape_config_files: Vec<Spanned<String>>,
    /// For `ScrapeConfigFile`: the config that includes it.
    pub parent: Option<usize>,
    /// The program that reads it: Prometheus, or one that takes Prometheus' scrape format in
    /// its own dialect (semantics §14.1), whose files are never validated as Prometheus'.
    pub program: crate::classify::Program,
}

impl PromConfig {
    pub fn interval_ms(&self) -> u64 {
        self.scrape_interval.as_ref().map_or(60_000, |d| d.value)
    }
}

#[derive(Clone, Debug)]
pub enum SdResolution {
    /// Repo files the pattern matches (empty = matches nothing).
    Files(String, Vec<FileId>),
    /// Mounted from a host path outside the repository: cannot be checked.
    Outside(String),
    /// The directory is not mounted into the Prometheus container at all.
    NotMounted {
        dir: String,
        service: String,
    },
    Unknown(String),
}

#[derive(Clone, Debug)]
pub struct FileSd {
    pub pattern: Spanned<String>,
    pub resolution: SdResolution,
}

#[derive(Clone, Debug)]
pub struct Target {
    pub address: Spanned<String>,
    pub labels: Vec<(String, Spanned<String>)>,
    /// The file_sd file it came from; `None` for `static_configs`.
    pub sd_file: Option<FileId>,
    /// For a `dns_sd_configs` name: what is looked up.
    pub dns: Option<TargetDns>,
}

/// A `dns_sd_configs` name, the record type looked up and the `port` for A/AAAA records.
#[derive(Clone, Debug)]
pub struct TargetDns {
    pub name: String,
    pub record: String,
    pub port: Option<u16>,
}

impl Target {
    pub fn label(&self, k: &str) -> Option<&Spanned<String>> {
        self.labels.iter().find(|(lk, _)| lk == k).map(|(_, v)| v)
    }
    pub fn host(&self) -> &str {
        let a = self.address.value.as_str();
        let a = a.split_once("://").map_or(a, |(_, r)| r);
        let a = a.split('/').next().unwrap_or(a);
        match a.rsplit_once(':') {
            Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) => h.trim_start_matches('[').trim_end_matches(']'),
            _ => a,
        }
    }
    pub fn port(&self) -> Option<u16> {
        let a = self.address.value.as_str();
        let a = a.split_once("://").map_or(a, |(_, r)| r);
        let a = a.split('/').next().unwrap_or(a);
        a.rsplit_once(':').and_then(|(_, p)| p.parse().ok())
    }
    /// The byte range of the port inside the address literal, for edits.
    pub fn port_span(&self, sources: &SourceSet) -> Option<Span> {
        let port = self.port()?.to_string();
        let raw = sources.text(self.address.span);
        let at = raw.rfind(&format!(":{port}"))? + 1;
        Some(Span::new(
            self.address.span.file,
            self.address.span.start + at as u32..self.address.span.start + (at + port.len()) as u32,
        ))
    }
}

/// One `relabel_configs` rule.
#[derive(Clone, Debug)]
pub struct Relabel {
    pub source_labels: Vec<String>,
    pub separator: String,
    /// Default `(.*)`.
    pub regex: String,
    pub target_label: Option<String>,
    /// Default `$1`.
    pub replacement: String,
    /// Default `replace`.
    pub action: String,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct KubeSd {
    pub role: Spanned<String>,
    /// `namespaces.names`; `None` = all namespaces.
    pub namespaces: Option<Vec<String>>,
    /// `selectors` (label/field selectors), `api_server` or `kubeconfig_file`: which objects it
    /// sees is not evaluated, so its targets are unknown.
    pub unevaluated: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Job {
    pub config: usize,
    pub name: Spanned<String>,
    /// The job's mapping in `scrape_configs`.
    pub span: Span,
    pub metrics_path: Option<Spanned<String>>,
    pub scheme: Option<Spanned<String>>,
    pub targets: Vec<Target>,
    pub file_sd: Vec<FileSd>,
    pub kubernetes_sd: bool,
    pub kube_sd: Vec<KubeSd>,
    pub relabel: Vec<Relabel>,
    pub scrape_interval: Option<Duration>,
    pub scrape_timeout: Option<Duration>,
    /// `eureka_sd_configs` and `consul_sd_configs` (their `dns_sd_configs` names are targets).
    pub registry_sd: Vec<super::discovery::RegistrySd>,
    /// Service discoveries other than static, file, kubernetes, registries and DNS: targets
    /// unknown here.
    pub other_sd: Vec<String>,
    /// `basic_auth`, `authorization`, `oauth2`, `bearer_token` or `bearer_token_file`: the
    /// job sends credentials (Prometheus `scrape_config`).
    pub credentials: Option<Span>,
}

impl Job {
    pub fn path(&self) -> &str {
        self.metrics_path.as_ref().map_or("/metrics", |p| p.value.as_str())
    }
    pub fn scheme(&self) -> &str {
        self.scheme.as_ref().map_or("http", |s| s.value.as_str())
    }
}

/// Prometheus durations: `1h30m`, `15s`, `500ms`, units y w d h m s ms, no bare numbers.
pub fn parse_duration(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if s == "0" {
        return Some(0);
    }
    let mut total: u64 = 0;
    let mut rest = s;
    let units: [(&str, u64); 7] = [
        ("ms", 1),
        ("y", 365 * 24 * 3_600_000),
        ("w", 7 * 24 * 3_600_000),
        ("d", 24 * 3_600_000),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1000),
    ];
    while !rest.is_empty() {
        let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        let n: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let (u, mult) = units.iter().find(|(u, _)| rest.starts_with(u))?;
        total = total.checked_add(n.checked_mul(*mult)?)?;
        rest = &rest[u.len()..];
    }
    Some(total)
}

pub fn format_duration(ms: u64) -> String {
    if ms % 60_000 == 0 && ms > 0 {
        format!("{}m", ms / 60_000)
    } else if ms % 1000 == 0 {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

fn duration(n: Option<&Node>) -> Option<Duration> {
    let n = n?;
    Some(Spanned::new(parse_duration(n.as_str()?)?, n.span))
}

fn port_mapping(node: &Node) -> Option<PortMapping> {
    if node.is_map() {
        return Some(PortMapping {
            host: node.at("published").as_str().and_then(|p| p.parse().ok()),
            container: node.at("target").as_str()?.parse().ok()?,
            span: node.span,
        });
    }
    let s = node.as_str()?;
    let s = s.split('/').next().unwrap_or(s);
    let parts: Vec<&str> = s.rsplitn(3, ':').collect();
    let container = parts.first()?.split('-').next()?.parse().ok()?;
    let host = parts.get(1).and_then(|h| h.split('-').next()?.parse().ok());
    Some(PortMapping {
        host,
        container,
        span: node.span,
    })
}

pub fn read_compose(root: &Node, path: &str, out: &mut Vec<ComposeService>) {
    let dir = parent_dir(path);
    for (k, svc) in root.at("services").as_map() {
        let Some(name) = k.as_string() else { continue };
        let aliases = svc
            .at("networks")
            .as_map()
            .iter()
            .flat_map(|(_, n)| n.at("aliases").as_seq().iter().filter_map(|a| a.as_string()))
            .collect();
        out.push(ComposeService {
            name: Spanned::new(name, k.span),
            container_name: svc.at("container_name").as_string(),
            hostname: svc.at("hostname").as_string(),
            aliases,
            image: svc.at("image").as_string(),
            build_context: compose_build(svc.at("build"), dir),
            build_dockerfile: svc.at("build").at("dockerfile").as_string(),
            project: dir.to_string(),
            volumes: svc.at("volumes").as_seq().iter().filter_map(|v| volume(v, dir)).collect(),
            ports: svc.at("ports").as_seq().iter().filter_map(port_mapping).collect(),
            network_mode: svc.at("network_mode").as_string(),
            file: root.file(),
            environment: compose_environment(svc.at("environment")),
            env_files: compose_env_files(svc.at("env_file"), dir),
            extends: compose_extends(svc.at("extends"), path),
            command: compose_words(svc.at("command")),
            entrypoint: compose_words(svc.at("entrypoint")),
        });
    }
}

fn labels_of(node: &Node) -> Vec<(String, Spanned<String>)> {
    node.as_map()
        .iter()
        .filter_map(|(k, v)| Some((k.as_string()?, Spanned::new(v.as_string().unwrap_or_default(), v.span))))
        .collect()
}

fn target_groups(root: &Node, sd_file: Option<FileId>) -> Vec<Target> {
    let mut out = Vec::new();
    for group in root.as_seq() {
        let labels = labels_of(group.at("labels"));
        for t in group.at("targets").as_seq() {
            if let Some(addr) = t.as_string() {
                out.push(Target {
                    address: Spanned::new(addr, t.span),
                    labels: labels.clone(),
                    sd_file,
                    dns: None,
                });
            }
        }
    }
    out
}

fn relabel(n: &Node) -> Relabel {
    Relabel {
        source_labels: n.at("source_labels").strings().into_iter().map(|s| s.value).collect(),
        separator: n.at("separator").as_string().unwrap_or_else(|| ";".into()),
        regex: n.at("regex").as_string().unwrap_or_else(|| "(.*)".into()),
        target_label: n.at("target_label").as_string(),
        replacement: n.at("replacement").as_string().unwrap_or_else(|| "$1".into()),
        action: n.at("action").as_string().unwrap_or_else(|| "replace".into()).to_ascii_lowercase(),
        span: n.span,
    }
}

/// Reads a config document (`global`, `rule_files`, `scrape_config_files`).
pub fn read_config(root: &Node, source: ConfigSource) -> PromConfig {
    let g = root.at("global");
    PromConfig {
        file: root.file(),
        mounted_by: None,
        run_by_pod: None,
        source,
        root: root.clone(),
        scrape_interval: duration(g.get("scrape_interval")),
        scrape_timeout: duration(g.get("scrape_timeout")),
        rule_files: root.at("rule_files").strings(),
        scrape_config_files: root.at("scrape_config_files").strings(),
        parent: None,
        program: crate::classify::Program::Prometheus,
    }
}

/// Reads the jobs of a `scrape_configs` list.
pub fn read_jobs(list: &Node, config: usize, out: &mut IdVec<JobId, Job>) {
    for job in list.as_seq() {
        let Some((k, v)) = job.entry("job_name") else { continue };
        let name = Spanned::new(v.as_string().unwrap_or_default(), Span::new(k.span.file, k.span.start..v.span.end));
        let string = |key: &str| job.get(key).and_then(|n| n.spanned_string());
        let file_sd = job
            .at("file_sd_configs")
            .as_seq()
            .iter()
            .flat_map(|c| c.at("files").as_seq().iter())
            .filter_map(|f| {
                Some(FileSd {
                    pattern: f.spanned_string()?,
                    resolution: SdResolution::Unknown("not resolved".into()),
                })
            })
            .collect();
        let kube_sd = job
            .at("kubernetes_sd_configs")
            .as_seq()
            .iter()
            .filter_map(|c| {
                let ns = c.at("namespaces");
                let unevaluated = ["selectors", "api_server", "kubeconfig_file"]
                    .iter()
                    .find(|k| c.get(k).is_some_and(|v| !v.is_null()))
                    .map(|k| format!("its `{k}` is not evaluated"));
                Some(KubeSd {
                    role: c.at("role").spanned_string()?,
                    namespaces: ns.get("names").map(|n| n.as_seq().iter().filter_map(|x| x.as_string()).collect()),
                    unevaluated,
                })
            })
            .collect();
        let other_sd = job
            .as_map()
            .iter()
            .filter_map(|(k, _)| k.as_str())
            .filter(|k| {
                k.ends_with("_sd_configs")
                    && !matches!(
                        *k,
                        "file_sd_configs" | "kubernetes_sd_configs" | "eureka_sd_configs" | "consul_sd_configs" | "dns_sd_configs"
                    )
            })
            .map(str::to_string)
            .collect();
        let mut targets = target_groups(job.at("static_configs"), None);
        targets.extend(super::discovery::dns_targets(job));
        out.push(Job {
            config,
            name,
            span: job.span,
            metrics_path: string("metrics_path"),
            scheme: string("scheme"),
            targets,
            file_sd,
            kubernetes_sd: job.get("kubernetes_sd_configs").is_some(),
            kube_sd,
            relabel: job.at("relabel_configs").as_seq().iter().map(relabel).collect(),
            scrape_interval: duration(job.get("scrape_interval")),
            scrape_timeout: duration(job.get("scrape_timeout")),
            registry_sd: super::discovery::registry_sd(job),
            other_sd,
            credentials: ["basic_auth", "authorization", "oauth2", "bearer_token", "bearer_token_file"]
                .iter()
                .find_map(|k| job.entry_span(k)),
        });
    }
}

/// Finds the Compose service that mounts `config_path` and the container path it sees there.
/// A Prometheus service is preferred; its `--config.file` must be the mounted path.
pub fn find_mount(compose: &[ComposeService], config_path: &str) -> Option<(usize, String)> {
    let mut found: Option<(usize, String)> = None;
    for (i, svc) in compose.iter().enumerate() {
        for v in &svc.volumes {
            let Some(rp) = &v.repo_path else { continue };
            let seen = if rp == config_path {
                Some(v.target.clone())
            } else {
                config_path
                    .strip_prefix(&format!("{rp}/"))
                    .map(|rest| format!("{}/{rest}", v.target.trim_end_matches('/')))
            };
            if let Some(p) = seen {
                let better = svc.is_prometheus() && found.as_ref().is_none_or(|(j, _)| !compose[*j].is_prometheus());
                if found.is_none() || better {
                    found = Some((i, p));
                }
            }
        }
    }
    found
}

/// What a container path of a Compose service is, seen from the repository.
pub enum ContainerPath {
    Repo(String),
    Outside(String),
    NotMounted,
}

pub fn container_to_repo(svc: &ComposeService, container_path: &str) -> ContainerPath {
    let best = svc
        .volumes
        .iter()
        .filter(|v| container_path == v.target || container_path.starts_with(&format!("{}/", v.target.trim_end_matches('/'))))
        .max_by_key(|v| v.target.len());
    match best {
        None => ContainerPath::NotMounted,
        Some(v) => match &v.repo_path {
            None => ContainerPath::Outside(v.source.clone()),
            Some(rp) => {
                let rest = &container_path[v.target.trim_end_matches('/').len()..];
                ContainerPath::Repo(normalize_path(&format!("{rp}{rest}")).unwrap_or_default())
            }
        },
    }
}

/// Maps a path written in a config (file_sd `files`, `rule_files`, `scrape_config_files`) to
/// repository files: relative paths are relative to the config file; inside a Compose
/// container, through its volumes.
pub fn resolve_pattern(pattern: &str, cfg: &PromConfig, compose: &[ComposeService], sources: &SourceSet) -> SdResolution {
    if cfg.source != ConfigSource::File && cfg.source != ConfigSource::ScrapeConfigFile {
        return SdResolution::Unknown("the config is not a file in the repository, so its relative paths cannot be followed".into());
    }
    let config_path = sources.path(cfg.file);
    let repo_pattern = if let Some((svc, config_target)) = &cfg.mounted_by {
        let container_path = if pattern.starts_with('/') {
            pattern.to_string()
        } else {
            format!("{}/{pattern}", parent_dir(config_target))
        };
        match container_to_repo(&compose[*svc], &container_path) {
            ContainerPath::NotMounted => {
                return SdResolution::NotMounted {
                    dir: parent_dir(&container_path).to_string(),
                    service: compose[*svc].name.value.clone(),
                }
            }
            ContainerPath::Outside(src) => return SdResolution::Outside(src),
            ContainerPath::Repo(p) => p,
        }
    } else if pattern.starts_with('/') {
        return SdResolution::Unknown("an absolute path, and no Compose file in the repository mounts the config".into());
    } else {
        match join_path(parent_dir(config_path), pattern) {
            Some(p) => p,
            None => return SdResolution::Outside(pattern.to_string()),
        }
    };
    let (dir, name_glob) = match repo_pattern.rsplit_once('/') {
        Some((d, n)) => (d.to_string(), n.to_string()),
        None => (String::new(), repo_pattern.clone()),
    };
    let Ok(glob) = globset::GlobBuilder::new(&name_glob).literal_separator(true).build() else {
        return SdResolution::Unknown(format!("invalid pattern `{pattern}`"));
    };
    let m = glob.compile_matcher();
    let files = sources
        .iter()
        .filter(|(_, f)| parent_dir(&f.path) == dir && m.is_match(f.path.rsplit('/').next().unwrap_or("")))
        .map(|(id, _)| id)
        .collect();
    SdResolution::Files(repo_pattern, files)
}

/// Targets of a file_sd file (JSON or YAML list of target groups).
pub fn file_sd_targets(parsed: &Parsed, file: FileId) -> Vec<Target> {
    parsed.yaml_roots().flat_map(|r| target_groups(r, Some(file))).collect()
}

/// One Compose `environment` entry.
#[derive(Clone, Debug)]
pub struct ComposeEnv {
    pub name: String,
    pub value: Option<String>,
    pub span: Span,
    pub value_span: Span,
}

fn compose_environment(n: &Node) -> Vec<ComposeEnv> {
    if n.is_seq() {
        return n
            .as_seq()
            .iter()
            .filter_map(|e| {
                let raw = e.as_string()?;
                let span = e.span;
                Some(match raw.split_once('=') {
                    Some((k, v)) => {
                        // The value starts after `KEY=` in the scalar (plus a quote if quoted).
                        let quote = u32::from(quoted(e));
                        let start = (e.span.start + quote + k.len() as u32 + 1).min(e.span.end);
                        ComposeEnv {
                            name: k.trim().to_string(),
                            value: Some(v.to_string()),
                            span,
                            value_span: Span::new(e.file(), start..e.span.end.saturating_sub(quote).max(start)),
                        }
                    }
                    None => ComposeEnv {
                        name: raw.trim().to_string(),
                        value: None,
                        span,
                        value_span: span,
                    },
                })
            })
            .collect();
    }
    n.as_map()
        .iter()
        .filter_map(|(k, v)| {
            Some(ComposeEnv {
                name: k.as_string()?,
                value: (!v.is_null()).then(|| v.as_string().unwrap_or_default()),
                span: Span::new(k.file(), k.span.start..v.span.end.max(k.span.end)),
                value_span: if v.is_null() { k.span } else { v.span },
            })
        })
        .collect()
}

/// Whether a scalar node is quoted (its span then includes the quotes).
fn quoted(n: &Node) -> bool {
    use crate::parse::yaml::Style;
    n.style().is_some_and(|s| matches!(s, Style::SingleQuoted | Style::DoubleQuoted))
}

fn compose_env_files(n: &Node, dir: &str) -> Vec<(Spanned<String>, bool)> {
    let one = |e: &Node| -> Option<(Spanned<String>, bool)> {
        let (path_node, required) = match e.get("path") {
            Some(p) => (p, e.at("required").as_bool() != Some(false)),
            None => (e, true),
        };
        let rel = path_node.as_string()?;
        let full = if rel.starts_with('/') { None } else { join_path(dir, &rel) };
        Some((Spanned::new(full.unwrap_or(rel), path_node.span), required))
    };
    if n.is_seq() {
        n.as_seq().iter().filter_map(one).collect()
    } else {
        n.as_str().and_then(|_| one(n)).into_iter().collect()
    }
}

fn compose_build(n: &Node, dir: &str) -> Option<String> {
    let ctx = match n.as_str() {
        Some(s) => s.to_string(),
        None if n.is_map() => n.at("context").as_string().unwrap_or_else(|| ".".into()),
        None => return None,
    };
    if ctx.contains("://") || ctx.starts_with('/') {
        return None;
    }
    join_path(dir, &ctx)
}

fn compose_extends(n: &Node, path: &str) -> Option<(String, String)> {
    let service = n.at("service").as_string().or_else(|| n.as_string())?;
    let file = match n.at("file").as_string() {
        Some(f) => join_path(parent_dir(path), &f)?,
        None => path.to_string(),
    };
    Some((file, service))
}

/// `command`/`entrypoint`: a list, or a string split on whitespace (as Compose does for
/// the exec form; quoting inside the string is rare for Spring arguments).
fn compose_words(n: &Node) -> Vec<Spanned<String>> {
    if let Some(s) = n.as_str() {
        return s.split_whitespace().map(|w| Spanned::new(w.to_string(), n.span)).collect();
    }
    n.as_seq().iter().filter_map(|w| w.spanned_string()).collect()
}

/// `^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$` (file_sd) and `^[^*]*(\*[^/]*)?$`
/// (rule and scrape config files): `*` only in the last path segment.
pub fn valid_pattern(p: &str, file_sd: bool) -> bool {
    let star_ok = match p.find('*') {
        None => true,
        Some(i) => !p[i + 1..].contains('*') && !p[i..].contains('/'),
    };
    if !star_ok {
        return false;
    }
    if !file_sd {
        return true;
    }
    [".json", ".yml", ".yaml", ".JSON", ".YML", ".YAML"].iter().any(|e| p.ends_with(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("15s"), Some(15_000));
        assert_eq!(parse_duration("1m30s"), Some(90_000));
        assert_eq!(parse_duration("500ms"), Some(500));
        assert_eq!(parse_duration("10"), None);
        assert_eq!(parse_duration("5x"), None);
        assert_eq!(format_duration(90_000), "90s");
        assert_eq!(format_duration(120_000), "2m");
    }

    #[test]
    fn target_host_and_port() {
        let t = Target {
            address: Spanned::new("order-service.shop.svc:8080".into(), Span::empty(FileId(0), 0)),
            labels: vec![],
            sd_file: None,
            dns: None,
        };
        assert_eq!(t.host(), "order-service.shop.svc");
        assert_eq!(t.port(), Some(8080));
        let t = Target {
            address: Spanned::new("app:8080/actuator/prometheus".into(), Span::empty(FileId(0), 0)),
            ..t
        };
        assert_eq!(t.host(), "app");
        assert_eq!(t.port(), Some(8080));
    }
}
