//! What the linter knows about the outside world without resolving it: plugins that add no
//! application dependencies, public artifacts that cannot carry the Prometheus registry, and
//! which Gradle configurations and Maven scopes reach the packaged Boot jar (semantics §10.2,
//! §10.4). Everything not listed here is treated as "may matter", so that an unknown name
//! makes the answer unknown rather than "missing".

/// Whether a declaration in a configuration ends up in the executable jar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// On the runtime classpath that `bootJar`/`repackage` packages.
    Packaged,
    /// Known not to be packaged (compileOnly, test*, developmentOnly, Maven `test`).
    NotPackaged,
    /// Does not reach a consumer of this module (Maven `provided`/`optional`/`test` of a
    /// library, Gradle `compileOnly` of a project dependency).
    Ignored,
    /// A configuration the linter does not know; a custom one may extend `implementation`.
    Unknown,
}

/// Gradle configurations (semantics §10.2). `consumer` = the declaring project is a project
/// dependency of the service rather than the service itself; the same configurations reach.
pub fn gradle_reach(configuration: &str) -> Reach {
    const PACKAGED: &[&str] = &[
        "implementation",
        "api",
        "runtimeOnly",
        "compile",
        "runtime",
        // the war plugin's: `bootWar` packages them in WEB-INF/lib-provided
        "providedCompile",
        "providedRuntime",
    ];
    const NOT_PACKAGED: &[&str] = &[
        "compileOnly",
        "compileOnlyApi",
        "annotationProcessor",
        "kapt",
        "ksp",
        "developmentOnly",
        "testAndDevelopmentOnly",
        "classpath",
        "detekt",
        "detektPlugins",
        "ktlint",
        "checkstyle",
        "pmd",
        "spotbugs",
        "spotbugsPlugins",
        "jacocoAgent",
        "jacocoAnt",
        "errorprone",
        "jooqGenerator",
        "liquibaseRuntime",
        "asciidoctorExt",
        "lombok",
    ];
    if PACKAGED.contains(&configuration) {
        return Reach::Packaged;
    }
    if NOT_PACKAGED.contains(&configuration) || configuration.starts_with("test") || configuration.starts_with("testing:") {
        return Reach::NotPackaged;
    }
    // `<sourceSet>Implementation` etc. of a source set other than `main`.
    const SOURCE_SET_SUFFIXES: &[&str] = &[
        "Implementation",
        "RuntimeOnly",
        "CompileOnly",
        "Api",
        "AnnotationProcessor",
        "CompileOnlyApi",
    ];
    if SOURCE_SET_SUFFIXES
        .iter()
        .any(|s| configuration.len() > s.len() && configuration.ends_with(s) && !configuration.starts_with("main"))
    {
        return Reach::NotPackaged;
    }
    Reach::Unknown
}

/// Maven scopes (semantics §10.4). At the service itself, `provided` and `optional` are
/// packaged by `spring-boot-maven-plugin`; through a module dependency only non-optional
/// `compile`/`runtime` dependencies are transitive.
pub fn maven_reach(scope: &str, optional: bool, transitive: bool) -> Reach {
    match (scope, transitive) {
        ("compile" | "runtime", false) => Reach::Packaged,
        ("provided", false) => Reach::Packaged,
        ("compile" | "runtime", true) if !optional => Reach::Packaged,
        ("compile" | "runtime" | "provided", true) => Reach::Ignored,
        ("test" | "system", false) => Reach::NotPackaged,
        ("test" | "system" | "import", _) => Reach::Ignored,
        _ => Reach::Unknown,
    }
}

/// Plugins known not to add application dependencies. Any other plugin might (an in-house
/// convention plugin can add the registry), so it makes the classpath unknown.
pub fn is_inert_plugin(id: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "org.springframework.boot",
        "io.spring.dependency-management",
        "org.jetbrains.kotlin",
        "kotlin",
        "org.graalvm.buildtools",
        "com.google.cloud.tools.jib",
        "com.diffplug.spotless",
        "io.gitlab.arturbosch.detekt",
        "org.jlleitschuh.gradle.ktlint",
        "com.gorylenko.gradle-git-properties",
        "org.sonarqube",
        "com.github.ben-manes.versions",
        "org.asciidoctor",
        "org.openapi.generator",
        "com.google.protobuf",
        "org.flywaydb.flyway",
        "nu.studer.jooq",
        "org.hibernate.orm",
        "com.palantir.docker",
        "com.bmuschko.docker",
        "io.freefair",
        "org.owasp.dependencycheck",
        "com.github.johnrengelman.shadow",
        "com.gradleup.shadow",
        "com.github.spotbugs",
        "net.ltgt.errorprone",
        "org.springdoc.openapi-gradle-plugin",
        "com.epages.restdocs-api-spec",
        "org.barfuin.gradle.jacocolog",
        "com.avast.gradle.docker-compose",
        "org.cyclonedx.bom",
        "com.adarshr.test-logger",
        "io.qameta.allure",
        "org.jetbrains.dokka",
        "com.google.devtools.ksp",
        "org.liquibase.gradle",
        "com.netflix.dgs.codegen",
        "io.github.gradle-nexus.publish-plugin",
        "me.champeau.jmh",
        "info.solidsoft.pitest",
        "com.star-zero.gradle.githook",
        "org.ajoberstar.grgit",
    ];
    const CORE: &[&str] = &[
        "java",
        "java-library",
        "application",
        "jacoco",
        "checkstyle",
        "pmd",
        "idea",
        "eclipse",
        "maven-publish",
        "base",
        "groovy",
        "war",
        "ear",
        "java-test-fixtures",
        "java-platform",
        "jvm-test-suite",
        "signing",
        "distribution",
        "kotlin-dsl",
        "version-catalog",
        "test-report-aggregation",
        "jacoco-report-aggregation",
        "java-gradle-plugin",
        "groovy-gradle-plugin",
        "antlr",
        "scala",
        "project-report",
        "build-dashboard",
        "help-tasks",
        "reporting-base",
    ];
    CORE.contains(&id)
        || PREFIXES
            .iter()
            .any(|p| id == *p || id.strip_prefix(p).is_some_and(|rest| rest.starts_with('.')))
}

