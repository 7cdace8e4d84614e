//! `textDocument/diagnostic`: pull diagnostics, for clients that announce them.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::diagnostics::lsp_diagnostics;
use crate::lsp::session::Session;

pub fn handle(session: &Session, params: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult> {
    let uri = params.text_document.uri;
    let input = session.check_input(&uri)?;
    let items = lsp_diagnostics(session, &uri, &input);
    Ok(DocumentDiagnosticReportResult::Report(
        DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport {
                result_id: None,
                items,
            },
        }),
    ))
}
