//! Which program reads each loaded file, decided before anything is parsed (issue 13): from
//! path conventions, a cheap look at the text (`sniff`) and, for files that only a reference
//! explains (a kustomization's resources, a Compose bind mount), from what references them.
//!
//! Only files with a role are parsed, so only they can be a `parse-error`: a repository is
//! full of YAML and JSON read by programs this tool does not model (CI workflows, editor
//! settings, OpenAPI documents, test fixtures), and none of it is ours to judge.

pub mod configrepo;
pub mod programs;
pub mod sniff;

use crate::file_kind::FileKind;
use crate::source::{FileId, SourceSet};
pub use programs::Program;
pub use sniff::Template;

/// What a file is read as.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Role {
    GradleSettings,
    GradleBuild,
    GradleProperties,
    VersionCatalog,
    MavenPom,
    JvmSource,
    SpringConfig,
    Dockerfile,
    EnvFile,
    BootLog,
    BootMetrics,
    LintConfig,
    /// `--manifests`: rendered output.
    RenderedManifests,
    Manifests,
    Kustomization,
    /// A file a kustomization lists (resources, patches).
    KustomizeResource,
    HelmChart,
    HelmValues,
    HelmTemplate,
    Helmfile,
    Compose,
    FileSd,
    /// A configuration of a monitoring program (Prometheus itself, or another, §14).
    Program(Program),
}

impl Role {
    pub fn describe(self) -> String {
        match self {
            Role::GradleSettings => "Gradle settings".into(),
            Role::GradleBuild => "Gradle build script".into(),
            Role::GradleProperties => "Gradle properties".into(),
            Role::VersionCatalog => "Gradle version catalog".into(),
            Role::MavenPom => "Maven POM".into(),
            Role::JvmSource => "JVM source".into(),
            Role::SpringConfig => "Spring Boot configuration".into(),
            Role::Dockerfile => "Dockerfile".into(),
            Role::EnvFile => "env file".into(),
            Role::BootLog => "boot log".into(),
            Role::BootMetrics => "boot metrics dump".into(),
            Role::LintConfig => "actuator-lint configuration".into(),
            Role::RenderedManifests => "rendered Kubernetes manifests".into(),
            Role::Manifests => "Kubernetes manifests".into(),
            Role::Kustomization => "kustomization".into(),
            Role::KustomizeResource => "kustomize resource".into(),
            Role::HelmChart => "Helm chart".into(),
            Role::HelmValues => "Helm values".into(),
            Role::HelmTemplate => "Helm template".into(),
            Role::Helmfile => "helmfile".into(),
            Role::Compose => "Compose file".into(),
            Role::FileSd => "Prometheus file_sd targets".into(),
            Role::Program(Program::Prometheus) => "Prometheus configuration".into(),
            Role::Program(p) if p.scrapes_metrics() => format!("{} configuration (scrape jobs read in its dialect)", p.name()),
            Role::Program(p) => format!("{} configuration (recognised, not read)", p.name()),
        }
    }

    /// Whether the file is parsed at all. Other programs' files are only recognised, except
    /// where their scrape jobs are metrics scrapes.
    pub fn parsed(self) -> bool {
        match self {
            Role::Program(p) => p.scrapes_metrics(),
            _ => true,
        }
    }
}

/// A file's role and why; `role: None` = read by no program this tool models.
#[derive(Clone, Debug)]
pub struct Assigned {
    pub role: Option<Role>,
    pub reason: String,
    /// Template syntax in the file: a parse failure there is unknown, not an error.
    pub template: Option<Template>,
}

impl Assigned {
    pub fn new(role: Role, reason: impl Into<String>) -> Assigned {
        Assigned {
            role: Some(role),
            reason: reason.into(),
            template: None,
        }
    }
    fn none(reason: &str) -> Assigned {
        Assigned {
            role: None,
            reason: reason.into(),
            template: None,
        }
    }
}

/// Roles by `FileId`.
#[derive(Clone, Debug, Default)]
pub struct Roles(pub Vec<Assigned>);

impl Roles {
    pub fn get(&self, id: FileId) -> &Assigned {
        &self.0[id.0 as usize]
    }
    pub fn role(&self, id: FileId) -> Option<Role> {
        self.0.get(id.0 as usize).and_then(|a| a.role)
    }
    pub fn program(&self, id: FileId) -> Option<Program> {
        match self.role(id) {
            Some(Role::Program(p)) => Some(p),
            _ => None,
        }
    }
}

