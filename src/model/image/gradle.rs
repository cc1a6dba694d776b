//! The image a Gradle build script names (semantics §20): Jib's `jib { to { image = … } }` /
//! `jib.to.image = …`, and Spring Boot's `bootBuildImage { imageName = … }` /
//! `tasks.named<BootBuildImage>("bootBuildImage") { imageName.set(…) }`, in Kotlin or Groovy;
//! Kotlin's typed extension accessor `configure<JibExtension> { to { image = … } }` (also
//! `extensions.configure<JibExtension>`, `the<JibExtension>().apply`) configures the same `jib`
//! extension: `Project.configure<T> {}` "executes the given configuration block against the
//! project extension of the specified type" (Gradle Kotlin DSL API, org.gradle.kotlin.dsl
//! `configure`, https://docs.gradle.org/current/kotlin-dsl/gradle/org.gradle.kotlin.dsl/configure.html);
//! it is the usual form inside `subprojects {}`, where no type-safe accessor is generated.
//! Only literal strings are read; a value computed otherwise is reported as unreadable.

use crate::parse::jvm::lexer::{self, Dialect, Kind, Token};
use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    Jib,
    Buildpacks,
}

/// One `image = …` found: the literal (templates kept verbatim) or `None` when the value is
/// not a plain string, and the span of the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declared {
    pub tool: Tool,
    pub value: Option<String>,
    pub span: Range<u32>,
}

pub fn declared(text: &str, kotlin: bool) -> Vec<Declared> {
    if !(text.contains("jib") || text.contains("JibExtension") || text.contains("ootBuildImage")) {
        return vec![];
    }
    let (toks, _) = lexer::lex(text, if kotlin { Dialect::Kotlin } else { Dialect::Groovy });
    let punct = |k: usize, p: &str| toks.get(k).is_some_and(|t| t.kind == Kind::Punct && t.text == p);
    let mut out = Vec::new();
    // Block labels, outermost first (`None` for blocks that are not configuration).
    let mut stack: Vec<Option<String>> = Vec::new();
    let mut k = 0;
    while k < toks.len() {
        let t = &toks[k];
        if t.kind == Kind::Punct {
            match t.text.as_str() {
                "{" => stack.push(label(&toks, k)),
                "}" => {
                    stack.pop();
                }
                _ => {}
            }
            k += 1;
            continue;
        }
        if t.kind != Kind::Ident || !statement_start(&toks, k) {
            k += 1;
            continue;
        }
        // A dotted path: `jib.to.image`, `imageName`, `to.image`.
        let mut path = vec![t.text.to_string()];
        let mut j = k + 1;
        while punct(j, ".") && toks.get(j + 1).is_some_and(|x| x.kind == Kind::Ident && x.text != "set") {
            path.push(toks[j + 1].text.to_string());
            j += 2;
        }
        let mut ctx: Vec<&str> = stack.iter().flatten().map(String::as_str).collect();
        ctx.extend(path.iter().map(String::as_str));
        let tool = if ctx.ends_with(&["jib", "to", "image"]) {
            Some(Tool::Jib)
        } else if ctx.last() == Some(&"imageName") && ctx.contains(&"bootBuildImage") {
            Some(Tool::Buildpacks)
        } else {
            None
        };
        let Some(tool) = tool else {
            k = j.max(k + 1);
            continue;
        };
        // `= v`, `.set(v)`, Groovy `image v` / `image(v)`.
        let at = if punct(j, "=") {
            j + 1
        } else if punct(j, ".") && toks.get(j + 1).is_some_and(|x| x.text == "set") && punct(j + 2, "(") {
            j + 3
        } else if punct(j, "(") {
            j + 1
        } else {
            j
        };
        if let Some(v) = toks.get(at) {
            let ends = toks
                .get(at + 1)
                .is_none_or(|n| n.newline_before || [")", ";", "}"].contains(&n.text.as_str()));
            let value = (v.kind == Kind::Str && ends).then(|| v.text.to_string());
            out.push(Declared {
                tool,
                value,
                span: v.start..v.end,
            });
        }
        k = at + 1;
    }
    out
}

fn statement_start(toks: &[Token], k: usize) -> bool {
    k == 0 || toks[k].newline_before || {
        let p = &toks[k - 1];
        p.kind == Kind::Punct && ["{", ";", "}"].contains(&p.text.as_str())
    }
}

