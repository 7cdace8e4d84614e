//! The workspace index: what navigation and workspace checks need of every Markdown file
//! in the workspace folders, open or not.
//!
//! The index is an immutable value built from persistent maps, so a snapshot is a cheap
//! clone and updating one file costs a few map operations, never a rebuild.

mod cycles;
mod entry;
mod scan;

use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, OnceLock};

pub use cycles::Cycles;
pub use entry::{FileEntry, IndexedHeading, Located, TaskCount};
pub use scan::{ScanNote, ScanOptions, entry_from_text, is_markdown, read_entry, scan, scan_folders, walk};

/// A file's key in the index: its absolute, lexically normalised path.
pub type FileKey = Arc<Path>;

#[derive(Debug, Clone, Default)]
pub struct WorkspaceIndex {
    files: imbl::HashMap<FileKey, Arc<FileEntry>>,
    /// The files whose frontmatter defines each spec id (more than one is a duplicate).
    definitions: imbl::HashMap<Arc<str>, Vec<FileKey>>,
    /// How many defined ids use each prefix (`AUTH` of `AUTH-1`).
    prefixes: imbl::HashMap<Arc<str>, u32>,
    /// Computed on first use after the dependencies changed.
    cycles: Arc<OnceLock<Arc<Cycles>>>,
}

impl WorkspaceIndex {
    pub fn from_entries(entries: impl IntoIterator<Item = FileEntry>) -> Self {
        let mut index = WorkspaceIndex::default();
        for entry in entries {
            index.insert(entry);
        }
        index
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Adds or replaces a file. Returns whether what other files' checks see of it (its
    /// id, status, headings or dependencies) changed, so those checks must run again.
    pub fn insert(&mut self, entry: impl Into<Arc<FileEntry>>) -> bool {
        let entry: Arc<FileEntry> = entry.into();
        let previous = self.files.insert(entry.path.clone(), entry.clone());
        let changed = previous
            .as_ref()
            .is_none_or(|previous| !previous.same_outward_facts(&entry));
        if let Some(previous) = previous {
            self.forget_definition(&previous);
        }
        if changed {
            self.cycles = Arc::default();
        }
        if let Some(id) = &entry.spec_id {
            let id: Arc<str> = Arc::from(id.text.as_str());
            let mut files = self.definitions.get(&id).cloned().unwrap_or_default();
            files.push(entry.path.clone());
            files.sort();
            self.definitions.insert(id.clone(), files);
            if let Some(prefix) = id_prefix(&id) {
                *self.prefixes.entry(Arc::from(prefix)).or_insert(0) += 1;
            }
        }
        changed
    }

    /// Removes a file; returns whether it was indexed.
    pub fn remove(&mut self, path: &Path) -> bool {
        match self.files.remove(path) {
            Some(previous) => {
                self.forget_definition(&previous);
                self.cycles = Arc::default();
                true
            }
            None => false,
        }
    }

    /// Removes every file under a folder (a workspace folder that was closed).
    pub fn remove_under(&mut self, folder: &Path) -> usize {
        let gone: Vec<FileKey> = self
            .files
            .keys()
            .filter(|path| path.starts_with(folder))
            .cloned()
            .collect();
        for path in &gone {
            self.remove(path);
        }
        gone.len()
    }

    fn forget_definition(&mut self, entry: &FileEntry) {
        let Some(id) = &entry.spec_id else { return };
        let id = id.text.as_str();
        if let Some(files) = self.definitions.get(id) {
            let rest: Vec<FileKey> = files.iter().filter(|p| **p != entry.path).cloned().collect();
            if rest.is_empty() {
                self.definitions.remove(id);
            } else {
                self.definitions.insert(Arc::from(id), rest);
            }
        }
        if let Some(prefix) = id_prefix(id)
            && let Some(count) = self.prefixes.get_mut(prefix)
        {
            *count -= 1;
            if *count == 0 {
                self.prefixes.remove(prefix);
            }
        }
    }

    pub fn file(&self, path: &Path) -> Option<&Arc<FileEntry>> {
        self.files.get(path)
    }

    pub fn files(&self) -> impl Iterator<Item = &Arc<FileEntry>> {
        self.files.values()
    }

    /// The files that define a spec id, sorted by path.
    pub fn definitions(&self, id: &str) -> impl Iterator<Item = &Arc<FileEntry>> {
        self.definitions
            .get(id)
            .into_iter()
            .flatten()
            .filter_map(|path| self.files.get(path))
    }

    /// The files that define an id as seen from a file of `scope`: those of the same
    /// configuration when there are any, else all.
    pub fn definitions_for(&self, id: &str, scope: Option<&FileKey>) -> Vec<&Arc<FileEntry>> {
        let all: Vec<&Arc<FileEntry>> = self.definitions(id).collect();
        if all.len() < 2 {
            return all;
        }
        let near: Vec<&Arc<FileEntry>> = all
            .iter()
            .copied()
            .filter(|e| e.scope.as_ref() == scope)
            .collect();
        if near.is_empty() { all } else { near }
    }

    /// The spec an id names, as seen from a file of `scope`.
    pub fn spec_for(&self, id: &str, scope: Option<&FileKey>) -> Option<&Arc<FileEntry>> {
        self.definitions_for(id, scope).into_iter().next()
    }

    /// The spec that defines an id (the first by path when several do).
    pub fn spec(&self, id: &str) -> Option<&Arc<FileEntry>> {
        self.definitions(id).next()
    }

    /// Every defined id, unordered.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.definitions.keys().map(|id| &**id)
    }

