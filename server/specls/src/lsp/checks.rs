//! The work the notification path starts and whose results change the session: checking
//! a document version (its entry goes into the index, its diagnostics to the client),
//! re-checking the open documents an index change may alter, scans of workspace folders
//! and files read again from disk. All of it runs off the message loop; results land in
//! the session only while they are current.

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use futures::FutureExt;
use tokio::sync::mpsc;

use specls_analysis::index;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::Uri;

use crate::log::log_warn;
use crate::lsp::diagnostics::{self, ConfigReports};
use crate::lsp::session::{Affected, Session};
use crate::lsp::workspace;

/// A file to read from disk again, as of the revision its notification arrived at.
pub struct Reread {
    pub path: PathBuf,
    pub revision: u64,
    /// The file was closed in the editor: its document's memory is free once this lands.
    pub closed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trigger {
    /// The document was opened or edited: its entry goes into the index and its
    /// diagnostics are published for the new version.
    Edited,
    /// Another file changed what this document sees: published only if they differ.
    Affected,
}

pub struct Checks {
    pub session: Arc<Session>,
    pub client: Client,
    reports: ConfigReports,
    /// Held from "is this result current?" to its publication, and by the clearing of a
    /// closed document: a result that was current never arrives after the clearing.
    publishing: tokio::sync::Mutex<()>,
    pub trimmer: Arc<crate::lsp::memory::Trimmer>,
    /// Checks to run, in the order they were asked for, by one worker per core; a version
    /// the editor sent goes before re-checks of others, so a keystroke never waits behind
    /// a thousand documents a configuration change re-checks. Run all at once, a burst of
    /// a thousand opens parsed side by side on blocking threads (each tree alive until its
    /// check ended: 300 MB for a thousand specs) and in no order, so a spec was often
    /// checked before the one it names and published twice.
    queues: OnceLock<Queues>,
    /// A `workspace/diagnostic/refresh` is about to be sent.
    refresh_due: Arc<AtomicBool>,
}

const REFRESH_DELAY: std::time::Duration = std::time::Duration::from_millis(30);

type Job = (Uri, i32);

struct Queues {
    edited: mpsc::UnboundedSender<Job>,
    affected: mpsc::UnboundedSender<Job>,
}

impl Checks {
    pub fn new(session: Arc<Session>, client: Client) -> Checks {
        Checks {
            session,
            client,
            reports: ConfigReports::default(),
            publishing: tokio::sync::Mutex::default(),
            trimmer: Arc::default(),
            queues: OnceLock::new(),
            refresh_due: Arc::default(),
        }
    }

    fn enqueue(self: &Arc<Self>, job: Job, trigger: Trigger) {
        let queues = self.queues.get_or_init(|| {
            let (edited, edited_jobs) = mpsc::unbounded_channel::<Job>();
            let (affected, affected_jobs) = mpsc::unbounded_channel::<Job>();
            let jobs = Arc::new(tokio::sync::Mutex::new((edited_jobs, affected_jobs)));
            let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
            for _ in 0..workers {
                let checks = self.clone();
                let jobs = jobs.clone();
                tokio::spawn(async move {
                    loop {
                        // The lock is fair: jobs are taken in the order they came.
                        let next = {
                            let mut jobs = jobs.lock().await;
                            let (edited, affected) = &mut *jobs;
                            tokio::select! {
                                biased;
                                Some(job) = edited.recv() => Some((job, Trigger::Edited)),
                                Some(job) = affected.recv() => Some((job, Trigger::Affected)),
                                else => None,
                            }
                        };
                        let Some(((uri, version), trigger)) = next else {
                            return;
                        };
                        let about = uri.as_str().to_string();
                        let check = checks.clone().check(uri, version, trigger);
                        if let Err(panic) = AssertUnwindSafe(check).catch_unwind().await {
                            log_warn!(
                                "the check of {about} panicked: {}",
                                crate::lsp::transport::panic_message(&*panic)
                            );
                        }
                    }
                });
            }
            Queues { edited, affected }
        });
        let queue = match trigger {
            Trigger::Edited => &queues.edited,
            Trigger::Affected => &queues.affected,
        };
        let _ = queue.send(job);
    }

    /// Checks a version the editor just sent.
    pub fn schedule_own(self: &Arc<Self>, uri: Uri, version: i32) {
        self.enqueue((uri, version), Trigger::Edited);
    }

    /// The documents an index change may alter: checked again (clients that are pushed
    /// to), or the client asked to pull again.
    pub fn recheck(self: &Arc<Self>, affected: Affected) {
        if affected.is_empty() {
            return;
        }
        if self.session.client_pulls() {
            self.refresh();
            return;
        }
        for uri in affected.documents {
            if let Some(version) = self.session.version(&uri) {
                self.enqueue((uri, version), Trigger::Affected);
            }
        }
    }

    /// Every open document again (the editor's settings changed).
    pub fn recheck_all(self: &Arc<Self>) {
        let documents = self
            .session
            .open_documents()
            .into_iter()
            .map(|(uri, _)| uri)
            .collect();
        self.recheck(Affected { documents });
    }

    /// Asks a pulling client to pull diagnostics again. Asks made
    /// within [`REFRESH_DELAY`] of each other are sent as one, after the answers that
    /// asked for it: a burst of opens costs the client one round of pulls, not one per
    /// open.
    pub fn refresh(&self) {
        if !self.session.client_pulls() || self.refresh_due.swap(true, Ordering::AcqRel) {
            return;
        }
        let client = self.client.clone();
        let due = self.refresh_due.clone();
        tokio::spawn(async move {
            tokio::time::sleep(REFRESH_DELAY).await;
            due.store(false, Ordering::Release);
            if let Err(err) = client.workspace_diagnostic_refresh().await {
                log_warn!("workspace/diagnostic/refresh failed: {err}");
            }
        });
    }

