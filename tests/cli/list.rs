//! `specls list` and `specls graph` on a small workspace.

use serde_json::Value;

use super::{specls, workspace};

fn spec(id: &str, status: &str, owner: &str, fields: &str) -> String {
    format!(
        "---\nspec-id: {id}\ntitle: Spec {id}\nstatus: {status}\nowner: {owner}\n{fields}---\n\n# Spec {id}\n"
    )
}

fn specs() -> tempfile::TempDir {
    workspace(&[
        (
            "specs/auth.md",
            spec("AUTH-1", "approved", "ana", "tags: [auth, web]\n").as_bytes(),
        ),
        (
            "specs/invoices.md",
            spec(
                "PAY-2",
                "draft",
                "bo",
                "tags: [payments]\ndepends-on: [AUTH-1]\nrelated: [PAY-10]\n",
            )
            .as_bytes(),
        ),
        (
            "specs/refunds.md",
            spec(
                "PAY-10",
                "review",
                "ana",
                "supersedes: [PAY-3]\ndepends-on: [PAY-2, LEGAL-1]\n",
            )
            .as_bytes(),
        ),
        (
            "specs/old.md",
            spec("PAY-3", "superseded", "bo", "superseded-by: [PAY-10]\n").as_bytes(),
        ),
        (
            "docs/search.md",
            b"---\ntitle: Search\nauthor: cy <cy@example.com>, dee <dee@example.com>, and more\nreviewers: [ana]\nstatus: review\n---\n\n# Search\n",
        ),
        ("README.md", b"# Not a spec\n"),
    ])
}

#[test]
fn list_prints_a_table_of_the_specs_in_id_order() {
    let dir = specs();
    let run = specls(dir.path(), &["list"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "\
ID      STATUS      PRIORITY  OWNER                                     TITLE        PATH
AUTH-1  approved    -         ana                                       Spec AUTH-1  specs/auth.md
PAY-2   draft       -         bo                                        Spec PAY-2   specs/invoices.md
PAY-3   superseded  -         bo                                        Spec PAY-3   specs/old.md
PAY-10  review      -         ana                                       Spec PAY-10  specs/refunds.md
-       review      -         cy <cy@example.com>, dee <dee@example.c…  Search       docs/search.md
"
    );
}

#[test]
fn list_filters_combine() {
    let dir = specs();
    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["list", "--format", "json"];
        all.extend_from_slice(args);
        let run = specls(dir.path(), &all);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let listed: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
        listed
            .iter()
            .map(|spec| {
                spec["id"]
                    .as_str()
                    .or(spec["title"].as_str())
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    assert_eq!(ids(&["--owner", "ana"]), ["AUTH-1", "PAY-10"]);
    // An author list names each of its people, by name, e-mail or the whole entry.
    assert_eq!(ids(&["--owner", "dee"]), ["Search"]);
    assert_eq!(ids(&["--owner", "CY@example.com"]), ["Search"]);
    assert_eq!(ids(&["--owner", "dee <dee@example.com>"]), ["Search"]);
    assert!(ids(&["--owner", "example.com"]).is_empty());
    assert_eq!(ids(&["--status", "draft,review"]), ["PAY-2", "PAY-10", "Search"]);
    assert_eq!(ids(&["--template", "design-doc"]), ["Search"]);
    assert_eq!(ids(&["--tag", "web", "--tag", "payments"]), ["AUTH-1", "PAY-2"]);
    assert_eq!(ids(&["--owner", "bo", "--status", "draft"]), ["PAY-2"]);
    assert!(ids(&["--owner", "nobody"]).is_empty());

    let run = specls(
        dir.path(),
        &["list", "--format", "json", "specs", "--tag", "auth"],
    );
    let listed: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        listed,
        serde_json::json!([{
            "id": "AUTH-1", "title": "Spec AUTH-1", "status": "approved", "priority": null,
            "owner": "ana", "template": "feature-spec", "tags": ["auth", "web"], "path": "specs/auth.md"
        }])
    );
    let run = specls(dir.path(), &["list", "--owner", "nobody"]);
    assert_eq!(
        (run.stdout.as_str(), run.stderr.as_str()),
        ("", "specls: no spec matches\n")
    );
}

#[test]
fn graph_draws_mermaid_and_dot() {
    let dir = specs();
    let run = specls(dir.path(), &["graph"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "\
flowchart LR
  n1[\"AUTH-1: Spec AUTH-1 (approved)\"]
  n2[\"LEGAL-1 (unknown)\"]
  n3[\"PAY-2: Spec PAY-2 (draft)\"]
  n4[\"PAY-3: Spec PAY-3 (superseded)\"]
  n5[\"PAY-10: Spec PAY-10 (review)\"]
  n3 -->|depends-on| n1
  n3 ---|related| n5
  n5 -->|depends-on| n2
  n5 -->|depends-on| n3
  n5 -.->|supersedes| n4
  classDef unknown stroke-dasharray: 5 5;
  class n2 unknown;
"
    );
    let run = specls(dir.path(), &["graph", "--format", "dot", "--root", "AUTH-1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "\
digraph specs {
  rankdir=LR;
  node [shape=box, style=rounded];
  \"AUTH-1\" [label=\"AUTH-1\\nSpec AUTH-1\\n(approved)\"];
  \"PAY-2\" [label=\"PAY-2\\nSpec PAY-2\\n(draft)\"];
  \"PAY-2\" -> \"AUTH-1\" [label=\"depends-on\"];
}
"
    );
    let run = specls(dir.path(), &["graph", "--root", "AUTH-1", "--depth", "2"]);
    assert_eq!(
        run.stdout.lines().filter(|l| l.contains("[\"")).count(),
        3,
        "{}",
        run.stdout
    );
    let run = specls(dir.path(), &["graph", "--root", "NOPE-1"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no spec under . defines `NOPE-1`"),
        "{}",
        run.stderr
    );
}
