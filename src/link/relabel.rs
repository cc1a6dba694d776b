//! Prometheus target relabeling, evaluated over labels the model knows (semantics §7:
//! anchored RE2 regexes, `$1`/`${name}` replacements, `__`-labels dropped afterwards).
//!
//! The annotation convention (`prometheus.io/scrape|path|port|scheme`) is nothing but relabel
//! rules, so evaluating the job's own rules recognises it in every variant teams write (the
//! old official example, the `prometheus` Helm chart, IPv6-aware address rules), and treats
//! anything it cannot evaluate as unknown: a rule whose input the repository cannot tell (pod
//! IP, node name, a hash for sharding) and whose output decides keep/drop, path, port or
//! scheme makes the result unknown rather than guessed.

use crate::model::prometheus::Relabel;
use crate::source::Span;
use std::collections::BTreeMap;

/// A label value and where it was written, when the repository wrote it.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub text: String,
    pub span: Option<Span>,
    /// A stand-in for something only the cluster knows (a pod IP, a node name).
    pub placeholder: bool,
}

impl Value {
    pub fn known(text: impl Into<String>, span: Option<Span>) -> Value {
        Value {
            text: text.into(),
            span,
            placeholder: false,
        }
    }
    pub fn placeholder(text: impl Into<String>) -> Value {
        Value {
            text: text.into(),
            span: None,
            placeholder: true,
        }
    }
}

pub type Labels = BTreeMap<String, Value>;

#[derive(Debug)]
pub enum Outcome {
    Kept(Labels),
    Dropped {
        /// The rule that dropped it.
        by: Span,
    },
    /// A rule decides on something only the cluster knows.
    Unknown(String),
}

/// `prometheus.io/scrape` → `prometheus_io_scrape` (kubernetes_sd meta label names).
pub fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' })
        .collect()
}

/// Labels that hold the host of the discovered instance itself.
const INSTANCE_HOST: &[&str] = &[
    "__address__",
    "__meta_kubernetes_pod_ip",
    "__meta_eureka_app_instance_hostname",
    "__meta_eureka_app_instance_ip_addr",
    "__meta_consul_service_address",
];

/// Labels whose value decides what is scraped, where and how.
fn decisive(label: &str) -> bool {
    matches!(label, "__address__" | "__metrics_path__" | "__scheme__") || label.starts_with("__param_")
}

fn anchored(re: &str) -> Option<regex::Regex> {
    regex::Regex::new(&format!("^(?:{re})$")).ok()
}

/// A job's rules with their regexes compiled once (a job is run against every pod).
pub struct Compiled<'a> {
    rules: Vec<(&'a Relabel, Option<regex::Regex>)>,
}

pub fn compile(rules: &[Relabel]) -> Compiled<'_> {
    Compiled {
        rules: rules.iter().map(|r| (r, anchored(&r.regex))).collect(),
    }
}

pub fn run(rules: &[Relabel], labels: Labels) -> Outcome {
    run_compiled(&compile(rules), labels)
}

pub fn run_compiled(compiled: &Compiled<'_>, mut labels: Labels) -> Outcome {
    for (r, re) in &compiled.rules {
        let r = *r;
        let Some(re) = re else {
            return Outcome::Unknown(format!("relabel regex `{}` does not compile", r.regex));
        };
        let values: Vec<&Value> = r.source_labels.iter().map(|l| labels.get(l)).map(|v| v.unwrap_or(&EMPTY)).collect();
        let uses_placeholder = values.iter().any(|v| v.placeholder);
        let joined = values.iter().map(|v| v.text.as_str()).collect::<Vec<_>>().join(&r.separator);
        // The span that best explains the result: the last non-empty source written in the repo.
        let source_span = values
            .iter()
            .rev()
            .find(|v| !v.text.is_empty() && v.span.is_some())
            .and_then(|v| v.span);
        match r.action.as_str() {
            "keep" | "drop" => {
                if uses_placeholder {
                    return Outcome::Unknown(format!(
                        "a `{}` rule reads `{}`, which only the running cluster or registry knows",
                        r.action,
                        r.source_labels.join(", ")
                    ));
                }
                let m = re.is_match(&joined);
                if m != (r.action == "keep") {
                    return Outcome::Dropped { by: r.span };
                }
            }
            "keepequal" | "dropequal" => {
                let target = r.target_label.as_deref().and_then(|t| labels.get(t));
                if uses_placeholder || target.is_some_and(|t| t.placeholder) {
                    return Outcome::Unknown(format!(
                        "a `{}` rule compares values only the running cluster or registry knows",
                        r.action
                    ));
                }
                let eq = target.map_or("", |t| t.text.as_str()) == joined;
                if eq != (r.action == "keepequal") {
                    return Outcome::Dropped { by: r.span };
                }
            }
            "replace" => {
                let Some(target) = r.target_label.clone() else { continue };
                let Some(caps) = re.captures(&joined) else { continue };
                let mut out = String::new();
                caps.expand(&r.replacement, &mut out);
                let target_name = {
                    let mut t = String::new();
                    caps.expand(&target, &mut t);
                    t
                };
                // The pod's IP is what every address of the pod holds anyway: writing it (with a
                // port from an annotation) into `__address__` keeps the address a pod address.
                // So do a registered instance's host name and address.
                let keeps_pod_address = target_name == "__address__" && r.source_labels.iter().any(|s| INSTANCE_HOST.contains(&s.as_str()));
                if uses_placeholder && decisive(&target_name) && !keeps_pod_address {
                    return Outcome::Unknown(format!(
                        "`{target_name}` is set from `{}`, which only the running cluster or registry knows",
                        r.source_labels.join(", ")
                    ));
                }
                if out.is_empty() {
                    labels.remove(&target_name);
                } else {
                    let placeholder = uses_placeholder && target_name != "__address__";
                    labels.insert(
                        target_name,
                        Value {
                            text: out,
                            span: source_span.or(Some(r.span)),
                            placeholder,
                        },
                    );
                }
            }
            "lowercase" | "uppercase" => {
                let Some(target) = r.target_label.clone() else { continue };
                let text = if r.action == "lowercase" {
                    joined.to_lowercase()
                } else {
                    joined.to_uppercase()
                };
                labels.insert(
                    target,
                    Value {
                        text,
                        span: source_span,
                        placeholder: uses_placeholder,
                    },
                );
            }
            "labelmap" => {
                let mut add = Vec::new();
                for (name, v) in &labels {
                    if let Some(caps) = re.captures(name) {
                        let mut n = String::new();
                        caps.expand(&r.replacement, &mut n);
                        if !n.is_empty() {
                            add.push((n, v.clone()));
                        }
                    }
                }
                for (n, v) in add {
                    if decisive(&n) && v.placeholder {
                        return Outcome::Unknown(format!("`{n}` is mapped from a label only the running cluster or registry knows"));
                    }
                    labels.insert(n, v);
                }
            }
            "labeldrop" => labels.retain(|n, _| !re.is_match(n)),
            "labelkeep" => labels.retain(|n, _| re.is_match(n)),
            "hashmod" => {
                if let Some(t) = &r.target_label {
                    // Sharding across Prometheus replicas: which one scrapes is not static.
                    labels.insert(t.clone(), Value::placeholder("0"));
                }
            }
            other => return Outcome::Unknown(format!("relabel action `{other}` is not known")),
        }
    }
    Outcome::Kept(labels)
}

