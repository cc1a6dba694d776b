//! Which module's jar a Dockerfile packages (semantics §20): `COPY target/*.jar app.jar`,
//! `COPY build/libs/*.jar app.jar`, `ADD orders/target/orders.jar /app.jar`, and in a
//! multi-stage build `COPY --from=build /app/orders/target/*.jar` where the build stage copied
//! the context (`COPY . /app`) or a module's build file (`COPY pom.xml /workspace/`). The
//! answer is a directory relative to the build context.

use std::ops::Range;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JarCopy {
    /// The module directory relative to the build context (`""`: the context itself).
    pub dir: String,
    /// The instruction, for evidence.
    pub span: Range<u32>,
}

#[derive(Default)]
struct Stage {
    name: Option<String>,
    workdir: String,
    /// (absolute directory in the stage, directory of the context it mirrors)
    mirrors: Vec<(String, String)>,
}

/// The jars `COPY`/`ADD` takes from a Maven `target/` or Gradle `build/libs/` directory, in any
/// stage (a builder stage that extracts the layers of the jar packages it as well).
pub fn jar_copies(text: &str) -> Vec<JarCopy> {
    if !text.contains(".jar") {
        return vec![];
    }
    let mut stages: Vec<Stage> = Vec::new();
    let mut found: Vec<JarCopy> = Vec::new();
    for (line, span) in instructions(text) {
        let mut words = line.split_whitespace();
        let Some(op) = words.next() else { continue };
        let op = op.to_ascii_uppercase();
        let args: Vec<&str> = words.collect();
        match op.as_str() {
            "FROM" => {
                let name = args
                    .iter()
                    .position(|a| a.eq_ignore_ascii_case("as"))
                    .and_then(|i| args.get(i + 1))
                    .map(|n| n.to_ascii_lowercase());
                // A stage built `FROM` another starts where that one left off.
                let base = args
                    .iter()
                    .find(|a| !a.starts_with("--"))
                    .and_then(|b| stages.iter().find(|s| s.name.as_deref() == Some(&b.to_ascii_lowercase())));
                let (workdir, mirrors) = base.map_or((String::from("/"), vec![]), |b| (b.workdir.clone(), b.mirrors.clone()));
                stages.push(Stage { name, workdir, mirrors });
            }
            "WORKDIR" => {
                if let (Some(s), Some(d)) = (stages.last_mut(), args.first()) {
                    s.workdir = absolute(&s.workdir, d);
                }
            }
            "COPY" | "ADD" => {
                let from = args.iter().find_map(|a| a.strip_prefix("--from=")).map(str::to_ascii_lowercase);
                let plain: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with("--")).collect();
                let words = exec_words(&plain);
                let Some((dest, srcs)) = words.split_last() else { continue };
                let Some(stage) = stages.last_mut() else { continue };
                let dest_abs = absolute(&stage.workdir, dest);
                if from.is_none() {
                    for s in srcs {
                        let s = s.trim_start_matches("./");
                        let file = s.rsplit('/').next().unwrap_or(s);
                        let dir = if s == "." || s.is_empty() {
                            Some(String::new())
                        } else if [
                            "pom.xml",
                            "build.gradle",
                            "build.gradle.kts",
                            "settings.gradle",
                            "settings.gradle.kts",
                            "mvnw",
                            "gradlew",
                        ]
                        .contains(&file)
                        {
                            Some(s.rsplit_once('/').map_or("", |(d, _)| d).to_string())
                        } else {
                            None
                        };
                        if let Some(dir) = dir {
                            let target = if dest.ends_with('/') || s == "." || srcs.len() > 1 || dir != s {
                                dest_abs.clone()
                            } else {
                                parent(&dest_abs).to_string()
                            };
                            stage.mirrors.push((target, dir));
                        }
                    }
                }
                for s in srcs {
                    if !s.contains(".jar") {
                        continue;
                    }
                    let Some(module) = module_part(s) else { continue };
                    let dir = match &from {
                        None => Some(module.trim_start_matches("./").trim_end_matches('/').to_string()),
                        Some(f) => stages
                            .iter()
                            .find(|st| st.name.as_deref() == Some(f.as_str()))
                            .and_then(|st| in_context(st, module)),
                    };
                    if let Some(dir) = dir.filter(|d| !d.starts_with('/') && !d.contains("..")) {
                        found.push(JarCopy { dir, span: span.clone() });
                    }
                }
            }
            _ => {}
        }
    }
    found.dedup_by(|a, b| a.dir == b.dir);
    found
}

/// The path before `target/` or `build/libs/` (`orders/target/*.jar` → `orders/`).
fn module_part(src: &str) -> Option<&str> {
    ["target/", "build/libs/"].iter().find_map(|m| {
        let i = src.find(m)?;
        // A path component, not `my-target/`.
        (i == 0 || src[..i].ends_with('/')).then(|| &src[..i])
    })
}

