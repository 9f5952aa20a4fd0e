//! What spantag remembers between runs: the last annotator name, recent documents, theme.
//! Stored as RON in the user's config folder; a missing or broken file means defaults.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// How many recent documents are remembered.
const MAX_RECENT: usize = 10;

/// Remembered preferences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The annotator name used last.
    pub last_annotator: Option<String>,
    /// Recently opened documents, most recent first.
    pub recent: Vec<PathBuf>,
    /// Dark theme (otherwise light).
    pub dark_mode: bool,
    /// Font size of the document text, in points.
    pub font_size: f32,
    /// Width of the left panel (labels, span details), in points.
    pub left_panel_width: f32,
    /// Width of the right panel (the span list), in points.
    pub right_panel_width: f32,
    /// Whether the left panel is shown.
    pub show_left_panel: bool,
    /// Whether the right panel is shown.
    pub show_right_panel: bool,
    /// Whether a drag selects whole words (Alt+drag keeps character precision).
    pub snap_to_words: bool,
    /// Whether suggestions (ghost spans) are shown.
    pub suggestions: bool,
    /// Whether text tagged elsewhere is suggested (besides a source layer's spans).
    pub suggest_tagged_elsewhere: bool,
    /// The document last worked on in each corpus folder.
    pub last_in_folder: std::collections::BTreeMap<PathBuf, PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            last_annotator: None,
            recent: Vec::new(),
            dark_mode: true,
            font_size: 17.0,
            left_panel_width: 230.0,
            right_panel_width: 330.0,
            show_left_panel: true,
            show_right_panel: true,
            snap_to_words: true,
            suggestions: true,
            suggest_tagged_elsewhere: true,
            last_in_folder: std::collections::BTreeMap::new(),
        }
    }
}

impl Settings {
    /// The default settings folder: `$SPANTAG_CONFIG_DIR`, else `$XDG_CONFIG_HOME/spantag`,
    /// else `~/.config/spantag`.
    pub fn default_dir() -> Option<PathBuf> {
        if let Some(dir) = std::env::var_os("SPANTAG_CONFIG_DIR") {
            return Some(PathBuf::from(dir));
        }
        if let Some(dir) = std::env::var_os("XDG_CONFIG_HOME").filter(|d| !d.is_empty()) {
            return Some(PathBuf::from(dir).join("spantag"));
        }
        std::env::var_os("HOME")
            .or_else(|| std::env::var_os("USERPROFILE"))
            .map(|home| PathBuf::from(home).join(".config").join("spantag"))
    }

    /// Loads from `dir/settings.ron`; defaults when absent or unreadable.
    pub fn load(dir: &Path) -> Self {
        std::fs::read_to_string(dir.join("settings.ron"))
            .ok()
            .and_then(|text| ron::from_str(&text).ok())
            .unwrap_or_default()
    }

    /// Saves to `dir/settings.ron` (atomically).
    pub fn save(&self, dir: &Path) -> Result<(), crate::store::StoreError> {
        std::fs::create_dir_all(dir).map_err(|source| crate::store::StoreError::Io {
            action: "write",
            path: dir.to_path_buf(),
            source,
        })?;
        let text =
            ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default()).unwrap_or_default();
        crate::store::write_atomic(&dir.join("settings.ron"), text.as_bytes())
    }

    /// Puts a document at the front of the recent list.
    pub fn touch_recent(&mut self, path: &Path) {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.recent.retain(|p| *p != path);
        self.recent.insert(0, path);
        self.recent.truncate(MAX_RECENT);
    }
}

/// The OS user name, made safe for a file name, or "annotator".
pub fn os_user_name() -> String {
    let raw = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_default();
    let clean: String = raw
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .collect();
    let clean = clean.trim_start_matches(['.', '-']).to_owned();
    if clean.is_empty() {
        "annotator".to_owned()
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_recent_list() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Settings::default();
        for i in 0..12 {
            s.touch_recent(Path::new(&format!("/nowhere/{i}.txt")));
        }
        s.touch_recent(Path::new("/nowhere/5.txt"));
        assert_eq!(s.recent.len(), MAX_RECENT);
        assert_eq!(s.recent[0], Path::new("/nowhere/5.txt"));
        s.last_annotator = Some("alice".into());
        s.save(dir.path()).unwrap();
        assert_eq!(Settings::load(dir.path()), s);
        std::fs::write(dir.path().join("settings.ron"), "(broken").unwrap();
        assert_eq!(Settings::load(dir.path()), Settings::default());
    }

    #[test]
    fn settings_from_before_the_panel_widths_still_load() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("settings.ron"),
            "(last_annotator: Some(\"alice\"), recent: [], dark_mode: false, font_size: 19.0)",
        )
        .unwrap();
        let s = Settings::load(dir.path());
        assert_eq!(s.font_size, 19.0);
        assert!(!s.dark_mode);
        assert_eq!(s.left_panel_width, Settings::default().left_panel_width);
        assert!(s.show_left_panel && s.show_right_panel);
    }
}
