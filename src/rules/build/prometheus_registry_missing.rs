use super::dependency::{add, demand, primary_span, REGISTRY};
use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label};
use crate::model::build::lookup;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule!(PrometheusRegistryMissing {
    name: "prometheus-registry-missing",
    category: Build,
    severity: Error,
    fix: Sometimes,
    summary: "a scraped service has no `micrometer-registry-prometheus` on its runtime classpath",
});

pub const GROUP: &str = crate::model::build::REGISTRY_GROUP;
/// Both artifacts provide a registry Boot can use on some version (semantics §2).
pub const ARTIFACTS: &[&str] = crate::model::build::REGISTRY_ARTIFACTS;

impl Rule for PrometheusRegistryMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (si, s) in cx.ws.services.iter().enumerate() {
            let Some(demand) = demand(cx, si) else { continue };
            let found = lookup(&cx.ws.modules, s.module, GROUP, ARTIFACTS);
            // Present, unknown (`analysis-gap` says why) or only in an unpackaged configuration
            // (`prometheus-registry-not-packaged`): not this rule's business.
            if found.found.is_some() || !found.unknown.is_empty() || found.not_packaged.is_some() {
                continue;
            }
            let m = &cx.ws.modules[s.module];
            let Some(primary) = primary_span(cx, m) else { continue };
            let mut d = Diagnostic::new(
                Self::META.name,
                Self::META.default_severity,
                format!(
                    "`{}` {} but `io.micrometer:micrometer-registry-prometheus` is not on its runtime classpath, so Spring Boot never creates the `prometheus` endpoint",
                    s.name,
                    demand.why()
                ),
                Label::new(primary, "the registry is not declared in these dependencies"),
            )
            .service(Some(&s.name));
            d = demand.relate(d);
            match add(cx, m, &REGISTRY) {
                Some(a) => d = d.help(a.help).fix(a.fix),
                None => d = d.help("declare `io.micrometer:micrometer-registry-prometheus` on the service's runtime classpath"),
            }
            out.push(d);
        }
    }
}
