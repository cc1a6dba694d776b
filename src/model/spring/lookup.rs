//! Property look-up over one deployment's sources: relaxed names (semantics §5.4), lists that
//! replace and never merge (§1.3), `${…}` placeholders, and *unknown* whenever a source the
//! repository cannot see, or one that may not apply, could decide.

use super::profiles::ProfileSet;
use super::{env_to_canonical, Layer, Origin, Prop, Why};
use crate::source::Span;

/// A property value and the layer that decided it.
#[derive(Clone, Debug)]
pub struct Found<'a> {
    pub prop: &'a Prop,
    pub layer: &'a Layer,
    /// The value with placeholders resolved.
    pub value: String,
}

/// A list property: its items and where it was decided (lists replace, never merge: §1.3).
#[derive(Clone, Debug)]
pub struct FoundList<'a> {
    pub items: Vec<String>,
    pub props: Vec<&'a Prop>,
    pub layer: &'a Layer,
    /// Indexed entries with a gap (`include[0]`, `include[2]`): the first missing index and
    /// the first entry after it. Boot binds the run from 0 up to the gap and then refuses to
    /// start on the entries it left unbound (`IndexedElementsBinder`,
    /// `UnboundConfigurationPropertiesException`), so `items` is not what any running
    /// application has.
    pub gap: Option<(usize, &'a Prop)>,
}

/// The first missing index of indexed entries (`key[i]` or the environment's `KEY_i_`) and
/// the first entry after it, if the indexes are not 0, 1, 2, … without a hole.
fn index_gap<'a>(props: &[&'a Prop]) -> Option<(usize, &'a Prop)> {
    let index = |k: &str| -> Option<usize> {
        match k.strip_suffix(']') {
            Some(r) => r.rsplit_once('[')?.1.parse().ok(),
            None => k.trim_end_matches('_').rsplit('_').next()?.parse().ok(),
        }
    };
    if props.len() < 2 {
        return None;
    }
    let mut indexed: Vec<(usize, &Prop)> = props.iter().filter_map(|p| Some((index(&p.key)?, *p))).collect();
    indexed.sort_by_key(|(i, _)| *i);
    let missing = (0..).zip(&indexed).find(|(want, (i, _))| want != i).map(|(want, _)| want)?;
    let (_, unbound) = indexed.iter().find(|(i, _)| *i > missing)?;
    Some((missing, *unbound))
}

#[derive(Clone, Debug)]
pub enum Lookup<T> {
    Set(T),
    /// No source sets it: Boot's default applies.
    Unset,
    /// A source the repository cannot read (or one that may not apply) could set it.
    Unknown(Why),
}

impl<T> Lookup<T> {
    pub fn set(self) -> Option<T> {
        match self {
            Lookup::Set(t) => Some(t),
            _ => None,
        }
    }
}

/// The active property sources of one service in one deployment, lowest precedence first.
#[derive(Clone, Debug, Default)]
pub struct Effective {
    pub layers: Vec<Layer>,
    /// The active profiles as decided (empty = `default`).
    pub profiles: Vec<String>,
    /// Where the profiles came from (`SPRING_PROFILES_ACTIVE` in Deployment x), for messages.
    pub profiles_from: Option<String>,
    pub profile_set: Option<ProfileSet>,
    pub profiles_span: Option<Span>,
}

const MAX_PLACEHOLDER_DEPTH: usize = 10;

enum Hit<'a> {
    Prop(&'a Prop, &'a Layer),
    List(Vec<&'a Prop>, &'a Layer),
    Unknown(Why),
    None,
}

fn maybe_why(layer: &Layer, prop: &Prop, why: &Why) -> Why {
    Why::new(
        format!("`{}` is set in {}, which may not apply: {}", prop.key, layer.label, why.text),
        Some(prop.value_span),
    )
}

fn unknown_value_why(layer: &Layer, prop: &Prop, reason: &str) -> Why {
    Why::new(format!("`{}` in {} {reason}", prop.key, layer.label), Some(prop.value_span))
}

