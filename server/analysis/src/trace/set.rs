//! The files of one set joined: which ids are defined where, which tasks cover which
//! requirements, and the cycles of task dependencies.

use std::collections::{HashMap, HashSet, VecDeque};

use super::{Cite, Definition, ItemKind, Role, SetKind, Space, TraceFacts};
use crate::index::{FileEntry, FileKey, WorkspaceIndex};

/// A definition and the file it is in.
#[derive(Debug, Clone, Copy)]
pub struct Placed<'a> {
    pub path: &'a FileKey,
    pub definition: &'a Definition,
}

pub struct SetView<'a> {
    pub kind: SetKind,
    pub folder: FileKey,
    /// The files of the set, sorted by path.
    pub files: Vec<(&'a FileKey, &'a TraceFacts)>,
    definitions: [HashMap<&'a str, Vec<Placed<'a>>>; 3],
    /// The tasks that cite each requirement-space id (for Kiro, a criterion `1.2` also
    /// counts for its requirement `1`).
    tasks_citing: HashMap<&'a str, Vec<Placed<'a>>>,
    properties_citing: HashMap<&'a str, Vec<Placed<'a>>>,
    /// Prefixes the set's definitions use (`FR` of `FR-001`).
    prefixes: HashSet<&'a str>,
    /// The tasks on dependency cycles, with their strongly connected component.
    components: HashMap<&'a str, usize>,
    depends: HashMap<&'a str, Vec<&'a str>>,
}

/// How a requirement is covered.
#[derive(Debug, Clone, Default)]
pub struct Coverage<'a> {
    pub tasks: Vec<Placed<'a>>,
    pub done: usize,
    pub tests: usize,
    pub properties: Vec<Placed<'a>>,
}

impl<'a> SetView<'a> {
    /// The set of `entry` as the index holds it, with `entry` in place of the index's
    /// version of that file.
    pub fn of(entry: &'a FileEntry, index: &'a WorkspaceIndex) -> Option<SetView<'a>> {
        let facts = entry.trace.as_deref()?;
        let others = index
            .set_files(&facts.set)
            .filter(|other| other.path != entry.path)
            .filter_map(|other| Some((&other.path, other.trace.as_deref()?)));
        Some(SetView::new(std::iter::once((&entry.path, facts)).chain(others)))
    }

    /// Every spec-kit and Kiro set of the index, sorted by folder.
    pub fn all(index: &'a WorkspaceIndex) -> Vec<SetView<'a>> {
        let mut folders: Vec<&FileKey> = index.sets().collect();
        folders.sort();
        folders
            .into_iter()
            .map(|folder| {
                SetView::new(
                    index
                        .set_files(folder)
                        .filter_map(|file| Some((&file.path, file.trace.as_deref()?))),
                )
            })
            // A seed spec is a set of one file for navigation only: no matrix.
            .filter(|view| !view.files.is_empty() && view.kind != SetKind::Seed)
            .collect()
    }

    pub fn new(files: impl Iterator<Item = (&'a FileKey, &'a TraceFacts)>) -> SetView<'a> {
        let mut files: Vec<(&FileKey, &TraceFacts)> = files.collect();
        files.sort_by(|a, b| a.0.cmp(b.0));
        let (kind, folder) = files
            .first()
            .map(|(_, facts)| (facts.kind, facts.set.clone()))
            .unwrap_or((SetKind::SpecKit, FileKey::from(std::path::Path::new(""))));
        let mut view = SetView {
            kind,
            folder,
            files: Vec::new(),
            definitions: Default::default(),
            tasks_citing: HashMap::new(),
            properties_citing: HashMap::new(),
            prefixes: HashSet::new(),
            components: HashMap::new(),
            depends: HashMap::new(),
        };
        for (path, facts) in &files {
            for definition in &facts.definitions {
                let placed = Placed { path, definition };
                view.definitions[definition.kind.space() as usize]
                    .entry(definition.id.as_str())
                    .or_default()
                    .push(placed);
                if let Some((prefix, _)) = definition.id.split_once('-') {
                    view.prefixes.insert(prefix);
                }
                let citing = match definition.kind {
                    ItemKind::Task => &mut view.tasks_citing,
                    ItemKind::Property => &mut view.properties_citing,
                    _ => continue,
                };
                for cite in &definition.cites {
                    citing.entry(cite.id.as_str()).or_default().push(placed);
                    if kind == SetKind::Kiro
                        && let Some((requirement, _)) = cite.id.split_once('.')
                    {
                        let list = citing.entry(requirement).or_default();
                        if !list.iter().any(|p| std::ptr::eq(p.definition, definition)) {
                            list.push(placed);
                        }
                    }
                }
            }
        }
        for list in view
            .tasks_citing
            .values_mut()
            .chain(view.properties_citing.values_mut())
        {
            list.dedup_by(|a, b| std::ptr::eq(a.definition, b.definition));
        }
        for (_, facts) in &files {
            for task in facts.definitions.iter().filter(|d| d.kind == ItemKind::Task) {
                let entry = view.depends.entry(task.id.as_str()).or_default();
                entry.extend(task.depends.iter().map(|c| c.id.as_str()));
            }
        }
        view.components = cyclic_components(&view.depends);
        view.files = files;
        view
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.files.iter().any(|(_, facts)| facts.role == role)
    }

    pub fn definitions(&self, space: Space, id: &str) -> &[Placed<'a>] {
        self.definitions[space as usize]
            .get(id)
            .map_or(&[], |v| v.as_slice())
    }

    /// Every definition, in file and text order.
    pub fn all_definitions(&self) -> impl Iterator<Item = Placed<'a>> + '_ {
        self.files.iter().flat_map(|(path, facts)| {
            facts
                .definitions
                .iter()
                .map(move |definition| Placed { path, definition })
        })
    }

    pub fn coverage(&self, definition: &Definition) -> Coverage<'a> {
        let tasks = self
            .tasks_citing
            .get(definition.id.as_str())
            .cloned()
            .unwrap_or_default();
        let done = tasks.iter().filter(|t| t.definition.done == Some(true)).count();
        let tests = tasks.iter().filter(|t| t.definition.is_test).count();
        let properties = self
            .properties_citing
            .get(definition.id.as_str())
            .cloned()
            .unwrap_or_default();
        Coverage {
            tasks,
            done,
            tests,
            properties,
        }
    }

    /// Whether a cite names something the set defines; `None` when it is not read as
    /// an id of the set at all (`HTTP-2` in a task, where no id uses `HTTP`).
    pub fn is_known(&self, cite: &Cite) -> Option<bool> {
        if !self.definitions(cite.space, &cite.id).is_empty() {
            return Some(true);
        }
        let ours = match (self.kind, cite.space) {
            (_, Space::Task) | (SetKind::Kiro | SetKind::Seed, _) => true,
            (SetKind::SpecKit, _) => {
                cite.id.starts_with("US")
                    || cite.id.split_once('-').is_some_and(|(prefix, _)| {
                        matches!(prefix, "FR" | "NFR" | "SC") || self.prefixes.contains(prefix)
                    })
            }
        };
        ours.then_some(false)
    }

    /// The cycle through `task` that its dependency `first` starts, as task ids from
    /// `task` back to it.
    pub fn cycle(&self, task: &str, first: &str) -> Option<Vec<String>> {
        if task == first {
            return Some(vec![task.to_string(), task.to_string()]);
        }
        let component = *self.components.get(task)?;
        if self.components.get(first) != Some(&component) {
            return None;
        }
        // Breadth first from `first` to `task` inside the component: the shortest way back.
        let mut previous: HashMap<&str, &str> = HashMap::new();
        let mut queue = VecDeque::from([first]);
        let mut seen = HashSet::from([first]);
        while let Some(at) = queue.pop_front() {
            if at == task {
                // `first` → … → `task`, read back from `task`.
                let mut back = vec![task];
                let mut step = task;
                while step != first {
                    step = previous[step];
                    back.push(step);
                }
                back.reverse();
                return Some(std::iter::once(task).chain(back).map(str::to_string).collect());
            }
            for next in self.depends.get(at).into_iter().flatten() {
                if self.components.get(next) == Some(&component) && seen.insert(next) {
                    previous.insert(next, at);
                    queue.push_back(next);
                }
            }
        }
        None
    }

    /// Whether a task is done; `None` when no task has the id.
    pub fn task_done(&self, id: &str) -> Option<bool> {
        self.definitions(Space::Task, id)
            .first()
            .and_then(|placed| placed.definition.done)
    }
}

