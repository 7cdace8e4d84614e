//! The tree-sitter-md syntax of a document: block trees and one inline tree per block
//! node that holds inline content (paragraph text, heading text, table cells).
//!
//! tree-sitter-md's block grammar declares conflicts, so nearly every node it builds is
//! "fragile" and tree-sitter never reuses it: re-parsing a 20,000-line spec with its old
//! tree costs half a full parse (~100 ms), wherever the edit is. specls therefore keeps
//! the block structure as a *forest*: the document is cut before every top-level ATX
//! heading (one that closes every open block), and each piece ("chunk") is parsed on its
//! own, with included ranges so its nodes carry document positions. An edit re-parses
//! only the chunks it touches, grown until the next untouched heading still starts a
//! chunk (an opened code fence may swallow following headings).
//!
//! The cut points are a function of the text alone, so an edited forest equals a fresh
//! one; and the chunks' nodes equal those of one whole-document parse but for the
//! `section` wrappers that tree-sitter-md adds (tests check both).
//!
//! Each chunk is parsed as a text of its own, so its trees hold positions relative to
//! the chunk's start, and a chunk moves by changing one offset: an edit costs the parse
//! of the chunks it touches, never a `Tree::edit` of the thousands after it. Readers
//! see document positions through `root_node_with_offset`. Chunks start at column 0,
//! so the offset is whole rows and columns need no shifting.

use std::cell::RefCell;
use std::ops::Range;
use std::sync::Arc;

use ropey::Rope;

use crate::model::ChunkModel;
use crate::nesting::{NEUTRAL, rope_too_deep_prefixes};
use tree_sitter::{InputEdit, Language, Node, Parser, Point, Tree};

pub fn block_language() -> Language {
    tree_sitter_md::LANGUAGE.into()
}

pub fn inline_language() -> Language {
    tree_sitter_md::INLINE_LANGUAGE.into()
}

struct Parsers {
    block: Parser,
    inline: Parser,
}

thread_local! {
    // A parser owns scratch memory worth reusing; one pair per thread avoids locking.
    static PARSERS: RefCell<Parsers> = RefCell::new(Parsers::new());
}

impl Parsers {
    fn new() -> Self {
        let mut block = Parser::new();
        block
            .set_language(&block_language())
            .expect("the Markdown block grammar matches the tree-sitter version");
        let mut inline = Parser::new();
        inline
            .set_language(&inline_language())
            .expect("the Markdown inline grammar matches the tree-sitter version");
        Self { block, inline }
    }
}

/// The text being parsed: a rope and the way to compute tree-sitter points in it.
#[derive(Clone, Copy)]
pub struct Source<'a> {
    pub rope: &'a Rope,
    /// Whether a lone `\r` occurs: then tree-sitter rows differ from rope lines.
    pub has_lone_cr: bool,
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&byte| byte == 0)
}

/// As many [`NEUTRAL`] bytes as a too-deep prefix is read in at once.
static NEUTRAL_RUN: [u8; 1024] = [NEUTRAL; 1024];

