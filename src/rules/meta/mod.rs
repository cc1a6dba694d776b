pub mod analysis_gap;
pub mod parse_error;
pub mod unused_suppression;
