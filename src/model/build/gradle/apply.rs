//! What a project's build applies: its own script, the scripts and convention plugins it
//! applies (by id, transitively) and the cross-project blocks of the projects above it.

use crate::model::build::known::is_inert_plugin;
use crate::model::build::{CatalogUse, ConfiguredBy, Dep, DepAnchor, Hop, ScriptPart, BOOT_PLUGIN, DEPENDENCY_MANAGEMENT_PLUGIN};
use crate::parse::gradle::{BuildScript, Dependency, Notation, PluginRef, Scope, ScriptRef};
use crate::source::{FileId, Span};

use super::*;

impl<'a> ModuleBuilder<'a> {
    pub(super) fn inject(&mut self, file: FileId, injector: &str) {
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
            let a = applies(&p.scope, injector, &target);
            if a != Applies::No && p.apply {
                self.plugin_applied(file, p, &[], p.conditional || a == Applies::Maybe, 0);
            }
        }
        for d in &script.dependencies {
            let a = applies(&d.scope, injector, &target);
            if a != Applies::No {
                let origin = scope_name(&d.scope);
                self.push_dep(file, d, &[], a == Applies::Maybe, Some(origin));
            }
        }
        for (body, ctx) in &script.project_blocks {
            let a = applies(ctx, injector, &target);
            if a != Applies::No {
                self.module.configured_by.push(ConfiguredBy {
                    file,
                    part: ScriptPart::Block {
                        body: body.clone(),
                        certain: a == Applies::Yes,
                        name: scope_name(ctx),
                    },
                });
            }
        }
        for s in &script.applied_scripts {
            let a = applies(&s.scope, injector, &target);
            if a != Applies::No {
                self.script_applied(file, s, &[], s.conditional || a == Applies::Maybe, 0);
            }
        }
    }

    /// Applies what a script declares for its own project (the module's build file, a
    /// convention plugin, a script applied with `apply from:`).
    pub(super) fn apply_script(&mut self, file: FileId, via: &[Hop], conditional: bool, origin: Option<String>, depth: usize, own: bool) {
        let Some(script) = self.input.scripts.get(&file).copied() else {
            return;
        };
        if !own && !self.applied.insert(file) {
            return;
        }
        self.module.configured_by.push(ConfiguredBy {
            file,
            part: ScriptPart::Own,
        });
        if self.input.failed.contains(&file) {
            self.module.unknown.push((
                format!(
                    "`{}` has a syntax error, so its dependencies are only partly read",
                    self.input.path(file)
                ),
                Span::new(file, 0..0),
            ));
        }
        for p in script.plugins.iter().filter(|p| p.scope == Scope::Own && p.apply) {
            self.plugin_applied(file, p, via, conditional || p.conditional, depth);
        }
        for d in script.dependencies.iter().filter(|d| d.scope == Scope::Own) {
            self.push_dep(file, d, via, conditional, origin.clone());
        }
        for s in script.applied_scripts.iter().filter(|s| s.scope == Scope::Own) {
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
        for d in script.dependencies.iter().filter(|d| d.scope == Scope::Own) {
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

    pub(super) fn record_mentions(&mut self, file: FileId, script: &BuildScript) {
        for s in &script.mentions {
            if let Some((g, n, _)) = self.vars.resolve(&s.value).as_deref().and_then(parse_gav) {
                self.module.mentions.push((g, n, Span::new(file, s.span.clone())));
            }
        }
    }

    pub(super) fn script_applied(&mut self, file: FileId, s: &ScriptRef, via: &[Hop], conditional: bool, depth: usize) {
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

    pub(super) fn plugin_applied(&mut self, file: FileId, p: &PluginRef, via: &[Hop], conditional: bool, depth: usize) {
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
    pub(super) fn plugin_id(&self, file: FileId, p: &PluginRef) -> Option<(String, Option<String>, Option<Span>)> {
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

    pub(super) fn convention(&self, id: &str) -> Option<&'a Convention> {
        let mine: Vec<&Convention> = self.conventions.iter().filter(|c| c.id == id).collect();
        // Prefer the plugin builds of this build (its buildSrc, its included builds).
        mine.iter()
            .find(|c| under(&c.build_dir, &self.project.build_root))
            .or_else(|| mine.first())
            .copied()
    }

    /// A `gradlePlugin { plugins { … id = "x" … } }` in a plugin build of the repository.
    pub(super) fn binary_plugin_in_repo(&self, id: &str) -> Option<&'a str> {
        let quoted = [format!("\"{id}\""), format!("'{id}'")];
        self.input
            .plugin_declarations
            .iter()
            .map(|f| self.input.sources.get(*f))
            .find(|f| quoted.iter().any(|q| f.text.contains(q.as_str())))
            .map(|f| f.path.as_str())
    }

    pub(super) fn push_dep(&mut self, file: FileId, d: &Dependency, via: &[Hop], conditional: bool, origin: Option<String>) {
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
                exclusions: vec![],
                via: via.to_vec(),
                origin: origin.clone(),
                resolved: r.resolved,
                version_span: r.version_span,
                target: None,
                transitive: None,
            };
            self.pending.push((dep, d.when_plugin.clone()));
        }
    }

    pub(super) fn dep_anchor(&mut self, file: FileId) {
        let Some(script) = self.input.scripts.get(&file) else { return };
        let block = script
            .blocks
            .iter()
            .filter(|b| b.scope == Scope::Own)
            .min_by_key(|b| (b.indent.len(), b.open));
        if let Some(b) = block {
            self.module.dep_anchor = Some(DepAnchor {
                file,
                open: b.open,
                close: b.close,
                indent: b.indent.clone(),
                self_closing: false,
            });
        }
    }
}
