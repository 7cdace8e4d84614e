//! The spec model read from documents: one fixture per case, rendered with the text
//! each byte range covers, and compared with a reviewed snapshot.

use std::fmt::Write;
use std::ops::Range;

use specls_syntax::{Document, FieldValue, ReferenceKind, SpecModel};

fn render(text: &str) -> String {
    // The tree-sitter reader's model: an opened document's own comes from the fast reader.
    let model = SpecModel::from_document(&Document::new(text));
    let at = |range: &Range<usize>| format!("{:?} {:?}", range, &text[range.clone()]);
    let mut out = String::new();
    if let Some(frontmatter) = &model.frontmatter {
        writeln!(out, "frontmatter {}", at(&frontmatter.content_range)).unwrap();
        for field in &frontmatter.fields {
            let value = match &field.value {
                FieldValue::Empty => "empty".to_string(),
                FieldValue::Scalar(scalar) => format!("scalar {:?} at {}", scalar.text, at(&scalar.range)),
                FieldValue::List { items, .. } => {
                    let items: Vec<String> = items.iter().map(|item| format!("{:?}", item.text)).collect();
                    format!("list [{}]", items.join(", "))
                }
                FieldValue::Other { raw, .. } => format!("other {raw:?}"),
            };
            writeln!(out, "  field {} = {value}", at(&field.key_range)).unwrap();
        }
        if let Some(error) = &frontmatter.error {
            writeln!(out, "  error {} {:?}", at(&error.range), error.message).unwrap();
        }
    }
    for heading in &model.headings {
        writeln!(
            out,
            "heading h{} {:?} title {} section {:?}",
            heading.level,
            heading.title,
            at(&heading.title_range),
            heading.section_range
        )
        .unwrap();
    }
    for reference in &model.references {
        let kind = match &reference.kind {
            ReferenceKind::Link { path, anchor } => format!("link path={path:?} anchor={anchor:?}"),
            ReferenceKind::LinkReference { label } => format!("link-reference {label:?}"),
            ReferenceKind::WikiId { id } => format!("wiki {id}"),
            ReferenceKind::BareId { id } => format!("bare {id}"),
            ReferenceKind::FieldId { field, id } => format!("field {field} {id}"),
        };
        writeln!(out, "reference {kind} target {}", at(&reference.target_range)).unwrap();
    }
    for definition in &model.link_definitions {
        writeln!(
            out,
            "definition {:?} -> {:?}",
            definition.label, definition.destination
        )
        .unwrap();
    }
    for code in &model.code_blocks {
        writeln!(out, "code {code:?}").unwrap();
    }
    out
}

#[test]
fn frontmatter_fields_with_exact_ranges() {
    insta::assert_snapshot!(render(
        "---\nspec-id: AUTH-7\ntitle: \"Zoë's 😀 login\"\nstatus: draft\ndepends-on: [PAY-2, 'PAY-3']\nrelated:\n  - SPEC-9\nowner:\nversion: 1.0\n---\n# Title\n"
    ));
}

#[test]
fn broken_yaml_still_yields_the_readable_fields_and_the_error() {
    insta::assert_snapshot!(render(
        "---\nspec-id: SPEC-1\ntitle: [unclosed\nstatus: draft\n---\n\n## Overview\n"
    ));
}

#[test]
fn references_of_every_kind_outside_code() {
    insta::assert_snapshot!(render(
        "# 日本 SPEC-1\n\nSee [login](../auth/login.md#data-model), [here](#open-questions), [[PAY-2]], AUTH-7 and `SPEC-9` and [ref][Def].\nNot ids: UTF-8, SHA-256, ISO-8601, x-SPEC-3, SPEC-3a, [site](https://example.com/a.md).\n\n```\nSPEC-4 [x](y.md)\n# not a heading\n```\n\n    SPEC-5 indented code\n\n[def]: <other spec.md#top> \"title\"\n\n| SPEC-6 | [t](t.md) |\n|---|---|\n"
    ));
}

#[test]
fn setext_and_atx_headings_nest_into_sections() {
    insta::assert_snapshot!(render(
        "Title\n=====\n\nintro\n\nPart 😀\n------\n\n### Deep ###\n\n#\n\n## Closing #hash\n"
    ));
}

/// Inside a code span means between its backticks, across a line break too; the
/// backticks' outer edges are outside.
#[test]
fn code_spans_hold_the_offsets_between_their_backticks() {
    let text = "# T\n\nSee `a b` and ``x\ny`` then `open\n\n```\nfenced `not a span`\n```\n";
    let document = Document::new(text);
    let inside = |needle: &str, shift: usize| document.in_code_span(text.find(needle).unwrap() + shift);
    assert!(!inside("`a b`", 0), "before the opening backtick");
    assert!(inside("`a b`", 1));
    assert!(inside("`a b`", 4), "before the closing backtick");
    assert!(!inside("`a b`", 5), "after it");
    assert!(inside("x\ny", 2), "across a line break");
    assert!(!inside("`open", 3), "an unclosed backtick opens nothing");
    assert!(!inside("not a span", 2), "code blocks hold no inline code");
    assert!(!Document::new("").in_code_span(0));
}
