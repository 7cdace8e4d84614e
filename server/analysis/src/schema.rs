//! Template schemas, derived from a template's Markdown: its H2 headings are required
//! sections and its H3 headings required subsections of their H2, in order; a heading
//! marked "(if applicable)" or "(optional)" is optional; a heading that holds a
//! placeholder or numbers an example ("Alternative 1", "Phase 2: ...", "Component A",
//! "Appendix B: ...") is an example that may repeat and is never required. The
//! template's frontmatter keys are the required fields, and each section's own text is
//! its guidance: a spec section still holding only that text is empty.

use std::ops::Range;

use specls_syntax::{Document, Heading, ReferenceKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateSchema {
    pub name: String,
    pub sections: Vec<SectionRule>,
    /// Frontmatter keys, in template order.
    pub fields: Vec<String>,
    /// The value each of `fields` has in the template, as written (`{{CREATED}}`,
    /// `[YYYY-MM-DD]`, `draft`): what shape a value takes.
    pub field_examples: Vec<String>,
    /// The destinations of the template's own links (`link` of `[Design Document](link)`):
    /// a spec that still holds them holds the template's examples, not broken links.
    pub example_links: Vec<String>,
    /// The template's text, for scaffolding and snippets.
    pub source: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionKind {
    Required,
    Optional,
    /// May repeat, never required.
    Example,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionRule {
    /// The heading as the template writes it.
    pub title: String,
    /// What a spec heading is compared with (see [`heading_key`]); for an example, its
    /// family ("alternative", "phase").
    pub key: String,
    pub level: u8,
    pub kind: SectionKind,
    pub subsections: Vec<SectionRule>,
    /// The section's own text in the template (before its first subsection), with
    /// white space collapsed.
    pub guidance: String,
    /// The section's own Markdown in the template (between its heading and its first
    /// subsection), trimmed: the guidance as written, for skeletons and documentation.
    pub body: String,
}

/// How a skeleton marks the text the writer replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkeletonStyle {
    /// The template's text as it is.
    Plain,
    /// Each section's text is a tab stop (`${1:...}`) of an LSP snippet.
    Snippet,
}

impl TemplateSchema {
    pub fn derive(name: &str, text: &str) -> Self {
        let document = Document::new(text);
        let model = document.model();
        let fields_written = model.frontmatter.as_ref().map_or(&[][..], |fm| &fm.fields);
        let fields = fields_written.iter().map(|field| field.key.clone()).collect();
        let field_examples = fields_written
            .iter()
            .map(|field| {
                field
                    .value
                    .range()
                    .map(|range| document.slice(range))
                    .unwrap_or_default()
            })
            .collect();
        let sections = rules_at_level(&document, &model.headings, 2);
        let mut example_links: Vec<String> = model
            .references
            .iter()
            .filter_map(|reference| match &reference.kind {
                ReferenceKind::Link { path, .. } if !path.is_empty() => Some(path.clone()),
                _ => None,
            })
            .collect();
        example_links.sort_unstable();
        example_links.dedup();
        TemplateSchema {
            name: name.to_string(),
            sections,
            fields,
            field_examples,
            example_links,
            source: text.to_string(),
        }
    }

    /// The value a field has in the template, as written.
    pub fn field_example(&self, key: &str) -> Option<&str> {
        let index = self.fields.iter().position(|field| field == key)?;
        self.field_examples.get(index).map(String::as_str)
    }

    /// The rule of a section and, when given, of one of its subsections, by title.
    pub fn rule(&self, section: &str, subsection: Option<&str>) -> Option<&SectionRule> {
        let (_, rule) = TemplateSchema::find(&self.sections, section)?;
        match subsection {
            Some(title) => TemplateSchema::find(&rule.subsections, title).map(|(_, sub)| sub),
            None => Some(rule),
        }
    }

    /// The rule a spec heading of this level matches, with its index among its siblings.
    pub fn find<'a>(rules: &'a [SectionRule], title: &str) -> Option<(usize, &'a SectionRule)> {
        let key = heading_key(title);
        // Most rule lists hold no example: the family is read only when one does.
        let family = std::cell::OnceCell::new();
        rules.iter().enumerate().find(|(_, rule)| match rule.kind {
            SectionKind::Example => {
                family.get_or_init(|| example_family(title)).as_deref() == Some(rule.key.as_str())
            }
            _ => rule.key == key,
        })
    }
}

/// The headings of `level` directly under the given heading list (which holds a
/// section's descendants), each with its own subsections one level down.
fn rules_at_level(document: &Document, headings: &[Heading], level: u8) -> Vec<SectionRule> {
    let mut rules = Vec::new();
    for (index, heading) in headings.iter().enumerate() {
        if heading.level != level {
            continue;
        }
        let descendants: Vec<Heading> = headings[index + 1..]
            .iter()
            .take_while(|h| h.level > level)
            .cloned()
            .collect();
        let subsections = if level < 3 {
            rules_at_level(document, &descendants, level + 1)
        } else {
            Vec::new()
        };
        let own_end = descendants
            .iter()
            .find(|h| h.level == level + 1 && level < 3)
            .map_or(heading.section_range.end, |h| h.range.start);
        let own_text = document.slice(heading.range.end..own_end.max(heading.range.end));
        let guidance = collapse_whitespace(&own_text);
        let (kind, key) = classify(&heading.title);
        rules.push(SectionRule {
            title: heading.title.clone(),
            key,
            level,
            kind,
            subsections,
            guidance,
            body: own_text.trim().to_string(),
        });
    }
    rules
}

impl SectionRule {
    /// What is inserted for a missing section: its heading, its own text from the
    /// template, and its required subsections, each the same way. Optional and example
    /// subsections are left out: the writer adds them when they apply.
    pub fn skeleton(&self, style: SkeletonStyle) -> String {
        let mut out = String::new();
        let mut tab_stops = 0;
        self.write_skeleton(style, &mut tab_stops, &mut out);
        out
    }

    fn write_skeleton(&self, style: SkeletonStyle, tab_stops: &mut usize, out: &mut String) {
        out.push_str(&"#".repeat(self.level.into()));
        out.push(' ');
        out.push_str(&self.title);
        match style {
            SkeletonStyle::Plain if !self.body.is_empty() => {
                out.push_str("\n\n");
                out.push_str(&self.body);
            }
            SkeletonStyle::Plain => {}
            SkeletonStyle::Snippet => {
                let required = || self.subsections.iter().any(|s| s.kind == SectionKind::Required);
                // A section made only of subsections needs no stop of its own.
                if !self.body.is_empty() || !required() {
                    *tab_stops += 1;
                    out.push_str("\n\n");
                    if self.body.is_empty() {
                        out.push_str(&format!("${tab_stops}"));
                    } else {
                        out.push_str(&format!("${{{tab_stops}:{}}}", escape_snippet(&self.body)));
                    }
                }
            }
        }
        for sub in self
            .subsections
            .iter()
            .filter(|s| s.kind == SectionKind::Required)
        {
            out.push_str("\n\n");
            sub.write_skeleton(style, tab_stops, out);
        }
    }
}

/// Text as it must be written inside an LSP snippet placeholder: `$`, `}` and `\`
/// escaped with a backslash.
pub fn escape_snippet(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '$' | '}' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn classify(title: &str) -> (SectionKind, String) {
    if let Some(family) = example_family(title) {
        return (SectionKind::Example, family);
    }
    let lower = title.to_lowercase();
    if lower.contains("(if applicable)") || lower.contains("(optional)") {
        return (SectionKind::Optional, heading_key(title));
    }
    (SectionKind::Required, heading_key(title))
}

/// How headings are compared: case and spacing ignored, an "(if applicable)" or
/// "(optional)" mark and a trailing colon dropped.
pub fn heading_key(title: &str) -> String {
    // Most headings are plain ASCII words with single spaces: their key is their
    // lowercase (checks and completion compare thousands of headings a request).
    let plain = title
        .bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'(' && b != b':')
        && !title.contains("  ")
        && title.trim() == title;
    if plain {
        return title.to_ascii_lowercase();
    }
    let lower = title.to_lowercase();
    let without_marks = lower.replace("(if applicable)", "").replace("(optional)", "");
    collapse_whitespace(&without_marks)
        .trim_end_matches(':')
        .trim()
        .to_string()
}

/// The family of an example heading ("alternative" for "Alternative 2: Kafka"), or
/// `None` for a heading that is not an example. A heading holding a placeholder is an
/// example of the family of its other words.
pub fn example_family(title: &str) -> Option<String> {
    let head = title.split([':', '(']).next().unwrap_or(title).trim();
    let words: Vec<&str> = head.split_whitespace().collect();
    if let [family @ .., last] = words.as_slice() {
        let numbered = last.chars().all(|c| c.is_ascii_digit());
        let lettered = last.len() == 1 && last.chars().all(|c| c.is_ascii_uppercase());
        if !family.is_empty() && (numbered || lettered) {
            return Some(family.join(" ").to_lowercase());
        }
    }
    if has_placeholder(title) {
        let rest = strip_placeholders(title);
        return Some(
            collapse_whitespace(&rest.to_lowercase())
                .trim_end_matches(':')
                .trim()
                .to_string(),
        );
    }
    None
}

/// `[Text]` or `{{NAME}}` inside a heading or value.
pub fn has_placeholder(text: &str) -> bool {
    placeholder_ranges(text).next().is_some()
}

fn strip_placeholders(text: &str) -> String {
    let mut out = String::new();
    let mut last = 0;
    for range in placeholder_ranges(text) {
        out.push_str(&text[last..range.start]);
        last = range.end;
    }
    out.push_str(&text[last..]);
    out
}

/// The byte ranges of `{{NAME}}` and `[Some text]` placeholders in `text`.
pub fn placeholder_ranges(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < text.len() {
            let rest = &text[at..];
            let start = at + rest.find(['{', '['])?;
            let after = &text[start..];
            let close = if after.starts_with("{{") {
                "}}"
            } else if after.starts_with('[') {
                "]"
            } else {
                ""
            };
            if close.is_empty() {
                at = start + 1;
                continue;
            }
            let open_len = if close == "}}" { 2 } else { 1 };
            match after[open_len..].find(close) {
                Some(inner_len) => {
                    let inner = &after[open_len..open_len + inner_len];
                    let end = start + open_len + inner_len + close.len();
                    at = end;
                    let is_placeholder = if close == "}}" {
                        !inner.is_empty()
                            && inner
                                .chars()
                                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                    } else {
                        // `[x]` is a checkbox, `[1]` a citation: template text has words.
                        inner.chars().filter(|c| c.is_alphabetic()).count() >= 2
                            && !inner.contains(['[', ']'])
                    };
                    if is_placeholder {
                        return Some(start..end);
                    }
                }
                None => at = text.len(),
            }
        }
        None
    })
}

