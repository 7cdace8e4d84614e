//! Hover: what a reference points at (title, status, priority, owner, path and the
//! Overview's first paragraph), and what a frontmatter key means in the template.

use std::ops::Range;
use std::path::{Path, PathBuf};

use specls_syntax::SpecModel;

use crate::Settings;
use crate::index::{FileEntry, WorkspaceIndex};
use crate::navigation::{Target, definition};

/// Markdown to show, and the range it describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hover {
    pub markdown: String,
    pub range: Range<usize>,
}

/// Hover over a reference, an id or a link.
pub fn hover_target(current: &FileEntry, index: &WorkspaceIndex, target: &Target) -> Option<Hover> {
    let range = target.range().clone();
    let markdown = match target {
        Target::Id { id, .. } => {
            let mut specs = index
                .definitions_for(id, current.scope.as_ref())
                .into_iter()
                .peekable();
            if specs.peek().is_none() {
                format!("**{id}**: no spec in the workspace has this id")
            } else {
                specs
                    .map(|entry| spec_card(current, entry, None))
                    .collect::<Vec<_>>()
                    .join("\n\n---\n\n")
            }
        }
        Target::Link { path, anchor, .. } => {
            let entry = if *current.path == **path {
                Some(current)
            } else {
                index.file(path).map(|e| &**e)
            };
            match entry {
                Some(entry) => spec_card(current, entry, anchor.as_deref()),
                None if path.exists() => format!("`{}`", relative_path(&current.path, path).display()),
                None => format!("`{}`: no such file", relative_path(&current.path, path).display()),
            }
        }
        Target::Label { .. } => {
            let found = definition(current, index, target);
            let definition = found.first()?;
            let link = current
                .link_definitions
                .iter()
                .find(|d| d.range == definition.range)?;
            format!("`{}`", link.destination)
        }
        Target::Heading { .. } => return None,
        Target::Trace(target) => {
            crate::trace::navigate::hover(&crate::trace::SetView::of(current, index)?, target)
        }
    };
    Some(Hover { markdown, range })
}

/// A spec's title line, its facts and its summary.
fn spec_card(current: &FileEntry, entry: &FileEntry, anchor: Option<&str>) -> String {
    let title = entry
        .title
        .as_ref()
        .map(|t| t.text.clone())
        .unwrap_or_else(|| entry.file_name());
    let mut out = match &entry.spec_id {
        Some(id) => format!("**{}** · {title}", id.text),
        None => format!("**{title}**"),
    };
    if let Some(heading) = anchor.and_then(|anchor| entry.heading_by_slug(anchor)) {
        out.push_str(&format!(" § {}", heading.title()));
    }
    let facts: Vec<String> = [
        ("status", entry.status.as_ref().map(|s| s.text.clone())),
        ("priority", entry.priority.clone()),
        ("owner", entry.owner.clone()),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.map(|value| format!("{name}: `{value}`")))
    .collect();
    if !facts.is_empty() {
        out.push_str("\n\n");
        out.push_str(&facts.join(" · "));
    }
    out.push_str(&format!(
        "\n\n`{}`",
        relative_path(&current.path, &entry.path).display()
    ));
    if let Some(summary) = &entry.summary {
        out.push_str("\n\n");
        out.push_str(summary);
    }
    out
}

/// `to` as a link from the file `from` would write it.
pub fn relative_path(from: &Path, to: &Path) -> PathBuf {
    crate::index::relative_to(to, from.parent().unwrap_or(Path::new("")))
}

/// What the built-in fields mean; a configured template's own fields get its name only.
fn field_meaning(key: &str) -> Option<&'static str> {
    Some(match key {
        "spec-id" => "The spec's id, unique in the workspace; other specs reference it by this id.",
        "title" => "The spec's title, shown in hovers, completion and workspace symbols.",
        "status" => "Where the spec is in its lifecycle.",
        "priority" => "How urgent the work is.",
        "owner" => "Who is responsible for the spec.",
        "author" => "Who wrote the document.",
        "created" => "When the spec was created, as `YYYY-MM-DD`.",
        "updated" => "When the spec last changed, as `YYYY-MM-DD`.",
        "tags" => "Free-form labels.",
        "version" => "The document's version.",
        "reviewers" => "Who reviews the document.",
        "template" => "The template this spec follows.",
        "depends-on" => "Specs this one needs first (ids).",
        "related" => "Specs worth reading with this one (ids).",
        "supersedes" => "Specs this one replaces (ids); each should list this spec under `superseded-by`.",
        "superseded-by" => {
            "Specs that replace this one (ids); each should list this spec under `supersedes`."
        }
        "blocks" => "Specs waiting on this one (ids).",
        _ => return None,
    })
}

/// Hover over a frontmatter key: its meaning, its template, its allowed values.
pub fn hover_field_key(
    model: &SpecModel,
    settings: &Settings,
    path: Option<&Path>,
    offset: usize,
) -> Option<Hover> {
    let field = model
        .frontmatter
        .as_ref()?
        .fields
        .iter()
        .find(|field| field.key_range.start <= offset && offset <= field.key_range.end)?;
    let template = settings.select_template(path, model).ok();
    let mut out = format!("**{}**", field.key);
    if let Some(meaning) = field_meaning(&field.key) {
        out.push_str(&format!("\n\n{meaning}"));
    }
    if let Some(template) = template {
        let in_template = template.schema.fields.contains(&field.key);
        out.push_str(&format!(
            "\n\n{} of template `{}`",
            if in_template { "A field" } else { "Not a field" },
            template.name()
        ));
    }
    if let Some(values) = settings.allowed_values(&field.key) {
        out.push_str(&format!(
            "\n\nAllowed: {}",
            values
                .iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Some(Hover {
        markdown: out,
        range: field.key_range.clone(),
    })
}
