//! Registry and DNS service discovery of a scrape job, as written: `eureka_sd_configs`,
//! `consul_sd_configs` and `dns_sd_configs` (Prometheus configuration reference,
//! <https://prometheus.io/docs/prometheus/latest/configuration/configuration/#eureka_sd_config>,
//! `#consul_sd_config`, `#dns_sd_config`). Which services a registry lists is decided by the
//! links (`link::scrape::registry`); a DNS name becomes a target like a static one.

use super::prometheus::{Target, TargetDns};
use super::tree::Node;
use crate::source::{Span, Spanned};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegistryKind {
    Eureka,
    Consul,
}

impl RegistryKind {
    pub fn key(self) -> &'static str {
        match self {
            RegistryKind::Eureka => "eureka_sd_configs",
            RegistryKind::Consul => "consul_sd_configs",
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            RegistryKind::Eureka => "Eureka",
            RegistryKind::Consul => "Consul",
        }
    }
}

/// One `eureka_sd_configs` or `consul_sd_configs` entry.
#[derive(Clone, Debug)]
pub struct RegistrySd {
    pub kind: RegistryKind,
    /// The entry's mapping.
    pub span: Span,
    /// `server`: the Eureka base URL (required), or the Consul agent `host:port` (default
    /// `localhost:8500`); `None` when absent.
    pub server: Option<Spanned<String>>,
    /// Consul `services`: the service names listed (empty = every service).
    pub services: Vec<Spanned<String>>,
    /// Consul `tags`: a service is listed only when it has every one.
    pub tags: Vec<String>,
    /// Consul `tag_separator` (default `,`), which also opens and closes `__meta_consul_tags`.
    pub tag_separator: String,
    /// A filter the registrations are not compared with (`node_meta`, `filter`, `datacenter`,
    /// `namespace`, `partition`): which services it lists is then unknown.
    pub unevaluated: Option<String>,
}

impl RegistrySd {
    /// The server's host, without scheme, credentials, port or path.
    pub fn server_host(&self) -> Option<String> {
        let s = match (&self.server, self.kind) {
            (Some(s), _) => s.value.as_str(),
            (None, RegistryKind::Consul) => "localhost:8500",
            (None, RegistryKind::Eureka) => return None,
        };
        Some(url_host(s))
    }
}

/// `http://user:pw@eureka:8761/eureka` → `eureka`.
pub fn url_host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split('/').next().unwrap_or(rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    let host = match rest.rsplit_once(':') {
        Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) => h,
        _ => rest,
    };
    host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase()
}

/// The registry discoveries of a job.
pub fn registry_sd(job: &Node) -> Vec<RegistrySd> {
    let mut out = Vec::new();
    for kind in [RegistryKind::Eureka, RegistryKind::Consul] {
        for c in job.at(kind.key()).as_seq() {
            let unevaluated = match kind {
                RegistryKind::Eureka => None,
                RegistryKind::Consul => ["node_meta", "filter", "datacenter", "namespace", "partition"]
                    .iter()
                    .find(|k| c.get(k).is_some_and(|v| !v.is_null()))
                    .map(|k| format!("its `{k}` is not compared with what the services register")),
            };
            out.push(RegistrySd {
                kind,
                span: c.span,
                server: c.at("server").spanned_string().filter(|s| !s.value.trim().is_empty()),
                services: c.at("services").as_seq().iter().filter_map(|s| s.spanned_string()).collect(),
                tags: c.at("tags").as_seq().iter().filter_map(|s| s.as_string()).collect(),
                tag_separator: c.at("tag_separator").as_string().unwrap_or_else(|| ",".into()),
                unevaluated,
            });
        }
    }
    out
}

/// `dns_sd_configs` names as targets: `name:port` for A/AAAA records (the `port` the config
/// gives), the bare name for SRV records (the port comes from the record).
pub fn dns_targets(job: &Node) -> Vec<Target> {
    let mut out = Vec::new();
    for c in job.at("dns_sd_configs").as_seq() {
        let record = c.at("type").as_string().unwrap_or_else(|| "SRV".into()).to_ascii_uppercase();
        let port = c.at("port").as_string().and_then(|p| p.trim().parse::<u16>().ok());
        for n in c.at("names").as_seq() {
            let Some(name) = n.as_string() else { continue };
            let name = name.trim_end_matches('.').to_string();
            let address = match (record.as_str(), port) {
                ("A" | "AAAA", Some(p)) => format!("{name}:{p}"),
                _ => name.clone(),
            };
            out.push(Target {
                address: Spanned::new(address, n.span),
                labels: vec![],
                sd_file: None,
                dns: Some(TargetDns {
                    name,
                    record: record.clone(),
                    port,
                }),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_of_urls() {
        assert_eq!(url_host("http://user:pw@Eureka-Server:8761/eureka/"), "eureka-server");
        assert_eq!(url_host("consul:8500"), "consul");
        assert_eq!(url_host("localhost"), "localhost");
    }
}
