//! "Does this artifact reach the packaged jar of that module?" over modules and their project
//! dependencies, with the chain that brings it, or the reasons the repository cannot tell.
//!
//! Unknowns are collected only when they could change the answer: a whole-module unknown (an
//! external convention plugin, a remote script, an external parent POM), or a dependency that
//! could bring the artifact (an in-house starter, an unresolvable notation, a project
//! dependency or the artifact itself under a condition or in an unknown configuration).

use super::brings::{self, Brings};
use super::known::{gradle_reach, maven_reach, may_carry, Reach};
use super::local::{self, Answer};
use super::{BuildKind, Coord, Dep, Hop, Module, Presence};
use crate::ids::IdVec;
use crate::model::ModuleId;

/// Deepest project-dependency chain followed.
const MAX_DEPTH: usize = 64;

#[derive(Clone, Debug)]
pub struct Found {
    /// Outermost first: project dependencies, plugin applications, parent POMs, then the
    /// declaration itself and the catalog entry it resolved through.
    pub chain: Vec<Hop>,
    pub dep: Dep,
    /// The module whose dependencies hold the declaration.
    pub module: ModuleId,
    /// The version comes from POMs outside the repository (the local Maven repository), not
    /// from anything written in it: how to say so.
    pub version_from: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Lookup {
    /// Packaged, through the first chain found.
    pub found: Option<Found>,
    /// Declared only where it is not packaged (at the module itself).
    pub not_packaged: Option<Found>,
    pub unknown: Vec<(String, crate::source::Span)>,
}

impl Lookup {
    pub fn presence(&self) -> Presence {
        if let Some(f) = &self.found {
            return Presence::Present(f.chain.iter().map(|h| h.span).collect());
        }
        if !self.unknown.is_empty() {
            return Presence::Unknown(self.unknown.clone());
        }
        match &self.not_packaged {
            Some(f) => Presence::NotPackaged(f.dep.span, f.dep.configuration.clone()),
            None => Presence::Absent,
        }
    }
}

pub fn lookup(modules: &IdVec<ModuleId, Module>, start: ModuleId, group: &str, names: &[&str]) -> Lookup {
    let mut w = Walk {
        modules,
        group,
        names,
        visited: Default::default(),
        out: Lookup::default(),
    };
    if modules.get(start).is_some() {
        if let Some(f) = w.walk(start, 0, &mut Vec::new(), false) {
            w.out.found = Some(f);
        }
    }
    w.out
}

struct Walk<'a> {
    modules: &'a IdVec<ModuleId, Module>,
    group: &'a str,
    names: &'a [&'a str],
    /// Modules this walk reached: a set, not a flag per module, because rules look up once per
    /// service and a walk touches a handful of modules out of thousands.
    visited: std::collections::HashSet<ModuleId>,
    out: Lookup,
}

/// The hops a declaration contributes: how it got into the module, then itself.
fn declaration_hops(d: &Dep) -> Vec<Hop> {
    let mut hops = d.via.clone();
    let mut note = format!("`{}`", d.configuration);
    if let Some(o) = &d.origin {
        note.push_str(&format!(" in {o}"));
    }
    hops.push(Hop { span: d.span, note });
    if let Some(r) = &d.resolved {
        hops.push(r.clone());
    }
    hops
}

/// A project dependency the walk went through: the declaration and the module it leads to.
type Edge<'a> = (&'a Dep, ModuleId);