/// Public groups whose artifacts are known not to bring `micrometer-registry-prometheus`
/// (or actuator) transitively.
pub fn is_public_group(group: &str) -> bool {
    const KNOWN: &[&str] = &[
        "org.springframework",
        "io.micrometer",
        "org.jetbrains",
        "com.fasterxml",
        "org.projectlombok",
        "io.projectreactor",
        "org.apache",
        "com.google",
        "io.github.resilience4j",
        "org.postgresql",
        "com.h2database",
        "mysql",
        "com.mysql",
        "org.mariadb",
        "com.oracle",
        "com.microsoft.sqlserver",
        "org.flywaydb",
        "org.liquibase",
        "io.opentelemetry",
        "io.swagger",
        "org.springdoc",
        "io.jsonwebtoken",
        "org.mapstruct",
        "org.testcontainers",
        "io.netty",
        "org.slf4j",
        "ch.qos.logback",
        "io.grpc",
        "net.logstash",
        "org.hibernate",
        "jakarta",
        "javax",
        "org.junit",
        "org.mockito",
        "org.assertj",
        "io.mockk",
        "io.kotest",
        "com.ninja-squad",
        "org.yaml",
        "com.zaxxer",
        "org.mybatis",
        "com.querydsl",
        "io.lettuce",
        "redis.clients",
        "org.mongodb",
        "com.amazonaws",
        "software.amazon",
        "com.azure",
        "io.awspring",
        "org.bouncycastle",
        "commons-io",
        "commons-codec",
        "commons-lang",
        "org.codehaus",
        "org.glassfish",
        "org.eclipse",
        "io.github.microutils",
        "io.github.oshai",
        "org.jooq",
        "org.json",
        "com.squareup",
        "io.rest-assured",
        "org.wiremock",
        "com.github.tomakehurst",
        "org.awaitility",
        "net.bytebuddy",
        "org.aspectj",
        "org.reactivestreams",
        "io.reactivex",
        "org.jsoup",
        "org.apache.kafka",
        "com.github.ben-manes.caffeine",
        "org.ehcache",
        "io.jsonwebtoken",
        "com.auth0",
        "com.nimbusds",
    ];
    KNOWN
        .iter()
        .any(|k| group == *k || group.strip_prefix(k).is_some_and(|rest| rest.starts_with('.')))
}

/// An external dependency that may bring the registry (or actuator) transitively: an
/// in-house starter, platform or observability bundle (semantics §10.3: "report unknown, not
/// missing"). Public libraries from well-known groups are not suspects.
pub fn may_carry(group: &str, name: &str) -> bool {
    if is_public_group(group) {
        return false;
    }
    const WORDS: &[&str] = &[
        "starter",
        "observability",
        "observe",
        "monitoring",
        "monitor",
        "metrics",
        "metric",
        "telemetry",
        "prometheus",
        "micrometer",
        "actuator",
        "instrumentation",
        "platform",
        "common",
        "boot",
        "spring",
        "chassis",
        "framework",
        "base",
        "core",
        "shared",
        "infra",
    ];
    let name = name.to_ascii_lowercase();
    WORDS.iter().any(|w| name.contains(w))
}

/// Maven parents outside the repository known to declare no `<dependencies>` (they only
/// manage versions and plugins).
pub fn is_inert_maven_parent(group: &str, artifact: &str) -> bool {
    matches!(
        (group, artifact),
        (
            "org.springframework.boot",
            "spring-boot-starter-parent" | "spring-boot-dependencies" | "spring-boot-parent"
        ) | (
            "org.springframework.cloud",
            "spring-cloud-dependencies" | "spring-cloud-starter-parent" | "spring-cloud-build"
        ) | ("org.sonatype.oss", "oss-parent")
            | ("org.apache", "apache")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configurations() {
        assert_eq!(gradle_reach("implementation"), Reach::Packaged);
        assert_eq!(gradle_reach("runtimeOnly"), Reach::Packaged);
        assert_eq!(gradle_reach("testImplementation"), Reach::NotPackaged);
        assert_eq!(gradle_reach("integrationTestRuntimeOnly"), Reach::NotPackaged);
        assert_eq!(gradle_reach("developmentOnly"), Reach::NotPackaged);
        assert_eq!(gradle_reach("testing:implementation"), Reach::NotPackaged);
        assert_eq!(gradle_reach("bootAgent"), Reach::Unknown);
        assert_eq!(maven_reach("provided", false, false), Reach::Packaged);
        assert_eq!(maven_reach("compile", true, true), Reach::Ignored);
        assert_eq!(maven_reach("test", false, false), Reach::NotPackaged);
        assert_eq!(maven_reach("${scope}", false, false), Reach::Unknown);
    }

    #[test]
    fn suspects() {
        assert!(may_carry("com.acme.platform", "acme-observability-spring-boot-starter"));
        assert!(!may_carry("org.springframework.boot", "spring-boot-starter-web"));
        assert!(!may_carry("com.acme", "pdf-renderer"));
        assert!(is_inert_plugin("org.jetbrains.kotlin.plugin.spring"));
        assert!(!is_inert_plugin("com.acme.conventions"));
        assert!(!is_inert_plugin("javax"));
    }
}
