//! Which image each module builds (semantics §20), so a workload that runs the image is linked
//! to the module even when their names differ: Jib and Spring Boot buildpacks in Gradle and
//! Maven (with the tools' default names), the fabric8 and Spotify Maven plugins, and a Compose
//! `build:` whose Dockerfile copies the module's jar. Two modules that may build one image make
//! the image's module unknown, never a guess.

pub mod dockerfile;
pub mod gradle;
pub mod maven;
pub mod name;

pub use name::ImageName;

use crate::model::build::{join_path, BuildKind, Module, ScriptPart};
use crate::model::{Gap, ModuleId, ServiceId, Workspace};
use crate::parse::Parsed;
use crate::source::{FileId, SourceSet, Span};
use name::{substitute, UNKNOWN};

/// An image a module builds.
#[derive(Clone, Debug)]
pub struct BuiltImage {
    pub module: ModuleId,
    pub image: ImageName,
    /// As written (placeholders kept), for evidence.
    pub written: String,
    /// Where it is written; `None` for a tool's default.
    pub span: Option<Span>,
    /// How: "Jib `jib.to.image`", "the default name of `bootBuildImage`", …
    pub how: String,
    /// A tool's default name, used only when no module names the image explicitly.
    pub default: bool,
    /// Named in a block whose reach to the module cannot be evaluated: the module may build it.
    pub uncertain: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Images {
    pub built: Vec<BuiltImage>,
    /// Per Compose service: the module whose jar its `build:` Dockerfile copies, and how.
    pub compose_module: Vec<Option<(ModuleId, String)>>,
}

/// Who may build an image: the modules, and the declarations that say so.
#[derive(Debug, Default)]
pub struct Builders<'a> {
    pub modules: Vec<ModuleId>,
    pub evidence: Vec<&'a BuiltImage>,
}

impl Images {
    /// The modules that may build `image` (a reference with [`UNKNOWN`] parts): those that
    /// name it explicitly, else those whose tool's default name it is.
    pub fn builders(&self, image: &str) -> Builders<'_> {
        let Some(want) = ImageName::parse(image) else {
            return Builders::default();
        };
        for default in [false, true] {
            let mut b = Builders::default();
            for x in self.built.iter().filter(|x| x.default == default && x.image.may_equal(&want)) {
                if !b.modules.contains(&x.module) {
                    b.modules.push(x.module);
                }
                b.evidence.push(x);
            }
            if !b.modules.is_empty() {
                return b;
            }
        }
        Builders::default()
    }
}

impl BuiltImage {
    pub fn describe(&self, sources: &SourceSet) -> String {
        match self.span {
            Some(s) if sources.is_real(s) => {
                let (lc, _) = sources.line_col(s);
                format!("{} `{}` ({}:{})", self.how, self.written, sources.path(s.file), lc.line)
            }
            _ => format!("{} `{}`", self.how, self.written),
        }
    }
}

/// Reads what every module that runs as a service builds, and what each Compose `build:`
/// packages. Modules that are no service (parents, libraries) build nothing anyone runs.
pub fn read(ws: &Workspace, sources: &SourceSet, parsed: &[Parsed]) -> Images {
    let mut out = Images::default();
    let mut seen: Vec<ModuleId> = ws.services.iter().map(|s| s.module).collect();
    seen.sort_unstable();
    seen.dedup();
    for mi in seen {
        let m = &ws.modules[mi];
        match m.kind {
            BuildKind::Gradle => gradle_images(&mut out, ws, sources, parsed, mi, m),
            BuildKind::Maven => maven_images(&mut out, sources, parsed, mi, m),
            BuildKind::None => {}
        }
    }
    compose_builds(&mut out, ws, sources);
    out
}

fn project_name(m: &Module) -> String {
    m.project_name
        .clone()
        .unwrap_or_else(|| m.dir.rsplit('/').next().unwrap_or("").to_string())
}

