//! The spec model: what every analysis reads of a document. Frontmatter fields,
//! headings with their sections, references and code blocks, all with byte ranges.
//!
//! The model is read from the syntax trees with the queries of `grammar-queries/`; the
//! only text scanning is lexical, for spec ids inside inline text.

use std::ops::Range;

use ropey::Rope;
use tree_sitter::{Node, Query, QueryCursor, StreamingIterator};

use crate::document::Document;
use crate::frontmatter::{FieldValue, Frontmatter, Scalar, read_frontmatter};
use crate::markdown::{ChunkTrees, InlineView, MarkdownTree, enclosing};
use crate::nesting::rope_too_deep_prefixes;
use crate::queries::{capture, captured, queries};

/// Frontmatter keys whose values are lists of spec ids.
pub const REFERENCE_FIELDS: &[&str] = &["depends-on", "related", "supersedes", "superseded-by", "blocks"];

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpecModel {
    pub frontmatter: Option<Frontmatter>,
    /// Every heading in document order.
    pub headings: Vec<Heading>,
    pub references: Vec<Reference>,
    pub link_definitions: Vec<LinkDefinition>,
    /// Fenced, indented and HTML blocks.
    pub code_blocks: Vec<Range<usize>>,
    /// `{{UPPER_CASE}}` template placeholders in the text (not in code).
    pub placeholders: Vec<Range<usize>>,
    /// The values of `id` and `name` attributes in HTML blocks and tags, which are
    /// anchors (`<a id="x">`, `<a name="x">`), sorted.
    pub html_anchors: Vec<Range<usize>>,
    /// The container markers of the first line after the frontmatter whose blocks could
    /// nest deeper than [`crate::nesting::MAX_NESTING`]: read as text, as are those of
    /// every such line.
    pub too_deep: Option<Range<usize>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The heading text, without markers or a closing `#` sequence.
    pub title: String,
    /// The heading's lines, markers included.
    pub range: Range<usize>,
    pub title_range: Range<usize>,
    /// From the heading to the next top-level heading of the same or a higher level.
    pub section_range: Range<usize>,
    /// Whether the heading stands outside block quotes and list items: only those are
    /// sections of a spec (a quoted heading still has an anchor).
    pub top_level: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReferenceKind {
    /// `[text](path#anchor)`; `path` is empty for an own-document `#anchor`.
    Link { path: String, anchor: Option<String> },
    /// `[text][label]`, `[label][]` or `[label]`, resolved through a link definition.
    LinkReference { label: String },
    /// `[[SPEC-042]]`.
    WikiId { id: String },
    /// `SPEC-042` written as a word in text.
    BareId { id: String },
    /// A spec id in a frontmatter reference list such as `depends-on`.
    FieldId { field: String, id: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub kind: ReferenceKind,
    /// The whole reference (the link with its text, `[[...]]`, the id).
    pub range: Range<usize>,
    /// The part that names the target: the link destination or label, the id.
    pub target_range: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkDefinition {
    pub label: String,
    pub destination: String,
    pub range: Range<usize>,
}

impl SpecModel {
    pub fn from_document(document: &Document) -> Self {
        Self::read(document.rope(), document.tree())
    }

    /// Assembles the model from the parts of each chunk, read when the chunk was parsed:
    /// after an edit only the re-parsed chunks were read again (up to the first chunk
    /// tree-sitter-md misread; the rest is read anew, see below).
    pub fn read(rope: &Rope, tree: &MarkdownTree) -> Self {
        // tree-sitter-md misreads some Markdown that GitHub reads as CommonMark: it
        // recovers from a row of empty cells after a row with text, or from an HTML block
        // that a blank line ends inside a list item that goes on, with an ERROR node that
        // may swallow every heading after it, and chunks cut after it may start inside a
        // block; it reads a line indented four columns after a paragraph line as indented
        // code. The fast reader reads such text as CommonMark does: from the first chunk
        // misread on, the model is its model of the rest of the text (a chunk starts where
        // the text parses as at a text's start, and none before the misreading starts
        // inside a block). A chunk with an ERROR node has no part.
        let chunks = tree.chunks();
        let first_misread = chunks
            .iter()
            .position(|chunk| chunk.model().is_none_or(|part| part.misread));
        let clean = first_misread.unwrap_or(chunks.len());
        let rest = first_misread.map(|first| {
            let start = chunks[first].range().start;
            let text = rope.byte_slice(start..rope.len_bytes()).to_string();
            (start, ChunkModel::from(SpecModel::read_fast(&text)))
        });
        let parts: Vec<(usize, &ChunkModel)> = chunks[..clean]
            .iter()
            .filter_map(|chunk| Some((chunk.range().start, chunk.model()?)))
            .chain(rest.as_ref().map(|(start, part)| (*start, part)))
            .collect();
        let mut model = SpecModel::default();
        let total = |count: fn(&ChunkModel) -> usize| parts.iter().map(|(_, part)| count(part)).sum();
        model.headings.reserve_exact(total(|part| part.headings.len()));
        model
            .references
            .reserve_exact(total(|part| part.references.len()));
        model
            .link_definitions
            .reserve_exact(total(|part| part.link_definitions.len()));
        model
            .code_blocks
            .reserve_exact(total(|part| part.code_blocks.len()));
        model
            .placeholders
            .reserve_exact(total(|part| part.placeholders.len()));
        model
            .html_anchors
            .reserve_exact(total(|part| part.html_anchors.len()));
        for &(offset, part) in &parts {
            let moved = |range: &Range<usize>| range.start + offset..range.end + offset;
            if part.frontmatter.is_some() {
                model.frontmatter.clone_from(&part.frontmatter);
            }
            model.headings.extend(part.headings.iter().map(|heading| Heading {
                range: moved(&heading.range),
                title_range: moved(&heading.title_range),
                section_range: moved(&heading.section_range),
                ..heading.clone()
            }));
            model
                .references
                .extend(part.references.iter().map(|reference| Reference {
                    kind: reference.kind.clone(),
                    range: moved(&reference.range),
                    target_range: moved(&reference.target_range),
                }));
            model
                .link_definitions
                .extend(part.link_definitions.iter().map(|definition| LinkDefinition {
                    range: moved(&definition.range),
                    ..definition.clone()
                }));
            model.code_blocks.extend(part.code_blocks.iter().map(moved));
            model.placeholders.extend(part.placeholders.iter().map(moved));
            model.html_anchors.extend(part.html_anchors.iter().map(moved));
            if model.too_deep.is_none() {
                model.too_deep = part.too_deep.as_ref().map(moved);
            }
        }
        finish_sections(&mut model.headings, rope.len_bytes());
        model
    }

    /// The `spec-id` of the frontmatter, if it is a scalar.
    pub fn spec_id(&self) -> Option<&str> {
        self.frontmatter.as_ref()?.scalar("spec-id")
    }

    /// The frontmatter `title`, else the first level-1 heading.
    pub fn title(&self) -> Option<&str> {
        self.frontmatter
            .as_ref()
            .and_then(|fm| fm.scalar("title"))
            .or_else(|| {
                self.headings
                    .iter()
                    .find(|h| h.level == 1)
                    .map(|h| h.title.as_str())
            })
    }
}

/// What one chunk contributes to the model, ranges relative to the chunk's start.
/// Frontmatter opens the document, so only the first chunk has it, at offset 0.
#[derive(Debug, Default)]
pub(crate) struct ChunkModel {
    frontmatter: Option<Frontmatter>,
    headings: Vec<Heading>,
    references: Vec<Reference>,
    link_definitions: Vec<LinkDefinition>,
    code_blocks: Vec<Range<usize>>,
    placeholders: Vec<Range<usize>>,
    html_anchors: Vec<Range<usize>>,
    too_deep: Option<Range<usize>>,
    /// Whether tree-sitter-md misread the chunk (see [`misread`]).
    misread: bool,
}

impl ChunkModel {
    pub(crate) fn read(rope: &Rope, chunk: &ChunkTrees) -> Self {
        let text = |range: Range<usize>| rope.byte_slice(range).to_string();
        let root = chunk.root();
        let start = chunk.range().start;
        let mut part = ChunkModel {
            frontmatter: if start == 0 {
                read_frontmatter_block(rope, root)
            } else {
                None
            },
            ..ChunkModel::default()
        };
        read_headings(rope, chunk, root, &mut part.headings);
        part.headings.sort_by_key(|heading| heading.range.start);
        part.code_blocks = capture_ranges(&queries().code_blocks, root, "code");
        for block in capture_ranges(&queries().code_blocks, root, "html") {
            html_anchors(&text(block.clone()), block.start, &mut part.html_anchors);
        }
        part.link_definitions = read_link_definitions(root, &text);
        if let Some(frontmatter) = &part.frontmatter {
            part.references.extend(field_references(frontmatter));
        }
        for inline in chunk.inline_trees() {
            read_inline_references(rope, &inline, &mut part.references, &mut part.placeholders);
            for tag in capture_ranges(&queries().inline_code, inline.root(), "html") {
                html_anchors(&text(tag.clone()), tag.start, &mut part.html_anchors);
            }
        }
        part.html_anchors.sort_by_key(|range| range.start);
        part.references
            .sort_by_key(|reference| (reference.range.start, reference.range.end));
        let frontmatter_end = part.frontmatter.as_ref().map_or(start, |fm| fm.range.end);
        part.too_deep = rope_too_deep_prefixes(rope, frontmatter_end..chunk.range().end)
            .into_iter()
            .next();

        let relative = |range: &mut Range<usize>| *range = range.start - start..range.end - start;
        for heading in &mut part.headings {
            relative(&mut heading.range);
            relative(&mut heading.title_range);
            relative(&mut heading.section_range);
        }
        for reference in &mut part.references {
            relative(&mut reference.range);
            relative(&mut reference.target_range);
        }
        part.link_definitions
            .iter_mut()
            .for_each(|d| relative(&mut d.range));
        part.code_blocks.iter_mut().for_each(relative);
        part.placeholders.iter_mut().for_each(relative);
        part.html_anchors.iter_mut().for_each(relative);
        part.too_deep.iter_mut().for_each(relative);
        part.misread = misread(rope, chunk);
        part
    }
}

/// Whether tree-sitter-md read a chunk without an ERROR node otherwise than CommonMark:
/// indented code right after a paragraph line (indented code cannot interrupt a
/// paragraph, so CommonMark reads more of it, lazily in a list item).
fn misread(rope: &Rope, chunk: &ChunkTrees) -> bool {
    let root = chunk.root();
    let query = &queries().code_blocks;
    let code = capture(query, "code");
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(query, root, &[] as &[u8]);
    while let Some(m) = matches.next() {
        let Some(node) = captured(m, code).filter(|node| node.kind() == "indented_code_block") else {
            continue;
        };
        let line = rope.byte_to_line(node.start_byte());
        if line == 0 || rope.line_to_byte(line - 1) < chunk.range().start {
            continue;
        }
        let previous = rope.line_to_byte(line - 1);
        let Some(last) = (previous..rope.line_to_byte(line))
            .rev()
            .find(|&at| !matches!(rope.byte(at), b' ' | b'\t' | b'\n' | b'\r'))
        else {
            continue;
        };
        if enclosing(root, last, "paragraph").is_some() {
            return true;
        }
    }
    false
}

/// A model read from the text from a chunk's start on: its ranges are relative to it.
impl From<SpecModel> for ChunkModel {
    fn from(model: SpecModel) -> Self {
        ChunkModel {
            frontmatter: model.frontmatter,
            headings: model.headings,
            references: model.references,
            link_definitions: model.link_definitions,
            code_blocks: model.code_blocks,
            placeholders: model.placeholders,
            html_anchors: model.html_anchors,
            too_deep: model.too_deep,
            misread: false,
        }
    }
}

fn capture_ranges(query: &Query, node: Node<'_>, name: &str) -> Vec<Range<usize>> {
    let index = capture(query, name);
    let mut cursor = QueryCursor::new();
    let mut ranges = Vec::new();
    let mut captures = cursor.captures(query, node, &[] as &[u8]);
    while let Some((m, i)) = captures.next() {
        let c = m.captures()[*i];
        if c.index == index {
            ranges.push(c.node.byte_range());
        }
    }
    ranges
}

fn read_frontmatter_block(rope: &Rope, root: Node<'_>) -> Option<Frontmatter> {
    let block = capture_ranges(&queries().frontmatter, root, "frontmatter")
        .into_iter()
        .next()?;
    // The block runs from the opening `---` line to the closing one (and its break).
    let first_line_end = rope.line_to_byte(1.min(rope.len_lines())).min(block.end);
    let last_line = rope.byte_to_line(block.end.saturating_sub(1).max(block.start));
    let closing_start = rope.line_to_byte(last_line).max(first_line_end);
    let yaml = rope.byte_slice(first_line_end..closing_start).to_string();
    Some(read_frontmatter(&yaml, first_line_end, block))
}

fn read_headings(rope: &Rope, chunk: &ChunkTrees, root: Node<'_>, headings: &mut Vec<Heading>) {
    let query = &queries().headings;
    let (heading_capture, marker_capture, content_capture) = (
        capture(query, "heading"),
        capture(query, "marker"),
        capture(query, "content"),
    );
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(query, root, &[] as &[u8]);
    while let Some(m) = matches.next() {
        let node_of = |index| captured(m, index);
        let (Some(heading), Some(marker)) = (node_of(heading_capture), node_of(marker_capture)) else {
            continue;
        };
        let level = match marker.kind() {
            "atx_h1_marker" | "setext_h1_underline" => 1,
            "atx_h2_marker" | "setext_h2_underline" => 2,
            "atx_h3_marker" => 3,
            "atx_h4_marker" => 4,
            "atx_h5_marker" => 5,
            _ => 6,
        };
        let (title, title_range) = match node_of(content_capture) {
            Some(content) => heading_title(rope, chunk, content),
            None => (String::new(), marker.end_byte()..marker.end_byte()),
        };
        headings.push(Heading {
            level,
            title,
            range: heading.byte_range(),
            title_range,
            section_range: heading.start_byte()..heading.end_byte(),
            top_level: !inside_container(root, heading),
        });
    }
}

/// Whether a block node of the tree at `root` is inside a block quote or a list item.
/// (Walked down from the chunk's root: `Node::parent` walks from the tree's own root,
/// which does not carry the chunk's offset.)
fn inside_container(root: Node<'_>, node: Node<'_>) -> bool {
    let mut current = root;
    while let Some(child) = current.child_with_descendant(node) {
        if child == node {
            return false;
        }
        if matches!(child.kind(), "block_quote" | "list_item") {
            return true;
        }
        current = child;
    }
    false
}

/// Ends each section at the next top-level heading of its level or higher, or at
/// `text_end`; a heading in a block quote or list ends no section but its own, at the
/// next heading of its level or higher.
pub(crate) fn finish_sections(headings: &mut [Heading], text_end: usize) {
    for i in 0..headings.len() {
        let (level, top_level) = (headings[i].level, headings[i].top_level);
        headings[i].section_range.end = text_end;
        if let Some(next) = headings[i + 1..]
            .iter()
            .find(|h| h.level <= level && (h.top_level || !top_level))
        {
            headings[i].section_range.end = next.range.start;
        }
    }
}

/// The title of a heading: its inline text, trimmed, without a closing `#` sequence.
fn heading_title(rope: &Rope, chunk: &ChunkTrees, content: Node<'_>) -> (String, Range<usize>) {
    let ranges: Vec<Range<usize>> = match chunk.inline_tree(content) {
        Some(inline) => inline.included().collect(),
        None => vec![content.byte_range()],
    };
    let start = ranges.first().map_or(content.start_byte(), |r| r.start);
    let end = ranges.last().map_or(content.end_byte(), |r| r.end);
    trim_heading_title(&rope.byte_slice(start..end).to_string(), start)
}

/// The title in `raw`, the heading text found at `start`: trimmed, without a closing
/// `#` sequence; with its range in the document.
pub(crate) fn trim_heading_title(raw: &str, start: usize) -> (String, Range<usize>) {
    let mut trimmed_end = raw.trim_end().len();
    let without_closing = raw[..trimmed_end].trim_end_matches('#');
    if without_closing.len() < trimmed_end
        && (without_closing.is_empty() || without_closing.ends_with([' ', '\t']))
    {
        trimmed_end = without_closing.trim_end().len();
    }
    let leading = raw.len() - raw.trim_start().len();
    let trimmed_start = leading.min(trimmed_end);
    let title = raw[trimmed_start..trimmed_end].to_string();
    (title, start + trimmed_start..start + trimmed_end)
}

fn read_link_definitions(root: Node<'_>, text: &impl Fn(Range<usize>) -> String) -> Vec<LinkDefinition> {
    let query = &queries().link_definitions;
    let (definition, label, destination) = (
        capture(query, "definition"),
        capture(query, "label"),
        capture(query, "destination"),
    );
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(query, root, &[] as &[u8]);
    let mut definitions = Vec::new();
    while let Some(m) = matches.next() {
        let node_of = |index| captured(m, index);
        let (Some(node), Some(label)) = (node_of(definition), node_of(label)) else {
            continue;
        };
        definitions.push(LinkDefinition {
            label: normalize_label(&text(label.byte_range())),
            destination: node_of(destination)
                .map(|d| strip_angle_brackets(&text(d.byte_range())))
                .unwrap_or_default(),
            range: node.byte_range(),
        });
    }
    definitions
}

/// The text a heading's title renders to, as GitHub shows it and builds its anchor
/// from: emphasis, code, link markup and HTML tags give their text only
/// (`[logcheck](https://x)` is `logcheck`, `_exec-style_` is `exec-style`), and an image
/// nothing: its alt text is an attribute, not text (GitHub's anchor for
/// `## ![logo](l.png) Title` is `#-title`, as markdownlint's MD051 reproduces it). A
/// reference link is one only when its label is among `definitions` (the document's);
/// otherwise GitHub shows its brackets as written.
pub fn rendered_text(title: &str, definitions: &[LinkDefinition]) -> String {
    use pulldown_cmark::{BrokenLink, CowStr, Event, Parser, Tag, TagEnd};
    if !title.contains(['[', '*', '_', '`', '<', '!', '&', '\\', '~']) {
        return title.to_string();
    }
    let mut defined = |link: BrokenLink<'_>| {
        let label = normalize_label(&link.reference);
        definitions
            .iter()
            .any(|d| d.label == label)
            .then(|| (CowStr::from(""), CowStr::from("")))
    };
    let options = pulldown_cmark::Options::ENABLE_STRIKETHROUGH;
    let mut text = String::with_capacity(title.len());
    let mut in_images = 0usize;
    for event in Parser::new_with_broken_link_callback(title, options, Some(&mut defined)) {
        match event {
            Event::Start(Tag::Image { .. }) => in_images += 1,
            Event::End(TagEnd::Image) => in_images -= 1,
            _ if in_images > 0 => {}
            Event::Text(part) | Event::Code(part) => text.push_str(&part),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text
}

/// Link labels match case-insensitively with inner white space collapsed.
pub fn normalize_label(label: &str) -> String {
    let inner = label.trim().trim_start_matches('[').trim_end_matches(']');
    inner
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

pub(crate) fn strip_angle_brackets(destination: &str) -> String {
    let trimmed = destination.trim();
    trimmed
        .strip_prefix('<')
        .and_then(|d| d.strip_suffix('>'))
        .unwrap_or(trimmed)
        .to_string()
}

/// Splits a link destination into a relative path and an anchor; `None` for links
/// that leave the workspace (`https:`, `mailto:`, `//host`).
pub fn split_destination(destination: &str) -> Option<(String, Option<String>)> {
    let destination = strip_angle_brackets(destination);
    if destination.starts_with("//") {
        return None;
    }
    let before_path = destination.split(['/', '#', '?']).next().unwrap_or("");
    if let Some(colon) = before_path.find(':') {
        let scheme = &before_path[..colon];
        // A one-letter "scheme" is a Windows drive letter, still a path.
        if scheme.len() > 1
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        {
            return None;
        }
    }
    let (path, anchor) = match destination.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor.to_string())),
        None => (destination.as_str(), None),
    };
    let path = path.split('?').next().unwrap_or(path);
    Some((path.to_string(), anchor))
}

/// The spec ids listed under the built-in reference fields.
pub(crate) fn field_references(frontmatter: &Frontmatter) -> impl Iterator<Item = Reference> + '_ {
    field_references_of(frontmatter, |key| REFERENCE_FIELDS.contains(&key))
}

/// The spec ids listed under the frontmatter fields `is_reference_field` accepts: a
/// YAML sequence, one value, or values separated by commas (`requires: 2718, 2930`).
pub fn field_references_of<'a>(
    frontmatter: &'a Frontmatter,
    is_reference_field: impl Fn(&str) -> bool + 'a,
) -> impl Iterator<Item = Reference> + 'a {
    frontmatter
        .fields
        .iter()
        .filter(move |field| is_reference_field(&field.key))
        .flat_map(|field| {
            let items = match &field.value {
                FieldValue::List { items, .. } => items.as_slice(),
                FieldValue::Scalar(scalar) => std::slice::from_ref(scalar),
                _ => &[],
            };
            items.iter().flat_map(move |item| {
                comma_separated(item).map(move |(id, range)| Reference {
                    kind: ReferenceKind::FieldId {
                        field: field.key.clone(),
                        id,
                    },
                    range: range.clone(),
                    target_range: range,
                })
            })
        })
}

