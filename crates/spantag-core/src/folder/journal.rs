//! `.spantag-journal.ron`: what a multi-file operation is about to do, written before it
//! touches its first file and removed when it is done.
//!
//! It lists every file the operation replaces, with the temporary file holding its new
//! version (already written and flushed) and the hashes of the old and new versions. Killed at
//! any moment, the operation is finished by [`recover`], which the next spantag command on the
//! folder runs: forward when every new version is there (in its temporary file or already in
//! place), otherwise back (the versions already in place restored from their `.bak`, the
//! temporary files removed).

use std::path::{Path, PathBuf};

use super::{FolderLock, LockError, Process, lock};

/// The journal's file name.
pub const JOURNAL_FILE: &str = ".spantag-journal.ron";

/// A journal.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Journal {
    /// What the operation is ("label rename claim assertion").
    pub operation: String,
    /// Who ran it.
    pub process: Process,
    /// Every file it replaces.
    pub files: Vec<Entry>,
}

/// One file an operation replaces.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    /// The file (relative to the journal's folder when under it).
    pub target: PathBuf,
    /// Its new version, written beside it (a file name in the target's folder).
    pub temp: String,
    /// The hash of the version it replaces (`None`: there was no file).
    pub old: Option<String>,
    /// The hash of the new version.
    pub new: String,
}

impl Entry {
    /// The target's path, given the journal's folder.
    pub fn target_in(&self, dir: &Path) -> PathBuf {
        dir.join(&self.target)
    }

    /// The temporary file's path, given the journal's folder.
    pub fn temp_in(&self, dir: &Path) -> PathBuf {
        crate::atomic::folder_of(&self.target_in(dir)).join(&self.temp)
    }
}

/// An operation that did not finish, as [`unfinished`] finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unfinished {
    /// The journal file.
    pub journal: PathBuf,
    /// What the operation was.
    pub operation: String,
    /// Who ran it.
    pub process: Process,
    /// How many files it replaces.
    pub files: usize,
    /// Whether its process still runs (it is not unfinished, only under way).
    pub running: bool,
}

impl Unfinished {
    /// For people.
    pub fn describe(&self) -> String {
        if self.running {
            format!(
                "{} is under way ({}; {} file(s)); its journal is {}",
                self.operation,
                self.process.describe(),
                self.files,
                self.journal.display()
            )
        } else {
            format!(
                "an interrupted {} ({} file(s)) was not finished; its journal is {}. Any spantag command on this folder (e.g. `spantag check`) finishes it",
                self.operation,
                self.files,
                self.journal.display()
            )
        }
    }
}

/// The operation left unfinished (or under way) in `dir`, if any: for `check` and `status`.
pub fn unfinished(dir: &Path) -> Option<Unfinished> {
    let path = dir.join(JOURNAL_FILE);
    let journal = read(&path).ok()??;
    let running = lock::held_by_another(dir).is_some() && !journal.process.has_ended();
    Some(Unfinished {
        journal: path,
        operation: journal.operation,
        process: journal.process,
        files: journal.files.len(),
        running,
    })
}

/// The temporary files an unfinished journal in `dir` names in `dir` (kept by the clean-up).
pub fn temp_files(dir: &Path) -> Vec<std::ffi::OsString> {
    let Ok(Some(journal)) = read(&dir.join(JOURNAL_FILE)) else {
        return Vec::new();
    };
    journal
        .files
        .iter()
        .filter(|e| {
            let folder = crate::atomic::folder_of(&e.target_in(dir)).to_path_buf();
            same_dir(&folder, dir)
        })
        .map(|e| e.temp.clone().into())
        .collect()
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Why a journal could not be finished.
#[derive(Debug, thiserror::Error)]
pub enum RecoverError {
    /// The folder is locked by a running operation.
    #[error("{0}")]
    Lock(#[from] LockError),
    /// The journal cannot be read.
    #[error(
        "{path} (the journal of an interrupted operation) cannot be read: {message}. Check the files it names by hand (each changed one has a .bak), then delete it"
    )]
    Unreadable {
        /// The journal.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// A file could not be put back or forward.
    #[error(
        "could not finish the interrupted {operation}: {message}. The journal {journal} is kept; fix the cause and run the command again"
    )]
    Stuck {
        /// The operation.
        operation: String,
        /// The journal.
        journal: PathBuf,
        /// What failed.
        message: String,
    },
}

