//! Operations on the file-aware YAML tree (`parse::yaml::Node`) that the model
//! needs beyond reading: strategic-merge and JSON patches (kustomize), building objects, and
//! YAML embedded in a block scalar (`prometheus.yml: |` in a ConfigMap) with spans mapped back
//! into the enclosing file. The parser builds this tree directly, so nothing is converted.
//!
//! All walks here are recursive over trees the parser already bounded (`Limits::max_depth`);
//! `MAX_DEPTH` bounds them again in case a merge ever builds something deeper.

use crate::parse::yaml::Style;
pub use crate::parse::yaml::{Kind, Node};
use crate::source::{FileId, Span, Spanned};

const MAX_DEPTH: usize = 256;

impl Node {
    pub fn null(span: Span) -> Node {
        Node {
            kind: Kind::Scalar(Default::default(), Style::Plain),
            span,
            flow: false,
        }
    }

    pub fn scalar(value: &str, span: Span) -> Node {
        Node {
            kind: Kind::Scalar(value.into(), Style::DoubleQuoted),
            span,
            flow: false,
        }
    }

    pub fn file(&self) -> FileId {
        self.span.file
    }
    /// A plain (unquoted) scalar: YAML reads `true`, `8080` as bool / int, not string.
    pub fn is_plain(&self) -> bool {
        self.style() == Some(Style::Plain)
    }
    pub fn is_scalar(&self) -> bool {
        matches!(self.kind, Kind::Scalar(..))
    }
    pub fn spanned_string(&self) -> Option<Spanned<String>> {
        self.as_string().map(|v| Spanned::new(v, self.span))
    }
    /// The span of `key: value` (key start to value end), for edits that move or delete it.
    pub fn entry_span(&self, key: &str) -> Option<Span> {
        self.entry(key)
            .map(|(k, v)| Span::new(k.span.file, k.span.start..v.span.end.max(k.span.end)))
    }
    /// A strings list, also accepting a single scalar.
    pub fn strings(&self) -> Vec<Spanned<String>> {
        if let Some(s) = self.spanned_string() {
            return vec![s];
        }
        self.as_seq().iter().filter_map(|n| n.spanned_string()).collect()
    }

    fn map_mut(&mut self) -> Option<&mut Vec<(Node, Node)>> {
        match &mut self.kind {
            Kind::Map(v) => Some(v),
            _ => None,
        }
    }
    fn seq_mut(&mut self) -> Option<&mut Vec<Node>> {
        match &mut self.kind {
            Kind::Seq(v) => Some(v),
            _ => None,
        }
    }
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.map_mut()?
            .iter_mut()
            .rev()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }
    /// Sets `key` (replacing the last entry with that key, or appending one).
    pub fn set(&mut self, key: &str, value: Node) {
        let span = value.span;
        if let Some(v) = self.get_mut(key) {
            *v = value;
            return;
        }
        if self.is_null() {
            *self = Node {
                kind: Kind::Map(vec![]),
                span: self.span,
                flow: false,
            };
        }
        if let Some(m) = self.map_mut() {
            m.push((Node::scalar(key, span), value));
        }
    }
    pub fn remove(&mut self, key: &str) {
        if let Some(m) = self.map_mut() {
            m.retain(|(k, _)| k.as_str() != Some(key));
        }
    }
    /// A mutable child map, created when absent.
    pub fn child_map(&mut self, key: &str) -> &mut Node {
        let span = self.span;
        if !self.get(key).is_some_and(|n| n.is_map()) {
            self.set(
                key,
                Node {
                    kind: Kind::Map(vec![]),
                    span,
                    flow: false,
                },
            );
        }
        self.get_mut(key).expect("just set")
    }
}

/// The merge key of a strategic-merge-patch list, by field name (Kubernetes `patchMergeKey`).
fn merge_key(field: &str, items: &[Node]) -> Option<&'static str> {
    match field {
        "containers" | "initContainers" | "ephemeralContainers" | "volumes" | "env" | "imagePullSecrets" => Some("name"),
        "volumeMounts" => Some("mountPath"),
        // Container ports merge on `containerPort`, Service ports on `port`.
        "ports" if items.iter().any(|i| i.get("containerPort").is_some()) => Some("containerPort"),
        "ports" => Some("port"),
        _ => None,
    }
}

/// Strategic merge patch (the subset kustomize users write): maps merge, `key: null` deletes,
/// lists with a known merge key merge by it (`$patch: delete` removes an item), other lists
/// and scalars are replaced; `$patch: replace` replaces a map wholesale.
pub fn strategic_merge(base: &Node, patch: &Node) -> Node {
    merge_at(base, patch, "", 0)
}

