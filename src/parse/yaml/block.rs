//! The block subset of YAML, read line by line.
//!
//! Nearly every Kubernetes manifest and Spring `application.yml` is block mappings and
//! sequences of one-line scalars. saphyr-parser handles all of YAML at ~1,700 instructions per
//! event, a third of a monorepo run; this reader handles only that subset, an order of
//! magnitude faster, and gives up (`None`) on anything else: flow collections (beyond a
//! one-line sequence of scalars and `{}`), block scalars,
//! anchors, aliases, tags, directives, escapes in quotes, multi-line scalars, tabs, CR line
//! ends, unusual indentation — and every error. saphyr-parser then reads the file from the
//! start, so what this module does not know costs time, never correctness.
//!
//! It feeds the same `Builder` with the events saphyr would produce, at the same byte spans
//! (including saphyr's quirks: a quoted scalar's span runs to the end of its line, a null
//! value sits right after its `:` or `-`). `tests` compare both readers on every fixture and
//! on generated streams, and the `yaml` fuzz target does the same on arbitrary input.

use super::{Builder, Document, Ev, Limits, Style};
use crate::source::FileId;

/// An open block collection whose entries start at column `indent`.
struct Open {
    map: bool,
    indent: usize,
    /// A sequence written at its parent key's column (`key:\n- a`): a line at that column
    /// that is not a `-` entry belongs to the parent.
    indentless: bool,
}

/// A key or `-` with nothing after it: its value is the block that follows, or null.
struct Pending {
    /// Column of the collection the key or `-` belongs to.
    indent: usize,
    /// Where saphyr puts the null: at the `:`, or at the end of the `-`'s line.
    at: usize,
    map_value: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Doc {
    Outside,
    /// After `---`, before any content.
    Started,
    Rooted,
}

struct Scanner<'t> {
    text: &'t str,
    b: Builder<'t>,
    stack: Vec<Open>,
    pending: Option<Pending>,
    /// After a scalar value: the deepest column the next line may start at (deeper would
    /// continue a multi-line plain scalar, which only saphyr reads).
    after_scalar: Option<usize>,
    doc: Doc,
}

/// The documents of `text`, or `None` when it is not plain block YAML.
pub(super) fn parse(text: &str, file: FileId, limits: &Limits) -> Option<Vec<Document>> {
    if !simple_bytes(text.as_bytes()) {
        return None;
    }
    let mut s = Scanner {
        text,
        b: Builder::new(text, file, limits),
        stack: Vec::new(),
        pending: None,
        after_scalar: None,
        doc: Doc::Outside,
    };
    let t = text.as_bytes();
    let mut pos = 0;
    while pos < t.len() {
        let end = memchr::memchr(b'\n', &t[pos..]).map_or(t.len(), |i| pos + i);
        s.line(pos, end)?;
        pos = end + 1;
    }
    s.end_doc(t.len(), t.len())?;
    Some(s.b.finish())
}

/// No tab, CR, control character, byte order mark, or Unicode line or paragraph separator:
/// the places where YAML versions and parsers differ are left to saphyr.
fn simple_bytes(t: &[u8]) -> bool {
    let mut i = 0;
    while i < t.len() {
        match t[i] {
            b'\n' | 0x20..=0x7e => {}
            0xc2 if matches!(t.get(i + 1), Some(0x80..=0x9f)) => return false,
            0xe2 if t.get(i + 1) == Some(&0x80) && matches!(t.get(i + 2), Some(0xa8 | 0xa9)) => return false,
            0xef if matches!(
                (t.get(i + 1), t.get(i + 2)),
                (Some(0xbb), Some(0xbf)) | (Some(0xbf), Some(0xbe | 0xbf))
            ) =>
            {
                return false
            }
            0x80..=0xff => {}
            _ => return false,
        }
        i += 1;
    }
    true
}

/// The first index at or after `k` that is not a space.
fn skip_spaces(line: &[u8], mut k: usize) -> usize {
    while k < line.len() && line[k] == b' ' {
        k += 1;
    }
    k
}

/// Where saphyr marks a `-` entry starting its content search at `k`: past spaces and a
/// comment, so the content's start or the end of the line.
fn entry_mark(line: &[u8], k: usize) -> usize {
    let k = skip_spaces(line, k);
    if k < line.len() && line[k] == b'#' {
        line.len()
    } else {
        k
    }
}

