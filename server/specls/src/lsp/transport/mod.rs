//! The JSON-RPC connection over stdio, in place of tower-lsp-server's `Server`, which ends
//! the session at the first malformed message and exits 0 whatever happened.
//!
//! A reader thread cuts stdin into frames and parses them ([`frames`]); the dispatch loop
//! hands each message to the `LspService` and polls it once, in arrival order, before the
//! next message is read: a notification changes the session and a request takes its
//! snapshot of it in that first step. Whatever is left finishes on a task of its own. A
//! writer task frames everything the server sends. A panic in a request becomes an
//! `InternalError` answer naming the method; the session goes on.

pub mod frames;

use std::future::Future;
use std::io::{BufReader, Write};
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::Poll;

use futures::{FutureExt, SinkExt, StreamExt};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::mpsc;
use tower::Service;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Request, Response};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{ClientSocket, LanguageServer, LspService};

use self::frames::{FrameError, Incoming, parse_body, read_frame};
use crate::log::{log_info, log_warn};

/// What the writer sends to the client, or a request to report when all before it is out.
enum Outgoing {
    Response(Response),
    Request(Request),
    Flushed(tokio::sync::oneshot::Sender<()>),
}

/// From the reader thread: a message, or why the stream of frames ended.
enum Read {
    Message(Incoming),
    End,
    Lost(FrameError),
}

/// How the session ended: the process's exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// `shutdown` then `exit`.
    Clean,
    /// `exit` without `shutdown`, the client gone, or a frame whose end is lost.
    Abrupt,
}

/// Serves the language server on stdin and stdout until the session ends.
pub async fn serve<S: LanguageServer>(mut service: LspService<S>, socket: ClientSocket) -> Ending {
    let (outgoing, to_write) = mpsc::unbounded_channel();
    std::thread::Builder::new()
        .name("specls-stdout".to_string())
        .spawn(move || write_messages(to_write))
        .expect("a thread to write stdout can start");
    let (reads, mut incoming) = mpsc::channel(64);
    std::thread::Builder::new()
        .name("specls-stdin".to_string())
        .spawn(move || read_messages(reads))
        .expect("a thread to read stdin can start");

    let (mut server_requests, mut client_responses) = socket.split();
    let forward = outgoing.clone();
    tokio::spawn(async move {
        while let Some(request) = server_requests.next().await {
            if forward.send(Outgoing::Request(request)).is_err() {
                break;
            }
        }
    });

    let mut shutdown_requested = false;
    let ending = loop {
        let Some(read) = incoming.recv().await else {
            break Ending::Abrupt;
        };
        let message = match read {
            Read::Message(message) => message,
            Read::End => {
                if shutdown_requested {
                    log_info!("the client closed the connection");
                } else {
                    log_warn!("the client closed the connection without shutdown and exit");
                }
                break if shutdown_requested {
                    Ending::Clean
                } else {
                    Ending::Abrupt
                };
            }
            Read::Lost(err) => {
                log_warn!("stopping: {err}; the next frame cannot be found");
                break Ending::Abrupt;
            }
        };
        match message {
            Incoming::Invalid { id, error } => {
                let _ = outgoing.send(Outgoing::Response(Response::from_error(id, error)));
            }
            Incoming::Response(response) => {
                if client_responses.send(response).await.is_err() {
                    log_warn!("an answer of the client arrived after the session ended");
                }
            }
            Incoming::Request(request) => {
                let method = request.method().to_string();
                let id = request.id().cloned();
                if id.is_none()
                    && let Err(err) = check_notification_params(&method, request.params())
                {
                    log_warn!("{method}: invalid params, notification dropped: {err}");
                    continue;
                }
                if std::future::poll_fn(|cx| service.poll_ready(cx)).await.is_err() {
                    log_warn!("{method} after exit; ignored");
                    continue;
                }
                shutdown_requested |= method == "shutdown";
                let answer = service.call(request);
                match id {
                    None => {
                        if method == "exit" {
                            let _ = answer.await;
                            break if shutdown_requested {
                                Ending::Clean
                            } else {
                                Ending::Abrupt
                            };
                        }
                        // A notification changes the session in its first step, before the
                        // next message is read; what it then awaits (the client's answer to
                        // a request, say) must not hold up the messages after it.
                        run_first_step_now(async move {
                            if let Err(panic) = AssertUnwindSafe(answer).catch_unwind().await {
                                log_warn!("{method} panicked: {}", panic_message(&*panic));
                            }
                        })
                        .await;
                    }
                    Some(id) => {
                        let outgoing = outgoing.clone();
                        let task = async move {
                            let response = match AssertUnwindSafe(answer).catch_unwind().await {
                                Ok(Ok(Some(response))) => response,
                                // tower-lsp-server answers nothing to an unknown `$/` method.
                                Ok(Ok(None)) => Response::from_error(
                                    id,
                                    Error {
                                        code: ErrorCode::MethodNotFound,
                                        message: format!("unknown method {method}").into(),
                                        data: None,
                                    },
                                ),
                                Ok(Err(_exited)) => return,
                                Err(panic) => {
                                    let message = panic_message(&*panic);
                                    log_warn!("{method} panicked: {message}");
                                    Response::from_error(id, internal_error(&method, &message))
                                }
                            };
                            let _ = outgoing.send(Outgoing::Response(response));
                        };
                        run_first_step_now(task).await;
                    }
                }
            }
        }
    };
    let (flushed, written) = tokio::sync::oneshot::channel();
    if outgoing.send(Outgoing::Flushed(flushed)).is_ok() {
        let _ = tokio::time::timeout(std::time::Duration::from_secs(2), written).await;
    }
    ending
}

