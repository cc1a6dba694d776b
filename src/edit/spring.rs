//! Edits to Spring configuration that keep the file's own style: comma strings, block and
//! flow lists, `.properties` and indexed keys; or a new minimal `management` block.

use super::text;
use crate::diagnostic::Edit;
use crate::link::Deployment;
use crate::model::spring::Service;
use crate::parse::yaml::{Kind, Node};
use crate::parse::Parsed;
use crate::source::{SourceSet, Span};

const INCLUDE: &str = "management.endpoints.web.exposure.include";

/// Edits that add `id` to the effective exposure `include` of one deployment.
pub fn add_to_exposure(sources: &SourceSet, parsed: &[Parsed], svc: &Service, dep: &Deployment, id: &str) -> Option<Vec<Edit>> {
    match dep.effective.get_list(INCLUDE) {
        Some(found) => {
            let prop = *found.props.last()?;
            let file = prop.value_span.file;
            let f = sources.get(file);
            if let Some(shape) = &prop.list {
                if shape.flow {
                    // `[health, info]` → `[health, info, prometheus]`
                    let close = Span::empty(file, shape.span.end.saturating_sub(1));
                    return (f.slice(Span::new(file, close.start..close.start + 1)) == "]")
                        .then(|| vec![text::replace(close, format!(", {id}"))]);
                }
                let last = shape.last_item;
                let line = f.line_col(last.start).line;
                let prefix = &f.text[f.line_range(line).start as usize..last.start as usize];
                if !prefix.trim_end().ends_with('-') {
                    return None;
                }
                return Some(vec![text::insert_lines_after(sources, last, &[format!("{prefix}{id}")])]);
            }
            let env_indexed = found.layer.is_env()
                && prop
                    .key
                    .trim_end_matches('_')
                    .rsplit('_')
                    .next()
                    .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
            // A new index goes past the highest one written, never reusing one (that would
            // replace its entry). With a gap (`include[0]`, `include[2]`) Boot binds up to the
            // gap and then fails on the entries left unbound (`IndexedElementsBinder`): no
            // added entry helps there, so no fix.
            let next_index = |index_of: &dyn Fn(&str) -> Option<usize>| {
                let mut seen: Vec<usize> = found.props.iter().filter_map(|p| index_of(&p.key)).collect();
                seen.sort_unstable();
                seen.dedup();
                let contiguous = seen.iter().enumerate().all(|(i, n)| i == *n);
                contiguous.then(|| seen.last().map_or(found.props.len(), |m| m + 1))
            };
            if env_indexed {
                let index = next_index(&|k| k.trim_end_matches('_').rsplit('_').next()?.parse().ok())?;
                return add_env_item(sources, prop, index, id).map(|e| vec![e]);
            }
            if f.slice(prop.key_span).ends_with("[]") {
                if prop.value.trim().is_empty() && found.props.len() == 1 {
                    // `include[]=` (one empty entry): the list gets the default and `id`.
                    return Some(vec![set_empty_properties_value(
                        f,
                        prop.key_span,
                        &format!("{},{id}", defaults(svc)),
                    )]);
                }
                // `include[]=health,info` → `include[]=health,info,prometheus`.
                return Some(vec![text::replace(Span::empty(file, prop.value_span.end), format!(",{id}"))]);
            }
            if found.props.len() > 1 || prop.key.ends_with(']') {
                // Indexed form: `include[0]=health` → add `include[n]=prometheus`.
                if !f.path.ends_with(".properties") {
                    return None;
                }
                let base = prop.key.rsplit_once('[').map_or(prop.key.as_str(), |(b, _)| b);
                let index = next_index(&|k| k.rsplit_once('[')?.1.strip_suffix(']')?.parse().ok())?;
                // After the last entry of the list in the file, wherever its index.
                let last = found
                    .props
                    .iter()
                    .filter(|p| p.value_span.file == file)
                    .map(|p| p.value_span)
                    .max_by_key(|s| s.start)
                    .unwrap_or(prop.value_span);
                return Some(vec![text::insert_lines_after(sources, last, &[format!("{base}[{index}]={id}")])]);
            }
            // `${VAR:health}` that resolved to its default: extend the default.
            if prop.value.contains("${") {
                let v = prop.value.trim();
                let raw = f.slice(prop.value_span);
                let whole = v.starts_with("${") && v.ends_with('}') && v.matches("${").count() == 1 && v.contains(':');
                let from_default = whole
                    && matches!(
                        dep.effective.placeholder_value(v[2..].split(':').next().unwrap_or("")),
                        crate::model::spring::Lookup::Unset
                    );
                let close = raw.rfind('}')?;
                if !(from_default && raw.trim_end_matches(['"', '\'']).ends_with('}')) {
                    return None;
                }
                if flow_plain(parsed, prop.value_span, raw) {
                    let t = raw.trim_end();
                    return Some(vec![quoted_value(
                        file,
                        prop.value_span.start,
                        t,
                        &format!("{},{id}}}", &t[..close]),
                    )?]);
                }
                return Some(vec![text::replace(
                    Span::empty(file, prop.value_span.start + close as u32),
                    format!(",{id}"),
                )]);
            }
            // A comma-separated scalar, in a config file or an env var of a manifest.
            let raw = f.slice(prop.value_span);
            // The span must end with the value (not so for a `-D` inside `JAVA_TOOL_OPTIONS`).
            if !raw.trim_end().trim_end_matches(['"', '\'']).ends_with(prop.value.trim_end()) {
                return None;
            }
            let trimmed_len = raw.trim_end().len() as u32;
            let mut end = prop.value_span.start + trimmed_len;
            if raw.starts_with('"') || raw.starts_with('\'') {
                end = end.saturating_sub(1);
            }
            let sep = if raw.contains(", ") { ", " } else { "," };
            if raw.trim().is_empty() || prop.value.trim().is_empty() {
                // `include=` or `include:` sets no endpoint; an empty span sits at the key's end
                // in `.properties`, so the value must go after the separator.
                let value = format!("{},{id}", defaults(svc));
                return if f.path.ends_with(".properties") && prop.key_span.end == prop.value_span.start {
                    Some(vec![set_empty_properties_value(f, prop.key_span, &value)])
                } else {
                    None
                };
            }
            if flow_plain(parsed, prop.value_span, raw) {
                // In a flow mapping a plain `health,prometheus` is two entries: quote it.
                let t = raw.trim_end();
                return Some(vec![quoted_value(file, prop.value_span.start, t, &format!("{t}{sep}{id}"))?]);
            }
            Some(vec![text::replace(Span::empty(file, end), format!("{sep}{id}"))])
        }
        None => add_management_block(sources, parsed, svc, id),
    }
}