/// The images named by the Gradle code that configures the module (semantics §20): its build
/// file, its convention plugins and applied scripts, and the `subprojects {}` /
/// `allprojects {}` / `configure(…) {}` blocks above it, where `project.name` is the
/// module's. A block whose reach cannot be evaluated names an image the module only may build.
fn gradle_images(out: &mut Images, ws: &Workspace, sources: &SourceSet, parsed: &[Parsed], mi: ModuleId, m: &Module) {
    let name = project_name(m);
    // `rootProject.name`: the name of the root project of the module's build.
    let root_name = ws
        .modules
        .iter()
        .find(|r| r.kind == BuildKind::Gradle && r.build_root == m.build_root && r.gradle_path == ":")
        .and_then(|r| r.project_name.clone());
    let vars_of = |f: FileId| -> Vec<(String, String)> {
        match &parsed[f.0 as usize] {
            Parsed::Build(b) => b.vars.iter().map(|v| (v.name.clone(), v.value.value.clone())).collect(),
            _ => Vec::new(),
        }
    };
    let own_vars = m.build_file.map(vars_of).unwrap_or_default();
    let mut named = (false, false);
    for c in &m.configured_by {
        let Parsed::Build(script) = &parsed[c.file.0 as usize] else {
            continue;
        };
        // A file's own vars first (a root `ext` is visible in the blocks it declares), then
        // the module's.
        let mut vars = vars_of(c.file);
        vars.extend(own_vars.iter().cloned());
        let resolve = |k: &str| -> Option<String> {
            match k {
                "project.name" | "name" => Some(name.clone()),
                "rootProject.name" => root_name.clone(),
                "project.group" | "group" => m.coords.as_ref().map(|(g, _)| g.clone()),
                "version" | "project.version" => None,
                k => vars
                    .iter()
                    .find(|(n, _)| n == k)
                    .map(|(_, v)| v.clone())
                    .filter(|v| !v.contains('$')),
            }
        };
        let kotlin = sources.path(c.file).ends_with(".kts");
        for d in gradle::declared(&sources.get(c.file).text, kotlin) {
            let at = script.scope_at(d.span.start);
            let (uncertain, block) = match &c.part {
                ScriptPart::Own if *at == crate::parse::gradle::Scope::Own => (false, None),
                ScriptPart::Block { body, certain, name } if script.project_blocks.iter().any(|(r, x)| r == body && x == at) => {
                    (!certain, Some(name.as_str()))
                }
                _ => continue,
            };
            let (tool, slot) = match d.tool {
                gradle::Tool::Jib => ("Jib `jib.to.image`", &mut named.0),
                gradle::Tool::Buildpacks => ("`bootBuildImage` `imageName`", &mut named.1),
            };
            *slot = true;
            let Some(v) = d.value else { continue };
            let how = match block {
                Some(b) if uncertain => format!("{tool} in {b} (filter not evaluated)"),
                Some(b) => format!("{tool} in {b}"),
                None => tool.to_string(),
            };
            let resolved = substitute(&v, &resolve);
            if let Some(image) = ImageName::parse(&resolved) {
                out.built.push(BuiltImage {
                    module: mi,
                    image,
                    written: v.clone(),
                    span: Some(Span::new(c.file, d.span)),
                    how,
                    default: false,
                    uncertain,
                });
            }
        }
    }
    if !named.0 && m.plugins.iter().any(|p| p == "com.google.cloud.tools.jib") {
        push(
            out,
            mi,
            &format!("{name}:{UNKNOWN}"),
            format!("{name}:${{project.version}}"),
            None,
            "Jib's default name (`jibDockerBuild`)",
            true,
        );
    }
    if !named.1 && m.boot_plugin.is_some() {
        push(
            out,
            mi,
            &format!("docker.io/library/{name}"),
            format!("docker.io/library/{name}:${{project.version}}"),
            None,
            "the default name of `bootBuildImage`",
            true,
        );
    }
}

fn push(out: &mut Images, module: ModuleId, resolved: &str, written: String, span: Option<Span>, how: &str, default: bool) {
    if let Some(image) = ImageName::parse(resolved) {
        out.built.push(BuiltImage {
            module,
            image,
            written,
            span,
            how: how.to_string(),
            default,
            uncertain: false,
        });
    }
}

/// The POM of a module and its parents in the repository, child first.
fn pom_chain(sources: &SourceSet, parsed: &[Parsed], first: FileId) -> Vec<FileId> {
    let mut chain = vec![first];
    let mut cur = first;
    while chain.len() < 8 {
        let Parsed::Pom(pom) = &parsed[cur.0 as usize] else { break };
        let Some(parent) = &pom.parent else { break };
        let rel = parent.relative_path.clone().unwrap_or_else(|| "../pom.xml".into());
        if rel.is_empty() {
            break;
        }
        let rel = if rel.ends_with(".xml") {
            rel
        } else {
            format!("{}/pom.xml", rel.trim_end_matches('/'))
        };
        let dir = sources.path(cur).rsplit_once('/').map_or("", |(d, _)| d);
        let Some(next) = join_path(dir, &rel).and_then(|p| sources.find(&p)) else {
            break;
        };
        if chain.contains(&next) || !matches!(parsed[next.0 as usize], Parsed::Pom(_)) {
            break;
        }
        chain.push(next);
        cur = next;
    }
    chain
}

