//! An open document: its text as a rope and its Markdown syntax tree, kept in step.
//!
//! A `Document` is immutable; an edit yields a new one that shares the rope's and the
//! trees' unchanged parts with the old, so a snapshot is a cheap clone.
//!
//! Parsing is lazy: an edit applies to the rope at once and records how the tree follows
//! (the previous version and the edit between them); the tree is parsed, incrementally,
//! when something first reads it. On the server that is the check that runs off the
//! message loop, so a large document's parse never holds up other documents' messages.
//!
//! A text over its size limit ([`MAX_ANALYSED_BYTES`] unless told otherwise) is kept as a
//! rope only: it is not parsed and its model is empty, so a 50 MB paste costs the rope and
//! nothing more, edits still apply exactly, and it is parsed again once it is back under
//! the limit.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use ropey::Rope;
use tree_sitter::InputEdit;

use crate::markdown::{MarkdownTree, Source, tree_sitter_point};
use crate::model::SpecModel;
use crate::position::{Position, PositionEncoding, ResolvedOffset, offset_at, position_at};

/// The size above which a document's text is kept but not analysed: a spec is never this
/// big, a pasted log or data dump may be.
pub const MAX_ANALYSED_BYTES: usize = 8 * 1024 * 1024;

#[derive(Clone, Debug)]
pub struct Document {
    rope: Rope,
    /// The empty tree when the text is over `limit`. Unset until first read, and again
    /// once the document is put to rest ([`Document::rested`]).
    tree: Arc<OnceLock<MarkdownTree>>,
    /// How the unset tree is made: from the previous version's by an incremental parse,
    /// or (none) by a fresh one. Taken when the tree is made.
    pending: Arc<Mutex<Option<Pending>>>,
    /// How many versions back the chain of pending parses reaches.
    pending_depth: usize,
    /// The trees are being parsed, or a thread was asked to ([`Document::will_prepare`]):
    /// the next version follows them by an incremental parse.
    preparing: Arc<AtomicBool>,
    /// Lone carriage returns end an LSP line but not a tree-sitter row; while there are
    /// none the two line counts agree and tree-sitter points come cheaply from the rope.
    lone_crs: usize,
    model: Arc<OnceLock<Arc<SpecModel>>>,
    /// Texts longer than this many bytes are not parsed.
    limit: usize,
}

/// An incremental parse not yet run: the version before and the edit that made this one.
#[derive(Debug)]
struct Pending {
    previous: Document,
    edit: InputEdit,
    old_line_start: usize,
}

/// Pending parses chain back at most this far; past it the next tree is parsed afresh,
/// so a burst of edits nobody reads never builds an unbounded chain (nor a deep
/// recursion when it is read).
const MAX_PENDING_DEPTH: usize = 64;

/// A text change as an editor sends it: a range in editor positions, or none for the
/// whole text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextChange {
    pub range: Option<(Position, Position)>,
    pub text: String,
}

/// What applying a change did beyond editing the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ChangeOutcome {
    /// A position of the change lay outside the text and was clamped.
    pub clamped: bool,
}

fn count_lone_crs(rope: &Rope, range: Range<usize>) -> usize {
    let len = rope.len_bytes();
    let range = range.start.min(len)..range.end.min(len);
    let mut count = 0;
    let mut bytes = rope.bytes_at(range.start).take(range.len()).peekable();
    let mut offset = range.start;
    while let Some(byte) = bytes.next() {
        if byte == b'\r' {
            let next = match bytes.peek() {
                Some(next) => Some(*next),
                None if offset + 1 < len => Some(rope.byte(offset + 1)),
                None => None,
            };
            if next != Some(b'\n') {
                count += 1;
            }
        }
        offset += 1;
    }
    count
}

impl Document {
    pub fn new(text: &str) -> Self {
        Self::with_limit(text, MAX_ANALYSED_BYTES)
    }

    /// A document that is analysed only while its text is at most `limit` bytes long.
    pub fn with_limit(text: &str, limit: usize) -> Self {
        Self::from_rope(Rope::from_str(text), limit)
    }

    fn from_rope(rope: Rope, limit: usize) -> Self {
        let lone_crs = count_lone_crs(&rope, 0..rope.len_bytes());
        if rope.len_bytes() > limit {
            return Self::unanalysed(rope, lone_crs, limit);
        }
        Self {
            rope,
            tree: Arc::default(),
            pending: Arc::default(),
            pending_depth: 0,
            preparing: Arc::default(),
            lone_crs,
            model: Arc::default(),
            limit,
        }
    }

