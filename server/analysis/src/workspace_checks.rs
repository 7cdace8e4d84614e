//! Diagnostics that need the workspace: references to ids no spec defines, links to
//! missing files or anchors, ids defined twice, dependency cycles, and the spec graph's
//! consistency (status of dependencies, `supersedes` pairs). They read one file's
//! [`FileEntry`] and the index, never the text, so `specls check` runs them on files it
//! no longer holds in memory.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

use specls_syntax::model::split_destination;

use crate::Settings;
use crate::config::DEFAULT_ID_PATTERN;
use crate::diagnostics::{Code, Diagnostic, Related};
use crate::hover::relative_path;
use crate::index::{FileEntry, IndexedKind, WorkspaceIndex, id_prefix};
use crate::trace::{SetView, check_set};

pub struct WorkspaceContext<'a> {
    pub index: &'a WorkspaceIndex,
    pub settings: &'a Settings,
    /// Whether a file that is not in the index exists (an image, an ignored file).
    pub file_exists: &'a dyn Fn(&Path) -> bool,
}

/// Statuses a spec should not depend on once it is approved or implemented.
const UNSETTLED: &[&str] = &["draft", "deprecated", "rejected"];
const SETTLED: &[&str] = &["approved", "implemented"];

/// The workspace diagnostics of one file, sorted by position.
pub fn check_workspace(entry: &FileEntry, context: &WorkspaceContext<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // A template's links are written for the specs made from it, in their folders.
    if context.settings.is_template_file(&entry.path) {
        return out;
    }
    let mut push = |code: Code, range: Range<usize>, message: String, related: Vec<Related>| {
        if let Some(severity) = context.settings.severity(code) {
            out.push(Diagnostic {
                code,
                severity,
                range,
                message,
                template: None,
                fix: None,
                related,
            });
        }
    };
    check_links(entry, context, &mut push);
    if let Some(view) = SetView::of(entry, context.index) {
        for finding in check_set(entry, &view, context.settings) {
            push(finding.code, finding.range, finding.message, finding.related);
        }
    }
    if entry.is_spec {
        check_ids(entry, context, &mut push);
        check_duplicate_id(entry, context, &mut push);
        check_cycle(entry, context, &mut push);
        check_graph(entry, context, &mut push);
    }
    out.sort_by_key(|d| (d.range.start, d.range.end, d.code));
    out
}

type Push<'p> = dyn FnMut(Code, Range<usize>, String, Vec<Related>) + 'p;

/// A plain word is a reference only when the workspace uses its prefix for ids, or a
/// configured id pattern names it: `UTF-8` or `SHA-256` are words, not references.
pub fn counts_as_reference(kind: &IndexedKind<'_>, index: &WorkspaceIndex, settings: &Settings) -> bool {
    match kind {
        IndexedKind::BareId { id } => {
            id_prefix(id).is_some_and(|prefix| index.uses_prefix(prefix))
                || (settings.id_pattern_source != DEFAULT_ID_PATTERN && settings.id_pattern.is_match(id))
        }
        IndexedKind::WikiId { .. } | IndexedKind::FieldId { .. } => true,
        _ => false,
    }
}

fn check_ids(entry: &FileEntry, context: &WorkspaceContext<'_>, push: &mut Push<'_>) {
    for reference in entry.references.iter() {
        let Some(id) = reference.kind.id() else {
            continue;
        };
        let known =
            context.index.spec(id).is_some() || entry.spec_id.as_ref().is_some_and(|own| own.text == id);
        if !known && counts_as_reference(&reference.kind, context.index, context.settings) {
            push(
                Code::UnknownReference,
                reference.target_range.clone(),
                format!("`{id}` is not the id of any spec in the workspace"),
                Vec::new(),
            );
        }
    }
}

