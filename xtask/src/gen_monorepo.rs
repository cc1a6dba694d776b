//! Writes a synthetic Spring Boot monorepo for benchmarks: N Gradle Kotlin-DSL services with
//! configs, main classes, Kubernetes manifests (Deployment, Service, ServiceMonitor), a
//! kube-prometheus-stack values file, a Compose Prometheus with file_sd targets for some
//! services, boot logs, and a known set of injected faults listed in `faults.tsv`
//! (`rule<TAB>service`), so a benchmark can check what was caught as well as how fast.
//!
//! Usage: cargo xtask gen-monorepo --services N [--out DIR]

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// Which fault service `i` carries, if any. Deterministic, spread over the tree.
fn fault(i: usize) -> Option<&'static str> {
    match i % 41 {
        3 => Some("prometheus-registry-missing"),
        8 => Some("prometheus-endpoint-not-exposed"),
        13 => Some("monitor-port-not-found"),
        18 => Some("liveness-budget-too-short"),
        23 => Some("metrics-path-mismatch"),
        28 => Some("monitor-not-selected"),
        33 => Some("monitor-selects-nothing"),
        _ => None,
    }
}

fn write(root: &Path, rel: &str, text: &str) -> std::io::Result<()> {
    let p = root.join(rel);
    if let Some(d) = p.parent() {
        fs::create_dir_all(d)?;
    }
    fs::write(p, text)
}

fn camel(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn service(root: &Path, i: usize, f: Option<&str>) -> std::io::Result<String> {
    let name = format!("svc-{i:05}");
    let dir = format!("services/{name}");
    let registry = if f == Some("prometheus-registry-missing") {
        ""
    } else {
        "    runtimeOnly(\"io.micrometer:micrometer-registry-prometheus\")\n"
    };
    write(root, &format!("{dir}/build.gradle.kts"), &format!(
        "plugins {{\n    id(\"org.springframework.boot\")\n    id(\"io.spring.dependency-management\")\n    kotlin(\"jvm\")\n    kotlin(\"plugin.spring\")\n}}\n\ndependencies {{\n    implementation(project(\":libs:common\"))\n    implementation(\"org.springframework.boot:spring-boot-starter-web\")\n    implementation(\"org.springframework.boot:spring-boot-starter-actuator\")\n{registry}    testImplementation(\"org.springframework.boot:spring-boot-starter-test\")\n}}\n"
    ))?;
    let include = if f == Some("prometheus-endpoint-not-exposed") {
        "health,info"
    } else {
        "health,info,prometheus"
    };
    let ctx = if f == Some("metrics-path-mismatch") {
        "  servlet:\n    context-path: /api\n"
    } else {
        ""
    };
    write(root, &format!("{dir}/src/main/resources/application.yml"), &format!(
        "spring:\n  application:\n    name: {name}\n  datasource:\n    url: jdbc:postgresql://db:5432/{}\nserver:\n  port: 8080\n{ctx}management:\n  endpoints:\n    web:\n      exposure:\n        include: {include}\n  metrics:\n    tags:\n      application: ${{spring.application.name}}\n",
        name.replace('-', "_")
    ))?;
    let class = format!("{}Application", camel(&name));
    write(root, &format!("{dir}/src/main/kotlin/com/example/{}/{class}.kt", name.replace('-', "")), &format!(
        "package com.example.{}\n\nimport org.springframework.boot.autoconfigure.SpringBootApplication\nimport org.springframework.boot.runApplication\n\n@SpringBootApplication\nclass {class}\n\nfun main(args: Array<String>) {{\n    runApplication<{class}>(*args)\n}}\n",
        name.replace('-', "")
    ))?;
    let boot = if f == Some("liveness-budget-too-short") {
        170.25
    } else {
        20.0 + (i % 30) as f64
    };
    write(root, &format!("logs/{name}.log"), &format!(
        "2026-01-01T00:00:00.000Z  INFO 1 --- [main] c.e.{class} : Starting {class} using Java 21\n2026-01-01T00:00:01.000Z  INFO 1 --- [main] o.s.b.w.e.tomcat.TomcatWebServer : Tomcat initialized with port 8080 (http)\n2026-01-01T00:00:02.000Z  INFO 1 --- [main] c.e.{class}Kt : Started {class}Kt in {boot:.3} seconds (process running for {:.3})\n",
        boot + 1.5
    ))?;
    let mon_port = if f == Some("monitor-port-not-found") { "metrics" } else { "http" };
    let release = if f == Some("monitor-not-selected") {
        ""
    } else {
        "\n    release: kube-prometheus-stack"
    };
    let sel = if f == Some("monitor-selects-nothing") {
        format!("{name}-api")
    } else {
        name.clone()
    };
    let path = "/actuator/prometheus";
    // As in real repositories, some manifests use YAML beyond plain block mappings (a flow
    // sequence, a block scalar), which the YAML reader's fast path does or does not cover.
    let annotations = if i % 10 == 5 {
        format!(
            "  annotations:\n    description: |\n      Synthetic service {name}.\n      Owned by team-{}.\n",
            i % 7
        )
    } else {
        String::new()
    };
    let container_args = if i % 3 == 0 {
        "          args: [\"--spring.main.banner-mode=off\"]\n"
    } else {
        ""
    };
    let mut k8s = String::new();
    let _ = write!(k8s, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: apps\n  labels:\n    app: {name}\n{annotations}spec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n        - name: {name}\n          image: registry.example.com/{name}:1.0.{i}\n{container_args}          ports:\n            - name: http\n              containerPort: 8080\n          env:\n            - name: JAVA_TOOL_OPTIONS\n              value: -XX:MaxRAMPercentage=75\n          readinessProbe:\n            httpGet:\n              path: /actuator/health/readiness\n              port: http\n            periodSeconds: 10\n          livenessProbe:\n            httpGet:\n              path: /actuator/health/liveness\n              port: http\n            initialDelaySeconds: 60\n            periodSeconds: 30\n            failureThreshold: 3\n");
    let _ = write!(k8s, "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: apps\n  labels:\n    app: {name}\nspec:\n  selector:\n    app: {name}\n  ports:\n    - name: http\n      port: 80\n      targetPort: http\n");
    let _ = write!(k8s, "---\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: {name}\n  namespace: apps\n  labels:\n    app: {name}{release}\nspec:\n  selector:\n    matchLabels:\n      app: {sel}\n  endpoints:\n    - port: {mon_port}\n      path: {path}\n      interval: 30s\n");
    write(root, &format!("deploy/k8s/{name}.yaml"), &k8s)?;
    Ok(name)
}

pub fn main(mut args: impl Iterator<Item = String>) -> std::io::Result<()> {
    let mut n = 100usize;
    let mut out: Option<PathBuf> = None;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--services" => n = args.next().and_then(|v| v.parse().ok()).unwrap_or(n),
            "--out" => out = args.next().map(PathBuf::from),
            _ => {
                eprintln!("usage: cargo xtask gen-monorepo --services N [--out DIR]");
                std::process::exit(2);
            }
        }
    }
    let root = out.unwrap_or_else(|| std::env::temp_dir().join(format!("actuator-lint-bench/{n}")));
    generate(n, &root)?;
    println!("{}", root.display());
    Ok(())
}

