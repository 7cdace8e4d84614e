//! The workspace index as the server keeps it current: the first scan of the workspace
//! folders (reporting `$/progress`), open documents standing in for their files, files
//! changed on disk, and index ranges turned into protocol locations.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use specls_analysis::index::{self, FileEntry, ScanOptions, WorkspaceIndex, normalize};
use specls_analysis::navigation::{FileRange, Target, target_at};
use specls_analysis::{Settings, WorkspaceIndex as Index};
use specls_syntax::{Document, PositionEncoding};
use tower_lsp_server::Client;
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::{Location, Position, ProgressToken, Range, Uri};

use crate::log::{log_info, log_warn};
use crate::lsp::convert::{to_lsp_range, to_position};
use crate::lsp::session::{Session, Snapshot};

/// The index key of a document: its path, or for a document that is not a file (an
/// unsaved buffer) its URI standing in for one.
pub fn key_of(uri: &Uri) -> PathBuf {
    match uri.to_file_path() {
        Some(path) => normalize(&path),
        None => PathBuf::from(uri.as_str()),
    }
}

/// The entry of a document version as the editor has it.
pub fn entry_of(snapshot: &Snapshot, settings: &Settings) -> FileEntry {
    let path = key_of(&snapshot.uri);
    let document = &snapshot.document;
    let model = document.model();
    let rope = document.rope();
    FileEntry::new(Arc::from(path.as_path()), &model, settings, None, &|range| {
        let end = range.end.min(rope.len_bytes());
        rope.byte_slice(range.start.min(end)..end).to_string()
    })
}

/// The entry of an open document's current version, built once per version; it also
/// replaces the file's entry in the index. Returns the entry and whether other files'
/// checks are affected.
pub fn current_entry(session: &Session, snapshot: &Snapshot, settings: &Settings) -> (Arc<FileEntry>, bool) {
    if let Some(version) = snapshot.version
        && let Some(entry) = session.cached_entry(&snapshot.uri, version)
    {
        return (entry, false);
    }
    let entry = Arc::new(entry_of(snapshot, settings));
    let mut changed = false;
    if let Some(version) = snapshot.version
        && session.version(&snapshot.uri) == Some(version)
    {
        session.cache_entry(&snapshot.uri, version, entry.clone());
        changed = session.index_file(entry.clone());
    }
    (entry, changed)
}

/// Reads a file of the workspace from disk into the index again (after it changed on
/// disk or was closed in the editor), or removes it when it is gone. Whether other
/// files' checks are affected.
pub fn reread(session: &Session, path: &Path) -> bool {
    let path = normalize(path);
    if !index::is_markdown(&path) {
        return false;
    }
    let in_workspace = session.root_of(&path).is_some();
    let settings = session.settings_for_path(&path);
    match in_workspace.then(|| index::read_entry(&path, &settings, &ScanOptions::default())) {
        Some(Ok(entry)) => session.index_file(entry),
        Some(Err(note)) => {
            if path.exists() {
                log_warn!("{note}");
            }
            session.update_index(|index| index.remove(&path))
        }
        None => session.update_index(|index| index.remove(&path)),
    }
}

/// A location in any file: open documents convert with their rope, other files with the
/// line index kept in their entry.
pub fn location(
    session: &Session,
    index: &Index,
    at: &FileRange,
    encoding: PositionEncoding,
) -> Option<Location> {
    let uri = Uri::from_file_path(&at.path)?;
    Some(Location::new(
        uri.clone(),
        range_in(session, index, &uri, at, encoding)?,
    ))
}

pub fn range_in(
    session: &Session,
    index: &Index,
    uri: &Uri,
    at: &FileRange,
    encoding: PositionEncoding,
) -> Option<Range> {
    if let Some(document) = session.open_document(uri) {
        return Some(to_lsp_range(&document, at.range.clone(), encoding));
    }
    if let Some(lines) = index.file(&at.path).and_then(|entry| entry.lines.as_ref()) {
        let position = |offset| {
            let p = lines.position(offset, encoding);
            tower_lsp_server::ls_types::Position::new(p.line, p.character)
        };
        return Some(Range::new(position(at.range.start), position(at.range.end)));
    }
    // Not indexed (a file outside the workspace folders): read it once.
    let text = std::fs::read_to_string(&at.path).ok()?;
    Some(to_lsp_range(&Document::new(&text), at.range.clone(), encoding))
}

