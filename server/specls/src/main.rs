//! specls: language server and checker for spec Markdown.

mod cli;
mod log;
mod lsp;

fn main() -> std::process::ExitCode {
    cli::run()
}
