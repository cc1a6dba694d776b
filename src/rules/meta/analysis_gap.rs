use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label};
use crate::model::build::{lookup, ACTUATOR_ARTIFACTS, ACTUATOR_GROUP};
use crate::model::build::{REGISTRY_ARTIFACTS, REGISTRY_GROUP};
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
            // Services of one name in several modules (a book's chapters) are named once.
            let mut counted: Vec<(&str, usize)> = Vec::new();
            for s in &g.services {
                let name = cx.ws.services[*s].name.as_str();
                match counted.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, k)) => *k += 1,
                    None => counted.push((name, 1)),
                }
            }
            let names: Vec<String> = counted
                .iter()
                .map(|(n, k)| {
                    if *k == 1 {
                        format!("`{n}`")
                    } else {
                        format!("`{n}` ({k} modules)")
                    }
                })
                .collect();
            // A message that already names its one service does not name it again.
            let affects = if names.is_empty() || (names.len() == 1 && g.message.contains(&names[0])) {
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
        unknown_config(cx, out);
        unknown_discovery(cx, out);
        // A service that must serve metrics but whose classpath cannot be resolved: say so
        // instead of guessing (the build rules stay silent).
        for (si, s) in cx.ws.services.iter_enumerated() {
            if crate::link::demand::metrics_demand(cx.ws, cx.links, si).is_none() {
                continue;
            }
            let registry = lookup(&cx.ws.modules, s.module, REGISTRY_GROUP, REGISTRY_ARTIFACTS);
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

/// Registry discoveries (`eureka_sd_configs`, `consul_sd_configs`) whose content, or part of
/// it, the repository cannot tell: once per entry and cause, naming the services affected.
fn unknown_discovery(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for d in &cx.links.discovered {
        let job = &cx.ws.jobs[d.job];
        let sd = &job.registry_sd[d.sd];
        let span = sd.server.as_ref().map_or(sd.span, |s| s.span);
        let mut causes: Vec<(String, Vec<crate::model::ServiceId>)> = Vec::new();
        match &d.registry {
            Err(why) => causes.push((why.clone(), vec![])),
            Ok(_) => {
                for (si, why) in &d.unknown {
                    match causes.iter_mut().find(|(w, _)| w == why) {
                        Some((_, services)) if !services.contains(si) => services.push(*si),
                        Some(_) => {}
                        None => causes.push((why.clone(), vec![*si])),
                    }
                }
            }
        }
        for (why, services) in causes {
            let names: Vec<String> = services.iter().map(|s| format!("`{}`", cx.ws.services[*s].name)).collect();
            let message = if names.is_empty() {
                format!(
                    "cannot tell which services job `{}` scrapes through `{}`: {why}",
                    job.name.value,
                    sd.kind.key()
                )
            } else {
                format!(
                    "cannot tell whether job `{}` scrapes {} through `{}`: {why}",
                    job.name.value,
                    names.join(", "),
                    sd.kind.key()
                )
            };
            let mut diag = Diagnostic::new(
                AnalysisGap::META.name,
                AnalysisGap::META.default_severity,
                message,
                Label::new(span, "not known statically"),
            );
            if let [one] = services.as_slice() {
                diag = diag.service(Some(&cx.ws.services[*one].name));
            }
            out.push(
                diag.help(if d.server_outside {
                        format!(
                            "the scrapes of this job are not checked; if the {} server is run from this repository, add its Compose service or manifests",
                            sd.kind.name()
                        )
                    } else {
                        "the scrapes this decides are not checked".to_string()
                    }),
            );
        }
    }
}

/// Scraped or probed deployments whose actuator facts depend on a source the repository does
/// not show (a Secret, a Config Server, a profile chosen at build time, an unresolvable
/// placeholder): the rules stay silent there, and this says why.
fn unknown_config(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    use crate::link::probes::{http_probes, uses_health};
    use crate::model::spring::Tri;
    let mut seen: Vec<(crate::model::ServiceId, crate::source::Span)> = Vec::new();
    // Service-level gaps already reported (the Config Server import, reported once for all
    // the profile documents that declare it: one finding per cause).
    for g in &cx.ws.gaps {
        for s in &g.services {
            seen.push((*s, g.span));
        }
    }
    for (si, s) in cx.ws.services.iter_enumerated() {
        seen.extend(s.remote_config.iter().map(|span| (si, *span)));
    }
    for (si, s) in cx.ws.services.iter_enumerated() {
        let scraped = cx.links.scrapes_of(si).next().is_some();
        for d in &cx.links.deployments[si] {
            let f = &d.actuator.facts;
            // Probes on the health endpoint (or, when the paths are unknown, anything named so).
            let probed = http_probes(cx.ws, d)
                .iter()
                .any(|(_, p)| uses_health(d, &p.value) || (d.actuator.facts.paths_unknown.is_some() && p.value.contains("/health")));
            let mut unknowns: Vec<(&str, &crate::model::spring::Why)> = Vec::new();
            if scraped {
                for (what, fact) in [
                    ("serves `prometheus`", &f.prometheus_exposed),
                    ("serves `prometheus`", &f.prometheus_access),
                    ("serves `prometheus`", &f.prometheus_export),
                ] {
                    if fact.value == Tri::Unknown {
                        unknowns.push((what, fact.why()));
                    }
                }
                if let Some(w) = &d.actuator.facts.paths_unknown {
                    unknowns.push(("serves metrics on the scraped path and port", w));
                }
            }
            if probed && f.health_exposed.value == Tri::Unknown {
                unknowns.push(("exposes `health` to its probes", f.health_exposed.why()));
            }
            for (what, why) in unknowns {
                let Some(span) = why.span.or(d.effective.profiles_span) else {
                    continue;
                };
                if seen.contains(&(si, span)) {
                    continue;
                }
                seen.push((si, span));
                let place = match (d.workload, d.compose) {
                    (Some(w), _) => format!(" in {}", cx.ws.workloads[w].describe()),
                    (None, Some(c)) => format!(" in Compose service `{}`", cx.ws.compose_services[c].name.value),
                    _ => String::new(),
                };
                out.push(
                    Diagnostic::new(
                        AnalysisGap::META.name,
                        AnalysisGap::META.default_severity,
                        format!("cannot tell whether `{}` {what}{place}: {}", s.name, why.text),
                        Label::new(span, "not known statically"),
                    )
                    .service(Some(&s.name))
                    .help("the exposure, access and path rules stay silent for this deployment; put the deciding value where the repository shows it (a file, a ConfigMap, the manifest's `env`) to have it checked"),
                );
            }
        }
    }
}
