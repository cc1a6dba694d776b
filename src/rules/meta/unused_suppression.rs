use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule!(UnusedSuppression {
    name: "unused-suppression",
    category: Meta,
    severity: Warning,
    fix: None,
    summary: "a suppression comment or annotation that hides no finding",
});

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    /// Nothing to do here: whether a suppression is used is only known after every other rule
    /// has run, so `suppress::apply` reports these (see `lint`).
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Diagnostic>) {}
}
