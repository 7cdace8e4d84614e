//! One file of the index: the facts navigation and workspace checks read, with byte
//! ranges into the file and, for files not open in the editor, a [`LineIndex`] to turn
//! them into positions without keeping the text.

use std::borrow::Cow;
use std::ops::Range;

use std::path::Path;
use std::sync::Arc;

use specls_syntax::model::{REFERENCE_FIELDS, field_references_of};
use specls_syntax::{FieldValue, LineIndex, LinkDefinition, Reference, ReferenceKind, SpecModel};

use super::headings::{HeadingFacts, IndexedHeading, IndexedHeadings};
use super::references::{IndexedKind, IndexedReference, IndexedReferences};

use super::FileKey;
use crate::Settings;
use crate::schema::{collapse_whitespace, heading_key};
use crate::slug::unique_slugs;
use crate::trace::{self, TraceFacts, set_of};

/// A frontmatter value and where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub text: String,
    pub range: Range<usize>,
}

/// Checkboxes of a spec's Task Breakdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskCount {
    pub done: u32,
    pub total: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    pub path: FileKey,
    /// `None` for a document open in the editor: its positions come from its rope.
    pub lines: Option<LineIndex>,
    pub is_spec: bool,
    pub spec_id: Option<Located>,
    /// The frontmatter `title`, else the first level-1 heading.
    pub title: Option<Located>,
    pub status: Option<Located>,
    pub priority: Option<String>,
    /// `owner`, or a design doc's `author`.
    pub owner: Option<String>,
    /// The frontmatter `tags` (a list, or one word).
    pub tags: Vec<String>,
    /// The name of the template the spec follows (`None` when it is not a spec, or its
    /// `template:` names no template in effect).
    pub template: Option<String>,
    pub headings: IndexedHeadings,
    pub references: IndexedReferences,
    pub link_definitions: Vec<LinkDefinition>,
    /// Anchors that HTML makes (`<a id="x">`, `<a name="x">`), besides the headings'.
    pub html_anchors: Vec<String>,
    /// The Overview's first paragraph, whitespace collapsed.
    pub summary: Option<String>,
    pub tasks: Option<TaskCount>,
    /// The folder of the `.specls.yaml` that governs the file, if any: ids resolve to
    /// specs of the same configuration first, and only there is an id defined twice a
    /// duplicate (a repository may hold several spec workspaces, examples and fixtures).
    pub scope: Option<FileKey>,
    /// The ids a file of a spec-kit or Kiro set, or a seed spec, defines and cites.
    pub trace: Option<Arc<TraceFacts>>,
    /// The ids the file names, sorted: a search for references skips most files on it.
    named_ids: SortedNames,
    /// The file names its links and link definitions point at, sorted, likewise.
    linked_names: SortedNames,
    /// How far into `references` the frontmatter's field ids go: the dependency graph
    /// reads every spec's `depends-on`, and a spec may hold thousands of body references.
    field_references_end: u32,
}

/// Summaries are for hovers and completion details: a few lines at most.
const SUMMARY_LIMIT: usize = 400;

