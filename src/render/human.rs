//! miette's graphical report. Our `Diagnostic` stays ours; this adapter is the only place that
//! knows miette. A miette diagnostic has one source, so labels in other files are rendered as
//! related diagnostics, each with its own snippet (zkat/miette#193).

use super::escape_controls;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceSet, Span};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use std::fmt;

struct Adapter {
    message: String,
    code: Option<String>,
    url: Option<String>,
    severity: miette::Severity,
    help: Option<String>,
    source: NamedSource<Window>,
    labels: Vec<LabeledSpan>,
    related: Vec<Adapter>,
}

impl fmt::Debug for Adapter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Adapter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Adapter {}

impl miette::Diagnostic for Adapter {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code.as_ref().map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.url.as_ref().map(|u| Box::new(u) as Box<dyn fmt::Display>)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn miette::Diagnostic)))
    }
}

fn severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

/// The lines around `spans` (all in one file), for one snippet. miette scans its source from
/// the start for every label, so handing it whole files costs file size × findings.
struct Window {
    text: String,
    /// Byte offset and 0-based line of `text` in the file.
    offset: usize,
    line: usize,
    /// Chars of the first line cut off before `text` (a label far into a long line).
    column: usize,
}

impl miette::SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let start = span.offset().checked_sub(self.offset).ok_or(miette::MietteError::OutOfBounds)?;
        let inner = self.text.read_span(&(start, span.len()).into(), before, after)?;
        Ok(Box::new(miette::MietteSpanContents::new(
            inner.data(),
            (inner.span().offset() + self.offset, inner.span().len()).into(),
            inner.line() + self.line,
            inner.column() + if inner.line() == 0 { self.column } else { 0 },
            // miette counts the lines it scanned from the start of its source, and merges
            // snippets by that count: as if the window were the whole file.
            inner.line_count() + self.line,
        )))
    }
}

/// Lines kept around the labels: more than the one line of context miette shows.
const WINDOW_MARGIN: u32 = 3;

/// A line is cut where it runs on this far (in bytes) before or after the labels, to
/// `LINE_CONTEXT` bytes: miette pads a label to its column (a column past 65,535 panics), and
/// prints every line of a snippet whole (a 16 MiB one-line file once per finding).
const LONG_LINE: usize = 512;
const LINE_CONTEXT: usize = 80;

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

fn source(sources: &SourceSet, spans: &[Span], prefix: &str) -> NamedSource<Window> {
    let f = sources.get(spans[0].file);
    let first = spans.iter().map(|s| f.line_col(s.start).line).min().unwrap_or(1);
    let last = spans.iter().map(|s| f.line_col(s.end).line).max().unwrap_or(1);
    let first = first.saturating_sub(WINDOW_MARGIN).max(1);
    let last = last + WINDOW_MARGIN;
    let mut start = f.line_range(first).start as usize;
    let mut end = if (last as usize) < f.line_count() {
        f.line_range(last + 1).start as usize
    } else {
        f.text.len()
    };
    let (mut first, mut column) = (first, 0);
    let lo = spans.iter().map(|s| f.clamp(s.start) as usize).min().unwrap_or(0);
    let hi = spans.iter().map(|s| f.clamp(s.end) as usize).max().unwrap_or(0).max(lo);
    let lo_line = f.line_col(lo as u32).line;
    let lo_line_start = f.line_range(lo_line).start as usize;
    if lo - lo_line_start > LONG_LINE {
        let cut = floor_boundary(&f.text, lo - LINE_CONTEXT);
        column = f.text[lo_line_start..cut].chars().count();
        (start, first) = (cut, lo_line);
    }
    let hi_line_end = f.line_range(f.line_col(hi as u32).line).end as usize;
    if hi_line_end.saturating_sub(hi) > LONG_LINE {
        end = ceil_boundary(&f.text, hi + LINE_CONTEXT);
    }
    // Control characters from the repository (a log's ANSI colours) must not reach the
    // terminal; one byte for one byte keeps every span valid.
    let text: String = f.text[start..end]
        .chars()
        .map(|c| {
            if c.is_control() && !matches!(c, '\n' | '\r' | '\t') && c.is_ascii() {
                '?'
            } else {
                c
            }
        })
        .collect();
    let window = Window {
        text,
        offset: start,
        line: first as usize - 1,
        column,
    };
    NamedSource::new(escape_controls(&format!("{prefix}{}", f.path), false), window)
}

fn labeled(sources: &SourceSet, span: Span, label: &str, primary: bool) -> LabeledSpan {
    let f = sources.get(span.file);
    let s = f.clamp(span.start) as usize;
    let e = (f.clamp(span.end) as usize).max(s);
    let label = (!label.is_empty()).then(|| escape_controls(label, false).into_owned());
    if primary {
        LabeledSpan::new_primary_with_span(label, (s, e - s))
    } else {
        LabeledSpan::new_with_span(label, (s, e - s))
    }
}

/// Greedy word wrap by display width (a CJK character or an emoji takes two columns), breaking
/// only at spaces: rule names, paths and property names keep their hyphens and dots. miette's
/// own wrapping also re-wraps nested snippets (long log lines then break mid-line), so prose is
/// wrapped here and miette's is off.
fn wrap(text: &str, width: usize) -> String {
    let options = textwrap::Options::new(width)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .wrap_algorithm(textwrap::WrapAlgorithm::FirstFit)
        .break_words(false);
    textwrap::wrap(text, options).join("\n")
}

