//! Kustomize, the part teams write by hand: `resources` (files and directories), `namespace`,
//! `commonLabels`/`labels`, `commonAnnotations`, `namePrefix`/`nameSuffix`, `images`,
//! `configMapGenerator`/`secretGenerator` (`generators`), and patches (strategic merge and RFC 6902) that change ports, paths,
//! env or probes. Each top-level kustomization (one no other kustomization includes, usually an
//! overlay) is rendered in memory into its own group of objects; every value keeps the span of
//! the file that wrote it (base, patch or kustomization).
//!
//! Remote bases, generators/transformers plugins, `replacements`, `vars`, `helmCharts` and
//! anything else not understood become an analysis gap for that build: never a crash, never a
//! guess.

mod generators;

use super::tree::{embedded_documents, json_patch, strategic_merge, Kind, Node};
use crate::parse::yaml::Limits;
use crate::parse::Parsed;
use crate::source::{FileId, SourceSet, Span};
use std::collections::{BTreeMap, BTreeSet};

/// Deepest chain of bases followed; real overlays are 2–4 deep.
const MAX_DEPTH: usize = 16;

pub fn is_kustomization(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    matches!(name, "kustomization.yaml" | "kustomization.yml")
}

/// Something a build could not do.
#[derive(Clone, Debug)]
pub struct KGap {
    pub message: String,
    pub span: Span,
    pub group: usize,
}

/// One rendered top-level kustomization.
#[derive(Clone, Debug)]
pub struct Build {
    /// The kustomization file.
    pub file: FileId,
    pub dir: String,
    pub objects: Vec<Node>,
    /// Something in it was not understood: the objects may be incomplete.
    pub incomplete: bool,
}

#[derive(Default, Debug)]
pub struct Output {
    pub builds: Vec<Build>,
    pub gaps: Vec<KGap>,
    /// Files read through a kustomization (resources, patches): not plain manifests.
    pub consumed: BTreeSet<FileId>,
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

fn join(dir: &str, rel: &str) -> Option<String> {
    let joined = if dir.is_empty() { rel.to_string() } else { format!("{dir}/{rel}") };
    crate::source::normalize_path(&joined)
}

fn is_remote(entry: &str) -> bool {
    entry.contains("://")
        || entry.starts_with("github.com/")
        || entry.starts_with("git@")
        || entry.contains("?ref=")
        || entry.starts_with("git::")
}

struct Ctx<'a> {
    sources: &'a SourceSet,
    parsed: &'a [Parsed],
    limits: &'a Limits,
    /// dir → kustomization file
    by_dir: BTreeMap<String, FileId>,
    out: Output,
}

