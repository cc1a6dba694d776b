use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Label};
use crate::fix::edits;
use crate::model::build::{find_artifact, Presence};
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::Span;

declare_rule!(PrometheusRegistryMissing {
    name: "prometheus-registry-missing",
    category: Build,
    severity: Error,
    fix: Sometimes,
    summary: "a scraped service has no `micrometer-registry-prometheus` on its runtime classpath",
});

pub const GROUP: &str = "io.micrometer";
/// Both artifacts provide a registry Boot can use on some version (semantics §2).
pub const ARTIFACTS: &[&str] = crate::model::build::REGISTRY_ARTIFACTS;

impl Rule for PrometheusRegistryMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (si, s) in cx.ws.services.iter().enumerate() {
            let scrape = cx.links.scrapes_of(si).next();
            // A `*` exposure is not a request for metrics; an explicit `prometheus` is.
            let listed = cx.links.deployments[si].iter().find_map(|d| {
                d.effective
                    .get_list("management.endpoints.web.exposure.include")
                    .filter(|l| l.items.iter().any(|i| i.eq_ignore_ascii_case("prometheus")))
                    .and_then(|l| l.props.first().map(|p| p.value_span))
            });
            if scrape.is_none() && listed.is_none() {
                continue;
            }
            let m = &cx.ws.modules[s.module];
            let presence = find_artifact(&cx.ws.modules, s.module, GROUP, ARTIFACTS);
            let not_packaged = match presence {
                Presence::Absent => None,
                Presence::NotPackaged(span, conf) => Some((span, conf)),
                Presence::Present(_) | Presence::Unknown(_) => continue,
            };
            let Some(build_file) = m.build_file else { continue };
            let f = cx.sources.get(build_file);
            let primary = match &m.dep_block {
                Some(b) => {
                    let line = f.line_col(b.open).line;
                    let r = f.line_range(line);
                    let text = &f.text[r.start as usize..r.end as usize];
                    let lead = (text.len() - text.trim_start().len()) as u32;
                    Span::new(b.file, r.start + lead..r.end)
                }
                None => Span::new(build_file, f.line_range(1)),
            };
            let why = match scrape {
                Some(sc) => format!("is scraped on `{}`", sc.path),
                None => "exposes `prometheus`".to_string(),
            };
            let mut d = Diagnostic::new(
                Self::META.name,
                Self::META.default_severity,
                format!(
                    "`{}` {why} but `io.micrometer:micrometer-registry-prometheus` is not on its runtime classpath, so Spring Boot never creates the `prometheus` endpoint",
                    s.name
                ),
                Label::new(primary, "the registry is not declared in these dependencies"),
            )
            .service(Some(&s.name));
            if let Some((span, conf)) = &not_packaged {
                d = d.related(*span, format!("declared only in `{conf}`, which is not packaged into the Boot jar"));
            }
            if let Some(sc) = scrape {
                d = d.related(sc.path_span, format!("scraped here ({})", sc.evidence));
            } else if let Some(span) = listed {
                d = d.related(span, "`prometheus` is exposed here");
            }
            let line = if m.kotlin_dsl {
                "runtimeOnly(\"io.micrometer:micrometer-registry-prometheus\")"
            } else {
                "runtimeOnly 'io.micrometer:micrometer-registry-prometheus'"
            };
            d = d.help(format!(
                "add `{line}` to the `dependencies` block of `{}` (Spring Boot manages its version)",
                f.path
            ));
            if let Some(b) = &m.dep_block {
                let close_line = f.line_col(b.close).line;
                let open_line = f.line_col(b.open).line;
                let edit = if close_line > open_line && f.line_text(close_line).trim_start().starts_with('}') {
                    edits::insert_lines_before(cx.sources, Span::empty(b.file, b.close), &[format!("{}{line}", b.indent)])
                } else {
                    edits::replace(
                        Span::empty(b.file, b.open + 1),
                        format!("{}{}{line}{}", edits::newline(f), b.indent, edits::newline(f)),
                    )
                };
                d = d.fix(Some(Fix {
                    title: format!("add `{line}`"),
                    applicability: Applicability::Safe,
                    edits: vec![edit],
                }));
            }
            out.push(d);
        }
    }
}
