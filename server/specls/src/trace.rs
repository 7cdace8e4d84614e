//! `specls trace [FOLDER]`: the coverage matrix of each spec-kit or Kiro set under a
//! folder (requirement → tasks, done or not, → design properties), as a table, JSON, or
//! Markdown for a pull request comment; `--require-coverage` exits 1 when a requirement
//! no task cites is left. The matrix is `specls_analysis::trace::matrix`.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use serde::Serialize;
use specls_analysis::index;
use specls_analysis::trace::matrix::{Row, SetMatrix, matrix};

use crate::list::{clip, index_folder};

#[derive(clap::Args, Debug)]
pub struct TraceOptions {
    /// The folder whose spec sets to trace (recursively, honouring .gitignore) [default: .]
    #[arg(default_value = ".")]
    pub folder: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TraceFormat::Table)]
    pub format: TraceFormat,
    /// Exit 1 when a requirement or user story of a set with tasks is cited by no task.
    #[arg(long)]
    pub require_coverage: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TraceFormat {
    /// Per set, aligned columns: id, kind, tasks, properties, title.
    Table,
    /// One JSON array of sets `{path, layout, tasks: {done, total}, requirements: [...]}`.
    Json,
    /// Per set, a Markdown table, for a pull request comment.
    Markdown,
}

#[derive(Serialize)]
struct JsonSet {
    path: String,
    layout: &'static str,
    tasks: JsonCount,
    requirements: Vec<JsonRow>,
}

#[derive(Serialize)]
struct JsonCount {
    done: usize,
    total: usize,
}

#[derive(Serialize)]
struct JsonRow {
    id: String,
    kind: &'static str,
    title: String,
    path: String,
    tasks: Vec<JsonTask>,
    properties: Vec<String>,
    covered: bool,
}

#[derive(Serialize)]
struct JsonTask {
    id: String,
    done: bool,
}

