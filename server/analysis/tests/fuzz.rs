//! Seeded mutational fuzzing of the syntax and analysis layers, over the seed templates,
//! the examples and the EIP corpus, mutated with the bytes that Markdown and YAML care
//! about. Three targets:
//!
//! - `edits`: random edit sequences; after each edit the incrementally edited document
//!   equals a fresh parse of its text (text, trees, block nodes of one whole-document
//!   parse, model, diagnostics);
//! - `readers`: any bytes, read by both readers and given to every analysis (diagnostics,
//!   completion, outline, folding, the index entry); where the two readers' models differ
//!   the case is counted and kept (`target/fuzz/readers-differ-N.md`), since the known
//!   differences of `specls_syntax::fast` make that no failure on arbitrary bytes;
//! - `yaml`: frontmatter YAML and `.specls.yaml` (with a configured template), read and
//!   used by the checks; the one-parse frontmatter reader gives what the two parses give.
//!
//! `cargo test -p specls-analysis --test fuzz` runs a fixed number of cases per target
//! from fixed seeds: deterministic, some twenty seconds each in a debug build. With
//! `SPECLS_FUZZ_SECONDS=N` each target runs for N seconds from a seed of the clock (or
//! `SPECLS_FUZZ_SEED`), printed: `scripts/fuzz TARGET MINUTES`. The input being tried is
//! written to `target/fuzz/TARGET.input` first, so an abort in C code leaves it behind;
//! a failing input is kept as `target/fuzz/TARGET-failure.md` and the test fails, and the
//! slowest as `target/fuzz/TARGET-slowest.md`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use specls_analysis::completion::CompletionInput;
use specls_analysis::{CheckContext, FileEntry, Settings, WorkspaceIndex, check, check_model, complete};
use specls_syntax::frontmatter::{read_fields_once, read_frontmatter, read_frontmatter_twice};
use specls_syntax::markdown::whole_document_block_nodes_dump;
use specls_syntax::{Document, LineIndex, SpecModel};

const TODAY: &str = "2026-12-01";

/// splitmix64: small, fast and the same everywhere, so a seed names a case.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// What Markdown's block and inline grammars and YAML react to.
const MARKDOWN_TOKENS: &[&str] = &[
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "\t",
    " ",
    "    ",
    "# ",
    "## ",
    "### ",
    "---\n",
    "***\n",
    "===\n",
    "- ",
    "* ",
    "+ ",
    "1. ",
    "2) ",
    "> ",
    ">",
    "```",
    "```\n",
    "~~~",
    "`",
    "|",
    "| a | b |\n",
    "|---|---|\n",
    "[",
    "]",
    "(",
    ")",
    "](",
    "[x]",
    "[ ] ",
    "[[",
    "]]",
    "[[SPEC-1]]",
    "SPEC-42",
    "AUTH-7",
    "{{NAME}}",
    "{{",
    "}}",
    "<div>",
    "</div>",
    "<!--",
    "-->",
    "<h1 a>",
    "*",
    "_",
    "**",
    "~~",
    "\\",
    "$",
    "$$",
    "&amp;",
    "<https://x.y>",
    "[a]: b.md\n",
    "[a](b.md#c)",
    "![i](p.png)",
    ":",
    "é",
    "😀",
    "日本",
    "e\u{301}",
    "\u{2028}",
    "\u{0}",
    "\u{feff}",
];

const YAML_TOKENS: &[&str] = &[
    ": ",
    ":",
    "- ",
    "? ",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "&a ",
    "*a",
    "<<: *a\n",
    "!!str ",
    "!t ",
    "|",
    "|-\n",
    ">",
    ">+\n",
    "'",
    "''",
    "\"",
    "\\\"",
    "\\u00e9",
    "#",
    " # c",
    "\n",
    "\n  ",
    "  ",
    "\t",
    "---\n",
    "...\n",
    "%YAML 1.2\n",
    "spec-id: ",
    "depends-on: [",
    "status: draft\n",
    "~",
    "null",
    "1e9",
    "0x1F",
    "é",
    "😀",
    "\u{0}",
];

struct Corpus {
    documents: Vec<String>,
}

fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = Vec::new();
        for dir in [
            root.join("../shared/seeds"),
            root.join("examples"),
            root.join("../shared/corpora"),
        ] {
            markdown_files(&dir, &mut files);
        }
        files.sort();
        let documents: Vec<String> = files
            .iter()
            .filter_map(|path| std::fs::read_to_string(path).ok())
            .collect();
        assert!(documents.len() > 100, "the seeds, examples and corpora are there");
        Corpus { documents }
    })
}

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            markdown_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

/// At most this many bytes of a corpus document are a case's start, to keep cases fast.
const WINDOW: usize = 6_000;

/// A piece of a corpus document, from a line start.
fn sample(rng: &mut Rng) -> Vec<u8> {
    let document = rng.pick(&corpus().documents).as_bytes();
    if document.len() <= WINDOW || rng.chance(30) {
        return document[..document.len().min(WINDOW)].to_vec();
    }
    let mut start = rng.below(document.len() - WINDOW);
    while start > 0 && document[start - 1] != b'\n' {
        start -= 1;
    }
    document[start..start + WINDOW].to_vec()
}

/// A few random mutations of `bytes`: tokens inserted, runs repeated (deep nesting, long
/// lines), ranges deleted or copied, single bytes changed, another document spliced in.
fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>, tokens: &[&str]) {
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(7) {
            0 | 1 => {
                let token = rng.pick(tokens).as_bytes();
                bytes.splice(at..at, token.iter().copied());
            }
            2 => {
                let token = rng.pick(tokens).as_bytes();
                let most = if rng.chance(10) { 3_000 } else { 120 };
                let times = 1 + rng.below(most);
                bytes.splice(at..at, token.repeat(times));
            }
            3 => {
                let end = (at + rng.below(200)).min(bytes.len());
                bytes.drain(at..end);
            }
            4 => {
                let end = (at + rng.below(400)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                let to = rng.below(bytes.len() + 1);
                bytes.splice(to..to, copy);
            }
            5 => {
                if let Some(byte) = bytes.get_mut(at) {
                    *byte = rng.next() as u8;
                }
            }
            _ => {
                let other = sample(rng);
                let from = rng.below(other.len() + 1);
                let end = (from + rng.below(1_000)).min(other.len());
                bytes.splice(at..at, other[from..end].iter().copied());
            }
        }
    }
}

/// Runs `case` on inputs from `make`: a fixed number from fixed seeds, or for
/// `SPECLS_FUZZ_SECONDS` from a clock seed. Returns how many cases ran.
fn fuzz(target: &str, cases: u64, case: impl Fn(&mut Rng, &[u8]), make: impl Fn(&mut Rng) -> Vec<u8>) -> u64 {
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/fuzz");
    std::fs::create_dir_all(&out).expect("target/fuzz");
    let seconds: Option<u64> = std::env::var("SPECLS_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok());
    let base = match (
        seconds,
        std::env::var("SPECLS_FUZZ_SEED")
            .ok()
            .and_then(|s| s.parse().ok()),
    ) {
        (_, Some(seed)) => seed,
        (Some(_), None) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64),
        (None, None) => 20_261_201,
    };
    let deadline = seconds.map(|s| Instant::now() + Duration::from_secs(s));
    if seconds.is_some() {
        eprintln!("fuzz {target}: seed {base}, {} s", seconds.unwrap_or(0));
    }
    let current = out.join(format!("{target}.input"));
    let mut ran = 0;
    let mut slowest = Duration::ZERO;
    loop {
        match deadline {
            Some(deadline) if Instant::now() >= deadline => break,
            None if ran >= cases => break,
            _ => {}
        }
        let seed = base.wrapping_add(ran);
        let mut rng = Rng(seed);
        let input = make(&mut rng);
        if deadline.is_some() {
            std::fs::write(&current, &input).expect("write the current input");
        }
        let started = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| case(&mut rng, &input)));
        if started.elapsed() > slowest {
            slowest = started.elapsed();
            // Time is no failure here, but the slowest input is worth a look.
            std::fs::write(out.join(format!("{target}-slowest.md")), &input).expect("keep the slowest input");
        }
        if let Err(panic) = outcome {
            let kept = out.join(format!("{target}-failure.md"));
            std::fs::write(&kept, &input).expect("keep the failing input");
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!(
                "fuzz {target}: case seed {seed} failed, input in {}: {message}",
                kept.display()
            );
        }
        ran += 1;
    }
    eprintln!("fuzz {target}: {ran} cases from seed {base}, slowest {slowest:.2?}");
    ran
}

