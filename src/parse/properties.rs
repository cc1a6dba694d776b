//! Reader for Spring Boot `.properties` files that follows Boot's own
//! `OriginTrackedPropertiesLoader` rather than `java.util.Properties`: Boot is
//! what decides which keys an application sees, so the linter must agree with
//! it on comments, separators, escapes, list expansion and `#---` documents.
//!
//! Deliberate deviations from Boot, all in the direction of "never fail":
//! a malformed `\uXXXX` escape is kept literally instead of throwing, and lone
//! UTF-16 surrogates become U+FFFD because Rust strings cannot hold them.

use std::ops::Range;

/// One `#---`/`!---` separated document, with Boot's grouping of entries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropDocument {
    pub entries: Vec<PropEntry>,
    /// byte offset where this document's first line starts (0 for the first document);
    /// for a separated document that is the start of its `#---`/`!---` line
    pub start: u32,
    /// the separator that opened this document (`'#'` for `#---`, `'!'` for `!---`); None for the first
    pub separator: Option<char>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropEntry {
    /// unescaped
    pub key: String,
    /// raw key text in the input
    pub key_span: Range<u32>,
    /// unescaped; continuation lines joined; trailing whitespace KEPT
    pub value: String,
    /// raw value text (may span several physical lines); empty range at end of key if no value
    pub value_span: Range<u32>,
    /// the whole logical line incl. continuations, excluding the final line break
    pub line_span: Range<u32>,
}

