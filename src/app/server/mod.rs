//! `actuator-lint server`: a language server over stdio. Every workspace folder is linted as a
//! repository, with the editor's unsaved buffers in place of the files on disk; after each
//! change the diagnostics of every affected file are published (a fix in a build file clears
//! the finding shown on the ServiceMonitor too). An edit re-parses the edited file only and
//! re-runs model, link and rules (`crate::incremental`); the configuration, a new file or a
//! file created or deleted on disk reload the folder.

mod actions;
mod diagnostics;
mod hover;
mod position;
mod root;

use crate::cli::{CommonArgs, ServerArgs};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{notification as n, request as r};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, HoverProviderCapability, InitializeParams, InitializeResult, OneOf,
    PositionEncodingKind, PublishDiagnosticsParams, ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Url, WorkspaceFoldersServerCapabilities, WorkspaceServerCapabilities,
};
use position::Encoding;
use root::{Buffers, Root};
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};

type Error = Box<dyn std::error::Error + Send + Sync>;

pub fn run(args: ServerArgs) -> u8 {
    let (conn, io) = Connection::stdio();
    let result = serve(&conn, args.common);
    drop(conn);
    // A client that closes the pipes once it has what it needs (after `shutdown`) is not an
    // error of ours: the I/O threads' own outcome is only worth a line in the log.
    if let Err(e) = io.join() {
        eprintln!("actuator-lint server: {e}");
    }
    match result {
        Ok(()) => super::OK,
        Err(e) => super::fail(format!("server: {e}")),
    }
}

fn serve(conn: &Connection, common: CommonArgs) -> Result<(), Error> {
    let (id, params) = conn.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params)?;
    let utf8 = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref())
        .is_some_and(|offered| offered.contains(&PositionEncodingKind::UTF8));
    let capabilities = ServerCapabilities {
        position_encoding: Some(if utf8 {
            PositionEncodingKind::UTF8
        } else {
            PositionEncodingKind::UTF16
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::FULL),
            save: Some(TextDocumentSyncSaveOptions::Supported(true)),
            ..Default::default()
        })),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::new(actions::FIX_ALL)]),
            resolve_provider: Some(false),
            ..Default::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..Default::default()
    };
    let result = InitializeResult {
        capabilities,
        server_info: Some(ServerInfo {
            name: "actuator-lint".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
    };
    conn.initialize_finish(id, serde_json::to_value(result)?)?;
    let watch = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false);
    let mut server = Server {
        conn,
        common,
        enc: if utf8 { Encoding::Utf8 } else { Encoding::Utf16 },
        roots: folders(&params).into_iter().map(Root::new).collect(),
        buffers: HashMap::new(),
        published: HashMap::new(),
        folders_changed: false,
        next_request: 0,
    };
    if watch {
        server.watch_files()?;
    }
    server.flush();
    server.main_loop()
}

#[allow(deprecated)] // `root_uri` and `root_path`: what clients without workspace folders send
fn folders(params: &InitializeParams) -> Vec<PathBuf> {
    if let Some(folders) = &params.workspace_folders {
        return folders.iter().filter_map(|f| f.uri.to_file_path().ok()).collect();
    }
    if let Some(path) = params.root_uri.as_ref().and_then(|u| u.to_file_path().ok()) {
        return vec![path];
    }
    params.root_path.iter().map(PathBuf::from).collect()
}

struct Server<'a> {
    conn: &'a Connection,
    common: CommonArgs,
    enc: Encoding,
    roots: Vec<Root>,
    /// Open documents: what is linted in place of the file on disk.
    buffers: Buffers,
    /// What the client shows, per document.
    published: HashMap<Url, Vec<lsp_types::Diagnostic>>,
    /// A workspace folder was removed: its documents' diagnostics must be cleared.
    folders_changed: bool,
    next_request: u64,
}

