//! The YAML frontmatter: every top-level field with the exact byte range of its key and
//! value, read with tree-sitter-yaml (error-tolerant, so a broken block still yields the
//! fields it can), and checked with serde-saphyr, whose error names what YAML rejects.
//!
//! tree-sitter-yaml's scanner can abort the process on hostile input (see
//! [`fits_yaml_scanner`]), so YAML reaches it only in pieces that provably fit.
//!
//! Frontmatter of the plain shape nearly every spec has is read with one parse instead
//! (see [`once`]): the same fields, with no error, as the two parses would give.

mod once;

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

/// How many indentation levels tree-sitter-yaml's scanner can hold: it serializes its
/// state after every token into tree-sitter's 1024-byte buffer, five 16-bit fields and
/// then two per level, and tree-sitter aborts the process (`Assertion 'length <= 1024'
/// failed`) when a deeper state overflows it.
const YAML_SCANNER_LEVELS: usize = (1024 - 5 * 2) / (2 * 2);

/// Whether tree-sitter-yaml's scanner provably never holds more levels than fit in its
/// state: it pushes a level only for a token that starts with a block indicator (`-`,
/// `?` or `:` before white space, `|` or `>` opening a block scalar), at most one per
/// token, so a text with no more such characters than the state holds levels is safe.
/// Real frontmatter has a few dozen; nesting of 253 levels aborts.
pub fn fits_yaml_scanner(yaml: &str) -> bool {
    let bytes = yaml.as_bytes();
    let white = |at: usize| {
        bytes
            .get(at)
            .is_none_or(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0))
    };
    let indicators = bytes
        .iter()
        .enumerate()
        .filter(|&(at, &b)| matches!(b, b'|' | b'>') || (matches!(b, b'-' | b'?' | b':') && white(at + 1)))
        .count();
    indicators <= YAML_SCANNER_LEVELS
}

pub use once::read_fields_once;

/// Reads the frontmatter whose YAML text is `yaml`, found at `content_start` of the
/// document, inside a block spanning `range`.
pub fn read_frontmatter(yaml: &str, content_start: usize, range: Range<usize>) -> Frontmatter {
    match read_fields_once(yaml, content_start) {
        Some(fields) => Frontmatter {
            range,
            content_range: content_start..content_start + yaml.len(),
            fields,
            error: None,
        },
        None => read_frontmatter_twice(yaml, content_start, range),
    }
}

/// [`read_frontmatter`] for any YAML: the fields from tree-sitter-yaml, the error from
/// serde-saphyr (or from tree-sitter-yaml when serde-saphyr accepts the text).
pub fn read_frontmatter_twice(yaml: &str, content_start: usize, range: Range<usize>) -> Frontmatter {
    let content_range = content_start..content_start + yaml.len();
    let saphyr_error = serde_saphyr::from_str::<IgnoredAny>(yaml).err();
    // YAML that fits the scanner for certain is read whole; other YAML (even YAML that
    // serde-saphyr accepts: the fuzzer found valid YAML whose scanner state overflows) is
    // read entry by entry, and an entry that does not fit either by its first line (the
    // key and what follows it there), if that fits.
    let (fields, tree_error) = if fits_yaml_scanner(yaml) {
        read_fields(yaml, content_start)
    } else {
        let fields = top_level_entries(yaml)
            .filter_map(|entry| {
                let first_line = entry.start..line_end(yaml, entry.start).min(entry.end);
                [entry, first_line]
                    .into_iter()
                    .find(|part| fits_yaml_scanner(&yaml[part.clone()]))
            })
            .flat_map(|part| read_fields(&yaml[part.clone()], content_start + part.start).0)
            .collect();
        (fields, None)
    };
    let error = yaml_error(yaml, saphyr_error, tree_error).map(|(message, local)| FrontmatterError {
        message,
        range: local.start + content_start..local.end + content_start,
    });
    Frontmatter {
        range,
        content_range,
        fields,
        error,
    }
}

/// The top-level fields of `yaml`, found at `base` of the document, and where the first
/// error tree-sitter-yaml recovered from starts in `yaml`.
fn read_fields(yaml: &str, base: usize) -> (Vec<Field>, Option<usize>) {
    let Some(tree) = YAML_PARSER.with_borrow_mut(|parser| parser.parse(yaml, None)) else {
        return (Vec::new(), None);
    };
    let shift = |r: Range<usize>| r.start + base..r.end + base;
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
    // The fields are children of the root; a query that may start anywhere would walk
    // every node of a 100,000-deep flow collection, at a cost that grows with its depth.
    cursor.set_max_start_depth(Some(0));
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
    let tree_error = first_error_node(tree.root_node()).map(|node| node.start_byte());
    (fields, tree_error)
}