fn is_dash(line: &[u8], i: usize) -> bool {
    line.get(i) == Some(&b'-') && matches!(line.get(i + 1), None | Some(b' '))
}

/// Whether a plain scalar may start at `i` (YAML's ns-plain-first, minus `?` and `:`).
fn plain_start(line: &[u8], i: usize) -> bool {
    match line[i] {
        b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' => false,
        b'?' | b':' => false,
        b'-' => matches!(line.get(i + 1), Some(c) if *c != b' '),
        _ => true,
    }
}

/// A one-line quoted scalar at `j`: (content start, content end, index after the closing
/// quote). Escapes (`\` in double quotes, `''` in single) are left to saphyr.
fn quoted(line: &[u8], j: usize) -> Option<(usize, usize, usize)> {
    let q = line[j];
    let mut k = j + 1;
    while k < line.len() {
        let c = line[k];
        if c == q {
            if q == b'\'' && line.get(k + 1) == Some(&b'\'') {
                return None;
            }
            return Some((j + 1, k, k + 1));
        }
        if q == b'"' && c == b'\\' {
            return None;
        }
        k += 1;
    }
    None
}

fn quote_style(q: u8) -> Style {
    if q == b'"' {
        Style::DoubleQuoted
    } else {
        Style::SingleQuoted
    }
}

struct Key {
    content: (usize, usize),
    style: Style,
    span_end: usize,
    colon: usize,
}

/// A mapping key at `j` (`key:` followed by a space or the end of the line).
fn key_at(line: &[u8], j: usize) -> Option<Key> {
    let len = line.len();
    let colon_follows = |k: usize| line.get(k) == Some(&b':') && matches!(line.get(k + 1), None | Some(b' '));
    let key = match line[j] {
        q @ (b'"' | b'\'') => {
            let (a, b, close) = quoted(line, j)?;
            let k = skip_spaces(line, close);
            if !colon_follows(k) {
                return None;
            }
            Key {
                content: (a, b),
                style: quote_style(q),
                span_end: k,
                colon: k,
            }
        }
        _ => {
            if !plain_start(line, j) {
                return None;
            }
            let mut k = j;
            loop {
                if k == len {
                    return None;
                }
                match line[k] {
                    b':' if colon_follows(k) => break,
                    b'#' if line[k - 1] == b' ' => return None,
                    _ => k += 1,
                }
            }
            let mut e = k;
            while line[e - 1] == b' ' {
                e -= 1;
            }
            Key {
                content: (j, e),
                style: Style::Plain,
                span_end: e,
                colon: k,
            }
        }
    };
    // YAML caps implicit keys at 1024 characters; saphyr decides what happens beyond.
    (key.colon - j <= 1000).then_some(key)
}

/// A one-line plain scalar at `k`: (content end, index where it stopped). In block context it
/// runs to a comment or the end of the line; in flow context to the next `,` or `]`.
fn plain_end(line: &[u8], k: usize, flow: bool) -> Option<(usize, usize)> {
    if !plain_start(line, k) {
        return None;
    }
    let flow_indicator = |c: Option<u8>| flow && matches!(c, Some(b',' | b'[' | b']' | b'{' | b'}'));
    let (mut p, mut e) = (k, k);
    while p < line.len() {
        let next = line.get(p + 1).copied();
        match line[p] {
            b',' | b']' if flow => break,
            b'[' | b'{' | b'}' if flow => return None,
            // saphyr refuses a `-` before a flow indicator (`[-]`, `[a -]`).
            b'-' if flow_indicator(next) => return None,
            // `a: b: c` is an error, `[a: b]` a mapping (`h:80` is a scalar); `a: b:` and the
            // like are saphyr's to judge.
            b':' if matches!(next, None | Some(b' ')) || flow_indicator(next) => return None,
            b'#' if line[p - 1] == b' ' => {
                if flow {
                    return None;
                }
                break;
            }
            b' ' => p += 1,
            _ => {
                p += 1;
                e = p;
            }
        }
    }
    Some((e, p))
}

