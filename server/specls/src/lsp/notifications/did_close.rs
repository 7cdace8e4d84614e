use tower_lsp_server::ls_types::DidCloseTextDocumentParams;

use crate::log::log_warn;
use crate::lsp::session::Session;

pub fn handle(session: &Session, params: DidCloseTextDocumentParams) {
    let uri = params.text_document.uri;
    if !session.close(&uri) {
        log_warn!("didClose for {}, which is not open; ignored", uri.as_str());
    }
}
