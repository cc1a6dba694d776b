//! Byte offsets ↔ LSP positions. LSP counts columns in UTF-16 code units unless the client
//! offers another encoding at initialization; UTF-8 (byte columns) is what we take when offered,
//! since it is what the linter's spans already are.

use crate::source::SourceFile;
use lsp_types::{Position, Range};

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

pub fn position(f: &SourceFile, offset: u32, enc: Encoding) -> Position {
    let offset = f.clamp(offset);
    let lc = f.line_col(offset);
    let start = f.line_range(lc.line).start.min(offset) as usize;
    let prefix = &f.text[start..offset as usize];
    let character = match enc {
        Encoding::Utf8 => prefix.len(),
        Encoding::Utf16 => prefix.encode_utf16().count(),
    };
    Position {
        line: lc.line - 1,
        character: character as u32,
    }
}

pub fn range(f: &SourceFile, start: u32, end: u32, enc: Encoding) -> Range {
    Range {
        start: position(f, start, enc),
        end: position(f, end.max(start), enc),
    }
}

/// The byte offset of a position; a column past the end of its line is the line's end (as
/// LSP specifies), a line past the end of the text is the text's end.
pub fn offset(f: &SourceFile, p: Position, enc: Encoding) -> u32 {
    if p.line as usize >= f.line_count() {
        return f.text.len() as u32;
    }
    let line = f.line_range(p.line + 1);
    let text = &f.text[line.start as usize..line.end as usize];
    let mut units = 0usize;
    for (i, c) in text.char_indices() {
        if units >= p.character as usize {
            return line.start + i as u32;
        }
        units += match enc {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        };
    }
    line.end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units_or_bytes() {
        // 'é' is 2 bytes and 1 UTF-16 unit; '𝄞' is 4 bytes and 2 units.
        let f = SourceFile::new("a.yaml", "a: 1\nk: é𝄞x\r\nend".to_string());
        let x = f.text.find('x').unwrap() as u32;
        assert_eq!(position(&f, x, Encoding::Utf16), Position { line: 1, character: 6 });
        assert_eq!(position(&f, x, Encoding::Utf8), Position { line: 1, character: 9 });
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            assert_eq!(offset(&f, position(&f, x, enc), enc), x);
        }
        // Past the end of a line: its end, before the CR.
        assert_eq!(offset(&f, Position { line: 1, character: 99 }, Encoding::Utf16), x + 1);
        assert_eq!(offset(&f, Position { line: 9, character: 0 }, Encoding::Utf16), f.text.len() as u32);
        assert_eq!(
            position(&f, f.text.len() as u32, Encoding::Utf16),
            Position { line: 2, character: 3 }
        );
    }
}
