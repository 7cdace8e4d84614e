//! Diagnostics of one document against its template, with their quick fixes.
//! Codes are stable strings users configure and script against.

use std::ops::Range;
use std::path::Path;

use specls_syntax::ropey::Rope;
use specls_syntax::{Document, FieldValue, Heading, ReferenceKind, SpecModel};

use crate::config::{FieldType, Settings, SeverityLevel, Template, over_size_limit};
use crate::schema::{
    SectionKind, SectionRule, SkeletonStyle, TemplateSchema, heading_key, placeholder_ranges,
};
use crate::trace::SetTemplate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    MissingSection,
    SectionOrder,
    DuplicateSection,
    EmptySection,
    MissingField,
    InvalidValue,
    InvalidDate,
    UnfilledPlaceholder,
    FrontmatterSyntax,
    UnknownReference,
    BrokenLink,
    DuplicateId,
    DependencyCycle,
    DependencyStatus,
    SupersedesMismatch,
    /// A file that was not analysed: too large, or not a regular file.
    SkippedFile,
    /// A file that is not UTF-8.
    Encoding,
    /// Block quotes or list items nested past the cap, read as text.
    NestingLimit,
    UncoveredRequirement,
    UnknownRequirement,
    DuplicateRequirement,
    NeedsClarification,
    UnknownTask,
    TaskCycle,
    TaskStatus,
    EarsForm,
}

/// The one list of diagnostic codes: each code's stable name (what users configure and
/// script against) and what it means, in the order every list of codes shows them. The
/// editor packages and the configuration schema are tested against it
/// (`tests/code_lists.rs`), so a new code fails until each of them has it.
const CODES: &[(Code, &str, &str)] = &[
    (
        Code::MissingSection,
        "missing-section",
        "A required section or subsection of the template is absent.",
    ),
    (
        Code::SectionOrder,
        "section-order",
        "Sections are present but not in template order.",
    ),
    (
        Code::DuplicateSection,
        "duplicate-section",
        "A non-repeatable section appears twice.",
    ),
    (
        Code::EmptySection,
        "empty-section",
        "A required section holds nothing beyond its heading or the template's text.",
    ),
    (
        Code::MissingField,
        "missing-field",
        "A required frontmatter key is absent.",
    ),
    (
        Code::InvalidValue,
        "invalid-value",
        "A `status`/`priority` (or configured) value is outside the allowed set.",
    ),
    (
        Code::InvalidDate,
        "invalid-date",
        "A date field is not `YYYY-MM-DD`.",
    ),
    (
        Code::UnfilledPlaceholder,
        "unfilled-placeholder",
        "Template placeholder text is left in the spec.",
    ),
    (
        Code::FrontmatterSyntax,
        "frontmatter-syntax",
        "The YAML frontmatter does not parse.",
    ),
    (
        Code::UnknownReference,
        "unknown-reference",
        "A spec id that no spec in the workspace defines.",
    ),
    (
        Code::BrokenLink,
        "broken-link",
        "A relative link to a missing file, or an anchor that no heading has.",
    ),
    (
        Code::DuplicateId,
        "duplicate-id",
        "Two specs define the same `spec-id`.",
    ),
    (
        Code::DependencyCycle,
        "dependency-cycle",
        "`depends-on` chains form a cycle.",
    ),
    (
        Code::DependencyStatus,
        "dependency-status",
        "An approved or implemented spec depends on a draft, deprecated or rejected one.",
    ),
    (
        Code::SupersedesMismatch,
        "supersedes-mismatch",
        "A `supersedes` or `superseded-by` entry that the other spec does not list back.",
    ),
    (
        Code::SkippedFile,
        "skipped-file",
        "A file that was not analysed: over the size limit, or not a regular file.",
    ),
    (
        Code::Encoding,
        "encoding",
        "A file that is not UTF-8: it is not read as Markdown.",
    ),
    (
        Code::NestingLimit,
        "nesting-limit",
        "Block quotes or list items nest deeper than specls reads them (100 levels).",
    ),
    (
        Code::UncoveredRequirement,
        "uncovered-requirement",
        "A requirement or user story of a spec set that no task cites.",
    ),
    (
        Code::UnknownRequirement,
        "unknown-requirement",
        "A task or design property cites a requirement id that no file of its spec set defines.",
    ),
    (
        Code::DuplicateRequirement,
        "duplicate-requirement",
        "A requirement, criterion, story or task id is defined twice in a spec set.",
    ),
    (
        Code::NeedsClarification,
        "needs-clarification",
        "A `[NEEDS CLARIFICATION: …]` marker is left in a spec set.",
    ),
    (
        Code::UnknownTask,
        "unknown-task",
        "A task depends on a task id that its spec set does not define.",
    ),
    (
        Code::TaskCycle,
        "task-cycle",
        "Task dependencies form a cycle (message shows it).",
    ),
    (
        Code::TaskStatus,
        "task-status",
        "A task is marked done while a task it depends on is not.",
    ),
    (
        Code::EarsForm,
        "ears-form",
        "A Kiro acceptance criterion is not in EARS form (off unless configured).",
    ),
];

