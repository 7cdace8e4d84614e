//! Fuzz target (d): mutated JSON-RPC frames into the real server. Messages an editor sends
//! (open, change, every request the server offers, on the seeds and examples) are mutated
//! as values (a field deleted, retyped, out of range, an unpaired surrogate) and as bytes
//! (flipped, cut, invalid UTF-8), framed with a correct length and sometimes odd headers.
//! After each batch the server must still answer a plain request, and no request may end
//! in an internal error (a panic in a handler) or a panic on stderr.
//!
//! By default a fixed seed runs for a few seconds; `SPECLS_FUZZ_SECONDS=N` runs for N
//! seconds from a seed of the clock (or `SPECLS_FUZZ_SEED`), as `scripts/fuzz frames` does.
//! A failing batch is written to `target/fuzz/frames-failure.txt`.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::{Server, repo_root};

/// xorshift64*: small, seedable, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const URIS: &[&str] = &[
    "file:///fuzz/a.md",
    "file:///fuzz/specs/b.md",
    "file:///fuzz/%F0%9F%98%80.md",
    "untitled:Untitled-1",
];

/// Texts the documents start from: the seeds, the examples, and a little hostile text.
fn texts() -> Vec<String> {
    let mut texts = Vec::new();
    let shared = repo_root().join("../shared/seeds");
    for folder in [shared, repo_root().join("examples/specs")] {
        collect_markdown(&folder, &mut texts);
    }
    texts.push("---\nspec-id: 😀-1\ntitle: \"a\u{0}b\"\n---\n# 😀 é\r\n\r\n[x](#😀)\n".to_string());
    texts.push(String::new());
    texts
}

fn collect_markdown(folder: &Path, into: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_markdown(&path, into);
        } else if path.extension().is_some_and(|e| e == "md")
            && let Ok(text) = std::fs::read_to_string(&path)
        {
            into.push(text);
        }
    }
}

fn position(rng: &mut Rng) -> Value {
    let line = if rng.chance(80) {
        rng.below(60) as i64
    } else {
        *rng.pick(&[-1i64, 1 << 31, 100_000])
    };
    let character = if rng.chance(80) {
        rng.below(40) as i64
    } else {
        *rng.pick(&[-1i64, 1 << 31, 3])
    };
    json!({ "line": line, "character": character })
}

fn range(rng: &mut Rng) -> Value {
    json!({ "start": position(rng), "end": position(rng) })
}

/// One message an editor could send, before mutation: (method, params, is a request).
fn message(rng: &mut Rng, texts: &[String], version: &mut i64) -> (String, Value, bool) {
    let uri = *rng.pick(URIS);
    let document = json!({ "uri": uri });
    let at = json!({ "textDocument": document, "position": position(rng) });
    *version += 1;
    let (method, params, request) = match rng.below(20) {
        0..=2 => (
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": uri, "languageId": "markdown", "version": *version, "text": rng.pick(texts),
            } }),
            false,
        ),
        3..=5 => {
            let text = *rng.pick(&["", "x", "## Goals\n\n", "é😀\r\n", "---\n", "[[", "- [ ] "]);
            let change = if rng.chance(10) {
                json!({ "text": rng.pick(texts) })
            } else {
                json!({ "range": range(rng), "text": text })
            };
            (
                "textDocument/didChange",
                json!({ "textDocument": { "uri": uri, "version": *version }, "contentChanges": [change] }),
                false,
            )
        }
        6 => (
            "textDocument/didClose",
            json!({ "textDocument": document }),
            false,
        ),
        7 => ("textDocument/didSave", json!({ "textDocument": document }), false),
        8 => ("textDocument/completion", at, true),
        9 => ("textDocument/hover", at, true),
        10 => ("textDocument/definition", at, true),
        11 => (
            "textDocument/references",
            json!({ "textDocument": document, "position": position(rng), "context": { "includeDeclaration": true } }),
            true,
        ),
        12 => (
            "textDocument/documentSymbol",
            json!({ "textDocument": document }),
            true,
        ),
        13 => (
            "textDocument/codeAction",
            json!({ "textDocument": document, "range": range(rng), "context": { "diagnostics": [] } }),
            true,
        ),
        14 => (
            "textDocument/diagnostic",
            json!({ "textDocument": document }),
            true,
        ),
        15 => (
            "textDocument/rename",
            json!({ "textDocument": document, "position": position(rng), "newName": "NEW-1" }),
            true,
        ),
        16 => ("textDocument/prepareRename", at, true),
        17 => (
            "textDocument/foldingRange",
            json!({ "textDocument": document }),
            true,
        ),
        18 => (
            "workspace/symbol",
            json!({ "query": rng.pick(&["", "SPEC", "é"]) }),
            true,
        ),
        _ => ("textDocument/codeLens", json!({ "textDocument": document }), true),
    };
    (method.to_string(), params, request)
}

/// A value of another shape, or one at an edge: what a buggy client sends.
fn odd_value(rng: &mut Rng) -> Value {
    match rng.below(12) {
        0 => Value::Null,
        1 => json!(true),
        2 => json!(-1),
        3 => json!(2_147_483_648i64),
        4 => json!(9_007_199_254_740_993i64),
        5 => json!(1.5),
        6 => json!(""),
        7 => json!("é😀\u{0}\u{FFFD}"),
        8 => json!([]),
        9 => json!({}),
        10 => json!("x".repeat(rng.below(100_000))),
        _ => json!([{ "line": -1 }]),
    }
}

