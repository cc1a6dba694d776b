//! What one deployment registers in a service registry, computed once: the Eureka instance
//! (Spring Cloud Netflix) or the Consul service(s) (Spring Cloud Consul), with the server the
//! client talks to, the name, the port, tags and metadata — each known with the property that
//! decided it, or unknown with the reason.
//!
//! Eureka (Spring Cloud Netflix `EurekaClientAutoConfiguration`, `EurekaInstanceConfigBean`,
//! <https://docs.spring.io/spring-cloud-netflix/reference/spring-cloud-netflix.html>): the app
//! is `eureka.instance.appname`, else `spring.application.name`, upper-cased by the server;
//! the port is `eureka.instance.non-secure-port`, else `server.port` (the actual port when
//! random); `eureka.instance.metadata-map.*` is the metadata, plus `management.port` (the
//! management port, else the server port; none when random) unless the map sets it.
//!
//! Consul (Spring Cloud Consul `ConsulAutoRegistration`,
//! <https://docs.spring.io/spring-cloud-consul/reference/discovery.html>): the service is
//! `spring.cloud.consul.discovery.service-name`, else `spring.application.name`, else
//! `application`, with every run of other characters than letters and digits made one `-`;
//! the port is `spring.cloud.consul.discovery.port`, else the server port; tags and metadata
//! from `…discovery.tags` / `…discovery.metadata` (plus `secure`); with the actuator on its
//! own port a second service `<name>-management` registers that port, tagged `management`.

use super::lookup::{Effective, Lookup};
use super::serving::{Port, Serving};
use super::{canonical, facts::parse_bool, Origin, Why};
use crate::model::discovery::RegistryKind;
use crate::source::Span;

/// A metadata or tag value; `None` when a source the repository cannot read decides it.
#[derive(Clone, Debug)]
pub struct MetaValue {
    pub key: String,
    pub value: Option<String>,
    pub span: Option<Span>,
}

/// One service the deployment registers (Consul may register two).
#[derive(Clone, Debug)]
pub struct Entry {
    /// As the registry lists it (Eureka upper-cases app names).
    pub name: String,
    pub name_why: Why,
    /// The port the registry hands out: fixed, random (the actual one, registered at
    /// start-up) or unknown.
    pub port: Port,
    pub tags: Vec<String>,
    pub metadata: Vec<MetaValue>,
    /// A source that may add metadata the repository cannot see.
    pub metadata_unknown: Option<Why>,
    /// Eureka `eureka.instance.secure-port-enabled`.
    pub secure_port_enabled: bool,
}

#[derive(Clone, Debug)]
pub struct Registration {
    pub kind: RegistryKind,
    /// The hosts of the servers the client registers with (Eureka `defaultZone`, Consul
    /// `spring.cloud.consul.host`), lower-cased, and why.
    pub servers: Vec<String>,
    pub servers_why: Why,
    pub entries: Vec<Entry>,
}

#[derive(Clone, Debug)]
pub enum Registers {
    Yes(Registration),
    No(Why),
    Unknown(Why),
}

fn flag(eff: &Effective, key: &str) -> Result<Option<(bool, Option<Span>)>, Why> {
    match eff.lookup(key) {
        Lookup::Set(f) => Ok(parse_bool(&f.value).map(|b| (b, Some(f.prop.value_span)))),
        Lookup::Unset => Ok(None),
        Lookup::Unknown(w) => Err(w),
    }
}

fn string(eff: &Effective, key: &str) -> Result<Option<(String, Span, String)>, Why> {
    match eff.lookup(key) {
        Lookup::Set(f) => Ok(Some((f.value.trim().to_string(), f.prop.value_span, f.layer.label.clone()))),
        Lookup::Unset => Ok(None),
        Lookup::Unknown(w) => Err(w),
    }
}

/// The entries of a map-valued property (`eureka.instance.metadata-map.*`): maps merge across
/// sources, a higher source wins per key. Keys keep their written case.
fn map_entries(eff: &Effective, kebab: &str) -> (Vec<MetaValue>, Option<Why>) {
    let prefix = format!("{}.", canonical(kebab));
    let depth = kebab.split('.').count();
    let mut out: Vec<MetaValue> = Vec::new();
    let mut unknown = None;
    for layer in &eff.layers {
        if let Some(w) = &layer.opaque {
            unknown.get_or_insert_with(|| w.clone());
            continue;
        }
        for (ck, p) in layer.props.range(prefix.clone()..).take_while(|(k, _)| k.starts_with(&prefix)) {
            if let Some(w) = &layer.maybe {
                unknown.get_or_insert_with(|| {
                    Why::new(
                        format!("`{}` is set in {}, which may not apply: {}", p.key, layer.label, w.text),
                        Some(p.value_span),
                    )
                });
                continue;
            }
            let key = if matches!(layer.origin, Origin::Env { .. }) {
                ck[prefix.len()..].to_string()
            } else {
                written_rest(&p.key, depth)
            };
            let value = if p.unknown.is_some() {
                None
            } else {
                eff.resolve(&p.value, 0).ok().map(|v| v.trim().to_string())
            };
            out.retain(|m| m.key != key);
            out.push(MetaValue {
                key,
                value,
                span: Some(p.value_span),
            });
        }
    }
    (out, unknown)
}

