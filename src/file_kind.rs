//! What a file is, by its path alone: the first classification, made when a file is loaded.
//! YAML and JSON documents are classified further by content after parsing (a `kind:` makes a
//! Kubernetes object, never the file name). Base layer: imports nothing from the crate.

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FileKind {
    GradleSettings {
        kotlin: bool,
    },
    GradleBuild {
        kotlin: bool,
    },
    GradleProperties,
    VersionCatalog,
    MavenPom,
    SpringConfig,
    JvmSource,
    Dockerfile,
    /// Any other YAML file: Kubernetes, Prometheus, Compose, kustomize, Helm values, file_sd.
    Yaml,
    /// JSON: file_sd target lists (and anything else, classified by content).
    Json,
    /// A log read for Spring Boot's `Started … in N seconds` line. `found`: discovered by
    /// default (a `*.log` holding such a line), not named by `--boot-log` or `[probes] boot-logs`.
    BootLog {
        found: bool,
    },
    /// Rendered manifests named with `--manifests` (`helm template … | actuator-lint --manifests -`):
    /// always YAML, never a Helm template.
    Manifests,
    /// A Prometheus exposition dump with `application_started_time_seconds`; `found` as for
    /// `BootLog` (by default: `*.prom` and `*metrics*.txt`/`*prometheus*.txt` holding the metric).
    BootMetrics {
        found: bool,
    },
    LintConfig,
    /// `.env`-style files (Compose `env_file`).
    EnvFile,
    /// A file in one of Spring Boot's default static-resource folders (`static_location`):
    /// listed by path only, never read; what it serves is its path.
    StaticResource,
    Other,
}

pub fn classify(path: &str) -> FileKind {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    match name {
        "settings.gradle.kts" => return FileKind::GradleSettings { kotlin: true },
        "settings.gradle" => return FileKind::GradleSettings { kotlin: false },
        "build.gradle.kts" => return FileKind::GradleBuild { kotlin: true },
        "build.gradle" => return FileKind::GradleBuild { kotlin: false },
        "gradle.properties" => return FileKind::GradleProperties,
        "pom.xml" => return FileKind::MavenPom,
        "actuator-lint.toml" | ".actuator-lint.toml" => return FileKind::LintConfig,
        _ => {}
    }
    if lower == ".env" || lower.ends_with(".env") || lower.starts_with(".env.") {
        return FileKind::EnvFile;
    }
    if lower == "dockerfile" || lower.starts_with("dockerfile.") || lower.ends_with(".dockerfile") {
        return FileKind::Dockerfile;
    }
    if name.ends_with(".versions.toml") && path.contains("gradle/") {
        return FileKind::VersionCatalog;
    }
    // Precompiled convention plugins (`buildSrc/`, `build-logic/`), script plugins applied with
    // `apply from:` and build files renamed with `buildFileName` are build scripts too.
    if name.ends_with(".settings.gradle.kts") || name.ends_with(".settings.gradle") {
        return FileKind::GradleSettings {
            kotlin: name.ends_with(".kts"),
        };
    }
    if name.ends_with(".gradle.kts") {
        return FileKind::GradleBuild { kotlin: true };
    }
    if name.ends_with(".gradle") {
        return FileKind::GradleBuild { kotlin: false };
    }
    if is_spring_config(path) {
        return FileKind::SpringConfig;
    }
    // Groovy and Scala sources are listed (not read): what they map is unknown (`parse::jvm::web`).
    if [".java", ".kt", ".groovy", ".scala"].iter().any(|e| name.ends_with(e)) && path.contains("src/main/") {
        return FileKind::JvmSource;
    }
    if lower.ends_with(".yml") || lower.ends_with(".yaml") {
        return FileKind::Yaml;
    }
    if lower.ends_with(".json") {
        return FileKind::Json;
    }
    if static_location(path).is_some() {
        return FileKind::StaticResource;
    }
    FileKind::Other
}

/// Spring Boot's default static-resource locations, as folders under `src/main/resources`
/// (`WebProperties.Resources.CLASSPATH_RESOURCE_LOCATIONS`: `classpath:/META-INF/resources/`,
/// `/resources/`, `/static/`, `/public/`).
pub const STATIC_LOCATIONS: &[&str] = &["META-INF/resources", "resources", "static", "public"];

/// For a file in a default static-resource folder of a module, the module's directory (`""`
/// at the root), the folder, and the file's path under it (`css/site.css`): the resource
/// handler serves it at `/css/site.css` under the static path pattern.
pub fn static_location(path: &str) -> Option<(&str, &'static str, &str)> {
    let (dir, rest) = if let Some(rest) = path.strip_prefix("src/main/resources/") {
        ("", rest)
    } else {
        let i = path.find("/src/main/resources/")?;
        (&path[..i], &path[i + "/src/main/resources/".len()..])
    };
    STATIC_LOCATIONS.iter().find_map(|loc| {
        let rel = rest.strip_prefix(loc)?.strip_prefix('/')?;
        (!rel.is_empty()).then_some((dir, *loc, rel))
    })
}

/// `application*.{yml,yaml,properties}` / `bootstrap*` under `src/main/resources[/config]`.
pub fn is_spring_config(path: &str) -> bool {
    let Some((dir, name)) = path.rsplit_once('/') else {
        return false;
    };
    let in_resources = dir.ends_with("src/main/resources") || dir.ends_with("src/main/resources/config");
    let stem_ok = name.starts_with("application") || name.starts_with("bootstrap");
    let ext_ok = [".yml", ".yaml", ".properties"].iter().any(|e| name.ends_with(e));
    // Other `.properties` on the classpath can be reached by `spring.config.import`.
    let imported = name.ends_with(".properties") && (dir.ends_with("src/main/resources") || dir.contains("src/main/resources/"));
    // A Config Server may serve `.properties` from a folder outside the classpath
    // (`config-repo/`): they are loaded where a folder is named for config, so that the
    // model sees every file such a server serves (`classify::configrepo`).
    let served = name.ends_with(".properties") && !imported && config_folder(dir);
    (in_resources && stem_ok && ext_ok) || imported || served
}

/// A directory with a segment named for configuration (`config-repo`, `configuration`).
pub fn config_folder(dir: &str) -> bool {
    dir.split('/').any(|s| s.to_ascii_lowercase().contains("config"))
}

/// `docker-compose*.yml`, `compose*.yaml`: the names `docker compose` reads by default or by
/// convention.
pub fn is_compose_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    (name.starts_with("docker-compose") || name.starts_with("compose")) && (name.ends_with(".yml") || name.ends_with(".yaml"))
}
