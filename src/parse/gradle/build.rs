//! `build.gradle(.kts)`: plugins, dependencies, applied scripts, group and project blocks.

use super::*;

pub(super) struct BuildVisitor<'a> {
    pub(super) tk: &'a Toks<'a>,
    pub(super) out: BuildScript,
    /// Regions read as something that adds no dependency (`constraints {}`,
    /// `dependencyManagement {}`).
    pub(super) read: Vec<Range<u32>>,
}

impl<'a> Visitor<'a> for BuildVisitor<'a> {
    fn toks(&self) -> &'a Toks<'a> {
        self.tk
    }

    fn statement(&mut self, i: usize, hi: usize, st: &State) -> usize {
        // Output and assertions declare nothing, whatever strings they print.
        if matches!(
            self.tk.ident(i),
            Some("println" | "print" | "printf" | "logger" | "error" | "check" | "require" | "assert" | "description" | "because")
        ) {
            let end = self.tk.stmt_end(i, hi);
            self.read.push(self.tk.span(i, end));
            return end;
        }
        match st.mode {
            Mode::Deps => self.dep_statement(i, hi, st),
            Mode::Ext => self.ext_statement(i, hi),
            _ => self.generic_statement(i, hi, st),
        }
    }

    /// Reports the outermost conditional construct inside `dependencies {}`
    /// that yielded declarations, so callers know the set is not fixed.
    fn enter(&mut self, lo: usize, hi: usize, parent: &State, child: &State, span: Range<u32>) {
        let before = self.out.dependencies.len();
        walk(self, lo, hi, child);
        let newly_conditional = child.mode == Mode::Deps && child.conditional && !parent.conditional;
        if newly_conditional && self.out.dependencies.len() > before {
            self.out
                .conditions
                .push(("dependency declarations inside a condition, loop or closure".to_string(), span));
        }
    }
}

