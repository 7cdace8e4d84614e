//! The schemas derived from the two seed templates: every H2 and H3 classified as
//! required, optional or example, with the frontmatter fields the template requires.

use std::fmt::Write;

use specls_analysis::config::built_in_templates;
use specls_analysis::schema::{SectionKind, SectionRule, TemplateSchema};

fn render(schema: &TemplateSchema) -> String {
    fn walk(rules: &[SectionRule], out: &mut String) {
        for rule in rules {
            let kind = match rule.kind {
                SectionKind::Required => "required".to_string(),
                SectionKind::Optional => "optional".to_string(),
                SectionKind::Example => format!("example of {:?}", rule.key),
            };
            let guidance = if rule.guidance.is_empty() {
                ""
            } else {
                " +guidance"
            };
            writeln!(
                out,
                "{} {} — {kind}{guidance}",
                "#".repeat(rule.level.into()),
                rule.title
            )
            .unwrap();
            walk(&rule.subsections, out);
        }
    }
    let mut out = format!("template {}\nfields: {}\n", schema.name, schema.fields.join(", "));
    walk(&schema.sections, &mut out);
    out
}

fn seed(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/seeds")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn feature_spec_schema() {
    insta::assert_snapshot!(render(&TemplateSchema::derive(
        "feature-spec",
        &seed("feature-spec-template.md")
    )));
}

#[test]
fn design_doc_schema() {
    insta::assert_snapshot!(render(&TemplateSchema::derive(
        "design-doc",
        &seed("design-doc-template.md")
    )));
}

/// The built-in templates compiled into specls have the seeds' structure.
#[test]
fn built_in_templates_follow_the_seeds() {
    for (template, seed_name) in built_in_templates()
        .iter()
        .zip(["feature-spec-template.md", "design-doc-template.md"])
    {
        let from_seed = TemplateSchema::derive(template.name(), &seed(seed_name));
        assert_eq!(
            render(&template.schema),
            render(&from_seed),
            "{}",
            template.name()
        );
    }
}
