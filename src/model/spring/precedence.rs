//! Precedence, activation and binding, end to end on in-memory repositories (semantics §5).

use crate::source::SourceSet;

/// Lints a one-service repository: `app/` is the module, `k8s/app.yaml` (or a plain
/// Deployment) runs it.
fn value(files: &[(&str, &str)], key: &str) -> Option<String> {
    let mut sources = SourceSet::new();
    sources.add_text("settings.gradle.kts", "include(\"app\")\n");
    for (p, t) in files {
        let path = if p.starts_with("k8s/") { p.to_string() } else { format!("app/{p}") };
        sources.add_text(&path, t);
    }
    if !files.iter().any(|(p, _)| p.starts_with("k8s/")) {
        sources.add_text("k8s/app.yaml", &deployment(""));
    }
    let options = crate::Options::default();
    let a = crate::analyze(&sources, &options);
    let d = a.links.deployments.iter().next()?.first()?;
    d.effective.lookup(key).set().map(|f| f.value)
}

fn build(boot: &str) -> String {
    format!("plugins {{\n    id(\"org.springframework.boot\") version \"{boot}\"\n}}\n")
}

const MAIN: (&str, &str) = ("src/main/java/a/App.java", "@SpringBootApplication\nclass App {}\n");

fn deployment(env: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: app:1\n{env}"
    )
}

#[test]
fn profile_sections_sit_above_base_documents_before_2_4_and_in_file_order_after() {
    let yml = "x: base1\n---\nspring:\n  profiles: prod\nx: prod-section\n---\nx: base2\n";
    let dep = deployment("          env:\n            - name: SPRING_PROFILES_ACTIVE\n              value: prod\n");
    for (boot, want) in [("2.3.12.RELEASE", "prod-section"), ("2.7.18", "base2")] {
        let b = build(boot);
        let files = [
            ("build.gradle.kts", b.as_str()),
            MAIN,
            ("src/main/resources/application.yml", yml),
            ("k8s/app.yaml", dep.as_str()),
        ];
        assert_eq!(value(&files, "x").as_deref(), Some(want), "Boot {boot}");
    }
}

#[test]
fn profile_files_win_over_documents_and_later_profiles_win() {
    let b = build("3.2.5");
    let dep = deployment("          env:\n            - name: SPRING_PROFILES_ACTIVE\n              value: a,b\n");
    let files = [
        ("build.gradle.kts", b.as_str()),
        MAIN,
        (
            "src/main/resources/application.yml",
            "x: base\n---\nspring.config.activate.on-profile: b\nx: doc-b\n",
        ),
        ("src/main/resources/application-a.yml", "x: file-a\n"),
        ("src/main/resources/application-b.yml", "x: file-b\n"),
        ("src/main/resources/config/application-a.yml", "x: config-a\n"),
        ("k8s/app.yaml", dep.as_str()),
    ];
    assert_eq!(value(&files, "x").as_deref(), Some("file-b"));
    // `config/` beats the root location for the same profile, but `b` comes after `a`.
    let files_a = [files[0], files[1], files[2], files[3], files[5], files[6]];
    assert_eq!(value(&files_a, "x").as_deref(), Some("config-a"));
}

#[test]
fn properties_separators_by_version() {
    let props = "x=first\n#---\nspring.config.activate.on-profile=nope\nx=second\n";
    for (boot, want) in [("2.3.12.RELEASE", "second"), ("2.4.0", "first")] {
        let b = build(boot);
        let files = [
            ("build.gradle.kts", b.as_str()),
            MAIN,
            ("src/main/resources/application.properties", props),
        ];
        assert_eq!(value(&files, "x").as_deref(), Some(want), "Boot {boot}");
    }
    // Before 3.0 `!---` is a comment: the activation then covers the whole file.
    let bang = "x=first\n!---\nspring.config.activate.on-profile=nope\ny=second\n";
    for (boot, want) in [("2.7.18", None), ("3.0.0", Some("first"))] {
        let b = build(boot);
        let files = [
            ("build.gradle.kts", b.as_str()),
            MAIN,
            ("src/main/resources/application.properties", bang),
        ];
        assert_eq!(value(&files, "x").as_deref(), want, "Boot {boot}");
    }
}

