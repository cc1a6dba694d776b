//! String variables a Gradle script can see: its own `val`/`def`/`ext` values, those of the
//! scripts it applies and of its parent projects (extra properties are inherited), and
//! `gradle.properties` of the project and of the build root. Used to resolve `${…}` templates
//! in coordinates and versions, and variables holding whole coordinates
//! (`implementation libs.prometheus` with `ext.libs = [prometheus: "…"]`).

use crate::source::Span;

#[derive(Clone, Debug)]
pub struct VarDef {
    pub name: String,
    pub value: String,
    /// Where the value is written.
    pub span: Span,
}

/// Variables in lookup order: the first definition of a name wins.
#[derive(Clone, Debug, Default)]
pub struct Vars {
    defs: Vec<VarDef>,
}

/// How many rounds of `${…}` substitution are done (values may refer to other variables).
const MAX_ROUNDS: usize = 4;

impl Vars {
    pub fn push(&mut self, def: VarDef) {
        self.defs.push(def);
    }

    /// A variable by the name a script uses for it: `x`, `project.x`, `rootProject.ext.x`,
    /// `extra["x"]`, `property("x")`, `findProperty("x")`.
    pub fn get(&self, expr: &str) -> Option<&VarDef> {
        let name = normalize(expr)?;
        self.defs.iter().find(|d| d.name == name)
    }

    /// Substitutes `$x` / `${x}` templates; `None` if one cannot be resolved.
    pub fn resolve(&self, text: &str) -> Option<String> {
        let mut current = text.to_string();
        for _ in 0..MAX_ROUNDS {
            if !current.contains('$') {
                return Some(current);
            }
            current = self.substitute_once(&current)?;
        }
        (!current.contains('$')).then_some(current)
    }

    /// The span of the variable a `${x}`-only text refers to (for pointing at a version).
    pub fn span_of_template(&self, text: &str) -> Option<Span> {
        let t = text.trim();
        let inner = t
            .strip_prefix("${")
            .and_then(|r| r.strip_suffix('}'))
            .or_else(|| t.strip_prefix('$'))?;
        self.get(inner).map(|d| d.span)
    }

    fn substitute_once(&self, text: &str) -> Option<String> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(i) = rest.find('$') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            if let Some(body) = after.strip_prefix('{') {
                let end = body.find('}')?;
                out.push_str(&self.get(&body[..end])?.value);
                rest = &body[end + 1..];
                continue;
            }
            let end = after
                .char_indices()
                .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '.'))
                .map_or(after.len(), |(j, _)| j);
            let path = after[..end].trim_end_matches('.');
            // Groovy's `$a.b` is a property path, Kotlin's is `${a}.b`: take the longest
            // prefix that names a variable.
            let segments: Vec<&str> = path.split('.').collect();
            let found = (1..=segments.len()).rev().find_map(|k| {
                let candidate = segments[..k].join(".");
                self.get(&candidate).map(|d| (candidate.len(), d.value.clone()))
            });
            let (len, value) = found?;
            out.push_str(&value);
            rest = &after[len..];
        }
        out.push_str(rest);
        Some(out)
    }
}

/// A map entry read by index or `get` → a property path: `versions["micrometer"]`,
/// `versions['micrometer']`, `versions.get("micrometer")` → `versions.micrometer` (maps are
/// recorded flattened, `record` in `parse::gradle::vars`).
fn index_to_path(expr: &str) -> String {
    let mut out = expr.to_string();
    for (open, close) in [("[\"", "\"]"), ("['", "']"), (".get(\"", "\")"), (".get('", "')")] {
        while let Some(i) = out.find(open) {
            let Some(j) = out[i + open.len()..].find(close) else { break };
            let key = out[i + open.len()..i + open.len() + j].to_string();
            out = format!("{}.{key}{}", &out[..i], &out[i + open.len() + j + close.len()..]);
        }
    }
    out
}

