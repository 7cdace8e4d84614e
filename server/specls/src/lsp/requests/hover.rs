//! `textDocument/hover`: a reference's target (title, status, priority, owner, path,
//! summary), or what a frontmatter key means.

use specls_analysis::hover::{hover_field_key, hover_target};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::convert::to_lsp_range;
use crate::lsp::world::{World, key_of};

pub fn handle(world: &World, params: HoverParams) -> Result<Option<Hover>> {
    let at = params.text_document_position_params;
    let request = world.request_at(&at.text_document.uri, at.position)?;
    let context = &request.context;
    let document = &context.snapshot.document;
    let found = match request.target() {
        Some(target) => hover_target(&context.entry, &context.index, &target),
        None => {
            let path = key_of(&context.snapshot.uri);
            hover_field_key(&document.model(), &context.settings, Some(&path), request.offset)
        }
    };
    Ok(found.map(|hover| Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: hover.markdown,
        }),
        range: Some(to_lsp_range(document, hover.range, context.snapshot.encoding)),
    }))
}
