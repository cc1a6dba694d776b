//! Parsed files → `Workspace`.

use super::boot::{duration_text, Evidence, Observation, Unmapped};
use super::build::{build_modules, Module};
use super::spring::{files, BootVersion, ConfigFile, Layer, Service};
use super::{Gap, ParseError, ServiceId, Workspace};
use crate::classify::Roles;
use crate::file_kind::FileKind;
use crate::model::ModelOptions;
use crate::parse::{ParseFailure, Parsed};
use crate::source::{SourceSet, Span};

pub fn build(sources: &SourceSet, parsed: &[Parsed], roles: &Roles, failures: Vec<ParseFailure>, options: &ModelOptions<'_>) -> Workspace {
    // A template is not YAML until rendered: where it stops parsing, what follows is unknown,
    // not wrong (issue 13).
    let (templated, failures): (Vec<ParseFailure>, Vec<ParseFailure>) =
        failures.into_iter().partition(|f| roles.get(f.file).template.is_some());
    // A file read only up to a size limit is unknown past it, not malformed.
    let (cut_short, failures): (Vec<ParseFailure>, Vec<ParseFailure>) = failures.into_iter().partition(|f| f.limit);
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
    for f in templated {
        let file = sources.get(f.file);
        let template = roles.get(f.file).template.map_or("a template", |t| t.describe());
        let role = roles.role(f.file).map(|r| r.describe()).unwrap_or_default();
        let line = file.line_col(f.offset).line;
        ws.gaps.push(Gap {
            message: format!(
                "`{}` ({role}) is {template}: it is not YAML until rendered, so nothing from line {line} on is checked",
                file.path
            ),
            span: Span::empty(f.file, file.clamp(f.offset)),
            services: vec![],
            help:
                "lint the rendered output too (`… | actuator-lint --manifests -`), or suppress this with `[rules] analysis-gap = \"off\"`"
                    .into(),
        });
    }
    for f in &cut_short {
        let file = sources.get(f.file);
        ws.gaps.push(Gap {
            message: format!("`{}` is not analysed: {}", file.path, f.message),
            span: Span::empty(f.file, file.clamp(f.offset)),
            services: vec![],
            help: "what this file declares is treated as unknown; exclude it in `[discovery] exclude` if it is generated".into(),
        });
    }
    let failed: Vec<crate::source::FileId> = ws
        .parse_errors
        .iter()
        .map(|e| e.file)
        .chain(cut_short.iter().map(|f| f.file))
        .collect();
    // Kubernetes objects, kustomize, Helm, Prometheus configs, Compose (`model::monitoring`)
    // do not depend on the build model: both are read at once.
    let mut wiring = Workspace::default();
    let (kz, ()) = rayon::join(
        || {
            crate::timing::timed("model: monitoring", || {
                super::monitoring::read(&mut wiring, sources, parsed, roles, options)
            })
        },
        || {
            ws.modules = crate::timing::timed("model: build", || {
                let mut modules = build_modules(sources, parsed, &failed);
                if let Some(poms) = options.local_poms {
                    super::build::resolve_local(&mut modules, poms);
                }
                modules
            });
            crate::timing::timed("model: services", || services(&mut ws, sources, parsed, options));
        },
    );
    adopt_wiring(&mut ws, wiring);
    runtime_files(&mut ws, sources, parsed);
    ws.images = crate::timing::timed("model: images", || super::image::read(&ws, sources, parsed));
    super::image::gaps(&mut ws, sources);
    super::monitoring::gaps(&mut ws, sources, &kz);
    crate::timing::timed("model: boot evidence", || boot_evidence(&mut ws, sources, parsed, options));
    unread_files(&mut ws, sources);
    ws
}

