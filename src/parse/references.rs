//! Roles that only a reference in a parsed file explains — a second classification pass after
//! parsing: files a kustomization lists, and files a Compose service bind-mounts into a
//! container whose image names the program that reads them.

use super::compose::volume;
use super::yaml::Node;
use super::Parsed;
use crate::classify::{dir_of, in_tests, sniff, Assigned, Program, Role, Roles};
use crate::file_kind::FileKind;
use crate::source::{normalize_path, FileId, SourceSet};

/// Roles only a reference explains: files a kustomization lists, and files bind-mounted into
/// a Compose container whose image names the program (a Promtail config mounted into
/// `grafana/promtail` is Promtail's whatever its keys). Returns the files whose role changed.
pub fn by_reference(sources: &SourceSet, parsed: &[Parsed], roles: &mut Roles) -> Vec<FileId> {
    let mut changed = Vec::new();
    fn set(roles: &mut Roles, changed: &mut Vec<FileId>, id: FileId, a: Assigned) {
        let old = &roles.0[id.0 as usize];
        if old.role != a.role {
            roles.0[id.0 as usize] = Assigned {
                template: old.template,
                ..a
            };
            changed.push(id);
        }
    }
    for (id, f) in sources.iter() {
        match roles.role(id) {
            Some(Role::Kustomization) => {
                let dir = dir_of(&f.path);
                for root in parsed[id.0 as usize].yaml_roots() {
                    for rel in kustomize_references(root) {
                        let path = if dir.is_empty() { rel.clone() } else { format!("{dir}/{rel}") };
                        let Some(target) = normalize_path(&path).and_then(|p| sources.find(&p)) else {
                            continue;
                        };
                        let t = roles.get(target);
                        if t.role.is_none() && !in_tests(sources.path(target)) {
                            let text = &sources.get(target).text;
                            let a = Assigned {
                                role: Some(Role::KustomizeResource),
                                reason: format!("listed by `{}`", f.path),
                                template: sniff::template(text, true),
                            };
                            roles.0[target.0 as usize] = a;
                            changed.push(target);
                        }
                    }
                }
            }
            Some(Role::Compose) => {
                let dir = dir_of(&f.path);
                let services = parsed[id.0 as usize].yaml_roots().flat_map(|root| {
                    root.at("services")
                        .as_map()
                        .iter()
                        .filter_map(|(k, svc)| Some((k.as_string()?, svc)))
                });
                for (name, svc) in services {
                    let image = svc.at("image").as_string();
                    let Some(program) = image.as_deref().and_then(Program::of_image) else {
                        continue;
                    };
                    for v in svc.at("volumes").as_seq().iter().filter_map(|v| volume(v, dir)) {
                        let Some(repo) = &v.repo_path else { continue };
                        let mounted: Vec<FileId> = match sources.find(repo) {
                            Some(file) => vec![file],
                            None => sources
                                .iter()
                                .filter(|(_, g)| dir_of(&g.path) == repo.as_str())
                                .map(|(gid, _)| gid)
                                .collect(),
                        };
                        for m in mounted {
                            let current = roles.role(m);
                            // A mount decides between the scrape-config readers only; a
                            // rules file or file_sd list in Prometheus' directory stays that.
                            let ambiguous = matches!(current, None | Some(Role::Program(Program::Prometheus)));
                            let reads_config = !matches!(program, Program::Grafana | Program::Prometheus) || current.is_none();
                            if !ambiguous || !reads_config || !matches!(sources.get(m).kind, FileKind::Yaml) {
                                continue;
                            }
                            if current.is_none() && program != Program::Prometheus && !program.scrapes_metrics() {
                                // Recognised only: nothing to gain from a role.
                                continue;
                            }
                            let a = Assigned::new(
                                Role::Program(program),
                                format!(
                                    "mounted by Compose service `{}` (image `{}`) in `{}`",
                                    name,
                                    image.as_deref().unwrap_or(""),
                                    f.path
                                ),
                            );
                            set(roles, &mut changed, m, a);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    changed
}

/// Files a kustomization names: resources, components, patches.
fn kustomize_references(root: &Node) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["resources", "bases", "components", "patchesStrategicMerge", "crds"] {
        for s in root.at(key).as_seq() {
            if let Some(v) = s.as_str() {
                out.push(v.to_string());
            }
        }
    }
    for key in ["patches", "patchesJson6902"] {
        for p in root.at(key).as_seq() {
            if let Some(v) = p.at("path").as_str().or_else(|| p.as_str()) {
                out.push(v.to_string());
            }
        }
    }
    out.retain(|p| !p.contains("://") && !p.ends_with('/'));
    out
}
