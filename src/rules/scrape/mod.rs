pub mod metrics_path_mismatch;
pub mod monitor_not_selected;
pub mod monitor_port_not_found;
pub mod monitor_selects_nothing;
pub mod tls_scheme_mismatch;
