//! What asks a service for its metrics: the deployments scrapes reach, and why a service must
//! serve `/actuator/prometheus` at all (something scrapes it, or its web exposure lists
//! `prometheus` explicitly; a `*` is not a request for metrics).

use super::{Deployment, Links, Scrape};
use crate::model::spring::Origin;
use crate::model::{ServiceId, Workspace};
use crate::source::Span;

pub struct Demand<'a> {
    pub scrape: Option<&'a Scrape>,
    /// The `include` value that lists `prometheus`.
    pub listed: Option<Span>,
}

pub fn metrics_demand<'a>(ws: &Workspace, links: &'a Links, service: ServiceId) -> Option<Demand<'a>> {
    let scrape = links.scrapes_of(service).next();
    // A Config Server's `application.*` is sent to every client alike: a `prometheus` listed
    // there is not this service asking for metrics (an Eureka server that gets the shared
    // exposure has no reason to carry the registry). Its own `{application}.*` file is.
    let shared = |layer: &crate::model::spring::Layer| match layer.origin {
        Origin::File { file, .. } => ws.services[service]
            .config_server
            .as_ref()
            .is_some_and(|cs| cs.files.iter().any(|f| f.file == file && f.location == 0)),
        _ => false,
    };
    let listed = links.deployments[service].iter().find_map(|d| {
        d.effective
            .get_list("management.endpoints.web.exposure.include")
            .filter(|l| l.items.iter().any(|i| i.eq_ignore_ascii_case("prometheus")))
            .filter(|l| !shared(l.layer))
            .and_then(|l| l.props.first().map(|p| p.value_span))
    });
    (scrape.is_some() || listed.is_some()).then_some(Demand { scrape, listed })
}

/// The deployments of `si` that scrapes reach, each with the first scrape reaching it.
pub fn scraped_deployments(links: &Links, si: ServiceId) -> Vec<(usize, &Deployment, &Scrape)> {
    let mut out: Vec<(usize, &Deployment, &Scrape)> = Vec::new();
    for sc in links.scrapes_of(si) {
        let reached: Vec<usize> = match sc.deployment {
            Some(d) => vec![d],
            None => (0..links.deployments[si].len()).collect(),
        };
        for d in reached {
            if !out.iter().any(|(x, _, _)| *x == d) {
                out.push((d, &links.deployments[si][d], sc));
            }
        }
    }
    out
}
