//! Conversion between byte offsets (the only unit used inside specls) and editor
//! positions (line, column) in one of the three LSP position encodings.
//!
//! Lines end at `\n`, `\r\n` or a lone `\r`, exactly as LSP counts them; the rope is
//! built without Unicode line breaks so U+2028 or NEL never start a line.

use ropey::Rope;

/// The unit in which a client counts columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PositionEncoding {
    Utf8,
    /// The LSP default when a client names no encoding.
    #[default]
    Utf16,
    Utf32,
}

/// A zero-based line and a column counted in some [`PositionEncoding`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

impl Position {
    pub const fn new(line: u32, character: u32) -> Self {
        Self { line, character }
    }
}

/// The result of resolving an editor position that may lie outside the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResolvedOffset {
    pub offset: usize,
    /// The position named a line past the end, a column past the line's end, or the
    /// middle of a character; it was moved to the nearest valid place, as LSP asks.
    pub clamped: bool,
}

/// Byte offset where `line` starts; `None` past the last line.
fn line_start(rope: &Rope, line: usize) -> Option<usize> {
    (line < rope.len_lines()).then(|| rope.line_to_byte(line))
}

/// Byte offset where the content of `line` ends, before its line break.
fn line_content_end(rope: &Rope, line: usize) -> usize {
    let next = if line + 1 < rope.len_lines() {
        rope.line_to_byte(line + 1)
    } else {
        return rope.len_bytes();
    };
    let mut end = next;
    if end > 0 && rope.byte(end - 1) == b'\n' {
        end -= 1;
    }
    if end > 0 && rope.byte(end - 1) == b'\r' {
        end -= 1;
    }
    end
}

/// Converts an editor position to a byte offset, clamping positions past a line's end
/// to that end and lines past the document's end to the document's end.
pub fn offset_at(rope: &Rope, position: Position, encoding: PositionEncoding) -> ResolvedOffset {
    let line = position.line as usize;
    let Some(start) = line_start(rope, line) else {
        return ResolvedOffset {
            offset: rope.len_bytes(),
            clamped: true,
        };
    };
    let end = line_content_end(rope, line);
    let column = position.character as usize;
    let (offset, clamped) = match encoding {
        PositionEncoding::Utf8 => {
            let wanted = start + column;
            if wanted > end {
                (end, true)
            } else {
                // A column inside a multi-byte character rounds down to its start.
                let char_start = rope.char_to_byte(rope.byte_to_char(wanted));
                (char_start, char_start != wanted)
            }
        }
        PositionEncoding::Utf16 => {
            let start_char = rope.byte_to_char(start);
            let end_char = rope.byte_to_char(end);
            let start_cu = rope.char_to_utf16_cu(start_char);
            let end_cu = rope.char_to_utf16_cu(end_char);
            let wanted = start_cu + column;
            if wanted > end_cu {
                (end, true)
            } else {
                let char_idx = rope.utf16_cu_to_char(wanted);
                let exact = rope.char_to_utf16_cu(char_idx) == wanted;
                (rope.char_to_byte(char_idx), !exact)
            }
        }
        PositionEncoding::Utf32 => {
            let start_char = rope.byte_to_char(start);
            let end_char = rope.byte_to_char(end);
            let wanted = start_char + column;
            if wanted > end_char {
                (end, true)
            } else {
                (rope.char_to_byte(wanted), false)
            }
        }
    };
    ResolvedOffset { offset, clamped }
}

