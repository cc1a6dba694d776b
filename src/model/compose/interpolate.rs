//! Compose interpolation of values (semantics §16.4, compose-go `template`): `$VAR`, `${VAR}`,
//! `${VAR:-default}` (unset or empty), `${VAR-default}` (unset), `${VAR:?err}`, `${VAR?err}`,
//! `${VAR:+alt}`, `${VAR+alt}`, nesting in defaults, `$$` for a literal `$`.
//!
//! Variables come from the project's `.env`; one it does not define may still be set by the
//! shell that runs Compose, so its value is unknown — unless the form makes the answer the
//! same either way (there is none: a default applies only when the shell leaves it unset).

/// The value with every variable answered, or the first variable whose value is unknown.
pub fn interpolate(value: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::new();
    expand(value, env, &mut out, 0)?;
    Ok(out)
}

/// Like [`interpolate`], but writes `unknown` in place of each unknown variable's value.
pub fn interpolate_marking(value: &str, env: &dyn Fn(&str) -> Option<String>, unknown: char) -> String {
    let mut out = String::new();
    let mut rest = value;
    // Expand piece by piece so one unknown does not lose the known rest.
    while !rest.is_empty() {
        let Some(i) = rest.find('$') else {
            out.push_str(rest);
            break;
        };
        out.push_str(&rest[..i]);
        let len = token_len(&rest[i..]);
        match interpolate(&rest[i..i + len], env) {
            Ok(v) => out.push_str(&v),
            Err(_) => out.push(unknown),
        }
        rest = &rest[i + len..];
    }
    out
}

/// Length of the `$…` token at the start of `s`.
fn token_len(s: &str) -> usize {
    let after = &s[1..];
    if after.starts_with('$') {
        return 2;
    }
    if after.starts_with('{') {
        return close_brace(after).map_or(s.len(), |e| e + 2);
    }
    1 + after
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .map(char::len_utf8)
        .sum::<usize>()
}

/// Index in `s` (starting with `{`) of its matching `}`.
fn close_brace(s: &str) -> Option<usize> {
    let mut depth = 0;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

fn expand(value: &str, env: &dyn Fn(&str) -> Option<String>, out: &mut String, depth: u32) -> Result<(), String> {
    if depth > 8 {
        return Err(value.to_string());
    }
    let mut rest = value;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(r) = after.strip_prefix('$') {
            out.push('$');
            rest = r;
            continue;
        }
        if after.starts_with('{') {
            let Some(end) = close_brace(after) else {
                out.push_str(&rest[i..]);
                return Ok(());
            };
            let inner = &after[1..end];
            let name_len = inner.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').count();
            let (name, op) = inner.split_at(name_len);
            let value = env(name);
            let set = value.is_some();
            let non_empty = value.as_deref().is_some_and(|v| !v.is_empty());
            let mut sub = |s: &str| expand(s, env, out, depth + 1);
            if op.is_empty() {
                out.push_str(&value.ok_or_else(|| name.to_string())?);
            } else if let Some(d) = op.strip_prefix(":-") {
                // Unknown when the `.env` does not say: the shell may set it.
                match value {
                    Some(v) if non_empty => out.push_str(&v),
                    Some(_) => sub(d)?,
                    None => return Err(name.to_string()),
                }
            } else if let Some(d) = op.strip_prefix('-') {
                match value {
                    Some(v) => out.push_str(&v),
                    None => {
                        let _ = d;
                        return Err(name.to_string());
                    }
                }
            } else if let Some(alt) = op.strip_prefix(":+") {
                match (set, non_empty) {
                    (_, true) => sub(alt)?,
                    (true, false) => {}
                    (false, _) => return Err(name.to_string()),
                }
            } else if let Some(alt) = op.strip_prefix('+') {
                if set {
                    sub(alt)?
                } else {
                    return Err(name.to_string());
                }
            } else if op.starts_with(":?") || op.starts_with('?') {
                // Compose refuses to start without it: whoever runs it sets it, if `.env` does not.
                match value {
                    Some(v) if non_empty || op.starts_with('?') => out.push_str(&v),
                    _ => return Err(name.to_string()),
                }
            } else {
                return Err(name.to_string());
            }
            rest = &after[end + 1..];
        } else {
            let n: String = after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if n.is_empty() {
                out.push('$');
                rest = after;
                continue;
            }
            out.push_str(&env(&n).ok_or_else(|| n.clone())?);
            rest = &after[n.len()..];
        }
    }
    out.push_str(rest);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(k: &str) -> Option<String> {
        match k {
            "TAG" => Some("1.2".into()),
            "EMPTY" => Some(String::new()),
            "REPO" => Some("acme".into()),
            _ => None,
        }
    }

    #[test]
    fn forms() {
        let i = |s: &str| interpolate(s, &env);
        assert_eq!(i("app:${TAG}").unwrap(), "app:1.2");
        assert_eq!(i("$REPO/app").unwrap(), "acme/app");
        assert_eq!(i("${EMPTY:-x}").unwrap(), "x");
        assert_eq!(i("${EMPTY-x}").unwrap(), "");
        assert_eq!(i("${TAG:-x}").unwrap(), "1.2");
        assert_eq!(i("${EMPTY:-${REPO}}/a").unwrap(), "acme/a");
        assert_eq!(i("${TAG:+on}").unwrap(), "on");
        assert_eq!(i("${TAG:?need a tag}").unwrap(), "1.2");
        assert_eq!(i("$$HOME").unwrap(), "$HOME");
        // Not in `.env`: the shell decides.
        assert_eq!(i("${NOPE:-x}"), Err("NOPE".into()));
        assert_eq!(i("${NOPE:?x}"), Err("NOPE".into()));
        assert_eq!(i("$NOPE"), Err("NOPE".into()));
    }

    #[test]
    fn marking_keeps_the_known_parts() {
        assert_eq!(interpolate_marking("${REG}/$REPO/app:${TAG}", &env, '?'), "?/acme/app:1.2");
        assert_eq!(interpolate_marking("${REG:-x}/app", &env, '?'), "?/app");
    }
}
