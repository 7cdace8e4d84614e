//! Diagnostics as an editor receives them: pushed after open and edits, pulled by
//! clients that ask, fixed by quick fixes, configured by `.specls.yaml`.

use serde_json::{Value, json};

use crate::support::{Server, codes, file_uri};

const SPEC: &str = "---\nspec-id: AUTH-1\ntitle: Lögin 😀\nstatus: draft\npriority: urgent\nowner: zoë\ncreated: 2026-01-01\nupdated: 2026-01-02\ntags: [auth]\n---\n\n# Lögin 😀\n\n## Overview\n\nSign in 日本 😀 {{NAME}}.\n";

fn find<'a>(diagnostics: &'a [Value], code: &str) -> &'a Value {
    diagnostics
        .iter()
        .find(|d| d["code"] == json!(code))
        .unwrap_or_else(|| panic!("no {code} in {diagnostics:#?}"))
}

#[test]
fn published_after_open_and_after_edits() {
    let mut server = Server::start();
    let uri = "file:///workspace/login.md";
    server.open(uri, SPEC);
    let diagnostics = server.diagnostics(uri, 1);
    let invalid = find(&diagnostics, "invalid-value");
    assert_eq!(invalid["range"]["start"], json!({ "line": 4, "character": 10 }));
    assert_eq!(invalid["severity"], json!(1));
    assert_eq!(invalid["source"], json!("specls"));
    assert!(
        invalid["message"]
            .as_str()
            .unwrap()
            .contains("critical, high, medium, low")
    );
    // After `Sign in 日本 😀 `, in UTF-16 code units: 8 + 2 + 1 + 2 + 1.
    let placeholder = find(&diagnostics, "unfilled-placeholder");
    assert_eq!(
        placeholder["range"]["start"],
        json!({ "line": 15, "character": 14 })
    );
    assert_eq!(
        placeholder["range"]["end"],
        json!({ "line": 15, "character": 22 })
    );

    // Fix the priority: the invalid value goes.
    server.change(uri, 2, [[4, 10], [4, 16]], "high");
    let diagnostics = server.diagnostics(uri, 2);
    assert!(
        !codes(&diagnostics).contains(&"invalid-value".to_string()),
        "{diagnostics:#?}"
    );

    // Break the YAML: a syntax error, and the body is still analysed.
    server.change(uri, 3, [[2, 7], [2, 7]], "\"");
    let diagnostics = server.diagnostics(uri, 3);
    let found = codes(&diagnostics);
    assert!(found.contains(&"frontmatter-syntax".to_string()), "{found:?}");
    assert!(found.contains(&"unfilled-placeholder".to_string()), "{found:?}");
    assert!(found.contains(&"missing-section".to_string()), "{found:?}");
    server.shutdown();
}

#[test]
fn plain_markdown_gets_no_template_diagnostics() {
    let mut server = Server::start();
    let uri = "file:///workspace/README.md";
    server.open(uri, "# Notes\n\n{{NOT_A_SPEC}}\n");
    assert_eq!(server.diagnostics(uri, 1), Vec::<Value>::new());
    server.shutdown();
}

#[test]
fn a_burst_of_edits_publishes_only_current_versions() {
    let mut server = Server::start();
    let uri = "file:///workspace/burst.md";
    server.open(uri, SPEC);
    server.diagnostics(uri, 1);
    for version in 2..=60 {
        server.change(uri, version, [[15, 0], [15, 0]], "x");
    }
    let last = server.diagnostics(uri, 60);
    assert!(!last.is_empty());
    let published: Vec<i64> = server
        .notifications
        .iter()
        .filter(|m| m["method"] == json!("textDocument/publishDiagnostics"))
        .filter_map(|m| m["params"]["version"].as_i64())
        .collect();
    assert!(published.windows(2).all(|w| w[0] < w[1]), "{published:?}");
    assert_eq!(server.document_state(uri)["version"], json!(60));
    server.shutdown();
}

