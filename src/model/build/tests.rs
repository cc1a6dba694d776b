//! Model tests: in-memory repositories resolved as the CLI would, one question each: where
//! does `micrometer-registry-prometheus` (or actuator) come from, or why is it unknown.

use super::*;
use crate::model::Workspace;

const APP: &str = "@SpringBootApplication\nclass App\n";

fn analyze(files: &[(&str, &str)]) -> (SourceSet, Workspace) {
    let list: Vec<(String, String)> = files.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect();
    let (sources, options) = crate::testing::from_memory(&list).expect("in-memory repo");
    let a = crate::analyze(&sources, &options);
    (sources, a.workspace)
}

fn at(sources: &SourceSet, span: Span) -> String {
    let (s, _) = sources.line_col(span);
    format!("{}:{}", sources.path(span.file), s.line)
}

/// The registry's presence for the module in `dir`, as one line.
fn registry(files: &[(&str, &str)], dir: &str) -> String {
    artifact(files, dir, REGISTRY_GROUP, REGISTRY_ARTIFACTS)
}

fn artifact(files: &[(&str, &str)], dir: &str, group: &str, names: &[&str]) -> String {
    let (sources, ws) = analyze(files);
    let Some(m) = ws.modules.position(|m| m.dir == dir) else {
        let dirs: Vec<&str> = ws.modules.iter().map(|m| m.dir.as_str()).collect();
        panic!("no module in `{dir}`; modules: {dirs:?}");
    };
    match find_artifact(&ws.modules, m, group, names) {
        Presence::Present(chain) => format!("present {}", chain.iter().map(|s| at(&sources, *s)).collect::<Vec<_>>().join(" > ")),
        Presence::NotPackaged(s, c) => format!("not packaged {c} {}", at(&sources, s)),
        Presence::Absent => "absent".into(),
        Presence::Unknown(r) => format!("unknown {}", r[0].0),
    }
}

fn module<'w>(ws: &'w Workspace, dir: &str) -> &'w Module {
    ws.modules.iter().find(|m| m.dir == dir).expect("module")
}

const SETTINGS: (&str, &str) = (
    "settings.gradle.kts",
    "rootProject.name = \"shop\"\ninclude(\"services:order-service\", \"libs:metrics\")\n",
);
const MAIN: (&str, &str) = ("services/order-service/src/main/kotlin/App.kt", APP);

#[test]
fn plain_string_next_to_a_catalog_without_micrometer() {
    let files = [
        SETTINGS,
        MAIN,
        ("gradle/libs.versions.toml", "[libraries]\nspring-web = { module = \"org.springframework.boot:spring-boot-starter-web\" }\n"),
        (
            "services/order-service/build.gradle.kts",
            "plugins { id(\"org.springframework.boot\") }\ndependencies {\n    implementation(libs.spring.web)\n    runtimeOnly(\"io.micrometer:micrometer-registry-prometheus\")\n}\n",
        ),
    ];
    assert_eq!(
        registry(&files, "services/order-service"),
        "present services/order-service/build.gradle.kts:4"
    );
    let (_, ws) = analyze(&files);
    let m = module(&ws, "services/order-service");
    assert_eq!(m.catalog.as_ref().map(|c| c.root.as_str()), Some("libs"));
}

