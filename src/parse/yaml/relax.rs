//! YAML as go-yaml, SnakeYAML and PyYAML read it (semantics §12.2), for text saphyr-parser
//! (strict YAML 1.2) refused.
//!
//! Those parsers ignore indentation inside flow collections and quoted scalars: `args: [` with
//! its items and `]` at the key's column, a quoted scalar continued at column 0, a tab in a
//! quoted continuation. They also end a flow token at a `#` with no space before it
//! (`"v"# c`, `[a, b]# c`). Rather than fork saphyr's scanner, the text is re-indented: each
//! continuation line of a flow collection or quoted scalar that starts left of the opening
//! bracket or quote gets spaces in front, and a comment glued to a flow token gets one space.
//! Neither changes a value (leading white space of a continuation line is folded away, white
//! space between flow tokens means nothing), and every inserted byte is recorded, so spans map
//! back to the original text exactly.
//!
//! Spring config may also hold Maven resource-filtering tokens (`version: @project.version@`,
//! §13.1): `@` cannot start a plain scalar, so the unfiltered file is not YAML. When asked, such
//! a scalar's `@` is read as a letter and restored afterwards; whether the token is a
//! placeholder or a startup failure is the build model's question, not the parser's.
//!
//! The scan is a light lexer, not a YAML parser: it only has to find where flow collections and
//! quoted scalars open and close. If it misjudges, saphyr still parses the result strictly, and
//! the caller reports the error.

use memchr::memchr;

pub(super) struct Relaxed {
    pub text: String,
    edits: Vec<Edit>,
    /// Original offsets of the `@` that starts a plain scalar.
    pub at_signs: Vec<u32>,
}

/// One change: `removed` original bytes at `orig` became `inserted` bytes at `at` in `text`.
struct Edit {
    orig: u32,
    removed: u32,
    at: u32,
    inserted: u32,
}

/// What `@` is read as; any letter can start a plain scalar and ends nothing.
const AT_STAND_IN: &str = "x";

impl Relaxed {
    /// The original offset of an offset in `text` (inside an edit: where it was made).
    pub fn original(&self, at: u32) -> u32 {
        let k = self.edits.partition_point(|e| e.at <= at);
        let Some(e) = k.checked_sub(1).map(|k| &self.edits[k]) else {
            return at;
        };
        if at < e.at + e.inserted {
            e.orig + (at - e.at).min(e.removed)
        } else {
            at - e.at - e.inserted + e.orig + e.removed
        }
    }
}

/// The re-indented text, or `None` when there is nothing to change.
pub(super) fn relax(text: &str, at_signs: bool) -> Option<Relaxed> {
    let mut lx = Lexer {
        flow: Vec::new(),
        quote: None,
        block_scalar: None,
        edits: Vec::new(),
        at_signs: Vec::new(),
        want_at_signs: at_signs,
    };
    let bytes = text.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        let end = memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        lx.line(&bytes[start..end], start);
        start = end + 1;
    }
    if lx.edits.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 64);
    let mut edits = Vec::with_capacity(lx.edits.len());
    let mut copied = 0;
    for (orig, removed, replacement) in lx.edits {
        out.push_str(&text[copied..orig as usize]);
        edits.push(Edit {
            orig,
            removed,
            at: out.len() as u32,
            inserted: replacement.len() as u32,
        });
        out.push_str(&replacement);
        copied = (orig + removed) as usize;
    }
    out.push_str(&text[copied..]);
    Some(Relaxed {
        text: out,
        edits,
        at_signs: lx.at_signs,
    })
}

/// The few things the re-indentation must know about the text so far.
struct Lexer {
    /// Columns of the open flow collections' brackets.
    flow: Vec<usize>,
    /// An open quoted scalar: its quote and the column it opened at.
    quote: Option<(u8, usize)>,
    /// Inside a block scalar: lines indented more than this column are its content.
    block_scalar: Option<usize>,
    /// (original offset, bytes replaced, replacement), by offset; edits touch ASCII bytes
    /// only, so the text stays UTF-8.
    edits: Vec<(u32, u32, String)>,
    at_signs: Vec<u32>,
    /// Spring config: `@` tokens, and SnakeYAML's own refusals.
    want_at_signs: bool,
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t' || b == b'\r'
}

