//! Spring Boot's "Started …" line (semantics §11.1), in every version's wording and inside any
//! log layout: Boot 2.0–2.7 `(JVM running for …)`, 3.x/4.0 `(process running for …)`,
//! `Restored` after a CRaC restore, the default Logback and Log4j2 patterns, JSON layouts (ECS,
//! Logstash) and ANSI colour codes. Several starts in one file are all returned; the model takes
//! the largest. Each line also yields the application name when the layout carries one
//! (`--- [order-service] [main]` since Boot 3.2, `service.name` in ECS), which maps a line whose
//! main class is ambiguous (`Application` in every module) to its service.

use regex::Regex;
use std::ops::Range;
use std::sync::OnceLock;

#[derive(Clone, Debug, PartialEq)]
pub struct BootLine {
    /// `Started` or `Restored`.
    pub action: String,
    /// Short main class name as logged (`OrderServiceApplicationKt`, `Outer.Inner`, `application`).
    pub class: String,
    /// Seconds since `SpringApplication.run()`, as logged (`161.359`).
    pub started_in: String,
    /// `JVM` (Boot 2) or `process` (Boot 3+), and the uptime as logged: the better measure of
    /// container start → port open, since it includes JVM start-up.
    pub running_for: Option<(String, String)>,
    /// `spring.application.name` when the log layout carries it.
    pub app: Option<String>,
    pub line: u32,
    /// The `Started … seconds (…)` text in the file (original offsets, colour codes included).
    pub span: Range<u32>,
}

impl BootLine {
    pub fn seconds(&self) -> f64 {
        let parse = |s: &str| s.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0);
        self.running_for
            .as_ref()
            .and_then(|(_, u)| parse(u))
            .or_else(|| parse(&self.started_in))
            .unwrap_or(0.0)
    }

    /// The part of the line the number comes from, for messages.
    pub fn phrase(&self) -> String {
        match &self.running_for {
            Some((what, u)) => format!("{what} running for {u}"),
            None => format!("{} {} in {} seconds", self.action, self.class, self.started_in),
        }
    }
}

const NUMBER: &str = r"[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?";

fn started_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(
            r"(Started|Restored) ([A-Za-z_$][\w$.]*) in ({NUMBER}) seconds(?: \((JVM|process) running for ({NUMBER})\))?"
        ))
        .expect("static regex")
    })
}

fn ansi_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\x1b\[[0-9;?]*[A-Za-z]").expect("static regex"))
}

/// The application name a layout carries: Boot 3.2+'s default pattern puts it in brackets
/// before the thread (`--- [order-service] [           main]`); JSON layouts use a field.
fn app_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r#"(?x)
            \ ---\ \[\s*([^\]\s][^\]]*?)\s*\]\ +\[                                   # Logback / Log4j2, Boot 3.2+
            | "service\.name"\s*:\s*"([^"\\]+)"                                   # ECS, flat
            | "service"\s*:\s*\{[^{}]*?"name"\s*:\s*"([^"\\]+)"                     # ECS, nested
            | "(?:spring\.application\.name|springAppName|app_name|appName|application|app)"\s*:\s*"([^"\\]+)"  # Logstash custom fields
            "#,
        )
        .expect("static regex")
    })
}

/// Removes ANSI escape sequences, keeping for every byte of the result its offset in `line`.
fn strip_ansi(line: &str) -> (String, Vec<u32>) {
    let mut out = String::with_capacity(line.len());
    let mut map = Vec::with_capacity(line.len() + 1);
    let mut pos = 0;
    for m in ansi_re().find_iter(line) {
        out.push_str(&line[pos..m.start()]);
        map.extend((pos..m.start()).map(|o| o as u32));
        pos = m.end();
    }
    out.push_str(&line[pos..]);
    map.extend((pos..line.len()).map(|o| o as u32));
    map.push(line.len() as u32);
    (out, map)
}

