//! Spec ids, link paths and heading anchors, from the workspace index (and, for the
//! document's own anchors, from its model).

use std::cmp::Ordering;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

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
    let mut found: Vec<&str> = index.ids().filter(|id| matches(id)).collect();
    let incomplete = found.len() > MAX_ITEMS;
    if incomplete {
        found.select_nth_unstable_by(MAX_ITEMS, |a, b| natural(a, b));
        found.truncate(MAX_ITEMS);
    }
    found.sort_unstable_by(|a, b| natural(a, b));
    let items = found
        .into_iter()
        .enumerate()
        .map(|(position, id)| Item {
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

/// `AUTH-2` before `AUTH-10`: the prefix as text, then the number as a number.
fn natural(a: &str, b: &str) -> Ordering {
    fn split(id: &str) -> (&str, u64) {
        let prefix = id.trim_end_matches(|c: char| c.is_ascii_digit());
        (prefix, id[prefix.len()..].parse().unwrap_or(0))
    }
    split(a).cmp(&split(b)).then_with(|| a.cmp(b))
}

/// Markdown files of the index, as paths relative to the document's folder.
pub(super) fn paths(input: &CompletionInput<'_>, range: Range<usize>) -> Completions {
    let Some(path) = input.path else {
        return Completions::default();
    };
    let Some(folder) = path.parent() else {
        return Completions::default();
    };
    let typed = input.document.slice(range.start..input.offset).to_lowercase();
    let mut found: Vec<(String, &FileEntry)> = input
        .index
        .files()
        .filter(|entry| *entry.path != *path)
        .filter_map(|entry| {
            let relative = relative_path(folder, &entry.path)?;
            is_subsequence(&typed, &relative.to_lowercase()).then_some((relative, &**entry))
        })
        .collect();
    // Nearer files first: siblings, then the folder's neighbours.
    let order = |a: &(String, &FileEntry), b: &(String, &FileEntry)| {
        let depth = |p: &str| p.matches('/').count();
        depth(&a.0).cmp(&depth(&b.0)).then_with(|| a.0.cmp(&b.0))
    };
    let incomplete = found.len() > MAX_ITEMS;
    if incomplete {
        found.select_nth_unstable_by(MAX_ITEMS, order);
        found.truncate(MAX_ITEMS);
    }
    found.sort_unstable_by(order);
    let items = found
        .into_iter()
        .enumerate()
        .map(|(position, (relative, entry))| Item {
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

/// `to` written relative to the folder `from`, with `/` separators, as a link holds it.
fn relative_path(from: &Path, to: &Path) -> Option<String> {
    let from: Vec<Component<'_>> = from.components().collect();
    let to: Vec<Component<'_>> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return None;
    }
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    Some(parts.join("/"))
}

fn is_subsequence(needle: &str, haystack: &str) -> bool {
    let mut rest = haystack.chars();
    needle.chars().all(|c| rest.any(|h| h == c))
}

/// Heading anchors of the document itself (`path` empty) or of the linked file.
pub(super) fn anchors(
    input: &CompletionInput<'_>,
    model: &SpecModel,
    range: Range<usize>,
    path: &str,
) -> Completions {
    let headings: Vec<(String, u8, String)> = if path.is_empty() {
        let slugs = unique_slugs(model.headings.iter().map(|h| h.title.as_str()));
        model
            .headings
            .iter()
            .zip(slugs)
            .map(|(h, slug)| (slug, h.level, h.title.clone()))
            .collect()
    } else {
        let target = input
            .path
            .and_then(|from| WorkspaceIndex::resolve_link(from, path))
            .map(PathBuf::from);
        match target.as_deref().and_then(|t| input.index.file(t)) {
            Some(entry) => entry
                .headings
                .iter()
                .map(|h| (h.slug.clone(), h.level, h.title.clone()))
                .collect(),
            None => return Completions::default(),
        }
    };
    let items = headings
        .into_iter()
        .filter(|(slug, _, _)| !slug.is_empty())
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
    Completions {
        items,
        incomplete: false,
    }
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
    }

    #[test]
    fn ids_sort_naturally() {
        let mut ids = vec!["AUTH-10", "AUTH-2", "PAY-1", "AUTH-1"];
        ids.sort_by(|a, b| natural(a, b));
        assert_eq!(ids, ["AUTH-1", "AUTH-2", "AUTH-10", "PAY-1"]);
    }
}
