//! `specls new TEMPLATE FILE` scaffolds a spec from a template, and `specls templates`
//! lists the templates in effect. Both read the `.specls.yaml` that governs the file or
//! folder, as `specls check` and the server do.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use specls_analysis::index::{ScanOptions, scan_folders};
use specls_analysis::{CONFIG_FILE, Settings, scaffold_file};

use crate::settings::{self, SettingsCache, today};

fn usage_error(message: String) -> ExitCode {
    eprintln!("specls: {message}");
    ExitCode::from(2)
}

fn absolute(path: &Path) -> PathBuf {
    let joined = std::env::current_dir()
        .map(|cwd| cwd.join(path))
        .unwrap_or_else(|_| path.to_path_buf());
    specls_analysis::index::normalize(&joined)
}

fn report_problems(settings: &Settings, config: Option<&Path>) {
    for problem in &settings.problems {
        let place = config.map_or(CONFIG_FILE.into(), |c| c.display().to_string());
        eprintln!("specls: {place}: {}", problem.message);
    }
}

pub fn run_new(template: &str, file: &Path, id: Option<&str>, title: Option<&str>) -> ExitCode {
    let path = absolute(file);
    if path.exists() {
        return usage_error(format!("{} already exists; not overwriting it", file.display()));
    }
    let cache = SettingsCache::default();
    let (settings, config) = cache.for_file(&path, None);
    report_problems(&settings, config.as_deref());
    let Some(chosen) = settings.template(template) else {
        let known: Vec<&str> = settings.templates.iter().map(|t| t.name()).collect();
        return usage_error(format!(
            "unknown template `{template}`; templates are {}",
            known.join(", ")
        ));
    };
    let known_ids = if id.is_none() {
        workspace_ids(&path, &cache)
    } else {
        Vec::new()
    };
    let text = scaffold_file(
        chosen,
        &settings,
        &path,
        id,
        title,
        known_ids.iter().map(String::as_str),
        &today(),
    );
    if let Some(parent) = path.parent()
        && let Err(err) = std::fs::create_dir_all(parent)
    {
        return usage_error(format!("cannot create {}: {err}", parent.display()));
    }
    // `create_new` refuses a file that appeared since the check above.
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut out| out.write_all(text.as_bytes()));
    match written {
        Ok(()) => {
            println!("{}", file.display());
            ExitCode::SUCCESS
        }
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            usage_error(format!("{} already exists; not overwriting it", file.display()))
        }
        Err(err) => usage_error(format!("cannot write {}: {err}", file.display())),
    }
}

/// The spec ids defined in the new file's workspace.
fn workspace_ids(path: &Path, cache: &SettingsCache) -> Vec<String> {
    let folder = settings::workspace_root(path);
    if !folder.is_dir() {
        return Vec::new();
    }
    let settings_for = |file: &Path| -> Arc<Settings> { cache.for_file(file, Some(&folder)).0 };
    let (entries, _) = scan_folders(
        std::slice::from_ref(&folder),
        &settings_for,
        &ScanOptions::default(),
        &|_, _| {},
    );
    entries
        .into_iter()
        .filter_map(|entry| entry.spec_id.map(|id| id.text))
        .collect()
}

pub fn run_templates(folder: &Path) -> ExitCode {
    let probe = absolute(folder).join("new.md");
    let (settings, config) = SettingsCache::default().for_file(&probe, None);
    report_problems(&settings, config.as_deref());
    let name_width = settings
        .templates
        .iter()
        .map(|t| t.name().len())
        .max()
        .unwrap_or(0);
    let origin_width = settings
        .templates
        .iter()
        .map(|t| t.origin.len())
        .max()
        .unwrap_or(0);
    for template in &settings.templates {
        println!(
            "{:name_width$}  {:origin_width$}  {}",
            template.name(),
            template.origin,
            template.description()
        );
    }
    ExitCode::SUCCESS
}
