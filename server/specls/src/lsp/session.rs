//! The server's state and its one rule: it changes only on the notification path (open,
//! change, close, files changed on disk, configuration, and the results of scans and
//! checks those started), each change under one lock, and every request reads a
//! [`World`], an immutable copy taken when it starts.
//!
//! `revision` counts the changes. Each open document remembers the revision of the last
//! change that can alter its findings (`inputs`): its own edits, an index change it may
//! see, a configuration change. A check result carries the `(version, inputs)` it was
//! computed for and is stored or published only while they are still current.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use dashmap::DashMap;
use specls_analysis::index::{FileKey, OutwardChange};
use specls_analysis::{Diagnostic, FileEntry, WorkspaceIndex};
use specls_syntax::{Document, PositionEncoding, TextChange};
use tower_lsp_server::ls_types::{ClientCapabilities, Uri};

use crate::log::log_warn;
use crate::lsp::editor_settings::EditorSettings;
use crate::lsp::world::{World, key_of};
use crate::settings::{SettingsCache, is_config_file};

/// One open document's current version.
#[derive(Debug, Clone)]
pub struct OpenDocument {
    pub version: i32,
    pub document: Arc<Document>,
    /// The index entry of this version, built by whoever needs it first.
    pub entry: Arc<OnceLock<Arc<FileEntry>>>,
    /// The revision of the last change that can alter this document's findings.
    pub inputs: u64,
    /// The revision at which it was opened or last edited: the documents edited longest
    /// ago are put to rest first.
    pub edited: u64,
}

/// How many open documents keep their syntax trees: those edited last. The others keep
/// their text and spec model ([`Document::rested`]), so memory per open document stays
/// small however many are open, and a document typed in keeps its incremental parse.
const DOCUMENTS_WITH_TREES: usize = 32;

/// What the notification path changes; a [`World`] is a copy of it.
#[derive(Debug, Clone, Default)]
pub struct State {
    pub documents: imbl::HashMap<Uri, OpenDocument>,
    /// Every Markdown file of the workspace folders; open documents as the editor has them
    /// once their check has run.
    pub index: WorkspaceIndex,
    pub revision: u64,
    /// The revision at which each file was last opened, closed or re-read from disk: a
    /// scan that started before then has older text and leaves the file alone. Only
    /// reads in flight compare against it, so it is emptied whenever none is.
    touched: imbl::HashMap<FileKey, u64>,
    /// Scans and re-reads started and not yet landed.
    reads_in_flight: usize,
    pub indexed: bool,
    pub roots: Arc<Vec<PathBuf>>,
    pub editor_settings: Arc<EditorSettings>,
    /// The workspace configurations, as of the last change to one of them.
    pub settings: Arc<SettingsCache>,
}

/// Why a change was not applied.
#[derive(Debug, PartialEq, Eq)]
pub enum ChangeRejected {
    NotOpen,
    StaleVersion { current: i32, received: i32 },
}

/// Diagnostics of one document version, as of the revision of its inputs.
#[derive(Debug, Clone)]
pub struct Checked {
    pub version: Option<i32>,
    pub inputs: u64,
    pub diagnostics: Arc<Vec<Diagnostic>>,
}

/// The open documents whose findings an index change may alter.
#[derive(Debug, Default)]
pub struct Affected {
    pub documents: Vec<Uri>,
}

impl Affected {
    pub fn is_empty(&self) -> bool {
        self.documents.is_empty()
    }
}

/// Whether diagnostics are pulled by this client rather than pushed to it. Pulling needs
/// `workspace/diagnostic/refresh` too: without it a client never hears that another
/// file changed a document's findings (Neovim 0.11 pulls only on its own buffer's edits),
/// so such a client is pushed to.
pub fn pulls_diagnostics(capabilities: &ClientCapabilities) -> bool {
    let pulls = capabilities
        .text_document
        .as_ref()
        .is_some_and(|t| t.diagnostic.is_some());
    let refreshes = capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.diagnostics.as_ref())
        .and_then(|d| d.refresh_support)
        .unwrap_or(false);
    pulls && refreshes
}