static EMPTY: Value = Value {
    text: String::new(),
    span: None,
    placeholder: false,
};

/// The rules that read an annotation of `object` (`pod` or `service`), by annotation name.
pub fn reads_annotation(rules: &[Relabel], object: &str, annotation: &str) -> bool {
    let meta = format!("__meta_kubernetes_{object}_annotation_{}", sanitize(annotation));
    let present = format!("__meta_kubernetes_{object}_annotationpresent_{}", sanitize(annotation));
    rules.iter().any(|r| {
        r.source_labels.iter().any(|s| *s == meta || *s == present)
            || (r.action == "labelmap" && anchored(&r.regex).is_some_and(|re| re.is_match(&meta)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn rule(source: &[&str], regex: &str, action: &str, target: Option<&str>, replacement: &str) -> Relabel {
        Relabel {
            source_labels: source.iter().map(|s| s.to_string()).collect(),
            separator: ";".into(),
            regex: regex.into(),
            target_label: target.map(str::to_string),
            replacement: replacement.into(),
            action: action.into(),
            span: Span::empty(FileId(0), 0),
        }
    }

    fn conventional() -> Vec<Relabel> {
        vec![
            rule(
                &["__meta_kubernetes_pod_annotation_prometheus_io_scrape"],
                "true",
                "keep",
                None,
                "$1",
            ),
            rule(
                &["__meta_kubernetes_pod_annotation_prometheus_io_path"],
                "(.+)",
                "replace",
                Some("__metrics_path__"),
                "$1",
            ),
            rule(
                &["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"],
                "([^:]+)(?::\\d+)?;(\\d+)",
                "replace",
                Some("__address__"),
                "$1:$2",
            ),
            rule(
                &["__meta_kubernetes_pod_label_(.+)"],
                "__meta_kubernetes_pod_label_(.+)",
                "labelmap",
                None,
                "$1",
            ),
        ]
    }

    #[test]
    fn annotation_convention() {
        let mut l = Labels::new();
        l.insert("__address__".into(), Value::placeholder("10.0.0.1:8080"));
        l.insert("__metrics_path__".into(), Value::known("/metrics", None));
        l.insert(
            "__meta_kubernetes_pod_annotation_prometheus_io_scrape".into(),
            Value::known("true", None),
        );
        l.insert(
            "__meta_kubernetes_pod_annotation_prometheus_io_path".into(),
            Value::known("/actuator/prometheus", Some(Span::empty(FileId(1), 5))),
        );
        l.insert(
            "__meta_kubernetes_pod_annotation_prometheus_io_port".into(),
            Value::known("8081", None),
        );
        let Outcome::Kept(out) = run(&conventional(), l.clone()) else {
            panic!()
        };
        assert_eq!(out["__metrics_path__"].text, "/actuator/prometheus");
        assert_eq!(out["__metrics_path__"].span, Some(Span::empty(FileId(1), 5)));
        assert_eq!(out["__address__"].text, "10.0.0.1:8081");
        l.insert(
            "__meta_kubernetes_pod_annotation_prometheus_io_scrape".into(),
            Value::known("True", None),
        );
        assert!(matches!(run(&conventional(), l), Outcome::Dropped { .. }));
        assert!(reads_annotation(&conventional(), "pod", "prometheus.io/scrape"));
        assert!(!reads_annotation(&conventional(), "service", "prometheus.io/scrape"));
    }

    #[test]
    fn unknown_inputs_make_unknown_outcomes() {
        let rules = vec![rule(&["__meta_kubernetes_pod_node_name"], "node-1", "keep", None, "$1")];
        let mut l = Labels::new();
        l.insert("__meta_kubernetes_pod_node_name".into(), Value::placeholder("node"));
        assert!(matches!(run(&rules, l), Outcome::Unknown(_)));
    }
}