impl FileEntry {
    /// The entry of a file read into `model`, as the configuration in force for it
    /// (`settings`) reads it: whether it is a spec, its id field, its reference fields,
    /// its scope. `text` gives the text of a byte range, clamped to the text (the file
    /// is a string on disk and a rope in the editor).
    pub fn new(
        path: FileKey,
        model: &SpecModel,
        settings: &Settings,
        lines: Option<LineIndex>,
        text: &dyn Fn(Range<usize>) -> String,
    ) -> FileEntry {
        let is_spec = settings.is_spec(Some(&*path), model);
        let selected = is_spec
            .then(|| settings.select_template(Some(&*path), model).ok())
            .flatten();
        let seed = selected.is_some_and(|t| t.origin == "built-in");
        let template = selected.map(|template| template.name().to_string());
        let frontmatter = model.frontmatter.as_ref();
        let scalar = |key: &str| {
            frontmatter
                .and_then(|fm| fm.field(key))
                .and_then(|field| match &field.value {
                    FieldValue::Scalar(scalar) => Some(Located {
                        text: scalar.text.clone(),
                        range: scalar.range.clone(),
                    }),
                    _ => None,
                })
                .filter(|located| !located.text.is_empty())
        };
        let slugs = unique_slugs(
            model.headings.iter().map(|h| h.title.as_str()),
            &model.link_definitions,
        );
        let headings =
            IndexedHeadings::new(
                model
                    .headings
                    .iter()
                    .zip(&slugs)
                    .map(|(heading, slug)| HeadingFacts {
                        level: heading.level,
                        title: &heading.title,
                        slug,
                        title_range: heading.title_range.clone(),
                        section_range: heading.section_range.clone(),
                    }),
            );
        let title = scalar("title").or_else(|| {
            headings.iter().find(|h| h.level == 1).map(|h| Located {
                text: h.title().to_string(),
                range: h.title_range(),
            })
        });
        let summary = section(&headings, "overview").and_then(|overview| {
            let body = overview.title_range().end..overview.section_range().end;
            first_paragraph(&text(body))
        });
        let tasks = section(&headings, "task breakdown").map(|tasks| {
            let body = tasks.title_range().end..tasks.section_range().end;
            let outside_code = |at: usize| !model.code_blocks.iter().any(|code| code.contains(&at));
            count_tasks(&text(body.clone()), body.start, outside_code)
        });
        let references = configured_references(model, settings, &path);
        // A set's files are read whole: their ids are anywhere in them. A seed spec's
        // only in the sections that number them.
        let trace = if set_of(&path).is_some() {
            trace::read(&path, &text(0..usize::MAX), model, &settings.trace_ids)
        } else if seed {
            let sections: Vec<(usize, String)> = trace::seed_sections(model)
                .into_iter()
                .map(|section| (section.start, text(section)))
                .collect();
            trace::read_seed(&path, &sections, model, &settings.trace_ids)
        } else {
            None
        }
        .map(Arc::new);
        FileEntry {
            trace,
            spec_id: scalar(&settings.id_field),
            status: scalar("status"),
            priority: scalar("priority").map(|v| v.text),
            owner: scalar("owner").or_else(|| scalar("author")).map(|v| v.text),
            tags: frontmatter
                .and_then(|fm| fm.field("tags"))
                .map(|field| match &field.value {
                    FieldValue::List { items, .. } => items.iter().map(|item| item.text.clone()).collect(),
                    FieldValue::Scalar(scalar) if !scalar.text.is_empty() => vec![scalar.text.clone()],
                    _ => Vec::new(),
                })
                .unwrap_or_default(),
            template,
            title,
            path,
            lines,
            is_spec,
            headings,
            link_definitions: model.link_definitions.clone(),
            html_anchors: model
                .html_anchors
                .iter()
                .map(|range| text(range.clone()))
                .collect(),
            summary,
            tasks,
            scope: (!settings.root.as_os_str().is_empty()).then(|| settings.root.clone()),
            named_ids: SortedNames::new(references.iter().filter_map(|r| match &r.kind {
                ReferenceKind::WikiId { id }
                | ReferenceKind::BareId { id }
                | ReferenceKind::FieldId { id, .. } => Some(id.as_str()),
                _ => None,
            })),
            linked_names: SortedNames::new(
                references
                    .iter()
                    .filter_map(|r| match &r.kind {
                        ReferenceKind::Link { path, .. } => Some(path.as_str()),
                        _ => None,
                    })
                    .chain(model.link_definitions.iter().map(|d| d.destination.as_str()))
                    .filter_map(link_file_name),
            ),
            field_references_end: references
                .iter()
                .rposition(|r| matches!(r.kind, ReferenceKind::FieldId { .. }))
                .map_or(0, |last| last as u32 + 1),
            references: IndexedReferences::new(&references),
        }
    }

