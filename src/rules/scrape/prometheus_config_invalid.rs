//! What `promtool check config` rejects, found statically with positions:
//! unknown keys (strict YAML, with a "did you mean"), invalid durations, a scrape timeout above
//! the interval, duplicate job names, paths or schemes inside targets, invalid `file_sd`,
//! `rule_files` and `scrape_config_files` patterns, unknown schemes and relabel actions, and
//! relabel regexes that do not compile.
//!
//! Key lists are the union over Prometheus 2.x and 3.x, so a key valid in some version is
//! never reported; any `*_sd_configs` key is accepted (there are dozens, and they grow).

use crate::classify::programs::PROMETHEUS_TOP as TOP;
use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Label};
use crate::edit::yaml::insert_sibling_key;
use crate::model::prometheus::{format_duration, parse_duration, valid_pattern, ConfigSource, Job, PromConfig, Target};
use crate::model::tree::Node;
use crate::model::Workspace;
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::Span;
use crate::suggest::did_you_mean;

declare_rule!(PrometheusConfigInvalid {
    name: "prometheus-config-invalid",
    category: Scrape,
    severity: Error,
    fix: Sometimes,
    summary: "the Prometheus configuration has what `promtool check config` rejects (unknown keys, timeout above interval, duplicate jobs, paths in targets)",
});

impl Rule for PrometheusConfigInvalid {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for issue in check(cx.ws, cx.sources) {
            let mut d = Diagnostic::new(
                Self::META.name,
                Self::META.default_severity,
                issue.message,
                Label::new(issue.span, "rejected"),
            )
            .help(issue.help);
            for (span, msg) in issue.related {
                d = d.related(span, msg);
            }
            if let Some((title, es)) = issue.fix {
                let edits = es
                    .into_iter()
                    .map(|e| match e {
                        PEdit::Replace(span, text) => crate::edit::yaml::replace_scalar(cx.sources, span, &text),
                        PEdit::KeyAfter(anchor, line) => insert_sibling_key(cx.sources, anchor, anchor, &line),
                    })
                    .collect();
                d = d.fix(Some(Fix {
                    title,
                    applicability: Applicability::Unsafe,
                    edits,
                }));
            }
            out.push(d);
        }
    }
}

#[derive(Clone, Debug)]
struct Issue {
    pub span: Span,
    pub message: String,
    pub help: String,
    pub related: Vec<(Span, String)>,
    /// What fixes it: a title and its edits.
    pub fix: Option<(String, Vec<PEdit>)>,
}

#[derive(Clone, Debug)]
enum PEdit {
    Replace(Span, String),
    /// A sibling `key: value` line after the line of `anchor` (a key of the same mapping).
    KeyAfter(Span, String),
}

const GLOBAL: &[&str] = &[
    "scrape_interval",
    "scrape_timeout",
    "scrape_protocols",
    "evaluation_interval",
    "rule_query_offset",
    "query_log_file",
    "scrape_failure_log_file",
    "external_labels",
    "body_size_limit",
    "sample_limit",
    "target_limit",
    "label_limit",
    "label_name_length_limit",
    "label_value_length_limit",
    "keep_dropped_targets",
    "metric_name_validation_scheme",
    "metric_name_escaping_scheme",
    "scrape_native_histograms",
    "convert_classic_histograms_to_nhcb",
    "always_scrape_classic_histograms",
    "extra_scrape_metrics",
];
const HTTP_CLIENT: &[&str] = &[
    "basic_auth",
    "authorization",
    "oauth2",
    "bearer_token",
    "bearer_token_file",
    "tls_config",
    "follow_redirects",
    "enable_http2",
    "proxy_url",
    "no_proxy",
    "proxy_from_environment",
    "proxy_connect_header",
    "http_headers",
];
const JOB: &[&str] = &[
    "job_name",
    "honor_labels",
    "honor_timestamps",
    "track_timestamps_staleness",
    "params",
    "scrape_interval",
    "scrape_timeout",
    "scrape_protocols",
    "fallback_scrape_protocol",
    "scrape_native_histograms",
    "always_scrape_classic_histograms",
    "scrape_classic_histograms",
    "convert_classic_histograms_to_nhcb",
    "scrape_failure_log_file",
    "metrics_path",
    "scheme",
    "enable_compression",
    "body_size_limit",
    "sample_limit",
    "target_limit",
    "label_limit",
    "label_name_length_limit",
    "label_value_length_limit",
    "native_histogram_bucket_limit",
    "native_histogram_min_bucket_factor",
    "keep_dropped_targets",
    "metric_name_validation_scheme",
    "metric_name_escaping_scheme",
    "extra_scrape_metrics",
    "relabel_configs",
    "metric_relabel_configs",
    "static_configs",
];
const STATIC: &[&str] = &["targets", "labels"];
const FILE_SD: &[&str] = &["files", "refresh_interval"];
const KUBE_SD: &[&str] = &[
    "api_server",
    "role",
    "kubeconfig_file",
    "namespaces",
    "selectors",
    "attach_metadata",
];
const RELABEL: &[&str] = &[
    "source_labels",
    "separator",
    "regex",
    "modulus",
    "target_label",
    "replacement",
    "action",
];
const TLS: &[&str] = &[
    "ca",
    "ca_file",
    "ca_ref",
    "cert",
    "cert_file",
    "cert_ref",
    "key",
    "key_file",
    "key_ref",
    "server_name",
    "insecure_skip_verify",
    "min_version",
    "max_version",
];
const BASIC_AUTH: &[&str] = &[
    "username",
    "username_file",
    "username_ref",
    "password",
    "password_file",
    "password_ref",
];
const AUTHORIZATION: &[&str] = &["type", "credentials", "credentials_file", "credentials_ref"];
const ACTIONS: &[&str] = &[
    "replace",
    "keep",
    "drop",
    "keepequal",
    "dropequal",
    "hashmod",
    "labelmap",
    "labeldrop",
    "labelkeep",
    "lowercase",
    "uppercase",
];

