use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label};
use crate::model::build::{find_artifact, Presence};
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
            .help(g.help.clone());
            if g.services.len() == 1 {
                d = d.service(Some(&cx.ws.services[g.services[0]].name));
            }
            out.push(d);
        }
        // A scraped service whose classpath cannot be resolved: say so instead of guessing.
        for (si, s) in cx.ws.services.iter().enumerate() {
            if cx.links.scrapes_of(si).next().is_none() {
                continue;
            }
            if let Presence::Unknown(reasons) = find_artifact(&cx.ws.modules, s.module, GROUP, ARTIFACTS) {
                let (why, span) = &reasons[0];
                out.push(
                    Diagnostic::new(
                        Self::META.name,
                        Self::META.default_severity,
                        format!("cannot tell whether `{}` has `micrometer-registry-prometheus` on its runtime classpath: {why}", s.name),
                        Label::new(*span, "not resolvable statically"),
                    )
                    .service(Some(&s.name))
                    .help("if the registry does come from here, nothing to do; otherwise declare `io.micrometer:micrometer-registry-prometheus` in the module"),
                );
            }
        }
    }
}
