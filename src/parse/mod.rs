//! One module per format. Parsers never touch the filesystem and never panic; malformed input
//! becomes an error value with a position.

pub mod bootlog;
pub mod bootmetrics;
pub mod catalog;
pub mod compose;
pub mod dockerfile;
pub mod envfile;
pub mod gradle;
pub mod jvm;
pub mod maven;
pub mod properties;
pub mod references;
pub mod yaml;

use crate::classify::{Role, Roles};
use crate::file_kind::FileKind;
use crate::source::{FileId, SourceSet};

/// One file's parse result.
pub enum Parsed {
    Nothing,
    Yaml(Vec<yaml::Document>),
    Properties(Vec<properties::PropDocument>),
    Settings(gradle::Settings),
    Build(gradle::BuildScript),
    Catalog(catalog::Catalog),
    Pom(Box<maven::Pom>),
    BootLog(Vec<bootlog::BootLine>),
    /// A Prometheus exposition dump with start-up time gauges.
    BootMetrics(Vec<bootmetrics::BootSample>),
    /// `@SpringBootApplication` classes and the classes declaring the `main` that starts Spring;
    /// the request mappings and routes the file declares.
    Source(Vec<jvm::MainClass>, Box<jvm::web::WebSource>),
    /// A Helm template (`{{ … }}`): not YAML until rendered.
    HelmTemplate,
    Dockerfile(dockerfile::Dockerfile),
    EnvFile(Vec<envfile::Entry>),
}

impl Parsed {
    /// The root of every YAML document of the file, in order; none for other formats. The
    /// nodes know their file, so readers borrow them instead of copying.
    pub fn yaml_roots(&self) -> impl Iterator<Item = &yaml::Node> {
        let docs: &[yaml::Document] = match self {
            Parsed::Yaml(docs) => docs,
            _ => &[],
        };
        docs.iter().map(|d| &d.root)
    }
}

pub struct ParseFailure {
    pub file: FileId,
    pub offset: u32,
    pub message: String,
    /// the reader stopped at a size limit: the file is unknown (an `analysis-gap`), not
    /// malformed
    pub limit: bool,
}

/// Parses every file by its kind, whatever its role: whether an edited file still parses
/// (fix validation) does not depend on who reads it.
pub fn parse_all(sources: &SourceSet, limits: &yaml::Limits) -> (Vec<Parsed>, Vec<ParseFailure>) {
    let roles = Roles(
        sources
            .iter()
            .map(|(_, f)| crate::classify::Assigned {
                role: Some(
                    if f.kind == FileKind::Yaml && crate::classify::looks_like_helm_template(&f.path, &f.text) {
                        Role::HelmTemplate
                    } else {
                        Role::Manifests
                    },
                ),
                reason: String::new(),
                template: None,
            })
            .collect(),
    );
    parse_with_roles(sources, &roles, limits)
}

/// Parses the files that have a role, in parallel (files are independent); the rest are
/// `Parsed::Nothing` and can never be a parse error.
pub fn parse_with_roles(sources: &SourceSet, roles: &Roles, limits: &yaml::Limits) -> (Vec<Parsed>, Vec<ParseFailure>) {
    use rayon::prelude::*;
    let files: Vec<_> = sources.iter().collect();
    let results: Vec<(Parsed, Vec<ParseFailure>)> = files
        .par_iter()
        .map(|(id, f)| match roles.role(*id) {
            Some(role) if role.parsed() => parse_one(*id, f, role, limits),
            _ => (Parsed::Nothing, vec![]),
        })
        .collect();
    let mut parsed = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for (p, e) in results {
        parsed.push(p);
        errors.extend(e);
    }
    (parsed, errors)
}

/// Parses `changed` again under their new roles (`references::by_reference`).
pub fn reparse(
    sources: &SourceSet,
    roles: &Roles,
    changed: &[FileId],
    parsed: &mut [Parsed],
    failures: &mut Vec<ParseFailure>,
    limits: &yaml::Limits,
) {
    for &id in changed {
        failures.retain(|e| e.file != id);
        let (p, e) = match roles.role(id) {
            Some(role) if role.parsed() => parse_one(id, sources.get(id), role, limits),
            _ => (Parsed::Nothing, vec![]),
        };
        parsed[id.0 as usize] = p;
        failures.extend(e);
    }
    failures.sort_by_key(|e| (e.file, e.offset));
}