impl<'a> Source<'a> {
    /// The bytes from `offset` to the end of the rope chunk holding it, cut at `end`, as
    /// the parsers read them: the too-deep prefixes `deep` (sorted) and NULs read as
    /// [`NEUTRAL`].
    fn bytes_at(&self, offset: usize, end: usize, deep: &[Range<usize>]) -> &'a [u8] {
        let mut end = end.min(self.rope.len_bytes());
        if offset >= end {
            return &[];
        }
        if let Some(prefix) = deep.get(deep.partition_point(|prefix| prefix.end <= offset)) {
            if prefix.start <= offset {
                return &NEUTRAL_RUN[..(prefix.end.min(end) - offset).min(NEUTRAL_RUN.len())];
            }
            end = end.min(prefix.start);
        }
        let (chunk, chunk_start, _, _) = self.rope.chunk_at_byte(offset);
        let bytes = &chunk.as_bytes()[offset - chunk_start..];
        let bytes = &bytes[..bytes.len().min(end - offset)];
        // tree-sitter-md's scanners take a NUL for the end of the input, so text after one
        // parsed one way in a chunk and another in the whole document. CommonMark reads it
        // as U+FFFD, a character of text: the parsers read each NUL as [`NEUTRAL`].
        match memchr_nul(bytes) {
            Some(0) => &NEUTRAL_RUN[..1],
            Some(at) => &bytes[..at],
            None => bytes,
        }
    }

    fn too_deep_prefixes(&self, range: Range<usize>) -> Vec<Range<usize>> {
        rope_too_deep_prefixes(self.rope, range)
    }

    fn point(&self, offset: usize) -> Point {
        tree_sitter_point(self.rope, offset, self.has_lone_cr)
    }

    fn len(&self) -> usize {
        self.rope.len_bytes()
    }

    /// Whether a chunk may start at `line_start`, where a parse in context found a
    /// top-level block (`heading` when an ATX heading): a line that parses the same at the
    /// start of a text as in context. Never a last line without a line break
    /// (tree-sitter-md sees no heading there), nor a line that opens with white space
    /// (after frontmatter, tree-sitter-md reads `\t#` as a heading, alone as indented
    /// code). A heading closes every open block; any other block starts a chunk only after
    /// a blank line (which ends paragraphs, quotes and tables) and when it reads the same
    /// at a text's start: not `---` or `+++` (frontmatter there), nor a byte order mark.
    fn can_cut_at(&self, line_start: usize, heading: bool) -> bool {
        let line_end = self.line_end(line_start);
        let ends_with_break = line_end < self.len()
            || matches!(self.rope.get_byte(line_end.wrapping_sub(1)), Some(b'\n' | b'\r'));
        if !ends_with_break {
            return false;
        }
        let first = self.rope.get_byte(line_start);
        if heading {
            return first == Some(b'#');
        }
        // tree-sitter skips a byte order mark that starts a text, and only there.
        let reads_otherwise_at_start = [b"---", b"+++", "\u{feff}".as_bytes()]
            .iter()
            .any(|start| self.rope.bytes_at(line_start).take(3).eq(start.iter().copied()));
        first.is_some_and(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            && !reads_otherwise_at_start
            && self.follows_blank_line(line_start)
    }

    /// Whether the line before `line_start` holds only white space.
    fn follows_blank_line(&self, line_start: usize) -> bool {
        let Some(line) = self.rope.byte_to_line(line_start).checked_sub(1) else {
            return false;
        };
        self.rope
            .line(line)
            .bytes()
            .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    }

    /// The end of the line that starts at `offset`, its line break included.
    fn line_end(&self, offset: usize) -> usize {
        let line = self.rope.byte_to_line(offset);
        if line + 1 < self.rope.len_lines() {
            self.rope.line_to_byte(line + 1)
        } else {
            self.len()
        }
    }
}

/// One piece of the block forest: where it starts, and what its parse left behind.
#[derive(Clone, Debug)]
pub struct BlockChunk {
    start: usize,
    syntax: Arc<ChunkSyntax>,
}

/// What the parse of one chunk keeps once its trees are read: the facts an edit and a
/// request ask of it and its part of the spec model, ranges relative to the chunk's
/// start. The trees themselves were nearly all of an edited document's memory (117 MiB
/// of a 20,000-line spec) and are dropped: a chunk's trees are the parse of its text
/// alone, so [`BlockChunk::trees`] rebuilds them exactly when a test or a dump asks.
#[derive(Debug)]
struct ChunkSyntax {
    len: usize,
    /// Whether the chunk opens with a top-level ATX heading.
    opens_with_heading: bool,
    /// Whether the chunk opens with frontmatter (only the first chunk can).
    opens_with_frontmatter: bool,
    /// An inline node was too costly to parse ([`MAX_IMAGE_OPENERS`]) and has no tree.
    skipped_inline: bool,
    /// The inline code spans, sorted and disjoint.
    code_spans: Box<[Range<usize>]>,
    /// The chunk's part of the spec model; none when an inline node was skipped or a
    /// tree has an ERROR node, as the fast reader reads such a chunk and all after it.
    model: Option<ChunkModel>,
}

/// The trees of one chunk, with positions relative to the chunk's start: held while the
/// chunk is read, then dropped.
#[derive(Debug)]
pub struct ChunkTrees {
    start: usize,
    start_point: Point,
    len: usize,
    tree: Tree,
    inlines: Vec<InlineTree>,
    skipped_inline: bool,
    has_error: bool,
}