/// The values of a scalar written `a, b, c` (unquoted), each with its range; the whole
/// value otherwise. Empty values are none.
fn comma_separated(item: &Scalar) -> impl Iterator<Item = (String, Range<usize>)> + '_ {
    let unquoted = item.text.len() == item.range.len() && item.text.contains(',');
    let parts: Vec<(String, Range<usize>)> = if unquoted {
        let mut offset = item.range.start;
        item.text
            .split(',')
            .map(|part| {
                let start = offset + (part.len() - part.trim_start().len());
                offset += part.len() + 1;
                (part.trim().to_string(), start..start + part.trim().len())
            })
            .collect()
    } else {
        vec![(item.text.clone(), item.range.clone())]
    };
    parts.into_iter().filter(|(text, _)| !text.is_empty())
}

fn read_inline_references(
    rope: &Rope,
    inline: &InlineView<'_>,
    out: &mut Vec<Reference>,
    placeholders: &mut Vec<Range<usize>>,
) {
    let root = inline.root();
    let text = |range: Range<usize>| rope.byte_slice(range).to_string();
    let literal = capture_ranges(&queries().inline_code, root, "literal");

    let query = &queries().links;
    let (link, destination, label, text_capture) = (
        capture(query, "link"),
        capture(query, "destination"),
        capture(query, "label"),
        capture(query, "text"),
    );
    let mut link_ranges = Vec::new();
    let first = out.len();
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(query, root, &[] as &[u8]);
    while let Some(m) = matches.next() {
        let node_of = |index| captured(m, index);
        let Some(node) = node_of(link) else { continue };
        let kind = node.kind();
        let reference = if let Some(dest) = node_of(destination) {
            split_destination(&text(dest.byte_range())).map(|(path, anchor)| Reference {
                kind: ReferenceKind::Link { path, anchor },
                range: node.byte_range(),
                target_range: dest.byte_range(),
            })
        } else if let Some(label) = node_of(label) {
            Some(Reference {
                kind: ReferenceKind::LinkReference {
                    label: normalize_label(&text(label.byte_range())),
                },
                range: node.byte_range(),
                target_range: label.byte_range(),
            })
        } else if kind == "collapsed_reference_link"
            || kind == "shortcut_link"
            // `![alt]` and `![alt][]` (an inline image `![alt]()` ends with its `)`).
            || kind == "image" && rope.byte(node.end_byte() - 1) == b']'
        {
            node_of(text_capture).map(|t| Reference {
                kind: ReferenceKind::LinkReference {
                    label: normalize_label(&text(t.byte_range())),
                },
                range: node.byte_range(),
                target_range: t.byte_range(),
            })
        } else {
            None
        };
        if let Some(reference) = reference {
            // `[[ID]]` reads as a shortcut link in CommonMark; it is a wiki id instead.
            let inside_double_brackets = kind == "shortcut_link"
                && node.start_byte() > 0
                && rope.byte(node.start_byte() - 1) == b'['
                && node.end_byte() < rope.len_bytes()
                && rope.byte(node.end_byte()) == b']';
            if !inside_double_brackets {
                link_ranges.push(reference.range.clone());
                out.push(reference);
            }
        }
    }

    let mut literal = literal;
    join_bracketed_destinations(rope, root.end_byte(), first, out, &mut link_ranges, &mut literal);
    for range in inline.included() {
        let start = range.start;
        let chunk = text(range);
        scan_ids(&chunk, start, &literal, &link_ranges, out);
        scan_placeholders(&chunk, start, &literal, placeholders);
    }
}