struct Checker {
    out: Vec<Issue>,
}

impl Checker {
    fn keys(&mut self, node: &Node, allowed: &[&[&str]], section: &str, sd_suffix: bool) {
        for (k, _) in node.as_map() {
            let Some(key) = k.as_str() else { continue };
            if allowed.iter().any(|a| a.contains(&key)) || (sd_suffix && key.ends_with("_sd_configs")) {
                continue;
            }
            let all: Vec<&str> = allowed.iter().flat_map(|a| a.iter().copied()).collect();
            let suggestion = did_you_mean(key, all.iter().copied());
            let (help, fix) = match suggestion {
                Some(s) => (
                    format!("did you mean `{s}`?"),
                    Some((format!("rename it to `{s}`"), vec![PEdit::Replace(k.span, s.to_string())])),
                ),
                None => (format!("remove it; Prometheus reads only the documented keys in {section}"), None),
            };
            self.out.push(Issue {
                span: k.span,
                message: format!(
                    "unknown key `{key}` in {section}: Prometheus refuses to load the configuration (its YAML is read strictly)"
                ),
                help,
                related: vec![],
                fix,
            });
        }
    }

    fn duration(&mut self, node: &Node, key: &str) -> Option<u64> {
        let v = node.get(key)?;
        let text = v.as_str()?;
        match parse_duration(text) {
            Some(d) => Some(d),
            None => {
                let fixed = text.trim().parse::<u64>().ok().map(|n| format!("{n}s"));
                self.out.push(Issue {
                    span: v.span,
                    message: format!("`{key}: {text}` is not a Prometheus duration, so the configuration does not load"),
                    help: "write a number with a unit: `15s`, `1m`, `1m30s`, `500ms`".into(),
                    related: vec![],
                    fix: fixed.map(|f| (format!("write `{f}`"), vec![PEdit::Replace(v.span, f)])),
                });
                None
            }
        }
    }

    fn http_client(&mut self, node: &Node, section: &str) {
        if let Some(t) = node.get("tls_config").filter(|t| t.is_map()) {
            self.keys(t, &[TLS], &format!("`tls_config` of {section}"), false);
        }
        if let Some(b) = node.get("basic_auth").filter(|t| t.is_map()) {
            self.keys(b, &[BASIC_AUTH], &format!("`basic_auth` of {section}"), false);
        }
        if let Some(a) = node.get("authorization").filter(|t| t.is_map()) {
            self.keys(a, &[AUTHORIZATION], &format!("`authorization` of {section}"), false);
        }
    }

