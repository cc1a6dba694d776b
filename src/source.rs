//! Loaded files and positions. Everything after loading addresses text through a `FileId` and
//! byte offsets; line/column are computed only when rendering.

use std::ops::Range;

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

impl FileId {
    /// The file of nothing: the span of an absent YAML node (`Node::at` on a missing key) and
    /// of values that come from outside the repository. It names no file, so no diagnostic may
    /// carry it; `SourceSet::is_real` tells, and the driver re-anchors or drops such spans
    /// before anything sorts, renders or applies them.
    pub const NONE: FileId = FileId(u32::MAX);
}

/// A byte range in one file.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, range: Range<u32>) -> Span {
        Span {
            file,
            start: range.start,
            end: range.end.max(range.start),
        }
    }
    pub fn empty(file: FileId, at: u32) -> Span {
        Span { file, start: at, end: at }
    }
    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A value and where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

/// How a file was decoded; `.properties` are ISO-8859-1 per Spring Boot's loader.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Latin1,
}

#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the lint root, `/`-separated.
    pub path: String,
    pub text: String,
    pub encoding: Encoding,
    pub had_bom: bool,
    pub kind: crate::file_kind::FileKind,
    /// Found but not loaded (too large, not text, unreadable): why. Such a file has no text;
    /// it is in the set so that the report can name it (`analysis-gap`) in every format.
    pub unread: Option<String>,
    /// Computed on first use: most files never need a line number.
    line_starts: std::sync::OnceLock<Vec<u32>>,
    /// Computed on first use, for columns on long lines.
    chars: std::sync::OnceLock<CharMap>,
}

/// Char index ↔ byte offset in one text, after one linear pass: saphyr's markers and every
/// column count Unicode scalars, and counting from the start of the line on each query is
/// quadratic on long lines (a minified JSON file is one line of a megabyte).
#[derive(Debug)]
pub struct CharMap {
    /// Byte offset of every `STRIDE`-th char; empty for ASCII text, where char = byte.
    marks: Vec<u32>,
    ascii: bool,
}

impl CharMap {
    const STRIDE: usize = 64;

    pub fn new(text: &str) -> CharMap {
        if text.is_ascii() {
            return CharMap {
                marks: Vec::new(),
                ascii: true,
            };
        }
        let marks = text.char_indices().step_by(Self::STRIDE).map(|(b, _)| b as u32).collect();
        CharMap { marks, ascii: false }
    }

    /// Byte offset of the char with index `index`; the text's length past its end.
    pub fn byte_of(&self, text: &str, index: usize) -> u32 {
        if self.ascii {
            return index.min(text.len()) as u32;
        }
        let Some(&base) = self.marks.get(index / Self::STRIDE) else {
            return text.len() as u32;
        };
        let rest = &text[base as usize..];
        let within = rest.char_indices().nth(index % Self::STRIDE).map_or(rest.len(), |(i, _)| i);
        base + within as u32
    }

    /// Number of chars before byte `offset` (a char boundary within the text).
    pub fn char_of(&self, text: &str, offset: usize) -> usize {
        if self.ascii {
            return offset.min(text.len());
        }
        let offset = offset.min(text.len());
        let k = match self.marks.binary_search(&(offset as u32)) {
            Ok(k) => k,
            // marks[0] is 0, so a miss is never before the first mark.
            Err(k) => k - 1,
        };
        k * Self::STRIDE + text[self.marks[k] as usize..offset].chars().count()
    }
}

