//! The traceability findings of one file of a set, read from its [`SetView`]: they
//! change when another file of the set does, so the index re-checks the set's open
//! files when a file's trace facts change (`OutwardChange::set`).

use std::ops::Range;

use super::{ItemKind, Role, SetKind, SetView, Space};
use crate::Settings;
use crate::diagnostics::{Code, Related, is_valid_date};
use crate::hover::relative_path;
use crate::index::FileEntry;

/// A finding before its severity is applied.
pub struct Finding {
    pub code: Code,
    pub range: Range<usize>,
    pub message: String,
    pub related: Vec<Related>,
}

/// The findings of `entry` in its set; none for files outside a set.
pub fn check_set(entry: &FileEntry, view: &SetView<'_>, settings: &Settings) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(facts) = entry.trace.as_deref() else {
        return out;
    };
    // A seed spec's ids are for navigation: its template asks for no traceability, and
    // its own checks are the template's.
    if facts.kind == SetKind::Seed {
        return out;
    }
    let mut push = |code: Code, range: Range<usize>, message: String, related: Vec<Related>| {
        out.push(Finding {
            code,
            range,
            message,
            related,
        })
    };
    let has_tasks = view.has_role(Role::Tasks);
    let has_requirements = view.has_role(Role::Requirements);
    for definition in &facts.definitions {
        let space = definition.kind.space();
        let others: Vec<Related> = view
            .definitions(space, &definition.id)
            .iter()
            .filter(|p| !(*p.path == entry.path && p.definition.range == definition.range))
            .map(|p| Related {
                path: p.path.to_path_buf(),
                range: p.definition.range.clone(),
                message: format!("`{}` is also defined here", definition.id),
            })
            .collect();
        if !others.is_empty() {
            let places: Vec<String> = others
                .iter()
                .map(|r| {
                    if *r.path == *entry.path {
                        "this file".to_string()
                    } else {
                        relative_path(&entry.path, &r.path).display().to_string()
                    }
                })
                .collect();
            push(
                Code::DuplicateRequirement,
                definition.range.clone(),
                format!(
                    "{} `{}` is defined more than once in this set (also in {})",
                    definition.kind.noun(),
                    definition.id,
                    places.join(", ")
                ),
                others,
            );
        }
        if has_tasks && definition.kind.needs_coverage() && view.coverage(definition).tasks.is_empty() {
            let name = display_id(view.kind, definition.kind, &definition.id);
            push(
                Code::UncoveredRequirement,
                definition.range.clone(),
                format!(
                    "{} {name} is not covered: no task cites it",
                    definition.kind.noun()
                ),
                Vec::new(),
            );
        }
        if definition.kind == ItemKind::Task {
            for dependency in &definition.depends {
                match view.task_done(&dependency.id) {
                    None => push(
                        Code::UnknownTask,
                        dependency.range.clone(),
                        format!(
                            "task `{}` depends on `{}`, which no task of this set is",
                            definition.id, dependency.id
                        ),
                        Vec::new(),
                    ),
                    Some(false) if definition.done == Some(true) => push(
                        Code::TaskStatus,
                        dependency.range.clone(),
                        format!(
                            "task `{}` is done but depends on `{}`, which is not",
                            definition.id, dependency.id
                        ),
                        Vec::new(),
                    ),
                    Some(_) => {}
                }
                if let Some(cycle) = view.cycle(&definition.id, &dependency.id) {
                    push(
                        Code::TaskCycle,
                        dependency.range.clone(),
                        format!("task dependency cycle: {}", cycle.join(" -> ")),
                        Vec::new(),
                    );
                }
            }
        }
    }
    if has_requirements {
        for cite in facts.cites.iter().filter(|c| c.space != Space::Task) {
            if view.is_known(cite) == Some(false) {
                push(
                    Code::UnknownRequirement,
                    cite.range.clone(),
                    format!("`{}` is not defined by any file of this spec set", cite.id),
                    Vec::new(),
                );
            }
        }
    }
    for clarification in &facts.clarifications {
        let question = if clarification.question.is_empty() {
            "an open question".to_string()
        } else {
            clarification.question.clone()
        };
        push(
            Code::NeedsClarification,
            clarification.range.clone(),
            format!("needs clarification: {question}"),
            Vec::new(),
        );
    }
    for (id, range) in &facts.not_ears {
        push(
            Code::EarsForm,
            range.clone(),
            format!(
                "acceptance criterion {id} is not in EARS form (WHEN/WHILE/IF/WHERE … SHALL …, or THE … SHALL …)"
            ),
            Vec::new(),
        );
    }
    for field in &facts.metadata {
        let placeholder = field.value.starts_with('[') || field.value.is_empty();
        if placeholder {
            continue;
        }
        let key = field.key.to_ascii_lowercase();
        if matches!(key.as_str(), "created" | "updated" | "date") && !is_valid_date(&field.value) {
            push(
                Code::InvalidDate,
                field.value_range.clone(),
                format!("`{}` is not a date: write YYYY-MM-DD", field.value),
                Vec::new(),
            );
        }
        if let Some(allowed) = settings
            .allowed_values(&key)
            .filter(|_| key == "status" || key == "priority")
            && !allowed.iter().any(|a| a.eq_ignore_ascii_case(&field.value))
        {
            push(
                Code::InvalidValue,
                field.value_range.clone(),
                format!(
                    "`{}` is not a valid {key}; allowed: {}",
                    field.value,
                    allowed.join(", ")
                ),
                Vec::new(),
            );
        }
    }
    out.sort_by_key(|f| (f.range.start, f.range.end, f.code));
    out
}

