//! Scans of workspace folders as the server runs them: off the message loop, reporting
//! `$/progress` to clients that support it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use specls_analysis::index::{self, FileEntry, ScanOptions};
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::ProgressToken;

use crate::log::{log_info, log_warn};
use crate::lsp::session::Session;

/// `SPECLS_TEST_SCAN_PAUSE_MS=<ms>`: a scan waits that long between reading the files and
/// handing back what it read. Only the tests set it.
fn test_scan_pause() -> Option<std::time::Duration> {
    let ms = std::env::var("SPECLS_TEST_SCAN_PAUSE_MS").ok()?.parse().ok()?;
    Some(std::time::Duration::from_millis(ms))
}

/// Reads every Markdown file of `folders` into entries, for the caller to put in the
/// index. Files that cannot be read are logged and left out.
pub async fn scan(session: &Arc<Session>, client: &Client, folders: Vec<PathBuf>) -> Vec<FileEntry> {
    if folders.is_empty() {
        return Vec::new();
    }
    let started = std::time::Instant::now();
    let progress_supported = session
        .capabilities()
        .window
        .as_ref()
        .and_then(|w| w.work_done_progress)
        .unwrap_or(false);
    let (sender, mut receiver) = tokio::sync::watch::channel((0usize, 0usize));
    let scanning = {
        let world = session.world();
        tokio::task::spawn_blocking(move || {
            let settings_for = |path: &Path| world.settings_for_path(path);
            index::scan_folders(
                &folders,
                &settings_for,
                &ScanOptions::default(),
                &|done, total| {
                    sender.send_replace((done, total));
                },
            )
        })
    };
    let progress = if progress_supported {
        // Unique per session: a rescan after a configuration change may overlap another.
        static SCANS: AtomicU64 = AtomicU64::new(0);
        let token = ProgressToken::String(format!("specls-index-{}", SCANS.fetch_add(1, Ordering::Relaxed)));
        match client.create_work_done_progress(token.clone()).await {
            Ok(()) => Some(
                client
                    .progress(token, "Indexing specs")
                    .with_percentage(0)
                    .begin()
                    .await,
            ),
            Err(err) => {
                log_warn!("the client refused a progress token: {err}");
                None
            }
        }
    } else {
        None
    };
    if let Some(progress) = &progress {
        while receiver.changed().await.is_ok() {
            let (done, total) = *receiver.borrow_and_update();
            let percentage = (done * 100).checked_div(total).unwrap_or(0) as u32;
            progress
                .report_with_message(format!("{done}/{total}"), percentage)
                .await;
        }
    }
    let (entries, notes) = match scanning.await {
        Ok(result) => result,
        Err(err) => {
            log_warn!("indexing failed: {err}");
            (Vec::new(), Vec::new())
        }
    };
    if let Some(pause) = test_scan_pause() {
        // Tests change files between the scan's reads and its results landing.
        log_warn!(
            "scan read {} files; pausing {pause:?} (SPECLS_TEST_SCAN_PAUSE_MS)",
            entries.len()
        );
        tokio::time::sleep(pause).await;
    }
    for note in &notes {
        log_warn!("{note}");
    }
    if let Some(progress) = progress {
        progress
            .finish_with_message(format!("{} files", entries.len()))
            .await;
    }
    log_info!(
        "indexed {} Markdown files in {:.0} ms ({} skipped)",
        entries.len(),
        started.elapsed().as_secs_f64() * 1000.0,
        notes.len()
    );
    entries
}
