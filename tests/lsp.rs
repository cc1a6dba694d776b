//! `actuator-lint server` spoken to as an editor does: a scripted JSON-RPC client over the real
//! binary's stdio. The commerce scenario's order-service lacks the Prometheus registry: the
//! build file shows the finding, the Prometheus job that scrapes it shows a hint; the code
//! action's edit, sent back as an unsaved change, clears both.

use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    next_id: i64,
    /// The last diagnostics published per document.
    diagnostics: HashMap<String, Vec<Value>>,
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_actuator-lint"))
            .arg("server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the server");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            while let Some(msg) = read_message(&mut stdout) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming,
            next_id: 0,
            diagnostics: HashMap::new(),
        }
    }

    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Handles one incoming message: notes published diagnostics, answers the server's own
    /// requests (capability registration). Returns it.
    fn receive(&mut self, deadline: Instant) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        let msg = match self.incoming.recv_timeout(left) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => panic!("the server did not answer in {WAIT:?}; last diagnostics: {:#?}", self.diagnostics),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        };
        if msg["method"] == "textDocument/publishDiagnostics" {
            let uri = msg["params"]["uri"].as_str().unwrap().to_string();
            let diags = msg["params"]["diagnostics"].as_array().unwrap().clone();
            self.diagnostics.insert(uri, diags);
        } else if msg.get("id").is_some() && msg.get("method").is_some() {
            let id = msg["id"].clone();
            self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
        }
        msg
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + WAIT;
        loop {
            let msg = self.receive(deadline);
            if msg["id"] == id && msg.get("method").is_none() {
                assert!(msg.get("error").is_none(), "{method} failed: {msg}");
                return msg["result"].clone();
            }
        }
    }

    /// Waits until the published diagnostics satisfy `done`.
    fn wait_for(&mut self, what: &str, done: impl Fn(&HashMap<String, Vec<Value>>) -> bool) {
        let deadline = Instant::now() + WAIT;
        while !done(&self.diagnostics) {
            if Instant::now() > deadline {
                panic!("waited for {what}; diagnostics: {:#?}", self.diagnostics);
            }
            self.receive(deadline);
        }
    }
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scenarios/commerce/repo")
}

fn uri(rel: &str) -> String {
    format!("file://{}/{rel}", repo().display())
}

fn codes(diags: &HashMap<String, Vec<Value>>, rel: &str) -> Vec<String> {
    diags
        .get(&uri(rel))
        .map(|v| v.iter().map(|d| d["code"].as_str().unwrap_or("").to_string()).collect())
        .unwrap_or_default()
}

/// Applies LSP text edits (UTF-16 columns; this file is ASCII) to a text.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| -> usize {
        let line = p["line"].as_u64().unwrap() as usize;
        let col = p["character"].as_u64().unwrap() as usize;
        text.split_inclusive('\n').take(line).map(str::len).sum::<usize>() + col
    };
    let mut edits: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (s, e, new) in edits {
        out.replace_range(s..e, new);
    }
    out
}

const BUILD: &str = "services/order-service/build.gradle.kts";
const SCRAPE: &str = "monitoring/prometheus/prometheus.yml";
const REGISTRY: &str = "prometheus-registry-missing";

