//! How `specls check` prints its findings: one line each (with colour on a terminal), an
//! excerpt of the source with the range underlined (`--format full`), JSON, GitHub
//! workflow commands, or SARIF 2.1.0 for code scanning.

use std::collections::HashMap;
use std::io::{self, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use anstyle::{AnsiColor, Style};
use clap::ValueEnum;
use serde::Serialize;
use serde_json::json;
use specls_analysis::{Code, Severity};
use specls_syntax::Position;

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `path:line:column: severity[code]: message`, then a summary.
    #[default]
    Human,
    /// Each diagnostic with the lines it is on, its range underlined, then a summary.
    Full,
    /// One JSON array of diagnostics on stdout; the summary goes to stderr.
    Json,
    /// GitHub Actions workflow commands (`::error file=...::message`); the summary goes to stderr.
    Github,
    /// A SARIF 2.1.0 log, for GitHub code scanning and other SARIF viewers; the summary goes to stderr.
    Sarif,
}

impl Format {
    /// Whether the summary goes with the diagnostics on stdout (else to stderr, so that
    /// stdout stays machine-readable).
    pub fn summary_on_stdout(self) -> bool {
        matches!(self, Format::Human | Format::Full)
    }
}

/// One diagnostic, ready to print in any format.
pub struct Report {
    pub path: PathBuf,
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    /// The byte range in the file, for excerpts.
    pub range: Range<usize>,
    /// 0-based line and column in Unicode scalar values (human and github output add 1).
    pub start: Position,
    pub end: Position,
    /// 0-based LSP positions, columns in UTF-16 code units (json and sarif output).
    pub start_utf16: Position,
    pub end_utf16: Position,
}

/// The text of each file with findings, by the path shown, for `--format full`.
pub type Sources = HashMap<PathBuf, String>;

/// The styles of human output. Without colour none are written: stripping them again
/// from 170,000 lines was a visible part of checking a large workspace.
struct Styles {
    path: Style,
    code: Style,
    summary: Style,
}

const PLAIN: Styles = Styles {
    path: Style::new(),
    code: Style::new(),
    summary: Style::new(),
};

const STYLES: Styles = Styles {
    path: Style::new().bold(),
    code: Style::new().dimmed(),
    summary: Style::new().bold(),
};

fn styles(color: bool) -> &'static Styles {
    if color { &STYLES } else { &PLAIN }
}

fn severity_style(severity: Severity, color: bool) -> Style {
    if !color {
        return Style::new();
    }
    let color = match severity {
        Severity::Error => AnsiColor::Red,
        Severity::Warning => AnsiColor::Yellow,
        Severity::Information => AnsiColor::Blue,
        Severity::Hint => AnsiColor::Cyan,
    };
    Style::new().fg_color(Some(color.into())).bold()
}

/// Writes the reports in `format`. `color` says whether the stream shows colour (the
/// excerpts of `--format full` are rendered for it).
pub fn write(
    out: &mut dyn Write,
    format: Format,
    reports: &[Report],
    summary: &str,
    sources: &Sources,
    color: bool,
) -> io::Result<()> {
    match format {
        Format::Human => write_human(out, reports, summary, color),
        Format::Full => write_full(out, reports, summary, sources, color),
        Format::Json => write_json(out, reports),
        Format::Github => write_github(out, reports),
        Format::Sarif => write_sarif(out, reports),
    }
}

fn write_summary(out: &mut dyn Write, reports: &[Report], summary: &str, color: bool) -> io::Result<()> {
    if !reports.is_empty() {
        writeln!(out)?;
    }
    let style = styles(color).summary;
    writeln!(out, "{style}{summary}{style:#}")
}

fn write_human(out: &mut dyn Write, reports: &[Report], summary: &str, color: bool) -> io::Result<()> {
    let styles = styles(color);
    for report in reports {
        let (path, severity, code) = (styles.path, severity_style(report.severity, color), styles.code);
        writeln!(
            out,
            "{path}{}:{}:{}:{path:#} {severity}{}{severity:#}{code}[{}]{code:#}: {}",
            report.path.display(),
            report.start.line + 1,
            report.start.character + 1,
            report.severity.name(),
            report.code,
            one_line(&report.message)
        )?;
    }
    write_summary(out, reports, summary, color)
}