#[test]
fn quick_fixes_applied_end_to_end() {
    let mut server = Server::start();
    let uri = "file:///workspace/fix.md";
    server.open(uri, SPEC);
    let diagnostics = server.diagnostics(uri, 1);
    let mut version = 1;
    for code in ["invalid-value", "missing-section"] {
        let diagnostic = find(&diagnostics, code).clone();
        let actions = server
            .request(
                "textDocument/codeAction",
                json!({
                    "textDocument": { "uri": uri },
                    "range": diagnostic["range"],
                    "context": { "diagnostics": [diagnostic] },
                }),
            )
            .unwrap();
        let action = actions
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["diagnostics"][0]["message"] == diagnostic["message"])
            .unwrap_or_else(|| panic!("no fix for {diagnostic:#?} in {actions:#?}"))
            .clone();
        assert_eq!(action["kind"], json!("quickfix"));
        let edits = action["edit"]["changes"][uri].as_array().unwrap().clone();
        for edit in edits.iter().rev() {
            version += 1;
            let range = &edit["range"];
            let at = |p: &Value| {
                [
                    p["line"].as_u64().unwrap() as u32,
                    p["character"].as_u64().unwrap() as u32,
                ]
            };
            server.change(
                uri,
                version,
                [at(&range["start"]), at(&range["end"])],
                edit["newText"].as_str().unwrap(),
            );
        }
        let after = server.diagnostics(uri, version.into());
        assert!(
            !after.iter().any(|d| d["message"] == diagnostic["message"]),
            "{code} still reported after `{}`: {after:#?}",
            action["title"]
        );
    }
    let text = server.document_state(uri)["text"].as_str().unwrap().to_string();
    assert!(text.contains("priority: high"), "{text}");
    assert!(text.contains("## Problem Statement"), "{text}");
    server.shutdown();
}

#[test]
fn pull_diagnostics_for_clients_that_ask() {
    let (mut server, result) = Server::start_with(json!({
        "textDocument": { "diagnostic": {} },
        "workspace": { "diagnostics": { "refreshSupport": true } },
    }));
    assert_eq!(
        result["capabilities"]["diagnosticProvider"]["identifier"],
        json!("specls")
    );
    let uri = "file:///workspace/pull.md";
    server.open(uri, SPEC);
    let report = server
        .request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": uri } }),
        )
        .unwrap();
    assert_eq!(report["kind"], json!("full"));
    assert!(codes(report["items"].as_array().unwrap()).contains(&"invalid-value".to_string()));
    server.shutdown();
}

/// Neovim 0.11 pulls but cannot be asked to pull again: what another file changes would
/// never reach it, so it is pushed to.
#[test]
fn clients_that_pull_without_refresh_are_pushed_to() {
    let (mut server, result) = Server::start_with(json!({ "textDocument": { "diagnostic": {} } }));
    assert_eq!(
        result["capabilities"]["diagnosticProvider"],
        Value::Null,
        "{result}"
    );
    let uri = "file:///workspace/pushed.md";
    server.open(uri, SPEC);
    assert!(codes(&server.diagnostics(uri, 1)).contains(&"invalid-value".to_string()));
    server.shutdown();
}

#[test]
fn workspace_configuration_changes_values_and_severities() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".specls.yaml"),
        "values:\n  priority: [P0, P1, P2]\nseverity:\n  unfilled-placeholder: off\n",
    )
    .unwrap();
    let spec = dir.path().join("login.md");
    std::fs::write(&spec, SPEC).unwrap();
    let root = file_uri(dir.path());
    let (mut server, _) = Server::start_with_root(&root, json!({}));
    let uri = file_uri(&spec);
    server.open(&uri, SPEC);
    let diagnostics = server.diagnostics(&uri, 1);
    let invalid = find(&diagnostics, "invalid-value");
    assert!(
        invalid["message"]
            .as_str()
            .unwrap()
            .contains("allowed: P0, P1, P2"),
        "{invalid:#?}"
    );
    assert!(!codes(&diagnostics).contains(&"unfilled-placeholder".to_string()));

    // A broken configuration: a diagnostic on the file, and the defaults hold.
    let config = dir.path().join(".specls.yaml");
    std::fs::write(
        &config,
        "values:\n  priority: [P0]\nsevereity:\n  missing-section: off\n",
    )
    .unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&config), "type": 2 }] }),
    );
    let config_uri = file_uri(&config);
    let problems = server.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == json!(config_uri)
    });
    let problem = &problems["diagnostics"][0];
    assert!(
        problem["message"].as_str().unwrap().contains("severeity"),
        "{problem:#?}"
    );
    assert_eq!(problem["range"]["start"]["line"], json!(2));
    let diagnostics = server.settled_diagnostics(&uri, 1);
    let invalid = find(&diagnostics, "invalid-value");
    assert!(
        invalid["message"].as_str().unwrap().contains("critical, high"),
        "{invalid:#?}"
    );
    server.shutdown();
}

