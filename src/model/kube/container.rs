//! A pod's containers: ports, environment (`env`, `envFrom`), probes, volume mounts.

use super::{int, port_ref, string};
use crate::model::tree::Node;
use crate::source::{Span, Spanned};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortRef {
    Number(i64),
    Name(String),
}

impl PortRef {
    pub(super) fn from_node(n: &Node) -> Option<PortRef> {
        let s = n.as_str()?;
        Some(match s.trim().parse::<i64>() {
            Ok(v) => PortRef::Number(v),
            Err(_) => PortRef::Name(s.to_string()),
        })
    }
    pub fn describe(&self) -> String {
        match self {
            PortRef::Number(n) => n.to_string(),
            PortRef::Name(s) => s.clone(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct ContainerPort {
    pub name: Option<String>,
    pub port: i64,
    /// The port's mapping.
    pub span: Span,
    pub name_span: Option<Span>,
    /// The `containerPort` value.
    pub port_span: Span,
}

#[derive(Clone, Debug)]
pub struct EnvVar {
    pub name: String,
    /// `None` for `valueFrom` (Secret/ConfigMap refs): unknown, not empty.
    pub value: Option<String>,
    pub span: Span,
    pub value_span: Span,
    /// Where a `valueFrom` value comes from (Spring config overlays read ConfigMaps in the repo).
    pub value_from: Option<ValueRef>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ProbeKind {
    Liveness,
    Readiness,
    Startup,
}

impl ProbeKind {
    pub fn key(self) -> &'static str {
        match self {
            ProbeKind::Liveness => "livenessProbe",
            ProbeKind::Readiness => "readinessProbe",
            ProbeKind::Startup => "startupProbe",
        }
    }
}

#[derive(Clone, Debug)]
pub enum Handler {
    HttpGet {
        path: Option<Spanned<String>>,
        port: Option<Spanned<PortRef>>,
        /// `HTTP` (default) or `HTTPS`.
        scheme: Option<Spanned<String>>,
        /// Another host than the pod's IP: the probe then checks something else.
        host: Option<String>,
        /// The `httpGet` mapping, where a missing `path:` or `scheme:` would go.
        span: Span,
    },
    TcpSocket {
        port: Option<Spanned<PortRef>>,
    },
    Grpc {
        /// An integer only: gRPC probes cannot use named ports (semantics §9.1).
        port: Option<Spanned<PortRef>>,
    },
    Exec {
        command: Vec<Spanned<String>>,
        /// The `curl`/`wget` calls the command makes.
        calls: Vec<crate::model::exec::HttpCall>,
    },
    Unknown,
}

#[derive(Clone, Debug)]
pub struct Probe {
    pub kind: ProbeKind,
    /// The `livenessProbe:` key.
    pub key_span: Span,
    /// The probe's mapping.
    pub span: Span,
    pub handler: Handler,
    /// The handler entry (`httpGet:` … end of its value), to copy into a new probe.
    pub handler_span: Option<Span>,
    /// Numbers are read also when written as quoted strings (`"30"`).
    pub initial_delay: Option<Spanned<i64>>,
    pub period: Option<Spanned<i64>>,
    pub failure_threshold: Option<Spanned<i64>>,
    pub timeout: Option<Spanned<i64>>,
    /// Probe-level `terminationGracePeriodSeconds`: how long a killed container may take to
    /// stop. It does not move the kill decision (semantics §9.2).
    pub termination_grace: Option<Spanned<i64>>,
    /// Where `initialDelaySeconds` is written: key start to value end.
    pub initial_delay_entry: Option<Span>,
    /// An `httpGet.httpHeaders` entry named `Authorization`: the probe sends credentials.
    pub credentials: Option<Span>,
}

/// Kubernetes defaults and minimums (semantics §9.1); the fields are `int32`, so the window
/// arithmetic below cannot overflow.
impl Probe {
    const MAX: i64 = i32::MAX as i64;
    pub fn d(&self) -> i64 {
        self.initial_delay.as_ref().map_or(0, |v| v.value.clamp(0, Self::MAX))
    }
    pub fn p(&self) -> i64 {
        self.period.as_ref().map_or(10, |v| v.value.clamp(1, Self::MAX))
    }
    pub fn f(&self) -> i64 {
        self.failure_threshold.as_ref().map_or(3, |v| v.value.clamp(1, Self::MAX))
    }
    pub fn t(&self) -> i64 {
        self.timeout.as_ref().map_or(1, |v| v.value.clamp(1, Self::MAX))
    }
    /// Earliest kill: D + (F−1)·P (semantics §9.2): failures are immediate (connection
    /// refused while the app boots) and the first tick comes right at D.
    pub fn earliest_kill(&self) -> i64 {
        self.d() + (self.f() - 1) * self.p()
    }
    /// Latest kill: D + F·P + T. With `timeoutSeconds ≥ periodSeconds` hanging probes run back
    /// to back (the ticker buffers one tick), so after the first tick (at most D + P) each of
    /// the F probes takes T: D + P + F·T (semantics §9.2, inferred from `time.Ticker`).
    pub fn latest_kill(&self) -> i64 {
        if self.t() >= self.p() {
            self.d() + self.p() + self.f() * self.t()
        } else {
            self.d() + self.f() * self.p() + self.t()
        }
    }
}

#[derive(Clone, Debug)]
pub struct Container {
    pub name: Spanned<String>,
    pub image: Option<Spanned<String>>,
    pub ports: Vec<ContainerPort>,
    pub env: Vec<EnvVar>,
    pub args: Vec<Spanned<String>>,
    pub probes: Vec<Probe>,
    /// The container's mapping.
    pub span: Span,
    /// The `ports:` list, when there is one (where a port would be added).
    pub ports_span: Option<Span>,
    pub env_from: Vec<EnvFrom>,
    pub command: Vec<Spanned<String>>,
    pub volume_mounts: Vec<VolumeMount>,
    pub working_dir: Option<String>,
    /// The port Knative routes requests to, for the serving container of a Knative Service:
    /// its one `containerPort`, else 8080 (spanned at the container's name). Knative sets
    /// `PORT` to it and sends probes that name no port there (see `workload::knative_port`).
    pub knative_port: Option<Spanned<i64>>,
}

impl Container {
    pub fn probe(&self, kind: ProbeKind) -> Option<&Probe> {
        self.probes.iter().find(|p| p.kind == kind)
    }
    /// Image name without registry, tag or digest: `registry/x/order-service:1.2` → `order-service`.
    pub fn image_name(&self) -> Option<&str> {
        let img = self.image.as_ref()?.value.as_str();
        let no_digest = img.split('@').next().unwrap_or(img);
        let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
        Some(last.split(':').next().unwrap_or(last))
    }
    pub fn port_named(&self, name: &str) -> Option<&ContainerPort> {
        self.ports.iter().find(|p| p.name.as_deref() == Some(name))
    }
}

/// A `valueFrom` reference of a container env var.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueRef {
    ConfigMap {
        name: String,
        key: String,
        optional: bool,
    },
    Secret {
        name: String,
        key: String,
    },
    /// `fieldRef`, `resourceFieldRef`: known to the kubelet only.
    Other(String),
}

fn value_ref(n: &Node) -> ValueRef {
    let key_ref = |k: &str| {
        n.get(k).map(|r| {
            (
                r.at("name").as_string().unwrap_or_default(),
                r.at("key").as_string().unwrap_or_default(),
                r,
            )
        })
    };
    if let Some((name, key, r)) = key_ref("configMapKeyRef") {
        ValueRef::ConfigMap {
            name,
            key,
            optional: r.at("optional").as_bool() == Some(true),
        }
    } else if let Some((name, key, _)) = key_ref("secretKeyRef") {
        ValueRef::Secret { name, key }
    } else {
        ValueRef::Other(n.as_map().first().and_then(|(k, _)| k.as_string()).unwrap_or_default())
    }
}

/// One `envFrom` entry: every key of a ConfigMap or Secret becomes an env var.
#[derive(Clone, Debug)]
pub struct EnvFrom {
    pub secret: bool,
    pub name: String,
    pub prefix: String,
    pub optional: bool,
    pub span: Span,
}

fn env_from(n: &Node) -> Vec<EnvFrom> {
    n.as_seq()
        .iter()
        .filter_map(|e| {
            let (secret, r) = match (e.get("configMapRef"), e.get("secretRef")) {
                (Some(r), _) => (false, r),
                (None, Some(r)) => (true, r),
                _ => return None,
            };
            Some(EnvFrom {
                secret,
                name: r.at("name").as_string().unwrap_or_default(),
                prefix: e.at("prefix").as_string().unwrap_or_default(),
                optional: r.at("optional").as_bool() == Some(true),
                span: e.span,
            })
        })
        .collect()
}

#[derive(Clone, Debug)]
pub struct VolumeMount {
    pub name: String,
    pub mount_path: String,
    pub sub_path: Option<String>,
    pub span: Span,
}

fn volume_mounts(n: &Node) -> Vec<VolumeMount> {
    n.as_seq()
        .iter()
        .filter_map(|m| {
            Some(VolumeMount {
                name: m.at("name").as_string()?,
                mount_path: m.at("mountPath").as_string()?,
                sub_path: m.at("subPath").as_string().filter(|s| !s.is_empty()),
                span: m.span,
            })
        })
        .collect()
}

fn probe(kind: ProbeKind, key: &Node, n: &Node, env: &[(String, String)]) -> Probe {
    let handler = if let Some(h) = n.get("httpGet") {
        Handler::HttpGet {
            path: string(h.at("path")),
            port: port_ref(h.at("port")),
            scheme: string(h.at("scheme")),
            host: h.at("host").as_string().filter(|s| !s.trim().is_empty()),
            span: h.span,
        }
    } else if let Some(h) = n.get("tcpSocket") {
        Handler::TcpSocket {
            port: port_ref(h.at("port")),
        }
    } else if let Some(h) = n.get("grpc") {
        let p = h.at("port");
        Handler::Grpc {
            port: p.as_str().map(|s| {
                let v = match s.trim().parse::<i64>() {
                    Ok(v) if p.is_plain() => PortRef::Number(v),
                    _ => PortRef::Name(s.to_string()),
                };
                Spanned::new(v, p.span)
            }),
        }
    } else if let Some(h) = n.get("exec") {
        let command: Vec<Spanned<String>> = h.at("command").as_seq().iter().filter_map(string).collect();
        let calls = crate::model::exec::http_calls(&command, env);
        Handler::Exec { command, calls }
    } else {
        Handler::Unknown
    };
    let handler_span = ["httpGet", "tcpSocket", "grpc", "exec"].iter().find_map(|k| n.entry_span(k));
    Probe {
        kind,
        key_span: key.span,
        span: n.span,
        handler,
        handler_span,
        initial_delay: int(n.at("initialDelaySeconds")),
        period: int(n.at("periodSeconds")),
        failure_threshold: int(n.at("failureThreshold")),
        timeout: int(n.at("timeoutSeconds")),
        termination_grace: int(n.at("terminationGracePeriodSeconds")),
        initial_delay_entry: n.entry_span("initialDelaySeconds"),
        credentials: n
            .at("httpGet")
            .at("httpHeaders")
            .as_seq()
            .iter()
            .find(|h| {
                h.at("name")
                    .as_string()
                    .is_some_and(|v| v.trim().eq_ignore_ascii_case("authorization"))
            })
            .map(|h| h.span),
    }
}

pub(super) fn container(n: &Node) -> Container {
    let ports = n
        .at("ports")
        .as_seq()
        .iter()
        .filter_map(|p| {
            let cp = p.get("containerPort")?;
            Some(ContainerPort {
                name: p.at("name").as_string(),
                port: cp.as_i64()?,
                span: p.span,
                name_span: p.get("name").filter(|x| !x.is_null()).map(|x| x.span),
                port_span: cp.span,
            })
        })
        .collect();
    let env: Vec<EnvVar> = n
        .at("env")
        .as_seq()
        .iter()
        .filter_map(|e| {
            let name = e.at("name").as_string()?;
            let value = if e.get("valueFrom").is_some() {
                None
            } else {
                Some(e.at("value").as_string().unwrap_or_default())
            };
            let value_node = e.get("value").unwrap_or(e);
            Some(EnvVar {
                name,
                value,
                span: e.span,
                value_span: value_node.span,
                value_from: e.get("valueFrom").map(value_ref),
            })
        })
        .collect();
    let args = n.at("args").as_seq().iter().filter_map(string).collect();
    // `exec` probes may use `$SERVER_PORT` and the like from the container's own env.
    let literal_env: Vec<(String, String)> = env.iter().filter_map(|e| Some((e.name.clone(), e.value.clone()?))).collect();
    let probes = [ProbeKind::Liveness, ProbeKind::Readiness, ProbeKind::Startup]
        .into_iter()
        .filter_map(|k| {
            n.entry(k.key())
                .filter(|(_, v)| v.is_map())
                .map(|(key, v)| probe(k, key, v, &literal_env))
        })
        .collect();
    Container {
        name: string(n.at("name")).unwrap_or_else(|| Spanned::new(String::new(), n.span)),
        image: string(n.at("image")),
        ports,
        env,
        args,
        probes,
        span: n.span,
        ports_span: n.get("ports").filter(|p| p.is_seq()).map(|p| p.span),
        env_from: env_from(n.at("envFrom")),
        command: n.at("command").as_seq().iter().filter_map(string).collect(),
        volume_mounts: volume_mounts(n.at("volumeMounts")),
        working_dir: n.at("workingDir").as_string(),
        knative_port: None,
    }
}
