// STUB: replaced by the helper's implementation.
use std::ops::Range;
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dsl {
    Kotlin,
    Groovy,
}
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
    Project(String),
    Configure,
    Buildscript,
}
#[derive(Default)]
pub struct Settings {
    pub root_project_name: Option<Str>,
    pub includes: Vec<Str>,
    pub project_dirs: Vec<(Str, Str)>,
    pub build_file_names: Vec<(Str, Str)>,
    pub include_builds: Vec<Str>,
    pub catalogs: Vec<(Str, Str)>,
    pub plugin_versions: Vec<PluginRef>,
    pub dynamic_includes: Vec<Range<u32>>,
}
pub struct PluginRef {
    pub id: Option<Str>,
    pub alias: Option<String>,
    pub version: Option<Str>,
    pub apply: bool,
    pub span: Range<u32>,
    pub context: Context,
}
#[derive(Default)]
pub struct BuildScript {
    pub plugins: Vec<PluginRef>,
    pub dependencies: Vec<Dependency>,
    pub blocks: Vec<DepBlock>,
    pub applied_scripts: Vec<Str>,
    pub unknown: Vec<(String, Range<u32>)>,
}
pub struct DepBlock {
    pub open: u32,
    pub close: u32,
    pub indent: String,
    pub context: Context,
}
pub struct Dependency {
    pub configuration: String,
    pub notation: Notation,
    pub span: Range<u32>,
    pub context: Context,
    pub conditional: bool,
}
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
pub fn parse_settings(_text: &str, _dsl: Dsl) -> (Settings, Vec<ParseIssue>) {
    (Settings::default(), vec![])
}
pub fn parse_build(_text: &str, _dsl: Dsl) -> (BuildScript, Vec<ParseIssue>) {
    (BuildScript::default(), vec![])
}
