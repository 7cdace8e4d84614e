//! `specls list`: the specs of the workspace index that pass a filter, in id order.

use std::cmp::Ordering;
use std::sync::Arc;

use crate::index::{FileEntry, WorkspaceIndex};

/// Which specs to list. Each field lists the accepted values (any of them, compared
/// without regard to ASCII case); an empty field accepts every spec.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    pub statuses: Vec<String>,
    pub owners: Vec<String>,
    pub templates: Vec<String>,
    /// A spec passes when it has one of these tags.
    pub tags: Vec<String>,
}

impl ListFilter {
    pub fn accepts(&self, entry: &FileEntry) -> bool {
        fn one_of(accepted: &[String], value: Option<&str>) -> bool {
            accepted.is_empty()
                || value.is_some_and(|value| accepted.iter().any(|a| a.eq_ignore_ascii_case(value)))
        }
        entry.is_spec
            && one_of(&self.statuses, entry.status.as_ref().map(|s| s.text.as_str()))
            && (self.owners.is_empty()
                || entry.owner.as_deref().is_some_and(|owner| {
                    self.owners
                        .iter()
                        .any(|wanted| names_person(owner, wanted.trim()))
                }))
            && one_of(&self.templates, entry.template.as_deref())
            && (self.tags.is_empty() || entry.tags.iter().any(|tag| one_of(&self.tags, Some(tag))))
    }
}

/// Whether an `owner`/`author` value names `wanted`. The value is often a list
/// (`cy <cy@example.com>, dee (@dee), and more`, as EIPs and design docs write it): `wanted`
/// matches one person of it by the whole entry, the name, the e-mail address or the handle,
/// without regard to ASCII case.
fn names_person(owner: &str, wanted: &str) -> bool {
    if owner.trim().eq_ignore_ascii_case(wanted) {
        return true;
    }
    owner
        .split(',')
        .flat_map(|part| part.trim().trim_start_matches("and ").split(" and "))
        .map(str::trim)
        .filter(|person| !person.is_empty())
        .any(|person| {
            let name = person.split(['<', '(']).next().unwrap_or(person).trim();
            let inner = |open: char, close: char| {
                person
                    .split_once(open)
                    .and_then(|(_, rest)| rest.split_once(close))
                    .map(|(inside, _)| inside.trim())
            };
            [Some(person), Some(name), inner('<', '>'), inner('(', ')')]
                .into_iter()
                .flatten()
                .any(|form| {
                    form.eq_ignore_ascii_case(wanted)
                        || form
                            .strip_prefix('@')
                            .is_some_and(|handle| handle.eq_ignore_ascii_case(wanted))
                })
        })
}

/// The specs that pass `filter`: by id (`SPEC-2` before `SPEC-10`), then specs without
/// an id by path.
pub fn list<'a>(index: &'a WorkspaceIndex, filter: &ListFilter) -> Vec<&'a Arc<FileEntry>> {
    let mut specs: Vec<&Arc<FileEntry>> = index.files().filter(|entry| filter.accepts(entry)).collect();
    specs.sort_by(|a, b| {
        let id = |e: &FileEntry| e.spec_id.as_ref().map(|id| id.text.clone());
        match (id(a), id(b)) {
            (Some(x), Some(y)) => compare_ids(&x, &y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
        .then_with(|| a.path.cmp(&b.path))
    });
    specs
}

/// Ids in the order people count them: by prefix, then by number (`SPEC-2` < `SPEC-10`).
pub fn compare_ids(a: &str, b: &str) -> Ordering {
    fn parts(id: &str) -> (&str, Option<u64>) {
        match id.rsplit_once('-') {
            Some((prefix, number)) => (prefix, number.parse().ok()),
            None => (id, None),
        }
    }
    parts(a).cmp(&parts(b)).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::Settings;
    use crate::index::entry_from_text;

    fn index(files: &[(&str, &str)]) -> WorkspaceIndex {
        let settings = Settings::default();
        WorkspaceIndex::from_entries(
            files
                .iter()
                .map(|(path, text)| entry_from_text(Path::new(path), text, &settings)),
        )
    }

    fn ids(index: &WorkspaceIndex, filter: &ListFilter) -> Vec<String> {
        list(index, filter)
            .iter()
            .map(|e| {
                e.spec_id
                    .as_ref()
                    .map_or_else(|| e.file_name(), |id| id.text.clone())
            })
            .collect()
    }

    #[test]
    fn specs_are_listed_in_id_order_and_filtered() {
        let index = index(&[
            (
                "/ws/a.md",
                "---\nspec-id: SPEC-10\nstatus: draft\nowner: Ana\ntags: [auth, web]\n---\n",
            ),
            (
                "/ws/b.md",
                "---\nspec-id: SPEC-2\nstatus: approved\nowner: bo\ntags:\n  - payments\n---\n",
            ),
            (
                "/ws/c.md",
                "---\ntitle: Search\nauthor: ana\nreviewers: [bo]\nstatus: review\n---\n",
            ),
            ("/ws/README.md", "# Not a spec\n"),
        ]);
        let all = ListFilter::default();
        assert_eq!(ids(&index, &all), ["SPEC-2", "SPEC-10", "c.md"]);
        let owner = ListFilter {
            owners: vec!["ana".into()],
            ..all.clone()
        };
        assert_eq!(ids(&index, &owner), ["SPEC-10", "c.md"], "author counts as owner");
        let draft_or_review = ListFilter {
            statuses: vec!["draft".into(), "review".into()],
            ..all.clone()
        };
        assert_eq!(ids(&index, &draft_or_review), ["SPEC-10", "c.md"]);
        let design = ListFilter {
            templates: vec!["design-doc".into()],
            ..all.clone()
        };
        assert_eq!(ids(&index, &design), ["c.md"]);
        let tagged = ListFilter {
            tags: vec!["Payments".into()],
            ..all.clone()
        };
        assert_eq!(ids(&index, &tagged), ["SPEC-2"]);
        let nothing = ListFilter {
            tags: vec!["auth".into()],
            statuses: vec!["approved".into()],
            ..all
        };
        assert!(ids(&index, &nothing).is_empty());
    }

    #[test]
    fn ids_compare_by_prefix_then_number() {
        let mut ids = vec!["SPEC-10", "AUTH-3", "SPEC-2", "SPEC-002", "X"];
        ids.sort_by(|a, b| compare_ids(a, b));
        assert_eq!(ids, ["AUTH-3", "SPEC-002", "SPEC-2", "SPEC-10", "X"]);
    }
}
