//! `--fix`: apply fixes, re-lint, repeat until nothing changes (bounded). Pure: texts in,
//! texts out; writing them is `write`. The CLI and the fixture harness run this same loop.
//!
//! A fix is accepted only when every file it touches parsed before and parses after, and
//! re-linting no longer reports the finding it was attached to. Otherwise it is dropped whole
//! (never half applied, never retried) and named in `Fixed::rejected`: an edit placed by a
//! model of a file that did not parse is a guess, and an edit that leaves its finding in place
//! either corrupts something (a key the reader does not see) or appends again on every pass.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::fix::apply::{apply, with_texts};
use crate::source::{FileId, SourceSet};
use crate::{Options, Report};
use std::collections::{BTreeMap, BTreeSet};

/// Enough for chains like "add the block, then the entry it makes room for"; a fixture that
/// needs more is a bug in a fix.
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
    /// Fixes dropped, each once.
    pub rejected: Vec<Rejected>,
    /// False when the last pass still had fixes to apply.
    pub converged: bool,
}

/// A fix that was not applied, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    pub rule: &'static str,
    pub title: String,
    /// The file that decided it (root-relative).
    pub path: String,
    pub why: Why,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Why {
    /// A file the fix edits does not parse now.
    DidNotParse,
    /// A file the fix edits would not parse after it.
    WouldNotParse,
    /// After the fix, re-linting still reports the finding.
    FindingRemains,
}

impl Why {
    pub fn describe(self) -> &'static str {
        match self {
            Why::DidNotParse => "does not parse, so no fix is applied to it",
            Why::WouldNotParse => "would no longer parse after it",
            Why::FindingRemains => "still has the finding after the fix, so the edit would not do what it says",
        }
    }
}

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}] {} (`{}` {})", self.rule, self.title, self.path, self.why.describe())
    }
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

