//! Prometheus configuration (`scrape_configs`), Docker Compose services and their volumes,
//! and scrape targets from `static_configs` and `file_sd_configs` (semantics §7).

use crate::parse::yaml::{Document, Node};
use crate::parse::Parsed;
use crate::source::{FileId, SourceSet, Span, Spanned};

#[derive(Clone, Debug)]
pub struct Volume {
    pub source: String,
    pub target: String,
    /// Repo-relative path of a bind-mount source inside the repo.
    pub repo_path: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ComposeService {
    pub name: Spanned<String>,
    pub container_name: Option<String>,
    pub image: Option<String>,
    pub volumes: Vec<Volume>,
    pub file: FileId,
    /// `environment` entries; `None` value = passed through from the host (unknown).
    pub environment: Vec<ComposeEnv>,
    /// `env_file` paths, relative to the repo root (normalised), with `required`.
    pub env_files: Vec<(Spanned<String>, bool)>,
    /// `build` context, relative to the repo root.
    pub build_context: Option<String>,
    /// `extends`: (file relative to the repo root or this file, service).
    pub extends: Option<(String, String)>,
    pub command: Vec<Spanned<String>>,
    pub entrypoint: Vec<Spanned<String>>,
}

#[derive(Clone, Debug)]
pub struct PromConfig {
    pub file: FileId,
    /// The Compose service that runs this config, and the container path it is mounted at.
    pub mounted_by: Option<(usize, String)>,
}

#[derive(Clone, Debug)]
pub enum SdResolution {
    /// Repo files the pattern matches (empty = matches nothing).
    Files(String, Vec<FileId>),
    /// Mounted from a host path outside the repository: cannot be checked.
    Outside(String),
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
}

impl Target {
    pub fn label(&self, k: &str) -> Option<&Spanned<String>> {
        self.labels.iter().find(|(lk, _)| lk == k).map(|(_, v)| v)
    }
    pub fn host(&self) -> &str {
        let a = self.address.value.as_str();
        match a.rsplit_once(':') {
            Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) => h,
            _ => a,
        }
    }
    pub fn port(&self) -> Option<u16> {
        self.address.value.rsplit_once(':').and_then(|(_, p)| p.parse().ok())
    }
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
}

impl Job {
    pub fn path(&self) -> &str {
        self.metrics_path.as_ref().map_or("/metrics", |p| p.value.as_str())
    }
}

/// Normalises `a/./b/../c` and reports escapes above the root as `None`.
pub fn normalize(path: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            s => out.push(s),
        }
    }
    Some(out.join("/"))
}

fn join(dir: &str, rel: &str) -> Option<String> {
    if dir.is_empty() {
        normalize(rel)
    } else {
        normalize(&format!("{dir}/{rel}"))
    }
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

fn volume(node: &Node, file: FileId, compose_dir: &str) -> Option<Volume> {
    let (source, target) = if let Some(s) = node.as_str() {
        let mut parts = s.splitn(3, ':');
        let src = parts.next()?.to_string();
        let dst = parts.next()?.to_string();
        (src, dst)
    } else {
        (node.at("source").as_string()?, node.at("target").as_string()?)
    };
    // Named volumes have no path; only relative bind mounts point into the repo.
    let repo_path = if source.starts_with("./") || source.starts_with("../") || source == "." {
        join(compose_dir, &source)
    } else {
        None
    };
    Some(Volume {
        source,
        target,
        repo_path,
        span: Span::new(file, node.span.clone()),
    })
}

pub fn read_compose(doc: &Document, file: FileId, path: &str, out: &mut Vec<ComposeService>) {
    let dir = parent(path);
    for (k, svc) in doc.root.at("services").as_map() {
        let Some(name) = k.as_string() else { continue };
        out.push(ComposeService {
            name: Spanned::new(name, Span::new(file, k.span.clone())),
            container_name: svc.at("container_name").as_string(),
            image: svc.at("image").as_string(),
            volumes: svc.at("volumes").as_seq().iter().filter_map(|v| volume(v, file, dir)).collect(),
            file,
            environment: compose_environment(svc.at("environment"), file),
            env_files: compose_env_files(svc.at("env_file"), file, dir),
            build_context: compose_build(svc.at("build"), dir),
            extends: compose_extends(svc.at("extends"), path),
            command: compose_words(svc.at("command"), file),
            entrypoint: compose_words(svc.at("entrypoint"), file),
        });
    }
}

pub fn is_compose_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    (name.starts_with("docker-compose") || name.starts_with("compose")) && (name.ends_with(".yml") || name.ends_with(".yaml"))
}

