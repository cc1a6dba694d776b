//! Orchestration: the only module besides `discover` that touches the filesystem or stdio.

use crate::cli::{CheckArgs, Cli, Command, CommonArgs, FailOn, GraphArgs, GraphFormat, InitArgs, ModelArgs, ModelFormat, RulesFormat};
use crate::config::{self, Config, ConfigError};
use crate::diagnostic::Severity;
use crate::discover::{self, FileKind};
use crate::render::{self, Format, RenderOptions};
use crate::source::{decode, SourceFile, SourceSet};
use crate::{fix, rules, suppress, Options, Report};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Exit statuses (SPEC §2).
pub const OK: u8 = 0;
pub const FINDINGS: u8 = 1;
pub const USAGE: u8 = 2;

pub fn run(cli: Cli) -> u8 {
    match cli.command {
        None => check(cli.check),
        Some(Command::Check(args)) => check(args),
        Some(Command::Rules { format }) => list_rules(format),
        Some(Command::Explain { rule }) => explain(&rule),
        Some(Command::Model(args)) => model(args),
        Some(Command::Graph(args)) => graph(args),
        Some(Command::Init(args)) => init(args),
        Some(Command::Completions { shell }) => completions(shell),
        Some(Command::Man) => man(),
    }
}

/// Shell completions, generated from the clap definition (nothing to keep in sync by hand).
fn completions(shell: clap_complete::Shell) -> u8 {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    clap_complete::generate(shell, &mut cmd, "actuator-lint", &mut std::io::stdout());
    OK
}

/// The man page (roff), generated from the clap definition.
fn man() -> u8 {
    let cmd = <Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    if let Err(e) = clap_mangen::Man::new(cmd).render(&mut out) {
        return fail(e);
    }
    match std::io::stdout().write_all(&out) {
        Ok(()) => OK,
        Err(e) => fail(e),
    }
}

/// The wiring per service as a Mermaid or Graphviz graph, broken links labelled with the rule.
fn graph(args: GraphArgs) -> u8 {
    let p = match prepare(&args.path, &args.common) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let a = crate::analyze(&p.sources, &p.options);
    let report = crate::lint(&p.sources, &p.options);
    let g = render::graph::build(&p.sources, &a, &report);
    let text = match args.format {
        GraphFormat::Mermaid => render::graph::mermaid(&g),
        GraphFormat::Dot => render::graph::dot(&g),
    };
    match std::io::stdout().write_all(text.as_bytes()) {
        Ok(()) => OK,
        Err(e) => fail(e),
    }
}

/// `init`: a commented actuator-lint.toml describing what was found.
fn init(args: InitArgs) -> u8 {
    let target = args.path.join("actuator-lint.toml");
    if !args.stdout && !args.force && (target.exists() || args.path.join(".actuator-lint.toml").exists()) {
        return fail(format!(
            "`{}` already has an actuator-lint.toml; pass --force to overwrite it",
            args.path.display()
        ));
    }
    // An existing config would shape the analysis; start from the defaults.
    let common = CommonArgs {
        config: None,
        boot_time: vec![],
        boot_log: vec![],
        profile: vec![],
        manifests: vec![],
    };
    // Any `*.log` may hold Spring Boot's "Started X in N seconds" line: init looks at all.
    let probe_logs = Config {
        boot_logs: vec!["**/*.log".into()],
        ..Config::default()
    };
    let p = match prepare_with(&args.path, &common, Some(probe_logs), &[]) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let a = crate::analyze(&p.sources, &p.options);
    let text = crate::init::render(&p.sources, &a);
    if args.stdout {
        print!("{text}");
        return OK;
    }
    if let Err(e) = std::fs::write(&target, &text) {
        return fail(format!("cannot write `{}`: {e}", target.display()));
    }
    eprintln!(
        "actuator-lint: wrote `{}` ({}); review it, then run `actuator-lint {}`",
        target.display(),
        plural(a.workspace.services.len(), "service", "services"),
        args.path.display()
    );
    OK
}

fn fail(msg: impl std::fmt::Display) -> u8 {
    eprintln!("actuator-lint: error: {msg}");
    USAGE
}

