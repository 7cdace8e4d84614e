//! `textDocument/references`: every place in the workspace that names a spec id, a
//! heading (through its anchor) or a file.

use specls_analysis::navigation::references;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::session::Session;
use crate::lsp::workspace::{location, request_at};

pub fn handle(session: &Session, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
    let at = params.text_document_position;
    let request = request_at(session, &at.text_document.uri, at.position)?;
    let Some(target) = request.target() else {
        return Ok(None);
    };
    let found = references(
        &request.entry,
        &request.index,
        &target,
        params.context.include_declaration,
    );
    Ok(Some(
        found
            .iter()
            .filter_map(|found| location(session, &request.index, found, request.snapshot.encoding))
            .collect(),
    ))
}
