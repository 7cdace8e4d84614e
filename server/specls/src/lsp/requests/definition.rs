//! `textDocument/definition`: an id to its spec's `spec-id` value, a link to its file or
//! heading, a link reference to its definition.

use specls_analysis::navigation::definition;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::world::World;

pub fn handle(world: &World, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
    let at = params.text_document_position_params;
    let request = world.request_at(&at.text_document.uri, at.position)?;
    let Some(target) = request.target() else {
        return Ok(None);
    };
    let context = &request.context;
    let locations: Vec<Location> = definition(&context.entry, &context.index, &target)
        .iter()
        .filter_map(|found| world.location(&context.index, found))
        .collect();
    Ok(match locations.len() {
        0 => None,
        1 => locations.into_iter().next().map(GotoDefinitionResponse::Scalar),
        _ => Some(GotoDefinitionResponse::Array(locations)),
    })
}