fn settings() -> &'static Settings {
    static SETTINGS: OnceLock<Settings> = OnceLock::new();
    SETTINGS.get_or_init(|| Settings::defaults(PathBuf::from("/ws")))
}

fn context(settings: &Settings) -> CheckContext<'_> {
    CheckContext {
        path: Some(Path::new("/ws/specs/fuzz.md")),
        settings,
        today: TODAY,
        set_template: None,
    }
}

fn text_of(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Moves a byte offset back to a character boundary of `text`.
fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// (a) Edits applied one by one equal a fresh parse of the text after each.
fn edit_case(rng: &mut Rng, bytes: &[u8]) {
    let mut text = text_of(bytes);
    let mut document = Document::new(&text);
    for _ in 0..1 + rng.below(6) {
        let start = floor_boundary(&text, rng.below(text.len() + 1));
        let most = if rng.chance(10) { 400 } else { 8 };
        let end = floor_boundary(&text, start + rng.below(most));
        let mut insert = Vec::new();
        for _ in 0..rng.below(4) {
            insert.extend_from_slice(rng.pick(MARKDOWN_TOKENS).as_bytes());
        }
        let insert = text_of(&insert);
        text.replace_range(start..end, &insert);
        document = document.edit(start..end, &insert);
        assert_eq!(document.text(), text);
        let fresh = Document::new(&text);
        assert_eq!(document.debug_dump(), fresh.debug_dump(), "trees of {text:?}");
        let forest = document.block_nodes_dump();
        let whole = whole_document_block_nodes_dump(document.source());
        // tree-sitter's error recovery is not local: where either parse holds an ERROR,
        // the nodes around it depend on where parsing began (a chunk or the document),
        // and the model of such a chunk comes from the fast reader, checked below.
        let recovered = |dump: &str| dump.contains("ERROR") || dump.contains("MISSING");
        if !recovered(&forest) && !recovered(&whole) {
            assert_eq!(forest, whole, "block nodes of {text:?}");
        }
        assert_eq!(document.model(), fresh.model(), "models of {text:?}");
        let settings = settings();
        assert_eq!(
            check(&document, &context(settings)),
            check(&fresh, &context(settings))
        );
    }
}

#[test]
fn edits_equal_a_fresh_parse() {
    fuzz("edits", 300, edit_case, |rng| {
        let mut bytes = sample(rng);
        bytes.truncate(2_000);
        if rng.chance(70) {
            mutate(rng, &mut bytes, MARKDOWN_TOKENS);
        }
        bytes
    });
}

/// How many `readers` cases the two readers read differently (see the module comment).
static READERS_DIFFER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// (b) Any bytes: both readers and every analysis run to the end.
fn readers_case(rng: &mut Rng, bytes: &[u8]) {
    let text = text_of(bytes);
    let fast = SpecModel::read_fast(&text);
    let document = Document::new(&text);
    // Parsed first, so the document's model is the tree-sitter reader's (an opened
    // document's comes from the fast reader until its trees are parsed).
    let _ = document.tree();
    let model = document.model();
    let settings = settings();
    let diagnostics = check(&document, &context(settings));
    let fast_diagnostics = check_model(document.rope(), &fast, &context(settings));
    if *model != fast {
        let n = READERS_DIFFER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if n < 20 {
            let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/fuzz");
            std::fs::write(out.join(format!("readers-differ-{n}.md")), bytes).expect("keep the case");
        }
    } else {
        assert_eq!(diagnostics, fast_diagnostics, "same model, same diagnostics");
    }
    specls_analysis::outline(&model);
    specls_analysis::folding_ranges(&document, &model);
    let path: Arc<Path> = Arc::from(Path::new("/ws/specs/fuzz.md"));
    let entry = FileEntry::new(
        path.clone(),
        &fast,
        settings,
        Some(LineIndex::new(&text)),
        &|range| text.get(range).unwrap_or_default().to_string(),
    );
    let index = WorkspaceIndex::from_entries([entry]);
    for _ in 0..3 {
        let offset = floor_boundary(&text, rng.below(text.len() + 1));
        complete(&CompletionInput {
            document: &document,
            offset,
            path: Some(&path),
            settings,
            index: &index,
            today: TODAY,
            snippets: rng.chance(50),
        });
    }
    // The same text as each file of a spec set: ids, cites, cycles, lenses, the matrix.
    let set: Vec<FileEntry> = [
        "/ws/specs/001-fuzz/spec.md",
        "/ws/specs/001-fuzz/tasks.md",
        "/ws/.kiro/specs/fuzz/requirements.md",
        "/ws/.kiro/specs/fuzz/tasks.md",
        "/ws/.kiro/specs/fuzz/design.md",
    ]
    .iter()
    .map(|path| {
        FileEntry::new(
            Arc::from(Path::new(path)),
            &fast,
            settings,
            Some(LineIndex::new(&text)),
            &|range| specls_analysis::index::clamped(&text, range).to_string(),
        )
    })
    .collect();
    let index = WorkspaceIndex::from_entries(set.clone());
    let context = specls_analysis::workspace_checks::WorkspaceContext {
        index: &index,
        settings,
        file_exists: &|_| false,
    };
    for entry in &set {
        let facts = entry.trace.as_ref().expect("a set's file");
        for cite in &facts.cites {
            assert!(text.is_char_boundary(cite.range.start) && text.is_char_boundary(cite.range.end));
        }
        specls_analysis::workspace_checks::check_workspace(entry, &context);
        specls_analysis::code_lens::spec_lenses(entry, &index);
    }
    specls_analysis::trace::matrix::matrix(&index);
}

#[test]
fn readers_and_analyses_take_any_bytes() {
    let ran = fuzz("readers", 600, readers_case, |rng| {
        let mut bytes = sample(rng);
        mutate(rng, &mut bytes, MARKDOWN_TOKENS);
        bytes
    });
    let differ = READERS_DIFFER.load(std::sync::atomic::Ordering::Relaxed);
    eprintln!("fuzz readers: the readers' models differ on {differ} of {ran} cases");
}

static READ_ONCE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The frontmatter of a corpus document (or a document's first lines), mutated; or, a
/// third of the time, frontmatter of the plain shape the one-parse reader takes, built
/// from pieces that sit on the edge of that shape.
fn yaml_input(rng: &mut Rng) -> Vec<u8> {
    if rng.chance(33) {
        return plain_shaped_yaml(rng).into_bytes();
    }
    let document = sample(rng);
    let text = text_of(&document);
    let yaml = match text
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---"))
    {
        Some((yaml, _)) => yaml.to_string() + "\n",
        None => "spec-id: SPEC-1\ntitle: A\nstatus: draft\ndepends-on: [SPEC-2]\n".to_string(),
    };
    let mut bytes = yaml.into_bytes();
    mutate(rng, &mut bytes, YAML_TOKENS);
    bytes
}

fn plain_shaped_yaml(rng: &mut Rng) -> String {
    const KEYS: &[&str] = &[
        "title",
        "spec-id",
        "depends-on",
        "a",
        "_x",
        "true",
        "Inf",
        "k9",
        "tags",
        "a b",
        "é",
    ];
    const PIECES: &[&str] = &[
        "SPEC-1", "x", " ", "  ", "'", "''", "\"", "\\", "\\u00e9", ":", ": ", "#", " #", ",", "[", "]", "{",
        "-", "- ", ".", "e", "1", "0x1F", "1e999", ".inf", "~", "null", "é", "\u{2028}", "&a", "*a", "!",
        "%", "|", ">", "?", "@", "`", "\t", "\r", "\n", "\n  ", "---", "...",
    ];
    const CLEAN: &[&str] = &[
        "SPEC-1",
        "word",
        " ",
        "2024-01-02",
        "12",
        "Zoë",
        "a.b",
        "x-y",
        "C#",
        "ok",
    ];
    let scalar = |rng: &mut Rng| {
        let mut text: String = (0..1 + rng.below(4))
            .map(|_| {
                if rng.chance(75) {
                    *rng.pick(CLEAN)
                } else {
                    *rng.pick(PIECES)
                }
            })
            .collect();
        match rng.below(4) {
            0 => text = format!("'{}'", text.replace('\'', "''")),
            1 => text = format!("\"{}\"", text.replace(['"', '\\'], "")),
            _ => {}
        }
        text
    };
    let mut yaml = String::new();
    for _ in 0..rng.below(5) {
        if rng.chance(10) {
            yaml.push('\n');
        }
        let key = *rng.pick(KEYS);
        yaml.push_str(key);
        yaml.push_str(if rng.chance(90) { ":" } else { " :" });
        match rng.below(5) {
            0 => {}
            1 => {
                let items: Vec<String> = (0..rng.below(4)).map(|_| scalar(rng)).collect();
                let separator = if rng.chance(85) { ", " } else { ",\n" };
                yaml.push_str(&format!(" [{}]", items.join(separator)));
            }
            2 => {
                let indent = *rng.pick(&["", "  ", "    ", " "][..]);
                for _ in 0..1 + rng.below(3) {
                    yaml.push_str(&format!("\n{indent}- {}", scalar(rng)));
                }
            }
            3 => yaml.push_str(&format!("\n{}{}", rng.pick(&["  ", ""][..]), scalar(rng))),
            _ => yaml.push_str(&format!(" {}", scalar(rng))),
        }
        let end = *rng.pick(&["\n", "\n", "  \n", "\n\n"][..]);
        yaml.push_str(end);
    }
    yaml
}

/// (c) Frontmatter YAML through both readers and the checks; the same bytes as
/// `.specls.yaml`, with a mutated template file.
fn yaml_case(rng: &mut Rng, bytes: &[u8]) {
    let yaml = text_of(bytes);
    let range = 0..yaml.len() + 8;
    assert_eq!(
        read_frontmatter(&yaml, 4, range.clone()),
        read_frontmatter_twice(&yaml, 4, range),
        "one parse and two read one YAML text alike: {yaml:?}"
    );
    if read_fields_once(&yaml, 4).is_some() {
        READ_ONCE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    let text = format!("---\n{yaml}---\n\n# Title\n\n## Overview\n\nText.\n");
    let document = Document::new(&text);
    let fast = SpecModel::read_fast(&text);
    assert_eq!(
        document.model().frontmatter,
        fast.frontmatter,
        "both readers read one YAML text: {yaml:?}"
    );
    let defaults = settings();
    check(&document, &context(defaults));

    let mut template = sample(rng);
    mutate(rng, &mut template, MARKDOWN_TOKENS);
    let template = text_of(&template);
    let config = format!("{yaml}\ntemplates:\n  - name: fuzz\n    file: t.md\n    match: [\"specs/**\"]\n");
    for config in [yaml.as_str(), config.as_str()] {
        let settings = Settings::from_config(config, Path::new("/ws"), &|_| Ok(template.clone()));
        check(&document, &context(&settings));
    }
}

/// The edits fuzzer's case: after frontmatter, a table header with an error in its
/// delimiter row parses to other ERROR nodes from the chunk's start than from the
/// document's; the model is the same either way.
#[test]
fn an_erroneous_table_after_frontmatter_reads_one_model() {
    let text = "---\neip\u{fffd} 7093\nc[ ] [x]\u{e9}ate}}: ERC\nstatus: Moved\n---\n\nThis |\n---\na*]]";
    let before = &text[..text.find("---\na*").unwrap()];
    let document = Document::new(before).edit(before.len()..before.len(), &text[before.len()..]);
    assert_eq!(document.text(), text);
    assert_eq!(document.model(), Document::new(text).model());
    assert_eq!(*document.model(), SpecModel::read_fast(text));
}

#[test]
fn yaml_and_configuration_take_any_bytes() {
    let ran = fuzz("yaml", 1_500, yaml_case, yaml_input);
    let once = READ_ONCE.load(std::sync::atomic::Ordering::Relaxed);
    eprintln!("fuzz yaml: {once} of {ran} frontmatter texts read with one parse");
}
