//! Spring Cloud Kubernetes ConfigMap property sources (semantics §18.4).
//!
//! With spring-cloud-kubernetes config on the classpath, the application reads the ConfigMap
//! named by `spring.cloud.kubernetes.config.name` (else `spring.application.name`, else
//! `application`) in its own namespace through the Kubernetes API. That ConfigMap is a
//! property source like a mounted one: its file-style keys are parsed as files, its other
//! keys are properties. When it is not in the repository, what it could set is unknown.

use super::files::{embedded, name_parts};
use super::lookup::{Effective, Lookup};
use super::stack::StackInput;
use super::{props_layer, ConfigFile, Layer, Origin, Why};
use crate::model::kube::ConfigMap;
use crate::source::SourceSet;

/// Artifacts that bring the ConfigMap property source (client, fabric8, and the pre-3.0 names).
pub const ARTIFACTS: &[&str] = &[
    "spring-cloud-starter-kubernetes-client-config",
    "spring-cloud-starter-kubernetes-fabric8-config",
    "spring-cloud-starter-kubernetes-config",
    "spring-cloud-starter-kubernetes-client-all",
    "spring-cloud-starter-kubernetes-fabric8-all",
    "spring-cloud-starter-kubernetes-all",
    "spring-cloud-kubernetes-client-config",
    "spring-cloud-kubernetes-fabric8-config",
    "spring-cloud-kubernetes-config",
];

/// The layers the ConfigMap property source adds (lowest precedence first), or one unseen
/// layer when it cannot be read. `find` looks a ConfigMap up by name and namespace.
pub fn layers<'a>(
    eff: &Effective,
    namespace: &str,
    input: &StackInput<'_>,
    sources: &SourceSet,
    find: &dyn Fn(&str, &str) -> Option<&'a ConfigMap>,
) -> Vec<Layer> {
    if let Lookup::Set(f) = eff.lookup("spring.cloud.kubernetes.config.enabled") {
        if f.value.trim().eq_ignore_ascii_case("false") {
            return vec![];
        }
    }
    let unseen = |why: Why| vec![Layer::unseen("a Spring Cloud Kubernetes ConfigMap".into(), why)];
    // Several sources, or a name or namespace that cannot be read: not modelled, unknown.
    match eff.list("spring.cloud.kubernetes.config.sources") {
        Lookup::Set(l) => {
            let text = format!(
                "`spring.cloud.kubernetes.config.sources` in {} lists the ConfigMaps Spring Cloud Kubernetes reads, which may set anything",
                l.layer.label
            );
            return unseen(Why::new(text, l.props.first().map(|p| p.value_span)));
        }
        Lookup::Unknown(w) => return unseen(w),
        Lookup::Unset => {}
    }
    let app = match eff.lookup("spring.application.name") {
        Lookup::Set(f) => Some(f.value.trim().to_string()),
        Lookup::Unset => None,
        Lookup::Unknown(w) => return unseen(w),
    };
    let (name, name_from) = match eff.lookup("spring.cloud.kubernetes.config.name") {
        Lookup::Set(f) => (
            f.value.trim().to_string(),
            (format!("`{}` in {}", f.prop.key, f.layer.label), Some(f.prop.value_span)),
        ),
        Lookup::Unknown(w) => return unseen(w),
        Lookup::Unset => {
            let name = app.clone().unwrap_or_else(|| "application".into());
            (name, ("its default (`spring.application.name`)".to_string(), None))
        }
    };
    let ns = match eff.lookup("spring.cloud.kubernetes.config.namespace") {
        Lookup::Set(f) => f.value.trim().to_string(),
        Lookup::Unknown(w) => return unseen(w),
        Lookup::Unset => namespace.to_string(),
    };
    let Some(cm) = find(&name, &ns) else {
        return unseen(Why::new(
            format!(
                "Spring Cloud Kubernetes reads ConfigMap `{name}` in namespace `{ns}` (named by {}), which is not in the repository",
                name_from.0
            ),
            name_from.1,
        ));
    };
    let stems: Vec<&str> = app.iter().map(String::as_str).chain(["application"]).collect();
    let single = cm.data.len() == 1;
    let mut files: Vec<ConfigFile> = Vec::new();
    let mut plain: Vec<(String, String, crate::source::Span)> = Vec::new();
    // `Some(None)`: the application's (or `application`'s) file; `Some(Some(p))`: its
    // profile `p`; `None`: another application's.
    let profile_of = |stem: &str| -> Option<Option<String>> {
        stems.iter().find_map(|s| match stem.strip_prefix(s) {
            Some("") => Some(None),
            Some(r) => r.strip_prefix('-').filter(|p| !p.is_empty()).map(|p| Some(p.to_string())),
            None => None,
        })
    };
    for e in &cm.data {
        let key = e.key.value.as_str();
        let Some((stem, ext_rank, properties)) = name_parts(key) else {
            plain.push((key.to_string(), e.value.clone(), e.key.span));
            continue;
        };
        // A ConfigMap with a single file-style key is read whatever the key is called.
        let profile = match profile_of(stem) {
            Some(p) => p,
            None if single => None,
            None => continue,
        };
        let label = format!("`{key}` of ConfigMap `{}` (read by Spring Cloud Kubernetes)", cm.name.value);
        let file = e.value_node.file();
        if let Some(docs) = embedded(&sources.get(file).text, key, &e.value_node, &label) {
            files.push(ConfigFile::external(file, label, profile, ext_rank, properties, docs));
        }
    }
    let mut out = super::stack::group_layers(&files, input);
    if !plain.is_empty() {
        // Plain keys win over file-style ones.
        out.push(props_layer(
            Origin::File {
                file: cm.file,
                document: 0,
            },
            &plain,
            format!("keys of ConfigMap `{}` (read by Spring Cloud Kubernetes)", cm.name.value),
        ));
    }
    out
}
