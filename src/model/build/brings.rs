//! What widely used third-party starters and platforms put on the runtime classpath, as far as
//! the two artifacts the linter asks about go: `spring-boot-starter-actuator` (or
//! `spring-boot-actuator-autoconfigure`) and `io.micrometer:micrometer-registry-prometheus`.
//!
//! A dependency that is not in the repository is otherwise judged by its name (`known::may_carry`):
//! an in-house `*-starter` may bring anything, so it makes the answer unknown. For the artifacts
//! listed here the answer is known from their published POMs, so it is not a guess: the Wavefront
//! starter brings actuator and the Wavefront registry, never Prometheus'; the Eureka server
//! brings actuator; Spring Cloud clients only mark actuator `optional`. Each row cites the POM
//! it was read from (`owner/repo@commit:path`, and the release tags checked). A row applies to
//! every version unless it names a version bound; outside the bound, or with a version the
//! build does not state, the answer is unknown.

/// What a row says about one sought artifact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Brings {
    /// A compile/runtime (non-optional) dependency chain of the artifact puts it there.
    Yes,
    /// It does not (absent, `optional`, `test` or `provided` in its POMs).
    No,
}

/// Sought artifacts, as the rules ask for them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sought {
    Actuator,
    PrometheusRegistry,
}

fn sought(group: &str, names: &[&str]) -> Option<Sought> {
    use super::{ACTUATOR_ARTIFACTS, ACTUATOR_GROUP, REGISTRY_ARTIFACTS, REGISTRY_GROUP};
    if group == ACTUATOR_GROUP && names.iter().any(|n| ACTUATOR_ARTIFACTS.contains(n)) {
        Some(Sought::Actuator)
    } else if group == REGISTRY_GROUP && names.iter().any(|n| REGISTRY_ARTIFACTS.contains(n)) {
        Some(Sought::PrometheusRegistry)
    } else {
        None
    }
}

/// One published artifact (or family: a trailing `*` matches any suffix).
struct Row {
    group: &'static str,
    name: &'static str,
    actuator: Brings,
    registry: Brings,
    /// `actuator` holds for versions in `[from, until)` only; outside, `outside` (`None`: not
    /// verified, so unknown).
    actuator_versions: Option<((u32, u32), (u32, u32))>,
    outside: Option<Brings>,
    source: &'static str,
}

const fn row(group: &'static str, name: &'static str, actuator: Brings, registry: Brings, source: &'static str) -> Row {
    Row {
        group,
        name,
        actuator,
        registry,
        actuator_versions: None,
        outside: None,
        source,
    }
}

use Brings::{No, Yes};

