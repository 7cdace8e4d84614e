//! Configuration: every key of the design's example, a template from a workspace file,
//! overrides of values, id pattern and severities, and broken files.

use std::path::{Path, PathBuf};

use specls_analysis::{CheckContext, Code, Settings, check};
use specls_syntax::Document;

const TODAY: &str = "2026-11-23";

fn settings(config: &str, files: &[(&str, &str)]) -> Settings {
    let files: Vec<(PathBuf, String)> = files
        .iter()
        .map(|(name, text)| (Path::new("/ws").join(name), text.to_string()))
        .collect();
    Settings::from_config(config, Path::new("/ws"), &|path| {
        files
            .iter()
            .find(|(name, _)| name == path)
            .map(|(_, text)| text.clone())
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"))
    })
}

fn codes(text: &str, settings: &Settings, path: &str) -> Vec<(Code, String)> {
    let document = Document::new(text);
    let path = Path::new(path);
    let context = CheckContext {
        path: Some(path),
        settings,
        today: TODAY,
        set_template: None,
    };
    check(&document, &context)
        .into_iter()
        .map(|d| (d.code, d.message))
        .collect()
}

const DESIGN_EXAMPLE: &str = r#"specs: ["specs/**/*.md", "docs/rfcs/*.md"]
templates:
  - name: rfc
    file: templates/rfc.md
    match: ["docs/rfcs/*.md"]
values:
  status: [draft, accepted, rejected]
  priority: [P0, P1, P2, P3]
id-pattern: "RFC-[0-9]{4}"
severity:
  missing-section: warning     # error | warning | information | hint | off
"#;

const RFC_TEMPLATE: &str = "---\ntitle: {{TITLE}}\nstatus: draft\n---\n\n# {{TITLE}}\n\n## Summary\n\nOne paragraph.\n\n## Motivation\n\nWhy.\n\n## Design (optional)\n\nHow.\n";

#[test]
fn the_design_example_configures_everything() {
    let settings = settings(DESIGN_EXAMPLE, &[("templates/rfc.md", RFC_TEMPLATE)]);
    assert_eq!(settings.problems, vec![]);
    assert_eq!(
        settings.templates.iter().map(|t| t.name()).collect::<Vec<_>>(),
        ["rfc", "feature-spec", "design-doc"]
    );

    // Matched by the rfc glob; values and id pattern from the configuration.
    let rfc = "---\nspec-id: RFC-12\ntitle: Ünicode 😀\nstatus: review\n---\n\n# Ünicode 😀\n\n## Summary\n\nText.\n";
    let found = codes(rfc, &settings, "/ws/docs/rfcs/0012.md");
    let names: Vec<&str> = found.iter().map(|(c, _)| c.name()).collect();
    assert_eq!(
        names,
        ["invalid-value", "invalid-value", "missing-section"],
        "{found:#?}"
    );
    assert!(found[0].1.contains("RFC-[0-9]{4}"), "{found:#?}");
    assert!(
        found[1].1.contains("allowed: draft, accepted, rejected"),
        "{found:#?}"
    );
    assert!(
        found[2].1.contains("## Motivation") && found[2].1.contains("template rfc"),
        "{found:#?}"
    );

    // A file under `specs/` is a spec even without spec frontmatter.
    let plain = "# Notes\n\n## Overview\n\nText.\n";
    assert!(!codes(plain, &settings, "/ws/specs/notes.md").is_empty());
    assert!(codes(plain, &settings, "/ws/notes.md").is_empty());
}

#[test]
fn severities_can_be_changed_or_turned_off() {
    let settings = settings("severity:\n  missing-section: off\n  invalid-value: hint\n", &[]);
    let spec = "---\nspec-id: AUTH-1\nstatus: nope\n---\n\n# T\n";
    let document = Document::new(spec);
    let context = CheckContext {
        path: None,
        settings: &settings,
        today: TODAY,
        set_template: None,
    };
    let diagnostics = check(&document, &context);
    assert!(diagnostics.iter().all(|d| d.code != Code::MissingSection));
    let invalid = diagnostics.iter().find(|d| d.code == Code::InvalidValue).unwrap();
    assert_eq!(invalid.severity, specls_analysis::Severity::Hint);
}

