//! The server's view of an open document never drifts from the editor's.

use serde_json::json;

use crate::support::{Server, render_symbols};

#[test]
fn outline_follows_incremental_edits_after_multibyte_text() {
    let mut server = Server::start();
    let uri = "file:///workspace/edits.md";
    server.open(uri, "# Ünïcödé 😀 title\n\n日本語のテキスト 😀\n");
    // Line 2 is "日本語のテキスト 😀": 8 CJK characters, a space, an emoji (2 UTF-16 units).
    server.change(uri, 2, [[2, 11], [2, 11]], "\n\n## Größe 🚀\n\ntext");
    server.change(uri, 3, [[0, 2], [0, 9]], "Ω");
    let rendered = render_symbols(&server.document_symbols(uri));
    assert_eq!(
        rendered,
        "Ω 😀 title [0:2-0:12] (0:0-7:0)\n  Größe 🚀 [4:3-4:11] (4:0-7:0)\n"
    );
    let state = server.document_state(uri);
    assert_eq!(
        state["text"],
        json!("# Ω 😀 title\n\n日本語のテキスト 😀\n\n## Größe 🚀\n\ntext\n")
    );
    assert_eq!(state["version"], json!(3));
    server.shutdown();
}

#[test]
fn utf8_clients_get_byte_columns() {
    let (mut server, _) = Server::start_with(json!({
        "general": { "positionEncodings": ["utf-8"] },
        "textDocument": { "documentSymbol": { "hierarchicalDocumentSymbolSupport": true } }
    }));
    let uri = "file:///workspace/utf8.md";
    server.open(uri, "intro 😀\n");
    // Column 10 in bytes is after the emoji (4 bytes); in UTF-16 it would be past the end.
    server.change(uri, 2, [[0, 10], [0, 10]], "\n## Ré");
    let rendered = render_symbols(&server.document_symbols(uri));
    assert_eq!(rendered, "Ré [1:3-1:6] (1:0-2:0)\n");
    server.shutdown();
}

#[test]
fn five_hundred_edits_sent_without_waiting_apply_in_order() {
    let mut server = Server::start();
    let uri = "file:///workspace/order.md";
    server.open(uri, "# Log\n\n");
    let mut expected = String::from("# Log\n\n");
    let alphabet: Vec<char> = "aé日😀b\n".chars().collect();
    let mut line = 2u32;
    let mut column = 0u32;
    for version in 2..=501 {
        let ch = alphabet[version as usize % alphabet.len()];
        server.change(uri, version, [[line, column], [line, column]], &ch.to_string());
        expected.push(ch);
        if ch == '\n' {
            line += 1;
            column = 0;
        } else {
            column += ch.len_utf16() as u32;
        }
    }
    let state = server.document_state(uri);
    assert_eq!(state["version"], json!(501));
    assert_eq!(state["text"].as_str().unwrap(), expected);
    server.shutdown();
}

#[test]
fn whole_document_replacement_and_crlf() {
    let mut server = Server::start();
    let uri = "file:///workspace/full.md";
    server.open(uri, "# Old\n");
    server.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [{ "text": "# New\r\n\r\n## Sub\r\ntext\r" }]
        }),
    );
    // Insert at the start of the line after the lone `\r`: line 4 exists only if a
    // lone CR ends a line, as LSP says.
    server.change(uri, 3, [[4, 0], [4, 0]], "## Tail");
    let rendered = render_symbols(&server.document_symbols(uri));
    assert_eq!(
        rendered,
        "New [0:2-0:5] (0:0-4:7)\n  Sub [2:3-2:6] (2:0-4:0)\n  Tail [4:3-4:7] (4:0-4:7)\n"
    );
    server.shutdown();
}

/// A large spec is opened without a parse (its model comes from the fast reader); its
/// first edit has its trees parsed in the background, and later edits follow them
/// incrementally, with the same findings as the text read afresh.
#[test]
fn a_large_spec_opens_without_a_parse_and_is_parsed_once_edited() {
    let mut text = String::from("---\nspec-id: BIG-1\ntitle: Big\nstatus: sideways\n---\n\n# Big\n\n");
    for n in 0..2_000 {
        text.push_str(&format!(
            "## Part {n}\n\nSee [part](#part-{}) and BIG-2.\n\n",
            n + 1
        ));
    }
    let mut server = Server::start();
    let uri = "file:///ws/big.md";
    server.open(uri, &text);
    let opened = server.diagnostics(uri, 1);
    let codes = |diagnostics: &[serde_json::Value]| -> Vec<String> {
        diagnostics
            .iter()
            .map(|d| format!("{} {}", d["code"], d["range"]))
            .collect()
    };
    assert!(
        !opened.is_empty(),
        "the invalid status and the last broken anchor"
    );
    assert_eq!(
        server.document_state(uri)["holdsTree"],
        json!(false),
        "opening parses nothing"
    );

    // A space at the end of the last line, three times: the first edit asks for the trees.
    let last = text.lines().count() as u32;
    server.change(uri, 2, [[last, 0], [last, 0]], " ");
    assert_eq!(codes(&server.diagnostics(uri, 2)), codes(&opened));
    server.wait_until_holds_tree(uri);
    server.change(uri, 3, [[last, 1], [last, 1]], " ");
    assert_eq!(codes(&server.diagnostics(uri, 3)), codes(&opened));
    assert_eq!(server.document_state(uri)["holdsTree"], json!(true));
    server.shutdown();
}
