use specls_syntax::TextChange;
use tower_lsp_server::ls_types::DidChangeTextDocumentParams;

use crate::log::log_warn;
use crate::lsp::convert::to_position;
use crate::lsp::session::{ChangeRejected, Session};

/// Applies the change; returns whether the document changed.
pub fn handle(session: &Session, params: DidChangeTextDocumentParams) -> bool {
    let uri = params.text_document.uri;
    let changes: Vec<TextChange> = params
        .content_changes
        .into_iter()
        .map(|change| TextChange {
            range: change.range.map(|r| (to_position(r.start), to_position(r.end))),
            text: change.text,
        })
        .collect();
    match session.change(&uri, params.text_document.version, &changes) {
        Ok(prepare) => {
            if let Some(document) = prepare {
                // Parsing a 20,000-line spec takes half a second: on a blocking thread,
                // while the check reads the model with the fast reader.
                tokio::task::spawn_blocking(move || document.prepare());
            }
            true
        }
        Err(ChangeRejected::NotOpen) => {
            log_warn!("didChange for {}, which is not open; ignored", uri.as_str());
            false
        }
        Err(ChangeRejected::StaleVersion { current, received }) => {
            log_warn!(
                "didChange for {} with version {received}, not newer than {current}; ignored",
                uri.as_str()
            );
            false
        }
    }
}
