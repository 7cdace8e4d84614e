//! The coverage matrix of each set: requirement → tasks (done or not) → design
//! properties, for `specls trace`.

use super::{ItemKind, Role, SetKind, SetView, Space};
use crate::index::{FileKey, WorkspaceIndex};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetMatrix {
    pub folder: FileKey,
    pub kind: SetKind,
    pub rows: Vec<Row>,
    pub tasks_done: usize,
    pub tasks_total: usize,
    /// Whether the set has a tasks file: only then is a requirement without tasks
    /// uncovered.
    pub has_tasks: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub id: String,
    pub kind: ItemKind,
    pub title: String,
    pub path: FileKey,
    pub tasks: Vec<(String, bool)>,
    pub properties: Vec<String>,
    /// Tasks are expected to cite it, and none does.
    pub uncovered: bool,
}

/// The matrix of every set in the index, sorted by folder.
pub fn matrix(index: &WorkspaceIndex) -> Vec<SetMatrix> {
    SetView::all(index).iter().map(set_matrix).collect()
}

pub fn set_matrix(view: &SetView<'_>) -> SetMatrix {
    let has_tasks = view.has_role(Role::Tasks);
    let mut rows = Vec::new();
    let (mut tasks_done, mut tasks_total) = (0, 0);
    // Requirements first, as their files order them; the tasks are counted.
    let mut placed: Vec<_> = view.all_definitions().collect();
    placed.sort_by_key(|p| (p.path.clone(), p.definition.range.start));
    for placed in placed {
        let definition = placed.definition;
        match definition.kind.space() {
            Space::Task => {
                tasks_total += 1;
                tasks_done += usize::from(definition.done == Some(true));
            }
            Space::Property => {}
            Space::Requirement => {
                let coverage = view.coverage(definition);
                rows.push(Row {
                    id: definition.id.clone(),
                    kind: definition.kind,
                    title: definition.title.clone(),
                    path: placed.path.clone(),
                    tasks: coverage
                        .tasks
                        .iter()
                        .map(|t| (t.definition.id.clone(), t.definition.done == Some(true)))
                        .collect(),
                    properties: coverage
                        .properties
                        .iter()
                        .map(|p| p.definition.id.clone())
                        .collect(),
                    uncovered: has_tasks && definition.kind.needs_coverage() && coverage.tasks.is_empty(),
                });
            }
        }
    }
    SetMatrix {
        folder: view.folder.clone(),
        kind: view.kind,
        rows,
        tasks_done,
        tasks_total,
        has_tasks,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::Settings;
    use crate::index::entry_from_text;

    #[test]
    fn rows_of_a_kiro_set() {
        let settings = Settings::default();
        let requirements = "# R\n\n### Requirement 1\n\n#### Acceptance Criteria\n\n1. WHEN a THEN it SHALL b\n\n### Requirement 2\n";
        let tasks = "# T\n\n- [x] 1. One\n  - _Requirements: 1.1_\n- [ ] 2. Two\n";
        let design = "# D\n\n### Property 1: P\n\n**Validates: Requirements 1.1**\n";
        let index = WorkspaceIndex::from_entries([
            entry_from_text(
                Path::new("/ws/.kiro/specs/a/requirements.md"),
                requirements,
                &settings,
            ),
            entry_from_text(Path::new("/ws/.kiro/specs/a/tasks.md"), tasks, &settings),
            entry_from_text(Path::new("/ws/.kiro/specs/a/design.md"), design, &settings),
            entry_from_text(Path::new("/ws/README.md"), "# Not a set\n", &settings),
        ]);
        let sets = matrix(&index);
        assert_eq!(sets.len(), 1);
        let set = &sets[0];
        assert_eq!((set.tasks_done, set.tasks_total), (1, 2));
        let rows: Vec<String> = set
            .rows
            .iter()
            .map(|r| format!("{} {:?} {:?} {}", r.id, r.tasks, r.properties, r.uncovered))
            .collect();
        assert_eq!(
            rows,
            [
                "1 [(\"1\", true)] [\"Property 1\"] false",
                "1.1 [(\"1\", true)] [\"Property 1\"] false",
                "2 [] [] true"
            ]
        );
    }
}