/// Reads a journal: `Ok(None)` when there is none.
pub fn read(path: &Path) -> Result<Option<Journal>, RecoverError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(RecoverError::Unreadable {
                path: path.to_path_buf(),
                message: e.to_string(),
            });
        }
    };
    ron::from_str(&text)
        .map(Some)
        .map_err(|e| RecoverError::Unreadable {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
}

/// Writes the journal of `dir` atomically.
pub(crate) fn write(dir: &Path, journal: &Journal) -> std::io::Result<()> {
    let text = ron::ser::to_string_pretty(journal, ron::ser::PrettyConfig::default())
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    crate::atomic::write(
        &dir.join(JOURNAL_FILE),
        text.as_bytes(),
        crate::atomic::Backup::Skip,
    )?;
    sync_dir(dir);
    Ok(())
}

/// Removes the journal of `dir`.
pub(crate) fn remove(dir: &Path) -> std::io::Result<()> {
    std::fs::remove_file(dir.join(JOURNAL_FILE))?;
    sync_dir(dir);
    Ok(())
}

pub(crate) fn sync_dir(dir: &Path) {
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
}

/// How an interrupted operation was finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recovered {
    /// Every new version was there: the operation was completed.
    Forward {
        /// The operation.
        operation: String,
        /// Files put in place now (the others were already).
        completed: usize,
        /// Files in all.
        files: usize,
    },
    /// Some new version was missing: the files already replaced were put back.
    Back {
        /// The operation.
        operation: String,
        /// Files restored from their `.bak`.
        restored: usize,
        /// Files in all.
        files: usize,
    },
}

impl Recovered {
    /// For people (stderr).
    pub fn describe(&self, dir: &Path) -> String {
        match self {
            Self::Forward {
                operation,
                completed,
                files,
            } => format!(
                "{}: finished the interrupted {operation}: {completed} of its {files} file(s) were still to be put in place, now all are",
                dir.display()
            ),
            Self::Back {
                operation,
                restored,
                files,
            } => format!(
                "{}: undid the interrupted {operation}: not every new version had been written, so the {restored} file(s) already changed were restored and none of its {files} file(s) is changed",
                dir.display()
            ),
        }
    }
}

/// Finishes an operation interrupted in `dir` (a folder, or a file: its folder), if there is
/// one, holding the folder's lock meanwhile; also removes spantag's own leftover temporary
/// files there. What was done is returned (and noted, see [`super::take_notes`]).
pub fn recover(path: &Path) -> Result<Option<Recovered>, RecoverError> {
    let dir = super::folder_for(path);
    // Locks left by a process that was killed (here, or in a subfolder an operation wrote
    // in) are taken over, and so removed.
    remove_stale_locks(&dir, 0);
    if !dir.join(JOURNAL_FILE).exists() {
        crate::atomic::remove_stale_temp_files(&dir);
        return Ok(None);
    }
    let lock = lock::acquire(&dir, "finish an interrupted operation")?;
    let done = recover_locked(&lock)?;
    crate::atomic::remove_stale_temp_files(&dir);
    Ok(done)
}

/// Removes the stale locks of `dir` and of its subfolders (not following links), with a
/// note each.
fn remove_stale_locks(dir: &Path, depth: usize) {
    if lock::holder(dir).is_some() && lock::held_by_another(dir).is_none() {
        drop(lock::acquire_waiting(
            dir,
            "remove a stale lock",
            std::time::Duration::ZERO,
        ));
    }
    if depth >= 16 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            remove_stale_locks(&entry.path(), depth + 1);
        }
    }
}

