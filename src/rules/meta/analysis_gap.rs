use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label};
use crate::model::build::{lookup, ACTUATOR_ARTIFACTS, ACTUATOR_GROUP};
use crate::rules::build::prometheus_registry_missing::{ARTIFACTS, GROUP};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule!(AnalysisGap {
    name: "analysis-gap",
    category: Meta,
    severity: Info,
    fix: None,
    summary: "something could not be analysed statically; says what and which services it affects",
});

impl Rule for AnalysisGap {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for g in &cx.ws.gaps {
            let names: Vec<String> = g.services.iter().map(|s| format!("`{}`", cx.ws.services[*s].name)).collect();
            let affects = if names.is_empty() {
                String::new()
            } else {
                format!("; affects {}", names.join(", "))
            };
            let mut d = Diagnostic::new(
                Self::META.name,
                Self::META.default_severity,
                format!("{}{affects}", g.message),
                Label::new(g.span, "not analysed"),
            )
            .help("lint the rendered manifests too: `helm template … | actuator-lint --manifests -`");
            if g.services.len() == 1 {
                d = d.service(Some(&cx.ws.services[g.services[0]].name));
            }
            out.push(d);
        }
        // A service that must serve metrics but whose classpath cannot be resolved: say so
        // instead of guessing (the build rules stay silent).
        for (si, s) in cx.ws.services.iter().enumerate() {
            if crate::rules::build::dependency::demand(cx, si).is_none() {
                continue;
            }
            let registry = lookup(&cx.ws.modules, s.module, GROUP, ARTIFACTS);
            let (artifact, reasons) = if registry.found.is_none() {
                ("micrometer-registry-prometheus", registry.unknown)
            } else {
                let actuator = lookup(&cx.ws.modules, s.module, ACTUATOR_GROUP, ACTUATOR_ARTIFACTS);
                if actuator.found.is_some() {
                    continue;
                }
                ("spring-boot-starter-actuator", actuator.unknown)
            };
            let Some((why, span)) = reasons.first() else { continue };
            out.push(
                Diagnostic::new(
                    Self::META.name,
                    Self::META.default_severity,
                    format!("cannot tell whether `{}` has `{artifact}` on its runtime classpath: {why}", s.name),
                    Label::new(*span, "not resolvable statically"),
                )
                .service(Some(&s.name))
                .help(if artifact == "micrometer-registry-prometheus" {
                    "if the registry does come from here, nothing to do; otherwise declare `io.micrometer:micrometer-registry-prometheus` in the module"
                } else {
                    "if actuator does come from here, nothing to do; otherwise declare `org.springframework.boot:spring-boot-starter-actuator` in the module"
                }),
            );
        }
    }
}
