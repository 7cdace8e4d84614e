//! Two readers, one model, on real Markdown: every EIP of `../shared/corpora/eips`, and
//! the `*.md` files of the Cargo registry and of `node_modules` folders on this machine
//! (crate and package READMEs, changelogs, docs). A file the two readers read
//! differently fails the test, with the smallest part of it that still differs.
//!
//! `cargo test` reads every EIP, and of the other files as many as [`BUDGET`] bytes
//! holds, chosen by a hash of their path with a fixed seed (so a run on the same machine
//! reads the same files, and the test stays well under a minute in debug however large
//! the registry grows); `SPECLS_REAL_MARKDOWN=all` reads every file. Folders that are not
//! on the machine are skipped.

use std::path::{Path, PathBuf};

use specls_syntax::{Document, SpecModel};

fn same(text: &str) -> bool {
    SpecModel::from_document(&Document::new(text)) == SpecModel::read_fast(text)
}

/// The smallest text, made of whole lines of `text`, on which the readers still differ:
/// chunks of lines are dropped while the difference stays, halving the chunk size down
/// to single lines.
fn reduce(text: &str) -> String {
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut chunk = lines.len().div_ceil(2).max(1);
    loop {
        let mut at = 0;
        while at < lines.len() {
            let end = (at + chunk).min(lines.len());
            let candidate: String = lines[..at].iter().chain(&lines[end..]).copied().collect();
            if !candidate.is_empty() && !same(&candidate) {
                lines.drain(at..end);
            } else {
                at = end;
            }
        }
        if chunk == 1 {
            return lines.concat();
        }
        chunk = chunk.div_ceil(2);
    }
}

fn markdown_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        let Ok(kind) = std::fs::symlink_metadata(&path).map(|m| m.file_type()) else {
            continue;
        };
        if kind.is_dir() {
            markdown_under(&path, out);
        } else if kind.is_file() && path.extension().is_some_and(|e| e.eq_ignore_ascii_case("md")) {
            out.push(path);
        }
    }
}

/// The folders of real Markdown on this machine that exist.
fn real_folders() -> Vec<PathBuf> {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut folders = vec![repository.join("../shared/corpora/eips")];
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")));
    if let Some(cargo_home) = cargo_home {
        folders.push(cargo_home.join("registry/src"));
    }
    folders.push(repository.join("editors/vscode/node_modules"));
    folders.push(PathBuf::from("/usr/lib/node_modules"));
    folders.push(PathBuf::from("/usr/local/lib/node_modules"));
    if let Some(home) = std::env::var_os("HOME") {
        folders.push(Path::new(&home).join("node_modules"));
        folders.push(Path::new(&home).join(".npm-global/lib/node_modules"));
    }
    folders.into_iter().filter(|folder| folder.is_dir()).collect()
}

/// Bytes of Markdown besides the EIPs read by default: about 15 s in debug.
const BUDGET: u64 = 16 << 20;

/// The sample's order: FNV-1a of the path with a fixed seed, stable across runs and
/// Rust versions.
fn rank(path: &Path) -> u64 {
    const SEED: u64 = 0x005b_ec15;
    path.to_string_lossy()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325 ^ SEED, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        })
}

fn is_eip(path: &Path) -> bool {
    path.to_string_lossy().contains("corpora/eips")
}

/// Every EIP, and the other files in rank order while they fit in the budget.
fn sample(files: &[PathBuf]) -> Vec<&PathBuf> {
    let all = std::env::var("SPECLS_REAL_MARKDOWN").as_deref() == Ok("all");
    let mut others: Vec<&PathBuf> = files.iter().filter(|f| !is_eip(f)).collect();
    others.sort_by_key(|f| rank(f));
    let mut left = BUDGET;
    let mut chosen: Vec<&PathBuf> = files.iter().filter(|f| is_eip(f)).collect();
    for file in others {
        let size = std::fs::metadata(file).map_or(0, |m| m.len());
        if all || size <= left {
            left = left.saturating_sub(size);
            chosen.push(file);
        }
    }
    chosen
}

#[test]
fn real_markdown_reads_the_same() {
    let mut files = Vec::new();
    for folder in real_folders() {
        markdown_under(&folder, &mut files);
    }
    let eips = files.iter().filter(|f| is_eip(f)).count();
    assert!(eips >= 900, "the EIP corpus is missing ({eips} files)");
    let sample = sample(&files);
    let mut failures = Vec::new();
    for file in &sample {
        // Not UTF-8 (a few package files are Latin-1): no model to compare.
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        if !same(&text) {
            failures.push(format!(
                "{}\nsmallest reproduction: {:?}",
                file.display(),
                reduce(&text)
            ));
        }
    }
    eprintln!("{} of {} real Markdown files read", sample.len(), files.len());
    assert!(
        failures.is_empty(),
        "{} of {} files read differently:\n{}",
        failures.len(),
        sample.len(),
        failures.join("\n")
    );
}
