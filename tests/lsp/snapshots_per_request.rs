//! One snapshot per request: diagnostics never say an id is unknown because the first
//! scan had not finished, for clients that pull as for clients that are pushed to; and a
//! change that alters what other open documents see re-checks them, whatever requests
//! arrive in between.

use std::path::Path;

use serde_json::{Value, json};

use crate::support::{Server, codes, copy_dir, file_uri, repo_root};

/// Copies the sample workspace and adds enough other specs that the first scan takes a
/// while.
fn examples_with_many_specs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo_root().join("examples"), dir.path());
    for i in 0..3000 {
        let folder = dir.path().join(format!("bulk/area-{}", i % 30));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(
            folder.join(format!("bulk-{i}.md")),
            format!("---\nspec-id: BULK-{i}\nstatus: draft\n---\n# Bulk {i}\n\n## Overview\n\nText.\n"),
        )
        .unwrap();
    }
    dir
}

const PULL: &str = r#"{ "textDocument": { "diagnostic": { "dynamicRegistration": false } }, "workspace": { "diagnostics": { "refreshSupport": true } } }"#;

fn pull_capabilities() -> Value {
    serde_json::from_str(PULL).unwrap()
}

fn pull(server: &mut Server, uri: &str) -> Vec<Value> {
    let report = server
        .request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": uri } }),
        )
        .expect("textDocument/diagnostic answers");
    assert_eq!(report["kind"], json!("full"), "{report}");
    report["items"].as_array().cloned().unwrap_or_default()
}

fn unknown_ids(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|d| d["code"] == json!("unknown-reference"))
        .map(|d| d["message"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn open_from_disk(server: &mut Server, path: &Path) -> String {
    let uri = file_uri(path);
    server.open(&uri, &std::fs::read_to_string(path).unwrap());
    uri
}

#[test]
fn a_pull_right_after_start_waits_for_the_first_scan() {
    let dir = examples_with_many_specs();
    let (mut server, _) = Server::start_with_root(&file_uri(dir.path()), pull_capabilities());
    let uri = open_from_disk(&mut server, &dir.path().join("specs/payments/refunds.md"));
    let diagnostics = pull(&mut server, &uri);
    // refunds.md names PAY-7 on purpose; PAY-2 is checkout.md's id.
    assert_eq!(
        unknown_ids(&diagnostics),
        ["`PAY-7` is not the id of any spec in the workspace"],
        "{diagnostics:#?}"
    );
    // The same again, now from what the server remembers.
    assert_eq!(unknown_ids(&pull(&mut server, &uri)).len(), 1);
    server.shutdown();
}

#[test]
fn pulling_clients_are_asked_to_pull_again_when_the_first_scan_ends() {
    let dir = examples_with_many_specs();
    let (mut server, _) = Server::start_with_root(&file_uri(dir.path()), pull_capabilities());
    server.wait_for("workspace/diagnostic/refresh", |_| true);
    server.shutdown();
}

#[test]
fn pushed_diagnostics_after_start_wait_for_the_first_scan() {
    let dir = examples_with_many_specs();
    let (mut server, _) = Server::start_with_root(&file_uri(dir.path()), json!({}));
    let uri = open_from_disk(&mut server, &dir.path().join("specs/payments/refunds.md"));
    let diagnostics = server.diagnostics(&uri, 1);
    assert_eq!(unknown_ids(&diagnostics).len(), 1, "{diagnostics:#?}");
    server.shutdown();
}

const DEPENDENCY: &str = "---\nspec-id: DEP-1\ntitle: Dependency\nstatus: draft\n---\n\n# Dependency\n";
const DEPENDENT: &str =
    "---\nspec-id: USE-1\ntitle: Dependent\nstatus: draft\ndepends-on: [DEP-1]\n---\n\n# Dependent\n";

fn two_specs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("dependency.md"), DEPENDENCY).unwrap();
    std::fs::write(dir.path().join("dependent.md"), DEPENDENT).unwrap();
    dir
}

/// `spec-id: DEP-1` becomes `spec-id: DEP-9` in the open dependency.
fn rename_dependency(server: &mut Server, uri: &str) {
    server.change(uri, 2, [[1, 13], [1, 14]], "9");
}

/// A request about the changed document that arrives before its check has run.
fn request_right_after(server: &mut Server, method: &str, uri: &str) {
    let params = match method {
        "textDocument/hover" => {
            json!({ "textDocument": { "uri": uri }, "position": { "line": 1, "character": 10 } })
        }
        _ => json!({ "textDocument": { "uri": uri } }),
    };
    server.request(method, params).expect("the request answers");
}

#[test]
fn dependents_are_rechecked_whatever_request_comes_first_when_pushed() {
    for method in [
        "textDocument/hover",
        "textDocument/codeLens",
        "textDocument/documentSymbol",
    ] {
        let dir = two_specs();
        let (mut server, _) = Server::start_with_root(&file_uri(dir.path()), json!({}));
        let dependency = open_from_disk(&mut server, &dir.path().join("dependency.md"));
        let dependent = open_from_disk(&mut server, &dir.path().join("dependent.md"));
        assert_eq!(unknown_ids(&server.diagnostics(&dependent, 1)).len(), 0);
        rename_dependency(&mut server, &dependency);
        request_right_after(&mut server, method, &dependency);
        let after = server.wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == json!(dependent) && !unknown_ids(p["diagnostics"].as_array().unwrap()).is_empty()
        });
        assert_eq!(
            unknown_ids(after["diagnostics"].as_array().unwrap()),
            ["`DEP-1` is not the id of any spec in the workspace"],
            "after {method}"
        );
        server.shutdown();
    }
}

