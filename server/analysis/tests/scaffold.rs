//! New specs from templates: the placeholders that can be filled are, the result
//! follows its template (no missing section), and a configured template that the
//! settings would not choose is named with a `template:` key.

use std::path::Path;

use specls_analysis::{CheckContext, Code, Fill, Settings, check, scaffold};
use specls_syntax::Document;

const TODAY: &str = "2026-03-14";

fn new_spec(template: &str, fill: &Fill<'_>, settings: &Settings, path: &str) -> String {
    let template = settings.template(template).unwrap();
    scaffold(template, fill, settings, Some(Path::new(path)))
}

fn codes(text: &str, settings: &Settings, path: &str) -> Vec<(Code, String)> {
    let context = CheckContext {
        path: Some(Path::new(path)),
        settings,
        today: TODAY,
        set_template: None,
    };
    check(&Document::new(text), &context)
        .into_iter()
        .map(|d| (d.code, d.message))
        .collect()
}

/// The frontmatter and the title heading, where the filling happens.
fn head(text: &str) -> String {
    text.split("\n## ").next().unwrap().to_string()
}

#[test]
fn feature_spec_with_id_and_title() {
    let settings = Settings::default();
    let fill = Fill {
        id: Some("AUTH-12"),
        title: Some("Passkey login: phase 2"),
        today: TODAY,
    };
    let text = new_spec("feature-spec", &fill, &settings, "/ws/specs/passkeys.md");
    insta::assert_snapshot!(head(&text));
    assert!(text.ends_with("- 2026-03-14: Initial draft created\n"), "{text}");
    let found = codes(&text, &settings, "/ws/specs/passkeys.md");
    assert!(
        !found.iter().any(|(code, _)| *code == Code::MissingSection),
        "{found:#?}"
    );
}

#[test]
fn design_doc_with_title_only() {
    let settings = Settings::default();
    let fill = Fill {
        id: None,
        title: Some("Search index"),
        today: TODAY,
    };
    let text = new_spec("design-doc", &fill, &settings, "/ws/design/search.md");
    insta::assert_snapshot!(head(&text));
    let found = codes(&text, &settings, "/ws/design/search.md");
    assert!(
        !found
            .iter()
            .any(|(code, _)| matches!(code, Code::MissingSection | Code::MissingField)),
        "{found:#?}"
    );
}

#[test]
fn configured_template_is_named_when_globs_would_not_choose_it() {
    let config = "templates:\n  - name: rfc\n    file: rfc.md\n    match: [\"rfcs/*.md\"]\n";
    let rfc = "---\nstatus: draft\ndecided: YYYY-MM-DD\n---\n\n# {{TITLE}}\n\n## Motivation\n\nWhy.\n";
    let settings = Settings::from_config(config, Path::new("/ws"), &|_| Ok(rfc.to_string()));
    let fill = Fill {
        id: None,
        title: Some("Tabs"),
        today: TODAY,
    };
    let matched = new_spec("rfc", &fill, &settings, "/ws/rfcs/tabs.md");
    assert_eq!(
        matched,
        "---\nstatus: draft\ndecided: 2026-03-14\n---\n\n# Tabs\n\n## Motivation\n\nWhy.\n"
    );
    let elsewhere = new_spec("rfc", &fill, &settings, "/ws/notes/tabs.md");
    assert!(
        elsewhere.starts_with("---\ntemplate: rfc\nstatus: draft\n"),
        "{elsewhere}"
    );
    // Checked against `rfc`: only its guidance is left to replace.
    let found = codes(&elsewhere, &settings, "/ws/notes/tabs.md");
    assert_eq!(
        found,
        [(
            Code::EmptySection,
            "`Motivation` still holds only the template's guidance".to_string()
        )]
    );
}
