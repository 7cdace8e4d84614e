//! The server's mutable state: open documents and what `initialize` negotiated.
//!
//! Handlers take an immutable [`Snapshot`] (an `Arc` of one document version) and never
//! hold a map guard across an `.await`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock, RwLock};

use dashmap::DashMap;
use specls_analysis::{Diagnostic, FileEntry, Settings, WorkspaceIndex};
use specls_syntax::{Document, PositionEncoding, TextChange};
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::{ClientCapabilities, Uri};

use crate::log::log_warn;
use crate::lsp::editor_settings::EditorSettings;
use crate::settings::SettingsCache;

/// One version of one document, immutable.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub uri: Uri,
    /// The editor's version; `None` for a file read from disk.
    pub version: Option<i32>,
    pub document: Arc<Document>,
    pub encoding: PositionEncoding,
}

#[derive(Debug)]
struct OpenDocument {
    version: i32,
    document: Arc<Document>,
}

pub struct Session {
    open: DashMap<Uri, OpenDocument>,
    encoding: OnceLock<PositionEncoding>,
    client_capabilities: OnceLock<ClientCapabilities>,
    /// Workspace folders, as paths.
    roots: RwLock<Vec<PathBuf>>,
    settings: SettingsCache,
    /// The diagnostics last computed for a document version, for code actions.
    diagnostics: DashMap<Uri, (Option<i32>, Arc<Vec<Diagnostic>>)>,
    /// Every Markdown file of the workspace folders; open documents as the editor has them.
    index: RwLock<WorkspaceIndex>,
    /// Severities the editor's own settings set.
    editor_settings: RwLock<EditorSettings>,
    /// The index entry of each open document's current version.
    entries: DashMap<Uri, (i32, Arc<FileEntry>)>,
    /// Becomes true when the first scan of the workspace folders is complete.
    indexed: tokio::sync::watch::Sender<bool>,
}

/// A document snapshot with everything a check needs.
pub struct CheckInput {
    pub snapshot: Snapshot,
    pub path: Option<PathBuf>,
    pub settings: Arc<Settings>,
    pub config: Option<PathBuf>,
}

/// Why a change was not applied.
#[derive(Debug, PartialEq, Eq)]
pub enum ChangeRejected {
    NotOpen,
    StaleVersion { current: i32, received: i32 },
}

impl Default for Session {
    fn default() -> Self {
        Session {
            open: DashMap::default(),
            encoding: OnceLock::new(),
            client_capabilities: OnceLock::new(),
            roots: RwLock::default(),
            settings: SettingsCache::default(),
            diagnostics: DashMap::default(),
            index: RwLock::default(),
            entries: DashMap::default(),
            editor_settings: RwLock::default(),
            indexed: tokio::sync::watch::Sender::new(false),
        }
    }
}

