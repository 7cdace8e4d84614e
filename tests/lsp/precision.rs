//! Precision in the editor: what `specls check` reads right on real specs, the editor
//! reads the same way (its reader is incremental tree-sitter-md, the CLI's pulldown-cmark).

use serde_json::{Value, json};

use crate::support::{Server, codes, file_uri, render_symbols};

fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn start(dir: &std::path::Path) -> Server {
    let (mut server, _) = Server::start_with_root(&file_uri(dir), json!({}));
    // The first scan is complete once workspace/symbol answers.
    server
        .request("workspace/symbol", json!({ "query": "" }))
        .unwrap();
    server
}

fn messages(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}: {}",
                d["code"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect()
}

const TEMPLATE: &str = "---\nstatus: draft\n---\n\n# {{TITLE}}\n\n## Summary\n\nOne.\n\n## Design\n\nTwo.\n\n## Risks\n\nThree.\n";

const CONFIG: &str = "templates:\n  - name: t\n    file: template.md\n    match: [\"specs/*.md\"]\n";

/// tree-sitter-md reads a row of empty cells after a row with text as an error that
/// swallows the rest of the document; GitHub ends the table at the blank line.
#[test]
fn a_table_row_of_empty_cells_keeps_the_headings_after_it() {
    let spec = "---\nstatus: draft\n---\n\n# Real\n\n## Summary\n\n| a | b |\n|---|---|\n| x | y |\n| | |\n\n## Design\n\nB.\n\n## Risks\n\nC.\n";
    let dir = workspace(&[
        (".specls.yaml", CONFIG),
        ("template.md", TEMPLATE),
        ("specs/a.md", spec),
    ]);
    let mut server = start(dir.path());
    let uri = file_uri(&dir.path().join("specs/a.md"));
    server.open(&uri, spec);
    assert_eq!(messages(&server.diagnostics(&uri, 1)), Vec::<String>::new());
    let symbols = render_symbols(&server.document_symbols(&uri));
    assert!(
        symbols.contains("Design") && symbols.contains("Risks"),
        "{symbols}"
    );
    server.shutdown();
}

/// Links in a symlinked file resolve from its target's folder, where its authors wrote
/// them, as `specls check` resolves them.
#[cfg(unix)]
#[test]
fn a_symlinked_file_resolves_its_links_from_its_target_folder() {
    let kep = "# KEP\n\nSee [the design](./design.md), [more](../other/more.md) and [gone](./gone.md).\n";
    let dir = workspace(&[
        ("keps/sig-a/1234/README.md", kep),
        ("keps/sig-a/1234/design.md", "# Design\n"),
        ("keps/sig-a/other/more.md", "# More\n"),
    ]);
    std::fs::create_dir_all(dir.path().join("keps/sig-b")).unwrap();
    std::os::unix::fs::symlink(
        dir.path().join("keps/sig-a/1234/README.md"),
        dir.path().join("keps/sig-b/1234.md"),
    )
    .unwrap();
    let mut server = start(dir.path());
    let uri = file_uri(&dir.path().join("keps/sig-b/1234.md"));
    server.open(&uri, kep);
    assert_eq!(
        messages(&server.diagnostics(&uri, 1)),
        ["broken-link: `./gone.md` does not exist"]
    );
    server.shutdown();
}

/// `[[2]][r]` and `[[1]](https://x)` are links whose text is `[2]` and `[1]`, no
/// wiki-link ids.
#[test]
fn bracketed_numbers_as_link_text_are_no_wiki_ids() {
    let spec = "---\nspec-id: AUTH-1\nstatus: draft\n---\n\n# T\n\n## Overview\n\nSee [[2]][r], [[1]](https://example.com/paper) and [[AUTH-9]].\n\n[r]: https://example.com\n";
    let mut server = Server::start();
    let uri = "file:///workspace/specs/a.md";
    server.open(uri, spec);
    let diagnostics = server.diagnostics(uri, 1);
    let unknown: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["code"] == json!("unknown-reference"))
        .collect();
    assert_eq!(unknown.len(), 1, "{diagnostics:#?}");
    assert!(unknown[0]["message"].as_str().unwrap().contains("AUTH-9"));
    assert!(!codes(&diagnostics).contains(&"broken-link".to_string()));
    server.shutdown();
}
