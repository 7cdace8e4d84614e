//! The fast reader: the spec model read with pulldown-cmark's offset iterator, for the
//! closed files of a workspace scan and for `specls check`, where tree-sitter-md's
//! ~3 MB/s would be too slow.
//!
//! It yields exactly the model of the tree-sitter reader ([`SpecModel::from_document`]),
//! byte ranges included. pulldown-cmark finds the blocks and inlines; this module puts
//! their ranges where tree-sitter-md puts its nodes, which is not always where
//! pulldown-cmark puts them:
//!
//! - a block starts after the markers of its containers (`> `, a list item's
//!   indentation) and its own indentation belongs to it;
//! - a block that ends with a line break also holds the container markers that open the
//!   next line (tree-sitter-md's `block_continuation`), when at least one container
//!   continues there;
//! - an indented code block runs over the blank lines after it, and an HTML block that a
//!   blank line ends holds that blank line;
//! - every `[text]`, `[text][]` and `[text][label]` is a link, defined or not (so the
//!   parser is given a broken-link callback that accepts every label), and a collapsed
//!   reference link ends after its `[]`;
//! - frontmatter (`minus_metadata`) is recognised as tree-sitter-md's scanner does,
//!   only at the start of the text; pulldown-cmark's own metadata blocks are off, since it
//!   would also take a `---` pair in the middle of a document for one;
//! - code spans and `$...$` spans (tree-sitter-md's `latex_block`, literal like code)
//!   are paired as tree-sitter-md's scanner pairs them: a run opens a span when a run of
//!   the same length follows, and the first run at least as long closes it;
//! - bracket pairs that CommonMark does not take for a label (`[ ]`, a pair holding an
//!   image) are shortcut links, and a task marker that no text follows is one too;
//! - pulldown-cmark keeps one definition per label: the others are read on their own
//!   from the text no block covers;
//! - pulldown-cmark reads a copy of the text where what tree-sitter-md reads differently
//!   is made to read the same, without moving a byte: a lone `\r` becomes `\n`
//!   (pulldown-cmark 0.13 misses fences and HTML block ends at a lone `\r`), a last line
//!   of markers only (`---`, `#`) without a line break gets a character after it
//!   (tree-sitter-md needs the line break to read a thematic break, an underline or an
//!   empty heading), tabs right after frontmatter become spaces when tree-sitter-md
//!   counts them narrower, and so do tabs after a closing code fence (pulldown-cmark 0.13
//!   would not close the block there). When the first reading finds a paragraph line
//!   opening with a one-digit ordered list marker from `2` (which tree-sitter-md lets
//!   interrupt the paragraph) or a definition of the label `x` (tree-sitter-md lexes
//!   `[x]` as a task marker, never a label), the text is read again with that digit
//!   made `1` and `[x]:` made `[x];`; likewise for a line that opens with a heading tag
//!   and holds text after it (`<h1 align="center">Title</h1>`), a paragraph for
//!   tree-sitter-md, whose `<h1` becomes `<x1`; and for a label alone on its line,
//!   after a blank line, over a line that opens with an indented code fence (a GFM
//!   footnote `[^1]:` citing a csl-json block, as EIPs do), which tree-sitter-md reads as
//!   a paragraph and indented code: the label line becomes `*****`, and its shortcut
//!   link is added to the model;
//! - tree-sitter-md's `ERROR` recoveries at a last line without a line break are no
//!   blocks: an empty ATX heading, a text that is one short ATX heading without
//!   punctuation, a code fence whose info string holds no punctuation.
//!
//! Everything else (frontmatter fields, id and placeholder scanning, link destinations,
//! labels, heading titles, sections) goes through the same functions as the tree-sitter
//! reader.
//!
//! Known differences: constructs on which tree-sitter-md departs from CommonMark, or
//! recovers from with an `ERROR` node, that specs do not use. The seeds, the examples and
//! the generated corpus hold none; the random documents of `tests/two_readers.rs` leave
//! them out, each where its generator would make it.
//!
//! - A task item (`- [ ] a`) whose text a setext underline follows: tree-sitter-md takes
//!   the marker only before a paragraph and reads no heading; pulldown-cmark reads a
//!   heading `[ ] a`. A task marker alone on its line (`- [ ]`) is a shortcut link for
//!   tree-sitter-md, which may then be a setext heading's text.
//! - A bracket pair that CommonMark does not take for a label inside the text of an
//!   inline link (`[a [ ] b](c.md)`): tree-sitter-md reads the pair as a link, so the
//!   outer link is none; pulldown-cmark reads the outer link. After an unmatched `[`,
//!   tree-sitter-md may read `[ ](a.md)` as the shortcut link `[ ]`.
//! - An image reference whose label holds white space (`![a][ ]`, `![a][a ]`):
//!   tree-sitter-md reads one image or `![a]` and a shortcut link, by what comes before
//!   it in the paragraph (an unmatched `[`, a task marker).
//! - A `$` span that overlaps a code span as CommonMark reads it (`` $ ` $ [a](b.md) ` ``):
//!   tree-sitter-md reads the `$` span first and the link after it, pulldown-cmark a
//!   code span that holds the link.
//! - After a link reference definition, a line that cannot interrupt a paragraph
//!   (indented code, an HTML block of kind 7, an item numbered from 10): tree-sitter-md
//!   starts a block, pulldown-cmark continues the paragraph the definition stands in.
//! - A table right after a paragraph line whose header row has no leading `|`:
//!   tree-sitter-md reads a table, pulldown-cmark more paragraph. A line indented four
//!   spaces right after a table row: a row for tree-sitter-md, indented code for
//!   pulldown-cmark.
//! - `<!DOCTYPE html>` (an HTML block of kind 4): tree-sitter-md does not end it at its
//!   `>`.
//! - Tabs in the indentation of a line inside a list item or after a list or quote
//!   marker, or a tab-indented list item right after frontmatter: tree-sitter-md's
//!   scanner counts a tab's columns from where its lookahead went, not from where the
//!   tab is.
//! - A last line of four or more columns of white space without a line break: an
//!   indented code block for tree-sitter-md.
//!
//! Where tree-sitter-md recovers with an `ERROR` node (an HTML block ended by a blank
//! line inside a list item that goes on after it, a row of empty cells after a row with
//! text, inline text such as `{{__}} [ ![i](p.png)`) or reads indented code right after a
//! paragraph line (a line indented four columns or more, lazily after a list item's
//! paragraph too, which CommonMark reads as more paragraph), the tree-sitter reader takes
//! this reader's model from that chunk on, so the two agree there by construction.

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{BrokenLink, CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use crate::frontmatter::read_frontmatter;
use crate::model::{
    Covered, Heading, LinkDefinition, Reference, ReferenceKind, SpecModel, field_references, finish_sections,
    html_anchors, normalize_label, scan_ids, scan_placeholders, split_destination, strip_angle_brackets,
    trim_heading_title,
};
use crate::nesting;

impl SpecModel {
    /// Reads the model with pulldown-cmark: the same model as [`SpecModel::from_document`]
    /// gives for a document of this text, about a hundred times faster, without the trees
    /// an open document needs for incremental edits.
    pub fn read_fast(text: &str) -> SpecModel {
        let structure = nesting::neutralized(text);
        let mut model = Reader::new(text, structure.as_deref().unwrap_or(text)).read();
        let frontmatter_end = model.frontmatter.as_ref().map_or(0, |fm| fm.range.end);
        model.too_deep = nesting::too_deep_prefixes(text.as_bytes(), frontmatter_end)
            .into_iter()
            .next();
        model
    }
}

/// The options that match the extensions tree-sitter-md is built with. Metadata blocks
/// are found before pulldown-cmark runs; heading attributes are not Markdown it knows.
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

fn is_break(byte: u8) -> bool {
    byte == b'\n' || byte == b'\r'
}

fn is_space(byte: u8) -> bool {
    byte == b' ' || byte == b'\t'
}

/// An open container block as tree-sitter-md's scanner matches it at each line start.
#[derive(Debug, Clone, Copy)]
enum Block {
    Quote,
    /// A list item and the indentation its content needs.
    Item(usize),
    /// An indented code block (the block itself, matched to see where it ends).
    Indented,
}

#[derive(Debug)]
struct Container {
    block: Block,
    /// The start of the line holding the container's marker.
    line: usize,
    /// Where its content starts on that line: after the marker and, for a list item, the
    /// white space after it.
    content: usize,
    /// A list item with nothing after its marker, which a blank line closes.
    empty: bool,
}

/// The inline content of one paragraph, heading or table cell.
#[derive(Debug, Default)]
struct InlineRegion {
    /// The region's text when it is not the span of its events (ATX headings).
    fixed: Option<Range<usize>>,
    start: usize,
    end: usize,
    /// Code spans, autolinks, HTML tags and link destinations.
    literal: Vec<Range<usize>>,
    /// The code spans among them.
    code: Vec<Range<usize>>,
    /// The autolinks and HTML tags among them.
    tags: Vec<Range<usize>>,
    /// The ranges of the links that became references.
    links: Vec<Range<usize>>,
    /// The ranges of every link, image and autolink pulldown-cmark found.
    spans: Vec<Range<usize>>,
    /// The references of its links, kept until the region is complete: a code or `$`
    /// span found then may void some.
    references: Vec<Reference>,
}

impl InlineRegion {
    fn extend(&mut self, range: &Range<usize>) {
        if self.start == self.end {
            self.start = range.start;
            self.end = range.end;
        } else {
            self.start = self.start.min(range.start);
            self.end = self.end.max(range.end);
        }
    }
}

/// A link or image whose end event has not come yet.
#[derive(Debug)]
struct OpenLink {
    range: Range<usize>,
    link_type: LinkType,
    image: bool,
    /// The end of the last event inside the link text.
    inner_end: usize,
}

struct Reader<'t> {
    /// The text as written, which the model's strings are read from.
    text: &'t str,
    /// The text as the parsers read it, its too-deep container prefixes neutralized (see
    /// [`nesting`]); block structure is read from it.
    structure: &'t str,
    bytes: &'t [u8],
    /// Whether a `\r` occurs: else lines end at `\n` only, found with `memchr`.
    has_cr: bool,
    /// Whether pulldown-cmark reads a copy of the text with all the edits that make it
    /// read as tree-sitter-md does, or only the cheap one.
    edit_all: bool,
    /// The text turned out to need the other edits: read it again.
    reread: bool,
    /// Inside a block that tree-sitter-md reads as an ERROR node: no model.
    in_error: bool,
    model: SpecModel,
    containers: Vec<Container>,
    /// The containers closed since the last leaf block, innermost first: tree-sitter-md
    /// still matches them at the start of the next block's line.
    closed: Vec<Container>,
    /// Where pulldown-cmark ended the last leaf block.
    last_leaf_end: usize,
    /// Where tree-sitter-md ended the last indented code block, which may hold white
    /// space of the line after it.
    code_end: usize,
    inline: Option<InlineRegion>,
    links: Vec<OpenLink>,
    /// Depth of code and HTML blocks, whose text events are not inline content.
    in_code: usize,
    /// Link reference definitions not yet placed, by start, as pulldown-cmark found them.
    definitions: Vec<Range<usize>>,
    next_definition: usize,
    /// The end of the text that blocks and definitions cover so far: a `[` in text that
    /// none covers starts a definition that pulldown-cmark dropped (a label defined twice).
    covered_end: usize,
}

