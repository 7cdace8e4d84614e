//! Completion, resolve, `specls.newSpec`, `specls.listTemplates` and the "start spec"
//! action as an editor drives them over stdio.

use std::path::Path;

use serde_json::{Value, json};
use tempfile::TempDir;

use crate::support::{Server, file_uri};

/// A spec with `status: dr` being typed; Overview and Requirements written.
const SPEC: &str = "---\nspec-id: AUTH-3\ntitle: Recovery\nstatus: dr\npriority: high\ndepends-on: [AUTH-1, ]\n---\n\n# Recovery\n\n## Overview\n\nHow a user gets back in; see [below](#requirements).\n\n## Requirements\n\n### Functional Requirements\n\nMust.\n\n## \n";

fn completion(server: &mut Server, uri: &str, line: u32, character: u32) -> Value {
    server
        .request(
            "textDocument/completion",
            json!({
                "textDocument": { "uri": uri },
                "position": { "line": line, "character": character },
            }),
        )
        .expect("completion answers")
}

fn items(list: &Value) -> Vec<Value> {
    list["items"].as_array().cloned().unwrap_or_default()
}

fn labels(list: &Value) -> Vec<String> {
    let mut items = items(list);
    items.sort_by(|a, b| a["sortText"].as_str().cmp(&b["sortText"].as_str()));
    items
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

fn item<'a>(items: &'a [Value], label: &str) -> &'a Value {
    items
        .iter()
        .find(|i| i["label"] == json!(label))
        .unwrap_or_else(|| panic!("no {label} in {items:#?}"))
}

fn range(start: (u32, u32), end: (u32, u32)) -> Value {
    json!({
        "start": { "line": start.0, "character": start.1 },
        "end": { "line": end.0, "character": end.1 },
    })
}

fn snippet_client(snippets: bool) -> Value {
    json!({ "textDocument": { "completion": { "completionItem": { "snippetSupport": snippets } } } })
}

#[test]
fn capabilities_announce_completion_and_commands() {
    let (server, result) = Server::start_with(json!({}));
    let capabilities = &result["capabilities"];
    assert_eq!(
        capabilities["completionProvider"]["triggerCharacters"],
        json!([":", "#", "[", "(", "/", " "])
    );
    assert_eq!(capabilities["completionProvider"]["resolveProvider"], json!(true));
    assert_eq!(
        capabilities["executeCommandProvider"]["commands"],
        json!(["specls.newSpec", "specls.listTemplates"])
    );
    server.shutdown();
}

#[test]
fn status_values_replace_the_whole_value() {
    let (mut server, _) = Server::start_with(snippet_client(false));
    let uri = "file:///workspace/recovery.md";
    server.open(uri, SPEC);
    // `status: dr|`
    let list = completion(&mut server, uri, 3, 10);
    assert_eq!(
        labels(&list),
        [
            "draft",
            "review",
            "approved",
            "in-progress",
            "implemented",
            "deprecated",
            "superseded",
            "rejected"
        ]
    );
    let draft = item(&items(&list), "draft").clone();
    assert_eq!(
        draft["textEdit"],
        json!({ "range": range((3, 8), (3, 10)), "newText": "draft" })
    );
    // The middle of a written value: the whole value is replaced.
    let list = completion(&mut server, uri, 4, 12);
    let low = item(&items(&list), "low").clone();
    assert_eq!(
        low["textEdit"],
        json!({ "range": range((4, 10), (4, 14)), "newText": "low" })
    );
    server.shutdown();
}

#[test]
fn section_snippets_only_for_clients_that_take_snippets() {
    for snippets in [true, false] {
        let (mut server, _) = Server::start_with(snippet_client(snippets));
        let uri = "file:///workspace/recovery.md";
        server.open(uri, SPEC);
        // The `## ` line at the end.
        let list = completion(&mut server, uri, 20, 3);
        let all = items(&list);
        let offered = labels(&list);
        assert!(!offered.contains(&"Overview".to_string()), "{offered:?}");
        assert!(!offered.contains(&"Requirements".to_string()), "{offered:?}");
        assert_eq!(offered[0], "Problem Statement", "{offered:?}");
        assert!(offered.contains(&"Success Criteria".to_string()));

        let criteria = item(&all, "Success Criteria");
        assert_eq!(criteria["filterText"], json!("## Success Criteria"));
        assert_eq!(criteria["textEdit"]["range"], range((20, 0), (20, 3)));
        let text = criteria["textEdit"]["newText"].as_str().unwrap();
        assert!(text.starts_with("## Success Criteria\n\n"), "{text}");
        if snippets {
            assert_eq!(criteria["insertTextFormat"], json!(2));
            assert_eq!(criteria["kind"], json!(15), "Snippet");
            assert!(text.contains("${1:Measurable outcomes"), "{text}");
        } else {
            assert_eq!(criteria["insertTextFormat"], json!(1));
            assert_eq!(criteria["kind"], json!(1), "Text");
            assert!(!text.contains("${"), "{text}");
        }
        // After Requirements, the next missing section in template order is Technical
        // Design; the missing Requirements subsections are offered too.
        let preselected: Vec<&Value> = all.iter().filter(|i| i["preselect"] == json!(true)).collect();
        assert_eq!(preselected.len(), 1, "{preselected:#?}");
        assert_eq!(preselected[0]["label"], json!("Technical Design"));
        assert!(offered.contains(&"Non-Functional Requirements".to_string()));
        server.shutdown();
    }
}

