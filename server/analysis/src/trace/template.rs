//! A spec-kit repository's own templates as the templates of its sets' files:
//! `<root>/.specify/templates/spec-template.md` shapes `<root>/specs/NNN-x/spec.md`
//! (`plan-template.md` → `plan.md`, `tasks-template.md` → `tasks.md`). spec-kit marks
//! what a spec must have in the heading (`## Requirements *(mandatory)*`), so only those
//! sections are required; everything else the template holds is a suggestion. Which file
//! is whose template is a function of the path; reading it is the caller's business.

use std::path::{Path, PathBuf};

use super::{Role, SetKind, set_of};
use crate::schema::{SectionKind, SectionRule, TemplateSchema};

/// The mark spec-kit writes after a heading that every spec must have.
pub const MANDATORY_MARK: &str = "(mandatory)";

/// The template file of a spec-kit set's `spec.md`, `plan.md` or `tasks.md`; `None` for
/// other files of a set, Kiro sets and files outside a set.
pub fn template_file(path: &Path) -> Option<PathBuf> {
    let (kind, role, set) = set_of(path)?;
    if kind != SetKind::SpecKit {
        return None;
    }
    let name = match role {
        Role::Requirements => "spec-template.md",
        Role::Design => "plan-template.md",
        Role::Tasks => "tasks-template.md",
        Role::Other => return None,
    };
    let root = set.parent()?.parent()?;
    Some(root.join(".specify").join("templates").join(name))
}

/// Whether `path` is where [`template_file`] looks: `.specify/templates/*-template.md`.
pub fn is_template_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str());
    let folder = path.parent();
    let above = folder.and_then(Path::parent).and_then(Path::file_name);
    name.is_some_and(|n| n.ends_with("-template.md"))
        && folder.and_then(Path::file_name).is_some_and(|n| n == "templates")
        && above.is_some_and(|n| n == ".specify")
}

/// The sections a set's file must have, read from its template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetTemplate {
    pub schema: TemplateSchema,
}

impl SetTemplate {
    /// `name` is how findings name the template (its path in the repository).
    pub fn derive(name: &str, text: &str) -> SetTemplate {
        let mut schema = TemplateSchema::derive(name, text);
        for rule in &mut schema.sections {
            mandatory_only(rule);
        }
        SetTemplate { schema }
    }
}

/// Only headings with the mark stay required; examples (`Phase 1`) stay examples.
fn mandatory_only(rule: &mut SectionRule) {
    let marked = rule.title.to_lowercase().contains(MANDATORY_MARK);
    rule.kind = match rule.kind {
        SectionKind::Example => SectionKind::Example,
        _ if marked => SectionKind::Required,
        _ => SectionKind::Optional,
    };
    for subsection in &mut rule.subsections {
        mandatory_only(subsection);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_file_of_a_spec_kit_set_has_its_template() {
        let file = |p: &str| template_file(Path::new(p)).map(|f| f.display().to_string());
        assert_eq!(
            file("/ws/specs/001-a/spec.md").as_deref(),
            Some("/ws/.specify/templates/spec-template.md")
        );
        assert_eq!(
            file("/ws/specs/001-a/plan.md").as_deref(),
            Some("/ws/.specify/templates/plan-template.md")
        );
        assert_eq!(
            file("/ws/specs/001-a/tasks.md").as_deref(),
            Some("/ws/.specify/templates/tasks-template.md")
        );
        assert_eq!(file("/ws/specs/001-a/research.md"), None);
        assert_eq!(file("/ws/.kiro/specs/a/requirements.md"), None);
        assert_eq!(file("/ws/docs/spec.md"), None);
        assert!(is_template_file(Path::new(
            "/ws/.specify/templates/plan-template.md"
        )));
        assert!(!is_template_file(Path::new("/ws/templates/plan-template.md")));
        assert!(!is_template_file(Path::new("/ws/.specify/templates/notes.md")));
    }

    #[test]
    fn only_marked_sections_are_required() {
        let template = SetTemplate::derive(
            "t",
            "# Spec: [NAME]\n\n## Scenarios *(mandatory)*\n\n### Story 1 - [Title]\n\n### Edge Cases\n\n\
             ## Notes\n\nAnything.\n\n## Requirements *(Mandatory)*\n\n### Functional *(mandatory)*\n",
        );
        let rules: Vec<String> = template
            .schema
            .sections
            .iter()
            .flat_map(|s| std::iter::once(s).chain(&s.subsections))
            .map(|r| format!("{:?} {:?} {}", r.kind, r.key, r.level))
            .collect();
        assert_eq!(
            rules,
            [
                "Required \"scenarios\" 2",
                "Example \"story 1 -\" 3",
                "Optional \"edge cases\" 3",
                "Optional \"notes\" 2",
                "Required \"requirements\" 2",
                "Required \"functional\" 3",
            ]
        );
    }
}
