//! Phrases several rules share, so one finding reads the same whichever rule reports it.

use crate::diagnostic::Diagnostic;
use crate::link::demand::Demand;

/// "is scraped on `/actuator/prometheus`" / "exposes `prometheus`"
pub fn demand_why(demand: &Demand<'_>) -> String {
    match demand.scrape {
        Some(sc) => format!("is scraped on `{}`", sc.path),
        None => "exposes `prometheus`".to_string(),
    }
}

/// Points at what asks for the metrics endpoint.
pub fn relate_demand(demand: &Demand<'_>, d: Diagnostic) -> Diagnostic {
    if let Some(sc) = demand.scrape {
        d.related(sc.path_span, format!("scraped here ({})", sc.evidence))
    } else if let Some(span) = demand.listed {
        d.related(span, "`prometheus` is exposed here")
    } else {
        d
    }
}
