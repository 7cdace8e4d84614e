//! The command line: `specls [lsp]`, `specls outline FILE...`, `specls --version`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use specls_analysis::{OutlineItem, outline};
use specls_syntax::{Document, PositionEncoding};

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
    /// Print the section outline of spec files, as an editor's outline view shows it.
    Outline {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Lsp) {
        Command::Lsp => {
            crate::lsp::run_stdio();
            ExitCode::SUCCESS
        }
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
            let line = document
                .position_at(frontmatter.range.start, PositionEncoding::Utf8)
                .line
                + 1;
            println!(
                "  {line:>4}  ---  frontmatter: {} fields",
                frontmatter.fields.len()
            );
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