/// Files the walk found but could not load: nothing in them was checked, and a run that only
/// said so on stderr would look clean in every machine format.
fn unread_files(ws: &mut Workspace, sources: &SourceSet) {
    for (id, f) in sources.iter() {
        let Some(reason) = &f.unread else { continue };
        ws.gaps.push(Gap {
            message: format!("`{}` was found but not analysed: {reason}", f.path),
            span: Span::empty(id, 0),
            services: vec![],
            help: "findings that depend on this file are missing; fix what keeps it from being read, or exclude it in `[discovery] exclude` if it does not matter".into(),
        });
    }
}

/// Moves what `monitoring::read` built into the workspace. Every field is named, so a new
/// one must be placed here on purpose.
fn adopt_wiring(ws: &mut Workspace, from: Workspace) {
    let Workspace {
        modules,
        services,
        workloads,
        kube_services,
        monitors,
        prometheus_crs,
        config_maps,
        secrets,
        dockerfiles,
        env_files,
        stack_values,
        prom_configs,
        jobs,
        compose_services,
        boot,
        boot_unmapped,
        gaps,
        parse_errors,
        images,
        wiring,
    } = from;
    debug_assert!(modules.is_empty() && services.is_empty() && dockerfiles.is_empty() && env_files.is_empty());
    debug_assert!(boot.is_empty() && boot_unmapped.is_empty() && gaps.is_empty() && parse_errors.is_empty());
    debug_assert!(images.built.is_empty());
    ws.workloads = workloads;
    ws.kube_services = kube_services;
    ws.monitors = monitors;
    ws.prometheus_crs = prometheus_crs;
    ws.config_maps = config_maps;
    ws.secrets = secrets;
    ws.stack_values = stack_values;
    ws.prom_configs = prom_configs;
    ws.jobs = jobs;
    ws.compose_services = compose_services;
    ws.wiring = wiring;
}

/// The module directory a `src/main/…` path belongs to.
fn module_dir(path: &str) -> Option<&str> {
    if path.starts_with("src/main/") {
        return Some("");
    }
    path.find("/src/main/").map(|i| &path[..i])
}

/// (location: `resources` 0 / `resources/config` 1, profile, bootstrap) of a config file.
fn config_rank(path: &str, names: &[String]) -> Option<(u8, String, bool)> {
    let (dir, name) = path.rsplit_once('/')?;
    let location = u8::from(dir.ends_with("/config"));
    if !(dir.ends_with("src/main/resources") || dir.ends_with("src/main/resources/config")) {
        return None;
    }
    let (stem, _, _) = files::name_parts(name)?;
    let app = names
        .iter()
        .find_map(|n| stem.strip_prefix(n.as_str()).filter(|p| p.is_empty() || p.starts_with('-')));
    let (profile, bootstrap) = match (app, stem.strip_prefix("bootstrap")) {
        (Some(p), _) => (p, false),
        (_, Some(p)) => (p, true),
        _ => return None,
    };
    let profile = match profile.strip_prefix('-') {
        Some(p) if !p.is_empty() => p.to_string(),
        None if profile.is_empty() => String::new(),
        _ => return None,
    };
    Some((location, profile, bootstrap))
}

