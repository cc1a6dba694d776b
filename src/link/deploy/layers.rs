//! A deployment's runtime as config layers: env, `-D` system properties (command line and JVM
//! option variables), `SPRING_APPLICATION_JSON`, `--` arguments; and the external config
//! locations Spring reads from what is mounted.

use super::runtime::Runtime;
use crate::model::exec::shell_words;
use crate::model::spring::{props_layer, ConfigFile, Effective, Layer, Lookup, Origin, Why};
use crate::source::Span;

/// `java … -Dk=v … -jar app.jar --k=v`: system properties and Spring arguments.
/// `(key, value, span)` settings from a command line.
type Settings = Vec<(String, String, Span)>;

fn argv_layers(rt: &Runtime) -> (Settings, Settings) {
    let mut words: Vec<(String, Span)> = Vec::new();
    for (w, s) in &rt.argv {
        // `sh -c "java -jar app.jar --x=y"`: look inside shell strings, with the shell word
        // splitter the exec probes use; a script it does not understand is split at spaces.
        if w.contains(' ') {
            let split = shell_words(w).unwrap_or_else(|| w.split_whitespace().map(str::to_string).collect());
            words.extend(split.into_iter().map(|p| (p, *s)));
        } else {
            words.push((w.clone(), *s));
        }
    }
    let mut sys = Vec::new();
    let mut args = Vec::new();
    let jar = words.iter().position(|(w, _)| w == "-jar");
    for (i, (w, s)) in words.iter().enumerate() {
        let w = w.trim_matches(['"', '\'']);
        if let Some(d) = w.strip_prefix("-D") {
            if jar.is_none_or(|j| i < j) {
                if let Some((k, v)) = d.split_once('=') {
                    sys.push((k.to_string(), v.to_string(), *s));
                }
            }
        } else if let Some(a) = w.strip_prefix("--") {
            if jar.is_none_or(|j| i > j + 1) {
                if let Some((k, v)) = a.split_once('=') {
                    args.push((k.to_string(), v.to_string(), *s));
                }
            }
        }
    }
    (sys, args)
}

/// `-D` options carried by JVM option variables (`JAVA_TOOL_OPTIONS` is read by every JVM).
fn option_var_layers(rt: &Runtime) -> Vec<Layer> {
    let mut out = Vec::new();
    for name in ["JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "JAVA_OPTS"] {
        let Some(v) = rt.vars.iter().rev().find(|v| v.name == name) else {
            continue;
        };
        let Ok(value) = &v.value else { continue };
        let props: Vec<(String, String, Span)> = value
            .split_whitespace()
            .filter_map(|w| {
                w.trim_matches(['"', '\''])
                    .strip_prefix("-D")?
                    .split_once('=')
                    .map(|(k, x)| (k.to_string(), x.to_string(), v.value_span))
            })
            .collect();
        if props.is_empty() {
            continue;
        }
        let mut l = props_layer(Origin::SystemProperty, &props, format!("`{name}` of {}", rt.label));
        // `JAVA_OPTS` means something only to a start script that passes it on.
        if name == "JAVA_OPTS" && !rt.argv.iter().any(|(w, _)| w.contains("JAVA_OPTS")) {
            l.maybe = Some(Why::new(
                "`JAVA_OPTS` reaches the JVM only through a start script that passes it on",
                Some(v.value_span),
            ));
        }
        out.push(l);
    }
    out
}

/// `SPRING_APPLICATION_JSON`, flattened (semantics §5.4).
fn json_layer(rt: &Runtime) -> Option<Layer> {
    let v = rt.vars.iter().rev().find(|v| v.name == "SPRING_APPLICATION_JSON")?;
    let label = format!("`SPRING_APPLICATION_JSON` of {}", rt.label);
    let value = match &v.value {
        Ok(x) => x,
        Err(w) => {
            return Some(Layer::unseen(
                label,
                Why::new(format!("`SPRING_APPLICATION_JSON` {w}"), Some(v.value_span)),
            ))
        }
    };
    let (docs, _) = crate::parse::yaml::parse(value, v.value_span.file, &Default::default());
    let doc = docs.first()?;
    let mut l = crate::model::spring::yaml_layer(doc, v.value_span.file, 0, label);
    for p in std::sync::Arc::make_mut(&mut l.props).values_mut() {
        p.key_span = v.value_span;
        p.value_span = v.value_span;
    }
    l.origin = Origin::Json;
    l.on_profile = None;
    Some(l)
}

/// Top layers: env, system properties, JSON, arguments.
pub(super) fn overlays(rt: &Runtime) -> Vec<Layer> {
    let mut out = rt.env.clone();
    out.extend(option_var_layers(rt));
    let (sys, args) = argv_layers(rt);
    if !sys.is_empty() {
        out.push(props_layer(
            Origin::SystemProperty,
            &sys,
            format!("`-D` options on the {}", rt.argv_label),
        ));
    }
    out.extend(json_layer(rt));
    if !args.is_empty() {
        out.push(props_layer(Origin::Arg, &args, format!("arguments on the {}", rt.argv_label)));
    }
    out
}