/// `eureka.instance.metadataMap.[prometheus.scrape]` → `prometheus.scrape` (the map key).
fn written_rest(key: &str, skip: usize) -> String {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut bracket = false;
    for c in key.chars() {
        match c {
            '[' => bracket = true,
            ']' => bracket = false,
            '.' if !bracket => parts.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    parts.push(cur);
    parts.into_iter().skip(skip).collect::<Vec<_>>().join(".")
}

fn hosts(urls: &str) -> Vec<String> {
    urls.split(',')
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(crate::model::discovery::url_host)
        .collect()
}

/// `normalizeForDns`: runs of other characters than letters and digits become one `-`.
fn normalize_for_dns(s: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
            dash = false;
        } else if !dash {
            out.push('-');
            dash = true;
        }
    }
    out
}

/// The port from an explicit property (`eureka.instance.non-secure-port`), else the server's.
fn port(eff: &Effective, key: &str, serving: &Serving) -> Port {
    match string(eff, key) {
        Ok(Some((v, span, label))) => match v.parse::<i64>() {
            Ok(p) if p > 0 && p < 65536 => Port::Fixed(p as u16, Why::new(format!("`{key}: {v}` in {label}"), Some(span))),
            Ok(0) => Port::Random(Why::new(format!("`{key}: 0` in {label}"), Some(span))),
            _ => Port::Unknown(Why::new(format!("`{key}: {v}` in {label} is not a port"), Some(span))),
        },
        Ok(None) => serving.server_port.clone(),
        Err(w) => Port::Unknown(w),
    }
}

/// Whether the client is switched off by any of `keys` (each defaults to `true`).
fn disabled(eff: &Effective, keys: &[&str]) -> Result<Option<Why>, Why> {
    for k in keys {
        if let Some((false, span)) = flag(eff, k)? {
            return Ok(Some(Why::new(format!("`{k}` is false"), span)));
        }
    }
    Ok(None)
}

/// What the deployment registers with `kind`, given whether its classpath has the client.
pub fn registration(kind: RegistryKind, eff: &Effective, serving: &Serving, client: Result<bool, Why>) -> Registers {
    match client {
        Ok(false) => return Registers::No(Why::new(format!("no {} discovery client on the classpath", kind.name()), None)),
        Err(w) => return Registers::Unknown(w),
        Ok(true) => {}
    }
    let r = match kind {
        RegistryKind::Eureka => eureka(eff, serving),
        RegistryKind::Consul => consul(eff, serving),
    };
    r.unwrap_or_else(Registers::Unknown)
}

fn app_name(eff: &Effective) -> Result<Option<(String, Span, String)>, Why> {
    string(eff, "spring.application.name")
}

fn eureka(eff: &Effective, serving: &Serving) -> Result<Registers, Why> {
    if let Some(w) = disabled(
        eff,
        &[
            "eureka.client.enabled",
            "eureka.client.register-with-eureka",
            "spring.cloud.discovery.enabled",
        ],
    )? {
        return Ok(Registers::No(w));
    }
    let (servers, servers_why) = match string(eff, "eureka.client.service-url.default-zone")? {
        Some((v, span, label)) => (
            hosts(&v),
            Why::new(format!("`eureka.client.service-url.defaultZone: {v}` in {label}"), Some(span)),
        ),
        None => (
            vec!["localhost".to_string()],
            Why::new(
                "`eureka.client.service-url.defaultZone` is not set: Spring Cloud's default `http://localhost:8761/eureka/`",
                None,
            ),
        ),
    };
    let (name, name_why) = match string(eff, "eureka.instance.appname")? {
        Some((v, span, label)) => (
            v.clone(),
            Why::new(format!("`eureka.instance.appname: {v}` in {label}"), Some(span)),
        ),
        None => match app_name(eff)? {
            Some((v, span, label)) => (
                v.clone(),
                Why::new(format!("`spring.application.name: {v}` in {label}"), Some(span)),
            ),
            None => (
                "unknown".into(),
                Why::new("no `spring.application.name`: Eureka's app name `unknown`", None),
            ),
        },
    };
    let port = port(eff, "eureka.instance.non-secure-port", serving);
    let (mut metadata, metadata_unknown) = map_entries(eff, "eureka.instance.metadata-map");
    if !metadata.iter().any(|m| m.key == "management.port") {
        let management = match &serving.management_port {
            Some(p) => p,
            None => &serving.server_port,
        };
        match management {
            Port::Fixed(p, why) => metadata.push(MetaValue {
                key: "management.port".into(),
                value: Some(p.to_string()),
                span: why.span,
            }),
            Port::Unknown(_) => metadata.push(MetaValue {
                key: "management.port".into(),
                value: None,
                span: None,
            }),
            Port::Random(_) | Port::Off(_) => {}
        }
    }
    let secure = flag(eff, "eureka.instance.secure-port-enabled")?.is_some_and(|(b, _)| b);
    Ok(Registers::Yes(Registration {
        kind: RegistryKind::Eureka,
        servers,
        servers_why,
        entries: vec![Entry {
            name: name.to_ascii_uppercase(),
            name_why,
            port,
            tags: vec![],
            metadata,
            metadata_unknown,
            secure_port_enabled: secure,
        }],
    }))
}

