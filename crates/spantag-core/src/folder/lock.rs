//! `.spantag.lock`: one operation at a time changes the files of a folder.
//!
//! The lock file names who holds it (process id, computer, what operation, since when). It is
//! created atomically (written in full beside it, then linked to its name, which fails when a
//! lock is there). A second process waits a few seconds, then refuses with a message naming
//! the holder. A lock left by a process that ended (on this computer) or older than
//! [`STALE_ELSEWHERE`] (on another computer) is stale: it is taken over, with a note.
//!
//! Within one process the lock is re-entrant: an operation holding a folder may save files
//! in it.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::Process;

/// The lock file's name.
pub const LOCK_FILE: &str = ".spantag.lock";

/// How long a second operation waits for the lock before refusing.
pub const WAIT: Duration = Duration::from_secs(5);

/// A lock held by a process on another computer is taken to be stale after this long (its
/// process cannot be asked whether it still runs).
pub const STALE_ELSEWHERE: Duration = Duration::from_secs(30 * 60);

/// What a lock file says.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Holder {
    /// The process holding it.
    pub process: Process,
    /// What it is doing ("label rename claim assertion", "save a.txt.alice.ron").
    pub operation: String,
    /// Since when (seconds since 1970).
    pub since: u64,
}

impl Holder {
    /// "process 12 on host h (label rename claim assertion, for 3 s)".
    pub fn describe(&self) -> String {
        let age = now_secs().saturating_sub(self.since);
        format!(
            "{} ({}, for {age} s)",
            self.process.describe(),
            self.operation
        )
    }

    fn is_stale(&self) -> bool {
        if self.process.is_local() {
            self.process.has_ended()
        } else {
            now_secs().saturating_sub(self.since) > STALE_ELSEWHERE.as_secs()
        }
    }
}

/// Why a folder could not be locked. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another spantag holds it.
    #[error(
        "{dir} is busy: {} holds {lock}; waited {waited} s. Nothing was changed: run the command again when it has finished (if no spantag is running there, delete {lock})",
        holder.describe(),
        waited = waited.as_secs()
    )]
    Held {
        /// The folder.
        dir: PathBuf,
        /// The lock file.
        lock: PathBuf,
        /// Who holds it.
        holder: Box<Holder>,
        /// How long we waited.
        waited: Duration,
    },
    /// The lock file could not be created or read.
    #[error("could not lock {path}: {source}. Nothing was changed")]
    Io {
        /// The lock file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
}

/// Folders this process holds, with how many holders each (re-entrance).
static HELD: Mutex<Option<HashMap<PathBuf, usize>>> = Mutex::new(None);

fn held_change(dir: &Path, by: isize) -> usize {
    let Ok(mut held) = HELD.lock() else {
        return 0;
    };
    let map = held.get_or_insert_with(HashMap::new);
    let count = map.entry(dir.to_path_buf()).or_insert(0);
    *count = count.saturating_add_signed(by);
    let now = *count;
    if now == 0 {
        map.remove(dir);
    }
    now
}

fn held_count(dir: &Path) -> usize {
    HELD.lock()
        .ok()
        .and_then(|h| h.as_ref().and_then(|m| m.get(dir).copied()))
        .unwrap_or(0)
}

/// A held folder lock; released when dropped.
#[derive(Debug)]
pub struct FolderLock {
    dir: PathBuf,
    path: PathBuf,
}

