//! specls: language server and checker for spec Markdown.

mod check;
mod cli;
mod log;
mod lsp;
mod new;
mod settings;

fn main() -> std::process::ExitCode {
    cli::run()
}
