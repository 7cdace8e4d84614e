//! `specls check [PATH...]`: the editor's diagnostics for a whole tree of files, for CI.
//!
//! Files named on the command line are checked whatever their name and even when
//! ignored; folders are walked for `*.md` files, honouring `.gitignore`, `.ignore` and
//! hidden files as ripgrep does, and never following a symbolic link. Files are read and
//! checked on a few threads; the output is sorted, so it does not depend on timing.
//!
//! Exit status: 0 when no diagnostic has error severity, 1 when one has (a broken
//! `.specls.yaml` is such an error: it is reported as a `config` diagnostic on the
//! configuration file, once, and on stderr; a file that is not UTF-8 is an `encoding`
//! error on that file), 2 when a path does not exist or a file cannot be read. 2 wins
//! over 1; the other files are still checked.

use std::collections::{BTreeMap, HashSet};
use std::io::{self, BufWriter, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

use clap::ValueEnum;
use serde::Serialize;
use specls_analysis::FileEntry;
use specls_analysis::index::{self, ScanNote, ScanOptions, WorkspaceIndex};
use specls_analysis::workspace_checks::{WorkspaceContext, check_workspace};
use specls_analysis::{CheckContext, Code, Settings, Severity};
use specls_syntax::ropey::Rope;
use specls_syntax::{LineIndex, Position, PositionEncoding, SpecModel};

use crate::log::log_info;
use crate::settings::{self, SettingsCache};

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `path:line:column: severity[code]: message`, then a summary.
    #[default]
    Human,
    /// One JSON array of diagnostics on stdout; the summary goes to stderr.
    Json,
    /// GitHub Actions workflow commands (`::error file=...::message`); the summary goes to stderr.
    Github,
}

/// The code of a problem in a configuration file (not one of the analysis codes).
const CONFIG_CODE: &str = "config";

/// A file to check.
struct Target {
    /// The path as named or as walked, for output.
    shown: PathBuf,
    /// The canonical path, for reading, configuration lookup and globs.
    absolute: PathBuf,
}

/// One diagnostic, ready to print in any format.
struct Report {
    path: PathBuf,
    severity: Severity,
    code: &'static str,
    message: String,
    /// 0-based line and column in Unicode scalar values (human and github output add 1).
    start: Position,
    end: Position,
    /// 0-based LSP positions, columns in UTF-16 code units (json output).
    start_utf16: Position,
    end_utf16: Position,
}

impl Report {
    fn new(
        lines: &LineIndex,
        path: &Path,
        range: std::ops::Range<usize>,
        severity: Severity,
        code: &'static str,
        message: String,
    ) -> Report {
        let end = range.end.max(range.start);
        let at = |offset, encoding| lines.position(offset, encoding);
        Report {
            path: path.to_path_buf(),
            severity,
            code,
            message,
            start: at(range.start, PositionEncoding::Utf32),
            end: at(end, PositionEncoding::Utf32),
            start_utf16: at(range.start, PositionEncoding::Utf16),
            end_utf16: at(end, PositionEncoding::Utf16),
        }
    }

    fn sort_key(&self) -> impl Ord + '_ {
        (
            // Bytes, not path components: the same order for these paths, and cheap.
            self.path.as_os_str().as_encoded_bytes(),
            (self.start.line, self.start.character),
            (self.end.line, self.end.character),
            self.severity,
            self.code,
            &self.message,
        )
    }
}

/// What checking one file gave.
enum Outcome {
    Checked {
        reports: Vec<Report>,
        /// The configuration in force, when it has problems to report.
        broken_config: Option<(PathBuf, Arc<Settings>)>,
        /// What the workspace checks read of the file, once every file is indexed.
        entry: Box<FileEntry>,
        settings: Arc<Settings>,
    },
    /// The file was not read: too large, or not a regular file (a FIFO, a device).
    Skipped(Report),
    /// The file could not be checked; the message is for stderr.
    Failed(String),
}

/// Where the time of a check goes, logged with `SPECLS_LOG=info`: per-file phases are
/// CPU time summed over the worker threads.
#[derive(Default)]
struct Timings {
    read: AtomicU64,
    parse: AtomicU64,
    analysis: AtomicU64,
}

impl Timings {
    fn add(counter: &AtomicU64, since: Instant) -> Instant {
        let now = Instant::now();
        counter.fetch_add((now - since).as_nanos() as u64, Ordering::Relaxed);
        now
    }
}

