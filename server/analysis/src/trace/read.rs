//! The ids of one file of a set, read from its lines outside code blocks, HTML blocks,
//! frontmatter and code spans. Headings come from the model; list items, bold
//! definitions and cites are read lexically, one line at a time, so the cost is linear
//! in the text whatever it holds.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use specls_syntax::SpecModel;

use super::{
    Cite, Clarification, Definition, ItemKind, Metadata, Role, SetKind, Space, TaskHeading, TraceFacts,
    set_of,
};
use crate::config::{IdKind, IdShape};
use crate::index::FileKey;
use crate::schema::{collapse_whitespace, heading_key};

/// Titles are for hovers and hints: a line at most.
const TITLE_LIMIT: usize = 200;

/// The trace facts of a file of a set; `None` for a file whose path is not in a set.
/// `ids` are the configured id shapes (`trace.ids`), read besides the built-in ones.
pub fn read(path: &Path, text: &str, model: &SpecModel, ids: &[IdShape]) -> Option<TraceFacts> {
    let (kind, role, set) = set_of(path)?;
    Some(walk(kind, role, set, text, &[(0, text)], model, ids))
}

/// The headings under which a seed spec numbers its requirements and tasks.
fn seed_section(title: &str) -> Option<SeedSection> {
    // Asked of every heading on every keystroke: most titles hold none of the words.
    let lower = |word: &str| {
        title
            .as_bytes()
            .windows(word.len())
            .any(|window| window.eq_ignore_ascii_case(word.as_bytes()))
    };
    if !(lower("requirements") || lower("breakdown") || lower("plan")) {
        return None;
    }
    match heading_key(title).as_str() {
        "functional requirements" => Some(SeedSection::Requirements("FR")),
        "non functional requirements" => Some(SeedSection::Requirements("NFR")),
        "task breakdown" | "implementation plan" => Some(SeedSection::Tasks),
        _ => None,
    }
}

/// The ids of a spec of a seed template (`feature-spec`, `design-doc`), a set of one
/// file: the numbered items of its Functional and Non-Functional Requirements (`FR-1`,
/// `NFR-2`, as a reader sees the list numbered; or the dash id written in bold,
/// `1. **FR-7**: …`), the numbered tasks of its Task Breakdown or Implementation Plan
/// (`1. [ ] …` is `1`, `- 1.2 [ ] …` is `1.2`, `- [ ] Task 3: …` is `3`), the `FR-`
/// and `NFR-` ids its tasks cite and their `depends on` lists. `None` when it defines no
/// id, so other specs carry no facts.
///
/// `sections` holds the text of each of [`seed_sections`], with where it starts: only
/// those are read, so a keystroke in a long spec copies a few lines, not the document.
pub fn read_seed(
    path: &Path,
    sections: &[(usize, String)],
    model: &SpecModel,
    ids: &[IdShape],
) -> Option<TraceFacts> {
    if sections.is_empty() {
        return None;
    }
    let spans: Vec<(usize, &str)> = sections
        .iter()
        .map(|(start, text)| (*start, text.as_str()))
        .collect();
    let facts = walk(
        SetKind::Seed,
        Role::Other,
        Arc::from(path),
        "",
        &spans,
        model,
        ids,
    );
    (!facts.definitions.is_empty()).then_some(facts)
}

/// The sections of a seed spec whose items are ids (heading line included), in order.
pub fn seed_sections(model: &SpecModel) -> Vec<Range<usize>> {
    let mut sections: Vec<Range<usize>> = model
        .headings
        .iter()
        .filter(|h| h.top_level && seed_section(&h.title).is_some())
        .map(|h| h.range.start..h.section_range.end)
        .collect();
    // A seed section nested in another (an Implementation Plan under the Task Breakdown)
    // is read once, as part of the outer one.
    sections.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(sections.len());
    for section in sections {
        match merged.last_mut() {
            Some(last) if section.start < last.end => last.end = last.end.max(section.end),
            _ => merged.push(section),
        }
    }
    merged
}

/// Whether the model has a heading a seed spec numbers ids under: the check that spares
/// other specs a read of their text.
pub fn has_seed_sections(model: &SpecModel) -> bool {
    model
        .headings
        .iter()
        .any(|h| h.top_level && seed_section(&h.title).is_some())
}

/// Reads the lines of `spans` (each a start offset and the text from there), in order;
/// `text` is the whole document where the reader needs it (not for seed specs).
fn walk(
    kind: SetKind,
    role: Role,
    set: FileKey,
    text: &str,
    spans: &[(usize, &str)],
    model: &SpecModel,
    ids: &[IdShape],
) -> TraceFacts {
    let mut reader = Reader {
        kind,
        role,
        text,
        ids,
        facts: TraceFacts {
            kind,
            role,
            set,
            definitions: Vec::new(),
            cites: Vec::new(),
            clarifications: Vec::new(),
            not_ears: Vec::new(),
            metadata: Vec::new(),
            task_headings: Vec::new(),
        },
        requirement: None,
        in_criteria: false,
        task: None,
        property: None,
        seen_h2: false,
        seed: None,
        seed_next: None,
    };
    let mut skip: Vec<Range<usize>> = model.code_blocks.clone();
    if let Some(frontmatter) = &model.frontmatter {
        skip.push(frontmatter.range.clone());
    }
    skip.sort_by_key(|r| r.start);
    let headings: Vec<&specls_syntax::Heading> = model.headings.iter().filter(|h| h.top_level).collect();
    let (mut next_skip, mut next_heading) = (0, 0);
    for (base, span) in spans {
        let mut offset = *base;
        for raw in span.split_inclusive('\n') {
            let start = offset;
            offset += raw.len();
            let line = raw.trim_end_matches(['\n', '\r']);
            while next_skip < skip.len() && skip[next_skip].end <= start {
                next_skip += 1;
            }
            if skip.get(next_skip).is_some_and(|r| r.start <= start) {
                continue;
            }
            while next_heading < headings.len() && headings[next_heading].range.start < start {
                next_heading += 1;
            }
            if let Some(heading) = headings.get(next_heading).filter(|h| h.range.start == start) {
                reader.heading(heading);
                continue;
            }
            reader.line(line, start);
        }
    }
    reader.finish(&headings);
    reader.facts
}

/// What a seed spec's section numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SeedSection {
    /// Requirements, with the prefix of their ids.
    Requirements(&'static str),
    Tasks,
}

