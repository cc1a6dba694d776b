use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Label};
use crate::edit;
use crate::edit::yaml::replace_scalar;
use crate::model::kube::{valid_port_name, PortRef};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule!(ServiceTargetPortNotFound {
    name: "service-target-port-not-found",
    category: Scrape,
    severity: Error,
    fix: Sometimes,
    summary: "a Service `targetPort` name names no container port of the pods it selects",
});

impl Rule for ServiceTargetPortNotFound {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (ki, ks) in cx.ws.kube_services.iter_enumerated() {
            // `targetPort` is ignored for headless Services (semantics §9.3).
            if ks.headless() {
                continue;
            }
            let workloads = &cx.links.kube_service_workloads[ki];
            if workloads.is_empty() {
                continue;
            }
            for sp in &ks.ports {
                let Some(tp) = &sp.target_port else { continue };
                let PortRef::Name(name) = &tp.value else { continue };
                let missing: Vec<crate::model::WorkloadId> = workloads
                    .iter()
                    .copied()
                    .filter(|w| !cx.ws.workloads[*w].containers.iter().any(|c| c.port_named(name).is_some()))
                    .collect();
                let Some(&wi) = missing.first() else { continue };
                let w = &cx.ws.workloads[wi];
                let ports: Vec<&crate::model::kube::ContainerPort> = w.containers.iter().flat_map(|c| c.ports.iter()).collect();
                let declared = if ports.is_empty() {
                    "declare no ports".to_string()
                } else {
                    format!(
                        "declare {}",
                        ports
                            .iter()
                            .map(|p| match &p.name {
                                Some(n) => format!("`{n}` ({})", p.port),
                                None => format!("an unnamed `{}`", p.port),
                            })
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                let mut d = Diagnostic::new(
                    Self::META.name,
                    Self::META.default_severity,
                    format!(
                        "Service `{}` port {} sends traffic to the container port named `{name}`, but the pods of {} have no port by that name, so the Service has no endpoints for it",
                        ks.name.value,
                        sp.describe(),
                        w.describe()
                    ),
                    Label::new(tp.span, "names no container port"),
                );
                let svc = cx.links.service_of_workload(wi).map(|s| cx.ws.services[s].name.as_str());
                d = d.service(svc);
                let related = ports
                    .first()
                    .map_or(w.containers.first().map_or(w.name.span, |c| c.name.span), |p| p.span);
                d = d.related(related, format!("the containers of {} {declared}", w.describe()));
                if missing.len() == 1 && ports.len() == 1 && ports[0].name.is_none() && valid_port_name(name) {
                    let p = ports[0];
                    d = d.help(format!("name the container port `{name}`, or set `targetPort: {}`", p.port));
                    if let Some(e) = edit::yaml::insert_first_key(cx.sources, cx.parsed, p.span, "name", name) {
                        d = d.fix(Some(Fix {
                            title: format!("name the container port `{name}`"),
                            applicability: Applicability::Safe,
                            edits: vec![e],
                        }));
                    }
                } else if missing.len() == 1 && ports.len() == 1 {
                    let target = ports[0].name.clone().unwrap_or_else(|| ports[0].port.to_string());
                    d = d.help(format!("set `targetPort: {target}`, the container's only port"));
                    d = d.fix(Some(Fix {
                        title: format!("target the container port `{target}`"),
                        applicability: Applicability::Unsafe,
                        edits: vec![replace_scalar(cx.sources, tp.span, &target)],
                    }));
                } else {
                    d = d.help(format!(
                        "name the container port that serves this traffic `{name}` (in `ports:` of the container), or set `targetPort` to an existing port name or number"
                    ));
                }
                out.push(d);
            }
        }
    }
}
