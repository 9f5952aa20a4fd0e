//! Folder-wide operations that are all or nothing.
//!
//! * [`lock`]: `.spantag.lock` serialises the operations that change files of a folder
//!   (`label rename`/`remove`, `curate`, `import`, saving an annotation file).
//! * [`journal`]: `.spantag-journal.ron` lists every file a multi-file operation replaces
//!   before the first is touched, so that an operation killed part way is finished (or undone)
//!   by the next spantag command on the folder ([`recover`]).
//!
//! Temporary files are named `.spantag-<host tag>-<pid>-<random>.tmp`: a temporary file of a
//! process of this computer that is no longer running is provably spantag's own leftover and
//! is removed ([`crate::atomic::remove_stale_temp_files`]); any other is left alone.

pub mod journal;
pub mod lock;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub use journal::{Unfinished, recover, unfinished};
pub use lock::{FolderLock, LockError};

/// Who a process is: its id, the computer it runs on and when it started (to tell a process
/// from a later one that got the same id).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Process {
    /// The process id.
    pub pid: u32,
    /// The computer's name.
    pub host: String,
    /// When it started, in the system's clock ticks since boot (Linux); `None` elsewhere.
    #[serde(default)]
    pub started: Option<u64>,
}

impl Process {
    /// This process.
    pub fn me() -> Self {
        let pid = std::process::id();
        Self {
            pid,
            host: host_name(),
            started: start_time(pid),
        }
    }

    /// Whether it runs on this computer.
    pub fn is_local(&self) -> bool {
        self.host == host_name()
    }

    /// Whether it is known to have ended: it ran on this computer and no process has its id
    /// now (or the one that has started at another time). `false` when that cannot be told.
    pub fn has_ended(&self) -> bool {
        if !self.is_local() {
            return false;
        }
        match pid_alive(self.pid) {
            Some(false) => true,
            Some(true) => match (self.started, start_time(self.pid)) {
                (Some(then), Some(now)) => then != now,
                _ => false,
            },
            None => false,
        }
    }

    /// "pid 123 on host h", for people.
    pub fn describe(&self) -> String {
        format!("process {} on host {}", self.pid, self.host)
    }
}

/// The name of this computer (`unknown` when it cannot be found).
pub fn host_name() -> String {
    static NAME: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    NAME.get_or_init(|| {
        ["/proc/sys/kernel/hostname", "/etc/hostname"]
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .chain(
                ["HOSTNAME", "COMPUTERNAME"]
                    .iter()
                    .filter_map(|v| std::env::var(v).ok()),
            )
            .map(|s| s.trim().to_owned())
            .find(|s| !s.is_empty())
            .unwrap_or_else(|| "unknown".to_owned())
    })
    .clone()
}

/// A short tag of this computer's name for temporary file names (8 hex digits).
pub fn host_tag() -> String {
    let hash = crate::document::hash_bytes(host_name().as_bytes());
    hash.trim_start_matches("sha256:").chars().take(8).collect()
}

/// Whether a process with this id runs on this computer: `None` when that cannot be told
/// (no `/proc`).
pub fn pid_alive(pid: u32) -> Option<bool> {
    if !Path::new("/proc/self").exists() {
        return None;
    }
    Some(Path::new("/proc").join(pid.to_string()).exists())
}

/// When a process started (Linux: field 22 of `/proc/<pid>/stat`).
fn start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(19)?.parse().ok()
}

/// Messages about work finished or taken over on behalf of an earlier, interrupted run
/// (a stale lock taken over, an interrupted operation completed), for the command line and
/// the app to show; [`take_notes`] empties it.
static NOTES: Mutex<Vec<String>> = Mutex::new(Vec::new());

pub(crate) fn note(message: String) {
    if let Ok(mut notes) = NOTES.lock() {
        notes.push(message);
    }
}

/// The messages noted since the last call (see [`NOTES`]).
pub fn take_notes() -> Vec<String> {
    NOTES
        .lock()
        .map(|mut notes| std::mem::take(&mut *notes))
        .unwrap_or_default()
}

/// The folder that holds the lock and journal for an operation on `path` (a folder, or a
/// file: its folder).
pub fn folder_for(path: &Path) -> PathBuf {
    if path.is_dir() {
        return path.to_path_buf();
    }
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf()
}

/// The deepest folder holding every one of `paths` (files): where an operation over them
/// keeps its lock and journal.
pub fn common_folder<'a>(paths: impl IntoIterator<Item = &'a Path>) -> PathBuf {
    let mut common: Option<PathBuf> = None;
    for path in paths {
        let folder = crate::atomic::folder_of(path);
        let folder = std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
        common = Some(match common {
            None => folder,
            Some(c) => c
                .ancestors()
                .find(|a| folder.starts_with(a))
                .map_or_else(|| PathBuf::from("/"), Path::to_path_buf),
        });
    }
    common.unwrap_or_else(|| PathBuf::from("."))
}
