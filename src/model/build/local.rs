//! What an external dependency brings, read from the POMs of a local Maven repository the user
//! named (`--maven-repo`), the way Maven resolves it — offline, from what was read during
//! loading (`crate::maven_repo::LocalPoms`), never more.
//!
//! Maven, "Introduction to the Dependency Mechanism"
//! (<https://maven.apache.org/guides/introduction/introduction-to-dependency-mechanism.html>):
//! * scopes: a `compile` dependency's `compile` and `runtime` dependencies stay on the runtime
//!   classpath (as `compile`/`runtime`), a `runtime` one's as `runtime`; `provided` and `test`
//!   dependencies of a dependency are omitted ("if no scope is listed, the dependency is
//!   omitted" in the scope table). What the declaring module's own scope does (a `test`
//!   starter is not packaged) is the classpath walk's business (`known::maven_reach`,
//!   `known::gradle_reach`).
//! * "Optional dependencies" are not transitive; `<exclusions>` on a declaration remove the
//!   artifact (and what it brings) from everything under it, `*` matching any group or artifact.
//! * "Dependency mediation — nearest definition": of several versions of one artifact in the
//!   tree, the one closest to the root wins, so the tree is walked breadth first and each
//!   `group:artifact` is taken once, where it is first met.
//! * A POM's `<parent>` supplies properties, dependency management and dependencies; `import`-
//!   scoped `pom` entries of `<dependencyManagement>` add the BOM's managed entries after the
//!   POM's own (Maven, "Importing Dependencies").
//!
//! Everything that cannot be read (a POM not in the repository, one that does not parse, a
//! version not known, a limit reached) is a gap with its reason: the artifact stays "may
//! bring", as without a local repository.

use super::brings::{self, Brings};
use super::known::may_carry;
use super::{Coord, Module};
use crate::ids::IdVec;
use crate::maven_repo::{Gav, LocalPoms};
use crate::model::ModuleId;
use crate::parse::maven::{Pom, PomDep, Text};
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::rc::Rc;
use std::sync::Arc;

/// `<exclusions>`: group and artifact, `*` matching any.
type Exclusions = Vec<(String, String)>;

/// Deepest dependency chain followed below a declaration.
const MAX_DEPTH: usize = 16;
/// Most artifacts taken into one declaration's tree.
const MAX_NODES: usize = 2_000;
/// Longest `<parent>` / BOM-import chain.
const MAX_PARENTS: usize = 16;
/// Rounds of `${…}` substitution.
const MAX_ROUNDS: usize = 8;

/// One artifact a declaration puts on the runtime classpath.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reached {
    pub group: String,
    pub name: String,
    pub version: Option<String>,
    /// `group:artifact:version` of every artifact from the declared one down to this one.
    pub path: Vec<String>,
    /// Through a `<profile>` of a POM, which may not be active.
    pub maybe: bool,
}

/// An artifact under the declaration whose POM could not be used: what it brings is unknown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unread {
    pub group: String,
    pub name: String,
    pub version: Option<String>,
    pub path: Vec<String>,
    pub why: String,
}

/// What one declaration brings, as far as the local repository tells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closure {
    /// How messages name the repository.
    pub repository: String,
    /// Why the declared artifact's own POM could not be used; then nothing below it is known.
    pub root_unread: Option<String>,
    /// Nearest first; the declared artifact itself is not listed.
    pub reached: Vec<Reached>,
    pub unread: Vec<Unread>,
}

/// What a closure says about a sought artifact.
pub enum Answer<'c> {
    /// On the runtime classpath through this chain.
    Brings(&'c Reached),
    /// Through an artifact whose POM was not read but which the cited table knows brings it.
    ByTable(&'c Unread, &'static str),
    No,
    Unknown(String),
}

