//! Hostile workspaces under `specls check`: each run is bounded in time (killed and failed
//! when it runs over) and in memory (an address-space limit), so a regression fails here
//! instead of hanging CI or eating the machine.

#![cfg(unix)]

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{Run, complete_spec, diagnostic_lines, workspace};

#[path = "../common/bounded.rs"]
mod bounded;
use bounded::limit_address_space;

/// `specls ARGS` in `dir`, killed after `limit`.
fn specls_bounded(dir: &Path, args: &[&str], limit: Duration) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_specls"));
    command
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    limit_address_space(&mut command);
    let mut child = command.spawn().expect("run specls");
    // Drained while it runs: a report larger than a pipe's buffer must not stall it.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            pipe.read_to_end(&mut bytes).expect("read a pipe");
            String::from_utf8(bytes).expect("specls writes UTF-8")
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for specls") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("specls {args:?} ran over {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status
            .code()
            .unwrap_or_else(|| panic!("specls {args:?} was killed: {status}")),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

fn mkfifo(path: &Path) {
    let path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o644) }, 0, "mkfifo");
}

const BOUND: Duration = Duration::from_secs(60);

#[test]
fn a_fifo_named_like_a_spec_is_skipped_with_a_finding() {
    let dir = workspace(&[("specs/ok.md", complete_spec().as_bytes())]);
    mkfifo(&dir.path().join("specs/spec.md"));
    // Walked: the FIFO is not a regular file and is never opened; stderr says so.
    let run = specls_bounded(dir.path(), &["check"], BOUND);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "No problems in 1 file\n");
    assert!(
        run.stderr
            .contains("specs/spec.md: skipped, a FIFO is not a regular file"),
        "{}",
        run.stderr
    );
    // Named: checked only as far as to say why not.
    let run = specls_bounded(dir.path(), &["check", "specs/spec.md"], BOUND);
    assert!(
        run.stdout
            .contains("specs/spec.md:1:1: warning[skipped-file]: not checked: a FIFO is not a regular file"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    assert_eq!(run.code, 0);
}

#[test]
fn dev_zero_linked_as_a_spec_is_never_read() {
    let dir = workspace(&[("specs/ok.md", complete_spec().as_bytes())]);
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("specs/zero.md")).unwrap();
    let run = specls_bounded(dir.path(), &["check"], BOUND);
    assert_eq!(run.stdout, "No problems in 1 file\n", "{}", run.stderr);
    let run = specls_bounded(dir.path(), &["check", "specs/zero.md"], BOUND);
    assert!(
        run.stdout.contains(
            "specs/zero.md:1:1: warning[skipped-file]: not checked: a device is not a regular file"
        ),
        "{}{}",
        run.stdout,
        run.stderr
    );
}

#[test]
fn a_huge_sparse_file_is_skipped_with_a_finding() {
    let dir = workspace(&[("specs/ok.md", complete_spec().as_bytes())]);
    let file = std::fs::File::create(dir.path().join("specs/huge.md")).unwrap();
    file.set_len(1 << 30).unwrap();
    let run = specls_bounded(dir.path(), &["check"], BOUND);
    assert!(
        run.stdout.contains(
            "specs/huge.md:1:1: warning[skipped-file]: not checked: 1024 MB is over the limit of 8 MB (limits.max-file-size)"
        ),
        "{}{}",
        run.stdout,
        run.stderr
    );
    assert_eq!(run.code, 0, "a skipped file is a warning");
}

#[test]
fn symlink_loops_and_a_link_to_the_root_are_not_walked() {
    let dir = workspace(&[("specs/ok.md", complete_spec().as_bytes())]);
    std::os::unix::fs::symlink(".", dir.path().join("specs/loop")).unwrap();
    std::os::unix::fs::symlink("b", dir.path().join("specs/a")).unwrap();
    std::os::unix::fs::symlink("a", dir.path().join("specs/b")).unwrap();
    std::os::unix::fs::symlink("/", dir.path().join("specs/root")).unwrap();
    let run = specls_bounded(dir.path(), &["check"], BOUND);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "No problems in 1 file\n");
}

