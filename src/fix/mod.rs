//! Applying edits in memory (`apply`, with the diff `--diff` prints). The edits themselves are
//! built by the rules with `crate::edit`; the fix loop and writing files are the driver's
//! (`app::fix_loop`, `app::write`).

pub mod apply;
