//! Ids of a spec set where they are cited: after `Requirements:` and `Validates:
//! Requirements` (requirements, criteria, stories), inside `[US…]` (stories) and after
//! `depends on` (tasks). Only the cursor's line is read. And the values of the bold
//! metadata lines of a set's file (`**Status**: Draft`, `**Created**: 2026-01-02`),
//! completed as the frontmatter fields of the same names are.

use super::{CompletionInput, Completions, Item, ItemKind, MAX_ITEMS, frontmatter};
use crate::diagnostics::TextEdit;
use crate::trace::{self, Space, short_title};

/// The completions of a cite at the cursor; `None` when the cursor is at no cite list.
pub fn cites(input: &CompletionInput<'_>) -> Option<Completions> {
    let path = input.path?;
    let (_, role, set) = trace::set_of(path)?;
    let rope = input.document.rope();
    let offset = input.offset.min(rope.len_bytes());
    let line = rope.byte_to_line(offset);
    let line_start = rope.line_to_byte(line);
    let before = input.document.slice(line_start..offset);
    let typed_len = before.len()
        - before
            .trim_end_matches(|c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
            .len();
    let typed = &before[before.len() - typed_len..];
    let head = &before[..before.len() - typed_len];
    let lower = head.to_ascii_lowercase();
    let in_list = |keyword: &str| {
        lower.rfind(keyword).is_some_and(|at| {
            head[at + keyword.len()..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ',' | ' ' | '\t'))
        })
    };
    let space = if role == trace::Role::Tasks
        && head.ends_with('[')
        && (typed.is_empty() || "US".starts_with(&typed[..typed.len().min(2)]))
    {
        Some((Space::Requirement, true))
    } else if in_list("depends on") {
        Some((Space::Task, false))
    } else if in_list("requirements:") || in_list("validates: requirements") {
        Some((Space::Requirement, false))
    } else {
        None
    }?;
    let (space, stories_only) = space;
    let model = input.document.model();
    let own = trace::read(
        path,
        &input.document.slice(0..rope.len_bytes()),
        &model,
        &input.settings.trace_ids,
    );
    let others = input
        .index
        .set_files(&set)
        .filter(|entry| *entry.path != *path)
        .filter_map(|entry| entry.trace.clone());
    let mut items = Vec::new();
    let mut incomplete = false;
    let mut seen = std::collections::HashSet::new();
    let facts: Vec<std::sync::Arc<trace::TraceFacts>> =
        own.map(std::sync::Arc::new).into_iter().chain(others).collect();
    for facts in &facts {
        for definition in &facts.definitions {
            if definition.kind.space() != space
                || stories_only && definition.kind != trace::ItemKind::Story
                || !definition
                    .id
                    .to_ascii_lowercase()
                    .starts_with(&typed.to_ascii_lowercase())
                || !seen.insert(definition.id.clone())
            {
                continue;
            }
            if items.len() == MAX_ITEMS {
                incomplete = true;
                break;
            }
            let title = short_title(&definition.title);
            items.push(Item {
                label: definition.id.clone(),
                kind: ItemKind::SpecId,
                detail: Some(if title.is_empty() {
                    definition.kind.noun().to_string()
                } else {
                    format!("{} · {title}", definition.kind.noun())
                }),
                edit: TextEdit {
                    range: offset - typed_len..offset,
                    new_text: definition.id.clone(),
                },
                snippet: false,
                filter_text: None,
                sort_text: format!("{:06}", items.len()),
                preselect: false,
                documentation: None,
            });
        }
    }
    Some(Completions { items, incomplete })
}

/// The value of a bold metadata line at the cursor; `None` when the cursor is at none.
/// Which lines are metadata is what [`trace::read`] says, so completion offers values
/// exactly where the check looks at them.
pub fn metadata(input: &CompletionInput<'_>) -> Option<Completions> {
    let path = input.path?;
    trace::set_of(path)?;
    let rope = input.document.rope();
    let offset = input.offset.min(rope.len_bytes());
    let line_start = rope.line_to_byte(rope.byte_to_line(offset));
    // Only a line that starts like `**Key**:` costs a read of the file.
    let before = input.document.slice(line_start..offset);
    if !before.starts_with("**") || !before.contains("**:") {
        return None;
    }
    let model = input.document.model();
    let facts = trace::read(
        path,
        &input.document.slice(0..rope.len_bytes()),
        &model,
        &input.settings.trace_ids,
    )?;
    let field = facts.metadata.iter().find(|m| {
        m.key_range.start >= line_start && m.key_range.start < offset && m.key_range.end + 3 <= offset
    })?;
    let key = field.key.to_ascii_lowercase();
    // The check reads `Date` as a date too; the frontmatter knows only `created` and
    // `updated` as dates by name.
    let as_field = match key.as_str() {
        "status" | "priority" if input.settings.allowed_values(&key).is_some() => key.as_str(),
        "created" | "updated" => key.as_str(),
        "date" => "created",
        _ => return Some(Completions::default()),
    };
    let range = offset.min(field.value_range.start)..offset.max(field.value_range.end);
    let needs_space = rope.byte(offset - 1) == b':';
    let mut found = frontmatter::values(input, &model, None, as_field, range, needs_space, &[]);
    // spec-kit writes `Draft`: a value is written capitalised unless the line already
    // holds one in lower case.
    let capitalise = !field.value.starts_with(|c: char| c.is_lowercase());
    if capitalise {
        for item in &mut found.items {
            item.label = capitalised(&item.label);
            item.edit.new_text = capitalised(&item.edit.new_text);
            item.filter_text = item.filter_text.as_deref().map(capitalised);
        }
    }
    Some(found)
}

