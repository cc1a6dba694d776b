//! Which files are read, and as what. Classification is by path here; YAML/JSON documents are
//! further classified by content after parsing (a `kind:` makes a Kubernetes object, never the
//! file name).

use crate::file_kind::{classify, FileKind};
use crate::source::{decode, SourceFile, SourceSet};
use std::path::{Path, PathBuf};

/// Directories never worth reading (SPEC §4), beyond what `.gitignore` says.
pub const DEFAULT_EXCLUDES: &[&str] = &["build", "target", ".gradle", "node_modules", "out", ".git", ".idea"];

/// Largest file read; larger ones are reported, not loaded.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Largest version catalog read. Its TOML reader keeps spans of every item and needs about
/// 50 times the file's size; real catalogs are under 100 KB, so this bounds a hostile one
/// (200,000 entries) at a few tens of megabytes.
pub const MAX_CATALOG_BYTES: u64 = 1024 * 1024;

/// The size limit for a file of `kind`, and what the limit is called in a message.
fn size_limit(kind: FileKind) -> (u64, &'static str) {
    match kind {
        FileKind::VersionCatalog => (MAX_CATALOG_BYTES, " for a version catalog"),
        _ => (MAX_FILE_BYTES, ""),
    }
}

/// A file that was found but not loaded, and why.
#[derive(Clone, Debug)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

pub struct Discovered {
    pub files: Vec<(String, PathBuf, FileKind)>,
    pub skipped: Vec<Skipped>,
}

/// Where boot evidence is looked for: files the user named (read whatever they hold) and the
/// default places (read only when they hold a boot line or a boot metric, see `is_boot_evidence`).
#[derive(Default)]
pub struct BootEvidence {
    pub named: globset::GlobSet,
    pub found: globset::GlobSet,
}