impl<'t> Reader<'t> {
    fn new(text: &'t str, structure: &'t str) -> Self {
        Self {
            text,
            structure,
            bytes: structure.as_bytes(),
            has_cr: text.as_bytes().contains(&b'\r'),
            edit_all: false,
            reread: false,
            in_error: false,
            model: SpecModel::default(),
            containers: Vec::new(),
            closed: Vec::new(),
            last_leaf_end: 0,
            code_end: 0,
            inline: None,
            links: Vec::new(),
            in_code: 0,
            definitions: Vec::new(),
            next_definition: 0,
            covered_end: 0,
        }
    }

    /// Reads the text again from the start, with every edit [`Reader::source`] knows.
    fn reread(&self) -> SpecModel {
        let mut reader = Reader::new(self.text, self.structure);
        reader.edit_all = true;
        reader.read()
    }

    fn read(mut self) -> SpecModel {
        let body = self.read_metadata();
        self.covered_end = body;
        let callback = |_: BrokenLink<'_>| Some((CowStr::Borrowed(""), CowStr::Borrowed("")));
        let source = self.source(body);
        let parser = Parser::new_with_broken_link_callback(&source, options(), Some(callback));
        if !self.edit_all && parser.reference_definitions().get("x").is_some() {
            return self.reread();
        }
        self.definitions = parser
            .reference_definitions()
            .iter()
            .map(|(_, definition)| definition.span.start + body..definition.span.end + body)
            .collect();
        self.definitions.sort_by_key(|span| span.start);
        let len = self.text.len();
        for (event, range) in parser.into_offset_iter() {
            self.event(event, (range.start + body).min(len)..(range.end + body).min(len));
            if self.reread {
                return self.reread();
            }
        }
        self.block_event(self.text.len());
        if self.reread {
            return self.reread();
        }

        if self.edit_all {
            for line in self.labels_over_fences(body) {
                let start = self.skip_spaces(line.start);
                if self.model.code_blocks.iter().any(|code| code.contains(&start)) {
                    continue;
                }
                let close = start + self.text[start..line.end].find(']').unwrap_or(0);
                self.model.references.push(Reference {
                    kind: ReferenceKind::LinkReference {
                        label: normalize_label(&self.text[start + 1..close]),
                    },
                    range: start..close + 1,
                    target_range: start + 1..close,
                });
            }
        }
        let mut model = self.model;
        finish_sections(&mut model.headings, self.text.len());
        model
            .references
            .sort_by_key(|reference| (reference.range.start, reference.range.end));
        model.link_definitions.sort_by_key(|d| d.range.start);
        model.html_anchors.sort_by_key(|range| range.start);
        model
    }

    /// Whether the text ends with a line of block markers only (a thematic break, a
    /// setext underline, an empty ATX heading, list markers, digits) and no line break.
    fn last_line_needs_break(&self) -> bool {
        let bytes = self.bytes;
        if bytes.last().is_none_or(|&b| is_break(b)) {
            return false;
        }
        let last_line = &bytes[self.line_start(bytes.len())..];
        last_line.iter().any(|b| !is_space(*b))
            && last_line.iter().all(|b| b"#=-*_+>.) \t0123456789".contains(b))
    }