fn list_rules(format: RulesFormat) -> u8 {
    match format {
        RulesFormat::Json => {
            let list: Vec<serde_json::Value> = rules::ALL
                .iter()
                .map(|r| {
                    let m = r.meta();
                    serde_json::json!({
                        "name": m.name,
                        "category": m.category.as_str(),
                        "severity": m.default_severity.as_str(),
                        "fix": m.fix.as_str(),
                        "summary": m.summary,
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&list).unwrap_or_default());
        }
        RulesFormat::Human => print!("{}", rules_table()),
    }
    OK
}

/// The rule table, as printed by `rules` and embedded in the README.
pub fn rules_table() -> String {
    let mut out = String::from("| rule | category | default | fix | what it finds |\n|---|---|---|---|---|\n");
    for r in rules::ALL {
        let m = r.meta();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            m.name,
            m.category.as_str(),
            m.default_severity.as_str(),
            m.fix.as_str(),
            m.summary
        ));
    }
    out
}

fn explain(name: &str) -> u8 {
    let Some(rule) = rules::by_name(name) else {
        let hint = config::did_you_mean(name, rules::names())
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        return fail(format!("unknown rule `{name}`{hint}; `actuator-lint rules` lists them"));
    };
    let m = rule.meta();
    println!(
        "{}\ncategory: {}  default severity: {}  fix: {}\n\n{}\n\n## How to configure or suppress\nIn actuator-lint.toml: `[rules] {} = \"off\"` (or `info`, `warning`, `error`).\nOn the command line: `--ignore {}`.",
        m.name,
        m.category.as_str(),
        m.default_severity.as_str(),
        m.fix.as_str(),
        m.doc.trim_end(),
        m.name,
        m.name
    );
    OK
}

fn parse_boot_times(values: &[String]) -> Result<Vec<(String, f64)>, String> {
    values
        .iter()
        .map(|v| {
            let (svc, dur) = v
                .split_once('=')
                .ok_or_else(|| format!("--boot-time `{v}`: expected SERVICE=DURATION, e.g. `order-service=161s`"))?;
            let secs = crate::model::boot::parse_duration(dur)
                .ok_or_else(|| format!("--boot-time `{v}`: `{dur}` is not a duration (e.g. `161s`, `2m41s`, `161.4`)"))?;
            Ok((svc.trim().to_string(), secs))
        })
        .collect()
}

/// Renders configuration errors against the config file, like any diagnostic.
fn report_config_errors(path: &str, text: &str, errors: &[ConfigError]) {
    let mut set = SourceSet::new();
    let id = set.add(SourceFile::new(path, text.to_string()));
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for e in errors {
        let mut d = crate::diagnostic::Diagnostic::new(
            "config",
            Severity::Error,
            e.message.clone(),
            crate::diagnostic::Label::new(crate::source::Span::new(id, e.span.clone()), ""),
        );
        d.help = e.help.clone();
        let s = render::human::render_one(
            &set,
            &d,
            &RenderOptions {
                color,
                width: 100,
                links: false,
            },
            "",
        );
        eprint!("{s}");
    }
}

pub struct Prepared {
    pub root: PathBuf,
    pub sources: SourceSet,
    pub options: Options,
    pub skipped: Vec<discover::Skipped>,
}

/// Reads the config and the repository under `root`; errors are already reported.
pub fn prepare(root: &Path, common: &CommonArgs) -> Result<Prepared, u8> {
    prepare_with(root, common, None, &[])
}

