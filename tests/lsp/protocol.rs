//! JSON-RPC to the letter: a malformed frame or message gets its error answer and the
//! server keeps serving; the exit status says whether the session ended cleanly; unknown
//! methods, notifications with bad params, panics and cancellations each get exactly the
//! answer the protocol asks for.

use serde_json::{Value, json};

use crate::support::{Server, file_uri};

/// The server still answers: a document opened now has its outline.
fn assert_still_serving(server: &mut Server) {
    let uri = "file:///workspace/still-serving.md";
    server.open(uri, "# Still here\n");
    let symbols = server.document_symbols(uri);
    assert_eq!(symbols[0]["name"], json!("Still here"), "{}", server.stderr());
}

fn error_code(message: &Value) -> Option<i64> {
    message.get("error")?.get("code")?.as_i64()
}

#[test]
fn invalid_json_is_a_parse_error_and_the_server_keeps_serving() {
    let mut server = Server::start();
    server.send_body(r#"{"jsonrpc": "2.0", "id": 7, "method": "#);
    let answer = server.wait_for_message(|m| error_code(m) == Some(-32700));
    assert_eq!(answer["id"], Value::Null, "{answer}");
    server.wait_for_stderr("not JSON");
    assert_still_serving(&mut server);
    server.shutdown();
}

#[test]
fn messages_that_are_not_requests_are_invalid_requests() {
    let mut server = Server::start();
    for body in [
        "{}",
        "[]",
        r#"[{"jsonrpc":"2.0","id":3,"method":"shutdown"}]"#,
        "42",
        "null",
    ] {
        server.send_body(body);
        let answer = server.wait_for_message(|m| error_code(m) == Some(-32600));
        assert_eq!(answer["id"], Value::Null, "{body}: {answer}");
    }
    // The id is answered when there is one to answer.
    server.send_body(r#"{"jsonrpc":"1.0","id":9,"method":"textDocument/hover","params":{}}"#);
    let answer = server.wait_for_message(|m| m["id"] == json!(9) && m.get("method").is_none());
    assert_eq!(error_code(&answer), Some(-32600), "{answer}");
    server.send_body(r#"{"jsonrpc":"2.0","id":10,"method":17}"#);
    let answer = server.wait_for_message(|m| m["id"] == json!(10) && m.get("method").is_none());
    assert_eq!(error_code(&answer), Some(-32600), "{answer}");
    let log = server.wait_for_stderr("jsonrpc");
    assert!(log.contains("invalid message"), "{log}");
    assert_still_serving(&mut server);
    server.shutdown();
}

#[test]
fn unpaired_surrogates_become_replacement_characters() {
    let mut server = Server::start();
    let uri = "file:///workspace/surrogates.md";
    // JavaScript's JSON.stringify writes an unpaired surrogate as an escape; a pair stays.
    let body = format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":"{uri}","languageId":"markdown","version":1,"text":"a\ud83d b \udc00 c \ud83d\ude00 \\ud83d"}}}}}}"#
    );
    server.send_body(&body);
    let state = server.document_state(uri);
    assert_eq!(state["text"], json!("a\u{FFFD} b \u{FFFD} c \u{1F600} \\ud83d"));
    server.shutdown();
}

#[test]
fn bodies_that_are_not_utf8_are_read_with_replacement_characters() {
    let mut server = Server::start();
    let uri = "file:///workspace/latin1.md";
    let mut body = format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":"{uri}","languageId":"markdown","version":1,"text":"Caf"#
    )
    .into_bytes();
    body.push(0xE9);
    body.extend_from_slice(br#""}}}"#);
    let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    frame.extend_from_slice(&body);
    server.send_raw(&frame);
    let state = server.document_state(uri);
    assert_eq!(state["text"], json!("Caf\u{FFFD}"));
    server.wait_for_stderr("not UTF-8");
    server.shutdown();
}

#[test]
fn a_broken_content_length_ends_the_session_with_status_1() {
    for header in [
        "Content-Length: abc\r\n\r\n{}",
        "Content-Type: application/json\r\n\r\n{}",
        "Content-Length: 2\r\nnot a header\r\n\r\n{}",
    ] {
        let mut server = Server::start();
        server.send_raw(header.as_bytes());
        let status = server.wait_for_exit();
        assert_eq!(status.code(), Some(1), "{header:?}");
        let log = server.stderr();
        assert!(log.contains("frame"), "{header:?}: {log}");
    }
}

#[test]
fn exit_without_shutdown_ends_with_status_1() {
    let mut server = Server::start();
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_for_exit().code(), Some(1));

    let mut server = Server::spawn();
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_for_exit().code(), Some(1));

    // The client going away without a word is the same.
    let mut server = Server::start();
    server.close_stdin();
    assert_eq!(server.wait_for_exit().code(), Some(1));
}

