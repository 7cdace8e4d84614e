//! The section outline of a document: headings nested by level.

use std::ops::Range;

use specls_syntax::SpecModel;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlineItem {
    pub title: String,
    pub level: u8,
    /// The whole section, heading included.
    pub range: Range<usize>,
    /// The heading's title, the part an editor highlights.
    pub selection_range: Range<usize>,
    pub children: Vec<OutlineItem>,
}

/// Headings nested under the closest preceding heading of a lower level; a skipped
/// level (`#` then `###`) nests directly.
pub fn outline(model: &SpecModel) -> Vec<OutlineItem> {
    let mut roots: Vec<OutlineItem> = Vec::new();
    // Open sections, outermost first; each is attached to its parent when it closes.
    let mut open: Vec<OutlineItem> = Vec::new();
    let close_until = |open: &mut Vec<OutlineItem>, roots: &mut Vec<OutlineItem>, level: u8| {
        while open.last().is_some_and(|item| item.level >= level) {
            let item = open.pop().expect("checked non-empty");
            match open.last_mut() {
                Some(parent) => parent.children.push(item),
                None => roots.push(item),
            }
        }
    };
    for heading in &model.headings {
        close_until(&mut open, &mut roots, heading.level);
        let title = if heading.title.is_empty() {
            "(untitled)".to_string()
        } else {
            heading.title.clone()
        };
        open.push(OutlineItem {
            title,
            level: heading.level,
            range: heading.section_range.clone(),
            selection_range: heading.title_range.clone(),
            children: Vec::new(),
        });
    }
    close_until(&mut open, &mut roots, 0);
    roots
}

#[cfg(test)]
mod tests {
    use super::*;
    use specls_syntax::Document;

    fn titles(items: &[OutlineItem], depth: usize, out: &mut String) {
        for item in items {
            out.push_str(&format!(
                "{}{} {}\n",
                "  ".repeat(depth),
                "#".repeat(item.level as usize),
                item.title
            ));
            titles(&item.children, depth + 1, out);
        }
    }

    fn render(text: &str) -> String {
        let mut out = String::new();
        titles(&outline(&Document::new(text).model()), 0, &mut out);
        out
    }

    #[test]
    fn nests_by_level_and_tolerates_skips() {
        let text = "# A\n### deep\n## B\ntext\n#### C\n## D\n# E\n";
        assert_eq!(render(text), "# A\n  ### deep\n  ## B\n    #### C\n  ## D\n# E\n");
    }

    #[test]
    fn sections_span_to_the_next_heading_of_their_level() {
        let text = "# A\n## B\nb\n## C\nc\n";
        let items = outline(&Document::new(text).model());
        let b = &items[0].children[0];
        assert_eq!(&text[b.range.clone()], "## B\nb\n");
        assert_eq!(&text[b.selection_range.clone()], "B");
        assert_eq!(items[0].range, 0..text.len());
    }

    #[test]
    fn headings_in_code_blocks_are_not_sections() {
        let text = "# A\n```\n# not\n```\n    # indented code\n\n## B\n";
        assert_eq!(render(text), "# A\n  ## B\n");
    }
}