    /// The text from `body` as pulldown-cmark is to read it: with the same bytes where it
    /// reads as tree-sitter-md does, and others in the few places where not.
    ///
    /// Finding those places costs a pass over the text, so the first reading looks only
    /// at the last line, and notes where the text needs the others (`reread`).
    fn source(&self, body: usize) -> Cow<'t, str> {
        let text = self.structure;
        let mut edits: Vec<(usize, char)> = Vec::new();
        edits.extend(self.tabs_after_metadata(body).into_iter().map(|at| (at, ' ')));
        if self.has_cr {
            // pulldown-cmark 0.13 misses a code fence or the end of an HTML block at a
            // lone `\r`, which ends a line as `\n` does.
            let bytes = self.bytes;
            edits.extend(
                (body..bytes.len())
                    .filter(|&i| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
                    .map(|i| (i, '\n')),
            );
        }
        // pulldown-cmark 0.13 does not close a code fence that a tab follows (```` ```\t ````);
        // CommonMark, GitHub and tree-sitter-md do. A space reads the same.
        edits.extend(self.tabs_after_fences(body).into_iter().map(|at| (at, ' ')));
        if self.edit_all {
            // tree-sitter-md lexes `[x]` as a task marker word, so `[x]: a.md` is no link
            // definition there but text; with `;` for `:` it is text for pulldown-cmark.
            let mut from = body;
            while let Some(i) = text[from..].find(']') {
                let close = from + i;
                let task_label = text[..close].ends_with("[x") || text[..close].ends_with("[X");
                if task_label && text[close + 1..].starts_with(':') {
                    edits.push((close + 1, ';'));
                }
                from = close + 1;
            }
            // tree-sitter-md reads a label alone on a line before a line that opens with a
            // code fence (GFM's footnote `[^1]:` over an indented fence) as a paragraph,
            // and the fence's line as indented code. Made a thematic break (`*****`),
            // the label line ends the blocks before it here too and lets indented code
            // start after it; its shortcut link is added to the model.
            for line in self.labels_over_fences(body) {
                let first = self.skip_spaces(line.start);
                let last = line.start + self.text[line.clone()].trim_end().len();
                edits.extend((first..last).map(|at| (at, '*')));
            }
            // tree-sitter-md lets any one-digit ordered list marker interrupt a paragraph,
            // CommonMark only `1.` and `1)`; the number is no part of the model.
            edits.extend(
                self.ordered_markers_from_two(body)
                    .into_iter()
                    .map(|at| (at, '1')),
            );
            // tree-sitter-md reads a line that opens with a heading tag and holds text
            // after it (`<h1 align="center">Title</h1>`) as a paragraph, CommonMark as an
            // HTML block; `<x1 ...>` is an inline tag for pulldown-cmark, as the heading
            // tag is for tree-sitter-md.
            let mut line = body;
            while line < text.len() {
                let mut at = line;
                while at < text.len() && matches!(self.bytes[at], b' ' | b'\t' | b'>') {
                    at += 1;
                }
                if let Some(h) = self.heading_tag_with_text(at) {
                    edits.push((h, 'x'));
                }
                line = self.next_line(at);
            }
        }
        // tree-sitter-md reads a marker line (`---`, `===`, `***`, `#`) as text when no
        // line break ends it; a character after the markers makes it text for
        // pulldown-cmark too. Ranges are cut back to the text.
        let needs_break = self.last_line_needs_break();
        if edits.is_empty() && !needs_break {
            return Cow::Borrowed(&text[body..]);
        }
        edits.sort_unstable();
        let mut copy = String::with_capacity(text.len() - body + 1);
        let mut from = body;
        for (at, replacement) in edits {
            copy.push_str(&text[from..at]);
            copy.push(replacement);
            from = at + 1;
        }
        copy.push_str(&text[from..]);
        if needs_break {
            copy.push('\u{1}');
        }
        Cow::Owned(copy)
    }

    /// Where the `h` of a heading tag (`<h1>`, `</h2 >`) is when one opens the line at
    /// `at` and text follows it on that line.
    fn heading_tag_with_text(&self, at: usize) -> Option<usize> {
        let bytes = self.bytes;
        let rest = &bytes[at..self.line_end(at)];
        let name = if rest.starts_with(b"</") { 2 } else { 1 };
        let tag = rest.first() == Some(&b'<')
            && rest.get(name).is_some_and(|b| b.eq_ignore_ascii_case(&b'h'))
            && rest.get(name + 1).is_some_and(|b| (b'1'..=b'6').contains(b))
            && rest
                .get(name + 2)
                .is_none_or(|&b| is_space(b) || b == b'>' || b == b'/');
        let close = rest.iter().position(|&b| b == b'>')?;
        let text_after = rest[close + 1..].iter().any(|&b| !is_space(b));
        (tag && text_after).then_some(at + name)
    }

    /// The tabs of the first line after a metadata block that pulldown-cmark would
    /// count as more columns than tree-sitter-md: its scanner counts a tab to the next
    /// multiple of four from a column that the metadata block leaves where it ended, not
    /// at 0. Replaced by spaces, they keep the line's indentation under four columns.
    fn tabs_after_metadata(&self, body: usize) -> Vec<usize> {
        if body == 0 {
            return Vec::new();
        }
        let bytes = self.bytes;
        // The scanner advances by characters.
        let column = self.text[..body]
            .chars()
            .fold(0, |column, c| if c == '\t' { 0 } else { (column + 1) % 4 });
        let end = self.skip_spaces(body);
        let tree_sitter_columns = bytes[body..end]
            .iter()
            .fold((0, column), |(width, column), &b| {
                if b == b'\t' {
                    (width + 4 - column, 0)
                } else {
                    (width + 1, (column + 1) % 4)
                }
            })
            .0;
        if tree_sitter_columns < 4 && self.columns(body, end) >= 4 {
            (body..end).filter(|&i| bytes[i] == b'\t').collect()
        } else {
            Vec::new()
        }
    }

    /// The tabs after a run of three or more backticks or tildes on lines that hold only
    /// container markers, that run and white space (a closing fence inside a list item or
    /// a quote, or one with spaces before its tab, as much as one at column 0).
    fn tabs_after_fences(&self, body: usize) -> Vec<usize> {
        let bytes = self.bytes;
        let mut tabs: Vec<usize> = Vec::new();
        let after_fence_character = self.text[body..].match_indices('\t').map(|(at, _)| body + at);
        for tab in after_fence_character {
            if tabs.last().is_some_and(|&last| last >= tab) {
                continue;
            }
            let line = self.line_start(tab);
            let mut first = line;
            while first < tab && matches!(bytes[first], b' ' | b'\t' | b'>') {
                first += 1;
            }
            let fence = bytes[first];
            let run = bytes[first..].iter().take_while(|&&b| b == fence).count();
            let fence_line = matches!(fence, b'`' | b'~')
                && run >= 3
                && first + run <= tab
                && self.rest_is_blank(first + run);
            if fence_line {
                tabs.extend((first + run..self.line_end(tab)).filter(|&at| bytes[at] == b'\t'));
            }
        }
        tabs
    }

    /// Whether a code fence (three backticks or tildes) starts at `at`.
    fn fence_at(&self, at: usize) -> bool {
        let rest = &self.bytes[at.min(self.bytes.len())..];
        rest.starts_with(b"```") || rest.starts_with(b"~~~")
    }

    /// The lines outside containers, after a blank line, that hold only a link label
    /// and its colon (`[^1]:`) and that a line indented four or more columns opening
    /// with a code fence follows.
    fn labels_over_fences(&self, body: usize) -> Vec<Range<usize>> {
        let bytes = self.bytes;
        let mut found = Vec::new();
        let mut line = body;
        let mut after_blank = true;
        while line < bytes.len() {
            let blank = self.rest_is_blank(line);
            if !std::mem::replace(&mut after_blank, blank) {
                line = self.next_line(line);
                continue;
            }
            let end = self.line_end(line);
            let next = self.next_line(line);
            let first = self.skip_spaces(line);
            let label_line = bytes.get(first) == Some(&b'[')
                && self.columns(line, first) < 4
                && self.text[first..end].trim_end().ends_with("]:")
                && !self.text[first + 1..end]
                    .trim_end()
                    .trim_end_matches("]:")
                    .contains([']', '[']);
            if label_line && next < bytes.len() {
                let content = self.skip_spaces(next);
                if self.columns(next, content) >= 4 && self.fence_at(content) {
                    found.push(line..end);
                }
            }
            line = next;
        }
        found
    }

    /// The digits of the one-digit ordered list markers from `2` to `9` that open a line
    /// (after block quote markers and indentation).
    fn ordered_markers_from_two(&self, body: usize) -> Vec<usize> {
        let bytes = self.bytes;
        let mut markers = Vec::new();
        let mut line = body;
        while line < bytes.len() {
            let mut at = line;
            while at < bytes.len() && matches!(bytes[at], b' ' | b'\t' | b'>') {
                at += 1;
            }
            if bytes.get(at).is_some_and(|b| (b'2'..=b'9').contains(b))
                && matches!(bytes.get(at + 1), Some(b'.' | b')'))
                && bytes.get(at + 2).is_none_or(|&b| is_space(b) || is_break(b))
            {
                markers.push(at);
            }
            line = self.next_line(at);
        }
        markers
    }

    // Lines.

