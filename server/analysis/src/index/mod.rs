//! The workspace index: what navigation and workspace checks need of every Markdown file
//! in the workspace folders, open or not.
//!
//! The index is an immutable value built from persistent maps, so a snapshot is a cheap
//! clone and updating one file costs a few map operations, never a rebuild.

mod cycles;
mod entry;
mod headings;
mod references;
mod scan;
mod span;

use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, OnceLock};

pub use cycles::Cycles;
pub use entry::{FileEntry, Located, TaskCount};
pub use headings::{HeadingFacts, IndexedHeading, IndexedHeadings};
pub use references::{IndexedKind, IndexedReference, IndexedReferences};

pub use scan::{
    ScanNote, ScanOptions, clamped, entry_from_text, is_markdown, not_walked, read_bytes, read_entry,
    read_text, scan, scan_folders, visible_or_kiro, walk,
};

/// A file's key in the index: its absolute, lexically normalised path.
pub type FileKey = Arc<Path>;

/// The index's persistent maps. Workspace checks look files up by path thousands of times
/// a check, and SipHash over each path's components was a visible part of it. foldhash is
/// seeded at random per process too, so a hostile repository cannot name files to collide.
type Map<K, V> = imbl::GenericHashMap<K, V, foldhash::fast::RandomState, imbl::shared_ptr::DefaultSharedPtr>;

#[derive(Debug, Clone, Default)]
pub struct WorkspaceIndex {
    files: Map<FileKey, Arc<FileEntry>>,
    /// The files whose frontmatter defines each spec id (more than one is a duplicate).
    definitions: Map<Arc<str>, Vec<FileKey>>,
    /// How many defined ids use each prefix (`AUTH` of `AUTH-1`).
    prefixes: Map<Arc<str>, u32>,
    /// The files of each spec-kit or Kiro set, by the set's folder.
    sets: Map<FileKey, Vec<FileKey>>,
    /// Computed on first use after the dependencies changed.
    cycles: Arc<OnceLock<Arc<Cycles>>>,
}

impl WorkspaceIndex {
    pub fn from_entries(entries: impl IntoIterator<Item = impl Into<Arc<FileEntry>>>) -> Self {
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
        self.update(entry).is_some()
    }

