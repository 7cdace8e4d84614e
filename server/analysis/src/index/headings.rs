//! A file's headings as the index keeps them: every file of the workspace keeps some
//! forty, so their titles and slugs share one string per file and each heading is a
//! fixed record of 32-bit offsets, read back through borrowed views.

use std::ops::Range;

use super::span::{Names, Span};

/// The headings of one file, in document order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IndexedHeadings {
    /// Each heading's title, then its slug, one heading after the other.
    names: Box<str>,
    records: Box<[Record]>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Record {
    level: u8,
    title: Span,
    slug: Span,
    title_range: Span,
    section_range: Span,
}

/// A heading of an indexed file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexedHeading<'a> {
    pub level: u8,
    title: &'a str,
    slug: &'a str,
    title_range: Span,
    section_range: Span,
}

impl<'a> IndexedHeading<'a> {
    pub fn title(&self) -> &'a str {
        self.title
    }

    /// The GitHub anchor, repeats numbered.
    pub fn slug(&self) -> &'a str {
        self.slug
    }

    pub fn title_range(&self) -> Range<usize> {
        self.title_range.range()
    }

    pub fn section_range(&self) -> Range<usize> {
        self.section_range.range()
    }
}

/// What the index is told of one heading.
pub struct HeadingFacts<'h> {
    pub level: u8,
    pub title: &'h str,
    pub slug: &'h str,
    pub title_range: Range<usize>,
    pub section_range: Range<usize>,
}

impl IndexedHeadings {
    pub fn new<'h>(headings: impl ExactSizeIterator<Item = HeadingFacts<'h>>) -> Self {
        let mut names = Names::default();
        let mut records = Vec::with_capacity(headings.len());
        for heading in headings {
            records.push(Record {
                level: heading.level,
                title: names.push(heading.title),
                slug: names.push(heading.slug),
                title_range: Span::of(&heading.title_range),
                section_range: Span::of(&heading.section_range),
            });
        }
        IndexedHeadings {
            names: names.finish(),
            records: records.into_boxed_slice(),
        }
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub fn get(&self, at: usize) -> Option<IndexedHeading<'_>> {
        self.records.get(at).map(|record| self.view(record))
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = IndexedHeading<'_>> + ExactSizeIterator + '_ {
        self.records.iter().map(|record| self.view(record))
    }

    fn view(&self, record: &Record) -> IndexedHeading<'_> {
        IndexedHeading {
            level: record.level,
            title: &self.names[record.title.range()],
            slug: &self.names[record.slug.range()],
            title_range: record.title_range,
            section_range: record.section_range,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Level, title, slug, title range, section range.
    type Written<'a> = (u8, &'a str, &'a str, Range<usize>, Range<usize>);

    #[test]
    fn each_heading_reads_back_as_written() {
        let written = [
            (1, "Überblick", "überblick", 2..11, 0..40),
            (2, "", "", 44..44, 41..60),
            (2, "Data model", "data-model-1", 64..74, 61..90),
        ];
        let headings = IndexedHeadings::new(written.iter().map(
            |(level, title, slug, title_range, section_range)| HeadingFacts {
                level: *level,
                title,
                slug,
                title_range: title_range.clone(),
                section_range: section_range.clone(),
            },
        ));
        assert_eq!(headings.len(), 3);
        let back: Vec<Written<'_>> = headings
            .iter()
            .map(|h| (h.level, h.title(), h.slug(), h.title_range(), h.section_range()))
            .collect();
        assert_eq!(back, written.to_vec());
        assert_eq!(headings.get(2).map(|h| h.slug()), Some("data-model-1"));
        assert!(headings.get(3).is_none());
    }
}
