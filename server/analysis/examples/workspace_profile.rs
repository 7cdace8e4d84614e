//! Where a keystroke's workspace work and a references request go on the largest file of
//! a folder: `cargo run --release -p specls-analysis --example workspace_profile -- FOLDER`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use specls_analysis::Settings;
use specls_analysis::index::{FileEntry, ScanOptions, WorkspaceIndex, entry_from_text, scan_folders};
use specls_analysis::navigation::{Target, references};
use specls_analysis::workspace_checks::{WorkspaceContext, check_workspace};

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
