//! Parsing and editing a 20,000-line spec: full parse throughput, a one-character
//! edit with incremental reparse, and what each part of that costs.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ropey::Rope;
use specls_syntax::Document;
use specls_syntax::markdown::{MarkdownTree, block_language};
use std::hint::black_box;
use tree_sitter::Parser;

#[path = "corpus.rs"]
mod corpus;

fn parse(c: &mut Criterion) {
    let text = corpus::huge_spec();
    let mut group = c.benchmark_group("parse_20k_lines");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("document_block_and_inline", |b| {
        b.iter(|| Document::new(black_box(&text)))
    });
    group.bench_function("block_grammar_only", |b| {
        let mut parser = Parser::new();
        parser.set_language(&block_language()).unwrap();
        b.iter(|| parser.parse(black_box(&text), None).unwrap())
    });
    let document = Document::new(&text);
    group.bench_function("spec_model", |b| {
        b.iter(|| specls_syntax::SpecModel::read(document.rope(), document.tree()))
    });
    group.finish();
}

fn edit(c: &mut Criterion) {
    let text = corpus::huge_spec();
    let at = corpus::edit_offset(&text);
    let document = Document::new(&text);
    let mut group = c.benchmark_group("edit_20k_lines");
    group.bench_function("insert_one_char_and_reparse", |b| {
        b.iter(|| document.edit(black_box(at..at), "x"))
    });
    group.bench_function("delete_one_char_and_reparse", |b| {
        b.iter(|| document.edit(black_box(at..at + 1), ""))
    });

    // The parts of one edit, to see where the time goes.
    let rope = Rope::from_str(&text);
    group.bench_function("part_rope_edit", |b| {
        b.iter(|| {
            let mut rope = rope.clone();
            let char_at = rope.byte_to_char(at);
            rope.insert(char_at, "x");
            rope
        })
    });
    let edited = document.edit(at..at, "x");
    let input_edit = tree_sitter::InputEdit {
        start_byte: at,
        old_end_byte: at,
        new_end_byte: at + 1,
        start_position: tree_sitter::Point::new(
            rope.byte_to_line(at),
            at - rope.line_to_byte(rope.byte_to_line(at)),
        ),
        old_end_position: tree_sitter::Point::new(
            rope.byte_to_line(at),
            at - rope.line_to_byte(rope.byte_to_line(at)),
        ),
        new_end_position: tree_sitter::Point::new(
            rope.byte_to_line(at),
            at + 1 - rope.line_to_byte(rope.byte_to_line(at)),
        ),
    };
    group.bench_function("part_block_reparse", |b| {
        let mut parser = Parser::new();
        parser.set_language(&block_language()).unwrap();
        let new_rope = edited.rope().clone();
        b.iter(|| {
            let mut old = document.tree().block_tree().clone();
            old.edit(&input_edit);
            parser
                .parse_with_options(
                    &mut |offset, _| {
                        use specls_syntax::markdown::TextSource;
                        new_rope.chunk_at(offset)
                    },
                    Some(&old),
                    None,
                )
                .unwrap()
        })
    });
    group.bench_function("part_block_and_inline_reparse", |b| {
        let new_rope = edited.rope().clone();
        b.iter(|| MarkdownTree::reparse(document.tree(), &new_rope, &input_edit))
    });
    group.finish();
}

criterion_group!(benches, parse, edit);
criterion_main!(benches);
