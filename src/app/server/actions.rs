//! Code actions (a finding's fix, a suppression comment, every safe fix of a document) and
//! hover (what a finding's rule checks and why).

use super::diagnostics;
use super::position::{offset, range, Encoding};
use super::root::Root;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::file_kind::FileKind;
use crate::source::{FileId, SourceSet};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Hover, HoverContents, MarkupContent, MarkupKind, Position, TextEdit, Url,
    WorkspaceEdit,
};
use std::collections::HashMap;

/// The kind of the "fix all safe fixes" action; editors ask for `source.fixAll` on save.
pub const FIX_ALL: &str = "source.fixAll.actuator-lint";

/// Whether an action of kind `ours` was asked for (`only` lists kinds and their parents).
fn wanted(only: Option<&[CodeActionKind]>, ours: &str) -> bool {
    only.is_none_or(|kinds| {
        kinds
            .iter()
            .any(|k| ours == k.as_str() || ours.strip_prefix(k.as_str()).is_some_and(|rest| rest.starts_with('.')))
    })
}

pub fn code_actions(
    root: &Root,
    file: FileId,
    start: Position,
    end: Position,
    only: Option<&[CodeActionKind]>,
    enc: Encoding,
) -> Vec<CodeActionOrCommand> {
    let Some(l) = &root.loaded else { return vec![] };
    let sources = l.inc.sources();
    let f = sources.get(file);
    let (s, e) = (offset(f, start, enc), offset(f, end, enc));
    let url_of = |id: FileId| root.url(sources.path(id));
    let mut out = Vec::new();
    let here: Vec<&Diagnostic> = l.report.diagnostics.iter().filter(|d| d.primary.span.file == file).collect();
    let touches = |span: crate::source::Span| span.file == file && span.start <= e && s <= span.end;
    // A finding's fix is offered at its other ends too (where its hint is shown); suppressing
    // it only where it is reported.
    let hit: Vec<&Diagnostic> = l
        .report
        .diagnostics
        .iter()
        .filter(|d| touches(d.primary.span) || d.related.iter().any(|r| touches(r.span)))
        .collect();
    for d in hit {
        let primary = touches(d.primary.span);
        let shown = diagnostics::convert(sources, d, enc, &url_of);
        if let Some(fix) = d
            .fix
            .as_ref()
            .filter(|f| f.applicability != Applicability::DisplayOnly && !f.edits.is_empty())
        {
            if wanted(only, CodeActionKind::QUICKFIX.as_str()) {
                let safe = fix.applicability == Applicability::Safe;
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: if safe {
                        capitalize(&fix.title)
                    } else {
                        format!("{} (unsafe fix: review the change)", capitalize(&fix.title))
                    },
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![shown.clone()]),
                    edit: workspace_edit(sources, &[fix], enc, &url_of),
                    is_preferred: Some(safe),
                    ..Default::default()
                }));
            }
        }
        if primary && wanted(only, CodeActionKind::QUICKFIX.as_str()) {
            if let Some(edit) = suppression(sources, d, enc) {
                let url = url_of(file);
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!("Suppress `{}` here with an `actuator-lint: allow` comment", d.rule),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![shown]),
                    edit: url.map(|u| WorkspaceEdit {
                        changes: Some(HashMap::from([(u, vec![edit])])),
                        ..Default::default()
                    }),
                    is_preferred: Some(false),
                    ..Default::default()
                }));
            }
        }
    }
    if wanted(only, FIX_ALL) {
        let safe: Vec<&Fix> = here
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .filter(|f| f.applicability == Applicability::Safe && !f.edits.is_empty())
            .collect();
        if !safe.is_empty() {
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: "Apply every safe actuator-lint fix in this file".to_string(),
                kind: Some(CodeActionKind::new(FIX_ALL)),
                edit: workspace_edit(sources, &safe, enc, &url_of),
                ..Default::default()
            }));
        }
    }
    out
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The fixes as one edit of every file they touch. A fix that overlaps one already taken is
/// left out whole (as `--fix` defers it): LSP forbids overlapping edits, and half a fix is
/// worse than none.
fn workspace_edit(sources: &SourceSet, fixes: &[&Fix], enc: Encoding, url_of: &dyn Fn(FileId) -> Option<Url>) -> Option<WorkspaceEdit> {
    let mut taken: Vec<&Edit> = Vec::new();
    for fix in fixes {
        let overlaps = fix.edits.iter().any(|e| {
            taken.iter().any(|t| {
                t.span.file == e.span.file && ((e.span.start < t.span.end && t.span.start < e.span.end) || e.span.start == t.span.start)
            })
        });
        if !overlaps {
            taken.extend(&fix.edits);
        }
    }
    let mut changes: HashMap<Url, Vec<TextEdit>> = HashMap::new();
    for e in taken {
        let url = url_of(e.span.file)?;
        let f = sources.get(e.span.file);
        changes.entry(url).or_default().push(TextEdit {
            range: range(f, e.span.start, e.span.end, enc),
            new_text: e.content.clone(),
        });
    }
    (!changes.is_empty()).then(|| WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    })
}

