//! What the cursor names, and where that is: go to definition, find references and
//! rename, over the workspace index. The current document is read through its own
//! [`FileEntry`] (built from the editor's text), every other file through the index.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use specls_syntax::model::{normalize_label, split_destination};

use crate::Settings;
use crate::diagnostics::TextEdit;
use crate::index::{FileEntry, FileKey, IndexedKind, WorkspaceIndex};
use crate::slug::unique_slugs;
use crate::trace::SetView;
use crate::trace::navigate::{self, TraceTarget};

/// A range in some file of the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRange {
    pub path: FileKey,
    pub range: Range<usize>,
}

/// What is under the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A spec id: a reference or the `spec-id` value itself.
    Id { id: String, range: Range<usize> },
    /// A link to a file (the current one when the link is `#anchor`), maybe to a heading.
    Link {
        path: PathBuf,
        anchor: Option<String>,
        range: Range<usize>,
    },
    /// A link reference (`[text][label]`), whose definition is elsewhere in the file.
    Label { label: String, range: Range<usize> },
    /// A heading of the current file.
    Heading { slug: String, range: Range<usize> },
    /// A requirement, criterion, story or task id of a spec set.
    Trace(TraceTarget),
}

impl Target {
    pub fn range(&self) -> &Range<usize> {
        match self {
            Target::Id { range, .. }
            | Target::Link { range, .. }
            | Target::Label { range, .. }
            | Target::Heading { range, .. } => range,
            Target::Trace(target) => &target.range,
        }
    }
}

fn touches(range: &Range<usize>, offset: usize) -> bool {
    range.start <= offset && offset <= range.end
}

/// The target under `offset` in `entry`.
pub fn target_at(entry: &FileEntry, offset: usize) -> Option<Target> {
    if let Some(facts) = &entry.trace
        && let Some(target) = navigate::target_at(facts, offset)
    {
        return Some(Target::Trace(target));
    }
    if let Some(id) = entry.spec_id.as_ref().filter(|id| touches(&id.range, offset)) {
        return Some(Target::Id {
            id: id.text.clone(),
            range: id.range.clone(),
        });
    }
    // The innermost reference: a bare id inside a link's text is the id.
    let reference = entry
        .references
        .iter()
        .filter(|r| touches(&r.range, offset))
        .min_by_key(|r| r.range.len());
    if let Some(reference) = reference {
        let range = reference.target_range.clone();
        return match reference.kind {
            IndexedKind::WikiId { id } | IndexedKind::BareId { id } | IndexedKind::FieldId { id, .. } => {
                Some(Target::Id {
                    id: id.to_string(),
                    range,
                })
            }
            IndexedKind::Link { path, anchor } => {
                let anchor = anchor.map(str::to_string);
                link_target(&entry.path, path, anchor.clone()).map(|path| Target::Link {
                    path,
                    anchor,
                    range,
                })
            }
            IndexedKind::LinkReference { label } => Some(Target::Label {
                label: label.to_string(),
                range,
            }),
        };
    }
    if let Some(definition) = entry.link_definitions.iter().find(|d| touches(&d.range, offset))
        && let Some((path, anchor)) = split_destination(&definition.destination)
    {
        return link_target(&entry.path, &path, anchor.clone()).map(|path| Target::Link {
            path,
            anchor,
            range: definition.range.clone(),
        });
    }
    entry
        .headings
        .iter()
        .find(|h| touches(&h.title_range(), offset))
        .map(|h| Target::Heading {
            slug: h.slug().to_string(),
            range: h.title_range(),
        })
}

/// The file a link names; the current file for `#anchor`.
fn link_target(from: &Path, path: &str, _anchor: Option<String>) -> Option<PathBuf> {
    if path.is_empty() {
        Some(from.to_path_buf())
    } else {
        WorkspaceIndex::resolve_link(from, path)
    }
}

/// The entry for a path: the current document's own entry, else the index's.
fn entry_for<'a>(current: &'a FileEntry, index: &'a WorkspaceIndex, path: &Path) -> Option<&'a FileEntry> {
    if *current.path == *path {
        Some(current)
    } else {
        index.file(path).map(|entry| &**entry)
    }
}