    /// Whether two versions of a file give every other file the same diagnostics: its id,
    /// status, anchors and reference fields (title, owner and summary only show in hovers
    /// and completion, which read the index when asked, so typing in an Overview does
    /// not re-check the other open documents).
    pub fn same_outward_facts(&self, other: &FileEntry) -> bool {
        fn text(v: &Option<Located>) -> Option<&str> {
            v.as_ref().map(|v| v.text.as_str())
        }
        fn fields(e: &FileEntry) -> impl Iterator<Item = (&str, &str)> {
            e.references
                .iter_to(e.field_references_end as usize)
                .filter_map(|r| match r.kind {
                    IndexedKind::FieldId { field, id } => Some((field, id)),
                    _ => None,
                })
        }
        self.is_spec == other.is_spec
            && self.scope == other.scope
            && text(&self.spec_id) == text(&other.spec_id)
            && text(&self.status) == text(&other.status)
            && self.headings.len() == other.headings.len()
            && self
                .headings
                .iter()
                .zip(other.headings.iter())
                .all(|(a, b)| a.slug() == b.slug())
            && fields(self).eq(fields(other))
            && match (&self.trace, &other.trace) {
                (None, None) => true,
                (Some(a), Some(b)) => a.same_outward_facts(b),
                _ => false,
            }
    }

    /// Whether a dependency cycle may be reported on this file: a spec is told of a cycle
    /// only on its own `depends-on` items, so a file without an id or such items never
    /// is, whatever the graph holds.
    pub fn is_told_of_cycles(&self) -> bool {
        self.spec_id.is_some() && self.field_ids("depends-on").next().is_some()
    }

    /// Whether the file names `id` anywhere (text, `[[...]]`, frontmatter lists).
    pub fn may_name_id(&self, id: &str) -> bool {
        self.named_ids.contains(id)
    }

    /// Whether the file names an id with this prefix (`AUTH` of `AUTH-7`).
    pub fn may_name_prefix(&self, prefix: &str) -> bool {
        self.named_ids
            .from(prefix)
            .take_while(|named| named.starts_with(prefix))
            .any(|named| named[prefix.len()..].starts_with('-'))
    }

    /// Whether this file's workspace diagnostics may read what `change` changed of
    /// another file.
    pub fn may_see(&self, change: &super::OutwardChange) -> bool {
        if *self.path == *change.path {
            return false;
        }
        if let (Some(set), Some(facts)) = (&change.set, &self.trace)
            && facts.set == *set
        {
            return true;
        }
        let own_id = self.spec_id.as_ref().map(|id| id.text.as_str());
        change
            .ids
            .iter()
            .any(|id| self.may_name_id(id) || own_id == Some(&**id))
            || change.file_name().is_some_and(|name| self.may_link_to(&name))
            || change.prefixes.iter().any(|prefix| self.may_name_prefix(prefix))
    }

    /// Whether some link of the file goes to a file of this name.
    pub fn may_link_to(&self, file_name: &str) -> bool {
        self.linked_names.contains(file_name)
    }

    pub fn heading_by_slug(&self, slug: &str) -> Option<IndexedHeading<'_>> {
        self.headings.iter().find(|h| h.slug().eq_ignore_ascii_case(slug))
    }

    /// The anchors a link into this file may name, lowercased: heading slugs (lowercase
    /// as GitHub writes them, so borrowed), HTML `id` and `name` values, and `top`, which
    /// GitHub always accepts.
    pub fn anchors(&self) -> std::collections::HashSet<std::borrow::Cow<'_, str>> {
        self.headings
            .iter()
            .map(|h| Cow::Borrowed(h.slug()))
            .chain(
                self.html_anchors
                    .iter()
                    .map(|anchor| Cow::Owned(anchor.to_lowercase())),
            )
            .chain(std::iter::once(Cow::Borrowed("top")))
            .collect()
    }

    /// The ids this spec lists under a frontmatter reference field.
    pub fn field_ids<'a>(&'a self, field: &'a str) -> impl Iterator<Item = (&'a str, IndexedReference<'a>)> {
        self.references
            .iter_to(self.field_references_end as usize)
            .filter_map(move |r| match r.kind {
                IndexedKind::FieldId { field: f, id } if f == field => Some((id, r)),
                _ => None,
            })
    }

    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// The model's references, with the ids of the reference fields that the spec's