#[test]
fn broken_configurations_are_reported_at_the_offending_key_and_defaults_hold() {
    let cases = [
        ("specs: [a.md]\nsevereity:\n  missing-section: off\n", "severeity"),
        ("severity:\n  missing-sections: off\n", "missing-sections"),
        ("id-pattern: \"RFC-[0-9\"\n", "RFC-[0-9"),
        ("templates:\n  - name: rfc\n    file: missing.md\n", "missing.md"),
        ("values: [oops\n", ""),
        (
            "trace:\n  ids:\n    - { pattern: \"REQ-[0-9\", kind: requirement }\n",
            "REQ-[0-9",
        ),
        ("trace:\n  ids:\n    - { pattern: \"R?\", kind: task }\n", "R?"),
        (
            "trace:\n  ids:\n    - { pattern: \"R[0-9]+\", kind: story }\n",
            "",
        ),
    ];
    for (config, needle) in cases {
        let settings = settings(config, &[]);
        assert_eq!(settings.problems.len(), 1, "{config}: {:#?}", settings.problems);
        let problem = &settings.problems[0];
        if !needle.is_empty() {
            assert!(
                config[problem.range.clone()].contains(needle),
                "{config}: {problem:#?}"
            );
        }
        // The defaults hold: priority values are the built-in ones.
        assert_eq!(settings.allowed_values("priority").unwrap()[0], "critical");
    }
}

/// The JSON Schema shipped for `.specls.yaml` knows every key and every code.
#[test]
fn json_schema_matches_the_configuration() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/specls.schema.json");
    let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let keys: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "id-field",
            "id-pattern",
            "limits",
            "severity",
            "specs",
            "templates",
            "trace",
            "values"
        ]
    );
    let pattern = schema["properties"]["severity"]["patternProperties"]
        .as_object()
        .unwrap()
        .keys()
        .next()
        .unwrap()
        .clone();
    for code in Code::names() {
        assert!(pattern.contains(code), "{code} missing from the schema");
    }
}

/// `limits:` takes bytes or a size with a unit, and reports what it cannot read while the
/// defaults stay in force.
#[test]
fn limits_take_sizes_with_units_and_report_bad_ones() {
    use specls_analysis::Limits;
    let read = |config: &str| settings(config, &[]);
    let defaults = read("specs: [\"*.md\"]\n");
    assert_eq!(defaults.limits, Limits::default());
    assert_eq!(defaults.limits.max_file_size, 8 << 20);

    let cases = [
        ("1024", 1024),
        ("\"1 KB\"", 1 << 10),
        ("512KiB", 512 << 10),
        ("\"2 mb\"", 2 << 20),
        ("1G", 1 << 30),
    ];
    for (written, bytes) in cases {
        let settings = read(&format!("limits:\n  max-file-size: {written}\n  max-files: 7\n"));
        assert_eq!(settings.problems, vec![], "{written}");
        assert_eq!(settings.limits.max_file_size, bytes, "{written}");
        assert_eq!(settings.limits.max_files, 7);
    }

    for written in ["\"8 TB\"", "0", "lots", "\"99999999999999 GB\""] {
        let settings = read(&format!("limits:\n  max-file-size: {written}\n"));
        assert_eq!(settings.problems.len(), 1, "{written}: {:?}", settings.problems);
        assert!(
            settings.problems[0].message.contains("max-file-size"),
            "{written}: {:?}",
            settings.problems[0]
        );
        assert_eq!(settings.limits, Limits::default(), "{written}");
    }
    // A key that is not a limit is a problem of the file, as any unknown key is.
    assert_eq!(read("limits:\n  max-depth: 3\n").problems.len(), 1);
}

/// The yaml fuzzer's case: a template whose HTML block starts `<!D` and a multi-byte
/// character, where "is this a comment" read four bytes and cut the character.
#[test]
fn a_template_block_that_starts_with_a_multibyte_character_is_read() {
    let config = "templates:\n  - name: t\n    file: t.md\n    match: [\"specs/*.md\"]\n";
    let settings = settings(
        config,
        &[("t.md", "# T\n\n<!Dé>\n\n## Summary\n\n<!é\n\n## Risks\n")],
    );
    assert!(settings.problems.is_empty(), "{:?}", settings.problems);
    let found = codes("# A\n\n## Summary\n\nOne.\n", &settings, "/ws/specs/a.md");
    assert!(
        found
            .iter()
            .any(|(code, message)| *code == Code::MissingSection && message.contains("Risks")),
        "{found:?}"
    );
}