/// The inline tree of one block node, positions relative to its chunk.
#[derive(Debug)]
struct InlineTree {
    /// The block node (`inline` or `pipe_table_cell`) it belongs to.
    block_range: Range<usize>,
    /// The parts of the block node that hold inline text (block markers such as `>` of a
    /// quote are left out).
    included: Vec<Range<usize>>,
    tree: Tree,
}

/// An inline tree seen at its place in the document.
#[derive(Clone, Copy)]
pub struct InlineView<'a> {
    chunk: &'a ChunkTrees,
    inline: &'a InlineTree,
}

impl<'a> InlineView<'a> {
    /// Byte range of the block node the inline content belongs to.
    pub fn block_range(&self) -> Range<usize> {
        self.chunk.absolute(&self.inline.block_range)
    }

    /// The byte ranges of inline text, in order.
    pub fn included(&self) -> impl Iterator<Item = Range<usize>> + 'a {
        let (chunk, inline) = (self.chunk, self.inline);
        inline.included.iter().map(move |range| chunk.absolute(range))
    }

    pub fn root(&self) -> Node<'a> {
        self.inline
            .tree
            .root_node_with_offset(self.chunk.start, self.chunk.start_point)
    }
}

impl ChunkTrees {
    pub fn range(&self) -> Range<usize> {
        self.start..self.start + self.len
    }

    /// The root of the chunk's block tree, at document positions.
    pub fn root(&self) -> Node<'_> {
        self.tree.root_node_with_offset(self.start, self.start_point)
    }

    pub fn inline_trees(&self) -> impl Iterator<Item = InlineView<'_>> {
        self.inlines
            .iter()
            .map(move |inline| InlineView { chunk: self, inline })
    }

    /// The inline tree of an `inline` or `pipe_table_cell` node of the block tree.
    pub fn inline_tree(&self, block_node: Node<'_>) -> Option<InlineView<'_>> {
        let start = block_node.start_byte().checked_sub(self.start)?;
        let index = self
            .inlines
            .binary_search_by_key(&start, |inline| inline.block_range.start)
            .ok()?;
        let view = InlineView {
            chunk: self,
            inline: &self.inlines[index],
        };
        (view.block_range() == block_node.byte_range()).then_some(view)
    }

    fn absolute(&self, range: &Range<usize>) -> Range<usize> {
        range.start + self.start..range.end + self.start
    }

    /// The inline code spans of the chunk, relative to its start, in order.
    fn code_spans(&self) -> Box<[Range<usize>]> {
        self.inlines
            .iter()
            .flat_map(|inline| outermost_nodes(&inline.tree, |kind| kind == "code_span"))
            .map(|span| span.byte_range())
            .collect()
    }

    /// Reads what the chunk keeps (its facts, code spans and model part) and drops the
    /// trees.
    fn into_chunk(self, rope: &Rope) -> BlockChunk {
        let model = (!self.has_error).then(|| ChunkModel::read(rope, &self));
        BlockChunk {
            start: self.start,
            syntax: Arc::new(ChunkSyntax {
                len: self.len,
                opens_with_heading: tree_opens_with_heading(&self.tree),
                opens_with_frontmatter: starts_with_frontmatter(&self.tree),
                skipped_inline: self.skipped_inline,
                code_spans: self.code_spans(),
                model,
            }),
        }
    }
}

impl BlockChunk {
    pub fn range(&self) -> Range<usize> {
        self.start..self.start + self.syntax.len
    }

    /// Whether an inline node of the chunk was left unparsed: its text is read by the
    /// fast reader.
    pub fn skipped_inline(&self) -> bool {
        self.syntax.skipped_inline
    }

    /// The chunk's part of the spec model, read when it was parsed; none for a chunk with
    /// an error.
    pub(crate) fn model(&self) -> Option<&ChunkModel> {
        self.syntax.model.as_ref()
    }

    /// The chunk's trees, parsed again from `source`, the text the chunk was cut from:
    /// the same trees its parse built.
    pub fn trees(&self, source: Source<'_>) -> ChunkTrees {
        PARSERS.with_borrow_mut(|parsers| parse_chunk_trees(parsers, source, self.range(), None))
    }
}

