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
//! error on that file) or when `--deny warnings` or `--max-warnings` say the warnings are
//! too many, 2 when a path does not exist or a file cannot be read, or on a usage error.
//! 2 wins over 1; the other files are still checked.
//!
//! `--fix` applies the safe quick fixes first (`crate::fix`), then checks what is left;
//! `--diff` prints those fixes and checks nothing. `--stdin-filename PATH` checks the
//! text on stdin as the file `PATH` (its configuration, its workspace).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

use anstream::{AutoStream, ColorChoice};
use clap::ValueEnum;
use specls_analysis::config::over_size_limit;
use specls_analysis::index::{self, ScanNote, ScanOptions, WorkspaceIndex};
use specls_analysis::workspace_checks::{WorkspaceContext, check_workspace};
use specls_analysis::{CheckContext, Code, FileEntry, Settings, Severity};
use specls_syntax::ropey::Rope;
use specls_syntax::{LineIndex, PositionEncoding, SpecModel};

use crate::fix::{FixMode, FixReport, FixTarget, fix_files};
use crate::log::log_info;
use crate::output::{self, CONFIG_CODE, Format, Report, Sources};
use crate::settings::{self, SettingsCache};

/// `specls check`'s options.
#[derive(clap::Args, Debug)]
pub struct CheckOptions {
    /// Files and folders to check; folders are searched for *.md files, honouring
    /// .gitignore [default: .]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Colour: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
    /// Apply the safe quick fixes (missing section skeletons, `updated` set to today,
    /// misspelt values), write the files, then report what is left.
    #[arg(long)]
    pub fix: bool,
    /// Print the changes --fix would make as a unified diff; write nothing. Exit 1 when
    /// there are changes.
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,
    /// Exit 1 when there are more than N warnings.
    #[arg(long, value_name = "N")]
    pub max_warnings: Option<usize>,
    /// `--deny warnings`: exit 1 on any warning, as on an error.
    #[arg(long, value_enum, value_name = "warnings")]
    pub deny: Vec<Deny>,
    /// Report only these codes (comma-separated, or repeated).
    #[arg(long, value_delimiter = ',', value_name = "CODE")]
    pub select: Vec<String>,
    /// Do not report these codes (comma-separated, or repeated).
    #[arg(long, value_delimiter = ',', value_name = "CODE")]
    pub ignore: Vec<String>,
    /// Check the text on stdin as the file PATH: its configuration, its workspace. With
    /// --fix the fixed text goes to stdout and the findings to stderr.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    Warnings,
}

/// The codes `--select` and `--ignore` leave; configuration problems always stay.
struct CodeFilter {
    selected: Option<BTreeSet<Code>>,
    ignored: BTreeSet<Code>,
}

impl CodeFilter {
    fn new(select: &[String], ignore: &[String]) -> Result<CodeFilter, String> {
        let codes = |names: &[String], flag: &str| -> Result<BTreeSet<Code>, String> {
            names
                .iter()
                .map(|name| name.trim())
                .filter(|name| !name.is_empty())
                .map(|name| {
                    Code::from_name(name).ok_or_else(|| {
                        format!(
                            "{flag}: unknown code `{name}`; codes are {}",
                            Code::names().join(", ")
                        )
                    })
                })
                .collect()
        };
        Ok(CodeFilter {
            selected: (!select.is_empty())
                .then(|| codes(select, "--select"))
                .transpose()?,
            ignored: codes(ignore, "--ignore")?,
        })
    }

    fn keeps(&self, code: Code) -> bool {
        !self.ignored.contains(&code)
            && self
                .selected
                .as_ref()
                .is_none_or(|selected| selected.contains(&code))
    }

    fn keeps_name(&self, name: &str) -> bool {
        Code::from_name(name).is_none_or(|code| self.keeps(code))
    }
}

/// A file to check.
struct Target {
    /// The path as named or as walked, for output.
    shown: PathBuf,
    /// The canonical path, for reading, configuration lookup and globs.
    absolute: PathBuf,
    /// The text, when it comes from stdin rather than the file.
    stdin: Option<String>,
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
            range: range.start..end,
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
        /// The text, for `--format full`.
        text: Option<String>,
        /// The configuration in force, when it has problems to report.
        broken_config: Option<(PathBuf, Arc<Settings>)>,
        /// What the workspace checks read of the file, once every file is indexed.
        entry: Arc<FileEntry>,
        settings: Arc<Settings>,
    },
    /// The file was not read: too large, or not a regular file (a FIFO, a device).
    Skipped(Report),
    /// The file could not be checked; the message is for stderr.
    Failed(String),
    /// Listed by the walk and deleted before it was read: nothing to check, and no
    /// failure (a build writing files beside the check must not fail it).
    Vanished(String),
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

