//! What a service's own code serves: the request mappings and routes of its module's sources
//! and of the repository modules packaged with it (`parse::jvm::web`), combined as Spring
//! combines them (a type-level `@RequestMapping` prefixes its methods', inherited mappings
//! apply to the controllers that implement them). Either the set is complete, or it is unknown
//! with the first reason: a path the linter cannot evaluate, a servlet or JAX-RS resource, a
//! controller whose supertype is not in the sources, a dependency that may bring controllers,
//! no sources at all. Paths here are relative to the server prefix (context path + servlet
//! path, or the WebFlux base path), which `Serving` owns.

use super::jvm_sources::module_sources;
use super::serving::StaticContent;
use super::Why;
use crate::file_kind::FileKind;
use crate::ids::IdVec;
use crate::model::build::known::{gradle_reach, is_public_group, maven_reach, Reach};
use crate::model::build::{BuildKind, Coord, Module};
use crate::model::ModuleId;
use crate::parse::jvm::web::{Mapping, TypeDecl, WebSource};
use crate::parse::Parsed;
use crate::source::{FileId, SourceSet, Span};
use std::collections::HashMap;

/// One pattern the application maps, and the annotation or call that maps it.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    pub pattern: String,
    pub via: String,
    pub span: Span,
}

/// The paths a service's own code serves.
#[derive(Clone, Debug, Default)]
pub struct Routes {
    pub routes: Vec<Route>,
    /// Why the set may be incomplete (the first reason found).
    pub unknown: Option<Why>,
    /// Path-like string literals outside mappings: what a filter or servlet may serve.
    pub literals: Vec<(String, Span)>,
    /// Source files read.
    pub files: usize,
    /// Files in the default static-resource folders of the module and of the repository
    /// modules packaged with it: what Boot's resource handler serves, by path.
    pub statics: Vec<StaticFile>,
}

/// A file Boot's resource handler may serve: `src/main/resources/static/healthz.txt` is served
/// at `/healthz.txt` under `spring.mvc.static-path-pattern` (`/**` by default).
#[derive(Clone, Debug, PartialEq)]
pub struct StaticFile {
    /// Its folder (`static`, `public`, `resources`, `META-INF/resources`).
    pub location: &'static str,
    /// Its path under the folder, with a leading `/`.
    pub path: String,
    pub file: FileId,
}

/// Whether the application's own code serves a path.
#[derive(Clone, Debug)]
pub enum Serves<'a> {
    /// A mapping matches it.
    Route(&'a Route),
    /// No mapping the linter read matches it, but the set is incomplete, or a literal names it.
    Maybe(Why),
    /// A static resource is served at it.
    Static(&'a StaticFile),
    /// The set is complete and nothing in it matches.
    No,
}

impl Routes {
    /// What serves `path` (relative to the server prefix).
    pub fn serves(&self, path: &str) -> Serves<'_> {
        if let Some(r) = self.routes.iter().find(|r| matches(&r.pattern, path)) {
            return Serves::Route(r);
        }
        if let Some(w) = &self.unknown {
            return Serves::Maybe(w.clone());
        }
        if let Some((l, span)) = self.literals.iter().find(|(l, _)| literal_names(l, path)) {
            return Serves::Maybe(Why::new(
                format!("the string `\"{l}\"` may be a path something serves"),
                Some(*span),
            ));
        }
        Serves::No
    }

    /// What serves `path` (relative to the server prefix): a request mapping, else a static
    /// resource of this deployment's resource handler (`statics`), else `serves`' answer. A
    /// mapping wins over a resource (`RequestMappingHandlerMapping` is ordered before the
    /// resource handler), and either only ever makes a path served.
    pub fn serves_with(&self, path: &str, statics: &StaticContent) -> Serves<'_> {
        let mapped = self.serves(path);
        if matches!(mapped, Serves::Route(_)) {
            return mapped;
        }
        match statics {
            StaticContent::Off(_) => mapped,
            StaticContent::Unknown(w) => match mapped {
                Serves::No => Serves::Maybe(Why::new(format!("static resources may serve it: {}", w.text), w.span)),
                other => other,
            },
            StaticContent::Under { prefix, locations, .. } => {
                let Some(rel) = strip_dir(path, prefix) else { return mapped };
                let rel = if rel.is_empty() { "/" } else { rel };
                let file = self.statics.iter().filter(|f| locations.contains(&f.location)).find(|f| {
                    same_path(&f.path, rel)
                        // The welcome page: `index.html` at the top of a location serves `/`
                        // when the pattern is `/**` (`WelcomePageHandlerMapping`).
                        || (prefix.is_empty() && rel == "/" && f.path == "/index.html")
                });
                match file {
                    Some(f) => Serves::Static(f),
                    None if rel.starts_with("/webjars/") || rel == "/webjars" => match mapped {
                        Serves::No => Serves::Maybe(Why::new(
                            "a webjar on the classpath may serve it (`classpath:/META-INF/resources/webjars/`)",
                            None,
                        )),
                        other => other,
                    },
                    None => mapped,
                }
            }
        }
    }
}

