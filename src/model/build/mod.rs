//! Builds: Gradle and Maven modules, the Boot plugin, and which dependencies reach each
//! module's runtime classpath (semantics §10), without running Gradle or Maven.
//!
//! * `gradle` reads settings, build scripts, convention plugins, applied scripts, version
//!   catalogs and `gradle.properties` into modules;
//! * `maven` reads POMs with their parents, properties and dependency management;
//! * `classpath` answers "does this artifact reach the packaged jar, through what, or why
//!   can it not be known" over the modules and their project dependencies;
//! * `known` holds what is assumed about things outside the repository, and `brings` what
//!   widely used third-party starters are known to put on the classpath (a cited table);
//! * `local` reads what an external dependency brings from the POMs of a local Maven
//!   repository, when the user names one (`--maven-repo`).
//!
//! Every dependency keeps the chain of declarations that brought it, for `actuator-lint model`
//! and for the related labels of diagnostics.

mod brings;
mod classpath;
mod gradle;
pub mod known;
pub mod local;
mod maven;
mod vars;

use super::spring::BootVersion;
use crate::ids::IdVec;
use crate::model::ModuleId;
use crate::parse::Parsed;
use crate::source::{FileId, SourceSet, Span};

pub use classpath::{lookup, packaged_modules, Found, Lookup};
pub use local::{resolve as resolve_local, wanted_poms};

pub const BOOT_PLUGIN: &str = "org.springframework.boot";
pub const DEPENDENCY_MANAGEMENT_PLUGIN: &str = "io.spring.dependency-management";

/// Artifacts that provide a Prometheus registry Boot can use on some version (semantics §2).
pub const REGISTRY_GROUP: &str = "io.micrometer";
pub const REGISTRY_ARTIFACTS: &[&str] = &["micrometer-registry-prometheus", "micrometer-registry-prometheus-simpleclient"];
pub const REGISTRY: &str = "micrometer-registry-prometheus";
pub const REGISTRY_SIMPLECLIENT: &str = "micrometer-registry-prometheus-simpleclient";
/// What makes `/actuator/*` exist (semantics §2 item 1).
pub const ACTUATOR_GROUP: &str = "org.springframework.boot";
pub const ACTUATOR_ARTIFACTS: &[&str] = &["spring-boot-starter-actuator", "spring-boot-actuator-autoconfigure"];
pub const ACTUATOR_STARTER: &str = "spring-boot-starter-actuator";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Coord {
    Module {
        group: String,
        name: String,
        version: Option<String>,
    },
    /// A Gradle project dependency, by absolute path within the module's build.
    Project(String),
    /// Cannot be resolved statically (a variable, an unknown catalog alias, `files(...)`).
    Unknown(String),
}

/// One step of "how did this get here": a plugin application, an applied script, a parent
/// POM, a project dependency, the declaration itself, a catalog entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hop {
    pub span: Span,
    pub note: String,
}

#[derive(Clone, Debug)]
pub struct Dep {
    /// Gradle configuration, or Maven scope (`compile` when not written).
    pub configuration: String,
    pub coord: Coord,
    /// The declaration statement / `<dependency>` element.
    pub span: Span,
    /// The notation inside the declaration (`"g:n"`, `libs.x`, a Groovy map), for fixes that
    /// copy it.
    pub notation: Option<Span>,
    pub conditional: bool,
    /// Maven `<optional>true</optional>`.
    pub optional: bool,
    /// Maven `<exclusions>`: transitive dependencies this declaration leaves out (group,
    /// artifact; `*` matches any).
    pub exclusions: Vec<(String, String)>,
    /// How the declaration reaches the module, outermost first (plugin applications,
    /// applied scripts, parent POMs). Empty for the module's own build file.
    pub via: Vec<Hop>,
    /// Where it was written when not in the module's own dependencies: `subprojects {}`,
    /// `configure(…) {}`, a profile.
    pub origin: Option<String>,
    /// The version-catalog entry, bundle or variable the notation resolved through.
    pub resolved: Option<Hop>,
    /// Where the version is written, when it is (a literal, a catalog version, a property).
    pub version_span: Option<Span>,
    /// The module of the repository a project dependency or a coordinate names (set once all
    /// modules are known).
    pub target: Option<ModuleId>,
    /// What the artifact brings with it, read from the local Maven repository given with
    /// `--maven-repo` (`None`: not given, or the declaration is not an external coordinate).
    pub transitive: Option<std::sync::Arc<local::Closure>>,
}