/// The lines of `text` that hold `range`, from the start of the first to the end of the
/// last (without its line break), and `range` within them.
fn lines_around(text: &str, range: &Range<usize>) -> (Range<usize>, Range<usize>) {
    let start = range.start.min(text.len());
    let end = range.end.clamp(start, text.len());
    let first = text[..start].rfind(['\n', '\r']).map_or(0, |at| at + 1);
    let last = text[end..].find(['\n', '\r']).map_or(text.len(), |at| end + at);
    (first..last, start - first..end - first)
}

fn write_full(
    out: &mut dyn Write,
    reports: &[Report],
    summary: &str,
    sources: &Sources,
    color: bool,
) -> io::Result<()> {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    for report in reports {
        let level = match report.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Information => Level::INFO.with_name(Some("information")),
            Severity::Hint => Level::HELP.with_name(Some("hint")),
        };
        let message = one_line(&report.message);
        let title = level.primary_title(message.as_str()).id(report.code);
        let path = report.path.display().to_string();
        let group = match sources.get(&report.path) {
            Some(text) => {
                let (lines, span) = lines_around(text, &report.range);
                let snippet = Snippet::source(&text[lines])
                    .line_start(report.start.line as usize + 1)
                    .path(path.as_str())
                    .annotation(AnnotationKind::Primary.span(span));
                title.element(snippet)
            }
            // A file read no more (its text was not kept): the place alone.
            None => title.element(
                annotate_snippets::Origin::path(path.as_str())
                    .line(report.start.line as usize + 1)
                    .char_column(report.start.character as usize + 1),
            ),
        };
        writeln!(out, "{}\n", renderer.render(&[group]))?;
    }
    let style = styles(color).summary;
    writeln!(out, "{style}{summary}{style:#}")
}

/// The message on one line, without control characters that could drive a terminal.
pub fn one_line(message: &str) -> String {
    let mut line = String::with_capacity(message.len());
    for character in message.chars() {
        match character {
            '\r' | '\n' => {
                if !line.ends_with(' ') {
                    line.push(' ');
                }
            }
            '\t' => line.push(' '),
            c if c.is_control() => line.extend(c.escape_default()),
            c => line.push(c),
        }
    }
    line.trim_end().to_string()
}

/// The JSON output: one array of these. `range` is LSP-style: 0-based lines, columns in
/// UTF-16 code units (as an editor's default `positionEncoding`), `end` exclusive.
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    path: String,
    range: JsonRange,
    severity: &'static str,
    code: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonRange {
    start: JsonPosition,
    end: JsonPosition,
}

#[derive(Serialize)]
struct JsonPosition {
    line: u32,
    character: u32,
}

impl From<Position> for JsonPosition {
    fn from(position: Position) -> Self {
        JsonPosition {
            line: position.line,
            character: position.character,
        }
    }
}

fn write_json(out: &mut dyn Write, reports: &[Report]) -> io::Result<()> {
    // One diagnostic a line: still one JSON document, and easy to read or grep.
    write!(out, "[")?;
    for (index, report) in reports.iter().enumerate() {
        let diagnostic = JsonDiagnostic {
            path: report.path.to_string_lossy().into_owned(),
            range: JsonRange {
                start: report.start_utf16.into(),
                end: report.end_utf16.into(),
            },
            severity: report.severity.name(),
            code: report.code,
            message: &report.message,
        };
        let separator = if index == 0 { "" } else { "," };
        write!(out, "{separator}\n  ")?;
        serde_json::to_writer(&mut *out, &diagnostic)?;
    }
    let end = if reports.is_empty() { "" } else { "\n" };
    writeln!(out, "{end}]")
}