impl<'a> Ctx<'a> {
    fn root_of(&self, file: FileId) -> Option<&'a Node> {
        let parsed: &'a [Parsed] = self.parsed;
        parsed[file.0 as usize].yaml_roots().next()
    }

    /// Owned copies: a build patches them.
    fn docs_of(&self, file: FileId) -> Vec<Node> {
        self.parsed[file.0 as usize].yaml_roots().cloned().collect()
    }

    fn gap(&mut self, group: usize, span: Span, message: String) {
        self.out.gaps.push(KGap { message, span, group });
    }

    /// Patch documents from `path:` (a file) or `patch:` (inline string).
    fn patch_docs(&mut self, k: FileId, dir: &str, entry: &Node, group: usize) -> Option<Vec<Node>> {
        if let Some(inline) = entry.get("patch").filter(|p| p.as_str().is_some()) {
            let text = &self.sources.get(k).text;
            return embedded_documents(inline, text, self.limits);
        }
        let path_node = if entry.is_scalar() { entry } else { entry.get("path")? };
        let rel = path_node.as_str()?;
        // An inline SMP written as a string in patchesStrategicMerge.
        if rel.contains('\n') {
            let text = &self.sources.get(k).text;
            return embedded_documents(path_node, text, self.limits);
        }
        match join(dir, rel).and_then(|p| self.sources.find(&p)) {
            Some(f) => {
                self.out.consumed.insert(f);
                Some(self.docs_of(f))
            }
            None => {
                self.gap(group, path_node.span, format!("patch file `{rel}` is not in the repository"));
                None
            }
        }
    }

    /// Renders the kustomization in `file`; `stack` detects cycles.
    fn render(&mut self, file: FileId, group: usize, stack: &mut Vec<FileId>) -> (Vec<Node>, bool) {
        let Some(k) = self.root_of(file) else {
            return (vec![], true);
        };
        let path = self.sources.path(file).to_string();
        let dir = dir_of(&path).to_string();
        let mut incomplete = false;
        let mut objects: Vec<Node> = Vec::new();
        let mut entries: Vec<&Node> = Vec::new();
        for key in ["resources", "bases"] {
            entries.extend(k.at(key).as_seq());
        }
        for e in entries {
            let Some(rel) = e.as_str() else { continue };
            if is_remote(rel) {
                self.gap(
                    group,
                    e.span,
                    format!("remote base `{rel}` cannot be read, so the objects it brings are unknown"),
                );
                incomplete = true;
                continue;
            }
            let Some(target) = join(&dir, rel) else {
                self.gap(group, e.span, format!("resource `{rel}` points outside the repository"));
                incomplete = true;
                continue;
            };
            if let Some(&sub) = self.by_dir.get(&target) {
                if stack.contains(&sub) || stack.len() >= MAX_DEPTH {
                    self.gap(group, e.span, format!("resource `{rel}` includes itself (or nests too deep)"));
                    incomplete = true;
                    continue;
                }
                stack.push(sub);
                let (objs, inc) = self.render(sub, group, stack);
                stack.pop();
                objects.extend(objs);
                incomplete |= inc;
            } else if let Some(f) = self.sources.find(&target) {
                self.out.consumed.insert(f);
                objects.extend(self.docs_of(f).into_iter().filter(super::kube::is_object));
            } else {
                let in_dir = self.sources.iter().any(|(_, f)| f.path.starts_with(&format!("{target}/")));
                let msg = if in_dir {
                    format!("resource directory `{rel}` has no kustomization.yaml the linter can read")
                } else {
                    format!("resource `{rel}` is not in the repository")
                };
                self.gap(group, e.span, msg);
                incomplete = true;
            }
        }
        // Components: their resources join, their patches apply to everything so far.
        let mut component_patches: Vec<(FileId, String, Node)> = Vec::new();
        for c in k.at("components").as_seq() {
            let Some(rel) = c.as_str() else { continue };
            match join(&dir, rel).and_then(|t| self.by_dir.get(&t).copied()) {
                Some(sub) if !stack.contains(&sub) && !is_remote(rel) => {
                    if let Some(ck) = self.root_of(sub) {
                        for key in ["patches", "patchesStrategicMerge", "patchesJson6902"] {
                            for p in ck.at(key).as_seq() {
                                let cdir = dir_of(self.sources.path(sub)).to_string();
                                let mut tagged = p.clone();
                                tagged.set("$kind", Node::scalar(key, p.span));
                                component_patches.push((sub, cdir, tagged));
                            }
                        }
                        let mut only_resources = ck.clone();
                        for key in ["patches", "patchesStrategicMerge", "patchesJson6902"] {
                            only_resources.remove(key);
                        }
                        stack.push(sub);
                        let (objs, inc) = self.render_node(sub, &only_resources, group, stack);
                        stack.pop();
                        objects.extend(objs);
                        incomplete |= inc;
                    }
                }
                _ => {
                    self.gap(group, c.span, format!("component `{rel}` cannot be read"));
                    incomplete = true;
                }
            }
        }
        let (objs, inc) = self.transform(file, &dir, k, objects, group, component_patches);
        (objs, incomplete || inc)
    }

    /// `render` for an already-read (possibly edited) kustomization node.
    fn render_node(&mut self, file: FileId, k: &Node, group: usize, stack: &mut Vec<FileId>) -> (Vec<Node>, bool) {
        let dir = dir_of(self.sources.path(file)).to_string();
        let mut objects = Vec::new();
        let mut incomplete = false;
        for e in k.at("resources").as_seq() {
            let Some(rel) = e.as_str() else { continue };
            match join(&dir, rel) {
                Some(t) if !is_remote(rel) => {
                    if let Some(&sub) = self.by_dir.get(&t) {
                        if !stack.contains(&sub) && stack.len() < MAX_DEPTH {
                            stack.push(sub);
                            let (o, i) = self.render(sub, group, stack);
                            stack.pop();
                            objects.extend(o);
                            incomplete |= i;
                        }
                    } else if let Some(f) = self.sources.find(&t) {
                        self.out.consumed.insert(f);
                        objects.extend(self.docs_of(f).into_iter().filter(super::kube::is_object));
                    }
                }
                _ => {
                    self.gap(group, e.span, format!("resource `{rel}` cannot be read"));
                    incomplete = true;
                }
            }
        }
        let (o, i) = self.transform(file, &dir, k, objects, group, vec![]);
        (o, incomplete || i)
    }

    #[allow(clippy::too_many_arguments)]
    fn transform(
        &mut self,
        file: FileId,
        dir: &str,
        k: &Node,
        mut objects: Vec<Node>,
        group: usize,
        component_patches: Vec<(FileId, String, Node)>,
    ) -> (Vec<Node>, bool) {
        let mut incomplete = false;
        const KNOWN: &[&str] = &[
            "apiVersion",
            "kind",
            "metadata",
            "resources",
            "bases",
            "components",
            "namespace",
            "namePrefix",
            "nameSuffix",
            "commonLabels",
            "labels",
            "commonAnnotations",
            "images",
            "configMapGenerator",
            "secretGenerator",
            "generatorOptions",
            "patches",
            "patchesStrategicMerge",
            "patchesJson6902",
            "replicas",
            "buildMetadata",
            "sortOptions",
            "openapi",
            "crds",
        ];
        for (key, _) in k.as_map() {
            let Some(name) = key.as_str() else { continue };
            if !KNOWN.contains(&name) {
                self.gap(
                    group,
                    key.span,
                    format!("kustomize `{name}` is not understood by the linter, so the objects it changes may differ from the files"),
                );
                incomplete = true;
            }
        }
        // Generators add objects before the transformers run.
        self.generate(file, dir, k, generators::Generated::ConfigMap, &mut objects, group);
        self.generate(file, dir, k, generators::Generated::Secret, &mut objects, group);
        // Patches (strategic merge and RFC 6902), in the order kustomize applies them.
        let mut patch_entries: Vec<(FileId, String, Node)> = Vec::new();
        for key in ["patchesStrategicMerge", "patches", "patchesJson6902"] {
            for p in k.at(key).as_seq() {
                let mut tagged = p.clone();
                if tagged.is_scalar() {
                    tagged = Node {
                        kind: Kind::Map(vec![(Node::scalar("path", p.span), p.clone())]),
                        span: p.span,
                        flow: false,
                    };
                }
                tagged.set("$kind", Node::scalar(key, p.span));
                patch_entries.push((file, dir.to_string(), tagged));
            }
        }
        patch_entries.extend(component_patches);
        for (pfile, pdir, entry) in patch_entries {
            if !self.apply_patch(pfile, &pdir, &entry, &mut objects, group) {
                incomplete = true;
            }
        }
        if let Some(ns) = k.get("namespace").filter(|n| n.as_str().is_some()) {
            for o in objects.iter_mut() {
                if !cluster_scoped(o.at("kind").as_str().unwrap_or("")) {
                    o.child_map("metadata").set("namespace", ns.clone());
                }
            }
        }
        let prefix = k.at("namePrefix").as_str().unwrap_or("").to_string();
        let suffix = k.at("nameSuffix").as_str().unwrap_or("").to_string();
        if !prefix.is_empty() || !suffix.is_empty() {
            for o in objects.iter_mut() {
                if o.at("kind").as_str() == Some("Namespace") {
                    continue;
                }
                let meta = o.child_map("metadata");
                if let Some(n) = meta.get("name").cloned() {
                    if let Some(v) = n.as_str() {
                        meta.set(
                            "name",
                            Node {
                                kind: Kind::Scalar(format!("{prefix}{v}{suffix}").into(), crate::parse::yaml::Style::Plain),
                                ..n.clone()
                            },
                        );
                    }
                }
            }
        }
        // commonLabels go into selectors too; `labels` only when asked.
        // (pairs, into selectors, into pod templates)
        type LabelSet = (Vec<(Node, Node)>, bool, bool);
        let mut label_sets: Vec<LabelSet> = Vec::new();
        if let Some(cl) = k.get("commonLabels").filter(|c| c.is_map()) {
            label_sets.push((cl.as_map().to_vec(), true, true));
        }
        for l in k.at("labels").as_seq() {
            let sel = l.at("includeSelectors").as_bool() == Some(true);
            let tmpl = sel || l.at("includeTemplates").as_bool() == Some(true);
            label_sets.push((l.at("pairs").as_map().to_vec(), sel, tmpl));
        }
        for (pairs, selectors, templates) in &label_sets {
            for o in objects.iter_mut() {
                add_labels(o, pairs, *selectors, *templates);
            }
        }
        if let Some(ca) = k.get("commonAnnotations").filter(|c| c.is_map()) {
            for o in objects.iter_mut() {
                for (key, v) in ca.as_map() {
                    let Some(kk) = key.as_str() else { continue };
                    o.child_map("metadata").child_map("annotations").set(kk, v.clone());
                    if let Some(t) = template_mut(o) {
                        t.child_map("metadata").child_map("annotations").set(kk, v.clone());
                    }
                }
            }
        }
        for img in k.at("images").as_seq() {
            let Some(name) = img.at("name").as_str() else { continue };
            for o in objects.iter_mut() {
                set_images(o, name, img);
            }
        }
        (objects, incomplete)
    }

    /// Applies one patch entry; false when it could not be understood.
    fn apply_patch(&mut self, file: FileId, dir: &str, entry: &Node, objects: &mut [Node], group: usize) -> bool {
        let Some(docs) = self.patch_docs(file, dir, entry, group) else {
            return false;
        };
        let target = entry.get("target");
        for doc in docs {
            if doc.is_seq() {
                // RFC 6902: needs a target.
                let Some(t) = target else {
                    self.gap(group, entry.span, "a JSON 6902 patch without `target` cannot be applied".into());
                    return false;
                };
                let mut hit = false;
                for o in objects.iter_mut().filter(|o| matches_target(o, t)) {
                    hit = true;
                    if let Err(e) = json_patch(o, &doc) {
                        self.gap(group, doc.span, format!("JSON 6902 patch not applied: {}", e.0));
                        return false;
                    }
                }
                if !hit {
                    self.gap(group, t.span, "the patch target matches no object of this build".into());
                    return false;
                }
            } else if doc.is_map() {
                let mut hit = false;
                for o in objects.iter_mut() {
                    let ok = match target {
                        Some(t) => matches_target(o, t),
                        None => same_object(o, &doc),
                    };
                    if ok {
                        hit = true;
                        let mut patch = doc.clone();
                        if target.is_some() {
                            // A targeted SMP's own name/kind do not rename the target.
                            patch.remove("kind");
                            patch.remove("apiVersion");
                            if let Some(m) = patch.get_mut("metadata") {
                                m.remove("name");
                                m.remove("namespace");
                            }
                        }
                        *o = strategic_merge(o, &patch);
                    }
                }
                if !hit {
                    let span = target.map_or(doc.span, |t| t.span);
                    self.gap(group, span, "the patch matches no object of this build".into());
                    return false;
                }
            }
        }
        true
    }
}