/// Exit status 2, with the message on stderr.
fn usage_error(message: &str) -> ExitCode {
    note(&format!("specls: {message}"));
    ExitCode::from(2)
}

/// stdout or stderr, with colour as `--color` and the stream allow.
fn stream(to_stderr: bool, color: ColorWhen) -> (Box<dyn Write>, bool) {
    let choice = match color {
        ColorWhen::Auto => ColorChoice::Auto,
        ColorWhen::Always => ColorChoice::Always,
        ColorWhen::Never => ColorChoice::Never,
    };
    if to_stderr {
        let stream = AutoStream::new(io::stderr(), choice);
        let colored = stream.current_choice() != ColorChoice::Never;
        (Box::new(BufWriter::new(stream)), colored)
    } else {
        let stream = AutoStream::new(io::stdout(), choice);
        let colored = stream.current_choice() != ColorChoice::Never;
        // Output for a pipe or a file without colour is written as is; a terminal's keeps
        // anstream, which also strips escape sequences a file name or excerpt may hold.
        if !colored && !io::stdout().is_terminal() {
            return (Box::new(BufWriter::new(io::stdout())), false);
        }
        (Box::new(BufWriter::new(stream)), colored)
    }
}

/// The target of `--stdin-filename`: the text of stdin as that file.
fn stdin_target(path: &Path) -> Result<Target, String> {
    let mut bytes = Vec::new();
    io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|err| format!("cannot read stdin: {err}"))?;
    let text = String::from_utf8(bytes).map_err(|_| "stdin is not valid UTF-8".to_string())?;
    let absolute = std::path::absolute(path)
        .map(|p| index::normalize(&p))
        .unwrap_or_else(|_| path.to_path_buf());
    // The file's own folder may hold links: find its configuration where it really is.
    let absolute = match (absolute.parent(), absolute.file_name()) {
        (Some(folder), Some(name)) => folder
            .canonicalize()
            .map_or(absolute.clone(), |folder| folder.join(name)),
        _ => absolute,
    };
    Ok(Target {
        shown: path.to_path_buf(),
        absolute,
        stdin: Some(text),
    })
}

