//! `actuator-lint model`: what was discovered and linked, with evidence, as text.

use crate::link::{Deployment, Selection, Via};
use crate::model::build::{lookup, Hop, ACTUATOR_ARTIFACTS, ACTUATOR_GROUP, REGISTRY_ARTIFACTS, REGISTRY_GROUP};
use crate::model::prometheus::SdResolution;
use crate::model::spring::{Fact, Origin, PortType, ProfileSet, Why};
use crate::report::Analysis;
use crate::source::{SourceSet, Span};
use std::fmt::Write;

fn at(sources: &SourceSet, span: Span) -> String {
    let (s, _) = sources.line_col(span);
    format!("{}:{}", sources.path(span.file), s.line)
}

pub fn render(sources: &SourceSet, a: &Analysis) -> String {
    let ws = &a.workspace;
    let mut o = String::new();
    let _ = writeln!(o, "services ({}):", ws.services.len());
    for (si, s) in ws.services.iter_enumerated() {
        let m = &ws.modules[s.module];
        let _ = writeln!(o, "  {}", s.name);
        let build = m.build_file.map_or("none".to_string(), |f| sources.path(f).to_string());
        let module = match (&m.maven, m.gradle_path.is_empty()) {
            (Some(mv), _) => format!("Maven `{}:{}`", mv.group_id, mv.artifact_id),
            (None, false) => format!("Gradle `{}`", m.gradle_path),
            (None, true) => "-".to_string(),
        };
        let _ = writeln!(o, "    module: {module} (dir `{}`, build file {build})", m.dir);
        let bv = match s.boot_version.span {
            Some(sp) => format!("{} (from {})", s.boot_version.text, at(sources, sp)),
            None => s.boot_version.text.clone(),
        };
        let _ = writeln!(o, "    spring boot: {bv}");
        if !s.main_classes.is_empty() {
            let _ = writeln!(o, "    main classes: {}", s.main_classes.join(", "));
        }
        routes(&mut o, sources, &s.routes);
        let _ = writeln!(o, "    security: {}", s.security.describe(|sp| at(sources, sp)));
        let mut files: Vec<&str> = s.layers.iter().map(|l| l.label.as_str()).collect();
        files.dedup();
        let _ = writeln!(
            o,
            "    config files: {}",
            if files.is_empty() { "none".to_string() } else { files.join(", ") }
        );
        if let Some(cs) = &s.config_server {
            let _ = writeln!(o, "    config server: {} — files: {}", cs.evidence, {
                let f: Vec<&str> = cs.files.iter().map(|f| f.path.as_str()).collect();
                if f.is_empty() {
                    "none for it".to_string()
                } else {
                    f.join(", ")
                }
            });
        }
        // Images named in the build (a tool's default name is not listed: every Boot module has one).
        for b in ws.images.built.iter().filter(|b| b.module == s.module && !b.default) {
            let _ = writeln!(o, "    builds image: {} — {}", b.image.display(), b.describe(sources));
        }
        artifact_origin(
            &mut o,
            sources,
            ws,
            s.module,
            "micrometer-registry-prometheus",
            REGISTRY_GROUP,
            REGISTRY_ARTIFACTS,
        );
        artifact_origin(
            &mut o,
            sources,
            ws,
            s.module,
            "spring-boot-starter-actuator",
            ACTUATOR_GROUP,
            ACTUATOR_ARTIFACTS,
        );
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
            deployment(&mut o, sources, a, si, d);
        }
        for sc in a.links.scrapes_of(si) {
            let how = match &sc.via {
                Via::Job { .. } => "job",
                Via::Monitor { .. } | Via::PodMonitor { .. } => "monitor",
                Via::Annotations { .. } => "annotations",
                Via::Registry { .. } => "registry",
            };
            let port = match &sc.reach {
                crate::link::scrape::Reach::Ports(ps) if !ps.is_empty() => {
                    format!(" port {}", ps.iter().map(|p| p.port.to_string()).collect::<Vec<_>>().join("|"))
                }
                crate::link::scrape::Reach::Nowhere { reason, .. } => format!(" (reaches nothing: {reason})"),
                _ => String::new(),
            };
            let served = sc.app_route.map_or(String::new(), |r| {
                if sources.get(r.file).kind == crate::file_kind::FileKind::StaticResource {
                    format!(" (served by the static resource {})", sources.path(r.file))
                } else {
                    format!(" (served by the application's mapping at {})", at(sources, r))
                }
            });
            let _ = writeln!(
                o,
                "    scraped ({how}) on {}{port} over {}{served} — {}",
                sc.path, sc.scheme, sc.evidence
            );
        }
    }
    let _ = writeln!(o, "workloads ({}):", ws.workloads.len());
    for w in &ws.workloads {
        let _ = writeln!(o, "  {} in `{}` ({})", w.describe(), w.namespace, at(sources, w.name.span));
    }
    let _ = writeln!(o, "kubernetes services ({}):", ws.kube_services.len());
    for (ki, k) in ws.kube_services.iter_enumerated() {
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
    for (mi, m) in ws.monitors.iter_enumerated() {
        let mut sel: Vec<String> = a.links.monitor_services[mi]
            .iter()
            .map(|k| format!("Service `{}`", ws.kube_services[*k].name.value))
            .collect();
        sel.extend(
            a.links.monitor_pods[mi]
                .iter()
                .map(|w| format!("pods of {}", ws.workloads[*w].describe())),
        );
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
    for (ji, j) in ws.jobs.iter_enumerated() {
        let cfg = &ws.prom_configs[j.config];
        let run_by = match (&cfg.mounted_by, &cfg.run_by_pod) {
            (Some((c, path)), _) => format!("; run by Compose service `{}` at {path}", ws.compose_services[*c].name.value),
            (None, Some(p)) => format!("; run by {} at {}", ws.workloads[p.workload].describe(), p.path),
            (None, None) => String::new(),
        };
        let run_by = match &cfg.source {
            crate::model::prometheus::ConfigSource::ChartDefaults(what) => {
                format!("{run_by}; the `prometheus` chart's own job, installed by {what}")
            }
            _ => run_by,
        };
        let _ = writeln!(
            o,
            "  `{}` in {} (metrics_path {}{run_by})",
            j.name.value,
            at(sources, j.name.span),
            j.path()
        );
        for d in a.links.discovered.iter().filter(|d| d.job == ji) {
            let sd = &j.registry_sd[d.sd];
            let server = sd
                .server
                .as_ref()
                .map_or("default server".to_string(), |s| format!("`{}`", s.value));
            let r = match &d.registry {
                Ok(what) => what.clone(),
                Err(why) => format!("unknown: {why}"),
            };
            let _ = writeln!(o, "    {} {server}: {r}", sd.kind.key());
            for (si, why) in &d.unknown {
                let _ = writeln!(o, "      `{}` unknown: {why}", ws.services[*si].name);
            }
        }
        for sd in &j.file_sd {
            let r = match &sd.resolution {
                SdResolution::Files(p, f) => format!("repo `{p}` matches {} file(s)", f.len()),
                SdResolution::Outside(s) => format!("mounted from `{s}`, outside the repository: not checked"),
                SdResolution::NotMounted { dir, service } => format!("`{dir}` is not mounted into the `{service}` container"),
                SdResolution::Unknown(w) => format!("not resolved: {w}"),
            };
            let _ = writeln!(o, "    file_sd `{}`: {r}", sd.pattern.value);
        }
        for (ti, t) in j.targets.iter().enumerate() {
            use crate::link::scrape::TargetKind;
            let what = match a.links.targets.get(&(ji, ti)) {
                Some(TargetKind::Services) => String::new(),
                Some(TargetKind::Prometheus(w)) => format!(" (Prometheus itself: {w})"),
                Some(TargetKind::Other(w)) => format!(" ({w}, not a Spring service)"),
                Some(TargetKind::Unknown(w)) => format!(" (unknown: {w})"),
                Some(TargetKind::Dropped(w)) => format!(" (dropped {w})"),
                Some(TargetKind::Unresolved { reason, .. }) => format!(" (matches no service in the repository: {reason})"),
                None => String::new(),
            };
            let dns = t
                .dns
                .as_ref()
                .map(|d| format!(" (dns_sd_configs {} record)", d.record))
                .unwrap_or_default();
            let _ = writeln!(o, "    target {}{dns}{what}", t.address.value);
        }
    }
    files(&mut o, sources, a);
    if !ws.gaps.is_empty() {
        let _ = writeln!(o, "not analysed:");
        for g in &ws.gaps {
            let _ = writeln!(o, "  {} ({})", g.message, at(sources, g.span));
        }
    }
    o
}

/// Each file's role and why; files without one only as counts per reason.
fn files(o: &mut String, sources: &SourceSet, a: &Analysis) {
    let read = a.roles.0.iter().filter(|r| r.role.is_some()).count();
    let _ = writeln!(o, "files ({read} read):");
    for (id, f) in sources.iter() {
        let r = a.roles.get(id);
        let Some(role) = r.role else { continue };
        let template = r.template.map(|t| format!("; {}", t.describe())).unwrap_or_default();
        let _ = writeln!(o, "  {}: {} — {}{template}", f.path, role.describe(), r.reason);
    }
    let unread = crate::classify::unread_summary(&a.roles);
    if !unread.is_empty() {
        let _ = writeln!(o, "files not read:");
        for (reason, n) in unread {
            let _ = writeln!(o, "  {n}: {reason}");
        }
    }
}

/// Where an artifact on the service's classpath comes from, as a file:line chain through
/// plugins, scripts, parent POMs and project dependencies; or why it is not, or unknown.
fn artifact_origin(
    o: &mut String,
    sources: &SourceSet,
    ws: &crate::model::Workspace,
    module: crate::model::ModuleId,
    label: &str,
    group: &str,
    names: &[&str],
) {
    let l = lookup(&ws.modules, module, group, names);
    let hops = |chain: &[Hop]| {
        chain
            .iter()
            .map(|h| format!("        {} {}", at(sources, h.span), h.note))
            .collect::<Vec<_>>()
            .join("\n")
    };
    match (&l.found, &l.not_packaged) {
        (Some(f), _) => {
            let name = match &f.dep.coord {
                crate::model::build::Coord::Module {
                    name, version: Some(v), ..
                } => format!("`{name}` {v}"),
                crate::model::build::Coord::Module { name, .. } => format!("`{name}`"),
                _ => String::new(),
            };
            let _ = writeln!(o, "    {label}: present ({name}) via\n{}", hops(&f.chain));
        }
        (None, _) if !l.unknown.is_empty() => {
            let _ = writeln!(o, "    {label}: unknown");
            for (why, span) in &l.unknown {
                let _ = writeln!(o, "        {} {why}", at(sources, *span));
            }
        }
        (None, Some(np)) => {
            let _ = writeln!(
                o,
                "    {label}: not packaged (only in `{}`)\n{}",
                np.dep.configuration,
                hops(&np.chain)
            );
        }
        (None, None) => {
            let m = &ws.modules[module];
            let build = m
                .build_file
                .map_or("no build file".to_string(), |f| format!("`{}`", sources.path(f)));
            let _ = writeln!(
                o,
                "    {label}: absent (not declared by {build} or anything it applies or depends on)"
            );
        }
    }
}

/// A reason with its location: the file named in the text gets its line number, otherwise the
/// location is appended.
pub fn why(sources: &SourceSet, w: &Why) -> String {
    match w.span {
        Some(sp) => {
            let path = sources.path(sp.file);
            let loc = at(sources, sp);
            match w.text.find(path) {
                Some(i) if !w.text[i + path.len()..].starts_with(':') => {
                    format!("{}{loc}{}", &w.text[..i], &w.text[i + path.len()..])
                }
                _ => format!("{} ({loc})", w.text),
            }
        }
        None => w.text.clone(),
    }
}

fn fact(sources: &SourceSet, f: &Fact) -> String {
    format!("{f} — {}", why(sources, f.why()))
}

/// One deployment's effective config and actuator facts, each with what decided it.
fn deployment(o: &mut String, sources: &SourceSet, a: &Analysis, si: crate::model::ServiceId, d: &Deployment) {
    let ws = &a.workspace;
    let w = match (d.workload, d.compose) {
        (Some(w), _) => format!("{} in `{}`", ws.workloads[w].describe(), ws.workloads[w].namespace),
        (None, Some(c)) => format!("Compose service `{}`", ws.compose_services[c].name.value),
        _ => "(no workload)".to_string(),
    };
    let _ = writeln!(o, "    deployment: {w} — linked by {}", d.evidence);
    let e = &d.effective;
    let profiles = match &e.profile_set {
        Some(ProfileSet::Unknown { why: wh, .. }) => format!(
            "unknown ({}); profile-specific sources may or may not apply, and a fact is known only when it is the same either way",
            why(sources, wh)
        ),
        _ if e.profiles.is_empty() => "default".to_string(),
        _ => e.profiles.join(","),
    };
    let from = match &e.profile_set {
        Some(ProfileSet::Unknown { .. }) => String::new(),
        _ => e.profiles_from.as_deref().map(|f| format!(" (from {f})")).unwrap_or_default(),
    };
    let _ = writeln!(o, "      profiles: {profiles}{from}");
    let _ = writeln!(o, "      sources (lowest precedence first):");
    for l in &e.layers {
        let note = match (&l.opaque, &l.maybe) {
            (Some(w), _) => format!(" — unseen: {}", why(sources, w)),
            (_, Some(w)) => format!(" — may not apply: {}", why(sources, w)),
            _ => String::new(),
        };
        let doc = match l.origin {
            Origin::File { document, .. } if document > 0 => format!(" (document {})", document + 1),
            _ => String::new(),
        };
        let act = l.on_profile.as_deref().map(|p| format!(" [on-profile `{p}`]")).unwrap_or_default();
        let _ = writeln!(o, "        {}{doc}{act}{note}", l.label);
    }
    let f = &d.actuator.facts;
    for (name, fa) in f.summary() {
        let _ = writeln!(o, "      {name}: {}", fact(sources, fa));
    }
    let port_type = match (&f.paths_unknown, &d.actuator.serving.port_type) {
        (Some(_), _) | (None, Err(_)) => "unknown".to_string(),
        (None, Ok(PortType::Same)) => "the application's server".to_string(),
        (None, Ok(PortType::Different)) => "a separate management server".to_string(),
        (None, Ok(PortType::Disabled)) => "disabled (no HTTP actuator)".to_string(),
    };
    let because: Vec<String> = f.port_because.iter().map(|w| why(sources, w)).collect();
    let because = if because.is_empty() {
        String::new()
    } else {
        format!(" — {}", because.join("; "))
    };
    match (f.port, &f.paths_unknown) {
        (_, Some(w)) => {
            let _ = writeln!(o, "      port: unknown — {}", why(sources, w));
        }
        (Some(p), None) => {
            let _ = writeln!(o, "      port: {p} on {port_type}{because}");
        }
        (None, None) => {
            let _ = writeln!(o, "      port: random or unknown on {port_type}{because}");
        }
    }
    match &f.paths_unknown {
        Some(w) => {
            let _ = writeln!(o, "      paths: unknown — {}", why(sources, w));
        }
        None => {
            let _ = writeln!(o, "      prometheus path: {}", d.actuator.serving.prometheus_path());
            let _ = writeln!(
                o,
                "      health path: {} (groups {}, {})",
                d.actuator.serving.health_path(),
                f.liveness_path,
                f.readiness_path
            );
            for ap in &f.additional_paths {
                let _ = writeln!(
                    o,
                    "      additional {} path: {} on {}",
                    ap.group,
                    ap.path,
                    if ap.on_server {
                        "the application's port"
                    } else {
                        "the management port"
                    }
                );
            }
            let s = &ws.services[si];
            statics(o, sources, &d.actuator.serving, s.routes.statics.len());
            if !matches!(s.security.present, crate::model::spring::security::Present::No) {
                let sv = &d.actuator.serving;
                let server = crate::model::spring::security::Server::of_actuator(sv);
                for p in [sv.health_path(), sv.prometheus_path()] {
                    let acc = s.security.access(&p, server, sv, &s.boot_version);
                    let _ = writeln!(o, "      security for {p}: {}", acc.describe(|sp| at(sources, sp)));
                }
            }
            let shaped: Vec<String> = d
                .actuator
                .serving
                .path_spans
                .iter()
                .map(|(sp, what)| format!("{what} ({})", at(sources, *sp)))
                .collect();
            if !shaped.is_empty() {
                let _ = writeln!(o, "        shaped by: {}", shaped.join("; "));
            }
        }
    }
    if let Some(v) = &f.application_tag_value {
        let _ = writeln!(o, "      application tag value: `{v}`");
    }
}

/// The paths the service's own code maps, with where, and whether that list is complete.
fn routes(o: &mut String, sources: &SourceSet, r: &crate::model::spring::routes::Routes) {
    const SHOWN: usize = 20;
    let state = match &r.unknown {
        None => "complete".to_string(),
        Some(w) => match w.span {
            Some(sp) => format!("may be incomplete: {} ({})", w.text, at(sources, sp)),
            None => format!("may be incomplete: {}", w.text),
        },
    };
    let _ = writeln!(
        o,
        "    request mappings: {} from {} source file(s), {state}",
        r.routes.len(),
        r.files
    );
    for route in r.routes.iter().take(SHOWN) {
        let _ = writeln!(o, "      {} — {} at {}", route.pattern, route.via, at(sources, route.span));
    }
    if r.routes.len() > SHOWN {
        let _ = writeln!(o, "      … and {} more", r.routes.len() - SHOWN);
    }
    if !r.statics.is_empty() {
        const FILES: usize = 5;
        let shown: Vec<String> = r.statics.iter().take(FILES).map(|f| sources.path(f.file).to_string()).collect();
        let more = if r.statics.len() > FILES {
            format!(" and {} more", r.statics.len() - FILES)
        } else {
            String::new()
        };
        let _ = writeln!(o, "    static resources: {} file(s): {}{more}", r.statics.len(), shown.join(", "));
    }
}

/// How the deployment's resource handler serves static files, when it matters: the module has
/// some, or a property changes Boot's default.
fn statics(o: &mut String, sources: &SourceSet, sv: &crate::model::spring::Serving, files: usize) {
    use crate::model::spring::StaticContent;
    let text = match &sv.statics {
        StaticContent::Off(w) => format!("not served — {}", why(sources, w)),
        StaticContent::Unknown(w) => format!("unknown — {}", why(sources, w)),
        StaticContent::Under { set_by, .. } if set_by.is_empty() && files == 0 => return,
        StaticContent::Under { prefix, locations, set_by } => {
            let by: Vec<String> = set_by.iter().map(|w| why(sources, w)).collect();
            format!(
                "{}{prefix}/** from {}{}",
                sv.server_prefix,
                locations.iter().map(|l| format!("classpath:/{l}/")).collect::<Vec<_>>().join(", "),
                if by.is_empty() {
                    " (Boot's defaults)".to_string()
                } else {
                    format!(" — {}", by.join("; "))
                }
            )
        }
    };
    let _ = writeln!(o, "      static resources: {text}");
}
