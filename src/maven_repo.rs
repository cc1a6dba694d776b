//! A local Maven repository (`--maven-repo PATH`, `[build] maven-repo`), read only when the user
//! names one: the POMs of the artifacts the project's dependencies reach, and nothing else.
//!
//! Never implicit: reading `~/.m2` silently would make the same repository lint differently on
//! two machines. Never online: the linter does not run Maven or download anything; an artifact
//! whose POM is not in the named directory stays unknown.
//!
//! The layout is Maven's (`groupId` dots become directories):
//! `PATH/<group/as/dirs>/<artifactId>/<version>/<artifactId>-<version>.pom`
//! (Maven, "Introduction to Repositories" and the local repository layout of
//! `maven-resolver`'s `SimpleLocalRepositoryManager`).
//!
//! Which POMs are wanted is decided by the model (it resolves versions, parents and BOMs); the
//! driver asks this store to read them between model passes, so nothing after loading touches
//! the file system and every read is bounded.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// A POM larger than this is not read (a real one is a few to a few hundred KiB).
pub const MAX_POM_BYTES: u64 = 2 * 1024 * 1024;
/// Most POMs read in one run; past it, what is still wanted stays unknown.
pub const MAX_POMS: usize = 5_000;

/// `groupId`, `artifactId`, `version`.
pub type Gav = (String, String, String);

/// The directory the user named.
#[derive(Clone, Debug)]
pub struct MavenRepo {
    pub dir: PathBuf,
    /// How messages name it: as the user wrote it (the flag as typed; the config key's value
    /// joined to the config file's directory).
    pub shown: String,
    /// What was read, kept for the process: a re-lint (`--watch`, the language server) reads
    /// only coordinates it has not read before.
    read: Arc<Mutex<BTreeMap<Gav, Result<String, String>>>>,
}

impl PartialEq for MavenRepo {
    fn eq(&self, other: &Self) -> bool {
        self.dir == other.dir && self.shown == other.shown
    }
}

impl MavenRepo {
    pub fn new(dir: PathBuf, shown: String) -> MavenRepo {
        MavenRepo {
            dir,
            shown,
            read: Arc::default(),
        }
    }

    fn read(&self, gav: &Gav) -> Result<String, String> {
        if let Some(r) = self.read.lock().ok().and_then(|m| m.get(gav).cloned()) {
            return r;
        }
        let r = read_one(self, gav);
        if let Ok(mut m) = self.read.lock() {
            m.insert(gav.clone(), r.clone());
        }
        r
    }
}

/// The POMs read from a local repository: each wanted coordinate with its text, or why there
/// is none.
#[derive(Clone, Debug, Default)]
pub struct LocalPoms {
    pub shown: String,
    pub poms: BTreeMap<Gav, Result<String, String>>,
    /// `MAX_POMS` was reached: wanted coordinates not in `poms` were not read.
    pub full: bool,
}

/// One path segment of a coordinate: a plain name, so a coordinate never names a file outside
/// the repository.
fn plain(s: &str) -> bool {
    !s.is_empty() && s != "." && s != ".." && !s.contains(['/', '\\', '\0', '$', '{', '}']) && !s.contains(':')
}

/// The repository-relative path of `g:a:v`'s POM, when the coordinate is one.
pub fn pom_path(group: &str, artifact: &str, version: &str) -> Option<PathBuf> {
    if !group.split('.').all(plain) || !plain(artifact) || !plain(version) {
        return None;
    }
    let mut p: PathBuf = group.split('.').collect();
    p.push(artifact);
    p.push(version);
    p.push(format!("{artifact}-{version}.pom"));
    Some(p)
}

impl LocalPoms {
    pub fn new(shown: &str) -> LocalPoms {
        LocalPoms {
            shown: shown.to_string(),
            ..LocalPoms::default()
        }
    }

    /// Whether `g:a:v` was asked for already (read, missing or refused).
    pub fn has(&self, gav: &Gav) -> bool {
        self.poms.contains_key(gav)
    }

