//! The rule registry: one line per rule, sorted by name (a test checks).

pub mod rule;

mod build;
mod exposure;
mod meta;
mod probes;
mod scrape;

pub use rule::{Category, Context, FixAvailability, Rule, RuleMeta};

pub static ALL: &[&dyn Rule] = &[
    &meta::analysis_gap::AnalysisGap,
    &probes::boot_time_unknown::BootTimeUnknown,
    &probes::exec_probe_ignores_status::ExecProbeIgnoresStatus,
    &probes::liveness_budget_too_short::LivenessBudgetTooShort,
    &probes::liveness_delay_redundant::LivenessDelayRedundant,
    &scrape::metrics_path_mismatch::MetricsPathMismatch,
    &scrape::monitor_not_selected::MonitorNotSelected,
    &scrape::monitor_port_not_found::MonitorPortNotFound,
    &scrape::monitor_selects_nothing::MonitorSelectsNothing,
    &meta::parse_error::ParseError,
    &probes::probe_path_not_served::ProbePathNotServed,
    &probes::probe_port_mismatch::ProbePortMismatch,
    &exposure::prometheus_endpoint_not_exposed::PrometheusEndpointNotExposed,
    &build::prometheus_registry_missing::PrometheusRegistryMissing,
    &probes::startup_budget_too_short::StartupBudgetTooShort,
    &scrape::tls_scheme_mismatch::TlsSchemeMismatch,
    &meta::unused_suppression::UnusedSuppression,
];

pub fn by_name(name: &str) -> Option<&'static dyn Rule> {
    ALL.iter().copied().find(|r| r.meta().name == name)
}

pub fn names() -> Vec<&'static str> {
    ALL.iter().map(|r| r.meta().name).collect()
}
