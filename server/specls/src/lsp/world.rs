//! [`World`]: what a request reads, an immutable copy of the session's state taken when it
//! starts (open documents, the index, roots, editor and workspace settings, the negotiated
//! encoding and the client's capabilities). Nothing here changes the session: a request that needs the
//! entry of a document version the index does not hold yet builds it and reads an index
//! with it put in, a copy of its own.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use specls_analysis::Settings;
use specls_analysis::index::{self, FileEntry, WorkspaceIndex, normalize};
use specls_analysis::navigation::{FileRange, Target, target_at};
use specls_syntax::{Document, PositionEncoding};
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::{ClientCapabilities, Location, Position, Range, Uri};

use crate::log::log_warn;
use crate::lsp::convert::{to_lsp_range, to_position};
use crate::lsp::session::State;

/// The index key of a document: its path, or for a document that is not a file (an
/// unsaved buffer) its URI standing in for one.
pub fn key_of(uri: &Uri) -> PathBuf {
    match uri.to_file_path() {
        Some(path) => normalize(&path),
        None => PathBuf::from(uri.as_str()),
    }
}

#[derive(Clone)]
pub struct World {
    pub state: State,
    pub encoding: PositionEncoding,
    pub capabilities: Arc<ClientCapabilities>,
}

/// One version of one document: open in the editor, or read from disk.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub uri: Uri,
    /// The editor's version; `None` for a file read from disk.
    pub version: Option<i32>,
    /// The revision of the document's inputs (see `Session`); `None` for a file on disk.
    pub inputs: Option<u64>,
    pub document: Arc<Document>,
    pub encoding: PositionEncoding,
    entry: Option<Arc<OnceLock<Arc<FileEntry>>>>,
}

/// A document with everything its checks and requests read.
pub struct Context {
    pub snapshot: Snapshot,
    pub path: Option<PathBuf>,
    pub settings: Arc<Settings>,
    /// The configuration file the settings come from.
    pub config: Option<PathBuf>,
    pub entry: Arc<FileEntry>,
    /// The workspace index with this version's entry in it.
    pub index: WorkspaceIndex,
}

/// A request about one place of a document: what the navigation features read.
pub struct RequestAt {
    pub context: Context,
    /// The cursor, in bytes.
    pub offset: usize,
}

impl RequestAt {
    pub fn target(&self) -> Option<Target> {
        target_at(&self.context.entry, self.offset)
    }
}

fn invalid_params(message: String) -> jsonrpc::Error {
    log_warn!("{message}");
    jsonrpc::Error::invalid_params(message)
}

impl World {
    /// The open document at `uri`, or the file on disk when it is not open.
    pub fn document(&self, uri: &Uri) -> jsonrpc::Result<Snapshot> {
        if let Some(open) = self.state.documents.get(uri) {
            return Ok(Snapshot {
                uri: uri.clone(),
                version: Some(open.version),
                inputs: Some(open.inputs),
                document: open.document.clone(),
                encoding: self.encoding,
                entry: Some(open.entry.clone()),
            });
        }
        let path = uri
            .to_file_path()
            .ok_or_else(|| invalid_params(format!("{} is not open and is not a file", uri.as_str())))?;
        let limit = self.settings_for_path(&path).limits.max_file_size;
        let text = index::read_text(&path, limit).map_err(|note| {
            invalid_params(format!(
                "{} is not open and cannot be read: {note}",
                path.display()
            ))
        })?;
        Ok(Snapshot {
            uri: uri.clone(),
            version: None,
            inputs: None,
            document: Arc::new(Document::new(&text)),
            encoding: self.encoding,
            entry: None,
        })
    }

    /// The workspace folder holding `path`, if any.
    pub fn root_of(&self, path: &Path) -> Option<PathBuf> {
        self.state
            .roots
            .iter()
            .filter(|root| path.starts_with(root))
            .max_by_key(|root| root.as_os_str().len())
            .cloned()
    }

