use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Label, Severity};
use crate::edit::spring::replace_value;
use crate::link::demand::scraped_deployments;
use crate::model::spring::{Fact, Lookup};
use crate::rules::wording::{profiles, where_};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule!(PrometheusEndpointDisabled {
    name: "prometheus-endpoint-disabled",
    category: Exposure,
    severity: Error,
    fix: Sometimes,
    summary:
        "the `prometheus` endpoint is exposed but disabled: endpoint `enabled`/`access`, the export, or the HTTP management server is off",
});

impl Rule for PrometheusEndpointDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut seen = Vec::new();
        for (si, s) in cx.ws.services.iter_enumerated() {
            let mut candidates: Vec<(&crate::link::Deployment, Option<&crate::link::Scrape>)> = scraped_deployments(cx.links, si)
                .into_iter()
                .map(|(_, d, sc)| (d, Some(sc)))
                .collect();
            // Unscraped: only when the include list names `prometheus` explicitly, i.e. someone
            // meant to serve it.
            if candidates.is_empty() {
                for d in &cx.links.deployments[si] {
                    if let Lookup::Set(l) = d.effective.list("management.endpoints.web.exposure.include") {
                        if l.items.iter().any(|i| i.eq_ignore_ascii_case("prometheus")) {
                            candidates.push((d, None));
                        }
                    }
                }
            }
            for (dep, sc) in candidates {
                let f = &dep.actuator.facts;
                if !f.prometheus_exposed.is_yes() {
                    continue;
                }
                let (what, fact): (&str, &Fact) = if f.http.is_no() {
                    ("the HTTP actuator is off", &f.http)
                } else if f.prometheus_access.is_no() {
                    ("the endpoint is disabled", &f.prometheus_access)
                } else if f.prometheus_export.is_no() {
                    (
                        "the Prometheus export is off, which removes the endpoint with the registry",
                        &f.prometheus_export,
                    )
                } else {
                    continue;
                };
                let Some(primary) = fact.span() else { continue };
                if seen.contains(&primary) {
                    continue;
                }
                seen.push(primary);
                let scraped_on = sc.map_or(String::new(), |sc| format!(" is scraped on `{}` and", sc.path));
                let context = format!("{}{}", where_(cx.ws, dep), profiles(dep));
                let msg = format!(
                    "`{}`{scraped_on} exposes `prometheus`, but{context}{} {what}: {}",
                    s.name,
                    if context.is_empty() { "" } else { "," },
                    fact.why().text
                );
                // Not scraped by anything in the repository: the switch may be off on purpose
                // (a generated `prod` profile that turns the export off unless monitoring is
                // chosen). Say it, don't fail, and offer no fix that turns it on.
                let (severity, msg) = match sc {
                    Some(_) => (Self::META.default_severity, msg),
                    None => (
                        Severity::Info,
                        format!("{msg}; nothing in the repository scrapes it, so this matters only if a Prometheus outside it does"),
                    ),
                };
                let mut d =
                    Diagnostic::new(Self::META.name, severity, msg, Label::new(primary, "turns the endpoint off")).service(Some(&s.name));
                if let Some(sc) = sc {
                    d = d.related(sc.path_span, format!("scraped here ({})", sc.evidence));
                }
                let key = fact.key.clone().unwrap_or_default();
                // Only the endpoint's own switch or the export switch has an obvious fix: a
                // global default or cap was set for every endpoint on purpose.
                let replacement = if key.ends_with("prometheus.access") {
                    Some("read-only")
                } else if key.ends_with("prometheus.enabled") || key.ends_with("prometheus.metrics.export.enabled") {
                    Some("true")
                } else {
                    None
                };
                let or_stop = if sc.is_some() { ", or stop scraping this service" } else { "" };
                d = match replacement {
                    Some(v) if !f.http.is_no() && sc.is_some() => {
                        let fix = replace_value(cx.sources, primary, v).map(|e| Fix {
                            title: format!("set `{key}` to `{v}`"),
                            applicability: Applicability::Unsafe,
                            edits: vec![e],
                        });
                        d.help(format!("set `{key}` to `{v}`{or_stop}")).fix(fix)
                    }
                    _ if f.http.is_no() => d.help(format!(
                        "remove `management.server.port: -1` (or the `none` web application type){or_stop}"
                    )),
                    _ => d.help(format!("remove or change `{key}`{or_stop}")),
                };
                out.push(d);
            }
        }
    }
}