fn seconds(nanos: &AtomicU64) -> f64 {
    nanos.load(Ordering::Relaxed) as f64 / 1e9
}

pub fn run(paths: &[PathBuf], format: Format) -> ExitCode {
    let started = Instant::now();
    let mut io_error = false;
    let targets = collect_targets(paths, &mut io_error);
    let walked = Instant::now();

    let cache = SettingsCache::default();
    let today = settings::today();
    let timings = Timings::default();
    let outcomes = check_all(&targets, &cache, &today, &timings);
    let workspace = index_workspaces(&targets, &outcomes, &cache);
    let pairs: Vec<(&Target, &Outcome)> = targets.iter().zip(&outcomes).collect();
    let workspace_found = in_parallel(&pairs, |(target, outcome)| match outcome {
        Outcome::Checked { entry, settings, .. } => catch_unwind(AssertUnwindSafe(|| {
            workspace_reports(&workspace, entry, settings, &target.shown)
        }))
        .unwrap_or_default(),
        Outcome::Skipped(_) | Outcome::Failed(_) => Vec::new(),
    });
    let checked_at = Instant::now();

    let mut reports = Vec::new();
    let mut broken_configs = BTreeMap::new();
    let mut checked = 0;
    let mut failed = 0;
    for (outcome, found) in outcomes.into_iter().zip(workspace_found) {
        match outcome {
            Outcome::Checked {
                reports: file_reports,
                broken_config,
                ..
            } => {
                checked += 1;
                reports.extend(file_reports);
                reports.extend(found);
                if let Some((config, settings)) = broken_config {
                    broken_configs.entry(config).or_insert(settings);
                }
            }
            Outcome::Skipped(report) => {
                checked += 1;
                reports.push(report);
            }
            Outcome::Failed(message) => {
                failed += 1;
                io_error = true;
                note(&message);
            }
        }
    }

    let cwd = std::env::current_dir()
        .ok()
        .map(|dir| dir.canonicalize().unwrap_or(dir));
    for (config, settings) in &broken_configs {
        let shown = match &cwd {
            Some(cwd) => index::relative_to(config, cwd),
            None => config.clone(),
        };
        let text = LineIndex::new(&settings::read_config_file(config).unwrap_or_default());
        for problem in &settings.problems {
            let report = Report::new(
                &text,
                &shown,
                problem.range.clone(),
                Severity::Error,
                CONFIG_CODE,
                problem.message.clone(),
            );
            note(&format!(
                "specls: {}:{}:{}: broken configuration: {}",
                shown.display(),
                report.start.line + 1,
                report.start.character + 1,
                one_line(&report.message)
            ));
            reports.push(report);
        }
    }

    reports.sort_unstable_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let any_error = reports.iter().any(|report| report.severity == Severity::Error);
    let summary = summary(&reports, checked + broken_configs.len(), failed);

    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    // A closed stdout (`specls check | head`) is not an error of the check: stop writing.
    let _ = match format {
        Format::Human => write_human(&mut out, &reports, &summary),
        Format::Json => write_json(&mut out, &reports),
        Format::Github => write_github(&mut out, &reports),
    }
    .and_then(|()| out.flush());
    if format != Format::Human {
        note(&summary);
    }
    log_info!(
        "check of {} files: walk {:.2} s, check {:.2} s (read {:.2} s, parse {:.2} s, analysis {:.2} s of CPU), output {:.2} s, total {:.2} s",
        targets.len(),
        (walked - started).as_secs_f64(),
        (checked_at - walked).as_secs_f64(),
        seconds(&timings.read),
        seconds(&timings.parse),
        seconds(&timings.analysis),
        checked_at.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64()
    );

    if io_error {
        ExitCode::from(2)
    } else if any_error {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Writes a line to stderr; a closed stderr is ignored rather than a panic.
fn note(message: &str) {
    let _ = writeln!(io::stderr().lock(), "{message}");
}

/// The files to check, each once, in the order found. Problems go to stderr and set `io_error`.
fn collect_targets(paths: &[PathBuf], io_error: &mut bool) -> Vec<Target> {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() { &default[..] } else { paths };
    let mut seen = HashSet::new();
    let mut targets = Vec::new();
    let cwd = std::env::current_dir().and_then(|dir| dir.canonicalize()).ok();
    let mut add = |shown: PathBuf| {
        let lexical = std::path::absolute(&shown)
            .ok()
            .map(|path| index::normalize(&path));
        let absolute = shown
            .canonicalize()
            .ok()
            .or_else(|| lexical.clone())
            .unwrap_or_else(|| shown.clone());
        // A file reached through a symbolic link is its target, where its authors wrote
        // its links: it is checked once, shown under the target's path when that is a
        // file of this folder (a link to a device or out of the folder keeps its name).
        let shown = match (&cwd, lexical) {
            (Some(cwd), Some(lexical))
                if lexical != absolute && absolute.starts_with(cwd) && absolute.is_file() =>
            {
                index::relative_to(&absolute, cwd)
            }
            _ => shown,
        };
        if seen.insert(absolute.clone()) {
            targets.push(Target { shown, absolute });
        }
    };

    for path in paths {
        let metadata = match std::fs::metadata(path) {
            Ok(metadata) => metadata,
            Err(err) => {
                *io_error = true;
                if err.kind() == io::ErrorKind::NotFound {
                    note(&format!("specls: {}: no such file or directory", path.display()));
                } else {
                    note(&format!("specls: {}: {err}", path.display()));
                }
                continue;
            }
        };
        if !metadata.is_dir() {
            // Named explicitly: checked whatever its name, even when ignored.
            add(path.clone());
            continue;
        }
        // The walker's defaults: .gitignore (in a Git repository), .ignore, hidden files
        // skipped, symbolic links not followed.
        let mut found = Vec::new();
        for entry in ignore::WalkBuilder::new(path).build() {
            match entry {
                Ok(entry) => {
                    if let Some(err) = entry.error() {
                        note(&format!("specls: warning: {err}"));
                    }
                    if entry.file_type().is_some_and(|kind| kind.is_file()) && is_markdown(entry.path()) {
                        found.push(entry.into_path());
                    }
                }
                Err(err) => {
                    *io_error = true;
                    note(&format!("specls: {err}"));
                }
            }
        }
        found.sort();
        for file in found {
            // `specls check .` shows `specs/a.md`, not `./specs/a.md`.
            let shown = match file.strip_prefix(".") {
                Ok(inner) if path == Path::new(".") => inner.to_path_buf(),
                _ => file,
            };
            add(shown);
        }
    }
    targets
}

fn is_markdown(path: &Path) -> bool {
    path.extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("md"))
}

/// Checks every target on a few threads; the outcomes are in the order of `targets`.
fn check_all(targets: &[Target], cache: &SettingsCache, today: &str, timings: &Timings) -> Vec<Outcome> {
    in_parallel(targets, |target| check_guarded(target, cache, today, timings))
}

/// `work` applied to every item on a few threads, the results in the order of `items`.
/// `work` must not panic (the callers catch what the analysis might throw).
fn in_parallel<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(items.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(index) else { break };
                        done.push((index, work(item)));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().unwrap_or_default())
            .collect()
    });
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

