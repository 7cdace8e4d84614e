//! Navigation across specs as an editor meets it: a workspace folder on disk, indexed
//! when the session starts; definition, references, hover, rename and workspace symbols;
//! the workspace diagnostics and files changed on disk.

use std::path::Path;

use serde_json::{Value, json};

use crate::support::{Server, codes, file_uri};

const LOGIN: &str = "---\nspec-id: AUTH-1\ntitle: Login\nstatus: approved\npriority: high\nowner: zoë\n---\n\n\
# Login\n\n## Overview\n\nLets people sign in.\n\n## Data Model\n\nUsers.\n";

const CHECKOUT: &str = "---\nspec-id: PAY-2\ntitle: Checkout\nstatus: draft\ndepends-on: [AUTH-1]\n---\n\n\
# Checkout\n\n## Overview\n\n🚀 日本 AUTH-1 signs in first. See [the model](../auth/login.md#data-model).\n";

struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    fn new(files: &[(&str, &str)]) -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        Workspace { dir }
    }

    fn path(&self, relative: &str) -> std::path::PathBuf {
        self.dir.path().join(relative)
    }

    fn uri(&self, relative: &str) -> String {
        file_uri(&self.path(relative))
    }

    fn start(&self) -> Server {
        let capabilities =
            json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
        let (mut server, _) = Server::start_with_root(&file_uri(self.dir.path()), capabilities);
        // The first scan is complete once workspace/symbol answers.
        server
            .request("workspace/symbol", json!({ "query": "" }))
            .unwrap();
        server
    }
}

fn standard() -> Workspace {
    Workspace::new(&[("auth/login.md", LOGIN), ("pay/checkout.md", CHECKOUT)])
}

fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
}

fn range(line: u32, start: u32, end: u32) -> Value {
    json!({ "start": { "line": line, "character": start }, "end": { "line": line, "character": end } })
}

/// Applies LSP text edits (UTF-16 columns) to a text.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |position: &Value| {
        let line = position["line"].as_u64().unwrap() as usize;
        let character = position["character"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut units = 0;
        for (i, c) in text[start..].char_indices() {
            if units >= character {
                return start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    let mut edits: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, new_text) in edits {
        out.replace_range(start..end, &new_text);
    }
    out
}

#[test]
fn definition_on_an_id_after_emoji_and_cjk_text() {
    let workspace = standard();
    let mut server = workspace.start();
    let checkout = workspace.uri("pay/checkout.md");
    server.open(&checkout, CHECKOUT);
    // `🚀 日本 ` is 2 + 1 + 2 + 1 UTF-16 units: the id starts at column 6.
    let found = server
        .request("textDocument/definition", at(&checkout, 11, 7))
        .unwrap();
    assert_eq!(found["uri"], json!(workspace.uri("auth/login.md")));
    assert_eq!(found["range"], range(1, 9, 15));
    // On the frontmatter list item too.
    let found = server
        .request("textDocument/definition", at(&checkout, 4, 13))
        .unwrap();
    assert_eq!(found["range"], range(1, 9, 15));
    server.shutdown();
}

#[test]
fn definition_on_a_link_with_an_anchor_is_the_heading() {
    let workspace = standard();
    let mut server = workspace.start();
    let checkout = workspace.uri("pay/checkout.md");
    server.open(&checkout, CHECKOUT);
    let line = CHECKOUT.lines().nth(11).unwrap();
    let column = line[..line.find("../auth").unwrap()].encode_utf16().count() as u32;
    let found = server
        .request("textDocument/definition", at(&checkout, 11, column + 3))
        .unwrap();
    assert_eq!(found["uri"], json!(workspace.uri("auth/login.md")));
    assert_eq!(found["range"], range(14, 3, 13));
    server.shutdown();
}

#[test]
fn references_span_files_with_and_without_the_declaration() {
    let workspace = standard();
    let mut server = workspace.start();
    let login = workspace.uri("auth/login.md");
    server.open(&login, LOGIN);
    let mut params = at(&login, 1, 10);
    params["context"] = json!({ "includeDeclaration": true });
    let found = server.request("textDocument/references", params.clone()).unwrap();
    let mut places: Vec<String> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let file = l["uri"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
            format!(
                "{file}:{}:{}",
                l["range"]["start"]["line"], l["range"]["start"]["character"]
            )
        })
        .collect();
    places.sort();
    assert_eq!(places, ["checkout.md:11:6", "checkout.md:4:13", "login.md:1:9"]);
    params["context"] = json!({ "includeDeclaration": false });
    let found = server.request("textDocument/references", params).unwrap();
    assert_eq!(found.as_array().unwrap().len(), 2);

    // A heading: the links to its anchor.
    let mut params = at(&login, 14, 5);
    params["context"] = json!({ "includeDeclaration": false });
    let found = server.request("textDocument/references", params).unwrap();
    assert_eq!(found.as_array().unwrap().len(), 1, "{found:#}");
    assert_eq!(found[0]["uri"], json!(workspace.uri("pay/checkout.md")));
    server.shutdown();
}

