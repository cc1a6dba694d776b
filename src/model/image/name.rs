//! Image references as Docker resolves them (semantics §20): `orders`, `orders:1.0`,
//! `docker.io/library/orders` and `index.docker.io/library/orders@sha256:…` are one
//! repository. Tags and digests name versions of what one module builds, so repositories
//! are compared without them.

/// Stands for a part of a reference the repository does not define (`${REGISTRY}`, a Helm
/// value): it can be anything.
pub const UNKNOWN: char = '\u{0}';

/// A repository: its own name (the last path component), and the registry and namespace
/// before it when they are known.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ImageName {
    /// `docker.io/library`, `ghcr.io/acme`; `None` when a part of it is unknown.
    pub prefix: Option<String>,
    pub name: String,
}

impl ImageName {
    /// Parses a reference in which unknown parts are written as [`UNKNOWN`]. `None` when the
    /// image's own name is unknown or empty: such a reference cannot be compared.
    pub fn parse(raw: &str) -> Option<ImageName> {
        let raw = raw.trim();
        let no_digest = raw.split('@').next().unwrap_or(raw);
        let (path, last) = match no_digest.rsplit_once('/') {
            Some((p, l)) => (Some(p), l),
            None => (None, no_digest),
        };
        let name = last.split(':').next().unwrap_or(last).to_ascii_lowercase();
        if name.is_empty() || name.contains(UNKNOWN) || !name.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) {
            return None;
        }
        let prefix = match path {
            None => Some("docker.io/library".to_string()),
            Some(p) if p.contains(UNKNOWN) => None,
            Some(p) => normalise_prefix(p),
        };
        Some(ImageName { prefix, name })
    }

    /// Whether both can be the same repository: the names agree and the prefixes agree
    /// where both are known.
    pub fn may_equal(&self, other: &ImageName) -> bool {
        self.name == other.name && (self.prefix.is_none() || other.prefix.is_none() || self.prefix == other.prefix)
    }

    pub fn display(&self) -> String {
        match &self.prefix {
            Some(p) => format!("{p}/{}", self.name),
            None => format!("…/{}", self.name),
        }
    }
}

/// `acme` → `docker.io/acme`, `index.docker.io/library` → `docker.io/library`,
/// `registry.example.com:5000/team` stays; `None` for an empty component.
fn normalise_prefix(p: &str) -> Option<String> {
    let parts: Vec<&str> = p.split('/').collect();
    if parts.iter().any(|c| c.is_empty()) {
        return None;
    }
    let first = parts[0];
    let has_registry = first.contains('.') || first.contains(':') || first == "localhost";
    let (registry, rest) = if has_registry {
        let r = match first.to_ascii_lowercase().as_str() {
            "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => "docker.io".to_string(),
            r => r.to_string(),
        };
        (r, &parts[1..])
    } else {
        ("docker.io".to_string(), &parts[..])
    };
    let mut out = registry;
    if rest.is_empty() && out == "docker.io" {
        out.push_str("/library");
    }
    for c in rest {
        out.push('/');
        out.push_str(&c.to_ascii_lowercase());
    }
    Some(out)
}

/// Replaces `${…}`/`$NAME` placeholders the resolver cannot answer with [`UNKNOWN`].
/// `resolve` gets the placeholder's body (`project.name`) and answers its value.
pub fn substitute(raw: &str, resolve: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = raw;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (body, used) = if let Some(b) = after.strip_prefix('{') {
            match b.find('}') {
                Some(end) => (&b[..end], end + 2),
                None => (b, after.len()),
            }
        } else {
            let n = after
                .char_indices()
                .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '.'))
                .map_or(after.len(), |(j, _)| j);
            (&after[..n], n)
        };
        match resolve(body.trim()) {
            Some(v) => out.push_str(&v),
            None => out.push(UNKNOWN),
        }
        rest = &after[used..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> ImageName {
        ImageName::parse(s).unwrap()
    }

    #[test]
    fn docker_hub_forms_are_one_repository() {
        let a = n("orders");
        assert_eq!(a.display(), "docker.io/library/orders");
        for other in [
            "orders:1.0",
            "docker.io/library/orders:latest",
            "index.docker.io/library/orders@sha256:abc",
            "library/orders",
        ] {
            assert_eq!(n(other), a, "{other}");
        }
        assert_eq!(n("acme/ledger:2").display(), "docker.io/acme/ledger");
        assert_eq!(
            n("registry.example.com:5000/team/Ledger:2").display(),
            "registry.example.com:5000/team/ledger"
        );
        assert_ne!(n("acme/orders"), a);
    }

    #[test]
    fn unknown_parts() {
        let u = format!("{UNKNOWN}/orders:{UNKNOWN}");
        let x = n(&u);
        assert_eq!(x.prefix, None);
        assert!(x.may_equal(&n("ghcr.io/acme/orders")));
        assert!(!x.may_equal(&n("ghcr.io/acme/billing")));
        assert!(ImageName::parse(&format!("acme/{UNKNOWN}")).is_none());
        assert!(ImageName::parse(&format!("acme/app-{UNKNOWN}")).is_none());
        assert!(!n("acme/orders").may_equal(&n("other/orders")));
    }

    #[test]
    fn substitution() {
        let r = |k: &str| (k == "project.name").then(|| "ledger".to_string());
        assert_eq!(
            substitute("acme/${project.name}:${project.version}", &r),
            format!("acme/ledger:{UNKNOWN}")
        );
        assert_eq!(substitute("$project.name", &r), "ledger");
        assert_eq!(substitute("${REG}/x", &r), format!("{UNKNOWN}/x"));
    }

    #[test]
    fn a_version_in_the_tag_is_compared_away_and_in_the_name_is_unknown() {
        // The builders' resolvers never answer the version (it is not read from the build).
        let r = |k: &str| (k == "project.name").then(|| "ledger".to_string());
        for tagged in ["acme/${project.name}:${project.version}", "acme/${project.name}:$version"] {
            let image = n(&substitute(tagged, &r));
            assert!(image.may_equal(&n("acme/ledger:2.3.0")), "{tagged}");
        }
        for named in ["acme/${project.name}-${project.version}", "acme/$version/ledger"] {
            let image = ImageName::parse(&substitute(named, &r));
            assert!(image.is_none_or(|i| i.prefix.is_none() && i.name == "ledger"), "{named}");
        }
        assert!(ImageName::parse(&substitute("acme/${project.name}-${project.version}", &r)).is_none());
    }
}
