//! `relabel_configs` over static, file_sd and DNS targets: the same evaluator as for
//! Kubernetes and registry targets (`link::relabel`), over the labels such a target has
//! before relabelling (Prometheus configuration reference, `relabel_config`, `file_sd_config`,
//! `dns_sd_config`): `__address__`, `__metrics_path__`, `__scheme__`, `job`, the target
//! group's labels, `__meta_filepath` for file_sd, `__meta_dns_name` and
//! `__meta_dns_srv_record_target`/`_port`, `__meta_dns_mx_record_target`,
//! `__meta_dns_ns_record_target` for DNS. A rule may rewrite where, what and how a target is
//! scraped, or drop it; one that decides on something only the running Prometheus knows (the
//! file's path inside its container, a resolved IP, an SRV answer) makes the target unknown.

use crate::link::relabel::{self, Labels, Value};
use crate::model::prometheus::{Job, Target};
use crate::source::{SourceSet, Span, Spanned};

/// A target after its job's relabelling.
pub(super) enum Relabelled {
    Kept(After),
    Dropped { by: Span },
    Unknown(String),
}

/// What is scraped after relabelling, and whether the address changed.
pub(super) struct After {
    pub target: Target,
    pub rewritten: bool,
    pub path: Spanned<String>,
    pub path_explicit: bool,
    pub scheme: String,
    pub scheme_span: Option<Span>,
}

/// Runs `job`'s `relabel_configs` over target `t`, scraped at `path` over `scheme` before them.
pub(super) fn relabel(sources: &SourceSet, job: &Job, t: &Target, path: (&str, Span, bool), scheme: (&str, Option<Span>)) -> Relabelled {
    let mut labels = Labels::new();
    let dns = t.dns.as_ref();
    // A DNS target's address is the answer's IP (or the SRV record's target): only the name
    // stands in for it here.
    let address = if dns.is_some() {
        Value {
            text: t.address.value.clone(),
            span: Some(t.address.span),
            placeholder: true,
        }
    } else {
        Value::known(t.address.value.clone(), Some(t.address.span))
    };
    labels.insert("__address__".into(), address);
    labels.insert("__metrics_path__".into(), Value::known(path.0, Some(path.1)));
    labels.insert("__scheme__".into(), Value::known(scheme.0, scheme.1));
    labels.insert("job".into(), Value::known(job.name.value.clone(), Some(job.name.span)));
    for (k, v) in &t.labels {
        labels.insert(k.clone(), Value::known(v.value.clone(), Some(v.span)));
    }
    if let Some(f) = t.sd_file {
        // The path Prometheus reads it at is inside its container, not the repository's.
        labels.insert("__meta_filepath".into(), Value::placeholder(sources.path(f)));
    }
    if let Some(d) = dns {
        labels.insert("__meta_dns_name".into(), Value::known(d.name.clone(), Some(t.address.span)));
        for (label, record) in [
            ("__meta_dns_srv_record_target", "SRV"),
            ("__meta_dns_srv_record_port", "SRV"),
            ("__meta_dns_mx_record_target", "MX"),
            ("__meta_dns_ns_record_target", "NS"),
        ] {
            // Present on every target, empty unless the record is of its type.
            let v = if d.record == record {
                Value::placeholder("")
            } else {
                Value::known("", None)
            };
            labels.insert(label.into(), v);
        }
    }
    let out = match relabel::run(&job.relabel, labels) {
        relabel::Outcome::Kept(out) => out,
        relabel::Outcome::Dropped { by } => return Relabelled::Dropped { by },
        relabel::Outcome::Unknown(why) => return Relabelled::Unknown(format!("the job's relabelling: {why}")),
    };
    let Some(addr) = out.get("__address__").filter(|a| !a.text.is_empty()) else {
        return Relabelled::Unknown("the job's relabelling leaves the target without an `__address__`".into());
    };
    let rewritten = addr.text != t.address.value;
    if rewritten && dns.is_some() {
        return Relabelled::Unknown(format!(
            "the job's relabelling rewrites the address of a DNS-discovered target to `{}`",
            addr.text
        ));
    }
    let new_path = out.get("__metrics_path__");
    let (path, path_explicit) = match new_path {
        Some(p) if p.placeholder => {
            return Relabelled::Unknown("the job's relabelling sets `__metrics_path__` from a value the repository does not show".into())
        }
        Some(p) if p.text == path.0 => (Spanned::new(path.0.to_string(), path.1), path.2),
        Some(p) => (Spanned::new(p.text.clone(), p.span.unwrap_or(job.name.span)), true),
        None => return Relabelled::Unknown("the job's relabelling removes `__metrics_path__`".into()),
    };
    let (scheme, scheme_span) = match out.get("__scheme__") {
        Some(s) if s.placeholder => {
            return Relabelled::Unknown("the job's relabelling sets `__scheme__` from a value the repository does not show".into())
        }
        Some(s) if s.text == scheme.0 => (scheme.0.to_string(), scheme.1),
        Some(s) => (s.text.clone(), s.span.or(Some(job.name.span))),
        None => return Relabelled::Unknown("the job's relabelling removes `__scheme__`".into()),
    };
    let mut target = t.clone();
    if rewritten {
        target.address = Spanned::new(addr.text.clone(), addr.span.unwrap_or(job.name.span));
    }
    // What relabelling left in the target's own labels (`application`, `service`) names it.
    target.labels = out
        .iter()
        .filter(|(k, v)| !k.starts_with("__") && *k != "job" && !v.placeholder)
        .map(|(k, v)| (k.clone(), Spanned::new(v.text.clone(), v.span.unwrap_or(job.name.span))))
        .collect();
    Relabelled::Kept(After {
        target,
        rewritten,
        path,
        path_explicit,
        scheme,
        scheme_span,
    })
}