struct Reader<'t> {
    kind: SetKind,
    role: Role,
    text: &'t str,
    /// Configured id shapes.
    ids: &'t [IdShape],
    facts: TraceFacts,
    /// The Kiro requirement whose section the reader is in: its number and level.
    requirement: Option<(String, u8)>,
    in_criteria: bool,
    /// The task whose item the reader is in: its definition and indentation.
    task: Option<(usize, usize)>,
    /// The design property whose section the reader is in.
    property: Option<(usize, u8)>,
    seen_h2: bool,
    /// Seed specs: the section whose items are ids, and its level.
    seed: Option<(SeedSection, u8)>,
    /// Seed specs: the number the next item of the current ordered list shows (Markdown
    /// numbers `1.`, `1.`, `1.` as 1, 2, 3).
    seed_next: Option<u64>,
}

impl Reader<'_> {
    fn heading(&mut self, heading: &specls_syntax::Heading) {
        self.task = None;
        if self.kind == SetKind::Seed {
            self.seed_next = None;
            if self.seed.is_some_and(|(_, level)| heading.level <= level) {
                self.seed = None;
            }
            if let Some(section) = seed_section(&heading.title) {
                self.seed = Some((section, heading.level));
            }
            return;
        }
        if heading.level <= 2 {
            self.seen_h2 |= heading.level == 2;
        }
        if self
            .requirement
            .as_ref()
            .is_some_and(|(_, level)| heading.level <= *level)
        {
            self.requirement = None;
        }
        if self.property.is_some_and(|(_, level)| heading.level <= level) {
            self.property = None;
        }
        self.in_criteria = false;
        let title = &heading.title;
        let base = heading.title_range.start;
        let at = |local: usize| base + local;
        let written = &self.text[heading.title_range.clone()];
        // The model's title drops markup; only plain headings are read for ids.
        if written != title {
            return;
        }
        if let Some((number, end, rest)) = numbered(title, "Requirement") {
            if self.kind == SetKind::Kiro && self.role == Role::Requirements {
                self.define(
                    number.clone(),
                    ItemKind::Requirement,
                    at(0)..at(end),
                    heading.range.clone(),
                    rest,
                );
                self.requirement = Some((number, heading.level));
            }
            return;
        }
        if let Some((number, end, rest)) = numbered(title, "User Story") {
            if self.kind == SetKind::SpecKit && self.role == Role::Requirements {
                let rest = rest.split(" (Priority").next().unwrap_or_default();
                self.define(
                    format!("US{number}"),
                    ItemKind::Story,
                    at(0)..at(end),
                    heading.range.clone(),
                    rest,
                );
            }
            return;
        }
        if let Some((number, end, rest)) = numbered(title, "Property") {
            if self.role == Role::Design {
                self.define(
                    format!("Property {number}"),
                    ItemKind::Property,
                    at(0)..at(end),
                    heading.range.clone(),
                    rest,
                );
                self.property = Some((self.facts.definitions.len() - 1, heading.level));
            }
            return;
        }
        if self.requirement.is_some() && title.trim().eq_ignore_ascii_case("acceptance criteria") {
            self.in_criteria = true;
        }
    }

    fn line(&mut self, line: &str, start: usize) {
        if self.kind == SetKind::Seed {
            self.seed_line(line, start);
            return;
        }
        let mask = code_spans(line);
        self.clarifications(line, start, &mask);
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        let content = &line[indent..];
        let (marker, item) = list_item(content);
        let item_start = indent + marker;
        if item.is_empty() && content.is_empty() {
            return;
        }
        // A line at or left of a task's marker that starts another block ends the task.
        if let Some((_, task_indent)) = self.task
            && indent <= task_indent
            && (marker > 0 || indent == 0)
        {
            self.task = None;
        }
        if marker > 0
            && let Some((done, after)) = checkbox(item)
        {
            self.task_item(line, start, item_start + after, done, indent, &mask);
            return;
        }
        if marker > 0 && self.in_criteria && indent < 4 && content.as_bytes()[0].is_ascii_digit() {
            self.criterion(line, start, indent, &mask);
            return;
        }
        let body = &line[item_start..];
        if let Some((key, key_range, after)) = bold_key(body) {
            let key_range = start + item_start + key_range.start..start + item_start + key_range.end;
            let rest_at = item_start + after;
            let requirement_id = is_dash_id(key) && !self.configured(IdKind::Task, key)
                || self.configured(IdKind::Requirement, key);
            if self.role == Role::Requirements && self.kind == SetKind::SpecKit && requirement_id {
                if !masked(&mask, item_start) {
                    let rest = line[rest_at..].trim_start_matches(':').trim();
                    let kind = if key.starts_with("SC-") {
                        ItemKind::SuccessCriterion
                    } else {
                        ItemKind::Requirement
                    };
                    self.define(key.to_string(), kind, key_range, start..start + line.len(), rest);
                }
                return;
            }
            let key = key.strip_suffix(':').unwrap_or(key);
            // `**User Story:** As a …`: the title of a Kiro requirement without one.
            if key.eq_ignore_ascii_case("user story")
                && let Some(requirement) = self.facts.definitions.last_mut()
                && requirement.kind == ItemKind::Requirement
                && requirement.title.is_empty()
            {
                requirement.title = title_of(&line[rest_at..]);
            }
            if marker == 0 && !self.seen_h2 && !key.is_empty() && line[rest_at..].starts_with(':') {
                let value = line[rest_at + 1..].trim();
                let value_start = start + line.len() - line[rest_at + 1..].trim_start().len();
                self.facts.metadata.push(Metadata {
                    key: key.to_string(),
                    key_range,
                    value: value.to_string(),
                    value_range: value_start..value_start + value.len(),
                });
            }
        }
        // `_Requirements: 1.1, 2.3_`, `**Validates: Requirements 1.2**` and `Depends on`
        // lines inside a task's item or a property's section.
        self.cite_lists(line, start, &mask);
        if self.task.is_some() {
            self.dash_cites(line, start, 0, &mask);
            self.depends(line, start, &mask);
        }
    }

    /// A line of a seed spec: only the items of its requirement and task sections.
    fn seed_line(&mut self, line: &str, start: usize) {
        let Some((section, _)) = self.seed else {
            return;
        };
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        let content = &line[indent..];
        if content.is_empty() {
            return;
        }
        let mask = code_spans(line);
        let (marker, item) = list_item(content);
        let ordered = marker > 0 && content.as_bytes()[0].is_ascii_digit();
        if let Some((_, task_indent)) = self.task
            && indent <= task_indent
            && (marker > 0 || indent == 0)
        {
            self.task = None;
        }
        // A paragraph at the margin ends the list: the next one numbers afresh.
        if indent == 0 && marker == 0 {
            self.seed_next = None;
        }
        let shown = |reader: &mut Self| {
            let written: u64 = content[..marker - 2].parse().unwrap_or(1);
            let number = reader.seed_next.unwrap_or(written);
            reader.seed_next = Some(number + 1);
            number
        };
        match section {
            SeedSection::Requirements(prefix) => {
                if !ordered || indent >= 4 || masked(&mask, indent) {
                    return;
                }
                let number = shown(self);
                let body_at = indent + marker;
                let body = &line[body_at..];
                match bold_key(body) {
                    Some((key, key_range, after))
                        if is_dash_id(key) || self.configured(IdKind::Requirement, key) =>
                    {
                        let range = start + body_at + key_range.start..start + body_at + key_range.end;
                        let rest = line[body_at + after..].trim_start_matches(':');
                        self.define(
                            key.to_string(),
                            ItemKind::Requirement,
                            range,
                            start..start + line.len(),
                            rest,
                        );
                    }
                    _ => {
                        let range = start + indent..start + indent + marker - 2;
                        self.define(
                            format!("{prefix}-{number}"),
                            ItemKind::Requirement,
                            range,
                            start..start + line.len(),
                            body,
                        );
                    }
                }
            }
            SeedSection::Tasks => {
                let number = (ordered && indent < 4).then(|| shown(self));
                match seed_task(marker, item, number) {
                    Some(task) if !masked(&mask, indent + task.id_range.start) => {
                        let text = &line[indent + task.text_at..];
                        let is_test = text
                            .split(|c: char| !c.is_alphanumeric())
                            .any(|w| w.eq_ignore_ascii_case("test") || w.eq_ignore_ascii_case("tests"));
                        let title = match text.to_ascii_lowercase().find("(depends on") {
                            Some(at) => text[..at].trim_end(),
                            None => text,
                        };
                        let range = start + indent + task.id_range.start..start + indent + task.id_range.end;
                        self.define(task.id, ItemKind::Task, range, start..start + line.len(), title);
                        let index = self.facts.definitions.len() - 1;
                        self.facts.definitions[index].done = Some(task.done);
                        self.facts.definitions[index].is_test = is_test;
                        self.task = Some((index, indent));
                        self.dash_cites(line, start, indent + task.text_at, &mask);
                        self.depends(line, start, &mask);
                    }
                    _ if self.task.is_some() => {
                        self.dash_cites(line, start, 0, &mask);
                        self.depends(line, start, &mask);
                    }
                    _ => {}
                }
            }
        }
    }

    /// In a seed spec, the dash ids that are requirements: `FR-`, `NFR-` and those the
    /// spec defines (`AUTH-1` in a task is another spec).
    fn seed_requirement(&self, id: &str) -> bool {
        id.starts_with("FR-")
            || id.starts_with("NFR-")
            || self.configured(IdKind::Requirement, id)
            || self
                .facts
                .definitions
                .iter()
                .any(|d| d.kind == ItemKind::Requirement && d.id == id)
    }

    fn define(&mut self, id: String, kind: ItemKind, range: Range<usize>, line: Range<usize>, rest: &str) {
        self.facts.definitions.push(Definition {
            id,
            kind,
            range,
            line,
            title: title_of(rest),
            done: None,
            depends: Vec::new(),
            cites: Vec::new(),
            is_test: false,
        });
    }

    fn task_item(
        &mut self,
        line: &str,
        start: usize,
        after_box: usize,
        done: bool,
        indent: usize,
        mask: &[Range<usize>],
    ) {
        if self.role != Role::Tasks {
            return;
        }
        let rest = &line[after_box..];
        // Kiro marks optional tasks `- [ ]* 2.1 …`.
        let skipped = rest.len() - rest.trim_start_matches(['*', ' ', '\t']).len();
        let id_at = after_box + skipped;
        let word = &line[id_at..];
        let built_in = match self.kind {
            SetKind::SpecKit => task_id_len(word),
            SetKind::Kiro | SetKind::Seed => number_len(word),
        };
        let id_len = match built_in {
            0 => self.configured_task_len(word),
            len => len,
        };
        if id_len == 0 || masked(mask, id_at) {
            return;
        }
        let id = word[..id_len].trim_end_matches('.').to_string();
        let id_range = start + id_at..start + id_at + id[..].len();
        let text = &line[id_at + id_len..];
        let is_test = text
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w.eq_ignore_ascii_case("test") || w.eq_ignore_ascii_case("tests"));
        let title = strip_labels(text);
        // `(depends on T010)` is shown as the dependencies, not as the title.
        let title = match title.to_ascii_lowercase().find("(depends on") {
            Some(at) => title[..at].trim_end(),
            None => title,
        };
        self.define(id, ItemKind::Task, id_range, start..start + line.len(), title);
        let index = self.facts.definitions.len() - 1;
        self.facts.definitions[index].done = Some(done);
        self.facts.definitions[index].is_test = is_test;
        self.task = Some((index, indent));
        let text_at = id_at + id_len;
        self.story_labels(line, start, text_at, mask);
        self.dash_cites(line, start, text_at, mask);
        self.cite_lists(line, start, mask);
        self.depends(line, start, mask);
    }

    fn criterion(&mut self, line: &str, start: usize, indent: usize, mask: &[Range<usize>]) {
        let Some((requirement, _)) = self.requirement.clone() else {
            return;
        };
        let number = line[indent..].bytes().take_while(u8::is_ascii_digit).count();
        if masked(mask, indent) {
            return;
        }
        let id = format!("{requirement}.{}", &line[indent..indent + number]);
        let range = start + indent..start + indent + number;
        let text = line[indent + number..].trim_start_matches(['.', ')']).trim();
        if !is_ears(text) {
            self.facts.not_ears.push((id.clone(), range.clone()));
        }
        self.define(id, ItemKind::Criterion, range, start..start + line.len(), text);
    }

    fn cite(&mut self, id: String, space: Space, range: Range<usize>, depends: bool) {
        let cite = Cite { id, space, range };
        let owner = self
            .task
            .map(|(index, _)| index)
            .or(self.property.map(|(index, _)| index));
        if let Some(owner) = owner {
            let definition = &mut self.facts.definitions[owner];
            if depends {
                definition.depends.push(cite.clone());
            } else if !definition
                .cites
                .iter()
                .any(|c| c.id == cite.id && c.space == cite.space)
            {
                definition.cites.push(cite.clone());
            }
        }
        self.facts.cites.push(cite);
    }

    /// `[US1]` labels of a spec-kit task.
    fn story_labels(&mut self, line: &str, start: usize, from: usize, mask: &[Range<usize>]) {
        let bytes = line.as_bytes();
        let mut i = from;
        while let Some(found) = line[i..].find("[US") {
            let at = i + found + 1;
            let digits = bytes[at + 2..].iter().take_while(|b| b.is_ascii_digit()).count();
            if digits > 0 && bytes.get(at + 2 + digits) == Some(&b']') && !masked(mask, at) {
                self.cite(
                    line[at..at + 2 + digits].to_string(),
                    Space::Requirement,
                    start + at..start + at + 2 + digits,
                    false,
                );
            }
            i = at + 2;
        }
    }

    /// Whether `word` is a configured id of `kind`.
    fn configured(&self, kind: IdKind, word: &str) -> bool {
        self.ids.iter().any(|shape| shape.kind == kind && shape.is(word))
    }

    /// The length of a configured task id at the start of `word` (up to white space,
    /// a trailing `:` or `.` set aside); 0 when there is none.
    fn configured_task_len(&self, word: &str) -> usize {
        let end = word.find(char::is_whitespace).unwrap_or(word.len());
        let candidate = word[..end].trim_end_matches([':', '.', ',']);
        if self.configured(IdKind::Task, candidate) {
            candidate.len()
        } else {
            0
        }
    }

    /// `FR-001`, `SC-002` written as words in a task, and the configured requirement
    /// shapes.
    fn dash_cites(&mut self, line: &str, start: usize, from: usize, mask: &[Range<usize>]) {
        let cited_before = self.facts.cites.len();
        self.built_in_dash_cites(line, start, from, mask);
        let found: Vec<Range<usize>> = self
            .ids
            .iter()
            .filter(|shape| shape.kind == IdKind::Requirement)
            .flat_map(|shape| shape.find_in(line))
            .filter(|range| range.start >= from && !masked(mask, range.start))
            .collect();
        for range in found {
            let at = start + range.start..start + range.end;
            if self.facts.cites[cited_before..].iter().any(|c| c.range == at) {
                continue;
            }
            self.cite(line[range].to_string(), Space::Requirement, at, false);
        }
    }

    fn built_in_dash_cites(&mut self, line: &str, start: usize, from: usize, mask: &[Range<usize>]) {
        let bytes = line.as_bytes();
        let mut i = from;
        while i < bytes.len() {
            let boundary = i == 0 || !bytes[i - 1].is_ascii_alphanumeric() && bytes[i - 1] != b'-';
            if boundary && bytes[i].is_ascii_uppercase() {
                let len = dash_id_len(&line[i..]);
                let word = &line[i..i + len];
                // A dash id configured as a task is no requirement.
                let ours = (self.kind != SetKind::Seed || self.seed_requirement(word))
                    && !self.configured(IdKind::Task, word);
                if len > 0 && ours && !masked(mask, i) {
                    self.cite(
                        line[i..i + len].to_string(),
                        Space::Requirement,
                        start + i..start + i + len,
                        false,
                    );
                    i += len;
                    continue;
                }
            }
            i += 1;
        }
    }

    /// `Requirements: 1.1, 2.3` (Kiro tasks, in `_…_`) and `Validates: Requirements 1.2`.
    fn cite_lists(&mut self, line: &str, start: usize, mask: &[Range<usize>]) {
        let lower = line.to_ascii_lowercase();
        for keyword in ["requirements:", "validates: requirements", "validates:"] {
            let Some(found) = lower.find(keyword) else {
                continue;
            };
            if masked(mask, found)
                || self.kind == SetKind::SpecKit && self.task.is_none() && self.property.is_none()
            {
                return;
            }
            let list_start = found + keyword.len();
            let end = line[list_start..]
                .find(['_', '*', ')', ']'])
                .map_or(line.len(), |e| list_start + e);
            self.id_list(line, start, list_start..end, Space::Requirement, mask);
            return;
        }
    }

    /// `depends on T010, T011` in a task's item.
    fn depends(&mut self, line: &str, start: usize, mask: &[Range<usize>]) {
        let lower = line.to_ascii_lowercase();
        let Some(found) = lower.find("depends on") else {
            return;
        };
        if masked(mask, found) {
            return;
        }
        let list_start = found + "depends on".len();
        let end = line[list_start..]
            .find([')', ']', '_', ';'])
            .map_or(line.len(), |e| list_start + e);
        let before = self.facts.cites.len();
        self.id_list(line, start, list_start..end, Space::Task, mask);
        // The ids of a dependency list are tasks, also in the cites of the task.
        let added: Vec<Cite> = self.facts.cites[before..].to_vec();
        if let Some((index, _)) = self.task {
            self.facts.definitions[index].depends.extend(added);
        }
    }

    /// The ids of a comma (or `and`) separated list.
    fn id_list(
        &mut self,
        line: &str,
        start: usize,
        range: Range<usize>,
        space: Space,
        mask: &[Range<usize>],
    ) {
        let mut i = range.start;
        let end = range.end;
        while i < end {
            let rest = &line[i..end];
            let skip = rest.len() - rest.trim_start_matches([' ', ',', ':', '\t', '`']).len();
            if skip > 0 {
                i += skip;
                continue;
            }
            let word_len = rest.find([' ', ',', '\t']).unwrap_or(rest.len());
            let word = rest[..word_len].trim_end_matches('.');
            let valid = match space {
                Space::Task if self.kind == SetKind::SpecKit => task_id_len(word) == word.len(),
                _ => {
                    number_len(word) == word.len()
                        || dash_id_len(word) == word.len()
                        || story_len(word) == word.len()
                        || task_id_len(word) == word.len() && space == Space::Task
                }
            };
            let kind = match space {
                Space::Task => IdKind::Task,
                _ => IdKind::Requirement,
            };
            let valid = valid || self.configured(kind, word);
            if !word.is_empty() && valid && !masked(mask, i) {
                if space == Space::Task {
                    // Not owned as a cite: `depends` keeps them.
                    self.facts.cites.push(Cite {
                        id: word.to_string(),
                        space,
                        range: start + i..start + i + word.len(),
                    });
                } else {
                    self.cite(word.to_string(), space, start + i..start + i + word.len(), false);
                }
            }
            i += word_len.max(1);
        }
    }

    fn clarifications(&mut self, line: &str, start: usize, mask: &[Range<usize>]) {
        let mut i = 0;
        while let Some(found) = line[i..].find("[NEEDS CLARIFICATION") {
            let at = i + found;
            i = at + 1;
            if masked(mask, at) {
                continue;
            }
            let end = line[at..].find(']').map_or(line.len(), |e| at + e + 1);
            let inner = &line[at + "[NEEDS CLARIFICATION".len()..end];
            let question = inner.trim_start_matches(':').trim_end_matches(']').trim();
            self.facts.clarifications.push(Clarification {
                range: start + at..start + end,
                question: collapse_whitespace(question),
            });
        }
    }

    fn finish(&mut self, headings: &[&specls_syntax::Heading]) {
        if self.role != Role::Tasks {
            return;
        }
        let tasks: Vec<usize> = self
            .facts
            .definitions
            .iter()
            .filter(|d| d.kind == ItemKind::Task)
            .map(|d| d.range.start)
            .collect();
        for heading in headings {
            let holds = tasks
                .iter()
                .any(|at| heading.section_range.start <= *at && *at < heading.section_range.end);
            if holds {
                self.facts.task_headings.push(TaskHeading {
                    title_range: heading.title_range.clone(),
                    section_range: heading.section_range.clone(),
                });
            }
        }
    }
}

