use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::edit::probe::fix;
use crate::link::probes::{Mismatch, NotServed};
use crate::model::spring::Port;
use crate::rules::wording::probe_asks;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule!(ProbePathNotServed {
    name: "probe-path-not-served",
    category: Probes,
    severity: Error,
    fix: Sometimes,
    summary: "a probe requests a path the service does not serve (context path, actuator base path, health group names)",
});

impl Rule for ProbePathNotServed {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for m in &cx.links.probe_mismatches {
            let Mismatch::Path { asks, at, reason, suggest } = &m.mismatch else {
                continue;
            };
            let name = cx.ws.services[m.service].name.as_str();
            let sv = &cx.links.deployments[m.service][m.deployment].actuator.serving;
            let mut d = Diagnostic::new(
                Self::META.name,
                Severity::Error,
                format!(
                    "{}, but `{name}` does not serve that path: {}",
                    probe_asks(cx.ws, m, asks),
                    because(reason)
                ),
                Label::new(at.span(), "not served"),
            )
            .service(Some(name));
            match reason {
                NotServed::OutsideContextPath(_) => {
                    if let Some(s) = sv.context_span {
                        d = d.related(s, "the context path is set here");
                    }
                }
                NotServed::ManagementOnlyActuator { .. } => {
                    if let Some(s) = sv.management_port.as_ref().and_then(Port::span) {
                        d = d.related(s, "actuator runs on its own server here, without the main server's context path");
                    }
                }
                NotServed::NotMapped { .. } => {
                    for r in cx.ws.services[m.service].routes.routes.iter().take(2) {
                        d = d.related(r.span, format!("`{name}` maps `{}` here", r.pattern));
                    }
                    for (s, what) in sv.root_spans.iter().take(1) {
                        d = d.related(*s, format!("actuator paths start with {what}"));
                    }
                }
                _ => {
                    for (s, what) in sv.root_spans.iter().take(2) {
                        d = d.related(*s, format!("actuator paths start with {what}"));
                    }
                }
            }
            d = match suggest {
                Some(s) => d.help(format!("probe `{s}`")).fix(fix(cx.sources, at, s, format!("probe `{s}`"))),
                None => {
                    let groups: Vec<String> = sv.groups.iter().take(2).map(|g| format!("`{}/{g}`", sv.health_path())).collect();
                    d.help(if groups.is_empty() {
                        format!("probe `{}`", sv.health_path())
                    } else {
                        format!("probe a path `{name}` serves, such as {}", groups.join(" or "))
                    })
                }
            };
            out.push(d);
        }
    }
}

/// Why the path is not served, after "does not serve that path: ".
fn because(reason: &NotServed) -> String {
    match reason {
        NotServed::OutsideContextPath(context) => format!("it serves nothing outside its context path `{context}`"),
        NotServed::ManagementDisabled => "`management.server.port: -1` turns HTTP actuator endpoints off".to_string(),
        NotServed::ActuatorOnPort(port) => format!("actuator endpoints are served on port `{port}`, not on the main port"),
        NotServed::ActuatorUnder(root) => format!("its actuator endpoints are under `{root}`"),
        NotServed::ManagementOnlyActuator { port, root } => {
            format!("the management server on port `{port}` serves only actuator endpoints, under `{root}`")
        }
        NotServed::NotAGroup { group, groups, near } => format!(
            "`{group}` is not one of its health groups ({}); `{near}` is",
            groups.iter().map(|x| format!("`{x}`")).collect::<Vec<_>>().join(", ")
        ),
        NotServed::HealthMappedTo(path) => format!("its health endpoint is mapped to `{path}`"),
        NotServed::NotExposed(id) => format!("the `{id}` endpoint is not exposed over HTTP"),
        NotServed::ServedAt(path) => format!("it is served at `{path}`"),
        NotServed::NotMapped { root, files } => format!(
            "no request mapping in its {files} source file{} matches it, and its actuator endpoints are under `{root}`",
            if *files == 1 { "" } else { "s" }
        ),
    }
}
