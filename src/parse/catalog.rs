//! Gradle version catalog (`gradle/libs.versions.toml`) reader.
//!
//! toml_edit is used (rather than a serde TOML parser) because the linter
//! needs byte spans of every entry to point at them and to insert new ones.
//! Entries Gradle would reject (e.g. a malformed `"g:n:v"` string) are
//! skipped rather than failing the whole catalog, so one typo does not hide
//! every other finding; only TOML syntax errors are reported as errors.

use std::ops::Range;

use toml_edit::{Document, Item, TableLike};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalog {
    pub libraries: Vec<Library>,
    pub bundles: Vec<Bundle>,
    pub plugins: Vec<CatalogPlugin>,
    /// `[versions]` name → value (plain string or `{ strictly/require/prefer }` → that string)
    pub versions: Vec<(String, String, Range<u32>)>,
    /// span of the `[libraries]` header line, for inserting entries
    pub libraries_header: Option<Range<u32>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Library {
    pub alias: String,
    pub accessor: String,
    pub group: String,
    pub name: String,
    pub version: Option<String>,
    pub span: Range<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bundle {
    pub name: String,
    pub accessor: String,
    pub aliases: Vec<String>,
    pub span: Range<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogPlugin {
    pub alias: String,
    pub accessor: String,
    pub id: String,
    pub version: Option<String>,
    pub span: Range<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogError {
    pub message: String,
    pub offset: u32,
}

/// Aliases nested deeper than this are ignored; real catalogs use a handful
/// of levels, and the bound keeps the recursion safe on hostile input.
const MAX_NAMESPACE_DEPTH: usize = 16;

pub fn parse(text: &str) -> Result<Catalog, CatalogError> {
    let doc = Document::parse(text).map_err(|e| CatalogError {
        message: e.message().trim().to_string(),
        offset: e.span().map_or(0, |s| to_u32(s.start)),
    })?;
    let root = doc.as_table();
    let versions = parse_versions(root.get("versions"), text);
    let libraries = parse_libraries(root.get("libraries"), &versions, text);
    let bundles = parse_bundles(root.get("bundles"), text);
    let plugins = parse_plugins(root.get("plugins"), &versions, text);
    let libraries_header = header_line(root.get("libraries"), text);
    Ok(Catalog {
        libraries,
        bundles,
        plugins,
        versions,
        libraries_header,
    })
}

/// Gradle's alias → accessor normalisation: `-`, `_` and `.` all separate
/// segments of the generated accessor; case is left alone.
pub fn accessor(alias: &str) -> String {
    alias
        .split(['-', '_', '.'])
        .filter(|segment| !segment.is_empty())
        .collect::<Vec<_>>()
        .join(".")
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn to_span(span: Range<usize>) -> Range<u32> {
    to_u32(span.start)..to_u32(span.end)
}

/// One alias of a section after dotted keys have been folded into it.
struct Entry<'d> {
    alias: String,
    item: &'d Item,
    span: Range<u32>,
}

/// Walks a section. A TOML dotted key such as `spring.boot = "…"` produces
/// nested tables, but Gradle treats it as the alias `spring.boot`; so any
/// nested table that is not itself a definition (per `is_definition`) is
/// treated as an alias namespace.
fn collect_entries<'d>(
    table: &'d dyn TableLike,
    prefix: &str,
    is_definition: fn(&dyn TableLike) -> bool,
    depth: usize,
    out: &mut Vec<Entry<'d>>,
) {
    for (key, item) in table.iter() {
        let alias = if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        };
        if let Some(nested) = item.as_table_like() {
            if !is_definition(nested) {
                if depth < MAX_NAMESPACE_DEPTH {
                    collect_entries(nested, &alias, is_definition, depth + 1, out);
                }
                continue;
            }
        }
        let key_span = table.key(key).and_then(|k| k.span());
        let span = union(key_span, item_span(item, depth)).unwrap_or(0..0);
        out.push(Entry {
            alias,
            item,
            span: to_span(span),
        });
    }
}

fn section<'d>(item: Option<&'d Item>, is_definition: fn(&dyn TableLike) -> bool, text: &str) -> Vec<Entry<'d>> {
    let mut out = Vec::new();
    if let Some(table) = item.and_then(Item::as_table_like) {
        collect_entries(table, "", is_definition, 0, &mut out);
    }
    for entry in &mut out {
        entry.span.start = dotted_key_start(text, entry.span.start);
    }
    out
}