/// The block forest: chunks that are contiguous and cover the text.
#[derive(Clone, Debug)]
pub struct MarkdownTree {
    chunks: Vec<BlockChunk>,
}

/// Parses `range` of the text as a document of its own, or the parts of it listed in
/// `included` (relative to `range.start`); `deep` holds the too-deep prefixes in `range`.
fn parse_relative(
    parser: &mut Parser,
    source: Source<'_>,
    range: Range<usize>,
    included: &[tree_sitter::Range],
    deep: &[Range<usize>],
) -> Tree {
    parser
        .set_included_ranges(included)
        .expect("included ranges are ordered and disjoint");
    parser
        .parse_with_options(
            &mut |offset, _| source.bytes_at(range.start + offset, range.end, deep),
            None,
            None,
        )
        // Only a timeout or a cancellation flag makes tree-sitter give up; we set neither.
        .expect("tree-sitter parse without timeout or cancellation cannot fail")
}

fn parse_block(parser: &mut Parser, source: Source<'_>, range: Range<usize>) -> Tree {
    let deep = source.too_deep_prefixes(range.clone());
    parse_relative(parser, source, range, &[], &deep)
}

/// The outermost node of `kind` holding the byte at `at`, found on the way down from
/// `node`: `Node::parent` of a tree seen at an offset searches the tree without it, and
/// finds nothing in any chunk but the first.
pub(crate) fn enclosing<'t>(node: Node<'t>, at: usize, kind: &str) -> Option<Node<'t>> {
    let mut node = node;
    loop {
        if node.kind() == kind {
            return Some(node);
        }
        let mut cursor = node.walk();
        let holding = node
            .children(&mut cursor)
            .find(|child| child.start_byte() <= at && at < child.end_byte());
        node = holding?;
    }
}

/// Parses one chunk: its block tree (unless `tree` is it already) and the inline trees
/// of its block nodes.
fn parse_chunk_trees(
    parsers: &mut Parsers,
    source: Source<'_>,
    range: Range<usize>,
    tree: Option<Tree>,
) -> ChunkTrees {
    let deep = source.too_deep_prefixes(range.clone());
    let tree = tree.unwrap_or_else(|| parse_relative(&mut parsers.block, source, range.clone(), &[], &deep));
    let mut skipped_inline = false;
    let inlines: Vec<InlineTree> = inline_nodes(&tree)
        .into_iter()
        .filter(|node| {
            let many = image_openers(
                source,
                range.start + node.start_byte()..range.start + node.end_byte(),
            ) > MAX_IMAGE_OPENERS;
            skipped_inline |= many;
            !many
        })
        .map(|node| {
            let included = included_ranges(node);
            let tree = parse_relative(&mut parsers.inline, source, range.clone(), &included, &deep);
            InlineTree {
                block_range: node.byte_range(),
                included: included.iter().map(|r| r.start_byte..r.end_byte).collect(),
                tree,
            }
        })
        .collect();
    let has_error = skipped_inline
        || tree.root_node().has_error()
        || inlines.iter().any(|inline| inline.tree.root_node().has_error());
    ChunkTrees {
        start: range.start,
        start_point: source.point(range.start),
        len: range.len(),
        tree,
        inlines,
        skipped_inline,
        has_error,
    }
}

/// Parses one chunk and reads what it keeps.
fn parse_chunk(
    parsers: &mut Parsers,
    source: Source<'_>,
    range: Range<usize>,
    tree: Option<Tree>,
) -> BlockChunk {
    parse_chunk_trees(parsers, source, range, tree).into_chunk(source.rope)
}

/// tree-sitter-md's inline grammar takes time quadratic in the `![` of one inline node:
/// 2,400 of them on a line (26 KB) cost 1.3 s a parse (the edits fuzzer's slowest case). An inline node with more than this many is not parsed, and its chunk is read
/// by the fast reader, as a chunk tree-sitter-md misread is. No real paragraph holds 256
/// images.
const MAX_IMAGE_OPENERS: usize = 256;

fn image_openers(source: Source<'_>, range: Range<usize>) -> usize {
    let mut count = 0;
    let mut bang = false;
    for byte in source.rope.byte_slice(range).bytes() {
        if bang && byte == b'[' {
            count += 1;
        }
        bang = byte == b'!';
    }
    count
}

