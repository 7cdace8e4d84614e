//! What CI and editors script against: `--max-warnings`, `--deny warnings`, `--select` and
//! `--ignore`, colour, `--format full` and `--format sarif`, `--stdin-filename`.

use serde_json::Value;

use super::{complete_spec, diagnostic_lines, specls, specls_with, summary_line, urgent_spec, workspace};

/// The complete spec with a placeholder left in it: one warning.
fn warned_spec() -> String {
    format!("{}\nOwner: {{{{OWNER}}}}\n", complete_spec())
}

#[test]
fn warnings_fail_the_run_past_max_warnings_or_when_denied() {
    let dir = workspace(&[
        ("a.md", warned_spec().as_bytes()),
        ("b.md", warned_spec().as_bytes()),
    ]);
    assert_eq!(specls(dir.path(), &["check"]).code, 0, "warnings alone pass");
    assert_eq!(specls(dir.path(), &["check", "--max-warnings", "2"]).code, 0);
    let run = specls(dir.path(), &["check", "--max-warnings", "1"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr, "specls: 2 warnings, more than --max-warnings 1\n");
    assert_eq!(summary_line(&run.stdout), "2 warnings in 2 of 2 files");
    let run = specls(dir.path(), &["check", "--deny", "warnings"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr, "specls: 2 warnings, denied by --deny warnings\n");
    let clean = workspace(&[("a.md", complete_spec().as_bytes())]);
    assert_eq!(
        specls(
            clean.path(),
            &["check", "--deny", "warnings", "--max-warnings", "0"]
        )
        .code,
        0
    );
}

#[test]
fn select_and_ignore_choose_the_codes() {
    let mut spec = urgent_spec();
    spec.push_str("\nOwner: {{OWNER}}\n");
    let dir = workspace(&[("a.md", spec.as_bytes())]);
    let codes = |args: &[&str]| -> (i32, Vec<String>) {
        let mut all = vec!["check", "--format", "json"];
        all.extend_from_slice(args);
        let run = specls(dir.path(), &all);
        let found: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
        (
            run.code,
            found
                .iter()
                .map(|d| d["code"].as_str().unwrap().to_string())
                .collect(),
        )
    };
    assert_eq!(
        codes(&[]),
        (1, vec!["invalid-value".into(), "unfilled-placeholder".into()])
    );
    assert_eq!(
        codes(&["--select", "unfilled-placeholder"]),
        (0, vec!["unfilled-placeholder".into()])
    );
    assert_eq!(
        codes(&["--ignore", "unfilled-placeholder,invalid-value"]),
        (0, vec![])
    );
    assert_eq!(
        codes(&["--select", "invalid-value", "--select", "broken-link"]),
        (1, vec!["invalid-value".into()])
    );
    let run = specls(dir.path(), &["check", "--select", "missing-sections"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("specls: --select: unknown code `missing-sections`; codes are missing-section, "),
        "{}",
        run.stderr
    );
}

#[test]
fn colour_follows_the_flag_and_the_environment() {
    let dir = workspace(&[("a.md", urgent_spec().as_bytes())]);
    let escape = "\u{1b}[";
    let colored = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["check"];
        all.extend_from_slice(args);
        specls_with(dir.path(), &all, env, None).stdout.contains(escape)
    };
    assert!(!colored(&[], &[]), "piped output has no colour");
    assert!(colored(&["--color", "always"], &[]));
    assert!(
        colored(&["--color", "always"], &[("NO_COLOR", "1")]),
        "the flag wins"
    );
    assert!(colored(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!colored(&[], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]));
    assert!(!colored(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]));
    // Colour never changes the text.
    let run = specls(dir.path(), &["check", "--color", "always"]);
    let plain: String = strip_ansi(&run.stdout);
    assert_eq!(plain, specls(dir.path(), &["check"]).stdout);
    // The severity in bold red, the path in bold.
    assert!(
        run.stdout.contains("\u{1b}[1m\u{1b}[31merror\u{1b}[0m"),
        "{:?}",
        run.stdout
    );
    assert!(
        run.stdout.starts_with("\u{1b}[1ma.md:5:11:\u{1b}[0m "),
        "{:?}",
        run.stdout
    );
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn full_format_shows_the_line_with_the_range_underlined() {
    let dir = workspace(&[("specs/a.md", urgent_spec().as_bytes())]);
    let run = specls(dir.path(), &["check", "--format", "full"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let text = &run.stdout;
    assert!(
        text.starts_with("error[invalid-value]: `urgent` is not a valid priority"),
        "{text}"
    );
    assert!(text.contains("specs/a.md:5:11"), "{text}");
    let source = text
        .lines()
        .position(|l| l.ends_with("priority: urgent"))
        .expect("the source line");
    let underline = text.lines().nth(source + 1).unwrap();
    assert_eq!(
        underline.trim_start_matches([' ', '|']).trim_end(),
        "^^^^^^",
        "{text}"
    );
    // The underline starts under `urgent`.
    assert_eq!(
        underline.find('^'),
        text.lines().nth(source).unwrap().find("urgent"),
        "{text}"
    );
    assert_eq!(summary_line(text), "1 error in 1 file");
}

/// The properties SARIF 2.1.0 requires, and those GitHub code scanning reads.
#[test]
fn sarif_output_is_a_valid_log() {
    let mut spec = urgent_spec();
    spec.push_str("\nSee 🔑 {{OWNER}}\n");
    let dir = workspace(&[("specs/my spec.md", spec.as_bytes())]);
    let run = specls(dir.path(), &["check", "--format", "sarif"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr, "1 error, 1 warning in 1 file\n");
    let log: Value = serde_json::from_str(&run.stdout).expect("one JSON document");
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "specls");
    let rules = driver["rules"].as_array().unwrap();
    let rule_ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for code in [
        "missing-section",
        "invalid-value",
        "supersedes-mismatch",
        "config",
    ] {
        assert!(rule_ids.contains(&code), "{code}: {rule_ids:?}");
    }
    for rule in rules {
        assert!(
            rule["shortDescription"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty()),
            "{rule}"
        );
    }
    let results = runs[0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    for result in results {
        let rule = result["ruleId"].as_str().unwrap();
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], rule);
        assert!(["error", "warning", "note", "none"].contains(&result["level"].as_str().unwrap()));
        assert!(!result["message"]["text"].as_str().unwrap().is_empty());
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "specs/my%20spec.md");
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let region = &location["region"];
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(region[key].as_u64().unwrap() >= 1, "{key}: {region}");
        }
    }
    assert_eq!(results[0]["level"], "error");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({"startLine": 5, "startColumn": 11, "endLine": 5, "endColumn": 17})
    );
    // After an emoji, columns count UTF-16 code units, as the run's columnKind says.
    assert_eq!(runs[0]["columnKind"], "utf16CodeUnits");
    assert_eq!(
        results[1]["locations"][0]["physicalLocation"]["region"]["startColumn"],
        8
    );
}

