//! `actuator-lint graph`: per service, module → workload → Service → monitor/job → Prometheus,
//! from the links (with the same evidence `model` prints). Each diagnostic that names a service
//! marks the link it is about, labelled with its rule: build and exposure findings the
//! module → workload link (the deployed app does not serve metrics), scrape findings the
//! scrape links, probe findings the workload, monitor selection findings monitor → Prometheus.

use crate::diagnostic::{Diagnostic, Severity};
use crate::ids::IdVec;
use crate::link::{Selection, Via};
use crate::model::{MonitorId, ServiceId};
use crate::report::{Analysis, Report};
use crate::rules::{self, Category};
use crate::source::SourceSet;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Default)]
pub struct Node {
    pub id: String,
    pub label: String,
    /// Rules reported on this node itself (probes, analysis gaps): errors and warnings.
    pub broken: BTreeSet<&'static str>,
    /// Info findings on it: drawn apart, since nothing is broken.
    pub notes: BTreeSet<&'static str>,
}

#[derive(Debug, Default)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub label: Option<String>,
    pub broken: BTreeSet<&'static str>,
    /// Info findings on the link: drawn apart from broken links.
    pub notes: BTreeSet<&'static str>,
    /// Selection could not be decided statically.
    pub unknown: bool,
}

/// An error or warning breaks a link; an info finding only annotates it.
fn flag(broken: &mut BTreeSet<&'static str>, notes: &mut BTreeSet<&'static str>, d: &Diagnostic) {
    if d.severity == Severity::Info {
        notes.insert(d.rule);
    } else {
        broken.insert(d.rule);
    }
}

impl Edge {
    fn flag(&mut self, d: &Diagnostic) {
        flag(&mut self.broken, &mut self.notes, d);
    }
}

#[derive(Debug, Default)]
pub struct Graph {
    /// (service name, node ids drawn inside its box).
    pub clusters: Vec<(String, Vec<String>)>,
    pub nodes: BTreeMap<String, Node>,
    pub edges: Vec<Edge>,
}

#[derive(Copy, Clone, PartialEq, Eq)]
enum Place {
    Build,
    Scrape,
    Workload,
    Selection,
    Monitor,
    Module,
}

fn place(rule: &str) -> Place {
    match rule {
        "monitor-not-selected" => Place::Selection,
        "monitor-port-not-found" | "monitor-selects-nothing" => Place::Monitor,
        _ => match rules::by_name(rule).map(|r| r.meta().category) {
            Some(Category::Build | Category::Exposure) => Place::Build,
            Some(Category::Scrape) => Place::Scrape,
            Some(Category::Probes) => Place::Workload,
            _ => Place::Module,
        },
    }
}

impl Graph {
    fn node(&mut self, id: String, label: impl FnOnce() -> String) -> String {
        self.nodes.entry(id.clone()).or_insert_with(|| Node {
            id: id.clone(),
            label: label(),
            ..Node::default()
        });
        id
    }
    fn edge(&mut self, from: &str, to: &str) -> &mut Edge {
        let i = match self.edges.iter().position(|e| e.from == from && e.to == to) {
            Some(i) => i,
            None => {
                self.edges.push(Edge {
                    from: from.into(),
                    to: to.into(),
                    ..Edge::default()
                });
                self.edges.len() - 1
            }
        };
        &mut self.edges[i]
    }
}

fn plain(s: &str) -> String {
    s.replace('`', "")
}

/// The monitor a service-less monitor finding is about: the last one declared at or before it.
fn monitor_of(a: &Analysis, d: &Diagnostic) -> Option<MonitorId> {
    a.workspace
        .monitors
        .iter_enumerated()
        .filter(|(_, m)| m.file == d.primary.span.file && m.name.span.start <= d.primary.span.end)
        .max_by_key(|(_, m)| m.name.span.start)
        .map(|(i, _)| i)
}

