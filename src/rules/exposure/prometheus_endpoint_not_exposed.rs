use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Label, Severity};
use crate::edit::spring::add_to_exposure;
use crate::link::Deployment;
use crate::model::build::{find_artifact, Presence};
use crate::model::build::{REGISTRY_ARTIFACTS, REGISTRY_GROUP};
use crate::model::spring::{Lookup, Tri};
use crate::rules::wording::{first_line, profiles};
use crate::rules::{Context, Rule, RuleMeta};

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
        for (si, s) in cx.ws.services.iter_enumerated() {
            let deps = &cx.links.deployments[si];
            let scrapes: Vec<_> = cx.links.scrapes_of(si).collect();
            // The deployments that must expose it: those a scrape reaches when every deployment
            // it may reach certainly does not expose it, or (with the registry but no scrape)
            // all of them. Unknown exposure is never an error (`analysis-gap` says why).
            let failing: Vec<&Deployment> = if !scrapes.is_empty() {
                let mut v: Vec<&Deployment> = Vec::new();
                for sc in &scrapes {
                    let reached = cx.links.reached(sc);
                    if reached.iter().all(|d| d.actuator.facts.prometheus_exposed.value == Tri::No) {
                        v.extend(reached);
                    }
                }
                v
            } else {
                let has_registry = matches!(
                    find_artifact(&cx.ws.modules, s.module, REGISTRY_GROUP, REGISTRY_ARTIFACTS),
                    Presence::Present(_)
                );
                if !has_registry || deps.iter().any(|d| d.actuator.facts.prometheus_exposed.value != Tri::No) {
                    continue;
                }
                deps.iter().collect()
            };
            let Some(dep) = failing.first() else { continue };
            // Pushing to a Pushgateway is a legitimate reason to have the registry unexposed.
            if scrapes.is_empty() && pushes(dep) {
                continue;
            }
            let fact = &dep.actuator.facts.prometheus_exposed;
            let include_lookup = dep.effective.list("management.endpoints.web.exposure.include");
            // Sources that may not apply (a profile chosen at build time) set it, and the fact
            // holds whichever do: the fact's own reason says so; "nothing sets" would be false.
            let uncertain = matches!(include_lookup, Lookup::Unknown(_));
            let include = include_lookup.set();
            let excluded = fact.why().text.contains("`exclude:");
            let (primary, reason) = if excluded {
                (
                    fact.span(),
                    "`management.endpoints.web.exposure.exclude` removes it, and exclude wins over include".to_string(),
                )
            } else if let Some(inc) = include.as_ref().filter(|l| !l.items.iter().all(|i| i.is_empty())) {
                (
                    inc.props.first().map(|p| p.value_span),
                    format!(
                        "`management.endpoints.web.exposure.include` is `{}`, which does not list it",
                        inc.items.join(",")
                    ),
                )
            } else if uncertain {
                (fact.span(), fact.why().text.clone())
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
            let primary = primary.or_else(|| s.primary_config.map(|f| first_line(cx.sources, f)));
            let Some(primary) = primary else { continue };
            let set = include.is_some() || excluded || uncertain;
            let label = if set {
                "does not expose `prometheus`"
            } else {
                "no exposure is configured in this file"
            };
            let profiles = profiles(dep);
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
            // With the registry but no scrape in the repository, nothing is known to 404: the
            // scraper may live elsewhere, or the exposure may be left to the operator on purpose
            // (a product that ships the registry for users to opt in). Say it, never fail on it.
            let (severity, what) = if scrapes.is_empty() {
                (
                    Severity::Info,
                    format!("{what}; nothing in the repository scrapes it, so this only matters if a Prometheus outside it does"),
                )
            } else {
                (Self::META.default_severity, what)
            };
            let mut d = Diagnostic::new(Self::META.name, severity, what, Label::new(primary, label)).service(Some(&s.name));
            if let Some(sc) = scrapes.first() {
                d = d.related(sc.path_span, format!("scraped here ({})", sc.evidence));
            }
            // A setting outside the service's own files (a manifest's env, a mounted ConfigMap):
            // say where it comes from, and point at the variable when its value lives elsewhere.
            if let Some(inc) = include.as_ref().filter(|_| !excluded) {
                if let Some(p) = inc.props.first() {
                    if inc.layer.label != cx.sources.path(p.value_span.file) {
                        d.message.push_str(&format!(" (set in {})", inc.layer.label));
                    }
                    if inc.layer.is_env()
                        && (p.key_span.file != p.value_span.file
                            || p.value_span.start < p.key_span.start
                            || p.value_span.end > p.key_span.end)
                    {
                        d = d.related(p.key_span, format!("`{}` takes its value from there", p.key));
                    }
                }
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
                // No fix for an unscraped service: exposing an endpoint nobody in the repository
                // asks for is the operator's decision.
                // Nor where the sources that decide it may or may not apply: the edit could
                // land in a file another one overrides.
                let wanted = !scrapes.is_empty() && !uncertain;
                if let Some(edits) = add_to_exposure(cx.sources, cx.parsed, s, dep, "prometheus").filter(|_| wanted) {
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

fn pushes(dep: &Deployment) -> bool {
    [
        "management.prometheus.metrics.export.pushgateway.enabled",
        "management.metrics.export.prometheus.pushgateway.enabled",
    ]
    .iter()
    .any(|k| matches!(dep.effective.lookup(k), Lookup::Set(f) if f.value.trim().eq_ignore_ascii_case("true")))
}
