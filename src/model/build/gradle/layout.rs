//! The builds of the repository: settings and their projects, plugin builds (`buildSrc`,
//! included builds) with their precompiled convention plugins, and version catalogs.

use crate::model::build::{file_name, join_path, parent_dir};
use crate::parse::catalog::Catalog;
use crate::parse::gradle::{Scope, Settings};
use crate::parse::Parsed;
use crate::source::{FileId, Span};
use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::*;

pub(super) fn under(path: &str, dir: &str) -> bool {
    dir.is_empty() || path == dir || path.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

/// `buildSrc` of every build, included builds that build plugins, and any project that applies
/// `kotlin-dsl`/`java-gradle-plugin`.
pub(super) fn plugin_build_dirs(input: &Input<'_>) -> Vec<String> {
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
            .any(|p| p.scope == Scope::Own && p.id.as_ref().is_some_and(|i| PLUGIN_BUILD_PLUGINS.contains(&i.value.as_str())));
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

pub(super) fn conventions(input: &Input<'_>, plugin_dirs: &[String]) -> Vec<Convention> {
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

pub(super) fn catalogs<'a>(input: &Input<'a>, files: &[(FileId, &'a Catalog)]) -> Catalogs<'a> {
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
pub(super) fn strip_root_template(p: &str) -> &str {
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

pub(super) fn projects(input: &Input<'_>, in_plugin_build: &dyn Fn(&str) -> bool) -> Vec<Project> {
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
