//! Many open documents: each is checked and published once, others only when a change
//! can alter their findings, and memory goes back down when they close.

use std::time::Duration;

use serde_json::{Value, json};

use crate::support::{Server, file_uri, seed};

/// The feature-spec seed filled in as spec `MANY-n`, naming the spec before it.
fn filled_seed(template: &str, n: usize) -> String {
    template
        .replace("{{SPEC_ID}}", &format!("MANY-{n}"))
        .replace("{{TITLE}}", &format!("Spec {n}"))
        .replace("{{STATUS}}", "draft")
        .replace("{{PRIORITY}}", "high")
        .replace("{{OWNER}}", "ana")
        .replace("{{CREATED}}", "2026-01-02")
        .replace("{{UPDATED}}", "2026-01-03")
        .replace("{{TAGS}}", "[many]")
        .replace(
            "{{DESCRIPTION}}",
            &format!("Builds on MANY-{}.", n.saturating_sub(1)),
        )
}

/// A server for a fresh workspace folder with `count` filled seeds open, `spec-0.md` on.
fn open_filled_seeds(count: usize) -> (Server, tempfile::TempDir, Vec<String>) {
    let template = std::fs::read_to_string(seed("feature-spec-template.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (mut server, _) = Server::start_with_root(&file_uri(dir.path()), json!({}));
    let uris: Vec<String> = (0..count)
        .map(|n| format!("{}/spec-{n}.md", file_uri(dir.path())))
        .collect();
    for (n, uri) in uris.iter().enumerate() {
        server.open(uri, &filled_seed(&template, n));
    }
    (server, dir, uris)
}

fn publishes(messages: &[Value]) -> Vec<&Value> {
    messages
        .iter()
        .filter(|m| m["method"] == json!("textDocument/publishDiagnostics"))
        .collect()
}

#[test]
fn opening_many_documents_publishes_each_about_once() {
    const OPEN: usize = 300;
    let (mut server, _dir, uris) = open_filled_seeds(OPEN);
    let messages = server.drain(Duration::from_secs(2));
    let published = publishes(&messages);
    // Each document once, and again at most when the spec it names was opened after its
    // own check had run.
    assert!(
        published.len() >= OPEN && published.len() <= 2 * OPEN,
        "{} publishes for {OPEN} documents",
        published.len()
    );
    for uri in &uris {
        let last = published
            .iter()
            .rev()
            .find(|p| p["params"]["uri"] == json!(uri))
            .unwrap_or_else(|| panic!("{uri} was never published"));
        let unknown = last["params"]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == json!("unknown-reference"))
            .count();
        assert_eq!(unknown, 0, "{uri}: {last}");
    }
    // Each open document costs its text and model: re-publishing every other one on each
    // open (issue 15) took 672 MB for 600.
    let peak = server.peak_resident_mb();
    assert!(
        peak < 150,
        "{peak} MB resident at the peak with {OPEN} documents open"
    );
    // Closing them clears each; a spec that was never saved is gone with its buffer, so
    // the one naming it (if still open) may be published once more.
    for uri in &uris {
        server.notify("textDocument/didClose", json!({ "textDocument": { "uri": uri } }));
    }
    let messages = server.drain(Duration::from_secs(2));
    let after_close = publishes(&messages);
    assert!(after_close.len() <= 2 * OPEN, "{} publishes", after_close.len());
    for uri in &uris {
        let last = after_close
            .iter()
            .rev()
            .find(|p| p["params"]["uri"] == json!(uri))
            .unwrap_or_else(|| panic!("{uri} was never cleared"));
        assert_eq!(last["params"]["diagnostics"], json!([]), "{uri}");
    }
    server.shutdown();
}

/// Opened documents are read by the fast reader and hold no syntax trees; edited ones
/// are parsed in the background, and beyond the few edited last they are put to rest
/// (trees dropped, text and model kept): each is still edited, checked and completed
/// exactly.
#[test]
fn documents_at_rest_are_edited_checked_and_completed_as_any() {
    const OPEN: usize = 80;
    const EDITED: usize = 40;
    let (mut server, _dir, uris) = open_filled_seeds(OPEN);
    let template = std::fs::read_to_string(seed("feature-spec-template.md")).unwrap();
    server.drain(Duration::from_secs(2));
    let holds_tree = |server: &mut Server, uri: &str| server.document_state(uri)["holdsTree"].clone();
    assert_eq!(
        holds_tree(&mut server, &uris[OPEN - 1]),
        json!(false),
        "opening parses nothing"
    );
    // A trailing space at the end of line 1 (`spec-id: MANY-n`), one document at a time.
    for (n, uri) in uris.iter().take(EDITED).enumerate() {
        let end = format!("spec-id: MANY-{n}").len() as u32;
        server.change(uri, 2, [[1, end], [1, end]], " ");
        server.diagnostics(uri, 2);
    }
    server.drain(Duration::from_secs(1));
    // One more check commits, and rests all but the documents edited last.
    let end = format!("spec-id: MANY-{}", OPEN - 1).len() as u32;
    server.change(&uris[OPEN - 1], 2, [[1, end], [1, end]], " ");
    server.diagnostics(&uris[OPEN - 1], 2);
    assert_eq!(
        holds_tree(&mut server, &uris[0]),
        json!(false),
        "the first edited is at rest"
    );
    assert_eq!(
        holds_tree(&mut server, &uris[EDITED - 1]),
        json!(true),
        "one edited last keeps its trees"
    );

    // Completion reads the trees: they come back for it.
    let completion = server
        .request(
            "textDocument/completion",
            json!({ "textDocument": { "uri": uris[1] }, "position": { "line": 4, "character": 10 } }),
        )
        .unwrap();
    let items = completion
        .get("items")
        .unwrap_or(&completion)
        .as_array()
        .unwrap()
        .clone();
    let labels: Vec<&str> = items.iter().filter_map(|i| i["label"].as_str()).collect();
    assert!(labels.contains(&"critical"), "{labels:?}");

    // An edit of a document at rest is parsed afresh and checked.
    server.change(&uris[0], 3, [[4, 10], [4, 14]], "urgent");
    let diagnostics = server.diagnostics(&uris[0], 3);
    let invalid: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["code"] == json!("invalid-value"))
        .collect();
    assert_eq!(invalid.len(), 1, "{diagnostics:#?}");
    assert_eq!(
        invalid[0]["range"]["start"],
        json!({ "line": 4, "character": 10 })
    );
    let state = server.document_state(&uris[0]);
    assert_eq!(
        state["text"],
        json!(
            filled_seed(&template, 0)
                .replace("spec-id: MANY-0", "spec-id: MANY-0 ")
                .replace("priority: high", "priority: urgent")
        )
    );
    // Its trees are parsed in the background after the edit, and kept.
    server.wait_until_holds_tree(&uris[0]);
    server.shutdown();
}

