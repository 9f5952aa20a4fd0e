//! `spantag merge-driver` (run by git) and `spantag git-setup` (tells git to run it).

use std::path::{Path, PathBuf};

use spantag_core::store::{self, AnnotationFile};
use spantag_core::team;

/// `spantag git-setup [DIR]`.
pub(super) fn git_setup(dir: Option<PathBuf>) -> i32 {
    let dir = dir.unwrap_or_else(|| PathBuf::from("."));
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(err) => {
            eprintln!("spantag git-setup: cannot tell where spantag is installed: {err}");
            return 2;
        }
    };
    match team::git::setup(&dir, &exe) {
        Ok(done) => {
            for line in done {
                println!("{line}");
            }
            println!(
                "git now merges annotation files span by span with {}; a conflict it cannot \
                 decide is listed in the file under `conflicts:` (`spantag check` names it)",
                exe.display()
            );
            0
        }
        Err(err) => {
            eprintln!("spantag git-setup: {err}");
            2
        }
    }
}

/// Reads one of git's three versions; an empty base means the file has no common version.
fn read(path: &Path, shown: &str) -> Result<Option<AnnotationFile>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("could not read {}: {e}", path.display()))?;
    if text.trim().is_empty() {
        return Ok(None);
    }
    AnnotationFile::from_ron(&text, Path::new(shown))
        .map(Some)
        .map_err(|e| e.to_string())
}

/// `spantag merge-driver BASE OURS THEIRS [PATH]`: the merge is written into OURS. Exits 0
/// when merged cleanly, 1 when conflicts are left in the file, 2 when a version cannot be
/// read (OURS is then left as it was).
pub(super) fn merge_driver(base: &Path, ours: &Path, theirs: &Path, path: Option<&str>) -> i32 {
    let shown = path.map_or_else(|| ours.display().to_string(), str::to_owned);
    let versions = (|| {
        let base_file = read(base, &format!("{shown} (common ancestor)"))?;
        let ours_file = read(ours, &format!("{shown} (ours)"))?
            .ok_or_else(|| format!("{shown}: our version is empty"))?;
        let theirs_file = read(theirs, &format!("{shown} (theirs)"))?
            .ok_or_else(|| format!("{shown}: their version is empty"))?;
        Ok::<_, String>((base_file, ours_file, theirs_file))
    })();
    let (base_file, ours_file, theirs_file) = match versions {
        Ok(v) => v,
        Err(err) => {
            eprintln!(
                "spantag merge-driver: cannot merge {shown}: {err}. The file was left as our \
                 version and git reports a conflict; their version is `git show :3:{shown}`"
            );
            return 2;
        }
    };
    let merged = team::merge::merge(base_file.as_ref(), &ours_file, &theirs_file);
    if let Err(err) = store::write_atomic_no_backup(ours, merged.file.to_ron().as_bytes()) {
        eprintln!("spantag merge-driver: {err}");
        return 2;
    }
    eprintln!("{}", merged.summary(&shown));
    i32::from(!merged.file.conflicts.is_empty())
}
