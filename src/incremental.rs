//! Linting the same repository again after a few files changed, without reading it from disk
//! or re-parsing the files that did not change: what the language server does on each edit.
//!
//! Equivalent to `lint` on the same sources (a test checks): classification is recomputed
//! for every file (it is a cheap text scan, and a changed file can change another file's role:
//! a `spring.config.import`, a kustomization's `resources`), and a file is parsed again when
//! its text changed or the role it is parsed under did.

use crate::classify::{self, Roles};
use crate::link::Links;
use crate::model::Workspace;
use crate::parse::{self, ParseFailure, Parsed};
use crate::source::{FileId, SourceSet};
use crate::{Options, Report};
use std::collections::BTreeSet;

pub struct Incremental {
    sources: SourceSet,
    /// Roles from `classify` alone, before `by_reference`: what the first parse used.
    base: Roles,
    /// Roles after `by_reference`: what the model reads.
    roles: Roles,
    /// Parse results under the final roles, and their failures.
    parsed: Vec<Parsed>,
    failures: Vec<ParseFailure>,
    /// Files `by_reference` gave another role, parsed under that role.
    by_reference: Vec<FileId>,
    /// Files whose text changed since the last lint.
    dirty: BTreeSet<FileId>,
    /// The model and links of the last lint: what the editor's hovers describe.
    last: Option<(Workspace, Links)>,
}

impl Incremental {
    /// Classifies and parses every file once.
    pub fn new(sources: SourceSet, options: &Options) -> Incremental {
        let base = classify::classify(&sources);
        let (parsed, failures) = parse::parse_with_roles(&sources, &base, &options.limits);
        let mut inc = Incremental {
            sources,
            roles: base.clone(),
            base,
            parsed,
            failures,
            by_reference: Vec::new(),
            dirty: BTreeSet::new(),
            last: None,
        };
        inc.apply_references(&inc.base.clone(), options);
        inc
    }

    pub fn sources(&self) -> &SourceSet {
        &self.sources
    }

    /// The model and links the last `lint` built from the current texts (`None` before the
    /// first lint).
    pub fn analysis(&self) -> Option<(&Workspace, &Links)> {
        self.last.as_ref().map(|(w, l)| (w, l))
    }

    /// Replaces the text of a file of the set; the next `lint` re-parses it. Returns whether
    /// the text differed.
    pub fn set_text(&mut self, id: FileId, text: String) -> bool {
        if self.sources.get(id).text == text {
            return false;
        }
        self.sources.set_text(id, text);
        self.dirty.insert(id);
        true
    }

    /// Lints the current texts: re-parses what changed, then model, link and rules.
    pub fn lint(&mut self, options: &Options) -> Report {
        self.refresh(options);
        let roles = self.roles.clone();
        let parsed = std::mem::take(&mut self.parsed);
        let failures = self.failures.iter().map(copy_failure).collect();
        let a = crate::timed("model+link", || {
            crate::model_and_link(&self.sources, options, roles, parsed, failures)
        });
        let report = crate::check(&self.sources, options, &a);
        let crate::Analysis {
            parsed, workspace, links, ..
        } = a;
        self.parsed = parsed;
        // The previous model is dropped off the edit's path: in a large monorepo freeing it
        // takes a noticeable while.
        if let Some(old) = self.last.replace((workspace, links)) {
            rayon::spawn(move || drop(old));
        }
        report
    }

    /// Brings `base`, `parsed` and `failures` up to date with the texts.
    fn refresh(&mut self, options: &Options) {
        if self.dirty.is_empty() {
            return;
        }
        let base = crate::timed("classify", || classify::classify(&self.sources));
        // Back to the base parse: the changed files, the files whose base role changed, and
        // the ones the last pass re-parsed under a role given by reference.
        let mut again: BTreeSet<FileId> = std::mem::take(&mut self.dirty);
        again.extend(
            self.sources
                .iter()
                .map(|(id, _)| id)
                .filter(|&id| base.role(id) != self.base.role(id)),
        );
        again.extend(self.by_reference.iter().copied());
        let again: Vec<FileId> = again.into_iter().collect();
        crate::timed("parse", || {
            parse::reparse(&self.sources, &base, &again, &mut self.parsed, &mut self.failures, &options.limits)
        });
        self.base = base;
        self.apply_references(&self.base.clone(), options);
    }

