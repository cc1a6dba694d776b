//! What one deployment adds on top of the packaged config: environment variables, mounted
//! config files, the command line, the working directory, the platform.

use crate::model::kube::{ConfigMap, Workload};
use crate::model::spring::files::name_parts;
use crate::model::spring::{env_layer_with_unknowns, ConfigFile, Layer, Platform, Why};
use crate::model::Workspace;
use crate::parse::dockerfile::Dockerfile;
use crate::source::{FileId, SourceSet, Span};

/// One environment variable as a deployment sets it.
#[derive(Clone, Debug)]
pub(super) struct Var {
    pub(super) name: String,
    pub(super) value: Result<String, String>,
    pub(super) span: Span,
    pub(super) value_span: Span,
}

/// Everything one deployment adds on top of the packaged config.
#[derive(Default)]
pub(super) struct Runtime {
    /// Env layers, lowest first (one per source, for provenance).
    pub(super) env: Vec<Layer>,
    /// All env vars in order (later wins), for `$(VAR)`, `JAVA_TOOL_OPTIONS`…
    pub(super) vars: Vec<Var>,
    /// `argv` words with spans (entrypoint + command/args).
    pub(super) argv: Vec<(String, Span)>,
    /// Where `argv` comes from, for labels.
    pub(super) argv_label: String,
    /// Spring config files the container can see: (container path, file's documents).
    pub(super) mounted: Vec<(String, ConfigFile)>,
    /// Directories mounted from sources the repository does not show.
    pub(super) unseen_mounts: Vec<(String, Why)>,
    pub(super) workdir: Option<String>,
    pub(super) platform: Option<Platform>,
    pub(super) label: String,
}

fn var_value<'a>(vars: &'a [Var], name: &str) -> Option<&'a Result<String, String>> {
    vars.iter().rev().find(|v| v.name == name).map(|v| &v.value)
}

/// Kubernetes `$(VAR)` expansion from variables defined earlier (unknown stays unknown).
pub(super) fn expand_k8s(value: &str, vars: &[Var]) -> Result<String, String> {
    if !value.contains("$(") {
        return Ok(value.to_string());
    }
    let mut out = String::new();
    let mut rest = value;
    while let Some(i) = rest.find("$(") {
        if rest[..i].ends_with('$') {
            out.push_str(&rest[..i - 1]);
            out.push_str("$(");
            rest = &rest[i + 2..];
            continue;
        }
        out.push_str(&rest[..i]);
        let Some(end) = rest[i..].find(')') else {
            out.push_str(&rest[i..]);
            return Ok(out);
        };
        let name = &rest[i + 2..i + end];
        match var_value(vars, name) {
            Some(Ok(v)) => out.push_str(v),
            Some(Err(w)) => return Err(format!("refers to `$({name})`, which {w}")),
            None => out.push_str(&rest[i..i + end + 1]),
        }
        rest = &rest[i + end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The ConfigMap a workload refers to: same namespace, and from the same kustomize build when
/// the workload comes from one (objects of different builds do not meet in a cluster).
pub(super) fn config_map<'a>(ws: &'a Workspace, w: &Workload, name: &str) -> Option<&'a ConfigMap> {
    env_source(ws, w, name, false)
}

/// The ConfigMap (`secret == false`) or Secret a workload's env refers to, found as
/// `config_map` finds ConfigMaps.
pub(super) fn env_source<'a>(ws: &'a Workspace, w: &Workload, name: &str, secret: bool) -> Option<&'a ConfigMap> {
    let list = if secret { &ws.secrets } else { &ws.config_maps };
    list.iter()
        .rev()
        .find(|c| c.name.value == name && c.namespace == w.namespace && c.origin.compatible(&w.origin))
}

pub(super) fn dockerfile_for<'a>(ws: &'a Workspace, sources: &SourceSet, dir: &str) -> Option<(FileId, &'a Dockerfile)> {
    let parent = |p: &str| p.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    let mut found: Vec<(FileId, &Dockerfile)> = ws
        .dockerfiles
        .iter()
        .filter(|(id, _)| parent(sources.path(*id)) == dir)
        .map(|(id, d)| (*id, d))
        .collect();
    // `Dockerfile` itself before variants (`Dockerfile.dev`).
    found.sort_by_key(|(id, _)| sources.path(*id).rsplit('/').next() != Some("Dockerfile"));
    found.into_iter().next()
}

pub(super) fn dockerfile_env(rt: &mut Runtime, sources: &SourceSet, file: FileId, df: &Dockerfile) {
    let vars: Vec<Var> = df
        .env
        .iter()
        .map(|e| Var {
            name: e.name.clone(),
            value: Ok(e.value.clone()),
            span: Span::new(file, e.span.clone()),
            value_span: Span::new(file, e.value_span.clone()),
        })
        .collect();
    push_env(rt, vars, format!("`ENV` in {}", sources.path(file)));
    rt.workdir = df.workdir.clone();
}

pub(super) fn push_env(rt: &mut Runtime, vars: Vec<Var>, label: String) {
    if vars.is_empty() {
        return;
    }
    let tuples: Vec<_> = vars
        .iter()
        .map(|v| (v.name.clone(), v.value.clone(), v.span, v.value_span))
        .collect();
    rt.env.push(env_layer_with_unknowns(&tuples, label));
    rt.vars.extend(vars);
}

pub(super) fn push_unseen_env(rt: &mut Runtime, label: String, why: Why) {
    rt.env.push(Layer::unseen(label, why));
    // `$(VAR)` and option variables may come from it too.
    rt.vars.push(Var {
        name: "*".into(),
        value: Err("comes from a source outside the repository".into()),
        span: Span::empty(FileId::NONE, 0),
        value_span: Span::empty(FileId::NONE, 0),
    });
}

pub(super) fn mounted_file(file: FileId, label: &str, name: &str, docs: Vec<Layer>) -> ConfigFile {
    let (stem, ext_rank, properties) = name_parts(name).unwrap_or(("", 2, true));
    let profile = stem.strip_prefix("application-").filter(|p| !p.is_empty()).map(str::to_string);
    ConfigFile::external(file, label.to_string(), profile, ext_rank, properties, docs)
}

/// A bind-mounted repository file read as Spring config (by the name it has in the container).
pub(super) fn file_layers(sources: &SourceSet, id: FileId, name: &str, label: &str) -> Option<Vec<Layer>> {
    let text = &sources.get(id).text;
    let (_, _, props) = name_parts(name)?;
    if props {
        let docs = crate::parse::properties::parse(text);
        return Some(
            docs.iter()
                .enumerate()
                .map(|(i, d)| crate::model::spring::properties_layer(d, id, i, label.to_string()))
                .collect(),
        );
    }
    let (docs, _) = crate::parse::yaml::parse(text, id, &Default::default());
    Some(
        docs.iter()
            .enumerate()
            .map(|(i, d)| crate::model::spring::yaml_layer(d, id, i, label.to_string()))
            .collect(),
    )
}
