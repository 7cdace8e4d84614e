//! Diagnostics of specs against their templates: every fixture is rendered as
//! `line:col severity[code] message` (plus its fix) next to the text it flags, and
//! compared with a reviewed snapshot.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use specls_analysis::{CheckContext, Diagnostic, Settings, check};
use specls_syntax::{Document, PositionEncoding};

pub const TODAY: &str = "2026-11-23";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn diagnostics_of(text: &str, settings: &Settings, path: Option<&Path>) -> (Document, Vec<Diagnostic>) {
    let document = Document::new(text);
    let context = CheckContext {
        path,
        settings,
        today: TODAY,
        set_template: None,
    };
    let diagnostics = check(&document, &context);
    (document, diagnostics)
}

pub fn render(text: &str, settings: &Settings, path: Option<&Path>) -> String {
    let (document, diagnostics) = diagnostics_of(text, settings, path);
    let mut out = String::new();
    for d in &diagnostics {
        let start = document.position_at(d.range.start, PositionEncoding::Utf16);
        let flagged = document.slice(d.range.clone());
        let flagged: String = flagged.chars().take(40).collect();
        writeln!(
            out,
            "{}:{} {}[{}] {} <{}>",
            start.line + 1,
            start.character + 1,
            d.severity.name(),
            d.code.name(),
            d.message,
            flagged.replace('\n', "⏎")
        )
        .unwrap();
        if let Some(fix) = &d.fix {
            writeln!(out, "    fix: {}", fix.title).unwrap();
        }
    }
    out
}

fn fixture(path: &str) -> String {
    std::fs::read_to_string(repo().join(path)).unwrap()
}

#[test]
fn feature_spec_seed() {
    let text = fixture("../shared/seeds/feature-spec-template.md");
    let rendered = render(&text, &Settings::default(), None);
    assert!(!rendered.contains("missing-section"), "{rendered}");
    insta::assert_snapshot!(rendered);
}

#[test]
fn design_doc_seed() {
    let text = fixture("../shared/seeds/design-doc-template.md");
    let rendered = render(&text, &Settings::default(), None);
    assert!(!rendered.contains("missing-section"), "{rendered}");
    insta::assert_snapshot!(rendered);
}

#[test]
fn examples() {
    for name in [
        "specs/auth/login.md",
        "specs/payments/checkout.md",
        "design/search-index.md",
    ] {
        let text = fixture(&format!("examples/{name}"));
        assert_eq!(render(&text, &Settings::default(), None), "", "{name}");
    }
    insta::assert_snapshot!(render(
        &fixture("examples/specs/payments/refunds.md"),
        &Settings::default(),
        None
    ));
}

/// Every fixture under `tests/fixtures/`: one snapshot each.
#[test]
fn fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".md"))
        .collect();
    names.sort();
    for name in names {
        let text = std::fs::read_to_string(dir.join(&name)).unwrap();
        let rendered = render(&text, &Settings::default(), None);
        insta::assert_snapshot!(name.trim_end_matches(".md").to_string(), rendered);
    }
}

/// Applying a diagnostic's fix removes that diagnostic.
#[test]
fn fixes_remove_their_diagnostic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut applied = 0;
    for name in [
        "missing-section.md",
        "frontmatter-values.md",
        "order-and-duplicates.md",
        "section-at-another-level.md",
        "sections-in-h3-with-one-h2.md",
    ] {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let settings = Settings::default();
        let (_, diagnostics) = diagnostics_of(&text, &settings, None);
        for diagnostic in diagnostics.iter().filter(|d| d.fix.is_some()) {
            let fix = diagnostic.fix.as_ref().unwrap();
            let mut fixed = text.clone();
            let mut edits = fix.edits.clone();
            edits.sort_by_key(|edit| std::cmp::Reverse(edit.range.start));
            for edit in edits {
                fixed.replace_range(edit.range.clone(), &edit.new_text);
            }
            let (_, after) = diagnostics_of(&fixed, &settings, None);
            assert!(
                !after
                    .iter()
                    .any(|d| d.code == diagnostic.code && d.message == diagnostic.message),
                "{name}: `{}` still reports {:?} after the fix:\n{fixed}",
                fix.title,
                diagnostic.message
            );
            applied += 1;
        }
    }
    assert!(applied >= 6, "only {applied} fixes were tried");
}

/// A spec-kit set's files against the repository's own templates
/// (`tests/fixtures/spec-kit/.specify/templates/`): the sections marked `*(mandatory)*`
/// are required, with or without the mark in the spec; nothing else is reported, and
/// nothing at all without a template or outside a set.
#[test]
fn spec_kit_templates_require_their_mandatory_sections() {
    use specls_analysis::trace::SetTemplate;
    let templates = repo().join("tests/fixtures/spec-kit/.specify/templates");
    let template = |name: &str| {
        let text = std::fs::read_to_string(templates.join(name)).unwrap();
        SetTemplate::derive(&format!(".specify/templates/{name}"), &text)
    };
    let spec_template = template("spec-template.md");
    let settings = Settings::default();
    let check_with = |text: &str, path: &str, set_template: Option<&SetTemplate>| -> Vec<String> {
        let document = Document::new(text);
        let context = CheckContext {
            path: Some(Path::new(path)),
            settings: &settings,
            today: TODAY,
            set_template,
        };
        check(&document, &context)
            .into_iter()
            .map(|d| {
                let fix = d.fix.map(|f| f.edits[0].new_text.clone()).unwrap_or_default();
                format!(
                    "{} {} <{}> {fix:?}",
                    d.code.name(),
                    d.message,
                    document.slice(d.range)
                )
            })
            .collect()
    };
    // Out of order, twice, empty: none of it is reported; only the missing section is.
    let spec = "# Feature Specification: Albums\n\n**Status**: Draft\n\n## Requirements\n\n\
        ## User Scenarios & Testing *(mandatory)*\n\nText.\n\n## Notes\n\n## Notes\n";
    let path = "/ws/specs/001-albums/spec.md";
    assert_eq!(
        check_with(spec, path, Some(&spec_template)),
        [
            "missing-section missing section `## Success Criteria *(mandatory)*` (template \
          .specify/templates/spec-template.md) <Requirements> \
          \"\\n\\n## Success Criteria *(mandatory)*\\n\\n- **SC-001**: [Measurable metric]\\n\""
        ]
    );
    assert_eq!(
        check_with(spec, path, None),
        Vec::<String>::new(),
        "no template, no finding"
    );
    assert_eq!(
        check_with(spec, "/ws/docs/albums.md", Some(&spec_template)),
        Vec::<String>::new(),
        "only a set's files have a set template"
    );
    let plan = "# Implementation Plan: Albums\n\n## Technical Context\n\nRust.\n";
    assert_eq!(
        check_with(
            plan,
            "/ws/specs/001-albums/plan.md",
            Some(&template("plan-template.md"))
        )
        .len(),
        1,
        "Summary"
    );
    let tasks = "# Tasks: Albums\n\n- [ ] T001 Do it\n";
    assert_eq!(
        check_with(
            tasks,
            "/ws/specs/001-albums/tasks.md",
            Some(&template("tasks-template.md"))
        ),
        Vec::<String>::new(),
        "a template without marks requires nothing"
    );
}
