//! Position conversion for text that is not kept: a file of the workspace index is read
//! once, and only its line starts and the places of its multi-byte characters remain.
//! Counts lines exactly as [`crate::position`] does (`\n`, `\r\n`, lone `\r`).

use crate::position::{Position, PositionEncoding};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineIndex {
    /// Byte offset where each line starts; the first is 0.
    line_starts: LineStarts,
    /// Lines that end with `\r\n` (rare, so kept sparse), sorted.
    crlf_lines: Vec<u32>,
    /// For each line holding non-ASCII text, its multi-byte characters, sorted by line.
    wide_lines: Vec<(u32, Box<[WideChar]>)>,
    len: u32,
}

/// Where each line starts, in about two bytes a line (every indexed file keeps one): the
/// start of every [`BLOCK`]-th line in full and the others as 16-bit offsets from it; a
/// block of lines longer than 64 KiB keeps full starts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct LineStarts {
    /// The start of lines 0, `BLOCK`, 2 × `BLOCK`, ...
    blocks: Vec<u32>,
    /// Each line's start less its block's (unused in wide blocks).
    offsets: Vec<u16>,
    /// The blocks too long for 16-bit offsets, sorted, with every line's start.
    wide_blocks: Vec<(u32, Box<[u32]>)>,
}

const BLOCK: usize = 64;

impl LineStarts {
    fn new(starts: &[u32]) -> Self {
        let mut line_starts = LineStarts {
            blocks: Vec::with_capacity(starts.len().div_ceil(BLOCK)),
            offsets: Vec::with_capacity(starts.len()),
            wide_blocks: Vec::new(),
        };
        for (block, lines) in starts.chunks(BLOCK).enumerate() {
            let base = lines[0];
            line_starts.blocks.push(base);
            let narrow: Option<Vec<u16>> = lines
                .iter()
                .map(|&start| u16::try_from(start - base).ok())
                .collect();
            match narrow {
                Some(narrow) => line_starts.offsets.extend(narrow),
                None => {
                    line_starts.offsets.extend(std::iter::repeat_n(0, lines.len()));
                    line_starts.wide_blocks.push((block as u32, lines.into()));
                }
            }
        }
        line_starts
    }

    fn len(&self) -> usize {
        self.offsets.len()
    }

    fn get(&self, line: usize) -> Option<u32> {
        let offset = *self.offsets.get(line)?;
        let block = line / BLOCK;
        if let Ok(wide) = self
            .wide_blocks
            .binary_search_by_key(&(block as u32), |(b, _)| *b)
        {
            return Some(self.wide_blocks[wide].1[line % BLOCK]);
        }
        Some(self.blocks[block] + u32::from(offset))
    }