/// Walks `root` honouring `.gitignore` (and `.ignore`), the default excludes and `exclude`
/// globs; files matching `boot` are read as boot logs.
pub fn discover(root: &Path, exclude: &globset::GlobSet, boot: &BootEvidence) -> Discovered {
    use std::sync::Mutex;
    // Parallel: at monorepo scale the walk is thousands of `readdir`s and `.gitignore` probes,
    // independent per directory. Each thread collects into its own lists; the result is sorted
    // into the order a sequential, name-sorted walk would give, so file ids are deterministic.
    let all = Mutex::new(Discovered {
        files: Vec::new(),
        skipped: Vec::new(),
    });
    // The root's ignore files are read before any entry is seen: when one is over the limit,
    // no ignore file is applied (the default excludes still are) and the run says so.
    let root_oversized = oversized_ignore_files(root);
    let apply_ignore_files = root_oversized.is_empty();
    // The walker also applies the ignore files of every directory above the root (so a
    // subdirectory of a repository is linted as git sees it). Those are bounded the same way:
    // when one is over the limit, none of them is applied.
    let above_oversized: Vec<(PathBuf, String)> = match root.canonicalize() {
        Ok(abs) => abs.ancestors().skip(1).flat_map(oversized_ignore_files).collect(),
        Err(_) => Vec::new(),
    };
    let apply_parents = above_oversized.is_empty();
    let oversized = std::sync::Arc::new(Mutex::new(root_oversized));
    let in_filter = std::sync::Arc::clone(&oversized);
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .parents(apply_ignore_files && apply_parents)
        .git_ignore(apply_ignore_files)
        .ignore(apply_ignore_files)
        .git_global(false)
        .git_exclude(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(move |e| {
            let name = e.file_name().to_string_lossy();
            let dir = e.depth() > 0 && e.file_type().is_some_and(|t| t.is_dir());
            if !dir || DEFAULT_EXCLUDES.contains(&name.as_ref()) {
                return !dir;
            }
            if !apply_ignore_files {
                return true;
            }
            // A directory whose ignore file is over the limit is not entered: what it would
            // exclude is unknown.
            let over = oversized_ignore_files(e.path());
            let enter = over.is_empty();
            if !enter {
                in_filter.lock().unwrap_or_else(|e| e.into_inner()).extend(over);
            }
            enter
        })
        .build_parallel();
    walker.run(|| {
        let mut local = Collector {
            out: Discovered {
                files: Vec::new(),
                skipped: Vec::new(),
            },
            all: &all,
        };
        Box::new(move |entry| {
            local.visit(entry, root, exclude, boot);
            ignore::WalkState::Continue
        })
    });
    let mut found = all.into_inner().unwrap_or_else(|e| e.into_inner());
    let oversized = std::mem::take(&mut *oversized.lock().unwrap_or_else(|e| e.into_inner()));
    for (path, limit) in oversized {
        let consequence = if apply_ignore_files {
            format!(
                "the directory `{}` was not analysed",
                path.parent().map_or(".".into(), |d| rel_path(d, root))
            )
        } else {
            "no .gitignore or .ignore file was applied, so files they exclude may have been analysed".into()
        };
        found.skipped.push(Skipped {
            path: rel_path(&path, root),
            reason: format!("{limit}; {consequence}"),
        });
    }
    let abs_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    for (path, limit) in above_oversized {
        found.skipped.push(Skipped {
            path: path_above(&path, &abs_root),
            reason: format!(
                "{limit}; no .gitignore or .ignore file above the linted directory was applied, so files they exclude may have been analysed"
            ),
        });
    }
    found.files.sort_by_cached_key(|f| walk_key(&f.0));
    found.skipped.sort_by_cached_key(|s| walk_key(&s.path));
    found
}

/// `path`, a file in a directory above `root`, named relative to `root` (`../../.gitignore`).
fn path_above(path: &Path, root: &Path) -> String {
    let dir = path.parent().unwrap_or(path);
    let up = root.ancestors().take_while(|a| *a != dir).count();
    let name = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let mut rel = "../".repeat(up);
    rel.push_str(&name);
    rel
}

/// Most patterns in one `.gitignore` or `.ignore` file. Each compiled glob costs the walker
/// several kilobytes (200,000 took 2.5 GB); real files have a few hundred lines.
pub const MAX_IGNORE_PATTERNS: usize = 5_000;

/// The ignore files of `dir` the walker would read that are over a limit (more than
/// `MAX_IGNORE_PATTERNS` patterns, or more than `MAX_FILE_BYTES`), with which limit.
fn oversized_ignore_files(dir: &Path) -> Vec<(PathBuf, String)> {
    use std::io::{BufRead, BufReader, Read};
    let mut out = Vec::new();
    for name in [".gitignore", ".ignore"] {
        let path = dir.join(name);
        // A pattern takes at least two bytes with its line break: a smaller file cannot be
        // over the limit, and most directories have no ignore file at all.
        let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
        if !meta.is_file() || meta.len() < 2 * MAX_IGNORE_PATTERNS as u64 {
            continue;
        }
        if meta.len() > MAX_FILE_BYTES {
            let limit = format!("{} bytes, larger than the {} MiB limit", meta.len(), MAX_FILE_BYTES / 1024 / 1024);
            out.push((path, limit));
            continue;
        }
        let Ok(file) = std::fs::File::open(&path) else { continue };
        let mut patterns = 0;
        let mut line = Vec::new();
        let mut reader = BufReader::new(file.take(MAX_FILE_BYTES));
        while patterns <= MAX_IGNORE_PATTERNS {
            line.clear();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            let text = line.trim_ascii();
            if !text.is_empty() && !text.starts_with(b"#") {
                patterns += 1;
            }
        }
        if patterns > MAX_IGNORE_PATTERNS {
            out.push((path, format!("more than {MAX_IGNORE_PATTERNS} patterns, over the limit")));
        }
    }
    out
}

/// Depth-first, names sorted within each directory, is component-wise order; with `/` mapped
/// to the lowest byte (never in a name), a plain byte comparison of the keys gives it.
fn walk_key(path: &str) -> Vec<u8> {
    path.bytes().map(|b| if b == b'/' { 0 } else { b }).collect()
}

/// One walker thread's findings, handed over when the thread's visitor is dropped.
struct Collector<'a> {
    out: Discovered,
    all: &'a std::sync::Mutex<Discovered>,
}

