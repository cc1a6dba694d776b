//! Gradle builds → modules (semantics §10.1–10.3).
//!
//! A build is a directory with a settings file (or a lone build file). Its projects come from
//! literal `include(…)` arguments (every prefix of `:a:b:c` is a project), relocated by
//! `projectDir`/`buildFileName`. Plugin builds (`buildSrc`, included builds such as
//! `build-logic`) are not modules: their precompiled script plugins are applied, by id, to the
//! projects that apply them. A module's dependencies are the union of its own build file, the
//! convention plugins and scripts it applies, and the `subprojects {}` / `allprojects {}` /
//! `project(":x") {}` / `configure(…) {}` blocks of the projects above it.
//!
//! * `layout`: the builds, their projects, plugin builds, convention plugins and catalogs;
//! * `apply`: a project's build file, the scripts and plugins it applies and the blocks injected
//!   from above, into dependencies;
//! * `resolve`: a dependency notation (literal, catalog accessor, variable) → coordinates;
//! * `boot`: the Spring Boot version of a module or of its build.

mod apply;
mod boot;
mod layout;
mod resolve;

use crate::model::build::vars::{VarDef, Vars};
use crate::model::build::{file_name, join_path, parent_dir, BuildKind, Coord, Dep, Hop, Module};
use crate::model::spring::BootVersion;
use crate::parse::catalog::Catalog;
use crate::parse::gradle::{BuildScript, ProjectSet, Scope, ScriptRef, Settings};
use crate::parse::Parsed;
use crate::source::{FileId, SourceSet, Span};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use layout::{catalogs, conventions, plugin_build_dirs, projects, strip_root_template, under};
use resolve::notation_span;

/// Deepest chain of plugins applying plugins / scripts applying scripts that is followed.
const MAX_APPLY_DEPTH: usize = 8;

/// Plugins that make a project a plugin build (its scripts are conventions, not modules).
const PLUGIN_BUILD_PLUGINS: &[&str] = &[
    "kotlin-dsl",
    "groovy-gradle-plugin",
    "java-gradle-plugin",
    "org.gradle.kotlin.kotlin-dsl",
];

struct Input<'a> {
    sources: &'a SourceSet,
    settings: Vec<(FileId, &'a Settings)>,
    scripts: BTreeMap<FileId, &'a BuildScript>,
    /// gradle.properties by directory
    properties: BTreeMap<String, FileId>,
    parsed: &'a [Parsed],
    failed: BTreeSet<FileId>,
    /// Build scripts with a `gradlePlugin { }` block (binary plugins implemented in code).
    plugin_declarations: Vec<FileId>,
}

impl<'a> Input<'a> {
    fn script(&self, path: &str) -> Option<(FileId, &'a BuildScript)> {
        let id = self.sources.find(path)?;
        self.scripts.get(&id).map(|s| (id, *s))
    }

    fn path(&self, id: FileId) -> &'a str {
        self.sources.path(id)
    }
}

/// A precompiled script plugin: `<plugin project>/src/main/{kotlin,groovy}/…/<id>.gradle(.kts)`.
struct Convention {
    id: String,
    file: FileId,
    /// The plugin build's directory (buildSrc, build-logic, …).
    build_dir: String,
}

struct Project {
    path: String,
    dir: String,
    build_root: String,
    build_file: Option<FileId>,
    /// Why the project may not be what we think (a computed `include`).
    doubt: Option<(String, Span)>,
}

struct Catalogs<'a> {
    /// (build root, accessor root, file, catalog)
    entries: Vec<(String, String, FileId, &'a Catalog)>,
}

impl<'a> Catalogs<'a> {
    fn get(&self, build_root: &str, root: &str) -> Option<(FileId, &'a Catalog)> {
        self.entries
            .iter()
            .find(|(r, n, _, _)| r == build_root && n == root)
            .map(|(_, _, f, c)| (*f, *c))
    }
}

