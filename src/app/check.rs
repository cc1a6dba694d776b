//! `check`: lint each root, fix, apply the baseline, report.

use super::prepare::prepare_with;
use super::report::{exit_status, render_report};
use super::{emit, fail, plural, Prepared, FINDINGS, OK};
use crate::cli::CheckArgs;
use crate::render::Format;
use crate::source::SourceSet;
use crate::{fix, render, rules, suppress, Report};
use std::path::{Path, PathBuf};

/// Lints one root exactly as `check` does: what the fixture tests call.
pub fn lint_root(root: &Path, args: &CheckArgs) -> Result<(Prepared, Report), u8> {
    // Baselines are ours, not the repository's: the ones named, and the conventional names.
    let conventional = [root.join(".actuator-lint-baseline.json"), root.join("actuator-lint-baseline.json")];
    let ours: Vec<&Path> = [&args.baseline.baseline, &args.baseline.write_baseline]
        .into_iter()
        .flatten()
        .chain(conventional.iter())
        .map(PathBuf::as_path)
        .collect();
    let mut p = prepare_with(root, &args.common, None, &ours)?;
    p.options.select = (!args.select.is_empty()).then(|| args.select.clone());
    p.options.ignore = args.ignore.clone();
    let report = crate::lint(&p.sources, &p.options);
    Ok((p, report))
}

/// A usage error for what would otherwise pass silently: a `--boot-time` for no service, or a
/// path with nothing actuator-lint reads (the wrong directory, or everything excluded).
pub(super) fn lintable(root: &Path, report: &Report) -> Result<(), u8> {
    if !report.usage_errors.is_empty() {
        for e in &report.usage_errors {
            fail(e);
        }
        return Err(super::USAGE);
    }
    if report.nothing_to_lint {
        let read = if report.files == 0 {
            "no file was read: is everything excluded by .gitignore or `[discovery] exclude`?".to_string()
        } else {
            format!("{} read", plural(report.files, "file was", "files were"))
        };
        return Err(fail(format!(
            "nothing to lint in `{}`: looked for Gradle or Maven builds (settings.gradle(.kts), \
             build.gradle(.kts), pom.xml), Kubernetes manifests, Compose files and Prometheus \
             configuration, and found none ({read}); pass the repository root",
            root.display()
        )));
    }
    Ok(())
}

/// One root after linting (and fixing, and the baseline).
pub(super) struct Linted {
    pub(super) prefix: String,
    /// The prefix baselines are keyed on (and the summary names): the root only with several
    /// roots, wherever the command runs.
    pub(super) key_prefix: String,
    /// Final texts: after `--fix`, the fixed ones.
    pub(super) sources: SourceSet,
    pub(super) report: Report,
    pub(super) baselined: usize,
    pub(super) fixed: usize,
}

pub(super) fn run(args: CheckArgs) -> u8 {
    if let Err(code) = validate_rules(&args.select, "--select").and(validate_rules(&args.ignore, "--ignore")) {
        return code;
    }
    // A count per rule is a table or JSON; any other format asked for would silently be
    // neither what was asked nor what a consumer of that format can read.
    if args.statistics && !matches!(args.format, Format::Human | Format::Json) {
        return fail(format!(
            "--statistics prints a table (the default format) or JSON (`--format json`), not `--format {}`",
            clap::ValueEnum::to_possible_value(&args.format)
                .map(|v| v.get_name().to_string())
                .unwrap_or_default()
        ));
    }
    let roots = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut baseline = match load_baseline(&args) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let mut linted = Vec::new();
    let mut diffs = Vec::new();
    for root in &roots {
        let (p, report) = match lint_root(root, &args) {
            Ok(r) => r,
            Err(code) => return code,
        };
        if let Err(code) = lintable(root, &report) {
            return code;
        }
        let prefix = path_prefix(&p.root);
        let key_prefix = baseline_prefix(&p.root, roots.len());
        let mut l = match fix_root(p, report, (prefix, key_prefix), &args, baseline.as_ref(), &mut diffs) {
            Ok(l) => l,
            Err(code) => return code,
        };
        for d in &mut l.report.diagnostics {
            render::name_files_from_cwd(d, &l.sources, &l.prefix);
        }
        linted.push(l);
    }
    if args.fixes.diff {
        return show_diff(&diffs, &args);
    }
    if let Some(b) = baseline.as_mut() {
        apply_baseline(b, &mut linted, args.quiet, args.format);
    }
    if let Some(path) = &args.baseline.write_baseline {
        return write_baseline(path, &linted);
    }
    if let Err(e) = emit(render_report(&args, &linted), args.output.as_deref()) {
        return fail(e);
    }
    exit_status(args.fail_on, &linted)
}

