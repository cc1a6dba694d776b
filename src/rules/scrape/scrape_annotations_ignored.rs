use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Label};
use crate::edit;
use crate::link::relabel::reads_annotation;
use crate::model::kube::{Annotation, Workload};
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::Span;

declare_rule!(ScrapeAnnotationsIgnored {
    name: "scrape-annotations-ignored",
    category: Scrape,
    severity: Warning,
    fix: Sometimes,
    summary: "`prometheus.io/*` annotations that nothing honours, or placed where no Prometheus reads them",
});

const PREFIX: &str = "prometheus.io/";

/// What reads annotations in this repository.
struct Readers<'a> {
    /// (job name, namespaces) of jobs reading pod / Service annotations.
    pod: Vec<(&'a str, Option<&'a Vec<String>>)>,
    service: Vec<(&'a str, Option<&'a Vec<String>>)>,
    /// Nothing can be said: the configuration is partly outside the repository.
    unknown: bool,
    /// The repository defines how the cluster is scraped (a Prometheus configuration that may
    /// be the cluster's, CRs, stack values).
    defines: bool,
    forced: Option<bool>,
}

fn readers<'a>(cx: &'a Context<'a>, key: &str) -> Readers<'a> {
    let mut r = Readers {
        pod: vec![],
        service: vec![],
        unknown: !cx.ws.wiring.unknown_scrape_config.is_empty(),
        defines: (0..cx.ws.prom_configs.len()).any(|c| cx.ws.may_scrape_cluster(c))
            || !cx.ws.prometheus_crs.is_empty()
            || !cx.ws.stack_values.is_empty(),
        forced: cx.config.honors_annotations,
    };
    for j in &cx.ws.jobs {
        for sd in &j.kube_sd {
            let ns = sd.namespaces.as_ref();
            let role = sd.role.value.as_str();
            if matches!(role, "pod" | "endpoints" | "endpointslice") && reads_annotation(&j.relabel, "pod", key) {
                r.pod.push((j.name.value.as_str(), ns));
            }
            if matches!(role, "service" | "endpoints" | "endpointslice") && reads_annotation(&j.relabel, "service", key) {
                r.service.push((j.name.value.as_str(), ns));
            }
        }
    }
    r
}

fn covers(list: &[(&str, Option<&Vec<String>>)], ns: &str) -> bool {
    list.iter().any(|(_, n)| n.is_none_or(|n| n.iter().any(|x| x == ns)))
}

/// The annotation written back as YAML, keeping its quoting (unquoted `true` gets quotes:
/// annotation values must be strings).
fn entry_text(cx: &Context<'_>, a: &Annotation) -> String {
    let key = cx.sources.text(a.key_span);
    // Only plain scalars YAML would read as something else than a string get quotes.
    let typed = a.value.parse::<f64>().is_ok()
        || matches!(
            a.value.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~" | ""
        );
    let value = if a.plain && typed {
        format!("\"{}\"", a.value)
    } else {
        cx.sources.text(a.value_span).to_string()
    };
    format!("{key}: {value}")
}

/// Moves the workload's own `prometheus.io/*` annotations into its pod template.
fn move_fix(cx: &Context<'_>, w: &Workload, moved: &[&Annotation]) -> Option<Fix> {
    let first = moved.first()?;
    let f = cx.sources.get(first.key_span.file);
    if cx.sources.text(w.pod_meta_span).starts_with('{') || w.pod_meta_span.file != first.key_span.file {
        return None;
    }
    let mut out: Vec<Edit> = Vec::new();
    // Remove: the whole `annotations:` block when only these are in it, else their lines.
    let first_line = f.line_col(first.key_span.start).line;
    let header = first_line.checked_sub(1).map(|l| f.line_text(l).trim().to_string());
    if moved.len() == w.meta_annotations.len() && header.as_deref() == Some("annotations:") {
        let start = f.line_range(first_line - 1).start;
        let last = moved.iter().map(|a| a.value_span.end).max().unwrap_or(first.value_span.end);
        out.push(edit::delete_lines(cx.sources, Span::new(f_id(first), start..last)));
    } else {
        for a in moved {
            out.push(edit::delete_lines(cx.sources, a.entry_span()));
        }
    }
    let keep_on_template: Vec<&&Annotation> = moved
        .iter()
        .filter(|a| !w.pod_annotation_entries.iter().any(|p| p.key == a.key))
        .collect();
    if !keep_on_template.is_empty() {
        match (w.pod_annotation_entries.last(), w.pod_annotations_span) {
            (Some(last), Some(map)) if !cx.sources.text(map).starts_with('{') => {
                let col = edit::column(f, last.key_span.start);
                let indent = " ".repeat(col);
                let lines: Vec<String> = keep_on_template.iter().map(|a| format!("{indent}{}", entry_text(cx, a))).collect();
                out.push(edit::insert_lines_after(cx.sources, last.value_span, &lines));
            }
            (Some(_), _) => return None,
            (None, _) => {
                let col = edit::column(f, w.pod_meta_span.start);
                let indent = " ".repeat(col);
                let mut lines = vec![format!("{indent}annotations:")];
                lines.extend(keep_on_template.iter().map(|a| format!("{indent}  {}", entry_text(cx, a))));
                out.push(edit::insert_lines_before(cx.sources, w.pod_meta_span, &lines));
            }
        }
    }
    Some(Fix {
        title: "move the annotations to the pod template".into(),
        applicability: Applicability::Unsafe,
        edits: out,
    })
}

