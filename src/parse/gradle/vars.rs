//! Variables, dependency management and project filters.

use super::*;

/// Deepest nested map literal flattened into variables.
pub(super) const MAX_VALUE_DEPTH: u32 = 6;

impl BuildVisitor<'_> {
    /// `val|var|def|String x = …`, `val x by extra(…)`, `ext.x = …`,
    /// `ext["x"] = …`, `extra["x"] = …`, `ext.set("x", …)`, `extra.set("x", …)`
    /// (optionally behind `project.`/`rootProject.`). Records string values and
    /// map literals; returns the statement end when the statement is one of
    /// these shapes, whatever its value.
    pub(super) fn variable(&mut self, i: usize, hi: usize) -> Option<usize> {
        let tk = self.tk;
        let end = tk.stmt_end(i, hi);
        if matches!(tk.ident(i), Some("val" | "var" | "def" | "String")) {
            let name = tk.ident(i + 1)?.to_string();
            let mut k = i + 2;
            if tk.punct(k, ":") {
                // a type: identifiers, dots, generics, `?`
                k += 1;
                while k < end && (tk.kind(k) == Some(Kind::Ident) || [".", "<", ">", "?", ","].iter().any(|p| tk.punct(k, p))) {
                    if tk.is_ident(k, "by") {
                        break;
                    }
                    k += 1;
                }
            }
            if tk.punct(k, "=") {
                if let Some(catalog) = self.catalog_handle(k + 1, end) {
                    self.out.catalog_handles.push((name, catalog));
                } else {
                    self.record(&name, k + 1, end, 0);
                }
            } else if tk.is_ident(k, "by") && tk.is_ident(k + 1, "extra") && tk.is_open(k + 2, '(') {
                let (a, b) = tk.inner(k + 2);
                self.record(&name, a, b, 0);
            }
            return Some(end);
        }
        let mut k = i;
        if matches!(tk.ident(k), Some("project" | "rootProject")) && tk.punct(k + 1, ".") {
            k += 2;
        }
        if !matches!(tk.ident(k), Some("ext" | "extra")) {
            return None;
        }
        if tk.punct(k + 1, ".") && tk.ident(k + 2).is_some() && tk.punct(k + 3, "=") {
            let name = tk.t[k + 2].text.clone();
            self.record(&name, k + 4, end, 0);
            return Some(end);
        }
        if tk.is_open(k + 1, '[') && tk.punct(tk.after(k + 1), "=") {
            let (a, b) = tk.inner(k + 1);
            let name = tk.only_str(a, b)?.value;
            self.record(&name, tk.after(k + 1) + 1, end, 0);
            return Some(end);
        }
        if tk.punct(k + 1, ".") && tk.is_ident(k + 2, "set") && tk.is_open(k + 3, '(') {
            self.set_call(k + 3);
            return Some(end);
        }
        None
    }

    /// `set("x", value)`
    pub(super) fn set_call(&mut self, open: usize) {
        let tk = self.tk;
        let (a, b) = tk.inner(open);
        let args = tk.split_commas(a, b);
        if let [(x, y), (v, w)] = args.as_slice() {
            if let Some(name) = tk.only_str(*x, *y) {
                self.record(&name.value, *v, *w, 0);
            }
        }
    }

    /// A statement inside Groovy's `ext { }`: `x = value` or `set("x", value)`.
    pub(super) fn ext_statement(&mut self, i: usize, hi: usize) -> usize {
        let tk = self.tk;
        let end = tk.stmt_end(i, hi);
        if let Some(name) = tk.ident(i) {
            if tk.punct(i + 1, "=") {
                let name = name.to_string();
                self.record(&name, i + 2, end, 0);
            } else if name == "set" && tk.is_open(i + 1, '(') {
                self.set_call(i + 1);
            }
        }
        end
    }

    /// Records `lo..hi` as the value of `name`: a string, or a map literal
    /// (`[a: "…", b: [c: "…"]]`, `mapOf("a" to "…")`) flattened to `name.a`.
    pub(super) fn record(&mut self, name: &str, lo: usize, hi: usize, depth: u32) {
        let tk = self.tk;
        if depth > MAX_VALUE_DEPTH || lo >= hi {
            return;
        }
        if let Some(value) = tk.only_str(lo, hi) {
            self.out.vars.push(Var {
                name: name.to_string(),
                value,
            });
            return;
        }
        let entries: Vec<(String, usize, usize)> = if tk.is_open(lo, '[') && tk.after(lo) == hi {
            let (a, b) = tk.inner(lo);
            let items = tk.split_commas(a, b);
            match tk.named_args(&items) {
                Some(named) => named.into_iter().map(|n| (n.key, n.lo, n.hi)).collect(),
                None => return,
            }
        } else if matches!(tk.ident(lo), Some("mapOf" | "mutableMapOf" | "hashMapOf")) && tk.is_open(lo + 1, '(') && tk.after(lo + 1) == hi
        {
            let (a, b) = tk.inner(lo + 1);
            tk.split_commas(a, b)
                .into_iter()
                .filter_map(|(x, y)| {
                    let key = tk.str_tok(x)?.value;
                    tk.is_ident(x + 1, "to").then_some((key, x + 2, y))
                })
                .collect()
        } else {
            return;
        };
        for (key, a, b) in entries {
            self.record(&format!("{name}.{key}"), a, b, depth + 1);
        }
    }

    /// `versionCatalogs.named("libs")` / `the<VersionCatalogsExtension>().named("libs")` /
    /// `extensions.getByType(VersionCatalogsExtension::class.java).named("libs")`.
    pub(super) fn catalog_handle(&self, lo: usize, hi: usize) -> Option<String> {
        let tk = self.tk;
        let mentions_catalogs = (lo..hi).any(|j| matches!(tk.ident(j), Some("versionCatalogs" | "VersionCatalogsExtension")));
        if !mentions_catalogs {
            return None;
        }
        (lo..hi).find_map(|j| {
            (matches!(tk.ident(j), Some("named" | "find" | "getByName")) && tk.is_open(j + 1, '('))
                .then(|| tk.str_arg(j + 1, hi).map(|(s, _)| s.value))
                .flatten()
        })
    }

    /// `dependencyManagement { imports { mavenBom("…") } dependencies { dependency("…") } }`
    /// of the io.spring.dependency-management plugin: it manages versions and adds nothing.
    pub(super) fn dependency_management(&mut self, open: usize) {
        let tk = self.tk;
        self.read.push(tk.span(open, tk.after(open)));
        let (lo, hi) = tk.inner(open);
        for j in lo..hi {
            let Some(name @ ("mavenBom" | "dependency")) = tk.ident(j) else {
                continue;
            };
            let value = if tk.is_open(j + 1, '(') {
                tk.str_arg(j + 1, hi).map(|(s, _)| s)
            } else if !tk.newline_before(j + 1) {
                tk.str_tok(j + 1)
            } else {
                None
            };
            if let Some(v) = value {
                if name == "mavenBom" {
                    self.out.boms.push(v);
                } else {
                    self.out.managed.push(v);
                }
            }
        }
    }
}