/// Where the target is defined.
pub fn definition(current: &FileEntry, index: &WorkspaceIndex, target: &Target) -> Vec<FileRange> {
    match target {
        Target::Id { id, .. } => index
            .definitions_for(id, current.scope.as_ref())
            .into_iter()
            .filter_map(|entry| {
                let defined = if *entry.path == *current.path {
                    current
                } else {
                    entry
                };
                defined.spec_id.as_ref().map(|value| FileRange {
                    path: defined.path.clone(),
                    range: value.range.clone(),
                })
            })
            .collect(),
        Target::Link { path, anchor, .. } => match entry_for(current, index, path) {
            Some(entry) => {
                let heading = anchor.as_deref().and_then(|anchor| entry.heading_by_slug(anchor));
                let range = match heading {
                    Some(heading) => heading.title_range(),
                    None => entry.title.as_ref().map_or(0..0, |title| title.range.clone()),
                };
                vec![FileRange {
                    path: entry.path.clone(),
                    range,
                }]
            }
            // A link to a folder opens its README when it has one.
            None => match index.file(&path.join("README.md")) {
                Some(readme) => vec![FileRange {
                    path: readme.path.clone(),
                    range: readme.title.as_ref().map_or(0..0, |title| title.range.clone()),
                }],
                None if path.exists() => vec![FileRange {
                    path: Arc::from(path.as_path()),
                    range: 0..0,
                }],
                None => Vec::new(),
            },
        },
        Target::Label { label, .. } => {
            let wanted = normalize_label(label);
            current
                .link_definitions
                .iter()
                .filter(|d| normalize_label(&d.label) == wanted)
                .map(|d| FileRange {
                    path: current.path.clone(),
                    range: d.range.clone(),
                })
                .take(1)
                .collect()
        }
        Target::Heading { range, .. } => vec![FileRange {
            path: current.path.clone(),
            range: range.clone(),
        }],
        Target::Trace(target) => SetView::of(current, index)
            .map(|view| navigate::definition(&view, target))
            .unwrap_or_default(),
    }
}

/// A link's anchor and where it is written: the end of the destination.
fn anchor_range(target_range: &Range<usize>, anchor: &str) -> Range<usize> {
    target_range.end.saturating_sub(anchor.len())..target_range.end
}

/// Every place that names the target; with the declaration (the `spec-id` value, the
/// heading) when asked.
pub fn references(
    current: &FileEntry,
    index: &WorkspaceIndex,
    target: &Target,
    include_declaration: bool,
) -> Vec<FileRange> {
    match target {
        Target::Id { id, .. } => {
            let mut found: Vec<FileRange> = id_references(current, index, id, include_declaration)
                .into_iter()
                .map(|(path, range)| FileRange { path, range })
                .collect();
            // A link to the file that defines the id (`./eip-2718.md`) names the spec too
            // (not renamed with the id: rename reads `id_references` alone).
            for definition in index.definitions_for(id, current.scope.as_ref()) {
                found.extend(heading_references(current, index, &definition.path, None, false));
            }
            found
        }
        Target::Heading { slug, .. } => {
            heading_references(current, index, &current.path, Some(slug), include_declaration)
        }
        Target::Link { path, anchor, .. } => {
            heading_references(current, index, path, anchor.as_deref(), include_declaration)
        }
        Target::Label { .. } => definition(current, index, target),
        Target::Trace(target) => SetView::of(current, index)
            .map(|view| navigate::references(&view, target, include_declaration))
            .unwrap_or_default(),
    }
}

/// The files of the workspace with the current document in place of its indexed version.
fn workspace_files<'a>(
    current: &'a FileEntry,
    index: &'a WorkspaceIndex,
) -> impl Iterator<Item = &'a FileEntry> {
    let others = index
        .files()
        .filter(move |entry| entry.path != current.path)
        .map(|entry| &**entry);
    std::iter::once(current).chain(others)
}

