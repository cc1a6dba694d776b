//! Comment- and string-aware reader for `settings.gradle(.kts)` and
//! `build.gradle(.kts)`.
//!
//! Build scripts are programs, so this is deliberately a recogniser of the
//! declarative shapes people actually write, not an evaluator. It works in
//! three layers:
//! 1. the JVM tokenizer (`parse::jvm::lexer`), which knows Kotlin's and Groovy's
//!    string, template and comment rules, so text inside comments or strings
//!    never looks like code;
//! 2. bracket matching over the tokens, which also yields the brace issues (`tokens`);
//! 3. a walk over statements that tracks which block (and therefore which
//!    project and whether under a condition) each construct lives in (`walk`),
//!    with one visitor for settings scripts and one for build scripts.
//!
//! Every recursion is bounded (`MAX_DEPTH`, `MAX_NOTATION_DEPTH`, the lexer's
//! template depth) and text is only sliced with checked `get` or at boundaries
//! taken from char iteration, so arbitrary input cannot panic.

mod build;
mod notation;
mod plugins;
mod settings;
#[cfg(test)]
mod tests;
mod tokens;
mod vars;
mod vocabulary;
mod walk;

use self::{build::*, notation::*, settings::*, tokens::*, vars::*, vocabulary::*, walk::*};
use crate::parse::jvm::lexer::{self, Dialect, Kind, Token};
use std::ops::Range;

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
    /// the reader stopped at a size limit: the script is unknown, not malformed
    pub limit: bool,
}

/// The projects a block of a build script applies to: its own project, `subprojects {}`, ….
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
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
    pub scope: Scope,
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
    /// The bodies (`{`…`}`) of `subprojects {}`, `allprojects {}`, `project(":x") {}` and
    /// `configure(…) {}` blocks, with the projects each configures.
    pub project_blocks: Vec<(Range<u32>, Scope)>,
}

impl BuildScript {
    /// The projects the code at `offset` configures: the innermost cross-project block around
    /// it, else the script's own project.
    pub fn scope_at(&self, offset: u32) -> &Scope {
        self.project_blocks
            .iter()
            .filter(|(r, _)| r.start <= offset && offset < r.end)
            .min_by_key(|(r, _)| r.end - r.start)
            .map_or(&Scope::Own, |(_, c)| c)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptRef {
    /// The location as written (`http(s)://…` for remote scripts); for a computed location
    /// (`computed`), the expression's text.
    pub path: Str,
    pub computed: bool,
    /// the whole `apply from: …` statement
    pub span: Range<u32>,
    pub scope: Scope,
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
    pub scope: Scope,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    pub configuration: String,
    pub notation: Notation,
    pub span: Range<u32>,
    pub scope: Scope,
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

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