/// toml_edit gives a dotted key's last segment only, so `a.b.c = "…"` would
/// start at `c`; walk back over the `a.b.` prefix when it is on the same line.
fn dotted_key_start(text: &str, start: u32) -> u32 {
    let start = start as usize;
    let Some(before) = text.get(..start) else {
        return to_u32(start);
    };
    let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let prefix = &before[line_start..];
    let trimmed = prefix.trim_start();
    if trimmed.trim_end().ends_with('.') {
        to_u32(start - trimmed.len())
    } else {
        to_u32(start)
    }
}

fn union(a: Option<Range<usize>>, b: Option<Range<usize>>) -> Option<Range<usize>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.start.min(b.start)..a.end.max(b.end)),
        (a, b) => a.or(b),
    }
}

/// Span of an item including everything under it: a `[libraries.x]` table's
/// own span is only its header, and a dotted-key table may have none at all.
fn item_span(item: &Item, depth: usize) -> Option<Range<usize>> {
    let Item::Table(table) = item else {
        return item.span();
    };
    let mut span = table.span();
    if depth >= MAX_NAMESPACE_DEPTH {
        return span;
    }
    for (key, child) in table.iter() {
        span = union(span, table.key(key).and_then(|k| k.span()));
        span = union(span, item_span(child, depth + 1));
    }
    span
}

fn get_str<'d>(table: &'d dyn TableLike, key: &str) -> Option<&'d str> {
    table.get(key).and_then(Item::as_str)
}

fn has_rich_version(table: &dyn TableLike) -> bool {
    ["strictly", "require", "prefer", "reject", "rejectAll", "ref"]
        .iter()
        .any(|k| table.contains_key(k))
}

/// The single string a rich version stands for. `prefer` wins because it is
/// what Gradle selects absent conflicts; `strictly` next as it pins the range.
fn rich_version(table: &dyn TableLike) -> Option<String> {
    ["prefer", "strictly", "require"]
        .iter()
        .find_map(|k| get_str(table, k))
        .map(str::to_string)
}

fn parse_versions(item: Option<&Item>, text: &str) -> Vec<(String, String, Range<u32>)> {
    section(item, has_rich_version, text)
        .into_iter()
        .filter_map(|e| {
            let value = match e.item.as_str() {
                Some(s) => Some(s.to_string()),
                None => e.item.as_table_like().and_then(rich_version),
            }?;
            Some((e.alias, value, e.span))
        })
        .collect()
}

/// Resolves the `version` of a library or plugin table: a plain string,
/// `version.ref` (looked up in `[versions]`), or a rich version table.
fn resolve_version(table: &dyn TableLike, versions: &[(String, String, Range<u32>)]) -> Option<String> {
    let item = table.get("version")?;
    if let Some(s) = item.as_str() {
        return Some(s.to_string());
    }
    let rich = item.as_table_like()?;
    match get_str(rich, "ref") {
        Some(reference) => versions
            .iter()
            .find(|(name, _, _)| name == reference)
            .map(|(_, value, _)| value.clone()),
        None => rich_version(rich),
    }
}

fn is_library_definition(table: &dyn TableLike) -> bool {
    table.contains_key("module") || table.contains_key("group") || table.contains_key("name")
}

fn parse_libraries(item: Option<&Item>, versions: &[(String, String, Range<u32>)], text: &str) -> Vec<Library> {
    section(item, is_library_definition, text)
        .into_iter()
        .filter_map(|e| {
            let (group, name, version) = match e.item.as_str() {
                Some(notation) => library_from_notation(notation)?,
                None => library_from_table(e.item.as_table_like()?, versions)?,
            };
            Some(Library {
                accessor: accessor(&e.alias),
                alias: e.alias,
                group,
                name,
                version,
                span: e.span,
            })
        })
        .collect()
}

type Coordinates = (String, String, Option<String>);

