use specls_syntax::Document;
use tower_lsp_server::ls_types::DidOpenTextDocumentParams;

use crate::lsp::session::Session;

pub fn handle(session: &Session, params: DidOpenTextDocumentParams) {
    let document = params.text_document;
    // The document's own configuration sets how large a text is analysed (`limits:`).
    let (_, settings, _) = session.world().settings_for(&document.uri);
    let limit = usize::try_from(settings.limits.max_file_size).unwrap_or(usize::MAX);
    session.open(
        document.uri,
        document.version,
        Document::with_limit(&document.text, limit),
    );
}