/// `FR-001`, or `Requirement 1` for Kiro's numbers.
pub fn display_id(kind: SetKind, item: ItemKind, id: &str) -> String {
    match (kind, item) {
        (SetKind::Kiro, ItemKind::Requirement) => format!("`Requirement {id}`"),
        _ => format!("`{id}`"),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::index::{WorkspaceIndex, entry_from_text};

    fn findings(files: &[(&str, &str)], which: &str) -> Vec<String> {
        let settings = Settings::default();
        let index = WorkspaceIndex::from_entries(
            files
                .iter()
                .map(|(path, text)| entry_from_text(Path::new(path), text, &settings)),
        );
        let entry = index.file(Path::new(which)).unwrap();
        let view = SetView::of(entry, &index).unwrap();
        let text = files.iter().find(|(p, _)| *p == which).unwrap().1;
        check_set(entry, &view, &settings)
            .into_iter()
            .map(|f| format!("{} `{}`: {}", f.code.name(), &text[f.range], f.message))
            .collect()
    }

    const SPEC: &str = "# Feature Specification: Login\n\n**Created**: 2026-13-01\n**Status**: Draft\n\n\
        ## User Scenarios\n\n### User Story 1 - Sign in (Priority: P1)\n\n### User Story 2 - Reset\n\n\
        ## Requirements\n\n- **FR-001**: System MUST sign users in.\n- **FR-002**: System MUST lock accounts \
        [NEEDS CLARIFICATION: after how many tries?].\n- **FR-002**: Twice.\n\n## Success Criteria\n\n- **SC-001**: Fast.\n";
    const TASKS: &str = "# Tasks\n\n## Phase 1\n\n- [x] T001 [US1] Implement FR-001 (depends on T002)\n\
        - [ ] T002 [US1] Test FR-001 (depends on T003)\n- [ ] T003 Wire FR-099 (depends on T001, T404)\n\
        - [x] T004 [US7] Done early (depends on T003)\n";

    #[test]
    fn a_spec_kit_set() {
        let files = [
            ("/ws/specs/001-login/spec.md", SPEC),
            ("/ws/specs/001-login/tasks.md", TASKS),
        ];
        assert_eq!(
            findings(&files, "/ws/specs/001-login/spec.md"),
            [
                "invalid-date `2026-13-01`: `2026-13-01` is not a date: write YYYY-MM-DD",
                "uncovered-requirement `User Story 2`: user story `US2` is not covered: no task cites it",
                "uncovered-requirement `FR-002`: requirement `FR-002` is not covered: no task cites it",
                "duplicate-requirement `FR-002`: requirement `FR-002` is defined more than once in this set (also in this file)",
                "needs-clarification `[NEEDS CLARIFICATION: after how many tries?]`: needs clarification: after how many tries?",
                "uncovered-requirement `FR-002`: requirement `FR-002` is not covered: no task cites it",
                "duplicate-requirement `FR-002`: requirement `FR-002` is defined more than once in this set (also in this file)",
            ]
        );
        assert_eq!(
            findings(&files, "/ws/specs/001-login/tasks.md"),
            [
                "task-cycle `T002`: task dependency cycle: T001 -> T002 -> T003 -> T001",
                "task-status `T002`: task `T001` is done but depends on `T002`, which is not",
                "task-cycle `T003`: task dependency cycle: T002 -> T003 -> T001 -> T002",
                "unknown-requirement `FR-099`: `FR-099` is not defined by any file of this spec set",
                "task-cycle `T001`: task dependency cycle: T003 -> T001 -> T002 -> T003",
                "unknown-task `T404`: task `T003` depends on `T404`, which no task of this set is",
                "unknown-requirement `US7`: `US7` is not defined by any file of this spec set",
                "task-status `T003`: task `T004` is done but depends on `T003`, which is not",
            ]
        );
    }

    #[test]
    fn a_set_without_tasks_reports_no_coverage() {
        let files = [("/ws/specs/001-login/spec.md", SPEC)];
        let found = findings(&files, "/ws/specs/001-login/spec.md");
        assert!(found.iter().all(|f| !f.starts_with("uncovered")), "{found:?}");
    }

    #[test]
    fn a_kiro_set() {
        let requirements = "# Requirements\n\n## Requirements\n\n### Requirement 1\n\n**User Story:** As a user, I sign in.\n\n\
            #### Acceptance Criteria\n\n1. WHEN I log in THEN the system SHALL greet me\n2. It is quick\n\n\
            ### Requirement 2\n\n#### Acceptance Criteria\n\n1. The system SHALL log out\n";
        let tasks = "# Plan\n\n- [ ] 1. Sign in\n  - _Requirements: 1.1, 1.2, 3.1_\n";
        let design = "# Design\n\n### Property 1: Greets\n\n**Validates: Requirements 1.1**\n";
        let files = [
            ("/ws/.kiro/specs/login/requirements.md", requirements),
            ("/ws/.kiro/specs/login/tasks.md", tasks),
            ("/ws/.kiro/specs/login/design.md", design),
        ];
        assert_eq!(
            findings(&files, "/ws/.kiro/specs/login/requirements.md"),
            [
                "ears-form `2`: acceptance criterion 1.2 is not in EARS form (WHEN/WHILE/IF/WHERE … SHALL …, or THE … SHALL …)",
                "uncovered-requirement `Requirement 2`: requirement `Requirement 2` is not covered: no task cites it",
            ]
        );
        assert_eq!(
            findings(&files, "/ws/.kiro/specs/login/tasks.md"),
            ["unknown-requirement `3.1`: `3.1` is not defined by any file of this spec set"]
        );
        let settings = Settings::default();
        let index = WorkspaceIndex::from_entries(
            files
                .iter()
                .map(|(path, text)| entry_from_text(Path::new(path), text, &settings)),
        );
        let entry = index
            .file(Path::new("/ws/.kiro/specs/login/requirements.md"))
            .unwrap();
        let view = SetView::of(entry, &index).unwrap();
        let one = &entry.trace.as_ref().unwrap().definitions[0];
        let coverage = view.coverage(one);
        assert_eq!(
            (coverage.tasks.len(), coverage.done, coverage.properties.len()),
            (1, 0, 1)
        );
    }
}
