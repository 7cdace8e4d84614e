//! Workspace configuration (`.specls.yaml`) and the settings resolved from it: spec
//! globs, templates (built-in and configured), allowed values, the id pattern and
//! severities. A broken configuration yields problems with byte ranges in the file and
//! the defaults stay in force for whatever could not be read.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use regex::Regex;
use serde::Deserialize;
use specls_syntax::SpecModel;
use specls_syntax::frontmatter::saphyr_error_range;

use crate::diagnostics::{Code, Severity};
use crate::schema::{SectionKind, TemplateSchema};

pub const CONFIG_FILE: &str = ".specls.yaml";

/// The file as written. Every key is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    #[serde(default)]
    pub specs: Vec<String>,
    #[serde(default)]
    pub templates: Vec<TemplateEntry>,
    #[serde(default)]
    pub values: BTreeMap<String, Vec<String>>,
    pub id_pattern: Option<String>,
    pub id_field: Option<String>,
    #[serde(default)]
    pub severity: BTreeMap<String, SeverityLevel>,
    pub limits: Option<LimitsEntry>,
    pub trace: Option<TraceEntry>,
}

/// `trace:` as written: id shapes of spec sets and seed specs beyond the built-in ones.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TraceEntry {
    #[serde(default)]
    pub ids: Vec<IdShapeEntry>,
}

/// One id shape as written: `{ pattern: "REQ-[0-9]+", kind: requirement }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdShapeEntry {
    pub pattern: String,
    pub kind: IdKind,
}

/// What a configured id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IdKind {
    /// Defined by a bold item (`- **REQ-12**: …`) where requirements are, cited by tasks.
    Requirement,
    /// Defined by a checkbox item (`- [ ] TASK-3 …`), cited after `depends on`.
    Task,
}

/// A configured id shape, resolved.
#[derive(Debug, Clone)]
pub struct IdShape {
    pub kind: IdKind,
    /// The pattern as configured, for messages.
    pub source: String,
    /// The pattern anywhere: one pass over a line finds every candidate.
    found: Regex,
    /// The pattern as a whole word.
    whole: Regex,
}

impl IdShape {
    /// Whether `word` is an id of this shape.
    pub fn is(&self, word: &str) -> bool {
        self.whole.is_match(word)
    }

    /// The ids of this shape in `line` that stand as words (not inside a longer word),
    /// as byte ranges.
    pub fn find_in<'l>(&'l self, line: &'l str) -> impl Iterator<Item = Range<usize>> + 'l {
        let word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
        self.found
            .find_iter(line)
            .map(|m| m.range())
            .filter(move |range| !line[..range.start].ends_with(word) && !line[range.end..].starts_with(word))
    }
}

/// `limits:` as written: sizes in bytes, or with a unit (`512 KB`, `8 MB`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LimitsEntry {
    pub max_file_size: Option<SizeEntry>,
    pub max_files: Option<usize>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum SizeEntry {
    Bytes(u64),
    Text(String),
}

impl SizeEntry {
    /// The size in bytes; `KB`/`MB`/`GB` (and `KiB`…) count in powers of 1024, as file
    /// managers and the limits' messages do.
    fn bytes(&self) -> Result<u64, String> {
        let text = match self {
            SizeEntry::Bytes(bytes) => return Ok(*bytes),
            SizeEntry::Text(text) => text.trim(),
        };
        let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let number: u64 = number
            .parse()
            .map_err(|_| format!("{text:?} is not a size such as 8 MB"))?;
        let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1,
            "kb" | "kib" | "k" => 1 << 10,
            "mb" | "mib" | "m" => 1 << 20,
            "gb" | "gib" | "g" => 1 << 30,
            other => return Err(format!("unknown unit {other:?} in {text:?}: use KB, MB or GB")),
        };
        number
            .checked_mul(scale)
            .ok_or_else(|| format!("{text:?} is too large"))
    }
}

/// What specls reads at most: each bound keeps a hostile or unlucky workspace from
/// hanging it or filling memory (SECURITY.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A larger file is not indexed or checked, and an open document this large is kept
    /// as text only: each with a `skipped-file` finding.
    pub max_file_size: u64,
    /// A workspace folder with more Markdown files is indexed up to this many (in path
    /// order), with a note.
    pub max_files: usize,
}

/// A size as the limits' messages and `limits:` write it: `8 MB`, `512 KB`, `300 bytes`
/// (powers of 1024, rounded up so that an over-limit size never reads as equal to the limit).
fn human_size(bytes: u64) -> String {
    const KB: u64 = 1 << 10;
    const MB: u64 = 1 << 20;
    match bytes {
        0..KB => format!("{bytes} bytes"),
        KB..MB => format!("{} KB", bytes.div_ceil(KB)),
        _ => format!("{} MB", bytes.div_ceil(MB)),
    }
}

