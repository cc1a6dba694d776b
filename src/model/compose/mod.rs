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
