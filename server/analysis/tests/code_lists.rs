//! The lists of diagnostic codes outside the crate follow `Code`, the one list: the VS Code
//! extension's severity settings (`package.json`) and the codes it reads (`settings.ts`), and
//! the JSON Schema of `.specls.yaml`. A code added to `Code` fails here until each has it.

use std::path::{Path, PathBuf};

use serde_json::Value;
use specls_analysis::Code;

fn repo_file(path: &str) -> (PathBuf, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(path);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    (path, text)
}

fn names() -> Vec<&'static str> {
    Code::all().map(Code::name).collect()
}

#[test]
fn the_vscode_manifest_has_a_severity_setting_per_code() {
    let (path, text) = repo_file("editors/vscode/package.json");
    let manifest: Value = serde_json::from_str(&text).unwrap();
    let properties = manifest["contributes"]["configuration"]["properties"]
        .as_object()
        .expect("contributes.configuration.properties");
    // In the order of the file (serde_json may sort keys).
    let mut declared: Vec<&str> = properties
        .keys()
        .filter_map(|key| key.strip_prefix("specls.severity."))
        .collect();
    declared.sort_by_key(|code| text.find(&format!("\"specls.severity.{code}\"")));
    assert_eq!(
        declared,
        names(),
        "{}: the specls.severity.<code> settings, in the order of Code",
        path.display()
    );
    for code in Code::all() {
        let setting = &properties[&format!("specls.severity.{}", code.name())];
        let expected = format!(
            "Severity of `{}` diagnostics: {} Unset: `.specls.yaml` or the built-in severity decides.",
            code.name(),
            code.summary()
        );
        assert_eq!(
            setting["markdownDescription"],
            expected.as_str(),
            "{}",
            path.display()
        );
    }
}

#[test]
fn the_vscode_settings_module_reads_every_code() {
    let (path, text) = repo_file("editors/vscode/src/settings.ts");
    let start = text
        .find("export const DIAGNOSTIC_CODES = [")
        .expect("DIAGNOSTIC_CODES in settings.ts");
    let list = &text[start..];
    let list = &list[list.find('[').unwrap() + 1..list.find(']').unwrap()];
    let listed: Vec<&str> = list
        .split(',')
        .map(|item| item.trim().trim_matches('\''))
        .filter(|item| !item.is_empty())
        .collect();
    assert_eq!(listed, names(), "{}: DIAGNOSTIC_CODES", path.display());
}

#[test]
fn the_configuration_schema_accepts_every_code() {
    let (path, text) = repo_file("schemas/specls.schema.json");
    let schema: Value = serde_json::from_str(&text).unwrap();
    let patterns = schema["properties"]["severity"]["patternProperties"]
        .as_object()
        .expect("severity.patternProperties");
    let expected = format!("^({})$", names().join("|"));
    assert_eq!(
        patterns.keys().collect::<Vec<_>>(),
        [&expected],
        "{}: severity.patternProperties",
        path.display()
    );
}