/// The text with its first letter (after leading spaces) in upper case.
fn capitalised(text: &str) -> String {
    let spaces = text.len() - text.trim_start().len();
    let mut chars = text[spaces..].chars();
    match chars.next() {
        Some(first) => format!("{}{}{}", &text[..spaces], first.to_uppercase(), chars.as_str()),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use specls_syntax::Document;

    use super::*;
    use crate::Settings;
    use crate::index::{WorkspaceIndex, entry_from_text};

    fn labels(path: &str, text_with_cursor: &str, others: &[(&str, &str)]) -> Option<Vec<String>> {
        labels_with(&Settings::default(), path, text_with_cursor, others)
    }

    fn labels_with(
        settings: &Settings,
        path: &str,
        text_with_cursor: &str,
        others: &[(&str, &str)],
    ) -> Option<Vec<String>> {
        let offset = text_with_cursor.find("$0").unwrap();
        let text = text_with_cursor.replace("$0", "");
        let index = WorkspaceIndex::from_entries(
            others
                .iter()
                .map(|(p, t)| entry_from_text(Path::new(p), t, settings)),
        );
        let document = Document::new(&text);
        let input = CompletionInput {
            document: &document,
            offset,
            path: Some(Path::new(path)),
            settings,
            index: &index,
            today: "2026-01-01",
            snippets: false,
        };
        cites(&input).map(|c| {
            c.items
                .into_iter()
                .map(|i| format!("{} ({})", i.label, i.detail.unwrap()))
                .collect()
        })
    }

    const REQUIREMENTS: &str = "# R\n\n### Requirement 1\n\n#### Acceptance Criteria\n\n1. WHEN a THEN the system SHALL b\n2. WHEN c THEN the system SHALL d\n";

    #[test]
    fn criteria_after_requirements_and_tasks_after_depends_on() {
        let others = [("/ws/.kiro/specs/a/requirements.md", REQUIREMENTS)];
        let tasks = "# T\n\n- [ ] 1. One\n- [ ] 2. Two\n  - _Requirements: 1.1, 1.$0\n";
        assert_eq!(
            labels("/ws/.kiro/specs/a/tasks.md", tasks, &others).unwrap(),
            [
                "1.1 (acceptance criterion · WHEN a THEN the system SHALL b)",
                "1.2 (acceptance criterion · WHEN c THEN the system SHALL d)"
            ]
        );
        let tasks = "# T\n\n- [ ] 1. One\n- [ ] 2. Two\n  - depends on $0\n";
        assert_eq!(
            labels("/ws/.kiro/specs/a/tasks.md", tasks, &others).unwrap(),
            ["1 (task · One)", "2 (task · Two)"]
        );
        assert_eq!(
            labels("/ws/.kiro/specs/a/tasks.md", "- [ ] 1. One $0\n", &others),
            None
        );
    }

    /// Ids of a configured shape with an underscore: what is typed of one is replaced.
    #[test]
    fn configured_requirement_ids_after_requirements() {
        let settings = Settings::from_config(
            "trace:\n  ids:\n    - { pattern: \"REQ_[0-9]+\", kind: requirement }\n",
            Path::new("/ws"),
            &|_| Ok(String::new()),
        );
        let spec = "# S\n\n- **REQ_1**: Sign in.\n- **REQ_2**: Sign out.\n";
        let others = [("/ws/specs/001-a/spec.md", spec)];
        let tasks = "# T\n\n- [ ] T001 Build\n  - Requirements: REQ_$0\n";
        assert_eq!(
            labels_with(&settings, "/ws/specs/001-a/tasks.md", tasks, &others).unwrap(),
            ["REQ_1 (requirement · Sign in)", "REQ_2 (requirement · Sign out)"]
        );
        let tasks = "# T\n\n- [ ] T001 Build\n  - Requirements: REQ_1, REQ_2$0\n";
        assert_eq!(
            labels_with(&settings, "/ws/specs/001-a/tasks.md", tasks, &others).unwrap(),
            ["REQ_2 (requirement · Sign out)"],
            "the typed id is the whole `REQ_2`"
        );
    }

    #[test]
    fn stories_in_brackets() {
        let spec = "# S\n\n### User Story 1 - Sign in (Priority: P1)\n\n### User Story 2 - Out\n";
        let others = [("/ws/specs/001-a/spec.md", spec)];
        let tasks = "# T\n\n- [ ] T001 [P] [U$0\n";
        assert_eq!(
            labels("/ws/specs/001-a/tasks.md", tasks, &others).unwrap(),
            ["US1 (user story · Sign in)", "US2 (user story · Out)"]
        );
    }
}
