//! Bad input gets a clear error or a logged warning, and the server keeps serving.

use serde_json::json;

use crate::support::{Server, file_uri};

#[test]
fn requests_before_initialize_are_refused() {
    let mut server = Server::spawn();
    let error = server
        .request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": "file:///x.md" } }),
        )
        .unwrap_err();
    assert_eq!(error["code"], json!(-32002), "ServerNotInitialized: {error}");
    let result = server.request("initialize", json!({ "capabilities": {} }));
    assert!(result.is_ok());
    server.notify("initialized", json!({}));
    server.shutdown();
}

#[test]
fn out_of_range_edits_are_clamped_and_logged() {
    let mut server = Server::start();
    let uri = "file:///workspace/range.md";
    server.open(uri, "# A\nab\n");
    // Column past the line's end: clamped to the end of line 1.
    server.change(uri, 2, [[1, 99], [1, 99]], "c");
    // Line past the document's end: clamped to the end of the document.
    server.change(uri, 3, [[40, 0], [41, 5]], "\n## Z");
    let state = server.document_state(uri);
    assert_eq!(state["text"], json!("# A\nabc\n\n## Z"));
    assert!(server.wait_for_stderr("clamped").contains("outside the document"));
    server.shutdown();
}

#[test]
fn changes_to_unopened_documents_and_stale_versions_are_ignored() {
    let mut server = Server::start();
    server.change("file:///workspace/never-opened.md", 2, [[0, 0], [0, 0]], "x");
    let uri = "file:///workspace/versions.md";
    server.open(uri, "text\n");
    server.change(uri, 5, [[0, 0], [0, 0]], "new ");
    server.change(uri, 4, [[0, 0], [0, 0]], "stale ");
    server.change(uri, 5, [[0, 0], [0, 0]], "again ");
    let state = server.document_state(uri);
    assert_eq!(state["text"], json!("new text\n"));
    assert_eq!(state["version"], json!(5));
    let log = server.wait_for_stderr("not newer than 5");
    assert!(log.contains("never-opened.md, which is not open"), "{log}");
    server.shutdown();
}

#[test]
fn files_on_disk_that_cannot_be_read_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let invalid = dir.path().join("latin1.md");
    std::fs::write(&invalid, b"# Caf\xe9\n").unwrap();
    let valid = dir.path().join("ok.md");
    std::fs::write(&valid, "# On disk\n").unwrap();

    let mut server = Server::start();
    let params = |uri: String| json!({ "textDocument": { "uri": uri } });
    let error = server
        .request("textDocument/documentSymbol", params(file_uri(&invalid)))
        .unwrap_err();
    assert!(
        error["message"].as_str().unwrap().contains("not valid UTF-8"),
        "{error}"
    );

    let missing = dir.path().join("missing.md");
    let error = server
        .request(
            "textDocument/documentSymbol",
            params(format!("file://{}", missing.display())),
        )
        .unwrap_err();
    assert!(
        error["message"].as_str().unwrap().contains("cannot be read"),
        "{error}"
    );

    let error = server
        .request(
            "textDocument/foldingRange",
            params("untitled:Untitled-1".to_string()),
        )
        .unwrap_err();
    assert!(error["message"].as_str().unwrap().contains("not open"), "{error}");

    // Still serving: a readable file on disk gets its outline.
    let symbols = server.document_symbols(&file_uri(&valid));
    assert_eq!(symbols[0]["name"], json!("On disk"));
    server.shutdown();
}

#[test]
fn malformed_params_are_an_error_not_a_crash() {
    let mut server = Server::start();
    let error = server
        .request("textDocument/documentSymbol", json!({ "textDocument": 42 }))
        .unwrap_err();
    assert_eq!(error["code"], json!(-32602), "InvalidParams: {error}");
    let error = server.request("specls/noSuchMethod", json!({})).unwrap_err();
    assert_eq!(error["code"], json!(-32601), "MethodNotFound: {error}");
    server.open("file:///workspace/after.md", "# Still here\n");
    let symbols = server.document_symbols("file:///workspace/after.md");
    assert_eq!(symbols[0]["name"], json!("Still here"));
    server.shutdown();
}