fn merge_at(base: &Node, patch: &Node, field: &str, depth: usize) -> Node {
    if depth > MAX_DEPTH {
        return patch.clone();
    }
    match (&base.kind, &patch.kind) {
        (Kind::Map(_), Kind::Map(pentries)) => {
            if patch.get("$patch").and_then(|p| p.as_str()) == Some("replace") {
                let mut p = patch.clone();
                p.remove("$patch");
                return p;
            }
            let mut out = base.clone();
            for (k, v) in pentries {
                let Some(key) = k.as_str() else { continue };
                if key.starts_with("$setElementOrder") || key == "$patch" || key.starts_with("$deleteFromPrimitiveList") {
                    continue;
                }
                if v.is_null() {
                    out.remove(key);
                    continue;
                }
                let merged = match base.get(key) {
                    Some(b) => merge_at(b, v, key, depth + 1),
                    None => v.clone(),
                };
                out.set(key, merged);
                // The key now points at the patch, so edits land where the value was written.
                if let Some(m) = out.map_mut() {
                    if let Some(e) = m.iter_mut().rev().find(|(kk, _)| kk.as_str() == Some(key)) {
                        e.0.span = k.span;
                    }
                }
            }
            out
        }
        (Kind::Seq(bitems), Kind::Seq(pitems)) => {
            let Some(mk) = merge_key(field, bitems).or_else(|| merge_key(field, pitems)) else {
                return patch.clone();
            };
            let mut out: Vec<Node> = bitems.clone();
            for p in pitems {
                let key = p.get(mk).and_then(|k| k.as_str()).map(str::to_string);
                let pos = key
                    .as_deref()
                    .and_then(|kv| out.iter().position(|b| b.get(mk).and_then(|x| x.as_str()) == Some(kv)));
                let delete = p.get("$patch").and_then(|x| x.as_str()) == Some("delete");
                match (pos, delete) {
                    (Some(i), true) => {
                        out.remove(i);
                    }
                    (Some(i), false) => out[i] = merge_at(&out[i], p, "", depth + 1),
                    (None, false) => out.push(p.clone()),
                    (None, true) => {}
                }
            }
            Node {
                kind: Kind::Seq(out),
                span: base.span,
                flow: base.flow,
            }
        }
        _ => patch.clone(),
    }
}

/// Why a JSON patch could not be applied.
#[derive(Debug)]
pub struct PatchError(pub String);

fn pointer(path: &str) -> Result<Vec<String>, PatchError> {
    let Some(rest) = path.strip_prefix('/') else {
        return Err(PatchError(format!("path `{path}` does not start with `/`")));
    };
    Ok(rest.split('/').map(|s| s.replace("~1", "/").replace("~0", "~")).collect())
}

/// RFC 6902 `add`, `replace` and `remove` (what kustomize `patchesJson6902` users write);
/// `move`, `copy`, `test` are reported as not understood.
pub fn json_patch(doc: &mut Node, ops: &Node) -> Result<(), PatchError> {
    for op in ops.as_seq() {
        let kind = op.at("op").as_str().unwrap_or("");
        let path = pointer(op.at("path").as_str().unwrap_or(""))?;
        let Some((last, parents)) = path.split_last() else {
            return Err(PatchError("empty path".into()));
        };
        let mut node: &mut Node = doc;
        for seg in parents {
            node = match &node.kind {
                Kind::Map(_) => node.get_mut(seg).ok_or_else(|| PatchError(format!("`{seg}` does not exist")))?,
                Kind::Seq(_) => {
                    let i: usize = seg.parse().map_err(|_| PatchError(format!("`{seg}` is not a list index")))?;
                    node.seq_mut()
                        .and_then(|v| v.get_mut(i))
                        .ok_or_else(|| PatchError(format!("index {i} is out of range")))?
                }
                Kind::Scalar(..) => return Err(PatchError(format!("`{seg}` is inside a scalar"))),
            };
        }
        let value = op.get("value").cloned();
        match (kind, &mut node.kind) {
            ("add" | "replace", Kind::Map(_)) => {
                let v = value.ok_or_else(|| PatchError("no `value`".into()))?;
                if kind == "replace" && node.get(last).is_none() {
                    return Err(PatchError(format!("`{last}` does not exist")));
                }
                node.set(last, v);
            }
            ("add" | "replace", Kind::Seq(items)) => {
                let v = value.ok_or_else(|| PatchError("no `value`".into()))?;
                if last == "-" && kind == "add" {
                    items.push(v);
                } else {
                    let i: usize = last.parse().map_err(|_| PatchError(format!("`{last}` is not a list index")))?;
                    match kind {
                        "add" if i <= items.len() => items.insert(i, v),
                        "replace" if i < items.len() => items[i] = v,
                        _ => return Err(PatchError(format!("index {i} is out of range"))),
                    }
                }
            }
            ("remove", Kind::Map(_)) => node.remove(last),
            ("remove", Kind::Seq(items)) => {
                let i: usize = last.parse().map_err(|_| PatchError(format!("`{last}` is not a list index")))?;
                if i < items.len() {
                    items.remove(i);
                }
            }
            (other, _) => {
                return Err(PatchError(format!(
                    "operation `{other}` at `{}`",
                    op.at("path").as_str().unwrap_or("")
                )))
            }
        }
    }
    Ok(())
}