/// A task of a seed spec: its id, where the id is written in the line's content, whether
/// its box is checked, and where its text starts.
struct SeedTask {
    id: String,
    id_range: Range<usize>,
    done: bool,
    text_at: usize,
}

/// `1. [ ] **Setup**` (the list's number, `number`), `- 1.1 [ ] Create` and
/// `- [ ] Task 3: Wire` of a seed spec's task section, from the line after its
/// indentation: `marker` is the length of its list marker and `item` the text after it.
fn seed_task(marker: usize, item: &str, number: Option<u64>) -> Option<SeedTask> {
    if marker == 0 {
        return None;
    }
    if let Some(number) = number {
        let (done, after) = checkbox(item)?;
        return Some(SeedTask {
            id: number.to_string(),
            id_range: 0..marker - 2,
            done,
            text_at: marker + after,
        });
    }
    // `- 1.1 [ ] …`: the id before the box.
    let id_len = number_len(item);
    if id_len > 0 {
        let id = item[..id_len].trim_end_matches('.');
        let rest = &item[id_len..];
        let spaces = rest.len() - rest.trim_start_matches(' ').len();
        let (done, after) = checkbox(&rest[spaces..])?;
        return Some(SeedTask {
            id: id.to_string(),
            id_range: marker..marker + id.len(),
            done,
            text_at: marker + id_len + spaces + after,
        });
    }
    // `- [ ] Task 3: …`: the id after the box.
    let (done, after) = checkbox(item)?;
    let rest = &item[after..];
    let spaces = rest.len() - rest.trim_start_matches(' ').len();
    let word = rest[spaces..].strip_prefix("Task ")?;
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || word[digits..].starts_with(|c: char| c.is_alphanumeric()) {
        return None;
    }
    let id_start = marker + after + spaces;
    let id_end = id_start + "Task ".len() + digits;
    Some(SeedTask {
        id: word[..digits].to_string(),
        id_range: id_start..id_end,
        done,
        text_at: id_end,
    })
}

