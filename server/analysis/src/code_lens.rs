//! Code lenses on a spec's title: who references it, and how far its tasks are.

use std::collections::HashSet;
use std::ops::Range;

use crate::index::{FileEntry, WorkspaceIndex};
use crate::trace::navigate::coverage_line;
use crate::trace::{ItemKind, SetView};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lens {
    pub range: Range<usize>,
    pub title: String,
}

/// "referenced by N specs" and "tasks D/T done" on the title (the first heading, else the
/// frontmatter title); nothing for files that are not specs. In a spec set, the coverage
/// of each requirement and story, and "D/T done" on each heading over tasks.
pub fn spec_lenses(entry: &FileEntry, index: &WorkspaceIndex) -> Vec<Lens> {
    if !entry.is_spec {
        return trace_lenses(entry, index);
    }
    let Some(range) = entry
        .headings
        .iter()
        .find(|h| h.level == 1)
        .map(|h| h.title_range())
        .or_else(|| entry.title.as_ref().map(|t| t.range.clone()))
    else {
        return Vec::new();
    };
    let mut lenses = Vec::new();
    if let Some(id) = &entry.spec_id {
        let referrers = referring_specs(entry, index, &id.text);
        let noun = if referrers == 1 { "spec" } else { "specs" };
        lenses.push(Lens {
            range: range.clone(),
            title: format!("referenced by {referrers} {noun}"),
        });
    }
    if let Some(tasks) = entry.tasks.filter(|t| t.total > 0) {
        lenses.push(Lens {
            range,
            title: format!("tasks {}/{} done", tasks.done, tasks.total),
        });
    }
    lenses
}

/// The lenses of a file of a spec set.
pub fn trace_lenses(entry: &FileEntry, index: &WorkspaceIndex) -> Vec<Lens> {
    let (Some(facts), Some(view)) = (entry.trace.as_deref(), SetView::of(entry, index)) else {
        return Vec::new();
    };
    let mut lenses = Vec::new();
    for definition in facts.definitions.iter().filter(|d| d.kind.needs_coverage()) {
        lenses.push(Lens {
            range: definition.range.clone(),
            title: coverage_line(&view.coverage(definition)),
        });
    }
    for heading in &facts.task_headings {
        let tasks = facts
            .definitions
            .iter()
            .filter(|d| d.kind == ItemKind::Task && heading.section_range.contains(&d.range.start));
        let (done, total) = tasks.fold((0, 0), |(done, total), task| {
            (done + usize::from(task.done == Some(true)), total + 1)
        });
        lenses.push(Lens {
            range: heading.title_range.clone(),
            title: format!("{done}/{total} done"),
        });
    }
    lenses.sort_by_key(|lens| lens.range.start);
    lenses
}

/// How many other specs name `id` (notes and READMEs do not count).
pub fn referring_specs(entry: &FileEntry, index: &WorkspaceIndex, id: &str) -> usize {
    let mut files = HashSet::new();
    for other in index
        .files()
        .filter(|other| other.is_spec && other.path != entry.path && other.may_name_id(id))
    {
        let names = other.references.iter().any(|r| r.kind.id() == Some(id));
        if names {
            files.insert(other.path.clone());
        }
    }
    files.len()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::Settings;
    use crate::index::entry_from_text;

    #[test]
    fn lenses_count_referrers_and_tasks() {
        let settings = Settings::default();
        let a = "---\nspec-id: AUTH-1\n---\n\n# Login\n\n## Task Breakdown\n\n- [x] a\n- [ ] b\n- [x] c\n";
        let b = "---\nspec-id: AUTH-2\ndepends-on: [AUTH-1]\n---\n\n# B\n\nAlso AUTH-1.\n";
        let c = "# Notes\n\nAUTH-1 here.\n";
        let index = WorkspaceIndex::from_entries([
            entry_from_text(Path::new("/ws/a.md"), a, &settings),
            entry_from_text(Path::new("/ws/b.md"), b, &settings),
            entry_from_text(Path::new("/ws/c.md"), c, &settings),
        ]);
        let entry = index.file(Path::new("/ws/a.md")).unwrap();
        let titles: Vec<String> = spec_lenses(entry, &index).into_iter().map(|l| l.title).collect();
        assert_eq!(titles, ["referenced by 1 spec", "tasks 2/3 done"]);
    }
}
