//! The token stream with matched brackets, and the small queries every walk uses: call chains,
//! named arguments, statement boundaries.

use super::*;

pub(super) const NONE: usize = usize::MAX;

pub(super) struct Toks<'a> {
    pub(super) src: &'a str,
    pub(super) dsl: Dsl,
    pub(super) t: Vec<Token>,
    /// for an opener: its closer, or the token that forced it shut, or `len`
    pub(super) close: Vec<usize>,
    /// whether `close` is a genuine matching closer
    pub(super) closed: Vec<bool>,
    /// for a matched closer: its opener
    pub(super) open_of: Vec<usize>,
}

/// One `name(args) { lambda }` link of a call chain such as `a.b(x).c { }`.
pub(super) struct Seg {
    pub(super) name: String,
    pub(super) args: Option<usize>,
    pub(super) lambda: Option<usize>,
}

pub(super) struct Chain {
    pub(super) segs: Vec<Seg>,
    pub(super) end: usize,
}

/// Named argument `key: value` / `key = value` with its value token range.
pub(super) struct NamedArg {
    pub(super) key: String,
    pub(super) lo: usize,
    pub(super) hi: usize,
}

/// Syntax errors reported per script: each is a diagnostic, and a file of 100,000 unclosed
/// `{` would otherwise print 100,000 of them (each with its line).
const MAX_ISSUES: usize = 10;

/// Keeps the first `MAX_ISSUES` (sorted) issues; the last one kept says how many more there are.
fn fold_issues(issues: &mut Vec<ParseIssue>) {
    if issues.len() <= MAX_ISSUES {
        return;
    }
    let more = issues.len() - MAX_ISSUES;
    issues.truncate(MAX_ISSUES);
    if let Some(last) = issues.last_mut() {
        last.message = format!("{} (and {more} more syntax errors after this one)", last.message);
    }
}

impl<'a> Toks<'a> {
    pub(super) fn build(src: &'a str, dsl: Dsl) -> (Self, Vec<ParseIssue>) {
        let dialect = match dsl {
            Dsl::Kotlin => Dialect::Kotlin,
            Dsl::Groovy => Dialect::Groovy,
        };
        let (t, lexed) = lexer::lex(src, dialect);
        let mut issues: Vec<ParseIssue> = lexed
            .into_iter()
            .map(|i| ParseIssue {
                message: i.message.to_string(),
                offset: i.offset,
                limit: i.message == lexer::TOO_MANY_TOKENS,
            })
            .collect();
        let cut_short = issues.iter().any(|i| i.limit);
        let n = t.len();
        let mut toks = Toks {
            src,
            dsl,
            t,
            close: vec![NONE; n],
            closed: vec![false; n],
            open_of: vec![NONE; n],
        };
        toks.match_brackets(&mut issues);
        if cut_short {
            // The brackets the cut left open are not the script's.
            issues.retain(|i| i.limit);
        }
        issues.sort_by_key(|i| i.offset);
        fold_issues(&mut issues);
        (toks, issues)
    }

    /// Pairs brackets with one stack. Braces take priority: a `}` closes the
    /// nearest `{` even across unclosed parentheses, so one stray `(` cannot
    /// swallow the rest of the file; stray `)`/`]` are ignored.
    pub(super) fn match_brackets(&mut self, issues: &mut Vec<ParseIssue>) {
        let mut stack: Vec<usize> = Vec::new();
        for i in 0..self.t.len() {
            if self.t[i].kind != Kind::Punct {
                continue;
            }
            let token = &self.t[i];
            let bracket = token.text.chars().next().filter(|_| token.text.len() == 1);
            match bracket {
                Some('(' | '[' | '{') => stack.push(i),
                Some(')') => {
                    self.close_group(&mut stack, i, "(");
                }
                Some(']') => {
                    self.close_group(&mut stack, i, "[");
                }
                Some('}') if !self.close_group(&mut stack, i, "{") => {
                    issues.push(ParseIssue {
                        message: "unbalanced '}'".to_string(),
                        offset: self.t[i].start,
                        limit: false,
                    });
                }
                _ => {}
            }
        }
        for open in stack {
            self.close[open] = self.t.len();
            if self.t[open].text == "{" {
                issues.push(ParseIssue {
                    message: "missing '}' for this '{'".to_string(),
                    offset: self.t[open].start,
                    limit: false,
                });
            }
        }
    }

