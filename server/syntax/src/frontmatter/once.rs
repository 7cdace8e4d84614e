//! Frontmatter read with one parse: the YAML event parser under serde-saphyr, for the
//! plain shape nearly every spec's frontmatter has (top-level word keys with one-line
//! scalars and flat lists of them). For that shape the events' spans give every range
//! tree-sitter-yaml would, and the event parser's acceptance is serde-saphyr's (the shape
//! leaves out what its deserializer refuses after parsing: duplicate keys, non-finite
//! floats), so neither of the two parses of [`super::read_frontmatter_twice`] is needed.
//! Anything else (nesting, anchors, tags, comments, multi-line scalars, a key YAML might
//! read as other than a string, a scalar opening with an indicator) returns `None` and
//! takes the two parses. The `yaml` fuzz target asserts both paths agree.

use std::ops::Range;

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, Span, StructureStyle};

use super::{Field, FieldValue, Scalar};

const MAX_YAML_BYTES: usize = 64 * 1024;

/// The fields of `yaml`, found at `base` of the document, when the YAML is valid and of
/// the plain shape; `None` when the two-parse reader must decide.
pub fn read_fields_once(yaml: &str, base: usize) -> Option<Vec<Field>> {
    // Far within serde-saphyr's budget of nodes, scalar bytes and key lookahead; and
    // text the two parses would read in pieces (to spare tree-sitter-yaml's scanner)
    // is theirs to read, as they may drop what does not fit.
    if yaml.len() > MAX_YAML_BYTES || !plain_text(yaml) || !super::fits_yaml_scanner(yaml) {
        return None;
    }
    let mut events = Events {
        parser: Parser::new_from_str(yaml),
    };
    events.expect(|event| matches!(event, Event::StreamStart))?;
    events.expect(|event| matches!(event, Event::DocumentStart(false, None)))?;
    events.expect(|event| matches!(event, Event::MappingStart(StructureStyle::Block, 0, None)))?;
    let shift = |r: Range<usize>| r.start + base..r.end + base;
    let mut fields: Vec<Field> = Vec::new();
    let mut last_is_block_sequence = false;
    loop {
        let (event, span) = events.next()?;
        let key_range = match event {
            Event::MappingEnd => break,
            Event::Scalar(key, ScalarStyle::Plain, 0, None) if plain_key(&key) => {
                if fields.iter().any(|field| field.key == key) {
                    return None;
                }
                let range = span.byte_range()?;
                let at_line_start = range.start == 0 || yaml.as_bytes()[range.start - 1] == b'\n';
                if !at_line_start || yaml.as_bytes().get(range.end) != Some(&b':') {
                    return None;
                }
                range
            }
            _ => return None,
        };
        let key = yaml[key_range.clone()].to_string();
        let colon_end = key_range.end + 1;
        last_is_block_sequence = false;
        let value = match events.next()? {
            (Event::Scalar(_, ScalarStyle::Plain, 0, None), span) if span.byte_range()?.is_empty() => {
                FieldValue::Empty
            }
            (event @ Event::Scalar(..), span) => FieldValue::Scalar(scalar(yaml, event, span)?),
            (Event::SequenceStart(StructureStyle::Flow, 0, None), start) => {
                let start = start.byte_range()?.start;
                let (items, end) = sequence_items(yaml, &mut events)?;
                // Over several lines, tree-sitter-yaml wants the items indented; the event
                // parser, as serde-saphyr runs it, does not.
                let one_line = !yaml[start..end].contains('\n');
                if yaml.as_bytes().get(start) != Some(&b'[') || !yaml[..end].ends_with(']') || !one_line {
                    return None;
                }
                FieldValue::List {
                    range: start..end,
                    items,
                }
            }
            (Event::SequenceStart(StructureStyle::Block, 0, None), _) => {
                last_is_block_sequence = true;
                let (items, _) = sequence_items(yaml, &mut events)?;
                let (first, last) = (items.first()?, items.last()?);
                let dash = yaml[..first.range.start].trim_end_matches(' ');
                if !dash.ends_with('-') {
                    return None;
                }
                FieldValue::List {
                    range: dash.len() - 1..last.range.end,
                    items,
                }
            }
            _ => return None,
        };
        // A scalar or flow list on a line of its own is indented (the readers disagree
        // on what a value at column 0 is).
        if let FieldValue::Scalar(Scalar { range, .. }) | FieldValue::List { range, .. } = &value
            && !last_is_block_sequence
            && yaml[colon_end..range.start].contains('\n')
            && yaml.as_bytes()[range.start - 1] != b' '
        {
            return None;
        }
        let end = value.range().map_or(colon_end, |range| range.end);
        fields.push(Field {
            key,
            key_range: shift(key_range.clone()),
            range: shift(key_range.start..end),
            value: shift_value(value, &shift),
        });
    }
    events.expect(|event| matches!(event, Event::DocumentEnd))?;
    events.expect(|event| matches!(event, Event::StreamEnd))?;
    // tree-sitter-yaml ends a block sequence at the start of the next key, or at the
    // end of the text after its trailing blank lines when no key follows.
    if let Some(last) = fields.last_mut().filter(|_| last_is_block_sequence)
        && let FieldValue::List { range, .. } = &mut last.value
    {
        range.end = base + yaml.len();
        last.range.end = base + yaml.len();
    }
    Some(fields)
}

