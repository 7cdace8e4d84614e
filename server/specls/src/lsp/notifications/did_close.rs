use tower_lsp_server::ls_types::DidCloseTextDocumentParams;

use crate::log::log_warn;
use crate::lsp::session::Session;
use crate::lsp::workspace::{key_of, reread};

/// Closes the document; its file goes back into the index as it is on disk (an unsaved
/// edit is gone with the buffer). Returns whether other files' checks are affected.
pub fn handle(session: &Session, params: DidCloseTextDocumentParams) -> bool {
    let uri = params.text_document.uri;
    if !session.close(&uri) {
        log_warn!("didClose for {}, which is not open; ignored", uri.as_str());
        return false;
    }
    let path = key_of(&uri);
    if uri.to_file_path().is_some() {
        reread(session, &path)
    } else {
        session.update_index(|index| index.remove(&path))
    }
}
