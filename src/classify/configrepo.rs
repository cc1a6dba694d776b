//! Where a Spring Cloud Config Server in the repository reads the files it serves: the
//! `native` backend's `search-locations` and a `git` backend's `file:` URI, resolved to
//! repository directories. "Remember to use the file: prefix for file resources (the default
//! without a prefix is usually the classpath)"; "The search locations can contain
//! placeholders for {application}, {profile}, and {label}" (Spring Cloud Config reference,
//! File System Backend). A location this cannot place in the repository is left out; the
//! model then treats what the server serves as unknown.

/// A directory the server reads, and whether `{application}` names a subdirectory of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub dir: String,
    pub per_application: bool,
}

/// Resolves one location of the server in module `server_dir`. `is_dir` says whether a
/// repository directory exists. Relative `file:` paths (`./config-repo`, `${PWD}/config-repo`,
/// `${user.dir}/…`) are relative to the server's working directory, which the repository does
/// not fix: the nearest existing one of the module directory and its ancestors is taken.
pub fn resolve(server_dir: &str, location: &str, is_dir: &dyn Fn(&str) -> bool) -> Option<Located> {
    let loc = location.trim().trim_matches(['"', '\'']);
    let loc = loc.strip_prefix("optional:").unwrap_or(loc).trim();
    let (mut path, per_application) = match loc.trim_end_matches('/').strip_suffix("{application}") {
        Some(p) => (p.trim_end_matches('/').to_string(), true),
        None => (loc.trim_end_matches('/').to_string(), false),
    };
    if path.contains("{profile}") || path.contains("{label}") || path.contains("{application}") {
        return None;
    }
    let located = |dir: String| Some(Located { dir, per_application });
    if let Some(rest) = path.strip_prefix("classpath:") {
        let rest = rest.trim_start_matches('/');
        // The server's own `classpath:/` holds its own config, which it does not serve.
        if rest.is_empty() || rest.contains("${") {
            return None;
        }
        let dir = crate::source::normalize_path(&join(&join(server_dir, "src/main/resources"), rest))?;
        return is_dir(&dir).then_some(dir).and_then(located);
    }
    path = path.strip_prefix("file:")?.to_string();
    // `file:///x` and `file://x`: a URL's path.
    if let Some(p) = path.strip_prefix("//") {
        path = p.to_string();
    }
    for cwd in ["${PWD}", "${user.dir}", "${user.dir:.}"] {
        if let Some(p) = path.strip_prefix(cwd) {
            path = format!(".{p}");
        }
    }
    if path.contains("${") || path.starts_with('/') || path.starts_with('~') || path.contains(':') {
        return None;
    }
    let rel = path.trim_start_matches("./");
    let mut base = server_dir.to_string();
    loop {
        if let Some(dir) = crate::source::normalize_path(&join(&base, rel)) {
            if !dir.is_empty() && is_dir(&dir) {
                return located(dir);
            }
        }
        if base.is_empty() {
            return None;
        }
        base = base.rsplit_once('/').map_or(String::new(), |(d, _)| d.to_string());
    }
}

fn join(dir: &str, rel: &str) -> String {
    if dir.is_empty() {
        rel.to_string()
    } else if rel.is_empty() {
        dir.to_string()
    } else {
        format!("{dir}/{rel}")
    }
}

/// Location values written in a config file's text (`search-locations`, `searchLocations`,
/// a git `uri: file:…`), comma lists split: enough to give the served files a role before
/// parsing; the model reads the values exactly.
pub fn scan(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        let lower = t.to_ascii_lowercase();
        let key_end = match t.find([':', '=']) {
            Some(i) => i,
            None => continue,
        };
        let key = lower[..key_end].replace(['-', '_'], "");
        let is_search = key.ends_with("searchlocations");
        let is_git_file = key.ends_with("uri") && t[key_end + 1..].trim().trim_matches(['"', '\'']).starts_with("file:");
        if !(is_search || is_git_file) {
            continue;
        }
        let value = t[key_end + 1..].trim();
        let value = value.split(" #").next().unwrap_or(value);
        for v in value.trim_matches(['[', ']']).split(',') {
            let v = v.trim().trim_matches(['"', '\'']);
            if !v.is_empty() {
                out.push(v.to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_resolve_to_repository_directories() {
        let dirs = ["config/src/main/resources/shared", "ch15/config-repo", "ch15/server/config"];
        let is_dir = |d: &str| dirs.contains(&d);
        let at = |server: &str, loc: &str| resolve(server, loc, &is_dir).map(|l| (l.dir, l.per_application));
        assert_eq!(
            at("config", "classpath:/shared"),
            Some(("config/src/main/resources/shared".into(), false))
        );
        assert_eq!(
            at("ch15/server", "file:${PWD}/config-repo"),
            Some(("ch15/config-repo".into(), false))
        );
        assert_eq!(at("ch15/server", "file:./config"), Some(("ch15/server/config".into(), false)));
        assert_eq!(
            at("ch15/server", "file:../config-repo/{application}"),
            Some(("ch15/config-repo".into(), true))
        );
        assert_eq!(at("ch15/server", "file:/config-repo"), None);
        assert_eq!(at("ch15/server", "file:///${GIT_REPO}"), None);
        assert_eq!(at("ch15/server", "classpath:/"), None);
        assert_eq!(at("ch15/server", "https://github.com/x/y"), None);
        assert_eq!(at("ch15/server", "file:./config-repo/{profile}"), None);
    }

    #[test]
    fn values_are_found_in_yaml_and_properties_text() {
        assert_eq!(
            scan("spring.cloud.config.server.native.searchLocations: file:${PWD}/config-repo\n"),
            vec!["file:${PWD}/config-repo".to_string()]
        );
        assert_eq!(
            scan("        native:\n          search-locations: classpath:/shared, classpath:/x  # c\n"),
            vec!["classpath:/shared".to_string(), "classpath:/x".to_string()]
        );
        assert_eq!(
            scan("git:\n  uri: 'file://${user.dir}/config-repo'\n"),
            vec!["file://${user.dir}/config-repo".to_string()]
        );
        assert!(scan("git:\n  uri: https://github.com/a/b\n").is_empty());
    }
}
