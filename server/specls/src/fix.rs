//! `specls check --fix` and `--diff`: the safe quick fixes of each file applied (see
//! `specls_analysis::fix`), then written back, printed as a diff, or (for text from
//! stdin) printed whole.
//!
//! This is the one command that writes, so it writes carefully: through a temporary file
//! in the file's folder renamed over it (a reader never sees half a file, a crash leaves
//! the old one), keeping the file's permissions, line endings and byte order mark; never
//! when the file changed since it was read (its bytes and modification time are compared
//! just before the rename); and never through a symbolic link that leads out of the
//! workspace (a link inside it is followed, and the file it names is written, so the
//! link stays a link).

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use similar::TextDiff;
use specls_analysis::Limits;
use specls_analysis::fix::{AppliedFix, fix_all};
use specls_analysis::{CheckContext, Code, check_model};
use specls_syntax::SpecModel;
use specls_syntax::ropey::Rope;

use crate::settings::{self, SettingsCache};

const BOM: &str = "\u{feff}";

/// What to do with a fixed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixMode {
    /// Write it back to its file.
    Write,
    /// Print a unified diff of the changes, write nothing.
    Diff,
}

/// A file to fix: as shown to the user, where it is, and its text when it came from stdin.
pub struct FixTarget<'a> {
    pub shown: &'a Path,
    /// The path as named, made absolute but with links not resolved.
    pub named: PathBuf,
    pub stdin: Option<&'a str>,
}

/// What fixing one file gave.
pub struct FileFix {
    pub applied: Vec<AppliedFix>,
    /// The fixed text (of stdin, for printing), `None` for files written or diffed.
    pub stdin_text: Option<String>,
}

/// The files fixed (each with at least one fix), and those that could not be (the
/// reason is for stderr).
#[derive(Default)]
pub struct FixReport {
    pub fixed: Vec<FileFix>,
    pub refused: Vec<String>,
}

impl FixReport {
    pub fn count(&self) -> usize {
        self.fixed.iter().map(|file| file.applied.len()).sum()
    }

    /// `Fixed 3 problems in 2 files (missing-section 2, invalid-value 1)`, or `Would fix …`.
    pub fn summary(&self, mode: FixMode) -> Option<String> {
        let count = self.count();
        if count == 0 {
            return None;
        }
        let mut by_code: Vec<(Code, usize)> = Vec::new();
        for applied in self.fixed.iter().flat_map(|file| &file.applied) {
            match by_code.iter_mut().find(|(code, _)| *code == applied.code) {
                Some((_, n)) => *n += 1,
                None => by_code.push((applied.code, 1)),
            }
        }
        by_code.sort_by_key(|(code, n)| (std::cmp::Reverse(*n), *code));
        let codes: Vec<String> = by_code
            .iter()
            .map(|(code, n)| format!("{} {n}", code.name()))
            .collect();
        let files = self.fixed.len();
        let verb = match mode {
            FixMode::Write => "Fixed",
            FixMode::Diff => "Would fix",
        };
        Some(format!(
            "{verb} {count} {} in {files} {} ({})",
            if count == 1 { "problem" } else { "problems" },
            if files == 1 { "file" } else { "files" },
            codes.join(", ")
        ))
    }
}

/// Fixes each target; diffs go to `out` in [`FixMode::Diff`]. `keep(code)` says which
/// codes were selected.
pub fn fix_files(
    targets: &[FixTarget<'_>],
    mode: FixMode,
    keep: &dyn Fn(Code) -> bool,
    out: &mut dyn Write,
    color: bool,
) -> io::Result<FixReport> {
    let cache = SettingsCache::default();
    let today = settings::today();
    let mut report = FixReport::default();
    for target in targets {
        match fix_one(target, mode, keep, &cache, &today) {
            Ok(Some((fixed, diff))) => {
                if let Some(diff) = diff {
                    write_diff(out, &diff, color)?;
                }
                report.fixed.push(fixed);
            }
            Ok(None) => {}
            Err(reason) => report
                .refused
                .push(format!("specls: {}: {reason}", target.shown.display())),
        }
    }
    Ok(report)
}

/// The file as read: its text without a byte order mark, and what a later read is
/// compared with.
struct FileRead {
    bom: bool,
    text: String,
    bytes: Vec<u8>,
    modified: Option<SystemTime>,
    /// The file to write: the path named, or the file a link inside the workspace names.
    real: PathBuf,
}

fn read_target(target: &FixTarget<'_>) -> Result<Option<FileRead>, String> {
    let bytes: Vec<u8>;
    let mut modified = None;
    let mut real = target.named.clone();
    match target.stdin {
        Some(text) => bytes = text.as_bytes().to_vec(),
        None => {
            real = real_file(&target.named)?;
            let metadata = std::fs::metadata(&real).map_err(|err| err.to_string())?;
            // Only regular files of a spec's size: a FIFO or device named `.md` is not read.
            if !metadata.is_file() || metadata.len() > Limits::default().max_file_size {
                return Ok(None);
            }
            modified = metadata.modified().ok();
            bytes = std::fs::read(&real).map_err(|err| err.to_string())?;
        }
    }
    // Not UTF-8: `specls check` reports that; there is nothing to fix here.
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return Ok(None);
    };
    let (bom, text) = match text.strip_prefix(BOM) {
        Some(rest) => (true, rest.to_string()),
        None => (false, text.to_string()),
    };
    Ok(Some(FileRead {
        bom,
        text,
        bytes,
        modified,
        real,
    }))
}

