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

/// Unified diff of the changed files, in the bytes `--fix` would write (BOM, encoding and line
/// endings as in the file), so that `git apply` applies it: paths are `{a}{path}` and
/// `{b}{path}` (`a/`, `b/` as git writes them). Lines are split at LF only, as git splits
/// them: a file with CR-only line endings is one line to git, and a hunk cut at a lone CR
/// would not apply.
pub fn diff(sources: &SourceSet, texts: &BTreeMap<FileId, String>, a: &str, b: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for (id, new) in texts {
        let f = sources.get(*id);
        let (old, new) = (crate::source::encode(f, &f.text), crate::source::encode(f, new));
        if old == new {
            continue;
        }
        let (old_bytes, new_bytes) = (old, new);
        let old: Vec<&[u8]> = old_bytes.split_inclusive(|&c| c == b'\n').collect();
        let new: Vec<&[u8]> = new_bytes.split_inclusive(|&c| c == b'\n').collect();
        let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &old, &new);
        out.extend_from_slice(format!("--- {a}{}\n+++ {b}{}\n", f.path, f.path).as_bytes());
        for group in similar::group_diff_ops(ops, 2) {
            let (first, last) = (group[0], group[group.len() - 1]);
            let range = |start: usize, end: usize| match end - start {
                1 => format!("{}", start + 1),
                0 => format!("{start},0"),
                n => format!("{},{n}", start + 1),
            };
            out.extend_from_slice(
                format!(
                    "@@ -{} +{} @@\n",
                    range(first.old_range().start, last.old_range().end),
                    range(first.new_range().start, last.new_range().end)
                )
                .as_bytes(),
            );
            for op in &group {
                for (tag, line) in op.iter_changes(&old, &new).map(|c| (c.tag(), c.value())) {
                    out.extend_from_slice(tag.to_string().as_bytes());
                    out.extend_from_slice(line);
                    if !line.ends_with(b"\n") {
                        out.extend_from_slice(b"\n\\ No newline at end of file\n");
                    }
                }
            }
        }
    }
    out
}