impl Code {
    /// Every code, in the order of the list above.
    pub fn all() -> impl Iterator<Item = Code> {
        CODES.iter().map(|(code, ..)| *code)
    }

    pub fn name(self) -> &'static str {
        self.info().1
    }

    /// What the code means, in one sentence.
    pub fn summary(self) -> &'static str {
        self.info().2
    }

    fn info(self) -> &'static (Code, &'static str, &'static str) {
        CODES
            .iter()
            .find(|(code, ..)| *code == self)
            .expect("every code is in CODES")
    }

    pub fn from_name(name: &str) -> Option<Code> {
        CODES.iter().find(|(_, n, _)| *n == name).map(|(code, ..)| *code)
    }

    pub fn names() -> Vec<&'static str> {
        CODES.iter().map(|(_, name, _)| *name).collect()
    }

    /// Whether the code reports nothing until a configuration or an editor sets its
    /// severity (its [`Code::default_severity`] is then what SARIF shows).
    pub fn off_by_default(self) -> bool {
        self == Code::EarsForm
    }

    pub fn default_severity(self) -> Severity {
        match self {
            Code::InvalidValue
            | Code::InvalidDate
            | Code::FrontmatterSyntax
            | Code::DuplicateId
            | Code::DuplicateRequirement
            | Code::Encoding => Severity::Error,
            Code::EmptySection | Code::EarsForm => Severity::Information,
            Code::DependencyStatus => Severity::Hint,
            _ => Severity::Warning,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    pub fn from_level(level: SeverityLevel) -> Option<Severity> {
        match level {
            SeverityLevel::Error => Some(Severity::Error),
            SeverityLevel::Warning => Some(Severity::Warning),
            SeverityLevel::Information => Some(Severity::Information),
            SeverityLevel::Hint => Some(Severity::Hint),
            SeverityLevel::Off => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
            Severity::Hint => "hint",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEdit {
    pub range: Range<usize>,
    pub new_text: String,
}

/// A quick fix: edits of the document that remove the diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<TextEdit>,
    /// Whether `specls check --fix` may apply it unseen: the edit is what the author
    /// meant beyond doubt (a skeleton of a missing section, today's date, a value that
    /// differs from an allowed one by case or a typo). An editor offers every fix.
    pub safe: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub range: Range<usize>,
    pub message: String,
    /// The template the spec was checked against.
    pub template: Option<String>,
    pub fix: Option<Fix>,
    /// Other places that explain the finding (the other definition of a duplicate id).
    pub related: Vec<Related>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub path: std::path::PathBuf,
    pub range: Range<usize>,
    pub message: String,
}

/// What a check needs besides the document.
pub struct CheckContext<'a> {
    /// The file's path, for template and spec globs; `None` for unsaved documents.
    pub path: Option<&'a Path>,
    pub settings: &'a Settings,
    /// Today as `YYYY-MM-DD`, for the fix that fills `updated`.
    pub today: &'a str,
    /// The repository's own template of a spec-kit set's file
    /// (`.specify/templates/spec-template.md`), when it has one.
    pub set_template: Option<&'a SetTemplate>,
}

/// The diagnostics of one open document. Markdown files that are not specs get none.
pub fn check(document: &Document, context: &CheckContext<'_>) -> Vec<Diagnostic> {
    if !document.is_analysed() {
        return not_analysed(document, context);
    }
    check_model(document.rope(), &document.model(), context)
}

/// An open document over the size limit: one notice that says so, whatever it holds.
fn not_analysed(document: &Document, context: &CheckContext<'_>) -> Vec<Diagnostic> {
    let message = format!(
        "not analysed: {} for a document (limits.max-file-size); its text is kept as you \
         edit it, and it is checked again once it is under the limit",
        over_size_limit(document.len() as u64, document.limit() as u64),
    );
    context
        .settings
        .severity(Code::SkippedFile)
        .map(|severity| Diagnostic {
            code: Code::SkippedFile,
            severity,
            range: 0..0,
            message,
            template: None,
            fix: None,
            related: Vec::new(),
        })
        .into_iter()
        .collect()
}

/// The diagnostics of a text and its model, however the model was read (the tree-sitter
/// reader for open documents, the fast reader for files on disk).
pub fn check_model(text: &Rope, model: &SpecModel, context: &CheckContext<'_>) -> Vec<Diagnostic> {
    let settings = context.settings;
    if !settings.is_spec(context.path, model) {
        return match context.set_template {
            Some(set_template) if context.path.and_then(crate::trace::set_of).is_some() => {
                mandatory_sections(text, model, context, set_template)
            }
            _ => Vec::new(),
        };
    }
    let mut checker = Checker {
        text,
        model,
        context,
        template: None,
        only_missing: false,
        out: Vec::new(),
        heading_keys: Default::default(),
    };
    checker.check_frontmatter_syntax();
    match settings.select_template(context.path, model) {
        Ok(template) => {
            checker.template = Some(template);
            let stub = template.is_stub(model);
            checker.check_fields(template, stub);
            if !stub {
                checker.check_sections(&template.schema);
            }
        }
        Err(unknown) => checker.unknown_template(&unknown),
    }
    checker.check_body_placeholders();
    checker.check_nesting();
    let mut diagnostics = checker.out;
    diagnostics.sort_by_key(|d| (d.range.start, d.range.end, d.code));
    diagnostics
}

/// A set's file against its repository's template: the mandatory sections it lacks,
/// nothing else (order, duplicates and empty sections are the writer's business in a
/// template that suggests more than it requires).
fn mandatory_sections(
    text: &Rope,
    model: &SpecModel,
    context: &CheckContext<'_>,
    set_template: &SetTemplate,
) -> Vec<Diagnostic> {
    let mut checker = Checker {
        text,
        model,
        context,
        template: None,
        only_missing: true,
        out: Vec::new(),
        heading_keys: Default::default(),
    };
    checker.check_sections(&set_template.schema);
    let mut diagnostics = checker.out;
    diagnostics.sort_by_key(|d| (d.range.start, d.range.end, d.code));
    diagnostics
}

struct Checker<'a> {
    text: &'a Rope,
    model: &'a SpecModel,
    context: &'a CheckContext<'a>,
    template: Option<&'a Template>,
    /// Only `missing-section` is reported.
    only_missing: bool,
    out: Vec<Diagnostic>,
    /// Each heading's `heading_key`, made once per check: the section level and every
    /// missing section's search at other levels read them.
    heading_keys: std::cell::OnceCell<Vec<String>>,
}

impl Checker<'_> {
    fn push(&mut self, code: Code, range: Range<usize>, message: String, fix: Option<Fix>) {
        if self.only_missing && code != Code::MissingSection {
            return;
        }
        let Some(severity) = self.context.settings.severity(code) else {
            return;
        };
        self.out.push(Diagnostic {
            code,
            severity,
            range,
            message,
            template: self.template.map(|t| t.name().to_string()),
            fix,
            related: Vec::new(),
        });
    }

    fn text(&self, range: Range<usize>) -> String {
        let end = range.end.min(self.text.len_bytes());
        self.text.byte_slice(range.start.min(end)..end).to_string()
    }

    /// Where file-level findings are shown: the opening `---`, or the first line.
    fn top_range(&self) -> Range<usize> {
        match &self.model.frontmatter {
            Some(frontmatter) => frontmatter.range.start..frontmatter.range.start + 3,
            None => 0..self.text.line(0).len_bytes(),
        }
    }

    fn check_frontmatter_syntax(&mut self) {
        if let Some(error) = self.model.frontmatter.as_ref().and_then(|fm| fm.error.clone()) {
            self.push(
                Code::FrontmatterSyntax,
                error.range,
                if error
                    .message
                    .starts_with(specls_syntax::frontmatter::BUDGET_PREFIX)
                {
                    format!("frontmatter {}", error.message)
                } else {
                    format!("frontmatter is not valid YAML: {}", error.message)
                },
                None,
            );
        }
    }

    fn unknown_template(&mut self, name: &str) {
        let range = self
            .model
            .frontmatter
            .as_ref()
            .and_then(|fm| fm.field("template"))
            .and_then(|field| field.value.range())
            .unwrap_or_else(|| self.top_range());
        let known: Vec<&str> = self.context.settings.templates.iter().map(|t| t.name()).collect();
        self.push(
            Code::InvalidValue,
            range,
            format!("unknown template `{name}`; templates are {}", known.join(", ")),
            None,
        );
    }

    /// Required fields (not of a stub), and the values of those present.
    fn check_fields(&mut self, template: &Template, stub: bool) {
        let model = self.model;
        let frontmatter = model.frontmatter.as_ref();
        // Broken YAML hides fields that are there: report the syntax error alone.
        let readable = frontmatter.is_none_or(|fm| fm.error.is_none());
        for key in template.required_fields().filter(|_| readable && !stub) {
            if frontmatter.and_then(|fm| fm.field(key)).is_none() {
                self.push(
                    Code::MissingField,
                    self.top_range(),
                    format!("missing frontmatter field `{key}` (template {})", template.name()),
                    None,
                );
            }
        }
        let Some(frontmatter) = frontmatter else { return };
        for field in &frontmatter.fields {
            let Some(value_range) = field.value.range() else {
                continue;
            };
            let raw = self.text(value_range.clone());
            let placeholders = value_placeholders(&raw, &template.schema.placeholders);
            if !placeholders.is_empty() {
                for local in placeholders {
                    let range = value_range.start + local.start..value_range.start + local.end;
                    let fix = (field.key == "updated").then(|| self.today_fix(value_range.clone()));
                    let found = self.text(range.clone());
                    self.push(
                        Code::UnfilledPlaceholder,
                        range,
                        format!("`{}` still holds the template placeholder `{found}`", field.key),
                        fix,
                    );
                }
                continue;
            }
            let rule = template.fields.get(&field.key);
            let kind = rule
                .and_then(|rule| rule.kind)
                .or_else(|| matches!(field.key.as_str(), "created" | "updated").then_some(FieldType::Date));
            if let (Some((pattern, source)), FieldValue::Scalar(scalar)) =
                (rule.and_then(|rule| rule.pattern.as_ref()), &field.value)
                && !pattern.is_match(&scalar.text)
            {
                self.push(
                    Code::InvalidValue,
                    scalar.range.clone(),
                    format!(
                        "`{}` is not a valid {}: it must match `{source}`",
                        scalar.text, field.key
                    ),
                    None,
                );
                continue;
            }
            let shape = match (kind, &field.value) {
                (Some(FieldType::Number), FieldValue::Scalar(scalar))
                    if scalar.text.parse::<i64>().is_err() =>
                {
                    Some((scalar, "a number"))
                }
                (Some(FieldType::List), FieldValue::Scalar(scalar)) => Some((scalar, "a list")),
                _ => None,
            };
            if let Some((scalar, shape)) = shape {
                self.push(
                    Code::InvalidValue,
                    scalar.range.clone(),
                    format!(
                        "`{}` is not a valid {}: it must be {shape}",
                        scalar.text, field.key
                    ),
                    None,
                );
                continue;
            }
            match (&field.value, field.key.as_str()) {
                (FieldValue::Scalar(scalar), _) if kind == Some(FieldType::Date) => {
                    if !is_valid_date(&scalar.text) {
                        let fix = (field.key == "updated").then(|| self.today_fix(scalar.range.clone()));
                        self.push(
                            Code::InvalidDate,
                            scalar.range.clone(),
                            format!(
                                "`{}` is not a date: write YYYY-MM-DD, e.g. {}",
                                scalar.text, self.context.today
                            ),
                            fix,
                        );
                    }
                }
                (FieldValue::Scalar(scalar), key) if key == self.context.settings.id_field => {
                    if !self.context.settings.id_pattern.is_match(&scalar.text) {
                        self.push(
                            Code::InvalidValue,
                            scalar.range.clone(),
                            format!(
                                "`{}` is not a spec id: ids match `{}`",
                                scalar.text, self.context.settings.id_pattern_source
                            ),
                            None,
                        );
                    }
                }
                (value, key) => self.check_allowed_value(template, key, value),
            }
        }
    }

    fn check_allowed_value(&mut self, template: &Template, key: &str, value: &FieldValue) {
        let Some(allowed) = self.context.settings.allowed_values_in(template, key) else {
            return;
        };
        let (text, range) = match value {
            FieldValue::Scalar(scalar) => (scalar.text.clone(), scalar.range.clone()),
            other => match other.range() {
                Some(range) => (self.text(range.clone()), range),
                None => return,
            },
        };
        if allowed.contains(&text) {
            return;
        }
        let closest = closest(&text, allowed);
        let fix = closest.map(|value| Fix {
            title: format!("Replace with `{value}`"),
            edits: vec![TextEdit {
                range: range.clone(),
                new_text: value.to_string(),
            }],
            safe: is_typo_of(&text, value),
        });
        self.push(
            Code::InvalidValue,
            range,
            format!("`{text}` is not a valid {key}; allowed: {}", allowed.join(", ")),
            fix,
        );
    }

    fn today_fix(&self, range: Range<usize>) -> Fix {
        Fix {
            title: format!("Set `updated` to today ({})", self.context.today),
            edits: vec![TextEdit {
                range,
                new_text: self.context.today.to_string(),
            }],
            safe: true,
        }
    }

    /// Nesting past the cap is read as text (see `specls_syntax::nesting`): say so once,
    /// at the first line it changes.
    fn check_nesting(&mut self) {
        if let Some(range) = self.model.too_deep.clone() {
            self.push(
                Code::NestingLimit,
                range,
                format!(
                    "block quotes and list items nest more than {} levels deep here: specls reads \
                     the markers of this line, and of every line as deep, as plain text",
                    specls_syntax::nesting::MAX_NESTING
                ),
                None,
            );
        }
    }

    /// `{{NAME}}` anywhere, and the template's own placeholder texts: bracketed ones
    /// where they read as a link to nothing, braced and angled ones as text outside code.
    /// Other bracketed text (`[sig-network]`, `[optional]`, `[^note]`, `> [!NOTE]`) is
    /// the writer's.
    fn check_body_placeholders(&mut self) {
        let model = self.model;
        let mut found: Vec<Range<usize>> = model.placeholders.clone();
        let template_placeholders: &[String] = self.template.map_or(&[], |t| &t.schema.placeholders);
        if !template_placeholders.is_empty() {
            let defined: Vec<&str> = model.link_definitions.iter().map(|d| d.label.as_str()).collect();
            for reference in &model.references {
                let ReferenceKind::LinkReference { label } = &reference.kind else {
                    continue;
                };
                let shortcut = reference.range.len() == reference.target_range.len() + 2;
                if !shortcut || defined.contains(&label.as_str()) {
                    continue;
                }
                let text = self.text(reference.range.clone());
                if template_placeholders.contains(&text) {
                    found.push(reference.range.clone());
                }
            }
            let body_start = model.frontmatter.as_ref().map_or(0, |fm| fm.range.end);
            let body = self.text(body_start..self.text.len_bytes());
            let in_code = |at: usize| model.code_blocks.iter().any(|block| block.contains(&at));
            for placeholder in template_placeholders.iter().filter(|p| {
                !p.starts_with(['[', '{'].as_slice()) || p.starts_with('{') && !p.starts_with("{{")
            }) {
                for (at, _) in body.match_indices(placeholder.as_str()) {
                    let start = body_start + at;
                    let line_start = body[..at].rfind('\n').map_or(0, |i| i + 1);
                    let in_code_span = body[line_start..at].matches('`').count() % 2 == 1;
                    if !in_code(start) && !in_code_span {
                        found.push(start..start + placeholder.len());
                    }
                }
            }
        }
        found.sort_by_key(|range| (range.start, range.end));
        found.dedup();
        for range in found {
            let text = self.text(range.clone());
            self.push(
                Code::UnfilledPlaceholder,
                range,
                format!("template placeholder `{text}` left in the spec"),
                None,
            );
        }
    }

    fn check_sections(&mut self, schema: &TemplateSchema) {
        let headings = &self.model.headings;
        let level = schema.section_level_of(headings, self.heading_keys());
        let title = headings.iter().find(|h| h.level == 1 && level >= 2).cloned();
        let sections: Vec<usize> = (0..headings.len())
            .filter(|&i| headings[i].level == level && headings[i].top_level)
            .collect();
        let fallback = title
            .map(|t| title_or_heading(&t))
            .unwrap_or_else(|| self.top_range());
        let end_of_text = self.text.len_bytes();
        self.check_level(
            schema,
            &schema.sections,
            level,
            &sections,
            fallback,
            end_of_text,
            None,
        );
    }

    /// Checks the headings at `indices` (of `level`) against `rules`. `anchor` is where
    /// a missing first section is reported; `insert_end` where a missing last one goes.
    #[allow(clippy::too_many_arguments)]
    fn check_level(
        &mut self,
        schema: &TemplateSchema,
        rules: &[SectionRule],
        level: u8,
        indices: &[usize],
        anchor: Range<usize>,
        insert_end: usize,
        parent: Option<&Heading>,
    ) {
        let headings = &self.model.headings;
        let mut seen: Vec<Option<usize>> = vec![None; rules.len()];
        let mut latest: Option<(usize, usize)> = None; // (rule index, heading index)
        for &index in indices {
            let heading = &headings[index];
            let key = &self.heading_keys()[index];
            let Some((rule_index, rule)) = TemplateSchema::find_keyed(rules, &heading.title, key) else {
                continue;
            };
            if rule.kind != SectionKind::Example {
                if let Some(first) = seen[rule_index] {
                    self.push(
                        Code::DuplicateSection,
                        title_or_heading(heading),
                        format!(
                            "`{}` appears twice (first on line {}); template {} has it once",
                            heading.title,
                            self.text.byte_to_line(headings[first].range.start) + 1,
                            schema.name
                        ),
                        None,
                    );
                    continue;
                }
                seen[rule_index] = Some(index);
            }
            match latest {
                Some((latest_rule, latest_heading)) if rule_index < latest_rule => {
                    self.push(
                        Code::SectionOrder,
                        title_or_heading(heading),
                        format!(
                            "`{}` should come before `{}`, as in template {}",
                            heading.title, headings[latest_heading].title, schema.name
                        ),
                        None,
                    );
                }
                _ => latest = Some((rule_index, index)),
            }
            let children: Vec<usize> = self.children_of(index);
            if parent.is_none() {
                let end = heading.section_range.end;
                self.check_level(
                    schema,
                    &rule.subsections,
                    heading.level + 1,
                    &children,
                    title_or_heading(heading),
                    end,
                    Some(heading),
                );
            }
            if rule.kind != SectionKind::Example {
                // A section's own text ends at its first subsection.
                let own_end = children
                    .first()
                    .map_or(heading.section_range.end, |&i| headings[i].range.start);
                self.check_empty(rule, heading, own_end, !children.is_empty());
            }
        }
        for (rule_index, rule) in rules.iter().enumerate() {
            if rule.kind != SectionKind::Required || seen[rule_index].is_some() {
                continue;
            }
            let before = (0..rule_index).rev().find_map(|i| seen[i]);
            let after = (rule_index + 1..rules.len()).find_map(|i| seen[i]);
            let range = before
                .map(|i| title_or_heading(&headings[i]))
                .unwrap_or_else(|| anchor.clone());
            let insert_at = match after {
                Some(i) => headings[i].range.start,
                None => self.trimmed_end(parent.map_or(0, |p| p.range.start), insert_end),
            };
            let kind = if parent.is_none() { "section" } else { "subsection" };
            let within = parent.map(|p| format!(" in `{}`", p.title)).unwrap_or_default();
            let hashes = "#".repeat(rule.level.into());
            // The section may be there at another level: say where, as its author looks
            // for it under that title, and offer to move it to its siblings' level rather
            // than to insert a second one.
            let elsewhere = self.heading_at_another_level(rule, indices, parent);
            let note = elsewhere.map(|other| {
                let written = format!(
                    "`{} {}` on line {}",
                    "#".repeat(other.level.into()),
                    other.title,
                    self.text.byte_to_line(other.range.start) + 1
                );
                if other.level == rule.level && level != rule.level {
                    // At the template's level, in a spec whose sections are at another.
                    format!("; {written} is at the template's level, this spec's sections at level {level}")
                } else {
                    format!("; {written} is a level-{} heading", other.level)
                }
            });
            // At the level of its siblings, which is the template's unless the spec keeps
            // its sections at another.
            let relevel = elsewhere
                .filter(|other| other.level != level)
                .and_then(|other| self.relevel_fix(other, level));
            let fix = relevel.unwrap_or_else(|| {
                let insert = self.insert_fix(rule, level, insert_at, after.is_some());
                // A second section beside one written at another level is no safe guess.
                Fix {
                    safe: insert.safe && elsewhere.is_none(),
                    ..insert
                }
            });
            self.push(
                Code::MissingSection,
                range,
                format!(
                    "missing {kind} `{hashes} {}`{within} (template {}){}",
                    rule.title,
                    schema.name,
                    note.unwrap_or_default()
                ),
                Some(fix),
            );
        }
    }

    /// A heading with the rule's title outside the checked `indices` (ascending), within
    /// `parent`'s section when there is one: the section written at another level.
    fn heading_at_another_level(
        &self,
        rule: &SectionRule,
        indices: &[usize],
        parent: Option<&Heading>,
    ) -> Option<&Heading> {
        let within = parent.map_or(0..self.text.len_bytes(), |p| p.section_range.clone());
        let headings = &self.model.headings;
        let keys = self.heading_keys();
        // Only required rules are reported missing, and they match by key alone.
        headings
            .iter()
            .zip(keys)
            .enumerate()
            .find_map(|(index, (heading, key))| {
                let candidate = heading.top_level
                    && *key == rule.key
                    && within.contains(&heading.range.start)
                    && indices.binary_search(&index).is_err()
                    && parent.is_none_or(|p| p.range != heading.range);
                candidate.then_some(heading)
            })
    }

    fn heading_keys(&self) -> &[String] {
        self.heading_keys.get_or_init(|| {
            self.model
                .headings
                .iter()
                .map(|h| heading_key(&h.title))
                .collect()
        })
    }

    /// The subsections (next level) directly under the heading at `index`.
    fn children_of(&self, index: usize) -> Vec<usize> {
        let headings = &self.model.headings;
        let level = headings[index].level;
        (index + 1..headings.len())
            .filter(|&i| headings[i].top_level)
            .take_while(|&i| headings[i].level > level)
            .filter(|&i| headings[i].level == level + 1)
            .collect()
    }

    /// A required section with nothing of its own (an optional one may stay empty).
    fn check_empty(&mut self, rule: &SectionRule, heading: &Heading, own_end: usize, has_subsections: bool) {
        if has_subsections || rule.kind == SectionKind::Optional {
            return;
        }
        let own = self
            .text
            .byte_slice(heading.range.end..own_end.max(heading.range.end));
        let is_empty = own.chars().all(char::is_whitespace);
        let holds_nothing =
            is_empty || (!rule.guidance.is_empty() && same_words(own.chars(), &rule.guidance));
        if holds_nothing {
            let what = if is_empty {
                "is empty"
            } else {
                "still holds only the template's guidance"
            };
            self.push(
                Code::EmptySection,
                title_or_heading(heading),
                format!("`{}` {what}", heading.title),
                None,
            );
        }
    }

    /// The end of the content before `end`, past trailing blank lines, but not before
    /// `floor`.
    fn trimmed_end(&self, floor: usize, end: usize) -> usize {
        let rope = self.text;
        let mut at = end.min(rope.len_bytes());
        while at > floor && rope.byte(at - 1).is_ascii_whitespace() {
            at -= 1;
        }
        at
    }

    /// Rewrites an ATX heading's `#` marker to `level` (none for a setext heading). Not
    /// safe: whether the heading was meant as that section only its author knows.
    fn relevel_fix(&self, heading: &Heading, level: u8) -> Option<Fix> {
        let line: String = self
            .text
            .byte_slice(heading.range.clone())
            .chars()
            .take_while(|&ch| ch != '\n')
            .collect();
        let indent = line.len() - line.trim_start_matches(' ').len();
        let marker = line[indent..].len() - line[indent..].trim_start_matches('#').len();
        if indent > 3 || marker != usize::from(heading.level) {
            return None;
        }
        let start = heading.range.start + indent;
        let hashes = "#".repeat(level.into());
        Some(Fix {
            title: format!(
                "Make `{} {}` a level-{level} heading (`{hashes}`)",
                &line[indent..indent + marker],
                heading.title
            ),
            edits: vec![TextEdit {
                range: start..start + marker,
                new_text: hashes,
            }],
            safe: false,
        })
    }

    fn insert_fix(&self, rule: &SectionRule, level: u8, at: usize, before_heading: bool) -> Fix {
        let skeleton = rule.skeleton_at(SkeletonStyle::Plain, level);
        let new_text = if before_heading {
            format!("{skeleton}\n\n")
        } else {
            format!("\n\n{skeleton}\n")
        };
        Fix {
            title: format!("Insert section `{} {}`", "#".repeat(level.into()), rule.title),
            edits: vec![TextEdit {
                range: at..at,
                new_text,
            }],
            safe: true,
        }
    }
}