/// A path in a build stage → the context directory it was copied from.
fn in_context(stage: &Stage, module: &str) -> Option<String> {
    let abs = absolute(&stage.workdir, module.trim_end_matches('/'));
    let (root, ctx) = stage
        .mirrors
        .iter()
        .filter(|(m, _)| abs == *m || abs.starts_with(&format!("{}/", m.trim_end_matches('/'))) || m == "/")
        .max_by_key(|(m, _)| m.len())?;
    let rest = abs[root.trim_end_matches('/').len()..].trim_matches('/');
    Some(match (ctx.is_empty(), rest.is_empty()) {
        (true, _) => rest.to_string(),
        (false, true) => ctx.clone(),
        (false, false) => format!("{ctx}/{rest}"),
    })
}

fn parent(p: &str) -> &str {
    match p.trim_end_matches('/').rsplit_once('/') {
        Some(("", _)) | None => "/",
        Some((d, _)) => d,
    }
}

fn absolute(workdir: &str, p: &str) -> String {
    let joined = if p.starts_with('/') {
        p.to_string()
    } else {
        format!("{}/{p}", workdir.trim_end_matches('/'))
    };
    let mut parts: Vec<&str> = Vec::new();
    for c in joined.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    format!("/{}", parts.join("/"))
}

/// `["a", "b"]` (JSON form) or plain words.
fn exec_words(words: &[&str]) -> Vec<String> {
    let joined = words.join(" ");
    let t = joined.trim();
    if t.starts_with('[') && t.ends_with(']') {
        return t[1..t.len() - 1]
            .split(',')
            .map(|w| w.trim().trim_matches('"').to_string())
            .filter(|w| !w.is_empty())
            .collect();
    }
    words.iter().map(|w| w.to_string()).collect()
}

/// Logical lines (continuations joined, comments skipped) with the span of the first line.
fn instructions(text: &str) -> Vec<(String, Range<u32>)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut start = 0usize;
    let mut pos = 0usize;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let at = pos;
        pos += line.len();
        if body.trim_start().starts_with('#') || (cur.is_empty() && body.trim().is_empty()) {
            continue;
        }
        if cur.is_empty() {
            start = at;
        }
        match body.strip_suffix('\\') {
            Some(b) => {
                cur.push_str(b);
                cur.push(' ');
            }
            None => {
                cur.push_str(body);
                out.push((std::mem::take(&mut cur), start as u32..(at + body.len()) as u32));
            }
        }
    }
    if !cur.is_empty() {
        out.push((cur, start as u32..pos as u32));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dirs(t: &str) -> Vec<String> {
        jar_copies(t).into_iter().map(|j| j.dir).collect()
    }

    #[test]
    fn single_stage() {
        assert_eq!(dirs("FROM eclipse-temurin:21\nCOPY target/*.jar app.jar\n"), vec![""]);
        assert_eq!(dirs("FROM x\nADD ./build/libs/app.jar /app.jar\n"), vec![""]);
        assert_eq!(dirs("FROM x\nCOPY orders/target/orders-1.0.jar /app.jar\n"), vec!["orders"]);
        assert_eq!(
            dirs("FROM x\nCOPY [\"services/ledger/build/libs/ledger.jar\", \"/app.jar\"]\n"),
            vec!["services/ledger"]
        );
        assert!(dirs("FROM x\nCOPY app.jar /app.jar\n").is_empty());
        assert!(dirs("FROM x\nCOPY my-target/a.jar /a.jar\n").is_empty());
    }

    #[test]
    fn multi_stage() {
        let t = "FROM maven:3 AS build\nWORKDIR /app\nCOPY . .\nRUN mvn -pl orders package\n\nFROM eclipse-temurin:21\nCOPY --from=build /app/orders/target/*.jar app.jar\n";
        assert_eq!(dirs(t), vec!["orders"]);
        let t = "FROM gradle AS builder\nCOPY ledger/build.gradle /work/\nCOPY ledger/src /work/src\nWORKDIR /work\nRUN gradle bootJar\nFROM jre\nCOPY --from=builder /work/build/libs/*.jar /app.jar\n";
        assert_eq!(dirs(t), vec!["ledger"]);
        let t = "FROM maven AS b\nCOPY pom.xml /home/app/\nCOPY src /home/app/src\nRUN mvn -f /home/app/pom.xml package\nFROM jre\nCOPY --from=b /home/app/target/*.jar /usr/local/lib/app.jar\n";
        assert_eq!(dirs(t), vec![""]);
        // A stage that copied nothing recognisable: unknown.
        let t = "FROM maven AS b\nRUN git clone x /src\nFROM jre\nCOPY --from=b /src/target/*.jar /app.jar\n";
        assert!(dirs(t).is_empty());
        // A builder stage that extracts the jar's layers packages it too.
        let t = "FROM jre AS builder\nWORKDIR extracted\nADD ./build/libs/*.jar app.jar\nRUN java -Djarmode=layertools -jar app.jar extract\nFROM jre\nCOPY --from=builder extracted/application/ ./\n";
        assert_eq!(dirs(t), vec![""]);
    }
}
