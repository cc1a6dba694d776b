//! Docker Compose pieces read below the model: a service's volumes (which repository files a
//! container sees). The file's role is decided from them after parsing (`references`), and the
//! model reads the same volumes into its Compose services.

use crate::parse::yaml::{Node, Style};
use crate::source::{join_path, Span};

#[derive(Clone, Debug)]
pub struct Volume {
    pub source: String,
    pub target: String,
    /// Repo-relative path of a bind-mount source inside the repo.
    pub repo_path: Option<String>,
    pub span: Span,
    /// The source part of the entry (for "this path does not exist").
    pub source_span: Span,
}

pub fn volume(node: &Node, compose_dir: &str) -> Option<Volume> {
    let (source, target, source_span) = if let Some(s) = node.as_str() {
        let mut parts = s.splitn(3, ':');
        let src = parts.next()?.to_string();
        let dst = parts.next()?.to_string();
        // The source is at the start of the (possibly quoted) scalar.
        let quote = u32::from(matches!(node.style(), Some(Style::DoubleQuoted | Style::SingleQuoted)));
        let start = node.span.start + quote;
        (src.clone(), dst, Span::new(node.span.file, start..start + src.len() as u32))
    } else {
        let src = node.at("source");
        (src.as_string()?, node.at("target").as_string()?, src.span)
    };
    // Named volumes have no path; only relative bind mounts point into the repo.
    let repo_path = if source.starts_with("./") || source.starts_with("../") || source == "." {
        join_path(compose_dir, &source)
    } else {
        None
    };
    Some(Volume {
        source,
        target,
        repo_path,
        span: node.span,
        source_span,
    })
}
