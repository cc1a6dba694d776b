//! One workspace folder: its sources in memory (disk, with the editor's unsaved buffers laid
//! over), the last report, and the diagnostics it yields per document.

use super::diagnostics;
use super::position::Encoding;
use crate::app::prepare::prepare_with;
use crate::cli::CommonArgs;
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::file_kind::FileKind;
use crate::incremental::Incremental;
use crate::source::{FileId, SourceFile, SourceSet, Span};
use crate::{config, discover, rules, Options, Report};
use lsp_types::Url;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub struct Root {
    pub dir: PathBuf,
    pub loaded: Option<Loaded>,
    /// Re-read from disk before the next lint (configuration changed, a file appeared).
    pub reload: bool,
    /// A source changed since the last lint.
    pub dirty: bool,
    /// What the last lint yields, per document.
    pub diagnostics: HashMap<Url, Vec<lsp_types::Diagnostic>>,
}

pub struct Loaded {
    pub inc: Incremental,
    pub options: Options,
    pub report: Report,
    /// Errors in `actuator-lint.toml` (the defaults are linted with meanwhile), against a
    /// source of their own so that they are positioned like any diagnostic.
    config_errors: Option<(SourceSet, Vec<Diagnostic>)>,
}

/// The open documents' texts, by path.
pub type Buffers = HashMap<PathBuf, String>;

impl Root {
    pub fn new(dir: PathBuf) -> Root {
        Root {
            dir,
            loaded: None,
            reload: true,
            dirty: true,
            diagnostics: HashMap::new(),
        }
    }

    pub fn rel(&self, path: &Path) -> Option<String> {
        path.strip_prefix(&self.dir).ok().map(|r| discover::rel_path(r, Path::new("")))
    }

    pub fn url(&self, rel: &str) -> Option<Url> {
        Url::from_file_path(self.dir.join(rel)).ok()
    }

    /// The file of the loaded set at `path`, if the linter reads it.
    pub fn file(&self, path: &Path) -> Option<FileId> {
        let rel = self.rel(path)?;
        self.loaded.as_ref()?.inc.sources().find(&rel)
    }

    /// A document's text changed (or was closed: `text` is then the disk's). What that
    /// takes: nothing (a file the linter does not read), a re-parse of the one file, or, for
    /// the configuration or a file the last walk did not load, a reload.
    pub fn changed(&mut self, path: &Path, text: Option<String>, may_reload: bool) {
        let Some(rel) = self.rel(path) else { return };
        if FileKind::LintConfig == crate::file_kind::classify(&rel) {
            self.reload = true;
            return;
        }
        match (self.loaded.as_mut(), text) {
            (Some(l), Some(text)) => match l.inc.sources().find(&rel) {
                Some(id) => self.dirty |= l.inc.set_text(id, text),
                None => self.reload |= may_reload && crate::file_kind::classify(&rel) != FileKind::Other,
            },
            _ => self.reload |= may_reload,
        }
    }

    /// Reloads if needed, lints if anything changed, and recomputes `diagnostics`. Returns
    /// whether they may have changed.
    pub fn refresh(&mut self, common: &CommonArgs, buffers: &Buffers, enc: Encoding) -> Result<bool, String> {
        if self.reload {
            self.reload = false;
            self.dirty = false;
            self.loaded = None;
            self.diagnostics.clear();
            let loaded = load(&self.dir, common, buffers)?;
            self.loaded = Some(loaded);
        } else if self.dirty {
            self.dirty = false;
            if let Some(l) = self.loaded.as_mut() {
                l.report = crate::timed("server lint", || l.inc.lint(&l.options));
            }
        } else {
            return Ok(false);
        }
        self.diagnostics = self.convert(enc);
        Ok(true)
    }

    fn convert(&self, enc: Encoding) -> HashMap<Url, Vec<lsp_types::Diagnostic>> {
        let mut out: HashMap<Url, Vec<lsp_types::Diagnostic>> = HashMap::new();
        let Some(l) = &self.loaded else { return out };
        let sources = l.inc.sources();
        let url_of = |id: FileId| self.url(sources.path(id));
        for d in &l.report.diagnostics {
            if let Some(url) = url_of(d.primary.span.file) {
                out.entry(url).or_default().push(diagnostics::convert(sources, d, enc, &url_of));
            }
            for (url, mirror) in diagnostics::mirrors(sources, d, enc, &url_of) {
                out.entry(url).or_default().push(mirror);
            }
        }
        if let Some((set, errors)) = &l.config_errors {
            let url_of = |id: FileId| self.url(set.path(id));
            for d in errors {
                if let Some(url) = url_of(d.primary.span.file) {
                    out.entry(url).or_default().push(diagnostics::convert(set, d, enc, &url_of));
                }
            }
        }
        out
    }
}

fn load(dir: &Path, common: &CommonArgs, buffers: &Buffers) -> Result<Loaded, String> {
    let read = |p: &Path| buffers.get(p).cloned().or_else(|| std::fs::read_to_string(p).ok());
    let config_path = match &common.config {
        Some(p) => Some(dir.join(p)),
        None => ["actuator-lint.toml", ".actuator-lint.toml"]
            .iter()
            .map(|n| dir.join(n))
            .find(|p| p.is_file() || buffers.contains_key(p)),
    };
    let mut config = config::Config::default();
    let mut config_errors = None;
    let mut config_source = None;
    if let Some(p) = &config_path {
        let text = read(p).ok_or_else(|| format!("cannot read `{}`", p.display()))?;
        let shown = discover::rel_path(p, dir);
        match config::parse(&text, &shown, &rules::names()) {
            Ok(c) => config = c,
            Err(errors) => {
                let mut set = SourceSet::new();
                let id = set.add(SourceFile::new(shown.clone(), text.clone()));
                let diags = errors
                    .into_iter()
                    .map(|e| {
                        let mut d = Diagnostic::new("config", Severity::Error, e.message, Label::new(Span::new(id, e.span), ""));
                        d.help = e.help.map(|h| format!("{h} (the defaults are used until this is fixed)"));
                        d
                    })
                    .collect();
                config_errors = Some((set, diags));
            }
        }
        config_source = Some((shown, text));
    }
    // The configuration is read above (from the buffer when open), not again by `prepare`.
    let common = CommonArgs {
        config: None,
        ..common.clone()
    };
    let mut p = prepare_with(dir, &common, Some(config), &[])
        .map_err(|_| format!("cannot lint `{}` (the server's standard error says why)", dir.display()))?;
    if let Some((shown, text)) = config_source {
        if p.sources.find(&shown).is_none() {
            let mut f = SourceFile::new(shown, text);
            f.kind = FileKind::LintConfig;
            p.sources.add(f);
        }
    }
    let overlaid: Vec<(FileId, String)> = buffers
        .iter()
        .filter_map(|(path, text)| {
            let rel = path.strip_prefix(dir).ok().map(|r| discover::rel_path(r, Path::new("")))?;
            Some((p.sources.find(&rel)?, text.clone()))
        })
        .collect();
    for (id, text) in overlaid {
        p.sources.set_text(id, text);
    }
    let mut inc = crate::timed("server load", || Incremental::new(p.sources, &p.options));
    let report = inc.lint(&p.options);
    Ok(Loaded {
        inc,
        options: p.options,
        report,
        config_errors,
    })
}