/// Changes one node of `value`, chosen at random along a path from the root.
fn mutate_value(rng: &mut Rng, value: &mut Value) {
    let descend = rng.chance(75);
    match value {
        Value::Object(map) if descend && !map.is_empty() => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = rng.pick(&keys).clone();
            match rng.below(8) {
                0 => {
                    map.remove(&key);
                }
                1 => {
                    map.insert(format!("{key}x"), odd_value(rng));
                }
                _ => mutate_value(rng, map.get_mut(&key).unwrap()),
            }
        }
        Value::Array(items) if descend && !items.is_empty() => {
            let at = rng.below(items.len());
            if rng.chance(20) {
                let copy = items[at].clone();
                items.push(copy);
            } else {
                mutate_value(rng, &mut items[at]);
            }
        }
        _ => *value = odd_value(rng),
    }
}

/// Byte-level damage that keeps the frame's length right (the framing is what the server
/// relies on to find the next message).
fn mutate_bytes(rng: &mut Rng, body: &mut Vec<u8>) {
    for _ in 0..=rng.below(3) {
        let at = rng.below(body.len() + 1);
        match rng.below(6) {
            0 if at < body.len() => body[at] ^= 1 << rng.below(8),
            1 => {
                let inserted: &[u8] =
                    rng.pick::<&[u8]>(&[&b"\\ud83d"[..], b"\\udc00\\ud800", b"\xff\xfe", b"\xc3"]);
                body.splice(at..at, inserted.iter().copied());
            }
            2 => body.truncate(at),
            3 => {
                let inserted: &[u8] = rng.pick::<&[u8]>(&[&b"{"[..], b"]", b"\"", b",", b"null"]);
                body.splice(at..at, inserted.iter().copied());
            }
            4 if at < body.len() => {
                body.remove(at);
            }
            _ => body.extend_from_slice(b" "),
        };
    }
}

fn frame(rng: &mut Rng, body: &[u8]) -> Vec<u8> {
    let header = match rng.below(10) {
        0 => format!("content-length: {}\r\n\r\n", body.len()),
        1 => format!(
            "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
            body.len()
        ),
        2 => format!("Content-Length:   {}  \r\nX-Odd: 1\r\n\r\n", body.len()),
        3 => format!("Content-Length: {}\n\n", body.len()),
        _ => format!("Content-Length: {}\r\n\r\n", body.len()),
    };
    let mut bytes = header.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// One batch of messages, framed; a readable log of them for a failure report.
fn batch(rng: &mut Rng, texts: &[String], version: &mut i64, next_id: &mut i64) -> (Vec<u8>, String) {
    let mut bytes = Vec::new();
    let mut log = String::new();
    for _ in 0..1 + rng.below(12) {
        let (method, params, request) = message(rng, texts, version);
        let mut message = json!({ "jsonrpc": "2.0", "method": method, "params": params });
        if request {
            *next_id += 1;
            message["id"] = json!(*next_id);
        }
        if rng.chance(40) {
            mutate_value(rng, &mut message);
        }
        // Never end the session or start it again: those are tested on their own.
        if let Some(Value::String(name)) = message.get("method")
            && matches!(name.as_str(), "exit" | "shutdown" | "initialize")
        {
            continue;
        }
        let mut body = serde_json::to_vec(&message).unwrap();
        if rng.chance(15) {
            mutate_bytes(rng, &mut body);
        }
        log.push_str(&String::from_utf8_lossy(&body));
        log.push('\n');
        bytes.extend(frame(rng, &body));
    }
    (bytes, log)
}

fn internal_errors(messages: &[Value]) -> Vec<&Value> {
    messages
        .iter()
        .filter(|m| m.get("method").is_none() && m["error"]["code"] == json!(-32603))
        .collect()
}

fn fail(log: &str, why: &str) -> ! {
    let out = repo_root().join("target/fuzz");
    std::fs::create_dir_all(&out).unwrap();
    let path = out.join("frames-failure.txt");
    std::fs::write(&path, log).unwrap();
    panic!("{why}; the batch is in {}", path.display());
}

#[test]
fn mutated_frames_never_stop_the_server() {
    let seconds: Option<u64> = std::env::var("SPECLS_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok());
    let seed = std::env::var("SPECLS_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| match seconds {
            Some(_) => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64,
            None => 0x5eed,
        })
        | 1;
    let budget = Duration::from_secs(seconds.unwrap_or(8));
    eprintln!("frames fuzz: seed {seed}, {budget:?}");
    let mut rng = Rng(seed);
    let texts = texts();
    let (mut server, _) = Server::start_with(json!({
        "general": { "positionEncodings": ["utf-8", "utf-16"] },
        "textDocument": {
            "diagnostic": { "dynamicRegistration": false },
            "documentSymbol": { "hierarchicalDocumentSymbolSupport": true },
        },
        "workspace": { "diagnostics": { "refreshSupport": true } },
    }));
    let mut version = 0;
    let mut next_id = 1_000_000;
    let started = Instant::now();
    let mut batches = 0;
    while started.elapsed() < budget || batches == 0 {
        let (bytes, log) = batch(&mut rng, &texts, &mut version, &mut next_id);
        server.send_raw(&bytes);
        // Still serving: a plain request is answered, after everything sent before it.
        let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            server.request("workspace/symbol", json!({ "query": "" }))
        }));
        match answer {
            Ok(Ok(_)) => {}
            Ok(Err(error)) => fail(&log, &format!("workspace/symbol failed: {error}")),
            Err(_) => fail(&log, "the server stopped answering"),
        }
        let seen = std::mem::take(&mut server.notifications);
        if let Some(error) = internal_errors(&seen).first() {
            fail(&log, &format!("a request ended in an internal error: {error}"));
        }
        if server.stderr().contains("panicked") {
            fail(&log, &format!("a panic on stderr:\n{}", server.stderr()));
        }
        batches += 1;
    }
    eprintln!("frames fuzz: {batches} batches in {:?}", started.elapsed());
    server.shutdown();
}
