//! Where a keystroke's workspace work and a references request go on the largest file of
//! a folder: `cargo run --release -p specls-analysis --example workspace_profile -- FOLDER`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use specls_analysis::Settings;
use specls_analysis::diagnostics::{CheckContext, check};
use specls_analysis::index::{
    FileEntry, FileKey, ScanOptions, WorkspaceIndex, entry_from_text, scan_folders,
};
use specls_analysis::navigation::{Target, references};
use specls_analysis::workspace_checks::{WorkspaceContext, check_workspace};
use specls_syntax::Document;

fn time<T>(label: &str, runs: u32, mut f: impl FnMut() -> T) -> T {
    let mut result = f();
    let started = Instant::now();
    for _ in 0..runs {
        result = f();
    }
    println!(
        "{label}: {:.3} ms",
        started.elapsed().as_secs_f64() * 1e3 / f64::from(runs)
    );
    result
}

fn main() {
    let folder = std::env::args().nth(1).expect("usage: workspace_profile FOLDER");
    let settings = Arc::new(Settings::default());
    let (entries, _) = scan_folders(
        &[PathBuf::from(&folder)],
        &|_: &Path| settings.clone(),
        &ScanOptions::default(),
        &|_, _| {},
    );
    let largest = entries
        .iter()
        .max_by_key(|e| e.lines.as_ref().map_or(0, |l| l.len()))
        .map(|e| e.path.to_path_buf())
        .expect("a Markdown file");
    let mut index = WorkspaceIndex::from_entries(entries);
    let text = std::fs::read_to_string(&largest).unwrap();
    println!("{} ({} bytes)", largest.display(), text.len());
    let entry: FileEntry = time("entry (fast reader, line index)", 10, || {
        entry_from_text(&largest, &text, &settings)
    });
    println!(
        "{} references, {} headings",
        entry.references.len(),
        entry.headings.len()
    );
    time("index insert", 10, || index.insert(entry.clone()));

    // A keystroke in the open document: the edit, its re-parse and its model, the entry without a line
    // index (positions come from the rope), and the document's own checks.
    // Parsed, as the server has it once its background parse is done.
    let document = Document::new(&text);
    document.prepare();
    let middle = text.len() / 2;
    let middle = (middle..).find(|&at| text.is_char_boundary(at)).unwrap();
    let edited = time("keystroke: edit, re-parse and model", 10, || {
        let edited = document.edit(middle..middle, "x");
        let _ = edited.model();
        edited
    });
    let model = edited.model();
    time("keystroke: entry of the open document", 10, || {
        FileEntry::new(
            FileKey::from(largest.as_path()),
            &model,
            &settings,
            None,
            &|range| edited.slice(range),
        )
    });
    let today = "2026-12-07";
    let check_context = CheckContext {
        path: Some(&largest),
        settings: &settings,
        today,
        set_template: None,
    };
    let own = time("keystroke: the document's own checks", 10, || {
        check(&edited, &check_context)
    });
    println!("{} diagnostics of its own", own.len());
    let context = WorkspaceContext {
        index: &index,
        settings: &settings,
        file_exists: &|path| path.exists(),
    };
    let found = time("workspace checks", 10, || check_workspace(&entry, &context));
    println!("{} workspace diagnostics", found.len());
    let heading = entry
        .headings
        .iter()
        .find(|h| h.title() == "Technical Design")
        .unwrap();
    let target = Target::Heading {
        slug: heading.slug().to_string(),
        range: heading.title_range(),
    };
    let found = time("references of a heading", 10, || {
        references(&entry, &index, &target, false)
    });
    println!("{} references", found.len());
    let id = entry.spec_id.as_ref().unwrap();
    let target = Target::Id {
        id: id.text.clone(),
        range: id.range.clone(),
    };
    let found = time("references of the id", 10, || {
        references(&entry, &index, &target, false)
    });
    println!("{} references", found.len());
}