/// Checks one file; a bug in the analysis becomes an error for that file, not a crash.
fn check_guarded(target: &Target, cache: &SettingsCache, today: &str, timings: &Timings) -> Outcome {
    catch_unwind(AssertUnwindSafe(|| check_file(target, cache, today, timings))).unwrap_or_else(|_| {
        Outcome::Failed(format!(
            "specls: {}: internal error while checking this file (please report it)",
            target.shown.display()
        ))
    })
}

fn check_file(target: &Target, cache: &SettingsCache, today: &str, timings: &Timings) -> Outcome {
    let started = Instant::now();
    let shown = &target.shown;
    let bytes = match index::read_bytes(&target.absolute, ScanOptions::default().max_file_size) {
        Ok(bytes) => bytes,
        Err(note) => return skipped(shown, note),
    };
    let (settings, config) = cache.for_file(&target.absolute, None);
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => return not_utf8(target, settings, err.utf8_error().valid_up_to()),
    };
    let read = Timings::add(&timings.read, started);
    // Files on disk are read with the fast reader; it yields the model the editor's
    // tree-sitter reader would (tests/two_readers.rs).
    let model = SpecModel::read_fast(&text);
    let rope = Rope::from_str(&text);
    let lines = LineIndex::new(&text);
    let parsed = Timings::add(&timings.parse, read);
    let context = CheckContext {
        path: Some(&target.absolute),
        settings: &settings,
        today,
    };
    let reports = specls_analysis::check_model(&rope, &model, &context)
        .into_iter()
        .map(|diagnostic| {
            Report::new(
                &lines,
                shown,
                diagnostic.range,
                diagnostic.severity,
                diagnostic.code.name(),
                diagnostic.message,
            )
        })
        .collect();
    let entry = FileEntry::new(
        Arc::from(target.absolute.as_path()),
        &model,
        &settings,
        Some(lines),
        &|range| text.get(range).unwrap_or_default().to_string(),
    );
    Timings::add(&timings.analysis, parsed);
    let broken_config = match config {
        Some(config) if !settings.problems.is_empty() => Some((config, settings.clone())),
        _ => None,
    };
    Outcome::Checked {
        reports,
        broken_config,
        entry: Box::new(entry),
        settings,
    }
}

