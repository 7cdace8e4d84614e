//! `workspace/symbol`: spec ids, titles and section headings, fuzzy and ranked. Waits
//! for the first scan of the workspace so that the answer is complete.

use specls_analysis::symbols::{SymbolKind as Kind, workspace_symbols};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::world::World;

#[allow(deprecated)] // `deprecated` is a required field of the protocol struct.
pub fn handle(world: &World, params: WorkspaceSymbolParams) -> Result<Option<WorkspaceSymbolResponse>> {
    let index = &world.state.index;
    let symbols = workspace_symbols(index, &params.query)
        .into_iter()
        .filter_map(|symbol| {
            let at = specls_analysis::navigation::FileRange {
                path: symbol.path.clone(),
                range: symbol.range.clone(),
            };
            Some(SymbolInformation {
                name: symbol.name,
                kind: match symbol.kind {
                    Kind::Spec => SymbolKind::KEY,
                    Kind::Document => SymbolKind::FILE,
                    Kind::Section => SymbolKind::STRING,
                },
                tags: None,
                deprecated: None,
                location: world.location(index, &at)?,
                container_name: symbol.container,
            })
        })
        .collect();
    Ok(Some(WorkspaceSymbolResponse::Flat(symbols)))
}
