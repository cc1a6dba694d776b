//! Main classes in Java and Kotlin sources: the names Spring Boot logs and tags start-up metrics
//! with (semantics §11). Boot logs `ClassUtils.getShortName(mainApplicationClass)` — the class
//! that declares `main`, nested classes as `Outer.Inner`, Kotlin top-level `fun main` as the file
//! facade `<File>Kt` — and tags `application.started.time` with `Class.getName()`
//! (`com.acme.Outer$Inner`). A comment- and string-aware token scan, not a parser: it needs
//! nesting (braces), the package, annotations and `main` declarations, nothing more.

pub mod config_name;
pub(crate) mod lexer;
pub mod security;
pub mod web;

use lexer::{Dialect, Kind};
use std::ops::Range;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MainClass {
    /// As logged in `Started <Name> in …`: `OrderServiceApplicationKt`, `Outer.Inner`.
    pub log_name: String,
    /// As tagged in `main_application_class`: `com.acme.Outer$Inner`.
    pub fqn: String,
    /// Annotated with `@SpringBootApplication` (what makes a module a service); otherwise a
    /// class or file facade declaring the `main` that starts Spring.
    pub annotated: bool,
    /// The class name (or `main`) in the file.
    pub span: Range<u32>,
}

#[derive(Clone, Debug, PartialEq)]
enum Tok<'a> {
    Ident(&'a str),
    Str(&'a str),
    Number,
    Punct(char),
}

/// The shared lexer's tokens with their start offsets, as this scan reads them: operators one
/// character at a time (`::` is two `:`), character literals dropped.
fn tokens(lexed: &[lexer::Token]) -> Vec<(Tok<'_>, usize)> {
    let mut out = Vec::with_capacity(lexed.len());
    for t in lexed {
        let at = t.start as usize;
        match t.kind {
            Kind::Ident => out.push((Tok::Ident(t.text.as_str()), at)),
            Kind::Str => out.push((Tok::Str(t.text.as_str()), at)),
            Kind::Number => out.push((Tok::Number, at)),
            Kind::Char => {}
            Kind::Punct => out.extend(t.text.char_indices().map(|(k, c)| (Tok::Punct(c), at + k))),
        }
    }
    out
}

const DECL_END: &[&str] = &[
    "fun",
    "class",
    "object",
    "interface",
    "val",
    "var",
    "typealias",
    "import",
    "package",
    "init",
];

pub fn main_classes(path: &str, text: &str) -> Vec<MainClass> {
    if !(text.contains("SpringBootApplication") || text.contains("SpringApplication") || text.contains("runApplication")) {
        return vec![];
    }
    let kotlin = path.ends_with(".kt");
    let (lexed, _) = lexer::lex(text, if kotlin { Dialect::Kotlin } else { Dialect::Java });
    let toks = tokens(&lexed);
    let ident = |k: usize| match toks.get(k) {
        Some((Tok::Ident(s), _)) => Some(*s),
        _ => None,
    };
    let punct = |k: usize, c: char| matches!(toks.get(k), Some((Tok::Punct(p), _)) if *p == c);
    let mut package = String::new();
    let mut facade: Option<String> = None;
    // (name, brace depth outside the body, is a companion object)
    let mut stack: Vec<(String, usize, bool)> = Vec::new();
    let mut depth = 0usize;
    let mut pending_body: Option<(String, bool)> = None;
    let mut annotated_pending = false;
    let mut out: Vec<MainClass> = Vec::new();
    let qualify = |stack: &[(String, usize, bool)], name: &str, sep: &str| -> String {
        let mut parts: Vec<&str> = stack.iter().map(|(n, _, _)| n.as_str()).collect();
        parts.push(name);
        parts.join(sep)
    };
    let mut k = 0;
    while k < toks.len() {
        let (tok, at) = &toks[k];
        match tok {
            Tok::Ident("package") if depth == 0 && package.is_empty() => {
                let mut j = k + 1;
                let mut parts = Vec::new();
                while let Some(s) = ident(j) {
                    parts.push(s);
                    if punct(j + 1, '.') {
                        j += 2;
                    } else {
                        j += 1;
                        break;
                    }
                }
                package = parts.join(".");
                k = j;
                continue;
            }
            Tok::Punct('@') => {
                // `@file:JvmName("Boot")` renames the Kotlin file facade.
                if ident(k + 1) == Some("file") && punct(k + 2, ':') && ident(k + 3) == Some("JvmName") && punct(k + 4, '(') {
                    if let Some((Tok::Str(s), _)) = toks.get(k + 5) {
                        facade = Some(s.to_string());
                    }
                }
                let mut j = k + 1;
                let mut parts = Vec::new();
                while let Some(s) = ident(j) {
                    parts.push(s);
                    if punct(j + 1, '.') {
                        j += 2;
                    } else {
                        j += 1;
                        break;
                    }
                }
                let name = parts.join(".");
                if name == "SpringBootApplication" || name == "org.springframework.boot.autoconfigure.SpringBootApplication" {
                    annotated_pending = true;
                }
                if punct(j, '(') {
                    let mut p = 0usize;
                    while j < toks.len() {
                        if punct(j, '(') {
                            p += 1;
                        } else if punct(j, ')') {
                            p -= 1;
                            if p == 0 {
                                j += 1;
                                break;
                            }
                        }
                        j += 1;
                    }
                }
                k = j.max(k + 1);
                continue;
            }
            Tok::Ident(kw @ ("class" | "interface" | "object" | "record" | "enum"))
                if !(k > 0 && (punct(k - 1, '.') || punct(k - 1, ':'))) =>
            {
                let companion = *kw == "object" && k > 0 && ident(k - 1) == Some("companion");
                let (name, name_at, mut j) = match ident(k + 1) {
                    Some(n) if !(*kw == "enum" && n == "class") => (n.to_string(), toks[k + 1].1, k + 2),
                    _ if companion => ("Companion".to_string(), *at, k + 1),
                    _ => {
                        k += 1;
                        continue;
                    }
                };
                if annotated_pending && !companion {
                    out.push(MainClass {
                        log_name: qualify(&stack, &name, "."),
                        fqn: fqn(&package, &qualify(&stack, &name, "$")),
                        annotated: true,
                        span: name_at as u32..(name_at + name.len()) as u32,
                    });
                }
                annotated_pending = false;
                // Find the body, if any: `{` before the header ends.
                let mut p = 0i32;
                let mut body = false;
                while j < toks.len() {
                    match &toks[j].0 {
                        Tok::Punct('(' | '[') => p += 1,
                        Tok::Punct(')' | ']') => p -= 1,
                        Tok::Punct('{') if p <= 0 => {
                            body = true;
                            break;
                        }
                        Tok::Punct(';' | '}') if p <= 0 => break,
                        Tok::Ident(s) if p <= 0 && DECL_END.contains(s) => break,
                        _ => {}
                    }
                    j += 1;
                }
                if body {
                    pending_body = Some((name, companion));
                    k = j;
                } else {
                    k = j.max(k + 1);
                }
                continue;
            }
            Tok::Ident("fun" | "val" | "var") => annotated_pending = false,
            Tok::Ident("main") if punct(k + 1, '(') => {
                let java_main = !kotlin && ident(k.wrapping_sub(1)) == Some("void");
                let kotlin_main = kotlin && ident(k.wrapping_sub(1)) == Some("fun");
                if java_main || kotlin_main {
                    let span = *at as u32..(*at + 4) as u32;
                    // A `@JvmStatic main` in a companion object is a static method of the outer class.
                    let owner: Vec<(String, usize, bool)> = match stack.last() {
                        Some((_, _, true)) => stack[..stack.len() - 1].to_vec(),
                        _ => stack.clone(),
                    };
                    if let Some(((last, _, _), outer)) = owner.split_last() {
                        out.push(MainClass {
                            log_name: qualify(outer, last, "."),
                            fqn: fqn(&package, &qualify(outer, last, "$")),
                            annotated: false,
                            span,
                        });
                    } else if kotlin_main {
                        let stem = path.rsplit('/').next().unwrap_or(path).trim_end_matches(".kt");
                        let name = facade.clone().unwrap_or_else(|| format!("{stem}Kt"));
                        out.push(MainClass {
                            fqn: fqn(&package, &name),
                            log_name: name,
                            annotated: false,
                            span,
                        });
                    }
                }
            }
            Tok::Punct('{') => {
                if let Some((name, companion)) = pending_body.take() {
                    stack.push((name, depth, companion));
                }
                depth += 1;
            }
            Tok::Punct('}') => {
                depth = depth.saturating_sub(1);
                while stack.last().is_some_and(|(_, d, _)| *d >= depth) {
                    stack.pop();
                }
            }
            _ => {}
        }
        k += 1;
    }
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|m| seen.insert((m.log_name.clone(), m.fqn.clone(), m.annotated)));
    out
}

