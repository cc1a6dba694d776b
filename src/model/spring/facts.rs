//! What the actuator serves in one deployment, each answer with the sources that decided it
//! (semantics §1–4, version-gated per Appendix A).

use super::lookup::{Effective, FoundList, Lookup};
use super::serving::{at, set_in, Namespace, Port};
use super::{BootVersion, Platform, Why};
use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tri {
    Yes,
    No,
    Unknown,
}

/// A yes/no answer with its reasons: the deciding one first (for `Unknown`, why it cannot be
/// known).
#[derive(Clone, Debug)]
pub struct Fact {
    pub value: Tri,
    pub because: Vec<Why>,
    /// The property that decided it (kebab-case), when one did.
    pub key: Option<String>,
}

impl Fact {
    pub fn yes(w: Why) -> Fact {
        Fact {
            value: Tri::Yes,
            because: vec![w],
            key: None,
        }
    }
    pub fn no(w: Why) -> Fact {
        Fact {
            value: Tri::No,
            because: vec![w],
            key: None,
        }
    }
    pub fn unknown(w: Why) -> Fact {
        Fact {
            value: Tri::Unknown,
            because: vec![w],
            key: None,
        }
    }
    pub fn is_yes(&self) -> bool {
        self.value == Tri::Yes
    }
    pub fn is_no(&self) -> bool {
        self.value == Tri::No
    }
    pub fn is_unknown(&self) -> bool {
        self.value == Tri::Unknown
    }
    /// The deciding reason.
    pub fn why(&self) -> &Why {
        static NONE: Why = Why {
            text: String::new(),
            span: None,
        };
        self.because.first().unwrap_or(&NONE)
    }
    pub fn span(&self) -> Option<Span> {
        self.why().span
    }
    fn with_key(mut self, key: &str) -> Fact {
        if self.value != Tri::Unknown {
            self.key = Some(key.to_string());
        }
        self
    }
    fn describe(&self) -> &'static str {
        match self.value {
            Tri::Yes => "yes",
            Tri::No => "no",
            Tri::Unknown => "unknown",
        }
    }
}

/// How the actuator is served (semantics §3.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortType {
    Same,
    Different,
    Disabled,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WebStack {
    Servlet,
    Reactive,
    Unknown,
}

/// What the build says, for facts that depend on the classpath.
#[derive(Clone, Debug)]
pub struct BuildFacts {
    /// `spring-boot-starter-actuator` / `spring-boot-actuator-autoconfigure` (semantics §2).
    pub actuator: Fact,
    pub stack: WebStack,
}

impl Default for BuildFacts {
    fn default() -> Self {
        BuildFacts {
            actuator: Fact::unknown(Why::new("the classpath was not analysed", None)),
            stack: WebStack::Servlet,
        }
    }
}

/// An additional health path (semantics §3.4).
#[derive(Clone, Debug)]
pub struct AdditionalPath {
    pub group: String,
    pub path: String,
    /// `server:` (main port) or `management:`.
    pub on_server: bool,
    pub span: Option<Span>,
}

/// Derived facts for one service in one deployment.
#[derive(Clone, Debug)]
pub struct Facts {
    pub prometheus_exposed: Fact,
    pub prometheus_access: Fact,
    pub prometheus_export: Fact,
    pub actuator: Fact,
    /// There is an HTTP actuator at all (`management.server.port` ≥ 0, a web application).
    pub http: Fact,
    /// All of the above.
    pub prometheus_available: Fact,
    pub health_exposed: Fact,
    pub health_access: Fact,
    pub probe_groups: Fact,
    /// The port the actuator is served on (`None` = unknown or random), with reasons.
    pub port: Option<u16>,
    pub port_because: Vec<Why>,
    /// The main server port (for `server:` additional paths).
    pub server_port: Option<u16>,
    /// Why the served paths cannot be known, if they cannot.
    pub paths_unknown: Option<Why>,
    pub liveness_path: String,
    pub readiness_path: String,
    pub additional_paths: Vec<AdditionalPath>,
    /// TLS on the port the actuator is served on.
    pub tls: Fact,
    pub application_tag: Fact,
    /// The resolved `management.metrics.tags.application`, when set and known.
    pub application_tag_value: Option<String>,
    /// Servlet or reactive (after `spring.main.web-application-type`).
    pub stack: WebStack,
}

