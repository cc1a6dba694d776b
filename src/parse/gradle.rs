//! Comment- and string-aware reader for `settings.gradle(.kts)` and
//! `build.gradle(.kts)`.
//!
//! Build scripts are programs, so this is deliberately a recogniser of the
//! declarative shapes people actually write, not an evaluator. It works in
//! three layers:
//! 1. a tokenizer that knows Kotlin's and Groovy's string, template and
//!    comment rules, so text inside comments or strings never looks like code;
//! 2. bracket matching over the tokens, which also yields the brace issues;
//! 3. a walk over statements that tracks which block (and therefore which
//!    project and whether under a condition) each construct lives in.
//!
//! Every recursion is bounded (`MAX_DEPTH`, `MAX_TEMPLATE_DEPTH`,
//! `MAX_NOTATION_DEPTH`) and text is only sliced with checked `get` or at
//! boundaries taken from char iteration, so arbitrary input cannot panic.

use compact_str::CompactString;
use std::ops::Range;

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dsl {
    Kotlin,
    Groovy,
}

/// A string literal: `value` is the content without quotes (escapes
/// resolved, templates kept verbatim, e.g. `${v}`); `span` includes quotes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Str {
    pub value: String,
    pub span: Range<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseIssue {
    pub message: String,
    pub offset: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Context {
    Own,
    Subprojects,
    Allprojects,
    /// `project(":x") { }`
    Project(String),
    /// `configure(...) { }` whose project set could not be read
    Configure,
    /// `configure(subprojects.filter { it.name.endsWith("-service") }) { }` and the like
    Filtered(ProjectFilter),
    Buildscript,
}

/// The projects a `configure(...)` block applies to, when it is one of the
/// shapes people write: a project set, optionally filtered by name or path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectFilter {
    pub set: ProjectSet,
    pub pred: Option<NamePred>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProjectSet {
    Subprojects,
    Allprojects,
    /// `listOf(project(":a"), project(":b"))`, `[project(':a')]`, `project(":a")`
    Paths(Vec<String>),
}

/// A predicate over a project's `name` or `path`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NamePred {
    EndsWith(Subject, String),
    StartsWith(Subject, String),
    Contains(Subject, String),
    Eq(Subject, String),
    In(Subject, Vec<String>),
    Not(Box<NamePred>),
    And(Box<NamePred>, Box<NamePred>),
    Or(Box<NamePred>, Box<NamePred>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    Name,
    Path,
}

impl NamePred {
    /// Evaluates the predicate for a project with this `name` and `path`.
    pub fn eval(&self, name: &str, path: &str) -> bool {
        let pick = |s: &Subject| if *s == Subject::Name { name } else { path };
        match self {
            NamePred::EndsWith(s, v) => pick(s).ends_with(v.as_str()),
            NamePred::StartsWith(s, v) => pick(s).starts_with(v.as_str()),
            NamePred::Contains(s, v) => pick(s).contains(v.as_str()),
            NamePred::Eq(s, v) => pick(s) == v,
            NamePred::In(s, vs) => vs.iter().any(|v| v == pick(s)),
            NamePred::Not(p) => !p.eval(name, path),
            NamePred::And(a, b) => a.eval(name, path) && b.eval(name, path),
            NamePred::Or(a, b) => a.eval(name, path) || b.eval(name, path),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// `rootProject.name = "x"`
    pub root_project_name: Option<Str>,
    /// every literal project path passed to `include`, as written
    pub includes: Vec<Str>,
    /// `project(":x").projectDir = file("dir")`
    pub project_dirs: Vec<(Str, Str)>,
    /// `project(":x").buildFileName = "x.gradle.kts"`
    pub build_file_names: Vec<(Str, Str)>,
    /// `includeBuild("build-logic")` anywhere
    pub include_builds: Vec<Str>,
    /// `versionCatalogs { create("x") { from(files("…")) } }` → (name, file)
    pub catalogs: Vec<(Str, Str)>,
    /// `pluginManagement { plugins { … } }`
    pub plugin_versions: Vec<PluginRef>,
    /// `include(...)` statements with any argument that is not a plain string literal
    pub dynamic_includes: Vec<Range<u32>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PluginRef {
    pub id: Option<Str>,
    pub alias: Option<String>,
    pub version: Option<Str>,
    pub apply: bool,
    pub span: Range<u32>,
    pub context: Context,
    /// applied inside a condition, loop or closure
    pub conditional: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BuildScript {
    pub plugins: Vec<PluginRef>,
    pub dependencies: Vec<Dependency>,
    pub blocks: Vec<DepBlock>,
    /// `apply from: …`
    pub applied_scripts: Vec<ScriptRef>,
    /// Conditional constructs that declare dependencies (the declarations are marked
    /// `conditional` too).
    pub conditions: Vec<(String, Range<u32>)>,
    /// String variables: `ext.x = "…"`, `ext { x = "…" }`, `val x = "…"`,
    /// `val x by extra("…")`, `extra["x"] = "…"`; Groovy/Kotlin maps are
    /// flattened to dotted names (`ext.libs = [a: "…"]` → `libs.a`).
    pub vars: Vec<Var>,
    /// `val libs = versionCatalogs.named("libs")`: variable → catalog name
    pub catalog_handles: Vec<(String, String)>,
    /// `dependencyManagement { imports { mavenBom("…") } }`
    pub boms: Vec<Str>,
    /// `dependencyManagement { dependencies { dependency("g:n:v") } }`
    pub managed: Vec<Str>,
    /// `package a.b` of a precompiled script plugin (part of its plugin id)
    pub package: Option<String>,
    /// `group = "…"` of the project itself
    pub group: Option<Str>,
    /// `"g:n[:v]"` string literals outside anything understood (see `unread_coordinates`)
    pub mentions: Vec<Str>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptRef {
    /// The location as written (`http(s)://…` for remote scripts); for a computed location
    /// (`computed`), the expression's text.
    pub path: Str,
    pub computed: bool,
    /// the whole `apply from: …` statement
    pub span: Range<u32>,
    pub context: Context,
    pub conditional: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Var {
    pub name: String,
    pub value: Str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DepBlock {
    /// byte offset of `{`
    pub open: u32,
    /// byte offset of `}` (== text.len() if unterminated)
    pub close: u32,
    pub indent: String,
    pub context: Context,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    pub configuration: String,
    pub notation: Notation,
    pub span: Range<u32>,
    pub context: Context,
    pub conditional: bool,
    /// declared inside `plugins.withId("x") { }` / `pluginManager.withPlugin("x") { }`:
    /// applies only to projects with that plugin
    pub when_plugin: Option<String>,
    /// declared inside `testing { suites { … } }`: a test suite's classpath
    pub test_suite: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notation {
    Module {
        group: String,
        name: String,
        version: Option<String>,
        span: Range<u32>,
    },
    Catalog {
        accessor: String,
        span: Range<u32>,
    },
    Project {
        path: String,
        span: Range<u32>,
    },
    Platform(Box<Notation>),
    Other {
        text: String,
        span: Range<u32>,
    },
}

pub fn parse_settings(text: &str, dsl: Dsl) -> (Settings, Vec<ParseIssue>) {
    let (toks, issues) = Toks::build(text, dsl);
    let mut visitor = SettingsVisitor {
        tk: &toks,
        out: Settings::default(),
    };
    walk(&mut visitor, 0, toks.len(), &State::root());
    (visitor.out, issues)
}

pub fn parse_build(text: &str, dsl: Dsl) -> (BuildScript, Vec<ParseIssue>) {
    let (toks, issues) = Toks::build(text, dsl);
    let mut visitor = BuildVisitor {
        tk: &toks,
        out: BuildScript::default(),
        read: Vec::new(),
    };
    walk(&mut visitor, 0, toks.len(), &State::root());
    let mut out = visitor.out;
    out.mentions = unread_coordinates(&toks, &out, &visitor.read);
    (out, issues)
}

/// String literals that look like `group:name` coordinates but are not part of anything this
/// reader understood: a dependency added in a form it does not know (`dependencies.add(…)` at
/// the top level, a helper function). The model treats them as "may declare it".
fn unread_coordinates(tk: &Toks<'_>, b: &BuildScript, read: &[Range<u32>]) -> Vec<Str> {
    let mut understood: Vec<Range<u32>> = read.to_vec();
    understood.extend(b.dependencies.iter().map(|d| d.span.clone()));
    understood.extend(b.plugins.iter().map(|p| p.span.clone()));
    understood.extend(b.vars.iter().map(|v| v.value.span.clone()));
    understood.extend(b.boms.iter().chain(b.managed.iter()).map(|s| s.span.clone()));
    understood.extend(b.applied_scripts.iter().map(|s| s.span.clone()));
    understood.sort_by_key(|r| r.start);
    let inside = |r: &Range<u32>| understood.iter().take_while(|u| u.start <= r.start).any(|u| r.end <= u.end);
    (0..tk.len())
        .filter_map(|i| tk.str_tok(i))
        .filter(|s| !inside(&s.span))
        .filter(|s| matches!(module_from_str(s.clone()), Some(Notation::Module { .. })))
        .collect()
}

// ---------------------------------------------------------------------------
// Limits and vocabulary
// ---------------------------------------------------------------------------

/// Deepest block nesting that is walked; deeper blocks are skipped whole.
const MAX_DEPTH: u32 = 40;
/// Deepest `"${ "${ … }" }"` nesting that is lexed precisely.
const MAX_TEMPLATE_DEPTH: u32 = 16;
/// Deepest `platform(platform(…))`/nested list notation that is decoded.
const MAX_NOTATION_DEPTH: u32 = 8;

const TWO_CHAR_OPS: &[&str] = &["->", "?.", "?:", "==", "!=", "<=", ">=", "&&", "||", "::", "..", "+=", "-=", "!!"];

/// Operators that, ending a line, carry the statement onto the next line.
const CONTINUING_OPS: &[&str] = &[
    ",", ".", "?.", "=", "+", "-", "*", "/", "%", "&&", "||", "?:", "==", "!=", ":", "+=", "-=", "!", "?", "::", "..",
];

/// Operators that, starting a line, continue the previous statement.
const LEADING_CONTINUATIONS: &[&str] = &[".", "?.", "?:", "&&", "||"];

const CONTROL_KEYWORDS: &[&str] = &["if", "else", "for", "while", "when", "do", "try", "catch", "finally"];

/// Statements starting with these never declare anything we track.
const SKIP_KEYWORDS: &[&str] = &[
    "val",
    "var",
    "def",
    "fun",
    "import",
    "package",
    "return",
    "throw",
    "class",
    "object",
    "interface",
    "typealias",
    "private",
    "internal",
    "public",
    "protected",
    "final",
    "static",
    "abstract",
    "override",
    "inline",
    "const",
    "lateinit",
    "data",
    "enum",
    "sealed",
    "break",
    "continue",
    "assert",
];

/// Lambdas/closures with these names run zero or more times, so what they
/// declare is conditional.
const CONDITIONAL_LAMBDAS: &[&str] = &[
    "if",
    "else",
    "for",
    "while",
    "when",
    "catch",
    "do",
    "forEach",
    "forEachIndexed",
    "each",
    "eachWithIndex",
    "map",
    "mapNotNull",
    "flatMap",
    "filter",
    "filterNot",
    "onEach",
    "times",
    "upto",
    "collect",
    "findAll",
    "find",
    "let",
    "takeIf",
    "takeUnless",
    "ifEmpty",
    "withType",
    "withId",
    "withPlugin",
    "whenPluginAdded",
    "matching",
];

/// Calls inside `dependencies {}` that are not configurations.
const NOT_CONFIGURATIONS: &[&str] = &[
    "println",
    "print",
    "printf",
    "logger",
    "exclude",
    "because",
    "force",
    "transitive",
    "version",
    "attributes",
    "capabilities",
    "components",
    "modules",
    "constraints",
    "require",
    "strictly",
    "prefer",
    "reject",
    "check",
    "error",
    "listOf",
    "setOf",
    "arrayOf",
    "mapOf",
    "mutableListOf",
    "file",
    "files",
    "project",
    "platform",
    "enforcedPlatform",
    "kotlin",
    "testFixtures",
    "run",
    "with",
    "apply",
    "also",
    "let",
    "configurations",
];

/// First segments of dotted expressions that are never catalog accessors.
const NON_CATALOG_ROOTS: &[&str] = &[
    "project",
    "rootProject",
    "it",
    "this",
    "ext",
    "extra",
    "properties",
    "providers",
    "gradle",
    "settings",
    "file",
    "files",
    "layout",
    "configurations",
    "sourceSets",
    "java",
    "kotlin",
    "tasks",
    "dependencies",
    "rootDir",
    "buildDir",
    "projectDir",
    "org",
    "com",
    "io",
    "net",
    "dev",
];

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

// ---------------------------------------------------------------------------
// Tokenizer
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Ident,
    Number,
    Str,
    Char,
    Punct,
}

#[derive(Clone, Debug)]
struct Token {
    kind: Kind,
    start: u32,
    end: u32,
    /// identifier name (backticks removed), decoded literal, or operator; inline up to 24
    /// bytes, so nearly every token costs no allocation
    text: CompactString,
    /// a line break (possibly inside a comment) precedes this token
    newline_before: bool,
    /// string literal containing `$` templates
    template: bool,
}

/// How a kind of literal treats backslashes and `$`.
#[derive(Clone, Copy)]
struct LiteralRules {
    escapes: bool,
    templates: bool,
}

impl LiteralRules {
    fn for_literal(dsl: Dsl, quote: char, triple: bool) -> Self {
        match (dsl, quote, triple) {
            // Kotlin raw strings: no escapes, but templates still apply.
            (Dsl::Kotlin, '"', true) => LiteralRules {
                escapes: false,
                templates: true,
            },
            (_, '"', _) => LiteralRules {
                escapes: true,
                templates: true,
            },
            _ => LiteralRules {
                escapes: true,
                templates: false,
            },
        }
    }
}

struct Literal {
    value: String,
    template: bool,
    terminated: bool,
}

struct Lexer<'a> {
    src: &'a str,
    chars: Vec<(usize, char)>,
    i: usize,
    dsl: Dsl,
    tokens: Vec<Token>,
    issues: Vec<ParseIssue>,
    newline: bool,
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn is_line_break(c: char) -> bool {
    c == '\n' || c == '\r'
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str, dsl: Dsl) -> Self {
        Lexer {
            src,
            chars: src.char_indices().collect(),
            i: 0,
            dsl,
            tokens: Vec::new(),
            issues: Vec::new(),
            newline: false,
        }
    }

    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).map(|c| c.1)
    }

    fn offset(&self, i: usize) -> usize {
        self.chars.get(i).map_or(self.src.len(), |c| c.0)
    }

    fn issue(&mut self, message: &str, char_index: usize) {
        let offset = to_u32(self.offset(char_index));
        self.issues.push(ParseIssue {
            message: message.to_string(),
            offset,
        });
    }

    fn push(&mut self, kind: Kind, start: usize, text: CompactString, template: bool) {
        let token = Token {
            kind,
            start: to_u32(self.offset(start)),
            end: to_u32(self.offset(self.i)),
            text,
            newline_before: std::mem::take(&mut self.newline),
            template,
        };
        self.tokens.push(token);
    }

    fn run(mut self) -> (Vec<Token>, Vec<ParseIssue>) {
        while let Some(c) = self.at(self.i) {
            let next = self.at(self.i + 1);
            match c {
                c if is_line_break(c) => {
                    self.newline = true;
                    self.i += 1;
                }
                c if c.is_whitespace() => self.i += 1,
                '/' if next == Some('/') => self.line_comment(),
                '/' if next == Some('*') => self.block_comment(),
                '"' | '\'' => self.quoted(c),
                '`' => self.backtick(),
                c if is_ident_start(c) => self.identifier(),
                c if c.is_ascii_digit() => self.number(),
                _ => self.punct(),
            }
        }
        (self.tokens, self.issues)
    }

    fn line_comment(&mut self) {
        while self.at(self.i).is_some_and(|c| !is_line_break(c)) {
            self.i += 1;
        }
    }

    /// Kotlin block comments nest, Groovy's end at the first `*/`.
    fn block_comment(&mut self) {
        let start = self.i;
        self.i += 2;
        let mut depth = 1u32;
        while let Some(c) = self.at(self.i) {
            let next = self.at(self.i + 1);
            if c == '*' && next == Some('/') {
                self.i += 2;
                depth -= 1;
                if depth == 0 {
                    return;
                }
            } else if c == '/' && next == Some('*') && self.dsl == Dsl::Kotlin {
                self.i += 2;
                depth += 1;
            } else {
                self.newline |= is_line_break(c);
                self.i += 1;
            }
        }
        self.issue("unterminated block comment", start);
    }

    fn quoted(&mut self, quote: char) {
        let start = self.i;
        let kotlin_char = quote == '\'' && self.dsl == Dsl::Kotlin;
        let triple = !kotlin_char && self.at(self.i + 1) == Some(quote) && self.at(self.i + 2) == Some(quote);
        self.i += if triple { 3 } else { 1 };
        let rules = LiteralRules::for_literal(self.dsl, quote, triple);
        let literal = self.literal_body(quote, triple, rules, 0);
        let kind = if kotlin_char { Kind::Char } else { Kind::Str };
        if !literal.terminated {
            let message = if kotlin_char {
                "unterminated character literal"
            } else {
                "unterminated string literal"
            };
            self.issue(message, start);
        }
        self.push(kind, start, literal.value.into(), literal.template);
    }

    /// Reads a literal's content with `self.i` just past the opening quotes.
    /// Single-line literals stop (unterminated) before a raw line break.
    fn literal_body(&mut self, quote: char, triple: bool, rules: LiteralRules, depth: u32) -> Literal {
        let mut value = String::new();
        let mut template = false;
        loop {
            let Some(c) = self.at(self.i) else {
                return Literal {
                    value,
                    template,
                    terminated: false,
                };
            };
            if !triple && is_line_break(c) {
                return Literal {
                    value,
                    template,
                    terminated: false,
                };
            }
            if c == quote && self.closes_literal(quote, triple, &mut value) {
                return Literal {
                    value,
                    template,
                    terminated: true,
                };
            }
            if c == '\\' && rules.escapes {
                self.escape(&mut value);
                continue;
            }
            if c == '$' && rules.templates {
                match self.at(self.i + 1) {
                    Some('{') => {
                        template = true;
                        let start = self.i;
                        self.i += 2;
                        let closed = self.template_code(depth + 1);
                        let raw = self.src.get(self.offset(start)..self.offset(self.i)).unwrap_or("");
                        value.push_str(raw);
                        if !closed {
                            return Literal {
                                value,
                                template,
                                terminated: false,
                            };
                        }
                        continue;
                    }
                    Some(n) if is_ident_start(n) => template = true,
                    _ => {}
                }
            }
            value.push(c);
            self.i += 1;
        }
    }

    /// At a quote char: consumes the closing delimiter and returns true, or
    /// consumes a lone quote inside a triple-quoted literal and returns false.
    fn closes_literal(&mut self, quote: char, triple: bool, value: &mut String) -> bool {
        if !triple {
            self.i += 1;
            return true;
        }
        if self.at(self.i + 1) == Some(quote) && self.at(self.i + 2) == Some(quote) {
            // In `""""` the extra leading quotes are content, as in Kotlin.
            while self.at(self.i + 3) == Some(quote) {
                value.push(quote);
                self.i += 1;
            }
            self.i += 3;
            return true;
        }
        value.push(quote);
        self.i += 1;
        false
    }

    fn escape(&mut self, value: &mut String) {
        let Some(n) = self.at(self.i + 1) else {
            value.push('\\');
            self.i += 1;
            return;
        };
        self.i += 2;
        match n {
            'n' => value.push('\n'),
            't' => value.push('\t'),
            'r' => value.push('\r'),
            'b' => value.push('\u{8}'),
            'f' => value.push('\u{c}'),
            '\\' | '"' | '\'' | '$' => value.push(n),
            'u' => match self.hex_escape(self.i) {
                Some(c) => {
                    value.push(c);
                    self.i += 4;
                }
                None => value.push_str("\\u"),
            },
            // Groovy's backslash-newline continuation inside a string.
            '\r' => {
                if self.at(self.i) == Some('\n') {
                    self.i += 1;
                }
            }
            '\n' => {}
            other => {
                value.push('\\');
                value.push(other);
            }
        }
    }

    fn hex_escape(&self, i: usize) -> Option<char> {
        let mut code = 0u32;
        for k in 0..4 {
            code = code * 16 + self.at(i + k)?.to_digit(16)?;
        }
        char::from_u32(code)
    }

    /// Skips the code of a `${…}` template (nested braces and literals
    /// included), leaving `self.i` after its `}`. False if input ends first.
    fn template_code(&mut self, depth: u32) -> bool {
        let mut braces = 0u32;
        while let Some(c) = self.at(self.i) {
            match c {
                '{' => {
                    braces += 1;
                    self.i += 1;
                }
                '}' => {
                    self.i += 1;
                    if braces == 0 {
                        return true;
                    }
                    braces -= 1;
                }
                '"' | '\'' if depth < MAX_TEMPLATE_DEPTH => self.nested_literal(c, depth),
                _ => self.i += 1,
            }
        }
        false
    }

    fn nested_literal(&mut self, quote: char, depth: u32) {
        let kotlin_char = quote == '\'' && self.dsl == Dsl::Kotlin;
        let triple = !kotlin_char && self.at(self.i + 1) == Some(quote) && self.at(self.i + 2) == Some(quote);
        self.i += if triple { 3 } else { 1 };
        let rules = LiteralRules::for_literal(self.dsl, quote, triple);
        self.literal_body(quote, triple, rules, depth);
    }

    fn backtick(&mut self) {
        let start = self.i;
        let mut j = self.i + 1;
        while let Some(c) = self.at(j) {
            if c == '`' || is_line_break(c) {
                break;
            }
            j += 1;
        }
        if self.at(j) == Some('`') && j > start + 1 {
            let name: CompactString = self.chars[start + 1..j].iter().map(|c| c.1).collect();
            self.i = j + 1;
            self.push(Kind::Ident, start, name, false);
        } else {
            self.punct();
        }
    }

    fn identifier(&mut self) {
        let start = self.i;
        while self.at(self.i).is_some_and(is_ident_continue) {
            self.i += 1;
        }
        let text = CompactString::from(self.src.get(self.offset(start)..self.offset(self.i)).unwrap_or(""));
        self.push(Kind::Ident, start, text, false);
    }

    fn number(&mut self) {
        let start = self.i;
        loop {
            match self.at(self.i) {
                Some(c) if is_ident_continue(c) => self.i += 1,
                Some('.') if self.at(self.i + 1).is_some_and(|c| c.is_ascii_digit()) => self.i += 1,
                _ => break,
            }
        }
        let text = CompactString::from(self.src.get(self.offset(start)..self.offset(self.i)).unwrap_or(""));
        self.push(Kind::Number, start, text, false);
    }

    fn punct(&mut self) {
        let start = self.i;
        let Some(c) = self.at(self.i) else {
            return;
        };
        let mut text = CompactString::default();
        text.push(c);
        if let Some(n) = self.at(self.i + 1) {
            text.push(n);
            if !TWO_CHAR_OPS.contains(&text.as_str()) {
                text.pop();
            }
        }
        self.i += text.chars().count();
        self.push(Kind::Punct, start, text, false);
    }
}

// ---------------------------------------------------------------------------
// Token stream with matched brackets
// ---------------------------------------------------------------------------

const NONE: usize = usize::MAX;

struct Toks<'a> {
    src: &'a str,
    dsl: Dsl,
    t: Vec<Token>,
    /// for an opener: its closer, or the token that forced it shut, or `len`
    close: Vec<usize>,
    /// whether `close` is a genuine matching closer
    closed: Vec<bool>,
    /// for a matched closer: its opener
    open_of: Vec<usize>,
}

/// One `name(args) { lambda }` link of a call chain such as `a.b(x).c { }`.
struct Seg {
    name: String,
    args: Option<usize>,
    lambda: Option<usize>,
}

struct Chain {
    segs: Vec<Seg>,
    end: usize,
}

/// Named argument `key: value` / `key = value` with its value token range.
struct NamedArg {
    key: String,
    lo: usize,
    hi: usize,
}

impl<'a> Toks<'a> {
    fn build(src: &'a str, dsl: Dsl) -> (Self, Vec<ParseIssue>) {
        let (t, mut issues) = Lexer::new(src, dsl).run();
        let n = t.len();
        let mut toks = Toks {
            src,
            dsl,
            t,
            close: vec![NONE; n],
            closed: vec![false; n],
            open_of: vec![NONE; n],
        };
        toks.match_brackets(&mut issues);
        issues.sort_by_key(|i| i.offset);
        (toks, issues)
    }

    /// Pairs brackets with one stack. Braces take priority: a `}` closes the
    /// nearest `{` even across unclosed parentheses, so one stray `(` cannot
    /// swallow the rest of the file; stray `)`/`]` are ignored.
    fn match_brackets(&mut self, issues: &mut Vec<ParseIssue>) {
        let mut stack: Vec<usize> = Vec::new();
        for i in 0..self.t.len() {
            if self.t[i].kind != Kind::Punct {
                continue;
            }
            let token = &self.t[i];
            let bracket = token.text.chars().next().filter(|_| token.text.len() == 1);
            match bracket {
                Some('(' | '[' | '{') => stack.push(i),
                Some(')') => {
                    self.close_group(&mut stack, i, "(");
                }
                Some(']') => {
                    self.close_group(&mut stack, i, "[");
                }
                Some('}') if !self.close_group(&mut stack, i, "{") => {
                    issues.push(ParseIssue {
                        message: "unbalanced '}'".to_string(),
                        offset: self.t[i].start,
                    });
                }
                _ => {}
            }
        }
        for open in stack {
            self.close[open] = self.t.len();
            if self.t[open].text == "{" {
                issues.push(ParseIssue {
                    message: "missing '}' for this '{'".to_string(),
                    offset: self.t[open].start,
                });
            }
        }
    }

    fn close_group(&mut self, stack: &mut Vec<usize>, closer: usize, want: &str) -> bool {
        let found = stack.iter().rposition(|&o| self.t[o].text == want || self.t[o].text == "{");
        let Some(pos) = found else {
            return false;
        };
        if self.t[stack[pos]].text != want {
            return false;
        }
        for unclosed in stack.drain(pos + 1..) {
            self.close[unclosed] = closer;
        }
        if let Some(open) = stack.pop() {
            self.close[open] = closer;
            self.closed[open] = true;
            self.open_of[closer] = open;
        }
        true
    }

    fn len(&self) -> usize {
        self.t.len()
    }

    fn kind(&self, i: usize) -> Option<Kind> {
        self.t.get(i).map(|t| t.kind)
    }

    fn ident(&self, i: usize) -> Option<&str> {
        self.t.get(i).filter(|t| t.kind == Kind::Ident).map(|t| t.text.as_str())
    }

    fn is_ident(&self, i: usize, name: &str) -> bool {
        self.ident(i) == Some(name)
    }

    fn punct(&self, i: usize, op: &str) -> bool {
        self.t.get(i).is_some_and(|t| t.kind == Kind::Punct && t.text == op)
    }

    fn is_open(&self, i: usize, bracket: char) -> bool {
        let mut buf = [0u8; 4];
        self.punct(i, bracket.encode_utf8(&mut buf)) && self.close.get(i).is_some_and(|&c| c != NONE)
    }

    fn is_opener(&self, i: usize) -> bool {
        self.is_open(i, '(') || self.is_open(i, '[') || self.is_open(i, '{')
    }

    fn newline_before(&self, i: usize) -> bool {
        self.t.get(i).is_some_and(|t| t.newline_before)
    }

    /// Index just past the group opened at `i` (or `i + 1` for other tokens).
    fn after(&self, i: usize) -> usize {
        match self.close.get(i) {
            Some(&c) if c != NONE => {
                if self.closed[i] {
                    c + 1
                } else {
                    c
                }
            }
            _ => i + 1,
        }
    }

    /// Token range strictly inside the group opened at `open`.
    fn inner(&self, open: usize) -> (usize, usize) {
        let close = self.close.get(open).copied().unwrap_or(NONE);
        if close == NONE {
            (open + 1, open + 1)
        } else {
            (open + 1, close.max(open + 1))
        }
    }

    fn str_tok(&self, i: usize) -> Option<Str> {
        let t = self.t.get(i).filter(|t| t.kind == Kind::Str)?;
        Some(Str {
            value: t.text.to_string(),
            span: t.start..t.end,
        })
    }

    fn is_plain_str(&self, i: usize) -> bool {
        self.t.get(i).is_some_and(|t| t.kind == Kind::Str && !t.template)
    }

    /// A single string literal filling `lo..hi`.
    fn only_str(&self, lo: usize, hi: usize) -> Option<Str> {
        if hi == lo + 1 {
            self.str_tok(lo)
        } else {
            None
        }
    }

    fn span(&self, lo: usize, hi: usize) -> Range<u32> {
        let hi = hi.min(self.t.len());
        if lo >= hi {
            let at = self.t.get(lo).map_or(to_u32(self.src.len()), |t| t.start);
            return at..at;
        }
        self.t[lo].start..self.t[hi - 1].end
    }

    fn text(&self, lo: usize, hi: usize) -> &'a str {
        let span = self.span(lo, hi);
        self.src.get(span.start as usize..span.end as usize).unwrap_or("")
    }

    fn continues_previous(&self, i: usize) -> bool {
        let leading = self
            .t
            .get(i)
            .is_some_and(|t| t.kind == Kind::Punct && LEADING_CONTINUATIONS.contains(&t.text.as_str()));
        let trailing = i
            .checked_sub(1)
            .and_then(|p| self.t.get(p))
            .is_some_and(|t| t.kind == Kind::Punct && CONTINUING_OPS.contains(&t.text.as_str()));
        leading || trailing
    }

    /// Whether token `i` begins a statement within a region starting at `lo`.
    fn stmt_start(&self, i: usize, lo: usize) -> bool {
        if i <= lo {
            return true;
        }
        let prev = &self.t[i - 1];
        if prev.kind == Kind::Punct && matches!(prev.text.as_str(), "{" | "}" | ";" | "->") {
            return true;
        }
        self.newline_before(i) && !self.continues_previous(i)
    }

    fn starts_statement(&self, i: usize) -> bool {
        matches!(self.kind(i), Some(Kind::Ident | Kind::Str)) || self.is_open(i, '(') || self.is_open(i, '[')
    }

    /// End (exclusive) of the statement starting at `i`, using the newline
    /// rules both DSLs share; bracket groups are skipped whole.
    fn stmt_end(&self, i: usize, hi: usize) -> usize {
        let mut j = i;
        while j < hi {
            if j > i && self.ends_statement_before(j) {
                return j;
            }
            j = if self.is_opener(j) { self.after(j).max(j + 1) } else { j + 1 };
        }
        hi.min(self.t.len()).max(i + 1)
    }

    fn ends_statement_before(&self, j: usize) -> bool {
        let t = &self.t[j];
        let hard_stop = match t.kind {
            Kind::Punct => matches!(t.text.as_str(), ";" | ")" | "]" | "}"),
            Kind::Ident => t.text == "else",
            _ => false,
        };
        hard_stop || (t.newline_before && !self.continues_previous(j))
    }

    /// Splits `lo..hi` at top-level commas, dropping empty pieces.
    fn split_commas(&self, lo: usize, hi: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = lo;
        let mut j = lo;
        while j < hi {
            if self.punct(j, ",") {
                if j > start {
                    out.push((start, j));
                }
                start = j + 1;
                j += 1;
            } else {
                j = self.after(j).max(j + 1);
            }
        }
        if hi > start {
            out.push((start, hi.min(self.t.len())));
        }
        out
    }

    /// Parses `a.b(x).c { }`-style call chains starting at `i`. The first
    /// link may also be a string (`"implementation"(…)`) or a bracket group
    /// (`['a', 'b'].each { }`).
    fn chain(&self, i: usize, hi: usize) -> Chain {
        let mut segs = Vec::new();
        let mut j = i;
        while j < hi {
            let name = match self.t[j].kind {
                Kind::Ident => self.t[j].text.to_string(),
                Kind::Str if segs.is_empty() => self.t[j].text.to_string(),
                Kind::Punct if segs.is_empty() && (self.is_open(j, '(') || self.is_open(j, '[')) => {
                    // An unnamed link; step to its last token so the shared
                    // `j += 1` below lands just past the group.
                    j = self.after(j).max(j + 1) - 1;
                    String::new()
                }
                _ => break,
            };
            j += 1;
            let mut seg = Seg {
                name,
                args: None,
                lambda: None,
            };
            if j < hi && self.is_open(j, '(') && !seg.name.is_empty() {
                seg.args = Some(j);
                j = self.after(j);
            }
            if j < hi && self.is_open(j, '{') {
                seg.lambda = Some(j);
                j = self.after(j);
            }
            segs.push(seg);
            let dot = self.punct(j, ".") || self.punct(j, "?.");
            if !(dot && j + 1 < hi && self.kind(j + 1) == Some(Kind::Ident)) {
                break;
            }
            j += 1;
        }
        Chain {
            segs,
            end: j.min(hi).max(i + 1),
        }
    }

    /// The identifier naming the lambda that opens at `open`
    /// (`forEach {`, `forEach(x) {`), if any.
    fn lambda_name(&self, open: usize) -> Option<usize> {
        let prev = open.checked_sub(1)?;
        if self.punct(prev, ")") && self.open_of[prev] != NONE {
            let name = self.open_of[prev].checked_sub(1)?;
            return self.ident(name).map(|_| name);
        }
        if self.punct(prev, ">") {
            return self.type_arg_call(prev).map(|(name, _)| name);
        }
        self.ident(prev).map(|_| prev)
    }

    /// `withType<SpringBootPlugin>` ending at the `>` token `gt`: the index of
    /// `withType` and the simple name of the type argument.
    fn type_arg_call(&self, gt: usize) -> Option<(usize, &str)> {
        let mut j = gt;
        for _ in 0..12 {
            j = j.checked_sub(1)?;
            if self.punct(j, "<") {
                let name = j.checked_sub(1)?;
                self.ident(name)?;
                let ty = self.ident(gt - 1)?;
                return Some((name, ty));
            }
            if !(self.kind(j) == Some(Kind::Ident) || self.punct(j, ".")) {
                return None;
            }
        }
        None
    }

    /// The plugin a `plugins.withType<SpringBootPlugin> { }` /
    /// `plugins.withType(SpringBootPlugin) { }` lambda waits for.
    fn plugin_type_lambda(&self, open: usize) -> Option<&'static str> {
        let prev = open.checked_sub(1)?;
        let ty = if self.punct(prev, ">") {
            let (name, ty) = self.type_arg_call(prev)?;
            self.is_ident(name, "withType").then_some(ty)?
        } else if self.punct(prev, ")") && self.open_of[prev] != NONE {
            let o = self.open_of[prev];
            let name = o.checked_sub(1)?;
            if !self.is_ident(name, "withType") {
                return None;
            }
            let (a, b) = self.inner(o);
            self.ident(b.checked_sub(1)?).filter(|_| b > a)?
        } else {
            return None;
        };
        (ty == "SpringBootPlugin").then_some("org.springframework.boot")
    }

    fn lambda_is_conditional(&self, open: usize) -> bool {
        if open.checked_sub(1).is_some_and(|p| self.punct(p, "->")) {
            return true;
        }
        self.lambda_name(open)
            .and_then(|n| self.ident(n))
            .is_some_and(|n| CONDITIONAL_LAMBDAS.contains(&n))
    }

    /// `"x"` or `("x", …)` at `k`: the string and the index after it.
    fn str_arg(&self, k: usize, hi: usize) -> Option<(Str, usize)> {
        if k >= hi {
            return None;
        }
        if let Some(s) = self.str_tok(k) {
            return Some((s, k + 1));
        }
        if !self.is_open(k, '(') {
            return None;
        }
        let (lo, ihi) = self.inner(k);
        let &(a, b) = self.split_commas(lo, ihi).first()?;
        Some((self.only_str(a, b)?, self.after(k)))
    }

    fn bool_arg(&self, k: usize) -> Option<bool> {
        let k = if self.is_open(k, '(') { k + 1 } else { k };
        match self.ident(k)? {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }

    /// Arguments in named form (`group: 'g'` / `group = "g"`); None unless the
    /// first argument is named. Unnamed arguments after it are ignored.
    fn named_args(&self, args: &[(usize, usize)]) -> Option<Vec<NamedArg>> {
        let is_named = |lo: usize, hi: usize| {
            hi >= lo + 3
                && (self.kind(lo) == Some(Kind::Ident) || self.is_plain_str(lo))
                && (self.punct(lo + 1, ":") || self.punct(lo + 1, "="))
        };
        let &(first_lo, first_hi) = args.first()?;
        if !is_named(first_lo, first_hi) {
            return None;
        }
        let named = args
            .iter()
            .filter(|&&(lo, hi)| is_named(lo, hi))
            .map(|&(lo, hi)| NamedArg {
                key: self.t[lo].text.to_string(),
                lo: lo + 2,
                hi,
            })
            .collect();
        Some(named)
    }

    /// A path-like expression: `"dir"`, `file("dir")`, `File(root, "dir")`,
    /// `new File(settingsDir, 'dir')`, `rootDir.resolve("dir")`, `uri("…")`.
    fn file_expr(&self, lo: usize, hi: usize) -> Option<Str> {
        if let Some(s) = self.only_str(lo, hi) {
            return Some(s);
        }
        let last = hi.checked_sub(1)?;
        let open = *self.open_of.get(last)?;
        if open == NONE || !self.punct(last, ")") || open <= lo {
            return None;
        }
        let name = self.ident(open - 1)?;
        if !matches!(name, "file" | "File" | "files" | "resolve" | "uri" | "URI" | "URL") {
            return None;
        }
        let (a, b) = self.inner(open);
        let args = self.split_commas(a, b);
        let &(x, y) = args.last()?;
        self.only_str(x, y)
    }

    /// Leading whitespace of the line containing byte `offset`.
    fn line_indent(&self, offset: usize) -> &'a str {
        let before = self.src.get(..offset).unwrap_or("");
        let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let line = self.src.get(line_start..).unwrap_or("");
        let content = line.trim_start_matches([' ', '\t']);
        &line[..line.len() - content.len()]
    }

    /// Indentation of the first non-blank line inside a block, else the
    /// block's own line indentation plus four spaces.
    fn block_indent(&self, open: usize, close_offset: usize) -> String {
        let body_start = self.t[open].end as usize;
        let body = self.src.get(body_start..close_offset).unwrap_or("");
        for line in body.split('\n').skip(1) {
            let content = line.trim_start_matches([' ', '\t']);
            if !content.trim().is_empty() {
                return line[..line.len() - content.len()].to_string();
            }
        }
        format!("{}    ", self.line_indent(self.t[open].start as usize))
    }
}

// ---------------------------------------------------------------------------
// Plugins (shared by settings and build scripts)
// ---------------------------------------------------------------------------

impl Toks<'_> {
    fn plugin_statements(&self, open: usize, context: &Context) -> Vec<PluginRef> {
        let (lo, hi) = self.inner(open);
        let mut out = Vec::new();
        let mut i = lo;
        while i < hi {
            if self.stmt_start(i, lo) && self.ident(i).is_some() {
                let end = self.stmt_end(i, hi);
                out.extend(self.plugin_stmt(i, end, context));
                i = end.max(i + 1);
            } else {
                i = self.after(i).max(i + 1);
            }
        }
        out
    }

    /// One statement of a `plugins {}` block, e.g.
    /// `id("x") version "1" apply false`, `kotlin("jvm")`, `alias(libs.plugins.x)`,
    /// or a bare accessor such as `java` / `` `java-library` ``.
    fn plugin_stmt(&self, lo: usize, hi: usize, context: &Context) -> Option<PluginRef> {
        let (id, alias, mut k) = self.plugin_head(lo, hi)?;
        let mut version = None;
        let mut apply = true;
        while k < hi {
            match self.ident(k) {
                Some("version") => {
                    if let Some((v, next)) = self.str_arg(k + 1, hi) {
                        version = Some(v);
                        k = next;
                        continue;
                    }
                }
                Some("apply") => {
                    if let Some(flag) = self.bool_arg(k + 1) {
                        apply = flag;
                    }
                }
                _ => {}
            }
            k = self.after(k).max(k + 1);
        }
        Some(PluginRef {
            id,
            alias,
            version,
            apply,
            span: self.span(lo, hi),
            context: context.clone(),
            conditional: false,
        })
    }

    fn plugin_head(&self, lo: usize, hi: usize) -> Option<(Option<Str>, Option<String>, usize)> {
        let name = self.ident(lo)?;
        let k = lo + 1;
        match name {
            "id" => {
                let (id, next) = self.str_arg(k, hi)?;
                Some((Some(id), None, next))
            }
            "kotlin" if self.is_open(k, '(') => {
                let (module, _) = self.str_arg(k, hi)?;
                let next = self.after(k);
                let id = Str {
                    value: format!("org.jetbrains.kotlin.{}", module.value),
                    span: self.span(lo, next),
                };
                Some((Some(id), None, next))
            }
            "alias" if self.is_open(k, '(') => {
                let (a, b) = self.inner(k);
                let alias = self.dotted(a, b).unwrap_or_else(|| self.text(a, b).to_string());
                Some((None, Some(alias), self.after(k)))
            }
            "version" | "apply" => None,
            _ => {
                let modifier_follows = k >= hi
                    || self.is_ident(k, "version")
                    || self.is_ident(k, "apply")
                    || (self.punct(k, ".") && (self.is_ident(k + 1, "version") || self.is_ident(k + 1, "apply")));
                if !modifier_follows {
                    return None;
                }
                let token = &self.t[lo];
                let id = Str {
                    value: token.text.to_string(),
                    span: token.start..token.end,
                };
                Some((Some(id), None, k))
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Dependency notations
// ---------------------------------------------------------------------------

impl Toks<'_> {
    /// Notations of one call's arguments: a named-argument map is a single
    /// module; otherwise each argument (closures excluded) is decoded.
    fn notations(&self, args: &[(usize, usize)], depth: u32) -> Vec<Notation> {
        let args: Vec<(usize, usize)> = args
            .iter()
            .copied()
            .filter(|&(lo, hi)| !(self.is_open(lo, '{') && self.after(lo) >= hi))
            .collect();
        let (Some(&(first, _)), Some(&(_, last))) = (args.first(), args.last()) else {
            return Vec::new();
        };
        if let Some(named) = self.named_args(&args) {
            return vec![self.map_notation(&named, first, last)];
        }
        args.iter().flat_map(|&(lo, hi)| self.notation(lo, hi, depth)).collect()
    }

    fn notation(&self, lo: usize, hi: usize, depth: u32) -> Vec<Notation> {
        if lo >= hi {
            return Vec::new();
        }
        if depth <= MAX_NOTATION_DEPTH {
            if let Some(found) = self.structured_notation(lo, hi, depth) {
                return found;
            }
        }
        vec![self.other(lo, hi)]
    }

    fn other(&self, lo: usize, hi: usize) -> Notation {
        Notation::Other {
            text: self.text(lo, hi).to_string(),
            span: self.span(lo, hi),
        }
    }

    fn structured_notation(&self, lo: usize, hi: usize, depth: u32) -> Option<Vec<Notation>> {
        if let Some(s) = self.only_str(lo, hi) {
            return Some(vec![module_from_str(s).unwrap_or_else(|| self.other(lo, hi))]);
        }
        if self.is_open(lo, '[') && self.after(lo) == hi {
            let (a, b) = self.inner(lo);
            let items = self.split_commas(a, b);
            if let Some(named) = self.named_args(&items) {
                return Some(vec![self.map_notation(&named, lo, hi)]);
            }
            return Some(items.iter().flat_map(|&(x, y)| self.notation(x, y, depth + 1)).collect());
        }
        if let Some(call) = self.call_notation(lo, hi, depth) {
            return Some(call);
        }
        if let Some(lookup) = self.catalog_lookup(lo, hi) {
            return Some(vec![lookup]);
        }
        let path = self.dotted(lo, hi)?;
        let span = self.span(lo, hi);
        if path.starts_with("projects.") {
            return Some(vec![Notation::Project { path, span }]);
        }
        is_catalog_accessor(&path).then(|| vec![Notation::Catalog { accessor: path, span }])
    }

    /// `platform(…)`, `enforcedPlatform(…)` and `project(…)` filling `lo..hi`.
    fn call_notation(&self, lo: usize, hi: usize, depth: u32) -> Option<Vec<Notation>> {
        let name = self.ident(lo)?;
        if !self.is_open(lo + 1, '(') || self.after(lo + 1) != hi {
            return None;
        }
        let (a, b) = self.inner(lo + 1);
        let args = self.split_commas(a, b);
        match name {
            "platform" | "enforcedPlatform" => {
                let inner = self.notations(&args, depth + 1);
                if inner.is_empty() {
                    return None;
                }
                Some(inner.into_iter().map(|n| Notation::Platform(Box::new(n))).collect())
            }
            "project" => {
                let path = match self.named_args(&args) {
                    Some(named) => named.iter().find(|n| n.key == "path").and_then(|n| self.only_str(n.lo, n.hi))?,
                    None => args.first().and_then(|&(x, y)| self.only_str(x, y))?,
                };
                Some(vec![Notation::Project {
                    path: path.value,
                    span: self.span(lo, hi),
                }])
            }
            _ => None,
        }
    }

    /// Groovy map / Kotlin named-argument notation.
    fn map_notation(&self, named: &[NamedArg], lo: usize, hi: usize) -> Notation {
        let value = |key: &str| -> Result<Option<String>, ()> {
            match named.iter().find(|n| n.key == key) {
                None => Ok(None),
                Some(n) => self.only_str(n.lo, n.hi).map(|s| Some(s.value)).ok_or(()),
            }
        };
        match (value("group"), value("name"), value("version")) {
            (Ok(group), Ok(Some(name)), Ok(version)) => Notation::Module {
                group: group.unwrap_or_default(),
                name,
                version,
                span: self.span(lo, hi),
            },
            _ => self.other(lo, hi),
        }
    }

    /// `a.b.c` (optionally ending in `.get()`) as a dotted string.
    fn dotted(&self, lo: usize, hi: usize) -> Option<String> {
        let mut hi = hi;
        if hi >= lo + 5 && self.punct(hi - 4, ".") && self.is_ident(hi - 3, "get") && self.is_open(hi - 2, '(') && self.after(hi - 2) == hi
        {
            hi -= 4;
        }
        let mut parts = Vec::new();
        let mut j = lo;
        loop {
            parts.push(self.ident(j)?);
            j += 1;
            if j == hi {
                break;
            }
            if !self.punct(j, ".") {
                return None;
            }
            j += 1;
        }
        (parts.len() >= 2).then(|| parts.join("."))
    }
}

fn is_catalog_accessor(path: &str) -> bool {
    let first = path.split('.').next().unwrap_or("");
    first.chars().next().is_some_and(|c| c.is_ascii_lowercase()) && !NON_CATALOG_ROOTS.contains(&first)
}

/// Splits on `sep` outside `${…}` templates.
fn split_outside_templates(s: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0u32;
    let mut start = 0;
    let mut prev = '\0';
    for (i, c) in s.char_indices() {
        match c {
            '{' if prev == '$' || depth > 0 => depth += 1,
            '}' if depth > 0 => depth -= 1,
            c if c == sep && depth == 0 => {
                parts.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
        prev = c;
    }
    parts.push(&s[start..]);
    parts
}

/// `"group:name[:version][:classifier][@ext]"`.
fn module_from_str(s: Str) -> Option<Notation> {
    let without_ext = {
        let pieces = split_outside_templates(&s.value, '@');
        if pieces.len() > 1 {
            pieces[..pieces.len() - 1].join("@")
        } else {
            s.value.clone()
        }
    };
    let parts = split_outside_templates(&without_ext, ':');
    if !(2..=4).contains(&parts.len()) {
        return None;
    }
    let (group, name) = (parts[0], parts[1]);
    if name.is_empty() || group.contains(char::is_whitespace) || name.contains(char::is_whitespace) {
        return None;
    }
    let version = parts.get(2).filter(|v| !v.is_empty()).map(|v| v.to_string());
    Some(Notation::Module {
        group: group.to_string(),
        name: name.to_string(),
        version,
        span: s.span,
    })
}

// ---------------------------------------------------------------------------
// Statement walking
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Generic,
    Deps,
    PluginManagement,
    Catalogs,
    /// Groovy `ext { x = "…" }`
    Ext,
}

#[derive(Clone, Debug)]
struct State {
    ctx: Context,
    mode: Mode,
    conditional: bool,
    depth: u32,
    when_plugin: Option<String>,
    test_suite: bool,
}

impl State {
    fn root() -> Self {
        State {
            ctx: Context::Own,
            mode: Mode::Generic,
            conditional: false,
            depth: 0,
            when_plugin: None,
            test_suite: false,
        }
    }

    fn nested(&self) -> Self {
        State {
            depth: self.depth + 1,
            ..self.clone()
        }
    }

    fn conditional(&self) -> Self {
        State {
            conditional: true,
            ..self.nested()
        }
    }

    fn with_mode(&self, mode: Mode) -> Self {
        State { mode, ..self.nested() }
    }

    fn with_ctx(&self, ctx: Context) -> Self {
        State { ctx, ..self.nested() }
    }
}

trait Visitor<'a> {
    fn toks(&self) -> &'a Toks<'a>;

    /// Handles the statement starting at `i`; returns where to continue.
    fn statement(&mut self, i: usize, hi: usize, st: &State) -> usize;

    /// Walks a nested region. `span` covers the construct that opened it.
    fn enter(&mut self, lo: usize, hi: usize, _parent: &State, child: &State, _span: Range<u32>)
    where
        Self: Sized,
    {
        walk(self, lo, hi, child);
    }
}

fn walk<'a, V: Visitor<'a>>(v: &mut V, lo: usize, hi: usize, st: &State) {
    if st.depth > MAX_DEPTH {
        return;
    }
    let tk = v.toks();
    let hi = hi.min(tk.len());
    let mut i = lo;
    while i < hi {
        let next = if tk.is_open(i, '{') {
            lambda_block(v, i, st);
            tk.after(i)
        } else if tk.stmt_start(i, lo) && tk.starts_statement(i) {
            if tk.ident(i).is_some_and(|k| CONTROL_KEYWORDS.contains(&k)) {
                control(v, i, hi, st)
            } else {
                v.statement(i, hi, st)
            }
        } else {
            tk.after(i)
        };
        i = next.max(i + 1);
    }
}

/// A block not consumed by a statement handler: a bare block, a `when`
/// branch body, or a lambda after something we do not model.
fn lambda_block<'a, V: Visitor<'a>>(v: &mut V, open: usize, st: &State) {
    let tk = v.toks();
    let child = if let Some(plugin) = tk.plugin_type_lambda(open).filter(|_| st.mode != Mode::Deps) {
        State {
            when_plugin: Some(plugin.to_string()),
            ..st.nested()
        }
    } else if st.mode == Mode::Deps || tk.lambda_is_conditional(open) {
        st.conditional()
    } else {
        st.nested()
    };
    let (lo, hi) = tk.inner(open);
    let start = tk.lambda_name(open).unwrap_or(open);
    v.enter(lo, hi, st, &child, tk.span(start, tk.after(open)));
}

/// Walks a named lambda of a call chain (`x.forEach { }`, `afterEvaluate { }`).
fn named_lambda<'a, V: Visitor<'a>>(v: &mut V, name: &str, open: usize, stmt: usize, st: &State) {
    let tk = v.toks();
    let child = if st.mode == Mode::Deps || CONDITIONAL_LAMBDAS.contains(&name) {
        st.conditional()
    } else {
        st.nested()
    };
    let (lo, hi) = tk.inner(open);
    v.enter(lo, hi, st, &child, tk.span(stmt, tk.after(open)));
}

/// `if`/`else`/`for`/`while`/`when`/`do`/`try` with block or single-statement
/// bodies; else-if chains are followed iteratively.
fn control<'a, V: Visitor<'a>>(v: &mut V, start: usize, hi: usize, st: &State) -> usize {
    let tk = v.toks();
    let mut i = start;
    loop {
        if st.depth > MAX_DEPTH {
            return tk.stmt_end(i, hi);
        }
        let keyword = tk.ident(i).unwrap_or("");
        if keyword == "else" && tk.is_ident(i + 1, "if") {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        if matches!(keyword, "if" | "while" | "for" | "when" | "catch") && tk.is_open(j, '(') {
            j = tk.after(j);
        }
        if tk.punct(j, "->") {
            j += 1;
        }
        if j >= hi {
            return hi;
        }
        let child = if matches!(keyword, "try" | "finally") {
            st.nested()
        } else {
            st.conditional()
        };
        let (lo, body_hi, next) = if tk.is_open(j, '{') {
            let (a, b) = tk.inner(j);
            (a, b, tk.after(j))
        } else {
            let end = tk.stmt_end(j, hi);
            (j, end, end)
        };
        v.enter(lo, body_hi, st, &child, tk.span(i, next));
        if keyword == "do" && tk.is_ident(next, "while") {
            return if tk.is_open(next + 1, '(') { tk.after(next + 1) } else { next + 1 };
        }
        if next < hi && matches!(tk.ident(next), Some("else" | "catch" | "finally")) {
            i = next;
            continue;
        }
        return next;
    }
}

fn is_skip_keyword(tk: &Toks<'_>, i: usize) -> bool {
    tk.ident(i).is_some_and(|k| SKIP_KEYWORDS.contains(&k))
}

// ---------------------------------------------------------------------------
// Settings scripts
// ---------------------------------------------------------------------------

struct SettingsVisitor<'a> {
    tk: &'a Toks<'a>,
    out: Settings,
}

impl<'a> Visitor<'a> for SettingsVisitor<'a> {
    fn toks(&self) -> &'a Toks<'a> {
        self.tk
    }

    fn statement(&mut self, i: usize, hi: usize, st: &State) -> usize {
        let tk = self.tk;
        if is_skip_keyword(tk, i) {
            return tk.stmt_end(i, hi);
        }
        match tk.ident(i) {
            Some("include") => return self.include(i, hi),
            Some("includeBuild") => {
                if let Some(end) = self.include_build(i, hi) {
                    return end;
                }
            }
            _ => {}
        }
        let chain = tk.chain(i, hi);
        if self.assignment(&chain, hi) {
            return tk.stmt_end(i, hi);
        }
        self.chain_blocks(&chain, i, st);
        chain.end
    }
}

impl SettingsVisitor<'_> {
    /// `include(":a", ":b")`, `include 'a', 'b'`, optionally followed by
    /// `.apply { projectDir = file("…") }`.
    fn include(&mut self, i: usize, hi: usize) -> usize {
        let tk = self.tk;
        let j = i + 1;
        let (args, mut end) = if tk.is_open(j, '(') {
            (tk.inner(j), tk.after(j))
        } else if j < hi && !tk.newline_before(j) && tk.starts_statement(j) {
            let end = tk.stmt_end(i, hi);
            ((j, end), end)
        } else {
            return j;
        };
        let mut literals = Vec::new();
        let mut dynamic = false;
        for (lo, ahi) in tk.split_commas(args.0, args.1) {
            match tk.only_str(lo, ahi) {
                Some(s) if tk.is_plain_str(lo) => literals.push(s),
                _ => dynamic = true,
            }
        }
        if dynamic {
            self.out.dynamic_includes.push(tk.span(i, end));
        }
        let scope_fn = (tk.punct(end, ".") || tk.punct(end, "?."))
            && matches!(tk.ident(end + 1), Some("apply" | "also" | "run" | "with"))
            && tk.is_open(end + 2, '{');
        if scope_fn && literals.len() == 1 && !dynamic {
            self.project_settings(&literals[0], end + 2);
            end = tk.after(end + 2);
        }
        self.out.includes.extend(literals);
        end
    }

    /// Assignments inside `include(":x").apply { … }`.
    fn project_settings(&mut self, path: &Str, open: usize) {
        let tk = self.tk;
        let (lo, hi) = tk.inner(open);
        let mut i = lo;
        while i < hi {
            if !(tk.stmt_start(i, lo) && tk.ident(i).is_some()) {
                i = tk.after(i).max(i + 1);
                continue;
            }
            let end = tk.stmt_end(i, hi);
            let mut k = i;
            if matches!(tk.ident(k), Some("it" | "this")) && tk.punct(k + 1, ".") {
                k += 2;
            }
            if tk.punct(k + 1, "=") {
                let property = tk.ident(k).unwrap_or("");
                self.project_property(path, property, k + 2, end);
            }
            i = end.max(i + 1);
        }
    }

    fn project_property(&mut self, path: &Str, property: &str, lo: usize, hi: usize) {
        let tk = self.tk;
        match property {
            "projectDir" => {
                if let Some(dir) = tk.file_expr(lo, hi) {
                    self.out.project_dirs.push((path.clone(), dir));
                }
            }
            "buildFileName" => {
                if let Some(name) = tk.only_str(lo, hi) {
                    self.out.build_file_names.push((path.clone(), name));
                }
            }
            _ => {}
        }
    }

    /// `rootProject.name = …` and `project(":x").projectDir/buildFileName = …`.
    fn assignment(&mut self, chain: &Chain, hi: usize) -> bool {
        let tk = self.tk;
        if !tk.punct(chain.end, "=") || chain.segs.iter().any(|s| s.lambda.is_some()) {
            return false;
        }
        let rhs_lo = chain.end + 1;
        if rhs_lo >= hi {
            return false;
        }
        let rhs_hi = tk.stmt_end(rhs_lo, hi);
        let names: Vec<&str> = chain.segs.iter().map(|s| s.name.as_str()).collect();
        match names.as_slice() {
            ["rootProject", "name"] => {
                if let Some(name) = tk.only_str(rhs_lo, rhs_hi) {
                    self.out.root_project_name = Some(name);
                }
                true
            }
            ["project" | "findProject", property] => {
                let path = chain.segs[0].args.and_then(|open| tk.str_arg(open, hi)).map(|(s, _)| s);
                if let Some(path) = path {
                    self.project_property(&path, property, rhs_lo, rhs_hi);
                }
                true
            }
            _ => false,
        }
    }

    fn include_build(&mut self, i: usize, hi: usize) -> Option<usize> {
        let tk = self.tk;
        let (path, mut end) = tk.str_arg(i + 1, hi)?;
        self.out.include_builds.push(path);
        if tk.is_open(end, '{') {
            end = tk.after(end);
        }
        Some(end)
    }

    fn chain_blocks(&mut self, chain: &Chain, stmt: usize, st: &State) {
        let tk = self.tk;
        let single = chain.segs.len() == 1;
        for (index, seg) in chain.segs.iter().enumerate() {
            let Some(open) = seg.lambda else {
                continue;
            };
            let (lo, hi) = tk.inner(open);
            match seg.name.as_str() {
                "pluginManagement" if single => walk(self, lo, hi, &st.with_mode(Mode::PluginManagement)),
                "plugins" if single => {
                    if st.mode == Mode::PluginManagement {
                        let found = tk.plugin_statements(open, &Context::Own);
                        self.out.plugin_versions.extend(found);
                    }
                }
                "versionCatalogs" => walk(self, lo, hi, &st.with_mode(Mode::Catalogs)),
                _ if st.mode == Mode::Catalogs && index == 0 => {
                    if let Some(name) = catalog_name(tk, seg, stmt) {
                        self.catalog_definition(name, open);
                    }
                }
                name => named_lambda(self, name, open, stmt, st),
            }
        }
    }

    /// `from(files("gradle/x.versions.toml"))` inside a catalog definition.
    fn catalog_definition(&mut self, name: Str, open: usize) {
        let tk = self.tk;
        let (lo, hi) = tk.inner(open);
        let mut i = lo;
        while i < hi {
            if tk.stmt_start(i, lo) && tk.is_ident(i, "from") {
                let end = tk.stmt_end(i, hi);
                let (a, b) = if tk.is_open(i + 1, '(') { tk.inner(i + 1) } else { (i + 1, end) };
                let is_files = matches!(tk.ident(a), Some("files" | "file"));
                if let Some(file) = tk.file_expr(a, b).filter(|_| is_files) {
                    self.out.catalogs.push((name.clone(), file));
                }
                i = end.max(i + 1);
            } else {
                i = tk.after(i).max(i + 1);
            }
        }
    }
}

/// Name of a catalog definition: `create("x") { }` / `register("x") { }`
/// or Groovy's `x { }`.
fn catalog_name(tk: &Toks<'_>, seg: &Seg, stmt: usize) -> Option<Str> {
    match (seg.name.as_str(), seg.args) {
        ("create" | "register", Some(open)) => tk.str_arg(open, tk.len()).map(|(s, _)| s),
        (_, None) if tk.kind(stmt) == Some(Kind::Ident) => {
            let t = &tk.t[stmt];
            Some(Str {
                value: t.text.to_string(),
                span: t.start..t.end,
            })
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Build scripts
// ---------------------------------------------------------------------------

struct BuildVisitor<'a> {
    tk: &'a Toks<'a>,
    out: BuildScript,
    /// Regions read as something that adds no dependency (`constraints {}`,
    /// `dependencyManagement {}`).
    read: Vec<Range<u32>>,
}

impl<'a> Visitor<'a> for BuildVisitor<'a> {
    fn toks(&self) -> &'a Toks<'a> {
        self.tk
    }

    fn statement(&mut self, i: usize, hi: usize, st: &State) -> usize {
        // Output and assertions declare nothing, whatever strings they print.
        if matches!(
            self.tk.ident(i),
            Some("println" | "print" | "printf" | "logger" | "error" | "check" | "require" | "assert" | "description" | "because")
        ) {
            let end = self.tk.stmt_end(i, hi);
            self.read.push(self.tk.span(i, end));
            return end;
        }
        match st.mode {
            Mode::Deps => self.dep_statement(i, hi, st),
            Mode::Ext => self.ext_statement(i, hi),
            _ => self.generic_statement(i, hi, st),
        }
    }

    /// Reports the outermost conditional construct inside `dependencies {}`
    /// that yielded declarations, so callers know the set is not fixed.
    fn enter(&mut self, lo: usize, hi: usize, parent: &State, child: &State, span: Range<u32>) {
        let before = self.out.dependencies.len();
        walk(self, lo, hi, child);
        let newly_conditional = child.mode == Mode::Deps && child.conditional && !parent.conditional;
        if newly_conditional && self.out.dependencies.len() > before {
            self.out
                .conditions
                .push(("dependency declarations inside a condition, loop or closure".to_string(), span));
        }
    }
}

impl BuildVisitor<'_> {
    fn generic_statement(&mut self, i: usize, hi: usize, st: &State) -> usize {
        let tk = self.tk;
        if let Some(end) = self.variable(i, hi) {
            return end;
        }
        if tk.is_ident(i, "package") && st.depth == 0 {
            let end = tk.stmt_end(i, hi);
            self.out.package = tk.dotted(i + 1, end).or_else(|| tk.ident(i + 1).map(str::to_string));
            return end;
        }
        if is_skip_keyword(tk, i) {
            return tk.stmt_end(i, hi);
        }
        if tk.is_ident(i, "group") && tk.punct(i + 1, "=") && st.ctx == Context::Own && !st.conditional {
            let end = tk.stmt_end(i, hi);
            if let Some(g) = tk.only_str(i + 2, end) {
                self.out.group = Some(g);
            }
            return end;
        }
        if tk.is_ident(i, "apply") {
            if let Some(end) = self.apply(i, hi, st) {
                return end;
            }
        }
        let chain = tk.chain(i, hi);
        if self.dependencies_add(&chain, i, st) {
            return chain.end;
        }
        self.plugin_apply_call(&chain, i, st);
        self.chain_blocks(&chain, i, st);
        chain.end
    }

    /// `dependencies.add("runtimeOnly", "g:n")` / `project.dependencies.add(…)` outside a
    /// `dependencies {}` block.
    fn dependencies_add(&mut self, chain: &Chain, stmt: usize, st: &State) -> bool {
        let tk = self.tk;
        let names: Vec<&str> = chain.segs.iter().map(|s| s.name.as_str()).collect();
        let shaped = matches!(
            names.as_slice(),
            ["dependencies", "add"] | ["project" | "rootProject", "dependencies", "add"]
        );
        let Some(open) = chain.segs.last().and_then(|s| s.args).filter(|_| shaped) else {
            return false;
        };
        let (lo, hi) = tk.inner(open);
        let args = tk.split_commas(lo, hi);
        let Some((&(x, y), rest)) = args.split_first() else {
            return false;
        };
        let Some(conf) = tk.only_str(x, y) else {
            return false;
        };
        self.declare(conf.value, rest, tk.span(stmt, chain.end), st);
        true
    }

    fn chain_blocks(&mut self, chain: &Chain, stmt: usize, st: &State) {
        let tk = self.tk;
        let single = chain.segs.len() == 1;
        for (index, seg) in chain.segs.iter().enumerate() {
            let Some(open) = seg.lambda else {
                continue;
            };
            let (lo, hi) = tk.inner(open);
            let first = index == 0;
            match (seg.name.as_str(), seg.args) {
                ("plugins", None) if single => {
                    let found = tk.plugin_statements(open, &st.ctx);
                    self.out.plugins.extend(found.into_iter().map(|p| PluginRef {
                        conditional: st.conditional,
                        ..p
                    }));
                }
                ("dependencies", None) => {
                    let ctx = chain_project(tk, chain).unwrap_or_else(|| st.ctx.clone());
                    self.dependencies_block(stmt, open, st, ctx);
                }
                ("dependencyManagement", _) => self.dependency_management(open),
                ("ext", None) if first => walk(self, lo, hi, &st.with_mode(Mode::Ext)),
                ("testing", None) if first => walk(
                    self,
                    lo,
                    hi,
                    &State {
                        test_suite: true,
                        ..st.nested()
                    },
                ),
                ("withId" | "withPlugin", Some(args)) if index > 0 => match tk.str_arg(args, tk.len()) {
                    Some((id, _)) => walk(
                        self,
                        lo,
                        hi,
                        &State {
                            when_plugin: Some(id.value),
                            ..st.nested()
                        },
                    ),
                    None => named_lambda(self, &seg.name, open, stmt, st),
                },
                ("buildscript", None) if single => walk(self, lo, hi, &st.with_ctx(Context::Buildscript)),
                ("subprojects", None) if single => walk(self, lo, hi, &st.with_ctx(Context::Subprojects)),
                ("allprojects", None) if single => walk(self, lo, hi, &st.with_ctx(Context::Allprojects)),
                ("project", Some(_)) if first => {
                    let ctx = chain_project(tk, chain).unwrap_or(Context::Configure);
                    walk(self, lo, hi, &st.with_ctx(ctx));
                }
                ("configure", Some(args)) if first => {
                    let ctx = tk.project_filter(args).map_or(Context::Configure, Context::Filtered);
                    walk(self, lo, hi, &st.with_ctx(ctx));
                }
                (name, _) => named_lambda(self, name, open, stmt, st),
            }
        }
    }

    fn dependencies_block(&mut self, stmt: usize, open: usize, st: &State, ctx: Context) {
        let tk = self.tk;
        let close = if tk.closed[open] {
            tk.t[tk.close[open]].start as usize
        } else {
            tk.src.len()
        };
        self.out.blocks.push(DepBlock {
            open: tk.t[open].start,
            close: to_u32(close),
            indent: tk.block_indent(open, close),
            context: ctx.clone(),
        });
        if st.conditional {
            self.out.conditions.push((
                "dependencies block inside a condition, loop or closure".to_string(),
                tk.span(stmt, tk.after(open)),
            ));
        }
        let (lo, hi) = tk.inner(open);
        let child = State {
            ctx,
            mode: Mode::Deps,
            ..st.nested()
        };
        walk(self, lo, hi, &child);
    }

    /// `apply plugin: 'x'`, `apply from: 'x'`, `apply(plugin = "x")`,
    /// `apply(from = "x")`, `apply { plugin("x") }`. None if not one of these.
    fn apply(&mut self, i: usize, hi: usize, st: &State) -> Option<usize> {
        let tk = self.tk;
        let j = i + 1;
        if tk.is_open(j, '{') {
            self.apply_block(j, st);
            return Some(tk.after(j));
        }
        let (args, end) = if tk.is_open(j, '(') {
            (tk.inner(j), tk.after(j))
        } else if j < hi && !tk.newline_before(j) && tk.ident(j).is_some() && tk.punct(j + 1, ":") {
            let end = tk.stmt_end(i, hi);
            ((j, end), end)
        } else {
            return None;
        };
        let named = tk.named_args(&tk.split_commas(args.0, args.1))?;
        let span = tk.span(i, end);
        for arg in named {
            self.apply_entry(&arg.key, arg.lo, arg.hi, &span, st);
        }
        Some(end)
    }

    fn apply_block(&mut self, open: usize, st: &State) {
        let tk = self.tk;
        let (lo, hi) = tk.inner(open);
        let mut i = lo;
        while i < hi {
            let key = tk.ident(i).filter(|k| matches!(*k, "plugin" | "from"));
            match key {
                Some(key) if tk.stmt_start(i, lo) => {
                    let end = tk.stmt_end(i, hi);
                    let (a, b) = if tk.is_open(i + 1, '(') { tk.inner(i + 1) } else { (i + 1, end) };
                    self.apply_entry(key, a, b, &tk.span(i, end), st);
                    i = end.max(i + 1);
                }
                _ => i = tk.after(i).max(i + 1),
            }
        }
    }

    fn apply_entry(&mut self, key: &str, lo: usize, hi: usize, span: &Range<u32>, st: &State) {
        let tk = self.tk;
        match key {
            "plugin" => {
                // A plugin class (`apply plugin: JavaPlugin`) is kept as written.
                let id = tk.only_str(lo, hi).unwrap_or_else(|| Str {
                    value: tk.text(lo, hi).to_string(),
                    span: tk.span(lo, hi),
                });
                self.out.plugins.push(PluginRef {
                    id: Some(id),
                    alias: None,
                    version: None,
                    apply: true,
                    span: span.clone(),
                    context: st.ctx.clone(),
                    conditional: st.conditional,
                });
            }
            "from" => {
                let (path, computed) = match tk.file_expr(lo, hi) {
                    Some(script) => (script, false),
                    None => (
                        Str {
                            value: tk.text(lo, hi).to_string(),
                            span: tk.span(lo, hi),
                        },
                        true,
                    ),
                };
                self.out.applied_scripts.push(ScriptRef {
                    path,
                    span: span.clone(),
                    context: st.ctx.clone(),
                    conditional: st.conditional,
                    computed,
                });
            }
            _ => {}
        }
    }

    /// `pluginManager.apply("x")`, `plugins.apply("x")`, `project.apply(plugin = "x")`.
    fn plugin_apply_call(&mut self, chain: &Chain, stmt: usize, st: &State) {
        let tk = self.tk;
        let (Some(first), Some(last)) = (chain.segs.first(), chain.segs.last()) else {
            return;
        };
        let receiver = matches!(first.name.as_str(), "pluginManager" | "plugins" | "project");
        let Some(open) = last.args.filter(|_| receiver && chain.segs.len() >= 2 && last.name == "apply") else {
            return;
        };
        let (a, b) = tk.inner(open);
        let args = tk.split_commas(a, b);
        let span = tk.span(stmt, chain.end);
        if let Some(named) = tk.named_args(&args) {
            for arg in named {
                self.apply_entry(&arg.key, arg.lo, arg.hi, &span, st);
            }
        } else if let Some(&(x, y)) = args.first() {
            self.apply_entry("plugin", x, y, &span, st);
        }
    }

    fn dep_statement(&mut self, i: usize, hi: usize, st: &State) -> usize {
        let tk = self.tk;
        if is_skip_keyword(tk, i) {
            return tk.stmt_end(i, hi);
        }
        let name = match tk.kind(i) {
            Some(Kind::Str) | Some(Kind::Ident) => tk.t[i].text.as_str(),
            _ => "",
        };
        let is_ident = tk.kind(i) == Some(Kind::Ident);
        let excluded = is_ident && NOT_CONFIGURATIONS.contains(&name);
        let declarable = !name.is_empty() && !excluded;
        if is_ident && name == "constraints" && tk.is_open(i + 1, '{') {
            self.read.push(tk.span(i, tk.after(i + 1)));
            return tk.after(i + 1);
        }
        if declarable && tk.is_open(i + 1, '(') {
            if let Some(end) = self.call_declaration(i, hi, st) {
                return end;
            }
        } else if declarable && is_ident && self.groovy_command(i, hi) {
            return self.command_declaration(i, hi, st);
        }
        let chain = tk.chain(i, hi);
        for seg in &chain.segs {
            if let Some(open) = seg.lambda {
                named_lambda(self, &seg.name, open, i, st);
            }
        }
        chain.end
    }

    /// `conf(args)`, `"conf"(args)` or `add("conf", args)`, each optionally
    /// followed by a configuration closure. None when the call continues as a
    /// chain (`listOf(…).forEach { }`), which is then walked instead.
    fn call_declaration(&mut self, i: usize, hi: usize, st: &State) -> Option<usize> {
        let tk = self.tk;
        let args_open = i + 1;
        let mut end = tk.after(args_open);
        if end < hi && tk.is_open(end, '{') {
            end = tk.after(end);
        }
        if end < hi && (tk.punct(end, ".") || tk.punct(end, "?.")) {
            return None;
        }
        let (lo, ahi) = tk.inner(args_open);
        let args = tk.split_commas(lo, ahi);
        let span = tk.span(i, end);
        if tk.is_ident(i, "add") {
            let (&(x, y), rest) = args.split_first()?;
            let conf = tk.only_str(x, y).map_or_else(|| tk.text(x, y).to_string(), |s| s.value);
            self.declare(conf, rest, span, st);
        } else {
            self.declare(tk.t[i].text.to_string(), &args, span, st);
        }
        Some(end)
    }

    /// Groovy's parenthesis-free `implementation 'a:b', 'c:d'`.
    fn groovy_command(&self, i: usize, hi: usize) -> bool {
        let tk = self.tk;
        let j = i + 1;
        if tk.dsl != Dsl::Groovy || j >= hi || tk.newline_before(j) {
            return false;
        }
        match tk.kind(j) {
            Some(Kind::Str) => true,
            Some(Kind::Ident) => !is_skip_keyword(tk, j) && !CONTROL_KEYWORDS.contains(&tk.t[j].text.as_str()),
            _ => tk.is_open(j, '['),
        }
    }

    fn command_declaration(&mut self, i: usize, hi: usize, st: &State) -> usize {
        let tk = self.tk;
        let end = tk.stmt_end(i, hi);
        let args = tk.split_commas(i + 1, end);
        self.declare(tk.t[i].text.to_string(), &args, tk.span(i, end), st);
        end
    }

    fn declare(&mut self, configuration: String, args: &[(usize, usize)], span: Range<u32>, st: &State) {
        for mut notation in self.tk.notations(args, 0) {
            // `val libs = versionCatalogs.named("libs")` … `libs.findLibrary(…)`
            if let Notation::Catalog { accessor, .. } = &mut notation {
                if let Some((root, rest)) = accessor.split_once('.') {
                    if let Some((_, catalog)) = self.out.catalog_handles.iter().find(|(v, _)| v == root) {
                        *accessor = format!("{catalog}.{rest}");
                    }
                }
            }
            self.out.dependencies.push(Dependency {
                configuration: configuration.clone(),
                notation,
                span: span.clone(),
                context: st.ctx.clone(),
                conditional: st.conditional,
                when_plugin: st.when_plugin.clone(),
                test_suite: st.test_suite,
            });
        }
    }
}

// ---------------------------------------------------------------------------
// Variables, dependency management, project filters
// ---------------------------------------------------------------------------

/// Deepest nested map literal flattened into variables.
const MAX_VALUE_DEPTH: u32 = 6;

impl BuildVisitor<'_> {
    /// `val|var|def|String x = …`, `val x by extra(…)`, `ext.x = …`,
    /// `ext["x"] = …`, `extra["x"] = …`, `ext.set("x", …)`, `extra.set("x", …)`
    /// (optionally behind `project.`/`rootProject.`). Records string values and
    /// map literals; returns the statement end when the statement is one of
    /// these shapes, whatever its value.
    fn variable(&mut self, i: usize, hi: usize) -> Option<usize> {
        let tk = self.tk;
        let end = tk.stmt_end(i, hi);
        if matches!(tk.ident(i), Some("val" | "var" | "def" | "String")) {
            let name = tk.ident(i + 1)?.to_string();
            let mut k = i + 2;
            if tk.punct(k, ":") {
                // a type: identifiers, dots, generics, `?`
                k += 1;
                while k < end && (tk.kind(k) == Some(Kind::Ident) || [".", "<", ">", "?", ","].iter().any(|p| tk.punct(k, p))) {
                    if tk.is_ident(k, "by") {
                        break;
                    }
                    k += 1;
                }
            }
            if tk.punct(k, "=") {
                if let Some(catalog) = self.catalog_handle(k + 1, end) {
                    self.out.catalog_handles.push((name, catalog));
                } else {
                    self.record(&name, k + 1, end, 0);
                }
            } else if tk.is_ident(k, "by") && tk.is_ident(k + 1, "extra") && tk.is_open(k + 2, '(') {
                let (a, b) = tk.inner(k + 2);
                self.record(&name, a, b, 0);
            }
            return Some(end);
        }
        let mut k = i;
        if matches!(tk.ident(k), Some("project" | "rootProject")) && tk.punct(k + 1, ".") {
            k += 2;
        }
        if !matches!(tk.ident(k), Some("ext" | "extra")) {
            return None;
        }
        if tk.punct(k + 1, ".") && tk.ident(k + 2).is_some() && tk.punct(k + 3, "=") {
            let name = tk.t[k + 2].text.clone();
            self.record(&name, k + 4, end, 0);
            return Some(end);
        }
        if tk.is_open(k + 1, '[') && tk.punct(tk.after(k + 1), "=") {
            let (a, b) = tk.inner(k + 1);
            let name = tk.only_str(a, b)?.value;
            self.record(&name, tk.after(k + 1) + 1, end, 0);
            return Some(end);
        }
        if tk.punct(k + 1, ".") && tk.is_ident(k + 2, "set") && tk.is_open(k + 3, '(') {
            self.set_call(k + 3);
            return Some(end);
        }
        None
    }

    /// `set("x", value)`
    fn set_call(&mut self, open: usize) {
        let tk = self.tk;
        let (a, b) = tk.inner(open);
        let args = tk.split_commas(a, b);
        if let [(x, y), (v, w)] = args.as_slice() {
            if let Some(name) = tk.only_str(*x, *y) {
                self.record(&name.value, *v, *w, 0);
            }
        }
    }

    /// A statement inside Groovy's `ext { }`: `x = value` or `set("x", value)`.
    fn ext_statement(&mut self, i: usize, hi: usize) -> usize {
        let tk = self.tk;
        let end = tk.stmt_end(i, hi);
        if let Some(name) = tk.ident(i) {
            if tk.punct(i + 1, "=") {
                let name = name.to_string();
                self.record(&name, i + 2, end, 0);
            } else if name == "set" && tk.is_open(i + 1, '(') {
                self.set_call(i + 1);
            }
        }
        end
    }

    /// Records `lo..hi` as the value of `name`: a string, or a map literal
    /// (`[a: "…", b: [c: "…"]]`, `mapOf("a" to "…")`) flattened to `name.a`.
    fn record(&mut self, name: &str, lo: usize, hi: usize, depth: u32) {
        let tk = self.tk;
        if depth > MAX_VALUE_DEPTH || lo >= hi {
            return;
        }
        if let Some(value) = tk.only_str(lo, hi) {
            self.out.vars.push(Var {
                name: name.to_string(),
                value,
            });
            return;
        }
        let entries: Vec<(String, usize, usize)> = if tk.is_open(lo, '[') && tk.after(lo) == hi {
            let (a, b) = tk.inner(lo);
            let items = tk.split_commas(a, b);
            match tk.named_args(&items) {
                Some(named) => named.into_iter().map(|n| (n.key, n.lo, n.hi)).collect(),
                None => return,
            }
        } else if matches!(tk.ident(lo), Some("mapOf" | "mutableMapOf" | "hashMapOf")) && tk.is_open(lo + 1, '(') && tk.after(lo + 1) == hi
        {
            let (a, b) = tk.inner(lo + 1);
            tk.split_commas(a, b)
                .into_iter()
                .filter_map(|(x, y)| {
                    let key = tk.str_tok(x)?.value;
                    tk.is_ident(x + 1, "to").then_some((key, x + 2, y))
                })
                .collect()
        } else {
            return;
        };
        for (key, a, b) in entries {
            self.record(&format!("{name}.{key}"), a, b, depth + 1);
        }
    }

    /// `versionCatalogs.named("libs")` / `the<VersionCatalogsExtension>().named("libs")` /
    /// `extensions.getByType(VersionCatalogsExtension::class.java).named("libs")`.
    fn catalog_handle(&self, lo: usize, hi: usize) -> Option<String> {
        let tk = self.tk;
        let mentions_catalogs = (lo..hi).any(|j| matches!(tk.ident(j), Some("versionCatalogs" | "VersionCatalogsExtension")));
        if !mentions_catalogs {
            return None;
        }
        (lo..hi).find_map(|j| {
            (matches!(tk.ident(j), Some("named" | "find" | "getByName")) && tk.is_open(j + 1, '('))
                .then(|| tk.str_arg(j + 1, hi).map(|(s, _)| s.value))
                .flatten()
        })
    }

    /// `dependencyManagement { imports { mavenBom("…") } dependencies { dependency("…") } }`
    /// of the io.spring.dependency-management plugin: it manages versions and adds nothing.
    fn dependency_management(&mut self, open: usize) {
        let tk = self.tk;
        self.read.push(tk.span(open, tk.after(open)));
        let (lo, hi) = tk.inner(open);
        for j in lo..hi {
            let Some(name @ ("mavenBom" | "dependency")) = tk.ident(j) else {
                continue;
            };
            let value = if tk.is_open(j + 1, '(') {
                tk.str_arg(j + 1, hi).map(|(s, _)| s)
            } else if !tk.newline_before(j + 1) {
                tk.str_tok(j + 1)
            } else {
                None
            };
            if let Some(v) = value {
                if name == "mavenBom" {
                    self.out.boms.push(v);
                } else {
                    self.out.managed.push(v);
                }
            }
        }
    }
}

impl Toks<'_> {
    /// The project set of `configure(<args>) { }`, when it can be read.
    fn project_filter(&self, args: usize) -> Option<ProjectFilter> {
        let (lo, hi) = self.inner(args);
        if lo >= hi {
            return None;
        }
        let set = |name: &str| match name {
            "subprojects" => Some(ProjectSet::Subprojects),
            "allprojects" => Some(ProjectSet::Allprojects),
            _ => None,
        };
        // `subprojects`, `project.subprojects`, `rootProject.subprojects`
        let mut k = lo;
        if matches!(self.ident(k), Some("project" | "rootProject")) && self.punct(k + 1, ".") {
            k += 2;
        }
        if let Some(s) = self.ident(k).and_then(set) {
            if k + 1 == hi {
                return Some(ProjectFilter { set: s, pred: None });
            }
            let chain = self.chain(k, hi);
            if chain.end != hi || chain.segs.len() != 2 {
                return None;
            }
            let filter = &chain.segs[1];
            if !matches!(filter.name.as_str(), "filter" | "findAll" | "matching") {
                return None;
            }
            let open = filter.lambda.or_else(|| {
                let a = filter.args?;
                let (x, y) = self.inner(a);
                (self.is_open(x, '{') && self.after(x) == y).then_some(x)
            })?;
            let pred = self.lambda_pred(open)?;
            return Some(ProjectFilter { set: s, pred: Some(pred) });
        }
        // explicit project lists
        let items: Vec<(usize, usize)> = if matches!(self.ident(lo), Some("listOf" | "setOf" | "arrayOf")) && self.is_open(lo + 1, '(') {
            let (a, b) = self.inner(lo + 1);
            self.split_commas(a, b)
        } else if self.is_open(lo, '[') && self.after(lo) == hi {
            let (a, b) = self.inner(lo);
            self.split_commas(a, b)
        } else {
            self.split_commas(lo, hi)
        };
        let mut paths = Vec::new();
        for (a, b) in items {
            if !(self.is_ident(a, "project") && self.is_open(a + 1, '(') && self.after(a + 1) == b) {
                return None;
            }
            paths.push(self.str_arg(a + 1, b)?.0.value);
        }
        (!paths.is_empty()).then_some(ProjectFilter {
            set: ProjectSet::Paths(paths),
            pred: None,
        })
    }

    /// `{ it.name.endsWith("-service") }`, `{ p -> p.path.startsWith(":svc") }`,
    /// `{ it.name in listOf("a", "b") }`, `!`, `&&`, `||`.
    fn lambda_pred(&self, open: usize) -> Option<NamePred> {
        let (mut lo, hi) = self.inner(open);
        let mut param = "it".to_string();
        if let (Some(p), true) = (self.ident(lo), self.punct(lo + 1, "->")) {
            param = p.to_string();
            lo += 2;
        }
        self.pred(lo, hi, &param, 0)
    }

    fn pred(&self, lo: usize, hi: usize, param: &str, depth: u32) -> Option<NamePred> {
        if depth > MAX_NOTATION_DEPTH || lo >= hi {
            return None;
        }
        for op in ["||", "&&"] {
            let mut j = lo;
            while j < hi {
                if self.punct(j, op) {
                    let a = self.pred(lo, j, param, depth + 1)?;
                    let b = self.pred(j + 1, hi, param, depth + 1)?;
                    return Some(if op == "||" {
                        NamePred::Or(Box::new(a), Box::new(b))
                    } else {
                        NamePred::And(Box::new(a), Box::new(b))
                    });
                }
                j = self.after(j).max(j + 1);
            }
        }
        if self.punct(lo, "!") {
            return Some(NamePred::Not(Box::new(self.pred(lo + 1, hi, param, depth + 1)?)));
        }
        if self.is_open(lo, '(') && self.after(lo) == hi {
            let (a, b) = self.inner(lo);
            return self.pred(a, b, param, depth + 1);
        }
        // subject: `it.name`, `p.path`, `name`, `project.name`
        let mut k = lo;
        if (self.is_ident(k, param) || self.is_ident(k, "project")) && (self.punct(k + 1, ".") || self.punct(k + 1, "?.")) {
            k += 2;
        }
        let subject = match self.ident(k)? {
            "name" => Subject::Name,
            "path" => Subject::Path,
            _ => return None,
        };
        k += 1;
        if self.punct(k, "==") || self.punct(k, "!=") {
            let value = self.only_str(k + 1, hi)?.value;
            let eq = NamePred::Eq(subject, value);
            return Some(if self.punct(k, "!=") { NamePred::Not(Box::new(eq)) } else { eq });
        }
        let negated_in = self.punct(k, "!") && self.is_ident(k + 1, "in");
        if self.is_ident(k, "in") || negated_in {
            let start = if negated_in { k + 2 } else { k + 1 };
            let items = if matches!(self.ident(start), Some("listOf" | "setOf" | "arrayOf")) && self.is_open(start + 1, '(') {
                let (a, b) = self.inner(start + 1);
                self.split_commas(a, b)
            } else if self.is_open(start, '[') {
                let (a, b) = self.inner(start);
                self.split_commas(a, b)
            } else {
                return None;
            };
            let values = items
                .iter()
                .map(|&(a, b)| self.only_str(a, b).map(|s| s.value))
                .collect::<Option<Vec<_>>>()?;
            let p = NamePred::In(subject, values);
            return Some(if negated_in { NamePred::Not(Box::new(p)) } else { p });
        }
        if !(self.punct(k, ".") || self.punct(k, "?.")) {
            return None;
        }
        let method = self.ident(k + 1)?;
        if !self.is_open(k + 2, '(') || self.after(k + 2) != hi {
            return None;
        }
        let value = self.str_arg(k + 2, hi)?.0.value;
        Some(match method {
            "endsWith" => NamePred::EndsWith(subject, value),
            "startsWith" => NamePred::StartsWith(subject, value),
            "contains" => NamePred::Contains(subject, value),
            "equals" => NamePred::Eq(subject, value),
            _ => return None,
        })
    }

    /// `versionCatalogs.named("libs").findLibrary("a-b").get()`, `libs.findLibrary("a-b").get()`,
    /// `libs.findBundle("x").get()` as a catalog accessor (`libs.a.b`, `libs.bundles.x`).
    /// Without `named(…)` the receiver variable's name stands for the catalog; the
    /// script's `catalog_handles` map it back.
    fn catalog_lookup(&self, lo: usize, hi: usize) -> Option<Notation> {
        let mut catalog: Option<String> = None;
        let mut found: Option<(&str, String)> = None;
        for j in lo..hi {
            match self.ident(j) {
                Some("named" | "getByName") if self.is_open(j + 1, '(') => {
                    catalog = self.str_arg(j + 1, hi).map(|(s, _)| s.value);
                }
                Some(kind @ ("findLibrary" | "findBundle")) if self.is_open(j + 1, '(') => {
                    found = Some((kind, self.str_arg(j + 1, hi)?.0.value));
                    break;
                }
                _ => {}
            }
        }
        let (kind, alias) = found?;
        let root = catalog.or_else(|| {
            self.ident(lo)
                .filter(|r| !matches!(*r, "versionCatalogs" | "project" | "extensions" | "the"))
                .map(str::to_string)
        });
        let root = root.unwrap_or_else(|| "libs".to_string());
        let alias = crate::parse::catalog::accessor(&alias);
        let accessor = if kind == "findBundle" {
            format!("{root}.bundles.{alias}")
        } else {
            format!("{root}.{alias}")
        };
        Some(Notation::Catalog {
            accessor,
            span: self.span(lo, hi),
        })
    }
}

