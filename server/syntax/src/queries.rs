//! The tree-sitter queries of `grammar-queries/`, compiled into the binary once.

use std::sync::OnceLock;

use tree_sitter::{Language, Node, Query, QueryMatch};

use crate::markdown::{block_language, inline_language};

pub fn yaml_language() -> Language {
    tree_sitter_yaml::LANGUAGE.into()
}

/// Which grammar a query file is written against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grammar {
    MarkdownBlock,
    MarkdownInline,
    Yaml,
}

impl Grammar {
    pub fn language(self) -> Language {
        match self {
            Grammar::MarkdownBlock => block_language(),
            Grammar::MarkdownInline => inline_language(),
            Grammar::Yaml => yaml_language(),
        }
    }
}

/// Every query source with its file name and grammar, for tests and tooling.
pub const QUERY_SOURCES: &[(&str, Grammar, &str)] = &[
    (
        "headings.scm",
        Grammar::MarkdownBlock,
        include_str!("../../../grammar-queries/headings.scm"),
    ),
    (
        "frontmatter.scm",
        Grammar::MarkdownBlock,
        include_str!("../../../grammar-queries/frontmatter.scm"),
    ),
    (
        "code-blocks.scm",
        Grammar::MarkdownBlock,
        include_str!("../../../grammar-queries/code-blocks.scm"),
    ),
    (
        "link-definitions.scm",
        Grammar::MarkdownBlock,
        include_str!("../../../grammar-queries/link-definitions.scm"),
    ),
    (
        "links.scm",
        Grammar::MarkdownInline,
        include_str!("../../../grammar-queries/links.scm"),
    ),
    (
        "inline-code.scm",
        Grammar::MarkdownInline,
        include_str!("../../../grammar-queries/inline-code.scm"),
    ),
    (
        "frontmatter-fields.scm",
        Grammar::Yaml,
        include_str!("../../../grammar-queries/frontmatter-fields.scm"),
    ),
];

pub struct Queries {
    pub headings: Query,
    pub frontmatter: Query,
    pub code_blocks: Query,
    pub link_definitions: Query,
    pub links: Query,
    pub inline_code: Query,
    pub frontmatter_fields: Query,
}

/// Compiles one of [`QUERY_SOURCES`].
pub fn compile(name: &str) -> Result<Query, tree_sitter::QueryError> {
    let (_, grammar, source) = QUERY_SOURCES
        .iter()
        .find(|(file, _, _)| *file == name)
        .unwrap_or_else(|| panic!("no query file named {name}"));
    Query::new(&grammar.language(), source)
}

pub fn queries() -> &'static Queries {
    static QUERIES: OnceLock<Queries> = OnceLock::new();
    QUERIES.get_or_init(|| {
        // A query that does not compile is a build defect; the test suite compiles each.
        let load = |name| compile(name).unwrap_or_else(|err| panic!("{name}: {err}"));
        Queries {
            headings: load("headings.scm"),
            frontmatter: load("frontmatter.scm"),
            code_blocks: load("code-blocks.scm"),
            link_definitions: load("link-definitions.scm"),
            links: load("links.scm"),
            inline_code: load("inline-code.scm"),
            frontmatter_fields: load("frontmatter-fields.scm"),
        }
    })
}

/// The index of a capture name in a query.
pub fn capture(query: &Query, name: &str) -> u32 {
    query
        .capture_index_for_name(name)
        .unwrap_or_else(|| panic!("query has no capture @{name}"))
}

/// The node a match captured under `index`, if any.
pub fn captured<'tree>(m: &QueryMatch<'_, 'tree>, index: u32) -> Option<Node<'tree>> {
    m.captures().iter().find(|c| c.index == index).map(|c| c.node)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_query_compiles_against_its_grammar() {
        for (name, _, _) in QUERY_SOURCES {
            if let Err(err) = compile(name) {
                panic!("{name} does not compile: {err}");
            }
        }
        queries();
    }

    #[test]
    fn every_query_file_is_compiled_in() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../grammar-queries");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".scm"))
            .collect();
        on_disk.sort();
        let mut compiled: Vec<String> = QUERY_SOURCES.iter().map(|(n, _, _)| n.to_string()).collect();
        compiled.sort();
        assert_eq!(on_disk, compiled);
    }
}