/// Parses `text` into documents. Never fails and always returns at least one
/// document. Like Boot, documents that end up without entries are dropped
/// (unless that would leave none), and duplicate keys are all reported in
/// source order (Boot keeps the last one).
pub fn parse(text: &str) -> Vec<PropDocument> {
    let mut loader = Loader::new(text);
    loader.run();
    loader.finish()
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Character source mirroring Boot's `CharacterReader`: it yields logical
/// characters with escapes resolved and continuation lines spliced, while
/// remembering the raw byte range each character came from.
struct Reader<'a> {
    text: &'a str,
    /// next raw byte to read; always on a char boundary
    pos: usize,
    ch: Option<char>,
    /// raw start of `ch` (the backslash for escapes)
    start: usize,
    escaped: bool,
    /// -1 means the next raw read begins a physical line, as in Boot
    col: i64,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str) -> Self {
        let pos = if text.starts_with('\u{feff}') { 3 } else { 0 };
        Reader {
            text,
            pos,
            ch: None,
            start: pos,
            escaped: false,
            col: -1,
        }
    }

    /// Reads one raw char; `\r\n` and `\r` collapse to `\n` the way Java's
    /// `LineNumberReader` does, so every line-ending style behaves the same.
    fn raw(&mut self) -> Option<char> {
        let rest = self.text.get(self.pos..)?;
        let c = rest.chars().next()?;
        self.pos += c.len_utf8();
        if c == '\r' {
            if self.text.as_bytes().get(self.pos) == Some(&b'\n') {
                self.pos += 1;
            }
            return Some('\n');
        }
        Some(c)
    }

    fn read_raw_into_current(&mut self) {
        self.start = self.pos;
        self.ch = self.raw();
        self.col += 1;
    }

    /// Advances to the next logical character; false at end of input.
    fn read(&mut self) -> bool {
        // A loop rather than Boot's recursion so that long runs of
        // continuation lines cannot exhaust the stack.
        loop {
            self.escaped = false;
            self.read_raw_into_current();
            if self.col == 0 {
                self.skip_whitespace();
            }
            match self.ch {
                Some('\\') => {
                    self.escaped = true;
                    if self.read_escaped() {
                        continue;
                    }
                }
                Some('\n') => self.col = -1,
                _ => {}
            }
            return self.ch.is_some();
        }
    }

    fn skip_whitespace(&mut self) {
        while self.is_whitespace() {
            self.read_raw_into_current();
        }
    }

    /// Resolves the escape whose backslash is the current char. Returns true
    /// for a line continuation, in which case the caller reads on.
    fn read_escaped(&mut self) -> bool {
        let backslash = self.start;
        let c = self.raw();
        self.ch = match c {
            Some('t') => Some('\t'),
            Some('r') => Some('\r'),
            Some('n') => Some('\n'),
            Some('f') => Some('\u{c}'),
            Some('\n') => {
                self.col = -1;
                return true;
            }
            Some('u') => Some(self.read_unicode(backslash)),
            other => other,
        };
        self.start = backslash;
        false
    }

    /// Called with `pos` just after `\u`.
    fn read_unicode(&mut self, backslash: usize) -> char {
        let Some(unit) = hex4(self.text.get(self.pos..).unwrap_or("")) else {
            // Keep `\u` literally: yield the backslash (escaped, so it is never
            // a delimiter) and let the following characters be read normally.
            self.pos = backslash + 1;
            return '\\';
        };
        self.pos += 4;
        if (0xD800..0xDC00).contains(&unit) {
            if let Some(low) = self.low_surrogate() {
                self.pos += 6;
                let cp = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                return char::from_u32(cp).unwrap_or('\u{fffd}');
            }
        }
        char::from_u32(unit).unwrap_or('\u{fffd}')
    }

    fn low_surrogate(&self) -> Option<u32> {
        let rest = self.text.get(self.pos..)?.strip_prefix("\\u")?;
        hex4(rest).filter(|u| (0xDC00..0xE000).contains(u))
    }

    fn is_whitespace(&self) -> bool {
        !self.escaped && matches!(self.ch, Some(' ' | '\t' | '\u{c}'))
    }

    fn is_end_of_line(&self) -> bool {
        self.ch.is_none() || (!self.escaped && self.ch == Some('\n'))
    }

    fn is_property_delimiter(&self) -> bool {
        !self.escaped && matches!(self.ch, Some('=' | ':'))
    }

    fn is_list_delimiter(&self) -> bool {
        !self.escaped && self.ch == Some(',')
    }

    /// Boot checks the resolved character without looking at `escaped`, so
    /// an escaped `\#` at line start still starts a comment there.
    fn comment_prefix(&self) -> Option<char> {
        self.ch.filter(|c| *c == '#' || *c == '!')
    }

    /// Byte offset where the current logical line ends (line break excluded).
    fn end_of_line_offset(&self) -> usize {
        if self.ch.is_none() {
            self.text.len()
        } else {
            self.start
        }
    }

    /// Comments are skipped on raw characters, so a trailing backslash in a
    /// comment does not continue it.
    fn skip_rest_of_line(&mut self) {
        while !matches!(self.ch, None | Some('\n')) {
            self.start = self.pos;
            self.ch = self.raw();
        }
        self.col = -1;
    }

    /// Whether the rest of the physical line after the prefix char is `---`
    /// followed only by whitespace, which is what Boot accepts.
    fn rest_is_separator(&self) -> bool {
        let rest = self.text.get(self.pos..).unwrap_or("");
        let line = rest.split(['\n', '\r']).next().unwrap_or("");
        line.strip_prefix("---")
            .is_some_and(|tail| tail.chars().all(|c| matches!(c, ' ' | '\t' | '\u{c}')))
    }
}

fn hex4(s: &str) -> Option<u32> {
    let digits = s.get(..4)?;
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}

/// A character of a key together with the raw bytes it came from.
struct SpannedChar {
    c: char,
    start: usize,
    end: usize,
}

struct Loader<'a> {
    reader: Reader<'a>,
    finished: Vec<PropDocument>,
    current: PropDocument,
    last_comment_prefix: Option<char>,
}

impl<'a> Loader<'a> {
    fn new(text: &'a str) -> Self {
        Loader {
            reader: Reader::new(text),
            finished: Vec::new(),
            current: PropDocument {
                entries: Vec::new(),
                start: 0,
                separator: None,
            },
            last_comment_prefix: None,
        }
    }

    fn run(&mut self) {
        loop {
            let line_start = self.reader.pos;
            if !self.reader.read() {
                break;
            }
            match self.reader.comment_prefix() {
                Some(prefix) => self.comment_line(prefix, line_start),
                None => {
                    self.last_comment_prefix = None;
                    self.key_and_value(line_start);
                }
            }
        }
    }

    fn finish(mut self) -> Vec<PropDocument> {
        if !self.current.entries.is_empty() {
            self.finished.push(self.current);
        }
        if self.finished.is_empty() {
            self.finished.push(PropDocument {
                entries: Vec::new(),
                start: 0,
                separator: None,
            });
        }
        self.finished
    }