/// `8 MB is over the limit of 2 MB`: the one wording of the size limit's findings and notes.
pub fn over_size_limit(size: u64, limit: u64) -> String {
    format!("{} is over the limit of {}", human_size(size), human_size(limit))
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_size: 8 * 1024 * 1024,
            max_files: 200_000,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateEntry {
    pub name: String,
    pub file: String,
    #[serde(default, rename = "match")]
    pub patterns: Vec<String>,
    /// Rules for frontmatter fields of specs of this template, by key.
    #[serde(default)]
    pub fields: BTreeMap<String, FieldRuleEntry>,
    /// Specs whose field holds one of these values are stubs (a proposal moved
    /// elsewhere): their sections and required fields are not checked.
    #[serde(default)]
    pub stubs: BTreeMap<String, Vec<String>>,
}

/// One field's rule as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldRuleEntry {
    pub required: Option<bool>,
    pub values: Option<Vec<String>>,
    pub pattern: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<FieldType>,
}

/// The shape a field's value takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    Text,
    /// `YYYY-MM-DD`.
    Date,
    /// An integer.
    Number,
    /// A YAML sequence.
    List,
    /// Spec ids: one, a YAML sequence, or a comma-separated list (`requires: 2718, 2930`).
    Reference,
}

/// A field's rule, resolved.
#[derive(Debug, Clone, Default)]
pub struct FieldRule {
    pub required: Option<bool>,
    pub values: Option<Vec<String>>,
    pub pattern: Option<(Regex, String)>,
    pub kind: Option<FieldType>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeverityLevel {
    Error,
    Warning,
    Information,
    Hint,
    Off,
}

/// Something wrong in the configuration, at a byte range of its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    pub message: String,
    pub range: Range<usize>,
}

/// A template in effect, built-in or from the configuration.
#[derive(Debug, Clone)]
pub struct Template {
    pub schema: Arc<TemplateSchema>,
    /// Where it comes from: `built-in` or the template file's path.
    pub origin: String,
    globs: GlobSet,
    pub fields: BTreeMap<String, FieldRule>,
    /// Field values that make a spec a stub.
    pub stubs: BTreeMap<String, Vec<String>>,
}

impl Template {
    pub fn name(&self) -> &str {
        &self.schema.name
    }

    /// Whether a spec must have this field: its rule says so, else the template has it
    /// and no comment calls it optional.
    pub fn requires_field(&self, key: &str) -> bool {
        self.fields
            .get(key)
            .and_then(|rule| rule.required)
            .unwrap_or_else(|| self.schema.field_is_required(key))
    }

    /// The fields a spec must have: the template's required ones, then those only
    /// rules require.
    pub fn required_fields(&self) -> impl Iterator<Item = &str> {
        let configured = self
            .fields
            .iter()
            .filter(|(key, rule)| rule.required == Some(true) && !self.schema.fields.contains(key))
            .map(|(key, _)| key.as_str());
        self.schema
            .fields
            .iter()
            .map(String::as_str)
            .filter(|key| self.requires_field(key))
            .chain(configured)
    }

    /// Whether a spec of this template is a stub (see [`TemplateEntry::stubs`]).
    pub fn is_stub(&self, model: &SpecModel) -> bool {
        let frontmatter = model.frontmatter.as_ref();
        self.stubs.iter().any(|(key, values)| {
            frontmatter
                .and_then(|fm| fm.scalar(key))
                .is_some_and(|value| values.iter().any(|v| v == value))
        })
    }

    /// The frontmatter keys whose values are spec ids, beyond the built-in reference lists.
    pub fn reference_fields(&self) -> impl Iterator<Item = &str> {
        self.fields
            .iter()
            .filter(|(_, rule)| rule.kind == Some(FieldType::Reference))
            .map(|(key, _)| key.as_str())
    }

    /// One line for pickers and `specls templates`: what the template is for, and its
    /// sections.
    pub fn description(&self) -> String {
        let purpose = match (self.origin.as_str(), self.name()) {
            ("built-in", "feature-spec") => "Feature specification".to_string(),
            ("built-in", "design-doc") => "Design document".to_string(),
            (origin, _) => format!("From {origin}"),
        };
        let sections: Vec<&str> = self
            .schema
            .sections
            .iter()
            .filter(|rule| rule.kind == SectionKind::Required)
            .map(|rule| rule.title.as_str())
            .collect();
        format!("{purpose}: {}", sections.join(", "))
    }
}

