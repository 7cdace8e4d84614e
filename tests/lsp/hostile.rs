//! Hostile documents opened and edited in the editor: the server stays up, answers
//! within the client's timeout and says what it could not read.

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
