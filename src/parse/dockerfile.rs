//! Dockerfiles, read only for what Spring sees at run time: `ENV` (environment variables),
//! `WORKDIR` (where `file:./config/` points) and the exec-form `ENTRYPOINT`/`CMD` (command-line
//! arguments and `-D` system properties). Only the final build stage counts.

use std::ops::Range;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dockerfile {
    pub env: Vec<EnvEntry>,
    pub workdir: Option<String>,
    /// Exec-form words (a shell form is split on whitespace and marked `shell`).
    pub entrypoint: Vec<(String, Range<u32>)>,
    pub cmd: Vec<(String, Range<u32>)>,
    pub entrypoint_shell: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvEntry {
    pub name: String,
    pub value: String,
    pub span: Range<u32>,
    pub value_span: Range<u32>,
}

#[derive(Default, Clone)]
struct Stage {
    name: Option<String>,
    df: Dockerfile,
}

/// Logical lines (continuations joined) with the byte offset of each piece.
fn logical_lines(text: &str) -> Vec<(String, Vec<(usize, usize)>)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    // (offset in `cur`, offset in `text`) at each physical line start.
    let mut map: Vec<(usize, usize)> = Vec::new();
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let start = pos;
        pos += line.len();
        if cur.is_empty() && (body.trim_start().starts_with('#') || body.trim().is_empty()) {
            continue;
        }
        if !cur.is_empty() && body.trim_start().starts_with('#') {
            // Comment lines inside a continuation are skipped by Docker.
            continue;
        }
        map.push((cur.len(), start));
        match body.strip_suffix('\\') {
            Some(b) => {
                cur.push_str(b);
            }
            None => {
                cur.push_str(body);
                out.push((std::mem::take(&mut cur), std::mem::take(&mut map)));
            }
        }
    }
    if !cur.is_empty() {
        out.push((cur, map));
    }
    out
}

fn to_text(map: &[(usize, usize)], at: usize) -> u32 {
    let (c, t) = map.iter().rev().find(|(c, _)| *c <= at).copied().unwrap_or((0, 0));
    (t + (at - c)) as u32
}

/// Splits `K=V K2="a b"` (or legacy `K V`) into entries with offsets into the logical line.
fn env_pairs(args: &str, base: usize) -> Vec<(String, String, Range<usize>, Range<usize>)> {
    let mut out = Vec::new();
    let trimmed = args.trim_start();
    let lead = args.len() - trimmed.len();
    let first_word_end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
    if !trimmed[..first_word_end].contains('=') {
        // Legacy `ENV KEY value with spaces`.
        let name = &trimmed[..first_word_end];
        let rest = trimmed[first_word_end..].trim_start();
        let vstart = base + lead + (trimmed.len() - rest.len());
        out.push((
            name.to_string(),
            rest.trim_end().to_string(),
            base + lead..base + lead + trimmed.trim_end().len(),
            vstart..vstart + rest.trim_end().len(),
        ));
        return out;
    }
    let bytes: Vec<char> = args.chars().collect();
    let mut i = 0;
    let byte_at = |ci: usize| -> usize { base + bytes[..ci].iter().map(|c| c.len_utf8()).sum::<usize>() };
    while i < bytes.len() {
        while i < bytes.len() && bytes[i].is_whitespace() {
            i += 1;
        }
        let kstart = i;
        while i < bytes.len() && bytes[i] != '=' && !bytes[i].is_whitespace() {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] != '=' {
            break;
        }
        let name: String = bytes[kstart..i].iter().collect();
        i += 1;
        let vstart = i;
        let mut value = String::new();
        let mut quote: Option<char> = None;
        while i < bytes.len() {
            let c = bytes[i];
            match quote {
                Some(q) if c == q => quote = None,
                Some('"') if c == '\\' && i + 1 < bytes.len() => {
                    i += 1;
                    value.push(bytes[i]);
                }
                Some(_) => value.push(c),
                None if c == '"' || c == '\'' => quote = Some(c),
                None if c == '\\' && i + 1 < bytes.len() => {
                    i += 1;
                    value.push(bytes[i]);
                }
                None if c.is_whitespace() => break,
                None => value.push(c),
            }
            i += 1;
        }
        out.push((name, value, byte_at(kstart)..byte_at(i), byte_at(vstart)..byte_at(i)));
    }
    out
}

/// `["java", "-jar", "app.jar"]` → words with offsets; anything else → whitespace words.
fn words(args: &str, base: usize) -> (Vec<(String, Range<usize>)>, bool) {
    let t = args.trim();
    let lead = base + (args.len() - args.trim_start().len());
    if t.starts_with('[') && t.ends_with(']') {
        let mut out = Vec::new();
        let mut i = 1;
        let b = t.as_bytes();
        while i < b.len() {
            if b[i] == b'"' {
                let start = i;
                let mut v = String::new();
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' && i + 1 < b.len() {
                        i += 1;
                    }
                    let ch = t[i..].chars().next().unwrap_or(' ');
                    v.push(ch);
                    i += ch.len_utf8();
                }
                out.push((v, lead + start..lead + (i + 1).min(b.len())));
            }
            i += 1;
        }
        return (out, false);
    }
    let mut out = Vec::new();
    let mut off = 0;
    for w in t.split_whitespace() {
        let at = t[off..].find(w).map_or(off, |p| off + p);
        out.push((w.to_string(), lead + at..lead + at + w.len()));
        off = at + w.len();
    }
    (out, true)
}