fn maven_images(out: &mut Images, sources: &SourceSet, parsed: &[Parsed], mi: ModuleId, m: &Module) {
    let Some(f) = m.build_file else { return };
    let chain = pom_chain(sources, parsed, f);
    let (group, artifact) = m
        .maven
        .as_ref()
        .map_or((String::new(), project_name(m)), |x| (x.group_id.clone(), x.artifact_id.clone()));
    let props: Vec<(String, String)> = chain
        .iter()
        .filter_map(|id| match &parsed[id.0 as usize] {
            Parsed::Pom(p) => Some(p.properties.iter().map(|(k, v)| (k.clone(), v.value.clone()))),
            _ => None,
        })
        .flatten()
        .collect();
    let resolve = |k: &str| -> Option<String> {
        match k {
            "project.artifactId" | "artifactId" | "pom.artifactId" => Some(artifact.clone()),
            "project.groupId" | "groupId" | "pom.groupId" => Some(group.clone()).filter(|g| !g.is_empty()),
            k if k.starts_with("project.") || k.starts_with("env.") => None,
            // Child properties first: the nearest definition wins.
            k => props
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .filter(|v| !v.contains('$')),
        }
    };
    let per_pom: Vec<(FileId, Vec<maven::PluginImages>)> = chain.iter().map(|id| (*id, maven::plugins(&sources.get(*id).text))).collect();
    for plugin in [
        maven::Plugin::Jib,
        maven::Plugin::Buildpacks,
        maven::Plugin::Fabric8,
        maven::Plugin::Spotify,
    ] {
        let applied = per_pom.iter().any(|(_, ps)| ps.iter().any(|p| p.plugin == plugin && p.applied));
        if !applied {
            continue;
        }
        // The nearest POM that names an image configures it (a child's `<configuration>`
        // replaces the parent's element).
        let named = per_pom
            .iter()
            .find_map(|(id, ps)| ps.iter().find(|p| p.plugin == plugin && !p.names.is_empty()).map(|p| (*id, p)));
        match named {
            Some((id, p)) => {
                for (raw, span) in &p.names {
                    let v = if plugin == maven::Plugin::Fabric8 {
                        fabric8(raw, &group, &artifact)
                    } else {
                        raw.clone()
                    };
                    push(
                        out,
                        mi,
                        &substitute(&v, &resolve),
                        raw.clone(),
                        Some(Span::new(id, span.clone())),
                        plugin.describe(),
                        false,
                    );
                }
            }
            None => match plugin {
                maven::Plugin::Jib => push(
                    out,
                    mi,
                    &artifact,
                    format!("{artifact}:${{project.version}}"),
                    None,
                    "Jib's default name (`jib:dockerBuild`)",
                    true,
                ),
                maven::Plugin::Buildpacks if m.boot_plugin.is_some() => push(
                    out,
                    mi,
                    &format!("docker.io/library/{artifact}"),
                    format!("docker.io/library/{artifact}:${{project.version}}"),
                    None,
                    "the default name of `spring-boot:build-image`",
                    true,
                ),
                _ => {}
            },
        }
    }
}

/// fabric8's name placeholders: `%a` artifactId, `%g` last part of the groupId, `%v`/`%l`/`%t`
/// versions (tags: not compared).
fn fabric8(raw: &str, group: &str, artifact: &str) -> String {
    let g = group.rsplit('.').next().unwrap_or(group);
    raw.replace("%a", &artifact.to_ascii_lowercase())
        .replace("%g", &g.to_ascii_lowercase())
        .replace("%v", &UNKNOWN.to_string())
        .replace("%l", &UNKNOWN.to_string())
        .replace("%t", &UNKNOWN.to_string())
}