    pub(super) fn close_group(&mut self, stack: &mut Vec<usize>, closer: usize, want: &str) -> bool {
        let found = stack.iter().rposition(|&o| self.t[o].text == want || self.t[o].text == "{");
        let Some(pos) = found else {
            return false;
        };
        if self.t[stack[pos]].text != want {
            return false;
        }
        for unclosed in stack.drain(pos + 1..) {
            self.close[unclosed] = closer;
        }
        if let Some(open) = stack.pop() {
            self.close[open] = closer;
            self.closed[open] = true;
            self.open_of[closer] = open;
        }
        true
    }

    pub(super) fn len(&self) -> usize {
        self.t.len()
    }

    pub(super) fn kind(&self, i: usize) -> Option<Kind> {
        self.t.get(i).map(|t| t.kind)
    }

    pub(super) fn ident(&self, i: usize) -> Option<&str> {
        self.t.get(i).filter(|t| t.kind == Kind::Ident).map(|t| t.text.as_str())
    }

    pub(super) fn is_ident(&self, i: usize, name: &str) -> bool {
        self.ident(i) == Some(name)
    }

    pub(super) fn punct(&self, i: usize, op: &str) -> bool {
        self.t.get(i).is_some_and(|t| t.kind == Kind::Punct && t.text == op)
    }

    pub(super) fn is_open(&self, i: usize, bracket: char) -> bool {
        let mut buf = [0u8; 4];
        self.punct(i, bracket.encode_utf8(&mut buf)) && self.close.get(i).is_some_and(|&c| c != NONE)
    }

    pub(super) fn is_opener(&self, i: usize) -> bool {
        self.is_open(i, '(') || self.is_open(i, '[') || self.is_open(i, '{')
    }

    pub(super) fn newline_before(&self, i: usize) -> bool {
        self.t.get(i).is_some_and(|t| t.newline_before)
    }

    /// Index just past the group opened at `i` (or `i + 1` for other tokens).
    pub(super) fn after(&self, i: usize) -> usize {
        match self.close.get(i) {
            Some(&c) if c != NONE => {
                if self.closed[i] {
                    c + 1
                } else {
                    c
                }
            }
            _ => i + 1,
        }
    }

    /// Token range strictly inside the group opened at `open`.
    pub(super) fn inner(&self, open: usize) -> (usize, usize) {
        let close = self.close.get(open).copied().unwrap_or(NONE);
        if close == NONE {
            (open + 1, open + 1)
        } else {
            (open + 1, close.max(open + 1))
        }
    }

    pub(super) fn str_tok(&self, i: usize) -> Option<Str> {
        let t = self.t.get(i).filter(|t| t.kind == Kind::Str)?;
        Some(Str {
            value: t.text.to_string(),
            span: t.start..t.end,
        })
    }

    pub(super) fn is_plain_str(&self, i: usize) -> bool {
        self.t.get(i).is_some_and(|t| t.kind == Kind::Str && !t.template)
    }

    /// A single string literal filling `lo..hi`.
    pub(super) fn only_str(&self, lo: usize, hi: usize) -> Option<Str> {
        if hi == lo + 1 {
            self.str_tok(lo)
        } else {
            None
        }
    }

    pub(super) fn span(&self, lo: usize, hi: usize) -> Range<u32> {
        let hi = hi.min(self.t.len());
        if lo >= hi {
            let at = self.t.get(lo).map_or(to_u32(self.src.len()), |t| t.start);
            return at..at;
        }
        self.t[lo].start..self.t[hi - 1].end
    }