#[test]
fn properties_beat_yaml_and_config_dir_beats_root() {
    let b = build("3.2.5");
    let files = [
        ("build.gradle.kts", b.as_str()),
        MAIN,
        ("src/main/resources/application.yml", "x: yml\ny: yml\nz: yml\n"),
        ("src/main/resources/application.properties", "x=properties\ny=properties\n"),
        ("src/main/resources/config/application.yaml", "y: config\n"),
    ];
    assert_eq!(value(&files, "x").as_deref(), Some("properties"));
    assert_eq!(value(&files, "y").as_deref(), Some("config"));
    assert_eq!(value(&files, "z").as_deref(), Some("yml"));
}

#[test]
fn imports_sit_above_their_document_and_below_profile_files() {
    let b = build("3.2.5");
    let dep = deployment("          env:\n            - name: SPRING_PROFILES_ACTIVE\n              value: prod\n");
    let files = [
        ("build.gradle.kts", b.as_str()),
        MAIN,
        (
            "src/main/resources/application.yml",
            "spring.config.import: classpath:extra.yml\nx: app\ny: app\nz: app\n",
        ),
        ("src/main/resources/extra.yml", "x: extra\ny: extra\n"),
        ("src/main/resources/extra-prod.yml", "y: extra-prod\n"),
        ("src/main/resources/application-prod.yml", "z: prod\n"),
        ("k8s/app.yaml", dep.as_str()),
    ];
    assert_eq!(value(&files, "x").as_deref(), Some("extra"));
    assert_eq!(value(&files, "y").as_deref(), Some("extra-prod"));
    assert_eq!(value(&files, "z").as_deref(), Some("prod"));
}

#[test]
fn args_beat_system_properties_beat_env_beat_files() {
    let b = build("3.2.5");
    let dep = deployment(
        "          env:\n            - name: X\n              value: env\n            - name: Y\n              value: env\n            - name: Z\n              value: env\n            - name: JAVA_TOOL_OPTIONS\n              value: -Dy=sys -Dz=sys\n          args:\n            - --z=arg\n",
    );
    let files = [
        ("build.gradle.kts", b.as_str()),
        MAIN,
        ("src/main/resources/application.yml", "x: file\ny: file\nz: file\n"),
        ("k8s/app.yaml", dep.as_str()),
    ];
    assert_eq!(value(&files, "x").as_deref(), Some("env"));
    assert_eq!(value(&files, "y").as_deref(), Some("sys"));
    assert_eq!(value(&files, "z").as_deref(), Some("arg"));
}

#[test]
fn relaxed_names_in_files_and_env() {
    let b = build("3.2.5");
    let dep = deployment("          env:\n            - name: MANAGEMENT_SERVER_BASE_PATH\n              value: /legacy\n");
    let files = [
        ("build.gradle.kts", b.as_str()),
        MAIN,
        (
            "src/main/resources/application.yml",
            "management:\n  endpoints:\n    web:\n      basePath: /camel\n",
        ),
        ("k8s/app.yaml", dep.as_str()),
    ];
    assert_eq!(value(&files, "management.endpoints.web.base-path").as_deref(), Some("/camel"));
    assert_eq!(value(&files, "management.server.base-path").as_deref(), Some("/legacy"));
}

#[test]
fn kubernetes_dependent_variables_expand() {
    let b = build("3.2.5");
    let dep = deployment("          env:\n            - name: BASE\n              value: /shop\n            - name: SERVER_SERVLET_CONTEXT_PATH\n              value: $(BASE)/api\n");
    let files = [("build.gradle.kts", b.as_str()), MAIN, ("k8s/app.yaml", dep.as_str())];
    assert_eq!(value(&files, "server.servlet.context-path").as_deref(), Some("/shop/api"));
}
