//! One comment-, string- and template-aware tokenizer for the JVM languages this tool reads:
//! Gradle's Kotlin and Groovy DSLs (`parse/gradle`) and Java or Kotlin sources (`parse/jvm`).
//! Text inside comments or strings never looks like code; literals are decoded (escapes
//! resolved, `${…}` templates kept verbatim) and every recursion is bounded, so arbitrary
//! input cannot panic.

use compact_str::CompactString;

/// Deepest `"${ "${ … }" }"` nesting that is lexed precisely.
const MAX_TEMPLATE_DEPTH: u32 = 16;

/// Most tokens read from one file. A token costs about 40 bytes (and the Gradle reader's
/// bracket tables about 20 more), so a file of one-byte tokens (15 MiB of `\`) would need
/// 90 times its size; the largest real build scripts (90 KB) have about 20,000 tokens. Past
/// the limit the lexer stops with `TOO_MANY_TOKENS`, and the file is unknown, not empty.
pub(crate) const MAX_TOKENS: usize = 250_000;

/// The issue that says the lexer stopped at `MAX_TOKENS`.
pub(crate) const TOO_MANY_TOKENS: &str = "more than 250,000 tokens, the limit: the rest of the file is not read";

const TWO_CHAR_OPS: &[&str] = &["->", "?.", "?:", "==", "!=", "<=", ">=", "&&", "||", "::", "..", "+=", "-=", "!!"];

/// The language rules that decide what a quote, `$` or nested comment means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// Nested block comments, `'c'` characters, raw `"""` strings with templates.
    Kotlin,
    /// `'…'` strings without templates, block comments that end at the first `*/`.
    Groovy,
    /// `'c'` characters, no templates, `$` inside identifiers.
    Java,
}

/// Something the tokenizer could not close (a comment, string or character literal).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Issue {
    pub(crate) message: &'static str,
    pub(crate) offset: u32,
}

/// The tokens of `src` (comments dropped) and what could not be closed.
pub(crate) fn lex(src: &str, dialect: Dialect) -> (Vec<Token>, Vec<Issue>) {
    Lexer::new(src, dialect).run()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Ident,
    Number,
    Str,
    Char,
    Punct,
}

#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub(crate) kind: Kind,
    pub(crate) start: u32,
    pub(crate) end: u32,
    /// identifier name (backticks removed), decoded literal, or operator; inline up to 24
    /// bytes, so nearly every token costs no allocation
    pub(crate) text: CompactString,
    /// a line break (possibly inside a comment) precedes this token
    pub(crate) newline_before: bool,
    /// string literal containing `$` templates
    pub(crate) template: bool,
}

/// How a kind of literal treats backslashes and `$`.
#[derive(Clone, Copy)]
struct LiteralRules {
    escapes: bool,
    templates: bool,
}

impl LiteralRules {
    fn for_literal(dialect: Dialect, quote: char, triple: bool) -> Self {
        match (dialect, quote, triple) {
            // Kotlin raw strings: no escapes, but templates still apply.
            (Dialect::Kotlin, '"', true) => LiteralRules {
                escapes: false,
                templates: true,
            },
            // Java has no string templates; its text blocks keep escapes.
            (Dialect::Java, _, _) => LiteralRules {
                escapes: true,
                templates: false,
            },
            (_, '"', _) => LiteralRules {
                escapes: true,
                templates: true,
            },
            _ => LiteralRules {
                escapes: true,
                templates: false,
            },
        }
    }
}

struct Literal {
    value: String,
    template: bool,
    terminated: bool,
}