/// Where a block tree parsed from `base` may be cut: the starts of its top-level blocks
/// (children of the document or of `section`s only, so inside no list, quote, fence or
/// HTML block) at the start of a line, where [`Source::can_cut_at`] allows it. An
/// indented block is left inside its chunk: tree-sitter-md gives its indentation to the
/// block before it.
fn cut_points(tree: &Tree, base: usize, source: Source<'_>) -> Vec<Cut> {
    fn walk(node: Node<'_>, base: usize, source: Source<'_>, out: &mut Vec<Cut>) {
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            let start = base + child.start_byte();
            let heading = child.kind() == "atx_heading";
            match child.kind() {
                "section" => walk(child, base, source, out),
                "minus_metadata" | "plus_metadata" => {}
                _ if child.start_position().column == 0 && source.can_cut_at(start, heading) => {
                    out.push(Cut { start, heading })
                }
                _ => {}
            }
        }
    }
    let mut cuts = Vec::new();
    walk(tree.root_node(), base, source, &mut cuts);
    cuts
}

/// Where a chunk may start, and whether a top-level heading starts there.
#[derive(Clone, Copy)]
struct Cut {
    start: usize,
    heading: bool,
}

/// Whether the text ends with a line that no line break ends and that opens with block
/// markup. tree-sitter-md recovers from some such lines (an empty heading, a fence) with
/// an `ERROR` node that depends on the section the line is in, so after the last heading
/// the text is one chunk: only heading cuts put a chunk's parse in the same section.
fn ends_in_open_markup(source: Source<'_>) -> bool {
    let len = source.len();
    if len == 0 || matches!(source.rope.byte(len - 1), b'\n' | b'\r') {
        return false;
    }
    let last_line = source.rope.line(source.rope.len_lines() - 1);
    let first = last_line.bytes().find(|b| !matches!(b, b' ' | b'\t'));
    first.is_some_and(|b| b.is_ascii_punctuation() || b.is_ascii_digit())
}

/// Splits `range`, whose start is a chunk boundary, at the top-level headings that
/// `tree` finds inside it, and parses each piece. `tree` is a parse from `range.start`
/// to `tree_end`, which may go past `range`; it is kept as the chunk's tree when it
/// covers exactly one chunk.
fn parse_chunks(
    parsers: &mut Parsers,
    source: Source<'_>,
    range: Range<usize>,
    (tree, tree_end): (Tree, usize),
) -> Vec<BlockChunk> {
    let mut cuts: Vec<Cut> = cut_points(&tree, range.start, source)
        .into_iter()
        .filter(|cut| cut.start > range.start && cut.start < range.end)
        .collect();
    if range.end == source.len() && ends_in_open_markup(source) {
        let last_heading = cuts.iter().rposition(|cut| cut.heading).map_or(0, |i| i + 1);
        cuts.truncate(last_heading);
    }
    let cuts: Vec<usize> = cuts.into_iter().map(|cut| cut.start).collect();
    if cuts.is_empty() && tree_end == range.end {
        return vec![parse_chunk(parsers, source, range, Some(tree))];
    }
    let mut bounds = Vec::with_capacity(cuts.len() + 2);
    bounds.push(range.start);
    bounds.extend(cuts);
    bounds.push(range.end);
    let pieces: Vec<Range<usize>> = bounds.windows(2).map(|pair| pair[0]..pair[1]).collect();
    let parse_all = |parsers: &mut Parsers, pieces: &[Range<usize>]| -> Vec<BlockChunk> {
        pieces
            .iter()
            .map(|piece| parse_chunk(parsers, source, piece.clone(), None))
            .collect()
    };
    if pieces.len() < PARALLEL_CHUNKS {
        return parse_all(parsers, &pieces);
    }
    // Chunks parse independently: a large document uses a second core.
    let (left, right) = pieces.split_at(pieces.len() / 2);
    std::thread::scope(|scope| {
        let right = scope.spawn(|| PARSERS.with_borrow_mut(|parsers| parse_all(parsers, right)));
        let mut chunks = parse_all(parsers, left);
        chunks.extend(right.join().expect("parsing a chunk does not panic"));
        chunks
    })
}

/// From how many chunks on a parse is worth a second thread.
const PARALLEL_CHUNKS: usize = 64;

