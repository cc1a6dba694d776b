//! Applying fixes to texts in memory. Overlapping fixes are deferred (ruff's model): a fix is
//! taken whole or not at all, so a later pass can pick up what this one skipped.

use crate::diagnostic::Fix;
use crate::source::{FileId, SourceSet};
use std::collections::BTreeMap;

pub struct Applied {
    /// New text of every changed file.
    pub texts: BTreeMap<FileId, String>,
    pub applied: usize,
    pub deferred: usize,
    /// Indices (into the fixes given) of the fixes applied, in order.
    pub taken: Vec<usize>,
}

pub fn apply(sources: &SourceSet, fixes: &[&Fix]) -> Applied {
    let mut taken: Vec<(FileId, u32, u32)> = Vec::new();
    let mut accepted: Vec<&crate::diagnostic::Edit> = Vec::new();
    let (mut applied, mut deferred) = (0, 0);
    let mut taken_fixes = Vec::new();
    for (i, fix) in fixes.iter().enumerate() {
        let overlaps = fix.edits.iter().any(|e| {
            taken.iter().any(|(f, s, t)| {
                *f == e.span.file && {
                    // Two insertions at one point conflict too: their order would be arbitrary.
                    let (a, b) = (e.span.start, e.span.end);
                    (a < *t && *s < b) || a == *s
                }
            })
        });
        if overlaps {
            deferred += 1;
            continue;
        }
        for e in &fix.edits {
            taken.push((e.span.file, e.span.start, e.span.end));
            accepted.push(e);
        }
        applied += 1;
        taken_fixes.push(i);
    }
    let mut by_file: BTreeMap<FileId, Vec<&crate::diagnostic::Edit>> = BTreeMap::new();
    for e in accepted {
        by_file.entry(e.span.file).or_default().push(e);
    }
    let mut texts = BTreeMap::new();
    for (file, mut edits) in by_file {
        let f = sources.get(file);
        edits.sort_by_key(|e| (e.span.start, e.span.end));
        let mut out = String::with_capacity(f.text.len() + 64);
        let mut pos = 0usize;
        for e in edits {
            let s = f.clamp(e.span.start) as usize;
            let t = (f.clamp(e.span.end) as usize).max(s);
            if s < pos {
                continue;
            }
            out.push_str(&f.text[pos..s]);
            out.push_str(&e.content);
            pos = t;
        }
        out.push_str(&f.text[pos..]);
        texts.insert(file, out);
    }
    Applied {
        texts,
        applied,
        deferred,
        taken: taken_fixes,
    }
}

/// A copy of `sources` with some texts replaced (same ids, paths and kinds).
pub fn with_texts(sources: &SourceSet, texts: &BTreeMap<FileId, String>) -> SourceSet {
    let mut out = SourceSet::new();
    for (id, f) in sources.iter() {
        let text = texts.get(&id).cloned().unwrap_or_else(|| f.text.clone());
        out.add(f.with_text(text));
    }
    out
}

/// Unified diff of the changed files, `a/` and `b/` prefixed like git.
pub fn diff(sources: &SourceSet, texts: &BTreeMap<FileId, String>) -> String {
    let mut out = String::new();
    for (id, new) in texts {
        let f = sources.get(*id);
        // The BOM was stripped when the file was read and is written back by `--fix`; a hunk
        // touching line 1 must carry it too, or `git apply` finds no such line in the file.
        let bom = if f.had_bom { "\u{feff}" } else { "" };
        let (old, new) = (format!("{bom}{}", f.text), format!("{bom}{new}"));
        let d = similar::TextDiff::from_lines(old.as_str(), new.as_str());
        out.push_str(
            &d.unified_diff()
                .context_radius(2)
                .header(&format!("a/{}", f.path), &format!("b/{}", f.path))
                .to_string(),
        );
    }
    out
}
