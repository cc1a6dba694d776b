//! Gradle builds: projects, the Boot plugin, and which dependencies reach each project's
//! runtime classpath (semantics §10), without running Gradle.

use super::spring::BootVersion;
use super::ModuleId;
use crate::parse::catalog::Catalog;
use crate::parse::gradle::{BuildScript, Context, Dependency, Notation, PluginRef};
use crate::parse::Parsed;
use crate::source::{FileId, SourceSet, Span};
use std::collections::BTreeMap;

pub const BOOT_PLUGIN: &str = "org.springframework.boot";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Coord {
    Module {
        group: String,
        name: String,
        version: Option<String>,
    },
    Project(String),
    /// Cannot be resolved statically (a variable, an unknown catalog alias, `files(...)`).
    Unknown(String),
}

#[derive(Clone, Debug)]
pub struct Dep {
    pub configuration: String,
    pub coord: Coord,
    pub span: Span,
    pub conditional: bool,
    /// Declared somewhere other than the module's own build file (convention plugin, root
    /// `subprojects {}`), for "came from" chains.
    pub injected_from: Option<String>,
}

#[derive(Clone, Debug)]
pub struct DepBlock {
    pub file: FileId,
    pub open: u32,
    pub close: u32,
    pub indent: String,
}

#[derive(Clone, Debug)]
pub struct Module {
    /// `:services:order-service`, `:` for a root project.
    pub gradle_path: String,
    /// Directory relative to the lint root (`""` for the root).
    pub dir: String,
    pub build_file: Option<FileId>,
    pub kotlin_dsl: bool,
    /// Directory of the build (its settings file) this module belongs to.
    pub build_root: String,
    /// Where the Boot plugin is applied, if it is.
    pub boot_plugin: Option<Span>,
    pub boot_version: Option<BootVersion>,
    pub deps: Vec<Dep>,
    pub dep_block: Option<DepBlock>,
    /// Why this module's classpath cannot be fully known.
    pub unknown: Vec<(String, Span)>,
}

/// Configurations whose dependencies end up in the packaged Boot jar (semantics §10.2).
pub fn is_runtime_configuration(c: &str) -> bool {
    matches!(c, "implementation" | "api" | "runtimeOnly" | "compile" | "runtime")
}

/// Plugins known not to add application dependencies. Any other plugin might (an in-house
/// convention plugin can add the registry), so it makes the classpath unknown.
fn is_inert_plugin(id: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "org.springframework.boot",
        "io.spring.dependency-management",
        "org.jetbrains.kotlin",
        "kotlin",
        "org.graalvm.buildtools",
        "com.google.cloud.tools.jib",
        "com.diffplug.spotless",
        "io.gitlab.arturbosch.detekt",
        "org.jlleitschuh.gradle.ktlint",
        "com.gorylenko.gradle-git-properties",
        "org.sonarqube",
        "com.github.ben-manes.versions",
        "org.asciidoctor",
        "org.openapi.generator",
        "com.google.protobuf",
        "org.flywaydb.flyway",
        "nu.studer.jooq",
        "org.hibernate.orm",
        "com.palantir.docker",
        "com.bmuschko.docker",
        "io.freefair",
        "org.owasp.dependencycheck",
        "com.github.johnrengelman.shadow",
        "com.gradleup.shadow",
    ];
    const CORE: &[&str] = &[
        "java",
        "java-library",
        "application",
        "jacoco",
        "checkstyle",
        "pmd",
        "idea",
        "eclipse",
        "maven-publish",
        "base",
        "groovy",
        "war",
        "java-test-fixtures",
        "java-platform",
        "jvm-test-suite",
        "signing",
        "distribution",
        "kotlin-dsl",
        "version-catalog",
        "test-report-aggregation",
        "jacoco-report-aggregation",
    ];
    CORE.contains(&id) || PREFIXES.iter().any(|p| id == *p || id.starts_with(&format!("{p}.")))
}

pub struct Catalogs {
    /// (build root dir, accessor root like `libs`, catalog)
    pub entries: Vec<(String, String, FileId)>,
}

struct Ctx<'a> {
    sources: &'a SourceSet,
    catalogs: Vec<(String, String, &'a Catalog)>,
}

