//! Issue 18, "never break a working repository": one regression per defect class, each with
//! the minimal input that showed it.

use actuator_lint::source::SourceSet;
use actuator_lint::Options;

fn lint_texts(files: &[(&str, &str)]) -> (SourceSet, actuator_lint::Report) {
    let mut s = SourceSet::new();
    for (p, t) in files {
        s.add_text(p, t);
    }
    let r = actuator_lint::lint(&s, &Options::default());
    (s, r)
}

/// Every span of every diagnostic (and of its fix) lies in a file of the set, inside its text.
fn assert_spans_real(s: &SourceSet, r: &actuator_lint::Report) {
    for d in &r.diagnostics {
        let spans = std::iter::once(d.primary.span)
            .chain(d.related.iter().map(|l| l.span))
            .chain(d.fix.iter().flat_map(|f| f.edits.iter().map(|e| e.span)));
        for sp in spans {
            assert!(s.is_real(sp), "{} carries a span in no file: {sp:?}", d.rule);
            assert!(sp.end as usize <= s.get(sp.file).text.len(), "{}: span past the end of its file", d.rule);
        }
    }
}

/// Defect 1: a ServiceMonitor without `spec` selected through the absent node's span, which
/// named no file, and sorting the findings panicked on it.
#[test]
fn an_absent_node_never_gives_a_diagnostic_its_span() {
    let (s, r) = lint_texts(&[(
        "k8s/a.yaml",
        "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n---\napiVersion: v1\nkind: Service\nmetadata:\n  namespace: shop\n",
    )]);
    assert!(r.diagnostics.iter().any(|d| d.rule == "monitor-selects-nothing"));
    assert_spans_real(&s, &r);
}