impl Effective {
    /// The highest source that says anything about `kebab` (as a value or, with `list`,
    /// as indexed items).
    fn hit(&self, kebab: &str, list: bool) -> Hit<'_> {
        let key = super::Key::cached(kebab);
        for layer in self.layers.iter().rev() {
            let prop = layer.lookup_key(&key);
            let items = if list && prop.is_none() {
                layer.list_items_key(&key)
            } else {
                vec![]
            };
            let any = prop.or(items.first().copied());
            if let (Some(why), Some(p)) = (&layer.maybe, any) {
                return Hit::Unknown(maybe_why(layer, p, why));
            }
            if let Some(why) = &layer.opaque {
                return Hit::Unknown(why.clone());
            }
            if let Some(p) = prop {
                // An empty YAML list or value is "not set" for lists (Boot binds it empty).
                if list && p.list.is_none() && p.value.trim().is_empty() && p.unknown.is_none() {
                    continue;
                }
                return Hit::Prop(p, layer);
            }
            if !items.is_empty() {
                return Hit::List(items, layer);
            }
        }
        Hit::None
    }

    /// A single value, placeholders resolved.
    pub fn lookup(&self, kebab: &str) -> Lookup<Found<'_>> {
        self.lookup_depth(kebab, 0)
    }

    fn lookup_depth(&self, kebab: &str, depth: usize) -> Lookup<Found<'_>> {
        match self.hit(kebab, false) {
            Hit::Prop(p, layer) => {
                if let Some(r) = &p.unknown {
                    return Lookup::Unknown(unknown_value_why(layer, p, r));
                }
                match self.resolve(&p.value, depth) {
                    Ok(value) => Lookup::Set(Found { prop: p, layer, value }),
                    Err(w) => Lookup::Unknown(Why::new(
                        format!("`{}` in {} is `{}`: {}", p.key, layer.label, p.value.trim(), w.text),
                        Some(p.value_span),
                    )),
                }
            }
            Hit::Unknown(w) => Lookup::Unknown(w),
            Hit::List(..) | Hit::None => Lookup::Unset,
        }
    }

    /// A list property (comma string, YAML list, `key[0]`, `KEY_0_`), placeholders resolved.
    pub fn list(&self, kebab: &str) -> Lookup<FoundList<'_>> {
        match self.hit(kebab, true) {
            Hit::Prop(p, layer) => {
                if let Some(r) = &p.unknown {
                    return Lookup::Unknown(unknown_value_why(layer, p, r));
                }
                if p.list.is_some() {
                    let items = layer.list_items(kebab);
                    let mut out = Vec::new();
                    for i in &items {
                        match self.resolve(&i.value, 0) {
                            Ok(v) => out.push(v.trim().to_string()),
                            Err(w) => return Lookup::Unknown(w),
                        }
                    }
                    return Lookup::Set(FoundList {
                        items: out,
                        props: vec![p],
                        layer,
                        gap: None,
                    });
                }
                match self.resolve(&p.value, 0) {
                    Ok(v) => Lookup::Set(FoundList {
                        items: split_list(&v),
                        props: vec![p],
                        layer,
                        gap: None,
                    }),
                    Err(w) => Lookup::Unknown(Why::new(
                        format!("`{}` in {} is `{}`: {}", p.key, layer.label, p.value.trim(), w.text),
                        Some(p.value_span),
                    )),
                }
            }
            Hit::List(items, layer) => {
                let mut out = Vec::new();
                for i in &items {
                    if let Some(r) = &i.unknown {
                        return Lookup::Unknown(unknown_value_why(layer, i, r));
                    }
                    match self.resolve(&i.value, 0) {
                        Ok(v) => out.push(v.trim().to_string()),
                        Err(w) => return Lookup::Unknown(w),
                    }
                }
                Lookup::Set(FoundList {
                    items: out,
                    gap: index_gap(&items),
                    props: items,
                    layer,
                })
            }
            Hit::Unknown(w) => Lookup::Unknown(w),
            Hit::None => Lookup::Unset,
        }
    }

    /// Whether any property under `prefix.` is set (map-valued settings).
    pub fn prefix(&self, kebab_prefix: &str) -> Lookup<(&Prop, &Layer)> {
        for layer in self.layers.iter().rev() {
            let p = layer.has_prefix(kebab_prefix);
            if let (Some(why), Some(p)) = (&layer.maybe, p) {
                return Lookup::Unknown(maybe_why(layer, p, why));
            }
            if let Some(why) = &layer.opaque {
                return Lookup::Unknown(why.clone());
            }
            if let Some(p) = p {
                return Lookup::Set((p, layer));
            }
        }
        Lookup::Unset
    }

    /// Every layer that sets `kebab` (lowest first), for "also set in" explanations.
    pub fn all(&self, kebab: &str) -> Vec<(&Prop, &Layer)> {
        self.layers.iter().filter_map(|l| l.lookup(kebab).map(|p| (p, l))).collect()
    }

    /// Resolves `${name}` / `${name:default}` against the same sources (semantics §5.4).
    pub fn resolve(&self, raw: &str, depth: usize) -> Result<String, Why> {
        if !raw.contains("${") {
            return Ok(raw.to_string());
        }
        if depth > MAX_PLACEHOLDER_DEPTH {
            return Err(Why::new("placeholders nest too deeply (or refer to each other)", None));
        }
        let mut out = String::new();
        let mut rest = raw;
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let body_start = i + 2;
            let Some(len) = closing(&rest[body_start..]) else {
                // Unbalanced: Spring leaves it as text.
                out.push_str(&rest[i..]);
                return Ok(out);
            };
            let body = &rest[body_start..body_start + len];
            let (name, default) = split_default(body);
            let name = self.resolve(name, depth + 1)?;
            match self.placeholder(&name, depth + 1) {
                Lookup::Set(v) => out.push_str(&v),
                Lookup::Unknown(w) => return Err(w),
                Lookup::Unset => match default {
                    Some(d) => out.push_str(&self.resolve(d, depth + 1)?),
                    None => {
                        return Err(Why::new(
                            format!("no source in the repository sets `{name}` for the placeholder `${{{body}}}`"),
                            None,
                        ))
                    }
                },
            }
            rest = &rest[body_start + len + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// What `${name}` resolves to (an env-style name is matched as Spring does).
    pub fn placeholder_value(&self, name: &str) -> Lookup<String> {
        self.placeholder(name, 0)
    }

    fn placeholder(&self, name: &str, depth: usize) -> Lookup<String> {
        if name.starts_with("random.") {
            return Lookup::Unknown(Why::new(format!("`${{{name}}}` is a random value"), None));
        }
        // `${DB_HOST}`: Spring finds it in the environment as written, not relaxed.
        let env_style = name.chars().any(|c| c == '_' || c.is_ascii_uppercase()) && !name.contains('.');
        if env_style {
            for layer in self.layers.iter().rev() {
                let p = layer
                    .props
                    .get(&env_to_canonical(name))
                    .filter(|p| p.key == name || p.key.eq_ignore_ascii_case(name));
                if let (Some(why), Some(p)) = (&layer.maybe, p) {
                    return Lookup::Unknown(maybe_why(layer, p, why));
                }
                if let Some(why) = &layer.opaque {
                    if matches!(layer.origin, Origin::Env { .. } | Origin::Unseen) {
                        return Lookup::Unknown(why.clone());
                    }
                }
                if let Some(p) = p {
                    if let Some(r) = &p.unknown {
                        return Lookup::Unknown(unknown_value_why(layer, p, r));
                    }
                    return match self.resolve(&p.value, depth) {
                        Ok(v) => Lookup::Set(v),
                        Err(w) => Lookup::Unknown(w),
                    };
                }
            }
            return Lookup::Unset;
        }
        match self.lookup_depth(name, depth) {
            Lookup::Set(f) => Lookup::Set(f.value),
            Lookup::Unset => Lookup::Unset,
            Lookup::Unknown(w) => Lookup::Unknown(w),
        }
    }

    // ---- compatibility helpers (known values only) ----

    /// The deciding property when its value is known.
    pub fn get(&self, kebab: &str) -> Option<Found<'_>> {
        self.lookup(kebab).set()
    }

    /// The raw value of the deciding property, when known.
    pub fn value(&self, kebab: &str) -> Option<&str> {
        match self.hit(kebab, false) {
            Hit::Prop(p, _) if p.unknown.is_none() => Some(p.value.as_str()),
            _ => None,
        }
    }

    pub fn get_list(&self, kebab: &str) -> Option<FoundList<'_>> {
        self.list(kebab).set()
    }
}

