//! The request mappings a Java or Kotlin source declares: `@RequestMapping`, `@GetMapping`, …
//! on types and methods (a type's mapping prefixes its methods'), WebFlux router functions
//! (`route(GET("/x"), …)`, `RouterFunctions.route().GET("/x", …)`, Kotlin `router { GET("/x") }`
//! and `coRouter`), and what else in the file could serve a path: path-like string literals and
//! servlet or JAX-RS registrations. Only literals (and constants of the same file holding one)
//! are read; a path computed any other way is unknown, with the reason.
//!
//! Spring MVC and WebFlux combine a type-level and a method-level pattern into one
//! (`RequestMappingInfo.combine`, `AntPathMatcher.combine`); an annotation with no pattern maps
//! the empty path. Sources: Spring Framework reference, "Request Mapping" (web/webmvc/
//! mvc-controller/ann-requestmapping.adoc) and "Functional Endpoints" (web/webflux-functional.adoc).

use crate::parse::jvm::lexer::{self, Dialect, Kind, Token};
use std::collections::HashMap;
use std::ops::Range;

/// A pattern a mapping declares, or why it cannot be read.
pub type Pattern = Result<String, String>;

/// One mapping: its pattern(s) and the annotation or call that declares it.
#[derive(Clone, Debug, PartialEq)]
pub struct Mapping {
    pub patterns: Vec<Pattern>,
    /// `@GetMapping`, `GET(…)`, …
    pub via: String,
    pub span: Range<u32>,
}

/// A class, interface or object, with the mappings on it and on its methods.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TypeDecl {
    pub name: String,
    pub span: Range<u32>,
    /// The type-level `@RequestMapping`, when there is one.
    pub prefix: Option<Mapping>,
    /// Method-level mappings, in order.
    pub methods: Vec<Mapping>,
    /// Simple names of the types it extends or implements (mappings are inherited).
    pub supertypes: Vec<String>,
    /// `@Controller`, `@RestController` (or a type-level `@RequestMapping`).
    pub controller: bool,
}

/// What one source file says about the paths its application serves.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WebSource {
    pub types: Vec<TypeDecl>,
    /// Router-function routes (and mappings outside any type).
    pub routes: Vec<Mapping>,
    /// Something that serves paths this reader cannot enumerate, with where it is.
    pub unknown: Vec<(String, Range<u32>)>,
    /// Path-like string literals outside mappings (`"/health"`, `"health"`): a filter, a
    /// servlet or a view controller may serve them.
    pub literals: Vec<(String, Range<u32>)>,
    /// The Spring Security configuration the file declares.
    pub security: super::security::SecuritySource,
}

impl WebSource {
    pub fn is_empty(&self) -> bool {
        self.types.is_empty() && self.routes.is_empty() && self.unknown.is_empty() && self.literals.is_empty() && self.security.is_empty()
    }
}

const MAPPING_ANNOTATIONS: &[&str] = &[
    "RequestMapping",
    "GetMapping",
    "PostMapping",
    "PutMapping",
    "DeleteMapping",
    "PatchMapping",
    // Spring Framework 6.1 serves `@HttpExchange` interfaces a controller implements.
    "HttpExchange",
    "GetExchange",
    "PostExchange",
    "PutExchange",
    "DeleteExchange",
    "PatchExchange",
];

const CONTROLLER_ANNOTATIONS: &[&str] = &[
    "Controller",
    "RestController",
    "RepositoryRestController",
    "BasePathAwareController",
];

