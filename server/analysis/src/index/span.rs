//! Byte ranges and names as the index keeps them.

use std::ops::Range;

/// A byte range in 32 bits: files past 4 GiB are never read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Span {
    start: u32,
    end: u32,
}

impl Span {
    pub(crate) fn of(range: &Range<usize>) -> Self {
        let narrow = |offset: usize| u32::try_from(offset).unwrap_or(u32::MAX);
        Span {
            start: narrow(range.start),
            end: narrow(range.end),
        }
    }

    pub(crate) fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// Names written one after another into one string, each found again by its span.
#[derive(Default)]
pub(crate) struct Names {
    text: String,
}

impl Names {
    pub(crate) fn with_capacity(bytes: usize) -> Self {
        Names {
            text: String::with_capacity(bytes),
        }
    }

    pub(crate) fn push(&mut self, name: &str) -> Span {
        let start = self.text.len();
        self.text.push_str(name);
        Span::of(&(start..self.text.len()))
    }

    pub(crate) fn finish(self) -> Box<str> {
        self.text.into_boxed_str()
    }
}
