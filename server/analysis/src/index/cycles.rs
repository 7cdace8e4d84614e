//! Which specs lie on a `depends-on` cycle: the strongly connected components of the
//! dependency graph (Tarjan's algorithm, iterative), computed once per index version
//! whose dependencies changed, so a check of one spec never walks the whole graph.

use std::collections::HashMap;
use std::sync::Arc;

use super::WorkspaceIndex;

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
        let mut ids: Vec<Arc<str>> = index.definitions.keys().cloned().collect();
        ids.sort_unstable();
        let number: HashMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (&**id, i)).collect();
        let edges: Vec<Vec<usize>> = ids
            .iter()
            .map(|id| {
                index
                    .spec(id)
                    .map(|spec| {
                        spec.field_ids("depends-on")
                            .filter_map(|(target, _)| number.get(target).copied())
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .collect();

        const UNSEEN: usize = usize::MAX;
        let n = ids.len();
        let mut order = vec![UNSEEN; n];
        let mut low = vec![0; n];
        let mut on_stack = vec![false; n];
        let mut stack = Vec::new();
        let mut next_order = 0;
        let mut cycles = Cycles::default();
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
                            cycles.component.insert(ids[member].clone(), components);
                        }
                        components += 1;
                    }
                }
            }
        }
        cycles.keep_graph(&ids, &edges);
        cycles
    }

    /// Keeps the edges inside components, numbered anew, for [`Cycles::path`].
    fn keep_graph(&mut self, ids: &[Arc<str>], edges: &[Vec<usize>]) {
        for id in ids.iter().filter(|id| self.component.contains_key(*id)) {
            self.node.insert(id.clone(), self.ids.len());
            self.ids.push(id.clone());
        }
        self.edges = vec![Vec::new(); self.ids.len()];
        self.reverse = vec![Vec::new(); self.ids.len()];
        for (from, targets) in edges.iter().enumerate() {
            let Some(&a) = self.node.get(&ids[from]) else {
                continue;
            };
            for &to in targets {
                if let Some(&b) = self.node.get(&ids[to])
                    && self.component[&ids[from]] == self.component[&ids[to]]
                {
                    self.edges[a].push(b);
                    self.reverse[b].push(a);
                }
            }
        }
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
        let mut forward: HashMap<usize, usize> = HashMap::from([(start, start)]);
        let mut backward: HashMap<usize, usize> = HashMap::from([(goal, goal)]);
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
}