/// What is put before root-relative paths in every format: the root as seen from the current
/// directory (as ruff does), so that a problem matcher, SARIF, `--format github` and a person
/// reading the output all name the same file when a subdirectory is linted. Empty when the root
/// is the current directory; the root as given when it lies outside it.
fn path_prefix(root: &Path) -> String {
    let clean = |p: &Path| -> PathBuf { p.components().filter(|c| !matches!(c, std::path::Component::CurDir)).collect() };
    let abs = clean(&std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf()));
    let shown = match std::env::current_dir()
        .ok()
        .and_then(|cwd| abs.strip_prefix(clean(&cwd)).ok().map(Path::to_path_buf))
    {
        Some(rel) => rel,
        None => clean(root),
    };
    let shown = shown.to_string_lossy().replace('\\', "/");
    let shown = shown.trim_end_matches('/');
    if shown.is_empty() || shown == "." {
        String::new()
    } else {
        format!("{shown}/")
    }
}

/// What baselines are keyed on, wherever they are run from: the root only with several roots.
fn baseline_prefix(root: &Path, roots: usize) -> String {
    let shown = root.display().to_string().replace('\\', "/");
    let shown = shown.trim_start_matches("./").trim_end_matches('/');
    if roots > 1 && !shown.is_empty() && shown != "." {
        format!("{shown}/")
    } else {
        String::new()
    }
}

fn load_baseline(args: &CheckArgs) -> Result<Option<suppress::baseline::Baseline>, u8> {
    let Some(path) = &args.baseline.baseline else { return Ok(None) };
    let text = std::fs::read_to_string(path).map_err(|e| fail(format!("--baseline `{}`: {e}", path.display())))?;
    suppress::baseline::parse(&text)
        .map(Some)
        .map_err(|e| fail(format!("--baseline `{}`: {e}", path.display())))
}

/// `--fix` / `--unsafe-fixes` write the fixed files; `--diff` collects their diff instead.
fn fix_root(
    p: Prepared,
    report: Report,
    (prefix, key_prefix): (String, String),
    args: &CheckArgs,
    baseline: Option<&suppress::baseline::Baseline>,
    diffs: &mut Vec<u8>,
) -> Result<Linted, u8> {
    let f = &args.fixes;
    let fixing = f.fix || f.unsafe_fixes || f.diff;
    let Prepared {
        root, sources, options, ..
    } = p;
    if !fixing {
        return Ok(Linted {
            key_prefix: key_prefix.clone(),
            prefix,
            sources,
            report,
            baselined: 0,
            fixed: 0,
        });
    }
    let wanted = |s: &SourceSet, d: &crate::diagnostic::Diagnostic| baseline.is_none_or(|b| !b.contains(s, d, &key_prefix));
    let out = super::fix_loop::run(&sources, &options, report, f.unsafe_fixes, &wanted);
    for r in &out.rejected {
        eprintln!(
            "actuator-lint: fix not applied: [{}] {} (`{}` {})",
            r.rule,
            r.title,
            render::escape_controls(&format!("{prefix}{}", r.path), false),
            r.why.describe()
        );
    }
    if !out.converged {
        eprintln!(
            "actuator-lint: fixes still pending after {} passes; run again to continue",
            super::fix_loop::MAX_PASSES
        );
    }
    if f.diff {
        // `a/`, `b/` as git writes them, before paths from the working directory; a root
        // outside it is named as it is.
        let (a, b) = if prefix.starts_with('/') {
            (prefix.clone(), prefix.clone())
        } else {
            (format!("a/{prefix}"), format!("b/{prefix}"))
        };
        diffs.extend(fix::apply::diff(&sources, &out.texts, &a, &b));
        return Ok(Linted {
            key_prefix: key_prefix.clone(),
            prefix,
            sources,
            report: out.report,
            baselined: 0,
            fixed: 0,
        });
    }
    let mut written = 0;
    let mut failed = false;
    for (id, text) in &out.texts {
        match super::write::write(&root, sources.get(*id), text) {
            Ok(()) => written += 1,
            Err(e) => {
                failed = true;
                let shown = format!("{prefix}{}", sources.path(*id));
                eprintln!("actuator-lint: not written: `{}`: {e}", render::escape_controls(&shown, false));
            }
        }
    }
    if failed {
        // What is on disk is not what was re-linted: lint it again as it is.
        return match lint_root(&root, args) {
            Ok((p, report)) => Ok(Linted {
                key_prefix: key_prefix.clone(),
                prefix,
                sources: p.sources,
                report,
                baselined: 0,
                fixed: out.applied,
            }),
            Err(code) => Err(code),
        };
    }
    if !args.quiet && written > 0 {
        eprintln!(
            "actuator-lint: applied {} in {} ({} {})",
            plural(out.applied, "fix", "fixes"),
            plural(written, "file", "files"),
            out.passes,
            if out.passes == 1 { "pass" } else { "passes" }
        );
    }
    // `--fix` alone leaves the fixes that change behaviour; say so, or the remaining findings
    // look unfixable.
    let unsafe_left = out
        .report
        .diagnostics
        .iter()
        .filter(|d| {
            d.fix
                .as_ref()
                .is_some_and(|f| f.applicability == crate::diagnostic::Applicability::Unsafe)
        })
        .count();
    if !args.quiet && !f.unsafe_fixes && unsafe_left > 0 {
        eprintln!(
            "actuator-lint: {} left (they change behaviour): review them with `--unsafe-fixes --diff`, apply with `--unsafe-fixes`",
            plural(unsafe_left, "unsafe fix", "unsafe fixes")
        );
    }
    Ok(Linted {
        key_prefix: key_prefix.clone(),
        prefix,
        sources: out.sources,
        report: out.report,
        baselined: 0,
        fixed: out.applied,
    })
}