struct Events<'a> {
    parser: Parser<'a, serde_saphyr::granit_parser::StrInput<'a>>,
}

impl<'a> Events<'a> {
    /// The next event; `None` at the end or at an error (the two parses name it).
    fn next(&mut self) -> Option<(Event<'a>, Span)> {
        self.parser.next_event()?.ok()
    }

    fn expect(&mut self, wanted: impl Fn(&Event<'a>) -> bool) -> Option<()> {
        let (event, _) = self.next()?;
        wanted(&event).then_some(())
    }
}

/// Text whose every line the event parser and tree-sitter-yaml read alike: no tabs,
/// carriage returns, control characters, Unicode line breaks or byte-order marks, no
/// comment (tree-sitter may place one inside the node before it), no document marker or
/// directive.
fn plain_text(yaml: &str) -> bool {
    let bytes = yaml.as_bytes();
    let mut line_start = true;
    for (at, &byte) in bytes.iter().enumerate() {
        match byte {
            b'\n' => {
                line_start = true;
                continue;
            }
            b'#' if at == 0 || matches!(bytes[at - 1], b' ' | b'\n') => return false,
            b'%' if line_start => return false,
            b'-' | b'.'
                if line_start && (bytes[at..].starts_with(b"---") || bytes[at..].starts_with(b"...")) =>
            {
                return false;
            }
            0..0x20 | 0x7f => return false,
            _ => {}
        }
        line_start = false;
    }
    // YAML 1.1 reads these as line breaks, and tree-sitter-yaml in places.
    !yaml.contains(['\u{feff}', '\u{85}', '\u{2028}', '\u{2029}'])
}

/// A key every YAML reader takes as the same string: a word that is not a boolean, a
/// null, a number or a merge key, so no two such keys can be duplicates unless equal.
fn plain_key(key: &str) -> bool {
    let mut chars = key.chars();
    let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    let word = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'));
    let reserved = [
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf", "infinity",
    ]
    .iter()
    .any(|reserved| key.eq_ignore_ascii_case(reserved));
    starts_with_letter && word && !reserved && key.len() <= 128
}

/// A one-line scalar without anchor or tag: its text as YAML resolves it, its range with
/// its quotes.
fn scalar(yaml: &str, event: Event<'_>, span: Span) -> Option<Scalar> {
    let Event::Scalar(text, style, 0, None) = event else {
        return None;
    };
    if !matches!(
        style,
        ScalarStyle::Plain | ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted
    ) {
        return None;
    }
    let range = span.byte_range()?;
    let raw = &yaml[range.clone()];
    let quoted = matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted);
    if range.is_empty() || raw.contains('\n') || quoted != (raw.starts_with(['\'', '"']) && raw.len() >= 2) {
        return None;
    }
    // A plain scalar that opens with an indicator (`?`, `-1`, `:x`) is where YAML
    // readers differ most; the two parses decide.
    let opens_with_indicator = raw.starts_with([
        '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '%', '@', '`',
    ]);
    if !quoted && (opens_with_indicator || may_read_as_non_finite(&text)) {
        return None;
    }
    Some(Scalar {
        text: text.into_owned(),
        range,
    })
}

/// Whether serde-saphyr might read a plain scalar as an infinite or undefined float,
/// which it rejects (`.inf`, `1e999`).
fn may_read_as_non_finite(text: &str) -> bool {
    let unsigned = text.trim_start_matches(['+', '-']);
    let word = unsigned.trim_start_matches('.');
    let numeric = unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    ["inf", "infinity", "nan"]
        .iter()
        .any(|name| word.eq_ignore_ascii_case(name))
        || (numeric && (unsigned.contains(['e', 'E']) || unsigned.len() > 300))
}

/// The one-line scalar items of a sequence whose start was just read, and where its end
/// event ends.
fn sequence_items(yaml: &str, events: &mut Events<'_>) -> Option<(Vec<Scalar>, usize)> {
    let mut items = Vec::new();
    loop {
        match events.next()? {
            (Event::SequenceEnd, span) => return Some((items, span.byte_range()?.end)),
            (event, span) => items.push(scalar(yaml, event, span)?),
        }
    }
}

fn shift_value(value: FieldValue, shift: &impl Fn(Range<usize>) -> Range<usize>) -> FieldValue {
    let shift_scalar = |scalar: Scalar| Scalar {
        text: scalar.text,
        range: shift(scalar.range),
    };
    match value {
        FieldValue::Empty => FieldValue::Empty,
        FieldValue::Scalar(scalar) => FieldValue::Scalar(shift_scalar(scalar)),
        FieldValue::List { range, items } => FieldValue::List {
            range: shift(range),
            items: items.into_iter().map(shift_scalar).collect(),
        },
        FieldValue::Other { range, raw } => FieldValue::Other {
            range: shift(range),
            raw,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::{read_frontmatter, read_frontmatter_twice};
    use super::read_fields_once;

    /// Both readers on `yaml` inside a document, and whether the one parse sufficed.
    fn read_both(yaml: &str) -> bool {
        let base = 4;
        let range = 0..base + yaml.len() + 4;
        assert_eq!(
            read_frontmatter(yaml, base, range.clone()),
            read_frontmatter_twice(yaml, base, range),
            "the readers differ on {yaml:?}"
        );
        read_fields_once(yaml, base).is_some()
    }

    #[test]
    fn plain_frontmatter_is_read_once_with_the_ranges_of_two_parses() {
        for yaml in [
            "spec-id: SPEC-1\ntitle: A title\nstatus: draft\n",
            "eip: 1\ntitle: \"Quoted \\u00e9 \\\"title\\\"\"\nauthor: Zoë <z@example.com>, Ann (@ann)\n",
            "title: 'it''s'\nempty:\nnext: x\n",
            "depends-on: [SPEC-2, \"SPEC-3\", 'SPEC-4']\nempty-list: []\n",
            "requires:\n  - SPEC-2\n  - 'SPEC-3'\nafter: x\n",
            "requires:\n- SPEC-2\n- SPEC-3\n",
            "requires:   \n    -   SPEC-2   \n",
            "title: C# and F#\nurl: https://example.com/a#b\n",
            "title:\n  on the next line\n",
            "created: 2024-01-02\nratio: 1.5\nflag: true\nnothing: ~\n",
            "trailing: spaces   \n",
            "list: [a, b, ]\n",
        ] {
            assert!(read_both(yaml), "one parse should read {yaml:?}");
        }
    }

    #[test]
    fn other_frontmatter_takes_the_two_parses() {
        for yaml in [
            "title: a\n  continued on a second line\n",
            "title: |\n  block\n",
            "# a comment\ntitle: a\n",
            "title: a # a comment\n",
            "meta:\n  nested: map\n",
            "anchor: &a x\nalias: *a\n",
            "tagged: !!str 1\n",
            "title: a\ntitle: b\n",
            "true: a\n",
            "1: a\n",
            "\"quoted key\": a\n",
            "key : a\n",
            "list: [[a], b]\n",
            "list: [a: b]\n",
            "items:\n  - \n  - b\n",
            "map: {a: b}\n",
            "title: a\n---\nsecond: doc\n",
            "%YAML 1.2\n---\ntitle: a\n",
            "title:\ta\n",
            "title: a\r\n",
            "  indented: a\n",
            "- a\n- b\n",
            "just a scalar\n",
            "",
            "broken: [a, b\n",
            "bad: \"\\q\"\n",
            "x: a: b\n",
            "eip: 1e92019\n",
            "eip: .inf\n",
            "list: [1, -.NaN]\n",
            "depends-on: [\nSPEC-2]\n",
            "title:\nvalue\n",
            "a:\n  \u{2028}\nk9:  \n",
            "a: [x, ?]\n",
            "a: ?x\n",
            "depends-on: [a,\n  SPEC-2\n  ]\n",
        ] {
            assert!(!read_both(yaml), "one parse should leave {yaml:?} to the two");
        }
    }
}
