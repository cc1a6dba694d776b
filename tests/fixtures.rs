//! One test per `fixtures/**/case.toml`: lint `repo/` the way the CLI does and compare with the
//! expectation files beside it. `BLESS=1 cargo test` rewrites them.

mod support;

use actuator_lint::app::fix_loop;
use actuator_lint::cli::{Cli, Command};
use actuator_lint::fix::apply::diff;
use actuator_lint::render::{self, RenderOptions};
use actuator_lint::rules::{self, FixAvailability};
use clap::Parser;
use datatest_stable::Utf8Path;
use support::assert_expected;

fn run_case(path: &Utf8Path) -> datatest_stable::Result<()> {
    let dir = path.parent().expect("case dir");
    let case: toml_edit::DocumentMut = std::fs::read_to_string(path)?.parse()?;
    if case.get("description").and_then(|d| d.as_str()).is_none_or(str::is_empty) {
        return Err(format!("{path}: `description` is required").into());
    }
    let strings = |k: &str| -> Vec<String> {
        case.get(k)
            .and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    };
    let scenario = dir.components().any(|c| c.as_str() == "scenarios");
    let mut rule_set = strings("rules");
    if rule_set.is_empty() && !scenario {
        let rule = dir.parent().and_then(|p| p.file_name()).unwrap_or_default().to_string();
        rule_set.push(rule);
    }
    let repo = dir.join("repo");
    let mut argv: Vec<String> = vec!["actuator-lint".into(), "check".into(), repo.to_string()];
    argv.extend(strings("args"));
    if !rule_set.is_empty() {
        argv.push("--select".into());
        argv.push(rule_set.join(","));
    }
    let cli = Cli::try_parse_from(&argv)?;
    let Some(Command::Check(args)) = cli.command else {
        unreachable!("argv starts with `check`")
    };
    let (p, report) =
        actuator_lint::app::lint_root(repo.as_std_path(), &args).map_err(|code| format!("{path}: lint failed with exit status {code}"))?;

    // Conventions every diagnostic must meet (clippy's message convention, kube-linter's
    // "every finding says how to fix it", ruff's declared fix availability).
    for d in &report.diagnostics {
        // Lowercase unless it starts with code or a proper noun (a Kubernetes kind, a format).
        const PROPER: &[&str] = &[
            "ServiceMonitor",
            "PodMonitor",
            "Prometheus",
            "Helm",
            "YAML",
            "JSON",
            "TOML",
            "Gradle",
            "Deployment",
            "StatefulSet",
            "Service",
            "Spring",
        ];
        let first_word = d.message.split([' ', ':']).next().unwrap_or("");
        let first = d.message.chars().next().unwrap_or(' ');
        if (first.is_uppercase() && !PROPER.contains(&first_word)) || d.message.ends_with('.') {
            return Err(format!("{path}: message must start lowercase and not end with `.`: {}", d.message).into());
        }
        if d.help.is_none() && d.fix.is_none() {
            return Err(format!("{path}: `{}` diagnostic has neither help nor fix", d.rule).into());
        }
        let meta = rules::by_name(d.rule).expect("registered").meta();
        if meta.fix == FixAvailability::None && d.fix.is_some() {
            return Err(format!("{path}: `{}` declares no fix but attached one", d.rule).into());
        }
    }

    let opts = RenderOptions::default();
    let human = if report.diagnostics.is_empty() {
        String::new()
    } else {
        render::human::render(&p.sources, &report, &opts)
    };
    let mut failures = Vec::new();
    if let Err(e) = assert_expected(&human, dir.join("expected.txt").as_std_path(), true) {
        failures.push(e);
    }
    if scenario {
        if let Err(e) = assert_expected(
            &render::json::render(&p.sources, &report),
            dir.join("expected.json").as_std_path(),
            true,
        ) {
            failures.push(e);
        }
    }

    // Fixes: the CLI's own fix loop (`--fix --unsafe-fixes`), with its acceptance checks; a
    // fixture whose fixes are rejected or do not converge is a bug in a fix.
    let fixed = fix_loop::run(&p.sources, &p.options, report, true, &|_, _| true);
    for r in &fixed.rejected {
        failures.push(format!("{path}: fix rejected: {r}"));
    }
    if !fixed.converged {
        failures.push(format!("{path}: fixes did not converge after {} passes", fix_loop::MAX_PASSES));
    }
    let texts = fixed.texts;
    if let Err(e) = assert_expected(
        &String::from_utf8_lossy(&diff(&p.sources, &texts, "a/", "b/")),
        dir.join("expected.fix.diff").as_std_path(),
        false,
    ) {
        failures.push(e);
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n").into())
    }
}

datatest_stable::harness! {
    { test = run_case, root = "fixtures", pattern = r"case\.toml$" },
}