impl Collector<'_> {
    fn visit(&mut self, entry: Result<ignore::DirEntry, ignore::Error>, root: &Path, exclude: &globset::GlobSet, boot: &BootEvidence) {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                self.out.skipped.push(Skipped {
                    path: err_path(&err, root),
                    reason: format!("not readable: {err}"),
                });
                return;
            }
        };
        let Some(ft) = entry.file_type() else { return };
        if !ft.is_file() {
            if ft.is_symlink() {
                // Symlinks are not followed: they could lead out of the root or loop.
                self.out.skipped.push(Skipped {
                    path: rel_path(entry.path(), root),
                    reason: "symbolic link, not followed".into(),
                });
            }
            return;
        }
        let rel = rel_path(entry.path(), root);
        if exclude.is_match(&rel) {
            return;
        }
        let mut kind = classify(&rel);
        if boot.named.is_match(&rel) {
            kind = FileKind::BootLog { found: false };
        } else if kind == FileKind::Other && boot.found.is_match(&rel) {
            kind = FileKind::BootLog { found: true };
        }
        // Alloy configurations are only recognised (`classify`), never parsed.
        if kind == FileKind::Other && !rel.ends_with(".alloy") {
            return;
        }
        self.out.files.push((rel, entry.into_path(), kind));
    }
}

impl Drop for Collector<'_> {
    fn drop(&mut self) {
        let mut all = self.all.lock().unwrap_or_else(|e| e.into_inner());
        all.files.append(&mut self.out.files);
        all.skipped.append(&mut self.out.skipped);
    }
}

fn err_path(err: &ignore::Error, root: &Path) -> String {
    match err {
        ignore::Error::WithPath { path, .. } => rel_path(path, root),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => err_path(err, root),
        _ => ".".into(),
    }
}

pub fn rel_path(path: &Path, root: &Path) -> String {
    let stripped = path.strip_prefix(root);
    let rel = stripped.as_ref().map_or(path, |r| *r);
    if std::path::MAIN_SEPARATOR == '/' && stripped.is_ok() {
        // One conversion per file, not one string per component (this runs for every file);
        // anything a component walk would normalise takes the general path below.
        let s = rel.to_string_lossy();
        let clean = !(s.starts_with('/') || s.starts_with("./") || s.ends_with('/') || s.contains("//") || s.contains("/./"));
        if clean && s != "." {
            return s.into_owned();
        }
    }
    let s: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    s.join("/")
}

/// Reads discovered files into a `SourceSet` (in parallel: it is all independent I/O). A file
/// that was found but cannot be loaded is still in the set, empty, with the reason
/// (`SourceFile::unread`), so every report names it; a symbolic link is only noted when its
/// name is one that would have been read.
pub fn load(root: &Path, found: Discovered) -> (SourceSet, Vec<Skipped>) {
    use rayon::prelude::*;
    let Discovered { files, skipped } = found;
    let dir = Beneath::root(root);
    let read: Vec<SourceFile> = files
        .into_par_iter()
        .map(|(rel, abs, kind)| {
            let inside = abs.strip_prefix(root).unwrap_or(&abs);
            let opened = match &dir {
                Ok(d) => d.open(inside),
                Err(e) => Err(std::io::Error::new(e.kind(), e.to_string())),
            };
            if kind == FileKind::StaticResource {
                // Only its path matters (what the resource handler serves): never opened.
                let mut f = SourceFile::new(rel, String::new());
                f.kind = kind;
                return Some(f);
            }
            let found = matches!(kind, FileKind::BootLog { found: true } | FileKind::BootMetrics { found: true });
            match read_one(&rel, opened, kind) {
                Ok(f) if found && !is_boot_evidence(&f.text) => None,
                Ok(f) => Some(f),
                // Not named by anyone and not readable: nothing to report.
                Err(_) if found => None,
                Err(reason) => Some(SourceFile::unread(rel, reason)),
            }
        })
        .flatten()
        .collect();
    let mut set = SourceSet::new();
    for file in read {
        set.add(file);
    }
    let mut notes = Vec::new();
    for s in skipped {
        let link = s.reason.starts_with("symbolic link");
        if !link || classify(&s.path) != FileKind::Other {
            set.add(SourceFile::unread(s.path.clone(), s.reason.clone()));
        }
        notes.push(s);
    }
    (set, notes)
}

/// Whether a file found by default (not named) is boot evidence: it holds Spring Boot's
/// `Started … in N seconds` line or a boot metric. Anything else under `*.log` is left unread,
/// so that logs of other programs never reach the report.
pub fn is_boot_evidence(text: &str) -> bool {
    let has = |pat: &str| memchr::memmem::find(text.as_bytes(), pat.as_bytes()).is_some();
    (has(" seconds") && (has("Started ") || has("Restored ")))
        || has("application_started_time_seconds")
        || has("application_ready_time_seconds")
}