    /// `by_reference` on the base parse, and the files it changes parsed under their new role.
    fn apply_references(&mut self, base: &Roles, options: &Options) {
        let mut roles = base.clone();
        let changed = parse::references::by_reference(&self.sources, &self.parsed, &mut roles);
        parse::reparse(
            &self.sources,
            &roles,
            &changed,
            &mut self.parsed,
            &mut self.failures,
            &options.limits,
        );
        self.by_reference = changed;
        self.roles = roles;
    }
}

fn copy_failure(f: &ParseFailure) -> ParseFailure {
    ParseFailure {
        file: f.file,
        offset: f.offset,
        message: f.message.clone(),
        limit: f.limit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(sources: &SourceSet, r: &Report) -> Vec<String> {
        r.diagnostics
            .iter()
            .map(|d| {
                format!(
                    "{}:{}: {} {}",
                    sources.path(d.primary.span.file),
                    d.primary.span.start,
                    d.rule,
                    d.message
                )
            })
            .collect()
    }

    fn commerce() -> SourceSet {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scenarios/commerce/repo");
        let mut set = SourceSet::new();
        let mut stack = vec![root.clone()];
        let mut files = Vec::new();
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    files.push(p);
                }
            }
        }
        files.sort();
        for p in files {
            let rel = p.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
            if let Ok(text) = std::fs::read_to_string(&p) {
                set.add_text(&rel, &text);
            }
        }
        set
    }

    fn copy(s: &SourceSet) -> SourceSet {
        let mut out = SourceSet::new();
        for (_, f) in s.iter() {
            out.add(f.with_text(f.text.clone()));
        }
        out
    }

    /// Each step's incremental result is the full lint of the same texts.
    #[test]
    fn edits_lint_as_a_fresh_run_does() {
        let options = Options::default();
        let mut inc = Incremental::new(commerce(), &options);
        let first = inc.lint(&options);
        assert!(!first.diagnostics.is_empty());
        assert_eq!(
            render(inc.sources(), &first),
            render(inc.sources(), &crate::lint(inc.sources(), &options))
        );

        let build = inc.sources().find("services/order-service/build.gradle.kts").unwrap();
        let fixed = inc.sources().get(build).text.replace(
            "testImplementation(\"org.springframework.kafka:spring-kafka-test\")",
            "testImplementation(\"org.springframework.kafka:spring-kafka-test\")\n    runtimeOnly(\"io.micrometer:micrometer-registry-prometheus\")",
        );
        assert!(inc.set_text(build, fixed));
        let second = inc.lint(&options);
        let fresh = crate::lint(&copy(inc.sources()), &options);
        assert_eq!(render(inc.sources(), &second), render(inc.sources(), &fresh));
        assert!(first.diagnostics.iter().any(|d| d.rule == "prometheus-registry-missing"));
        assert!(!second.diagnostics.iter().any(|d| d.rule == "prometheus-registry-missing"));

        // A file that stops parsing, and back.
        let deploy = inc.sources().find("infra/k8s/services/order-service.yaml").unwrap();
        let original = inc.sources().get(deploy).text.clone();
        inc.set_text(deploy, format!("{original}\n  bad: [unclosed\n"));
        let broken = inc.lint(&options);
        let fresh = crate::lint(&copy(inc.sources()), &options);
        assert_eq!(render(inc.sources(), &broken), render(inc.sources(), &fresh));
        inc.set_text(deploy, original);
        let restored = inc.lint(&options);
        assert_eq!(render(inc.sources(), &restored), render(inc.sources(), &second));
    }
}