/// Derived actuator facts for one service in one deployment (the flat fields predate `facts`
/// and are what other rules read).
#[derive(Clone, Debug)]
pub struct Actuator {
    /// Each actuator fact, known or unknown with its reason.
    pub facts: Facts,
    /// What is served where: ports, paths, health groups and TLS per server, the one answer
    /// the facts above are read from.
    pub serving: super::Serving,
}

/// Why a list with an index gap decides nothing: the application does not start with it.
fn gap_why(l: &FoundList<'_>) -> Why {
    let (missing, unbound) = l.gap.expect("a gap");
    Why::new(
        format!(
            "`{}` in {} follows a missing index ({missing}): Boot refuses to start with entries it leaves unbound",
            unbound.key, l.layer.label
        ),
        Some(unbound.key_span),
    )
}

/// Spring's String → Boolean conversion (`true/on/yes/1`, `false/off/no/0`).
pub fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "on" | "yes" | "1" => Some(true),
        "false" | "off" | "no" | "0" => Some(false),
        _ => None,
    }
}

/// `EndpointId` comparison: case-insensitive, ignoring non-alphanumerics (Boot 2.1+); Boot
/// 2.0 compared the lower-case id with the entry as written.
pub fn endpoint_matches(list: &[String], id: &str, boot: &BootVersion) -> bool {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase()
    };
    list.iter().any(|e| {
        let e = e.trim();
        e == "*" || if boot.at_least(2, 1) { norm(e) == norm(id) } else { e == id }
    })
}

/// Cleans a path component: trimmed, `/` prepended, trailing `/` removed, `/` → "".
pub fn clean_path(p: &str) -> String {
    let t = p.trim().trim_end_matches("/*");
    if t.is_empty() || t == "/" {
        return String::new();
    }
    let with = if t.starts_with('/') { t.to_string() } else { format!("/{t}") };
    with.trim_end_matches('/').to_string()
}

pub fn default_exposure(boot: &BootVersion) -> Vec<String> {
    if boot.at_least(2, 5) {
        vec!["health".into()]
    } else {
        vec!["info".into(), "health".into()]
    }
}

impl Effective {
    /// The deployment with each combination of may-or-may-not-apply sources decided: none,
    /// all, and each alone (every combination up to two such sources).
    fn worlds(&self) -> Vec<Effective> {
        let maybe: Vec<usize> = self
            .layers
            .iter()
            .enumerate()
            .filter(|(_, l)| l.maybe.is_some())
            .map(|(i, _)| i)
            .collect();
        if maybe.is_empty() || maybe.len() > 16 {
            return vec![];
        }
        let world = |keep: &dyn Fn(usize) -> bool| Effective {
            layers: self
                .layers
                .iter()
                .enumerate()
                .filter(|(i, l)| l.maybe.is_none() || keep(*i))
                .map(|(_, l)| {
                    let mut l = l.clone();
                    l.maybe = None;
                    l
                })
                .collect(),
            ..Effective::default()
        };
        let mut out = vec![world(&|_| false), world(&|_| true)];
        if maybe.len() > 1 {
            for m in &maybe {
                out.push(world(&|i| i == *m));
            }
        }
        out
    }

