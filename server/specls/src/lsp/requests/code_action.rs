//! `textDocument/codeAction`: the quick fixes of the diagnostics in the range, and on
//! an empty Markdown file, "Start spec from template ..." for each template in effect.

use std::collections::HashMap;

use specls_analysis::scaffold_file;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::convert::{to_lsp_range, to_position};
use crate::lsp::diagnostics::{compute, to_lsp};
use crate::lsp::session::Session;
use crate::lsp::world::{Context, World};
use crate::settings::today;

pub const KINDS: &[CodeActionKind] = &[CodeActionKind::QUICKFIX, CodeActionKind::REFACTOR_REWRITE];

/// Whether the client asked for actions of this kind (`only` lists kinds or parents).
fn wanted(only: Option<&Vec<CodeActionKind>>, kind: &CodeActionKind) -> bool {
    only.is_none_or(|only| {
        only.iter().any(|asked| {
            kind.as_str() == asked.as_str() || kind.as_str().starts_with(&format!("{}.", asked.as_str()))
        })
    })
}

pub fn handle(
    session: &Session,
    world: &World,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>> {
    let uri = params.text_document.uri;
    let context = world.context(&uri)?;
    let only = params.context.only.as_ref();
    let mut actions = Vec::new();
    if wanted(only, &CodeActionKind::QUICKFIX) {
        actions.extend(quick_fixes(session, world, &uri, &context, params.range));
    }
    if wanted(only, &CodeActionKind::REFACTOR_REWRITE) {
        actions.extend(start_spec(&uri, &context));
    }
    Ok(Some(actions))
}

fn quick_fixes(
    session: &Session,
    world: &World,
    uri: &Uri,
    context: &Context,
    range: Range,
) -> Vec<CodeActionOrCommand> {
    let document = &context.snapshot.document;
    let encoding = context.snapshot.encoding;
    let start = document.offset_at(to_position(range.start), encoding).offset;
    let end = document.offset_at(to_position(range.end), encoding).offset;
    let diagnostics = compute(session, world, context);
    diagnostics
        .iter()
        .filter(|d| d.range.start <= end && start <= d.range.end)
        .filter_map(|diagnostic| {
            let fix = diagnostic.fix.as_ref()?;
            let edits = fix
                .edits
                .iter()
                .map(|edit| TextEdit {
                    range: to_lsp_range(document, edit.range.clone(), encoding),
                    new_text: edit.new_text.clone(),
                })
                .collect();
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![to_lsp(world, context, diagnostic)]),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), edits)])),
                    ..WorkspaceEdit::default()
                }),
                is_preferred: Some(true),
                ..CodeAction::default()
            }))
        })
        .collect()
}

/// On a Markdown file holding nothing but white space: its whole text replaced by a new
/// spec from each template, with an id and a title made of the file name where they
/// can be.
fn start_spec(uri: &Uri, context: &Context) -> Vec<CodeActionOrCommand> {
    let document = &context.snapshot.document;
    let Some(path) = context.path.as_deref() else {
        return Vec::new();
    };
    let is_markdown = specls_analysis::index::is_markdown(path);
    if !is_markdown || !document.rope().chars().all(char::is_whitespace) {
        return Vec::new();
    }
    let today = today();
    let whole = to_lsp_range(document, 0..document.len(), context.snapshot.encoding);
    context
        .settings
        .templates
        .iter()
        .map(|template| {
            let text = scaffold_file(
                template,
                &context.settings,
                path,
                None,
                None,
                context.index.ids(),
                &today,
            );
            CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Start spec from template {}", template.name()),
                kind: Some(CodeActionKind::REFACTOR_REWRITE),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(
                        uri.clone(),
                        vec![TextEdit {
                            range: whole,
                            new_text: text,
                        }],
                    )])),
                    ..WorkspaceEdit::default()
                }),
                ..CodeAction::default()
            })
        })
        .collect()
}
