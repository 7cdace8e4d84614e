//! Spec ids, link paths and heading anchors, from the workspace index (and, for the
//! document's own anchors, from its model).

use std::collections::{BinaryHeap, HashMap};
use std::ops::Range;
use std::path::Path;

use specls_syntax::SpecModel;

use super::{CompletionInput, Completions, DocumentationKey, Item, ItemKind, MAX_ITEMS, sort_key};
use crate::diagnostics::TextEdit;
use crate::index::{FileEntry, WorkspaceIndex};
use crate::slug::unique_slugs;

/// The ids of the index that start with `typed` (ignoring case), but the document's own
/// and those in `listed`, in natural order (`AUTH-2` before `AUTH-10`).
pub(super) fn ids(
    index: &WorkspaceIndex,
    typed: &str,
    range: Range<usize>,
    suffix: &str,
    listed: &[String],
    own: Option<&str>,
) -> Completions {
    let matches = |id: &str| {
        id.len() >= typed.len()
            && id.as_bytes()[..typed.len()].eq_ignore_ascii_case(typed.as_bytes())
            && Some(id) != own
            && !listed.iter().any(|l| l == id)
    };
    // Sorted by (prefix, number): `AUTH-2` before `AUTH-10`.
    let (found, incomplete) = first_items(index.ids().filter(|id| matches(id)).map(|id| {
        let (prefix, number) = natural_key(id);
        (prefix, number, id)
    }));
    let items = found
        .into_iter()
        .enumerate()
        .map(|(position, (_, _, id))| Item {
            label: id.to_string(),
            kind: ItemKind::SpecId,
            detail: index.spec(id).map(|entry| id_detail(entry)),
            edit: TextEdit {
                range: range.clone(),
                new_text: format!("{id}{suffix}"),
            },
            snippet: false,
            filter_text: Some(id.to_string()),
            sort_text: sort_key(position),
            preselect: false,
            documentation: Some(DocumentationKey::Id(id.to_string())),
        })
        .collect();
    Completions { items, incomplete }
}

/// `Passkey login · draft`.
fn id_detail(entry: &FileEntry) -> String {
    let title = entry.title.as_ref().map_or("(untitled)", |t| t.text.as_str());
    match &entry.status {
        Some(status) => format!("{title} · {}", status.text),
        None => title.to_string(),
    }
}

/// `AUTH-10` as (`AUTH-`, 10): ids compare by prefix, then by number.
fn natural_key(id: &str) -> (&str, u64) {
    let prefix = id.trim_end_matches(|c: char| c.is_ascii_digit());
    (prefix, id[prefix.len()..].parse().unwrap_or(0))
}

/// The first [`MAX_ITEMS`] of `items` in order, and whether there were more. A bounded
/// heap: 10,000 candidates are never collected nor sorted.
fn first_items<T: Ord>(items: impl Iterator<Item = T>) -> (Vec<T>, bool) {
    let mut heap = BinaryHeap::with_capacity(MAX_ITEMS + 1);
    let mut more = false;
    for item in items {
        if heap.len() < MAX_ITEMS {
            heap.push(item);
        } else {
            more = true;
            if heap.peek().is_some_and(|largest| item < *largest) {
                heap.pop();
                heap.push(item);
            }
        }
    }
    (heap.into_sorted_vec(), more)
}

/// A file to link to, ordered nearest first: by its depth below the document's folder,
/// the way to its folder (`../pay/`), its name.
struct Candidate<'a> {
    depth: usize,
    way: &'a str,
    name: &'a str,
    entry: &'a FileEntry,
}

impl Candidate<'_> {
    fn key(&self) -> (usize, &str, &str) {
        (self.depth, self.way, self.name)
    }
}

impl PartialEq for Candidate<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Candidate<'_> {}

impl PartialOrd for Candidate<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Candidate<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

/// Markdown files of the index, as paths relative to the document's folder.
pub(super) fn paths(input: &CompletionInput<'_>, range: Range<usize>) -> Completions {
    let Some(path) = input.path else {
        return Completions::default();
    };
    let Some(folder) = path.parent() else {
        return Completions::default();
    };
    let typed = input.document.slice(range.start..input.offset);
    // One pass over the index, reading each path as bytes: a 10,000-file workspace
    // costs a cache miss or two per file, and `Path` would parse components besides.
    // Files of one folder share the way there, written once per folder.
    let own = path.as_os_str().as_encoded_bytes();
    let mut folder_of: HashMap<&[u8], usize> = HashMap::new();
    let mut ways: Vec<Option<(usize, String)>> = Vec::new();
    let mut found: Vec<(usize, &str, &FileEntry)> = Vec::new();
    for entry in input.index.files() {
        let bytes = entry.path.as_os_str().as_encoded_bytes();
        let Some(slash) = bytes.iter().rposition(|&b| b == b'/') else {
            continue;
        };
        let (parent, name) = (&bytes[..slash], &bytes[slash + 1..]);
        let Ok(name) = std::str::from_utf8(name) else {
            continue;
        };
        if bytes == own {
            continue;
        }
        let way = *folder_of.entry(parent).or_insert_with(|| {
            let way = std::str::from_utf8(parent)
                .ok()
                .and_then(|parent| relative_path(folder, Path::new(parent)))
                .map(|r| if r.is_empty() { r } else { r + "/" });
            ways.push(way.map(|w| (w.matches('/').count(), w)));
            ways.len() - 1
        });
        found.push((way, name, entry));
    }
    let way = |index: usize| ways[index].as_ref();
    let (found, incomplete) = first_items(found.into_iter().filter_map(|(index, name, entry)| {
        let (depth, way) = way(index)?;
        let matches = is_subsequence(&typed, way.chars().chain(name.chars()));
        matches.then_some(Candidate {
            depth: *depth,
            way: way.as_str(),
            name,
            entry,
        })
    }));
    let items = found
        .into_iter()
        .enumerate()
        .map(|(position, Candidate { way, name, entry, .. })| {
            let relative = format!("{way}{name}");
            Item {
                detail: file_detail(entry),
                label: relative.clone(),
                kind: ItemKind::File,
                edit: TextEdit {
                    range: range.clone(),
                    new_text: relative.clone(),
                },
                snippet: false,
                filter_text: Some(relative),
                sort_text: sort_key(position),
                preselect: false,
                documentation: entry
                    .spec_id
                    .as_ref()
                    .map(|id| DocumentationKey::Id(id.text.clone())),
            }
        })
        .collect();
    Completions { items, incomplete }
}

