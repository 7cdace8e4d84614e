//! Where the cursor is, for completion. Structure comes from the spec model (frontmatter
//! fields with their key and value ranges, headings, code blocks) and from the inline
//! tree (code spans); the text is read only on the cursor's line, for what has been
//! typed there.

use std::ops::Range;

use specls_syntax::ropey::Rope;
use specls_syntax::{Document, Field, FieldValue, Frontmatter, SpecModel};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CursorContext {
    /// Nothing is offered here: code, inline code, the frontmatter's `---` lines, prose.
    Nothing,
    /// A frontmatter key: the written key (`has_colon`) or what is typed of a new one.
    Key { range: Range<usize>, has_colon: bool },
    /// A frontmatter value of `key`; `range` is what a chosen value replaces (the whole
    /// scalar, or the list item under the cursor). `listed` holds the list's other items.
    Value {
        key: String,
        range: Range<usize>,
        /// Right after `key:` or `-`: a value needs a space before it.
        needs_space: bool,
        listed: Vec<String>,
    },
    /// A heading line (`## Succ`) or an empty line of the body, where a section can go.
    /// `line` is the line without its break; `level` the heading's, if it is one.
    Section { line: Range<usize>, level: Option<u8> },
    /// Inside `[[...`; `closed` when `]]` already follows.
    WikiId { range: Range<usize>, closed: bool },
    /// A word that may become a spec id (`SPEC-00`, `AU`).
    BareId { range: Range<usize>, typed: String },
    /// The path of a link destination, after `](`.
    LinkPath { range: Range<usize> },
    /// The anchor of a link destination, after `#`; `path` is empty for the own document.
    Anchor { range: Range<usize>, path: String },
}

/// The cursor's line: where it starts, where its text ends (before the line break), and
/// its text.
pub(crate) struct Line {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

pub(crate) fn line_at(rope: &Rope, offset: usize) -> Line {
    let index = rope.byte_to_line(offset);
    let start = rope.line_to_byte(index);
    let mut text = rope.line(index).to_string();
    let content = text.trim_end_matches(['\n', '\r']).len();
    text.truncate(content);
    Line {
        start,
        end: start + content,
        text,
    }
}

fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

fn is_key_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '_'
}

/// Bytes of the run at the start of `text` whose characters satisfy `f`.
fn run_len(text: &str, f: impl Fn(char) -> bool) -> usize {
    text.len() - text.trim_start_matches(f).len()
}

/// Bytes of the run at the end of `text` whose characters satisfy `f`.
fn run_back_len(text: &str, f: impl Fn(char) -> bool) -> usize {
    text.len() - text.trim_end_matches(f).len()
}

pub fn context_at(document: &Document, model: &SpecModel, offset: usize) -> CursorContext {
    let rope = document.rope();
    let mut offset = offset.min(rope.len_bytes());
    // An offset inside a `\r\n` (which no editor position names) is at its line's end.
    if offset > 0 && rope.get_byte(offset) == Some(b'\n') && rope.byte(offset - 1) == b'\r' {
        offset -= 1;
    }
    if let Some(frontmatter) = &model.frontmatter
        && frontmatter.range.contains(&offset)
    {
        if !frontmatter.content_range.contains(&offset) {
            return CursorContext::Nothing;
        }
        return frontmatter_context(rope, frontmatter, offset);
    }
    if in_code_block(&model.code_blocks, offset) || document.in_code_span(offset) {
        return CursorContext::Nothing;
    }
    let line = line_at(rope, offset);
    let column = offset - line.start;
    let (before, after) = line.text.split_at(column);
    if let Some(context) = link_context(before, after, offset) {
        return context;
    }
    if let Some(context) = wiki_context(before, after, offset) {
        return context;
    }
    let heading = heading_on_line(model, &line);
    if let Some(level) = heading {
        return CursorContext::Section {
            line: line.start..line.end,
            level: Some(level),
        };
    }
    if let Some(context) = bare_id_context(before, after, offset) {
        return context;
    }
    if line.text.trim().is_empty() {
        return CursorContext::Section {
            line: line.start..line.end,
            level: None,
        };
    }
    CursorContext::Nothing
}

/// Code blocks are in document order and do not overlap.
fn in_code_block(blocks: &[Range<usize>], offset: usize) -> bool {
    let after = blocks.partition_point(|block| block.start < offset);
    after > 0 && offset < blocks[after - 1].end
}

/// The level of the ATX heading written on this line, if any.
fn heading_on_line(model: &SpecModel, line: &Line) -> Option<u8> {
    if !line.text.trim_start().starts_with('#') {
        return None;
    }
    let headings = &model.headings;
    let after = headings.partition_point(|h| h.range.start <= line.end);
    let heading = headings[..after].last()?;
    (heading.range.start >= line.start).then_some(heading.level)
}

