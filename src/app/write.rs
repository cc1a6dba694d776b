//! Writing fixed files: only inside the root, never through a symbolic link, atomically (a
//! temporary file in the same directory, then rename), in the file's own encoding (a BOM is
//! kept; `.properties` read as ISO-8859-1 are written back as ISO-8859-1, with `\uXXXX` for
//! what that cannot hold, which is how `.properties` spell such characters).

use crate::source::{decode, encode, Encoding, SourceFile};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// The absolute path of `rel` under `root`, when it is a plain relative path that reaches a
/// regular file without passing through a symbolic link.
pub fn target(root: &Path, rel: &str) -> Result<PathBuf, String> {
    let relp = Path::new(rel);
    if rel.is_empty() || relp.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err("not a path inside the lint root".into());
    }
    let mut cur = root.to_path_buf();
    for c in relp.components() {
        cur.push(c);
        let meta = std::fs::symlink_metadata(&cur).map_err(|e| format!("cannot inspect `{}`: {e}", cur.display()))?;
        if meta.file_type().is_symlink() {
            return Err(format!(
                "`{}` is a symbolic link; fixes are not written through links",
                cur.display()
            ));
        }
    }
    if !std::fs::symlink_metadata(&cur).map(|m| m.is_file()).unwrap_or(false) {
        return Err("not a regular file".into());
    }
    let (croot, cfile) = (root.canonicalize(), cur.canonicalize());
    match (croot, cfile) {
        (Ok(r), Ok(f)) if f.starts_with(&r) => Ok(cur),
        _ => Err("outside the lint root".into()),
    }
}

/// Writes `new_text` over `rel`, provided the file still holds what was linted.
pub fn write(root: &Path, original: &SourceFile, new_text: &str) -> Result<(), String> {
    let path = target(root, &original.path)?;
    let on_disk = std::fs::read(&path).map_err(|e| format!("cannot read it again: {e}"))?;
    let unchanged = decode(&on_disk, original.encoding == Encoding::Latin1).is_some_and(|(t, _, _)| t == original.text);
    if !unchanged {
        return Err("it changed on disk while actuator-lint ran; run again".into());
    }
    let dir = path.parent().ok_or("no parent directory")?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.actuator-lint-{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(&encode(original, new_text))?;
        f.sync_all()?;
        if let Ok(meta) = std::fs::metadata(&path) {
            std::fs::set_permissions(&tmp, meta.permissions())?;
        }
        std::fs::rename(&tmp, &path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(format!("cannot write: {e}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_round_trip() {
        let mut f = SourceFile::new("a.properties", "x=é".into());
        f.encoding = Encoding::Latin1;
        assert_eq!(encode(&f, "x=é€"), b"x=\xe9\\u20AC".to_vec());
        let mut g = SourceFile::new("a.yaml", "a: 1".into());
        g.had_bom = true;
        assert_eq!(encode(&g, "a: 2\r\n"), b"\xEF\xBB\xBFa: 2\r\n".to_vec());
    }

    #[test]
    fn refuses_paths_outside_the_root_and_links() {
        let dir = std::env::temp_dir().join(format!("actuator-lint-write-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("root/k8s")).unwrap();
        std::fs::write(dir.join("outside.yaml"), "a: 1\n").unwrap();
        std::fs::write(dir.join("root/k8s/in.yaml"), "a: 1\n").unwrap();
        let root = dir.join("root");
        assert!(target(&root, "../outside.yaml").is_err());
        assert!(target(&root, "/etc/passwd").is_err());
        assert!(target(&root, "k8s/in.yaml").is_ok());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.join("outside.yaml"), root.join("k8s/link.yaml")).unwrap();
            std::os::unix::fs::symlink(&dir, root.join("up")).unwrap();
            assert!(target(&root, "k8s/link.yaml").unwrap_err().contains("symbolic link"));
            assert!(target(&root, "up/outside.yaml").unwrap_err().contains("symbolic link"));
        }
        let f = SourceFile::new("k8s/in.yaml", "a: 1\n".into());
        write(&root, &f, "a: 2\n").unwrap();
        assert_eq!(std::fs::read_to_string(root.join("k8s/in.yaml")).unwrap(), "a: 2\n");
        assert!(write(&root, &f, "a: 3\n").unwrap_err().contains("changed on disk"));
        let leftovers = std::fs::read_dir(root.join("k8s"))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".tmp"))
            .count();
        assert_eq!(leftovers, 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
