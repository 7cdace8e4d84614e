//! Settings an editor sends (`initializationOptions` at start, then
//! `workspace/didChangeConfiguration`): per-code severities that override the workspace's
//! `.specls.yaml` for this user, e.g. `{ "severity": { "missing-section": "hint" } }`.

use std::collections::BTreeMap;

use serde_json::Value;
use specls_analysis::config::SeverityLevel;
use specls_analysis::{Code, Diagnostic, Severity};

use crate::log::log_warn;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EditorSettings {
    /// `None` turns a code off.
    severity: BTreeMap<Code, Option<Severity>>,
}

impl EditorSettings {
    /// Reads `{ "severity": {...} }`, as initialization options or under the `specls`
    /// section of a configuration change. Unknown codes and levels are logged and skipped.
    pub fn from_json(value: &Value) -> EditorSettings {
        let section = value.get("specls").unwrap_or(value);
        let mut settings = EditorSettings::default();
        let Some(severity) = section.get("severity").and_then(Value::as_object) else {
            return settings;
        };
        for (name, level) in severity {
            let Some(code) = Code::from_name(name) else {
                log_warn!("editor settings: unknown code {name:?}; ignored");
                continue;
            };
            match level {
                Value::Null => {}
                Value::String(text) if text.is_empty() || text == "default" => {}
                _ => match serde_json::from_value::<SeverityLevel>(level.clone()) {
                    Ok(level) => {
                        settings.severity.insert(code, Severity::from_level(level));
                    }
                    Err(_) => log_warn!("editor settings: {name}: unknown severity {level}; ignored"),
                },
            }
        }
        settings
    }

    /// The codes off by default that this user turns on: the checks must compute them.
    pub fn turned_on(&self) -> Vec<(Code, Severity)> {
        self.severity
            .iter()
            .filter(|(code, _)| code.off_by_default())
            .filter_map(|(code, severity)| Some((*code, (*severity)?)))
            .collect()
    }

    /// The diagnostics with this user's severities applied.
    pub fn apply(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        if self.severity.is_empty() {
            return diagnostics;
        }
        diagnostics
            .into_iter()
            .filter_map(|mut diagnostic| match self.severity.get(&diagnostic.code) {
                None => Some(diagnostic),
                Some(None) => None,
                Some(Some(severity)) => {
                    diagnostic.severity = *severity;
                    Some(diagnostic)
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn severities_from_either_shape() {
        let direct = EditorSettings::from_json(
            &json!({ "severity": { "missing-section": "off", "broken-link": "hint" } }),
        );
        let nested = EditorSettings::from_json(
            &json!({ "specls": { "severity": { "missing-section": "off", "broken-link": "hint", "nope": "error", "section-order": "loud" } } }),
        );
        assert_eq!(direct, nested);
        assert_eq!(direct.severity.get(&Code::MissingSection), Some(&None));
        assert_eq!(
            direct.severity.get(&Code::BrokenLink),
            Some(&Some(Severity::Hint))
        );
        assert_eq!(direct.severity.len(), 2);
    }
}
