//! Traceability in spec sets: spec-kit (`specs/NNN-feature/spec.md`, `plan.md`,
//! `tasks.md`) and Kiro (`.kiro/specs/<feature>/requirements.md`, `design.md`,
//! `tasks.md`). A set is a folder; its files define requirement, criterion, story and
//! task ids and cite them. [`read`] finds the ids of one file with byte ranges,
//! [`SetView`] joins the files of a set, and the diagnostics, lenses, hovers and the
//! coverage matrix are read from it.
//!
//! Which files form a set is a function of the path alone (no I/O), so the index, the
//! editor and `specls check` agree without looking at the disk.

mod check;
pub mod matrix;
pub mod navigate;
mod read;
mod set;
pub mod template;

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

pub use check::{Finding, check_set, display_id};
pub use read::{has_seed_sections, read, read_seed, seed_sections};
pub use set::{Coverage, Placed, SetView};
pub use template::SetTemplate;

use crate::index::FileKey;

/// The layout a set follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetKind {
    SpecKit,
    Kiro,
    /// A spec of a seed template (`feature-spec`, `design-doc`): a set of one file,
    /// whose requirements and tasks are symbols and which no set finding looks at.
    Seed,
}

impl SetKind {
    pub fn name(self) -> &'static str {
        match self {
            SetKind::SpecKit => "spec-kit",
            SetKind::Kiro => "kiro",
            SetKind::Seed => "seed",
        }
    }
}

/// What a file of a set is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// spec-kit `spec.md`, Kiro `requirements.md`: where requirements are defined.
    Requirements,
    /// spec-kit `plan.md`, Kiro `design.md`.
    Design,
    Tasks,
    /// `research.md`, `quickstart.md` and the like: only their clarifications count.
    Other,
}

/// Ids live in separate namespaces: Kiro numbers its tasks `1.1` and its acceptance
/// criteria `1.1` too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Space {
    Requirement,
    Task,
    Property,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemKind {
    /// spec-kit `FR-001`, `NFR-001`; Kiro `Requirement 1`.
    Requirement,
    /// A Kiro acceptance criterion (`1.2`).
    Criterion,
    /// A spec-kit user story (`US1`).
    Story,
    /// A spec-kit success criterion (`SC-001`): a symbol, not something tasks cover.
    SuccessCriterion,
    Task,
    /// A design property (`### Property 1: …`) that validates requirements.
    Property,
}

impl ItemKind {
    pub fn space(self) -> Space {
        match self {
            ItemKind::Task => Space::Task,
            ItemKind::Property => Space::Property,
            _ => Space::Requirement,
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            ItemKind::Requirement => "requirement",
            ItemKind::Criterion => "acceptance criterion",
            ItemKind::Story => "user story",
            ItemKind::SuccessCriterion => "success criterion",
            ItemKind::Task => "task",
            ItemKind::Property => "property",
        }
    }

    /// Whether tasks are expected to cite it.
    pub fn needs_coverage(self) -> bool {
        matches!(self, ItemKind::Requirement | ItemKind::Story)
    }
}

/// An id cited somewhere: a task's `[US1]`, `_Requirements: 1.1_`, `depends on T010`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cite {
    pub id: String,
    pub space: Space,
    pub range: Range<usize>,
}

/// An id defined in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    pub id: String,
    pub kind: ItemKind,
    /// The id as written (`FR-001` of `**FR-001**:`, `Requirement 1` of the heading).
    pub range: Range<usize>,
    /// The item's first line.
    pub line: Range<usize>,
    /// The text after the id, whitespace collapsed and cut short.
    pub title: String,
    /// Tasks only: whether the box is checked.
    pub done: Option<bool>,
    /// Tasks only: the tasks it depends on.
    pub depends: Vec<Cite>,
    /// What the item cites (a task's requirements and stories, a property's
    /// requirements).
    pub cites: Vec<Cite>,
    /// Tasks only: whether it is a test task (its text names a test).
    pub is_test: bool,
}

/// `[NEEDS CLARIFICATION: …]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clarification {
    pub range: Range<usize>,
    pub question: String,
}

/// A line `**Status**: Draft` in a set's file, read like a frontmatter field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    pub key: String,
    pub key_range: Range<usize>,
    pub value: String,
    pub value_range: Range<usize>,
}

/// A heading whose section holds tasks, for "7/12 done".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskHeading {
    pub title_range: Range<usize>,
    pub section_range: Range<usize>,
}

