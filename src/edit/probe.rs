//! Edits to what a probe requests: a scalar of its `httpGet`, a key it lacks, or the URL text
//! of a `curl`/`wget` in an `exec` probe.

use super::{text, yaml};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::link::probes::Place;
use crate::source::{SourceSet, Span};

/// Writes `value` at `place`, or nothing where the text cannot be edited.
pub fn write(sources: &SourceSet, place: &Place, value: &str) -> Option<Edit> {
    match place {
        Place::Scalar(span) => {
            let raw = sources.text(*span);
            let quoted = raw.len() >= 2 && (raw.starts_with('"') || raw.starts_with('\'')) && raw.ends_with(&raw[..1]);
            // A port number must be an integer, not a quoted string.
            if quoted && value.parse::<i64>().is_err() {
                Some(text::replace(Span::new(span.file, span.start + 1..span.end - 1), value))
            } else {
                Some(text::replace(*span, value))
            }
        }
        Place::Text(span) => Some(text::replace(*span, value)),
        Place::Insert { mapping, key, .. } => {
            let indent = yaml::indent_of(sources, *mapping);
            Some(text::insert_lines_before(sources, *mapping, &[format!("{indent}{key}: {value}")]))
        }
        Place::InsertText { at, before, after } => Some(text::replace(*at, format!("{before}{value}{after}"))),
        Place::Fixed(_) => None,
    }
}

/// The fix that writes `value` at `place`; unsafe, as every change to what a probe checks is.
pub fn fix(sources: &SourceSet, place: &Place, value: &str, title: String) -> Option<Fix> {
    write(sources, place, value).map(|e| Fix {
        title,
        applicability: Applicability::Unsafe,
        edits: vec![e],
    })
}
