//! specls-analysis: every feature of specls as a pure function over immutable
//! snapshots (a document's spec model, later the workspace index), returning plain
//! structs with byte ranges. Knows nothing of LSP.

pub mod code_lens;
pub mod completion;
pub mod config;
pub mod diagnostics;
pub mod fix;
pub mod folding;
pub mod graph;
pub mod hover;
pub mod index;
pub mod list;
pub mod navigation;
pub mod outline;
pub mod scaffold;
pub mod schema;
pub mod slug;
pub mod symbols;
pub mod trace;
pub mod workspace_checks;

pub use completion::{CompletionInput, Completions, DocumentationKey, complete, documentation};
pub use config::{CONFIG_FILE, ConfigProblem, Limits, Settings, Template};
pub use diagnostics::{CheckContext, Code, Diagnostic, Fix, Related, Severity, TextEdit, check, check_model};
pub use folding::{Fold, FoldKind, folding_ranges};
pub use index::{FileEntry, WorkspaceIndex};
pub use outline::{OutlineItem, outline};
pub use scaffold::{Fill, first_id, next_free_id, scaffold, scaffold_file};
