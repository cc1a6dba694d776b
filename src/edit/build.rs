//! Adding a dependency to a module's build in the build's own style: Kotlin or Groovy DSL, a
//! version-catalog alias (with a `[libraries]` entry when there is none), a Maven
//! `<dependency>`.

use super::text;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::build::{BuildKind, CatalogUse, Module};
use crate::parse::Parsed;
use crate::source::{SourceFile, SourceSet, Span};

/// The line a "missing dependency" diagnostic points at, and whether it is the module's own
/// dependencies block: `dependencies {` / `<dependencies>`, else where the Boot plugin is
/// applied, else the build file's first line.
pub fn dependencies_anchor(sources: &SourceSet, m: &Module) -> Option<(Span, bool)> {
    let line_of = |file, offset| {
        let f: &SourceFile = sources.get(file);
        let line = f.line_col(offset).line;
        let r = f.line_range(line);
        let text = &f.text[r.start as usize..r.end as usize];
        let lead = (text.len() - text.trim_start().len()) as u32;
        Span::new(file, r.start + lead..r.end)
    };
    if let Some(b) = &m.dep_anchor {
        return Some((line_of(b.file, b.open), true));
    }
    if let Some(p) = m.boot_plugin.filter(|p| Some(p.file) == m.build_file) {
        return Some((line_of(p.file, p.start), false));
    }
    let file = m.build_file?;
    Some((Span::new(file, sources.get(file).line_range(1)), false))
}

/// An artifact a fix adds.
pub struct Artifact {
    pub group: &'static str,
    pub name: &'static str,
    /// Gradle configuration.
    pub configuration: &'static str,
    /// Maven scope, `None` for the default `compile`.
    pub scope: Option<&'static str>,
    /// Catalog aliases to try, in order.
    pub aliases: &'static [&'static str],
}

pub const REGISTRY: Artifact = Artifact {
    group: "io.micrometer",
    name: "micrometer-registry-prometheus",
    configuration: "runtimeOnly",
    scope: Some("runtime"),
    aliases: &["micrometer-registry-prometheus", "micrometer-prometheus", "prometheus-registry"],
};

pub const ACTUATOR: Artifact = Artifact {
    group: "org.springframework.boot",
    name: "spring-boot-starter-actuator",
    configuration: "implementation",
    scope: None,
    aliases: &["spring-boot-starter-actuator", "spring-boot-actuator", "actuator-starter"],
};

/// What to add and where: the text shown in `help`, and the fix when one is safe to apply.
pub struct Addition {
    pub help: String,
    pub fix: Option<Fix>,
}

pub fn add(sources: &SourceSet, parsed: &[Parsed], m: &Module, a: &Artifact) -> Option<Addition> {
    match m.kind {
        BuildKind::Gradle => gradle(sources, parsed, m, a),
        BuildKind::Maven => maven(sources, m, a),
        BuildKind::None => None,
    }
}

/// How the module's own declarations are written.
struct Style {
    quote: char,
    parens: bool,
}

fn style(sources: &SourceSet, m: &Module) -> Style {
    if m.kotlin_dsl {
        return Style { quote: '"', parens: true };
    }
    let Some(b) = &m.dep_anchor else {
        return Style {
            quote: '\'',
            parens: false,
        };
    };
    let f = sources.get(b.file);
    let body = f.text.get(b.open as usize..b.close as usize).unwrap_or("");
    // The first declaration line decides: `implementation("…")` or `implementation '…'`.
    let decl = body
        .lines()
        .skip(1)
        .map(str::trim)
        .find(|l| l.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && (l.contains('\'') || l.contains('"')));
    match decl {
        Some(l) => {
            let word_end = l.find(|c: char| !c.is_alphanumeric()).unwrap_or(l.len());
            let parens = l[word_end..].starts_with('(');
            let quote = l.chars().find(|c| *c == '\'' || *c == '"').unwrap_or('\'');
            Style { quote, parens }
        }
        None => Style {
            quote: '\'',
            parens: false,
        },
    }
}

/// Plugins that give a Gradle project the `implementation`/`runtimeOnly` configurations.
const JVM_PLUGINS: &[&str] = &[
    "java",
    "java-library",
    "application",
    "war",
    "groovy",
    "scala",
    "org.jetbrains.kotlin.jvm",
    "kotlin",
    "com.android.application",
    "com.android.library",
];