impl<'a> Ctx<'a> {
    fn catalog_for(&self, build_root: &str, root_name: &str) -> Option<&'a Catalog> {
        self.catalogs
            .iter()
            .find(|(r, n, _)| r == build_root && n == root_name)
            .map(|(_, _, c)| *c)
    }

    /// `libs.micrometer.registry.prometheus` → coordinates; bundles expand to several.
    fn resolve_catalog(&self, build_root: &str, accessor: &str) -> Vec<Coord> {
        let acc = accessor.trim_end_matches(".get()");
        let Some((root, rest)) = acc.split_once('.') else {
            return vec![Coord::Unknown(accessor.to_string())];
        };
        let Some(cat) = self.catalog_for(build_root, root) else {
            return vec![Coord::Unknown(accessor.to_string())];
        };
        let lib = |a: &str| {
            cat.libraries.iter().find(|l| l.accessor == a).map(|l| Coord::Module {
                group: l.group.clone(),
                name: l.name.clone(),
                version: l.version.clone(),
            })
        };
        if let Some(b) = rest.strip_prefix("bundles.") {
            if let Some(bundle) = cat.bundles.iter().find(|x| x.accessor == b) {
                return bundle
                    .aliases
                    .iter()
                    .map(|a| lib(&crate::parse::catalog::accessor(a)).unwrap_or_else(|| Coord::Unknown(a.clone())))
                    .collect();
            }
        }
        vec![lib(rest).unwrap_or_else(|| Coord::Unknown(accessor.to_string()))]
    }

    fn plugin_id(&self, build_root: &str, p: &PluginRef) -> Option<(String, Option<String>)> {
        if let Some(id) = &p.id {
            return Some((id.value.clone(), p.version.as_ref().map(|v| v.value.clone())));
        }
        let alias = p.alias.as_deref()?;
        let (root, rest) = alias.split_once('.')?;
        let rest = rest.strip_prefix("plugins.")?;
        let cat = self.catalog_for(build_root, root)?;
        let plug = cat.plugins.iter().find(|x| x.accessor == rest)?;
        Some((plug.id.clone(), plug.version.clone()))
    }
}

fn coords_of(ctx: &Ctx<'_>, build_root: &str, n: &Notation) -> Vec<Coord> {
    match n {
        Notation::Module { group, name, version, .. } => vec![Coord::Module {
            group: group.clone(),
            name: name.clone(),
            version: version.clone(),
        }],
        Notation::Catalog { accessor, .. } => ctx.resolve_catalog(build_root, accessor),
        Notation::Project { path, .. } => vec![Coord::Project(path.clone())],
        // A BOM only manages versions; it adds nothing to the classpath.
        Notation::Platform(_) => vec![],
        // Kotlin stdlib helpers and local jars cannot be the Maven artifacts we look for.
        Notation::Other { text, .. }
            if ["kotlin(", "files(", "fileTree(", "gradleApi(", "localGroovy(", "testFixtures("]
                .iter()
                .any(|p| text.starts_with(p)) =>
        {
            vec![]
        }
        Notation::Other { text, .. } => vec![Coord::Unknown(text.clone())],
    }
}

/// An external dependency that may bring the registry transitively: an in-house starter or
/// observability bundle (semantics §10.3: "report unknown, not missing").
fn may_carry(group: &str, name: &str) -> bool {
    const KNOWN: &[&str] = &[
        "org.springframework",
        "io.micrometer",
        "org.jetbrains",
        "com.fasterxml",
        "org.projectlombok",
        "io.projectreactor",
        "org.apache",
        "com.google",
        "io.github.resilience4j",
        "org.postgresql",
        "com.h2database",
        "mysql",
        "com.mysql",
        "org.flywaydb",
        "org.liquibase",
        "io.opentelemetry",
        "io.swagger",
        "org.springdoc",
        "io.jsonwebtoken",
        "org.mapstruct",
        "org.testcontainers",
        "io.netty",
        "org.slf4j",
        "ch.qos.logback",
        "io.grpc",
        "net.logstash",
    ];
    if KNOWN.iter().any(|k| group == *k || group.starts_with(&format!("{k}."))) {
        return false;
    }
    ["starter", "observability", "monitoring", "metrics", "telemetry"]
        .iter()
        .any(|w| name.contains(w))
}

fn dir_join(root: &str, rel: &str) -> String {
    let rel = rel.trim_start_matches("./").trim_end_matches('/');
    if root.is_empty() {
        rel.to_string()
    } else if rel.is_empty() {
        root.to_string()
    } else {
        format!("{root}/{rel}")
    }
}

fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Builds modules from settings and build files.
pub fn build_modules(sources: &SourceSet, parsed: &[Parsed]) -> Vec<Module> {
    let mut catalogs = Vec::new();
    let mut settings = Vec::new();
    let mut builds: Vec<(FileId, &BuildScript)> = Vec::new();
    let mut conventions: BTreeMap<String, (FileId, &BuildScript)> = BTreeMap::new();
    for (id, f) in sources.iter() {
        match &parsed[id.0 as usize] {
            Parsed::Catalog(c) => {
                let dir = parent_dir(&f.path);
                let build_root = parent_dir(dir).to_string();
                let name = f
                    .path
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .trim_end_matches(".versions.toml")
                    .to_string();
                catalogs.push((build_root, name, c));
            }
            Parsed::Settings(s) => settings.push((id, s)),
            Parsed::Build(b) => {
                if let Some(idx) = f
                    .path
                    .find("/src/main/")
                    .filter(|_| f.path.contains("buildSrc/") || f.path.contains("build-logic/"))
                {
                    let _ = idx;
                    let name = f.path.rsplit('/').next().unwrap_or("");
                    let plugin_id = name.trim_end_matches(".gradle.kts").trim_end_matches(".gradle");
                    conventions.insert(plugin_id.to_string(), (id, b));
                } else if !f.path.starts_with("buildSrc/") && !f.path.contains("/buildSrc/") {
                    builds.push((id, b));
                }
            }
            _ => {}
        }
    }
    let ctx = Ctx { sources, catalogs };
    // Custom catalogs declared in settings: versionCatalogs { create("x") { from(files(...)) } }
    let mut extra_catalogs = Vec::new();
    for (sid, s) in &settings {
        let root = parent_dir(sources.path(*sid)).to_string();
        for (name, file) in &s.catalogs {
            let path = dir_join(&root, &file.value);
            if let Some(fid) = sources.find(&path) {
                if let Parsed::Catalog(c) = &parsed[fid.0 as usize] {
                    extra_catalogs.push((root.clone(), name.value.clone(), c));
                }
            }
        }
    }
    let ctx = Ctx {
        catalogs: ctx.catalogs.into_iter().chain(extra_catalogs).collect(),
        ..ctx
    };

    // Projects declared by settings files: (gradle path, dir, build root).
    let mut projects: Vec<(String, String, String)> = Vec::new();
    for (sid, s) in &settings {
        let root = parent_dir(sources.path(*sid)).to_string();
        if root.starts_with("buildSrc") || root.contains("/buildSrc") || root.ends_with("build-logic") {
            continue;
        }
        projects.push((":".into(), root.clone(), root.clone()));
        for inc in &s.includes {
            let path = if inc.value.starts_with(':') {
                inc.value.clone()
            } else {
                format!(":{}", inc.value)
            };
            let mut dir = dir_join(&root, &path.trim_start_matches(':').replace(':', "/"));
            if let Some((_, d)) = s
                .project_dirs
                .iter()
                .find(|(p, _)| p.value == path || format!(":{}", p.value) == path)
            {
                dir = dir_join(&root, &d.value);
            }
            projects.push((path, dir, root.clone()));
        }
    }
    let mut modules: Vec<Module> = Vec::new();
    for (id, _) in &builds {
        let path = sources.path(*id);
        let dir = parent_dir(path).to_string();
        let kotlin = path.ends_with(".kts");
        let (gradle_path, build_root) = match projects.iter().filter(|(_, d, _)| *d == dir).max_by_key(|(_, _, r)| r.len()) {
            Some((p, _, r)) => (p.clone(), r.clone()),
            // A build file no settings file includes: Gradle would run it as its own root.
            None => (":".into(), dir.clone()),
        };
        modules.push(Module {
            gradle_path,
            dir,
            build_file: Some(*id),
            kotlin_dsl: kotlin,
            build_root,
            boot_plugin: None,
            boot_version: None,
            deps: vec![],
            dep_block: None,
            unknown: vec![],
        });
    }
    modules.sort_by(|a, b| a.dir.cmp(&b.dir));

    // Plugin versions declared for the whole build: root `plugins { … apply false }`,
    // settings `pluginManagement`, and catalogs.
    let mut build_boot_versions: BTreeMap<String, BootVersion> = BTreeMap::new();
    for (sid, s) in &settings {
        let root = parent_dir(sources.path(*sid)).to_string();
        for p in &s.plugin_versions {
            if let Some((pid, Some(v))) = ctx.plugin_id(&root, p) {
                if pid == BOOT_PLUGIN {
                    if let Some(bv) = BootVersion::parse(&v, p.version.as_ref().map(|x| Span::new(*sid, x.span.clone()))) {
                        build_boot_versions.insert(root.clone(), bv);
                    }
                }
            }
        }
    }
    let by_id: BTreeMap<FileId, &BuildScript> = builds.iter().map(|(i, b)| (*i, *b)).collect();
    for m in &modules {
        if m.gradle_path != ":" {
            continue;
        }
        let Some(b) = m.build_file.and_then(|f| by_id.get(&f)) else {
            continue;
        };
        for p in &b.plugins {
            if let Some((pid, Some(v))) = ctx.plugin_id(&m.build_root, p) {
                if pid == BOOT_PLUGIN {
                    let span = p
                        .version
                        .as_ref()
                        .map(|x| Span::new(m.build_file.unwrap_or(FileId(0)), x.span.clone()));
                    if let Some(bv) = BootVersion::parse(&v, span) {
                        build_boot_versions.insert(m.build_root.clone(), bv);
                    }
                }
            }
        }
    }

    // Blocks injected by a root build into other projects.
    let mut injected: Vec<(String, FileId, &BuildScript)> = Vec::new();
    for m in &modules {
        if m.gradle_path == ":" {
            if let Some(f) = m.build_file {
                injected.push((m.build_root.clone(), f, by_id[&f]));
            }
        }
    }

    for m in modules.iter_mut() {
        let Some(fid) = m.build_file else { continue };
        let script = by_id[&fid];
        apply_script(&ctx, m, fid, script, &conventions, None, 0);
        for (root, rf, rs) in &injected {
            if *root != m.build_root {
                continue;
            }
            let gradle_path = m.gradle_path.clone();
            let applies = |c: &Context| match c {
                Context::Allprojects => true,
                Context::Subprojects => gradle_path != ":",
                Context::Project(p) => *p == gradle_path,
                _ => false,
            };
            let from = sources.path(*rf).to_string();
            for d in rs.dependencies.iter().filter(|d| applies(&d.context)) {
                push_dep(&ctx, m, *rf, d, Some(from.clone()));
            }
            for p in rs.plugins.iter().filter(|p| applies(&p.context) && p.apply) {
                plugin_applied(&ctx, m, *rf, p, &conventions, 0);
            }
            if rs.dependencies.iter().any(|d| matches!(d.context, Context::Configure)) {
                let span = rs
                    .dependencies
                    .iter()
                    .find(|d| matches!(d.context, Context::Configure))
                    .map(|d| Span::new(*rf, d.span.clone()));
                if let Some(span) = span {
                    m.unknown
                        .push(("a `configure(…)` block in the root build may add dependencies".into(), span));
                }
            }
        }
        if m.boot_version.is_none() {
            m.boot_version = build_boot_versions.get(&m.build_root).cloned();
        }
    }
    modules
}