/// Whether the first line is `---`, which opens frontmatter if a later `---` closes it.
/// tree-sitter-md takes the opening fence indented by up to three spaces, as any block
/// (the closing one only at the line's start).
fn first_line_opens_frontmatter(source: Source<'_>) -> bool {
    let first_line = source.rope.line(0);
    let mut bytes = first_line.bytes().peekable();
    let mut indent = 0;
    while indent < 3 && bytes.next_if_eq(&b' ').is_some() {
        indent += 1;
    }
    bytes.by_ref().take(3).eq(*b"---") && bytes.all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// Whether a line that the edit wrote (in the new text) starts with `---`, and so may
/// close frontmatter.
fn writes_fence_line(source: Source<'_>, edit: &InputEdit) -> bool {
    let rope = source.rope;
    let first = rope.byte_to_line(edit.start_byte.min(source.len()));
    let last = rope.byte_to_line(edit.new_end_byte.min(source.len()));
    (first..=last).any(|line| rope.line(line).bytes().take(3).eq(*b"---"))
}

/// Whether a chunk starts with a top-level ATX heading.
fn opens_with_heading(chunk: &BlockChunk) -> bool {
    chunk.syntax.opens_with_heading
}

/// Whether a chunk's block tree starts with a top-level ATX heading.
fn tree_opens_with_heading(tree: &Tree) -> bool {
    let mut node = tree.root_node();
    while let Some(first) = node.child(0) {
        if first.kind() != "section" {
            return first.kind() == "atx_heading" && first.start_byte() == 0;
        }
        node = first;
    }
    false
}

fn starts_with_frontmatter(tree: &Tree) -> bool {
    tree.root_node()
        .child(0)
        .is_some_and(|node| node.kind() == "minus_metadata")
}

fn holds_inline_content(kind: &str) -> bool {
    kind == "inline" || kind == "pipe_table_cell"
}

/// The ranges of an inline-bearing block node that are inline text: the node minus its
/// named children (block continuations such as quote markers).
fn included_ranges(node: Node<'_>) -> Vec<tree_sitter::Range> {
    let mut ranges = Vec::new();
    let mut current = node.range();
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        let child_range = child.range();
        ranges.push(tree_sitter::Range {
            start_byte: current.start_byte,
            start_point: current.start_point,
            end_byte: child_range.start_byte,
            end_point: child_range.start_point,
        });
        current.start_byte = child_range.end_byte;
        current.start_point = child_range.end_point;
    }
    ranges.push(current);
    ranges
}

/// The inline-bearing nodes of a block tree, in order.
fn inline_nodes(tree: &Tree) -> Vec<Node<'_>> {
    outermost_nodes(tree, holds_inline_content)
}

/// The nodes of a kind `wanted` accepts that no such node holds, in order; a walk
/// without recursion, however deep the tree.
fn outermost_nodes(tree: &Tree, wanted: impl Fn(&str) -> bool) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut cursor = tree.walk();
    'walk: loop {
        let node = cursor.node();
        if wanted(node.kind()) {
            out.push(node);
        } else if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    out
}

/// The index of the chunk holding `offset` (the last chunk for the end of the text).
fn chunk_index(chunks: &[BlockChunk], offset: usize) -> usize {
    chunks
        .partition_point(|chunk| chunk.range().end <= offset)
        .min(chunks.len() - 1)
}

impl MarkdownTree {
    /// Parses a whole document: once whole to find the cut points, then chunk by chunk.
    pub fn parse(source: Source<'_>) -> Self {
        PARSERS.with_borrow_mut(|parsers| {
            let len = source.len();
            let whole = parse_block(&mut parsers.block, source, 0..len);
            let chunks = parse_chunks(parsers, source, 0..len, (whole, len));
            Self { chunks }
        })
    }

