//! YAML edits shared by the scrape rules.

use crate::diagnostic::Edit;
use crate::fix::edits;
use crate::source::{SourceSet, Span};

/// Inserts `key: value` as a sibling key of a block mapping, on a new line after the line of
/// `after` (a scalar entry of that mapping), at the mapping's key column (a list item's `- `
/// becomes spaces).
pub fn insert_sibling_key(sources: &SourceSet, mapping: Span, after: Span, line: &str) -> Edit {
    let f = sources.get(mapping.file);
    let col = edits::column(f, mapping.start);
    let text = f.line_text(f.line_col(mapping.start).line);
    let indent: String = text.chars().take(col).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
    edits::insert_lines_after(sources, after, &[format!("{indent}{line}")])
}