/// The table. Keep it to artifacts whose POMs were read; anything else stays a name heuristic.
const TABLE: &[Row] = &[
    // Wavefront: actuator and `micrometer-registry-wavefront`, no Prometheus registry in any
    // release 2.0.0–3.2.0.
    row(
        "com.wavefront",
        "wavefront-spring-boot-starter",
        Yes,
        No,
        "wavefrontHQ/wavefront-spring-boot@4f4a807d:wavefront-spring-boot-starter/pom.xml (tags v2.0.0–v3.2.0: spring-boot-starter-actuator, micrometer-registry-wavefront)",
    ),
    row(
        "com.wavefront",
        "wavefront-spring-boot",
        Yes,
        No,
        "wavefrontHQ/wavefront-spring-boot@4f4a807d:wavefront-spring-boot/pom.xml (spring-boot-actuator-autoconfigure, micrometer-registry-wavefront)",
    ),
    // Spring Boot Admin 2.0+: the client and the server depend on actuator.
    Row {
        actuator_versions: Some(((2, 0), (u32::MAX, 0))),
        ..row(
            "de.codecentric",
            "spring-boot-admin-starter-client",
            Yes,
            No,
            "codecentric/spring-boot-admin@78ee1982:spring-boot-admin-client/pom.xml (tags 2.0.0–4.1.0: spring-boot-starter-actuator, compile)",
        )
    },
    Row {
        actuator_versions: Some(((2, 0), (u32::MAX, 0))),
        ..row(
            "de.codecentric",
            "spring-boot-admin-client",
            Yes,
            No,
            "codecentric/spring-boot-admin@78ee1982:spring-boot-admin-client/pom.xml (tags 2.0.0–4.1.0)",
        )
    },
    Row {
        actuator_versions: Some(((2, 0), (u32::MAX, 0))),
        ..row(
            "de.codecentric",
            "spring-boot-admin-starter-server",
            Yes,
            No,
            "codecentric/spring-boot-admin@78ee1982:spring-boot-admin-server/pom.xml (spring-boot-starter-actuator, compile)",
        )
    },
    // Spring Cloud Netflix: the Eureka server always brings actuator (1.0.0–5.0.0); the client
    // marks it optional.
    row(
        "org.springframework.cloud",
        "spring-cloud-starter-netflix-eureka-server",
        Yes,
        No,
        "spring-cloud/spring-cloud-netflix@5ad0371e:spring-cloud-netflix-eureka-server/pom.xml (tags v1.0.0.RELEASE–v5.0.0: spring-boot-starter-actuator, compile)",
    ),
    row(
        "org.springframework.cloud",
        "spring-cloud-netflix-eureka-server",
        Yes,
        No,
        "spring-cloud/spring-cloud-netflix@5ad0371e:spring-cloud-netflix-eureka-server/pom.xml (tags v1.0.0.RELEASE–v5.0.0)",
    ),
    row(
        "org.springframework.cloud",
        "spring-cloud-starter-eureka-server",
        Yes,
        No,
        "spring-cloud/spring-cloud-netflix@5ad0371e (the pre-2.0 name of the Eureka server starter; spring-cloud-netflix-eureka-server/pom.xml v1.4.0.RELEASE: actuator, compile)",
    ),
    row(
        "org.springframework.cloud",
        "spring-cloud-starter-netflix-zuul",
        Yes,
        No,
        "spring-cloud/spring-cloud-netflix v2.0.0.RELEASE, v2.2.0.RELEASE:spring-cloud-starter-netflix/spring-cloud-starter-netflix-zuul/pom.xml (spring-boot-starter-actuator, compile)",
    ),
    row(
        "org.springframework.cloud",
        "spring-cloud-starter-netflix-eureka-client",
        No,
        No,
        "spring-cloud/spring-cloud-netflix@5ad0371e:spring-cloud-netflix-eureka-client/pom.xml (actuator optional in v1.4.0.RELEASE–v5.0.0)",
    ),
    // Spring Cloud Config: the server brought actuator up to 3.0.x, optional since 3.1.0.
    Row {
        actuator_versions: Some(((0, 0), (3, 1))),
        outside: Some(No),
        ..row(
            "org.springframework.cloud",
            "spring-cloud-config-server",
            Yes,
            No,
            "spring-cloud/spring-cloud-config@ec731ee1:spring-cloud-config-server/pom.xml (actuator compile in v1.0.0.RELEASE–v3.0.0 (73ebf563), optional from v3.1.0 (8e927ed0))",
        )
    },
    row(
        "org.springframework.cloud",
        "spring-cloud-starter-config",
        No,
        No,
        "spring-cloud/spring-cloud-config@ec731ee1:spring-cloud-config-client/pom.xml (actuator optional)",
    ),
    row(
        "org.springframework.cloud",
        "spring-cloud-starter-bus-*",
        No,
        No,
        "spring-cloud/spring-cloud-bus@798d2f3d:spring-cloud-bus/pom.xml (actuator optional since v1.1.0.RELEASE)",
    ),
    row(
        "org.springframework.cloud",
        "spring-cloud-starter-consul-*",
        No,
        No,
        "spring-cloud/spring-cloud-consul@f008a118:spring-cloud-consul-{core,discovery,config}/pom.xml (actuator optional)",
    ),
    row(
        "org.springframework.cloud",
        "spring-cloud-starter-gateway*",
        No,
        No,
        "spring-cloud/spring-cloud-gateway@5227205c:spring-cloud-gateway-server-webflux/pom.xml (actuator optional)",
    ),
    row(
        "org.springframework.cloud",
        "spring-cloud-starter-kubernetes-*",
        No,
        No,
        "spring-cloud/spring-cloud-kubernetes@74958e4a:spring-cloud-kubernetes-{commons,client-*,fabric8-*}/pom.xml (actuator optional)",
    ),
    // Spring Boot's own starters: only the actuator starters bring actuator, and none brings
    // the Prometheus registry (semantics §2 item 1).
    row(
        "org.springframework.boot",
        "spring-boot-starter-actuator-test",
        Yes,
        No,
        "spring-projects/spring-boot@c329ffa2:starter/spring-boot-starter-actuator-test/build.gradle (api spring-boot-starter-actuator)",
    ),
    row(
        "org.springframework.boot",
        "spring-boot-starter-*",
        No,
        No,
        "spring-projects/spring-boot@c329ffa2:starter/*/build.gradle (only the actuator starters depend on actuator; no starter depends on micrometer-registry-prometheus)",
    ),
    // The other Micrometer registries bring their own backend only.
    row(
        "io.micrometer",
        "micrometer-registry-*",
        No,
        No,
        "micrometer-metrics/micrometer: each `implementations/micrometer-registry-<backend>` depends on micrometer-core and its backend's client only",
    ),
];

