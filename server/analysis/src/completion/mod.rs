//! Completion: what can be written at the cursor, from the spec's template, the
//! configuration and the workspace index. [`complete`] decides the cursor's context
//! ([`context`]) and builds plain items with byte ranges; the protocol layer converts
//! them. Documentation is left to [`documentation`], so a client that resolves items
//! lazily pays for it only for the item it shows.

mod context;
mod frontmatter;
mod references;
mod sections;
mod trace;

use std::path::Path;

use specls_syntax::Document;

use crate::config::Settings;
use crate::diagnostics::TextEdit;
use crate::index::WorkspaceIndex;

pub use context::{CursorContext, context_at};

/// Lists of ids and paths stop here and say they are incomplete: the client asks again
/// as the user types, and a 10,000-spec workspace never ships 10,000 items a keystroke.
pub const MAX_ITEMS: usize = 100;

pub struct CompletionInput<'a> {
    pub document: &'a Document,
    pub offset: usize,
    /// The document's path; `None` for an unsaved document.
    pub path: Option<&'a Path>,
    pub settings: &'a Settings,
    pub index: &'a WorkspaceIndex,
    /// Today as `YYYY-MM-DD`.
    pub today: &'a str,
    /// The client accepts snippet syntax (`${1:...}`) in inserted text.
    pub snippets: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Completions {
    pub items: Vec<Item>,
    /// More items match than were listed.
    pub incomplete: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// A frontmatter key.
    Key,
    /// An allowed frontmatter value, a template name.
    Value,
    /// Today's date.
    Date,
    /// A section or subsection of the template.
    Section,
    /// A spec id.
    SpecId,
    /// A Markdown file to link to.
    File,
    /// A heading anchor.
    Anchor,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub label: String,
    pub kind: ItemKind,
    pub detail: Option<String>,
    pub edit: TextEdit,
    /// `edit.new_text` is snippet syntax.
    pub snippet: bool,
    pub filter_text: Option<String>,
    /// Items are listed in this order.
    pub sort_text: String,
    pub preselect: bool,
    /// Where the item's documentation comes from, for [`documentation`].
    pub documentation: Option<DocumentationKey>,
}

/// What an item's documentation is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentationKey {
    /// A section's (or subsection's) guidance in a template.
    Section {
        template: String,
        section: String,
        subsection: Option<String>,
    },
    /// The summary of the spec defining an id.
    Id(String),
}

/// The completion items at `input.offset`.
pub fn complete(input: &CompletionInput<'_>) -> Completions {
    if let Some(found) = trace::cites(input) {
        return found;
    }
    if let Some(found) = trace::metadata(input) {
        return found;
    }
    let model = input.document.model();
    let template = input.settings.select_template(input.path, &model).ok();
    let own_id = model.spec_id();
    match context_at(input.document, &model, input.offset) {
        CursorContext::Nothing => Completions::default(),
        CursorContext::Key { range, has_colon } => {
            frontmatter::keys(input, &model, template, range, has_colon)
        }
        CursorContext::Value {
            key,
            range,
            needs_space,
            listed,
        } => frontmatter::values(input, &model, template, &key, range, needs_space, &listed),
        // A README or a note is no spec: no template sections on its empty lines.
        CursorContext::Section { line, level } => match template {
            Some(template) if input.settings.is_spec(input.path, &model) => {
                sections::items(input, &model, &template.schema, line, level)
            }
            _ => Completions::default(),
        },
        CursorContext::WikiId { range, closed } => {
            let typed = input.document.slice(range.start..input.offset);
            let suffix = if closed { "" } else { "]]" };
            references::ids(input.index, &typed, range, suffix, &[], own_id)
        }
        CursorContext::BareId { range, typed } => {
            references::ids(input.index, &typed, range, "", &[], own_id)
        }
        CursorContext::LinkPath { range } => references::paths(input, range),
        CursorContext::Anchor { range, path } => references::anchors(input, &model, range, &path),
    }
}

/// The documentation of an item, as Markdown.
pub fn documentation(key: &DocumentationKey, settings: &Settings, index: &WorkspaceIndex) -> Option<String> {
    match key {
        DocumentationKey::Section {
            template,
            section,
            subsection,
        } => {
            let schema = &settings.template(template)?.schema;
            let body = &schema.rule(section, subsection.as_deref())?.body;
            (!body.is_empty()).then(|| body.clone())
        }
        DocumentationKey::Id(id) => index.spec(id)?.summary.clone(),
    }
}

/// A sort key that keeps items in the order given.
fn sort_key(position: usize) -> String {
    format!("{position:05}")
}
