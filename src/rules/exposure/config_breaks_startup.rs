use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Label};
use crate::edit;
use crate::link::Deployment;
use crate::model::spring::{FoundList, Layer, Lookup, PortType, Service, WebStack};
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::Span;

declare_rule!(ConfigBreaksStartup {
    name: "config-breaks-startup",
    category: Exposure,
    severity: Error,
    fix: Sometimes,
    summary: "actuator or config-data settings that make the application fail at startup",
});

struct Finding {
    span: Span,
    message: String,
    label: &'static str,
    help: String,
    fix: Option<(String, Edit)>,
}

/// Why an exposure entry is not a valid endpoint id (`EndpointId`, Boot 2.1+, semantics §1.2).
fn invalid_endpoint_id(item: &str) -> Option<&'static str> {
    if item == "*" {
        return None;
    }
    if item.is_empty() {
        return Some("an empty entry (a trailing or doubled comma)");
    }
    if !item.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-') {
        return Some("only letters, digits, `.` and `-` are allowed, and a `.properties` value has no inline comments");
    }
    let first = item.chars().next().unwrap_or('a');
    if first.is_ascii_digit() {
        return Some("it must not start with a digit");
    }
    if first.is_ascii_uppercase() {
        return Some("it must not start with an upper-case letter");
    }
    None
}

fn exposure_entries(cx: &Context<'_>, s: &Service, dep: &Deployment, out: &mut Vec<Finding>) {
    if !s.boot_version.at_least(2, 1) {
        return;
    }
    for which in ["include", "exclude"] {
        let key = format!("management.endpoints.web.exposure.{which}");
        let Lookup::Set(list) = dep.effective.list(&key) else { continue };
        if let Some(f) = index_gap(s, &list) {
            out.push(f);
            continue;
        }
        // Only comma strings and indexed forms can hold empty or commented entries.
        for (i, item) in list.items.iter().enumerate() {
            let Some(why) = invalid_endpoint_id(item) else { continue };
            let prop = list.props.get(i).or(list.props.first()).copied();
            let Some(prop) = prop else { continue };
            let raw = cx.sources.text(prop.value_span);
            let fix = if item.is_empty() && list.props.len() == 1 && prop.list.is_none() {
                // `health,prometheus,` → drop the empty element.
                let fixed: Vec<&str> = list.items.iter().map(String::as_str).filter(|x| !x.is_empty()).collect();
                let props_file = cx.sources.path(prop.value_span.file).ends_with(".properties");
                if fixed.is_empty() {
                    // Nothing but empty entries (`include[]=`): without the line Boot exposes
                    // its defaults; emptying the value would change nothing.
                    props_file.then(|| ("remove the empty entry".to_string(), edit::delete_lines(cx.sources, prop.key_span)))
                } else {
                    (raw.trim() == prop.value.trim()).then(|| {
                        let end = prop.value_span.start + raw.trim_end().len() as u32;
                        (
                            "remove the empty entry".to_string(),
                            edit::replace(Span::new(prop.value_span.file, prop.value_span.start..end), fixed.join(",")),
                        )
                    })
                }
            } else if why.contains("upper-case") && item.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.') {
                raw.find(item.as_str()).map(|at| {
                    let start = prop.value_span.start + at as u32;
                    (
                        format!("write `{}`", item.to_ascii_lowercase()),
                        edit::replace(
                            Span::new(prop.value_span.file, start..start + item.len() as u32),
                            item.to_ascii_lowercase(),
                        ),
                    )
                })
            } else {
                None
            };
            out.push(Finding {
                span: prop.value_span,
                message: if item.is_empty() {
                    format!(
                        "`{}` has {why}, which is not a valid endpoint id: `{}` fails to start",
                        prop.key, s.name
                    )
                } else {
                    format!(
                        "`{}` entry `{item}` is not a valid endpoint id: {why}; `{}` fails to start",
                        prop.key, s.name
                    )
                },
                label: "invalid endpoint id",
                help: "list endpoint ids in lower case, separated by commas, with nothing after the last one".into(),
                fix,
            });
            break;
        }
    }
}

/// Indexed entries with a gap (`include[0]`, `include[2]`): the model finds it (`FoundList::gap`);
/// Boot binds the run from index 0 up to the first missing index, then fails on the entries it
/// left unbound (`IndexedElementsBinder`, `UnboundConfigurationPropertiesException`).
fn index_gap(s: &Service, list: &FoundList<'_>) -> Option<Finding> {
    let (missing, unbound) = list.gap?;
    Some(Finding {
        span: unbound.key_span,
        message: format!(
            "`{}` is left unbound: Boot reads indexed entries from 0 up to the first missing index ({missing}) and refuses the rest, so `{}` fails to start",
            unbound.key, s.name
        ),
        label: "after a missing index",
        help: "number the entries from 0 without gaps".into(),
        fix: None,
    })
}