/// `path` under the directory `dir` (`""`: the root), as `/rest` (`""` for `dir` itself).
fn strip_dir<'p>(path: &'p str, dir: &str) -> Option<&'p str> {
    if dir.is_empty() {
        return Some(path);
    }
    let rest = path.strip_prefix(dir)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

/// A request path and a resource path name the same file: segments equal, a trailing slash
/// and a query ignored.
fn same_path(file: &str, path: &str) -> bool {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let segs = |p: &str| p.split('/').filter(|s| !s.is_empty()).map(str::to_string).collect::<Vec<_>>();
    let (f, p) = (segs(file), segs(path));
    !f.is_empty() && f == p
}

/// Dependency names that serve paths of their own: gateways and proxies, JAX-RS and SOAP
/// stacks, Spring Data REST, the Config Server (`/{application}/{profile}`), admin UIs.
const SERVES_PATHS: &[&str] = &[
    "gateway",
    "zuul",
    "jersey",
    "resteasy",
    "cxf",
    "jaxrs",
    "jax-rs",
    "data-rest",
    "config-server",
    "admin-server",
    "admin-starter-server",
    "eureka-server",
    "vaadin",
    "camel",
    "servlet",
    "hawtio",
    "jolokia",
    "function-web",
    "web-services",
];

/// Supertypes that declare no request mapping.
const PLAIN_SUPERTYPES: &[&str] = &[
    "Object",
    "Any",
    "Serializable",
    "ErrorController",
    "InitializingBean",
    "DisposableBean",
    "ApplicationContextAware",
    "BeanFactoryAware",
    "EnvironmentAware",
    "ApplicationListener",
    "CommandLineRunner",
    "ApplicationRunner",
    "Ordered",
];

