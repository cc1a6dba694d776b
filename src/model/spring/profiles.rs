//! Active profiles and profile expressions (semantics §5.3).

use super::Why;

/// The profiles a deployment runs with.
#[derive(Clone, Debug, PartialEq)]
pub enum ProfileSet {
    /// Decided (activation order, last wins); empty means the `default` profile.
    Known(Vec<String>),
    /// The repository cannot tell (a build-time `@spring.profiles.active@`, a Secret, nothing
    /// runs the service): documents that depend on the profile may or may not apply.
    Unknown { assumed: Vec<String>, why: Why },
}

impl ProfileSet {
    /// The profiles used for evaluation (`default` when none is active).
    pub fn active(&self) -> Vec<String> {
        let list = match self {
            ProfileSet::Known(p) => p,
            ProfileSet::Unknown { assumed, .. } => assumed,
        };
        if list.is_empty() {
            vec!["default".to_string()]
        } else {
            list.clone()
        }
    }
    pub fn unknown(&self) -> Option<&Why> {
        match self {
            ProfileSet::Unknown { why, .. } => Some(why),
            ProfileSet::Known(_) => None,
        }
    }
}

/// Profile expressions (`prod & !cloud`, `a | b`, `(a | b) & c`), semantics §5.3. A
/// comma-separated list means any of them.
pub fn profile_matches(expr: &str, active: &[String]) -> bool {
    expr.split(',').any(|part| eval_profile(part.trim(), active).unwrap_or(false))
}

/// Profile names an expression mentions (for "which profile would change this").
pub fn profiles_in(expr: &str) -> Vec<String> {
    expr.split([',', '&', '|', '!', '(', ')', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn eval_profile(expr: &str, active: &[String]) -> Option<bool> {
    let tokens: Vec<String> = {
        let mut t = Vec::new();
        let mut cur = String::new();
        for c in expr.chars() {
            if "&|!()".contains(c) {
                if !cur.trim().is_empty() {
                    t.push(cur.trim().to_string());
                }
                cur.clear();
                t.push(c.to_string());
            } else {
                cur.push(c);
            }
        }
        if !cur.trim().is_empty() {
            t.push(cur.trim().to_string());
        }
        t
    };
    let mut pos = 0;
    let v = parse_or(&tokens, &mut pos, active, 0)?;
    (pos == tokens.len()).then_some(v)
}

fn parse_or(t: &[String], pos: &mut usize, active: &[String], depth: usize) -> Option<bool> {
    let mut v = parse_and(t, pos, active, depth)?;
    while t.get(*pos).map(String::as_str) == Some("|") {
        *pos += 1;
        v |= parse_and(t, pos, active, depth)?;
    }
    Some(v)
}

fn parse_and(t: &[String], pos: &mut usize, active: &[String], depth: usize) -> Option<bool> {
    let mut v = parse_not(t, pos, active, depth)?;
    while t.get(*pos).map(String::as_str) == Some("&") {
        *pos += 1;
        v &= parse_not(t, pos, active, depth)?;
    }
    Some(v)
}

fn parse_not(t: &[String], pos: &mut usize, active: &[String], depth: usize) -> Option<bool> {
    if depth > 64 {
        return None;
    }
    match t.get(*pos).map(String::as_str) {
        Some("!") => {
            *pos += 1;
            Some(!parse_not(t, pos, active, depth + 1)?)
        }
        Some("(") => {
            *pos += 1;
            let v = parse_or(t, pos, active, depth + 1)?;
            (t.get(*pos).map(String::as_str) == Some(")")).then(|| *pos += 1)?;
            Some(v)
        }
        Some(name) if !"&|)".contains(name) => {
            *pos += 1;
            Some(active.iter().any(|a| a == name))
        }
        _ => None,
    }
}
