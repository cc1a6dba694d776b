//! Gradle builds → modules (semantics §10.1–10.3).
//!
//! A build is a directory with a settings file (or a lone build file). Its projects come from
//! literal `include(…)` arguments (every prefix of `:a:b:c` is a project), relocated by
//! `projectDir`/`buildFileName`. Plugin builds (`buildSrc`, included builds such as
//! `build-logic`) are not modules: their precompiled script plugins are applied, by id, to the
//! projects that apply them. A module's dependencies are the union of its own build file, the
//! convention plugins and scripts it applies, and the `subprojects {}` / `allprojects {}` /
//! `project(":x") {}` / `configure(…) {}` blocks of the projects above it.

use super::known::is_inert_plugin;
use super::vars::{VarDef, Vars};
use super::{
    file_name, join_path, parent_dir, BuildKind, CatalogUse, Coord, Dep, DepBlock, Hop, Module, BOOT_PLUGIN, DEPENDENCY_MANAGEMENT_PLUGIN,
};
use crate::model::spring::BootVersion;
use crate::parse::catalog::{self, Catalog};
use crate::parse::gradle::{BuildScript, Context, Dependency, Notation, PluginRef, ProjectSet, ScriptRef, Settings};
use crate::parse::Parsed;
use crate::source::{FileId, SourceSet, Span};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};

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
                dir: p.dir.clone(),
                build_file: p.build_file,
                kotlin_dsl: p.build_file.is_none_or(|f| input.path(f).ends_with(".kts")),
                build_root: p.build_root.clone(),
                kind: BuildKind::Gradle,
                boot_plugin: None,
                boot_version: None,
                deps: vec![],
                dep_block: None,
                unknown: p.doubt.iter().cloned().collect(),
                plugins: vec![],
                coords: None,
                project_name: None,
                catalog: None,
                maven: None,
                pins_win: false,
                micrometer_override: None,
                managed: vec![],
                mentions: vec![],
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