fn cluster_scoped(kind: &str) -> bool {
    matches!(
        kind,
        "Namespace"
            | "ClusterRole"
            | "ClusterRoleBinding"
            | "CustomResourceDefinition"
            | "PersistentVolume"
            | "StorageClass"
            | "PriorityClass"
            | "ValidatingWebhookConfiguration"
            | "MutatingWebhookConfiguration"
            | "APIService"
            | "Node"
    )
}

fn same_object(o: &Node, patch: &Node) -> bool {
    o.at("kind").as_str() == patch.at("kind").as_str() && o.at("metadata").at("name").as_str() == patch.at("metadata").at("name").as_str()
}

/// kustomize patch `target`: kind, name (a regex), namespace, labelSelector.
fn matches_target(o: &Node, t: &Node) -> bool {
    let anchored = |pat: &str, v: &str| {
        regex::Regex::new(&format!("^(?:{pat})$"))
            .map(|r| r.is_match(v))
            .unwrap_or(pat == v)
    };
    let meta = o.at("metadata");
    if let Some(kind) = t.at("kind").as_str() {
        if !anchored(kind, o.at("kind").as_str().unwrap_or("")) {
            return false;
        }
    }
    if let Some(name) = t.at("name").as_str() {
        if !anchored(name, meta.at("name").as_str().unwrap_or("")) {
            return false;
        }
    }
    if let Some(ns) = t.at("namespace").as_str() {
        if meta.at("namespace").as_str().unwrap_or("default") != ns {
            return false;
        }
    }
    if let Some(sel) = t.at("labelSelector").as_str() {
        let labels = meta.at("labels").string_map();
        for req in sel.split(',') {
            let ok = match req.split_once('=') {
                Some((k, v)) => labels.iter().any(|(lk, lv)| lk == k.trim() && lv == v.trim()),
                None => labels.iter().any(|(lk, _)| lk == req.trim()),
            };
            if !ok {
                return false;
            }
        }
    }
    true
}

