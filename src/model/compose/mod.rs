//! Compose as Compose runs it: the project's `.env` and value interpolation (semantics §16).

pub mod interpolate;

use crate::model::prometheus::ComposeService;
use crate::model::{ServiceId, Workspace};
use crate::source::{FileId, SourceSet};

/// The project directory's `.env` (the directory of the Compose file), as `(name, value)`.
pub fn dotenv<'a>(ws: &'a Workspace, sources: &SourceSet, c: &ComposeService) -> Vec<(&'a str, &'a str)> {
    let dir = sources.path(c.file).rsplit_once('/').map_or("", |(d, _)| d);
    let path = if dir.is_empty() {
        ".env".to_string()
    } else {
        format!("{dir}/.env")
    };
    ws.env_files
        .iter()
        .find(|(id, _)| sources.path(*id) == path)
        .map(|(_, e)| e.iter().map(|x| (x.name.as_str(), x.value.as_str())).collect())
        .unwrap_or_default()
}

/// A lookup over `.env` pairs, the last definition winning.
pub fn lookup<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |k: &str| pairs.iter().rev().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
}

/// Of the services a Compose service in `file` could run by name or image, those nearest to the
/// Compose file: the ones whose module shares the longest leading directories with it. When
/// several remain and none shares a directory with it, which one runs is unknown: none.
pub fn nearest(ws: &Workspace, sources: &SourceSet, file: FileId, candidates: Vec<ServiceId>) -> Vec<ServiceId> {
    if candidates.len() <= 1 {
        return candidates;
    }
    let compose_dir: Vec<&str> = sources
        .path(file)
        .split('/')
        .rev()
        .skip(1)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let shared = |s: ServiceId| {
        let dir = &ws.modules[ws.services[s].module].dir;
        dir.split('/')
            .filter(|c| !c.is_empty())
            .zip(&compose_dir)
            .take_while(|(a, b)| a == *b)
            .count()
    };
    let best = candidates.iter().map(|s| shared(*s)).max().unwrap_or(0);
    if best == 0 {
        return Vec::new();
    }
    candidates.into_iter().filter(|s| shared(*s) == best).collect()
}

/// Compose's default override files, read on top of the base file of their directory.
const OVERRIDES: &[&str] = &[
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yaml",
    "docker-compose.override.yml",
];
/// Base files in the order Compose prefers them (semantics §16.5).
const BASES: &[&str] = &["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];

/// Combines files of one project as Compose does: a `compose.override.yaml` service is merged
/// into the base file's service of the same name (mappings merge with the override winning,
/// sequences append, `command`/`entrypoint` are replaced; semantics §16.5), and files a
/// top-level `include` names belong to the including file's project.
pub fn combine(services: &mut Vec<ComposeService>, sources: &SourceSet, includes: &[(String, String)]) {
    let dir_of = |p: &str| p.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    let name_of = |p: &str| p.rsplit('/').next().unwrap_or(p).to_string();
    // The base file of each directory that has an override.
    let mut merged: Vec<bool> = vec![false; services.len()];
    for i in 0..services.len() {
        let path = sources.path(services[i].file).to_string();
        if !OVERRIDES.contains(&name_of(&path).as_str()) {
            continue;
        }
        let dir = dir_of(&path);
        let base_file = BASES.iter().find_map(|b| {
            let p = if dir.is_empty() { (*b).to_string() } else { format!("{dir}/{b}") };
            sources.find(&p)
        });
        let Some(base_file) = base_file else { continue };
        let Some(b) = services
            .iter()
            .position(|x| x.file == base_file && x.name.value == services[i].name.value)
        else {
            continue;
        };
        let o = services[i].clone();
        merge_into(&mut services[b], o);
        merged[i] = true;
    }
    let mut k = 0;
    services.retain(|_| {
        k += 1;
        !merged[k - 1]
    });
    // `include`: the included file's services join the includer's project (transitively).
    for s in services.iter_mut() {
        let mut path = sources.path(s.file).to_string();
        for _ in 0..8 {
            match includes.iter().find(|(included, _)| *included == path) {
                Some((_, by)) => path = by.clone(),
                None => break,
            }
        }
        s.project = dir_of(&path);
    }
    inherit_image(services, sources);
}

/// `extends` copies the base service's configuration under the extending one's (Compose
/// specification, "Extend"): a service that names neither `image` nor `build` runs the base's,
/// so it links to the module that builds it like any other. Only what the image link needs is
/// taken here; the environment, files and mounts of the chain are read where the runtime is
/// assembled (`link/deploy/compose.rs`). Chains are followed a few levels, base first.
fn inherit_image(services: &mut [ComposeService], sources: &SourceSet) {
    for i in 0..services.len() {
        if services[i].image.is_some() || services[i].build_context.is_some() {
            continue;
        }
        let mut cur = i;
        for _ in 0..4 {
            let Some((file, name)) = services[cur].extends.clone() else { break };
            let Some(base) = services
                .iter()
                .enumerate()
                .position(|(bi, b)| bi != cur && b.name.value == name && sources.path(b.file) == file.as_str())
            else {
                break;
            };
            if services[base].image.is_some() || services[base].build_context.is_some() {
                let (image, context, dockerfile) = (
                    services[base].image.clone(),
                    services[base].build_context.clone(),
                    services[base].build_dockerfile.clone(),
                );
                let s = &mut services[i];
                s.image = image;
                s.build_context = context;
                s.build_dockerfile = dockerfile;
                break;
            }
            cur = base;
        }
    }
}

fn merge_into(base: &mut ComposeService, o: ComposeService) {
    macro_rules! replace {
        ($($f:ident),*) => {$(if o.$f.is_some() { base.$f = o.$f; })*};
    }
    replace!(
        container_name,
        hostname,
        image,
        build_context,
        build_dockerfile,
        network_mode,
        extends
    );
    base.aliases.extend(o.aliases);
    base.ports.extend(o.ports);
    for v in o.volumes {
        base.volumes.retain(|x| x.target != v.target);
        base.volumes.push(v);
    }
    base.environment.extend(o.environment);
    base.env_files.extend(o.env_files);
    if !o.command.is_empty() {
        base.command = o.command;
    }
    if !o.entrypoint.is_empty() {
        base.entrypoint = o.entrypoint;
    }
}

/// `include:` entries of a Compose file (strings, or `{path: … | […]}`), relative to the repo
/// root.
pub fn includes(root: &crate::model::tree::Node, path: &str) -> Vec<String> {
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    let mut out = Vec::new();
    for e in root.at("include").as_seq() {
        let paths: Vec<String> = match e.as_string() {
            Some(p) => vec![p],
            None => {
                let p = e.at("path");
                p.as_string()
                    .into_iter()
                    .chain(p.as_seq().iter().filter_map(|x| x.as_string()))
                    .collect()
            }
        };
        out.extend(paths.iter().filter_map(|p| crate::model::build::join_path(dir, p)));
    }
    out
}
