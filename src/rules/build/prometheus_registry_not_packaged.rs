use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Label};
use crate::edit;
use crate::edit::build::{add, dependencies_anchor, REGISTRY};
use crate::link::demand::metrics_demand;
use crate::model::build::{lookup, BuildKind, Dep, Module};
use crate::model::build::{REGISTRY_ARTIFACTS, REGISTRY_GROUP};
use crate::rules::wording::{demand_why, relate_demand};
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::Span;

declare_rule!(PrometheusRegistryNotPackaged {
    name: "prometheus-registry-not-packaged",
    category: Build,
    severity: Error,
    fix: Sometimes,
    summary: "`micrometer-registry-prometheus` is declared only where the Boot jar does not package it (`test*`, `compileOnly`, `developmentOnly`, Maven `test`)",
});

impl Rule for PrometheusRegistryNotPackaged {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (si, s) in cx.ws.services.iter_enumerated() {
            let Some(demand) = metrics_demand(cx.ws, cx.links, si) else {
                continue;
            };
            let found = lookup(&cx.ws.modules, s.module, REGISTRY_GROUP, REGISTRY_ARTIFACTS);
            if found.found.is_some() || !found.unknown.is_empty() {
                continue;
            }
            let Some(np) = found.not_packaged else { continue };
            let m = &cx.ws.modules[s.module];
            let dep = &np.dep;
            // In the service's own build file, outside a test suite (where a line beside it
            // would stay in the suite).
            let own = dep.via.is_empty()
                && dep.origin.is_none()
                && Some(dep.span.file) == m.build_file
                && !dep.configuration.starts_with("testing:");
            let where_ = describe(m, dep);
            let message = format!(
                "`{}` {} but declares `io.micrometer:micrometer-registry-prometheus` only {where_}, which is not packaged into the Boot jar, so Spring Boot never creates the `prometheus` endpoint",
                s.name,
                demand_why(&demand)
            );
            let mut d = if own {
                Diagnostic::new(
                    Self::META.name,
                    Self::META.default_severity,
                    message,
                    Label::new(dep.span, "not on the runtime classpath of the jar"),
                )
            } else {
                let Some((primary, _)) = dependencies_anchor(cx.sources, m) else {
                    continue;
                };
                Diagnostic::new(
                    Self::META.name,
                    Self::META.default_severity,
                    message,
                    Label::new(primary, "the registry is not packaged from these dependencies"),
                )
                .related(dep.span, {
                    let how: Vec<&str> = dep.via.iter().map(|h| h.note.as_str()).collect();
                    match (how.is_empty(), &dep.origin) {
                        (false, _) => format!("declared {where_} here; the service {}", how.join(", which ")),
                        (true, Some(o)) => format!("declared {where_} here, in {o}"),
                        (true, None) => format!("declared {where_} here"),
                    }
                })
            }
            .service(Some(&s.name));
            // A scope written nowhere on the dependency comes from `<dependencyManagement>`.
            if m.kind == BuildKind::Maven && !cx.sources.get(dep.span.file).slice(dep.span).contains("<scope>") {
                if let Some((_, _, span)) = m
                    .managed
                    .iter()
                    .find(|(g, n, _)| g == REGISTRY_GROUP && REGISTRY_ARTIFACTS.contains(&n.as_str()))
                {
                    d = d.related(
                        *span,
                        format!("the `{}` scope comes from this `<dependencyManagement>` entry", dep.configuration),
                    );
                }
            }
            d = relate_demand(&demand, d);
            let (help, fix) = match (m.kind, own) {
                (BuildKind::Gradle, true) => gradle_beside(cx, m, dep),
                (BuildKind::Maven, true) => maven_scope(cx, dep),
                _ => match add(cx.sources, cx.parsed, m, &REGISTRY) {
                    Some(a) => (a.help, a.fix),
                    None => (
                        "declare `io.micrometer:micrometer-registry-prometheus` in a packaged configuration".into(),
                        None,
                    ),
                },
            };
            out.push(d.help(help).fix(fix));
        }
    }
}

fn describe(m: &Module, dep: &Dep) -> String {
    if m.kind == BuildKind::Maven {
        return format!("with `<scope>{}</scope>`", dep.configuration);
    }
    match dep.configuration.strip_prefix("testing:") {
        Some(conf) => format!("in a `testing` suite's `{conf}`"),
        None => format!("in `{}`", dep.configuration),
    }
}

/// `runtimeOnly(<same notation>)` on the line after the declaration, which stays (tests and
/// compile-time code may need it).
fn gradle_beside(cx: &Context<'_>, m: &Module, dep: &Dep) -> (String, Option<Fix>) {
    let f = cx.sources.get(dep.span.file);
    let notation = dep.notation.map(|n| f.slice(n).to_string()).unwrap_or_default();
    let declaration = f.slice(dep.span);
    let parens = m.kotlin_dsl
        || declaration
            .trim_start_matches(|c: char| c.is_alphanumeric() || c == '"')
            .starts_with('(');
    let line = if parens {
        format!("runtimeOnly({notation})")
    } else {
        format!("runtimeOnly {notation}")
    };
    let indent = f.indent_at(dep.span.start).to_string();
    let help = format!(
        "add `{line}` next to it: `runtimeOnly` puts the registry in the jar and keeps the `{}` declaration as it is",
        dep.configuration.trim_start_matches("testing:")
    );
    let fix = Fix {
        title: format!("add `{line}`"),
        applicability: Applicability::Safe,
        edits: vec![edit::insert_lines_after(cx.sources, dep.span, &[format!("{indent}{line}")])],
    };
    (help, Some(fix))
}

/// Drops `<scope>test</scope>` (compile scope reaches the jar and the tests), or, when the
/// scope comes from `<dependencyManagement>`, states `compile` on the dependency.
fn maven_scope(cx: &Context<'_>, dep: &Dep) -> (String, Option<Fix>) {
    let f = cx.sources.get(dep.span.file);
    let text = f.slice(dep.span);
    let title;
    let edit = match (text.find("<scope>"), text.find("</scope>")) {
        (Some(a), Some(b)) if b > a => {
            let start = dep.span.start + a as u32;
            let end = dep.span.start + (b + "</scope>".len()) as u32;
            title = format!("remove `{}`", &text[a..b + "</scope>".len()]);
            let line = f.line_col(start).line;
            let alone = f.line_text(line).trim() == &text[a..b + "</scope>".len()];
            if alone {
                edit::delete_lines(cx.sources, Span::new(dep.span.file, start..end))
            } else {
                edit::replace(Span::new(dep.span.file, start..end), "")
            }
        }
        _ => {
            // `</dependency>` line: insert before it, at the children's indentation.
            let close = text.rfind("</dependency>").map_or(dep.span.end, |i| dep.span.start + i as u32);
            let child = text.find("<artifactId>").map_or(dep.span.start, |i| dep.span.start + i as u32);
            let indent = f.indent_at(child).to_string();
            title = "add `<scope>compile</scope>`".to_string();
            edit::insert_lines_before(
                cx.sources,
                Span::empty(dep.span.file, close),
                &[format!("{indent}<scope>compile</scope>")],
            )
        }
    };
    let help = format!("{title}: `compile` (the default scope) puts the registry in the jar and keeps it on the test classpath");
    (
        help,
        Some(Fix {
            title,
            applicability: Applicability::Safe,
            edits: vec![edit],
        }),
    )
}
