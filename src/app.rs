//! Orchestration: the only module besides `discover` that touches the filesystem or stdio.

use crate::cli::{CheckArgs, Cli, Command, CommonArgs, FailOn, ModelArgs, RulesFormat};
use crate::config::{self, Config, ConfigError};
use crate::diagnostic::Severity;
use crate::discover::{self, FileKind};
use crate::render::{self, Format, RenderOptions};
use crate::source::{decode, SourceFile, SourceSet};
use crate::{rules, Options, Report};
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
    }
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
        let s = render::human::render_one(&set, &d, &RenderOptions { color, width: 100 }, "");
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
    if !root.is_dir() {
        return Err(fail(format!("`{}` is not a directory; pass the repository root", root.display())));
    }
    let boot_times = parse_boot_times(&common.boot_time).map_err(fail)?;
    let config_path = match &common.config {
        Some(p) => Some(p.clone()),
        None => ["actuator-lint.toml", ".actuator-lint.toml"]
            .iter()
            .map(|n| root.join(n))
            .find(|p| p.is_file()),
    };
    let mut config = Config::default();
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
    let exclude = globs(&config.exclude, "[discovery] exclude")?;
    let logs = globs(&config.boot_logs, "[probes] boot-logs")?;
    let found = crate::timed("discover", || discover::discover(root, &exclude, &logs));
    let (mut sources, skipped) = crate::timed("load", || discover::load(found));
    for log in &common.boot_log {
        let bytes = std::fs::read(log).map_err(|e| fail(format!("--boot-log `{}`: {e}", log.display())))?;
        let Some((text, _, _)) = decode(&bytes, true) else { continue };
        let mut f = SourceFile::new(log.to_string_lossy().replace('\\', "/"), text);
        f.kind = FileKind::BootLog;
        sources.add(f);
    }
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
    let mut b = globset::GlobSetBuilder::new();
    for p in &config.boot_logs {
        b.add(globset::Glob::new(p).map_err(|e| e.to_string())?);
    }
    let logs = b.build().map_err(|e| e.to_string())?;
    let mut sources = SourceSet::new();
    for (path, text) in files {
        let mut f = SourceFile::new(path.clone(), text.clone());
        if logs.is_match(path) {
            f.kind = FileKind::BootLog;
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
    let mut p = prepare(root, &args.common)?;
    p.options.select = (!args.select.is_empty()).then(|| args.select.clone());
    p.options.ignore = args.ignore.clone();
    let report = crate::lint(&p.sources, &p.options);
    Ok((p, report))
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
    let color = !args.no_color && args.output.is_none() && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let ropts = RenderOptions {
        color,
        width: if color { terminal_width() } else { 100 },
    };
    let mut text = String::new();
    let mut json_diags = Vec::new();
    let (mut files, mut services) = (0, 0);
    let mut worst: Option<Severity> = None;
    for root in &roots {
        let (p, report) = match lint_root(root, &args) {
            Ok(r) => r,
            Err(code) => return code,
        };
        files += report.files;
        services += report.services;
        worst = report.diagnostics.iter().map(|d| d.severity).max().max(worst);
        let prefix = if roots.len() > 1 {
            format!("{}/", p.root.display().to_string().trim_end_matches('/'))
        } else {
            String::new()
        };
        match args.format {
            Format::Json => json_diags.extend(report.diagnostics.iter().map(|d| render::json::convert(&p.sources, d, &prefix))),
            Format::Concise => {
                for line in render::concise::render(&p.sources, &report).lines() {
                    text.push_str(&prefix);
                    text.push_str(line);
                    text.push('\n');
                }
            }
            Format::Human => {
                for d in &report.diagnostics {
                    text.push_str(&render::human::render_one(&p.sources, d, &ropts, &prefix));
                    text.push('\n');
                }
                if !args.quiet {
                    let notable: Vec<_> = p.skipped.iter().filter(|s| !s.reason.starts_with("symbolic link")).collect();
                    for s in notable {
                        eprintln!("actuator-lint: skipped `{}{}`: {}", prefix, s.path, s.reason);
                    }
                    text.push_str(&summary(&report, &prefix));
                }
            }
        }
    }
    if args.format == Format::Json {
        let doc = render::json::document(json_diags, files, services);
        text = serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n";
    }
    let written = match &args.output {
        Some(path) => std::fs::write(path, &text).map_err(|e| format!("cannot write `{}`: {e}", path.display())),
        None => std::io::stdout().write_all(text.as_bytes()).map_err(|e| e.to_string()),
    };
    if let Err(e) = written {
        return fail(e);
    }
    let threshold = match args.fail_on {
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

fn summary(report: &Report, prefix: &str) -> String {
    let line = render::summary_line(report);
    if prefix.is_empty() {
        format!("{line}\n")
    } else {
        format!("{prefix}: {line}\n")
    }
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100)
        .clamp(60, 200)
}

fn model(args: ModelArgs) -> u8 {
    let p = match prepare(&args.path, &args.common) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let a = crate::analyze(&p.sources, &p.options);
    print!("{}", render::model::render(&p.sources, &a));
    OK
}
