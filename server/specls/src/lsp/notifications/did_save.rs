use tower_lsp_server::ls_types::DidSaveTextDocumentParams;

use crate::log::log_info;
use crate::lsp::session::Session;

/// The open document is already current through didChange; a save changes nothing the
/// server reads until the workspace index watches files on disk.
pub fn handle(_session: &Session, params: DidSaveTextDocumentParams) {
    log_info!("saved {}", params.text_document.uri.as_str());
}
