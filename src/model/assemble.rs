//! Parsed files → `Workspace`.

use super::boot::{Evidence, Observation};
use super::build::{build_modules, Module};
use super::spring::{properties_layer, yaml_layer, BootVersion, Layer, Service};
use super::{Gap, ParseError, Workspace};
use crate::discover::FileKind;
use crate::parse::{ParseFailure, Parsed};
use crate::source::{SourceSet, Span};
use crate::Options;

pub fn build(sources: &SourceSet, parsed: &[Parsed], failures: Vec<ParseFailure>, options: &Options) -> Workspace {
    let mut ws = Workspace {
        parse_errors: failures
            .into_iter()
            .map(|f| ParseError {
                file: f.file,
                offset: f.offset,
                message: f.message,
            })
            .collect(),
        ..Workspace::default()
    };
    ws.modules = build_modules(sources, parsed);
    services(&mut ws, sources, parsed, options);
    // Kubernetes objects, kustomize, Helm, Prometheus configs, Compose: `model::monitoring`.
    super::monitoring::assemble(&mut ws, sources, parsed, options);
    boot_evidence(&mut ws, sources, parsed, options);
    ws
}

/// The module directory a `src/main/…` path belongs to.
fn module_dir(path: &str) -> Option<&str> {
    if path.starts_with("src/main/") {
        return Some("");
    }
    path.find("/src/main/").map(|i| &path[..i])
}

fn config_rank(path: &str) -> Option<(u8, String, u8)> {
    // (location: resources=0 / resources/config=1, profile, format: yml=0 properties=1)
    let (dir, name) = path.rsplit_once('/')?;
    let location = u8::from(dir.ends_with("/config"));
    let (stem, ext) = name.rsplit_once('.')?;
    let format = u8::from(ext == "properties");
    let profile = stem
        .strip_prefix("application")
        .or_else(|| stem.strip_prefix("bootstrap"))
        .map(|p| p.strip_prefix('-').unwrap_or(p).to_string())?;
    Some((location, profile, format))
}

