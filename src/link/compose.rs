//! Disambiguating which Spring service a Compose service runs when it is linked by name or
//! image: in a monorepo of independent projects several modules share a name (`gateway`), and a
//! Compose file runs the one of its own project.

use crate::model::{ServiceId, Workspace};
use crate::source::{FileId, SourceSet};

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

#[cfg(test)]
mod tests {
    #[test]
    fn shared_prefix_counts_whole_components() {
        // `jhipster/gateway` and `jhipster-k8s/gateway` share no directory.
        let a: Vec<&str> = "jhipster/gateway".split('/').collect();
        let b: Vec<&str> = "jhipster-k8s/gateway/src/main/docker".split('/').collect();
        assert_eq!(a.iter().zip(&b).take_while(|(x, y)| x == y).count(), 0);
    }
}