/// Where a new dependency is added in the module's own build file.
#[derive(Clone, Debug)]
pub struct DepAnchor {
    pub file: FileId,
    /// Offset of `{` (Gradle) or of `<dependencies>` (Maven).
    pub open: u32,
    /// Offset of the closing `}` / `</dependencies>`.
    pub close: u32,
    /// Indentation of a declaration inside the block.
    pub indent: String,
    /// Maven: `<dependencies/>` with no closing tag.
    pub self_closing: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuildKind {
    Gradle,
    Maven,
    /// A source directory no build file covers.
    None,
}

/// The version catalog the module's own declarations use, so fixes can use it too.
#[derive(Clone, Debug)]
pub struct CatalogUse {
    /// Accessor root (`libs`).
    pub root: String,
    pub file: FileId,
}

/// What a Maven module needs beyond the common fields.
#[derive(Clone, Debug, Default)]
pub struct MavenInfo {
    pub group_id: String,
    pub artifact_id: String,
    /// A Boot parent or a `spring-boot-dependencies` import manages versions, so a version-less
    /// `<dependency>` is valid.
    pub boot_managed: bool,
    /// Where `</project>`, `<build>` are, for a new `<dependencies>` block.
    pub project_close: u32,
    pub build_start: Option<u32>,
    pub child_indent: String,
    pub resource_filtering: ResourceFiltering,
    /// The parent POM when it is outside the repository (and not Spring Boot's): group,
    /// artifact, version (resolved when it can be), where `<parent>` is.
    pub external_parent: Option<(String, String, Option<String>, Span)>,
    /// `import`-scoped `<dependencyManagement>` entries of the POM and its parents in the
    /// repository: BOMs whose managed versions apply to version-less declarations.
    pub bom_imports: Vec<(String, String, Option<String>)>,
}

/// Whether the build replaces `@name@` tokens in `src/main/resources` when it packages them
/// (semantics §13.1).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ResourceFiltering {
    /// `spring-boot-starter-parent`: `application*.{yml,yaml,properties}` only.
    BootParent,
    /// `<resources><resource><filtering>true`: every file of `src/main/resources`.
    Declared,
    #[default]
    No,
    /// A parent POM outside the repository may configure it: the reason.
    Unknown(String),
}

#[derive(Clone, Debug)]
pub struct Module {
    /// `:services:order-service`, `:` for a root project; empty for Maven modules.
    pub gradle_path: String,
    /// Directory relative to the lint root (`""` for the root).
    pub dir: String,
    pub build_file: Option<FileId>,
    pub kotlin_dsl: bool,
    /// Directory of the build (its settings file) this module belongs to.
    pub build_root: String,
    pub kind: BuildKind,
    /// Where the Boot plugin is applied (or the Boot parent POM declared), if it is.
    pub boot_plugin: Option<Span>,
    pub boot_version: Option<BootVersion>,
    pub deps: Vec<Dep>,
    pub dep_anchor: Option<DepAnchor>,
    /// Why this module's classpath cannot be fully known.
    pub unknown: Vec<(String, Span)>,
    /// Plugin ids applied to the module, however (own, convention, root blocks).
    pub plugins: Vec<String>,
    /// `group:name` others can depend on (Maven coordinates, Gradle `group` + project name).
    pub coords: Option<(String, String)>,
    /// The project's own name: Gradle's project name (`rootProject.name` for a root project),
    /// Maven's `artifactId`. What a service is called when nothing else names it.
    pub project_name: Option<String>,
    pub catalog: Option<CatalogUse>,
    pub maven: Option<MavenInfo>,
    /// A version written on a declaration wins over Boot's managed one (Spring's
    /// dependency-management plugin, Maven); with only a Gradle `platform(…)` the higher wins.
    pub pins_win: bool,
    /// Boot's managed Micrometer version overridden (`micrometer.version` property).
    pub micrometer_override: Option<(String, Span)>,
    /// Versions managed without adding a dependency (`<dependencyManagement>`, the Gradle
    /// dependency-management plugin's `dependency(…)`): group, name, where.
    pub managed: Vec<(String, String, Span)>,
    /// Coordinates written in a script that applies to the module, in a form the reader does
    /// not understand (`dependencies.add(…)` at the top level, a helper function): they may
    /// declare it, so they make a "missing" unknown.
    pub mentions: Vec<(String, String, Span)>,
    /// The Gradle code that configures the module: its build file, the convention plugins and
    /// scripts it applies, and the cross-project blocks above it that reach it.
    pub configured_by: Vec<ConfiguredBy>,
}

