//! A new spec from a template: the template's text with its placeholders filled where
//! the values are known (id, title, status `draft`, today's date), shared by
//! `specls new`, the `specls.newSpec` command and the "start spec" code action.

use std::ops::Range;
use std::path::Path;

use specls_syntax::{Document, FieldValue};

use crate::config::{Settings, Template};
use crate::schema::has_placeholder;

/// What is known of the new spec.
#[derive(Debug, Clone, Copy)]
pub struct Fill<'a> {
    pub id: Option<&'a str>,
    pub title: Option<&'a str>,
    /// Today as `YYYY-MM-DD`.
    pub today: &'a str,
}

/// The text of a new spec at `path` (if known) from `template`. When the settings would
/// not choose that template for the result, a `template:` key says it.
pub fn scaffold(template: &Template, fill: &Fill<'_>, settings: &Settings, path: Option<&Path>) -> String {
    let schema = &template.schema;
    let source = &schema.source;
    let document = Document::new(source);
    let model = document.model();
    let status = first_status(settings);
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();

    if let Some(frontmatter) = &model.frontmatter {
        for field in &frontmatter.fields {
            let example = field.value.range().map(|r| &source[r]);
            let value = match field.key.as_str() {
                "spec-id" => fill.id.map(yaml_scalar),
                "title" => fill.title.map(yaml_scalar),
                "status" => Some(status.clone()),
                key if is_date_field(key, example) => Some(fill.today.to_string()),
                _ => None,
            };
            let Some(value) = value else { continue };
            match &field.value {
                FieldValue::Empty => edits.push((field.range.end..field.range.end, format!(" {value}"))),
                other => {
                    if let Some(range) = other.range() {
                        edits.push((range, value));
                    }
                }
            }
        }
    }
    // The title heading when it is a placeholder (`# {{TITLE}}`, `# [Specification Title]`).
    let title_heading = model
        .headings
        .iter()
        .find(|h| h.level == 1 && has_placeholder(&h.title));
    if let (Some(heading), Some(title)) = (title_heading, fill.title) {
        edits.push((heading.title_range.clone(), title.to_string()));
    }
    for range in &model.placeholders {
        let name = &source[range.start + 2..range.end - 2];
        let value = match name {
            "TITLE" => fill.title.map(str::to_string),
            "SPEC_ID" | "ID" => fill.id.map(str::to_string),
            "STATUS" => Some(status.clone()),
            "CREATED" | "UPDATED" | "DATE" | "TODAY" => Some(fill.today.to_string()),
            _ => None,
        };
        let overlaps = |r: &Range<usize>| r.start < range.end && range.start < r.end;
        if let Some(value) = value
            && !edits.iter().any(|(r, _)| overlaps(r))
        {
            edits.push((range.clone(), value));
        }
    }
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut text = source.clone();
    for (range, value) in edits {
        text.replace_range(range, &value);
    }

    let chosen = settings
        .select_template(path, &Document::new(&text).model())
        .map(|t| t.name() == template.name())
        .unwrap_or(false);
    if !chosen {
        text = with_template_key(&text, template.name());
    }
    text
}

/// A new spec file at `path`: the id given, else one opening the file name, else the
/// next free id among `known_ids`, else the first id of the id pattern; the title given, else one made of the file name.
/// Shared by `specls new`, the `specls.newSpec` command and the "start spec" action.
pub fn scaffold_file<'a>(
    template: &Template,
    settings: &Settings,
    path: &Path,
    id: Option<&str>,
    title: Option<&str>,
    known_ids: impl IntoIterator<Item = &'a str>,
    today: &str,
) -> String {
    let id = id
        .map(str::to_string)
        .or_else(|| id_from_file_name(path, settings))
        .or_else(|| next_free_id(known_ids))
        .or_else(|| first_id(settings));
    let title = title
        .map(str::to_string)
        .or_else(|| title_from_file_name(path, settings));
    let fill = Fill {
        id: id.as_deref(),
        title: title.as_deref(),
        today,
    };
    scaffold(template, &fill, settings, Some(path))
}

/// The status a new spec starts with: `draft`, or the first configured status.
fn first_status(settings: &Settings) -> String {
    match settings.allowed_values("status") {
        Some(allowed) if !allowed.iter().any(|s| s == "draft") => {
            allowed.first().cloned().unwrap_or_else(|| "draft".to_string())
        }
        _ => "draft".to_string(),
    }
}