/// Writes the tree for `n` services at `root`, replacing whatever is there.
pub fn generate(n: usize, root: &Path) -> std::io::Result<()> {
    let root = root.to_path_buf();
    if root.exists() {
        fs::remove_dir_all(&root)?;
    }
    fs::create_dir_all(&root)?;
    let mut settings = String::from("rootProject.name = \"synthetic\"\n\ninclude(\":libs:common\")\n");
    let mut faults = String::new();
    for i in 0..n {
        let f = fault(i);
        let name = service(&root, i, f)?;
        let _ = writeln!(settings, "include(\":services:{name}\")");
        if let Some(rule) = f {
            let _ = writeln!(faults, "{rule}\t{name}");
            // The injected context path also moves the health endpoints the probes call.
            if rule == "metrics-path-mismatch" {
                let _ = writeln!(faults, "probe-path-not-served\t{name}");
            }
        }
    }
    write(&root, "settings.gradle.kts", &settings)?;
    write(&root, "build.gradle.kts", "plugins {\n    id(\"org.springframework.boot\") version \"3.3.4\" apply false\n    id(\"io.spring.dependency-management\") version \"1.1.6\" apply false\n    kotlin(\"jvm\") version \"1.9.25\" apply false\n    kotlin(\"plugin.spring\") version \"1.9.25\" apply false\n}\n")?;
    write(&root, "libs/common/build.gradle.kts", "plugins {\n    kotlin(\"jvm\")\n}\n\ndependencies {\n    implementation(\"com.fasterxml.jackson.module:jackson-module-kotlin\")\n}\n")?;
    write(&root, "deploy/monitoring/kube-prometheus-stack-values.yaml", "prometheus:\n  prometheusSpec:\n    serviceMonitorSelector:\n      matchLabels:\n        release: kube-prometheus-stack\n    serviceMonitorNamespaceSelector: {}\n")?;
    write(&root, "actuator-lint.toml", "[probes]\nboot-logs = [\"logs/*.log\"]\n")?;
    write(&root, "faults.tsv", &faults)?;
    Ok(())
}
