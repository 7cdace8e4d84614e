//! Parsing and editing a 20,000-line spec: full parse throughput, a one-character
//! edit with incremental reparse, and what each part of that costs; and the fast
//! reader's throughput on the same spec; and opening it (model at once, trees later).

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
        b.iter(|| {
            let document = Document::new(black_box(&text));
            let _ = document.tree();
            document
        })
    });
    group.bench_function("block_grammar_only", |b| {
        let mut parser = Parser::new();
        parser.set_language(&block_language()).unwrap();
        b.iter(|| parser.parse(black_box(&text), None).unwrap())
    });
    let document = Document::new(&text);
    let _ = document.tree();
    group.bench_function("spec_model", |b| {
        b.iter(|| specls_syntax::SpecModel::read(document.rope(), document.tree()))
    });
    group.finish();
}

fn edit(c: &mut Criterion) {
    let text = corpus::huge_spec();
    let at = corpus::edit_offset(&text);
    let document = Document::new(&text);
    let _ = document.tree();
    let mut group = c.benchmark_group("edit_20k_lines");
    group.bench_function("insert_one_char_and_reparse", |b| {
        b.iter(|| {
            let edited = document.edit(black_box(at..at), "x");
            let _ = edited.tree();
            edited
        })
    });
    group.bench_function("delete_one_char_and_reparse", |b| {
        b.iter(|| {
            let edited = document.edit(black_box(at..at + 1), "");
            let _ = edited.tree();
            edited
        })
    });

    // Where the time of one edit goes.
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
    let point = |offset: usize| {
        let line = rope.byte_to_line(offset);
        tree_sitter::Point::new(line, offset - rope.line_to_byte(line))
    };
    let input_edit = tree_sitter::InputEdit {
        start_byte: at,
        old_end_byte: at,
        new_end_byte: at + 1,
        start_position: point(at),
        old_end_position: point(at),
        new_end_position: tree_sitter::Point::new(point(at).row, point(at).column + 1),
    };
    let line_start = rope.line_to_byte(rope.byte_to_line(at));
    group.bench_function("part_forest_and_inline_reparse", |b| {
        b.iter(|| MarkdownTree::reparse(document.tree(), edited.source(), &input_edit, line_start))
    });
    // What one whole-document block tree would cost: tree-sitter re-parses it with the
    // old tree, but reuses almost none of its fragile nodes.
    let mut parser = Parser::new();
    parser.set_language(&block_language()).unwrap();
    let whole = parser.parse(&text, None).unwrap();
    let edited_text = edited.text();
    group.sample_size(10);
    group.bench_function("whole_document_block_reparse_with_old_tree", |b| {
        b.iter(|| {
            let mut old = whole.clone();
            old.edit(&input_edit);
            parser.parse(&edited_text, Some(&old)).unwrap()
        })
    });
    group.finish();
}

/// The fast reader of closed files: the spec model from pulldown-cmark, no trees.
fn read_fast(c: &mut Criterion) {
    let text = corpus::huge_spec();
    let mut group = c.benchmark_group("read_fast_20k_lines");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("spec_model", |b| {
        b.iter(|| specls_syntax::SpecModel::read_fast(black_box(&text)))
    });
    group.bench_function("pulldown_cmark_events_only", |b| {
        let options = pulldown_cmark::Options::ENABLE_TABLES
            | pulldown_cmark::Options::ENABLE_STRIKETHROUGH
            | pulldown_cmark::Options::ENABLE_TASKLISTS;
        b.iter(|| {
            pulldown_cmark::Parser::new_ext(black_box(&text), options)
                .into_offset_iter()
                .count()
        })
    });
    group.finish();
}

/// What opening a document costs: the rope and the model (the fast reader's, no parse),
/// and the background parse its first edit asks for (trees and every chunk's model part).
fn open(c: &mut Criterion) {
    let text = corpus::huge_spec();
    let mut group = c.benchmark_group("open_20k_lines");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("rope_and_model", |b| {
        b.iter(|| {
            let document = Document::new(black_box(&text));
            let _ = document.model();
            document
        })
    });
    group.bench_function("background_prepare", |b| {
        b.iter(|| {
            let document = Document::new(black_box(&text));
            document.prepare();
            document
        })
    });
    group.finish();
}

criterion_group!(benches, parse, edit, read_fast, open);
criterion_main!(benches);