/// Converts a byte offset to an editor position. Offsets past the end map to the end;
/// an offset inside a character maps to that character's start.
pub fn position_at(rope: &Rope, offset: usize, encoding: PositionEncoding) -> Position {
    let offset = offset.min(rope.len_bytes());
    let line = rope.byte_to_line(offset);
    let start = rope.line_to_byte(line);
    // An offset between `\r` and `\n` is not a place an editor can name: use the line end.
    let offset = offset.min(line_content_end(rope, line).max(start));
    let character = match encoding {
        PositionEncoding::Utf8 => {
            let char_start = rope.char_to_byte(rope.byte_to_char(offset));
            char_start - start
        }
        PositionEncoding::Utf16 => {
            let start_char = rope.byte_to_char(start);
            let char_idx = rope.byte_to_char(offset);
            rope.char_to_utf16_cu(char_idx) - rope.char_to_utf16_cu(start_char)
        }
        PositionEncoding::Utf32 => rope.byte_to_char(offset) - rope.byte_to_char(start),
    };
    Position::new(line as u32, character as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip_all(text: &str) {
        let rope = Rope::from_str(text);
        for enc in [
            PositionEncoding::Utf8,
            PositionEncoding::Utf16,
            PositionEncoding::Utf32,
        ] {
            for (offset, _) in text.char_indices() {
                let pos = position_at(&rope, offset, enc);
                let back = offset_at(&rope, pos, enc);
                let at_line_break = matches!(text.as_bytes()[offset], b'\n')
                    && offset > 0
                    && text.as_bytes()[offset - 1] == b'\r';
                if !at_line_break {
                    assert_eq!(back.offset, offset, "{enc:?} {offset} {pos:?} in {text:?}");
                    assert!(!back.clamped);
                }
            }
        }
    }

    #[test]
    fn columns_in_each_encoding() {
        let rope = Rope::from_str("a😀b\n日本");
        let after_emoji = "a😀".len();
        assert_eq!(
            position_at(&rope, after_emoji, PositionEncoding::Utf8),
            Position::new(0, 5)
        );
        assert_eq!(
            position_at(&rope, after_emoji, PositionEncoding::Utf16),
            Position::new(0, 3)
        );
        assert_eq!(
            position_at(&rope, after_emoji, PositionEncoding::Utf32),
            Position::new(0, 2)
        );
        let second_cjk = "a😀b\n日".len();
        assert_eq!(
            position_at(&rope, second_cjk, PositionEncoding::Utf16),
            Position::new(1, 1)
        );
        assert_eq!(
            position_at(&rope, second_cjk, PositionEncoding::Utf8),
            Position::new(1, 3)
        );
    }

    #[test]
    fn only_lsp_line_breaks_end_lines() {
        let rope = Rope::from_str("a\u{2028}b\u{85}c\rd\r\ne\nf");
        assert_eq!(rope.len_lines(), 4);
        let d = "a\u{2028}b\u{85}c\r".len();
        assert_eq!(
            position_at(&rope, d, PositionEncoding::Utf16),
            Position::new(1, 0)
        );
        let f = rope.len_bytes() - 1;
        assert_eq!(
            position_at(&rope, f, PositionEncoding::Utf16),
            Position::new(3, 0)
        );
    }

    #[test]
    fn positions_past_the_end_are_clamped() {
        let rope = Rope::from_str("ab\r\ncd");
        let past_line = offset_at(&rope, Position::new(0, 9), PositionEncoding::Utf16);
        assert_eq!(
            past_line,
            ResolvedOffset {
                offset: 2,
                clamped: true
            }
        );
        let past_doc = offset_at(&rope, Position::new(7, 0), PositionEncoding::Utf16);
        assert_eq!(
            past_doc,
            ResolvedOffset {
                offset: 6,
                clamped: true
            }
        );
        let inside_surrogates = offset_at(
            &Rope::from_str("😀"),
            Position::new(0, 1),
            PositionEncoding::Utf16,
        );
        assert_eq!(
            inside_surrogates,
            ResolvedOffset {
                offset: 0,
                clamped: true
            }
        );
    }

    #[test]
    fn roundtrips() {
        roundtrip_all("");
        roundtrip_all("plain\nlines\n");
        roundtrip_all("é😀日本\r\nx\ry\u{301}\n\n");
    }
}