/// tree-sitter-md ends a link destination at a bracket: `[x](https://x/?f[repo][0]=a)`
/// reads as the shortcut link `[x]` and a reference link inside the destination, where
/// CommonMark, GitHub and the fast reader read one inline link. Such a shortcut link
/// (among `out[first..]`) and what follows it up to the destination's `)` on its line
/// become that link.
fn join_bracketed_destinations(
    rope: &Rope,
    end: usize,
    first: usize,
    out: &mut Vec<Reference>,
    link_ranges: &mut Vec<Range<usize>>,
    literal: &mut Vec<Range<usize>>,
) {
    let byte = |at: usize| (at < end).then(|| rope.byte(at));
    let mut index = first;
    while index < out.len() {
        let reference = &out[index];
        let shortcut = matches!(reference.kind, ReferenceKind::LinkReference { .. })
            && reference.range.len() == reference.target_range.len() + 2;
        let open = reference.range.end;
        if !shortcut || byte(open) != Some(b'(') {
            index += 1;
            continue;
        }
        let mut at = open + 1;
        while byte(at).is_some_and(|b| b == b' ' || b == b'\t') {
            at += 1;
        }
        let destination_start = at;
        let (mut depth, mut bracket) = (0usize, false);
        while let Some(b) = byte(at) {
            match b {
                b'\\' => at += 1,
                b'(' => depth += 1,
                b')' if depth == 0 => break,
                b')' => depth -= 1,
                b'[' | b']' => bracket = true,
                b if b <= b' ' => break,
                _ => {}
            }
            at += 1;
        }
        let destination = destination_start..at;
        while byte(at).is_some_and(|b| b == b' ' || b == b'\t') {
            at += 1;
        }
        if !bracket || byte(at) != Some(b')') || destination.is_empty() {
            index += 1;
            continue;
        }
        let link = reference.range.start..at + 1;
        let inside = |range: &Range<usize>| link.start <= range.start && range.start < link.end;
        let rest: Vec<Reference> = out.drain(index..).filter(|r| !inside(&r.range)).collect();
        out.extend(rest);
        link_ranges.retain(|range| !inside(range));
        let text = rope.byte_slice(destination.clone()).to_string();
        if let Some((path, anchor)) = split_destination(&text) {
            out.insert(
                index,
                Reference {
                    kind: ReferenceKind::Link { path, anchor },
                    range: link.clone(),
                    target_range: destination.clone(),
                },
            );
            index += 1;
        }
        link_ranges.push(link);
        literal.push(destination);
    }
}

