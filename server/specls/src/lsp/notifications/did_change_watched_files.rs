use tower_lsp_server::ls_types::DidChangeWatchedFilesParams;

use crate::lsp::checks::Reread;
use crate::lsp::session::Session;
use crate::lsp::world::key_of;
use crate::settings::is_config_file;

pub struct Outcome {
    /// A configuration file, or a template file one names, changed: the settings are read
    /// again.
    pub config_changed: bool,
    /// Files to read again (created or changed) or to forget (deleted: the read finds
    /// nothing).
    pub rereads: Vec<Reread>,
}

/// Files created, changed or deleted on disk. Open documents keep the editor's text: the
/// disk is read again when they close.
pub fn handle(session: &Session, params: DidChangeWatchedFilesParams) -> Outcome {
    let mut outcome = Outcome {
        config_changed: false,
        rereads: Vec::new(),
    };
    for change in params.changes {
        let Some(path) = change.uri.to_file_path() else {
            continue;
        };
        let configs = session.configurations_of(&path);
        if !configs.is_empty() {
            session.invalidate_settings(&configs);
            outcome.config_changed = true;
        }
        if !is_config_file(&path) && session.version(&change.uri).is_none() {
            let path = key_of(&change.uri);
            let revision = session.will_reread(&path);
            outcome.rereads.push(Reread {
                path,
                revision,
                closed: false,
            });
        }
    }
    outcome
}