/// Without references: by path and content. `by_reference` completes it once the files that
/// reference others are parsed.
pub fn classify(sources: &SourceSet) -> Roles {
    let names = spring_config_names(sources);
    let imports = spring_imports(sources);
    let served = config_server_files(sources);
    Roles(
        sources
            .iter()
            .map(|(_, f)| {
                let imported = (matches!(f.kind, FileKind::Yaml) && !in_tests(&f.path))
                    .then(|| imports.iter().find(|(dir, stem, _)| imported_as(&f.path, dir, stem)))
                    .flatten();
                match imported {
                    Some((_, _, by)) => Assigned::new(Role::SpringConfig, format!("imported by `spring.config.import` in `{by}`")),
                    None => match served.get(f.path.as_str()) {
                        Some(by) => Assigned::new(Role::SpringConfig, format!("served by the Config Server configured in `{by}`")),
                        None => one(&f.path, f.kind, &f.text, &names),
                    },
                }
            })
            .collect(),
    )
}

/// YAML files in the directories a Config Server's config names (`configrepo`), by path,
/// with the server config file that names them.
fn config_server_files(sources: &SourceSet) -> std::collections::BTreeMap<&str, String> {
    let mut out = std::collections::BTreeMap::new();
    let servers: Vec<(&str, &str, Vec<String>)> = sources
        .iter()
        .filter(|(_, f)| f.kind == FileKind::SpringConfig && !in_tests(&f.path))
        .filter_map(|(_, f)| {
            let i = f.path.find("src/main/resources/")?;
            let locs = configrepo::scan(&f.text);
            (!locs.is_empty()).then(|| (f.path[..i].trim_end_matches('/'), f.path.as_str(), locs))
        })
        .collect();
    if servers.is_empty() {
        return out;
    }
    let dirs: std::collections::BTreeSet<&str> = sources
        .iter()
        .flat_map(|(_, f)| f.path.match_indices('/').map(|(i, _)| &f.path[..i]))
        .collect();
    let is_dir = |d: &str| dirs.contains(d);
    for (module, by, locs) in servers {
        for loc in locs {
            let Some(l) = configrepo::resolve(module, &loc, &is_dir) else {
                continue;
            };
            let readable = |k: FileKind| matches!(k, FileKind::Yaml | FileKind::SpringConfig);
            for (_, f) in sources.iter().filter(|(_, f)| readable(f.kind) && !in_tests(&f.path)) {
                let d = dir_of(&f.path);
                let inside = if l.per_application {
                    d.rsplit_once('/').is_some_and(|(p, _)| p == l.dir)
                } else {
                    d == l.dir
                };
                if inside {
                    out.entry(f.path.as_str()).or_insert_with(|| by.to_string());
                }
            }
        }
    }
    out
}

/// `path` is `dir/stem.ext` or a profile variant `dir/stem-p.ext`.
fn imported_as(path: &str, dir: &str, stem: &str) -> bool {
    let Some((d, name)) = path.rsplit_once('/') else { return false };
    let file_stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    d == dir && (file_stem == stem || file_stem.strip_prefix(stem).is_some_and(|p| p.starts_with('-') && p.len() > 1))
}