impl Closure {
    pub fn answer(&self, group: &str, names: &[&str]) -> Answer<'_> {
        let sought = |g: &str, n: &str| g == group && names.contains(&n);
        if let Some(r) = self.reached.iter().find(|r| !r.maybe && sought(&r.group, &r.name)) {
            return Answer::Brings(r);
        }
        if let Some(r) = self.reached.iter().find(|r| sought(&r.group, &r.name)) {
            return Answer::Unknown(format!(
                "{} brings `{}` only through a `<profile>` of a POM, which may not be active",
                chain(&r.path),
                r.name
            ));
        }
        for u in &self.unread {
            let v = u.version.as_deref();
            match brings::lookup(&u.group, &u.name, v, group, names) {
                Some(Ok((Brings::Yes, source))) => return Answer::ByTable(u, source),
                Some(Ok((Brings::No, _))) => {}
                Some(Err(why)) => return Answer::Unknown(why),
                None if may_carry(&u.group, &u.name) => {
                    return Answer::Unknown(format!(
                        "{} may bring the artifact transitively, and what `{}` brings is not known: {}",
                        chain(&u.path),
                        u.name,
                        u.why
                    ))
                }
                None => {}
            }
        }
        Answer::No
    }
}

/// `a:b:1` → `c:d:2`, for messages.
pub fn chain(path: &[String]) -> String {
    path.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(" → ")
}

/// POM models already built, kept between the driver's reading rounds: a model built from POMs
/// that were read stays right when more are read.
#[derive(Default)]
pub struct Models(HashMap<Gav, Rc<Model>>);

/// The coordinates of POMs the modules' external declarations reach that were not read yet.
pub fn wanted_poms(modules: &IdVec<ModuleId, Module>, poms: &LocalPoms, models: &mut Models) -> BTreeSet<Gav> {
    let mut r = Resolver::new(poms);
    r.models = std::mem::take(&mut models.0);
    for m in modules {
        let ext = r.outside(m);
        for d in m.deps.iter().chain(&ext.inherited) {
            let d = ext.with_version(d);
            if let Some(root) = root_of(&d) {
                r.closure(&root, &d.exclusions);
            }
        }
    }
    r.wanted.retain(|g| !poms.has(g));
    models.0 = std::mem::take(&mut r.models);
    r.wanted
}

/// Gives every external declaration what it brings. A Maven module whose parent is outside the
/// repository inherits that parent's dependencies when the parent's POMs were read (its
/// "may declare dependencies" unknown goes, or names what is missing), and version-less
/// declarations take the versions the parent and imported BOMs manage.
pub fn resolve(modules: &mut IdVec<ModuleId, Module>, poms: &LocalPoms) {
    let mut r = Resolver::new(poms);
    let mut memo: HashMap<(Gav, Exclusions), Arc<Closure>> = HashMap::new();
    for m in modules.iter_mut() {
        let ext = r.outside(m);
        // Only a parent that made the classpath unknown (not one known to declare nothing).
        if let Some((span, why)) = &ext.parent_outcome {
            let before = m.unknown.len();
            m.unknown.retain(|(_, s)| s != span);
            if let Some(why) = why.as_ref().filter(|_| m.unknown.len() < before) {
                m.unknown.push((why.clone(), *span));
            }
        }
        for d in m.deps.iter_mut() {
            *d = ext.with_version(d);
        }
        m.deps.extend(ext.inherited.iter().cloned());
        for d in m.deps.iter_mut() {
            let Some(root) = root_of(d) else { continue };
            let key = (root.clone(), d.exclusions.clone());
            let c = memo.entry(key).or_insert_with(|| Arc::new(r.closure(&root, &d.exclusions))).clone();
            d.transitive = Some(c);
        }
    }
}

/// What a Maven module gets from POMs outside the repository.
#[derive(Default)]
struct Outside {
    /// Managed versions of the external parent chain, then of imported BOMs.
    managed: Vec<Managed>,
    /// The external parent's dependencies, as declarations at the module's `<parent>`.
    inherited: Vec<super::Dep>,
    /// The external parent was read: where `<parent>` is, and what is still unknown about it.
    parent_outcome: Option<(crate::source::Span, Option<String>)>,
}

impl Outside {
    /// `d` with the version external management gives it, when it has none of its own.
    fn with_version(&self, d: &super::Dep) -> super::Dep {
        let mut d = d.clone();
        if d.target.is_none() {
            if let Coord::Module {
                group,
                name,
                version: version @ None,
            } = &mut d.coord
            {
                if let Some(v) = self
                    .managed
                    .iter()
                    .find(|x| x.group == *group && x.name == *name)
                    .and_then(|x| x.version.clone())
                {
                    *version = Some(v);
                }
            }
        }
        d
    }
}