pub struct Session {
    state: Mutex<State>,
    encoding: OnceLock<PositionEncoding>,
    capabilities: OnceLock<Arc<ClientCapabilities>>,
    /// The last diagnostics computed for each open document, for code actions and pulls.
    checked: DashMap<Uri, Checked>,
    /// What was last published to a client that is pushed to: `(version, diagnostics)`.
    published: DashMap<Uri, (i32, Arc<Vec<Diagnostic>>)>,
    /// Becomes true when the first scan of the workspace folders is complete.
    indexed: tokio::sync::watch::Sender<bool>,
}

impl Default for Session {
    fn default() -> Self {
        Session {
            state: Mutex::default(),
            encoding: OnceLock::new(),
            capabilities: OnceLock::new(),
            checked: DashMap::default(),
            published: DashMap::default(),
            indexed: tokio::sync::watch::Sender::new(false),
        }
    }
}

impl Session {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Everything a request reads, as of now.
    pub fn world(&self) -> World {
        self.world_of(&self.state())
    }

    fn world_of(&self, state: &State) -> World {
        World {
            state: state.clone(),
            encoding: self.encoding(),
            capabilities: self.capabilities(),
        }
    }

    pub fn encoding(&self) -> PositionEncoding {
        self.encoding.get().copied().unwrap_or_default()
    }

    pub fn initialize(&self, encoding: PositionEncoding, capabilities: ClientCapabilities) {
        if self.encoding.set(encoding).is_err() {
            log_warn!("initialize received twice; keeping the first negotiation");
        }
        let _ = self.capabilities.set(Arc::new(capabilities));
    }

    pub fn capabilities(&self) -> Arc<ClientCapabilities> {
        self.capabilities.get().cloned().unwrap_or_default()
    }

    /// Whether the client pulls diagnostics (`textDocument/diagnostic`) instead of
    /// receiving them.
    pub fn client_pulls(&self) -> bool {
        self.capabilities.get().is_some_and(|c| pulls_diagnostics(c))
    }

    pub fn is_indexed(&self) -> bool {
        *self.indexed.borrow()
    }

    /// Waits until the first scan of the workspace is complete.
    pub async fn wait_until_indexed(&self) {
        let mut receiver = self.indexed.subscribe();
        let _ = receiver.wait_for(|done| *done).await;
    }

    pub fn roots(&self) -> Arc<Vec<PathBuf>> {
        self.state().roots.clone()
    }

    pub fn set_roots(&self, roots: Vec<PathBuf>) {
        let mut state = self.state();
        state.roots = Arc::new(roots);
        state.revision += 1;
    }

    /// Configurations changed on disk: later worlds read them again. Worlds taken before
    /// keep the settings they started with.
    pub fn invalidate_settings(&self, configs: &[PathBuf]) {
        let mut state = self.state();
        state.settings = Arc::new(state.settings.without(configs));
        // In the same change, so no world holds the new settings with the old inputs.
        Self::touch_every_document(&mut state);
    }

    /// The configurations that a changed file is or is a template of, and the file
    /// itself when it is a spec-kit set template.
    pub fn configurations_of(&self, path: &Path) -> Vec<PathBuf> {
        if is_config_file(path) {
            return vec![path.to_path_buf()];
        }
        let mut configs = self.state().settings.naming_template(path);
        if specls_analysis::trace::template::is_template_file(path) {
            configs.push(path.to_path_buf());
        }
        configs
    }

    /// The configurations changed on disk since they were read, for clients that do not
    /// report changed files.
    pub fn stale_settings(&self) -> Vec<PathBuf> {
        let settings = self.state().settings.clone();
        settings.stale()
    }

    /// Replaces the editor's settings; whether they changed (every document's findings
    /// may then differ).
    pub fn set_editor_settings(&self, settings: EditorSettings) -> bool {
        let mut state = self.state();
        if *state.editor_settings == settings {
            return false;
        }
        state.editor_settings = Arc::new(settings);
        Self::touch_every_document(&mut state);
        true
    }

    /// A configuration changed: entries are built again (a file may stop being a spec) and
    /// every document's findings may differ.
    pub fn configuration_changed(&self) {
        let mut state = self.state();
        Self::touch_every_document(&mut state);
    }