/// Default allowed values of frontmatter fields.
pub const DEFAULT_STATUS: &[&str] = &[
    "draft",
    "review",
    "approved",
    "in-progress",
    "implemented",
    "deprecated",
    "superseded",
    "rejected",
];
pub const DEFAULT_PRIORITY: &[&str] = &["critical", "high", "medium", "low"];
pub const DEFAULT_ID_PATTERN: &str = "[A-Z][A-Z0-9]*-[0-9]+";
pub const DEFAULT_ID_FIELD: &str = "spec-id";

const BUILT_IN: &[(&str, &str)] = &[
    ("feature-spec", include_str!("../templates/feature-spec.md")),
    ("design-doc", include_str!("../templates/design-doc.md")),
];

/// The built-in templates, derived once.
pub fn built_in_templates() -> &'static [Template] {
    static TEMPLATES: OnceLock<Vec<Template>> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        BUILT_IN
            .iter()
            .map(|(name, text)| Template {
                schema: Arc::new(TemplateSchema::derive(name, text)),
                origin: "built-in".to_string(),
                globs: GlobSet::empty(),
                fields: BTreeMap::new(),
                stubs: BTreeMap::new(),
            })
            .collect()
    })
}

/// Everything that decides how a spec is checked.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The folder globs are relative to: the configuration's folder, or the workspace.
    /// Shared, as every indexed file it governs names it as its scope.
    pub root: Arc<Path>,
    /// Configured templates first (they override built-ins of the same name).
    pub templates: Vec<Template>,
    pub values: BTreeMap<String, Vec<String>>,
    pub id_pattern: Regex,
    /// The id pattern as configured, for messages.
    pub id_pattern_source: String,
    /// The frontmatter key that holds a spec's id (`spec-id`, or e.g. `eip`).
    pub id_field: String,
    specs: GlobSet,
    /// The configured template files: templates, never specs.
    template_files: Vec<PathBuf>,
    severity: BTreeMap<Code, Option<Severity>>,
    pub limits: Limits,
    /// Id shapes of spec sets and seed specs configured under `trace.ids`.
    pub trace_ids: Vec<IdShape>,
    pub problems: Vec<ConfigProblem>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings::defaults(PathBuf::new())
    }
}

fn anchored(pattern: &str) -> Result<Regex, regex::Error> {
    Regex::new(&format!("^(?:{pattern})$"))
}

