//! The language server: tower-lsp-server glue. Each LSP method lives in its own file
//! under `requests/` or `notifications/` and only translates between protocol types
//! and the analysis crate.
//!
//! Notifications change the [`Session`] synchronously, in their first step. Requests read
//! a [`World`] taken in their first step and do their work on a blocking thread, so a long
//! request never holds up the messages after it; a panic there becomes an `InternalError`.

mod checks;
mod convert;
mod diagnostics;
mod editor_settings;
mod memory;
mod notifications;
mod requests;
mod session;
mod transport;
mod workspace;
mod world;

use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService};

use self::checks::Checks;
use self::session::Session;
use self::world::World;
use crate::log::log_warn;
use crate::settings::is_config_file;

pub struct Backend {
    checks: Arc<Checks>,
}

/// Serves LSP on stdin and stdout. Success after `shutdown` and `exit`; failure when the
/// session ended any other way.
pub fn run_stdio() -> std::process::ExitCode {
    memory::without_thread_caches();
    memory::limit_arenas();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime can start");
    let ending = runtime.block_on(async {
        let (service, socket) = LspService::build(|client| Backend {
            checks: Arc::new(Checks::new(Arc::new(Session::default()), client)),
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

/// `SPECLS_TEST_PANIC=<method>` makes that request panic: the tests prove a panic is
/// answered and the session goes on. `SPECLS_TEST_SLOW=<method>` makes its work take
/// half a second more, so the tests can change the session while it runs. Nothing else
/// reads them.
fn injected_fault(method: &str) {
    static PANICS: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    static SLOW: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let panics = PANICS.get_or_init(|| std::env::var("SPECLS_TEST_PANIC").ok());
    if panics.as_deref() == Some(method) {
        panic!("injected by SPECLS_TEST_PANIC={method}");
    }
    let slow = SLOW.get_or_init(|| std::env::var("SPECLS_TEST_SLOW").ok());
    if slow.as_deref() == Some(method) {
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
}

impl Backend {
    fn session(&self) -> &Arc<Session> {
        &self.checks.session
    }

    fn client(&self) -> &Client {
        &self.checks.client
    }

    /// Runs a request's work on a blocking thread over the world as it is now.
    async fn read<T: Send + 'static>(
        &self,
        method: &'static str,
        uri: Option<&Uri>,
        work: impl FnOnce(&World) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let world = self.session().world();
        let about = uri.map(|uri| uri.as_str().to_string()).unwrap_or_default();
        let done = tokio::task::spawn_blocking(move || {
            injected_fault(method);
            work(&world)
        })
        .await;
        match done {
            Ok(result) => result,
            Err(err) => {
                let message = if err.is_panic() {
                    transport::panic_message(&*err.into_panic())
                } else {
                    err.to_string()
                };
                log_warn!("{method} {about} panicked: {message}");
                Err(transport::internal_error(method, &message))
            }
        }
    }

    /// [`Backend::read`] once the first scan of the workspace is complete: answers about
    /// other files would be wrong before.
    async fn read_indexed<T: Send + 'static>(
        &self,
        method: &'static str,
        uri: Option<&Uri>,
        work: impl FnOnce(&World) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        if !self.session().is_indexed() {
            self.session().wait_until_indexed().await;
        }
        self.read(method, uri, work).await
    }

    async fn document_state(
        &self,
        params: requests::document_state::Params,
    ) -> Result<requests::document_state::DocumentState> {
        let uri = params.text_document.uri.clone();
        self.read(requests::document_state::METHOD, Some(&uri), move |world| {
            requests::document_state::handle(world, params)
        })
        .await
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        Ok(requests::initialize::handle(self.session(), params))
    }

    async fn initialized(&self, _: InitializedParams) {
        crate::log::log_info!("initialized; position encoding {:?}", self.session().encoding());
        tokio::spawn(self.checks.clone().initial_scan());
        if let Some(registration) = requests::initialize::watch_registration(self.session())
            && let Err(err) = self.client().register_capability(vec![registration]).await
        {
            log_warn!("could not watch files: {err}");
        }
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    // Document notifications change the session synchronously, before any `.await`.
    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let (uri, version) = (params.text_document.uri.clone(), params.text_document.version);
        notifications::did_open::handle(self.session(), params);
        self.checks.schedule_own(uri, version);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri.clone();
        if notifications::did_change::handle(self.session(), params)
            && let Some(version) = self.session().version(&uri)
        {
            self.checks.schedule_own(uri, version);
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri.clone();
        if let Some(reread) = notifications::did_close::handle(self.session(), params) {
            self.checks.clone().reread(reread);
        }
        self.checks.clear(uri).await;
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        let saved_config = params
            .text_document
            .uri
            .to_file_path()
            .filter(|path| is_config_file(path))
            .map(|path| path.into_owned());
        notifications::did_save::handle(params);
        if let Some(config) = saved_config {
            self.session().invalidate_settings(&config);
            self.checks.clone().configuration_changed();
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let outcome = notifications::did_change_watched_files::handle(self.session(), params);
        if outcome.config_changed {
            self.checks.clone().configuration_changed();
        } else if outcome.set_template_changed {
            // The cache sees the new template at the next check; the checks remembered
            // for the open documents' current inputs must not be recalled.
            self.session().configuration_changed();
            self.checks.recheck_all();
        }
        for reread in outcome.rereads {
            self.checks.clone().reread(reread);
        }
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let (added, affected) = notifications::did_change_workspace_folders::handle(self.session(), params);
        self.checks.recheck(affected);
        self.checks.clone().scan_added_folders(added);
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        if notifications::did_change_configuration::handle(self.session(), params) {
            self.checks.recheck_all();
        }
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        let uri = params.text_document_position_params.text_document.uri.clone();
        self.read_indexed("textDocument/definition", Some(&uri), move |world| {
            requests::definition::handle(world, params)
        })
        .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let uri = params.text_document_position.text_document.uri.clone();
        self.read_indexed("textDocument/references", Some(&uri), move |world| {
            requests::references::handle(world, params)
        })
        .await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let uri = params.text_document_position_params.text_document.uri.clone();
        self.read_indexed("textDocument/hover", Some(&uri), move |world| {
            requests::hover::handle(world, params)
        })
        .await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let uri = params.text_document.uri.clone();
        self.read_indexed("textDocument/prepareRename", Some(&uri), move |world| {
            requests::rename::prepare(world, params)
        })
        .await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let uri = params.text_document_position.text_document.uri.clone();
        self.read_indexed("textDocument/rename", Some(&uri), move |world| {
            requests::rename::handle(world, params)
        })
        .await
    }

    async fn symbol(&self, params: WorkspaceSymbolParams) -> Result<Option<WorkspaceSymbolResponse>> {
        self.read_indexed("workspace/symbol", None, move |world| {
            requests::workspace_symbol::handle(world, params)
        })
        .await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let uri = params.text_document.uri.clone();
        self.read_indexed("textDocument/codeLens", Some(&uri), move |world| {
            requests::code_lens::handle(world, params)
        })
        .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let uri = params.text_document.uri.clone();
        self.read_indexed("textDocument/inlayHint", Some(&uri), move |world| {
            requests::inlay_hint::handle(world, params)
        })
        .await
    }

    async fn diagnostic(&self, params: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult> {
        let uri = params.text_document.uri.clone();
        let session = self.session().clone();
        if !session.is_indexed() {
            session.wait_until_indexed().await;
        }
        let asked_at = session.version_and_inputs(&uri);
        let report = self
            .read("textDocument/diagnostic", Some(&uri), move |world| {
                requests::diagnostic::handle(&session, world, params)
            })
            .await;
        // An index change that landed while this answer was computed may have been
        // announced before the answer arrived, or not at all (the document's entry was
        // still being built); the client is asked again once it holds the answer.
        if asked_at.is_some() && self.session().version_and_inputs(&uri) != asked_at {
            self.checks.refresh();
        }
        report
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        let session = self.session().clone();
        self.read("textDocument/codeAction", Some(&uri), move |world| {
            requests::code_action::handle(&session, world, params)
        })
        .await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let uri = params.text_document_position.text_document.uri.clone();
        self.read("textDocument/completion", Some(&uri), move |world| {
            requests::completion::handle(world, params)
        })
        .await
    }

    async fn completion_resolve(&self, item: CompletionItem) -> Result<CompletionItem> {
        self.read("completionItem/resolve", None, move |world| {
            requests::completion_resolve::handle(world, item)
        })
        .await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        injected_fault("workspace/executeCommand");
        let world = self.session().world();
        requests::execute_command::handle(&world, self.client(), params).await
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        let uri = params.text_document.uri.clone();
        self.read("textDocument/documentSymbol", Some(&uri), move |world| {
            requests::document_symbol::handle(world, params)
        })
        .await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let uri = params.text_document.uri.clone();
        self.read("textDocument/foldingRange", Some(&uri), move |world| {
            requests::folding_range::handle(world, params)
        })
        .await
    }
}