#[test]
fn registry_only_in_a_library_module() {
    let lib = |conf: &str| {
        format!("plugins {{ `java-library` }}\ndependencies {{\n    {conf}(\"io.micrometer:micrometer-registry-prometheus\")\n}}\n")
    };
    let svc = (
        "services/order-service/build.gradle.kts",
        "plugins { id(\"org.springframework.boot\") }\ndependencies {\n    implementation(project(\":libs:metrics\"))\n}\n",
    );
    for (conf, expected) in [
        (
            "api",
            "present services/order-service/build.gradle.kts:3 > libs/metrics/build.gradle.kts:3",
        ),
        (
            "implementation",
            "present services/order-service/build.gradle.kts:3 > libs/metrics/build.gradle.kts:3",
        ),
        (
            "runtimeOnly",
            "present services/order-service/build.gradle.kts:3 > libs/metrics/build.gradle.kts:3",
        ),
        ("compileOnly", "absent"),
        ("testImplementation", "absent"),
    ] {
        let l = lib(conf);
        let files = [SETTINGS, MAIN, svc, ("libs/metrics/build.gradle.kts", l.as_str())];
        assert_eq!(registry(&files, "services/order-service"), expected, "{conf}");
    }
    // type-safe project accessors
    let files = [
        SETTINGS,
        MAIN,
        (
            "services/order-service/build.gradle.kts",
            "dependencies {\n    implementation(projects.libs.metrics)\n}\n",
        ),
        (
            "libs/metrics/build.gradle.kts",
            "dependencies {\n    runtimeOnly(\"io.micrometer:micrometer-registry-prometheus\")\n}\n",
        ),
    ];
    assert_eq!(
        registry(&files, "services/order-service"),
        "present services/order-service/build.gradle.kts:2 > libs/metrics/build.gradle.kts:2"
    );
}

#[test]
fn not_packaged_configurations() {
    for conf in [
        "testImplementation",
        "developmentOnly",
        "compileOnly",
        "testAndDevelopmentOnly",
        "integrationTestRuntimeOnly",
    ] {
        let b = format!("dependencies {{\n    {conf}(\"io.micrometer:micrometer-registry-prometheus\")\n}}\n");
        let files = [SETTINGS, MAIN, ("services/order-service/build.gradle.kts", b.as_str())];
        assert_eq!(
            registry(&files, "services/order-service"),
            format!("not packaged {conf} services/order-service/build.gradle.kts:2")
        );
    }
}

#[test]
fn comments_strings_and_dead_code_do_not_count() {
    let b = r#"dependencies {
    // runtimeOnly("io.micrometer:micrometer-registry-prometheus")
    /* runtimeOnly("io.micrometer:micrometer-registry-prometheus") */
    implementation("org.springframework.boot:spring-boot-starter-web")
    println("io.micrometer:micrometer-registry-prometheus")
}
val note = "runtimeOnly(\"io.micrometer:micrometer-registry-prometheus\")"
"#;
    let files = [SETTINGS, MAIN, ("services/order-service/build.gradle.kts", b)];
    assert_eq!(registry(&files, "services/order-service"), "absent");
}

#[test]
fn convention_plugins_in_build_src_and_build_logic() {
    let kotlin = [
        SETTINGS,
        MAIN,
        ("buildSrc/build.gradle.kts", "plugins { `kotlin-dsl` }\n"),
        (
            "buildSrc/src/main/kotlin/shop.spring-service.gradle.kts",
            "plugins {\n    id(\"org.springframework.boot\")\n}\ndependencies {\n    \"runtimeOnly\"(\"io.micrometer:micrometer-registry-prometheus\")\n}\n",
        ),
        ("services/order-service/build.gradle.kts", "plugins {\n    id(\"shop.spring-service\")\n}\n"),
    ];
    assert_eq!(
        registry(&kotlin, "services/order-service"),
        "present services/order-service/build.gradle.kts:2 > buildSrc/src/main/kotlin/shop.spring-service.gradle.kts:5"
    );
    let (_, ws) = analyze(&kotlin);
    assert!(module(&ws, "services/order-service").boot_plugin.is_some());
    assert!(!ws.modules.iter().any(|m| m.dir.starts_with("buildSrc")));

    // An included build, Groovy, with a package-less id, reading the consumer's catalog.
    let groovy = [
        (
            "settings.gradle",
            "pluginManagement { includeBuild 'build-logic' }\nrootProject.name = 'shop'\ninclude 'services:order-service'\n",
        ),
        MAIN,
        ("build-logic/settings.gradle", "rootProject.name = 'build-logic'\n"),
        ("build-logic/build.gradle", "plugins { id 'groovy-gradle-plugin' }\n"),
        (
            "build-logic/src/main/groovy/shop.metrics.gradle",
            "dependencies {\n    runtimeOnly versionCatalogs.named('libs').findLibrary('micrometer-registry-prometheus').get()\n}\n",
        ),
        (
            "gradle/libs.versions.toml",
            "[libraries]\nmicrometer-registry-prometheus = { module = \"io.micrometer:micrometer-registry-prometheus\" }\n",
        ),
        (
            "services/order-service/build.gradle",
            "plugins {\n    id 'org.springframework.boot'\n    id 'shop.metrics'\n}\n",
        ),
    ];
    assert_eq!(
        registry(&groovy, "services/order-service"),
        "present services/order-service/build.gradle:3 > build-logic/src/main/groovy/shop.metrics.gradle:2 > gradle/libs.versions.toml:2"
    );

    // Kotlin package → the id is qualified.
    let packaged = [
        SETTINGS,
        MAIN,
        (
            "buildSrc/src/main/kotlin/com/acme/boot.gradle.kts",
            "package com.acme\n\ndependencies {\n    \"runtimeOnly\"(\"io.micrometer:micrometer-registry-prometheus\")\n}\n",
        ),
        (
            "services/order-service/build.gradle.kts",
            "plugins {\n    id(\"com.acme.boot\")\n}\n",
        ),
    ];
    assert!(registry(&packaged, "services/order-service").starts_with("present"));
}

