use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label};
use crate::link::probes::{containers, requested, How, Served, Side};
use crate::link::scrape::{credentials, describe_site, Reach};
use crate::model::spring::security::{Access, Answer, Decided, Present, Server};
use crate::model::spring::Port;
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::Span;

declare_rule!(EndpointRequiresAuthentication {
    name: "endpoint-requires-authentication",
    category: Exposure,
    severity: Warning,
    fix: None,
    summary: "a Prometheus scrape or a probe requests an actuator endpoint that Spring Security protects, without credentials",
});

impl Rule for EndpointRequiresAuthentication {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        scrapes(cx, out);
        probes(cx, out);
    }
}

/// Scrapes of the Prometheus endpoint on the actuator's port, without credentials. Whatever
/// answers an unauthenticated request fails the scrape: a `401`/`403`, or a redirect to a login
/// page (Prometheus follows redirects by default, `follow_redirects: true`, and cannot parse
/// the HTML page it ends on as metrics).
fn scrapes(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let mut seen: Vec<Span> = Vec::new();
    for sc in &cx.links.scrapes {
        let s = &cx.ws.services[sc.service];
        if matches!(s.security.present, Present::No) || credentials(cx.ws, &sc.via).is_some() || seen.contains(&sc.path_span) {
            continue;
        }
        for d in cx.links.reached(sc) {
            let sv = &d.actuator.serving;
            if sv.unknown().is_some() || sc.path != sv.prometheus_path() {
                continue;
            }
            // Only a scrape that reaches the actuator's port: another port is another rule's finding.
            let Some(port) = sv.actuator_port().and_then(Port::fixed) else {
                continue;
            };
            if !matches!(&sc.reach, Reach::Ports(ps) if ps.iter().any(|p| p.port == i64::from(port))) {
                continue;
            }
            let (decided, answer) = match s.security.access(&sc.path, Server::of_actuator(sv), sv, &s.boot_version) {
                Access::RequiresAuthentication { decided, answer } => (decided, Some(answer)),
                Access::Denied(decided) => (decided, None),
                _ => continue,
            };
            seen.push(sc.path_span);
            let (site, _) = describe_site(cx.ws, &sc.via);
            let msg = match answer {
                None => {
                    format!("{site} scrapes `{}` of `{}`, but {}: no request gets metrics, with or without credentials", sc.path, s.name, decided.text)
                }
                Some(Answer::Status(code)) => format!(
                    "{site} scrapes `{}` of `{}` without credentials, but {}: Prometheus receives `{code}` instead of metrics",
                    sc.path, s.name, decided.text
                ),
                Some(Answer::MaybeRedirect) => format!(
                    "{site} scrapes `{}` of `{}` without credentials, but {}: Prometheus receives `401`, or follows a redirect to a login page whose HTML it cannot parse, instead of metrics",
                    sc.path, s.name, decided.text
                ),
            };
            let mut diag = Diagnostic::new(
                EndpointRequiresAuthentication::META.name,
                EndpointRequiresAuthentication::META.default_severity,
                msg,
                Label::new(sc.path_span, "scraped without credentials"),
            )
            .service(Some(&s.name));
            diag = related(diag, &decided);
            out.push(diag.help(
                "permit the endpoint for the scraper (`.requestMatchers(EndpointRequest.to(PrometheusScrapeEndpoint.class)).permitAll()`, or a `management.server.port` only the cluster reaches, permitted there), or give the scrape credentials (`basic_auth`/`authorization` in the job, `basicAuth`/`authorization` in the monitor endpoint)",
            ));
            break;
        }
    }
}

/// `httpGet` probes of an actuator path that needs authentication, without an `Authorization`
/// header. The kubelet counts 200–399 as success and follows redirects, so only a chain that
/// answers with a status (`401`/`403`, never a login redirect) is reported.
fn probes(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for t in containers(cx.ws, &cx.links.deployments) {
        let s = t.service;
        if matches!(s.security.present, Present::No) {
            continue;
        }
        let sv = &t.deployment.actuator.serving;
        if sv.unknown().is_some() {
            continue;
        }
        for (pi, p) in t.container.probes.iter().enumerate() {
            if p.credentials.is_some() {
                continue;
            }
            for r in requested(cx.ws, cx.sources, &t, pi) {
                if !matches!(r.how, How::HttpGet) {
                    continue;
                }
                let Ok(there) = &r.there else { continue };
                let server = match there.side {
                    Side::Main => Server::Main,
                    Side::Management => Server::Management,
                    Side::Other => continue,
                };
                let root = sv.actuator_root.as_str();
                let actuator = server == Server::of_actuator(sv)
                    && (root.is_empty() || r.path == root || r.path.strip_prefix(root).is_some_and(|x| x.starts_with('/')));
                if !matches!(there.served, Served::Yes) || !actuator {
                    continue;
                }
                let Access::RequiresAuthentication {
                    decided,
                    answer: Answer::Status(status),
                } = s.security.access(&r.path, server, sv, &s.boot_version)
                else {
                    continue;
                };
                let span = match &p.handler {
                    crate::model::kube::Handler::HttpGet { path: Some(x), .. } => x.span,
                    _ => p.key_span,
                };
                let consequence = match p.kind {
                    crate::model::kube::ProbeKind::Liveness => "the kubelet restarts the container over and over",
                    crate::model::kube::ProbeKind::Readiness => "the pod never receives traffic",
                    crate::model::kube::ProbeKind::Startup => "the kubelet kills the container before it counts as started",
                };
                let msg = format!(
                    "the {} of {} requests `{}` of `{}` without credentials, but {}: the kubelet receives `{status}`, every check fails, and {consequence}",
                    p.kind.key(),
                    t.workload.describe(),
                    r.path,
                    s.name,
                    decided.text
                );
                let diag = Diagnostic::new(
                    EndpointRequiresAuthentication::META.name,
                    EndpointRequiresAuthentication::META.default_severity,
                    msg,
                    Label::new(span, "requested without credentials"),
                )
                .service(Some(&s.name));
                out.push(related(diag, &decided).help(
                    "permit the health endpoint for unauthenticated requests (`.requestMatchers(EndpointRequest.to(HealthEndpoint.class)).permitAll()` before the rule that requires authentication)",
                ));
            }
        }
    }
}

fn related(d: Diagnostic, decided: &Decided) -> Diagnostic {
    match decided.span {
        Some(s) => d.related(s, "authentication is required here"),
        None => d,
    }
}