fn link_context(before: &str, after: &str, offset: usize) -> Option<CursorContext> {
    let open = before.rfind("](")?;
    let destination = &before[open + 2..];
    let breaks = |c: char| c.is_whitespace() || matches!(c, '(' | ')' | '<' | '>' | ':');
    if destination.contains(breaks) {
        return None;
    }
    let rest = run_len(after, |c| !breaks(c) && c != '#');
    match destination.find('#') {
        Some(hash) => {
            let start = offset - destination.len() + hash + 1;
            let rest = run_len(after, |c| !breaks(c));
            Some(CursorContext::Anchor {
                range: start..offset + rest,
                path: destination[..hash].to_string(),
            })
        }
        None => Some(CursorContext::LinkPath {
            range: offset - destination.len()..offset + rest,
        }),
    }
}

fn wiki_context(before: &str, after: &str, offset: usize) -> Option<CursorContext> {
    let open = before.rfind("[[")?;
    let typed = &before[open + 2..];
    if !typed.chars().all(is_id_char) {
        return None;
    }
    let rest = run_len(after, is_id_char);
    Some(CursorContext::WikiId {
        range: offset - typed.len()..offset + rest,
        closed: after[rest..].starts_with("]]"),
    })
}

/// A word that starts like a spec id: a capital letter, then capitals, digits and
/// hyphens, at least two characters (a lone capital starts too many words).
fn bare_id_context(before: &str, after: &str, offset: usize) -> Option<CursorContext> {
    let len = run_back_len(before, is_id_char);
    let typed = &before[before.len() - len..];
    let looks_like_id = typed.starts_with(|c: char| c.is_ascii_uppercase())
        && typed
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
    if typed.len() < 2 || !looks_like_id {
        return None;
    }
    let rest = run_len(after, is_id_char);
    Some(CursorContext::BareId {
        range: offset - len..offset + rest,
        typed: typed.to_string(),
    })
}

fn frontmatter_context(rope: &Rope, frontmatter: &Frontmatter, offset: usize) -> CursorContext {
    let line = line_at(rope, offset);
    let fields = &frontmatter.fields;
    if let Some(field) = fields
        .iter()
        .find(|f| (line.start..=line.end).contains(&f.key_range.start))
    {
        if offset <= field.key_range.end {
            return CursorContext::Key {
                range: field.key_range.clone(),
                has_colon: true,
            };
        }
        return value_context(rope, field, offset, &line);
    }
    // A line holding no key continues the value of the field above it (the items of a
    // block list), or starts a new key.
    let above = fields.iter().rev().find(|f| f.key_range.start < line.start);
    let indented = line.text.starts_with([' ', '\t', '-']);
    if let Some(field) = above
        && (field.range.end > line.start || indented)
    {
        return value_context(rope, field, offset, &line);
    }
    let column = offset - line.start;
    let (before, after) = line.text.split_at(column);
    if before.chars().all(is_key_char) {
        let rest = run_len(after, is_key_char);
        return CursorContext::Key {
            range: line.start..offset + rest,
            has_colon: false,
        };
    }
    CursorContext::Nothing
}

fn value_context(rope: &Rope, field: &Field, offset: usize, line: &Line) -> CursorContext {
    let needs_space = offset > 0 && matches!(rope.byte(offset - 1), b':' | b'-');
    let value = |range: Range<usize>, listed: Vec<String>| CursorContext::Value {
        key: field.key.clone(),
        range,
        needs_space,
        listed,
    };
    // The typed word under the cursor, for values the YAML reader could not place.
    let word = || {
        let column = offset - line.start;
        let (before, after) = line.text.split_at(column);
        let value_char = |c: char| !c.is_whitespace() && !matches!(c, ',' | '[' | ']' | ':');
        let start = offset - run_back_len(before, value_char);
        start..offset + run_len(after, value_char)
    };
    match &field.value {
        FieldValue::Scalar(scalar) if scalar.range.start <= line.end && scalar.range.end >= line.start => {
            value(
                scalar.range.start.min(offset)..scalar.range.end.max(offset),
                Vec::new(),
            )
        }
        FieldValue::List { items, .. } => {
            let current = items
                .iter()
                .position(|item| item.range.start <= offset && offset <= item.range.end);
            let listed = items
                .iter()
                .enumerate()
                .filter(|(i, item)| Some(*i) != current && !item.text.is_empty())
                .map(|(_, item)| item.text.clone())
                .collect();
            match current {
                Some(i) => value(items[i].range.clone(), listed),
                None => value(word(), listed),
            }
        }
        _ => value(word(), Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs() {
        assert_eq!(run_back_len("see AU", is_id_char), 2);
        assert_eq!(run_back_len("é", is_id_char), 0);
        assert_eq!(run_back_len("", is_id_char), 0);
        assert_eq!(run_len("12] x", is_id_char), 2);
    }
}
