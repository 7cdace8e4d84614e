use specls_syntax::Document;
use tower_lsp_server::ls_types::DidOpenTextDocumentParams;

use crate::lsp::session::Session;

pub fn handle(session: &Session, params: DidOpenTextDocumentParams) {
    let document = params.text_document;
    session.open(document.uri, document.version, Document::new(&document.text));
}
