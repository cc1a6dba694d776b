//! actuator-lint: a static analyzer for Spring Boot monorepos, their Kubernetes manifests and
//! their Prometheus configuration.
//!
//! Pipeline: discover → load (`SourceSet`) → classify (each file's role) → parse → model → link → rules → filter → sort →
//! render. Everything after loading is pure and works on in-memory sources, which is how the
//! tests drive it.

pub mod app;
pub mod classify;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod duration;
pub mod edit;
pub mod file_kind;
pub mod fingerprint;
pub mod fix;
pub mod fuzzing;
pub mod ids;
pub mod incremental;
pub mod init;
pub mod link;
pub mod maven_repo;
pub mod model;
pub mod parse;
pub mod render;
pub mod report;
pub mod rules;
pub mod source;
pub mod suggest;
pub mod suppress;
#[doc(hidden)]
pub mod testing;
pub mod timing;

pub use report::{Analysis, Report};
pub use timing::timed;

use config::{Config, Level};
use diagnostic::Diagnostic;
use source::SourceSet;

/// Everything besides the sources that changes a lint result.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub config: Config,
    /// `--boot-time SERVICE=DURATION`, in seconds.
    pub boot_times: Vec<(String, f64)>,
    /// `--profile`: active Spring profiles where no workload says.
    pub profiles: Vec<String>,
    /// `--select`: only these rules (all when `None`).
    pub select: Option<Vec<String>>,
    /// `--ignore`: never these rules.
    pub ignore: Vec<String>,
    pub limits: parse::yaml::Limits,
    /// `--maven-repo` / `[build] maven-repo`: a local Maven repository to read dependencies'
    /// POMs from (never implied).
    pub maven_repo: Option<maven_repo::MavenRepo>,
}

impl Options {
    /// The part of the options the model and the links read.
    pub fn model(&self) -> model::ModelOptions<'_> {
        model::ModelOptions {
            config: &self.config,
            boot_times: &self.boot_times,
            profiles: &self.profiles,
            limits: &self.limits,
            local_poms: None,
        }
    }
}

/// Parse, model and link: everything before rules.
pub fn analyze(sources: &SourceSet, options: &Options) -> Analysis {
    let (roles, parsed, failures) = timed("parse", || {
        let mut roles = classify::classify(sources);
        let (mut parsed, mut failures) = parse::parse_with_roles(sources, &roles, &options.limits);
        let changed = parse::references::by_reference(sources, &parsed, &mut roles);
        parse::reparse(sources, &roles, &changed, &mut parsed, &mut failures, &options.limits);
        (roles, parsed, failures)
    });
    model_and_link(sources, options, roles, parsed, failures)
}

/// Model and link from files already classified and parsed: what `analyze` does after
/// parsing, and what `incremental` calls after re-parsing only the files that changed.
pub fn model_and_link(
    sources: &SourceSet,
    options: &Options,
    roles: classify::Roles,
    parsed: Vec<parse::Parsed>,
    failures: Vec<parse::ParseFailure>,
) -> Analysis {
    let local_poms = options
        .maven_repo
        .as_ref()
        .map(|repo| timed("local Maven repository", || local_poms(sources, &parsed, &failures, repo)));
    let model_options = model::ModelOptions {
        local_poms: local_poms.as_ref(),
        ..options.model()
    };
    let workspace = timed("model", || {
        model::assemble::build(sources, &parsed, &roles, failures, &model_options)
    });
    let links = timed("link", || link::link(&workspace, sources, &model_options));
    Analysis {
        roles,
        parsed,
        workspace,
        links,
    }
}

