//! A probe: what it requests (`link::probes::requested`), what the service serves there
//! (its `Serving`), and for liveness and startup probes the kill window (`Probe::earliest_kill`,
//! `Probe::latest_kill`) against the decisive boot time, judged by `link::budget::verdict` as
//! the budget rules judge it.

use super::{at, contains, why, Cx};
use crate::link::budget::{verdict, Verdict};
use crate::link::probes::{containers, requested, How, NotServed, ProbedContainer, Requested, Served, Side};
use crate::model::kube::{Handler, Probe, ProbeKind, Workload};
use crate::model::spring::{Fact, Serving};
use crate::rules::wording::{earliest_arithmetic, latest_arithmetic, secs, with_margin};
use crate::source::{FileId, Span};
use std::fmt::Write;

pub fn hover(cx: &Cx<'_>, file: FileId, offset: u32) -> Option<(String, Span)> {
    // The probe under the cursor: its key, or anything in its mapping.
    let (wi, ci, pi, probe) = cx.ws.workloads.iter_enumerated().find_map(|(wi, w)| {
        w.containers.iter().enumerate().find_map(|(ci, c)| {
            c.probes.iter().enumerate().find_map(|(pi, p)| {
                let whole = Span::new(p.key_span.file, p.key_span.start..p.span.end.max(p.key_span.end));
                contains(whole, file, offset).then_some((wi, ci, pi, p))
            })
        })
    })?;
    let w = &cx.ws.workloads[wi];
    let mut o = format!(
        "**`{}`** of {}, container `{}` ({})\n",
        probe.kind.key(),
        w.describe(),
        w.containers[ci].name.value,
        at(cx.sources, probe.key_span)
    );
    // Every deployment this container runs (several when overlays share the manifest).
    let runs: Vec<ProbedContainer<'_>> = containers(cx.ws, &cx.links.deployments)
        .into_iter()
        .filter(|t| t.workload_id == wi && t.container_id == ci)
        .collect();
    if runs.is_empty() {
        let _ = writeln!(
            o,
            "\nThe repository links this container to no service it builds: what is served there, and the boot time, are unknown.\n"
        );
        request_without_service(&mut o, probe);
        budget(cx, &mut o, w, ci, probe, None);
        return Some((o, probe.key_span));
    }
    for t in &runs {
        let _ = writeln!(o, "\nRuns `{}` — linked by {}\n", t.service.name, t.deployment.evidence);
        for r in requested(cx.ws, cx.sources, t, pi) {
            request(cx, &mut o, &r, &t.deployment.actuator.serving);
        }
        if let Handler::Grpc { port: Some(p) } = &probe.handler {
            let _ = writeln!(o, "- **requests** a gRPC health check on port `{}`", p.value.describe());
        }
        budget(cx, &mut o, w, ci, probe, Some(t));
    }
    Some((o, probe.key_span))
}

fn request_without_service(o: &mut String, p: &Probe) {
    match &p.handler {
        Handler::HttpGet { path, port, scheme, .. } => {
            let _ = writeln!(
                o,
                "- **requests** `{}` `GET {}` on port `{}`",
                scheme.as_ref().map_or("HTTP", |s| s.value.as_str()),
                path.as_ref().map_or("/", |p| p.value.as_str()),
                port.as_ref().map_or("?".to_string(), |p| p.value.describe())
            );
        }
        Handler::TcpSocket { port: Some(port) } => {
            let _ = writeln!(o, "- **opens** a TCP connection to port `{}`", port.value.describe());
        }
        _ => {}
    }
}