/// The declared artifact, when it is an external coordinate: version unknown is `""`.
fn root_of(d: &super::Dep) -> Option<Gav> {
    if d.target.is_some() {
        return None;
    }
    match &d.coord {
        Coord::Module { group, name, version } => Some((group.clone(), name.clone(), version.clone().unwrap_or_default())),
        _ => None,
    }
}

/// A POM's effective content: what Maven's model builder makes of it and its parents.
#[derive(Default)]
struct Model {
    props: HashMap<String, String>,
    /// `group:artifact` → (version, scope), nearest declaration first.
    managed: Vec<Managed>,
    deps: Vec<EffDep>,
    /// A parent or imported BOM that could not be used: the dependencies may be incomplete.
    gap: Option<String>,
}

#[derive(Clone)]
struct Managed {
    group: String,
    name: String,
    version: Option<String>,
    scope: Option<String>,
}

#[derive(Clone)]
struct EffDep {
    group: String,
    name: String,
    version: Option<String>,
    scope: String,
    optional: bool,
    exclusions: Vec<(String, String)>,
    maybe: bool,
}

enum Eff {
    Ready(Rc<Model>),
    /// Its POM, a parent's or a BOM's was not read yet.
    Pending,
    Unread(String),
}

struct Resolver<'p> {
    poms: &'p LocalPoms,
    wanted: BTreeSet<Gav>,
    models: HashMap<Gav, Rc<Model>>,
}

fn text(t: &Option<Text>) -> Option<&str> {
    t.as_ref().map(|t| t.value.as_str())
}

fn interpolate(props: &HashMap<String, String>, s: &str) -> Option<String> {
    let mut cur = s.to_string();
    for _ in 0..MAX_ROUNDS {
        let Some(start) = cur.find("${") else { return Some(cur) };
        let end = start + cur[start..].find('}')?;
        let value = props.get(&cur[start + 2..end])?;
        cur = format!("{}{}{}", &cur[..start], value, &cur[end + 1..]);
    }
    (!cur.contains("${")).then_some(cur)
}

fn excluded(exclusions: &[(String, String)], group: &str, name: &str) -> bool {
    exclusions.iter().any(|(g, a)| (g == "*" || g == group) && (a == "*" || a == name))
}

impl<'p> Resolver<'p> {
    fn new(poms: &'p LocalPoms) -> Self {
        Resolver {
            poms,
            wanted: BTreeSet::new(),
            models: HashMap::new(),
        }
    }

    fn where_(&self) -> String {
        format!("the local Maven repository `{}`", self.poms.shown)
    }

    fn pom(&mut self, gav: &Gav) -> Result<Option<Pom>, String> {
        match self.poms.poms.get(gav) {
            None if self.poms.full => Err(format!(
                "more than {} POMs would be read from {}; the rest were not",
                crate::maven_repo::MAX_POMS,
                self.where_()
            )),
            None => {
                self.wanted.insert(gav.clone());
                Ok(None)
            }
            Some(Err(why)) => Err(format!("its POM is not in {} ({why})", self.where_())),
            Some(Ok(t)) => crate::parse::maven::parse(t)
                .map(Some)
                .map_err(|e| format!("its POM in {} does not parse: {}", self.where_(), e.message)),
        }
    }