fn id_references(
    current: &FileEntry,
    index: &WorkspaceIndex,
    id: &str,
    include_declaration: bool,
) -> Vec<(FileKey, Range<usize>)> {
    let mut found = Vec::new();
    for entry in workspace_files(current, index) {
        let declares = entry.spec_id.as_ref().is_some_and(|value| value.text == id);
        if !declares && !entry.may_name_id(id) {
            continue;
        }
        if include_declaration && let Some(value) = entry.spec_id.as_ref().filter(|value| value.text == id) {
            found.push((entry.path.clone(), value.range.clone()));
        }
        for reference in entry.references.iter() {
            if reference.kind.id() == Some(id) {
                found.push((entry.path.clone(), reference.target_range));
            }
        }
    }
    found
}

/// Links to a file, or to one of its headings when `slug` is given.
fn heading_references(
    current: &FileEntry,
    index: &WorkspaceIndex,
    file: &Path,
    slug: Option<&str>,
    include_declaration: bool,
) -> Vec<FileRange> {
    let mut found = Vec::new();
    if include_declaration
        && let Some(slug) = slug
        && let Some(heading) = entry_for(current, index, file).and_then(|entry| entry.heading_by_slug(slug))
    {
        found.push(FileRange {
            path: Arc::from(file),
            range: heading.title_range(),
        });
    }
    let file_name = file.file_name();
    let file_name_text = file_name.and_then(|n| n.to_str()).unwrap_or_default();
    for entry in workspace_files(current, index) {
        if *entry.path != *file && !entry.may_link_to(file_name_text) {
            continue;
        }
        for reference in entry.references.iter() {
            let IndexedKind::Link { path, anchor } = reference.kind else {
                continue;
            };
            let same_anchor = match (anchor, slug) {
                (None, None) => true,
                (Some(anchor), Some(slug)) => anchor.eq_ignore_ascii_case(slug),
                _ => false,
            };
            if !same_anchor {
                continue;
            }
            // Cheap tests first: resolving a path allocates, and most links go elsewhere.
            let same_file = if path.is_empty() {
                *entry.path == *file
            } else {
                Path::new(path).file_name().map(|n| n.to_string_lossy())
                    == file_name.map(|n| n.to_string_lossy())
                    && WorkspaceIndex::resolve_link(&entry.path, path).as_deref() == Some(file)
            };
            if same_file {
                found.push(FileRange {
                    path: entry.path.clone(),
                    range: reference.target_range.clone(),
                });
            }
        }
    }
    found
}

/// What a rename would change, before the new name is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenameTarget {
    pub range: Range<usize>,
    pub placeholder: String,
}

/// Whether the target can be renamed; the error says why not.
pub fn prepare_rename(
    current: &FileEntry,
    index: &WorkspaceIndex,
    target: &Target,
) -> Result<RenameTarget, String> {
    match target {
        Target::Id { id, range } => {
            if index.spec(id).is_none() {
                return Err(format!("`{id}` is not the id of any spec in the workspace"));
            }
            Ok(RenameTarget {
                range: range.clone(),
                placeholder: id.clone(),
            })
        }
        Target::Heading { slug, range } => {
            let heading = current
                .heading_by_slug(slug)
                .ok_or_else(|| "this heading is not in the index".to_string())?;
            Ok(RenameTarget {
                range: range.clone(),
                placeholder: heading.title().to_string(),
            })
        }
        Target::Link {
            path,
            anchor: Some(anchor),
            range,
        } => {
            let heading = entry_for(current, index, path)
                .and_then(|entry| entry.heading_by_slug(anchor))
                .ok_or_else(|| format!("no heading has the anchor `#{anchor}`"))?;
            Ok(RenameTarget {
                range: anchor_range(range, anchor),
                placeholder: heading.title().to_string(),
            })
        }
        Target::Link { .. } => {
            Err("a file cannot be renamed here; rename a spec id or a heading".to_string())
        }
        Target::Label { .. } => Err("link labels are not renamed; rename a spec id or a heading".to_string()),
        Target::Trace(target) => {
            let view = SetView::of(current, index).ok_or("this file is in no spec set")?;
            navigate::prepare_rename(&view, target)?;
            Ok(RenameTarget {
                range: target.range.clone(),
                placeholder: target.id.clone(),
            })
        }
    }
}