pub fn modules(sources: &SourceSet, parsed: &[Parsed], failed: &[FileId]) -> Vec<Module> {
    let mut input = Input {
        sources,
        settings: Vec::new(),
        scripts: BTreeMap::new(),
        properties: BTreeMap::new(),
        parsed,
        failed: failed.iter().copied().collect(),
        plugin_declarations: Vec::new(),
    };
    let mut catalog_files = Vec::new();
    for (id, f) in sources.iter() {
        match &parsed[id.0 as usize] {
            Parsed::Settings(s) if matches!(file_name(&f.path), "settings.gradle" | "settings.gradle.kts") => input.settings.push((id, s)),
            Parsed::Build(b) => {
                input.scripts.insert(id, b);
                if f.text.contains("gradlePlugin") {
                    input.plugin_declarations.push(id);
                }
            }
            Parsed::Catalog(c) => catalog_files.push((id, c)),
            Parsed::Properties(_) if f.kind == crate::file_kind::FileKind::GradleProperties => {
                input.properties.insert(parent_dir(&f.path).to_string(), id);
            }
            _ => {}
        }
    }
    let plugin_dirs = plugin_build_dirs(&input);
    let in_plugin_build = |path: &str| plugin_dirs.iter().any(|d| under(path, d));
    let conventions = conventions(&input, &plugin_dirs);
    let catalogs = catalogs(&input, &catalog_files);
    let projects = projects(&input, &in_plugin_build);

    let by_path: HashMap<(String, String), usize> = projects
        .iter()
        .enumerate()
        .map(|(i, p)| ((p.build_root.clone(), p.path.clone()), i))
        .collect();
    let boot_cache = RefCell::new(BTreeMap::new());
    let mut out = Vec::new();
    for p in &projects {
        let mut b = ModuleBuilder {
            input: &input,
            catalogs: &catalogs,
            conventions: &conventions,
            projects: &projects,
            by_path: &by_path,
            boot_cache: &boot_cache,
            project: p,
            module: Module {
                gradle_path: p.path.clone(),
                build_file: p.build_file,
                kotlin_dsl: p.build_file.is_none_or(|f| input.path(f).ends_with(".kts")),
                build_root: p.build_root.clone(),
                unknown: p.doubt.iter().cloned().collect(),
                ..Module::new(BuildKind::Gradle, &p.dir)
            },
            vars: Vars::default(),
            pending: Vec::new(),
            boot_from: None,
            applied: BTreeSet::new(),
        };
        b.vars = b.scope_vars();
        b.run();
        out.push(b.finish(&plugin_dirs));
    }
    out
}

/// Build-level Boot versions by (build root, plugin build the Boot plugin came from).
type BootCache = RefCell<BTreeMap<(String, Option<String>), Option<BootVersion>>>;

struct ModuleBuilder<'a> {
    input: &'a Input<'a>,
    catalogs: &'a Catalogs<'a>,
    conventions: &'a [Convention],
    projects: &'a [Project],
    /// (build root, path) → index into `projects`.
    by_path: &'a HashMap<(String, String), usize>,
    /// The build-level Boot version, per (build root, plugin build), computed once.
    boot_cache: &'a BootCache,
    project: &'a Project,
    module: Module,
    vars: Vars,
    /// Declarations waiting for the module's plugin set (`plugins.withId("x") { }`).
    pending: Vec<(Dep, Option<String>)>,
    /// The plugin build the Boot plugin came from, for its version.
    boot_from: Option<String>,
    /// Scripts already applied (a script applied twice adds nothing new).
    applied: BTreeSet<FileId>,
}

/// Whether a cross-project block applies to a project.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Applies {
    Yes,
    No,
    Maybe,
}

fn is_descendant(path: &str, of: &str) -> bool {
    if of == ":" {
        path != ":"
    } else {
        path.strip_prefix(of).is_some_and(|r| r.starts_with(':'))
    }
}

fn absolute(path: &str, from: &str) -> String {
    if path.starts_with(':') {
        path.to_string()
    } else if from == ":" {
        format!(":{path}")
    } else {
        format!("{from}:{path}")
    }
}

fn applies(ctx: &Scope, injector: &str, target: &str) -> Applies {
    let name = target.rsplit(':').next().unwrap_or("");
    let yes = |b: bool| if b { Applies::Yes } else { Applies::No };
    match ctx {
        Scope::Own | Scope::Buildscript => Applies::No,
        Scope::Subprojects => yes(is_descendant(target, injector)),
        Scope::Allprojects => yes(target == injector || is_descendant(target, injector)),
        Scope::Project(p) if p.contains('$') || p.is_empty() => Applies::Maybe,
        Scope::Project(p) => yes(absolute(p, injector) == target),
        Scope::Filtered(f) => {
            let in_set = match &f.set {
                ProjectSet::Subprojects => is_descendant(target, injector),
                ProjectSet::Allprojects => target == injector || is_descendant(target, injector),
                ProjectSet::Paths(ps) => ps.iter().any(|p| absolute(p, injector) == target),
            };
            yes(in_set && f.pred.as_ref().is_none_or(|p| p.eval(name, target)))
        }
        Scope::Configure => Applies::Maybe,
    }
}