    /// Adds or replaces a file; what other files' checks may see differently, if anything.
    pub fn update(&mut self, entry: impl Into<Arc<FileEntry>>) -> Option<OutwardChange> {
        let entry: Arc<FileEntry> = entry.into();
        let previous = self.files.insert(entry.path.clone(), entry.clone());
        let changed = previous
            .as_ref()
            .is_none_or(|previous| !previous.same_outward_facts(&entry));
        let prefixes_before = self.prefixes.clone();
        if let Some(previous) = &previous {
            self.forget_definition(previous);
            self.forget_set(previous);
        }
        if let Some(facts) = &entry.trace {
            let mut files = self.sets.get(&facts.set).cloned().unwrap_or_default();
            files.push(entry.path.clone());
            files.sort();
            self.sets.insert(facts.set.clone(), files);
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
        if !changed {
            return None;
        }
        // The graph's nodes are ids and its edges `depends-on` lists.
        let dependencies = previous.as_deref().is_none_or(|previous| {
            let id = |e: &FileEntry| e.spec_id.as_ref().map(|id| id.text.clone());
            let depends_on = |e: &FileEntry| {
                e.field_ids("depends-on")
                    .map(|(id, _)| id.to_string())
                    .collect::<Vec<_>>()
            };
            id(previous) != id(&entry) || depends_on(previous) != depends_on(&entry)
        });
        if dependencies {
            self.cycles = Arc::default();
        }
        let mut ids: Vec<Arc<str>> = previous
            .iter()
            .chain([&entry])
            .filter_map(|e| e.spec_id.as_ref())
            .map(|id| Arc::from(id.text.as_str()))
            .collect();
        ids.dedup();
        let trace_changed = match (
            previous.as_deref().and_then(|p| p.trace.as_deref()),
            entry.trace.as_deref(),
        ) {
            (None, None) => false,
            (Some(a), Some(b)) => !a.same_outward_facts(b),
            _ => true,
        };
        let set = trace_changed
            .then(|| {
                entry
                    .trace
                    .as_ref()
                    .or(previous.as_ref().and_then(|p| p.trace.as_ref()))
                    .map(|facts| facts.set.clone())
            })
            .flatten();
        Some(OutwardChange {
            path: entry.path.clone(),
            ids,
            prefixes: changed_prefixes(&prefixes_before, &self.prefixes),
            dependencies,
            set,
        })
    }

    /// Removes a file; returns whether it was indexed.
    pub fn remove(&mut self, path: &Path) -> bool {
        self.remove_file(path).is_some()
    }

    /// Removes a file; what other files' checks may see differently, if it was indexed.
    pub fn remove_file(&mut self, path: &Path) -> Option<OutwardChange> {
        let previous = self.files.remove(path)?;
        let prefixes_before = self.prefixes.clone();
        self.forget_definition(&previous);
        self.forget_set(&previous);
        self.cycles = Arc::default();
        Some(OutwardChange {
            set: previous.trace.as_ref().map(|facts| facts.set.clone()),
            path: previous.path.clone(),
            ids: previous
                .spec_id
                .iter()
                .map(|id| Arc::from(id.text.as_str()))
                .collect(),
            prefixes: changed_prefixes(&prefixes_before, &self.prefixes),
            dependencies: true,
        })
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

    fn forget_set(&mut self, entry: &FileEntry) {
        let Some(facts) = &entry.trace else { return };
        if let Some(files) = self.sets.get(&facts.set) {
            let rest: Vec<FileKey> = files.iter().filter(|p| **p != entry.path).cloned().collect();
            if rest.is_empty() {
                self.sets.remove(&facts.set);
            } else {
                self.sets.insert(facts.set.clone(), rest);
            }
        }
    }

    /// The files of the spec set in `folder`, sorted by path.
    pub fn set_files(&self, folder: &Path) -> impl Iterator<Item = &Arc<FileEntry>> {
        self.sets
            .get(folder)
            .into_iter()
            .flatten()
            .filter_map(|path| self.files.get(path))
    }

    /// The folders of the spec sets, unordered.
    pub fn sets(&self) -> impl Iterator<Item = &FileKey> {
        self.sets.keys()
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

/// What other files' checks may see differently after one file changed in the index:
/// only files that name one of its ids, link to its file name, or use a prefix that came or
/// went need checking again (and, when its dependencies changed, the specs on cycles).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutwardChange {
    pub path: FileKey,
    /// The ids the file defined before and after.
    pub ids: Vec<Arc<str>>,
    /// Id prefixes that came into use or went out of use.
    pub prefixes: Vec<Arc<str>>,
    /// Its `depends-on` list changed, or it came or went: cycles may have moved.
    pub dependencies: bool,
    /// The spec set whose ids, cites or checkboxes changed: every file of the set
    /// shows findings of the whole set.
    pub set: Option<FileKey>,
}

impl OutwardChange {
    pub fn file_name(&self) -> Option<String> {
        self.path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
    }
}

fn changed_prefixes(before: &Map<Arc<str>, u32>, after: &Map<Arc<str>, u32>) -> Vec<Arc<str>> {
    let gone = before.keys().filter(|p| !after.contains_key(*p));
    let new = after.keys().filter(|p| !before.contains_key(*p));
    gone.chain(new).cloned().collect()
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

    fn entry(path: &str, text: &str) -> FileEntry {
        let model = specls_syntax::SpecModel::read_fast(text);
        FileEntry::new(
            Arc::from(Path::new(path)),
            &model,
            &crate::Settings::default(),
            None,
            &|range| text[range].to_string(),
        )
    }

    #[test]
    fn an_update_says_what_others_may_see_differently() {
        let dependency = "---\nspec-id: DEP-1\nstatus: draft\n---\n# Dep\n\n## Data\n";
        let mut index = WorkspaceIndex::from_entries([entry("/ws/dep.md", dependency)]);
        let namer = entry("/ws/namer.md", "---\nspec-id: USE-1\ndepends-on: [DEP-1]\n---\n");
        let linker = entry("/ws/linker.md", "See [data](dep.md#data).\n");
        let bystander = entry("/ws/other.md", "---\nspec-id: OTHER-1\n---\nNothing here.\n");
        let same_id = entry("/ws/twin.md", "---\nspec-id: DEP-9\n---\n");
        for e in [&namer, &linker, &bystander] {
            index.insert(e.clone());
        }

        // Typing in a section body changes nothing others see.
        let edited = dependency.replace("## Data\n", "## Data\n\nMore words.\n");
        assert_eq!(index.update(entry("/ws/dep.md", &edited)), None);

        let renamed = dependency.replace("DEP-1", "DEP-9");
        let change = index
            .update(entry("/ws/dep.md", &renamed))
            .expect("the id changed");
        let ids: Vec<&str> = change.ids.iter().map(|id| &**id).collect();
        assert_eq!(ids, ["DEP-1", "DEP-9"]);
        assert!(change.dependencies, "an id is a node of the dependency graph");
        assert!(change.prefixes.is_empty(), "DEP is still in use");
        assert!(namer.may_see(&change));
        assert!(linker.may_see(&change));
        assert!(same_id.may_see(&change), "a duplicate id");
        assert!(!bystander.may_see(&change));
        assert!(
            !entry("/ws/dep.md", &renamed).may_see(&change),
            "not the file itself"
        );

        let gone = index
            .remove_file(Path::new("/ws/dep.md"))
            .expect("it was indexed");
        let prefixes: Vec<&str> = gone.prefixes.iter().map(|p| &**p).collect();
        assert_eq!(prefixes, ["DEP"]);
        let bare = entry(
            "/ws/bare.md",
            "---\nspec-id: X-1\n---\nMentions DEP-4 in passing.\n",
        );
        assert!(bare.may_see(&gone), "DEP-4 is no longer a reference");
        assert!(!bystander.may_see(&gone));
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
