//! Shell and terminal: completions in a real bash, colour by flag and environment, wrapping by
//! display width.

use std::process::Command;

const REPO: &str = "fixtures/scenarios/commerce/repo";

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_actuator-lint"));
    for v in ["NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "CLICOLOR", "COLUMNS"] {
        c.env_remove(v);
    }
    c
}

/// What bash offers after typing `words` (the last one is being completed).
fn complete(script: &std::path::Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        r#"source '{}'
COMP_WORDS=({})
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_LINE="${{COMP_WORDS[*]}}"; COMP_POINT=${{#COMP_LINE}}
_actuator__lint actuator-lint "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}""#,
        script.display(),
        quoted.join(" ")
    );
    let out = Command::new("bash").args(["--norc", "-c", &program]).output().expect("bash runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
}

#[test]
fn bash_completes_after_subcommands_and_completes_rule_names() {
    let out = bin().args(["completions", "bash"]).output().unwrap();
    assert!(out.status.success());
    let script = std::env::temp_dir().join(format!("actuator-lint-completion-{}.bash", std::process::id()));
    std::fs::write(&script, &out.stdout).unwrap();
    let c = |words: &[&str]| complete(&script, words);
    assert_eq!(c(&["actuator-lint", "ch"]), ["check"]);
    assert_eq!(c(&["actuator-lint", "check", "--fo"]), ["--format"]);
    assert!(c(&["actuator-lint", "check", "--format", ""]).contains(&"gitlab".to_string()));
    assert!(c(&["actuator-lint", "model", "--"]).contains(&"--boot-time".to_string()));
    assert_eq!(
        c(&["actuator-lint", "explain", "liveness-b"]),
        ["liveness-budget-too-short"],
        "rule names after explain"
    );
    for flag in ["--select", "--ignore"] {
        assert_eq!(
            c(&["actuator-lint", "check", flag, "liveness-d"]),
            ["liveness-delay-redundant"],
            "{flag}"
        );
        assert_eq!(
            c(&["actuator-lint", flag, "liveness-d"]),
            ["liveness-delay-redundant"],
            "{flag} without `check`"
        );
    }
    let all: Vec<String> = c(&["actuator-lint", "explain", ""])
        .into_iter()
        .filter(|w| !w.starts_with('-'))
        .collect();
    let rules = bin().args(["rules", "--format", "json"]).output().unwrap();
    let rules: serde_json::Value = serde_json::from_slice(&rules.stdout).unwrap();
    assert_eq!(all.len(), rules.as_array().unwrap().len(), "every rule, nothing else");
    std::fs::remove_file(&script).unwrap();
}

#[test]
fn a_misspelt_rule_is_refused_with_did_you_mean() {
    for args in [
        &["--select", "liveness-budget-to-short", REPO][..],
        &["explain", "liveness-budget-to-short"],
    ] {
        let out = bin().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("unknown rule `liveness-budget-to-short` (did you mean `liveness-budget-too-short`?)"),
            "{err}"
        );
    }
}

fn coloured(args: &[&str], env: &[(&str, &str)]) -> bool {
    let mut c = bin();
    c.arg(REPO).args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    String::from_utf8_lossy(&out.stdout).contains('\u{1b}')
}

#[test]
fn colour_follows_the_flag_then_the_environment() {
    // Not a terminal here: `auto` means no colour unless the environment forces it.
    assert!(!coloured(&[], &[]));
    assert!(!coloured(&["--color", "auto"], &[]));
    assert!(coloured(&["--color", "always"], &[]));
    assert!(coloured(&["--color", "always"], &[("NO_COLOR", "1")]), "the flag wins");
    assert!(!coloured(&["--color", "never"], &[("FORCE_COLOR", "1")]), "the flag wins");
    assert!(!coloured(&["--no-color"], &[("FORCE_COLOR", "1")]));
    assert!(coloured(&[], &[("FORCE_COLOR", "1")]));
    assert!(coloured(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!coloured(&[], &[("FORCE_COLOR", "0")]));
    assert!(!coloured(&[], &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]), "NO_COLOR is the user's");
    assert!(
        !coloured(&["--format", "concise"], &[("FORCE_COLOR", "1")]),
        "only the human report"
    );
    let out = bin().args([REPO, "--color", "sometimes"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