fn check_links(entry: &FileEntry, context: &WorkspaceContext<'_>, push: &mut Push<'_>) {
    let destinations = entry.references.iter().filter_map(|r| match r.kind {
        IndexedKind::Link { path, anchor } => Some((path, anchor, r.target_range)),
        _ => None,
    });
    // A definition that no link uses renders nothing; one whose label starts with `^` is
    // a footnote.
    let used: HashSet<&str> = entry
        .references
        .iter()
        .filter_map(|r| match r.kind {
            IndexedKind::LinkReference { label } => Some(label),
            _ => None,
        })
        .collect();
    let definitions = entry
        .link_definitions
        .iter()
        .filter(|d| !d.label.starts_with('^') && used.contains(d.label.as_str()))
        .filter_map(|d| {
            let (path, anchor) = split_destination(&d.destination)?;
            Some((path, anchor, d.range.clone()))
        });
    // Definitions own their strings; links borrow theirs.
    let definitions: Vec<(String, Option<String>, Range<usize>)> = definitions.collect();
    let all = destinations.chain(
        definitions
            .iter()
            .map(|(p, a, r)| (p.as_str(), a.as_deref(), r.clone())),
    );
    // The target of each path and the anchors of each file linked to, found once: a file
    // may hold tens of thousands of links to a few hundred files, and each resolution
    // normalises a path, looks it up and may ask the file system.
    let mut targets: HashMap<&str, LinkTarget<'_>> = HashMap::new();
    let mut anchors: HashMap<&Path, HashSet<Cow<'_, str>>> = HashMap::new();
    for (path, anchor, range) in all {
        let target = if path.is_empty() {
            LinkTarget::Indexed(entry)
        } else {
            *targets
                .entry(path)
                .or_insert_with(|| link_target(entry, context, path))
        };
        let target = match target {
            LinkTarget::Indexed(target) => Some(target),
            LinkTarget::Elsewhere => None,
            LinkTarget::Ignored => continue,
            LinkTarget::Missing => {
                push(
                    Code::BrokenLink,
                    range,
                    format!("`{path}` does not exist"),
                    Vec::new(),
                );
                continue;
            }
        };
        if let (Some(target), Some(anchor)) = (target, anchor)
            && !anchor.is_empty()
            && !has_anchor(target, &anchor.to_lowercase(), &mut anchors)
        {
            let file = if path.is_empty() {
                "this document".to_string()
            } else {
                format!("`{path}`")
            };
            push(
                Code::BrokenLink,
                range,
                format!("no heading of {file} has the anchor `#{anchor}`"),
                Vec::new(),
            );
        }
    }
}

/// A file with this many anchors or fewer is searched; a larger one gets a set, built
/// once per check (hashing every anchor of every file linked to cost more than the links).
const ANCHORS_SEARCHED: usize = 48;

fn has_anchor<'e>(
    target: &'e FileEntry,
    lowercase: &str,
    sets: &mut HashMap<&'e Path, HashSet<Cow<'e, str>>>,
) -> bool {
    if target.headings.len() + target.html_anchors.len() <= ANCHORS_SEARCHED {
        return lowercase == "top"
            || target.headings.iter().any(|h| h.slug() == lowercase)
            || target.html_anchors.iter().any(|a| a.to_lowercase() == lowercase);
    }
    sets.entry(&target.path)
        .or_insert_with(|| target.anchors())
        .contains(lowercase)
}

/// Where a relative link's path leads.
#[derive(Clone, Copy)]
enum LinkTarget<'a> {
    /// A Markdown file of the index (this one, when the link names it).
    Indexed(&'a FileEntry),
    /// A file that exists but is not indexed (an image, an ignored file): its anchors are
    /// not known.
    Elsewhere,
    /// Not a path a file can have, or a template's example link: nothing to report.
    Ignored,
    Missing,
}

fn link_target<'a>(entry: &'a FileEntry, context: &WorkspaceContext<'a>, path: &str) -> LinkTarget<'a> {
    let Some(resolved) = WorkspaceIndex::resolve_link(&entry.path, path) else {
        return LinkTarget::Ignored;
    };
    match context.index.file(&resolved) {
        Some(target) if *target.path != *entry.path => LinkTarget::Indexed(target),
        Some(_) => LinkTarget::Indexed(entry),
        None if (context.file_exists)(&resolved) => LinkTarget::Elsewhere,
        None if is_template_example(entry, context.settings, path) => LinkTarget::Ignored,
        None => LinkTarget::Missing,
    }
}

/// Whether a link to a missing file is one of the example links of the spec's template
/// (`[Design Document](link)`), copied by `specls new`: the section that holds it is
/// reported as still holding the template's text, which says more than `link` missing.
fn is_template_example(entry: &FileEntry, settings: &Settings, path: &str) -> bool {
    entry
        .template
        .as_deref()
        .and_then(|name| settings.template(name))
        .is_some_and(|template| {
            template
                .schema
                .example_links
                .binary_search_by(|link| link.as_str().cmp(path))
                .is_ok()
        })
}

