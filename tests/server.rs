//! `plumb server` as an editor sees it: the binary started as a child process, spoken to in
//! JSON-RPC over its standard input and output (LSP's base protocol, Content-Length framed),
//! no part of the protocol mocked.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(30);

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
    /// Notifications seen while waiting for something else.
    backlog: Vec<Value>,
    stderr: PathBuf,
}

impl Client {
    fn start(dir: &Path) -> Client {
        Client::start_with(dir, &[])
    }

    fn start_with(dir: &Path, env: &[(&str, &str)]) -> Client {
        let stderr = dir.join("server.log");
        let mut child = Command::new(env!("CARGO_BIN_EXE_plumb"))
            .arg("server")
            .envs(env.iter().copied())
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(
                std::fs::File::create(&stderr).expect("log file"),
            ))
            .spawn()
            .expect("start plumb server");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        len = v.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; len.expect("Content-Length header")];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                let v: Value = serde_json::from_slice(&body).expect("JSON body");
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            messages: rx,
            next_id: 0,
            backlog: Vec::new(),
            stderr,
        }
    }

    fn write(&mut self, v: &Value) {
        let body = serde_json::to_string(v).expect("serialise");
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.write(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.write(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let msg = self.wait(|m| m["id"] == json!(id) && m.get("method").is_none());
        assert!(msg.get("error").is_none(), "{method}: {msg}");
        msg["result"].clone()
    }

    /// The next message matching `want`; others are kept for later waits. Requests from the
    /// server are answered with `null`.
    fn wait(&mut self, want: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&want) {
            return self.backlog.remove(i);
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(m) => {
                    if m.get("method").is_some() && m.get("id").is_some() {
                        let id = m["id"].clone();
                        self.write(&json!({"jsonrpc": "2.0", "id": id, "result": null}));
                    }
                    if want(&m) {
                        return m;
                    }
                    self.backlog.push(m);
                }
                Err(RecvTimeoutError::Timeout) => panic!(
                    "timed out; seen: {:#?}\nserver log:\n{}",
                    self.backlog,
                    std::fs::read_to_string(&self.stderr).unwrap_or_default()
                ),
                Err(RecvTimeoutError::Disconnected) => panic!(
                    "server closed its output; log:\n{}",
                    std::fs::read_to_string(&self.stderr).unwrap_or_default()
                ),
            }
        }
    }

    /// The next diagnostics published for `uri` at `version`.
    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let m = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == json!(version)
        });
        m["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The next diagnostics published for `uri`, whatever the version, that `want` accepts
    /// (a document checked again because another changed may publish more than once).
    fn diagnostics_where(&mut self, uri: &str, want: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let m = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && want(
                    m["params"]["diagnostics"]
                        .as_array()
                        .map_or(&[][..], Vec::as_slice),
                )
        });
        m["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn open(&mut self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [{"text": text}]}),
        );
    }
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Apply LSP text edits (line/UTF-16 positions; ASCII text here) to a text.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| -> usize {
        let line = p["line"].as_u64().unwrap_or(0) as usize;
        let ch = p["character"].as_u64().unwrap_or(0) as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        start + ch
    };
    let mut edits: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (s, e, t) in edits {
        out.replace_range(s..e, &t);
    }
    out
}

fn range(d: &Value) -> (u64, u64, u64, u64) {
    let r = &d["range"];
    let n = |v: &Value| v.as_u64().unwrap_or(u64::MAX);
    (
        n(&r["start"]["line"]),
        n(&r["start"]["character"]),
        n(&r["end"]["line"]),
        n(&r["end"]["character"]),
    )
}

const DOCKERFILE: &str = "FROM python:3.12-slim\nRUN pip install flask\nUSER app\n";
const FIXED: &str = "FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\nUSER app\n";
const WORKFLOW: &str = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n";

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).expect("git");
    std::fs::write(
        root.join(".plumb.yml"),
        "select: [docker/pip-no-cache, gha/unpinned-action, compose/depends-on-not-healthy, 'plumb/*']\n",
    )
    .expect("config");
    std::fs::write(root.join("Dockerfile"), DOCKERFILE).expect("write");
    std::fs::create_dir_all(root.join(".github/workflows")).expect("dirs");
    std::fs::write(root.join(".github/workflows/ci.yml"), WORKFLOW).expect("write");
    std::fs::create_dir_all(root.join("api")).expect("dirs");
    std::fs::write(
        root.join("api/Dockerfile"),
        "FROM python:3.12-slim\nUSER app\nCMD [\"app\"]\n",
    )
    .expect("write");
    std::fs::write(
        root.join("compose.yaml"),
        "services:\n  web:\n    image: ghcr.io/acme/web:1.0.0\n    depends_on:\n      - api\n  api:\n    build: ./api\n",
    )
    .expect("write");
    dir
}

