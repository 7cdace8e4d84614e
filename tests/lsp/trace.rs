//! Spec sets as an editor meets them: a copy of the spec-kit and Kiro fixtures
//! (`tests/fixtures/spec-kit`, `tests/fixtures/kiro`, no `.specls.yaml`) opened in the
//! real server; traceability diagnostics that follow edits of another file of the set,
//! navigation, lenses, inlay hints and completion. Cursor places are written as the
//! text around them with `$0` where the cursor is.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::support::{Server, codes, copy_dir, file_uri, repo_root};

struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    fn fixture(name: &str) -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&repo_root().join("tests/fixtures").join(name), dir.path());
        Workspace { dir }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    fn uri(&self, relative: &str) -> String {
        file_uri(&self.path(relative))
    }

    fn text(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).unwrap()
    }

    fn start(&self, options: Value) -> Server {
        let mut server = Server::spawn();
        let root = file_uri(self.dir.path());
        server
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": root,
                    "workspaceFolders": [{ "uri": root, "name": "workspace" }],
                    "capabilities": {
                        "textDocument": { "documentSymbol": { "hierarchicalDocumentSymbolSupport": true } }
                    },
                    "initializationOptions": options,
                }),
            )
            .unwrap();
        server.notify("initialized", json!({}));
        server
            .request("workspace/symbol", json!({ "query": "" }))
            .unwrap();
        server
    }

    /// Opens a file of the workspace with its text on disk.
    fn open(&self, server: &mut Server, relative: &str) -> (String, String) {
        let (uri, text) = (self.uri(relative), self.text(relative));
        server.open(&uri, &text);
        (uri, text)
    }
}

/// The LSP position of `$0` in `around`, which must occur once in `text` without it.
fn position(text: &str, around: &str) -> Value {
    let cursor = around.find("$0").expect("a $0 marker");
    let needle = around.replace("$0", "");
    let start = text
        .find(&needle)
        .unwrap_or_else(|| panic!("`{needle}` is not in the text"));
    assert_eq!(text.matches(&needle).count(), 1, "`{needle}` occurs once");
    let offset = start + cursor;
    let line = text[..offset].matches('\n').count();
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let character: usize = text[line_start..offset].chars().map(char::len_utf16).sum();
    json!({ "line": line, "character": character })
}

fn at(uri: &str, position: Value) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": position })
}

/// The line and text of each diagnostic, as `line code: message`.
fn rendered(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| {
            format!(
                "{} {}: {}",
                d["range"]["start"]["line"].as_u64().unwrap() + 1,
                d["code"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect()
}

const SPEC: &str = "specs/001-photo-albums/spec.md";
const TASKS: &str = "specs/001-photo-albums/tasks.md";

#[test]
fn a_spec_kit_set_is_checked_without_configuration() {
    let workspace = Workspace::fixture("spec-kit");
    let mut server = workspace.start(json!({}));
    // Each waited for before the next is opened: waiting for one file's diagnostics
    // drops those of others published before.
    let (spec, _) = workspace.open(&mut server, SPEC);
    let spec_diagnostics = rendered(&server.diagnostics(&spec, 1)).join("\n");
    let (tasks, _) = workspace.open(&mut server, TASKS);
    let tasks_diagnostics = rendered(&server.diagnostics(&tasks, 1)).join("\n");
    insta::assert_snapshot!(
        "spec_kit_diagnostics",
        [spec_diagnostics, tasks_diagnostics].join("\n---\n")
    );
    server.shutdown();
}

/// A task citing FR-004 in tasks.md covers it in spec.md at once, and taking it away
/// uncovers it again: the set's other open files are checked again.
#[test]
fn an_edit_in_one_file_of_the_set_updates_the_findings_of_another() {
    let workspace = Workspace::fixture("spec-kit");
    let mut server = workspace.start(json!({}));
    let (spec, _) = workspace.open(&mut server, SPEC);
    let uncovered_fr4 = |diagnostics: &[Value]| {
        diagnostics.iter().any(|d| {
            d["code"] == json!("uncovered-requirement") && d["message"].as_str().unwrap().contains("FR-004")
        })
    };
    assert!(uncovered_fr4(&server.diagnostics(&spec, 1)));
    let (tasks, text) = workspace.open(&mut server, TASKS);
    server.diagnostics(&tasks, 1);
    let end = position(&text, "(FR-005) in src/albums.rs$0");
    let line = end["line"].as_u64().unwrap() as u32;
    let character = end["character"].as_u64().unwrap() as u32;
    server.change(
        &tasks,
        2,
        [[line, character], [line, character]],
        "\n- [ ] T009 Expire links (FR-004)",
    );
    server.diagnostics(&tasks, 2);
    server.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == json!(spec) && !uncovered_fr4(p["diagnostics"].as_array().unwrap())
    });
    server.change(&tasks, 3, [[line, character], [line + 1, 32]], "");
    server.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == json!(spec) && uncovered_fr4(p["diagnostics"].as_array().unwrap())
    });
    server.shutdown();
}