/// A one-line scalar value at `k` that ends its line (trailing spaces and a comment aside):
/// (content start, content end, style, span end).
fn scalar_at(line: &[u8], k: usize) -> Option<(usize, usize, Style, usize)> {
    let len = line.len();
    match line[k] {
        q @ (b'"' | b'\'') => {
            let (a, b, close) = quoted(line, k)?;
            let e = skip_spaces(line, close);
            (e == len || (line[e] == b'#' && e > close)).then_some((a, b, quote_style(q), len))
        }
        _ => {
            let (e, _) = plain_end(line, k, false)?;
            Some((k, e, Style::Plain, e))
        }
    }
}

impl Scanner<'_> {
    fn ev(&mut self, e: Ev<'_>, start: usize, end: usize) -> Option<()> {
        self.b.event(e, start as u32, end as u32).ok()
    }

    fn null(&mut self, start: usize, end: usize) -> Option<()> {
        self.ev(Ev::Scalar("", Style::Plain, 0), start, end)
    }

    fn close_top(&mut self, at: usize) -> Option<()> {
        let top = self.stack.pop()?;
        self.ev(if top.map { Ev::MapEnd } else { Ev::SeqEnd }, at, at)
    }

    fn line(&mut self, pos: usize, end: usize) -> Option<()> {
        let line = &self.text.as_bytes()[pos..end];
        let i = line.iter().position(|&c| c != b' ').unwrap_or(line.len());
        if i == line.len() || line[i] == b'#' {
            return Some(());
        }
        if i == 0 {
            if line.starts_with(b"---") && matches!(line.get(3), None | Some(b' ')) {
                let rest = line[3..].trim_ascii_start();
                if !(rest.is_empty() || rest[0] == b'#') {
                    return None;
                }
                self.end_doc(pos, pos + 3)?;
                self.ev(Ev::DocStart, pos, pos + 3)?;
                self.doc = Doc::Started;
                return Some(());
            }
            if line.starts_with(b"...") || line[0] == b'%' {
                return None;
            }
        }
        self.content(pos, end, i)
    }

    /// Closes the open document; `next` is the span of what follows it (a `---` or the end),
    /// where saphyr puts the null root of a document with no content.
    fn end_doc(&mut self, next_start: usize, next_end: usize) -> Option<()> {
        if let Some(p) = self.pending.take() {
            self.null(p.at, p.at)?;
        }
        while !self.stack.is_empty() {
            self.close_top(next_start)?;
        }
        match self.doc {
            Doc::Outside => {}
            Doc::Started => {
                self.null(next_start, next_end)?;
                self.ev(Ev::DocEnd, next_start, next_start)?;
            }
            Doc::Rooted => self.ev(Ev::DocEnd, next_start, next_start)?,
        }
        self.after_scalar = None;
        self.doc = Doc::Outside;
        Some(())
    }

    /// A line with content at column `i`.
    fn content(&mut self, pos: usize, end: usize, i: usize) -> Option<()> {
        let line = &self.text.as_bytes()[pos..end];
        if self.after_scalar.take().is_some_and(|limit| i > limit) {
            return None;
        }
        let dash = is_dash(line, i);
        // Some(indentless): this line opens a new collection.
        let mut opens = None;
        if let Some(p) = self.pending.take() {
            if i > p.indent {
                opens = Some(false);
            } else if p.map_value && i == p.indent && dash {
                opens = Some(true);
            } else {
                self.null(p.at, p.at)?;
            }
        }
        if opens.is_none() {
            while let Some(top) = self.stack.last() {
                if top.indent > i || (top.indentless && top.indent == i && !dash) {
                    self.close_top(pos + i)?;
                } else {
                    break;
                }
            }
            match self.stack.last() {
                // A second root, or a line left of the root's column.
                None if self.doc == Doc::Rooted => return None,
                None => {
                    if self.doc == Doc::Outside {
                        self.ev(Ev::DocStart, pos + i, pos + i)?;
                    }
                    self.doc = Doc::Rooted;
                    opens = Some(false);
                }
                Some(top) if top.indent != i => return None,
                Some(_) => {}
            }
        }
        if let Some(indentless) = opens {
            let map = if dash {
                false
            } else if key_at(line, i).is_some() {
                true
            } else {
                // A scalar on a line of its own (a multi-line value, a scalar document).
                return None;
            };
            // saphyr starts an indentless sequence at its first entry's content (or the end of
            // the line when the entry is empty), every other collection at its first token.
            let start = if indentless { pos + entry_mark(line, i + 1) } else { pos + i };
            self.stack.push(Open {
                map,
                indent: i,
                indentless,
            });
            self.ev(if map { Ev::MapStart(0) } else { Ev::SeqStart(0) }, start, start)?;
        }
        self.entry(pos, end, i)
    }

    /// The entry at column `j` of the innermost open collection.
    fn entry(&mut self, pos: usize, end: usize, j: usize) -> Option<()> {
        let text = self.text;
        let line = &text.as_bytes()[pos..end];
        let top = self.stack.last()?;
        let (map, indent) = (top.map, top.indent);

        if map {
            let key = key_at(line, j)?;
            let (a, b) = key.content;
            self.ev(Ev::Scalar(&text[pos + a..pos + b], key.style, 0), pos + j, pos + key.span_end)?;
            let k = skip_spaces(line, key.colon + 1);
            if k == line.len() || line[k] == b'#' {
                self.pending = Some(Pending {
                    indent,
                    at: pos + key.colon,
                    map_value: true,
                });
                return Some(());
            }
            return self.value(pos, end, k, indent);
        }
        if !is_dash(line, j) {
            return None;
        }
        let k = skip_spaces(line, j + 1);
        if k == line.len() || line[k] == b'#' {
            self.pending = Some(Pending {
                indent,
                at: end,
                map_value: false,
            });
            return Some(());
        }
        if is_dash(line, k) {
            return None;
        }
        if key_at(line, k).is_some() {
            // `- key: value`: a mapping whose entries start at the key's column.
            self.stack.push(Open {
                map: true,
                indent: k,
                indentless: false,
            });
            self.ev(Ev::MapStart(0), pos + k, pos + k)?;
            return self.entry(pos, end, k);
        }
        self.value(pos, end, k, indent)
    }

    fn value(&mut self, pos: usize, end: usize, k: usize, owner: usize) -> Option<()> {
        let text = self.text;
        if matches!(text.as_bytes()[pos + k], b'[' | b'{') {
            return self.flow(pos, end, k, owner);
        }
        let (a, b, style, span_end) = scalar_at(&text.as_bytes()[pos..end], k)?;
        self.ev(Ev::Scalar(&text[pos + a..pos + b], style, 0), pos + k, pos + span_end)?;
        self.after_scalar = Some(owner);
        Some(())
    }
}