impl Settings {
    pub fn defaults(root: PathBuf) -> Self {
        let mut values = BTreeMap::new();
        values.insert(
            "status".to_string(),
            DEFAULT_STATUS.iter().map(|s| s.to_string()).collect(),
        );
        values.insert(
            "priority".to_string(),
            DEFAULT_PRIORITY.iter().map(|s| s.to_string()).collect(),
        );
        Settings {
            root: Arc::from(root),
            templates: built_in_templates().to_vec(),
            values,
            id_pattern: anchored(DEFAULT_ID_PATTERN).expect("the default id pattern is valid"),
            id_pattern_source: DEFAULT_ID_PATTERN.to_string(),
            id_field: DEFAULT_ID_FIELD.to_string(),
            specs: GlobSet::empty(),
            template_files: Vec::new(),
            severity: BTreeMap::new(),
            limits: Limits::default(),
            trace_ids: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// Settings from a configuration file's text, found in `root`. `read_template`
    /// reads a configured template file (a path relative to `root`).
    pub fn from_config(
        text: &str,
        root: &Path,
        read_template: &dyn Fn(&Path) -> std::io::Result<String>,
    ) -> Self {
        let mut settings = Settings::defaults(root.to_path_buf());
        if text.trim().is_empty() {
            return settings;
        }
        let file: ConfigFile = match serde_saphyr::from_str(text) {
            Ok(file) => file,
            Err(err) => {
                let range = saphyr_error_range(text, &err).unwrap_or(0..0);
                settings.problems.push(ConfigProblem {
                    message: format!(
                        "{CONFIG_FILE}: {}; using the defaults",
                        clean_message(&err.to_string())
                    ),
                    range,
                });
                return settings;
            }
        };
        settings.apply(&file, text, read_template);
        settings
    }

    fn apply(
        &mut self,
        file: &ConfigFile,
        text: &str,
        read_template: &dyn Fn(&Path) -> std::io::Result<String>,
    ) {
        let mut problems = Vec::new();
        let mut problem = |message: String, needle: &str| {
            problems.push(ConfigProblem {
                message,
                range: find_in(text, needle),
            });
        };
        let globs = |patterns: &[String], problem: &mut dyn FnMut(String, &str)| {
            let mut builder = GlobSetBuilder::new();
            for pattern in patterns {
                // As in `.gitignore`: `*` stays within a folder, `**` crosses folders.
                match GlobBuilder::new(pattern).literal_separator(true).build() {
                    Ok(glob) => {
                        builder.add(glob);
                    }
                    Err(err) => problem(format!("invalid glob {pattern:?}: {err}"), pattern),
                }
            }
            builder.build().unwrap_or_else(|_| GlobSet::empty())
        };

        self.specs = globs(&file.specs, &mut problem);

        let mut configured = Vec::new();
        for entry in &file.templates {
            let path = self.root.join(&entry.file);
            self.template_files.push(crate::index::normalize(&path));
            let mut fields = BTreeMap::new();
            for (key, rule) in &entry.fields {
                let pattern = rule.pattern.as_ref().and_then(|pattern| match anchored(pattern) {
                    Ok(regex) => Some((regex, pattern.clone())),
                    Err(err) => {
                        problem(
                            format!("invalid pattern {pattern:?} of field {key:?}: {err}"),
                            pattern,
                        );
                        None
                    }
                });
                fields.insert(
                    key.clone(),
                    FieldRule {
                        required: rule.required,
                        values: rule.values.clone(),
                        pattern,
                        kind: rule.kind,
                    },
                );
            }
            match read_template(&path) {
                Ok(template_text) => configured.push(Template {
                    schema: Arc::new(TemplateSchema::derive(&entry.name, &template_text)),
                    origin: entry.file.clone(),
                    globs: globs(&entry.patterns, &mut problem),
                    fields,
                    stubs: entry.stubs.clone(),
                }),
                Err(err) => problem(
                    format!("template {:?}: cannot read {}: {err}", entry.name, path.display()),
                    &entry.file,
                ),
            }
        }
        let built_ins: Vec<Template> = built_in_templates()
            .iter()
            .filter(|built_in| !configured.iter().any(|t: &Template| t.name() == built_in.name()))
            .cloned()
            .collect();
        configured.extend(built_ins);
        self.templates = configured;

        for (field, allowed) in &file.values {
            if allowed.is_empty() {
                problem(format!("values.{field} lists no value"), field);
            } else {
                self.values.insert(field.clone(), allowed.clone());
            }
        }

        if let Some(pattern) = &file.id_pattern {
            match anchored(pattern) {
                Ok(regex) => {
                    self.id_pattern = regex;
                    self.id_pattern_source = pattern.clone();
                }
                Err(err) => problem(format!("invalid id-pattern {pattern:?}: {err}"), pattern),
            }
        }

        if let Some(field) = &file.id_field {
            self.id_field = field.clone();
        }

        for (code, level) in &file.severity {
            match Code::from_name(code) {
                Some(code) => {
                    self.severity.insert(code, Severity::from_level(*level));
                }
                None => problem(
                    format!(
                        "severity: unknown code {code:?}; codes are {}",
                        Code::names().join(", ")
                    ),
                    code,
                ),
            }
        }
        if let Some(limits) = &file.limits {
            if let Some(size) = &limits.max_file_size {
                match size.bytes() {
                    Ok(0) => problem(
                        "limits.max-file-size must be above 0".to_string(),
                        "max-file-size",
                    ),
                    Ok(bytes) => self.limits.max_file_size = bytes,
                    Err(err) => problem(format!("limits.max-file-size: {err}"), "max-file-size"),
                }
            }
            if let Some(files) = limits.max_files {
                self.limits.max_files = files;
            }
        }
        for shape in file.trace.iter().flat_map(|trace| &trace.ids) {
            let pattern = &shape.pattern;
            let compiled =
                Regex::new(&format!("(?:{pattern})")).and_then(|found| Ok((found, anchored(pattern)?)));
            match compiled {
                Ok((_, whole)) if whole.is_match("") => problem(
                    format!("trace.ids: pattern {pattern:?} matches an empty id"),
                    pattern,
                ),
                Ok((found, whole)) => self.trace_ids.push(IdShape {
                    kind: shape.kind,
                    source: pattern.clone(),
                    found,
                    whole,
                }),
                Err(err) => problem(format!("trace.ids: invalid pattern {pattern:?}: {err}"), pattern),
            }
        }
        self.problems.extend(problems);
    }

    /// The configured id shapes of `kind`.
    pub fn trace_ids_of(&self, kind: IdKind) -> impl Iterator<Item = &IdShape> {
        self.trace_ids.iter().filter(move |shape| shape.kind == kind)
    }

    /// The severity of a code here; `None` when it is turned off.
    /// Sets a code's severity (an editor's setting that turns on a code that is off by
    /// default, which must be computed to be shown).
    pub fn set_severity(&mut self, code: Code, severity: Option<Severity>) {
        self.severity.insert(code, severity);
    }

    pub fn severity(&self, code: Code) -> Option<Severity> {
        self.severity
            .get(&code)
            .copied()
            .unwrap_or((!code.off_by_default()).then(|| code.default_severity()))
    }

    pub fn template(&self, name: &str) -> Option<&Template> {
        self.templates.iter().find(|template| template.name() == name)
    }

    /// The path relative to the configuration's folder, with `/` separators.
    fn relative<'a>(&self, path: &'a Path) -> Option<&'a Path> {
        path.strip_prefix(&self.root).ok()
    }

