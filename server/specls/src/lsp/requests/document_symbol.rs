//! `textDocument/documentSymbol`: the section outline, nested when the client can
//! show a hierarchy.

use specls_analysis::{OutlineItem, outline};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::convert::to_lsp_range;
use crate::lsp::world::{Snapshot, World};

pub fn handle(world: &World, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
    let snapshot = world.document(&params.text_document.uri)?;
    let items = outline(&snapshot.document.model());
    let hierarchical = world
        .capabilities
        .text_document
        .as_ref()
        .and_then(|t| t.document_symbol.as_ref()?.hierarchical_document_symbol_support)
        .unwrap_or(false);
    if hierarchical {
        let symbols = items.iter().map(|item| nested(&snapshot, item)).collect();
        Ok(Some(DocumentSymbolResponse::Nested(symbols)))
    } else {
        let mut flat = Vec::new();
        flatten(&snapshot, &items, None, &mut flat);
        Ok(Some(DocumentSymbolResponse::Flat(flat)))
    }
}

#[allow(deprecated)] // `deprecated` is a required field of the protocol struct.
fn nested(snapshot: &Snapshot, item: &OutlineItem) -> DocumentSymbol {
    let document = &snapshot.document;
    DocumentSymbol {
        name: item.title.clone(),
        detail: None,
        kind: SymbolKind::STRING,
        tags: None,
        deprecated: None,
        range: to_lsp_range(document, item.range.clone(), snapshot.encoding),
        selection_range: to_lsp_range(document, item.selection_range.clone(), snapshot.encoding),
        children: Some(
            item.children
                .iter()
                .map(|child| nested(snapshot, child))
                .collect(),
        ),
    }
}

#[allow(deprecated)]
fn flatten(
    snapshot: &Snapshot,
    items: &[OutlineItem],
    container: Option<&str>,
    out: &mut Vec<SymbolInformation>,
) {
    for item in items {
        out.push(SymbolInformation {
            name: item.title.clone(),
            kind: SymbolKind::STRING,
            tags: None,
            deprecated: None,
            location: Location::new(
                snapshot.uri.clone(),
                to_lsp_range(&snapshot.document, item.range.clone(), snapshot.encoding),
            ),
            container_name: container.map(str::to_string),
        });
        flatten(snapshot, &item.children, Some(&item.title), out);
    }
}
