//! Maven POMs → modules (semantics §10.4).
//!
//! A module's dependencies are its own `<dependencies>` plus those inherited from parent POMs
//! in the repository (found through `relativePath`, default `../pom.xml`, or by coordinates).
//! `<dependencyManagement>` adds nothing: it only supplies versions and scopes. A parent outside
//! the repository other than Spring Boot's makes the classpath unknown, since it may declare
//! dependencies. Profiles are conditional.

use super::known::is_inert_maven_parent;
use super::vars::{VarDef, Vars};
use super::{join_path, parent_dir, BuildKind, Coord, Dep, DepAnchor, Hop, MavenInfo, Module, ResourceFiltering, BOOT_PLUGIN};
use crate::model::spring::BootVersion;
use crate::parse::maven::{Pom, PomDep, Text};
use crate::parse::Parsed;
use crate::source::{FileId, SourceSet, Span};

/// Longest parent chain followed.
const MAX_PARENTS: usize = 16;

const BOOT_GROUP: &str = "org.springframework.boot";

struct PomRef<'a> {
    file: FileId,
    pom: &'a Pom,
    dir: String,
}

pub fn modules(sources: &SourceSet, parsed: &[Parsed]) -> Vec<Module> {
    let poms: Vec<PomRef<'_>> = sources
        .iter()
        .filter_map(|(id, f)| match &parsed[id.0 as usize] {
            Parsed::Pom(p) => Some(PomRef {
                file: id,
                pom: p,
                dir: parent_dir(&f.path).to_string(),
            }),
            _ => None,
        })
        .collect();
    (0..poms.len()).map(|i| module(sources, &poms, i)).collect()
}

fn text(t: &Option<Text>) -> Option<&str> {
    t.as_ref().map(|t| t.value.as_str())
}

/// The effective groupId: its own, else its parent's.
fn group_of(p: &Pom) -> Option<&str> {
    text(&p.group_id).or_else(|| p.parent.as_ref().and_then(|x| text(&x.group_id)))
}

enum ParentOf {
    None,
    InRepo(usize),
    External {
        group: String,
        artifact: String,
        version: Option<String>,
        span: Span,
    },
}