    fn unanalysed(rope: Rope, lone_crs: usize, limit: usize) -> Self {
        let tree = MarkdownTree::parse(Source {
            rope: &Rope::new(),
            has_lone_cr: false,
        });
        let model = OnceLock::new();
        let _ = model.set(Arc::new(SpecModel::default()));
        Self {
            rope,
            tree: Arc::new(OnceLock::from(tree)),
            pending: Arc::default(),
            pending_depth: 0,
            preparing: Arc::default(),
            lone_crs,
            model: Arc::new(model),
            limit,
        }
    }

    /// Whether the text is parsed and read: false while it is over the size limit.
    pub fn is_analysed(&self) -> bool {
        self.rope.len_bytes() <= self.limit
    }

    /// The size limit the document is analysed under.
    pub fn limit(&self) -> usize {
        self.limit
    }

    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    /// The syntax trees, parsed now if no one has read them yet.
    pub fn tree(&self) -> &MarkdownTree {
        self.tree.get_or_init(|| {
            let pending = self.pending.lock().unwrap_or_else(|p| p.into_inner()).take();
            match pending {
                Some(pending) => {
                    pending
                        .previous
                        .tree()
                        .reparse(self.source(), &pending.edit, pending.old_line_start)
                }
                None => MarkdownTree::parse(self.source()),
            }
        })
    }

    /// The same version without its syntax trees, which are most of an open document's
    /// memory (0.4 of 0.7 MiB for a 6 KB spec, block and inline trees): its text and spec
    /// model stay, and the trees are parsed again only if asked for. An editor with a
    /// thousand open specs edits a few of them; the rest are read through their models.
    pub fn rested(&self) -> Document {
        if !self.is_analysed() {
            return self.clone();
        }
        let _ = self.model();
        Document {
            rope: self.rope.clone(),
            tree: Arc::default(),
            pending: Arc::default(),
            pending_depth: 0,
            preparing: Arc::default(),
            lone_crs: self.lone_crs,
            model: self.model.clone(),
            limit: self.limit,
        }
    }

    /// Whether the syntax trees are in memory (false once put to rest, until asked for).
    pub fn holds_tree(&self) -> bool {
        self.tree.get().is_some()
    }

    /// Whether the spec model has been read, so that putting the document to rest costs
    /// no parse.
    pub fn has_model(&self) -> bool {
        self.model.get().is_some()
    }