/// What one file contributes to its set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceFacts {
    pub kind: SetKind,
    pub role: Role,
    /// The set's folder.
    pub set: FileKey,
    pub definitions: Vec<Definition>,
    /// Every cite of the file, those of its definitions included, in text order.
    pub cites: Vec<Cite>,
    pub clarifications: Vec<Clarification>,
    /// Kiro acceptance criteria that are not in EARS form: the criterion's id range.
    pub not_ears: Vec<(String, Range<usize>)>,
    pub metadata: Vec<Metadata>,
    pub task_headings: Vec<TaskHeading>,
}

impl TraceFacts {
    /// Whether two versions of a file give the other files of the set the same
    /// findings: the same ids, kinds, cites, dependencies and checkboxes (ranges and
    /// titles only show in hovers and hints, read when asked).
    pub fn same_outward_facts(&self, other: &TraceFacts) -> bool {
        fn cites(c: &[Cite]) -> impl Iterator<Item = (&str, Space)> {
            c.iter().map(|c| (c.id.as_str(), c.space))
        }
        self.kind == other.kind
            && self.role == other.role
            && self.set == other.set
            && self.definitions.len() == other.definitions.len()
            && self.definitions.iter().zip(&other.definitions).all(|(a, b)| {
                a.id == b.id
                    && a.kind == b.kind
                    && a.done == b.done
                    && a.is_test == b.is_test
                    && cites(&a.depends).eq(cites(&b.depends))
                    && cites(&a.cites).eq(cites(&b.cites))
            })
            && cites(&self.cites).eq(cites(&other.cites))
    }

    pub fn definition_at(&self, offset: usize) -> Option<&Definition> {
        self.definitions
            .iter()
            .find(|d| d.range.start <= offset && offset <= d.range.end)
    }

    pub fn cite_at(&self, offset: usize) -> Option<&Cite> {
        self.cites
            .iter()
            .find(|c| c.range.start <= offset && offset <= c.range.end)
    }
}

/// The set a file belongs to, if its path has the shape of one: spec-kit
/// `specs/NNN-name/{spec,plan,tasks,…}.md` (a numbered feature folder), Kiro
/// `.kiro/specs/<name>/{requirements,design,tasks}.md`.
pub fn set_of(path: &Path) -> Option<(SetKind, Role, FileKey)> {
    let name = path.file_name()?.to_str()?;
    let folder = path.parent()?;
    let feature = folder.file_name()?.to_str()?;
    let specs = folder.parent()?;
    if specs.file_name()?.to_str()? != "specs" {
        return None;
    }
    let above = specs
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str());
    let set: FileKey = Arc::from(folder);
    if above == Some(".kiro") {
        let role = match name {
            "requirements.md" => Role::Requirements,
            "design.md" => Role::Design,
            "tasks.md" => Role::Tasks,
            _ => Role::Other,
        };
        return Some((SetKind::Kiro, role, set));
    }
    let digits = feature.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || feature.as_bytes().get(digits) != Some(&b'-') {
        return None;
    }
    let role = match name {
        "spec.md" => Role::Requirements,
        "plan.md" => Role::Design,
        "tasks.md" => Role::Tasks,
        _ if name.ends_with(".md") => Role::Other,
        _ => return None,
    };
    Some((SetKind::SpecKit, role, set))
}

/// The short form of an item's text shown in hints and lists: the first sentence, at
/// most 60 characters.
pub fn short_title(title: &str) -> String {
    let sentence = title
        .split_once(". ")
        .map_or(title, |(first, _)| first)
        .trim_end_matches('.');
    if sentence.chars().count() <= 60 {
        return sentence.to_string();
    }
    let mut short: String = sentence.chars().take(59).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_are_recognised_by_their_paths() {
        let kind = |p: &str| set_of(Path::new(p)).map(|(k, r, s)| (k, r, s.to_path_buf()));
        assert_eq!(
            kind("/ws/specs/001-login/spec.md"),
            Some((SetKind::SpecKit, Role::Requirements, "/ws/specs/001-login".into()))
        );
        assert_eq!(
            kind("/ws/.kiro/specs/login/tasks.md"),
            Some((SetKind::Kiro, Role::Tasks, "/ws/.kiro/specs/login".into()))
        );
        assert_eq!(kind("/ws/specs/login/spec.md"), None, "not a numbered feature");
        assert_eq!(kind("/ws/docs/001-x/spec.md"), None);
        assert_eq!(kind("/ws/specs/001-x/notes.txt"), None);
        assert_eq!(kind("spec.md"), None);
    }

    #[test]
    fn short_titles() {
        assert_eq!(
            short_title("Users MUST sign in. Then more."),
            "Users MUST sign in"
        );
        assert_eq!(short_title(&"x".repeat(80)).chars().count(), 60);
    }
}