fn adapt(sources: &SourceSet, d: &Diagnostic, prefix: &str, opts: &super::RenderOptions) -> Adapter {
    let width = opts.width;
    let file = d.primary.span.file;
    let mut labels = vec![labeled(sources, d.primary.span, &d.primary.message, true)];
    let mut same_file = vec![d.primary.span];
    let mut related = Vec::new();
    for r in &d.related {
        if r.span.file == file {
            same_file.push(r.span);
            labels.push(labeled(sources, r.span, &r.message, false));
        } else {
            related.push(Adapter {
                message: wrap(&escape_controls(&r.message, true), width.saturating_sub(12).max(40)),
                code: None,
                url: None,
                severity: miette::Severity::Advice,
                help: None,
                source: source(sources, &[r.span], prefix),
                labels: vec![labeled(sources, r.span, "", false)],
                related: vec![],
            });
        }
    }
    let mut help = d.help.clone();
    if let Some(fix) = &d.fix {
        let how = match fix.applicability {
            crate::diagnostic::Applicability::Safe => "fix",
            crate::diagnostic::Applicability::Unsafe => "unsafe fix",
            crate::diagnostic::Applicability::DisplayOnly => "suggestion",
        };
        let line = format!("{how}: {}", fix.title);
        help = Some(match help {
            Some(h) => format!("{h}\n{line}"),
            None => line,
        });
    }
    Adapter {
        message: wrap(&escape_controls(&d.message, true), width.saturating_sub(4).max(40)),
        code: Some(d.rule.to_string()),
        // Only for real rules: `config` errors have no doc page.
        url: (opts.links && crate::rules::by_name(d.rule).is_some()).then(|| super::doc_url(d.rule)),
        severity: severity(d.severity),
        help: help.map(|h| wrap(&escape_controls(&h, true), width.saturating_sub(8).max(40))),
        source: source(sources, &same_file, prefix),
        labels,
        related,
    }
}

pub fn handler(opts: &super::RenderOptions) -> GraphicalReportHandler {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width)
        .with_links(opts.links)
        .with_link_display_text("")
        .with_show_related_as_nested(true)
        .with_wrap_lines(false)
}

pub fn render_one(sources: &SourceSet, d: &Diagnostic, opts: &super::RenderOptions, prefix: &str) -> String {
    let mut out = String::new();
    let a = adapt(sources, d, prefix, opts);
    if handler(opts).render_report(&mut out, &a).is_err() {
        out = format!("{}[{}]: {}\n", d.severity.as_str(), d.rule, escape_controls(&d.message, false));
    }
    out
}

/// The findings grouped by service (services by name, findings without one last), each group
/// under a heading when they concern more than one group; within a group, in report order.
pub fn render_findings(sources: &SourceSet, diags: &[Diagnostic], opts: &super::RenderOptions, prefix: &str) -> String {
    let mut groups: Vec<Option<&str>> = diags.iter().map(|d| d.service.as_deref()).collect();
    groups.sort_by_key(|g| (g.is_none(), *g));
    groups.dedup();
    let mut out = String::new();
    for g in &groups {
        let members: Vec<&Diagnostic> = diags.iter().filter(|d| d.service.as_deref() == *g).collect();
        if groups.len() > 1 {
            let owned: Vec<Diagnostic> = members.iter().map(|d| (*d).clone()).collect();
            let c = super::counts(&owned);
            let mut parts = vec![];
            for (n, w) in [(c.errors, "error"), (c.warnings, "warning"), (c.infos, "info")] {
                if n > 0 {
                    parts.push(format!("{n} {w}{}", if n == 1 { "" } else { "s" }));
                }
            }
            let title = format!(
                "── {} ({}) ",
                escape_controls(g.unwrap_or("other findings"), false),
                parts.join(", ")
            );
            let pad = opts.width.min(100).saturating_sub(title.chars().count());
            let line = format!("{title}{}", "─".repeat(pad));
            if opts.color {
                out.push_str(&format!("\u{1b}[1m{line}\u{1b}[0m\n\n"));
            } else {
                out.push_str(&format!("{line}\n\n"));
            }
        }
        for d in members {
            out.push_str(&render_one(sources, d, opts, prefix));
            out.push('\n');
        }
    }
    out
}

pub fn render(sources: &SourceSet, report: &crate::report::Report, opts: &super::RenderOptions) -> String {
    let mut out = render_findings(sources, &report.diagnostics, opts, "");
    out.push_str(&super::summary_line(report));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn wraps_by_display_width_at_spaces_only() {
        // Each `漢字` is four columns wide though two characters long.
        let text = "漢字 漢字 漢字 漢字 done";
        assert_eq!(super::wrap(text, 10), "漢字 漢字\n漢字 漢字\ndone");
        // Hyphens and dots never break: a rule or property name stays whole.
        let text = "see liveness-budget-too-short and management.endpoints.web.exposure.include";
        assert_eq!(
            super::wrap(text, 30),
            "see liveness-budget-too-short\nand\nmanagement.endpoints.web.exposure.include"
        );
        assert_eq!(super::wrap("a\nb c", 80), "a\nb c", "line breaks are kept");
    }
}