impl Scanner<'_> {
    /// A flow sequence of scalars on one line (`args: ["--x", y]`, `targets: ['h:80']`), or an
    /// empty `{}`, at `k`, ending its line. Like a quoted scalar, saphyr ends its closing
    /// bracket at the end of the line.
    fn flow(&mut self, pos: usize, end: usize, k: usize, owner: usize) -> Option<()> {
        let text = self.text;
        let line = &text.as_bytes()[pos..end];
        let len = line.len();
        let ends_line = |j: usize| {
            let e = skip_spaces(line, j);
            e == len || (line[e] == b'#' && e > j)
        };
        if line[k] == b'{' {
            if line.get(k + 1) != Some(&b'}') || !ends_line(k + 2) {
                return None;
            }
            self.ev(Ev::MapStart(0), pos + k, pos + k + 1)?;
            self.ev(Ev::MapEnd, pos + k + 1, pos + len)?;
            self.after_scalar = Some(owner);
            return Some(());
        }
        self.ev(Ev::SeqStart(0), pos + k, pos + k + 1)?;
        let mut j = k + 1;
        loop {
            j = skip_spaces(line, j);
            match line.get(j) {
                None => return None,
                Some(b']') => break,
                Some(_) => {}
            }
            let (a, b, style, span_end, next) = match line[j] {
                q @ (b'"' | b'\'') => {
                    let (a, b, close) = quoted(line, j)?;
                    let e = skip_spaces(line, close);
                    (a, b, quote_style(q), e, e)
                }
                _ => {
                    let (e, p) = plain_end(line, j, true)?;
                    (j, e, Style::Plain, e, p)
                }
            };
            self.ev(Ev::Scalar(&text[pos + a..pos + b], style, 0), pos + j, pos + span_end)?;
            j = next;
            match line.get(j) {
                Some(b',') => j += 1,
                Some(b']') => {}
                _ => return None,
            }
        }
        if !ends_line(j + 1) {
            return None;
        }
        self.ev(Ev::SeqEnd, pos + j, pos + len)?;
        self.after_scalar = Some(owner);
        Some(())
    }
}

