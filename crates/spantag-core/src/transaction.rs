//! Replacing many files as one: all of them or none, even if the process is killed.
//!
//! [`apply`] runs under a folder's lock ([`crate::folder::lock`]): it locks every folder it
//! writes in, checks that no file changed since it was read, writes every new version to a
//! temporary file beside its target, writes the journal
//! ([`crate::folder::journal`]), renames each new version into place (the old one kept as
//! `.bak`), and removes the journal. Killed before the journal exists, it changed nothing
//! (its temporary files are cleaned up); killed after, the next spantag command on the folder
//! finishes it.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::folder::journal::{self, Entry, Journal, RecoverError};
use crate::folder::{FolderLock, LockError, Process, lock};

/// One file to replace (or create).
#[derive(Debug, Clone)]
pub struct Change {
    /// The file.
    pub path: PathBuf,
    /// Its new contents.
    pub contents: Vec<u8>,
    /// The hash of the version read (`None`: there was no file). The operation stops, with
    /// nothing changed, when the file is no longer that.
    pub old: Option<String>,
}

/// Why a transaction did not happen. Nothing was changed unless the variant says so.
#[derive(Debug, thiserror::Error)]
pub enum TxnError {
    /// A folder to write in is locked by another operation.
    #[error("{0}")]
    Lock(#[from] LockError),
    /// An earlier interrupted operation could not be finished.
    #[error("{0}")]
    Recover(#[from] RecoverError),
    /// A file changed on disk between reading and writing.
    #[error(
        "{0} changed on disk meanwhile (is spantag open on it?). No file was changed; run the command again"
    )]
    Changed(PathBuf),
    /// A new version could not be written beside its file (read-only folder, full disk).
    #[error("could not write {path}: {source}. No file was changed")]
    Unprepared {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// Putting the files in place failed part way; what was done was undone, or will be by
    /// the next command on the folder (`stuck`).
    #[error("could not replace {path}: {source}. {}", if *stuck { "The files are in an unfinished state that the next spantag command on this folder completes or undoes" } else { "No file was changed" })]
    Failed {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
        /// Whether undoing failed too (the journal is left for the next command).
        stuck: bool,
    },
}

/// Replaces every file of `changes` as one operation named `operation`, in the folder
/// `lock` holds (the journal goes there). Each replaced file's previous version is kept as
/// `<file>.bak`.
pub fn apply(lock: &FolderLock, operation: &str, changes: &[Change]) -> Result<(), TxnError> {
    let dir = lock.dir().to_path_buf();
    // An operation interrupted before this one is finished first.
    journal::recover_locked(lock)?;
    if changes.is_empty() {
        return Ok(());
    }
    // Every folder written in is locked too, so that a save there cannot slip in between the
    // check below and the rename.
    let mut targets = Vec::with_capacity(changes.len());
    let mut folders: Vec<PathBuf> = Vec::new();
    for change in changes {
        let folder = crate::atomic::folder_of(&change.path);
        let folder = std::fs::canonicalize(folder).map_err(|source| TxnError::Unprepared {
            path: change.path.clone(),
            source,
        })?;
        let name = change
            .path
            .file_name()
            .map(PathBuf::from)
            .unwrap_or_default();
        targets.push(folder.join(name));
        if !folders.contains(&folder) {
            folders.push(folder);
        }
    }
    folders.sort();
    let _locks = folders
        .iter()
        .map(|f| lock::acquire(f, operation))
        .collect::<Result<Vec<_>, _>>()?;
    for (change, target) in changes.iter().zip(&targets) {
        if crate::atomic::file_hash(target) != change.old {
            return Err(TxnError::Changed(change.path.clone()));
        }
    }
    // Every new version is written first: a folder that cannot be written stops here.
    let mut prepared = Prepared(Vec::with_capacity(changes.len()));
    let mut entries = Vec::with_capacity(changes.len());
    for (change, target) in changes.iter().zip(&targets) {
        let unprepared = |source| TxnError::Unprepared {
            path: change.path.clone(),
            source,
        };
        let mut file = crate::atomic::AtomicFile::create(target).map_err(unprepared)?;
        file.write_all(&change.contents).map_err(unprepared)?;
        let temp = file
            .close()
            .map_err(unprepared)?
            .keep()
            .map_err(unprepared)?;
        let temp_name = temp
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        prepared.0.push(temp);
        entries.push(Entry {
            target: target
                .strip_prefix(&dir)
                .map_or_else(|_| target.clone(), Path::to_path_buf),
            temp: temp_name,
            old: change.old.clone(),
            new: crate::document::hash_bytes(&change.contents),
        });
    }
    let journal = Journal {
        operation: operation.to_owned(),
        process: Process::me(),
        files: entries,
    };
    journal::write(&dir, &journal).map_err(|source| TxnError::Unprepared {
        path: dir.join(journal::JOURNAL_FILE),
        source,
    })?;
    // From here the journal owns the temporary files.
    let temps = std::mem::take(&mut prepared.0);
    for ((entry, target), temp) in journal.files.iter().zip(&targets).zip(&temps) {
        if let Err(source) = journal::put_in_place(temp, target, entry.old.as_deref()) {
            // Undo what was done (the journal knows how); if even that fails, the journal
            // stays for the next command.
            let stuck = match journal::remove_temp_and_undo(lock, temp) {
                Ok(()) => false,
                Err(_) => true,
            };
            return Err(TxnError::Failed {
                path: target.clone(),
                source,
                stuck,
            });
        }
    }
    for folder in &folders {
        journal::sync_dir(folder);
    }
    journal::remove(&dir).map_err(|source| TxnError::Failed {
        path: dir.join(journal::JOURNAL_FILE),
        source,
        stuck: true,
    })?;
    Ok(())
}

/// Temporary files written but not yet handed to the journal: removed if the transaction
/// stops before.
struct Prepared(Vec<PathBuf>);

impl Drop for Prepared {
    fn drop(&mut self) {
        for path in &self.0 {
            let _ = std::fs::remove_file(path);
        }
    }
}