    /// A fact that is unknown only because some sources may not apply is known after all when
    /// every way they could apply gives the same answer.
    pub fn agree(&self, f: impl Fn(&Effective) -> Fact) -> Fact {
        let direct = f(self);
        if !direct.is_unknown() {
            return direct;
        }
        let facts: Vec<Fact> = self.worlds().iter().map(&f).collect();
        match facts.as_slice() {
            [without, with, ..] if without.value != Tri::Unknown && facts.iter().all(|x| x.value == without.value) => {
                // Say why it holds either way: the reason of the world without the uncertain
                // sources alone ("nothing sets …") would be false when they do set it.
                let maybe: Vec<&Why> = self.layers.iter().filter_map(|l| l.maybe.as_ref()).collect();
                let cause = match maybe.as_slice() {
                    [one] => one.text.clone(),
                    [first, rest @ ..] => format!(
                        "{}; {} more {} may not apply likewise",
                        first.text,
                        rest.len(),
                        if rest.len() == 1 { "source" } else { "sources" }
                    ),
                    [] => String::new(),
                };
                let text = if with.why().text == without.why().text {
                    without.why().text.clone()
                } else {
                    format!("with them, {}; without them, {}", with.why().text, without.why().text)
                };
                let mut r = without.clone();
                r.because = vec![
                    Why::new(
                        format!("the same whichever sources apply — {text} ({cause})"),
                        with.span().or(without.span()),
                    ),
                    without.why().clone(),
                ];
                r
            }
            _ => direct,
        }
    }

    /// Exposure per the exact include/exclude algorithm (semantics §1.2).
    pub fn exposure(&self, id: &str, boot: &BootVersion) -> Fact {
        let defaults = default_exposure(boot);
        let included = match self.list("management.endpoints.web.exposure.include") {
            Lookup::Unknown(w) => Fact::unknown(w),
            Lookup::Set(l) if l.gap.is_some() => Fact::unknown(gap_why(&l)),
            Lookup::Set(l) if !l.items.is_empty() && !l.items.iter().all(|i| i.is_empty()) => {
                let why = Why::new(
                    format!("`include: {}` in {}", l.items.join(","), l.layer.label),
                    l.props.first().map(|p| p.value_span),
                );
                if endpoint_matches(&l.items, id, boot) {
                    Fact::yes(why)
                } else {
                    Fact::no(why)
                }
            }
            _ => {
                let why = Why::new(
                    format!(
                        "nothing sets `management.endpoints.web.exposure.include`, and the default is `{}` ({})",
                        defaults.join(","),
                        if boot.at_least(2, 5) { "Boot 2.5+" } else { "Boot 2.0–2.4" }
                    ),
                    None,
                );
                if endpoint_matches(&defaults, id, boot) {
                    Fact::yes(why)
                } else {
                    Fact::no(why)
                }
            }
        };
        if included.is_no() {
            return included;
        }
        match self.list("management.endpoints.web.exposure.exclude") {
            Lookup::Unknown(w) => Fact::unknown(w),
            Lookup::Set(l) if l.gap.is_some() => Fact::unknown(gap_why(&l)),
            Lookup::Set(l) if endpoint_matches(&l.items, id, boot) => Fact::no(Why::new(
                format!(
                    "`exclude: {}` in {} removes it, and exclude wins over include",
                    l.items.join(","),
                    l.layer.label
                ),
                l.props.first().map(|p| p.value_span),
            )),
            _ => included,
        }
    }

    pub(super) fn bool_fact(&self, key: &str) -> Option<Fact> {
        self.bool_fact_inner(key).map(|f| f.with_key(key))
    }

    fn bool_fact_inner(&self, key: &str) -> Option<Fact> {
        match self.lookup(key) {
            Lookup::Unset => None,
            Lookup::Unknown(w) => Some(Fact::unknown(w)),
            Lookup::Set(f) => Some(match parse_bool(&f.value) {
                Some(true) => Fact::yes(Why::new(set_in(&f), at(&f))),
                Some(false) => Fact::no(Why::new(set_in(&f), at(&f))),
                None => Fact::unknown(Why::new(format!("{} is not a boolean", set_in(&f)), at(&f))),
            }),
        }
    }

    fn access_value(&self, key: &str) -> Option<Fact> {
        self.access_value_inner(key).map(|f| f.with_key(key))
    }

