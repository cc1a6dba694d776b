//! Boot times as people write them on the command line (`--boot-time`) and in
//! actuator-lint.toml (`boot-time`). Base layer.

/// Parses `161s`, `2m41s`, `161.4`, `1m`, `500ms`, `1h2m`; at most a day, which no boot takes.
pub fn parse_duration(text: &str) -> Option<f64> {
    parse_any_duration(text).filter(|s| *s <= 86_400.0)
}

fn parse_any_duration(text: &str) -> Option<f64> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Ok(v) = t.parse::<f64>() {
        return (v.is_finite() && v >= 0.0).then_some(v);
    }
    let mut total = 0.0;
    let mut num = String::new();
    let mut chars = t.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let mut unit = c.to_string();
        while let Some(&n) = chars.peek() {
            if n.is_ascii_alphabetic() {
                unit.push(n);
                chars.next();
            } else {
                break;
            }
        }
        let v: f64 = num.parse().ok()?;
        num.clear();
        total += v * match unit.as_str() {
            "h" => 3600.0,
            "m" | "min" => 60.0,
            "s" | "sec" => 1.0,
            "ms" => 0.001,
            _ => return None,
        };
        any = true;
    }
    if !num.is_empty() {
        return None;
    }
    (any && total.is_finite()).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("161s"), Some(161.0));
        assert_eq!(parse_duration("2m41s"), Some(161.0));
        assert_eq!(parse_duration("161.4"), Some(161.4));
        assert_eq!(parse_duration("500ms"), Some(0.5));
        assert_eq!(parse_duration("abc"), None);
        assert_eq!(parse_duration("5x"), None);
        assert_eq!(parse_duration(""), None);
        assert_eq!(parse_duration("1e30"), None);
        assert_eq!(parse_duration("25h"), None);
    }
}