#[test]
#[cfg(unix)]
fn an_unsaved_fix_clears_the_finding_and_its_scrape() {
    let mut c = Client::start();
    let init = c.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": format!("file://{}", repo().display()),
            "capabilities": {"general": {"positionEncodings": ["utf-16"]}},
        }),
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["serverInfo"]["name"], "actuator-lint");
    c.notify("initialized", json!({}));

    let text = std::fs::read_to_string(repo().join(BUILD)).unwrap();
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(BUILD), "languageId": "kotlin", "version": 1, "text": text}}),
    );
    c.wait_for("the registry finding and its scrape hint", |d| {
        codes(d, BUILD).contains(&REGISTRY.to_string()) && codes(d, SCRAPE).contains(&REGISTRY.to_string())
    });
    // Findings of the whole workspace are published, not only the open document's.
    assert!(codes(&c.diagnostics, "infra/k8s/services/order-service.yaml").contains(&"liveness-budget-too-short".to_string()));

    let finding = c.diagnostics[&uri(BUILD)].iter().find(|d| d["code"] == REGISTRY).unwrap().clone();
    assert_eq!(finding["severity"], 1);
    assert_eq!(finding["source"], "actuator-lint");
    assert_eq!(finding["range"]["start"], json!({"line": 5, "character": 0}));
    assert!(finding["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .ends_with("/rules/prometheus-registry-missing.md"));
    let related = &finding["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], uri(SCRAPE));
    assert_eq!(related["location"]["range"]["start"], json!({"line": 25, "character": 18}));
    let hint = c.diagnostics[&uri(SCRAPE)].iter().find(|d| d["code"] == REGISTRY).unwrap().clone();
    assert_eq!(hint["severity"], 4);
    assert_eq!(hint["relatedInformation"][0]["location"]["uri"], uri(BUILD));

    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(BUILD)}, "position": {"line": 5, "character": 3}}),
    );
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        shown.contains("prometheus-registry-missing") && shown.contains("**Why:**"),
        "{shown}"
    );

    let actions = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri(BUILD)},
            "range": finding["range"],
            "context": {"diagnostics": [finding]},
        }),
    );
    let actions = actions.as_array().unwrap();
    let quickfix = actions
        .iter()
        .find(|a| a["kind"] == "quickfix" && a["isPreferred"] == true)
        .unwrap_or_else(|| panic!("no preferred quick fix in {actions:#?}"));
    let edits = quickfix["edit"]["changes"][uri(BUILD)].as_array().unwrap();
    assert_eq!(edits.len(), 1);
    assert!(edits[0]["newText"]
        .as_str()
        .unwrap()
        .contains("runtimeOnly(\"io.micrometer:micrometer-registry-prometheus\")"));
    let suppress = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Suppress"))
        .unwrap();
    assert_eq!(
        suppress["edit"]["changes"][uri(BUILD)][0]["newText"],
        "// actuator-lint: allow(prometheus-registry-missing) -- reason\n"
    );
    let fix_all = actions.iter().find(|a| a["kind"] == "source.fixAll.actuator-lint").unwrap();
    assert_eq!(fix_all["edit"]["changes"][uri(BUILD)], quickfix["edit"]["changes"][uri(BUILD)]);
    // Asked for the fix-all kind only, nothing else comes back.
    let only = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri(BUILD)},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": [], "only": ["source.fixAll"]},
        }),
    );
    assert_eq!(only.as_array().unwrap().len(), 1, "{only:#?}");

    // The edit, applied by the editor and not saved.
    let fixed = apply(&text, edits);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(BUILD), "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    c.wait_for("the finding and its scrape hint to disappear", |d| {
        !codes(d, BUILD).contains(&REGISTRY.to_string()) && !codes(d, SCRAPE).contains(&REGISTRY.to_string())
    });
    // Nothing on disk changed.
    assert_eq!(std::fs::read_to_string(repo().join(BUILD)).unwrap(), text);
    // The other findings stay.
    assert!(codes(&c.diagnostics, "infra/k8s/services/order-service.yaml").contains(&"liveness-budget-too-short".to_string()));

    // Closing the unsaved buffer brings back what is on disk.
    c.notify("textDocument/didClose", json!({"textDocument": {"uri": uri(BUILD)}}));
    c.wait_for("the finding to come back", |d| codes(d, BUILD).contains(&REGISTRY.to_string()));

    assert_eq!(c.request("shutdown", Value::Null), Value::Null);
    c.notify("exit", Value::Null);
    let status = c.child.wait().unwrap();
    assert!(status.success(), "{status}");
}

#[test]
#[cfg(unix)]
fn utf8_positions_multi_root_and_unsaved_configuration() {
    let dir = std::env::temp_dir().join(format!("actuator-lint-lsp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("k8s")).unwrap();
    // The finding spans `name: é-monitor`: 15 characters, 16 bytes.
    let manifest = "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: é-monitor\nspec:\n  selector:\n    matchLabels:\n      app: nothing-has-this-label\n  endpoints:\n    - port: http\n";
    std::fs::write(dir.join("k8s/monitor.yaml"), manifest).unwrap();
    std::fs::write(dir.join("actuator-lint.toml"), "").unwrap();
    let mut c = Client::start();
    let init = c.request(
        "initialize",
        json!({
            "processId": null,
            "workspaceFolders": [
                {"uri": format!("file://{}", dir.display()), "name": "w"},
                {"uri": format!("file://{}", repo().display()), "name": "commerce"},
            ],
            "capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"]}},
        }),
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    c.notify("initialized", json!({}));
    let monitor = format!("file://{}/k8s/monitor.yaml", dir.display());
    let config = format!("file://{}/actuator-lint.toml", dir.display());
    // Both folders are linted, each as its own repository.
    c.wait_for("a finding on the monitor and in the second folder", |d| {
        d.get(&monitor).is_some_and(|v| !v.is_empty()) && codes(d, BUILD).contains(&REGISTRY.to_string())
    });
    assert_eq!(
        c.diagnostics[&monitor][0]["range"],
        json!({"start": {"line": 3, "character": 2}, "end": {"line": 3, "character": 18}})
    );

    // An unsaved configuration that turns the rule off clears it; an invalid one is shown in
    // the configuration file.
    let rule = c.diagnostics[&monitor][0]["code"].as_str().unwrap().to_string();
    let off = format!("[rules]\n{rule} = \"off\"\n");
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": config, "languageId": "toml", "version": 1, "text": off}}),
    );
    c.wait_for("the rule turned off", |d| {
        !d.get(&monitor).is_some_and(|v| v.iter().any(|x| x["code"] == rule.as_str()))
    });
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": config, "version": 2}, "contentChanges": [{"text": "[rules]\nno-such-rule = \"off\"\n"}]}),
    );
    c.wait_for("the configuration error", |d| d.get(&config).is_some_and(|v| !v.is_empty()));
    let error = &c.diagnostics[&config][0];
    assert_eq!(error["code"], "config");
    assert_eq!(error["range"]["start"]["line"], 1);

    // A folder removed from the workspace takes its diagnostics with it.
    c.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [], "removed": [{"uri": format!("file://{}", repo().display()), "name": "commerce"}]}}),
    );
    c.wait_for("the removed folder's diagnostics to be cleared", |d| codes(d, BUILD).is_empty());
    assert!(c.diagnostics.get(&config).is_some_and(|v| !v.is_empty()));

    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert!(c.child.wait().unwrap().success());
    let _ = std::fs::remove_dir_all(&dir);
}