fn list(eff: &Effective, key: &str) -> Result<Option<Vec<String>>, Why> {
    match eff.list(key) {
        Lookup::Set(l) => Ok(Some(l.items)),
        Lookup::Unset => Ok(None),
        Lookup::Unknown(w) => Err(w),
    }
}

fn consul(eff: &Effective, serving: &Serving) -> Result<Registers, Why> {
    if let Some(w) = disabled(
        eff,
        &[
            "spring.cloud.consul.enabled",
            "spring.cloud.consul.discovery.enabled",
            "spring.cloud.consul.discovery.register",
            "spring.cloud.discovery.enabled",
            "spring.cloud.service-registry.auto-registration.enabled",
        ],
    )? {
        return Ok(Registers::No(w));
    }
    let (servers, servers_why) = match string(eff, "spring.cloud.consul.host")? {
        Some((v, span, label)) => (
            hosts(&v),
            Why::new(format!("`spring.cloud.consul.host: {v}` in {label}"), Some(span)),
        ),
        None => (
            vec!["localhost".to_string()],
            Why::new(
                "`spring.cloud.consul.host` is not set: Spring Cloud Consul's default `localhost`",
                None,
            ),
        ),
    };
    let (raw, name_why) = match string(eff, "spring.cloud.consul.discovery.service-name")? {
        Some((v, span, label)) => (
            v.clone(),
            Why::new(format!("`spring.cloud.consul.discovery.service-name: {v}` in {label}"), Some(span)),
        ),
        None => match app_name(eff)? {
            Some((v, span, label)) => (
                v.clone(),
                Why::new(format!("`spring.application.name: {v}` in {label}"), Some(span)),
            ),
            None => (
                "application".into(),
                Why::new("no `spring.application.name`: Consul service `application`", None),
            ),
        },
    };
    let name = normalize_for_dns(&raw);
    let tags = list(eff, "spring.cloud.consul.discovery.tags")?.unwrap_or_default();
    let (mut metadata, metadata_unknown) = map_entries(eff, "spring.cloud.consul.discovery.metadata");
    let secure = string(eff, "spring.cloud.consul.discovery.scheme")?.is_some_and(|(s, _, _)| s.eq_ignore_ascii_case("https"));
    metadata.push(MetaValue {
        key: "secure".into(),
        value: Some(secure.to_string()),
        span: None,
    });
    let mut entries = vec![Entry {
        name: name.clone(),
        name_why: name_why.clone(),
        port: port(eff, "spring.cloud.consul.discovery.port", serving),
        tags,
        metadata,
        metadata_unknown: metadata_unknown.clone(),
        secure_port_enabled: false,
    }];
    let register_management = flag(eff, "spring.cloud.service-registry.auto-registration.register-management")?.is_none_or(|(b, _)| b);
    if let (true, Some(mp)) = (register_management, serving.management_port.as_ref()) {
        if serving.server_port.fixed() != mp.fixed() || mp.fixed().is_none() {
            let suffix = string(eff, "spring.cloud.consul.discovery.management-suffix")?.map_or("management".to_string(), |(s, _, _)| s);
            let tags = list(eff, "spring.cloud.consul.discovery.management-tags")?.unwrap_or_else(|| vec!["management".into()]);
            let (metadata, metadata_unknown) = map_entries(eff, "spring.cloud.consul.discovery.management-metadata");
            let port = match string(eff, "spring.cloud.consul.discovery.management-port")? {
                Some(_) => port(eff, "spring.cloud.consul.discovery.management-port", serving),
                None => mp.clone(),
            };
            entries.push(Entry {
                name: normalize_for_dns(&format!("{raw}-{suffix}")),
                name_why: Why::new(
                    format!("{} with the suffix `-{suffix}` (the actuator has its own port)", name_why.text),
                    name_why.span,
                ),
                port,
                tags,
                metadata,
                metadata_unknown,
                secure_port_enabled: false,
            });
        }
    }
    Ok(Registers::Yes(Registration {
        kind: RegistryKind::Consul,
        servers,
        servers_why,
        entries,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(normalize_for_dns("orders_service.v2"), "orders-service-v2");
        assert_eq!(
            written_rest("eureka.instance.metadataMap.[prometheus.scrape]", 3),
            "prometheus.scrape"
        );
        assert_eq!(written_rest("eureka.instance.metadata-map.prometheus.path", 3), "prometheus.path");
        assert_eq!(hosts("http://a:8761/eureka/, http://B:8762/eureka/"), vec!["a", "b"]);
    }
}
