//! `spantag git-setup`: tell git to merge annotation files with spantag's driver. Writes
//! the `.gitattributes` lines (annotation files only: `<document>.<annotator>.ron` beside
//! `.txt` and `.md` documents; the project file `spantag.ron` stays git's) and the
//! repository's local config. Running it again changes nothing.

use std::path::Path;
use std::process::Command;

/// The `.gitattributes` lines routing annotation files to the driver.
pub const ATTRIBUTES: [&str; 2] = ["*.txt.*.ron merge=spantag", "*.md.*.ron merge=spantag"];

/// The name git shows for the driver.
pub const DRIVER_NAME: &str = "spantag: annotation files merged span by span";

/// The driver command for git's config: `'<exe>' merge-driver %O %A %B %P`.
pub fn driver_command(exe: &Path) -> String {
    let exe = exe.display().to_string().replace('\'', r"'\''");
    format!("'{exe}' merge-driver %O %A %B %P")
}

fn git(dir: &Path, args: &[&str]) -> Result<std::process::Output, String> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("could not run git ({e}): is git installed and on the PATH?"))
}

/// Sets up `dir`'s repository to merge annotation files with `exe merge-driver`; returns one
/// line per thing done or found done.
pub fn setup(dir: &Path, exe: &Path) -> Result<Vec<String>, String> {
    if !dir.is_dir() {
        return Err(format!("{} is not a folder", dir.display()));
    }
    let inside = git(dir, &["rev-parse", "--is-inside-work-tree"])?;
    if !inside.status.success() {
        return Err(format!(
            "{} is not in a git repository: run `git init` (or clone the project) first",
            dir.display()
        ));
    }
    let mut done = Vec::new();
    let attributes = dir.join(".gitattributes");
    let existing = match std::fs::read_to_string(&attributes) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("could not read {}: {e}", attributes.display())),
    };
    let missing: Vec<&str> = ATTRIBUTES
        .iter()
        .filter(|line| !existing.lines().any(|l| l.trim() == **line))
        .copied()
        .collect();
    if missing.is_empty() {
        done.push(format!(
            "{}: already routes annotation files to spantag",
            attributes.display()
        ));
    } else {
        let mut text = existing.clone();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        for line in &missing {
            text.push_str(line);
            text.push('\n');
        }
        crate::store::write_atomic_no_backup(&attributes, text.as_bytes())
            .map_err(|e| e.to_string())?;
        done.push(format!(
            "{}: added {} (commit it, so every clone merges the same way)",
            attributes.display(),
            missing.join(" and ")
        ));
    }
    let command = driver_command(exe);
    for (key, value) in [
        ("merge.spantag.name", DRIVER_NAME.to_owned()),
        ("merge.spantag.driver", command),
    ] {
        let current = git(dir, &["config", "--local", "--get", key])?;
        let current = String::from_utf8_lossy(&current.stdout)
            .trim_end()
            .to_owned();
        if current == value {
            done.push(format!("git config {key}: already {value:?}"));
            continue;
        }
        let set = git(dir, &["config", "--local", key, &value])?;
        if !set.status.success() {
            return Err(format!(
                "git config {key} failed: {}",
                String::from_utf8_lossy(&set.stderr).trim()
            ));
        }
        if current.is_empty() {
            done.push(format!("git config {key}: set to {value:?}"));
        } else {
            done.push(format!(
                "git config {key}: set to {value:?} (was {current:?})"
            ));
        }
    }
    Ok(done)
}