/// Hover, definition and references at each place, data-driven: one snapshot of
/// what each request answers.
#[test]
fn navigation_over_the_ids_of_a_set() {
    let workspace = Workspace::fixture("spec-kit");
    let mut server = workspace.start(json!({}));
    let (tasks, tasks_text) = workspace.open(&mut server, TASKS);
    let (spec, spec_text) = workspace.open(&mut server, SPEC);
    let cases: &[(&str, &str)] = &[
        (TASKS, "creating an album ($0FR-001)"),
        (TASKS, "T004 [$0US1]"),
        (TASKS, "(depends on T0$002)"),
        (TASKS, "Expire share links (FR-0$007)"),
        (SPEC, "- **FR-00$02**"),
        (SPEC, "User Story $02"),
    ];
    let mut out = String::new();
    for (file, around) in cases {
        let (uri, text) = if *file == TASKS {
            (&tasks, &tasks_text)
        } else {
            (&spec, &spec_text)
        };
        let place = at(uri, position(text, around));
        out.push_str(&format!("== {file}: {around}\n"));
        let hover = server.request("textDocument/hover", place.clone()).unwrap();
        out.push_str(&format!(
            "hover:\n{}\n",
            hover["contents"]["value"].as_str().unwrap_or("(none)")
        ));
        let definition = server.request("textDocument/definition", place.clone()).unwrap();
        out.push_str(&format!("definition: {}\n", locations(&workspace, &definition)));
        let mut references = place.clone();
        references["context"] = json!({ "includeDeclaration": true });
        let references = server.request("textDocument/references", references).unwrap();
        out.push_str(&format!("references: {}\n\n", locations(&workspace, &references)));
    }
    insta::assert_snapshot!("spec_kit_navigation", out);
    server.shutdown();
}

/// `file:line:character` of each location, relative to the workspace.
fn locations(workspace: &Workspace, found: &Value) -> String {
    let list: Vec<Value> = match found {
        Value::Array(items) => items.clone(),
        Value::Null => Vec::new(),
        one => vec![one.clone()],
    };
    let root = file_uri(workspace.dir.path());
    let shown: Vec<String> = list
        .iter()
        .map(|l| {
            format!(
                "{}:{}:{}",
                l["uri"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches(&root)
                    .trim_start_matches('/'),
                l["range"]["start"]["line"].as_u64().unwrap() + 1,
                l["range"]["start"]["character"]
            )
        })
        .collect();
    if shown.is_empty() {
        "(none)".to_string()
    } else {
        shown.join(", ")
    }
}

#[test]
fn renaming_a_requirement_changes_the_set() {
    let workspace = Workspace::fixture("spec-kit");
    let mut server = workspace.start(json!({}));
    let (spec, spec_text) = workspace.open(&mut server, SPEC);
    let tasks = workspace.uri(TASKS);
    let place = at(&spec, position(&spec_text, "- **FR-0$001**"));
    let prepared = server
        .request("textDocument/prepareRename", place.clone())
        .unwrap();
    assert_eq!(prepared["placeholder"], json!("FR-001"));
    let mut rename = place.clone();
    rename["newName"] = json!("FR-002");
    let refused = server.request("textDocument/rename", rename.clone()).unwrap_err();
    assert!(
        refused["message"].as_str().unwrap().contains("already defined"),
        "{refused}"
    );
    rename["newName"] = json!("FR-010");
    let edit = server.request("textDocument/rename", rename).unwrap();
    let count = |uri: &str| edit["changes"][uri].as_array().map_or(0, Vec::len);
    assert_eq!((count(&spec), count(&tasks)), (1, 2), "{edit:#}");
    assert!(
        edit["changes"][&tasks]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["newText"] == json!("FR-010"))
    );
    server.shutdown();
}

