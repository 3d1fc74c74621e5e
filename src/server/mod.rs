//! `plumb server`: a language server (LSP 3.17 over standard input and output).
//!
//! The same engine, config and suppressions as `plumb check`, on the editor's buffers:
//!
//! - Each open document is checked on open and save at once, and after changes once typing
//!   pauses ([`DEBOUNCE`]), through `engine::check_buffers` with every open buffer's unsaved
//!   text: a compose file sees the Dockerfile being edited, a workflow the coverage config.
//! - A check runs on a thread of its own and at most one runs per document (a newer version
//!   waits for it and is checked next), so a slow check of one file holds up nobody else,
//!   and a panic is caught, logged, and leaves the last diagnostics in place.
//! - What a check read besides its own file is remembered; when one of those files changes
//!   (edited in the editor, saved, or changed on disk), the documents that read it are
//!   checked again.
//! - `.plumb.yml` is found from each document's path (as `plumb check` finds it) and read
//!   again on `workspace/didChangeConfiguration` or when a config file changes.
//! - Diagnostics carry the rule id as `code`, its page as `codeDescription.href`, related
//!   places as `relatedInformation`. Code actions: each finding's fix, "suppress" (a
//!   `# plumb: ignore[<id>] -- <reason>` line above, the reason to fill in), and "explain"
//!   (the rule page). Hover shows the rule's summary and the finding's help.
//!
//! Positions are UTF-16 code units, LSP's default.

mod features;
mod text;

use std::collections::{HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, select, unbounded};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, CodeDescription, Command, Diagnostic,
    DiagnosticRelatedInformation, DiagnosticSeverity, DidChangeTextDocumentParams,
    DidChangeWatchedFilesParams, DidChangeWatchedFilesRegistrationOptions,
    DidChangeWorkspaceFoldersParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, ExecuteCommandOptions, ExecuteCommandParams, FileSystemWatcher,
    GlobPattern, Hover, HoverContents, HoverParams, HoverProviderCapability, InitializeParams,
    InitializeResult, Location, MarkupContent, MarkupKind, MessageType, NumberOrString,
    PublishDiagnosticsParams, Registration, RegistrationParams, SaveOptions, ServerCapabilities,
    ServerInfo, ShowDocumentParams, ShowMessageParams, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, TextEdit, Url,
    WorkDoneProgressOptions, WorkspaceEdit, WorkspaceFoldersServerCapabilities,
    WorkspaceServerCapabilities,
};
use serde_json::Value;

use crate::api::{Applicability, Severity};
use crate::config::Config;
use crate::engine::{self, Buffers, CheckOptions};
use crate::report::{Report, Reported};
use crate::rules;
use text::Lines;

/// How long typing must pause before a changed document is checked.
pub const DEBOUNCE: Duration = Duration::from_millis(200);

/// The command of the "explain" code action.
const EXPLAIN: &str = "plumb.explain";

/// Files larger than this are not checked (as `plumb check`'s default).
const MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// Serve LSP over standard input and output until the client says `exit`.
pub fn run() -> Result<(), String> {
    let (connection, io_threads) = Connection::stdio();
    let (id, params) = connection
        .initialize_start()
        .map_err(|e| format!("language server: {e}"))?;
    let init: InitializeParams =
        serde_json::from_value(params).map_err(|e| format!("initialize: {e}"))?;
    let result = InitializeResult {
        capabilities: capabilities(),
        server_info: Some(ServerInfo {
            name: "plumb".into(),
            version: Some(crate::VERSION.into()),
        }),
    };
    let result = serde_json::to_value(result).map_err(|e| format!("initialize: {e}"))?;
    connection
        .initialize_finish(id, result)
        .map_err(|e| format!("language server: {e}"))?;
    let outcome = Server::new(&connection, init).main_loop();
    drop(connection);
    io_threads
        .join()
        .map_err(|e| format!("language server: {e}"))?;
    outcome
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(true),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![EXPLAIN.to_string()],
            work_done_progress_options: WorkDoneProgressOptions::default(),
        }),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(lsp_types::OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..ServerCapabilities::default()
    }
}

/// An open document.
struct Doc {
    path: PathBuf,
    text: Arc<str>,
    version: i32,
    /// The last check that finished for this document's current text.
    last: Option<Checked>,
    /// Other files the last check read.
    reads: Vec<PathBuf>,
    /// A check of this document is running.
    running: bool,
    /// When to start the next check.
    due: Option<Instant>,
}

/// A finished check of one version of a document.
struct Checked {
    version: i32,
    text: Arc<str>,
    root: PathBuf,
    report: Report,
}

/// What a check thread sends back.
struct Done {
    uri: Url,
    version: i32,
    text: Arc<str>,
    root: PathBuf,
    elapsed: Duration,
    outcome: Result<engine::BufferCheck, String>,
}

