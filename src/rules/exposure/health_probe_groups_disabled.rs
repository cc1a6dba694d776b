use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Label};
use crate::edit::spring::replace_value;
use crate::link::probes::{http_probes, probe_path};
use crate::rules::wording::{profiles, where_};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule!(HealthProbeGroupsDisabled {
    name: "health-probe-groups-disabled",
    category: Exposure,
    severity: Error,
    fix: Sometimes,
    summary: "probes call `/health/liveness` or `/health/readiness`, but the probe health groups do not exist",
});

impl Rule for HealthProbeGroupsDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut seen = Vec::new();
        for (si, s) in cx.ws.services.iter_enumerated() {
            for dep in &cx.links.deployments[si] {
                let f = &dep.actuator.facts;
                // Without `health` exposed, `health-endpoint-not-exposed` says so.
                if !f.probe_groups.is_no() || !f.health_exposed.is_yes() || dep.actuator.facts.paths_unknown.is_some() {
                    continue;
                }
                let group_paths = [f.liveness_path.as_str(), f.readiness_path.as_str()];
                let probes: Vec<_> = http_probes(cx.ws, dep)
                    .into_iter()
                    .filter(|(_, p)| {
                        let p = probe_path(&p.value).trim_end_matches('/');
                        group_paths.contains(&p) || f.additional_paths.iter().any(|a| a.path == p)
                    })
                    .collect();
                let Some((kind, path)) = probes.first() else { continue };
                let fact = &f.probe_groups;
                let primary = fact.span().unwrap_or(path.span);
                if seen.contains(&(primary, path.span)) {
                    continue;
                }
                seen.push((primary, path.span));
                let msg = format!(
                    "the {} of `{}` calls `{}`, but the liveness/readiness health groups do not exist{}{}, so the probe gets 404: {}",
                    kind.key(),
                    s.name,
                    path.value,
                    where_(cx.ws, dep),
                    profiles(dep),
                    fact.why().text
                );
                let mut d = Diagnostic::new(
                    Self::META.name,
                    Self::META.default_severity,
                    msg,
                    Label::new(primary, "no probe health groups"),
                )
                .service(Some(&s.name));
                if primary != path.span {
                    for (k, p) in &probes {
                        d = d.related(p.span, format!("the {} calls a probe group", k.key()));
                    }
                }
                let key = fact.key.clone().unwrap_or_default();
                d = if key.ends_with("probes.enabled") {
                    let fix = replace_value(cx.sources, primary, "true").map(|e| Fix {
                        title: format!("set `{key}` to `true`"),
                        applicability: Applicability::Unsafe,
                        edits: vec![e],
                    });
                    d.help(format!(
                        "set `{key}` to `true`, or probe `{}` instead",
                        dep.actuator.serving.health_path()
                    ))
                    .fix(fix)
                } else if key == "spring.main.cloud-platform" {
                    d.help(format!(
                        "set `management.endpoint.health.probes.enabled: true` (the cloud platform setting turns off Kubernetes detection), or probe `{}` instead",
                        dep.actuator.serving.health_path()
                    ))
                } else {
                    d.help(format!(
                        "probe `{}` instead, or upgrade to Spring Boot 2.3 or later, which creates the groups on Kubernetes",
                        dep.actuator.serving.health_path()
                    ))
                };
                out.push(d);
            }
        }
    }
}