/// A Compose `build:`: the module whose jar its Dockerfile copies (relative to the context),
/// and, with an `image:`, the image that build produces.
fn compose_builds(out: &mut Images, ws: &Workspace, sources: &SourceSet) {
    out.compose_module = vec![None; ws.compose_services.len()];
    for (ci, c) in ws.compose_services.iter().enumerate() {
        let Some(ctx) = &c.build_context else { continue };
        let df = c.build_dockerfile.as_deref().unwrap_or("Dockerfile");
        let Some(df_path) = join_path(ctx, df) else { continue };
        let Some(df_id) = sources.find(&df_path) else { continue };
        let copies = dockerfile::jar_copies(&sources.get(df_id).text);
        let mut found: Vec<(ModuleId, std::ops::Range<u32>)> = Vec::new();
        for j in &copies {
            let Some(dir) = join_path(ctx, &j.dir) else { continue };
            if let Some(mi) = ws.modules.position(|m| m.dir == dir) {
                if !found.iter().any(|(x, _)| *x == mi) {
                    found.push((mi, j.span.clone()));
                }
            }
        }
        let [(mi, span)] = found.as_slice() else {
            // No jar recognised: the context itself may be the module (`build: ./orders`).
            if let (true, Some(img), Some(mi)) = (copies.is_empty(), &c.image, ws.modules.position(|m| m.dir == *ctx)) {
                let pairs = super::compose::dotenv(ws, sources, c);
                let resolved = super::compose::interpolate::interpolate_marking(img, &super::compose::lookup(&pairs), UNKNOWN);
                let how = format!(
                    "Compose service `{}` builds it from the module directory (`build: {}`):",
                    c.name.value,
                    display_dir(ctx)
                );
                push(out, mi, &resolved, img.clone(), None, &how, false);
            }
            continue;
        };
        let line = sources.line_col(Span::new(df_id, span.clone())).0.line;
        let why = format!(
            "its Dockerfile `{df_path}` copies the jar of `{}` (line {line})",
            display_dir(&ws.modules[*mi].dir)
        );
        out.compose_module[ci] = Some((*mi, why.clone()));
        if let Some(img) = &c.image {
            let pairs = super::compose::dotenv(ws, sources, c);
            let resolved = super::compose::interpolate::interpolate_marking(img, &super::compose::lookup(&pairs), UNKNOWN);
            push(
                out,
                *mi,
                &resolved,
                img.clone(),
                Some(Span::new(df_id, span.clone())),
                &format!("Compose service `{}` builds it (`build: {}`), and", c.name.value, display_dir(ctx)),
                false,
            );
        }
    }
}

fn display_dir(d: &str) -> &str {
    if d.is_empty() {
        "."
    } else {
        d
    }
}

/// Workloads and Compose services whose image several modules may build: which one runs is
/// unknown, and says so once per image.
pub fn gaps(ws: &mut Workspace, sources: &SourceSet) {
    let mut seen: Vec<String> = Vec::new();
    let mut gaps = Vec::new();
    let services_of = |mods: &[ModuleId]| -> Vec<ServiceId> {
        ws.services
            .iter_enumerated()
            .filter(|(_, s)| mods.contains(&s.module))
            .map(|(i, _)| i)
            .collect()
    };
    let mut check = |image: &str, who: String, span: Span, near: Option<FileId>| {
        let b = ws.images.builders(image);
        let mut runs = services_of(&b.modules);
        if let Some(file) = near {
            runs = super::compose::nearest(ws, sources, file, runs);
        }
        // The one module that may run it names it only in a block that may not reach it.
        let uncertain = match runs.as_slice() {
            [si] => {
                let module = ws.services[*si].module;
                b.evidence.iter().filter(|e| e.module == module).all(|e| e.uncertain)
            }
            _ => false,
        };
        if !uncertain && (b.modules.len() < 2 || b.evidence.iter().all(|e| e.default) || runs.len() == 1) {
            return;
        }
        let key = ImageName::parse(image).map(|n| n.display()).unwrap_or_default();
        if seen.contains(&key) {
            return;
        }
        seen.push(key.clone());
        let list: Vec<String> = b
            .evidence
            .iter()
            .map(|e| format!("`{}` by {}", display_dir(&ws.modules[e.module].dir), e.describe(sources)))
            .collect();
        let message = if uncertain {
            format!(
                "{who} runs image `{}`, which a module builds only if a block whose project filter cannot be evaluated reaches it ({}): the image does not link the workload to that module",
                image.replace(UNKNOWN, "…"),
                list.join("; ")
            )
        } else {
            format!(
                "{who} runs image `{}`, which several modules may build ({}): which one it runs cannot be known, so it is linked to none of them",
                image.replace(UNKNOWN, "…"),
                list.join("; ")
            )
        };
        gaps.push(Gap {
            message,
            span,
            services: services_of(&b.modules),
            help: "name the workload in `[services.<name>] workloads` of actuator-lint.toml, or give the modules different image names"
                .into(),
        });
    };
    for w in &ws.workloads {
        for c in &w.containers {
            if let Some(img) = &c.image {
                check(&img.value, format!("{} `{}`", w.kind, w.name.value), img.span, Some(w.file));
            }
        }
    }
    for (ci, c) in ws.compose_services.iter().enumerate() {
        if c.build_context.is_some() || ws.images.compose_module.get(ci).is_some_and(Option::is_some) {
            continue;
        }
        if let Some(img) = &c.image {
            let pairs = super::compose::dotenv(ws, sources, c);
            let resolved = super::compose::interpolate::interpolate_marking(img, &super::compose::lookup(&pairs), UNKNOWN);
            check(&resolved, format!("Compose service `{}`", c.name.value), c.name.span, Some(c.file));
        }
    }
    ws.gaps.extend(gaps);
}
