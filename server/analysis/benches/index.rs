//! Updating one file's entry in the index of a 10,000-spec workspace (the corpus of
//! `../shared/bench/gen_corpus.py`, seed 42, as `scripts/bench` generates it): building
//! the `FileEntry` from the edited version's model, and `WorkspaceIndex::update`, for an
//! edit no other file sees (a word in a paragraph) and for two that others see (the
//! `spec-id` value, a heading's title). Then what an outward change costs each open
//! document that may see it: its workspace checks, and the local checks the server runs
//! with them; and the dependency cycles, which a changed id makes the index compute again.
//! Each edit is measured on a spec of median size and on the largest spec (20,000 lines).
//! The corpus is read once (5 to 40 s, as the page cache has it), then the benchmarks
//! take about a minute and a half.

use std::hint::black_box;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use specls_analysis::index::{self, FileKey, OutwardChange, ScanOptions};
use specls_analysis::workspace_checks::{WorkspaceContext, check_workspace};
use specls_analysis::{CheckContext, FileEntry, Settings, WorkspaceIndex, check};
use specls_syntax::{Document, SpecModel};

// The syntax benchmarks' generator; this bench uses only its `generate`.
#[path = "../../syntax/benches/corpus.rs"]
#[allow(dead_code)]
mod corpus;

/// Where `scripts/bench` keeps its 10,000-spec corpus: generated once, shared by both.
fn workspace() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench");
    let out = root.join("corpus-10000");
    if !out.is_dir() {
        // Generated aside and renamed, so an interrupted run leaves no half corpus behind.
        let partial = root.join("corpus-10000.tmp");
        let _ = std::fs::remove_dir_all(&partial);
        corpus::generate(&partial, &["--files", "10000", "--seed", "42"]);
        std::fs::rename(&partial, &out).unwrap();
    }
    std::fs::canonicalize(out).unwrap()
}

/// The entry of a version as the server builds it for an open document: from the model,
/// with text read from the rope and no line index.
fn entry_of(path: &FileKey, model: &SpecModel, document: &Document, settings: &Settings) -> FileEntry {
    let rope = document.rope();
    FileEntry::new(path.clone(), model, settings, None, &|range| {
        let end = range.end.min(rope.len_bytes());
        rope.byte_slice(range.start.min(end)..end).to_string()
    })
}

/// A spec and two versions of it that differ by one edit, both parsed with their models
/// read, and their entries.
struct Versions {
    path: FileKey,
    documents: [Document; 2],
    models: [Arc<SpecModel>; 2],
    entries: [Arc<FileEntry>; 2],
    /// The edit from version 0 to 1, and back.
    edits: [(Range<usize>, String); 2],
}

impl Versions {
    fn new(path: &FileKey, text: &str, range: Range<usize>, replacement: &str, settings: &Settings) -> Self {
        let original = text[range.clone()].to_string();
        let mut edited = text.to_string();
        edited.replace_range(range.clone(), replacement);
        let documents = [Document::new(text), Document::new(&edited)];
        let models = documents.clone().map(|d| {
            let _ = d.tree();
            d.model()
        });
        let entries = [0, 1].map(|i| Arc::new(entry_of(path, &models[i], &documents[i], settings)));
        Versions {
            path: path.clone(),
            documents,
            models,
            entries,
            edits: [
                (range.clone(), replacement.to_string()),
                (range.start..range.start + replacement.len(), original),
            ],
        }
    }
}

