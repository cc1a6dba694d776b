//! Issue 18, defect 7: every input has a limit with a diagnostic when exceeded, every stage is
//! linear, and memory stays a small multiple of the input (or under a fixed bound). Sizes are
//! small enough for a debug build; the assertions are on growth ratios, peak allocation and
//! output, never on wall time (timings are in the README, from release builds).

use actuator_lint::parse::gradle::{parse_build, Dsl};
use actuator_lint::source::SourceSet;
use actuator_lint::Options;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::Mutex;

/// The system allocator, counting live bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
            PEAK.fetch_max(now, Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size(), Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// The counters see every thread: each test holds this for its whole run, so no other test
/// allocates while one measures.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

/// Bytes allocated at the peak of `f`, beyond what was live before it (under `serial`).
fn peak_of<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let before = LIVE.load(Relaxed);
    PEAK.store(before, Relaxed);
    let out = f();
    (PEAK.load(Relaxed) - before, out)
}

/// Unclosed blocks (`a {` repeated) took 14 s for 600 KB and 3 GB for 4 MB: each unclosed
/// `{` was a diagnostic showing its line, and one line held them all. Now a script reports
/// at most ten syntax errors (the last says how many more), and the parse grows linearly.
#[test]
fn unclosed_blocks_are_linear_and_reported_once_per_kind() {
    let _serial = serial();
    for unit in ["a {\n", "a { "] {
        let small = unit.repeat(10_000);
        let large = unit.repeat(40_000);
        let (peak_small, (_, issues_small)) = peak_of(|| parse_build(&small, Dsl::Kotlin));
        let (peak_large, (_, issues)) = peak_of(|| parse_build(&large, Dsl::Kotlin));
        assert_eq!(issues_small.len(), 10);
        assert_eq!(issues.len(), 10, "{unit:?}: {} issues", issues.len());
        assert!(
            issues[9].message.ends_with("(and 39990 more syntax errors after this one)"),
            "{}",
            issues[9].message
        );
        // Four times the input, at most about four times the memory (not sixteen).
        assert!(peak_large < 5 * peak_small, "{unit:?}: {peak_small} → {peak_large} bytes");
        assert!(
            peak_large < 100 * large.len(),
            "{unit:?}: {peak_large} bytes for {} bytes",
            large.len()
        );
    }
}

/// 15 MiB of `\` held 1.35 GB in the Gradle lexer (a table of chars at 16 bytes per byte, and
/// one token per byte). The lexer reads the text in place and stops at 250,000 tokens; the
/// script is then unknown and says so (`analysis-gap`), whatever the file's size.
#[test]
fn the_gradle_lexer_holds_a_bounded_number_of_tokens() {
    let _serial = serial();
    let small = "\\".repeat(1 << 20);
    let large = "\\".repeat(4 << 20);
    let (peak_small, (_, issues_small)) = peak_of(|| parse_build(&small, Dsl::Groovy));
    let (peak_large, (_, issues)) = peak_of(|| parse_build(&large, Dsl::Groovy));
    for issues in [&issues_small, &issues] {
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert!(
            issues[0].limit && issues[0].message.starts_with("more than 250,000 tokens"),
            "{issues:?}"
        );
    }
    assert!(
        peak_large < peak_small + (1 << 20),
        "not bounded: {peak_small} → {peak_large} bytes"
    );
    assert!(peak_large < 40 << 20, "{peak_large} bytes");

    let mut s = SourceSet::new();
    s.add_text("build.gradle", &small);
    let r = actuator_lint::lint(&s, &Options::default());
    let gap = r
        .diagnostics
        .iter()
        .find(|d| d.rule == "analysis-gap")
        .expect("the cut is reported");
    assert!(
        gap.message.contains("`build.gradle` is not analysed: more than 250,000 tokens"),
        "{}",
        gap.message
    );
    assert!(
        r.diagnostics.iter().all(|d| d.rule != "parse-error"),
        "a limit is not a syntax error"
    );
}

/// `--fix` on a 16 MiB one-line properties file held 557 MB. The fix loop's memory grows by a
/// small multiple of the file: measured here on a CR-only file (one "line" for LF counting)
/// that a fix edits, at two sizes, so that what does not depend on the input cancels out.
#[test]
fn fixing_a_long_one_line_file_keeps_memory_proportional() {
    let _serial = serial();
    let (small_size, small) = fix_peak(128 * 1024);
    let (large_size, large) = fix_peak(512 * 1024);
    let growth = large.saturating_sub(small) / (large_size - small_size);
    assert!(growth <= 12, "{growth} bytes per byte of input ({small} → {large})");
}