fn template_mut(o: &mut Node) -> Option<&mut Node> {
    let kind = o.at("kind").as_str().unwrap_or("").to_string();
    let spec = o.get_mut("spec")?;
    match kind.as_str() {
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" | "ReplicationController" | "Rollout" => spec.get_mut("template"),
        "CronJob" => spec.get_mut("jobTemplate")?.get_mut("spec")?.get_mut("template"),
        _ => None,
    }
}

fn add_labels(o: &mut Node, pairs: &[(Node, Node)], selectors: bool, templates: bool) {
    let kind = o.at("kind").as_str().unwrap_or("").to_string();
    for (k, v) in pairs {
        let Some(key) = k.as_str() else { continue };
        o.child_map("metadata").child_map("labels").set(key, v.clone());
        if selectors {
            match kind.as_str() {
                "Service" => o.child_map("spec").child_map("selector").set(key, v.clone()),
                "ReplicationController" if o.at("spec").get("selector").is_some() => {
                    o.child_map("spec").child_map("selector").set(key, v.clone())
                }
                "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" => {
                    o.child_map("spec")
                        .child_map("selector")
                        .child_map("matchLabels")
                        .set(key, v.clone());
                }
                _ => {}
            }
        }
        if templates {
            if let Some(t) = template_mut(o) {
                t.child_map("metadata").child_map("labels").set(key, v.clone());
            }
        }
    }
}