/// `…_INCLUDE_0_=health` in a manifest → a new `…_INCLUDE_1_=prometheus` entry in the same
/// style (a Kubernetes `env` item, a Compose list item or map entry). Appending to the value
/// would make one element `health,prometheus`, which is not an endpoint id.
fn add_env_item(sources: &SourceSet, prop: &crate::model::spring::Prop, index: usize, id: &str) -> Option<Edit> {
    let base = prop.key.trim_end_matches('_');
    let base = &base[..base.rfind('_')?];
    let trailing = if prop.key.ends_with('_') { "_" } else { "" };
    let name = format!("{base}_{index}{trailing}");
    let f = sources.get(prop.key_span.file);
    let entry = f.slice(prop.key_span);
    let col = text::column(f, prop.key_span.start);
    let line = f.line_text(f.line_col(prop.key_span.start).line);
    let before = &line[..col.min(line.len())];
    let lines = if entry.starts_with("name:") {
        // `- name: X` / `  value: y` (the mapping starts at `name`).
        let dash = before.trim_end().ends_with('-');
        let pad = " ".repeat(col);
        let first = if dash {
            format!("{before}name: {name}")
        } else {
            format!("{pad}name: {name}")
        };
        vec![first, format!("{pad}value: {id}")]
    } else if let Some((_, _)) = entry.split_once('=') {
        vec![format!("{before}{name}={id}")]
    } else {
        vec![format!("{before}{name}: {id}")]
    };
    Some(text::insert_lines_after(sources, prop.value_span, &lines))
}

