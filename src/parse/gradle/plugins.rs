//! Plugin references, shared by settings and build scripts.

use super::*;

impl Toks<'_> {
    pub(super) fn plugin_statements(&self, open: usize, context: &Scope) -> Vec<PluginRef> {
        let (lo, hi) = self.inner(open);
        let mut out = Vec::new();
        let mut i = lo;
        while i < hi {
            if self.stmt_start(i, lo) && self.ident(i).is_some() {
                let end = self.stmt_end(i, hi);
                out.extend(self.plugin_stmt(i, end, context));
                i = end.max(i + 1);
            } else {
                i = self.after(i).max(i + 1);
            }
        }
        out
    }

    /// One statement of a `plugins {}` block, e.g.
    /// `id("x") version "1" apply false`, `kotlin("jvm")`, `alias(libs.plugins.x)`,
    /// or a bare accessor such as `java` / `` `java-library` ``.
    pub(super) fn plugin_stmt(&self, lo: usize, hi: usize, context: &Scope) -> Option<PluginRef> {
        let (id, alias, mut k) = self.plugin_head(lo, hi)?;
        let mut version = None;
        let mut apply = true;
        while k < hi {
            match self.ident(k) {
                Some("version") => {
                    if let Some((v, next)) = self.str_arg(k + 1, hi) {
                        version = Some(v);
                        k = next;
                        continue;
                    }
                }
                Some("apply") => {
                    if let Some(flag) = self.bool_arg(k + 1) {
                        apply = flag;
                    }
                }
                _ => {}
            }
            k = self.after(k).max(k + 1);
        }
        Some(PluginRef {
            id,
            alias,
            version,
            apply,
            span: self.span(lo, hi),
            scope: context.clone(),
            conditional: false,
        })
    }

    pub(super) fn plugin_head(&self, lo: usize, hi: usize) -> Option<(Option<Str>, Option<String>, usize)> {
        let name = self.ident(lo)?;
        let k = lo + 1;
        match name {
            "id" => {
                let (id, next) = self.str_arg(k, hi)?;
                Some((Some(id), None, next))
            }
            "kotlin" if self.is_open(k, '(') => {
                let (module, _) = self.str_arg(k, hi)?;
                let next = self.after(k);
                let id = Str {
                    value: format!("org.jetbrains.kotlin.{}", module.value),
                    span: self.span(lo, next),
                };
                Some((Some(id), None, next))
            }
            "alias" if self.is_open(k, '(') => {
                let (a, b) = self.inner(k);
                let alias = self.dotted(a, b).unwrap_or_else(|| self.text(a, b).to_string());
                Some((None, Some(alias), self.after(k)))
            }
            "version" | "apply" => None,
            _ => {
                let modifier_follows = k >= hi
                    || self.is_ident(k, "version")
                    || self.is_ident(k, "apply")
                    || (self.punct(k, ".") && (self.is_ident(k + 1, "version") || self.is_ident(k + 1, "apply")));
                if !modifier_follows {
                    return None;
                }
                let token = &self.t[lo];
                let id = Str {
                    value: token.text.to_string(),
                    span: token.start..token.end,
                };
                Some((Some(id), None, k))
            }
        }
    }
}
