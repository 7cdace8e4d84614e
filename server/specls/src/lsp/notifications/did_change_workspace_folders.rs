use std::path::PathBuf;

use tower_lsp_server::ls_types::DidChangeWorkspaceFoldersParams;

use crate::log::log_info;
use crate::lsp::session::Session;
use crate::lsp::workspace::key_of;

/// Updates the roots and forgets the files of removed folders; returns the added folders,
/// which the caller scans.
pub fn handle(session: &Session, params: DidChangeWorkspaceFoldersParams) -> Vec<PathBuf> {
    let removed: Vec<PathBuf> = params.event.removed.iter().map(|f| key_of(&f.uri)).collect();
    let added: Vec<PathBuf> = params.event.added.iter().map(|f| key_of(&f.uri)).collect();
    let mut roots = session.roots();
    roots.retain(|root| !removed.contains(root));
    for folder in &added {
        if !roots.contains(folder) {
            roots.push(folder.clone());
        }
    }
    session.set_roots(roots);
    for folder in &removed {
        let forgotten = session.update_index(|index| index.remove_under(folder));
        log_info!(
            "workspace folder {} removed ({forgotten} files)",
            folder.display()
        );
    }
    added
}