/// Finds `[[ID]]` and bare `ID` words (`[A-Z][A-Z0-9]*-[0-9]+`) in inline text outside
/// literal spans.
pub(crate) fn scan_ids(
    text: &str,
    base: usize,
    literal: &[Range<usize>],
    links: &[Range<usize>],
    out: &mut Vec<Reference>,
) {
    let bytes = text.as_bytes();
    let (literal, links) = (Covered::new(literal.iter()), Covered::new(links.iter()));
    let inside = |ranges: &Covered, at: usize| ranges.contains(at);
    let mut i = 0;
    while i < bytes.len() {
        // Only `[` and capital letters start what this looks for.
        if bytes[i] != b'[' && !bytes[i].is_ascii_uppercase() {
            i += 1;
            continue;
        }
        let at = base + i;
        let opens_wiki = bytes[i] == b'[' && bytes.get(i + 1) == Some(&b'[') && !inside(&literal, at);
        if let Some(close) = opens_wiki.then(|| text[i + 2..].find("]]")).flatten() {
            let inner = &text[i + 2..i + 2 + close];
            let id = inner.trim();
            // `[[1]](https://x)` and `[[2]][r]` render as links whose text is `[1]` and
            // `[2]`, no wiki ids.
            let link_text = text[i + 2 + close + 2..].starts_with(['(', '[']);
            if !id.is_empty() && !id.contains(['[', ']', '\n', '\r']) && !link_text {
                let id_start = at + 2 + (inner.len() - inner.trim_start().len());
                out.push(Reference {
                    kind: ReferenceKind::WikiId { id: id.to_string() },
                    range: at..at + close + 4,
                    target_range: id_start..id_start + id.len(),
                });
                i += close + 4;
                continue;
            }
        }
        let starts_word = i == 0 || !is_id_char(bytes[i - 1]);
        let id_len = (starts_word && bytes[i].is_ascii_uppercase())
            .then(|| id_length(&bytes[i..]))
            .flatten();
        if let Some(len) = id_len {
            if !inside(&literal, at) && !inside(&links, at) {
                out.push(Reference {
                    kind: ReferenceKind::BareId {
                        id: text[i..i + len].to_string(),
                    },
                    range: at..at + len,
                    target_range: at..at + len,
                });
            }
            i += len;
            continue;
        }
        i += 1;
    }
}

