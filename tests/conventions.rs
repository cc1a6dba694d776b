//! Meta-tests that keep the conventions honest: registry, docs, fixtures, README.

use actuator_lint::rules::{self, FixAvailability};
use std::fs;
use std::path::Path;

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.split('-')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
}

#[test]
fn registry_is_sorted_unique_and_kebab_case() {
    let names = rules::names();
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(names, sorted, "src/rules/mod.rs `ALL` must be sorted by name, without duplicates");
    for n in &names {
        assert!(is_kebab(n), "rule name `{n}` is not kebab-case");
    }
}

#[test]
fn every_rule_file_is_named_after_its_rule() {
    for r in rules::ALL {
        let name = r.meta().name;
        let file = format!("{}.rs", name.replace('-', "_"));
        let dir = Path::new("src/rules").join(r.meta().category.as_str());
        assert!(
            dir.join(&file).is_file(),
            "rule `{name}` must live in {}",
            dir.join(&file).display()
        );
    }
}

#[test]
fn every_rule_has_a_complete_doc_and_nothing_else_is_in_rules() {
    const SECTIONS: &[&str] = &[
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Use instead",
        "## Fix safety",
    ];
    for r in rules::ALL {
        let m = r.meta();
        assert!(
            m.doc.starts_with(&format!("# {}\n", m.name)),
            "rules/{}.md must start with `# {}`",
            m.name,
            m.name
        );
        let mut last = 0;
        for s in SECTIONS {
            let at = m
                .doc
                .find(&format!("\n{s}\n"))
                .unwrap_or_else(|| panic!("rules/{}.md lacks `{s}`", m.name));
            assert!(at > last, "rules/{}.md: `{s}` is out of order", m.name);
            last = at;
        }
        // The docs ship in the binary: they cite primary sources a user can open.
        let refs = m.doc.find("\n## References\n").map(|at| &m.doc[at..]);
        assert!(
            refs.is_some_and(|r| r.contains("https://")) || m.name == "unused-suppression",
            "rules/{}.md must cite its primary sources by URL under `## References`",
            m.name
        );
    }
    let names = rules::names();
    for e in fs::read_dir("rules").unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if name == "README.md" {
            continue;
        }
        let rule = name.strip_suffix(".md").unwrap_or(&name);
        assert!(names.contains(&rule), "rules/{name} belongs to no registered rule");
    }
}

fn expected_rules(case: &Path) -> Vec<String> {
    // The human render starts each diagnostic with its rule name on a line of its own.
    let text = fs::read_to_string(case.join("expected.txt")).unwrap_or_default();
    let names = rules::names();
    text.lines()
        .map(str::trim)
        .filter(|l| names.contains(l))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_rule_has_a_failing_and_an_ok_fixture() {
    let names = rules::names();
    for e in fs::read_dir("fixtures").unwrap() {
        let e = e.unwrap();
        if !e.file_type().unwrap().is_dir() {
            continue;
        }
        let dir = e.file_name().to_string_lossy().into_owned();
        assert!(
            dir == "scenarios" || names.contains(&dir.as_str()),
            "fixtures/{dir} is neither a rule nor `scenarios`"
        );
    }
    for n in names {
        let dir = Path::new("fixtures").join(n);
        let cases: Vec<_> = fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("{} is missing", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.join("case.toml").is_file())
            .collect();
        let (ok, failing): (Vec<_>, Vec<_>) = cases
            .iter()
            .partition(|p| p.file_name().unwrap().to_string_lossy().starts_with("ok-"));
        assert!(!ok.is_empty(), "{} needs an `ok-*` case", dir.display());
        assert!(!failing.is_empty(), "{} needs a failing case", dir.display());
        for c in &ok {
            assert!(!expected_rules(c).iter().any(|r| r == n), "{} must not report `{n}`", c.display());
        }
        for c in &failing {
            assert!(expected_rules(c).iter().any(|r| r == n), "{} must report `{n}`", c.display());
        }
    }
}

#[test]
fn declared_fix_availability_matches_fixtures() {
    // A rule that says it can fix must show a fix somewhere in its fixtures.
    for r in rules::ALL {
        let m = r.meta();
        if m.fix == FixAvailability::None {
            continue;
        }
        let dir = Path::new("fixtures").join(m.name);
        let any = fs::read_dir(&dir).unwrap().any(|e| {
            let p = e.unwrap().path();
            fs::read_to_string(p.join("expected.txt")).is_ok_and(|t| t.contains("fix: "))
        });
        assert!(any, "`{}` declares fixes but none of {} shows one", m.name, dir.display());
    }
}

#[test]
fn readme_rule_table_is_current() {
    let readme = fs::read_to_string("README.md").unwrap();
    let start = readme.find("<!-- rules:start -->\n").expect("README lacks <!-- rules:start -->") + "<!-- rules:start -->\n".len();
    let end = readme.find("<!-- rules:end -->").expect("README lacks <!-- rules:end -->");
    let table = actuator_lint::app::rules_table();
    if readme[start..end] != table {
        if std::env::var_os("BLESS").is_some() {
            let new = format!("{}{}{}", &readme[..start], table, &readme[end..]);
            fs::write("README.md", new).unwrap();
            return;
        }
        panic!("the README rule table is stale; run `BLESS=1 cargo test` (or paste `actuator-lint rules`)");
    }
}
