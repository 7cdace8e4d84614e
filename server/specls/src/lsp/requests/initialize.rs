//! `initialize`: negotiate the position encoding and announce capabilities.

use specls_syntax::PositionEncoding;
use tower_lsp_server::ls_types::*;

use crate::lsp::convert::{encoding_from_kind, encoding_kind};
use crate::lsp::session::Session;

pub fn handle(session: &Session, params: InitializeParams) -> InitializeResult {
    let encoding = negotiate_encoding(&params.capabilities);
    session.initialize(encoding, params.capabilities);
    InitializeResult {
        capabilities: ServerCapabilities {
            position_encoding: Some(encoding_kind(encoding)),
            text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            })),
            document_symbol_provider: Some(OneOf::Left(true)),
            folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
            ..ServerCapabilities::default()
        },
        server_info: Some(ServerInfo {
            name: "specls".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
        offset_encoding: None,
    }
}

/// The client's most preferred encoding that specls speaks; UTF-16 when it names none.
fn negotiate_encoding(capabilities: &ClientCapabilities) -> PositionEncoding {
    capabilities
        .general
        .as_ref()
        .and_then(|general| general.position_encodings.as_ref())
        .and_then(|kinds| kinds.iter().find_map(encoding_from_kind))
        .unwrap_or_default()
}
