use tower_lsp_server::ls_types::{DidChangeWatchedFilesParams, FileChangeType};

use crate::lsp::session::Session;
use crate::lsp::workspace::{key_of, reread};
use crate::settings::is_config_file;

pub struct Outcome {
    /// A configuration file changed: every open document is checked again (the settings
    /// cache re-reads the file).
    pub config_changed: bool,
    /// An indexed file changed in a way other files can see.
    pub index_changed: bool,
}

/// Files created, changed or deleted on disk. Open documents keep the editor's text: the
/// disk is read again when they close.
pub fn handle(session: &Session, params: DidChangeWatchedFilesParams) -> Outcome {
    let mut outcome = Outcome {
        config_changed: false,
        index_changed: false,
    };
    for change in params.changes {
        let Some(path) = change.uri.to_file_path() else {
            continue;
        };
        if is_config_file(&path) {
            session.invalidate_settings(&path);
            outcome.config_changed = true;
        } else if session.version(&change.uri).is_none() {
            let path = key_of(&change.uri);
            outcome.index_changed |= if change.typ == FileChangeType::DELETED {
                session.update_index(|index| index.remove(&path))
            } else {
                reread(session, &path)
            };
        }
    }
    outcome
}