/// 1-based line and column; the column counts Unicode scalar values.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: String) -> SourceFile {
        let path: String = path.into();
        let kind = crate::file_kind::classify(&path);
        SourceFile {
            path,
            text,
            encoding: Encoding::Utf8,
            had_bom: false,
            kind,
            unread: None,
            line_starts: Default::default(),
            chars: Default::default(),
        }
    }

    /// A file that was found but not loaded, and why.
    pub fn unread(path: impl Into<String>, reason: impl Into<String>) -> SourceFile {
        let mut f = SourceFile::new(path, String::new());
        f.kind = crate::file_kind::FileKind::Other;
        f.unread = Some(reason.into());
        f
    }

    /// The same file (path, kind, encoding, BOM) holding `text` instead: a fixed version.
    pub fn with_text(&self, text: String) -> SourceFile {
        SourceFile {
            path: self.path.clone(),
            text,
            encoding: self.encoding,
            had_bom: self.had_bom,
            kind: self.kind,
            unread: self.unread.clone(),
            line_starts: Default::default(),
            chars: Default::default(),
        }
    }

    fn line_starts(&self) -> &[u32] {
        // LF, CRLF and a lone CR each end a line (a file saved with classic Mac line endings
        // has no LF at all): YAML and `.properties` readers count CR as a line break too.
        self.line_starts.get_or_init(|| {
            let b = self.text.as_bytes();
            std::iter::once(0)
                .chain(
                    memchr::memchr2_iter(b'\n', b'\r', b)
                        .filter(|&i| !(b[i] == b'\r' && b.get(i + 1) == Some(&b'\n')))
                        .map(|i| (i + 1) as u32),
                )
                .collect()
        })
    }

    /// Clamps `offset` into the text and onto a char boundary.
    pub fn clamp(&self, offset: u32) -> u32 {
        let mut o = (offset as usize).min(self.text.len());
        while o > 0 && !self.text.is_char_boundary(o) {
            o -= 1;
        }
        o as u32
    }

    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = self.clamp(offset);
        let line = match self.line_starts().binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts()[line] as usize;
        let column = self.chars_between(start, offset as usize) as u32 + 1;
        LineCol {
            line: line as u32 + 1,
            column,
        }
    }

    /// Byte offset of a 1-based line and a 0-based char column (saphyr's markers).
    pub fn offset_of(&self, line: usize, char_col: usize) -> u32 {
        let Some(&start) = self.line_starts().get(line.saturating_sub(1)) else {
            return self.text.len() as u32;
        };
        if char_col < Self::SHORT {
            let rest = &self.text[start as usize..];
            let within = rest.char_indices().nth(char_col).map_or(rest.len(), |(i, _)| i);
            return start + within as u32;
        }
        let chars = self.char_map();
        chars.byte_of(&self.text, chars.char_of(&self.text, start as usize) + char_col)
    }

    /// Below this many bytes (or chars) counting directly is cheaper than the char map.
    const SHORT: usize = 256;

    fn char_map(&self) -> &CharMap {
        self.chars.get_or_init(|| CharMap::new(&self.text))
    }

    /// Chars in `start..end` (char boundaries); linear in the file once, not per call.
    fn chars_between(&self, start: usize, end: usize) -> usize {
        if end - start < Self::SHORT {
            return self.text[start..end].chars().count();
        }
        let chars = self.char_map();
        chars.char_of(&self.text, end) - chars.char_of(&self.text, start)
    }

    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }

    /// The byte range of a 1-based line, without its line break.
    pub fn line_range(&self, line: u32) -> Range<u32> {
        let idx = (line.max(1) - 1) as usize;
        let start = self.line_starts().get(idx).copied().unwrap_or(self.text.len() as u32);
        let b = self.text.as_bytes();
        // Without the line break: `\n`, `\r\n` or a lone `\r` (the last line has none).
        let end = match self.line_starts().get(idx + 1) {
            Some(&next) if next - 1 > start && b[next as usize - 1] == b'\n' && b[next as usize - 2] == b'\r' => next - 2,
            Some(&next) => next - 1,
            None => self.text.len() as u32,
        };
        start..end
    }

    pub fn line_text(&self, line: u32) -> &str {
        let r = self.line_range(line);
        &self.text[r.start as usize..r.end as usize]
    }

    /// Leading whitespace of the line containing `offset`.
    pub fn indent_at(&self, offset: u32) -> &str {
        let line = self.line_col(offset).line;
        let text = self.line_text(line);
        let n = text.len() - text.trim_start_matches([' ', '\t']).len();
        &text[..n]
    }

    pub fn slice(&self, span: Span) -> &str {
        let s = self.clamp(span.start) as usize;
        let e = (self.clamp(span.end) as usize).max(s);
        &self.text[s..e]
    }
}

