//! `actuator-lint init`: a commented `actuator-lint.toml` that says what was found (services,
//! where they run, what scrapes and probes them) and shows every key of SPEC §8 with its
//! default, commented out, so the file documents itself and changes nothing until edited.

use crate::rules;
use crate::source::SourceSet;
use crate::Analysis;
use std::fmt::Write;

fn toml_key(name: &str) -> String {
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

pub fn render(sources: &SourceSet, a: &Analysis) -> String {
    let ws = &a.workspace;
    let mut o = String::new();
    // Taplo (and Even Better TOML, which uses it) completes and validates against this schema.
    let _ = writeln!(o, "#:schema {}", crate::config::schema_url());
    let _ = writeln!(
        o,
        "# actuator-lint configuration, written by `actuator-lint init` (actuator-lint {}).",
        env!("CARGO_PKG_VERSION")
    );
    o.push_str("# Every key is optional; commented values are the defaults. `actuator-lint explain RULE` documents a rule.\n\n");
    o.push_str("# Rule levels: \"off\", \"info\", \"warning\" or \"error\".\n[rules]\n");
    for r in rules::ALL {
        let m = r.meta();
        let _ = writeln!(o, "# {} = \"{}\"", m.name, m.default_severity.as_str());
    }
    o.push_str(
        "\n[discovery]\n# Globs relative to this file's directory, on top of .gitignore; `legacy/**` skips a directory.\nexclude = []\n",
    );
    o.push_str("# Rendered manifests to read as well, e.g. the output of `helm template`:\n# manifests = [\"rendered/*.yaml\"]\n");
    o.push_str("\n[build]\n# A local Maven repository to read dependencies' POMs from (relative to this file), so what an\n# in-house starter brings is known; unset, none is read (not even ~/.m2):\n# maven-repo = \"../.m2/repository\"\n");
    o.push_str("\n[spring]\n# Used when no build file says:\n# boot-version = \"3.2\"\n# Active profiles where no workload sets SPRING_PROFILES_ACTIVE:\n# profiles = [\"prod\"]\n");
    o.push_str("\n[kubernetes]\n# default-namespace = \"default\"\n");
    o.push_str("\n[prometheus]\n# When no Prometheus CR or kube-prometheus-stack values file is in the repository:\n# service-monitor-selector = { release = \"kube-prometheus-stack\" }\n# pod-monitor-selector = { release = \"kube-prometheus-stack\" }\n# honors-annotations = true\n");
    o.push_str("\n[probes]\n# The measured boot time must fit this many times into a probe's budget:\n# margin = 1.2\n");
    o.push_str("# Boot evidence is found by default: any log holding Spring Boot's \"Started X in N seconds\"\n# line, and metrics dumps holding `application_started_time_seconds`.");
    let found = boot_evidence_files(sources, a);
    if found.is_empty() {
        o.push_str(" None was found here.\n");
    } else {
        o.push_str(" Found here:\n");
        const SHOWN: usize = 10;
        for f in found.iter().take(SHOWN) {
            let _ = writeln!(o, "#   {f}");
        }
        if found.len() > SHOWN {
            let _ = writeln!(o, "#   … and {} more (`actuator-lint model` lists them)", found.len() - SHOWN);
        }
    }
    let quoted = |globs: &[&str]| globs.iter().map(|g| format!("\"{g}\"")).collect::<Vec<_>>().join(", ");
    let _ = writeln!(
        o,
        "# Narrow the search (e.g. `[\"logs/*.log\"]`) or turn it off (`[]`):\n# boot-logs = [{}]\n# boot-metrics = [{}]",
        quoted(crate::config::DEFAULT_BOOT_LOGS),
        quoted(crate::config::DEFAULT_BOOT_METRICS)
    );
    if ws.services.is_empty() {
        o.push_str(
            "\n# No Spring Boot service was found. Add one table per service:\n# [services.order-service]\n# boot-time = \"161s\"\n",
        );
        return o;
    }
    let _ = writeln!(
        o,
        "\n# Services found: {}. Keys accept a service's name, module directory or Gradle path.",
        ws.services.len()
    );
    for (si, s) in ws.services.iter_enumerated() {
        let m = &ws.modules[s.module];
        let _ = writeln!(o, "\n[services.{}]", toml_key(&s.name));
        let module = if m.gradle_path.is_empty() {
            m.dir.clone()
        } else {
            format!("{} ({})", m.gradle_path, m.dir)
        };
        let _ = writeln!(o, "# module: {module}; Spring Boot {}", s.boot_version.text);
        let mut workloads = vec![];
        for d in &a.links.deployments[si] {
            let Some(w) = d.workload else { continue };
            let wl = &ws.workloads[w];
            workloads.push(wl.name.value.clone());
            let _ = writeln!(
                o,
                "# runs in: {} in `{}` ({}:{}), linked by {}",
                wl.describe(),
                wl.namespace,
                sources.path(wl.file),
                sources.line_col(wl.name.span).0.line,
                d.evidence
            );
            if let Some(c) = d.container.and_then(|c| wl.containers.get(c)) {
                let probes: Vec<&str> = c.probes.iter().map(|p| p.kind.key()).collect();
                if !probes.is_empty() {
                    let _ = writeln!(o, "#   probes: {}", probes.join(", "));
                }
            }
        }
        if workloads.is_empty() {
            o.push_str("# runs in: no workload in the repository was linked to it\n");
        }
        for sc in a.links.scrapes_of(si) {
            let (by, _) = crate::link::scrape::describe_site(ws, &sc.via);
            let _ = writeln!(o, "# scraped by: {by} on `{}`", sc.path);
        }
        match crate::model::boot::decisive(&ws.boot, si) {
            Some(b) => {
                let from = match &b.evidence {
                    crate::model::boot::Evidence::Log { span, .. } => format!("`{}`", sources.path(span.file)),
                    _ => "the repository".into(),
                };
                let _ = writeln!(o, "# measured boot time: {:.1} s (from {from})", b.seconds);
            }
            None => o.push_str("# boot-time = \"90s\"   # the measured boot time, checked against its probes\n"),
        }
        let list = if workloads.is_empty() {
            "\"name\"".to_string()
        } else {
            workloads.iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(", ")
        };
        let _ = writeln!(
            o,
            "# workloads = [{list}]   # pin the workloads that run it when they are not found by name or image"
        );
        o.push_str("# profiles = [\"prod\"]\n");
    }
    o
}

/// Every file a boot time was measured from.
fn boot_evidence_files(sources: &SourceSet, a: &Analysis) -> Vec<String> {
    use crate::model::boot::Evidence;
    let mut out: Vec<String> = a
        .workspace
        .boot
        .iter()
        .filter_map(|b| match &b.evidence {
            Evidence::Log { span, .. } | Evidence::Metrics { span, .. } => Some(sources.path(span.file).to_string()),
            _ => None,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_are_quoted_when_needed() {
        assert_eq!(super::toml_key("order-service"), "order-service");
        assert_eq!(super::toml_key("a.b"), "\"a.b\"");
    }
}
