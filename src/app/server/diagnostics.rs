//! A finding as an LSP diagnostic: the rule as `code` with its documentation link, the other
//! end of the link as related information, what to do in the message.

use super::position::{range, Encoding};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{FileId, SourceSet};
use lsp_types::{CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Url};

pub const SOURCE: &str = "actuator-lint";

pub fn convert(sources: &SourceSet, d: &Diagnostic, enc: Encoding, url_of: &dyn Fn(FileId) -> Option<Url>) -> lsp_types::Diagnostic {
    let span = d.primary.span;
    let f = sources.get(span.file);
    let mut message = d.message.clone();
    if !d.primary.message.is_empty() {
        message.push_str(&format!("\n↳ {}", d.primary.message));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|l| {
            let uri = url_of(l.span.file)?;
            let rf = sources.get(l.span.file);
            Some(DiagnosticRelatedInformation {
                location: Location {
                    uri,
                    range: range(rf, l.span.start, l.span.end, enc),
                },
                message: if l.message.is_empty() {
                    "the other end of the link".to_string()
                } else {
                    l.message.clone()
                },
            })
        })
        .collect();
    let documented = crate::rules::by_name(d.rule).is_some();
    lsp_types::Diagnostic {
        range: range(f, span.start, span.end, enc),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(d.rule.to_string())),
        code_description: documented
            .then(|| Url::parse(&crate::render::doc_url(d.rule)).ok())
            .flatten()
            .map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// The finding again at each other end of its link, as a hint pointing back to it (what
/// rust-analyzer does with rustc's secondary spans): whoever edits the ServiceMonitor sees that
/// the service it scrapes serves no metrics, and the hint goes away with the finding.
pub fn mirrors(
    sources: &SourceSet,
    d: &Diagnostic,
    enc: Encoding,
    url_of: &dyn Fn(FileId) -> Option<Url>,
) -> Vec<(Url, lsp_types::Diagnostic)> {
    let Some(primary_url) = url_of(d.primary.span.file) else {
        return vec![];
    };
    let pf = sources.get(d.primary.span.file);
    let at = pf.line_col(d.primary.span.start);
    let back = DiagnosticRelatedInformation {
        location: Location {
            uri: primary_url,
            range: range(pf, d.primary.span.start, d.primary.span.end, enc),
        },
        message: format!("the finding: {}", d.message),
    };
    d.related
        .iter()
        .filter(|l| l.span != d.primary.span)
        .filter_map(|l| {
            let url = url_of(l.span.file)?;
            let f = sources.get(l.span.file);
            let what = if l.message.is_empty() {
                "the other end of this link"
            } else {
                &l.message
            };
            let message = format!(
                "{what}: {} ({}:{}:{})",
                d.message,
                sources.path(d.primary.span.file),
                at.line,
                at.column
            );
            Some((
                url,
                lsp_types::Diagnostic {
                    range: range(f, l.span.start, l.span.end, enc),
                    severity: Some(DiagnosticSeverity::HINT),
                    code: Some(NumberOrString::String(d.rule.to_string())),
                    code_description: None,
                    source: Some(SOURCE.to_string()),
                    message,
                    related_information: Some(vec![back.clone()]),
                    tags: None,
                    data: None,
                },
            ))
        })
        .collect()
}