/// A repository path with `a/./b/../c` resolved; `None` when it climbs above the root.
pub fn normalize_path(path: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            s => out.push(s),
        }
    }
    Some(out.join("/"))
}

/// `rel` resolved against the repository directory `dir` ("" is the root).
pub fn join_path(dir: &str, rel: &str) -> Option<String> {
    if dir.is_empty() {
        normalize_path(rel)
    } else {
        normalize_path(&format!("{dir}/{rel}"))
    }
}

/// The directory of a repository path ("" at the root).
pub fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Decodes file bytes. UTF-8 (BOM stripped) is the norm; `.properties` files that are not valid
/// UTF-8 are read as ISO-8859-1, which is what Spring Boot itself does for every `.properties`.
pub fn decode(bytes: &[u8], latin1_fallback: bool) -> Option<(String, Encoding, bool)> {
    let (bytes, bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    match std::str::from_utf8(bytes) {
        Ok(s) => Some((s.to_string(), Encoding::Utf8, bom)),
        Err(_) if latin1_fallback => Some((bytes.iter().map(|&b| b as char).collect(), Encoding::Latin1, bom)),
        Err(_) => None,
    }
}

/// The bytes of `text` in the encoding `original` was read with (its BOM too): what `--fix`
/// writes and what `--diff` shows.
pub fn encode(original: &SourceFile, text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 3);
    if original.had_bom {
        out.extend_from_slice(b"\xEF\xBB\xBF");
    }
    match original.encoding {
        Encoding::Utf8 => out.extend_from_slice(text.as_bytes()),
        Encoding::Latin1 => {
            for c in text.chars() {
                match u8::try_from(u32::from(c)) {
                    Ok(b) => out.push(b),
                    Err(_) => {
                        let mut buf = [0u16; 2];
                        for unit in c.encode_utf16(&mut buf) {
                            out.extend_from_slice(format!("\\u{unit:04X}").as_bytes());
                        }
                    }
                }
            }
        }
    }
    out
}

/// One level of indentation as `text` writes it: a tab when its first indented line starts
/// with one, else four spaces. An inserted line in a tab-indented build file is tab-indented.
pub fn indent_unit(text: &str) -> &'static str {
    let first = text
        .split(['\n', '\r'])
        .find(|l| l.starts_with([' ', '\t']) && !l.trim().is_empty());
    if first.is_some_and(|l| l.starts_with('\t')) {
        "\t"
    } else {
        "    "
    }
}

/// All files of one lint run. Built by `load` from disk, or in memory by tests.
#[derive(Debug, Default)]
pub struct SourceSet {
    files: Vec<SourceFile>,
    /// Path → first file with that path: `find` is called per module and per reference, and a
    /// scan each time is quadratic in large monorepos.
    by_path: std::collections::HashMap<String, FileId>,
}