/// Config files on the classpath from the repository modules packaged with `module` (a shared
/// library's `src/main/resources/application.yaml`). Boot resolves `classpath:/application.yaml`
/// (and each other name and extension) to the first match on the classpath, where the
/// application's own classes come first: a library file is loaded only for a name the module
/// itself does not have. When several libraries have it, classpath order decides which one is
/// read, so each may or may not apply.
fn library_config(
    modules: &crate::ids::IdVec<crate::model::ModuleId, crate::model::build::Module>,
    module: crate::model::ModuleId,
    configs_by_dir: &std::collections::HashMap<&str, Vec<(crate::source::FileId, &crate::source::SourceFile)>>,
    own: &[ConfigFile],
    ix: &files::Index<'_>,
) -> Vec<ConfigFile> {
    type Slot = (bool, Option<String>, u8, u8);
    let slot = |f: &ConfigFile| -> Slot { (f.bootstrap, f.profile.clone(), f.location, f.ext_rank) };
    let taken: std::collections::HashSet<Slot> = own.iter().map(slot).collect();
    let default_names = ["application".to_string()];
    let mut found: Vec<(Slot, ConfigFile, crate::model::ModuleId)> = Vec::new();
    for lib in crate::model::build::packaged_modules(modules, module) {
        let dir = modules[lib].dir.as_str();
        if dir == modules[module].dir {
            continue;
        }
        for (id, f) in configs_by_dir.get(dir).into_iter().flatten() {
            let Some((loc, profile, bootstrap)) = config_rank(&f.path, &default_names) else {
                continue;
            };
            let profile = (!profile.is_empty()).then_some(profile);
            let Some(cf) = files::config_file(ix, dir, *id, loc, profile, bootstrap) else {
                continue;
            };
            let key = slot(&cf);
            if !taken.contains(&key) {
                found.push((key, cf, lib));
            }
        }
    }
    let mut out = Vec::new();
    for (key, mut cf, _) in found.iter().cloned() {
        let rivals: Vec<&str> = found
            .iter()
            .filter(|(k, other, _)| *k == key && other.file != cf.file)
            .map(|(_, other, _)| other.path.as_str())
            .collect();
        if !rivals.is_empty() {
            let why = crate::model::spring::Why::new(
                format!(
                    "`{}` and `{}` are both on the classpath under the same name, and classpath order decides which one Boot reads",
                    cf.path,
                    rivals.join("`, `")
                ),
                None,
            );
            for d in &mut cf.docs {
                d.maybe = Some(why.clone());
            }
            cf.maybe = Some(why);
        }
        out.push(cf);
    }
    out
}

