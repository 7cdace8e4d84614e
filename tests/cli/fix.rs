//! `specls check --fix` and `--diff`: the safe fixes written through a temporary file,
//! line endings, byte order mark and permissions kept, a file changed meanwhile or a link
//! out of the workspace left alone.

use std::path::Path;

use super::{complete_spec, diagnostic_lines, specls, specls_with, summary_line, workspace};

/// The complete spec without its Success Criteria section, `priority: hihg` (a typo: a
/// safe fix) and `updated: TBD` (today's date is the fix).
fn fixable_spec() -> String {
    let spec = complete_spec();
    let start = spec.find("## Success Criteria\n").expect("the fixture changed");
    let end = spec.find("## Dependencies\n").unwrap();
    let mut spec = format!("{}{}", &spec[..start], &spec[end..]);
    for (from, to) in [
        ("\npriority: high\n", "\npriority: hihg\n"),
        ("\nupdated: 2026-02-01\n", "\nupdated: TBD\n"),
    ] {
        assert!(spec.contains(from), "the fixture changed");
        spec = spec.replace(from, to);
    }
    spec
}

/// The local date, as specls writes it.
fn today() -> String {
    let output = std::process::Command::new("date")
        .arg("+%Y-%m-%d")
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap()
}

#[test]
fn fix_writes_the_safe_fixes_and_reports_what_is_left() {
    let left = fixable_spec().replace("\nstatus: approved\n", "\nstatus: aproved-ish\n");
    let dir = workspace(&[
        ("specs/a.md", fixable_spec().as_bytes()),
        ("specs/b.md", left.as_bytes()),
    ]);
    let run = specls(dir.path(), &["check", "--fix"]);
    let a = read(dir.path(), "specs/a.md");
    assert!(a.contains("\npriority: high\n"), "{a}");
    assert!(a.contains(&format!("\nupdated: {}\n", today())), "{a}");
    let criteria = a
        .find("\n## Success Criteria\n")
        .expect("the section is inserted");
    assert!(
        criteria < a.find("\n## Dependencies\n").unwrap(),
        "at its template place"
    );
    assert!(criteria > a.find("\n## Task Breakdown\n").unwrap());

    // b.md keeps its unknown status (no value is surely meant), so the run fails on it;
    // the inserted sections hold the template's guidance, for the author to replace.
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        diagnostic_lines(&run.stdout),
        [
            "specs/a.md:66:4: information[empty-section]: `Success Criteria` still holds only the template's guidance",
            "specs/b.md:4:9: error[invalid-value]: `aproved-ish` is not a valid status; allowed: draft, review, approved, in-progress, implemented, deprecated, superseded, rejected",
            "specs/b.md:66:4: information[empty-section]: `Success Criteria` still holds only the template's guidance",
        ],
        "{}",
        run.stdout
    );
    assert_eq!(
        summary_line(&run.stdout),
        "Fixed 6 problems in 2 files (missing-section 2, invalid-value 2, unfilled-placeholder 2); 1 error, 2 information in 2 of 2 files"
    );
    // Fixed once, nothing is left to fix.
    let again = specls(dir.path(), &["check", "--fix", "specs/a.md"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(summary_line(&again.stdout), "1 information in 1 file");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("specs"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !name.ends_with(".md"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn fix_keeps_crlf_a_byte_order_mark_and_permissions() {
    let crlf = fixable_spec().replace('\n', "\r\n");
    let bom = format!("\u{feff}{}", fixable_spec());
    let dir = workspace(&[("crlf.md", crlf.as_bytes()), ("bom.md", bom.as_bytes())]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path().join("crlf.md"), std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let run = specls(dir.path(), &["check", "--fix", "crlf.md", "bom.md"]);
    assert!(
        summary_line(&run.stdout).starts_with("Fixed 6 problems in 2 files"),
        "{}{}",
        run.stdout,
        run.stderr
    );

    let crlf = read(dir.path(), "crlf.md");
    assert!(crlf.contains("\r\n## Success Criteria\r\n"), "{crlf:?}");
    assert_eq!(
        crlf.matches('\n').count(),
        crlf.matches("\r\n").count(),
        "every line ends in CRLF"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("crlf.md"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    let bom = read(dir.path(), "bom.md");
    assert!(bom.starts_with("\u{feff}---\n"), "{:?}", &bom[..10]);
    assert!(bom.contains("\n## Success Criteria\n"));
}

#[test]
fn diff_prints_the_fixes_and_writes_nothing() {
    let dir = workspace(&[
        ("specs/a.md", fixable_spec().as_bytes()),
        ("specs/ok.md", complete_spec().as_bytes()),
    ]);
    let original = read(dir.path(), "specs/a.md");
    let run = specls(dir.path(), &["check", "--diff"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.starts_with("--- a/specs/a.md\n+++ b/specs/a.md\n@@ "),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\n-priority: hihg\n+priority: high\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("\n+## Success Criteria\n"), "{}", run.stdout);
    assert!(!run.stdout.contains("ok.md"), "{}", run.stdout);
    assert_eq!(
        run.stderr,
        "Would fix 3 problems in 1 file (missing-section 1, invalid-value 1, unfilled-placeholder 1)\n"
    );
    assert_eq!(read(dir.path(), "specs/a.md"), original);

    let clean = specls(dir.path(), &["check", "--diff", "specs/ok.md"]);
    assert_eq!(
        (clean.code, clean.stdout.as_str(), clean.stderr.as_str()),
        (0, "", "No fixes to make\n")
    );
}

#[test]
fn a_file_changed_while_it_is_fixed_is_left_alone() {
    if !cfg!(debug_assertions) {
        return; // The test hook exists in debug builds only.
    }
    let dir = workspace(&[("a.md", fixable_spec().as_bytes())]);
    let original = read(dir.path(), "a.md");
    let run = specls_with(
        dir.path(),
        &["check", "--fix"],
        &[("SPECLS_TEST_EDIT_BEFORE_RENAME", "1")],
        None,
    );
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("specls: a.md: changed while specls was fixing it; not fixed"),
        "{}",
        run.stderr
    );
    assert_eq!(
        read(dir.path(), "a.md"),
        format!("{original}\nEdited meanwhile.\n")
    );
}

#[cfg(unix)]
#[test]
fn links_are_fixed_inside_the_workspace_only() {
    let outside = workspace(&[("theirs.md", fixable_spec().as_bytes())]);
    let dir = workspace(&[("specs/real.md", fixable_spec().as_bytes())]);
    std::os::unix::fs::symlink(outside.path().join("theirs.md"), dir.path().join("specs/out.md")).unwrap();
    std::os::unix::fs::symlink("real.md", dir.path().join("specs/alias.md")).unwrap();
    let theirs = read(outside.path(), "theirs.md");

    let run = specls(dir.path(), &["check", "--fix", "specs/out.md"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("specls: specs/out.md: a symbolic link to ")
            && run.stderr.contains("outside the workspace"),
        "{}",
        run.stderr
    );
    assert_eq!(read(outside.path(), "theirs.md"), theirs);

    let run = specls(dir.path(), &["check", "--fix", "specs/alias.md"]);
    assert!(
        summary_line(&run.stdout).starts_with("Fixed 3 problems in 1 file"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    assert!(read(dir.path(), "specs/real.md").contains("\n## Success Criteria\n"));
    let alias = std::fs::symlink_metadata(dir.path().join("specs/alias.md")).unwrap();
    assert!(alias.file_type().is_symlink(), "the link stays a link");
}

#[test]
fn fix_of_stdin_prints_the_fixed_text() {
    let dir = workspace(&[]);
    let run = specls_with(
        dir.path(),
        &["check", "--fix", "--stdin-filename", "specs/new.md"],
        &[],
        Some(&fixable_spec()),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("\n## Success Criteria\n") && run.stdout.contains("\npriority: high\n"));
    assert!(
        run.stderr.ends_with("Fixed 3 problems in 1 file (missing-section 1, invalid-value 1, unfilled-placeholder 1); 1 information in 1 file\n"),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("specs/new.md").exists(), "nothing is written");
}
