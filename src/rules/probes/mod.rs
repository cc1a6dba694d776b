pub mod boot_time_unknown;
mod budget;
pub mod liveness_budget_too_short;
pub mod liveness_delay_redundant;
pub mod startup_budget_too_short;
