//! Phrases several rules share, so one finding reads the same whichever rule reports it.

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::link::budget::{verdict, Verdict};
use crate::link::demand::Demand;
use crate::link::probes::{probe_of, Asks, How, ProbeMismatch, ProbedContainer};
use crate::link::Deployment;
use crate::model::boot::{Evidence, Observation};
use crate::model::kube::Probe;
use crate::model::Workspace;
use crate::source::{FileId, SourceSet, Span};

/// "is scraped on `/actuator/prometheus`" / "exposes `prometheus`"
pub fn demand_why(demand: &Demand<'_>) -> String {
    match demand.scrape {
        Some(sc) => format!("is scraped on `{}`", sc.path),
        None => "exposes `prometheus`".to_string(),
    }
}

/// Points at what asks for the metrics endpoint.
pub fn relate_demand(demand: &Demand<'_>, d: Diagnostic) -> Diagnostic {
    if let Some(sc) = demand.scrape {
        d.related(sc.path_span, format!("scraped here ({})", sc.evidence))
    } else if let Some(span) = demand.listed {
        d.related(span, "`prometheus` is exposed here")
    } else {
        d
    }
}

/// "the livenessProbe of Deployment `orders`"
pub fn probe_who(ws: &Workspace, m: &ProbeMismatch) -> String {
    format!("the {} of {}", probe_of(ws, m).kind.key(), ws.workloads[m.workload].describe())
}

/// "the livenessProbe of Deployment `orders` requests `/health` on port `8080`"
pub fn probe_asks(ws: &Workspace, m: &ProbeMismatch, asks: &Asks) -> String {
    let who = probe_who(ws, m);
    match &asks.how {
        How::HttpGet => format!("{who} requests `{}` on port `{}`", asks.path, asks.port),
        How::Exec(command) => format!("{who} runs `{command}`, which requests `{}` on port `{}`", asks.path, asks.port),
        How::Tcp => format!("{who} opens a TCP connection to port `{}`", asks.port),
    }
}

/// `60 + 30 × 3 + 1 = 151 s`, with the probe's own numbers; `0 + 10 + 3 × 15 = 55 s` when
/// `timeoutSeconds ≥ periodSeconds`.
pub fn latest_arithmetic(p: &Probe) -> String {
    if p.t() >= p.p() {
        format!("{} + {} + {} × {} = {} s", p.d(), p.p(), p.f(), p.t(), p.latest_kill())
    } else {
        format!("{} + {} × {} + {} = {} s", p.d(), p.p(), p.f(), p.t(), p.latest_kill())
    }
}

pub fn earliest_arithmetic(p: &Probe) -> String {
    format!("{} + {} × ({} − 1) = {} s", p.d(), p.p(), p.f(), p.earliest_kill())
}

pub fn secs(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0} s")
    } else {
        format!("{r:.1} s")
    }
}

/// `161.4 s × 1.2 = 193.6 s`.
pub fn with_margin(boot: f64, margin: f64) -> String {
    format!("{} × {margin} = {}", secs(boot), secs(boot * margin))
}

/// The verdict as a message, with the arithmetic and where the boot time comes from.
pub fn budget_message(
    sources: &SourceSet,
    t: &ProbedContainer<'_>,
    p: &Probe,
    obs: &Observation,
    margin: f64,
) -> Option<(Severity, String)> {
    let b = obs.seconds;
    let evidence = format!("from {}", crate::model::boot::evidence_text(sources, obs));
    let who = format!("the {} of {}", p.kind.key(), t.workload.describe());
    let name = &t.service.name;
    match verdict(p, b, margin) {
        Verdict::Fine => None,
        Verdict::Certain => {
            let back_to_back = if p.t() >= p.p() {
                " (`timeoutSeconds` ≥ `periodSeconds`: hanging probes run back to back)"
            } else {
                ""
            };
            Some((
                Severity::Error,
                format!(
                    "{who} restarts `{name}` before it finishes booting, forever: it kills by `{}` at the latest{back_to_back}, and boot takes `{}` ({evidence})",
                    latest_arithmetic(p),
                    secs(b)
                ),
            ))
        }
        Verdict::Possible => Some((
            Severity::Warning,
            format!(
                "{who} may restart `{name}` during boot: it can kill as early as `{}`, and boot takes `{}` with the margin ({evidence})",
                earliest_arithmetic(p),
                with_margin(b, margin)
            ),
        )),
    }
}

/// Where the boot time comes from, as a label (none for `--boot-time`).
pub fn evidence_label(obs: &Observation) -> Option<Label> {
    let b = secs(obs.seconds);
    match &obs.evidence {
        Evidence::Log { span, .. } => Some(Label::new(*span, format!("measured boot time `{b}`"))),
        Evidence::Metrics { span, .. } => Some(Label::new(*span, format!("measured start-up time `{b}`"))),
        Evidence::Config(span) => Some(Label::new(*span, format!("boot time `{b}` set here"))),
        Evidence::Cli(_) => None,
    }
}

/// A probe-level grace period is often raised in the hope of a longer boot: it only delays
/// SIGKILL after the kill decision.
pub fn grace_label(p: &Probe) -> Option<Label> {
    p.termination_grace.as_ref().map(|g| {
        Label::new(
            g.span,
            format!(
                "`terminationGracePeriodSeconds: {}` only delays SIGKILL after the kill decision; it does not extend the boot budget",
                g.value
            ),
        )
    })
}

/// `Deployment `x``, `Compose service `y``, or "" when nothing in the repository runs it.
pub fn where_(ws: &Workspace, d: &Deployment) -> String {
    match (d.workload, d.compose) {
        (Some(w), _) => format!(" in {}", ws.workloads[w].describe()),
        (None, Some(c)) => format!(" in Compose service `{}`", ws.compose_services[c].name.value),
        _ => String::new(),
    }
}

/// ` with profile `prod` (from …)`, when a profile is active.
pub fn profiles(d: &Deployment) -> String {
    match (&d.effective.profiles_from, d.effective.profiles.is_empty()) {
        (Some(from), false) => format!(" with profile `{}` (from {from})", d.effective.profiles.join(",")),
        _ => String::new(),
    }
}

/// The span of the first line of a file, for "nothing is set here" labels.
pub fn first_line(sources: &SourceSet, file: FileId) -> Span {
    Span::new(file, sources.get(file).line_range(1))
}
