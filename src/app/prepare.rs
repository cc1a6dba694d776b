//! Reading a repository and its configuration into sources and options.

use super::{fail, USAGE};
use crate::cli::CommonArgs;
use crate::config::{self, Config, ConfigError};
use crate::diagnostic::Severity;
use crate::maven_repo::MavenRepo;
use crate::render::{self, RenderOptions};
use crate::source::{decode, SourceFile, SourceSet};
use crate::{discover, file_kind::FileKind};
use crate::{rules, Options};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

fn parse_boot_times(values: &[String]) -> Result<Vec<(String, f64)>, String> {
    values
        .iter()
        .map(|v| {
            let (svc, dur) = v
                .split_once('=')
                .ok_or_else(|| format!("--boot-time `{v}`: expected SERVICE=DURATION, e.g. `order-service=161s`"))?;
            let secs = crate::duration::parse_duration(dur)
                .ok_or_else(|| format!("--boot-time `{v}`: `{dur}` is not a duration (e.g. `161s`, `2m41s`, `161.4`)"))?;
            Ok((svc.trim().to_string(), secs))
        })
        .collect()
}

/// Renders configuration errors against the config file, like any diagnostic.
fn report_config_errors(path: &str, text: &str, errors: &[ConfigError]) {
    let mut set = SourceSet::new();
    let id = set.add(SourceFile::new(path, text.to_string()));
    let color = super::terminal::color(crate::cli::ColorWhen::Auto, std::io::stderr().is_terminal());
    for e in errors {
        let mut d = crate::diagnostic::Diagnostic::new(
            "config",
            Severity::Error,
            e.message.clone(),
            crate::diagnostic::Label::new(crate::source::Span::new(id, e.span.clone()), ""),
        );
        d.help = e.help.clone();
        let s = render::human::render_one(
            &set,
            &d,
            &RenderOptions {
                color,
                width: 100,
                links: false,
            },
            "",
        );
        eprint!("{s}");
    }
}

pub struct Prepared {
    pub root: PathBuf,
    pub sources: SourceSet,
    pub options: Options,
    /// What the walk found but did not load (the report names each such file that matters).
    pub skipped: Vec<discover::Skipped>,
}

/// Reads the config and the repository under `root`; errors are already reported.
pub fn prepare(root: &Path, common: &CommonArgs) -> Result<Prepared, u8> {
    prepare_with(root, common, None, &[])
}