/// Files Spring config imports (`spring.config.import`, semantics §18.2), as (directory,
/// stem, importing file), found by a text scan of the module's config for classpath and
/// file locations: enough to give them a role, the model resolves them exactly.
fn spring_imports(sources: &SourceSet) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (_, f) in sources.iter().filter(|(_, f)| f.kind == FileKind::SpringConfig) {
        let Some(i) = f.path.find("src/main/resources/") else { continue };
        let module = f.path[..i].trim_end_matches('/');
        let resources = &f.path[..i + "src/main/resources".len()];
        if !f.text.contains("import") {
            continue;
        }
        let path_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | ':');
        for (at, _) in f.text.match_indices(['.', '/']) {
            let after = &f.text[at..];
            let ext = [".yml", ".yaml", ".properties"]
                .into_iter()
                .find(|e| after.starts_with(e) && !after[e.len()..].starts_with(|c: char| c.is_ascii_alphanumeric()));
            if ext.is_none() {
                continue;
            }
            let start = f.text[..at].rfind(|c: char| !path_char(c)).map_or(0, |p| p + 1);
            let token = &f.text[start..at];
            let (base, rel) = if let Some(r) = token.strip_prefix("optional:").unwrap_or(token).strip_prefix("classpath:") {
                (resources, r)
            } else if let Some(r) = token.strip_prefix("optional:").unwrap_or(token).strip_prefix("file:") {
                (module, r)
            } else if !token.contains(':') {
                (resources, token)
            } else {
                continue;
            };
            let rel = rel.trim_start_matches("./").trim_start_matches('/');
            let full = if base.is_empty() {
                rel.to_string()
            } else {
                format!("{base}/{rel}")
            };
            let Some(norm) = crate::source::normalize_path(&full) else {
                continue;
            };
            let (dir, stem) = norm
                .rsplit_once('/')
                .map_or((String::new(), norm.clone()), |(d, s)| (d.to_string(), s.to_string()));
            if !stem.is_empty() {
                out.push((dir, stem, f.path.clone()));
            }
        }
    }
    out
}

/// Maven/Gradle test sources and resources, and test data directories: read by tests, never
/// deployed, and often invalid on purpose.
pub fn in_tests(path: &str) -> bool {
    let mut prev = "";
    for c in path.split('/') {
        let lower = c.to_ascii_lowercase();
        if (prev == "src" && (lower.contains("test") || lower == "it")) || lower == "testdata" || lower == "__fixtures__" {
            return true;
        }
        prev = c;
    }
    false
}

pub fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

