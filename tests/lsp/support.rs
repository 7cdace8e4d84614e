//! A minimal LSP client that drives the real `specls` binary over stdio, as an editor
//! does: Content-Length framed JSON-RPC, requests matched to responses by id,
//! notifications from the server kept in order, stderr captured for assertions.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

#[path = "../common/bounded.rs"]
mod bounded;

const TIMEOUT: Duration = Duration::from_secs(30);

pub struct Server {
    child: Child,
    /// `None` once the test closed it.
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    stderr: Arc<Mutex<String>>,
    next_id: i64,
    /// Notifications and server requests received while waiting for responses.
    pub notifications: Vec<Value>,
    /// What the client answers to a request from the server, by method (`null` when
    /// unnamed), as `workspace/applyEdit` wants `{applied: true}`.
    replies: HashMap<String, Value>,
}

pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_specls"))
}

pub fn file_uri(path: &Path) -> String {
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    format!("file://{}", path.display())
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length:") {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Server {
    /// Starts the server with extra environment variables, without initializing it.
    pub fn spawn_with_env(env: &[(&str, &str)]) -> Self {
        Self::spawn_command(env)
    }

    /// Starts the server without initializing it.
    pub fn spawn() -> Self {
        Self::spawn_command(&[])
    }

    fn spawn_command(env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(binary());
        command
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        bounded::limit_address_space(&mut command);
        let mut child = command.spawn().expect("the specls binary starts");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().unwrap();
        let stderr_pipe = child.stderr.take().unwrap();
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stderr_pipe);
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 {
                sink.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        Server {
            child,
            stdin,
            messages,
            stderr,
            next_id: 1,
            notifications: Vec::new(),
            replies: HashMap::new(),
        }
    }

    /// Starts and initializes the server with the given client capabilities.
    pub fn start_with(capabilities: Value) -> (Self, Value) {
        let mut server = Self::spawn();
        let result = server
            .request(
                "initialize",
                json!({ "processId": null, "rootUri": null, "capabilities": capabilities }),
            )
            .expect("initialize succeeds");
        server.notify("initialized", json!({}));
        (server, result)
    }

    /// Starts and initializes the server for a workspace folder.
    pub fn start_with_root(root_uri: &str, capabilities: Value) -> (Self, Value) {
        let mut server = Self::spawn();
        let result = server
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": root_uri,
                    "workspaceFolders": [{ "uri": root_uri, "name": "workspace" }],
                    "capabilities": capabilities,
                }),
            )
            .expect("initialize succeeds");
        server.notify("initialized", json!({}));
        (server, result)
    }

    /// Starts a server for a client that shows hierarchical outlines and speaks UTF-16.
    pub fn start() -> Self {
        Self::start_with(json!({
            "textDocument": { "documentSymbol": { "hierarchicalDocumentSymbolSupport": true } }
        }))
        .0
    }

    fn send(&mut self, message: Value) {
        self.send_body(&message.to_string());
    }

    /// Sends a body as it is, framed with its length: malformed JSON reaches the server.
    pub fn send_body(&mut self, body: &str) {
        self.send_raw(format!("Content-Length: {}\r\n\r\n{}", body.len(), body).as_bytes());
    }

    /// Sends bytes as they are, headers included.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        // The server may have exited on purpose; the test looks at how it exited.
        if let Some(stdin) = self.stdin.as_mut() {
            let _ = stdin.write_all(bytes);
            let _ = stdin.flush();
        }
    }

    /// Closes the server's stdin, as a client that goes away does.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The most memory the server has held resident, in MB (`VmHWM`).
    pub fn peak_resident_mb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
        let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        kb / 1024
    }

    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Waits for the next message that satisfies `accept` (a response, a notification or
    /// a server request), keeping the others.
    pub fn wait_for_message(&mut self, accept: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        if let Some(at) = self.notifications.iter().position(&accept) {
            return self.notifications.remove(at);
        }
        loop {
            match self
                .messages
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(message) if accept(&message) => return message,
                Ok(message) => {
                    self.answer_server_request(&message);
                    self.notifications.push(message);
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no such message within {TIMEOUT:?}: {:#?}", self.notifications)
                }
                Err(RecvTimeoutError::Disconnected) => panic!("server exited; stderr:\n{}", self.stderr()),
            }
        }
    }

    /// Everything received until the server has been quiet for `quiet`, with what was
    /// already received, in order (server requests are answered).
    pub fn drain(&mut self, quiet: Duration) -> Vec<Value> {
        let mut all = std::mem::take(&mut self.notifications);
        let deadline = Instant::now() + TIMEOUT * 4;
        loop {
            match self.messages.recv_timeout(quiet) {
                Ok(message) => {
                    self.answer_server_request(&message);
                    all.push(message);
                }
                Err(RecvTimeoutError::Timeout) => return all,
                Err(RecvTimeoutError::Disconnected) => panic!("server exited; stderr:\n{}", self.stderr()),
            }
            assert!(Instant::now() < deadline, "the server never went quiet");
        }
    }

    /// Sends a request without waiting; returns its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    /// Waits for the process to end by itself; its exit status.
    pub fn wait_for_exit(&mut self) -> std::process::ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "specls did not exit; stderr:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Answers later requests of `method` from the server with `result`.
    pub fn reply_to(&mut self, method: &str, result: Value) {
        self.replies.insert(method.to_string(), result);
    }

    /// A request from the server is answered at once, so it never waits on us.
    fn answer_server_request(&mut self, message: &Value) {
        let Some(method) = message.get("method").and_then(Value::as_str) else {
            return;
        };
        if message.get("id").is_none() {
            return;
        }
        let result = self.replies.get(method).cloned().unwrap_or(Value::Null);
        self.send(json!({ "jsonrpc": "2.0", "id": message["id"], "result": result }));
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits for its response: `Ok(result)` or `Err(error)`.
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = match self
                .messages
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => panic!("no response to {method} within {TIMEOUT:?}"),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!(
                        "server exited while waiting for {method}; stderr:\n{}",
                        self.stderr()
                    )
                }
            };
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                return match message.get("error") {
                    Some(error) => Err(error.clone()),
                    None => Ok(message.get("result").cloned().unwrap_or(Value::Null)),
                };
            }
            self.answer_server_request(&message);
            self.notifications.push(message);
        }
    }

    /// Drops what was received of `method` so far: a later [`Server::wait_for`] sees only
    /// what comes after.
    pub fn forget(&mut self, method: &str) {
        self.notifications.retain(|m| m["method"] != json!(method));
    }

    /// Waits for a notification (or server request) of `method` that satisfies `accept`,
    /// taking it out of the received ones; earlier ones of that method are dropped.
    pub fn wait_for(&mut self, method: &str, accept: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        let mut seen = 0;
        loop {
            while seen < self.notifications.len() {
                let message = &self.notifications[seen];
                if message["method"] == json!(method) && accept(&message["params"]) {
                    let message = self.notifications.remove(seen);
                    // What came before the match is history now.
                    self.notifications.retain(|m| m["method"] != json!(method));
                    return message["params"].clone();
                }
                seen += 1;
            }
            match self
                .messages
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(message) => {
                    self.answer_server_request(&message);
                    self.notifications.push(message);
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no {method} within {TIMEOUT:?}: {:#?}", self.notifications)
                }
                Err(RecvTimeoutError::Disconnected) => panic!("server exited; stderr:\n{}", self.stderr()),
            }
        }
    }

    /// The diagnostics of `uri` at `version` once the server has settled: the last of
    /// those published until it has been quiet a moment. After a settings change a check
    /// that began before it may still publish the old findings once (the same as
    /// before), and the re-check publishes the new ones after.
    pub fn settled_diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let first = self.diagnostics(uri, version);
        self.drain(Duration::from_millis(500))
            .into_iter()
            .rev()
            .find(|m| {
                m["method"] == json!("textDocument/publishDiagnostics")
                    && m["params"]["uri"] == json!(uri)
                    && m["params"]["version"] == json!(version)
            })
            .map(|m| m["params"]["diagnostics"].as_array().cloned().unwrap_or_default())
            .unwrap_or(first)
    }

    /// The next diagnostics published for `uri` at `version`.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let params = self.wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == json!(uri) && p["version"] == json!(version)
        });
        params["diagnostics"].as_array().cloned().unwrap_or_default()
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "markdown", "version": 1, "text": text } }),
        );
    }

    /// One incremental change: `range` is `[[line, character], [line, character]]`.
    pub fn change(&mut self, uri: &str, version: i32, range: [[u32; 2]; 2], text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{
                    "range": {
                        "start": { "line": range[0][0], "character": range[0][1] },
                        "end": { "line": range[1][0], "character": range[1][1] },
                    },
                    "text": text,
                }],
            }),
        );
    }

    /// The server's own view of a document: `{version, text, lineCount, holdsTree}`.
    pub fn document_state(&mut self, uri: &str) -> Value {
        self.request("specls/documentState", json!({ "textDocument": { "uri": uri } }))
            .expect("documentState answers")
    }

    /// Waits (at most 20 s) until the open document holds its syntax trees, which are
    /// parsed on a background thread after an edit.
    pub fn wait_until_holds_tree(&mut self, uri: &str) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while self.document_state(uri)["holdsTree"] != json!(true) {
            assert!(
                std::time::Instant::now() < deadline,
                "{uri}: the trees were never parsed"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    pub fn document_symbols(&mut self, uri: &str) -> Value {
        self.request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": uri } }),
        )
        .expect("documentSymbol answers")
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits until stderr contains `needle` (logging is asynchronous to responses).
    pub fn wait_for_stderr(&self, needle: &str) -> String {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let text = self.stderr();
            if text.contains(needle) {
                return text;
            }
            assert!(Instant::now() < deadline, "stderr never said {needle:?}:\n{text}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// `shutdown` then `exit`, and the process ends with status 0.
    pub fn shutdown(mut self) {
        self.request("shutdown", Value::Null).expect("shutdown succeeds");
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(
                    status.success(),
                    "specls exited with {status}; stderr:\n{}",
                    self.stderr()
                );
                return;
            }
            assert!(Instant::now() < deadline, "specls did not exit after `exit`");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Renders a nested documentSymbol response as an indented outline with ranges, for
/// snapshots: `name [selection range] (range)`.
pub fn render_symbols(symbols: &Value) -> String {
    fn walk(symbols: &Value, depth: usize, out: &mut String) {
        for symbol in symbols.as_array().into_iter().flatten() {
            let range = |r: &Value| {
                format!(
                    "{}:{}-{}:{}",
                    r["start"]["line"], r["start"]["character"], r["end"]["line"], r["end"]["character"]
                )
            };
            out.push_str(&format!(
                "{}{} [{}] ({})\n",
                "  ".repeat(depth),
                symbol["name"].as_str().unwrap_or("?"),
                range(&symbol["selectionRange"]),
                range(&symbol["range"]),
            ));
            walk(&symbol["children"], depth + 1, out);
        }
    }
    let mut out = String::new();
    walk(symbols, 0, &mut out);
    out
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The codes of a list of diagnostics, in order.
pub fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("?").to_string())
        .collect()
}

pub fn seed(name: &str) -> PathBuf {
    repo_root().join("../shared/seeds").join(name)
}

/// Copies a folder tree (fixtures into a scratch workspace).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