#[test]
fn hover_shows_the_target_spec() {
    let workspace = standard();
    let mut server = workspace.start();
    let checkout = workspace.uri("pay/checkout.md");
    server.open(&checkout, CHECKOUT);
    let hover = server
        .request("textDocument/hover", at(&checkout, 11, 8))
        .unwrap();
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("**AUTH-1** · Login"), "{text}");
    assert!(text.contains("status: `approved`"), "{text}");
    assert!(text.contains("owner: `zoë`"), "{text}");
    assert!(text.contains("../auth/login.md"), "{text}");
    assert!(text.contains("Lets people sign in."), "{text}");
    assert_eq!(hover["range"], range(11, 6, 12));
    // A frontmatter key: what it means.
    let hover = server.request("textDocument/hover", at(&checkout, 3, 2)).unwrap();
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("lifecycle") && text.contains("`draft`"), "{text}");
    server.shutdown();
}

#[test]
fn renaming_an_id_changes_every_reference() {
    let workspace = standard();
    let mut server = workspace.start();
    let login = workspace.uri("auth/login.md");
    let checkout = workspace.uri("pay/checkout.md");
    server.open(&login, LOGIN);
    let prepared = server
        .request("textDocument/prepareRename", at(&login, 1, 10))
        .unwrap();
    assert_eq!(
        prepared,
        json!({ "range": range(1, 9, 15), "placeholder": "AUTH-1" })
    );

    let refused = server
        .request("textDocument/rename", json!({ "textDocument": { "uri": login }, "position": { "line": 1, "character": 10 }, "newName": "PAY-2" }))
        .unwrap_err();
    assert!(
        refused["message"].as_str().unwrap().contains("already exists"),
        "{refused}"
    );
    let refused = server
        .request("textDocument/rename", json!({ "textDocument": { "uri": login }, "position": { "line": 1, "character": 10 }, "newName": "login one" }))
        .unwrap_err();
    assert!(
        refused["message"].as_str().unwrap().contains("not a spec id"),
        "{refused}"
    );

    let edit = server
        .request("textDocument/rename", json!({ "textDocument": { "uri": login }, "position": { "line": 1, "character": 10 }, "newName": "AUTH-9" }))
        .unwrap();
    let changes = &edit["changes"];
    let new_login = apply(LOGIN, changes[&login].as_array().unwrap());
    let new_checkout = apply(CHECKOUT, changes[&checkout].as_array().unwrap());
    assert_eq!(new_login, LOGIN.replace("AUTH-1", "AUTH-9"));
    assert_eq!(new_checkout, CHECKOUT.replace("AUTH-1", "AUTH-9"));
    server.shutdown();
}

#[test]
fn renaming_a_heading_changes_the_anchors_that_link_to_it() {
    let workspace = standard();
    let mut server = workspace.start();
    let login = workspace.uri("auth/login.md");
    let checkout = workspace.uri("pay/checkout.md");
    server.open(&login, LOGIN);
    let edit = server
        .request("textDocument/rename", json!({ "textDocument": { "uri": login }, "position": { "line": 14, "character": 4 }, "newName": "Stored Data" }))
        .unwrap();
    let changes = &edit["changes"];
    assert_eq!(
        apply(LOGIN, changes[&login].as_array().unwrap()),
        LOGIN.replace("## Data Model", "## Stored Data")
    );
    assert_eq!(
        apply(CHECKOUT, changes[&checkout].as_array().unwrap()),
        CHECKOUT.replace("#data-model", "#stored-data")
    );
    server.shutdown();
}

