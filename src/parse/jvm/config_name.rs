//! `spring.config.name` set by the application itself before Spring reads its config (C25):
//! `System.setProperty("spring.config.name", "gateway")`, `.properties("spring.config.name=gateway")`
//! on a `SpringApplicationBuilder`, or `--spring.config.name=gateway` added to the arguments.
//! Boot then reads `gateway.yml` instead of `application.yml` (semantics §5.1, §18.5). Only
//! literals are read; a name computed at run time makes the config files unknown.

use crate::parse::jvm::lexer::{self, Dialect, Kind};
use std::ops::Range;

/// What a source says about `spring.config.name`: the names (comma-separated list), or why
/// they cannot be known; with the span of the string that sets it.
pub type Found = (Result<Vec<String>, String>, Range<u32>);

pub fn in_source(text: &str, kotlin: bool) -> Option<Found> {
    if !text.contains("spring.config.name") {
        return None;
    }
    let (toks, _) = lexer::lex(text, if kotlin { Dialect::Kotlin } else { Dialect::Java });
    for (k, t) in toks.iter().enumerate() {
        if t.kind != Kind::Str {
            continue;
        }
        let s = t.text.trim_start_matches('-');
        let span = t.start..t.end;
        // `"spring.config.name=gateway"` / `"--spring.config.name=gateway"` / `"spring.config.name:gateway"`.
        if let Some(v) = s.strip_prefix("spring.config.name").and_then(|r| r.strip_prefix(['=', ':'])) {
            // `"--spring.config.name=" + name`: the rest is computed.
            let concatenated = toks.get(k + 1).is_some_and(|n| n.kind == Kind::Punct && n.text == "+");
            return Some((names(v, t.template || concatenated), span));
        }
        // `setProperty("spring.config.name", "gateway")`, `Map.of("spring.config.name", "gateway")`.
        if s == "spring.config.name"
            && toks
                .get(k + 1)
                .is_some_and(|n| n.text == "," || (n.kind == Kind::Ident && n.text == "to"))
        {
            return Some(match toks.get(k + 2) {
                Some(v) if v.kind == Kind::Str && toks.get(k + 3).is_none_or(|n| n.text != "+") => (names(&v.text, v.template), span),
                _ => (Err("is computed when the application starts".into()), span),
            });
        }
    }
    None
}

fn names(v: &str, computed: bool) -> Result<Vec<String>, String> {
    let list: Vec<String> = v.split(',').map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).collect();
    if computed || v.contains("${") || list.is_empty() {
        return Err("is computed when the application starts".into());
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_of(src: &str, kotlin: bool) -> Option<Result<Vec<String>, String>> {
        in_source(src, kotlin).map(|f| f.0)
    }

    #[test]
    fn literal_forms() {
        let ok = |v: &[&str]| Some(Ok(v.iter().map(|s| s.to_string()).collect::<Vec<_>>()));
        assert_eq!(
            names_of("System.setProperty(\"spring.config.name\", \"zipkin-server\");", false),
            ok(&["zipkin-server"])
        );
        assert_eq!(
            names_of(
                "new SpringApplicationBuilder(App.class).properties(\"spring.config.name=gateway\").run(args);",
                false
            ),
            ok(&["gateway"])
        );
        assert_eq!(
            names_of(
                "String[] a = {\"--spring.config.name=thingsboard\"}; SpringApplication.run(App.class, a);",
                false
            ),
            ok(&["thingsboard"])
        );
        assert_eq!(names_of("mapOf(\"spring.config.name\" to \"a,b\")", true), ok(&["a", "b"]));
    }

    #[test]
    fn computed_or_absent() {
        assert!(matches!(
            names_of("System.setProperty(\"spring.config.name\", name);", false),
            Some(Err(_))
        ));
        assert!(matches!(
            names_of("args.add(\"--spring.config.name=\" + name);", false),
            Some(Err(_))
        ));
        assert!(matches!(names_of("props(\"spring.config.name=${n}\")", true), Some(Err(_))));
        // A comment or a constant's name alone says nothing.
        assert_eq!(names_of("// spring.config.name=x\nString K = \"spring.config.name\";", false), None);
    }
}
