use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::model::spring::security::Present;
use crate::model::spring::{Lookup, PortType};
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::Span;

declare_rule!(SensitiveEndpointsExposed {
    name: "sensitive-endpoints-exposed",
    category: Exposure,
    severity: Warning,
    fix: None,
    summary: "`*` or endpoints such as `env`, `heapdump`, `threaddump`, `configprops` are exposed on the application's own port without Spring Security",
});

/// Endpoints that leak secrets or internals, or change the running application.
const SENSITIVE: &[&str] = &[
    "env",
    "configprops",
    "heapdump",
    "threaddump",
    "logfile",
    "shutdown",
    "loggers",
    "beans",
    "mappings",
    "conditions",
    "jolokia",
    "httpexchanges",
    "httptrace",
    "sessions",
    "startup",
    "caches",
];

/// Sensitive endpoints present in every application with actuator.
const ALWAYS: &[&str] = &[
    "env",
    "configprops",
    "heapdump",
    "threaddump",
    "loggers",
    "beans",
    "mappings",
    "conditions",
    "shutdown",
];

fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

impl Rule for SensitiveEndpointsExposed {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut seen: Vec<Span> = Vec::new();
        for (si, s) in cx.ws.services.iter_enumerated() {
            // With Spring Security on the classpath (or possibly on it), what is protected
            // depends on its filter chains: not this rule's question (semantics §1.7).
            if !matches!(s.security.present, Present::No) {
                continue;
            }
            // Reachable beyond its own project: a Kubernetes workload (any pod of the cluster
            // reaches its Service), or a Compose service with `ports:` (a bare container port
            // like `"8081"` is published too, on a random host port). Without `ports:` a Compose
            // service is reached only by the containers beside it.
            let run = cx.links.deployments[si]
                .iter()
                .any(|d| d.workload.is_some() || d.compose.is_some_and(|c| !cx.ws.compose_services[c].ports.is_empty()));
            for dep in &cx.links.deployments[si] {
                if !dep.actuator.serving.is(PortType::Same)
                    || dep.actuator.facts.paths_unknown.is_some()
                    || !dep.actuator.facts.http.is_yes()
                {
                    continue;
                }
                let Lookup::Set(include) = dep.effective.list("management.endpoints.web.exposure.include") else {
                    continue;
                };
                let Some(prop) = include.props.first() else { continue };
                if seen.contains(&prop.value_span) {
                    continue;
                }
                // Only `*` or a sensitive id in `include` can expose one (the defaults never
                // do): skip the per-endpoint evaluation for the common case.
                let norm = |s: &str| {
                    s.chars()
                        .filter(char::is_ascii_alphanumeric)
                        .collect::<String>()
                        .to_ascii_lowercase()
                };
                // The ids in SENSITIVE are already in that normal form.
                if !include
                    .items
                    .iter()
                    .any(|i| i.trim() == "*" || SENSITIVE.contains(&norm(i).as_str()))
                {
                    continue;
                }
                let exposed: Vec<&str> = SENSITIVE
                    .iter()
                    .copied()
                    .filter(|id| {
                        dep.effective.exposure(id, &s.boot_version).is_yes() && dep.effective.endpoint_access(id, &s.boot_version).is_yes()
                    })
                    .collect();
                if exposed.is_empty() {
                    continue;
                }
                seen.push(prop.value_span);
                let star = include.items.iter().any(|i| i == "*");
                let what = if star {
                    // Name only endpoints every application has (`logfile`, `jolokia`… need more).
                    let always: Vec<String> = exposed
                        .iter()
                        .filter(|e| ALWAYS.contains(e))
                        .take(5)
                        .map(|e| format!("`{e}`"))
                        .collect();
                    format!("`*` exposes every endpoint, including {},", and_list(&always))
                } else {
                    let shown: Vec<String> = exposed.iter().map(|e| format!("`{e}`")).collect();
                    format!("{} {} exposed", and_list(&shown), if exposed.len() == 1 { "is" } else { "are" })
                };
                let port = dep
                    .actuator
                    .facts
                    .port
                    .map_or("the application's port".to_string(), |p| format!("port {p}"));
                let msg = format!(
                    "{what} on {port}, the port that serves the application's own traffic, and `{}` has no Spring Security to protect them",
                    s.name
                );
                // A module nothing in the repository runs (a sample, a tutorial app started with
                // `spring-boot:run`) exposes to nobody the repository knows of: say it, don't warn.
                let (severity, msg) = if run {
                    (Self::META.default_severity, msg)
                } else {
                    (
                        Severity::Info,
                        format!(
                            "{msg}; nothing in the repository runs it where others can reach it (no Kubernetes workload, no published Compose port), so this matters only where it is deployed"
                        ),
                    )
                };
                let d = Diagnostic::new(Self::META.name, severity, msg, Label::new(prop.value_span, "exposed over HTTP"))
                    .service(Some(&s.name))
                    .help("expose only what is scraped and probed (`health,prometheus`), or move the actuator to `management.server.port`, a port the Service does not publish");
                out.push(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sensitive_ids_are_in_normal_form() {
        // The pre-check compares normalised `include` items against these as written.
        for id in super::SENSITIVE {
            assert!(id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()), "{id}");
        }
    }
}
