use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label};
use crate::model::prometheus::{container_to_repo, resolve_pattern, ContainerPath, SdResolution};
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::Span;

declare_rule!(MonitoringFileMissing {
    name: "monitoring-file-missing",
    category: Scrape,
    severity: Error,
    fix: None,
    summary: "a file the monitoring setup references does not exist (file_sd targets, rule files, the mounted Prometheus config)",
});

/// Files the linter would have read had they existed (others are not discovered).
fn visible(pattern: &str) -> bool {
    let l = pattern.to_ascii_lowercase();
    [".yml", ".yaml", ".json"].iter().any(|e| l.ends_with(e))
}

fn exists(cx: &Context<'_>, repo_path: &str) -> bool {
    cx.sources.find(repo_path).is_some() || cx.sources.iter().any(|(_, f)| f.path.starts_with(&format!("{repo_path}/")))
}

impl Rule for MonitoringFileMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let name = Self::META.name;
        let sev = Self::META.default_severity;
        for job in &cx.ws.jobs {
            // An invalid pattern is `prometheus-config-invalid`'s; what it would match is moot.
            for sd in job
                .file_sd
                .iter()
                .filter(|sd| crate::model::prometheus::valid_pattern(&sd.pattern.value, true))
            {
                let what = format!("`file_sd_configs` pattern `{}` of job `{}`", sd.pattern.value, job.name.value);
                if let Some(d) = missing(
                    cx,
                    &what,
                    sd.pattern.span,
                    &sd.resolution,
                    "finds no targets: every target in it is silently absent",
                ) {
                    out.push(d.help("create the target files there, or point the pattern at where they are (through a volume of the Prometheus container)"));
                }
            }
        }
        for cfg in &cx.ws.prom_configs {
            for (key, list) in [("rule_files", &cfg.rule_files), ("scrape_config_files", &cfg.scrape_config_files)] {
                for p in list.iter().filter(|p| visible(&p.value)) {
                    let res = resolve_pattern(&p.value, cfg, &cx.ws.compose_services, cx.sources);
                    let what = format!("`{key}` entry `{}`", p.value);
                    let effect = if key == "rule_files" {
                        "loads no rules: the alerts defined there never fire"
                    } else {
                        "adds no scrape jobs"
                    };
                    if let Some(d) = missing(cx, &what, p.span, &res, effect) {
                        out.push(d.help("create the file, or fix the path (relative paths are relative to the config file)"));
                    }
                }
            }
        }
        for svc in cx.ws.compose_services.iter().filter(|s| s.is_prometheus()) {
            let config = svc.config_file();
            let Some(v) = svc
                .volumes
                .iter()
                .filter(|v| config == v.target || config.starts_with(&format!("{}/", v.target.trim_end_matches('/'))))
                .max_by_key(|v| v.target.len())
            else {
                continue;
            };
            let ContainerPath::Repo(repo_path) = container_to_repo(svc, &config) else {
                continue;
            };
            if !visible(&repo_path) || exists(cx, &repo_path) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    name,
                    sev,
                    format!(
                        "the Prometheus configuration that Compose service `{}` mounts from `{}` is not in the repository (`{repo_path}`): Docker mounts an empty directory there and Prometheus does not start",
                        svc.name.value, v.source
                    ),
                    Label::new(v.source_span, "no such file"),
                )
                .related(svc.name.span, format!("`--config.file` is `{config}`"))
                .help("fix the volume's source path (relative to the Compose file), or add the configuration file"),
            );
        }
    }
}

fn missing(cx: &Context<'_>, what: &str, span: Span, res: &SdResolution, effect: &str) -> Option<Diagnostic> {
    let meta = MonitoringFileMissing::META;
    match res {
        SdResolution::Files(repo, files) if files.is_empty() => {
            let shown = if repo.contains('*') {
                format!("matches no file (it is `{repo}` in the repository)")
            } else {
                format!("is `{repo}` in the repository, which does not exist")
            };
            Some(Diagnostic::new(
                meta.name,
                meta.default_severity,
                format!("{what} {shown}, so Prometheus {effect}"),
                Label::new(span, "matches nothing"),
            ))
        }
        SdResolution::NotMounted { dir, service } => {
            let svc = cx.ws.compose_services.iter().find(|s| &s.name.value == service);
            let mut d = Diagnostic::new(
                meta.name,
                meta.default_severity,
                format!("{what} points into `{dir}`, which is not mounted into the `{service}` container, so Prometheus {effect}"),
                Label::new(span, "not mounted"),
            );
            if let Some(s) = svc {
                d = d.related(s.name.span, format!("the volumes of `{service}` do not cover `{dir}`"));
            }
            Some(d)
        }
        _ => None,
    }
}
