//! The runtime of a Compose service (with the services it `extends`): `env_file`,
//! `environment`, `entrypoint`/`command`, bind mounts.

use super::runtime::{dockerfile_env, file_layers, mounted_file, push_env, push_unseen_env, Runtime, Var};
use crate::model::prometheus::ComposeService;
use crate::model::spring::files::name_parts;
use crate::model::spring::{Platform, Why};
use crate::model::Workspace;
use crate::parse::dockerfile::Dockerfile;
use crate::source::{FileId, SourceSet, Span};

/// A Compose service and the services it `extends`, base first (bounded).
fn compose_chain<'a>(ws: &'a Workspace, sources: &SourceSet, ci: usize) -> Vec<&'a ComposeService> {
    let mut chain = vec![ci];
    let mut cur = ci;
    for _ in 0..4 {
        let Some((file, name)) = &ws.compose_services[cur].extends else {
            break;
        };
        let Some(base) = ws
            .compose_services
            .iter()
            .enumerate()
            .find(|(bi, b)| *bi != cur && b.name.value == *name && sources.path(b.file) == file.as_str())
            .map(|(bi, _)| bi)
        else {
            break;
        };
        chain.push(base);
        cur = base;
    }
    chain.into_iter().rev().map(|i| &ws.compose_services[i]).collect()
}

pub(super) fn compose_runtime(ws: &Workspace, sources: &SourceSet, ci: usize, df: Option<(FileId, &Dockerfile)>) -> Runtime {
    let c = &ws.compose_services[ci];
    let label = format!("Compose service `{}`", c.name.value);
    let mut rt = Runtime {
        label: label.clone(),
        platform: Some(Platform::Other("Docker Compose".into())),
        ..Runtime::default()
    };
    if let Some((f, d)) = df {
        dockerfile_env(&mut rt, sources, f, d);
    }
    let chain = compose_chain(ws, sources, ci);
    // The project's `.env` feeds `${VAR}` interpolation (semantics §16.4).
    let pairs = crate::model::compose::dotenv(ws, sources, c);
    let env = crate::model::compose::lookup(&pairs);
    let interpolate = |v: &str| -> Result<String, String> {
        crate::model::compose::interpolate::interpolate(v, &env)
            .map_err(|name| format!("is interpolated by Compose from `${{{name}}}`, which the shell running Compose may set"))
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
