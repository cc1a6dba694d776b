//! Kustomize generators: `configMapGenerator` and `secretGenerator` make the objects kustomize
//! would, from `literals`, `envs` files and `files`, before the transformers run. A
//! secretGenerator "works like the configMapGenerator"
//! (https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/secretgenerator/;
//! https://kubernetes.io/docs/tasks/configmap-secret/managing-secret-using-kustomize/); its
//! Secret is written with `stringData`, the plain values the container sees.
//!
//! A Secret whose content cannot all be known (a file not in the repository, an `envs` line
//! whose value comes from the environment of `kustomize build`, a `behavior: merge` into a
//! Secret this build does not have) is not made: a reference to it stays unknown, never a
//! Secret without the keys it would have.

use super::{join, Ctx};
use crate::model::tree::{Kind, Node};
use crate::source::{FileId, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Generated {
    ConfigMap,
    Secret,
}

impl Generated {
    fn key(self) -> &'static str {
        match self {
            Generated::ConfigMap => "configMapGenerator",
            Generated::Secret => "secretGenerator",
        }
    }
}

/// The entries of one generator, and why some cannot be known.
struct Entries {
    data: Vec<(Node, Node)>,
    /// A `files` entry that is not in the repository.
    missing_file: bool,
    /// An `envs` line without `=`: kustomize takes the value from its own environment.
    from_environment: Option<Span>,
}

impl Ctx<'_> {
    /// The objects a generator list adds to `objects` (in place, as kustomize's `behavior`
    /// says: `create`, `replace` or `merge`).
    pub(super) fn generate(&mut self, file: FileId, dir: &str, k: &Node, kind: Generated, objects: &mut Vec<Node>, group: usize) {
        for g in k.at(kind.key()).as_seq() {
            let entries = self.entries(dir, g, kind, group);
            match kind {
                // As before: a ConfigMap with the entries that are known (the missing file
                // is a gap of the build).
                Generated::ConfigMap if entries.from_environment.is_none() => objects.push(object(file, g, kind, entries.data)),
                Generated::ConfigMap => {}
                Generated::Secret => self.secret(file, g, entries, objects, group),
            }
        }
    }

    fn secret(&mut self, file: FileId, g: &Node, entries: Entries, objects: &mut Vec<Node>, group: usize) {
        let name = g.at("name").as_str().unwrap_or("").to_string();
        if let Some(span) = entries.from_environment {
            self.gap(
                group,
                span,
                format!("secretGenerator `{name}` takes a value from the environment of `kustomize build` (an `envs` line without `=`), so the Secret's content is not known"),
            );
            return;
        }
        if entries.missing_file {
            return;
        }
        let same = |o: &Node| o.at("kind").as_str() == Some("Secret") && o.at("metadata").at("name").as_str() == Some(name.as_str());
        match g.at("behavior").as_str() {
            Some("merge") => match objects.iter_mut().rev().find(|o| same(o)) {
                Some(base) => {
                    // The generator's keys over the base's: `stringData` wins over `data` in the
                    // Secret reader.
                    let string_data = base.child_map("stringData");
                    for (key, value) in entries.data {
                        if let Some(k) = key.as_str() {
                            string_data.set(k, value);
                        }
                    }
                }
                None => self.gap(
                    group,
                    g.span,
                    format!(
                        "secretGenerator `{name}` merges into a Secret that is not in this build, so the Secret's content is not known"
                    ),
                ),
            },
            Some("replace") => {
                objects.retain(|o| !same(o));
                objects.push(object(file, g, Generated::Secret, entries.data));
            }
            _ => objects.push(object(file, g, Generated::Secret, entries.data)),
        }
    }

    fn entries(&mut self, dir: &str, g: &Node, kind: Generated, group: usize) -> Entries {
        let mut out = Entries {
            data: Vec::new(),
            missing_file: false,
            from_environment: None,
        };
        for lit in g.at("literals").as_seq() {
            if let Some((key, value)) = lit.as_str().and_then(|s| s.split_once('=')) {
                // A ConfigMap's literal keeps the whole literal as both spans (its findings'
                // labels are unchanged); a Secret's points at the key and at the value.
                let (ks, vs) = match kind {
                    Generated::ConfigMap => (lit.span, lit.span),
                    Generated::Secret => self.pair_spans(lit.span, key, value),
                };
                out.data.push((Node::scalar(key, ks), Node::scalar(value, vs)));
            }
        }
        // kustomize's env file: one `KEY=VALUE` a line, leading blanks trimmed, blank lines and
        // `#` comments skipped, the value verbatim after the first `=`; a line without `=`
        // takes the value from the environment (sigs.k8s.io/kustomize api/kv
        // `KeyValuesFromLine`).
        for e in g.at("envs").as_seq().iter().chain(g.get("env").filter(|e| e.as_str().is_some())) {
            let Some(rel) = e.as_str() else { continue };
            let Some(fid) = join(dir, rel).and_then(|p| self.sources.find(&p)) else {
                self.gap(group, e.span, format!("{} env file `{rel}` is not in the repository", kind.key()));
                out.missing_file = true;
                continue;
            };
            let text = &self.sources.get(fid).text;
            let mut at = 0usize;
            for (n, raw) in text.split_inclusive('\n').enumerate() {
                let start = at;
                at += raw.len();
                let mut line = raw.trim_end_matches(['\n', '\r']);
                let mut off = start;
                if n == 0 {
                    if let Some(rest) = line.strip_prefix('\u{feff}') {
                        off += line.len() - rest.len();
                        line = rest;
                    }
                }
                let trimmed = line.trim_start();
                if trimmed.is_empty() || trimmed.starts_with('#') {
                    continue;
                }
                let off = (off + line.len() - trimmed.len()) as u32;
                let span = |a: usize, b: usize| Span::new(fid, off + a as u32..off + b as u32);
                match trimmed.split_once('=') {
                    Some((key, value)) => out.data.push((
                        Node::scalar(key, span(0, key.len())),
                        Node::scalar(value, span(key.len() + 1, trimmed.len())),
                    )),
                    None => {
                        out.from_environment.get_or_insert(span(0, trimmed.len()));
                    }
                }
            }
        }
        for f in g.at("files").as_seq() {
            let Some(spec) = f.as_str() else { continue };
            let (key, rel) = match spec.split_once('=') {
                Some((k, r)) => (k.to_string(), r.to_string()),
                None => (spec.rsplit('/').next().unwrap_or(spec).to_string(), spec.to_string()),
            };
            match join(dir, &rel).and_then(|p| self.sources.find(&p)) {
                Some(fid) => {
                    let text = &self.sources.get(fid).text;
                    let whole = Span::new(fid, 0..text.len() as u32);
                    out.data.push((Node::scalar(&key, f.span), Node::scalar(text, whole)));
                }
                None => {
                    self.gap(group, f.span, format!("{} file `{rel}` is not in the repository", kind.key()));
                    out.missing_file = true;
                }
            }
        }
        out
    }

    /// Where a literal's key and value are written (`- KEY=value`, plain or quoted); the
    /// whole literal when they cannot be placed.
    fn pair_spans(&self, span: Span, key: &str, value: &str) -> (Span, Span) {
        let written = self.sources.text(span);
        let literal = format!("{key}={value}");
        match written.find(&literal) {
            Some(o) => {
                let s = span.start + o as u32;
                let k = s + key.len() as u32;
                (Span::new(span.file, s..k), Span::new(span.file, k + 1..k + 1 + value.len() as u32))
            }
            None => (span, span),
        }
    }
}

