//! Stable fingerprints of findings, shared by the baseline and SARIF `partialFingerprints`.
//! A fingerprint is rule + path + the offending line's text (whitespace-normalised), so it
//! survives lines being inserted above, and changes when the line itself is edited.
//! FNV-1a is written out here because `std`'s hasher is not stable across Rust releases.

use crate::diagnostic::Diagnostic;
use crate::source::SourceSet;

fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0xff;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        for b in p.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The primary line's text with runs of whitespace collapsed (re-indenting keeps the baseline).
pub fn line_text(sources: &SourceSet, d: &Diagnostic) -> String {
    let f = sources.get(d.primary.span.file);
    let line = f.line_col(d.primary.span.start).line;
    f.line_text(line).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// 16 hex digits over rule, path (with the multi-root prefix) and line text.
pub fn of(sources: &SourceSet, d: &Diagnostic, prefix: &str) -> String {
    let path = format!("{prefix}{}", sources.path(d.primary.span.file));
    format!("{:016x}", fnv1a(&[d.rule, &path, &line_text(sources, d)]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Label, Severity};
    use crate::source::Span;

    fn diag_at(text: &str, needle: &str) -> (SourceSet, Diagnostic) {
        let mut s = SourceSet::new();
        let id = s.add_text("k8s/a.yaml", text);
        let at = text.find(needle).unwrap() as u32;
        let d = Diagnostic::new("r", Severity::Error, "m", Label::new(Span::new(id, at..at + 1), ""));
        (s, d)
    }

    #[test]
    fn robust_to_line_shifts_and_reindent_but_not_to_edits() {
        let (s1, d1) = diag_at("a: 1\nport: http\n", "port");
        let (s2, d2) = diag_at("# new comment\n\na: 1\n  port:   http\n", "port");
        let (s3, d3) = diag_at("a: 1\nport: web\n", "port");
        assert_eq!(of(&s1, &d1, ""), of(&s2, &d2, ""));
        assert_ne!(of(&s1, &d1, ""), of(&s3, &d3, ""));
        assert_eq!(of(&s1, &d1, "").len(), 16);
    }
}
