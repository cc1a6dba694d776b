//! Dependency notations: string coordinates, `group:name:version` maps, catalog accessors.

use super::*;

impl Toks<'_> {
    /// Notations of one call's arguments: a named-argument map is a single
    /// module; otherwise each argument (closures excluded) is decoded.
    pub(super) fn notations(&self, args: &[(usize, usize)], depth: u32) -> Vec<Notation> {
        let args: Vec<(usize, usize)> = args
            .iter()
            .copied()
            .filter(|&(lo, hi)| !(self.is_open(lo, '{') && self.after(lo) >= hi))
            .collect();
        let (Some(&(first, _)), Some(&(_, last))) = (args.first(), args.last()) else {
            return Vec::new();
        };
        if let Some(named) = self.named_args(&args) {
            return vec![self.map_notation(&named, first, last)];
        }
        args.iter().flat_map(|&(lo, hi)| self.notation(lo, hi, depth)).collect()
    }

    pub(super) fn notation(&self, lo: usize, hi: usize, depth: u32) -> Vec<Notation> {
        if lo >= hi {
            return Vec::new();
        }
        if depth <= MAX_NOTATION_DEPTH {
            if let Some(found) = self.structured_notation(lo, hi, depth) {
                return found;
            }
        }
        vec![self.other(lo, hi)]
    }

    pub(super) fn other(&self, lo: usize, hi: usize) -> Notation {
        Notation::Other {
            text: self.text(lo, hi).to_string(),
            span: self.span(lo, hi),
        }
    }

    pub(super) fn structured_notation(&self, lo: usize, hi: usize, depth: u32) -> Option<Vec<Notation>> {
        if let Some(s) = self.only_str(lo, hi) {
            return Some(vec![module_from_str(s).unwrap_or_else(|| self.other(lo, hi))]);
        }
        if self.is_open(lo, '[') && self.after(lo) == hi {
            let (a, b) = self.inner(lo);
            let items = self.split_commas(a, b);
            if let Some(named) = self.named_args(&items) {
                return Some(vec![self.map_notation(&named, lo, hi)]);
            }
            return Some(items.iter().flat_map(|&(x, y)| self.notation(x, y, depth + 1)).collect());
        }
        if let Some(call) = self.call_notation(lo, hi, depth) {
            return Some(call);
        }
        if let Some(lookup) = self.catalog_lookup(lo, hi) {
            return Some(vec![lookup]);
        }
        let path = self.dotted(lo, hi)?;
        let span = self.span(lo, hi);
        if path.starts_with("projects.") {
            return Some(vec![Notation::Project { path, span }]);
        }
        is_catalog_accessor(&path).then(|| vec![Notation::Catalog { accessor: path, span }])
    }

    /// `platform(…)`, `enforcedPlatform(…)` and `project(…)` filling `lo..hi`.
    pub(super) fn call_notation(&self, lo: usize, hi: usize, depth: u32) -> Option<Vec<Notation>> {
        let name = self.ident(lo)?;
        if !self.is_open(lo + 1, '(') || self.after(lo + 1) != hi {
            return None;
        }
        let (a, b) = self.inner(lo + 1);
        let args = self.split_commas(a, b);
        match name {
            "platform" | "enforcedPlatform" => {
                let inner = self.notations(&args, depth + 1);
                if inner.is_empty() {
                    return None;
                }
                Some(inner.into_iter().map(|n| Notation::Platform(Box::new(n))).collect())
            }
            "project" => {
                let path = match self.named_args(&args) {
                    Some(named) => named.iter().find(|n| n.key == "path").and_then(|n| self.only_str(n.lo, n.hi))?,
                    None => args.first().and_then(|&(x, y)| self.only_str(x, y))?,
                };
                Some(vec![Notation::Project {
                    path: path.value,
                    span: self.span(lo, hi),
                }])
            }
            _ => None,
        }
    }

    /// Groovy map / Kotlin named-argument notation.
    pub(super) fn map_notation(&self, named: &[NamedArg], lo: usize, hi: usize) -> Notation {
        let value = |key: &str| -> Result<Option<String>, ()> {
            match named.iter().find(|n| n.key == key) {
                None => Ok(None),
                Some(n) => self.only_str(n.lo, n.hi).map(|s| Some(s.value)).ok_or(()),
            }
        };
        match (value("group"), value("name"), value("version")) {
            (Ok(group), Ok(Some(name)), Ok(version)) => Notation::Module {
                group: group.unwrap_or_default(),
                name,
                version,
                span: self.span(lo, hi),
            },
            _ => self.other(lo, hi),
        }
    }

    /// `a.b.c` (optionally ending in `.get()`) as a dotted string.
    pub(super) fn dotted(&self, lo: usize, hi: usize) -> Option<String> {
        let mut hi = hi;
        if hi >= lo + 5 && self.punct(hi - 4, ".") && self.is_ident(hi - 3, "get") && self.is_open(hi - 2, '(') && self.after(hi - 2) == hi
        {
            hi -= 4;
        }
        let mut parts = Vec::new();
        let mut j = lo;
        loop {
            parts.push(self.ident(j)?);
            j += 1;
            if j == hi {
                break;
            }
            if !self.punct(j, ".") {
                return None;
            }
            j += 1;
        }
        (parts.len() >= 2).then(|| parts.join("."))
    }
}

pub(super) fn is_catalog_accessor(path: &str) -> bool {
    let first = path.split('.').next().unwrap_or("");
    first.chars().next().is_some_and(|c| c.is_ascii_lowercase()) && !NON_CATALOG_ROOTS.contains(&first)
}

/// Splits on `sep` outside `${…}` templates.
pub(super) fn split_outside_templates(s: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0u32;
    let mut start = 0;
    let mut prev = '\0';
    for (i, c) in s.char_indices() {
        match c {
            '{' if prev == '$' || depth > 0 => depth += 1,
            '}' if depth > 0 => depth -= 1,
            c if c == sep && depth == 0 => {
                parts.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
        prev = c;
    }
    parts.push(&s[start..]);
    parts
}

/// `"group:name[:version][:classifier][@ext]"`.
pub(super) fn module_from_str(s: Str) -> Option<Notation> {
    let without_ext = {
        let pieces = split_outside_templates(&s.value, '@');
        if pieces.len() > 1 {
            pieces[..pieces.len() - 1].join("@")
        } else {
            s.value.clone()
        }
    };
    let parts = split_outside_templates(&without_ext, ':');
    if !(2..=4).contains(&parts.len()) {
        return None;
    }
    let (group, name) = (parts[0], parts[1]);
    if name.is_empty() || group.contains(char::is_whitespace) || name.contains(char::is_whitespace) {
        return None;
    }
    let version = parts.get(2).filter(|v| !v.is_empty()).map(|v| v.to_string());
    Some(Notation::Module {
        group: group.to_string(),
        name: name.to_string(),
        version,
        span: s.span,
    })
}