/// The three edits of `text`: a letter typed into the first paragraph of Technical
/// Design, the `spec-id` value changed, the Technical Design heading renamed (every spec
/// of the corpus has one, and links into it name `#technical-design`).
fn edits(text: &str) -> [(&'static str, Range<usize>, String); 3] {
    let design = text.find("\n## Technical Design\n").unwrap() + 1;
    let paragraph = design + "## Technical Design\n\n".len();
    let id_at = text.find("\nspec-id: ").unwrap() + "\nspec-id: ".len();
    let id_end = id_at + text[id_at..].find('\n').unwrap();
    let heading = design + "## ".len();
    [
        ("prose", paragraph + 1..paragraph + 1, "x".to_string()),
        ("spec_id", id_at..id_end, "SPEC-99999".to_string()),
        (
            "heading",
            heading..heading + "Technical Design".len(),
            "Technical Designs".to_string(),
        ),
    ]
}

fn load(folder: &Path, settings: &Arc<Settings>) -> (Vec<PathBuf>, WorkspaceIndex) {
    let mut notes = Vec::new();
    let files = index::walk(folder, &mut notes);
    let (entries, more) = index::scan(&files, &|_| settings.clone(), &ScanOptions::default(), &|_, _| {});
    assert!(notes.is_empty() && more.is_empty(), "{notes:?} {more:?}");
    (files, WorkspaceIndex::from_entries(entries))
}

fn update(c: &mut Criterion) {
    let folder = workspace();
    let settings = Arc::new(Settings::defaults(folder.clone()));
    let started = Instant::now();
    let (files, mut index) = load(&folder, &settings);
    eprintln!("{} specs indexed in {:.2?}", index.len(), started.elapsed());

    let mut by_size: Vec<(u64, &PathBuf)> = files
        .iter()
        .map(|path| (std::fs::metadata(path).unwrap().len(), path))
        .collect();
    by_size.sort();
    let targets = [
        ("median_spec", by_size[by_size.len() / 2].1),
        ("largest_spec", by_size[by_size.len() - 1].1),
    ];

    let mut group = c.benchmark_group("index_update_10k_specs");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(1));
    let mut new_ids = Vec::new();
    for (target_name, target) in targets {
        let text = std::fs::read_to_string(target).unwrap();
        let path: FileKey = Arc::from(target.as_path());
        for (edit_name, range, replacement) in edits(&text) {
            let versions = Versions::new(&path, &text, range, &replacement, &settings);
            // The index holds version 0, as after the scan and the document's open.
            index.update(versions.entries[0].clone());
            let change = index.update(versions.entries[1].clone());
            assert_eq!(change.is_some(), edit_name != "prose", "{edit_name}");
            index.update(versions.entries[0].clone());
            let name = |what: &str| format!("{target_name}/{edit_name}/{what}");

            group.bench_function(name("entry_from_model"), |b| {
                b.iter(|| {
                    entry_of(
                        &versions.path,
                        &versions.models[1],
                        &versions.documents[1],
                        &settings,
                    )
                })
            });
            // Between the two versions, so every update is a change.
            let mut at = 0;
            group.bench_function(name("index_update"), |b| {
                b.iter(|| {
                    at = 1 - at;
                    black_box(index.update(versions.entries[at].clone()))
                })
            });
            if at == 1 {
                index.update(versions.entries[0].clone());
                at = 0;
            }
            // What an edit costs before anyone is re-checked: the incremental reparse, the
            // model, the entry and the update.
            group.bench_function(name("edit_reparse_model_entry_update"), |b| {
                b.iter(|| {
                    let (range, new_text) = &versions.edits[at];
                    let edited = versions.documents[at].edit(range.clone(), new_text);
                    let model = edited.model();
                    at = 1 - at;
                    let entry = entry_of(&versions.path, &model, &edited, &settings);
                    black_box(index.update(entry))
                })
            });
            if at == 1 {
                index.update(versions.entries[0].clone());
            }
            if edit_name == "spec_id" {
                new_ids.push((target_name, versions));
            }
        }
    }
    group.finish();

    // A new id moves the dependency graph's nodes: the cycles are computed again by the
    // first check that asks (the server asks at once, to find the open documents on a
    // cycle). Tens of milliseconds an iteration: few of them.
    let mut group = c.benchmark_group("cycles_after_spec_id_change_10k_specs");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(2));
    for (target_name, versions) in &new_ids {
        let mut at = 0;
        group.bench_function(format!("{target_name}/index_update_then_cycles"), |b| {
            b.iter(|| {
                at = 1 - at;
                let change = index.update(versions.entries[at].clone());
                black_box((change, index.cycles()))
            })
        });
        if at == 1 {
            index.update(versions.entries[0].clone());
        }
    }
    let cycles = index.cycles();
    let on_cycle = index.ids().filter(|id| cycles.on_cycle(id)).count();
    eprintln!("{on_cycle} of {} ids lie on a depends-on cycle", index.len());
    group.finish();

    recheck(c, &folder, &settings, index, &by_size);
}

/// An open document that links to the median spec's Technical Design and names its id,
/// checked again after the heading was renamed (what each of the open documents that may
/// see an outward change costs the server).
fn recheck(
    c: &mut Criterion,
    folder: &Path,
    settings: &Arc<Settings>,
    mut index: WorkspaceIndex,
    by_size: &[(u64, &PathBuf)],
) {
    let target = by_size[by_size.len() / 2].1;
    let target_text = std::fs::read_to_string(target).unwrap();
    let target_id = target_text
        .lines()
        .find_map(|line| line.strip_prefix("spec-id: "))
        .unwrap()
        .to_string();
    let referrer = by_size[by_size.len() / 2 + 1].1;
    let link = index::relative_to(target, referrer.parent().unwrap());
    let mut text = std::fs::read_to_string(referrer).unwrap();
    text.push_str(&format!(
        "\nBuilds on [{target_id} design]({}#technical-design) of {target_id}.\n",
        link.display()
    ));
    let referrer_key: FileKey = Arc::from(referrer.as_path());
    let document = Document::new(&text);
    let _ = document.tree();
    let entry = entry_of(&referrer_key, &document.model(), &document, settings);
    index.update(entry.clone());

    let (_, range, replacement) = edits(&target_text).into_iter().nth(2).unwrap();
    let target_key: FileKey = Arc::from(target.as_path());
    let renamed = Versions::new(&target_key, &target_text, range, &replacement, settings);
    let change: OutwardChange = index.update(renamed.entries[1].clone()).unwrap();
    assert!(entry.may_see(&change));

    let exists = |path: &Path| path.exists();
    let context = WorkspaceContext {
        index: &index,
        settings,
        file_exists: &exists,
    };
    let findings = check_workspace(&entry, &context);
    assert!(
        findings.iter().any(|d| d.message.contains("#technical-design")),
        "the renamed heading breaks the link"
    );
    let today = "2026-03-14";
    let local = CheckContext {
        path: Some(referrer),
        settings,
        today,
        set_template: None,
    };
    eprintln!(
        "re-checked document: {} ({} lines), {} workspace findings, {} files in {}",
        referrer.strip_prefix(folder).unwrap().display(),
        text.lines().count(),
        findings.len(),
        index.len(),
        folder.display()
    );

    let mut group = c.benchmark_group("recheck_after_outward_change_10k_specs");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(1));
    group.bench_function("check_workspace_one_open_document", |b| {
        b.iter(|| check_workspace(black_box(&entry), &context))
    });
    group.bench_function("check_local_one_open_document", |b| {
        b.iter(|| check(black_box(&document), &local))
    });
    group.finish();
}

// Plots cost more time than the short measurements.
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = update
}
criterion_main!(benches);
