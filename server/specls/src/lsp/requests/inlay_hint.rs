//! `textDocument/inlayHint`: after an id cited in a spec set (`_Requirements: 1.2_`,
//! `[US1]`, `FR-001`, `depends on T010`), the short title of what it names.

use specls_analysis::trace::SetView;
use specls_analysis::trace::navigate::inlay_hints;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::convert::{to_lsp_range, to_position};
use crate::lsp::world::World;

pub fn handle(world: &World, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
    let context = world.context(&params.text_document.uri)?;
    let (Some(facts), Some(view)) = (
        context.entry.trace.as_deref(),
        SetView::of(&context.entry, &context.index),
    ) else {
        return Ok(Some(Vec::new()));
    };
    let snapshot = &context.snapshot;
    let document = &snapshot.document;
    let offset = |position: Position| {
        document
            .offset_at(to_position(position), snapshot.encoding)
            .offset
    };
    let range = offset(params.range.start)..offset(params.range.end);
    let hints = inlay_hints(&view, facts, range)
        .into_iter()
        .map(|hint| InlayHint {
            position: to_lsp_range(document, hint.offset..hint.offset, snapshot.encoding).start,
            label: InlayHintLabel::String(hint.label),
            kind: None,
            text_edits: None,
            tooltip: None,
            padding_left: Some(false),
            padding_right: Some(true),
            data: None,
        })
        .collect();
    Ok(Some(hints))
}
