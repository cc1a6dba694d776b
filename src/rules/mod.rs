//! The rule registry: one line per rule, sorted by name (a test checks).

pub mod rule;

mod build;
mod exposure;
mod meta;
mod probes;
mod scrape;

pub use rule::{Category, Context, FixAvailability, Rule, RuleMeta};

pub static ALL: &[&dyn Rule] = &[
    &build::actuator_starter_missing::ActuatorStarterMissing,
    &meta::analysis_gap::AnalysisGap,
    &probes::boot_time_unknown::BootTimeUnknown,
    &probes::liveness_budget_too_short::LivenessBudgetTooShort,
    &probes::liveness_delay_redundant::LivenessDelayRedundant,
    &scrape::metrics_path_mismatch::MetricsPathMismatch,
    &scrape::monitor_not_selected::MonitorNotSelected,
    &scrape::monitor_port_not_found::MonitorPortNotFound,
    &scrape::monitor_selects_nothing::MonitorSelectsNothing,
    &meta::parse_error::ParseError,
    &exposure::prometheus_endpoint_not_exposed::PrometheusEndpointNotExposed,
    &build::prometheus_registry_incompatible::PrometheusRegistryIncompatible,
    &build::prometheus_registry_missing::PrometheusRegistryMissing,
    &build::prometheus_registry_not_packaged::PrometheusRegistryNotPackaged,
    &probes::startup_budget_too_short::StartupBudgetTooShort,
    &meta::unused_suppression::UnusedSuppression,
];

pub fn by_name(name: &str) -> Option<&'static dyn Rule> {
    ALL.iter().copied().find(|r| r.meta().name == name)
}

pub fn names() -> Vec<&'static str> {
    ALL.iter().map(|r| r.meta().name).collect()
}