/// The strongly connected components of more than one task (Tarjan's algorithm, as a
/// loop with an explicit stack: a chain of a hundred thousand tasks recurses nowhere).
fn cyclic_components<'a>(graph: &HashMap<&'a str, Vec<&'a str>>) -> HashMap<&'a str, usize> {
    let mut index_of: HashMap<&str, usize> = HashMap::new();
    let mut low: HashMap<&str, usize> = HashMap::new();
    let mut on_stack: HashSet<&str> = HashSet::new();
    let mut stack: Vec<&str> = Vec::new();
    let mut out = HashMap::new();
    let mut counter = 0;
    let mut component = 0;
    let mut nodes: Vec<&str> = graph.keys().copied().collect();
    nodes.sort_unstable();
    for root in nodes {
        if index_of.contains_key(root) {
            continue;
        }
        // (node, next child position)
        let mut work: Vec<(&str, usize)> = vec![(root, 0)];
        index_of.insert(root, counter);
        low.insert(root, counter);
        counter += 1;
        stack.push(root);
        on_stack.insert(root);
        while let Some((node, child)) = work.last().copied() {
            let children = graph.get(node).map_or(&[][..], |c| c.as_slice());
            if child < children.len() {
                work.last_mut().expect("not empty").1 += 1;
                let next = children[child];
                if !graph.contains_key(next) {
                    continue;
                }
                if !index_of.contains_key(next) {
                    index_of.insert(next, counter);
                    low.insert(next, counter);
                    counter += 1;
                    stack.push(next);
                    on_stack.insert(next);
                    work.push((next, 0));
                } else if on_stack.contains(next) {
                    let lowest = low[node].min(index_of[next]);
                    low.insert(node, lowest);
                }
                continue;
            }
            work.pop();
            if let Some((parent, _)) = work.last() {
                let lowest = low[parent].min(low[node]);
                low.insert(parent, lowest);
            }
            if low[node] == index_of[node] {
                let mut members = Vec::new();
                loop {
                    let member = stack.pop().expect("the node is on the stack");
                    on_stack.remove(member);
                    members.push(member);
                    if member == node {
                        break;
                    }
                }
                if members.len() > 1 {
                    for member in members {
                        out.insert(member, component);
                    }
                    component += 1;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_of_a_long_chain_and_a_ring() {
        let names: Vec<String> = (0..100_000).map(|i| format!("T{i}")).collect();
        let mut graph: HashMap<&str, Vec<&str>> = HashMap::new();
        for pair in names.windows(2) {
            graph.insert(&pair[0], vec![&pair[1]]);
        }
        graph.insert(&names[99_999], vec![&names[0]]);
        let components = cyclic_components(&graph);
        assert_eq!(components.len(), 100_000, "one ring");
        graph.insert(&names[99_999], vec![]);
        assert!(cyclic_components(&graph).is_empty(), "a chain");
    }
}
