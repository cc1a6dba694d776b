//! Output formats. Machine formats go to stdout (or `--output`); nothing else does.

pub mod concise;
pub mod github;
pub mod gitlab;
pub mod graph;
pub mod human;
pub mod json;
pub mod model;
pub mod model_json;
pub mod sarif;
pub mod statistics;
pub mod xml;

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceSet;

#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Reports with source snippets from every file involved, grouped by service
    Human,
    /// `path:line:column: severity[rule]: message`, one per line (editors, problem matchers)
    Concise,
    /// One JSON document (version 1)
    Json,
    /// SARIF 2.1.0 for GitHub code scanning and other SARIF viewers
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request)
    Github,
    /// GitLab Code Quality report (merge request widget)
    Gitlab,
    /// Checkstyle XML
    Checkstyle,
    /// JUnit XML
    Junit,
}

/// One linted root, as the multi-root renderers see it: paths are shown with `prefix`.
pub struct Input<'a> {
    pub sources: &'a SourceSet,
    pub report: &'a crate::report::Report,
    pub prefix: &'a str,
}

/// Text from the repository (a file name, a key, a label value) made safe for a text report:
/// control characters (a newline that would forge a `path:line:col:` line for a problem
/// matcher, an ESC that would drive the terminal) and the invisible bidirectional overrides
/// are written as escapes (`\n`, `\x1b`, `\u{202e}`). `keep_newlines` keeps `\n` for prose
/// that is laid out over several lines. JSON, SARIF and XML escape by their own rules.
pub fn escape_controls(text: &str, keep_newlines: bool) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && !(keep_newlines && c == '\n'))
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            _ if !unsafe_char(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Where a rule's documentation lives in the repository (SARIF `helpUri`, terminal links).
pub fn doc_url(rule: &str) -> String {
    format!("{}/blob/main/rules/{rule}.md", env!("CARGO_PKG_REPOSITORY").trim_end_matches('/'))
}

#[derive(Clone, Debug)]
pub struct RenderOptions {
    pub color: bool,
    pub width: usize,
    /// OSC-8 hyperlinks from rule names to their docs (terminals that support them).
    pub links: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            width: 100,
            links: false,
        }
    }
}

pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

pub fn counts(diags: &[Diagnostic]) -> Counts {
    let n = |s| diags.iter().filter(|d| d.severity == s).count();
    Counts {
        errors: n(Severity::Error),
        warnings: n(Severity::Warning),
        infos: n(Severity::Info),
    }
}

/// 1-based line/column of a span's start and end.
pub fn position(sources: &SourceSet, span: crate::source::Span) -> (u32, u32, u32, u32) {
    let (s, e) = sources.line_col(span);
    (s.line, s.column, e.line, e.column)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Messages name the other files of a finding by their root-relative path (`logs/x.log:27`);
/// the report names every file from the current directory (`prefix`, as ruff does). A
/// backticked token that is a file of the repository, optionally with `:line`, gets the same
/// prefix, so that a message points at the file the finding's own path would.
pub fn name_files_from_cwd(d: &mut Diagnostic, sources: &SourceSet, prefix: &str) {
    if prefix.is_empty() {
        return;
    }
    let rewrite = |text: &mut String| {
        let mut out = String::with_capacity(text.len());
        let mut parts = text.split('`');
        let mut changed = false;
        if let Some(first) = parts.next() {
            out.push_str(first);
        }
        for (i, part) in parts.enumerate() {
            out.push('`');
            // Odd segments (0-based i even) are inside backticks.
            let path = part.split_once(':').map_or(part, |(p, _)| p);
            if i % 2 == 0 && !path.is_empty() && sources.find(path).is_some() {
                out.push_str(prefix);
                changed = true;
            }
            out.push_str(part);
        }
        if changed {
            *text = out;
        }
    };
    rewrite(&mut d.message);
    if let Some(h) = d.help.as_mut() {
        rewrite(h);
    }
    for l in std::iter::once(&mut d.primary).chain(d.related.iter_mut()) {
        rewrite(&mut l.message);
    }
    if let Some(f) = d.fix.as_mut() {
        rewrite(&mut f.title);
    }
}

/// `3 errors, 1 warning in 2 of 6 services (41 files)`, `no problems in 6 services (41 files)`:
/// the service count is always of every service found, so that it means the same with and
/// without findings.
pub fn summary_line(report: &crate::report::Report) -> String {
    let c = counts(&report.diagnostics);
    let mut parts = vec![];
    if c.errors > 0 {
        parts.push(plural(c.errors, "error"));
    }
    if c.warnings > 0 {
        parts.push(plural(c.warnings, "warning"));
    }
    if c.infos > 0 {
        parts.push(plural(c.infos, "info"));
    }
    let mut svcs: Vec<&str> = report.diagnostics.iter().filter_map(|d| d.service.as_deref()).collect();
    svcs.sort();
    svcs.dedup();
    if parts.is_empty() {
        return format!(
            "no problems in {} ({})",
            plural(report.services, "service"),
            plural(report.files, "file")
        );
    }
    format!(
        "{} in {} of {} ({})",
        parts.join(", "),
        svcs.len(),
        plural(report.services, "service"),
        plural(report.files, "file")
    )
}

#[cfg(test)]
mod tests {
    use super::summary_line;
    use crate::diagnostic::{Diagnostic, Label, Severity};
    use crate::source::{FileId, Span};

    #[test]
    fn messages_name_other_files_as_the_report_does() {
        let mut sources = crate::source::SourceSet::new();
        let log = sources.add(crate::source::SourceFile::new("logs/order-service.log", "x".into()));
        let mut d = Diagnostic::new(
            "r",
            Severity::Error,
            "boot takes `161.4 s` (from `Started X` in `logs/order-service.log:27`); see `logs/other.log`",
            Label::new(Span::new(log, 0..1), "in `logs/order-service.log`"),
        )
        .help("edit `logs/order-service.log`");
        super::name_files_from_cwd(&mut d, &sources, "repo/");
        assert_eq!(
            d.message,
            "boot takes `161.4 s` (from `Started X` in `repo/logs/order-service.log:27`); see `logs/other.log`"
        );
        assert_eq!(d.help.as_deref(), Some("edit `repo/logs/order-service.log`"));
        assert_eq!(d.primary.message, "in `repo/logs/order-service.log`");
        let before = d.clone();
        super::name_files_from_cwd(&mut d, &sources, "");
        assert_eq!(d, before, "no prefix, no change");
    }

    #[test]
    fn the_service_count_means_the_same_with_and_without_findings() {
        let mut report = crate::Report {
            diagnostics: vec![],
            files: 58,
            services: 6,
            usage_errors: vec![],
            nothing_to_lint: false,
        };
        assert_eq!(summary_line(&report), "no problems in 6 services (58 files)");
        let finding =
            |service: &str| Diagnostic::new("r", Severity::Error, "m", Label::new(Span::new(FileId(0), 0..1), "")).service(Some(service));
        report.diagnostics = vec![finding("a"), finding("a"), finding("b")];
        assert_eq!(summary_line(&report), "3 errors in 2 of 6 services (58 files)");
    }
}