    fn touch_every_document(state: &mut State) {
        state.revision += 1;
        let revision = state.revision;
        for (_, document) in state.documents.iter_mut() {
            document.inputs = revision;
            document.entry = Arc::default();
        }
    }

    /// The open documents and their versions.
    pub fn open_documents(&self) -> Vec<(Uri, i32)> {
        self.state()
            .documents
            .iter()
            .map(|(uri, document)| (uri.clone(), document.version))
            .collect()
    }

    pub fn version(&self, uri: &Uri) -> Option<i32> {
        self.state().documents.get(uri).map(|d| d.version)
    }

    /// The version of an open document and the revision of what it sees: diagnostics
    /// computed for another pair are out of date.
    pub fn version_and_inputs(&self, uri: &Uri) -> Option<(i32, u64)> {
        self.state().documents.get(uri).map(|d| (d.version, d.inputs))
    }

    pub fn open(&self, uri: Uri, version: i32, document: Document) {
        let mut state = self.state();
        state.revision += 1;
        let revision = state.revision;
        let document = OpenDocument {
            version,
            document: Arc::new(document),
            entry: Arc::default(),
            inputs: revision,
            edited: revision,
        };
        if state.documents.insert(uri.clone(), document).is_some() {
            log_warn!(
                "didOpen for {}, which was open; its text is replaced",
                uri.as_str()
            );
        }
    }

    /// Applies an editor's changes in order. Versions only go up: a change whose version
    /// is not newer than the document's is refused whole. Returns the new version when
    /// its trees are to be parsed in the background ([`Document::will_prepare`]): its
    /// model comes from the fast reader meanwhile.
    pub fn change(
        &self,
        uri: &Uri,
        version: i32,
        changes: &[TextChange],
    ) -> Result<Option<Arc<Document>>, ChangeRejected> {
        let encoding = self.encoding();
        let mut state = self.state();
        state.revision += 1;
        let revision = state.revision;
        let open = state.documents.get_mut(uri).ok_or(ChangeRejected::NotOpen)?;
        if version <= open.version {
            return Err(ChangeRejected::StaleVersion {
                current: open.version,
                received: version,
            });
        }
        let mut document = open.document.clone();
        for change in changes {
            let (next, outcome) = document.apply_change(change, encoding);
            if outcome.clamped {
                log_warn!(
                    "{}: change range {:?} lies outside the document; clamped",
                    uri.as_str(),
                    change.range
                );
            }
            document = Arc::new(next);
        }
        let prepare = document.will_prepare().then(|| document.clone());
        *open = OpenDocument {
            version,
            document,
            entry: Arc::default(),
            inputs: revision,
            edited: revision,
        };
        Ok(prepare)
    }

    /// Closes a document; the revision its file must be read back at (with
    /// [`Session::reindex_file`]), or `None` when it was not open. Until the read lands
    /// the index keeps the editor's last entry.
    pub fn close(&self, uri: &Uri) -> Option<u64> {
        let mut state = self.state();
        state.documents.remove(uri)?;
        state.revision += 1;
        let revision = state.revision;
        state.touched.insert(FileKey::from(key_of(uri)), revision);
        state.reads_in_flight += 1;
        // Under the state lock: a result found current a moment ago cannot be stored now.
        self.checked.remove(uri);
        self.published.remove(uri);
        Some(revision)
    }

    /// Gives back the room the per-document tables grew to while many documents were
    /// open: a table keeps its largest size, and is reallocated amid the documents' own
    /// memory as it grows, so its pages stay after they are freed.
    pub fn shrink_to_fit(&self) {
        self.checked.shrink_to_fit();
        self.published.shrink_to_fit();
    }

    /// Marks a file as re-read from disk from now on; its read lands with
    /// [`Session::reindex_file`] only if nothing newer touched it meanwhile.
    pub fn will_reread(&self, path: &Path) -> u64 {
        let mut state = self.state();
        state.revision += 1;
        let revision = state.revision;
        state.touched.insert(FileKey::from(path), revision);
        state.reads_in_flight += 1;
        revision
    }

