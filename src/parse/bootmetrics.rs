//! Prometheus exposition dumps (`curl …/actuator/prometheus > order.prom`), text format 0.0.4 and
//! OpenMetrics: only the start-up gauges Boot 2.6+ registers (semantics §11.2),
//! `application_started_time_seconds` and `application_ready_time_seconds`, with their
//! `main_application_class` (fully-qualified) and `application` labels.

use std::ops::Range;

pub const STARTED: &str = "application_started_time_seconds";
pub const READY: &str = "application_ready_time_seconds";

#[derive(Clone, Debug, PartialEq)]
pub struct BootSample {
    /// `STARTED` or `READY`.
    pub metric: &'static str,
    /// `main_application_class`, fully qualified (`com.acme.Outer$Inner`).
    pub class: Option<String>,
    /// The `application` common tag, usually `spring.application.name`.
    pub application: Option<String>,
    pub seconds: f64,
    pub line: u32,
    /// The sample line, without its line break.
    pub span: Range<u32>,
}

/// Whether a file named as a boot log is really an exposition dump.
pub fn looks_like_exposition(text: &str) -> bool {
    text.lines()
        .take(2000)
        .any(|l| l.starts_with("# TYPE ") || l.starts_with("# HELP ") || l.starts_with(STARTED) || l.starts_with(READY))
}

/// `{k="v",…}` with the format's escapes (`\\`, `\"`, `\n`) and an optional trailing comma.
fn labels(s: &str) -> Option<(Vec<(String, String)>, &str)> {
    let mut rest = s.strip_prefix('{')?;
    let mut out = Vec::new();
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix('}') {
            return Some((out, r));
        }
        let eq = rest.find('=')?;
        let key = rest[..eq].trim().to_string();
        rest = rest[eq + 1..].trim_start().strip_prefix('"')?;
        let mut value = String::new();
        let mut chars = rest.char_indices();
        let end = loop {
            let (i, c) = chars.next()?;
            match c {
                '\\' => match chars.next()?.1 {
                    'n' => value.push('\n'),
                    other => value.push(other),
                },
                '"' => break i,
                c => value.push(c),
            }
        };
        out.push((key, value));
        rest = rest[end + 1..].trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest);
    }
}

pub fn parse(text: &str) -> Vec<BootSample> {
    let mut out = Vec::new();
    let mut offset = 0usize;
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        let line = raw.trim_end_matches(['\n', '\r']);
        let start = offset;
        offset += raw.len();
        let metric = if line.starts_with(STARTED) {
            STARTED
        } else if line.starts_with(READY) {
            READY
        } else {
            continue;
        };
        let after = &line[metric.len()..];
        let (labels, rest) = if after.starts_with('{') {
            match labels(after) {
                Some(x) => x,
                None => continue,
            }
        } else if after.starts_with([' ', '\t']) {
            (vec![], after)
        } else {
            // `application_started_time_seconds_max` and the like.
            continue;
        };
        let Some(value) = rest.split_whitespace().next() else { continue };
        let Ok(seconds) = value.parse::<f64>() else { continue };
        if !seconds.is_finite() || seconds < 0.0 {
            continue;
        }
        let get = |k: &str| {
            labels
                .iter()
                .find(|(lk, _)| lk == k)
                .map(|(_, v)| v.clone())
                .filter(|v| !v.is_empty())
        };
        out.push(BootSample {
            metric,
            class: get("main_application_class"),
            application: get("application"),
            seconds,
            line: i as u32 + 1,
            span: start as u32..(start + line.len()) as u32,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_format_and_openmetrics() {
        let text = "# HELP application_started_time_seconds Time taken to start the application\n\
                    # TYPE application_started_time_seconds gauge\n\
                    application_started_time_seconds{application=\"order-service\",main_application_class=\"com.acme.order.OrderServiceApplicationKt\",} 161.359\n\
                    application_ready_time_seconds{main_application_class=\"com.acme.order.OrderServiceApplicationKt\"} 1.63E2 1715678084000\n\
                    application_started_time_seconds_max 3\n\
                    jvm_threads_live_threads 30.0\n# EOF\n";
        assert!(looks_like_exposition(text));
        let s = parse(text);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].metric, STARTED);
        assert_eq!(s[0].class.as_deref(), Some("com.acme.order.OrderServiceApplicationKt"));
        assert_eq!(s[0].application.as_deref(), Some("order-service"));
        assert_eq!(s[0].seconds, 161.359);
        assert_eq!(s[0].line, 3);
        assert!(text[s[0].span.start as usize..s[0].span.end as usize].ends_with("161.359"));
        assert_eq!((s[1].metric, s[1].seconds), (READY, 163.0));
    }

    #[test]
    fn escapes_and_garbage() {
        let s = parse("application_ready_time_seconds{main_application_class=\"a.B$C\",x=\"q\\\"\\\\\"} 2\n");
        assert_eq!(s[0].class.as_deref(), Some("a.B$C"));
        for bad in [
            "application_ready_time_seconds{a=\"x} 2\n",
            "application_ready_time_seconds{",
            "application_ready_time_seconds NaN",
            "application_ready_time_seconds{a=\"\\",
            "application_ready_time_seconds -1",
        ] {
            assert!(parse(bad).is_empty(), "{bad}");
        }
        assert!(!looks_like_exposition("Started App in 3 seconds"));
    }

    #[test]
    fn every_prefix_of_odd_input_is_safe() {
        let text = "application_started_time_seconds{main_application_class=\"ä.B$Ü\",application=\"é\\\"\\n\",} 1.5E1 17\napplication_ready_time_seconds 2\n";
        for (i, _) in text.char_indices() {
            let _ = parse(&text[..i]);
            let _ = parse(&text[i..]);
        }
    }
}