/// A file that is not UTF-8: one `encoding` finding on it, and an empty entry (links
/// to it still find it).
fn not_utf8(target: &Target, settings: Arc<Settings>, valid_up_to: usize) -> Outcome {
    let lines = LineIndex::new("");
    let reports = settings
        .severity(Code::Encoding)
        .map(|severity| {
            Report::new(
                &lines,
                &target.shown,
                0..0,
                severity,
                Code::Encoding.name(),
                format!("this file is not valid UTF-8 (at byte {valid_up_to}), so it was not checked"),
            )
        })
        .into_iter()
        .collect();
    let entry = FileEntry::new(
        Arc::from(target.absolute.as_path()),
        &SpecModel::default(),
        &settings,
        Some(lines),
        &|_| String::new(),
    );
    Outcome::Checked {
        reports,
        broken_config: None,
        entry: Box::new(entry),
        settings,
    }
}

/// A file that is not read gets a finding that says why; one that cannot be read fails.
fn skipped(shown: &Path, note: ScanNote) -> Outcome {
    let why = match note {
        ScanNote::TooLarge { size, limit, .. } => {
            format!("{} MB is over the {} MB limit", size >> 20, limit >> 20)
        }
        ScanNote::NotAFile { kind, .. } => format!("{kind} is not a regular file"),
        other => return Outcome::Failed(format!("specls: {other}")),
    };
    let code = specls_analysis::Code::SkippedFile;
    Outcome::Skipped(Report::new(
        &LineIndex::new(""),
        shown,
        0..0,
        code.default_severity(),
        code.name(),
        format!("not checked: {why}"),
    ))
}

/// One index of the checked files and of every other Markdown file of their workspaces,
/// so that references to specs outside the checked paths resolve.
fn index_workspaces(targets: &[Target], outcomes: &[Outcome], cache: &SettingsCache) -> WorkspaceIndex {
    let outermost = index::outermost(
        targets
            .iter()
            .map(|t| settings::workspace_root(&t.absolute))
            .collect(),
    );
    let checked: HashSet<&Path> = targets.iter().map(|t| t.absolute.as_path()).collect();
    let mut notes = Vec::new();
    let others: Vec<PathBuf> = outermost
        .iter()
        .flat_map(|root| index::walk(root, &mut notes))
        .filter(|path| !checked.contains(path.as_path()))
        .collect();
    let settings_for = |path: &Path| cache.for_file(path, None).0;
    let (entries, _) = index::scan(&others, &settings_for, &ScanOptions::default(), &|_, _| {});
    let checked_entries = outcomes.iter().filter_map(|outcome| match outcome {
        Outcome::Checked { entry, .. } => Some((**entry).clone()),
        Outcome::Skipped(_) | Outcome::Failed(_) => None,
    });
    WorkspaceIndex::from_entries(entries.into_iter().chain(checked_entries))
}

/// The workspace diagnostics of one checked file.
fn workspace_reports(
    workspace: &WorkspaceIndex,
    entry: &FileEntry,
    settings: &Settings,
    shown: &Path,
) -> Vec<Report> {
    let context = WorkspaceContext {
        index: workspace,
        settings,
        file_exists: &|path| path.exists(),
    };
    let Some(lines) = &entry.lines else {
        return Vec::new();
    };
    check_workspace(entry, &context)
        .into_iter()
        .map(|diagnostic| {
            Report::new(
                lines,
                shown,
                diagnostic.range,
                diagnostic.severity,
                diagnostic.code.name(),
                diagnostic.message,
            )
        })
        .collect()
}

