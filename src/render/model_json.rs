//! `actuator-lint model --format json`: the same facts as the text `model`, for scripts.
//! Locations are `path:line` strings (relative to the root).

use crate::link::{Selection, Via};
use crate::model::build::{find_artifact, Presence};
use crate::report::Analysis;
use crate::source::{SourceSet, Span};
use serde_json::{json, Value};

fn at(sources: &SourceSet, span: Span) -> String {
    let (s, _) = sources.line_col(span);
    format!("{}:{}", sources.path(span.file), s.line)
}

pub fn render(sources: &SourceSet, a: &Analysis) -> Value {
    let ws = &a.workspace;
    let services: Vec<Value> = ws
        .services
        .iter_enumerated()
        .map(|(si, s)| {
            let m = &ws.modules[s.module];
            let registry = match find_artifact(&ws.modules, s.module, "io.micrometer", crate::model::build::REGISTRY_ARTIFACTS) {
                Presence::Present(chain) => json!({"status": "present", "via": chain.iter().map(|sp| at(sources, *sp)).collect::<Vec<_>>()}),
                Presence::NotPackaged(sp, c) => json!({"status": "not-packaged", "configuration": c, "at": at(sources, sp)}),
                Presence::Absent => json!({"status": "absent"}),
                Presence::Unknown(r) => json!({"status": "unknown", "reasons": r.iter().map(|(w, sp)| json!({"reason": w, "at": at(sources, *sp)})).collect::<Vec<_>>()}),
            };
            let mut files: Vec<&str> = s.layers.iter().map(|l| l.label.as_str()).collect();
            files.dedup();
            let deployments: Vec<Value> = a.links.deployments[si]
                .iter()
                .map(|d| {
                    json!({
                        "workload": d.workload.map(|w| ws.workloads[w].describe().replace('`', "")),
                        "namespace": d.workload.map(|w| ws.workloads[w].namespace.clone()),
                        "evidence": d.evidence,
                        "profiles": d.effective.profiles,
                        "prometheus_exposed": d.effective.exposed("prometheus", &s.boot_version),
                        "health_exposed": d.effective.exposed("health", &s.boot_version),
                        "prometheus_path": d.actuator.serving.prometheus_path(),
                        "health_path": d.actuator.serving.health_path(),
                        "port": d.actuator.facts.port,
                    })
                })
                .collect();
            let scrapes: Vec<Value> = a
                .links
                .scrapes_of(si)
                .map(|sc| {
                    let via = match &sc.via {
                        Via::Job { job, .. } => json!({"job": ws.jobs[*job].name.value}),
                        Via::Monitor { monitor, .. } | Via::PodMonitor { monitor, .. } => {
                            json!({"monitor": ws.monitors[*monitor].name.value})
                        }
                        Via::Annotations { job, .. } => json!({"job": ws.jobs[*job].name.value, "annotations": true}),
                        Via::Registry { job, registered, .. } => json!({"job": ws.jobs[*job].name.value, "registry": registered}),
                    };
                    json!({"via": via, "path": sc.path, "at": at(sources, sc.path_span), "evidence": sc.evidence})
                })
                .collect();
            json!({
                "name": s.name,
                "module": {"gradle_path": m.gradle_path, "dir": m.dir, "build_file": m.build_file.map(|f| sources.path(f).to_string())},
                "spring_boot": {"version": s.boot_version.text, "from": s.boot_version.span.map(|sp| at(sources, sp))},
                "main_classes": s.main_classes,
                "request_mappings": {
                    "complete": s.routes.unknown.is_none(),
                    "unknown": s.routes.unknown.as_ref().map(|w| json!({"why": w.text, "at": w.span.map(|sp| at(sources, sp))})),
                    "routes": s.routes.routes.iter().map(|r| json!({"pattern": r.pattern, "via": r.via, "at": at(sources, r.span)})).collect::<Vec<_>>(),
                },
                "security": s.security.describe(|sp| at(sources, sp)),
                "config_files": files,
                "micrometer_registry_prometheus": registry,
                "boot_seconds": crate::model::boot::decisive(&ws.boot, si).map(|b| b.seconds),
                "deployments": deployments,
                "scrapes": scrapes,
            })
        })
        .collect();
    let workloads: Vec<Value> = ws
        .workloads
        .iter()
        .map(|w| json!({"kind": w.kind, "name": w.name.value, "namespace": w.namespace, "at": at(sources, w.name.span)}))
        .collect();
    let kube_services: Vec<Value> = ws
        .kube_services
        .iter_enumerated()
        .map(|(ki, k)| {
            json!({
                "name": k.name.value,
                "namespace": k.namespace,
                "at": at(sources, k.name.span),
                "workloads": a.links.kube_service_workloads[ki].iter().map(|w| ws.workloads[*w].name.value.clone()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let monitors: Vec<Value> = ws
        .monitors
        .iter_enumerated()
        .map(|(mi, m)| {
            let selection = match &a.links.monitor_selection[mi] {
                Selection::Selected(by) => json!({"selected": true, "by": by}),
                Selection::NotSelected { reason, assumed, .. } => json!({"selected": false, "reason": reason, "assumed": assumed}),
                Selection::Unknown(w) => json!({"selected": null, "reason": w}),
            };
            json!({
                "kind": m.kind_name(),
                "name": m.name.value,
                "namespace": m.namespace,
                "at": at(sources, m.name.span),
                "services": a.links.monitor_services[mi].iter().map(|k| ws.kube_services[*k].name.value.clone()).collect::<Vec<_>>(),
                "selection": selection,
            })
        })
        .collect();
    let jobs: Vec<Value> = ws
        .jobs
        .iter_enumerated()
        .map(|(ji, j)| {
            json!({
                "name": j.name.value,
                "at": at(sources, j.name.span),
                "metrics_path": j.path(),
                "targets": j.targets.iter().enumerate().map(|(ti, t)| json!({
                    "address": t.address.value,
                    "resolved": !a.links.unresolved_targets.contains(&(ji, ti)),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let gaps: Vec<Value> = ws
        .gaps
        .iter()
        .map(|g| json!({"message": g.message, "at": at(sources, g.span), "services": g.services.iter().map(|s| ws.services[*s].name.clone()).collect::<Vec<_>>()}))
        .collect();
    let files: Vec<Value> = sources
        .iter()
        .filter_map(|(id, f)| {
            let r = a.roles.get(id);
            let role = r.role?;
            Some(json!({"path": f.path, "role": role.describe(), "reason": r.reason, "template": r.template.map(|t| t.describe())}))
        })
        .collect();
    let unread: Vec<Value> = crate::classify::unread_summary(&a.roles)
        .into_iter()
        .map(|(reason, count)| json!({"reason": reason, "files": count}))
        .collect();
    json!({
        "version": 1,
        "files": files,
        "files_not_read": unread,
        "services": services,
        "workloads": workloads,
        "kubernetes_services": kube_services,
        "monitors": monitors,
        "scrape_jobs": jobs,
        "gaps": gaps,
    })
}
