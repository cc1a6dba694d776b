use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Label};
use crate::edit::yaml::replace_scalar;
use crate::link::scrape::TargetKind;
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::Span;

declare_rule!(ScrapeTargetUnresolved {
    name: "scrape-target-unresolved",
    category: Scrape,
    severity: Warning,
    fix: Sometimes,
    summary: "a static or file_sd target host matches no Service, Compose service or container in the repository",
});

impl Rule for ScrapeTargetUnresolved {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for ((ji, ti), kind) in &cx.links.targets {
            let TargetKind::Unresolved { reason, suggestion } = kind else {
                continue;
            };
            let job = &cx.ws.jobs[*ji];
            let t = &job.targets[*ti];
            let host = t.host();
            let mut d = Diagnostic::new(
                Self::META.name,
                Self::META.default_severity,
                format!(
                    "target `{}` of job `{}` reaches nothing the repository runs: {reason}",
                    t.address.value, job.name.value
                ),
                Label::new(t.address.span, "matches no service"),
            );
            if t.sd_file.is_some() {
                d = d.related(job.name.span, "the job that reads this file");
            }
            let localhost = matches!(host, "localhost" | "127.0.0.1" | "::1" | "0.0.0.0");
            match suggestion {
                Some(s) if s.contains(':') => {
                    d = d.help(format!("scrape `{s}` (the Compose service name and its container port)"));
                    d = d.fix(Some(Fix {
                        title: format!("scrape `{s}`"),
                        applicability: Applicability::Unsafe,
                        edits: vec![replace_scalar(cx.sources, t.address.span, s)],
                    }));
                }
                Some(s) => {
                    // A Kubernetes Service by that name that does not listen on the target's
                    // port: renaming the host alone reaches nothing either.
                    let named: Vec<_> = cx
                        .ws
                        .kube_services
                        .iter()
                        .filter(|k| Some(k.name.value.as_str()) == s.split('.').next())
                        .collect();
                    let port_missing = match t.port() {
                        Some(p) => !named.is_empty() && !named.iter().any(|k| k.ports.iter().any(|sp| sp.port == i64::from(p))),
                        None => false,
                    };
                    if port_missing {
                        let ports: Vec<String> = named.iter().flat_map(|k| k.ports.iter().map(|p| format!("`{}`", p.port))).collect();
                        d = d.help(format!(
                            "did you mean `{s}`? That Service listens on {}, not on the target's port",
                            if ports.is_empty() {
                                "no port".to_string()
                            } else {
                                ports.join(", ")
                            }
                        ));
                        out.push(d);
                        continue;
                    }
                    d = d.help(format!("did you mean `{s}`?"));
                    // The host part of the target, keeping its port and quotes: only when `s`
                    // is known to serve that port, or the rename would trade one broken target
                    // for another.
                    let raw = cx.sources.text(t.address.span);
                    let port_served = t.port().is_some_and(|port| declares_port(cx, s, port));
                    if let Some(at) = raw.find(host).filter(|_| port_served) {
                        let span = Span::new(
                            t.address.span.file,
                            t.address.span.start + at as u32..t.address.span.start + (at + host.len()) as u32,
                        );
                        d = d.fix(Some(Fix {
                            title: format!("scrape `{s}`"),
                            applicability: Applicability::Unsafe,
                            edits: vec![replace_scalar(cx.sources, span, s)],
                        }));
                    }
                }
                // In a Kubernetes pod the way out is a Service; in Compose, the service name.
                None if localhost && cx.ws.prom_configs[job.config].run_by_pod.is_some() => {
                    d = d.help("scrape the application through its Service (`<service>.<namespace>:<port>`), or let Prometheus discover it (a ServiceMonitor, or a `kubernetes_sd_configs` job)");
                }
                None if localhost => {
                    d = d.help("from the Prometheus container, reach the app by its Compose service name (`<service>:<port>`), or run Prometheus with `network_mode: host`");
                }
                None => {
                    d = d.help("use the name of a Service or Compose service the repository defines; if this target runs elsewhere, suppress the finding with `# actuator-lint: allow(scrape-target-unresolved) -- <why>`");
                }
            }
            out.push(d);
        }
    }
}

/// Whether a Kubernetes Service or Compose service answering to `name` is known to serve
/// `port`: a Service port, a Compose container port, or the port the Spring service the
/// Compose service runs listens on.
fn declares_port(cx: &Context<'_>, name: &str, port: u16) -> bool {
    let kube = cx.ws.kube_services.iter().any(|k| {
        let n = k.name.value.as_str();
        let named = name == n || name.strip_prefix(n).is_some_and(|rest| rest.starts_with('.'));
        named && k.ports.iter().any(|p| p.port == i64::from(port))
    });
    let compose = cx.ws.compose_services.iter().enumerate().any(|(ci, c)| {
        let named = c.name.value == name
            || c.container_name.as_deref() == Some(name)
            || c.hostname.as_deref() == Some(name)
            || c.aliases.iter().any(|a| a == name);
        let serves = || {
            cx.links.compose_spring.get(ci).into_iter().flatten().any(|&si| {
                cx.links.deployments[si].iter().filter(|d| d.compose == Some(ci)).any(|d| {
                    let sv = &d.actuator.serving;
                    sv.main_port() == Some(port) || sv.management_port() == Some(port)
                })
            })
        };
        named && (c.ports.iter().any(|p| p.container == port) || serves())
    });
    kube || compose
}
