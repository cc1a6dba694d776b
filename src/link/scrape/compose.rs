//! Compose service → the Spring services it runs.

use super::Cx;
use crate::model::{ServiceId, Workspace};

/// The Spring services a Compose service runs: by build context, image, or name.
pub(super) fn compose_spring(ws: &Workspace, sources: &crate::source::SourceSet) -> Vec<Vec<ServiceId>> {
    ws.compose_services
        .iter()
        .map(|c| {
            let exact: Vec<ServiceId> = ws
                .services
                .iter()
                .enumerate()
                .filter(|(_, s)| {
                    let m = &ws.modules[s.module];
                    c.build_context
                        .as_deref()
                        .is_some_and(|b| b == m.dir || (m.dir.is_empty() && b.is_empty()))
                })
                .map(|(i, _)| i)
                .collect();
            if !exact.is_empty() {
                return exact;
            }
            let image = c.image.as_deref().map(|i| {
                let no_digest = i.split('@').next().unwrap_or(i);
                let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
                last.split(':').next().unwrap_or(last).to_string()
            });
            let by_name: Vec<ServiceId> = ws
                .services
                .iter()
                .enumerate()
                .filter(|(_, s)| {
                    let m = &ws.modules[s.module];
                    let dir_name = m.dir.rsplit('/').next().unwrap_or("");
                    let names = [s.name.as_str(), dir_name];
                    image
                        .as_deref()
                        .is_some_and(|i| names.iter().any(|n| !n.is_empty() && n.eq_ignore_ascii_case(i)))
                        || c.dns_names()
                            .iter()
                            .any(|d| names.iter().any(|n| !n.is_empty() && n.eq_ignore_ascii_case(d)))
                })
                .map(|(i, _)| i)
                .collect();
            crate::link::compose::nearest(ws, sources, c.file, by_name)
        })
        .collect()
}

pub(super) fn services_of_compose(cx: &Cx<'_>, compose_spring: &[Vec<ServiceId>], ci: usize) -> Vec<ServiceId> {
    let _ = cx;
    compose_spring[ci].clone()
}
