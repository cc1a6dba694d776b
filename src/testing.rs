//! Test support: inputs built in memory, as a directory would be read. Tests in every layer
//! use this instead of reaching into the command-line driver.

use crate::config::{self, Config};
use crate::file_kind::FileKind;
use crate::source::{SourceFile, SourceSet};
use crate::{rules, Options};

/// Builds sources and options from in-memory files (rule-doc examples, fuzzing), with the
/// same config and boot-log handling as a directory.
pub fn from_memory(files: &[(String, String)]) -> Result<(SourceSet, Options), String> {
    let mut config = Config::default();
    if let Some((path, text)) = files.iter().find(|(p, _)| p == "actuator-lint.toml" || p == ".actuator-lint.toml") {
        config = config::parse(text, path, &rules::names()).map_err(|e| e.into_iter().map(|e| e.message).collect::<Vec<_>>().join("; "))?;
    }
    let globs = |patterns: &[String]| -> Result<globset::GlobSet, String> {
        let mut b = globset::GlobSetBuilder::new();
        for p in patterns {
            b.add(globset::Glob::new(p).map_err(|e| e.to_string())?);
        }
        b.build().map_err(|e| e.to_string())
    };
    let logs = globs(&config.boot_log_globs())?;
    let metrics = globs(&config.boot_metric_globs())?;
    let mut sources = SourceSet::new();
    for (path, text) in files {
        let mut f = SourceFile::new(path.clone(), text.clone());
        let kind = crate::file_kind::classify(path);
        // As `discover`: named files are read whatever they hold, default places only when
        // they hold boot evidence.
        let named = |set: &Option<Vec<String>>| set.is_some();
        let wanted = |set: &Option<Vec<String>>| named(set) || (kind == FileKind::Other && crate::discover::is_boot_evidence(text));
        if logs.is_match(path) && wanted(&config.boot_logs) {
            f.kind = FileKind::BootLog {
                found: !named(&config.boot_logs),
            };
        } else if metrics.is_match(path) && wanted(&config.boot_metrics) {
            f.kind = FileKind::BootMetrics {
                found: !named(&config.boot_metrics),
            };
        }
        sources.add(f);
    }
    Ok((
        sources,
        Options {
            config,
            ..Options::default()
        },
    ))
}
