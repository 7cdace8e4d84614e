use tower_lsp_server::ls_types::DidChangeWatchedFilesParams;

use crate::lsp::session::Session;
use crate::settings::is_config_file;

/// Returns whether a configuration file changed: then every open document is checked
/// again (the settings cache re-reads the file).
pub fn handle(session: &Session, params: DidChangeWatchedFilesParams) -> bool {
    let mut config_changed = false;
    for change in params.changes {
        if let Some(path) = change.uri.to_file_path()
            && is_config_file(&path)
        {
            session.invalidate_settings(&path);
            config_changed = true;
        }
    }
    config_changed
}
