//! `pom.xml` reader: the parts of a POM that decide what reaches the runtime classpath
//! (semantics §10.4), with byte spans. `roxmltree` gives positions and is read-only, which
//! is all a linter needs; fixes are text insertions at the recorded offsets.
//!
//! Elements are matched by local name, so the usual default namespace
//! (`http://maven.apache.org/POM/4.0.0`) and namespace-less POMs read the same.

use roxmltree::{Document, Node, ParsingOptions};
use std::ops::Range;

/// An element's trimmed text and the span of that text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub value: String,
    pub span: Range<u32>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pom {
    pub group_id: Option<Text>,
    pub artifact_id: Option<Text>,
    pub version: Option<Text>,
    pub packaging: Option<Text>,
    pub parent: Option<Parent>,
    pub properties: Vec<(String, Text)>,
    pub modules: Vec<Text>,
    /// `<project><dependencies>`: what the module adds to its classpath.
    pub dependencies: Vec<PomDep>,
    /// `<dependencyManagement><dependencies>`: versions/scopes only, plus BOM imports.
    pub managed: Vec<PomDep>,
    /// `<build><plugins>` (not `<pluginManagement>`).
    pub plugins: Vec<PomPlugin>,
    /// `<build><pluginManagement><plugins>`: configures, does not apply.
    pub managed_plugins: Vec<PomPlugin>,
    /// `<profiles><profile><dependencies>`: only when the profile is active.
    pub profile_dependencies: Vec<PomDep>,
    /// The project's own `<dependencies>` element, where a dependency is added.
    pub dependencies_block: Option<Block>,
    /// Byte offset of `</project>`.
    pub project_close: u32,
    /// Byte offset of the line of `<build>` (a new `<dependencies>` goes before it).
    pub build_start: Option<u32>,
    /// Indentation of the project's child elements.
    pub child_indent: String,
    /// `<build><resources><resource><filtering>true`: Maven replaces `@name@` and `${name}` in
    /// those resources when it copies them (semantics §13.1).
    pub resource_filtering: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parent {
    pub group_id: Option<Text>,
    pub artifact_id: Option<Text>,
    pub version: Option<Text>,
    /// `None` = not written (Maven's default `../pom.xml`); `Some("")` = `<relativePath/>`.
    pub relative_path: Option<String>,
    pub span: Range<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PomDep {
    pub group_id: Option<Text>,
    pub artifact_id: Option<Text>,
    pub version: Option<Text>,
    pub scope: Option<Text>,
    pub optional: bool,
    pub kind: Option<String>,
    pub classifier: Option<String>,
    /// `<exclusions><exclusion>`: groupId and artifactId, either of them `*`.
    pub exclusions: Vec<(String, String)>,
    /// The whole `<dependency>` element.
    pub span: Range<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PomPlugin {
    pub group_id: Option<Text>,
    pub artifact_id: Option<Text>,
    pub version: Option<Text>,
    pub span: Range<u32>,
}

/// `<dependencies>`: the start tag, the offset of `</dependencies>`, and the indentation of
/// its `<dependency>` children (or of the element plus one level when it is empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub open: Range<u32>,
    pub close: u32,
    /// `<dependencies/>`: `open` is the whole element and there is no closing tag.
    pub self_closing: bool,
    pub indent: String,
    pub child_indent: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PomError {
    pub message: String,
    pub offset: u32,
}

/// Largest number of XML nodes read; a real POM has a few thousand.
const NODES_LIMIT: u32 = 1_000_000;

pub fn parse(text: &str) -> Result<Pom, PomError> {
    fn opts<'a>() -> ParsingOptions<'a> {
        ParsingOptions {
            allow_dtd: false,
            nodes_limit: NODES_LIMIT,
            ..ParsingOptions::default()
        }
    }
    let renamed: String;
    let (text, doc) = match Document::parse_with_options(text, opts()) {
        Err(roxmltree::Error::UnknownNamespace(..)) => {
            renamed = without_undeclared_prefixes(text, |t| Document::parse_with_options(t, opts()).err());
            (renamed.as_str(), Document::parse_with_options(&renamed, opts()))
        }
        parsed => (text, parsed),
    };
    let doc = doc.map_err(|e| {
        let pos = e.pos();
        PomError {
            message: e.to_string(),
            offset: offset_of(text, pos.row, pos.col),
        }
    })?;
    let root = doc.root_element();
    if root.tag_name().name() != "project" {
        return Err(PomError {
            message: format!("expected a `<project>` root element, found `<{}>`", root.tag_name().name()),
            offset: to_u32(root.range().start),
        });
    }
    let mut pom = Pom {
        group_id: child_text(root, "groupId"),
        artifact_id: child_text(root, "artifactId"),
        version: child_text(root, "version"),
        packaging: child_text(root, "packaging"),
        project_close: closing_tag_offset(text, root),
        child_indent: children_indent(text, root).unwrap_or_else(|| "    ".to_string()),
        ..Pom::default()
    };
    if let Some(p) = child(root, "parent") {
        pom.parent = Some(Parent {
            group_id: child_text(p, "groupId"),
            artifact_id: child_text(p, "artifactId"),
            version: child_text(p, "version"),
            relative_path: child(p, "relativePath").map(|r| r.text().unwrap_or("").trim().to_string()),
            span: span(p),
        });
    }
    if let Some(props) = child(root, "properties") {
        for p in props.children().filter(Node::is_element) {
            let value = text_of(p).unwrap_or(Text {
                value: String::new(),
                span: span(p),
            });
            pom.properties.push((p.tag_name().name().to_string(), value));
        }
    }
    for m in child(root, "modules")
        .into_iter()
        .flat_map(|m| m.children())
        .filter(|n| n.has_tag_name_local("module"))
    {
        if let Some(t) = text_of(m) {
            pom.modules.push(t);
        }
    }
    // Maven 4 names them `<subprojects>`.
    for m in child(root, "subprojects")
        .into_iter()
        .flat_map(|m| m.children())
        .filter(|n| n.has_tag_name_local("subproject"))
    {
        if let Some(t) = text_of(m) {
            pom.modules.push(t);
        }
    }
    if let Some(deps) = child(root, "dependencies") {
        pom.dependencies = dependencies(deps);
        pom.dependencies_block = Some(block(text, deps, &pom.child_indent));
    }
    if let Some(deps) = child(root, "dependencyManagement").and_then(|m| child(m, "dependencies")) {
        pom.managed = dependencies(deps);
    }
    if let Some(build) = child(root, "build") {
        pom.build_start = Some(line_start(text, build.range().start));
        if let Some(plugins) = child(build, "plugins") {
            pom.plugins = plugins_of(plugins);
        }
        if let Some(plugins) = child(build, "pluginManagement").and_then(|m| child(m, "plugins")) {
            pom.managed_plugins = plugins_of(plugins);
        }
        if let Some(resources) = child(build, "resources") {
            pom.resource_filtering = resources
                .children()
                .filter(|r| r.has_tag_name("resource"))
                .filter_map(|r| child(r, "filtering"))
                .any(|f| f.text().is_some_and(|t| t.trim() == "true"));
        }
    }
    for profile in child(root, "profiles")
        .into_iter()
        .flat_map(|p| p.children())
        .filter(|n| n.has_tag_name_local("profile"))
    {
        if let Some(deps) = child(profile, "dependencies") {
            pom.profile_dependencies.extend(dependencies(deps));
        }
    }
    Ok(pom)
}

trait LocalName {
    fn has_tag_name_local(&self, name: &str) -> bool;
}

impl LocalName for Node<'_, '_> {
    fn has_tag_name_local(&self, name: &str) -> bool {
        self.is_element() && self.tag_name().name() == name
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn span(n: Node<'_, '_>) -> Range<u32> {
    let r = n.range();
    to_u32(r.start)..to_u32(r.end)
}

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|c| c.has_tag_name_local(name))
}

/// Trimmed text of an element; the span covers the trimmed text only.
fn text_of(n: Node<'_, '_>) -> Option<Text> {
    let t = n.first_child().filter(|c| c.is_text())?;
    let raw = t.text()?;
    let r = t.range();
    // Entities make the decoded text differ from the source; spans then cover the raw node.
    let lead = raw.len() - raw.trim_start().len();
    let value = raw.trim().to_string();
    let start = r.start + lead;
    let end = if r.end - r.start == raw.len() { start + value.len() } else { r.end };
    Some(Text {
        value,
        span: to_u32(start)..to_u32(end),
    })
}

fn child_text(n: Node<'_, '_>, name: &str) -> Option<Text> {
    child(n, name).and_then(text_of)
}

fn dependencies(deps: Node<'_, '_>) -> Vec<PomDep> {
    deps.children()
        .filter(|n| n.has_tag_name_local("dependency"))
        .map(|d| PomDep {
            group_id: child_text(d, "groupId"),
            artifact_id: child_text(d, "artifactId"),
            version: child_text(d, "version"),
            scope: child_text(d, "scope"),
            optional: child_text(d, "optional").is_some_and(|t| t.value == "true"),
            kind: child_text(d, "type").map(|t| t.value),
            classifier: child_text(d, "classifier").map(|t| t.value),
            exclusions: child(d, "exclusions")
                .into_iter()
                .flat_map(|e| e.children())
                .filter(|n| n.has_tag_name_local("exclusion"))
                .map(|e| {
                    let part = |name: &str| child_text(e, name).map_or_else(|| "*".to_string(), |t| t.value);
                    (part("groupId"), part("artifactId"))
                })
                .collect(),
            span: span(d),
        })
        .collect()
}

fn plugins_of(plugins: Node<'_, '_>) -> Vec<PomPlugin> {
    plugins
        .children()
        .filter(|n| n.has_tag_name_local("plugin"))
        .map(|p| PomPlugin {
            group_id: child_text(p, "groupId"),
            artifact_id: child_text(p, "artifactId"),
            version: child_text(p, "version"),
            span: span(p),
        })
        .collect()
}

fn line_start(text: &str, offset: usize) -> u32 {
    let before = text.get(..offset).unwrap_or("");
    to_u32(before.rfind('\n').map_or(0, |i| i + 1))
}

/// Leading whitespace of the line an offset is on.
fn indent_at(text: &str, offset: usize) -> String {
    let start = line_start(text, offset) as usize;
    let line = text.get(start..).unwrap_or("");
    line.chars().take_while(|c| *c == ' ' || *c == '\t').collect()
}

/// Indentation of an element's first child element, when it starts its own line.
fn children_indent(text: &str, n: Node<'_, '_>) -> Option<String> {
    let first = n.children().find(Node::is_element)?;
    let start = first.range().start;
    let line = line_start(text, start) as usize;
    let prefix = text.get(line..start)?;
    prefix.chars().all(|c| c == ' ' || c == '\t').then(|| prefix.to_string())
}

/// Offset of an element's closing tag (`</x>`); for a self-closing `<x/>`, its start.
fn closing_tag_offset(text: &str, n: Node<'_, '_>) -> u32 {
    let r = n.range();
    let whole = text.get(r.clone()).unwrap_or("");
    match whole.rfind("</") {
        Some(i) => to_u32(r.start + i),
        None => to_u32(r.start),
    }
}

fn block(text: &str, deps: Node<'_, '_>, project_child_indent: &str) -> Block {
    let r = deps.range();
    let indent = indent_at(text, r.start);
    let child_indent = children_indent(text, deps).unwrap_or_else(|| {
        // One level deeper than the element, in the unit the project uses.
        let unit = if project_child_indent.is_empty() {
            "    "
        } else {
            project_child_indent
        };
        format!("{indent}{unit}")
    });
    let whole = text.get(r.clone()).unwrap_or("");
    let open_end = whole.find('>').map_or(r.end, |i| r.start + i + 1);
    let self_closing = !whole.contains("</");
    Block {
        open: to_u32(r.start)..to_u32(open_end),
        close: if self_closing {
            to_u32(r.start)
        } else {
            closing_tag_offset(text, deps)
        },
        self_closing,
        indent,
        child_indent,
    }
}

/// Most fixes for an undeclared prefix before giving up (one per element or attribute name).
const PREFIX_FIXES: usize = 64;

/// Maven reads POMs with a parser that does not know namespaces, so `<Xlint:unchecked/>` in
/// `<compilerArguments>` is just a name (the compiler gets `-Xlint:unchecked`); roxmltree
/// rejects the undeclared prefix. Renames `prefix:` to `prefix_` where `parse` reports it (an
/// element's start and end tags together): same length, so every offset stays.
fn without_undeclared_prefixes(text: &str, parse: impl Fn(&str) -> Option<roxmltree::Error>) -> String {
    let mut text = text.to_string();
    for _ in 0..PREFIX_FIXES {
        let Some(roxmltree::Error::UnknownNamespace(prefix, pos)) = parse(&text) else {
            break;
        };
        let at = offset_of(&text, pos.row, pos.col) as usize;
        let colon = at + prefix.len();
        if text.as_bytes().get(colon) != Some(&b':') {
            break;
        }
        if at > 0 && text.as_bytes()[at - 1] == b'<' {
            // The element: its end tags too, or they no longer match.
            text = text
                .replace(&format!("<{prefix}:"), &format!("<{prefix}_"))
                .replace(&format!("</{prefix}:"), &format!("</{prefix}_"));
        } else {
            text.replace_range(colon..colon + 1, "_");
        }
    }
    text
}

/// Byte offset of a 1-based row/column (columns count chars).
fn offset_of(text: &str, row: u32, col: u32) -> u32 {
    let mut offset = 0usize;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if i + 1 == row as usize {
            let col_bytes: usize = line.chars().take(col.saturating_sub(1) as usize).map(char::len_utf8).sum();
            return to_u32(offset + col_bytes);
        }
        offset += line.len();
    }
    to_u32(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const POM: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
    <modelVersion>4.0.0</modelVersion>
    <parent>
        <groupId>org.springframework.boot</groupId>
        <artifactId>spring-boot-starter-parent</artifactId>
        <version>3.2.5</version>
        <relativePath/>
    </parent>
    <artifactId>order-service</artifactId>
    <properties>
        <java.version>17</java.version>
    </properties>
    <dependencies>
        <dependency>
            <groupId>org.springframework.boot</groupId>
            <artifactId>spring-boot-starter-actuator</artifactId>
        </dependency>
        <!--
        <dependency>
            <groupId>io.micrometer</groupId>
            <artifactId>micrometer-registry-prometheus</artifactId>
        </dependency>
        -->
        <dependency>
            <groupId>io.micrometer</groupId>
            <artifactId>micrometer-registry-prometheus</artifactId>
            <scope>test</scope>
        </dependency>
    </dependencies>
    <dependencyManagement>
        <dependencies>
            <dependency>
                <groupId>io.micrometer</groupId>
                <artifactId>micrometer-registry-prometheus</artifactId>
                <version>1.12.0</version>
            </dependency>
        </dependencies>
    </dependencyManagement>
    <build>
        <plugins>
            <plugin>
                <groupId>org.springframework.boot</groupId>
                <artifactId>spring-boot-maven-plugin</artifactId>
            </plugin>
        </plugins>
    </build>
</project>
"#;

    #[test]
    fn undeclared_prefixes_are_names_as_in_maven() {
        let pom = "<project>\n  <artifactId>a</artifactId>\n  <build><plugins><plugin>\n    <artifactId>maven-compiler-plugin</artifactId>\n    <configuration><compilerArguments><Xlint:unchecked/><Xlint:deprecation></Xlint:deprecation></compilerArguments></configuration>\n  </plugin></plugins></build>\n</project>\n";
        let p = parse(pom).unwrap_or_else(|e| panic!("{}", e.message));
        assert_eq!(p.artifact_id.unwrap().value, "a");
        assert_eq!(p.plugins.len(), 1);
        assert_eq!(&pom[p.project_close as usize..p.project_close as usize + 10], "</project>");
    }

    #[test]
    fn reads_the_parts_that_matter() {
        let pom = parse(POM).unwrap();
        let parent = pom.parent.as_ref().unwrap();
        assert_eq!(parent.artifact_id.as_ref().unwrap().value, "spring-boot-starter-parent");
        assert_eq!(parent.relative_path.as_deref(), Some(""));
        assert_eq!(pom.artifact_id.as_ref().unwrap().value, "order-service");
        assert_eq!(pom.properties[0].0, "java.version");
        // the commented-out dependency does not count
        assert_eq!(pom.dependencies.len(), 2);
        assert_eq!(pom.dependencies[1].scope.as_ref().unwrap().value, "test");
        assert_eq!(pom.managed.len(), 1);
        assert_eq!(pom.plugins[0].artifact_id.as_ref().unwrap().value, "spring-boot-maven-plugin");
        let t = pom.dependencies[0].artifact_id.as_ref().unwrap();
        assert_eq!(&POM[t.span.start as usize..t.span.end as usize], "spring-boot-starter-actuator");
        let b = pom.dependencies_block.as_ref().unwrap();
        assert_eq!(&POM[b.open.start as usize..b.open.end as usize], "<dependencies>");
        assert!(POM[b.close as usize..].starts_with("</dependencies>"));
        assert_eq!(b.child_indent, "        ");
        assert_eq!(pom.child_indent, "    ");
        assert!(POM[pom.project_close as usize..].starts_with("</project>"));
    }

    #[test]
    fn errors_have_positions() {
        let e = parse("<project>\n  <dependencies>\n</project>\n").unwrap_err();
        assert!(e.offset > 0, "{e:?}");
        assert!(parse("<settings/>").is_err());
        assert!(parse("").is_err());
    }

    #[test]
    fn empty_dependencies_block_indent() {
        let pom = parse("<project>\n\t<dependencies/>\n</project>").unwrap();
        let b = pom.dependencies_block.unwrap();
        assert_eq!(b.indent, "\t");
        assert_eq!(b.child_indent, "\t\t");
    }
}
