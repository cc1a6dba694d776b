//! The layering of docs/architecture.md, enforced: which top-level module may import which
//! (read from the `crate::…` paths in src/, test code excluded), and "rules are leaves" in
//! src/rules/<category>/ (one registered rule per file, nothing else). Where the tree does not
//! satisfy a rule yet, the exception is listed below with the issue that removes it; an
//! exception that no longer occurs fails the test, so the list can only shrink.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Layers from the bottom; a module may import its own layer and the layers below it.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "base",
        &[
            "source",
            "ids",
            "typed_id",
            "file_kind",
            "diagnostic",
            "suggest",
            "duration",
            "timing",
        ],
    ),
    ("load", &["discover", "config", "maven_repo"]),
    ("classify", &["classify"]),
    ("parse", &["parse"]),
    ("model", &["model"]),
    ("link", &["link"]),
    ("edit", &["edit"]),
    ("rules", &["rules", "declare_rule"]),
    ("filter", &["suppress", "fingerprint", "report"]),
    ("output", &["render", "fix"]),
    // `crate::Options`, `crate::lint`, … are the items of lib.rs.
    ("driver", &["app", "cli", "init", "fuzzing", "incremental", "testing", "crate root"]),
];

/// Same layer, but independent of each other: a renderer never edits, a fix never renders.
const SIBLINGS_APART: &[(&str, &str)] = &[("render", "fix"), ("fix", "render")];

/// Imports that break the layering today: (importing file or directory, imported top-level
/// module, why it is still there).
const LAYER_EXCEPTIONS: &[(&str, &str, &str)] = &[];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn slash(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// The top-level module a file belongs to (`src/model/kube.rs` → `model`).
fn owner(file: &str) -> String {
    let rest = file.trim_start_matches("src/");
    match rest.split_once('/') {
        Some((dir, _)) => dir.to_string(),
        None if rest == "lib.rs" || rest == "main.rs" => "crate root".to_string(),
        None => rest.trim_end_matches(".rs").to_string(),
    }
}

/// Code without comments and without test modules (`#[cfg(test)] mod x { … }` to the end of
/// the file, which is where this code base keeps them; `tests.rs` files are skipped whole).
fn code(text: &str) -> String {
    let mut out = String::new();
    let mut pending_cfg_test = false;
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") {
            pending_cfg_test = true;
            continue;
        }
        if pending_cfg_test && (t.starts_with("mod ") || t.starts_with("pub mod ")) && t.ends_with('{') {
            break;
        }
        pending_cfg_test = false;
        let line = line.split_once("//").map_or(line, |(code, _)| code);
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The first segment of every `crate::` path: `crate::model::Workspace` → `model`,
/// `crate::{discover, file_kind::FileKind}` → `discover`, `file_kind`.
fn crate_paths(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let b = code.as_bytes();
    let mut from = 0;
    while let Some(at) = code[from..].find("crate::") {
        let start = from + at;
        from = start + "crate::".len();
        if start > 0 && (b[start - 1].is_ascii_alphanumeric() || b[start - 1] == b'_' || b[start - 1] == b'$') {
            continue;
        }
        if b.get(from) == Some(&b'{') {
            // A use tree: the first identifier of each top-level item.
            let mut depth = 0;
            let mut expect_name = true;
            let mut i = from;
            while i < b.len() {
                match b[i] {
                    b'{' => {
                        depth += 1;
                        expect_name = depth == 1;
                    }
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    b',' if depth == 1 => expect_name = true,
                    c if expect_name && (c.is_ascii_alphabetic() || c == b'_') => {
                        let end = code[i..]
                            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                            .map_or(code.len(), |n| i + n);
                        out.insert(code[i..end].to_string());
                        expect_name = false;
                        i = end;
                        continue;
                    }
                    _ => {}
                }
                i += 1;
            }
        } else {
            let end = code[from..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(code.len(), |n| from + n);
            if end > from {
                out.insert(code[from..end].to_string());
            }
        }
    }
    out
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, members)| members.contains(&module))
}

