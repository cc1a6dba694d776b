//! Helm, as far as a linter can see it without rendering: charts (whose `templates/` are not
//! YAML until rendered), releases declared in Flux `HelmRelease`, Argo CD `Application` and
//! `helmfile.yaml` (which give the release *name*, which kube-prometheus-stack puts into its
//! default ServiceMonitor selector `release: <name>`), and kube-prometheus-stack values
//! (semantics §8).

use super::kube::{read_stack_values, StackValues};
use super::tree::{embedded_documents, Node};
use crate::parse::yaml::Limits;
use crate::parse::Parsed;
use crate::source::{FileId, SourceSet, Spanned};
use std::collections::BTreeSet;

#[derive(Clone, Debug)]
pub struct Chart {
    /// Directory of the chart (where `Chart.yaml` is, or the parent of `templates/`).
    pub dir: String,
    pub name: String,
    pub templates: Vec<FileId>,
    /// `dependencies:` of `Chart.yaml`: (chart name, alias, where the entry is).
    pub dependencies: Vec<(String, Option<String>, crate::source::Span)>,
}

/// A Helm release the repository declares.
#[derive(Clone, Debug)]
pub struct Release {
    pub name: Spanned<String>,
    pub chart: String,
    /// Inline values (HelmRelease `spec.values`, Argo `helm.valuesObject`/`values`).
    pub values: Vec<Node>,
    /// Values files in the repository (helmfile `values:`).
    pub value_files: Vec<FileId>,
}

