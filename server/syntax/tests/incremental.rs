//! Invariant: after any sequence of edits, a document edited incrementally has the same
//! text, the same trees (block and inline, ranges and points included) and the same
//! position conversions as a document parsed afresh from its text.

use proptest::prelude::*;
use specls_syntax::markdown::whole_document_block_nodes_dump;
use specls_syntax::{Document, PositionEncoding, SpecModel};

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
    "\n\n- a\n",
    "\n\n> q\n",
    "\n\n1. one\n",
    "\n\ntext\n",
    "\n\n<div>\n",
    "\n\n~~~\n",
    "\n\n[a]: b.md\n",
    "\n\n+++\n",
    "    code\n",
    "===\n",
    "\u{feff}",
];

const START: &str = "---\nspec-id: SPEC-1\ntitle: Début 😀\nstatus: draft\n---\n\n# Title\n\n## Overview\n\nText with SPEC-2 and [link](b.md#x).\n\n```md\n# not a heading\n```\n\n> quote\n> more\n\n- a\n- b\n\n| a | b |\n|---|---|\n| 日本 | c |\n\nProse without a heading.\n\nMore prose, [a][b].\n\n[b]: c.md\n\n1. one\n\n   still one\n\n<div>\n\nhtml\n</div>\n\nlast words\n";

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

/// An edited document is what a fresh parse of its text gives: trees, the block nodes of
/// one whole-document parse, and model.
fn assert_equals_fresh(document: &Document, text: &str) {
    let fresh = Document::new(text);
    assert_eq!(document.debug_dump(), fresh.debug_dump(), "{text:?}");
    assert_eq!(
        document.block_nodes_dump(),
        whole_document_block_nodes_dump(document.source()),
        "{text:?}"
    );
    assert_eq!(document.model(), fresh.model(), "{text:?}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn incremental_equals_fresh(
        ops in prop::collection::vec(
            (op_strategy(), prop::bool::weighted(0.2), prop::bool::weighted(0.6), prop::bool::weighted(0.3)),
            1..24
        )
    ) {
        let mut model = START.to_string();
        let mut document = Document::new(&model);
        for (op, rest, read, prepare) in &ops {
            // A version whose trees a thread was asked to parse: the next edits follow
            // them, whoever parses them first.
            if *prepare && document.will_prepare() {
                prop_assert!(!document.will_prepare());
            }
            // A document put to rest has no trees: its next edit parses afresh.
            if *rest {
                let rested = document.rested();
                prop_assert!(!rested.holds_tree());
                prop_assert_eq!(rested.model(), document.model());
                document = rested;
            }
            document = apply(&mut model, &document, op);
            prop_assert_eq!(document.text(), model.clone());
            // Versions nobody reads chain their parses; reading the last runs them all.
            if !*read {
                continue;
            }
            let fresh = Document::new(&model);
            prop_assert_eq!(document.debug_dump(), fresh.debug_dump());
            check_positions(&model, &document);
            prop_assert_eq!(
                document.block_nodes_dump(),
                whole_document_block_nodes_dump(document.source())
            );
        }
        prop_assert_eq!(document.debug_dump(), Document::new(&model).debug_dump());
        prop_assert_eq!(&*document.model(), &SpecModel::from_document(&Document::new(&model)));
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
        assert_eq!(document.debug_dump(), Document::new(&model).debug_dump());
    }
    let model = document.model();
    assert_eq!(model.headings.len(), 1);
    assert_eq!(model.headings[0].title, "Sé😀");
}

/// The block forest holds the nodes one whole-document parse would, on real specs.
#[test]
fn forest_equals_whole_document_parse_on_seeds_and_examples() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = vec![
        root.join("../shared/seeds/feature-spec-template.md"),
        root.join("../shared/seeds/design-doc-template.md"),
    ];
    let mut stack = vec![root.join("examples")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    assert!(files.len() >= 6);
    let mut chunks = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let document = Document::new(&text);
        chunks += document.tree().chunks().len();
        assert_eq!(
            document.block_nodes_dump(),
            whole_document_block_nodes_dump(document.source()),
            "{}",
            path.display()
        );
    }
    assert!(chunks > files.len() * 5, "specs are cut into chunks: {chunks}");
}

