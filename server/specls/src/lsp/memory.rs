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
    /// A document closed: trim once no other closes for a moment, after `shrink` (which
    /// gives back the room tables kept for the documents that closed).
    pub fn closed(self: &Arc<Self>, shrink: impl Fn() + Send + Sync + 'static) {
        let this = self.closes.fetch_add(1, Ordering::Relaxed) + 1;
        let trimmer = self.clone();
        let shrink = Arc::new(shrink);
        tokio::spawn(async move {
            for wait in [QUIET, THREADS_GONE] {
                tokio::time::sleep(wait).await;
                if trimmer.closes.load(Ordering::Relaxed) != this {
                    return;
                }
                let shrink = shrink.clone();
                let _ = tokio::task::spawn_blocking(move || {
                    shrink();
                    release_free_memory();
                })
                .await;
            }
        });
    }
}

/// The tunable that turns glibc's per-thread caches off.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const NO_THREAD_CACHE: &str = "glibc.malloc.tcache_count=0";

/// At start of the server: runs itself again with glibc's per-thread caches turned off,
/// unless they are already set. Each thread keeps up to seven freed chunks of every small
/// size for itself, out of reach of `malloc_trim`; after a thousand documents close, the
/// chunks the long-lived threads keep are scattered over the pages the documents used and
/// hold them (6.2 MB of private memory where 1.8 MB were before the documents opened;
/// 2.0 MB without the caches, and no figure of the benchmark moved). The caches can only
/// be set before the allocator starts, through the environment, hence the exec. When it
/// fails the server runs as it is.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn without_thread_caches() {
    use std::os::unix::process::CommandExt;
    let tunables = std::env::var("GLIBC_TUNABLES").unwrap_or_default();
    if tunables.contains("glibc.malloc.tcache_count") {
        return;
    }
    let tunables = if tunables.is_empty() {
        NO_THREAD_CACHE.to_string()
    } else {
        format!("{tunables}:{NO_THREAD_CACHE}")
    };
    let mut args = std::env::args_os();
    let arg0 = args.next().unwrap_or_default();
    let err = std::process::Command::new("/proc/self/exe")
        .arg0(arg0)
        .args(args)
        .env("GLIBC_TUNABLES", tunables)
        .exec();
    crate::log::log_warn!("running on with glibc's thread caches, as re-running failed: {err}");
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn without_thread_caches() {}

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