const ROUTE_VERBS: &[&str] = &["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

/// Types whose names in this set register handlers this reader does not enumerate.
const OPAQUE: &[(&str, &str)] = &[
    ("ServletRegistrationBean", "registers a servlet"),
    ("WebServlet", "declares a servlet"),
    ("HttpServlet", "extends a servlet"),
    ("SimpleUrlHandlerMapping", "registers URL handlers"),
    ("addPathPrefix", "adds a path prefix to controllers"),
    ("setUseSuffixPatternMatch", "changes how paths match"),
];

/// Longest literal kept as a possible path.
const MAX_LITERAL: usize = 200;

struct Annotation {
    name: String,
    /// Token range of the arguments, inside the parentheses.
    args: Option<Range<usize>>,
    span: Range<u32>,
}

pub fn read(path: &str, text: &str) -> WebSource {
    let kotlin = path.ends_with(".kt");
    let (toks, _) = lexer::lex(text, if kotlin { Dialect::Kotlin } else { Dialect::Java });
    let consts = constants(&toks);
    let security = if ["HttpSecurity", "WebSecurity", "SecurityFilterChain", "SecurityWebFilterChain"]
        .iter()
        .any(|w| text.contains(w))
    {
        super::security::read(&toks, &consts)
    } else {
        Default::default()
    };
    let mut out = Reader {
        toks: &toks,
        consts,
        kotlin,
        out: WebSource::default(),
        used: vec![false; toks.len()],
        nest: Vec::new(),
    }
    .run(text);
    out.security = security;
    out
}

struct Reader<'a> {
    toks: &'a [Token],
    consts: HashMap<&'a str, &'a str>,
    kotlin: bool,
    out: WebSource,
    /// Tokens read as part of a mapping (not literals of their own).
    used: Vec<bool>,
    /// Router nesting open at this point: the prefix and the token index where it ends.
    nest: Vec<(Pattern, usize)>,
}

/// `NAME = "literal"` ending its statement: a constant a mapping may use.
pub(crate) fn constants(toks: &[Token]) -> HashMap<&str, &str> {
    let mut out = HashMap::new();
    for k in 0..toks.len().saturating_sub(2) {
        let (a, eq, v) = (&toks[k], &toks[k + 1], &toks[k + 2]);
        if a.kind == Kind::Ident && eq.kind == Kind::Punct && eq.text == "=" && v.kind == Kind::Str && !v.template {
            let ends = toks
                .get(k + 3)
                .is_none_or(|n| n.newline_before || (n.kind == Kind::Punct && matches!(n.text.as_str(), ";" | "," | "}")));
            if ends {
                // Two assignments of one name: not a constant.
                if out
                    .insert(a.text.as_str(), v.text.as_str())
                    .is_some_and(|old| old != v.text.as_str())
                {
                    out.insert(a.text.as_str(), "\u{0}");
                }
            }
        }
    }
    out.retain(|_, v| *v != "\u{0}");
    out
}