impl Server<'_> {
    fn main_loop(&mut self) -> Result<(), Error> {
        let mut pending: VecDeque<Message> = VecDeque::new();
        loop {
            let msg = match pending.pop_front() {
                Some(m) => m,
                None => match self.conn.receiver.recv() {
                    Ok(m) => m,
                    Err(_) => return Ok(()),
                },
            };
            match msg {
                Message::Request(req) => {
                    if req.method == r::Shutdown::METHOD {
                        self.conn.sender.send(Message::Response(Response::new_ok(req.id, ())))?;
                        // `exit` follows; a client that closes the pipe instead is done too.
                        let _ = self.conn.receiver.recv_timeout(std::time::Duration::from_secs(30));
                        return Ok(());
                    }
                    // Answers are about the current texts.
                    self.flush();
                    self.request(req)?;
                }
                Message::Notification(note) => {
                    if note.method == n::Exit::METHOD {
                        return Ok(());
                    }
                    self.notification(note);
                    // A burst of edits (typing) is linted once: take every notification already
                    // waiting before linting.
                    while let Ok(m) = self.conn.receiver.try_recv() {
                        match m {
                            Message::Notification(note) if note.method != n::Exit::METHOD => self.notification(note),
                            other => {
                                pending.push_back(other);
                                break;
                            }
                        }
                    }
                    self.flush();
                }
                Message::Response(_) => {}
            }
        }
    }

    fn send_notification<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        let _ = self
            .conn
            .sender
            .send(Message::Notification(Notification::new(N::METHOD.to_string(), params)));
    }

    fn watch_files(&mut self) -> Result<(), Error> {
        use lsp_types::{DidChangeWatchedFilesRegistrationOptions, FileSystemWatcher, GlobPattern, Registration, RegistrationParams};
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![FileSystemWatcher {
                glob_pattern: GlobPattern::String("**/*".to_string()),
                kind: None,
            }],
        };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "actuator-lint-files".to_string(),
                method: n::DidChangeWatchedFiles::METHOD.to_string(),
                register_options: Some(serde_json::to_value(options)?),
            }],
        };
        self.next_request += 1;
        let req = Request::new(
            format!("actuator-lint/{}", self.next_request).into(),
            r::RegisterCapability::METHOD.to_string(),
            params,
        );
        self.conn.sender.send(Message::Request(req))?;
        Ok(())
    }

    /// The roots a file belongs to; for a file outside every workspace folder (an editor
    /// started on one file), the repository around it becomes one.
    fn roots_of(&mut self, path: &Path, adopt: bool) -> Vec<usize> {
        let found: Vec<usize> = (0..self.roots.len()).filter(|&i| path.starts_with(&self.roots[i].dir)).collect();
        if !found.is_empty() || !adopt {
            return found;
        }
        let Some(dir) = repository_of(path) else { return found };
        self.roots.push(Root::new(dir));
        vec![self.roots.len() - 1]
    }

    fn changed(&mut self, url: &Url, text: Option<String>, may_reload: bool, adopt: bool) {
        let Ok(path) = url.to_file_path() else { return };
        for i in self.roots_of(&path, adopt) {
            self.roots[i].changed(&path, text.clone(), may_reload);
        }
    }

    fn notification(&mut self, note: Notification) {
        match note.method.as_str() {
            n::DidOpenTextDocument::METHOD => {
                let Ok(p) = note.extract::<lsp_types::DidOpenTextDocumentParams>(n::DidOpenTextDocument::METHOD) else {
                    return;
                };
                let doc = p.text_document;
                if let Ok(path) = doc.uri.to_file_path() {
                    self.buffers.insert(path, doc.text.clone());
                }
                self.changed(&doc.uri, Some(doc.text), true, true);
            }
            n::DidChangeTextDocument::METHOD => {
                let Ok(p) = note.extract::<lsp_types::DidChangeTextDocumentParams>(n::DidChangeTextDocument::METHOD) else {
                    return;
                };
                // Full synchronisation: the last change is the whole text.
                let Some(text) = p.content_changes.into_iter().rev().find(|c| c.range.is_none()).map(|c| c.text) else {
                    return;
                };
                if let Ok(path) = p.text_document.uri.to_file_path() {
                    self.buffers.insert(path, text.clone());
                }
                self.changed(&p.text_document.uri, Some(text), false, false);
            }
            n::DidSaveTextDocument::METHOD => {
                let Ok(p) = note.extract::<lsp_types::DidSaveTextDocumentParams>(n::DidSaveTextDocument::METHOD) else {
                    return;
                };
                let Ok(path) = p.text_document.uri.to_file_path() else { return };
                let text = self.buffers.get(&path).cloned().or_else(|| std::fs::read_to_string(&path).ok());
                self.changed(&p.text_document.uri, text, true, false);
            }
            n::DidCloseTextDocument::METHOD => {
                let Ok(p) = note.extract::<lsp_types::DidCloseTextDocumentParams>(n::DidCloseTextDocument::METHOD) else {
                    return;
                };
                let Ok(path) = p.text_document.uri.to_file_path() else { return };
                self.buffers.remove(&path);
                // Back to what is on disk.
                let text = std::fs::read_to_string(&path).ok();
                self.changed(&p.text_document.uri, text, false, false);
            }
            n::DidChangeWatchedFiles::METHOD => {
                let Ok(p) = note.extract::<lsp_types::DidChangeWatchedFilesParams>(n::DidChangeWatchedFiles::METHOD) else {
                    return;
                };
                for change in p.changes {
                    let Ok(path) = change.uri.to_file_path() else { continue };
                    if self.buffers.contains_key(&path) {
                        continue; // the editor's buffer is what is linted
                    }
                    if change.typ == lsp_types::FileChangeType::CHANGED {
                        let text = std::fs::read_to_string(&path).ok();
                        self.changed(&change.uri, text, true, false);
                    } else {
                        // Created or deleted: the walk decides what is read.
                        let relevant = crate::file_kind::classify(&path.to_string_lossy()) != crate::file_kind::FileKind::Other;
                        for i in self.roots_of(&path, false) {
                            let known = self.roots[i].file(&path).is_some();
                            self.roots[i].reload |= relevant || known;
                        }
                    }
                }
            }
            n::DidChangeWorkspaceFolders::METHOD => {
                let Ok(p) = note.extract::<lsp_types::DidChangeWorkspaceFoldersParams>(n::DidChangeWorkspaceFolders::METHOD) else {
                    return;
                };
                let removed: Vec<PathBuf> = p.event.removed.iter().filter_map(|f| f.uri.to_file_path().ok()).collect();
                self.roots.retain(|r| !removed.contains(&r.dir));
                self.folders_changed = true;
                for f in p.event.added {
                    if let Ok(dir) = f.uri.to_file_path() {
                        if !self.roots.iter().any(|r| r.dir == dir) {
                            self.roots.push(Root::new(dir));
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// Lints every root that changed and publishes what differs from what the client shows,
    /// clearing the documents whose findings went away.
    fn flush(&mut self) {
        let mut any = false;
        for i in 0..self.roots.len() {
            match self.roots[i].refresh(&self.common, &self.buffers, self.enc) {
                Ok(changed) => any |= changed,
                Err(e) => {
                    any = true;
                    self.send_notification::<n::ShowMessage>(lsp_types::ShowMessageParams {
                        typ: lsp_types::MessageType::WARNING,
                        message: format!("actuator-lint: {e}"),
                    });
                }
            }
        }
        if !any && !std::mem::take(&mut self.folders_changed) {
            return;
        }
        let mut now: HashMap<Url, Vec<lsp_types::Diagnostic>> = HashMap::new();
        for root in &self.roots {
            for (url, diags) in &root.diagnostics {
                now.entry(url.clone()).or_default().extend(diags.iter().cloned());
            }
        }
        let mut urls: Vec<&Url> = now.keys().chain(self.published.keys().filter(|u| !now.contains_key(*u))).collect();
        urls.sort();
        for url in urls {
            let current = now.get(url);
            if current == self.published.get(url) {
                continue;
            }
            self.send_notification::<n::PublishDiagnostics>(PublishDiagnosticsParams {
                uri: url.clone(),
                diagnostics: current.cloned().unwrap_or_default(),
                version: None,
            });
        }
        self.published = now;
    }

    fn file_of(&self, url: &Url) -> Option<(usize, crate::source::FileId)> {
        let path = url.to_file_path().ok()?;
        self.roots.iter().enumerate().find_map(|(i, r)| Some((i, r.file(&path)?)))
    }

    fn request(&mut self, req: Request) -> Result<(), Error> {
        let id = req.id.clone();
        let response = match self.answer(req) {
            Ok(r) => r,
            // A request we cannot read is answered as such; the server stays up.
            Err(e) => Response::new_err(id, ErrorCode::InvalidParams as i32, e.to_string()),
        };
        self.conn.sender.send(Message::Response(response))?;
        Ok(())
    }

    fn answer(&mut self, req: Request) -> Result<Response, serde_json::Error> {
        Ok(match req.method.as_str() {
            r::CodeActionRequest::METHOD => {
                let p: lsp_types::CodeActionParams = serde_json::from_value(req.params)?;
                let result = match self.file_of(&p.text_document.uri) {
                    Some((i, file)) => {
                        let only = p.context.only.as_deref();
                        actions::code_actions(&self.roots[i], file, p.range.start, p.range.end, only, self.enc)
                    }
                    None => vec![],
                };
                Response::new_ok(req.id, result)
            }
            r::HoverRequest::METHOD => {
                let p: lsp_types::HoverParams = serde_json::from_value(req.params)?;
                let at = p.text_document_position_params;
                let result = self
                    .file_of(&at.text_document.uri)
                    .and_then(|(i, file)| actions::hover(&self.roots[i], file, at.position, self.enc));
                Response::new_ok(req.id, result)
            }
            _ => Response::new_err(
                req.id,
                ErrorCode::MethodNotFound as i32,
                format!("unsupported request `{}`", req.method),
            ),
        })
    }
}

/// The repository a lone file belongs to: the nearest directory above it with a `.git` or an
/// `actuator-lint.toml`, else its own directory. None for a file the linter never reads.
fn repository_of(path: &Path) -> Option<PathBuf> {
    if crate::file_kind::classify(&path.to_string_lossy()) == crate::file_kind::FileKind::Other {
        return None;
    }
    let dir = path.parent()?;
    dir.ancestors()
        .find(|d| d.join(".git").exists() || d.join("actuator-lint.toml").is_file())
        .or(Some(dir))
        .map(Path::to_path_buf)
}