#[test]
fn cross_project_blocks() {
    let root = |block: &str| {
        format!("{block} {{\n    dependencies {{\n        \"runtimeOnly\"(\"io.micrometer:micrometer-registry-prometheus\")\n    }}\n}}\n")
    };
    let svc = (
        "services/order-service/build.gradle.kts",
        "plugins { id(\"org.springframework.boot\") }\n",
    );
    for (block, expected) in [
        ("subprojects", true),
        ("allprojects", true),
        ("project(\":services:order-service\")", true),
        ("project(\":libs:metrics\")", false),
        ("configure(subprojects.filter { it.name.endsWith(\"-service\") })", true),
        ("configure(subprojects.filter { it.name.startsWith(\"lib\") })", false),
        ("configure(listOf(project(\":services:order-service\")))", true),
    ] {
        let r = root(block);
        let files = [SETTINGS, MAIN, svc, ("build.gradle.kts", r.as_str())];
        let got = registry(&files, "services/order-service");
        assert_eq!(got.starts_with("present build.gradle.kts:3"), expected, "{block}: {got}");
        if !expected {
            assert_eq!(got, "absent", "{block}");
        }
    }
    // A filter that cannot be read: the block may apply.
    let r = root("configure(subprojects.filter { it.hasProperty(\"boot\") })");
    let files = [SETTINGS, MAIN, svc, ("build.gradle.kts", r.as_str())];
    assert!(registry(&files, "services/order-service").starts_with("unknown"));
    // plugins.withId: applies to the projects with the Boot plugin only.
    let with_id = "subprojects {\n    plugins.withId(\"org.springframework.boot\") {\n        dependencies {\n            \"runtimeOnly\"(\"io.micrometer:micrometer-registry-prometheus\")\n        }\n    }\n}\n";
    let files = [
        SETTINGS,
        MAIN,
        svc,
        ("libs/metrics/build.gradle.kts", ""),
        ("build.gradle.kts", with_id),
    ];
    assert!(registry(&files, "services/order-service").starts_with("present build.gradle.kts:4"));
    assert_eq!(registry(&files, "libs/metrics"), "absent");
    // An intermediate project's `subprojects {}`.
    let files = [
        SETTINGS,
        MAIN,
        svc,
        (
            "services/build.gradle.kts",
            r#"subprojects { dependencies { "runtimeOnly"("io.micrometer:micrometer-registry-prometheus") } }"#,
        ),
    ];
    assert!(registry(&files, "services/order-service").starts_with("present services/build.gradle.kts:1"));
}

