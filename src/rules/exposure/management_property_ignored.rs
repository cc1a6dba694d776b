use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Label};
use crate::edit;
use crate::model::spring::{BootVersion, ConfigFile, ImportTarget, Layer, Origin, Prop};
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::Span;

declare_rule!(ManagementPropertyIgnored {
    name: "management-property-ignored",
    category: Exposure,
    severity: Warning,
    fix: Sometimes,
    summary: "a management property the service's Spring Boot version does not read (e.g. a Boot 2 name on Boot 3)",
});

/// Why `key` is not read by `boot`, and the name that is (semantics §1.5, §1.6, §3.2, §3.4,
/// §4.1, §5.3, §6; Appendix A).
fn ignored(c: &str, key: &str, boot: &BootVersion) -> Option<(Option<String>, String)> {
    let seg: Vec<&str> = c.split('.').collect();
    // The segments after `n` as the user wrote them.
    let written: Vec<&str> = key.split('.').collect();
    let rest = |n: usize| -> String {
        if written.len() == seg.len() {
            written[n..].join(".")
        } else {
            seg[n..].join(".")
        }
    };
    let with_rest = |prefix: &str, n: usize| -> String {
        if seg.len() > n {
            format!("{prefix}.{}", rest(n))
        } else {
            prefix.to_string()
        }
    };
    let v = &boot.text;
    match seg.as_slice() {
        ["management", "metrics", "export", "prometheus", ..] if boot.at_least(3, 0) => Some((
            Some(with_rest("management.prometheus.metrics.export", 4)),
            format!("Spring Boot {v} reads `management.prometheus.metrics.export.*`; the Boot 2 name is no longer bound"),
        )),
        ["management", "metrics", "export", "defaults", "enabled"] if boot.at_least(3, 0) => Some((
            Some("management.defaults.metrics.export.enabled".into()),
            format!("Spring Boot {v} reads `management.defaults.metrics.export.enabled`"),
        )),
        ["management", "prometheus", "metrics", "export", ..] if !boot.at_least(3, 0) => Some((
            Some(with_rest("management.metrics.export.prometheus", 4)),
            format!("this is the Boot 3 name; Spring Boot {v} reads `management.metrics.export.prometheus.*`"),
        )),
        ["management", "defaults", "metrics", "export", "enabled"] if !boot.at_least(3, 0) => Some((
            boot.at_least(2, 4).then(|| "management.metrics.export.defaults.enabled".to_string()),
            format!("this is the Boot 3 name; Spring Boot {v} does not read it"),
        )),
        ["management", "server", "servlet", "contextpath"] if boot.at_least(3, 0) => Some((
            Some("management.server.base-path".into()),
            format!("it was removed in Boot 3.0; Spring Boot {v} reads `management.server.base-path`"),
        )),
        ["management", "server", "basepath"] if !boot.at_least(2, 4) => Some((
            Some("management.server.servlet.context-path".into()),
            format!("it exists from Boot 2.4; Spring Boot {v} reads `management.server.servlet.context-path`"),
        )),
        ["management", "endpoint", _, "access"] | ["management", "endpoints", "access", "default" | "maxpermitted"] if !boot.at_least(3, 4) => Some((
            None,
            format!("endpoint access levels exist from Boot 3.4; Spring Boot {v} reads `management.endpoint.<id>.enabled` and `management.endpoints.enabled-by-default`"),
        )),
        ["server", "servlet", "path"] if boot.at_least(2, 1) => Some((
            Some("spring.mvc.servlet.path".into()),
            format!("it was replaced in Boot 2.1; Spring Boot {v} reads `spring.mvc.servlet.path`"),
        )),
        ["spring", "mvc", "servlet", "path"] if !boot.at_least(2, 1) => Some((
            Some("server.servlet.path".into()),
            format!("it exists from Boot 2.1; Spring Boot {v} reads `server.servlet.path`"),
        )),
        ["management", "endpoint", "health", "probes", ..] | ["management", "health", "probes", "enabled"] if !boot.at_least(2, 3) => {
            Some((None, format!("the probe health groups exist from Boot 2.3; Spring Boot {v} does not have them")))
        }
        ["management", "endpoint", "health", "probes", "enabled"] if !boot.at_least_patch(2, 3, 2) => Some((
            Some("management.health.probes.enabled".into()),
            format!("it exists from Boot 2.3.2; Spring Boot {v} reads `management.health.probes.enabled`"),
        )),
        ["management", "endpoint", "health", "probes", "addadditionalpaths"] | ["management", "endpoint", "health", "group", _, "additionalpath"]
            if !boot.at_least(2, 6) =>
        {
            Some((None, format!("additional health paths exist from Boot 2.6; Spring Boot {v} does not serve them")))
        }
        ["spring", "webflux", "basepath"] if !boot.at_least(2, 3) => {
            Some((None, format!("it exists from Boot 2.3; Spring Boot {v} does not read it")))
        }
        ["management", "metrics", "tags", ..] if !boot.at_least(2, 1) => {
            Some((None, format!("common tags exist from Boot 2.1; Spring Boot {v} does not read them")))
        }
        ["spring", "config", "activate", ..] | ["spring", "config", "import"] if !boot.at_least(2, 4) => Some((
            None,
            format!("it exists from Boot 2.4; Spring Boot {v} activates documents with `spring.profiles` and has no imports"),
        )),
        ["spring", "config", "uselegacyprocessing"] if boot.at_least(3, 0) => {
            Some((None, format!("it was removed in Boot 3.0; Spring Boot {v} does not read it")))
        }
        _ => None,
    }
}