// `YAML_CASES=1000000 cargo test --release block` compares more generated cases;
// `YAML_SHOW=1` prints the fixtures and documents left to saphyr.
#[cfg(test)]
mod tests {
    use super::super::{parse_general, Document, Kind, Limits, Node};
    use crate::source::FileId;

    /// Pre-order lines `kind value start..end`, so a disagreement shows where it starts.
    fn flat(docs: &[Document]) -> Vec<String> {
        fn node(n: &Node, out: &mut Vec<String>) {
            let (s, e) = (n.span.start, n.span.end);
            match &n.kind {
                Kind::Scalar(v, st) => out.push(format!("scalar {v:?} {st:?} {s}..{e}")),
                Kind::Seq(items) => {
                    out.push(format!("seq {s}..{e} flow={}", n.flow));
                    items.iter().for_each(|i| node(i, out));
                }
                Kind::Map(entries) => {
                    out.push(format!("map {s}..{e} flow={}", n.flow));
                    entries.iter().for_each(|(k, v)| {
                        node(k, out);
                        node(v, out)
                    });
                }
            }
        }
        let mut out = Vec::new();
        for d in docs {
            out.push(format!("doc {:?}", d.span));
            node(&d.root, &mut out);
        }
        out
    }

    /// `Some(true)`: read here and equal to saphyr's reading; `Some(false)`: left to saphyr.
    fn agrees(text: &str) -> bool {
        let limits = Limits::default();
        let Some(fast) = super::parse(text, FileId(3), &limits) else {
            return false;
        };
        let general = parse_general(text, FileId(3), &limits);
        assert_eq!(general.1, None, "block reader read what saphyr refuses:\n{text}");
        let (a, b) = (flat(&fast), flat(&general.0));
        if let Some(i) = (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i)) {
            panic!(
                "block reader disagrees with saphyr on:\n{text:?}\nat item {i}: block {:?}, saphyr {:?}",
                a.get(i),
                b.get(i)
            );
        }
        assert_eq!(fast, general.0);
        true
    }

    #[test]
    fn reads_the_subset_like_saphyr() {
        for text in [
            "a: 1\nb:\n  - x\n  - y: \"q\"\n    z:\nc: 's' # c\n",
            "---\na: 1\n---\nb: 2\n",
            "a: 1\n---\n",
            "--- # c\na: 1\n",
            "- a\n-\n- b\n",
            "# c\n\n  a: 1\n",
            "\"k\": v\n'k' : v\nk : v\n",
            "a:\n- x\n- y\nb: 1\n",
            "a:\n  b: 1\n\n# x\nc:   \n",
            "a: http://x:80/p?q=1#f\nb: x # y\nc: é ü 한국어\n",
            "- a: 1\n  b:\n  - c\n  - d: 2\n- e\n",
            "args: [\"--x=1\", y]\ntargets: ['h:80', 'i:81'] # c\nemptyDir: {}\n",
            "- [ ]\n- {}\n",
            "c: [ a b , 'c' ,]\nd: []  \n",
            "",
            "# only a comment\n",
        ] {
            assert!(agrees(text), "should be read by the block reader:\n{text}");
        }
    }

    #[test]
    fn leaves_the_rest_to_saphyr() {
        for text in [
            "a: [1, [2]]\n",
            "a: {b: 1}\n",
            "a: [x,\n  y]\n",
            "a: [x -]\n",
            "a: |\n  x\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: b\n  c\n",
            "a: \"x\\ny\"\n",
            "a:\tb\n",
            "a: b\r\n",
            "\u{feff}a: b\n",
            "a: b: c\n",
            "x\n",
            "a: 1\n b: 2\n",
            "- - a\n",
            "%YAML 1.2\n---\na: 1\n",
            "a: 1\n...\n",
            "a:\n  x\n",
        ] {
            assert!(!agrees(text), "should be left to saphyr:\n{text}");
        }
    }

    #[test]
    fn agrees_with_saphyr_on_every_fixture() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml" || x == "json") {
                    out.push(p);
                }
            }
        }
        let mut files = Vec::new();
        walk(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures")), &mut files);
        let mut read = 0;
        for f in &files {
            if let Ok(text) = std::fs::read_to_string(f) {
                let ok = agrees(&text);
                if !ok && std::env::var_os("YAML_SHOW").is_some() {
                    eprintln!("left to saphyr: {}", f.display());
                }
                read += usize::from(ok);
            }
        }
        eprintln!("fixtures: read {read} of {}", files.len());
        // Most fixture YAML is plain block YAML; if this drops, the reader stopped reading it.
        assert!(read * 2 > files.len(), "block reader read {read} of {} fixture files", files.len());
    }

    use crate::fuzzing::Xorshift as Rng;

    trait Pick {
        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str;
        fn one_in(&mut self, n: u64) -> bool;
    }
    impl Pick for Rng {
        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            from[(self.next() % from.len() as u64) as usize]
        }
        fn one_in(&mut self, n: u64) -> bool {
            self.next() % n == 0
        }
    }

    const KEYS: &[&str] = &["a", "name", "app.kubernetes.io/name", "'q k'", "\"d\"", "k y", "é", "x-1", "on"];
    const VALUES: &[&str] = &[
        "1",
        "x",
        "http://h:80/p",
        "'s'",
        "\"d q\"",
        "a b  c",
        "~",
        "",
        "''",
        "-x",
        "a,b",
        "é ü",
        "x#y",
        "'#'",
        "\"a: b\"",
        "true",
        "-1.5",
        "a-b",
        "[a, b]",
        "[]",
        "{}",
        "[ 'x:80' , \"y\" ]",
        "[a b, c,]",
        "[x]  # c",
        "[-x,y ]",
        "[ ]",
    ];
    /// Values only saphyr reads (or that are errors).
    const ODD_VALUES: &[&str] = &[
        "*", "|", "&a x", "!t x", "a: b", "\"\\n\"", "'it''s'", "\ta", "[a: b]", "[x", "[[x]]", "{a: b}", "[x,,y]", "[x] y", "{ }", "[x:]",
        "[a #b]", "[x]#c", "{}x", "[-]", "[a -]", "[-,x]", "[a-]",
    ];

    fn comment(r: &mut Rng) -> &'static str {
        if r.one_in(6) {
            r.pick(&["  # c", " # é", " #"])
        } else if r.one_in(8) {
            "  "
        } else {
            ""
        }
    }

    /// A random block collection at column `ind`, written as YAML (mostly valid).
    fn block(r: &mut Rng, out: &mut String, ind: usize, depth: u32) {
        let map = r.one_in(2);
        block_of(r, out, ind, depth, map)
    }

    fn block_of(r: &mut Rng, out: &mut String, ind: usize, depth: u32, map: bool) {
        for _ in 0..(r.next() % 3 + 1) {
            if r.one_in(10) {
                out.push_str(r.pick(&["\n", "# note\n", "   # deeper note\n", "  \n"]));
            }
            out.push_str(&" ".repeat(ind));
            if map {
                out.push_str(r.pick(KEYS));
                out.push_str(r.pick(&[":", ":", " :"]));
            } else {
                out.push_str(r.pick(&["-", "-", "-  "]));
            }
            let nested = depth < 4 && r.one_in(2);
            if nested && !map && r.one_in(2) {
                // `- key: value` with the rest of the mapping aligned under the key.
                let col = out.len() - out.rfind('\n').map_or(0, |n| n + 1) + 1;
                out.push(' ');
                let mut inner = String::new();
                // Mostly a mapping; `- - x` (a sequence in a sequence) only saphyr reads.
                let map = !r.one_in(20);
                block_of(r, &mut inner, col, depth + 1, map);
                out.push_str(inner.trim_start_matches(' '));
                continue;
            }
            if nested {
                out.push_str(comment(r));
                out.push('\n');
                let step = if map && r.one_in(3) {
                    0
                } else {
                    [1, 2, 2, 4][(r.next() % 4) as usize]
                };
                block(r, out, ind + step, depth + 1);
            } else {
                if !r.one_in(8) {
                    out.push(' ');
                    out.push_str(if r.one_in(40) { r.pick(ODD_VALUES) } else { r.pick(VALUES) });
                }
                out.push_str(comment(r));
                out.push('\n');
            }
        }
    }

    /// Generated documents of nested block collections, some then damaged (a line moved,
    /// re-indented, cut or repeated), so both the subset and its edges are compared.
    #[test]
    fn agrees_with_saphyr_on_generated_documents() {
        let mut r = Rng(0x2545_f491_4f6c_dd1d);
        let (mut read, cases) = (0, std::env::var("YAML_CASES").map_or(5_000, |v| v.parse().unwrap()));
        for _ in 0..cases {
            let mut text = String::new();
            for d in 0..(r.next() % 3 + 1) {
                if d > 0 || r.one_in(4) {
                    text.push_str(r.pick(&["---\n", "--- # doc\n", "---  \n"]));
                }
                let ind = if r.one_in(10) { 2 } else { 0 };
                block(&mut r, &mut text, ind, 0);
            }
            if r.one_in(3) {
                let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
                let n = lines.len();
                let (a, b) = ((r.next() as usize) % n, (r.next() as usize) % n);
                match r.next() % 4 {
                    0 => lines.swap(a, b),
                    1 => lines[a].insert(0, ' '),
                    2 => drop(lines.remove(a)),
                    _ => lines.insert(a, lines[b].clone()),
                }
                text = lines.join("\n");
                if r.one_in(2) {
                    text.push('\n');
                }
            }
            let ok = agrees(&text);
            if !ok && std::env::var_os("YAML_SHOW").is_some() && parse_general(&text, FileId(0), &Limits::default()).1.is_none() {
                eprintln!("---- left to saphyr:\n{text}");
            }
            read += usize::from(ok);
        }
        eprintln!("generated documents: read {read} of {cases}");
        assert!(read * 3 > cases, "block reader read only {read} of {cases} documents");
    }

    /// Streams of YAML-ish lines: keys, dashes, quotes, comments, markers, odd indentation.
    #[test]
    fn agrees_with_saphyr_on_generated_streams() {
        const PIECES: &[&str] = &[
            "a:",
            "b: 1",
            "c: x y",
            "- ",
            "-",
            "- d",
            "- e: 2",
            "- f:",
            "# c",
            "---",
            "--- # c",
            "",
            "g: 'q'",
            "h: \"q\"",
            "'i': j",
            "\"k\" : l",
            "m: n # o",
            "p: é",
            "q: a#b",
            "r:x",
            "s: -t",
            "u: v:w",
            "w: x: y",
            "  ",
            "z: ''",
            "y: \"\"",
            "- 'x'",
            "- \"y\" # z",
            "x : ",
            "-  -",
            "v: ~",
            "k: [a]",
            "t: a, b",
            "o: 'a' b",
            "- - x",
            "...",
            "n: |",
            "é: ü",
            "# é",
            "- # é",
            "a: # é",
            "- é",
            "'é': 'ü' # é",
            "a: [x, 'y']",
            "- []",
            "b: {}",
            "- [a, b] # c",
            "c: [x,",
            "d: [x: y]",
            "a: ---",
            "- ---",
            "---a",
            "a: ...",
        ];
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut next = move || rng.next();
        let (mut read, cases) = (0, std::env::var("YAML_CASES").map_or(20_000, |v| v.parse().unwrap()));
        for _ in 0..cases {
            let mut text = String::new();
            for _ in 0..(next() % 10 + 1) {
                let indent = [0, 0, 0, 1, 2, 2, 2, 3, 4, 4, 6][(next() % 11) as usize];
                text.push_str(&" ".repeat(indent));
                text.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
                if next() % 8 == 0 {
                    text.push_str("  ");
                }
                text.push('\n');
            }
            if next() % 4 == 0 {
                text.pop();
            }
            read += usize::from(agrees(&text));
        }
        eprintln!("generated: read {read} of {cases}");
        // The comparison means something only if the generator reaches the subset often.
        assert!(read * 10 > cases, "block reader read only {read} of {cases} streams");
    }
}