    fn relabels(&mut self, job: &Node, key: &str, section: &str) {
        for r in job.at(key).as_seq() {
            self.keys(r, &[RELABEL], &format!("a `{key}` rule of {section}"), false);
            if let Some(a) = r.get("action") {
                let action = a.as_str().unwrap_or("").to_ascii_lowercase();
                if !ACTIONS.contains(&action.as_str()) {
                    let s = did_you_mean(&action, ACTIONS.iter().copied());
                    self.out.push(Issue {
                        span: a.span,
                        message: format!("unknown relabel action `{action}` in {section}: the configuration does not load"),
                        help: match s {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => format!("use one of {}", ACTIONS.join(", ")),
                        },
                        related: vec![],
                        fix: s.map(|s| (format!("use `{s}`"), vec![PEdit::Replace(a.span, s.to_string())])),
                    });
                }
            }
            if let Some(re) = r.get("regex").and_then(|x| x.as_str().map(|s| (s, x.span))) {
                if regex::Regex::new(&format!("^(?:{})$", re.0)).is_err() {
                    self.out.push(Issue {
                        span: re.1,
                        message: format!(
                            "relabel regex `{}` in {section} does not compile (RE2 syntax), so the configuration does not load",
                            re.0
                        ),
                        help: "fix the regular expression; Prometheus uses RE2, which has no look-arounds or back-references".into(),
                        related: vec![],
                        fix: None,
                    });
                }
            }
        }
    }
}

/// A target with a path or scheme, and the `host:port` it should be.
fn target_path(t: &Target) -> Option<(String, String, Option<String>)> {
    let a = t.address.value.as_str();
    let (scheme, rest) = match a.split_once("://") {
        Some((s, r)) => (Some(s.to_string()), r),
        None => (None, a),
    };
    let (hostport, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if scheme.is_none() && path.is_empty() {
        return None;
    }
    Some((hostport.to_string(), path.to_string(), scheme))
}

fn check(ws: &Workspace, sources: &crate::source::SourceSet) -> Vec<Issue> {
    let mut c = Checker { out: vec![] };
    // Another program's scrape jobs (vmagent, Grafana Agent, OTel Collector) are never
    // validated as Prometheus': each accepts what Prometheus refuses (semantics §14.1).
    let prometheus = |cfg: &PromConfig| cfg.program == crate::classify::Program::Prometheus;
    for cfg in ws.prom_configs.iter().filter(|c| prometheus(c)) {
        check_config(&mut c, cfg);
    }
    for job in &ws.jobs {
        let cfg = &ws.prom_configs[job.config];
        if !prometheus(cfg) {
            continue;
        }
        let Some(node) = find_job_node(cfg, job) else { continue };
        check_job(&mut c, ws, job, node, sources);
    }
    duplicates(&mut c, ws);
    c.out
}

fn check_config(c: &mut Checker, cfg: &PromConfig) {
    let root = &cfg.root;
    match cfg.source {
        ConfigSource::File | ConfigSource::ConfigMap(_) => c.keys(root, &[TOP], "the top level of the Prometheus configuration", false),
        ConfigSource::ScrapeConfigFile => c.keys(root, &[&["scrape_configs"]], "a `scrape_config_files` file", false),
        ConfigSource::StackValues | ConfigSource::ChartDefaults(_) => {}
    }
    if let Some(g) = root.get("global").filter(|g| g.is_map()) {
        c.keys(g, &[GLOBAL], "`global`", false);
        let interval = c.duration(g, "scrape_interval");
        let timeout = c.duration(g, "scrape_timeout");
        c.duration(g, "evaluation_interval");
        if let (Some(t), Some(tn)) = (timeout, g.get("scrape_timeout")) {
            let i = interval.unwrap_or(60_000);
            if t > i {
                c.out.push(Issue {
                    span: tn.span,
                    message: format!(
                        "global `scrape_timeout` `{}` is greater than the global `scrape_interval` `{}`: Prometheus refuses the configuration",
                        format_duration(t),
                        format_duration(i)
                    ),
                    help: "make the timeout at most the interval".into(),
                    related: g.get("scrape_interval").map(|n| vec![(n.span, "the interval".to_string())]).unwrap_or_default(),
                    fix: None,
                });
            }
        }
    }
    for (key, section) in [("rule_files", "rule file"), ("scrape_config_files", "scrape config file")] {
        for p in root.at(key).strings() {
            if !valid_pattern(&p.value, false) {
                c.out.push(Issue {
                    span: p.span,
                    message: format!("invalid {section} path `{}`: `*` may only appear in the last path segment", p.value),
                    help: "list each directory separately, with the wildcard in the file name only".into(),
                    related: vec![],
                    fix: None,
                });
            }
        }
    }
}

fn find_job_node<'a>(cfg: &'a PromConfig, job: &Job) -> Option<&'a Node> {
    cfg.root.at("scrape_configs").as_seq().iter().find(|j| j.span == job.span)
}