pub fn build(sources: &SourceSet, a: &Analysis, report: &Report) -> Graph {
    let ws = &a.workspace;
    let mut g = Graph::default();
    // Per service: the ids of its module, workloads, scrape edges (from, to), monitor ids.
    let mut module_edges: IdVec<ServiceId, Vec<(String, String)>> = IdVec::from_elem(vec![], &ws.services);
    let mut scrape_edges: IdVec<ServiceId, Vec<(String, String)>> = IdVec::from_elem(vec![], &ws.services);
    let mut workloads_of: IdVec<ServiceId, Vec<String>> = IdVec::from_elem(vec![], &ws.services);
    let mut modules: IdVec<ServiceId, String> = IdVec::new();
    for (si, s) in ws.services.iter_enumerated() {
        let m = &ws.modules[s.module];
        let mut members = vec![];
        let mid = g.node(format!("module{si}"), || {
            let path = if m.gradle_path.is_empty() || m.gradle_path == ":" {
                m.dir.clone()
            } else {
                m.gradle_path.clone()
            };
            format!("module {}", if path.is_empty() { s.name.clone() } else { path })
        });
        members.push(mid.clone());
        modules.push(mid.clone());
        for d in &a.links.deployments[si] {
            let Some(w) = d.workload else { continue };
            let wid = g.node(format!("workload{w}"), || plain(&ws.workloads[w].describe()));
            if !members.contains(&wid) {
                members.push(wid.clone());
            }
            workloads_of[si].push(wid.clone());
            g.edge(&mid, &wid);
            module_edges[si].push((mid.clone(), wid.clone()));
            for (ki, wls) in a.links.kube_service_workloads.iter_enumerated() {
                if wls.contains(&w) {
                    let kid = g.node(format!("kservice{ki}"), || format!("Service {}", ws.kube_services[ki].name.value));
                    if !members.contains(&kid) {
                        members.push(kid.clone());
                    }
                    g.edge(&wid, &kid);
                }
            }
        }
        for sc in a.links.scrapes_of(si) {
            let from_workloads: Vec<String> = match sc.deployment.and_then(|i| a.links.deployments[si].get(i)).and_then(|d| d.workload) {
                Some(w) => vec![format!("workload{w}")],
                None if !workloads_of[si].is_empty() => workloads_of[si].clone(),
                None => vec![mid.clone()],
            };
            let (from, to) = match &sc.via {
                Via::Job { job, target } => {
                    let j = &ws.jobs[*job];
                    // A target addressing a Service (by name or ClusterIP) is drawn from it.
                    let host = j
                        .targets
                        .get(*target)
                        .map(|t| t.address.value.split(':').next().unwrap_or("").to_string())
                        .unwrap_or_default();
                    let via_service = ws.kube_services.iter().position(|k| {
                        !host.is_empty()
                            && (k.name.value == host
                                || host.starts_with(&format!("{}.", k.name.value))
                                || k.cluster_ip.as_deref() == Some(host.as_str()))
                    });
                    let from_workloads = match via_service {
                        Some(ki) if g.nodes.contains_key(&format!("kservice{ki}")) => vec![format!("kservice{ki}")],
                        _ => from_workloads,
                    };
                    let jid = g.node(format!("job{job}"), || format!("job {}", j.name.value));
                    let pid = g.node(format!("prometheus{}", j.config), || {
                        format!("Prometheus {}", sources.path(ws.prom_configs[j.config].file))
                    });
                    g.edge(&jid, &pid);
                    (from_workloads, jid)
                }
                Via::Monitor { monitor, kube_service, .. } => {
                    let mon = &ws.monitors[*monitor];
                    let monid = g.node(format!("monitor{monitor}"), || format!("{} {}", mon.kind_name(), mon.name.value));
                    if !members.contains(&monid) {
                        members.push(monid.clone());
                    }
                    (vec![format!("kservice{kube_service}")], monid)
                }
                Via::PodMonitor { monitor, .. } => {
                    let mon = &ws.monitors[*monitor];
                    let monid = g.node(format!("monitor{monitor}"), || format!("{} {}", mon.kind_name(), mon.name.value));
                    if !members.contains(&monid) {
                        members.push(monid.clone());
                    }
                    (from_workloads, monid)
                }
                Via::Registry { job, .. } => {
                    let j = &ws.jobs[*job];
                    let jid = g.node(format!("job{job}"), || format!("job {}", j.name.value));
                    let pid = g.node(format!("prometheus{}", j.config), || {
                        format!("Prometheus {}", sources.path(ws.prom_configs[j.config].file))
                    });
                    g.edge(&jid, &pid);
                    (from_workloads, jid)
                }
                Via::Annotations {
                    job,
                    workload,
                    kube_service,
                } => {
                    let j = &ws.jobs[*job];
                    let from = match kube_service {
                        Some(ki) if g.nodes.contains_key(&format!("kservice{ki}")) => vec![format!("kservice{ki}")],
                        _ => vec![format!("workload{workload}")],
                    };
                    let jid = g.node(format!("job{job}"), || format!("job {}", j.name.value));
                    let pid = g.node(format!("prometheus{}", j.config), || {
                        format!("Prometheus {}", sources.path(ws.prom_configs[j.config].file))
                    });
                    g.edge(&jid, &pid);
                    (from, jid)
                }
            };
            for f in from {
                if !g.nodes.contains_key(&f) {
                    continue;
                }
                let e = g.edge(&f, &to);
                e.label = Some(sc.path.clone());
                scrape_edges[si].push((f, to.clone()));
            }
        }
        g.clusters.push((s.name.clone(), members));
    }
    // Monitors → Prometheus (operator), whether or not they reach a service.
    for (mi, mon) in ws.monitors.iter_enumerated() {
        let monid = g.node(format!("monitor{mi}"), || format!("{} {}", mon.kind_name(), mon.name.value));
        let pid = g.node("prometheusOperator".into(), || {
            let names: Vec<&str> = ws.prometheus_crs.iter().map(|p| p.name.value.as_str()).collect();
            if names.is_empty() {
                "Prometheus (operator, selector assumed)".into()
            } else {
                format!("Prometheus {}", names.join(", "))
            }
        });
        match &a.links.monitor_selection[mi] {
            Selection::Selected(_) => {
                g.edge(&monid, &pid);
            }
            Selection::NotSelected { .. } => {
                g.edge(&monid, &pid).broken.insert("monitor-not-selected");
            }
            Selection::Unknown(_) => {
                g.edge(&monid, &pid).unknown = true;
            }
        }
    }
    // Mark what the diagnostics say is broken (errors, warnings) or worth a note (infos).
    for d in &report.diagnostics {
        let si = d.service.as_deref().and_then(|s| ws.service_by_name(s));
        match (place(d.rule), si) {
            (Place::Build, Some(si)) => {
                for (f, t) in module_edges[si].clone() {
                    g.edge(&f, &t).flag(d);
                }
                if module_edges[si].is_empty() {
                    mark_node(&mut g, &modules[si], d);
                }
            }
            (Place::Scrape, Some(si)) => {
                for (f, t) in scrape_edges[si].clone() {
                    g.edge(&f, &t).flag(d);
                }
            }
            (Place::Workload, Some(si)) => {
                for w in workloads_of[si].clone() {
                    mark_node(&mut g, &w, d);
                }
            }
            (Place::Selection, _) => {
                if let Some(mi) = monitor_of(a, d) {
                    g.edge(&format!("monitor{mi}"), "prometheusOperator").flag(d);
                }
            }
            (Place::Monitor, _) => {
                if let Some(mi) = monitor_of(a, d) {
                    let monid = format!("monitor{mi}");
                    let mut into: Vec<usize> = (0..g.edges.len()).filter(|i| g.edges[*i].to == monid).collect();
                    if into.is_empty() {
                        // The Services the monitor was probably meant for (their pod selector
                        // matches its selector), drawn as a broken link.
                        for ki in a.links.monitor_near_misses.get(mi).cloned().unwrap_or_default() {
                            let kid = format!("kservice{ki}");
                            if g.nodes.contains_key(&kid) {
                                g.edge(&kid, &monid);
                                into.push(g.edges.iter().position(|e| e.from == kid && e.to == monid).unwrap_or(0));
                            }
                        }
                    }
                    if into.is_empty() {
                        mark_node(&mut g, &monid, d);
                    }
                    for i in into {
                        g.edges[i].flag(d);
                    }
                }
            }
            (Place::Module, Some(si)) => mark_node(&mut g, &modules[si], d),
            _ => {}
        }
    }
    g
}

