//! Resident memory per open document: parses a spec N times, keeps every copy alive,
//! and reports the growth of the process's resident set per copy.
//! `cargo run --release -p specls-syntax --example memory -- FILE [N]`

fn resident_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("Linux /proc");
    let pages: usize = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: memory FILE [N]");
    let copies: usize = args.next().map_or(10, |n| n.parse().expect("N is a number"));
    let text = std::fs::read_to_string(&path).expect("readable UTF-8 file");
    let mib = |bytes: usize| bytes as f64 / copies as f64 / (1024.0 * 1024.0);
    // Opened and not yet edited: the rope and the fast reader's model, no trees. First,
    // before any parse frees memory that these would reuse unseen.
    let before = resident_bytes();
    let opened: Vec<_> = (0..copies)
        .map(|_| {
            let document = specls_syntax::Document::new(&text);
            let _ = document.model();
            document
        })
        .collect();
    let opened_bytes = resident_bytes() - before;
    println!(
        "opened: {:.1} MiB per document (rope and the fast reader's model, no trees: {:.0} bytes per KB of text)",
        mib(opened_bytes),
        opened_bytes as f64 / copies as f64 / (text.len() as f64 / 1024.0)
    );

    // Warm up allocator and parser pools so they are not counted.
    let parsed = |text: &str| {
        let document = specls_syntax::Document::new(text);
        let _ = document.tree();
        document
    };
    drop(parsed(&text));

    // Edited: the forest is parsed (as after the first edit), each chunk keeps its part of
    // the model and its code spans, and the trees are dropped.
    let before = resident_bytes();
    let documents: Vec<_> = (0..copies).map(|_| parsed(&text)).collect();
    let after = resident_bytes();
    let models: Vec<_> = documents.iter().map(|d| d.model()).collect();
    let with_models = resident_bytes();
    println!(
        "edited: {} bytes, {} lines, {} chunks, {} code spans: {:.1} MiB per open document (rope and each chunk's part of the model), {:.1} MiB more with its assembled spec model: {:.0} bytes per KB of text ({} copies)",
        text.len(),
        documents[0].rope().len_lines(),
        documents[0].tree().chunks().len(),
        documents[0].tree().code_span_count(),
        mib(after - before),
        mib(with_models - after),
        (with_models - before) as f64 / copies as f64 / (text.len() as f64 / 1024.0),
        copies
    );
    drop((models, opened));
}
