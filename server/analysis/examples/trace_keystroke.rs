//! Keystroke to diagnostics in a spec-kit set of 300 requirements and 600 tasks: the
//! edit, the document's re-parse and model, its index entry (trace facts included), the
//! index update, its own and its workspace diagnostics (the set's), and the re-check of
//! the set's other file that the edit affects. Medians of 21 keystrokes.
//! `cargo run --release -p specls-analysis --example trace_keystroke [-- REQUIREMENTS]`

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use specls_analysis::index::{FileEntry, WorkspaceIndex, entry_from_text};
use specls_analysis::workspace_checks::{WorkspaceContext, check_workspace};
use specls_analysis::{CheckContext, Settings, check};
use specls_syntax::Document;

fn main() {
    let requirements: usize = std::env::args()
        .nth(1)
        .map_or(300, |n| n.parse().expect("a number"));
    let mut spec = String::from(
        "# Feature Specification: Big\n\n**Created**: 2026-01-02\n**Status**: Draft\n\n## Requirements\n\n",
    );
    let mut tasks = String::from("# Tasks: Big\n\n");
    for i in 1..=requirements {
        if i % 10 == 1 {
            spec.push_str(&format!(
                "\n### User Story {} - Part {} (Priority: P2)\n\n",
                i / 10 + 1,
                i / 10 + 1
            ));
            tasks.push_str(&format!("\n## Phase {}\n\n", i / 10 + 1));
        }
        spec.push_str(&format!(
            "- **FR-{i:03}**: System MUST handle case {i} within 200 ms.\n"
        ));
        for j in 0..2 {
            let t = 2 * i + j;
            let depends = if t > 2 {
                format!(" (depends on T{:04})", t - 1)
            } else {
                String::new()
            };
            tasks.push_str(&format!(
                "- [{}] T{t:04} [US{}] Implement FR-{i:03} part {j} in src/case_{i}.rs{depends}\n",
                if t % 3 == 0 { "x" } else { " " },
                i / 10 + 1
            ));
        }
    }
    let settings = Settings::default();
    let spec_path = Path::new("/ws/specs/001-big/spec.md");
    let tasks_path = Path::new("/ws/specs/001-big/tasks.md");
    let mut index = WorkspaceIndex::from_entries([
        entry_from_text(spec_path, &spec, &settings),
        entry_from_text(tasks_path, &tasks, &settings),
    ]);
    let spec_entry = index.file(spec_path).unwrap().clone();
    let context = CheckContext {
        path: Some(tasks_path),
        settings: &settings,
        today: "2026-01-02",
        set_template: None,
    };
    let mut document = Document::new(&tasks);
    document.model();
    let (mut own, mut dependent) = (Vec::new(), Vec::new());
    for k in 0..21 {
        // Tick a box in the middle of the list: the set's other file must be re-checked.
        let text = document.text();
        let at = text.match_indices("- [ ] T").nth(requirements / 2 + k).unwrap().0 + 3;
        let start = Instant::now();
        document = document.edit(at..at + 1, "x");
        let model = document.model();
        let rope = document.rope();
        let entry = FileEntry::new(Arc::from(tasks_path), &model, &settings, None, &|range| {
            let end = range.end.min(rope.len_bytes());
            rope.byte_slice(range.start.min(end)..end).to_string()
        });
        let change = index.update(entry.clone());
        let workspace = WorkspaceContext {
            index: &index,
            settings: &settings,
            file_exists: &|_| false,
        };
        let mut diagnostics = check(&document, &context);
        diagnostics.extend(check_workspace(&entry, &workspace));
        own.push(start.elapsed());
        let start = Instant::now();
        let change = change.expect("a checkbox is an outward fact");
        assert!(spec_entry.may_see(&change));
        let others = check_workspace(&spec_entry, &workspace);
        dependent.push(start.elapsed());
        if k == 0 {
            eprintln!(
                "{} requirements, {} tasks; {} findings in tasks.md, {} in spec.md",
                requirements,
                2 * requirements,
                diagnostics.len(),
                others.len()
            );
        }
    }
    let median = |mut times: Vec<Duration>| {
        times.sort();
        times[times.len() / 2]
    };
    println!("keystroke → tasks.md diagnostics: {:?} (median)", median(own));
    println!(
        "re-check of spec.md:              {:?} (median)",
        median(dependent)
    );
}
