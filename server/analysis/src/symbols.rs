//! Workspace symbols: spec ids, titles and section headings, matched fuzzily and ranked.

use std::ops::Range;

use crate::index::{FileEntry, FileKey, WorkspaceIndex};

/// Enough for any picker; more would only cost serialisation.
pub const SYMBOL_LIMIT: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    /// A spec: its id and title.
    Spec,
    /// A document without an id: its title.
    Document,
    Section,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceSymbol {
    pub name: String,
    pub kind: SymbolKind,
    pub path: FileKey,
    pub range: Range<usize>,
    /// The spec a section belongs to.
    pub container: Option<String>,
}

/// How well `query` matches `name`: `None` when its characters do not appear in order.
/// Higher is better: a prefix beats a word start, which beats a scattered match.
fn score(query: &str, name: &str) -> Option<u32> {
    if query.is_empty() {
        return Some(1);
    }
    let name_lower = name.to_lowercase();
    if name_lower.starts_with(query) {
        return Some(1000 - name.len().min(500) as u32);
    }
    if let Some(at) = name_lower.find(query) {
        let word_start = at == 0 || !name_lower[..at].ends_with(|c: char| c.is_alphanumeric());
        return Some(if word_start { 600 } else { 400 } - name.len().min(300) as u32);
    }
    let mut chars = name_lower.chars();
    for wanted in query.chars() {
        chars.find(|&c| c == wanted)?;
    }
    Some(100 - name.len().min(99) as u32)
}

/// The best matches for `query`, at most [`SYMBOL_LIMIT`]. An empty query lists the specs.
pub fn workspace_symbols(index: &WorkspaceIndex, query: &str) -> Vec<WorkspaceSymbol> {
    let query = query.trim().to_lowercase();
    let mut scored: Vec<(u32, WorkspaceSymbol)> = Vec::new();
    for entry in index.files() {
        file_symbols(entry, &query, &mut scored);
    }
    scored.sort_by(|(a, x), (b, y)| {
        b.cmp(a)
            .then_with(|| x.name.cmp(&y.name))
            .then_with(|| x.path.cmp(&y.path))
    });
    scored.truncate(SYMBOL_LIMIT);
    scored.into_iter().map(|(_, symbol)| symbol).collect()
}

fn file_symbols(entry: &FileEntry, query: &str, out: &mut Vec<(u32, WorkspaceSymbol)>) {
    let title = entry.title.as_ref().map(|t| t.text.as_str());
    let (name, kind, range) = match (&entry.spec_id, title) {
        (Some(id), Some(title)) => (format!("{} {title}", id.text), SymbolKind::Spec, id.range.clone()),
        (Some(id), None) => (id.text.clone(), SymbolKind::Spec, id.range.clone()),
        (None, Some(title)) => (
            title.to_string(),
            SymbolKind::Document,
            entry.title.as_ref().map_or(0..0, |t| t.range.clone()),
        ),
        (None, None) => (entry.file_name(), SymbolKind::Document, 0..0),
    };
    // A spec ranks a little above its own sections for the same match.
    if let Some(score) = score(query, &name) {
        out.push((
            score + 1,
            WorkspaceSymbol {
                name: name.clone(),
                kind,
                path: entry.path.clone(),
                range,
                container: None,
            },
        ));
    }
    if query.is_empty() {
        return;
    }
    for heading in entry.headings.iter().filter(|h| h.level >= 2) {
        if let Some(score) = score(query, heading.title()) {
            out.push((
                score,
                WorkspaceSymbol {
                    name: heading.title().to_string(),
                    kind: SymbolKind::Section,
                    path: entry.path.clone(),
                    range: heading.title_range(),
                    container: Some(name.clone()),
                },
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_rank_above_scattered_matches() {
        assert!(score("auth", "AUTH-1 Login").unwrap() > score("auth", "OAuth flows").unwrap());
        assert!(score("auth", "OAuth flows").unwrap() > score("auth", "a user token hub").unwrap());
        assert_eq!(score("zz", "AUTH-1"), None);
    }
}