/// Edits that move chunk boundaries: each step must equal a fresh parse and a
/// whole-document parse.
#[test]
fn edits_that_move_chunk_boundaries() {
    let cases: &[(&str, &[(&str, &str)])] = &[
        // A heading typed on a last line without a line break.
        ("# T\n\ntext\n", &[("text\n", "text\n## a"), ("## a", "## ab")]),
        // A fence opened above later headings swallows them until it closes.
        (
            "# A\n\ntext\n\n## B\n\n## C\n",
            &[
                ("text\n", "```\ntext\n"),
                ("## C\n", "## C\n```\n"),
                ("```\ntext", "text"),
            ],
        ),
        // Frontmatter that later text closes, then reopens.
        (
            "---\ntitle: x\n\n# A\n\n## B\n",
            &[
                ("## B\n", "## B\n---\n"),
                ("title: x\n", "title: x\n---\n"),
                ("---\ntitle", "--\ntitle"),
            ],
        ),
        // A heading whose marker is deleted joins the paragraph above.
        (
            "# A\npara\n## B\nmore\n",
            &[("## B", "B"), ("para\nB", "para\n# B")],
        ),
        // An indented heading after a list: tree-sitter-md gives the indentation to the
        // list, so no chunk may start on that line.
        ("# A\n- item\n# B\n", &[("# B", " # B"), (" # B", "# B")]),
        // After frontmatter a tab-indented `#` line reads as a heading in context.
        ("---\na: 1\n---\n# A\n", &[("# A", "\t# A")]),
        // An HTML block that runs to a blank line swallows a heading below it.
        ("# A\n\n<div>\n\n## B\n", &[("<div>\n\n", "<div>\n")]),
        // Paragraphs are chunks of their own: a blank line filled joins two, emptied
        // splits them again.
        (
            "one\n\ntwo\n\nthree\n",
            &[("\n\ntwo", "\nx\ntwo"), ("\nx\ntwo", "\n\ntwo")],
        ),
        // A fence opened above prose swallows every paragraph, and lets them go.
        (
            "intro\n\na\n\nb\n\nc\n\nd\n\ne\n\nf\n\ng\n\nh\n",
            &[
                ("intro", "```\nintro"),
                ("h\n", "h\n```\n"),
                ("```\nintro", "intro"),
            ],
        ),
        // A list goes on over a blank line with an indented line or another item.
        ("- a\n\nb\n", &[("\nb", "\n  b"), ("  b", "- b"), ("- b", "b")]),
        // Quotes after a blank line, `---` that could open frontmatter, `+++`.
        (
            "> a\n\n> b\n\n---\n\nc\n---\n",
            &[("> b", "b"), ("\nc\n", "\n+++\n")],
        ),
        // Found by fuzzing: tree-sitter skips a byte order mark only at a text's start,
        // so no chunk starts with one.
        ("p\n\nq\n", &[("q", "\u{feff}q"), ("\u{feff}q", "q")]),
        // A last line of open markup without a line break after prose.
        (
            "# A\n\np\n\nq\n\nr",
            &[("r", "##"), ("##", "```"), ("```", "r\n")],
        ),
    ];
    for (start, edits) in cases {
        let mut text = start.to_string();
        let mut document = Document::new(&text);
        for (find, replace) in *edits {
            let at = text.find(find).unwrap_or_else(|| panic!("{find:?} in {text:?}"));
            text.replace_range(at..at + find.len(), replace);
            document = document.edit(at..at + find.len(), replace);
            assert_equals_fresh(&document, &text);
        }
    }
}

/// Prose without headings is cut after its blank lines, so an edit re-parses one
/// paragraph, not the document.
#[test]
fn prose_is_cut_at_blank_lines() {
    let paragraph = "Prose with `code`, a [link](b.md) and SPEC-12.\n\n";
    let text = paragraph.repeat(200);
    let document = Document::new(&text);
    assert_eq!(document.tree().chunks().len(), 200);
    let at = text.len() / 2;
    let edited = document.edit(at..at, "x");
    assert_eq!(edited.tree().chunks().len(), 200);
    let mut text = text;
    text.insert(at, 'x');
    assert_eq!(edited.debug_dump(), Document::new(&text).debug_dump());
}

/// Found by fuzzing: a text ending in a NUL byte. tree-sitter's scanners read a NUL as the
/// end of the input, and the chunk that holds it parses otherwise alone than in the whole
/// document (with heading cuts too): the forest's list items differ from one parse's.
#[test]
fn a_nul_at_the_end_parses_as_in_the_whole_document() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/nul-at-the-end.md");
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.ends_with('\0'));
    let document = Document::new(&text);
    assert_eq!(
        document.block_nodes_dump(),
        whole_document_block_nodes_dump(document.source())
    );
}