    /// The tree of `source`, which is the text of `self` with `edit` applied;
    /// `old_line_start` is where the edit's first line started before the edit.
    pub fn reparse(&self, source: Source<'_>, edit: &InputEdit, old_line_start: usize) -> Self {
        let delta = edit.new_end_byte as isize - edit.old_end_byte as isize;
        let shift = |offset: usize| offset.wrapping_add_signed(delta);
        let chunks = &self.chunks;

        // First chunk to re-parse: the one holding the edit, or the one before it when
        // the edit touches its first line (its heading may stop being a heading).
        let mut first = chunk_index(chunks, edit.start_byte);
        if first > 0 && old_line_start <= chunks[first].start {
            first -= 1;
        }
        let mut last = chunk_index(chunks, edit.old_end_byte);
        // After the last heading, text that ends in open markup is one chunk (see
        // `ends_in_open_markup`): an edit of the last chunk re-parses from that heading.
        let open_end = ends_in_open_markup(source);
        let last_heading = if open_end {
            chunks.iter().rposition(opens_with_heading)
        } else {
            None
        };
        if open_end && last + 1 == chunks.len() {
            while first > 0 && !opens_with_heading(&chunks[first]) {
                first -= 1;
            }
        }

        // Frontmatter is the one block whose extent a later line decides (its closing
        // `---`). While the text opens one that the first chunk does not close, no line
        // closes it; an edit that writes a line starting with `---` may, so re-parsing
        // starts at the top. An edit of the first chunk's frontmatter may move its end
        // anywhere below.
        let opens_frontmatter = first_line_opens_frontmatter(source);
        let had_frontmatter = chunks[0].syntax.opens_with_frontmatter;
        let may_close = opens_frontmatter && !had_frontmatter && writes_fence_line(source, edit);
        if may_close {
            first = 0;
        }

        PARSERS.with_borrow_mut(|parsers| {
            let (start, end, region_tree) = loop {
                let start = chunks[first].start;
                // Grow the region until one of the next chunks still starts a chunk: parse
                // the region with the first line of the next `grow` chunks and look for their
                // starts among the cut points; a region that swallows chunks (an opened fence)
                // doubles `grow`, so that swallowing thousands costs a few parses.
                let mut grow = 1;
                let (end, region_tree) = loop {
                    if last + 1 >= chunks.len() {
                        let end = source.len();
                        break (end, (parse_block(&mut parsers.block, source, start..end), end));
                    }
                    let candidates = &chunks[last + 1..(last + 1 + grow).min(chunks.len())];
                    let probe_end = source.line_end(shift(candidates[candidates.len() - 1].start));
                    let probe = parse_block(&mut parsers.block, source, start..probe_end);
                    let frontmatter_open = start == 0
                        && opens_frontmatter
                        && (had_frontmatter || may_close)
                        && !starts_with_frontmatter(&probe);
                    let cuts = if frontmatter_open {
                        Vec::new()
                    } else {
                        cut_points(&probe, start, source)
                    };
                    // A chunk after the last heading starts at no other cut in open markup.
                    let confirmed = candidates.iter().enumerate().position(|(i, chunk)| {
                        let start = shift(chunk.start);
                        let before_last_heading = last_heading.is_some_and(|h| last + 1 + i < h);
                        cuts.iter().any(|cut| {
                            cut.start == start && (cut.heading || !open_end || before_last_heading)
                        })
                    });
                    if let Some(at) = confirmed {
                        // The region ends where the confirmed chunk starts.
                        last += at;
                        break (shift(chunks[last + 1].start), (probe, probe_end));
                    }
                    last += candidates.len();
                    grow *= 2;
                };
                // A region that runs to the end of text ending in open markup starts at
                // the last heading: the chunks after it are one (see `ends_in_open_markup`),
                // also when the edit took that heading away.
                if open_end && end == source.len() && first > 0 && !opens_with_heading(&chunks[first]) {
                    while first > 0 && !opens_with_heading(&chunks[first]) {
                        first -= 1;
                    }
                    continue;
                }
                break (start, end, region_tree);
            };
            let fresh = parse_chunks(parsers, source, start..end, region_tree);

            // Chunks after the region keep what their parse read, relative to their start.
            let moved = chunks[last + 1..].iter().map(|chunk| BlockChunk {
                start: shift(chunk.start),
                syntax: chunk.syntax.clone(),
            });
            let mut new_chunks = Vec::with_capacity(chunks.len() + fresh.len());
            new_chunks.extend_from_slice(&chunks[..first]);
            new_chunks.extend(fresh);
            new_chunks.extend(moved);
            Self { chunks: new_chunks }
        })
    }

    pub fn chunks(&self) -> &[BlockChunk] {
        &self.chunks
    }

