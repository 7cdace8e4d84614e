//! The language server: tower-lsp-server glue. Each LSP method lives in its own file
//! under `requests/` or `notifications/` and only translates between protocol types
//! and the analysis crate.

mod convert;
mod notifications;
mod requests;
mod session;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use self::session::Session;

pub struct Backend {
    /// Kept for server-to-client messages (diagnostics, progress) as features arrive.
    #[allow(dead_code)]
    client: Client,
    session: Session,
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
            session: Session::default(),
        })
        .custom_method(requests::document_state::METHOD, Backend::document_state)
        .finish();
        Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
            .serve(service)
            .await;
    });
}

impl Backend {
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
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    // Document notifications mutate the session synchronously, before any `.await`:
    // tower-lsp-server polls handlers concurrently, and only the first poll of each is
    // guaranteed to happen in arrival order.
    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        notifications::did_open::handle(&self.session, params);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        notifications::did_change::handle(&self.session, params);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        notifications::did_close::handle(&self.session, params);
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        notifications::did_save::handle(&self.session, params);
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        requests::document_symbol::handle(&self.session, params)
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        requests::folding_range::handle(&self.session, params)
    }
}
