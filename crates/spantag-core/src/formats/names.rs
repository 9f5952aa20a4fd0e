//! The names an import writes, checked for every record before anything is written: a name
//! that cannot be a document spantag can use (a reserved name, control characters, a part too
//! long for the file system, a file that another record needs as a folder, `..` or an
//! absolute path) refuses the whole import with every such record named.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{FormatError, Imported, safe_relative};

/// Longest file name (one path component) most file systems take, in bytes.
pub const MAX_NAME_BYTES: usize = 255;

/// Why one record's name cannot be written (`None`: it can).
pub fn name_problem(name: &str) -> Option<String> {
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Some(format!(
            "it holds a control character ({:?}); file names cannot",
            c
        ));
    }
    let Some(rel) = safe_relative(name) else {
        return Some(
            "not a relative file name inside the import folder (absolute, empty or with \
             `..`)"
                .to_owned(),
        );
    };
    for part in rel.components() {
        let part = part.as_os_str().to_string_lossy();
        if part.len() > MAX_NAME_BYTES {
            return Some(format!(
                "a part of it is {} bytes long; file systems take at most {MAX_NAME_BYTES}",
                part.len()
            ));
        }
        if part.starts_with(".spantag-") {
            return Some("names starting with .spantag- are spantag's temporary files".to_owned());
        }
    }
    let file = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if file == crate::project::FILE_NAME {
        return Some("spantag.ron is the project file's name".to_owned());
    }
    if file.ends_with(".ron") {
        return Some(
            "names ending in .ron are annotation and project files, not documents".to_owned(),
        );
    }
    if file.ends_with(".bak") {
        return Some("names ending in .bak are the previous versions spantag keeps".to_owned());
    }
    None
}

/// Checks every record's name, and the annotation files' names its layers give, before an
/// import writes anything into `into`; all problems are reported at once.
pub fn check_records(records: &[Imported], into: &Path) -> Result<(), FormatError> {
    let mut problems = Vec::new();
    let mut rels: BTreeMap<PathBuf, String> = BTreeMap::new();
    for (i, record) in records.iter().enumerate() {
        let named = format!("record {} ({:?})", i + 1, record.name);
        if let Some(why) = name_problem(&record.name) {
            problems.push(format!("{named}: {why}"));
            continue;
        }
        let Some(rel) = safe_relative(&record.name) else {
            continue;
        };
        let file = rel.file_name().map_or(0, |n| n.to_string_lossy().len());
        for layer in &record.layers {
            // `<document>.<annotator>.ron.bak` must fit too.
            let longest = file + 1 + layer.annotator.len() + ".ron.bak".len();
            if longest > MAX_NAME_BYTES {
                problems.push(format!(
                    "{named}: with {:?}'s annotation file the name is {longest} bytes long; \
                     file systems take at most {MAX_NAME_BYTES} (shorten the document's name)",
                    layer.annotator
                ));
            }
        }
        // A part of the path that exists as a file (not a folder), or the document's place
        // taken by a folder.
        let mut at = into.to_path_buf();
        let parts: Vec<_> = rel.components().collect();
        for (k, part) in parts.iter().enumerate() {
            at.push(part);
            let last = k + 1 == parts.len();
            match std::fs::symlink_metadata(&at) {
                Ok(meta) if !last && !meta.is_dir() && !at.is_dir() => {
                    problems.push(format!(
                        "{named}: {} is a file, so it cannot be a folder",
                        at.display()
                    ));
                    break;
                }
                Ok(_) if last && at.is_dir() => {
                    problems.push(format!(
                        "{named}: {} is a folder, so the document cannot be written there",
                        at.display()
                    ));
                }
                _ => {}
            }
        }
        rels.insert(rel, named);
    }
    // One record's document is another's folder (`a.txt` and `a.txt/b.txt`).
    for (rel, named) in &rels {
        let mut ancestor = rel.parent();
        while let Some(a) = ancestor.filter(|a| !a.as_os_str().is_empty()) {
            if let Some(other) = rels.get(a) {
                problems.push(format!(
                    "{other} is a document and also the folder of {named}: give them \
                     different names"
                ));
            }
            ancestor = a.parent();
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(FormatError::Input(format!(
            "nothing was imported, no file was written: {}. Fix these names in the dataset \
             and import again",
            problems.join("; ")
        )))
    }
}