fn mutually_exclusive(s: &Service, dep: &Deployment, out: &mut Vec<Finding>) {
    if !s.boot_version.at_least(3, 4) {
        return;
    }
    let set = |k: &str| {
        dep.effective
            .all(k)
            .last()
            .map(|(p, l)| (p.key_span, p.key.clone(), l.label.clone()))
    };
    let mut pairs: Vec<(String, String)> = vec![(
        "management.endpoints.access.default".into(),
        "management.endpoints.enabled-by-default".into(),
    )];
    // Every endpoint that has an `.access` setting.
    for l in &dep.effective.layers {
        for p in l.props.keys() {
            if let Some(id) = p.strip_prefix("management.endpoint.").and_then(|r| r.strip_suffix(".access")) {
                if !id.contains('.') {
                    let pair = (
                        format!("management.endpoint.{id}.access"),
                        format!("management.endpoint.{id}.enabled"),
                    );
                    if !pairs.contains(&pair) {
                        pairs.push(pair);
                    }
                }
            }
        }
    }
    for (a, b) in pairs {
        if let (Some((_, ak, al)), Some((bspan, bk, bl))) = (set(&a), set(&b)) {
            out.push(Finding {
                span: bspan,
                message: if al == bl {
                    format!(
                        "`{bk}` and `{ak}` are both set in {bl}; {} rejects the pair and `{}` fails to start",
                        s.boot_version.describe(),
                        s.name
                    )
                } else {
                    format!(
                        "`{bk}` (in {bl}) and `{ak}` (in {al}) are both set; {} rejects the pair and `{}` fails to start",
                        s.boot_version.describe(),
                        s.name
                    )
                },
                label: "set together with the `access` property",
                help: format!("keep only `{a}` (`.enabled` is deprecated since Boot 3.4)"),
                fix: None,
            });
        }
    }
}

fn legacy_profiles(cx: &Context<'_>, s: &Service, out: &mut Vec<Finding>) {
    let boot = &s.boot_version;
    // Legal or fatal depending on the version: not with an assumed one.
    if !boot.at_least(2, 4) || boot.is_assumed() {
        return;
    }
    for f in &s.files {
        for l in &f.docs {
            let Some(span) = l.legacy_profiles else { continue };
            let on = l.lookup("spring.config.activate.on-profile");
            if boot.at_least(3, 0) {
                let prop = l.lookup("spring.profiles");
                let fix = prop.and_then(|p| {
                    let written = cx.sources.text(p.key_span);
                    if written == p.key {
                        Some((
                            "use `spring.config.activate.on-profile`".to_string(),
                            edit::replace(p.key_span, "spring.config.activate.on-profile"),
                        ))
                    } else if written == "profiles" && on.is_none() && l.lookup("spring.config.activate.on-cloud-platform").is_none() {
                        // Nested under `spring:`: a dotted key is valid YAML and valid Spring.
                        Some((
                            "use `spring.config.activate.on-profile`".to_string(),
                            edit::replace(p.key_span, "config.activate.on-profile"),
                        ))
                    } else {
                        None
                    }
                });
                out.push(Finding {
                    span,
                    message: format!(
                        "`spring.profiles` in a config document is rejected by {}: `{}` fails to start",
                        boot.describe(),
                        s.name
                    ),
                    label: "legacy profile activation",
                    help: "write `spring.config.activate.on-profile` instead (and `spring.profiles.group` for profile groups)".into(),
                    fix,
                });
            } else if on.is_some() {
                out.push(Finding {
                    span,
                    message: format!(
                        "this document sets both `spring.profiles` and `spring.config.activate.on-profile`, which {} rejects: `{}` fails to start",
                        boot.describe(),
                        s.name
                    ),
                    label: "legacy profile activation",
                    help: "remove `spring.profiles` and keep `spring.config.activate.on-profile`".into(),
                    fix: None,
                });
            }
        }
    }
}

fn profile_specific(s: &Service, layers: &[Layer], out: &mut Vec<Finding>) {
    if !s.boot_version.at_least_patch(2, 4, 5) {
        return;
    }
    for l in layers.iter().filter(|l| l.profile_file.is_some() && l.maybe.is_none()) {
        for key in ["spring.profiles.active", "spring.profiles.include", "spring.profiles.default"] {
            let Some(p) = l.lookup(key) else { continue };
            out.push(Finding {
                span: p.key_span,
                message: format!(
                    "`{key}` in the profile-specific file {} is rejected by {}: `{}` fails to start",
                    l.label,
                    s.boot_version.describe(),
                    s.name
                ),
                label: "not allowed in a profile-specific file",
                help: "move it to `application.*` (or use `spring.profiles.group`)".into(),
                fix: None,
            });
        }
    }
}

