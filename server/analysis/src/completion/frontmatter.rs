//! Frontmatter keys and values: the keys of the template that the spec lacks, the
//! allowed values of a field, today's date, spec ids in reference lists.

use std::ops::Range;

use specls_syntax::SpecModel;
use specls_syntax::model::REFERENCE_FIELDS;

use super::{CompletionInput, Completions, Item, ItemKind, references, sort_key};
use crate::config::{DEFAULT_STATUS, Settings, Template};
use crate::diagnostics::TextEdit;
use crate::scaffold::{is_date_field, next_free_id};

pub(super) fn keys(
    input: &CompletionInput<'_>,
    model: &SpecModel,
    template: Option<&Template>,
    range: Range<usize>,
    has_colon: bool,
) -> Completions {
    let Some(template) = template else {
        return Completions::default();
    };
    let frontmatter = model.frontmatter.as_ref();
    let editing = input.document.slice(range.clone());
    let schema = &template.schema;
    let items = schema
        .fields
        .iter()
        .enumerate()
        .filter(|(_, key)| {
            // The key being edited stays on offer: it may be retyped.
            **key == editing || frontmatter.is_none_or(|fm| fm.field(key).is_none())
        })
        .map(|(position, key)| {
            let example = schema.field_example(key);
            let new_text = if has_colon {
                key.clone()
            } else {
                format!("{key}: ")
            };
            Item {
                label: key.clone(),
                kind: ItemKind::Key,
                detail: Some(value_shape(key, example, input.settings)),
                edit: TextEdit {
                    range: range.clone(),
                    new_text,
                },
                snippet: false,
                filter_text: None,
                sort_text: sort_key(position),
                preselect: false,
                documentation: None,
            }
        })
        .collect();
    Completions {
        items,
        incomplete: false,
    }
}

/// What a value of `key` looks like, shown beside the key.
fn value_shape(key: &str, example: Option<&str>, settings: &Settings) -> String {
    if let Some(allowed) = settings.allowed_values(key) {
        return allowed.join(" | ");
    }
    if is_date_field(key, example) {
        return "date (YYYY-MM-DD)".to_string();
    }
    if REFERENCE_FIELDS.contains(&key) {
        return "list of spec ids".to_string();
    }
    if key == "spec-id" {
        return format!("spec id ({})", settings.id_pattern_source);
    }
    let example = example.unwrap_or_default().trim();
    let is_list = example.starts_with('-') || (example.starts_with('[') && example.contains(','));
    if is_list || key == "tags" {
        return "list".to_string();
    }
    if example.is_empty() || crate::schema::has_placeholder(example) {
        "text".to_string()
    } else {
        format!("text, e.g. {example}")
    }
}

pub(super) fn values(
    input: &CompletionInput<'_>,
    model: &SpecModel,
    template: Option<&Template>,
    key: &str,
    range: Range<usize>,
    needs_space: bool,
    listed: &[String],
) -> Completions {
    let space = if needs_space { " " } else { "" };
    let item = |label: &str, kind, detail: Option<String>, position| Item {
        label: label.to_string(),
        kind,
        detail,
        edit: TextEdit {
            range: range.clone(),
            new_text: format!("{space}{label}"),
        },
        snippet: false,
        filter_text: Some(label.to_string()),
        sort_text: sort_key(position),
        preselect: false,
        documentation: None,
    };
    let current = input.document.slice(range.clone());
    let current = current.trim();

    if REFERENCE_FIELDS.contains(&key) {
        let typed = input.document.slice(range.start..input.offset.max(range.start));
        let mut found = references::ids(input.index, typed.trim(), range, "", listed, model.spec_id());
        if needs_space {
            for item in &mut found.items {
                item.edit.new_text.insert(0, ' ');
            }
        }
        return found;
    }
    if let Some(allowed) = input.settings.allowed_values(key) {
        let order = if key == "status" {
            lifecycle_order(allowed, current)
        } else {
            (0..allowed.len()).collect()
        };
        let items = order
            .into_iter()
            .enumerate()
            .map(|(position, index)| item(&allowed[index], ItemKind::Value, Some(key.to_string()), position))
            .collect();
        return Completions {
            items,
            incomplete: false,
        };
    }
    let example = template.and_then(|t| t.schema.field_example(key));
    let mut items = Vec::new();
    if is_date_field(key, example) {
        items.push(item(input.today, ItemKind::Date, Some("today".to_string()), 0));
    }
    if key == "spec-id"
        && let Some(next) = next_free_id(input.index.ids())
    {
        items.push(item(&next, ItemKind::Value, Some("next free id".to_string()), 0));
    }
    if key == "template" {
        items.extend(
            input
                .settings
                .templates
                .iter()
                .enumerate()
                .map(|(position, t)| item(t.name(), ItemKind::Value, Some(t.description()), position)),
        );
    }
    Completions {
        items,
        incomplete: false,
    }
}

/// The order in which statuses are offered: those after the current one in the
/// lifecycle first (the next step is the likely one), then the others, each in
/// lifecycle order. Configured values that the lifecycle does not name keep their
/// configured place after it.
fn lifecycle_order(allowed: &[String], current: &str) -> Vec<usize> {
    let rank = |value: &str| {
        DEFAULT_STATUS
            .iter()
            .position(|s| *s == value)
            .unwrap_or(DEFAULT_STATUS.len())
    };
    let mut order: Vec<usize> = (0..allowed.len()).collect();
    order.sort_by_key(|&i| rank(&allowed[i]));
    if let Some(at) = order
        .iter()
        .position(|&i| allowed[i].eq_ignore_ascii_case(current))
    {
        order.rotate_left(at + 1);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(allowed: &[&str], current: &str) -> Vec<String> {
        let allowed: Vec<String> = allowed.iter().map(|s| s.to_string()).collect();
        lifecycle_order(&allowed, current)
            .into_iter()
            .map(|i| allowed[i].clone())
            .collect()
    }

    #[test]
    fn successors_of_the_current_status_come_first() {
        assert_eq!(
            names(DEFAULT_STATUS, "approved"),
            [
                "in-progress",
                "implemented",
                "deprecated",
                "superseded",
                "rejected",
                "draft",
                "review",
                "approved"
            ]
        );
        assert_eq!(names(DEFAULT_STATUS, "dr")[..2], ["draft", "review"]);
        assert_eq!(
            names(&["accepted", "review", "draft"], "draft"),
            ["review", "accepted", "draft"]
        );
    }
}