    /// The specs on `depends-on` cycles.
    pub fn cycles(&self) -> Arc<Cycles> {
        self.cycles
            .get_or_init(|| Arc::new(Cycles::compute(self)))
            .clone()
    }

    /// Whether some spec of the workspace has an id with this prefix.
    pub fn uses_prefix(&self, prefix: &str) -> bool {
        self.prefixes.contains_key(prefix)
    }

    /// The file a relative link in `from` points at, whether or not it exists.
    pub fn resolve_link(from: &Path, link_path: &str) -> Option<PathBuf> {
        let decoded = percent_decode(link_path);
        let target = Path::new(&decoded);
        if target.is_absolute() {
            return None;
        }
        Some(normalize(&from.parent()?.join(target)))
    }
}

/// The folders to scan: each once, and none inside another (it is scanned with it).
pub fn outermost(mut folders: Vec<PathBuf>) -> Vec<PathBuf> {
    folders.sort();
    folders.dedup();
    folders
        .iter()
        .filter(|folder| {
            !folders
                .iter()
                .any(|other| other != *folder && folder.starts_with(other))
        })
        .cloned()
        .collect()
}

/// `path` relative to `base` (both absolute), with `..` where needed.
pub fn relative_to(path: &Path, base: &Path) -> PathBuf {
    let path_parts: Vec<Component> = path.components().collect();
    let base_parts: Vec<Component> = base.components().collect();
    let common = path_parts
        .iter()
        .zip(&base_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let root = path_parts
        .iter()
        .take_while(|part| matches!(part, Component::Prefix(_) | Component::RootDir))
        .count();
    if common <= root {
        // Nothing in common but the root: the absolute path reads better.
        return path.to_path_buf();
    }
    let mut relative = PathBuf::new();
    for _ in common..base_parts.len() {
        relative.push("..");
    }
    for part in &path_parts[common..] {
        relative.push(part);
    }
    relative
}

/// `AUTH` of `AUTH-12`.
pub fn id_prefix(id: &str) -> Option<&str> {
    id.rsplit_once('-').map(|(prefix, _)| prefix)
}

/// Removes `.` and `..` without touching the file system (a link may name a missing file).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `%20` and the like in link destinations, as browsers decode them.
fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        let base = Path::new("/repo/docs");
        assert_eq!(
            relative_to(Path::new("/repo/docs/a/.specls.yaml"), base),
            Path::new("a/.specls.yaml")
        );
        assert_eq!(
            relative_to(Path::new("/repo/.specls.yaml"), base),
            Path::new("../.specls.yaml")
        );
        assert_eq!(
            relative_to(Path::new("/etc/.specls.yaml"), base),
            Path::new("/etc/.specls.yaml")
        );
    }

    #[test]
    fn links_resolve_lexically() {
        let from = Path::new("/ws/specs/auth/login.md");
        assert_eq!(
            WorkspaceIndex::resolve_link(from, "../pay/checkout.md"),
            Some(PathBuf::from("/ws/specs/pay/checkout.md"))
        );
        assert_eq!(
            WorkspaceIndex::resolve_link(from, "./my%20notes.md"),
            Some(PathBuf::from("/ws/specs/auth/my notes.md"))
        );
        assert_eq!(WorkspaceIndex::resolve_link(from, "/etc/passwd"), None);
    }
}
