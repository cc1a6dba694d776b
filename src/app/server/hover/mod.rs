//! Hover on what a manifest or a Prometheus configuration asks of a service: a probe (what it
//! requests, what the service serves there, its failure budget against the measured boot
//! time) and a scrape (what it requests, what each service it links to serves). Every line is
//! read from the model and the links the rules compare (`link::probes`, `link::budget`,
//! `Links::scrapes`); nothing is worked out again here, and an unknown is shown as unknown
//! with its reason.

mod probe;
mod scrape;

use crate::link::Links;
use crate::model::spring::Why;
use crate::model::Workspace;
use crate::source::{SourceSet, Span};
use crate::Options;

/// What the hover reads.
pub struct Cx<'a> {
    pub sources: &'a SourceSet,
    pub ws: &'a Workspace,
    pub links: &'a Links,
    pub options: &'a Options,
}

/// The facts about what is under `offset` of `file`: Markdown, and the span it is about.
pub fn facts(cx: &Cx<'_>, file: crate::source::FileId, offset: u32) -> Option<(String, Span)> {
    probe::hover(cx, file, offset).or_else(|| scrape::hover(cx, file, offset))
}

fn contains(span: Span, file: crate::source::FileId, offset: u32) -> bool {
    span.file == file && span.start <= offset && offset <= span.end
}

/// `` `path:line` ``, relative to the workspace root.
fn at(sources: &SourceSet, span: Span) -> String {
    format!("`{}`", crate::model::boot::at(sources, span))
}

/// A reason with where it is written.
fn why(sources: &SourceSet, w: &Why) -> String {
    crate::render::model::why(sources, w)
}