fn show_diff(diffs: &[u8], args: &CheckArgs) -> u8 {
    if let Err(e) = emit(diffs, args.output.as_deref()) {
        return fail(e);
    }
    if diffs.is_empty() {
        if !args.quiet {
            eprintln!("actuator-lint: nothing to fix");
        }
        OK
    } else {
        FINDINGS
    }
}

fn apply_baseline(b: &mut suppress::baseline::Baseline, linted: &mut [Linted], quiet: bool, format: Format) {
    for l in linted.iter_mut() {
        let before = l.report.diagnostics.len();
        let (sources, prefix) = (&l.sources, l.key_prefix.as_str());
        l.report.diagnostics.retain(|d| !b.take(sources, d, prefix));
        l.baselined = before - l.report.diagnostics.len();
    }
    // The human summary line says it; machine formats keep their shape, so say it on stderr.
    let hidden: usize = linted.iter().map(|l| l.baselined).sum();
    if hidden > 0 && !quiet && format != Format::Human {
        eprintln!("actuator-lint: {} hidden by the baseline", plural(hidden, "finding", "findings"));
    }
    let stale = b.unmatched();
    if stale > 0 && !quiet {
        eprintln!(
            "actuator-lint: {} in the baseline no longer reported (fixed, or its line changed); --write-baseline drops them",
            plural(stale, "finding", "findings")
        );
    }
}

fn write_baseline(path: &Path, linted: &[Linted]) -> u8 {
    let all: Vec<_> = linted
        .iter()
        .flat_map(|l| l.report.diagnostics.iter().map(move |d| (&l.sources, d, l.key_prefix.as_str())))
        .collect();
    if let Err(e) = std::fs::write(path, suppress::baseline::write(&all)) {
        return fail(format!("cannot write `{}`: {e}", path.display()));
    }
    eprintln!(
        "actuator-lint: recorded {} in `{}`; pass `--baseline {}` to report only new ones",
        plural(all.len(), "finding", "findings"),
        path.display(),
        path.display()
    );
    OK
}

fn validate_rules(names: &[String], flag: &str) -> Result<(), u8> {
    for n in names {
        if rules::by_name(n).is_none() {
            let hint = crate::suggest::did_you_mean(n, rules::names())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            return Err(fail(format!("{flag}: unknown rule `{n}`{hint}")));
        }
    }
    Ok(())
}