/// `prepare`, or with `given` instead of the config file found at the root (`init`).
/// `skip` are files of ours (baselines) that are not part of the repository being linted.
fn prepare_with(root: &Path, common: &CommonArgs, given: Option<Config>, skip: &[&Path]) -> Result<Prepared, u8> {
    let read_config = given.is_none();
    if !root.is_dir() {
        return Err(fail(format!("`{}` is not a directory; pass the repository root", root.display())));
    }
    let boot_times = parse_boot_times(&common.boot_time).map_err(fail)?;
    let config_path = match &common.config {
        Some(p) => Some(p.clone()),
        None if !read_config => None,
        None => ["actuator-lint.toml", ".actuator-lint.toml"]
            .iter()
            .map(|n| root.join(n))
            .find(|p| p.is_file()),
    };
    let mut config = given.unwrap_or_default();
    if let Some(p) = &config_path {
        let text = std::fs::read_to_string(p).map_err(|e| fail(format!("cannot read `{}`: {e}", p.display())))?;
        let shown = discover::rel_path(p, root);
        match config::parse(&text, &shown, &rules::names()) {
            Ok(c) => config = c,
            Err(errors) => {
                report_config_errors(&shown, &text, &errors);
                return Err(USAGE);
            }
        }
    }
    let globs = |patterns: &[String], what: &str| -> Result<globset::GlobSet, u8> {
        let mut b = globset::GlobSetBuilder::new();
        for p in patterns {
            let g = globset::GlobBuilder::new(p)
                .literal_separator(false)
                .build()
                .map_err(|e| fail(format!("{what}: invalid pattern `{p}`: {e}")))?;
            b.add(g);
        }
        b.build().map_err(|e| fail(format!("{what}: {e}")))
    };
    // `legacy` and `legacy/` exclude the directory's contents too, as in .gitignore.
    let exclude_patterns: Vec<String> = config
        .exclude
        .iter()
        .flat_map(|p| {
            let dir = p.trim_end_matches('/');
            let mut v = vec![dir.to_string()];
            if !dir.ends_with("**") {
                v.push(format!("{dir}/**"));
            }
            v
        })
        .chain(
            skip.iter()
                .map(|p| globset::escape(&discover::rel_path(&absolute(p), &absolute(root)))),
        )
        .collect();
    let exclude = globs(&exclude_patterns, "[discovery] exclude")?;
    let logs = globs(&config.boot_logs, "[probes] boot-logs")?;
    let metrics = globs(&config.boot_metrics, "[probes] boot-metrics")?;
    let evidence = globs(&[config.boot_logs.clone(), config.boot_metrics.clone()].concat(), "[probes]")?;
    let mut found = crate::timed("discover", || discover::discover(root, &exclude, &evidence));
    for (rel, _, kind) in &mut found.files {
        if metrics.is_match(rel.as_str()) && !logs.is_match(rel.as_str()) {
            *kind = FileKind::BootMetrics;
        }
    }
    let (mut sources, skipped) = crate::timed("load", || discover::load(found));
    for log in &common.boot_log {
        let bytes = std::fs::read(log).map_err(|e| fail(format!("--boot-log `{}`: {e}", log.display())))?;
        let Some((text, _, _)) = decode(&bytes, true) else { continue };
        let mut f = SourceFile::new(log.to_string_lossy().replace('\\', "/"), text);
        f.kind = FileKind::BootLog;
        sources.add(f);
    }
    add_manifests(&mut sources, root, &common.manifests, &config.manifests)?;
    // The config file is a source too, so evidence can point into it.
    if let Some(p) = &config_path {
        if !p.starts_with(root) || sources.find(&discover::rel_path(p, root)).is_none() {
            if let Ok(text) = std::fs::read_to_string(p) {
                let mut f = SourceFile::new(discover::rel_path(p, root), text);
                f.kind = FileKind::LintConfig;
                sources.add(f);
            }
        }
    }
    let options = Options {
        config,
        boot_times,
        profiles: common.profile.clone(),
        select: None,
        ignore: vec![],
        limits: Default::default(),
    };
    Ok(Prepared {
        root: root.to_path_buf(),
        sources,
        options,
        skipped,
    })
}