struct Lexer<'a> {
    src: &'a str,
    /// byte offset of the next char (the text is scanned in place: a table of chars would
    /// cost 16 bytes per byte of input)
    i: usize,
    dialect: Dialect,
    tokens: Vec<Token>,
    issues: Vec<Issue>,
    newline: bool,
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn is_line_break(c: char) -> bool {
    c == '\n' || c == '\r'
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str, dialect: Dialect) -> Self {
        Lexer {
            src,
            i: 0,
            dialect,
            tokens: Vec::new(),
            issues: Vec::new(),
            newline: false,
        }
    }

    /// The char starting at byte `i`; none past the end or inside a char.
    fn at(&self, i: usize) -> Option<char> {
        self.src.get(i..).and_then(|s| s.chars().next())
    }

    /// The char after the one at `i`.
    fn after(&self, i: usize) -> Option<char> {
        self.at(i + self.at(i).map_or(1, char::len_utf8))
    }

    /// Moves past the char at `self.i`.
    fn bump(&mut self) {
        self.i += self.at(self.i).map_or(1, char::len_utf8);
    }

    fn offset(&self, i: usize) -> usize {
        i.min(self.src.len())
    }

    fn issue(&mut self, message: &'static str, char_index: usize) {
        let offset = to_u32(self.offset(char_index));
        self.issues.push(Issue { message, offset });
    }

    /// `'x'` is a character literal in Kotlin and Java, a string in Groovy.
    fn char_literal(&self, quote: char) -> bool {
        quote == '\'' && self.dialect != Dialect::Groovy
    }

    fn push(&mut self, kind: Kind, start: usize, text: CompactString, template: bool) {
        let token = Token {
            kind,
            start: to_u32(self.offset(start)),
            end: to_u32(self.offset(self.i)),
            text,
            newline_before: std::mem::take(&mut self.newline),
            template,
        };
        self.tokens.push(token);
    }

    fn run(mut self) -> (Vec<Token>, Vec<Issue>) {
        while let Some(c) = self.at(self.i) {
            if self.tokens.len() >= MAX_TOKENS {
                self.issue(TOO_MANY_TOKENS, self.i);
                break;
            }
            let next = self.after(self.i);
            match c {
                c if is_line_break(c) => {
                    self.newline = true;
                    self.bump();
                }
                c if c.is_whitespace() => self.bump(),
                '/' if next == Some('/') => self.line_comment(),
                '/' if next == Some('*') => self.block_comment(),
                '"' | '\'' => self.quoted(c),
                '`' => self.backtick(),
                c if is_ident_start(c) || (c == '$' && self.dialect == Dialect::Java) => self.identifier(),
                c if c.is_ascii_digit() => self.number(),
                _ => self.punct(),
            }
        }
        (self.tokens, self.issues)
    }

    fn line_comment(&mut self) {
        while self.at(self.i).is_some_and(|c| !is_line_break(c)) {
            self.bump();
        }
    }

    /// Kotlin block comments nest, Groovy's end at the first `*/`.
    fn block_comment(&mut self) {
        let start = self.i;
        self.i += 2;
        let mut depth = 1u32;
        while let Some(c) = self.at(self.i) {
            let next = self.at(self.i + 1);
            if c == '*' && next == Some('/') {
                self.i += 2;
                depth -= 1;
                if depth == 0 {
                    return;
                }
            } else if c == '/' && next == Some('*') && self.dialect == Dialect::Kotlin {
                self.i += 2;
                depth += 1;
            } else {
                self.newline |= is_line_break(c);
                self.bump();
            }
        }
        self.issue("unterminated block comment", start);
    }

    fn quoted(&mut self, quote: char) {
        let start = self.i;
        let char_literal = self.char_literal(quote);
        let triple = !char_literal && self.at(self.i + 1) == Some(quote) && self.at(self.i + 2) == Some(quote);
        self.i += if triple { 3 } else { 1 };
        let rules = LiteralRules::for_literal(self.dialect, quote, triple);
        let literal = self.literal_body(quote, triple, rules, 0);
        let kind = if char_literal { Kind::Char } else { Kind::Str };
        if !literal.terminated {
            let message = if char_literal {
                "unterminated character literal"
            } else {
                "unterminated string literal"
            };
            self.issue(message, start);
        }
        self.push(kind, start, literal.value.into(), literal.template);
    }

    /// Reads a literal's content with `self.i` just past the opening quotes.
    /// Single-line literals stop (unterminated) before a raw line break.
    fn literal_body(&mut self, quote: char, triple: bool, rules: LiteralRules, depth: u32) -> Literal {
        let mut value = String::new();
        let mut template = false;
        loop {
            let Some(c) = self.at(self.i) else {
                return Literal {
                    value,
                    template,
                    terminated: false,
                };
            };
            if !triple && is_line_break(c) {
                return Literal {
                    value,
                    template,
                    terminated: false,
                };
            }
            if c == quote && self.closes_literal(quote, triple, &mut value) {
                return Literal {
                    value,
                    template,
                    terminated: true,
                };
            }
            if c == '\\' && rules.escapes {
                self.escape(&mut value);
                continue;
            }
            if c == '$' && rules.templates {
                match self.at(self.i + 1) {
                    Some('{') => {
                        template = true;
                        let start = self.i;
                        self.i += 2;
                        let closed = self.template_code(depth + 1);
                        let raw = self.src.get(self.offset(start)..self.offset(self.i)).unwrap_or("");
                        value.push_str(raw);
                        if !closed {
                            return Literal {
                                value,
                                template,
                                terminated: false,
                            };
                        }
                        continue;
                    }
                    Some(n) if is_ident_start(n) => template = true,
                    _ => {}
                }
            }
            value.push(c);
            self.bump();
        }
    }

    /// At a quote char: consumes the closing delimiter and returns true, or
    /// consumes a lone quote inside a triple-quoted literal and returns false.
    fn closes_literal(&mut self, quote: char, triple: bool, value: &mut String) -> bool {
        if !triple {
            self.i += 1;
            return true;
        }
        if self.at(self.i + 1) == Some(quote) && self.at(self.i + 2) == Some(quote) {
            // In `""""` the extra leading quotes are content, as in Kotlin.
            while self.at(self.i + 3) == Some(quote) {
                value.push(quote);
                self.i += 1;
            }
            self.i += 3;
            return true;
        }
        value.push(quote);
        self.i += 1;
        false
    }

    fn escape(&mut self, value: &mut String) {
        let Some(n) = self.at(self.i + 1) else {
            value.push('\\');
            self.i += 1;
            return;
        };
        self.i += 1 + n.len_utf8();
        match n {
            'n' => value.push('\n'),
            't' => value.push('\t'),
            'r' => value.push('\r'),
            'b' => value.push('\u{8}'),
            'f' => value.push('\u{c}'),
            '\\' | '"' | '\'' | '$' => value.push(n),
            'u' => match self.hex_escape(self.i) {
                Some(c) => {
                    value.push(c);
                    self.i += 4;
                }
                None => value.push_str("\\u"),
            },
            // Groovy's backslash-newline continuation inside a string.
            '\r' => {
                if self.at(self.i) == Some('\n') {
                    self.i += 1;
                }
            }
            '\n' => {}
            other => {
                value.push('\\');
                value.push(other);
            }
        }
    }

    fn hex_escape(&self, i: usize) -> Option<char> {
        let mut code = 0u32;
        for k in 0..4 {
            code = code * 16 + self.at(i + k)?.to_digit(16)?;
        }
        char::from_u32(code)
    }

    /// Skips the code of a `${…}` template (nested braces and literals
    /// included), leaving `self.i` after its `}`. False if input ends first.
    fn template_code(&mut self, depth: u32) -> bool {
        let mut braces = 0u32;
        while let Some(c) = self.at(self.i) {
            match c {
                '{' => {
                    braces += 1;
                    self.i += 1;
                }
                '}' => {
                    self.i += 1;
                    if braces == 0 {
                        return true;
                    }
                    braces -= 1;
                }
                '"' | '\'' if depth < MAX_TEMPLATE_DEPTH => self.nested_literal(c, depth),
                _ => self.bump(),
            }
        }
        false
    }

    fn nested_literal(&mut self, quote: char, depth: u32) {
        let char_literal = self.char_literal(quote);
        let triple = !char_literal && self.at(self.i + 1) == Some(quote) && self.at(self.i + 2) == Some(quote);
        self.i += if triple { 3 } else { 1 };
        let rules = LiteralRules::for_literal(self.dialect, quote, triple);
        self.literal_body(quote, triple, rules, depth);
    }

    fn backtick(&mut self) {
        let start = self.i;
        let mut j = self.i + 1;
        while let Some(c) = self.at(j) {
            if c == '`' || is_line_break(c) {
                break;
            }
            j += c.len_utf8();
        }
        if self.at(j) == Some('`') && j > start + 1 {
            let name = CompactString::from(self.src.get(start + 1..j).unwrap_or(""));
            self.i = j + 1;
            self.push(Kind::Ident, start, name, false);
        } else {
            self.punct();
        }
    }

    fn identifier(&mut self) {
        let start = self.i;
        // Java identifiers may contain `$` (generated and nested class names).
        let java = self.dialect == Dialect::Java;
        while self.at(self.i).is_some_and(|c| is_ident_continue(c) || (java && c == '$')) {
            self.bump();
        }
        let text = CompactString::from(self.src.get(self.offset(start)..self.offset(self.i)).unwrap_or(""));
        self.push(Kind::Ident, start, text, false);
    }

    fn number(&mut self) {
        let start = self.i;
        loop {
            match self.at(self.i) {
                Some(c) if is_ident_continue(c) => self.bump(),
                Some('.') if self.at(self.i + 1).is_some_and(|c| c.is_ascii_digit()) => self.i += 1,
                _ => break,
            }
        }
        let text = CompactString::from(self.src.get(self.offset(start)..self.offset(self.i)).unwrap_or(""));
        self.push(Kind::Number, start, text, false);
    }

    fn punct(&mut self) {
        let start = self.i;
        let Some(c) = self.at(self.i) else {
            return;
        };
        let mut text = CompactString::default();
        text.push(c);
        if let Some(n) = self.after(self.i) {
            text.push(n);
            if !TWO_CHAR_OPS.contains(&text.as_str()) {
                text.pop();
            }
        }
        self.i += text.len();
        self.push(Kind::Punct, start, text, false);
    }
}

