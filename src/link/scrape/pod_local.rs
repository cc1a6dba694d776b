//! `localhost` in a Prometheus that runs as a Kubernetes pod (its config in a ConfigMap the pod
//! mounts): the pod's own network namespace, shared by its containers and nothing else
//! (semantics §17.2). A target there reaches Prometheus itself, a sidecar of the same pod, or
//! nothing; with `hostNetwork: true` it is the node, where anything may listen.

use super::{Cx, TargetKind};
use crate::model::kube::Container;
use crate::model::prometheus::PromConfig;

/// `--web.listen-address` of the Prometheus container (default `:9090`).
fn listen_port(c: &Container) -> u16 {
    let words: Vec<&str> = c.command.iter().chain(c.args.iter()).map(|a| a.value.as_str()).collect();
    let value = words.iter().enumerate().find_map(|(i, w)| {
        w.strip_prefix("--web.listen-address=").map(str::to_string).or_else(|| {
            (*w == "--web.listen-address")
                .then(|| words.get(i + 1).map(|v| v.to_string()))
                .flatten()
        })
    });
    value
        .and_then(|a| a.rsplit(':').next().and_then(|p| p.parse().ok()))
        .unwrap_or(9090)
}

/// What `host:port` (a localhost form) is for a config run by a pod; `None` when no pod of the
/// repository runs the config (the caller keeps its answer).
pub fn localhost(cx: &Cx<'_>, cfg: &PromConfig, host: &str, port: Option<u16>) -> Option<TargetKind> {
    let run = cfg.run_by_pod.as_ref()?;
    let w = cx.ws.workloads.get(run.workload)?;
    let prom = w.containers.get(run.container)?;
    if w.host_network {
        return Some(TargetKind::Unknown(format!(
            "{} runs this Prometheus with `hostNetwork: true`, so `{host}` is its node, where any process may listen",
            w.describe()
        )));
    }
    let port = port?;
    if port == listen_port(prom) {
        return Some(TargetKind::Prometheus(format!(
            "`{host}:{port}` is Prometheus itself, in {}",
            w.describe()
        )));
    }
    if let Some(c) = w.containers.iter().find(|c| c.ports.iter().any(|p| p.port == i64::from(port))) {
        return Some(TargetKind::Other(format!(
            "container `{}` in the same pod as Prometheus",
            c.name.value
        )));
    }
    // A container that declares no ports may still listen (declaring them is optional).
    if let Some(c) = w
        .containers
        .iter()
        .enumerate()
        .find(|(i, c)| *i != run.container && c.ports.is_empty())
        .map(|(_, c)| c)
    {
        return Some(TargetKind::Unknown(format!(
            "container `{}` in the pod of {} declares no ports and may listen on `{port}`",
            c.name.value,
            w.describe()
        )));
    }
    Some(TargetKind::Unresolved {
        reason: format!(
            "{} runs this Prometheus (it mounts the config at `{}`), and inside its pod `{host}` is that pod itself: no container there listens on port `{port}`; a Service is reached by its DNS name (`<service>.<namespace>:<port>`), not through `{host}`",
            w.describe(),
            run.path
        ),
        suggestion: None,
    })
}
