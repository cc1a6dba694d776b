//! Compose service → the Spring services it runs.

use super::Cx;
use crate::model::{ServiceId, Workspace};

/// The Spring services a Compose service runs: by what its build packages, the module that
/// builds its image, build context, image name, or name.
pub(super) fn compose_spring(ws: &Workspace, sources: &crate::source::SourceSet) -> Vec<Vec<ServiceId>> {
    use crate::link::image::{by_image, compose_image, ByImage};
    ws.compose_services
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            // What the build's Dockerfile packages, or the module that builds the image.
            if let Some((mi, _)) = ws.images.compose_module.get(ci).and_then(Option::as_ref) {
                return ws
                    .services
                    .iter_enumerated()
                    .filter(|(_, s)| s.module == *mi)
                    .map(|(i, _)| i)
                    .collect();
            }
            let interpolated = compose_image(ws, sources, c);
            if c.build_context.is_none() {
                if let Some(img) = &interpolated {
                    let near = |v: Vec<ServiceId>| crate::model::compose::nearest(ws, sources, c.file, v);
                    match by_image(ws, sources, img, Some(&near)) {
                        ByImage::Built { service, .. } => return vec![service],
                        ByImage::Ambiguous => return vec![],
                        ByImage::Unlinked => {}
                    }
                }
            }
            let exact: Vec<ServiceId> = ws
                .services
                .iter_enumerated()
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
            let image = interpolated.as_deref().map(|i| {
                let no_digest = i.split('@').next().unwrap_or(i);
                let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
                last.split(':').next().unwrap_or(last).to_string()
            });
            let by_name: Vec<ServiceId> = ws
                .services
                .iter_enumerated()
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
