//! `specls check`, `specls new` and `specls templates` tests: each runs the real binary on a
//! temporary workspace (or on the repository's `examples/`) and looks at its exit status, stdout
//! and stderr, as CI would.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use tempfile::TempDir;

mod fix;
mod gates;
mod hostile;
mod list;
mod new;
mod precision;
mod trace;

/// The repository root (this crate is `server/specls`).
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// A complete `feature-spec` with no diagnostics: multi-byte text, every section in order.
fn complete_spec() -> String {
    std::fs::read_to_string(repo_root().join("server/analysis/tests/fixtures/complete-feature.md")).unwrap()
}

/// The complete spec with `priority: urgent`, an error on line 5, columns 11 to 17.
fn urgent_spec() -> String {
    let spec = complete_spec();
    assert!(spec.contains("\npriority: high\n"), "the fixture changed");
    spec.replace("\npriority: high\n", "\npriority: urgent\n")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn specls(dir: &Path, args: &[&str]) -> Run {
    specls_with(dir, args, &[], None)
}

/// `specls` with environment variables set and, when given, `stdin` piped in. Colour
/// variables of the environment the tests run in are removed, so output is as piped.
fn specls_with(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Run {
    use std::io::Write;
    use std::process::Stdio;

    let mut command = Command::new(env!("CARGO_BIN_EXE_specls"));
    command.args(args).current_dir(dir);
    for var in [
        "NO_COLOR",
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "SPECLS_TEST_EDIT_BEFORE_RENAME",
    ] {
        command.env_remove(var);
    }
    command.envs(env.iter().copied());
    command.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().expect("run specls");
    if let Some(text) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        pipe.write_all(text.as_bytes()).unwrap();
    }
    let output = child.wait_with_output().expect("wait for specls");
    Run {
        code: output.status.code().expect("specls exited by a signal"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// A temporary Git workspace (a `.git` folder is enough for `.gitignore` to apply, and
/// it stops the search for `.specls.yaml` from leaving the workspace).
fn workspace(files: &[(&str, &[u8])]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    for (n, (path, content)) in files.iter().enumerate() {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, unique_id(content, n)).unwrap();
    }
    dir
}

/// The fixture spec's id made unique per file (same length, so columns do not move):
/// the same id in two files would be a `duplicate-id` finding.
fn unique_id(content: &[u8], n: usize) -> Vec<u8> {
    match std::str::from_utf8(content) {
        Ok(text) => text
            .replacen(
                "spec-id: AUTH-12\n",
                &format!("spec-id: AUTH-{}\n", 20 + n % 80),
                1,
            )
            .into_bytes(),
        Err(_) => content.to_vec(),
    }
}

/// The diagnostic lines of human output (before the blank line and the summary).
fn diagnostic_lines(stdout: &str) -> Vec<&str> {
    stdout.lines().take_while(|line| !line.is_empty()).collect()
}

fn summary_line(stdout: &str) -> &str {
    stdout.lines().last().unwrap_or("")
}

#[test]
fn clean_workspace_exits_0() {
    let dir = workspace(&[
        ("specs/passkeys.md", complete_spec().as_bytes()),
        ("README.md", b"# Notes\n\nNot a spec.\n"),
    ]);
    for args in [&["check"][..], &["check", "."], &["check", "specs", "README.md"]] {
        let run = specls(dir.path(), args);
        assert_eq!(run.code, 0, "{args:?}: {}{}", run.stdout, run.stderr);
        assert_eq!(run.stdout, "No problems in 2 files\n", "{args:?}");
        assert_eq!(run.stderr, "", "{args:?}");
    }
}

#[test]
fn plain_markdown_gets_no_diagnostics() {
    let dir = workspace(&[
        (
            "notes.md",
            b"# Notes\n\n## Whatever\n\nTBD {{LATER}} [Your Name]\n",
        ),
        (
            "meeting.md",
            b"---\ntitle: Weekly\ndate: someday\n---\n\n# Weekly\n",
        ),
    ]);
    let run = specls(dir.path(), &["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.stdout, "No problems in 2 files\n");
}

#[test]
fn invalid_priority_exits_1_with_human_lines_and_summary() {
    let dir = workspace(&[
        ("specs/passkeys.md", urgent_spec().as_bytes()),
        ("specs/ok.md", complete_spec().as_bytes()),
        ("notes.md", b"# Notes\n"),
    ]);
    // Paths as walked; `.` (named or by default) adds no `./`.
    for args in [&["check"][..], &["check", "."]] {
        let run = specls(dir.path(), args);
        assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
        let lines = diagnostic_lines(&run.stdout);
        assert_eq!(lines.len(), 1, "{}", run.stdout);
        assert!(
            lines[0].starts_with("specs/passkeys.md:5:11: error[invalid-value]: `urgent`"),
            "{}",
            lines[0]
        );
        assert_eq!(summary_line(&run.stdout), "1 error in 1 of 3 files");
        assert_eq!(run.stdout.lines().count(), 3, "lines, a blank line, the summary");
        assert_eq!(run.stderr, "");
    }
    let run = specls(dir.path(), &["check", "./specs/"]);
    assert!(
        run.stdout.starts_with("./specs/passkeys.md:5:11: "),
        "{}",
        run.stdout
    );
    assert_eq!(summary_line(&run.stdout), "1 error in 1 of 2 files");
}

#[test]
fn human_output_is_sorted_and_columns_count_characters() {
    // A placeholder after an emoji (two UTF-16 units, one character) and CJK text.
    let mut spec = urgent_spec();
    spec.push_str("\nSee 🔑 {{OWNER}} 日本 {{TITLE}}\n");
    let dir = workspace(&[("b.md", spec.as_bytes()), ("a.md", urgent_spec().as_bytes())]);
    let run = specls(dir.path(), &["check"]);
    assert_eq!(run.code, 1);
    let line = spec.lines().count();
    assert_eq!(
        diagnostic_lines(&run.stdout)
            .iter()
            .map(|l| l.split(": ").next().unwrap())
            .collect::<Vec<_>>(),
        [
            "a.md:5:11".to_string(),
            "b.md:5:11".to_string(),
            format!("b.md:{line}:7"),
            format!("b.md:{line}:20"),
        ]
    );
    assert_eq!(summary_line(&run.stdout), "2 errors, 2 warnings in 2 of 2 files");

    // The same positions in JSON are UTF-16 and 0-based.
    let run = specls(dir.path(), &["check", "--format", "json"]);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    let placeholder = &json[2];
    assert_eq!(placeholder["code"], "unfilled-placeholder");
    assert_eq!(placeholder["range"]["start"]["line"], line - 1);
    assert_eq!(placeholder["range"]["start"]["character"], 7);
    assert_eq!(placeholder["range"]["end"]["character"], 16);
    assert_eq!(json[3]["range"]["start"]["character"], 20);
}

#[test]
fn json_output_is_one_array_with_lsp_ranges() {
    let dir = workspace(&[
        ("specs/passkeys.md", urgent_spec().as_bytes()),
        ("notes.md", b"# Notes\n"),
    ]);
    let run = specls(dir.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let json: Value = serde_json::from_str(&run.stdout).expect("stdout is one JSON document");
    let diagnostics = json.as_array().expect("an array");
    assert_eq!(diagnostics.len(), 1, "{json:#}");
    let diagnostic = &diagnostics[0];
    assert_eq!(diagnostic["path"], "specs/passkeys.md");
    assert_eq!(diagnostic["code"], "invalid-value");
    assert_eq!(diagnostic["severity"], "error");
    assert!(diagnostic["message"].as_str().unwrap().contains("urgent"));
    assert_eq!(
        diagnostic["range"],
        serde_json::json!({"start": {"line": 4, "character": 10}, "end": {"line": 4, "character": 16}})
    );
    // The summary is on stderr, so stdout stays machine-readable.
    assert_eq!(run.stderr, "1 error in 1 of 2 files\n");

    let clean = workspace(&[("notes.md", b"# Notes\n")]);
    let run = specls(clean.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        serde_json::from_str::<Value>(&run.stdout).unwrap(),
        serde_json::json!([])
    );
}

#[test]
fn github_output_is_workflow_commands() {
    let mut spec = urgent_spec();
    spec.push_str("\nOwner: {{OWNER}}\n");
    let empty = spec.replace("Users sign in with a passkey instead of a password.\n", "");
    let dir = workspace(&[
        ("specs/a,b.md", spec.as_bytes()),
        ("specs/empty.md", empty.as_bytes()),
    ]);
    let run = specls(dir.path(), &["check", "--format", "github"]);
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines.iter().all(|line| line.starts_with("::")), "{}", run.stdout);
    assert!(
        lines[0].starts_with(
            "::error file=specs/a%2Cb.md,line=5,col=11,endLine=5,endColumn=17,title=specls(invalid-value)::`urgent`"
        ),
        "{}",
        lines[0]
    );
    let line = spec.lines().count();
    assert!(
        lines.iter().any(|l| l.starts_with(&format!(
            "::warning file=specs/a%2Cb.md,line={line},col=8,endLine={line},endColumn=17,title=specls(unfilled-placeholder)::"
        ))),
        "{}",
        run.stdout
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("::notice file=specs/empty.md,") && l.contains("specls(empty-section)")),
        "{}",
        run.stdout
    );
    assert_eq!(
        run.stderr.lines().last(),
        Some("2 errors, 2 warnings, 1 information in 2 of 2 files")
    );
}

#[test]
fn missing_path_exits_2_and_still_checks_the_others() {
    let dir = workspace(&[("specs/passkeys.md", urgent_spec().as_bytes())]);
    let run = specls(dir.path(), &["check", "nowhere.md", "specs"]);
    assert_eq!(run.code, 2, "an IO error wins over an error diagnostic");
    assert!(
        run.stderr
            .contains("specls: nowhere.md: no such file or directory"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout
            .contains("specs/passkeys.md:5:11: error[invalid-value]"),
        "{}",
        run.stdout
    );

    let run = specls(dir.path(), &["check", "nowhere"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("specls: nowhere: no such file or directory"));
}

#[test]
fn invalid_utf8_is_an_encoding_finding_and_the_others_are_still_checked() {
    let dir = workspace(&[
        ("broken.md", b"---\nspec-id: AUTH-1\n---\n\n# Caf\xe9\n"),
        ("specs/passkeys.md", urgent_spec().as_bytes()),
        ("specs/ok.md", complete_spec().as_bytes()),
    ]);
    let run = specls(dir.path(), &["check"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stderr, "");
    assert!(
        run.stdout.contains(
            "broken.md:1:1: error[encoding]: this file is not valid UTF-8 (at byte 30), so it was not checked"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("specs/passkeys.md:5:11: error[invalid-value]"),
        "{}",
        run.stdout
    );
    assert_eq!(summary_line(&run.stdout), "2 errors in 2 of 3 files");
}

#[test]
fn ignored_files_are_skipped_unless_named() {
    let dir = workspace(&[
        (".gitignore", b"drafts/\n"),
        ("drafts/wip.md", urgent_spec().as_bytes()),
        ("vendor/.ignore", b"*.md\n"),
        ("vendor/theirs.md", urgent_spec().as_bytes()),
        ("specs/passkeys.md", complete_spec().as_bytes()),
        ("notes.txt", urgent_spec().as_bytes()),
    ]);
    let run = specls(dir.path(), &["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.stdout, "No problems in 1 file\n");

    // A file named on the command line is checked, ignored or not, whatever its name.
    let run = specls(dir.path(), &["check", "drafts/wip.md", "notes.txt"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("drafts/wip.md:5:11: error[invalid-value]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("notes.txt:5:11: error[invalid-value]"),
        "{}",
        run.stdout
    );
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_not_followed_out_of_the_folder() {
    let outside = workspace(&[("elsewhere/wip.md", urgent_spec().as_bytes())]);
    let dir = workspace(&[("specs/passkeys.md", complete_spec().as_bytes())]);
    std::os::unix::fs::symlink(outside.path().join("elsewhere"), dir.path().join("specs/linked")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("elsewhere/wip.md"),
        dir.path().join("specs/wip.md"),
    )
    .unwrap();
    let run = specls(dir.path(), &["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.stdout, "No problems in 1 file\n");
}

#[test]
fn broken_configuration_is_an_error_reported_once() {
    let dir = workspace(&[
        (".specls.yaml", b"values:\n  priority: [P0, P1\n"),
        ("specs/a.md", complete_spec().as_bytes()),
        ("specs/b.md", complete_spec().as_bytes()),
    ]);
    let run = specls(dir.path(), &["check"]);
    assert_eq!(
        run.code, 1,
        "a broken configuration is an error diagnostic: {}",
        run.stdout
    );
    let lines = diagnostic_lines(&run.stdout);
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    assert!(lines[0].starts_with(".specls.yaml:"), "{}", lines[0]);
    assert!(lines[0].contains(": error[config]: "), "{}", lines[0]);
    assert!(
        run.stderr.contains(".specls.yaml"),
        "also on stderr: {}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1, "once: {}", run.stderr);
    assert_eq!(summary_line(&run.stdout), "1 error in 1 of 3 files");

    let run = specls(dir.path(), &["check", "--format", "json"]);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json[0]["path"], ".specls.yaml");
    assert_eq!(json[0]["code"], "config");
    assert_eq!(json[0]["severity"], "error");
}

#[test]
fn configuration_problems_are_found_from_a_subfolder() {
    let dir = workspace(&[
        (".specls.yaml", b"no-such-key: 1\n"),
        ("specs/a.md", complete_spec().as_bytes()),
    ]);
    let run = specls(&dir.path().join("specs"), &["check"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.starts_with("../.specls.yaml:"), "{}", run.stdout);
}

#[test]
fn usage_errors_exit_2() {
    let dir = workspace(&[]);
    let run = specls(dir.path(), &["check", "--format", "xml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("xml"), "{}", run.stderr);
}

#[test]
fn an_empty_folder_is_clean() {
    let dir = workspace(&[]);
    let run = specls(dir.path(), &["check"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout, "No Markdown files found\n");
}

/// The README's run command.
#[test]
fn examples_report_the_broken_refunds_spec() {
    let run = specls(&repo_root(), &["check", "examples/"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let lines = diagnostic_lines(&run.stdout);
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("examples/specs/payments/refunds.md:")
                && line.contains("error[invalid-value]")),
        "{}",
        run.stdout
    );
    // The workspace checks: a link to a missing file, an id no spec defines.
    for code in ["warning[broken-link]", "warning[unknown-reference]"] {
        assert!(
            lines.iter().any(|line| line.contains(code)),
            "{code}:\n{}",
            run.stdout
        );
    }
    assert!(
        lines
            .iter()
            .all(|line| line.starts_with("examples/specs/payments/refunds.md:")),
        "only refunds.md is broken:\n{}",
        run.stdout
    );
    assert!(
        summary_line(&run.stdout).ends_with(" in 1 of 5 files"),
        "{}",
        run.stdout
    );
}

/// References resolve across the whole workspace even when one file is checked.
#[test]
fn workspace_checks_see_files_outside_the_checked_paths() {
    let login = "---\nspec-id: AUTH-1\ntitle: Login\n---\n\n# Login\n\n## Data Model\n";
    let checkout = "# Notes\n\nNeeds AUTH-1, not AUTH-9. See [model](auth/login.md#data-model) and [x](auth/login.md#nope).\n";
    let dir = workspace(&[
        ("auth/login.md", login.as_bytes()),
        ("notes.md", checkout.as_bytes()),
    ]);
    let run = specls(dir.path(), &["check", "notes.md"]);
    // A note is not a spec: its links are checked, its ids are not.
    assert_eq!(
        diagnostic_lines(&run.stdout),
        ["notes.md:3:73: warning[broken-link]: no heading of `auth/login.md` has the anchor `#nope`"],
        "{}",
        run.stdout
    );
    let spec = format!("---\nspec-id: PAY-1\n---\n{}", &checkout[8..]);
    std::fs::write(dir.path().join("pay.md"), spec).unwrap();
    let run = specls(dir.path(), &["check", "pay.md", "--format", "json"]);
    let found: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    let codes: Vec<&str> = found.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert!(
        codes.contains(&"unknown-reference") && codes.contains(&"broken-link"),
        "{codes:?}"
    );
    assert_eq!(
        codes.iter().filter(|c| **c == "unknown-reference").count(),
        1,
        "{codes:?}"
    );
}
