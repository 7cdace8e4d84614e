//! Navigation over a set's ids: what the cursor names, where it is defined and cited,
//! its hover card, renaming it across the set, and its short title for inlay hints.

use std::ops::Range;

use super::{Coverage, ItemKind, SetView, Space, TraceFacts, short_title};
use crate::diagnostics::TextEdit;
use crate::index::FileKey;
use crate::navigation::FileRange;

/// An id of a set under the cursor: a definition or a cite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceTarget {
    pub space: Space,
    pub id: String,
    pub range: Range<usize>,
}

pub fn target_at(facts: &TraceFacts, offset: usize) -> Option<TraceTarget> {
    if let Some(cite) = facts.cite_at(offset) {
        return Some(TraceTarget {
            space: cite.space,
            id: cite.id.clone(),
            range: cite.range.clone(),
        });
    }
    facts.definition_at(offset).map(|definition| TraceTarget {
        space: definition.kind.space(),
        id: definition.id.clone(),
        range: definition.range.clone(),
    })
}

pub fn definition(view: &SetView<'_>, target: &TraceTarget) -> Vec<FileRange> {
    view.definitions(target.space, &target.id)
        .iter()
        .map(|placed| FileRange {
            path: placed.path.clone(),
            range: placed.definition.range.clone(),
        })
        .collect()
}

/// Every cite of the id in the set, and its definitions when asked.
pub fn references(view: &SetView<'_>, target: &TraceTarget, include_declaration: bool) -> Vec<FileRange> {
    let mut found = Vec::new();
    if include_declaration {
        found.extend(definition(view, target));
    }
    for (path, facts) in &view.files {
        for cite in facts
            .cites
            .iter()
            .filter(|c| c.space == target.space && c.id == target.id)
        {
            found.push(FileRange {
                path: (*path).clone(),
                range: cite.range.clone(),
            });
        }
    }
    found
}

/// The item's text and how it is covered.
pub fn hover(view: &SetView<'_>, target: &TraceTarget) -> String {
    let defined = view.definitions(target.space, &target.id);
    let Some(first) = defined.first() else {
        return format!("**{}**: not defined by any file of this spec set", target.id);
    };
    let definition = first.definition;
    let mut out = format!("**{}** · {}", definition.id, definition.kind.noun());
    if !definition.title.is_empty() {
        out.push_str(&format!("\n\n{}", definition.title));
    }
    match definition.kind {
        ItemKind::Task => {
            let state = if definition.done == Some(true) {
                "done"
            } else {
                "not done"
            };
            out.push_str(&format!("\n\n{state}"));
            if !definition.depends.is_empty() {
                let depends: Vec<String> = definition
                    .depends
                    .iter()
                    .map(|d| match view.task_done(&d.id) {
                        Some(true) => format!("{} (done)", d.id),
                        Some(false) => d.id.clone(),
                        None => format!("{} (unknown)", d.id),
                    })
                    .collect();
                out.push_str(&format!(" · depends on {}", depends.join(", ")));
            }
        }
        _ => {
            let coverage = view.coverage(definition);
            out.push_str("\n\n");
            out.push_str(&coverage_line(&coverage));
            if !coverage.tasks.is_empty() {
                let tasks: Vec<String> = coverage
                    .tasks
                    .iter()
                    .map(|t| {
                        let mark = if t.definition.done == Some(true) { "x" } else { " " };
                        format!(
                            "- [{mark}] {} {}",
                            t.definition.id,
                            short_title(&t.definition.title)
                        )
                    })
                    .collect();
                out.push_str("\n\n");
                out.push_str(&tasks.join("\n"));
            }
        }
    }
    if defined.len() > 1 {
        out.push_str(&format!("\n\ndefined {} times in this set", defined.len()));
    }
    out
}