    /// A scan starts: its results land with [`Session::index_scanned`] and this revision.
    pub fn will_scan(&self) -> u64 {
        let mut state = self.state();
        state.reads_in_flight += 1;
        state.revision
    }

    /// A read or scan landed: when none is left in flight nothing compares against the
    /// revisions files were touched at.
    fn read_landed(state: &mut State) {
        state.reads_in_flight = state.reads_in_flight.saturating_sub(1);
        if state.reads_in_flight == 0 {
            state.touched = imbl::HashMap::default();
        }
    }

    /// Puts the index entry of an open document's version in the index, unless the
    /// document has moved on (`None`). Returns the open documents that may see the change
    /// (their `inputs` moved to this revision) and the world just after it: diagnostics
    /// computed on that world see every change committed before, and any committed later
    /// finds this entry and marks the document affected.
    pub fn commit_entry(&self, uri: &Uri, version: i32, entry: Arc<FileEntry>) -> Option<(Affected, World)> {
        let mut state = self.state();
        if state.documents.get(uri).is_none_or(|d| d.version != version) {
            return None;
        }
        let unchanged = state
            .index
            .file(&entry.path)
            .is_some_and(|e| Arc::ptr_eq(e, &entry));
        let affected = if unchanged {
            Affected::default()
        } else {
            match state.index.update(entry) {
                Some(change) => Self::affected_by(&mut state, &[change]),
                None => Affected::default(),
            }
        };
        Self::rest_documents(&mut state);
        Some((affected, self.world_of(&state)))
    }

    /// Puts to rest the documents edited longest ago beyond the [`DOCUMENTS_WITH_TREES`]
    /// that keep their trees. Only documents whose model is read (their check has run)
    /// are put to rest, so this never parses under the lock.
    fn rest_documents(state: &mut State) {
        let can_rest = |open: &OpenDocument| open.document.holds_tree() && open.document.has_model();
        if state.documents.values().filter(|open| can_rest(open)).count() <= DOCUMENTS_WITH_TREES {
            return;
        }
        let mut holding: Vec<(u64, Uri)> = state
            .documents
            .iter()
            .filter(|(_, open)| can_rest(open))
            .map(|(uri, open)| (open.edited, uri.clone()))
            .collect();
        holding.sort_unstable_by_key(|(edited, _)| *edited);
        let resting = holding.len() - DOCUMENTS_WITH_TREES;
        for (_, uri) in holding.into_iter().take(resting) {
            if let Some(open) = state.documents.get_mut(&uri) {
                open.document = Arc::new(open.document.rested());
            }
        }
    }

    /// A file read again from disk (changed, created, closed), or gone (`None`): applied
    /// when it is not open and no later read or open touched it since `revision`.
    pub fn reindex_file(&self, path: &Path, entry: Option<FileEntry>, revision: u64) -> Affected {
        let mut state = self.state();
        let newer = state.touched.get(path).is_some_and(|&at| at > revision);
        Self::read_landed(&mut state);
        if newer || Self::is_open_path(&state, path) {
            return Affected::default();
        }
        let change = match entry {
            Some(entry) => state.index.update(entry),
            None => state.index.remove_file(path),
        };
        match change {
            Some(change) => Self::affected_by(&mut state, &[change]),
            None => Affected::default(),
        }
    }

    /// The entries of a scan that started at `revision` (from [`Session::will_scan`]). A file opened, closed or re-read
    /// since keeps what the index has of it; but a file the index does not hold yet goes
    /// in as the disk has it (an open document's own entry replaces it once its check
    /// runs). Every open document may see them.
    pub fn index_scanned(&self, entries: Vec<FileEntry>, revision: u64) -> Affected {
        let mut state = self.state();
        let open: std::collections::HashSet<PathBuf> = state.documents.keys().map(key_of).collect();
        for entry in entries {
            let newer = state.touched.get(&entry.path).is_some_and(|&at| at > revision)
                || open.contains(&*entry.path);
            if !newer || state.index.file(&entry.path).is_none() {
                state.index.insert(entry);
            }
        }
        Self::read_landed(&mut state);
        Self::touch_all_documents_for_index(&mut state)
    }