/// [`recover`] for a folder this process has locked.
pub(crate) fn recover_locked(lock: &FolderLock) -> Result<Option<Recovered>, RecoverError> {
    let dir = lock.dir();
    let path = dir.join(JOURNAL_FILE);
    let Some(journal) = read(&path)? else {
        return Ok(None);
    };
    let stuck = |message: String| RecoverError::Stuck {
        operation: journal.operation.clone(),
        journal: path.clone(),
        message,
    };
    let hash = |p: &Path| crate::atomic::file_hash(p);
    let mut missing = false;
    // (entry, already in place)
    let mut states = Vec::with_capacity(journal.files.len());
    for entry in &journal.files {
        let in_place = hash(&entry.target_in(dir)).as_deref() == Some(entry.new.as_str());
        let ready = !in_place && hash(&entry.temp_in(dir)).as_deref() == Some(entry.new.as_str());
        missing |= !in_place && !ready;
        states.push((entry, in_place));
    }
    let done = if missing {
        let mut restored = 0;
        for (entry, in_place) in &states {
            let target = entry.target_in(dir);
            let _ = std::fs::remove_file(entry.temp_in(dir));
            if !in_place {
                continue;
            }
            match &entry.old {
                None => {
                    std::fs::remove_file(&target)
                        .map_err(|e| stuck(format!("{}: {e}", target.display())))?;
                }
                Some(old) => {
                    let bak = crate::atomic::backup_path(&target);
                    if hash(&bak).as_deref() != Some(old.as_str()) {
                        return Err(stuck(format!(
                            "the previous version of {} is not in {}",
                            target.display(),
                            bak.display()
                        )));
                    }
                    let bytes = std::fs::read(&bak)
                        .map_err(|e| stuck(format!("{}: {e}", bak.display())))?;
                    crate::atomic::write(&target, &bytes, crate::atomic::Backup::Skip)
                        .map_err(|e| stuck(format!("{}: {e}", target.display())))?;
                }
            }
            restored += 1;
        }
        Recovered::Back {
            operation: journal.operation.clone(),
            restored,
            files: journal.files.len(),
        }
    } else {
        let mut completed = 0;
        for (entry, in_place) in &states {
            if *in_place {
                continue;
            }
            let target = entry.target_in(dir);
            put_in_place(&entry.temp_in(dir), &target, entry.old.as_deref())
                .map_err(|e| stuck(format!("{}: {e}", target.display())))?;
            completed += 1;
        }
        Recovered::Forward {
            operation: journal.operation.clone(),
            completed,
            files: journal.files.len(),
        }
    };
    remove(dir).map_err(|e| stuck(format!("{}: {e}", path.display())))?;
    super::note(done.describe(dir));
    Ok(Some(done))
}

/// After putting `temp` in place failed: removes it, so that the journal rolls back, and
/// rolls back.
pub(crate) fn remove_temp_and_undo(lock: &FolderLock, temp: &Path) -> Result<(), RecoverError> {
    let _ = std::fs::remove_file(temp);
    recover_locked(lock).map(|_| ())
}