/// "2 tasks (1 done) · 1 test · 1 property", or "no task cites it".
pub fn coverage_line(coverage: &Coverage<'_>) -> String {
    if coverage.tasks.is_empty() && coverage.properties.is_empty() {
        return "no task cites it".to_string();
    }
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = vec![format!(
        "{} ({} done)",
        plural(coverage.tasks.len(), "task", "tasks"),
        coverage.done
    )];
    if coverage.tests > 0 {
        parts.push(plural(coverage.tests, "test", "tests"));
    }
    if !coverage.properties.is_empty() {
        parts.push(plural(coverage.properties.len(), "property", "properties"));
    }
    parts.join(" · ")
}

pub fn prepare_rename(view: &SetView<'_>, target: &TraceTarget) -> Result<(), String> {
    if view.definitions(target.space, &target.id).is_empty() {
        return Err(format!(
            "`{}` is not defined by any file of this spec set",
            target.id
        ));
    }
    Ok(())
}

/// The edits that rename an id across its set: its definitions and every cite.
pub fn rename(
    view: &SetView<'_>,
    target: &TraceTarget,
    new_name: &str,
) -> Result<Vec<(FileKey, Vec<TextEdit>)>, String> {
    prepare_rename(view, target)?;
    let new_name = new_name.trim();
    if new_name.is_empty() || new_name.contains(|c: char| c.is_whitespace() || ",[]()*_`".contains(c)) {
        return Err(format!(
            "`{new_name}` is not an id: one word, without brackets or commas"
        ));
    }
    if new_name == target.id {
        return Ok(Vec::new());
    }
    if !view.definitions(target.space, new_name).is_empty() {
        return Err(format!("`{new_name}` is already defined in this spec set"));
    }
    let digits = |id: &str| id.len() - id.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let mut edits: Vec<(FileKey, TextEdit)> = Vec::new();
    for placed in view.definitions(target.space, &target.id) {
        let range = placed.definition.range.clone();
        let range = match placed.definition.kind {
            // `### User Story 1 - …` defines `US1`: its number changes.
            ItemKind::Story => {
                let number = digits(new_name);
                if !new_name.starts_with("US") || number == 0 || number + 2 != new_name.len() {
                    return Err(format!(
                        "`{new_name}` is not a user story id: write US and a number"
                    ));
                }
                let old = digits(&target.id);
                edits.push((
                    placed.path.clone(),
                    TextEdit {
                        range: range.end - old..range.end,
                        new_text: new_name[2..].to_string(),
                    },
                ));
                continue;
            }
            _ if range.len() != target.id.len() => {
                return Err(format!(
                    "`{}` is numbered by its place in the document; renumber it there",
                    target.id
                ));
            }
            _ => range,
        };
        edits.push((
            placed.path.clone(),
            TextEdit {
                range,
                new_text: new_name.to_string(),
            },
        ));
    }
    for place in references(view, target, false) {
        edits.push((
            place.path,
            TextEdit {
                range: place.range,
                new_text: new_name.to_string(),
            },
        ));
    }
    let mut by_file: Vec<(FileKey, Vec<TextEdit>)> = Vec::new();
    for (path, edit) in edits {
        match by_file.iter_mut().find(|(p, _)| *p == path) {
            Some((_, file_edits)) => file_edits.push(edit),
            None => by_file.push((path, vec![edit])),
        }
    }
    Ok(by_file)
}

/// An inlay hint: the short title of a cited id, shown after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub offset: usize,
    pub label: String,
}

/// A hint after each cite in `range` whose id the set defines with a title.
pub fn inlay_hints(view: &SetView<'_>, facts: &TraceFacts, range: Range<usize>) -> Vec<Hint> {
    facts
        .cites
        .iter()
        .filter(|c| c.range.start < range.end && range.start <= c.range.end)
        .filter_map(|cite| {
            let definition = view.definitions(cite.space, &cite.id).first()?.definition;
            let title = short_title(&definition.title);
            (!title.is_empty()).then(|| Hint {
                offset: cite.range.end,
                label: format!(": {title}"),
            })
        })
        .collect()
}
