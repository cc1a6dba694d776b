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
    let logs = globs(&config.boot_logs)?;
    let metrics = globs(&config.boot_metrics)?;
    let mut sources = SourceSet::new();
    for (path, text) in files {
        let mut f = SourceFile::new(path.clone(), text.clone());
        if logs.is_match(path) {
            f.kind = FileKind::BootLog;
        } else if metrics.is_match(path) {
            f.kind = FileKind::BootMetrics;
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
