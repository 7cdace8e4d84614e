//! The command line: `specls [lsp]`, `specls check [PATH...]`, `specls new TEMPLATE
//! FILE`, `specls templates`, `specls list`, `specls graph`, `specls trace`,
//! `specls outline FILE...`, `specls --version`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use specls_analysis::{OutlineItem, outline};
use specls_syntax::{Document, PositionEncoding};

use crate::check::CheckOptions;
use crate::list::{GraphOptions, ListOptions};

#[derive(Parser)]
#[command(
    name = "specls",
    version,
    about = "Language server and checker for spec Markdown"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the language server on stdin/stdout (the default).
    Lsp,
    /// Check spec files as the editor does and print their diagnostics, for CI.
    ///
    /// Exit status: 0 when no diagnostic is an error, 1 when one is (a broken
    /// .specls.yaml included) or the warnings are more than --max-warnings or denied, 2
    /// when a path is missing, a file cannot be read or written, or on a usage error.
    Check(CheckOptions),
    /// Write a new spec from a template, its placeholders filled where known.
    ///
    /// The id is --id, else one opening the file name (auth-12-login.md), else the next
    /// free id of the workspace; the title is --title, else one made of the file name.
    /// Exit status: 0 with the path printed, 2 when the file exists (it is never
    /// overwritten) or the template is unknown.
    New {
        /// A template in effect: feature-spec, design-doc, or one configured in
        /// .specls.yaml (see `specls templates`).
        template: String,
        /// The file to create.
        file: PathBuf,
        /// The spec id.
        #[arg(long)]
        id: Option<String>,
        /// The title.
        #[arg(long)]
        title: Option<String>,
    },
    /// List the templates in effect (built-in and configured) with their origin.
    Templates {
        /// The folder whose .specls.yaml applies [default: .]
        #[arg(default_value = ".")]
        folder: PathBuf,
    },
    /// List the specs of a workspace, with filters, as a table or JSON.
    List(ListOptions),
    /// Draw the `depends-on`, `supersedes` and `related` links between specs, as Graphviz
    /// DOT or a Mermaid flowchart (which GitHub renders in Markdown).
    Graph(GraphOptions),
    /// Print the coverage matrix of each spec-kit or Kiro spec set: requirement → tasks
    /// (done or not) → design properties.
    ///
    /// Exit status: 0, or 1 with --require-coverage when a requirement no task cites is
    /// left; 2 when the folder cannot be read.
    Trace(crate::trace::TraceOptions),
    /// Print the section outline of spec files, as an editor's outline view shows it.
    Outline {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Lsp) {
        Command::Lsp => crate::lsp::run_stdio(),
        Command::Check(options) => crate::check::run(&options),
        Command::List(options) => crate::list::run_list(&options),
        Command::Graph(options) => crate::list::run_graph(&options),
        Command::Trace(options) => crate::trace::run_trace(&options),
        Command::New {
            template,
            file,
            id,
            title,
        } => crate::new::run_new(&template, &file, id.as_deref(), title.as_deref()),
        Command::Templates { folder } => crate::new::run_templates(&folder),
        Command::Outline { files } => print_outlines(&files),
    }
}

fn print_outlines(files: &[PathBuf]) -> ExitCode {
    let mut failed = false;
    for path in files {
        let text = match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(_) => {
                    eprintln!("specls: {}: not valid UTF-8", path.display());
                    failed = true;
                    continue;
                }
            },
            Err(err) => {
                eprintln!("specls: {}: {err}", path.display());
                failed = true;
                continue;
            }
        };
        let document = Document::new(&text);
        let model = document.model();
        println!("{}", path.display());
        if let Some(frontmatter) = &model.frontmatter {
            // Frontmatter can only open the file.
            println!("     1  ---  frontmatter: {} fields", frontmatter.fields.len());
        }
        print_items(&document, &outline(&model), 1);
    }
    if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_items(document: &Document, items: &[OutlineItem], depth: usize) {
    for item in items {
        let line = document
            .position_at(item.selection_range.start, PositionEncoding::Utf8)
            .line
            + 1;
        println!(
            "  {line:>4}  {}{} {}",
            "  ".repeat(depth - 1),
            "#".repeat(item.level.into()),
            item.title
        );
        print_items(document, &item.children, depth + 1);
    }
}
