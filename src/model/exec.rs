//! What an `exec` probe does over HTTP: the `curl`/`wget` calls in its command (direct, or in an
//! `sh -c` script), the URL each one requests, and whether the HTTP status reaches the probe's
//! exit code. The kubelet only sees the command's exit status (semantics §9.1): `curl` exits 0
//! on an HTTP 503 unless `-f`/`--fail`; `wget` exits non-zero on 4xx/5xx by itself; a pipeline's
//! status is its last command's; `|| true` and a later command discard a failure.
//!
//! A small shell word splitter, not a shell: quoting, `\` escapes, `$(…)`, `|`, `||`, `&&`,
//! `;`, newlines and comments. Anything it does not understand yields no call (unknown).

use crate::source::{Span, Spanned};

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Tool {
    Curl,
    Wget,
}

impl Tool {
    pub fn name(self) -> &'static str {
        match self {
            Tool::Curl => "curl",
            Tool::Wget => "wget",
        }
    }
}

/// Whether the HTTP status decides the probe's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatusUse {
    /// The call's exit status is the probe's.
    Own,
    /// Its output is inspected instead (`| grep UP`, `$(curl -w '%{http_code}' …)`): unknown.
    Inspected,
    /// Its exit status never reaches the probe; the reason, for messages.
    Discarded(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Url {
    /// As written in the command, before `$VAR` expansion (to find it in the file).
    pub raw: String,
    pub https: bool,
    pub host: String,
    /// Explicit or the scheme's default (80/443); `None` when a variable hides it.
    pub port: Option<i64>,
    pub port_explicit: bool,
    /// Without query or fragment; `None` when a variable hides it.
    pub path: Option<String>,
}

impl Url {
    /// The request reaches this container: loopback, or the pod's own name/IP.
    pub fn is_local(&self) -> bool {
        let h = self.host.trim_start_matches('[').trim_end_matches(']');
        matches!(
            h,
            "localhost" | "0.0.0.0" | "::1" | "$HOSTNAME" | "${HOSTNAME}" | "$(hostname)" | "$(hostname -i)" | "$POD_IP" | "${POD_IP}"
        ) || h.starts_with("127.")
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct HttpCall {
    pub tool: Tool,
    /// The invocation as the shell sees it (`curl -s http://localhost:8080/actuator/health`).
    pub text: String,
    pub url: Option<Url>,
    /// `curl -f`/`--fail`/`--fail-with-body`; always true for `wget`.
    pub fails_on_http_error: bool,
    pub status: StatusUse,
    /// The command item (of `exec.command`) the call is written in.
    pub item: Span,
}

/// Reads the calls of one `exec.command`, expanding `$VAR` from the container's literal `env`.
pub fn http_calls(command: &[Spanned<String>], env: &[(String, String)]) -> Vec<HttpCall> {
    let Some(first) = command.first() else { return vec![] };
    let prog = basename(&first.value);
    let shell = ["sh", "bash", "ash", "dash", "zsh", "ksh"].contains(&prog);
    if shell {
        // `sh -c SCRIPT`, `bash -ec SCRIPT`, `sh -o pipefail -c SCRIPT`.
        let mut errexit = false;
        let mut pipefail = false;
        let mut i = 1;
        while let Some(a) = command.get(i) {
            let v = a.value.as_str();
            if v == "-o" {
                pipefail |= command.get(i + 1).is_some_and(|n| n.value == "pipefail");
                i += 2;
                continue;
            }
            if let Some(flags) = v.strip_prefix('-').filter(|f| !f.starts_with('-') && !f.is_empty()) {
                errexit |= flags.contains('e');
                if flags.contains('c') {
                    let Some(script) = command.get(i + 1) else { return vec![] };
                    let mut out = Vec::new();
                    script_calls(&script.value, script.span, env, errexit, pipefail, 0, &mut out);
                    return out;
                }
                i += 1;
                continue;
            }
            return vec![];
        }
        return vec![];
    }
    let words: Vec<String> = command.iter().map(|c| c.value.clone()).collect();
    let item = command
        .iter()
        .find(|c| ["curl", "wget"].contains(&basename(&c.value)))
        .map_or(first.span, |c| c.span);
    call(&words, item, env, StatusUse::Own).into_iter().collect()
}

/// The words of a shell command line, quotes and escapes removed, operators dropped; `None`
/// where the splitter does not understand the script. Deployments read `-D` options and
/// Spring arguments from `sh -c "java … -jar app.jar --k=v"` with it.
pub fn shell_words(script: &str) -> Option<Vec<String>> {
    Some(
        tokenize(script)?
            .into_iter()
            .filter_map(|t| match t {
                Token::Word(w) => Some(w),
                Token::Op(_) => None,
            })
            .collect(),
    )
}

fn basename(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or(p)
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Word(String),
    /// `|`, `||`, `&&`, `;` (newline and `&` too), `(`, `)`.
    Op(&'static str),
}

/// Splits a script into words and operators. `$(…)` stays inside its word.
fn tokenize(s: &str) -> Option<Vec<Token>> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut i = 0;
    let flush = |word: &mut String, in_word: &mut bool, out: &mut Vec<Token>| {
        if *in_word {
            out.push(Token::Word(std::mem::take(word)));
            *in_word = false;
        }
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\r' => {
                flush(&mut word, &mut in_word, &mut out);
                i += 1;
            }
            '\\' if chars.get(i + 1) == Some(&'\n') => i += 2,
            '\\' => {
                if let Some(n) = chars.get(i + 1) {
                    word.push(*n);
                }
                in_word = true;
                i += 2;
            }
            '#' if !in_word => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '\'' => {
                let end = chars[i + 1..].iter().position(|&x| x == '\'')? + i + 1;
                word.extend(&chars[i + 1..end]);
                in_word = true;
                i = end + 1;
            }
            '"' => {
                i += 1;
                loop {
                    let x = *chars.get(i)?;
                    match x {
                        '"' => break,
                        '\\' if matches!(chars.get(i + 1), Some('"' | '\\' | '$' | '`')) => {
                            word.push(chars[i + 1]);
                            i += 2;
                        }
                        _ => {
                            word.push(x);
                            i += 1;
                        }
                    }
                }
                in_word = true;
                i += 1;
            }
            '$' if chars.get(i + 1) == Some(&'(') => {
                // Keep `$(…)` whole, with nested parentheses.
                let mut depth = 0usize;
                loop {
                    let x = *chars.get(i)?;
                    word.push(x);
                    i += 1;
                    if x == '(' {
                        depth += 1;
                    } else if x == ')' {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                }
                in_word = true;
            }
            '|' | '&' | ';' | '\n' | '(' | ')' => {
                flush(&mut word, &mut in_word, &mut out);
                let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
                let op = match (c, two.as_str()) {
                    (_, "||") => "||",
                    (_, "&&") => "&&",
                    ('|', _) => "|",
                    ('(', _) => "(",
                    (')', _) => ")",
                    _ => ";",
                };
                i += op.len().max(1);
                out.push(Token::Op(op));
            }
            _ => {
                word.push(c);
                in_word = true;
                i += 1;
            }
        }
    }
    flush(&mut word, &mut in_word, &mut out);
    Some(out)
}

/// One `;`/newline-separated statement: pipelines joined by `&&`/`||`.
struct Statement {
    /// (operator before it: "" | "&&" | "||", pipeline of commands)
    parts: Vec<(&'static str, Vec<Vec<String>>)>,
}

fn statements(tokens: &[Token]) -> Vec<Statement> {
    let mut out = vec![Statement {
        parts: vec![("", vec![vec![]])],
    }];
    for t in tokens {
        let st = out.last_mut().expect("one statement");
        match t {
            Token::Word(w) => st.parts.last_mut().expect("part").1.last_mut().expect("cmd").push(w.clone()),
            Token::Op("|") => st.parts.last_mut().expect("part").1.push(vec![]),
            Token::Op(op @ ("&&" | "||")) => st.parts.push((op, vec![vec![]])),
            Token::Op(_) => out.push(Statement {
                parts: vec![("", vec![vec![]])],
            }),
        }
    }
    out.retain(|s| s.parts.iter().any(|(_, p)| p.iter().any(|c| !c.is_empty())));
    out
}

/// Words before the program (`VAR=x`, `exec`, `timeout 5`, `command`) are not the program.
fn program(words: &[String]) -> &[String] {
    let mut i = 0;
    while let Some(w) = words.get(i) {
        let assignment = w.contains('=')
            && !w.starts_with('-')
            && w.split('=')
                .next()
                .is_some_and(|k| k.chars().all(|c| c.is_alphanumeric() || c == '_'));
        if assignment || ["exec", "command", "nice"].contains(&w.as_str()) {
            i += 1;
        } else if w == "timeout" {
            i += 1;
            while words.get(i).is_some_and(|a| a.starts_with('-')) {
                i += 1;
            }
            i += 1;
        } else {
            break;
        }
    }
    &words[i.min(words.len())..]
}

fn is_discard(cmd: &[String]) -> bool {
    let p = program(cmd);
    // A bare `exit` keeps the last status; only `exit 0` discards it.
    matches!(p.first().map(String::as_str), Some("true" | ":"))
        || (p.first().map(String::as_str) == Some("exit") && p.get(1).is_some_and(|c| c == "0"))
}

fn is_inspector(cmd: &[String]) -> bool {
    let p = program(cmd);
    match p.first().map(|w| basename(w)) {
        Some("grep" | "egrep" | "fgrep" | "test" | "[" | "[[") => true,
        Some("jq") => p.iter().any(|a| a == "-e" || a == "--exit-status"),
        _ => false,
    }
}

fn script_calls(script: &str, item: Span, env: &[(String, String)], errexit: bool, pipefail: bool, depth: usize, out: &mut Vec<HttpCall>) {
    if depth > 4 {
        return;
    }
    let Some(tokens) = tokenize(script) else { return };
    let sts = statements(&tokens);
    let errexit = errexit
        || sts
            .iter()
            .any(|s| s.parts.iter().any(|(_, p)| p.iter().any(|c| set_flag(c, 'e', "errexit"))));
    let pipefail = pipefail
        || sts
            .iter()
            .any(|s| s.parts.iter().any(|(_, p)| p.iter().any(|c| set_flag(c, '\0', "pipefail"))));
    let last = sts.len().saturating_sub(1);
    for (si, st) in sts.iter().enumerate() {
        for (pi, (_, pipeline)) in st.parts.iter().enumerate() {
            let later = &st.parts[pi + 1..];
            for (ci, cmd) in pipeline.iter().enumerate() {
                // Calls inside `$(…)` feed their output to the enclosing command.
                for w in cmd {
                    for inner in substitutions(w) {
                        let mut sub = Vec::new();
                        script_calls(inner, item, env, false, false, depth + 1, &mut sub);
                        out.extend(sub.into_iter().map(|mut c| {
                            c.status = StatusUse::Inspected;
                            c
                        }));
                    }
                }
                let status = if ci + 1 < pipeline.len() && !pipefail {
                    let tail = pipeline.last().expect("pipeline");
                    if is_inspector(tail) {
                        StatusUse::Inspected
                    } else {
                        StatusUse::Discarded(format!(
                            "its output is piped into `{}`, whose exit status is the probe's",
                            program(tail).first().map_or("", String::as_str)
                        ))
                    }
                } else if let Some((_, p)) = later.iter().find(|(op, _)| *op == "||") {
                    if p.iter().all(|c| is_discard(c)) {
                        StatusUse::Discarded(format!("`|| {}` turns its failure into success", p[0].join(" ")))
                    } else {
                        StatusUse::Own
                    }
                } else if si < last && !errexit {
                    let tail = &sts[last];
                    let words = tail
                        .parts
                        .last()
                        .and_then(|(_, p)| p.last())
                        .map(|c| c.join(" "))
                        .unwrap_or_default();
                    StatusUse::Discarded(format!("the script goes on to `{words}`, whose exit status is the probe's"))
                } else {
                    StatusUse::Own
                };
                if let Some(c) = call(cmd, item, env, status) {
                    out.push(c);
                }
            }
        }
    }
}

/// `set -e`, `set -o pipefail`, `set -eo pipefail`.
fn set_flag(cmd: &[String], short: char, long: &str) -> bool {
    let p = program(cmd);
    if p.first().map(String::as_str) != Some("set") {
        return false;
    }
    p.iter().enumerate().skip(1).any(|(i, a)| {
        (short != '\0' && a.starts_with('-') && !a.starts_with("--") && a.contains(short))
            || (a.starts_with('-') && a.ends_with('o') && p.get(i + 1).is_some_and(|n| n == long))
    })
}

fn substitutions(word: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = word;
    while let Some(at) = rest.find("$(") {
        let body = &rest[at + 2..];
        let mut depth = 1usize;
        let mut end = None;
        for (i, c) in body.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(e) = end else { break };
        out.push(&body[..e]);
        rest = &body[e + 1..];
    }
    out
}

const CURL_LONG_ARG: &[&str] = &[
    "output",
    "write-out",
    "header",
    "request",
    "data",
    "data-raw",
    "data-binary",
    "data-urlencode",
    "user",
    "user-agent",
    "max-time",
    "connect-timeout",
    "retry",
    "retry-delay",
    "retry-max-time",
    "cacert",
    "capath",
    "cert",
    "key",
    "proxy",
    "resolve",
    "connect-to",
    "referer",
    "cookie",
    "cookie-jar",
    "config",
    "form",
    "upload-file",
    "range",
    "interface",
    "unix-socket",
    "dns-servers",
    "noproxy",
    "limit-rate",
    "max-filesize",
    "output-dir",
    "pass",
    "expect100-timeout",
    "keepalive-time",
    "json",
    "variable",
    "dump-header",
    "trace",
    "trace-ascii",
    "stderr",
    "abstract-unix-socket",
    "oauth2-bearer",
    "url-query",
    "aws-sigv4",
    "cert-type",
    "key-type",
];
const CURL_SHORT_ARG: &str = "owHXduAebcKEFTrxmyYzCUQtD";
const WGET_LONG_ARG: &[&str] = &[
    "output-document",
    "output-file",
    "append-output",
    "timeout",
    "tries",
    "header",
    "user-agent",
    "post-data",
    "post-file",
    "wait",
    "execute",
    "input-file",
    "base",
    "directory-prefix",
    "user",
    "password",
    "ca-certificate",
    "certificate",
    "private-key",
    "dns-timeout",
    "connect-timeout",
    "read-timeout",
];
const WGET_SHORT_ARG: &str = "OoaTtUeiBwP";

fn call(words: &[String], item: Span, env: &[(String, String)], status: StatusUse) -> Option<HttpCall> {
    let p = program(words);
    let tool = match basename(p.first()?) {
        "curl" => Tool::Curl,
        "wget" => Tool::Wget,
        _ => return None,
    };
    let (long_arg, short_arg) = match tool {
        Tool::Curl => (CURL_LONG_ARG, CURL_SHORT_ARG),
        Tool::Wget => (WGET_LONG_ARG, WGET_SHORT_ARG),
    };
    let mut fail = tool == Tool::Wget;
    let mut url: Option<String> = None;
    let mut unix_socket = false;
    let mut i = 1;
    while let Some(a) = p.get(i) {
        i += 1;
        if let Some(long) = a.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, _)) => (n, true),
                None => (long, false),
            };
            match name {
                "fail" | "fail-with-body" if tool == Tool::Curl => fail = true,
                "url" if !inline => url = url.or_else(|| p.get(i).cloned()),
                "unix-socket" | "abstract-unix-socket" => unix_socket = true,
                _ => {}
            }
            if name == "url" && inline {
                url = url.or_else(|| long.split_once('=').map(|(_, v)| v.to_string()));
            }
            if !inline && (long_arg.contains(&name) || name == "url") {
                i += 1;
            }
        } else if let Some(flags) = a.strip_prefix('-').filter(|f| !f.is_empty()) {
            for (k, f) in flags.char_indices() {
                if f == 'f' && tool == Tool::Curl {
                    fail = true;
                }
                if short_arg.contains(f) {
                    // The rest of the group is the argument, or the next word is.
                    if k + f.len_utf8() == flags.len() {
                        i += 1;
                    }
                    break;
                }
            }
        } else if url.is_none() {
            url = Some(a.clone());
        }
    }
    let url = if unix_socket { None } else { url.and_then(|u| parse_url(&u, env)) };
    Some(HttpCall {
        tool,
        text: p.join(" "),
        url,
        fails_on_http_error: fail,
        status,
        item,
    })
}

