//! Reading the workspace from disk: every Markdown file of a folder, honouring
//! `.gitignore` and `.ignore`, never following a symbolic link (so neither a link out of
//! the folder nor a link loop is walked), skipping files over a size cap. Files are read
//! with the fast reader on a few threads.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use specls_syntax::{LineIndex, SpecModel};

use super::{FileEntry, normalize};
use crate::Settings;
use crate::config::over_size_limit;

/// How a scan runs. What it reads at most is the settings' business (`Limits`): a file
/// over its configuration's `max-file-size` is skipped with a note.
#[derive(Debug, Clone, Copy)]
pub struct ScanOptions {
    pub threads: usize,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
        }
    }
}

/// Why a file or folder was left out; the caller logs these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanNote {
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    NotUtf8 {
        path: PathBuf,
    },
    /// A FIFO, a device, a socket or a folder: never read.
    NotAFile {
        path: PathBuf,
        kind: &'static str,
    },
    Unreadable {
        path: PathBuf,
        error: String,
    },
    /// A symbolic link named `*.md`: links are not followed, so a link to a file outside
    /// the workspace or to a device is never read.
    Link {
        path: PathBuf,
    },
    /// Found by the walk and gone when read: deleted (or renamed) in between.
    Vanished {
        path: PathBuf,
    },
    /// A folder with more Markdown files than `limits.max-files`: the first are indexed.
    TooManyFiles {
        folder: PathBuf,
        found: usize,
        limit: usize,
    },
}

impl std::fmt::Display for ScanNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScanNote::TooLarge { path, size, limit } => write!(
                f,
                "{}: skipped, {} (limits.max-file-size)",
                path.display(),
                over_size_limit(*size, *limit)
            ),
            ScanNote::NotUtf8 { path } => write!(f, "{}: skipped, not valid UTF-8", path.display()),
            ScanNote::NotAFile { path, kind } => {
                write!(f, "{}: skipped, {kind} is not a regular file", path.display())
            }
            ScanNote::Unreadable { path, error } => write!(f, "{}: skipped: {error}", path.display()),
            ScanNote::Link { path } => write!(
                f,
                "{}: skipped, a symbolic link (links are not followed)",
                path.display()
            ),
            ScanNote::Vanished { path } => {
                write!(f, "{}: skipped, deleted before it was read", path.display())
            }
            ScanNote::TooManyFiles { folder, found, limit } => write!(
                f,
                "{}: {found} Markdown files, over the limit of {limit} (limits.max-files); the first \
                 {limit} in path order are indexed",
                folder.display()
            ),
        }
    }
}

/// Hidden files and folders are skipped, as ripgrep skips them, but for Kiro's `.kiro`
/// folder: its spec sets live in `.kiro/specs/<feature>/`. The folder walked from is
/// walked whatever its name.
pub fn visible_or_kiro(entry: &ignore::DirEntry) -> bool {
    let name = entry.file_name();
    entry.depth() == 0 || name == ".kiro" || !name.to_str().is_some_and(|name| name.starts_with('.'))
}

pub fn is_markdown(path: &Path) -> bool {
    path.extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("md"))
}

/// The Markdown files under `folder`, sorted. Walk errors (an unreadable folder) become notes.
pub fn walk(folder: &Path, notes: &mut Vec<ScanNote>) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let walker = ignore::WalkBuilder::new(folder)
        .follow_links(false)
        // `.gitignore` counts in a folder that is not (yet) a Git repository too.
        .require_git(false)
        .hidden(false)
        .filter_entry(visible_or_kiro)
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                if entry.file_type().is_some_and(|kind| kind.is_file()) && is_markdown(entry.path()) {
                    found.push(normalize(entry.path()));
                } else if let Some(note) = not_walked(&entry) {
                    notes.push(note);
                }
            }
            Err(err) => notes.push(ScanNote::Unreadable {
                path: folder.to_path_buf(),
                error: err.to_string(),
            }),
        }
    }
    found.sort();
    found
}

/// Why an entry named `*.md` that is not a regular file is left alone: a FIFO or a
/// device is never opened (a FIFO would block, `/dev/zero` never ends), a symbolic link
/// never followed.
pub fn not_walked(entry: &ignore::DirEntry) -> Option<ScanNote> {
    let kind = entry.file_type()?;
    if kind.is_file() || kind.is_dir() || !is_markdown(entry.path()) {
        return None;
    }
    let path = entry.path().to_path_buf();
    Some(if kind.is_symlink() {
        ScanNote::Link { path }
    } else {
        ScanNote::NotAFile {
            path,
            kind: file_kind(kind),
        }
    })
}

/// Reads one file into an entry.
pub fn read_entry(path: &Path, settings: &Settings) -> Result<FileEntry, ScanNote> {
    let text = read_text(path, settings.limits.max_file_size)?;
    Ok(entry_from_text(path, &text, settings))
}