#[test]
fn lenses_hints_and_symbols() {
    let workspace = Workspace::fixture("spec-kit");
    let mut server = workspace.start(json!({}));
    let (spec, _) = workspace.open(&mut server, SPEC);
    let (tasks, tasks_text) = workspace.open(&mut server, TASKS);
    let lenses = |server: &mut Server, uri: &str| -> Vec<String> {
        let found = server
            .request("textDocument/codeLens", json!({ "textDocument": { "uri": uri } }))
            .unwrap();
        found
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                format!(
                    "{} {}",
                    l["range"]["start"]["line"].as_u64().unwrap() + 1,
                    l["command"]["title"].as_str().unwrap()
                )
            })
            .collect()
    };
    let spec_lenses = lenses(&mut server, &spec);
    assert!(
        spec_lenses.contains(&"30 2 tasks (1 done) · 1 test".to_string()),
        "{spec_lenses:?}"
    );
    assert!(
        spec_lenses.contains(&"33 no task cites it".to_string()),
        "{spec_lenses:?}"
    );
    let task_lenses = lenses(&mut server, &tasks);
    assert_eq!(task_lenses[0], "1 4/8 done");
    assert!(
        task_lenses.contains(&"10 2/3 done".to_string()),
        "{task_lenses:?}"
    );

    let lines = tasks_text.lines().count() as u32;
    let hints = server
        .request(
            "textDocument/inlayHint",
            json!({ "textDocument": { "uri": tasks }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": lines, "character": 0 } } }),
        )
        .unwrap();
    let hints: Vec<String> = hints
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            format!(
                "{}:{}{}",
                h["position"]["line"],
                h["position"]["character"],
                h["label"].as_str().unwrap()
            )
        })
        .collect();
    let fr1 = position(&tasks_text, "creating an album (FR-001$0)");
    assert!(
        hints.contains(&format!(
            "{}:{}: System MUST let a signed-in person create an album with a n…",
            fr1["line"], fr1["character"]
        )),
        "{hints:#?}"
    );
    assert!(
        hints.iter().any(|h| h.ends_with(": Create an album")),
        "[US1]: {hints:#?}"
    );
    assert!(
        !hints.iter().any(|h| h.contains("FR-007")),
        "unknown ids get none"
    );

    let symbols = crate::support::render_symbols(&server.document_symbols(&spec));
    insta::assert_snapshot!("spec_kit_spec_symbols", symbols);
    server.shutdown();
}

#[test]
fn a_kiro_set_with_ears_turned_on_and_completion_of_criteria() {
    let workspace = Workspace::fixture("kiro");
    let mut server = workspace.start(json!({ "severity": { "ears-form": "warning" } }));
    let (requirements, _) = workspace.open(&mut server, ".kiro/specs/sign-in/requirements.md");
    assert_eq!(
        rendered(&server.diagnostics(&requirements, 1)),
        [
            "27 ears-form: acceptance criterion 2.2 is not in EARS form (WHEN/WHILE/IF/WHERE … SHALL …, or THE … SHALL …)",
            "29 uncovered-requirement: requirement `Requirement 3` is not covered: no task cites it",
        ]
    );
    let (design, _) = workspace.open(&mut server, ".kiro/specs/sign-in/design.md");
    assert_eq!(codes(&server.diagnostics(&design, 1)), ["unknown-requirement"]);

    let (tasks, text) = workspace.open(&mut server, ".kiro/specs/sign-in/tasks.md");
    let place = position(&text, "_Requirements: 2.1, 2.$02_");
    let found = server
        .request("textDocument/completion", at(&tasks, place))
        .unwrap();
    let labels: Vec<&str> = found["items"]
        .as_array()
        .or(found.as_array())
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["2.1", "2.2"]);
    server.shutdown();
}

/// `**Status**: ` and `**Created**: ` in a spec-kit spec are completed as the
/// frontmatter's `status:` and `created:` are, in the case spec-kit writes them.
#[test]
fn bold_metadata_values_are_completed() {
    let workspace = Workspace::fixture("spec-kit");
    let mut server = workspace.start(json!({}));
    let (spec, text) = workspace.open(&mut server, SPEC);
    let place = position(&text, "**Status**: Dr$0aft");
    let found = server
        .request("textDocument/completion", at(&spec, place.clone()))
        .unwrap();
    let items = found["items"].as_array().or(found.as_array()).unwrap().clone();
    let labels: Vec<&str> = items.iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(
        labels[..2],
        ["Review", "Approved"],
        "the next lifecycle steps first"
    );
    let line = place["line"].clone();
    assert_eq!(
        items[0]["textEdit"]["range"],
        json!({ "start": { "line": line, "character": 12 }, "end": { "line": line, "character": 17 } }),
        "the whole value is replaced"
    );
    let place = position(&text, "**Created**: $02026-01-12");
    let found = server
        .request("textDocument/completion", at(&spec, place))
        .unwrap();
    let items = found["items"].as_array().or(found.as_array()).unwrap();
    assert_eq!(items.len(), 1);
    let today = items[0]["label"].as_str().unwrap();
    assert!(today.len() == 10 && today.as_bytes()[4] == b'-', "{today}");
    server.shutdown();
}