/// The routes of the service built by `module`.
pub fn of_module(
    modules: &IdVec<ModuleId, Module>,
    module: ModuleId,
    sources: &SourceSet,
    parsed: &[Parsed],
    by_dir: &HashMap<&str, Vec<FileId>>,
    statics_by_dir: &HashMap<&str, Vec<StaticFile>>,
) -> Routes {
    let mut out = Routes::default();
    let mut unknown: Vec<Why> = Vec::new();
    let mut webs: Vec<(FileId, &WebSource)> = Vec::new();
    for ms in module_sources(modules, module, sources, by_dir, "its mappings are not read") {
        if let Some(st) = statics_by_dir.get(ms.module.dir.as_str()) {
            out.statics.extend(st.iter().cloned());
        }
        unknown.extend(ms.unknown);
        for &id in ms.files {
            if let Parsed::Source(_, w) = &parsed[id.0 as usize] {
                webs.push((id, w));
            }
        }
        classpath(ms.module, ms.transitive, &mut unknown);
    }
    out.files = webs.len();
    let mut types: HashMap<&str, Vec<(FileId, &TypeDecl)>> = HashMap::new();
    for (id, w) in &webs {
        for t in &w.types {
            types.entry(t.name.as_str()).or_default().push((*id, t));
        }
        // A file the reader dropped (it mentions no mapping) still declares its file's type.
    }
    let declared = |name: &str| {
        types.contains_key(name)
            || webs.iter().any(|(id, _)| {
                let p = sources.path(*id);
                let stem = p.rsplit('/').next().unwrap_or(p);
                stem.split('.').next() == Some(name)
            })
    };
    for (id, w) in &webs {
        for m in &w.routes {
            push(&mut out, &mut unknown, *id, &[], m);
        }
        for (why, range) in &w.unknown {
            unknown.push(Why::new(
                format!("`{}` {why}", sources.path(*id)),
                Some(Span::new(*id, range.clone())),
            ));
        }
        for (l, range) in &w.literals {
            out.literals.push((l.clone(), Span::new(*id, range.clone())));
        }
        for t in &w.types {
            let prefix = t.prefix.as_ref();
            for m in &t.methods {
                push(&mut out, &mut unknown, *id, &prefix.map_or(vec![], |p| vec![(*id, p)]), m);
            }
            if !t.controller && t.methods.is_empty() {
                continue;
            }
            for s in &t.supertypes {
                if PLAIN_SUPERTYPES.contains(&s.as_str()) {
                    continue;
                }
                match types.get(s.as_str()) {
                    Some(decls) => {
                        // The controller's own prefix over the inherited methods (the
                        // supertype's own combination is already listed).
                        for (sid, sd) in decls {
                            let prefixes: Vec<(FileId, &Mapping)> = prefix.map(|p| (*id, p)).into_iter().collect();
                            if prefixes.is_empty() {
                                continue;
                            }
                            for m in &sd.methods {
                                push(&mut out, &mut unknown, *sid, &prefixes, m);
                            }
                        }
                    }
                    None if declared(s) => {}
                    None => unknown.push(Why::new(
                        format!(
                            "`{}` extends or implements `{s}`, which is not in the sources: its request mappings are unknown",
                            t.name
                        ),
                        Some(Span::new(*id, t.span.clone())),
                    )),
                }
            }
        }
    }
    out.routes.dedup_by(|a, b| a.pattern == b.pattern && a.span == b.span);
    out.unknown = unknown.into_iter().next();
    out
}

/// A type-level prefix (if any) combined with a mapping's patterns.
fn push(out: &mut Routes, unknown: &mut Vec<Why>, id: FileId, prefix: &[(FileId, &Mapping)], m: &Mapping) {
    let span = Span::new(id, m.span.clone());
    let heads: Vec<Result<String, (String, Span)>> = match prefix.first() {
        None => vec![Ok(String::new())],
        Some((pid, p)) => p
            .patterns
            .iter()
            .map(|x| x.clone().map_err(|e| (format!("`{}` {e}", p.via), Span::new(*pid, p.span.clone()))))
            .collect(),
    };
    for h in &heads {
        for q in &m.patterns {
            match (h, q) {
                (Ok(h), Ok(q)) => out.routes.push(Route {
                    pattern: combine(h, q),
                    via: m.via.clone(),
                    span,
                }),
                (Err((e, s)), _) => unknown.push(Why::new(e.clone(), Some(*s))),
                (_, Err(e)) => unknown.push(Why::new(format!("`{}` {e}", m.via), Some(span))),
            }
        }
    }
}

/// Dependencies that may bring controllers: what serves paths of its own, what the linter does
/// not know, what cannot be resolved.
fn classpath(m: &Module, transitive: bool, unknown: &mut Vec<Why>) {
    unknown_classpath(m, transitive, "controllers", true, unknown);
}

