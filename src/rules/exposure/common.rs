//! What the exposure rules share: which deployments something scrapes or probes, and how a
//! deployment is named in messages.

use crate::link::{Deployment, Scrape};
use crate::model::kube::{Handler, ProbeKind};
use crate::model::ServiceId;
use crate::rules::Context;
use crate::source::{Span, Spanned};

/// The deployments of `si` that scrapes reach, each with the first scrape reaching it.
pub fn scraped<'a>(cx: &'a Context<'_>, si: ServiceId) -> Vec<(usize, &'a Deployment, &'a Scrape)> {
    let mut out: Vec<(usize, &Deployment, &Scrape)> = Vec::new();
    for sc in cx.links.scrapes_of(si) {
        let reached: Vec<usize> = match sc.deployment {
            Some(d) => vec![d],
            None => (0..cx.links.deployments[si].len()).collect(),
        };
        for d in reached {
            if !out.iter().any(|(x, _, _)| *x == d) {
                out.push((d, &cx.links.deployments[si][d], sc));
            }
        }
    }
    out
}

/// `Deployment `x``, `Compose service `y``, or "" when nothing in the repository runs it.
pub fn where_(cx: &Context<'_>, d: &Deployment) -> String {
    match (d.workload, d.compose) {
        (Some(w), _) => format!(" in {}", cx.ws.workloads[w].describe()),
        (None, Some(c)) => format!(" in Compose service `{}`", cx.ws.compose_services[c].name.value),
        _ => String::new(),
    }
}

/// ` with profile `prod` (from …)`, when a profile is active.
pub fn profiles(d: &Deployment) -> String {
    match (&d.effective.profiles_from, d.effective.profiles.is_empty()) {
        (Some(from), false) => format!(" with profile `{}` (from {from})", d.effective.profiles.join(",")),
        _ => String::new(),
    }
}

/// The HTTP probes of a Kubernetes deployment's container: (kind, path).
pub fn http_probes<'a>(cx: &'a Context<'_>, d: &Deployment) -> Vec<(ProbeKind, &'a Spanned<String>)> {
    let (Some(w), Some(c)) = (d.workload, d.container) else {
        return vec![];
    };
    cx.ws.workloads[w].containers[c]
        .probes
        .iter()
        .filter_map(|p| match &p.handler {
            Handler::HttpGet { path: Some(path), .. } => Some((p.kind, path)),
            _ => None,
        })
        .collect()
}

/// A probe path without its query string.
pub fn probe_path(p: &str) -> &str {
    p.split('?').next().unwrap_or(p).trim()
}

/// Whether a probe path is served by the health endpoint of this deployment (the endpoint,
/// a group under it, or an additional path).
pub fn uses_health(d: &Deployment, path: &str) -> bool {
    if d.actuator.paths_unknown.is_some() {
        return false;
    }
    let p = probe_path(path).trim_end_matches('/');
    let h = d.actuator.health_path.as_str();
    p == h || p.strip_prefix(h).is_some_and(|r| r.starts_with('/')) || d.actuator.facts.additional_paths.iter().any(|a| a.path == p)
}

/// The span of the first line of a file, for "nothing is set here" labels.
pub fn first_line(cx: &Context<'_>, file: crate::source::FileId) -> Span {
    Span::new(file, cx.sources.get(file).line_range(1))
}
