//! Conversion between byte ranges and protocol ranges in the negotiated encoding.
//! The only place where specls's byte offsets meet LSP positions.

use std::ops::Range;

use specls_syntax::{Document, Position, PositionEncoding};
use tower_lsp_server::ls_types;

pub fn encoding_from_kind(kind: &ls_types::PositionEncodingKind) -> Option<PositionEncoding> {
    match kind.as_str() {
        "utf-8" => Some(PositionEncoding::Utf8),
        "utf-16" => Some(PositionEncoding::Utf16),
        "utf-32" => Some(PositionEncoding::Utf32),
        _ => None,
    }
}

pub fn encoding_kind(encoding: PositionEncoding) -> ls_types::PositionEncodingKind {
    match encoding {
        PositionEncoding::Utf8 => ls_types::PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => ls_types::PositionEncodingKind::UTF16,
        PositionEncoding::Utf32 => ls_types::PositionEncodingKind::UTF32,
    }
}

pub fn to_position(position: ls_types::Position) -> Position {
    Position::new(position.line, position.character)
}

fn from_position(position: Position) -> ls_types::Position {
    ls_types::Position::new(position.line, position.character)
}

pub fn to_lsp_range(document: &Document, range: Range<usize>, encoding: PositionEncoding) -> ls_types::Range {
    ls_types::Range::new(
        from_position(document.position_at(range.start, encoding)),
        from_position(document.position_at(range.end, encoding)),
    )
}
