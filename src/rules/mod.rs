//! The rule registry: one line per rule, sorted by name (a test checks).

pub mod rule;
pub mod wording;

mod build;
mod exposure;
mod meta;
mod probes;
mod scrape;

pub use rule::{Category, Context, FixAvailability, Rule, RuleMeta};

pub static ALL: &[&dyn Rule] = &[
    &build::actuator_starter_missing::ActuatorStarterMissing,
    &meta::analysis_gap::AnalysisGap,
    &exposure::application_tag_missing::ApplicationTagMissing,
    &probes::boot_time_unknown::BootTimeUnknown,
    &exposure::config_breaks_startup::ConfigBreaksStartup,
    &exposure::endpoint_requires_authentication::EndpointRequiresAuthentication,
    &probes::exec_probe_ignores_status::ExecProbeIgnoresStatus,
    &exposure::health_endpoint_not_exposed::HealthEndpointNotExposed,
    &exposure::health_probe_groups_disabled::HealthProbeGroupsDisabled,
    &probes::liveness_budget_too_short::LivenessBudgetTooShort,
    &probes::liveness_delay_redundant::LivenessDelayRedundant,
    &exposure::management_property_ignored::ManagementPropertyIgnored,
    &scrape::metrics_path_mismatch::MetricsPathMismatch,
    &scrape::metrics_port_mismatch::MetricsPortMismatch,
    &scrape::monitor_not_selected::MonitorNotSelected,
    &scrape::monitor_port_not_found::MonitorPortNotFound,
    &scrape::monitor_selects_nothing::MonitorSelectsNothing,
    &scrape::monitoring_file_missing::MonitoringFileMissing,
    &meta::parse_error::ParseError,
    &probes::probe_path_not_served::ProbePathNotServed,
    &probes::probe_port_mismatch::ProbePortMismatch,
    &scrape::prometheus_config_invalid::PrometheusConfigInvalid,
    &exposure::prometheus_endpoint_disabled::PrometheusEndpointDisabled,
    &exposure::prometheus_endpoint_not_exposed::PrometheusEndpointNotExposed,
    &build::prometheus_registry_incompatible::PrometheusRegistryIncompatible,
    &build::prometheus_registry_missing::PrometheusRegistryMissing,
    &build::prometheus_registry_not_packaged::PrometheusRegistryNotPackaged,
    &scrape::scrape_annotations_ignored::ScrapeAnnotationsIgnored,
    &scrape::scrape_target_unresolved::ScrapeTargetUnresolved,
    &exposure::sensitive_endpoints_exposed::SensitiveEndpointsExposed,
    &scrape::service_not_scraped::ServiceNotScraped,
    &scrape::service_target_port_not_found::ServiceTargetPortNotFound,
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
