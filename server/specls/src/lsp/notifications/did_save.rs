use tower_lsp_server::ls_types::DidSaveTextDocumentParams;

use crate::log::log_info;

/// The open document is already current through didChange; the index follows the file
/// on disk through watched-file events once it is closed.
pub fn handle(params: DidSaveTextDocumentParams) {
    log_info!("saved {}", params.text_document.uri.as_str());
}
