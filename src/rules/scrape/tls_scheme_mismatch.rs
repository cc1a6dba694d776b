//! `tls-scheme-mismatch` has two halves: scrapes (the scrape-wiring work) and probes. This
//! file holds only the probe half, in its own function, so the scrape half merges in beside it.

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule!(TlsSchemeMismatch {
    name: "tls-scheme-mismatch",
    category: Scrape,
    severity: Error,
    fix: Sometimes,
    summary: "a scrape or probe uses http against an app serving TLS, or the reverse",
});

/// The probe half: `httpGet.scheme` and exec `curl`/`wget` URLs against `server.ssl` /
/// `management.server.ssl` of the deployment (src/rules/probes/targets.rs).
fn check_probes(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    out.extend(
        crate::rules::probes::targets::findings(cx)
            .into_iter()
            .filter(|d| d.rule == TlsSchemeMismatch::META.name),
    );
}

impl Rule for TlsSchemeMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        check_probes(cx, out);
    }
}
