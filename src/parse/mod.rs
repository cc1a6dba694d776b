//! One module per format. Parsers never touch the filesystem and never panic; malformed input
//! becomes an error value with a position.

pub mod bootlog;
pub mod catalog;
pub mod dockerfile;
pub mod envfile;
pub mod gradle;
pub mod properties;
pub mod yaml;

use crate::discover::FileKind;
use crate::source::{FileId, SourceSet};

/// One file's parse result.
pub enum Parsed {
    Nothing,
    Yaml(Vec<yaml::Document>),
    Properties(Vec<properties::PropDocument>),
    Settings(gradle::Settings),
    Build(gradle::BuildScript),
    Catalog(catalog::Catalog),
    BootLog(Vec<bootlog::BootLine>),
    /// `@SpringBootApplication` classes: (short name Boot logs, span of the class name).
    Source(Vec<(String, std::ops::Range<u32>)>),
    /// A Helm template (`{{ … }}`): not YAML until rendered.
    HelmTemplate,
    Dockerfile(dockerfile::Dockerfile),
    EnvFile(Vec<envfile::Entry>),
}

pub struct ParseFailure {
    pub file: FileId,
    pub offset: u32,
    pub message: String,
}

/// Parses every file, in parallel: files are independent.
pub fn parse_all(sources: &SourceSet, limits: &yaml::Limits) -> (Vec<Parsed>, Vec<ParseFailure>) {
    use rayon::prelude::*;
    let files: Vec<_> = sources.iter().collect();
    let results: Vec<(Parsed, Vec<ParseFailure>)> = files.par_iter().map(|(id, f)| parse_one(*id, f, limits)).collect();
    let mut parsed = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for (p, e) in results {
        parsed.push(p);
        errors.extend(e);
    }
    (parsed, errors)
}

fn parse_one(id: FileId, f: &crate::source::SourceFile, limits: &yaml::Limits) -> (Parsed, Vec<ParseFailure>) {
    let fail = |offset: u32, message: String| ParseFailure { file: id, offset, message };
    let text = f.text.as_str();
    match f.kind {
        FileKind::Yaml | FileKind::Json | FileKind::SpringConfig if !f.path.ends_with(".properties") => {
            if f.kind == FileKind::Yaml && looks_like_helm_template(text) {
                return (Parsed::HelmTemplate, vec![]);
            }
            let (docs, err) = yaml::parse(text, limits);
            let errs = err.map(|e| fail(e.offset, e.message)).into_iter().collect();
            (Parsed::Yaml(docs), errs)
        }
        FileKind::SpringConfig => (Parsed::Properties(properties::parse(text)), vec![]),
        FileKind::GradleSettings { kotlin } => {
            let dsl = if kotlin { gradle::Dsl::Kotlin } else { gradle::Dsl::Groovy };
            let (s, issues) = gradle::parse_settings(text, dsl);
            (Parsed::Settings(s), issues.into_iter().map(|i| fail(i.offset, i.message)).collect())
        }
        FileKind::GradleBuild { kotlin } => {
            let dsl = if kotlin { gradle::Dsl::Kotlin } else { gradle::Dsl::Groovy };
            let (b, issues) = gradle::parse_build(text, dsl);
            (Parsed::Build(b), issues.into_iter().map(|i| fail(i.offset, i.message)).collect())
        }
        FileKind::VersionCatalog => match catalog::parse(text) {
            Ok(c) => (Parsed::Catalog(c), vec![]),
            Err(e) => (Parsed::Nothing, vec![fail(e.offset, e.message)]),
        },
        FileKind::BootLog => (Parsed::BootLog(bootlog::parse(text)), vec![]),
        FileKind::JvmSource => (Parsed::Source(main_classes(&f.path, text)), vec![]),
        FileKind::Dockerfile => (Parsed::Dockerfile(dockerfile::parse(text)), vec![]),
        FileKind::EnvFile => (Parsed::EnvFile(envfile::parse(text)), vec![]),
        _ => (Parsed::Nothing, vec![]),
    }
}

fn looks_like_helm_template(text: &str) -> bool {
    text.contains("{{") && text.contains("}}")
}

/// Names Boot logs for `@SpringBootApplication` classes: the class itself, and for Kotlin
/// files with a top-level `fun main` the file facade class `<File>Kt` (semantics §11.1).
fn main_classes(path: &str, text: &str) -> Vec<(String, std::ops::Range<u32>)> {
    use regex::Regex;
    use std::sync::OnceLock;
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"@SpringBootApplication\b(?:\([^)]*\))?(?:\s*@[\w.]+(?:\([^)]*\))?)*\s*(?:(?:public|open|final|abstract|internal|data)\s+)*class\s+([A-Za-z_][A-Za-z0-9_]*)").expect("static regex")
    });
    let mut out = Vec::new();
    for c in re.captures_iter(text) {
        let m = c.get(1).expect("group");
        out.push((m.as_str().to_string(), m.start() as u32..m.end() as u32));
        if path.ends_with(".kt") && text.contains("fun main(") {
            let stem = path.rsplit('/').next().unwrap_or(path).trim_end_matches(".kt");
            out.push((format!("{stem}Kt"), m.start() as u32..m.end() as u32));
        }
    }
    out
}

pub fn file_of(sources: &SourceSet, id: FileId) -> &crate::source::SourceFile {
    sources.get(id)
}