/// The current document's snapshot, settings and index entry, for a request.
pub fn request_context(
    session: &Session,
    uri: &Uri,
) -> jsonrpc::Result<(Snapshot, Arc<Settings>, Arc<FileEntry>, WorkspaceIndex)> {
    let snapshot = session.snapshot(uri)?;
    let (_, settings, _) = session.settings_for(uri);
    let (entry, _) = current_entry(session, &snapshot, &settings);
    Ok((snapshot, settings, entry, session.index()))
}

/// A request about one place of a document: what the navigation features read.
pub struct RequestAt {
    pub snapshot: Snapshot,
    pub settings: Arc<Settings>,
    pub entry: Arc<FileEntry>,
    pub index: WorkspaceIndex,
    /// The cursor, in bytes.
    pub offset: usize,
}

impl RequestAt {
    pub fn target(&self) -> Option<Target> {
        target_at(&self.entry, self.offset)
    }
}

pub fn request_at(session: &Session, uri: &Uri, position: Position) -> jsonrpc::Result<RequestAt> {
    let (snapshot, settings, entry, index) = request_context(session, uri)?;
    let offset = snapshot
        .document
        .offset_at(to_position(position), snapshot.encoding)
        .offset;
    Ok(RequestAt {
        snapshot,
        settings,
        entry,
        index,
        offset,
    })
}

/// Scans the workspace folders into the index, reporting progress to clients that
/// support it, then marks the index ready.
pub async fn initial_scan(session: Arc<Session>, client: Client) {
    let roots = session.roots();
    scan_folders(&session, &client, roots).await;
    session.mark_indexed();
}

/// Scans folders (at start, or added to the workspace later) into the index. Files open
/// in the editor keep their editor state.
pub async fn scan_folders(session: &Arc<Session>, client: &Client, folders: Vec<PathBuf>) {
    if folders.is_empty() {
        return;
    }
    let started = std::time::Instant::now();
    let progress_supported = session
        .client_capabilities()
        .and_then(|c| c.window.as_ref()?.work_done_progress)
        .unwrap_or(false);
    let (sender, mut receiver) = tokio::sync::watch::channel((0usize, 0usize));
    let scanning = {
        let session = session.clone();
        tokio::task::spawn_blocking(move || {
            let settings_for = |path: &Path| session.settings_for_path(path);
            index::scan_folders(
                &folders,
                &settings_for,
                &ScanOptions::default(),
                &|done, total| {
                    sender.send_replace((done, total));
                },
            )
        })
    };
    let progress = if progress_supported {
        // Unique per session: a rescan after a configuration change may overlap another.
        static SCANS: AtomicU64 = AtomicU64::new(0);
        let token = ProgressToken::String(format!("specls-index-{}", SCANS.fetch_add(1, Ordering::Relaxed)));
        match client.create_work_done_progress(token.clone()).await {
            Ok(()) => Some(
                client
                    .progress(token, "Indexing specs")
                    .with_percentage(0)
                    .begin()
                    .await,
            ),
            Err(err) => {
                log_warn!("the client refused a progress token: {err}");
                None
            }
        }
    } else {
        None
    };
    if let Some(progress) = &progress {
        while receiver.changed().await.is_ok() {
            let (done, total) = *receiver.borrow_and_update();
            let percentage = (done * 100).checked_div(total).unwrap_or(0) as u32;
            progress
                .report_with_message(format!("{done}/{total}"), percentage)
                .await;
        }
    }
    let (entries, notes) = match scanning.await {
        Ok(result) => result,
        Err(err) => {
            log_warn!("indexing failed: {err}");
            (Vec::new(), Vec::new())
        }
    };
    let count = entries.len();
    for note in &notes {
        log_warn!("{note}");
    }
    let open: Vec<PathBuf> = session.open_uris().iter().map(key_of).collect();
    session.update_index(|index| {
        for entry in entries {
            if !open.iter().any(|path| **path == *entry.path) {
                index.insert(entry);
            }
        }
    });
    if let Some(progress) = progress {
        progress.finish_with_message(format!("{count} files")).await;
    }
    log_info!(
        "indexed {count} Markdown files in {:.0} ms ({} skipped)",
        started.elapsed().as_secs_f64() * 1000.0,
        notes.len()
    );
}