#[test]
fn workspace_symbols_are_fuzzy_and_ranked() {
    let workspace = standard();
    let mut server = workspace.start();
    let found = server
        .request("workspace/symbol", json!({ "query": "chk" }))
        .unwrap();
    assert_eq!(found[0]["name"], json!("PAY-2 Checkout"), "{found:#}");
    let found = server
        .request("workspace/symbol", json!({ "query": "data model" }))
        .unwrap();
    assert_eq!(found[0]["name"], json!("Data Model"));
    assert_eq!(found[0]["containerName"], json!("AUTH-1 Login"));
    assert_eq!(found[0]["location"]["range"], range(14, 3, 13));
    server.shutdown();
}

#[test]
fn workspace_diagnostics_appear_and_go_after_the_fix() {
    let workspace = Workspace::new(&[
        ("auth/login.md", LOGIN),
        ("pay/checkout.md", CHECKOUT),
        (
            "pay/refunds.md",
            "---\nspec-id: PAY-3\ntitle: Refunds\nstatus: draft\ndepends-on: [PAY-4]\n---\n\n# Refunds\n",
        ),
        (
            "pay/disputes.md",
            "---\nspec-id: PAY-4\ntitle: Disputes\nstatus: draft\ndepends-on: [PAY-3]\n---\n\n# Disputes\n",
        ),
    ]);
    let mut server = workspace.start();
    let notes = workspace.uri("notes.md");
    let text = "# Notes\n\nSee PAY-77, [gone](pay/none.md), [bad](auth/login.md#nope), UTF-8 and SHA-256.\n";
    server.open(&notes, text);
    let found = codes(&server.diagnostics(&notes, 1));
    // A note is not a spec: its links are checked, its ids are not.
    assert_eq!(found, ["broken-link", "broken-link"]);
    // Point the anchor at a heading that exists: one broken link is left.
    let line = "See PAY-77, [gone](pay/none.md), [bad](auth/login.md#nope), UTF-8 and SHA-256.";
    let at = line.find("nope").unwrap() as u32;
    server.change(&notes, 2, [[2, at], [2, at + 4]], "data-model");
    assert_eq!(codes(&server.diagnostics(&notes, 2)), ["broken-link"]);

    let draft = workspace.uri("draft.md");
    let text = "---\nspec-id: AUTH-1\nstatus: draft\ndepends-on: [PAY-77]\n---\n\nSee [[PAY-9]] and UTF-8.\n";
    server.open(&draft, text);
    let diagnostics = server.diagnostics(&draft, 1);
    let workspace_codes: Vec<String> = codes(&diagnostics)
        .into_iter()
        .filter(|c| ["duplicate-id", "unknown-reference"].contains(&c.as_str()))
        .collect();
    assert_eq!(
        workspace_codes,
        ["duplicate-id", "unknown-reference", "unknown-reference"]
    );
    let duplicate = diagnostics
        .iter()
        .find(|d| d["code"] == json!("duplicate-id"))
        .unwrap();
    assert_eq!(
        duplicate["relatedInformation"][0]["location"]["uri"],
        json!(workspace.uri("auth/login.md"))
    );
    // Fix the id: the duplicate goes; fix the references: they go too.
    server.change(&draft, 2, [[1, 9], [1, 15]], "AUTH-5");
    assert!(!codes(&server.diagnostics(&draft, 2)).contains(&"duplicate-id".to_string()));
    server.change(&draft, 3, [[3, 13], [3, 19]], "PAY-2");
    server.change(&draft, 4, [[6, 6], [6, 11]], "PAY-2");
    assert!(!codes(&server.diagnostics(&draft, 4)).contains(&"unknown-reference".to_string()));

    let refunds = workspace.uri("pay/refunds.md");
    let refunds_text = std::fs::read_to_string(workspace.path("pay/refunds.md")).unwrap();
    server.open(&refunds, &refunds_text);
    assert_eq!(
        cycle_message(&server.diagnostics(&refunds, 1)).as_deref(),
        Some("dependency cycle: PAY-3 -> PAY-4 -> PAY-3")
    );
    server.change(&refunds, 2, [[4, 12], [4, 19]], "[]");
    assert!(!codes(&server.diagnostics(&refunds, 2)).contains(&"dependency-cycle".to_string()));
    server.shutdown();
}

/// The message of the first dependency-cycle diagnostic.
fn cycle_message(diagnostics: &[Value]) -> Option<String> {
    diagnostics
        .iter()
        .find(|d| d["code"] == json!("dependency-cycle"))
        .and_then(|d| d["message"].as_str())
        .map(str::to_string)
}