fn set_images(o: &mut Node, name: &str, img: &Node) {
    if o.at("kind").as_str() == Some("Pod") {
        if let Some(spec) = o.get_mut("spec") {
            set_images_in(spec, name, img);
        }
        return;
    }
    if let Some(spec) = template_mut(o).and_then(|t| t.get_mut("spec")) {
        set_images_in(spec, name, img);
    }
}

fn set_images_in(spec: &mut Node, name: &str, img: &Node) {
    for key in ["containers", "initContainers"] {
        let Some(list) = spec.get_mut(key) else { continue };
        let Kind::Seq(items) = &mut list.kind else { continue };
        for c in items.iter_mut() {
            let Some(current) = c.at("image").as_str().map(str::to_string) else {
                continue;
            };
            let (repo, tag) = split_image(&current);
            if repo != name {
                continue;
            }
            let new_repo = img.at("newName").as_str().unwrap_or(&repo).to_string();
            let new = if let Some(d) = img.at("digest").as_str() {
                format!("{new_repo}@{d}")
            } else if let Some(t) = img.at("newTag").as_str() {
                format!("{new_repo}:{t}")
            } else {
                format!("{new_repo}{tag}")
            };
            let span = img.get("newName").or(img.get("newTag")).map_or(img.span, |n| n.span);
            c.set("image", Node::scalar(&new, span));
        }
    }
}

/// `repo:tag` / `repo@digest` → (`repo`, `:tag` or `@digest`), keeping a registry port.
fn split_image(image: &str) -> (String, String) {
    if let Some((r, d)) = image.split_once('@') {
        return (r.to_string(), format!("@{d}"));
    }
    let last_slash = image.rfind('/').map_or(0, |i| i + 1);
    match image[last_slash..].rfind(':') {
        Some(i) => (image[..last_slash + i].to_string(), image[last_slash + i..].to_string()),
        None => (image.to_string(), String::new()),
    }
}