    fn model(&mut self, gav: &Gav, depth: usize) -> Eff {
        if let Some(m) = self.models.get(gav) {
            return Eff::Ready(m.clone());
        }
        if depth > MAX_PARENTS {
            return Eff::Unread(format!("its parents and BOMs nest more than {MAX_PARENTS} deep"));
        }
        let pom = match self.pom(gav) {
            Ok(Some(p)) => p,
            Ok(None) => return Eff::Pending,
            Err(why) => return Eff::Unread(why),
        };
        let mut m = Model::default();
        let mut pending = false;
        // The parent first: the child overrides what it inherits.
        let parent = pom.parent.as_ref().and_then(|p| {
            Some((
                text(&p.group_id)?.to_string(),
                text(&p.artifact_id)?.to_string(),
                text(&p.version)?.to_string(),
            ))
        });
        let mut inherited: Option<Rc<Model>> = None;
        if let Some(pg) = &parent {
            match self.model(pg, depth + 1) {
                Eff::Ready(p) => inherited = Some(p),
                Eff::Pending => pending = true,
                Eff::Unread(why) => m.gap = Some(format!("its parent `{}:{}:{}`: {why}", pg.0, pg.1, pg.2)),
            }
        }
        if let Some(p) = &inherited {
            m.props = p.props.clone();
            if m.gap.is_none() {
                m.gap = p.gap.clone();
            }
        }
        for (k, v) in &pom.properties {
            m.props.insert(k.clone(), v.value.clone());
        }
        let (g, a, v) = gav;
        for (k, val) in [
            ("project.groupId", g),
            ("pom.groupId", g),
            ("groupId", g),
            ("project.artifactId", a),
            ("pom.artifactId", a),
            ("artifactId", a),
            ("project.version", v),
            ("pom.version", v),
            ("version", v),
        ] {
            m.props.insert(k.to_string(), val.clone());
        }
        if let Some((pg, _, pv)) = &parent {
            m.props.insert("project.parent.groupId".into(), pg.clone());
            m.props.insert("project.parent.version".into(), pv.clone());
            m.props.insert("parent.version".into(), pv.clone());
        }
        let props = m.props.clone();
        let get = |t: &Option<Text>| text(t).and_then(|s| interpolate(&props, s));
        // Dependency management: own entries, then the parent's, then imported BOMs.
        let mut imports = Vec::new();
        for d in &pom.managed {
            let (Some(group), Some(name)) = (get(&d.group_id), get(&d.artifact_id)) else {
                continue;
            };
            let scope = get(&d.scope);
            if scope.as_deref() == Some("import") {
                imports.push((group, name, get(&d.version)));
                continue;
            }
            m.managed.push(Managed {
                group,
                name,
                version: get(&d.version),
                scope,
            });
        }
        if let Some(p) = &inherited {
            m.managed.extend(p.managed.iter().cloned());
        }
        for (group, name, version) in imports {
            let Some(version) = version else {
                m.gap
                    .get_or_insert(format!("the version of the imported BOM `{group}:{name}` is not known"));
                continue;
            };
            match self.model(&(group.clone(), name.clone(), version.clone()), depth + 1) {
                Eff::Ready(b) => m.managed.extend(b.managed.iter().cloned()),
                Eff::Pending => pending = true,
                Eff::Unread(why) => {
                    m.gap.get_or_insert(format!("its imported BOM `{group}:{name}:{version}`: {why}"));
                }
            }
        }
        if pending {
            return Eff::Pending;
        }
        // Dependencies: inherited, then own (an own declaration of the same artifact wins).
        let mut deps: Vec<EffDep> = inherited.as_ref().map(|p| p.deps.clone()).unwrap_or_default();
        let own = pom
            .dependencies
            .iter()
            .map(|d| (d, false))
            .chain(pom.profile_dependencies.iter().map(|d| (d, true)));
        for (d, maybe) in own {
            let Some(e) = self.eff_dep(&m, d, maybe) else { continue };
            deps.retain(|x| !(x.group == e.group && x.name == e.name));
            deps.push(e);
        }
        m.deps = deps;
        let m = Rc::new(m);
        self.models.insert(gav.clone(), m.clone());
        Eff::Ready(m)
    }

    fn eff_dep(&self, m: &Model, d: &PomDep, maybe: bool) -> Option<EffDep> {
        let get = |t: &Option<Text>| text(t).and_then(|s| interpolate(&m.props, s));
        let (group, name) = (get(&d.group_id)?, get(&d.artifact_id)?);
        let managed = m.managed.iter().find(|x| x.group == group && x.name == name);
        let version = get(&d.version).or_else(|| managed.and_then(|x| x.version.clone()));
        let scope = get(&d.scope)
            .or_else(|| managed.and_then(|x| x.scope.clone()))
            .unwrap_or_else(|| "compile".to_string());
        Some(EffDep {
            group,
            name,
            version,
            scope,
            optional: d.optional,
            exclusions: d.exclusions.clone(),
            maybe,
        })
    }