impl BuildVisitor<'_> {
    pub(super) fn generic_statement(&mut self, i: usize, hi: usize, st: &State) -> usize {
        let tk = self.tk;
        if let Some(end) = self.variable(i, hi) {
            return end;
        }
        if tk.is_ident(i, "package") && st.depth == 0 {
            let end = tk.stmt_end(i, hi);
            self.out.package = tk.dotted(i + 1, end).or_else(|| tk.ident(i + 1).map(str::to_string));
            return end;
        }
        if is_skip_keyword(tk, i) {
            return tk.stmt_end(i, hi);
        }
        if tk.is_ident(i, "group") && tk.punct(i + 1, "=") && st.ctx == Scope::Own && !st.conditional {
            let end = tk.stmt_end(i, hi);
            if let Some(g) = tk.only_str(i + 2, end) {
                self.out.group = Some(g);
            }
            return end;
        }
        if tk.is_ident(i, "apply") {
            if let Some(end) = self.apply(i, hi, st) {
                return end;
            }
        }
        let chain = tk.chain(i, hi);
        if self.dependencies_add(&chain, i, st) {
            return chain.end;
        }
        self.plugin_apply_call(&chain, i, st);
        self.chain_blocks(&chain, i, st);
        chain.end
    }

    /// `dependencies.add("runtimeOnly", "g:n")` / `project.dependencies.add(…)` outside a
    /// `dependencies {}` block.
    pub(super) fn dependencies_add(&mut self, chain: &Chain, stmt: usize, st: &State) -> bool {
        let tk = self.tk;
        let names: Vec<&str> = chain.segs.iter().map(|s| s.name.as_str()).collect();
        let shaped = matches!(
            names.as_slice(),
            ["dependencies", "add"] | ["project" | "rootProject", "dependencies", "add"]
        );
        let Some(open) = chain.segs.last().and_then(|s| s.args).filter(|_| shaped) else {
            return false;
        };
        let (lo, hi) = tk.inner(open);
        let args = tk.split_commas(lo, hi);
        let Some((&(x, y), rest)) = args.split_first() else {
            return false;
        };
        let Some(conf) = tk.only_str(x, y) else {
            return false;
        };
        self.declare(conf.value, rest, tk.span(stmt, chain.end), st);
        true
    }

    pub(super) fn chain_blocks(&mut self, chain: &Chain, stmt: usize, st: &State) {
        let tk = self.tk;
        let single = chain.segs.len() == 1;
        for (index, seg) in chain.segs.iter().enumerate() {
            let Some(open) = seg.lambda else {
                continue;
            };
            let (lo, hi) = tk.inner(open);
            let first = index == 0;
            match (seg.name.as_str(), seg.args) {
                ("plugins", None) if single => {
                    let found = tk.plugin_statements(open, &st.ctx);
                    self.out.plugins.extend(found.into_iter().map(|p| PluginRef {
                        conditional: st.conditional,
                        ..p
                    }));
                }
                ("dependencies", None) => {
                    let ctx = chain_project(tk, chain).unwrap_or_else(|| st.ctx.clone());
                    self.dependencies_block(stmt, open, st, ctx);
                }
                ("dependencyManagement", _) => self.dependency_management(open),
                ("ext", None) if first => walk(self, lo, hi, &st.with_mode(Mode::Ext)),
                ("testing", None) if first => walk(
                    self,
                    lo,
                    hi,
                    &State {
                        test_suite: true,
                        ..st.nested()
                    },
                ),
                ("withId" | "withPlugin", Some(args)) if index > 0 => match tk.str_arg(args, tk.len()) {
                    Some((id, _)) => walk(
                        self,
                        lo,
                        hi,
                        &State {
                            when_plugin: Some(id.value),
                            ..st.nested()
                        },
                    ),
                    None => named_lambda(self, &seg.name, open, stmt, st),
                },
                ("buildscript", None) if single => walk(self, lo, hi, &st.with_ctx(Scope::Buildscript)),
                ("subprojects", None) if single => self.project_block(open, Scope::Subprojects, st),
                ("allprojects", None) if single => self.project_block(open, Scope::Allprojects, st),
                ("project", Some(_)) if first => {
                    let ctx = chain_project(tk, chain).unwrap_or(Scope::Configure);
                    self.project_block(open, ctx, st);
                }
                ("configure", Some(args)) if first => {
                    let ctx = tk.project_filter(args).map_or(Scope::Configure, Scope::Filtered);
                    self.project_block(open, ctx, st);
                }
                (name, _) => named_lambda(self, name, open, stmt, st),
            }
        }
    }

    /// A block that configures other projects: recorded (so what else it configures, such as
    /// an image, can be attributed to those projects) and walked in its context.
    fn project_block(&mut self, open: usize, ctx: Scope, st: &State) {
        let tk = self.tk;
        let close = if tk.closed[open] {
            tk.t[tk.close[open]].start as usize
        } else {
            tk.src.len()
        };
        self.out.project_blocks.push((tk.t[open].start..to_u32(close), ctx.clone()));
        let (lo, hi) = tk.inner(open);
        walk(self, lo, hi, &st.with_ctx(ctx));
    }

    pub(super) fn dependencies_block(&mut self, stmt: usize, open: usize, st: &State, ctx: Scope) {
        let tk = self.tk;
        let close = if tk.closed[open] {
            tk.t[tk.close[open]].start as usize
        } else {
            tk.src.len()
        };
        self.out.blocks.push(DepBlock {
            open: tk.t[open].start,
            close: to_u32(close),
            indent: tk.block_indent(open, close),
            scope: ctx.clone(),
        });
        if st.conditional {
            self.out.conditions.push((
                "dependencies block inside a condition, loop or closure".to_string(),
                tk.span(stmt, tk.after(open)),
            ));
        }
        let (lo, hi) = tk.inner(open);
        let child = State {
            ctx,
            mode: Mode::Deps,
            ..st.nested()
        };
        walk(self, lo, hi, &child);
    }

    /// `apply plugin: 'x'`, `apply from: 'x'`, `apply(plugin = "x")`,
    /// `apply(from = "x")`, `apply { plugin("x") }`. None if not one of these.
    pub(super) fn apply(&mut self, i: usize, hi: usize, st: &State) -> Option<usize> {
        let tk = self.tk;
        let j = i + 1;
        if tk.is_open(j, '{') {
            self.apply_block(j, st);
            return Some(tk.after(j));
        }
        let (args, end) = if tk.is_open(j, '(') {
            (tk.inner(j), tk.after(j))
        } else if j < hi && !tk.newline_before(j) && tk.ident(j).is_some() && tk.punct(j + 1, ":") {
            let end = tk.stmt_end(i, hi);
            ((j, end), end)
        } else {
            return None;
        };
        let named = tk.named_args(&tk.split_commas(args.0, args.1))?;
        let span = tk.span(i, end);
        for arg in named {
            self.apply_entry(&arg.key, arg.lo, arg.hi, &span, st);
        }
        Some(end)
    }

    pub(super) fn apply_block(&mut self, open: usize, st: &State) {
        let tk = self.tk;
        let (lo, hi) = tk.inner(open);
        let mut i = lo;
        while i < hi {
            let key = tk.ident(i).filter(|k| matches!(*k, "plugin" | "from"));
            match key {
                Some(key) if tk.stmt_start(i, lo) => {
                    let end = tk.stmt_end(i, hi);
                    let (a, b) = if tk.is_open(i + 1, '(') { tk.inner(i + 1) } else { (i + 1, end) };
                    self.apply_entry(key, a, b, &tk.span(i, end), st);
                    i = end.max(i + 1);
                }
                _ => i = tk.after(i).max(i + 1),
            }
        }
    }

    pub(super) fn apply_entry(&mut self, key: &str, lo: usize, hi: usize, span: &Range<u32>, st: &State) {
        let tk = self.tk;
        match key {
            "plugin" => {
                // A plugin class (`apply plugin: JavaPlugin`) is kept as written.
                let id = tk.only_str(lo, hi).unwrap_or_else(|| Str {
                    value: tk.text(lo, hi).to_string(),
                    span: tk.span(lo, hi),
                });
                self.out.plugins.push(PluginRef {
                    id: Some(id),
                    alias: None,
                    version: None,
                    apply: true,
                    span: span.clone(),
                    scope: st.ctx.clone(),
                    conditional: st.conditional,
                });
            }
            "from" => {
                let (path, computed) = match tk.file_expr(lo, hi) {
                    Some(script) => (script, false),
                    None => (
                        Str {
                            value: tk.text(lo, hi).to_string(),
                            span: tk.span(lo, hi),
                        },
                        true,
                    ),
                };
                self.out.applied_scripts.push(ScriptRef {
                    path,
                    span: span.clone(),
                    scope: st.ctx.clone(),
                    conditional: st.conditional,
                    computed,
                });
            }
            _ => {}
        }
    }

    /// `pluginManager.apply("x")`, `plugins.apply("x")`, `project.apply(plugin = "x")`.
    pub(super) fn plugin_apply_call(&mut self, chain: &Chain, stmt: usize, st: &State) {
        let tk = self.tk;
        let (Some(first), Some(last)) = (chain.segs.first(), chain.segs.last()) else {
            return;
        };
        let receiver = matches!(first.name.as_str(), "pluginManager" | "plugins" | "project");
        let Some(open) = last.args.filter(|_| receiver && chain.segs.len() >= 2 && last.name == "apply") else {
            return;
        };
        let (a, b) = tk.inner(open);
        let args = tk.split_commas(a, b);
        let span = tk.span(stmt, chain.end);
        if let Some(named) = tk.named_args(&args) {
            for arg in named {
                self.apply_entry(&arg.key, arg.lo, arg.hi, &span, st);
            }
        } else if let Some(&(x, y)) = args.first() {
            self.apply_entry("plugin", x, y, &span, st);
        }
    }

    pub(super) fn dep_statement(&mut self, i: usize, hi: usize, st: &State) -> usize {
        let tk = self.tk;
        if is_skip_keyword(tk, i) {
            return tk.stmt_end(i, hi);
        }
        let name = match tk.kind(i) {
            Some(Kind::Str) | Some(Kind::Ident) => tk.t[i].text.as_str(),
            _ => "",
        };
        let is_ident = tk.kind(i) == Some(Kind::Ident);
        let excluded = is_ident && NOT_CONFIGURATIONS.contains(&name);
        let declarable = !name.is_empty() && !excluded;
        if is_ident && name == "constraints" && tk.is_open(i + 1, '{') {
            self.read.push(tk.span(i, tk.after(i + 1)));
            return tk.after(i + 1);
        }
        if declarable && tk.is_open(i + 1, '(') {
            if let Some(end) = self.call_declaration(i, hi, st) {
                return end;
            }
        } else if declarable && is_ident && self.groovy_command(i, hi) {
            return self.command_declaration(i, hi, st);
        }
        let chain = tk.chain(i, hi);
        for seg in &chain.segs {
            if let Some(open) = seg.lambda {
                named_lambda(self, &seg.name, open, i, st);
            }
        }
        chain.end
    }

    /// `conf(args)`, `"conf"(args)` or `add("conf", args)`, each optionally
    /// followed by a configuration closure. None when the call continues as a
    /// chain (`listOf(…).forEach { }`), which is then walked instead.
    pub(super) fn call_declaration(&mut self, i: usize, hi: usize, st: &State) -> Option<usize> {
        let tk = self.tk;
        let args_open = i + 1;
        let mut end = tk.after(args_open);
        if end < hi && tk.is_open(end, '{') {
            end = tk.after(end);
        }
        if end < hi && (tk.punct(end, ".") || tk.punct(end, "?.")) {
            return None;
        }
        let (lo, ahi) = tk.inner(args_open);
        let args = tk.split_commas(lo, ahi);
        let span = tk.span(i, end);
        if tk.is_ident(i, "add") {
            let (&(x, y), rest) = args.split_first()?;
            let conf = tk.only_str(x, y).map_or_else(|| tk.text(x, y).to_string(), |s| s.value);
            self.declare(conf, rest, span, st);
        } else {
            self.declare(tk.t[i].text.to_string(), &args, span, st);
        }
        Some(end)
    }

    /// Groovy's parenthesis-free `implementation 'a:b', 'c:d'`.
    pub(super) fn groovy_command(&self, i: usize, hi: usize) -> bool {
        let tk = self.tk;
        let j = i + 1;
        if tk.dsl != Dsl::Groovy || j >= hi || tk.newline_before(j) {
            return false;
        }
        match tk.kind(j) {
            Some(Kind::Str) => true,
            Some(Kind::Ident) => !is_skip_keyword(tk, j) && !CONTROL_KEYWORDS.contains(&tk.t[j].text.as_str()),
            _ => tk.is_open(j, '['),
        }
    }

    pub(super) fn command_declaration(&mut self, i: usize, hi: usize, st: &State) -> usize {
        let tk = self.tk;
        let end = tk.stmt_end(i, hi);
        let args = tk.split_commas(i + 1, end);
        self.declare(tk.t[i].text.to_string(), &args, tk.span(i, end), st);
        end
    }

    pub(super) fn declare(&mut self, configuration: String, args: &[(usize, usize)], span: Range<u32>, st: &State) {
        for mut notation in self.tk.notations(args, 0) {
            // `val libs = versionCatalogs.named("libs")` … `libs.findLibrary(…)`
            if let Notation::Catalog { accessor, .. } = &mut notation {
                if let Some((root, rest)) = accessor.split_once('.') {
                    if let Some((_, catalog)) = self.out.catalog_handles.iter().find(|(v, _)| v == root) {
                        *accessor = format!("{catalog}.{rest}");
                    }
                }
            }
            self.out.dependencies.push(Dependency {
                configuration: configuration.clone(),
                notation,
                span: span.clone(),
                scope: st.ctx.clone(),
                conditional: st.conditional,
                when_plugin: st.when_plugin.clone(),
                test_suite: st.test_suite,
            });
        }
    }
}