fn request(cx: &Cx<'_>, o: &mut String, r: &Requested, sv: &Serving) {
    let port = match (r.number, &r.port_name) {
        (Some(n), Some(name)) if r.port.describe() == *name => format!("`{name}` = container port `{n}`"),
        (Some(n), Some(name)) => format!("`{n}` (container port `{name}`)"),
        (Some(n), None) => format!("`{n}` (no container port declares it)"),
        (None, _) => format!("`{}`, which no container port is named", r.port.describe()),
    };
    let scheme = if r.https { "HTTPS" } else { "HTTP" };
    let _ = match &r.how {
        How::HttpGet => writeln!(o, "- **requests** `{scheme}` `GET {}` on port {port}", r.path),
        How::Exec(command) => writeln!(
            o,
            "- **runs** `{command}`, which requests `{scheme}` `GET {}` on port {port}",
            r.path
        ),
        How::Tcp => writeln!(o, "- **opens** a TCP connection to port {port}"),
    };
    let there = match &r.there {
        Err(reason) => {
            let _ = writeln!(o, "- **served there**: unknown — {reason}");
            return;
        }
        Ok(t) => t,
    };
    let n = r.number.unwrap_or_default();
    let server = match there.side {
        Side::Main => format!("the application's server (port `{n}`: {})", why(cx.sources, sv.server_port.why())),
        Side::Management => format!(
            "the management server (port `{n}`: {})",
            sv.management_port.as_ref().map_or(String::new(), |p| why(cx.sources, p.why()))
        ),
        Side::Other => {
            let mut s = format!(
                "no HTTP server of the application: it serves on `{}`",
                sv.main_port().map_or("?".to_string(), |p| p.to_string())
            );
            if let Some(m) = sv.management_port() {
                let _ = write!(s, ", its actuator on `{m}`");
            }
            if there.other_listener {
                s.push_str("; something else may listen there (the container declares the port, or a property is set to it)");
            }
            s
        }
    };
    let _ = writeln!(o, "- **served there**: {server}");
    if !matches!(r.how, How::Tcp) {
        let path = match &there.served {
            Served::Yes => format!("`{}` is served", r.path),
            Served::Unknown => format!("whether `{}` is served cannot be told from the repository", r.path),
            Served::No(reason) => format!("`{}` is not served: {}", r.path, not_served(reason)),
        };
        let _ = writeln!(o, "  - {path}");
        let tls = match there.side {
            Side::Main => Some(&sv.server_tls),
            Side::Management => Some(&sv.management_tls),
            Side::Other => None,
        };
        if let Some(f) = tls {
            let _ = writeln!(o, "  - TLS: {}", fact(cx, f));
        }
    }
}

fn fact(cx: &Cx<'_>, f: &Fact) -> String {
    format!("{f} — {}", why(cx.sources, f.why()))
}

fn not_served(r: &NotServed) -> String {
    match r {
        NotServed::OutsideContextPath(cp) => format!("it is outside the context path `{cp}`"),
        NotServed::ManagementDisabled => "the actuator has no HTTP server (`management.server.port` < 0)".to_string(),
        NotServed::ActuatorOnPort(p) => format!("the actuator is served on its own port `{p}`"),
        NotServed::ActuatorUnder(root) => format!("actuator endpoints are under `{root}`"),
        NotServed::ManagementOnlyActuator { port, root } => {
            format!("the management server on `{port}` serves only actuator endpoints, under `{root}`")
        }
        NotServed::NotAGroup { group, groups, near } => format!(
            "there is no health group `{group}` (groups: {}; `{near}` is the likely one)",
            groups.iter().map(|g| format!("`{g}`")).collect::<Vec<_>>().join(", ")
        ),
        NotServed::HealthMappedTo(p) => format!("the health endpoint is mapped to `{p}`"),
        NotServed::NotExposed(id) => format!("the `{id}` endpoint is not exposed over HTTP"),
        NotServed::ServedAt(p) => format!("it is served at `{p}`"),
        NotServed::NotMapped { root, .. } => {
            format!("no request mapping of the application matches it, and actuator endpoints are under `{root}`")
        }
    }
}

/// The kill window against the boot time, for the probes that kill during boot.
fn budget(cx: &Cx<'_>, o: &mut String, w: &Workload, ci: usize, p: &Probe, t: Option<&ProbedContainer<'_>>) {
    match p.kind {
        ProbeKind::Readiness => return,
        ProbeKind::Liveness => {
            if let Some(s) = w.containers[ci].probe(ProbeKind::Startup) {
                let _ = writeln!(
                    o,
                    "- **failure budget**: boot does not count against it — the startupProbe ({}) runs first, and this probe starts once it succeeds",
                    at(cx.sources, s.key_span)
                );
                return;
            }
        }
        ProbeKind::Startup => {}
    }
    let _ = writeln!(
        o,
        "- **failure budget**: kills at the earliest at `{}`, at the latest at `{}`",
        earliest_arithmetic(p),
        latest_arithmetic(p)
    );
    let Some(t) = t else {
        let _ = writeln!(
            o,
            "- **boot time**: no boot evidence (the container runs no service the repository builds)"
        );
        return;
    };
    let Some(obs) = crate::model::boot::decisive(&cx.ws.boot, t.service_id) else {
        let _ = writeln!(
            o,
            "- **boot time**: no boot evidence (no boot log, start-up metrics or `boot-time` for `{}`)",
            t.service.name
        );
        return;
    };
    let margin = cx.options.config.margin;
    let judged = match verdict(p, obs.seconds, margin) {
        Verdict::Certain => "**killed before it finishes booting**, every time".to_string(),
        Verdict::Possible => format!("may be killed during boot (`{}` with the margin)", with_margin(obs.seconds, margin)),
        Verdict::Fine => format!("fits (`{}` with the margin)", with_margin(obs.seconds, margin)),
    };
    let _ = writeln!(
        o,
        "- **boot time**: `{}` (from {}): {judged}",
        secs(obs.seconds),
        crate::model::boot::evidence_text(cx.sources, obs)
    );
}