fn fqn(package: &str, name: &str) -> String {
    if package.is_empty() {
        name.to_string()
    } else {
        format!("{package}.{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(path: &str, text: &str) -> Vec<(String, String, bool)> {
        main_classes(path, text)
            .into_iter()
            .map(|m| (m.log_name, m.fqn, m.annotated))
            .collect()
    }

    #[test]
    fn kotlin_facade_and_annotated_class() {
        let kt = "package com.acme.order\n\nimport org.springframework.boot.runApplication\n\n@SpringBootApplication(scanBasePackages = [\"x\"])\n@EnableScheduling\nclass OrderServiceApplication\n\nfun main(args: Array<String>) {\n    runApplication<OrderServiceApplication>(*args)\n}\n";
        assert_eq!(
            names("src/main/kotlin/com/acme/order/OrderServiceApplication.kt", kt),
            [
                (
                    "OrderServiceApplication".into(),
                    "com.acme.order.OrderServiceApplication".into(),
                    true
                ),
                (
                    "OrderServiceApplicationKt".into(),
                    "com.acme.order.OrderServiceApplicationKt".into(),
                    false
                )
            ]
        );
    }

    #[test]
    fn kotlin_jvm_name_companion_and_class_literals() {
        let kt = "@file:JvmName(\"Boot\")\npackage a\n@SpringBootApplication\nclass App {\n  companion object {\n    @JvmStatic fun main(args: Array<String>) { SpringApplication.run(App::class.java, *args) }\n  }\n}\n";
        assert_eq!(
            names("x/App.kt", kt),
            [("App".into(), "a.App".into(), true), ("App".into(), "a.App".into(), false)]
        );
        let top = "@file:JvmName(\"Boot\")\npackage a\nfun main() { runApplication<App>() }\n";
        assert_eq!(names("x/Main.kt", top), [("Boot".into(), "a.Boot".into(), false)]);
    }

    #[test]
    fn java_nested_main_class() {
        let java = "package com.acme;\n/* @SpringBootApplication class Fake {} */\npublic class Outer {\n  // class Commented {\n  @org.springframework.boot.autoconfigure.SpringBootApplication\n  public static class Inner {\n    public static void main(String[] args) { SpringApplication.run(Inner.class, args); String s = \"}\"; char c = '}'; }\n  }\n  static class Other { }\n}\n";
        assert_eq!(
            names("src/main/java/com/acme/Outer.java", java),
            [
                ("Outer.Inner".into(), "com.acme.Outer$Inner".into(), true),
                ("Outer.Inner".into(), "com.acme.Outer$Inner".into(), false)
            ]
        );
    }

    #[test]
    fn separate_main_file_and_noise() {
        let java = "package p;\npublic class Launcher {\n  public static void main(String[] a) { new SpringApplicationBuilder(App.class).run(a); }\n}\n";
        assert_eq!(names("Launcher.java", java), [("Launcher".into(), "p.Launcher".into(), false)]);
        assert!(names("A.java", "class A { public static void main(String[] a) {} }").is_empty());
        for junk in [
            "@SpringBootApplication",
            "@SpringBootApplication class",
            "\"SpringApplication",
            "/* SpringApplication",
            "'SpringApplication\n{{{}}}}}}class",
        ] {
            let _ = main_classes("x.kt", junk);
            let _ = main_classes("x.java", junk);
        }
    }

    #[test]
    fn every_prefix_of_odd_input_is_safe() {
        let text = "package ü.a\n@file:JvmName(\"Ö\")\n/* ä /* nested */ */ @SpringBootApplication(x = [\"é\"]) class Ä { companion object { @JvmStatic fun main(a: Array<String>) { SpringApplication.run(Ä::class.java, \"\"\"raw ü\"\"\", 'ü', '\\u0041') } } }\nfun main() { runApplication<Ä>() }";
        for (i, _) in text.char_indices() {
            let _ = main_classes("x/Ä.kt", &text[..i]);
            let _ = main_classes("x/Ä.java", &text[i..]);
        }
    }
}
