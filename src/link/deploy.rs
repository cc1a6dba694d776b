//! Deployments of each service and their effective Spring configuration (SPEC §5, semantics
//! §5): a Kubernetes workload's container, a Compose service, or — when nothing in the
//! repository runs it — the service as built. Each deployment layers, lowest first: the
//! packaged config files for its profiles, config files mounted from ConfigMaps or bind
//! mounts, then environment variables (Dockerfile `ENV`, `envFrom`/`env_file`, `env`/
//! `environment`), `-D` system properties, `SPRING_APPLICATION_JSON` and `--` arguments.

use super::Deployment;
use crate::model::build::{find_artifact, Presence};
use crate::model::kube::{ConfigMap, Container, ValueRef, Workload};
use crate::model::prometheus::ComposeService;
use crate::model::spring::files::{embedded, name_parts};
use crate::model::spring::kubeconfig;
use crate::model::spring::{
    env_layer_with_unknowns, props_layer, BuildFacts, ConfigFile, Effective, Fact, Layer, Lookup, Origin, Platform, ProfileSet, Service,
    StackInput, WebStack, Why,
};
use crate::model::ModelOptions;
use crate::model::{ServiceId, WorkloadId, Workspace};
use crate::parse::dockerfile::Dockerfile;
use crate::source::{FileId, SourceSet, Span};

/// One environment variable as a deployment sets it.
#[derive(Clone, Debug)]
struct Var {
    name: String,
    value: Result<String, String>,
    span: Span,
    value_span: Span,
}

/// Everything one deployment adds on top of the packaged config.
#[derive(Default)]
struct Runtime {
    /// Env layers, lowest first (one per source, for provenance).
    env: Vec<Layer>,
    /// All env vars in order (later wins), for `$(VAR)`, `JAVA_TOOL_OPTIONS`…
    vars: Vec<Var>,
    /// `argv` words with spans (entrypoint + command/args).
    argv: Vec<(String, Span)>,
    /// Where `argv` comes from, for labels.
    argv_label: String,
    /// Spring config files the container can see: (container path, file's documents).
    mounted: Vec<(String, ConfigFile)>,
    /// Directories mounted from sources the repository does not show.
    unseen_mounts: Vec<(String, Why)>,
    workdir: Option<String>,
    platform: Option<Platform>,
    label: String,
}

fn var_value<'a>(vars: &'a [Var], name: &str) -> Option<&'a Result<String, String>> {
    vars.iter().rev().find(|v| v.name == name).map(|v| &v.value)
}

/// Kubernetes `$(VAR)` expansion from variables defined earlier (unknown stays unknown).
fn expand_k8s(value: &str, vars: &[Var]) -> Result<String, String> {
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
fn config_map<'a>(ws: &'a Workspace, w: &Workload, name: &str) -> Option<&'a ConfigMap> {
    ws.config_maps
        .iter()
        .rev()
        .find(|c| c.name.value == name && c.namespace == w.namespace && c.origin.compatible(&w.origin))
}

