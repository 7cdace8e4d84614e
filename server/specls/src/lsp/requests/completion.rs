//! `textDocument/completion`: the analysis crate's items in protocol form. Snippet
//! syntax only for clients that announce `snippetSupport`; documentation computed now,
//! or left to `completionItem/resolve` (through `data`) for clients that resolve it.

use serde_json::json;
use specls_analysis::completion::{DocumentationKey, Item, ItemKind};
use specls_analysis::{CompletionInput, complete, documentation};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::convert::{to_lsp_range, to_position};
use crate::lsp::world::World;
use crate::settings::today;

/// `key:` + space asks for values; `#` a section or an anchor; `[[` an id; `](` and
/// `/` a path.
pub const TRIGGER_CHARACTERS: &[&str] = &[":", "#", "[", "(", "/", " "];

/// What the client can take in completion items.
struct ClientSupport {
    snippets: bool,
    resolves_documentation: bool,
    markdown: bool,
}

fn client_support(world: &World) -> ClientSupport {
    let item = world
        .capabilities
        .text_document
        .as_ref()
        .and_then(|t| t.completion.as_ref())
        .and_then(|c| c.completion_item.as_ref());
    ClientSupport {
        snippets: item.and_then(|i| i.snippet_support).unwrap_or(false),
        resolves_documentation: item
            .and_then(|i| i.resolve_support.as_ref())
            .is_some_and(|r| r.properties.iter().any(|p| p == "documentation")),
        markdown: item
            .and_then(|i| i.documentation_format.as_ref())
            .is_none_or(|formats| formats.contains(&MarkupKind::Markdown)),
    }
}

pub fn handle(world: &World, params: CompletionParams) -> Result<Option<CompletionResponse>> {
    let uri = params.text_document_position.text_document.uri;
    let snapshot = world.document(&uri)?;
    let (path, settings, _) = world.settings_for(&uri);
    let document = &snapshot.document;
    let encoding = snapshot.encoding;
    let position = to_position(params.text_document_position.position);
    let offset = document.offset_at(position, encoding).offset;
    let index = &world.state.index;
    let today = today();
    let support = client_support(world);
    let completions = complete(&CompletionInput {
        document,
        offset,
        path: path.as_deref(),
        settings: &settings,
        index,
        today: &today,
        snippets: support.snippets,
    });
    let items = completions
        .items
        .into_iter()
        .map(|item| {
            let documentation_key = item.documentation.clone();
            let mut lsp_item = to_lsp_item(item, |range| to_lsp_range(document, range, encoding));
            if let Some(key) = documentation_key {
                if support.resolves_documentation {
                    lsp_item.data = Some(resolve_data(&uri, &key));
                } else {
                    lsp_item.documentation =
                        documentation(&key, &settings, index).map(|text| markup(text, support.markdown));
                }
            }
            lsp_item
        })
        .collect();
    Ok(Some(CompletionResponse::List(CompletionList {
        is_incomplete: completions.incomplete,
        items,
    })))
}

fn to_lsp_item(item: Item, range: impl Fn(std::ops::Range<usize>) -> Range) -> CompletionItem {
    let kind = match item.kind {
        ItemKind::Key => CompletionItemKind::PROPERTY,
        ItemKind::Value => CompletionItemKind::ENUM_MEMBER,
        ItemKind::Date => CompletionItemKind::VALUE,
        ItemKind::Section if item.snippet => CompletionItemKind::SNIPPET,
        ItemKind::Section => CompletionItemKind::TEXT,
        ItemKind::SpecId | ItemKind::Anchor => CompletionItemKind::REFERENCE,
        ItemKind::File => CompletionItemKind::FILE,
    };
    CompletionItem {
        label: item.label,
        kind: Some(kind),
        detail: item.detail,
        preselect: item.preselect.then_some(true),
        sort_text: Some(item.sort_text),
        filter_text: item.filter_text,
        insert_text_format: Some(if item.snippet {
            InsertTextFormat::SNIPPET
        } else {
            InsertTextFormat::PLAIN_TEXT
        }),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit {
            range: range(item.edit.range),
            new_text: item.edit.new_text,
        })),
        ..CompletionItem::default()
    }
}

/// What `completionItem/resolve` needs to find an item's documentation again.
fn resolve_data(uri: &Uri, key: &DocumentationKey) -> serde_json::Value {
    match key {
        DocumentationKey::Section {
            template,
            section,
            subsection,
        } => json!({
            "uri": uri,
            "kind": "section",
            "key": { "template": template, "section": section, "subsection": subsection },
        }),
        DocumentationKey::Id(id) => json!({ "uri": uri, "kind": "id", "key": id }),
    }
}

/// The key that [`resolve_data`] wrote.
pub fn documentation_key(data: &serde_json::Value) -> Option<DocumentationKey> {
    let key = &data["key"];
    match data["kind"].as_str()? {
        "section" => Some(DocumentationKey::Section {
            template: key["template"].as_str()?.to_string(),
            section: key["section"].as_str()?.to_string(),
            subsection: key["subsection"].as_str().map(str::to_string),
        }),
        "id" => Some(DocumentationKey::Id(key.as_str()?.to_string())),
        _ => None,
    }
}

pub fn markup(text: String, markdown: bool) -> Documentation {
    Documentation::MarkupContent(MarkupContent {
        kind: if markdown {
            MarkupKind::Markdown
        } else {
            MarkupKind::PlainText
        },
        value: text,
    })
}

pub fn client_reads_markdown(world: &World) -> bool {
    client_support(world).markdown
}