fn labels_of(node: &Node, file: FileId) -> Vec<(String, Spanned<String>)> {
    node.as_map()
        .iter()
        .filter_map(|(k, v)| {
            Some((
                k.as_string()?,
                Spanned::new(v.as_string().unwrap_or_default(), Span::new(file, v.span.clone())),
            ))
        })
        .collect()
}

fn target_groups(root: &Node, file: FileId) -> Vec<Target> {
    let mut out = Vec::new();
    for group in root.as_seq() {
        let labels = labels_of(group.at("labels"), file);
        for t in group.at("targets").as_seq() {
            if let Some(addr) = t.as_string() {
                out.push(Target {
                    address: Spanned::new(addr, Span::new(file, t.span.clone())),
                    labels: labels.clone(),
                });
            }
        }
    }
    out
}

/// Reads `scrape_configs` of one Prometheus config document.
pub fn read_jobs(doc: &Document, config: usize, file: FileId, out: &mut Vec<Job>) {
    for job in doc.root.at("scrape_configs").as_seq() {
        let Some((k, v)) = job.entry("job_name") else { continue };
        let name = Spanned::new(v.as_string().unwrap_or_default(), Span::new(file, k.span.start..v.span.end));
        let mut targets = target_groups(job.at("static_configs"), file);
        targets.iter_mut().for_each(|_| {});
        let file_sd = job
            .at("file_sd_configs")
            .as_seq()
            .iter()
            .flat_map(|c| c.at("files").as_seq().iter())
            .filter_map(|f| {
                Some(FileSd {
                    pattern: Spanned::new(f.as_string()?, Span::new(file, f.span.clone())),
                    resolution: SdResolution::Unknown("not resolved".into()),
                })
            })
            .collect();
        let string = |key: &str| {
            job.get(key)
                .and_then(|n| n.as_string().map(|s| Spanned::new(s, Span::new(file, n.span.clone()))))
        };
        out.push(Job {
            config,
            name,
            span: Span::new(file, job.span.clone()),
            metrics_path: string("metrics_path"),
            scheme: string("scheme"),
            targets: std::mem::take(&mut targets),
            file_sd,
            kubernetes_sd: job.get("kubernetes_sd_configs").is_some(),
        });
    }
}

/// Finds the Compose service that mounts `config_path` and the container path it sees.
pub fn find_mount(compose: &[ComposeService], config_path: &str) -> Option<(usize, String)> {
    for (i, svc) in compose.iter().enumerate() {
        for v in &svc.volumes {
            let Some(rp) = &v.repo_path else { continue };
            if rp == config_path {
                return Some((i, v.target.clone()));
            }
            if let Some(rest) = config_path.strip_prefix(&format!("{rp}/")) {
                return Some((i, format!("{}/{rest}", v.target.trim_end_matches('/'))));
            }
        }
    }
    None
}

