//! The kubelet's timing model for a probe against a boot time (semantics §9.2): whether the
//! probe kills the container before the application is up, and the threshold that avoids it.

use crate::model::kube::Probe;

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