/// Words a Java or Kotlin source must contain to be read: a main class, a request mapping or
/// route, a servlet, a string that may be a path (`parse::jvm::web`), or Spring Security
/// configuration (`parse::jvm::security`).
const JVM_KEEP: &[&[u8]] = &[
    b"SpringBootApplication",
    b"SpringApplication",
    b"runApplication",
    b"Mapping",
    b"Exchange",
    b"Controller",
    b"Router",
    b"router",
    b"Servlet",
    b"ws.rs",
    b"\"/",
    b"health\"",
    b"Security",
];

fn read_one(rel: &str, opened: std::io::Result<std::fs::File>, kind: FileKind) -> Result<SourceFile, String> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| {
        if is_link_error(&e) {
            "a symbolic link now stands where the walk found a file; not followed".to_string()
        } else {
            format!("not readable: {e}")
        }
    };
    let file = opened.map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    let (limit, limit_of) = size_limit(kind);
    if meta.len() > limit {
        return Err(format!(
            "{} bytes, larger than the {} MiB limit{limit_of}",
            meta.len(),
            limit / 1024 / 1024
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The file may grow between `metadata` and the read: never past the limit.
    file.take(limit + 1).read_to_end(&mut bytes).map_err(unreadable)?;
    if bytes.len() as u64 > limit {
        return Err(format!("larger than the {} MiB limit{limit_of}", limit / 1024 / 1024));
    }
    let mentions = |pat: &[u8]| memchr::memmem::find(&bytes, pat).is_some();
    let other_language = !(rel.ends_with(".java") || rel.ends_with(".kt"));
    if kind == FileKind::JvmSource && (other_language || !JVM_KEEP.iter().any(|k| mentions(k))) {
        // Only main classes (and the `main` that starts Spring) and what may serve a path
        // (request mappings, routes, path literals) matter; keep memory proportional to what
        // is analysed.
        return Ok(SourceFile::new(rel, String::new()));
    }
    let latin1 = rel.ends_with(".properties");
    let Some((text, enc, bom)) = decode(&bytes, latin1) else {
        return Err("not valid UTF-8 text".into());
    };
    if text.contains('\0') {
        return Err("binary content".into());
    }
    let mut f = SourceFile::new(rel, text);
    f.encoding = enc;
    f.had_bom = bom;
    f.kind = kind;
    Ok(f)
}

/// The lint root, opened once; files found by the walk are opened relative to it without
/// following a symbolic link anywhere on the way, so a file swapped for a link between the walk
/// and the read (or a directory swapped for one) is never read from outside the root.
pub struct Beneath {
    #[cfg(unix)]
    dir: std::os::fd::OwnedFd,
    #[cfg(not(unix))]
    dir: PathBuf,
}

impl Beneath {
    pub fn root(root: &Path) -> std::io::Result<Beneath> {
        #[cfg(unix)]
        {
            use rustix::fs::{open, Mode, OFlags};
            let dir = open(root, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())?;
            Ok(Beneath { dir })
        }
        #[cfg(not(unix))]
        Ok(Beneath { dir: root.to_path_buf() })
    }

    /// Opens `rel` (relative, made of plain names) for reading.
    pub fn open(&self, rel: &Path) -> std::io::Result<std::fs::File> {
        use std::path::Component;
        let names: Vec<&std::ffi::OsStr> = rel
            .components()
            .map(|c| match c {
                Component::Normal(n) => Ok(n),
                _ => Err(std::io::Error::other("not a path beneath the lint root")),
            })
            .collect::<Result<_, _>>()?;
        if names.is_empty() {
            return Err(std::io::Error::other("not a file beneath the lint root"));
        }
        #[cfg(unix)]
        {
            use rustix::fs::{openat, Mode, OFlags};
            use std::os::fd::AsFd;
            // Non-blocking: a FIFO swapped in after the walk must not hang the run (the file
            // type is checked after opening); it changes nothing for regular files.
            let file_flags = OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOFOLLOW | OFlags::NOCTTY | OFlags::NONBLOCK;
            #[cfg(any(target_os = "linux", target_os = "android"))]
            {
                use rustix::fs::{openat2, ResolveFlags};
                let how = ResolveFlags::BENEATH | ResolveFlags::NO_SYMLINKS | ResolveFlags::NO_MAGICLINKS;
                match openat2(self.dir.as_fd(), rel, file_flags, Mode::empty(), how) {
                    Ok(fd) => return Ok(fd.into()),
                    // Kernels before 5.6, or a seccomp filter that refuses openat2: walk below.
                    Err(e) if e == rustix::io::Errno::NOSYS || e == rustix::io::Errno::PERM => {}
                    Err(e) => return Err(e.into()),
                }
            }
            let mut dir: Option<std::os::fd::OwnedFd> = None;
            for (i, name) in names.iter().enumerate() {
                let base = dir.as_ref().map_or(self.dir.as_fd(), |d| d.as_fd());
                if i + 1 == names.len() {
                    return Ok(openat(base, *name, file_flags, Mode::empty())?.into());
                }
                let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::NOFOLLOW;
                dir = Some(openat(base, *name, flags, Mode::empty())?);
            }
            unreachable!("names is not empty")
        }
        #[cfg(not(unix))]
        {
            let path = self.dir.join(rel);
            if std::fs::symlink_metadata(&path)?.file_type().is_symlink() {
                return Err(std::io::Error::other("a symbolic link; not followed"));
            }
            std::fs::File::open(path)
        }
    }
}

/// ELOOP (a link where `NOFOLLOW` forbids one) or ENOTDIR from a directory that became a link.
fn is_link_error(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        let code = e.raw_os_error();
        code == Some(rustix::io::Errno::LOOP.raw_os_error()) || code == Some(rustix::io::Errno::XDEV.raw_os_error())
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::{rel_path, walk_key};
    use std::path::Path;

    #[test]
    fn relative_paths_are_slash_separated_and_normalised() {
        assert_eq!(rel_path(Path::new("repo/a/b.yaml"), Path::new("repo")), "a/b.yaml");
        assert_eq!(rel_path(Path::new("./a/b.yaml"), Path::new(".")), "a/b.yaml");
        assert_eq!(rel_path(Path::new("repo/a//b.yaml"), Path::new("repo/")), "a/b.yaml");
        assert_eq!(rel_path(Path::new("repo/a/./b.yaml"), Path::new("repo")), "a/b.yaml");
        assert_eq!(rel_path(Path::new("repo"), Path::new("repo")), "");
    }

    /// Issue 18, defect 10: a file or directory swapped for a symbolic link after the walk
    /// is never read through the link.
    #[cfg(unix)]
    #[test]
    fn files_are_opened_beneath_the_root_without_following_links() {
        use super::Beneath;
        let dir = std::env::temp_dir().join(format!("actuator-lint-beneath-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("root/k8s")).unwrap();
        std::fs::create_dir_all(dir.join("outside")).unwrap();
        std::fs::write(dir.join("outside/secret.yaml"), "secret: 1\n").unwrap();
        std::fs::write(dir.join("root/k8s/in.yaml"), "a: 1\n").unwrap();
        std::os::unix::fs::symlink(dir.join("outside/secret.yaml"), dir.join("root/k8s/link.yaml")).unwrap();
        std::os::unix::fs::symlink(dir.join("outside"), dir.join("root/up")).unwrap();
        let b = Beneath::root(&dir.join("root")).unwrap();
        assert!(b.open(Path::new("k8s/in.yaml")).is_ok());
        for rel in ["k8s/link.yaml", "up/secret.yaml", "../outside/secret.yaml", "/etc/passwd"] {
            let e = b.open(Path::new(rel)).expect_err(rel);
            assert!(!e.to_string().is_empty());
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn parallel_results_sort_into_sequential_walk_order() {
        // A directory's contents come where its name sorts among its siblings: `a/x` (inside
        // `a`) before the sibling file `a-b`, although `-` sorts before `/` as a byte.
        let mut paths = vec!["a-b", "b", "a/x", "a/c/d", "a.yaml"];
        paths.sort_by_key(|p| walk_key(p));
        assert_eq!(paths, ["a/c/d", "a/x", "a-b", "a.yaml", "b"]);
    }
}