/// Reads, from the local Maven repository, the POMs the modules' external dependencies reach:
/// the model says which coordinates it wants (versions, parents and BOMs resolved as far as the
/// POMs read so far allow), they are read, and again until nothing new is wanted. Bounded by
/// `maven_repo::MAX_POMS` and by the resolver's depth.
fn local_poms(
    sources: &SourceSet,
    parsed: &[parse::Parsed],
    failures: &[parse::ParseFailure],
    repo: &maven_repo::MavenRepo,
) -> maven_repo::LocalPoms {
    let failed: Vec<source::FileId> = failures.iter().map(|f| f.file).collect();
    let modules = model::build::build_modules(sources, parsed, &failed);
    let mut poms = maven_repo::LocalPoms::new(&repo.shown);
    let mut models = model::build::local::Models::default();
    loop {
        let mut wanted = model::build::wanted_poms(&modules, &poms, &mut models);
        wanted.retain(|g| !poms.has(g));
        if wanted.is_empty() || poms.full {
            break;
        }
        poms.read(repo, wanted);
    }
    poms
}

fn enabled(name: &str, options: &Options) -> bool {
    if options.ignore.iter().any(|i| i == name) {
        return false;
    }
    if let Some(sel) = &options.select {
        return sel.iter().any(|s| s == name);
    }
    !matches!(options.config.rules.get(name), Some(Level::Off))
}

pub fn lint(sources: &SourceSet, options: &Options) -> Report {
    let a = analyze(sources, options);
    let report = check(sources, options, &a);
    // Freeing the trees and the model is ~5% of a run at monorepo scale; nothing needs to wait
    // for it.
    rayon::spawn(move || drop(a));
    report
}

/// Rules, suppressions and sorting on an analysis of `sources`: everything `lint` does after
/// `analyze`.
pub fn check(sources: &SourceSet, options: &Options, a: &Analysis) -> Report {
    let cx = rules::Context {
        sources,
        ws: &a.workspace,
        links: &a.links,
        config: &options.config,
        parsed: &a.parsed,
    };
    // Rules are pure functions of the linked model: run them on every core, then concatenate
    // in registry order so the result does not depend on scheduling.
    use rayon::prelude::*;
    let per_rule: Vec<Vec<Diagnostic>> = timed("rules", || {
        rules::ALL
            .par_iter()
            .filter(|rule| enabled(rule.meta().name, options))
            .map(|rule| {
                let meta = rule.meta();
                let mut found = Vec::new();
                timed(meta.name, || rule.check(&cx, &mut found));
                if let Some(Level::On(sev)) = options.config.rules.get(meta.name) {
                    for d in &mut found {
                        d.severity = *sev;
                    }
                }
                found
            })
            .collect()
    });
    let mut diagnostics: Vec<Diagnostic> = per_rule.into_iter().flatten().collect();
    anchor(sources, &mut diagnostics);
    drop_fixes_into_rendered(sources, &mut diagnostics);
    let sups = timed("suppress", || suppress::collect(sources, &a.parsed));
    let ran = |r: &str| enabled(r, options);
    let known = |r: &str| rules::by_name(r).map(|m| m.meta().name.to_string());
    let unused = suppress::apply(&sups, &mut diagnostics, &ran, &known);
    if enabled("unused-suppression", options) {
        let level = options.config.rules.get("unused-suppression").copied();
        diagnostics.extend(unused.into_iter().map(|mut d| {
            if let Some(Level::On(sev)) = level {
                d.severity = sev;
            }
            d
        }));
    }
    let services = a.workspace.services.len();
    let usage_errors = unknown_boot_services(&a.workspace, options);
    let nothing_to_lint = a.workspace.is_empty() && diagnostics.is_empty();
    timed("sort", || sort_and_dedupe(sources, &mut diagnostics));
    Report {
        diagnostics,
        // Files read: a static resource is only listed by its path.
        files: sources
            .iter()
            .filter(|(_, f)| f.kind != file_kind::FileKind::StaticResource)
            .count(),
        services,
        usage_errors,
        nothing_to_lint,
    }
}

/// `--boot-time SERVICE=…` naming no service: a typo there would otherwise leave the probe
/// budget unchecked without a word.
pub fn unknown_boot_services(ws: &model::Workspace, options: &Options) -> Vec<String> {
    let names: Vec<&str> = ws.services.iter().map(|s| s.name.as_str()).collect();
    options
        .boot_times
        .iter()
        .filter(|(key, _)| ws.resolve_service(key).is_none())
        .map(|(key, _)| {
            let hint = match crate::suggest::did_you_mean(key, names.iter().copied()) {
                Some(n) => format!("did you mean `{n}`?"),
                None if names.is_empty() => "no services were found".to_string(),
                None => {
                    let shown: Vec<String> = names.iter().take(8).map(|n| format!("`{n}`")).collect();
                    let more = if names.len() > shown.len() { ", …" } else { "" };
                    format!("the services are {}{more}", shown.join(", "))
                }
            };
            format!("--boot-time: no service is named `{key}` ({hint})")
        })
        .collect()
}

