//! Which specs lie on a `depends-on` cycle: the strongly connected components of the
//! dependency graph (Tarjan's algorithm, iterative), computed once per index version
//! whose dependencies changed, so a check of one spec never walks the whole graph.

use foldhash::HashMap;
use std::sync::Arc;

use super::{FileKey, WorkspaceIndex};

/// The component number of an id on no cycle, while the cycles are computed.
const NOT_ON_CYCLE: u32 = u32::MAX;

#[derive(Debug, Default)]
pub struct Cycles {
    /// For each id on a cycle, its component's number; ids not on a cycle are absent.
    component: HashMap<Arc<str>, u32>,
    /// The graph restricted to the ids on cycles, by node number.
    node: HashMap<Arc<str>, usize>,
    ids: Vec<Arc<str>>,
    edges: Vec<Vec<usize>>,
    reverse: Vec<Vec<usize>>,
}

impl Cycles {
    /// Whether `a` and `b` lie on a common cycle.
    pub fn same_cycle(&self, a: &str, b: &str) -> bool {
        match (self.component.get(a), self.component.get(b)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        }
    }

    pub fn on_cycle(&self, id: &str) -> bool {
        self.component.contains_key(id)
    }

    pub fn compute(index: &WorkspaceIndex) -> Cycles {
        // Sorted: the paths reported must not depend on the maps' hash seed.
        let mut definers: Vec<(&Arc<str>, &FileKey)> = index
            .definitions
            .iter()
            .filter_map(|(id, paths)| Some((id, paths.first()?)))
            .collect();
        definers.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let ids: Vec<Arc<str>> = definers.iter().map(|(id, _)| Arc::clone(id)).collect();
        let number: HashMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (&**id, i)).collect();
        // One pass over the files rather than a lookup by path per id: hashing and
        // comparing paths was most of this function's time on 10,000 specs.
        let mut edges: Vec<Vec<usize>> = vec![Vec::new(); ids.len()];
        for entry in index.files.values() {
            let Some(&node) = entry.spec_id.as_ref().and_then(|id| number.get(id.text.as_str())) else {
                continue;
            };
            let definer = definers[node].1;
            // The id's spec is its first definition ([`WorkspaceIndex::spec`]).
            if Arc::ptr_eq(definer, &entry.path) || **definer == *entry.path {
                edges[node] = entry
                    .field_ids("depends-on")
                    .filter_map(|(target, _)| number.get(target).copied())
                    .collect();
            }
        }