    fn access_value_inner(&self, key: &str) -> Option<Fact> {
        match self.lookup(key) {
            Lookup::Unset => None,
            Lookup::Unknown(w) => Some(Fact::unknown(w)),
            Lookup::Set(f) => {
                let v = f.value.trim().to_ascii_lowercase().replace('_', "-");
                let why = Why::new(set_in(&f), at(&f));
                Some(match v.as_str() {
                    "none" => Fact::no(why),
                    "read-only" | "readonly" | "unrestricted" => Fact::yes(why),
                    _ => Fact::unknown(Why::new(format!("{} is not an access level", set_in(&f)), at(&f))),
                })
            }
        }
    }

    /// Whether the endpoint may be created: `.enabled` (2.0–3.3) or `.access` (3.4+), then
    /// the global default, then the endpoint's own default (semantics §1.5).
    pub fn endpoint_access(&self, id: &str, boot: &BootVersion) -> Fact {
        let default_on = id != "shutdown";
        let endpoint_default = || {
            let why = Why::new(
                format!("`{id}` is {} by default", if default_on { "enabled" } else { "disabled" }),
                None,
            );
            if default_on {
                Fact::yes(why)
            } else {
                Fact::no(why)
            }
        };
        let own = format!("management.endpoint.{id}");
        let fact = if boot.at_least(3, 4) {
            self.access_value(&format!("{own}.access"))
                .or_else(|| self.bool_fact(&format!("{own}.enabled")))
                .or_else(|| self.access_value("management.endpoints.access.default"))
                .or_else(|| self.bool_fact("management.endpoints.enabled-by-default"))
                .unwrap_or_else(endpoint_default)
        } else {
            self.bool_fact(&format!("{own}.enabled"))
                .or_else(|| self.bool_fact("management.endpoints.enabled-by-default"))
                .unwrap_or_else(endpoint_default)
        };
        if boot.at_least(3, 4) && !fact.is_no() {
            // The cap: `none` disables every endpoint (`read-only` still serves reads).
            if let Some(cap) = self.access_value("management.endpoints.access.max-permitted") {
                if !cap.is_yes() {
                    return cap;
                }
            }
        }
        fact
    }

    /// Whether the Prometheus export (and so the scrape endpoint) is on (semantics §1.6).
    pub fn prometheus_export(&self, boot: &BootVersion) -> Fact {
        let default = || Fact::yes(Why::new("the Prometheus export is on by default", None));
        if boot.at_least(3, 0) {
            return self
                .bool_fact("management.prometheus.metrics.export.enabled")
                .or_else(|| self.bool_fact("management.defaults.metrics.export.enabled"))
                .unwrap_or_else(default);
        }
        if boot.at_least(2, 4) {
            return self
                .bool_fact("management.metrics.export.prometheus.enabled")
                .or_else(|| self.bool_fact("management.metrics.export.defaults.enabled"))
                .unwrap_or_else(default);
        }
        // 2.0–2.3: `@ConditionalOnProperty(havingValue = "true", matchIfMissing = true)`.
        match self.lookup("management.metrics.export.prometheus.enabled") {
            Lookup::Unset => default(),
            Lookup::Unknown(w) => Fact::unknown(w),
            Lookup::Set(f) => {
                let why = Why::new(set_in(&f), at(&f));
                if f.value.trim().eq_ignore_ascii_case("true") {
                    Fact::yes(why)
                } else {
                    Fact::no(why).with_key("management.metrics.export.prometheus.enabled")
                }
            }
        }
    }