impl FolderLock {
    /// The folder locked (canonical).
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        if held_change(&self.dir, -1) == 0 {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Locks `dir` for `operation`, waiting up to [`WAIT`] for another holder.
pub fn acquire(dir: &Path, operation: &str) -> Result<FolderLock, LockError> {
    acquire_waiting(dir, operation, WAIT)
}

/// Locks `dir` for `operation`, waiting up to `wait` for another holder to finish.
pub fn acquire_waiting(
    dir: &Path,
    operation: &str,
    wait: Duration,
) -> Result<FolderLock, LockError> {
    let path = dir.join(LOCK_FILE);
    let io = |source| LockError::Io {
        path: path.clone(),
        source,
    };
    let dir = std::fs::canonicalize(dir).map_err(io)?;
    let path = dir.join(LOCK_FILE);
    if held_count(&dir) > 0 {
        held_change(&dir, 1);
        return Ok(FolderLock { dir, path });
    }
    let me = Holder {
        process: Process::me(),
        operation: operation.to_owned(),
        since: now_secs(),
    };
    let text = ron::ser::to_string_pretty(&me, ron::ser::PrettyConfig::default())
        .map_err(|e| io(std::io::Error::other(e.to_string())))?;
    let started = Instant::now();
    loop {
        match create(&dir, &path, &text) {
            Ok(()) => {
                held_change(&dir, 1);
                return Ok(FolderLock { dir, path });
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(io(e)),
        }
        match read(&path) {
            Read::Gone => continue,
            Read::Holder(holder) if holder.is_stale() => {
                if take_over(&path, &holder) {
                    super::note(format!(
                        "took over the lock {} left by {}, which is no longer running",
                        path.display(),
                        holder.describe()
                    ));
                }
                continue;
            }
            Read::Garbled(age) if age > Duration::from_secs(10) => {
                // Not a lock spantag finished writing (it writes it whole): a crash of a
                // spantag that wrote it in place, long ago.
                let _ = std::fs::remove_file(&path);
                super::note(format!(
                    "removed the unreadable lock file {}, left {} s ago",
                    path.display(),
                    age.as_secs()
                ));
                continue;
            }
            Read::Holder(holder) => {
                if started.elapsed() >= wait {
                    return Err(LockError::Held {
                        dir,
                        lock: path,
                        holder: Box::new(holder),
                        waited: started.elapsed(),
                    });
                }
            }
            Read::Garbled(_) => {
                if started.elapsed() >= wait {
                    return Err(io(std::io::Error::other(
                        "the lock file is there but cannot be read",
                    )));
                }
            }
        }
        std::thread::sleep(Duration::from_millis(40));
    }
}

/// Who holds `dir`'s lock now, if anyone (stale or not).
pub fn holder(dir: &Path) -> Option<Holder> {
    match read(&dir.join(LOCK_FILE)) {
        Read::Holder(h) => Some(h),
        _ => None,
    }
}

/// Whether `dir`'s lock is held by a running process other than this one.
pub fn held_by_another(dir: &Path) -> Option<Holder> {
    holder(dir).filter(|h| !h.is_stale() && h.process != Process::me())
}

enum Read {
    Gone,
    Holder(Holder),
    Garbled(Duration),
}

fn read(path: &Path) -> Read {
    let Ok(text) = std::fs::read_to_string(path) else {
        return if path.exists() {
            Read::Garbled(Duration::ZERO)
        } else {
            Read::Gone
        };
    };
    match ron::from_str::<Holder>(&text) {
        Ok(h) => Read::Holder(h),
        Err(_) => Read::Garbled(
            std::fs::metadata(path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .unwrap_or(Duration::ZERO),
        ),
    }
}

/// Creates the lock file with its whole text, failing with `AlreadyExists` when there is one.
fn create(dir: &Path, path: &Path, text: &str) -> std::io::Result<()> {
    let mut tmp = tempfile::Builder::new()
        .prefix(&crate::atomic::temp_prefix())
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    match std::fs::hard_link(tmp.path(), path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
        Err(_) => {
            // A file system without hard links: create it in place.
            let mut file = std::fs::File::options()
                .write(true)
                .create_new(true)
                .open(path)?;
            file.write_all(text.as_bytes())?;
            file.sync_all()
        }
    }
}

/// Moves a stale lock aside and deletes it, unless another process replaced it meanwhile
/// (then it is put back). Returns whether the stale lock was removed.
fn take_over(path: &Path, stale: &Holder) -> bool {
    let aside = path.with_file_name(format!(
        "{}-{}-{}.tmp",
        crate::atomic::temp_prefix(),
        "stale-lock",
        std::process::id()
    ));
    if std::fs::rename(path, &aside).is_err() {
        return false;
    }
    match read(&aside) {
        Read::Holder(h) if h == *stale => {
            let _ = std::fs::remove_file(&aside);
            true
        }
        _ => {
            // Someone else took it over first and this is their fresh lock: give it back.
            let _ = std::fs::hard_link(&aside, path);
            let _ = std::fs::remove_file(&aside);
            false
        }
    }
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn write_lock(dir: &Path, holder: &Holder) {
        let text = ron::ser::to_string_pretty(holder, ron::ser::PrettyConfig::default()).unwrap();
        std::fs::write(dir.join(LOCK_FILE), text).unwrap();
    }

    fn ended_pid() -> u32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    }

    #[test]
    fn a_lock_is_created_named_and_released() {
        let dir = tempfile::tempdir().unwrap();
        let lock = acquire(dir.path(), "label rename a b").unwrap();
        let holder = holder(dir.path()).unwrap();
        assert_eq!(holder.process.pid, std::process::id());
        assert_eq!(holder.operation, "label rename a b");
        // Re-entrant within the process.
        let again = acquire(dir.path(), "save x").unwrap();
        drop(again);
        assert!(dir.path().join(LOCK_FILE).exists(), "still held once");
        drop(lock);
        assert!(!dir.path().join(LOCK_FILE).exists());
    }

    #[test]
    fn a_live_lock_is_refused_with_who_holds_it() {
        let dir = tempfile::tempdir().unwrap();
        // PID 1 runs as long as the computer does.
        let holder = Holder {
            process: Process {
                pid: 1,
                host: super::super::host_name(),
                started: None,
            },
            operation: "curate".to_owned(),
            since: now_secs(),
        };
        write_lock(dir.path(), &holder);
        let started = Instant::now();
        let err = acquire_waiting(dir.path(), "label rename a b", Duration::from_millis(300))
            .unwrap_err();
        assert!(started.elapsed() >= Duration::from_millis(300), "it waited");
        let message = err.to_string();
        assert!(message.contains("is busy"), "{message}");
        assert!(message.contains("process 1 on host"), "{message}");
        assert!(message.contains("curate"), "{message}");
        assert!(message.contains("Nothing was changed"), "{message}");
        // The other's lock is left alone.
        assert_eq!(super::holder(dir.path()).unwrap(), holder);
    }

    #[test]
    fn a_stale_lock_is_taken_over_with_a_note() {
        let dir = tempfile::tempdir().unwrap();
        let dead = Holder {
            process: Process {
                pid: ended_pid(),
                host: super::super::host_name(),
                started: None,
            },
            operation: "label rename a b".to_owned(),
            since: now_secs(),
        };
        write_lock(dir.path(), &dead);
        let _ = super::super::take_notes();
        let lock = acquire_waiting(dir.path(), "curate", Duration::ZERO).unwrap();
        assert_eq!(holder(dir.path()).unwrap().process.pid, std::process::id());
        let notes = super::super::take_notes();
        assert!(
            notes.iter().any(|n| n.contains("took over the lock")),
            "{notes:?}"
        );
        drop(lock);

        // Another computer's lock: stale only when old.
        let mut elsewhere = Holder {
            process: Process {
                pid: 1,
                host: "another-computer".to_owned(),
                started: None,
            },
            operation: "save".to_owned(),
            since: now_secs(),
        };
        write_lock(dir.path(), &elsewhere);
        assert!(acquire_waiting(dir.path(), "curate", Duration::ZERO).is_err());
        elsewhere.since -= STALE_ELSEWHERE.as_secs() + 1;
        write_lock(dir.path(), &elsewhere);
        assert!(acquire_waiting(dir.path(), "curate", Duration::ZERO).is_ok());
    }
}