/// The size of the padded properties file and the peak of linting and fixing the fixture with it.
fn fix_peak(pad: usize) -> (usize, usize) {
    let dir = "fixtures/config-breaks-startup/trailing-comma-in-include/repo";
    let mut files = Vec::new();
    collect(std::path::Path::new(dir), &mut files);
    files.sort();
    let pad = "a".repeat(pad);
    let mut s = SourceSet::new();
    let mut size = 0;
    for p in &files {
        let rel = p.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
        let mut text = std::fs::read_to_string(p).unwrap();
        if rel.ends_with("application.properties") {
            text = format!("{text}#{pad}\n").replace('\n', "\r");
            size = text.len();
        }
        s.add_text(&rel, &text);
    }
    let options = Options::default();
    let (peak, fixed) = peak_of(|| {
        let first = actuator_lint::lint(&s, &options);
        actuator_lint::app::fix_loop::run(&s, &options, first, true, &|_, _| true)
    });
    assert!(fixed.applied > 0, "the fix applies");
    (size, peak)
}

fn collect(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempRepo(std::path::PathBuf);

impl TempRepo {
    fn new(name: &str) -> TempRepo {
        let root = std::env::temp_dir().join(format!("actuator-lint-limits-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        TempRepo(root)
    }
    fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> &Self {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }
}

impl Drop for TempRepo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(root: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_actuator-lint"))
        .arg(root)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const BUILD: &str = "plugins { id(\"org.springframework.boot\") version \"3.3.4\" }\ndependencies {\n    implementation(libs.spring.boot.starter.actuator)\n}\n";

/// 200,000 `.gitignore` globs took 2.5 GB in the walker. An ignore file over 5,000 patterns
/// is not applied: at the root, no ignore file is (the default excludes still are); below it,
/// its directory is not entered. Either way an `analysis-gap` names the file and the limit.
#[test]
fn an_oversized_gitignore_is_reported_not_compiled() {
    let _serial = serial();
    let globs: String = (0..6_000).map(|i| format!("generated-{i}/\n")).collect();
    let r = TempRepo::new("gitignore");
    r.write("settings.gradle.kts", "include(\"orders\")\n")
        .write("orders/build.gradle.kts", "plugins { java }\n")
        .write("tools/.gitignore", &globs)
        .write("tools/build.gradle.kts", "this does not { parse\n");
    let (code, out, err) = run(&r.0, &["--format", "concise"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        // The message names the file as the report does (the root as given, outside the cwd).
        out.contains(&format!(
            "tools/.gitignore:1:1: info[analysis-gap]: `{}/tools/.gitignore` was found but not analysed: more than 5000 patterns, over the limit; the directory `tools` was not analysed",
            r.0.display()
        )),
        "{out}"
    );
    assert!(!out.contains("parse-error"), "the directory is not entered:\n{out}");

    r.write(".gitignore", format!("{globs}ignored/\n"))
        .write("ignored/build.gradle.kts", "this does not { parse either\n");
    let (code, out, _) = run(&r.0, &["--format", "concise"]);
    assert_eq!(code, 1, "no ignore file applies, so `ignored/` is read:\n{out}");
    assert!(
        out.contains(&format!(
            "`{}/.gitignore` was found but not analysed: more than 5000 patterns, over the limit; no .gitignore or .ignore file was applied",
            r.0.display()
        )),
        "{out}"
    );
    assert!(out.contains("ignored/build.gradle.kts:1:"), "{out}");
}

/// The walker also reads the ignore files of the directories above the linted one (a
/// subdirectory is linted as git sees it): those are bounded the same way. Over the limit,
/// none of them is applied and an `analysis-gap` names the file, relative to the root.
#[test]
fn an_oversized_gitignore_above_the_root_is_reported_not_compiled() {
    let _serial = serial();
    let globs: String = (0..6_000).map(|i| format!("generated-{i}/\n")).collect();
    let r = TempRepo::new("gitignore-above");
    r.write(".gitignore", format!("{globs}ignored/\n"))
        .write("sub/settings.gradle.kts", "include(\"orders\")\n")
        .write("sub/orders/build.gradle.kts", "plugins { java }\n")
        .write("sub/ignored/build.gradle.kts", "this does not { parse\n");
    let (code, out, _) = run(&r.0.join("sub"), &["--format", "concise"]);
    assert_eq!(code, 1, "the ignore file above is not applied, so `ignored/` is read:\n{out}");
    assert!(
        out.contains("../.gitignore:1:1: info[analysis-gap]:")
            && out
                .contains("more than 5000 patterns, over the limit; no .gitignore or .ignore file above the linted directory was applied"),
        "{out}"
    );
    assert!(out.contains("ignored/build.gradle.kts:1:"), "{out}");

    // Within the limit, the ignore file above applies as git would apply it.
    r.write(".gitignore", "ignored/\n");
    let (code, out, _) = run(&r.0.join("sub"), &["--format", "concise"]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("ignored/build.gradle.kts") && !out.contains("analysis-gap"), "{out}");
}

/// A version catalog of 200,000 entries took 750 MB (its TOML reader keeps every span). Over
/// 1 MiB it is not read: an `analysis-gap` names it, and what it would declare is unknown, not
/// missing.
#[test]
fn an_oversized_version_catalog_is_unknown_not_empty() {
    let _serial = serial();
    let mut catalog =
        String::from("[libraries]\nspring-boot-starter-actuator = \"org.springframework.boot:spring-boot-starter-actuator:3.3.4\"\n");
    for i in 0..20_000 {
        catalog.push_str(&format!("lib{i} = {{ module = \"com.example:lib{i}\", version = \"1.0.{i}\" }}\n"));
    }
    assert!(catalog.len() > 1024 * 1024);
    let r = TempRepo::new("catalog");
    r.write("settings.gradle.kts", "rootProject.name = \"orders\"\n")
        .write("build.gradle.kts", BUILD)
        .write("gradle/libs.versions.toml", &catalog)
        .write("src/main/resources/application.properties", "management.endpoints.web.exposure.include=health,prometheus\n")
        .write(
            "k8s/monitor.yaml",
            "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: orders\nspec:\n  selector:\n    matchLabels: {app: orders}\n  endpoints:\n    - port: http\n      path: /actuator/prometheus\n",
        );
    let (code, out, err) = run(&r.0, &["--format", "concise"]);
    assert!(
        out.contains(&format!(
            "gradle/libs.versions.toml:1:1: info[analysis-gap]: `{}/gradle/libs.versions.toml` was found but not analysed: {} bytes, larger than the 1 MiB limit for a version catalog",
            r.0.display(),
            catalog.len()
        )),
        "{out}"
    );
    assert!(
        !out.contains("actuator-starter-missing"),
        "the catalog's entries are unknown, not absent:\n{out}"
    );
    assert!(code <= 1, "{err}");
}

/// `--boot-log` of 300 MB held 1.2 GB. A log named on the command line over 16 MiB is refused
/// (exit 2, saying what to pass instead), never read whole or silently cut.
#[test]
fn a_boot_log_over_the_limit_is_refused() {
    let _serial = serial();
    let r = TempRepo::new("bootlog");
    r.write("settings.gradle.kts", "rootProject.name = \"orders\"\n");
    let line = "2024-05-01T10:00:00.123Z  INFO 1 --- [main] c.e.OrdersApplication : Started OrdersApplication in 3.2 seconds\n";
    let log = r.0.join("boot.log");
    std::fs::write(&log, line.repeat(17 * 1024 * 1024 / line.len())).unwrap();
    let (code, _, err) = run(&r.0, &["--boot-log", log.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("larger than the 16 MiB limit, not read"), "{err}");
}

/// A finding far into a long line panicked the human report (miette pads a label to its
/// column, and a column past 65,535 is out of range), and every snippet printed its line
/// whole. The snippet is cut around the label; the position stays exact.
#[test]
fn a_finding_far_into_a_long_line_renders_a_short_snippet() {
    let _serial = serial();
    let r = TempRepo::new("long-line");
    r.write("build.gradle.kts", format!("{}a {{{}\n", " ".repeat(70_000), " ".repeat(70_000)));
    let (code, out, err) = run(&r.0, &["--format", "human"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("build.gradle.kts:1:70003]"), "{out}");
    assert!(out.contains("missing '}' for this '{'"), "{out}");
    assert!(out.len() < 4_000, "{} bytes of output", out.len());
}
