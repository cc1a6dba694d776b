//! Cheap looks at a file's text, before any parse: its top-level keys and whether it is a
//! template. Linear in the text and never fails: a file that is not YAML simply shows no keys.

/// The shape of a YAML or JSON text as far as a line scan sees it.
#[derive(Default, Debug)]
pub struct Shape {
    /// Keys at column 0 (YAML) or the top-level object's keys spotted anywhere (JSON).
    pub keys: Vec<String>,
    /// The first top-level item is a sequence (`- …` at column 0, or JSON `[`).
    pub sequence: bool,
    pub json: bool,
}

impl Shape {
    pub fn has(&self, key: &str) -> bool {
        self.keys.iter().any(|k| k == key)
    }
    pub fn has_any(&self, keys: &[&str]) -> bool {
        keys.iter().any(|k| self.has(k))
    }
}

pub fn shape(text: &str) -> Shape {
    let body = text.trim_start_matches('\u{feff}').trim_start();
    if body.starts_with('{') || body.starts_with('[') {
        // JSON (or YAML flow): which keys exist is enough; nesting is not tracked.
        let mut keys = Vec::new();
        for key in ["apiVersion", "kind", "targets", "labels", "scrape_configs", "services"] {
            if text.contains(&format!("\"{key}\"")) {
                keys.push(key.to_string());
            }
        }
        return Shape {
            keys,
            sequence: body.starts_with('['),
            json: true,
        };
    }
    let mut s = Shape::default();
    let mut first = true;
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        let Some(c) = line.chars().next() else { continue };
        if c == ' ' || c == '\t' || c == '#' || c == '%' || line.starts_with("---") || line.starts_with("...") {
            continue;
        }
        if c == '-' {
            if first {
                s.sequence = true;
                // `- targets: […]`: the first item's first key says what the list is.
                if let Some(k) = key_of(line[1..].trim_start()) {
                    s.keys.push(k);
                }
            }
            first = false;
            continue;
        }
        first = false;
        if let Some(k) = key_of(line) {
            if !s.keys.contains(&k) {
                s.keys.push(k);
            }
        }
    }
    s
}

/// `key:` or `"key":` at the start of `line`.
fn key_of(line: &str) -> Option<String> {
    let (raw, rest) = if let Some(q) = line.strip_prefix('"') {
        let end = q.find('"')?;
        (&q[..end], &q[end + 1..])
    } else if let Some(q) = line.strip_prefix('\'') {
        let end = q.find('\'')?;
        (&q[..end], &q[end + 1..])
    } else {
        let end = line.find(':')?;
        (&line[..end], &line[end..])
    };
    let rest = rest.trim_start();
    let after = rest.strip_prefix(':')?;
    (after.is_empty() || after.starts_with([' ', '\t'])).then(|| raw.trim().to_string())
}

/// Template syntax a file is written in, which a YAML parser cannot read until rendered.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Template {
    /// `{{ … }}`: Helm, Go templates, gomplate, Jinja expressions.
    Go,
    /// `{% … %}`: Jinja / Ansible statements.
    Jinja,
    /// `%{ … }`: Terraform `templatefile` directives.
    Terraform,
    /// `${VAR}` in a Kubernetes manifest: envsubst before `kubectl apply`.
    Envsubst,
}

impl Template {
    pub fn describe(self) -> &'static str {
        match self {
            Template::Go => "a Go/Helm template (`{{ … }}`)",
            Template::Jinja => "a Jinja template (`{% … %}`)",
            Template::Terraform => "a Terraform template (`%{ … }`)",
            Template::Envsubst => "an envsubst template (`${VAR}`)",
        }
    }
}

/// Which template syntax `text` uses, if any. `envsubst` only counts where no other program
/// interpolates `${…}` itself (`manifest`: a Kubernetes object, read by kubectl as is).
pub fn template(text: &str, manifest: bool) -> Option<Template> {
    if text.contains("{%") && text.contains("%}") && in_code(text, "{%") {
        return Some(Template::Jinja);
    }
    if text.contains("%{") && in_code(text, "%{") {
        return Some(Template::Terraform);
    }
    if text.contains("{{") && text.contains("}}") && in_code(text, "{{") {
        return Some(Template::Go);
    }
    if manifest && text.contains("${") && in_code(text, "${") {
        return Some(Template::Envsubst);
    }
    None
}

/// `needle` on a line that is not a YAML comment: a `{{` in a comment is never rendered
/// into anything (a values file documenting Alertmanager templates stays YAML).
pub fn in_code(text: &str, needle: &str) -> bool {
    text.lines().any(|l| {
        let code = l.trim_start();
        !code.starts_with('#') && code.split(" #").next().is_some_and(|c| c.contains(needle))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_level_keys_of_yaml() {
        let s = shape("# c\n---\nserver:\n  port: 1\n\"clients\": []\npositions: {}\nurl: http://x:1\n");
        assert_eq!(s.keys, ["server", "clients", "positions", "url"]);
        assert!(!s.sequence);
        let s = shape("- targets: [a:1]\n  labels: {}\n- targets: []\n");
        assert!(s.sequence && s.has("targets"));
    }

    #[test]
    fn json_keys_and_lists() {
        let s = shape("[{\"targets\": [\"a:1\"]}]");
        assert!(s.json && s.sequence && s.has("targets"));
        let s = shape("{ // comment\n \"name\": \"x\" }");
        assert!(s.json && s.keys.is_empty());
    }

    #[test]
    fn template_syntax() {
        assert_eq!(template("a: %{ if x }1%{ endif }", false), Some(Template::Terraform));
        assert_eq!(template("a: {{ .Values.x }}", false), Some(Template::Go));
        assert_eq!(template("{% if x %}a: 1{% endif %}", false), Some(Template::Jinja));
        assert_eq!(template("image: ${IMAGE}", true), Some(Template::Envsubst));
        assert_eq!(template("image: ${IMAGE}", false), None);
        assert_eq!(template("a: 1\n  # {{ define \"x\" }}{{ end }}\n", false), None);
    }
}