#[test]
fn applied_scripts_and_variables() {
    // A dependencies script applied by the root to every subproject.
    let files = [
        SETTINGS,
        MAIN,
        (
            "build.gradle",
            "subprojects {\n    apply from: \"$rootDir/gradle/deps.gradle\"\n}\n",
        ),
        (
            "gradle/deps.gradle",
            "dependencies {\n    runtimeOnly 'io.micrometer:micrometer-registry-prometheus'\n}\n",
        ),
        ("services/order-service/build.gradle", "apply plugin: 'org.springframework.boot'\n"),
    ];
    assert_eq!(
        registry(&files, "services/order-service"),
        "present build.gradle:2 > gradle/deps.gradle:2"
    );
    // A map of coordinates in an applied script, versions from gradle.properties.
    let files = [
        SETTINGS,
        MAIN,
        ("gradle.properties", "micrometerVersion=1.12.5\n"),
        ("build.gradle", "apply from: 'gradle/versions.gradle'\n"),
        (
            "gradle/versions.gradle",
            "ext.deps = [\n    prometheus: \"io.micrometer:micrometer-registry-prometheus:${micrometerVersion}\",\n]\n",
        ),
        (
            "services/order-service/build.gradle",
            "dependencies {\n    runtimeOnly deps.prometheus\n}\n",
        ),
    ];
    assert_eq!(
        registry(&files, "services/order-service"),
        "present services/order-service/build.gradle:2 > gradle/versions.gradle:2"
    );
    let (_, ws) = analyze(&files);
    let l = lookup(
        &ws.modules,
        ws.modules.position(|m| m.dir == "services/order-service").unwrap(),
        REGISTRY_GROUP,
        REGISTRY_ARTIFACTS,
    );
    let Coord::Module { version, .. } = &l.found.unwrap().dep.coord else {
        panic!()
    };
    assert_eq!(version.as_deref(), Some("1.12.5"));
    // A script that is not in the repository.
    let files = [
        SETTINGS,
        MAIN,
        (
            "services/order-service/build.gradle",
            "apply from: 'https://acme.io/gradle/boot.gradle'\n",
        ),
    ];
    assert!(registry(&files, "services/order-service").starts_with("unknown script `https://acme.io/gradle/boot.gradle`"));
}

#[test]
fn structure_remaps_and_several_builds() {
    let files = [
        (
            "settings.gradle.kts",
            "include(\":order\")\nproject(\":order\").projectDir = file(\"services/order-service\")\nproject(\":order\").buildFileName = \"order.gradle.kts\"\n",
        ),
        MAIN,
        ("services/order-service/order.gradle.kts", "dependencies { runtimeOnly(\"io.micrometer:micrometer-registry-prometheus\") }\n"),
        // An independent build in the same repository.
        ("tools/settings.gradle", "include 'admin'\n"),
        ("tools/admin/src/main/java/App.java", APP),
        ("tools/admin/build.gradle", "dependencies { implementation 'org.springframework.boot:spring-boot-starter-web' }\n"),
        ("tools/build.gradle", "subprojects { dependencies { runtimeOnly 'io.micrometer:micrometer-registry-prometheus' } }\n"),
    ];
    let (_, ws) = analyze(&files);
    let order = module(&ws, "services/order-service");
    assert_eq!(order.gradle_path, ":order");
    let admin = module(&ws, "tools/admin");
    assert_eq!((admin.gradle_path.as_str(), admin.build_root.as_str()), (":admin", "tools"));
    assert!(registry(&files, "services/order-service").starts_with("present"));
    assert_eq!(registry(&files, "tools/admin"), "present tools/build.gradle:1");
}

