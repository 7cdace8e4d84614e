//! Precision on real specs: each test is a finding that real repositories (Kubernetes KEPs,
//! Rust RFCs, MADR records, Ethereum EIPs) showed to be wrong, made as small as it gets,
//! checked the way CI runs `specls check`.

use super::{diagnostic_lines, specls, workspace};

/// `path:line:col: severity[code]: message` lines of `specls check` in `dir`.
fn findings(files: &[(&str, &str)]) -> Vec<String> {
    let files: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
    let dir = workspace(&files);
    let run = specls(dir.path(), &["check"]);
    assert!(run.code <= 1, "{}{}", run.stdout, run.stderr);
    diagnostic_lines(&run.stdout)
        .iter()
        .filter(|line| line.contains("]: "))
        .map(|line| line.to_string())
        .collect()
}

/// A template in the MADR style: H2 sections, optional ones said so in a comment.
const MADR_TEMPLATE: &str = "---\nstatus: proposed\ndate: YYYY-MM-DD\n# optional\ndeciders: [list]\nconsulted: [list]\n\n---\n\n# {short title of solved problem and solution}\n\n## Context and Problem Statement\n\n{Describe the context and problem statement}\n\n<!-- This is an optional element. Feel free to remove. -->\n## Decision Drivers\n\n* {decision driver 1}\n\n## Considered Options\n\n* {title of option 1}\n\n## Decision Outcome\n\nChosen option: \"{title of option 1}\"\n\n## More Information (optional)\n\n{You might want to provide additional evidence}\n";

fn madr_config() -> &'static str {
    "templates:\n  - name: madr\n    file: template.md\n    match: [\"decisions/*.md\"]\nvalues:\n  status: [proposed, accepted]\n"
}