pub fn parse(text: &str) -> Dockerfile {
    let mut stages: Vec<Stage> = Vec::new();
    for (line, map) in logical_lines(text) {
        let t = line.trim_start();
        let lead = line.len() - t.len();
        let (instr, rest) = match t.find(char::is_whitespace) {
            Some(i) => (&t[..i], &t[i..]),
            None => (t, ""),
        };
        let rest_base = lead + instr.len();
        let conv = |r: Range<usize>| to_text(&map, r.start)..to_text(&map, r.end);
        match instr.to_ascii_uppercase().as_str() {
            "FROM" => {
                let mut parts = rest.split_whitespace().filter(|w| !w.starts_with("--"));
                let image = parts.next().unwrap_or("").to_string();
                let name = match (parts.next(), parts.next()) {
                    (Some(a), Some(n)) if a.eq_ignore_ascii_case("as") => Some(n.to_string()),
                    _ => None,
                };
                // A stage built on an earlier stage inherits its environment.
                let inherited = stages
                    .iter()
                    .rev()
                    .find(|s| s.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(&image)))
                    .map(|s| s.df.clone())
                    .unwrap_or_default();
                stages.push(Stage { name, df: inherited });
            }
            _ if stages.is_empty() => {}
            "ENV" => {
                let st = stages.last_mut().expect("non-empty");
                for (name, value, span, vspan) in env_pairs(rest, rest_base) {
                    st.df.env.push(EnvEntry {
                        name,
                        value,
                        span: conv(span),
                        value_span: conv(vspan),
                    });
                }
            }
            "WORKDIR" => {
                let st = stages.last_mut().expect("non-empty");
                let dir = rest.trim().trim_matches('"').to_string();
                st.df.workdir = Some(match (&st.df.workdir, dir.starts_with('/')) {
                    (Some(prev), false) => format!("{}/{dir}", prev.trim_end_matches('/')),
                    _ => dir,
                });
            }
            "ENTRYPOINT" | "CMD" => {
                let st = stages.last_mut().expect("non-empty");
                let (w, shell) = words(rest, rest_base);
                let w: Vec<(String, Range<u32>)> = w.into_iter().map(|(s, r)| (s, conv(r))).collect();
                if instr.eq_ignore_ascii_case("ENTRYPOINT") {
                    st.df.entrypoint = w;
                    st.df.entrypoint_shell = shell;
                    // ENTRYPOINT resets an inherited CMD.
                    st.df.cmd.clear();
                } else {
                    st.df.cmd = w;
                }
            }
            _ => {}
        }
    }
    stages.pop().map(|s| s.df).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_forms_and_final_stage() {
        let text = "FROM gradle:8 AS build\nENV SPRING_PROFILES_ACTIVE=dev\nFROM eclipse-temurin:17\nENV TZ=Asia/Seoul \\\n    SPRING_PROFILES_ACTIVE=\"prod,k8s\"\nENV JAVA_OPTS -Xmx1g -Dx=y\nWORKDIR /app\nENTRYPOINT [\"java\", \"-jar\", \"app.jar\", \"--server.port=9090\"]\n";
        let d = parse(text);
        let names: Vec<_> = d.env.iter().map(|e| (e.name.as_str(), e.value.as_str())).collect();
        assert_eq!(
            names,
            vec![
                ("TZ", "Asia/Seoul"),
                ("SPRING_PROFILES_ACTIVE", "prod,k8s"),
                ("JAVA_OPTS", "-Xmx1g -Dx=y")
            ]
        );
        let e = &d.env[1];
        assert_eq!(&text[e.value_span.start as usize..e.value_span.end as usize], "\"prod,k8s\"");
        assert_eq!(&text[e.span.start as usize..e.span.start as usize + 6], "SPRING");
        assert_eq!(d.workdir.as_deref(), Some("/app"));
        assert_eq!(d.entrypoint.last().map(|w| w.0.as_str()), Some("--server.port=9090"));
        let w = &d.entrypoint[3];
        assert_eq!(&text[w.1.start as usize..w.1.end as usize], "\"--server.port=9090\"");
    }

    #[test]
    fn inherits_named_stage_and_never_panics() {
        let d = parse("FROM x AS base\nENV A=1\nFROM base\nENV B=2\n");
        assert_eq!(d.env.len(), 2);
        for t in [
            "",
            "ENV",
            "FROM",
            "FROM x\nENV =\n",
            "FROM x\nENV a=\"b\\",
            "FROM x\nCMD [\"a",
            "FROM x\nENV é=ü",
        ] {
            let _ = parse(t);
        }
    }
}
