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
fn workload_linked_by_the_image_kotlin_configure_jib_extension_names() {
    let out = model("fixtures/probe-port-mismatch/jib-image-from-kotlin-configure-extension/repo");
    let lines = deployment_lines(&out);
    assert!(
        lines.iter().any(|l| l.contains("Deployment `ledger`")
            && l.contains("Jib `jib.to.image` in `subprojects {}` `registry.acme.io/payments/${rootProject.name}-${project.name}` (build.gradle.kts:27)")),
        "{out}"
    );
    let other = model("fixtures/probe-port-mismatch/ok-jib-kotlin-configure-extension-names-another-image/repo");
    assert!(
        deployment_lines(&other).iter().all(|l| !l.contains("Deployment `ledger`")),
        "{other}"
    );
}

#[test]
fn secret_from_a_kustomize_secret_generator_is_an_env_source() {
    let out = model("fixtures/prometheus-endpoint-not-exposed/secret-generator-env-file-include-health/repo");
    assert!(
        out.contains("exposed over HTTP: no — `include: health,info` in Secret `catalog-service-settings` (`envFrom` of Deployment `catalog-service`) (k8s/settings.env:2)"),
        "{out}"
    );
    let unknown = model("fixtures/prometheus-endpoint-not-exposed/ok-secret-generator-value-from-build-environment/repo");
    assert!(
        unknown.contains("takes environment variables from Secret `catalog-service-settings`, whose content is not in the repository"),
        "{unknown}"
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

#[test]
fn registry_jobs_list_what_services_register() {
    let out = model("fixtures/metrics-path-mismatch/eureka-job-default-metrics-path/repo");
    assert!(
        out.contains(
            "eureka_sd_configs `http://eureka-server:8761/eureka`: Eureka server `eureka-server` is Compose service `eureka-server`"
        ),
        "{out}"
    );
    assert!(
        out.contains("scraped (registry) on /metrics port 8080 over http — job `spring-services`: Eureka app `ORDERS` (`spring.application.name: orders`"),
        "{out}"
    );
    let out = model("fixtures/metrics-port-mismatch/ok-consul-management-service/repo");
    assert!(
        out.contains("scraped (registry) on /actuator/prometheus port 8081 over http — job `orders`: Consul service `orders-management`"),
        "{out}"
    );
    let out = model("fixtures/analysis-gap/eureka-server-not-in-repository/repo");
    assert!(
        out.contains("unknown: the Eureka server `registry.internal.acme.io` is not in the repository"),
        "{out}"
    );
    assert!(!out.contains("scraped (registry)"), "{out}");
}

#[test]
fn dns_names_are_targets() {
    let out = model("fixtures/metrics-port-mismatch/ok-dns-srv-record-of-headless-service/repo");
    assert!(
        out.contains("dns_sd_configs SRV record `_http._tcp.inventory-service.shop.svc.cluster.local`: the SRV record of Service `inventory-service` port `http`"),
        "{out}"
    );
    let out = model("fixtures/scrape-target-unresolved/ok-dns-name-outside-repository/repo");
    assert!(
        out.contains("target inventory.prod.acme.internal:8080 (dns_sd_configs A record) (unknown:"),
        "{out}"
    );
}

#[test]
fn static_resources_are_served_paths() {
    let out = model("fixtures/probe-path-not-served/ok-static-resource-serves-probe-path/repo");
    assert!(
        out.contains("static resources: 3 file(s): src/main/resources/public/index.html, src/main/resources/static/health/liveness"),
        "{out}"
    );
    assert!(out.contains("static resources: /** from classpath:/META-INF/resources/"), "{out}");
    let out = model("fixtures/probe-path-not-served/ok-custom-static-locations-may-serve-probe-path/repo");
    assert!(
        out.contains("static resources: unknown — `spring.web.resources.static-locations` in src/main/resources/application.yml:9 lists `file:/srv/probe-pages/`"),
        "{out}"
    );
}

#[test]
fn prometheus_adapter_querying_the_chart_server_runs_its_jobs() {
    let out = model("fixtures/metrics-path-mismatch/prometheus-adapter-queries-chart-server-annotation-path/repo");
    assert!(
        out.contains("installed by the release whose server prometheus-adapter queries (`prometheus.url: http://prometheus-server.monitoring.svc` in monitoring/prometheus-adapter.yaml)"),
        "{out}"
    );
    let out = model("fixtures/metrics-path-mismatch/ok-prometheus-adapter-queries-another-prometheus/repo");
    assert!(out.contains("scrape jobs (0):"), "{out}");
}

#[test]
fn static_targets_go_through_the_jobs_relabelling() {
    let out = model("fixtures/metrics-path-mismatch/ok-relabel-sets-static-target-path/repo");
    assert!(
        out.contains("scraped (job) on /actuator/prometheus port 8080 over http — job `spring-services`: target label `application: inventory-service`; its relabelling sets the path `/actuator/prometheus` (monitoring/prometheus.yml:12)"),
        "{out}"
    );
    let out = model("fixtures/metrics-path-mismatch/ok-relabel-drops-static-target/repo");
    assert!(
        out.contains("target inventory-service:8080 (dropped by the relabel rule at monitoring/prometheus.yml:14)"),
        "{out}"
    );
    let out = model("fixtures/metrics-path-mismatch/ok-relabel-shards-static-targets/repo");
    assert!(
        out.contains("(unknown: the job's relabelling: a `keep` rule reads `__tmp_hash`"),
        "{out}"
    );
}

#[test]
fn consul_local_agent_is_what_localhost_is_where_prometheus_runs() {
    let out = model("fixtures/metrics-port-mismatch/consul-local-agent-on-host-network/repo");
    assert!(
        out.contains("consul_sd_configs `localhost:8500`: Consul agent `localhost:8500` on the host network of `prometheus` is Compose service `consul`"),
        "{out}"
    );
    let out = model("fixtures/metrics-port-mismatch/ok-consul-local-agent-not-in-prometheus-container/repo");
    assert!(
        out.contains("unknown: `localhost:8500` is the `prometheus` container itself, where no Consul agent runs"),
        "{out}"
    );
}