    fn comment_line(&mut self, prefix: char, line_start: usize) {
        let at_column_zero = self.reader.start == line_start;
        let separator = self.last_comment_prefix != Some(prefix) && at_column_zero && self.reader.rest_is_separator();
        if separator {
            self.reader.skip_rest_of_line();
            self.start_document(prefix, line_start);
            return;
        }
        // Boot reopens the previous document when a comment follows a
        // separator before any property; this is what keeps banner comments
        // such as `#---` / `# Section` / `#---` from splitting documents.
        if self.current.entries.is_empty() {
            if let Some(previous) = self.finished.pop() {
                self.current = previous;
            }
        }
        self.last_comment_prefix = Some(prefix);
        self.reader.skip_rest_of_line();
    }

    fn start_document(&mut self, prefix: char, line_start: usize) {
        let next = PropDocument {
            entries: Vec::new(),
            start: to_u32(line_start),
            separator: Some(prefix),
        };
        let previous = std::mem::replace(&mut self.current, next);
        if !previous.entries.is_empty() {
            self.finished.push(previous);
        }
    }

    fn key_and_value(&mut self, line_start: usize) {
        let key_chars = self.load_key();
        let kept = trim_java(&key_chars);
        let key: String = kept.iter().map(|k| k.c).collect();
        let key_span = match (kept.first(), kept.last()) {
            (Some(first), Some(last)) => first.start..last.end,
            _ => line_start..line_start,
        };
        let (values, value_start) = match key.strip_suffix("[]") {
            Some(_) => self.load_list_values(),
            None => {
                let (value, start) = self.load_value(false);
                (vec![value], start)
            }
        };
        let line_end = self.reader.end_of_line_offset();
        let value_span = if value_start < line_end {
            value_start..line_end
        } else {
            key_span.end..key_span.end
        };
        let spans = EntrySpans {
            key: key_span,
            value: value_span,
            line: line_start..line_end,
        };
        self.push_entries(&key, values, &spans);
    }

    fn push_entries(&mut self, key: &str, values: Vec<String>, spans: &EntrySpans) {
        let list_base = key.strip_suffix("[]");
        for (index, value) in values.into_iter().enumerate() {
            let full_key = match list_base {
                Some(base) => format!("{base}[{index}]"),
                None => key.to_string(),
            };
            if full_key.is_empty() {
                continue;
            }
            self.current.entries.push(PropEntry {
                key: full_key,
                key_span: to_u32(spans.key.start)..to_u32(spans.key.end),
                value,
                value_span: to_u32(spans.value.start)..to_u32(spans.value.end),
                line_span: to_u32(spans.line.start)..to_u32(spans.line.end),
            });
        }
    }

    fn load_key(&mut self) -> Vec<SpannedChar> {
        let mut chars = Vec::new();
        let mut previous_whitespace = false;
        while !self.reader.is_end_of_line() {
            if self.reader.is_property_delimiter() {
                self.reader.read();
                return chars;
            }
            let whitespace = self.reader.is_whitespace();
            if !whitespace && previous_whitespace {
                return chars;
            }
            previous_whitespace = whitespace;
            if let Some(c) = self.reader.ch {
                chars.push(SpannedChar {
                    c,
                    start: self.reader.start,
                    end: self.reader.pos,
                });
            }
            self.reader.read();
        }
        chars
    }

    /// Returns the value and the raw offset where it starts.
    fn load_value(&mut self, split_lists: bool) -> (String, usize) {
        while self.reader.is_whitespace() && !self.reader.is_end_of_line() {
            self.reader.read();
        }
        let start = self.reader.start;
        let mut value = String::new();
        let at_value_end = |r: &Reader<'_>| r.is_end_of_line() || (split_lists && r.is_list_delimiter());
        while !at_value_end(&self.reader) {
            if let Some(c) = self.reader.ch {
                value.push(c);
            }
            self.reader.read();
        }
        (value, start)
    }

    /// `key[]=a,b` values: Boot skips leading whitespace of every element but
    /// keeps trailing whitespace, and always yields at least one element.
    fn load_list_values(&mut self) -> (Vec<String>, usize) {
        let mut values = Vec::new();
        let mut first_start = None;
        loop {
            let (value, start) = self.load_value(true);
            first_start.get_or_insert(start);
            values.push(value);
            if !self.reader.is_end_of_line() {
                self.reader.read();
            }
            if self.reader.is_end_of_line() {
                break;
            }
        }
        (values, first_start.unwrap_or(self.reader.start))
    }
}