fn paths(cx: &Context<'_>, s: &Service, dep: &Deployment, stack: WebStack, out: &mut Vec<Finding>) {
    let mut check = |key: &str, since: bool, what: &str| {
        if !since {
            return;
        }
        if let Lookup::Set(f) = dep.effective.lookup(key) {
            let v = f.value.trim();
            if !v.is_empty() && !v.starts_with('/') {
                let raw = cx.sources.text(f.prop.value_span);
                let fix = raw.find(v).filter(|_| f.value == f.prop.value).map(|at| {
                    let at = f.prop.value_span.start + at as u32;
                    (
                        "prepend `/`".to_string(),
                        edit::replace(Span::empty(f.prop.value_span.file, at), "/"),
                    )
                });
                out.push(Finding {
                    span: f.prop.value_span,
                    message: format!("`{key}` is `{v}`, but {what} must start with `/`: `{}` fails to start", s.name),
                    label: "must start with `/`",
                    help: format!("write `/{v}`"),
                    fix,
                });
            }
        }
    };
    check(
        "management.endpoints.web.base-path",
        s.boot_version.at_least(2, 4),
        "the actuator base path",
    );
    check("server.servlet.context-path", stack != WebStack::Reactive, "a servlet context path");
    // Management-specific SSL needs a management port of its own (semantics §3.1).
    if dep.actuator.serving.is(PortType::Same) && dep.actuator.facts.paths_unknown.is_none() {
        if let Lookup::Set(f) = dep.effective.lookup("management.server.ssl.enabled") {
            if f.value.trim().eq_ignore_ascii_case("true") {
                out.push(Finding {
                    span: f.prop.value_span,
                    message: format!(
                        "`management.server.ssl.enabled` is `true` while the actuator shares the application's port: `{}` fails to start (management-specific SSL needs `management.server.port`)",
                        s.name
                    ),
                    label: "needs a separate management port",
                    help: "set `management.server.port`, or configure TLS with `server.ssl.*` instead".into(),
                    fix: None,
                });
            }
        }
    }
    // Additional health paths: `server:` or `management:` and one segment (2.6+, §3.4).
    if s.boot_version.at_least(2, 6) {
        for g in ["liveness", "readiness"] {
            if let Lookup::Set(f) = dep
                .effective
                .lookup(&format!("management.endpoint.health.group.{g}.additional-path"))
            {
                let v = f.value.trim();
                let ok = v.split_once(':').is_some_and(|(ns, seg)| {
                    ["server", "management"].contains(&ns.to_ascii_lowercase().as_str()) && !seg.trim_start_matches('/').contains('/')
                });
                if !ok {
                    out.push(Finding {
                        span: f.prop.value_span,
                        message: format!(
                            "`{}` is `{v}`, but an additional path must be `server:/<segment>` or `management:/<segment>`: `{}` fails to start",
                            f.prop.key, s.name
                        ),
                        label: "invalid additional path",
                        help: format!("write `server:/{}`", v.rsplit('/').next().unwrap_or(v).trim_start_matches("server:")),
                        fix: None,
                    });
                }
            }
        }
    }
}

impl Rule for ConfigBreaksStartup {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut seen: Vec<Span> = Vec::new();
        for (si, s) in cx.ws.services.iter_enumerated() {
            let mut found = Vec::new();
            legacy_profiles(cx, s, &mut found);
            for dep in &cx.links.deployments[si] {
                exposure_entries(cx, s, dep, &mut found);
                mutually_exclusive(s, dep, &mut found);
                profile_specific(s, &dep.effective.layers, &mut found);
                paths(cx, s, dep, dep.actuator.facts.stack, &mut found);
            }
            for f in found {
                if seen.contains(&f.span) {
                    continue;
                }
                seen.push(f.span);
                let mut d = Diagnostic::new(Self::META.name, Self::META.default_severity, f.message, Label::new(f.span, f.label))
                    .service(Some(&s.name))
                    .help(f.help);
                if let Some((title, edit)) = f.fix {
                    d = d.fix(Some(Fix {
                        title,
                        applicability: Applicability::Safe,
                        edits: vec![edit],
                    }));
                }
                out.push(d);
            }
        }
    }
}