fn services(ws: &mut Workspace, sources: &SourceSet, parsed: &[Parsed], options: &Options) {
    let mut mains: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for (id, f) in sources.iter() {
        if let Parsed::Source(classes) = &parsed[id.0 as usize] {
            if let Some(dir) = module_dir(&f.path) {
                mains
                    .entry(dir.to_string())
                    .or_default()
                    .extend(classes.iter().map(|(c, _)| c.clone()));
            }
        }
    }
    // A Spring Boot main class in a directory no Gradle build covers (a Maven or unknown build):
    // still a service, with an unknown classpath.
    for dir in mains.keys() {
        if !ws.modules.iter().any(|m| &m.dir == dir) {
            let span = sources
                .iter()
                .find(|(_, f)| module_dir(&f.path) == Some(dir.as_str()) && f.kind == FileKind::JvmSource && !f.text.is_empty())
                .map(|(id, _)| Span::empty(id, 0));
            ws.modules.push(Module {
                gradle_path: String::new(),
                dir: dir.clone(),
                build_file: None,
                kotlin_dsl: true,
                build_root: dir.clone(),
                boot_plugin: None,
                boot_version: None,
                deps: vec![],
                dep_block: None,
                unknown: span
                    .map(|s| {
                        (
                            "no Gradle build file for this module was found (Maven and other builds are not analysed yet)".to_string(),
                            s,
                        )
                    })
                    .into_iter()
                    .collect(),
            });
        }
    }
    for (mi, m) in ws.modules.iter().enumerate() {
        let main_classes = mains.get(&m.dir).cloned().unwrap_or_default();
        if m.boot_plugin.is_none() && main_classes.is_empty() {
            continue;
        }
        let mut files: Vec<(u8, String, u8, u8, crate::source::FileId)> = sources
            .iter()
            .filter(|(_, f)| f.kind == FileKind::SpringConfig && module_dir(&f.path) == Some(m.dir.as_str()))
            .filter_map(|(id, f)| {
                let (loc, profile, fmt) = config_rank(&f.path)?;
                let bootstrap = u8::from(!f.path.rsplit('/').next().unwrap_or("").starts_with("bootstrap"));
                Some((bootstrap, profile, loc, fmt, id))
            })
            .collect();
        // bootstrap before application; non-profile before profile; resources before config/;
        // yml before properties (.properties wins in one location).
        files.sort_by(|a, b| {
            (a.1.is_empty() as u8)
                .cmp(&(b.1.is_empty() as u8))
                .reverse()
                .then(a.0.cmp(&b.0))
                .then(a.2.cmp(&b.2))
                .then(a.3.cmp(&b.3))
        });
        let mut layers: Vec<Layer> = Vec::new();
        for (_, profile, _, _, id) in &files {
            let path = sources.path(*id).to_string();
            let mut file_layers: Vec<Layer> = match &parsed[id.0 as usize] {
                Parsed::Yaml(docs) => docs.iter().enumerate().map(|(i, d)| yaml_layer(d, *id, i, path.clone())).collect(),
                Parsed::Properties(docs) => docs
                    .iter()
                    .enumerate()
                    .map(|(i, d)| properties_layer(d, *id, i, path.clone()))
                    .collect(),
                _ => vec![],
            };
            for l in &mut file_layers {
                if !profile.is_empty() {
                    l.profile_file = Some(profile.clone());
                }
            }
            layers.extend(file_layers);
        }
        let primary_config = files
            .iter()
            .filter(|f| f.1.is_empty() && f.0 == 1)
            .map(|f| f.4)
            .min_by_key(|id| (sources.path(*id).contains("/config/"), sources.path(*id).ends_with(".properties")));
        let name_prop = layers
            .iter()
            .rev()
            .filter(|l| l.profile_file.is_none() && l.on_profile.is_none())
            .find_map(|l| l.props.get("spring.application.name"));
        let (name, name_span) = match name_prop {
            Some(p) if !p.value.contains("${") && !p.value.trim().is_empty() => (p.value.trim().to_string(), Some(p.value_span)),
            _ => (
                m.dir
                    .rsplit('/')
                    .next()
                    .filter(|s| !s.is_empty())
                    .unwrap_or(&m.build_root)
                    .to_string(),
                None,
            ),
        };
        let boot_version = m
            .boot_version
            .clone()
            .or_else(|| options.config.boot_version.as_deref().and_then(|v| BootVersion::parse(v, None)))
            .unwrap_or_else(BootVersion::assumed);
        let remote_config = layers.iter().find_map(|l| {
            let p = l.props.get("spring.config.import")?;
            p.value
                .split(',')
                .any(|i| i.trim().trim_start_matches("optional:").starts_with("configserver:"))
                .then_some(p.value_span)
        });
        let remote_config = remote_config.or_else(|| {
            // Spring Cloud Config's bootstrap context (`spring.cloud.config.uri` in bootstrap.yml).
            layers
                .iter()
                .find_map(|l| l.props.get("spring.cloud.config.uri").map(|p| p.value_span))
        });
        ws.services.push(Service {
            name: if name.is_empty() { "root".into() } else { name },
            remote_config,
            name_span,
            module: mi,
            main_classes,
            layers,
            primary_config,
            boot_version,
        });
    }
    ws.services.sort_by(|a, b| a.name.cmp(&b.name).then(a.module.cmp(&b.module)));
    for (i, s) in ws.services.iter().enumerate() {
        if let Some(span) = s.remote_config {
            ws.gaps.push(Gap {
                message: format!("`{}` imports configuration from a Config Server, which may set or override its actuator settings; what it serves cannot be known from the repository", s.name),
                span,
                services: vec![i],
                help: "if the Config Server sets `management.*`, nothing to do; to check it anyway, add the served values to a profile file the linter can read, or suppress this with `[rules] analysis-gap = \"off\"`".into(),
            });
        }
    }
}

fn boot_evidence(ws: &mut Workspace, sources: &SourceSet, parsed: &[Parsed], options: &Options) {
    for (key, secs) in &options.boot_times {
        if let Some(s) = ws.resolve_service(key) {
            ws.boot.push(Observation {
                service: s,
                seconds: *secs,
                evidence: Evidence::Cli(format!("--boot-time {key}={secs}")),
            });
        }
    }
    let config_file = options.config.path.as_deref().and_then(|p| sources.find(p));
    for (key, (sc, _)) in &options.config.services {
        if let (Some((secs, span)), Some(s)) = (&sc.boot_time, ws.resolve_service(key)) {
            let evidence = match config_file {
                Some(f) => Evidence::Config(Span::new(f, span.clone())),
                None => Evidence::Cli(format!("[services.{key}] boot-time")),
            };
            ws.boot.push(Observation {
                service: s,
                seconds: *secs,
                evidence,
            });
        }
    }
    for (id, _) in sources.iter() {
        let Parsed::BootLog(lines) = &parsed[id.0 as usize] else { continue };
        for l in lines {
            let svc = ws.services.iter().position(|s| {
                s.main_classes
                    .iter()
                    .any(|c| *c == l.class || c.rsplit('.').next() == Some(&l.class))
            });
            if let Some(s) = svc {
                ws.boot.push(Observation {
                    service: s,
                    seconds: l.seconds(),
                    evidence: Evidence::Log {
                        span: Span::new(id, l.span.clone()),
                        class: l.class.clone(),
                    },
                });
            }
        }
    }
}