#[test]
fn documentation_is_resolved_lazily_when_the_client_asks() {
    let lazy = json!({ "textDocument": { "completion": { "completionItem": {
        "resolveSupport": { "properties": ["documentation"] } } } } });
    let (mut server, _) = Server::start_with(lazy);
    let uri = "file:///workspace/recovery.md";
    server.open(uri, SPEC);
    let list = completion(&mut server, uri, 20, 3);
    let criteria = item(&items(&list), "Success Criteria").clone();
    assert!(criteria.get("documentation").is_none(), "{criteria:#?}");
    assert_eq!(criteria["data"]["kind"], json!("section"));
    let resolved = server.request("completionItem/resolve", criteria).unwrap();
    let documentation = resolved["documentation"]["value"].as_str().unwrap();
    assert!(
        documentation.starts_with("Measurable outcomes"),
        "{documentation}"
    );
    server.shutdown();

    // Without resolve support, documentation comes with the item.
    let (mut server, _) = Server::start_with(json!({}));
    server.open(uri, SPEC);
    let list = completion(&mut server, uri, 20, 3);
    let criteria = item(&items(&list), "Success Criteria").clone();
    let documentation = criteria["documentation"]["value"].as_str().unwrap();
    assert!(
        documentation.starts_with("Measurable outcomes"),
        "{documentation}"
    );
    server.shutdown();
}

#[test]
fn own_document_anchors_without_an_index() {
    let (mut server, _) = Server::start_with(json!({}));
    let uri = "file:///workspace/recovery.md";
    server.open(uri, SPEC);
    // `[below](#requirements)`, the cursor after `#re`.
    let list = completion(&mut server, uri, 12, 40);
    let all = items(&list);
    let requirements = item(&all, "requirements");
    assert_eq!(
        requirements["textEdit"],
        json!({ "range": range((12, 38), (12, 50)), "newText": "requirements" })
    );
    assert_eq!(requirements["detail"], json!("## Requirements"));
    assert!(labels(&list).contains(&"functional-requirements".to_string()));
    server.shutdown();
}

#[test]
fn nothing_inside_code() {
    let (mut server, _) = Server::start_with(json!({}));
    let uri = "file:///workspace/code.md";
    server.open(uri, "# T\n\n```\n## \n```\n\nSee `[[AU` here.\n");
    assert!(items(&completion(&mut server, uri, 3, 3)).is_empty());
    assert!(items(&completion(&mut server, uri, 6, 9)).is_empty());
    server.shutdown();
}

/// Three specs on disk, for the workspace index.
fn workspace() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let files = [
        (
            "specs/auth/login.md",
            "---\nspec-id: AUTH-1\ntitle: Login\nstatus: approved\n---\n\n# Login\n\n## Overview\n\nUsers sign in.\n\n## Data Model\n",
        ),
        (
            "specs/auth/passkeys.md",
            "---\nspec-id: AUTH-2\ntitle: Passkeys\nstatus: draft\n---\n\n# Passkeys\n",
        ),
        (
            "specs/pay/checkout.md",
            "---\nspec-id: PAY-1\ntitle: Checkout\nstatus: review\n---\n\n# Checkout\n",
        ),
    ];
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn start_in(dir: &Path) -> Server {
    let (server, _) = Server::start_with_root(&file_uri(dir), json!({}));
    server
}