/// Dependencies that may bring code of their own (`what`: "controllers", "a security filter
/// chain"): what the linter does not know, what cannot be resolved, and with `serving`, what
/// serves paths of its own. Shared with `security`, which asks the same of the classpath.
pub(super) fn unknown_classpath(m: &Module, transitive: bool, what: &str, serving: bool, unknown: &mut Vec<Why>) {
    if m.kind == BuildKind::None {
        unknown.push(Why::new(
            format!("no build file for `{}` was found: its dependencies are unknown", m.dir),
            None,
        ));
        return;
    }
    if let Some((why, span)) = m.unknown.first() {
        unknown.push(Why::new(
            format!("its classpath is not fully known ({why}): a dependency may bring {what}"),
            Some(*span),
        ));
    }
    for d in &m.deps {
        let reach = match m.kind {
            BuildKind::Maven => maven_reach(&d.configuration, d.optional, transitive),
            _ => gradle_reach(&d.configuration),
        };
        if reach == Reach::NotPackaged || reach == Reach::Ignored || d.target.is_some() {
            continue;
        }
        match &d.coord {
            Coord::Unknown(dep) => unknown.push(Why::new(
                format!("the dependency `{dep}` cannot be resolved: it may bring {what}"),
                Some(d.span),
            )),
            Coord::Module { group, name, .. } => {
                let lower = name.to_ascii_lowercase();
                if let Some(w) = SERVES_PATHS.iter().find(|w| serving && lower.contains(*w)) {
                    unknown.push(Why::new(format!("`{group}:{name}` serves paths of its own ({w})"), Some(d.span)));
                } else if !is_public_group(group) {
                    unknown.push(Why::new(
                        format!("`{group}:{name}` is not a library the linter knows: it may bring {what}"),
                        Some(d.span),
                    ));
                }
            }
            Coord::Project(_) => {}
        }
    }
}

/// Spring's combination of a type-level and a method-level pattern.
fn combine(head: &str, tail: &str) -> String {
    let head = head.trim().trim_end_matches('/');
    let tail = tail.trim();
    let joined = if tail.is_empty() {
        head.to_string()
    } else {
        format!("{head}/{}", tail.trim_start_matches('/'))
    };
    if joined.starts_with('/') {
        joined
    } else {
        format!("/{joined}")
    }
}

/// Whether a pattern may match a path. Generous on purpose: any `{var}`, `*` or `?` segment
/// matches any segment, `**` and `{*var}` the rest, segments compare without case, and a
/// suffix (`/health.json`) is ignored — "served" only ever silences a finding.
pub fn matches(pattern: &str, path: &str) -> bool {
    let pat: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    let segs: Vec<&str> = path
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    fn go(pat: &[&str], segs: &[&str]) -> bool {
        match pat.split_first() {
            None => segs.is_empty(),
            Some((p, rest)) if *p == "**" || p.starts_with("{*") => (0..=segs.len()).any(|i| go(rest, &segs[i..])),
            Some((p, rest)) => match segs.split_first() {
                None => false,
                Some((s, more)) => {
                    let wild = p.contains(['{', '*', '?']);
                    let same = p.eq_ignore_ascii_case(s)
                        || (rest.is_empty() && s.len() > p.len() && s.as_bytes()[p.len()] == b'.' && s[..p.len()].eq_ignore_ascii_case(p));
                    (wild || same) && go(rest, more)
                }
            },
        }
    }
    go(&pat, &segs)
}

/// Whether a literal found in the sources names `path`: the same path, with or without its
/// slashes, a pattern (not a bare wildcard) that matches it, or a leading part of it ending at
/// a segment (a filter's `uri.startsWith("/health")` answers `/health/liveness`).
fn literal_names(literal: &str, path: &str) -> bool {
    let l = literal.trim().trim_matches('/');
    let p = path.trim().trim_matches('/');
    if l.is_empty() || l.chars().all(|c| c == '*' || c == '/') {
        return false;
    }
    let prefix = p.len() > l.len() && p.as_bytes()[l.len()] == b'/' && p[..l.len()].eq_ignore_ascii_case(l);
    l.eq_ignore_ascii_case(p) || prefix || (l.contains(['*', '{']) && matches(literal, path))
}

/// Java and Kotlin sources by module directory (`""` for the root), for `of_module`.
pub fn sources_by_dir(sources: &SourceSet) -> HashMap<&str, Vec<FileId>> {
    let mut out: HashMap<&str, Vec<FileId>> = HashMap::new();
    for (id, f) in sources.iter() {
        let jvm = f.kind == FileKind::JvmSource
            || (f.unread.is_some() && [".java", ".kt", ".groovy", ".scala"].iter().any(|e| f.path.ends_with(e)));
        if !jvm {
            continue;
        }
        let dir = if f.path.starts_with("src/main/") {
            Some("")
        } else {
            f.path.find("/src/main/").map(|i| &f.path[..i])
        };
        if let Some(dir) = dir {
            out.entry(dir).or_default().push(id);
        }
    }
    out
}

