//! `textDocument/prepareRename` and `textDocument/rename`: a spec id (its `spec-id`
//! value and every reference) or a heading (the heading and every anchor linking to it),
//! as one workspace edit. A refused rename is an error the editor shows.

use std::collections::HashMap;

use specls_analysis::navigation::{prepare_rename, rename, target_at};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use crate::lsp::convert::to_lsp_range;
use crate::lsp::world::{RequestAt, World};

pub fn prepare(world: &World, params: TextDocumentPositionParams) -> Result<Option<PrepareRenameResponse>> {
    let request = world.request_at(&params.text_document.uri, params.position)?;
    let Some(target) = request.target() else {
        return Ok(None);
    };
    let context = &request.context;
    let renamed = prepare_rename(&context.entry, &context.index, &target).map_err(Error::invalid_params)?;
    Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
        range: to_lsp_range(
            &context.snapshot.document,
            renamed.range,
            context.snapshot.encoding,
        ),
        placeholder: renamed.placeholder,
    }))
}

pub fn handle(world: &World, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
    let at = params.text_document_position;
    let RequestAt { context, offset } = world.request_at(&at.text_document.uri, at.position)?;
    let (snapshot, settings, entry, index) =
        (context.snapshot, context.settings, context.entry, context.index);
    let Some(target) = target_at(&entry, offset) else {
        return Err(Error::invalid_params(
            "nothing to rename here: place the cursor on a spec id or a heading",
        ));
    };
    let files =
        rename(&entry, &index, &settings, &target, &params.new_name).map_err(Error::invalid_params)?;
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for (path, edits) in files {
        let uri = if *path == *entry.path {
            snapshot.uri.clone()
        } else {
            Uri::from_file_path(&path)
                .ok_or_else(|| Error::invalid_params(format!("{} has no URI", path.display())))?
        };
        for edit in edits {
            let at = specls_analysis::navigation::FileRange {
                path: path.clone(),
                range: edit.range,
            };
            let Some(range) = world.range_in(&index, &uri, &at) else {
                return Err(Error::invalid_params(format!("cannot read {}", path.display())));
            };
            changes.entry(uri.clone()).or_default().push(TextEdit {
                range,
                new_text: edit.new_text,
            });
        }
    }
    Ok(Some(WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    }))
}