/// `prepare`, or with `given` instead of the config file found at the root (`init`).
/// `skip` are files of ours (baselines) that are not part of the repository being linted.
pub(super) fn prepare_with(root: &Path, common: &CommonArgs, given: Option<Config>, skip: &[&Path]) -> Result<Prepared, u8> {
    let read_config = given.is_none();
    if !root.is_dir() {
        return Err(fail(format!("`{}` is not a directory; pass the repository root", root.display())));
    }
    let boot_times = parse_boot_times(&common.boot_time).map_err(fail)?;
    let config_path = match &common.config {
        Some(p) => Some(p.clone()),
        None if !read_config => None,
        None => ["actuator-lint.toml", ".actuator-lint.toml"]
            .iter()
            .map(|n| root.join(n))
            .find(|p| p.is_file()),
    };
    let mut config = given.unwrap_or_default();
    if let Some(p) = &config_path {
        let text = std::fs::read_to_string(p).map_err(|e| fail(format!("cannot read `{}`: {e}", p.display())))?;
        let shown = discover::rel_path(p, root);
        match config::parse(&text, &shown, &rules::names()) {
            Ok(c) => config = c,
            Err(errors) => {
                report_config_errors(&shown, &text, &errors);
                return Err(USAGE);
            }
        }
    }
    let globs = |patterns: &[String], what: &str| -> Result<globset::GlobSet, u8> {
        let mut b = globset::GlobSetBuilder::new();
        for p in patterns {
            let g = globset::GlobBuilder::new(p)
                .literal_separator(false)
                .build()
                .map_err(|e| fail(format!("{what}: invalid pattern `{p}`: {e}")))?;
            b.add(g);
        }
        b.build().map_err(|e| fail(format!("{what}: {e}")))
    };
    let maven_repo = maven_repo(root, common, &config, config_path.as_deref())?;
    // A local Maven repository inside the root holds other projects' POMs, not modules of this one.
    let repo_inside = maven_repo.as_ref().and_then(|r| {
        let (dir, root) = (std::fs::canonicalize(&r.dir).ok()?, std::fs::canonicalize(root).ok()?);
        let rel = dir.strip_prefix(&root).ok()?;
        (!rel.as_os_str().is_empty()).then(|| globset::escape(&discover::rel_path(rel, Path::new(""))))
    });
    // `legacy` and `legacy/` exclude the directory's contents too, as in .gitignore.
    let exclude_patterns: Vec<String> = config
        .exclude
        .iter()
        .flat_map(|p| {
            let dir = p.trim_end_matches('/');
            let mut v = vec![dir.to_string()];
            if !dir.ends_with("**") {
                v.push(format!("{dir}/**"));
            }
            v
        })
        .chain(repo_inside.iter().flat_map(|d| [d.clone(), format!("{d}/**")]))
        .chain(
            skip.iter()
                .map(|p| globset::escape(&discover::rel_path(&absolute(p), &absolute(root)))),
        )
        .collect();
    let exclude = globs(&exclude_patterns, "[discovery] exclude")?;
    // An unset key looks in the default places, reading only files that hold boot evidence;
    // a set one reads exactly what it names (`[]`: nothing).
    let (logs, metrics) = (config.boot_log_globs(), config.boot_metric_globs());
    let evidence = discover::BootEvidence {
        named: globs(
            &[&config.boot_logs, &config.boot_metrics]
                .into_iter()
                .flatten()
                .flatten()
                .cloned()
                .collect::<Vec<_>>(),
            "[probes]",
        )?,
        found: globs(
            &[(&config.boot_logs, &logs), (&config.boot_metrics, &metrics)]
                .into_iter()
                .filter(|(set, _)| set.is_none())
                .flat_map(|(_, defaults)| defaults.iter().cloned())
                .collect::<Vec<_>>(),
            "[probes]",
        )?,
    };
    let logs = globs(&logs, "[probes] boot-logs")?;
    let metrics = globs(&metrics, "[probes] boot-metrics")?;
    let mut found = crate::timed("discover", || discover::discover(root, &exclude, &evidence));
    for (rel, _, kind) in &mut found.files {
        if let FileKind::BootLog { found } = *kind {
            if metrics.is_match(rel.as_str()) && !logs.is_match(rel.as_str()) {
                *kind = FileKind::BootMetrics { found };
            }
        }
    }
    let (mut sources, skipped) = crate::timed("load", || discover::load(root, found));
    for log in &common.boot_log {
        let bytes = read_capped(log).map_err(|e| {
            fail(format!(
                "--boot-log `{}`: {e}; pass only the lines that matter (e.g. `grep -E 'Started|Starting|profile' app.log > boot.log`)",
                log.display()
            ))
        })?;
        let Some((text, _, _)) = decode(&bytes, true) else { continue };
        let mut f = SourceFile::new(log.to_string_lossy().replace('\\', "/"), text);
        f.kind = FileKind::BootLog { found: false };
        sources.add(f);
    }
    add_manifests(&mut sources, root, &common.manifests, &config.manifests)?;
    // The config file is a source too, so evidence can point into it.
    if let Some(p) = &config_path {
        if !p.starts_with(root) || sources.find(&discover::rel_path(p, root)).is_none() {
            if let Ok(text) = std::fs::read_to_string(p) {
                let mut f = SourceFile::new(discover::rel_path(p, root), text);
                f.kind = FileKind::LintConfig;
                sources.add(f);
            }
        }
    }
    let options = Options {
        maven_repo,
        config,
        boot_times,
        profiles: common.profile.clone(),
        select: None,
        ignore: vec![],
        limits: Default::default(),
    };
    Ok(Prepared {
        root: root.to_path_buf(),
        sources,
        options,
        skipped,
    })
}

