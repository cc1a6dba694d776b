//! What ships and how: one binary, the packaging files agree with each other and with
//! Cargo.toml. The release workflow and the image build run only on GitHub; what can be checked
//! here is that they name every target and verify what they publish.

fn read(p: &str) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn cargo_version() -> String {
    let manifest: toml_edit::DocumentMut = read("Cargo.toml").parse().unwrap();
    manifest["package"]["version"].as_str().unwrap().to_string()
}

#[test]
fn cargo_install_installs_only_the_linter_without_debug_info() {
    let manifest: toml_edit::DocumentMut = read("Cargo.toml").parse().unwrap();
    let bins = manifest["bin"].as_array_of_tables().expect("[[bin]]");
    let names: Vec<&str> = bins.iter().map(|b| b["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["actuator-lint"]);
    assert!(!std::path::Path::new("src/bin").exists(), "src/bin would add binaries");
    assert_eq!(manifest["package"]["default-run"].as_str(), Some("actuator-lint"));
    let release = &manifest["profile"]["release"];
    assert_eq!(release["debug"].as_bool(), Some(false));
    assert_eq!(manifest["profile"]["profiling"]["inherits"].as_str(), Some("release"));
}

#[test]
fn the_python_package_is_the_binary() {
    let py: toml_edit::DocumentMut = read("pyproject.toml").parse().unwrap();
    assert_eq!(py["build-system"]["build-backend"].as_str(), Some("maturin"));
    assert_eq!(py["tool"]["maturin"]["bindings"].as_str(), Some("bin"));
    assert_eq!(py["project"]["name"].as_str(), Some("actuator-lint"));
    let dynamic = py["project"]["dynamic"].as_array().unwrap();
    assert!(
        dynamic.iter().any(|v| v.as_str() == Some("version")),
        "the version comes from Cargo.toml"
    );
}

#[test]
fn the_release_workflow_builds_every_target_with_checksums() {
    let wf = read(".github/workflows/release.yml");
    for target in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(wf.contains(&format!("target: {target}")), "binary for {target}");
    }
    assert!(wf.contains("shasum -a 256"), "SHA-256 sums");
    assert!(wf.contains("tags: ['v"), "runs on version tags");
    assert!(
        wf.contains("does not match Cargo.toml version"),
        "the tag must be the crate's version"
    );
    assert!(wf.contains("PyO3/maturin-action"), "wheels");
    assert!(wf.contains("shasum -a 256 -c"), "the image is built from verified archives");
    let docker = read("Dockerfile");
    assert!(docker.lines().any(|l| l.trim() == "FROM scratch"), "{docker}");
    let changelog = read("CHANGELOG.md");
    assert!(changelog.contains("## [Unreleased]"));
    assert!(
        changelog.contains(&format!("## [{}]", cargo_version())),
        "CHANGELOG.md has a section for the current version"
    );
}

#[test]
fn the_action_verifies_downloads_and_reports_exit_2_as_an_error_of_use() {
    let action = read("action.yml");
    assert!(action.contains("checksum mismatch"), "downloads are verified");
    assert!(action.contains("releases/download/v$VERSION"));
    assert!(
        action.contains("cargo install --locked --path \"$GITHUB_ACTION_PATH\""),
        "fallback build"
    );
    assert!(action.contains("actions/cache@"), "the fallback build is cached");
    assert!(
        action.contains("github.event.pull_request.head.repo.fork"),
        "fork PRs skip the upload"
    );
    assert!(action.contains("continue-on-error: true"));
    assert!(action.contains("usage or configuration error, not a finding"));
}

#[test]
fn pre_commit_offers_a_cargo_build_and_an_installed_binary() {
    let hooks = read(".pre-commit-hooks.yaml");
    let mut found = std::collections::BTreeMap::new();
    let mut id = String::new();
    for line in hooks.lines() {
        if let Some(v) = line.strip_prefix("- id: ") {
            id = v.trim().to_string();
        } else if let Some(v) = line.trim().strip_prefix("language: ") {
            found.insert(id.clone(), v.trim().to_string());
        } else if let Some(v) = line.trim().strip_prefix("entry: ") {
            assert!(v.starts_with("actuator-lint check"), "{id}: {v}");
        }
    }
    assert_eq!(found.get("actuator-lint").map(String::as_str), Some("rust"));
    assert_eq!(found.get("actuator-lint-system").map(String::as_str), Some("system"));
    assert_eq!(found.get("actuator-lint-fix-system").map(String::as_str), Some("system"));
}

/// `pip wheel .` builds a wheel whose command runs. Slow (a release build, and pip fetches
/// maturin), so on demand: `cargo test --test distribution -- --ignored`.
#[test]
#[ignore]
fn pip_wheel_builds_a_working_command() {
    let out_dir = std::env::temp_dir().join(format!("actuator-lint-wheel-{}", std::process::id()));
    let status = std::process::Command::new("python3")
        .args(["-m", "pip", "wheel", ".", "--no-deps", "-w"])
        .arg(&out_dir)
        .status()
        .expect("python3 runs");
    assert!(status.success());
    let wheel = std::fs::read_dir(&out_dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .expect("a wheel");
    let venv = out_dir.join("venv");
    assert!(std::process::Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .unwrap()
        .success());
    assert!(std::process::Command::new(venv.join("bin/pip"))
        .args(["install", "--no-index", "--quiet"])
        .arg(&wheel)
        .status()
        .unwrap()
        .success());
    let out = std::process::Command::new(venv.join("bin/actuator-lint"))
        .args(["fixtures/scenarios/commerce/repo", "--format", "concise"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("error[prometheus-registry-missing]"));
    std::fs::remove_dir_all(&out_dir).unwrap();
}
