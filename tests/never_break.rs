//! Issue 18, "never break a working repository": one regression per defect class, each with
//! the minimal input that showed it.

use actuator_lint::source::SourceSet;
use actuator_lint::Options;

fn lint_texts(files: &[(&str, &str)]) -> (SourceSet, actuator_lint::Report) {
    let mut s = SourceSet::new();
    for (p, t) in files {
        s.add_text(p, t);
    }
    let r = actuator_lint::lint(&s, &Options::default());
    (s, r)
}

/// Every span of every diagnostic (and of its fix) lies in a file of the set, inside its text.
fn assert_spans_real(s: &SourceSet, r: &actuator_lint::Report) {
    for d in &r.diagnostics {
        let spans = std::iter::once(d.primary.span)
            .chain(d.related.iter().map(|l| l.span))
            .chain(d.fix.iter().flat_map(|f| f.edits.iter().map(|e| e.span)));
        for sp in spans {
            assert!(s.is_real(sp), "{} carries a span in no file: {sp:?}", d.rule);
            assert!(
                sp.end as usize <= s.get(sp.file).text.len(),
                "{}: span past the end of its file",
                d.rule
            );
        }
    }
}

/// Defect 1: a ServiceMonitor without `spec` selected through the absent node's span, which
/// named no file, and sorting the findings panicked on it.
#[test]
fn an_absent_node_never_gives_a_diagnostic_its_span() {
    let (s, r) = lint_texts(&[(
        "k8s/a.yaml",
        "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n---\napiVersion: v1\nkind: Service\nmetadata:\n  namespace: shop\n",
    )]);
    assert!(r.diagnostics.iter().any(|d| d.rule == "monitor-selects-nothing"));
    assert_spans_real(&s, &r);
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempRepo(std::path::PathBuf);

impl TempRepo {
    fn new(name: &str) -> TempRepo {
        let root = std::env::temp_dir().join(format!("actuator-lint-never-break-{}-{name}", std::process::id()));
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
    run_stdin(root, args, None)
}

fn run_stdin(root: &std::path::Path, args: &[&str], stdin: Option<&[u8]>) -> (i32, String, String) {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_actuator-lint"))
        .arg(root)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let data = stdin.map(<[u8]>::to_vec);
    let feeder = std::thread::spawn(move || {
        if let Some(d) = data {
            let _ = input.write_all(&d);
        }
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const MONITOR: &str = "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: m\nspec:\n  selector:\n    matchLabels:\n      app: x\n  endpoints:\n    - port: web\n";

/// Defect 9: a file name with a newline forged a finding line for a problem matcher, and one
/// with ESC drove the terminal, in concise and human output.
#[cfg(unix)]
#[test]
fn file_names_cannot_forge_lines_or_drive_the_terminal() {
    let r = TempRepo::new("names");
    r.write("k8s/a\nforged.yaml:1:1: error[x]: fake\u{1b}[31m.yaml", MONITOR);
    for format in ["concise", "human"] {
        let (code, out, _) = run(&r.0, &["--format", format]);
        assert_eq!(code, 0, "a warning only:\n{out}");
        assert!(!out.contains('\u{1b}'), "{format}: ESC printed raw:\n{out}");
        assert!(
            out.lines().all(|l| !l.starts_with("forged.yaml")),
            "{format}: a file name started a line of its own:\n{out}"
        );
        assert!(
            out.contains("k8s/a\\nforged.yaml:1:1: error[x]: fake\\x1b[31m.yaml"),
            "{format}:\n{out}"
        );
    }
}

/// Defect 8: a file found but not loaded is named in every format, also with `--quiet`, so a
/// CI run never looks clean while a file went unread.
#[test]
fn files_not_loaded_are_reported_in_every_format() {
    let r = TempRepo::new("unread");
    r.write("k8s/bad.yaml", b"kind: \xff\xfeService\n");
    for format in ["concise", "json", "sarif", "github", "checkstyle", "junit", "human"] {
        for quiet in [false, true] {
            let mut args = vec!["--format", format];
            if quiet {
                args.push("--quiet");
            }
            let (code, out, _) = run(&r.0, &args);
            assert_eq!(code, 0, "{format}: info only");
            assert!(out.contains("analysis-gap"), "{format} quiet={quiet}:\n{out}");
            assert!(out.contains("bad.yaml"), "{format} quiet={quiet}:\n{out}");
            // `human` wraps the message (whose path is as long as the root given): unwrap it.
            let flat = out.split_whitespace().filter(|w| *w != "│").collect::<Vec<_>>().join(" ");
            assert!(
                flat.contains("not analysed: not valid UTF-8 text"),
                "{format} quiet={quiet}:\n{out}"
            );
        }
    }
}

/// Defect 8: `--manifests -` silently kept the first 16 MiB of stdin; objects after the cut
/// vanished and the run passed.
#[test]
fn stdin_over_the_limit_is_an_error_not_a_truncation() {
    let r = TempRepo::new("stdin");
    let object = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n---\n";
    let big = object.repeat(17 * 1024 * 1024 / object.len() + 1);
    let (code, _, err) = run_stdin(&r.0, &["--manifests", "-"], Some(big.as_bytes()));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--manifests -: larger than the 16 MiB limit"), "{err}");
    let (code, _, err) = run_stdin(&r.0, &["--manifests", "-"], Some(object.as_bytes()));
    assert!(code <= 1, "{err}");
}

/// Defect 2: a Spring config file that does not parse got a `management:` block appended on
/// every pass (ten per run, never converging). A fix is applied only to files that parse.
#[test]
fn no_fix_is_applied_to_a_file_that_does_not_parse() {
    let r = TempRepo::new("unparsable");
    let broken = "      console-available: true\nserver:\n";
    r.write("settings.gradle.kts", "include(\"orders\")\n")
        .write(
            "orders/build.gradle.kts",
            "plugins { id(\"org.springframework.boot\") version \"3.3.4\" }\ndependencies {\n    implementation(\"org.springframework.boot:spring-boot-starter-actuator\")\n    runtimeOnly(\"io.micrometer:micrometer-registry-prometheus\")\n}\n",
        )
        .write("orders/src/main/resources/application.yml", broken)
        .write(
            "k8s/monitor.yaml",
            "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: orders\n  labels: {release: prom}\nspec:\n  selector:\n    matchLabels: {app: orders}\n  endpoints:\n    - port: http\n      path: /actuator/prometheus\n",
        );
    let (code, out, err) = run(&r.0, &["--fix", "--unsafe-fixes", "--format", "concise"]);
    assert!(code <= 1, "{err}");
    let after = std::fs::read_to_string(r.0.join("orders/src/main/resources/application.yml")).unwrap();
    assert_eq!(after, broken, "a file that does not parse is never edited\n{out}\n{err}");
    assert!(!err.contains("still pending"), "{err}");
}

/// Copies a fixture's `repo/` into `to`.
fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if src.is_dir() {
            std::fs::create_dir_all(&dst).unwrap();
            copy_tree(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
}

/// Defect 6: `--diff` dropped the UTF-8 BOM from hunks touching line 1, so `git apply`
/// refused the patch while `--fix` wrote the right bytes.
#[test]
fn diff_hunks_on_line_one_keep_the_bom() {
    let r = TempRepo::new("bom");
    copy_tree(
        std::path::Path::new("fixtures/config-breaks-startup/trailing-comma-in-include/repo"),
        &r.0,
    );
    let props = r.0.join("src/main/resources/application.properties");
    let text = std::fs::read_to_string(&props).unwrap();
    std::fs::write(&props, format!("\u{feff}{text}")).unwrap();
    let (code, diff, err) = run(&r.0, &["--diff", "--unsafe-fixes"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        diff.contains("\n \u{feff}spring.application.name=catalog-service\n"),
        "line 1 keeps its BOM:\n{diff}"
    );
    let (_, _, err) = run(&r.0, &["--fix", "--unsafe-fixes"]);
    let fixed = std::fs::read(&props).unwrap();
    assert!(fixed.starts_with(b"\xEF\xBB\xBFspring.application.name"), "{err}");
}

/// Defect 6: `--diff` is byte for byte what `--fix` writes, and `git apply` takes it: an
/// ISO-8859-1 `.properties` (printed as UTF-8 before), a file with CR-only line endings (cut
/// into hunks at each CR before, which git does not see as lines), a BOM on line 1. Applying
/// the diff to one copy and running `--fix` on another gives the same bytes. Positions count
/// a lone CR as a line break (everything was "line 1").
#[test]
fn diff_is_what_fix_writes_and_git_applies_it() {
    let props = "src/main/resources/application.properties";
    let variants: [(&str, Vec<u8>); 3] = [
        (
            "latin1",
            b"# caf\xe9 service\nspring.application.name=catalog-service\nmanagement.endpoints.web.exposure.include=health\ninfo.owner=Andr\xe9\n".to_vec(),
        ),
        (
            "cr-only",
            b"spring.application.name=catalog-service\r\rmanagement.endpoints.web.exposure.include=health\rinfo.x=1\r".to_vec(),
        ),
        (
            "bom-crlf",
            b"\xEF\xBB\xBFmanagement.endpoints.web.exposure.include=health\r\nspring.application.name=catalog-service\r\n".to_vec(),
        ),
    ];
    let git = std::process::Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    for (name, bytes) in variants {
        let (by_diff, by_fix) = (TempRepo::new(&format!("{name}-diff")), TempRepo::new(&format!("{name}-fix")));
        for r in [&by_diff, &by_fix] {
            copy_tree(
                std::path::Path::new("fixtures/prometheus-endpoint-not-exposed/properties-include-health-only/repo"),
                &r.0,
            );
            r.write(props, &bytes);
        }
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_actuator-lint"))
            .arg(".")
            .args(["--diff", "--unsafe-fixes", "--select", "prometheus-endpoint-not-exposed"])
            .current_dir(&by_diff.0)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        let diff = out.stdout;
        let (_, concise, _) = run(&by_fix.0, &["--format", "concise", "--select", "prometheus-endpoint-not-exposed"]);
        let line = if name == "bom-crlf" { ":1:" } else { ":3:" };
        assert!(concise.contains(&format!("application.properties{line}")), "{name}: {concise}");
        let (_, _, err) = run(&by_fix.0, &["--unsafe-fixes", "--select", "prometheus-endpoint-not-exposed"]);
        let fixed = std::fs::read(by_fix.0.join(props)).unwrap();
        assert_ne!(fixed, bytes, "{name}: --fix changed nothing: {err}");
        if name == "latin1" {
            assert!(diff.windows(5).any(|w| w == b"caf\xe9 "), "{name}: the diff keeps ISO-8859-1 bytes");
        }
        if name == "cr-only" {
            assert!(!fixed.contains(&b'\n'), "{name}: CR-only line endings kept");
        }
        if !git {
            continue;
        }
        std::fs::write(by_diff.0.join("fix.diff"), &diff).unwrap();
        let apply = std::process::Command::new("git")
            .args(["apply", "--unsafe-paths", "fix.diff"])
            .current_dir(&by_diff.0)
            .env("GIT_DIR", by_diff.0.join(".no-repo"))
            .output()
            .unwrap();
        assert!(
            apply.status.success(),
            "{name}: git apply refused the diff: {}\n{}",
            String::from_utf8_lossy(&apply.stderr),
            String::from_utf8_lossy(&diff)
        );
        assert_eq!(
            std::fs::read(by_diff.0.join(props)).unwrap(),
            fixed,
            "{name}: --diff is not what --fix writes"
        );
    }
}
