//! What the binary ships stands on its own: the rule docs (`explain`, SARIF help), `--help` and
//! the man page cite no section (`§`) of a document that does not ship, and no internal name of
//! the scenarios the tool was developed against ("seed 000"). Primary sources are cited by URL.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_actuator-lint");

/// Lines of `text` that cite a section of an unshipped document or a seed scenario.
fn offending(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| {
            l.contains('§')
                || l.split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|w| w.eq_ignore_ascii_case("seed"))
        })
        .map(str::to_string)
        .collect()
}

fn output(args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).output().expect("run actuator-lint");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_check_finds_what_it_forbids() {
    assert_eq!(
        offending("see semantics §9.2\nok\nIn seed 000, …\nseeds seeded"),
        ["see semantics §9.2", "In seed 000, …"]
    );
}

#[test]
fn rule_docs_cite_primary_sources_only() {
    let mut bad = vec![];
    let mut docs = 0;
    for entry in std::fs::read_dir("rules").expect("rules/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "md") {
            docs += 1;
            let text = std::fs::read_to_string(&path).expect("read");
            bad.extend(offending(&text).into_iter().map(|l| format!("{}: {l}", path.display())));
        }
    }
    assert!(docs > 30, "only {docs} rule docs found");
    assert!(bad.is_empty(), "cite the primary source instead:\n{}", bad.join("\n"));
}

#[test]
fn what_the_binary_prints_cites_nothing_that_does_not_ship() {
    let mut texts = vec![output(&["--help"]), output(&["man"]), output(&["rules", "--format", "json"])];
    for sub in [
        "check",
        "rules",
        "explain",
        "model",
        "graph",
        "init",
        "completions",
        "man",
        "server",
    ] {
        texts.push(output(&[sub, "--help"]));
    }
    for rule in actuator_lint::rules::names() {
        let doc = output(&["explain", rule]);
        assert!(doc.len() > 200, "`explain {rule}` printed almost nothing");
        texts.push(doc);
    }
    texts.push(output(&["fixtures/scenarios/commerce/repo", "--format", "sarif"]));
    let bad: Vec<String> = texts.iter().flat_map(|t| offending(t)).collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn the_binary_holds_no_such_citation() {
    // Doc comments become help text, and strings can ship without being printed above: look
    // at the bytes. `§` is matched only where a citation would put it (` §9`, `(§8`), since
    // the same two bytes occur by chance in machine code.
    let bytes = std::fs::read(BIN).expect("read the binary");
    let citation = bytes
        .windows(4)
        .position(|w| (w[0] == b' ' || w[0] == b'(') && w[1..3] == [0xC2, 0xA7] && (w[3].is_ascii_digit() || w[3] == b'<'));
    if let Some(at) = citation {
        let around = String::from_utf8_lossy(&bytes[at.saturating_sub(80)..(at + 40).min(bytes.len())]).into_owned();
        panic!("a section citation ships in the binary: {around:?}");
    }
    let word = |i: usize| bytes.get(i).is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
    let seed = bytes
        .windows(4)
        .enumerate()
        .position(|(i, w)| w.eq_ignore_ascii_case(b"seed") && !word(i.wrapping_sub(1)) && !word(i + 4));
    if let Some(at) = seed {
        let around = String::from_utf8_lossy(&bytes[at.saturating_sub(80)..(at + 40).min(bytes.len())]).into_owned();
        panic!("a seed scenario is named in the binary: {around:?}");
    }
}
