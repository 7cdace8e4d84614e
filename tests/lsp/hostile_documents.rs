//! Hostile documents opened and edited in the editor: the server stays up, answers
//! within the client's timeout and says what it could not read. (Hostile files on disk
//! are in `hostile.rs`.)

use serde_json::{Value, json};

use crate::support::{Server, codes};

fn message_of<'a>(diagnostics: &'a [Value], code: &str) -> &'a str {
    diagnostics
        .iter()
        .find(|d| d["code"] == json!(code))
        .and_then(|d| d["message"].as_str())
        .unwrap_or_else(|| panic!("no {code} in {diagnostics:#?}"))
}

#[test]
fn deep_frontmatter_is_a_finding_and_the_server_stays_up() {
    let mut server = Server::start();
    // 253 levels aborted the server 50 ms after it opened such a file.
    let staircase: String = (1..=253).map(|level| " ".repeat(level) + "k:\n").collect();
    let cases = [
        ("staircase", format!("x:\n{staircase}")),
        ("compact", format!("x:\n{}k\n", "- ".repeat(10_000))),
        (
            "flow",
            format!("x: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
        ),
    ];
    for (name, yaml) in &cases {
        let uri = format!("file:///workspace/{name}.md");
        let text = format!("---\nspec-id: SPEC-1\n{yaml}---\n\n# Title\n\n## Overview\n\nText.\n");
        server.open(&uri, &text);
        let diagnostics = server.diagnostics(&uri, 1);
        let message = message_of(&diagnostics, "frontmatter-syntax");
        assert!(message.contains("nested more than 64 levels deep"), "{message}");
        assert!(codes(&diagnostics).contains(&"missing-section".to_string()));
        // An edit in the body is read as well.
        let body = text.lines().count() as u32 - 1;
        server.change(&uri, 2, [[body, 0], [body, 0]], "More ");
        let diagnostics = server.diagnostics(&uri, 2);
        assert!(codes(&diagnostics).contains(&"frontmatter-syntax".to_string()));
        let symbols = server.document_symbols(&uri);
        assert_eq!(symbols[0]["name"], json!("Title"), "{symbols:#}");
    }
    server.shutdown();
}

#[test]
fn deep_nesting_is_cut_and_keystrokes_are_answered() {
    let mut server = Server::start();
    // Block quotes deepening line by line to 1,000 levels cost 1.3 s a keystroke, 3,000
    // levels 112 s; 100,000 nested list items took seconds to read.
    let cases = [
        (
            "quotes",
            (1..=3_000)
                .map(|depth| ">".repeat(depth) + " x\n")
                .collect::<String>(),
        ),
        ("items", "- ".repeat(100_000) + "x\n"),
        ("quote-line", ">".repeat(100_000) + " x\n"),
    ];
    for (name, body) in &cases {
        let uri = format!("file:///workspace/{name}.md");
        let text = format!("---\nspec-id: SPEC-1\n---\n\n# Title\n\n## Overview\n\n{body}\n## After\n");
        server.open(&uri, &text);
        let diagnostics = server.diagnostics(&uri, 1);
        let message = message_of(&diagnostics, "nesting-limit");
        assert!(message.contains("more than 100 levels deep"), "{message}");
        // Keystrokes at the deepest line's start and at the end of the document.
        let last = text.lines().count() as u32;
        for version in 2..6 {
            server.change(&uri, version, [[last - 3, 0], [last - 3, 0]], ">");
            let diagnostics = server.diagnostics(&uri, i64::from(version));
            assert!(codes(&diagnostics).contains(&"nesting-limit".to_string()));
        }
        let symbols = server.document_symbols(&uri);
        assert_eq!(symbols[0]["name"], json!("Title"), "{symbols:#}");
    }
    // A 1 MB heading line is read, and edited, like any heading.
    let uri = "file:///workspace/heading.md";
    let title = "word ".repeat(200_000);
    server.open(uri, &format!("# {title}\n\nText.\n"));
    server.diagnostics(uri, 1);
    server.change(uri, 2, [[0, 2], [0, 2]], "A");
    server.diagnostics(uri, 2);
    let symbols = server.document_symbols(uri);
    assert!(symbols[0]["name"].as_str().unwrap().starts_with("Aword word"));
    server.shutdown();
}

#[test]
fn keystrokes_in_a_megabyte_of_prose_are_answered() {
    let mut server = Server::start();
    // Without headings a document was one chunk: 1 MB cost a second a keystroke.
    let paragraph = "Prose without headings, with `code`, a [link](other.md#part) and SPEC-12.\n\n";
    let text = format!(
        "---\nspec-id: SPEC-1\n---\n\n# Title\n\n## Overview\n\n{}",
        paragraph.repeat(1_000_000 / paragraph.len())
    );
    let uri = "file:///workspace/prose.md";
    server.open(uri, &text);
    server.diagnostics(uri, 1);
    let lines = text.lines().count() as u32;
    for version in 2..=30 {
        let line = 8 + (version as u32 * 997) % (lines - 8);
        server.change(uri, version, [[line, 0], [line, 0]], "typed ");
    }
    let diagnostics = server.diagnostics(uri, 30);
    assert!(codes(&diagnostics).contains(&"missing-section".to_string()));
    let state = server.document_state(uri);
    assert_eq!(state["text"].as_str().unwrap().matches("typed ").count(), 29);
    server.shutdown();
}