    /// Forgets the files under folders that left the workspace: how many, and the
    /// documents that may see it.
    pub fn remove_folders(&self, folders: &[PathBuf]) -> (usize, Affected) {
        let mut state = self.state();
        let removed: usize = folders.iter().map(|f| state.index.remove_under(f)).sum();
        if removed == 0 {
            return (0, Affected::default());
        }
        (removed, Self::touch_all_documents_for_index(&mut state))
    }

    fn touch_all_documents_for_index(state: &mut State) -> Affected {
        state.revision += 1;
        let revision = state.revision;
        let mut documents = Vec::new();
        for (uri, document) in state.documents.iter_mut() {
            document.inputs = revision;
            documents.push(uri.clone());
        }
        Affected { documents }
    }

    fn is_open_path(state: &State, path: &Path) -> bool {
        // Open documents are few; their keys are computed from their URIs.
        state.documents.keys().any(|uri| key_of(uri) == path)
    }

    /// The open documents that may see `changes` (just made to the index), their inputs
    /// moved to a new revision.
    fn affected_by(state: &mut State, changes: &[OutwardChange]) -> Affected {
        state.revision += 1;
        let revision = state.revision;
        // Cycles are not found here, under the lock (half a second at 100,000 specs): a
        // spec is told of a cycle only through its own `depends-on` items, so when the
        // graph changed every open spec with such items may see it differently.
        let dependencies_changed = changes.iter().any(|c| c.dependencies);
        let index = state.index.clone();
        let mut documents = Vec::new();
        for (uri, document) in state.documents.iter_mut() {
            let path = key_of(uri);
            let Some(entry) = document
                .entry
                .get()
                .cloned()
                .or_else(|| index.file(&path).cloned())
            else {
                // Its entry is still being built (its own check is parsing it): what it
                // may see is not known yet. A result computed on an older world is
                // refused from now on; its check, which commits the entry and computes
                // on the world just after, publishes it. Not re-checked here: in a burst
                // of opens that would be a check per open document per commit.
                document.inputs = revision;
                continue;
            };
            let may_see_cycles = dependencies_changed && entry.is_told_of_cycles();
            if may_see_cycles || changes.iter().any(|change| entry.may_see(change)) {
                document.inputs = revision;
                documents.push(uri.clone());
            }
        }
        Affected { documents }
    }

    pub fn mark_indexed(&self) {
        self.state().indexed = true;
        self.indexed.send_replace(true);
    }

    fn current_in(state: &State, uri: &Uri, version: i32, inputs: u64) -> bool {
        state
            .documents
            .get(uri)
            .is_some_and(|d| d.version == version && d.inputs == inputs)
    }

    /// Remembers diagnostics computed for a document, if they are still current.
    pub fn remember_checked(&self, uri: &Uri, checked: Checked) {
        let Some(version) = checked.version else {
            return;
        };
        let state = self.state();
        if Self::current_in(&state, uri, version, checked.inputs) {
            self.checked.insert(uri.clone(), checked);
        }
    }

    /// Diagnostics computed earlier for exactly this version and inputs.
    pub fn recall_checked(&self, uri: &Uri, version: i32, inputs: u64) -> Option<Arc<Vec<Diagnostic>>> {
        let checked = self.checked.get(uri)?;
        (checked.version == Some(version) && checked.inputs == inputs).then(|| checked.diagnostics.clone())
    }

    /// Whether to publish diagnostics computed for `(version, inputs)`: they must still
    /// be current, and differ from what the client was last sent for that version (a
    /// re-check that began first may have sent the same already). Records them as sent.
    pub fn should_publish(
        &self,
        uri: &Uri,
        version: i32,
        inputs: u64,
        diagnostics: &Arc<Vec<Diagnostic>>,
    ) -> bool {
        // Under the state lock: a document closed meanwhile keeps no record.
        let state = self.state();
        if !Self::current_in(&state, uri, version, inputs) {
            return false;
        }
        let unchanged = self
            .published
            .get(uri)
            .is_some_and(|last| last.0 == version && *last.1 == **diagnostics);
        if unchanged {
            return false;
        }
        self.published.insert(uri.clone(), (version, diagnostics.clone()));
        true
    }
}
