pub mod actuator_starter_missing;
pub mod prometheus_registry_incompatible;
pub mod prometheus_registry_missing;
pub mod prometheus_registry_not_packaged;
