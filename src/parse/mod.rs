//! One module per format. Parsers never touch the filesystem and never panic; malformed input
//! becomes an error value with a position.

pub mod bootlog;
pub mod bootmetrics;
pub mod catalog;
pub mod dockerfile;
pub mod envfile;
pub mod gradle;
pub mod jvm;
pub mod maven;
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
    Pom(Box<maven::Pom>),
    BootLog(Vec<bootlog::BootLine>),
    /// A Prometheus exposition dump with start-up time gauges.
    BootMetrics(Vec<bootmetrics::BootSample>),
    /// `@SpringBootApplication` classes and the classes declaring the `main` that starts Spring.
    Source(Vec<jvm::MainClass>),
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
        FileKind::Yaml | FileKind::Json | FileKind::Manifests | FileKind::SpringConfig if !f.path.ends_with(".properties") => {
            if f.kind == FileKind::Yaml && looks_like_helm_template(&f.path, text) {
                return (Parsed::HelmTemplate, vec![]);
            }
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
        FileKind::MavenPom => match maven::parse(text) {
            Ok(p) => (Parsed::Pom(Box::new(p)), vec![]),
            Err(e) => (Parsed::Nothing, vec![fail(e.offset, e.message)]),
        },
        FileKind::GradleProperties => (Parsed::Properties(properties::parse(text)), vec![]),
        // A dump passed as a boot log is still read as what it is.
        FileKind::BootLog if bootmetrics::looks_like_exposition(text) => (Parsed::BootMetrics(bootmetrics::parse(text)), vec![]),
        FileKind::BootLog => (Parsed::BootLog(bootlog::parse(text)), vec![]),
        FileKind::BootMetrics => (Parsed::BootMetrics(bootmetrics::parse(text)), vec![]),
        FileKind::JvmSource => (Parsed::Source(jvm::main_classes(&f.path, text)), vec![]),
        FileKind::Dockerfile => (Parsed::Dockerfile(dockerfile::parse(text)), vec![]),
        FileKind::EnvFile => (Parsed::EnvFile(envfile::parse(text)), vec![]),
        _ => (Parsed::Nothing, vec![]),
    }
}

/// `{{ … }}` in a chart's `templates/`, or Helm's own objects elsewhere. Alertmanager and
/// PrometheusRule templates (`{{ $labels.pod }}`) are YAML and stay YAML.
fn looks_like_helm_template(path: &str, text: &str) -> bool {
    if !(text.contains("{{") && text.contains("}}")) {
        return false;
    }
    path.starts_with("templates/")
        || path.contains("/templates/")
        || [".Values.", ".Release.", ".Chart.", "include \""].iter().any(|t| text.contains(t))
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