/// What `crate::<segment>` names: a top-level module, or an item of lib.rs (the driver).
fn target(segment: &str) -> String {
    if layer_of(segment).is_some() {
        segment.to_string()
    } else {
        "crate root".to_string()
    }
}

fn sources() -> Vec<(String, String)> {
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    files
        .iter()
        .map(|p| (slash(p), std::fs::read_to_string(p).expect("readable source")))
        .collect()
}

/// Files that are test modules: declared `#[cfg(test)] mod x;` by their parent.
fn test_modules(sources: &[(String, String)]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (file, text) in sources {
        let dir = match file.rsplit_once('/') {
            Some((dir, "mod.rs" | "lib.rs" | "main.rs")) => dir.to_string(),
            _ => file.trim_end_matches(".rs").to_string(),
        };
        let mut cfg_test = false;
        for line in text.lines().map(str::trim) {
            if let Some(name) = line.strip_prefix("mod ").and_then(|l| l.strip_suffix(';')) {
                if cfg_test {
                    out.insert(format!("{dir}/{name}.rs"));
                    out.insert(format!("{dir}/{name}/mod.rs"));
                }
            }
            cfg_test = line.starts_with("#[cfg(test)]");
        }
    }
    out
}

#[test]
fn every_top_level_module_has_a_layer() {
    let mut missing = BTreeSet::new();
    for (file, _) in sources() {
        let m = owner(&file);
        if layer_of(&m).is_none() {
            missing.insert(m);
        }
    }
    assert!(
        missing.is_empty(),
        "top-level modules without a layer (add them to LAYERS and docs/architecture.md): {missing:?}"
    );
}

#[test]
fn imports_follow_the_layers() {
    let mut violations = Vec::new();
    let mut used = BTreeSet::new();
    let sources = sources();
    let test_files = test_modules(&sources);
    for (file, text) in sources {
        if test_files.contains(&file) {
            continue;
        }
        let from = owner(&file);
        let Some(from_layer) = layer_of(&from) else { continue };
        for segment in crate_paths(&code(&text)) {
            let to = target(&segment);
            if to == from {
                continue;
            }
            let to_layer = layer_of(&to).expect("target has a layer");
            let upward = to_layer > from_layer;
            let apart = SIBLINGS_APART.contains(&(from.as_str(), to.as_str()));
            if !(upward || apart) {
                continue;
            }
            match LAYER_EXCEPTIONS
                .iter()
                .position(|(prefix, module, _)| file.starts_with(prefix) && *module == to)
            {
                Some(k) => {
                    used.insert(k);
                }
                None => violations.push(format!(
                    "{file} imports crate::{segment} ({} layer `{}` from `{}`)",
                    if upward { "upward:" } else { "sibling:" },
                    LAYERS[to_layer].0,
                    LAYERS[from_layer].0
                )),
            }
        }
    }
    assert!(
        violations.is_empty(),
        "imports against docs/architecture.md:\n{}",
        violations.join("\n")
    );
    let stale: Vec<String> = LAYER_EXCEPTIONS
        .iter()
        .enumerate()
        .filter(|(k, _)| !used.contains(k))
        .map(|(_, (prefix, module, why))| format!("{prefix} → {module} ({why})"))
        .collect();
    assert!(
        stale.is_empty(),
        "these exceptions no longer occur; remove them from LAYER_EXCEPTIONS:\n{}",
        stale.join("\n")
    );
}

/// The rule a rule file declares: the name in `declare_rule!(Name {`.
fn declared_rules(code: &str) -> Vec<String> {
    code.match_indices("declare_rule!(")
        .map(|(at, m)| {
            let rest = &code[at + m.len()..];
            rest[..rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len())].to_string()
        })
        .collect()
}