    /// The text as the parsers read it.
    pub fn source(&self) -> Source<'_> {
        Source {
            rope: &self.rope,
            has_lone_cr: self.lone_crs > 0,
        }
    }

    pub fn len(&self) -> usize {
        self.rope.len_bytes()
    }

    pub fn is_empty(&self) -> bool {
        self.rope.len_bytes() == 0
    }

    /// The whole text; this copies, so keep it off the keystroke path.
    pub fn text(&self) -> String {
        self.rope.to_string()
    }

    /// The text of a byte range, clamped to the document and each end moved back to a
    /// character boundary (a range computed as "the next four bytes" may end inside one).
    pub fn slice(&self, range: Range<usize>) -> String {
        let floor = |offset: usize| {
            self.rope
                .char_to_byte(self.rope.byte_to_char(offset.min(self.len())))
        };
        let end = floor(range.end);
        let start = floor(range.start).min(end);
        self.rope.byte_slice(start..end).to_string()
    }

    /// The spec model, derived once per document version: from the trees when they are
    /// parsed or follow from parsed ones by incremental parses, else by the fast reader,
    /// which gives the same model (the differential tests prove it) fifty times faster.
    /// So a document opened, or edited while its trees are still being parsed, has its
    /// model in milliseconds (12 ms for a 20,000-line spec whose parse takes 0.5 s).
    pub fn model(&self) -> Arc<SpecModel> {
        self.model
            .get_or_init(|| {
                if self.trees_at_hand() {
                    Arc::new(SpecModel::from_document(self))
                } else {
                    Arc::new(SpecModel::read_fast(&self.text()))
                }
            })
            .clone()
    }

    /// Whether the trees are parsed, or follow from parsed ones by pending incremental
    /// parses.
    fn trees_at_hand(&self) -> bool {
        if self.tree.get().is_some() {
            return true;
        }
        let pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        pending
            .as_ref()
            .is_some_and(|pending| pending.previous.trees_at_hand())
    }

    /// Whether a thread should be asked to [`Document::prepare`] this version: its trees
    /// are neither parsed, nor being parsed, nor follow from a version's that are, nor
    /// has another caller been told to yet. Edits made meanwhile follow its trees.
    pub fn will_prepare(&self) -> bool {
        if !self.is_analysed() || self.pending_depth > 0 || self.tree.get().is_some() {
            return false;
        }
        !self.preparing.swap(true, Ordering::AcqRel)
    }

    /// Parses the trees, reading each chunk's part of the model (on a background
    /// thread), so that the next edit is parsed and read incrementally.
    pub fn prepare(&self) {
        self.preparing.store(true, Ordering::Release);
        let _ = self.tree();
    }

    /// Every tree of the document with its nodes, for comparing two parses.
    pub fn debug_dump(&self) -> String {
        self.tree().debug_dump(self.source())
    }

    /// The block nodes of every chunk, as [`MarkdownTree::block_nodes_dump`] gives them.
    pub fn block_nodes_dump(&self) -> String {
        self.tree().block_nodes_dump(self.source())
    }

    /// Whether `offset` lies inside an inline code span.
    pub fn in_code_span(&self, offset: usize) -> bool {
        self.is_analysed() && self.tree().in_code_span(offset)
    }

    pub fn offset_at(&self, position: Position, encoding: PositionEncoding) -> ResolvedOffset {
        offset_at(&self.rope, position, encoding)
    }

    pub fn position_at(&self, offset: usize, encoding: PositionEncoding) -> Position {
        position_at(&self.rope, offset, encoding)
    }

    /// Replaces a byte range with new text. Offsets are clamped to the text and moved
    /// back to character boundaries.
    pub fn edit(&self, range: Range<usize>, new_text: &str) -> Document {
        let len = self.len();
        let end = self.rope.char_to_byte(self.rope.byte_to_char(range.end.min(len)));
        let start = self
            .rope
            .char_to_byte(self.rope.byte_to_char(range.start.min(end)));

        let touched_before = start.saturating_sub(1)..end;
        let lone_crs_before = count_lone_crs(&self.rope, touched_before);
        let old_end_point = tree_sitter_point(&self.rope, end, self.lone_crs > 0);
        let start_point = tree_sitter_point(&self.rope, start, self.lone_crs > 0);
        let old_line_start = self.rope.line_to_byte(self.rope.byte_to_line(start));

        let mut rope = self.rope.clone();
        let start_char = rope.byte_to_char(start);
        let end_char = rope.byte_to_char(end);
        rope.remove(start_char..end_char);
        rope.insert(start_char, new_text);

        let new_end = start + new_text.len();
        let lone_crs =
            self.lone_crs - lone_crs_before + count_lone_crs(&rope, start.saturating_sub(1)..new_end);
        if rope.len_bytes() > self.limit {
            return Self::unanalysed(rope, lone_crs, self.limit);
        }
        // The tree follows this version's by an incremental parse when it has one, or will
        // (a pending parse of its own, not too deep); otherwise (at rest, back under the
        // limit) it is parsed afresh.
        let depth = if !self.is_analysed() {
            None
        } else if self.tree.get().is_some() || self.preparing.load(Ordering::Acquire) {
            Some(1)
        } else if self.pending_depth > 0 && self.pending_depth < MAX_PENDING_DEPTH {
            Some(self.pending_depth + 1)
        } else {
            None
        };
        let Some(pending_depth) = depth else {
            return Self::from_rope(rope, self.limit);
        };
        let input_edit = InputEdit {
            start_byte: start,
            old_end_byte: end,
            new_end_byte: new_end,
            start_position: start_point,
            old_end_position: old_end_point,
            new_end_position: tree_sitter_point(&rope, new_end, lone_crs > 0),
        };
        let pending = Pending {
            previous: self.clone(),
            edit: input_edit,
            old_line_start,
        };
        Document {
            rope,
            tree: Arc::default(),
            pending: Arc::new(Mutex::new(Some(pending))),
            pending_depth,
            preparing: Arc::default(),
            lone_crs,
            model: Arc::default(),
            limit: self.limit,
        }
    }

    /// Applies one change as an editor describes it.
    pub fn apply_change(&self, change: &TextChange, encoding: PositionEncoding) -> (Document, ChangeOutcome) {
        match change.range {
            None => (
                Document::with_limit(&change.text, self.limit),
                ChangeOutcome::default(),
            ),
            Some((start, end)) => {
                let ResolvedOffset {
                    offset: start,
                    clamped: start_clamped,
                } = self.offset_at(start, encoding);
                let ResolvedOffset {
                    offset: end,
                    clamped: end_clamped,
                } = self.offset_at(end, encoding);
                let reversed = end < start;
                let range = if reversed { end..start } else { start..end };
                let document = self.edit(range, &change.text);
                let clamped = start_clamped || end_clamped || reversed;
                (document, ChangeOutcome { clamped })
            }
        }
    }
}
