use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Label, Severity};
use crate::edit;
use crate::model::exec::{HttpCall, StatusUse, Tool};
use crate::model::kube::Handler;
use crate::rules::{Context, Rule, RuleMeta};
use crate::source::{Span, Spanned};

declare_rule!(ExecProbeIgnoresStatus {
    name: "exec-probe-ignores-status",
    category: Probes,
    severity: Warning,
    fix: Sometimes,
    summary: "an exec probe runs `curl` without `-f`/`--fail` (or discards the status), so HTTP errors never fail it",
});

/// Where `curl` is written in the command, when it is written once.
fn curl_word(cx: &Context<'_>, call: &HttpCall) -> Option<Span> {
    let raw = cx.sources.text(call.item);
    let hits: Vec<usize> = raw
        .match_indices("curl")
        .filter(|(i, _)| {
            let before = raw[..*i].chars().next_back();
            let after = raw[i + 4..].chars().next();
            before.is_none_or(|c| !c.is_alphanumeric() && c != '-' && c != '.')
                && after.is_none_or(|c| c.is_whitespace() || c == '"' || c == '\'')
        })
        .map(|(i, _)| i)
        .collect();
    match hits.as_slice() {
        [i] => Some(Span::new(
            call.item.file,
            call.item.start + *i as u32..call.item.start + *i as u32 + 4,
        )),
        _ => None,
    }
}

/// `-f` for a curl without it: after `curl ` in a script, or appended to a `-s`-style flag
/// group in an exec array (`["curl", "-s", url]` → `"-sf"`).
fn add_fail(cx: &Context<'_>, command: &[Spanned<String>], call: &HttpCall) -> Option<Edit> {
    let in_array = command
        .iter()
        .position(|c| c.span == call.item && c.value.rsplit('/').next() == Some("curl"));
    match in_array {
        Some(i) => {
            let group = command[i + 1..].iter().find(|c| {
                c.value.len() > 1
                    && c.value.starts_with('-')
                    && !c.value.starts_with("--")
                    && c.value[1..].chars().all(|ch| "sSLkvqiIN#".contains(ch))
            })?;
            let raw = cx.sources.text(group.span);
            let quoted = raw.ends_with('"') || raw.ends_with('\'');
            let at = if quoted { group.span.end - 1 } else { group.span.end };
            Some(edit::replace(Span::empty(group.span.file, at), "f"))
        }
        None => {
            let word = curl_word(cx, call)?;
            Some(edit::replace(Span::empty(word.file, word.end), " -f"))
        }
    }
}

impl Rule for ExecProbeIgnoresStatus {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (wi, w) in cx.ws.workloads.iter_enumerated() {
            let service = cx.links.service_of_workload(wi).map(|s| cx.ws.services[s].name.as_str());
            for c in &w.containers {
                for p in &c.probes {
                    let Handler::Exec { command, calls } = &p.handler else { continue };
                    for call in calls {
                        let who = format!("the {} of {} runs `{}`", p.kind.key(), w.describe(), call.text);
                        let primary = curl_word(cx, call).unwrap_or(call.item);
                        let d = match &call.status {
                            StatusUse::Own if call.tool == Tool::Curl && !call.fails_on_http_error => Diagnostic::new(
                                Self::META.name,
                                Severity::Warning,
                                format!("{who} without `-f`, so curl exits 0 on an HTTP error such as `503` and the probe passes while the app reports DOWN"),
                                Label::new(primary, "HTTP errors do not fail this probe"),
                            )
                            .help("add `-f` (`--fail`): curl then exits 22 on HTTP 400 and above; or use an `httpGet` probe, which fails outside 200-399 and needs no curl in the image")
                            .fix(add_fail(cx, command, call).map(|e| Fix {
                                title: "add `-f` to curl".into(),
                                applicability: Applicability::Unsafe,
                                edits: vec![e],
                            })),
                            StatusUse::Discarded(reason) => Diagnostic::new(
                                Self::META.name,
                                Severity::Warning,
                                format!("{who}, but {reason}, so an HTTP error never fails the probe"),
                                Label::new(primary, "its exit status is lost"),
                            )
                            .help(format!(
                                "let `{}`'s exit status reach the probe: remove what discards it{}",
                                call.tool.name(),
                                if call.tool == Tool::Curl && !call.fails_on_http_error { ", and add `-f`" } else { "" }
                            )),
                            _ => continue,
                        };
                        out.push(d.service(service));
                    }
                }
            }
        }
    }
}
