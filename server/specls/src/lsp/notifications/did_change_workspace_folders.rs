use std::path::PathBuf;

use tower_lsp_server::ls_types::DidChangeWorkspaceFoldersParams;

use crate::log::log_info;
use crate::lsp::session::{Affected, Session};
use crate::lsp::world::key_of;

/// Updates the roots and forgets the files of removed folders; returns the added folders,
/// which the caller scans, and the documents the removal may alter.
pub fn handle(session: &Session, params: DidChangeWorkspaceFoldersParams) -> (Vec<PathBuf>, Affected) {
    let removed: Vec<PathBuf> = params.event.removed.iter().map(|f| key_of(&f.uri)).collect();
    let added: Vec<PathBuf> = params.event.added.iter().map(|f| key_of(&f.uri)).collect();
    let mut roots = session.roots().to_vec();
    roots.retain(|root| !removed.contains(root));
    for folder in &added {
        if !roots.contains(folder) {
            roots.push(folder.clone());
        }
    }
    session.set_roots(roots);
    let (forgotten, affected) = session.remove_folders(&removed);
    if !removed.is_empty() {
        log_info!("{} workspace folders removed ({forgotten} files)", removed.len());
    }
    (added, affected)
}
