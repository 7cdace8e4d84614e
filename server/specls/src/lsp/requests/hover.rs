//! `textDocument/hover`: a reference's target (title, status, priority, owner, path,
//! summary), or what a frontmatter key means.

use specls_analysis::hover::{hover_field_key, hover_target};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::convert::to_lsp_range;
use crate::lsp::session::Session;
use crate::lsp::workspace::{key_of, request_at};

pub fn handle(session: &Session, params: HoverParams) -> Result<Option<Hover>> {
    let at = params.text_document_position_params;
    let request = request_at(session, &at.text_document.uri, at.position)?;
    let document = &request.snapshot.document;
    let found = match request.target() {
        Some(target) => hover_target(&request.entry, &request.index, &target),
        None => {
            let path = key_of(&request.snapshot.uri);
            hover_field_key(&document.model(), &request.settings, Some(&path), request.offset)
        }
    };
    Ok(found.map(|hover| Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: hover.markdown,
        }),
        range: Some(to_lsp_range(document, hover.range, request.snapshot.encoding)),
    }))
}