    /// The settings in force for a document, and the configuration file they come from.
    pub fn settings_for(&self, uri: &Uri) -> (Option<PathBuf>, Arc<Settings>, Option<PathBuf>) {
        match uri.to_file_path().map(|p| p.into_owned()) {
            Some(path) => {
                let root = self.root_of(&path);
                let (settings, config) = self.state.settings.for_file(&path, root.as_deref());
                (Some(path), settings, config)
            }
            None => (None, self.state.settings.defaults(), None),
        }
    }

    /// The settings of a file of the workspace.
    pub fn settings_for_path(&self, path: &Path) -> Arc<Settings> {
        let root = self.root_of(path);
        self.state.settings.for_file(path, root.as_deref()).0
    }

    /// The index entry of a document version: built once per open version.
    pub fn entry(&self, snapshot: &Snapshot, settings: &Settings) -> Arc<FileEntry> {
        let build = || Arc::new(entry_of(snapshot, settings));
        match &snapshot.entry {
            Some(cell) => cell.get_or_init(build).clone(),
            None => build(),
        }
    }

    /// The index as it is with `entry` in it.
    pub fn index_with(&self, entry: &Arc<FileEntry>) -> WorkspaceIndex {
        let index = &self.state.index;
        if index.file(&entry.path).is_some_and(|e| Arc::ptr_eq(e, entry)) {
            return index.clone();
        }
        let mut index = index.clone();
        index.insert(entry.clone());
        index
    }

    pub fn context(&self, uri: &Uri) -> jsonrpc::Result<Context> {
        let snapshot = self.document(uri)?;
        let (path, settings, config) = self.settings_for(uri);
        let entry = self.entry(&snapshot, &settings);
        let index = self.index_with(&entry);
        Ok(Context {
            snapshot,
            path,
            settings,
            config,
            entry,
            index,
        })
    }

    pub fn request_at(&self, uri: &Uri, position: Position) -> jsonrpc::Result<RequestAt> {
        let context = self.context(uri)?;
        let offset = context
            .snapshot
            .document
            .offset_at(to_position(position), context.snapshot.encoding)
            .offset;
        Ok(RequestAt { context, offset })
    }

    /// A location in any file: open documents convert with their rope, other files with
    /// the line index kept in their entry.
    pub fn location(&self, index: &WorkspaceIndex, at: &FileRange) -> Option<Location> {
        let uri = Uri::from_file_path(&at.path)?;
        let range = self.range_in(index, &uri, at)?;
        Some(Location::new(uri, range))
    }

    pub fn range_in(&self, index: &WorkspaceIndex, uri: &Uri, at: &FileRange) -> Option<Range> {
        if let Some(open) = self.state.documents.get(uri) {
            return Some(to_lsp_range(&open.document, at.range.clone(), self.encoding));
        }
        if let Some(lines) = index.file(&at.path).and_then(|entry| entry.lines.as_ref()) {
            let position = |offset| {
                let p = lines.position(offset, self.encoding);
                Position::new(p.line, p.character)
            };
            return Some(Range::new(position(at.range.start), position(at.range.end)));
        }
        // Not indexed (a file outside the workspace folders): read it once.
        let limit = self.settings_for_path(&at.path).limits.max_file_size;
        let text = index::read_text(&at.path, limit).ok()?;
        Some(to_lsp_range(
            &Document::new(&text),
            at.range.clone(),
            self.encoding,
        ))
    }

    /// Whether the client pulls diagnostics instead of receiving them.
    pub fn client_pulls(&self) -> bool {
        crate::lsp::session::pulls_diagnostics(&self.capabilities)
    }
}

/// The entry of a document version as the editor has it.
pub fn entry_of(snapshot: &Snapshot, settings: &Settings) -> FileEntry {
    let path = key_of(&snapshot.uri);
    let document = &snapshot.document;
    let model = document.model();
    let rope = document.rope();
    // Open documents convert positions with their rope; a file read from disk for one
    // request is gone after it.
    FileEntry::new(Arc::from(path.as_path()), &model, settings, None, &|range| {
        let end = range.end.min(rope.len_bytes());
        rope.byte_slice(range.start.min(end)..end).to_string()
    })
}