/// template adds to the built-in ones (`requires: 2718, 2930`).
/// Borrowed when the template adds none, as nearly always: the entry packs them, and an
/// open document's entry is built on every keystroke.
fn configured_references<'m>(model: &'m SpecModel, settings: &Settings, path: &Path) -> Cow<'m, [Reference]> {
    let Some(frontmatter) = &model.frontmatter else {
        return Cow::Borrowed(&model.references);
    };
    let Ok(template) = settings.select_template(Some(path), model) else {
        return Cow::Borrowed(&model.references);
    };
    let added: Vec<&str> = template
        .reference_fields()
        .filter(|field| !REFERENCE_FIELDS.contains(field))
        .collect();
    if added.is_empty() {
        return Cow::Borrowed(&model.references);
    }
    let mut references = model.references.clone();
    references.extend(field_references_of(frontmatter, |key| added.contains(&key)));
    references.sort_by_key(|reference| (reference.range.start, reference.range.end));
    Cow::Owned(references)
}

/// Names, sorted and deduplicated, in one string (a `Box<str>` each cost 16 bytes and an
/// allocation, for some thirty names per file of the workspace).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct SortedNames {
    text: Box<str>,
    /// Where each name ends in `text`.
    ends: Box<[u32]>,
}

impl SortedNames {
    fn new<'a>(names: impl Iterator<Item = &'a str>) -> Self {
        let mut names: Vec<&str> = names.collect();
        names.sort_unstable();
        names.dedup();
        let ends = names
            .iter()
            .scan(0, |end, name| {
                *end += name.len();
                Some(u32::try_from(*end).unwrap_or(u32::MAX))
            })
            .collect();
        SortedNames {
            text: names.concat().into_boxed_str(),
            ends,
        }
    }

    fn name(&self, at: usize) -> &str {
        let start = at.checked_sub(1).map_or(0, |before| self.ends[before] as usize);
        &self.text[start..self.ends[at] as usize]
    }

    /// The index of the first name not before `name`.
    fn lower_bound(&self, name: &str) -> usize {
        let (mut low, mut high) = (0, self.ends.len());
        while low < high {
            let middle = low + (high - low) / 2;
            if self.name(middle) < name {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        low
    }

    fn contains(&self, name: &str) -> bool {
        let at = self.lower_bound(name);
        at < self.ends.len() && self.name(at) == name
    }

    /// The names from the first not before `name` on, in order.
    fn from(&self, name: &str) -> impl Iterator<Item = &str> {
        (self.lower_bound(name)..self.ends.len()).map(|at| self.name(at))
    }
}

/// The file name a link destination ends in (`login.md` of `../auth/login.md#data`).
fn link_file_name(destination: &str) -> Option<&str> {
    let path = destination.split(['#', '?']).next()?;
    let name = path.trim_end_matches('/').rsplit('/').next()?;
    (!name.is_empty()).then_some(name)
}

fn section<'a>(headings: &'a IndexedHeadings, key: &str) -> Option<IndexedHeading<'a>> {
    headings
        .iter()
        .find(|h| h.level <= 2 && heading_key(h.title()) == key)
}