fn gradle(sources: &SourceSet, parsed: &[Parsed], m: &Module, a: &Artifact) -> Option<Addition> {
    let build_file = m.build_file?;
    // A project that applies no JVM plugin (the aggregator root of a multi-project build has
    // none) has no `runtimeOnly` configuration: a new `dependencies { runtimeOnly … }` there
    // fails the configuration of every project. Help, no fix — unless its plugins are not all
    // known, or its own `dependencies` block already declares dependencies the same way.
    let plugins_known = !m.unknown.iter().any(|(w, _)| w.starts_with("plugin "));
    let jvm = m.plugins.iter().any(|p| JVM_PLUGINS.contains(&p.as_str()));
    let fixable = jvm || !plugins_known || m.dep_anchor.is_some();
    let f = sources.get(build_file);
    let st = style(sources, m);
    let mut catalog_edit: Option<(Edit, String)> = None;
    let notation = match m.catalog.as_ref().and_then(|c| catalog_alias(sources, parsed, c, a)) {
        Some((accessor, edit)) => {
            catalog_edit = edit;
            accessor
        }
        None => format!("{q}{}:{}{q}", a.group, a.name, q = st.quote),
    };
    let line = if st.parens {
        format!("{}({notation})", a.configuration)
    } else {
        format!("{} {notation}", a.configuration)
    };
    let block = if m.dep_anchor.is_some() {
        format!("to the `dependencies` block of `{}`", f.path)
    } else {
        format!("in a new `dependencies` block at the end of `{}`", f.path)
    };
    let help = match &catalog_edit {
        Some((_, entry)) => {
            let cfile = m.catalog.as_ref().map(|c| sources.path(c.file)).unwrap_or_default();
            format!("add `{line}` {block} and `{entry}` to `[libraries]` in `{cfile}` (Spring Boot manages its version)")
        }
        None => format!("add `{line}` {block} (Spring Boot manages its version)"),
    };
    let help = if fixable {
        help
    } else {
        format!(
            "`{}` applies no Java plugin, so it has no `runtimeOnly` configuration: add `{line}` to the project that builds the application's jar (or apply `java` here first)",
            f.path
        )
    };
    let mut fix_edits = Vec::new();
    match &m.dep_anchor {
        Some(b) => {
            let close_line = f.line_col(b.close).line;
            let open_line = f.line_col(b.open).line;
            let edit = if close_line > open_line && f.line_text(close_line).trim_start().starts_with('}') {
                text::insert_lines_before(sources, Span::empty(b.file, b.close), &[format!("{}{line}", b.indent)])
            } else {
                text::replace(
                    Span::empty(b.file, b.open + 1),
                    format!("{}{}{line}{}", text::newline(f), b.indent, text::newline(f)),
                )
            };
            fix_edits.push(edit);
        }
        None => fix_edits.push(text::append_block(
            sources,
            build_file,
            &[
                "dependencies {".to_string(),
                format!("{}{line}", crate::source::indent_unit(&f.text)),
                "}".to_string(),
            ],
        )),
    }
    if let Some((e, _)) = catalog_edit {
        fix_edits.push(e);
    }
    Some(Addition {
        help,
        fix: fixable.then(|| Fix {
            title: format!("add `{line}`"),
            applicability: Applicability::Safe,
            edits: fix_edits,
        }),
    })
}

/// The accessor for the artifact in the module's catalog, adding a `[libraries]` entry (with
/// `toml_edit`, so the file keeps its formatting and comments) when there is none.
fn catalog_alias(sources: &SourceSet, parsed: &[Parsed], c: &CatalogUse, a: &Artifact) -> Option<(String, Option<(Edit, String)>)> {
    let Parsed::Catalog(cat) = &parsed[c.file.0 as usize] else {
        return None;
    };
    if let Some(lib) = cat.libraries.iter().find(|l| l.group == a.group && l.name == a.name) {
        return Some((format!("{}.{}", c.root, lib.accessor), None));
    }
    let text = &sources.get(c.file).text;
    // Follow the catalog's separator (`-`, `_` or `.`).
    let sep = ['-', '_', '.']
        .into_iter()
        .max_by_key(|s| cat.libraries.iter().map(|l| l.alias.matches(*s).count()).sum::<usize>())
        .unwrap_or('-');
    let taken = |acc: &str| {
        cat.libraries
            .iter()
            .map(|l| l.accessor.as_str())
            .chain(cat.bundles.iter().map(|b| b.accessor.as_str()))
            .any(|x| x == acc || x.starts_with(&format!("{acc}.")) || acc.starts_with(&format!("{x}.")))
    };
    let alias = a
        .aliases
        .iter()
        .map(|al| al.replace('-', &sep.to_string()))
        .find(|al| !taken(&crate::parse::catalog::accessor(al)))?;
    let mut doc: toml_edit::DocumentMut = text.parse().ok()?;
    let libs = doc
        .entry("libraries")
        .or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()))
        .as_table_like_mut()?;
    let mut value = toml_edit::InlineTable::new();
    value.insert("module", format!("{}:{}", a.group, a.name).into());
    libs.insert(&alias, toml_edit::Item::Value(toml_edit::Value::InlineTable(value)));
    let new = doc.to_string();
    let entry = format!("{alias} = {{ module = \"{}:{}\" }}", a.group, a.name);
    let edit = minimal_edit(c.file, text, &new)?;
    Some((
        format!("{}.{}", c.root, crate::parse::catalog::accessor(&alias)),
        Some((edit, entry)),
    ))
}

