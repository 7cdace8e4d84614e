//! Giving memory back to the system once documents close. glibc's allocator keeps the
//! memory of freed documents for reuse; after a thousand documents close the process
//! would stay as large as it was with them open. A little after the last of a run of
//! closes, `malloc_trim` returns the free pages.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How long after the last close the memory is trimmed.
const QUIET: Duration = Duration::from_millis(500);
/// Blocking threads that did the work exit after 10 s idle and free their parsers; their
/// memory is trimmed once more then.
const THREADS_GONE: Duration = Duration::from_secs(11);

#[derive(Default)]
pub struct Trimmer {
    closes: AtomicU64,
}

impl Trimmer {
    /// A document closed: trim once no other closes for a moment.
    pub fn closed(self: &Arc<Self>) {
        let this = self.closes.fetch_add(1, Ordering::Relaxed) + 1;
        let trimmer = self.clone();
        tokio::spawn(async move {
            for wait in [QUIET, THREADS_GONE] {
                tokio::time::sleep(wait).await;
                if trimmer.closes.load(Ordering::Relaxed) != this {
                    return;
                }
                let _ = tokio::task::spawn_blocking(release_free_memory).await;
            }
        });
    }
}

/// At start: as many allocator arenas as cores, not glibc's eight per core. Each arena
/// keeps its own free memory; with one per blocking thread a server that checked
/// thousands of documents holds on to several times what it needs.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn limit_arenas() {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    // SAFETY: mallopt only sets an allocator parameter; called before other threads start.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, cores.clamp(1, 64) as libc::c_int);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn limit_arenas() {}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn release_free_memory() {
    // SAFETY: malloc_trim only walks the allocator's own free lists.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn release_free_memory() {}