/// glibc's per-thread caches keep freed chunks out of `malloc_trim`'s reach and hold the
/// pages of closed documents; the server runs itself with them off (its memory after a
/// thousand documents closed: 13.1 MB against 12.7 MB before they opened). A tunable the
/// user set is kept, and theirs decides the caches.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn the_server_runs_without_glibc_thread_caches_unless_told() {
    for (set, kept, cache) in [
        (None, None, "glibc.malloc.tcache_count=0"),
        (
            Some("glibc.malloc.arena_max=2"),
            Some("glibc.malloc.arena_max=2"),
            "glibc.malloc.tcache_count=0",
        ),
        (
            Some("glibc.malloc.tcache_count=5"),
            None,
            "glibc.malloc.tcache_count=5",
        ),
    ] {
        let env: Vec<(&str, &str)> = set.map(|set| ("GLIBC_TUNABLES", set)).into_iter().collect();
        let mut server = Server::spawn_with_env(&env);
        server
            .request("initialize", serde_json::json!({ "capabilities": {} }))
            .unwrap();
        // glibc cuts the variable at its separators where it reads it: look for each part.
        let environ = std::fs::read(format!("/proc/{}/environ", server.pid())).unwrap();
        let parts: Vec<&[u8]> = environ.split(|b| *b == 0 || *b == b':').collect();
        let has = |part: &str| {
            parts
                .iter()
                .any(|p| *p == part.as_bytes() || *p == format!("GLIBC_TUNABLES={part}").as_bytes())
        };
        assert!(has(cache), "{set:?}: {}", String::from_utf8_lossy(&environ));
        if let Some(kept) = kept {
            assert!(has(kept), "{set:?}: {}", String::from_utf8_lossy(&environ));
        }
        assert_eq!(
            parts
                .iter()
                .filter(|p| p.windows(12).any(|w| w == b"tcache_count"))
                .count(),
            1,
            "{set:?}"
        );
        server.shutdown();
    }
}