    /// Whether the configuration's `specs` globs, or a template's `match` globs, name
    /// this file.
    pub fn matches_specs(&self, path: Option<&Path>) -> bool {
        path.and_then(|p| self.relative(p)).is_some_and(|p| {
            self.specs.is_match(p) || self.templates.iter().any(|template| template.globs.is_match(p))
        })
    }

    /// The template a spec follows: its `template:` key, else a configured glob, else
    /// the best match of its frontmatter (`spec-id` → feature-spec, `author` or
    /// `reviewers` → design-doc). `Err` names a `template:` value that is unknown.
    pub fn select_template(&self, path: Option<&Path>, model: &SpecModel) -> Result<&Template, String> {
        let frontmatter = model.frontmatter.as_ref();
        if let Some(name) = frontmatter.and_then(|fm| fm.scalar("template")) {
            return self.template(name).ok_or_else(|| name.to_string());
        }
        let relative = path.and_then(|p| self.relative(p));
        if let Some(template) = relative.and_then(|r| self.templates.iter().find(|t| t.globs.is_match(r))) {
            return Ok(template);
        }
        let has = |key: &str| frontmatter.is_some_and(|fm| fm.field(key).is_some());
        let best = if !has("spec-id") && (has("author") || has("reviewers")) {
            "design-doc"
        } else {
            "feature-spec"
        };
        self.template(best)
            .or_else(|| self.templates.first())
            .ok_or_else(|| best.to_string())
    }

    /// A Markdown file is a spec when its frontmatter has `template`, the id field or
    /// `status`, or when a `specs` or template `match` glob names it and it is no file of
    /// a spec-kit or Kiro set (`specs/001-x/spec.md` has its own shape, checked by the set's
    /// codes); never when it is a configured template.
    pub fn is_spec(&self, path: Option<&Path>, model: &SpecModel) -> bool {
        if path.is_some_and(|path| self.is_template_file(path)) {
            return false;
        }
        let keyed = model.frontmatter.as_ref().is_some_and(|fm| {
            ["template", self.id_field.as_str(), "status"]
                .iter()
                .any(|key| fm.field(key).is_some())
        });
        keyed || (self.matches_specs(path) && path.and_then(crate::trace::set_of).is_none())
    }

    /// Whether the configuration names this file as a template.
    pub fn is_template_file(&self, path: &Path) -> bool {
        self.template_files.iter().any(|file| file == path)
    }

    /// The allowed values of a field for a spec of `template`: its rule's, else the
    /// workspace's.
    pub fn allowed_values_in<'a>(&'a self, template: &'a Template, field: &str) -> Option<&'a [String]> {
        match template.fields.get(field).and_then(|rule| rule.values.as_deref()) {
            Some(values) => Some(values),
            None => self.allowed_values(field),
        }
    }

    /// The allowed values of a field, if it has a fixed set.
    pub fn allowed_values(&self, field: &str) -> Option<&[String]> {
        self.values.get(field).map(Vec::as_slice)
    }
}

fn clean_message(message: &str) -> String {
    message
        .lines()
        .next()
        .unwrap_or(message)
        .trim()
        .trim_start_matches("error:")
        .trim()
        .to_string()
}

/// The range of the first occurrence of `needle` (a key or value as written), or the
/// file's first line when it cannot be found.
fn find_in(text: &str, needle: &str) -> Range<usize> {
    if let Some(at) = (!needle.is_empty()).then(|| text.find(needle)).flatten() {
        return at..at + needle.len();
    }
    0..text.find('\n').unwrap_or(text.len())
}