    /// Whether the `liveness`/`readiness` health groups exist (semantics §4.1–4.2).
    pub fn probe_groups(&self, boot: &BootVersion, platform: &Platform) -> Fact {
        if !boot.at_least(2, 3) {
            return Fact::no(Why::new(
                format!("{} predates the probe health groups (added in 2.3)", boot.describe()),
                boot.span,
            ));
        }
        // A group the application defines itself exists whatever the probes settings say.
        let user = |g: &str| self.prefix(&format!("management.endpoint.health.group.{g}"));
        if let (Lookup::Set((p, l)), Lookup::Set(_)) = (user("liveness"), user("readiness")) {
            return Fact::yes(Why::new(
                format!("the groups are defined in {} (`{}`)", l.label, p.key),
                Some(p.key_span),
            ));
        }
        let enabled = if boot.at_least(2, 3) && !boot.at_least_patch(2, 3, 2) {
            // 2.3.0–2.3.1: anything but "false" enables.
            match self.lookup("management.health.probes.enabled") {
                Lookup::Set(f) => Some(if f.value.trim().eq_ignore_ascii_case("false") {
                    Fact::no(Why::new(set_in(&f), at(&f))).with_key("management.health.probes.enabled")
                } else {
                    Fact::yes(Why::new(set_in(&f), at(&f)))
                }),
                Lookup::Unknown(w) => Some(Fact::unknown(w)),
                Lookup::Unset => None,
            }
        } else if boot.at_least(4, 0) {
            self.bool_fact("management.endpoint.health.probes.enabled")
        } else {
            self.bool_fact("management.endpoint.health.probes.enabled")
                .or_else(|| self.bool_fact("management.health.probes.enabled"))
        };
        if let Some(f) = enabled {
            return f;
        }
        if boot.at_least(4, 0) {
            return Fact::yes(Why::new("Boot 4.0 creates the probe groups by default", None));
        }
        let cf = boot.at_least(3, 4);
        match self.lookup("spring.main.cloud-platform") {
            Lookup::Unknown(w) => return Fact::unknown(w),
            Lookup::Set(f) => {
                let v = f.value.trim().to_ascii_lowercase().replace('-', "_");
                let why = Why::new(
                    format!(
                        "the groups are created only on Kubernetes{}, and {} turns off the detection",
                        if cf { " or Cloud Foundry" } else { "" },
                        set_in(&f)
                    ),
                    at(&f),
                );
                return if v == "kubernetes" || (cf && v == "cloud_foundry") {
                    Fact::yes(why)
                } else {
                    Fact::no(why).with_key("spring.main.cloud-platform")
                };
            }
            Lookup::Unset => {}
        }
        match platform {
            Platform::Kubernetes => Fact::yes(Why::new(
                "Spring detects Kubernetes (the kubelet sets `KUBERNETES_SERVICE_HOST`/`_PORT` in every pod) and creates the groups",
                None,
            )),
            Platform::Other(name) => Fact::no(Why::new(
                format!("not on Kubernetes ({name}) and `management.endpoint.health.probes.enabled` is not set"),
                None,
            )),
            Platform::Unknown(w) => Fact::unknown(w.clone()),
        }
    }

