//! `textDocument/codeAction`: the quick fixes of the diagnostics in the range.

use std::collections::HashMap;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::convert::{to_lsp_range, to_position};
use crate::lsp::diagnostics::{compute, to_lsp};
use crate::lsp::session::Session;

pub fn handle(session: &Session, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
    let uri = params.text_document.uri;
    let input = session.check_input(&uri)?;
    let document = &input.snapshot.document;
    let encoding = input.snapshot.encoding;
    let start = document
        .offset_at(to_position(params.range.start), encoding)
        .offset;
    let end = document.offset_at(to_position(params.range.end), encoding).offset;
    let diagnostics = compute(session, &uri, &input);
    let actions = diagnostics
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
                diagnostics: Some(vec![to_lsp(session, document, &input, diagnostic)]),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), edits)])),
                    ..WorkspaceEdit::default()
                }),
                is_preferred: Some(true),
                ..CodeAction::default()
            }))
        })
        .collect();
    Ok(Some(actions))
}