struct Server<'c> {
    connection: &'c Connection,
    docs: HashMap<Url, Doc>,
    folders: Vec<PathBuf>,
    /// Loaded configs by file (`None`: no config, defaults); errors as messages.
    configs: HashMap<Option<PathBuf>, Result<Arc<Config>, String>>,
    /// Config errors already shown, so each is shown once.
    shown: HashSet<String>,
    done_tx: Sender<Done>,
    done_rx: Receiver<Done>,
    show_document: bool,
    watch_files: bool,
    next_id: i32,
}

impl<'c> Server<'c> {
    fn new(connection: &'c Connection, init: InitializeParams) -> Server<'c> {
        let mut folders: Vec<PathBuf> = init
            .workspace_folders
            .unwrap_or_default()
            .iter()
            .filter_map(|f| f.uri.to_file_path().ok())
            .collect();
        #[allow(deprecated)]
        if folders.is_empty() {
            if let Some(p) = init.root_uri.and_then(|u| u.to_file_path().ok()) {
                folders.push(p);
            }
        }
        let caps = &init.capabilities;
        let show_document = caps
            .window
            .as_ref()
            .and_then(|w| w.show_document.as_ref())
            .is_some_and(|s| s.support);
        let watch_files = caps
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        let (done_tx, done_rx) = unbounded();
        Server {
            connection,
            docs: HashMap::new(),
            folders,
            configs: HashMap::new(),
            shown: HashSet::new(),
            done_tx,
            done_rx,
            show_document,
            watch_files,
            next_id: 0,
        }
    }

    fn main_loop(&mut self) -> Result<(), String> {
        let receiver = self.connection.receiver.clone();
        loop {
            let timeout = match self.docs.values().filter_map(|d| d.due).min() {
                Some(at) => crossbeam_channel::at(at),
                None => crossbeam_channel::never(),
            };
            select! {
                recv(receiver) -> msg => {
                    let Ok(msg) = msg else { return Ok(()) };
                    match msg {
                        Message::Request(req) => {
                            match self.connection.handle_shutdown(&req) {
                                Ok(true) => return Ok(()),
                                Ok(false) => self.on_request(req),
                                Err(e) => return Err(format!("language server: {e}")),
                            }
                        }
                        Message::Notification(n) => self.on_notification(n),
                        Message::Response(_) => {}
                    }
                }
                recv(self.done_rx) -> done => {
                    if let Ok(done) = done {
                        self.on_done(done);
                    }
                }
                recv(timeout) -> _ => {}
            }
            self.start_due();
        }
    }

    fn send(&self, msg: impl Into<Message>) {
        let _ = self.connection.sender.send(msg.into());
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.to_string(), params));
    }

    fn request<R: lsp_types::request::Request>(&mut self, params: R::Params) {
        self.next_id += 1;
        let id = RequestId::from(format!("plumb-{}", self.next_id));
        self.send(Request::new(id, R::METHOD.to_string(), params));
    }

    fn log(&self, kind: MessageType, message: String) {
        self.notify::<lsp_types::notification::LogMessage>(lsp_types::LogMessageParams {
            typ: kind,
            message,
        });
    }

    // ---- notifications

    fn on_notification(&mut self, n: Notification) {
        use lsp_types::notification as note;
        match n.method.as_str() {
            note::Initialized::METHOD => self.register_watchers(),
            note::DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params) {
                    self.open(p);
                }
            }
            note::DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params) {
                    self.change(p);
                }
            }
            note::DidSaveTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidSaveTextDocumentParams>(n.params) {
                    self.save(p);
                }
            }
            note::DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params) {
                    let uri = p.text_document.uri;
                    if let Some(doc) = self.docs.remove(&uri) {
                        // what read its unsaved text reads the disk's now
                        self.dependents_due(&doc.path, &uri, Instant::now());
                        self.publish(uri, Vec::new(), None);
                    }
                }
            }
            note::DidChangeConfiguration::METHOD => self.reload_config(),
            note::DidChangeWatchedFiles::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidChangeWatchedFilesParams>(n.params) {
                    for change in p.changes {
                        if let Ok(path) = change.uri.to_file_path() {
                            self.changed_on_disk(&path);
                        }
                    }
                }
            }
            note::DidChangeWorkspaceFolders::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidChangeWorkspaceFoldersParams>(n.params) {
                    for f in p.event.removed {
                        if let Ok(path) = f.uri.to_file_path() {
                            self.folders.retain(|x| *x != path);
                        }
                    }
                    for f in p.event.added {
                        if let Ok(path) = f.uri.to_file_path() {
                            self.folders.push(path);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn register_watchers(&mut self) {
        if !self.watch_files {
            return;
        }
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![FileSystemWatcher {
                glob_pattern: GlobPattern::String("**/*".into()),
                kind: None,
            }],
        };
        let registration = Registration {
            id: "plumb-watch".into(),
            method: lsp_types::notification::DidChangeWatchedFiles::METHOD.into(),
            register_options: serde_json::to_value(options).ok(),
        };
        self.request::<lsp_types::request::RegisterCapability>(RegistrationParams {
            registrations: vec![registration],
        });
    }

    fn open(&mut self, p: DidOpenTextDocumentParams) {
        let uri = p.text_document.uri;
        let Ok(path) = uri.to_file_path() else {
            return; // not a file: nothing plumb can place in a repository
        };
        self.docs.insert(
            uri.clone(),
            Doc {
                path: path.clone(),
                text: Arc::from(p.text_document.text),
                version: p.text_document.version,
                last: None,
                reads: Vec::new(),
                running: false,
                due: Some(Instant::now()),
            },
        );
        self.dependents_due(&path, &uri, Instant::now());
    }

    fn change(&mut self, p: DidChangeTextDocumentParams) {
        let uri = p.text_document.uri;
        let Some(doc) = self.docs.get_mut(&uri) else {
            return;
        };
        // full sync: the last change holds the whole text
        let Some(change) = p.content_changes.into_iter().last() else {
            return;
        };
        doc.text = Arc::from(change.text);
        doc.version = p.text_document.version;
        let due = Instant::now() + DEBOUNCE;
        doc.due = Some(due);
        let path = doc.path.clone();
        self.dependents_due(&path, &uri, due);
    }

    fn save(&mut self, p: DidSaveTextDocumentParams) {
        let uri = p.text_document.uri;
        let Ok(path) = uri.to_file_path() else { return };
        if is_config(&path) {
            self.reload_config();
            return;
        }
        if let Some(doc) = self.docs.get_mut(&uri) {
            if let Some(text) = p.text {
                doc.text = Arc::from(text);
            }
            doc.due = Some(Instant::now());
        }
        self.dependents_due(&path, &uri, Instant::now());
    }

    /// A file changed on disk (a watched-files notification).
    fn changed_on_disk(&mut self, path: &Path) {
        if is_config(path) {
            self.reload_config();
            return;
        }
        let now = Instant::now();
        for doc in self.docs.values_mut() {
            if doc.reads.iter().any(|r| same_file(r, path)) {
                doc.due = Some(now);
            }
        }
    }

    /// Check again, at `due`, the other documents whose last check read `path`.
    fn dependents_due(&mut self, path: &Path, except: &Url, due: Instant) {
        for (uri, doc) in self.docs.iter_mut() {
            if uri != except && doc.reads.iter().any(|r| same_file(r, path)) {
                doc.due = Some(doc.due.map_or(due, |d| d.min(due)));
            }
        }
    }

    fn reload_config(&mut self) {
        self.configs.clear();
        self.shown.clear();
        let now = Instant::now();
        for doc in self.docs.values_mut() {
            doc.due = Some(now);
        }
    }

    // ---- checks

    /// Start the checks that are due, one per document at a time.
    fn start_due(&mut self) {
        let now = Instant::now();
        let due: Vec<Url> = self
            .docs
            .iter()
            .filter(|(_, d)| !d.running && d.due.is_some_and(|t| t <= now))
            .map(|(u, _)| u.clone())
            .collect();
        if due.is_empty() {
            return;
        }
        let mut buffers = Buffers::new();
        for d in self.docs.values() {
            buffers.set(&d.path, d.text.clone());
        }
        for uri in due {
            self.start(uri, &buffers);
        }
    }

    fn start(&mut self, uri: Url, buffers: &Buffers) {
        let Some(doc) = self.docs.get(&uri) else {
            return;
        };
        let path = doc.path.clone();
        let (text, version) = (doc.text.clone(), doc.version);
        let root = self.root_of(&path);
        let config = match self.config_for(&path) {
            Ok(c) => c,
            Err(message) => {
                if self.shown.insert(message.clone()) {
                    self.notify::<lsp_types::notification::ShowMessage>(ShowMessageParams {
                        typ: MessageType::ERROR,
                        message: format!("plumb: {message}"),
                    });
                }
                if let Some(doc) = self.docs.get_mut(&uri) {
                    doc.due = None;
                }
                self.publish(uri, Vec::new(), Some(version));
                return;
            }
        };
        if let Some(doc) = self.docs.get_mut(&uri) {
            doc.due = None;
            doc.running = true;
        }
        let rel = crate::paths::rel_path(&root, &path);
        let excluded = crate::discover::is_excluded(&rel, &config.exclude);
        let tx = self.done_tx.clone();
        let buffers = buffers.clone();
        std::thread::spawn(move || {
            let started = Instant::now();
            // excluded by the config, or too large to check: nothing to report
            let outcome = if excluded || text.len() as u64 > MAX_FILE_SIZE {
                Ok(engine::BufferCheck {
                    report: Report::default(),
                    reads: Vec::new(),
                })
            } else {
                let opts = CheckOptions {
                    paths: Vec::new(),
                    stdin: None,
                    config: (*config).clone(),
                    root: root.clone(),
                    no_ignore: false,
                    exclude: Vec::new(),
                    max_file_size: MAX_FILE_SIZE,
                    no_inline_ignores: false,
                };
                catch_unwind(AssertUnwindSafe(|| {
                    test_hooks(&path);
                    engine::check_buffers(&opts, std::slice::from_ref(&path), &buffers)
                }))
                .map_err(|p| panic_message(&*p))
            };
            let _ = tx.send(Done {
                uri,
                version,
                text,
                root,
                elapsed: started.elapsed(),
                outcome,
            });
        });
    }

    fn on_done(&mut self, done: Done) {
        let Some(doc) = self.docs.get_mut(&done.uri) else {
            return;
        };
        doc.running = false;
        match done.outcome {
            Err(message) => {
                let message = format!(
                    "plumb: internal error checking {} (the last diagnostics stay): {message}",
                    doc.path.display()
                );
                eprintln!("{message}");
                self.log(MessageType::ERROR, message);
            }
            Ok(checked) => {
                eprintln!(
                    "plumb: checked {} (version {}) in {:.1} ms",
                    doc.path.display(),
                    done.version,
                    done.elapsed.as_secs_f64() * 1000.0
                );
                doc.reads = checked.reads;
                // a newer version is due: its check publishes
                if done.version != doc.version || *done.text != *doc.text {
                    return;
                }
                doc.last = Some(Checked {
                    version: done.version,
                    text: done.text,
                    root: done.root,
                    report: checked.report,
                });
                let diagnostics = self.diagnostics(&done.uri);
                self.publish(done.uri, diagnostics, Some(done.version));
            }
        }
    }

    fn publish(&self, uri: Url, diagnostics: Vec<Diagnostic>, version: Option<i32>) {
        self.notify::<lsp_types::notification::PublishDiagnostics>(PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        });
    }

    /// The repository root for a file: the nearest directory above it holding `.git`, else
    /// the workspace folder holding it, else its directory.
    fn root_of(&self, path: &Path) -> PathBuf {
        let dir = path.parent().unwrap_or(path);
        for d in dir.ancestors() {
            if d.join(".git").exists() {
                return d.to_path_buf();
            }
        }
        self.folders
            .iter()
            .filter(|f| path.starts_with(f))
            .max_by_key(|f| f.as_os_str().len())
            .cloned()
            .unwrap_or_else(|| dir.to_path_buf())
    }

    /// The config for a file: `.plumb.yml` found walking up from it, as `plumb check` does.
    fn config_for(&mut self, path: &Path) -> Result<Arc<Config>, String> {
        // a new file may not exist yet, nor its directory: the nearest one that does
        let start = path
            .ancestors()
            .find(|p| p.exists())
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let found = Config::discover(&start);
        self.configs
            .entry(found.clone())
            .or_insert_with(|| match &found {
                Some(p) => Config::load(p).map(Arc::new).map_err(|e| e.to_string()),
                None => Ok(Arc::new(Config::default())),
            })
            .clone()
    }
}

/// Debug builds only (what `cargo test` runs): make the check of a file whose name ends with
/// `PLUMB_TEST_PANIC_ON` panic, or of one ending with `PLUMB_TEST_SLOW_ON` take 5 s, so
/// tests/server.rs can show that neither stalls the other documents.
#[cfg(debug_assertions)]
fn test_hooks(path: &Path) {
    let hit = |var: &str| std::env::var_os(var).is_some_and(|v| path.ends_with(v));
    if hit("PLUMB_TEST_SLOW_ON") {
        std::thread::sleep(Duration::from_secs(5));
    }
    if hit("PLUMB_TEST_PANIC_ON") {
        panic!("a test panic");
    }
}

#[cfg(not(debug_assertions))]
fn test_hooks(_: &Path) {}

fn parse<P: serde::de::DeserializeOwned>(params: Value) -> Result<P, (i32, String)> {
    serde_json::from_value(params).map_err(|e| (ErrorCode::InvalidParams as i32, e.to_string()))
}

fn edit(uri: &Url, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

fn is_config(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| crate::config::CONFIG_NAMES.contains(&n))
}

fn same_file(a: &Path, b: &Path) -> bool {
    crate::paths::normalize(a) == crate::paths::normalize(b)
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_string()
    }
}