    pub(super) fn text(&self, lo: usize, hi: usize) -> &'a str {
        let span = self.span(lo, hi);
        self.src.get(span.start as usize..span.end as usize).unwrap_or("")
    }

    pub(super) fn continues_previous(&self, i: usize) -> bool {
        let leading = self
            .t
            .get(i)
            .is_some_and(|t| t.kind == Kind::Punct && LEADING_CONTINUATIONS.contains(&t.text.as_str()));
        let trailing = i
            .checked_sub(1)
            .and_then(|p| self.t.get(p))
            .is_some_and(|t| t.kind == Kind::Punct && CONTINUING_OPS.contains(&t.text.as_str()));
        leading || trailing
    }

    /// Whether token `i` begins a statement within a region starting at `lo`.
    pub(super) fn stmt_start(&self, i: usize, lo: usize) -> bool {
        if i <= lo {
            return true;
        }
        let prev = &self.t[i - 1];
        if prev.kind == Kind::Punct && matches!(prev.text.as_str(), "{" | "}" | ";" | "->") {
            return true;
        }
        self.newline_before(i) && !self.continues_previous(i)
    }

    pub(super) fn starts_statement(&self, i: usize) -> bool {
        matches!(self.kind(i), Some(Kind::Ident | Kind::Str)) || self.is_open(i, '(') || self.is_open(i, '[')
    }

    /// End (exclusive) of the statement starting at `i`, using the newline
    /// rules both DSLs share; bracket groups are skipped whole.
    pub(super) fn stmt_end(&self, i: usize, hi: usize) -> usize {
        let mut j = i;
        while j < hi {
            if j > i && self.ends_statement_before(j) {
                return j;
            }
            j = if self.is_opener(j) { self.after(j).max(j + 1) } else { j + 1 };
        }
        hi.min(self.t.len()).max(i + 1)
    }

    pub(super) fn ends_statement_before(&self, j: usize) -> bool {
        let t = &self.t[j];
        let hard_stop = match t.kind {
            Kind::Punct => matches!(t.text.as_str(), ";" | ")" | "]" | "}"),
            Kind::Ident => t.text == "else",
            _ => false,
        };
        hard_stop || (t.newline_before && !self.continues_previous(j))
    }

    /// Splits `lo..hi` at top-level commas, dropping empty pieces.
    pub(super) fn split_commas(&self, lo: usize, hi: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = lo;
        let mut j = lo;
        while j < hi {
            if self.punct(j, ",") {
                if j > start {
                    out.push((start, j));
                }
                start = j + 1;
                j += 1;
            } else {
                j = self.after(j).max(j + 1);
            }
        }
        if hi > start {
            out.push((start, hi.min(self.t.len())));
        }
        out
    }

    /// Parses `a.b(x).c { }`-style call chains starting at `i`. The first
    /// link may also be a string (`"implementation"(…)`) or a bracket group
    /// (`['a', 'b'].each { }`).
    pub(super) fn chain(&self, i: usize, hi: usize) -> Chain {
        let mut segs = Vec::new();
        let mut j = i;
        while j < hi {
            let name = match self.t[j].kind {
                Kind::Ident => self.t[j].text.to_string(),
                Kind::Str if segs.is_empty() => self.t[j].text.to_string(),
                Kind::Punct if segs.is_empty() && (self.is_open(j, '(') || self.is_open(j, '[')) => {
                    // An unnamed link; step to its last token so the shared
                    // `j += 1` below lands just past the group.
                    j = self.after(j).max(j + 1) - 1;
                    String::new()
                }
                _ => break,
            };
            j += 1;
            let mut seg = Seg {
                name,
                args: None,
                lambda: None,
            };
            if j < hi && self.is_open(j, '(') && !seg.name.is_empty() {
                seg.args = Some(j);
                j = self.after(j);
            }
            if j < hi && self.is_open(j, '{') {
                seg.lambda = Some(j);
                j = self.after(j);
            }
            segs.push(seg);
            let dot = self.punct(j, ".") || self.punct(j, "?.");
            if !(dot && j + 1 < hi && self.kind(j + 1) == Some(Kind::Ident)) {
                break;
            }
            j += 1;
        }
        Chain {
            segs,
            end: j.min(hi).max(i + 1),
        }
    }

    /// The identifier naming the lambda that opens at `open`
    /// (`forEach {`, `forEach(x) {`), if any.
    pub(super) fn lambda_name(&self, open: usize) -> Option<usize> {
        let prev = open.checked_sub(1)?;
        if self.punct(prev, ")") && self.open_of[prev] != NONE {
            let name = self.open_of[prev].checked_sub(1)?;
            return self.ident(name).map(|_| name);
        }
        if self.punct(prev, ">") {
            return self.type_arg_call(prev).map(|(name, _)| name);
        }
        self.ident(prev).map(|_| prev)
    }

    /// `withType<SpringBootPlugin>` ending at the `>` token `gt`: the index of
    /// `withType` and the simple name of the type argument.
    pub(super) fn type_arg_call(&self, gt: usize) -> Option<(usize, &str)> {
        let mut j = gt;
        for _ in 0..12 {
            j = j.checked_sub(1)?;
            if self.punct(j, "<") {
                let name = j.checked_sub(1)?;
                self.ident(name)?;
                let ty = self.ident(gt - 1)?;
                return Some((name, ty));
            }
            if !(self.kind(j) == Some(Kind::Ident) || self.punct(j, ".")) {
                return None;
            }
        }
        None
    }

    /// The plugin a `plugins.withType<SpringBootPlugin> { }` /
    /// `plugins.withType(SpringBootPlugin) { }` lambda waits for.
    pub(super) fn plugin_type_lambda(&self, open: usize) -> Option<&'static str> {
        let prev = open.checked_sub(1)?;
        let ty = if self.punct(prev, ">") {
            let (name, ty) = self.type_arg_call(prev)?;
            self.is_ident(name, "withType").then_some(ty)?
        } else if self.punct(prev, ")") && self.open_of[prev] != NONE {
            let o = self.open_of[prev];
            let name = o.checked_sub(1)?;
            if !self.is_ident(name, "withType") {
                return None;
            }
            let (a, b) = self.inner(o);
            self.ident(b.checked_sub(1)?).filter(|_| b > a)?
        } else {
            return None;
        };
        (ty == "SpringBootPlugin").then_some("org.springframework.boot")
    }

    pub(super) fn lambda_is_conditional(&self, open: usize) -> bool {
        if open.checked_sub(1).is_some_and(|p| self.punct(p, "->")) {
            return true;
        }
        self.lambda_name(open)
            .and_then(|n| self.ident(n))
            .is_some_and(|n| CONDITIONAL_LAMBDAS.contains(&n))
    }

    /// `"x"` or `("x", …)` at `k`: the string and the index after it.
    pub(super) fn str_arg(&self, k: usize, hi: usize) -> Option<(Str, usize)> {
        if k >= hi {
            return None;
        }
        if let Some(s) = self.str_tok(k) {
            return Some((s, k + 1));
        }
        if !self.is_open(k, '(') {
            return None;
        }
        let (lo, ihi) = self.inner(k);
        let &(a, b) = self.split_commas(lo, ihi).first()?;
        Some((self.only_str(a, b)?, self.after(k)))
    }

    pub(super) fn bool_arg(&self, k: usize) -> Option<bool> {
        let k = if self.is_open(k, '(') { k + 1 } else { k };
        match self.ident(k)? {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }

    /// Arguments in named form (`group: 'g'` / `group = "g"`); None unless the
    /// first argument is named. Unnamed arguments after it are ignored.
    pub(super) fn named_args(&self, args: &[(usize, usize)]) -> Option<Vec<NamedArg>> {
        let is_named = |lo: usize, hi: usize| {
            hi >= lo + 3
                && (self.kind(lo) == Some(Kind::Ident) || self.is_plain_str(lo))
                && (self.punct(lo + 1, ":") || self.punct(lo + 1, "="))
        };
        let &(first_lo, first_hi) = args.first()?;
        if !is_named(first_lo, first_hi) {
            return None;
        }
        let named = args
            .iter()
            .filter(|&&(lo, hi)| is_named(lo, hi))
            .map(|&(lo, hi)| NamedArg {
                key: self.t[lo].text.to_string(),
                lo: lo + 2,
                hi,
            })
            .collect();
        Some(named)
    }

    /// A path-like expression: `"dir"`, `file("dir")`, `File(root, "dir")`,
    /// `new File(settingsDir, 'dir')`, `rootDir.resolve("dir")`, `uri("…")`.
    pub(super) fn file_expr(&self, lo: usize, hi: usize) -> Option<Str> {
        if let Some(s) = self.only_str(lo, hi) {
            return Some(s);
        }
        let last = hi.checked_sub(1)?;
        let open = *self.open_of.get(last)?;
        if open == NONE || !self.punct(last, ")") || open <= lo {
            return None;
        }
        let name = self.ident(open - 1)?;
        if !matches!(name, "file" | "File" | "files" | "resolve" | "uri" | "URI" | "URL") {
            return None;
        }
        let (a, b) = self.inner(open);
        let args = self.split_commas(a, b);
        let &(x, y) = args.last()?;
        self.only_str(x, y)
    }

    /// Leading whitespace of the line containing byte `offset`.
    pub(super) fn line_indent(&self, offset: usize) -> &'a str {
        let before = self.src.get(..offset).unwrap_or("");
        let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let line = self.src.get(line_start..).unwrap_or("");
        let content = line.trim_start_matches([' ', '\t']);
        &line[..line.len() - content.len()]
    }

    /// Indentation of the first non-blank line inside a block, else the
    /// block's own line indentation plus one level of the file's indentation.
    pub(super) fn block_indent(&self, open: usize, close_offset: usize) -> String {
        let body_start = self.t[open].end as usize;
        let body = self.src.get(body_start..close_offset).unwrap_or("");
        for line in body.split('\n').skip(1) {
            let content = line.trim_start_matches([' ', '\t']);
            if !content.trim().is_empty() {
                return line[..line.len() - content.len()].to_string();
            }
        }
        // One level more, in the style of the block's own line (the file's when it has none).
        let line = self.line_indent(self.t[open].start as usize);
        let unit = match line.chars().next() {
            Some('\t') => "\t",
            Some(_) => "    ",
            None => crate::source::indent_unit(self.src),
        };
        format!("{line}{unit}")
    }
}
