//! The Java and Kotlin sources a service's code comes from: its module's and those of the modules
//! packaged with it, each with the reasons the linter may not see all of it. Request mappings
//! (`routes`) and security chains (`security`) are read from this one set, so both are unknown
//! for the same reasons.

use super::Why;
use crate::ids::IdVec;
use crate::model::build::{packaged_modules, Module};
use crate::model::ModuleId;
use crate::source::{FileId, SourceSet};
use std::collections::HashMap;

/// Build-file words that add sources the walk does not read: generated code (OpenAPI, Swagger
/// codegen) or other source directories.
const EXTRA_SOURCES: &[&str] = &[
    "srcDir",
    "<sourceDirectory>",
    "build-helper-maven-plugin",
    "openapi-generator",
    "org.openapi.generator",
    "swagger-codegen",
];

/// One module of the set.
pub(super) struct ModuleSources<'a> {
    pub module: &'a Module,
    /// Reached through a dependency: not the service's own module.
    pub transitive: bool,
    /// Its files under `src/main` that the walk found (Java or Kotlin, or not: see `unknown`).
    pub files: &'a [FileId],
    /// Why these files may not be all of its code, or may not be read.
    pub unknown: Vec<Why>,
}

/// The service's module first, then the modules packaged with it. `what` ends the reason a file
/// that is not Java or Kotlin gives ("its mappings are not read").
pub(super) fn module_sources<'a>(
    modules: &'a IdVec<ModuleId, Module>,
    module: ModuleId,
    sources: &SourceSet,
    by_dir: &'a HashMap<&str, Vec<FileId>>,
    what: &str,
) -> Vec<ModuleSources<'a>> {
    let mut set = vec![module];
    set.extend(packaged_modules(modules, module));
    set.iter()
        .enumerate()
        .map(|(i, &mi)| {
            let m = &modules[mi];
            let files = by_dir.get(m.dir.as_str()).map_or(&[][..], Vec::as_slice);
            let mut unknown = Vec::new();
            if i == 0 && files.is_empty() {
                let dir = if m.dir.is_empty() { String::new() } else { format!("{}/", m.dir) };
                unknown.push(Why::new(
                    format!("no Java or Kotlin sources were found under `{dir}src/main`"),
                    None,
                ));
            }
            if let Some(build) = m.build_file.map(|b| sources.get(b)) {
                if let Some(w) = EXTRA_SOURCES.iter().find(|w| build.text.contains(*w)) {
                    unknown.push(Why::new(
                        format!(
                            "`{}` mentions `{w}`: the build may compile sources that are not under `src/main/java` or `src/main/kotlin`",
                            build.path
                        ),
                        None,
                    ));
                }
            }
            for &id in files {
                let f = sources.get(id);
                if f.unread.is_some() {
                    unknown.push(Why::new(format!("`{}` could not be read", f.path), None));
                } else if !(f.path.ends_with(".java") || f.path.ends_with(".kt")) {
                    unknown.push(Why::new(format!("`{}` is not Java or Kotlin: {what}", f.path), None));
                }
            }
            ModuleSources {
                module: m,
                transitive: i > 0,
                files,
                unknown,
            }
        })
        .collect()
}
