//! Diagnostics as the protocol carries them: computed on a world, converted to the
//! negotiated encoding, and the problems of a broken `.specls.yaml` published on that
//! file. When they are computed and published is `checks.rs`'s business.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use specls_analysis::workspace_checks::{WorkspaceContext, check_workspace};
use specls_analysis::{CheckContext, ConfigProblem, Diagnostic, Severity, check};
use specls_syntax::Document;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{self as lsp, Uri};

use crate::lsp::convert::to_lsp_range;
use crate::lsp::session::{Checked, Session};
use crate::lsp::world::{Context, World};
use crate::settings::today;

pub const SOURCE: &str = "specls";

/// Computes (or recalls) the diagnostics of a document as the world has it. A result for
/// an open document is remembered while its version and inputs are current.
pub fn compute(session: &Session, world: &World, context: &Context) -> Arc<Vec<Diagnostic>> {
    let snapshot = &context.snapshot;
    if let (Some(version), Some(inputs)) = (snapshot.version, snapshot.inputs)
        && let Some(known) = session.recall_checked(&snapshot.uri, version, inputs)
    {
        return known;
    }
    let today = today();
    let turned_on = world.state.editor_settings.turned_on();
    let settings = if turned_on.is_empty() {
        context.settings.clone()
    } else {
        let mut settings = (*context.settings).clone();
        for (code, severity) in turned_on {
            settings.set_severity(code, Some(severity));
        }
        Arc::new(settings)
    };
    let set_template = context
        .path
        .as_deref()
        .and_then(|path| world.state.settings.set_template(path));
    let check_context = CheckContext {
        path: context.path.as_deref(),
        settings: &settings,
        today: &today,
        set_template: set_template.as_deref(),
    };
    let mut diagnostics = check(&snapshot.document, &check_context);
    let workspace = WorkspaceContext {
        index: &context.index,
        settings: &settings,
        file_exists: &|path| path.exists(),
    };
    diagnostics.extend(check_workspace(&context.entry, &workspace));
    let mut diagnostics = world.state.editor_settings.apply(diagnostics);
    diagnostics.sort_by_key(|d| (d.range.start, d.range.end, d.code));
    let diagnostics = Arc::new(diagnostics);
    if let Some(inputs) = snapshot.inputs {
        session.remember_checked(
            &snapshot.uri,
            Checked {
                version: snapshot.version,
                inputs,
                diagnostics: diagnostics.clone(),
            },
        );
    }
    diagnostics
}

pub fn to_lsp(world: &World, context: &Context, diagnostic: &Diagnostic) -> lsp::Diagnostic {
    let snapshot = &context.snapshot;
    let related_information = (!diagnostic.related.is_empty()).then(|| {
        diagnostic
            .related
            .iter()
            .filter_map(|related| {
                let at = specls_analysis::navigation::FileRange {
                    path: Arc::from(related.path.as_path()),
                    range: related.range.clone(),
                };
                Some(lsp::DiagnosticRelatedInformation {
                    location: world.location(&context.index, &at)?,
                    message: related.message.clone(),
                })
            })
            .collect()
    });
    lsp::Diagnostic {
        range: to_lsp_range(&snapshot.document, diagnostic.range.clone(), snapshot.encoding),
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

/// Diagnostics in protocol form.
pub fn to_lsp_all(world: &World, context: &Context, diagnostics: &[Diagnostic]) -> Vec<lsp::Diagnostic> {
    diagnostics.iter().map(|d| to_lsp(world, context, d)).collect()
}

/// Configuration files whose problems were last published, so a fixed file is cleared.
#[derive(Default)]
pub struct ConfigReports {
    reported: Mutex<HashMap<String, Vec<ConfigProblem>>>,
}

impl ConfigReports {
    /// Publishes the problems of a configuration file (or clears them).
    pub async fn publish(&self, client: &Client, config: &Path, text: &str, problems: &[ConfigProblem]) {
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
        let document = Document::new(text);
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
