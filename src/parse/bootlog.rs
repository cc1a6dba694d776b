//! Spring Boot's "Started …" line (semantics §11.1), in every version's wording and inside any
//! log layout: the regex is unanchored so Logback/Log4j2 prefixes, JSON wrappers and ANSI colour
//! codes around it do not matter.

use regex::Regex;
use std::ops::Range;
use std::sync::OnceLock;

#[derive(Clone, Debug, PartialEq)]
pub struct BootLine {
    /// Short main class name as logged (`OrderServiceApplicationKt`, `Outer.Inner`).
    pub class: String,
    /// Seconds since `SpringApplication.run()`.
    pub started_in: f64,
    /// JVM/process uptime when present: the better measure of container start → port open.
    pub running_for: Option<f64>,
    pub line: u32,
    pub span: Range<u32>,
}

impl BootLine {
    pub fn seconds(&self) -> f64 {
        self.running_for.unwrap_or(self.started_in)
    }
}

fn regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?:Started|Restored) ([A-Za-z_$][\w$.]*) in ([0-9]+(?:\.[0-9]+)?) seconds(?: \((?:JVM|process) running for ([0-9]+(?:\.[0-9]+)?)\))?",
        )
        .expect("static regex")
    })
}

pub fn parse(text: &str) -> Vec<BootLine> {
    let mut out = Vec::new();
    let mut offset = 0usize;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        // A cheap filter first: most log lines are not start-up lines.
        if line.contains(" seconds") {
            for c in regex().captures_iter(line) {
                let whole = c.get(0).expect("group 0");
                out.push(BootLine {
                    class: c[1].to_string(),
                    started_in: c[2].parse().unwrap_or(0.0),
                    running_for: c.get(3).and_then(|m| m.as_str().parse().ok()),
                    line: i as u32 + 1,
                    span: (offset + whole.start()) as u32..(offset + whole.end()) as u32,
                });
            }
        }
        offset += line.len();
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
        assert_eq!(lines[1].seconds(), 4.01);
        assert_eq!(lines[2].class, "Outer.Inner");
        assert_eq!(lines[2].line, 3);
    }
}