fn parse_one(id: FileId, f: &crate::source::SourceFile, role: Role, limits: &yaml::Limits) -> (Parsed, Vec<ParseFailure>) {
    let fail = |offset: u32, message: String| ParseFailure {
        file: id,
        offset,
        message,
        limit: false,
    };
    let gradle_issue = |i: gradle::ParseIssue| ParseFailure {
        file: id,
        offset: i.offset,
        message: i.message,
        limit: i.limit,
    };
    let text = f.text.as_str();
    if role == Role::HelmTemplate {
        return (Parsed::HelmTemplate, vec![]);
    }
    match f.kind {
        FileKind::Yaml | FileKind::Json | FileKind::Manifests | FileKind::SpringConfig if !f.path.ends_with(".properties") => {
            let reader = match f.kind {
                FileKind::SpringConfig => yaml::Reader::SpringConfig,
                _ => yaml::Reader::Consumer,
            };
            let (docs, err) = yaml::parse_for(text, id, limits, reader);
            let errs = err.map(|e| fail(e.offset, e.message)).into_iter().collect();
            (Parsed::Yaml(docs), errs)
        }
        FileKind::SpringConfig => (Parsed::Properties(properties::parse(text)), vec![]),
        FileKind::GradleSettings { kotlin } => {
            let dsl = if kotlin { gradle::Dsl::Kotlin } else { gradle::Dsl::Groovy };
            let (s, issues) = gradle::parse_settings(text, dsl);
            (Parsed::Settings(s), issues.into_iter().map(gradle_issue).collect())
        }
        FileKind::GradleBuild { kotlin } => {
            let dsl = if kotlin { gradle::Dsl::Kotlin } else { gradle::Dsl::Groovy };
            let (b, issues) = gradle::parse_build(text, dsl);
            (Parsed::Build(b), issues.into_iter().map(gradle_issue).collect())
        }
        FileKind::VersionCatalog => match catalog::parse(text) {
            Ok(c) => (Parsed::Catalog(c), vec![]),
            Err(e) => (Parsed::Nothing, vec![fail(e.offset, e.message)]),
        },
        FileKind::MavenPom => match maven::parse(text) {
            Ok(p) => (Parsed::Pom(Box::new(p)), vec![]),
            Err(e) => (Parsed::Nothing, vec![fail(e.offset, e.message)]),
        },
        FileKind::GradleProperties => (Parsed::Properties(properties::parse(text)), vec![]),
        // A dump passed as a boot log is still read as what it is.
        FileKind::BootLog { .. } if bootmetrics::looks_like_exposition(text) => (Parsed::BootMetrics(bootmetrics::parse(text)), vec![]),
        FileKind::BootLog { .. } => (Parsed::BootLog(bootlog::parse(text)), vec![]),
        FileKind::BootMetrics { .. } => (Parsed::BootMetrics(bootmetrics::parse(text)), vec![]),
        FileKind::JvmSource if !(f.path.ends_with(".java") || f.path.ends_with(".kt")) => (Parsed::Nothing, vec![]),
        FileKind::JvmSource => (
            Parsed::Source(jvm::main_classes(&f.path, text), Box::new(jvm::web::read(&f.path, text))),
            vec![],
        ),
        FileKind::Dockerfile => (Parsed::Dockerfile(dockerfile::parse(text)), vec![]),
        FileKind::EnvFile => (Parsed::EnvFile(envfile::parse(text)), vec![]),
        _ => (Parsed::Nothing, vec![]),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn main_classes_in_every_spelling() {
        let java = "@org.springframework.boot.autoconfigure.SpringBootApplication\npublic class BillingApplication {}";
        assert_eq!(super::jvm::main_classes("a/Billing.java", java)[0].log_name, "BillingApplication");
        let kt =
            "@SpringBootApplication(scanBasePackages = [\"x\"])\n@EnableScheduling\nclass CatalogApp\nfun main(args: Array<String>) {}";
        let names: Vec<String> = super::jvm::main_classes("src/main/kotlin/CatalogApp.kt", kt)
            .into_iter()
            .map(|c| c.log_name)
            .collect();
        assert_eq!(names, ["CatalogApp", "CatalogAppKt"]);
    }
}
