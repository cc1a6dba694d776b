//! `actuator-lint model` shows the evidence of each link real repositories use (issue 14):
//! the fixtures decide the findings; this checks that a user can see why a link was made.

use std::process::Command;

fn model(repo: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_actuator-lint"))
        .args(["model", repo])
        .env("NO_COLOR", "1")
        .output()
        .expect("binary runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn deployment_lines(out: &str) -> Vec<&str> {
    out.lines().filter(|l| l.trim_start().starts_with("deployment:")).collect()
}

#[test]
fn workload_linked_by_the_image_its_module_builds() {
    let out = model("fixtures/probe-port-mismatch/ok-jib-image-of-differently-named-module/repo");
    assert!(out.contains("builds image: registry.acme.io/payments/ledger — Jib"), "{out}");
    let lines = deployment_lines(&out);
    assert_eq!(lines.len(), 1, "{out}");
    assert!(
        lines[0].contains("Deployment `ledger`")
            && lines[0].contains("Jib `jib.to.image` `registry.acme.io/payments/ledger` (ledger-app/build.gradle.kts:26)"),
        "{}",
        lines[0]
    );
}

#[test]
fn compose_build_linked_by_the_jar_its_dockerfile_copies() {
    let out = model("fixtures/prometheus-endpoint-not-exposed/ok-compose-build-dockerfile-copies-module-jar/repo");
    let lines = deployment_lines(&out);
    assert_eq!(lines.len(), 1, "{out}");
    assert!(
        lines[0].contains("Dockerfile `docker/inventory.Dockerfile` copies the jar of `inventory` (line 8)"),
        "{}",
        lines[0]
    );
    assert!(out.contains("job `stock`: target host `stock` is Compose service `stock`"), "{out}");
}

#[test]
fn image_two_modules_build_links_to_neither() {
    let out = model("fixtures/analysis-gap/image-built-by-two-modules/repo");
    assert!(deployment_lines(&out).iter().all(|l| !l.contains("Deployment `catalog`")), "{out}");
    assert!(out.contains("which several modules may build"), "{out}");
}
