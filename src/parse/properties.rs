// STUB: replaced by the helper's implementation.
use std::ops::Range;
pub struct PropDocument {
    pub entries: Vec<PropEntry>,
    pub start: u32,
    pub separator: Option<char>,
}
pub struct PropEntry {
    pub key: String,
    pub key_span: Range<u32>,
    pub value: String,
    pub value_span: Range<u32>,
    pub line_span: Range<u32>,
}
pub fn parse(text: &str) -> Vec<PropDocument> {
    let mut entries = Vec::new();
    let mut off = 0u32;
    for line in text.split_inclusive('\n') {
        let l = line.trim_end_matches(['\n', '\r']);
        if let Some((k, v)) = l.split_once('=') {
            if !l.trim_start().starts_with('#') {
                let ks = off;
                let vs = off + k.len() as u32 + 1;
                entries.push(PropEntry {
                    key: k.trim().into(),
                    key_span: ks..ks + k.len() as u32,
                    value: v.trim_start().into(),
                    value_span: vs..vs + v.len() as u32,
                    line_span: off..off + l.len() as u32,
                });
            }
        }
        off += line.len() as u32;
    }
    vec![PropDocument {
        entries,
        start: 0,
        separator: None,
    }]
}
