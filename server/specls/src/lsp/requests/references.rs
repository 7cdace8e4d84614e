//! `textDocument/references`: every place in the workspace that names a spec id, a
//! heading (through its anchor) or a file.

use specls_analysis::navigation::references;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::world::World;

pub fn handle(world: &World, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
    let at = params.text_document_position;
    let request = world.request_at(&at.text_document.uri, at.position)?;
    let Some(target) = request.target() else {
        return Ok(None);
    };
    let context = &request.context;
    let found = references(
        &context.entry,
        &context.index,
        &target,
        params.context.include_declaration,
    );
    Ok(Some(
        found
            .iter()
            .filter_map(|found| world.location(&context.index, found))
            .collect(),
    ))
}
