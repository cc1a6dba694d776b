//! The runtime of a Kubernetes workload's container: `envFrom`, `env` (with `$(VAR)`),
//! `command`/`args` over the image's entrypoint, ConfigMap volumes.

use super::runtime::{config_map, dockerfile_env, env_source, expand_k8s, mounted_file, push_env, push_unseen_env, Runtime, Var};
use crate::model::kube::{Container, ValueRef, Workload};
use crate::model::spring::files::embedded;
use crate::model::spring::{Platform, Why};
use crate::model::Workspace;
use crate::parse::dockerfile::Dockerfile;
use crate::source::{FileId, SourceSet, Span};

pub(super) fn k8s_runtime(ws: &Workspace, sources: &SourceSet, w: &Workload, c: &Container, df: Option<(FileId, &Dockerfile)>) -> Runtime {
    let label = format!("{} `{}`", w.kind, w.name.value);
    let mut rt = Runtime {
        label: label.clone(),
        platform: Some(Platform::Kubernetes),
        ..Runtime::default()
    };
    if let Some((f, d)) = df {
        dockerfile_env(&mut rt, sources, f, d);
    }
    // Knative adds `PORT` to the serving container's env (it rejects a user-set `PORT`).
    if let Some(port) = &c.knative_port {
        let var = Var {
            name: "PORT".into(),
            value: Ok(port.value.to_string()),
            span: port.span,
            value_span: port.span,
        };
        push_env(&mut rt, vec![var], format!("`PORT` set by Knative for {label}"));
    }
    for ef in &c.env_from {
        let what = if ef.secret { "Secret" } else { "ConfigMap" };
        match env_source(ws, w, &ef.name, ef.secret) {
            Some(cm) => {
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
                push_env(&mut rt, vars, format!("{what} `{}` (`envFrom` of {label})", ef.name));
            }
            None => push_unseen_env(
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
            (None, Some(r @ (ValueRef::ConfigMap { name, key, .. } | ValueRef::Secret { name, key }))) => {
                let secret = matches!(r, ValueRef::Secret { .. });
                let what = if secret { "Secret" } else { "ConfigMap" };
                match env_source(ws, w, name, secret).and_then(|cm| cm.get(key)) {
                    Some(entry) => {
                        vars.push(Var {
                            name: e.name.clone(),
                            value: Ok(entry.value.clone()),
                            span: e.span,
                            value_span: entry.value_node.span,
                        });
                        continue;
                    }
                    None if secret => Err(format!("comes from key `{key}` of Secret `{name}`")),
                    None => Err(format!("comes from key `{key}` of {what} `{name}`, which is not in the repository")),
                }
            }
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