fn initialize(c: &mut Client, root: &Path) -> Value {
    let result = c.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": uri(root),
            "capabilities": {},
            "workspaceFolders": [{"uri": uri(root), "name": "project"}],
        }),
    );
    c.notify("initialized", json!({}));
    result
}

#[test]
fn diagnostics_fixes_code_actions_and_shutdown() {
    let dir = project();
    let root = dir.path().canonicalize().expect("canonical");
    let mut c = Client::start(&root);
    let init = initialize(&mut c, &root);
    let caps = &init["capabilities"];
    assert_eq!(caps["textDocumentSync"]["change"], 1, "{init}");
    assert_eq!(caps["codeActionProvider"], true);
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(init["serverInfo"]["name"], "plumb");

    // a bad Dockerfile and a workflow
    let docker = uri(&root.join("Dockerfile"));
    let workflow = uri(&root.join(".github/workflows/ci.yml"));
    c.open(&docker, "dockerfile", DOCKERFILE);
    c.open(&workflow, "yaml", WORKFLOW);
    let d = c.diagnostics(&docker, 1);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0]["code"], "docker/pip-no-cache");
    assert_eq!(d[0]["source"], "plumb");
    assert_eq!(d[0]["severity"], 3, "a note is information");
    assert_eq!(range(&d[0]), (1, 8, 1, 15), "the word install");
    assert!(
        d[0]["codeDescription"]["href"]
            .as_str()
            .is_some_and(|h| h.ends_with("/rules/docker/pip-no-cache.md")),
        "{}",
        d[0]
    );
    let w = c.diagnostics(&workflow, 1);
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(w[0]["code"], "gha/unpinned-action");
    let uses = WORKFLOW.lines().nth(5).unwrap_or("");
    let col = uses.find("actions/checkout").unwrap_or(0) as u64;
    assert_eq!((range(&w[0]).0, range(&w[0]).1), (5, col), "{}", w[0]);

    // hover on the finding
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": docker}, "position": {"line": 1, "character": 10}}),
    );
    let text = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(text.contains("docker/pip-no-cache"), "{hover}");
    assert!(
        text.contains("pip install without --no-cache-dir"),
        "{hover}"
    );

    // code actions: the fix, suppress, explain
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": docker},
               "range": d[0]["range"],
               "context": {"diagnostics": [d[0]]}}),
    );
    let actions = actions.as_array().cloned().unwrap_or_default();
    let titles: Vec<&str> = actions.iter().filter_map(|a| a["title"].as_str()).collect();
    assert!(titles.contains(&"plumb: add --no-cache-dir"), "{titles:?}");
    assert!(
        titles.contains(&"plumb: suppress docker/pip-no-cache on this line"),
        "{titles:?}"
    );
    assert!(
        titles.contains(&"plumb: explain docker/pip-no-cache"),
        "{titles:?}"
    );
    let fix = actions
        .iter()
        .find(|a| a["title"] == "plumb: add --no-cache-dir")
        .expect("fix action");
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    let edits = fix["edit"]["changes"][&docker]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let fixed = apply(DOCKERFILE, &edits);
    assert_eq!(fixed, FIXED);
    let suppress = actions
        .iter()
        .find(|a| a["title"] == "plumb: suppress docker/pip-no-cache on this line")
        .expect("suppress action");
    let suppressed = apply(
        DOCKERFILE,
        suppress["edit"]["changes"][&docker]
            .as_array()
            .map_or(&[][..], Vec::as_slice),
    );
    assert_eq!(
        suppressed,
        "FROM python:3.12-slim\n# plumb: ignore[docker/pip-no-cache] -- <reason>\nRUN pip install flask\nUSER app\n"
    );

    // the edit applied: the finding is gone
    c.change(&docker, 2, &fixed);
    let d = c.diagnostics(&docker, 2);
    assert!(d.is_empty(), "{d:#?}");

    // the suppression with its placeholder: silenced, but the reason is asked for
    c.change(&docker, 3, &suppressed);
    let d = c.diagnostics(&docker, 3);
    let codes: Vec<&str> = d.iter().filter_map(|x| x["code"].as_str()).collect();
    assert_eq!(codes, vec!["plumb/suppression-without-reason"], "{d:#?}");
    let filled = suppressed.replace("<reason>", "the cache is a build mount");
    c.change(&docker, 4, &filled);
    assert!(c.diagnostics(&docker, 4).is_empty());

    // cross-file: the compose file learns from the Dockerfile being edited that "api" has a
    // healthcheck now, before it is saved
    let compose = uri(&root.join("compose.yaml"));
    let compose_text = std::fs::read_to_string(root.join("compose.yaml")).unwrap_or_default();
    c.open(&compose, "yaml", &compose_text);
    assert!(c.diagnostics(&compose, 1).is_empty());
    let api = uri(&root.join("api/Dockerfile"));
    let api_text = std::fs::read_to_string(root.join("api/Dockerfile")).unwrap_or_default();
    c.open(&api, "dockerfile", &api_text);
    let _ = c.diagnostics(&api, 1);
    c.change(
        &api,
        2,
        &api_text.replace("CMD", "HEALTHCHECK CMD [\"true\"]\nCMD"),
    );
    let d = c.diagnostics_where(&compose, |d| !d.is_empty());
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0]["code"], "compose/depends-on-not-healthy");

    // a config change is read again (earlier publications of the compose file dropped, so
    // only one made after the change can match)
    c.backlog.retain(|m| m["params"]["uri"] != json!(compose));
    std::fs::write(root.join(".plumb.yml"), "select: [gha/unpinned-action]\n").expect("write");
    c.notify("workspace/didChangeConfiguration", json!({"settings": {}}));
    let d = c.diagnostics_where(&compose, |d| d.is_empty());
    assert!(d.is_empty(), "{d:#?}");

    // shut down cleanly
    let r = c.request("shutdown", Value::Null);
    assert_eq!(r, Value::Null);
    c.notify("exit", Value::Null);
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(status) = c.child.try_wait().expect("wait") {
            assert!(status.success(), "exit status {status}");
            break;
        }
        assert!(Instant::now() < deadline, "server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A 500-line workflow edited in the server: the edit's diagnostics arrive, and the check's
/// time (the server logs it) is printed (`cargo test --test server -- --nocapture`).
#[test]
fn an_edited_500_line_workflow_is_checked_again() {
    let dir = project();
    let root = dir.path().canonicalize().expect("canonical");
    std::fs::write(root.join(".plumb.yml"), "select: [all]\n").expect("config");
    let mut text = String::from("on: push\npermissions: {}\njobs:\n");
    let mut job = 0;
    while text.lines().count() < 495 {
        text.push_str(&format!(
            "  job{job}:\n    runs-on: ubuntu-latest\n    timeout-minutes: 10\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          persist-credentials: false\n      - run: |\n          echo \"building ${{{{ github.sha }}}}\"\n          make test\n"
        ));
        job += 1;
    }
    let lines = text.lines().count();
    let path = root.join(".github/workflows/big.yml");
    std::fs::write(&path, &text).expect("write");
    let big = uri(&path);
    let mut c = Client::start(&root);
    initialize(&mut c, &root);
    c.open(&big, "yaml", &text);
    let first = c.diagnostics(&big, 1);
    assert!(!first.is_empty());
    let edited = text.replacen("make test", "make test && make lint", 1);
    let sent = Instant::now();
    c.change(&big, 2, &edited);
    let second = c.diagnostics(&big, 2);
    let round_trip = sent.elapsed();
    assert_eq!(second.len(), first.len());
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    let _ = c.child.wait();
    let log = std::fs::read_to_string(&c.stderr).unwrap_or_default();
    let checked: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("big.yml (version 2)"))
        .collect();
    assert_eq!(checked.len(), 1, "{log}");
    println!(
        "{lines}-line workflow: {} ; edit to diagnostics {:.1} ms (debounce 200 ms included)",
        checked[0],
        round_trip.as_secs_f64() * 1000.0
    );
}

