//! Writing files so that a crash never leaves half of one, and noticing when a file changed.
//!
//! Every file spantag writes (annotation files, exports, settings, recovery files, imported
//! documents) goes through [`AtomicFile`]: a temporary file in the target's folder is
//! written, flushed to disk and renamed over the target. With [`Backup::Keep`] the version
//! it replaces is kept as `<file>.bak`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Whether the replaced version of a file is kept as `<file>.bak`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backup {
    /// Keep the previous version as `<file>.bak`.
    Keep,
    /// Replace it without a copy (recovery files, scratch copies).
    Skip,
}

/// A file being written; it appears at its path only when [`AtomicFile::commit`] succeeds.
/// Dropped without a commit, it leaves nothing behind.
pub struct AtomicFile {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
}

impl AtomicFile {
    /// Starts writing `path` (the temporary file is created beside it).
    pub fn create(path: &Path) -> std::io::Result<Self> {
        let path = write_target(path)?;
        let tmp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .suffix(TEMP_SUFFIX)
            .tempfile_in(folder_of(&path))?;
        Ok(Self { tmp, path })
    }

    /// The file this will become.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes to disk and renames over the target, keeping the old version if asked.
    pub fn commit(self, backup: Backup) -> std::io::Result<()> {
        self.close()?.commit(backup)
    }

    /// Flushes to disk and closes the temporary file, which stays beside the target until
    /// [`ClosedAtomicFile::commit`] (or is removed when dropped): many files can be prepared
    /// this way without holding a file descriptor each.
    pub fn close(self) -> std::io::Result<ClosedAtomicFile> {
        set_permissions_like(self.tmp.as_file(), &self.path);
        self.tmp.as_file().sync_all()?;
        Ok(ClosedAtomicFile {
            tmp: self.tmp.into_temp_path(),
            path: self.path,
        })
    }
}

/// A temporary file written, flushed and closed, waiting to be renamed over its target.
pub struct ClosedAtomicFile {
    tmp: tempfile::TempPath,
    path: PathBuf,
}

impl ClosedAtomicFile {
    /// Renames it over the target, keeping the old version if asked.
    pub fn commit(self, backup: Backup) -> std::io::Result<()> {
        if backup == Backup::Keep {
            keep_backup(&self.path)?;
        }
        let dir = folder_of(&self.path).to_path_buf();
        self.tmp.persist(&self.path).map_err(|e| e.error)?;
        if let Ok(dir) = std::fs::File::open(dir) {
            // Make the rename itself durable.
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.tmp.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.tmp.flush()
    }
}

/// Writes `contents` to `path` atomically.
pub fn write(path: &Path, contents: &[u8], backup: Backup) -> std::io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(contents)?;
    file.commit(backup)
}

/// The file a write to `path` replaces: `path` itself, or, when it is a symbolic link, the
/// file the link leads to. The link is kept and its target replaced atomically (with its
/// `.bak` beside the target), rather than the link being replaced by a regular file.
pub fn write_target(path: &Path) -> std::io::Result<PathBuf> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(path).map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!(
                    "{} is a link to a file that cannot be reached ({e}); spantag writes \
                         through links and does not replace them: fix or remove the link",
                    path.display()
                ),
            )
        }),
        _ => Ok(path.to_path_buf()),
    }
}

const TEMP_PREFIX: &str = ".spantag-";
const TEMP_SUFFIX: &str = ".tmp";

fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Removes temporary files that an interrupted save (a crash, `kill -9`, a power cut) left in
/// `dir`: `.spantag-*.tmp` older than ten minutes. Returns how many were removed.
pub fn remove_stale_temp_files(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let old = |e: &std::fs::DirEntry| {
        e.metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > Duration::from_secs(600))
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
        })
        .filter(old)
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
}

/// Keeps the current version of `path`, if any, as `<path>.bak` (a hard link, so no copy,
/// falling back to a copy).
pub fn keep_backup(path: &Path) -> std::io::Result<()> {
    if !path.is_file() {
        return Ok(());
    }
    let mut bak = path.as_os_str().to_os_string();
    bak.push(".bak");
    let bak = PathBuf::from(bak);
    let _ = std::fs::remove_file(&bak);
    if std::fs::hard_link(path, &bak).is_err() {
        std::fs::copy(path, &bak)?;
    }
    Ok(())
}

/// Gives a temporary file (created private, 0600) the permissions the file it replaces had,
/// or the usual 0644 for a new file, so that teammates sharing the folder can read it.
fn set_permissions_like(tmp: &std::fs::File, target: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(target).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        let _ = tmp.set_permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    {
        let _ = (tmp, target);
    }
}

/// The hash of a file's bytes now (`None` when it does not exist or cannot be read, or is
/// not a regular file: polling a FIFO must not hang the app).
pub fn file_hash(path: &Path) -> Option<String> {
    crate::readfile::read_regular(path)
        .ok()
        .map(|bytes| crate::document::hash_bytes(&bytes))
}

/// A cheap fingerprint of a file (modification time and length) to poll for changes.
pub type Stamp = (SystemTime, u64);

/// The [`Stamp`] of a file now (`None` when it does not exist).
pub fn file_stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// What spantag last read or wrote at a path: the bytes' hash and the file's stamp, to tell
/// a change made by someone else from our own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiskState {
    /// Hash of the file as last read or written (`None`: there was no file).
    pub hash: Option<String>,
    /// Its stamp then.
    pub stamp: Option<Stamp>,
}

impl DiskState {
    /// The state after reading or writing `path` whose bytes hash to `hash`.
    pub fn seen(path: &Path, hash: Option<String>) -> Self {
        Self {
            hash,
            stamp: file_stamp(path),
        }
    }

    /// Whether the file's stamp differs from the one seen (cheap; a change of stamp does not
    /// mean the content changed).
    pub fn stamp_changed(&self, path: &Path) -> bool {
        file_stamp(path) != self.stamp
    }

    /// Whether the file's content differs from what was seen (hashes the file).
    pub fn content_changed(&self, path: &Path) -> bool {
        file_hash(path) != self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_keeps_a_backup_and_no_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt.alice.ron");
        write(&path, b"one", Backup::Keep).unwrap();
        write(&path, b"two", Backup::Keep).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(
            std::fs::read(dir.path().join("a.txt.alice.ron.bak")).unwrap(),
            b"one"
        );
        write(&path, b"three", Backup::Skip).unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("a.txt.alice.ron.bak")).unwrap(),
            b"one",
            "Skip leaves the backup alone"
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn an_uncommitted_file_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        let mut file = AtomicFile::create(&path).unwrap();
        file.write_all(b"half").unwrap();
        drop(file);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn stale_temporary_files_are_cleaned_up_fresh_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(".spantag-abc.tmp");
        let fresh = dir.path().join(".spantag-def.tmp");
        std::fs::write(&stale, "half a file").unwrap();
        std::fs::write(&fresh, "being written").unwrap();
        let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(&stale)
            .unwrap()
            .set_modified(an_hour_ago)
            .unwrap();
        assert_eq!(remove_stale_temp_files(dir.path()), 1);
        assert!(!stale.exists() && fresh.exists());
    }

    #[test]
    fn disk_state_tells_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let none = DiskState::seen(&path, file_hash(&path));
        assert!(!none.content_changed(&path));
        std::fs::write(&path, "x").unwrap();
        assert!(none.content_changed(&path));
        let seen = DiskState::seen(&path, file_hash(&path));
        assert!(!seen.content_changed(&path) && !seen.stamp_changed(&path));
    }
}
