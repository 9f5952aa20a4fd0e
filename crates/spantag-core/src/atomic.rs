//! Writing files so that a crash never leaves half of one, and noticing when a file changed.
//!
//! Every file spantag writes (annotation files, exports, settings, recovery files, imported
//! documents) goes through [`AtomicFile`]: a temporary file in the target's folder is
//! written, flushed to disk and renamed over the target. With [`Backup::Keep`] the version
//! it replaces is kept as `<file>.bak`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

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
            .prefix(&temp_prefix())
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
    /// Keeps the temporary file (it is no longer removed when dropped) and returns its path:
    /// for an operation whose journal takes charge of it ([`crate::transaction`]).
    pub fn keep(self) -> std::io::Result<PathBuf> {
        self.tmp.keep().map_err(|e| e.error)
    }

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

/// The start of this process's temporary file names: `.spantag-<host tag>-<pid>-` (a random
/// part and `.tmp` follow), so that a leftover can be proven to be spantag's own.
pub fn temp_prefix() -> String {
    format!(
        "{TEMP_PREFIX}{}-{}-",
        crate::folder::host_tag(),
        std::process::id()
    )
}

/// The folder of a file (`.` for a bare file name).
pub fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// The process id in a temporary file name of this computer (`None`: not one of spantag's
/// temporary files, or made on another computer).
fn temp_file_pid(name: &str) -> Option<u32> {
    let inner = name.strip_prefix(TEMP_PREFIX)?.strip_suffix(TEMP_SUFFIX)?;
    let mut parts = inner.splitn(3, '-');
    let (tag, pid) = (parts.next()?, parts.next()?);
    parts.next()?;
    (tag == crate::folder::host_tag()).then(|| pid.parse().ok())?
}

/// Removes temporary files that an interrupted save (a crash, `kill -9`, a power cut) left in
/// `dir` (`""` is the current folder): only `.spantag-<host tag>-<pid>-*.tmp` files made on
/// this computer by a process that is no longer running, and not named by an unfinished
/// operation's journal (which [`crate::folder::recover`] finishes first). Files of running
/// processes, of other computers or named otherwise are left alone. Returns how many were
/// removed.
pub fn remove_stale_temp_files(dir: &Path) -> usize {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let journalled = crate::folder::journal::temp_files(dir);
    let me = std::process::id();
    entries
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            temp_file_pid(&name)
                .is_some_and(|pid| pid != me && crate::folder::pid_alive(pid) == Some(false))
                && !journalled.iter().any(|j| *j == e.file_name())
        })
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
}

/// Keeps the current version of `path`, if any, as `<path>.bak` (a hard link, so no copy,
/// falling back to a copy).
pub fn keep_backup(path: &Path) -> std::io::Result<()> {
    if !path.is_file() {
        return Ok(());
    }
    let bak = backup_path(path);
    let _ = std::fs::remove_file(&bak);
    if std::fs::hard_link(path, &bak).is_err() {
        std::fs::copy(path, &bak)?;
    }
    Ok(())
}

/// Where [`keep_backup`] keeps the previous version of `path`: `<path>.bak`.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut bak = path.as_os_str().to_os_string();
    bak.push(".bak");
    PathBuf::from(bak)
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
    use std::time::Duration;

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
    fn only_temporary_files_of_ended_spantag_processes_are_cleaned_up() {
        let dir = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let ended = child.id();
        child.wait().unwrap();
        let tag = crate::folder::host_tag();
        let mine_ended = dir
            .path()
            .join(format!(".spantag-{tag}-{ended}-abc123.tmp"));
        let running = dir
            .path()
            .join(format!(".spantag-{tag}-{}-def456.tmp", std::process::id()));
        let elsewhere = dir
            .path()
            .join(format!(".spantag-0badc0de-{ended}-ghi789.tmp"));
        // Old-style or someone else's names: not provably ours, however old.
        let unknown = dir.path().join(".spantag-abc.tmp");
        let other = dir.path().join("notes.tmp");
        for path in [&mine_ended, &running, &elsewhere, &unknown, &other] {
            std::fs::write(path, "half a file").unwrap();
        }
        let a_day_ago = SystemTime::now() - Duration::from_secs(86_400);
        std::fs::File::options()
            .write(true)
            .open(&unknown)
            .unwrap()
            .set_modified(a_day_ago)
            .unwrap();
        assert_eq!(remove_stale_temp_files(dir.path()), 1);
        assert!(!mine_ended.exists());
        assert!(running.exists() && elsewhere.exists() && unknown.exists() && other.exists());
    }

    #[test]
    fn a_temporary_file_names_its_process() {
        let dir = tempfile::tempdir().unwrap();
        let file = AtomicFile::create(&dir.path().join("x")).unwrap();
        let name = file
            .tmp
            .path()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert_eq!(temp_file_pid(&name), Some(std::process::id()), "{name}");
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