/// Renders every top-level kustomization of the repository.
pub fn build(sources: &SourceSet, parsed: &[Parsed], limits: &Limits) -> Output {
    let mut ctx = Ctx {
        sources,
        parsed,
        limits,
        by_dir: BTreeMap::new(),
        out: Output::default(),
    };
    let files: Vec<FileId> = sources
        .iter()
        .filter(|(_, f)| is_kustomization(&f.path))
        .map(|(id, _)| id)
        .collect();
    for &f in &files {
        ctx.by_dir.insert(dir_of(sources.path(f)).to_string(), f);
    }
    // A kustomization some other one includes is a base, rendered through its overlays.
    let mut included: BTreeSet<FileId> = BTreeSet::new();
    for &f in &files {
        let Some(k) = ctx.root_of(f) else { continue };
        let dir = dir_of(sources.path(f)).to_string();
        for key in ["resources", "bases", "components"] {
            for e in k.at(key).as_seq() {
                if let Some(t) = e.as_str().and_then(|r| join(&dir, r)) {
                    if let Some(&sub) = ctx.by_dir.get(&t) {
                        if sub != f {
                            included.insert(sub);
                        }
                    }
                }
            }
        }
    }
    for &f in &files {
        ctx.out.consumed.insert(f);
        if included.contains(&f) {
            continue;
        }
        // Components are never built on their own.
        if ctx.root_of(f).is_some_and(|k| k.at("kind").as_str() == Some("Component")) {
            continue;
        }
        let group = ctx.out.builds.len();
        let mut stack = vec![f];
        let (objects, incomplete) = ctx.render(f, group, &mut stack);
        ctx.out.builds.push(Build {
            file: f,
            dir: dir_of(sources.path(f)).to_string(),
            objects,
            incomplete,
        });
    }
    ctx.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(files: &[(&str, &str)]) -> (SourceSet, Vec<Parsed>) {
        let mut s = SourceSet::new();
        for (p, t) in files {
            s.add_text(p, t);
        }
        let (parsed, _) = crate::parse::parse_all(&s, &Limits::default());
        (s, parsed)
    }

    #[test]
    fn overlay_patches_port_and_sets_namespace() {
        let (s, p) = repo(&[
            ("base/kustomization.yaml", "resources:\n  - deployment.yaml\n"),
            (
                "base/deployment.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    metadata:\n      labels: {app: app}\n    spec:\n      containers:\n        - name: app\n          image: app:1\n          ports:\n            - name: http\n              containerPort: 8080\n",
            ),
            (
                "overlays/prod/kustomization.yaml",
                "namespace: prod\nnamePrefix: prod-\nresources:\n  - ../../base\ncommonLabels:\n  team: shop\nimages:\n  - name: app\n    newTag: \"2\"\npatches:\n  - path: port.yaml\n",
            ),
            (
                "overlays/prod/port.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          ports:\n            - name: http\n              containerPort: 9090\n",
            ),
        ]);
        let out = build(&s, &p, &Limits::default());
        assert_eq!(out.builds.len(), 1, "{:?}", out.gaps);
        let b = &out.builds[0];
        assert!(!b.incomplete, "{:?}", out.gaps);
        let d = &b.objects[0];
        assert_eq!(d.at("metadata").at("namespace").as_str(), Some("prod"));
        assert_eq!(d.at("metadata").at("name").as_str(), Some("prod-app"));
        let c = &d.path(&["spec", "template", "spec", "containers"]).unwrap().as_seq()[0];
        assert_eq!(c.at("image").as_str(), Some("app:2"));
        // Container ports merge on `containerPort`: a different number is a second port.
        let port = &c.at("ports").as_seq()[1];
        assert_eq!(port.at("containerPort").as_i64(), Some(9090));
        assert_eq!(s.path(port.at("containerPort").file()), "overlays/prod/port.yaml");
        assert_eq!(
            d.path(&["spec", "template", "metadata", "labels"]).unwrap().at("team").as_str(),
            Some("shop")
        );
        assert!(out.consumed.contains(&s.find("overlays/prod/port.yaml").unwrap()));
    }

    #[test]
    fn remote_bases_and_unknown_fields_are_gaps() {
        let (s, p) = repo(&[(
            "k/kustomization.yaml",
            "resources:\n  - github.com/acme/base?ref=v1\nreplacements:\n  - source: {kind: ConfigMap}\n",
        )]);
        let out = build(&s, &p, &Limits::default());
        assert!(out.builds[0].incomplete);
        assert_eq!(out.gaps.len(), 2);
    }
}
