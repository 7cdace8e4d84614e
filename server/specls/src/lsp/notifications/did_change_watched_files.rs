use specls_analysis::trace::template;
use tower_lsp_server::ls_types::DidChangeWatchedFilesParams;

use crate::lsp::checks::Reread;
use crate::lsp::session::Session;
use crate::lsp::world::key_of;
use crate::settings::is_config_file;

pub struct Outcome {
    /// A configuration file changed: the settings cache reads it again.
    pub config_changed: bool,
    /// A spec-kit template (`.specify/templates/*-template.md`) changed: the findings of
    /// open sets' files may differ, though none of their inputs did.
    pub set_template_changed: bool,
    /// Files to read again (created or changed) or to forget (deleted: the read finds
    /// nothing).
    pub rereads: Vec<Reread>,
}

/// Files created, changed or deleted on disk. Open documents keep the editor's text: the
/// disk is read again when they close.
pub fn handle(session: &Session, params: DidChangeWatchedFilesParams) -> Outcome {
    let mut outcome = Outcome {
        config_changed: false,
        set_template_changed: false,
        rereads: Vec::new(),
    };
    for change in params.changes {
        let Some(path) = change.uri.to_file_path() else {
            continue;
        };
        if is_config_file(&path) {
            session.invalidate_settings(&path);
            outcome.config_changed = true;
            continue;
        }
        if template::is_template_file(&path) {
            outcome.set_template_changed = true;
        }
        if session.version(&change.uri).is_none() {
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
