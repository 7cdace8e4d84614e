//! Diagnostics as the protocol carries them: computed on a snapshot, converted to the
//! negotiated encoding, pushed after open and after changes (or pulled by clients that
//! ask), and never published for a version that is no longer current.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use specls_analysis::workspace_checks::{WorkspaceContext, check_workspace};
use specls_analysis::{CheckContext, ConfigProblem, Diagnostic, Severity, check};
use specls_syntax::Document;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{self as lsp, Uri};

use crate::lsp::convert::to_lsp_range;
use crate::lsp::session::{CheckInput, Session};
use crate::lsp::workspace::{current_entry, location};
use crate::settings::today;

pub const SOURCE: &str = "specls";

/// Computes (or recalls) the diagnostics of one document version.
pub fn compute(session: &Session, uri: &Uri, input: &CheckInput) -> Arc<Vec<Diagnostic>> {
    let version = input.snapshot.version;
    if let Some(known) = session.remembered_diagnostics(uri, version) {
        return known;
    }
    let today = today();
    let context = CheckContext {
        path: input.path.as_deref(),
        settings: &input.settings,
        today: &today,
    };
    let mut diagnostics = check(&input.snapshot.document, &context);
    let (entry, _) = current_entry(session, &input.snapshot, &input.settings);
    let index = session.index();
    let workspace = WorkspaceContext {
        index: &index,
        settings: &input.settings,
        file_exists: &|path| path.exists(),
    };
    diagnostics.extend(check_workspace(&entry, &workspace));
    let mut diagnostics = session.editor_settings().apply(diagnostics);
    diagnostics.sort_by_key(|d| (d.range.start, d.range.end, d.code));
    let diagnostics = Arc::new(diagnostics);
    session.remember_diagnostics(uri, version, diagnostics.clone());
    diagnostics
}

pub fn to_lsp(
    session: &Session,
    document: &Document,
    input: &CheckInput,
    diagnostic: &Diagnostic,
) -> lsp::Diagnostic {
    let encoding = input.snapshot.encoding;
    let related_information = (!diagnostic.related.is_empty()).then(|| {
        let index = session.index();
        diagnostic
            .related
            .iter()
            .filter_map(|related| {
                let at = specls_analysis::navigation::FileRange {
                    path: Arc::from(related.path.as_path()),
                    range: related.range.clone(),
                };
                Some(lsp::DiagnosticRelatedInformation {
                    location: location(session, &index, &at, encoding)?,
                    message: related.message.clone(),
                })
            })
            .collect()
    });
    lsp::Diagnostic {
        range: to_lsp_range(document, diagnostic.range.clone(), input.snapshot.encoding),
        severity: Some(severity(diagnostic.severity)),
        code: Some(lsp::NumberOrString::String(diagnostic.code.name().to_string())),
        code_description: None,
        source: Some(SOURCE.to_string()),
        message: diagnostic.message.clone(),
        related_information,
        tags: None,
        data: diagnostic
            .template
            .as_ref()
            .map(|template| serde_json::json!({ "template": template })),
    }
}

pub fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Information => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

/// All diagnostics of a document in protocol form.
pub fn lsp_diagnostics(session: &Session, uri: &Uri, input: &CheckInput) -> Vec<lsp::Diagnostic> {
    let diagnostics = compute(session, uri, input);
    let document = &input.snapshot.document;
    diagnostics
        .iter()
        .map(|d| to_lsp(session, document, input, d))
        .collect()
}

/// Whether the client pulls diagnostics (`textDocument/diagnostic`) instead of
/// receiving them.
pub fn client_pulls(session: &Session) -> bool {
    session
        .client_capabilities()
        .and_then(|c| c.text_document.as_ref())
        .is_some_and(|t| t.diagnostic.is_some())
}

/// Configuration files whose problems were last published, so a fixed file is cleared.
#[derive(Default)]
pub struct ConfigReports {
    reported: Mutex<HashMap<String, Vec<ConfigProblem>>>,
}

impl ConfigReports {
    /// Publishes the problems of a configuration file (or clears them).
    pub async fn publish(&self, client: &Client, config: &Path, problems: &[ConfigProblem]) {
        let Some(uri) = Uri::from_file_path(config) else {
            return;
        };
        let key = uri.as_str().to_string();
        {
            let mut reported = self.reported.lock().unwrap_or_else(|p| p.into_inner());
            let previous = reported.get(&key).map(Vec::as_slice).unwrap_or_default();
            if previous == problems {
                return;
            }
            if problems.is_empty() {
                reported.remove(&key);
            } else {
                reported.insert(key, problems.to_vec());
            }
        }
        let text = std::fs::read_to_string(config).unwrap_or_default();
        let document = Document::new(&text);
        let diagnostics = problems
            .iter()
            .map(|problem| lsp::Diagnostic {
                range: to_lsp_range(
                    &document,
                    problem.range.clone(),
                    specls_syntax::PositionEncoding::Utf16,
                ),
                severity: Some(lsp::DiagnosticSeverity::ERROR),
                code: Some(lsp::NumberOrString::String("config".to_string())),
                source: Some(SOURCE.to_string()),
                message: problem.message.clone(),
                ..lsp::Diagnostic::default()
            })
            .collect();
        client.publish_diagnostics(uri, diagnostics, None).await;
    }
}

/// Checks an open document and pushes its diagnostics, unless a newer version arrived
/// meanwhile: then that version's own task publishes. When the document changed what
/// other files see of it (its id, status, headings, dependencies), `others_affected` is told, so
/// the other open documents are checked again.
pub async fn publish(
    session: Arc<Session>,
    client: Client,
    reports: Arc<ConfigReports>,
    others_affected: tokio::sync::mpsc::UnboundedSender<Option<Uri>>,
    uri: Uri,
    version: i32,
) {
    // Workspace checks before the first scan ends would call every reference unknown.
    if !session.is_indexed() {
        session.wait_until_indexed().await;
    }
    // Let keystrokes already queued land first: a burst ends in one check.
    tokio::task::yield_now().await;
    if session.version(&uri) != Some(version) {
        return;
    }
    let Ok(input) = session.check_input(&uri) else {
        return;
    };
    if input.snapshot.version != Some(version) {
        return;
    }
    let (_, affected) = current_entry(&session, &input.snapshot, &input.settings);
    if affected {
        let _ = others_affected.send(Some(uri.clone()));
    }
    if let Some(config) = &input.config {
        reports.publish(&client, config, &input.settings.problems).await;
    }
    if client_pulls(&session) {
        return;
    }
    let diagnostics = lsp_diagnostics(&session, &uri, &input);
    if session.version(&uri) != Some(version) {
        return;
    }
    client.publish_diagnostics(uri, diagnostics, Some(version)).await;
}
