use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Label};
use crate::edit::spring::add_property;
use crate::link::demand::scraped_deployments;
use crate::link::{Scrape, Via};
use crate::model::spring::Lookup;
use crate::parse::yaml::Node;
use crate::rules::wording::first_line;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule!(ApplicationTagMissing {
    name: "application-tag-missing",
    category: Exposure,
    severity: Info,
    fix: Sometimes,
    summary:
        "a scraped service's metrics carry no `application` label (no `management.metrics.tags.application`, none added by the scrape)",
});

/// Whether a YAML subtree sets a target label `application` (`target_label`/`targetLabel`),
/// or lists it in `targetLabels`/`podTargetLabels`.
fn adds_application(n: &Node, depth: usize) -> bool {
    if depth > 32 {
        return false;
    }
    for (k, v) in n.as_map() {
        let key = k.as_str().unwrap_or("");
        if matches!(key, "target_label" | "targetLabel") && v.as_str() == Some("application") {
            return true;
        }
        if matches!(key, "targetLabels" | "podTargetLabels") && v.as_seq().iter().any(|x| x.as_str() == Some("application")) {
            return true;
        }
        if adds_application(v, depth + 1) {
            return true;
        }
    }
    n.as_seq().iter().any(|x| adds_application(x, depth + 1))
}

/// The YAML node of a job (`scrape_configs` item) or a monitor document, when it is a
/// document of its own file (not embedded in a ConfigMap, not patched by a kustomize build).
fn scrape_node<'a>(cx: &'a Context<'_>, sc: &Scrape) -> Option<&'a Node> {
    match &sc.via {
        Via::Job { job, .. } | Via::Annotations { job, .. } | Via::Registry { job, .. } => {
            let j = &cx.ws.jobs[*job];
            cx.parsed[j.span.file.0 as usize]
                .yaml_roots()
                .flat_map(|r| r.at("scrape_configs").as_seq().iter())
                .find(|n| n.span == j.span)
        }
        Via::Monitor { monitor, .. } | Via::PodMonitor { monitor, .. } => {
            let m = &cx.ws.monitors[*monitor];
            cx.parsed[m.file.0 as usize].yaml_roots().find(|r| {
                r.at("kind").as_str() == Some(m.kind_name()) && r.at("metadata").at("name").as_str() == Some(m.name.value.as_str())
            })
        }
    }
}

fn scrape_adds_label(cx: &Context<'_>, sc: &Scrape) -> bool {
    if let Via::Job { job, target } = &sc.via {
        if cx.ws.jobs[*job]
            .targets
            .get(*target)
            .is_some_and(|t| t.label("application").is_some())
        {
            return true;
        }
    }
    if let Via::Job { job, .. } | Via::Annotations { job, .. } | Via::Registry { job, .. } = &sc.via {
        if cx.ws.jobs[*job]
            .relabel
            .iter()
            .any(|r| r.target_label.as_deref() == Some("application"))
        {
            return true;
        }
    }
    // A scrape whose YAML cannot be found here (embedded in a ConfigMap or Helm values,
    // rewritten by kustomize) may add the label: unknown is not missing.
    scrape_node(cx, sc).is_none_or(|n| adds_application(n, 0))
}

impl Rule for ApplicationTagMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (si, s) in cx.ws.services.iter_enumerated() {
            // Common tags exist from Boot 2.1 (semantics §6).
            if !s.boot_version.at_least(2, 1) {
                continue;
            }
            let reached = scraped_deployments(cx.links, si);
            if reached.is_empty() || cx.links.scrapes_of(si).any(|sc| scrape_adds_label(cx, sc)) {
                continue;
            }
            // Every reached deployment certainly lacks the tag (unknown is not missing).
            if !reached.iter().all(|(_, d, _)| d.actuator.facts.application_tag.is_no()) {
                continue;
            }
            let Some((_, dep, sc)) = reached.first() else { continue };
            let Some(file) = s.primary_config else { continue };
            // `${spring.application.name}` only when it resolves: otherwise Boot fails to start.
            let value = match dep.effective.lookup("spring.application.name") {
                Lookup::Set(_) => "${spring.application.name}".to_string(),
                _ => s.name.clone(),
            };
            let msg = format!(
                "`{}` is scraped, but its metrics carry no `application` label: nothing sets `management.metrics.tags.application` and {} adds none, so Spring dashboards (Grafana 4701, 17175) that filter on `application` do not show it",
                s.name,
                crate::link::scrape::describe_site(cx.ws, &sc.via).0
            );
            let fix = add_property(
                cx.sources,
                cx.parsed,
                file,
                &["management", "metrics", "tags", "application"],
                &value,
            )
            .map(|edits| Fix {
                title: "add the `application` common tag".into(),
                applicability: Applicability::Unsafe,
                edits,
            });
            let d = Diagnostic::new(
                Self::META.name,
                Self::META.default_severity,
                msg,
                Label::new(first_line(cx.sources, file), "no `management.metrics.tags.application` in this service's config"),
            )
            .service(Some(&s.name))
            .related(sc.path_span, format!("scraped here ({})", sc.evidence))
            .help(format!(
                "set `management.metrics.tags.application: {value}`, or add the label in the scrape config (`relabel_configs` with `target_label: application`, or the ServiceMonitor's `targetLabels`)"
            ))
            .fix(fix);
            out.push(d);
        }
    }
}
