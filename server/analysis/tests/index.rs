//! The workspace scan on fixture folders: what is indexed, what is skipped and why.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use specls_analysis::Settings;
use specls_analysis::index::{ScanNote, ScanOptions, WorkspaceIndex, scan_folders};

fn write(root: &Path, relative: &str, bytes: &[u8]) -> PathBuf {
    let path = root.join(relative);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, bytes).unwrap();
    path
}

fn spec(id: &str) -> Vec<u8> {
    format!("---\nspec-id: {id}\ntitle: {id}\n---\n\n# {id}\n").into_bytes()
}

/// Walks and scans `roots`; the indexed paths relative to `base`, and the notes.
fn index(
    base: &Path,
    roots: &[PathBuf],
    options: ScanOptions,
) -> (WorkspaceIndex, Vec<String>, Vec<ScanNote>) {
    let settings = Arc::new(Settings::default());
    let (entries, notes) = scan_folders(roots, &|_| settings.clone(), &options, &|_, _| {});
    let index = WorkspaceIndex::from_entries(entries);
    let mut paths: Vec<String> = index
        .files()
        .map(|e| {
            e.path
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    paths.sort();
    (index, paths, notes)
}

#[test]
fn nested_folders_and_gitignored_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    write(&root, "a.md", &spec("A-1"));
    write(&root, "deep/er/b.md", &spec("A-2"));
    write(&root, "deep/notes.txt", b"not markdown");
    write(&root, "build/c.md", &spec("A-3"));
    write(&root, ".gitignore", b"build/\n");
    write(&root, ".hidden/d.md", &spec("A-4"));
    let (index, paths, notes) = index(dir.path(), &[root], ScanOptions::default());
    assert_eq!(paths, ["ws/a.md", "ws/deep/er/b.md"]);
    assert!(notes.is_empty(), "{notes:?}");
    assert!(index.spec("A-2").is_some());
    assert!(index.uses_prefix("A"));
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    let outside = dir.path().join("outside");
    write(&root, "a.md", &spec("A-1"));
    write(&outside, "secret.md", &spec("S-1"));
    std::os::unix::fs::symlink(&outside, root.join("out")).unwrap();
    std::os::unix::fs::symlink(&root, root.join("loop")).unwrap();
    std::os::unix::fs::symlink(outside.join("secret.md"), root.join("linked.md")).unwrap();
    let (_, paths, notes) = index(dir.path(), &[root], ScanOptions::default());
    assert_eq!(paths, ["ws/a.md"]);
    let notes: Vec<String> = notes.iter().map(|n| n.to_string()).collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].ends_with("linked.md: skipped, a symbolic link (links are not followed)"),
        "{notes:?}"
    );
}

#[test]
fn a_file_gone_before_it_is_read_is_a_note_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let gone = dir.path().join("gone.md");
    let note = specls_analysis::index::read_text(&gone, 1 << 20).unwrap_err();
    assert!(matches!(note, ScanNote::Vanished { .. }), "{note:?}");
    assert!(
        note.to_string()
            .ends_with("gone.md: skipped, deleted before it was read")
    );
}

#[test]
fn unreadable_and_oversized_files_are_skipped_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    write(&root, "a.md", &spec("A-1"));
    write(&root, "latin1.md", b"# Caf\xe9\n");
    let big = write(&root, "big.md", &vec![b'x'; 50 * 1024 * 1024]);
    let (_, paths, notes) = index(dir.path(), std::slice::from_ref(&root), ScanOptions::default());
    assert_eq!(paths, ["ws/a.md"]);
    let mut notes: Vec<String> = notes.iter().map(|n| n.to_string()).collect();
    notes.sort();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes[0].contains("big.md") && notes[0].contains("50 MB"),
        "{notes:?}"
    );
    assert!(
        notes[1].contains("latin1.md") && notes[1].contains("not valid UTF-8"),
        "{notes:?}"
    );
    assert!(big.exists());
}

#[test]
fn two_roots_form_one_index() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("one");
    let second = dir.path().join("two");
    write(&first, "a.md", &spec("A-1"));
    write(&second, "b.md", &spec("B-1"));
    let (mut index, paths, _) = index(dir.path(), &[first.clone(), second], ScanOptions::default());
    assert_eq!(paths, ["one/a.md", "two/b.md"]);
    assert!(index.spec("A-1").is_some() && index.spec("B-1").is_some());
    assert_eq!(index.remove_under(&first), 1);
    assert!(index.spec("A-1").is_none() && !index.uses_prefix("A"));
}