impl Lexer {
    fn line(&mut self, line: &[u8], offset: usize) {
        let spaces = line.iter().take_while(|&&b| b == b' ').count();
        let lead = line.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
        let rest = &line[lead..];
        let empty = rest.iter().all(|&b| is_blank(b));
        if let Some(parent) = self.block_scalar {
            if empty || spaces > parent {
                return;
            }
            self.block_scalar = None;
        }
        let in_flow = !self.flow.is_empty();
        let marker = line.starts_with(b"---") || line.starts_with(b"...");
        if self.quote.is_none() && marker && line.get(3).is_none_or(|&b| is_blank(b)) {
            // A document marker: whatever was open is an error saphyr reports.
            self.flow.clear();
            return;
        }
        if self.quote.is_none() && !in_flow && line.first() == Some(&b'%') {
            return;
        }
        // SnakeYAML (Spring) refuses a tab indenting a flow collection's line, unlike go-yaml and
        // libyaml (semantics §12.2): for Spring that line stays the error it is.
        let tab_in_flow = self.quote.is_none() && line[..lead].contains(&b'\t');
        let spring = self.want_at_signs;
        if (self.quote.is_some() || in_flow) && !empty && !(spring && tab_in_flow) {
            let need = self.flow.first().copied().or(self.quote.map(|(_, c)| c)).unwrap_or(0) + 1;
            if lead < need {
                self.edits.push((offset as u32, 0, " ".repeat(need - lead)));
            }
        }
        self.scan(line, offset, lead);
    }

    /// Follows quotes, brackets, comments and block-scalar headers through one line.
    fn scan(&mut self, line: &[u8], offset: usize, lead: usize) {
        // A block line starts a node; inside a flow collection, it continues whatever was before.
        let mut node_start = true;
        // Right after a token that a `#` may follow without a space in go-yaml/libyaml.
        let mut glued = false;
        let mut white = true;
        // Column where the current entry's key (or `- `) starts, for a block scalar's content,
        // and whether a scalar starting now is a key.
        let mut entry_col = lead;
        let mut key_pos = true;
        let mut col = lead;
        let mut i = lead;
        while i < line.len() {
            let b = line[i];
            let next = line.get(i + 1).copied();
            let ends = next.is_none_or(is_blank);
            let step = |i: &mut usize, col: &mut usize| {
                *i += 1;
                if b & 0xC0 != 0x80 {
                    *col += 1;
                }
            };
            if let Some((q, _)) = self.quote {
                if b == b'\\' && q == b'"' {
                    if let Some((len, replacement)) = surrogate_escape(&line[i..]) {
                        self.edits.push(((offset + i) as u32, len as u32, replacement));
                        i += len;
                        col += len;
                        continue;
                    }
                    // Skip the escaped char (an ASCII one matters; others are content).
                    step(&mut i, &mut col);
                    if i < line.len() && line[i] < 0x80 {
                        i += 1;
                        col += 1;
                    }
                    continue;
                }
                if b == q {
                    if q == b'\'' && next == Some(b'\'') {
                        i += 2;
                        col += 2;
                        continue;
                    }
                    self.quote = None;
                    glued = true;
                    white = false;
                    node_start = false;
                }
                step(&mut i, &mut col);
                continue;
            }
            let in_flow = !self.flow.is_empty();
            match b {
                b' ' | b'\t' | b'\r' => {
                    white = true;
                    glued = false;
                    step(&mut i, &mut col);
                    continue;
                }
                b'#' if white => return,
                b'#' if glued => {
                    self.edits.push(((offset + i) as u32, 0, " ".into()));
                    return;
                }
                b'\'' | b'"' if node_start => {
                    self.quote = Some((b, col));
                    if key_pos && !in_flow {
                        entry_col = col;
                    }
                    node_start = false;
                }
                b'[' | b'{' if node_start || in_flow => {
                    self.flow.push(col);
                    node_start = true;
                    step(&mut i, &mut col);
                    glued = true;
                    white = false;
                    continue;
                }
                b']' | b'}' if in_flow => {
                    self.flow.pop();
                    node_start = false;
                    step(&mut i, &mut col);
                    glued = true;
                    white = false;
                    continue;
                }
                b',' if in_flow => {
                    node_start = true;
                    step(&mut i, &mut col);
                    glued = true;
                    white = false;
                    continue;
                }
                b'-' | b'?' if node_start && !in_flow && ends => {
                    entry_col = col;
                    key_pos = true;
                }
                b':' if ends || (in_flow && (glued || matches!(next, Some(b',' | b'[' | b']' | b'{' | b'}')))) => {
                    node_start = true;
                    key_pos = false;
                }
                b'|' | b'>' if node_start && !in_flow => {
                    self.block_scalar = Some(entry_col);
                    return;
                }
                b'&' | b'!' if node_start => {
                    // An anchor or tag: the node follows it.
                    while i < line.len() && !is_blank(line[i]) && !(in_flow && matches!(line[i], b',' | b'[' | b']' | b'{' | b'}')) {
                        step(&mut i, &mut col);
                    }
                    white = false;
                    glued = false;
                    continue;
                }
                b'@' if node_start && self.want_at_signs => {
                    self.at_signs.push((offset + i) as u32);
                    self.edits.push(((offset + i) as u32, 1, AT_STAND_IN.into()));
                    node_start = false;
                }
                _ => {
                    if node_start && key_pos && !in_flow {
                        entry_col = col;
                    }
                    node_start = false;
                }
            }
            glued = false;
            white = false;
            step(&mut i, &mut col);
        }
    }
}

