//! `specls new` and `specls templates`: new specs follow their template, files are never
//! overwritten, ids continue the workspace's numbering.

use serde_json::Value;

use super::{specls, workspace};

/// The codes `specls check --format json` reports for one file.
fn codes(dir: &std::path::Path, file: &str) -> Vec<String> {
    let run = specls(dir, &["check", "--format", "json", file]);
    let json: Value = serde_json::from_str(&run.stdout).expect("one JSON document");
    json.as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn new_specs_from_both_templates_lack_no_section() {
    let dir = workspace(&[]);
    for (template, file) in [
        ("feature-spec", "specs/passkeys.md"),
        ("design-doc", "docs/search-index.md"),
    ] {
        let run = specls(
            dir.path(),
            &[
                "new",
                template,
                file,
                "--id",
                "SPEC-001",
                "--title",
                "Passkeys: phase 2",
            ],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(run.stdout, format!("{file}\n"));
        let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
        assert!(text.contains("title: \"Passkeys: phase 2\"\n"), "{text}");
        assert!(text.contains("status: draft\n"), "{text}");
        let found = codes(dir.path(), file);
        for absent in [
            "missing-section",
            "missing-field",
            "invalid-value",
            "invalid-date",
        ] {
            assert!(!found.iter().any(|c| c == absent), "{template}: {found:?}");
        }
    }
    let feature = std::fs::read_to_string(dir.path().join("specs/passkeys.md")).unwrap();
    assert!(feature.starts_with("---\nspec-id: SPEC-001\n"), "{feature}");
}

/// A new user's first spec: a real id, and only what the author must still write is
/// reported (sections holding the template's guidance, fields to fill), not the
/// template's example links.
#[test]
fn a_first_spec_gets_the_first_id_and_no_broken_links() {
    let dir = workspace(&[]);
    let run = specls(dir.path(), &["new", "feature-spec", "specs/login.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(dir.path().join("specs/login.md")).unwrap();
    assert!(text.starts_with("---\nspec-id: SPEC-1\ntitle: Login\n"), "{text}");
    assert!(
        text.contains("- [Design Document](link)"),
        "the template's examples stay: {text}"
    );
    let mut found = codes(dir.path(), "specs/login.md");
    found.sort();
    found.dedup();
    assert_eq!(found, ["empty-section", "unfilled-placeholder"]);

    let configured = workspace(&[(".specls.yaml", b"id-pattern: \"RFC-[0-9]{4}\"\n")]);
    let run = specls(configured.path(), &["new", "design-doc", "docs/search.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = specls(configured.path(), &["new", "feature-spec", "specs/tabs.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(configured.path().join("specs/tabs.md")).unwrap();
    assert!(text.starts_with("---\nspec-id: RFC-0001\n"), "{text}");
    let mut found = codes(configured.path(), "docs/search.md");
    found.sort();
    found.dedup();
    assert_eq!(found, ["empty-section", "unfilled-placeholder"]);
}

#[test]
fn an_existing_file_is_never_overwritten() {
    let dir = workspace(&[("specs/a.md", b"# Mine\n")]);
    let run = specls(dir.path(), &["new", "feature-spec", "specs/a.md"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("specs/a.md already exists"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("specs/a.md")).unwrap(),
        "# Mine\n"
    );
    let run = specls(dir.path(), &["new", "rfc", "specs/b.md"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("unknown template `rfc`; templates are feature-spec, design-doc"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_next_free_id_continues_the_most_used_prefix() {
    let spec = |id: &str| format!("---\nspec-id: {id}\nstatus: draft\n---\n\n# {id}\n");
    let dir = workspace(&[
        ("specs/a.md", spec("SPEC-007").as_bytes()),
        ("specs/deep/b.md", spec("SPEC-012").as_bytes()),
        ("specs/c.md", spec("AUTH-3").as_bytes()),
    ]);
    // Run from a subfolder: the workspace is the folder holding `.git`.
    let run = specls(
        &dir.path().join("specs"),
        &["new", "feature-spec", "new/recovery.md"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(dir.path().join("specs/new/recovery.md")).unwrap();
    assert!(
        text.starts_with("---\nspec-id: SPEC-013\ntitle: Recovery\n"),
        "{text}"
    );
}

#[test]
fn templates_lists_built_in_and_configured_templates() {
    let dir = workspace(&[
        (
            ".specls.yaml",
            b"templates:\n  - name: rfc\n    file: templates/rfc.md\n",
        ),
        (
            "templates/rfc.md",
            b"# {{TITLE}}\n\n## Motivation\n\n## Decision\n",
        ),
    ]);
    let run = specls(dir.path(), &["templates"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    assert!(
        lines[0].starts_with("rfc           templates/rfc.md  From templates/rfc.md: Motivation, Decision"),
        "{}",
        run.stdout
    );
    assert!(lines[1].starts_with("feature-spec  built-in"), "{}", run.stdout);

    // A spec from the configured template names it, as no glob chooses it.
    let run = specls(dir.path(), &["new", "rfc", "docs/tabs.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(dir.path().join("docs/tabs.md")).unwrap();
    assert_eq!(
        text,
        "---\ntemplate: rfc\n---\n\n# Tabs\n\n## Motivation\n\n## Decision\n"
    );
}
