//! `tls-scheme-mismatch` has two halves: scrapes (Prometheus jobs and monitors against the
//! `server.ssl` the scrape reaches) and probes (`httpGet.scheme` and exec `curl`/`wget` URLs,
//! decided in src/link/probes.rs).

use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Label, Severity};
use crate::edit::probe;
use crate::edit::yaml::insert_sibling_key;
use crate::edit::yaml::replace_scalar;
use crate::link::probes::{Mismatch, Place};
use crate::link::scrape::describe_site;
use crate::link::Deployment;
use crate::link::Via;
use crate::model::spring::PortType;
use crate::rules::wording::probe_asks;
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::Span;
use std::collections::BTreeSet;

declare_rule!(TlsSchemeMismatch {
    name: "tls-scheme-mismatch",
    category: Scrape,
    severity: Error,
    fix: Sometimes,
    summary: "a scrape or probe uses `http` against a service serving TLS, or `https` against plain HTTP",
});

/// The probe half: `httpGet.scheme` and exec `curl`/`wget` URLs against `server.ssl` /
/// `management.server.ssl` of the deployment (decided in src/link/probes.rs).
fn check_probes(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for m in &cx.links.probe_mismatches {
        let Mismatch::Scheme { asks, at, tls, decided } = &m.mismatch else {
            continue;
        };
        let name = cx.ws.services[m.service].name.as_str();
        let asks = probe_asks(cx.ws, m, asks);
        let (message, want, help) = if *tls {
            (
                format!("{asks} over HTTP, but `{name}` serves TLS there, so every probe fails"),
                "HTTPS",
                "probe with `scheme: HTTPS` (the kubelet does not verify the certificate)",
            )
        } else {
            (
                format!("{asks} over HTTPS, but `{name}` serves plain HTTP there, so the TLS handshake fails on every probe"),
                "HTTP",
                "probe with `scheme: HTTP`, or enable TLS on the server",
            )
        };
        let mut d = Diagnostic::new(
            TlsSchemeMismatch::META.name,
            Severity::Error,
            message,
            Label::new(at.span(), "wrong scheme"),
        )
        .service(Some(name))
        .help(help);
        if let Some(s) = decided {
            d = d.related(*s, if *tls { "TLS is configured here" } else { "TLS is turned off here" });
        }
        let (value, title) = match at {
            Place::Scalar(_) | Place::Insert { .. } => (want.to_string(), format!("probe with `scheme: {want}`")),
            _ => (want.to_ascii_lowercase(), format!("request `{}://`", want.to_ascii_lowercase())),
        };
        d = d.fix(probe::fix(cx.sources, at, &value, title));
        out.push(d);
    }
}

impl Rule for TlsSchemeMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        check_scrapes(cx, out);
        check_probes(cx, out);
    }
}

/// The scrape half: every scrape whose scheme disagrees with what all the deployments it
/// reaches serve.
fn check_scrapes(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let mut seen: BTreeSet<(Span, crate::model::ServiceId)> = BTreeSet::new();
    for sc in &cx.links.scrapes {
        let reached = cx.links.reached(sc);
        let tls: Vec<(bool, Option<Span>)> = reached.iter().filter_map(|d| served_tls(d)).collect();
        let Some(&(serves_tls, tls_span)) = tls.first() else { continue };
        if tls.len() != reached.len() || tls.iter().any(|t| t.0 != serves_tls) {
            continue;
        }
        let https = sc.scheme.eq_ignore_ascii_case("https");
        if https == serves_tls {
            continue;
        }
        let primary = sc.scheme_span.unwrap_or(sc.scheme_anchor);
        if !seen.insert((primary, sc.service)) {
            continue;
        }
        let svc = &cx.ws.services[sc.service];
        let (site, _) = describe_site(cx.ws, &sc.via);
        let want = if serves_tls { "https" } else { "http" };
        let message = if serves_tls {
            format!(
                "{site} scrapes `{}` over plain `http`, but `{}` serves the actuator over TLS: every scrape fails the handshake",
                svc.name, svc.name
            )
        } else {
            format!(
                "{site} scrapes `{}` over `https`, but `{}` serves the actuator over plain HTTP: every scrape fails the TLS handshake",
                svc.name, svc.name
            )
        };
        let label = if sc.scheme_span.is_some() {
            format!("scheme `{}`", sc.scheme)
        } else {
            "no scheme set: Prometheus uses `http`".to_string()
        };
        let meta = &TlsSchemeMismatch::META;
        let mut d = Diagnostic::new(meta.name, meta.default_severity, message, Label::new(primary, label)).service(Some(&svc.name));
        match tls_span {
            Some(s) => {
                d = d.related(
                    s,
                    if serves_tls {
                        "TLS is switched on here"
                    } else {
                        "TLS is switched off here"
                    },
                )
            }
            None => {
                if let Some(f) = svc.primary_config {
                    d = d.related(
                        Span::new(f, cx.sources.get(f).line_range(1)),
                        format!("`{}` configures no `server.ssl`: it serves plain HTTP", svc.name),
                    );
                }
            }
        }
        let tls_config = matches!(sc.via, Via::Monitor { .. } | Via::PodMonitor { .. });
        d = d.help(if serves_tls && tls_config {
            "set `scheme: https` on the endpoint, with a `tlsConfig` that trusts the service's certificate (or `insecureSkipVerify: true`)"
                .to_string()
        } else if serves_tls {
            "set `scheme: https`, with a `tls_config` that trusts the service's certificate".to_string()
        } else {
            format!("use `scheme: {want}`")
        });
        let fix = match (&sc.scheme_span, &sc.via) {
            (Some(s), _) => Some(replace_scalar(cx.sources, *s, want)),
            (None, Via::Job { job, .. }) => {
                let j = &cx.ws.jobs[*job];
                Some(insert_sibling_key(cx.sources, j.name.span, j.name.span, &format!("scheme: {want}")))
            }
            (None, Via::Monitor { monitor, endpoint, .. } | Via::PodMonitor { monitor, endpoint }) => {
                let ep = &cx.ws.monitors[*monitor].endpoints[*endpoint];
                ep.port
                    .as_ref()
                    .map(|p| insert_sibling_key(cx.sources, ep.span, p.span, &format!("scheme: {want}")))
            }
            _ => None,
        };
        if let Some(e) = fix {
            d = d.fix(Some(Fix {
                title: format!("scrape over `{want}`"),
                applicability: Applicability::Unsafe,
                edits: vec![e],
            }));
        }
        out.push(d);
    }
}

/// Whether the deployment serves actuator over TLS, and where that was decided; `None` when
/// it cannot be known or there is no HTTP actuator.
fn served_tls(d: &Deployment) -> Option<(bool, Option<Span>)> {
    let sv = &d.actuator.serving;
    let tls = sv.actuator_tls();
    (!sv.is(PortType::Disabled) && !tls.is_unknown()).then(|| (tls.is_yes(), tls.span()))
}