/// `actuator-lint: allow(rule) -- reason` above the reported line, in the file's comment
/// syntax; added to such a comment when the line above already is one. None where the file
/// has no comments (JSON) or the finding is about a suppression itself.
fn suppression(sources: &SourceSet, d: &Diagnostic, enc: Encoding) -> Option<TextEdit> {
    if d.rule == "unused-suppression" {
        return None;
    }
    let f = sources.get(d.primary.span.file);
    let (open, close) = match f.kind {
        FileKind::GradleSettings { .. } | FileKind::GradleBuild { .. } | FileKind::JvmSource => ("// ", ""),
        FileKind::MavenPom => ("<!-- ", " -->"),
        FileKind::Json | FileKind::BootLog { .. } | FileKind::BootMetrics { .. } | FileKind::StaticResource | FileKind::Other => {
            return None
        }
        _ => ("# ", ""),
    };
    let line = f.line_col(d.primary.span.start).line;
    let marker = "actuator-lint: allow(";
    if line > 1 {
        let above = f.line_text(line - 1);
        if let Some(at) = above.find(marker) {
            let before = above[..at].trim();
            if before.chars().all(|c| "#/!*<-".contains(c)) {
                let close_at = above[at..].find(')')? + at;
                let start = f.line_range(line - 1).start + close_at as u32;
                return Some(TextEdit {
                    range: range(f, start, start, enc),
                    new_text: format!(", {}", d.rule),
                });
            }
        }
    }
    let text = f.line_text(line);
    if f.kind == FileKind::MavenPom && text.trim_start().starts_with("<?xml") {
        return None;
    }
    let indent = f.indent_at(d.primary.span.start);
    let start = f.line_range(line).start;
    Some(TextEdit {
        range: range(f, start, start, enc),
        new_text: format!("{indent}{open}{marker}{}) -- reason{close}\n", d.rule),
    })
}

/// What the rules found here (each finding's rule, summary and why), then the facts about
/// what is under the cursor: a probe, a scrape.
pub fn hover(root: &Root, file: FileId, at: Position, enc: Encoding) -> Option<Hover> {
    let l = root.loaded.as_ref()?;
    let sources = l.inc.sources();
    let f = sources.get(file);
    let o = offset(f, at, enc);
    let hits: Vec<&Diagnostic> = l
        .report
        .diagnostics
        .iter()
        .filter(|d| {
            std::iter::once(&d.primary)
                .chain(&d.related)
                .any(|l| l.span.file == file && l.span.start <= o && o <= l.span.end)
        })
        .collect();
    let mut text = String::new();
    for d in &hits {
        if !text.is_empty() {
            text.push_str("\n\n---\n\n");
        }
        match crate::rules::by_name(d.rule) {
            Some(rule) => {
                let meta = rule.meta();
                text.push_str(&format!(
                    "**`{}`** ({}): {}\n\n{}",
                    meta.name,
                    d.severity.as_str(),
                    meta.summary,
                    d.message
                ));
                if let Some(why) = section(meta.doc, "## Why") {
                    text.push_str(&format!("\n\n**Why:** {why}"));
                }
                text.push_str(&format!("\n\n[Rule documentation]({})", crate::render::doc_url(meta.name)));
            }
            None => text.push_str(&format!("**`{}`**: {}", d.rule, d.message)),
        }
    }
    let facts = l.inc.analysis().and_then(|(ws, links)| {
        let cx = super::hover::Cx {
            sources,
            ws,
            links,
            options: &l.options,
        };
        super::hover::facts(&cx, file, o)
    });
    let span = match (hits.first(), &facts) {
        (Some(d), _) if d.primary.span.file == file => Some(d.primary.span),
        (Some(_), _) => None,
        (None, Some((_, span))) => Some(*span),
        (None, None) => return None,
    };
    if let Some((shown, _)) = facts {
        if !text.is_empty() {
            text.push_str("\n\n---\n\n");
        }
        text.push_str(shown.trim_end());
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text,
        }),
        range: span.filter(|s| s.file == file).map(|s| range(f, s.start, s.end, enc)),
    })
}

/// The first paragraph of the doc's section whose heading starts with `heading`.
fn section<'a>(doc: &'a str, heading: &str) -> Option<&'a str> {
    let start = doc.find(&format!("\n{heading}"))? + 1;
    let body = &doc[start..];
    let body = &body[body.find('\n')? + 1..];
    let body = body.trim_start_matches('\n');
    let end = body.find("\n\n").unwrap_or(body.len());
    let para = body[..end].trim();
    (!para.is_empty() && !para.starts_with('#')).then_some(para)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Label, Severity};
    use crate::source::Span;

    fn suppress(path: &str, text: &str, at: &str) -> Option<String> {
        let mut s = SourceSet::new();
        let id = s.add_text(path, text);
        let start = text.find(at).unwrap() as u32;
        let d = Diagnostic::new(
            "metrics-port-mismatch",
            Severity::Error,
            "m",
            Label::new(Span::new(id, start..start + 3), ""),
        );
        let e = suppression(&s, &d, Encoding::Utf16)?;
        let f = s.get(id);
        let o = offset(f, e.range.start, Encoding::Utf16) as usize;
        Some(format!("{}{}{}", &text[..o], e.new_text, &text[o..]))
    }

    #[test]
    fn suppression_comments_in_each_syntax() {
        assert_eq!(
            suppress("k.yaml", "spec:\n  port: 9090\n", "port").unwrap(),
            "spec:\n  # actuator-lint: allow(metrics-port-mismatch) -- reason\n  port: 9090\n"
        );
        assert_eq!(
            suppress("pom.xml", "<project>\n  <x/>\n</project>\n", "<x/>").unwrap(),
            "<project>\n  <!-- actuator-lint: allow(metrics-port-mismatch) -- reason -->\n  <x/>\n</project>\n"
        );
        // The line above already suppresses another rule: this one joins it.
        assert_eq!(
            suppress("k.yaml", "spec:\n  # actuator-lint: allow(a) -- why\n  port: 9090\n", "port").unwrap(),
            "spec:\n  # actuator-lint: allow(a, metrics-port-mismatch) -- why\n  port: 9090\n"
        );
        assert_eq!(suppress("targets.json", "[{\"targets\": []}]\n", "targets"), None);
    }
}
