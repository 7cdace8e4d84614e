//! The language server: tower-lsp-server glue. Each LSP method lives in its own file
//! under `requests/` or `notifications/` and only translates between protocol types
//! and the analysis crate.

mod convert;
mod diagnostics;
mod notifications;
mod requests;
mod session;

use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use self::diagnostics::ConfigReports;
use self::session::Session;
use crate::settings::is_config_file;

pub struct Backend {
    client: Client,
    session: Arc<Session>,
    config_reports: Arc<ConfigReports>,
}

pub fn run_stdio() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime can start");
    runtime.block_on(async {
        let (service, socket) = LspService::build(|client| Backend {
            client,
            session: Arc::default(),
            config_reports: Arc::default(),
        })
        .custom_method(requests::document_state::METHOD, Backend::document_state)
        .finish();
        Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
            .serve(service)
            .await;
    });
}

impl Backend {
    /// Checks a document version in the background and publishes the result.
    fn schedule_diagnostics(&self, uri: Uri, version: i32) {
        tokio::spawn(diagnostics::publish(
            self.session.clone(),
            self.client.clone(),
            self.config_reports.clone(),
            uri,
            version,
        ));
    }

    /// Checks every open document again, after a configuration change.
    async fn recheck_open_documents(&self) {
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
        if let Some(registration) = requests::initialize::watch_registration(&self.session)
            && let Err(err) = self.client.register_capability(vec![registration]).await
        {
            crate::log::log_warn!("could not watch configuration files: {err}");
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
        notifications::did_close::handle(&self.session, params);
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
        if notifications::did_change_watched_files::handle(&self.session, params) {
            self.recheck_open_documents().await;
        }
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