/// The text of a regular file of at most `limit` bytes. Anything else is refused before a
/// byte is read: a FIFO would block the reader for good, a device such as `/dev/zero`
/// never ends, and a file's size as `stat` tells it may be 0 for both. The file is opened
/// without blocking and checked again once open, so a file swapped for a FIFO between the
/// two steps is refused too; the read stops at `limit` whatever the file claims.
pub fn read_text(path: &Path, limit: u64) -> Result<String, ScanNote> {
    let bytes = read_bytes(path, limit)?;
    String::from_utf8(bytes).map_err(|_| ScanNote::NotUtf8 {
        path: path.to_path_buf(),
    })
}

/// The bytes of a regular file of at most `limit` bytes (see [`read_text`]).
pub fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, ScanNote> {
    use std::io::Read;
    let unreadable = |err: std::io::Error| ScanNote::Unreadable {
        path: path.to_path_buf(),
        error: err.to_string(),
    };
    let not_regular = |kind: std::fs::FileType| ScanNote::NotAFile {
        path: path.to_path_buf(),
        kind: file_kind(kind),
    };
    let metadata = std::fs::metadata(path).map_err(|err| match err.kind() {
        std::io::ErrorKind::NotFound => ScanNote::Vanished {
            path: path.to_path_buf(),
        },
        _ => unreadable(err),
    })?;
    if !metadata.is_file() {
        return Err(not_regular(metadata.file_type()));
    }
    let too_large = |size: u64| ScanNote::TooLarge {
        path: path.to_path_buf(),
        size,
        limit,
    };
    if metadata.len() > limit {
        return Err(too_large(metadata.len()));
    }
    let file = open_without_blocking(path).map_err(unreadable)?;
    let metadata = file.metadata().map_err(unreadable)?;
    if !metadata.is_file() {
        return Err(not_regular(metadata.file_type()));
    }
    let mut bytes = Vec::with_capacity(metadata.len().min(limit) as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(unreadable)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(metadata.len().max(bytes.len() as u64)));
    }
    Ok(bytes)
}

#[cfg(unix)]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

fn file_kind(kind: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

/// The entry of a file's text read with the fast reader.
pub fn entry_from_text(path: &Path, text: &str, settings: &Settings) -> FileEntry {
    let model = SpecModel::read_fast(text);
    FileEntry::new(
        Arc::from(path),
        &model,
        settings,
        Some(LineIndex::new(text)),
        &|range| clamped(text, range).to_string(),
    )
}

/// The text of a byte range, clamped to the text (and empty off character boundaries).
pub fn clamped(text: &str, range: std::ops::Range<usize>) -> &str {
    let end = range.end.min(text.len());
    text.get(range.start.min(end)..end).unwrap_or_default()
}

/// Reads `files` on `options.threads` threads. `progress(done, total)` is called as
/// files finish (from the worker threads, at most about a hundred times).
pub fn scan(
    files: &[PathBuf],
    settings_for: &(dyn Fn(&Path) -> Arc<Settings> + Sync),
    options: &ScanOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> (Vec<FileEntry>, Vec<ScanNote>) {
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let step = (files.len() / 100).max(1);
    let notes = Mutex::new(Vec::new());
    let threads = options.threads.clamp(1, files.len().max(1));
    let entries = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut entries = Vec::new();
                    while let Some(path) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                        let settings = settings_for(path);
                        match read_entry(path, &settings) {
                            Ok(entry) => entries.push(entry),
                            Err(note) => notes.lock().unwrap_or_else(|p| p.into_inner()).push(note),
                        }
                        let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                        if finished.is_multiple_of(step) || finished == files.len() {
                            progress(finished, files.len());
                        }
                    }
                    entries
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().unwrap_or_default())
            .collect()
    });
    (entries, notes.into_inner().unwrap_or_else(|p| p.into_inner()))
}

/// Every Markdown file under `folders`, read into entries: [`walk`] then [`scan`].
pub fn scan_folders(
    folders: &[PathBuf],
    settings_for: &(dyn Fn(&Path) -> Arc<Settings> + Sync),
    options: &ScanOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> (Vec<FileEntry>, Vec<ScanNote>) {
    let mut notes = Vec::new();
    let mut files: Vec<PathBuf> = Vec::new();
    for folder in folders {
        let mut found = walk(folder, &mut notes);
        // The folder's own configuration sets its limit (its `.specls.yaml`, or the
        // defaults).
        let limit = settings_for(&folder.join(crate::CONFIG_FILE)).limits.max_files;
        if found.len() > limit {
            notes.push(ScanNote::TooManyFiles {
                folder: folder.clone(),
                found: found.len(),
                limit,
            });
            found.truncate(limit);
        }
        files.extend(found);
    }
    progress(0, files.len());
    let (entries, more) = scan(&files, settings_for, options, progress);
    notes.extend(more);
    (entries, notes)
}
