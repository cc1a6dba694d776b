//! The statement walk: which block (project, conditional, buildscript) each construct lives in.

use super::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mode {
    Generic,
    Deps,
    PluginManagement,
    Catalogs,
    /// Groovy `ext { x = "…" }`
    Ext,
}

#[derive(Clone, Debug)]
pub(super) struct State {
    pub(super) ctx: Scope,
    pub(super) mode: Mode,
    pub(super) conditional: bool,
    pub(super) depth: u32,
    pub(super) when_plugin: Option<String>,
    pub(super) test_suite: bool,
}

impl State {
    pub(super) fn root() -> Self {
        State {
            ctx: Scope::Own,
            mode: Mode::Generic,
            conditional: false,
            depth: 0,
            when_plugin: None,
            test_suite: false,
        }
    }

    pub(super) fn nested(&self) -> Self {
        State {
            depth: self.depth + 1,
            ..self.clone()
        }
    }

    pub(super) fn conditional(&self) -> Self {
        State {
            conditional: true,
            ..self.nested()
        }
    }

    pub(super) fn with_mode(&self, mode: Mode) -> Self {
        State { mode, ..self.nested() }
    }

    pub(super) fn with_ctx(&self, ctx: Scope) -> Self {
        State { ctx, ..self.nested() }
    }
}

pub(super) trait Visitor<'a> {
    fn toks(&self) -> &'a Toks<'a>;

    /// Handles the statement starting at `i`; returns where to continue.
    fn statement(&mut self, i: usize, hi: usize, st: &State) -> usize;

    /// Walks a nested region. `span` covers the construct that opened it.
    fn enter(&mut self, lo: usize, hi: usize, _parent: &State, child: &State, _span: Range<u32>)
    where
        Self: Sized,
    {
        walk(self, lo, hi, child);
    }
}

pub(super) fn walk<'a, V: Visitor<'a>>(v: &mut V, lo: usize, hi: usize, st: &State) {
    if st.depth > MAX_DEPTH {
        return;
    }
    let tk = v.toks();
    let hi = hi.min(tk.len());
    let mut i = lo;
    while i < hi {
        let next = if tk.is_open(i, '{') {
            lambda_block(v, i, st);
            tk.after(i)
        } else if tk.stmt_start(i, lo) && tk.starts_statement(i) {
            if tk.ident(i).is_some_and(|k| CONTROL_KEYWORDS.contains(&k)) {
                control(v, i, hi, st)
            } else {
                v.statement(i, hi, st)
            }
        } else {
            tk.after(i)
        };
        i = next.max(i + 1);
    }
}

/// A block not consumed by a statement handler: a bare block, a `when`
/// branch body, or a lambda after something we do not model.
pub(super) fn lambda_block<'a, V: Visitor<'a>>(v: &mut V, open: usize, st: &State) {
    let tk = v.toks();
    let child = if let Some(plugin) = tk.plugin_type_lambda(open).filter(|_| st.mode != Mode::Deps) {
        State {
            when_plugin: Some(plugin.to_string()),
            ..st.nested()
        }
    } else if st.mode == Mode::Deps || tk.lambda_is_conditional(open) {
        st.conditional()
    } else {
        st.nested()
    };
    let (lo, hi) = tk.inner(open);
    let start = tk.lambda_name(open).unwrap_or(open);
    v.enter(lo, hi, st, &child, tk.span(start, tk.after(open)));
}

/// Walks a named lambda of a call chain (`x.forEach { }`, `afterEvaluate { }`).
pub(super) fn named_lambda<'a, V: Visitor<'a>>(v: &mut V, name: &str, open: usize, stmt: usize, st: &State) {
    let tk = v.toks();
    let child = if st.mode == Mode::Deps || CONDITIONAL_LAMBDAS.contains(&name) {
        st.conditional()
    } else {
        st.nested()
    };
    let (lo, hi) = tk.inner(open);
    v.enter(lo, hi, st, &child, tk.span(stmt, tk.after(open)));
}

/// `if`/`else`/`for`/`while`/`when`/`do`/`try` with block or single-statement
/// bodies; else-if chains are followed iteratively.
pub(super) fn control<'a, V: Visitor<'a>>(v: &mut V, start: usize, hi: usize, st: &State) -> usize {
    let tk = v.toks();
    let mut i = start;
    loop {
        if st.depth > MAX_DEPTH {
            return tk.stmt_end(i, hi);
        }
        let keyword = tk.ident(i).unwrap_or("");
        if keyword == "else" && tk.is_ident(i + 1, "if") {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        if matches!(keyword, "if" | "while" | "for" | "when" | "catch") && tk.is_open(j, '(') {
            j = tk.after(j);
        }
        if tk.punct(j, "->") {
            j += 1;
        }
        if j >= hi {
            return hi;
        }
        let child = if matches!(keyword, "try" | "finally") {
            st.nested()
        } else {
            st.conditional()
        };
        let (lo, body_hi, next) = if tk.is_open(j, '{') {
            let (a, b) = tk.inner(j);
            (a, b, tk.after(j))
        } else {
            let end = tk.stmt_end(j, hi);
            (j, end, end)
        };
        v.enter(lo, body_hi, st, &child, tk.span(i, next));
        if keyword == "do" && tk.is_ident(next, "while") {
            return if tk.is_open(next + 1, '(') { tk.after(next + 1) } else { next + 1 };
        }
        if next < hi && matches!(tk.ident(next), Some("else" | "catch" | "finally")) {
            i = next;
            continue;
        }
        return next;
    }
}

pub(super) fn is_skip_keyword(tk: &Toks<'_>, i: usize) -> bool {
    tk.ident(i).is_some_and(|k| SKIP_KEYWORDS.contains(&k))
}
