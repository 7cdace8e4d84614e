//! Hostile input that once crashed the process or took quadratic time, read by both
//! readers: each must give a model (the same from both), with a clear error where the
//! input is beyond what specls reads, and the rest of the document still read.

use specls_syntax::{Document, FieldValue, SpecModel};

/// Reads `text` with both readers, checks that they agree, and returns the model.
fn read_both(text: &str) -> SpecModel {
    let fast = SpecModel::read_fast(text);
    let document = Document::new(text);
    assert_eq!(
        SpecModel::from_document(&document),
        fast,
        "the two readers differ"
    );
    fast
}

fn with_frontmatter(yaml: &str) -> String {
    format!("---\nspec-id: SPEC-1\n{yaml}---\n\n# After\n\nBody with SPEC-7.\n")
}

/// The document's body was read although the frontmatter could not be, and so was the
/// `spec-id` that opens the frontmatter.
fn assert_body_read(model: &SpecModel) {
    assert_eq!(model.spec_id(), Some("SPEC-1"));
    assert_body_read_alone(model);
}

fn assert_body_read_alone(model: &SpecModel) {
    assert_eq!(model.headings.len(), 1, "{:?}", model.headings);
    assert_eq!(model.headings[0].title, "After");
    assert!(model.references.iter().any(|r| r.range.len() == "SPEC-7".len()));
}

fn frontmatter_error(model: &SpecModel) -> String {
    let frontmatter = model
        .frontmatter
        .as_ref()
        .expect("the frontmatter block is found");
    frontmatter
        .error
        .as_ref()
        .expect("an error says why")
        .message
        .clone()
}

/// `x:` then `k:` lines each indented one more space: block mappings nested `depth` deep.
fn block_nesting(depth: usize) -> String {
    let mut yaml = String::from("x:\n");
    for level in 1..=depth {
        yaml.push_str(&" ".repeat(level));
        yaml.push_str("k:\n");
    }
    yaml
}

/// Block sequences nested `depth` deep on one line: `x: ` then `- - - … - k`.
fn compact_nesting(depth: usize) -> String {
    format!("x:\n{}k\n", "- ".repeat(depth))
}

#[test]
fn frontmatter_nested_253_levels_is_an_error_not_an_abort() {
    // tree-sitter-yaml's scanner overflowed its state here and tree-sitter aborted.
    let shapes = [252, 253, 254, 300].map(block_nesting).into_iter().chain([
        compact_nesting(253),
        compact_nesting(10_000),
        format!("x:\n{}k: v\n", "- ? ".repeat(5_000)),
    ]);
    for yaml in shapes {
        let model = read_both(&with_frontmatter(&yaml));
        let message = frontmatter_error(&model);
        assert!(message.contains("nested more than 64 levels"), "{message}");
        assert_body_read(&model);
    }
}

#[test]
fn other_deep_block_shapes_are_errors_not_aborts() {
    let shapes = [
        // `? ` keys nested on one line.
        format!("{}x\n", "? ".repeat(300)),
        // Sequences of mappings, each a step deeper.
        (0..300)
            .map(|level| " ".repeat(level * 2) + "- k:\n")
            .collect::<String>(),
        // Indentation that only goes down, and that goes up and down.
        (1..=600)
            .rev()
            .map(|level| format!("{}k{level}: v\n", " ".repeat(level)))
            .collect(),
        (0..600)
            .map(|line| " ".repeat(line % 2 * 200 + 5) + "k:\n")
            .collect(),
        // A block scalar whose lines go deeper and deeper.
        format!(
            "a: |\n{}",
            (1..600)
                .map(|level| " ".repeat(level) + "k\n")
                .collect::<String>()
        ),
    ];
    for yaml in &shapes {
        let model = read_both(&with_frontmatter(yaml));
        assert_body_read(&model);
    }
}

#[test]
fn deep_flow_collections_are_read_in_linear_time() {
    let depth = 100_000;
    // tree-sitter-yaml reads the fields beside a closed collection; an unclosed one makes
    // the whole block one error. Broken YAML with too many `: ` to be sure of the scanner
    // is read entry by entry.
    let closed = format!("title: Deep\nx: {}{}\n", "[".repeat(depth), "]".repeat(depth));
    let unclosed = format!("title: Deep\nx: {}\n", "[".repeat(depth));
    let mapping = format!(
        "title: Deep\nx: {}{}\n",
        "{a: ".repeat(depth / 4),
        "}".repeat(depth / 4)
    );
    for (yaml, read) in [(closed, true), (unclosed, false), (mapping, true)] {
        let model = read_both(&with_frontmatter(&yaml));
        let message = frontmatter_error(&model);
        assert!(message.contains("nested more than 64 levels"), "{message}");
        let title = model.frontmatter.as_ref().unwrap().scalar("title");
        assert_eq!(title, read.then_some("Deep"));
        assert_body_read_alone(&model);
    }
}

#[test]
fn a_billion_laughs_is_not_expanded() {
    let mut yaml = String::from("title: Laughs\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let previous = format!("*a{}", level - 1);
        let items = [previous.as_str(); 9].join(", ");
        yaml.push_str(&format!("a{level}: &a{level} [{items}]\n"));
    }
    let model = read_both(&with_frontmatter(&yaml));
    let frontmatter = model.frontmatter.as_ref().unwrap();
    assert_eq!(frontmatter.scalar("title"), Some("Laughs"));
    assert_eq!(frontmatter.fields.len(), 12);
    // An anchored value is kept as written, its aliases unexpanded.
    match &frontmatter.field("a9").unwrap().value {
        FieldValue::Other { raw, .. } => assert!(raw.starts_with("&a9 [*a8, ") && raw.len() < 60, "{raw}"),
        other => panic!("a9 is kept as written: {other:?}"),
    }
    assert_body_read(&model);
}