#[test]
fn unknown_is_not_missing() {
    let cases = [
        ("dependencies {\n    implementation(\"com.acme.platform:acme-observability-starter:4.2.0\")\n}\n", "unknown `com.acme.platform:acme-observability-starter`"),
        ("plugins {\n    id(\"com.acme.spring-service\") version \"2.0\"\n}\n", "unknown plugin `com.acme.spring-service` is not in this repository"),
        ("dependencies {\n    if (project.hasProperty(\"metrics\")) {\n        runtimeOnly(\"io.micrometer:micrometer-registry-prometheus\")\n    }\n}\n", "unknown `micrometer-registry-prometheus` is declared inside a condition"),
        ("dependencies {\n    implementation(registryNotation)\n}\n", "unknown dependency `registryNotation` cannot be resolved statically"),
        ("dependencies {\n    bootAgent(\"io.micrometer:micrometer-registry-prometheus\")\n}\n", "unknown `micrometer-registry-prometheus` is declared in configuration `bootAgent`"),
    ];
    for (build, expected) in cases {
        let files = [SETTINGS, MAIN, ("services/order-service/build.gradle.kts", build)];
        let got = registry(&files, "services/order-service");
        assert!(got.starts_with(expected), "{build}\n→ {got}");
    }
    // A dynamic include: the module is assumed, with its doubt.
    let files = [
        (
            "settings.gradle.kts",
            "file(\"services\").listFiles()?.forEach { include(\"services:${it.name}\") }\n",
        ),
        MAIN,
        (
            "services/order-service/build.gradle.kts",
            "dependencies { implementation(\"org.springframework.boot:spring-boot-starter-web\") }\n",
        ),
    ];
    assert!(registry(&files, "services/order-service").starts_with("unknown the settings file includes projects with a computed"));
}

#[test]
fn boot_versions() {
    let version = |files: &[(&str, &str)], dir: &str| {
        let (sources, ws) = analyze(files);
        let m = module(&ws, dir);
        m.boot_version
            .as_ref()
            .map(|v| format!("{} {}", v.text, v.span.map(|s| at(&sources, s)).unwrap_or_default()))
    };
    let files = [
        SETTINGS,
        MAIN,
        ("gradle.properties", "springBootVersion=3.3.2\n"),
        ("build.gradle", "buildscript {\n    dependencies {\n        classpath(\"org.springframework.boot:spring-boot-gradle-plugin:${springBootVersion}\")\n    }\n}\n"),
        ("services/order-service/build.gradle", "apply plugin: 'org.springframework.boot'\n"),
    ];
    assert_eq!(version(&files, "services/order-service").as_deref(), Some("3.3.2 build.gradle:3"));
    let files = [
        SETTINGS,
        MAIN,
        (
            "gradle/libs.versions.toml",
            "[plugins]\nspring-boot = { id = \"org.springframework.boot\", version = \"3.5.0\" }\n",
        ),
        (
            "services/order-service/build.gradle.kts",
            "plugins {\n    alias(libs.plugins.spring.boot)\n}\n",
        ),
    ];
    assert_eq!(
        version(&files, "services/order-service").as_deref(),
        Some("3.5.0 gradle/libs.versions.toml:2")
    );
    // A convention plugin whose build depends on the Boot Gradle plugin.
    let files = [
        SETTINGS,
        MAIN,
        ("buildSrc/build.gradle.kts", "plugins { `kotlin-dsl` }\ndependencies {\n    implementation(\"org.springframework.boot:spring-boot-gradle-plugin:2.7.18\")\n}\n"),
        ("buildSrc/src/main/kotlin/boot.gradle.kts", "plugins { id(\"org.springframework.boot\") }\n"),
        ("services/order-service/build.gradle.kts", "plugins { id(\"boot\") }\n"),
    ];
    assert_eq!(
        version(&files, "services/order-service").as_deref(),
        Some("2.7.18 buildSrc/build.gradle.kts:3")
    );
}

// ----- Maven -----

const PARENT: &str = r#"<project>
    <modelVersion>4.0.0</modelVersion>
    <parent>
        <groupId>org.springframework.boot</groupId>
        <artifactId>spring-boot-starter-parent</artifactId>
        <version>3.2.5</version>
        <relativePath/>
    </parent>
    <groupId>com.acme</groupId>
    <artifactId>shop</artifactId>
    <version>1.0.0</version>
    <packaging>pom</packaging>
    <modules>
        <module>order-service</module>
        <module>metrics</module>
    </modules>
    <properties>
        <micrometer.registry>micrometer-registry-prometheus</micrometer.registry>
    </properties>
    <dependencyManagement>
        <dependencies>
            <dependency>
                <groupId>io.micrometer</groupId>
                <artifactId>micrometer-registry-prometheus</artifactId>
                <version>1.12.5</version>
            </dependency>
        </dependencies>
    </dependencyManagement>
</project>
"#;

