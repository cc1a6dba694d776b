use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Label};
use crate::fix::spring::add_to_exposure;
use crate::link::Deployment;
use crate::model::build::{find_artifact, Presence};
use crate::rules::build::prometheus_registry_missing::{ARTIFACTS, GROUP};
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::Span;

declare_rule!(PrometheusEndpointNotExposed {
    name: "prometheus-endpoint-not-exposed",
    category: Exposure,
    severity: Error,
    fix: Sometimes,
    summary: "a scraped service does not expose the `prometheus` actuator endpoint over HTTP",
});

impl Rule for PrometheusEndpointNotExposed {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (si, s) in cx.ws.services.iter().enumerate() {
            // A Config Server may expose it: unknown, reported by `analysis-gap`.
            if s.remote_config.is_some() {
                continue;
            }
            let deps = &cx.links.deployments[si];
            let scrapes: Vec<_> = cx.links.scrapes_of(si).collect();
            // The deployments that must expose it: those a scrape certainly reaches, or (with the
            // registry but no scrape) all of them.
            let failing: Vec<&Deployment> = if !scrapes.is_empty() {
                let mut v = Vec::new();
                for sc in &scrapes {
                    let reached = cx.links.reached(sc);
                    if reached.iter().all(|d| !d.actuator.prometheus_exposed) {
                        v.extend(reached);
                    }
                }
                v
            } else {
                let has_registry = matches!(find_artifact(&cx.ws.modules, s.module, GROUP, ARTIFACTS), Presence::Present(_));
                if !has_registry || deps.iter().any(|d| d.actuator.prometheus_exposed) {
                    continue;
                }
                deps.iter().collect()
            };
            let Some(dep) = failing.first() else { continue };
            // Pushing to a Pushgateway is a legitimate reason to have the registry unexposed.
            if scrapes.is_empty()
                && dep
                    .effective
                    .value("management.prometheus.metrics.export.pushgateway.enabled")
                    .or_else(|| dep.effective.value("management.metrics.export.prometheus.pushgateway.enabled"))
                    == Some("true")
            {
                continue;
            }
            let include = dep.effective.get_list("management.endpoints.web.exposure.include");
            let exclude = dep.effective.get_list("management.endpoints.web.exposure.exclude");
            let excluded = exclude
                .as_ref()
                .is_some_and(|l| l.items.iter().any(|i| i == "*" || i.eq_ignore_ascii_case("prometheus")));
            let profiles = match (&dep.effective.profiles_from, dep.effective.profiles.is_empty()) {
                (Some(from), false) => format!(" with profile `{}` (from {from})", dep.effective.profiles.join(",")),
                _ => String::new(),
            };
            let (primary, reason) = if excluded {
                let l = exclude.as_ref().and_then(|l| l.props.first().copied());
                (
                    l.map(|p| p.value_span),
                    "`management.endpoints.web.exposure.exclude` removes it, and exclude wins over include".to_string(),
                )
            } else if let Some(inc) = &include {
                let p = inc.props.first().map(|p| p.value_span);
                (
                    p,
                    format!(
                        "`management.endpoints.web.exposure.include` is `{}`, which does not list it",
                        inc.items.join(",")
                    ),
                )
            } else {
                let default = if s.boot_version.at_least(2, 5) {
                    "`health`"
                } else {
                    "`health` and `info`"
                };
                (
                    None,
                    format!("nothing sets `management.endpoints.web.exposure.include`, and by default only {default} is exposed over HTTP"),
                )
            };
            let primary = primary.or_else(|| s.primary_config.map(|f| Span::new(f, cx.sources.get(f).line_range(1))));
            let Some(primary) = primary else { continue };
            let label = if include.is_some() || excluded {
                "does not expose `prometheus`"
            } else {
                "no exposure is configured in this file"
            };
            let what = match scrapes.first() {
                Some(sc) => format!(
                    "`{}` is scraped on `{}` but does not expose the `prometheus` endpoint over HTTP{profiles}: {reason}",
                    s.name, sc.path
                ),
                None => format!(
                    "`{}` has `micrometer-registry-prometheus` but does not expose the `prometheus` endpoint over HTTP{profiles}: {reason}",
                    s.name
                ),
            };
            let mut d =
                Diagnostic::new(Self::META.name, Self::META.default_severity, what, Label::new(primary, label)).service(Some(&s.name));
            if let Some(sc) = scrapes.first() {
                d = d.related(sc.path_span, format!("scraped here ({})", sc.evidence));
            }
            if excluded {
                d = d.help("remove `prometheus` from `management.endpoints.web.exposure.exclude`, or stop scraping this service");
            } else {
                let keep = if include.is_none() {
                    " (keep `health`: setting `include` replaces the default, and the probes need it)"
                } else {
                    ""
                };
                d = d.help(format!("add `prometheus` to `management.endpoints.web.exposure.include`{keep}"));
                if let Some(edits) = add_to_exposure(cx.sources, cx.parsed, s, dep, "prometheus") {
                    d = d.fix(Some(Fix {
                        title: "expose `prometheus` over HTTP".into(),
                        applicability: Applicability::Unsafe,
                        edits,
                    }));
                }
            }
            out.push(d);
        }
    }
}