fn under(path: &str, dir: &str) -> bool {
    dir.is_empty() || path == dir || path.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

/// `buildSrc` of every build, included builds that build plugins, and any project that applies
/// `kotlin-dsl`/`java-gradle-plugin`.
fn plugin_build_dirs(input: &Input<'_>) -> Vec<String> {
    let mut dirs: BTreeSet<String> = BTreeSet::new();
    for (_, f) in input.sources.iter() {
        // `buildSrc` anywhere is the implicit plugin build of the build around it.
        if let Some(i) = f.path.find("buildSrc/") {
            if i == 0 || f.path[..i].ends_with('/') {
                dirs.insert(f.path[..i + "buildSrc".len()].to_string());
            }
        }
    }
    for (id, s) in input.scripts.iter() {
        let applies_plugin_dev = s
            .plugins
            .iter()
            .any(|p| p.context == Context::Own && p.id.as_ref().is_some_and(|i| PLUGIN_BUILD_PLUGINS.contains(&i.value.as_str())));
        let path = input.path(*id);
        if applies_plugin_dev && matches!(file_name(path), "build.gradle" | "build.gradle.kts") {
            dirs.insert(parent_dir(path).to_string());
        }
    }
    // Included builds whose directory holds precompiled script plugins.
    for (sid, s) in &input.settings {
        let root = parent_dir(input.path(*sid));
        for inc in &s.include_builds {
            let Some(dir) = join_path(root, &inc.value) else { continue };
            let has_plugins = input.scripts.keys().any(|id| {
                let p = input.path(*id);
                under(p, &dir) && precompiled_project(p).is_some()
            });
            if has_plugins {
                dirs.insert(dir);
            }
        }
    }
    dirs.into_iter().collect()
}

/// For `x/src/main/kotlin/a/b.gradle.kts`: the plugin project directory `x`.
fn precompiled_project(path: &str) -> Option<&str> {
    for marker in ["src/main/kotlin/", "src/main/groovy/"] {
        if let Some(i) = path.find(marker) {
            if i == 0 || path[..i].ends_with('/') {
                return Some(path[..i].trim_end_matches('/'));
            }
        }
    }
    None
}

fn conventions(input: &Input<'_>, plugin_dirs: &[String]) -> Vec<Convention> {
    let mut out = Vec::new();
    for (id, script) in &input.scripts {
        let path = input.path(*id);
        let Some(project_dir) = precompiled_project(path) else { continue };
        let name = file_name(path);
        if name.ends_with(".settings.gradle.kts") || name.ends_with(".init.gradle.kts") {
            continue;
        }
        let stem = name.trim_end_matches(".gradle.kts").trim_end_matches(".gradle");
        let plugin_id = match &script.package {
            Some(p) if path.ends_with(".kts") => format!("{p}.{stem}"),
            _ => stem.to_string(),
        };
        let build_dir = plugin_dirs
            .iter()
            .filter(|d| under(path, d))
            .max_by_key(|d| d.len())
            .cloned()
            .unwrap_or_else(|| project_dir.to_string());
        out.push(Convention {
            id: plugin_id,
            file: *id,
            build_dir,
        });
    }
    out
}

fn catalogs<'a>(input: &Input<'a>, files: &[(FileId, &'a Catalog)]) -> Catalogs<'a> {
    let mut entries = Vec::new();
    // `<build>/gradle/libs.versions.toml` is imported as `libs` by every build; other files in
    // `gradle/` are kept under their stem, for settings that declare them under that name.
    for (id, c) in files {
        let path = input.path(*id);
        let dir = parent_dir(path);
        if file_name(dir) != "gradle" {
            continue;
        }
        let root = parent_dir(dir).to_string();
        let name = file_name(path).trim_end_matches(".versions.toml").to_string();
        entries.push((root, name, *id, *c));
    }
    // `versionCatalogs { create("x") { from(files("…")) } }`
    for (sid, s) in &input.settings {
        let root = parent_dir(input.path(*sid)).to_string();
        for (name, file) in &s.catalogs {
            let Some(path) = join_path(&root, strip_root_template(&file.value)) else {
                continue;
            };
            let Some(fid) = input.sources.find(&path) else { continue };
            if let Parsed::Catalog(c) = &input.parsed[fid.0 as usize] {
                entries.retain(|(r, n, _, _)| !(r == &root && n == &name.value));
                entries.push((root.clone(), name.value.clone(), fid, c));
            }
        }
    }
    Catalogs { entries }
}

/// `$rootDir/x`, `${rootDir}/x`, `$settingsDir/x` → `x` (paths are relative to the build root).
fn strip_root_template(p: &str) -> &str {
    for prefix in [
        "$rootDir/",
        "${rootDir}/",
        "$settingsDir/",
        "${settingsDir}/",
        "${rootProject.projectDir}/",
        "$rootProject.projectDir/",
        "${project.rootDir}/",
        "${rootProject.rootDir}/",
    ] {
        if let Some(rest) = p.strip_prefix(prefix) {
            return rest;
        }
    }
    p
}

fn projects(input: &Input<'_>, in_plugin_build: &dyn Fn(&str) -> bool) -> Vec<Project> {
    let mut out: Vec<Project> = Vec::new();
    let mut claimed: BTreeSet<FileId> = BTreeSet::new();
    // Index of each directory's project in `out` (one project per directory).
    let mut by_dir: HashMap<String, usize> = HashMap::new();
    let mut dynamic_roots: Vec<(String, Span)> = Vec::new();
    let mut settings: Vec<&(FileId, &Settings)> = input.settings.iter().collect();
    settings.sort_by_key(|(id, _)| input.path(*id).len());
    for (sid, s) in settings {
        let root = parent_dir(input.path(*sid)).to_string();
        if in_plugin_build(&root) {
            continue;
        }
        if let Some(r) = s.dynamic_includes.first() {
            dynamic_roots.push((root.clone(), Span::new(*sid, r.clone())));
        }
        // path → dir, top-down so children follow relocated parents
        let mut paths: BTreeSet<String> = BTreeSet::new();
        paths.insert(":".to_string());
        for inc in &s.includes {
            let segs: Vec<&str> = inc.value.split(':').filter(|x| !x.is_empty()).collect();
            for k in 1..=segs.len() {
                paths.insert(format!(":{}", segs[..k].join(":")));
            }
        }
        // `projectDir` / `buildFileName` assignments by project path, the last one winning (an
        // index: a scan per project is quadratic in settings files that relocate every project).
        let project_dirs: HashMap<String, &str> = s
            .project_dirs
            .iter()
            .map(|(p, d)| (normalize_path(&p.value), d.value.as_str()))
            .collect();
        let build_file_names: HashMap<String, &str> = s
            .build_file_names
            .iter()
            .map(|(p, f)| (normalize_path(&p.value), f.value.as_str()))
            .collect();
        let remap = |path: &str| project_dirs.get(path).and_then(|d| join_path(&root, strip_root_template(d)));
        let mut dirs: BTreeMap<String, String> = BTreeMap::new();
        let mut ordered: Vec<String> = paths.into_iter().collect();
        ordered.sort_by_key(|p| p.matches(':').count());
        for path in &ordered {
            let dir = if path == ":" {
                root.clone()
            } else {
                let (parent, name) = path.rsplit_once(':').unwrap_or((":", path));
                let parent = if parent.is_empty() { ":" } else { parent };
                let base = dirs.get(parent).cloned().unwrap_or_else(|| root.clone());
                remap(path).unwrap_or_else(|| join_path(&base, name).unwrap_or_default())
            };
            dirs.insert(path.clone(), dir);
        }
        for path in ordered {
            // A directory belongs to one build: the outermost settings file that includes it.
            // Gradle invoked from that directory (or below it, searching upward) builds it as
            // one of its projects, so `project(':api')` resolves there; a nested settings file
            // of the directory (often there so the service opens alone in an IDE) only applies
            // when Gradle is started inside it (semantics §10.3). Settings come shortest path
            // first, so an outer build has claimed the directory already.
            let dir = dirs[&path].clone();
            if by_dir.contains_key(&dir) {
                continue;
            }
            let name = path
                .rsplit(':')
                .next()
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| file_name(&root));
            let custom = build_file_names.get(path.as_str()).copied();
            let build_file = build_file_of(input, &dir, name, custom);
            if let Some(f) = build_file {
                claimed.insert(f);
            }
            let project = Project {
                path,
                dir,
                build_root: root.clone(),
                build_file,
                doubt: None,
            };
            by_dir.insert(project.dir.clone(), out.len());
            out.push(project);
        }
    }
    // Build files no settings file includes.
    for id in input.scripts.keys() {
        let path = input.path(*id);
        if claimed.contains(id) || !matches!(file_name(path), "build.gradle" | "build.gradle.kts") || in_plugin_build(path) {
            continue;
        }
        let dir = parent_dir(path).to_string();
        if by_dir.contains_key(&dir) {
            continue;
        }
        by_dir.insert(dir.clone(), out.len());
        // Under a build whose settings include projects with computed arguments: most
        // likely one of them, at the path its directory gives.
        let dynamic = dynamic_roots
            .iter()
            .filter(|(r, _)| under(&dir, r) && *r != dir)
            .max_by_key(|(r, _)| r.len());
        match dynamic {
            Some((root, span)) => {
                let rel = dir.strip_prefix(root.as_str()).unwrap_or(&dir).trim_start_matches('/');
                out.push(Project {
                    path: format!(":{}", rel.replace('/', ":")),
                    dir: dir.clone(),
                    build_root: root.clone(),
                    build_file: Some(*id),
                    doubt: Some((
                        "the settings file includes projects with a computed `include(…)`; this module's project path and the blocks that configure it are assumed".to_string(),
                        *span,
                    )),
                });
            }
            // Gradle would run it as its own single-project build.
            None => out.push(Project {
                path: ":".into(),
                dir: dir.clone(),
                build_root: dir,
                build_file: Some(*id),
                doubt: None,
            }),
        }
    }
    out.sort_by(|a, b| a.dir.cmp(&b.dir));
    out
}

fn normalize_path(p: &str) -> String {
    let trimmed = p.trim_start_matches(':');
    format!(":{trimmed}")
}

fn build_file_of(input: &Input<'_>, dir: &str, name: &str, custom: Option<&str>) -> Option<FileId> {
    let mut candidates: Vec<String> = Vec::new();
    if let Some(c) = custom {
        candidates.push(c.to_string());
    }
    candidates.extend(["build.gradle.kts".to_string(), "build.gradle".to_string()]);
    // `rootProject.children.forEach { it.buildFileName = "${it.name}.gradle.kts" }`
    candidates.extend([format!("{name}.gradle.kts"), format!("{name}.gradle")]);
    candidates.iter().find_map(|c| {
        let path = join_path(dir, c)?;
        let id = input.sources.find(&path)?;
        input.scripts.contains_key(&id).then_some(id)
    })
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

fn applies(ctx: &Context, injector: &str, target: &str) -> Applies {
    let name = target.rsplit(':').next().unwrap_or("");
    let yes = |b: bool| if b { Applies::Yes } else { Applies::No };
    match ctx {
        Context::Own | Context::Buildscript => Applies::No,
        Context::Subprojects => yes(is_descendant(target, injector)),
        Context::Allprojects => yes(target == injector || is_descendant(target, injector)),
        Context::Project(p) if p.contains('$') || p.is_empty() => Applies::Maybe,
        Context::Project(p) => yes(absolute(p, injector) == target),
        Context::Filtered(f) => {
            let in_set = match &f.set {
                ProjectSet::Subprojects => is_descendant(target, injector),
                ProjectSet::Allprojects => target == injector || is_descendant(target, injector),
                ProjectSet::Paths(ps) => ps.iter().any(|p| absolute(p, injector) == target),
            };
            yes(in_set && f.pred.as_ref().is_none_or(|p| p.eval(name, target)))
        }
        Context::Configure => Applies::Maybe,
    }
}

fn context_name(ctx: &Context) -> String {
    match ctx {
        Context::Own | Context::Buildscript => String::new(),
        Context::Subprojects => "`subprojects {}`".into(),
        Context::Allprojects => "`allprojects {}`".into(),
        Context::Project(p) => format!("`project(\"{p}\") {{}}`"),
        Context::Filtered(_) | Context::Configure => "`configure(…) {}`".into(),
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
            self.dep_block(f);
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

    fn inject(&mut self, file: FileId, injector: &str) {
        let Some(script) = self.input.scripts.get(&file).copied() else {
            return;
        };
        // Where in an ancestor's script an unread coordinate sits is unknown: it may be meant
        // for this project.
        if injector != self.module.gradle_path {
            self.record_mentions(file, script);
        }
        let target = self.module.gradle_path.clone();
        for p in &script.plugins {
            let a = applies(&p.context, injector, &target);
            if a != Applies::No && p.apply {
                self.plugin_applied(file, p, &[], p.conditional || a == Applies::Maybe, 0);
            }
        }
        for d in &script.dependencies {
            let a = applies(&d.context, injector, &target);
            if a != Applies::No {
                let origin = context_name(&d.context);
                self.push_dep(file, d, &[], a == Applies::Maybe, Some(origin));
            }
        }
        for s in &script.applied_scripts {
            let a = applies(&s.context, injector, &target);
            if a != Applies::No {
                self.script_applied(file, s, &[], s.conditional || a == Applies::Maybe, 0);
            }
        }
    }

    /// Applies what a script declares for its own project (the module's build file, a
    /// convention plugin, a script applied with `apply from:`).
    fn apply_script(&mut self, file: FileId, via: &[Hop], conditional: bool, origin: Option<String>, depth: usize, own: bool) {
        let Some(script) = self.input.scripts.get(&file).copied() else {
            return;
        };
        if !own && !self.applied.insert(file) {
            return;
        }
        if self.input.failed.contains(&file) {
            self.module.unknown.push((
                format!(
                    "`{}` has a syntax error, so its dependencies are only partly read",
                    self.input.path(file)
                ),
                Span::new(file, 0..0),
            ));
        }
        for p in script.plugins.iter().filter(|p| p.context == Context::Own && p.apply) {
            self.plugin_applied(file, p, via, conditional || p.conditional, depth);
        }
        for d in script.dependencies.iter().filter(|d| d.context == Context::Own) {
            self.push_dep(file, d, via, conditional, origin.clone());
        }
        for s in script.applied_scripts.iter().filter(|s| s.context == Context::Own) {
            self.script_applied(file, s, via, conditional || s.conditional, depth);
        }
        self.record_mentions(file, script);
        for v in &script.managed {
            if let Some((g, n, _)) = self.vars.resolve(&v.value).as_deref().and_then(parse_gav) {
                self.module.managed.push((g, n, Span::new(file, v.span.clone())));
            }
        }
        // Boot versions pinned by this script's BOMs.
        for bom in script.boms.iter() {
            self.boot_version_from_bom(file, &bom.value, &bom.span);
        }
        for d in script.dependencies.iter().filter(|d| d.context == Context::Own) {
            if let Notation::Platform(inner) = &d.notation {
                if let Notation::Module {
                    group,
                    name,
                    version: Some(v),
                    span,
                } = inner.as_ref()
                {
                    if group == "org.springframework.boot" && name == "spring-boot-dependencies" {
                        let v = self.vars.resolve(v).unwrap_or_else(|| v.clone());
                        self.set_boot_version(&v, Span::new(file, span.clone()), false);
                    }
                }
            }
        }
    }

    fn record_mentions(&mut self, file: FileId, script: &BuildScript) {
        for s in &script.mentions {
            if let Some((g, n, _)) = self.vars.resolve(&s.value).as_deref().and_then(parse_gav) {
                self.module.mentions.push((g, n, Span::new(file, s.span.clone())));
            }
        }
    }

    fn boot_version_from_bom(&mut self, file: FileId, bom: &str, span: &std::ops::Range<u32>) {
        let resolved = self.vars.resolve(bom).unwrap_or_else(|| bom.to_string());
        if let Some((g, n, Some(v))) = parse_gav(&resolved) {
            if g == "org.springframework.boot" && n == "spring-boot-dependencies" {
                self.set_boot_version(&v, Span::new(file, span.clone()), false);
            }
        }
    }

    fn set_boot_version(&mut self, version: &str, span: Span, from_plugin: bool) {
        if self.module.boot_version.is_some() && !from_plugin {
            return;
        }
        if let Some(bv) = BootVersion::parse(version, Some(span)) {
            self.module.boot_version = Some(bv);
        }
    }

    fn script_applied(&mut self, file: FileId, s: &ScriptRef, via: &[Hop], conditional: bool, depth: usize) {
        let span = Span::new(file, s.span.clone());
        if s.computed {
            self.module
                .unknown
                .push((format!("a script is applied from a computed location `{}`", s.path.value), span));
            return;
        }
        if s.path.value.contains("://") {
            self.module.unknown.push((
                format!("script `{}` is applied from a URL and is not in the repository", s.path.value),
                span,
            ));
            return;
        }
        if depth >= MAX_APPLY_DEPTH {
            return;
        }
        let project_dir = self.project.dir.clone();
        match self.find_script(s, file, &project_dir) {
            Some((id, _)) => {
                let mut chain = via.to_vec();
                chain.push(Hop {
                    span,
                    note: format!("applies script `{}`", self.input.path(id)),
                });
                self.apply_script(id, &chain, conditional, None, depth + 1, false);
            }
            None => self
                .module
                .unknown
                .push((format!("script `{}` is applied but is not in the repository", s.path.value), span)),
        }
    }

    fn plugin_applied(&mut self, file: FileId, p: &PluginRef, via: &[Hop], conditional: bool, depth: usize) {
        let span = Span::new(file, p.span.clone());
        let Some((id, version, version_span)) = self.plugin_id(file, p) else {
            if let Some(a) = &p.alias {
                self.module
                    .unknown
                    .push((format!("plugin alias `{a}` is not in a version catalog of this build"), span));
            }
            return;
        };
        if !self.module.plugins.contains(&id) {
            self.module.plugins.push(id.clone());
        }
        if id == BOOT_PLUGIN {
            if self.module.boot_plugin.is_none() {
                self.module.boot_plugin = Some(span);
                self.boot_from = self.conventions.iter().find(|c| c.file == file).map(|c| c.build_dir.clone());
            }
            if let (Some(v), Some(vs)) = (version, version_span) {
                self.set_boot_version(&v, vs, true);
            }
            return;
        }
        if id == DEPENDENCY_MANAGEMENT_PLUGIN {
            self.module.pins_win = true;
        }
        if let Some(conv) = self.convention(&id) {
            if depth < MAX_APPLY_DEPTH {
                let mut chain = via.to_vec();
                chain.push(Hop {
                    span,
                    note: format!("applies plugin `{id}`"),
                });
                let file = conv.file;
                self.apply_script(file, &chain, conditional, None, depth + 1, false);
            }
            return;
        }
        if is_inert_plugin(&id) {
            return;
        }
        let implemented_here = self.binary_plugin_in_repo(&id);
        let why = match implemented_here {
            Some(f) => format!("plugin `{id}` is implemented in code (`{f}`) and may add dependencies"),
            None => format!("plugin `{id}` is not in this repository and may add dependencies"),
        };
        self.module.unknown.push((why, span));
    }

    /// The plugin id, version and where the version is written.
    fn plugin_id(&self, file: FileId, p: &PluginRef) -> Option<(String, Option<String>, Option<Span>)> {
        if let Some(id) = &p.id {
            let version = p
                .version
                .as_ref()
                .map(|v| self.vars.resolve(&v.value).unwrap_or_else(|| v.value.clone()));
            let span = p.version.as_ref().map(|v| Span::new(file, v.span.clone()));
            // `apply plugin: SpringBootPlugin` names the class.
            let value = match id.value.as_str() {
                "SpringBootPlugin" | "org.springframework.boot.gradle.plugin.SpringBootPlugin" => BOOT_PLUGIN.to_string(),
                "DependencyManagementPlugin" | "io.spring.gradle.dependencymanagement.DependencyManagementPlugin" => {
                    DEPENDENCY_MANAGEMENT_PLUGIN.to_string()
                }
                v => v.to_string(),
            };
            return Some((value, version, span));
        }
        let alias = p.alias.as_deref()?;
        let (root, rest) = alias.split_once('.')?;
        let rest = rest.strip_prefix("plugins.")?;
        let (cfile, cat) = self.catalogs.get(&self.project.build_root, root)?;
        let plug = cat.plugins.iter().find(|x| x.accessor == rest)?;
        Some((plug.id.clone(), plug.version.clone(), Some(Span::new(cfile, plug.span.clone()))))
    }

    fn convention(&self, id: &str) -> Option<&'a Convention> {
        let mine: Vec<&Convention> = self.conventions.iter().filter(|c| c.id == id).collect();
        // Prefer the plugin builds of this build (its buildSrc, its included builds).
        mine.iter()
            .find(|c| under(&c.build_dir, &self.project.build_root))
            .or_else(|| mine.first())
            .copied()
    }

    /// A `gradlePlugin { plugins { … id = "x" … } }` in a plugin build of the repository.
    fn binary_plugin_in_repo(&self, id: &str) -> Option<&'a str> {
        let quoted = [format!("\"{id}\""), format!("'{id}'")];
        self.input
            .plugin_declarations
            .iter()
            .map(|f| self.input.sources.get(*f))
            .find(|f| quoted.iter().any(|q| f.text.contains(q.as_str())))
            .map(|f| f.path.as_str())
    }

    fn push_dep(&mut self, file: FileId, d: &Dependency, via: &[Hop], conditional: bool, origin: Option<String>) {
        let configuration = if d.test_suite {
            format!("testing:{}", d.configuration)
        } else {
            d.configuration.clone()
        };
        let own = via.is_empty() && origin.is_none() && Some(file) == self.project.build_file;
        for r in self.resolve(file, &d.notation) {
            if own && self.module.catalog.is_none() {
                if let Some((root, f)) = &r.catalog {
                    self.module.catalog = Some(CatalogUse {
                        root: root.clone(),
                        file: *f,
                    });
                }
            }
            let dep = Dep {
                configuration: configuration.clone(),
                coord: r.coord,
                span: Span::new(file, d.span.clone()),
                notation: Some(Span::new(file, notation_span(&d.notation))),
                conditional: conditional || d.conditional,
                optional: false,
                via: via.to_vec(),
                origin: origin.clone(),
                resolved: r.resolved,
                version_span: r.version_span,
                target: None,
            };
            self.pending.push((dep, d.when_plugin.clone()));
        }
    }

    /// The version's own span inside a `"g:n:version"` literal (else the whole literal).
    fn version_in_string(&self, file: FileId, span: &std::ops::Range<u32>, version: &str) -> Span {
        let text = self
            .input
            .sources
            .get(file)
            .text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("");
        match text.rfind(&format!(":{version}")) {
            Some(i) => {
                let start = span.start + i as u32 + 1;
                Span::new(file, start..start + version.len() as u32)
            }
            None => Span::new(file, span.clone()),
        }
    }

    fn resolve(&self, file: FileId, n: &Notation) -> Vec<Resolved> {
        let plain = |coord: Coord| Resolved {
            coord,
            resolved: None,
            version_span: None,
            catalog: None,
        };
        match n {
            Notation::Module {
                group,
                name,
                version,
                span,
            } => {
                let g = self.vars.resolve(group);
                let a = self.vars.resolve(name);
                let (Some(g), Some(a)) = (g, a) else {
                    return vec![plain(Coord::Unknown(format!("{group}:{name}")))];
                };
                let (version, version_span) = match version {
                    Some(v) if v.contains('$') => (self.vars.resolve(v).or(Some(v.clone())), self.vars.span_of_template(v)),
                    Some(v) => (Some(v.clone()), Some(self.version_in_string(file, span, v))),
                    None => (None, None),
                };
                vec![Resolved {
                    coord: Coord::Module {
                        group: g,
                        name: a,
                        version,
                    },
                    resolved: None,
                    version_span,
                    catalog: None,
                }]
            }
            Notation::Catalog { accessor, .. } => self.resolve_accessor(accessor),
            Notation::Project { path, .. } => {
                if let Some(acc) = path.strip_prefix("projects.") {
                    let found = self
                        .projects
                        .iter()
                        .filter(|p| p.build_root == self.project.build_root && p.path != ":")
                        .find(|p| project_accessor(&p.path) == acc);
                    return vec![plain(match found {
                        Some(p) => Coord::Project(p.path.clone()),
                        None => Coord::Unknown(path.clone()),
                    })];
                }
                vec![plain(Coord::Project(absolute(path, &self.project.path)))]
            }
            // A BOM only manages versions; it adds nothing to the classpath.
            Notation::Platform(_) => vec![],
            Notation::Other { text, .. } => {
                const NOT_ARTIFACTS: &[&str] = &[
                    "kotlin(",
                    "files(",
                    "fileTree(",
                    "gradleApi(",
                    "localGroovy(",
                    "testFixtures(",
                    "gradleTestKit(",
                ];
                if NOT_ARTIFACTS.iter().any(|p| text.starts_with(p)) {
                    return vec![];
                }
                let quoted = text.len() >= 2
                    && (text.starts_with('"') || text.starts_with('\''))
                    && text.ends_with(text.chars().next().unwrap_or('"'));
                let value = if quoted {
                    self.vars.resolve(&text[1..text.len() - 1])
                } else {
                    self.vars.get(text).map(|d| d.value.clone()).and_then(|v| self.vars.resolve(&v))
                };
                let def = if quoted { None } else { self.vars.get(text) };
                match value.as_deref().and_then(parse_gav) {
                    Some((group, name, version)) => vec![Resolved {
                        version_span: def.filter(|_| version.is_some()).map(|d| d.span),
                        coord: Coord::Module { group, name, version },
                        resolved: def.map(|d| Hop {
                            span: d.span,
                            note: format!("variable `{}`", d.name),
                        }),
                        catalog: None,
                    }],
                    None => vec![plain(Coord::Unknown(text.clone()))],
                }
            }
        }
    }

    /// `libs.a.b` / `libs.bundles.x` through the build's catalogs; else a variable holding a
    /// coordinate (`ext.libs = [a: "g:n"]` … `libs.a`).
    fn resolve_accessor(&self, accessor: &str) -> Vec<Resolved> {
        let acc = accessor.trim_end_matches(".get()");
        let unknown = || Resolved {
            coord: Coord::Unknown(accessor.to_string()),
            resolved: None,
            version_span: None,
            catalog: None,
        };
        let Some((root, rest)) = acc.split_once('.') else {
            return vec![unknown()];
        };
        let Some((cfile, cat)) = self.catalogs.get(&self.project.build_root, root) else {
            if let Some(def) = self.vars.get(acc) {
                if let Some((group, name, version)) = self.vars.resolve(&def.value).as_deref().and_then(parse_gav) {
                    return vec![Resolved {
                        version_span: version.as_ref().map(|_| def.span),
                        coord: Coord::Module { group, name, version },
                        resolved: Some(Hop {
                            span: def.span,
                            note: format!("variable `{}`", def.name),
                        }),
                        catalog: None,
                    }];
                }
            }
            return vec![unknown()];
        };
        let lib = |a: &str| {
            cat.libraries.iter().find(|l| l.accessor == a).map(|l| Resolved {
                coord: Coord::Module {
                    group: l.group.clone(),
                    name: l.name.clone(),
                    version: l.version.clone(),
                },
                resolved: Some(Hop {
                    span: Span::new(cfile, l.span.clone()),
                    note: format!("catalog entry `{}`", l.alias),
                }),
                version_span: l.version.as_ref().map(|_| Span::new(cfile, l.span.clone())),
                catalog: Some((root.to_string(), cfile)),
            })
        };
        if let Some(b) = rest.strip_prefix("bundles.") {
            if let Some(bundle) = cat.bundles.iter().find(|x| x.accessor == b) {
                return bundle
                    .aliases
                    .iter()
                    .map(|a| {
                        let mut r = lib(&catalog::accessor(a)).unwrap_or_else(|| Resolved {
                            coord: Coord::Unknown(a.clone()),
                            resolved: None,
                            version_span: None,
                            catalog: None,
                        });
                        // The bundle is what the build file names; point at it.
                        r.resolved = Some(Hop {
                            span: Span::new(cfile, bundle.span.clone()),
                            note: format!("catalog bundle `{}`", bundle.name),
                        });
                        r
                    })
                    .collect();
            }
        }
        // `libs.x.asProvider()` names the alias `x` when `x.y` exists too.
        let rest = rest.trim_end_matches(".asProvider()");
        vec![lib(rest).unwrap_or_else(unknown)]
    }

    fn dep_block(&mut self, file: FileId) {
        let Some(script) = self.input.scripts.get(&file) else { return };
        let block = script
            .blocks
            .iter()
            .filter(|b| b.context == Context::Own)
            .min_by_key(|b| (b.indent.len(), b.open));
        if let Some(b) = block {
            self.module.dep_block = Some(DepBlock {
                file,
                open: b.open,
                close: b.close,
                indent: b.indent.clone(),
                self_closing: false,
            });
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

    /// The Boot version the build declares for its plugin: `pluginManagement`, a root
    /// `plugins { … apply false }`, the catalog, `buildscript` classpath, or the plugin build
    /// the Boot plugin came from.
    fn build_boot_version(&self, plugin_dirs: &[String]) -> Option<BootVersion> {
        let key = (self.project.build_root.clone(), self.boot_from.clone());
        if let Some(v) = self.boot_cache.borrow().get(&key) {
            return v.clone();
        }
        let v = self.compute_build_boot_version(plugin_dirs);
        self.boot_cache.borrow_mut().insert(key, v.clone());
        v
    }

    fn compute_build_boot_version(&self, plugin_dirs: &[String]) -> Option<BootVersion> {
        let root = &self.project.build_root;
        for (sid, s) in &self.input.settings {
            if parent_dir(self.input.path(*sid)) != root.as_str() {
                continue;
            }
            for p in &s.plugin_versions {
                if let Some((id, Some(v), Some(span))) = self.plugin_id(*sid, p) {
                    if id == BOOT_PLUGIN {
                        if let Some(bv) = BootVersion::parse(&v, Some(span)) {
                            return Some(bv);
                        }
                    }
                }
            }
        }
        // Projects of the build, root first.
        let mut files: Vec<FileId> = self
            .projects
            .iter()
            .filter(|p| &p.build_root == root)
            .filter_map(|p| p.build_file)
            .collect();
        files.sort_by_key(|f| self.input.path(*f).len());
        for f in &files {
            let Some(script) = self.input.scripts.get(f) else { continue };
            for p in script.plugins.iter() {
                if let Some((id, Some(v), Some(span))) = self.plugin_id(*f, p) {
                    if id == BOOT_PLUGIN {
                        if let Some(bv) = BootVersion::parse(&v, Some(span)) {
                            return Some(bv);
                        }
                    }
                }
            }
            if let Some(bv) = self.boot_gradle_plugin_dep(*f, script, root) {
                return Some(bv);
            }
        }
        for (_, _, cfile, cat) in self.catalogs.entries.iter().filter(|(r, _, _, _)| r == root) {
            if let Some(p) = cat.plugins.iter().find(|p| p.id == BOOT_PLUGIN) {
                if let Some(bv) = p
                    .version
                    .as_deref()
                    .and_then(|v| BootVersion::parse(v, Some(Span::new(*cfile, p.span.clone()))))
                {
                    return Some(bv);
                }
            }
        }
        // The plugin build that supplies the Boot plugin: `implementation("…:spring-boot-gradle-plugin:3.2.5")`.
        let dirs: Vec<&String> = match &self.boot_from {
            Some(d) => vec![d],
            None => plugin_dirs.iter().filter(|d| under(d, root)).collect(),
        };
        for dir in dirs {
            for (f, script) in self.input.scripts.iter() {
                let path = self.input.path(*f);
                if under(path, dir) && matches!(file_name(path), "build.gradle" | "build.gradle.kts") {
                    if let Some(bv) = self.boot_gradle_plugin_dep(*f, script, dir) {
                        return Some(bv);
                    }
                }
            }
        }
        None
    }

    /// `classpath("org.springframework.boot:spring-boot-gradle-plugin:2.7.0")` in `buildscript`,
    /// or a plugin build's dependency on the Boot Gradle plugin (also through its catalog).
    fn boot_gradle_plugin_dep(&self, file: FileId, script: &BuildScript, build_root: &str) -> Option<BootVersion> {
        for d in &script.dependencies {
            let (version, span) = match &d.notation {
                Notation::Module {
                    group,
                    name,
                    version: Some(v),
                    span,
                } if group == "org.springframework.boot" && name == "spring-boot-gradle-plugin" => {
                    (self.vars.resolve(v).unwrap_or_else(|| v.clone()), Span::new(file, span.clone()))
                }
                Notation::Catalog { accessor, .. } => {
                    let (root, rest) = accessor.split_once('.')?;
                    let Some((cfile, cat)) = self.catalog_of_build(build_root, root) else {
                        continue;
                    };
                    let Some(lib) = cat
                        .libraries
                        .iter()
                        .find(|l| l.accessor == rest && l.group == "org.springframework.boot" && l.name == "spring-boot-gradle-plugin")
                    else {
                        continue;
                    };
                    let Some(v) = &lib.version else { continue };
                    (v.clone(), Span::new(cfile, lib.span.clone()))
                }
                _ => continue,
            };
            if let Some(bv) = BootVersion::parse(&version, Some(span)) {
                return Some(bv);
            }
        }
        None
    }

    /// A catalog visible to a (plugin) build, including one its settings import from elsewhere.
    fn catalog_of_build(&self, build_root: &str, root: &str) -> Option<(FileId, &'a Catalog)> {
        self.catalogs.get(build_root, root).or_else(|| {
            // build-logic usually imports the main build's catalog through its settings.
            self.catalogs.get(parent_dir(build_root), root)
        })
    }
}

fn notation_span(n: &Notation) -> std::ops::Range<u32> {
    match n {
        Notation::Module { span, .. } | Notation::Catalog { span, .. } | Notation::Project { span, .. } | Notation::Other { span, .. } => {
            span.clone()
        }
        Notation::Platform(inner) => notation_span(inner),
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