/// `Requirement 12: Title` → ("12", end of the number, "Title").
fn numbered<'a>(title: &'a str, word: &str) -> Option<(String, usize, &'a str)> {
    let rest = title.strip_prefix(word)?.strip_prefix(' ')?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let end = word.len() + 1 + digits;
    let tail = rest[digits..].trim_start_matches([':', ' ', '-', '–', '—', '.']);
    Some((rest[..digits].to_string(), end, tail))
}

/// The length of a list marker with its space (`- `, `* `, `+ `, `1. `, `1) `) and the
/// item's text; `(0, content)` for a line that is no list item.
fn list_item(content: &str) -> (usize, &str) {
    for marker in ["- ", "* ", "+ "] {
        if let Some(item) = content.strip_prefix(marker) {
            return (2, item);
        }
    }
    let digits = content.bytes().take_while(u8::is_ascii_digit).count();
    if (1..10).contains(&digits) {
        let rest = &content[digits..];
        if rest.starts_with(". ") || rest.starts_with(") ") {
            return (digits + 2, &content[digits + 2..]);
        }
    }
    (0, content)
}

/// `[ ] `, `[x] `, `[-] `: whether it is done, and the length up to the text.
fn checkbox(item: &str) -> Option<(bool, usize)> {
    let bytes = item.as_bytes();
    if bytes.len() < 3 || bytes[0] != b'[' || bytes[2] != b']' {
        return None;
    }
    let done = match bytes[1] {
        b'x' | b'X' => true,
        b' ' | b'-' | b'~' => false,
        _ => return None,
    };
    let after = &item[3..];
    if !after.is_empty() && !after.starts_with([' ', '*', '\t']) {
        return None;
    }
    Some((done, 3))
}