/// The first block of text after a heading that is a paragraph (not a list, quote,
/// table, code or heading).
fn first_paragraph(body: &str) -> Option<String> {
    let mut paragraph = Vec::new();
    for line in body.lines().skip(1) {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if paragraph.is_empty() {
                continue;
            }
            break;
        }
        let block_start = paragraph.is_empty()
            && (trimmed.starts_with(['#', '-', '*', '>', '|', '`', '~', '<', '+'])
                || trimmed.starts_with(|c: char| c.is_ascii_digit()) && trimmed.contains(". "));
        if block_start {
            return None;
        }
        paragraph.push(trimmed);
    }
    let mut summary = collapse_whitespace(&paragraph.join(" "));
    if summary.is_empty() {
        return None;
    }
    if summary.len() > SUMMARY_LIMIT {
        let cut = (0..=SUMMARY_LIMIT)
            .rev()
            .find(|&i| summary.is_char_boundary(i))
            .unwrap_or(0);
        summary.truncate(cut);
        summary.push('…');
    }
    Some(summary)
}

/// Counts `- [ ]` and `- [x]` items outside code blocks.
fn count_tasks(body: &str, base: usize, outside_code: impl Fn(usize) -> bool) -> TaskCount {
    let mut count = TaskCount { done: 0, total: 0 };
    let mut offset = base;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let item = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
            .or_else(|| trimmed.strip_prefix("+ "));
        if let Some(item) = item
            && outside_code(offset)
        {
            if item.starts_with("[ ]") {
                count.total += 1;
            } else if item.starts_with("[x]") || item.starts_with("[X]") {
                count.total += 1;
                count.done += 1;
            }
        }
        offset += line.len();
    }
    count
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use super::*;

    #[test]
    fn sorted_names_find_each_name_and_the_names_after_a_prefix() {
        let names = SortedNames::new(["SPEC-2", "AUTH-1", "SPEC-10", "AUTH-1", "", "SPEC"].into_iter());
        for name in ["", "AUTH-1", "SPEC", "SPEC-10", "SPEC-2"] {
            assert!(names.contains(name), "{name}");
        }
        for name in ["AUTH", "AUTH-10", "SPEC-1", "Z"] {
            assert!(!names.contains(name), "{name}");
        }
        let after: Vec<&str> = names.from("SPEC-").collect();
        assert_eq!(after, ["SPEC-10", "SPEC-2"]);
        assert_eq!(names.from("ZZ").count(), 0);
        assert!(!SortedNames::default().contains(""));
    }

    fn entry(text: &str) -> FileEntry {
        let model = SpecModel::read_fast(text);
        FileEntry::new(
            Arc::from(Path::new("/ws/a.md")),
            &model,
            &Settings::default(),
            Some(LineIndex::new(text)),
            &|range| crate::index::clamped(text, range).to_string(),
        )
    }

    #[test]
    fn reads_the_facts_of_a_spec() {
        let entry = entry(
            "---\nspec-id: AUTH-1\ntitle: Login\nstatus: draft\nowner: ana\n---\n\n# Login\n\n## Overview\n\n\
             Lets users\nsign in.\n\nMore.\n\n## Task Breakdown\n\n- [x] one\n- [ ] two\n\n```\n- [ ] code\n```\n",
        );
        assert_eq!(entry.spec_id.as_ref().unwrap().text, "AUTH-1");
        assert_eq!(entry.title.as_ref().unwrap().text, "Login");
        assert_eq!(entry.owner.as_deref(), Some("ana"));
        assert_eq!(entry.summary.as_deref(), Some("Lets users sign in."));
        assert_eq!(entry.tasks, Some(TaskCount { done: 1, total: 2 }));
        let slugs: Vec<_> = entry.headings.iter().map(|h| h.slug()).collect();
        assert_eq!(slugs, ["login", "overview", "task-breakdown"]);
    }

    #[test]
    fn title_falls_back_to_the_first_heading() {
        let entry = entry("# Notes on things\n\n## Overview\n\n- a list first\n");
        assert_eq!(entry.title.unwrap().text, "Notes on things");
        assert_eq!(entry.summary, None);
        assert_eq!(entry.tasks, None);
    }
}