const PLAN: &str = "specs/001-photo-albums/plan.md";
const PLAN_TEMPLATE: &str = ".specify/templates/plan-template.md";

/// The repository's `.specify/templates/plan-template.md` is `plan.md`'s template: a
/// template created on disk (announced with `workspace/didChangeWatchedFiles`) brings its
/// mandatory sections' findings to the open plan, an edit of it moves them, and its
/// removal takes them away.
#[test]
fn spec_kit_templates_on_disk_are_followed() {
    let workspace = Workspace::fixture("spec-kit");
    let template_path = workspace.path(PLAN_TEMPLATE);
    let written = workspace.text(PLAN_TEMPLATE);
    std::fs::remove_file(&template_path).unwrap();
    let mut server = workspace.start(json!({}));
    let (plan, _) = workspace.open(&mut server, PLAN);
    let missing = |diagnostics: &[Value]| -> Vec<String> {
        diagnostics
            .iter()
            .filter(|d| d["code"] == "missing-section")
            .map(|d| d["message"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(missing(&server.diagnostics(&plan, 1)), Vec::<String>::new());
    let announce = |server: &mut Server, kind: u32| {
        server.notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": [{ "uri": workspace.uri(PLAN_TEMPLATE), "type": kind }] }),
        );
    };

    // The fixture's template requires what the plan has; one more mandatory section.
    let with_research = written.replace(
        "## Project Structure",
        "## Research *(mandatory)*\n\n[What was looked into]\n\n## Project Structure",
    );
    std::fs::write(&template_path, &with_research).unwrap();
    announce(&mut server, 1);
    assert_eq!(
        missing(&server.settled_diagnostics(&plan, 1)),
        ["missing section `## Research *(mandatory)*` (template .specify/templates/plan-template.md)"]
    );

    std::fs::write(
        &template_path,
        with_research.replace("Research *(mandatory)*", "Research"),
    )
    .unwrap();
    announce(&mut server, 2);
    assert_eq!(
        missing(&server.settled_diagnostics(&plan, 1)),
        Vec::<String>::new()
    );

    std::fs::write(&template_path, &with_research).unwrap();
    announce(&mut server, 2);
    assert_eq!(missing(&server.settled_diagnostics(&plan, 1)).len(), 1);
    std::fs::remove_file(&template_path).unwrap();
    announce(&mut server, 3);
    assert_eq!(
        missing(&server.settled_diagnostics(&plan, 1)),
        Vec::<String>::new()
    );
    server.shutdown();
}

const SEED_SPEC: &str = "---\nspec-id: AUTH-1\ntitle: Login\nstatus: draft\n---\n\n# Login\n\n## Requirements\n\n\
    ### Functional Requirements\n\n1. **Password login**: a customer signs in with email and password.\n\
    2. **Logout**: ends the session on the server.\n\n## Task Breakdown\n\n\
    1. [x] **Session table** (estimate: 3 hours)\n2. [ ] **Password endpoint** for FR-1 (estimate: 6 hours)\n\
    \x20  - 2.1 [ ] Tests for FR-1 (depends on 1)\n";

/// A spec of the feature-spec seed: its numbered requirements (`FR-1`) and tasks (`2.1`)
/// are symbols, a task's `FR-1` goes to the requirement, and no traceability finding
/// appears (the seed asks for none).
#[test]
fn seed_spec_ids_navigate() {
    let workspace = Workspace {
        dir: tempfile::tempdir().unwrap(),
    };
    std::fs::create_dir(workspace.path(".git")).unwrap();
    std::fs::create_dir(workspace.path("specs")).unwrap();
    std::fs::write(workspace.path("specs/login.md"), SEED_SPEC).unwrap();
    let mut server = workspace.start(json!({}));
    let (spec, text) = workspace.open(&mut server, "specs/login.md");
    let found = codes(&server.diagnostics(&spec, 1));
    let trace_codes = [
        "uncovered-requirement",
        "unknown-requirement",
        "duplicate-requirement",
        "unknown-task",
        "task-cycle",
        "task-status",
    ];
    assert!(
        !found.iter().any(|c| trace_codes.contains(&c.as_str())),
        "{found:?}"
    );

    let cite = at(&spec, position(&text, "endpoint** for FR-$01"));
    let definition = server.request("textDocument/definition", cite.clone()).unwrap();
    assert_eq!(locations(&workspace, &definition), "specs/login.md:13:0");
    let mut references = cite.clone();
    references["context"] = json!({ "includeDeclaration": true });
    let references = server.request("textDocument/references", references).unwrap();
    assert_eq!(
        locations(&workspace, &references),
        "specs/login.md:13:0, specs/login.md:19:33, specs/login.md:20:23"
    );
    let hover = server.request("textDocument/hover", cite).unwrap();
    let hover = hover["contents"]["value"].as_str().unwrap();
    assert!(
        hover.starts_with("**FR-1** · requirement\n\nPassword login: a customer signs in"),
        "{hover}"
    );
    assert!(hover.contains("2 tasks (0 done)"), "{hover}");

    let depends = at(&spec, position(&text, "(depends on $01)"));
    let definition = server.request("textDocument/definition", depends).unwrap();
    assert_eq!(locations(&workspace, &definition), "specs/login.md:18:0");

    let symbols = crate::support::render_symbols(&server.document_symbols(&spec));
    for id in ["FR-1", "FR-2", "2.1"] {
        assert!(symbols.contains(id), "{id} in\n{symbols}");
    }
    server.shutdown();
}

/// Id shapes of `.specls.yaml` (`trace.ids`): `REQ_1` (no built-in shape) is a
/// requirement of the set and `WI-1` a task, so a task's `REQ_1` goes to the spec, its
/// `depends on WI-2` to the task, and the requirement no task cites is uncovered.
#[test]
fn configured_id_shapes_are_symbols_of_the_set() {
    let workspace = Workspace {
        dir: tempfile::tempdir().unwrap(),
    };
    std::fs::create_dir(workspace.path(".git")).unwrap();
    std::fs::create_dir_all(workspace.path("specs/001-a")).unwrap();
    std::fs::write(
        workspace.path(".specls.yaml"),
        "trace:\n  ids:\n    - { pattern: \"REQ_[0-9]+\", kind: requirement }\n    - { pattern: \"WI-[0-9]+\", kind: task }\n",
    )
    .unwrap();
    std::fs::write(
        workspace.path("specs/001-a/spec.md"),
        "# Spec\n\n## Requirements\n\n- **REQ_1**: Users MUST sign in.\n- **REQ_2**: Users MUST sign out.\n",
    )
    .unwrap();
    std::fs::write(
        workspace.path("specs/001-a/tasks.md"),
        "# Tasks\n\n- [ ] WI-1 Build REQ_1 (depends on WI-2)\n- [x] WI-2 Plan the sign-in\n",
    )
    .unwrap();
    let mut server = workspace.start(json!({}));
    let (spec, _) = workspace.open(&mut server, "specs/001-a/spec.md");
    assert_eq!(
        rendered(&server.diagnostics(&spec, 1)),
        ["6 uncovered-requirement: requirement `REQ_2` is not covered: no task cites it"]
    );
    let (tasks, text) = workspace.open(&mut server, "specs/001-a/tasks.md");
    assert_eq!(rendered(&server.diagnostics(&tasks, 1)), Vec::<String>::new());
    let definition = server
        .request(
            "textDocument/definition",
            at(&tasks, position(&text, "Build REQ$0_1")),
        )
        .unwrap();
    assert_eq!(locations(&workspace, &definition), "specs/001-a/spec.md:5:4");
    let definition = server
        .request(
            "textDocument/definition",
            at(&tasks, position(&text, "depends on WI-$02")),
        )
        .unwrap();
    assert_eq!(locations(&workspace, &definition), "specs/001-a/tasks.md:4:6");
    let hover = server
        .request("textDocument/hover", at(&tasks, position(&text, "Build REQ$0_1")))
        .unwrap();
    let hover = hover["contents"]["value"].as_str().unwrap();
    assert!(hover.starts_with("**REQ_1** · requirement"), "{hover}");
    server.shutdown();
}
