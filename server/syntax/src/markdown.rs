//! The tree-sitter-md syntax of a document: one block tree and one inline tree per
//! block node that holds inline content (paragraph text, heading text, table cells).
//!
//! tree-sitter-md's own `MarkdownParser` re-parses every inline node of the document on
//! each edit. Here an edit re-parses the block tree with the edited old tree, and only
//! the inline nodes that touch what changed; every other inline tree is reused, shifted
//! by `Tree::edit`. An inline node is reused only when its byte range and included
//! ranges are identical to an old one outside the edit, so its bytes are identical too.

use std::cell::RefCell;
use std::ops::Range;

use ropey::Rope;
use tree_sitter::{InputEdit, Language, Node, Parser, Point, Tree, TreeCursor};

/// Text that tree-sitter can read in chunks, so a rope is never copied into one string.
pub trait TextSource {
    /// The bytes from `offset` to the end of the chunk holding it (empty at the end).
    fn chunk_at(&self, offset: usize) -> &[u8];
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl TextSource for Rope {
    fn chunk_at(&self, offset: usize) -> &[u8] {
        if offset >= self.len_bytes() {
            return &[];
        }
        let (chunk, chunk_start, _, _) = self.chunk_at_byte(offset);
        &chunk.as_bytes()[offset - chunk_start..]
    }
    fn len(&self) -> usize {
        self.len_bytes()
    }
}

impl TextSource for str {
    fn chunk_at(&self, offset: usize) -> &[u8] {
        self.as_bytes().get(offset..).unwrap_or_default()
    }
    fn len(&self) -> usize {
        str::len(self)
    }
}

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

/// The inline tree of one block node.
#[derive(Clone, Debug)]
pub struct InlineTree {
    /// Byte range of the block node (`inline` or `pipe_table_cell`) it belongs to.
    pub block_range: Range<usize>,
    /// The parts of `block_range` that hold inline text (block markers such as `>` of a
    /// quote are left out).
    pub included: Vec<tree_sitter::Range>,
    pub tree: Tree,
}

/// Block tree plus inline trees, sorted by position.
#[derive(Clone, Debug)]
pub struct MarkdownTree {
    block: Tree,
    inlines: Vec<InlineTree>,
}

fn parse_failed() -> ! {
    // Only a timeout or a cancellation flag makes tree-sitter give up; we set neither.
    unreachable!("tree-sitter parse without timeout or cancellation cannot fail")
}

fn parse_with<S: TextSource + ?Sized>(parser: &mut Parser, text: &S, old: Option<&Tree>) -> Tree {
    parser
        .parse_with_options(&mut |offset, _| text.chunk_at(offset), old, None)
        .unwrap_or_else(|| parse_failed())
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

/// Collects inline-bearing nodes that intersect `region` (closed: touching counts).
fn collect_inline_nodes<'t>(cursor: &mut TreeCursor<'t>, region: &Range<usize>, out: &mut Vec<Node<'t>>) {
    let node = cursor.node();
    if node.end_byte() < region.start || node.start_byte() > region.end {
        return;
    }
    if holds_inline_content(node.kind()) {
        out.push(node);
        return;
    }
    if cursor.goto_first_child() {
        loop {
            if cursor.node().start_byte() > region.end {
                break;
            }
            collect_inline_nodes(cursor, region, out);
            if !cursor.goto_next_sibling() {
                break;
            }
        }
        cursor.goto_parent();
    }
}

fn parse_inline<S: TextSource + ?Sized>(parser: &mut Parser, text: &S, node: Node<'_>) -> InlineTree {
    let included = included_ranges(node);
    parser
        .set_included_ranges(&included)
        .expect("included ranges of a block node are ordered and disjoint");
    let tree = parse_with(parser, text, None);
    InlineTree {
        block_range: node.byte_range(),
        included,
        tree,
    }
}

fn intersects(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start <= b.end && b.start <= a.end
}

impl MarkdownTree {
    /// Parses a whole document.
    pub fn parse<S: TextSource + ?Sized>(text: &S) -> Self {
        PARSERS.with_borrow_mut(|parsers| {
            let block = parse_with(&mut parsers.block, text, None);
            let mut nodes = Vec::new();
            collect_inline_nodes(&mut block.walk(), &(0..text.len()), &mut nodes);
            let inlines = nodes
                .into_iter()
                .map(|node| parse_inline(&mut parsers.inline, text, node))
                .collect();
            Self { block, inlines }
        })
    }

