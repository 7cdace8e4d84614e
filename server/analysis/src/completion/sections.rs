//! Sections of the template that the spec lacks, as skeletons to insert on a heading
//! line or an empty line: every missing section, and the missing subsections of the
//! section the cursor is in, in template order. The next one after the cursor (in
//! template order) is preselected.

use std::ops::Range;

use specls_syntax::{Heading, SpecModel};

use super::{CompletionInput, Completions, DocumentationKey, Item, ItemKind};
use crate::diagnostics::TextEdit;
use crate::schema::{SectionKind, SectionRule, SkeletonStyle, TemplateSchema};

/// Which rules of one level are present, and the last one before the cursor.
struct Presence {
    seen: Vec<bool>,
    last_before: Option<usize>,
}

impl Presence {
    fn read<'a>(
        rules: &[SectionRule],
        headings: impl Iterator<Item = &'a Heading>,
        line: &Range<usize>,
    ) -> Self {
        let mut presence = Presence {
            seen: vec![false; rules.len()],
            last_before: None,
        };
        for heading in headings {
            // The heading being typed on the cursor's line does not count.
            if (line.start..=line.end).contains(&heading.range.start) {
                continue;
            }
            if let Some((index, _)) = TemplateSchema::find(rules, &heading.title) {
                presence.seen[index] = true;
                if heading.range.start < line.start {
                    presence.last_before = Some(index);
                }
            }
        }
        presence
    }

    /// The missing rules that can be offered, with their index.
    fn missing<'r>(&self, rules: &'r [SectionRule]) -> impl Iterator<Item = (usize, &'r SectionRule)> {
        rules
            .iter()
            .enumerate()
            .filter(|(i, rule)| !self.seen[*i] && rule.kind != SectionKind::Example)
    }

    /// The first missing rule after the cursor's place in template order.
    fn next(&self, rules: &[SectionRule]) -> Option<usize> {
        self.missing(rules)
            .map(|(i, _)| i)
            .find(|&i| self.last_before.is_none_or(|before| i > before))
    }
}

pub(super) fn items(
    input: &CompletionInput<'_>,
    model: &SpecModel,
    schema: &TemplateSchema,
    line: Range<usize>,
    level: Option<u8>,
) -> Completions {
    let headings = &model.headings;
    let sections = Presence::read(&schema.sections, headings.iter().filter(|h| h.level == 2), &line);
    // The section the cursor is in: the last level-2 heading above the line (unless a
    // title heading came after it).
    let above = headings.partition_point(|h| h.range.start < line.start);
    let current = headings[..above]
        .iter()
        .rev()
        .find(|h| h.level <= 2)
        .filter(|h| h.level == 2)
        .and_then(|h| Some((h, TemplateSchema::find(&schema.sections, &h.title)?)));
    let subsections = current.map(|(heading, (index, rule))| {
        let end = headings[above..]
            .iter()
            .find(|h| h.level <= 2 && !(line.start..=line.end).contains(&h.range.start))
            .map_or(usize::MAX, |h| h.range.start);
        let inside = headings
            .iter()
            .filter(|h| h.level == 3 && h.range.start > heading.range.start && h.range.start < end);
        (index, rule, Presence::read(&rule.subsections, inside, &line))
    });

    let next_section = sections.next(&schema.sections).map(|i| (i, None));
    let next_subsection = subsections
        .as_ref()
        .and_then(|(index, rule, presence)| Some((*index, Some(presence.next(&rule.subsections)?))));
    let preselected = match level {
        Some(1 | 2) => next_section.or(next_subsection),
        _ => next_subsection.or(next_section),
    };

    let style = if input.snippets {
        SkeletonStyle::Snippet
    } else {
        SkeletonStyle::Plain
    };
    let item = |parent: Option<&SectionRule>, rule: &SectionRule, place: (usize, Option<usize>)| {
        let hashes = "#".repeat(rule.level.into());
        let detail = match parent {
            Some(parent) => format!("subsection of {} ({})", parent.title, schema.name),
            None => format!("section of {}", schema.name),
        };
        let (section, subsection) = match parent {
            Some(parent) => (parent.title.clone(), Some(rule.title.clone())),
            None => (rule.title.clone(), None),
        };
        Item {
            label: rule.title.clone(),
            kind: ItemKind::Section,
            detail: Some(detail),
            edit: TextEdit {
                range: line.clone(),
                new_text: rule.skeleton(style),
            },
            snippet: input.snippets,
            filter_text: Some(format!("{hashes} {}", rule.title)),
            sort_text: format!("{:03}{:03}", place.0, place.1.map_or(0, |i| i + 1)),
            preselect: preselected == Some(place),
            documentation: Some(DocumentationKey::Section {
                template: schema.name.clone(),
                section,
                subsection,
            }),
        }
    };
    let mut items: Vec<Item> = sections
        .missing(&schema.sections)
        .map(|(i, rule)| item(None, rule, (i, None)))
        .collect();
    if let Some((index, parent, presence)) = &subsections {
        items.extend(
            presence
                .missing(&parent.subsections)
                .map(|(i, rule)| item(Some(parent), rule, (*index, Some(i)))),
        );
    }
    items.sort_by(|a, b| a.sort_text.cmp(&b.sort_text));
    Completions {
        items,
        incomplete: false,
    }
}
