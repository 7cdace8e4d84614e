//! `initialize`: negotiate the position encoding and announce capabilities.

use specls_syntax::PositionEncoding;
use tower_lsp_server::ls_types::*;

use crate::lsp::convert::{encoding_from_kind, encoding_kind};
use crate::lsp::editor_settings::EditorSettings;
use crate::lsp::session::{Session, pulls_diagnostics};

pub fn handle(session: &Session, params: InitializeParams) -> InitializeResult {
    let encoding = negotiate_encoding(&params.capabilities);
    session.set_roots(workspace_roots(&params));
    let pulls = pulls_diagnostics(&params.capabilities);
    if let Some(options) = &params.initialization_options {
        session.set_editor_settings(EditorSettings::from_json(options));
    }
    session.initialize(encoding, params.capabilities);
    InitializeResult {
        capabilities: ServerCapabilities {
            position_encoding: Some(encoding_kind(encoding)),
            text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            })),
            document_symbol_provider: Some(OneOf::Left(true)),
            definition_provider: Some(OneOf::Left(true)),
            references_provider: Some(OneOf::Left(true)),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            rename_provider: Some(OneOf::Right(RenameOptions {
                prepare_provider: Some(true),
                work_done_progress_options: WorkDoneProgressOptions::default(),
            })),
            workspace_symbol_provider: Some(OneOf::Left(true)),
            code_lens_provider: Some(CodeLensOptions {
                resolve_provider: Some(false),
            }),
            inlay_hint_provider: Some(OneOf::Left(true)),
            workspace: Some(WorkspaceServerCapabilities {
                workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                    supported: Some(true),
                    change_notifications: Some(OneOf::Left(true)),
                }),
                file_operations: None,
            }),
            folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(super::code_action::KINDS.to_vec()),
                ..CodeActionOptions::default()
            })),
            completion_provider: Some(CompletionOptions {
                resolve_provider: Some(true),
                trigger_characters: Some(
                    super::completion::TRIGGER_CHARACTERS
                        .iter()
                        .map(|c| c.to_string())
                        .collect(),
                ),
                ..CompletionOptions::default()
            }),
            execute_command_provider: Some(ExecuteCommandOptions {
                commands: super::execute_command::COMMANDS
                    .iter()
                    .map(|c| c.to_string())
                    .collect(),
                ..ExecuteCommandOptions::default()
            }),
            // Clients that pull get diagnostics on request; the others get them pushed.
            diagnostic_provider: pulls.then(|| {
                DiagnosticServerCapabilities::Options(DiagnosticOptions {
                    identifier: Some("specls".to_string()),
                    inter_file_dependencies: true,
                    workspace_diagnostics: false,
                    ..DiagnosticOptions::default()
                })
            }),
            ..ServerCapabilities::default()
        },
        server_info: Some(ServerInfo {
            name: "specls".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
        offset_encoding: None,
    }
}

/// The client's most preferred encoding that specls speaks; UTF-16 when it names none.
fn negotiate_encoding(capabilities: &ClientCapabilities) -> PositionEncoding {
    capabilities
        .general
        .as_ref()
        .and_then(|general| general.position_encodings.as_ref())
        .and_then(|kinds| kinds.iter().find_map(encoding_from_kind))
        .unwrap_or_default()
}

#[allow(deprecated)] // `root_uri` is the fallback for clients without workspace folders.
fn workspace_roots(params: &InitializeParams) -> Vec<std::path::PathBuf> {
    let folders = params
        .workspace_folders
        .iter()
        .flatten()
        .map(|folder| &folder.uri);
    let uris: Vec<&Uri> = folders.chain(params.root_uri.as_ref()).collect();
    // Clients send the root URI and the same folder again as a workspace folder.
    specls_analysis::index::outermost(
        uris.into_iter()
            .filter_map(|uri| {
                uri.to_file_path()
                    .map(|path| specls_analysis::index::normalize(&path))
            })
            .collect(),
    )
}

/// Watching Markdown files (the index) and `.specls.yaml` files, when the client can
/// register watchers.
pub fn watch_registration(session: &Session) -> Option<Registration> {
    let dynamic = session
        .capabilities()
        .workspace
        .as_ref()?
        .did_change_watched_files
        .as_ref()?
        .dynamic_registration?;
    dynamic.then(|| Registration {
        id: "specls-watch-files".to_string(),
        method: "workspace/didChangeWatchedFiles".to_string(),
        register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![
                FileSystemWatcher {
                    glob_pattern: GlobPattern::String("**/*.md".to_string()),
                    kind: None,
                },
                FileSystemWatcher {
                    glob_pattern: GlobPattern::String(format!("**/{}", specls_analysis::CONFIG_FILE)),
                    kind: None,
                },
            ],
        })
        .ok(),
    })
}