/// The edits of a rename, per file, or why it is refused.
pub fn rename(
    current: &FileEntry,
    index: &WorkspaceIndex,
    settings: &Settings,
    target: &Target,
    new_name: &str,
) -> Result<Vec<(FileKey, Vec<TextEdit>)>, String> {
    prepare_rename(current, index, target)?;
    if let Target::Trace(target) = target {
        let view = SetView::of(current, index).ok_or("this file is in no spec set")?;
        return navigate::rename(&view, target, new_name);
    }
    let new_name = new_name.trim();
    let edits: Vec<(FileKey, Range<usize>, String)> = match target {
        Target::Id { id, .. } => {
            if new_name == id {
                return Ok(Vec::new());
            }
            if !settings.id_pattern.is_match(new_name) {
                return Err(format!(
                    "`{new_name}` is not a spec id: ids match `{}`",
                    settings.id_pattern_source
                ));
            }
            if let Some(existing) = index.spec(new_name) {
                return Err(format!(
                    "`{new_name}` already exists: it is the id of {}",
                    existing.path.display()
                ));
            }
            id_references(current, index, id, true)
                .into_iter()
                .map(|(path, range)| (path, range, new_name.to_string()))
                .collect()
        }
        Target::Heading { slug, .. } => rename_heading(current, index, &current.path, slug, new_name)?,
        Target::Link {
            path,
            anchor: Some(anchor),
            ..
        } => rename_heading(current, index, path, anchor, new_name)?,
        Target::Link { .. } | Target::Label { .. } => unreachable!("refused by prepare_rename"),
        Target::Trace(_) => unreachable!("renamed above"),
    };
    let mut by_file: Vec<(FileKey, Vec<TextEdit>)> = Vec::new();
    for (path, range, new_text) in edits {
        match by_file.iter_mut().find(|(p, _)| *p == path) {
            Some((_, file_edits)) => file_edits.push(TextEdit { range, new_text }),
            None => by_file.push((path, vec![TextEdit { range, new_text }])),
        }
    }
    Ok(by_file)
}

