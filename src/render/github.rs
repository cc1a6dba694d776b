//! GitHub Actions workflow commands (peers §5.3):
//! `::error file=…,line=…,endLine=…,col=…,endColumn=…,title=…::message`, escaped as
//! actions/toolkit's `command.ts` does. Errors come first: GitHub shows only 10 annotations of
//! each kind per step, and the SARIF upload is the complete channel.

use super::{position, Input};
use crate::diagnostic::Severity;

/// Message data: `%`, CR, LF.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Property values: as data, plus `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

pub fn render(inputs: &[Input<'_>]) -> String {
    let mut lines: Vec<(std::cmp::Reverse<Severity>, usize, String)> = Vec::new();
    for inp in inputs {
        for d in &inp.report.diagnostics {
            let (l, c, el, ec) = position(inp.sources, d.primary.span);
            let path = format!("{}{}", inp.prefix, inp.sources.path(d.primary.span.file));
            let mut message = d.message.clone();
            if let Some(h) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(h);
            }
            let line = format!(
                "::{} file={},line={l},endLine={el},col={c},endColumn={ec},title={}::{}",
                command(d.severity),
                escape_property(&path),
                escape_property(&format!("actuator-lint ({})", d.rule)),
                escape_data(&message)
            );
            let n = lines.len();
            lines.push((std::cmp::Reverse(d.severity), n, line));
        }
    }
    lines.sort();
    let mut out = String::new();
    for (_, _, l) in lines {
        out.push_str(&l);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_toolkit() {
        assert_eq!(escape_data("100% a\r\nb: c, d"), "100%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("k8s/a:b,c%.yaml"), "k8s/a%3Ab%2Cc%25.yaml");
    }
}
