//! `workspace/executeCommand`: `specls.newSpec` scaffolds a spec from a template through
//! `workspace/applyEdit` (the client creates the file; the server never writes to
//! disk), `specls.listTemplates` lists the templates in effect for a quick-pick.

use serde::Deserialize;
use serde_json::{Value, json};
use specls_analysis::scaffold_file;
use tower_lsp_server::Client;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use crate::lsp::world::World;
use crate::settings::today;

pub const NEW_SPEC: &str = "specls.newSpec";
pub const LIST_TEMPLATES: &str = "specls.listTemplates";
pub const COMMANDS: &[&str] = &[NEW_SPEC, LIST_TEMPLATES];

#[derive(Deserialize)]
struct NewSpec {
    template: String,
    uri: Uri,
    id: Option<String>,
    title: Option<String>,
}

/// `specls.listTemplates` may name a file or folder whose configuration applies.
#[derive(Deserialize, Default)]
struct ListTemplates {
    uri: Option<Uri>,
}

pub async fn handle(world: &World, client: &Client, params: ExecuteCommandParams) -> Result<Option<Value>> {
    let argument = params.arguments.into_iter().next();
    match params.command.as_str() {
        NEW_SPEC => {
            let arguments: NewSpec = parse(argument.ok_or_else(|| {
                Error::invalid_params(format!(
                    "{NEW_SPEC} takes one argument {{template, uri, id?, title?}}"
                ))
            })?)?;
            new_spec(world, client, arguments).await.map(Some)
        }
        LIST_TEMPLATES => {
            let arguments: ListTemplates = argument.map(parse).transpose()?.unwrap_or_default();
            Ok(Some(list_templates(world, arguments)))
        }
        other => Err(Error::invalid_params(format!(
            "unknown command {other:?}; commands are {}",
            COMMANDS.join(", ")
        ))),
    }
}

fn parse<T: for<'de> Deserialize<'de>>(value: Value) -> Result<T> {
    serde_json::from_value(value).map_err(|err| Error::invalid_params(format!("bad arguments: {err}")))
}

fn failed(message: String) -> Error {
    crate::log::log_warn!("{message}");
    Error {
        code: tower_lsp_server::jsonrpc::ErrorCode::InvalidRequest,
        message: message.into(),
        data: None,
    }
}

async fn new_spec(world: &World, client: &Client, arguments: NewSpec) -> Result<Value> {
    let uri = arguments.uri;
    let path = uri
        .to_file_path()
        .ok_or_else(|| Error::invalid_params(format!("{} is not a file", uri.as_str())))?
        .into_owned();
    if path.exists() || world.state.documents.contains_key(&uri) {
        return Err(failed(format!(
            "{} already exists; not overwriting it",
            path.display()
        )));
    }
    let (_, settings, _) = world.settings_for(&uri);
    let template = settings.template(&arguments.template).ok_or_else(|| {
        let known: Vec<&str> = settings.templates.iter().map(|t| t.name()).collect();
        Error::invalid_params(format!(
            "unknown template {:?}; templates are {}",
            arguments.template,
            known.join(", ")
        ))
    })?;
    let index = &world.state.index;
    let text = scaffold_file(
        template,
        &settings,
        &path,
        arguments.id.as_deref(),
        arguments.title.as_deref(),
        index.ids(),
        &today(),
    );
    let edit = WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(vec![
            DocumentChangeOperation::Op(ResourceOp::Create(CreateFile {
                uri: uri.clone(),
                options: Some(CreateFileOptions {
                    overwrite: Some(false),
                    ignore_if_exists: Some(false),
                }),
                annotation_id: None,
            })),
            DocumentChangeOperation::Edit(TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: uri.clone(),
                    version: None,
                },
                edits: vec![OneOf::Left(TextEdit {
                    range: Range::default(),
                    new_text: text,
                })],
            }),
        ])),
        ..WorkspaceEdit::default()
    };
    let response = client
        .apply_edit(edit)
        .await
        .map_err(|err| failed(format!("workspace/applyEdit failed: {}", err.message)))?;
    if !response.applied {
        return Err(failed(format!(
            "the editor did not create {}: {}",
            path.display(),
            response
                .failure_reason
                .unwrap_or_else(|| "no reason given".to_string())
        )));
    }
    Ok(json!(uri))
}

fn list_templates(world: &World, arguments: ListTemplates) -> Value {
    // Without a file, the first workspace folder's configuration applies.
    let uri = arguments.uri.or_else(|| {
        let root = world.state.roots.first()?;
        Uri::from_file_path(root.join("new.md"))
    });
    let settings = match &uri {
        Some(uri) => world.settings_for(uri).1,
        None => std::sync::Arc::new(specls_analysis::Settings::default()),
    };
    settings
        .templates
        .iter()
        .map(|t| json!({ "name": t.name(), "description": t.description(), "origin": t.origin }))
        .collect()
}