/// The values of `id="..."` and `name="..."` attributes (any quoting, any case) in the
/// HTML `text` found at `base`.
pub(crate) fn html_anchors(text: &str, base: usize, out: &mut Vec<Range<usize>>) {
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(found) = text[at..].find('=') {
        let equals = at + found;
        at = equals + 1;
        let name_end = text[..equals].trim_end_matches([' ', '\t']).len();
        let name_start = text[..name_end]
            .char_indices()
            .rfind(|(_, c)| !c.is_ascii_alphanumeric() && *c != '-')
            .map_or(0, |(i, c)| i + c.len_utf8());
        let name = &text[name_start..name_end];
        let after_space = name_start > 0 && bytes[name_start - 1].is_ascii_whitespace();
        if !after_space || !(name.eq_ignore_ascii_case("id") || name.eq_ignore_ascii_case("name")) {
            continue;
        }
        let value_start = equals
            + 1
            + (text[equals + 1..].len() - text[equals + 1..].trim_start_matches([' ', '\t']).len());
        let (start, end) = match bytes.get(value_start) {
            Some(&quote @ (b'"' | b'\'')) => {
                let Some(close) = text[value_start + 1..].find(quote as char) else {
                    continue;
                };
                (value_start + 1, value_start + 1 + close)
            }
            Some(_) => {
                let len = text[value_start..]
                    .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
                    .unwrap_or(text.len() - value_start);
                (value_start, value_start + len)
            }
            None => continue,
        };
        if start < end {
            out.push(base + start..base + end);
        }
        at = end;
    }
}