fn dockerfile_for<'a>(ws: &'a Workspace, sources: &SourceSet, dir: &str) -> Option<(FileId, &'a Dockerfile)> {
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

fn dockerfile_env(rt: &mut Runtime, sources: &SourceSet, file: FileId, df: &Dockerfile) {
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

fn push_env(rt: &mut Runtime, vars: Vec<Var>, label: String) {
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

fn push_unseen_env(rt: &mut Runtime, label: String, why: Why) {
    rt.env.push(Layer::unseen(label, why));
    // `$(VAR)` and option variables may come from it too.
    rt.vars.push(Var {
        name: "*".into(),
        value: Err("comes from a source outside the repository".into()),
        span: Span::empty(FileId::NONE, 0),
        value_span: Span::empty(FileId::NONE, 0),
    });
}

fn k8s_runtime(ws: &Workspace, sources: &SourceSet, w: &Workload, c: &Container, df: Option<(FileId, &Dockerfile)>) -> Runtime {
    let label = format!("{} `{}`", w.kind, w.name.value);
    let mut rt = Runtime {
        label: label.clone(),
        platform: Some(Platform::Kubernetes),
        ..Runtime::default()
    };
    if let Some((f, d)) = df {
        dockerfile_env(&mut rt, sources, f, d);
    }
    for ef in &c.env_from {
        let what = if ef.secret { "Secret" } else { "ConfigMap" };
        match (ef.secret, config_map(ws, w, &ef.name)) {
            (false, Some(cm)) => {
                let vars = cm
                    .data
                    .iter()
                    .map(|e| Var {
                        name: format!("{}{}", ef.prefix, e.key.value),
                        value: Ok(e.value.clone()),
                        span: e.key.span,
                        value_span: e.value_node.span,
                    })
                    .collect();
                push_env(&mut rt, vars, format!("ConfigMap `{}` (`envFrom` of {label})", ef.name));
            }
            _ => push_unseen_env(
                &mut rt,
                format!("{what} `{}` (`envFrom` of {label})", ef.name),
                Why::new(
                    format!(
                        "{label} takes environment variables from {what} `{}`{}, whose content is not in the repository",
                        ef.name,
                        if ef.secret { "" } else { " (no such ConfigMap in the repository)" }
                    ),
                    Some(ef.span),
                ),
            ),
        }
    }
    let mut vars: Vec<Var> = Vec::new();
    for e in &c.env {
        let value = match (&e.value, &e.value_from) {
            (Some(v), _) => {
                let mut seen = rt.vars.clone();
                seen.extend(vars.iter().cloned());
                expand_k8s(v, &seen)
            }
            (None, Some(ValueRef::ConfigMap { name, key, .. })) => match config_map(ws, w, name).and_then(|cm| cm.get(key)) {
                Some(entry) => {
                    vars.push(Var {
                        name: e.name.clone(),
                        value: Ok(entry.value.clone()),
                        span: e.span,
                        value_span: entry.value_node.span,
                    });
                    continue;
                }
                None => Err(format!(
                    "comes from key `{key}` of ConfigMap `{name}`, which is not in the repository"
                )),
            },
            (None, Some(ValueRef::Secret { name, key })) => Err(format!("comes from key `{key}` of Secret `{name}`")),
            (None, Some(ValueRef::Other(k))) => Err(format!("comes from a `{k}` known only at run time")),
            (None, None) => Ok(String::new()),
        };
        vars.push(Var {
            name: e.name.clone(),
            value,
            span: e.span,
            value_span: e.value_span,
        });
    }
    push_env(&mut rt, vars, format!("env of {label}"));
    // argv: `command` replaces ENTRYPOINT (and drops CMD), `args` replaces CMD.
    let words = |v: &[crate::source::Spanned<String>]| -> Vec<(String, Span)> { v.iter().map(|a| (a.value.clone(), a.span)).collect() };
    let image = |v: &[(String, std::ops::Range<u32>)], f: FileId| -> Vec<(String, Span)> {
        v.iter().map(|(s, r)| (s.clone(), Span::new(f, r.clone()))).collect()
    };
    let (entry, cmd) = match df {
        Some((f, d)) => (image(&d.entrypoint, f), image(&d.cmd, f)),
        None => (vec![], vec![]),
    };
    rt.argv = match (c.command.is_empty(), c.args.is_empty()) {
        (false, _) => [words(&c.command), words(&c.args)].concat(),
        (true, false) => [entry, words(&c.args)].concat(),
        (true, true) => [entry, cmd].concat(),
    };
    rt.argv_label = format!("command line of {label}");
    if let Some(wd) = &c.working_dir {
        rt.workdir = Some(wd.clone());
    }
    // ConfigMap volumes carrying Spring config files.
    for m in &c.volume_mounts {
        let Some(vol) = w.volumes.iter().find(|v| v.name == m.name) else {
            continue;
        };
        let mut any_seen = false;
        for (cm_name, items) in &vol.config_maps {
            let Some(cm) = config_map(ws, w, cm_name) else {
                continue;
            };
            any_seen = true;
            for e in &cm.data {
                let rel = if items.is_empty() {
                    Some(e.key.value.clone())
                } else {
                    items.iter().find(|(k, _)| *k == e.key.value).map(|(_, p)| p.clone())
                };
                let Some(rel) = rel else { continue };
                let path = match &m.sub_path {
                    Some(sp) if *sp == rel => m.mount_path.clone(),
                    Some(_) => continue,
                    None => format!("{}/{rel}", m.mount_path.trim_end_matches('/')),
                };
                let name = path.rsplit('/').next().unwrap_or(&path).to_string();
                let label = format!("`{}` of ConfigMap `{}`, mounted at `{path}`", e.key.value, cm.name.value);
                // The value's own file: a kustomize `configMapGenerator` value is a repo file.
                let file = e.value_node.file();
                if let Some(docs) = embedded(&sources.get(file).text, &name, &e.value_node, &label) {
                    rt.mounted.push((path.clone(), mounted_file(file, &label, &name, docs)));
                }
            }
        }
        if vol.other || (!any_seen && !vol.config_maps.is_empty()) {
            rt.unseen_mounts.push((
                m.mount_path.clone(),
                Why::new(
                    format!(
                        "volume `{}` is mounted at `{}` from a source that is not in the repository",
                        m.name, m.mount_path
                    ),
                    Some(m.span),
                ),
            ));
        }
    }
    rt
}

fn mounted_file(file: FileId, label: &str, name: &str, docs: Vec<Layer>) -> ConfigFile {
    let (stem, ext_rank, properties) = name_parts(name).unwrap_or(("", 2, true));
    let profile = stem.strip_prefix("application-").filter(|p| !p.is_empty()).map(str::to_string);
    ConfigFile {
        file,
        path: label.to_string(),
        bootstrap: false,
        location: 2,
        profile,
        ext_rank,
        properties,
        docs,
        maybe: None,
    }
}

/// A Compose service and the services it `extends`, base first (bounded).
fn compose_chain<'a>(ws: &'a Workspace, sources: &SourceSet, c: &'a ComposeService) -> Vec<&'a ComposeService> {
    let mut chain = vec![c];
    let mut cur = c;
    for _ in 0..4 {
        let Some((file, name)) = &cur.extends else { break };
        let Some(base) = ws
            .compose_services
            .iter()
            .find(|b| b.name.value == *name && sources.path(b.file) == file.as_str() && !std::ptr::eq(*b, cur))
        else {
            break;
        };
        chain.push(base);
        cur = base;
    }
    chain.reverse();
    chain
}

fn compose_runtime(ws: &Workspace, sources: &SourceSet, c: &ComposeService, df: Option<(FileId, &Dockerfile)>) -> Runtime {
    let label = format!("Compose service `{}`", c.name.value);
    let mut rt = Runtime {
        label: label.clone(),
        platform: Some(Platform::Other("Docker Compose".into())),
        ..Runtime::default()
    };
    if let Some((f, d)) = df {
        dockerfile_env(&mut rt, sources, f, d);
    }
    let chain = compose_chain(ws, sources, c);
    // `.env` beside the Compose file feeds `${VAR}` interpolation.
    let compose_dir = sources.path(c.file).rsplit_once('/').map_or("", |(d, _)| d).to_string();
    let dotenv_path = if compose_dir.is_empty() {
        ".env".to_string()
    } else {
        format!("{compose_dir}/.env")
    };
    let dotenv: Vec<(String, String)> = ws
        .env_files
        .iter()
        .find(|(id, _)| sources.path(*id) == dotenv_path)
        .map(|(_, e)| e.iter().map(|x| (x.name.clone(), x.value.clone())).collect())
        .unwrap_or_default();
    let interpolate = |v: &str| -> Result<String, String> {
        if !v.contains('$') {
            return Ok(v.to_string());
        }
        let mut out = String::new();
        let mut rest = v;
        while let Some(i) = rest.find('$') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            if let Some(r) = after.strip_prefix('$') {
                out.push('$');
                rest = r;
                continue;
            }
            let (name, default, used) = if let Some(body) = after.strip_prefix('{') {
                let Some(end) = body.find('}') else { return Ok(v.to_string()) };
                let inner = &body[..end];
                let (n, d) = match inner.split_once(":-").or_else(|| inner.split_once('-')) {
                    Some((n, d)) => (n, Some(d)),
                    None => (inner, None),
                };
                (n.to_string(), d, end + 2)
            } else {
                let n: String = after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                let len = n.len();
                (n, None, len)
            };
            match dotenv.iter().rev().find(|(k, _)| *k == name) {
                Some((_, val)) => out.push_str(val),
                None => {
                    let _ = default;
                    return Err(format!(
                        "is interpolated by Compose from `${{{name}}}`, which the shell running Compose may set"
                    ));
                }
            }
            rest = &after[used..];
        }
        out.push_str(rest);
        Ok(out)
    };
    for svc in &chain {
        for (path, required) in &svc.env_files {
            match ws.env_files.iter().find(|(id, _)| sources.path(*id) == path.value) {
                Some((id, entries)) => {
                    let vars = entries
                        .iter()
                        .map(|e| Var {
                            name: e.name.clone(),
                            value: Ok(e.value.clone()),
                            span: Span::new(*id, e.span.clone()),
                            value_span: Span::new(*id, e.value_span.clone()),
                        })
                        .collect();
                    push_env(&mut rt, vars, format!("`{}` (`env_file` of {label})", path.value));
                }
                None if *required => push_unseen_env(
                    &mut rt,
                    format!("`{}` (`env_file` of {label})", path.value),
                    Why::new(
                        format!(
                            "{label} reads environment variables from `{}`, which is not in the repository",
                            path.value
                        ),
                        Some(path.span),
                    ),
                ),
                None => {}
            }
        }
    }
    let mut vars = Vec::new();
    for svc in &chain {
        for e in &svc.environment {
            let value = match &e.value {
                Some(v) => interpolate(v),
                None => Err("is passed through from the shell running Compose".to_string()),
            };
            vars.push(Var {
                name: e.name.clone(),
                value,
                span: e.span,
                value_span: e.value_span,
            });
        }
    }
    push_env(&mut rt, vars, format!("`environment` of {label}"));
    let words = |v: &[crate::source::Spanned<String>]| -> Vec<(String, Span)> { v.iter().map(|a| (a.value.clone(), a.span)).collect() };
    let entry = chain.iter().rev().find(|s| !s.entrypoint.is_empty()).map(|s| words(&s.entrypoint));
    let command = chain.iter().rev().find(|s| !s.command.is_empty()).map(|s| words(&s.command));
    let image = |v: &[(String, std::ops::Range<u32>)], f: FileId| -> Vec<(String, Span)> {
        v.iter().map(|(s, r)| (s.clone(), Span::new(f, r.clone()))).collect()
    };
    let (img_entry, img_cmd) = match df {
        Some((f, d)) => (image(&d.entrypoint, f), image(&d.cmd, f)),
        None => (vec![], vec![]),
    };
    rt.argv = match (entry, command) {
        (Some(e), c) => [e, c.unwrap_or_default()].concat(),
        (None, Some(c)) => [img_entry, c].concat(),
        (None, None) => [img_entry, img_cmd].concat(),
    };
    rt.argv_label = format!("command line of {label}");
    // Bind mounts of repository files.
    for svc in &chain {
        for v in &svc.volumes {
            let Some(rp) = &v.repo_path else { continue };
            let target = v.target.split(':').next().unwrap_or(&v.target).to_string();
            let files: Vec<(FileId, String)> = match sources.find(rp) {
                Some(id) => vec![(id, target.clone())],
                None => sources
                    .iter()
                    .filter_map(|(id, f)| {
                        let rest = f.path.strip_prefix(&format!("{rp}/"))?;
                        (!rest.contains('/')).then(|| (id, format!("{}/{rest}", target.trim_end_matches('/'))))
                    })
                    .collect(),
            };
            for (id, path) in files {
                let name = path.rsplit('/').next().unwrap_or(&path).to_string();
                if !(name.starts_with("application") && name_parts(&name).is_some()) {
                    continue;
                }
                let label = format!("`{}`, mounted at `{path}` by {label}", sources.path(id));
                if let Some(docs) = file_layers(sources, id, &name, &label) {
                    rt.mounted.push((path, mounted_file(id, &label, &name, docs)));
                }
            }
        }
    }
    rt
}

/// A bind-mounted repository file read as Spring config (by the name it has in the container).
fn file_layers(sources: &SourceSet, id: FileId, name: &str, label: &str) -> Option<Vec<Layer>> {
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

/// `java … -Dk=v … -jar app.jar --k=v`: system properties and Spring arguments.
/// `(key, value, span)` settings from a command line.
type Settings = Vec<(String, String, Span)>;

fn argv_layers(rt: &Runtime) -> (Settings, Settings) {
    let mut words: Vec<(String, Span)> = Vec::new();
    for (w, s) in &rt.argv {
        // `sh -c "java -jar app.jar --x=y"`: look inside shell strings.
        if w.contains(' ') {
            words.extend(w.split_whitespace().map(|p| (p.to_string(), *s)));
        } else {
            words.push((w.clone(), *s));
        }
    }
    let mut sys = Vec::new();
    let mut args = Vec::new();
    let jar = words.iter().position(|(w, _)| w == "-jar");
    for (i, (w, s)) in words.iter().enumerate() {
        let w = w.trim_matches(['"', '\'']);
        if let Some(d) = w.strip_prefix("-D") {
            if jar.is_none_or(|j| i < j) {
                if let Some((k, v)) = d.split_once('=') {
                    sys.push((k.to_string(), v.to_string(), *s));
                }
            }
        } else if let Some(a) = w.strip_prefix("--") {
            if jar.is_none_or(|j| i > j + 1) {
                if let Some((k, v)) = a.split_once('=') {
                    args.push((k.to_string(), v.to_string(), *s));
                }
            }
        }
    }
    (sys, args)
}

/// `-D` options carried by JVM option variables (`JAVA_TOOL_OPTIONS` is read by every JVM).
fn option_var_layers(rt: &Runtime) -> Vec<Layer> {
    let mut out = Vec::new();
    for name in ["JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "JAVA_OPTS"] {
        let Some(v) = rt.vars.iter().rev().find(|v| v.name == name) else {
            continue;
        };
        let Ok(value) = &v.value else { continue };
        let props: Vec<(String, String, Span)> = value
            .split_whitespace()
            .filter_map(|w| {
                w.trim_matches(['"', '\''])
                    .strip_prefix("-D")?
                    .split_once('=')
                    .map(|(k, x)| (k.to_string(), x.to_string(), v.value_span))
            })
            .collect();
        if props.is_empty() {
            continue;
        }
        let mut l = props_layer(Origin::SystemProperty, &props, format!("`{name}` of {}", rt.label));
        // `JAVA_OPTS` means something only to a start script that passes it on.
        if name == "JAVA_OPTS" && !rt.argv.iter().any(|(w, _)| w.contains("JAVA_OPTS")) {
            l.maybe = Some(Why::new(
                "`JAVA_OPTS` reaches the JVM only through a start script that passes it on",
                Some(v.value_span),
            ));
        }
        out.push(l);
    }
    out
}

/// `SPRING_APPLICATION_JSON`, flattened (semantics §5.4).
fn json_layer(rt: &Runtime) -> Option<Layer> {
    let v = rt.vars.iter().rev().find(|v| v.name == "SPRING_APPLICATION_JSON")?;
    let label = format!("`SPRING_APPLICATION_JSON` of {}", rt.label);
    let value = match &v.value {
        Ok(x) => x,
        Err(w) => {
            return Some(Layer::unseen(
                label,
                Why::new(format!("`SPRING_APPLICATION_JSON` {w}"), Some(v.value_span)),
            ))
        }
    };
    let (docs, _) = crate::parse::yaml::parse(value, v.value_span.file, &Default::default());
    let doc = docs.first()?;
    let mut l = crate::model::spring::yaml_layer(doc, v.value_span.file, 0, label);
    for p in std::sync::Arc::make_mut(&mut l.props).values_mut() {
        p.key_span = v.value_span;
        p.value_span = v.value_span;
    }
    l.origin = Origin::Json;
    l.on_profile = None;
    Some(l)
}

/// Top layers: env, system properties, JSON, arguments.
fn overlays(rt: &Runtime) -> Vec<Layer> {
    let mut out = rt.env.clone();
    out.extend(option_var_layers(rt));
    let (sys, args) = argv_layers(rt);
    if !sys.is_empty() {
        out.push(props_layer(
            Origin::SystemProperty,
            &sys,
            format!("`-D` options on the {}", rt.argv_label),
        ));
    }
    out.extend(json_layer(rt));
    if !args.is_empty() {
        out.push(props_layer(Origin::Arg, &args, format!("arguments on the {}", rt.argv_label)));
    }
    out
}

fn comma_list(v: &str) -> Vec<String> {
    v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}

/// External config locations (`spring.config.location` / `additional-location`, or the
/// default `file:./`, `file:./config/`) resolved against what is mounted (semantics §5.1).
fn external(rt: &Runtime, top: &Effective) -> (bool, Vec<ConfigFile>, Vec<Layer>) {
    let mut files = Vec::new();
    let mut unseen = Vec::new();
    let mut use_classpath = true;
    let lookup = |k: &str| match top.lookup(k) {
        Lookup::Set(f) => Ok(Some((comma_list(&f.value), f.prop.value_span))),
        Lookup::Unset => Ok(None),
        Lookup::Unknown(w) => Err(w),
    };
    let mut explicit: Vec<(String, Span)> = Vec::new();
    match lookup("spring.config.location") {
        Ok(Some((locs, span))) => {
            use_classpath = locs.iter().any(|l| l.trim_start_matches("optional:").starts_with("classpath:"));
            explicit.extend(locs.into_iter().map(|l| (l, span)));
        }
        Ok(None) => {}
        Err(w) => unseen.push(Layer::unseen("`spring.config.location`".into(), w)),
    }
    match lookup("spring.config.additional-location") {
        Ok(Some((locs, span))) => explicit.extend(locs.into_iter().map(|l| (l, span))),
        Ok(None) => {}
        Err(w) => unseen.push(Layer::unseen("`spring.config.additional-location`".into(), w)),
    }
    let mut claimed: Vec<usize> = Vec::new();
    for (loc, span) in &explicit {
        let optional = loc.starts_with("optional:");
        let bare = loc.trim_start_matches("optional:");
        if bare.starts_with("classpath:") {
            continue;
        }
        let path = bare.trim_start_matches("file:");
        let path = match (path.starts_with('/'), &rt.workdir) {
            (true, _) => path.to_string(),
            (false, Some(wd)) => format!("{}/{}", wd.trim_end_matches('/'), path.trim_start_matches("./")),
            (false, None) => {
                unseen.push(Layer::unseen(
                    format!("`{loc}`"),
                    Why::new(
                        format!("`{loc}` is relative to the container's working directory, which is not known"),
                        Some(*span),
                    ),
                ));
                continue;
            }
        };
        let dir = path.ends_with('/');
        let mut hit = false;
        for (i, (p, f)) in rt.mounted.iter().enumerate() {
            let name = p.rsplit('/').next().unwrap_or(p);
            let in_dir = dir && p.rsplit_once('/').is_some_and(|(d, _)| format!("{d}/") == path) && name.starts_with("application");
            let exact = !dir
                && (p == &path || {
                    let (stem, _) = path.rsplit_once('.').unwrap_or((&path, ""));
                    p.starts_with(&format!("{stem}-"))
                });
            if in_dir || exact {
                files.push(f.clone());
                claimed.push(i);
                hit = true;
            }
        }
        if !hit && !optional {
            unseen.push(Layer::unseen(
                format!("`{loc}`"),
                Why::new(
                    format!("Spring reads config from `{loc}`, and no ConfigMap or file in the repository is mounted there"),
                    Some(*span),
                ),
            ));
        } else if !hit {
            if let Some((_, w)) = rt.unseen_mounts.iter().find(|(m, _)| path.starts_with(m.trim_end_matches('/'))) {
                unseen.push(Layer::unseen(format!("`{loc}`"), w.clone()));
            }
        }
    }
    // Default external locations: `./` and `./config/` of the working directory.
    if top.lookup("spring.config.location").set().is_none() {
        for (i, (p, f)) in rt.mounted.iter().enumerate() {
            if claimed.contains(&i) {
                continue;
            }
            let dir = p.rsplit_once('/').map_or("", |(d, _)| d);
            let name = p.rsplit('/').next().unwrap_or(p);
            if !name.starts_with("application") {
                continue;
            }
            match &rt.workdir {
                Some(wd) => {
                    let wd = wd.trim_end_matches('/');
                    let parent = dir.rsplit_once('/').map_or("", |(d, _)| d);
                    if dir == wd || dir == format!("{wd}/config") || parent == format!("{wd}/config") {
                        files.push(f.clone());
                    }
                }
                None => {
                    let mut f = f.clone();
                    f.maybe = Some(Why::new(
                        format!("`{}` is mounted at `{p}`; Spring reads it only if that is `./` or `./config/` of the working directory, which is not known", name),
                        None,
                    ));
                    files.push(f);
                }
            }
        }
        if let Some(wd) = &rt.workdir {
            let cfg = format!("{}/config", wd.trim_end_matches('/'));
            if let Some((_, w)) = rt.unseen_mounts.iter().find(|(m, _)| m.trim_end_matches('/') == cfg) {
                unseen.push(Layer::unseen(format!("`{cfg}`"), w.clone()));
            }
        }
    }
    (use_classpath, files, unseen)
}

fn build_facts(ws: &Workspace, s: &Service) -> BuildFacts {
    const BOOT: &str = "org.springframework.boot";
    let actuator = match find_artifact(
        &ws.modules,
        s.module,
        BOOT,
        &["spring-boot-starter-actuator", "spring-boot-actuator-autoconfigure"],
    ) {
        Presence::Present(_) => Fact::yes(Why::new("`spring-boot-starter-actuator` is on the runtime classpath", None)),
        Presence::Absent | Presence::NotPackaged(..) => {
            Fact::no(Why::new("no `spring-boot-starter-actuator` on the runtime classpath", None))
        }
        Presence::Unknown(r) => Fact::unknown(Why::new(
            format!("the classpath cannot be fully resolved: {}", r.first().map_or("", |x| x.0.as_str())),
            r.first().map(|x| x.1),
        )),
    };
    let present = |a: &str| matches!(find_artifact(&ws.modules, s.module, BOOT, &[a]), Presence::Present(_));
    let unknown = matches!(
        find_artifact(&ws.modules, s.module, BOOT, &["spring-boot-starter-web"]),
        Presence::Unknown(_)
    );
    let stack = if present("spring-boot-starter-web") {
        WebStack::Servlet
    } else if present("spring-boot-starter-webflux") {
        WebStack::Reactive
    } else if unknown {
        WebStack::Unknown
    } else {
        WebStack::Servlet
    };
    BuildFacts { actuator, stack }
}

/// Compose services that run `s`: build context, image, then name (SPEC §5).
fn compose_links(ws: &Workspace, sources: &SourceSet, si: ServiceId, s: &Service) -> Vec<(usize, String)> {
    let dir_name = s.dir.rsplit('/').next().unwrap_or("");
    let names = [s.name.as_str(), dir_name];
    let same = |a: &str, b: &str| !a.is_empty() && a.eq_ignore_ascii_case(b);
    // Linked by name or image: only if no other module of that name is nearer to the Compose file.
    let nearest = |c: &ComposeService, by: &str| {
        let rivals: Vec<usize> = ws
            .services
            .iter()
            .enumerate()
            .filter(|(_, x)| {
                let d = x.dir.rsplit('/').next().unwrap_or("");
                same(&x.name, by) || same(d, by)
            })
            .map(|(i, _)| i)
            .collect();
        super::compose::nearest(ws, sources, c.file, rivals).contains(&si)
    };
    ws.compose_services
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            if c.build_context.as_deref() == Some(s.dir.as_str()) {
                return Some((
                    i,
                    format!(
                        "`build: {}` of Compose service `{}`",
                        if s.dir.is_empty() { "." } else { &s.dir },
                        c.name.value
                    ),
                ));
            }
            let image = c.image.as_deref().map(|img| {
                let no_digest = img.split('@').next().unwrap_or(img);
                let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
                last.split(':').next().unwrap_or(last).to_string()
            });
            if c.build_context.is_none() {
                if let Some(img) = image.filter(|i| names.iter().any(|n| same(n, i)) && nearest(c, i)) {
                    return Some((i, format!("image `{img}` of Compose service `{}`", c.name.value)));
                }
                if names.iter().any(|n| same(n, &c.name.value)) && c.image.is_none() && nearest(c, &c.name.value) {
                    return Some((i, format!("Compose service `{}`", c.name.value)));
                }
            }
            None
        })
        .collect()
}

fn profile_list(v: &str) -> Vec<String> {
    comma_list(v)
}

/// Decides the active profiles (semantics §5.3): `spring.profiles.active` from any source
/// (env and arguments override files), `spring.profiles.include`, groups; else actuator-lint's
/// configuration; else `default` when a workload in the repository runs the service (nothing
/// sets one), unknown otherwise.
fn profiles(probe: &Effective, fallback: &Option<(Vec<String>, String)>, has_runtime: bool) -> (ProfileSet, Option<String>, Option<Span>) {
    let active = probe.lookup("spring.profiles.active");
    let include = probe.list("spring.profiles.include").set().map(|l| l.items).unwrap_or_default();
    let (mut list, from, span) = match active {
        Lookup::Set(f) => {
            if f.value.contains('@') {
                let why = Why::new(
                    format!(
                        "`{}: {}` in {} is filled in at build time",
                        f.prop.key,
                        f.prop.value.trim(),
                        f.layer.label
                    ),
                    Some(f.prop.value_span),
                );
                return (
                    ProfileSet::Unknown { assumed: vec![], why },
                    Some(format!("`{}` in {} (filled in at build time)", f.prop.key, f.layer.label)),
                    Some(f.prop.value_span),
                );
            }
            (
                profile_list(&f.value),
                Some(format!("`{}` in {}", f.prop.key, f.layer.label)),
                Some(f.prop.value_span),
            )
        }
        Lookup::Unknown(w) => {
            let why = Why::new(format!("the active profile cannot be known: {}", w.text), w.span);
            return (ProfileSet::Unknown { assumed: vec![], why }, None, w.span);
        }
        Lookup::Unset => match fallback {
            Some((p, from)) => (p.clone(), Some(from.clone()), None),
            None if has_runtime => (vec![], None, None),
            None => {
                let why = Why::new(
                    "no workload in the repository runs this service, so its active profile is not known",
                    None,
                );
                return (ProfileSet::Unknown { assumed: vec![], why }, None, None);
            }
        },
    };
    if list.is_empty() {
        if let Some(d) = probe.lookup("spring.profiles.default").set() {
            list = profile_list(&d.value);
        }
    }
    // Includes first (active ones win), then groups expanded after each profile.
    let mut all: Vec<String> = include;
    all.extend(list);
    let mut expanded = Vec::new();
    for p in all {
        if !expanded.contains(&p) {
            expanded.push(p.clone());
        }
        if let Some(g) = probe.list(&format!("spring.profiles.group.{p}")).set() {
            for m in g.items {
                if !expanded.contains(&m) {
                    expanded.push(m);
                }
            }
        }
    }
    (ProfileSet::Known(expanded), from, span)
}

pub fn deployments(
    ws: &Workspace,
    sources: &SourceSet,
    options: &ModelOptions<'_>,
    links: &[Vec<(WorkloadId, usize, String)>],
) -> Vec<Vec<Deployment>> {
    // Each service's deployments depend only on the model: evaluate them on every core.
    use rayon::prelude::*;
    ws.services
        .par_iter()
        .enumerate()
        .map(|(si, s)| service_deployments(ws, sources, options, si, s, &links[si]))
        .collect()
}

fn service_deployments(
    ws: &Workspace,
    sources: &SourceSet,
    options: &ModelOptions<'_>,
    si: ServiceId,
    s: &Service,
    links: &[(WorkloadId, usize, String)],
) -> Vec<Deployment> {
    let cfg_profiles: Vec<String> = options
        .config
        .services
        .iter()
        .filter(|(k, _)| ws.resolve_service(k) == Some(si))
        .flat_map(|(_, (c, _))| c.profiles.clone())
        .collect();
    let fallback = if !cfg_profiles.is_empty() {
        Some((cfg_profiles, "actuator-lint.toml".to_string()))
    } else if !options.profiles.is_empty() {
        Some((options.profiles.to_vec(), "--profile".to_string()))
    } else if !options.config.profiles.is_empty() {
        Some((options.config.profiles.clone(), "[spring] profiles".to_string()))
    } else {
        None
    };
    let build = build_facts(ws, s);
    let kube_config = matches!(
        find_artifact(&ws.modules, s.module, "org.springframework.cloud", kubeconfig::ARTIFACTS),
        Presence::Present(_)
    );
    let df = dockerfile_for(ws, sources, &s.dir);
    let make = |workload: Option<WorkloadId>,
                container: Option<usize>,
                compose: Option<usize>,
                evidence: String,
                rt: Runtime,
                has_runtime: bool| {
        let top = overlays(&rt);
        let top_eff = Effective {
            layers: top.clone(),
            ..Default::default()
        };
        let (use_classpath, external_files, unseen) = external(&rt, &top_eff);
        let platform = rt.platform.clone().unwrap_or_else(|| {
            Platform::Unknown(Why::new(
                "no workload in the repository runs this service, so its platform is not known",
                None,
            ))
        });
        let bootstrap = match find_artifact(
            &ws.modules,
            s.module,
            "org.springframework.cloud",
            &["spring-cloud-starter-bootstrap"],
        ) {
            Presence::Present(_) => Ok(true),
            _ => Err(Why::new("`bootstrap.*` is read only by the Spring Cloud bootstrap context", None)),
        };
        let env_import = top_eff.lookup("spring.config.import");
        let assemble = |profiles: &ProfileSet| -> Vec<Layer> {
            let input = StackInput {
                profiles,
                platform: &platform,
                boot: &s.boot_version,
                use_classpath,
                external: &external_files,
                bootstrap: bootstrap.clone(),
            };
            let mut layers = s.stack(&input);
            layers.extend(unseen.iter().cloned());
            match &env_import {
                Lookup::Set(f) => {
                    for loc in comma_list(&f.value) {
                        let bare = loc.trim_start_matches("optional:");
                        let scheme = bare.split_once(':').map(|(x, _)| x).unwrap_or("file");
                        if scheme != "classpath" {
                            layers.push(Layer::unseen(
                                format!("`{loc}` (`spring.config.import` in {})", f.layer.label),
                                Why::new(
                                    format!("{} imports `{loc}`, which is not in the repository", f.layer.label),
                                    Some(f.prop.value_span),
                                ),
                            ));
                        }
                    }
                }
                Lookup::Unknown(w) => layers.push(Layer::unseen("`spring.config.import`".into(), w.clone())),
                Lookup::Unset => {}
            }
            layers.extend(top.iter().cloned());
            layers.extend(s.bootstrap_config_server(&input, &top_eff));
            layers
        };
        // Profiles are decided by the sources that are not profile-specific.
        let probe = Effective {
            layers: assemble(&ProfileSet::Known(vec![])),
            ..Default::default()
        };
        let (set, from, span) = profiles(&probe, &fallback, has_runtime);
        let mut layers = assemble(&set);
        // The ConfigMap Spring Cloud Kubernetes reads, named by the settings just decided.
        if let Some(w) = workload.filter(|_| kube_config).map(|w| &ws.workloads[w]) {
            let input = StackInput {
                profiles: &set,
                platform: &platform,
                boot: &s.boot_version,
                use_classpath,
                external: &external_files,
                bootstrap: bootstrap.clone(),
            };
            let eff = Effective {
                layers: layers.clone(),
                ..Default::default()
            };
            let find = |name: &str, ns: &str| {
                ws.config_maps
                    .iter()
                    .rev()
                    .find(|c| c.name.value == name && c.namespace == ns && c.origin.compatible(&w.origin))
            };
            layers.extend(kubeconfig::layers(&eff, &w.namespace, &input, sources, &find));
        }
        let effective = Effective {
            layers,
            profiles: match &set {
                ProfileSet::Known(p) => p.clone(),
                ProfileSet::Unknown { .. } => vec![],
            },
            profiles_from: from,
            profile_set: Some(set),
            profiles_span: span,
        };
        let actuator = effective.actuator_facts(&s.boot_version, &build, &platform);
        Deployment {
            workload,
            container,
            compose,
            evidence,
            effective,
            actuator,
        }
    };
    let mut out: Vec<Deployment> = links
        .iter()
        .map(|(wi, ci, why)| {
            let w = &ws.workloads[*wi];
            let rt = k8s_runtime(ws, sources, w, &w.containers[*ci], df);
            make(Some(*wi), Some(*ci), None, why.clone(), rt, true)
        })
        .collect();
    for (ci, why) in compose_links(ws, sources, si, s) {
        let rt = compose_runtime(ws, sources, &ws.compose_services[ci], df);
        out.push(make(None, None, Some(ci), why, rt, true));
    }
    if out.is_empty() {
        let mut rt = Runtime {
            label: "the image".into(),
            ..Runtime::default()
        };
        if let Some((f, d)) = df {
            dockerfile_env(&mut rt, sources, f, d);
            rt.argv = d
                .entrypoint
                .iter()
                .chain(d.cmd.iter())
                .map(|(w, r)| (w.clone(), Span::new(f, r.clone())))
                .collect();
            rt.argv_label = format!("`ENTRYPOINT` in {}", sources.path(f));
        }
        out.push(make(
            None,
            None,
            None,
            "no workload in the repository runs this service".into(),
            rt,
            false,
        ));
    }
    out
}