/// Whether `text` holds the same words as `words` (white space collapsed), read
/// without copying the text: most sections differ from their guidance at once.
fn same_words(text: impl Iterator<Item = char>, words: &str) -> bool {
    let mut expected = words.chars().peekable();
    let mut pending_space = false;
    let mut started = false;
    for ch in text {
        if ch.is_whitespace() {
            pending_space = started;
            continue;
        }
        if pending_space {
            if expected.next() != Some(' ') {
                return false;
            }
            pending_space = false;
        }
        started = true;
        if expected.next() != Some(ch) {
            return false;
        }
    }
    expected.peek().is_none()
}

fn title_or_heading(heading: &Heading) -> Range<usize> {
    if heading.title_range.is_empty() {
        heading.range.clone()
    } else {
        heading.title_range.clone()
    }
}

/// Placeholders in a frontmatter value as written: `{{NAME}}`, `YYYY-MM-DD`, `TBD`, and
/// the template's own placeholder texts (`[Your Name]`, `<EIP title>`). Ranges are
/// relative to `raw`.
fn value_placeholders(raw: &str, template_placeholders: &[String]) -> Vec<Range<usize>> {
    let mut found: Vec<Range<usize>> = placeholder_ranges(raw)
        .filter(|range| {
            let text = &raw[range.clone()];
            text.starts_with("{{") || text.contains("YYYY") || text == "[TBD]"
        })
        .collect();
    for placeholder in template_placeholders {
        for (at, _) in raw.match_indices(placeholder.as_str()) {
            found.push(at..at + placeholder.len());
        }
    }
    for word in ["YYYY-MM-DD", "TBD"] {
        let mut from = 0;
        while let Some(at) = raw[from..].find(word).map(|i| from + i) {
            from = at + word.len();
            let bounded = !raw[..at].ends_with(|c: char| c.is_alphanumeric())
                && !raw[from..].starts_with(|c: char| c.is_alphanumeric());
            if bounded && !found.iter().any(|r| r.contains(&at)) {
                found.push(at..from);
            }
        }
    }
    found.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    // A placeholder inside another (`YYYY-MM-DD` in `[YYYY-MM-DD]`) is reported once.
    let mut outermost: Vec<Range<usize>> = Vec::new();
    for range in found {
        if outermost.last().is_none_or(|last| range.start >= last.end) {
            outermost.push(range);
        }
    }
    outermost
}

