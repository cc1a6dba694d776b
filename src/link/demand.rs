//! Why a service must serve `/actuator/prometheus`: something scrapes it, or its web exposure
//! lists `prometheus` explicitly (a `*` is not a request for metrics).

use super::{Links, Scrape};
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
