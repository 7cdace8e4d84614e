//! specls: language server and checker for spec Markdown.

mod check;
mod cli;
mod fix;
mod list;
mod log;
mod lsp;
mod new;
mod output;
mod settings;
mod trace;

fn main() -> std::process::ExitCode {
    cli::run()
}