/// A document over its size limit keeps its text exactly through edits, is not parsed
/// (empty model), and is the fresh parse of its text again once an edit brings it under.
#[test]
fn a_document_over_its_limit_keeps_its_text_and_is_parsed_once_under_it() {
    let spec = "---\nspec-id: BIG-1\n---\n# Big é\n\n## Goals\n\nText 😀 [x](#goals).\n";
    let limit = spec.len() + 10;
    let padding = "Padding paragraph.\n\n";
    let over = format!("{spec}{padding}");
    let document = Document::with_limit(&over, limit);
    assert!(!document.is_analysed());
    assert_eq!(*document.model(), SpecModel::default());
    assert!(!document.in_code_span(over.len() - 3));

    // Still over: an edit changes the text only.
    let edited = document.edit(0..0, "x");
    assert!(!edited.is_analysed());
    assert_eq!(edited.text(), format!("x{over}"));
    assert!(edited.model().headings.is_empty());

    // Under: parsed as a fresh document of that text.
    let start = over.len() + 1 - padding.len();
    let under = edited.edit(0..1, "").edit(start - 1..over.len(), "");
    assert!(under.is_analysed());
    assert_eq!(under.text(), spec);
    let fresh = Document::new(spec);
    assert_eq!(under.debug_dump(), fresh.debug_dump());
    assert_eq!(*under.model(), *fresh.model());

    // And over again, by an edit of an analysed document.
    let again = under.edit(spec.len()..spec.len(), padding);
    assert!(!again.is_analysed());
    assert_eq!(again.text(), over);
    assert_eq!(again.limit(), limit);
}

#[test]
fn a_document_at_rest_keeps_its_text_and_model_and_parses_again_when_asked() {
    let document = Document::new(START);
    let _ = document.tree();
    let model = document.model();
    let rested = document.rested();
    assert!(document.holds_tree() && !rested.holds_tree());
    assert_eq!(rested.text(), START);
    assert!(
        std::sync::Arc::ptr_eq(&rested.model(), &model),
        "the model is kept, not read again"
    );
    // Asked for, the trees come back as a fresh parse would give them.
    assert_eq!(rested.debug_dump(), document.debug_dump());
    assert!(rested.holds_tree());
    let code = START.find("[link]").unwrap() - 2;
    assert_eq!(document.rested().in_code_span(code), document.in_code_span(code));
}

#[test]
fn edits_nobody_reads_are_parsed_when_the_last_is_read() {
    // A burst of keystrokes past the chain's depth bound, then one read: the trees are
    // those of a fresh parse, and reading never recurses through the whole burst.
    let mut text = START.to_string();
    let mut document = Document::new(&text);
    let _ = document.tree();
    for n in 0..500 {
        let at = floor_boundary(&text, (n * 37) % text.len());
        text.insert(at, 'é');
        document = document.edit(at..at, "é");
        assert!(!document.holds_tree());
    }
    assert_eq!(document.text(), text);
    assert_equals_fresh(&document, &text);
}

/// Found by the edits fuzzer after 950 s: a NUL typed into a spec. tree-sitter-md's
/// scanners read a NUL as the end of the input, so a chunk with one parsed otherwise than
/// the whole text; CommonMark reads it as U+FFFD, a character of text.
#[test]
fn a_nul_typed_anywhere_parses_as_a_fresh_parse() {
    let mut text = START.to_string();
    let mut document = Document::new(&text);
    let _ = document.tree();
    for n in 1..40 {
        let at = floor_boundary(&text, (n * 131) % text.len());
        text.insert_str(at, "{{NAME}}\0");
        document = document.edit(at..at, "{{NAME}}\0");
        assert_equals_fresh(&document, &text);
    }
}