/// Rules are leaves: src/rules/<category>/ holds mod.rs (module declarations only) and rule
/// files, each declaring exactly one rule that the registry (src/rules/mod.rs) lists exactly
/// once, exporting nothing else and importing no other rule. Shared analysis belongs in
/// link/, shared edit builders in edit/, shared phrases in rules/wording.rs.
#[test]
fn rule_categories_hold_only_rule_files() {
    let sources = sources();
    let registry = sources
        .iter()
        .find(|(f, _)| f == "src/rules/mod.rs")
        .map(|(_, t)| code(t))
        .expect("src/rules/mod.rs");
    let mut problems = Vec::new();
    let mut rule_files = 0;
    for (file, text) in &sources {
        let Some(rest) = file.strip_prefix("src/rules/") else { continue };
        let Some((category, name)) = rest.split_once('/') else { continue };
        let code = code(text);
        if name.contains('/') {
            problems.push(format!("{file}: rule categories hold files, not directories"));
            continue;
        }
        if name == "mod.rs" {
            for line in code.lines().map(str::trim).filter(|l| !l.is_empty()) {
                let declared = line
                    .strip_prefix("pub mod ")
                    .or_else(|| line.strip_prefix("mod "))
                    .and_then(|l| l.strip_suffix(';'));
                if declared.is_none() {
                    problems.push(format!("{file}: a category's mod.rs only declares its rule files, found `{line}`"));
                }
            }
            continue;
        }
        rule_files += 1;
        let stem = name.trim_end_matches(".rs");
        match declared_rules(&code).as_slice() {
            [rule] => {
                let entry = format!("&{category}::{stem}::{rule},");
                let listed = registry.matches(&entry).count();
                if listed != 1 {
                    problems.push(format!(
                        "{file}: `{entry}` is listed {listed} times in src/rules/mod.rs; a rule is registered exactly once"
                    ));
                }
            }
            rules => problems.push(format!("{file} declares {} rules; a rule file declares exactly one", rules.len())),
        }
        for line in code.lines() {
            let exported = [
                "pub fn ",
                "pub const ",
                "pub static ",
                "pub struct ",
                "pub enum ",
                "pub type ",
                "pub mod ",
                "pub use ",
                "pub trait ",
            ]
            .iter()
            .any(|p| line.trim_start().starts_with(p));
            if exported {
                problems.push(format!("{file}: `{}` — a rule file exports nothing but its rule", line.trim()));
            }
        }
        for segment in [
            "crate::rules::build::",
            "crate::rules::exposure::",
            "crate::rules::meta::",
            "crate::rules::probes::",
            "crate::rules::scrape::",
            "super::",
        ] {
            if code.contains(segment) {
                problems.push(format!(
                    "{file} reaches into another rule (`{segment}`); share through link/, edit/ or rules/wording.rs"
                ));
            }
        }
    }
    assert!(
        rule_files >= 30,
        "found only {rule_files} rule files; is the test reading src/rules/?"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_rule_file_checks_see_declarations() {
    let text = "use crate::declare_rule;\ndeclare_rule!(FooBar {\n    name: \"foo-bar\",\n});\n// declare_rule!(Commented {\n";
    assert_eq!(declared_rules(&code(text)), ["FooBar"]);
}

#[test]
fn the_path_reader_sees_use_trees_and_ignores_tests_and_comments() {
    let text = "use crate::{discover, file_kind::FileKind};\nuse crate::model::{self, Workspace};\n// crate::app is only mentioned\nfn f() { crate::timing::timed(\"x\", || ()); }\n#[cfg(test)]\nmod tests {\n    use crate::testing::from_memory;\n}\n";
    let found: Vec<String> = crate_paths(&code(text)).into_iter().collect();
    assert_eq!(found, ["discover", "file_kind", "model", "timing"]);
    assert_eq!(owner("src/model/kube.rs"), "model");
    assert_eq!(owner("src/lib.rs"), "crate root");
    assert_eq!(target("Options"), "crate root");
    let parent = (
        "src/model/spring.rs".to_string(),
        "#[cfg(test)]\nmod precedence;\nmod files;\n".to_string(),
    );
    let tests = test_modules(&[parent]);
    assert!(tests.contains("src/model/spring/precedence.rs"));
    assert!(!tests.contains("src/model/spring/files.rs"));
}
