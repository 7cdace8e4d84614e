//! `textDocument/codeLens`: on a spec's title, how many specs reference it and how many
//! of its Task Breakdown items are done.

use specls_analysis::code_lens::spec_lenses;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::convert::to_lsp_range;
use crate::lsp::world::World;

pub fn handle(world: &World, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
    let context = world.context(&params.text_document.uri)?;
    let snapshot = &context.snapshot;
    let lenses = spec_lenses(&context.entry, &context.index)
        .into_iter()
        .map(|lens| CodeLens {
            range: to_lsp_range(&snapshot.document, lens.range, snapshot.encoding),
            // A lens without a command is drawn by some clients only; an empty command
            // is drawn everywhere and does nothing when clicked.
            command: Some(Command {
                title: lens.title,
                command: String::new(),
                arguments: None,
            }),
            data: None,
        })
        .collect();
    Ok(Some(lenses))
}
