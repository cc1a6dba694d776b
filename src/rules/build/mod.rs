pub mod prometheus_registry_missing;
