//! Hostile workspaces and documents under the server: nothing blocks it, nothing is read
//! without bound, and each case answers within the test client's timeout.

#![cfg(unix)]

use std::path::Path;

use serde_json::{Value, json};

use crate::support::{Server, file_uri};

fn mkfifo(path: &Path) {
    let path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o644) }, 0, "mkfifo");
}

fn symbols_error(server: &mut Server, uri: &str) -> String {
    let error = server
        .request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": uri } }),
        )
        .unwrap_err();
    error["message"].as_str().unwrap_or_default().to_string()
}

fn watched(server: &mut Server, uri: &str) {
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri, "type": 2 }] }),
    );
}

/// A workspace with one spec and the hostile files, started and fully scanned.
fn start_in(dir: &Path) -> Server {
    std::fs::write(
        dir.join("ok.md"),
        "---\nspec-id: OK-1\nstatus: draft\n---\n# Fine\n",
    )
    .unwrap();
    let (mut server, _) = Server::start_with_root(&file_uri(dir), json!({}));
    let symbols = server
        .request("workspace/symbol", json!({ "query": "OK-1" }))
        .unwrap();
    assert_eq!(symbols.as_array().map(Vec::len), Some(1), "{symbols}");
    server
}

#[test]
fn a_fifo_named_spec_md_never_blocks_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("spec.md");
    mkfifo(&fifo);
    let mut server = start_in(dir.path());
    let uri = file_uri(&fifo);
    assert!(
        symbols_error(&mut server, &uri).contains("a FIFO is not a regular file"),
        "{}",
        server.stderr()
    );
    watched(&mut server, &uri);
    server.open(&uri, "# Opened anyway\n");
    server.notify("textDocument/didClose", json!({ "textDocument": { "uri": uri } }));
    // Still answering, and the session ends as it should.
    let symbols = server
        .request("workspace/symbol", json!({ "query": "" }))
        .unwrap();
    assert!(symbols.is_array());
    server.shutdown();
}

#[test]
fn dev_zero_linked_as_a_spec_is_never_read() {
    let dir = tempfile::tempdir().unwrap();
    let zero = dir.path().join("zero.md");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let mut server = start_in(dir.path());
    let uri = format!("file://{}", zero.display());
    assert!(symbols_error(&mut server, &uri).contains("a device is not a regular file"));
    watched(&mut server, &uri);
    server.open(&uri, "");
    server.notify("textDocument/didClose", json!({ "textDocument": { "uri": uri } }));
    assert!(server.request("workspace/symbol", json!({ "query": "" })).is_ok());
    server.shutdown();
}

#[test]
fn a_huge_sparse_file_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge.md");
    std::fs::File::create(&huge).unwrap().set_len(1 << 30).unwrap();
    let mut server = start_in(dir.path());
    let uri = file_uri(&huge);
    let message = symbols_error(&mut server, &uri);
    assert!(message.contains("1024 MB is over"), "{message}");
    watched(&mut server, &uri);
    assert!(server.request("workspace/symbol", json!({ "query": "" })).is_ok());
    server.shutdown();
}

#[test]
fn a_file_outside_the_workspace_is_not_indexed_through_a_symlink() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        "---\nspec-id: SECRET-1\n---\n# Outside\n",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.md"), dir.path().join("secret.md")).unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("linked")).unwrap();
    let mut server = start_in(dir.path());
    let symbols: Value = server
        .request("workspace/symbol", json!({ "query": "SECRET" }))
        .unwrap();
    assert_eq!(symbols, json!([]));
    server.shutdown();
}
