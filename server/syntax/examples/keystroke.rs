//! What a hostile or very large document costs: opening it (parse and model), a
//! keystroke in it (edit, re-parse, model; the median of 21 places), and the fast reader.
//! `cargo run --release -p specls-syntax --example keystroke -- KIND [SIZE]`, or `FILE`.
//!
//! KIND is one of `prose` (SIZE bytes of paragraphs without headings), `list`
//! (`- ` SIZE times, then `x`), `quotes` (block quotes deepening line by line to SIZE
//! levels), `quote-line` (`>` SIZE times, then `x`), `heading` (one heading line of
//! SIZE bytes), `yaml` (frontmatter nested SIZE levels).

use std::time::{Duration, Instant};

use specls_syntax::{Document, SpecModel};

fn generate(kind: &str, size: usize) -> String {
    match kind {
        "prose" => {
            let paragraph = "Prose without headings, a sentence long enough to wrap twice in an \
                             editor, with `code`, a [link](other.md#part) and SPEC-12 in it.\n\n";
            paragraph.repeat(size / paragraph.len() + 1)
        }
        "list" => "- ".repeat(size) + "x\n",
        "quotes" => (1..=size).map(|depth| ">".repeat(depth) + " x\n").collect(),
        "quote-line" => ">".repeat(size) + " x\n",
        "heading" => format!("# {}\n\nText.\n", "word ".repeat(size / 5)),
        "yaml" => {
            let nested: String = (1..=size).map(|depth| " ".repeat(depth) + "k:\n").collect();
            format!("---\nx:\n{nested}---\n\n# Title\n\nText.\n")
        }
        _ => panic!("unknown kind {kind}"),
    }
}

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

fn main() {
    let mut args = std::env::args().skip(1);
    let what = args.next().expect("usage: keystroke KIND [SIZE] | FILE");
    let text = match args.next() {
        Some(size) => generate(&what, size.parse().expect("SIZE is a number")),
        None => std::fs::read_to_string(&what).expect("a readable UTF-8 file"),
    };
    let (document, open) = time(|| {
        let document = Document::new(&text);
        let _ = document.tree();
        document
    });
    let (model, first_model) = time(|| document.model());
    // Type a character at 21 places around the middle of the text, each in the document
    // as opened: the median of edit + re-parse, and of the model read after it.
    let mut edits = Vec::new();
    let mut models = Vec::new();
    for step in 0..21 {
        let mut at = text.len() * (40 + step) / 100;
        while !text.is_char_boundary(at) {
            at += 1;
        }
        let (edited, edit) = time(|| {
            let edited = document.edit(at..at, "x");
            let _ = edited.tree();
            edited
        });
        let (_, edited_model) = time(|| edited.model());
        edits.push(edit);
        models.push(edited_model);
    }
    edits.sort();
    models.sort();
    let (fast, read_fast) = time(|| SpecModel::read_fast(&text));
    println!(
        "{} bytes, {} chunks: open {:.1?} + model {:.1?}; keystroke p50 {:.1?} + model {:.1?} (max {:.1?} + {:.1?}); read_fast {:.1?}; readers agree: {}",
        text.len(),
        document.tree().chunks().len(),
        open,
        first_model,
        edits[10],
        models[10],
        edits[20],
        models[20],
        read_fast,
        *model == fast
    );
}
