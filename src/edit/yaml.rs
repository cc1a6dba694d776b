//! YAML edits: replacing a scalar, adding a sibling key, matching a line's indentation.

use super::text;
use crate::diagnostic::Edit;
use crate::source::{SourceSet, Span};

/// Replaces a YAML scalar's text, keeping its quotes.
pub fn replace_scalar(sources: &SourceSet, span: Span, value: &str) -> Edit {
    let raw = sources.text(span);
    let quoted = raw.len() >= 2 && ((raw.starts_with('"') && raw.ends_with('"')) || (raw.starts_with('\'') && raw.ends_with('\'')));
    if quoted {
        text::replace(Span::new(span.file, span.start + 1..span.end - 1), value)
    } else {
        text::replace(span, value)
    }
}

/// Inserts `key: value` as a sibling key of a block mapping, on a new line after the line of
/// `after` (a scalar entry of that mapping), at the mapping's key column (a list item's `- `
/// becomes spaces).
pub fn insert_sibling_key(sources: &SourceSet, mapping: Span, after: Span, line: &str) -> Edit {
    let f = sources.get(mapping.file);
    let col = text::column(f, mapping.start);
    let text = f.line_text(f.line_col(mapping.start).line);
    let indent: String = text.chars().take(col).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
    super::text::insert_lines_after(sources, after, &[format!("{indent}{line}")])
}

/// Indentation of the line holding `span`, with a list dash counted as a space.
pub fn indent_of(sources: &SourceSet, span: Span) -> String {
    let f = sources.get(span.file);
    let col = text::column(f, span.start);
    f.line_text(f.line_col(span.start).line)
        .chars()
        .take(col)
        .map(|c| if c == '-' { ' ' } else { c })
        .collect()
}