#[test]
fn long_valid_frontmatter_keeps_every_field() {
    // More block indicators than the scanner's state could hold if they nested: read
    // entry by entry, every field kept (a list too long to read keeps its key).
    let mut yaml = String::from("tags:\n");
    for item in 0..400 {
        yaml.push_str(&format!("  - tag {item}: a value\n"));
    }
    for key in 0..300 {
        yaml.push_str(&format!("key{key}: value {key}\n"));
    }
    let model = read_both(&with_frontmatter(&yaml));
    let frontmatter = model.frontmatter.as_ref().unwrap();
    assert_eq!(frontmatter.error, None);
    assert_eq!(frontmatter.fields.len(), 302);
    assert_eq!(frontmatter.scalar("key299"), Some("value 299"));
    assert_body_read(&model);
}

#[test]
fn long_broken_frontmatter_is_an_error_with_its_place() {
    let mut yaml = String::new();
    for key in 0..300 {
        yaml.push_str(&format!("key{key}: value {key}\n"));
    }
    yaml.push_str("title: \"unclosed\n");
    let text = with_frontmatter(&yaml);
    let model = read_both(&text);
    let error = model.frontmatter.as_ref().unwrap().error.clone().unwrap();
    assert!(text[error.range.clone()].starts_with("\"unclosed"), "{error:?}");
    assert_body_read(&model);
}

/// Container blocks nested past the cap: the markers of each too-deep line read as text.
fn deep_nesting_cases() -> Vec<(&'static str, String)> {
    vec![
        ("list items on one line", "- ".repeat(40_000) + "x\n"),
        ("100,000 list items on one line", "- ".repeat(100_000) + "x\n"),
        (
            "block quotes deepening line by line",
            (1..=1_000).map(|depth| ">".repeat(depth) + " x\n").collect(),
        ),
        ("100,000 block quotes on one line", ">".repeat(100_000) + " x\n"),
        (
            "list levels by indentation",
            (0..300).map(|depth| "  ".repeat(depth) + "- x\n").collect(),
        ),
        ("quotes and lists", "> - ".repeat(200) + "x\n"),
        ("ordered items", "1. ".repeat(300) + "x\n"),
    ]
}

#[test]
fn nesting_past_the_cap_is_read_as_text_by_both_readers() {
    for (name, deep) in deep_nesting_cases() {
        let text = format!("# Before\n\n{deep}\n## After\n\nBody with SPEC-7.\n");
        let model = read_both(&text);
        let too_deep = model
            .too_deep
            .clone()
            .unwrap_or_else(|| panic!("{name}: not cut"));
        assert!(
            text[too_deep]
                .bytes()
                .all(|b| b" \t>-+*.)0123456789".contains(&b)),
            "{name}"
        );
        let titles: Vec<&str> = model.headings.iter().map(|h| h.title.as_str()).collect();
        assert_eq!(titles, ["Before", "After"], "{name}");
        assert!(
            model.references.iter().any(|r| r.range.len() == "SPEC-7".len()),
            "{name}"
        );
    }
}

#[test]
fn nesting_up_to_the_cap_is_read_as_usual() {
    let text = format!(
        "{} # Deep heading\n",
        ">".repeat(specls_syntax::nesting::MAX_NESTING)
    );
    let model = read_both(&text);
    assert_eq!(model.too_deep, None);
    assert_eq!(model.headings[0].title, "Deep heading");
    let text = format!(
        "{} # Too deep\n",
        ">".repeat(specls_syntax::nesting::MAX_NESTING + 1)
    );
    let model = read_both(&text);
    assert!(
        model.headings.is_empty(),
        "the heading's markers are text: {model:?}"
    );
}

#[test]
fn edits_across_the_cap_equal_a_fresh_parse() {
    let mut text: String = (1..=120).map(|depth| ">".repeat(depth) + " x\n").collect();
    text.push_str("\n# After\n");
    let mut document = Document::new(&text);
    // Lines 100 to 102 go over the cap and back by one `>` at a time.
    for (line, insert) in [(99, true), (100, false), (101, true), (99, false), (100, true)] {
        let at: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let range = if insert { at..at } else { at..at + 1 };
        let replacement = if insert { ">" } else { "" };
        text.replace_range(range.clone(), replacement);
        document = document.edit(range, replacement);
        let fresh = Document::new(&text);
        assert_eq!(document.debug_dump(), fresh.debug_dump());
        assert_eq!(
            document.block_nodes_dump(),
            specls_syntax::markdown::whole_document_block_nodes_dump(document.source())
        );
        assert_eq!(*document.model(), SpecModel::read_fast(&text));
    }
}

#[test]
fn yaml_that_serde_saphyr_accepts_can_still_overflow_the_scanner() {
    // Found by fuzzing: valid YAML (a flow list of anchors and `- `) whose scanner state
    // outgrew its buffer, when valid YAML was still read whole.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/valid-yaml-overflowing-the-scanner.yaml"
    );
    let yaml = std::fs::read_to_string(path).unwrap();
    let model = read_both(&format!("---\n{yaml}---\n\n# After\n\nBody with SPEC-7.\n"));
    assert_eq!(model.spec_id(), Some("SPEC-1"));
    assert_body_read_alone(&model);
}