fn push_dep(ctx: &Ctx<'_>, m: &mut Module, file: FileId, d: &Dependency, from: Option<String>) {
    for coord in coords_of(ctx, &m.build_root, &d.notation) {
        m.deps.push(Dep {
            configuration: d.configuration.clone(),
            coord,
            span: Span::new(file, d.span.clone()),
            conditional: d.conditional,
            injected_from: from.clone(),
        });
    }
}

fn plugin_applied(
    ctx: &Ctx<'_>,
    m: &mut Module,
    file: FileId,
    p: &PluginRef,
    conventions: &BTreeMap<String, (FileId, &BuildScript)>,
    depth: usize,
) {
    let Some((id, version)) = ctx.plugin_id(&m.build_root, p) else {
        if let Some(a) = &p.alias {
            m.unknown.push((
                format!("plugin alias `{a}` is not in a version catalog of this build"),
                Span::new(file, p.span.clone()),
            ));
        }
        return;
    };
    if id == BOOT_PLUGIN {
        m.boot_plugin.get_or_insert(Span::new(file, p.span.clone()));
        if let Some(v) = version {
            let span = p.version.as_ref().map(|x| Span::new(file, x.span.clone()));
            if let Some(bv) = BootVersion::parse(&v, span) {
                m.boot_version = Some(bv);
            }
        }
        return;
    }
    if let Some((cf, cs)) = conventions.get(&id) {
        if depth < 8 {
            apply_script(ctx, m, *cf, cs, conventions, Some(ctx.sources.path(*cf).to_string()), depth + 1);
        }
        return;
    }
    if !is_inert_plugin(&id) {
        m.unknown.push((
            format!("plugin `{id}` is not in this repository and may add dependencies"),
            Span::new(file, p.span.clone()),
        ));
    }
}