    /// Reads the wanted POMs that were not read yet, up to `MAX_POMS` in all.
    pub fn read(&mut self, repo: &MavenRepo, wanted: impl IntoIterator<Item = Gav>) {
        for gav in wanted {
            if self.has(&gav) {
                continue;
            }
            if self.poms.len() >= MAX_POMS {
                self.full = true;
                return;
            }
            let text = repo.read(&gav);
            self.poms.insert(gav, text);
        }
    }

    /// An in-memory store (tests, the fuzzer).
    pub fn from_texts(shown: &str, texts: impl IntoIterator<Item = (Gav, String)>) -> LocalPoms {
        LocalPoms {
            shown: shown.to_string(),
            poms: texts.into_iter().map(|(g, t)| (g, Ok(t))).collect(),
            full: false,
        }
    }
}

fn read_one(repo: &MavenRepo, (g, a, v): &Gav) -> Result<String, String> {
    use std::io::Read;
    let Some(rel) = pom_path(g, a, v) else {
        return Err(format!("`{g}:{a}:{v}` is not a coordinate that names a file"));
    };
    let path = repo.dir.join(&rel);
    let shown = format!("{}/{}", repo.shown.trim_end_matches('/'), rel.to_string_lossy().replace('\\', "/"));
    match std::fs::metadata(&path) {
        Ok(m) if m.is_file() => {}
        Ok(_) => return Err(format!("`{shown}` is not a file")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(format!("`{shown}` does not exist")),
        Err(e) => return Err(format!("`{shown}` cannot be read: {e}")),
    }
    let mut open = std::fs::OpenOptions::new();
    open.read(true);
    // Non-blocking: a FIFO swapped in after the check must not hang the run.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut open, rustix::fs::OFlags::NONBLOCK.bits() as i32);
    let file = open.open(&path).map_err(|e| format!("`{shown}` cannot be read: {e}"))?;
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Err(format!("`{shown}` is not a file"));
    }
    let mut buf = Vec::new();
    file.take(MAX_POM_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| format!("`{shown}` cannot be read: {e}"))?;
    if buf.len() as u64 > MAX_POM_BYTES {
        return Err(format!("`{shown}` is larger than {} MiB; not read", MAX_POM_BYTES / 1024 / 1024));
    }
    crate::source::decode(&buf, true)
        .map(|(t, _, _)| t)
        .ok_or_else(|| format!("`{shown}` is not text"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_name_files_beneath_the_repository_only() {
        assert_eq!(
            pom_path("com.acme", "acme-starter", "1.0.0"),
            Some(PathBuf::from("com/acme/acme-starter/1.0.0/acme-starter-1.0.0.pom"))
        );
        assert_eq!(pom_path("com..acme", "x", "1"), None);
        assert_eq!(pom_path("com.acme", "../x", "1"), None);
        assert_eq!(pom_path("com.acme", "x", "${v}"), None);
        assert_eq!(pom_path("com.acme", "x", ""), None);
    }

    #[test]
    fn reads_what_is_there_and_says_what_is_not() {
        let dir = std::env::temp_dir().join(format!("actuator-lint-m2-{}", std::process::id()));
        let pom = dir.join("com/acme/a/1/a-1.pom");
        std::fs::create_dir_all(pom.parent().unwrap()).unwrap();
        std::fs::write(&pom, "<project/>").unwrap();
        let repo = MavenRepo::new(dir.clone(), "m2".into());
        let mut store = LocalPoms::new("m2");
        let a: Gav = ("com.acme".into(), "a".into(), "1".into());
        let b: Gav = ("com.acme".into(), "b".into(), "1".into());
        store.read(&repo, [a.clone(), b.clone()]);
        assert_eq!(store.poms[&a].as_deref(), Ok("<project/>"));
        assert_eq!(store.poms[&b].as_ref().unwrap_err(), "`m2/com/acme/b/1/b-1.pom` does not exist");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