struct EntrySpans {
    key: Range<usize>,
    value: Range<usize>,
    line: Range<usize>,
}

/// Java's `String.trim()`: strips everything up to and including U+0020.
fn trim_java(chars: &[SpannedChar]) -> &[SpannedChar] {
    let is_trimmed = |k: &SpannedChar| k.c <= ' ';
    let start = chars.iter().position(|k| !is_trimmed(k)).unwrap_or(chars.len());
    let end = chars.iter().rposition(|k| !is_trimmed(k)).map_or(start, |i| i + 1);
    &chars[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(text: &str) -> Vec<(String, String)> {
        parse(text).into_iter().flat_map(|d| d.entries).map(|e| (e.key, e.value)).collect()
    }

    fn one(text: &str) -> PropEntry {
        let docs = parse(text);
        assert_eq!(docs.len(), 1, "{docs:?}");
        assert_eq!(docs[0].entries.len(), 1, "{docs:?}");
        docs[0].entries[0].clone()
    }

    fn slice(text: &str, span: &Range<u32>) -> String {
        text[span.start as usize..span.end as usize].to_string()
    }

    fn pair(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
    }

    #[test]
    fn separators_equals_colon_and_whitespace() {
        assert_eq!(
            entries("a=1\nb:2\nc 3\nd = 4\ne  :  5\nf\t6\n"),
            vec![
                pair("a", "1"),
                pair("b", "2"),
                pair("c", "3"),
                pair("d", "4"),
                pair("e", "5"),
                pair("f", "6")
            ]
        );
    }

    #[test]
    fn only_first_separator_counts() {
        assert_eq!(
            entries("a=b=c\nx = = y\nk v=w"),
            vec![pair("a", "b=c"), pair("x", "= y"), pair("k", "v=w")]
        );
    }

    #[test]
    fn no_inline_comments_and_trailing_whitespace_kept() {
        let e = one("management.endpoints.web.exposure.include=health # info  \n");
        assert_eq!(e.value, "health # info  ");
        assert_eq!(
            slice("management.endpoints.web.exposure.include=health # info  \n", &e.value_span),
            "health # info  "
        );
    }

    #[test]
    fn comment_lines_with_leading_whitespace() {
        assert_eq!(entries("# a=1\n   ! b=2\n\t#c=3\nd=4"), vec![pair("d", "4")]);
    }

    #[test]
    fn key_and_value_spans() {
        let text = "  server.port = 8080\n";
        let e = one(text);
        assert_eq!(slice(text, &e.key_span), "server.port");
        assert_eq!(slice(text, &e.value_span), "8080");
        assert_eq!(slice(text, &e.line_span), "  server.port = 8080");
    }

    #[test]
    fn empty_value_span_sits_at_key_end() {
        for text in ["key", "key=", "key =   ", "key:"] {
            let e = one(text);
            assert_eq!(e.value, "");
            assert_eq!(e.value_span, 3..3, "{text}");
            assert_eq!(e.key_span, 0..3);
        }
    }

    #[test]
    fn escapes() {
        assert_eq!(one(r"a=x\ty\nz\rq\fw").value, "x\ty\nz\rq\u{c}w");
        assert_eq!(one(r"a=\u0041\u00e9").value, "Aé");
        assert_eq!(one(r"a=\q\\\=\:").value, "q\\=:");
        assert_eq!(one(r"a\ b\=c\:d=v").key, "a b=c:d");
        assert_eq!(one(r"a=\uD83D\uDE00").value, "😀");
        assert_eq!(one(r"a=\uD83Dx").value, "\u{fffd}x");
    }

    #[test]
    fn invalid_unicode_escape_is_kept_literally() {
        assert_eq!(one(r"a=\uZZ12").value, r"\uZZ12");
        assert_eq!(one(r"a=\u12").value, r"\u12");
        assert_eq!(one(r"a=\u").value, r"\u");
        assert_eq!(one("a=\\u12é4").value, "\\u12é4");
        assert_eq!(one(r"a=\u+123").value, r"\u+123");
    }

    #[test]
    fn escaped_whitespace_belongs_to_value() {
        assert_eq!(one(r"a=\ \ x").value, "  x");
        assert_eq!(one("a=x\\ ").value, "x ");
    }

    #[test]
    fn continuation_lines_join_and_span_several_lines() {
        let text = "list=a,\\\n     b,\\\n\tc\nnext=1";
        let docs = parse(text);
        let e = &docs[0].entries[0];
        assert_eq!(e.value, "a,b,c");
        assert_eq!(slice(text, &e.value_span), "a,\\\n     b,\\\n\tc");
        assert_eq!(slice(text, &e.line_span), "list=a,\\\n     b,\\\n\tc");
        assert_eq!(docs[0].entries[1].key, "next");
    }

    #[test]
    fn continuation_starting_the_value() {
        let text = "key=\\\n    foo";
        let e = one(text);
        assert_eq!(e.value, "foo");
        assert_eq!(slice(text, &e.value_span), "foo");
    }

    #[test]
    fn continuation_line_starting_with_hash_is_not_a_comment() {
        assert_eq!(one("a=b\\\n#c").value, "b#c");
    }

    #[test]
    fn comment_ending_in_backslash_does_not_continue() {
        assert_eq!(entries("# comment \\\na=1"), vec![pair("a", "1")]);
    }

    #[test]
    fn line_endings() {
        assert_eq!(
            entries("a=1\r\nb=2\rc=3\nd=4"),
            vec![pair("a", "1"), pair("b", "2"), pair("c", "3"), pair("d", "4")]
        );
        let text = "a=1\\\r\n  2\r\nb=3";
        let docs = parse(text);
        assert_eq!(docs[0].entries[0].value, "12");
        assert_eq!(slice(text, &docs[0].entries[0].line_span), "a=1\\\r\n  2");
        assert_eq!(slice(text, &docs[0].entries[1].line_span), "b=3");
    }

    #[test]
    fn list_expansion_shares_spans() {
        let text = "foods[]=Apple, Orange ,Mango\n";
        let docs = parse(text);
        let e = &docs[0].entries;
        assert_eq!(e.len(), 3);
        assert_eq!((e[0].key.as_str(), e[0].value.as_str()), ("foods[0]", "Apple"));
        assert_eq!((e[1].key.as_str(), e[1].value.as_str()), ("foods[1]", "Orange "));
        assert_eq!((e[2].key.as_str(), e[2].value.as_str()), ("foods[2]", "Mango"));
        for x in e {
            assert_eq!(slice(text, &x.key_span), "foods[]");
            assert_eq!(slice(text, &x.value_span), "Apple, Orange ,Mango");
        }
    }

    #[test]
    fn list_expansion_edge_cases() {
        assert_eq!(entries("k[]="), vec![pair("k[0]", "")]);
        assert_eq!(entries("k[]=a,"), vec![pair("k[0]", "a")]);
        assert_eq!(entries("k[]=a,,b"), vec![pair("k[0]", "a"), pair("k[1]", ""), pair("k[2]", "b")]);
        assert_eq!(entries(r"k[]=a\,b"), vec![pair("k[0]", "a,b")]);
        assert_eq!(entries("k[] = a,\\\n  b"), vec![pair("k[0]", "a"), pair("k[1]", "b")]);
    }

    #[test]
    fn empty_keys_ignored() {
        assert_eq!(entries("=value\n   \n:x\n"), vec![]);
    }

    #[test]
    fn multi_document_basics() {
        let text = "a=1\n#---\nb=2\n!---\nc=3";
        let docs = parse(text);
        assert_eq!(docs.len(), 3);
        assert_eq!((docs[0].start, docs[0].separator), (0, None));
        assert_eq!((docs[1].start, docs[1].separator), (4, Some('#')));
        assert_eq!((docs[2].start, docs[2].separator), (13, Some('!')));
        assert_eq!(docs[2].entries[0].key, "c");
    }

    #[test]
    fn separator_rules_from_boot() {
        let count = |t: &str| parse(t).len();
        assert_eq!(count("a=a\n#---\nb=b"), 2);
        assert_eq!(count("a=a\n!---\nb=b"), 2);
        assert_eq!(count("a=a\n \t#---\nb=b"), 1);
        assert_eq!(count("a=a\n#--- \t \nb=b"), 2);
        assert_eq!(count("a=a\n#--- \tcomment\nb=b"), 1);
        assert_eq!(count("a=a\n#----\nb=b"), 1);
        assert_eq!(count("a=a\n# comment\n!---\nb=b"), 2);
        assert_eq!(count("a=a\n! comment\n#---\nb=b"), 2);
        assert_eq!(count("a=a\n# comment\n#---\nb=b"), 1);
        assert_eq!(count("a=a\r\n#---\r\nb=b"), 2);
    }

    #[test]
    fn banner_comments_do_not_split_documents() {
        let text = "#---\n# Test\n#---\n\nspring=boot\n\n#---\n# Test\n#---\n\nboot=bar\n";
        let docs = parse(text);
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].entries.len(), 2);
    }

    #[test]
    fn comment_right_after_separator_reopens_previous_document() {
        let docs = parse("a=1\n#---\n# dev\nb=2\n#---\nc=3");
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].entries.len(), 2);
        assert_eq!(docs[1].entries[0].key, "c");
    }

    #[test]
    fn empty_documents_are_dropped_but_one_always_remains() {
        assert_eq!(parse("").len(), 1);
        assert_eq!(parse("#---\n#---\n").len(), 1);
        let docs = parse("#---\na=1");
        assert_eq!(docs.len(), 1);
        assert_eq!((docs[0].start, docs[0].separator), (0, Some('#')));
        assert_eq!(parse("a=1\n#---\n\n#---\nb=2").len(), 2);
    }

    #[test]
    fn bom_is_skipped_and_spans_index_original() {
        let text = "\u{feff}a=1\n#---\nb=2";
        let docs = parse(text);
        assert_eq!(docs.len(), 2);
        let e = &docs[0].entries[0];
        assert_eq!(e.key, "a");
        assert_eq!(slice(text, &e.key_span), "a");
        assert_eq!(slice(text, &e.line_span), "a=1");
        assert_eq!(docs[1].start, 7);
    }

    #[test]
    fn multibyte_text() {
        let text = "grüße=héllo wörld ✓\n";
        let e = one(text);
        assert_eq!(e.key, "grüße");
        assert_eq!(e.value, "héllo wörld ✓");
        assert_eq!(slice(text, &e.value_span), "héllo wörld ✓");
    }

    #[test]
    fn duplicate_keys_are_all_reported() {
        assert_eq!(entries("a=1\na=2"), vec![pair("a", "1"), pair("a", "2")]);
    }

    #[test]
    fn key_trimmed_like_java() {
        let e = one("a\\t = 1");
        assert_eq!(e.key, "a");
        assert_eq!(e.key_span, 0..1);
    }

    #[test]
    fn backslash_at_end_of_input() {
        assert_eq!(one("a=b\\").value, "b");
        assert_eq!(one("a\\").key, "a");
    }

    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    const PIECES: &[&str] = &[
        "a", "=", ":", " ", "\t", "\\", "\n", "\r", "\r\n", "#", "!", "---", "#---", "!---", ",", "[]", "\\u", "\\uD83D", "\\uDE00", "12",
        "é", "日本", "🎉", "\u{feff}", "\\\n", "key", "\"", "'", "{", "}", "\u{c}",
    ];

    #[test]
    fn garbage_never_panics_and_spans_are_valid() {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        for _ in 0..4000 {
            let len = (rng.next() % 40) as usize;
            let mut text = String::new();
            for _ in 0..len {
                let r = rng.next();
                if r % 7 == 0 {
                    text.push(char::from_u32((r >> 8) as u32 % 0x11_0000).unwrap_or('x'));
                } else {
                    text.push_str(PIECES[(r >> 8) as usize % PIECES.len()]);
                }
            }
            let docs = parse(&text);
            assert!(!docs.is_empty());
            for e in docs.iter().flat_map(|d| &d.entries) {
                for span in [&e.key_span, &e.value_span, &e.line_span] {
                    assert!(span.start <= span.end, "{text:?} {e:?}");
                    assert!(text.get(span.start as usize..span.end as usize).is_some(), "{text:?} {e:?}");
                }
                assert!(!e.key.is_empty());
            }
        }
    }
}