/// `**KEY**` at the start of `body`: the key, its range in `body`, and where the text
/// after the closing `**` starts. A colon written inside (`**Status:**`) stays in the key.
fn bold_key(body: &str) -> Option<(&str, Range<usize>, usize)> {
    let inner = body.strip_prefix("**")?;
    let end = inner.find("**")?;
    let key = &inner[..end];
    if key.is_empty() || key.len() > 60 || key.starts_with(' ') {
        return None;
    }
    Some((key, 2..2 + end, 2 + end + 2))
}

/// `T012`.
fn task_id_len(word: &str) -> usize {
    let bytes = word.as_bytes();
    if bytes.first() != Some(&b'T') {
        return 0;
    }
    let digits = bytes[1..].iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || bytes.get(1 + digits).is_some_and(|b| b.is_ascii_alphanumeric()) {
        return 0;
    }
    1 + digits
}

/// `US3`.
fn story_len(word: &str) -> usize {
    let Some(rest) = word.strip_prefix("US") else {
        return 0;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 { 0 } else { 2 + digits }
}

/// `1`, `1.2`, `1.2.` (the trailing dot counted, not part of the id).
fn number_len(word: &str) -> usize {
    let bytes = word.as_bytes();
    let mut i = 0;
    loop {
        let digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return if i == 0 { 0 } else { i };
        }
        i += digits;
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            if !bytes.get(i).is_some_and(u8::is_ascii_digit) {
                return i;
            }
        } else {
            return if bytes.get(i).is_some_and(|b| b.is_ascii_alphabetic()) {
                0
            } else {
                i
            };
        }
    }
}