/// Code of a Gradle script that configures a module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfiguredBy {
    pub file: FileId,
    pub part: ScriptPart,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScriptPart {
    /// What the script says for its own project, outside cross-project blocks (the module's
    /// build file, a convention plugin, an applied script).
    Own,
    /// The body of a `subprojects {}` / `allprojects {}` / `project(":x") {}` /
    /// `configure(…) {}` block of a project above (or of the module itself); `certain` is false
    /// when whether it reaches the module cannot be evaluated (a computed filter).
    Block {
        body: std::ops::Range<u32>,
        certain: bool,
        /// `subprojects {}`, `configure(…) {}`, …
        name: String,
    },
}

impl Module {
    /// A module of `kind` in `dir` that declares nothing yet: the readers fill in what its
    /// build says.
    pub fn new(kind: BuildKind, dir: &str) -> Module {
        Module {
            gradle_path: String::new(),
            dir: dir.to_string(),
            build_file: None,
            kotlin_dsl: true,
            build_root: dir.to_string(),
            kind,
            boot_plugin: None,
            boot_version: None,
            deps: vec![],
            dep_anchor: None,
            unknown: vec![],
            plugins: vec![],
            coords: None,
            project_name: None,
            catalog: None,
            maven: None,
            pins_win: false,
            micrometer_override: None,
            managed: vec![],
            mentions: vec![],
            configured_by: vec![],
        }
    }

    /// A directory with Spring Boot sources but no build file the linter could read.
    pub fn unbuilt(dir: &str, why: Option<(String, Span)>) -> Module {
        Module {
            unknown: why.into_iter().collect(),
            ..Module::new(BuildKind::None, dir)
        }
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

/// Whether `group:name` (any of `names`) reaches the packaged runtime classpath of `start`.
pub fn find_artifact(modules: &IdVec<ModuleId, Module>, start: ModuleId, group: &str, names: &[&str]) -> Presence {
    lookup(modules, start, group, names).presence()
}

/// Builds modules from settings, build scripts, catalogs and POMs. `failed` are files that
/// did not parse (their content is then only partly known).
pub fn build_modules(sources: &SourceSet, parsed: &[Parsed], failed: &[FileId]) -> IdVec<ModuleId, Module> {
    let mut modules = gradle::modules(sources, parsed, failed);
    modules.extend(maven::modules(sources, parsed));
    modules.sort_by(|a, b| a.dir.cmp(&b.dir).then(a.gradle_path.cmp(&b.gradle_path)));
    let mut modules = IdVec::from(modules);
    link_targets(&mut modules);
    modules
}

/// Resolves project dependencies and coordinates of repository modules (Maven modules, Gradle
/// projects substituted by `includeBuild`) to module indexes, once.
fn link_targets(modules: &mut IdVec<ModuleId, Module>) {
    use std::collections::HashMap;
    let mut by_coords: HashMap<(&str, &str), ModuleId> = HashMap::new();
    let mut by_path: HashMap<(&str, &str), ModuleId> = HashMap::new();
    for (i, m) in modules.iter_enumerated() {
        if let Some((g, n)) = &m.coords {
            by_coords.entry((g.as_str(), n.as_str())).or_insert(i);
        }
        if m.kind == BuildKind::Gradle {
            by_path.entry((m.build_root.as_str(), m.gradle_path.as_str())).or_insert(i);
        }
    }
    let targets: Vec<Vec<Option<ModuleId>>> = modules
        .iter_enumerated()
        .map(|(i, m)| {
            m.deps
                .iter()
                .map(|d| match &d.coord {
                    Coord::Project(p) => by_path.get(&(m.build_root.as_str(), p.as_str())).copied(),
                    Coord::Module { group, name, .. } => by_coords.get(&(group.as_str(), name.as_str())).copied().filter(|t| *t != i),
                    Coord::Unknown(_) => None,
                })
                .collect()
        })
        .collect();
    for (m, ts) in modules.iter_mut().zip(targets) {
        for (d, t) in m.deps.iter_mut().zip(ts) {
            d.target = t;
        }
    }
}

/// `"a/b"` + `"../c"` → `"a/c"`; `None` when it leaves the lint root.
pub(crate) fn join_path(base: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = if rel.starts_with('/') {
        return None;
    } else {
        base.split('/').filter(|p| !p.is_empty()).collect()
    };
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

pub(crate) fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests;