fn with_template_key(text: &str, name: &str) -> String {
    let line = format!("template: {}\n", yaml_scalar(name));
    match text.strip_prefix("---\n") {
        Some(rest) => format!("---\n{line}{rest}"),
        None => format!("---\n{line}---\n\n{text}"),
    }
}

/// Whether a frontmatter key holds a date: `created`, `updated`, or a key whose
/// template value is a date or a date placeholder.
pub fn is_date_field(key: &str, example: Option<&str>) -> bool {
    if matches!(key, "created" | "updated") {
        return true;
    }
    let Some(example) = example else { return false };
    let example = example.trim().trim_matches(['[', ']', '"', '\'']);
    let bytes = example.as_bytes();
    let looks_like_date = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    looks_like_date || example.contains("YYYY-MM-DD") || example.contains("DATE}}")
}

/// A value written as a YAML scalar: plain when YAML reads it back as the same text,
/// double-quoted otherwise.
pub fn yaml_scalar(text: &str) -> String {
    let plain = !text.is_empty()
        && text.trim() == text
        && text.starts_with(|c: char| c.is_alphanumeric() || c == '(')
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.ends_with(':')
        && !text.contains(['\n', '\r', '\t', '"', '\\', '{', '}', '[', ']', ','])
        && !text.chars().any(char::is_control)
        && !reads_as_other_type(text);
    if plain {
        return text.to_string();
    }
    let escaped = text
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
        .replace('\t', "\\t");
    format!("\"{escaped}\"")
}

/// `true`, `null`, `12`, `1.5`: plain scalars YAML reads as something else than text.
fn reads_as_other_type(text: &str) -> bool {
    let lower = text.to_lowercase();
    matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~" | ".inf" | ".nan"
    ) || text.parse::<f64>().is_ok()
}

/// The next id after the highest number of the most used prefix, zero-padded as that
/// id is (`SPEC-042` → `SPEC-043`). `None` when no id has a number.
pub fn next_free_id<'a>(ids: impl IntoIterator<Item = &'a str>) -> Option<String> {
    // prefix → (count, highest number, its digits as written)
    let mut prefixes: std::collections::HashMap<&str, (usize, u64, usize)> = Default::default();
    for id in ids {
        let Some((prefix, digits)) = id.rsplit_once('-') else {
            continue;
        };
        let Ok(number) = digits.parse::<u64>() else {
            continue;
        };
        if prefix.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let (count, highest, width) = prefixes.entry(prefix).or_insert((0, 0, 0));
        *count += 1;
        if number > *highest || *count == 1 {
            (*highest, *width) = (number, digits.len());
        } else if number == *highest {
            *width = (*width).max(digits.len());
        }
    }
    let (prefix, (_, highest, width)) = prefixes
        .into_iter()
        .max_by(|a, b| a.1.0.cmp(&b.1.0).then_with(|| b.0.cmp(a.0)))?;
    Some(format!("{prefix}-{:0width$}", highest + 1))
}

/// The first id of a workspace without ids: the id pattern's literal prefix (`RFC-` of
/// `RFC-[0-9]{4}`, `SPEC-` when the pattern opens with no literal) and the smallest
/// number the pattern accepts (`RFC-0001`, `SPEC-1`). `None` for a pattern no such id
/// matches.
pub fn first_id(settings: &Settings) -> Option<String> {
    let pattern = settings.id_pattern_source.trim_start_matches('^');
    let literal: String = pattern
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '/'))
        .collect();
    // `[0-9]` or `\d` right after a literal `ADR` belongs to the number, not the prefix.
    let literal = literal.trim_end_matches(|c: char| c.is_ascii_digit()).to_string();
    let prefixes = [literal.clone(), format!("{literal}-"), "SPEC-".to_string()];
    prefixes.iter().find_map(|prefix| {
        (1..=8).find_map(|width| {
            let candidate = format!("{prefix}{:0width$}", 1);
            settings.id_pattern.is_match(&candidate).then_some(candidate)
        })
    })
}