/// `project(":x")` heading a chain (`project(":x") { }`,
/// `project(":x").dependencies { }`) as a context.
fn chain_project(tk: &Toks<'_>, chain: &Chain) -> Option<Context> {
    let first = chain.segs.first()?;
    if first.name != "project" {
        return None;
    }
    let open = first.args?;
    let (lo, hi) = tk.inner(open);
    let path = match tk.split_commas(lo, hi).first() {
        Some(&(a, b)) => tk.only_str(a, b).map_or_else(|| tk.text(a, b).to_string(), |s| s.value),
        None => String::new(),
    };
    Some(Context::Project(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(text: &str, dsl: Dsl) -> Settings {
        let (s, issues) = parse_settings(text, dsl);
        assert!(issues.is_empty(), "{issues:?}");
        s
    }

    fn build(text: &str, dsl: Dsl) -> BuildScript {
        let (b, issues) = parse_build(text, dsl);
        assert!(issues.is_empty(), "{issues:?}");
        b
    }

    fn scripts(b: &BuildScript) -> Vec<String> {
        b.applied_scripts
            .iter()
            .map(|s| {
                if s.computed {
                    format!("computed {}", s.path.value)
                } else {
                    s.path.value.clone()
                }
            })
            .collect()
    }

    fn values(strs: &[Str]) -> Vec<&str> {
        strs.iter().map(|s| s.value.as_str()).collect()
    }

    fn slice<'t>(text: &'t str, span: &Range<u32>) -> &'t str {
        &text[span.start as usize..span.end as usize]
    }

    fn describe(n: &Notation) -> String {
        match n {
            Notation::Module { group, name, version, .. } => match version {
                Some(v) => format!("{group}:{name}:{v}"),
                None => format!("{group}:{name}"),
            },
            Notation::Catalog { accessor, .. } => format!("catalog {accessor}"),
            Notation::Project { path, .. } => format!("project {path}"),
            Notation::Platform(inner) => format!("platform({})", describe(inner)),
            Notation::Other { text, .. } => format!("other {text}"),
        }
    }

    fn deps(b: &BuildScript) -> Vec<String> {
        b.dependencies
            .iter()
            .map(|d| format!("{} {}", d.configuration, describe(&d.notation)))
            .collect()
    }

    fn plugin_ids(plugins: &[PluginRef]) -> Vec<String> {
        plugins
            .iter()
            .map(|p| {
                let id =
                    p.id.as_ref()
                        .map_or_else(|| format!("alias {}", p.alias.clone().unwrap_or_default()), |s| s.value.clone());
                let version = p.version.as_ref().map_or(String::new(), |v| format!(" {}", v.value));
                let apply = if p.apply { "" } else { " (not applied)" };
                format!("{id}{version}{apply}")
            })
            .collect()
    }

    // ----- settings -----

    #[test]
    fn settings_root_name_and_includes_kotlin() {
        let text = r#"
rootProject.name = "shop"
include(":a", ":b")
include("services:api")
include(
    ":multi-line",
)
"#;
        let s = settings(text, Dsl::Kotlin);
        let name = s.root_project_name.unwrap();
        assert_eq!(name.value, "shop");
        assert_eq!(slice(text, &name.span), "\"shop\"");
        assert_eq!(values(&s.includes), vec![":a", ":b", "services:api", ":multi-line"]);
        assert!(s.dynamic_includes.is_empty());
    }

    #[test]
    fn settings_root_name_and_includes_groovy() {
        let text = "rootProject.name = 'shop'\ninclude 'a', 'b'\ninclude ':c',\n        ':d'\ninclude(':e')\ninclude \"f\"\n";
        let s = settings(text, Dsl::Groovy);
        assert_eq!(s.root_project_name.unwrap().value, "shop");
        assert_eq!(values(&s.includes), vec!["a", "b", ":c", ":d", ":e", "f"]);
        assert_eq!(slice(text, &s.includes[0].span), "'a'");
    }

    #[test]
    fn dynamic_includes() {
        let text = r#"
val modules = listOf("x", "y")
modules.forEach { include(it) }
include(":lit", name)
include("$prefix:z")
for (m in modules) include(m)
"#;
        let s = settings(text, Dsl::Kotlin);
        assert_eq!(values(&s.includes), vec![":lit"]);
        let dynamic: Vec<&str> = s.dynamic_includes.iter().map(|r| slice(text, r)).collect();
        assert_eq!(
            dynamic,
            vec!["include(it)", "include(\":lit\", name)", "include(\"$prefix:z\")", "include(m)"]
        );
    }

    #[test]
    fn include_apply_project_dir() {
        let text = r#"include(":x").apply { projectDir = file("y") }
include(":z").apply {
    projectDir = file("modules/z")
    buildFileName = "z.gradle.kts"
}"#;
        let s = settings(text, Dsl::Kotlin);
        assert_eq!(values(&s.includes), vec![":x", ":z"]);
        let dirs: Vec<(&str, &str)> = s.project_dirs.iter().map(|(p, d)| (p.value.as_str(), d.value.as_str())).collect();
        assert_eq!(dirs, vec![(":x", "y"), (":z", "modules/z")]);
        assert_eq!(s.build_file_names[0].1.value, "z.gradle.kts");
        assert_eq!(slice(text, &s.project_dirs[0].1.span), "\"y\"");
    }

    #[test]
    fn project_dir_assignments() {
        let kotlin = r#"project(":x").projectDir = file("dir/x")
project(":y").projectDir = File(rootDir, "dir/y")
project(":x").buildFileName = "x.gradle.kts""#;
        let s = settings(kotlin, Dsl::Kotlin);
        let dirs: Vec<(&str, &str)> = s.project_dirs.iter().map(|(p, d)| (p.value.as_str(), d.value.as_str())).collect();
        assert_eq!(dirs, vec![(":x", "dir/x"), (":y", "dir/y")]);
        assert_eq!(s.build_file_names[0].0.value, ":x");
        assert_eq!(s.build_file_names[0].1.value, "x.gradle.kts");

        let groovy = "project(':x').projectDir = new File(settingsDir, 'dir/x')\nproject(':y').projectDir = file('dir/y')\nfindProject(':z')?.projectDir = file('dir/z')\nproject(':y').buildFileName = 'y.gradle'\n";
        let s = settings(groovy, Dsl::Groovy);
        let dirs: Vec<(&str, &str)> = s.project_dirs.iter().map(|(p, d)| (p.value.as_str(), d.value.as_str())).collect();
        assert_eq!(dirs, vec![(":x", "dir/x"), (":y", "dir/y"), (":z", "dir/z")]);
        assert_eq!(s.build_file_names[0].1.value, "y.gradle");
    }

    #[test]
    fn include_builds_anywhere() {
        let kotlin = r#"pluginManagement {
    includeBuild("build-logic")
}
includeBuild("../shared") {
    dependencySubstitution { }
}"#;
        assert_eq!(
            values(&settings(kotlin, Dsl::Kotlin).include_builds),
            vec!["build-logic", "../shared"]
        );
        let groovy = "pluginManagement {\n  includeBuild 'build-logic'\n}\nincludeBuild('other')\n";
        assert_eq!(values(&settings(groovy, Dsl::Groovy).include_builds), vec!["build-logic", "other"]);
    }

    #[test]
    fn version_catalogs() {
        let kotlin = r#"dependencyResolutionManagement {
    versionCatalogs {
        create("tools") {
            from(files("gradle/tools.versions.toml"))
        }
        create("remote") { from("com.example:catalog:1.0") }
    }
}"#;
        let s = settings(kotlin, Dsl::Kotlin);
        let cats: Vec<(&str, &str)> = s.catalogs.iter().map(|(n, f)| (n.value.as_str(), f.value.as_str())).collect();
        assert_eq!(cats, vec![("tools", "gradle/tools.versions.toml")]);

        let groovy = "dependencyResolutionManagement {\n  versionCatalogs {\n    libs2 {\n      from(files('gradle/libs2.versions.toml'))\n    }\n    create('other') {\n      from files('gradle/other.versions.toml')\n    }\n  }\n}\n";
        let s = settings(groovy, Dsl::Groovy);
        let cats: Vec<(&str, &str)> = s.catalogs.iter().map(|(n, f)| (n.value.as_str(), f.value.as_str())).collect();
        assert_eq!(
            cats,
            vec![("libs2", "gradle/libs2.versions.toml"), ("other", "gradle/other.versions.toml")]
        );
    }

    #[test]
    fn plugin_management_versions() {
        let kotlin = r#"pluginManagement {
    repositories { gradlePluginPortal() }
    plugins {
        id("org.springframework.boot") version "3.2.0"
        kotlin("jvm") version "1.9.23"
    }
}
plugins { id("org.gradle.toolchains.foojay-resolver-convention") version "0.8.0" }"#;
        let s = settings(kotlin, Dsl::Kotlin);
        assert_eq!(
            plugin_ids(&s.plugin_versions),
            vec!["org.springframework.boot 3.2.0", "org.jetbrains.kotlin.jvm 1.9.23"]
        );
        assert_eq!(
            slice(kotlin, &s.plugin_versions[0].span),
            "id(\"org.springframework.boot\") version \"3.2.0\""
        );
        assert_eq!(s.plugin_versions[0].context, Context::Own);

        let groovy = "pluginManagement {\n  plugins {\n    id 'org.springframework.boot' version \"${bootVersion}\"\n  }\n}\n";
        let s = settings(groovy, Dsl::Groovy);
        assert_eq!(plugin_ids(&s.plugin_versions), vec!["org.springframework.boot ${bootVersion}"]);
    }

    #[test]
    fn settings_comment_and_string_traps() {
        let text = r#"
// include(":commented")
/* include(":block") */
/* outer /* nested */ include(":nested") */
println("include(':in-string')")
val s = "include(\":x\")"
include(":real")
"#;
        let s = settings(text, Dsl::Kotlin);
        assert_eq!(values(&s.includes), vec![":real"]);
    }

    #[test]
    fn groovy_block_comments_do_not_nest() {
        let text = "/* outer /* inner */ include ':escaped' /* c */\ninclude ':real'\n";
        assert_eq!(values(&settings(text, Dsl::Groovy).includes), vec![":escaped", ":real"]);
        let (s, issues) = parse_settings(text, Dsl::Kotlin);
        assert!(s.includes.is_empty());
        assert_eq!(issues[0].message, "unterminated block comment");
    }

    // ----- build: plugins -----

    #[test]
    fn plugins_block_kotlin() {
        let text = r#"plugins {
    java
    `java-library`
    id("org.springframework.boot") version "3.2.5"
    id("io.spring.dependency-management").version("1.1.4").apply(false)
    kotlin("plugin.spring") version "1.9.23" apply false
    alias(libs.plugins.spring.boot) apply false
    alias(libs.plugins.kotlin.jvm.get())
}"#;
        let b = build(text, Dsl::Kotlin);
        assert_eq!(
            plugin_ids(&b.plugins),
            vec![
                "java",
                "java-library",
                "org.springframework.boot 3.2.5",
                "io.spring.dependency-management 1.1.4 (not applied)",
                "org.jetbrains.kotlin.plugin.spring 1.9.23 (not applied)",
                "alias libs.plugins.spring.boot (not applied)",
                "alias libs.plugins.kotlin.jvm",
            ]
        );
        assert_eq!(slice(text, &b.plugins[1].id.as_ref().unwrap().span), "`java-library`");
        assert_eq!(slice(text, &b.plugins[4].id.as_ref().unwrap().span), "kotlin(\"plugin.spring\")");
        assert_eq!(slice(text, &b.plugins[5].span), "alias(libs.plugins.spring.boot) apply false");
    }

    #[test]
    fn plugins_block_groovy() {
        let text = "plugins {\n    id 'java'\n    id \"org.springframework.boot\" version '3.2.5'\n    id 'io.spring.dependency-management' version '1.1.4' apply false\n    alias libs.plugins.x\n    alias(libs.plugins.y)\n}\n";
        let b = build(text, Dsl::Groovy);
        assert_eq!(
            plugin_ids(&b.plugins),
            vec![
                "java",
                "org.springframework.boot 3.2.5",
                "io.spring.dependency-management 1.1.4 (not applied)",
                "alias libs.plugins.y",
            ]
        );
    }

    #[test]
    fn apply_plugin_and_scripts() {
        let groovy = "apply plugin: 'org.springframework.boot'\napply from: 'deps.gradle'\napply from: \"$rootDir/gradle/common.gradle\"\napply from: 'https://example.com/x.gradle'\napply plugin: JavaPlugin\n";
        let b = build(groovy, Dsl::Groovy);
        assert_eq!(plugin_ids(&b.plugins), vec!["org.springframework.boot", "JavaPlugin"]);
        assert_eq!(
            scripts(&b),
            vec!["deps.gradle", "$rootDir/gradle/common.gradle", "https://example.com/x.gradle"]
        );
        assert_eq!(
            slice(groovy, &b.applied_scripts[2].span),
            "apply from: 'https://example.com/x.gradle'"
        );
        assert_eq!(slice(groovy, &b.plugins[0].span), "apply plugin: 'org.springframework.boot'");

        let kotlin = "apply(plugin = \"java\")\napply(from = \"deps.gradle.kts\")\napply(from = rootProject.file(\"x.gradle.kts\"))\napply(from = someVar)\npluginManager.apply(\"io.spring.dependency-management\")\n";
        let b = build(kotlin, Dsl::Kotlin);
        assert_eq!(plugin_ids(&b.plugins), vec!["java", "io.spring.dependency-management"]);
        assert!(b.plugins.iter().all(|p| p.apply));
        assert_eq!(scripts(&b), vec!["deps.gradle.kts", "x.gradle.kts", "computed someVar"]);
        assert_eq!(slice(kotlin, &b.applied_scripts[2].span), "apply(from = someVar)");
    }

    // ----- build: dependencies -----

    #[test]
    fn kotlin_dependency_forms() {
        let text = r#"dependencies {
    implementation("org.springframework.boot:spring-boot-starter-actuator")
    runtimeOnly("io.micrometer:micrometer-registry-prometheus:1.12.0")
    "developmentOnly"("org.springframework.boot:spring-boot-devtools")
    add("implementation", "com.example:added:1.0")
    implementation(libs.micrometer.registry.prometheus)
    implementation(libs.bundles.observability.get())
    implementation(platform("org.springframework.boot:spring-boot-dependencies:3.2.0"))
    implementation(enforcedPlatform(libs.boot.bom))
    implementation(project(":commons"))
    implementation(project(path = ":api", configuration = "default"))
    implementation(projects.commons.someLib)
    implementation(group = "g", name = "n", version = "v")
    testImplementation(kotlin("test"))
    runtimeOnly(files("libs/a.jar"))
    implementation("com.example:with-closure:1") {
        exclude(group = "org.unwanted", module = "x")
    }
    implementation("a:one:1", "b:two:2")
    kapt("org.mapstruct:mapstruct-processor:1.5.5.Final")
    customConf("c:custom")
    implementation("g:n:1.0:jdk8@jar")
    implementation("io.x:y:${versions.y}")
}"#;
        let b = build(text, Dsl::Kotlin);
        assert_eq!(
            deps(&b),
            vec![
                "implementation org.springframework.boot:spring-boot-starter-actuator",
                "runtimeOnly io.micrometer:micrometer-registry-prometheus:1.12.0",
                "developmentOnly org.springframework.boot:spring-boot-devtools",
                "implementation com.example:added:1.0",
                "implementation catalog libs.micrometer.registry.prometheus",
                "implementation catalog libs.bundles.observability",
                "implementation platform(org.springframework.boot:spring-boot-dependencies:3.2.0)",
                "implementation platform(catalog libs.boot.bom)",
                "implementation project :commons",
                "implementation project :api",
                "implementation project projects.commons.someLib",
                "implementation g:n:v",
                "testImplementation other kotlin(\"test\")",
                "runtimeOnly other files(\"libs/a.jar\")",
                "implementation com.example:with-closure:1",
                "implementation a:one:1",
                "implementation b:two:2",
                "kapt org.mapstruct:mapstruct-processor:1.5.5.Final",
                "customConf c:custom",
                "implementation g:n:1.0",
                "implementation io.x:y:${versions.y}",
            ]
        );
        assert!(b.dependencies.iter().all(|d| d.context == Context::Own && !d.conditional));
        assert_eq!(
            slice(text, &b.dependencies[1].span),
            "runtimeOnly(\"io.micrometer:micrometer-registry-prometheus:1.12.0\")"
        );
        let Notation::Module { span, .. } = &b.dependencies[1].notation else {
            panic!()
        };
        assert_eq!(slice(text, span), "\"io.micrometer:micrometer-registry-prometheus:1.12.0\"");
        assert!(slice(text, &b.dependencies[14].span).ends_with("}"));
        assert!(b.conditions.is_empty(), "{:?}", b.conditions);
    }

    #[test]
    fn groovy_dependency_forms() {
        let text = r#"dependencies {
    implementation 'org.springframework.boot:spring-boot-starter-web'
    implementation 'a:one:1', 'b:two:2'
    implementation 'c:three:3',
        'd:four:4'
    runtimeOnly "io.micrometer:micrometer-registry-prometheus:${micrometerVersion}"
    implementation group: 'g', name: 'n', version: 'v'
    implementation([group: 'g1', name: 'n1'], [group: 'g2', name: 'n2', version: '2'])
    implementation project(':commons')
    implementation project(path: ':api', configuration: 'x')
    implementation platform('org.springframework.boot:spring-boot-dependencies:3.2.0')
    implementation libs.micrometer.core
    implementation('e:five:5') {
        exclude group: 'org.unwanted'
    }
    'developmentOnly'('org.springframework.boot:spring-boot-devtools')
    println 'not:a:dependency'
    compileOnly(group: 'org.projectlombok', name: 'lombok')
    annotationProcessor 'org.projectlombok:lombok'
}"#;
        let b = build(text, Dsl::Groovy);
        assert_eq!(
            deps(&b),
            vec![
                "implementation org.springframework.boot:spring-boot-starter-web",
                "implementation a:one:1",
                "implementation b:two:2",
                "implementation c:three:3",
                "implementation d:four:4",
                "runtimeOnly io.micrometer:micrometer-registry-prometheus:${micrometerVersion}",
                "implementation g:n:v",
                "implementation g1:n1",
                "implementation g2:n2:2",
                "implementation project :commons",
                "implementation project :api",
                "implementation platform(org.springframework.boot:spring-boot-dependencies:3.2.0)",
                "implementation catalog libs.micrometer.core",
                "implementation e:five:5",
                "developmentOnly org.springframework.boot:spring-boot-devtools",
                "compileOnly org.projectlombok:lombok",
                "annotationProcessor org.projectlombok:lombok",
            ]
        );
        assert_eq!(
            slice(text, &b.dependencies[3].span),
            "implementation 'c:three:3',\n        'd:four:4'"
        );
        let Notation::Module { span, .. } = &b.dependencies[6].notation else {
            panic!()
        };
        assert_eq!(slice(text, span), "group: 'g', name: 'n', version: 'v'");
    }

    #[test]
    fn non_catalog_dotted_references_are_other() {
        let text = "dependencies {\n    implementation(platform(SpringBootPlugin.BOM_COORDINATES))\n    implementation(org.example.Deps.X)\n    implementation(someVariable)\n}";
        let b = build(text, Dsl::Kotlin);
        assert_eq!(
            deps(&b),
            vec![
                "implementation platform(other SpringBootPlugin.BOM_COORDINATES)",
                "implementation other org.example.Deps.X",
                "implementation other someVariable",
            ]
        );
    }

    #[test]
    fn contexts() {
        let text = r#"buildscript {
    dependencies { classpath("org.springframework.boot:spring-boot-gradle-plugin:3.2.0") }
}
subprojects {
    apply(plugin = "java")
    dependencies { implementation("s:sub") }
}
allprojects {
    dependencies { implementation("a:all") }
}
project(":api") {
    dependencies { implementation("p:api") }
}
configure(subprojects.filter { it.name.startsWith("svc") }) {
    dependencies { implementation("c:conf") }
}
dependencies { implementation("o:own") }
"#;
        let b = build(text, Dsl::Kotlin);
        let found: Vec<(String, Context)> = b.dependencies.iter().map(|d| (describe(&d.notation), d.context.clone())).collect();
        assert_eq!(
            found,
            vec![
                (
                    "org.springframework.boot:spring-boot-gradle-plugin:3.2.0".to_string(),
                    Context::Buildscript
                ),
                ("s:sub".to_string(), Context::Subprojects),
                ("a:all".to_string(), Context::Allprojects),
                ("p:api".to_string(), Context::Project(":api".to_string())),
                (
                    "c:conf".to_string(),
                    Context::Filtered(ProjectFilter {
                        set: ProjectSet::Subprojects,
                        pred: Some(NamePred::StartsWith(Subject::Name, "svc".into())),
                    })
                ),
                ("o:own".to_string(), Context::Own),
            ]
        );
        assert_eq!(b.plugins[0].context, Context::Subprojects);
        let contexts: Vec<Context> = b.blocks.iter().map(|blk| blk.context.clone()).collect();
        assert_eq!(contexts.len(), 6);
        assert_eq!(contexts[0], Context::Buildscript);
        assert!(b.dependencies.iter().all(|d| !d.conditional));
    }

    #[test]
    fn contexts_groovy() {
        let text = "subprojects {\n    apply plugin: 'java'\n    dependencies {\n        implementation 's:sub'\n    }\n}\nproject(':api') {\n    dependencies { implementation 'p:api' }\n}\n";
        let b = build(text, Dsl::Groovy);
        assert_eq!(b.dependencies[0].context, Context::Subprojects);
        assert_eq!(b.dependencies[1].context, Context::Project(":api".to_string()));
        assert_eq!(b.plugins[0].context, Context::Subprojects);
    }

    #[test]
    fn dependency_management_and_constraints_are_ignored() {
        let text = r#"dependencyManagement {
    dependencies {
        dependency("io.micrometer:micrometer-registry-prometheus:1.0")
    }
}
dependencies {
    constraints {
        implementation("io.micrometer:micrometer-core:1.12.0")
    }
    implementation("real:dep")
}"#;
        let b = build(text, Dsl::Kotlin);
        assert_eq!(deps(&b), vec!["implementation real:dep"]);
        assert_eq!(b.blocks.len(), 1);
    }

    #[test]
    fn conditional_declarations() {
        let text = r#"dependencies {
    if (project.hasProperty("prom")) {
        runtimeOnly("io.micrometer:micrometer-registry-prometheus")
    } else if (x) runtimeOnly("a:elseif") else {
        runtimeOnly("a:else")
    }
    when (env) {
        "prod" -> implementation("a:prod")
        else -> { implementation("a:other") }
    }
    for (m in mods) { implementation(m) }
    listOf("x:y", "z:w").forEach { implementation(it) }
    implementation("plain:dep")
}"#;
        let b = build(text, Dsl::Kotlin);
        let found: Vec<(String, bool)> = b.dependencies.iter().map(|d| (describe(&d.notation), d.conditional)).collect();
        assert_eq!(
            found,
            vec![
                ("io.micrometer:micrometer-registry-prometheus".to_string(), true),
                ("a:elseif".to_string(), true),
                ("a:else".to_string(), true),
                ("a:prod".to_string(), true),
                ("a:other".to_string(), true),
                ("other m".to_string(), true),
                ("other it".to_string(), true),
                ("plain:dep".to_string(), false),
            ]
        );
        assert!(b.conditions.len() >= 4, "{:?}", b.conditions);
        assert!(slice(text, &b.conditions[0].1).starts_with("if (project.hasProperty"));
    }

    #[test]
    fn conditional_groovy_each() {
        let text = "dependencies {\n    ['a:b', 'c:d'].each { implementation it }\n    if (useProm) {\n        runtimeOnly 'io.micrometer:micrometer-registry-prometheus'\n    }\n}\n";
        let b = build(text, Dsl::Groovy);
        assert_eq!(
            deps(&b),
            vec![
                "implementation other it",
                "runtimeOnly io.micrometer:micrometer-registry-prometheus"
            ]
        );
        assert!(b.dependencies.iter().all(|d| d.conditional));
        assert_eq!(b.conditions.len(), 2);
    }

    #[test]
    fn dependencies_block_inside_condition_is_unknown() {
        let text = "if (System.getenv(\"CI\") != null) {\n    dependencies {\n        runtimeOnly(\"io.micrometer:micrometer-registry-prometheus\")\n    }\n}\n";
        let b = build(text, Dsl::Kotlin);
        assert_eq!(b.dependencies.len(), 1);
        assert!(b.dependencies[0].conditional);
        assert_eq!(b.conditions.len(), 1);
        assert!(slice(text, &b.conditions[0].1).starts_with("dependencies {"));
    }

    #[test]
    fn commented_out_and_string_traps() {
        let text = r#"val s = "io.micrometer:micrometer-registry-prometheus"
println("runtimeOnly(\"io.micrometer:micrometer-registry-prometheus\")")
dependencies {
    // runtimeOnly("io.micrometer:micrometer-registry-prometheus")
    /* runtimeOnly("io.micrometer:micrometer-registry-prometheus") */
    /* outer /* nested */ runtimeOnly("io.micrometer:micrometer-registry-prometheus") */
    println("io.micrometer:micrometer-registry-prometheus")
    val v = "io.micrometer:micrometer-registry-prometheus"
    implementation("org.example:real:${'$'}{x}")
    implementation("org.example:dollar:${'$'}")
}
"#;
        let b = build(text, Dsl::Kotlin);
        assert_eq!(
            deps(&b),
            vec![
                "implementation org.example:real:${'$'}{x}",
                "implementation org.example:dollar:${'$'}"
            ]
        );
    }

    #[test]
    fn commented_out_groovy() {
        let text = "dependencies {\n    // runtimeOnly 'io.micrometer:micrometer-registry-prometheus'\n    /* runtimeOnly 'x:y' */\n    implementation 'a:b' // trailing comment 'c:d'\n}\n";
        let b = build(text, Dsl::Groovy);
        assert_eq!(deps(&b), vec!["implementation a:b"]);
        assert_eq!(slice(text, &b.dependencies[0].span), "implementation 'a:b'");
    }

    #[test]
    fn templates_with_nested_braces_and_strings() {
        let text = r#"dependencies {
    implementation("g:n:${if (x) { "1" } else { "2}" }}")
    implementation("after:template")
}"#;
        let b = build(text, Dsl::Kotlin);
        assert_eq!(b.dependencies.len(), 2);
        assert_eq!(describe(&b.dependencies[1].notation), "after:template");
    }

    #[test]
    fn dep_blocks_offsets_and_indent() {
        let text = "dependencies {\n\timplementation(\"a:b\")\n}\nsubprojects {\n  dependencies {\n  }\n}\ndependencies { implementation(\"x:y\") }\n";
        let b = build(text, Dsl::Kotlin);
        assert_eq!(b.blocks.len(), 3);
        assert_eq!(
            &text[b.blocks[0].open as usize..=b.blocks[0].close as usize],
            "{\n\timplementation(\"a:b\")\n}"
        );
        assert_eq!(b.blocks[0].indent, "\t");
        assert_eq!(b.blocks[1].indent, "      ");
        assert_eq!(b.blocks[1].context, Context::Subprojects);
        assert_eq!(b.blocks[2].indent, "    ");
    }

    #[test]
    fn unterminated_block_reaches_end() {
        let text = "dependencies {\n    implementation(\"a:b\")\n";
        let (b, issues) = parse_build(text, Dsl::Kotlin);
        assert_eq!(b.blocks[0].close as usize, text.len());
        assert_eq!(deps(&b), vec!["implementation a:b"]);
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].offset, 13);
    }

    #[test]
    fn issues_are_reported_and_partial_results_returned() {
        let (b, issues) = parse_build("dependencies {\n implementation(\"a:b\")\n}\n}\nval s = \"oops\n", Dsl::Kotlin);
        assert_eq!(deps(&b), vec!["implementation a:b"]);
        let messages: Vec<(&str, u32)> = issues.iter().map(|i| (i.message.as_str(), i.offset)).collect();
        assert_eq!(messages, vec![("unbalanced '}'", 40), ("unterminated string literal", 50)]);

        let (_, issues) = parse_build("/* never closed", Dsl::Kotlin);
        assert_eq!(issues[0].message, "unterminated block comment");
        let (_, issues) = parse_build("/* /* */ still open", Dsl::Kotlin);
        assert_eq!(issues.len(), 1);
        let (_, issues) = parse_build("/* /* */ closed in groovy", Dsl::Groovy);
        assert!(issues.is_empty());
        let (_, issues) = parse_build("x = \"\"\"never", Dsl::Groovy);
        assert_eq!(issues[0].offset, 4);
    }

    #[test]
    fn groovy_strings() {
        let text = "dependencies {\n    implementation '''a:triple:1'''\n    implementation \"\"\"b:triple:${v}\"\"\"\n    implementation 'c:esc\\'aped'\n}\n";
        let b = build(text, Dsl::Groovy);
        assert_eq!(
            deps(&b),
            vec![
                "implementation a:triple:1",
                "implementation b:triple:${v}",
                "implementation c:esc'aped"
            ]
        );
    }

    #[test]
    fn kotlin_char_literals_and_raw_strings() {
        let text = "val c = '\"'\nval d = '\\''\nval raw = \"\"\"C:\\path \"quoted\" \"\"\"\ndependencies { implementation(\"a:b\") }\n";
        let b = build(text, Dsl::Kotlin);
        assert_eq!(deps(&b), vec!["implementation a:b"]);
    }

    #[test]
    fn division_is_not_a_slashy_string() {
        let text = "val x = 4 / 2\ndependencies { implementation 'a:b' }\nval y = 6 / 3\n";
        let b = build(text, Dsl::Groovy);
        assert_eq!(deps(&b), vec!["implementation a:b"]);
    }

    #[test]
    fn multibyte_spans() {
        let text = "// é日本\ndependencies { implementation(\"ü:ñ:1\") }\n";
        let b = build(text, Dsl::Kotlin);
        assert_eq!(slice(text, &b.dependencies[0].span), "implementation(\"ü:ñ:1\")");
    }

    #[test]
    fn dynamic_includes_groovy() {
        let text = "['a', 'b'].each { include it }\ninclude ':lit', name\ninclude \"${prefix}:x\"\ninclude ':ok'\n";
        let s = settings(text, Dsl::Groovy);
        assert_eq!(values(&s.includes), vec![":lit", ":ok"]);
        let dynamic: Vec<&str> = s.dynamic_includes.iter().map(|r| slice(text, r)).collect();
        assert_eq!(dynamic, vec!["include it", "include ':lit', name", "include \"${prefix}:x\""]);
    }

    #[test]
    fn contexts_groovy_full() {
        let text = r#"buildscript {
    ext { bootVersion = '3.2.0' }
    dependencies {
        classpath "org.springframework.boot:spring-boot-gradle-plugin:${bootVersion}"
    }
}
allprojects {
    dependencies { implementation 'a:all' }
}
configure(subprojects.findAll { it.name.startsWith('svc') }) {
    dependencies { implementation 'c:conf' }
}
dependencyManagement {
    imports { mavenBom 'org.springframework.cloud:spring-cloud-dependencies:2023.0.0' }
    dependencies { dependency 'io.micrometer:micrometer-registry-prometheus:1.0' }
}
dependencies {
    constraints { implementation 'x:constrained:1' }
    implementation 'o:own'
}
def prom = 'io.micrometer:micrometer-registry-prometheus'
println "runtimeOnly 'io.micrometer:micrometer-registry-prometheus'"
"#;
        let b = build(text, Dsl::Groovy);
        let found: Vec<(String, Context)> = b
            .dependencies
            .iter()
            .map(|d| (format!("{} {}", d.configuration, describe(&d.notation)), d.context.clone()))
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    "classpath org.springframework.boot:spring-boot-gradle-plugin:${bootVersion}".to_string(),
                    Context::Buildscript
                ),
                ("implementation a:all".to_string(), Context::Allprojects),
                (
                    "implementation c:conf".to_string(),
                    Context::Filtered(ProjectFilter {
                        set: ProjectSet::Subprojects,
                        pred: Some(NamePred::StartsWith(Subject::Name, "svc".into())),
                    })
                ),
                ("implementation o:own".to_string(), Context::Own),
            ]
        );
        assert_eq!(b.blocks.len(), 4);
        assert!(b.conditions.is_empty(), "{:?}", b.conditions);
    }

    #[test]
    fn dep_block_indent_groovy() {
        let text = "subprojects {\n    dependencies {\r\n        implementation 'a:b'\r\n    }\n    dependencies {}\n}\n";
        let b = build(text, Dsl::Groovy);
        assert_eq!(b.blocks[0].indent, "        ");
        assert_eq!(b.blocks[1].indent, "        ");
        assert_eq!(b.blocks[1].close, b.blocks[1].open + 1);
    }

    #[test]
    fn apply_block_and_project_chain_kotlin() {
        let text = "apply {\n    plugin(\"java\")\n    from(\"common.gradle.kts\")\n}\nproject(\":api\").dependencies { implementation(\"p:api\") }\n";
        let b = build(text, Dsl::Kotlin);
        assert_eq!(plugin_ids(&b.plugins), vec!["java"]);
        assert_eq!(scripts(&b), vec!["common.gradle.kts"]);
        assert_eq!(b.dependencies[0].context, Context::Project(":api".to_string()));
    }

    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    const PIECES: &[&str] = &[
        "dependencies",
        "plugins",
        "include",
        "implementation",
        "project",
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        "\"",
        "'",
        "'''",
        "\"\"\"",
        "${",
        "$",
        "`",
        "/*",
        "*/",
        "//",
        "/",
        "\\",
        "\n",
        "\r\n",
        " ",
        ",",
        ".",
        ":",
        "=",
        "->",
        "if",
        "else",
        "when",
        "for",
        "forEach",
        "libs",
        "apply",
        "from",
        "plugin",
        "version",
        "id",
        "alias",
        "kotlin",
        "\"a:b:1\"",
        "'c:d'",
        "é",
        "日本",
        "🎉",
        "add",
        "platform",
        "rootProject",
        "name",
        "subprojects",
        "buildscript",
        "?.",
        "do",
        "while",
        "try",
        "versionCatalogs",
        "create",
        "files",
        "pluginManagement",
        "includeBuild",
        "constraints",
    ];

    fn check_spans(text: &str, spans: &[&Range<u32>]) {
        for span in spans {
            assert!(span.start <= span.end, "{text:?} {span:?}");
            assert!(text.get(span.start as usize..span.end as usize).is_some(), "{text:?} {span:?}");
        }
    }

    fn notation_span(n: &Notation) -> &Range<u32> {
        match n {
            Notation::Module { span, .. }
            | Notation::Catalog { span, .. }
            | Notation::Project { span, .. }
            | Notation::Other { span, .. } => span,
            Notation::Platform(inner) => notation_span(inner),
        }
    }

    fn run_all(text: &str) {
        for dsl in [Dsl::Kotlin, Dsl::Groovy] {
            let (b, issues) = parse_build(text, dsl);
            let mut spans: Vec<&Range<u32>> = Vec::new();
            spans.extend(b.dependencies.iter().map(|d| &d.span));
            spans.extend(b.dependencies.iter().map(|d| notation_span(&d.notation)));
            spans.extend(b.plugins.iter().map(|p| &p.span));
            spans.extend(b.conditions.iter().map(|u| &u.1));
            spans.extend(b.applied_scripts.iter().map(|s| &s.span));
            check_spans(text, &spans);
            for block in &b.blocks {
                assert!(block.open <= block.close && block.close as usize <= text.len());
            }
            assert!(issues.iter().all(|i| i.offset as usize <= text.len()));
            let (s, _) = parse_settings(text, dsl);
            let mut spans: Vec<&Range<u32>> = Vec::new();
            spans.extend(s.includes.iter().map(|x| &x.span));
            spans.extend(s.dynamic_includes.iter());
            spans.extend(s.plugin_versions.iter().map(|p| &p.span));
            spans.extend(s.catalogs.iter().map(|c| &c.1.span));
            spans.extend(s.project_dirs.iter().map(|c| &c.1.span));
            check_spans(text, &spans);
        }
    }

    #[test]
    fn garbage_never_panics() {
        let mut rng = XorShift(0xD1B5_4A32_D192_ED03);
        for _ in 0..3000 {
            let len = (rng.next() % 60) as usize;
            let mut text = String::new();
            for _ in 0..len {
                let r = rng.next();
                if r % 11 == 0 {
                    text.push(char::from_u32((r >> 8) as u32 % 0x11_0000).unwrap_or('x'));
                } else {
                    text.push_str(PIECES[(r >> 8) as usize % PIECES.len()]);
                }
                if r % 3 == 0 {
                    text.push(' ');
                }
            }
            run_all(&text);
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let n = 20_000;
        run_all(&"{".repeat(n));
        run_all(&"(".repeat(n));
        run_all(&format!("dependencies {}{}", "{".repeat(n), "}".repeat(n)));
        run_all(&"\"${".repeat(n));
        run_all(&"if (x) ".repeat(n));
        run_all(&"} else ".repeat(n));
        run_all(&format!(
            "dependencies {{ implementation({}\"a:b\"{}) }}",
            "platform(".repeat(n),
            ")".repeat(n)
        ));
        run_all(&format!(
            "dependencies {{ implementation {}'a:b'{} }}",
            "[".repeat(n),
            "]".repeat(n)
        ));
        run_all(&"/*".repeat(n));
    }

    // ----- variables, catalogs in conventions, filters, conditions -----

    fn vars(b: &BuildScript) -> Vec<(String, String)> {
        b.vars.iter().map(|v| (v.name.clone(), v.value.value.clone())).collect()
    }

    #[test]
    fn groovy_variables_and_maps() {
        let text = r#"
buildscript {
    ext {
        springBootVersion = '2.7.18'
    }
}
ext.micrometerVersion = '1.9.0'
ext['other'] = "x"
def registry = 'io.micrometer:micrometer-registry-prometheus'
ext.libs = [
    prometheus: "io.micrometer:micrometer-registry-prometheus:${micrometerVersion}",
    nested: [actuator: 'org.springframework.boot:spring-boot-starter-actuator'],
]
project.ext.set('viaSet', 'v')
"#;
        let b = build(text, Dsl::Groovy);
        assert_eq!(
            vars(&b),
            vec![
                ("springBootVersion".into(), "2.7.18".into()),
                ("micrometerVersion".into(), "1.9.0".into()),
                ("other".into(), "x".into()),
                ("registry".into(), "io.micrometer:micrometer-registry-prometheus".into()),
                (
                    "libs.prometheus".into(),
                    "io.micrometer:micrometer-registry-prometheus:${micrometerVersion}".into()
                ),
                (
                    "libs.nested.actuator".into(),
                    "org.springframework.boot:spring-boot-starter-actuator".into()
                ),
                ("viaSet".into(), "v".into()),
            ]
        );
        assert_eq!(slice(text, &b.vars[1].value.span), "'1.9.0'");
    }

    #[test]
    fn kotlin_variables() {
        let text = r#"
val micrometerVersion = "1.12.0"
val typed: String = "t"
val fromExtra by extra("e")
extra["registry"] = "io.micrometer:micrometer-registry-prometheus"
extra.set("k", "v")
val deps = mapOf("prom" to "io.micrometer:micrometer-registry-prometheus")
val libs = the<VersionCatalogsExtension>().named("libs")
"#;
        let b = build(text, Dsl::Kotlin);
        assert_eq!(
            vars(&b),
            vec![
                ("micrometerVersion".into(), "1.12.0".into()),
                ("typed".into(), "t".into()),
                ("fromExtra".into(), "e".into()),
                ("registry".into(), "io.micrometer:micrometer-registry-prometheus".into()),
                ("k".into(), "v".into()),
                ("deps.prom".into(), "io.micrometer:micrometer-registry-prometheus".into()),
            ]
        );
        assert_eq!(b.catalog_handles, vec![("libs".to_string(), "libs".to_string())]);
    }

    #[test]
    fn catalog_lookups_in_convention_plugins() {
        let text = r#"package com.acme

plugins { java }

val catalog = extensions.getByType<VersionCatalogsExtension>().named("tools")

dependencies {
    add("runtimeOnly", versionCatalogs.named("libs").findLibrary("micrometer-registry-prometheus").get())
    implementation(catalog.findLibrary("spring_boot.starter-actuator").get())
    implementation(catalog.findBundle("observability").get())
}
"#;
        let b = build(text, Dsl::Kotlin);
        assert_eq!(b.package.as_deref(), Some("com.acme"));
        assert_eq!(
            deps(&b),
            vec![
                "runtimeOnly catalog libs.micrometer.registry.prometheus",
                "implementation catalog tools.spring.boot.starter.actuator",
                "implementation catalog tools.bundles.observability",
            ]
        );
        let groovy = "dependencies {\n    runtimeOnly libs.findLibrary('micrometer-registry-prometheus').get()\n}\n";
        assert_eq!(
            deps(&build(groovy, Dsl::Groovy)),
            vec!["runtimeOnly catalog libs.micrometer.registry.prometheus"]
        );
    }

    #[test]
    fn project_filters() {
        let filter = |text: &str, dsl: Dsl| -> Option<Context> { build(text, dsl).dependencies.first().map(|d| d.context.clone()) };
        let svc = |pred: NamePred| {
            Some(Context::Filtered(ProjectFilter {
                set: ProjectSet::Subprojects,
                pred: Some(pred),
            }))
        };
        assert_eq!(
            filter(
                "configure(subprojects.filter { it.name.endsWith(\"-service\") }) { dependencies { implementation(\"a:b\") } }",
                Dsl::Kotlin
            ),
            svc(NamePred::EndsWith(Subject::Name, "-service".into()))
        );
        assert_eq!(
            filter(
                "configure(subprojects.filter { p -> p.path.startsWith(\":services\") }) { dependencies { implementation(\"a:b\") } }",
                Dsl::Kotlin
            ),
            svc(NamePred::StartsWith(Subject::Path, ":services".into()))
        );
        assert_eq!(
            filter(
                "configure(subprojects.findAll { it.name != 'common' }) { dependencies { implementation 'a:b' } }",
                Dsl::Groovy
            ),
            svc(NamePred::Not(Box::new(NamePred::Eq(Subject::Name, "common".into()))))
        );
        assert_eq!(
            filter(
                "configure(subprojects.filter { it.name in listOf(\"a\", \"b\") }) { dependencies { implementation(\"a:b\") } }",
                Dsl::Kotlin
            ),
            svc(NamePred::In(Subject::Name, vec!["a".into(), "b".into()]))
        );
        assert_eq!(
            filter(
                "configure(listOf(project(\":a\"), project(\":b\"))) { dependencies { implementation(\"a:b\") } }",
                Dsl::Kotlin
            ),
            Some(Context::Filtered(ProjectFilter {
                set: ProjectSet::Paths(vec![":a".into(), ":b".into()]),
                pred: None,
            }))
        );
        assert_eq!(
            filter("configure([project(':a')]) { dependencies { implementation 'a:b' } }", Dsl::Groovy),
            Some(Context::Filtered(ProjectFilter {
                set: ProjectSet::Paths(vec![":a".into()]),
                pred: None,
            }))
        );
        assert_eq!(
            filter(
                "configure(subprojects.filter { it.hasProperty(\"x\") }) { dependencies { implementation(\"a:b\") } }",
                Dsl::Kotlin
            ),
            Some(Context::Configure)
        );
        let p = NamePred::And(
            Box::new(NamePred::EndsWith(Subject::Name, "-service".into())),
            Box::new(NamePred::Not(Box::new(NamePred::StartsWith(Subject::Name, "legacy".into())))),
        );
        assert!(p.eval("order-service", ":services:order-service"));
        assert!(!p.eval("legacy-service", ":legacy-service"));
    }

    #[test]
    fn plugin_conditions_and_test_suites() {
        let text = r#"subprojects {
    plugins.withId("org.springframework.boot") {
        dependencies { "runtimeOnly"("io.micrometer:micrometer-registry-prometheus") }
    }
    plugins.withType<SpringBootPlugin> {
        dependencies { "implementation"("org.springframework.boot:spring-boot-starter-actuator") }
    }
    tasks.withType<Test> {
        dependencies { "implementation"("x:y") }
    }
}
testing {
    suites {
        register<JvmTestSuite>("integrationTest") {
            dependencies { implementation("io.micrometer:micrometer-registry-prometheus") }
        }
    }
}
"#;
        let b = build(text, Dsl::Kotlin);
        let found: Vec<(Option<&str>, bool, bool)> = b
            .dependencies
            .iter()
            .map(|d| (d.when_plugin.as_deref(), d.conditional, d.test_suite))
            .collect();
        assert_eq!(
            found,
            vec![
                (Some("org.springframework.boot"), false, false),
                (Some("org.springframework.boot"), false, false),
                (None, true, false),
                (None, false, true),
            ]
        );
    }

    #[test]
    fn dependency_management_boms_and_group() {
        let text = r#"group = "com.acme"
dependencyManagement {
    imports {
        mavenBom("org.springframework.boot:spring-boot-dependencies:3.3.1")
    }
    dependencies {
        dependency("io.micrometer:micrometer-registry-prometheus:1.13.0")
    }
}
"#;
        let b = build(text, Dsl::Kotlin);
        assert!(b.dependencies.is_empty());
        assert_eq!(values(&b.boms), vec!["org.springframework.boot:spring-boot-dependencies:3.3.1"]);
        assert_eq!(values(&b.managed), vec!["io.micrometer:micrometer-registry-prometheus:1.13.0"]);
        assert_eq!(b.group.unwrap().value, "com.acme");
        let groovy = "dependencyManagement {\n  imports { mavenBom 'org.springframework.boot:spring-boot-dependencies:2.7.18' }\n}\n";
        assert_eq!(
            values(&build(groovy, Dsl::Groovy).boms),
            vec!["org.springframework.boot:spring-boot-dependencies:2.7.18"]
        );
    }

    #[test]
    fn top_level_dependencies_add_and_unread_coordinates() {
        let text = r#"dependencies.add("runtimeOnly", "io.micrometer:micrometer-registry-prometheus")
project.dependencies.add("implementation", libs.web)
registerDependency("io.micrometer:micrometer-registry-prometheus")
println("io.micrometer:micrometer-registry-prometheus")
val note = "a sentence io.micrometer:micrometer-registry-prometheus with spaces"
dependencies {
    constraints { implementation("io.micrometer:micrometer-core:1.12.0") }
    implementation("a:b")
}
dependencyManagement { dependencies { dependency("x:y:1") } }
"#;
        let b = build(text, Dsl::Kotlin);
        assert_eq!(
            deps(&b),
            vec![
                "runtimeOnly io.micrometer:micrometer-registry-prometheus",
                "implementation catalog libs.web",
                "implementation a:b",
            ]
        );
        let mentions: Vec<&str> = b.mentions.iter().map(|m| slice(text, &m.span)).collect();
        assert_eq!(mentions, vec!["\"io.micrometer:micrometer-registry-prometheus\""]);
        assert_eq!(
            slice(text, &b.mentions[0].span.clone()),
            "\"io.micrometer:micrometer-registry-prometheus\""
        );
        assert!(b.mentions[0].span.start > 100);
    }
}