fn child(deps: &str) -> String {
    format!(
        r#"<project>
    <parent>
        <groupId>com.acme</groupId>
        <artifactId>shop</artifactId>
        <version>1.0.0</version>
    </parent>
    <artifactId>order-service</artifactId>
    <dependencies>
{deps}
    </dependencies>
    <build>
        <plugins>
            <plugin>
                <groupId>org.springframework.boot</groupId>
                <artifactId>spring-boot-maven-plugin</artifactId>
            </plugin>
        </plugins>
    </build>
</project>
"#
    )
}

fn dep(artifact: &str, extra: &str) -> String {
    format!("        <dependency>\n            <groupId>io.micrometer</groupId>\n            <artifactId>{artifact}</artifactId>{extra}\n        </dependency>")
}

#[test]
fn maven_parent_dependency_management_adds_nothing() {
    let c = child("");
    let files = [("pom.xml", PARENT), ("order-service/pom.xml", c.as_str())];
    assert_eq!(registry(&files, "order-service"), "absent");
    let (sources, ws) = analyze(&files);
    let m = module(&ws, "order-service");
    assert!(m.boot_plugin.is_some());
    assert_eq!(m.boot_version.as_ref().map(|v| v.text.as_str()), Some("3.2.5"));
    assert!(m.maven.as_ref().unwrap().boot_managed);
    assert_eq!(sources.path(m.dep_anchor.as_ref().unwrap().file), "order-service/pom.xml");
}

#[test]
fn maven_scopes_properties_and_inheritance() {
    for (extra, expected) in [
        ("", "present order-service/pom.xml:9"),
        ("\n            <scope>runtime</scope>", "present order-service/pom.xml:9"),
        ("\n            <scope>provided</scope>", "present order-service/pom.xml:9"),
        ("\n            <optional>true</optional>", "present order-service/pom.xml:9"),
        ("\n            <scope>test</scope>", "not packaged test order-service/pom.xml:9"),
    ] {
        let c = child(&dep("micrometer-registry-prometheus", extra));
        let files = [("pom.xml", PARENT), ("order-service/pom.xml", c.as_str())];
        assert_eq!(registry(&files, "order-service"), expected, "{extra}");
    }
    // A property for the artifact id; the version comes from the parent's management.
    let c = child(&dep("${micrometer.registry}", ""));
    let files = [("pom.xml", PARENT), ("order-service/pom.xml", c.as_str())];
    assert_eq!(registry(&files, "order-service"), "present order-service/pom.xml:9");
    let (_, ws) = analyze(&files);
    let i = ws.modules.position(|m| m.dir == "order-service").unwrap();
    let Coord::Module { version, .. } = lookup(&ws.modules, i, REGISTRY_GROUP, REGISTRY_ARTIFACTS).found.unwrap().dep.coord else {
        panic!()
    };
    assert_eq!(version.as_deref(), Some("1.12.5"));
    // Inherited from the parent's `<dependencies>`.
    let parent = PARENT.replace(
        "    <dependencyManagement>",
        &format!(
            "    <dependencies>\n{}\n    </dependencies>\n    <dependencyManagement>",
            dep("micrometer-registry-prometheus", "")
        ),
    );
    let c = child("");
    let files = [("pom.xml", parent.as_str()), ("order-service/pom.xml", c.as_str())];
    assert_eq!(registry(&files, "order-service"), "present order-service/pom.xml:2 > pom.xml:21");
}

#[test]
fn maven_module_dependencies_are_transitive() {
    let lib = |extra: &str| {
        format!(
            "<project>\n    <parent>\n        <groupId>com.acme</groupId>\n        <artifactId>shop</artifactId>\n        <version>1.0.0</version>\n    </parent>\n    <artifactId>metrics</artifactId>\n    <dependencies>\n{}\n    </dependencies>\n</project>\n",
            dep("micrometer-registry-prometheus", extra)
        )
    };
    let c = child("        <dependency>\n            <groupId>${project.groupId}</groupId>\n            <artifactId>metrics</artifactId>\n            <version>${project.version}</version>\n        </dependency>");
    for (extra, present) in [
        ("", true),
        ("\n            <optional>true</optional>", false),
        ("\n            <scope>provided</scope>", false),
        ("\n            <scope>test</scope>", false),
    ] {
        let l = lib(extra);
        let files = [
            ("pom.xml", PARENT),
            ("order-service/pom.xml", c.as_str()),
            ("metrics/pom.xml", l.as_str()),
        ];
        let got = registry(&files, "order-service");
        assert_eq!(
            got.starts_with("present order-service/pom.xml:9 > metrics/pom.xml:9"),
            present,
            "{extra}: {got}"
        );
        if !present {
            assert_eq!(got, "absent");
        }
    }
}