fn library_from_notation(notation: &str) -> Option<Coordinates> {
    let parts: Vec<&str> = notation.split(':').collect();
    match parts.as_slice() {
        [group, name] => Some((group.to_string(), name.to_string(), None)),
        [group, name, version] => {
            let version = (!version.is_empty()).then(|| version.to_string());
            Some((group.to_string(), name.to_string(), version))
        }
        _ => None,
    }
}

fn library_from_table(table: &dyn TableLike, versions: &[(String, String, Range<u32>)]) -> Option<Coordinates> {
    let (group, name) = match get_str(table, "module") {
        Some(module) => {
            let (group, name) = module.split_once(':')?;
            (group.to_string(), name.to_string())
        }
        None => (get_str(table, "group")?.to_string(), get_str(table, "name")?.to_string()),
    };
    Some((group, name, resolve_version(table, versions)))
}

fn parse_bundles(item: Option<&Item>, text: &str) -> Vec<Bundle> {
    section(item, |_| false, text)
        .into_iter()
        .filter_map(|e| {
            let array = e.item.as_array()?;
            let aliases = array.iter().filter_map(|v| v.as_str()).map(str::to_string).collect();
            Some(Bundle {
                accessor: accessor(&e.alias),
                name: e.alias,
                aliases,
                span: e.span,
            })
        })
        .collect()
}

fn parse_plugins(item: Option<&Item>, versions: &[(String, String, Range<u32>)], text: &str) -> Vec<CatalogPlugin> {
    section(item, |t| t.contains_key("id"), text)
        .into_iter()
        .filter_map(|e| {
            let (id, version) = match e.item.as_str() {
                Some(notation) => match notation.split_once(':') {
                    Some((id, version)) => (id.to_string(), Some(version.to_string())),
                    None => (notation.to_string(), None),
                },
                None => {
                    let table = e.item.as_table_like()?;
                    (get_str(table, "id")?.to_string(), resolve_version(table, versions))
                }
            };
            Some(CatalogPlugin {
                accessor: accessor(&e.alias),
                alias: e.alias,
                id,
                version,
                span: e.span,
            })
        })
        .collect()
}

