use tower_lsp_server::ls_types::DidChangeConfigurationParams;

use crate::lsp::editor_settings::EditorSettings;
use crate::lsp::session::Session;

/// The editor's settings changed; whether the diagnostics must be computed again.
pub fn handle(session: &Session, params: DidChangeConfigurationParams) -> bool {
    session.set_editor_settings(EditorSettings::from_json(&params.settings))
}