fn check_duplicate_id(entry: &FileEntry, context: &WorkspaceContext<'_>, push: &mut Push<'_>) {
    let Some(id) = &entry.spec_id else { return };
    let others: Vec<Related> = context
        .index
        .definitions(&id.text)
        .filter(|other| other.path != entry.path && other.scope == entry.scope)
        .filter_map(|other| {
            other.spec_id.as_ref().map(|value| Related {
                path: other.path.to_path_buf(),
                range: value.range.clone(),
                message: format!("`{}` is also defined here", id.text),
            })
        })
        .collect();
    if others.is_empty() {
        return;
    }
    let places: Vec<String> = others
        .iter()
        .map(|r| relative_path(&entry.path, &r.path).display().to_string())
        .collect();
    push(
        Code::DuplicateId,
        id.range.clone(),
        format!("`{}` is also the id of {}", id.text, places.join(", ")),
        others,
    );
}

/// For each `depends-on` item that leads back to this spec, the cycle it closes.
fn check_cycle(entry: &FileEntry, context: &WorkspaceContext<'_>, push: &mut Push<'_>) {
    let Some(own) = entry.spec_id.as_ref().filter(|_| entry.is_told_of_cycles()) else {
        return;
    };
    let own = own.text.as_str();
    let cycles = context.index.cycles();
    for (first, reference) in entry.field_ids("depends-on") {
        let chain: Vec<String> = if first == own {
            vec![own.to_string(), own.to_string()]
        } else {
            let Some(path) = cycles.path(first, own) else {
                continue;
            };
            std::iter::once(own.to_string())
                .chain(path.iter().map(|id| id.to_string()))
                .collect()
        };
        push(
            Code::DependencyCycle,
            reference.target_range.clone(),
            format!("dependency cycle: {}", chain.join(" -> ")),
            Vec::new(),
        );
    }
}