#[test]
fn the_spec_graph_is_checked() {
    let workspace = Workspace::new(&[
        (
            "a.md",
            "---\nspec-id: GR-1\nstatus: approved\ndepends-on: [GR-2]\nsupersedes: [GR-3]\n---\n\n# A\n",
        ),
        ("b.md", "---\nspec-id: GR-2\nstatus: draft\n---\n\n# B\n"),
        ("c.md", "---\nspec-id: GR-3\nstatus: deprecated\n---\n\n# C\n"),
    ]);
    let mut server = workspace.start();
    let a = workspace.uri("a.md");
    let text = std::fs::read_to_string(workspace.path("a.md")).unwrap();
    server.open(&a, &text);
    let diagnostics = server.diagnostics(&a, 1);
    let graph: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| ["dependency-status", "supersedes-mismatch"].contains(&d["code"].as_str().unwrap()))
        .collect();
    assert_eq!(graph.len(), 2, "{diagnostics:#?}");
    assert_eq!(graph[0]["severity"], json!(4));
    // The other side lists it back, on disk: the mismatch goes.
    let c = workspace.path("c.md");
    std::fs::write(
        &c,
        "---\nspec-id: GR-3\nstatus: deprecated\nsuperseded-by: [GR-1]\n---\n\n# C\n",
    )
    .unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&c), "type": 2 }] }),
    );
    let found = codes(&server.diagnostics(&a, 1));
    assert!(!found.contains(&"supersedes-mismatch".to_string()), "{found:?}");
    assert!(found.contains(&"dependency-status".to_string()), "{found:?}");
    server.shutdown();
}

#[test]
fn a_cycle_closed_in_one_spec_is_shown_in_an_open_spec_it_runs_through() {
    let workspace = Workspace::new(&[
        (
            "a.md",
            "---\nspec-id: GR-1\nstatus: draft\ndepends-on: [GR-2]\n---\n\n# A\n",
        ),
        (
            "b.md",
            "---\nspec-id: GR-2\nstatus: draft\ndepends-on: [GR-3]\n---\n\n# B\n",
        ),
        ("c.md", "---\nspec-id: GR-3\nstatus: draft\n---\n\n# C\n"),
    ]);
    let mut server = workspace.start();
    let (a, c) = (workspace.uri("a.md"), workspace.uri("c.md"));
    server.open(&a, &std::fs::read_to_string(workspace.path("a.md")).unwrap());
    assert!(!codes(&server.diagnostics(&a, 1)).contains(&"dependency-cycle".to_string()));
    server.open(&c, &std::fs::read_to_string(workspace.path("c.md")).unwrap());
    server.diagnostics(&c, 1);
    // A names neither C nor its id: only the cycle through it tells it of the change.
    server.change(&c, 2, [[3, 0], [3, 0]], "depends-on: [GR-1]\n");
    assert_eq!(
        cycle_message(&server.diagnostics(&a, 1)).as_deref(),
        Some("dependency cycle: GR-1 -> GR-2 -> GR-3 -> GR-1"),
        "the cycle C closed, shown in A"
    );
    server.change(&c, 3, [[3, 0], [4, 0]], "");
    assert!(!codes(&server.diagnostics(&a, 1)).contains(&"dependency-cycle".to_string()));
    server.shutdown();
}

#[test]
fn renaming_an_id_in_one_document_lights_up_its_references_in_another() {
    let workspace = standard();
    let mut server = workspace.start();
    let login = workspace.uri("auth/login.md");
    let checkout = workspace.uri("pay/checkout.md");
    server.open(&checkout, CHECKOUT);
    assert!(!codes(&server.diagnostics(&checkout, 1)).contains(&"unknown-reference".to_string()));
    server.open(&login, LOGIN);
    server.diagnostics(&login, 1);
    server.change(&login, 2, [[1, 9], [1, 15]], "AUTH-2");
    let found = codes(&server.diagnostics(&checkout, 1));
    assert_eq!(
        found.iter().filter(|c| *c == "unknown-reference").count(),
        2,
        "{found:?}"
    );
    server.shutdown();
}