/// The LSP position (UTF-16; these files are ASCII) of the first `needle` in a file.
fn position_of(root: &Path, rel: &str, needle: &str) -> Value {
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    let at = text.find(needle).unwrap_or_else(|| panic!("`{needle}` not in {rel}"));
    let line = text[..at].matches('\n').count();
    let character = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": character})
}

fn hover_text(c: &mut Client, root: &Path, rel: &str, needle: &str) -> String {
    let hover = c.request(
        "textDocument/hover",
        json!({
            "textDocument": {"uri": format!("file://{}/{rel}", root.display())},
            "position": position_of(root, rel, needle),
        }),
    );
    hover["contents"]["value"].as_str().unwrap_or_default().to_string()
}

fn assert_shows(shown: &str, facts: &[&str]) {
    for f in facts {
        assert!(shown.contains(f), "hover lacks `{f}`:\n{shown}");
    }
}

#[test]
#[cfg(unix)]
fn hovers_show_what_probes_and_scrapes_request_and_what_is_served() {
    let mut c = Client::start();
    c.request(
        "initialize",
        json!({"processId": null, "rootUri": format!("file://{}", repo().display()), "capabilities": {}}),
    );
    c.notify("initialized", json!({}));
    c.wait_for("the first lint", |d| codes(d, BUILD).contains(&REGISTRY.to_string()));

    // Inside the livenessProbe (not on a finding): the request, what is served there, the
    // kill window against the measured boot.
    let probe = hover_text(&mut c, &repo(), "infra/k8s/services/order-service.yaml", "periodSeconds: 30");
    assert_shows(
        &probe,
        &[
            "**`livenessProbe`** of Deployment `order-service`",
            "`infra/k8s/services/order-service.yaml:42`",
            "`HTTP` `GET /actuator/health/liveness` on port `8080` (container port `http`)",
            "the application's server (port `8080`: `server.port: 8080`",
            "services/order-service/src/main/resources/application.yaml:2",
            "`/actuator/health/liveness` is served",
            "`60 + 30 × (3 − 1) = 120 s`",
            "`60 + 30 × 3 + 1 = 151 s`",
            "`161.4 s`",
            "`logs/order-service.log:27`",
            "killed before it finishes booting",
        ],
    );
    // A readiness probe has no failure budget.
    let readiness = hover_text(&mut c, &repo(), "infra/k8s/services/order-service.yaml", "readinessProbe:");
    assert_shows(&readiness, &["`/actuator/health/readiness` is served"]);
    assert!(!readiness.contains("failure budget"), "{readiness}");

    // The Prometheus job: what it requests, and what each service it reaches serves.
    let job = hover_text(&mut c, &repo(), SCRAPE, "job_name: \"commerce_services\"");
    assert_shows(
        &job,
        &[
            "**Scrape job `commerce_services`** (`monitoring/prometheus/prometheus.yml:22`)",
            "**requests** `/actuator/prometheus` over `http` (the default)",
            "**→ `order-service`** (`services/order-service/build.gradle.kts`, `services/order-service/src/main/resources/application.yaml`)",
            "`8080` on the application's server",
            "Prometheus path: `/actuator/prometheus`",
            "exposure includes `prometheus`: no",
            "**registry on the classpath**: no",
        ],
    );
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert!(c.child.wait().unwrap().success());

    // ServiceMonitor endpoints: one linked to its service, one that selects nothing.
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scenarios/seed-001-servicemonitor-no-target/repo");
    let mut c = Client::start();
    c.request(
        "initialize",
        json!({"processId": null, "rootUri": format!("file://{}", seed.display()), "capabilities": {}}),
    );
    c.notify("initialized", json!({}));
    c.wait_for("the first lint", |d| !d.is_empty());
    let linked = hover_text(&mut c, &seed, "k8s/orders.yaml", "path: /actuator/prometheus");
    assert_shows(
        &linked,
        &[
            "**Endpoint 1** of ServiceMonitor `orders`",
            "**requests** `/actuator/prometheus` on the Service port named `http` over `http` (the default)",
            "**→ `orders`** (`services/orders/build.gradle.kts`",
            "container port `8080`",
            "`8080` on the application's server",
            "Prometheus path: `/actuator/prometheus`",
            "TLS: no",
            "exposure includes `prometheus`: yes",
            "**registry on the classpath**: yes — `services/orders/build.gradle.kts:11`",
        ],
    );
    let unlinked = hover_text(&mut c, &seed, "k8s/catalog.yaml", "path: /actuator/prometheus");
    assert_shows(&unlinked, &["ServiceMonitor `catalog`", "**Links to no service**"]);
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert!(c.child.wait().unwrap().success());
}
