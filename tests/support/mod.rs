//! The one expectation mechanism: compare with a file, or rewrite it under `BLESS=1`.

use std::path::Path;

pub fn normalize(s: &str) -> String {
    let mut out: String = s.replace("\r\n", "\n").lines().map(|l| l.trim_end()).collect::<Vec<_>>().join("\n");
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

pub fn blessing() -> bool {
    std::env::var_os("BLESS").is_some()
}

/// Compares `actual` with the file at `path`. An empty `actual` means "no file" for optional
/// expectations (`required = false`) and an empty file otherwise.
pub fn assert_expected(actual: &str, path: &Path, required: bool) -> Result<(), String> {
    let actual = normalize(actual);
    if blessing() {
        if actual.is_empty() && !required {
            let _ = std::fs::remove_file(path);
        } else {
            std::fs::write(path, &actual).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        return Ok(());
    }
    let expected = match std::fs::read_to_string(path) {
        Ok(s) => normalize(&s),
        Err(_) if !required && actual.is_empty() => return Ok(()),
        Err(_) => String::new(),
    };
    if expected != actual {
        let diff = similar::TextDiff::from_lines(&expected, &actual);
        return Err(format!(
            "{} is stale; run `BLESS=1 cargo test` and review the diff\n{}",
            path.display(),
            diff.unified_diff().context_radius(3).header("expected", "actual")
        ));
    }
    Ok(())
}