fn parent_of(sources: &SourceSet, poms: &[PomRef<'_>], i: usize) -> ParentOf {
    let me = &poms[i];
    let Some(parent) = &me.pom.parent else { return ParentOf::None };
    let (Some(group), Some(artifact)) = (text(&parent.group_id), text(&parent.artifact_id)) else {
        return ParentOf::None;
    };
    let matches = |j: usize| group_of(poms[j].pom) == Some(group) && text(&poms[j].pom.artifact_id) == Some(artifact);
    // `relativePath` (default `../pom.xml`); empty means "do not look in the file system".
    let rel = parent.relative_path.clone().unwrap_or_else(|| "../pom.xml".to_string());
    if !rel.is_empty() {
        let rel = if rel.ends_with(".xml") {
            rel
        } else {
            format!("{}/pom.xml", rel.trim_end_matches('/'))
        };
        if let Some(path) = join_path(&me.dir, &rel) {
            if let Some(fid) = sources.find(&path) {
                if let Some(j) = poms.iter().position(|p| p.file == fid) {
                    if matches(j) && j != i {
                        return ParentOf::InRepo(j);
                    }
                }
            }
        }
    }
    // The reactor resolves parents by coordinates too.
    if let Some(j) = (0..poms.len()).find(|&j| j != i && matches(j)) {
        return ParentOf::InRepo(j);
    }
    ParentOf::External {
        group: group.to_string(),
        artifact: artifact.to_string(),
        version: text(&parent.version).map(str::to_string),
        span: Span::new(me.file, parent.span.clone()),
    }
}

fn module(sources: &SourceSet, poms: &[PomRef<'_>], i: usize) -> Module {
    let me = &poms[i];
    // The chain of POMs: this one, then its parents in the repository.
    let mut chain: Vec<(usize, Vec<Hop>)> = vec![(i, vec![])];
    let mut external = None;
    let mut at = i;
    let mut hops: Vec<Hop> = Vec::new();
    for _ in 0..MAX_PARENTS {
        match parent_of(sources, poms, at) {
            ParentOf::InRepo(j) => {
                if chain.iter().any(|(k, _)| *k == j) {
                    break;
                }
                let p = &poms[at];
                let parent_span = p.pom.parent.as_ref().map_or(0..0, |x| x.span.clone());
                hops.push(Hop {
                    span: Span::new(p.file, parent_span),
                    note: format!(
                        "inherits from parent `{}`",
                        text(&poms[j].pom.artifact_id).unwrap_or_else(|| sources.path(poms[j].file))
                    ),
                });
                chain.push((j, hops.clone()));
                at = j;
            }
            ParentOf::External {
                group,
                artifact,
                version,
                span,
            } => {
                external = Some((group, artifact, version, span));
                break;
            }
            ParentOf::None => break,
        }
    }

    let vars = properties(poms, &chain);
    let resolve = |t: &Option<Text>| -> Option<String> {
        let v = text(t)?;
        Some(vars.resolve(v).unwrap_or_else(|| v.to_string()))
    };

    let group_id = group_of(me.pom).map(|g| vars.resolve(g).unwrap_or_else(|| g.to_string()));
    let artifact_id = text(&me.pom.artifact_id).map(str::to_string);

    // Managed versions and scopes: the nearest POM wins.
    let mut managed: Vec<(String, String, &PomDep, FileId)> = Vec::new();
    for (j, _) in &chain {
        for d in &poms[*j].pom.managed {
            let (Some(g), Some(a)) = (resolve(&d.group_id), resolve(&d.artifact_id)) else {
                continue;
            };
            if !managed.iter().any(|(mg, ma, _, _)| *mg == g && *ma == a) {
                managed.push((g, a, d, poms[*j].file));
            }
        }
    }

    let mut m = Module {
        build_file: Some(me.file),
        kotlin_dsl: false,
        coords: group_id.clone().zip(artifact_id.clone()),
        project_name: artifact_id.clone().filter(|a| !a.contains("${")),
        // A version written on a dependency wins over dependency management.
        pins_win: true,
        ..Module::new(BuildKind::Maven, &me.dir)
    };

    let mut boot_managed = false;
    // Boot version and management: a Boot parent, or an imported `spring-boot-dependencies`.
    if let Some((group, artifact, version, span)) = &external {
        if group == BOOT_GROUP && matches!(artifact.as_str(), "spring-boot-starter-parent" | "spring-boot-dependencies") {
            boot_managed = true;
            if let Some(v) = version {
                let v = vars.resolve(v).unwrap_or_else(|| v.clone());
                m.boot_version = BootVersion::parse(&v, Some(*span));
            }
        } else if !is_inert_maven_parent(group, artifact) {
            m.unknown.push((
                format!("parent POM `{group}:{artifact}` is not in this repository and may declare dependencies"),
                *span,
            ));
        }
    }
    for (g, a, d, file) in &managed {
        m.managed.push((g.clone(), a.clone(), Span::new(*file, d.span.clone())));
        let scope = resolve(&d.scope);
        if g == BOOT_GROUP && a == "spring-boot-dependencies" && scope.as_deref() == Some("import") {
            boot_managed = true;
            if m.boot_version.is_none() {
                if let Some(v) = resolve(&d.version) {
                    let span = d
                        .version
                        .as_ref()
                        .map_or(Span::new(*file, d.span.clone()), |t| version_span(&vars, *file, t));
                    m.boot_version = BootVersion::parse(&v, Some(span));
                }
            }
        }
    }

    // Dependencies: own, then inherited.
    for (j, via) in &chain {
        let p = &poms[*j];
        for (d, conditional) in p
            .pom
            .dependencies
            .iter()
            .map(|d| (d, false))
            .chain(p.pom.profile_dependencies.iter().map(|d| (d, true)))
        {
            let g = resolve(&d.group_id);
            let a = resolve(&d.artifact_id);
            let managed_entry = g
                .as_ref()
                .zip(a.as_ref())
                .and_then(|(g, a)| managed.iter().find(|(mg, ma, _, _)| mg == g && ma == a));
            let scope = resolve(&d.scope)
                .or_else(|| managed_entry.and_then(|(_, _, md, _)| resolve(&md.scope)))
                .unwrap_or_else(|| "compile".to_string());
            let (version, version_span) = match (&d.version, managed_entry) {
                (Some(v), _) => (resolve(&d.version), Some(version_span(&vars, p.file, v))),
                (None, Some((_, _, md, mfile))) => (resolve(&md.version), md.version.as_ref().map(|v| version_span(&vars, *mfile, v))),
                (None, None) => (None, None),
            };
            let coord = match (g, a) {
                (Some(g), Some(a)) if !g.contains("${") && !a.contains("${") => Coord::Module {
                    group: g,
                    name: a,
                    version,
                },
                _ => Coord::Unknown(format!(
                    "{}:{}",
                    text(&d.group_id).unwrap_or("?"),
                    text(&d.artifact_id).unwrap_or("?")
                )),
            };
            m.deps.push(Dep {
                configuration: scope,
                coord,
                span: Span::new(p.file, d.span.clone()),
                notation: None,
                conditional,
                optional: d.optional,
                exclusions: d.exclusions.clone(),
                via: via.clone(),
                origin: conditional.then(|| "a `<profile>`".to_string()),
                resolved: None,
                version_span,
                target: None,
                transitive: None,
            });
        }
    }

    // The Boot plugin, applied here or inherited from a parent's `<build><plugins>`.
    let packaging = text(&me.pom.packaging).unwrap_or("jar");
    if packaging != "pom" {
        for (j, _) in &chain {
            let p = &poms[*j];
            if let Some(plugin) = p
                .pom
                .plugins
                .iter()
                .find(|x| text(&x.artifact_id) == Some("spring-boot-maven-plugin"))
            {
                m.boot_plugin = Some(Span::new(p.file, plugin.span.clone()));
                m.plugins.push(BOOT_PLUGIN.to_string());
                if m.boot_version.is_none() {
                    if let Some(v) = resolve(&plugin.version) {
                        let span = plugin
                            .version
                            .as_ref()
                            .map_or(Span::new(p.file, plugin.span.clone()), |t| version_span(&vars, p.file, t));
                        m.boot_version = BootVersion::parse(&v, Some(span));
                    }
                }
                break;
            }
        }
        let direct_boot_parent = me
            .pom
            .parent
            .as_ref()
            .is_some_and(|p| text(&p.group_id) == Some(BOOT_GROUP) && text(&p.artifact_id) == Some("spring-boot-starter-parent"));
        if m.boot_plugin.is_none() && direct_boot_parent {
            m.boot_plugin = me.pom.parent.as_ref().map(|p| Span::new(me.file, p.span.clone()));
        }
    }
    // A Boot version from a parent in the repository that has the Boot parent.
    if m.boot_version.is_none() || !boot_managed {
        for (j, _) in chain.iter().skip(1) {
            let p = &poms[*j];
            let Some(parent) = &p.pom.parent else { continue };
            if text(&parent.group_id) == Some(BOOT_GROUP) && text(&parent.artifact_id) == Some("spring-boot-starter-parent") {
                boot_managed = true;
                if m.boot_version.is_none() {
                    if let Some(v) = resolve(&parent.version) {
                        m.boot_version = BootVersion::parse(&v, Some(Span::new(p.file, parent.span.clone())));
                    }
                }
            }
        }
    }

    // With the Boot parent, `<micrometer.version>` overrides the managed Micrometer version.
    if boot_managed {
        if let Some(d) = vars.get("micrometer.version") {
            m.micrometer_override = Some((d.value.clone(), d.span));
        }
    }
    if let Some(b) = &me.pom.dependencies_block {
        m.dep_anchor = Some(DepAnchor {
            file: me.file,
            open: b.open.start,
            close: b.close,
            indent: b.child_indent.clone(),
            self_closing: b.self_closing,
        });
    }
    let boot_parent = |p: &Option<crate::parse::maven::Parent>| {
        p.as_ref()
            .is_some_and(|p| text(&p.group_id) == Some(BOOT_GROUP) && text(&p.artifact_id) == Some("spring-boot-starter-parent"))
    };
    let resource_filtering = if chain.iter().any(|(j, _)| boot_parent(&poms[*j].pom.parent)) {
        ResourceFiltering::BootParent
    } else if chain.iter().any(|(j, _)| poms[*j].pom.resource_filtering) {
        ResourceFiltering::Declared
    } else {
        match &external {
            Some((group, artifact, ..)) if group != BOOT_GROUP && !is_inert_maven_parent(group, artifact) => ResourceFiltering::Unknown(
                format!("the parent POM `{group}:{artifact}` is not in this repository and may filter resources"),
            ),
            _ => ResourceFiltering::No,
        }
    };
    m.maven = Some(MavenInfo {
        group_id: group_id.unwrap_or_default(),
        artifact_id: artifact_id.unwrap_or_default(),
        boot_managed,
        project_close: me.pom.project_close,
        build_start: me.pom.build_start,
        child_indent: me.pom.child_indent.clone(),
        resource_filtering,
        external_parent: external
            .as_ref()
            .filter(|(g, a, ..)| !(g == BOOT_GROUP && matches!(a.as_str(), "spring-boot-starter-parent" | "spring-boot-dependencies")))
            .map(|(g, a, v, span)| {
                (
                    g.clone(),
                    a.clone(),
                    v.as_ref().map(|v| vars.resolve(v).unwrap_or_else(|| v.clone())),
                    *span,
                )
            }),
        bom_imports: managed
            .iter()
            .filter(|(_, _, d, _)| resolve(&d.scope).as_deref() == Some("import"))
            .map(|(g, a, d, _)| (g.clone(), a.clone(), resolve(&d.version)))
            .collect(),
    });
    m
}

/// Where a version is really written: the property a `${x}` refers to, else the element.
fn version_span(vars: &Vars, file: FileId, v: &Text) -> Span {
    vars.span_of_template(&v.value).unwrap_or(Span::new(file, v.span.clone()))
}

/// Properties of the chain (nearest wins) and the `project.*` values Maven defines.
fn properties(poms: &[PomRef<'_>], chain: &[(usize, Vec<Hop>)]) -> Vars {
    let mut vars = Vars::default();
    let me = &poms[chain[0].0];
    let builtin = |name: &str, t: &Option<Text>, file: FileId| {
        t.as_ref().map(|t| VarDef {
            name: name.to_string(),
            value: t.value.clone(),
            span: Span::new(file, t.span.clone()),
        })
    };
    let version = me
        .pom
        .version
        .clone()
        .or_else(|| me.pom.parent.as_ref().and_then(|p| p.version.clone()));
    let group = me
        .pom
        .group_id
        .clone()
        .or_else(|| me.pom.parent.as_ref().and_then(|p| p.group_id.clone()));
    for def in [
        builtin("version", &version, me.file),
        builtin("groupId", &group, me.file),
        builtin("artifactId", &me.pom.artifact_id, me.file),
        me.pom.parent.as_ref().and_then(|p| builtin("parent.version", &p.version, me.file)),
        me.pom.parent.as_ref().and_then(|p| builtin("parent.groupId", &p.group_id, me.file)),
    ]
    .into_iter()
    .flatten()
    {
        vars.push(def);
    }
    for (j, _) in chain {
        let p = &poms[*j];
        for (name, value) in &p.pom.properties {
            vars.push(VarDef {
                name: name.clone(),
                value: value.value.clone(),
                span: Span::new(p.file, value.span.clone()),
            });
        }
    }
    vars
}