/// What a `{` opens: `jib` (also through `configure<JibExtension>`), `to`, `bootBuildImage` (also
/// through `tasks.named("bootBuildImage")`, `tasks.withType<BootBuildImage>`), else the last
/// identifier before it.
fn label(toks: &[Token], open: usize) -> Option<String> {
    let mut start = open;
    while start > 0 && !statement_start(toks, start) {
        start -= 1;
    }
    let head = &toks[start..open];
    if head
        .iter()
        .any(|t| (t.kind == Kind::Str && t.text == "bootBuildImage") || (t.kind == Kind::Ident && t.text == "BootBuildImage"))
    {
        return Some("bootBuildImage".into());
    }
    if head.iter().any(|t| t.kind == Kind::Ident && t.text == "JibExtension") {
        return Some("jib".into());
    }
    // `to {` inside `jib`, but not a lambda's `x ->`.
    if head.iter().any(|t| t.kind == Kind::Punct && t.text == "->") {
        return None;
    }
    head.iter().rev().find(|t| t.kind == Kind::Ident).map(|t| t.text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str, kotlin: bool) -> Vec<(Tool, Option<String>)> {
        declared(text, kotlin).into_iter().map(|d| (d.tool, d.value)).collect()
    }

    #[test]
    fn jib_forms() {
        let k = "plugins { id(\"com.google.cloud.tools.jib\") }\njib {\n  from { image = \"eclipse-temurin:21\" }\n  to {\n    image = \"acme/ledger\"\n    tags = setOf(\"1\")\n  }\n}\n";
        assert_eq!(values(k, true), vec![(Tool::Jib, Some("acme/ledger".into()))]);
        let g = "jib {\n  to {\n    image 'acme/ledger:${version}'\n  }\n}\n";
        assert_eq!(values(g, false), vec![(Tool::Jib, Some("acme/ledger:${version}".into()))]);
        assert_eq!(values("jib.to.image = \"a/b\"\n", false), vec![(Tool::Jib, Some("a/b".into()))]);
        assert_eq!(
            values("jib {\n  to.image = \"a/b\"\n}\n", false),
            vec![(Tool::Jib, Some("a/b".into()))]
        );
        assert_eq!(values("jib { to { image = registry + \"/b\" } }\n", true), vec![(Tool::Jib, None)]);
        // `from.image` is the base image.
        assert!(values("jib { from { image = \"x\" } }", true).is_empty());
    }

    #[test]
    fn kotlin_typed_extension_forms() {
        let k = "import com.google.cloud.tools.jib.gradle.JibExtension\nsubprojects {\n  configure<JibExtension> {\n    from { image = \"eclipse-temurin:21\" }\n    to {\n      image = \"acme/${project.name}\"\n    }\n  }\n}\n";
        assert_eq!(values(k, true), vec![(Tool::Jib, Some("acme/${project.name}".into()))]);
        let e = "extensions.configure<com.google.cloud.tools.jib.gradle.JibExtension> {\n  to.image = \"acme/ledger:$version\"\n}\n";
        assert_eq!(values(e, true), vec![(Tool::Jib, Some("acme/ledger:$version".into()))]);
        let t = "the<JibExtension>().apply {\n  to { image = \"acme/ledger\" }\n}\n";
        assert_eq!(values(t, true), vec![(Tool::Jib, Some("acme/ledger".into()))]);
        // Another extension's `to` is not Jib's.
        assert!(values("configure<OtherExtension> { to { image = \"x\" } }", true).is_empty());
    }

    #[test]
    fn build_image_forms() {
        let k = "tasks.named<BootBuildImage>(\"bootBuildImage\") {\n  imageName.set(\"acme/ledger\")\n}\n";
        assert_eq!(values(k, true), vec![(Tool::Buildpacks, Some("acme/ledger".into()))]);
        let g = "tasks.named('bootBuildImage') {\n  imageName = \"hands-on/${project.name}\"\n  builder = 'x'\n}\n";
        assert_eq!(values(g, false), vec![(Tool::Buildpacks, Some("hands-on/${project.name}".into()))]);
        assert_eq!(
            values("bootBuildImage {\n imageName = 'a'\n}", false),
            vec![(Tool::Buildpacks, Some("a".into()))]
        );
        // A comment or a string elsewhere is no declaration.
        assert!(values("// jib { to { image = \"x\" } }\nval s = \"bootBuildImage\"\n", true).is_empty());
    }
}
