use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label};
use crate::edit::build::{add, dependencies_anchor, ACTUATOR};
use crate::link::demand::metrics_demand;
use crate::model::build::{lookup, ACTUATOR_ARTIFACTS, ACTUATOR_GROUP};
use crate::model::build::{REGISTRY_ARTIFACTS, REGISTRY_GROUP};
use crate::rules::wording::{demand_why, relate_demand};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule!(ActuatorStarterMissing {
    name: "actuator-starter-missing",
    category: Build,
    severity: Error,
    fix: Sometimes,
    summary: "the service has the Prometheus registry but no `spring-boot-starter-actuator`, so no actuator endpoint exists",
});

impl Rule for ActuatorStarterMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (si, s) in cx.ws.services.iter_enumerated() {
            let Some(demand) = metrics_demand(cx.ws, cx.links, si) else {
                continue;
            };
            let registry = lookup(&cx.ws.modules, s.module, REGISTRY_GROUP, REGISTRY_ARTIFACTS);
            let Some(reg) = registry.found else { continue };
            let actuator = lookup(&cx.ws.modules, s.module, ACTUATOR_GROUP, ACTUATOR_ARTIFACTS);
            // Unknown: `analysis-gap` says why.
            if actuator.found.is_some() || !actuator.unknown.is_empty() {
                continue;
            }
            let m = &cx.ws.modules[s.module];
            let Some((primary, block)) = dependencies_anchor(cx.sources, m) else {
                continue;
            };
            let label = if block {
                "actuator is not declared in these dependencies"
            } else {
                "this service's build declares no dependencies of its own"
            };
            let mut d = Diagnostic::new(
                Self::META.name,
                Self::META.default_severity,
                format!(
                    "`{}` {} and has `micrometer-registry-prometheus`, but no `spring-boot-starter-actuator` on its runtime classpath: without actuator Spring Boot creates no `/actuator` endpoints, `prometheus` included",
                    s.name,
                    demand_why(&demand)
                ),
                Label::new(primary, label),
            )
            .service(Some(&s.name));
            if let Some(np) = &actuator.not_packaged {
                d = d.related(
                    np.dep.span,
                    format!("declared only in `{}`, which is not packaged", np.dep.configuration),
                );
            }
            d = d.related(reg.dep.span, "the registry is declared here");
            d = relate_demand(&demand, d);
            match add(cx.sources, cx.parsed, m, &ACTUATOR) {
                Some(a) => d = d.help(a.help).fix(a.fix),
                None => d = d.help("declare `org.springframework.boot:spring-boot-starter-actuator` on the service's runtime classpath"),
            }
            out.push(d);
        }
    }
}