#[test]
fn unknown_requests_starting_with_dollar_are_method_not_found() {
    let mut server = Server::start();
    let error = server.request("$/specls/noSuchRequest", json!({})).unwrap_err();
    assert_eq!(error["code"], json!(-32601), "{error}");
    // An unknown `$/` notification may be ignored, as the protocol says.
    server.notify("$/noSuchNotification", json!({}));
    assert_still_serving(&mut server);
    server.shutdown();
}

#[test]
fn requests_after_shutdown_are_invalid_requests() {
    let mut server = Server::start();
    server.request("shutdown", Value::Null).unwrap();
    let error = server
        .request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": "file:///x.md" } }),
        )
        .unwrap_err();
    assert_eq!(error["code"], json!(-32600), "{error}");
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_for_exit().code(), Some(0));
}

#[test]
fn notifications_with_invalid_params_are_logged() {
    let mut server = Server::start();
    let uri = "file:///workspace/params.md";
    server.open(uri, "# A\n");
    server.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [{ "range": { "start": { "line": 0, "character": -1 }, "end": { "line": 0, "character": 0 } }, "text": "x" }],
        }),
    );
    server.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2147483648u64 },
            "contentChanges": [{ "text": "y" }],
        }),
    );
    server.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": 17, "languageId": "markdown", "version": 1, "text": "" } }),
    );
    let log = server.wait_for_stderr("textDocument/didOpen");
    assert_eq!(
        log.matches("textDocument/didChange: invalid params").count(),
        2,
        "{log}"
    );
    assert!(log.contains("textDocument/didOpen: invalid params"), "{log}");
    // Neither change was applied.
    assert_eq!(server.document_state(uri)["text"], json!("# A\n"));
    server.shutdown();
}

#[test]
fn a_panicking_request_is_an_internal_error_and_the_server_keeps_serving() {
    let mut server = Server::spawn_with_env(&[("SPECLS_TEST_PANIC", "textDocument/documentSymbol")]);
    server
        .request("initialize", json!({ "capabilities": {} }))
        .unwrap();
    server.notify("initialized", json!({}));
    let uri = "file:///workspace/panics.md";
    server.open(uri, "# A\n");
    let error = server
        .request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": uri } }),
        )
        .unwrap_err();
    assert_eq!(error["code"], json!(-32603), "{error}");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("textDocument/documentSymbol"),
        "{error}"
    );
    server.wait_for_stderr(&format!("textDocument/documentSymbol {uri} panicked"));
    // Other requests, and the same one again, are served.
    let folds = server
        .request(
            "textDocument/foldingRange",
            json!({ "textDocument": { "uri": uri } }),
        )
        .unwrap();
    assert!(folds.is_array(), "{folds}");
    let again = server.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert_eq!(again.unwrap_err()["code"], json!(-32603));
    server.shutdown();
}

#[test]
fn a_cancelled_request_gets_exactly_one_answer() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..3000 {
        let folder = dir.path().join(format!("area-{}", i % 30));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(
            folder.join(format!("spec-{i}.md")),
            format!(
                "---\nspec-id: SPEC-{i}\nstatus: draft\n---\n# Spec {i}\n\n## Overview\n\nSee SPEC-{}.\n",
                i + 1
            ),
        )
        .unwrap();
    }
    let (mut server, _) = Server::start_with_root(&file_uri(dir.path()), json!({}));
    // The first scan is still running: workspace/symbol waits for it.
    let id = server.send_request("workspace/symbol", json!({ "query": "Spec" }));
    server.notify("$/cancelRequest", json!({ "id": id }));
    let is_answer = |m: &Value| m["id"] == json!(id) && m.get("method").is_none();
    let answer = server.wait_for_message(is_answer);
    assert!(
        error_code(&answer) == Some(-32800) || answer.get("result").is_some(),
        "{answer}"
    );
    // Anything the server still had to say about that id would come before this answer.
    let later = server
        .request("workspace/symbol", json!({ "query": "Spec 299" }))
        .unwrap();
    assert!(later.is_array());
    assert!(
        !server.notifications.iter().any(is_answer),
        "a second answer: {:#?}",
        server.notifications
    );
    server.shutdown();
}
