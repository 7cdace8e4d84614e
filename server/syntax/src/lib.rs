//! specls-syntax: documents (a rope and its tree-sitter-md trees, edited incrementally),
//! position encodings, the tree-sitter queries, and the spec model read from them.
//!
//! This crate knows nothing of LSP: every range in it is a byte range, and positions
//! are converted only through [`position`].

pub mod document;
mod fast;
pub mod frontmatter;
pub mod line_index;
pub mod markdown;
pub mod model;
pub mod nesting;
pub mod position;
pub mod queries;

pub use ropey;

pub use document::{ChangeOutcome, Document, TextChange};
pub use frontmatter::{Field, FieldValue, Frontmatter, FrontmatterError, Scalar};
pub use line_index::LineIndex;
pub use model::{Heading, LinkDefinition, Reference, ReferenceKind, SpecModel};
pub use position::{Position, PositionEncoding, ResolvedOffset};
