//! The kubelet timing model shared by the probe rules (semantics §9.2), and the messages that
//! show its arithmetic next to the boot-time evidence.

use crate::diagnostic::{Label, Severity};
use crate::link::Deployment;
use crate::model::boot::{decisive, Evidence, Observation};
use crate::model::kube::{Container, Probe, Workload};
use crate::model::spring::Service;
use crate::rules::Context;

/// A container that runs a service, with its probes and the config it runs with.
pub struct Target<'a> {
    pub service_id: usize,
    pub service: &'a Service,
    pub workload: &'a Workload,
    pub container: &'a Container,
    pub deployment: &'a Deployment,
}

pub fn targets<'a>(cx: &'a Context<'a>) -> Vec<Target<'a>> {
    let mut out = Vec::new();
    for (si, deps) in cx.links.deployments.iter().enumerate() {
        for d in deps {
            if let (Some(w), Some(c)) = (d.workload, d.container) {
                let workload = &cx.ws.workloads[w];
                out.push(Target {
                    service_id: si,
                    service: &cx.ws.services[si],
                    workload,
                    container: &workload.containers[c],
                    deployment: d,
                });
            }
        }
    }
    out
}

pub fn boot_time<'a>(cx: &'a Context<'a>, service: usize) -> Option<&'a Observation> {
    decisive(&cx.ws.boot, service)
}

pub enum Verdict {
    /// Boot time above the latest kill: the restart is certain.
    Certain,
    /// Boot time × margin above the earliest kill: the restart depends on tick alignment and
    /// on how slow this boot is.
    Possible,
    Fine,
}

pub fn verdict(p: &Probe, boot: f64, margin: f64) -> Verdict {
    if boot > p.latest_kill() as f64 {
        Verdict::Certain
    } else if boot * margin > p.earliest_kill() as f64 {
        Verdict::Possible
    } else {
        Verdict::Fine
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

/// The smallest failureThreshold with D + (F−1)·P ≥ boot × margin: no kill is possible
/// before the app is up, however the ticks align.
pub fn threshold_for(d: i64, p: i64, boot: f64, margin: f64) -> i64 {
    let need = boot * margin - d as f64;
    if need <= 0.0 {
        return 1;
    }
    // `failureThreshold` is an int32.
    (need / p.max(1) as f64).ceil().min(i32::MAX as f64 - 1.0) as i64 + 1
}

/// The verdict as a message, with the arithmetic and where the boot time comes from.
pub fn message(cx: &Context<'_>, t: &Target<'_>, p: &Probe, obs: &Observation, margin: f64) -> Option<(Severity, String)> {
    let b = obs.seconds;
    let evidence = evidence_text(cx, obs);
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

pub fn evidence_label(cx: &Context<'_>, obs: &Observation) -> Option<Label> {
    let _ = cx;
    let b = secs(obs.seconds);
    match &obs.evidence {
        Evidence::Log { span, .. } => Some(Label::new(*span, format!("measured boot time `{b}`"))),
        Evidence::Metrics { span, .. } => Some(Label::new(*span, format!("measured start-up time `{b}`"))),
        Evidence::Config(span) => Some(Label::new(*span, format!("boot time `{b}` set here"))),
        Evidence::Cli(_) => None,
    }
}

pub fn evidence_text(cx: &Context<'_>, obs: &Observation) -> String {
    format!("from {}", crate::model::boot::evidence_text(cx.sources, obs))
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