#[test]
fn a_hundred_thousand_tiny_files_are_checked_in_bounded_time() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    for folder in 0..100 {
        let folder_path = dir.path().join(format!("notes/{folder}"));
        std::fs::create_dir_all(&folder_path).unwrap();
        for file in 0..1000 {
            std::fs::write(folder_path.join(format!("{file}.md")), "# Note\n\nText.\n").unwrap();
        }
    }
    let run = specls_bounded(dir.path(), &["check"], Duration::from_secs(120));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "No problems in 100000 files\n");
}

/// A spec whose frontmatter holds `yaml` after its `spec-id` (`SPEC-n`).
fn spec_with_frontmatter(n: usize, yaml: &str) -> Vec<u8> {
    format!("---\nspec-id: SPEC-{n}\n{yaml}---\n\n# Title\n\n## Overview\n\nText.\n").into_bytes()
}

#[test]
fn deep_frontmatter_is_a_finding_and_the_rest_is_checked() {
    // The file: 253 levels aborted `specls check` (and the server) with SIGABRT.
    let staircase: String = (1..=253).map(|level| " ".repeat(level) + "k:\n").collect();
    let files = [
        ("staircase.md", format!("x:\n{staircase}")),
        ("compact.md", format!("x:\n{}k\n", "- ".repeat(10_000))),
        (
            "flow.md",
            format!("x: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
        ),
    ];
    let contents: Vec<(&str, Vec<u8>)> = files
        .iter()
        .enumerate()
        .map(|(n, (name, yaml))| (*name, spec_with_frontmatter(n, yaml)))
        .collect();
    let borrowed: Vec<(&str, &[u8])> = contents.iter().map(|(n, c)| (*n, c.as_slice())).collect();
    let dir = workspace(&borrowed);
    let run = specls_bounded(dir.path(), &["check"], BOUND);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let lines = diagnostic_lines(&run.stdout);
    for (name, _) in &files {
        let finding = lines
            .iter()
            .find(|line| line.starts_with(&format!("{name}:")) && line.contains("error[frontmatter-syntax]"))
            .unwrap_or_else(|| panic!("no frontmatter finding for {name}:\n{}", run.stdout));
        assert!(finding.contains("nested more than 64 levels deep"), "{finding}");
        // The body is checked too: the template's sections after Overview are missing.
        assert!(
            lines
                .iter()
                .any(|line| line.starts_with(&format!("{name}:")) && line.contains("missing-section")),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn a_billion_laughs_and_an_unclosed_deep_flow_are_read_at_once() {
    let mut laughs = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let items = vec![format!("*a{}", level - 1); 9].join(", ");
        laughs.push_str(&format!("a{level}: &a{level} [{items}]\n"));
    }
    // An unclosed bracket makes the whole block one error for tree-sitter-yaml, `spec-id`
    // included: the configuration says that the file is a spec.
    let unclosed = format!("x: {}\n", "[".repeat(100_000));
    let dir = workspace(&[
        (".specls.yaml", b"specs: [\"specs/**/*.md\"]\n"),
        ("specs/laughs.md", &spec_with_frontmatter(1, &laughs)),
        ("specs/unclosed.md", &spec_with_frontmatter(2, &unclosed)),
    ]);
    let run = specls_bounded(dir.path(), &["check"], BOUND);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let lines = diagnostic_lines(&run.stdout);
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("specs/unclosed.md:") && line.contains("frontmatter-syntax")),
        "{}",
        run.stdout
    );
    let laughs = lines
        .iter()
        .find(|line| line.starts_with("specs/laughs.md:") && line.contains("frontmatter-syntax"))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(
        laughs.contains("aliases that expand this much are refused"),
        "{laughs}"
    );
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("specs/laughs.md:") && line.contains("missing-section")),
        "{}",
        run.stdout
    );
}

/// A spec (`SPEC-n`) whose body holds `body` after its Overview.
fn spec_with_body(n: usize, body: &str) -> Vec<u8> {
    format!("---\nspec-id: SPEC-{n}\n---\n\n# Title\n\n## Overview\n\n{body}\n## After\n\nText.\n")
        .into_bytes()
}

