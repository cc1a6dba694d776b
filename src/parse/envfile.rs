//! `.env` files named by Compose `env_file`: `KEY=VALUE` lines, `#` comments, optional
//! `export ` and quotes.

use std::ops::Range;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub value: String,
    pub span: Range<u32>,
    pub value_span: Range<u32>,
}

pub fn parse(text: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    for line in text.split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let t = body.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let lead = body.len() - t.len();
        let (t, lead) = match t.strip_prefix("export ") {
            Some(r) => (r.trim_start(), lead + (t.len() - r.trim_start().len())),
            None => (t, lead),
        };
        let Some((k, v)) = t.split_once('=') else { continue };
        let vstart = start + lead + k.len() + 1;
        let raw = v.trim_end();
        let value = if raw.len() >= 2 && ((raw.starts_with('"') && raw.ends_with('"')) || (raw.starts_with('\'') && raw.ends_with('\''))) {
            raw[1..raw.len() - 1].to_string()
        } else {
            // Unquoted values end at ` #` comments.
            raw.split(" #").next().unwrap_or(raw).trim().to_string()
        };
        out.push(Entry {
            name: k.trim().to_string(),
            value,
            span: (start + lead) as u32..(start + lead + t.trim_end().len()) as u32,
            value_span: vstart as u32..(vstart + raw.len()) as u32,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_pairs() {
        let e = super::parse("# c\nexport A=1\nB=\"x y\"\nC=z # note\nbad\n");
        let got: Vec<_> = e.iter().map(|e| (e.name.as_str(), e.value.as_str())).collect();
        assert_eq!(got, vec![("A", "1"), ("B", "x y"), ("C", "z")]);
    }
}
