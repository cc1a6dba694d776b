//! Loaded files and positions. Everything after loading addresses text through a `FileId` and
//! byte offsets; line/column are computed only when rendering.

use std::ops::Range;

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

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
    pub kind: crate::discover::FileKind,
    /// Computed on first use: most files never need a line number.
    line_starts: std::sync::OnceLock<Vec<u32>>,
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
        let kind = crate::discover::classify(&path);
        SourceFile {
            path,
            text,
            encoding: Encoding::Utf8,
            had_bom: false,
            kind,
            line_starts: Default::default(),
        }
    }

    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| (i + 1) as u32))
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
        let column = self.text[start..offset as usize].chars().count() as u32 + 1;
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
        let rest = &self.text[start as usize..];
        let within = rest.char_indices().nth(char_col).map(|(i, _)| i).unwrap_or(rest.len());
        start + within as u32
    }

    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }

    /// The byte range of a 1-based line, without its line break.
    pub fn line_range(&self, line: u32) -> Range<u32> {
        let idx = (line.max(1) - 1) as usize;
        let start = self.line_starts().get(idx).copied().unwrap_or(self.text.len() as u32);
        let mut end = self.line_starts().get(idx + 1).map(|e| e - 1).unwrap_or(self.text.len() as u32);
        if end > start && self.text.as_bytes()[end as usize - 1] == b'\r' {
            end -= 1;
        }
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

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Re-classifies a loaded file (`--manifests` naming a file of the repository).
    pub fn set_kind(&mut self, id: FileId, kind: crate::discover::FileKind) {
        self.files[id.0 as usize].kind = kind;
    }

    pub fn path(&self, id: FileId) -> &str {
        &self.get(id).path
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
    fn latin1_fallback_only_when_asked() {
        assert!(decode(b"a=\xe9", false).is_none());
        let (s, enc, _) = decode(b"a=\xe9", true).unwrap();
        assert_eq!(s, "a=é");
        assert_eq!(enc, Encoding::Latin1);
        let (s, _, bom) = decode(b"\xEF\xBB\xBFx: 1", false).unwrap();
        assert_eq!((s.as_str(), bom), ("x: 1", true));
    }
}