fn mark_node(g: &mut Graph, id: &str, d: &Diagnostic) {
    if let Some(n) = g.nodes.get_mut(id) {
        flag(&mut n.broken, &mut n.notes, d);
    }
}

fn edge_text(e: &Edge) -> Option<String> {
    let mut parts: Vec<String> = e.label.iter().cloned().collect();
    parts.extend(e.broken.iter().map(|r| format!("✗ {r}")));
    parts.extend(e.notes.iter().map(|r| format!("ℹ {r}")));
    if e.unknown {
        parts.push("? selection unknown".into());
    }
    (!parts.is_empty()).then(|| parts.join(" / "))
}

fn node_text(n: &Node) -> String {
    let mut t = n.label.clone();
    for r in &n.broken {
        t.push_str(&format!("\n✗ {r}"));
    }
    for r in &n.notes {
        t.push_str(&format!("\nℹ {r}"));
    }
    t
}

fn in_cluster(g: &Graph) -> BTreeSet<&str> {
    g.clusters.iter().flat_map(|(_, m)| m.iter().map(String::as_str)).collect()
}

fn mermaid_text(s: &str) -> String {
    s.replace('"', "#quot;").replace('\n', "<br/>")
}

/// Mermaid `flowchart` (GitHub renders it in Markdown). Broken links (errors, warnings) are
/// red, dashed and labelled `✗ rule`; nodes with such findings are red boxes. Info findings are
/// blue and labelled `ℹ rule`: the link works.
pub fn mermaid(g: &Graph) -> String {
    let mut o = String::from("flowchart LR\n");
    let seen = in_cluster(g);
    let mut drawn = BTreeSet::new();
    for (ci, (name, members)) in g.clusters.iter().enumerate() {
        o.push_str(&format!("  subgraph svc{ci}[\"{}\"]\n", mermaid_text(name)));
        for id in members {
            if drawn.insert(id.as_str()) {
                let n = &g.nodes[id];
                o.push_str(&format!("    {}[\"{}\"]\n", n.id, mermaid_text(&node_text(n))));
            }
        }
        o.push_str("  end\n");
    }
    for n in g.nodes.values().filter(|n| !seen.contains(n.id.as_str())) {
        o.push_str(&format!("  {}[\"{}\"]\n", n.id, mermaid_text(&node_text(n))));
    }
    let mut red = vec![];
    let mut blue = vec![];
    for (i, e) in g.edges.iter().enumerate() {
        let arrow = if !e.broken.is_empty() || e.unknown { "-.->" } else { "-->" };
        match edge_text(e) {
            Some(t) => o.push_str(&format!("  {} {arrow}|\"{}\"| {}\n", e.from, mermaid_text(&t), e.to)),
            None => o.push_str(&format!("  {} {arrow} {}\n", e.from, e.to)),
        }
        if !e.broken.is_empty() {
            red.push(i.to_string());
        } else if !e.notes.is_empty() {
            blue.push(i.to_string());
        }
    }
    o.push_str("  classDef broken fill:#fde8e8,stroke:#c62828,color:#8e0000\n");
    let broken_nodes: Vec<&str> = g.nodes.values().filter(|n| !n.broken.is_empty()).map(|n| n.id.as_str()).collect();
    if !broken_nodes.is_empty() {
        o.push_str(&format!("  class {} broken\n", broken_nodes.join(",")));
    }
    let noted: Vec<&str> = g
        .nodes
        .values()
        .filter(|n| n.broken.is_empty() && !n.notes.is_empty())
        .map(|n| n.id.as_str())
        .collect();
    if !noted.is_empty() {
        o.push_str("  classDef note fill:#e8f0fe,stroke:#1565c0,color:#0d47a1\n");
        o.push_str(&format!("  class {} note\n", noted.join(",")));
    }
    if !blue.is_empty() {
        o.push_str(&format!("  linkStyle {} stroke:#1565c0,color:#1565c0\n", blue.join(",")));
    }
    if !red.is_empty() {
        o.push_str(&format!(
            "  linkStyle {} stroke:#c62828,stroke-width:2px,color:#c62828\n",
            red.join(",")
        ));
    }
    o
}