/// A template file a configuration names is edited on disk: the open spec's findings
/// follow the new template without a keystroke.
#[test]
fn a_template_edited_on_disk_rechecks_open_specs() {
    let dir = tempfile::tempdir().unwrap();
    let config = "templates:\n  - name: t\n    file: template.md\n    match: [\"specs/*.md\"]\n";
    std::fs::write(dir.path().join(".specls.yaml"), config).unwrap();
    let template = dir.path().join("template.md");
    std::fs::write(&template, "# {{TITLE}}\n\n## Summary\n").unwrap();
    std::fs::create_dir(dir.path().join("specs")).unwrap();
    let spec = dir.path().join("specs/a.md");
    let text = "# A\n\n## Summary\n\nOne.\n";
    std::fs::write(&spec, text).unwrap();
    let capabilities = json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    let (mut server, _) = Server::start_with_root(&file_uri(dir.path()), capabilities);
    let uri = file_uri(&spec);
    server.open(&uri, text);
    let diagnostics = server.diagnostics(&uri, 1);
    assert!(codes(&diagnostics).is_empty(), "{diagnostics:#?}");

    std::fs::write(&template, "# {{TITLE}}\n\n## Summary\n\n## Risks\n").unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&template), "type": 2 }] }),
    );
    let diagnostics = server.diagnostics(&uri, 1);
    let missing = find(&diagnostics, "missing-section");
    assert!(
        missing["message"].as_str().unwrap().contains("Risks"),
        "{missing:#?}"
    );
    server.shutdown();
}

/// An editor's own settings (VS Code's `specls.severity.*`) override the severities, at
/// start and when they change.
#[test]
fn editor_settings_override_severities() {
    let mut server = Server::spawn();
    server
        .request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": null,
                "capabilities": {},
                "initializationOptions": { "severity": { "missing-section": "off", "invalid-value": "warning" } },
            }),
        )
        .unwrap();
    server.notify("initialized", json!({}));
    let uri = "file:///workspace/login.md";
    server.open(uri, SPEC);
    let diagnostics = server.diagnostics(uri, 1);
    assert!(!codes(&diagnostics).contains(&"missing-section".to_string()));
    assert_eq!(find(&diagnostics, "invalid-value")["severity"], json!(2));

    server.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "specls": { "severity": { "missing-section": "hint" } } } }),
    );
    let diagnostics = server.settled_diagnostics(uri, 1);
    assert_eq!(find(&diagnostics, "missing-section")["severity"], json!(4));
    assert_eq!(find(&diagnostics, "invalid-value")["severity"], json!(1));
    server.shutdown();
}

/// `[x](https://x/?filter[repo][0]=a)` is one link in the editor too (tree-sitter-md
/// alone ends the destination at the bracket).
#[test]
fn brackets_in_a_link_destination_keep_the_link_whole() {
    let mut server = Server::start();
    let uri = "file:///workspace/notes.md";
    server.open(
        uri,
        "# Notes\n\nSee [x](https://x/?filter[repo][0]=a) and [y](gone.md?filter[repo][0]=1).\n",
    );
    let diagnostics = server.diagnostics(uri, 1);
    let messages: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages, ["`gone.md` does not exist"], "{diagnostics:#?}");
    let link = find(&diagnostics, "broken-link");
    assert_eq!(link["range"]["start"], json!({ "line": 2, "character": 46 }));
    server.shutdown();
}