    /// What the POMs outside the repository give Maven module `m`: its external parent's
    /// dependencies and managed versions, and its imported BOMs' managed versions.
    fn outside(&mut self, m: &Module) -> Outside {
        let mut out = Outside::default();
        let Some(info) = m.maven.as_ref() else { return out };
        if let Some((g, a, v, span)) = &info.external_parent {
            let outcome = match v.as_deref().filter(|v| !v.contains("${")) {
                None => None,
                Some(v) => match self.model(&(g.clone(), a.clone(), v.to_string()), 0) {
                    Eff::Pending => None,
                    Eff::Unread(why) => Some(Some(format!(
                        "parent POM `{g}:{a}` is not in this repository and may declare dependencies; {why}"
                    ))),
                    Eff::Ready(p) => {
                        out.managed.extend(p.managed.iter().cloned());
                        let note = format!(
                            "inherits from parent `{g}:{a}:{v}` (its POM in the local Maven repository `{}`)",
                            self.poms.shown
                        );
                        for d in &p.deps {
                            out.inherited.push(super::Dep {
                                configuration: d.scope.clone(),
                                coord: Coord::Module {
                                    group: d.group.clone(),
                                    name: d.name.clone(),
                                    version: d.version.clone().filter(|v| !v.contains("${")),
                                },
                                span: *span,
                                notation: None,
                                conditional: d.maybe,
                                optional: d.optional,
                                exclusions: d.exclusions.clone(),
                                via: vec![super::Hop {
                                    span: *span,
                                    note: note.clone(),
                                }],
                                origin: d.maybe.then(|| "a `<profile>` of the parent POM".to_string()),
                                resolved: None,
                                version_span: None,
                                target: None,
                                transitive: None,
                            });
                        }
                        Some(
                            p.gap
                                .as_ref()
                                .map(|why| format!("parent POM `{g}:{a}` is not in this repository and may declare dependencies; {why}")),
                        )
                    }
                },
            };
            out.parent_outcome = outcome.map(|why| (*span, why));
        }
        for (g, a, v) in &info.bom_imports {
            let Some(v) = v.as_deref().filter(|v| !v.contains("${")) else {
                continue;
            };
            if let Eff::Ready(b) = self.model(&(g.clone(), a.clone(), v.to_string()), 0) {
                out.managed.extend(b.managed.iter().cloned());
            }
        }
        out
    }