#[test]
fn stdin_is_checked_as_the_named_file_of_its_workspace() {
    let login = "---\nspec-id: AUTH-1\ntitle: Login\nstatus: draft\n---\n\n# Login\n";
    let dir = workspace(&[
        (
            ".specls.yaml",
            b"severity:\n  missing-section: off\n  empty-section: off\n",
        ),
        ("specs/login.md", login.as_bytes()),
        ("specs/draft.md", b"---\nspec-id: AUTH-2\n---\n\n# On disk\n"),
    ]);
    // The text on disk is not read: AUTH-2 is defined once, by the text piped in.
    let piped =
        "---\nspec-id: AUTH-2\ntitle: Draft\nstatus: draft\n---\n\n# Draft\n\nNeeds AUTH-1 and AUTH-9.\n";
    let run = specls_with(
        &dir.path().join("specs"),
        &["check", "--stdin-filename", "draft.md"],
        &[],
        Some(piped),
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        diagnostic_lines(&run.stdout),
        [
            "draft.md:1:1: warning[missing-field]: missing frontmatter field `created` (template feature-spec)",
            "draft.md:1:1: warning[missing-field]: missing frontmatter field `owner` (template feature-spec)",
            "draft.md:1:1: warning[missing-field]: missing frontmatter field `priority` (template feature-spec)",
            "draft.md:1:1: warning[missing-field]: missing frontmatter field `tags` (template feature-spec)",
            "draft.md:1:1: warning[missing-field]: missing frontmatter field `updated` (template feature-spec)",
            "draft.md:9:18: warning[unknown-reference]: `AUTH-9` is not the id of any spec in the workspace",
        ],
        "{}",
        run.stdout
    );
    let run = specls_with(
        dir.path(),
        &["check", "--stdin-filename", "x.md", "specs"],
        &[],
        Some(""),
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("name no PATH with it"), "{}", run.stderr);
}

/// `.pre-commit-hooks.yaml`'s entry as pre-commit runs it: the entry, then the staged
/// Markdown files.
#[test]
fn the_pre_commit_hook_checks_the_files_it_is_given() {
    let hooks = std::fs::read_to_string(super::repo_root().join(".pre-commit-hooks.yaml")).unwrap();
    let field = |key: &str| {
        hooks
            .lines()
            .find_map(|line| {
                line.trim_start_matches(['-', ' '])
                    .strip_prefix(&format!("{key}: "))
            })
            .unwrap_or_else(|| panic!("no {key} in .pre-commit-hooks.yaml"))
            .to_string()
    };
    assert_eq!(field("id"), "specls");
    assert_eq!(field("types"), "[markdown]");
    let entry = field("entry");
    let mut words = entry.split_whitespace();
    assert_eq!(words.next(), Some("specls"), "{entry}");
    let dir = workspace(&[
        ("specs/a.md", urgent_spec().as_bytes()),
        ("specs/b.md", complete_spec().as_bytes()),
    ]);
    let mut args: Vec<&str> = words.collect();
    args.push("specs/b.md");
    assert_eq!(specls(dir.path(), &args).code, 0);
    args.push("specs/a.md");
    assert_eq!(specls(dir.path(), &args).code, 1);
}
