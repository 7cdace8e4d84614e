//! A file's references as the index keeps them. The model's `Reference` is 88 bytes and
//! owns one or two strings; an index entry keeps about fifty of them for every file of
//! the workspace, so here their names share one string per file and each reference is a
//! fixed record of 32-bit offsets (36 bytes), read back through borrowed views.

use std::ops::Range;

use specls_syntax::{Reference, ReferenceKind};

use super::span::{Names, Span};

/// The references of one file, in the model's order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IndexedReferences {
    /// Every name the references hold, one after the other.
    names: Box<str>,
    records: Box<[Record]>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Link,
    LinkWithAnchor,
    LinkReference,
    WikiId,
    BareId,
    FieldId,
}

/// One reference: byte ranges in the file, and the spans of its names in `names` (the
/// path and anchor of a link, a label, an id, and a field name with its id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Record {
    kind: Kind,
    range: Span,
    target_range: Span,
    first: Span,
    second: Span,
}

/// What a reference names, borrowed from the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexedKind<'a> {
    /// `[text](path#anchor)`; `path` is empty for an own-document `#anchor`.
    Link { path: &'a str, anchor: Option<&'a str> },
    /// `[text][label]`, `[label][]` or `[label]`, resolved through a link definition.
    LinkReference { label: &'a str },
    /// `[[SPEC-042]]`.
    WikiId { id: &'a str },
    /// `SPEC-042` written as a word in text.
    BareId { id: &'a str },
    /// A spec id in a frontmatter reference list such as `depends-on`.
    FieldId { field: &'a str, id: &'a str },
}

/// A reference of an indexed file, as [`Reference`] but borrowing its names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedReference<'a> {
    pub kind: IndexedKind<'a>,
    /// The whole reference (the link with its text, `[[...]]`, the id).
    pub range: Range<usize>,
    /// The part that names the target: the link destination or label, the id.
    pub target_range: Range<usize>,
}

impl IndexedKind<'_> {
    /// The spec id a `[[...]]`, bare or field reference names.
    pub fn id(&self) -> Option<&str> {
        match self {
            IndexedKind::WikiId { id } | IndexedKind::BareId { id } | IndexedKind::FieldId { id, .. } => {
                Some(id)
            }
            _ => None,
        }
    }
}

impl IndexedReferences {
    pub fn new(references: &[Reference]) -> Self {
        let mut names = Names::with_capacity(
            references
                .iter()
                .map(|reference| match &reference.kind {
                    ReferenceKind::Link { path, anchor } => {
                        path.len() + anchor.as_ref().map_or(0, String::len)
                    }
                    ReferenceKind::LinkReference { label } => label.len(),
                    ReferenceKind::WikiId { id } | ReferenceKind::BareId { id } => id.len(),
                    ReferenceKind::FieldId { field, id } => field.len() + id.len(),
                })
                .sum(),
        );
        let records = references
            .iter()
            .map(|reference| {
                let (kind, first, second) = match &reference.kind {
                    ReferenceKind::Link { path, anchor: None } => {
                        (Kind::Link, names.push(path), Span::default())
                    }
                    ReferenceKind::Link {
                        path,
                        anchor: Some(anchor),
                    } => (Kind::LinkWithAnchor, names.push(path), names.push(anchor)),
                    ReferenceKind::LinkReference { label } => {
                        (Kind::LinkReference, names.push(label), Span::default())
                    }
                    ReferenceKind::WikiId { id } => (Kind::WikiId, names.push(id), Span::default()),
                    ReferenceKind::BareId { id } => (Kind::BareId, names.push(id), Span::default()),
                    ReferenceKind::FieldId { field, id } => {
                        (Kind::FieldId, names.push(id), names.push(field))
                    }
                };
                Record {
                    kind,
                    range: Span::of(&reference.range),
                    target_range: Span::of(&reference.target_range),
                    first,
                    second,
                }
            })
            .collect();
        IndexedReferences {
            names: names.finish(),
            records,
        }
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub fn get(&self, at: usize) -> Option<IndexedReference<'_>> {
        self.records.get(at).map(|record| self.view(record))
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = IndexedReference<'_>> + ExactSizeIterator + '_ {
        self.records.iter().map(|record| self.view(record))
    }

    /// The first `end` references.
    pub fn iter_to(&self, end: usize) -> impl Iterator<Item = IndexedReference<'_>> + '_ {
        self.records[..end.min(self.records.len())]
            .iter()
            .map(|record| self.view(record))
    }

    fn view(&self, record: &Record) -> IndexedReference<'_> {
        let name = |span: Span| &self.names[span.range()];
        let kind = match record.kind {
            Kind::Link => IndexedKind::Link {
                path: name(record.first),
                anchor: None,
            },
            Kind::LinkWithAnchor => IndexedKind::Link {
                path: name(record.first),
                anchor: Some(name(record.second)),
            },
            Kind::LinkReference => IndexedKind::LinkReference {
                label: name(record.first),
            },
            Kind::WikiId => IndexedKind::WikiId {
                id: name(record.first),
            },
            Kind::BareId => IndexedKind::BareId {
                id: name(record.first),
            },
            Kind::FieldId => IndexedKind::FieldId {
                field: name(record.second),
                id: name(record.first),
            },
        };
        IndexedReference {
            kind,
            range: record.range.range(),
            target_range: record.target_range.range(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(kind: ReferenceKind, range: Range<usize>, target_range: Range<usize>) -> Reference {
        Reference {
            kind,
            range,
            target_range,
        }
    }

    fn owned(indexed: &IndexedReference<'_>) -> Reference {
        let kind = match indexed.kind {
            IndexedKind::Link { path, anchor } => ReferenceKind::Link {
                path: path.into(),
                anchor: anchor.map(Into::into),
            },
            IndexedKind::LinkReference { label } => ReferenceKind::LinkReference { label: label.into() },
            IndexedKind::WikiId { id } => ReferenceKind::WikiId { id: id.into() },
            IndexedKind::BareId { id } => ReferenceKind::BareId { id: id.into() },
            IndexedKind::FieldId { field, id } => ReferenceKind::FieldId {
                field: field.into(),
                id: id.into(),
            },
        };
        reference(kind, indexed.range.clone(), indexed.target_range.clone())
    }

    #[test]
    fn every_kind_reads_back_as_written() {
        let references = vec![
            reference(
                ReferenceKind::Link {
                    path: "../auth/login.md".into(),
                    anchor: Some("data-model".into()),
                },
                0..40,
                12..39,
            ),
            reference(
                ReferenceKind::Link {
                    path: String::new(),
                    anchor: None,
                },
                41..45,
                43..44,
            ),
            reference(
                ReferenceKind::LinkReference { label: "spec".into() },
                50..56,
                51..55,
            ),
            reference(ReferenceKind::WikiId { id: "AUTH-1".into() }, 60..70, 62..68),
            reference(
                ReferenceKind::BareId {
                    id: "SPEC-0042".into(),
                },
                71..80,
                71..80,
            ),
            reference(
                ReferenceKind::FieldId {
                    field: "depends-on".into(),
                    id: "SPEC-7".into(),
                },
                90..96,
                90..96,
            ),
        ];
        let indexed = IndexedReferences::new(&references);
        assert_eq!(indexed.len(), references.len());
        let back: Vec<Reference> = indexed.iter().map(|r| owned(&r)).collect();
        assert_eq!(back, references);
        assert_eq!(
            indexed.get(4).and_then(|r| r.kind.id().map(str::to_string)),
            Some("SPEC-0042".into())
        );
        assert_eq!(indexed.get(0).and_then(|r| r.kind.id().map(str::to_string)), None);
    }
}