    /// The tree of `text`, which is the text of `self` with `edit` applied.
    pub fn reparse<S: TextSource + ?Sized>(&self, text: &S, edit: &InputEdit) -> Self {
        let mut old_block = self.block.clone();
        old_block.edit(edit);
        PARSERS.with_borrow_mut(|parsers| {
            let block = parse_with(&mut parsers.block, text, Some(&old_block));

            let mut dirty: Vec<Range<usize>> = vec![edit.start_byte..edit.new_end_byte];
            dirty.extend(old_block.changed_ranges(&block).map(|r| r.start_byte..r.end_byte));

            let delta = edit.new_end_byte as isize - edit.old_end_byte as isize;
            let mut inlines: Vec<InlineTree> = Vec::with_capacity(self.inlines.len() + 1);
            for old in &self.inlines {
                let Some(shifted) = shift_range(&old.block_range, edit, delta) else {
                    continue;
                };
                if dirty.iter().any(|region| intersects(&shifted, region)) {
                    continue;
                }
                let mut reused = old.clone();
                // Entries after the edit move, in bytes or rows or both.
                if old.block_range.start >= edit.old_end_byte {
                    reused.tree.edit(edit);
                    for range in &mut reused.included {
                        edit.edit_range(range);
                    }
                    reused.block_range = shifted;
                }
                inlines.push(reused);
            }

            let mut fresh_nodes = Vec::new();
            for region in &dirty {
                collect_inline_nodes(&mut block.walk(), region, &mut fresh_nodes);
            }
            fresh_nodes.sort_by_key(|node| node.start_byte());
            fresh_nodes.dedup_by_key(|node| node.start_byte());
            let fresh: Vec<InlineTree> = fresh_nodes
                .into_iter()
                .map(|node| parse_inline(&mut parsers.inline, text, node))
                .collect();
            merge_sorted(&mut inlines, fresh);
            Self { block, inlines }
        })
    }

    pub fn block_tree(&self) -> &Tree {
        &self.block
    }

    pub fn inline_trees(&self) -> &[InlineTree] {
        &self.inlines
    }

    /// The inline tree of an `inline` or `pipe_table_cell` node of the block tree.
    pub fn inline_tree(&self, block_node: Node<'_>) -> Option<&InlineTree> {
        let start = block_node.start_byte();
        let index = self
            .inlines
            .binary_search_by_key(&start, |inline| inline.block_range.start)
            .ok()?;
        let inline = &self.inlines[index];
        (inline.block_range == block_node.byte_range()).then_some(inline)
    }

    /// The inline trees whose block node intersects `range`, in order.
    pub fn inline_trees_in(&self, range: Range<usize>) -> &[InlineTree] {
        let first = self
            .inlines
            .partition_point(|inline| inline.block_range.end <= range.start);
        let last = self
            .inlines
            .partition_point(|inline| inline.block_range.start < range.end);
        &self.inlines[first..last.max(first)]
    }

    /// A textual form of every tree, with byte ranges, for comparing two parses.
    pub fn debug_dump(&self) -> String {
        let mut out = String::new();
        dump_node(self.block.root_node(), 0, &mut out);
        for inline in &self.inlines {
            out.push_str(&format!("inline {:?}\n", inline.block_range));
            dump_node(inline.tree.root_node(), 1, &mut out);
        }
        out
    }
}

fn dump_node(node: Node<'_>, depth: usize, out: &mut String) {
    use std::fmt::Write;
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
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        dump_node(child, depth + 1, out);
    }
}

/// Where an old range lies after `edit`, or `None` when the edit overlaps it.
fn shift_range(range: &Range<usize>, edit: &InputEdit, delta: isize) -> Option<Range<usize>> {
    if range.end <= edit.start_byte {
        Some(range.clone())
    } else if range.start >= edit.old_end_byte {
        Some(range.start.wrapping_add_signed(delta)..range.end.wrapping_add_signed(delta))
    } else {
        None
    }
}

fn merge_sorted(target: &mut Vec<InlineTree>, fresh: Vec<InlineTree>) {
    if fresh.is_empty() {
        return;
    }
    target.extend(fresh);
    // Both parts are sorted; a stable sort of two runs is a linear merge.
    target.sort_by_key(|inline| inline.block_range.start);
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
