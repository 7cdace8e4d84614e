//! Why specls cuts documents into chunks: re-parses a file's whole-document block tree
//! with its own unchanged old tree and counts, from tree-sitter's log, the nodes it
//! reused and the ones it refused as fragile.
//! `cargo run --release -p specls-syntax --example fragile -- FILE`

use std::sync::{Arc, Mutex};
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("usage: fragile FILE");
    let text = std::fs::read_to_string(path).expect("readable UTF-8 file");
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&specls_syntax::markdown::block_language())
        .unwrap();
    let started = Instant::now();
    let tree = parser.parse(&text, None).unwrap();
    let full = started.elapsed();

    let counts = Arc::new(Mutex::new((0usize, 0usize)));
    let sink = counts.clone();
    parser.set_logger(Some(Box::new(move |_, message| {
        let mut counts = sink.lock().unwrap();
        if message.starts_with("reuse_node") {
            counts.0 += 1;
        } else if message.starts_with("cant_reuse_node_is_fragile") {
            counts.1 += 1;
        }
    })));
    let started = Instant::now();
    parser.parse(&text, Some(&tree)).unwrap();
    let again = started.elapsed();
    parser.set_logger(None);
    let (reused, fragile) = *counts.lock().unwrap();
    println!(
        "full parse {full:?}; re-parse with the unchanged old tree {again:?} (logging on): \
         {reused} nodes reused, {fragile} refused as fragile"
    );
}
