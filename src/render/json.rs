//! The JSON shape of SPEC §3 (version 1). Field order follows the spec.

use crate::diagnostic::Diagnostic;
use crate::source::SourceSet;
use serde::Serialize;

#[derive(Serialize)]
pub struct Doc {
    pub version: u32,
    pub tool: Tool,
    pub diagnostics: Vec<JsonDiagnostic>,
    pub summary: Summary,
}

#[derive(Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Serialize)]
pub struct JsonDiagnostic {
    pub rule: &'static str,
    pub severity: &'static str,
    pub message: String,
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub service: Option<String>,
    pub related: Vec<Related>,
    pub help: Option<String>,
    pub fix: Option<JsonFix>,
}

#[derive(Serialize)]
pub struct Related {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

#[derive(Serialize)]
pub struct JsonFix {
    pub title: String,
    pub applicability: &'static str,
    pub edits: Vec<JsonEdit>,
}

#[derive(Serialize)]
pub struct JsonEdit {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub content: String,
}

#[derive(Serialize, Default)]
pub struct Summary {
    pub files: usize,
    pub services: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

pub fn convert(sources: &SourceSet, d: &Diagnostic, prefix: &str) -> JsonDiagnostic {
    let path = |f| format!("{prefix}{}", sources.path(f));
    let (line, column, end_line, end_column) = super::position(sources, d.primary.span);
    JsonDiagnostic {
        rule: d.rule,
        severity: d.severity.as_str(),
        message: d.message.clone(),
        path: path(d.primary.span.file),
        line,
        column,
        end_line,
        end_column,
        service: d.service.clone(),
        related: d
            .related
            .iter()
            .map(|r| {
                let (line, column, _, _) = super::position(sources, r.span);
                Related {
                    path: path(r.span.file),
                    line,
                    column,
                    message: r.message.clone(),
                }
            })
            .collect(),
        help: d.help.clone(),
        fix: d.fix.as_ref().map(|f| JsonFix {
            title: f.title.clone(),
            applicability: f.applicability.as_str(),
            edits: f
                .edits
                .iter()
                .map(|e| {
                    let (line, column, end_line, end_column) = super::position(sources, e.span);
                    JsonEdit {
                        path: path(e.span.file),
                        line,
                        column,
                        end_line,
                        end_column,
                        content: e.content.clone(),
                    }
                })
                .collect(),
        }),
    }
}

pub fn document(diagnostics: Vec<JsonDiagnostic>, files: usize, services: usize) -> Doc {
    let n = |s: &str| diagnostics.iter().filter(|d| d.severity == s).count();
    let summary = Summary {
        files,
        services,
        errors: n("error"),
        warnings: n("warning"),
        infos: n("info"),
    };
    Doc {
        version: 1,
        tool: Tool {
            name: "actuator-lint",
            version: env!("CARGO_PKG_VERSION"),
        },
        diagnostics,
        summary,
    }
}

pub fn render(sources: &SourceSet, report: &crate::report::Report) -> String {
    let diags = report.diagnostics.iter().map(|d| convert(sources, d, "")).collect();
    let doc = document(diags, report.files, report.services);
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
