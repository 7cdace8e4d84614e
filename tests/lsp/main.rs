//! LSP-level tests: each starts the real `specls` binary and speaks JSON-RPC over
//! stdio as an editor does.

mod support;

mod bad_input;
mod completion;
mod diagnostics;
mod documents;
mod hostile;
mod initialize;
mod navigation;
mod outline;