fn is_stack_chart(chart: &str) -> bool {
    chart
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .is_some_and(|c| c == "kube-prometheus-stack")
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Charts with their template files.
pub fn charts(sources: &SourceSet, parsed: &[Parsed]) -> Vec<Chart> {
    let mut out: Vec<Chart> = Vec::new();
    for (id, f) in sources.iter() {
        if f.path.rsplit('/').next() != Some("Chart.yaml") {
            continue;
        }
        let root = parsed[id.0 as usize].yaml_roots().next();
        let dir = dir_of(&f.path).to_string();
        let name = root
            .as_ref()
            .and_then(|r| r.at("name").as_string())
            .unwrap_or_else(|| dir.rsplit('/').next().unwrap_or("").to_string());
        let dependencies = root
            .as_ref()
            .map(|r| {
                r.at("dependencies")
                    .as_seq()
                    .iter()
                    .filter_map(|d| Some((d.at("name").as_string()?, d.at("alias").as_string(), d.span)))
                    .collect()
            })
            .unwrap_or_default();
        out.push(Chart {
            dir,
            name,
            templates: vec![],
            dependencies,
        });
    }
    for (id, f) in sources.iter() {
        if !matches!(parsed[id.0 as usize], Parsed::HelmTemplate) {
            continue;
        }
        // The nearest enclosing chart, else the directory above `templates/`.
        let owner = out
            .iter()
            .enumerate()
            .filter(|(_, c)| c.dir.is_empty() || f.path.starts_with(&format!("{}/", c.dir)))
            .max_by_key(|(_, c)| c.dir.len())
            .map(|(i, _)| i);
        match owner {
            Some(i) => out[i].templates.push(id),
            None => {
                let dir = f
                    .path
                    .find("/templates/")
                    .map_or_else(|| dir_of(&f.path).to_string(), |i| f.path[..i].to_string());
                match out.iter_mut().find(|c| c.dir == dir) {
                    Some(c) => c.templates.push(id),
                    None => out.push(Chart {
                        name: dir.rsplit('/').next().unwrap_or("").to_string(),
                        dir,
                        templates: vec![id],
                        dependencies: vec![],
                    }),
                }
            }
        }
    }
    out
}

/// Releases from Flux `HelmRelease`, Argo CD `Application` and `helmfile.yaml`.
pub fn releases(sources: &SourceSet, parsed: &[Parsed], limits: &Limits) -> Vec<Release> {
    let mut out = Vec::new();
    for (id, f) in sources.iter() {
        let docs: Vec<&Node> = parsed[id.0 as usize].yaml_roots().collect();
        let name = f.path.rsplit('/').next().unwrap_or("");
        if name.starts_with("helmfile") {
            let dir = dir_of(&f.path);
            for d in &docs {
                for r in d.at("releases").as_seq() {
                    let (Some(rn), Some(chart)) = (r.at("name").spanned_string(), r.at("chart").as_string()) else {
                        continue;
                    };
                    let mut values = Vec::new();
                    let mut value_files = Vec::new();
                    for v in r.at("values").as_seq() {
                        if v.is_map() {
                            values.push(v.clone());
                        } else if let Some(p) = v.as_str() {
                            let path = if dir.is_empty() { p.to_string() } else { format!("{dir}/{p}") };
                            if let Some(fid) = crate::source::normalize_path(&path).and_then(|p| sources.find(&p)) {
                                value_files.push(fid);
                            }
                        }
                    }
                    out.push(Release {
                        name: rn,
                        chart,
                        values,
                        value_files,
                    });
                }
            }
            continue;
        }
        for d in &docs {
            let api = d.at("apiVersion").as_str().unwrap_or("");
            match d.at("kind").as_str() {
                Some("HelmRelease") if api.starts_with("helm.toolkit.fluxcd.io") => {
                    let spec = d.at("spec");
                    let Some(chart) = spec.path(&["chart", "spec", "chart"]).and_then(|c| c.as_string()) else {
                        continue;
                    };
                    let Some(rn) = spec
                        .at("releaseName")
                        .spanned_string()
                        .or_else(|| d.at("metadata").at("name").spanned_string())
                    else {
                        continue;
                    };
                    out.push(Release {
                        name: rn,
                        chart,
                        values: spec.get("values").filter(|v| v.is_map()).cloned().into_iter().collect(),
                        value_files: vec![],
                    });
                }
                Some("Application") if api.starts_with("argoproj.io") => {
                    let spec = d.at("spec");
                    let mut srcs: Vec<&Node> = spec.get("source").into_iter().collect();
                    srcs.extend(spec.at("sources").as_seq());
                    for s in srcs {
                        let Some(chart) = s.at("chart").as_string() else { continue };
                        let helm = s.at("helm");
                        let Some(rn) = helm
                            .at("releaseName")
                            .spanned_string()
                            .or_else(|| d.at("metadata").at("name").spanned_string())
                        else {
                            continue;
                        };
                        let mut values: Vec<Node> = helm.get("valuesObject").filter(|v| v.is_map()).cloned().into_iter().collect();
                        if let Some(v) = helm.get("values").filter(|v| v.as_str().is_some()) {
                            values.extend(embedded_documents(v, &f.text, limits).unwrap_or_default());
                        }
                        out.push(Release {
                            name: rn,
                            chart,
                            values,
                            value_files: vec![],
                        });
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// kube-prometheus-stack values: from releases (with their name), umbrella charts (values
/// under the dependency key), and any other values file that sets `prometheus.prometheusSpec`.
pub fn stack_values(
    sources: &SourceSet,
    parsed: &[Parsed],
    charts: &[Chart],
    releases: &[Release],
    skip: &BTreeSet<FileId>,
) -> Vec<StackValues> {
    let mut out = Vec::new();
    let mut used: BTreeSet<FileId> = BTreeSet::new();
    for r in releases.iter().filter(|r| is_stack_chart(&r.chart)) {
        let mut found = false;
        for v in &r.values {
            if let Some(mut s) = read_stack_values(v, None) {
                s.release = Some(r.name.clone());
                out.push(s);
                found = true;
            }
        }
        for &f in &r.value_files {
            used.insert(f);
            for root in parsed[f.0 as usize].yaml_roots() {
                if let Some(mut s) = read_stack_values(root, None) {
                    s.release = Some(r.name.clone());
                    out.push(s);
                    found = true;
                }
            }
        }
        if !found {
            // Default values: the selector is `release: <name>`.
            out.push(StackValues {
                file: r.name.span.file,
                span: r.name.span,
                service_monitor_selector: None,
                pod_monitor_selector: None,
                release: Some(r.name.clone()),
                additional_scrape_configs: None,
            });
        }
    }
    for c in charts {
        let Some((dep, alias, _)) = c.dependencies.iter().find(|(n, _, _)| n == "kube-prometheus-stack") else {
            continue;
        };
        let key = alias.clone().unwrap_or_else(|| dep.clone());
        for (id, f) in sources.iter() {
            let name = f.path.rsplit('/').next().unwrap_or("");
            if dir_of(&f.path) != c.dir || !(name.starts_with("values") && (name.ends_with(".yaml") || name.ends_with(".yml"))) {
                continue;
            }
            used.insert(id);
            for root in parsed[id.0 as usize].yaml_roots() {
                if let Some(s) = read_stack_values(root, Some(&key)) {
                    out.push(s);
                }
            }
        }
    }
    for (id, _) in sources.iter() {
        if used.contains(&id) || skip.contains(&id) {
            continue;
        }
        for root in parsed[id.0 as usize].yaml_roots() {
            if super::kube::is_object(root) || root.get("scrape_configs").is_some() {
                continue;
            }
            if let Some(s) = read_stack_values(root, None) {
                out.push(s);
            }
        }
    }
    out
}
