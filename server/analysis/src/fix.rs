//! Applying quick fixes to a text: what `specls check --fix` writes back, with the edits an
//! editor's code action would make, in the text's own line endings.

use std::ops::Range;

use crate::diagnostics::{Code, Diagnostic, TextEdit};

/// A text with fixes applied, and which.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixed {
    pub text: String,
    /// The fixes made, in the order they were made.
    pub applied: Vec<AppliedFix>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedFix {
    pub code: Code,
    pub title: String,
}

/// One fix can make room for another (a section inserted where a second one goes), so
/// fixes are applied in rounds; a fix that did not remove its diagnostic must not loop.
const MAX_ROUNDS: usize = 100;

/// The line break a text uses: that of its first line, `\n` when it has a single line.
pub fn line_ending(text: &str) -> &'static str {
    match text.find(['\n', '\r']) {
        Some(at) if text[at..].starts_with("\r\n") => "\r\n",
        Some(at) if text.as_bytes()[at] == b'\r' => "\r",
        _ => "\n",
    }
}

/// `new_text` written with `ending` line breaks (fixes are written with `\n`).
fn with_line_ending(new_text: &str, ending: &str) -> String {
    if ending == "\n" || !new_text.contains('\n') {
        return new_text.to_string();
    }
    new_text.replace("\r\n", "\n").replace('\n', ending)
}

/// Whether two edits may not be applied together: they overlap, or insert at one place
/// (whose text would come first is not theirs to say).
fn conflict(a: &Range<usize>, b: &Range<usize>) -> bool {
    (a.start < b.end && b.start < a.end) || a.start == b.start
}

/// `text` with `edits` made; edits must not overlap. Their line breaks become the text's.
pub fn apply_edits(text: &str, edits: &[TextEdit]) -> String {
    let ending = line_ending(text);
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|edit| (edit.range.start, edit.range.end));
    let mut out = String::with_capacity(text.len() + edits.iter().map(|e| e.new_text.len()).sum::<usize>());
    let mut at = 0;
    for edit in sorted {
        let start = edit.range.start.clamp(at, text.len());
        let end = edit.range.end.clamp(start, text.len());
        out.push_str(&text[at..start]);
        out.push_str(&with_line_ending(&edit.new_text, ending));
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

/// Applies the safe fixes of the diagnostics `check` finds, checking again after each
/// round, until no safe fix is left. Fixes whose edits conflict with one taken in the
/// same round wait for the next.
pub fn fix_all(text: &str, mut check: impl FnMut(&str) -> Vec<Diagnostic>) -> Fixed {
    let mut text = text.to_string();
    let mut applied = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let mut taken: Vec<TextEdit> = Vec::new();
        let mut round = Vec::new();
        for diagnostic in check(&text) {
            let Some(fix) = diagnostic.fix.filter(|fix| fix.safe && !fix.edits.is_empty()) else {
                continue;
            };
            let free = fix
                .edits
                .iter()
                .all(|edit| !taken.iter().any(|other| conflict(&edit.range, &other.range)));
            if free {
                taken.extend(fix.edits);
                round.push(AppliedFix {
                    code: diagnostic.code,
                    title: fix.title,
                });
            }
        }
        let next = apply_edits(&text, &taken);
        if round.is_empty() || next == text {
            break;
        }
        text = next;
        applied.extend(round);
    }
    Fixed { text, applied }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(range: Range<usize>, new_text: &str) -> TextEdit {
        TextEdit {
            range,
            new_text: new_text.to_string(),
        }
    }

    #[test]
    fn line_endings() {
        assert_eq!(line_ending("a\r\nb\n"), "\r\n");
        assert_eq!(line_ending("a\nb\r\n"), "\n");
        assert_eq!(line_ending("a\rb"), "\r");
        assert_eq!(line_ending("one line"), "\n");
    }

    #[test]
    fn edits_apply_in_the_text_line_endings() {
        let text = "# A\r\n\r\n## B\r\n";
        let edits = [edit(5..5, "## X\n\nguidance\n\n"), edit(2..3, "Title")];
        assert_eq!(
            apply_edits(text, &edits),
            "# Title\r\n## X\r\n\r\nguidance\r\n\r\n\r\n## B\r\n"
        );
        assert_eq!(apply_edits("abc", &[]), "abc");
        assert_eq!(apply_edits("abc", &[edit(3..3, "\nd")]), "abc\nd");
    }

    #[test]
    fn edits_at_one_place_conflict() {
        assert!(conflict(&(3..3), &(3..3)));
        assert!(conflict(&(1..4), &(3..5)));
        assert!(conflict(&(3..3), &(3..6)));
        assert!(!conflict(&(1..3), &(3..5)));
        assert!(!conflict(&(4..4), &(1..3)));
    }
}
