//! Hover on what a manifest or a Prometheus configuration asks of a service: a probe (what it
//! requests, what the service serves there, its failure budget against the measured boot
//! time) and a scrape (what it requests, what each service it links to serves). Every line is
//! read from the model and the links the rules compare (`link::probes`, `link::budget`,
//! `Links::scrapes`); nothing is worked out again here, and an unknown is shown as unknown
//! with its reason.

mod probe;
mod scrape;

use crate::link::Links;
use crate::model::spring::Why;
use crate::model::Workspace;
use crate::source::{SourceSet, Span};
use crate::Options;

/// What the hover reads.
pub struct Cx<'a> {
    pub sources: &'a SourceSet,
    pub ws: &'a Workspace,
    pub links: &'a Links,
    pub options: &'a Options,
}

/// The facts about what is under `offset` of `file`: Markdown, and the span it is about.
pub fn facts(cx: &Cx<'_>, file: crate::source::FileId, offset: u32) -> Option<(String, Span)> {
    probe::hover(cx, file, offset).or_else(|| scrape::hover(cx, file, offset))
}

fn contains(span: Span, file: crate::source::FileId, offset: u32) -> bool {
    span.file == file && span.start <= offset && offset <= span.end
}

/// `` `path:line` ``, relative to the workspace root.
fn at(sources: &SourceSet, span: Span) -> String {
    format!("`{}`", crate::model::boot::at(sources, span))
}

/// A reason with where it is written.
fn why(sources: &SourceSet, w: &Why) -> String {
    crate::render::model::why(sources, w)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hover at the first `needle` of `file` in a fixture repository.
    fn hover_at(fixture: &str, file: &str, needle: &str) -> Option<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(fixture)
            .join("repo");
        let mut files = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if let Ok(text) = std::fs::read_to_string(&p) {
                    files.push((p.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/"), text));
                }
            }
        }
        files.sort();
        let (sources, options) = crate::testing::from_memory(&files).unwrap();
        let a = crate::analyze(&sources, &options);
        let id = sources.find(file).unwrap();
        let offset = sources.get(id).text.find(needle).unwrap() as u32;
        let cx = Cx {
            sources: &sources,
            ws: &a.workspace,
            links: &a.links,
            options: &options,
        };
        facts(&cx, id, offset).map(|(text, _)| text)
    }

    fn assert_shows(shown: &str, facts: &[&str]) {
        for f in facts {
            assert!(shown.contains(f), "hover lacks `{f}`:\n{shown}");
        }
    }

    #[test]
    fn annotations_show_the_services_they_scrape() {
        let shown = hover_at(
            "scrape-annotations-ignored/ok-annotations-on-pod-template",
            "k8s/order-service.yaml",
            "prometheus.io/port",
        )
        .unwrap();
        assert_shows(
            &shown,
            &[
                "**`prometheus.io/*` annotations** of the pods of Deployment `order-service`",
                "`prometheus.io/port: 8080`",
                "**→ `order-service`** (`build.gradle.kts`, `src/main/resources/application.yml`) — job `kubernetes-pods`",
                "**requests** `/actuator/prometheus` over `http`",
                "**reaches**: container port `8080` (pod port `8080`, `k8s/order-service.yaml:17`)",
                "exposure includes `prometheus`: yes — `include: health,info,prometheus` in src/main/resources/application.yml:9",
            ],
        );
    }

    #[test]
    fn a_pod_monitor_endpoint_shows_the_container_port_it_reaches() {
        let shown = hover_at(
            "monitor-port-not-found/ok-podmonitor-port-name",
            "k8s/cart-service.yaml",
            "path: /actuator",
        )
        .unwrap();
        assert_shows(
            &shown,
            &[
                "**Endpoint 1** of PodMonitor `cart-service` (`k8s/cart-service.yaml:34`)",
                "on the container port named `http`",
                "container port `8080` (port `http` → containerPort `8080`, `k8s/cart-service.yaml:20`)",
                "actuator port: `8080` on the application's server — `server.port` is not set: 8080",
                "**registry on the classpath**: yes — `build.gradle.kts:11`",
            ],
        );
    }

    #[test]
    fn a_probe_of_a_service_configured_elsewhere_is_served_unknown() {
        let shown = hover_at(
            "prometheus-endpoint-not-exposed/ok-config-server-import",
            "k8s/catalog-service.yaml",
            "readinessProbe:",
        )
        .unwrap();
        assert_shows(
            &shown,
            &[
                "on port `http` = container port `8080`",
                "**served there**: unknown — `catalog-service` imports configuration from a Config Server",
            ],
        );
    }

    #[test]
    fn budgets_against_boot_evidence_or_its_absence() {
        let guarded = "liveness-budget-too-short/ok-startup-probe-guards-boot";
        let liveness = hover_at(guarded, "k8s/order-service.yaml", "livenessProbe:").unwrap();
        assert_shows(
            &liveness,
            &["boot does not count against it — the startupProbe (`k8s/order-service.yaml:"],
        );
        let startup = hover_at(guarded, "k8s/order-service.yaml", "startupProbe:").unwrap();
        assert_shows(
            &startup,
            &[
                "**failure budget**: kills at the earliest at `",
                "**boot time**: `161.4 s` (from ",
                ": fits (",
            ],
        );
        let none = hover_at(
            "probe-path-not-served/ok-additional-paths-livez-readyz",
            "k8s/order-service.yaml",
            "path: /livez",
        )
        .unwrap();
        assert_shows(
            &none,
            &[
                "`GET /livez`",
                "`/livez` is served",
                "**failure budget**: kills at the earliest at `",
                "**boot time**: no boot evidence",
            ],
        );
    }

    #[test]
    fn nothing_to_say_outside_probes_and_scrapes() {
        assert_eq!(
            hover_at(
                "monitor-port-not-found/ok-podmonitor-port-name",
                "k8s/cart-service.yaml",
                "apiVersion"
            ),
            None
        );
    }
}