impl<'a> Reader<'a> {
    fn punct(&self, k: usize, p: &str) -> bool {
        self.toks.get(k).is_some_and(|t| t.kind == Kind::Punct && t.text == p)
    }
    fn ident(&self, k: usize) -> Option<&'a str> {
        self.toks.get(k).filter(|t| t.kind == Kind::Ident).map(|t| t.text.as_str())
    }

    /// The index after the bracket that closes the one at `open`.
    fn close(&self, open: usize) -> usize {
        lexer::after_closing(self.toks, open)
    }

    fn run(mut self, text: &str) -> WebSource {
        let router = text.contains("RouterFunction") || text.contains("router {") || text.contains("coRouter") || text.contains("router{");
        let ws_rs = text.contains("javax.ws.rs") || text.contains("jakarta.ws.rs");
        let mut pending: Vec<Annotation> = Vec::new();
        // (type index, brace depth of its body)
        let mut stack: Vec<(usize, usize)> = Vec::new();
        let mut depth = 0usize;
        let mut open_type: Option<usize> = None;
        let mut k = 0;
        while k < self.toks.len() {
            while self.nest.last().is_some_and(|(_, end)| *end <= k) {
                self.nest.pop();
            }
            let t = &self.toks[k];
            match t.kind {
                Kind::Punct if t.text == "@" => {
                    let (a, next) = self.annotation(k);
                    if let Some(a) = a {
                        if ws_rs && a.name == "Path" {
                            self.out
                                .unknown
                                .push(("declares a JAX-RS resource (`@Path`)".into(), a.span.clone()));
                        }
                        self.opaque(&a.name, a.span.clone());
                        pending.push(a);
                    }
                    k = next;
                    continue;
                }
                Kind::Ident
                    if matches!(t.text.as_str(), "class" | "interface" | "object" | "record" | "enum")
                        && !(k > 0 && (self.punct(k - 1, ".") || self.punct(k - 1, "::"))) =>
                {
                    let Some(name) = self.ident(k + 1).filter(|n| *n != "class") else {
                        k += 1;
                        continue;
                    };
                    let (supertypes, body) = self.header(k + 2);
                    let decl = self.type_decl(name, self.toks[k + 1].start..self.toks[k + 1].end, &mut pending, supertypes);
                    self.out.types.push(decl);
                    if let Some(b) = body {
                        open_type = Some(self.out.types.len() - 1);
                        k = b;
                    } else {
                        k += 2;
                    }
                    continue;
                }
                Kind::Ident if t.text == "fun" => self.flush(&mut pending, &stack),
                Kind::Ident
                    if router
                        && self.punct(k + 1, "(")
                        && (ROUTE_VERBS.contains(&t.text.as_str()) || t.text == "path" || t.text == "resources") =>
                {
                    self.route(k);
                }
                Kind::Ident if OPAQUE.iter().any(|(n, _)| *n == t.text) => self.opaque(&t.text, t.start..t.end),
                Kind::Str if router && self.punct(k + 1, ".") && self.ident(k + 2) == Some("nest") && self.punct(k + 3, "{") => {
                    // Kotlin `"/api".nest { … }`: the block's routes are under the prefix.
                    self.used[k] = true;
                    let prefix = self.literal(k);
                    let end = self.close(k + 3);
                    self.nest.push((prefix, end));
                }
                Kind::Punct if t.text == "{" => {
                    self.flush(&mut pending, &stack);
                    if let Some(ti) = open_type.take() {
                        stack.push((ti, depth));
                    }
                    depth += 1;
                }
                Kind::Punct if t.text == "}" => {
                    self.flush(&mut pending, &stack);
                    depth = depth.saturating_sub(1);
                    while stack.last().is_some_and(|(_, d)| *d >= depth) {
                        stack.pop();
                    }
                }
                Kind::Punct if t.text == ";" || t.text == "=" => self.flush(&mut pending, &stack),
                _ => {}
            }
            k += 1;
        }
        self.flush(&mut pending, &stack);
        for (k, t) in self.toks.iter().enumerate() {
            if t.kind == Kind::Str && !self.used[k] && path_like(&t.text) {
                self.out.literals.push((t.text.trim().to_string(), t.start..t.end));
            }
        }
        self.out
    }

    /// A registration of handlers this reader does not enumerate, once per kind.
    fn opaque(&mut self, name: &str, span: Range<u32>) {
        if let Some((_, why)) = OPAQUE.iter().find(|(n, _)| *n == name) {
            if !self.out.unknown.iter().any(|(w, _)| w == why) {
                self.out.unknown.push((why.to_string(), span));
            }
        }
    }

    /// `@Name` or `@a.b.Name(…)` at `k`: the annotation and the index after it.
    fn annotation(&mut self, k: usize) -> (Option<Annotation>, usize) {
        let mut j = k + 1;
        // Kotlin use-site targets: `@get:Mapping`, `@file:JvmName`.
        if self.ident(j).is_some() && self.punct(j + 1, ":") {
            j += 2;
        }
        let mut name = "";
        while let Some(s) = self.ident(j) {
            name = s;
            if self.punct(j + 1, ".") {
                j += 2;
            } else {
                j += 1;
                break;
            }
        }
        if name.is_empty() {
            return (None, k + 1);
        }
        let span = self.toks[k].start..self.toks[j - 1].end;
        let args = if self.punct(j, "(") {
            let end = self.close(j);
            let r = j + 1..end.saturating_sub(1).max(j + 1);
            j = end;
            Some(r)
        } else {
            None
        };
        if MAPPING_ANNOTATIONS.contains(&name) {
            if let Some(r) = &args {
                for u in r.clone() {
                    if let Some(x) = self.used.get_mut(u) {
                        *x = true;
                    }
                }
            }
        }
        (
            Some(Annotation {
                name: name.to_string(),
                args,
                span,
            }),
            j,
        )
    }

    /// A type's header from `j`: the supertypes it names and the index of its body's `{`.
    fn header(&self, mut j: usize) -> (Vec<String>, Option<usize>) {
        let mut supers = Vec::new();
        let mut depth = 0i32;
        let mut angle = 0i32;
        let mut listing = false;
        while j < self.toks.len() {
            let t = &self.toks[j];
            match (t.kind, t.text.as_str()) {
                (Kind::Punct, "(" | "[") => depth += 1,
                (Kind::Punct, ")" | "]") => depth -= 1,
                (Kind::Punct, "<") => angle += 1,
                (Kind::Punct, ">") => angle -= 1,
                (Kind::Punct, "{") if depth <= 0 => return (supers, Some(j)),
                (Kind::Punct, ";" | "}") if depth <= 0 => return (supers, None),
                (Kind::Punct, ":") if depth <= 0 && angle <= 0 && self.kotlin => listing = true,
                (Kind::Ident, "extends" | "implements") if depth <= 0 && angle <= 0 => listing = true,
                (Kind::Ident, "fun" | "val" | "var" | "class" | "interface" | "object" | "import" | "package") if depth <= 0 => {
                    return (supers, None)
                }
                (Kind::Ident, name) if listing && depth <= 0 && angle <= 0 && !self.punct(j + 1, ".") && name != "by" => {
                    supers.push(name.to_string());
                }
                _ => {}
            }
            j += 1;
        }
        (supers, None)
    }

    fn type_decl(&mut self, name: &str, span: Range<u32>, pending: &mut Vec<Annotation>, supertypes: Vec<String>) -> TypeDecl {
        let mut decl = TypeDecl {
            name: name.to_string(),
            span,
            supertypes,
            ..TypeDecl::default()
        };
        for a in pending.drain(..) {
            if CONTROLLER_ANNOTATIONS.contains(&a.name.as_str()) {
                decl.controller = true;
            }
            if MAPPING_ANNOTATIONS.contains(&a.name.as_str()) {
                decl.controller = true;
                decl.prefix = Some(self.mapping(&a));
            }
        }
        decl
    }

    /// Mapping annotations waiting for their declaration belong to a method (or function).
    fn flush(&mut self, pending: &mut Vec<Annotation>, stack: &[(usize, usize)]) {
        for a in std::mem::take(pending) {
            if !MAPPING_ANNOTATIONS.contains(&a.name.as_str()) {
                continue;
            }
            let m = self.mapping(&a);
            match stack.last() {
                Some((ti, _)) => self.out.types[*ti].methods.push(m),
                None => self.out.routes.push(m),
            }
        }
    }

    /// The patterns of a mapping annotation: its `value`/`path` (or first) argument.
    fn mapping(&self, a: &Annotation) -> Mapping {
        let via = format!("@{}", a.name);
        let Some(args) = a.args.clone().filter(|r| !r.is_empty()) else {
            return Mapping {
                patterns: vec![Ok(String::new())],
                via,
                span: a.span.clone(),
            };
        };
        // Split top-level arguments on commas.
        let mut parts: Vec<Range<usize>> = Vec::new();
        let mut start = args.start;
        let mut j = args.start;
        while j < args.end {
            if self.toks[j].kind == Kind::Punct && matches!(self.toks[j].text.as_str(), "(" | "[" | "{") {
                j = self.close(j);
                continue;
            }
            if self.punct(j, ",") {
                parts.push(start..j);
                start = j + 1;
            }
            j += 1;
        }
        parts.push(start..args.end);
        let mut patterns = Vec::new();
        for (i, p) in parts.iter().enumerate() {
            let named = self.ident(p.start).filter(|_| self.punct(p.start + 1, "="));
            match named {
                Some("value" | "path") => patterns.extend(self.values(p.start + 2..p.end)),
                Some(_) => {}
                // Java's one `value`; Kotlin passes `value`'s array as leading varargs.
                None if i == 0 || self.kotlin => patterns.extend(self.values(p.clone())),
                None => {}
            }
        }
        if patterns.is_empty() {
            patterns.push(Ok(String::new()));
        }
        Mapping {
            patterns,
            via,
            span: a.span.clone(),
        }
    }

    /// The strings an annotation value holds: a literal, a concatenation of literals and
    /// constants, or an array of them (`{…}`, `[…]`, `arrayOf(…)`).
    fn values(&self, r: Range<usize>) -> Vec<Pattern> {
        if r.is_empty() {
            return vec![Err("a mapping's path is empty".into())];
        }
        let first = &self.toks[r.start];
        let array = (first.kind == Kind::Punct && (first.text == "{" || first.text == "["))
            || (matches!(self.ident(r.start), Some("arrayOf")) && self.punct(r.start + 1, "("));
        if array {
            let open = if first.kind == Kind::Punct { r.start } else { r.start + 1 };
            let end = self.close(open).min(r.end).saturating_sub(1);
            let mut out = Vec::new();
            let mut s = open + 1;
            let mut j = open + 1;
            while j < end {
                if self.toks[j].kind == Kind::Punct && matches!(self.toks[j].text.as_str(), "(" | "[" | "{") {
                    j = self.close(j);
                    continue;
                }
                if self.punct(j, ",") {
                    if s < j {
                        out.push(self.expr(s..j));
                    }
                    s = j + 1;
                }
                j += 1;
            }
            if s < end {
                out.push(self.expr(s..end));
            }
            if out.is_empty() {
                out.push(Ok(String::new()));
            }
            return out;
        }
        vec![self.expr(r)]
    }

    /// One string expression: literals and same-file constants joined by `+`.
    fn expr(&self, r: Range<usize>) -> Pattern {
        let mut s = String::new();
        let mut expect_term = true;
        let mut j = r.start;
        while j < r.end {
            let t = &self.toks[j];
            if expect_term {
                match t.kind {
                    Kind::Str => s.push_str(&self.literal(j)?),
                    Kind::Ident => {
                        // `Paths.HEALTH` / `HEALTH`: only a constant of this file.
                        let mut last = j;
                        while self.punct(last + 1, ".") && self.ident(last + 2).is_some() && last + 2 < r.end {
                            last += 2;
                        }
                        let name = self.toks[last].text.as_str();
                        let written: String = self.toks[j..=last].iter().map(|t| t.text.as_str()).collect();
                        match self.consts.get(name) {
                            Some(v) if last == j => {
                                if v.contains("${") || v.contains("#{") {
                                    return Err(format!("uses `{written}`, which holds a placeholder"));
                                }
                                s.push_str(v);
                            }
                            _ => return Err(format!("uses `{written}`, a constant the linter cannot resolve")),
                        }
                        j = last;
                    }
                    _ => {
                        let written: String = self.toks[r.clone()].iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join(" ");
                        return Err(format!("uses `{written}`, which the linter cannot evaluate"));
                    }
                }
                expect_term = false;
            } else if self.punct(j, "+") {
                expect_term = true;
            } else {
                let written: String = self.toks[r.clone()].iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join(" ");
                return Err(format!("uses `{written}`, which the linter cannot evaluate"));
            }
            j += 1;
        }
        Ok(s)
    }

    /// A string literal as a pattern, unless it holds a placeholder or an expression.
    fn literal(&self, k: usize) -> Pattern {
        let t = &self.toks[k];
        if t.template || t.text.contains("${") {
            return Err(format!("uses `\"{}\"`, which holds a placeholder resolved at run time", t.text));
        }
        if t.text.contains("#{") {
            return Err(format!("uses `\"{}\"`, a SpEL expression", t.text));
        }
        Ok(t.text.to_string())
    }

    /// A router-function call at `k` (`GET("/x", …)`, `path("/api")`, `resources("/**", …)`).
    fn route(&mut self, k: usize) {
        let name = self.toks[k].text.to_string();
        let open = k + 1;
        let end = self.close(open).saturating_sub(1);
        if end <= open + 1 {
            // `request.path()`: not a route.
            return;
        }
        // The first argument.
        let mut j = open + 1;
        while j < end {
            if self.toks[j].kind == Kind::Punct && matches!(self.toks[j].text.as_str(), "(" | "[" | "{") {
                j = self.close(j);
                continue;
            }
            if self.punct(j, ",") {
                break;
            }
            j += 1;
        }
        let arg = open + 1..j;
        let span = self.toks[k].start..self.toks[end.min(self.toks.len() - 1)].end;
        let handler = self.toks[arg.clone()]
            .iter()
            .any(|t| t.kind == Kind::Punct && matches!(t.text.as_str(), "::" | "->" | "{"));
        let pattern = if handler {
            if name == "path" || name == "resources" {
                return;
            }
            Err(format!("`{name}(…)` routes without a path pattern: it matches every path"))
        } else {
            for u in arg.clone() {
                self.used[u] = true;
            }
            // A prefix computed any other way makes its routes unknown, not flat.
            self.expr(arg)
        };
        if name == "path" {
            // `.path("/api", b -> …)`: the builder's routes are under the prefix; Kotlin
            // `path("/api").nest { … }`: the block's.
            if j < end {
                self.nest.push((pattern, end + 1));
                return;
            }
            if self.punct(end + 1, ".") && self.ident(end + 2) == Some("nest") && self.punct(end + 3, "{") {
                let close = self.close(end + 3);
                self.nest.push((pattern, close));
                return;
            }
        }
        let pattern = match (name.as_str(), pattern) {
            // A predicate (`nest(path("/api"), …)`): anything under it may be routed.
            ("path", Ok(p)) => Ok(format!("{}/**", p.trim_end_matches('/'))),
            (_, p) => p,
        };
        let mut full = String::new();
        for (prefix, _) in &self.nest {
            match prefix {
                Ok(p) => full.push_str(p.trim_end_matches('/')),
                Err(e) => {
                    let e = e.clone();
                    self.out.routes.push(Mapping {
                        patterns: vec![Err(e)],
                        via: format!("{name}(…)"),
                        span,
                    });
                    return;
                }
            }
        }
        let pattern = pattern.map(|p| {
            if full.is_empty() {
                p
            } else {
                format!("{full}/{}", p.trim_start_matches('/'))
            }
        });
        self.out.routes.push(Mapping {
            patterns: vec![pattern],
            via: format!("{name}(…)"),
            span,
        });
    }
}

