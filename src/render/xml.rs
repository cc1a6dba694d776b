//! The XML shapes CI servers import: Checkstyle (`<checkstyle><file><error/>`) and JUnit
//! (`<testsuites><testsuite><testcase><failure/>`, one test suite per file like ruff's).

use super::{position, Input};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceSet;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Escapes text for an attribute or element; drops the control characters XML 1.0 forbids and
/// keeps line breaks in attributes as character references.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

type ByFile<'a> = BTreeMap<String, Vec<(&'a SourceSet, &'a Diagnostic)>>;

fn by_file<'a>(inputs: &'a [Input<'a>]) -> ByFile<'a> {
    let mut files: ByFile<'a> = BTreeMap::new();
    for inp in inputs {
        for d in &inp.report.diagnostics {
            let path = format!("{}{}", inp.prefix, inp.sources.path(d.primary.span.file));
            files.entry(path).or_default().push((inp.sources, d));
        }
    }
    files
}

fn full_message(d: &Diagnostic) -> String {
    match &d.help {
        Some(h) => format!("{} (help: {h})", d.message),
        None => d.message.clone(),
    }
}

pub fn checkstyle(inputs: &[Input<'_>]) -> String {
    let mut o = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n");
    for (path, diags) in by_file(inputs) {
        let _ = writeln!(o, "  <file name=\"{}\">", escape(&path));
        for (sources, d) in diags {
            let (l, c, _, _) = position(sources, d.primary.span);
            let _ = writeln!(
                o,
                "    <error line=\"{l}\" column=\"{c}\" severity=\"{}\" message=\"{}\" source=\"actuator-lint.{}\"/>",
                d.severity.as_str(),
                escape(&full_message(d)),
                d.rule
            );
        }
        o.push_str("  </file>\n");
    }
    o.push_str("</checkstyle>\n");
    o
}

pub fn junit(inputs: &[Input<'_>]) -> String {
    let files = by_file(inputs);
    // Infos are advice, not failures: they are listed as passing test cases with a note.
    let failing = |d: &Diagnostic| d.severity != Severity::Info;
    let total: usize = files.values().map(Vec::len).sum();
    let failures: usize = files.values().flatten().filter(|(_, d)| failing(d)).count();
    let mut o = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        o,
        "<testsuites name=\"actuator-lint\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">",
        total.max(1)
    );
    if files.is_empty() {
        o.push_str("  <testsuite name=\"actuator-lint\" tests=\"1\" failures=\"0\" errors=\"0\">\n");
        o.push_str("    <testcase name=\"no problems found\" classname=\"actuator-lint\"/>\n");
        o.push_str("  </testsuite>\n");
    }
    for (path, diags) in &files {
        let n = diags.iter().filter(|(_, d)| failing(d)).count();
        let _ = writeln!(
            o,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{n}\" errors=\"0\">",
            escape(path),
            diags.len()
        );
        for (sources, d) in diags {
            let (l, c, _, _) = position(sources, d.primary.span);
            let name = format!("{} at {path}:{l}:{c}", d.rule);
            let _ = write!(
                o,
                "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{l}\"",
                escape(&name),
                escape(path),
                escape(path)
            );
            let body = format!("{path}:{l}:{c}: {}", full_message(d));
            if failing(d) {
                let _ = writeln!(
                    o,
                    ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                    escape(&d.message),
                    d.rule,
                    escape(&body)
                );
            } else {
                let _ = writeln!(o, ">\n      <system-out>{}</system-out>\n    </testcase>", escape(&body));
            }
        }
        o.push_str("  </testsuite>\n");
    }
    o.push_str("</testsuites>\n");
    o
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(super::escape("a<b & \"c\"\n\u{1}"), "a&lt;b &amp; &quot;c&quot;&#10;");
    }
}
