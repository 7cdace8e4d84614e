//! `textDocument/documentSymbol`: the section outline, nested when the client can
//! show a hierarchy; in a spec set and a seed spec, the requirement, criterion, story and
//! task ids too, inside their sections.

use specls_analysis::trace::{Definition, ItemKind};
use specls_analysis::{OutlineItem, outline};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::convert::to_lsp_range;
use crate::lsp::world::{Snapshot, World};

pub fn handle(world: &World, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
    let snapshot = world.document(&params.text_document.uri)?;
    let items = outline(&snapshot.document.model());
    // Files of a spec set and seed specs have ids: their entry (built once per version)
    // says which. Other Markdown is not read for them.
    let path = crate::lsp::world::key_of(&snapshot.uri);
    let may_have_ids = specls_analysis::trace::set_of(&path).is_some()
        || specls_analysis::trace::has_seed_sections(&snapshot.document.model());
    let entry = may_have_ids
        .then(|| world.context(&params.text_document.uri).ok())
        .flatten()
        .map(|context| context.entry);
    let ids: Vec<&Definition> = entry
        .as_ref()
        .and_then(|entry| entry.trace.as_deref())
        .map(|facts| {
            facts
                .definitions
                .iter()
                .filter(|d| d.kind != ItemKind::Property)
                .collect()
        })
        .unwrap_or_default();
    let hierarchical = world
        .capabilities
        .text_document
        .as_ref()
        .and_then(|t| t.document_symbol.as_ref()?.hierarchical_document_symbol_support)
        .unwrap_or(false);
    if hierarchical {
        let (mut symbols, mut placed) = (Vec::new(), vec![false; ids.len()]);
        for item in &items {
            symbols.push(nested(&snapshot, item, &ids, &mut placed));
        }
        // Ids before the first heading.
        for (definition, _) in ids.iter().zip(&placed).filter(|(_, placed)| !**placed) {
            symbols.push(id_symbol(&snapshot, definition));
        }
        symbols.sort_by_key(|s| (s.range.start.line, s.range.start.character));
        Ok(Some(DocumentSymbolResponse::Nested(symbols)))
    } else {
        let mut flat = Vec::new();
        flatten(&snapshot, &items, None, &mut flat);
        for definition in &ids {
            flat.push(id_information(&snapshot, definition));
        }
        Ok(Some(DocumentSymbolResponse::Flat(flat)))
    }
}

#[allow(deprecated)] // `deprecated` is a required field of the protocol struct.
fn nested(
    snapshot: &Snapshot,
    item: &OutlineItem,
    ids: &[&Definition],
    placed: &mut [bool],
) -> DocumentSymbol {
    let document = &snapshot.document;
    let mut children: Vec<DocumentSymbol> = item
        .children
        .iter()
        .map(|child| nested(snapshot, child, ids, placed))
        .collect();
    // Children are read first: an id goes to the innermost section that holds it.
    for (i, definition) in ids.iter().enumerate() {
        if !placed[i] && item.range.contains(&definition.range.start) {
            placed[i] = true;
            children.push(id_symbol(snapshot, definition));
        }
    }
    children.sort_by_key(|s| (s.range.start.line, s.range.start.character));
    DocumentSymbol {
        name: item.title.clone(),
        detail: None,
        kind: SymbolKind::STRING,
        tags: None,
        deprecated: None,
        range: to_lsp_range(document, item.range.clone(), snapshot.encoding),
        selection_range: to_lsp_range(document, item.selection_range.clone(), snapshot.encoding),
        children: Some(children),
    }
}

fn id_kind(definition: &Definition) -> SymbolKind {
    match definition.kind {
        ItemKind::Task => SymbolKind::EVENT,
        _ => SymbolKind::KEY,
    }
}

fn id_detail(definition: &Definition) -> String {
    let mut detail = definition.kind.noun().to_string();
    if let Some(done) = definition.done {
        detail.push_str(if done { " · done" } else { " · open" });
    }
    detail
}

fn id_name(definition: &Definition) -> String {
    let title = specls_analysis::trace::short_title(&definition.title);
    if title.is_empty() {
        definition.id.clone()
    } else {
        format!("{} {title}", definition.id)
    }
}

#[allow(deprecated)]
fn id_symbol(snapshot: &Snapshot, definition: &Definition) -> DocumentSymbol {
    let document = &snapshot.document;
    DocumentSymbol {
        name: id_name(definition),
        detail: Some(id_detail(definition)),
        kind: id_kind(definition),
        tags: None,
        deprecated: None,
        range: to_lsp_range(document, definition.line.clone(), snapshot.encoding),
        selection_range: to_lsp_range(document, definition.range.clone(), snapshot.encoding),
        children: None,
    }
}

#[allow(deprecated)]
fn id_information(snapshot: &Snapshot, definition: &Definition) -> SymbolInformation {
    SymbolInformation {
        name: id_name(definition),
        kind: id_kind(definition),
        tags: None,
        deprecated: None,
        location: Location::new(
            snapshot.uri.clone(),
            to_lsp_range(&snapshot.document, definition.line.clone(), snapshot.encoding),
        ),
        container_name: None,
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