pub fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_and_optional_headings_are_recognised() {
        assert_eq!(example_family("Alternative 1"), Some("alternative".into()));
        assert_eq!(
            example_family("Alternative 2: [Name]"),
            Some("alternative".into())
        );
        assert_eq!(
            example_family("Phase 1: Foundation (Week 1)"),
            Some("phase".into())
        );
        assert_eq!(example_family("Component A"), Some("component".into()));
        assert_eq!(example_family("Appendix B: Research"), Some("appendix".into()));
        assert_eq!(
            example_family("Endpoint 1: POST /api/resource"),
            Some("endpoint".into())
        );
        assert_eq!(example_family("[Specification Title]"), Some("".into()));
        assert_eq!(example_family("Overview"), None);
        assert_eq!(example_family("Non-Functional Requirements"), None);
        assert_eq!(example_family("Step 2FA"), None);
        assert_eq!(
            classify("UI/UX (if applicable)"),
            (SectionKind::Optional, "ui/ux".into())
        );
        assert_eq!(heading_key("  Data   Models: "), "data models");
        assert_eq!(heading_key("Data Models"), "data models");
        assert_eq!(heading_key("UI/UX (Optional)"), "ui/ux");
    }

    #[test]
    fn snippet_text_is_escaped() {
        assert_eq!(escape_snippet(r"a $x {y} \ z"), r"a \$x {y\} \\ z");
    }

    #[test]
    fn skeletons_hold_required_subsections_only() {
        let schema = TemplateSchema::derive(
            "t",
            "## Plan\n\nSay $how.\n\n### Steps\n\nList them.\n\n### Extra (optional)\n\nMore.\n\n### Phase 1\n\nOne.\n",
        );
        let rule = &schema.sections[0];
        assert_eq!(
            rule.skeleton(SkeletonStyle::Plain),
            "## Plan\n\nSay $how.\n\n### Steps\n\nList them."
        );
        assert_eq!(
            rule.skeleton(SkeletonStyle::Snippet),
            "## Plan\n\n${1:Say \\$how.}\n\n### Steps\n\n${2:List them.}"
        );
    }

    #[test]
    fn placeholders_in_text() {
        let text = "owner {{OWNER}} and [Your Name] but not [ ] or [1] or {{lower}}";
        let found: Vec<&str> = placeholder_ranges(text).map(|r| &text[r]).collect();
        assert_eq!(found, vec!["{{OWNER}}", "[Your Name]"]);
    }
}