impl Session {
    /// A snapshot of the workspace index (a cheap clone of persistent maps).
    pub fn index(&self) -> WorkspaceIndex {
        self.index.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Applies a change to the index; returns what `f` returns.
    pub fn update_index<T>(&self, f: impl FnOnce(&mut WorkspaceIndex) -> T) -> T {
        f(&mut self.index.write().unwrap_or_else(|p| p.into_inner()))
    }

    /// Adds or replaces one file; whether other files' checks are affected.
    pub fn index_file(&self, entry: impl Into<Arc<FileEntry>>) -> bool {
        self.update_index(|index| index.insert(entry))
    }

    pub fn editor_settings(&self) -> EditorSettings {
        self.editor_settings
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Replaces the editor's settings; whether they changed.
    pub fn set_editor_settings(&self, settings: EditorSettings) -> bool {
        let mut current = self.editor_settings.write().unwrap_or_else(|p| p.into_inner());
        let changed = *current != settings;
        *current = settings;
        changed
    }

    pub fn cached_entry(&self, uri: &Uri, version: i32) -> Option<Arc<FileEntry>> {
        let cached = self.entries.get(uri)?;
        (cached.0 == version).then(|| cached.1.clone())
    }

    pub fn cache_entry(&self, uri: &Uri, version: i32, entry: Arc<FileEntry>) {
        self.entries.insert(uri.clone(), (version, entry));
    }

    pub fn is_indexed(&self) -> bool {
        *self.indexed.borrow()
    }

    pub fn mark_indexed(&self) {
        self.indexed.send_replace(true);
    }

    /// Waits until the first scan of the workspace is complete.
    pub async fn wait_until_indexed(&self) {
        let mut receiver = self.indexed.subscribe();
        let _ = receiver.wait_for(|done| *done).await;
    }

    pub fn roots(&self) -> Vec<PathBuf> {
        self.roots.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn initialize(&self, encoding: PositionEncoding, capabilities: ClientCapabilities) {
        if self.encoding.set(encoding).is_err() {
            log_warn!("initialize received twice; keeping the first negotiation");
        }
        let _ = self.client_capabilities.set(capabilities);
    }

    pub fn set_roots(&self, roots: Vec<PathBuf>) {
        *self.roots.write().unwrap_or_else(|p| p.into_inner()) = roots;
    }

    /// The workspace folder holding `path`, if any.
    pub fn root_of(&self, path: &Path) -> Option<PathBuf> {
        let roots = self.roots.read().unwrap_or_else(|p| p.into_inner());
        roots
            .iter()
            .filter(|root| path.starts_with(root))
            .max_by_key(|root| root.as_os_str().len())
            .cloned()
    }

    /// The settings in force for a document, and the configuration file they come from.
    pub fn settings_for(&self, uri: &Uri) -> (Option<PathBuf>, Arc<Settings>, Option<PathBuf>) {
        let path = uri.to_file_path().map(|p| p.into_owned());
        match &path {
            Some(path) => {
                let root = self.root_of(path);
                let (settings, config) = self.settings.for_file(path, root.as_deref());
                (Some(path.clone()), settings, config)
            }
            None => (None, self.settings.defaults(), None),
        }
    }

    pub fn check_input(&self, uri: &Uri) -> jsonrpc::Result<CheckInput> {
        let snapshot = self.snapshot(uri)?;
        let (path, settings, config) = self.settings_for(uri);
        Ok(CheckInput {
            snapshot,
            path,
            settings,
            config,
        })
    }

    /// The settings of a file of the workspace.
    pub fn settings_for_path(&self, path: &Path) -> Arc<Settings> {
        let root = self.root_of(path);
        self.settings.for_file(path, root.as_deref()).0
    }

    pub fn invalidate_settings(&self, config: &Path) {
        self.settings.invalidate(config);
    }

    /// The open document at `uri` if it is open.
    pub fn open_document(&self, uri: &Uri) -> Option<Arc<Document>> {
        self.open.get(uri).map(|entry| entry.document.clone())
    }

    /// The version of an open document, `None` when it is not open.
    pub fn version(&self, uri: &Uri) -> Option<i32> {
        self.open.get(uri).map(|entry| entry.version)
    }

    pub fn open_uris(&self) -> Vec<Uri> {
        self.open.iter().map(|entry| entry.key().clone()).collect()
    }

    pub fn remember_diagnostics(&self, uri: &Uri, version: Option<i32>, diagnostics: Arc<Vec<Diagnostic>>) {
        self.diagnostics.insert(uri.clone(), (version, diagnostics));
    }

    pub fn forget_diagnostics(&self, uri: &Uri) {
        self.diagnostics.remove(uri);
    }

    /// Diagnostics computed earlier for exactly this version.
    pub fn remembered_diagnostics(&self, uri: &Uri, version: Option<i32>) -> Option<Arc<Vec<Diagnostic>>> {
        let entry = self.diagnostics.get(uri)?;
        (entry.0 == version).then(|| entry.1.clone())
    }

    pub fn encoding(&self) -> PositionEncoding {
        self.encoding.get().copied().unwrap_or_default()
    }

    pub fn client_capabilities(&self) -> Option<&ClientCapabilities> {
        self.client_capabilities.get()
    }

    pub fn open(&self, uri: Uri, version: i32, text: &str) {
        let document = Arc::new(Document::new(text));
        self.open.insert(uri, OpenDocument { version, document });
    }

    pub fn close(&self, uri: &Uri) -> bool {
        self.diagnostics.remove(uri);
        self.entries.remove(uri);
        self.open.remove(uri).is_some()
    }

    /// Applies an editor's changes in order. Versions only go up: a change whose version
    /// is not newer than the document's is refused whole.
    pub fn change(&self, uri: &Uri, version: i32, changes: &[TextChange]) -> Result<(), ChangeRejected> {
        let encoding = self.encoding();
        let mut entry = self.open.get_mut(uri).ok_or(ChangeRejected::NotOpen)?;
        if version <= entry.version {
            return Err(ChangeRejected::StaleVersion {
                current: entry.version,
                received: version,
            });
        }
        let mut document = entry.document.clone();
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
        entry.version = version;
        entry.document = document;
        Ok(())
    }

    /// The open document at `uri`, or the file on disk when it is not open.
    pub fn snapshot(&self, uri: &Uri) -> jsonrpc::Result<Snapshot> {
        let encoding = self.encoding();
        if let Some(entry) = self.open.get(uri) {
            return Ok(Snapshot {
                uri: uri.clone(),
                version: Some(entry.version),
                document: entry.document.clone(),
                encoding,
            });
        }
        let text = read_from_disk(uri)?;
        Ok(Snapshot {
            uri: uri.clone(),
            version: None,
            document: Arc::new(Document::new(&text)),
            encoding,
        })
    }
}

fn invalid_params(message: String) -> jsonrpc::Error {
    log_warn!("{message}");
    jsonrpc::Error::invalid_params(message)
}

fn read_from_disk(uri: &Uri) -> jsonrpc::Result<String> {
    let path = uri
        .to_file_path()
        .ok_or_else(|| invalid_params(format!("{} is not open and is not a file", uri.as_str())))?;
    let bytes = std::fs::read(&path).map_err(|err| {
        invalid_params(format!(
            "{} is not open and cannot be read: {err}",
            path.display()
        ))
    })?;
    String::from_utf8(bytes).map_err(|err| {
        invalid_params(format!(
            "{} is not valid UTF-8 (invalid byte at offset {})",
            path.display(),
            err.utf8_error().valid_up_to()
        ))
    })
}