/// Files in the default static-resource folders, by module directory (`""` for the root),
/// for `of_module`. Any file there counts, whatever its kind (a `.json` is served too).
pub fn statics_by_dir(sources: &SourceSet) -> HashMap<&str, Vec<StaticFile>> {
    let mut out: HashMap<&str, Vec<StaticFile>> = HashMap::new();
    for (id, f) in sources.iter() {
        let Some((dir, location, rel)) = crate::file_kind::static_location(&f.path) else {
            continue;
        };
        out.entry(dir).or_default().push(StaticFile {
            location,
            path: format!("/{rel}"),
            file: id,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_generously() {
        assert!(matches("/health", "/health"));
        assert!(matches("/health/", "/health"));
        assert!(matches("/api/{id}", "/api/health"));
        assert!(matches("/**", "/health/liveness"));
        assert!(matches("/a/**", "/a"));
        assert!(matches("/{*rest}", "/x/y"));
        assert!(matches("/health", "/health.json"));
        assert!(!matches("/health", "/health/liveness"));
        assert!(!matches("/api/**", "/health"));
        assert!(!matches("/", "/health"));
        assert!(matches("/", "/"));
        assert_eq!(combine("/api/", "/x"), "/api/x");
        assert_eq!(combine("", ""), "/");
        assert_eq!(combine("api", "x"), "/api/x");
        assert!(literal_names("/health", "/health"));
        assert!(literal_names("health", "/health"));
        assert!(literal_names("/health/*", "/health/liveness"));
        assert!(!literal_names("/**", "/health"));
        assert!(!literal_names("/actuator/health", "/health"));
        assert!(literal_names("/health", "/health/liveness"), "a filter's prefix");
        assert!(!literal_names("/heal", "/health/liveness"), "only at a segment");
        assert!(!literal_names("/health/liveness", "/health"));
    }

    #[test]
    fn static_files_serve_their_path_under_the_pattern() {
        let file = |location, path: &str| StaticFile {
            location,
            path: path.to_string(),
            file: FileId(0),
        };
        let r = Routes {
            statics: vec![file("static", "/health/liveness"), file("public", "/index.html")],
            ..Routes::default()
        };
        let under = |prefix: &str, locations: Vec<&'static str>| StaticContent::Under {
            prefix: prefix.to_string(),
            locations,
            set_by: vec![],
        };
        let all = || crate::file_kind::STATIC_LOCATIONS.to_vec();
        assert!(matches!(r.serves_with("/health/liveness", &under("", all())), Serves::Static(_)));
        assert!(matches!(r.serves_with("/health/liveness/", &under("", all())), Serves::Static(_)));
        assert!(matches!(r.serves_with("/health/readiness", &under("", all())), Serves::No));
        assert!(matches!(r.serves_with("/health/liveness", &under("/assets", all())), Serves::No));
        assert!(matches!(
            r.serves_with("/assets/health/liveness", &under("/assets", all())),
            Serves::Static(_)
        ));
        assert!(matches!(r.serves_with("/health/liveness", &under("", vec!["public"])), Serves::No));
        assert!(matches!(r.serves_with("/", &under("", all())), Serves::Static(_)), "welcome page");
        assert!(matches!(r.serves_with("/assets", &under("/assets", all())), Serves::No));
        assert!(matches!(r.serves_with("/webjars/x.js", &under("", all())), Serves::Maybe(_)));
        let off = StaticContent::Off(Why::new("off", None));
        assert!(matches!(r.serves_with("/health/liveness", &off), Serves::No));
        let unknown = StaticContent::Unknown(Why::new("custom", None));
        assert!(matches!(r.serves_with("/health/readiness", &unknown), Serves::Maybe(_)));
    }
}
