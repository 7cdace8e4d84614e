//! The nesting cap: lines whose container blocks (block quotes, list items) would nest
//! more than [`MAX_NESTING`] deep are read with their container markers as plain text.
//!
//! tree-sitter-md's scanner keeps one state entry per open block and serializes at most
//! 254 of them; deeper, its state is cut and its parse time grows with the square of the
//! text (block quotes deepening line by line to 1,000 levels cost over a second a
//! keystroke, to 3,000 levels two minutes). Both readers therefore read the same copy of
//! the text, in which the container markers of every line that could open a block deeper
//! than the cap are replaced by [`NEUTRAL`], byte for byte, so no range moves. What the
//! model holds as text (titles, labels, ids) is read from the text as written.
//!
//! Whether a line is too deep is decided from its own bytes, so the decision is the same
//! for a whole document, a chunk or an edited region: a container opens only on a line
//! where every container around it continues, and each level then takes at least one
//! byte of that line's prefix (a `>` or a list marker) or two columns of its indentation
//! (a list item's content is indented past its marker and a space). A line whose prefix
//! counts more than the cap may be that deep; lines without markers open no container.

use std::ops::Range;

use ropey::Rope;

/// How deep block quotes and list items may nest. Real documents nest a handful of
/// levels; tree-sitter-md's state holds 254.
pub const MAX_NESTING: usize = 100;

/// What a too-deep line's container markers read as: a letter opens no block, and a
/// run of letters is one cheap word to the inline grammars (a run of punctuation costs
/// them a node a byte). Spec ids are looked for in the text as written.
pub const NEUTRAL: u8 = b'x';

/// The length of the container prefix of the line whose bytes `line` yields (it may run
/// on past the line's end), if its blocks could nest more than [`MAX_NESTING`] deep: the
/// bytes to read as [`NEUTRAL`].
pub fn too_deep_prefix(line: impl Iterator<Item = u8>) -> Option<usize> {
    let mut bytes = line.peekable();
    let (mut read, mut markers, mut columns, mut end) = (0, 0, 0, 0);
    while let Some(byte) = bytes.next() {
        read += 1;
        match byte {
            b' ' => columns += 1,
            // A tab counts as its widest, four columns.
            b'\t' => columns += 4,
            b'>' => markers += 1,
            b'-' | b'+' | b'*' if ends_marker(bytes.peek()) => markers += 1,
            b'0'..=b'9' => {
                let mut digits = 1;
                while digits <= 9 && bytes.next_if(u8::is_ascii_digit).is_some() {
                    digits += 1;
                    read += 1;
                }
                let delimiter = bytes.next_if(|b| matches!(b, b'.' | b')')).is_some();
                if digits > 9 || !delimiter || !ends_marker(bytes.peek()) {
                    break;
                }
                read += 1;
                markers += 1;
            }
            _ => break,
        }
        if markers > 0 {
            end = read;
        }
    }
    (markers > 0 && markers + columns / 2 > MAX_NESTING).then_some(end)
}

/// Whether a list marker ends before this byte: white space, a line break or the end.
fn ends_marker(next: Option<&u8>) -> bool {
    next.is_none_or(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// The too-deep prefixes of the lines of `text` from `from` on, in order; `from` is a
/// line start.
pub fn too_deep_prefixes(text: &[u8], from: usize) -> Vec<Range<usize>> {
    let mut prefixes = Vec::new();
    let mut line = from;
    while line < text.len() {
        if let Some(len) = too_deep_prefix(text[line..].iter().copied()) {
            prefixes.push(line..line + len);
        }
        line = match memchr::memchr2(b'\n', b'\r', &text[line..]) {
            Some(i) => line + i + 1,
            None => break,
        };
    }
    prefixes
}

/// The too-deep prefixes of the lines that start in `range` of `rope`, in order.
pub fn rope_too_deep_prefixes(rope: &Rope, range: Range<usize>) -> Vec<Range<usize>> {
    if range.is_empty() {
        return Vec::new();
    }
    let first = rope.byte_to_line(range.start);
    let last = rope.byte_to_line(range.end - 1);
    (first..=last)
        .map(|line| rope.line_to_byte(line))
        .filter(|&start| start >= range.start)
        .filter_map(|start| too_deep_prefix(rope.bytes_at(start)).map(|len| start..start + len))
        .collect()
}

/// `text` with every too-deep prefix read as [`NEUTRAL`], if it has one.
pub fn neutralized(text: &str) -> Option<String> {
    let prefixes = too_deep_prefixes(text.as_bytes(), 0);
    if prefixes.is_empty() {
        return None;
    }
    let mut bytes = text.as_bytes().to_vec();
    for prefix in prefixes {
        bytes[prefix].fill(NEUTRAL);
    }
    // Prefixes hold ASCII only, and ASCII takes their place.
    Some(String::from_utf8(bytes).expect("ASCII replaced by ASCII keeps UTF-8 valid"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefix(line: &str) -> Option<Range<usize>> {
        too_deep_prefix(line.bytes()).map(|len| 0..len)
    }

    #[test]
    fn counts_markers_and_indentation() {
        assert_eq!(prefix(&(">".repeat(100) + " x")), None);
        assert_eq!(prefix(&(">".repeat(101) + " x")), Some(0..102));
        assert_eq!(prefix(&("- ".repeat(101) + "x")), Some(0..202));
        assert_eq!(prefix(&("1. ".repeat(101) + "x")), Some(0..303));
        // Indentation counts only on a line that opens a container.
        assert_eq!(prefix(&(" ".repeat(1000) + "x")), None);
        assert_eq!(prefix(&(" ".repeat(200) + "- x")), Some(0..202));
        assert_eq!(prefix(&(" ".repeat(198) + "- x")), None);
        // `-` before a letter, a thematic break's dashes and long numbers are no markers.
        assert_eq!(prefix(&("-".repeat(300) + "\n")), None);
        assert_eq!(prefix(&("1234567890. ".repeat(200) + "x")), None);
    }

    #[test]
    fn finds_the_lines_of_a_range() {
        let text = format!("a\n{}\r\n{}\rb", ">".repeat(101), "* ".repeat(200));
        let prefixes = too_deep_prefixes(text.as_bytes(), 0);
        assert_eq!(prefixes, [2..103, 105..505]);
    }
}
