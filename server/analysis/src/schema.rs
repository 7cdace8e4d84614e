//! Template schemas, derived from a template's Markdown: its H2 headings are required
//! sections and its H3 headings required subsections of their H2, in order (a template
//! with several H1 headings has H1 sections and H2 subsections); a heading marked
//! "(if applicable)", "(optional)" or "[optional]", or with an HTML comment right above
//! or under it that says it is optional, is optional; a heading that holds a
//! placeholder or numbers an example ("Alternative 1", "Phase 2: ...", "Component A",
//! "Appendix B: ...") is an example that may repeat and is never required. The
//! template's frontmatter keys are the required fields but for those a YAML comment
//! calls optional, and each section's guidance is its HTML comments, or its own text
//! when it has none: a spec section still holding only that is empty.

use std::ops::Range;

use specls_syntax::{Document, Frontmatter, Heading, ReferenceKind, SpecModel};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateSchema {
    pub name: String,
    pub sections: Vec<SectionRule>,
    /// The heading level of sections: 2, or 1 when the template has several H1 headings.
    pub section_level: u8,
    /// Frontmatter keys, in template order.
    pub fields: Vec<String>,
    /// The keys among `fields` that a YAML comment on their line, or on a line above
    /// their group of keys, calls optional.
    pub optional_fields: Vec<String>,
    /// The template's own placeholder texts (`[Your Name]`, `{title of option 1}`,
    /// `<EIP title>`, `{{OWNER}}`), sorted and each once: what a spec must not keep.
    pub placeholders: Vec<String>,
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
    /// What the template says to the writer in the section's own part (before its
    /// first subsection), white space collapsed: its HTML comments in a template that
    /// guides in comments (the text outside them is boilerplate a spec keeps, such as a
    /// licence line), else its whole text.
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
        let section_level = template_section_level(&model.headings);
        let sections = rules_at_level(&document, &model, &model.headings, section_level, section_level);
        let optional_fields = model
            .frontmatter
            .as_ref()
            .map(|fm| optional_fields(&document, fm))
            .unwrap_or_default();
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
            section_level,
            sections,
            fields,
            optional_fields,
            placeholders: template_placeholders(text, &model),
            field_examples,
            example_links,
            source: text.to_string(),
        }
    }

    /// Whether a template field must be present in a spec.
    pub fn field_is_required(&self, key: &str) -> bool {
        self.fields.iter().any(|field| field == key) && !self.optional_fields.iter().any(|field| field == key)
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

    /// The level at which a spec's sections are: 1 when the template's are. Else, by the
    /// headings' shape, 1 when it has several H1 headings and no H2, 2, or the first level
    /// below it that it uses when it has no H2 (an old EIP written in H3 throughout);
    /// unless another level holds more of the template's sections (at least two): an EIP
    /// in `#` sections beside one stray `##` subsection, or in `###` beside a
    /// `## References`.
    /// `keys` holds each heading's [`heading_key`].
    pub fn section_level_of(&self, headings: &[Heading], keys: &[String]) -> u8 {
        if self.section_level == 1 {
            return 1;
        }
        let (mut headings_at, mut sections_at) = ([0usize; 7], [0usize; 7]);
        for (heading, key) in headings.iter().zip(keys).filter(|(h, _)| h.top_level) {
            let level = usize::from(heading.level.clamp(1, 6));
            headings_at[level] += 1;
            if Self::find_keyed(&self.sections, &heading.title, key).is_some() {
                sections_at[level] += 1;
            }
        }
        let by_shape = if headings_at[1] >= 2 && headings_at[2] == 0 {
            1
        } else if headings_at[2] == 0 {
            (3..=6).find(|&level| headings_at[level] > 0).unwrap_or(2)
        } else {
            2
        };
        // The shallowest of the levels with the most sections.
        let most = (1..=6)
            .rev()
            .max_by_key(|&level| sections_at[level])
            .unwrap_or(by_shape);
        let level = if sections_at[most] > sections_at[by_shape].max(1) {
            most
        } else {
            by_shape
        };
        level as u8
    }

    /// The rule a spec heading of this level matches, with its index among its siblings.
    pub fn find<'a>(rules: &'a [SectionRule], title: &str) -> Option<(usize, &'a SectionRule)> {
        Self::find_keyed(rules, title, &heading_key(title))
    }

    /// [`TemplateSchema::find`] with the title's [`heading_key`] already made.
    pub fn find_keyed<'a>(
        rules: &'a [SectionRule],
        title: &str,
        key: &str,
    ) -> Option<(usize, &'a SectionRule)> {
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

/// The level at which a template's sections are: 2 (under an H1 title), or 1 when it has
/// several H1 headings.
fn template_section_level(headings: &[Heading]) -> u8 {
    let h1 = headings.iter().filter(|h| h.level == 1 && h.top_level).count();
    if h1 >= 2 { 1 } else { 2 }
}

/// The headings of `level` directly under the given heading list (which holds a
/// section's descendants), each with its own subsections one level down.
fn rules_at_level(
    document: &Document,
    model: &SpecModel,
    headings: &[Heading],
    level: u8,
    section_level: u8,
) -> Vec<SectionRule> {
    let mut rules = Vec::new();
    let has_subsections = level == section_level;
    // A template that guides in HTML comments keeps its other text as boilerplate.
    let guides_in_comments = model.code_blocks.iter().any(|block| is_comment(document, block));
    for (index, heading) in headings.iter().enumerate() {
        if heading.level != level || !heading.top_level {
            continue;
        }
        let descendants: Vec<Heading> = headings[index + 1..]
            .iter()
            .take_while(|h| h.level > level)
            .cloned()
            .collect();
        let subsections = if has_subsections {
            rules_at_level(document, model, &descendants, level + 1, section_level)
        } else {
            Vec::new()
        };
        let own_end = descendants
            .iter()
            .find(|h| h.level == level + 1 && has_subsections)
            .map_or(heading.section_range.end, |h| h.range.start);
        let own = heading.range.end..own_end.max(heading.range.end);
        let own_text = document.slice(own.clone());
        let comments: Vec<String> = comments_in(document, model, &own)
            .map(|range| document.slice(range))
            .collect();
        let guidance = if !comments.is_empty() {
            collapse_whitespace(&comments.join(" "))
        } else if guides_in_comments {
            String::new()
        } else {
            collapse_whitespace(&own_text)
        };
        let (mut kind, key) = classify(&heading.title);
        if kind == SectionKind::Required && marked_optional_by_comment(document, model, heading, &own) {
            kind = SectionKind::Optional;
        }
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

/// The template keys that a YAML comment calls optional: one at the end of the key's
/// line (`category: <Core> # Only required for Standards Track.`), or a comment line
/// above a group of keys (`# optional`), which holds until the next blank line.
fn optional_fields(document: &Document, frontmatter: &Frontmatter) -> Vec<String> {
    let says_optional = |comment: &str| {
        let comment = comment.to_lowercase();
        ["optional", "only required", "if applicable", "not required"]
            .iter()
            .any(|phrase| comment.contains(phrase))
    };
    let yaml = document.slice(frontmatter.content_range.clone());
    let base = frontmatter.content_range.start;
    let mut optional = Vec::new();
    let mut group_optional = false;
    let mut line_start = base;
    for line in yaml.split_inclusive('\n') {
        let line_range = line_start..line_start + line.len();
        line_start = line_range.end;
        let trimmed = line.trim();
        if trimmed.is_empty() {
            group_optional = false;
            continue;
        }
        if let Some(comment) = trimmed.strip_prefix('#') {
            group_optional = says_optional(comment);
            continue;
        }
        let Some(field) = frontmatter
            .fields
            .iter()
            .find(|f| line_range.contains(&f.key_range.start))
        else {
            continue;
        };
        let after_value = field.value.range().map_or(field.key_range.end, |r| r.end);
        let trailing = document.slice(after_value.min(line_range.end)..line_range.end);
        let commented = trailing.trim_start().strip_prefix('#').is_some_and(says_optional);
        if group_optional || commented {
            optional.push(field.key.clone());
        }
    }
    optional
}

/// The placeholder texts a template holds outside code: `[Bracketed words]`,
/// `{braced words}`, `{{NAME}}` and `<angle bracket words>`, in its frontmatter values
/// and its text.
fn template_placeholders(text: &str, model: &SpecModel) -> Vec<String> {
    let in_code = |at: usize| {
        model
            .code_blocks
            .iter()
            .any(|block| block.contains(&at) && !text[block.clone()].starts_with("<!--"))
    };
    let mut found: Vec<String> = placeholder_ranges(text)
        .chain(braced_and_angled(text))
        .filter(|range| {
            !in_code(range.start)
                || model
                    .frontmatter
                    .as_ref()
                    .is_some_and(|fm| fm.range.contains(&range.start))
        })
        .map(|range| text[range].to_string())
        .filter(|placeholder| !placeholder.contains('\n'))
        .collect();
    found.sort();
    found.dedup();
    found
}

/// `{words}` and `<words>` spans of template text: at least two letters, no markup
/// inside, and for angle brackets a space (so that `<br>` or `<details>` are tags).
pub fn braced_and_angled(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        while let Some(found) = text[at..].find(['{', '<']) {
            let start = at + found;
            let (open, close) = if text[start..].starts_with('{') {
                ('{', '}')
            } else {
                ('<', '>')
            };
            at = start + 1;
            if open == '{' && (text[start..].starts_with("{{") || start > 0 && text[..start].ends_with('{')) {
                continue;
            }
            let Some(length) = text[start + 1..].find([close, open, '\n']) else {
                continue;
            };
            let inner = &text[start + 1..start + 1 + length];
            if !text[start + 1 + length..].starts_with(close) {
                continue;
            }
            let words = inner.chars().filter(|c| c.is_alphabetic()).count() >= 2;
            let spaced = open == '{' || inner.contains(' ');
            let markup =
                inner.contains(['<', '>', '{', '}', '[', ']', '=', '/', '"']) || inner.starts_with('!');
            if words && spaced && !markup {
                at = start + length + 2;
                return Some(start..at);
            }
        }
        None
    })
}

impl SectionRule {
    /// What is inserted for a missing section: its heading, its own text from the
    /// template, and its required subsections, each the same way. Optional and example
    /// subsections are left out: the writer adds them when they apply.
    pub fn skeleton(&self, style: SkeletonStyle) -> String {
        self.skeleton_at(style, self.level)
    }

    /// The skeleton with its heading at `level` and its subsections below it: for a spec
    /// that keeps its sections at another level than its template.
    pub fn skeleton_at(&self, style: SkeletonStyle, level: u8) -> String {
        let mut out = String::new();
        let mut tab_stops = 0;
        let shift = i16::from(level) - i16::from(self.level);
        self.write_skeleton(style, shift, &mut tab_stops, &mut out);
        out
    }

    fn write_skeleton(&self, style: SkeletonStyle, shift: i16, tab_stops: &mut usize, out: &mut String) {
        let level = (i16::from(self.level) + shift).clamp(1, 6) as usize;
        out.push_str(&"#".repeat(level));
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
            sub.write_skeleton(style, shift, tab_stops, out);
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

/// The marks with which a heading says its section is optional.
const OPTIONAL_MARKS: &[&str] = &["(if applicable)", "[if applicable]", "(optional)", "[optional]"];

fn classify(title: &str) -> (SectionKind, String) {
    if let Some(family) = example_family(title) {
        return (SectionKind::Example, family);
    }
    let lower = title.to_lowercase();
    if OPTIONAL_MARKS.iter().any(|mark| lower.contains(mark)) {
        return (SectionKind::Optional, heading_key(title));
    }
    (SectionKind::Required, heading_key(title))
}

/// Whether an HTML comment right under the heading (the first thing in its section) or
/// right above it (only blank lines between) says the section is optional, as MADR's
/// `<!-- This is an optional element. -->` and the EIP template's "This section is
/// optional." do.
fn marked_optional_by_comment(
    document: &Document,
    model: &SpecModel,
    heading: &Heading,
    own: &Range<usize>,
) -> bool {
    let says_optional = |range: Range<usize>| {
        let text = collapse_whitespace(&document.slice(range).to_lowercase());
        let inner = text.trim_start_matches("<!--").trim();
        inner.starts_with("optional")
            || [
                "is optional",
                "optional element",
                "optional section",
                "optional subsection",
            ]
            .iter()
            .any(|phrase| inner.contains(phrase))
    };
    let blank = |range: Range<usize>| document.slice(range).trim().is_empty();
    let under = comments_in(document, model, own)
        .next()
        .filter(|c| blank(own.start..c.start));
    // A comment above the heading that is the first thing under the heading before it
    // is that one's.
    let previous_heading_end = model
        .headings
        .iter()
        .rfind(|h| h.range.end <= heading.range.start)
        .map_or(0, |h| h.range.end);
    let above = model
        .code_blocks
        .iter()
        .rfind(|block| block.end <= heading.range.start && is_comment(document, block))
        .filter(|block| blank(block.end..heading.range.start))
        .filter(|block| block.start >= previous_heading_end && !blank(previous_heading_end..block.start));
    under.into_iter().chain(above.cloned()).any(says_optional)
}

fn is_comment(document: &Document, block: &Range<usize>) -> bool {
    let start = block.start;
    document.slice(start..(start + 4).min(block.end)) == "<!--"
}

/// The HTML comment blocks that start inside `range`.
fn comments_in<'a>(
    document: &'a Document,
    model: &'a SpecModel,
    range: &Range<usize>,
) -> impl Iterator<Item = Range<usize>> + 'a {
    let range = range.clone();
    model
        .code_blocks
        .iter()
        .filter(move |block| range.start <= block.start && block.start < range.end)
        .filter(|block| is_comment(document, block))
        .cloned()
}

/// How headings are compared: case, emphasis and code markup, `-`, `_` and spacing
/// ignored, leading numbering (`1.`, `1.2`, `A.`), trailing punctuation and marks such
/// as "(optional)" or "(if applicable)" dropped.
pub fn heading_key(title: &str) -> String {
    // Most headings are plain words with single spaces: their key is their lowercase
    // (checks and completion compare thousands of headings a request).
    let bytes = title.as_bytes();
    let plain = bytes.iter().all(|&b| b.is_ascii_alphabetic() || b == b' ')
        && !bytes.windows(2).any(|pair| pair == b"  ")
        && bytes.first() != Some(&b' ')
        && bytes.last() != Some(&b' ');
    if plain {
        return title.to_ascii_lowercase();
    }
    let mut key = title.to_lowercase();
    for mark in OPTIONAL_MARKS {
        key = key.replace(mark, " ");
    }
    // spec-kit's specs keep the mark their template gave the heading.
    key = key.replace(crate::trace::template::MANDATORY_MARK, " ");
    let key: String = key
        .chars()
        .filter(|c| !matches!(c, '*' | '`'))
        .map(|c| if matches!(c, '-' | '_') { ' ' } else { c })
        .collect();
    let key = collapse_whitespace(&key);
    let key = without_numbering(&key);
    key.trim_end_matches(|c: char| matches!(c, ':' | '.' | '?' | '!') || c.is_whitespace())
        .to_string()
}

/// `overview` of `1. overview`, `1.2 overview`, `a. overview`, `iv. overview`; a
/// heading that is only a number keeps it.
fn without_numbering(key: &str) -> &str {
    let Some((first, rest)) = key.split_once(' ') else {
        return key;
    };
    let numbered = first.trim_end_matches(['.', ')']);
    let is_number = !numbered.is_empty()
        && numbered
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
    let is_letter =
        first.len() == 2 && first.ends_with(['.', ')']) && first.as_bytes()[0].is_ascii_lowercase();
    let is_roman =
        first.ends_with('.') && numbered.len() > 1 && numbered.bytes().all(|b| b"ivxlc".contains(&b));
    if is_number || is_letter || is_roman {
        rest
    } else {
        key
    }
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