    async fn check(self: Arc<Self>, uri: Uri, version: i32, trigger: Trigger) {
        // Workspace checks before the first scan ends would call every reference unknown.
        if !self.session.is_indexed() {
            self.session.wait_until_indexed().await;
        }
        // Let keystrokes already queued land first: a burst ends in one check.
        tokio::task::yield_now().await;
        if self.session.version(&uri) != Some(version) {
            return;
        }
        let world = self.session.world();
        let session = self.session.clone();
        let about = uri.clone();
        let pushes = !world.client_pulls();
        let done = tokio::task::spawn_blocking(move || {
            crate::lsp::injected_fault("specls/check");
            let (affected, world) = match trigger {
                Trigger::Edited => {
                    let snapshot = world.document(&about).ok()?;
                    let (_, settings, _) = world.settings_for(&about);
                    let entry = world.entry(&snapshot, &settings);
                    session.commit_entry(&about, version, entry)?
                }
                Trigger::Affected => (Affected::default(), world),
            };
            let context = world.context(&about).ok()?;
            if context.snapshot.version != Some(version) {
                return None;
            }
            let found = diagnostics::compute(&session, &world, &context);
            let converted = pushes.then(|| diagnostics::to_lsp_all(&world, &context, &found));
            let config = context.config.clone().map(|config| {
                let text = world.state.settings.text(&config);
                (config, text, context.settings.problems.clone())
            });
            Some((affected, found, converted, config, context.snapshot.inputs))
        })
        .await;
        let (affected, found, converted, config, inputs) = match done {
            Ok(Some(done)) => done,
            Ok(None) => return,
            Err(err) => {
                // The last good diagnostics stay where they are.
                let message = if err.is_panic() {
                    crate::lsp::transport::panic_message(&*err.into_panic())
                } else {
                    err.to_string()
                };
                log_warn!(
                    "the check of {} version {version} panicked: {message}",
                    uri.as_str()
                );
                return;
            }
        };
        self.recheck(affected);
        if let Some((config, text, problems)) = config {
            self.reports
                .publish(&self.client, &config, &text, &problems)
                .await;
        }
        let Some(converted) = converted else { return };
        let Some(inputs) = inputs else { return };
        let _publishing = self.publishing.lock().await;
        if !self.session.should_publish(&uri, version, inputs, &found) {
            return;
        }
        self.client
            .publish_diagnostics(uri, converted, Some(version))
            .await;
    }

    /// Clears the diagnostics of a document that was closed (clients that are pushed to).
    pub async fn clear(&self, uri: Uri) {
        if self.session.client_pulls() {
            return;
        }
        let _publishing = self.publishing.lock().await;
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    /// Scans the workspace folders at start, then lets the checks waiting for it run.
    pub async fn initial_scan(self: Arc<Self>) {
        let roots = self.session.roots();
        let revision = self.session.will_scan();
        let entries = workspace::scan(&self.session, &self.client, roots.to_vec()).await;
        let affected = self.index_scanned(entries, revision);
        self.session.mark_indexed();
        if self.session.client_pulls() {
            self.refresh();
        } else {
            self.recheck(affected);
        }
    }

    /// Lands a scan's entries in the index, and finds the dependency cycles of the whole
    /// index (half a second at 100,000 specs) on a blocking thread rather than in the
    /// first check that reports them; they stay cached until an id or a `depends-on` list
    /// changes.
    fn index_scanned(&self, entries: Vec<specls_analysis::index::FileEntry>, revision: u64) -> Affected {
        let affected = self.session.index_scanned(entries, revision);
        let index = self.session.world().state.index;
        tokio::task::spawn_blocking(move || index.cycles());
        affected
    }

    /// Folders added to the workspace.
    pub fn scan_added_folders(self: Arc<Self>, folders: Vec<PathBuf>) {
        if folders.is_empty() {
            return;
        }
        tokio::spawn(async move {
            let revision = self.session.will_scan();
            let entries = workspace::scan(&self.session, &self.client, folders).await;
            let affected = self.index_scanned(entries, revision);
            self.recheck(affected);
        });
    }

    /// A configuration changed (it decides which files are specs and what an id looks
    /// like): the workspace is read again and every open document checked again.
    pub fn configuration_changed(self: Arc<Self>) {
        self.session.configuration_changed();
        self.recheck_all();
        tokio::spawn(async move {
            let revision = self.session.will_scan();
            let roots = self.session.roots();
            let entries = workspace::scan(&self.session, &self.client, roots.to_vec()).await;
            let affected = self.index_scanned(entries, revision);
            self.recheck(affected);
        });
    }

    /// Reads a file of the workspace again (changed on disk, or closed in the editor), or
    /// forgets it when it is gone.
    pub fn reread(self: Arc<Self>, reread: Reread) {
        tokio::spawn(async move {
            let world = self.session.world();
            let path = reread.path.clone();
            let read = tokio::task::spawn_blocking(move || {
                if !index::is_markdown(&path) || world.root_of(&path).is_none() {
                    return None;
                }
                let settings = world.settings_for_path(&path);
                match index::read_entry(&path, &settings) {
                    Ok(entry) => Some(entry),
                    Err(note) => {
                        if path.exists() {
                            log_warn!("{note}");
                        }
                        None
                    }
                }
            })
            .await
            .unwrap_or_default();
            let affected = self.session.reindex_file(&reread.path, read, reread.revision);
            self.recheck(affected);
            if reread.closed {
                let session = self.session.clone();
                self.trimmer.closed(move || session.shrink_to_fit());
            }
        });
    }
}