/// `FR-001`, `NFR-12`, `SC-003`: capitals, a dash, digits.
fn dash_id_len(word: &str) -> usize {
    let bytes = word.as_bytes();
    let letters = bytes.iter().take_while(|b| b.is_ascii_uppercase()).count();
    if letters == 0 || letters > 6 || bytes.get(letters) != Some(&b'-') {
        return 0;
    }
    let digits = bytes[letters + 1..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0
        || bytes
            .get(letters + 1 + digits)
            .is_some_and(|b| b.is_ascii_alphanumeric())
    {
        return 0;
    }
    letters + 1 + digits
}

fn is_dash_id(word: &str) -> bool {
    !word.is_empty() && dash_id_len(word) == word.len()
}

/// EARS: `WHEN/WHILE/IF/WHERE … SHALL …`, or the ubiquitous `THE … SHALL …`.
pub(crate) fn is_ears(text: &str) -> bool {
    let plain = text.replace("**", "");
    let mut words = plain.split_whitespace();
    let first = words
        .next()
        .unwrap_or_default()
        .trim_matches(|c: char| !c.is_alphabetic());
    let opens = ["when", "while", "if", "where", "the"]
        .iter()
        .any(|w| first.eq_ignore_ascii_case(w));
    opens && words.any(|w| w.trim_matches(|c: char| !c.is_alphabetic()) == "SHALL")
}

/// spec-kit task labels (`[P]`, `[US1]`) before the text.
fn strip_labels(text: &str) -> &str {
    let mut rest = text.trim_start();
    while rest.starts_with('[') {
        match rest.find(']') {
            Some(end) if end < 12 => rest = rest[end + 1..].trim_start(),
            _ => break,
        }
    }
    rest
}

fn title_of(text: &str) -> String {
    let text = text
        .trim()
        .trim_start_matches([':', '-'])
        .trim()
        .replace("**", "");
    let mut title = collapse_whitespace(&text);
    if title.len() > TITLE_LIMIT {
        let cut = (0..=TITLE_LIMIT)
            .rev()
            .find(|&i| title.is_char_boundary(i))
            .unwrap_or(0);
        title.truncate(cut);
        title.push('…');
    }
    title
}

/// The code spans of one line: a run of backticks up to the next run of the same length.
fn code_spans(line: &str) -> Vec<Range<usize>> {
    let bytes = line.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    let mut runs: Vec<(usize, usize)> = Vec::new();
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let run = bytes[i..].iter().take_while(|b| **b == b'`').count();
            runs.push((i, run));
            i += run;
        } else {
            i += 1;
        }
    }
    let mut next = 0;
    while next < runs.len() {
        let (open, len) = runs[next];
        match runs[next + 1..].iter().position(|(_, l)| *l == len) {
            Some(found) => {
                let (close, _) = runs[next + 1 + found];
                spans.push(open..close + len);
                next += found + 2;
            }
            None => next += 1,
        }
    }
    spans
}