/// Expands `$VAR`, `${VAR}` and `${VAR:-default}` from the container's env; `None` if unset.
fn expand(s: &str, env: &[(String, String)]) -> Option<String> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, default, used) = if let Some(b) = after.strip_prefix('{') {
            let end = b.find('}')?;
            let inner = &b[..end];
            match inner.split_once(":-") {
                Some((n, d)) => (n, Some(d), end + 2),
                None => (inner, None, end + 2),
            }
        } else {
            let n = after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').count();
            if n == 0 {
                return None;
            }
            (&after[..n], None, n)
        };
        let value = env.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).or(default)?;
        out.push_str(value);
        rest = &after[used..];
    }
    out.push_str(rest);
    Some(out)
}

fn parse_url(raw: &str, env: &[(String, String)]) -> Option<Url> {
    let (https, rest) = if let Some(r) = raw.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = raw.strip_prefix("http://") {
        (false, r)
    } else if raw.contains("://") {
        return None;
    } else {
        (false, raw)
    };
    let auth_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(auth_end);
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let (host, port_text) = if let Some(r) = authority.strip_prefix('[') {
        let end = r.find(']')?;
        (&authority[..end + 2], r[end + 1..].strip_prefix(':'))
    } else {
        // The last `:` outside `${…}` separates the port.
        let mut depth = 0usize;
        let mut colon = None;
        for (i, c) in authority.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth = depth.saturating_sub(1),
                ':' if depth == 0 => colon = Some(i),
                _ => {}
            }
        }
        match colon {
            Some(i) => (&authority[..i], Some(&authority[i + 1..])),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return None;
    }
    let default = if https { 443 } else { 80 };
    let (port, port_explicit) = match port_text {
        Some(p) => (expand(p, env).and_then(|p| p.parse().ok()), true),
        None => (Some(default), false),
    };
    let path = expand(tail, env).map(|t| {
        let p = t.split(['?', '#']).next().unwrap_or("");
        if p.is_empty() {
            "/".to_string()
        } else {
            p.to_string()
        }
    });
    Some(Url {
        raw: raw.to_string(),
        https,
        host: host.to_string(),
        port,
        port_explicit,
        path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn cmd(words: &[&str]) -> Vec<Spanned<String>> {
        words
            .iter()
            .map(|w| Spanned::new(w.to_string(), Span::empty(FileId(0), 0)))
            .collect()
    }

    fn one(words: &[&str]) -> HttpCall {
        let calls = http_calls(&cmd(words), &[("SERVER_PORT".into(), "8081".into())]);
        assert_eq!(calls.len(), 1, "{words:?}: {calls:?}");
        calls.into_iter().next().unwrap()
    }

    #[test]
    fn direct_and_shell_forms() {
        let c = one(&["curl", "-s", "http://localhost:8080/actuator/health/liveness"]);
        assert_eq!(
            (c.tool, c.fails_on_http_error, c.status.clone()),
            (Tool::Curl, false, StatusUse::Own)
        );
        let u = c.url.unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.path.as_deref(), u.https),
            ("localhost", Some(8080), Some("/actuator/health/liveness"), false)
        );
        let c = one(&[
            "/bin/sh",
            "-c",
            "curl -fsS -o /dev/null http://127.0.0.1:${SERVER_PORT}/actuator/health?x=1",
        ]);
        assert!(c.fails_on_http_error);
        assert_eq!(
            c.url.as_ref().map(|u| (u.port, u.path.clone())),
            Some((Some(8081), Some("/actuator/health".into())))
        );
        let c = one(&["sh", "-c", "wget -qO- localhost/actuator/health"]);
        assert_eq!((c.tool, c.fails_on_http_error), (Tool::Wget, true));
        assert_eq!(c.url.as_ref().map(|u| (u.port, u.port_explicit)), Some((Some(80), false)));
        let c = one(&["curl", "--max-time", "2", "--url", "https://localhost:8443/ready"]);
        assert_eq!(c.url.as_ref().map(|u| (u.https, u.port)), Some((true, Some(8443))));
        let c = one(&["curl", "-m5", "-H", "Accept: application/json", "http://localhost:$MISSING/x"]);
        assert_eq!(c.url.as_ref().map(|u| u.port), Some(None));
        let c = one(&["curl", "http://localhost:${MISSING:-9090}/x"]);
        assert_eq!(c.url.as_ref().map(|u| (u.host.as_str(), u.port)), Some(("localhost", Some(9090))));
    }

    #[test]
    fn what_happens_to_the_status() {
        let c = one(&["sh", "-c", "curl -s localhost:8080/actuator/health | grep UP"]);
        assert_eq!(c.status, StatusUse::Inspected);
        let c = one(&["sh", "-c", "curl -f localhost:8080/actuator/health | cat"]);
        assert!(matches!(c.status, StatusUse::Discarded(ref r) if r.contains("`cat`")));
        let c = one(&["bash", "-c", "set -o pipefail; curl -f localhost:8080/actuator/health | cat"]);
        assert_eq!(c.status, StatusUse::Own);
        let c = one(&["sh", "-c", "curl -f localhost:8080/x || true"]);
        assert!(matches!(c.status, StatusUse::Discarded(ref r) if r.contains("|| true")));
        let c = one(&["sh", "-c", "curl -f localhost:8080/x || exit 1"]);
        assert_eq!(c.status, StatusUse::Own);
        let c = one(&["sh", "-c", "curl -f localhost:8080/x\necho done"]);
        assert!(matches!(c.status, StatusUse::Discarded(ref r) if r.contains("echo done")));
        let c = one(&["sh", "-ec", "curl -f localhost:8080/x\necho done"]);
        assert_eq!(c.status, StatusUse::Own);
        let c = one(&[
            "sh",
            "-c",
            "[ \"$(curl -s -o /dev/null -w '%{http_code}' http://localhost:8080/x)\" = 200 ]",
        ]);
        assert_eq!(c.status, StatusUse::Inspected);
        assert_eq!(c.url.as_ref().and_then(|u| u.path.clone()).as_deref(), Some("/x"));
    }

    #[test]
    fn not_http_or_not_understood() {
        assert!(http_calls(&cmd(&["cat", "/tmp/healthy"]), &[]).is_empty());
        assert!(http_calls(&cmd(&["sh", "-c", "echo 'unterminated"]), &[]).is_empty());
        assert!(http_calls(&cmd(&[]), &[]).is_empty());
        assert!(http_calls(&cmd(&["sh"]), &[]).is_empty());
        let c = one(&["curl", "--unix-socket", "/tmp/s", "http://x/health"]);
        assert!(c.url.is_none());
        for junk in [
            "$(",
            "$((((",
            "\"",
            "a\\",
            "curl '",
            "curl http://[",
            "curl http://:",
            "${",
            "curl $(curl $(curl x))",
        ] {
            let _ = http_calls(&cmd(&["sh", "-c", junk]), &[]);
        }
    }

    #[test]
    fn every_prefix_of_odd_input_is_safe() {
        let script = "set -eo pipefail; X=ü timeout -s 9 5 curl -fsSo /dev/null --url=\"http://[::1]:${PÖRT:-80ü}/ä?x#y\" 'q' \\\n | grep -q \"$(wget -qO- localhost:$(cat p)/é)\" || exit 0; # c";
        for (i, _) in script.char_indices() {
            for s in [&script[..i], &script[i..]] {
                let words = [
                    Spanned::new("sh".to_string(), Span::empty(FileId(0), 0)),
                    Spanned::new("-c".to_string(), Span::empty(FileId(0), 0)),
                    Spanned::new(s.to_string(), Span::empty(FileId(0), 0)),
                ];
                let _ = http_calls(&words, &[("PÖRT".into(), "ü".into())]);
                let direct: Vec<Spanned<String>> = s
                    .split(' ')
                    .map(|w| Spanned::new(w.to_string(), Span::empty(FileId(0), 0)))
                    .collect();
                let _ = http_calls(&direct, &[]);
            }
        }
    }
}
