//! LSP-level tests: each starts the real `specls` binary and speaks JSON-RPC over
//! stdio as an editor does.

mod support;

mod bad_input;
mod completion;
mod diagnostics;
mod documents;
mod fuzz_frames;
mod hostile;
mod hostile_documents;
mod initialize;
mod many_documents;
mod navigation;
mod outline;
mod precision;
mod protocol;
mod snapshots_per_request;
mod trace;