    /// The start of the line holding `offset`.
    fn line_start(&self, offset: usize) -> usize {
        let mut end = offset.min(self.bytes.len());
        if end > 0 && self.bytes.get(end) == Some(&b'\n') && self.bytes[end - 1] == b'\r' {
            end -= 1;
        }
        self.bytes[..end]
            .iter()
            .rposition(|&b| is_break(b))
            .map_or(0, |i| i + 1)
    }

    /// The end of the line holding `offset`, before its line break.
    fn line_end(&self, offset: usize) -> usize {
        let found = if self.has_cr {
            self.bytes[offset..].iter().position(|&b| is_break(b))
        } else {
            self.text[offset..].find('\n')
        };
        found.map_or(self.bytes.len(), |i| offset + i)
    }

    /// The start of the line after the one holding `offset` (the text's end for the last).
    fn next_line(&self, offset: usize) -> usize {
        let end = self.line_end(offset);
        match self.bytes.get(end) {
            None => end,
            Some(b'\r') if self.bytes.get(end + 1) == Some(&b'\n') => end + 2,
            Some(_) => end + 1,
        }
    }

    fn starts_line(&self, offset: usize) -> bool {
        offset == 0
            || offset >= self.bytes.len()
            || self.bytes[offset - 1] == b'\n'
            || (self.bytes[offset - 1] == b'\r' && self.bytes[offset] != b'\n')
    }

    /// `offset` if a line starts there, else the start of the next line.
    fn line_boundary(&self, offset: usize) -> usize {
        if self.starts_line(offset) {
            offset
        } else {
            self.next_line(offset)
        }
    }

    fn skip_spaces(&self, mut offset: usize) -> usize {
        while offset < self.bytes.len() && is_space(self.bytes[offset]) {
            offset += 1;
        }
        offset
    }

    /// Whether only white space follows `offset` on its line.
    fn rest_is_blank(&self, offset: usize) -> bool {
        let after = self.skip_spaces(offset);
        after >= self.bytes.len() || is_break(self.bytes[after])
    }

    /// The columns from `from` to `to` on one line, tabs stopping at multiples of four.
    fn columns(&self, from: usize, to: usize) -> usize {
        let line = self.line_start(from);
        let column_at = |end: usize| {
            self.bytes[line..end].iter().fold(0, |column, &b| {
                if b == b'\t' {
                    column + 4 - column % 4
                } else {
                    column + 1
                }
            })
        };
        column_at(to) - column_at(from)
    }

    // Container markers, as tree-sitter-md's scanner matches them.

    /// Matches `blocks` at the start of the line at `line` as tree-sitter-md's scanner
    /// does: how many matched, and where the scanner stopped (after any white space the
    /// first failing match consumed).
    fn match_blocks(&self, line: usize, blocks: impl Iterator<Item = Block>) -> (usize, usize) {
        let (matched, consumed, _) = self.match_blocks_at(line, blocks);
        (matched, consumed)
    }

    /// [`Reader::match_blocks`], and where the last block that matched ends.
    fn match_blocks_at(&self, line: usize, blocks: impl Iterator<Item = Block>) -> (usize, usize, usize) {
        let bytes = self.bytes;
        let mut at = line;
        let mut indentation = 0;
        let mut column = 0;
        let mut advance = |at: &mut usize| -> usize {
            let size = if bytes[*at] == b'\t' {
                let size = 4 - column;
                column = 0;
                size
            } else {
                column = (column + 1) % 4;
                1
            };
            *at += 1;
            size
        };
        let space_at = |at: usize| at < bytes.len() && is_space(bytes[at]);
        let break_at = |at: usize| at < bytes.len() && is_break(bytes[at]);
        let mut matched = 0;
        let mut matched_end = line;
        for block in blocks {
            let ok = match block {
                Block::Indented => {
                    while indentation < 4 && space_at(at) {
                        indentation += advance(&mut at);
                    }
                    if indentation >= 4 && at < bytes.len() && !break_at(at) {
                        indentation -= 4;
                        true
                    } else {
                        false
                    }
                }
                Block::Item(needed) => {
                    while indentation < needed && space_at(at) {
                        indentation += advance(&mut at);
                    }
                    if indentation >= needed {
                        indentation -= needed;
                        true
                    } else if break_at(at) {
                        indentation = 0;
                        true
                    } else {
                        false
                    }
                }
                Block::Quote => {
                    while space_at(at) {
                        indentation += advance(&mut at);
                    }
                    if at < bytes.len() && bytes[at] == b'>' {
                        advance(&mut at);
                        indentation = 0;
                        if space_at(at) {
                            indentation += advance(&mut at) - 1;
                        }
                        true
                    } else {
                        false
                    }
                }
            };
            if !ok {
                break;
            }
            matched += 1;
            matched_end = at;
        }
        (matched, at, matched_end)
    }