fn check_graph(entry: &FileEntry, context: &WorkspaceContext<'_>, push: &mut Push<'_>) {
    let own_status = entry.status.as_ref().map(|s| s.text.as_str());
    if let Some(status) = own_status.filter(|s| SETTLED.contains(s)) {
        for (id, reference) in entry.field_ids("depends-on") {
            let target_status = context
                .index
                .spec_for(id, entry.scope.as_ref())
                .and_then(|target| target.status.as_ref())
                .map(|s| s.text.as_str());
            if let Some(target_status) = target_status.filter(|s| UNSETTLED.contains(s)) {
                push(
                    Code::DependencyStatus,
                    reference.target_range.clone(),
                    format!("this spec is `{status}` but depends on `{id}`, which is `{target_status}`"),
                    Vec::new(),
                );
            }
        }
    }
    let Some(own) = &entry.spec_id else { return };
    for (field, inverse) in [("supersedes", "superseded-by"), ("superseded-by", "supersedes")] {
        for (id, reference) in entry.field_ids(field) {
            let Some(target) = context.index.spec_for(id, entry.scope.as_ref()) else {
                continue;
            };
            if !target.field_ids(inverse).any(|(back, _)| back == own.text) {
                push(
                    Code::SupersedesMismatch,
                    reference.target_range.clone(),
                    format!("`{id}` does not list `{}` under `{inverse}`", own.text),
                    Vec::new(),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::entry_from_text;

    fn check(files: &[(&str, &str)], which: &str) -> Vec<String> {
        let settings = Settings::default();
        let entries: Vec<FileEntry> = files
            .iter()
            .map(|(path, text)| entry_from_text(Path::new(path), text, &settings))
            .collect();
        let index = WorkspaceIndex::from_entries(entries);
        let entry = index.file(Path::new(which)).unwrap().clone();
        let context = WorkspaceContext {
            index: &index,
            settings: &settings,
            file_exists: &|_| false,
        };
        check_workspace(&entry, &context)
            .into_iter()
            .map(|d| format!("{}: {}", d.code.name(), d.message))
            .collect()
    }

    fn spec(id: &str, status: &str, fields: &str, body: &str) -> String {
        format!(
            "---\nspec-id: {id}\ntitle: {id}\nstatus: {status}\n{fields}---\n\n# {id}\n\n## Overview\n\n{body}\n"
        )
    }

    #[test]
    fn the_template_example_links_are_not_broken_links() {
        // `[Design Document](link)` is in the feature-spec template's References.
        let body = "- [Design Document](link)\n- [Mine](missing.md)\n- [Other](link2)\n";
        let a = spec("AUTH-1", "draft", "", body);
        assert_eq!(
            check(&[("/ws/a.md", &a)], "/ws/a.md"),
            [
                "broken-link: `missing.md` does not exist",
                "broken-link: `link2` does not exist"
            ]
        );
        // A note follows no template: its links are all checked.
        let note = format!("# Note\n\n{body}");
        assert_eq!(check(&[("/ws/n.md", &note)], "/ws/n.md").len(), 3);
    }

    #[test]
    fn unknown_ids_count_only_with_a_known_prefix() {
        let a = spec(
            "AUTH-1",
            "draft",
            "depends-on: [AUTH-7]\n",
            "See AUTH-9, UTF-8, [[NOPE-1]] and AUTH-1.",
        );
        assert_eq!(
            check(&[("/ws/a.md", &a)], "/ws/a.md"),
            [
                "unknown-reference: `AUTH-7` is not the id of any spec in the workspace",
                "unknown-reference: `AUTH-9` is not the id of any spec in the workspace",
                "unknown-reference: `NOPE-1` is not the id of any spec in the workspace",
            ]
        );
    }

    #[test]
    fn links_need_a_file_and_a_heading() {
        let a = spec(
            "AUTH-1",
            "draft",
            "",
            "[ok](b.md#overview) [gone](c.md) [bad](b.md#nope) [self](#overview) [x](#x)",
        );
        let b = spec("AUTH-2", "draft", "", "text");
        assert_eq!(
            check(&[("/ws/a.md", &a), ("/ws/b.md", &b)], "/ws/a.md"),
            [
                "broken-link: `c.md` does not exist",
                "broken-link: no heading of `b.md` has the anchor `#nope`",
                "broken-link: no heading of this document has the anchor `#x`",
            ]
        );
    }

    #[test]
    fn duplicate_ids_and_cycles() {
        let a = spec("AUTH-1", "draft", "depends-on: [AUTH-2]\n", "");
        let b = spec("AUTH-2", "draft", "depends-on: [AUTH-3]\n", "");
        let c = spec("AUTH-3", "draft", "depends-on: [AUTH-1]\n", "");
        let d = spec("AUTH-1", "draft", "", "");
        let found = check(
            &[
                ("/ws/a.md", &a),
                ("/ws/b.md", &b),
                ("/ws/c.md", &c),
                ("/ws/d.md", &d),
            ],
            "/ws/a.md",
        );
        assert_eq!(
            found,
            [
                "duplicate-id: `AUTH-1` is also the id of d.md",
                "dependency-cycle: dependency cycle: AUTH-1 -> AUTH-2 -> AUTH-3 -> AUTH-1",
            ]
        );
    }

    #[test]
    fn graph_consistency() {
        let a = spec(
            "AUTH-1",
            "approved",
            "depends-on: [AUTH-2]\nsupersedes: [AUTH-3]\n",
            "",
        );
        let b = spec("AUTH-2", "draft", "", "");
        let c = spec("AUTH-3", "deprecated", "", "");
        assert_eq!(
            check(
                &[("/ws/a.md", &a), ("/ws/b.md", &b), ("/ws/c.md", &c)],
                "/ws/a.md"
            ),
            [
                "dependency-status: this spec is `approved` but depends on `AUTH-2`, which is `draft`",
                "supersedes-mismatch: `AUTH-3` does not list `AUTH-1` under `superseded-by`",
            ]
        );
    }

    #[test]
    fn an_id_in_another_configuration_is_no_duplicate() {
        let in_scope = |root: &str, path: &str, text: &str| {
            let settings = Settings::defaults(std::path::PathBuf::from(root));
            entry_from_text(Path::new(path), text, &settings)
        };
        let a = spec("AUTH-1", "draft", "", "");
        let index = WorkspaceIndex::from_entries([
            in_scope("/repo/examples", "/repo/examples/a.md", &a),
            in_scope("/repo/fixtures", "/repo/fixtures/a.md", &a),
            in_scope(
                "/repo/fixtures",
                "/repo/fixtures/b.md",
                "---\nspec-id: AUTH-2\n---\n\nSee AUTH-1.\n",
            ),
        ]);
        let settings = Settings::default();
        let context = WorkspaceContext {
            index: &index,
            settings: &settings,
            file_exists: &|_| false,
        };
        let entry = index.file(Path::new("/repo/examples/a.md")).unwrap();
        assert!(check_workspace(entry, &context).is_empty());
        let b = index.file(Path::new("/repo/fixtures/b.md")).unwrap();
        let spec = index.spec_for("AUTH-1", b.scope.as_ref()).unwrap();
        assert_eq!(&*spec.path, Path::new("/repo/fixtures/a.md"));
    }
}