fn one(path: &str, kind: FileKind, text: &str, spring_names: &[String]) -> Assigned {
    let by_name = |role: Role| Assigned::new(role, "by its name");
    match kind {
        FileKind::BootLog { found: false } => return Assigned::new(Role::BootLog, "named with `--boot-log` or `[probes] boot-logs`"),
        FileKind::BootLog { found: true } => {
            return Assigned::new(Role::BootLog, "found: it holds Spring Boot's `Started … in N seconds` line")
        }
        FileKind::BootMetrics { found: false } => return Assigned::new(Role::BootMetrics, "named in `[probes] boot-metrics`"),
        FileKind::BootMetrics { found: true } => {
            return Assigned::new(Role::BootMetrics, "found: it holds `application_started_time_seconds`")
        }
        FileKind::Manifests => return Assigned::new(Role::RenderedManifests, "named with `--manifests`"),
        FileKind::LintConfig => return Assigned::new(Role::LintConfig, "this tool's configuration"),
        _ => {}
    }
    if in_tests(path) {
        return Assigned::none("test sources and resources: read by tests, not deployed");
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    match kind {
        FileKind::GradleSettings { .. } => return by_name(Role::GradleSettings),
        FileKind::GradleBuild { .. } => return by_name(Role::GradleBuild),
        FileKind::GradleProperties => return by_name(Role::GradleProperties),
        FileKind::VersionCatalog => return by_name(Role::VersionCatalog),
        FileKind::MavenPom => return by_name(Role::MavenPom),
        FileKind::JvmSource => return Assigned::new(Role::JvmSource, "source under `src/main`"),
        FileKind::Dockerfile => return by_name(Role::Dockerfile),
        FileKind::EnvFile => return by_name(Role::EnvFile),
        FileKind::SpringConfig if !path.contains("src/main/resources/") && !path.starts_with("src/main/resources") => {
            return Assigned::none("a `.properties` file outside the classpath, read only when a Config Server serves its folder");
        }
        FileKind::SpringConfig => {
            let stem = name.split('.').next().unwrap_or("");
            let reason = if stem.starts_with("application") || stem.starts_with("bootstrap") {
                "Spring Boot's config file name in `src/main/resources`".to_string()
            } else {
                "`.properties` on the classpath, reachable by `spring.config.import`".to_string()
            };
            return Assigned::new(Role::SpringConfig, reason);
        }
        FileKind::Yaml | FileKind::Json => {}
        FileKind::StaticResource => {
            return Assigned::none("a static resource: only its path is read, as a path the application may serve");
        }
        _ if name.ends_with(".alloy") => {
            return Assigned::new(Role::Program(Program::Alloy), "Alloy syntax (`.alloy`)");
        }
        _ => return Assigned::none("not a format this tool reads"),
    }
    // YAML and JSON: by name, then by content.
    let lower = name.to_ascii_lowercase();
    let stem = lower.rsplit_once('.').map_or(lower.as_str(), |(s, _)| s);
    if let Some(n) = spring_names.iter().find(|n| n.as_str() == stem) {
        if dir_of(path).ends_with("src/main/resources") || dir_of(path).ends_with("src/main/resources/config") {
            return Assigned::new(Role::SpringConfig, format!("`spring.config.name` includes `{n}`"));
        }
    }
    let s = sniff::shape(text);
    let mut a = if matches!(name, "kustomization.yaml" | "kustomization.yml" | "Kustomization") {
        by_name(Role::Kustomization)
    } else if name == "Chart.yaml" {
        by_name(Role::HelmChart)
    } else if lower.starts_with("helmfile") && !s.json {
        by_name(Role::Helmfile)
    } else if looks_like_helm_template(path, text) {
        Assigned::new(
            Role::HelmTemplate,
            "Helm template syntax (`{{ … }}` with Helm's objects or in `templates/`)",
        )
    } else if s.has("apiVersion") && s.has("kind") {
        Assigned::new(Role::Manifests, "top-level `apiVersion` and `kind`")
    } else if crate::file_kind::is_compose_file(path) {
        by_name(Role::Compose)
    } else if let Some(p) = programs::by_keys(&s, text) {
        Assigned::new(Role::Program(p), format!("{} keys", p.name()))
    } else if s.sequence && s.has("targets") {
        Assigned::new(Role::FileSd, "a list of `targets` groups")
    } else if s.has("services") && (s.has_any(&["version", "networks", "volumes", "include", "name"]) || text.contains("image:")) {
        Assigned::new(Role::Compose, "top-level `services` with Compose keys")
    } else if lower.starts_with("values") && !s.json {
        Assigned::new(Role::HelmValues, "Helm values file name")
    } else if text.contains("prometheusSpec") || s.has_any(&["serverFiles", "extraScrapeConfigs", "kube-prometheus-stack"]) {
        Assigned::new(Role::HelmValues, "Prometheus chart values keys")
    } else if s.has("prometheus") && s.has_any(&["metricsRelistInterval", "rules"]) && text.contains("url:") {
        Assigned::new(Role::HelmValues, "prometheus-adapter chart values keys")
    } else {
        Assigned::none("YAML or JSON no program this tool models reads")
    };
    if let Some(role) = a.role {
        a.template = sniff::template(text, matches!(role, Role::Manifests | Role::KustomizeResource));
    }
    a
}

/// `{{ … }}` in a chart's `templates/`, or Helm's own objects elsewhere. Alertmanager and
/// PrometheusRule templates (`{{ $labels.pod }}`) are YAML and stay YAML.
pub fn looks_like_helm_template(path: &str, text: &str) -> bool {
    if !(text.contains("{{") && text.contains("}}") && sniff::in_code(text, "{{")) {
        return false;
    }
    path.starts_with("templates/")
        || path.contains("/templates/")
        || [".Values.", ".Release.", ".Chart.", "include \""]
            .iter()
            .any(|t| sniff::in_code(text, t))
}

/// `spring.config.name` values set where Boot reads them (environment, system properties,
/// arguments: semantics §18.5) — in Dockerfiles, manifests, Compose and build scripts.
fn spring_config_names(sources: &SourceSet) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (_, f) in sources.iter() {
        if f.kind == FileKind::JvmSource {
            // Set by the application's own `main` (C25): only string literals count here; the
            // model reads the source properly and decides which files the service reads.
            for n in jvm_config_names(&f.text) {
                if !out.contains(&n) {
                    out.push(n);
                }
            }
            continue;
        }
        if f.kind == FileKind::SpringConfig {
            continue;
        }
        for token in ["spring.config.name", "SPRING_CONFIG_NAME"] {
            let mut from = 0;
            while let Some(i) = f.text[from..].find(token) {
                let at = from + i + token.len();
                from = at;
                let rest = &f.text[at..f.text.len().min(at + 120)];
                // `=x`, `: x`, `"x"`, or a Kubernetes `- name: …` followed by `value: x`.
                let rest = rest.find("value:").map_or(rest, |v| &rest[v + 6..]);
                let value: String = rest
                    .trim_start_matches(['=', ':', ' ', '"', '\'', '\t'])
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ','))
                    .collect();
                for n in value.split(',').filter(|n| !n.is_empty()) {
                    let n = n.to_ascii_lowercase();
                    if !out.contains(&n) {
                        out.push(n);
                    }
                }
            }
        }
    }
    out
}