/// GitHub Actions workflow commands, which the runner turns into annotations on the
/// changed files. Lines and columns are 1-based, columns in Unicode scalar values.
fn write_github(out: &mut dyn Write, reports: &[Report]) -> io::Result<()> {
    for report in reports {
        let command = match report.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information | Severity::Hint => "notice",
        };
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&report.path.to_string_lossy()),
            report.start.line + 1,
            report.start.character + 1,
            report.end.line + 1,
            report.end.character + 1,
            escape_property(&format!("specls({})", report.code)),
            escape_data(&report.message)
        )?;
    }
    Ok(())
}

/// Escaping of a workflow command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escaping of a workflow command's property value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The code of a problem in a configuration file (not one of the analysis codes).
pub const CONFIG_CODE: &str = "config";

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information | Severity::Hint => "note",
    }
}

/// A relative path as a URI reference (`specs/my%20spec.md`), an absolute one as a
/// `file:` URI.
fn sarif_uri(path: &Path) -> (String, bool) {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                encoded.push(byte as char)
            }
            other => encoded.push_str(&format!("%{other:02X}")),
        }
    }
    let encoded = encoded.strip_prefix("./").map(str::to_string).unwrap_or(encoded);
    if path.is_absolute() {
        (format!("file://{encoded}"), false)
    } else {
        (encoded, true)
    }
}

/// A SARIF 2.1.0 log with one run: every code is a rule (with its summary and default
/// level), every report a result. Regions are 1-based, columns in UTF-16 code units
/// (SARIF's default `columnKind`); relative paths are against `%SRCROOT%`, the folder
/// specls ran in.
fn write_sarif(out: &mut dyn Write, reports: &[Report]) -> io::Result<()> {
    let mut rules: Vec<serde_json::Value> = Code::all()
        .map(|code| {
            json!({
                "id": code.name(),
                "name": code.name(),
                "shortDescription": { "text": code.summary() },
                "defaultConfiguration": { "level": sarif_level(code.default_severity()) },
            })
        })
        .collect();
    rules.push(json!({
        "id": CONFIG_CODE,
        "name": CONFIG_CODE,
        "shortDescription": { "text": "The workspace configuration (.specls.yaml) has a problem." },
        "defaultConfiguration": { "level": "error" },
    }));
    let rule_index = |code: &str| rules.iter().position(|rule| rule["id"] == code);
    let results: Vec<serde_json::Value> = reports
        .iter()
        .map(|report| {
            let (uri, relative) = sarif_uri(&report.path);
            let mut artifact = json!({ "uri": uri });
            if relative {
                artifact["uriBaseId"] = json!("%SRCROOT%");
            }
            let mut result = json!({
                "ruleId": report.code,
                "level": sarif_level(report.severity),
                "message": { "text": report.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact,
                        "region": {
                            "startLine": report.start_utf16.line + 1,
                            "startColumn": report.start_utf16.character + 1,
                            "endLine": report.end_utf16.line + 1,
                            "endColumn": report.end_utf16.character + 1,
                        }
                    }
                }],
            });
            if let Some(index) = rule_index(report.code) {
                result["ruleIndex"] = json!(index);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "specls",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/specls/specls",
                    "rules": rules,
                }
            },
            "columnKind": "utf16CodeUnits",
            "results": results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escaping() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn messages_fit_one_line() {
        assert_eq!(one_line("bad\nvalue\u{1b}[31m\n"), "bad value\\u{1b}[31m");
    }

    #[test]
    fn excerpts_hold_the_lines_of_the_range() {
        let text = "one\ntwo three\r\nfour\n";
        assert_eq!(lines_around(text, &(8..13)), (4..13, 4..9));
        assert_eq!(lines_around(text, &(8..17)), (4..19, 4..13));
        assert_eq!(lines_around(text, &(0..0)), (0..3, 0..0));
        assert_eq!(lines_around(text, &(99..99)), (20..20, 0..0));
    }

    #[test]
    fn sarif_uris() {
        assert_eq!(
            sarif_uri(Path::new("specs/my spec.md")),
            ("specs/my%20spec.md".to_string(), true)
        );
        assert_eq!(sarif_uri(Path::new("./a#b.md")), ("a%23b.md".to_string(), true));
        assert_eq!(
            sarif_uri(Path::new("/ws/a.md")),
            ("file:///ws/a.md".to_string(), false)
        );
    }
}
