//! `specls/documentState`: the server's view of a document (version, text, line count,
//! whether its trees are in memory). Tests compare it with the editor's text; it is also
//! a debugging aid.

use serde::{Deserialize, Serialize};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::TextDocumentIdentifier;

use crate::lsp::world::World;

pub const METHOD: &str = "specls/documentState";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Params {
    pub text_document: TextDocumentIdentifier,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentState {
    /// `null` when the document is not open and was read from disk.
    pub version: Option<i32>,
    pub text: String,
    pub line_count: usize,
    /// Whether its syntax trees are in memory: false for an open document put to rest.
    pub holds_tree: bool,
}

pub fn handle(world: &World, params: Params) -> Result<DocumentState> {
    let snapshot = world.document(&params.text_document.uri)?;
    Ok(DocumentState {
        version: snapshot.version,
        text: snapshot.document.text(),
        line_count: snapshot.document.rope().len_lines(),
        holds_tree: snapshot.document.holds_tree(),
    })
}
