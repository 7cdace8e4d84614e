//! `specls graph`: the specs and their `depends-on`, `supersedes` and `related` links, as
//! plain nodes and edges for the command line to draw (DOT, Mermaid), for the whole
//! workspace or one spec's neighbourhood.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::index::WorkspaceIndex;
use crate::list::compare_ids;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Relation {
    /// `depends-on`: from the spec to what it needs.
    DependsOn,
    /// `supersedes` (or `superseded-by` read backwards): from the newer spec to the older.
    Supersedes,
    /// `related`: no direction; drawn once per pair.
    Related,
}

impl Relation {
    pub fn name(self) -> &'static str {
        match self {
            Relation::DependsOn => "depends-on",
            Relation::Supersedes => "supersedes",
            Relation::Related => "related",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub id: String,
    pub title: Option<String>,
    pub status: Option<String>,
    /// Whether a spec of the workspace defines the id (an unknown id is drawn all the same).
    pub defined: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub relation: Relation,
}

/// Nodes in id order, edges by their ends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

/// The graph of every spec with an id, or with `root`, of the specs at most `depth`
/// links away from it, in either direction. `None` when no spec defines `root`.
pub fn graph(index: &WorkspaceIndex, root: Option<&str>, depth: usize) -> Option<Graph> {
    let mut edges = BTreeSet::new();
    let mut ids = BTreeSet::new();
    for entry in index.files().filter(|entry| entry.is_spec) {
        let Some(own) = &entry.spec_id else { continue };
        let own = own.text.as_str();
        ids.insert(own.to_string());
        let fields = [
            ("depends-on", Relation::DependsOn, false),
            ("supersedes", Relation::Supersedes, false),
            ("superseded-by", Relation::Supersedes, true),
            ("related", Relation::Related, false),
        ];
        for (field, relation, backwards) in fields {
            for (id, _) in entry.field_ids(field) {
                if id == own {
                    continue;
                }
                let (mut from, mut to) = if backwards { (id, own) } else { (own, id) };
                if relation == Relation::Related && compare_ids(from, to).is_gt() {
                    (from, to) = (to, from);
                }
                ids.insert(id.to_string());
                edges.insert(Edge {
                    from: from.to_string(),
                    to: to.to_string(),
                    relation,
                });
            }
        }
    }
    if let Some(root) = root {
        index.spec(root)?;
        let near: BTreeSet<String> = neighbourhood(&edges, root, depth)
            .into_iter()
            .map(str::to_string)
            .collect();
        ids.retain(|id| near.contains(id.as_str()));
        edges.retain(|edge| near.contains(edge.from.as_str()) && near.contains(edge.to.as_str()));
    }
    let mut nodes: Vec<Node> = ids
        .into_iter()
        .map(|id| {
            let spec = index.spec(&id);
            Node {
                title: spec.and_then(|s| s.title.as_ref()).map(|t| t.text.clone()),
                status: spec.and_then(|s| s.status.as_ref()).map(|s| s.text.clone()),
                defined: spec.is_some(),
                id,
            }
        })
        .collect();
    nodes.sort_by(|a, b| compare_ids(&a.id, &b.id));
    let mut edges: Vec<Edge> = edges.into_iter().collect();
    edges.sort_by(|a, b| {
        compare_ids(&a.from, &b.from)
            .then(a.relation.cmp(&b.relation))
            .then_with(|| compare_ids(&a.to, &b.to))
    });
    Some(Graph { nodes, edges })
}

/// The ids at most `depth` edges from `root`, edges taken in either direction.
fn neighbourhood<'a>(edges: &'a BTreeSet<Edge>, root: &'a str, depth: usize) -> BTreeSet<&'a str> {
    let mut adjacent: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for edge in edges {
        adjacent.entry(&edge.from).or_default().push(&edge.to);
        adjacent.entry(&edge.to).or_default().push(&edge.from);
    }
    let mut seen = BTreeSet::from([root]);
    let mut queue = VecDeque::from([(root, 0)]);
    while let Some((id, distance)) = queue.pop_front() {
        if distance == depth {
            continue;
        }
        for &next in adjacent.get(id).into_iter().flatten() {
            if seen.insert(next) {
                queue.push_back((next, distance + 1));
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::Settings;
    use crate::index::entry_from_text;

    fn index() -> WorkspaceIndex {
        let spec = |id: &str, fields: &str| {
            format!("---\nspec-id: {id}\ntitle: T{id}\nstatus: draft\n{fields}---\n")
        };
        let settings = Settings::default();
        let files = [
            ("a", spec("A-1", "depends-on: [A-2]\nrelated: [A-3]\n")),
            ("b", spec("A-2", "depends-on: [A-4]\n")),
            ("c", spec("A-3", "related: [A-1]\nsuperseded-by: [A-5]\n")),
            ("d", spec("A-4", "depends-on: [X-9]\n")),
            ("e", spec("A-5", "supersedes: [A-3]\n")),
            ("f", spec("A-10", "")),
        ];
        WorkspaceIndex::from_entries(
            files
                .iter()
                .map(|(name, text)| entry_from_text(Path::new(&format!("/ws/{name}.md")), text, &settings)),
        )
    }

    fn edges(graph: &Graph) -> Vec<String> {
        graph
            .edges
            .iter()
            .map(|e| format!("{} {} {}", e.from, e.relation.name(), e.to))
            .collect()
    }

    #[test]
    fn the_whole_graph_has_each_link_once() {
        let graph = graph(&index(), None, 0).unwrap();
        let ids: Vec<&str> = graph.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["A-1", "A-2", "A-3", "A-4", "A-5", "A-10", "X-9"]);
        assert_eq!(
            edges(&graph),
            [
                "A-1 depends-on A-2",
                "A-1 related A-3",
                "A-2 depends-on A-4",
                "A-4 depends-on X-9",
                "A-5 supersedes A-3",
            ]
        );
        let unknown = graph.nodes.iter().find(|n| n.id == "X-9").unwrap();
        assert!(!unknown.defined && unknown.title.is_none());
        assert_eq!(graph.nodes[0].title.as_deref(), Some("TA-1"));
    }

    #[test]
    fn a_root_draws_its_neighbourhood() {
        let index = index();
        let near = graph(&index, Some("A-2"), 1).unwrap();
        assert_eq!(edges(&near), ["A-1 depends-on A-2", "A-2 depends-on A-4"]);
        let wider = graph(&index, Some("A-2"), 2).unwrap();
        assert_eq!(wider.nodes.len(), 5, "{:?}", wider.nodes);
        assert_eq!(graph(&index, Some("A-10"), 3).unwrap().nodes.len(), 1);
        assert!(graph(&index, Some("NOPE-1"), 1).is_none());
    }
}