/// A document of no kind plumb checks and a request it does not handle: answered, and the
/// server goes on serving the others.
#[test]
fn unknown_documents_and_requests_do_not_stall_others() {
    let dir = project();
    let root = dir.path().canonicalize().expect("canonical");
    let mut c = Client::start(&root);
    initialize(&mut c, &root);
    // not a kind plumb checks: empty diagnostics, no error
    let notes = uri(&root.join("notes.txt"));
    c.open(&notes, "plaintext", "hello\n");
    assert!(c.diagnostics(&notes, 1).is_empty());
    // a request the server does not know gets an error, and it goes on
    c.next_id += 1;
    let id = c.next_id;
    c.write(&json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/formatting",
                    "params": {"textDocument": {"uri": notes}, "options": {"tabSize": 2, "insertSpaces": true}}}));
    let m = c.wait(|m| m["id"] == json!(id));
    assert_eq!(m["error"]["code"], -32601);
    let docker = uri(&root.join("Dockerfile"));
    c.open(&docker, "dockerfile", DOCKERFILE);
    assert_eq!(c.diagnostics(&docker, 1).len(), 1);
    // a file the config excludes gets no diagnostics
    std::fs::write(
        root.join(".plumb.yml"),
        "select: [docker/pip-no-cache]\nexclude: [vendor/]\n",
    )
    .expect("config");
    c.notify("workspace/didChangeConfiguration", json!({"settings": {}}));
    let vendored = uri(&root.join("vendor/Dockerfile"));
    c.open(&vendored, "dockerfile", DOCKERFILE);
    assert!(c.diagnostics(&vendored, 1).is_empty());
    assert_eq!(c.diagnostics_where(&docker, |d| !d.is_empty()).len(), 1);
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert!(c.child.wait().expect("wait").success());
}

