//! Completion, data-driven: each case is a document with `$0` at the cursor, and the
//! snapshot shows the cursor's line, the context found there, and the items offered
//! (label, kind, the text the edit replaces → what it writes, detail, flags).

use std::fmt::Write;
use std::path::Path;

use specls_analysis::completion::{
    CompletionInput, Completions, DocumentationKey, complete, context_at, documentation,
};
use specls_analysis::index::entry_from_text;
use specls_analysis::{Settings, WorkspaceIndex};
use specls_syntax::Document;

const TODAY: &str = "2026-03-14";

/// The document without its `$0`, and the cursor's byte offset.
fn cursor(fixture: &str) -> (String, usize) {
    let offset = fixture.find("$0").expect("the fixture marks the cursor with $0");
    (fixture.replacen("$0", "", 1), offset)
}

/// The cursor's line, with `$0` where the cursor is.
fn cursor_line(fixture: &str) -> String {
    let offset = fixture.find("$0").unwrap();
    let start = fixture[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = fixture[offset..].find('\n').map_or(fixture.len(), |i| offset + i);
    fixture[start..end].to_string()
}

/// The specs of a small workspace, under `/ws/specs/`.
fn workspace() -> WorkspaceIndex {
    let settings = Settings::default();
    let spec = |id: &str, title: &str, status: &str, extra: &str| {
        format!(
            "---\nspec-id: {id}\ntitle: {title}\nstatus: {status}\n---\n\n# {title}\n\n## Overview\n\n{title} in one line.\n{extra}"
        )
    };
    let files = [
        (
            "/ws/specs/auth/login.md",
            spec(
                "AUTH-1",
                "Login",
                "approved",
                "\n## Data Model\n\n## Data Model\n",
            ),
        ),
        (
            "/ws/specs/auth/passkeys.md",
            spec("AUTH-2", "Passkeys", "draft", ""),
        ),
        (
            "/ws/specs/auth/sessions.md",
            spec("AUTH-10", "Sessions", "review", ""),
        ),
        (
            "/ws/specs/pay/checkout.md",
            spec("PAY-1", "Checkout", "implemented", ""),
        ),
        ("/ws/README.md", "# Read me\n".to_string()),
    ];
    WorkspaceIndex::from_entries(
        files
            .iter()
            .map(|(path, text)| entry_from_text(Path::new(path), text, &settings)),
    )
}

fn run(fixture: &str, path: &str, snippets: bool) -> Completions {
    let (text, offset) = cursor(fixture);
    let document = Document::new(&text);
    let settings = Settings::default();
    let index = workspace();
    complete(&CompletionInput {
        document: &document,
        offset,
        path: Some(Path::new(path)),
        settings: &settings,
        index: &index,
        today: TODAY,
        snippets,
    })
}

fn render_items(text: &str, completions: &Completions, out: &mut String) {
    if completions.items.is_empty() {
        writeln!(out, "  (nothing)").unwrap();
    }
    for item in &completions.items {
        let replaced = &text[item.edit.range.clone()];
        // Skeletons are long: their first line is enough here (`section_snippets` shows
        // them whole).
        let written = match item.edit.new_text.split_once('\n') {
            Some((first, _)) => format!("{first}…"),
            None => item.edit.new_text.clone(),
        };
        let mut flags = Vec::new();
        if item.preselect {
            flags.push("preselect".to_string());
        }
        if item.snippet {
            flags.push("snippet".to_string());
        }
        if let Some(filter) = item.filter_text.as_ref().filter(|f| **f != item.label) {
            flags.push(format!("filter {filter:?}"));
        }
        writeln!(
            out,
            "  {:?} {:?} {replaced:?} → {written:?} · {}{}",
            item.label,
            item.kind,
            item.detail.as_deref().unwrap_or("-"),
            if flags.is_empty() {
                String::new()
            } else {
                format!(" [{}]", flags.join(", "))
            },
        )
        .unwrap();
    }
    if completions.incomplete {
        writeln!(out, "  (incomplete)").unwrap();
    }
}

/// Renders each case: its name, the cursor's line, and what `show` says of it.
fn cases(list: &[(&str, &str)], show: impl Fn(&str, &mut String)) -> String {
    let mut out = String::new();
    for (name, fixture) in list {
        writeln!(out, "== {name}\n{}", cursor_line(fixture)).unwrap();
        show(fixture, &mut out);
    }
    out
}

const FRONTMATTER: &str = "---\nspec-id: AUTH-3\ntitle: Recovery\nstatus: {STATUS}\npriority: high\ndepends-on: [AUTH-1, {FLOW}]\nrelated:\n  - PAY-1\n  - {BLOCK}\ncreated: {DATE}\n{NEW}\n---\n\n# Recovery\n\n## Overview\n\nText.\n";

/// The frontmatter fixture with `$0` placed in one of its holes.
fn frontmatter(hole: &str, text: &str) -> String {
    let defaults = [
        ("{STATUS}", "draft"),
        ("{FLOW}", "PAY-1"),
        ("{BLOCK}", "AUTH-2"),
        ("{DATE}", "2026-01-01"),
        ("{NEW}", "owner: ana"),
    ];
    let mut out = FRONTMATTER.to_string();
    for (name, default) in defaults {
        out = out.replace(name, if name == hole { text } else { default });
    }
    out
}

fn contexts() -> Vec<(&'static str, String)> {
    vec![
        ("value start", frontmatter("{STATUS}", "$0draft")),
        ("value middle", frontmatter("{STATUS}", "dr$0aft")),
        ("value end", frontmatter("{STATUS}", "draft$0")),
        ("value partly typed", frontmatter("{STATUS}", "dr$0")),
        ("value empty", frontmatter("{STATUS}", "$0")),
        ("flow list item", frontmatter("{FLOW}", "PA$0")),
        ("flow list after comma", frontmatter("{FLOW}", "$0")),
        ("block list item", frontmatter("{BLOCK}", "AU$0")),
        ("block list empty item", frontmatter("{BLOCK}", "$0")),
        ("new key typed", frontmatter("{NEW}", "upd$0")),
        ("new key empty line", frontmatter("{NEW}", "$0")),
        ("written key", frontmatter("{NEW}", "own$0er: ana")),
        ("right after a colon", frontmatter("{NEW}", "updated:$0")),
        ("frontmatter fence", "---$0\nstatus: draft\n---\n".to_string()),
        ("heading start", "# T\n\n#$0\n".to_string()),
        ("heading typed", "# T\n\n## Succ$0\n\n## Overview\n".to_string()),
        (
            "empty body line",
            "# T\n\n## Overview\n\n$0\n\nText.\n".to_string(),
        ),
        (
            "code block",
            "# T\n\n```\n$0\n## not a heading\n```\n".to_string(),
        ),
        ("inline code", "# T\n\nSee `SPEC-0$0` here.\n".to_string()),
        ("bare id", "# T\n\nSee SPEC-0$0 here.\n".to_string()),
        ("bare id prefix", "# T\n\nSee AU$0\n".to_string()),
        ("lowercase word", "# T\n\nSee au$0\n".to_string()),
        ("wiki id", "# T\n\nSee [[AU$0]].\n".to_string()),
        ("wiki id unclosed", "# T\n\nSee [[$0\n".to_string()),
        ("link path", "# T\n\nSee [login](../au$0).\n".to_string()),
        ("own anchor", "# T\n\nSee [below](#ov$0).\n".to_string()),
        ("other anchor", "# T\n\nSee [x](auth/login.md#$0)\n".to_string()),
        ("external link", "# T\n\nSee [x](https://$0)\n".to_string()),
        ("prose", "# T\n\nSome words$0 here.\n".to_string()),
    ]
}

#[test]
fn cursor_contexts() {
    let list = contexts();
    let list: Vec<(&str, &str)> = list.iter().map(|(n, f)| (*n, f.as_str())).collect();
    insta::assert_snapshot!(cases(&list, |fixture, out| {
        let (text, offset) = cursor(fixture);
        let document = Document::new(&text);
        let context = context_at(&document, &document.model(), offset);
        // Ranges shown as the text they cover.
        let shown = format!("{context:?}");
        let shown = regex_ranges(&shown, &text);
        writeln!(out, "→ {shown}").unwrap();
    }));
}

/// Replaces every `a..b` in a debug rendering with `a..b "text"`.
fn regex_ranges(debug: &str, text: &str) -> String {
    let mut out = String::new();
    let mut rest = debug;
    while let Some(dots) = rest.find("..") {
        let before = &rest[..dots];
        let start_digits = before.len() - before.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let after = &rest[dots + 2..];
        let end_digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if start_digits == 0 || end_digits == 0 {
            out.push_str(&rest[..dots + 2]);
            rest = &rest[dots + 2..];
            continue;
        }
        let start: usize = before[before.len() - start_digits..].parse().unwrap();
        let end: usize = after[..end_digits].parse().unwrap();
        out.push_str(&rest[..dots + 2 + end_digits]);
        write!(out, " {:?}", &text[start..end]).unwrap();
        rest = &after[end_digits..];
    }
    out.push_str(rest);
    out
}

#[test]
fn frontmatter_items() {
    let list = [
        ("status partly typed", frontmatter("{STATUS}", "dr$0")),
        ("status after approved", frontmatter("{STATUS}", "approved$0")),
        (
            "priority",
            "---\nspec-id: AUTH-3\npriority: $0\n---\n".to_string(),
        ),
        ("date key", frontmatter("{DATE}", "$0")),
        ("flow list", frontmatter("{FLOW}", "$0")),
        ("block list", frontmatter("{BLOCK}", "AU$0")),
        ("missing keys", frontmatter("{NEW}", "$0")),
        ("right after a colon", frontmatter("{NEW}", "updated:$0")),
        ("spec-id value", "---\nspec-id: $0\n---\n".to_string()),
        ("template value", "---\ntemplate: $0\n---\n".to_string()),
        ("a new file's frontmatter", "---\nsp$0\n---\n".to_string()),
        ("design doc keys", "---\nauthor: ana\n$0\n---\n".to_string()),
    ];
    let list: Vec<(&str, &str)> = list.iter().map(|(n, f)| (*n, f.as_str())).collect();
    insta::assert_snapshot!(cases(&list, |fixture, out| {
        let (text, _) = cursor(fixture);
        render_items(&text, &run(fixture, "/ws/specs/auth/recovery.md", false), out);
    }));
}

const PARTIAL_SPEC: &str = "---\nspec-id: AUTH-3\nstatus: draft\n---\n\n# Recovery\n\n## Overview\n\nText.\n\n{A}\n\n## Requirements\n\n### Functional Requirements\n\nMust.\n\n{B}\n\n## Technical Design\n\n{C}\n";

#[test]
fn section_items() {
    let at = |hole: &str, text: &str| {
        let mut out = PARTIAL_SPEC.to_string();
        for name in ["{A}", "{B}", "{C}"] {
            out = out.replace(name, if name == hole { text } else { "" });
        }
        out
    };
    let list = [
        ("heading after Overview", at("{A}", "## $0")),
        ("empty line in Requirements", at("{B}", "$0")),
        ("level-3 heading in Requirements", at("{B}", "### $0")),
        ("empty line after Technical Design", at("{C}", "$0")),
    ];
    let list: Vec<(&str, &str)> = list.iter().map(|(n, f)| (*n, f.as_str())).collect();
    insta::assert_snapshot!(cases(&list, |fixture, out| {
        let (text, _) = cursor(fixture);
        let completions = run(fixture, "/ws/specs/auth/recovery.md", false);
        render_items(&text, &completions, out);
    }));
}

/// Snippets: tab stops around the template's text, `$` escaped; plain text otherwise.
#[test]
fn section_snippets() {
    let fixture = "---\nspec-id: AUTH-3\n---\n\n# R\n\n## $0\n";
    for snippets in [true, false] {
        let completions = run(fixture, "/ws/specs/r.md", snippets);
        let item = completions
            .items
            .iter()
            .find(|i| i.label == "Dependencies")
            .unwrap();
        let name = if snippets {
            "dependencies_snippet"
        } else {
            "dependencies_plain"
        };
        insta::assert_snapshot!(name, &item.edit.new_text);
        assert_eq!(item.snippet, snippets);
    }
}

#[test]
fn reference_items() {
    let list = [
        ("bare id", "# T\n\nSee AU$0 and more.\n"),
        ("bare id with number", "# T\n\nSee AUTH-1$0\n"),
        ("unknown prefix", "# T\n\nSee API$0\n"),
        ("wiki id unclosed", "# T\n\nSee [[$0\n"),
        ("wiki id closed", "# T\n\nSee [[PA$0]].\n"),
        ("link path", "# T\n\nSee [login]($0)\n"),
        ("link path typed", "# T\n\nSee [login](../pay$0)\n"),
        (
            "own anchor",
            "# T\n\n## Data Model\n\n## Data Model\n\nSee [below](#$0)\n",
        ),
        ("other anchor", "# T\n\nSee [x](login.md#da$0)\n"),
        ("missing file anchor", "# T\n\nSee [x](nothing.md#$0)\n"),
        ("inline code", "# T\n\nSee `AU$0` here.\n"),
    ];
    insta::assert_snapshot!(cases(&list, |fixture, out| {
        let (text, _) = cursor(fixture);
        render_items(&text, &run(fixture, "/ws/specs/auth/recovery.md", false), out);
    }));
}

#[test]
fn plain_markdown_gets_no_sections() {
    let completions = run("# Notes\n\n## $0\n", "/ws/README.md", true);
    assert_eq!(completions, Completions::default());
    let completions = run("# Notes\n\nSee AU$0\n", "/ws/README.md", true);
    assert_eq!(completions.items.len(), 3, "ids are offered in any Markdown");
}

#[test]
fn own_id_is_never_offered() {
    let fixture = "---\nspec-id: AUTH-1\ndepends-on: [$0]\n---\n\nSee AU\n";
    let labels: Vec<String> = run(fixture, "/ws/specs/auth/login.md", false)
        .items
        .into_iter()
        .map(|i| i.label)
        .collect();
    assert_eq!(labels, ["AUTH-2", "AUTH-10", "PAY-1"]);
}

#[test]
fn documentation_is_the_guidance_or_the_summary() {
    let settings = Settings::default();
    let index = workspace();
    let section = DocumentationKey::Section {
        template: "feature-spec".to_string(),
        section: "Technical Design".to_string(),
        subsection: Some("Architecture".to_string()),
    };
    let guidance = documentation(&section, &settings, &index).unwrap();
    assert!(
        guidance.starts_with("High-level architecture diagram"),
        "{guidance}"
    );
    let summary = documentation(&DocumentationKey::Id("PAY-1".to_string()), &settings, &index);
    assert_eq!(summary.as_deref(), Some("Checkout in one line."));
}

/// Thousands of ids: the list stops at 100 and says it is incomplete.
#[test]
fn long_lists_are_cut_and_marked_incomplete() {
    let settings = Settings::default();
    let index = WorkspaceIndex::from_entries((1..=500).map(|n| {
        let text = format!("---\nspec-id: BIG-{n}\n---\n");
        entry_from_text(Path::new(&format!("/ws/big/{n}.md")), &text, &settings)
    }));
    let (text, offset) = cursor("See BIG-$0\n");
    let document = Document::new(&text);
    let completions = complete(&CompletionInput {
        document: &document,
        offset,
        path: Some(Path::new("/ws/a.md")),
        settings: &settings,
        index: &index,
        today: TODAY,
        snippets: false,
    });
    assert!(completions.incomplete);
    assert_eq!(completions.items.len(), 100);
    assert_eq!(completions.items[0].label, "BIG-1");
    assert_eq!(completions.items[99].label, "BIG-100");
}

/// Found by fuzzing: an offset between the `\r` and the `\n` of a line break (which no
/// editor position names, but the API takes) panicked in the cursor's context.
#[test]
fn an_offset_inside_a_line_break_completes_nothing() {
    let text = "# Spec\r\n\r\nText\r\n";
    let document = Document::new(text);
    let settings = Settings::default();
    let index = workspace();
    for offset in [7, 9, 15] {
        assert_eq!(&text[offset - 1..=offset], "\r\n");
        complete(&CompletionInput {
            document: &document,
            offset,
            path: Some(Path::new("/ws/a.md")),
            settings: &settings,
            index: &index,
            today: TODAY,
            snippets: false,
        });
    }
}

const SET_SPEC: &str = "# Feature Specification: Login\n\n**Feature Branch**: `001-login`\n**Created**: {CREATED}\n**Status**: {STATUS}\n\n## Requirements\n\n**Status**: {LATE}\n";

/// A spec-kit spec with `$0` in one of its metadata values.
fn set_spec(hole: &str, text: &str) -> String {
    let mut out = SET_SPEC.to_string();
    for (name, default) in [
        ("{CREATED}", "2026-01-02"),
        ("{STATUS}", "Draft"),
        ("{LATE}", "x"),
    ] {
        out = out.replace(name, if name == hole { text } else { default });
    }
    out
}

/// Bold metadata lines of a set's file get the values their frontmatter namesakes get;
/// the same lines elsewhere (after the first section, outside a set) get none.
#[test]
fn bold_metadata_items() {
    let list = [
        (
            "status empty",
            set_spec("{STATUS}", "$0"),
            "/ws/specs/001-login/spec.md",
        ),
        (
            "status typed",
            set_spec("{STATUS}", "Re$0"),
            "/ws/specs/001-login/spec.md",
        ),
        (
            "status written",
            set_spec("{STATUS}", "Dr$0aft"),
            "/ws/specs/001-login/spec.md",
        ),
        (
            "status in lower case",
            set_spec("{STATUS}", "draft$0"),
            "/ws/specs/001-login/spec.md",
        ),
        (
            "right after the colon",
            "# S\n\n**Status**:$0\n".to_string(),
            "/ws/specs/001-login/spec.md",
        ),
        (
            "created",
            set_spec("{CREATED}", "$0"),
            "/ws/specs/001-login/spec.md",
        ),
        (
            "in the key",
            set_spec("{STATUS}", "Draft").replace("**Sta", "**Sta$0"),
            "/ws/specs/001-login/spec.md",
        ),
        (
            "other key",
            set_spec("{STATUS}", "Draft").replace("`001-login`", "$0"),
            "/ws/specs/001-login/spec.md",
        ),
        (
            "after the first section",
            set_spec("{LATE}", "$0"),
            "/ws/specs/001-login/spec.md",
        ),
        ("outside a set", set_spec("{STATUS}", "$0"), "/ws/notes/login.md"),
    ];
    insta::assert_snapshot!(list.iter().fold(String::new(), |mut out, (name, fixture, path)| {
        writeln!(out, "== {name} ({path})\n{}", cursor_line(fixture)).unwrap();
        let (text, _) = cursor(fixture);
        render_items(&text, &run(fixture, path, false), &mut out);
        out
    }));
}
