//! `specls list` (the specs of a folder, filtered, as a table or JSON) and `specls graph`
//! (their links as Graphviz DOT or a Mermaid flowchart). Both scan the folder as the
//! server indexes a workspace; what to show is decided in `specls_analysis::{list, graph}`.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::ValueEnum;
use serde::Serialize;
use specls_analysis::graph::{Graph, Relation, graph};
use specls_analysis::index::{self, ScanOptions, WorkspaceIndex, scan_folders};
use specls_analysis::list::{ListFilter, list};
use specls_analysis::{FileEntry, Settings};

use crate::settings::SettingsCache;

#[derive(clap::Args, Debug)]
pub struct ListOptions {
    /// The folder whose specs to list (recursively, honouring .gitignore) [default: .]
    #[arg(default_value = ".")]
    pub folder: PathBuf,
    /// Only specs with this status (comma-separated or repeated: any of them).
    #[arg(long, value_delimiter = ',', value_name = "STATUS")]
    pub status: Vec<String>,
    /// Only specs of this owner (a design doc's author counts).
    #[arg(long, value_delimiter = ',', value_name = "OWNER")]
    pub owner: Vec<String>,
    /// Only specs that follow this template.
    #[arg(long, value_delimiter = ',', value_name = "NAME")]
    pub template: Vec<String>,
    /// Only specs with this tag.
    #[arg(long, value_delimiter = ',', value_name = "TAG")]
    pub tag: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned columns: id, status, priority, owner, title, path.
    Table,
    /// One JSON array of `{id, title, status, priority, owner, template, tags, path}`.
    Json,
}

#[derive(clap::Args, Debug)]
pub struct GraphOptions {
    /// The folder whose specs to draw [default: .]
    #[arg(default_value = ".")]
    pub folder: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,
    /// Draw only this spec and the specs linked to it.
    #[arg(long, value_name = "ID")]
    pub root: Option<String>,
    /// With --root: how many links away a spec may be.
    #[arg(long, value_name = "N", default_value_t = 1, requires = "root")]
    pub depth: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// A Mermaid flowchart, for a Markdown file (GitHub renders ```mermaid blocks).
    Mermaid,
    /// Graphviz DOT (`specls graph --format dot | dot -Tsvg > specs.svg`).
    Dot,
}

/// The index of every Markdown file under `folder`, each read with its configuration.
pub fn index_folder(folder: &Path) -> Result<WorkspaceIndex, String> {
    if !folder.is_dir() {
        return Err(format!("{}: not a folder", folder.display()));
    }
    let root = folder
        .canonicalize()
        .map_err(|err| format!("{}: {err}", folder.display()))?;
    let cache = SettingsCache::default();
    let settings_for = |file: &Path| -> Arc<Settings> { cache.for_file(file, None).0 };
    let (entries, notes) = scan_folders(
        std::slice::from_ref(&root),
        &settings_for,
        &ScanOptions::default(),
        &|_, _| {},
    );
    for note in notes {
        eprintln!("specls: {note}");
    }
    Ok(WorkspaceIndex::from_entries(entries))
}

fn shown_path(entry: &FileEntry, cwd: Option<&Path>) -> String {
    match cwd {
        Some(cwd) => index::relative_to(&entry.path, cwd).display().to_string(),
        None => entry.path.display().to_string(),
    }
}

#[derive(Serialize)]
struct ListedSpec<'a> {
    id: Option<&'a str>,
    title: Option<&'a str>,
    status: Option<&'a str>,
    priority: Option<&'a str>,
    owner: Option<&'a str>,
    template: Option<&'a str>,
    tags: &'a [String],
    path: String,
}

pub fn run_list(options: &ListOptions) -> ExitCode {
    let index = match index_folder(&options.folder) {
        Ok(index) => index,
        Err(message) => {
            eprintln!("specls: {message}");
            return ExitCode::from(2);
        }
    };
    let filter = ListFilter {
        statuses: options.status.clone(),
        owners: options.owner.clone(),
        templates: options.template.clone(),
        tags: options.tag.clone(),
    };
    let cwd = std::env::current_dir()
        .ok()
        .map(|dir| dir.canonicalize().unwrap_or(dir));
    let specs: Vec<ListedSpec> = list(&index, &filter)
        .into_iter()
        .map(|entry| ListedSpec {
            id: entry.spec_id.as_ref().map(|id| id.text.as_str()),
            title: entry.title.as_ref().map(|title| title.text.as_str()),
            status: entry.status.as_ref().map(|status| status.text.as_str()),
            priority: entry.priority.as_deref(),
            owner: entry.owner.as_deref(),
            template: entry.template.as_deref(),
            tags: &entry.tags,
            path: shown_path(entry, cwd.as_deref()),
        })
        .collect();
    let mut out = BufWriter::new(io::stdout().lock());
    let written = match options.format {
        ListFormat::Json => serde_json::to_writer_pretty(&mut out, &specs)
            .map_err(io::Error::from)
            .and_then(|()| writeln!(out)),
        ListFormat::Table => write_table(&mut out, &specs),
    };
    // A closed stdout (`specls list | head`) ends the listing, not in an error.
    let _ = written.and_then(|()| out.flush());
    if specs.is_empty() && options.format == ListFormat::Table {
        eprintln!("specls: no spec matches");
    }
    ExitCode::SUCCESS
}

/// A table cell is at most this many characters: an EIP's author list would push the
/// paths off the screen (JSON output has the whole text).
pub const CELL_WIDTH: usize = 40;

