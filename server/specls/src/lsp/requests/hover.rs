//! `textDocument/hover`: a reference's target (title, status, priority, owner, path,
//! summary), or what a frontmatter key means.

use specls_analysis::hover::{hover_field_key, hover_target};
use specls_analysis::navigation::target_at;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::convert::{to_lsp_range, to_position};
use crate::lsp::session::Session;
use crate::lsp::workspace::{key_of, request_context};

pub fn handle(session: &Session, params: HoverParams) -> Result<Option<Hover>> {
    let at = params.text_document_position_params;
    let (snapshot, settings, entry, index) = request_context(session, &at.text_document.uri)?;
    let document = &snapshot.document;
    let offset = document
        .offset_at(to_position(at.position), snapshot.encoding)
        .offset;
    let found = match target_at(&entry, offset) {
        Some(target) => hover_target(&entry, &index, &target),
        None => {
            let path = key_of(&snapshot.uri);
            hover_field_key(&document.model(), &settings, Some(&path), offset)
        }
    };
    Ok(found.map(|hover| Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: hover.markdown,
        }),
        range: Some(to_lsp_range(document, hover.range, snapshot.encoding)),
    }))
}