/// The file a path names, refusing a symbolic link (anywhere on the path) that leads
/// out of the workspace the path is in.
fn real_file(named: &Path) -> Result<PathBuf, String> {
    let real = named.canonicalize().map_err(|err| err.to_string())?;
    if real == named {
        return Ok(real);
    }
    let workspace = settings::workspace_root(named);
    let workspace = workspace.canonicalize().unwrap_or(workspace);
    if real.starts_with(&workspace) {
        Ok(real)
    } else {
        Err(format!(
            "a symbolic link to {}, outside the workspace {}; not fixed",
            real.display(),
            workspace.display()
        ))
    }
}

type Diff = (String, String, String);

fn fix_one(
    target: &FixTarget<'_>,
    mode: FixMode,
    keep: &dyn Fn(Code) -> bool,
    cache: &SettingsCache,
    today: &str,
) -> Result<Option<(FileFix, Option<Diff>)>, String> {
    let Some(read) = read_target(target)? else {
        return Ok(None);
    };
    let (settings, _) = cache.for_file(&target.named, None);
    let set_template = cache.set_template(&target.named);
    let context = CheckContext {
        path: Some(&target.named),
        settings: &settings,
        today,
        set_template: set_template.as_deref(),
    };
    let fixed = fix_all(&read.text, |text| {
        let mut found = check_model(&Rope::from_str(text), &SpecModel::read_fast(text), &context);
        found.retain(|diagnostic| keep(diagnostic.code));
        found
    });
    if fixed.applied.is_empty() {
        return Ok(None);
    }
    let mut file = FileFix {
        applied: fixed.applied,
        stdin_text: None,
    };
    let bom = if read.bom { BOM } else { "" };
    if target.stdin.is_some() && mode == FixMode::Write {
        file.stdin_text = Some(format!("{bom}{}", fixed.text));
        return Ok(Some((file, None)));
    }
    match mode {
        FixMode::Diff => {
            let shown = target.shown.display().to_string().replace('\\', "/");
            Ok(Some((file, Some((shown, read.text, fixed.text)))))
        }
        FixMode::Write => {
            write_back(&read, format!("{bom}{}", fixed.text).as_bytes())?;
            Ok(Some((file, None)))
        }
    }
}

/// Replaces the file with `new` through a temporary file in its folder, unless the
/// file changed since it was read.
fn write_back(read: &FileRead, new: &[u8]) -> Result<(), String> {
    let path = &read.real;
    let folder = path.parent().unwrap_or(Path::new("."));
    let failed = |err: io::Error| format!("cannot write the fixes: {err}");
    let mut temporary = tempfile::Builder::new()
        .prefix(".specls-fix-")
        .suffix(".tmp")
        .tempfile_in(folder)
        .map_err(failed)?;
    temporary.write_all(new).map_err(failed)?;
    let metadata = std::fs::metadata(path).map_err(failed)?;
    temporary
        .as_file()
        .set_permissions(metadata.permissions())
        .map_err(failed)?;
    temporary.as_file().sync_all().map_err(failed)?;
    edit_before_rename_for_tests(path);
    let now = std::fs::read(path).map_err(failed)?;
    let modified = std::fs::metadata(path).ok().and_then(|m| m.modified().ok());
    if now != read.bytes || modified != read.modified {
        return Err(
            "changed while specls was fixing it; not fixed (run specls check --fix again)".to_string(),
        );
    }
    temporary.persist(path).map_err(|err| failed(err.error))?;
    Ok(())
}

/// Debug builds only: `SPECLS_TEST_EDIT_BEFORE_RENAME=1` appends a line to the file just
/// before the check for changes, so tests can see a concurrent edit refused.
fn edit_before_rename_for_tests(path: &Path) {
    if cfg!(debug_assertions) && std::env::var_os("SPECLS_TEST_EDIT_BEFORE_RENAME").is_some() {
        let appended = std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .and_then(|mut file| file.write_all(b"\nEdited meanwhile.\n"));
        if let Err(err) = appended {
            eprintln!("specls: test edit of {}: {err}", path.display());
        }
    }
}

fn write_diff(out: &mut dyn Write, (shown, old, new): &Diff, color: bool) -> io::Result<()> {
    let diff = TextDiff::from_lines(old, new);
    let unified = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{shown}"), &format!("b/{shown}"))
        .to_string();
    if !color {
        return write!(out, "{unified}");
    }
    let red = anstyle::Style::new().fg_color(Some(anstyle::AnsiColor::Red.into()));
    let green = anstyle::Style::new().fg_color(Some(anstyle::AnsiColor::Green.into()));
    let cyan = anstyle::Style::new().fg_color(Some(anstyle::AnsiColor::Cyan.into()));
    for line in unified.split_inclusive('\n') {
        let style = if line.starts_with("+++") || line.starts_with("---") {
            anstyle::Style::new().bold()
        } else if line.starts_with('+') {
            green
        } else if line.starts_with('-') {
            red
        } else if line.starts_with("@@") {
            cyan
        } else {
            anstyle::Style::new()
        };
        let (body, end) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        write!(out, "{style}{body}{style:#}{end}")?;
    }
    Ok(())
}