#[test]
fn deep_nesting_and_long_lines_are_checked_in_linear_time() {
    // `'- '*40000 + 'x'` took 5.5 s, 100,000 items 48 s: quadratic in the fast reader.
    let deep = [
        ("items.md", "- ".repeat(100_000) + "x\n"),
        (
            "quotes.md",
            (1..=1_000).map(|depth| ">".repeat(depth) + " x\n").collect(),
        ),
        ("quote-line.md", ">".repeat(100_000) + " x\n"),
        (
            "indented.md",
            (0..300).map(|depth| "  ".repeat(depth) + "- x\n").collect(),
        ),
    ];
    let heading = format!("### {}\n", "word ".repeat(200_000));
    // A megabyte of links in one paragraph: each bracket was looked up among all links.
    let links = "[x](y.md) ".repeat(100_000) + "\n";
    let mut files: Vec<(&str, Vec<u8>)> = deep
        .iter()
        .enumerate()
        .map(|(n, (name, body))| (*name, spec_with_body(n, body)))
        .collect();
    files.push(("heading.md", spec_with_body(9, &heading)));
    files.push(("links.md", spec_with_body(10, &links)));
    let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(n, c)| (*n, c.as_slice())).collect();
    let dir = workspace(&borrowed);
    let run = specls_bounded(dir.path(), &["check"], BOUND);
    assert_eq!(run.code, 0, "warnings only: {}{}", run.stdout, run.stderr);
    let lines = diagnostic_lines(&run.stdout);
    for (name, _) in &deep {
        let finding = lines
            .iter()
            .find(|line| line.starts_with(&format!("{name}:")) && line.contains("[nesting-limit]"))
            .unwrap_or_else(|| panic!("no nesting-limit for {name}:\n{}", run.stdout));
        assert!(finding.contains("more than 100 levels deep"), "{finding}");
    }
    // The 1 MB heading is a heading like any other: a section the template does not know.
    assert!(
        !lines
            .iter()
            .any(|line| line.starts_with("heading.md:") && line.contains("nesting-limit"))
    );
    assert!(
        lines.iter().any(|line| line.starts_with("heading.md:")),
        "{}",
        run.stdout
    );
    // `y.md` is missing: every one of the links is a finding.
    let broken = lines
        .iter()
        .filter(|line| line.starts_with("links.md:") && line.contains("broken-link"))
        .count();
    assert_eq!(broken, 100_000);
}

/// `limits:` in `.specls.yaml` lowers (or raises) the bounds: a file over `max-file-size`
/// is a `skipped-file` finding and the others are checked; `specls list` indexes at most
/// `max-files` files of a folder and says so on stderr.
#[test]
fn limits_from_the_configuration_skip_large_files_and_cap_the_index() {
    let big = format!("{}\n{}", complete_spec(), "Filler text. ".repeat(200));
    let dir = workspace(&[
        (
            ".specls.yaml",
            b"limits:\n  max-file-size: 2 KB\n  max-files: 2\n",
        ),
        ("specs/a.md", complete_spec().as_bytes()),
        ("specs/b.md", big.as_bytes()),
        (
            "specs/c.md",
            complete_spec().replace("AUTH-12", "AUTH-13").as_bytes(),
        ),
    ]);
    let run = specls_bounded(dir.path(), &["check"], BOUND);
    assert_eq!(
        diagnostic_lines(&run.stdout)
            .into_iter()
            .filter(|line| line.contains("[skipped-file]"))
            .collect::<Vec<_>>(),
        [
            "specs/b.md:1:1: warning[skipped-file]: not checked: 4 KB is over the limit of 2 KB (limits.max-file-size)"
        ],
        "{}{}",
        run.stdout,
        run.stderr
    );
    assert!(!run.stdout.contains("specs/a.md"), "{}", run.stdout);

    let run = specls_bounded(dir.path(), &["list"], BOUND);
    assert!(
        run.stderr.contains(
            "3 Markdown files, over the limit of 2 (limits.max-files); the first 2 in path order are indexed"
        ),
        "{}",
        run.stderr
    );
}