pub fn clip(text: &str) -> String {
    if text.chars().count() <= CELL_WIDTH {
        return text.to_string();
    }
    let mut clipped: String = text.chars().take(CELL_WIDTH - 1).collect();
    clipped.push('…');
    clipped
}

fn write_table(out: &mut impl Write, specs: &[ListedSpec]) -> io::Result<()> {
    if specs.is_empty() {
        return Ok(());
    }
    let header = ["ID", "STATUS", "PRIORITY", "OWNER", "TITLE", "PATH"];
    let rows: Vec<[String; 6]> = specs
        .iter()
        .map(|spec| {
            let cell = |value: Option<&str>| clip(&crate::output::one_line(value.unwrap_or("-")));
            [
                cell(spec.id),
                cell(spec.status),
                cell(spec.priority),
                cell(spec.owner),
                cell(spec.title),
                spec.path.clone(),
            ]
        })
        .collect();
    let width = |column: usize| {
        rows.iter()
            .map(|row| row[column].chars().count())
            .chain([header[column].len()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..header.len()).map(width).collect();
    let line = |cells: &[&str]| -> String {
        let mut text = String::new();
        for (column, cell) in cells.iter().enumerate() {
            if column + 1 == cells.len() {
                text.push_str(cell);
            } else {
                let pad = widths[column] - cell.chars().count();
                text.push_str(cell);
                text.push_str(&" ".repeat(pad + 2));
            }
        }
        text
    };
    writeln!(out, "{}", line(&header))?;
    for row in &rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        writeln!(out, "{}", line(&cells))?;
    }
    Ok(())
}

pub fn run_graph(options: &GraphOptions) -> ExitCode {
    let index = match index_folder(&options.folder) {
        Ok(index) => index,
        Err(message) => {
            eprintln!("specls: {message}");
            return ExitCode::from(2);
        }
    };
    let Some(drawn) = graph(&index, options.root.as_deref(), options.depth) else {
        eprintln!(
            "specls: no spec under {} defines `{}`",
            options.folder.display(),
            options.root.as_deref().unwrap_or_default()
        );
        return ExitCode::from(2);
    };
    let text = match options.format {
        GraphFormat::Dot => dot(&drawn),
        GraphFormat::Mermaid => mermaid(&drawn),
    };
    let _ = io::stdout().lock().write_all(text.as_bytes());
    ExitCode::SUCCESS
}

/// Text inside a DOT string: on one line, `\\` and `"` escaped.
fn dot_escape(text: &str) -> String {
    crate::output::one_line(text)
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
}

/// Graphviz DOT: a box per spec (dashed for an id no spec defines), an arrow per link.
fn dot(graph: &Graph) -> String {
    let mut out = String::from("digraph specs {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n");
    for node in &graph.nodes {
        let mut lines = vec![dot_escape(&node.id)];
        lines.extend(node.title.as_deref().map(dot_escape));
        match (&node.status, node.defined) {
            (Some(status), _) => lines.push(format!("({})", dot_escape(status))),
            (None, false) => lines.push("(unknown)".to_string()),
            (None, true) => {}
        }
        let style = if node.defined {
            ""
        } else {
            ", style=\"rounded,dashed\""
        };
        out.push_str(&format!(
            "  \"{}\" [label=\"{}\"{style}];\n",
            dot_escape(&node.id),
            lines.join("\\n")
        ));
    }
    for edge in &graph.edges {
        let attributes = match edge.relation {
            Relation::DependsOn => "label=\"depends-on\"",
            Relation::Supersedes => "label=\"supersedes\", style=dashed",
            Relation::Related => "label=\"related\", dir=none, style=dotted",
        };
        out.push_str(&format!(
            "  \"{}\" -> \"{}\" [{attributes}];\n",
            dot_escape(&edge.from),
            dot_escape(&edge.to)
        ));
    }
    out.push_str("}\n");
    out
}

/// A Mermaid flowchart: nodes are numbered (`n1`), as ids like `AUTH-1` would read as
/// arrows; labels are quoted with `"` written as `#quot;`.
fn mermaid(graph: &Graph) -> String {
    let mut out = String::from("flowchart LR\n");
    let label = |text: &str| crate::output::one_line(text).replace('"', "#quot;");
    let number = |id: &str| {
        graph
            .nodes
            .iter()
            .position(|node| node.id == id)
            .map_or(0, |at| at + 1)
    };
    for (at, node) in graph.nodes.iter().enumerate() {
        let mut text = label(&node.id);
        if let Some(title) = &node.title {
            text.push_str(&format!(": {}", label(title)));
        }
        match (&node.status, node.defined) {
            (Some(status), _) => text.push_str(&format!(" ({})", label(status))),
            (None, false) => text.push_str(" (unknown)"),
            (None, true) => {}
        }
        out.push_str(&format!("  n{}[\"{text}\"]\n", at + 1));
    }
    for edge in &graph.edges {
        let arrow = match edge.relation {
            Relation::DependsOn => "-->|depends-on|",
            Relation::Supersedes => "-.->|supersedes|",
            Relation::Related => "---|related|",
        };
        out.push_str(&format!(
            "  n{} {arrow} n{}\n",
            number(&edge.from),
            number(&edge.to)
        ));
    }
    let unknown: Vec<String> = graph
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, node)| !node.defined)
        .map(|(at, _)| format!("n{}", at + 1))
        .collect();
    if !unknown.is_empty() {
        out.push_str("  classDef unknown stroke-dasharray: 5 5;\n");
        out.push_str(&format!("  class {} unknown;\n", unknown.join(",")));
    }
    out
}
