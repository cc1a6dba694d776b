pub mod boot_time_unknown;
pub mod exec_probe_ignores_status;
pub mod liveness_budget_too_short;
pub mod liveness_delay_redundant;
pub mod probe_path_not_served;
pub mod probe_port_mismatch;
pub mod startup_budget_too_short;