/// No `include` anywhere: add one that keeps the default (`health`) and adds `id`, because
/// setting `include` replaces the default (semantics §1.2).
fn add_management_block(sources: &SourceSet, parsed: &[Parsed], svc: &Service, id: &str) -> Option<Vec<Edit>> {
    let file = svc.primary_config?;
    // `include=` written empty exposes the defaults, as if unset; fill it in rather than add a
    // second entry below it.
    if let Parsed::Properties(docs) = &parsed[file.0 as usize] {
        let f = sources.get(file);
        if let Some(e) = docs
            .first()
            .and_then(|d| d.entries.iter().rev().find(|e| e.key == INCLUDE))
            .filter(|e| e.value.trim().is_empty() && e.value_span.start == e.key_span.end)
        {
            let key_span = Span::new(file, e.key_span.clone());
            return Some(vec![set_empty_properties_value(f, key_span, &format!("{},{id}", defaults(svc)))]);
        }
    }
    add_property(
        sources,
        parsed,
        file,
        &["management", "endpoints", "web", "exposure", "include"],
        &format!("{},{id}", defaults(svc)),
    )
}

/// What Boot exposes over HTTP when `include` is not set (semantics §1.2).
fn defaults(svc: &Service) -> &'static str {
    if svc.boot_version.at_least(2, 5) {
        "health"
    } else {
        "health,info"
    }
}

/// The value of a `.properties` entry written empty (`key=`, `key =`, `key`), whose value span
/// sits at the key's end: after the separator, or with one.
fn set_empty_properties_value(f: &crate::source::SourceFile, key_span: Span, value: &str) -> Edit {
    let line_end = f.line_range(f.line_col(key_span.end).line).end;
    let rest = &f.text[key_span.end as usize..line_end as usize];
    if rest.contains(['=', ':']) {
        // `key=` → `key=v`, `key = ` → `key = v`, `key =` → `key = v`.
        let space = if rest.starts_with(['=', ':']) || rest.ends_with([' ', '\t']) {
            ""
        } else {
            " "
        };
        text::replace(Span::empty(key_span.file, line_end), format!("{space}{value}"))
    } else {
        text::replace(Span::new(key_span.file, key_span.end..line_end), format!("={value}"))
    }
}

/// Whether a value is a plain (unquoted) scalar inside a YAML flow collection, where a comma
/// ends it.
fn flow_plain(parsed: &[Parsed], span: Span, raw: &str) -> bool {
    if raw.starts_with(['"', '\'']) {
        return false;
    }
    let Some(Parsed::Yaml(docs)) = parsed.get(span.file.0 as usize) else {
        return false;
    };
    fn inside_flow(n: &Node, span: Span) -> bool {
        let children: Vec<&Node> = match &n.kind {
            Kind::Scalar(..) => return false,
            Kind::Seq(items) => items.iter().collect(),
            Kind::Map(entries) => entries.iter().flat_map(|(k, v)| [k, v]).collect(),
        };
        children
            .into_iter()
            .find(|c| c.span.file == span.file && c.span.start <= span.start && span.end <= c.span.end.max(c.span.start + 1))
            .is_some_and(|c| n.flow || inside_flow(c, span))
    }
    docs.iter().any(|d| inside_flow(&d.root, span))
}

/// Replaces the plain scalar `raw` (at `start`) with `value` in double quotes; none when the
/// value holds a quote or a backslash (it would need escapes).
fn quoted_value(file: crate::source::FileId, start: u32, raw: &str, value: &str) -> Option<Edit> {
    if value.contains(['"', '\\']) {
        return None;
    }
    Some(text::replace(
        Span::new(file, start..start + raw.len() as u32),
        format!("\"{value}\""),
    ))
}

