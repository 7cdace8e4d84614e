//! `textDocument/definition`: an id to its spec's `spec-id` value, a link to its file or
//! heading, a link reference to its definition.

use specls_analysis::navigation::{definition, target_at};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::convert::to_position;
use crate::lsp::session::Session;
use crate::lsp::workspace::{location, request_context};

pub fn handle(session: &Session, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
    let at = params.text_document_position_params;
    let (snapshot, _, entry, index) = request_context(session, &at.text_document.uri)?;
    let offset = snapshot
        .document
        .offset_at(to_position(at.position), snapshot.encoding)
        .offset;
    let Some(target) = target_at(&entry, offset) else {
        return Ok(None);
    };
    let locations: Vec<Location> = definition(&entry, &index, &target)
        .iter()
        .filter_map(|found| location(session, &index, found, snapshot.encoding))
        .collect();
    Ok(match locations.len() {
        0 => None,
        1 => locations.into_iter().next().map(GotoDefinitionResponse::Scalar),
        _ => Some(GotoDefinitionResponse::Array(locations)),
    })
}
