//! Small, format-preserving text edits shared by rules.

use crate::diagnostic::Edit;
use crate::source::{SourceFile, SourceSet, Span};

/// Byte offset of the start of the line containing `offset`.
pub fn line_start(f: &SourceFile, offset: u32) -> u32 {
    let lc = f.line_col(offset);
    f.line_range(lc.line).start
}

/// Offset just after the line break of the line containing `offset` (or end of text).
pub fn next_line_start(f: &SourceFile, offset: u32) -> u32 {
    let lc = f.line_col(offset);
    let r = f.line_range(lc.line);
    let bytes = f.text.as_bytes();
    let mut e = r.end as usize;
    if e < bytes.len() && bytes[e] == b'\r' {
        e += 1;
    }
    if e < bytes.len() && bytes[e] == b'\n' {
        e += 1;
    }
    e as u32
}

/// Column (in bytes) of `offset` within its line; YAML indentation is ASCII spaces.
pub fn column(f: &SourceFile, offset: u32) -> usize {
    (offset - line_start(f, offset)) as usize
}

/// The file's line break: CRLF, a lone CR (classic Mac, no LF anywhere), or LF.
pub fn newline(f: &SourceFile) -> &'static str {
    if f.text.contains("\r\n") {
        "\r\n"
    } else if f.text.contains('\r') && !f.text.contains('\n') {
        "\r"
    } else {
        "\n"
    }
}

/// Whether `text` ends with a line break of any kind.
pub fn ends_with_newline(text: &str) -> bool {
    text.ends_with(['\n', '\r'])
}

/// Inserts whole `lines` (each without a line break) before the line containing `offset`.
pub fn insert_lines_before(sources: &SourceSet, span: Span, lines: &[String]) -> Edit {
    let f = sources.get(span.file);
    let nl = newline(f);
    let at = line_start(f, span.start);
    let mut content = String::new();
    for l in lines {
        content.push_str(l);
        content.push_str(nl);
    }
    Edit {
        span: Span::empty(span.file, at),
        content,
    }
}

/// Inserts whole `lines` after the line containing `offset`.
pub fn insert_lines_after(sources: &SourceSet, span: Span, lines: &[String]) -> Edit {
    let f = sources.get(span.file);
    let nl = newline(f);
    let at = next_line_start(f, span.end);
    let mut content = String::new();
    // A last line without a line break needs one before ours.
    if at as usize == f.text.len() && !f.text.is_empty() && !ends_with_newline(&f.text) {
        content.push_str(nl);
    }
    for l in lines {
        content.push_str(l);
        content.push_str(nl);
    }
    Edit {
        span: Span::empty(span.file, at),
        content,
    }
}

/// Deletes the whole lines the span touches.
pub fn delete_lines(sources: &SourceSet, span: Span) -> Edit {
    let f = sources.get(span.file);
    let start = line_start(f, span.start);
    let end = next_line_start(f, span.end);
    Edit {
        span: Span::new(span.file, start..end),
        content: String::new(),
    }
}

pub fn replace(span: Span, content: impl Into<String>) -> Edit {
    Edit {
        span,
        content: content.into(),
    }
}

/// Appends lines at the end of the file, separated by a blank line.
pub fn append_block(sources: &SourceSet, file: crate::source::FileId, lines: &[String]) -> Edit {
    let f = sources.get(file);
    let nl = newline(f);
    let mut content = String::new();
    if !f.text.is_empty() {
        if !ends_with_newline(&f.text) {
            content.push_str(nl);
        }
        // A blank line before the block, unless there is one.
        if !f.text.ends_with(&format!("{nl}{nl}")) {
            content.push_str(nl);
        }
    }
    for l in lines {
        content.push_str(l);
        content.push_str(nl);
    }
    Edit {
        span: Span::empty(file, f.text.len() as u32),
        content,
    }
}