/// Adds `path = value` to the first document of a config file, in its own style: a
/// `.properties` line, or keys nested under the deepest existing YAML block mapping.
/// Never into a later document, nor into a first document that only applies to some profile
/// (`spring.config.activate.on-profile`, `spring.profiles`): the value would not apply to the
/// deployments that need it.
pub fn add_property(sources: &SourceSet, parsed: &[Parsed], file: crate::source::FileId, path: &[&str], value: &str) -> Option<Vec<Edit>> {
    let f = sources.get(file);
    match &parsed[file.0 as usize] {
        Parsed::Properties(docs) => {
            if docs
                .first()
                .is_some_and(|d| d.entries.iter().any(|e| PROFILE_KEYS.iter().any(|k| k.join(".") == e.key)))
            {
                return None;
            }
            let line = format!("{}={value}", path.join("."));
            match docs.get(1) {
                Some(second) if second.start > 0 => Some(vec![text::insert_lines_before(
                    sources,
                    Span::empty(file, second.start),
                    &[line, String::new()],
                )]),
                _ => Some(vec![text::append_block(sources, file, &[line])]),
            }
        }
        Parsed::Yaml(docs) => {
            let root = &docs.first()?.root;
            if PROFILE_KEYS.iter().any(|k| has_path(root, k)) {
                return None;
            }
            if !root.is_map() || root.flow {
                return (docs.len() <= 1 && (root.is_null() || docs.is_empty()))
                    .then(|| vec![text::append_block(sources, file, &block(path, value, 0, 2))]);
            }
            // The deepest existing block mapping on the path.
            let mut node: &Node = root;
            let mut depth = 0;
            while depth < path.len() - 1 {
                match node.get(path[depth]) {
                    Some(child) if child.is_map() && !child.flow => {
                        node = child;
                        depth += 1;
                    }
                    Some(_) => return None,
                    None => break,
                }
            }
            if node.get(path[depth]).is_some() {
                return None;
            }
            let unit = indent_unit(sources, root, file);
            let (indent, anchor) = match &node.kind {
                Kind::Map(entries) if depth > 0 => {
                    let first = &entries.first()?.0;
                    (text::column(f, first.span.start), entries.last()?.1.span)
                }
                Kind::Map(entries) => (0, entries.last()?.1.span),
                _ => return None,
            };
            if depth == 0 {
                if docs.len() > 1 {
                    let mut lines = vec![String::new()];
                    lines.extend(block(path, value, 0, unit));
                    return Some(vec![text::insert_lines_after(sources, Span { file, ..anchor }, &lines)]);
                }
                return Some(vec![text::append_block(sources, file, &block(path, value, 0, unit))]);
            }
            let lines = block(&path[depth..], value, indent, unit);
            Some(vec![text::insert_lines_after(sources, Span { file, ..anchor }, &lines)])
        }
        _ => None,
    }
}

/// Keys that make a document apply only when a profile is active.
const PROFILE_KEYS: &[&[&str]] = &[&["spring", "config", "activate", "on-profile"], &["spring", "profiles"]];

/// Whether a YAML mapping sets `path` to a value (not to a mapping: `spring.profiles.active` is
/// no `spring.profiles`), nested or with dotted keys (`spring.profiles: dev`).
fn has_path(node: &Node, path: &[&str]) -> bool {
    if path.is_empty() {
        return !node.is_map();
    }
    node.is_map() && (1..=path.len()).any(|i| node.get(&path[..i].join(".")).is_some_and(|child| has_path(child, &path[i..])))
}

fn block(keys: &[&str], value: &str, indent: usize, unit: usize) -> Vec<String> {
    keys.iter()
        .enumerate()
        .map(|(i, k)| {
            let pad = " ".repeat(indent + i * unit);
            if i + 1 == keys.len() {
                format!("{pad}{k}: {value}")
            } else {
                format!("{pad}{k}:")
            }
        })
        .collect()
}

/// The file's indentation step (2 unless the first nested mapping says otherwise).
fn indent_unit(sources: &SourceSet, root: &Node, file: crate::source::FileId) -> usize {
    let f = sources.get(file);
    for (_, v) in root.as_map() {
        if let Some((k, _)) = v.as_map().first() {
            if !v.flow {
                let c = text::column(f, k.span.start);
                if c > 0 {
                    return c;
                }
            }
        }
    }
    2
}

