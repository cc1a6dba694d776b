//! Applying edits in memory (`apply`), the fix-and-re-lint loop (`engine`) and writing the
//! result (`write`). The edits themselves are built by the rules with `crate::edit`.

pub mod apply;
pub mod engine;
pub mod write;
