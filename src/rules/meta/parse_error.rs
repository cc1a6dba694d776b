use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label};
use crate::file_kind::FileKind;
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::Span;

declare_rule!(ParseError {
    name: "parse-error",
    category: Meta,
    severity: Error,
    fix: None,
    summary: "a file that should be read cannot be parsed",
});

impl Rule for ParseError {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for e in &cx.ws.parse_errors {
            let f = cx.sources.get(e.file);
            let at = f.clamp(e.offset);
            let end = f.text[at as usize..].chars().next().map_or(at, |c| at + c.len_utf8() as u32);
            let what = match f.kind {
                FileKind::GradleBuild { .. } | FileKind::GradleSettings { .. } => "Gradle script",
                FileKind::VersionCatalog => "TOML",
                FileKind::MavenPom => "XML",
                FileKind::Json => "JSON",
                _ => "YAML",
            };
            let consequence = match f.kind {
                FileKind::GradleBuild { .. } | FileKind::GradleSettings { .. } | FileKind::MavenPom => {
                    "its dependencies and plugins are treated as unknown"
                }
                FileKind::SpringConfig => "its settings are ignored, so this service's actuator checks may be incomplete",
                _ => "nothing after this point in the file is checked",
            };
            let service = cx.ws.services.iter().find(|s| {
                s.layers
                    .iter()
                    .any(|l| matches!(l.origin, crate::model::spring::Origin::File { file, .. } if file == e.file))
                    || cx.ws.modules[s.module].build_file == Some(e.file)
            });
            out.push(
                Diagnostic::new(
                    Self::META.name,
                    Self::META.default_severity,
                    format!("{what} syntax error: {}", e.message),
                    Label::new(Span::new(e.file, at..end), "cannot parse from here"),
                )
                .service(service.map(|s| s.name.as_str()))
                .help(format!(
                    "fix the syntax; until then {consequence} (the rest of the repository is still linted)"
                )),
            );
        }
    }
}