/// The heading's new title, and every anchor that links to it changed to the new slug.
fn rename_heading(
    current: &FileEntry,
    index: &WorkspaceIndex,
    file: &Path,
    slug: &str,
    new_title: &str,
) -> Result<Vec<(FileKey, Range<usize>, String)>, String> {
    if new_title.is_empty() || new_title.contains(['\n', '\r']) {
        return Err("a heading is one line of text".to_string());
    }
    let entry =
        entry_for(current, index, file).ok_or_else(|| format!("{} is not indexed", file.display()))?;
    let (position, heading) = entry
        .headings
        .iter()
        .enumerate()
        .find(|(_, h)| h.slug().eq_ignore_ascii_case(slug))
        .ok_or_else(|| format!("no heading has the anchor `#{slug}`"))?;
    let titles = entry
        .headings
        .iter()
        .enumerate()
        .map(|(i, h)| if i == position { new_title } else { h.title() });
    let new_slug = unique_slugs(titles, &entry.link_definitions)[position].clone();
    let mut edits = vec![(entry.path.clone(), heading.title_range(), new_title.to_string())];
    for link in heading_references(current, index, file, Some(slug), false) {
        edits.push((link.path, anchor_range(&link.range, slug), new_slug.clone()));
    }
    Ok(edits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::entry_from_text;

    fn workspace(files: &[(&str, &str)]) -> WorkspaceIndex {
        let settings = Settings::default();
        WorkspaceIndex::from_entries(
            files
                .iter()
                .map(|(path, text)| entry_from_text(Path::new(path), text, &settings)),
        )
    }

    const LOGIN: &str = "---\nspec-id: AUTH-1\ntitle: Login\n---\n\n# Login\n\n## Data Model\n\nSee PAY-2.\n";
    const CHECKOUT: &str = "---\nspec-id: PAY-2\ntitle: Checkout\ndepends-on: [AUTH-1]\n---\n\n\
        # Checkout\n\nUses AUTH-1 and [the model](../auth/login.md#data-model) and [here](#checkout).\n";

    fn index() -> WorkspaceIndex {
        workspace(&[("/ws/auth/login.md", LOGIN), ("/ws/pay/checkout.md", CHECKOUT)])
    }

    fn at(index: &WorkspaceIndex, path: &str, needle: &str) -> (Arc<FileEntry>, Target) {
        let entry = index.file(Path::new(path)).unwrap().clone();
        let text = if path.contains("login") { LOGIN } else { CHECKOUT };
        let offset = text.find(needle).unwrap() + 1;
        let target = target_at(&entry, offset).unwrap();
        (entry, target)
    }

    #[test]
    fn definition_of_an_id_is_its_spec_id_value() {
        let index = index();
        let (entry, target) = at(&index, "/ws/pay/checkout.md", "AUTH-1 and");
        let found = definition(&entry, &index, &target);
        assert_eq!(found.len(), 1);
        assert_eq!(&*found[0].path, Path::new("/ws/auth/login.md"));
        assert_eq!(&LOGIN[found[0].range.clone()], "AUTH-1");
    }

    #[test]
    fn definition_of_a_link_with_anchor_is_the_heading() {
        let index = index();
        let (entry, target) = at(&index, "/ws/pay/checkout.md", "../auth");
        let found = definition(&entry, &index, &target);
        assert_eq!(&LOGIN[found[0].range.clone()], "Data Model");
    }

    #[test]
    fn references_of_an_id_span_files() {
        let index = index();
        let (entry, target) = at(&index, "/ws/auth/login.md", "AUTH-1");
        let found = references(&entry, &index, &target, true);
        let files: Vec<_> = found
            .iter()
            .map(|r| r.path.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            files,
            ["/ws/auth/login.md", "/ws/pay/checkout.md", "/ws/pay/checkout.md"]
        );
        assert_eq!(references(&entry, &index, &target, false).len(), 2);
    }

    #[test]
    fn renaming_a_heading_changes_its_anchors() {
        let index = index();
        let (entry, target) = at(&index, "/ws/auth/login.md", "Data Model");
        let edits = rename(&entry, &index, &Settings::default(), &target, "Data Shapes").unwrap();
        let rendered: Vec<(String, String, String)> = edits
            .iter()
            .flat_map(|(path, edits)| {
                let text = if path.to_string_lossy().contains("login") {
                    LOGIN
                } else {
                    CHECKOUT
                };
                edits.iter().map(move |e| {
                    (
                        path.to_string_lossy().into_owned(),
                        text[e.range.clone()].to_string(),
                        e.new_text.clone(),
                    )
                })
            })
            .collect();
        assert_eq!(
            rendered,
            [
                (
                    "/ws/auth/login.md".into(),
                    "Data Model".into(),
                    "Data Shapes".into()
                ),
                (
                    "/ws/pay/checkout.md".into(),
                    "data-model".into(),
                    "data-shapes".into()
                ),
            ]
        );
    }

    #[test]
    fn renaming_an_id_is_refused_when_taken_or_malformed() {
        let index = index();
        let (entry, target) = at(&index, "/ws/auth/login.md", "AUTH-1");
        let settings = Settings::default();
        assert!(
            rename(&entry, &index, &settings, &target, "PAY-2")
                .unwrap_err()
                .contains("already exists")
        );
        assert!(
            rename(&entry, &index, &settings, &target, "auth one")
                .unwrap_err()
                .contains("not a spec id")
        );
        let edits = rename(&entry, &index, &settings, &target, "AUTH-9").unwrap();
        assert_eq!(edits.iter().map(|(_, e)| e.len()).sum::<usize>(), 3);
    }
}