pub(crate) fn is_valid_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10 && bytes[4] == b'-' && bytes[7] == b'-' && text.parse::<jiff::civil::Date>().is_ok()
}

/// The allowed value closest to `text` (case-insensitive edit distance; a prefix
/// counts as close).
fn closest<'a>(text: &str, allowed: &'a [String]) -> Option<&'a str> {
    let lower = text.to_lowercase();
    allowed
        .iter()
        .map(|value| {
            let score = strsim::normalized_damerau_levenshtein(&lower, &value.to_lowercase());
            let prefix = value.to_lowercase().starts_with(&lower) || lower.starts_with(&value.to_lowercase());
            (if prefix { score.max(0.5) } else { score }, value)
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, value)| value.as_str())
}

/// Whether `value` is surely what `text` meant: the same but for case, or one typo
/// (a letter added, missing, changed or two swapped) in a word of four letters or more,
/// or a prefix of at least three letters (`crit`, `impl`). `urgent` is no typo of
/// `critical`: an editor offers that replacement, `--fix` does not make it.
fn is_typo_of(text: &str, value: &str) -> bool {
    let text = text.to_lowercase();
    let value = value.to_lowercase();
    text == value
        || (text.chars().count() >= 4 && strsim::damerau_levenshtein(&text, &value) == 1)
        || (text.chars().count() >= 3 && value.starts_with(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_listed_once_with_a_summary() {
        let names = Code::names();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        for code in Code::all() {
            assert_eq!(Code::from_name(code.name()), Some(code));
            assert!(code.summary().ends_with('.'), "{}", code.name());
        }
    }

    #[test]
    fn only_typos_are_safe_replacements() {
        assert!(is_typo_of("Medium", "medium"));
        assert!(is_typo_of("hihg", "high"));
        assert!(is_typo_of("aproved", "approved"));
        assert!(is_typo_of("crit", "critical"));
        assert!(!is_typo_of("urgent", "critical"));
        assert!(!is_typo_of("lo", "low"));
        assert!(!is_typo_of("done", "draft"));
    }

    #[test]
    fn closest_values() {
        let allowed: Vec<String> = ["critical", "high", "medium", "low"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(closest("hihg", &allowed), Some("high"));
        assert_eq!(closest("Medium", &allowed), Some("medium"));
        assert_eq!(closest("crit", &allowed), Some("critical"));
        assert!(closest("urgent", &allowed).is_some());
    }

    #[test]
    fn words_compare_with_white_space_collapsed() {
        assert!(same_words("  a  b\n\n c ".chars(), "a b c"));
        assert!(!same_words("a b".chars(), "a b c"));
        assert!(!same_words("a b c d".chars(), "a b c"));
        assert!(!same_words("ab c".chars(), "a b c"));
        assert!(same_words("".chars(), ""));
    }

    #[test]
    fn dates() {
        assert!(is_valid_date("2026-02-28"));
        assert!(!is_valid_date("2026-02-30"));
        assert!(!is_valid_date("2026-2-3"));
        assert!(!is_valid_date("yesterday"));
    }

    #[test]
    fn frontmatter_placeholders() {
        let template = [
            "[Your Name]".to_string(),
            "[Reviewer 1]".to_string(),
            "[Reviewer 2]".to_string(),
        ];
        let found = |raw: &str| -> Vec<String> {
            value_placeholders(raw, &template)
                .into_iter()
                .map(|r| raw[r].to_string())
                .collect()
        };
        assert_eq!(found("{{SPEC_ID}}"), vec!["{{SPEC_ID}}"]);
        assert_eq!(found("[Your Name]"), vec!["[Your Name]"]);
        assert_eq!(found("[My Name]"), Vec::<String>::new());
        assert_eq!(found("[YYYY-MM-DD]"), vec!["[YYYY-MM-DD]"]);
        assert_eq!(found("TBD"), vec!["TBD"]);
        assert_eq!(found("[AUTH-1, PAY-2]"), Vec::<String>::new());
        assert_eq!(found("[AUTH-1]"), Vec::<String>::new());
        assert_eq!(found("[payments, checkout, web]"), Vec::<String>::new());
        assert_eq!(
            found("- [Reviewer 1]\n  - [Reviewer 2]"),
            vec!["[Reviewer 1]", "[Reviewer 2]"]
        );
    }
}
