//! Dependency notations → coordinates: literal strings, version catalog accessors, project
//! accessors and variables.

use crate::model::build::{Coord, Hop};
use crate::parse::catalog::{self};
use crate::parse::gradle::Notation;
use crate::source::{FileId, Span};

use super::*;

impl<'a> ModuleBuilder<'a> {
    /// The version's own span inside a `"g:n:version"` literal (else the whole literal).
    pub(super) fn version_in_string(&self, file: FileId, span: &std::ops::Range<u32>, version: &str) -> Span {
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

    pub(super) fn resolve(&self, file: FileId, n: &Notation) -> Vec<Resolved> {
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
    pub(super) fn resolve_accessor(&self, accessor: &str) -> Vec<Resolved> {
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
}

pub(super) fn notation_span(n: &Notation) -> std::ops::Range<u32> {
    match n {
        Notation::Module { span, .. } | Notation::Catalog { span, .. } | Notation::Project { span, .. } | Notation::Other { span, .. } => {
            span.clone()
        }
        Notation::Platform(inner) => notation_span(inner),
    }
}
