//! What asks a service for its metrics: the deployments scrapes reach, and why a service must
//! serve `/actuator/prometheus` at all (something scrapes it, or its web exposure lists
//! `prometheus` explicitly; a `*` is not a request for metrics).

use super::{Deployment, Links, Scrape};
use crate::model::ServiceId;
use crate::source::Span;

pub struct Demand<'a> {
    pub scrape: Option<&'a Scrape>,
    /// The `include` value that lists `prometheus`.
    pub listed: Option<Span>,
}

pub fn metrics_demand(links: &Links, service: ServiceId) -> Option<Demand<'_>> {
    let scrape = links.scrapes_of(service).next();
    let listed = links.deployments[service].iter().find_map(|d| {
        d.effective
            .get_list("management.endpoints.web.exposure.include")
            .filter(|l| l.items.iter().any(|i| i.eq_ignore_ascii_case("prometheus")))
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