    /// What `root` (declared with `exclusions`) brings, breadth first.
    fn closure(&mut self, root: &Gav, exclusions: &[(String, String)]) -> Closure {
        let mut out = Closure {
            repository: self.poms.shown.clone(),
            root_unread: None,
            reached: vec![],
            unread: vec![],
        };
        if root.2.is_empty() || root.2.contains("${") {
            out.root_unread = Some("its version is not known, so its POM cannot be looked up".into());
            return out;
        }
        struct Node {
            gav: Gav,
            path: Vec<String>,
            exclusions: Rc<Vec<(String, String)>>,
            maybe: bool,
            depth: usize,
        }
        let mut seen: HashSet<(String, String)> = HashSet::from([(root.0.clone(), root.1.clone())]);
        let mut queue = VecDeque::from([Node {
            gav: root.clone(),
            path: vec![format!("{}:{}:{}", root.0, root.1, root.2)],
            exclusions: Rc::new(exclusions.to_vec()),
            maybe: false,
            depth: 0,
        }]);
        while let Some(n) = queue.pop_front() {
            // Pending only while the driver is still reading (`wanted_poms`); should a POM not
            // be read by the end, it is unknown, never "brings nothing".
            let model = match self.model(&n.gav, 0) {
                Eff::Ready(m) => Ok(m),
                Eff::Pending => Err(format!("its POM was not read from {}", self.where_())),
                Eff::Unread(why) => Err(why),
            };
            let model = match model {
                Ok(m) => m,
                Err(why) if n.depth == 0 => {
                    out.root_unread = Some(why);
                    return out;
                }
                Err(why) => {
                    out.unread.push(unread(&n.gav, &n.path, why));
                    continue;
                }
            };
            if let Some(why) = &model.gap {
                out.unread.push(unread(&n.gav, &n.path, why.clone()));
            }
            for d in &model.deps {
                // Only what reaches the runtime classpath through a compile/runtime edge.
                if d.optional || !matches!(d.scope.as_str(), "compile" | "runtime") || excluded(&n.exclusions, &d.group, &d.name) {
                    continue;
                }
                if !seen.insert((d.group.clone(), d.name.clone())) {
                    continue;
                }
                let version = d.version.clone().filter(|v| !v.contains("${"));
                let mut path = n.path.clone();
                path.push(format!("{}:{}:{}", d.group, d.name, version.as_deref().unwrap_or("?")));
                out.reached.push(Reached {
                    group: d.group.clone(),
                    name: d.name.clone(),
                    version: version.clone(),
                    path: path.clone(),
                    maybe: n.maybe || d.maybe,
                });
                let Some(version) = version else {
                    out.unread.push(Unread {
                        group: d.group.clone(),
                        name: d.name.clone(),
                        version: None,
                        path,
                        why: "its version is not known".into(),
                    });
                    continue;
                };
                if n.depth + 1 >= MAX_DEPTH || out.reached.len() >= MAX_NODES {
                    out.unread.push(Unread {
                        group: d.group.clone(),
                        name: d.name.clone(),
                        version: Some(version),
                        path,
                        why: format!("the tree is deeper than {MAX_DEPTH} or larger than {MAX_NODES} artifacts; not followed further"),
                    });
                    continue;
                }
                let exclusions = if d.exclusions.is_empty() {
                    n.exclusions.clone()
                } else {
                    Rc::new(n.exclusions.iter().chain(&d.exclusions).cloned().collect())
                };
                queue.push_back(Node {
                    gav: (d.group.clone(), d.name.clone(), version),
                    path,
                    exclusions,
                    maybe: n.maybe || d.maybe,
                    depth: n.depth + 1,
                });
            }
        }
        out
    }
}