fn file_detail(entry: &FileEntry) -> Option<String> {
    let title = entry.title.as_ref().map(|t| t.text.as_str());
    match (&entry.spec_id, title) {
        (Some(id), Some(title)) => Some(format!("{} · {title}", id.text)),
        (Some(id), None) => Some(id.text.clone()),
        (None, title) => title.map(str::to_string),
    }
}

/// `to` written relative to the folder `from`, with `/` separators, as a link holds it;
/// `None` when the two share nothing but the file system's root.
fn relative_path(from: &Path, to: &Path) -> Option<String> {
    let relative = crate::index::relative_to(to, from);
    if relative.is_absolute() {
        return None;
    }
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

/// Whether the characters of `needle` appear in order in `haystack`, ignoring ASCII case.
fn is_subsequence(needle: &str, mut haystack: impl Iterator<Item = char>) -> bool {
    needle
        .chars()
        .all(|c| haystack.any(|h| h.eq_ignore_ascii_case(&c)))
}

/// Heading anchors of the document itself (`path` empty) or of the linked file.
pub(super) fn anchors(
    input: &CompletionInput<'_>,
    model: &SpecModel,
    range: Range<usize>,
    path: &str,
) -> Completions {
    let typed = input.document.slice(range.start..input.offset.max(range.start));
    let wanted = |slug: &str| !slug.is_empty() && is_subsequence(&typed, slug.chars());
    // (slug, level, title) of the headings whose anchor matches what is typed.
    let found: Vec<(String, u8, &str)> = if path.is_empty() {
        // Repeats are numbered, so every heading's slug is needed to name any.
        let slugs = unique_slugs(
            model.headings.iter().map(|h| h.title.as_str()),
            &model.link_definitions,
        );
        model
            .headings
            .iter()
            .zip(slugs)
            .filter(|(_, slug)| wanted(slug))
            .map(|(h, slug)| (slug, h.level, h.title.as_str()))
            .collect()
    } else {
        let target = input
            .path
            .and_then(|from| WorkspaceIndex::resolve_link(from, path));
        match target.as_deref().and_then(|t| input.index.file(t)) {
            Some(entry) => entry
                .headings
                .iter()
                .filter(|h| wanted(h.slug()))
                .map(|h| (h.slug().to_string(), h.level, h.title()))
                .collect(),
            None => return Completions::default(),
        }
    };
    let incomplete = found.len() > MAX_ITEMS;
    let items = found
        .into_iter()
        .take(MAX_ITEMS)
        .enumerate()
        .map(|(position, (slug, level, title))| Item {
            label: slug.clone(),
            kind: ItemKind::Anchor,
            detail: Some(format!("{} {title}", "#".repeat(level.into()))),
            edit: TextEdit {
                range: range.clone(),
                new_text: slug.clone(),
            },
            snippet: false,
            filter_text: Some(slug),
            sort_text: sort_key(position),
            preselect: false,
            documentation: None,
        })
        .collect();
    Completions { items, incomplete }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_as_links_write_them() {
        let rel = |from: &str, to: &str| relative_path(Path::new(from), Path::new(to));
        assert_eq!(
            rel("/ws/specs/auth", "/ws/specs/auth/login.md").unwrap(),
            "login.md"
        );
        assert_eq!(
            rel("/ws/specs/auth", "/ws/specs/pay/checkout.md").unwrap(),
            "../pay/checkout.md"
        );
        assert_eq!(rel("/ws/specs", "/ws/README.md").unwrap(), "../README.md");
        assert_eq!(rel("/ws/specs", "/ws/specs").unwrap(), "");
        assert_eq!(rel("/ws/specs", "/other/a.md"), None);
    }

    #[test]
    fn ids_sort_naturally() {
        let mut ids = vec!["AUTH-10", "AUTH-2", "PAY-1", "AUTH-1"];
        ids.sort_by_key(|id| natural_key(id));
        assert_eq!(ids, ["AUTH-1", "AUTH-2", "AUTH-10", "PAY-1"]);
    }
}