    fn blocks(&self) -> impl Iterator<Item = Block> + '_ {
        self.containers.iter().map(|c| c.block)
    }

    /// Where the content of the line at `line` starts, after its container markers.
    fn prefix_end(&self, line: usize) -> usize {
        self.prefix(line).1
    }

    /// Where the container markers of the line at `line` end: after those that match,
    /// and after the white space consumed to see that the others do not.
    fn prefix(&self, line: usize) -> (usize, usize) {
        // Containers opened on this line end at their marker; the others continue there.
        if let Some(last) = self.containers.iter().rev().find(|c| c.line == line) {
            return (last.content, last.content);
        }
        if self.closed.is_empty() {
            let (_, consumed, matched) = self.match_blocks_at(line, self.blocks());
            return (matched, consumed);
        }
        // The containers that pulldown-cmark closed before this line were open at its
        // start for tree-sitter-md (unless a blank line closed them): the white space
        // its scanner consumed to see that they end there is theirs.
        let mut open: Vec<Block> = self.blocks().collect();
        open.extend(self.closed.iter().rev().map(|c| c.block));
        let mut at = self.line_boundary(self.last_leaf_end);
        while at < line {
            if self.rest_is_blank(at) || self.bytes[at] == b'>' {
                let (matched, _) = self.match_blocks(at, open.iter().copied());
                let mut keep = matched;
                if self.rest_is_blank(at) {
                    // An empty list item ends at a blank line.
                    let leaf_line = self.line_start(self.last_leaf_end);
                    let empty = self
                        .closed
                        .iter()
                        .rev()
                        .position(|c| c.empty && c.line < at && c.line >= leaf_line);
                    keep = keep.min(empty.map_or(usize::MAX, |i| self.containers.len() + i));
                }
                open.truncate(keep.max(self.containers.len()));
            }
            at = self.next_line(at);
        }
        let (_, consumed, matched) = self.match_blocks_at(line, open.into_iter());
        (matched, consumed)
    }

    /// A leaf block starts: the containers closed before it are gone for good.
    fn leaf(&mut self, end: usize) {
        self.closed.clear();
        self.last_leaf_end = end;
    }

    /// Where tree-sitter-md starts a block that pulldown-cmark starts at `at`: after the
    /// container markers, its own indentation included.
    fn block_start(&self, at: usize) -> usize {
        let start = self.prefix_end(self.line_start(at)).min(at);
        if self.code_end <= at {
            start.max(self.code_end)
        } else {
            start
        }
    }

    /// Where tree-sitter-md ends a block whose last line break ends before `line`: after
    /// the markers of the containers that continue on that line, if any does.
    fn block_end(&self, line: usize) -> usize {
        if line >= self.bytes.len() {
            return self.bytes.len();
        }
        let (matched, at) = self.match_blocks(line, self.blocks());
        if matched > 0 { at } else { line }
    }

    /// Where a fenced code or HTML block whose last line break ends before `line` ends:
    /// tree-sitter-md's scanner keeps such a block open on its stack, so the white space
    /// it consumed to find that a container does not continue is the block's, even when
    /// none does.
    fn code_block_end(&self, line: usize) -> usize {
        if line >= self.bytes.len() {
            return self.bytes.len();
        }
        self.match_blocks(line, self.blocks()).1
    }

    /// Where an indented code block that pulldown-cmark ends at `end` ends for
    /// tree-sitter-md: after the blank lines that follow it, and after the white space its
    /// scanner consumed to find that the next line does not continue it.
    fn indented_code_end(&self, end: usize) -> usize {
        let mut line = self.line_boundary(end);
        let mut after_blank_line = false;
        loop {
            if line >= self.bytes.len() {
                return self.bytes.len();
            }
            let (matched, at) = self.match_blocks(line, self.blocks());
            if matched == self.containers.len() && self.rest_is_blank(at) {
                line = self.next_line(at);
                after_blank_line = true;
                continue;
            }
            if after_blank_line {
                // The code block closed at the blank line.
                return self.block_end(line);
            }
            let with_code = self.blocks().chain(std::iter::once(Block::Indented));
            return self.match_blocks(line, with_code).1;
        }
    }

    // Frontmatter.

    /// Reads a `---` or `+++` block opening the text; returns where the Markdown starts.
    fn read_metadata(&mut self) -> usize {
        if let Some(end) = self.metadata_end(b'-') {
            let first_line_end = self.next_line(0).min(end);
            let closing_start = self.line_start(end - 1).max(first_line_end);
            let frontmatter =
                read_frontmatter(&self.text[first_line_end..closing_start], first_line_end, 0..end);
            self.model.references.extend(field_references(&frontmatter));
            self.model.frontmatter = Some(frontmatter);
            return end;
        }
        // TOML frontmatter is no spec frontmatter, nor Markdown.
        self.metadata_end(b'+').unwrap_or(0)
    }

    /// The end of a metadata block fenced by `fence` at the start of the text, as
    /// tree-sitter-md's scanner finds it: three fence characters (after at most three
    /// columns of indentation) alone on the first line, up to a line of three fence
    /// characters at column 0 that a line break ends.
    fn metadata_end(&self, fence: u8) -> Option<usize> {
        let bytes = self.bytes;
        let at = self.skip_spaces(0);
        if self.columns(0, at) > 3 {
            return None;
        }
        let run = |at: usize| bytes[at..].iter().take_while(|&&b| b == fence).count();
        if run(at) != 3 || !self.rest_is_blank(at + 3) || self.skip_spaces(at + 3) >= bytes.len() {
            return None;
        }
        let mut line = self.next_line(at);
        while line < bytes.len() {
            if run(line) == 3 {
                let after = self.skip_spaces(line + 3);
                if after < bytes.len() && is_break(bytes[after]) {
                    return Some(self.next_line(after));
                }
            }
            let end = self.line_end(line);
            if end >= bytes.len() {
                return None;
            }
            line = self.next_line(end);
        }
        None
    }

    // Events.

    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag, range),
            Event::Text(_) | Event::SoftBreak | Event::HardBreak => {
                self.inline_event(&range);
            }
            Event::Code(_) => {
                if let Some(region) = self.inline_event(&range) {
                    region.code.push(range.clone());
                    region.literal.push(range);
                }
            }
            Event::InlineHtml(_) => {
                if let Some(region) = self.inline_event(&range) {
                    region.tags.push(range.clone());
                    region.literal.push(range.clone());
                    html_anchors(
                        &self.text[range.clone()],
                        range.start,
                        &mut self.model.html_anchors,
                    );
                }
            }
            Event::TaskListMarker(_) => self.task_list_marker(range),
            Event::Rule => {
                self.block_event(range.start);
                self.cover(range.end);
                self.leaf(range.end);
            }
            // Block HTML lines; other events need options that are off.
            _ => {}
        }
    }

    /// Notes an inline event: it belongs to the open region, or opens one (the text of a
    /// tight list item has no paragraph event).
    fn inline_event(&mut self, range: &Range<usize>) -> Option<&mut InlineRegion> {
        if self.in_code > 0 || self.in_error {
            return None;
        }
        if let Some(link) = self.links.last_mut() {
            link.inner_end = link.inner_end.max(range.end);
        }
        if self.inline.is_none() {
            // Text without a paragraph event: definitions may stand before it.
            self.definitions_before(range.start);
            self.leaf(range.end);
        }
        let region = self.inline.get_or_insert_with(InlineRegion::default);
        region.extend(range);
        Some(region)
    }

    /// A block starts or ends at `at`: the inline region before it is complete, and the
    /// link definitions before it are placed among their containers.
    fn block_event(&mut self, at: usize) {
        self.close_inline();
        self.definitions_before(at);
    }

    /// Places the link definitions that start before `at`.
    fn definitions_before(&mut self, at: usize) {
        while let Some(span) = self.definitions.get(self.next_definition) {
            if span.start >= at {
                break;
            }
            let span = span.clone();
            self.next_definition += 1;
            self.repeated_definitions(span.start);
            self.definition(span);
        }
        self.repeated_definitions(at);
    }

    fn cover(&mut self, end: usize) {
        self.covered_end = self.covered_end.max(end);
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>) {
        match tag {
            Tag::Link { link_type, .. } | Tag::Image { link_type, .. } => {
                let image = matches!(tag, Tag::Image { .. });
                self.inline_event(&range);
                let text_start = range.start + if image { 2 } else { 1 };
                self.links.push(OpenLink {
                    range,
                    link_type,
                    image,
                    inner_end: text_start,
                });
            }
            Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Superscript | Tag::Subscript => {
                self.inline_event(&range);
            }
            Tag::Paragraph => {
                self.block_event(range.start);
                self.leaf(range.end);
                self.inline = Some(InlineRegion::default());
            }
            Tag::Heading { level, .. } => {
                self.block_event(range.start);
                self.cover(range.end);
                self.heading(level as u8, &range);
                self.leaf(range.end);
            }
            Tag::TableCell => {
                self.block_event(range.start);
                self.inline = Some(InlineRegion::default());
            }
            Tag::Table(_) => {
                self.block_event(range.start);
                self.cover(range.end);
                self.leaf(range.end);
            }
            Tag::BlockQuote(_) => {
                self.block_event(range.start);
                let marker = self.skip_spaces(range.start);
                let mut content = marker + 1;
                if content < self.bytes.len() && is_space(self.bytes[content]) {
                    content += 1;
                }
                self.containers.push(Container {
                    block: Block::Quote,
                    line: self.line_start(marker),
                    content,
                    empty: false,
                });
                self.closed.clear();
            }
            Tag::Item => {
                self.block_event(range.start);
                self.item(&range);
                self.closed.clear();
            }
            Tag::CodeBlock(kind) => {
                self.block_event(range.start);
                self.cover(range.end);
                let start = self.block_start(range.start);
                let end = match kind {
                    CodeBlockKind::Indented => {
                        self.code_end = self.indented_code_end(range.end);
                        self.code_end
                    }
                    CodeBlockKind::Fenced(_) => self.code_block_end(self.line_boundary(range.end)),
                };
                // A fence opened outside containers on a last line that no line break ends
                // is an ERROR node for tree-sitter-md, no code block, unless its info string
                // holds punctuation.
                let opened_last = matches!(kind, CodeBlockKind::Fenced(_))
                    && self.containers.is_empty()
                    && self.line_end(range.start) == self.bytes.len()
                    && {
                        let fence_start = self.skip_spaces(range.start);
                        let fence = self.bytes.get(fence_start).copied();
                        let run = self.bytes[fence_start..]
                            .iter()
                            .take_while(|&&b| Some(b) == fence)
                            .count();
                        !self.bytes[fence_start + run..]
                            .iter()
                            .any(u8::is_ascii_punctuation)
                    };
                if !opened_last {
                    self.model.code_blocks.push(start..end);
                }
                self.leaf(range.end);
                self.in_code += 1;
            }
            Tag::HtmlBlock => {
                if !self.edit_all
                    && self
                        .heading_tag_with_text(self.skip_spaces(range.start))
                        .is_some()
                {
                    self.reread = true;
                    return;
                }
                self.block_event(range.start);
                self.cover(range.end);
                let start = self.block_start(range.start);
                let mut line = self.line_boundary(range.end);
                if self.html_ends_at_blank_line(start) && line < self.bytes.len() {
                    let (matched, at) = self.match_blocks(line, self.blocks());
                    if matched == self.containers.len() && self.rest_is_blank(at) {
                        line = self.next_line(at);
                    }
                }
                let end = self.code_block_end(line);
                html_anchors(&self.text[start..end], start, &mut self.model.html_anchors);
                self.model.code_blocks.push(start..end);
                self.leaf(range.end);
                self.in_code += 1;
            }
            // Lists, table heads and rows; the others need options that are off.
            _ => self.block_event(range.start),
        }
    }

    fn end(&mut self, tag: TagEnd, range: Range<usize>) {
        match tag {
            TagEnd::Link | TagEnd::Image => {
                // pulldown-cmark ends a collapsed reference that is not defined
                // (`![Build][]`) before its `[]`; the link read from the text ends after.
                let read_end = self.links.pop().and_then(|link| self.finish_link(link));
                if let Some(parent) = self.links.last_mut() {
                    parent.inner_end = parent.inner_end.max(range.end).max(read_end.unwrap_or(0));
                }
            }
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript => {
                if let Some(link) = self.links.last_mut() {
                    link.inner_end = link.inner_end.max(range.end);
                }
            }
            TagEnd::CodeBlock | TagEnd::HtmlBlock => {
                self.in_code = self.in_code.saturating_sub(1);
            }
            TagEnd::BlockQuote(_) | TagEnd::Item => {
                self.block_event(range.end);
                if let Some(container) = self.containers.pop() {
                    self.closed.push(container);
                }
            }
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell => {
                self.cover(range.end);
                self.block_event(range.end);
                self.in_error = false;
            }
            _ => self.block_event(range.end),
        }
    }

    fn item(&mut self, range: &Range<usize>) {
        let bytes = self.bytes;
        let marker = self.skip_spaces(range.start);
        let line = self.line_start(marker);
        // The indentation before the marker counts from the containers that continue.
        let base = self.prefix(line).0.min(marker);
        let digits = bytes[marker..].iter().take_while(|b| b.is_ascii_digit()).count();
        let width = if digits > 0 { digits + 1 } else { 1 };
        let after = (marker + width).min(bytes.len());
        let content = self.skip_spaces(after);
        let spaces = self.columns(after, content);
        let blank = content >= bytes.len() || is_break(bytes[content]);
        let lead = self.columns(base, marker);
        let indentation = lead + width + if blank || spaces >= 5 { 1 } else { spaces };
        self.containers.push(Container {
            block: Block::Item(indentation),
            line,
            content,
            empty: blank,
        });
    }

    fn heading(&mut self, level: u8, range: &Range<usize>) {
        let start = self.block_start(range.start);
        let end = self.block_end(self.line_boundary(range.end));
        let first = self.skip_spaces(range.start);
        let hashes = self.bytes[first..].iter().take_while(|&&b| b == b'#').count();
        let atx = (1..=6).contains(&hashes)
            && self
                .bytes
                .get(first + hashes)
                .is_none_or(|&b| is_space(b) || is_break(b));
        let mut region = InlineRegion::default();
        if atx && self.containers.is_empty() && self.line_end(first) == self.bytes.len() {
            // tree-sitter-md recovers with an ERROR node, no heading nor text, from an
            // ATX heading on a last line that no line break ends when it is empty, and
            // when it is the whole text, shorter than 10 bytes, without punctuation.
            let empty = self.rest_is_blank(first + hashes);
            let whole = self.bytes.len() < 10
                && !self.bytes.iter().any(|&b| is_break(b))
                && !self.bytes[first + hashes..].iter().any(u8::is_ascii_punctuation);
            if empty || whole {
                self.in_error = true;
                return;
            }
        }
        let (title, title_range) = if atx {
            let marker_end = first + hashes;
            let content = self.skip_spaces(marker_end);
            let line_end = self.line_end(marker_end);
            if content >= line_end {
                (String::new(), marker_end..marker_end)
            } else {
                region.fixed = Some(content..line_end);
                trim_heading_title(&self.text[content..line_end], content)
            }
        } else {
            // The underline is the heading's last line; the text ends on the line before.
            let mut end = range.end;
            while end > range.start && is_break(self.bytes[end - 1]) {
                end -= 1;
            }
            let underline = self.line_start(end.saturating_sub(1).max(range.start));
            let mut text_end = underline;
            if text_end > start && self.bytes[text_end - 1] == b'\n' {
                text_end -= 1;
            }
            if text_end > start && self.bytes[text_end - 1] == b'\r' {
                text_end -= 1;
            }
            trim_heading_title(&self.text[start..text_end], start)
        };
        self.model.headings.push(Heading {
            level,
            title,
            range: start..end,
            title_range,
            section_range: start..end,
            top_level: self.containers.is_empty(),
        });
        self.inline = Some(region);
    }

    /// Whether an HTML block starting at `start` is one that a blank line ends (kinds 6
    /// and 7 of CommonMark), not one that a closing marker ends.
    fn html_ends_at_blank_line(&self, start: usize) -> bool {
        let at = self.skip_spaces(start);
        let rest = &self.bytes[at..self.line_end(at)];
        let lower: Vec<u8> = rest.iter().take(10).map(u8::to_ascii_lowercase).collect();
        let tag_1 = ["<script", "<pre", "<style", "<textarea"].iter().any(|tag| {
            lower.starts_with(tag.as_bytes())
                && lower
                    .get(tag.len())
                    .is_none_or(|&b| b == b'>' || b.is_ascii_whitespace())
        });
        !(tag_1 || lower.starts_with(b"<!--") || lower.starts_with(b"<?") || lower.starts_with(b"<!"))
    }

    // Links.

    /// tree-sitter-md reads `[ ]` or `[x]` as a task marker only before white space and
    /// text on the same line; otherwise it is a shortcut link.
    fn task_list_marker(&mut self, range: Range<usize>) {
        self.cover(range.end);
        let after = range.end;
        let marker_text =
            after < self.bytes.len() && is_space(self.bytes[after]) && !self.rest_is_blank(after);
        if marker_text {
            return;
        }
        let target = range.start + 1..range.end - 1;
        let label = normalize_label(&self.text[target.clone()]);
        let Some(region) = self.inline_event(&range) else {
            return;
        };
        region.spans.push(range.clone());
        region.links.push(range.clone());
        region.references.push(Reference {
            kind: ReferenceKind::LinkReference { label },
            range,
            target_range: target,
        });
    }

    /// Records a link that ended; where the text it was read from ends.
    fn finish_link(&mut self, link: OpenLink) -> Option<usize> {
        let region = self.inline.as_mut()?;
        region.spans.push(link.range.clone());
        if matches!(link.link_type, LinkType::Autolink | LinkType::Email) {
            region.tags.push(link.range.clone());
            region.literal.push(link.range);
            return None;
        }
        let bytes = self.bytes;
        let text_start = link.range.start + if link.image { 2 } else { 1 };
        let close = bytes[link.inner_end.max(text_start)..]
            .iter()
            .position(|&b| b == b']')
            .map(|i| i + link.inner_end.max(text_start))?;
        let text = self.text;
        let reference = match link.link_type {
            LinkType::Inline => {
                let destination = self.destination(close + 1, link.range.end)?;
                let region = self.inline.as_mut().expect("checked above");
                region.literal.push(destination.clone());
                split_destination(&text[destination.clone()]).map(|(path, anchor)| Reference {
                    kind: ReferenceKind::Link { path, anchor },
                    range: link.range.clone(),
                    target_range: destination,
                })
            }
            LinkType::Reference | LinkType::ReferenceUnknown => {
                let label_start = close + 1;
                bytes[label_start + 1..]
                    .iter()
                    .position(|&b| b == b']')
                    .map(|i| label_start..label_start + 1 + i + 1)
                    .map(|label| Reference {
                        kind: ReferenceKind::LinkReference {
                            label: normalize_label(&text[label.clone()]),
                        },
                        range: link.range.start..label.end,
                        target_range: label,
                    })
            }
            LinkType::Collapsed | LinkType::CollapsedUnknown => Some(Reference {
                kind: ReferenceKind::LinkReference {
                    label: normalize_label(&text[text_start..self.link_text_end(text_start, close)]),
                },
                range: link.range.start..close + 3,
                target_range: text_start..self.link_text_end(text_start, close),
            }),
            LinkType::Shortcut | LinkType::ShortcutUnknown => {
                // `[[ID]]` reads as a shortcut link in CommonMark; it is a wiki id instead.
                let start = link.range.start;
                let inside_double_brackets = !link.image
                    && start > 0
                    && bytes[start - 1] == b'['
                    && bytes.get(close + 1) == Some(&b']');
                (!inside_double_brackets).then(|| Reference {
                    kind: ReferenceKind::LinkReference {
                        label: normalize_label(&text[text_start..self.link_text_end(text_start, close)]),
                    },
                    range: start..close + 1,
                    target_range: text_start..self.link_text_end(text_start, close),
                })
            }
            _ => None,
        };
        let reference = reference?;
        let end = reference.range.end;
        let region = self.inline.as_mut().expect("checked above");
        region.extend(&reference.range);
        region.links.push(reference.range.clone());
        region.references.push(reference);
        Some(end)
    }

    /// The end of a link text from `start` to the `]` at `close`: the end of its last
    /// line with text, as a tree-sitter node ends with its last token (the container
    /// markers before a `]` that opens a line are no part of it).
    fn link_text_end(&self, start: usize, close: usize) -> usize {
        let line = self.line_start(close);
        if line > start && self.match_blocks(line, self.blocks()).1 >= close {
            line
        } else {
            close
        }
    }

    /// The destination of a link whose `(` is at `open`, as written (`<...>` included).
    fn destination(&self, open: usize, end: usize) -> Option<Range<usize>> {
        let bytes = self.bytes;
        if bytes.get(open) != Some(&b'(') {
            return None;
        }
        let mut at = self.skip_spaces(open + 1);
        if at < end && is_break(bytes[at]) {
            let line = self.next_line(at);
            at = self.skip_spaces(self.match_blocks(line, self.blocks()).1);
        }
        if at >= end {
            return None;
        }
        if bytes[at] == b'<' {
            let mut i = at + 1;
            while i < end {
                match bytes[i] {
                    b'>' => return Some(at..i + 1),
                    b'\\' => i += 2,
                    b'\n' | b'\r' | b'<' => return None,
                    _ => i += 1,
                }
            }
            return None;
        }
        let mut depth = 0usize;
        let mut i = at;
        while i < end {
            match bytes[i] {
                b'\\' if i + 1 < end && bytes[i + 1].is_ascii_punctuation() => i += 2,
                b'(' => {
                    depth += 1;
                    i += 1;
                }
                b')' if depth == 0 => break,
                b')' => {
                    depth -= 1;
                    i += 1;
                }
                b if b <= b' ' => break,
                _ => i += 1,
            }
        }
        (i > at).then_some(at..i)
    }

    // Inline text.

    /// Whether a line of the paragraph in `range` after its first opens with a one-digit
    /// ordered list marker from `2`, which tree-sitter-md lets interrupt the paragraph.
    fn interrupting_marker(&self, range: &Range<usize>) -> bool {
        let bytes = self.bytes;
        let mut at = range.start;
        while at < range.end {
            at = self.next_line(at);
            let mut first = at;
            while first < range.end && matches!(bytes[first], b' ' | b'\t' | b'>') {
                first += 1;
            }
            let marker = bytes.get(first).is_some_and(|b| (b'2'..=b'9').contains(b))
                && matches!(bytes.get(first + 1), Some(b'.' | b')'))
                && bytes.get(first + 2).is_none_or(|&b| is_space(b) || is_break(b));
            if marker && first < range.end {
                return true;
            }
        }
        false
    }

    /// Scans the region just completed for ids, wiki links and placeholders.
    fn close_inline(&mut self) {
        self.links.clear();
        let Some(mut region) = self.inline.take() else {
            return;
        };
        let range = match region.fixed.clone() {
            Some(fixed) => fixed,
            None if region.start < region.end => {
                self.cover(region.end);
                self.last_leaf_end = self.last_leaf_end.max(region.end);
                region.start..region.end
            }
            None => return,
        };
        // One pass that vectorises tells which rarer readings the text needs.
        let (mut bracket, mut dollar, mut backtick, mut brace) = (false, false, false, false);
        let mut line_break = false;
        for &b in &self.bytes[range.clone()] {
            bracket |= b == b']';
            dollar |= b == b'$';
            backtick |= b == b'`';
            brace |= b == b'{';
            line_break |= b == b'\n' || b == b'\r';
        }
        if line_break && !self.edit_all && region.fixed.is_none() && self.interrupting_marker(&range) {
            self.reread = true;
            return;
        }
        let (code, latex) = if dollar || backtick {
            self.code_and_latex_spans(&range, &region.tags)
        } else {
            Default::default()
        };
        if !latex.is_empty() || code != region.code {
            // tree-sitter-md pairs backticks and dollars its own way (see
            // `code_and_latex_spans`); the links that cross such a span are none.
            let spans: Vec<&Range<usize>> = latex
                .iter()
                .chain(code.iter().filter(|c| !region.code.contains(c)))
                .collect();
            let crosses = |r: &Range<usize>| {
                spans
                    .iter()
                    .any(|l| (r.start < l.end && l.start < r.end) && !(r.start <= l.start && l.end <= r.end))
            };
            region.references.retain(|reference| !crosses(&reference.range));
            region.links.retain(|link| !crosses(link));
            region.spans.retain(|span| !crosses(span));
            let old_code = std::mem::take(&mut region.code);
            region.literal.retain(|literal| {
                !old_code.contains(literal) && !latex.iter().any(|l| l.contains(&literal.start))
            });
            region.literal.extend(code);
            region.literal.extend(latex);
        }
        if bracket {
            self.bracket_links(&mut region, &range);
        }
        let text = &self.text[range.clone()];
        self.model.references.append(&mut region.references);
        scan_ids(
            text,
            range.start,
            &region.literal,
            &region.links,
            &mut self.model.references,
        );
        if brace {
            scan_placeholders(text, range.start, &region.literal, &mut self.model.placeholders);
        }
    }

    /// tree-sitter-md reads every bracket pair that holds no link as a link, where
    /// CommonMark wants a label without brackets and with some text: `[ ]`, `[ ![i](p.png) ]`.
    /// The pairs pulldown-cmark left as text become shortcut links, collapsed ones
    /// before `[]`, or the label of a full reference link after `[text]`.
    fn bracket_links(&self, region: &mut InlineRegion, range: &Range<usize>) {
        let bytes = self.bytes;
        let covered = Covered::new(region.literal.iter().chain(&region.spans));
        let mut open = Vec::new();
        let mut pairs = Vec::new();
        let mut at = range.start;
        let escaped = |at: usize| bytes[..at].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1;
        while at < range.end {
            match bytes[at] {
                b'[' | b']' if escaped(at) || covered.contains(at) => {}
                b'[' => open.push(at),
                b']' => {
                    if let Some(start) = open.pop() {
                        pairs.push(start..at + 1);
                    }
                }
                _ => {}
            }
            at += 1;
        }
        // Inner pairs first: a pair that holds a link is none.
        let mut labels: Vec<usize> = Vec::new();
        let mut made: Vec<Range<usize>> = Vec::new();
        let mut spans_by_start: Vec<&Range<usize>> = region.spans.iter().collect();
        spans_by_start.sort_unstable_by_key(|span| span.start);
        // pulldown-cmark ends a collapsed image before its `[]`.
        let images: Vec<Range<usize>> = spans_by_start
            .iter()
            .filter(|span| bytes[span.start] == b'!')
            .map(|span| {
                span.start
                    ..span.end
                        + if bytes[span.end..].starts_with(b"[]") {
                            2
                        } else {
                            0
                        }
            })
            .collect();
        for (index, pair) in pairs.iter().enumerate() {
            let (open, close) = (pair.start, pair.end - 1);
            if labels.contains(&open) || close == open + 1 {
                continue;
            }
            let holds_link =
                |links: &[Range<usize>]| links.iter().any(|l| pair.start < l.start && l.end <= pair.end);
            let image = open > 0 && bytes[open - 1] == b'!' && !escaped(open - 1);
            // Pairs are in the order they close: the pairs inside this one come right
            // before it. An image's own pairs (`![alt][label]`) do not count: tree-sitter-md
            // reads a pair holding an image as a link.
            let in_image = |p: &Range<usize>| {
                let i = images.partition_point(|image| image.start <= p.start);
                i > 0 && p.end <= images[i - 1].end
            };
            let holds_pair = pairs[..index]
                .iter()
                .rev()
                .take_while(|p| p.start > pair.start)
                .any(|p| !in_image(p));
            let first_span_inside = spans_by_start.partition_point(|span| span.start <= pair.start);
            if image
                || holds_pair
                || holds_link(&made)
                || spans_by_start[first_span_inside..]
                    .iter()
                    .take_while(|s| s.start < pair.end)
                    .any(|s| s.end <= pair.end && bytes[s.start] != b'!' && !region.tags.contains(s))
            {
                continue;
            }
            let label_of = |r: &Range<usize>| normalize_label(&self.text[r.clone()]);
            // `[text][label]` or `![alt][label]`, where pulldown-cmark read `[text]` or
            // `![alt]` alone.
            let shortcut_before = region.references.iter_mut().find(|r| {
                let marker = if bytes[r.range.start] == b'!' { 2 } else { 1 };
                r.range.end == open
                    && matches!(r.kind, ReferenceKind::LinkReference { .. })
                    && r.target_range.start == r.range.start + marker
                    && r.target_range.end + 1 == r.range.end
            });
            if let Some(reference) = shortcut_before {
                if let Some(link) = region.links.iter_mut().find(|l| **l == reference.range) {
                    link.end = pair.end;
                }
                reference.range.end = pair.end;
                reference.target_range = pair.clone();
                reference.kind = ReferenceKind::LinkReference {
                    label: label_of(pair),
                };
                made.push(reference.range.clone());
                continue;
            }
            let text = open + 1..self.link_text_end(open + 1, close);
            let (range, target) =
                if bytes.get(close + 1) == Some(&b'[') && bytes.get(close + 2) == Some(&b']') {
                    (open..close + 3, text.clone())
                } else if let Some(label) = pairs.iter().find(|p| p.start == close + 1 && p.len() > 2) {
                    labels.push(label.start);
                    (open..label.end, label.clone())
                } else {
                    let inside_double_brackets =
                        open > 0 && bytes[open - 1] == b'[' && bytes.get(close + 1) == Some(&b']');
                    if inside_double_brackets {
                        continue;
                    }
                    (pair.clone(), text.clone())
                };
            let label = if target == text {
                normalize_label(&self.text[text])
            } else {
                label_of(&target)
            };
            made.push(range.clone());
            region.links.push(range.clone());
            region.references.push(Reference {
                kind: ReferenceKind::LinkReference { label },
                range,
                target_range: target,
            });
        }
    }

    /// The code spans and `$` spans of a region as tree-sitter-md's scanner pairs them,
    /// leftmost first, after the autolinks and HTML tags that open before them: a run of
    /// backticks (or dollars) opens a span when a run of the same length follows it, and
    /// the span closes at the first run at least that long, with its last characters. (In
    /// CommonMark, only a run of the same length closes it.)
    fn code_and_latex_spans(
        &self,
        range: &Range<usize>,
        tags: &[Range<usize>],
    ) -> (Vec<Range<usize>>, Vec<Range<usize>>) {
        let bytes = self.bytes;
        let end = range.end;
        let (mut code, mut latex) = (Vec::new(), Vec::new());
        let run = |at: usize, of: u8| bytes[at..end].iter().take_while(|&&b| b == of).count();
        let escape =
            |at: usize| bytes[at] == b'\\' && bytes.get(at + 1).is_some_and(u8::is_ascii_punctuation);
        let mut at = range.start;
        while at < end {
            if let Some(tag) = tags.iter().find(|t| t.start == at) {
                at = tag.end.max(at + 1);
                continue;
            }
            if escape(at) {
                at += 2;
                continue;
            }
            let delimiter = bytes[at];
            let escaped = || bytes[..at].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1;
            if delimiter != b'`' && delimiter != b'$' || escaped() {
                at += 1;
                continue;
            }
            let length = run(at, delimiter);
            let opened = at + length;
            let mut p = opened;
            let mut closed_later = false;
            while p < end {
                if bytes[p] == delimiter {
                    let n = run(p, delimiter);
                    if n == length {
                        closed_later = true;
                        break;
                    }
                    p += n;
                } else {
                    p += 1;
                }
            }
            let mut close = None;
            let mut p = opened;
            while closed_later && p < end {
                if delimiter == b'$' && escape(p) {
                    p += 2;
                } else if bytes[p] == delimiter {
                    let n = run(p, delimiter);
                    if n >= length {
                        close = Some(p + n);
                        break;
                    }
                    p += n;
                } else {
                    p += 1;
                }
            }
            match close {
                Some(close) => {
                    if delimiter == b'`' { &mut code } else { &mut latex }.push(at..close);
                    at = close;
                }
                None => at = opened,
            }
        }
        (code, latex)
    }

    // Link reference definitions.

    fn definition(&mut self, span: Range<usize>) {
        self.cover(span.end);
        let bytes = self.bytes;
        let Some(label_end) = bytes[span.start + 1..span.end]
            .iter()
            .position(|&b| b == b']')
            .map(|i| span.start + 1 + i + 1)
        else {
            return;
        };
        let mut at = self.skip_spaces(label_end + 1);
        if at < span.end && is_break(bytes[at]) {
            let line = self.next_line(at);
            at = self.skip_spaces(self.match_blocks(line, self.blocks()).1);
            if !self.edit_all && self.fence_at(at) {
                // tree-sitter-md reads no definition there (see `Reader::source`).
                self.reread = true;
                return;
            }
        }
        let destination = self.definition_destination(at, span.end);
        let start = self.block_start(span.start);
        let end = self.block_end(self.line_boundary(span.end));
        self.leaf(span.end);
        self.model.link_definitions.push(LinkDefinition {
            label: normalize_label(&self.text[span.start..label_end]),
            destination: strip_angle_brackets(&self.text[destination]),
            range: start..end,
        });
    }

    fn definition_destination(&self, at: usize, end: usize) -> Range<usize> {
        let bytes = self.bytes;
        if bytes.get(at) == Some(&b'<')
            && let Some(i) = bytes[at..end].iter().position(|&b| b == b'>')
        {
            return at..at + i + 1;
        }
        let stop = bytes[at..end]
            .iter()
            .position(|&b| b <= b' ')
            .map_or(end, |i| at + i);
        at..stop
    }

    /// pulldown-cmark keeps the first definition of a label only: a `[` in the text
    /// before `at` that no block covers starts another one, read on its own.
    fn repeated_definitions(&mut self, at: usize) {
        while self.covered_end < at {
            let from = self.covered_end;
            let Some(open) = self.bytes[from..at].iter().position(|&b| b == b'[') else {
                self.cover(at);
                return;
            };
            let open = from + open;
            // Read from the line's start when block quote markers come before the
            // definition, so that they do before a title on the next line too.
            let line = self.line_start(open);
            let base = if self.bytes[line..open].contains(&b'>') {
                line
            } else {
                open
            };
            let parser = Parser::new_ext(&self.structure[base..at], options());
            let span = parser
                .reference_definitions()
                .iter()
                .map(|(_, d)| d.span.clone())
                .find(|span| span.start == open - base);
            match span {
                Some(span) => self.definition(base + span.start..base + span.end),
                None => self.cover(open + 1),
            }
        }
    }
}