fn walk_files<'a>(files: &'a [ConfigFile], out: &mut Vec<&'a Layer>, depth: usize) {
    if depth > 8 {
        return;
    }
    for f in files {
        for d in &f.docs {
            out.push(d);
            for i in &d.imports {
                if let ImportTarget::Files(fs) = &i.target {
                    walk_files(fs, out, depth + 1);
                }
            }
        }
    }
}

/// A rename of the key text when the key is written in full on one line (`.properties`, a
/// flat YAML key), keeping the file's own case style for the new name's segments.
fn rename(cx: &Context<'_>, p: &Prop, new: &str) -> Option<Edit> {
    let written = cx.sources.text(p.key_span);
    (written == p.key && !p.key.contains('[')).then(|| edit::replace(p.key_span, new))
}

impl Rule for ManagementPropertyIgnored {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut seen: Vec<Span> = Vec::new();
        for (si, s) in cx.ws.services.iter_enumerated() {
            // Which names a version reads is the whole question: with the version only assumed,
            // nothing can be said.
            if s.boot_version.is_assumed() {
                continue;
            }
            let mut layers: Vec<&Layer> = Vec::new();
            walk_files(&s.files, &mut layers, 0);
            for d in &cx.links.deployments[si] {
                layers.extend(d.effective.layers.iter().filter(|l| !matches!(l.origin, Origin::File { .. })));
            }
            for l in layers {
                for (c, p) in l.props.iter() {
                    let Some((replacement, why)) = ignored(c, &p.key, &s.boot_version) else {
                        continue;
                    };
                    if seen.contains(&p.key_span) {
                        continue;
                    }
                    seen.push(p.key_span);
                    let shown = &p.key;
                    let mut d = Diagnostic::new(
                        Self::META.name,
                        Self::META.default_severity,
                        format!("`{shown}` is ignored by {}: {why}", s.boot_version.describe()),
                        Label::new(p.key_span, "not read by this Boot version"),
                    )
                    .service(Some(&s.name));
                    if let Some(v) = s.boot_version.span {
                        d = d.related(v, format!("`{}` uses Spring Boot {}", s.name, s.boot_version.text));
                    }
                    d = match &replacement {
                        Some(r) => {
                            let fix = rename(cx, p, r).map(|e| Fix {
                                title: format!("rename to `{r}`"),
                                applicability: Applicability::Unsafe,
                                edits: vec![e],
                            });
                            d.help(format!(
                                "rename it to `{r}` (check the value still means what you want: Boot will now apply it)"
                            ))
                            .fix(fix)
                        }
                        None => d.help(format!(
                            "remove it, or use the setting {} offers (see `actuator-lint explain management-property-ignored`)",
                            s.boot_version.describe()
                        )),
                    };
                    out.push(d);
                }
            }
        }
    }
}
