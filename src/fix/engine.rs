//! `--fix`: apply fixes, re-lint, repeat until nothing changes (bounded). Pure: texts in,
//! texts out; writing them is `write`. A fix is taken whole or not at all: when one of the
//! files it touches would stop parsing, the fix is dropped (and never retried), so a fixed
//! file always re-parses and a fix spanning several files is never half applied.

use super::apply::{apply, with_texts};
use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::source::{FileId, SourceSet};
use crate::{Options, Report};
use std::collections::{BTreeMap, BTreeSet};

/// Enough for chains like "add the block, then the entry it makes room for"; a fixture that
/// needs more is a bug in a fix (the fixture harness converges in ≤ 5).
pub const MAX_PASSES: usize = 10;

pub struct Fixed {
    /// New text of every file that differs from the original.
    pub texts: BTreeMap<FileId, String>,
    /// The sources with those texts, and the lint report of that final state.
    pub sources: SourceSet,
    pub report: Report,
    /// Fixes applied over all passes.
    pub applied: usize,
    pub passes: usize,
    /// Fixes dropped because a file they touch did not parse before or would not after:
    /// (fix title, file path, why).
    pub rejected: Vec<(String, String, &'static str)>,
    /// The last pass still had fixes to apply.
    pub converged: bool,
}

pub fn allowed(f: &Fix, unsafe_fixes: bool) -> bool {
    match f.applicability {
        Applicability::Safe => true,
        Applicability::Unsafe => unsafe_fixes,
        Applicability::DisplayOnly => false,
    }
}

/// Parse failures per file of `files` (each parsed alone: parsing is per file).
fn failures(sources: &SourceSet, files: &[FileId], options: &Options) -> BTreeMap<FileId, usize> {
    let mut set = SourceSet::new();
    for id in files {
        let f = sources.get(*id);
        set.add(f.with_text(f.text.clone()));
    }
    let (_, errs) = crate::parse::parse_all(&set, &options.limits);
    let mut out: BTreeMap<FileId, usize> = files.iter().map(|f| (*f, 0)).collect();
    for e in errs {
        *out.entry(files[e.file.0 as usize]).or_default() += 1;
    }
    out
}

fn key(f: &Fix) -> (String, Vec<FileId>) {
    (f.title.clone(), f.edits.iter().map(|e| e.span.file).collect())
}

/// Runs the fix loop from `first` (the report of `original`). `wanted` picks the diagnostics
/// whose fixes may be applied (e.g. not the baselined ones).
pub fn run(
    original: &SourceSet,
    options: &Options,
    first: Report,
    unsafe_fixes: bool,
    wanted: &dyn Fn(&SourceSet, &Diagnostic) -> bool,
) -> Fixed {
    let mut texts: BTreeMap<FileId, String> = BTreeMap::new();
    let mut sources = with_texts(original, &texts);
    let mut current = first;
    let mut rejected_keys: BTreeSet<(String, Vec<FileId>)> = BTreeSet::new();
    let mut rejected = Vec::new();
    let (mut applied_total, mut passes, mut converged) = (0, 0, true);
    loop {
        let mut candidates: Vec<&Fix> = current
            .diagnostics
            .iter()
            .filter(|d| wanted(&sources, d))
            .filter_map(|d| d.fix.as_ref())
            .filter(|f| allowed(f, unsafe_fixes) && !f.edits.is_empty() && !rejected_keys.contains(&key(f)))
            .collect();
        if candidates.is_empty() {
            break;
        }
        if passes == MAX_PASSES {
            converged = false;
            break;
        }
        passes += 1;
        let outcome = loop {
            let a = apply(&sources, &candidates);
            if a.applied == 0 {
                break None;
            }
            let changed: Vec<FileId> = a.texts.keys().copied().collect();
            let next = with_texts(original, &texts.clone().into_iter().chain(a.texts.clone()).collect());
            let before = failures(&sources, &changed, options);
            let after = failures(&next, &changed, options);
            // Every file a fix touches must parse before and after: an edit placed by a model of
            // a file that did not parse is a guess (it appends a block per pass, or lands in
            // the middle of something the parser never understood).
            let broken: Vec<FileId> = changed.iter().copied().filter(|f| after[f] > 0 || before[f] > 0).collect();
            if broken.is_empty() {
                break Some((a, next));
            }
            for f in candidates.iter().filter(|f| f.edits.iter().any(|e| broken.contains(&e.span.file))) {
                if rejected_keys.insert(key(f)) {
                    let file = f
                        .edits
                        .iter()
                        .map(|e| e.span.file)
                        .find(|id| broken.contains(id))
                        .unwrap_or(broken[0]);
                    let why = if before[&file] > 0 {
                        "does not parse, so no fix is applied to it"
                    } else {
                        "would no longer parse"
                    };
                    rejected.push((f.title.clone(), original.path(file).to_string(), why));
                }
            }
            candidates.retain(|f| !f.edits.iter().any(|e| broken.contains(&e.span.file)));
            if candidates.is_empty() {
                break None;
            }
        };
        let Some((a, next)) = outcome else { break };
        // Edits that reproduce the current text change nothing: stop rather than loop.
        if a.texts.iter().all(|(id, t)| sources.get(*id).text == *t) {
            break;
        }
        applied_total += a.applied;
        texts.extend(a.texts);
        sources = next;
        current = crate::lint(&sources, options);
    }
    texts.retain(|id, t| original.get(*id).text != *t);
    Fixed {
        texts,
        sources,
        report: current,
        applied: applied_total,
        passes,
        rejected,
        converged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Edit, Label, Severity};
    use crate::source::Span;

    #[test]
    fn a_fix_that_breaks_a_file_is_dropped_whole() {
        let mut s = SourceSet::new();
        let a = s.add_text("k8s/a.yaml", "a: 1\n");
        let b = s.add_text("k8s/b.yaml", "b: 2\n");
        let fix = Fix {
            title: "two files".into(),
            applicability: Applicability::Safe,
            edits: vec![
                Edit {
                    span: Span::empty(a, 5),
                    content: "c: 3\n".into(),
                },
                Edit {
                    span: Span::empty(b, 0),
                    content: "[unclosed\n".into(),
                },
            ],
        };
        let mut d = Diagnostic::new("r", Severity::Error, "m", Label::new(Span::empty(a, 0), ""));
        d.fix = Some(fix);
        let report = Report {
            diagnostics: vec![d],
            files: 2,
            ..Default::default()
        };
        let out = run(&s, &Options::default(), report, false, &|_, _| true);
        assert!(out.texts.is_empty(), "nothing is half-applied");
        assert_eq!(
            out.rejected,
            vec![("two files".to_string(), "k8s/b.yaml".to_string(), "would no longer parse")]
        );
    }
}
