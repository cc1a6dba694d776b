//! Workload ↔ module by the image the module builds (semantics §20). An image named explicitly
//! by one module links to it whatever the names; named by several, the link is unknown. A
//! tool's default name (`docker.io/library/<project>`) links only when it is one module's: the
//! same name shared by several projects of a monorepo is left to the name rules, which know
//! which project is nearest.

use crate::model::image::name::UNKNOWN;
use crate::model::prometheus::ComposeService;
use crate::model::{ServiceId, Workspace};
use crate::source::SourceSet;

#[derive(Debug, PartialEq, Eq)]
pub enum ByImage {
    /// One module builds it, and it runs as this service.
    Built { service: ServiceId, evidence: String },
    /// Several modules name it: which one runs is unknown (an `analysis-gap` says so).
    Ambiguous,
    /// No module names it, or only a block whose reach to the module cannot be evaluated.
    Unlinked,
}

/// `image` may hold [`UNKNOWN`] parts. `near` narrows explicit rivals (a Compose file runs its
/// own project's module).
pub fn by_image(ws: &Workspace, sources: &SourceSet, image: &str, near: Option<&dyn Fn(Vec<ServiceId>) -> Vec<ServiceId>>) -> ByImage {
    let b = ws.images.builders(image);
    if b.modules.is_empty() {
        return ByImage::Unlinked;
    }
    let default = b.evidence.iter().all(|e| e.default);
    let mut services: Vec<ServiceId> = ws
        .services
        .iter_enumerated()
        .filter(|(_, s)| b.modules.contains(&s.module))
        .map(|(i, _)| i)
        .collect();
    if services.len() > 1 {
        if let Some(near) = near {
            services = near(services);
        }
    }
    match services.as_slice() {
        // Named only by a block that may not reach the module: the image links nothing (a gap
        // says so); the name rules still may.
        [si] if b
            .evidence
            .iter()
            .filter(|e| e.module == ws.services[*si].module)
            .all(|e| e.uncertain) =>
        {
            ByImage::Unlinked
        }
        [si] => {
            let module = ws.services[*si].module;
            let evidence = b
                .evidence
                .iter()
                .filter(|e| e.module == module)
                .map(|e| e.describe(sources))
                .collect::<Vec<_>>()
                .join("; ");
            ByImage::Built {
                service: *si,
                evidence: format!("image `{}`: {evidence}", image.replace(UNKNOWN, "…")),
            }
        }
        _ if default => ByImage::Unlinked,
        [] => ByImage::Unlinked,
        _ => ByImage::Ambiguous,
    }
}

/// The image a Compose service runs, interpolated from its project's `.env`.
pub fn compose_image(ws: &Workspace, sources: &SourceSet, c: &ComposeService) -> Option<String> {
    let img = c.image.as_deref()?;
    let pairs = crate::model::compose::dotenv(ws, sources, c);
    let resolved = crate::model::compose::interpolate::interpolate_marking(img, &crate::model::compose::lookup(&pairs), UNKNOWN);
    Some(resolved)
}