    /// Every actuator fact for this deployment (semantics §1–4); what is served where comes
    /// from `serving`, computed once.
    pub fn actuator_facts(&self, boot: &BootVersion, build: &BuildFacts, platform: &Platform) -> Actuator {
        let sv = self.serving(boot, build.stack);
        let mut http = Fact::yes(Why::new("the actuator is served over HTTP", None));
        match self.lookup("spring.main.web-application-type") {
            Lookup::Set(f) if f.value.trim().eq_ignore_ascii_case("none") => {
                http = Fact::no(Why::new(format!("{}: not a web application", set_in(&f)), at(&f)))
                    .with_key("spring.main.web-application-type");
            }
            Lookup::Unknown(w) => http = Fact::unknown(w),
            _ => {}
        }
        let mut paths_unknown = None;
        match (&sv.port_type, &sv.management_port) {
            (Ok(PortType::Disabled), Some(Port::Off(w))) => {
                http = Fact::no(w.clone()).with_key("management.server.port");
            }
            (Err(w), _) if !http.is_no() => paths_unknown = Some(w.clone()),
            _ => {}
        }
        let paths_unknown = paths_unknown.or_else(|| sv.paths_unknown.clone());
        let mut port_because = Vec::new();
        let port = match &sv.port_type {
            Ok(PortType::Different) => {
                if let Some(m) = sv.management_port.as_ref().filter(|m| !matches!(m, Port::Unknown(_))) {
                    port_because.push(Why::new(format!("a separate management server: {}", m.why().text), m.span()));
                }
                sv.management_port.as_ref().and_then(Port::fixed)
            }
            _ => {
                if !matches!(sv.server_port, Port::Unknown(_)) {
                    port_because.push(sv.server_port.why().clone());
                }
                if let (Some(m), Ok(PortType::Same)) = (&sv.management_port, &sv.port_type) {
                    port_because.push(Why::new(format!("the same port as the application: {}", m.why().text), m.span()));
                }
                sv.port_type.as_ref().ok().and(sv.server_port.fixed())
            }
        };
        if let Port::Unknown(w) = &sv.server_port {
            port_because.push(w.clone());
        }
        let health_path = sv.health_path();
        let additional = sv
            .additional
            .iter()
            .map(|a| AdditionalPath {
                group: a.group.clone(),
                path: a.path.clone(),
                on_server: a.namespace == Namespace::Server,
                span: a.span,
            })
            .collect();

        // Availability.
        let exposed = self.agree(|e| e.exposure("prometheus", boot));
        let access = self.agree(|e| e.endpoint_access("prometheus", boot));
        let export = self.agree(|e| e.prometheus_export(boot));
        let parts = [&exposed, &access, &export, &build.actuator, &http];
        let available = if let Some(no) = parts.iter().find(|f| f.is_no()) {
            Fact::no(no.why().clone())
        } else if let Some(u) = parts.iter().find(|f| f.is_unknown()) {
            Fact::unknown(u.why().clone())
        } else {
            Fact {
                value: Tri::Yes,
                because: parts.iter().map(|f| f.why().clone()).collect(),
                key: None,
            }
        };
        let health_exposed = self.agree(|e| e.exposure("health", boot));
        let health_access = self.agree(|e| e.endpoint_access("health", boot));
        let tls = sv.actuator_tls().clone();
        let (application_tag, application_tag_value) = match self.lookup("management.metrics.tags.application") {
            Lookup::Set(f) => (Fact::yes(Why::new(set_in(&f), at(&f))), Some(f.value.clone())),
            Lookup::Unset => (Fact::no(Why::new("nothing sets `management.metrics.tags.application`", None)), None),
            Lookup::Unknown(w) => (Fact::unknown(w), None),
        };
        let facts = Facts {
            prometheus_exposed: exposed.clone(),
            prometheus_access: access,
            prometheus_export: export,
            actuator: build.actuator.clone(),
            http,
            prometheus_available: available,
            health_exposed: health_exposed.clone(),
            health_access,
            probe_groups: self.agree(|e| e.probe_groups(boot, platform)),
            port,
            port_because,
            server_port: sv.main_port(),
            paths_unknown: paths_unknown.clone(),
            liveness_path: format!("{health_path}/liveness"),
            readiness_path: format!("{health_path}/readiness"),
            additional_paths: additional,
            tls,
            application_tag,
            application_tag_value,
            stack: sv.stack,
        };
        Actuator { facts, serving: sv }
    }

    /// The facts with a Servlet stack and an unanalysed classpath (kept for callers that
    /// predate `actuator_facts`).
    pub fn actuator(&self, boot: &BootVersion) -> Actuator {
        self.actuator_facts(boot, &BuildFacts::default(), &Platform::Kubernetes)
    }

    /// Exposure as a plain yes (unknown counts as not exposed).
    pub fn exposed(&self, id: &str, boot: &BootVersion) -> bool {
        self.exposure(id, boot).is_yes()
    }
}

impl Facts {
    /// One line per fact, for `actuator-lint model`.
    pub fn summary(&self) -> Vec<(&'static str, &Fact)> {
        vec![
            ("prometheus available", &self.prometheus_available),
            ("  exposed over HTTP", &self.prometheus_exposed),
            ("  enabled / access", &self.prometheus_access),
            ("  export on", &self.prometheus_export),
            ("  actuator on the classpath", &self.actuator),
            ("  HTTP actuator", &self.http),
            ("health exposed", &self.health_exposed),
            ("health enabled / access", &self.health_access),
            ("liveness/readiness groups", &self.probe_groups),
            ("TLS", &self.tls),
            ("application tag", &self.application_tag),
        ]
    }
}

impl std::fmt::Display for Fact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.describe())
    }
}