/// E.g. `3 errors, 5 warnings, 1 information in 2 of 7 files` or `No problems in 7 files`.
/// `files` counts the files checked, configuration files with problems included;
/// `failed` the files that could not be read.
fn summary(reports: &[Report], files: usize, failed: usize) -> String {
    let count = |severity| {
        reports
            .iter()
            .filter(|report| report.severity == severity)
            .count()
    };
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let files_text = plural(files, "file", "files");

    let not_checked = plural(failed, "file", "files");
    if files == 0 {
        return if failed == 0 {
            "No Markdown files found".to_string()
        } else {
            format!("{not_checked} could not be checked")
        };
    }
    let mut text = if reports.is_empty() {
        format!("No problems in {files_text}")
    } else {
        let parts: Vec<String> = [
            (count(Severity::Error), "error", "errors"),
            (count(Severity::Warning), "warning", "warnings"),
            (count(Severity::Information), "information", "information"),
            (count(Severity::Hint), "hint", "hints"),
        ]
        .into_iter()
        .filter(|(n, ..)| *n > 0)
        .map(|(n, one, many)| plural(n, one, many))
        .collect();
        // `reports` is sorted by path.
        let mut with_problems: Vec<&Path> = reports.iter().map(|report| report.path.as_path()).collect();
        with_problems.dedup();
        if files == 1 {
            format!("{} in {files_text}", parts.join(", "))
        } else {
            format!("{} in {} of {files_text}", parts.join(", "), with_problems.len())
        }
    };
    if failed > 0 {
        text.push_str(&format!("; {not_checked} could not be checked"));
    }
    text
}

/// The message on one line, without control characters that could drive a terminal.
fn one_line(message: &str) -> String {
    let mut line = String::with_capacity(message.len());
    for character in message.chars() {
        match character {
            '\r' | '\n' => {
                if !line.ends_with(' ') {
                    line.push(' ');
                }
            }
            '\t' => line.push(' '),
            c if c.is_control() => line.extend(c.escape_default()),
            c => line.push(c),
        }
    }
    line.trim_end().to_string()
}

fn write_human(out: &mut impl Write, reports: &[Report], summary: &str) -> io::Result<()> {
    for report in reports {
        writeln!(
            out,
            "{}:{}:{}: {}[{}]: {}",
            report.path.display(),
            report.start.line + 1,
            report.start.character + 1,
            report.severity.name(),
            report.code,
            one_line(&report.message)
        )?;
    }
    if !reports.is_empty() {
        writeln!(out)?;
    }
    writeln!(out, "{summary}")
}

/// The JSON output: one array of these. `range` is LSP-style: 0-based lines, columns in
/// UTF-16 code units (as an editor's default `positionEncoding`), `end` exclusive.
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    path: String,
    range: JsonRange,
    severity: &'static str,
    code: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonRange {
    start: JsonPosition,
    end: JsonPosition,
}

#[derive(Serialize)]
struct JsonPosition {
    line: u32,
    character: u32,
}

impl From<Position> for JsonPosition {
    fn from(position: Position) -> Self {
        JsonPosition {
            line: position.line,
            character: position.character,
        }
    }
}

fn write_json(out: &mut impl Write, reports: &[Report]) -> io::Result<()> {
    let diagnostics: Vec<JsonDiagnostic> = reports
        .iter()
        .map(|report| JsonDiagnostic {
            path: report.path.to_string_lossy().into_owned(),
            range: JsonRange {
                start: report.start_utf16.into(),
                end: report.end_utf16.into(),
            },
            severity: report.severity.name(),
            code: report.code,
            message: &report.message,
        })
        .collect();
    // One diagnostic a line: still one JSON document, and easy to read or grep.
    write!(out, "[")?;
    for (index, diagnostic) in diagnostics.iter().enumerate() {
        let separator = if index == 0 { "" } else { "," };
        write!(out, "{separator}\n  ")?;
        serde_json::to_writer(&mut *out, diagnostic)?;
    }
    let end = if diagnostics.is_empty() { "" } else { "\n" };
    writeln!(out, "{end}]")
}

/// GitHub Actions workflow commands, which the runner turns into annotations on the
/// changed files. Lines and columns are 1-based, columns in Unicode scalar values.
fn write_github(out: &mut impl Write, reports: &[Report]) -> io::Result<()> {
    for report in reports {
        let command = match report.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information | Severity::Hint => "notice",
        };
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&report.path.to_string_lossy()),
            report.start.line + 1,
            report.start.character + 1,
            report.end.line + 1,
            report.end.character + 1,
            escape_property(&format!("specls({})", report.code)),
            escape_data(&report.message)
        )?;
    }
    Ok(())
}

/// Escaping of a workflow command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escaping of a workflow command's property value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escaping() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn messages_fit_one_line() {
        assert_eq!(one_line("bad\nvalue\u{1b}[31m\n"), "bad value\\u{1b}[31m");
    }
}