/// `project.ext.x` → `x`; `extra["x"]` → `x`; `property("x")` → `x`; `versions["x"]` →
/// `versions.x`; `libs.a.b` stays.
fn normalize(expr: &str) -> Option<String> {
    let indexed = index_to_path(expr);
    let mut e = indexed.trim();
    e = e.strip_suffix(".get()").unwrap_or(e);
    e = e.strip_suffix(" as String").unwrap_or(e);
    for prefix in ["rootProject.", "project.", "ext.", "extra.", "properties.", "ext.properties."] {
        while let Some(rest) = e.strip_prefix(prefix) {
            e = rest;
        }
    }
    for call in [
        "property(",
        "findProperty(",
        "extra[",
        "ext[",
        "properties[",
        "project.property(",
        "rootProject.property(",
    ] {
        if let Some(rest) = e.strip_prefix(call) {
            let inner = rest.trim_end_matches([')', ']']);
            let name = inner.trim().trim_matches(['"', '\'']);
            return (!name.is_empty()).then(|| name.to_string());
        }
    }
    let valid = !e.is_empty() && e.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '-');
    valid.then(|| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn vars(pairs: &[(&str, &str)]) -> Vars {
        let mut v = Vars::default();
        for (n, x) in pairs {
            v.push(VarDef {
                name: n.to_string(),
                value: x.to_string(),
                span: Span::empty(FileId(0), 0),
            });
        }
        v
    }

    #[test]
    fn templates() {
        let v = vars(&[
            ("micrometerVersion", "1.12.0"),
            ("versions.boot", "3.2.5"),
            ("g", "io.micrometer"),
            ("nested", "${micrometerVersion}"),
        ]);
        assert_eq!(v.resolve("a:b:$micrometerVersion").as_deref(), Some("a:b:1.12.0"));
        assert_eq!(v.resolve("a:b:${micrometerVersion}").as_deref(), Some("a:b:1.12.0"));
        assert_eq!(v.resolve("${versions.boot}").as_deref(), Some("3.2.5"));
        assert_eq!(v.resolve("$g:x").as_deref(), Some("io.micrometer:x"));
        assert_eq!(v.resolve("${nested}").as_deref(), Some("1.12.0"));
        assert_eq!(v.resolve("${project.micrometerVersion}").as_deref(), Some("1.12.0"));
        assert_eq!(v.resolve("${property(\"micrometerVersion\")}").as_deref(), Some("1.12.0"));
        assert_eq!(v.resolve("$missing"), None);
        assert_eq!(v.resolve("${missing}"), None);
        assert_eq!(v.resolve("$"), None);
        assert_eq!(v.resolve("plain").as_deref(), Some("plain"));
    }

    #[test]
    fn lookups() {
        let v = vars(&[("libs.prometheus", "io.micrometer:micrometer-registry-prometheus")]);
        assert!(v.get("libs.prometheus").is_some());
        assert!(v.get("rootProject.ext.libs.prometheus").is_some());
        assert!(v.get("ext[\"libs.prometheus\"]").is_some());
        assert!(v.get("libs").is_none());
        // Version maps (`ext { versions = [micrometer: '…'] }`, `mapOf(…)` in `extra`), by index.
        let v = vars(&[("versions.micrometer", "1.13.0")]);
        for e in [
            "versions.micrometer",
            "versions[\"micrometer\"]",
            "versions['micrometer']",
            "versions.get(\"micrometer\")",
            "rootProject.ext.versions['micrometer']",
            "extra[\"versions.micrometer\"]",
        ] {
            assert_eq!(v.get(e).map(|d| d.value.as_str()), Some("1.13.0"), "{e}");
        }
        assert_eq!(
            v.resolve("io.micrometer:micrometer-registry-prometheus:${versions[\"micrometer\"]}")
                .as_deref(),
            Some("io.micrometer:micrometer-registry-prometheus:1.13.0")
        );
    }
}
