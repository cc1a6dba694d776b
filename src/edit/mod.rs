//! Edit builders that keep a file's own formatting: line-level text edits (`text`), YAML
//! scalars and keys (`yaml`), Spring configuration (`spring`), dependencies in build files
//! (`build`). Rules call them to build their fixes; nothing here knows a rule.

pub mod build;
pub mod probe;
pub mod spring;
pub mod text;
pub mod yaml;

pub use text::{
    append_block, column, delete_lines, insert_lines_after, insert_lines_before, line_start, newline, next_line_start, replace,
};