/// The byte ranges of the top-level entries of a block mapping: each runs from a line
/// that opens at column 0 with what may start a key (`? ` included), up to the next such
/// line. A `- ` item or a `: ` value at column 0 continues the entry above it.
fn top_level_entries(yaml: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = yaml.as_bytes();
    let line_starts = (0..bytes.len()).filter(move |&at| {
        at == 0 || bytes[at - 1] == b'\n' || (bytes[at - 1] == b'\r' && bytes[at] != b'\n')
    });
    let mut entry_starts = line_starts
        .filter(move |&at| {
            !matches!(
                bytes[at],
                b' ' | b'\t' | b'\r' | b'\n' | b'#' | b'-' | b':' | b',' | b']' | b'}'
            )
        })
        .peekable();
    std::iter::from_fn(move || {
        let start = entry_starts.next()?;
        let end = entry_starts.peek().copied().unwrap_or(yaml.len());
        Some(start..end)
    })
}

/// The end of the line that starts at `start`, its line break included.
fn line_end(text: &str, start: usize) -> usize {
    text[start..].find(['\n', '\r']).map_or(text.len(), |i| {
        let at = start + i;
        at + if text[at..].starts_with("\r\n") { 2 } else { 1 }
    })
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
/// else the first error tree-sitter-yaml recovered from, at `tree_error`.
fn yaml_error(
    yaml: &str,
    saphyr_error: Option<serde_saphyr::Error>,
    tree_error: Option<usize>,
) -> Option<(String, Range<usize>)> {
    if saphyr_error.is_none() && tree_error.is_none() {
        return None;
    }
    let place = saphyr_error
        .as_ref()
        .and_then(|err| err.location())
        .map(|location| offset_of_line_column(yaml, location.line(), location.column()))
        .or(tree_error)
        .unwrap_or(0);
    let message = match saphyr_error {
        Some(err) => saphyr_message(&err),
        None => "invalid YAML".to_string(),
    };
    Some((message, line_remainder(yaml, place)))
}

/// How a message about YAML that is valid but more than specls reads begins: it is not a
/// syntax error, and its diagnostic says so.
pub const BUDGET_PREFIX: &str = "expands to more than specls reads (";

/// serde-saphyr's message, with its limits said in words: they guard against nesting
/// that would exhaust the stack and aliases that expand exponentially.
fn saphyr_message(error: &serde_saphyr::Error) -> String {
    use serde_saphyr::budget::BudgetBreach;
    use serde_saphyr::granit_parser::ErrorKind;
    use serde_saphyr::{Budget, Error, ExternalMessageSource};
    // An error met through an alias, or shown with a snippet, wraps the one that says what.
    let mut cause = error;
    while let Error::AliasError { error, .. } | Error::WithSnippet { error, .. } = cause {
        cause = error;
    }
    let too_deep = || {
        format!(
            "nested more than {} levels deep (specls reads no deeper)",
            Budget::default().max_depth
        )
    };
    match cause {
        Error::Budget {
            breach: BudgetBreach::Depth { .. },
            ..
        } => too_deep(),
        Error::ExternalMessage { source, .. }
            if matches!(&**source, ExternalMessageSource::Parser(scan)
                if matches!(scan.kind(), ErrorKind::RecursionLimitExceeded)) =>
        {
            too_deep()
        }
        Error::Budget { breach, .. } => {
            let what = match breach {
                BudgetBreach::Nodes { nodes } => format!("{nodes} values"),
                BudgetBreach::Aliases { aliases } => format!("{aliases} aliases"),
                BudgetBreach::Events { events } => format!("{events} YAML events"),
                BudgetBreach::Anchors { anchors } => format!("{anchors} anchors"),
                _ => "too much".to_string(),
            };
            format!("{BUDGET_PREFIX}{what}); aliases that expand this much are refused")
        }
        _ => first_line(&error.to_string()),
    }
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

/// The first `ERROR` or missing node, in document order. A node has an error when one of
/// its children has: the path down is followed without recursion, as flow collections
/// may nest a hundred thousand deep.
fn first_error_node(root: Node<'_>) -> Option<Node<'_>> {
    let mut node = root;
    loop {
        if node.is_error() || node.is_missing() {
            return Some(node);
        }
        if !node.has_error() {
            return None;
        }
        let mut cursor = node.walk();
        node = node.children(&mut cursor).find(|child| child.has_error())?;
    }
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
