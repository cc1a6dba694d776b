//! Hostile and odd inputs (issue 8): each yields a diagnostic or is skipped with a reason;
//! never a panic, hang or stack overflow; the rest of the repository is still linted; the
//! exit status follows SPEC §2.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Repo(PathBuf);

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// A small repo with one real problem (registry missing), so every test can check that the
/// rest of the repository is still linted next to the hostile file.
fn repo(name: &str) -> Repo {
    let root = std::env::temp_dir().join(format!("actuator-lint-hostile-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    let w = |p: &str, t: &str| {
        let p = root.join(p);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, t).unwrap();
    };
    w("settings.gradle.kts", "include(\"orders\")\n");
    w("orders/build.gradle.kts", "plugins { id(\"org.springframework.boot\") version \"3.3.4\" }\ndependencies {\n    implementation(\"org.springframework.boot:spring-boot-starter-actuator\")\n}\n");
    w(
        "orders/src/main/resources/application.yml",
        "management:\n  endpoints:\n    web:\n      exposure:\n        include: health,prometheus\n",
    );
    Repo(root)
}

// Run from the root, as in CI, so paths read as repository paths.
fn lint(root: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_actuator-lint"))
        .current_dir(root)
        .args(["--format", "concise"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn human(root: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_actuator-lint"))
        .current_dir(root)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const STILL_LINTED: &str = "orders/build.gradle.kts:2:1: error[prometheus-registry-missing]";

fn assert_still_linted(out: &str) {
    assert!(
        out.contains(STILL_LINTED),
        "the rest of the repository must still be linted:\n{out}"
    );
}

#[test]
fn invalid_utf8_and_binary_yaml_are_skipped_with_a_reason() {
    let r = repo("utf8");
    fs::write(r.0.join("bad.yaml"), b"kind: \xff\xfe\x00Service\n").unwrap();
    fs::write(r.0.join("image.yml"), [0x89u8, b'P', b'N', b'G', 0, 0, 1, 2]).unwrap();
    let (code, out, _) = human(&r.0);
    assert_eq!(code, 1);
    assert!(out.contains("`bad.yaml` was found but not analysed: not valid UTF-8 text"), "{out}");
    assert!(out.contains("`image.yml` was found but not analysed"), "{out}");
    let (_, out2, _) = lint(&r.0);
    assert_still_linted(&out2);
    assert!(!out.contains("panicked"));
}

#[test]
fn latin1_properties_bom_crlf_are_read() {
    let r = repo("enc");
    // ISO-8859-1 `é`, as Spring reads .properties; a name with it must come through.
    fs::write(
        r.0.join("orders/src/main/resources/application.properties"),
        b"spring.application.name=caf\xe9\r\nmanagement.endpoints.web.exposure.include=health,prometheus\r\n",
    )
    .unwrap();
    fs::write(
        r.0.join("orders/src/main/resources/application.yml"),
        "\u{feff}server:\r\n  port: 8080\r\n",
    )
    .unwrap();
    let (code, out, _) = lint(&r.0);
    assert_eq!(code, 1);
    assert!(out.contains("`café`"), "{out}");
}

#[test]
fn yaml_tabs_star_and_duplicates_are_diagnostics_not_crashes() {
    let r = repo("yaml");
    fs::write(r.0.join("tabs.yaml"), "apiVersion: v1\nkind: Service\nmetadata:\n\tname: x\n").unwrap();
    // In another module: a config file of `orders` that does not parse would make what it
    // sets unknown, and `orders`' registry finding (the rest still linted) would rightly go.
    fs::create_dir_all(r.0.join("billing/src/main/resources")).unwrap();
    fs::write(
        r.0.join("billing/src/main/resources/application-star.yml"),
        "management:\n  endpoints:\n    web:\n      exposure:\n        include: *\n",
    )
    .unwrap();
    fs::write(
        r.0.join("dup.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  name: b\n",
    )
    .unwrap();
    fs::write(r.0.join("empty.yaml"), "").unwrap();
    let (code, out, _) = lint(&r.0);
    assert_eq!(code, 1);
    assert!(out.contains("tabs.yaml:4:") && out.contains("tabs disallowed"), "{out}");
    assert!(
        out.contains("billing/src/main/resources/application-star.yml:5:18: error[parse-error]"),
        "{out}"
    );
    assert!(!out.contains("dup.yaml"), "duplicate keys: last wins, like Go's decoder\n{out}");
    assert_still_linted(&out);
}

#[test]
fn deep_nesting_and_alias_bombs_are_bounded() {
    let r = repo("bombs");
    // Both are Kubernetes manifests by their top-level keys, so they are read (a file no
    // modelled program reads is never parsed at all).
    fs::write(
        r.0.join("deep.yaml"),
        format!("apiVersion: v1\nkind: List\nitems: {}", "[".repeat(200_000)),
    )
    .unwrap();
    let mut bomb = String::from("apiVersion: v1\nkind: ConfigMap\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..16 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    fs::write(r.0.join("bomb.yaml"), bomb).unwrap();
    let (code, out, _) = lint(&r.0);
    assert_eq!(code, 1);
    assert!(
        out.contains("deep.yaml:3:") && out.contains("error[parse-error]: YAML syntax error: recursion limit"),
        "{out}"
    );
    assert!(out.contains("bomb.yaml:") && out.contains("alias bomb"), "{out}");
    assert_still_linted(&out);
}

#[test]
fn huge_files_are_skipped_with_a_reason() {
    let r = repo("huge");
    let f = fs::File::create(r.0.join("huge.yaml")).unwrap();
    f.set_len(100 * 1024 * 1024).unwrap();
    let (code, out, _) = lint(&r.0);
    assert_eq!(code, 1);
    assert!(
        out.contains(
            "huge.yaml:1:1: info[analysis-gap]: `huge.yaml` was found but not analysed: 104857600 bytes, larger than the 16 MiB limit"
        ),
        "{out}"
    );
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_followed_out_of_the_root_or_into_loops() {
    let r = repo("links");
    let outside = std::env::temp_dir().join(format!("actuator-lint-outside-{}", std::process::id()));
    fs::create_dir_all(&outside).unwrap();
    fs::write(
        outside.join("secret.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: outside\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(&outside, r.0.join("escape")).unwrap();
    std::os::unix::fs::symlink(&r.0, r.0.join("loop")).unwrap();
    let (code, out, _) = lint(&r.0);
    fs::remove_dir_all(&outside).unwrap();
    assert_eq!(code, 1);
    assert!(!out.contains("escape/") && !out.contains("loop/"), "{out}");
    assert_still_linted(&out);
}

#[test]
fn spaces_and_non_ascii_paths() {
    let r = repo("names");
    let dir = r.0.join("déploiement prod");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("sm ünïcode.yaml"), "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: x\n  namespace: ns\nspec:\n  selector: {matchLabels: {app: none}}\n  endpoints: [{port: http}]\n").unwrap();
    fs::write(dir.join("svc.yaml"), "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: ns, labels: {app: s}}\nspec: {selector: {app: s}, ports: [{name: http, port: 80}]}\n").unwrap();
    let (code, out, _) = lint(&r.0);
    assert_eq!(code, 1);
    assert!(
        out.contains("déploiement prod/sm ünïcode.yaml:7:13: error[monitor-selects-nothing]"),
        "{out}"
    );
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_skipped_with_a_reason() {
    use std::os::unix::fs::PermissionsExt;
    let r = repo("perm");
    let p = r.0.join("secret.yaml");
    fs::write(&p, "a: 1\n").unwrap();
    fs::set_permissions(&p, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&p).is_ok() {
        // Running as root: permissions do not apply, nothing to test here.
        return;
    }
    let (code, out, _) = lint(&r.0);
    assert_eq!(code, 1);
    assert!(
        out.contains("secret.yaml:1:1: info[analysis-gap]: `secret.yaml` was found but not analysed: not readable"),
        "{out}"
    );
}