/// The edits fuzzer's case seed 1796223073973271939 (after 950 s), as it ran.
#[test]
fn the_fuzzers_nul_case_equals_a_fresh_parse() {
    let mut text = String::from(
        "---\neip: 1588\ntitle: \"Hardfork Meta: Ethereum ProgPoW\"\nauthor: Ikmyeong Na (@naikmyeong)\nstatus: Stagnant\ntype: Meta\ncreated: 2018-11-16\nrequires: 1057\n---\n\n## Abstract\n\nThis meta-EIP specifies the changes included in the alternative Ethereum hardfork named Ethereum ProgPoW.\n\n## Specification\n\n- Codename: Ethereum ProgPoW\n- Aliases: N/A\n- Activation:\n  - `Block thereum ProgPoW\n- Aliases: N/A\n- Activation:\n  - `Block >= 7280000` on the Etherc-6120.md\neum mainnet\n- Includes:\n  - [EIP-1057](./eip-1057.md): ProgPoW, a Programmatic Proof-of-Work\n\n## Copyright\n\nCopyright and related rights waived via [CC0](../LICENSE.md).\n",
    );
    let mut document = Document::new(&text);
    let edits: [(usize, usize, &str); 5] = [
        (360, 456, "```\r\u{2028}"),
        (511, 511, ""),
        (375, 377, ")[a](b.md#c)"),
        (533, 534, "<div>~~|"),
        (407, 414, "{{NAME}}\0"),
    ];
    for (start, end, insert) in edits {
        text.replace_range(start..end, insert);
        document = document.edit(start..end, insert);
        assert_equals_fresh(&document, &text);
    }
}

/// The edits fuzzer's slowest case: a line of 2,400 images cost tree-sitter-md's inline
/// grammar 1.3 s a parse. Such a node is left unparsed and read by the fast reader; the
/// editor's model is the fast reader's, and edits still equal a fresh parse.
#[test]
fn a_line_of_thousands_of_images_is_read_by_the_fast_reader() {
    let mut text = format!(
        "---\nspec-id: IMG-1\n---\n# Images\n\n{}\n\n## After\n\nText with [a link](b.md).\n",
        "![i](p.png)".repeat(2_400)
    );
    let document = Document::new(&text);
    assert!(
        document
            .tree()
            .chunks()
            .iter()
            .any(|chunk| chunk.skipped_inline())
    );
    let model = document.model();
    assert_eq!(*model, SpecModel::read_fast(&text));
    assert!(model.headings.iter().any(|heading| heading.title == "After"));
    let at = text.find("## After").unwrap();
    text.insert_str(at, "More. ");
    let edited = document.edit(at..at, "More. ");
    assert_equals_fresh(&edited, &text);
}

/// An opened document's model comes from the fast reader, without a parse; once a thread
/// prepares its trees, edits follow them incrementally and read their model from them.
#[test]
fn an_opened_document_is_read_without_a_parse_until_prepared() {
    let text = "---\nspec-id: OPEN-1\n---\n\n# Open\n\n## Overview\n\nSee OPEN-2.\n".to_string();
    let document = Document::new(&text);
    assert_eq!(*document.model(), SpecModel::from_document(&Document::new(&text)));
    assert!(
        !document.holds_tree(),
        "the model of an opened document needs no trees"
    );

    // An edit of a document nobody parsed is parsed afresh when read: a thread is asked.
    let at = text.find("OPEN-2").unwrap();
    let edited = document.edit(at..at, "x");
    assert!(edited.will_prepare());
    assert!(!edited.will_prepare(), "one thread is asked once");
    // Edits made while it parses follow its trees, and read the fast model meanwhile.
    let next = edited.edit(at..at, "y");
    assert!(!next.will_prepare());
    let _ = next.model();
    assert!(!next.holds_tree() && !edited.holds_tree());
    edited.prepare();
    assert!(edited.holds_tree());
    let last = next.edit(at..at, "z");
    let mut expected = text.clone();
    expected.insert_str(at, "zyx");
    assert_equals_fresh(&last, &expected);
    assert!(next.holds_tree(), "the chain ran through the prepared trees");
}

/// tree-sitter-md opens frontmatter at a `---` indented by up to three spaces, so an
/// edit that completes such a first line must re-read the chunks as a fresh parse does.
/// (The edits fuzzer's failing sequence, replayed with `SPECLS_FUZZ_SEED=1796283556053426010`,
/// is longer than this one edit.)
#[test]
fn an_indented_opening_fence_typed_in_opens_frontmatter() {
    let before = " --\nk: v\nstatus: a ```\n</div>\n\nmore: b\n---\n\nText\n";
    let document = Document::new(before).edit(3..3, "-");
    let text = format!(" ---{}", &before[3..]);
    assert_equals_fresh(&document, &text);
}