/// What a rejected fix is remembered by: the same finding offers it again on the next pass
/// (at shifted offsets), and it must not be retried.
type Key = (&'static str, Option<String>, String, Vec<FileId>);

fn key(d: &Diagnostic, f: &Fix) -> Key {
    (
        d.rule,
        d.service.clone(),
        f.title.clone(),
        f.edits.iter().map(|e| e.span.file).collect(),
    )
}

/// Where `offset` of the old text lands in the new one, given the edits applied to that file
/// (sorted, not overlapping): `(lo, hi)`, the two ends when an insertion sits exactly there.
fn map_offset(edits: &[&Edit], offset: u32) -> (u32, u32) {
    let (mut lo, mut hi) = (i64::from(offset), i64::from(offset));
    for e in edits {
        let (s, t) = (i64::from(e.span.start), i64::from(e.span.end));
        let delta = e.content.len() as i64 - (t - s);
        let o = i64::from(offset);
        if t < o || (s < o && t == o) {
            lo += delta;
            hi += delta;
        } else if s < o && o < t {
            // Inside replaced text: the replacement's start.
            lo += s - o;
            hi += s - o;
        } else if s == o && t == o {
            hi += delta;
        }
    }
    (lo.max(0) as u32, hi.max(0) as u32)
}

/// Whether `new` (the report after the fixes) still has finding `d` of `old`: the same rule
/// and service in the same file, on the line the old one's position moved to, or saying the
/// same thing on a line with the same text (its fingerprint). The message matters there: three
/// probes of one Deployment have identical `port: 8080` lines, and fixing one must not count
/// as failing because the other two, fixed in a later pass, are still reported.
fn still_reported(old: &SourceSet, new: &SourceSet, d: &Diagnostic, edits: &[&Edit], report: &Report) -> bool {
    let file = d.primary.span.file;
    let mine: Vec<&Edit> = edits.iter().copied().filter(|e| e.span.file == file).collect();
    let (lo, hi) = map_offset(&mine, d.primary.span.start);
    let nf = new.get(file);
    let lines = [nf.line_col(lo).line, nf.line_col(hi).line];
    let print = crate::fingerprint::of(old, d, "");
    report.diagnostics.iter().any(|n| {
        n.rule == d.rule
            && n.service == d.service
            && n.primary.span.file == file
            && (lines.contains(&nf.line_col(n.primary.span.start).line)
                || (n.message == d.message && crate::fingerprint::of(new, n, "") == print))
    })
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
    let mut rejected_keys: BTreeSet<Key> = BTreeSet::new();
    let mut rejected = Vec::new();
    let (mut applied_total, mut passes, mut converged) = (0, 0, true);
    let mut reject = |d: &Diagnostic, f: &Fix, file: FileId, why: Why, keys: &mut BTreeSet<Key>| {
        if keys.insert(key(d, f)) {
            rejected.push(Rejected {
                rule: d.rule,
                title: f.title.clone(),
                path: original.path(file).to_string(),
                why,
            });
        }
    };
    loop {
        let mut candidates: Vec<(&Diagnostic, &Fix)> = current
            .diagnostics
            .iter()
            .filter(|d| wanted(&sources, d))
            .filter_map(|d| d.fix.as_ref().map(|f| (d, f)))
            .filter(|(d, f)| allowed(f, unsafe_fixes) && !f.edits.is_empty() && !rejected_keys.contains(&key(d, f)))
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
            let fixes: Vec<&Fix> = candidates.iter().map(|(_, f)| *f).collect();
            let a = apply(&sources, &fixes);
            if a.applied == 0 {
                break None;
            }
            let changed: Vec<FileId> = a.texts.keys().copied().collect();
            let next = with_texts(original, &texts.clone().into_iter().chain(a.texts.clone()).collect());
            let before = failures(&sources, &changed, options);
            let after = failures(&next, &changed, options);
            let broken: Vec<FileId> = changed.iter().copied().filter(|f| after[f] > 0 || before[f] > 0).collect();
            if !broken.is_empty() {
                for (d, f) in &candidates {
                    if let Some(file) = f.edits.iter().map(|e| e.span.file).find(|id| broken.contains(id)) {
                        let why = if before[&file] > 0 { Why::DidNotParse } else { Why::WouldNotParse };
                        reject(d, f, file, why, &mut rejected_keys);
                    }
                }
                candidates.retain(|(_, f)| !f.edits.iter().any(|e| broken.contains(&e.span.file)));
                if candidates.is_empty() {
                    break None;
                }
                continue;
            }
            // Edits that reproduce the current text change nothing: stop rather than loop.
            if a.texts.iter().all(|(id, t)| sources.get(*id).text == *t) {
                break None;
            }
            let report = crate::lint(&next, options);
            let mut edits: Vec<&Edit> = a.taken.iter().flat_map(|&i| candidates[i].1.edits.iter()).collect();
            edits.sort_by_key(|e| (e.span.file, e.span.start, e.span.end));
            let stuck: Vec<usize> = a
                .taken
                .iter()
                .copied()
                .filter(|&i| still_reported(&sources, &next, candidates[i].0, &edits, &report))
                .collect();
            if stuck.is_empty() {
                break Some((a, next, report));
            }
            for &i in &stuck {
                let (d, f) = candidates[i];
                let file = f.edits.first().map_or(d.primary.span.file, |e| e.span.file);
                reject(d, f, file, Why::FindingRemains, &mut rejected_keys);
            }
            let mut i = 0;
            candidates.retain(|_| {
                i += 1;
                !stuck.contains(&(i - 1))
            });
            if candidates.is_empty() {
                break None;
            }
        };
        let Some((a, next, report)) = outcome else { break };
        applied_total += a.applied;
        texts.extend(a.texts);
        sources = next;
        current = report;
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
    use crate::diagnostic::{Label, Severity};
    use crate::source::Span;

    #[test]
    fn another_finding_on_an_identical_line_is_not_this_one() {
        // Found by `cargo xtask fuzz-trees`: fixing the readiness probe's port was rejected
        // because the liveness probe, on an identical `port: 8080` line, was still reported.
        let text = "readinessProbe:\n  port: 8080\nlivenessProbe:\n  port: 8080\n";
        let mut old = SourceSet::new();
        let f = old.add_text("k8s/a.yaml", text);
        let at = |n: usize| text.match_indices("8080").nth(n).unwrap().0 as u32;
        let finding = |n: usize, probe: &str| {
            let mut d = Diagnostic::new(
                "probe-port-mismatch",
                Severity::Error,
                format!("the {probe} requests port 8080"),
                Label::new(Span::new(f, at(n)..at(n) + 4), ""),
            );
            d.service = Some("shop".into());
            d
        };
        let readiness = finding(0, "readinessProbe");
        let edit = Edit {
            span: Span::new(f, at(0)..at(0) + 4),
            content: "9090".into(),
        };
        let mut new = SourceSet::new();
        new.add_text("k8s/a.yaml", &text.replacen("8080", "9090", 1));
        let after = Report {
            diagnostics: vec![finding(1, "livenessProbe")],
            files: 1,
            ..Default::default()
        };
        assert!(!still_reported(&old, &new, &readiness, &[&edit], &after));
        let unfixed = Report {
            diagnostics: vec![finding(0, "readinessProbe")],
            files: 1,
            ..Default::default()
        };
        assert!(
            still_reported(&old, &old, &readiness, &[], &unfixed),
            "the same finding on its own line is still there"
        );
    }

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
            vec![Rejected {
                rule: "r",
                title: "two files".into(),
                path: "k8s/b.yaml".into(),
                why: Why::WouldNotParse
            }]
        );
    }

    /// Issue 18, defect 2: a fix into a file that does not parse was placed by a guess (a
    /// `management:` block appended on every pass); it is never applied.
    #[test]
    fn no_fix_touches_a_file_that_does_not_parse() {
        let mut s = SourceSet::new();
        let a = s.add_text("src/main/resources/application.yml", "      console-available: true\nserver:\n");
        let mut d = Diagnostic::new("r", Severity::Error, "m", Label::new(Span::empty(a, 0), ""));
        d.fix = Some(Fix {
            title: "add a block".into(),
            applicability: Applicability::Safe,
            edits: vec![Edit {
                span: Span::empty(a, 38),
                content: "management:\n  x: 1\n".into(),
            }],
        });
        let report = Report {
            diagnostics: vec![d],
            files: 1,
            ..Default::default()
        };
        let out = run(&s, &Options::default(), report, false, &|_, _| true);
        assert!(out.texts.is_empty());
        assert_eq!(out.rejected.len(), 1);
        assert_eq!(out.rejected[0].why, Why::DidNotParse);
    }

    /// A fix whose edit leaves its finding in place is dropped and named (issue 18: such an
    /// edit was appended again on every pass, or wrote into a key the reader never sees).
    #[test]
    fn a_fix_that_leaves_its_finding_is_dropped() {
        let files: Vec<(String, String)> = [
            ("settings.gradle", "rootProject.name = 'shop'\n"),
            (
                "build.gradle",
                "plugins { id 'org.springframework.boot' version '3.2.5'; id 'java' }\n\
                 dependencies {\n  implementation 'org.springframework.boot:spring-boot-starter-actuator'\n  \
                 runtimeOnly 'io.micrometer:micrometer-registry-prometheus'\n}\n",
            ),
            ("src/main/java/a/App.java", "package a;\n@SpringBootApplication\npublic class App {}\n"),
            ("src/main/resources/application.yml", "spring:\n  application:\n    name: shop\n"),
            (
                "prometheus.yml",
                "scrape_configs:\n  - job_name: shop\n    metrics_path: /actuator/prometheus\n    static_configs:\n      - targets: ['shop:8080']\n",
            ),
            (
                "compose.yaml",
                "services:\n  shop:\n    build: .\n    ports: ['8080:8080']\n  prometheus:\n    image: prom/prometheus\n    volumes: ['./prometheus.yml:/etc/prometheus/prometheus.yml']\n",
            ),
        ]
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
        let (sources, mut options) = crate::testing::from_memory(&files).unwrap();
        options.select = Some(vec!["prometheus-endpoint-not-exposed".into()]);
        let mut report = crate::lint(&sources, &options);
        assert_eq!(report.diagnostics.len(), 1, "{:?}", report.diagnostics);
        let config = sources.find("src/main/resources/application.yml").unwrap();
        let end = sources.get(config).text.len() as u32;
        report.diagnostics[0].fix = Some(Fix {
            title: "expose `prometheus` over HTTP".into(),
            applicability: Applicability::Safe,
            edits: vec![Edit {
                span: Span::empty(config, end),
                content: "# management: {endpoints: {web: {exposure: {include: prometheus}}}}\n".into(),
            }],
        });
        let out = run(&sources, &options, report, false, &|_, _| true);
        assert!(out.texts.is_empty(), "{:?}", out.texts);
        assert_eq!(out.rejected.len(), 1);
        assert_eq!(out.rejected[0].rule, "prometheus-endpoint-not-exposed");
        assert_eq!(out.rejected[0].path, "src/main/resources/application.yml");
        assert_eq!(out.rejected[0].why, Why::FindingRemains);
        assert!(out.converged);
    }

    #[test]
    fn offsets_move_with_the_edits_before_them() {
        let f = FileId(0);
        let ins = Edit {
            span: Span::empty(f, 4),
            content: "xx".into(),
        };
        let rep = Edit {
            span: Span::new(f, 10..14),
            content: "y".into(),
        };
        let edits = [&ins, &rep];
        assert_eq!(map_offset(&edits, 2), (2, 2));
        assert_eq!(map_offset(&edits, 4), (4, 6), "an insertion right there: either side");
        assert_eq!(map_offset(&edits, 8), (10, 10));
        assert_eq!(map_offset(&edits, 12), (12, 12), "inside replaced text: its start");
        assert_eq!(map_offset(&edits, 20), (19, 19));
    }
}
