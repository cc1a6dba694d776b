//! Building text edits that keep the file's own formatting (`edits`, `spring`), applying them
//! in memory (`apply`), the fix-and-re-lint loop (`engine`) and writing the result (`write`).

pub mod apply;
pub mod edits;
pub mod engine;
pub mod spring;
pub mod write;