/// Renames a prepared new version over its target, keeping the version it replaces as
/// `.bak` when that is the version the operation read (`old`).
pub(crate) fn put_in_place(temp: &Path, target: &Path, old: Option<&str>) -> std::io::Result<()> {
    if old.is_some() && crate::atomic::file_hash(target).as_deref() == old {
        crate::atomic::keep_backup(target)?;
    }
    std::fs::rename(temp, target)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::document::hash_bytes;

    /// A folder where an operation replacing a and b (old → new) was killed after b was put
    /// in place: a's new version waits in its temporary file (unless `lose_a`), b's old one
    /// is in b.bak. The journal's process has ended.
    fn interrupted(lose_a: bool) -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.ron"), dir.path().join("b.ron"));
        std::fs::write(&a, "a old").unwrap();
        std::fs::write(&b, "b new").unwrap();
        std::fs::write(dir.path().join("b.ron.bak"), "b old").unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        let tag = super::super::host_tag();
        let temp_a = format!(".spantag-{tag}-{pid}-aaaaaa.tmp");
        if !lose_a {
            std::fs::write(dir.path().join(&temp_a), "a new").unwrap();
        }
        let journal = Journal {
            operation: "label rename x y".to_owned(),
            process: Process {
                pid,
                host: super::super::host_name(),
                started: None,
            },
            files: vec![
                Entry {
                    target: "a.ron".into(),
                    temp: temp_a,
                    old: Some(hash_bytes(b"a old")),
                    new: hash_bytes(b"a new"),
                },
                Entry {
                    target: "b.ron".into(),
                    temp: format!(".spantag-{tag}-{pid}-bbbbbb.tmp"),
                    old: Some(hash_bytes(b"b old")),
                    new: hash_bytes(b"b new"),
                },
            ],
        };
        write(dir.path(), &journal).unwrap();
        (dir, a, b)
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn every_new_version_there_rolls_forward() {
        let (dir, a, b) = interrupted(false);
        let left = unfinished(dir.path()).unwrap();
        assert!(!left.running);
        assert_eq!(left.files, 2);
        assert!(
            left.describe().contains("spantag check"),
            "{}",
            left.describe()
        );
        let done = recover(dir.path()).unwrap().unwrap();
        assert_eq!(
            done,
            Recovered::Forward {
                operation: "label rename x y".to_owned(),
                completed: 1,
                files: 2
            }
        );
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "a new");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "b new");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a.ron.bak")).unwrap(),
            "a old"
        );
        assert_eq!(
            names(dir.path()),
            ["a.ron", "a.ron.bak", "b.ron", "b.ron.bak"]
        );
        assert!(unfinished(dir.path()).is_none());
    }

    #[test]
    fn a_missing_new_version_rolls_back() {
        let (dir, a, b) = interrupted(true);
        let done = recover(&a).unwrap().unwrap();
        assert_eq!(
            done,
            Recovered::Back {
                operation: "label rename x y".to_owned(),
                restored: 1,
                files: 2
            }
        );
        assert!(done.describe(dir.path()).contains("undid"));
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "a old");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "b old");
        assert_eq!(names(dir.path()), ["a.ron", "b.ron", "b.ron.bak"]);
    }

    #[test]
    fn locks_left_by_a_killed_operation_are_removed_here_and_below() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        let dead = lock::Holder {
            process: Process {
                pid,
                host: super::super::host_name(),
                started: None,
            },
            operation: "label rename x y".to_owned(),
            since: 0,
        };
        for folder in [dir.path(), sub.as_path()] {
            std::fs::write(folder.join(lock::LOCK_FILE), ron::to_string(&dead).unwrap()).unwrap();
        }
        assert_eq!(recover(dir.path()).unwrap(), None);
        assert!(!dir.path().join(lock::LOCK_FILE).exists());
        assert!(!sub.join(lock::LOCK_FILE).exists());
    }

    #[test]
    fn a_journal_of_a_running_operation_is_left_to_it() {
        let (dir, a, _) = interrupted(false);
        let mut journal = read(&dir.path().join(JOURNAL_FILE)).unwrap().unwrap();
        journal.process = Process::me();
        write(dir.path(), &journal).unwrap();
        // Another process's lock (PID 1 runs as long as the computer).
        let holder = lock::Holder {
            process: Process {
                pid: 1,
                host: super::super::host_name(),
                started: None,
            },
            operation: "label rename x y".to_owned(),
            since: 0,
        };
        std::fs::write(
            dir.path().join(lock::LOCK_FILE),
            ron::to_string(&holder).unwrap(),
        )
        .unwrap();
        assert!(unfinished(dir.path()).unwrap().running);
        let started = std::time::Instant::now();
        assert!(matches!(recover(dir.path()), Err(RecoverError::Lock(_))));
        assert!(started.elapsed() >= lock::WAIT);
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "a old");
        assert!(dir.path().join(JOURNAL_FILE).exists());
    }
}