pub fn run_trace(options: &TraceOptions) -> ExitCode {
    let index = match index_folder(&options.folder) {
        Ok(index) => index,
        Err(message) => {
            eprintln!("specls: {message}");
            return ExitCode::from(2);
        }
    };
    let cwd = std::env::current_dir()
        .ok()
        .map(|dir| dir.canonicalize().unwrap_or(dir));
    let shown = |path: &Path| match &cwd {
        Some(cwd) => index::relative_to(path, cwd).display().to_string(),
        None => path.display().to_string(),
    };
    let sets = matrix(&index);
    let mut out = BufWriter::new(io::stdout().lock());
    let written = match options.format {
        TraceFormat::Json => {
            let json: Vec<JsonSet> = sets.iter().map(|set| json_set(set, &shown)).collect();
            serde_json::to_writer_pretty(&mut out, &json)
                .map_err(io::Error::from)
                .and_then(|()| writeln!(out))
        }
        TraceFormat::Table => write_tables(&mut out, &sets, &shown),
        TraceFormat::Markdown => write_markdown(&mut out, &sets, &shown),
    };
    // A closed stdout (`specls trace | head`) ends the output, not in an error.
    let _ = written.and_then(|()| out.flush());
    if sets.is_empty() && options.format != TraceFormat::Json {
        eprintln!("specls: no spec-kit (specs/NNN-name/) or Kiro (.kiro/specs/NAME/) set found");
    }
    let uncovered: Vec<String> = sets
        .iter()
        .flat_map(|set| {
            set.rows
                .iter()
                .filter(|row| row.uncovered)
                .map(move |row| format!("{} {}", shown(&set.folder), row.id))
        })
        .collect();
    if options.require_coverage && !uncovered.is_empty() {
        eprintln!(
            "specls: {} not covered by any task: {}",
            plural(uncovered.len(), "requirement", "requirements"),
            uncovered.join(", ")
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn json_set(set: &SetMatrix, shown: &dyn Fn(&Path) -> String) -> JsonSet {
    JsonSet {
        path: shown(&set.folder),
        layout: set.kind.name(),
        tasks: JsonCount {
            done: set.tasks_done,
            total: set.tasks_total,
        },
        requirements: set
            .rows
            .iter()
            .map(|row| JsonRow {
                id: row.id.clone(),
                kind: row.kind.noun(),
                title: row.title.clone(),
                path: shown(&row.path),
                tasks: row
                    .tasks
                    .iter()
                    .map(|(id, done)| JsonTask {
                        id: id.clone(),
                        done: *done,
                    })
                    .collect(),
                properties: row.properties.clone(),
                covered: !row.uncovered,
            })
            .collect(),
    }
}

fn tasks_cell(row: &Row) -> String {
    if row.uncovered {
        return "uncovered".to_string();
    }
    if row.tasks.is_empty() {
        return "-".to_string();
    }
    row.tasks
        .iter()
        .map(|(id, done)| if *done { format!("{id} ✓") } else { id.clone() })
        .collect::<Vec<_>>()
        .join(", ")
}

fn properties_cell(row: &Row) -> String {
    if row.properties.is_empty() {
        "-".to_string()
    } else {
        row.properties.join(", ")
    }
}

fn heading(set: &SetMatrix, shown: &dyn Fn(&Path) -> String) -> String {
    let uncovered = set.rows.iter().filter(|r| r.uncovered).count();
    let mut line = format!(
        "{} ({}): {}/{} tasks done",
        shown(&set.folder),
        set.kind.name(),
        set.tasks_done,
        set.tasks_total
    );
    if uncovered > 0 {
        line.push_str(&format!(", {} uncovered", uncovered));
    }
    line
}

fn write_tables(out: &mut impl Write, sets: &[SetMatrix], shown: &dyn Fn(&Path) -> String) -> io::Result<()> {
    for (i, set) in sets.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}", heading(set, shown))?;
        let header = ["ID", "KIND", "TASKS", "PROPERTIES", "TITLE"];
        let rows: Vec<[String; 5]> = set
            .rows
            .iter()
            .map(|row| {
                [
                    row.id.clone(),
                    row.kind.noun().to_string(),
                    tasks_cell(row),
                    properties_cell(row),
                    clip(&row.title),
                ]
            })
            .collect();
        let widths: Vec<usize> = (0..header.len())
            .map(|column| {
                rows.iter()
                    .map(|row| row[column].chars().count())
                    .chain([header[column].len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: &[&str]| -> String {
            let mut text = String::from("  ");
            for (column, cell) in cells.iter().enumerate() {
                text.push_str(cell);
                if column + 1 < cells.len() {
                    let pad = widths[column] - cell.chars().count() + 2;
                    text.push_str(&" ".repeat(pad));
                }
            }
            text.trim_end().to_string()
        };
        writeln!(out, "{}", line(&header))?;
        for row in &rows {
            let cells: Vec<&str> = row.iter().map(String::as_str).collect();
            writeln!(out, "{}", line(&cells))?;
        }
    }
    Ok(())
}

/// A table cell of Markdown: pipes escaped, one line.
fn cell(text: &str) -> String {
    crate::output::one_line(text).replace('|', "\\|")
}

fn write_markdown(
    out: &mut impl Write,
    sets: &[SetMatrix],
    shown: &dyn Fn(&Path) -> String,
) -> io::Result<()> {
    for (i, set) in sets.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "### {}\n", cell(&heading(set, shown)))?;
        writeln!(out, "| Id | Kind | Tasks | Properties | Title |")?;
        writeln!(out, "| --- | --- | --- | --- | --- |")?;
        for row in &set.rows {
            let tasks = if row.uncovered {
                "**uncovered**".to_string()
            } else {
                cell(&tasks_cell(row))
            };
            writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                row.id,
                row.kind.noun(),
                tasks,
                cell(&properties_cell(row)),
                cell(&row.title)
            )?;
        }
    }
    Ok(())
}