fn f_id(a: &Annotation) -> crate::source::FileId {
    a.key_span.file
}

impl Rule for ScrapeAnnotationsIgnored {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // Few distinct keys, many objects: who reads a key is computed once.
        let keys: std::collections::BTreeSet<&str> = cx
            .ws
            .workloads
            .iter()
            .flat_map(|w| w.pod_annotation_entries.iter())
            .chain(cx.ws.kube_services.iter().flat_map(|k| k.annotations.iter()))
            .map(|a| a.key.as_str())
            .filter(|k| k.starts_with(PREFIX))
            .collect();
        let cache: std::collections::BTreeMap<&str, Readers<'_>> = keys.into_iter().map(|k| (k, readers(cx, k))).collect();
        let service_of = |wi: crate::model::WorkloadId| cx.links.service_of_workload(wi).map(|s| cx.ws.services[s].name.as_str());
        for (wi, w) in cx.ws.workloads.iter_enumerated() {
            // 1. On the workload's own metadata: no Prometheus role reads those.
            let misplaced: Vec<&Annotation> = w.meta_annotations.iter().filter(|a| a.key.starts_with(PREFIX)).collect();
            if let Some(first) = misplaced.first() {
                let keys: Vec<String> = misplaced.iter().map(|a| format!("`{}`", a.key)).collect();
                let mut d = Diagnostic::new(
                    Self::META.name,
                    Self::META.default_severity,
                    format!(
                        "{} carries {} on its own metadata, where no Prometheus reads them: the pod role reads the *pod's* annotations, which come from `spec.template.metadata.annotations`",
                        w.describe(),
                        keys.join(", ")
                    ),
                    Label::new(first.key_span, "on the Deployment, not on its pods"),
                )
                .service(service_of(wi))
                .related(w.pod_meta_span, "the pod template's metadata: the annotations belong here")
                .help("move the annotations under `spec.template.metadata.annotations`");
                d = d.fix(move_fix(cx, w, &misplaced));
                out.push(d);
            }
            // 2. On the pod template.
            let found: Vec<Finding> = w
                .pod_annotation_entries
                .iter()
                .filter(|a| a.key.starts_with(PREFIX))
                .filter_map(|a| unread(cx, &cache[a.key.as_str()], a, "pod", &w.namespace, &w.describe(), service_of(wi)))
                .collect();
            out.extend(merge(&w.describe(), service_of(wi), found));
        }
        for (ki, ks) in cx.ws.kube_services.iter_enumerated() {
            let svc = cx.links.kube_service_workloads[ki].first().and_then(|w| service_of(*w));
            let owner = format!("Service `{}`", ks.name.value);
            let found: Vec<Finding> = ks
                .annotations
                .iter()
                .filter(|a| a.key.starts_with(PREFIX))
                .filter_map(|a| unread(cx, &cache[a.key.as_str()], a, "service", &ks.namespace, &owner, svc))
                .collect();
            out.extend(merge(&owner, svc, found));
        }
    }
}

/// One finding about one annotation: a finished diagnostic, or "ignored because …".
enum Finding {
    Done(Diagnostic),
    Ignored {
        key: String,
        span: Span,
        reason: String,
        help: String,
    },
}

/// Annotations of one object ignored for the same reason: one diagnostic naming them all.
fn merge(owner: &str, service: Option<&str>, found: Vec<Finding>) -> Vec<Diagnostic> {
    let meta = ScrapeAnnotationsIgnored::META;
    let mut out = Vec::new();
    let mut groups: Vec<(String, String, Span, Vec<String>)> = Vec::new();
    for f in found {
        match f {
            Finding::Done(d) => out.push(d),
            Finding::Ignored { key, span, reason, help } => match groups.iter_mut().find(|g| g.0 == reason && g.1 == help) {
                Some(g) => g.3.push(key),
                None => groups.push((reason, help, span, vec![key])),
            },
        }
    }
    for (reason, help, span, keys) in groups {
        let names: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
        let verb = if keys.len() == 1 { "is" } else { "are" };
        out.push(
            Diagnostic::new(
                meta.name,
                meta.default_severity,
                format!("{} on {owner} {verb} ignored: {reason}", names.join(", ")),
                Label::new(span, "nothing reads this"),
            )
            .service(service)
            .help(help),
        );
    }
    out
}

