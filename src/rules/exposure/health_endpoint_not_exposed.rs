use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Label};
use crate::edit::spring::add_to_exposure;
use crate::link::probes::{http_probes, uses_health};
use crate::model::spring::Lookup;
use crate::rules::wording::{first_line, profiles, where_};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule!(HealthEndpointNotExposed {
    name: "health-endpoint-not-exposed",
    category: Exposure,
    severity: Error,
    fix: Sometimes,
    summary: "probes call the health endpoint, but the effective web exposure does not include `health`",
});

impl Rule for HealthEndpointNotExposed {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut seen = Vec::new();
        for (si, s) in cx.ws.services.iter_enumerated() {
            for dep in &cx.links.deployments[si] {
                let fact = &dep.actuator.facts.health_exposed;
                if !fact.is_no() {
                    continue;
                }
                let probes: Vec<_> = http_probes(cx.ws, dep)
                    .into_iter()
                    .filter(|(_, p)| uses_health(dep, &p.value))
                    .collect();
                let Some((kind, path)) = probes.first() else { continue };
                let excluded = fact.why().text.contains("`exclude:");
                let primary = fact.span().or_else(|| s.primary_config.map(|f| first_line(cx.sources, f)));
                let Some(primary) = primary else { continue };
                if seen.contains(&(primary, path.span)) {
                    continue;
                }
                seen.push((primary, path.span));
                let msg = format!(
                    "the {} of `{}` calls `{}`, but `health` is not exposed over HTTP{}{}, so the probe gets 404: {}",
                    kind.key(),
                    s.name,
                    path.value,
                    where_(cx.ws, dep),
                    profiles(dep),
                    fact.why().text
                );
                let label = if excluded {
                    "removes `health`"
                } else {
                    "replaces the default exposure without `health`"
                };
                let mut d =
                    Diagnostic::new(Self::META.name, Self::META.default_severity, msg, Label::new(primary, label)).service(Some(&s.name));
                for (k, p) in &probes {
                    d = d.related(p.span, format!("the {} calls the health endpoint", k.key()));
                }
                if excluded {
                    d = d.help("remove `health` from `management.endpoints.web.exposure.exclude`");
                } else {
                    d = d.help("add `health` to `management.endpoints.web.exposure.include`: a non-empty `include` replaces the default (`health`) instead of adding to it");
                    // No fix where the sources that decide `include` may or may not apply (a
                    // profile chosen at build time): the edit could land in an overridden file.
                    let decided = !matches!(dep.effective.list("management.endpoints.web.exposure.include"), Lookup::Unknown(_));
                    if let Some(edits) = add_to_exposure(cx.sources, cx.parsed, s, dep, "health").filter(|_| decided) {
                        d = d.fix(Some(Fix {
                            title: "expose `health` over HTTP".into(),
                            applicability: Applicability::Safe,
                            edits,
                        }));
                    }
                }
                out.push(d);
            }
        }
    }
}
