//! Prints the spec model of a file: `cargo run -p specls-syntax --example dump FILE`.
fn main() {
    let path = std::env::args().nth(1).expect("usage: dump FILE");
    let text = std::fs::read_to_string(path).expect("readable UTF-8 file");
    let document = specls_syntax::Document::new(&text);
    println!("{:#?}", document.model());
}