/// A check that panics and one that takes 5 s (debug-build hooks of the server) hold up
/// nobody: another document's diagnostics come at once, the panic is logged, and the server
/// shuts down cleanly with the slow check still running.
#[test]
fn a_slow_or_panicking_check_stalls_no_other_document() {
    let dir = project();
    let root = dir.path().canonicalize().expect("canonical");
    std::fs::write(root.join("slow.Dockerfile"), DOCKERFILE).expect("write");
    std::fs::write(root.join("panic.Dockerfile"), DOCKERFILE).expect("write");
    let mut c = Client::start_with(
        &root,
        &[
            ("PLUMB_TEST_SLOW_ON", "slow.Dockerfile"),
            ("PLUMB_TEST_PANIC_ON", "panic.Dockerfile"),
        ],
    );
    initialize(&mut c, &root);
    let slow = uri(&root.join("slow.Dockerfile"));
    let panics = uri(&root.join("panic.Dockerfile"));
    let docker = uri(&root.join("Dockerfile"));
    let started = Instant::now();
    c.open(&slow, "dockerfile", DOCKERFILE);
    c.open(&panics, "dockerfile", DOCKERFILE);
    c.open(&docker, "dockerfile", DOCKERFILE);
    let log = c.wait(|m| {
        m["method"] == "window/logMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|t| t.contains("panic.Dockerfile") && t.contains("a test panic"))
    });
    assert_eq!(log["params"]["type"], 1, "an error");
    assert_eq!(c.diagnostics(&docker, 1).len(), 1);
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(4),
        "waited {took:?} behind the slow check"
    );
    // the document whose check panicked is served again when it changes
    // (the hook panics again: still logged, still no stall)
    c.change(&panics, 2, "FROM alpine:3.20\n");
    c.change(&docker, 2, FIXED);
    assert!(c.diagnostics(&docker, 2).is_empty());
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert!(c.child.wait().expect("wait").success());
    // the slow one finished in the meantime or was still running: either way no hang
    assert!(started.elapsed() < WAIT);
}

/// A workflow is checked again when the coverage config its tests read changes: unsaved in
/// the editor, then saved and reported by the client as changed on disk.
#[test]
fn a_workflow_follows_the_coverage_config_it_reads() {
    let dir = project();
    let root = dir.path().canonicalize().expect("canonical");
    std::fs::write(root.join(".plumb.yml"), "select: [gha/coverage-gate]\n").expect("config");
    let wf = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: uv run pytest\n";
    let path = root.join(".github/workflows/test.yml");
    std::fs::write(&path, wf).expect("write");
    std::fs::write(root.join("setup.cfg"), "[metadata]\nname = app\n").expect("write");
    let mut c = Client::start(&root);
    initialize(&mut c, &root);
    let test = uri(&path);
    c.open(&test, "yaml", wf);
    let d = c.diagnostics(&test, 1);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0]["code"], "gha/coverage-gate");
    // the config opened and given a threshold, not saved
    let cfg = uri(&root.join("setup.cfg"));
    c.open(&cfg, "dosini", "[metadata]\nname = app\n");
    c.change(
        &cfg,
        2,
        "[metadata]\nname = app\n\n[tool:pytest]\naddopts =\n    --cov=app\n    --cov-fail-under=90\n",
    );
    let d = c.diagnostics_where(&test, |d| d.is_empty());
    assert!(d.is_empty());
    // closed unsaved: the disk's text again, once the client says the file changed
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": cfg}}),
    );
    c.backlog.clear();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": cfg, "type": 2}]}),
    );
    let d = c.diagnostics_where(&test, |d| !d.is_empty());
    assert_eq!(d[0]["code"], "gha/coverage-gate");
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert!(c.child.wait().expect("wait").success());
}
