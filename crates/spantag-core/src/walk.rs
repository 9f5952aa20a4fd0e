//! The one folder walk every folder command and the app's folder panel use.
//!
//! It stays inside the folder it is given: a link to a folder is followed only when it leads
//! to a folder inside (and then only once — every folder is searched once, found by device
//! and inode, so `x -> .` cannot loop); a link leading out of the folder is not followed and
//! is reported. Hidden entries (`.git`, `.spantag-*`) are skipped. A FIFO, device or socket
//! stops the walk with its name before anything opens it (opening a FIFO blocks for ever,
//! reading `/dev/zero` never ends).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// One folder of a walk: its regular files (and links to regular files), by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    /// The folder, spelled under the root given.
    pub path: PathBuf,
    /// Names of its files (not hidden), sorted. Broken links are listed too: opening them
    /// says what is wrong.
    pub files: Vec<String>,
}

/// A link the walk did not follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The link.
    pub path: PathBuf,
    /// Why it was not followed.
    pub reason: SkipReason,
}

/// Why a link was not followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// It leads to this folder, outside the folder walked.
    Outside(PathBuf),
    /// It leads to a folder already searched (a loop, or a second way to one folder).
    Again(PathBuf),
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.reason {
            SkipReason::Outside(target) => write!(
                f,
                "{} links to {}, outside the folder: not followed (give that folder itself to include it)",
                self.path.display(),
                target.display()
            ),
            SkipReason::Again(target) => write!(
                f,
                "{} links to {}, a folder already searched: searched once",
                self.path.display(),
                target.display()
            ),
        }
    }
}

/// A walk of a folder and the folders inside it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Walk {
    /// Every folder searched, the root first, then depth first in name order.
    pub folders: Vec<Folder>,
    /// Links not followed.
    pub skipped: Vec<Skipped>,
}

/// Why a folder could not be walked.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    /// A folder could not be listed.
    #[error("could not list {path}: {source}")]
    Io {
        /// The folder.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// A FIFO, device or socket in the folder.
    #[error(
        "{path} is {kind}, not a regular file; spantag reads only regular files and stopped \
         before opening it. Move it out of the folder (or rename it to start with a dot), then \
         run the command again"
    )]
    NotRegular {
        /// The entry.
        path: PathBuf,
        /// What it is ("a named pipe (FIFO)").
        kind: &'static str,
    },
}

/// The identity of a folder: device and inode where there are such, else its real path.
fn identity(meta: &std::fs::Metadata, real: &Path) -> (u64, u64, PathBuf) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let _ = real;
        (meta.dev(), meta.ino(), PathBuf::new())
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        (0, 0, real.to_path_buf())
    }
}

/// Walks `root` and the folders inside it (see the module documentation).
pub fn walk(root: &Path) -> Result<Walk, WalkError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| WalkError::Io { path, source }
    };
    let real_root = std::fs::canonicalize(root).map_err(io(root))?;
    let root_meta = std::fs::metadata(root).map_err(io(root))?;
    let mut seen = HashSet::new();
    seen.insert(identity(&root_meta, &real_root));
    let mut out = Walk::default();
    let mut stack = vec![root.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let mut files = Vec::new();
        let mut subdirs = Vec::new();
        let mut entries = std::fs::read_dir(&folder)
            .map_err(io(&folder))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(io(&folder))?;
        // In name order, so that which of two ways to one folder is taken does not depend on
        // the order the system lists them in.
        entries.sort_by_key(std::fs::DirEntry::file_name);
        // Links last, so that a folder reached both directly and through a link is listed
        // under its own path.
        let mut links = Vec::new();
        for entry in entries {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let path = entry.path();
            // The entry's type comes with the listing on most systems: no extra stat.
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_file() {
                files.push(name);
            } else if kind.is_dir() {
                let Ok(meta) = std::fs::metadata(&path) else {
                    continue;
                };
                let real = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
                if seen.insert(identity(&meta, &real)) {
                    subdirs.push(path);
                }
            } else if kind.is_symlink() {
                links.push((name, path));
            } else if let Ok(meta) = std::fs::symlink_metadata(&path) {
                // A FIFO, device or socket (the entry itself).
                let kind = crate::readfile::special_kind(&meta).unwrap_or("not a regular file");
                return Err(WalkError::NotRegular { path, kind });
            }
        }
        for (name, path) in links {
            let Ok(meta) = std::fs::metadata(&path) else {
                // A broken link: listed, so that opening it says what is wrong.
                files.push(name);
                continue;
            };
            if meta.is_file() {
                files.push(name);
            } else if meta.is_dir() {
                let real = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
                let reason = if !real.starts_with(&real_root) {
                    SkipReason::Outside(real)
                } else if !seen.insert(identity(&meta, &real)) {
                    SkipReason::Again(real)
                } else {
                    subdirs.push(path);
                    continue;
                };
                out.skipped.push(Skipped { path, reason });
            } else {
                let kind = crate::readfile::special_kind(&meta).unwrap_or("not a regular file");
                return Err(WalkError::NotRegular { path, kind });
            }
        }
        files.sort();
        subdirs.sort();
        // Depth first in name order: the stack pops the first name first.
        stack.extend(subdirs.into_iter().rev());
        out.folders.push(Folder {
            path: folder,
            files,
        });
    }
    Ok(out)
}

#[cfg(all(test, unix))]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use std::os::unix::fs::symlink;

    fn names(walk: &Walk, root: &Path) -> Vec<String> {
        walk.folders
            .iter()
            .flat_map(|f| {
                f.files.iter().map(|n| {
                    f.path
                        .join(n)
                        .strip_prefix(root)
                        .unwrap()
                        .display()
                        .to_string()
                })
            })
            .collect()
    }

    #[test]
    fn self_links_are_searched_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "a").unwrap();
        symlink(".", dir.path().join("x")).unwrap();
        symlink(".", dir.path().join("y")).unwrap();
        let walk = walk(dir.path()).unwrap();
        assert_eq!(names(&walk, dir.path()), ["a.txt"]);
        assert_eq!(walk.skipped.len(), 2);
        assert!(
            walk.skipped
                .iter()
                .all(|s| matches!(s.reason, SkipReason::Again(_)))
        );
    }

    #[test]
    fn links_inside_are_followed_once_and_links_out_are_not() {
        let outer = tempfile::tempdir().unwrap();
        let root = outer.path().join("corpus");
        std::fs::create_dir_all(root.join("week1")).unwrap();
        std::fs::write(root.join("week1/b.txt"), "b").unwrap();
        std::fs::write(outer.path().join("outside.txt"), "o").unwrap();
        symlink("week1", root.join("alias")).unwrap();
        symlink("..", root.join("up")).unwrap();
        let walk = walk(&root).unwrap();
        // The folder is listed once, under its own name, not again through `alias`.
        assert_eq!(names(&walk, &root), ["week1/b.txt"]);
        let reasons: Vec<_> = walk.skipped.iter().map(|s| &s.reason).collect();
        assert!(
            matches!(reasons[..], [SkipReason::Again(_), SkipReason::Outside(_)]),
            "{reasons:?}"
        );
    }

    #[test]
    fn a_fifo_stops_the_walk_before_it_is_opened() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("a.txt");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(
            status.is_ok_and(|s| s.success()),
            "mkfifo is needed for this test"
        );
        let err = walk(dir.path()).unwrap_err();
        assert!(err.to_string().contains("named pipe"), "{err}");
    }
}