/// Polls a request's future once here, in message order, then lets it finish on a task
/// of its own: its handler takes its snapshot before the next message is applied, and
/// its work does not hold up the messages after it.
async fn run_first_step_now(task: impl Future<Output = ()> + Send + 'static) {
    let mut task: Pin<Box<dyn Future<Output = ()> + Send>> = Box::pin(task);
    let finished = std::future::poll_fn(|cx| Poll::Ready(task.as_mut().poll(cx).is_ready())).await;
    if !finished {
        tokio::spawn(task);
    }
}

pub fn internal_error(method: &str, message: &str) -> Error {
    Error {
        code: ErrorCode::InternalError,
        message: format!("specls failed on {method}: {message}").into(),
        data: None,
    }
}

pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_string())
}

/// The params of the notifications specls handles, checked as the handler will read them:
/// tower-lsp-server drops a notification whose params do not fit without a word.
fn check_notification_params(method: &str, params: Option<&Value>) -> Result<(), String> {
    fn fits<T: DeserializeOwned>(params: Option<&Value>) -> Result<(), String> {
        let null = Value::Null;
        T::deserialize(params.unwrap_or(&null))
            .map(|_| ())
            .map_err(|err| err.to_string())
    }
    match method {
        "initialized" => fits::<InitializedParams>(params),
        "textDocument/didOpen" => fits::<DidOpenTextDocumentParams>(params),
        "textDocument/didChange" => fits::<DidChangeTextDocumentParams>(params),
        "textDocument/didSave" => fits::<DidSaveTextDocumentParams>(params),
        "textDocument/didClose" => fits::<DidCloseTextDocumentParams>(params),
        "workspace/didChangeWatchedFiles" => fits::<DidChangeWatchedFilesParams>(params),
        "workspace/didChangeConfiguration" => fits::<DidChangeConfigurationParams>(params),
        "workspace/didChangeWorkspaceFolders" => fits::<DidChangeWorkspaceFoldersParams>(params),
        "$/cancelRequest" => fits::<CancelParams>(params),
        _ => Ok(()),
    }
}

/// The reader thread: frames from stdin, parsed, in order.
fn read_messages(reads: mpsc::Sender<Read>) {
    let stdin = std::io::stdin();
    let mut reader = BufReader::with_capacity(1 << 16, stdin.lock());
    loop {
        let read = match read_frame(&mut reader) {
            Ok(Some(body)) => {
                let (message, note) = parse_body(body);
                if let Some(note) = note {
                    log_warn!("{note}");
                }
                Read::Message(message)
            }
            Ok(None) => Read::End,
            Err(err) => Read::Lost(err),
        };
        let last = !matches!(read, Read::Message(_));
        if reads.blocking_send(read).is_err() || last {
            return;
        }
    }
}

/// The writer thread: each message framed and flushed, in the order sent.
fn write_messages(mut to_write: mpsc::UnboundedReceiver<Outgoing>) {
    let stdout = std::io::stdout();
    let mut stdout = stdout.lock();
    while let Some(message) = to_write.blocking_recv() {
        let body = match message {
            Outgoing::Response(response) => serde_json::to_vec(&response),
            Outgoing::Request(request) => serde_json::to_vec(&request),
            Outgoing::Flushed(done) => {
                let _ = done.send(());
                continue;
            }
        };
        let body = match body {
            Ok(body) => body,
            Err(err) => {
                log_warn!("a message could not be written as JSON: {err}");
                continue;
            }
        };
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        let written = stdout
            .write_all(header.as_bytes())
            .and_then(|()| stdout.write_all(&body))
            .and_then(|()| stdout.flush());
        if let Err(err) = written {
            log_warn!("cannot write to the client: {err}");
            return;
        }
    }
}