pub fn parse(text: &str) -> Vec<BootLine> {
    let mut out = Vec::new();
    let mut offset = 0usize;
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        // A cheap filter first: most log lines are not start-up lines.
        if raw.contains(" seconds") {
            let (line, map) = if raw.contains('\x1b') {
                strip_ansi(raw)
            } else {
                (raw.to_string(), (0..=raw.len() as u32).collect())
            };
            let app = app_re()
                .captures(&line)
                .and_then(|c| (1..=4).find_map(|g| c.get(g)))
                .map(|m| m.as_str().trim().to_string())
                .filter(|a| !a.is_empty());
            for c in started_re().captures_iter(&line) {
                let whole = c.get(0).expect("group 0");
                let start = map[whole.start()] as usize;
                let end = map[whole.end()] as usize;
                out.push(BootLine {
                    action: c[1].to_string(),
                    class: c[2].trim_end_matches('.').to_string(),
                    started_in: c[3].to_string(),
                    running_for: c
                        .get(4)
                        .zip(c.get(5))
                        .map(|(w, u)| (w.as_str().to_string(), u.as_str().to_string())),
                    app: app.clone(),
                    line: i as u32 + 1,
                    span: (offset + start) as u32..(offset + end) as u32,
                });
            }
        }
        offset += raw.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boot2_boot3_and_bare_forms() {
        let log = "2024-01-01 INFO 1 --- [main] c.k.OrderServiceApplicationKt : Started OrderServiceApplicationKt in 161.359 seconds\n\
                   x Started App in 3.2 seconds (JVM running for 4.01)\n\
                   \u{1b}[32mINFO\u{1b}[0m Restored Outer.Inner in 0.5 seconds (process running for 0.9)\n";
        let lines = parse(log);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].class, "OrderServiceApplicationKt");
        assert_eq!(lines[0].seconds(), 161.359);
        assert_eq!(lines[0].app, None);
        assert_eq!(lines[1].seconds(), 4.01);
        assert_eq!(lines[1].phrase(), "JVM running for 4.01");
        assert_eq!(lines[2].class, "Outer.Inner");
        assert_eq!(lines[2].action, "Restored");
        assert_eq!(lines[2].line, 3);
    }

    #[test]
    fn application_name_from_each_layout() {
        let boot32 = "2024-05-14T09:14:44.473Z  INFO 1 --- [order-service] [           main] c.a.Application : Started Application in 1.5 seconds (process running for 2.1)\n";
        assert_eq!(parse(boot32)[0].app.as_deref(), Some("order-service"));
        let boot27 = "2022-01-01 10:00:00.000  INFO 1 --- [           main] c.a.Application : Started Application in 1.5 seconds (JVM running for 2.1)\n";
        assert_eq!(parse(boot27)[0].app, None);
        let ecs = r#"{"@timestamp":"2025-01-01T00:00:00Z","log.level":"INFO","service.name":"billing","log.logger":"c.a.Application","message":"Started Application in 12.5 seconds (process running for 13.9)"}"#;
        let l = &parse(ecs)[0];
        assert_eq!((l.app.as_deref(), l.seconds()), (Some("billing"), 13.9));
        let nested =
            r#"{"service":{"name":"billing","version":"1"},"message":"Started Application in 12.5 seconds (process running for 13.9)"}"#;
        assert_eq!(parse(nested)[0].app.as_deref(), Some("billing"));
        let logstash = r#"{"@timestamp":"x","message":"Started Application in 2.0 seconds (JVM running for 3.0)","logger_name":"c.a.Application","springAppName":"billing"}"#;
        assert_eq!(parse(logstash)[0].app.as_deref(), Some("billing"));
    }

    #[test]
    fn colour_codes_inside_the_message_keep_original_offsets() {
        let log = "\u{1b}[2m2024\u{1b}[0;39m \u{1b}[32m INFO\u{1b}[0;39m : Started \u{1b}[1mApp\u{1b}[0m in 1.0E2 seconds (process running for 101.5)\n";
        let l = &parse(log)[0];
        assert_eq!(l.class, "App");
        assert_eq!(l.seconds(), 101.5);
        assert!(log[l.span.start as usize..l.span.end as usize].starts_with("Started"));
        assert!(log[l.span.start as usize..l.span.end as usize].ends_with("101.5)"));
    }

    #[test]
    fn several_starts_and_hostile_input() {
        let log = "Started A in 1 seconds\r\nStarted A in 2 seconds\r\nStarted  in x seconds\n\u{1b}[ Started";
        assert_eq!(parse(log).iter().map(|l| l.seconds()).collect::<Vec<_>>(), [1.0, 2.0]);
        assert!(parse("\u{1b}\u{1b}[ seconds \u{0} ü seconds").is_empty());
    }

    #[test]
    fn every_prefix_of_odd_input_is_safe() {
        let text = "\u{1b}[2mä\u{1b}[0m --- [ü-app] [main] {\"service\":{\"name\":\"é\"}} Started Ä.Ü in 1.5e1 seconds (JVM running for 16.2)\r\n Restored X in 0.1 seconds\n";
        for (i, _) in text.char_indices() {
            let _ = parse(&text[..i]);
            let _ = parse(&text[i..]);
        }
    }
}
