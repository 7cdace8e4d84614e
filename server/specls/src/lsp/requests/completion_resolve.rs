//! `completionItem/resolve`: the documentation of one item (a section's guidance in its
//! template, the summary of the spec an id names), read back from the item's `data`.

use specls_analysis::documentation;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::requests::completion::{client_reads_markdown, documentation_key, markup};
use crate::lsp::world::World;

pub fn handle(world: &World, mut item: CompletionItem) -> Result<CompletionItem> {
    if item.documentation.is_some() {
        return Ok(item);
    }
    let Some(data) = item.data.as_ref() else {
        return Ok(item);
    };
    let (Some(key), Some(uri)) = (
        documentation_key(data),
        data["uri"].as_str().and_then(|u| u.parse::<Uri>().ok()),
    ) else {
        return Ok(item);
    };
    let (_, settings, _) = world.settings_for(&uri);
    item.documentation = documentation(&key, &settings, &world.state.index)
        .map(|text| markup(text, client_reads_markdown(world)));
    Ok(item)
}
