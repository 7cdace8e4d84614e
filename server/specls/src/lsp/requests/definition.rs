//! `textDocument/definition`: an id to its spec's `spec-id` value, a link to its file or
//! heading, a link reference to its definition.

use specls_analysis::navigation::definition;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::session::Session;
use crate::lsp::workspace::{location, request_at};

pub fn handle(session: &Session, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
    let at = params.text_document_position_params;
    let request = request_at(session, &at.text_document.uri, at.position)?;
    let Some(target) = request.target() else {
        return Ok(None);
    };
    let locations: Vec<Location> = definition(&request.entry, &request.index, &target)
        .iter()
        .filter_map(|found| location(session, &request.index, found, request.snapshot.encoding))
        .collect();
    Ok(match locations.len() {
        0 => None,
        1 => locations.into_iter().next().map(GotoDefinitionResponse::Scalar),
        _ => Some(GotoDefinitionResponse::Array(locations)),
    })
}