/// `--manifests FILE|-` and `[discovery] manifests`: rendered output (Helm, kustomize) read as
/// Kubernetes YAML. Stdin is read once and shown as `<stdin>`; a file inside the root keeps
/// its repository path, one outside it the path as given.
fn add_manifests(sources: &mut SourceSet, root: &Path, args: &[String], globs: &[String]) -> Result<(), u8> {
    use std::io::Read;
    use std::sync::OnceLock;
    static STDIN: OnceLock<Result<String, String>> = OnceLock::new();
    for a in args {
        let (shown, text) = if a == "-" {
            let read = STDIN.get_or_init(|| {
                let mut buf = Vec::new();
                std::io::stdin()
                    .take(discover::MAX_FILE_BYTES)
                    .read_to_end(&mut buf)
                    .map_err(|e| e.to_string())?;
                decode(&buf, false)
                    .map(|(t, _, _)| t)
                    .ok_or_else(|| "stdin is not UTF-8 text".to_string())
            });
            match read {
                Ok(t) => ("<stdin>".to_string(), t.clone()),
                Err(e) => return Err(fail(format!("--manifests -: {e}"))),
            }
        } else {
            let path = Path::new(a);
            let rel = std::fs::canonicalize(path)
                .ok()
                .zip(std::fs::canonicalize(root).ok())
                .and_then(|(p, r)| p.strip_prefix(&r).ok().map(|x| discover::rel_path(x, Path::new(""))));
            if let Some(id) = rel.as_deref().and_then(|r| sources.find(r)) {
                sources.set_kind(id, FileKind::Manifests);
                continue;
            }
            let bytes = std::fs::read(path).map_err(|e| fail(format!("--manifests `{a}`: {e}")))?;
            let Some((text, _, _)) = decode(&bytes, false) else {
                return Err(fail(format!("--manifests `{a}`: not UTF-8 text")));
            };
            (rel.unwrap_or_else(|| a.replace('\\', "/")), text)
        };
        let mut f = SourceFile::new(shown, text);
        f.kind = FileKind::Manifests;
        sources.add(f);
    }
    if !globs.is_empty() {
        let mut b = globset::GlobSetBuilder::new();
        for g in globs {
            b.add(globset::Glob::new(g).map_err(|e| fail(format!("[discovery] manifests: invalid pattern `{g}`: {e}")))?);
        }
        let set = b.build().map_err(|e| fail(format!("[discovery] manifests: {e}")))?;
        let ids: Vec<_> = sources
            .iter()
            .filter(|(_, f)| matches!(f.kind, FileKind::Yaml | FileKind::Json) && set.is_match(&f.path))
            .map(|(id, _)| id)
            .collect();
        for id in ids {
            sources.set_kind(id, FileKind::Manifests);
        }
    }
    Ok(())
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

fn validate_rules(names: &[String], flag: &str) -> Result<(), u8> {
    for n in names {
        if rules::by_name(n).is_none() {
            let hint = config::did_you_mean(n, rules::names())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            return Err(fail(format!("{flag}: unknown rule `{n}`{hint}")));
        }
    }
    Ok(())
}

/// Builds sources and options from in-memory files (rule-doc examples, fuzzing), with the
/// same config and boot-log handling as a directory.
pub fn from_memory(files: &[(String, String)]) -> Result<(SourceSet, Options), String> {
    let mut config = Config::default();
    if let Some((path, text)) = files.iter().find(|(p, _)| p == "actuator-lint.toml" || p == ".actuator-lint.toml") {
        config = config::parse(text, path, &rules::names()).map_err(|e| e.into_iter().map(|e| e.message).collect::<Vec<_>>().join("; "))?;
    }
    let globs = |patterns: &[String]| -> Result<globset::GlobSet, String> {
        let mut b = globset::GlobSetBuilder::new();
        for p in patterns {
            b.add(globset::Glob::new(p).map_err(|e| e.to_string())?);
        }
        b.build().map_err(|e| e.to_string())
    };
    let logs = globs(&config.boot_logs)?;
    let metrics = globs(&config.boot_metrics)?;
    let mut sources = SourceSet::new();
    for (path, text) in files {
        let mut f = SourceFile::new(path.clone(), text.clone());
        if logs.is_match(path) {
            f.kind = FileKind::BootLog;
        } else if metrics.is_match(path) {
            f.kind = FileKind::BootMetrics;
        }
        sources.add(f);
    }
    Ok((
        sources,
        Options {
            config,
            ..Options::default()
        },
    ))
}

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

/// One root after linting (and fixing, and the baseline).
struct Linted {
    prefix: String,
    /// The prefix baselines are keyed on: the root only with several roots, whatever the format.
    key_prefix: String,
    /// Final texts: after `--fix`, the fixed ones.
    sources: SourceSet,
    report: Report,
    skipped: Vec<discover::Skipped>,
    baselined: usize,
    fixed: usize,
}

fn check(args: CheckArgs) -> u8 {
    if let Err(code) = validate_rules(&args.select, "--select").and(validate_rules(&args.ignore, "--ignore")) {
        return code;
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
    let mut diffs = String::new();
    for root in &roots {
        let (p, report) = match lint_root(root, &args) {
            Ok(r) => r,
            Err(code) => return code,
        };
        let prefix = path_prefix(&p.root, roots.len(), args.format);
        let key_prefix = path_prefix(&p.root, roots.len(), Format::Human);
        let l = match fix_root(p, report, (prefix, key_prefix), &args, baseline.as_ref(), &mut diffs) {
            Ok(l) => l,
            Err(code) => return code,
        };
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
    if let Err(e) = emit(&render_report(&args, &linted), args.output.as_deref()) {
        return fail(e);
    }
    exit_status(args.fail_on, &linted)
}

/// What is put before root-relative paths: the root itself with several roots, and for the
/// formats GitHub reads (SARIF, workflow commands), which resolve paths against the checkout,
/// whenever the root is not the current directory (`actuator-lint services/ --format sarif`).
fn path_prefix(root: &Path, roots: usize, format: Format) -> String {
    let shown = root.display().to_string().replace('\\', "/");
    let shown = shown.trim_start_matches("./").trim_end_matches('/');
    let github = matches!(format, Format::Sarif | Format::Github);
    if roots > 1 || (github && !shown.is_empty() && shown != ".") {
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
    diffs: &mut String,
) -> Result<Linted, u8> {
    let f = &args.fixes;
    let fixing = f.fix || f.unsafe_fixes || f.diff;
    let Prepared {
        root,
        sources,
        options,
        skipped,
    } = p;
    if !fixing {
        return Ok(Linted {
            key_prefix: key_prefix.clone(),
            prefix,
            sources,
            report,
            skipped,
            baselined: 0,
            fixed: 0,
        });
    }
    let wanted = |s: &SourceSet, d: &crate::diagnostic::Diagnostic| baseline.is_none_or(|b| !b.contains(s, d, &key_prefix));
    let out = fix::engine::run(&sources, &options, report, f.unsafe_fixes, &wanted);
    for (title, path) in &out.rejected {
        eprintln!("actuator-lint: not applied: {title} (`{prefix}{path}` would no longer parse)");
    }
    if !out.converged {
        eprintln!(
            "actuator-lint: fixes still pending after {} passes; run again to continue",
            fix::engine::MAX_PASSES
        );
    }
    if f.diff {
        let d = fix::apply::diff(&sources, &out.texts);
        diffs.push_str(&if prefix.is_empty() {
            d
        } else {
            d.replace("--- a/", &format!("--- a/{prefix}"))
                .replace("+++ b/", &format!("+++ b/{prefix}"))
        });
        return Ok(Linted {
            key_prefix: key_prefix.clone(),
            prefix,
            sources,
            report: out.report,
            skipped,
            baselined: 0,
            fixed: 0,
        });
    }
    let mut written = 0;
    let mut failed = false;
    for (id, text) in &out.texts {
        match fix::write::write(&root, sources.get(*id), text) {
            Ok(()) => written += 1,
            Err(e) => {
                failed = true;
                eprintln!("actuator-lint: not written: `{prefix}{}`: {e}", sources.path(*id));
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
                skipped,
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
    Ok(Linted {
        key_prefix: key_prefix.clone(),
        prefix,
        sources: out.sources,
        report: out.report,
        skipped,
        baselined: 0,
        fixed: out.applied,
    })
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn show_diff(diffs: &str, args: &CheckArgs) -> u8 {
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

fn emit(text: &str, output: Option<&Path>) -> Result<(), String> {
    match output {
        Some(path) => std::fs::write(path, text).map_err(|e| format!("cannot write `{}`: {e}", path.display())),
        None => std::io::stdout().write_all(text.as_bytes()).map_err(|e| e.to_string()),
    }
}

fn render_report(args: &CheckArgs, linted: &[Linted]) -> String {
    let inputs: Vec<render::Input> = linted
        .iter()
        .map(|l| render::Input {
            sources: &l.sources,
            report: &l.report,
            prefix: &l.prefix,
        })
        .collect();
    if args.statistics {
        return match args.format {
            Format::Json => render::statistics::json(&inputs),
            _ => render::statistics::text(&inputs),
        };
    }
    match args.format {
        Format::Json => {
            let diags = linted
                .iter()
                .flat_map(|l| l.report.diagnostics.iter().map(|d| render::json::convert(&l.sources, d, &l.prefix)))
                .collect();
            let files = linted.iter().map(|l| l.report.files).sum();
            let services = linted.iter().map(|l| l.report.services).sum();
            serde_json::to_string_pretty(&render::json::document(diags, files, services)).unwrap_or_default() + "\n"
        }
        Format::Sarif => render::sarif::render(&inputs),
        Format::Github => render::github::render(&inputs),
        Format::Checkstyle => render::xml::checkstyle(&inputs),
        Format::Junit => render::xml::junit(&inputs),
        Format::Concise => {
            let mut text = String::new();
            for l in linted {
                for line in render::concise::render(&l.sources, &l.report).lines() {
                    text.push_str(&l.prefix);
                    text.push_str(line);
                    text.push('\n');
                }
            }
            text
        }
        Format::Human => human_report(args, linted),
    }
}

fn human_report(args: &CheckArgs, linted: &[Linted]) -> String {
    let color = !args.no_color && args.output.is_none() && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let ropts = RenderOptions {
        color,
        width: if color { terminal_width() } else { 100 },
        links: color && supports_hyperlinks(),
    };
    let mut text = String::new();
    for l in linted {
        text.push_str(&render::human::render_findings(
            &l.sources,
            &l.report.diagnostics,
            &ropts,
            &l.prefix,
        ));
        if !args.quiet {
            let notable: Vec<_> = l.skipped.iter().filter(|s| !s.reason.starts_with("symbolic link")).collect();
            for s in notable {
                eprintln!("actuator-lint: skipped `{}{}`: {}", l.prefix, s.path, s.reason);
            }
            text.push_str(&summary(&l.report, &l.prefix, l.baselined, l.fixed));
        }
    }
    text
}

fn exit_status(fail_on: FailOn, linted: &[Linted]) -> u8 {
    let worst = linted.iter().flat_map(|l| l.report.diagnostics.iter().map(|d| d.severity)).max();
    let threshold = match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    match (threshold, worst) {
        (Some(t), Some(w)) if w >= t => FINDINGS,
        _ => OK,
    }
}

fn summary(report: &Report, prefix: &str, baselined: usize, fixed: usize) -> String {
    let mut line = render::summary_line(report);
    if fixed > 0 {
        line.push_str(&format!("; {} applied", plural(fixed, "fix", "fixes")));
    }
    if baselined > 0 {
        line.push_str(&format!("; {} hidden by the baseline", plural(baselined, "finding", "findings")));
    }
    if prefix.is_empty() {
        format!("{line}\n")
    } else {
        format!("{prefix}: {line}\n")
    }
}

/// OSC-8 hyperlinks: terminals known to support them (FORCE_HYPERLINK=1/0 overrides).
fn supports_hyperlinks() -> bool {
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    match var("FORCE_HYPERLINK").as_str() {
        "1" => return true,
        "0" => return false,
        _ => {}
    }
    if std::env::var_os("CI").is_some() {
        return false;
    }
    let vte = var("VTE_VERSION").parse::<u32>().unwrap_or(0);
    matches!(
        var("TERM_PROGRAM").as_str(),
        "iTerm.app" | "WezTerm" | "vscode" | "ghostty" | "Hyper"
    ) || std::env::var_os("WT_SESSION").is_some()
        || std::env::var_os("KONSOLE_VERSION").is_some()
        || std::env::var_os("DOMTERM").is_some()
        || vte >= 5000
        || ["kitty", "alacritty", "foot", "wezterm"].iter().any(|t| var("TERM").contains(t))
}

/// `COLUMNS` when exported, else the terminal's own width (shells rarely export `COLUMNS`).
fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .or_else(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
        .unwrap_or(100)
        .clamp(60, 200)
}

fn model(args: ModelArgs) -> u8 {
    let p = match prepare(&args.path, &args.common) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let a = crate::analyze(&p.sources, &p.options);
    match args.format {
        ModelFormat::Text => print!("{}", render::model::render(&p.sources, &a)),
        ModelFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&render::model_json::render(&p.sources, &a)).unwrap_or_default()
        ),
    }
    OK
}