#[test]
fn maven_external_parent_is_unknown() {
    let pom = "<project>\n  <parent>\n    <groupId>com.acme.platform</groupId>\n    <artifactId>acme-service-parent</artifactId>\n    <version>7</version>\n  </parent>\n  <artifactId>order-service</artifactId>\n</project>\n";
    let files = [("order-service/pom.xml", pom), ("order-service/src/main/java/App.java", APP)];
    assert_eq!(
        registry(&files, "order-service"),
        "unknown parent POM `com.acme.platform:acme-service-parent` is not in this repository and may declare dependencies"
    );
}

#[test]
fn actuator_is_found_the_same_way() {
    let files = [
        SETTINGS,
        MAIN,
        (
            "services/order-service/build.gradle.kts",
            "dependencies {\n    implementation(\"org.springframework.boot:spring-boot-starter-actuator\")\n}\n",
        ),
    ];
    assert_eq!(
        artifact(&files, "services/order-service", ACTUATOR_GROUP, ACTUATOR_ARTIFACTS),
        "present services/order-service/build.gradle.kts:2"
    );
}

#[test]
fn managed_versions_are_recorded() {
    let files = [
        ("settings.gradle.kts", "rootProject.name = \"x\"\n"),
        ("src/main/kotlin/App.kt", APP),
        (
            "build.gradle.kts",
            "dependencyManagement {\n    dependencies {\n        dependency(\"io.micrometer:micrometer-registry-prometheus:1.12.5\")\n    }\n}\n",
        ),
    ];
    let (_, ws) = analyze(&files);
    assert_eq!(module(&ws, "").managed.len(), 1);
}

#[test]
fn unread_declarations_are_unknown_not_missing() {
    let files = [
        SETTINGS,
        MAIN,
        (
            "services/order-service/build.gradle.kts",
            "fun metrics(vararg deps: String) = deps.forEach { dependencies.add(\"runtimeOnly\", it) }\nmetrics(\"io.micrometer:micrometer-registry-prometheus\")\n",
        ),
    ];
    assert!(
        registry(&files, "services/order-service").starts_with("unknown `io.micrometer:micrometer-registry-prometheus` is written here")
    );
    // Top-level `dependencies.add(…)` is read as a declaration.
    let files = [
        SETTINGS,
        MAIN,
        (
            "services/order-service/build.gradle.kts",
            "dependencies.add(\"runtimeOnly\", \"io.micrometer:micrometer-registry-prometheus\")\n",
        ),
    ];
    assert_eq!(
        registry(&files, "services/order-service"),
        "present services/order-service/build.gradle.kts:1"
    );
}

#[test]
fn included_build_substitutes_coordinates() {
    let files = [
        (
            "settings.gradle.kts",
            "rootProject.name = \"shop\"\nincludeBuild(\"shared/metrics\")\ninclude(\"services:order-service\")\n",
        ),
        MAIN,
        (
            "services/order-service/build.gradle.kts",
            "dependencies {\n    implementation(\"com.acme:acme-metrics\")\n}\n",
        ),
        ("shared/metrics/settings.gradle.kts", "rootProject.name = \"acme-metrics\"\n"),
        (
            "shared/metrics/build.gradle.kts",
            "group = \"com.acme\"\ndependencies {\n    api(\"io.micrometer:micrometer-registry-prometheus\")\n}\n",
        ),
    ];
    assert_eq!(
        registry(&files, "services/order-service"),
        "present services/order-service/build.gradle.kts:2 > shared/metrics/build.gradle.kts:3"
    );
}

