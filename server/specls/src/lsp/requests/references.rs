//! `textDocument/references`: every place in the workspace that names a spec id, a
//! heading (through its anchor) or a file.

use specls_analysis::navigation::{references, target_at};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::convert::to_position;
use crate::lsp::session::Session;
use crate::lsp::workspace::{location, request_context};

pub fn handle(session: &Session, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
    let at = params.text_document_position;
    let (snapshot, _, entry, index) = request_context(session, &at.text_document.uri)?;
    let offset = snapshot
        .document
        .offset_at(to_position(at.position), snapshot.encoding)
        .offset;
    let Some(target) = target_at(&entry, offset) else {
        return Ok(None);
    };
    let found = references(&entry, &index, &target, params.context.include_declaration);
    Ok(Some(
        found
            .iter()
            .filter_map(|found| location(session, &index, found, snapshot.encoding))
            .collect(),
    ))
}