#[test]
fn files_created_changed_and_deleted_on_disk() {
    let workspace = standard();
    let mut server = workspace.start();
    let draft = workspace.uri("draft.md");
    server.open(&draft, "---\nspec-id: AUTH-3\n---\n\nNeeds AUTH-7.\n");
    assert!(codes(&server.diagnostics(&draft, 1)).contains(&"unknown-reference".to_string()));

    let created = workspace.path("auth/mfa.md");
    let watched = |server: &mut Server, path: &Path, kind: u32| {
        server.notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": [{ "uri": file_uri(path), "type": kind }] }),
        );
    };
    std::fs::write(&created, "---\nspec-id: AUTH-7\ntitle: MFA\n---\n\n# MFA\n").unwrap();
    watched(&mut server, &created, 1);
    assert!(!codes(&server.diagnostics(&draft, 1)).contains(&"unknown-reference".to_string()));

    std::fs::write(&created, "---\nspec-id: AUTH-8\ntitle: MFA\n---\n\n# MFA\n").unwrap();
    watched(&mut server, &created, 2);
    assert!(codes(&server.diagnostics(&draft, 1)).contains(&"unknown-reference".to_string()));

    std::fs::write(&created, "---\nspec-id: AUTH-7\ntitle: MFA\n---\n\n# MFA\n").unwrap();
    watched(&mut server, &created, 2);
    assert!(!codes(&server.diagnostics(&draft, 1)).contains(&"unknown-reference".to_string()));

    std::fs::remove_file(&created).unwrap();
    watched(&mut server, &created, 3);
    assert!(codes(&server.diagnostics(&draft, 1)).contains(&"unknown-reference".to_string()));
    server.shutdown();
}

#[test]
fn indexing_reports_progress_to_clients_that_support_it() {
    let workspace = standard();
    let capabilities = json!({ "window": { "workDoneProgress": true } });
    let (mut server, _) = Server::start_with_root(&file_uri(workspace.dir.path()), capabilities);
    server.wait_for("window/workDoneProgress/create", |_| true);
    let begin = server.wait_for("$/progress", |p| p["value"]["kind"] == json!("begin"));
    assert_eq!(begin["value"]["title"], json!("Indexing specs"));
    let end = server.wait_for("$/progress", |p| p["value"]["kind"] == json!("end"));
    assert_eq!(end["value"]["message"], json!("2 files"));
    assert_eq!(begin["token"], end["token"]);
    server.shutdown();
}

#[test]
fn definition_on_a_link_to_a_folder_opens_its_readme() {
    let checkout = "# Checkout\n\nSee [the login KEP](../auth/) and [notes](../notes/).\n";
    let workspace = Workspace::new(&[
        ("auth/README.md", "# Login KEP\n\nText.\n"),
        ("pay/checkout.md", checkout),
        ("notes/todo.txt", "nothing\n"),
    ]);
    let mut server = workspace.start();
    let uri = workspace.uri("pay/checkout.md");
    server.open(&uri, checkout);
    let found = server
        .request("textDocument/definition", at(&uri, 2, 24))
        .unwrap();
    assert_eq!(found["uri"], json!(workspace.uri("auth/README.md")));
    assert_eq!(found["range"], range(0, 2, 11));
    server.shutdown();
}

/// EIPs name each other by number (`requires: 1`) and by link (`./eip-1.md`): both are
/// references to the spec.
#[test]
fn references_to_a_configured_id_include_links_to_its_file() {
    let config = "id-field: eip\nid-pattern: \"[0-9]+\"\ntemplates:\n  - name: eip\n    file: eip-template.md\n    match: [\"EIPS/*.md\"]\n    fields:\n      requires: {type: reference}\n";
    let one = "---\neip: 1\ntitle: One\nstatus: Final\n---\n\n## Abstract\n\nOne.\n";
    let two = "---\neip: 2\ntitle: Two\nstatus: Final\nrequires: 1\n---\n\n## Abstract\n\nSee [EIP-1](./eip-1.md).\n";
    let workspace = Workspace::new(&[
        (".specls.yaml", config),
        ("eip-template.md", "---\neip: <number>\n---\n\n## Abstract\n"),
        ("EIPS/eip-1.md", one),
        ("EIPS/eip-2.md", two),
    ]);
    let mut server = workspace.start();
    let uri = workspace.uri("EIPS/eip-1.md");
    server.open(&uri, one);
    let mut params = at(&uri, 1, 5);
    params["context"] = json!({ "includeDeclaration": false });
    let found = server.request("textDocument/references", params).unwrap();
    let mut places: Vec<String> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let file = l["uri"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
            format!(
                "{file}:{}:{}",
                l["range"]["start"]["line"], l["range"]["start"]["character"]
            )
        })
        .collect();
    places.sort();
    assert_eq!(places, ["eip-2.md:4:10", "eip-2.md:9:12"], "{found:#}");
    server.shutdown();
}