        const UNSEEN: usize = usize::MAX;
        let n = ids.len();
        let mut order = vec![UNSEEN; n];
        let mut low = vec![0; n];
        let mut on_stack = vec![false; n];
        let mut stack = Vec::new();
        let mut next_order = 0;
        let mut component_of = vec![NOT_ON_CYCLE; n];
        let mut components = 0u32;
        for root in 0..n {
            if order[root] != UNSEEN {
                continue;
            }
            // Each frame: a node and how many of its edges were followed.
            let mut frames = vec![(root, 0usize)];
            order[root] = next_order;
            low[root] = next_order;
            next_order += 1;
            stack.push(root);
            on_stack[root] = true;
            while let Some(&mut (node, ref mut followed)) = frames.last_mut() {
                if let Some(&next) = edges[node].get(*followed) {
                    *followed += 1;
                    if order[next] == UNSEEN {
                        order[next] = next_order;
                        low[next] = next_order;
                        next_order += 1;
                        stack.push(next);
                        on_stack[next] = true;
                        frames.push((next, 0));
                    } else if on_stack[next] {
                        low[node] = low[node].min(order[next]);
                    }
                    continue;
                }
                frames.pop();
                if let Some(&(parent, _)) = frames.last() {
                    low[parent] = low[parent].min(low[node]);
                }
                if low[node] == order[node] {
                    let mut members = Vec::new();
                    while let Some(member) = stack.pop() {
                        on_stack[member] = false;
                        members.push(member);
                        if member == node {
                            break;
                        }
                    }
                    if members.len() > 1 {
                        for member in members {
                            component_of[member] = components;
                        }
                        components += 1;
                    }
                }
            }
        }
        Cycles::keep_graph(&ids, &edges, &component_of)
    }

    /// Keeps the ids on cycles, and the edges inside their components numbered anew,
    /// for [`Cycles::path`].
    fn keep_graph(ids: &[Arc<str>], edges: &[Vec<usize>], component_of: &[u32]) -> Cycles {
        let mut cycles = Cycles::default();
        let mut renumbered = vec![usize::MAX; ids.len()];
        for (old, id) in ids.iter().enumerate() {
            if component_of[old] != NOT_ON_CYCLE {
                renumbered[old] = cycles.ids.len();
                cycles.node.insert(id.clone(), cycles.ids.len());
                cycles.component.insert(id.clone(), component_of[old]);
                cycles.ids.push(id.clone());
            }
        }
        cycles.edges = vec![Vec::new(); cycles.ids.len()];
        cycles.reverse = vec![Vec::new(); cycles.ids.len()];
        for (from, targets) in edges.iter().enumerate() {
            if renumbered[from] == usize::MAX {
                continue;
            }
            for &to in targets {
                if component_of[from] == component_of[to] {
                    let (a, b) = (renumbered[from], renumbered[to]);
                    cycles.edges[a].push(b);
                    cycles.reverse[b].push(a);
                }
            }
        }
        cycles
    }

    /// A short `depends-on` path from `from` to `to` on a common cycle, both included.
    /// Searches from both ends at once, so it costs about the square root of what a
    /// search from one end would in a large cycle component.
    pub fn path(&self, from: &str, to: &str) -> Option<Vec<Arc<str>>> {
        if !self.same_cycle(from, to) {
            return None;
        }
        let (start, goal) = (self.node[from], self.node[to]);
        if start == goal {
            return Some(vec![self.ids[start].clone()]);
        }
        let mut forward: HashMap<usize, usize> = [(start, start)].into_iter().collect();
        let mut backward: HashMap<usize, usize> = [(goal, goal)].into_iter().collect();
        let (mut ahead, mut behind) = (vec![start], vec![goal]);
        let meeting = 'search: loop {
            if ahead.is_empty() || behind.is_empty() {
                return None;
            }
            let grow_forward = ahead.len() <= behind.len();
            let (frontier, seen, other, graph) = if grow_forward {
                (&mut ahead, &mut forward, &backward, &self.edges)
            } else {
                (&mut behind, &mut backward, &forward, &self.reverse)
            };
            let mut next = Vec::new();
            for &node in frontier.iter() {
                for &neighbour in &graph[node] {
                    if seen.contains_key(&neighbour) {
                        continue;
                    }
                    seen.insert(neighbour, node);
                    if other.contains_key(&neighbour) {
                        break 'search neighbour;
                    }
                    next.push(neighbour);
                }
            }
            *frontier = next;
        };
        let mut path = vec![meeting];
        let mut at = meeting;
        while at != start {
            at = forward[&at];
            path.push(at);
        }
        path.reverse();
        let mut at = meeting;
        while at != goal {
            at = backward[&at];
            path.push(at);
        }
        Some(path.into_iter().map(|n| self.ids[n].clone()).collect())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::Settings;
    use crate::index::entry_from_text;

    #[test]
    fn paths_follow_the_dependencies_around_a_cycle() {
        let settings = Settings::default();
        let spec = |id: &str, deps: &str| {
            let text = format!("---\nspec-id: {id}\ndepends-on: [{deps}]\n---\n");
            entry_from_text(Path::new(&format!("/ws/{id}.md")), &text, &settings)
        };
        let index = WorkspaceIndex::from_entries([
            spec("A-1", "A-2"),
            spec("A-2", "A-3, A-5"),
            spec("A-3", "A-4"),
            spec("A-4", "A-1"),
            spec("A-5", "A-1"),
            spec("A-6", "A-1"),
        ]);
        let cycles = index.cycles();
        assert!(cycles.on_cycle("A-5") && !cycles.on_cycle("A-6"));
        let path: Vec<String> = cycles
            .path("A-2", "A-1")
            .unwrap()
            .iter()
            .map(|id| id.to_string())
            .collect();
        assert_eq!(path, ["A-2", "A-5", "A-1"]);
        let path: Vec<String> = cycles
            .path("A-3", "A-1")
            .unwrap()
            .iter()
            .map(|id| id.to_string())
            .collect();
        assert_eq!(path, ["A-3", "A-4", "A-1"]);
        assert_eq!(cycles.path("A-6", "A-1"), None);
    }

    #[test]
    fn an_id_defined_twice_takes_the_dependencies_of_its_first_definition() {
        let settings = Settings::default();
        let spec = |path: &str, id: &str, deps: &str| {
            let text = format!("---\nspec-id: {id}\ndepends-on: [{deps}]\n---\n");
            entry_from_text(Path::new(path), &text, &settings)
        };
        let index = WorkspaceIndex::from_entries([
            spec("/ws/a.md", "B-1", "B-2"),
            spec("/ws/b.md", "B-1", "B-3"),
            spec("/ws/c.md", "B-2", "B-1"),
            spec("/ws/d.md", "B-3", "B-1"),
        ]);
        assert_eq!(index.spec("B-1").map(|e| &*e.path), Some(Path::new("/ws/a.md")));
        let cycles = index.cycles();
        assert!(cycles.same_cycle("B-1", "B-2"));
        assert!(!cycles.on_cycle("B-3"), "b.md's dependencies are not B-1's");
    }
}