impl Toks<'_> {
    /// The project set of `configure(<args>) { }`, when it can be read.
    pub(super) fn project_filter(&self, args: usize) -> Option<ProjectFilter> {
        let (lo, hi) = self.inner(args);
        if lo >= hi {
            return None;
        }
        let set = |name: &str| match name {
            "subprojects" => Some(ProjectSet::Subprojects),
            "allprojects" => Some(ProjectSet::Allprojects),
            _ => None,
        };
        // `subprojects`, `project.subprojects`, `rootProject.subprojects`
        let mut k = lo;
        if matches!(self.ident(k), Some("project" | "rootProject")) && self.punct(k + 1, ".") {
            k += 2;
        }
        if let Some(s) = self.ident(k).and_then(set) {
            if k + 1 == hi {
                return Some(ProjectFilter { set: s, pred: None });
            }
            let chain = self.chain(k, hi);
            if chain.end != hi || chain.segs.len() != 2 {
                return None;
            }
            let filter = &chain.segs[1];
            if !matches!(filter.name.as_str(), "filter" | "findAll" | "matching") {
                return None;
            }
            let open = filter.lambda.or_else(|| {
                let a = filter.args?;
                let (x, y) = self.inner(a);
                (self.is_open(x, '{') && self.after(x) == y).then_some(x)
            })?;
            let pred = self.lambda_pred(open)?;
            return Some(ProjectFilter { set: s, pred: Some(pred) });
        }
        // explicit project lists
        let items: Vec<(usize, usize)> = if matches!(self.ident(lo), Some("listOf" | "setOf" | "arrayOf")) && self.is_open(lo + 1, '(') {
            let (a, b) = self.inner(lo + 1);
            self.split_commas(a, b)
        } else if self.is_open(lo, '[') && self.after(lo) == hi {
            let (a, b) = self.inner(lo);
            self.split_commas(a, b)
        } else {
            self.split_commas(lo, hi)
        };
        let mut paths = Vec::new();
        for (a, b) in items {
            if !(self.is_ident(a, "project") && self.is_open(a + 1, '(') && self.after(a + 1) == b) {
                return None;
            }
            paths.push(self.str_arg(a + 1, b)?.0.value);
        }
        (!paths.is_empty()).then_some(ProjectFilter {
            set: ProjectSet::Paths(paths),
            pred: None,
        })
    }

    /// `{ it.name.endsWith("-service") }`, `{ p -> p.path.startsWith(":svc") }`,
    /// `{ it.name in listOf("a", "b") }`, `!`, `&&`, `||`.
    pub(super) fn lambda_pred(&self, open: usize) -> Option<NamePred> {
        let (mut lo, hi) = self.inner(open);
        let mut param = "it".to_string();
        if let (Some(p), true) = (self.ident(lo), self.punct(lo + 1, "->")) {
            param = p.to_string();
            lo += 2;
        }
        self.pred(lo, hi, &param, 0)
    }

    pub(super) fn pred(&self, lo: usize, hi: usize, param: &str, depth: u32) -> Option<NamePred> {
        if depth > MAX_NOTATION_DEPTH || lo >= hi {
            return None;
        }
        for op in ["||", "&&"] {
            let mut j = lo;
            while j < hi {
                if self.punct(j, op) {
                    let a = self.pred(lo, j, param, depth + 1)?;
                    let b = self.pred(j + 1, hi, param, depth + 1)?;
                    return Some(if op == "||" {
                        NamePred::Or(Box::new(a), Box::new(b))
                    } else {
                        NamePred::And(Box::new(a), Box::new(b))
                    });
                }
                j = self.after(j).max(j + 1);
            }
        }
        if self.punct(lo, "!") {
            return Some(NamePred::Not(Box::new(self.pred(lo + 1, hi, param, depth + 1)?)));
        }
        if self.is_open(lo, '(') && self.after(lo) == hi {
            let (a, b) = self.inner(lo);
            return self.pred(a, b, param, depth + 1);
        }
        // subject: `it.name`, `p.path`, `name`, `project.name`
        let mut k = lo;
        if (self.is_ident(k, param) || self.is_ident(k, "project")) && (self.punct(k + 1, ".") || self.punct(k + 1, "?.")) {
            k += 2;
        }
        let subject = match self.ident(k)? {
            "name" => Subject::Name,
            "path" => Subject::Path,
            _ => return None,
        };
        k += 1;
        if self.punct(k, "==") || self.punct(k, "!=") {
            let value = self.only_str(k + 1, hi)?.value;
            let eq = NamePred::Eq(subject, value);
            return Some(if self.punct(k, "!=") { NamePred::Not(Box::new(eq)) } else { eq });
        }
        let negated_in = self.punct(k, "!") && self.is_ident(k + 1, "in");
        if self.is_ident(k, "in") || negated_in {
            let start = if negated_in { k + 2 } else { k + 1 };
            let items = if matches!(self.ident(start), Some("listOf" | "setOf" | "arrayOf")) && self.is_open(start + 1, '(') {
                let (a, b) = self.inner(start + 1);
                self.split_commas(a, b)
            } else if self.is_open(start, '[') {
                let (a, b) = self.inner(start);
                self.split_commas(a, b)
            } else {
                return None;
            };
            let values = items
                .iter()
                .map(|&(a, b)| self.only_str(a, b).map(|s| s.value))
                .collect::<Option<Vec<_>>>()?;
            let p = NamePred::In(subject, values);
            return Some(if negated_in { NamePred::Not(Box::new(p)) } else { p });
        }
        if !(self.punct(k, ".") || self.punct(k, "?.")) {
            return None;
        }
        let method = self.ident(k + 1)?;
        if !self.is_open(k + 2, '(') || self.after(k + 2) != hi {
            return None;
        }
        let value = self.str_arg(k + 2, hi)?.0.value;
        Some(match method {
            "endsWith" => NamePred::EndsWith(subject, value),
            "startsWith" => NamePred::StartsWith(subject, value),
            "contains" => NamePred::Contains(subject, value),
            "equals" => NamePred::Eq(subject, value),
            _ => return None,
        })
    }

    /// `versionCatalogs.named("libs").findLibrary("a-b").get()`, `libs.findLibrary("a-b").get()`,
    /// `libs.findBundle("x").get()` as a catalog accessor (`libs.a.b`, `libs.bundles.x`).
    /// Without `named(…)` the receiver variable's name stands for the catalog; the
    /// script's `catalog_handles` map it back.
    pub(super) fn catalog_lookup(&self, lo: usize, hi: usize) -> Option<Notation> {
        let mut catalog: Option<String> = None;
        let mut found: Option<(&str, String)> = None;
        for j in lo..hi {
            match self.ident(j) {
                Some("named" | "getByName") if self.is_open(j + 1, '(') => {
                    catalog = self.str_arg(j + 1, hi).map(|(s, _)| s.value);
                }
                Some(kind @ ("findLibrary" | "findBundle")) if self.is_open(j + 1, '(') => {
                    found = Some((kind, self.str_arg(j + 1, hi)?.0.value));
                    break;
                }
                _ => {}
            }
        }
        let (kind, alias) = found?;
        let root = catalog.or_else(|| {
            self.ident(lo)
                .filter(|r| !matches!(*r, "versionCatalogs" | "project" | "extensions" | "the"))
                .map(str::to_string)
        });
        let root = root.unwrap_or_else(|| "libs".to_string());
        let alias = crate::parse::catalog::accessor(&alias);
        let accessor = if kind == "findBundle" {
            format!("{root}.bundles.{alias}")
        } else {
            format!("{root}.{alias}")
        };
        Some(Notation::Catalog {
            accessor,
            span: self.span(lo, hi),
        })
    }
}

/// `project(":x")` heading a chain (`project(":x") { }`,
/// `project(":x").dependencies { }`) as a context.
pub(super) fn chain_project(tk: &Toks<'_>, chain: &Chain) -> Option<Scope> {
    let first = chain.segs.first()?;
    if first.name != "project" {
        return None;
    }
    let open = first.args?;
    let (lo, hi) = tk.inner(open);
    let path = match tk.split_commas(lo, hi).first() {
        Some(&(a, b)) => tk.only_str(a, b).map_or_else(|| tk.text(a, b).to_string(), |s| s.value),
        None => String::new(),
    };
    Some(Scope::Project(path))
}
