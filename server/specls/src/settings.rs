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
fn read_config_file(path: &Path) -> std::io::Result<String> {
    specls_analysis::index::read_text(path, CONFIG_LIMIT)
        .map_err(|note| std::io::Error::other(note.to_string()))
}

/// Reads a configuration file, and the text it was read from; an unreadable file is a
/// problem and the defaults hold.
fn load(config: &Path) -> (Settings, String) {
    let root = config.parent().map(Path::to_path_buf).unwrap_or_default();
    match read_config_file(config) {
        Ok(text) => {
            let settings = Settings::from_config(&text, &root, &|path| read_config_file(path));
            (settings, text)
        }
        Err(err) => {
            let mut settings = Settings::defaults(root);
            settings.problems.push(ConfigProblem {
                message: format!("cannot read {}: {err}; using the defaults", config.display()),
                range: 0..0,
            });
            (settings, String::new())
        }
    }
}

/// Loaded configurations. A cache never re-reads one by itself: the session decides when
/// a configuration changed (a watched file, a save, [`SettingsCache::stale`]) and makes a
/// new cache [`without`](SettingsCache::without) it, so a request that holds a cache reads
/// the same settings from start to end.
#[derive(Default)]
pub struct SettingsCache {
    loaded: Mutex<HashMap<PathBuf, Loaded>>,
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

impl std::fmt::Debug for SettingsCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let loaded: Vec<PathBuf> = locked(&self.loaded).keys().cloned().collect();
        f.debug_struct("SettingsCache")
            .field("loaded", &loaded)
            .finish_non_exhaustive()
    }
}

#[derive(Clone)]
struct Loaded {
    stamp: Stamp,
    settings: Arc<Settings>,
    /// The text the settings were read from, for the positions of its problems.
    text: Arc<str>,
}

fn locked<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Modification times of a configuration and of the template files it names.
type Stamp = Vec<Option<SystemTime>>;

fn stamp(config: &Path, settings: &Settings) -> Stamp {
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    std::iter::once(modified(config))
        .chain(template_files(settings).map(|path| modified(&path)))
        .collect()
}

fn template_files(settings: &Settings) -> impl Iterator<Item = PathBuf> + '_ {
    settings
        .templates
        .iter()
        .filter(|template| template.origin != "built-in")
        .map(|template| settings.root.join(&template.origin))
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

    /// The settings of one configuration file, read the first time they are asked for.
    pub fn get(&self, config: &Path) -> Arc<Settings> {
        self.loaded(config).settings
    }

    /// The text of a configuration file as its settings were read from it.
    pub fn text(&self, config: &Path) -> Arc<str> {
        self.loaded(config).text
    }

    fn loaded(&self, config: &Path) -> Loaded {
        let mut loaded = locked(&self.loaded);
        if let Some(known) = loaded.get(config) {
            return known.clone();
        }
        let (settings, text) = load(config);
        let known = Loaded {
            stamp: stamp(config, &settings),
            settings: Arc::new(settings),
            text: text.into(),
        };
        loaded.insert(config.to_path_buf(), known.clone());
        known
    }

    /// The loaded configurations whose file, or a template file they name, changed on
    /// disk since they were read.
    /// And the set templates read whose file changed.
    pub fn stale(&self) -> Vec<PathBuf> {
        let mut stale: Vec<PathBuf> = locked(&self.loaded)
            .iter()
            .filter(|(config, known)| stamp(config, &known.settings) != known.stamp)
            .map(|(config, _)| config.clone())
            .collect();
        stale.extend(
            locked(&self.set_templates)
                .iter()
                .filter(|(file, (read_at, _))| file_stamp(file) != *read_at)
                .map(|(file, _)| file.clone()),
        );
        stale
    }

    /// The loaded configurations that take `path` as a template.
    pub fn naming_template(&self, path: &Path) -> Vec<PathBuf> {
        locked(&self.loaded)
            .iter()
            .filter(|(_, known)| template_files(&known.settings).any(|template| template == path))
            .map(|(config, _)| config.clone())
            .collect()
    }

    /// A cache holding what this one holds but the configurations and set templates in
    /// `changed`, which the next use reads again. Which folder each configuration governs
    /// is found again too: a configuration created or deleted changes it.
    pub fn without(&self, changed: &[PathBuf]) -> SettingsCache {
        let loaded = locked(&self.loaded)
            .iter()
            .filter(|(config, _)| !changed.contains(config))
            .map(|(config, known)| (config.clone(), known.clone()))
            .collect();
        let set_templates = locked(&self.set_templates)
            .iter()
            .filter(|(file, _)| !changed.contains(file))
            .map(|(file, read)| (file.clone(), read.clone()))
            .collect();
        SettingsCache {
            loaded: Mutex::new(loaded),
            folders: Mutex::default(),
            defaults: self.defaults.clone(),
            set_templates: Mutex::new(set_templates),
        }
    }

    /// The repository's own template of a spec-kit set's `spec.md`, `plan.md` or
    /// `tasks.md`, read the first time it is asked for. Files without one keep the
    /// built-in behaviour.
    pub fn set_template(&self, path: &Path) -> Option<Arc<SetTemplate>> {
        let file = template::template_file(path)?;
        let mut known = locked(&self.set_templates);
        if let Some((_, template)) = known.get(&file) {
            return template.clone();
        }
        let stamp = file_stamp(&file);
        let template = stamp
            .and_then(|_| read_config_file(&file).ok())
            .map(|text| Arc::new(SetTemplate::derive(&set_template_name(&file), &text)));
        known.insert(file, (stamp, template.clone()));
        template
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A cache is a snapshot: what a request started with holds to its end, and only a
    /// cache made without the changed configuration reads it again.
    #[test]
    fn a_cache_keeps_the_settings_it_read_until_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join(CONFIG_FILE);
        let spec = dir.path().join("a.md");
        std::fs::write(&config, "values:\n  priority: [P0]\n").unwrap();
        let before = SettingsCache::default();
        let priorities =
            |cache: &SettingsCache| cache.for_file(&spec, Some(dir.path())).0.values["priority"].clone();
        assert_eq!(priorities(&before), ["P0"]);
        assert!(before.stale().is_empty());

        // A later modification time, whatever the file system's resolution.
        std::fs::write(&config, "values:\n  priority: [P0, P1]\n").unwrap();
        let file = std::fs::File::options().write(true).open(&config).unwrap();
        file.set_modified(SystemTime::now() + std::time::Duration::from_secs(5))
            .unwrap();

        assert_eq!(priorities(&before), ["P0"]);
        assert_eq!(&*before.text(&config), "values:\n  priority: [P0]\n");
        assert_eq!(before.stale(), vec![config]);
        let after = before.without(&before.stale());
        assert_eq!(priorities(&after), ["P0", "P1"]);
        assert_eq!(priorities(&before), ["P0"]);
        assert!(after.stale().is_empty());
    }
}