/// The object a generator makes: `data` for a ConfigMap, `stringData` for a Secret.
fn object(file: FileId, g: &Node, kind: Generated, data: Vec<(Node, Node)>) -> Node {
    let span = g.span;
    let mut o = Node {
        kind: Kind::Map(vec![]),
        span,
        flow: false,
    };
    o.set("apiVersion", Node::scalar("v1", span));
    o.set(
        "kind",
        Node::scalar(
            match kind {
                Generated::ConfigMap => "ConfigMap",
                Generated::Secret => "Secret",
            },
            span,
        ),
    );
    let meta = o.child_map("metadata");
    if let Some(n) = g.get("name") {
        meta.set("name", n.clone());
    }
    if let Some(ns) = g.get("namespace") {
        meta.set("namespace", ns.clone());
    }
    o.set(
        match kind {
            Generated::ConfigMap => "data",
            Generated::Secret => "stringData",
        },
        Node {
            kind: Kind::Map(data),
            span,
            flow: false,
        },
    );
    let _ = file;
    o
}

#[cfg(test)]
mod tests {
    fn secrets(files: &[(&str, &str)]) -> Vec<Vec<(String, String)>> {
        let files: Vec<(String, String)> = files.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect();
        let (sources, options) = crate::testing::from_memory(&files).expect("in memory");
        let a = crate::analyze(&sources, &options);
        a.workspace
            .secrets
            .iter()
            .filter(|s| s.origin.group.is_some())
            .map(|s| s.data.iter().map(|e| (e.key.value.clone(), e.value.clone())).collect())
            .collect()
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    const BASE: (&str, &str) = (
        "k8s/base/secret.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {A: base, B: base}\n",
    );

    #[test]
    fn behaviours() {
        let merged = secrets(&[
            BASE,
            ("k8s/base/kustomization.yaml", "resources: [secret.yaml]\n"),
            (
                "k8s/o/kustomization.yaml",
                "resources: [../base]\nsecretGenerator: [{name: s, behavior: merge, literals: [B=over, C=new]}]\n",
            ),
        ]);
        assert_eq!(merged, [pairs(&[("A", "base"), ("B", "over"), ("C", "new")])]);
        let replaced = secrets(&[
            BASE,
            ("k8s/base/kustomization.yaml", "resources: [secret.yaml]\n"),
            (
                "k8s/o/kustomization.yaml",
                "resources: [../base]\nsecretGenerator: [{name: s, behavior: replace, literals: [C=new]}]\n",
            ),
        ]);
        assert_eq!(replaced, [pairs(&[("C", "new")])]);
        // Nothing to merge into, an env file that is not there, a value from the environment:
        // no Secret, so what refers to it stays unknown.
        for k in [
            "secretGenerator: [{name: s, behavior: merge, literals: [C=new]}]\n",
            "secretGenerator: [{name: s, envs: [missing.env], literals: [C=new]}]\n",
            "secretGenerator: [{name: s, envs: [e.env]}]\n",
        ] {
            let none = secrets(&[("k8s/o/kustomization.yaml", k), ("k8s/o/e.env", "\u{feff}# c\n\n  C=new\nD\n")]);
            assert_eq!(none, Vec::<Vec<(String, String)>>::new(), "{k}");
        }
        let env = secrets(&[
            (
                "k8s/o/kustomization.yaml",
                "secretGenerator: [{name: s, envs: [e.env], files: [k=f.txt]}]\n",
            ),
            ("k8s/o/e.env", "\u{feff}# c\n\n  C=a=b \nE=\n"),
            ("k8s/o/f.txt", "x"),
        ]);
        assert_eq!(env, [pairs(&[("C", "a=b "), ("E", ""), ("k", "x")])]);
    }
}