/// Completion right after open may come before the first scan is complete.
fn completion_when_indexed(server: &mut Server, uri: &str, line: u32, character: u32) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let list = completion(server, uri, line, character);
        if !items(&list).is_empty() || std::time::Instant::now() > deadline {
            return list;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn ids_with_titles_in_reference_lists_and_text() {
    let dir = workspace();
    let mut server = start_in(dir.path());
    let uri = file_uri(&dir.path().join("specs/auth")).to_string() + "/recovery.md";
    server.open(&uri, SPEC);
    // `depends-on: [AUTH-1, |]`: AUTH-1 is listed already, AUTH-3 is this spec.
    let list = completion_when_indexed(&mut server, &uri, 5, 21);
    assert_eq!(labels(&list), ["AUTH-2", "PAY-1"]);
    assert_eq!(item(&items(&list), "PAY-1")["detail"], json!("Checkout · review"));
    // `[[` in text.
    server.change(&uri, 2, [[12, 0], [12, 0]], "[[\n");
    let list = completion(&mut server, &uri, 12, 2);
    let login = item(&items(&list), "AUTH-1").clone();
    assert_eq!(login["textEdit"]["newText"], json!("AUTH-1]]"));
    assert_eq!(login["detail"], json!("Login · approved"));
    server.shutdown();
}

#[test]
fn link_paths_and_anchors_of_other_specs() {
    let dir = workspace();
    let mut server = start_in(dir.path());
    let uri = file_uri(&dir.path().join("specs/auth")).to_string() + "/recovery.md";
    server.open(&uri, "# R\n\nSee [login](\n");
    let list = completion_when_indexed(&mut server, &uri, 2, 12);
    assert_eq!(labels(&list), ["login.md", "passkeys.md", "../pay/checkout.md"]);
    server.change(&uri, 2, [[2, 12], [2, 12]], "login.md#");
    let list = completion(&mut server, &uri, 2, 21);
    assert_eq!(labels(&list), ["login", "overview", "data-model"]);
    server.shutdown();
}

#[test]
fn new_spec_is_created_by_the_editor_through_apply_edit() {
    let dir = workspace();
    let mut server = start_in(dir.path());
    server.reply_to("workspace/applyEdit", json!({ "applied": true }));
    let target = dir.path().join("specs/auth/account-recovery.md");
    let uri = file_uri(&dir.path().join("specs/auth")).to_string() + "/account-recovery.md";
    let result = server
        .request(
            "workspace/executeCommand",
            json!({
                "command": "specls.newSpec",
                "arguments": [{ "template": "feature-spec", "uri": uri, "id": "AUTH-9" }],
            }),
        )
        .unwrap();
    assert_eq!(result, json!(uri));
    let edit = server
        .notifications
        .iter()
        .find(|m| m["method"] == json!("workspace/applyEdit"))
        .unwrap_or_else(|| panic!("no applyEdit in {:#?}", server.notifications))["params"]["edit"]
        .clone();
    let changes = edit["documentChanges"].as_array().unwrap();
    assert_eq!(
        changes[0],
        json!({ "kind": "create", "uri": uri, "options": { "overwrite": false, "ignoreIfExists": false } })
    );
    assert_eq!(changes[1]["textDocument"], json!({ "uri": uri, "version": null }));
    let text_edit = &changes[1]["edits"][0];
    assert_eq!(text_edit["range"], range((0, 0), (0, 0)));
    let text = text_edit["newText"].as_str().unwrap();
    assert!(
        text.starts_with("---\nspec-id: AUTH-9\ntitle: Account recovery\nstatus: draft\n"),
        "{text}"
    );
    assert!(!target.exists(), "the server wrote the file itself");

    // An existing file is refused.
    let existing = file_uri(&dir.path().join("specs/auth/login.md"));
    let error = server
        .request(
            "workspace/executeCommand",
            json!({
                "command": "specls.newSpec",
                "arguments": [{ "template": "design-doc", "uri": existing }],
            }),
        )
        .unwrap_err();
    assert!(
        error["message"].as_str().unwrap().contains("already exists"),
        "{error}"
    );
    server.shutdown();
}

#[test]
fn templates_are_listed_for_pickers() {
    let (mut server, _) = Server::start_with(json!({}));
    let list = server
        .request(
            "workspace/executeCommand",
            json!({ "command": "specls.listTemplates", "arguments": [] }),
        )
        .unwrap();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["feature-spec", "design-doc"]);
    assert!(
        list[0]["description"]
            .as_str()
            .unwrap()
            .starts_with("Feature specification")
    );
    server.shutdown();
}

#[test]
fn an_empty_file_can_start_a_spec() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = start_in(dir.path());
    let uri = file_uri(dir.path()) + "/auth-12-passkey-login.md";
    server.open(&uri, "\n\n");
    let actions = server
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri },
                "range": range((0, 0), (0, 0)),
                "context": { "diagnostics": [] },
            }),
        )
        .unwrap();
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Start spec from template feature-spec",
            "Start spec from template design-doc"
        ]
    );
    let edit = &actions[0]["edit"]["changes"][&uri][0];
    assert_eq!(actions[0]["kind"], json!("refactor.rewrite"));
    assert_eq!(edit["range"], range((0, 0), (2, 0)));
    let text = edit["newText"].as_str().unwrap();
    assert!(
        text.starts_with("---\nspec-id: AUTH-12\ntitle: Passkey login\n"),
        "{text}"
    );
    // A file with text gets no such action.
    server.change(&uri, 2, [[0, 0], [0, 0]], "# Notes");
    let actions = server
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri },
                "range": range((0, 0), (0, 0)),
                "context": { "diagnostics": [] },
            }),
        )
        .unwrap();
    assert_eq!(actions, json!([]));
    server.shutdown();
}