fn scope_name(ctx: &Scope) -> String {
    match ctx {
        Scope::Own | Scope::Buildscript => String::new(),
        Scope::Subprojects => "`subprojects {}`".into(),
        Scope::Allprojects => "`allprojects {}`".into(),
        Scope::Project(p) => format!("`project(\"{p}\") {{}}`"),
        Scope::Filtered(_) | Scope::Configure => "`configure(…) {}`".into(),
    }
}

/// `"g:n[:v][:classifier][@ext]"` → parts.
pub(crate) fn parse_gav(s: &str) -> Option<(String, String, Option<String>)> {
    let s = s.trim();
    let s = s.split_once('@').map_or(s, |(a, _)| a);
    let parts: Vec<&str> = s.split(':').collect();
    if !(2..=4).contains(&parts.len()) || parts[0].is_empty() || parts[1].is_empty() || s.contains(char::is_whitespace) {
        return None;
    }
    let version = parts.get(2).filter(|v| !v.is_empty()).map(|v| v.to_string());
    Some((parts[0].to_string(), parts[1].to_string(), version))
}

/// `commons:some-lib` → `commons.someLib` (type-safe project accessors, semantics §10.1).
fn project_accessor(path: &str) -> String {
    path.split(':')
        .filter(|s| !s.is_empty())
        .map(|seg| {
            let mut out = String::new();
            for (i, part) in seg.split(['-', '_']).filter(|p| !p.is_empty()).enumerate() {
                if i == 0 {
                    out.push_str(part);
                } else {
                    let mut c = part.chars();
                    if let Some(f) = c.next() {
                        out.extend(f.to_uppercase());
                        out.push_str(c.as_str());
                    }
                }
            }
            out
        })
        .collect::<Vec<_>>()
        .join(".")
}

struct Resolved {
    coord: Coord,
    /// The catalog entry or variable the notation resolved through.
    resolved: Option<Hop>,
    version_span: Option<Span>,
    /// The catalog (root, file) the notation went through.
    catalog: Option<(String, FileId)>,
}

