//! Completion at a few places of a 20,000-line spec in a 10,000-spec workspace: values,
//! a reference list and a bare id (every id matches), a heading line and an empty line
//! (section skeletons), a link path (every file matches) and an own-document anchor.
//! Prints p50/p95 per place first (the budget is p95 < 5 ms), then runs criterion.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use specls_analysis::index::entry_from_text;
use specls_analysis::{CompletionInput, Settings, WorkspaceIndex, complete};
use specls_syntax::Document;

// The syntax benchmarks' generator; this bench uses only its spec.
#[path = "../../syntax/benches/corpus.rs"]
#[allow(dead_code)]
mod corpus;

const DOCUMENT_PATH: &str = "/ws/specs/g50/huge.md";

/// 10,000 small specs in folders of 100, ids `SPEC-1` to `SPEC-10000`.
fn index(settings: &Settings) -> WorkspaceIndex {
    WorkspaceIndex::from_entries((1..=10_000).map(|n| {
        let text = format!(
            "---\nspec-id: SPEC-{n}\ntitle: Spec number {n}\nstatus: draft\n---\n\n# Spec number {n}\n\n## Overview\n\nWhat spec {n} does, in a line.\n\n## Data Model\n\nTables.\n"
        );
        let path = format!("/ws/specs/g{}/spec-{n}.md", n / 100);
        entry_from_text(Path::new(&path), &text, settings)
    }))
}

/// The generated spec, with a few lines added in its middle for the places that it does
/// not already hold; and the cursor offsets by name.
fn document() -> (Document, Vec<(&'static str, usize)>) {
    let mut text = corpus::huge_spec();
    let middle = text[text.len() / 2..].find("\n\n").unwrap() + text.len() / 2 + 2;
    text.insert_str(middle, "See [here](#over and [there](\n\nNow SPEC-\n\n\n\n");
    let find = |needle: &str, from: usize| text[from..].find(needle).unwrap() + from;
    let status = find("status: ", 0) + "status: ".len() + 2;
    let depends = find("depends-on: [", 0) + "depends-on: [".len();
    let anchor = find("(#over", middle) + "(#over".len();
    let path = find("[there](", middle) + "[there](".len();
    let bare_id = find("SPEC-\n", middle) + "SPEC-".len();
    let empty_line = find("\n\n\n\n", middle) + 2;
    let heading = find("\n### ", middle) + "\n### ".len();
    let places = vec![
        ("status_value", status),
        ("reference_list_all_ids", depends),
        ("bare_id_all_ids", bare_id),
        ("heading_line_sections", heading),
        ("empty_line_sections", empty_line),
        ("link_path_all_files", path),
        ("own_anchor", anchor),
    ];
    let document = Document::new(&text);
    // Parsed before the benchmarks: keystrokes re-parse incrementally from this tree.
    let _ = document.tree();
    (document, places)
}

fn percentiles(samples: &mut [Duration]) -> (Duration, Duration) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.95))
}

fn completion(c: &mut Criterion) {
    let settings = Settings::default();
    let index = index(&settings);
    let (document, places) = document();
    let input = |offset| CompletionInput {
        document: &document,
        offset,
        path: Some(Path::new(DOCUMENT_PATH)),
        settings: &settings,
        index: &index,
        today: "2026-03-14",
        snippets: true,
    };
    // The model is derived once per document version, by whichever request comes first.
    document.model();

    eprintln!("completion, 20,000-line spec, 10,000 specs indexed: p50 / p95 of 300 runs");
    for (name, offset) in &places {
        let mut samples: Vec<Duration> = (0..300)
            .map(|_| {
                let started = Instant::now();
                black_box(complete(&input(*offset)));
                started.elapsed()
            })
            .collect();
        let items = complete(&input(*offset)).items.len();
        let (p50, p95) = percentiles(&mut samples);
        eprintln!("  {name:<24} {items:>3} items  p50 {p50:>9.2?}  p95 {p95:>9.2?}");
    }

    let mut group = c.benchmark_group("completion_20k_lines_10k_specs");
    for (name, offset) in &places {
        group.bench_function(*name, |b| b.iter(|| complete(&input(black_box(*offset)))));
    }
    // A keystroke, then completion: the edit's reparse and the model's assembly included.
    let (_, heading) = places[3];
    group.bench_function("after_a_keystroke_heading_line", |b| {
        b.iter(|| {
            let edited = document.edit(heading..heading, "x");
            complete(&CompletionInput {
                document: &edited,
                offset: heading + 1,
                ..input(heading)
            })
        })
    });
    group.finish();
}

criterion_group!(benches, completion);
criterion_main!(benches);