fn apply_script(
    ctx: &Ctx<'_>,
    m: &mut Module,
    fid: FileId,
    script: &BuildScript,
    conventions: &BTreeMap<String, (FileId, &BuildScript)>,
    from: Option<String>,
    depth: usize,
) {
    for p in script.plugins.iter().filter(|p| p.context == Context::Own && p.apply) {
        plugin_applied(ctx, m, fid, p, conventions, depth);
    }
    for d in script.dependencies.iter().filter(|d| d.context == Context::Own) {
        push_dep(ctx, m, fid, d, from.clone());
    }
    if from.is_none() {
        if let Some(b) = script.blocks.iter().find(|b| b.context == Context::Own) {
            m.dep_block = Some(DepBlock {
                file: fid,
                open: b.open,
                close: b.close,
                indent: b.indent.clone(),
            });
        }
    }
    for s in &script.applied_scripts {
        m.unknown.push((
            format!("script `{}` is applied and not analysed", s.value),
            Span::new(fid, s.span.clone()),
        ));
    }
    for (why, span) in &script.unknown {
        m.unknown.push((why.clone(), Span::new(fid, span.clone())));
    }
}

/// What the runtime classpath says about one artifact.
#[derive(Clone, Debug)]
pub enum Presence {
    /// Found; the chain of declarations that brings it (the last one is the artifact itself).
    Present(Vec<Span>),
    /// Declared only in configurations that are not packaged.
    NotPackaged(Span, String),
    Absent,
    /// Cannot tell; the reasons.
    Unknown(Vec<(String, Span)>),
}

pub fn find_artifact(modules: &[Module], start: ModuleId, group: &str, names: &[&str]) -> Presence {
    let mut visited = vec![false; modules.len()];
    let mut not_packaged = None;
    let mut unknown = Vec::new();
    let r = walk(modules, start, group, names, &mut visited, &mut not_packaged, &mut unknown, 0);
    match r {
        Some(chain) => Presence::Present(chain),
        None if !unknown.is_empty() => Presence::Unknown(unknown),
        None => match not_packaged {
            Some((s, c)) => Presence::NotPackaged(s, c),
            None => Presence::Absent,
        },
    }
}

#[allow(clippy::too_many_arguments)]
fn walk(
    modules: &[Module],
    at: ModuleId,
    group: &str,
    names: &[&str],
    visited: &mut [bool],
    not_packaged: &mut Option<(Span, String)>,
    unknown: &mut Vec<(String, Span)>,
    depth: usize,
) -> Option<Vec<Span>> {
    if visited[at] || depth > 64 {
        return None;
    }
    visited[at] = true;
    let m = &modules[at];
    unknown.extend(m.unknown.iter().cloned());
    for d in &m.deps {
        let runtime = is_runtime_configuration(&d.configuration);
        match &d.coord {
            Coord::Module { group: g, name, .. } if g == group && names.contains(&name.as_str()) => {
                if runtime && !d.conditional {
                    return Some(vec![d.span]);
                }
                if runtime && d.conditional {
                    unknown.push(("declared inside a condition".into(), d.span));
                } else if not_packaged.is_none() {
                    *not_packaged = Some((d.span, d.configuration.clone()));
                }
            }
            Coord::Module { group: g, name, .. } if runtime && may_carry(g, name) => {
                unknown.push((
                    format!("`{g}:{name}` is not in this repository and may bring the artifact transitively"),
                    d.span,
                ));
            }
            Coord::Project(p) if runtime => {
                let target = modules.iter().position(|x| x.build_root == m.build_root && x.gradle_path == *p);
                match target {
                    Some(t) => {
                        if let Some(mut chain) = walk(modules, t, group, names, visited, not_packaged, unknown, depth + 1) {
                            chain.insert(0, d.span);
                            return Some(chain);
                        }
                    }
                    None => unknown.push((format!("project dependency `{p}` is not a project of this build"), d.span)),
                }
            }
            Coord::Unknown(text) if runtime => {
                unknown.push((format!("dependency `{text}` cannot be resolved statically"), d.span));
            }
            _ => {}
        }
    }
    None
}

/// Artifacts that provide a Prometheus registry Boot can use on some version (semantics §2).
pub const REGISTRY_ARTIFACTS: &[&str] = &["micrometer-registry-prometheus", "micrometer-registry-prometheus-simpleclient"];
