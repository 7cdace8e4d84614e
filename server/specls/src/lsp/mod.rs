//! The language server: tower-lsp-server glue. Each LSP method lives in its own file
//! under `requests/` or `notifications/` and only translates between protocol types
//! and the analysis crate.

mod convert;
mod diagnostics;
mod editor_settings;
mod notifications;
mod requests;
mod session;
mod transport;
mod workspace;

use std::sync::Arc;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService};

use self::diagnostics::ConfigReports;
use self::session::Session;
use crate::settings::is_config_file;

pub struct Backend {
    client: Client,
    session: Arc<Session>,
    config_reports: Arc<ConfigReports>,
    /// Documents whose change affects other files: the others are checked again.
    others_affected: UnboundedSender<Option<Uri>>,
}

/// Serves LSP on stdin and stdout. Success after `shutdown` and `exit`; failure when the
/// session ended any other way.
pub fn run_stdio() -> std::process::ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime can start");
    let ending = runtime.block_on(async {
        let (service, socket) = LspService::build(|client| {
            let session: Arc<Session> = Arc::default();
            let config_reports: Arc<ConfigReports> = Arc::default();
            let (others_affected, changes) = tokio::sync::mpsc::unbounded_channel();
            tokio::spawn(recheck_dependents(
                session.clone(),
                client.clone(),
                config_reports.clone(),
                others_affected.clone(),
                changes,
            ));
            Backend {
                client,
                session,
                config_reports,
                others_affected,
            }
        })
        .custom_method(requests::document_state::METHOD, Backend::document_state)
        .finish();
        transport::serve(service, socket).await
    });
    // Work still running (a scan, a check) has nobody to report to.
    runtime.shutdown_background();
    match ending {
        transport::Ending::Clean => std::process::ExitCode::SUCCESS,
        transport::Ending::Abrupt => std::process::ExitCode::FAILURE,
    }
}

/// Checks the open documents again when another file changed what they see of it: an
/// open document (`Some`, which is not checked again itself) or a file on disk (`None`).
/// Changes that arrive together are handled once.
async fn recheck_dependents(
    session: Arc<Session>,
    client: Client,
    reports: Arc<ConfigReports>,
    others_affected: UnboundedSender<Option<Uri>>,
    mut changes: UnboundedReceiver<Option<Uri>>,
) {
    while let Some(first) = changes.recv().await {
        let mut changed = vec![first];
        while let Ok(more) = changes.try_recv() {
            changed.push(more);
        }
        for uri in session.open_uris() {
            if changed.len() == 1 && changed[0].as_ref() == Some(&uri) {
                continue;
            }
            if let Some(version) = session.version(&uri) {
                session.forget_diagnostics(&uri);
                tokio::spawn(diagnostics::publish(
                    session.clone(),
                    client.clone(),
                    reports.clone(),
                    others_affected.clone(),
                    uri,
                    version,
                ));
            }
        }
        if diagnostics::client_pulls(&session) {
            let _ = client.workspace_diagnostic_refresh().await;
        }
    }
}

impl Backend {
    /// Checks a document version in the background and publishes the result.
    fn schedule_diagnostics(&self, uri: Uri, version: i32) {
        tokio::spawn(diagnostics::publish(
            self.session.clone(),
            self.client.clone(),
            self.config_reports.clone(),
            self.others_affected.clone(),
            uri,
            version,
        ));
    }

    /// Reads the workspace again and checks every open document, after a configuration
    /// change (it decides which files are specs and what an id looks like).
    async fn recheck_open_documents(&self) {
        let session = self.session.clone();
        let client = self.client.clone();
        let others_affected = self.others_affected.clone();
        tokio::spawn(async move {
            workspace::scan_folders(&session, &client, session.roots()).await;
            let _ = others_affected.send(None);
        });
        for uri in self.session.open_uris() {
            if let Some(version) = self.session.version(&uri) {
                self.session.forget_diagnostics(&uri);
                self.schedule_diagnostics(uri, version);
            }
        }
        if diagnostics::client_pulls(&self.session) {
            let _ = self.client.workspace_diagnostic_refresh().await;
        }
    }