/// A UTF-16 surrogate written as a JSON escape (`\uD83C\uDFAC`, RFC 8259 §7), which YAML's
/// `\u` does not take: a pair becomes the `\U` escape of its character, a lone surrogate
/// U+FFFD as Go's and Jackson's decoders make it. Returns the bytes replaced and the escape.
fn surrogate_escape(at: &[u8]) -> Option<(usize, String)> {
    let unit = |b: &[u8]| -> Option<u32> {
        let hex = b.strip_prefix(b"\\u")?.get(..4)?;
        u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()
    };
    let high = unit(at)?;
    if !(0xD800..0xE000).contains(&high) {
        return None;
    }
    if high < 0xDC00 {
        if let Some(low) = unit(&at[6..]).filter(|l| (0xDC00..0xE000).contains(l)) {
            let c = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
            return Some((12, format!("\\U{c:08X}")));
        }
    }
    Some((6, "\\uFFFD".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_back_through_edits() {
        let text = "a: [\nb,\n]\nc: \"x\"# c\n";
        let r = relax(text, false).unwrap();
        assert_eq!(r.text, "a: [\n    b,\n    ]\nc: \"x\" # c\n");
        for (i, b) in text.bytes().enumerate() {
            let j = r
                .text
                .bytes()
                .enumerate()
                .filter(|&(j, c)| c == b && r.original(j as u32) == i as u32)
                .count();
            assert_eq!(j, 1, "byte {i} of the original appears once in the relaxed text");
        }
        // An inserted space maps to where it was inserted.
        assert_eq!(r.original(5), 5);
    }

    #[test]
    fn offsets_map_back_through_many_edits() {
        let mut text = String::from("args: [\n");
        for i in 0..40 {
            text.push_str(&format!("\"--a{i}\",\n"));
        }
        text.push_str("]\n");
        let r = relax(&text, false).unwrap();
        for (i, line) in text.lines().enumerate().skip(1) {
            let orig = text.match_indices(line).next().unwrap().0 as u32;
            let at = r.text.find(&format!(" {line}\n")).map(|p| p as u32 + 1).filter(|_| i > 0).unwrap();
            assert_eq!(r.original(at), orig, "line {line}");
        }
    }

    #[test]
    fn block_scalars_and_plain_text_are_left_alone() {
        assert!(relax("a: |\n  [x\nb: it's [ok\n", false).is_none());
        let r = relax("v: @project.version@\n", true).unwrap();
        assert_eq!(r.text, "v: xproject.version@\n");
        assert_eq!(r.at_signs, [3]);
    }

    #[test]
    fn tabs_indenting_a_flow_line_stay_an_error_for_spring() {
        let text = "a: [\n\tb]\n";
        assert_eq!(relax(text, false).unwrap().text, "a: [\n   \tb]\n");
        assert!(relax(text, true).is_none());
        // In a quoted continuation every consumer takes the tab.
        assert!(relax("a: \"x\n\ty\"\n", true).is_some());
    }

    #[test]
    fn surrogate_pairs_become_one_escape() {
        let text = "{\"p\": \"\\uD83C\\uDFAC movie \\uD800 \\u00e9\", \"q\": 1}";
        let r = relax(text, false).unwrap();
        assert_eq!(r.text, "{\"p\": \"\\U0001F3AC movie \\uFFFD \\u00e9\", \"q\": 1}");
        let q = r.text.find("\"q\"").unwrap() as u32;
        assert_eq!(r.original(q), text.find("\"q\"").unwrap() as u32);
    }
}