/// The single replacement that turns `old` into `new` (common prefix and suffix kept).
fn minimal_edit(file: crate::source::FileId, old: &str, new: &str) -> Option<Edit> {
    let prefix = old.bytes().zip(new.bytes()).take_while(|(a, b)| a == b).count();
    let max_suffix = old.len().min(new.len()) - prefix;
    let suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    let (mut start, mut old_end, mut new_end) = (prefix, old.len() - suffix, new.len() - suffix);
    // Keep the edit on char boundaries.
    while !(old.is_char_boundary(start) && new.is_char_boundary(start)) {
        start -= 1;
    }
    while !old.is_char_boundary(old_end) || !new.is_char_boundary(new_end) {
        old_end += 1;
        new_end += 1;
    }
    if start == old_end && start == new_end {
        return None;
    }
    Some(Edit {
        span: Span::new(file, start as u32..old_end as u32),
        content: new.get(start..new_end)?.to_string(),
    })
}

fn maven(sources: &SourceSet, m: &Module, a: &Artifact) -> Option<Addition> {
    let file = m.build_file?;
    let info = m.maven.as_ref()?;
    let f = sources.get(file);
    let scope = a.scope.map(|s| format!(" with `<scope>{s}</scope>`")).unwrap_or_default();
    let help = format!(
        "add a `<dependency>` on `{}:{}`{scope} to the `<dependencies>` of `{}`{}",
        a.group,
        a.name,
        f.path,
        if info.boot_managed {
            " (Spring Boot manages its version)"
        } else {
            "; nothing here manages its version, so give it the `<version>` your Spring Boot version manages"
        }
    );
    let title = format!("add a `<dependency>` on `{}:{}`", a.group, a.name);
    // Without Boot's dependency management a version-less dependency would not build.
    if !info.boot_managed {
        return Some(Addition { help, fix: None });
    }
    let nl = text::newline(f);
    let element = |indent: &str, unit: &str| -> Vec<String> {
        let mut lines = vec![
            format!("{indent}<dependency>"),
            format!("{indent}{unit}<groupId>{}</groupId>", a.group),
            format!("{indent}{unit}<artifactId>{}</artifactId>", a.name),
        ];
        if let Some(s) = a.scope {
            lines.push(format!("{indent}{unit}<scope>{s}</scope>"));
        }
        lines.push(format!("{indent}</dependency>"));
        lines
    };
    let unit = indent_unit(&info.child_indent);
    let edit = match &m.dep_anchor {
        Some(b) if b.self_closing => {
            let indent = f.indent_at(b.open).to_string();
            let mut lines = vec!["<dependencies>".to_string()];
            lines.extend(element(&format!("{indent}{unit}"), &unit));
            lines.push(format!("{indent}</dependencies>"));
            let end = f.text[b.open as usize..].find("/>").map_or(b.open, |i| b.open + i as u32 + 2);
            text::replace(Span::new(file, b.open..end), lines.join(nl))
        }
        Some(b) => {
            let close_line = f.line_col(b.close).line;
            if f.line_text(close_line).trim_start().starts_with("</dependencies>") {
                text::insert_lines_before(sources, Span::empty(file, b.close), &element(&b.indent, &unit))
            } else {
                let indent = f.indent_at(b.open).to_string();
                let mut content = String::from(nl);
                for l in element(&b.indent, &unit) {
                    content.push_str(&l);
                    content.push_str(nl);
                }
                content.push_str(&indent);
                text::replace(Span::empty(file, b.close), content)
            }
        }
        None => {
            let indent = &info.child_indent;
            let mut lines = vec![format!("{indent}<dependencies>")];
            lines.extend(element(&format!("{indent}{unit}"), &unit));
            lines.push(format!("{indent}</dependencies>"));
            let at = info.build_start.unwrap_or(info.project_close);
            text::insert_lines_before(sources, Span::empty(file, at), &lines)
        }
    };
    Some(Addition {
        help,
        fix: Some(Fix {
            title,
            applicability: Applicability::Safe,
            edits: vec![edit],
        }),
    })
}

/// One level of indentation as the POM writes it (its project children's indentation).
fn indent_unit(child_indent: &str) -> String {
    if child_indent.is_empty() {
        "    ".to_string()
    } else {
        child_indent.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    #[test]
    fn minimal_edits() {
        let e = minimal_edit(FileId(0), "a = 1\n[b]\n", "a = 1\nx = 2\n[b]\n").unwrap();
        assert_eq!((e.span.start, e.span.end, e.content.as_str()), (6, 6, "x = 2\n"));
        assert!(minimal_edit(FileId(0), "same", "same").is_none());
        let e = minimal_edit(FileId(0), "é1", "é2").unwrap();
        assert_eq!(e.content, "2");
    }
}