/// The whole physical line holding an explicit `[libraries]` header
/// (trailing comment included, line break excluded). Absent when the table
/// only exists implicitly, e.g. through `[libraries.x]` or dotted keys.
fn header_line(item: Option<&Item>, text: &str) -> Option<Range<u32>> {
    let Item::Table(table) = item? else {
        return None;
    };
    if table.is_implicit() || table.is_dotted() {
        return None;
    }
    let header = table.span()?;
    let before = text.get(..header.start)?;
    let start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let after = text.get(header.end..)?;
    let end = header.end + after.find(['\n', '\r']).unwrap_or(after.len());
    Some(to_u32(start)..to_u32(end))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"# catalog
[versions]
boot = "3.2.5"
micrometer = { strictly = "[1.12, 1.13[", prefer = "1.12.4" }
pinned = { strictly = "2.0" }

[libraries]   # libs
micrometer-registry-prometheus = "io.micrometer:micrometer-registry-prometheus:1.12.4"
actuator = "org.springframework.boot:spring-boot-starter-actuator"
boot-web = { module = "org.springframework.boot:spring-boot-starter-web", version.ref = "boot" }
micrometer_core = { group = "io.micrometer", name = "micrometer-core", version = { ref = "micrometer" } }
strict = { module = "a:b", version = { strictly = "1.0" } }
plain = { module = "c:d", version = "2" }
noversion = { module = "e:f" }
missing-ref = { module = "g:h", version.ref = "nope" }
bad = "not-a-coordinate"

[bundles]
observability = ["actuator", "micrometer-registry-prometheus"]

[plugins]
spring-boot = { id = "org.springframework.boot", version.ref = "boot" }
dep-mgmt = "io.spring.dependency-management:1.1.4"
kotlin-jvm = { id = "org.jetbrains.kotlin.jvm", version = "1.9.23" }
bare = "com.example.bare"
"#;

    fn slice<'t>(text: &'t str, span: &Range<u32>) -> &'t str {
        &text[span.start as usize..span.end as usize]
    }

    #[test]
    fn accessor_normalisation() {
        assert_eq!(accessor("micrometer-registry-prometheus"), "micrometer.registry.prometheus");
        assert_eq!(accessor("micrometer_registry_prometheus"), "micrometer.registry.prometheus");
        assert_eq!(accessor("micrometer.registry.prometheus"), "micrometer.registry.prometheus");
        assert_eq!(accessor("micrometerRegistryPrometheus"), "micrometerRegistryPrometheus");
        assert_eq!(accessor("spring-boot_starter.web"), "spring.boot.starter.web");
    }

    #[test]
    fn versions_section() {
        let c = parse(SAMPLE).unwrap();
        let v: Vec<(&str, &str)> = c.versions.iter().map(|(k, v, _)| (k.as_str(), v.as_str())).collect();
        assert_eq!(v, vec![("boot", "3.2.5"), ("micrometer", "1.12.4"), ("pinned", "2.0")]);
        assert_eq!(slice(SAMPLE, &c.versions[0].2), "boot = \"3.2.5\"");
    }

    #[test]
    fn library_forms() {
        let c = parse(SAMPLE).unwrap();
        let libs: Vec<(&str, &str, &str, Option<&str>)> = c
            .libraries
            .iter()
            .map(|l| (l.alias.as_str(), l.group.as_str(), l.name.as_str(), l.version.as_deref()))
            .collect();
        assert_eq!(
            libs,
            vec![
                (
                    "micrometer-registry-prometheus",
                    "io.micrometer",
                    "micrometer-registry-prometheus",
                    Some("1.12.4")
                ),
                ("actuator", "org.springframework.boot", "spring-boot-starter-actuator", None),
                ("boot-web", "org.springframework.boot", "spring-boot-starter-web", Some("3.2.5")),
                ("micrometer_core", "io.micrometer", "micrometer-core", Some("1.12.4")),
                ("strict", "a", "b", Some("1.0")),
                ("plain", "c", "d", Some("2")),
                ("noversion", "e", "f", None),
                ("missing-ref", "g", "h", None),
            ]
        );
        assert_eq!(c.libraries[0].accessor, "micrometer.registry.prometheus");
        assert_eq!(c.libraries[3].accessor, "micrometer.core");
        assert_eq!(
            slice(SAMPLE, &c.libraries[2].span),
            r#"boot-web = { module = "org.springframework.boot:spring-boot-starter-web", version.ref = "boot" }"#
        );
    }

    #[test]
    fn libraries_header_is_the_whole_line() {
        let c = parse(SAMPLE).unwrap();
        let header = c.libraries_header.unwrap();
        assert_eq!(slice(SAMPLE, &header), "[libraries]   # libs");
    }

    #[test]
    fn bundles_and_plugins() {
        let c = parse(SAMPLE).unwrap();
        assert_eq!(c.bundles.len(), 1);
        assert_eq!(c.bundles[0].name, "observability");
        assert_eq!(c.bundles[0].aliases, vec!["actuator", "micrometer-registry-prometheus"]);
        assert_eq!(
            slice(SAMPLE, &c.bundles[0].span),
            r#"observability = ["actuator", "micrometer-registry-prometheus"]"#
        );
        let plugins: Vec<(&str, &str, &str, Option<&str>)> = c
            .plugins
            .iter()
            .map(|p| (p.alias.as_str(), p.accessor.as_str(), p.id.as_str(), p.version.as_deref()))
            .collect();
        assert_eq!(
            plugins,
            vec![
                ("spring-boot", "spring.boot", "org.springframework.boot", Some("3.2.5")),
                ("dep-mgmt", "dep.mgmt", "io.spring.dependency-management", Some("1.1.4")),
                ("kotlin-jvm", "kotlin.jvm", "org.jetbrains.kotlin.jvm", Some("1.9.23")),
                ("bare", "bare", "com.example.bare", None),
            ]
        );
    }

    #[test]
    fn dotted_aliases_and_subtables() {
        let text = "[libraries]\nspring.boot.actuator = \"a:b:1\"\nfoo.module = \"c:d\"\nfoo.version = \"2\"\n\n[libraries.bar]\nmodule = \"e:f\"\nversion.ref = \"v\"\n\n[versions]\nv = \"9\"\n";
        let c = parse(text).unwrap();
        let libs: Vec<(&str, &str, Option<&str>)> = c
            .libraries
            .iter()
            .map(|l| (l.alias.as_str(), l.accessor.as_str(), l.version.as_deref()))
            .collect();
        assert_eq!(
            libs,
            vec![
                ("spring.boot.actuator", "spring.boot.actuator", Some("1")),
                ("foo", "foo", Some("2")),
                ("bar", "bar", Some("9")),
            ]
        );
        assert_eq!(slice(text, &c.libraries[0].span), "spring.boot.actuator = \"a:b:1\"");
        assert_eq!(slice(text, &c.libraries[1].span), "foo.module = \"c:d\"\nfoo.version = \"2\"");
        assert_eq!(
            slice(text, &c.libraries[2].span),
            "[libraries.bar]\nmodule = \"e:f\"\nversion.ref = \"v\""
        );
    }

    #[test]
    fn no_libraries_header_when_implicit() {
        let c = parse("[libraries.x]\nmodule = \"a:b\"\n").unwrap();
        assert_eq!(c.libraries.len(), 1);
        assert_eq!(c.libraries_header, None);
        assert_eq!(parse("").unwrap(), Catalog::default());
    }

    #[test]
    fn crlf_header_line() {
        let text = "[libraries]\r\na = \"g:n\"\r\n";
        let c = parse(text).unwrap();
        assert_eq!(slice(text, &c.libraries_header.unwrap()), "[libraries]");
    }

    #[test]
    fn syntax_error_reports_offset() {
        let err = parse("[versions]\nboot = \n[libraries]").unwrap_err();
        assert!(!err.message.is_empty());
        assert!(err.offset >= 17 && err.offset <= 19, "{err:?}");
        let err = parse("[libraries\n").unwrap_err();
        assert!(err.offset > 0, "{err:?}");
    }

    #[test]
    fn wrong_types_are_ignored() {
        let c = parse("libraries = 3\nbundles = { x = 1 }\n[plugins]\np = { version = 1 }\n").unwrap();
        assert!(c.libraries.is_empty() && c.bundles.is_empty() && c.plugins.is_empty());
    }

    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    const PIECES: &[&str] = &[
        "[libraries]",
        "[versions]",
        "[bundles]",
        "[plugins]",
        "[libraries.x]",
        "\n",
        "a",
        ".",
        "=",
        "\"",
        "'",
        "\"g:n:v\"",
        "{",
        "}",
        "[",
        "]",
        ",",
        "module",
        "version.ref",
        "id",
        " ",
        "é",
        "🎉",
        "#",
        "\\",
        "\"\"\"",
        "1",
    ];

    #[test]
    fn garbage_never_panics() {
        let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
        for _ in 0..3000 {
            let len = (rng.next() % 40) as usize;
            let mut text = String::new();
            for _ in 0..len {
                let r = rng.next();
                if r % 9 == 0 {
                    text.push(char::from_u32((r >> 8) as u32 % 0x11_0000).unwrap_or('x'));
                } else {
                    text.push_str(PIECES[(r >> 8) as usize % PIECES.len()]);
                }
            }
            if let Ok(c) = parse(&text) {
                let spans = c
                    .libraries
                    .iter()
                    .map(|l| &l.span)
                    .chain(c.plugins.iter().map(|p| &p.span))
                    .chain(c.bundles.iter().map(|b| &b.span))
                    .chain(c.versions.iter().map(|v| &v.2))
                    .chain(c.libraries_header.iter());
                for span in spans {
                    assert!(text.get(span.start as usize..span.end as usize).is_some(), "{text:?}");
                }
            }
        }
        let deep = format!("a = {}{}", "[".repeat(5000), "]".repeat(5000));
        let _ = parse(&deep);
        let deep_tables = format!("[libraries]\n{} = \"a:b\"", vec!["x"; 200].join("."));
        let _ = parse(&deep_tables);
        let too_deep = format!("[libraries]\n{} = \"a:b\"", vec!["x"; 20].join("."));
        assert!(parse(&too_deep).unwrap().libraries.is_empty());
    }
}