/// Replaces a scalar value (YAML, properties, a manifest env `value`), keeping its quotes.
pub fn replace_value(sources: &SourceSet, span: Span, value: &str) -> Option<Edit> {
    let raw = sources.text(span);
    if raw.contains('\n') {
        return None;
    }
    let trimmed = raw.trim_end();
    let quoted = trimmed.len() >= 2
        && ((trimmed.starts_with('"') && trimmed.ends_with('"')) || (trimmed.starts_with('\'') && trimmed.ends_with('\'')));
    let end = span.start + trimmed.len() as u32;
    let (start, end) = if quoted { (span.start + 1, end - 1) } else { (span.start, end) };
    let inner = &raw[(start - span.start) as usize..(end - span.start) as usize];
    // `${NAME:default}`: the deployment may set NAME; change only the default, keep the switch.
    if let Some(default_at) = placeholder_default(inner) {
        return Some(text::replace(Span::new(span.file, start + default_at as u32..end - 1), value));
    }
    Some(text::replace(Span::new(span.file, start..end), value))
}

/// Where the default of a value that is exactly one `${NAME:default}` placeholder starts.
fn placeholder_default(inner: &str) -> Option<usize> {
    let body = inner.strip_prefix("${")?.strip_suffix('}')?;
    if body.contains("${") || body.contains('}') {
        return None;
    }
    body.find(':').map(|i| 2 + i + 1)
}

#[cfg(test)]
mod placeholder_tests {
    use super::*;

    /// Issue 18, defect 5: `enabled=${PROMETHEUS_ENABLED:false}` became `enabled=true`,
    /// removing the switch; only the default changes.
    #[test]
    fn a_placeholder_keeps_its_variable_and_changes_its_default() {
        let mut s = SourceSet::new();
        let text = "a=${PROMETHEUS_ENABLED:false}\nb: \"${X:false}\"\nc=false\nd=${X}\n";
        let id = s.add_text("application.properties", text);
        let at = |needle: &str| {
            let i = text.find(needle).unwrap() as u32;
            Span::new(id, i..i + needle.len() as u32)
        };
        let apply = |sp: Span| {
            let e = replace_value(&s, sp, "true").unwrap();
            let mut t = text.to_string();
            t.replace_range(e.span.range(), &e.content);
            t
        };
        assert!(apply(at("${PROMETHEUS_ENABLED:false}")).starts_with("a=${PROMETHEUS_ENABLED:true}\n"));
        assert!(apply(at("\"${X:false}\"")).contains("b: \"${X:true}\"\n"));
        let plain = text.find("c=false").unwrap() as u32 + 2;
        assert!(apply(Span::new(id, plain..plain + 5)).contains("c=true\n"));
        assert!(apply(at("${X}")).contains("d=true\n"));
    }
}

#[cfg(test)]
mod profile_document_tests {
    use super::*;
    use crate::parse::yaml::{parse, Limits};
    use crate::source::FileId;

    fn first_root(text: &str) -> Node {
        parse(text, FileId(0), &Limits::default()).0.remove(0).root
    }

    /// Issue 18, defect 4: a property added to a document that only applies to one profile
    /// does not reach the deployments that need it.
    #[test]
    fn documents_that_apply_only_to_a_profile_are_recognised() {
        let only = |t: &str| PROFILE_KEYS.iter().any(|k| has_path(&first_root(t), k));
        assert!(only("spring:\n  config:\n    activate:\n      on-profile: local\n"));
        assert!(only("spring.config.activate.on-profile: local\n"));
        assert!(only("spring:\n  profiles: dev\n"));
        assert!(only("spring.profiles: [dev, test]\n"));
        assert!(!only("spring:\n  profiles:\n    active: prod\n"));
        assert!(!only("spring.profiles.active: prod\nserver:\n  port: 8080\n"));
        assert!(!only("spring:\n  application:\n    name: x\n"));
    }
}
