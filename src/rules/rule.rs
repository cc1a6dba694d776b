//! What every rule declares, and what it gets to work with.

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Severity};
use crate::link::Links;
use crate::model::Workspace;
use crate::source::SourceSet;

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    Build,
    Exposure,
    Scrape,
    Probes,
    Meta,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Build => "build",
            Category::Exposure => "exposure",
            Category::Scrape => "scrape",
            Category::Probes => "probes",
            Category::Meta => "meta",
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FixAvailability {
    None,
    Sometimes,
    Always,
}

impl FixAvailability {
    pub fn as_str(self) -> &'static str {
        match self {
            FixAvailability::None => "none",
            FixAvailability::Sometimes => "sometimes",
            FixAvailability::Always => "always",
        }
    }
}

#[derive(Debug)]
pub struct RuleMeta {
    pub name: &'static str,
    pub category: Category,
    pub default_severity: Severity,
    pub fix: FixAvailability,
    pub summary: &'static str,
    /// `rules/<name>.md`, embedded.
    pub doc: &'static str,
}

/// Everything a rule may read. Rules are pure: no I/O, no parsing.
pub struct Context<'a> {
    pub sources: &'a SourceSet,
    pub ws: &'a Workspace,
    pub links: &'a Links,
    /// The lint configuration (`actuator-lint.toml`): margins and policies rules apply.
    pub config: &'a Config,
    /// Parsed trees, for rules whose fixes edit a file's structure.
    pub parsed: &'a [crate::parse::Parsed],
}

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>);
}

/// Declares a rule's unit struct and its metadata; the doc is compiled in, so a missing
/// `rules/<name>.md` is a build error.
#[macro_export]
macro_rules! declare_rule {
    ($ty:ident { name: $name:literal, category: $cat:ident, severity: $sev:ident, fix: $fix:ident, summary: $summary:literal $(,)? }) => {
        pub struct $ty;
        impl $ty {
            pub const META: $crate::rules::rule::RuleMeta = $crate::rules::rule::RuleMeta {
                name: $name,
                category: $crate::rules::rule::Category::$cat,
                default_severity: $crate::diagnostic::Severity::$sev,
                fix: $crate::rules::rule::FixAvailability::$fix,
                summary: $summary,
                doc: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $name, ".md")),
            };
        }
    };
}
