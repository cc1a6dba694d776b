//! Reading a service's config files into `ConfigFile`s: location and format precedence,
//! documents, and `spring.config.import`s resolved against the repository (semantics §5.1);
//! Spring config files embedded in ConfigMaps, with spans mapped back into the manifest.

use super::{properties_layer, yaml_layer, ConfigFile, Import, ImportTarget, Layer, Why};
use crate::model::tree::Node;
use crate::parse::{properties, yaml, Parsed};
use crate::source::{FileId, SourceSet, Span};
use std::collections::{BTreeMap, BTreeSet};

const MAX_IMPORT_DEPTH: usize = 8;

/// Repo files by path, for import resolution.
pub struct Index<'a> {
    pub sources: &'a SourceSet,
    pub parsed: &'a [Parsed],
    by_path: BTreeMap<&'a str, FileId>,
    /// Files that did not parse: where, and the parser's message.
    failed: BTreeMap<FileId, (u32, &'a str)>,
}

impl<'a> Index<'a> {
    pub fn new(sources: &'a SourceSet, parsed: &'a [Parsed], failures: &'a [crate::model::ParseError]) -> Index<'a> {
        Index {
            sources,
            parsed,
            by_path: sources.iter().map(|(id, f)| (f.path.as_str(), id)).collect(),
            failed: failures.iter().map(|e| (e.file, (e.offset, e.message.as_str()))).collect(),
        }
    }
    /// Files directly in `dir` whose name satisfies `f`.
    fn in_dir(&self, dir: &str, f: impl Fn(&str) -> bool) -> Vec<(FileId, &'a str)> {
        let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
        self.by_path
            .range::<str, _>((std::ops::Bound::Included(prefix.as_str()), std::ops::Bound::Unbounded))
            .take_while(|(p, _)| p.starts_with(&prefix))
            .filter(|(p, _)| !p[prefix.len()..].contains('/'))
            .filter(|(p, _)| f(&p[prefix.len()..]))
            .map(|(p, id)| (*id, *p))
            .collect()
    }
}

/// (stem, extension rank, is properties) for a config file name.
pub fn name_parts(name: &str) -> Option<(&str, u8, bool)> {
    let (stem, ext) = name.rsplit_once('.')?;
    let rank = match ext {
        "yaml" => 0,
        "yml" => 1,
        "properties" => 2,
        _ => return None,
    };
    Some((stem, rank, ext == "properties"))
}

/// Parses one repo file into documents; `None` when it is not YAML or properties. A file that
/// does not parse ends with a layer that may set anything: what the reader recovered is not
/// what Spring reads (Spring refuses the file), so nothing may be concluded from what it seems
/// not to set — "nothing sets the exposure" would be a guess.
fn layers_of(ix: &Index<'_>, id: FileId, label: &str, as_properties: bool) -> Option<Vec<Layer>> {
    let mut layers = documents_of(ix, id, label, as_properties)?;
    if let Some(&(offset, message)) = ix.failed.get(&id) {
        let f = ix.sources.get(id);
        let at = f.line_col(offset);
        layers.push(Layer::unseen(
            format!("`{label}` (does not parse)"),
            Why::new(
                format!(
                    "`{label}` does not parse ({message}, at {}:{}), so what it sets is unknown",
                    at.line, at.column
                ),
                Some(Span::empty(id, f.clamp(offset))),
            ),
        ));
    }
    Some(layers)
}

fn documents_of(ix: &Index<'_>, id: FileId, label: &str, as_properties: bool) -> Option<Vec<Layer>> {
    Some(match &ix.parsed[id.0 as usize] {
        Parsed::Yaml(docs) => docs
            .iter()
            .enumerate()
            .map(|(i, d)| yaml_layer(d, id, i, label.to_string()))
            .collect(),
        Parsed::Properties(docs) => docs
            .iter()
            .enumerate()
            .map(|(i, d)| properties_layer(d, id, i, label.to_string()))
            .collect(),
        // `.env[.properties]`-style imports of a dotenv file.
        Parsed::EnvFile(entries) if as_properties => {
            let doc = properties::PropDocument {
                entries: entries
                    .iter()
                    .map(|e| properties::PropEntry {
                        key: e.name.clone(),
                        key_span: e.span.start..e.span.start + e.name.len() as u32,
                        value: e.value.clone(),
                        value_span: e.value_span.clone(),
                        line_span: e.span.clone(),
                    })
                    .collect(),
                start: 0,
                separator: None,
            };
            vec![properties_layer(&doc, id, 0, label.to_string())]
        }
        _ => return None,
    })
}

/// A config file of the module, with its imports resolved.
pub fn config_file(
    ix: &Index<'_>,
    module_dir: &str,
    id: FileId,
    location: u8,
    profile: Option<String>,
    bootstrap: bool,
) -> Option<ConfigFile> {
    let path = ix.sources.path(id).to_string();
    let name = path.rsplit('/').next().unwrap_or(&path);
    let (_, ext_rank, props) = name_parts(name)?;
    let mut visiting = BTreeSet::new();
    visiting.insert(path.clone());
    let mut docs = layers_of(ix, id, &path, props)?;
    for d in &mut docs {
        d.imports = imports_of(ix, module_dir, d, 0, &mut visiting);
    }
    Some(ConfigFile {
        file: id,
        path,
        bootstrap,
        location,
        profile,
        ext_rank,
        properties: props,
        docs,
        maybe: None,
    })
}

fn resources(module_dir: &str) -> String {
    if module_dir.is_empty() {
        "src/main/resources".into()
    } else {
        format!("{module_dir}/src/main/resources")
    }
}

fn join(dir: &str, rel: &str) -> Option<String> {
    let full = if dir.is_empty() { rel.to_string() } else { format!("{dir}/{rel}") };
    crate::source::normalize_path(&full)
}

/// The import locations of one document (`spring.config.import`, comma string or list).
pub fn import_locations(l: &Layer) -> Vec<(String, Span)> {
    let items = l.list_items("spring.config.import");
    if !items.is_empty() {
        return items.iter().map(|p| (p.value.trim().to_string(), p.value_span)).collect();
    }
    match l.lookup("spring.config.import") {
        Some(p) => p
            .value
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .map(|s| (s, p.value_span))
            .collect(),
        None => vec![],
    }
}

fn imports_of(ix: &Index<'_>, module_dir: &str, l: &Layer, depth: usize, visiting: &mut BTreeSet<String>) -> Vec<Import> {
    import_locations(l)
        .into_iter()
        .map(|(loc, span)| {
            let optional = loc.starts_with("optional:");
            let bare = loc.trim_start_matches("optional:").trim().to_string();
            let target = resolve(ix, module_dir, &bare, depth, visiting);
            Import {
                location: loc,
                span,
                optional,
                target,
            }
        })
        .collect()
}

/// What one import location names, in the repository.
fn resolve(ix: &Index<'_>, module_dir: &str, loc: &str, depth: usize, visiting: &mut BTreeSet<String>) -> ImportTarget {
    let (scheme, rest) = match loc.split_once(':') {
        // `C:\…` is not a scheme, but no container path looks like that.
        Some((s, r)) if !s.contains('/') && !s.contains('$') => (s.to_ascii_lowercase(), r.to_string()),
        _ => ("file".to_string(), loc.to_string()),
    };
    match scheme.as_str() {
        "configserver" => return ImportTarget::Unseen("a Spring Cloud Config Server".into()),
        "configtree" => return ImportTarget::Unseen("a config tree (files mounted into the container)".into()),
        _ if loc.contains("${") => return ImportTarget::Unseen("a location with a placeholder".into()),
        _ => {}
    }
    let (rest, hint) = match rest.rsplit_once("[.") {
        Some((r, h)) if h.ends_with(']') => (r.to_string(), Some(h.trim_end_matches(']').to_string())),
        _ => (rest, None),
    };
    let path = match scheme.as_str() {
        "classpath" => match join(&resources(module_dir), rest.trim_start_matches('/')) {
            Some(p) => p,
            None => return ImportTarget::Missing,
        },
        "file" if rest.starts_with('/') => return ImportTarget::Missing,
        "file" => match join(module_dir, &rest) {
            Some(p) => p,
            None => return ImportTarget::Missing,
        },
        "configserver" => return ImportTarget::Unseen("a Spring Cloud Config Server".into()),
        "configtree" => return ImportTarget::Unseen("a config tree (files mounted into the container)".into()),
        other => return ImportTarget::Unseen(format!("a `{other}:` source")),
    };
    if depth >= MAX_IMPORT_DEPTH {
        return ImportTarget::Unseen("an import nested too deeply to follow".into());
    }
    let as_props = hint.as_deref() == Some("properties");
    // A directory imports its `application.*` files.
    let (dir, stem, exts): (String, String, Vec<&str>) = if loc.ends_with('/') || rest.ends_with('/') {
        (path.trim_end_matches('/').to_string(), "application".into(), vec![])
    } else {
        let (d, name) = path
            .rsplit_once('/')
            .map_or((String::new(), path.as_str()), |(d, n)| (d.to_string(), n));
        match (name_parts(name), &hint) {
            (Some((stem, _, _)), None) => (d, stem.to_string(), vec![name.rsplit('.').next().unwrap_or("")]),
            (_, Some(_)) => (d, name.to_string(), vec![""]),
            (None, None) => return ImportTarget::Unseen(format!("`{loc}` (a location without a known extension)")),
        }
    };
    let candidates = ix.in_dir(&dir, |n| {
        let (s, e) = if exts == [""] {
            (n, "")
        } else {
            match n.rsplit_once('.') {
                Some((s, e)) => (s, e),
                None => return false,
            }
        };
        let ext_ok = exts.is_empty() && name_parts(n).is_some() || exts.contains(&e);
        ext_ok && (s == stem || s.strip_prefix(&format!("{stem}-")).is_some_and(|p| !p.is_empty()))
    });
    let mut files = Vec::new();
    for (id, p) in candidates {
        if visiting.contains(p) {
            continue;
        }
        let name = p.rsplit('/').next().unwrap_or(p);
        let fstem = if exts == [""] {
            name
        } else {
            name.rsplit_once('.').map_or(name, |(s, _)| s)
        };
        let profile = fstem.strip_prefix(&format!("{stem}-")).map(str::to_string);
        let (ext_rank, props) = name_parts(name).map_or((2, as_props), |(_, r, pr)| (r, pr || as_props));
        let Some(mut docs) = layers_of(ix, id, p, props) else { continue };
        visiting.insert(p.to_string());
        for d in &mut docs {
            d.imports = imports_of(ix, module_dir, d, depth + 1, visiting);
        }
        visiting.remove(p);
        files.push(ConfigFile {
            file: id,
            path: p.to_string(),
            bootstrap: false,
            location: 0,
            profile,
            ext_rank,
            properties: props,
            docs,
            maybe: None,
        });
    }
    if files.iter().all(|f| f.profile.is_some()) {
        return ImportTarget::Missing;
    }
    ImportTarget::Files(files)
}

/// The files a file-based Config Server serves `app` from `dir`: `application.*` (location
/// 0) and `{app}.*` (location 1, above it), each with its `-{profile}` variants. Their own
/// imports are not followed: the server sends properties, not import declarations. `None`
/// when one of them cannot be read (the server would still send it).
pub fn served_files(ix: &Index<'_>, dir: &str, app: &str, served_by: &str) -> Option<Vec<ConfigFile>> {
    let mut out = Vec::new();
    let stems: Vec<(&str, u8)> = if app == "application" {
        vec![("application", 0)]
    } else {
        vec![("application", 0), (app, 1)]
    };
    for (stem, location) in stems {
        let prefix = format!("{stem}-");
        for (id, p) in ix.in_dir(dir, |n| {
            name_parts(n).is_some_and(|(s, _, _)| s == stem || s.strip_prefix(&prefix).is_some_and(|q| !q.is_empty()))
        }) {
            let name = p.rsplit('/').next().unwrap_or(p);
            let Some((fstem, ext_rank, props)) = name_parts(name) else {
                continue;
            };
            let profile = fstem.strip_prefix(&prefix).map(str::to_string);
            // `application-x.yml` is also `{app}-…` when the app is named `application-…`:
            // the longer stem decides.
            if stem == "application" && app != "application" && (fstem == app || fstem.starts_with(&format!("{app}-"))) {
                continue;
            }
            let label = format!("{p} ({served_by})");
            let docs = layers_of(ix, id, &label, props)?;
            out.push(ConfigFile {
                file: id,
                path: p.to_string(),
                bootstrap: false,
                location,
                profile,
                ext_rank,
                properties: props,
                docs,
                maybe: None,
            });
        }
    }
    Some(out)
}

/// A Spring config file carried in a ConfigMap `data` entry, parsed with its spans mapped
/// back into the manifest (exact for literal block scalars, the whole value otherwise). `text`
/// is the text of the value's file; a kustomize `configMapGenerator` entry's value is a whole
/// repository file, whose offsets are its own.
pub fn embedded(text: &str, key: &str, value: &Node, label: &str) -> Option<Vec<Layer>> {
    let (_, _, props) = name_parts(key)?;
    let file = value.file();
    let raw = text.get(value.span.start as usize..value.span.end as usize)?;
    let literal = matches!(value.style(), Some(yaml::Style::Literal));
    let whole_file = value.span.start == 0 && value.span.end as usize == text.len() && value.as_str() == Some(text);
    // (content, map from content offsets to file offsets)
    let (content, starts): (String, Vec<(usize, u32)>) = if whole_file {
        (text.to_string(), vec![(0, 0)])
    } else if literal {
        // The node starts at its first content line, already indented; the block's indent is
        // that column.
        let line_start = text[..value.span.start as usize].rfind('\n').map_or(0, |i| i + 1);
        let indent = value.span.start as usize - line_start;
        let mut content = String::new();
        let mut starts = Vec::new();
        let mut off = value.span.start as usize;
        for (i, line) in raw.split_inclusive('\n').enumerate() {
            let lead = line.len() - line.trim_start_matches(' ').len();
            let skip = if i == 0 { 0 } else { indent.min(lead) };
            if i > 0 && lead < indent && !line.trim().is_empty() {
                break;
            }
            starts.push((content.len(), (off + skip) as u32));
            content.push_str(&line[skip..]);
            off += line.len();
        }
        (content, starts)
    } else {
        (value.as_string().unwrap_or_default(), vec![])
    };
    let whole = value.span.start..value.span.end;
    let map = |o: u32| -> u32 {
        if starts.is_empty() {
            return whole.start;
        }
        let o = o as usize;
        let (c, f) = starts.iter().rev().find(|(c, _)| *c <= o).copied().unwrap_or(starts[0]);
        (f + (o - c) as u32).min(whole.end)
    };
    let map_range = |r: &std::ops::Range<u32>| -> std::ops::Range<u32> {
        if starts.is_empty() {
            whole.clone()
        } else {
            map(r.start)..map(r.end).max(map(r.start))
        }
    };
    let layers = if props {
        let docs = properties::parse(&content);
        docs.iter()
            .enumerate()
            .map(|(i, d)| {
                let mut d = d.clone();
                for e in &mut d.entries {
                    e.key_span = map_range(&e.key_span);
                    e.value_span = map_range(&e.value_span);
                    e.line_span = map_range(&e.line_span);
                }
                properties_layer(&d, file, i, label.to_string())
            })
            .collect()
    } else {
        let (docs, _) = yaml::parse(&content, file, &yaml::Limits::default());
        docs.into_iter()
            .enumerate()
            .map(|(i, mut d)| {
                d.root.map_spans(&|s| Span::new(s.file, map_range(&(s.start..s.end))));
                yaml_layer(&d, file, i, label.to_string())
            })
            .collect()
    };
    Some(layers)
}

/// Why a Config Server is in play, every place that says so: `spring.config.import:
/// configserver:` (in any profile document), then a bootstrap `spring.cloud.config.uri`.
pub fn remote_config(files: &[ConfigFile]) -> Vec<Span> {
    let docs = || files.iter().flat_map(|f| f.docs.iter());
    docs()
        .flat_map(|l| l.imports.iter())
        .filter(|i| matches!(&i.target, ImportTarget::Unseen(w) if w.contains("Config Server")))
        .map(|i| i.span)
        .chain(docs().filter_map(|l| l.lookup("spring.cloud.config.uri").map(|p| p.value_span)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    #[test]
    fn embedded_literal_block_maps_spans_into_the_manifest() {
        let text = "apiVersion: v1\nkind: ConfigMap\ndata:\n  application.yml: |\n    management:\n      endpoints:\n        web:\n          exposure:\n            include: health,prometheus\n  other: x\n";
        let (docs, _) = yaml::parse(text, FileId(0), &yaml::Limits::default());
        let v = docs[0].root.at("data").at("application.yml");
        let layers = embedded(text, "application.yml", v, "cm").expect("parsed");
        let p = layers[0].lookup("management.endpoints.web.exposure.include").expect("include");
        assert_eq!(p.value, "health,prometheus");
        assert_eq!(&text[p.value_span.start as usize..p.value_span.end as usize], "health,prometheus");
    }
}