fn unread(gav: &Gav, path: &[String], why: String) -> Unread {
    Unread {
        group: gav.0.clone(),
        name: gav.1.clone(),
        version: Some(gav.2.clone()),
        path: path.to_vec(),
        why,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gav(s: &str) -> Gav {
        let mut it = s.split(':').map(str::to_string);
        (it.next().unwrap(), it.next().unwrap(), it.next().unwrap())
    }

    fn pom(coord: &str, parent: Option<&str>, body: &str) -> (Gav, String) {
        let (g, a, v) = gav(coord);
        let parent = parent.map_or(String::new(), |p| {
            let (g, a, v) = gav(p);
            format!("<parent><groupId>{g}</groupId><artifactId>{a}</artifactId><version>{v}</version></parent>")
        });
        (
            gav(coord),
            format!("<project>{parent}<groupId>{g}</groupId><artifactId>{a}</artifactId><version>{v}</version>{body}</project>"),
        )
    }

    fn dep(coord: &str, extra: &str) -> String {
        let (g, a, v) = gav(coord);
        let v = if v.is_empty() {
            String::new()
        } else {
            format!("<version>{v}</version>")
        };
        format!("<dependency><groupId>{g}</groupId><artifactId>{a}</artifactId>{v}{extra}</dependency>")
    }

    fn deps(list: &[String]) -> String {
        format!("<dependencies>{}</dependencies>", list.concat())
    }

    fn names(c: &Closure) -> Vec<String> {
        c.reached
            .iter()
            .map(|r| format!("{}:{}", r.name, r.version.as_deref().unwrap_or("?")))
            .collect()
    }

    const REG: &str = "io.micrometer:micrometer-registry-prometheus:1.12.0";

    fn closure(poms: &LocalPoms, root: &str, exclusions: &[(&str, &str)]) -> Closure {
        let ex: Vec<(String, String)> = exclusions.iter().map(|(g, a)| (g.to_string(), a.to_string())).collect();
        Resolver::new(poms).closure(&gav(root), &ex)
    }

    #[test]
    fn scopes_optional_exclusions_and_nearest_wins() {
        let poms = LocalPoms::from_texts(
            "m2",
            [
                pom(
                    "com.acme:starter:1",
                    None,
                    &deps(&[
                        dep("com.acme:core:1", ""),
                        dep("com.acme:tests:1", "<scope>test</scope>"),
                        dep("com.acme:container:1", "<scope>provided</scope>"),
                        dep("com.acme:extra:1", "<optional>true</optional>"),
                        dep("com.acme:driver:1", "<scope>runtime</scope>"),
                    ]),
                ),
                pom("com.acme:core:1", None, &deps(&[dep(REG, ""), dep("com.acme:driver:2", "")])),
                pom("com.acme:driver:1", None, ""),
                pom(REG, None, ""),
            ],
        );
        let c = closure(&poms, "com.acme:starter:1", &[]);
        assert_eq!(names(&c), ["core:1", "driver:1", "micrometer-registry-prometheus:1.12.0"]);
        assert!(c.unread.is_empty(), "{:?}", c.unread);
        assert!(matches!(c.answer("io.micrometer", &["micrometer-registry-prometheus"]), Answer::Brings(r) if r.path.len() == 3));
        let c = closure(&poms, "com.acme:starter:1", &[("io.micrometer", "*")]);
        assert!(matches!(c.answer("io.micrometer", &["micrometer-registry-prometheus"]), Answer::No));
        let c = closure(&poms, "com.acme:starter:1", &[("*", "*")]);
        assert!(c.reached.is_empty());
    }

    #[test]
    fn parents_properties_and_imported_boms_give_versions() {
        let poms = LocalPoms::from_texts(
            "m2",
            [
                pom(
                    "com.acme:acme-parent:3",
                    None,
                    &format!(
                        "<properties><core.version>2</core.version></properties><dependencyManagement>{}</dependencyManagement>",
                        deps(&[dep("com.acme:acme-bom:3", "<type>pom</type><scope>import</scope>")])
                    ),
                ),
                pom(
                    "com.acme:acme-bom:3",
                    None,
                    &format!(
                        "<properties><reg.version>1.13.0</reg.version></properties><dependencyManagement>{}</dependencyManagement>",
                        deps(&[dep("io.micrometer:micrometer-registry-prometheus:${reg.version}", "")])
                    ),
                ),
                pom(
                    "com.acme:starter:3",
                    Some("com.acme:acme-parent:3"),
                    &deps(&[
                        dep("io.micrometer:micrometer-registry-prometheus:", ""),
                        dep("com.acme:core:${core.version}", ""),
                    ]),
                ),
                pom("com.acme:core:2", None, ""),
                pom("io.micrometer:micrometer-registry-prometheus:1.13.0", None, ""),
            ],
        );
        let c = closure(&poms, "com.acme:starter:3", &[]);
        assert_eq!(names(&c), ["micrometer-registry-prometheus:1.13.0", "core:2"]);
        assert!(c.unread.is_empty(), "{:?}", c.unread);
        assert!(matches!(
            c.answer("io.micrometer", &["micrometer-registry-prometheus"]),
            Answer::Brings(_)
        ));
    }

    #[test]
    fn what_is_not_read_is_wanted_then_unknown() {
        let poms = LocalPoms::from_texts(
            "m2",
            [pom("com.acme:starter:1", None, &deps(&[dep("com.acme:acme-metrics-core:1", "")]))],
        );
        let mut r = Resolver::new(&poms);
        r.closure(&gav("com.acme:starter:1"), &[]);
        assert_eq!(r.wanted.into_iter().collect::<Vec<_>>(), [gav("com.acme:acme-metrics-core:1")]);
        let mut poms = poms;
        poms.poms
            .insert(gav("com.acme:acme-metrics-core:1"), Err("`m2/…` does not exist".into()));
        let c = closure(&poms, "com.acme:starter:1", &[]);
        let Answer::Unknown(why) = c.answer("io.micrometer", &["micrometer-registry-prometheus"]) else {
            panic!("unknown expected")
        };
        assert!(why.contains("`com.acme:starter:1` → `com.acme:acme-metrics-core:1`"), "{why}");
        assert!(why.contains("the local Maven repository `m2`"), "{why}");
        let c = closure(&poms, "com.acme:missing:1", &[]);
        assert!(c.root_unread.is_some());
    }
}