/// Whether every job that gates on this annotation with a `keep` rule rejects its value.
fn gate_drops(cx: &Context<'_>, object: &str, a: &Annotation) -> bool {
    let label = format!("__meta_kubernetes_{object}_annotation_{}", crate::link::relabel::sanitize(&a.key));
    let mut gates = 0;
    for j in &cx.ws.jobs {
        for r in j
            .relabel
            .iter()
            .filter(|r| r.action == "keep" && r.source_labels == [label.clone()])
        {
            gates += 1;
            if regex::Regex::new(&format!("^(?:{})$", r.regex)).is_ok_and(|re| re.is_match(&a.value)) {
                return false;
            }
        }
    }
    gates > 0
}

/// An annotation on a pod template (`object` = "pod") or a Service that nothing reads.
fn unread(
    cx: &Context<'_>,
    r: &Readers<'_>,
    a: &Annotation,
    object: &str,
    ns: &str,
    owner: &str,
    service: Option<&str>,
) -> Option<Finding> {
    let meta = ScrapeAnnotationsIgnored::META;
    let (same, other) = if object == "pod" {
        (&r.pod, &r.service)
    } else {
        (&r.service, &r.pod)
    };
    let where_ = if object == "pod" { "pod" } else { "Service" };
    if r.forced == Some(true) || (r.forced.is_none() && covers(same, ns)) {
        // Read: an affirmative value the job's `keep` rule does not match (its regex is anchored,
        // usually exactly `true`) drops the pods it was meant to add.
        let affirmative = ["true", "yes", "on", "1"].iter().any(|v| a.value.trim().eq_ignore_ascii_case(v));
        if a.key == "prometheus.io/scrape" && affirmative && gate_drops(cx, object, a) {
            return Some(Finding::Done(
                Diagnostic::new(
                    meta.name,
                    meta.default_severity,
                    format!(
                        "`prometheus.io/scrape: {}` on {owner} does not match the scrape job's `keep` rule (an anchored regex, here expecting `true`), so {} dropped",
                        a.value,
                        if object == "pod" { "these pods are" } else { "this Service is" }
                    ),
                    Label::new(a.value_span, "must be exactly `true`"),
                )
                .service(service)
                .help("write `prometheus.io/scrape: \"true\"`")
                .fix(Some(Fix {
                    title: "write `\"true\"`".into(),
                    applicability: Applicability::Safe,
                    edits: vec![edit::replace(a.value_span, "\"true\"")],
                })),
            ));
        }
        return None;
    }
    if r.forced.is_none() && (r.unknown || !r.defines) {
        return None;
    }
    let (reason, help) = if r.forced == Some(false) {
        (
            "actuator-lint.toml says this Prometheus does not honour `prometheus.io/*` annotations".to_string(),
            "scrape it with a ServiceMonitor/PodMonitor or a scrape job instead, or remove the annotations".to_string(),
        )
    } else if covers(other, ns) {
        let jobs: Vec<String> = other.iter().map(|(j, _)| format!("`{j}`")).collect();
        (
            format!(
                "job {} reads {} annotations, not {where_} annotations",
                jobs.join(", "),
                if object == "pod" { "Service" } else { "pod" }
            ),
            format!(
                "move the annotations to the {}",
                if object == "pod" {
                    "Service that selects these pods"
                } else {
                    "pod template of the workload"
                }
            ),
        )
    } else {
        let how = if !cx.ws.prometheus_crs.is_empty() || !cx.ws.stack_values.is_empty() {
            "the Prometheus here is run by prometheus-operator, which scrapes ServiceMonitors and PodMonitors only"
        } else {
            "no `kubernetes_sd_configs` job in the repository's Prometheus configuration has the relabel rules that honour them"
        };
        (
            how.to_string(),
            "annotations are a convention implemented by relabel rules: add a job that honours them, or scrape the service with a ServiceMonitor/PodMonitor".to_string(),
        )
    };
    let _ = (meta, owner, service);
    Some(Finding::Ignored {
        key: a.key.clone(),
        span: a.key_span,
        reason,
        help,
    })
}