fn matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => pattern == name,
    }
}

fn major_minor(version: &str) -> Option<(u32, u32)> {
    let mut it = version.split(['.', '-']);
    let major = it.next()?.parse().ok()?;
    let minor = it.next().and_then(|m| m.parse().ok()).unwrap_or(0);
    Some((major, minor))
}

/// What the table knows about `group:name` (at `version`, when the build states it) bringing
/// the sought artifact. `None`: not in the table (fall back to the name heuristic).
/// `Some(Err(why))`: in the table, but the answer depends on a version the build does not state.
pub fn lookup(
    group: &str,
    name: &str,
    version: Option<&str>,
    sought_group: &str,
    sought_names: &[&str],
) -> Option<Result<(Brings, &'static str), String>> {
    let what = sought(sought_group, sought_names)?;
    // The sought artifact itself is never answered here.
    if sought_group == group && sought_names.contains(&name) {
        return None;
    }
    let r = TABLE.iter().find(|r| r.group == group && matches(r.name, name))?;
    let answer = match what {
        Sought::PrometheusRegistry => r.registry,
        Sought::Actuator => match r.actuator_versions {
            None => r.actuator,
            Some((from, until)) => {
                let v = version.filter(|v| !v.contains("${")).and_then(major_minor);
                match v.map(|v| from <= v && v < until) {
                    Some(true) => r.actuator,
                    Some(false) if r.outside.is_some() => r.outside.unwrap_or(r.actuator),
                    Some(false) => {
                        return Some(Err(format!(
                            "what `{group}:{name}` {} brings was not verified ({})",
                            version.unwrap_or_default(),
                            r.source
                        )))
                    }
                    None => {
                        return Some(Err(format!(
                            "`{group}:{name}` brings actuator only in some versions ({}), and the build does not state which one it uses",
                            r.source
                        )))
                    }
                }
            }
        },
    };
    Some(Ok((answer, r.source)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::build::{ACTUATOR_ARTIFACTS, ACTUATOR_GROUP, REGISTRY_ARTIFACTS, REGISTRY_GROUP};

    fn actuator(g: &str, n: &str, v: Option<&str>) -> Option<Result<Brings, String>> {
        lookup(g, n, v, ACTUATOR_GROUP, ACTUATOR_ARTIFACTS).map(|r| r.map(|(b, _)| b))
    }
    fn registry(g: &str, n: &str) -> Option<Brings> {
        lookup(g, n, None, REGISTRY_GROUP, REGISTRY_ARTIFACTS).map(|r| r.expect("no version bound").0)
    }

    #[test]
    fn wavefront_brings_actuator_and_not_the_prometheus_registry() {
        assert_eq!(actuator("com.wavefront", "wavefront-spring-boot-starter", None), Some(Ok(Yes)));
        assert_eq!(registry("com.wavefront", "wavefront-spring-boot-starter"), Some(No));
    }

    #[test]
    fn version_bounds() {
        assert_eq!(
            actuator("org.springframework.cloud", "spring-cloud-config-server", Some("3.0.5")),
            Some(Ok(Yes))
        );
        assert_eq!(
            actuator("org.springframework.cloud", "spring-cloud-config-server", Some("4.1.0")),
            Some(Ok(No))
        );
        assert!(matches!(
            actuator("org.springframework.cloud", "spring-cloud-config-server", None),
            Some(Err(_))
        ));
        assert!(matches!(
            actuator("org.springframework.cloud", "spring-cloud-config-server", Some("${v}")),
            Some(Err(_))
        ));
        assert_eq!(
            actuator("de.codecentric", "spring-boot-admin-starter-client", Some("3.1.0")),
            Some(Ok(Yes))
        );
        assert!(matches!(
            actuator("de.codecentric", "spring-boot-admin-starter-client", Some("1.5.7")),
            Some(Err(_))
        ));
    }

    #[test]
    fn families_and_the_artifacts_themselves() {
        assert_eq!(registry("io.micrometer", "micrometer-registry-datadog"), Some(No));
        // The sought artifact is never answered by the table.
        assert_eq!(registry("io.micrometer", "micrometer-registry-prometheus"), None);
        assert_eq!(actuator("org.springframework.boot", "spring-boot-starter-actuator", None), None);
        assert_eq!(actuator("org.springframework.boot", "spring-boot-starter-web", None), Some(Ok(No)));
        assert_eq!(
            actuator("org.springframework.cloud", "spring-cloud-starter-netflix-eureka-server", None),
            Some(Ok(Yes))
        );
        // Not listed: the caller falls back to its name heuristic.
        assert_eq!(actuator("com.acme", "acme-platform-starter", None), None);
    }
}
