//! Folding ranges: sections, the frontmatter block and code blocks.

use std::ops::Range;

use specls_syntax::{Document, SpecModel};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoldKind {
    Section,
    Frontmatter,
    Code,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fold {
    pub kind: FoldKind,
    /// From the first byte of the fold's first line to the last byte of content it
    /// hides; trailing blank lines of a section stay visible.
    pub range: Range<usize>,
}

pub fn folding_ranges(document: &Document, model: &SpecModel) -> Vec<Fold> {
    let mut folds = Vec::new();
    if let Some(frontmatter) = &model.frontmatter {
        folds.push(Fold {
            kind: FoldKind::Frontmatter,
            range: trim_trailing_space(document, frontmatter.range.clone()),
        });
    }
    for heading in &model.headings {
        folds.push(Fold {
            kind: FoldKind::Section,
            range: trim_trailing_space(document, heading.section_range.clone()),
        });
    }
    for code in &model.code_blocks {
        folds.push(Fold {
            kind: FoldKind::Code,
            range: trim_trailing_space(document, code.clone()),
        });
    }
    folds.sort_by_key(|fold| (fold.range.start, std::cmp::Reverse(fold.range.end)));
    folds
}

fn trim_trailing_space(document: &Document, range: Range<usize>) -> Range<usize> {
    let rope = document.rope();
    let mut end = range.end.min(rope.len_bytes());
    while end > range.start && rope.byte(end - 1).is_ascii_whitespace() {
        end -= 1;
    }
    range.start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_frontmatter_sections_and_code() {
        let text = "---\na: 1\n---\n# A\ntext\n\n```\ncode\n```\n\n## B\nb\n\n";
        let document = Document::new(text);
        let folds = folding_ranges(&document, &document.model());
        let shown: Vec<(FoldKind, &str)> = folds.iter().map(|f| (f.kind, &text[f.range.clone()])).collect();
        assert_eq!(
            shown,
            vec![
                (FoldKind::Frontmatter, "---\na: 1\n---"),
                (FoldKind::Section, "# A\ntext\n\n```\ncode\n```\n\n## B\nb"),
                (FoldKind::Code, "```\ncode\n```"),
                (FoldKind::Section, "## B\nb"),
            ]
        );
    }
}