#[test]
fn maven_boot_version_from_bom_import() {
    let pom = r#"<project>
  <groupId>com.acme</groupId>
  <artifactId>order-service</artifactId>
  <version>1</version>
  <properties><spring-boot.version>3.5.0</spring-boot.version></properties>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>org.springframework.boot</groupId>
        <artifactId>spring-boot-dependencies</artifactId>
        <version>${spring-boot.version}</version>
        <type>pom</type>
        <scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
</project>
"#;
    let (sources, ws) = analyze(&[("pom.xml", pom), ("src/main/java/App.java", APP)]);
    let m = module(&ws, "");
    let v = m.boot_version.as_ref().unwrap();
    assert_eq!(v.text, "3.5.0");
    assert_eq!(at(&sources, v.span.unwrap()), "pom.xml:5");
    assert!(m.maven.as_ref().unwrap().boot_managed);
}

/// A service with its own settings file (so it opens alone in an IDE) that the outer settings
/// also includes: Gradle run from the outer directory builds it as `:services:orders`, and its
/// `project(':api')` is the outer build's `:api` (semantics §10.3).
#[test]
fn nested_settings_of_an_included_project_belong_to_the_outer_build() {
    let files = [
        ("settings.gradle", "include ':api'\ninclude ':services:orders'\n"),
        (
            "api/build.gradle",
            "plugins { id 'java-library' }\ndependencies {\n    api 'io.micrometer:micrometer-registry-prometheus'\n}\n",
        ),
        ("services/orders/settings.gradle", "rootProject.name = 'orders'\n"),
        (
            "services/orders/build.gradle",
            "plugins { id 'org.springframework.boot' }\ndependencies {\n    implementation project(':api')\n}\n",
        ),
        ("services/orders/src/main/java/App.java", APP),
    ];
    assert_eq!(
        registry(&files, "services/orders"),
        "present services/orders/build.gradle:3 > api/build.gradle:3"
    );
    let (_, ws) = analyze(&files);
    assert_eq!(module(&ws, "services/orders").gradle_path, ":services:orders");
    assert_eq!(module(&ws, "services/orders").build_root, "");
}

/// Third-party starters answer from the cited table (`brings.rs`), not from their names.
#[test]
fn known_starters_bring_what_their_poms_declare() {
    let cloud = |artifact: &str, version: &str| {
        child(&format!(
            "        <dependency>\n            <groupId>org.springframework.cloud</groupId>\n            <artifactId>{artifact}</artifactId>{version}\n        </dependency>"
        ))
    };
    let actuator = |pom: &str| {
        let files = [("pom.xml", PARENT), ("order-service/pom.xml", pom)];
        artifact(&files, "order-service", ACTUATOR_GROUP, ACTUATOR_ARTIFACTS)
    };
    assert_eq!(
        actuator(&cloud("spring-cloud-starter-netflix-eureka-server", "")),
        "present order-service/pom.xml:9"
    );
    assert_eq!(actuator(&cloud("spring-cloud-starter-netflix-eureka-client", "")), "absent");
    // The Config Server made actuator optional in 3.1.0: without a stated version it is unknown.
    assert!(actuator(&cloud("spring-cloud-config-server", ""))
        .starts_with("unknown `org.springframework.cloud:spring-cloud-config-server` brings actuator only in some versions"));
    assert_eq!(
        actuator(&cloud("spring-cloud-config-server", "\n            <version>3.0.6</version>")),
        "present order-service/pom.xml:9"
    );
    assert_eq!(
        actuator(&cloud("spring-cloud-config-server", "\n            <version>4.1.2</version>")),
        "absent"
    );
    // The Wavefront starter brings its own registry, never Prometheus'.
    let wavefront = child("        <dependency>\n            <groupId>com.wavefront</groupId>\n            <artifactId>wavefront-spring-boot-starter</artifactId>\n        </dependency>");
    let files = [("pom.xml", PARENT), ("order-service/pom.xml", wavefront.as_str())];
    assert_eq!(registry(&files, "order-service"), "absent");
    assert_eq!(actuator(&wavefront), "present order-service/pom.xml:9");
}