fn services(ws: &mut Workspace, sources: &SourceSet, parsed: &[Parsed], options: &ModelOptions<'_>) {
    // Names Boot logs per module directory; only `@SpringBootApplication` makes a module a
    // service (a `main` elsewhere in it only adds the name Boot logs).
    let mut mains: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let mut annotated: std::collections::BTreeSet<String> = Default::default();
    let mut annotated_mains: std::collections::HashMap<String, usize> = Default::default();
    for (id, f) in sources.iter() {
        if let (Parsed::Source(classes, _), Some(dir)) = (&parsed[id.0 as usize], module_dir(&f.path)) {
            let names = mains.entry(dir.to_string()).or_default();
            for c in classes {
                if !names.contains(&c.log_name) {
                    names.push(c.log_name.clone());
                }
            }
            if classes.iter().any(|c| c.annotated) {
                annotated.insert(dir.to_string());
            }
            *annotated_mains.entry(dir.to_string()).or_default() += classes.iter().filter(|c| c.annotated).count();
        }
    }
    // A Spring Boot main class in a directory no Gradle or Maven build covers (a POM that does
    // not parse, another build tool): still a service, with an unknown classpath.
    let built: std::collections::HashSet<String> = ws.modules.iter().map(|m| m.dir.clone()).collect();
    for dir in &annotated {
        if !built.contains(dir) {
            let pom = if dir.is_empty() {
                "pom.xml".to_string()
            } else {
                format!("{dir}/pom.xml")
            };
            let broken = sources.find(&pom).filter(|id| ws.parse_errors.iter().any(|e| e.file == *id));
            let why = match broken {
                Some(id) => Some((
                    format!("`{pom}` has a syntax error, so its dependencies are unknown"),
                    Span::empty(id, 0),
                )),
                None => sources
                    .iter()
                    .find(|(_, f)| module_dir(&f.path) == Some(dir.as_str()) && f.kind == FileKind::JvmSource && !f.text.is_empty())
                    .map(|(id, _)| {
                        (
                            ("no Gradle or Maven build file for this module was found".to_string()),
                            Span::empty(id, 0),
                        )
                    }),
            };
            ws.modules.push(Module::unbuilt(dir, why));
        }
    }
    let ix = files::Index::new(sources, parsed, &ws.parse_errors);
    // Config files by module directory, computed once: a scan per module is quadratic in
    // monorepos with thousands of modules.
    let mut configs_by_dir: std::collections::HashMap<&str, Vec<(crate::source::FileId, &crate::source::SourceFile)>> = Default::default();
    // `spring.config.name` set in the module's own code (C25): per module directory.
    let mut config_names: std::collections::HashMap<&str, (Result<Vec<String>, String>, Span)> = Default::default();
    for (id, f) in sources.iter().filter(|(_, f)| f.kind == FileKind::JvmSource) {
        if let (Some(dir), Some((names, span))) = (
            module_dir(&f.path),
            crate::parse::jvm::config_name::in_source(&f.text, f.path.ends_with(".kt")),
        ) {
            config_names.entry(dir).or_insert((names, Span::new(id, span)));
        }
    }
    for (id, f) in sources.iter() {
        // Files named by a `spring.config.name` are Spring config by role, not by name.
        let named = !config_names.is_empty() && matches!(parsed[id.0 as usize], Parsed::Yaml(_) | Parsed::Properties(_));
        if f.kind != FileKind::SpringConfig && !named {
            continue;
        }
        if let Some(dir) = module_dir(&f.path) {
            configs_by_dir.entry(dir).or_default().push((id, f));
        }
    }
    let jvm_by_dir = super::spring::routes::sources_by_dir(sources);
    let statics_by_dir = super::spring::routes::statics_by_dir(sources);
    // Modules are independent here: read each one's config on every core, keep module order.
    use rayon::prelude::*;
    let services: Vec<(Service, Vec<ParseError>)> = ws
        .modules
        .par_iter_enumerated()
        .filter_map(|(mi, m)| {
            let main_classes = mains.get(&m.dir).cloned().unwrap_or_default();
            if m.boot_plugin.is_none() && !annotated.contains(&m.dir) {
                return None;
            }
            // Code sets `spring.config.name` for the application it starts. Boot's packaging
            // picks the one main class annotated `@SpringBootApplication` among several
            // (`MainClassFinder.findSingleMainClass`); with more than one annotated, which runs
            // is configured elsewhere (`mainClass`, `Start-Class`), so which files Boot reads is
            // unknown.
            let annotated_here = annotated_mains.get(&m.dir).copied().unwrap_or(0);
            let config_name = config_names.get(m.dir.as_str()).map(|(names, span)| match names {
                Ok(_) if annotated_here > 1 => (
                    Err(format!(
                        "is set by one of the module's {annotated_here} `@SpringBootApplication` classes, and which of them runs is not known"
                    )),
                    *span,
                ),
                _ => (names.clone(), *span),
            });
            let names = match &config_name {
                Some((Ok(n), _)) => n.clone(),
                _ => vec!["application".to_string()],
            };
            let mut config: Vec<ConfigFile> = configs_by_dir
                .get(m.dir.as_str())
                .into_iter()
                .flatten()
                .copied()
                .filter_map(|(id, f)| {
                    let (loc, profile, bootstrap) = config_rank(&f.path, &names)?;
                    let profile = (!profile.is_empty()).then_some(profile);
                    files::config_file(&ix, &m.dir, id, loc, profile, bootstrap)
                })
                .collect();
            config.extend(library_config(&ws.modules, mi, &configs_by_dir, &config, &ix));
            if let Some((Err(why), span)) = &config_name {
                // Which files Boot reads is decided at run time: whatever they set is unknown.
                let label = format!("`spring.config.name` set in {}", sources.path(span.file));
                let why = super::spring::Why::new(
                    format!(
                        "`spring.config.name` {why} ({}), so which config files Spring reads is unknown",
                        sources.path(span.file)
                    ),
                    Some(*span),
                );
                config.push(ConfigFile::external(
                    span.file,
                    label.clone(),
                    None,
                    2,
                    true,
                    vec![Layer::unseen(label, why)],
                ));
            }
            // bootstrap before application; non-profile before profile; resources before config/;
            // .yaml < .yml < .properties (.properties wins in one location).
            config.sort_by_key(|f| (!f.bootstrap, f.profile.is_some(), f.location, f.ext_rank));
            let unloadable = super::spring::filtering::apply(m, sources, &mut config);
            let layers: Vec<Layer> = config.iter().flat_map(|f| f.docs.iter().cloned()).collect();
            let primary_config = config
                .iter()
                .filter(|f| f.profile.is_none() && !f.bootstrap)
                .min_by_key(|f| (f.location, f.properties))
                .map(|f| f.file);
            let name_prop = config
                .iter()
                .filter(|f| f.profile.is_none())
                .flat_map(|f| f.docs.iter())
                .rev()
                .filter(|l| l.on_profile.is_none())
                .find_map(|l| l.lookup("spring.application.name"));
            let (name, name_span) = match name_prop {
                Some(p) if !p.value.contains("${") && !p.value.contains('@') && !p.value.trim().is_empty() => {
                    (p.value.trim().to_string(), Some(p.value_span))
                }
                // A module at the repository root has no directory name: its project name
                // (`rootProject.name`, the `artifactId`) is what its team calls it.
                _ => (
                    m.dir
                        .rsplit('/')
                        .next()
                        .filter(|s| !s.is_empty())
                        .or(m.project_name.as_deref())
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
            let remote_config = files::remote_config(&config);
            let service = Service {
                name: if name.is_empty() { "root".into() } else { name },
                remote_config,
                config_server: None,
                name_span,
                module: mi,
                dir: m.dir.clone(),
                main_classes,
                layers,
                files: config,
                primary_config,
                boot_version,
                routes: super::spring::routes::of_module(&ws.modules, mi, sources, parsed, &jvm_by_dir, &statics_by_dir),
                security: super::spring::security::of_module(&ws.modules, mi, sources, parsed, &jvm_by_dir),
            };
            Some((service, unloadable))
        })
        .collect();
    let mut built = Vec::with_capacity(services.len());
    for (service, unloadable) in services {
        built.push(service);
        ws.parse_errors.extend(unloadable);
    }
    built.sort_by(|a, b| a.name.cmp(&b.name).then(a.module.cmp(&b.module)));
    ws.services = built.into();
    let failed = ws.parse_errors.clone();
    super::spring::configserver::link(ws, &files::Index::new(sources, parsed, &failed));
    for (i, s) in ws.services.iter_enumerated() {
        if let Some(&span) = s.remote_config.first() {
            ws.gaps.push(Gap {
                message: format!("`{}` imports configuration from a Config Server, which may set or override its actuator settings; what it serves cannot be known from the repository", s.name),
                span,
                services: vec![i],
                help: "if the Config Server sets `management.*`, nothing to do; to check it anyway, add the served values to a profile file the linter can read, or suppress this with `[rules] analysis-gap = \"off\"`".into(),
            });
        }
    }
}

/// Dockerfiles and env files: read for the deployment overlays of Spring config.
fn runtime_files(ws: &mut Workspace, sources: &SourceSet, parsed: &[Parsed]) {
    for (id, _) in sources.iter() {
        match &parsed[id.0 as usize] {
            Parsed::Dockerfile(d) => ws.dockerfiles.push((id, d.clone())),
            Parsed::EnvFile(e) => ws.env_files.push((id, e.clone())),
            _ => {}
        }
    }
}

/// Boot-time evidence (SPEC §7): the CLI and config name services directly; logs and metric
/// dumps name a main class and sometimes the application, which are mapped here.
fn boot_evidence(ws: &mut Workspace, sources: &SourceSet, parsed: &[Parsed], options: &ModelOptions<'_>) {
    let names: Vec<&str> = ws.services.iter().map(|s| s.name.as_str()).collect();
    let suggest = |key: &str| match crate::suggest::did_you_mean(key, names.iter().copied()) {
        Some(n) => format!("did you mean `{n}`? Services are named by `spring.application.name` or their module directory"),
        None => format!(
            "name one of the services: {}",
            names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
        ),
    };
    let mut unmapped = Vec::new();
    for (key, secs) in options.boot_times {
        match ws.resolve_service(key) {
            Some(s) => ws.boot.push(Observation {
                service: s,
                seconds: *secs,
                evidence: Evidence::Cli(format!("--boot-time {key}={}", duration_text(*secs))),
            }),
            None => unmapped.push(Unmapped {
                span: None,
                what: format!("`--boot-time {key}={}`", duration_text(*secs)),
                reason: format!("no service is named `{key}`"),
                help: suggest(key),
                near: crate::suggest::did_you_mean(key, names.iter().copied()).and_then(|n| ws.service_by_name(n)),
            }),
        }
    }
    let config_file = options.config.path.as_deref().and_then(|p| sources.find(p));
    for (key, (sc, key_span)) in &options.config.services {
        let Some((secs, span)) = &sc.boot_time else { continue };
        match (ws.resolve_service(key), config_file) {
            (Some(s), f) => ws.boot.push(Observation {
                service: s,
                seconds: *secs,
                evidence: match f {
                    Some(f) => Evidence::Config(Span::new(f, span.clone())),
                    None => Evidence::Cli(format!("[services.{key}] boot-time")),
                },
            }),
            (None, f) => unmapped.push(Unmapped {
                span: f.map(|f| Span::new(f, key_span.clone())),
                what: format!("`[services.{key}] boot-time`"),
                reason: format!("no service is named `{key}`"),
                help: suggest(key),
                near: crate::suggest::did_you_mean(key, names.iter().copied()).and_then(|n| ws.service_by_name(n)),
            }),
        }
    }
    // Every main class with its service, from the module's sources (indexed: large monorepos
    // have thousands of services and log lines).
    let mut by_dir: std::collections::HashMap<&str, Vec<ServiceId>> = Default::default();
    for (si, s) in ws.services.iter_enumerated() {
        by_dir.entry(ws.modules[s.module].dir.as_str()).or_default().push(si);
    }
    let mut classes = ClassIndex::default();
    for (id, f) in sources.iter() {
        let (Parsed::Source(found, _), Some(dir)) = (&parsed[id.0 as usize], module_dir(&f.path)) else {
            continue;
        };
        for &si in by_dir.get(dir).into_iter().flatten() {
            for c in found {
                classes.by_fqn.entry(c.fqn.clone()).or_default().push(si);
                classes.by_short.entry(c.log_name.clone()).or_default().push(si);
            }
        }
    }
    for (si, s) in ws.services.iter_enumerated() {
        classes.by_name.entry(s.name.clone()).or_insert(si);
    }
    let mut seen_unmapped = std::collections::BTreeSet::new();
    for (id, file) in sources.iter() {
        // A file found by default (not named) whose line names no class of this repository is
        // another program's log: not worth a word. Named files always say why a line was unused.
        let found = matches!(file.kind, FileKind::BootLog { found: true } | FileKind::BootMetrics { found: true });
        match &parsed[id.0 as usize] {
            Parsed::BootLog(lines) => {
                // No boot takes a day: such a number is not a boot time (and would overflow
                // the threshold arithmetic).
                for l in lines.iter().filter(|l| l.seconds() <= 86_400.0) {
                    let span = Span::new(id, l.span.clone());
                    match map_main_class(ws, &classes, &l.class, None, l.app.as_deref()) {
                        Ok(s) => ws.boot.push(Observation {
                            service: s,
                            seconds: l.seconds(),
                            evidence: Evidence::Log {
                                span,
                                class: l.class.clone(),
                                phrase: l.phrase(),
                            },
                        }),
                        Err((_, _, true)) if found => {}
                        Err((reason, help, _)) => {
                            if seen_unmapped.insert((id, l.class.clone(), l.app.clone())) {
                                unmapped.push(Unmapped {
                                    span: Some(span),
                                    what: format!("boot log line `{} {}`", l.action, l.class),
                                    reason,
                                    help,
                                    near: None,
                                });
                            }
                        }
                    }
                }
            }
            Parsed::BootMetrics(samples) => {
                // `application.started.time` ≈ the `Started` line, what a liveness or startup
                // probe waits for (semantics §9.2); `ready` also waits for runners, so it is
                // used only for a class whose dump lacks `started`.
                for smp in samples.iter().filter(|s| s.seconds <= 86_400.0) {
                    let has_started = samples
                        .iter()
                        .any(|o| o.metric == crate::parse::bootmetrics::STARTED && o.class == smp.class);
                    if smp.metric == crate::parse::bootmetrics::READY && has_started {
                        continue;
                    }
                    let class = smp.class.clone().unwrap_or_default();
                    let short = class.rsplit('.').next().unwrap_or(&class).replace('$', ".");
                    let span = Span::new(id, smp.span.clone());
                    match map_main_class(ws, &classes, &short, Some(&class), smp.application.as_deref()) {
                        Ok(s) => ws.boot.push(Observation {
                            service: s,
                            seconds: smp.seconds,
                            evidence: Evidence::Metrics {
                                span,
                                metric: smp.metric,
                                class,
                            },
                        }),
                        Err((_, _, true)) if found => {}
                        Err((reason, help, _)) => {
                            if seen_unmapped.insert((id, class.clone(), smp.application.clone())) {
                                let what = if class.is_empty() {
                                    format!("`{}` sample", smp.metric)
                                } else {
                                    format!("`{}` of `{class}`", smp.metric)
                                };
                                unmapped.push(Unmapped {
                                    span: Some(span),
                                    what,
                                    reason,
                                    help,
                                    near: None,
                                });
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    ws.boot_unmapped = unmapped;
    ws.boot.sort_by_key(|o| o.service);
}

/// The service a logged main class belongs to: by the class (the fully-qualified name when a
/// metric gives one), else by the application name the line carries. `Err` = (reason, help,
/// whether the line names nothing of this repository).
/// Main classes by fully-qualified and logged name, and services by name.
#[derive(Default)]
struct ClassIndex {
    by_fqn: std::collections::HashMap<String, Vec<ServiceId>>,
    by_short: std::collections::HashMap<String, Vec<ServiceId>>,
    by_name: std::collections::HashMap<String, ServiceId>,
}

fn map_main_class(
    ws: &Workspace,
    classes: &ClassIndex,
    short: &str,
    fqn: Option<&str>,
    app: Option<&str>,
) -> Result<ServiceId, (String, String, bool)> {
    let mut by_class: Vec<ServiceId> = match fqn.and_then(|q| classes.by_fqn.get(q)) {
        Some(services) => services.clone(),
        None => classes.by_short.get(short).cloned().unwrap_or_default(),
    };
    by_class.sort_unstable();
    by_class.dedup();
    let by_app = app.and_then(|a| classes.by_name.get(a).copied());
    match (by_class.as_slice(), by_app) {
        ([one], _) => Ok(*one),
        (many, Some(a)) if many.is_empty() || many.contains(&a) => Ok(a),
        ([], _) => {
            let reason = match app {
                Some(a) => format!("no module declares a main class `{short}` and no service is named `{a}`"),
                None => format!("no module declares a main class `{short}` and the line names no application"),
            };
            Err((
                reason,
                "if it belongs to a service in this repository, check that the service's `@SpringBootApplication` class is under `src/main`; otherwise remove the file from `[probes] boot-logs`/`boot-metrics`".into(),
                true,
            ))
        }
        (many, _) => {
            let mut names: Vec<String> = many.iter().map(|s| format!("`{}`", ws.services[*s].name)).collect();
            let last = names.pop().unwrap_or_default();
            Err((
                format!(
                    "`{short}` is the main class of {} and {last}, and the line names no application that tells them apart",
                    names.join(", ")
                ),
                "set `spring.application.name` in each service (Boot 3.2+ then logs it on every line), or give each service its number: `--boot-time <service>=<duration>`".into(),
                false,
            ))
        }
    }
}