fn check_job(c: &mut Checker, ws: &Workspace, job: &Job, node: &Node, sources: &crate::source::SourceSet) {
    let section = format!("job `{}`", job.name.value);
    c.keys(node, &[JOB, HTTP_CLIENT], &section, true);
    c.http_client(node, &section);
    if job.name.value.trim().is_empty() {
        c.out.push(Issue {
            span: job.name.span,
            message: "`job_name` is empty: Prometheus refuses the configuration".into(),
            help: "give the job a name".into(),
            related: vec![],
            fix: None,
        });
    }
    let cfg = &ws.prom_configs[job.config];
    let global_interval = match cfg.parent {
        Some(p) => ws.prom_configs[p].interval_ms(),
        None => cfg.interval_ms(),
    };
    let interval = c.duration(node, "scrape_interval").unwrap_or(global_interval);
    if let Some(t) = c.duration(node, "scrape_timeout") {
        if t > interval {
            let tn = node.at("scrape_timeout");
            let related = match node.get("scrape_interval") {
                Some(i) => vec![(i.span, "the job's interval".to_string())],
                None => cfg
                    .root
                    .at("global")
                    .get("scrape_interval")
                    .map(|i| vec![(i.span, "the global interval this job inherits".to_string())])
                    .unwrap_or_default(),
            };
            c.out.push(Issue {
                span: tn.span,
                message: format!(
                    "`scrape_timeout` `{}` of {section} is greater than its `scrape_interval` `{}`: Prometheus refuses the configuration",
                    format_duration(t),
                    format_duration(interval)
                ),
                help: format!("make the timeout at most `{}`", format_duration(interval)),
                related,
                fix: Some((
                    format!("set `scrape_timeout: {}`", format_duration(interval)),
                    vec![PEdit::Replace(tn.span, format_duration(interval))],
                )),
            });
        }
    }
    if let Some(s) = node.get("scheme").filter(|s| !matches!(s.as_str(), Some("http" | "https"))) {
        let lower = s.as_str().unwrap_or("").to_ascii_lowercase();
        c.out.push(Issue {
            span: s.span,
            message: format!(
                "`scheme: {}` in {section} is neither `http` nor `https`: the configuration does not load",
                s.as_str().unwrap_or("")
            ),
            help: "use `http` or `https`".into(),
            related: vec![],
            fix: matches!(lower.as_str(), "http" | "https")
                .then(|| (format!("write `{lower}`"), vec![PEdit::Replace(s.span, lower.clone())])),
        });
    }
    c.relabels(node, "relabel_configs", &section);
    c.relabels(node, "metric_relabel_configs", &section);
    for sc in node.at("static_configs").as_seq() {
        c.keys(sc, &[STATIC], &format!("a `static_configs` entry of {section}"), false);
    }
    for fs in node.at("file_sd_configs").as_seq() {
        c.keys(fs, &[FILE_SD], &format!("a `file_sd_configs` entry of {section}"), false);
        c.duration(fs, "refresh_interval");
        for p in fs.at("files").strings() {
            if !valid_pattern(&p.value, true) {
                c.out.push(Issue {
                    span: p.span,
                    message: format!(
                        "invalid `file_sd_configs` pattern `{}` in {section}: it must end in `.json`, `.yml` or `.yaml`, with `*` only in the file name",
                        p.value
                    ),
                    help: "point at the target files themselves, e.g. `targets/*.json`".into(),
                    related: vec![],
                    fix: None,
                });
            }
        }
    }
    for ks in node.at("kubernetes_sd_configs").as_seq() {
        c.keys(
            ks,
            &[KUBE_SD, HTTP_CLIENT],
            &format!("a `kubernetes_sd_configs` entry of {section}"),
            false,
        );
        if let Some(r) = ks.get("role") {
            let role = r.as_str().unwrap_or("");
            const ROLES: &[&str] = &["node", "pod", "service", "endpoints", "endpointslice", "ingress"];
            if !ROLES.contains(&role) {
                c.out.push(Issue {
                    span: r.span,
                    message: format!("unknown `kubernetes_sd_configs` role `{role}` in {section}: the configuration does not load"),
                    help: format!("use one of {}", ROLES.join(", ")),
                    related: vec![],
                    fix: did_you_mean(role, ROLES.iter().copied())
                        .map(|s| (format!("use `{s}`"), vec![PEdit::Replace(r.span, s.to_string())])),
                });
            }
        }
    }
    // Prometheus rejects URLs in targets only when no relabeling could rewrite them.
    if job.relabel.is_empty() {
        target_paths(c, job, sources);
    }
}

