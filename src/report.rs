//! What a run produces: the analysis (roles, parsed files, the model and its links) and the
//! report (diagnostics and what the run saw). The renderers read these; the driver builds them.

use crate::diagnostic::Diagnostic;
use crate::{classify, link, model, parse};

pub struct Analysis {
    /// Each file's role (what reads it) and why.
    pub roles: classify::Roles,
    pub parsed: Vec<parse::Parsed>,
    pub workspace: model::Workspace,
    pub links: link::Links,
}

#[derive(Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub files: usize,
    pub services: usize,
    /// What the command line names that the repository does not have (`--boot-time` for an
    /// unknown service): usage errors, never silently ignored.
    pub usage_errors: Vec<String>,
    /// None of what actuator-lint reads was found: no build, manifest, Compose file or
    /// Prometheus configuration. A pass here would be a silent pass.
    pub nothing_to_lint: bool,
}