#[test]
fn headings_match_template_sections_whatever_their_numbering_and_markup() {
    let spec = "---\nstatus: accepted\ndate: 2024-01-02\n---\n\n# Use Postgres\n\n## 1. context and problem statement\n\nWe need a database.\n\n## 2. **Considered** `Options`:\n\n* Postgres\n\n## A. Decision-Outcome (if applicable)\n\nChosen option: Postgres.\n";
    let found = findings(&[
        (".specls.yaml", madr_config()),
        ("template.md", MADR_TEMPLATE),
        ("decisions/0001-db.md", spec),
    ]);
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn optional_sections_said_so_in_a_comment_are_not_required_nor_empty() {
    let eip_template = "---\ntitle: <The EIP title>\nstatus: Draft\n---\n\n## Abstract\n\n<!--\n  Summary.\n-->\n\n## Motivation\n\n<!--\n  This section is optional.\n\n  Why.\n-->\n\n## Test Cases\n\n<!--\n  This section is optional for non-Core EIPs.\n-->\n\n## Copyright\n\nCopyright and related rights waived via [CC0](../LICENSE.md).\n";
    let config = "templates:\n  - name: eip\n    file: eip-template.md\n    match: [\"EIPS/*.md\"]\nvalues:\n  status: [Draft, Final]\n";
    let spec = "---\ntitle: A thing\nstatus: Final\n---\n\n## Abstract\n\nIt does a thing.\n\n## Test Cases\n\n## Copyright\n\nCopyright and related rights waived via [CC0](../LICENSE.md).\n";
    let madr = "---\nstatus: accepted\ndate: 2024-01-02\n---\n\n# Use Postgres\n\n## Context and Problem Statement\n\nWe need a database.\n\n## Considered Options\n\n* Postgres\n\n## Decision Outcome\n\nChosen option: Postgres.\n";
    let found = findings(&[
        (".specls.yaml", config),
        ("eip-template.md", eip_template),
        ("LICENSE.md", "CC0\n"),
        ("EIPS/eip-1.md", spec),
        ("madr/.specls.yaml", madr_config()),
        ("madr/template.md", MADR_TEMPLATE),
        ("madr/decisions/0001-db.md", madr),
    ]);
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn a_section_left_with_the_template_comment_only_is_empty() {
    let eip_template = "---\ntitle: <The EIP title>\n---\n\n## Abstract\n\n<!--\n  Summary.\n-->\n";
    let config = "templates:\n  - name: eip\n    file: eip-template.md\n    match: [\"EIPS/*.md\"]\n";
    let spec = "---\ntitle: A thing\n---\n\n## Abstract\n\n<!--\n  Summary.\n-->\n";
    let found = findings(&[
        (".specls.yaml", config),
        ("eip-template.md", eip_template),
        ("EIPS/eip-1.md", spec),
    ]);
    assert_eq!(
        found,
        [
            "EIPS/eip-1.md:5:4: information[empty-section]: `Abstract` still holds only the template's guidance"
        ]
    );
}

#[test]
fn templates_with_h1_sections_are_matched_at_that_level() {
    let template = "---\nstatus: draft\n---\n\n# Summary\n\nOne paragraph.\n\n# Motivation\n\nWhy.\n\n# Unresolved questions (optional)\n\nWhat.\n";
    let config = "templates:\n  - name: rfc\n    file: template.md\n    match: [\"text/*.md\"]\n";
    let good = "---\nstatus: draft\n---\n\n# Summary\n\nA thing.\n\n# Motivation\n\nBecause.\n";
    let missing = "---\nstatus: draft\n---\n\n# Summary\n\nA thing.\n";
    let found = findings(&[
        (".specls.yaml", config),
        ("template.md", template),
        ("text/0001-good.md", good),
        ("text/0002-missing.md", missing),
    ]);
    assert_eq!(
        found,
        ["text/0002-missing.md:5:3: warning[missing-section]: missing section `# Motivation` (template rfc)"]
    );
}

#[test]
fn optional_frontmatter_fields_and_per_template_field_rules() {
    let template = "---\nstatus: proposed\ndate: YYYY-MM-DD\n# optional\ndeciders: [list]\nconsulted: [list]\n\ncategory: <Core> # Only required for Standards Track. Otherwise, remove this field.\nticket: <id>\n---\n\n# {title}\n";
    let config = "templates:\n  - name: adr\n    file: template.md\n    match: [\"adr/*.md\"]\n    fields:\n      ticket: {required: false, pattern: \"[A-Z]+-[0-9]+\"}\n      date: {type: date}\n      reviewed: {type: date}\n      count: {type: number}\n      labels: {type: list}\n      status: {values: [proposed, accepted]}\n";
    let good = "---\nstatus: accepted\ndate: 2024-01-02\n---\n\n# Use Postgres\n";
    let bad = "---\nstatus: done\ndate: 2024-01-02\nticket: nope\nreviewed: soon\ncount: many\nlabels: a\n---\n\n# Use Postgres\n";
    let found = findings(&[
        (".specls.yaml", config),
        ("template.md", template),
        ("adr/0001-good.md", good),
        ("adr/0002-bad.md", bad),
    ]);
    assert_eq!(
        found,
        [
            "adr/0002-bad.md:2:9: error[invalid-value]: `done` is not a valid status; allowed: proposed, accepted",
            "adr/0002-bad.md:4:9: error[invalid-value]: `nope` is not a valid ticket: it must match `[A-Z]+-[0-9]+`",
            "adr/0002-bad.md:5:11: error[invalid-date]: `soon` is not a date: write YYYY-MM-DD, e.g. 2026-01-01",
            "adr/0002-bad.md:6:8: error[invalid-value]: `many` is not a valid count: it must be a number",
            "adr/0002-bad.md:7:9: error[invalid-value]: `a` is not a valid labels: it must be a list",
        ]
        .map(|line| line.replace("2026-01-01", &today())),
    );
}

fn today() -> String {
    jiff::Zoned::now().date().to_string()
}

/// EIPs: the id is a number in `eip:`, references are `requires: 2718, 2930`, and
/// proposals moved elsewhere are stubs with a frontmatter only.
#[test]
fn id_and_reference_fields_are_configurable() {
    let template = "---\neip: <number>\ntitle: <The EIP title>\nstatus: Draft\nrequires: <EIP number(s)> # Only required when you reference an EIP. Otherwise, remove this field.\n---\n\n## Abstract\n\n<!--\n  Summary.\n-->\n";
    let config = "templates:\n  - name: eip\n    file: eip-template.md\n    match: [\"EIPS/*.md\"]\n    fields:\n      requires: {type: reference}\n    stubs:\n      status: [Moved]\nid-field: eip\nid-pattern: \"[0-9]+\"\nvalues:\n  status: [Draft, Final, Moved]\n";
    let eip = |n: u32, requires: &str| {
        format!(
            "---\neip: {n}\ntitle: EIP {n}\nstatus: Final\n{requires}---\n\n## Abstract\n\nSee [EIP-1](./eip-1.md).\n"
        )
    };
    let found = findings(&[
        (".specls.yaml", config),
        ("eip-template.md", template),
        ("EIPS/eip-1.md", &eip(1, "")),
        ("EIPS/eip-2.md", &eip(2, "requires: 1\n")),
        ("EIPS/eip-3.md", &eip(3, "requires: 1, 2, 99\n")),
        (
            "EIPS/eip-4.md",
            "---\neip: 4\nstatus: Moved\n---\n\nThis file was moved.\n",
        ),
        (
            "EIPS/eip-5.md",
            &eip(5, "requires: 1\n").replace("eip: 5", "eip: five"),
        ),
    ]);
    assert_eq!(
        found,
        [
            "EIPS/eip-3.md:5:17: warning[unknown-reference]: `99` is not the id of any spec in the workspace",
            "EIPS/eip-5.md:2:6: error[invalid-value]: `five` is not a spec id: ids match `[0-9]+`",
        ]
    );
}

#[test]
fn a_template_file_is_never_checked_as_a_spec() {
    let template = "---\nstatus: draft\n---\n\n# {{TITLE}}\n\n## Summary\n\n[Your Name]\n";
    let config =
        "specs: [\"**/*.md\"]\ntemplates:\n  - name: rfc\n    file: template.md\n    match: [\"*.md\"]\n";
    let found = findings(&[(".specls.yaml", config), ("template.md", template)]);
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn a_single_star_in_specs_globs_never_crosses_a_folder() {
    let config = "specs: [\"docs/*.md\"]\n";
    let plain = "# Notes\n\nNothing here.\n";
    let found = findings(&[
        (".specls.yaml", config),
        ("docs/a.md", plain),
        ("docs/deeper/b.md", plain),
    ]);
    assert!(found.iter().all(|l| l.starts_with("docs/a.md:")), "{found:#?}");
    assert!(!found.is_empty());
}

#[test]
fn only_the_templates_own_placeholders_are_unfilled() {
    let template = "---\ntitle: <EIP title>\nowner: {{OWNER}}\n---\n\n# [Feature Name]\n\n## Summary\n\n[Your Name] wrote {title of option 1} for <EIP title>.\n";
    let config = "templates:\n  - name: t\n    file: template.md\n    match: [\"specs/*.md\"]\n";
    let spec = "---\ntitle: <EIP title>\nowner: ana\n---\n\n# Real\n\n## Summary\n\n[Your Name] and {title of option 1} and <EIP title> and {{LATER}}.\n\nTests: [sig-network] [Feature:Foo] [LinuxOnly] [optional] [it] text[^note].\n\n> [!NOTE]\n> Careful.\n\n- [ ] task\n- [x] done\n\n[^note]: A footnote.\n";
    let found = findings(&[
        (".specls.yaml", config),
        ("template.md", template),
        ("specs/a.md", spec),
    ]);
    assert_eq!(
        found,
        [
            "specs/a.md:2:8: warning[unfilled-placeholder]: `title` still holds the template placeholder `<EIP title>`",
            "specs/a.md:10:1: warning[unfilled-placeholder]: template placeholder `[Your Name]` left in the spec",
            "specs/a.md:10:17: warning[unfilled-placeholder]: template placeholder `{title of option 1}` left in the spec",
            "specs/a.md:10:41: warning[unfilled-placeholder]: template placeholder `<EIP title>` left in the spec",
            "specs/a.md:10:57: warning[unfilled-placeholder]: template placeholder `{{LATER}}` left in the spec",
        ]
    );
}

#[test]
fn a_bracketed_number_as_link_text_is_no_wiki_id() {
    let spec = "---\nspec-id: AUTH-1\nstatus: draft\n---\n\n# T\n\n## Overview\n\nSee [[1]](https://example.com/paper) and [[AUTH-9]].\n";
    let found = findings(&[("specs/a.md", spec)]);
    let references: Vec<&String> = found.iter().filter(|l| l.contains("unknown-reference")).collect();
    assert_eq!(
        references,
        ["specs/a.md:10:44: warning[unknown-reference]: `AUTH-9` is not the id of any spec in the workspace"]
    );
}

#[test]
fn anchors_are_slugs_of_the_rendered_heading_text() {
    let spec = "# Notes\n\n### [logcheck](https://x.io/logcheck)\n\n### The _exec-style_ __bold__ **x** <code>c</code>\n\n### An ![icon](i.png) image\n\nSee [a](#logcheck), [b](#the-exec-style-bold-x-c), [c](#an--image), [d](#nope).\n";
    let found = findings(&[("notes.md", spec), ("i.png", "")]);
    assert_eq!(
        found,
        ["notes.md:9:73: warning[broken-link]: no heading of this document has the anchor `#nope`"]
    );
}

#[test]
fn html_anchors_and_top_are_valid_link_targets() {
    let spec = "# Notes\n\n<a id=\"first\"></a>\n\nText <a name=\"second\">2</a> and <span id='third'>3</span>.\n\n<div id=\"fourth\">\n\nBlock.\n\n</div>\n\n[1](#first) [2](#second) [3](#third) [4](#fourth) [5](#top) [6](#) [7](#fifth)\n";
    let found = findings(&[("notes.md", spec)]);
    assert_eq!(
        found,
        ["notes.md:13:72: warning[broken-link]: no heading of this document has the anchor `#fifth`"]
    );
}

#[test]
fn unused_reference_definitions_and_footnotes_are_no_broken_links() {
    let spec = "# Notes\n\nSee [the plan][plan] and a note[^1].\n\n[plan]: ./missing-plan.md\n[alternatives]: #nowhere\n[^1]:\n    ```json\n    {\"date-parts\": [[2023, 2, 3]]}\n    ```\n";
    let found = findings(&[("notes.md", spec)]);
    assert_eq!(
        found,
        ["notes.md:5:1: warning[broken-link]: `./missing-plan.md` does not exist"]
    );
}

#[test]
fn a_link_to_an_existing_folder_is_valid() {
    let spec = "# Notes\n\nSee [the KEP](../3939-foo/) and [gone](../4000-bar/).\n";
    let found = findings(&[
        ("keps/notes/notes.md", spec),
        ("keps/3939-foo/README.md", "# Foo\n"),
    ]);
    assert_eq!(
        found,
        ["keps/notes/notes.md:3:40: warning[broken-link]: `../4000-bar/` does not exist"]
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_file_is_checked_once_under_its_target_with_its_links() {
    let kep = "---\nstatus: draft\n---\n\n# KEP\n\n## Overview\n\nSee [the design](./design.md) and [more](../other/more.md).\n";
    let files: [(&str, &[u8]); 3] = [
        ("keps/sig-a/1234/README.md", kep.as_bytes()),
        ("keps/sig-a/1234/design.md", b"# Design\n"),
        ("keps/sig-a/other/more.md", b"# More\n"),
    ];
    let dir = workspace(&files);
    std::fs::create_dir_all(dir.path().join("keps/sig-b")).unwrap();
    std::os::unix::fs::symlink(
        dir.path().join("keps/sig-a/1234/README.md"),
        dir.path().join("keps/sig-b/1234.md"),
    )
    .unwrap();
    let run = specls(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "keps/sig-b/1234.md",
            "keps/sig-a/1234/README.md",
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let paths: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    let codes: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(!codes.contains(&"broken-link"), "{}", run.stdout);
    assert!(
        paths.iter().all(|p| *p == "keps/sig-a/1234/README.md"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("1 file"), "{}", run.stderr);
}

#[test]
fn a_file_that_is_not_utf8_is_a_finding_and_the_run_goes_on() {
    let files: [(&str, &[u8]); 2] = [
        ("latin1.md", b"# Caf\xe9\n"),
        ("good.md", b"# Good\n\nSee [gone](gone.md).\n"),
    ];
    let dir = workspace(&files);
    let run = specls(dir.path(), &["check"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        diagnostic_lines(&run.stdout),
        [
            "good.md:3:12: warning[broken-link]: `gone.md` does not exist",
            "latin1.md:1:1: error[encoding]: this file is not valid UTF-8 (at byte 5), so it was not checked",
        ]
    );
}

#[test]
fn a_closing_fence_followed_by_a_tab_closes_the_code_block() {
    let notes = "# Notes\n\n```sh\nmake\n```\t\n\nSee [gone](gone.md).\n";
    let found = findings(&[("notes.md", notes)]);
    assert_eq!(
        found,
        ["notes.md:7:12: warning[broken-link]: `gone.md` does not exist"]
    );
}

/// Copies `from` into `to`, files and folders (the corpus is read-only).
fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::write(&target, std::fs::read(entry.path()).unwrap()).unwrap();
        }
    }
}

/// The 949 real EIPs of `../shared/corpora/eips` with the configuration an EIP editor
/// would write (`tests/fixtures/eips/.specls.yaml`). Each count was judged finding by
/// finding on a sample: a change in precision changes a count and fails here.
#[test]
fn the_eips_check_with_judged_findings() {
    let root = super::repo_root();
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root.join("../shared/corpora/eips"), dir.path());
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::copy(
        root.join("tests/fixtures/eips/.specls.yaml"),
        dir.path().join(".specls.yaml"),
    )
    .unwrap();
    let run = specls(dir.path(), &["check", "--format", "json", "EIPS"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mut counts = std::collections::BTreeMap::new();
    for diagnostic in json.as_array().unwrap() {
        *counts
            .entry(diagnostic["code"].as_str().unwrap().to_string())
            .or_insert(0) += 1;
    }
    let asset_links = json
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "broken-link" && d["message"].as_str().unwrap().contains("../assets/"))
        .count();
    let expected: std::collections::BTreeMap<String, usize> = [
        // 217 of them are `../assets/...` files, which the corpus copy leaves out; the
        // others are `./eip-N` links without `.md` and EIPs that are not in the repository.
        ("broken-link", 268),
        ("empty-section", 6),
        // `description` and `discussions-to` missing from older EIPs (EIP-1 requires them).
        ("missing-field", 238),
        // Mostly `Security Considerations`, required by EIP-1, absent from older EIPs.
        // EIPs written in `#` (EIP-4, EIP-868) or `###` sections (EIP-150) beside a stray
        // heading of the template's level are read at the level of most of their sections.
        ("missing-section", 204),
        ("section-order", 13),
    ]
    .into_iter()
    .map(|(code, n)| (code.to_string(), n))
    .collect();
    assert_eq!(counts, expected);
    assert_eq!(asset_links, 217);
    assert_eq!(
        run.stderr.trim(),
        "723 warnings, 6 information in 289 of 949 files"
    );
}

#[test]
fn a_spec_written_in_h3_throughout_is_matched_at_that_level() {
    let template =
        "---\nstatus: draft\n---\n\n# {{TITLE}}\n\n## Summary\n\nOne paragraph.\n\n## Rationale\n\nWhy.\n";
    let config = "templates:\n  - name: t\n    file: template.md\n    match: [\"specs/*.md\"]\n";
    let spec = "---\nstatus: draft\n---\n\n### Summary\n\nA thing.\n\n### Rationale\n\nBecause.\n";
    let found = findings(&[
        (".specls.yaml", config),
        ("template.md", template),
        ("specs/a.md", spec),
    ]);
    assert_eq!(found, Vec::<String>::new());
}

/// Sections are read at the level most of them are at, when a stray heading of the
/// template's level would make them all missing; a section still missing at that level
/// but written at another is named in the finding.
#[test]
fn sections_are_read_at_the_level_most_of_them_are_at() {
    let template = "---\nstatus: draft\n---\n\n# {{TITLE}}\n\n## Summary\n\nOne paragraph.\n\n## Design\n\nHow.\n\n## Rationale\n\nWhy.\n";
    let config = "templates:\n  - name: t\n    file: template.md\n    match: [\"specs/*.md\"]\n";
    let in_h1 = "---\nstatus: draft\n---\n\n# Summary\n\nA thing.\n\n# Design\n\nParts.\n\n## One part\n\nIt.\n\n# Rationale\n\nBecause.\n";
    let mixed = "---\nstatus: draft\n---\n\n# Title\n\n## Summary\n\nA thing.\n\n## Design\n\nParts.\n\n### Rationale\n\nBecause.\n";
    let found = findings(&[
        (".specls.yaml", config),
        ("template.md", template),
        ("specs/in-h1.md", in_h1),
        ("specs/mixed.md", mixed),
    ]);
    assert_eq!(
        found,
        [
            "specs/mixed.md:11:4: warning[missing-section]: missing section `## Rationale` (template t); `### Rationale` on line 15 is a level-3 heading"
        ]
    );
}

/// GitHub renders a reference link as its text only when its label is defined; an image
/// has no text (its alt text is an attribute), so it gives the anchor nothing, and the
/// space next to it stays (`-title`). The anchor is the slug of the rendered text.
#[test]
fn anchors_of_headings_with_reference_links_and_images() {
    let spec = "# Notes\n\n### [logcheck][lc]\n\n## ![alt](x.png) Title\n\n## ![pic][img] Two\n\n### [kept][nolabel] text\n\nSee [a](#logcheck), [b](#-title), [c](#-two), [d](#keptnolabel-text), [e](#nope), [f](#alt-title).\n\n[lc]: https://x.io/logcheck\n[img]: x.png\n";
    let found = findings(&[("notes.md", spec), ("x.png", "")]);
    assert_eq!(
        found,
        [
            "notes.md:11:75: warning[broken-link]: no heading of this document has the anchor `#nope`",
            "notes.md:11:87: warning[broken-link]: no heading of this document has the anchor `#alt-title`",
        ]
    );
}

/// `![x][img]` uses the definition `[img]`: a used definition that points nowhere is a
/// broken link, an unused one renders nothing.
#[test]
fn image_references_use_their_definitions() {
    let spec = "# Notes\n\nPictures: ![x][img], ![y][gone], ![z][] and ![w].\n\n[img]: ./x.png\n[gone]: ./missing.png\n[z]: ./z-missing.png\n[w]: ./w.png\n[unused]: ./nowhere.png\n";
    let found = findings(&[("notes.md", spec), ("x.png", ""), ("w.png", "")]);
    assert_eq!(
        found,
        [
            "notes.md:6:1: warning[broken-link]: `./missing.png` does not exist",
            "notes.md:7:1: warning[broken-link]: `./z-missing.png` does not exist",
        ]
    );
}

/// `[[2]][r]` is a reference link whose text is `[2]`, as `[[1]](https://x)` is an
/// inline one: no wiki-link ids.
#[test]
fn a_bracketed_number_as_reference_link_text_is_no_wiki_id() {
    let spec = "---\nspec-id: AUTH-1\nstatus: draft\n---\n\n# T\n\n## Overview\n\nSee [[2]][r], [[1]](https://example.com/paper) and [[AUTH-9]].\n\n[r]: https://example.com\n";
    let found = findings(&[("specs/a.md", spec)]);
    let references: Vec<&String> = found.iter().filter(|l| l.contains("unknown-reference")).collect();
    assert_eq!(
        references,
        ["specs/a.md:10:54: warning[unknown-reference]: `AUTH-9` is not the id of any spec in the workspace"]
    );
}

const SECTIONS_TEMPLATE: &str = "---\nstatus: draft\n---\n\n# {{TITLE}}\n\n## Summary\n\nOne.\n\n## Design\n\nTwo.\n\n## Risks\n\nThree.\n";

fn sections_config() -> &'static str {
    "templates:\n  - name: t\n    file: template.md\n    match: [\"specs/*.md\"]\n"
}

/// A heading inside a block quote, a list item or an HTML block is no section of the
/// spec: it neither fills a missing section nor repeats or reorders one. (A heading after
/// a blank line that ends an HTML block is a real one on GitHub.)
#[test]
fn headings_in_quotes_list_items_and_html_blocks_are_no_sections() {
    let spec = "---\nstatus: draft\n---\n\n# Real\n\n## Summary\n\nA thing.\n\n> ## Risks\n>\n> Quoted.\n\n- ## Summary\n\n  An item.\n\n1. ## Risks\n\n<details>\n<summary>More</summary>\n## Risks\n## Summary\n</details>\n\n<div>\n## Summary\n</div>\n\n## Design\n\nB.\n\n> ## Summary\n";
    let found = findings(&[
        (".specls.yaml", sections_config()),
        ("template.md", SECTIONS_TEMPLATE),
        ("specs/a.md", spec),
    ]);
    assert_eq!(
        found,
        ["specs/a.md:31:4: warning[missing-section]: missing section `## Risks` (template t)"]
    );
}

/// tree-sitter-md recovers from a row of empty cells after a row with text with an
/// error that swallows the rest of the document; GitHub ends the table at the blank line.
#[test]
fn a_table_row_of_empty_cells_keeps_the_headings_after_it() {
    let spec = "---\nstatus: draft\n---\n\n# Real\n\n## Summary\n\n| a | b |\n|---|---|\n| x | y |\n| | |\n\n## Design\n\nB.\n\n## Risks\n\nC.\n";
    let found = findings(&[
        (".specls.yaml", sections_config()),
        ("template.md", SECTIONS_TEMPLATE),
        ("specs/a.md", spec),
    ]);
    assert_eq!(found, Vec::<String>::new());
}

/// 40,000 links in one file, to headings, files and nowhere: every one is checked (the
/// time is measured on a release build, not asserted here).
#[test]
fn forty_thousand_links_in_one_file_are_all_checked() {
    let mut spec = String::from("# Notes\n\n## Part\n\n");
    for n in 0..40_000 {
        let link = match n % 4 {
            0 => "[a](#part)".to_string(),
            1 => "[b](./other.md#other)".to_string(),
            2 => "[c](./other.md)".to_string(),
            _ if n % 10_000 == 3 => format!("[d](./gone-{n}.md)"),
            _ => "[e](#notes)".to_string(),
        };
        spec.push_str(&link);
        spec.push_str(if n % 10 == 9 { "\n" } else { " " });
    }
    let found = findings(&[("notes.md", &spec), ("other.md", "# Other\n")]);
    // Each of these follows `[a](#part) [b](./other.md#other) [c](./other.md) ` on its line.
    let lines: Vec<String> = [3, 10_003, 20_003, 30_003]
        .iter()
        .map(|n| {
            let line = 5 + n / 10;
            format!("notes.md:{line}:54: warning[broken-link]: `./gone-{n}.md` does not exist")
        })
        .collect();
    assert_eq!(found, lines);
}