impl<'a> ModuleBuilder<'a> {
    /// This project, then its parent, up to the root project of its build.
    fn lineage(&self) -> Vec<&'a Project> {
        let mut chain: Vec<&'a Project> = vec![self.project];
        let mut path = self.project.path.clone();
        while path != ":" {
            path = match path.rsplit_once(':') {
                Some(("", _)) | None => ":".to_string(),
                Some((p, _)) => p.to_string(),
            };
            if let Some(&i) = self.by_path.get(&(self.project.build_root.clone(), path.clone())) {
                chain.push(&self.projects[i]);
            }
        }
        chain
    }

    /// Variables visible to this project: its own scripts, its ancestors' scripts (extra
    /// properties are inherited), then gradle.properties of the project and the build root.
    fn scope_vars(&self) -> Vars {
        let mut vars = Vars::default();
        for p in self.lineage() {
            if let Some(f) = p.build_file {
                self.script_vars(f, &p.dir, &mut vars, 0);
            }
        }
        for dir in [&self.project.dir, &self.project.build_root] {
            if let Some(fid) = self.input.properties.get(dir.as_str()) {
                if let Parsed::Properties(docs) = &self.input.parsed[fid.0 as usize] {
                    for e in docs.iter().flat_map(|d| d.entries.iter()) {
                        vars.push(VarDef {
                            name: e.key.clone(),
                            value: e.value.clone(),
                            span: Span::new(*fid, e.value_span.clone()),
                        });
                    }
                }
            }
        }
        vars
    }

    fn script_vars(&self, file: FileId, project_dir: &str, vars: &mut Vars, depth: usize) {
        let Some(script) = self.input.scripts.get(&file) else { return };
        for v in &script.vars {
            vars.push(VarDef {
                name: v.name.clone(),
                value: v.value.value.clone(),
                span: Span::new(file, v.value.span.clone()),
            });
        }
        if depth >= MAX_APPLY_DEPTH {
            return;
        }
        for s in &script.applied_scripts {
            if let Some((id, _)) = self.find_script(s, file, project_dir) {
                self.script_vars(id, project_dir, vars, depth + 1);
            }
        }
    }

    /// Resolves `apply from:` paths: relative to the project directory (what Gradle does),
    /// then to the applying script's directory, then to the build root.
    fn find_script(&self, s: &ScriptRef, from: FileId, project_dir: &str) -> Option<(FileId, &'a BuildScript)> {
        if s.computed || s.path.value.contains("://") {
            return None;
        }
        let raw = s.path.value.as_str();
        let root = &self.project.build_root;
        let mut bases: Vec<(String, String)> = Vec::new();
        let stripped = strip_root_template(raw);
        if stripped != raw {
            bases.push((root.clone(), stripped.to_string()));
        } else {
            for prefix in ["$projectDir/", "${projectDir}/", "${project.projectDir}/", "$project.projectDir/"] {
                if let Some(rest) = raw.strip_prefix(prefix) {
                    bases.push((project_dir.to_string(), rest.to_string()));
                }
            }
            let resolved = self.vars.resolve(raw);
            let rel = resolved.as_deref().unwrap_or(raw);
            if !rel.contains('$') {
                bases.push((project_dir.to_string(), rel.to_string()));
                bases.push((parent_dir(self.input.path(from)).to_string(), rel.to_string()));
                bases.push((root.clone(), rel.to_string()));
            }
        }
        bases.iter().find_map(|(base, rel)| self.input.script(&join_path(base, rel)?))
    }

    fn run(&mut self) {
        if let Some(f) = self.project.build_file {
            self.apply_script(f, &[], false, None, 0, true);
            self.dep_anchor(f);
        }
        // Blocks of this project and the projects above it that configure other projects,
        // root-most first, like Gradle evaluates them.
        let mut injectors = self.lineage();
        injectors.reverse();
        for inj in injectors {
            let Some(file) = inj.build_file else { continue };
            self.inject(file, &inj.path);
        }
    }

    fn finish(mut self, plugin_dirs: &[String]) -> Module {
        // `plugins.withId("x") { dependencies { … } }` counts when the project has `x`.
        let unknown_plugins = self.module.unknown.iter().any(|(w, _)| w.starts_with("plugin "));
        for (mut dep, when) in std::mem::take(&mut self.pending) {
            if let Some(id) = when {
                if !self.module.plugins.contains(&id) {
                    if !unknown_plugins {
                        continue;
                    }
                    dep.conditional = true;
                }
            }
            self.module.deps.push(dep);
        }
        if self.module.boot_version.is_none() {
            self.module.boot_version = self.build_boot_version(plugin_dirs);
        }
        // The dependency-management plugin reads `micrometer.version` to override Boot's.
        if self.module.pins_win {
            if let Some(d) = self.vars.get("micrometer.version") {
                self.module.micrometer_override = Some((d.value.clone(), d.span));
            }
        }
        // The project name: the last path segment, or for a root project its
        // `rootProject.name` (what `includeBuild` substitution matches on).
        let root_name = || {
            self.input
                .settings
                .iter()
                .find(|(id, _)| parent_dir(self.input.path(*id)) == self.project.build_root)
                .and_then(|(_, s)| s.root_project_name.as_ref().map(|n| n.value.clone()))
                .unwrap_or_else(|| file_name(&self.module.dir).to_string())
        };
        let name = self
            .module
            .gradle_path
            .rsplit(':')
            .next()
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .unwrap_or_else(root_name);
        if let Some(g) = self
            .project
            .build_file
            .and_then(|f| self.input.scripts.get(&f))
            .and_then(|s| s.group.as_ref())
        {
            self.module.coords = Some((g.value.clone(), name.clone()));
        }
        self.module.project_name = Some(name).filter(|n| !n.is_empty());
        self.module
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gav() {
        assert_eq!(
            parse_gav("io.micrometer:micrometer-registry-prometheus:1.12.0"),
            Some((
                "io.micrometer".into(),
                "micrometer-registry-prometheus".into(),
                Some("1.12.0".into())
            ))
        );
        assert_eq!(parse_gav("a:b@jar"), Some(("a".into(), "b".into(), None)));
        assert_eq!(parse_gav("nonsense"), None);
    }

    #[test]
    fn accessors_and_paths() {
        assert_eq!(project_accessor(":commons:some-lib"), "commons.someLib");
        assert_eq!(project_accessor(":a_b"), "aB");
        assert_eq!(absolute("x", ":"), ":x");
        assert_eq!(absolute("x", ":a"), ":a:x");
        assert!(is_descendant(":a:b", ":a"));
        assert!(!is_descendant(":ab", ":a"));
        assert!(is_descendant(":a", ":"));
        assert!(!is_descendant(":", ":"));
    }
}
