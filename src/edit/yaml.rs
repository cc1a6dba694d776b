//! YAML edits: replacing a scalar, adding a sibling key, matching a line's indentation.

use super::text;
use crate::diagnostic::Edit;
use crate::parse::yaml::{Kind, Node};
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

/// The outermost YAML mapping of `span`'s file that starts where `span` starts (the model's
/// spans of a mapping and the parser's may end differently, never start so).
pub fn map_at(parsed: &[crate::parse::Parsed], span: Span) -> Option<&Node> {
    let crate::parse::Parsed::Yaml(docs) = parsed.get(span.file.0 as usize)? else {
        return None;
    };
    fn find(n: &Node, at: u32) -> Option<&Node> {
        if n.span.start == at && n.is_map() {
            return Some(n);
        }
        let children: Vec<&Node> = match &n.kind {
            Kind::Scalar(..) => return None,
            Kind::Seq(items) => items.iter().collect(),
            Kind::Map(entries) => entries.iter().flat_map(|(k, v)| [k, v]).collect(),
        };
        children
            .into_iter()
            .filter(|c| c.span.start <= at && at <= c.span.end)
            .find_map(|c| find(c, at))
    }
    docs.iter().find_map(|d| find(&d.root, span.start))
}

/// Adds `key: value` as the first key of the block mapping at `mapping` (a list item's mapping
/// keeps its `- `), when the mapping has no such key yet: a key written as a list or a map is
/// still that key, and a second one is a duplicate. None for a flow mapping (`{…}`) or when the
/// mapping cannot be found in the parsed file.
pub fn insert_first_key(sources: &SourceSet, parsed: &[crate::parse::Parsed], mapping: Span, key: &str, value: &str) -> Option<Edit> {
    let node = map_at(parsed, mapping)?;
    if !node.is_map() || node.flow || node.get(key).is_some() {
        return None;
    }
    let f = sources.get(mapping.file);
    let indent = indent_of(sources, mapping);
    let nl = text::newline(f);
    Some(text::replace(
        Span::empty(mapping.file, mapping.start),
        format!("{key}: {value}{nl}{indent}"),
    ))
}
