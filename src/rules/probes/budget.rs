//! The kubelet timing model shared by the probe rules (semantics §9.2).

use crate::diagnostic::Label;
use crate::model::boot::{largest, Evidence, Observation};
use crate::model::kube::{Container, Probe, Workload};
use crate::model::spring::Service;
use crate::rules::Context;

/// A container that runs a service, with its probes.
pub struct Target<'a> {
    pub service_id: usize,
    pub service: &'a Service,
    pub workload: &'a Workload,
    pub container: &'a Container,
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
                });
            }
        }
    }
    out
}

pub fn boot_time<'a>(cx: &'a Context<'a>, service: usize) -> Option<&'a Observation> {
    largest(&cx.ws.boot, service)
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

/// `60 + 30 × 3 + 1 = 151 s`, with the probe's own numbers.
pub fn latest_arithmetic(p: &Probe) -> String {
    format!("{} + {} × {} + {} = {} s", p.d(), p.p(), p.f(), p.t(), p.latest_kill())
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

/// The smallest failureThreshold with D + (F−1)·P ≥ boot × margin: no kill is possible
/// before the app is up, however the ticks align.
pub fn threshold_for(d: i64, p: i64, boot: f64, margin: f64) -> i64 {
    let need = boot * margin - d as f64;
    if need <= 0.0 {
        return 1;
    }
    (need / p.max(1) as f64).ceil() as i64 + 1
}

pub fn evidence_label(cx: &Context<'_>, obs: &Observation) -> Option<Label> {
    let _ = cx;
    match &obs.evidence {
        Evidence::Log { span, .. } => Some(Label::new(*span, format!("measured boot time `{}`", secs(obs.seconds)))),
        Evidence::Config(span) => Some(Label::new(*span, format!("boot time `{}` set here", secs(obs.seconds)))),
        Evidence::Cli(_) => None,
    }
}

pub fn evidence_text(obs: &Observation) -> String {
    match &obs.evidence {
        Evidence::Log { class, .. } => format!("`Started {class}` in the boot log"),
        Evidence::Config(_) => "actuator-lint.toml".to_string(),
        Evidence::Cli(s) => format!("`{s}`"),
    }
}