/// Parses YAML written inside a block scalar (`prometheus.yml: |` in a ConfigMap) so that its
/// spans point into the enclosing file. Only literal/folded block scalars map line by line;
/// other styles map every node onto the scalar itself.
pub fn embedded_documents(value: &Node, file_text: &str, limits: &crate::parse::yaml::Limits) -> Option<Vec<Node>> {
    let text = value.as_str()?;
    let file = value.file();
    let (docs, err) = crate::parse::yaml::parse(text, file, limits);
    if err.is_some() && docs.is_empty() {
        return None;
    }
    let block = matches!(value.style(), Some(Style::Literal));
    // The scalar's span starts at its first content character; every content line has the
    // same indentation.
    let start = (value.span.start as usize).min(file_text.len());
    let mut line_starts = Vec::new();
    if block && file_text.is_char_boundary(start) {
        let cs = file_text[..start].rfind('\n').map_or(0, |i| i + 1);
        let indent = start - cs;
        let mut at = cs;
        for _ in text.split('\n') {
            line_starts.push(at + indent);
            match file_text.get(at..).and_then(|r| r.find('\n')) {
                Some(i) => at += i + 1,
                None => at = file_text.len(),
            }
        }
    }
    let text_starts: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let fallback = value.span.start;
    let map = move |o: u32| -> u32 {
        if line_starts.is_empty() {
            return fallback;
        }
        let o = o as usize;
        let line = match text_starts.binary_search(&o) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let col = o - text_starts[line];
        line_starts.get(line).map_or(fallback, |s| (s + col).min(file_text.len()) as u32)
    };
    Some(
        docs.into_iter()
            .map(|d| {
                let mut root = d.root;
                root.map_spans(&|s| Span::new(file, map(s.start)..map(s.end)));
                root
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml::{parse, Limits};

    fn tree(text: &str, file: u32) -> Node {
        let (docs, err) = parse(text, FileId(file), &Limits::default());
        assert!(err.is_none(), "{err:?}");
        docs.into_iter().next().unwrap().root
    }

    #[test]
    fn strategic_merge_by_merge_keys() {
        let base = tree(
            "spec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: app:1\n          ports:\n            - containerPort: 8080\n              name: http\n        - name: sidecar\n          image: s:1\n",
            0,
        );
        let patch = tree(
            "spec:\n  template:\n    spec:\n      containers:\n        - name: app\n          ports:\n            - containerPort: 8080\n              name: metrics\n            - containerPort: 9090\n",
            1,
        );
        let m = strategic_merge(&base, &patch);
        let cs = m.path(&["spec", "template", "spec", "containers"]).unwrap().as_seq();
        assert_eq!(cs.len(), 2);
        assert_eq!(cs[0].at("image").as_str(), Some("app:1"));
        let ports = cs[0].at("ports").as_seq();
        assert_eq!(ports.len(), 2);
        assert_eq!(ports[0].at("name").as_str(), Some("metrics"));
        assert_eq!(ports[0].at("name").file(), FileId(1));
        assert_eq!(cs[0].at("image").file(), FileId(0));
    }

    #[test]
    fn json_patch_ops() {
        let mut doc = tree("spec:\n  ports:\n    - port: 80\n      targetPort: 8080\n", 0);
        let ops = tree(
            "- op: replace\n  path: /spec/ports/0/targetPort\n  value: 9090\n- op: add\n  path: /spec/ports/-\n  value: {port: 81}\n",
            1,
        );
        json_patch(&mut doc, &ops).unwrap();
        let ports = doc.at("spec").at("ports").as_seq();
        assert_eq!(ports[0].at("targetPort").as_i64(), Some(9090));
        assert_eq!(ports.len(), 2);
        let bad = tree("- op: move\n  from: /a\n  path: /b\n", 1);
        assert!(json_patch(&mut doc, &bad).is_err());
    }

    #[test]
    fn embedded_yaml_maps_into_the_file() {
        let text = "data:\n  prometheus.yml: |\n    scrape_configs:\n      - job_name: app\n        metrics_path: /x\n";
        let root = tree(text, 0);
        let v = root.at("data").at("prometheus.yml");
        let docs = embedded_documents(v, text, &Limits::default()).unwrap();
        let job = &docs[0].at("scrape_configs").as_seq()[0];
        let mp = job.at("metrics_path");
        assert_eq!(&text[mp.span.range()], "/x");
        let jn = job.at("job_name");
        assert_eq!(&text[jn.span.range()], "app");
    }
}
