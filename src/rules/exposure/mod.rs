pub mod application_tag_missing;
pub mod config_breaks_startup;
pub mod health_endpoint_not_exposed;
pub mod health_probe_groups_disabled;
pub mod management_property_ignored;
pub mod prometheus_endpoint_disabled;
pub mod prometheus_endpoint_not_exposed;
pub mod sensitive_endpoints_exposed;