/// The index after the bracket that closes the one at `open` (`(`, `[` or `{`, whichever kind
/// closes it), or the end of the tokens: the readers of mappings and of security chains skip
/// an argument list or a block with it.
pub(crate) fn after_closing(toks: &[Token], open: usize) -> usize {
    let mut depth = 0i32;
    for (j, t) in toks.iter().enumerate().skip(open) {
        if t.kind == Kind::Punct {
            match t.text.as_str() {
                "(" | "[" | "{" => depth += 1,
                ")" | "]" | "}" => {
                    depth -= 1;
                    if depth <= 0 {
                        return j + 1;
                    }
                }
                _ => {}
            }
        }
    }
    toks.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str, dialect: Dialect) -> Vec<(Kind, String)> {
        lex(src, dialect).0.into_iter().map(|t| (t.kind, t.text.to_string())).collect()
    }

    #[test]
    fn dialects_differ_on_quotes_templates_dollars_and_nesting() {
        let src = "a$b '}' \"${x}\" /* /* */ y";
        assert_eq!(
            texts(src, Dialect::Java),
            [
                (Kind::Ident, "a$b".into()),
                (Kind::Char, "}".into()),
                (Kind::Str, "${x}".into()),
                (Kind::Ident, "y".into())
            ]
        );
        let (kotlin, issues) = lex(src, Dialect::Kotlin);
        assert_eq!(kotlin[1].text, "$");
        assert_eq!(kotlin[3].kind, Kind::Char);
        assert!(kotlin[4].template);
        assert_eq!(issues.len(), 1, "Kotlin comments nest, so this one is unterminated");
        let groovy = texts(src, Dialect::Groovy);
        assert_eq!(groovy[3], (Kind::Str, "}".into()));
        assert_eq!(groovy.last(), Some(&(Kind::Ident, "y".into())));
    }
}
