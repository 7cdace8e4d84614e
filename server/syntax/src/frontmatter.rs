//! The YAML frontmatter: every top-level field with the exact byte range of its key and
//! value, read with tree-sitter-yaml (error-tolerant, so a broken block still yields the
//! fields it can), and checked with serde-saphyr, whose error names what YAML rejects.

use std::cell::RefCell;
use std::ops::Range;

use serde::de::IgnoredAny;
use tree_sitter::{Node, Parser, QueryCursor, StreamingIterator};

use crate::queries::{capture, captured, queries, yaml_language};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frontmatter {
    /// The whole block, both `---` lines included.
    pub range: Range<usize>,
    /// The YAML text between the `---` lines.
    pub content_range: Range<usize>,
    pub fields: Vec<Field>,
    pub error: Option<FrontmatterError>,
}

impl Frontmatter {
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|field| field.key == key)
    }

    /// The text of a scalar field.
    pub fn scalar(&self, key: &str) -> Option<&str> {
        match &self.field(key)?.value {
            FieldValue::Scalar(scalar) => Some(&scalar.text),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub key: String,
    pub key_range: Range<usize>,
    /// The key, its colon and its value.
    pub range: Range<usize>,
    pub value: FieldValue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    /// `key:` with nothing after it.
    Empty,
    Scalar(Scalar),
    /// A flow (`[a, b]`) or block (`- a`) sequence; items that are not scalars are kept
    /// as written.
    List {
        range: Range<usize>,
        items: Vec<Scalar>,
    },
    /// A mapping or anything else that is neither scalar nor list, as written.
    Other {
        range: Range<usize>,
        raw: String,
    },
}

impl FieldValue {
    pub fn range(&self) -> Option<Range<usize>> {
        match self {
            FieldValue::Empty => None,
            FieldValue::Scalar(scalar) => Some(scalar.range.clone()),
            FieldValue::List { range, .. } | FieldValue::Other { range, .. } => Some(range.clone()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalar {
    /// The value with quotes removed and escapes resolved.
    pub text: String,
    /// The value as written, quotes included.
    pub range: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontmatterError {
    pub message: String,
    pub range: Range<usize>,
}

thread_local! {
    static YAML_PARSER: RefCell<Parser> = RefCell::new({
        let mut parser = Parser::new();
        parser
            .set_language(&yaml_language())
            .expect("the YAML grammar matches the tree-sitter version");
        parser
    });
}

/// Reads the frontmatter whose YAML text is `yaml`, found at `content_start` of the
/// document, inside a block spanning `range`.
pub fn read_frontmatter(yaml: &str, content_start: usize, range: Range<usize>) -> Frontmatter {
    let tree = YAML_PARSER.with_borrow_mut(|parser| parser.parse(yaml, None));
    let content_range = content_start..content_start + yaml.len();
    let Some(tree) = tree else {
        return Frontmatter {
            range,
            content_range,
            fields: Vec::new(),
            error: None,
        };
    };
    let shift = |r: Range<usize>| r.start + content_start..r.end + content_start;
    let bytes = yaml.as_bytes();
    let text_of = |node: Node<'_>| node.utf8_text(bytes).unwrap_or_default().to_string();

    let query = &queries().frontmatter_fields;
    let (key_capture, value_capture, pair_capture) = (
        capture(query, "key"),
        capture(query, "value"),
        capture(query, "pair"),
    );
    let mut fields = Vec::new();
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(query, tree.root_node(), bytes);
    while let Some(m) = matches.next() {
        let node_of = |index| captured(m, index);
        let (Some(key), Some(pair)) = (node_of(key_capture), node_of(pair_capture)) else {
            continue;
        };
        let value = match node_of(value_capture) {
            None => FieldValue::Empty,
            Some(value) => read_value(value, bytes, &shift, &text_of),
        };
        fields.push(Field {
            key: unquote(key, bytes),
            key_range: shift(key.byte_range()),
            range: shift(pair.byte_range()),
            value,
        });
    }

    let error = yaml_error(yaml, tree.root_node()).map(|(message, local)| FrontmatterError {
        message,
        range: shift(local),
    });
    Frontmatter {
        range,
        content_range,
        fields,
        error,
    }
}

fn read_value(
    node: Node<'_>,
    bytes: &[u8],
    shift: &impl Fn(Range<usize>) -> Range<usize>,
    text_of: &impl Fn(Node<'_>) -> String,
) -> FieldValue {
    let inner = node.named_child(0);
    let scalar = |node: Node<'_>| Scalar {
        text: unquote(node, bytes),
        range: shift(node.byte_range()),
    };
    // A list item that is not a scalar (`- [Reviewer 1]`) is kept as written.
    let item_of = |node: Node<'_>| {
        if is_scalar_node(node) {
            scalar(node)
        } else {
            Scalar {
                text: text_of(node),
                range: shift(node.byte_range()),
            }
        }
    };
    match inner.map(|n| n.kind()) {
        Some("plain_scalar" | "double_quote_scalar" | "single_quote_scalar")
            if node.named_child_count() == 1 =>
        {
            FieldValue::Scalar(scalar(node))
        }
        Some("flow_sequence") => {
            let sequence = inner.expect("kind was read from it");
            let mut cursor = sequence.walk();
            let items = sequence
                .named_children(&mut cursor)
                .filter(|item| item.kind() == "flow_node")
                .map(item_of)
                .collect();
            FieldValue::List {
                range: shift(node.byte_range()),
                items,
            }
        }
        Some("block_sequence") => {
            let sequence = inner.expect("kind was read from it");
            let mut cursor = sequence.walk();
            let items = sequence
                .named_children(&mut cursor)
                .filter_map(|item| item.named_child(0))
                .map(item_of)
                .collect();
            FieldValue::List {
                range: shift(node.byte_range()),
                items,
            }
        }
        _ => FieldValue::Other {
            range: shift(node.byte_range()),
            raw: text_of(node),
        },
    }
}

fn is_scalar_node(node: Node<'_>) -> bool {
    node.kind() == "flow_node"
        && node.named_child_count() == 1
        && matches!(
            node.named_child(0).map(|n| n.kind()),
            Some("plain_scalar" | "double_quote_scalar" | "single_quote_scalar")
        )
}

/// The text of a scalar (or a node holding one) without its quotes.
fn unquote(node: Node<'_>, bytes: &[u8]) -> String {
    let raw = node.utf8_text(bytes).unwrap_or_default().trim();
    if let Some(inner) = raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
        return inner.replace("''", "'");
    }
    if raw.starts_with('"') && raw.len() >= 2 && raw.ends_with('"') {
        // serde-saphyr resolves escapes exactly as YAML defines them.
        if let Ok(text) = serde_saphyr::from_str::<String>(raw) {
            return text;
        }
        return raw[1..raw.len() - 1].to_string();
    }
    raw.to_string()
}

/// The first YAML error: serde-saphyr's message and place when it rejects the text,
/// else the first error node tree-sitter-yaml recovered from.
fn yaml_error(yaml: &str, root: Node<'_>) -> Option<(String, Range<usize>)> {
    let saphyr_error = serde_saphyr::from_str::<IgnoredAny>(yaml).err();
    let tree_error = root.has_error().then(|| first_error_node(root)).flatten();
    if saphyr_error.is_none() && tree_error.is_none() {
        return None;
    }
    let place = saphyr_error
        .as_ref()
        .and_then(|err| err.location())
        .map(|location| offset_of_line_column(yaml, location.line(), location.column()))
        .or_else(|| tree_error.map(|node| node.start_byte()))
        .unwrap_or(0);
    let message = match saphyr_error {
        Some(err) => first_line(&err.to_string()),
        None => "invalid YAML".to_string(),
    };
    Some((message, line_remainder(yaml, place)))
}

/// Where serde-saphyr places an error in the YAML `text` it read: from its line and
/// column to the end of that line (the whole line when the error is at its end).
pub fn saphyr_error_range(text: &str, error: &serde_saphyr::Error) -> Option<Range<usize>> {
    let location = error.location()?;
    Some(line_remainder(
        text,
        offset_of_line_column(text, location.line(), location.column()),
    ))
}

fn first_error_node(node: Node<'_>) -> Option<Node<'_>> {
    if node.is_error() || node.is_missing() {
        return Some(node);
    }
    let mut cursor = node.walk();
    node.children(&mut cursor)
        .filter(|child| child.has_error())
        .find_map(first_error_node)
}

/// The first line of a serde-saphyr message without its `error: line N column M:`
/// prefix: those numbers count from the frontmatter, not the file, and the diagnostic's
/// range already places the error.
fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or(message).trim();
    let line = line.strip_prefix("error:").unwrap_or(line).trim_start();
    let without_place = line
        .strip_prefix("line ")
        .and_then(|rest| rest.split_once(": "))
        .filter(|(place, _)| {
            place
                .split_whitespace()
                .all(|w| w == "column" || w.parse::<u64>().is_ok())
        })
        .map(|(_, text)| text);
    without_place.unwrap_or(line).trim().to_string()
}

/// Byte offset of a 1-based line and character column.
fn offset_of_line_column(text: &str, line: u64, column: u64) -> usize {
    let mut offset = 0;
    for (index, line_text) in text.split_inclusive('\n').enumerate() {
        if index as u64 + 1 == line {
            let column_offset = line_text
                .char_indices()
                .nth(column.saturating_sub(1) as usize)
                .map(|(i, _)| i)
                .unwrap_or(line_text.trim_end_matches(['\n', '\r']).len());
            return offset + column_offset;
        }
        offset += line_text.len();
    }
    text.len()
}

/// From `offset` to the end of its line: the place an error is shown.
fn line_remainder(text: &str, offset: usize) -> Range<usize> {
    let offset = offset.min(text.len());
    let end = text[offset..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| offset + i);
    if end > offset {
        return offset..end;
    }
    // An error at a line's end: show the line itself.
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    start..end
}
