//! The Spring Boot version of a module: its plugin, its BOM, or its build's (the plugin
//! build's dependency on the Boot Gradle plugin, a catalog entry).

use crate::model::build::{file_name, parent_dir, BOOT_PLUGIN};
use crate::model::spring::BootVersion;
use crate::parse::catalog::Catalog;
use crate::parse::gradle::{BuildScript, Notation};
use crate::source::{FileId, Span};

use super::*;

impl<'a> ModuleBuilder<'a> {
    pub(super) fn boot_version_from_bom(&mut self, file: FileId, bom: &str, span: &std::ops::Range<u32>) {
        let resolved = self.vars.resolve(bom).unwrap_or_else(|| bom.to_string());
        if let Some((g, n, Some(v))) = parse_gav(&resolved) {
            if g == "org.springframework.boot" && n == "spring-boot-dependencies" {
                self.set_boot_version(&v, Span::new(file, span.clone()), false);
            }
        }
    }

    pub(super) fn set_boot_version(&mut self, version: &str, span: Span, from_plugin: bool) {
        if self.module.boot_version.is_some() && !from_plugin {
            return;
        }
        if let Some(bv) = BootVersion::parse(version, Some(span)) {
            self.module.boot_version = Some(bv);
        }
    }

    /// The Boot version the build declares for its plugin: `pluginManagement`, a root
    /// `plugins { … apply false }`, the catalog, `buildscript` classpath, or the plugin build
    /// the Boot plugin came from.
    pub(super) fn build_boot_version(&self, plugin_dirs: &[String]) -> Option<BootVersion> {
        let key = (self.project.build_root.clone(), self.boot_from.clone());
        if let Some(v) = self.boot_cache.borrow().get(&key) {
            return v.clone();
        }
        let v = self.compute_build_boot_version(plugin_dirs);
        self.boot_cache.borrow_mut().insert(key, v.clone());
        v
    }

    pub(super) fn compute_build_boot_version(&self, plugin_dirs: &[String]) -> Option<BootVersion> {
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
    pub(super) fn boot_gradle_plugin_dep(&self, file: FileId, script: &BuildScript, build_root: &str) -> Option<BootVersion> {
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
    pub(super) fn catalog_of_build(&self, build_root: &str, root: &str) -> Option<(FileId, &'a Catalog)> {
        self.catalogs.get(build_root, root).or_else(|| {
            // build-logic usually imports the main build's catalog through its settings.
            self.catalogs.get(parent_dir(build_root), root)
        })
    }
}
