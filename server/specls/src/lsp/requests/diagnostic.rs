//! `textDocument/diagnostic`: pull diagnostics, for clients that announce them.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::diagnostics::{compute, to_lsp_all};
use crate::lsp::session::Session;
use crate::lsp::world::World;

pub fn handle(
    session: &Session,
    world: &World,
    params: DocumentDiagnosticParams,
) -> Result<DocumentDiagnosticReportResult> {
    let context = world.context(&params.text_document.uri)?;
    let diagnostics = compute(session, world, &context);
    let items = to_lsp_all(world, &context, &diagnostics);
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
