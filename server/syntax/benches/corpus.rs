//! The benchmark input: the 20,000-line spec of `../shared/bench/gen_corpus.py`,
//! generated once into `target/bench-corpus/`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs `gen_corpus.py OUT ARGS...` and returns its summary (JSON on stdout).
pub fn generate(out: &Path, args: &[&str]) -> String {
    let generator = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench/gen_corpus.py");
    let output = Command::new("python3")
        .arg(&generator)
        .arg(out)
        .args(args)
        .output()
        .unwrap_or_else(|err| panic!("running {}: {err}", generator.display()));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn huge_spec() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = root.join("target/bench-corpus/huge");
    let marker = out.join("huge.path");
    if !marker.exists() {
        let summary = generate(
            &out,
            &[
                "--files",
                "3",
                "--seed",
                "42",
                "--huge",
                "1",
                "--huge-lines",
                "20000",
            ],
        );
        let huge = summary
            .split("\"huge_files\": [\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("gen_corpus names its huge file");
        std::fs::write(&marker, huge).unwrap();
    }
    let relative = std::fs::read_to_string(&marker).unwrap();
    let path: PathBuf = out.join(relative.trim());
    std::fs::read_to_string(path).expect("the generated spec is UTF-8")
}

/// A byte offset at about 40% of the text, on a line holding non-ASCII text, after
/// its first character: where lspbench types.
pub fn edit_offset(text: &str) -> usize {
    let mut offset = text.len() * 2 / 5;
    for line in text[offset..].split_inclusive('\n') {
        if !line.is_ascii() && line.trim().len() > 4 {
            let first = line.chars().next().map_or(0, char::len_utf8);
            return offset + first;
        }
        offset += line.len();
    }
    text.len() / 2
}
