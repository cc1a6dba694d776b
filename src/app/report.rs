//! The report of `check` in the chosen format, its summary and exit status.

use super::check::Linted;
use super::terminal::{supports_hyperlinks, terminal_width};
use super::{plural, FINDINGS, OK};
use crate::cli::{CheckArgs, ColorWhen, FailOn};
use crate::diagnostic::Severity;
use crate::render::{self, Format, RenderOptions};
use crate::Report;
use std::io::IsTerminal;

pub(super) fn render_report(args: &CheckArgs, linted: &[Linted]) -> String {
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
        Format::Sarif => {
            let cwd = std::env::current_dir().ok();
            let base = cwd.map(|d| render::sarif::base_uri(&d.to_string_lossy()));
            render::sarif::render(&inputs, base.as_deref())
        }
        Format::Github => render::github::render(&inputs),
        Format::Gitlab => render::gitlab::render(&inputs),
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
    let tty = args.output.is_none() && std::io::stdout().is_terminal();
    let when = if args.no_color { ColorWhen::Never } else { args.color };
    let color = super::terminal::color(when, tty);
    let ropts = RenderOptions {
        color,
        width: if tty { terminal_width() } else { 100 },
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
            text.push_str(&summary(&l.report, &l.key_prefix, l.baselined, l.fixed));
        }
    }
    text
}

pub(super) fn exit_status(fail_on: FailOn, linted: &[Linted]) -> u8 {
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