/// Every diagnostic leaving `lint` points into a file of `sources`: sorting, rendering,
/// suppressions and fixes all index files by a span's id, and a span of nothing
/// (`FileId::NONE`: an absent YAML node, a value from outside the repository) must never reach
/// them. A primary label without a file moves to the first related label that has one; related
/// labels without a file are dropped; a fix with an edit in no file is dropped whole (where it
/// would write is unknown); a diagnostic with no real span at all is dropped.
fn anchor(sources: &SourceSet, diags: &mut Vec<Diagnostic>) {
    diags.retain_mut(|d| {
        if d.fix.as_ref().is_some_and(|f| f.edits.iter().any(|e| !sources.is_real(e.span))) {
            let title = d.fix.take().map(|f| f.title);
            d.help = d.help.take().or(title);
        }
        d.related.retain(|l| sources.is_real(l.span));
        if sources.is_real(d.primary.span) {
            return true;
        }
        if d.related.is_empty() {
            return false;
        }
        let moved = d.related.remove(0);
        d.primary.span = moved.span;
        if d.primary.message.is_empty() {
            d.primary.message = moved.message;
        }
        true
    });
}

/// Rendered manifests (`--manifests`) are regenerated from a chart or overlay: a fix there
/// would be lost (and may lie outside the root), so it becomes advice.
fn drop_fixes_into_rendered(sources: &SourceSet, diags: &mut [Diagnostic]) {
    for d in diags.iter_mut() {
        let rendered = d.fix.as_ref().is_some_and(|f| {
            f.edits
                .iter()
                .any(|e| sources.get(e.span.file).kind == file_kind::FileKind::Manifests)
        });
        if rendered {
            let title = d.fix.take().map(|f| f.title).unwrap_or_default();
            let advice = "this is rendered output: make the change in the chart or overlay that renders it";
            d.help = Some(match d.help.take() {
                Some(h) => format!("{h} ({advice})"),
                None => format!("{title} ({advice})"),
            });
        }
    }
}

/// Path, line, column, rule, message (SPEC §3); exact duplicates removed.
pub fn sort_and_dedupe(sources: &SourceSet, diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| {
        let pa = sources.path(a.primary.span.file);
        let pb = sources.path(b.primary.span.file);
        pa.cmp(pb)
            .then(a.primary.span.start.cmp(&b.primary.span.start))
            .then(a.rule.cmp(b.rule))
            .then(a.message.cmp(&b.message))
    });
    diags.dedup_by(|a, b| a.rule == b.rule && a.primary.span == b.primary.span && a.message == b.message);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Applicability, Edit, Fix, Label, Severity};
    use crate::source::{FileId, Span};

    #[test]
    fn spans_of_nothing_never_leave_lint() {
        let mut s = SourceSet::new();
        let a = s.add_text("a.yaml", "a: 1\n");
        let nowhere = Span::empty(FileId::NONE, 0);
        let fix = Fix {
            title: "edit nowhere".into(),
            applicability: Applicability::Safe,
            edits: vec![Edit {
                span: nowhere,
                content: "x".into(),
            }],
        };
        let moved = Diagnostic::new("r", Severity::Error, "m", Label::new(nowhere, ""))
            .related(Span::empty(a, 2), "here")
            .fix(Some(fix));
        let lost = Diagnostic::new("r", Severity::Error, "m", Label::new(nowhere, ""));
        let mut diags = vec![moved, lost];
        anchor(&s, &mut diags);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].primary.span, Span::empty(a, 2));
        assert!(diags[0].related.is_empty() && diags[0].fix.is_none());
        assert_eq!(diags[0].help.as_deref(), Some("edit nowhere"));
    }
}
