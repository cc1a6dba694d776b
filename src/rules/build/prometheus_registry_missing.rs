use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label};
use crate::edit::build::{add, dependencies_anchor, REGISTRY};
use crate::link::demand::metrics_demand;
use crate::model::build::{lookup, REGISTRY_ARTIFACTS, REGISTRY_GROUP};
use crate::rules::wording::{demand_why, relate_demand};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule!(PrometheusRegistryMissing {
    name: "prometheus-registry-missing",
    category: Build,
    severity: Error,
    fix: Sometimes,
    summary: "a scraped service has no `micrometer-registry-prometheus` on its runtime classpath",
});

impl Rule for PrometheusRegistryMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (si, s) in cx.ws.services.iter_enumerated() {
            let Some(demand) = metrics_demand(cx.ws, cx.links, si) else {
                continue;
            };
            let found = lookup(&cx.ws.modules, s.module, REGISTRY_GROUP, REGISTRY_ARTIFACTS);
            // Present, unknown (`analysis-gap` says why) or only in an unpackaged configuration
            // (`prometheus-registry-not-packaged`): not this rule's business.
            if found.found.is_some() || !found.unknown.is_empty() || found.not_packaged.is_some() {
                continue;
            }
            let m = &cx.ws.modules[s.module];
            let Some((primary, block)) = dependencies_anchor(cx.sources, m) else {
                continue;
            };
            let label = if block {
                "the registry is not declared in these dependencies"
            } else {
                "this service's build declares no dependencies of its own"
            };
            let mut d = Diagnostic::new(
                Self::META.name,
                Self::META.default_severity,
                format!(
                    "`{}` {} but `io.micrometer:micrometer-registry-prometheus` is not on its runtime classpath, so Spring Boot never creates the `prometheus` endpoint",
                    s.name,
                    demand_why(&demand)
                ),
                Label::new(primary, label),
            )
            .service(Some(&s.name));
            d = relate_demand(&demand, d);
            // The trap: a version managed in a parent/BOM block is not a dependency.
            if let Some((_, _, span)) = m
                .managed
                .iter()
                .find(|(g, n, _)| g == REGISTRY_GROUP && REGISTRY_ARTIFACTS.contains(&n.as_str()))
            {
                d = d.related(*span, "only its version is managed here, which adds no dependency");
            }
            match add(cx.sources, cx.parsed, m, &REGISTRY) {
                Some(a) => d = d.help(a.help).fix(a.fix),
                None => d = d.help("declare `io.micrometer:micrometer-registry-prometheus` on the service's runtime classpath"),
            }
            out.push(d);
        }
    }
}
