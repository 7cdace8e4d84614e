use std::collections::HashMap;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let mut parser = tree_sitter::Parser::new();
    parser.set_language(&specls_syntax::markdown::block_language()).unwrap();
    let tree = parser.parse(&text, None).unwrap();
    println!("has_error {}", tree.root_node().has_error());
    let counts = std::sync::Arc::new(std::sync::Mutex::new(HashMap::<String, usize>::new()));
    let c2 = counts.clone();
    parser.set_logger(Some(Box::new(move |_t, msg| {
        let key: String = msg.split(|c: char| c == ' ').next().unwrap_or("").to_string();
        let key = if key.starts_with("cant_reuse") || key.starts_with("reuse") || key.starts_with("reusable") || key.starts_with("past") || key.starts_with("before") { msg.to_string() } else { key };
        *c2.lock().unwrap().entry(key).or_default() += 1;
    })));
    let _ = parser.parse(&text, Some(&tree)).unwrap();
    parser.set_logger(None);
    let mut v: Vec<_> = counts.lock().unwrap().iter().map(|(k, v)| (*v, k.clone())).collect();
    v.sort(); v.reverse();
    for (n, k) in v.iter().take(25) { println!("{n:>8} {k}"); }
}
