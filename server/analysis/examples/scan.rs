//! Times the workspace scan of a folder and reports the memory the index holds:
//! `cargo run --release -p specls-analysis --example scan -- FOLDER`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use specls_analysis::Settings;
use specls_analysis::index::{ScanOptions, WorkspaceIndex, scan, walk};

fn resident_mb(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|line| line.starts_with(field))
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let folder = PathBuf::from(std::env::args().nth(1).expect("usage: scan FOLDER"));
    let before = resident_mb("VmRSS");
    let started = Instant::now();
    let mut notes = Vec::new();
    let files = walk(&folder, &mut notes);
    let walked = started.elapsed();
    let settings = Arc::new(Settings::default());
    let (entries, _) = scan(
        &files,
        &|_: &Path| settings.clone(),
        &ScanOptions::default(),
        &|_, _| {},
    );
    let scanned = started.elapsed();
    let index = WorkspaceIndex::from_entries(entries);
    let built = started.elapsed();
    let cycles = index.cycles();
    let total = started.elapsed();
    println!(
        "{} files: walk {:.0} ms, read {:.0} ms, index {:.0} ms, cycles {:.0} ms ({} on cycles), total {:.0} ms",
        index.len(),
        walked.as_secs_f64() * 1e3,
        (scanned - walked).as_secs_f64() * 1e3,
        (built - scanned).as_secs_f64() * 1e3,
        (total - built).as_secs_f64() * 1e3,
        index.ids().filter(|id| cycles.on_cycle(id)).count(),
        total.as_secs_f64() * 1e3
    );
    let text_kb: f64 = files
        .iter()
        .filter_map(|file| std::fs::metadata(file).ok())
        .map(|metadata| metadata.len() as f64 / 1024.0)
        .sum();
    let held_mb = resident_mb("VmRSS") - before;
    println!(
        "resident: {:.0} MB held by the index, {:.0} MB peak; {:.0} MB of text, {:.0} bytes held per KB of it",
        held_mb,
        resident_mb("VmHWM"),
        text_kb / 1024.0,
        held_mb * 1024.0 * 1024.0 / text_kb
    );
}
