//! Finding and loading a file's workspace configuration (`.specls.yaml`), shared by
//! the language server and `specls check`. This is the I/O side of
//! `specls_analysis::Settings`, which stays pure.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use specls_analysis::trace::{SetTemplate, template};
use specls_analysis::{CONFIG_FILE, ConfigProblem, Settings};

/// The nearest `.specls.yaml` in the folder of `path` or above it, not above
/// `boundary` (a workspace root) and not above a folder holding `.git`.
pub fn find_config(path: &Path, boundary: Option<&Path>) -> Option<PathBuf> {
    let mut dir = path.parent();
    while let Some(current) = dir {
        let candidate = current.join(CONFIG_FILE);
        if candidate.is_file() {
            return Some(candidate);
        }
        if boundary == Some(current) || current.join(".git").exists() {
            return None;
        }
        dir = current.parent();
    }
    None
}

/// The workspace a file belongs to outside an editor (for `specls check` and `specls
/// new`): the nearest folder above it with a `.specls.yaml` or a `.git`, else its folder.
pub fn workspace_root(file: &Path) -> PathBuf {
    let folder = file.parent().unwrap_or(Path::new(""));
    folder
        .ancestors()
        .find(|dir| dir.join(CONFIG_FILE).is_file() || dir.join(".git").exists())
        .unwrap_or(folder)
        .to_path_buf()
}

/// A configuration or template file is never bigger than this.
const CONFIG_LIMIT: u64 = 1 << 20;

/// Reads a configuration or template file: a regular file of at most a megabyte (a FIFO
/// named `.specls.yaml` must not block the server).
pub fn read_config_file(path: &Path) -> std::io::Result<String> {
    specls_analysis::index::read_text(path, CONFIG_LIMIT)
        .map_err(|note| std::io::Error::other(note.to_string()))
}

/// Reads a configuration file; an unreadable file is a problem and the defaults hold.
pub fn load(config: &Path) -> Settings {
    let root = config.parent().map(Path::to_path_buf).unwrap_or_default();
    match read_config_file(config) {
        Ok(text) => Settings::from_config(&text, &root, &|path| read_config_file(path)),
        Err(err) => {
            let mut settings = Settings::defaults(root);
            settings.problems.push(ConfigProblem {
                message: format!("cannot read {}: {err}; using the defaults", config.display()),
                range: 0..0,
            });
            settings
        }
    }
}

/// Loaded configurations, re-read when their file (or a template file they name)
/// changes on disk, so editing `.specls.yaml` takes effect without a restart.
#[derive(Default)]
pub struct SettingsCache {
    loaded: Mutex<HashMap<PathBuf, (Stamp, Arc<Settings>)>>,
    /// The configuration file that governs each folder seen: thousands of files share a
    /// handful.
    folders: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    defaults: OnceLock<Arc<Settings>>,
    /// The spec-kit templates (`.specify/templates/*-template.md`) read, by file, with
    /// the stamp they were read at; `None` for a file that is absent or unreadable.
    set_templates: Mutex<HashMap<PathBuf, ReadTemplate>>,
}

/// Modification time and length: a template rewritten within the clock's resolution
/// usually changes its length.
type FileStamp = Option<(SystemTime, u64)>;

/// A set template as read at a stamp.
type ReadTemplate = (FileStamp, Option<Arc<SetTemplate>>);

fn file_stamp(path: &Path) -> FileStamp {
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.modified().ok()?, metadata.len()))
}

fn locked<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Modification times of a configuration and of the template files it names.
type Stamp = Vec<Option<SystemTime>>;

fn stamp(config: &Path, settings: Option<&Settings>) -> Stamp {
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let mut stamp = vec![modified(config)];
    if let Some(settings) = settings {
        for template in &settings.templates {
            if template.origin != "built-in" {
                stamp.push(modified(&settings.root.join(&template.origin)));
            }
        }
    }
    stamp
}

impl SettingsCache {
    /// The settings in force for `path`, and the configuration file they come from.
    pub fn for_file(&self, path: &Path, boundary: Option<&Path>) -> (Arc<Settings>, Option<PathBuf>) {
        let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let known = locked(&self.folders).get(&folder).cloned();
        let config = known.unwrap_or_else(|| {
            let found = find_config(path, boundary);
            locked(&self.folders).insert(folder, found.clone());
            found
        });
        match config {
            Some(config) => (self.get(&config), Some(config)),
            None => (self.defaults(), None),
        }
    }

    /// The settings of a file without configuration (or without a path). No glob
    /// applies then, so one default, built once, serves every such file.
    pub fn defaults(&self) -> Arc<Settings> {
        self.defaults.get_or_init(Arc::default).clone()
    }

    /// The settings of one configuration file, loaded or re-validated.
    pub fn get(&self, config: &Path) -> Arc<Settings> {
        let mut loaded = self
            .loaded
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((stamped, settings)) = loaded.get(config)
            && *stamped == stamp(config, Some(settings))
        {
            return settings.clone();
        }
        let settings = Arc::new(load(config));
        loaded.insert(
            config.to_path_buf(),
            (stamp(config, Some(&settings)), settings.clone()),
        );
        settings
    }

    /// The repository's own template of a spec-kit set's `spec.md`, `plan.md` or
    /// `tasks.md`, read again when it changes on disk (a stat per call; a check of a
    /// set's file makes one). Files without one keep the built-in behaviour.
    pub fn set_template(&self, path: &Path) -> Option<Arc<SetTemplate>> {
        let file = template::template_file(path)?;
        let stamp = file_stamp(&file);
        let mut known = locked(&self.set_templates);
        if let Some((read_at, template)) = known.get(&file)
            && *read_at == stamp
        {
            return template.clone();
        }
        let template = stamp
            .and_then(|_| read_config_file(&file).ok())
            .map(|text| Arc::new(SetTemplate::derive(&set_template_name(&file), &text)));
        known.insert(file, (stamp, template.clone()));
        template
    }

    /// Forgets a configuration, so the next use reads it again.
    pub fn invalidate(&self, config: &Path) {
        // A configuration created or deleted changes which folders it governs.
        locked(&self.folders).clear();
        let mut loaded = self
            .loaded
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        loaded.remove(config);
    }
}

/// `.specify/templates/spec-template.md`: the name findings give the template.
fn set_template_name(file: &Path) -> String {
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    format!(".specify/templates/{name}")
}

pub fn is_config_file(path: &Path) -> bool {
    path.file_name().is_some_and(|name| name == CONFIG_FILE)
}

/// Today's date in the local time zone, as `YYYY-MM-DD`.
pub fn today() -> String {
    jiff::Zoned::now().date().to_string()
}