fn dot_text(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// Graphviz `dot`.
pub fn dot(g: &Graph) -> String {
    let mut o = String::from(
        "digraph actuator_lint {\n  rankdir=LR;\n  fontname=\"Helvetica\";\n  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n",
    );
    let node_line = |n: &Node| {
        let style = if !n.broken.is_empty() {
            ", color=\"#c62828\", fillcolor=\"#fde8e8\"".to_string()
        } else if !n.notes.is_empty() {
            ", color=\"#1565c0\", fillcolor=\"#e8f0fe\"".to_string()
        } else {
            String::new()
        };
        format!("\"{}\" [label=\"{}\"{style}];\n", n.id, dot_text(&node_text(n)))
    };
    let seen = in_cluster(g);
    let mut drawn = BTreeSet::new();
    for (ci, (name, members)) in g.clusters.iter().enumerate() {
        o.push_str(&format!(
            "  subgraph cluster_{ci} {{\n    label=\"{}\";\n    style=rounded;\n",
            dot_text(name)
        ));
        for id in members {
            if drawn.insert(id.as_str()) {
                o.push_str("    ");
                o.push_str(&node_line(&g.nodes[id]));
            }
        }
        o.push_str("  }\n");
    }
    for n in g.nodes.values().filter(|n| !seen.contains(n.id.as_str())) {
        o.push_str("  ");
        o.push_str(&node_line(n));
    }
    for e in &g.edges {
        let mut attrs = vec![];
        if let Some(t) = edge_text(e) {
            attrs.push(format!("label=\"{}\"", dot_text(&t)));
        }
        if !e.broken.is_empty() {
            attrs.push("color=\"#c62828\", fontcolor=\"#c62828\", style=dashed, penwidth=2".into());
        } else if !e.notes.is_empty() {
            attrs.push("color=\"#1565c0\", fontcolor=\"#1565c0\"".into());
        } else if e.unknown {
            attrs.push("style=dotted".into());
        }
        o.push_str(&format!("  \"{}\" -> \"{}\" [{}];\n", e.from, e.to, attrs.join(", ")));
    }
    o.push_str("}\n");
    o
}