impl SourceSet {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, file: SourceFile) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.by_path.entry(file.path.clone()).or_insert(id);
        self.files.push(file);
        id
    }

    pub fn add_text(&mut self, path: &str, text: &str) -> FileId {
        self.add(SourceFile::new(path, text.to_string()))
    }

    /// The file `id` names; for `FileId::NONE` (or an id of another set) an empty file, so
    /// that a span of nothing that slipped into evidence prints as unknown instead of
    /// crashing the run. Diagnostics never carry one (`lint` anchors them).
    pub fn get(&self, id: FileId) -> &SourceFile {
        static NOWHERE: SourceFile = SourceFile {
            path: String::new(),
            text: String::new(),
            encoding: Encoding::Utf8,
            had_bom: false,
            kind: crate::file_kind::FileKind::Other,
            unread: None,
            line_starts: std::sync::OnceLock::new(),
            chars: std::sync::OnceLock::new(),
        };
        self.files.get(id.0 as usize).unwrap_or(&NOWHERE)
    }

    /// Replaces a file's text (an editor's unsaved buffer); its path, kind and encoding stay.
    pub fn set_text(&mut self, id: FileId, text: String) {
        let f = &mut self.files[id.0 as usize];
        *f = f.with_text(text);
    }

    /// Re-classifies a loaded file (`--manifests` naming a file of the repository).
    pub fn set_kind(&mut self, id: FileId, kind: crate::file_kind::FileKind) {
        self.files[id.0 as usize].kind = kind;
    }

    pub fn path(&self, id: FileId) -> &str {
        match self.files.get(id.0 as usize) {
            Some(f) => &f.path,
            None => "<not in the repository>",
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i as u32), f))
    }

    pub fn find(&self, path: &str) -> Option<FileId> {
        self.by_path.get(path).copied()
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Whether `span` lies in a file of this set (not `FileId::NONE`, not another set's id).
    pub fn is_real(&self, span: Span) -> bool {
        (span.file.0 as usize) < self.files.len()
    }

    pub fn text(&self, span: Span) -> &str {
        self.get(span.file).slice(span)
    }

    pub fn line_col(&self, span: Span) -> (LineCol, LineCol) {
        let f = self.get(span.file);
        (f.line_col(span.start), f.line_col(span.end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars_and_lines() {
        let f = SourceFile::new("a", "ab\nçé x\n".to_string());
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(3), LineCol { line: 2, column: 1 });
        // 'x' is after two 2-byte chars and a space
        assert_eq!(f.line_col(8), LineCol { line: 2, column: 4 });
        assert_eq!(f.offset_of(2, 3), 8);
        assert_eq!(f.line_text(2), "çé x");
    }

    #[test]
    fn positions_on_one_long_non_ascii_line() {
        // A minified JSON file: one line, non-ASCII text scattered through it.
        let mut text = String::from("[");
        for i in 0..5_000 {
            let name = if i % 1_000 == 7 { "zürich-é" } else { "plain" };
            text.push_str(&format!("{{\"n\":\"{name}{i}\"}},"));
        }
        text.push_str("\"ü\"]\nnext: ✓ x\n");
        let f = SourceFile::new("a.json", text.clone());
        for offset in (0..text.len()).step_by(997).chain([text.len() - 3, text.len()]) {
            let offset = f.clamp(offset as u32);
            let before = &text[..offset as usize];
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let expected = LineCol {
                line: before.matches('\n').count() as u32 + 1,
                column: before[line_start..].chars().count() as u32 + 1,
            };
            assert_eq!(f.line_col(offset), expected, "at byte {offset}");
            let lc = f.line_col(offset);
            assert_eq!(f.offset_of(lc.line as usize, lc.column as usize - 1), offset);
        }
        let map = CharMap::new(&text);
        for (index, (byte, _)) in text.char_indices().enumerate().step_by(331) {
            assert_eq!(map.byte_of(&text, index), byte as u32);
            assert_eq!(map.char_of(&text, byte), index);
        }
        assert_eq!(map.byte_of(&text, usize::MAX / 2), text.len() as u32);
    }

    #[test]
    fn a_lone_cr_ends_a_line() {
        let f = SourceFile::new("a.properties", "a=1\rb=2\r\nc=3\n\rd=4\r".to_string());
        assert_eq!(f.line_count(), 6);
        assert_eq!(f.line_col(4), LineCol { line: 2, column: 1 });
        assert_eq!(f.line_text(2), "b=2");
        assert_eq!(f.line_text(3), "c=3");
        assert_eq!(f.line_text(4), "");
        assert_eq!(f.line_text(5), "d=4");
        assert_eq!(f.line_text(6), "");
        assert_eq!(f.offset_of(5, 0), 14);
    }

    #[test]
    fn latin1_fallback_only_when_asked() {
        assert!(decode(b"a=\xe9", false).is_none());
        let (s, enc, _) = decode(b"a=\xe9", true).unwrap();
        assert_eq!(s, "a=é");
        assert_eq!(enc, Encoding::Latin1);
        let (s, _, bom) = decode(b"\xEF\xBB\xBFx: 1", false).unwrap();
        assert_eq!((s.as_str(), bom), ("x: 1", true));
    }
}
