//! Building text edits that keep the file's own formatting. Applying them is `apply`.

pub mod apply;
pub mod edits;
pub mod spring;