/// Boot's comma list: split on `,`, each element trimmed; an empty string is an empty list.
pub fn split_list(v: &str) -> Vec<String> {
    if v.is_empty() {
        return vec![];
    }
    v.split(',').map(|s| s.trim().to_string()).collect()
}

/// Offset of the first `byte` outside nested `${…}` placeholders (a `}` closes one level).
fn at_top_level(s: &str, byte: u8) -> Option<usize> {
    let mut depth = 0usize;
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' && b.get(i + 1) == Some(&b'{') {
            depth += 1;
            i += 2;
            continue;
        }
        if b[i] == byte && depth == 0 {
            return Some(i);
        }
        if b[i] == b'}' {
            depth = depth.saturating_sub(1);
        }
        i += 1;
    }
    None
}

/// Length of a placeholder body up to its matching `}`.
fn closing(s: &str) -> Option<usize> {
    at_top_level(s, b'}')
}

/// `name:default` at nesting level 0.
fn split_default(body: &str) -> (&str, Option<&str>) {
    match at_top_level(body, b':') {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{canonical, env_layer, Layer, Origin, Prop};
    use super::*;
    use crate::source::{FileId, Span};
    use std::collections::BTreeMap;

    fn file_layer(pairs: &[(&str, &str)]) -> Layer {
        let mut props = BTreeMap::new();
        for (k, v) in pairs {
            props.insert(
                canonical(k),
                Prop {
                    key: k.to_string(),
                    value: v.to_string(),
                    key_span: Span::empty(FileId(0), 0),
                    value_span: Span::empty(FileId(0), 0),
                    list: None,
                    unknown: None,
                },
            );
        }
        Layer::new(
            Origin::File {
                file: FileId(0),
                document: 0,
            },
            "application.properties".into(),
            props,
        )
    }

    fn env(pairs: &[(&str, &str)]) -> Layer {
        let vars: Vec<_> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string(), Span::empty(FileId(1), 0), Span::empty(FileId(1), 0)))
            .collect();
        env_layer(&vars, "env".into())
    }

    fn eff(layers: Vec<Layer>) -> Effective {
        Effective {
            layers,
            ..Default::default()
        }
    }

    #[test]
    fn placeholders_resolve_from_every_source() {
        let e = eff(vec![
            file_layer(&[
                ("management.server.port", "${MGMT_PORT:9090}"),
                ("a", "${spring.application.name}-x"),
                ("spring.application.name", "orders"),
                ("b", "${missing}"),
                ("c", "${missing:${spring.application.name}}"),
            ]),
            env(&[("MGMT_PORT", "9191")]),
        ]);
        assert_eq!(e.lookup("management.server.port").set().map(|f| f.value), Some("9191".into()));
        assert_eq!(e.lookup("a").set().map(|f| f.value), Some("orders-x".into()));
        assert!(matches!(e.lookup("b"), Lookup::Unknown(_)));
        assert_eq!(e.lookup("c").set().map(|f| f.value), Some("orders".into()));
        let cyc = eff(vec![file_layer(&[("x", "${y}"), ("y", "${x}")])]);
        assert!(matches!(cyc.lookup("x"), Lookup::Unknown(_)));
    }

    #[test]
    fn env_forms_lists_and_unknowns() {
        let e = eff(vec![
            file_layer(&[("management.endpoints.web.exposure.include", "health,prometheus")]),
            env(&[("MANAGEMENT_ENDPOINTS_WEB_EXPOSURE_INCLUDE_0_", "health")]),
        ]);
        let l = e.list("management.endpoints.web.exposure.include").set().unwrap();
        assert_eq!(l.items, vec!["health"]);
        let legacy = eff(vec![env(&[("MANAGEMENT_SERVER_BASE_PATH", "/m")])]);
        assert_eq!(
            legacy.lookup("management.server.base-path").set().map(|f| f.value),
            Some("/m".into())
        );
        let mut opaque = Layer::unseen("envFrom".into(), Why::new("secret", None));
        opaque.label = "envFrom".into();
        let o = eff(vec![file_layer(&[("server.port", "8080")]), opaque, env(&[("X", "1")])]);
        assert!(matches!(o.lookup("server.port"), Lookup::Unknown(_)));
        assert_eq!(o.lookup("x").set().map(|f| f.value), Some("1".into()));
    }
}
