//! `textDocument/foldingRange`: sections, frontmatter and code blocks, by line.

use specls_analysis::{FoldKind, folding_ranges};
use specls_syntax::PositionEncoding;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::world::World;

pub fn handle(world: &World, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
    let snapshot = world.document(&params.text_document.uri)?;
    let document = &snapshot.document;
    let folds = folding_ranges(document, &document.model());
    // Folds are whole lines: any encoding gives the same line numbers.
    let line_of = |offset| document.position_at(offset, PositionEncoding::Utf8).line;
    let ranges = folds
        .into_iter()
        .filter(|fold| !fold.range.is_empty())
        .map(|fold| (line_of(fold.range.start), line_of(fold.range.end - 1), fold.kind))
        .filter(|(start, end, _)| end > start)
        .map(|(start_line, end_line, kind)| FoldingRange {
            start_line,
            end_line,
            kind: Some(match kind {
                FoldKind::Frontmatter => FoldingRangeKind::Imports,
                FoldKind::Section | FoldKind::Code => FoldingRangeKind::Region,
            }),
            ..FoldingRange::default()
        })
        .collect();
    Ok(Some(ranges))
}
