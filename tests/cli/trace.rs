//! `specls trace` and `specls check` on copies of the spec-kit and Kiro fixtures: the
//! coverage matrix in each format, the `--require-coverage` gate, and the traceability
//! findings of `check` without a `.specls.yaml`.

use std::path::Path;

use serde_json::Value;

use super::{repo_root, specls};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of a fixture in a Git workspace of its own.
fn fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo_root().join("tests/fixtures").join(name), dir.path());
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    dir
}

#[test]
fn the_matrix_as_a_table_and_as_markdown() {
    let dir = fixture("spec-kit");
    let run = specls(dir.path(), &["trace"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("spec_kit_trace_table", run.stdout);
    let run = specls(dir.path(), &["trace", "--format", "markdown"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("spec_kit_trace_markdown", run.stdout);
}

#[test]
fn require_coverage_fails_on_an_uncovered_requirement() {
    let dir = fixture("spec-kit");
    let run = specls(dir.path(), &["trace", "--require-coverage"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("2 requirements not covered by any task: specs/001-photo-albums US3, specs/001-photo-albums FR-004"),
        "{}",
        run.stderr
    );
    // Covered once a task cites them.
    let tasks = dir.path().join("specs/001-photo-albums/tasks.md");
    let text = std::fs::read_to_string(&tasks).unwrap();
    std::fs::write(
        &tasks,
        format!("{text}- [ ] T009 [US3] Drag to reorder, expire links (FR-004)\n"),
    )
    .unwrap();
    let run = specls(dir.path(), &["trace", "--require-coverage"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn the_kiro_matrix_as_json() {
    let dir = fixture("kiro");
    let run = specls(dir.path(), &["trace", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let sets: Value = serde_json::from_str(&run.stdout).unwrap();
    let set = &sets[0];
    assert_eq!(set["path"], ".kiro/specs/sign-in");
    assert_eq!(set["layout"], "kiro");
    assert_eq!(set["tasks"]["done"], 2);
    assert_eq!(set["tasks"]["total"], 5);
    let rows: Vec<String> = set["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let tasks: Vec<&str> = r["tasks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["id"].as_str().unwrap())
                .collect();
            format!(
                "{} {} {:?} {}",
                r["id"].as_str().unwrap(),
                r["covered"],
                tasks,
                r["properties"]
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            "1 true [\"2.1\", \"2.2\"] [\"Property 1\"]",
            "1.1 true [\"2.1\"] []",
            "1.2 true [\"2.1\"] []",
            "1.3 true [\"2.2\"] [\"Property 1\"]",
            "2 true [\"1\", \"3\"] [\"Property 2\"]",
            "2.1 true [\"1\", \"3\"] [\"Property 2\"]",
            "2.2 true [\"3\"] []",
            "3 false [] []",
            "3.1 true [] []",
        ]
    );
}

#[test]
fn check_reports_the_sets_without_configuration() {
    let dir = fixture("kiro");
    let run = specls(dir.path(), &["check", "."]);
    assert_eq!(run.code, 0, "warnings only: {}", run.stdout);
    assert_eq!(
        run.stdout.lines().filter(|l| l.contains('[')).collect::<Vec<_>>(),
        [
            ".kiro/specs/sign-in/design.md:19:32: warning[unknown-requirement]: `2.4` is not defined by any file of this spec set",
            ".kiro/specs/sign-in/requirements.md:29:5: warning[uncovered-requirement]: requirement `Requirement 3` is not covered: no task cites it",
        ]
    );
    std::fs::write(
        dir.path().join(".specls.yaml"),
        "severity:\n  ears-form: error\n  uncovered-requirement: off\n",
    )
    .unwrap();
    let run = specls(dir.path(), &["check", "."]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("error[ears-form]: acceptance criterion 2.2"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("uncovered-requirement"), "{}", run.stdout);
}

#[test]
fn a_huge_set_with_a_long_dependency_chain_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let set = dir.path().join("specs/001-big");
    std::fs::create_dir_all(&set).unwrap();
    let mut spec = String::from("# Feature Specification: Big\n\n## Requirements\n\n");
    let mut tasks = String::from("# Tasks\n\n## Phase 1\n\n");
    for i in 1..=3000 {
        spec.push_str(&format!("- **FR-{i:04}**: System MUST do thing {i}.\n"));
        // Each task depends on the next; the last closes a ring of all of them.
        let next = if i == 3000 { 1 } else { i + 1 };
        tasks.push_str(&format!("- [ ] T{i:04} Do FR-{i:04} (depends on T{next:04})\n"));
    }
    std::fs::write(set.join("spec.md"), spec).unwrap();
    std::fs::write(set.join("tasks.md"), tasks).unwrap();
    let run = specls(dir.path(), &["check", ".", "--select", "task-cycle"]);
    assert_eq!(run.stdout.matches("task-cycle").count(), 3000, "{}", run.stderr);
    let run = specls(dir.path(), &["trace", "--require-coverage", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// A `.specls.yaml` whose `specs` glob takes in the whole `specs/` folder (as the editor
/// tests' workspace has) does not make a set's `spec.md` a template spec: it gets the
/// set's findings, never the seeds' missing sections and fields (the real-Neovim check
/// found those).
#[test]
fn a_specs_glob_leaves_the_files_of_a_set_to_the_set_checks() {
    let dir = fixture("spec-kit");
    std::fs::write(dir.path().join(".specls.yaml"), "specs: [\"specs/**/*.md\"]\n").unwrap();
    let run = specls(dir.path(), &["check", "."]);
    assert!(run.stdout.contains("uncovered-requirement"), "{}", run.stdout);
    for noise in ["missing-section", "missing-field"] {
        assert!(!run.stdout.contains(noise), "{noise} in {}", run.stdout);
    }
}

/// `specls check` reads `.specify/templates/spec-template.md` as `spec.md`'s template:
/// a mandatory section the spec lacks is a `missing-section`, and `--fix` inserts it;
/// without the `.specify` folder the same spec has no such finding.
#[test]
fn check_requires_the_mandatory_sections_of_the_spec_kit_templates() {
    let dir = fixture("spec-kit");
    let spec = dir.path().join("specs/001-photo-albums/spec.md");
    let text = std::fs::read_to_string(&spec).unwrap();
    let cut = text.find("## Success Criteria *(mandatory)*").unwrap();
    std::fs::write(&spec, &text[..cut]).unwrap();
    let missing = |dir: &Path| -> Vec<String> {
        let run = specls(dir, &["check", ".", "--select", "missing-section"]);
        run.stdout
            .lines()
            .filter(|l| l.contains("[missing-section]"))
            .map(str::to_string)
            .collect()
    };
    let found = missing(dir.path());
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("specs/001-photo-albums/spec.md:")
            && found[0].ends_with(
                "missing section `## Success Criteria *(mandatory)*` (template .specify/templates/spec-template.md)"
            ),
        "{found:?}"
    );
    specls(dir.path(), &["check", "--fix", "."]);
    let fixed = std::fs::read_to_string(&spec).unwrap();
    assert!(fixed.contains("## Success Criteria *(mandatory)*"), "{fixed}");
    assert_eq!(missing(dir.path()), Vec::<String>::new());

    std::fs::write(&spec, &text[..cut]).unwrap();
    std::fs::remove_dir_all(dir.path().join(".specify")).unwrap();
    assert_eq!(missing(dir.path()), Vec::<String>::new());
}
