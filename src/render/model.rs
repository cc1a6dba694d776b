//! `actuator-lint model`: what was discovered and linked, with evidence, as text.

use crate::link::{Selection, Via};
use crate::model::build::{find_artifact, Presence};
use crate::model::prometheus::SdResolution;
use crate::source::{SourceSet, Span};
use crate::Analysis;
use std::fmt::Write;

fn at(sources: &SourceSet, span: Span) -> String {
    let (s, _) = sources.line_col(span);
    format!("{}:{}", sources.path(span.file), s.line)
}

pub fn render(sources: &SourceSet, a: &Analysis) -> String {
    let ws = &a.workspace;
    let mut o = String::new();
    let _ = writeln!(o, "services ({}):", ws.services.len());
    for (si, s) in ws.services.iter().enumerate() {
        let m = &ws.modules[s.module];
        let _ = writeln!(o, "  {}", s.name);
        let build = m.build_file.map_or("none".to_string(), |f| sources.path(f).to_string());
        let _ = writeln!(
            o,
            "    module: {} (dir `{}`, build file {build})",
            if m.gradle_path.is_empty() { "-" } else { &m.gradle_path },
            m.dir
        );
        let bv = match s.boot_version.span {
            Some(sp) => format!("{} (from {})", s.boot_version.text, at(sources, sp)),
            None => s.boot_version.text.clone(),
        };
        let _ = writeln!(o, "    spring boot: {bv}");
        if !s.main_classes.is_empty() {
            let _ = writeln!(o, "    main classes: {}", s.main_classes.join(", "));
        }
        let mut files: Vec<&str> = s.layers.iter().map(|l| l.label.as_str()).collect();
        files.dedup();
        let _ = writeln!(
            o,
            "    config files: {}",
            if files.is_empty() { "none".to_string() } else { files.join(", ") }
        );
        let registry = match find_artifact(&ws.modules, s.module, "io.micrometer", crate::model::build::REGISTRY_ARTIFACTS) {
            Presence::Present(chain) => format!(
                "present via {}",
                chain.iter().map(|sp| at(sources, *sp)).collect::<Vec<_>>().join(" → ")
            ),
            Presence::NotPackaged(sp, c) => format!("only in `{c}` at {} (not packaged)", at(sources, sp)),
            Presence::Absent => "absent".into(),
            Presence::Unknown(r) => format!(
                "unknown: {}",
                r.iter()
                    .map(|(w, sp)| format!("{w} ({})", at(sources, *sp)))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        };
        let _ = writeln!(o, "    micrometer-registry-prometheus: {registry}");
        match crate::model::boot::decisive(&ws.boot, si) {
            Some(b) => {
                let _ = writeln!(
                    o,
                    "    boot time: {:.3} s (from {})",
                    b.seconds,
                    crate::model::boot::evidence_text(sources, b)
                );
            }
            None => {
                let _ = writeln!(o, "    boot time: unknown");
            }
        }
        for d in &a.links.deployments[si] {
            let w = d.workload.map_or("(no workload)".to_string(), |w| {
                format!("{} in `{}`", ws.workloads[w].describe(), ws.workloads[w].namespace)
            });
            let _ = writeln!(o, "    deployment: {w} — linked by {}", d.evidence);
            let profiles = if d.effective.profiles.is_empty() {
                "default".to_string()
            } else {
                d.effective.profiles.join(",")
            };
            let from = d
                .effective
                .profiles_from
                .as_deref()
                .map(|f| format!(" (from {f})"))
                .unwrap_or_default();
            let _ = writeln!(o, "      profiles: {profiles}{from}");
            let exp = |id: &str| {
                let inc = d.effective.get_list("management.endpoints.web.exposure.include");
                let decided = inc
                    .map(|l| format!("include `{}` from {}", l.items.join(","), l.layer.label))
                    .unwrap_or_else(|| "default exposure".into());
                format!(
                    "{id}: {} ({decided})",
                    if d.effective.exposed(id, &s.boot_version) {
                        "exposed"
                    } else {
                        "not exposed"
                    }
                )
            };
            let _ = writeln!(o, "      {}", exp("prometheus"));
            let _ = writeln!(o, "      {}", exp("health"));
            let _ = writeln!(
                o,
                "      serves prometheus at {} on port {} ({:?})",
                d.actuator.prometheus_path, d.actuator.port, d.actuator.port_type
            );
        }
        for sc in a.links.scrapes_of(si) {
            let how = match &sc.via {
                Via::Job { .. } => "job",
                Via::Monitor { .. } => "monitor",
            };
            let _ = writeln!(o, "    scraped ({how}) on {} — {}", sc.path, sc.evidence);
        }
    }
    let _ = writeln!(o, "workloads ({}):", ws.workloads.len());
    for w in &ws.workloads {
        let _ = writeln!(o, "  {} in `{}` ({})", w.describe(), w.namespace, at(sources, w.name.span));
    }
    let _ = writeln!(o, "kubernetes services ({}):", ws.kube_services.len());
    for (ki, k) in ws.kube_services.iter().enumerate() {
        let sel: Vec<String> = a.links.kube_service_workloads[ki]
            .iter()
            .map(|w| ws.workloads[*w].describe())
            .collect();
        let _ = writeln!(
            o,
            "  Service `{}` in `{}` → {}",
            k.name.value,
            k.namespace,
            if sel.is_empty() { "no workload".into() } else { sel.join(", ") }
        );
    }
    let _ = writeln!(o, "monitors ({}):", ws.monitors.len());
    for (mi, m) in ws.monitors.iter().enumerate() {
        let sel: Vec<String> = a.links.monitor_services[mi]
            .iter()
            .map(|k| format!("Service `{}`", ws.kube_services[*k].name.value))
            .collect();
        let picked = match &a.links.monitor_selection[mi] {
            Selection::Selected(by) => format!("selected by {by}"),
            Selection::NotSelected { reason, .. } => format!("NOT selected: {reason}"),
            Selection::Unknown(w) => format!("selection unknown: {w}"),
        };
        let _ = writeln!(
            o,
            "  {} `{}` in `{}` → {}; {picked}",
            m.kind_name(),
            m.name.value,
            m.namespace,
            if sel.is_empty() { "nothing".into() } else { sel.join(", ") }
        );
    }
    let _ = writeln!(o, "scrape jobs ({}):", ws.jobs.len());
    for (ji, j) in ws.jobs.iter().enumerate() {
        let _ = writeln!(
            o,
            "  `{}` in {} (metrics_path {})",
            j.name.value,
            at(sources, j.name.span),
            j.path()
        );
        for sd in &j.file_sd {
            let r = match &sd.resolution {
                SdResolution::Files(p, f) => format!("repo `{p}` matches {} file(s)", f.len()),
                SdResolution::Outside(s) => format!("mounted from `{s}`, outside the repository: not checked"),
                SdResolution::Unknown(w) => format!("not resolved: {w}"),
            };
            let _ = writeln!(o, "    file_sd `{}`: {r}", sd.pattern.value);
        }
        for (ti, t) in j.targets.iter().enumerate() {
            let unresolved = a.links.unresolved_targets.contains(&(ji, ti));
            let _ = writeln!(
                o,
                "    target {}{}",
                t.address.value,
                if unresolved {
                    " (matches no service in the repository)"
                } else {
                    ""
                }
            );
        }
    }
    if !ws.gaps.is_empty() {
        let _ = writeln!(o, "not analysed:");
        for g in &ws.gaps {
            let _ = writeln!(o, "  {} ({})", g.message, at(sources, g.span));
        }
    }
    o
}