impl<'m> Walk<'m> {
    /// The hops of the edges taken, built only when something is found (most walks find
    /// nothing, and describing every edge was a fifth of the cost of a lookup).
    fn hops(&self, path: &[Edge<'m>]) -> Vec<Hop> {
        let mut chain = Vec::new();
        for (d, to) in path {
            chain.extend(d.via.iter().cloned());
            chain.push(Hop {
                span: d.span,
                note: format!("`{}` dependency on {}", d.configuration, describe(&self.modules[*to])),
            });
        }
        chain
    }

    fn reach(&self, m: &Module, d: &Dep, transitive: bool) -> Reach {
        match m.kind {
            BuildKind::Maven => maven_reach(&d.configuration, d.optional, transitive),
            _ => gradle_reach(&d.configuration),
        }
    }

    /// `under_condition`: the path to this module is conditional, so a find is only "maybe".
    fn walk(&mut self, at: ModuleId, depth: usize, path: &mut Vec<Edge<'m>>, under_condition: bool) -> Option<Found> {
        if self.visited.contains(&at) || depth > MAX_DEPTH {
            return None;
        }
        self.visited.insert(at);
        let m: &'m Module = &self.modules[at];
        self.out.unknown.extend(m.unknown.iter().cloned());
        let transitive = depth > 0;
        for d in &m.deps {
            let reach = self.reach(m, d, transitive);
            let reaches = matches!(reach, Reach::Packaged | Reach::Unknown);
            match &d.coord {
                Coord::Module { group, name, .. } if group == self.group && self.names.contains(&name.as_str()) => {
                    let mut chain = self.hops(path);
                    chain.extend(declaration_hops(d));
                    let found = Found {
                        chain,
                        dep: d.clone(),
                        module: at,
                        version_from: None,
                    };
                    match reach {
                        Reach::Packaged if !d.conditional && !under_condition => return Some(found),
                        Reach::Packaged => {
                            let why = d
                                .origin
                                .as_deref()
                                .map_or("inside a condition".to_string(), |o| format!("in {o}, which may not apply"));
                            self.out.unknown.push((format!("`{name}` is declared {why}"), d.span));
                        }
                        Reach::Unknown => self.out.unknown.push((
                            format!(
                                "`{name}` is declared in configuration `{}`, which may or may not be packaged",
                                d.configuration
                            ),
                            d.span,
                        )),
                        Reach::NotPackaged if depth == 0 && self.out.not_packaged.is_none() => self.out.not_packaged = Some(found),
                        _ => {}
                    }
                }
                Coord::Module { group, name, .. } if reaches => {
                    if let Some(t) = d.target.filter(|t| *t != at && self.modules.get(*t).is_some()) {
                        self.follow(t, d, depth, path, under_condition || d.conditional || reach == Reach::Unknown)?;
                        if let Some(f) = self.out.found.take() {
                            return Some(f);
                        }
                    } else {
                        let maybe = under_condition || d.conditional || reach == Reach::Unknown;
                        if let Some(f) = self.external(path, d, at, group, name, maybe) {
                            return Some(f);
                        }
                    }
                }
                Coord::Project(p) if reaches => match d.target.filter(|t| self.modules.get(*t).is_some()) {
                    Some(t) => {
                        self.follow(t, d, depth, path, under_condition || d.conditional || reach == Reach::Unknown)?;
                        if let Some(f) = self.out.found.take() {
                            return Some(f);
                        }
                    }
                    None => self
                        .out
                        .unknown
                        .push((format!("project dependency `{p}` is not a project of this build"), d.span)),
                },
                Coord::Unknown(text) if reaches => {
                    self.out
                        .unknown
                        .push((format!("dependency `{text}` cannot be resolved statically"), d.span));
                }
                _ => {}
            }
        }
        for (g, n, span) in &m.mentions {
            if g == self.group && self.names.contains(&n.as_str()) {
                self.out.unknown.push((
                    format!("`{g}:{n}` is written here in a form the linter does not read as a dependency"),
                    *span,
                ));
            }
        }
        None
    }

    /// An external artifact (not a module of the repository): what the POMs of the local Maven
    /// repository say it brings, else what the cited table says, else its name decides
    /// whether it may bring the sought artifact.
    fn external(&mut self, path: &[Edge<'m>], d: &Dep, at: ModuleId, group: &str, name: &str, maybe: bool) -> Option<Found> {
        let declared_where = |what: &str| {
            (
                format!("`{group}:{name}` brings {what}, but is declared where it may not apply"),
                d.span,
            )
        };
        let mut unread = None;
        if let Some(c) = d.transitive.as_deref() {
            match &c.root_unread {
                Some(why) => unread = Some(why.clone()),
                None => {
                    match c.answer(self.group, self.names) {
                        Answer::Brings(r) => {
                            let note = format!(
                                ", which brings `{}` through {} (POMs in the local Maven repository `{}`)",
                                r.name,
                                local::chain(&r.path),
                                c.repository
                            );
                            if maybe {
                                self.out.unknown.push(declared_where(&format!("`{}`", r.name)));
                            } else {
                                let mut f = self.brought(path, d, at, &r.name, note);
                                if path.is_empty() && self.pom_version_wins(at, &r.group, &r.name) {
                                    if let Coord::Module { version, .. } = &mut f.dep.coord {
                                        version.clone_from(&r.version);
                                        f.version_from = Some(format!("its POMs in the local Maven repository `{}`", c.repository));
                                    }
                                }
                                return Some(f);
                            }
                        }
                        Answer::ByTable(u, source) => {
                            let sought = self.names.first().copied().unwrap_or_default();
                            let note = format!(", which brings `{sought}` through {} ({source})", local::chain(&u.path));
                            if maybe {
                                self.out.unknown.push(declared_where(&format!("`{sought}`")));
                            } else {
                                return Some(self.brought(path, d, at, sought, note));
                            }
                        }
                        Answer::No => {}
                        Answer::Unknown(why) => self.out.unknown.push((why, d.span)),
                    }
                    return None;
                }
            }
        }
        let version = match &d.coord {
            Coord::Module { version, .. } => version.as_deref(),
            _ => None,
        };
        match brings::lookup(group, name, version, self.group, self.names) {
            Some(Ok((Brings::Yes, source))) => {
                if maybe {
                    self.out.unknown.push((
                        format!("`{group}:{name}` brings it, but is declared where it may not apply"),
                        d.span,
                    ));
                } else {
                    let sought = self.names.first().copied().unwrap_or_default();
                    return Some(self.brought(path, d, at, sought, format!(", which brings `{sought}` ({source})")));
                }
            }
            Some(Ok((Brings::No, _))) => {}
            Some(Err(why)) => self.out.unknown.push((why, d.span)),
            None if may_carry(group, name) => self.out.unknown.push((
                match unread {
                    None => format!("`{group}:{name}` is not in this repository and may bring the artifact transitively"),
                    Some(why) => format!("`{group}:{name}` is not in this repository and may bring the artifact transitively; {why}"),
                },
                d.span,
            )),
            None => {}
        }
        None
    }

    /// Whether the version the POMs give an artifact brought into Maven module `at` is the one
    /// packaged: nothing in the module manages it (no Boot parent or BOM, no
    /// `<dependencyManagement>` entry — management "takes precedence over dependency mediation
    /// for transitive dependencies", Maven, "Introduction to the Dependency Mechanism") and the
    /// module does not declare it itself (nearer, so it wins). A parent or BOM outside the
    /// repository may manage it, so neither may be there. Gradle's resolution (highest
    /// version wins, platforms, the dependency-management plugin) is not modelled: unknown.
    fn pom_version_wins(&self, at: ModuleId, group: &str, name: &str) -> bool {
        let m = &self.modules[at];
        let same = |g: &str, n: &str| g == group && n == name;
        m.kind == BuildKind::Maven
            && m.maven
                .as_ref()
                .is_some_and(|x| !x.boot_managed && x.external_parent.is_none() && x.bom_imports.is_empty())
            && !m.managed.iter().any(|(g, n, _)| same(g, n))
            && !m
                .deps
                .iter()
                .any(|d| matches!(&d.coord, Coord::Module { group: g, name: n, .. } if same(g, n)))
    }

    /// A find through an external artifact that brings the sought one: the chain ends at its
    /// declaration (`note` says how it brings it), and `dep` stands for the sought artifact
    /// (no version of its own is written anywhere).
    fn brought(&self, path: &[Edge<'m>], d: &Dep, at: ModuleId, sought: &str, note: String) -> Found {
        let mut chain = self.hops(path);
        chain.extend(declaration_hops(d));
        if let Some(last) = chain.last_mut() {
            last.note.push_str(&note);
        }
        let mut dep = d.clone();
        dep.coord = Coord::Module {
            group: self.group.to_string(),
            name: sought.to_string(),
            version: None,
        };
        dep.version_span = None;
        dep.notation = None;
        dep.transitive = None;
        Found {
            chain,
            dep,
            module: at,
            version_from: None,
        }
    }

    /// Walks into a project/module dependency. Returns `None` only to stop early (never);
    /// a find is parked in `out.found` (or turned into an unknown when `maybe`).
    fn follow(&mut self, to: ModuleId, d: &'m Dep, depth: usize, path: &mut Vec<Edge<'m>>, maybe: bool) -> Option<()> {
        path.push((d, to));
        if let Some(found) = self.walk(to, depth + 1, path, maybe) {
            self.out.found = Some(found);
        }
        path.pop();
        Some(())
    }
}

/// The repository modules whose jars are packaged with `start` (project dependencies and
/// coordinates of repository modules, followed transitively), nearest first. Only certain
/// edges: a conditional declaration or a configuration that may not be packaged is skipped,
/// since what it would add is not known to be there.
pub fn packaged_modules(modules: &IdVec<ModuleId, Module>, start: ModuleId) -> Vec<ModuleId> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::from([start]);
    let mut queue = std::collections::VecDeque::from([(start, 0usize)]);
    while let Some((at, depth)) = queue.pop_front() {
        let Some(m) = modules.get(at) else { continue };
        if depth >= MAX_DEPTH {
            continue;
        }
        for d in &m.deps {
            let reach = match m.kind {
                BuildKind::Maven => maven_reach(&d.configuration, d.optional, depth > 0),
                _ => gradle_reach(&d.configuration),
            };
            let Some(t) = d.target.filter(|t| modules.get(*t).is_some()) else {
                continue;
            };
            if reach != Reach::Packaged || d.conditional || !seen.insert(t) {
                continue;
            }
            out.push(t);
            queue.push_back((t, depth + 1));
        }
    }
    out
}

fn describe(m: &Module) -> String {
    match m.kind {
        BuildKind::Gradle => format!("`{}`", m.gradle_path),
        _ => m
            .coords
            .as_ref()
            .map_or_else(|| format!("`{}`", m.dir), |(_, a)| format!("module `{a}`")),
    }
}