pub(super) fn comma_list(v: &str) -> Vec<String> {
    v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}

/// External config locations (`spring.config.location` / `additional-location`, or the
/// default `file:./`, `file:./config/`) resolved against what is mounted (semantics §5.1).
pub(super) fn external(rt: &Runtime, top: &Effective) -> (bool, Vec<ConfigFile>, Vec<Layer>) {
    let mut files = Vec::new();
    let mut unseen = Vec::new();
    let mut use_classpath = true;
    let lookup = |k: &str| match top.lookup(k) {
        Lookup::Set(f) => Ok(Some((comma_list(&f.value), f.prop.value_span))),
        Lookup::Unset => Ok(None),
        Lookup::Unknown(w) => Err(w),
    };
    let mut explicit: Vec<(String, Span)> = Vec::new();
    match lookup("spring.config.location") {
        Ok(Some((locs, span))) => {
            use_classpath = locs.iter().any(|l| l.trim_start_matches("optional:").starts_with("classpath:"));
            explicit.extend(locs.into_iter().map(|l| (l, span)));
        }
        Ok(None) => {}
        Err(w) => unseen.push(Layer::unseen("`spring.config.location`".into(), w)),
    }
    match lookup("spring.config.additional-location") {
        Ok(Some((locs, span))) => explicit.extend(locs.into_iter().map(|l| (l, span))),
        Ok(None) => {}
        Err(w) => unseen.push(Layer::unseen("`spring.config.additional-location`".into(), w)),
    }
    let mut claimed: Vec<usize> = Vec::new();
    for (loc, span) in &explicit {
        let optional = loc.starts_with("optional:");
        let bare = loc.trim_start_matches("optional:");
        if bare.starts_with("classpath:") {
            continue;
        }
        let path = bare.trim_start_matches("file:");
        let path = match (path.starts_with('/'), &rt.workdir) {
            (true, _) => path.to_string(),
            (false, Some(wd)) => format!("{}/{}", wd.trim_end_matches('/'), path.trim_start_matches("./")),
            (false, None) => {
                unseen.push(Layer::unseen(
                    format!("`{loc}`"),
                    Why::new(
                        format!("`{loc}` is relative to the container's working directory, which is not known"),
                        Some(*span),
                    ),
                ));
                continue;
            }
        };
        let dir = path.ends_with('/');
        let mut hit = false;
        for (i, (p, f)) in rt.mounted.iter().enumerate() {
            let name = p.rsplit('/').next().unwrap_or(p);
            let in_dir = dir && p.rsplit_once('/').is_some_and(|(d, _)| format!("{d}/") == path) && name.starts_with("application");
            let exact = !dir
                && (p == &path || {
                    let (stem, _) = path.rsplit_once('.').unwrap_or((&path, ""));
                    p.starts_with(&format!("{stem}-"))
                });
            if in_dir || exact {
                files.push(f.clone());
                claimed.push(i);
                hit = true;
            }
        }
        if !hit && !optional {
            unseen.push(Layer::unseen(
                format!("`{loc}`"),
                Why::new(
                    format!("Spring reads config from `{loc}`, and no ConfigMap or file in the repository is mounted there"),
                    Some(*span),
                ),
            ));
        } else if !hit {
            if let Some((_, w)) = rt.unseen_mounts.iter().find(|(m, _)| path.starts_with(m.trim_end_matches('/'))) {
                unseen.push(Layer::unseen(format!("`{loc}`"), w.clone()));
            }
        }
    }
    // Default external locations: `./` and `./config/` of the working directory.
    if top.lookup("spring.config.location").set().is_none() {
        for (i, (p, f)) in rt.mounted.iter().enumerate() {
            if claimed.contains(&i) {
                continue;
            }
            let dir = p.rsplit_once('/').map_or("", |(d, _)| d);
            let name = p.rsplit('/').next().unwrap_or(p);
            if !name.starts_with("application") {
                continue;
            }
            match &rt.workdir {
                Some(wd) => {
                    let wd = wd.trim_end_matches('/');
                    let parent = dir.rsplit_once('/').map_or("", |(d, _)| d);
                    if dir == wd || dir == format!("{wd}/config") || parent == format!("{wd}/config") {
                        files.push(f.clone());
                    }
                }
                None => {
                    let mut f = f.clone();
                    f.maybe = Some(Why::new(
                        format!("`{}` is mounted at `{p}`; Spring reads it only if that is `./` or `./config/` of the working directory, which is not known", name),
                        None,
                    ));
                    files.push(f);
                }
            }
        }
        if let Some(wd) = &rt.workdir {
            let cfg = format!("{}/config", wd.trim_end_matches('/'));
            if let Some((_, w)) = rt.unseen_mounts.iter().find(|(m, _)| m.trim_end_matches('/') == cfg) {
                unseen.push(Layer::unseen(format!("`{cfg}`"), w.clone()));
            }
        }
    }
    (use_classpath, files, unseen)
}