/// A literal that could be a request path: `/x/y`, `health`, `/x/*`.
fn path_like(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty()
        && s.len() <= MAX_LITERAL
        && (s.starts_with('/') || s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        && !s.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patterns(m: &Mapping) -> Vec<String> {
        m.patterns.iter().map(|p| p.clone().unwrap_or_else(|e| format!("?{e}"))).collect()
    }

    #[test]
    fn java_controller_with_prefix_and_arrays() {
        let java = r#"package a;
@RestController
@RequestMapping(value = "/api", produces = "application/json")
public class Orders extends Base implements Api, Serializable {
  static final String ONE = "/one";
  @GetMapping({"/list", ONE})
  public List<String> list(@RequestParam(name = "q") String q) { String s = "/x"; return null; }
  @PostMapping
  void create() {}
  @RequestMapping(path = Paths.OTHER, method = RequestMethod.GET)
  void other() {}
}
"#;
        let w = read("Orders.java", java);
        assert_eq!(w.types.len(), 1);
        let t = &w.types[0];
        assert!(t.controller);
        assert_eq!(t.supertypes, ["Base", "Api", "Serializable"]);
        assert_eq!(patterns(t.prefix.as_ref().unwrap()), ["/api"]);
        assert_eq!(patterns(&t.methods[0]), ["/list", "/one"]);
        assert_eq!(patterns(&t.methods[1]), [""]);
        assert_eq!(
            patterns(&t.methods[2]),
            ["?uses `Paths.OTHER`, a constant the linter cannot resolve"]
        );
        let lits: Vec<&str> = w.literals.iter().map(|(s, _)| s.as_str()).collect();
        assert!(lits.contains(&"/x"), "{lits:?}");
        assert!(!lits.contains(&"/list"));
    }

    #[test]
    fn kotlin_controller_and_interface() {
        let kt = r#"package a
@RestController
class HealthController(private val s: Service) : Api, Base() {
    @GetMapping(value = ["/healthz", "/ping"])
    fun health(): String = "ok"

    @GetMapping("${'$'}{api.base}/x")
    fun x() = 1
}
interface Api {
    @GetMapping("/api/a")
    fun a(): String
    @GetMapping(path = arrayOf("/api/b"))
    fun b(): String
}
"#;
        let w = read("H.kt", kt);
        assert_eq!(w.types[0].supertypes, ["Api", "Base"]);
        assert_eq!(patterns(&w.types[0].methods[0]), ["/healthz", "/ping"]);
        assert!(w.types[0].methods[1].patterns[0].is_err());
        assert_eq!(patterns(&w.types[1].methods[0]), ["/api/a"]);
        assert_eq!(patterns(&w.types[1].methods[1]), ["/api/b"]);
    }

    #[test]
    fn router_functions() {
        let java = r#"@Bean RouterFunction<ServerResponse> routes(Handler h) {
  return route(GET("/hello"), h::hello).andRoute(POST("/items").and(accept(JSON)), h::save)
     .and(RouterFunctions.route().GET("/b", h::b).path("/nested", b -> b.GET("/c", h::c)).build());
}"#;
        let w = read("R.java", java);
        let all: Vec<String> = w.routes.iter().flat_map(patterns).collect();
        assert_eq!(all, ["/hello", "/items", "/b", "/nested/c"]);
        let kt = "fun r(h: H) = coRouter {\n  GET(\"/k\", h::k)\n  \"/api\".nest { GET(\"/x\") { ok() } }\n  GET(h::all)\n}\n";
        let w = read("R.kt", kt);
        let all: Vec<String> = w.routes.iter().flat_map(patterns).collect();
        assert_eq!(all[..2], ["/k".to_string(), "/api/x".into()]);
        assert!(all[2].starts_with('?'));
        let kt = "val r = router { path(\"/v1\").nest { GET(\"/a\", h::a) }\n GET(\"/b\", h::b) }\nval p = RequestPredicates.path(\"/c\")";
        let all: Vec<String> = read("R.kt", kt).routes.iter().flat_map(patterns).collect();
        assert_eq!(all, ["/v1/a", "/b", "/c/**"]);
    }

    #[test]
    fn opaque_registrations_and_noise() {
        let w = read(
            "S.java",
            "@Bean ServletRegistrationBean<X> s() { return new ServletRegistrationBean<>(new X(), \"/h/*\"); }",
        );
        assert_eq!(w.unknown.len(), 1);
        assert_eq!(w.literals[0].0, "/h/*");
        for junk in [
            "@",
            "@GetMapping(",
            "@GetMapping({",
            "class",
            "@RequestMapping class {",
            "route(GET(",
            "\"/a\".nest",
        ] {
            let _ = read("x.java", junk);
            let _ = read("x.kt", junk);
        }
    }
}