fn target_paths(c: &mut Checker, job: &Job, sources: &crate::source::SourceSet) {
    let bad: Vec<(&Target, String, String, Option<String>)> = job
        .targets
        .iter()
        .filter_map(|t| target_path(t).map(|(h, p, s)| (t, h, p, s)))
        .collect();
    let paths: std::collections::BTreeSet<&str> = bad.iter().map(|(_, _, p, _)| p.as_str()).filter(|p| !p.is_empty()).collect();
    for (k, (t, hostport, path, scheme)) in bad.iter().enumerate() {
        // The first bad target of the job carries the job-level part of the fix.
        let first = k == 0;
        let what = match (scheme, path.is_empty()) {
            (Some(s), true) => format!("the scheme `{s}://`"),
            (None, false) => format!("the path `{path}`"),
            (Some(s), false) => format!("the scheme `{s}://` and the path `{path}`"),
            (None, true) => continue,
        };
        let in_file = t.sd_file.is_some();
        let message = format!(
            "target `{}` of job `{}` contains {what}: a target must be `host:port`, so {}",
            t.address.value,
            job.name.value,
            if in_file {
                "Prometheus cannot scrape it (promtool rejects this file_sd file)"
            } else {
                "Prometheus refuses the configuration"
            }
        );
        let mut help = String::from("keep `host:port` in the target");
        if !path.is_empty() {
            help.push_str(&format!("; put the path in the job's `metrics_path: {path}`"));
        }
        if let Some(s) = scheme {
            help.push_str(&format!("; the scheme goes in `scheme: {s}`"));
        }
        // The fix rewrites the target, and moves the path and scheme into the job when every
        // target agrees on them and the job does not already set something else.
        let mut edits: Vec<PEdit> = Vec::new();
        let raw = sources.text(t.address.span);
        let quoted = raw.len() >= 2 && (raw.starts_with('"') || raw.starts_with('\''));
        let inner = if quoted {
            Span::new(t.address.span.file, t.address.span.start + 1..t.address.span.end - 1)
        } else {
            t.address.span
        };
        edits.push(PEdit::Replace(inner, hostport.clone()));
        let mut ok = true;
        if !path.is_empty() && !in_file {
            match &job.metrics_path {
                Some(mp) if mp.value == *path => {}
                Some(_) => ok = false,
                None if paths.len() == 1 && first => edits.push(PEdit::KeyAfter(job.name.span, format!("metrics_path: {path}"))),
                None if paths.len() == 1 => {}
                None => ok = false,
            }
        }
        if let Some(s) = scheme {
            if job.scheme() != s && !in_file {
                match &job.scheme {
                    None if first => edits.push(PEdit::KeyAfter(job.name.span, format!("scheme: {s}"))),
                    None => {}
                    Some(_) => ok = false,
                }
            }
        }
        if in_file && !path.is_empty() && job.path() != path {
            ok = false;
        }
        c.out.push(Issue {
            span: t.address.span,
            message,
            help,
            related: if in_file {
                vec![(job.name.span, "the job that reads this file".to_string())]
            } else {
                vec![]
            },
            fix: ok.then(|| ("keep `host:port` in the target".to_string(), edits)),
        });
    }
}

fn duplicates(c: &mut Checker, ws: &Workspace) {
    // Jobs of one Prometheus: a config and the files it includes.
    let root_of = |ci: usize| ws.prom_configs[ci].parent.unwrap_or(ci);
    for (i, a) in ws.jobs.iter_enumerated() {
        if ws.prom_configs[a.config].program != crate::classify::Program::Prometheus {
            continue;
        }
        if let Some((_, first)) = ws
            .jobs
            .iter_enumerated()
            .take_while(|(j, _)| *j < i)
            .find(|(_, b)| b.name.value == a.name.value && root_of(b.config) == root_of(a.config))
        {
            c.out.push(Issue {
                span: a.name.span,
                message: format!(
                    "job name `{}` is used twice: Prometheus refuses the configuration (\"found multiple scrape configs with job name\")",
                    a.name.value
                ),
                help: "give every job a unique `job_name`".into(),
                related: vec![(first.name.span, "first used here".into())],
                fix: None,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(valid_pattern("/etc/prometheus/targets/*.json", true));
        assert!(valid_pattern("targets/app-*.yml", true));
        assert!(!valid_pattern("/etc/*/targets/x.json", true));
        assert!(!valid_pattern("/etc/prometheus/targets/*", true));
        assert!(valid_pattern("rules/*", false));
        assert!(!valid_pattern("rules/*/x.yml", false));
    }
}
