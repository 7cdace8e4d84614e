//! The outline (documentSymbol) and folding ranges as an editor receives them.

use serde_json::json;

use crate::support::{Server, render_symbols, seed};

fn outline_of_file(path: &std::path::Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let mut server = Server::start();
    let uri = "file:///workspace/seed.md";
    server.open(uri, &text);
    let rendered = render_symbols(&server.document_symbols(uri));
    server.shutdown();
    rendered
}

#[test]
fn feature_spec_seed_outline() {
    insta::assert_snapshot!(outline_of_file(&seed("feature-spec-template.md")));
}

#[test]
fn design_doc_seed_outline() {
    let rendered = outline_of_file(&seed("design-doc-template.md"));
    // The seed's ```python block holds `# Python example`: code, not a section.
    assert!(!rendered.contains("Python example"), "{rendered}");
    insta::assert_snapshot!(rendered);
}

#[test]
fn flat_symbols_for_clients_without_hierarchy() {
    let (mut server, _) = Server::start_with(json!({}));
    let uri = "file:///workspace/flat.md";
    server.open(uri, "# Title\n\n## Overview\n\ntext\n");
    let symbols = server.document_symbols(uri);
    assert_eq!(symbols[1]["name"], json!("Overview"));
    assert_eq!(symbols[1]["containerName"], json!("Title"));
    assert_eq!(
        symbols[1]["location"]["range"]["start"],
        json!({ "line": 2, "character": 0 })
    );
    server.shutdown();
}

#[test]
fn folding_ranges_cover_frontmatter_sections_and_code() {
    let mut server = Server::start();
    let uri = "file:///workspace/fold.md";
    let text = "---\ntitle: T\n---\n# A\n\n```\ncode\n```\n\n## B\nb\nb\n";
    server.open(uri, text);
    let folds = server
        .request(
            "textDocument/foldingRange",
            json!({ "textDocument": { "uri": uri } }),
        )
        .unwrap();
    let lines: Vec<(u64, u64, String)> = folds
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["startLine"].as_u64().unwrap(),
                f["endLine"].as_u64().unwrap(),
                f["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            (0, 2, "imports".to_string()),
            (3, 11, "region".to_string()),
            (5, 7, "region".to_string()),
            (9, 11, "region".to_string()),
        ]
    );
    server.shutdown();
}