/// `--maven-repo PATH` (relative to the working directory), else `[build] maven-repo`
/// (relative to the config file's directory, as a path in a file is to that file). Messages
/// name it as given: the flag as typed, the key joined to the config file's repository path.
fn maven_repo(root: &Path, common: &CommonArgs, config: &Config, config_path: Option<&Path>) -> Result<Option<MavenRepo>, u8> {
    let (dir, shown, what) = match (&common.maven_repo, &config.maven_repo) {
        (Some(p), _) => (p.clone(), p.to_string_lossy().replace('\\', "/"), "--maven-repo".to_string()),
        (None, Some((p, _))) => {
            let shown_base = config.path.as_deref().map_or("", crate::model::build::parent_dir);
            // The server reads the config from the editor's buffer: no path, but its repository one.
            let base = config_path
                .and_then(Path::parent)
                .map_or_else(|| root.join(shown_base), Path::to_path_buf);
            let shown = if Path::new(p).is_absolute() || shown_base.is_empty() {
                p.clone()
            } else {
                format!("{shown_base}/{p}")
            };
            (
                base.join(p),
                shown,
                format!("[build] maven-repo in `{}`", config.path.as_deref().unwrap_or("the config")),
            )
        }
        (None, None) => return Ok(None),
    };
    if !dir.is_dir() {
        return Err(fail(format!("{what}: `{shown}` is not a directory")));
    }
    Ok(Some(MavenRepo::new(dir, shown)))
}

/// All of `from`, or an error when it holds more than `discover::MAX_FILE_BYTES`: an input named
/// on the command line is read whole or not at all, never cut short without a word.
fn capped(from: impl std::io::Read) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut buf = Vec::new();
    from.take(discover::MAX_FILE_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| e.to_string())?;
    if buf.len() as u64 > discover::MAX_FILE_BYTES {
        return Err(format!(
            "larger than the {} MiB limit, not read",
            discover::MAX_FILE_BYTES / 1024 / 1024
        ));
    }
    Ok(buf)
}

fn read_capped(path: &Path) -> Result<Vec<u8>, String> {
    capped(std::fs::File::open(path).map_err(|e| e.to_string())?)
}

/// `--manifests FILE|-` and `[discovery] manifests`: rendered output (Helm, kustomize) read as
/// Kubernetes YAML. Stdin is read once and shown as `<stdin>`; a file inside the root keeps
/// its repository path, one outside it the path as given.
fn add_manifests(sources: &mut SourceSet, root: &Path, args: &[String], globs: &[String]) -> Result<(), u8> {
    use std::sync::OnceLock;
    static STDIN: OnceLock<Result<String, String>> = OnceLock::new();
    for a in args {
        let (shown, text) = if a == "-" {
            let read = STDIN.get_or_init(|| {
                let buf = capped(std::io::stdin().lock())?;
                decode(&buf, false)
                    .map(|(t, _, _)| t)
                    .ok_or_else(|| "stdin is not UTF-8 text".to_string())
            });
            match read {
                Ok(t) => ("<stdin>".to_string(), t.clone()),
                Err(e) => return Err(fail(format!("--manifests -: {e}"))),
            }
        } else {
            let path = Path::new(a);
            let rel = std::fs::canonicalize(path)
                .ok()
                .zip(std::fs::canonicalize(root).ok())
                .and_then(|(p, r)| p.strip_prefix(&r).ok().map(|x| discover::rel_path(x, Path::new(""))));
            if let Some(id) = rel.as_deref().and_then(|r| sources.find(r)) {
                sources.set_kind(id, FileKind::Manifests);
                continue;
            }
            let bytes = read_capped(path).map_err(|e| fail(format!("--manifests `{a}`: {e}")))?;
            let Some((text, _, _)) = decode(&bytes, false) else {
                return Err(fail(format!("--manifests `{a}`: not UTF-8 text")));
            };
            (rel.unwrap_or_else(|| a.replace('\\', "/")), text)
        };
        let mut f = SourceFile::new(shown, text);
        f.kind = FileKind::Manifests;
        sources.add(f);
    }
    if !globs.is_empty() {
        let mut b = globset::GlobSetBuilder::new();
        for g in globs {
            b.add(globset::Glob::new(g).map_err(|e| fail(format!("[discovery] manifests: invalid pattern `{g}`: {e}")))?);
        }
        let set = b.build().map_err(|e| fail(format!("[discovery] manifests: {e}")))?;
        let ids: Vec<_> = sources
            .iter()
            .filter(|(_, f)| matches!(f.kind, FileKind::Yaml | FileKind::Json) && set.is_match(&f.path))
            .map(|(id, _)| id)
            .collect();
        for id in ids {
            sources.set_kind(id, FileKind::Manifests);
        }
    }
    Ok(())
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}