/// `"spring.config.name=x"`, `"--spring.config.name=x"`, `"spring.config.name", "x"` and
/// Kotlin's `"spring.config.name" to "x"` in a source file.
fn jvm_config_names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("spring.config.name") {
        if !text[..i].ends_with('"') && !text[..i].ends_with("\"--") {
            continue;
        }
        let rest = &text[i + "spring.config.name".len()..];
        let value = if let Some(v) = rest.strip_prefix(['=', ':']) {
            v
        } else if let Some(v) = rest.strip_prefix('"') {
            let v = v.trim_start();
            let Some(v) = v.strip_prefix(',').or_else(|| v.strip_prefix("to")) else {
                continue;
            };
            let Some(v) = v.trim_start().strip_prefix('"') else { continue };
            v
        } else {
            continue;
        };
        let value = value.split('"').next().unwrap_or("");
        out.extend(
            value
                .split(',')
                .map(|n| n.trim().to_ascii_lowercase())
                .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))),
        );
    }
    out
}

/// How many files had no role, by reason, for `model`.
pub fn unread_summary(roles: &Roles) -> Vec<(String, usize)> {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for a in roles.0.iter().filter(|a| a.role.is_none()) {
        *counts.entry(a.reason.as_str()).or_default() += 1;
    }
    counts.into_iter().map(|(r, n)| (r.to_string(), n)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(path: &str, text: &str) -> Option<Role> {
        one(path, crate::file_kind::classify(path), text, &[]).role
    }

    #[test]
    fn files_no_modelled_program_reads_have_no_role() {
        assert_eq!(role(".devcontainer/devcontainer.json", "{ // x\n \"name\": \"a\" }"), None);
        assert_eq!(role("tsconfig.json", "{\"compilerOptions\": {}}"), None);
        assert_eq!(role(".github/workflows/ci.yml", "name: ci\non: push\njobs: {}\n"), None);
        assert_eq!(role(".pre-commit-config.yaml", "repos: []\n"), None);
        assert_eq!(role("api/openapi.yaml", "openapi: 3.0.0\npaths: {}\n"), None);
        assert_eq!(role("web/i18n/en.json", "{\"hello\": \"Hello\"}"), None);
        assert_eq!(
            role("svc/src/test/resources/k8s/bad.yaml", "apiVersion: v1\nkind: Pod\nmetadata: [\n"),
            None
        );
        assert_eq!(role("svc/src/test/resources/pom.xml", "<project"), None);
    }

    #[test]
    fn roles_by_name_and_content() {
        assert_eq!(role("k8s/app.yaml", "apiVersion: v1\nkind: Service\n"), Some(Role::Manifests));
        assert_eq!(
            role("k8s/app.json", "{\"apiVersion\": \"v1\", \"kind\": \"Service\"}"),
            Some(Role::Manifests)
        );
        assert_eq!(role("docker-compose.yml", "services: {}\n"), Some(Role::Compose));
        assert_eq!(role("stack.yml", "version: '3'\nservices: {}\n"), Some(Role::Compose));
        assert_eq!(
            role("monitoring/prometheus.yml", "scrape_configs: []\n"),
            Some(Role::Program(Program::Prometheus))
        );
        assert_eq!(role("sd/targets.json", "[{\"targets\": [\"a:1\"]}]"), Some(Role::FileSd));
        assert_eq!(role("deploy/kustomization.yaml", "resources: []\n"), Some(Role::Kustomization));
        assert_eq!(role("svc/src/main/resources/application.yml", "a: 1\n"), Some(Role::SpringConfig));
    }

    #[test]
    fn templates_are_flagged() {
        let a = one("k8s/d.yaml", FileKind::Yaml, "apiVersion: v1\nkind: Pod\nimage: ${IMAGE}\n", &[]);
        assert_eq!(a.template, Some(Template::Envsubst));
        let a = one("chart/values.yaml", FileKind::Yaml, "%{ if x }\na: 1\n%{ endif }\n", &[]);
        assert_eq!((a.role, a.template), (Some(Role::HelmValues), Some(Template::Terraform)));
    }
}