/// Maps a `file_sd` pattern (a path inside the Prometheus container) back to repo files.
pub fn resolve_file_sd(
    pattern: &str,
    config_path: &str,
    mount: Option<&(usize, String)>,
    compose: &[ComposeService],
    sources: &SourceSet,
) -> SdResolution {
    let repo_pattern = if let Some((svc, config_target)) = mount {
        let container_path = if pattern.starts_with('/') {
            pattern.to_string()
        } else {
            format!("{}/{pattern}", parent(config_target))
        };
        // The longest volume target that contains the pattern decides.
        let best = compose[*svc]
            .volumes
            .iter()
            .filter(|v| container_path == v.target || container_path.starts_with(&format!("{}/", v.target.trim_end_matches('/'))))
            .max_by_key(|v| v.target.len());
        match best {
            None => {
                return SdResolution::Unknown(format!(
                    "`{}` is not mounted into the `{}` container",
                    parent(&container_path),
                    compose[*svc].name.value
                ))
            }
            Some(v) => match &v.repo_path {
                None => return SdResolution::Outside(v.source.clone()),
                Some(rp) => {
                    let rest = &container_path[v.target.trim_end_matches('/').len()..];
                    format!("{rp}{rest}")
                }
            },
        }
    } else if pattern.starts_with('/') {
        return SdResolution::Unknown("absolute path and no Compose file mounts the config".into());
    } else {
        match join(parent(config_path), pattern) {
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
        .filter(|(_, f)| parent(&f.path) == dir && m.is_match(f.path.rsplit('/').next().unwrap_or("")))
        .map(|(id, _)| id)
        .collect();
    SdResolution::Files(repo_pattern, files)
}

/// Targets of a file_sd file (JSON or YAML list of target groups).
pub fn file_sd_targets(parsed: &Parsed, file: FileId) -> Vec<Target> {
    match parsed {
        Parsed::Yaml(docs) => docs.iter().flat_map(|d| target_groups(&d.root, file)).collect(),
        _ => vec![],
    }
}

/// One Compose `environment` entry.
#[derive(Clone, Debug)]
pub struct ComposeEnv {
    pub name: String,
    pub value: Option<String>,
    pub span: Span,
    pub value_span: Span,
}

fn compose_environment(n: &Node, file: FileId) -> Vec<ComposeEnv> {
    if n.is_seq() {
        return n
            .as_seq()
            .iter()
            .filter_map(|e| {
                let raw = e.as_string()?;
                let span = Span::new(file, e.span.clone());
                Some(match raw.split_once('=') {
                    Some((k, v)) => {
                        // The value starts after `KEY=` in the scalar (plus a quote if quoted).
                        let quote = u32::from(matches!(sources_quote(e), Some(true)));
                        let start = (e.span.start + quote + k.len() as u32 + 1).min(e.span.end);
                        ComposeEnv {
                            name: k.trim().to_string(),
                            value: Some(v.to_string()),
                            span,
                            value_span: Span::new(file, start..e.span.end.saturating_sub(quote).max(start)),
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
                span: Span::new(file, k.span.start..v.span.end.max(k.span.end)),
                value_span: Span::new(file, if v.is_null() { k.span.clone() } else { v.span.clone() }),
            })
        })
        .collect()
}

/// Whether a scalar node is quoted (its span then includes the quotes).
fn sources_quote(n: &Node) -> Option<bool> {
    use crate::parse::yaml::Style;
    n.style().map(|s| matches!(s, Style::SingleQuoted | Style::DoubleQuoted))
}

fn compose_env_files(n: &Node, file: FileId, dir: &str) -> Vec<(Spanned<String>, bool)> {
    let one = |e: &Node| -> Option<(Spanned<String>, bool)> {
        let (path_node, required) = match e.get("path") {
            Some(p) => (p, e.at("required").as_bool() != Some(false)),
            None => (e, true),
        };
        let rel = path_node.as_string()?;
        let full = if rel.starts_with('/') { None } else { join(dir, &rel) };
        Some((Spanned::new(full.unwrap_or(rel), Span::new(file, path_node.span.clone())), required))
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
    join(dir, &ctx)
}

fn compose_extends(n: &Node, path: &str) -> Option<(String, String)> {
    let service = n.at("service").as_string().or_else(|| n.as_string())?;
    let file = match n.at("file").as_string() {
        Some(f) => join(parent(path), &f)?,
        None => path.to_string(),
    };
    Some((file, service))
}

/// `command`/`entrypoint`: a list, or a string split on whitespace (as Compose does for
/// the exec form; quoting inside the string is rare for Spring arguments).
fn compose_words(n: &Node, file: FileId) -> Vec<Spanned<String>> {
    if let Some(s) = n.as_str() {
        let span = Span::new(file, n.span.clone());
        return s.split_whitespace().map(|w| Spanned::new(w.to_string(), span)).collect();
    }
    n.as_seq()
        .iter()
        .filter_map(|w| w.as_string().map(|s| Spanned::new(s, Span::new(file, w.span.clone()))))
        .collect()
}