/// Byte ranges merged into sorted, disjoint ones, so that whether an offset is in any of
/// them takes a binary search: a paragraph may hold tens of thousands of links.
pub(crate) struct Covered(Vec<Range<usize>>);

impl Covered {
    pub(crate) fn new<'a>(ranges: impl Iterator<Item = &'a Range<usize>>) -> Self {
        let mut sorted: Vec<Range<usize>> = ranges.filter(|r| !r.is_empty()).cloned().collect();
        sorted.sort_unstable_by_key(|r| r.start);
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(sorted.len());
        for range in sorted {
            match merged.last_mut() {
                Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
                _ => merged.push(range),
            }
        }
        Covered(merged)
    }

    pub(crate) fn contains(&self, at: usize) -> bool {
        let after = self.0.partition_point(|r| r.start <= at);
        after > 0 && at < self.0[after - 1].end
    }
}

/// Finds `{{UPPER_CASE}}` placeholders in inline text outside literal spans.
pub(crate) fn scan_placeholders(
    text: &str,
    base: usize,
    literal: &[Range<usize>],
    out: &mut Vec<Range<usize>>,
) {
    let literal = Covered::new(literal.iter());
    let mut from = 0;
    while let Some(open) = text[from..].find("{{").map(|i| from + i) {
        let Some(close) = text[open + 2..].find("}}").map(|i| open + 2 + i) else {
            break;
        };
        let name = &text[open + 2..close];
        let at = base + open;
        let is_name = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
        if is_name && !literal.contains(at) {
            out.push(at..base + close + 2);
            from = close + 2;
        } else {
            from = open + 2;
        }
    }
}

fn is_id_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_'
}

/// Length of an id `[A-Z][A-Z0-9]*-[0-9]+` at the start of `bytes`, ending at a word end.
fn id_length(bytes: &[u8]) -> Option<usize> {
    let prefix = bytes
        .iter()
        .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        .count();
    if bytes.get(prefix) != Some(&b'-') {
        return None;
    }
    let digits = bytes[prefix + 1..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let len = prefix + 1 + digits;
    let ends_word = bytes.get(len).is_none_or(|b| !is_id_char(*b));
    (digits > 0 && ends_word).then_some(len)
}
