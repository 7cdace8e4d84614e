//! Invariant: after any sequence of edits, a document edited incrementally has the same
//! text, the same trees (block and inline, ranges and points included) and the same
//! position conversions as a document parsed afresh from its text.

use proptest::prelude::*;
use specls_syntax::{Document, PositionEncoding};

const FRAGMENTS: &[&str] = &[
    "a",
    "word ",
    "é",
    "😀",
    "日本語",
    "e\u{301}",
    "\u{2028}",
    "\r\n",
    "\n",
    "\r",
    "\n\n",
    "#",
    "## ",
    "### Heading\n",
    "---",
    "---\n",
    "`",
    "```",
    "```\n",
    "    ",
    " ",
    "-",
    "- item\n",
    "> ",
    "|",
    "| a | b |\n",
    "[x](other.md#sec)",
    "[[SPEC-7]]",
    "SPEC-42",
    "*",
    "_",
    "\\",
    "<div>",
    "]",
    "[",
    "(",
    ")",
    ":",
    "\t",
];

const START: &str = "---\nspec-id: SPEC-1\ntitle: Début 😀\nstatus: draft\n---\n\n# Title\n\n## Overview\n\nText with SPEC-2 and [link](b.md#x).\n\n```md\n# not a heading\n```\n\n> quote\n> more\n\n- a\n- b\n\n| a | b |\n|---|---|\n| 日本 | c |\n";

#[derive(Debug, Clone)]
enum Op {
    Insert { at: usize, text: String },
    Delete { at: usize, len: usize },
    Replace { at: usize, len: usize, text: String },
}

fn text_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 1..4).prop_map(|parts| parts.concat())
}

fn op_strategy() -> impl Strategy<Value = Op> {
    prop_oneof![
        (any::<usize>(), text_strategy()).prop_map(|(at, text)| Op::Insert { at, text }),
        (any::<usize>(), 0usize..12).prop_map(|(at, len)| Op::Delete { at, len }),
        (any::<usize>(), 0usize..6, text_strategy()).prop_map(|(at, len, text)| Op::Replace {
            at,
            len,
            text
        }),
    ]
}

/// Moves a byte offset back to a character boundary of `text`.
fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn apply(model: &mut String, document: &Document, op: &Op) -> Document {
    let len = model.len();
    let (at, del, insert) = match op {
        Op::Insert { at, text } => (at % (len + 1), 0, text.as_str()),
        Op::Delete { at, len: del } => (at % (len + 1), *del, ""),
        Op::Replace { at, len: del, text } => (at % (len + 1), *del, text.as_str()),
    };
    let start = floor_boundary(model, at);
    let end = floor_boundary(model, start + del);
    model.replace_range(start..end, insert);
    document.edit(start..end, insert)
}

fn check_positions(text: &str, document: &Document) {
    let bytes = text.as_bytes();
    for (offset, _) in text.char_indices() {
        // The `\n` of a `\r\n` is inside a line break: no position names it.
        if bytes[offset] == b'\n' && offset > 0 && bytes[offset - 1] == b'\r' {
            continue;
        }
        for encoding in [
            PositionEncoding::Utf8,
            PositionEncoding::Utf16,
            PositionEncoding::Utf32,
        ] {
            let position = document.position_at(offset, encoding);
            let back = document.offset_at(position, encoding);
            assert_eq!(back.offset, offset, "{encoding:?} {position:?}");
            assert!(!back.clamped);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn incremental_equals_fresh(ops in prop::collection::vec(op_strategy(), 1..24)) {
        let mut model = START.to_string();
        let mut document = Document::new(&model);
        for op in &ops {
            document = apply(&mut model, &document, op);
            prop_assert_eq!(document.text(), model.clone());
            let fresh = Document::new(&model);
            prop_assert_eq!(document.tree().debug_dump(), fresh.tree().debug_dump());
            check_positions(&model, &document);
        }
        prop_assert_eq!(document.model(), Document::new(&model).model());
    }
}

#[test]
fn typing_a_heading_character_by_character() {
    let mut model = String::from("intro\n\nbody\n");
    let mut document = Document::new(&model);
    for (i, ch) in "## Sé😀\n".char_indices() {
        let at = "intro\n\n".len() + i;
        document = document.edit(at..at, &ch.to_string());
        model.insert(at, ch);
        assert_eq!(
            document.tree().debug_dump(),
            Document::new(&model).tree().debug_dump()
        );
    }
    let model = document.model();
    assert_eq!(model.headings.len(), 1);
    assert_eq!(model.headings[0].title, "Sé😀");
}