    async fn document_state(
        &self,
        params: requests::document_state::Params,
    ) -> Result<requests::document_state::DocumentState> {
        requests::document_state::handle(&self.session, params)
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        Ok(requests::initialize::handle(&self.session, params))
    }

    async fn initialized(&self, _: InitializedParams) {
        crate::log::log_info!("initialized; position encoding {:?}", self.session.encoding());
        tokio::spawn(workspace::initial_scan(self.session.clone(), self.client.clone()));
        if let Some(registration) = requests::initialize::watch_registration(&self.session)
            && let Err(err) = self.client.register_capability(vec![registration]).await
        {
            crate::log::log_warn!("could not watch files: {err}");
        }
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    // Document notifications mutate the session synchronously, before any `.await`:
    // tower-lsp-server polls handlers concurrently, and only the first poll of each is
    // guaranteed to happen in arrival order.
    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let (uri, version) = (params.text_document.uri.clone(), params.text_document.version);
        notifications::did_open::handle(&self.session, params);
        self.schedule_diagnostics(uri, version);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri.clone();
        if notifications::did_change::handle(&self.session, params)
            && let Some(version) = self.session.version(&uri)
        {
            self.schedule_diagnostics(uri, version);
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri.clone();
        if notifications::did_close::handle(&self.session, params) {
            let _ = self.others_affected.send(None);
        }
        if !diagnostics::client_pulls(&self.session) {
            self.client.publish_diagnostics(uri, Vec::new(), None).await;
        }
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        let saved_config = params
            .text_document
            .uri
            .to_file_path()
            .filter(|path| is_config_file(path))
            .map(|path| path.into_owned());
        notifications::did_save::handle(&self.session, params);
        if let Some(config) = saved_config {
            self.session.invalidate_settings(&config);
            self.recheck_open_documents().await;
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let outcome = notifications::did_change_watched_files::handle(&self.session, params);
        if outcome.config_changed {
            self.recheck_open_documents().await;
        } else if outcome.index_changed {
            let _ = self.others_affected.send(None);
        }
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let added = notifications::did_change_workspace_folders::handle(&self.session, params);
        let session = self.session.clone();
        let client = self.client.clone();
        let others_affected = self.others_affected.clone();
        tokio::spawn(async move {
            workspace::scan_folders(&session, &client, added).await;
            let _ = others_affected.send(None);
        });
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        if notifications::did_change_configuration::handle(&self.session, params) {
            for uri in self.session.open_uris() {
                if let Some(version) = self.session.version(&uri) {
                    self.session.forget_diagnostics(&uri);
                    self.schedule_diagnostics(uri, version);
                }
            }
        }
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        // Answers about other files wait for the first scan of the workspace.
        self.session.wait_until_indexed().await;
        requests::definition::handle(&self.session, params)
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        // Answers about other files wait for the first scan of the workspace.
        self.session.wait_until_indexed().await;
        requests::references::handle(&self.session, params)
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        // Answers about other files wait for the first scan of the workspace.
        self.session.wait_until_indexed().await;
        requests::hover::handle(&self.session, params)
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        // Answers about other files wait for the first scan of the workspace.
        self.session.wait_until_indexed().await;
        requests::rename::prepare(&self.session, params)
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        // Answers about other files wait for the first scan of the workspace.
        self.session.wait_until_indexed().await;
        requests::rename::handle(&self.session, params)
    }

    async fn symbol(&self, params: WorkspaceSymbolParams) -> Result<Option<WorkspaceSymbolResponse>> {
        requests::workspace_symbol::handle(&self.session, params).await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        // Answers about other files wait for the first scan of the workspace.
        self.session.wait_until_indexed().await;
        requests::code_lens::handle(&self.session, params)
    }

    async fn diagnostic(&self, params: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult> {
        requests::diagnostic::handle(&self.session, params)
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        requests::code_action::handle(&self.session, params)
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        requests::completion::handle(&self.session, params)
    }

    async fn completion_resolve(&self, item: CompletionItem) -> Result<CompletionItem> {
        requests::completion_resolve::handle(&self.session, item)
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        requests::execute_command::handle(&self.session, &self.client, params).await
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        requests::document_symbol::handle(&self.session, params)
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        requests::folding_range::handle(&self.session, params)
    }
}