pub fn run(options: &CheckOptions) -> ExitCode {
    let started = Instant::now();
    let filter = match CodeFilter::new(&options.select, &options.ignore) {
        Ok(filter) => filter,
        Err(message) => return usage_error(&message),
    };
    let mut io_error = false;
    let mut targets = match &options.stdin_filename {
        Some(_) if !options.paths.is_empty() => {
            return usage_error("--stdin-filename checks the text on stdin; name no PATH with it");
        }
        Some(path) => match stdin_target(path) {
            Ok(target) => vec![target],
            Err(message) => return usage_error(&message),
        },
        None => collect_targets(&options.paths, &mut io_error),
    };
    let stdin = options.stdin_filename.is_some();
    // With `--stdin-filename --fix`, stdout takes the fixed text; the findings go to stderr.
    let (mut out, color) = stream(stdin && options.fix, options.color);

    let mut fixes = FixReport::default();
    if options.fix || options.diff {
        let mode = if options.diff {
            FixMode::Diff
        } else {
            FixMode::Write
        };
        let fix_targets: Vec<FixTarget> = targets
            .iter()
            .map(|target| FixTarget {
                shown: &target.shown,
                named: match &target.stdin {
                    Some(_) => target.absolute.clone(),
                    None => std::path::absolute(&target.shown)
                        .map(|p| index::normalize(&p))
                        .unwrap_or_else(|_| target.absolute.clone()),
                },
                stdin: target.stdin.as_deref(),
            })
            .collect();
        let (mut diff_out, diff_color) = stream(false, options.color);
        let diff_out: &mut dyn Write = if mode == FixMode::Diff {
            &mut diff_out
        } else {
            &mut io::sink()
        };
        fixes = match fix_files(
            &fix_targets,
            mode,
            &|code| filter.keeps(code),
            diff_out,
            diff_color,
        ) {
            Ok(fixes) => fixes,
            // A closed stdout (`specls check --diff | head`): stop.
            Err(_) => return ExitCode::from(2),
        };
        let _ = diff_out.flush();
        for reason in &fixes.refused {
            io_error = true;
            note(reason);
        }
        if mode == FixMode::Diff {
            note(
                &fixes
                    .summary(mode)
                    .unwrap_or_else(|| "No fixes to make".to_string()),
            );
            return if io_error {
                ExitCode::from(2)
            } else if fixes.count() > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
        }
        if let Some(target) = targets.first_mut().filter(|_| stdin) {
            // The fixed text, or the text unchanged, is the output; what is left is checked.
            if let Some(fixed) = fixes.fixed.iter().find_map(|file| file.stdin_text.clone()) {
                target.stdin = Some(fixed);
            }
            let text = target.stdin.as_deref().unwrap_or_default();
            let written = io::stdout().lock().write_all(text.as_bytes());
            if written.is_err() {
                return ExitCode::from(2);
            }
        }
    }
    let walked = Instant::now();

    let cache = SettingsCache::default();
    let today = settings::today();
    let timings = Timings::default();
    let keep_text = options.format == Format::Full;
    let outcomes = check_all(&targets, &cache, &today, &timings, keep_text);
    let files_checked = Instant::now();
    let workspace = index_workspaces(&targets, &outcomes, &cache);
    let indexed = Instant::now();
    let pairs: Vec<(&Target, &Outcome)> = targets.iter().zip(&outcomes).collect();
    let workspace_found = in_parallel(&pairs, |(target, outcome)| match outcome {
        Outcome::Checked { entry, settings, .. } => catch_unwind(AssertUnwindSafe(|| {
            workspace_reports(&workspace, entry, settings, &target.shown)
        }))
        .unwrap_or_default(),
        Outcome::Skipped(_) | Outcome::Failed(_) | Outcome::Vanished(_) => Vec::new(),
    });
    let checked_at = Instant::now();

    let mut reports = Vec::new();
    let mut sources = Sources::new();
    let mut broken_configs = BTreeMap::new();
    let mut checked = 0;
    let mut failed = 0;
    for ((outcome, found), target) in outcomes.into_iter().zip(workspace_found).zip(&targets) {
        match outcome {
            Outcome::Checked {
                reports: file_reports,
                text,
                broken_config,
                ..
            } => {
                checked += 1;
                reports.extend(file_reports);
                reports.extend(found);
                if let Some(text) = text {
                    sources.insert(target.shown.clone(), text);
                }
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
            Outcome::Vanished(message) => note(&message),
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
        let config_text = cache.text(config);
        let text = LineIndex::new(&config_text);
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
                output::one_line(&report.message)
            ));
            reports.push(report);
        }
        if keep_text {
            sources.insert(shown, config_text.to_string());
        }
    }

    reports.retain(|report| filter.keeps_name(report.code));
    reports.sort_unstable_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let count = |severity| {
        reports
            .iter()
            .filter(|report| report.severity == severity)
            .count()
    };
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    let mut summary = summary(&reports, checked + broken_configs.len(), failed);
    if let Some(fixed) = fixes.summary(FixMode::Write) {
        summary = format!("{fixed}; {}", lowercase_first(&summary));
    }
    let too_many_warnings = options.deny.contains(&Deny::Warnings) && warnings > 0
        || options.max_warnings.is_some_and(|max| warnings > max);

    // A closed stdout (`specls check | head`) is not an error of the check: stop writing.
    let _ = output::write(&mut out, options.format, &reports, &summary, &sources, color)
        .and_then(|()| out.flush());
    if !options.format.summary_on_stdout() {
        note(&summary);
    }
    if too_many_warnings {
        let limit = match options.max_warnings {
            Some(max) if !options.deny.contains(&Deny::Warnings) => format!("more than --max-warnings {max}"),
            _ => "denied by --deny warnings".to_string(),
        };
        let plural = if warnings == 1 { "warning" } else { "warnings" };
        note(&format!("specls: {warnings} {plural}, {limit}"));
    }
    log_info!(
        "check of {} files: walk {:.2} s, check {:.2} s (files {:.2} s: read {:.2} s, parse {:.2} s, analysis {:.2} s of CPU; index {:.2} s; workspace checks {:.2} s), output {:.2} s, total {:.2} s",
        targets.len(),
        (walked - started).as_secs_f64(),
        (checked_at - walked).as_secs_f64(),
        (files_checked - walked).as_secs_f64(),
        seconds(&timings.read),
        seconds(&timings.parse),
        seconds(&timings.analysis),
        (indexed - files_checked).as_secs_f64(),
        (checked_at - indexed).as_secs_f64(),
        checked_at.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64()
    );

    if io_error {
        ExitCode::from(2)
    } else if errors > 0 || too_many_warnings {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `No problems in 3 files` after `Fixed 2 problems …; ` reads `no problems in 3 files`.
fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
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
            targets.push(Target {
                shown,
                absolute,
                stdin: None,
            });
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
        // skipped (but for Kiro's `.kiro` folder), symbolic links not followed.
        let mut found = Vec::new();
        let walker = ignore::WalkBuilder::new(path)
            .hidden(false)
            .filter_entry(index::visible_or_kiro)
            .build();
        for entry in walker {
            match entry {
                Ok(entry) => {
                    if let Some(err) = entry.error() {
                        note(&format!("specls: warning: {err}"));
                    }
                    if entry.file_type().is_some_and(|kind| kind.is_file()) && is_markdown(entry.path()) {
                        found.push(entry.into_path());
                    } else if let Some(skipped @ ScanNote::NotAFile { .. }) = index::not_walked(&entry) {
                        // Symbolic links go unmentioned, as ripgrep leaves them.
                        note(&format!("specls: {skipped}"));
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
fn check_all(
    targets: &[Target],
    cache: &SettingsCache,
    today: &str,
    timings: &Timings,
    keep_text: bool,
) -> Vec<Outcome> {
    in_parallel(targets, |target| {
        check_guarded(target, cache, today, timings, keep_text)
    })
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
fn check_guarded(
    target: &Target,
    cache: &SettingsCache,
    today: &str,
    timings: &Timings,
    keep_text: bool,
) -> Outcome {
    catch_unwind(AssertUnwindSafe(|| {
        check_file(target, cache, today, timings, keep_text)
    }))
    .unwrap_or_else(|_| {
        Outcome::Failed(format!(
            "specls: {}: internal error while checking this file (please report it)",
            target.shown.display()
        ))
    })
}

fn check_file(
    target: &Target,
    cache: &SettingsCache,
    today: &str,
    timings: &Timings,
    keep_text: bool,
) -> Outcome {
    let started = Instant::now();
    let shown = &target.shown;
    let (settings, config) = cache.for_file(&target.absolute, None);
    let set_template = cache.set_template(&target.absolute);
    let read = match &target.stdin {
        Some(text) => Ok(text.clone().into_bytes()),
        None => index::read_bytes(&target.absolute, settings.limits.max_file_size),
    };
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(note) => return skipped(shown, note),
    };
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
        set_template: set_template.as_deref(),
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
        &|range| specls_analysis::index::clamped(&text, range).to_string(),
    );
    Timings::add(&timings.analysis, parsed);
    let broken_config = match config {
        Some(config) if !settings.problems.is_empty() => Some((config, settings.clone())),
        _ => None,
    };
    Outcome::Checked {
        reports,
        text: keep_text.then_some(text),
        broken_config,
        entry: Arc::new(entry),
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
        // Not text: no excerpt to show, nothing to fix.
        text: None,
        broken_config: None,
        entry: Arc::new(entry),
        settings,
    }
}

/// A file that is not read gets a finding that says why; one that cannot be read fails.
fn skipped(shown: &Path, note: ScanNote) -> Outcome {
    let why = match note {
        ScanNote::TooLarge { size, limit, .. } => {
            format!("{} (limits.max-file-size)", over_size_limit(size, limit))
        }
        ScanNote::NotAFile { kind, .. } => format!("{kind} is not a regular file"),
        vanished @ ScanNote::Vanished { .. } => return Outcome::Vanished(format!("specls: {vanished}")),
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
        Outcome::Checked { entry, .. } => Some(entry.clone()),
        Outcome::Skipped(_) | Outcome::Failed(_) | Outcome::Vanished(_) => None,
    });
    WorkspaceIndex::from_entries(entries.into_iter().map(Arc::new).chain(checked_entries))
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