#[test]
fn dependents_are_rechecked_whatever_request_comes_first_when_pulled() {
    for method in [
        "textDocument/hover",
        "textDocument/codeLens",
        "textDocument/diagnostic",
    ] {
        let dir = two_specs();
        let (mut server, _) = Server::start_with_root(&file_uri(dir.path()), pull_capabilities());
        server.wait_for("workspace/diagnostic/refresh", |_| true);
        let dependency = open_from_disk(&mut server, &dir.path().join("dependency.md"));
        let dependent = open_from_disk(&mut server, &dir.path().join("dependent.md"));
        assert_eq!(unknown_ids(&pull(&mut server, &dependent)).len(), 0);
        rename_dependency(&mut server, &dependency);
        request_right_after(&mut server, method, &dependency);
        server.wait_for("workspace/diagnostic/refresh", |_| true);
        assert_eq!(
            unknown_ids(&pull(&mut server, &dependent)),
            ["`DEP-1` is not the id of any spec in the workspace"],
            "after {method}: {:?}",
            codes(&pull(&mut server, &dependent))
        );
        server.shutdown();
    }
}

#[test]
fn a_scan_never_overwrites_a_newer_read_of_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("spec.md");
    std::fs::write(&file, "---\nspec-id: OLD-1\n---\n# Old\n").unwrap();
    let mut server = Server::spawn_with_env(&[("SPECLS_TEST_SCAN_PAUSE_MS", "1500")]);
    let root = file_uri(dir.path());
    server
        .request(
            "initialize",
            json!({
                "rootUri": root,
                "workspaceFolders": [{ "uri": root, "name": "workspace" }],
                "capabilities": { "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } },
            }),
        )
        .unwrap();
    server.notify("initialized", json!({}));
    // The scan has read the old text; the file changes before its results land.
    server.wait_for_stderr("scan read 1 files; pausing");
    std::fs::write(&file, "---\nspec-id: NEW-1\n---\n# New\n").unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&file), "type": 2 }] }),
    );
    // workspace/symbol waits for the scan.
    let found = server
        .request("workspace/symbol", json!({ "query": "NEW-1" }))
        .unwrap();
    assert_eq!(found.as_array().map(Vec::len), Some(1), "{found}");
    let stale = server
        .request("workspace/symbol", json!({ "query": "OLD-1" }))
        .unwrap();
    assert_eq!(stale, json!([]), "the scan's older text came back");
    server.shutdown();
}

const ONE_REQUIREMENT: &str =
    "# Feature Specification: Export\n\n## Requirements\n\n- **FR-001**: System MUST export a report.\n";
const NO_TASK_FOR_IT: &str = "# Tasks: Export\n\n## Phase 1\n\n- [ ] T001 Set up the project\n";
const ONE_TASK_FOR_IT: &str =
    "# Tasks: Export\n\n## Phase 1\n\n- [ ] T001 Export the report (FR-001) in src/export.rs\n";

#[test]
fn a_pull_answered_while_the_index_changed_is_followed_by_a_refresh() {
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("specs/001-export");
    std::fs::create_dir_all(&set).unwrap();
    std::fs::write(set.join("spec.md"), ONE_REQUIREMENT).unwrap();
    std::fs::write(set.join("tasks.md"), NO_TASK_FOR_IT).unwrap();
    let mut server = Server::spawn_with_env(&[("SPECLS_TEST_SLOW", "textDocument/diagnostic")]);
    let root = file_uri(dir.path());
    server
        .request(
            "initialize",
            json!({ "rootUri": root, "capabilities": pull_capabilities() }),
        )
        .unwrap();
    server.notify("initialized", json!({}));
    server.wait_for("workspace/diagnostic/refresh", |_| true);
    let spec = open_from_disk(&mut server, &set.join("spec.md"));
    let uncovered = |items: &[Value]| {
        codes(items)
            .iter()
            .filter(|c| *c == "uncovered-requirement")
            .count()
    };
    assert_eq!(uncovered(&pull(&mut server, &spec)), 1);

    // The pull takes its world, then tasks.md opens with a task for FR-001 while it runs.
    let asked = server.send_request(
        "textDocument/diagnostic",
        json!({ "textDocument": { "uri": spec } }),
    );
    server.open(&file_uri(&set.join("tasks.md")), ONE_TASK_FOR_IT);
    let answer = server.wait_for_message(|m| m["id"] == json!(asked) && m.get("method").is_none());
    assert!(answer.get("result").is_some(), "{answer}");
    server.forget("workspace/diagnostic/refresh");
    server.wait_for("workspace/diagnostic/refresh", |_| true);
    assert_eq!(uncovered(&pull(&mut server, &spec)), 0);
    server.shutdown();
}
