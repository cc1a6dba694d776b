use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label};
use crate::model::build::{lookup, Coord, Found, REGISTRY, REGISTRY_GROUP, REGISTRY_SIMPLECLIENT};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule!(PrometheusRegistryIncompatible {
    name: "prometheus-registry-incompatible",
    category: Build,
    severity: Warning,
    fix: None,
    summary: "the Prometheus registry artifact or pinned version is one the service's Spring Boot version does not use",
});

/// `1.13.0` → (1, 13).
fn major_minor(v: &str) -> Option<(u32, u32)> {
    let mut it = v.trim().split(['.', '-']);
    let major = it.next()?.parse().ok()?;
    let minor = it.next()?.parse().ok()?;
    Some((major, minor))
}

impl Rule for PrometheusRegistryIncompatible {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for s in &cx.ws.services {
            let boot = &s.boot_version;
            // Only a Boot version the repository states; an assumed one proves nothing.
            let Some(boot_span) = boot.span else { continue };
            let m = &cx.ws.modules[s.module];
            let plain = lookup(&cx.ws.modules, s.module, REGISTRY_GROUP, &[REGISTRY]).found;
            let simple = lookup(&cx.ws.modules, s.module, REGISTRY_GROUP, &[REGISTRY_SIMPLECLIENT]).found;
            let boot_label = format!("Spring Boot {}", boot.text);
            // Boot 3.5+ dropped the simpleclient auto-configuration (semantics §2).
            if let (Some(f), None) = (&simple, &plain) {
                if boot.at_least(3, 5) {
                    out.push(
                        Diagnostic::new(
                            Self::META.name,
                            Self::META.default_severity,
                            format!(
                                "`{}` uses {boot_label}, which no longer auto-configures `micrometer-registry-prometheus-simpleclient` (removed in 3.5), so the `prometheus` endpoint is not created",
                                s.name
                            ),
                            Label::new(f.dep.span, "ignored by this Spring Boot version"),
                        )
                        .related(boot_span, boot_label.clone())
                        .service(Some(&s.name))
                        .help("depend on `io.micrometer:micrometer-registry-prometheus` (Prometheus client 1.x) instead; code using `io.micrometer.prometheus.*` classes moves to `io.micrometer.prometheusmetrics.*`"),
                    );
                }
            }
            let Some(f) = plain else { continue };
            let Some((version, span)) = pinned(&f, m) else { continue };
            let Some((1, minor)) = major_minor(&version) else { continue };
            let problem = if !boot.at_least(3, 3) && minor >= 13 {
                Some(format!(
                    "`{}` uses {boot_label}, which needs the simpleclient-based `io.micrometer.prometheus.PrometheusMeterRegistry`, but `micrometer-registry-prometheus` {version} provides `io.micrometer.prometheusmetrics.PrometheusMeterRegistry` (Prometheus client 1.x), so the `prometheus` endpoint is not created",
                    s.name
                ))
            } else if boot.at_least(3, 5) && minor <= 12 && m.pins_win {
                Some(format!(
                    "`{}` uses {boot_label}, which needs `io.micrometer.prometheusmetrics.PrometheusMeterRegistry`, but the pinned `micrometer-registry-prometheus` {version} provides the simpleclient-based `io.micrometer.prometheus.PrometheusMeterRegistry` that Boot 3.5+ ignores, so the `prometheus` endpoint is not created",
                    s.name
                ))
            } else {
                None
            };
            let Some(message) = problem else { continue };
            let mut d = Diagnostic::new(
                Self::META.name,
                Self::META.default_severity,
                message,
                Label::new(
                    span,
                    if let Some(from) = &f.version_from {
                        format!("brings version {version} ({from})")
                    } else {
                        format!("version {version} pinned here")
                    },
                ),
            )
            .related(boot_span, boot_label)
            .service(Some(&s.name))
            .help(if f.version_from.is_some() {
                "declare `io.micrometer:micrometer-registry-prometheus` in this module with the version this Spring Boot version was built with (a declaration in the module wins over what a dependency brings), import Spring Boot's dependency management, or change the Spring Boot version (3.3 introduced Prometheus client 1.x)"
            } else {
                "remove the pinned version so Spring Boot's dependency management picks the Micrometer it was built with, or change the Spring Boot version (3.3 introduced Prometheus client 1.x)"
            });
            let inside = span.file == f.dep.span.file && f.dep.span.start <= span.start && span.end <= f.dep.span.end;
            if !inside {
                d = d.related(f.dep.span, "the registry is declared here");
            }
            out.push(d);
        }
    }
}

/// The version the registry resolves to when the build pins one: on the declaration, in the
/// catalog, through a variable, in dependency management, or by overriding Boot's
/// `micrometer.version`.
fn pinned(f: &Found, m: &crate::model::build::Module) -> Option<(String, crate::source::Span)> {
    if let Coord::Module { version: Some(v), .. } = &f.dep.coord {
        if !v.contains('$') {
            return Some((v.clone(), f.dep.version_span.unwrap_or(f.dep.span)));
        }
    }
    m.micrometer_override.clone()
}