    /// Whether `offset` lies strictly inside an inline code span (between its
    /// backticks): no completion or reference is wanted there.
    pub fn in_code_span(&self, offset: usize) -> bool {
        if self.chunks.is_empty() {
            return false;
        }
        let chunk = &self.chunks[chunk_index(&self.chunks, offset)];
        let Some(local) = offset.checked_sub(chunk.start) else {
            return false;
        };
        let spans = &chunk.syntax.code_spans;
        // Sorted and disjoint: only the last span starting before the offset can hold it.
        let after = spans.partition_point(|span| span.start < local);
        after.checked_sub(1).is_some_and(|i| local < spans[i].end)
    }

    /// How many inline code spans the chunks keep.
    pub fn code_span_count(&self) -> usize {
        self.chunks
            .iter()
            .map(|chunk| chunk.syntax.code_spans.len())
            .sum()
    }

    /// What each chunk keeps (but its model part) and its trees with their nodes, byte
    /// ranges and points, for comparing two parses; `source` is the text the forest was
    /// parsed from.
    pub fn debug_dump(&self, source: Source<'_>) -> String {
        let mut out = String::new();
        for chunk in &self.chunks {
            let trees = chunk.trees(source);
            let kept = &chunk.syntax;
            out.push_str(&format!(
                "chunk {:?} heading {} frontmatter {} skipped {} error {} code spans {:?}\n",
                chunk.range(),
                kept.opens_with_heading,
                kept.opens_with_frontmatter,
                kept.skipped_inline,
                kept.model.is_none(),
                kept.code_spans
            ));
            dump_node(trees.root(), 1, &mut out);
            for inline in trees.inline_trees() {
                out.push_str(&format!("inline {:?}\n", inline.block_range()));
                dump_node(inline.root(), 1, &mut out);
            }
        }
        out
    }

    /// The block nodes of every chunk, in order, without the `document` and `section`
    /// wrappers, which depend on where the text was cut.
    pub fn block_nodes_dump(&self, source: Source<'_>) -> String {
        let mut out = String::new();
        for chunk in &self.chunks {
            dump_unwrapped(chunk.trees(source).root(), &mut out);
        }
        out
    }
}

/// The block nodes of one whole-document parse, as [`MarkdownTree::block_nodes_dump`]
/// shows them; the reference the forest is checked against.
pub fn whole_document_block_nodes_dump(source: Source<'_>) -> String {
    let tree = PARSERS.with_borrow_mut(|parsers| parse_block(&mut parsers.block, source, 0..source.len()));
    let mut out = String::new();
    dump_unwrapped(tree.root_node(), &mut out);
    out
}

fn dump_unwrapped(node: Node<'_>, out: &mut String) {
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        if child.kind() == "section" {
            dump_unwrapped(child, out);
        } else {
            dump_node(child, 0, out);
        }
    }
}

/// Writes `node` and its descendants, one line each, indented by depth from `depth`.
fn dump_node(node: Node<'_>, depth: usize, out: &mut String) {
    use std::fmt::Write;
    let mut cursor = node.walk();
    let mut depth = depth;
    loop {
        let node = cursor.node();
        let _ = writeln!(
            out,
            "{:indent$}{} {:?} {:?}-{:?}",
            "",
            node.kind(),
            node.byte_range(),
            (node.start_position().row, node.start_position().column),
            (node.end_position().row, node.end_position().column),
            indent = depth * 2
        );
        if cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        // A cursor never leaves the node it started at: back there, the walk is done.
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return;
            }
            depth -= 1;
        }
    }
}

/// tree-sitter's own coordinates: rows count `\n` only and columns are bytes.
pub fn tree_sitter_point(text: &Rope, offset: usize, has_lone_cr: bool) -> Point {
    if !has_lone_cr {
        let line = text.byte_to_line(offset);
        return Point::new(line, offset - text.line_to_byte(line));
    }
    let mut row = 0;
    let mut line_start = 0;
    let mut position = 0;
    for chunk in text.byte_slice(..offset).chunks() {
        for (i, byte) in chunk.bytes().enumerate() {
            if byte == b'\n' {
                row += 1;
                line_start = position + i + 1;
            }
        }
        position += chunk.len();
    }
    Point::new(row, offset - line_start)
}