fn masked(mask: &[Range<usize>], at: usize) -> bool {
    mask.iter().any(|r| r.contains(&at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(path: &str, text: &str) -> TraceFacts {
        read(Path::new(path), text, &SpecModel::read_fast(text), &[]).expect("a set's file")
    }

    fn ids(facts: &TraceFacts) -> Vec<String> {
        facts
            .definitions
            .iter()
            .map(|d| format!("{:?} {} {:?}", d.kind, d.id, d.title))
            .collect()
    }

    const SPEC: &str = "# Feature Specification: Login\n\n**Feature Branch**: `001-login`\n**Created**: 2026-01-02\n\
        **Status**: Draft\n\n## User Scenarios\n\n### User Story 1 - Sign in (Priority: P1)\n\nText.\n\n\
        ## Requirements\n\n- **FR-001**: System MUST let users sign in. More words.\n\
        - **FR-002**: System MUST lock after [NEEDS CLARIFICATION: how many attempts?] tries.\n\
        - `**FR-009**`: quoted, not a definition\n\n```\n- **FR-010**: in code\n```\n\n\
        ### Success Criteria\n\n- **SC-001**: Users sign in in 10 s.\n";

    #[test]
    fn spec_kit_spec_defines_requirements_stories_and_criteria() {
        let facts = facts("/ws/specs/001-login/spec.md", SPEC);
        assert_eq!(
            ids(&facts),
            [
                "Story US1 \"Sign in\"",
                "Requirement FR-001 \"System MUST let users sign in. More words.\"",
                "Requirement FR-002 \"System MUST lock after [NEEDS CLARIFICATION: how many attempts?] tries.\"",
                "SuccessCriterion SC-001 \"Users sign in in 10 s.\"",
            ]
        );
        let fr = &facts.definitions[1];
        assert_eq!(&SPEC[fr.range.clone()], "FR-001");
        assert_eq!(&SPEC[facts.definitions[0].range.clone()], "User Story 1");
        assert_eq!(facts.clarifications.len(), 1);
        assert_eq!(facts.clarifications[0].question, "how many attempts?");
        let meta: Vec<(&str, &str)> = facts
            .metadata
            .iter()
            .map(|m| (m.key.as_str(), m.value.as_str()))
            .collect();
        assert_eq!(
            meta,
            [
                ("Feature Branch", "`001-login`"),
                ("Created", "2026-01-02"),
                ("Status", "Draft")
            ]
        );
        let status = &facts.metadata[2];
        assert_eq!(&SPEC[status.value_range.clone()], "Draft");
        assert_eq!(&SPEC[status.key_range.clone()], "Status");
    }

    const TASKS: &str = "# Tasks: Login\n\n## Phase 1: Setup\n\n- [x] T001 Create project\n\
        - [ ] T002 [P] [US1] Contract test for sign in (depends on T001)\n\
        - [ ] T003 [US1] Implement FR-001 and `FR-042` in src/login.rs (depends on T001, T002)\n\
        - [ ] not a task id\n- [ ] T\n- [x]\n- [ ] T004 [US9] Depends on T999\n";

    #[test]
    fn spec_kit_tasks_cite_stories_requirements_and_tasks() {
        let facts = facts("/ws/specs/001-login/tasks.md", TASKS);
        let tasks: Vec<String> = facts
            .definitions
            .iter()
            .map(|d| {
                let cites: Vec<&str> = d.cites.iter().map(|c| c.id.as_str()).collect();
                let depends: Vec<&str> = d.depends.iter().map(|c| c.id.as_str()).collect();
                format!(
                    "{} {:?} test={} {:?} {:?} {}",
                    d.id, d.done, d.is_test, cites, depends, d.title
                )
            })
            .collect();
        assert_eq!(
            tasks,
            [
                "T001 Some(true) test=false [] [] Create project",
                "T002 Some(false) test=true [\"US1\"] [\"T001\"] Contract test for sign in",
                "T003 Some(false) test=false [\"US1\", \"FR-001\"] [\"T001\", \"T002\"] Implement FR-001 and `FR-042` in src/login.rs",
                "T004 Some(false) test=false [\"US9\"] [\"T999\"] Depends on T999",
            ]
        );
        for cite in &facts.cites {
            assert_eq!(&TASKS[cite.range.clone()], cite.id);
        }
        assert_eq!(facts.task_headings.len(), 2, "the title and the phase");
    }

    const REQUIREMENTS: &str = "# Requirements Document\n\n## Introduction\n\nText.\n\n## Requirements\n\n\
        ### Requirement 1\n\n**User Story:** As a user, I want to sign in, so that I see my data.\n\n\
        #### Acceptance Criteria\n\n1. WHEN a user submits valid credentials THEN the system SHALL sign them in\n\
        2. The system SHALL lock the account after 5 failures\n3. Users can reset passwords\n\n\
        ### Requirement 2: Sign out\n\n#### Acceptance Criteria\n\n1. IF the session expires THEN the system SHALL sign out\n";

    #[test]
    fn kiro_requirements_and_numbered_criteria() {
        let facts = facts("/ws/.kiro/specs/login/requirements.md", REQUIREMENTS);
        let found: Vec<String> = facts
            .definitions
            .iter()
            .map(|d| format!("{:?} {}", d.kind, d.id))
            .collect();
        assert_eq!(
            found,
            [
                "Requirement 1",
                "Criterion 1.1",
                "Criterion 1.2",
                "Criterion 1.3",
                "Requirement 2",
                "Criterion 2.1"
            ]
        );
        assert_eq!(
            facts.definitions[0].title,
            "As a user, I want to sign in, so that I see my data."
        );
        assert_eq!(facts.definitions[4].title, "Sign out");
        assert_eq!(&REQUIREMENTS[facts.definitions[1].range.clone()], "1");
        let not_ears: Vec<&str> = facts.not_ears.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(not_ears, ["1.3"]);
    }

    #[test]
    fn kiro_tasks_and_design_cite_requirements() {
        let tasks = "# Implementation Plan\n\n- [ ] 1. Set up\n  - Create folders\n  - _Requirements: 1.1, 2.1_\n\n\
            - [x] 2. Sign in\n- [ ]* 2.1 Write tests for sign in\n  - depends on 1\n  - _Requirements: 1.2_\n";
        let facts = facts("/ws/.kiro/specs/login/tasks.md", tasks);
        let found: Vec<String> = facts
            .definitions
            .iter()
            .map(|d| {
                let cites: Vec<&str> = d.cites.iter().map(|c| c.id.as_str()).collect();
                let depends: Vec<&str> = d.depends.iter().map(|c| c.id.as_str()).collect();
                format!("{} {:?} {:?} {:?}", d.id, d.done, cites, depends)
            })
            .collect();
        assert_eq!(
            found,
            [
                "1 Some(false) [\"1.1\", \"2.1\"] []",
                "2 Some(true) [] []",
                "2.1 Some(false) [\"1.2\"] [\"1\"]"
            ]
        );
        let design = "# Design\n\n## Correctness Properties\n\n### Property 1: Sessions expire\n\n\
            *For any* session, it ends.\n\n**Validates: Requirements 2.1, 9.9**\n";
        let facts = super::read(
            Path::new("/ws/.kiro/specs/login/design.md"),
            design,
            &SpecModel::read_fast(design),
            &[],
        )
        .unwrap();
        assert_eq!(facts.definitions[0].id, "Property 1");
        let cites: Vec<&str> = facts.definitions[0].cites.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(cites, ["2.1", "9.9"]);
    }

    #[test]
    fn malformed_lines_are_read_without_panicking() {
        let nasty = "- [ ] T1 (depends on\n- [ ] T2 depends on , , T\n- [ ] 1..2 x\n- [\n- [x\n**\n****\n**FR-1\n\
            - [ ] T3 [US\n- [ ] T4 [US1\n`\n``x`\n[NEEDS CLARIFICATION\n- [ ] T5 é depends on T1é, T2\n";
        for path in [
            "/ws/specs/001-a/tasks.md",
            "/ws/specs/001-a/spec.md",
            "/ws/.kiro/specs/a/tasks.md",
        ] {
            let facts = facts(path, nasty);
            for cite in &facts.cites {
                assert!(nasty.is_char_boundary(cite.range.start) && nasty.is_char_boundary(cite.range.end));
            }
        }
    }

    const SEED: &str = "---\nspec-id: AUTH-1\n---\n\n# Login\n\n## Requirements\n\n### Functional Requirements\n\n\
        1. **Password login**: a customer signs in.\n   - Wrong credentials show one error.\n\
        1. **Passkey login**: without a password.\n\n1. **FR-9**: Written with its id.\n\n\
        Then a paragraph.\n\n4. **Logout**: ends the session.\n\n### Non-Functional Requirements\n\n\
        1. **Performance**: under 300 ms.\n\n## Task Breakdown\n\n\
        1. [x] **Session table** (estimate: 3 hours)\n   - 1.1 [x] Migration for FR-1\n\
        2. [ ] **Endpoints** (FR-1, FR-2, `FR-3`, AUTH-2, HTTP-2) (depends on 1.1)\n\
           - 2.1 [ ] Tests for NFR-1\n     covers FR-4 too\n\
        - [ ] unnumbered\n\n## Success Criteria\n\n1. [ ] Not a task\n- FR-5 not a cite\n\n\
        ## Implementation Plan\n\n### Phase 1\n- [ ] Task 1: Schema\n- [x] Task 2: Models (depends on Task 1)\n- [ ] Tasks are many\n";

    /// The seed facts of a text as an index entry reads them: its seed sections only.
    fn seed_facts(path: &Path, text: &str, ids: &[IdShape]) -> Option<TraceFacts> {
        let model = SpecModel::read_fast(text);
        let sections: Vec<(usize, String)> = seed_sections(&model)
            .into_iter()
            .map(|section| (section.start, text[section].to_string()))
            .collect();
        read_seed(path, &sections, &model, ids)
    }

    #[test]
    fn seed_specs_number_requirements_and_tasks() {
        let facts = seed_facts(Path::new("/ws/specs/login.md"), SEED, &[]).unwrap();
        assert_eq!(facts.kind, SetKind::Seed);
        let found: Vec<String> = facts
            .definitions
            .iter()
            .map(|d| {
                let cites: Vec<&str> = d.cites.iter().map(|c| c.id.as_str()).collect();
                let depends: Vec<&str> = d.depends.iter().map(|c| c.id.as_str()).collect();
                format!(
                    "{:?} {} <{}> {:?} {cites:?} {depends:?} {}",
                    d.kind,
                    d.id,
                    &SEED[d.range.clone()],
                    d.done,
                    d.title
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                "Requirement FR-1 <1> None [] [] Password login: a customer signs in.",
                "Requirement FR-2 <1> None [] [] Passkey login: without a password.",
                "Requirement FR-9 <FR-9> None [] [] Written with its id.",
                "Requirement FR-4 <4> None [] [] Logout: ends the session.",
                "Requirement NFR-1 <1> None [] [] Performance: under 300 ms.",
                "Task 1 <1> Some(true) [] [] Session table (estimate: 3 hours)",
                "Task 1.1 <1.1> Some(true) [\"FR-1\"] [] Migration for FR-1",
                "Task 2 <2> Some(false) [\"FR-1\", \"FR-2\"] [\"1.1\"] Endpoints (FR-1, FR-2, `FR-3`, AUTH-2, HTTP-2)",
                "Task 2.1 <2.1> Some(false) [\"NFR-1\", \"FR-4\"] [] Tests for NFR-1",
                "Task 1 <Task 1> Some(false) [] [] Schema",
                "Task 2 <Task 2> Some(true) [] [\"1\"] Models",
            ]
        );
        for cite in &facts.cites {
            assert_eq!(&SEED[cite.range.clone()], cite.id);
        }
    }

    #[test]
    fn specs_without_numbered_sections_have_no_seed_facts() {
        let text = "# Login\n\n## Overview\n\n1. [ ] FR-1\n\n## Functional Requirements\n\nProse only.\n";
        assert_eq!(seed_facts(Path::new("/ws/a.md"), text, &[]), None);
        let template = include_str!("../../templates/feature-spec.md");
        let facts = seed_facts(Path::new("/ws/t.md"), template, &[]).unwrap();
        let ids: Vec<&str> = facts.definitions.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(
            ids[..8],
            ["FR-1", "FR-2", "NFR-1", "NFR-2", "NFR-3", "NFR-4", "NFR-5", "1"]
        );
        assert_eq!(
            ids.len(),
            7 + 6 + 21,
            "7 requirements, 6 tasks and their 21 steps"
        );
    }

    /// `trace.ids` shapes: `REQ_7` (no built-in shape) defines and is cited like
    /// `FR-007`, `WI-3` (a dash id, but configured as a task) is a task; without the
    /// configuration neither is read.
    #[test]
    fn configured_id_shapes_define_and_cite() {
        let settings = crate::Settings::from_config(
            "trace:\n  ids:\n    - { pattern: \"REQ_[0-9]+\", kind: requirement }\n    - { pattern: \"WI-[0-9]+\", kind: task }\n",
            Path::new("/ws"),
            &|_| Ok(String::new()),
        );
        assert!(settings.problems.is_empty(), "{:?}", settings.problems);
        let spec = "# Spec\n\n## Requirements\n\n- **REQ_7**: Users MUST sign in.\n- **REQ_8x**: not an id\n";
        let tasks =
            "# Tasks\n\n- [ ] WI-1 Build REQ_7, not REQ_77x or `REQ_9` (depends on WI-2)\n- [x] WI-2: Plan\n";
        let read_with = |path: &str, text: &str, ids| {
            read(Path::new(path), text, &SpecModel::read_fast(text), ids).unwrap()
        };
        let found = |facts: &TraceFacts| -> Vec<String> {
            facts
                .definitions
                .iter()
                .map(|d| {
                    let cites: Vec<&str> = d.cites.iter().map(|c| c.id.as_str()).collect();
                    let depends: Vec<&str> = d.depends.iter().map(|c| c.id.as_str()).collect();
                    format!("{:?} {} {cites:?} {depends:?} {}", d.kind, d.id, d.title)
                })
                .collect()
        };
        let ids = &settings.trace_ids;
        assert_eq!(
            found(&read_with("/ws/specs/001-a/spec.md", spec, ids)),
            ["Requirement REQ_7 [] [] Users MUST sign in."]
        );
        let facts = read_with("/ws/specs/001-a/tasks.md", tasks, ids);
        assert_eq!(
            found(&facts),
            [
                "Task WI-1 [\"REQ_7\"] [\"WI-2\"] Build REQ_7, not REQ_77x or `REQ_9`",
                "Task WI-2 [] [] Plan"
            ]
        );
        for cite in &facts.cites {
            assert_eq!(&tasks[cite.range.clone()], cite.id);
        }
        assert!(
            read_with("/ws/specs/001-a/spec.md", spec, &[])
                .definitions
                .is_empty()
        );
        assert!(
            read_with("/ws/specs/001-a/tasks.md", tasks, &[])
                .definitions
                .is_empty()
        );
    }

    #[test]
    fn ears_forms() {
        assert!(is_ears("WHEN x THEN the system SHALL y"));
        assert!(is_ears("The system SHALL log"));
        assert!(is_ears("**WHILE** offline the app SHALL queue"));
        assert!(!is_ears("Users can reset passwords"));
        assert!(!is_ears("WHEN x the system should y"));
    }
}
