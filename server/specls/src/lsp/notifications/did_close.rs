use tower_lsp_server::ls_types::DidCloseTextDocumentParams;

use crate::log::log_warn;
use crate::lsp::checks::Reread;
use crate::lsp::session::Session;
use crate::lsp::world::key_of;

/// Closes the document; its file is to go back into the index as it is on disk (an
/// unsaved edit is gone with the buffer).
pub fn handle(session: &Session, params: DidCloseTextDocumentParams) -> Option<Reread> {
    let uri = params.text_document.uri;
    let Some(revision) = session.close(&uri) else {
        log_warn!("didClose for {}, which is not open; ignored", uri.as_str());
        return None;
    };
    Some(Reread {
        path: key_of(&uri),
        revision,
    })
}
