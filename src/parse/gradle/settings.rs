//! `settings.gradle(.kts)`: included projects, project directories, catalogs, plugin management.

use super::*;

pub(super) struct SettingsVisitor<'a> {
    pub(super) tk: &'a Toks<'a>,
    pub(super) out: Settings,
}

impl<'a> Visitor<'a> for SettingsVisitor<'a> {
    fn toks(&self) -> &'a Toks<'a> {
        self.tk
    }

    fn statement(&mut self, i: usize, hi: usize, st: &State) -> usize {
        let tk = self.tk;
        if is_skip_keyword(tk, i) {
            return tk.stmt_end(i, hi);
        }
        match tk.ident(i) {
            Some("include") => return self.include(i, hi),
            Some("includeBuild") => {
                if let Some(end) = self.include_build(i, hi) {
                    return end;
                }
            }
            _ => {}
        }
        let chain = tk.chain(i, hi);
        if self.assignment(&chain, hi) {
            return tk.stmt_end(i, hi);
        }
        self.chain_blocks(&chain, i, st);
        chain.end
    }
}

impl SettingsVisitor<'_> {
    /// `include(":a", ":b")`, `include 'a', 'b'`, optionally followed by
    /// `.apply { projectDir = file("…") }`.
    pub(super) fn include(&mut self, i: usize, hi: usize) -> usize {
        let tk = self.tk;
        let j = i + 1;
        let (args, mut end) = if tk.is_open(j, '(') {
            (tk.inner(j), tk.after(j))
        } else if j < hi && !tk.newline_before(j) && tk.starts_statement(j) {
            let end = tk.stmt_end(i, hi);
            ((j, end), end)
        } else {
            return j;
        };
        let mut literals = Vec::new();
        let mut dynamic = false;
        for (lo, ahi) in tk.split_commas(args.0, args.1) {
            match tk.only_str(lo, ahi) {
                Some(s) if tk.is_plain_str(lo) => literals.push(s),
                _ => dynamic = true,
            }
        }
        if dynamic {
            self.out.dynamic_includes.push(tk.span(i, end));
        }
        let scope_fn = (tk.punct(end, ".") || tk.punct(end, "?."))
            && matches!(tk.ident(end + 1), Some("apply" | "also" | "run" | "with"))
            && tk.is_open(end + 2, '{');
        if scope_fn && literals.len() == 1 && !dynamic {
            self.project_settings(&literals[0], end + 2);
            end = tk.after(end + 2);
        }
        self.out.includes.extend(literals);
        end
    }

    /// Assignments inside `include(":x").apply { … }`.
    pub(super) fn project_settings(&mut self, path: &Str, open: usize) {
        let tk = self.tk;
        let (lo, hi) = tk.inner(open);
        let mut i = lo;
        while i < hi {
            if !(tk.stmt_start(i, lo) && tk.ident(i).is_some()) {
                i = tk.after(i).max(i + 1);
                continue;
            }
            let end = tk.stmt_end(i, hi);
            let mut k = i;
            if matches!(tk.ident(k), Some("it" | "this")) && tk.punct(k + 1, ".") {
                k += 2;
            }
            if tk.punct(k + 1, "=") {
                let property = tk.ident(k).unwrap_or("");
                self.project_property(path, property, k + 2, end);
            }
            i = end.max(i + 1);
        }
    }

    pub(super) fn project_property(&mut self, path: &Str, property: &str, lo: usize, hi: usize) {
        let tk = self.tk;
        match property {
            "projectDir" => {
                if let Some(dir) = tk.file_expr(lo, hi) {
                    self.out.project_dirs.push((path.clone(), dir));
                }
            }
            "buildFileName" => {
                if let Some(name) = tk.only_str(lo, hi) {
                    self.out.build_file_names.push((path.clone(), name));
                }
            }
            _ => {}
        }
    }

    /// `rootProject.name = …` and `project(":x").projectDir/buildFileName = …`.
    pub(super) fn assignment(&mut self, chain: &Chain, hi: usize) -> bool {
        let tk = self.tk;
        if !tk.punct(chain.end, "=") || chain.segs.iter().any(|s| s.lambda.is_some()) {
            return false;
        }
        let rhs_lo = chain.end + 1;
        if rhs_lo >= hi {
            return false;
        }
        let rhs_hi = tk.stmt_end(rhs_lo, hi);
        let names: Vec<&str> = chain.segs.iter().map(|s| s.name.as_str()).collect();
        match names.as_slice() {
            ["rootProject", "name"] => {
                if let Some(name) = tk.only_str(rhs_lo, rhs_hi) {
                    self.out.root_project_name = Some(name);
                }
                true
            }
            ["project" | "findProject", property] => {
                let path = chain.segs[0].args.and_then(|open| tk.str_arg(open, hi)).map(|(s, _)| s);
                if let Some(path) = path {
                    self.project_property(&path, property, rhs_lo, rhs_hi);
                }
                true
            }
            _ => false,
        }
    }

    pub(super) fn include_build(&mut self, i: usize, hi: usize) -> Option<usize> {
        let tk = self.tk;
        let (path, mut end) = tk.str_arg(i + 1, hi)?;
        self.out.include_builds.push(path);
        if tk.is_open(end, '{') {
            end = tk.after(end);
        }
        Some(end)
    }

    pub(super) fn chain_blocks(&mut self, chain: &Chain, stmt: usize, st: &State) {
        let tk = self.tk;
        let single = chain.segs.len() == 1;
        for (index, seg) in chain.segs.iter().enumerate() {
            let Some(open) = seg.lambda else {
                continue;
            };
            let (lo, hi) = tk.inner(open);
            match seg.name.as_str() {
                "pluginManagement" if single => walk(self, lo, hi, &st.with_mode(Mode::PluginManagement)),
                "plugins" if single => {
                    if st.mode == Mode::PluginManagement {
                        let found = tk.plugin_statements(open, &Scope::Own);
                        self.out.plugin_versions.extend(found);
                    }
                }
                "versionCatalogs" => walk(self, lo, hi, &st.with_mode(Mode::Catalogs)),
                _ if st.mode == Mode::Catalogs && index == 0 => {
                    if let Some(name) = catalog_name(tk, seg, stmt) {
                        self.catalog_definition(name, open);
                    }
                }
                name => named_lambda(self, name, open, stmt, st),
            }
        }
    }

    /// `from(files("gradle/x.versions.toml"))` inside a catalog definition.
    pub(super) fn catalog_definition(&mut self, name: Str, open: usize) {
        let tk = self.tk;
        let (lo, hi) = tk.inner(open);
        let mut i = lo;
        while i < hi {
            if tk.stmt_start(i, lo) && tk.is_ident(i, "from") {
                let end = tk.stmt_end(i, hi);
                let (a, b) = if tk.is_open(i + 1, '(') { tk.inner(i + 1) } else { (i + 1, end) };
                let is_files = matches!(tk.ident(a), Some("files" | "file"));
                if let Some(file) = tk.file_expr(a, b).filter(|_| is_files) {
                    self.out.catalogs.push((name.clone(), file));
                }
                i = end.max(i + 1);
            } else {
                i = tk.after(i).max(i + 1);
            }
        }
    }
}

/// Name of a catalog definition: `create("x") { }` / `register("x") { }`
/// or Groovy's `x { }`.
pub(super) fn catalog_name(tk: &Toks<'_>, seg: &Seg, stmt: usize) -> Option<Str> {
    match (seg.name.as_str(), seg.args) {
        ("create" | "register", Some(open)) => tk.str_arg(open, tk.len()).map(|(s, _)| s),
        (_, None) if tk.kind(stmt) == Some(Kind::Ident) => {
            let t = &tk.t[stmt];
            Some(Str {
                value: t.text.to_string(),
                span: t.start..t.end,
            })
        }
        _ => None,
    }
}