/// A title from a file name: `passkey-login.md` → `Passkey login`, after an id
/// (`AUTH-12-passkey-login.md`). `None` when nothing is left.
pub fn title_from_file_name(path: &Path, settings: &Settings) -> Option<String> {
    let stem = path.file_stem()?.to_str()?;
    let rest = match id_from_file_name(path, settings) {
        Some(id) => stem.get(id.len()..).unwrap_or_default(),
        None => stem,
    };
    let words: Vec<&str> = rest
        .split(['-', '_', ' ', '.'])
        .filter(|w| !w.is_empty())
        .collect();
    let first = words.first()?;
    let mut title = String::new();
    let mut chars = first.chars();
    title.extend(chars.next()?.to_uppercase());
    title.push_str(chars.as_str());
    for word in &words[1..] {
        title.push(' ');
        title.push_str(word);
    }
    Some(title)
}

/// An id that opens a file name (`auth-12-login.md` → `AUTH-12`), when it matches the
/// id pattern.
pub fn id_from_file_name(path: &Path, settings: &Settings) -> Option<String> {
    let stem = path.file_stem()?.to_str()?;
    let parts: Vec<&str> = stem.split('-').collect();
    (2..=parts.len()).rev().find_map(|n| {
        let candidate = parts[..n].join("-").to_uppercase();
        settings.id_pattern.is_match(&candidate).then_some(candidate)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_free_id_continues_the_most_used_prefix() {
        assert_eq!(
            next_free_id(["SPEC-001", "SPEC-042", "AUTH-7", "SPEC-003"]),
            Some("SPEC-043".to_string())
        );
        assert_eq!(next_free_id(["AUTH-7", "AUTH-9"]), Some("AUTH-10".to_string()));
        assert_eq!(next_free_id(["RFC-0099"]), Some("RFC-0100".to_string()));
        assert_eq!(next_free_id(["SPEC-999"]), Some("SPEC-1000".to_string()));
        assert_eq!(next_free_id(["not-an-id", "X"]), None);
    }

    #[test]
    fn scalars_are_quoted_when_yaml_would_misread_them() {
        assert_eq!(yaml_scalar("Passkey login"), "Passkey login");
        assert_eq!(yaml_scalar("AUTH-12"), "AUTH-12");
        assert_eq!(yaml_scalar("Login: the return"), "\"Login: the return\"");
        assert_eq!(yaml_scalar("# heading"), "\"# heading\"");
        assert_eq!(yaml_scalar("true"), "\"true\"");
        assert_eq!(yaml_scalar("1.0"), "\"1.0\"");
        assert_eq!(yaml_scalar("say \"hi\""), "\"say \\\"hi\\\"\"");
    }

    #[test]
    fn ids_and_titles_from_file_names() {
        let settings = Settings::default();
        let id = |name: &str| id_from_file_name(Path::new(name), &settings);
        let title = |name: &str| title_from_file_name(Path::new(name), &settings);
        assert_eq!(id("specs/auth-12-passkey-login.md").as_deref(), Some("AUTH-12"));
        assert_eq!(id("SPEC-042.md").as_deref(), Some("SPEC-042"));
        assert_eq!(id("passkey-login.md"), None);
        assert_eq!(
            title("specs/auth-12-passkey-login.md").as_deref(),
            Some("Passkey login")
        );
        assert_eq!(title("passkey_login.md").as_deref(), Some("Passkey login"));
        assert_eq!(title("SPEC-042.md"), None);
    }

    #[test]
    fn the_first_id_follows_the_id_pattern() {
        let with_pattern = |pattern: &str| {
            let config = format!("id-pattern: \"{pattern}\"\n");
            let settings = Settings::from_config(&config, Path::new("/ws"), &|_| Ok(String::new()));
            assert!(settings.problems.is_empty(), "{:?}", settings.problems);
            first_id(&settings)
        };
        assert_eq!(first_id(&Settings::default()).as_deref(), Some("SPEC-1"));
        assert_eq!(with_pattern("RFC-[0-9]{4}").as_deref(), Some("RFC-0001"));
        assert_eq!(with_pattern("ADR[0-9]{3}").as_deref(), Some("ADR001"));
        assert_eq!(with_pattern("[A-Z]{2,5}-[0-9]+").as_deref(), Some("SPEC-1"));
        assert_eq!(with_pattern("AUTH|PAY").as_deref(), None);
    }

    #[test]
    fn date_fields() {
        assert!(is_date_field("created", None));
        assert!(is_date_field("decided", Some("[YYYY-MM-DD]")));
        assert!(is_date_field("decided", Some("2025-01-31")));
        assert!(is_date_field("due", Some("{{DUE_DATE}}")));
        assert!(!is_date_field("version", Some("1.0")));
    }
}