    /// How many lines start at or before `offset`.
    fn count_up_to(&self, offset: u32) -> usize {
        let blocks = self.blocks.partition_point(|&start| start <= offset);
        let Some(block) = blocks.checked_sub(1) else {
            return 0;
        };
        let (mut low, mut high) = (block * BLOCK, ((block + 1) * BLOCK).min(self.len()));
        while low < high {
            let middle = low + (high - low) / 2;
            if self.get(middle).is_some_and(|start| start <= offset) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        low
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct WideChar {
    /// Byte offset from the line start.
    column: u32,
    len_utf8: u8,
}

impl WideChar {
    fn len_utf16(self) -> u32 {
        if self.len_utf8 == 4 { 2 } else { 1 }
    }

    fn len_in(self, encoding: PositionEncoding) -> u32 {
        match encoding {
            PositionEncoding::Utf8 => u32::from(self.len_utf8),
            PositionEncoding::Utf16 => self.len_utf16(),
            PositionEncoding::Utf32 => 1,
        }
    }
}

impl LineIndex {
    /// Texts longer than `u32::MAX` bytes are never indexed (the scan has a size cap).
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut index = LineIndex {
            len: bytes.len() as u32,
            ..LineIndex::default()
        };
        // Generated and real specs average 40-60 bytes a line.
        let mut line_starts: Vec<u32> = Vec::with_capacity(bytes.len() / 48 + 1);
        line_starts.push(0);
        // Every index of a closed file lives as long as the workspace: lines are found with
        // memchr and only lines with non-ASCII text are walked character by character.
        let mut line_start = 0usize;
        loop {
            let line_end =
                memchr::memchr2(b'\n', b'\r', &bytes[line_start..]).map_or(bytes.len(), |at| line_start + at);
            index.note_wide_chars(line_starts.len() as u32 - 1, &text[line_start..line_end]);
            let Some(&byte) = bytes.get(line_end) else {
                break;
            };
            let break_len = if byte == b'\r' && bytes.get(line_end + 1) == Some(&b'\n') {
                index.crlf_lines.push(line_starts.len() as u32 - 1);
                2
            } else {
                1
            };
            line_start = line_end + break_len;
            line_starts.push(line_start as u32);
        }
        index.line_starts = LineStarts::new(&line_starts);
        index.crlf_lines.shrink_to_fit();
        index.wide_lines.shrink_to_fit();
        index
    }

    /// Records the multi-byte characters of the current (last started) line.
    fn note_wide_chars(&mut self, line_number: u32, line: &str) {
        if line.is_ascii() {
            return;
        }
        let wide: Box<[WideChar]> = line
            .char_indices()
            .filter(|(_, ch)| !ch.is_ascii())
            .map(|(column, ch)| WideChar {
                column: column as u32,
                len_utf8: ch.len_utf8() as u8,
            })
            .collect();
        self.wide_lines.push((line_number, wide));
    }

    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    fn wide_chars(&self, line: u32) -> &[WideChar] {
        match self.wide_lines.binary_search_by_key(&line, |(l, _)| *l) {
            Ok(found) => &self.wide_lines[found].1,
            Err(_) => &[],
        }
    }

    fn content_end(&self, line: usize) -> usize {
        match self.line_starts.get(line + 1) {
            None => self.len as usize,
            Some(next) => {
                let crlf = self.crlf_lines.binary_search(&(line as u32)).is_ok();
                next as usize - if crlf { 2 } else { 1 }
            }
        }
    }

    /// The position of a byte offset; offsets past the end map to the end, an offset inside
    /// a character or a `\r\n` to the place before it, as [`crate::position::position_at`].
    pub fn position(&self, offset: usize, encoding: PositionEncoding) -> Position {
        let offset = offset.min(self.len as usize);
        let line = self.line_starts.count_up_to(offset as u32).saturating_sub(1);
        let start = self.line_starts.get(line).unwrap_or(0) as usize;
        let offset = offset.min(self.content_end(line).max(start));
        let column = (offset - start) as u32;
        let mut character = column;
        for wide in self.wide_chars(line as u32) {
            if wide.column >= column {
                break;
            }
            if wide.column + u32::from(wide.len_utf8) > column {
                // Inside the character: its start.
                character -= column - wide.column;
                break;
            }
            character -= u32::from(wide.len_utf8) - wide.len_in(encoding);
        }
        Position::new(line as u32, character)
    }

    /// The byte offset of a position, clamped to the line's end and the text's end.
    pub fn offset(&self, position: Position, encoding: PositionEncoding) -> usize {
        let line = position.line as usize;
        let Some(start) = self.line_starts.get(line) else {
            return self.len as usize;
        };
        let start = start as usize;
        let end = self.content_end(line);
        let mut remaining = position.character;
        let mut column = 0u32;
        for wide in self.wide_chars(line as u32) {
            let ascii_run = wide.column - column;
            if remaining <= ascii_run {
                return (start + (column + remaining) as usize).min(end);
            }
            remaining -= ascii_run;
            column = wide.column;
            let width = wide.len_in(encoding);
            if remaining < width {
                return start + column as usize;
            }
            remaining -= width;
            column += u32::from(wide.len_utf8);
        }
        (start + (column + remaining) as usize).min(end)
    }
}

#[cfg(test)]
mod tests {
    use ropey::Rope;

    use super::*;
    use crate::position::{offset_at, position_at};

    const ENCODINGS: [PositionEncoding; 3] = [
        PositionEncoding::Utf8,
        PositionEncoding::Utf16,
        PositionEncoding::Utf32,
    ];

    /// The line index and the rope conversions must agree at every offset.
    fn agrees_with_rope(text: &str) {
        agrees_with_rope_every(text, 1);
    }

    /// The same at every `step`-th offset and the end, and at the first columns of every
    /// line.
    fn agrees_with_rope_every(text: &str, step: usize) {
        let rope = Rope::from_str(text);
        let index = LineIndex::new(text);
        for encoding in ENCODINGS {
            for offset in (0..=text.len() + 1).step_by(step).chain([text.len()]) {
                let position = index.position(offset, encoding);
                assert_eq!(
                    position,
                    position_at(&rope, offset, encoding),
                    "{encoding:?} offset {offset} in {text:?}"
                );
                assert_eq!(
                    index.offset(position, encoding),
                    offset_at(&rope, position, encoding).offset,
                    "{encoding:?} {position:?} in {text:?}"
                );
            }
            for line in 0..index.line_count() as u32 + 1 {
                for character in 0..12 {
                    let position = Position::new(line, character);
                    assert_eq!(
                        index.offset(position, encoding),
                        offset_at(&rope, position, encoding).offset,
                        "{encoding:?} {position:?} in {text:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn agrees_with_the_rope_across_blocks_and_long_lines() {
        // Lines of every length, past several blocks, and lines longer than a 16-bit
        // offset reaches, so some blocks keep full starts.
        let mut text = String::new();
        for line in 0..700 {
            let width = match line {
                130 => 70_000,
                400..=402 => 30_000,
                _ => line % 90,
            };
            text.push_str(&"é".repeat(line % 3));
            text.push_str(&"x".repeat(width));
            text.push_str(if line % 7 == 0 { "\r\n" } else { "\n" });
        }
        let index = LineIndex::new(&text);
        assert!(!index.line_starts.wide_blocks.is_empty());
        assert_eq!(index.line_count(), Rope::from_str(&text).len_lines());
        agrees_with_rope_every(&text, 97);
    }

    #[test]
    fn agrees_with_the_rope_on_mixed_text() {
        for text in [
            "",
            "abc",
            "a\nb\r\nc\rd",
            "# Ünïcode 😀 tail\n中文 text\r\n\r\n🎉🎉\n",
            "\r\n\r\r\n\n",
            "ends with é",
        ] {
            agrees_with_rope(text);
        }
    }

    #[test]
    fn agrees_with_the_rope_on_random_line_breaks_and_wide_characters() {
        let pieces = ["a", "b ", "\n", "\r", "\r\n", "é", "😀", "中", "\t"];
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..300 {
            let mut text = String::new();
            for _ in 0..(seed % 40) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            agrees_with_rope(&text);
        }
    }
}
