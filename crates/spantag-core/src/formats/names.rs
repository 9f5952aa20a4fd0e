//! The names an import writes, checked for every record before anything is written: a name
//! that cannot be a document spantag can use (a reserved name, control characters, a part too
//! long for the file system, a file that another record needs as a folder, `..` or an
//! absolute path) refuses the whole import with every such record named.

use std::collections::{BTreeMap, HashMap, HashSet};
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

/// Gives each record the dataset did not name ([`Imported::named`] false) its document's
/// name: a document already in `into` (or its subfolders) with exactly its text, else a new
/// name made of its first words (`the-council-met-on-monday.txt`, `-2` and so on when that
/// is taken). Records with one text get one name. Returns what to tell the user.
pub fn name_unnamed(records: &mut [Imported], into: &Path) -> Vec<String> {
    if records.iter().all(|r| r.named) {
        return Vec::new();
    }
    // The texts of the documents already there, by content hash.
    let mut there: HashMap<String, String> = HashMap::new();
    for path in crate::corpus::documents(into).unwrap_or_default() {
        if let (Ok(doc), Ok(rel)) = (
            crate::document::Document::open(&path),
            path.strip_prefix(into),
        ) {
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            there
                .entry(crate::document::hash_bytes(doc.text().as_bytes()))
                .or_insert(rel);
        }
    }
    // Names the dataset gave, and names given here, so that a new name takes none of them.
    let mut taken: HashSet<String> = records
        .iter()
        .filter(|r| r.named)
        .map(|r| r.name.clone())
        .collect();
    let mut given: HashMap<String, String> = HashMap::new();
    let (mut found, mut made) = (Vec::new(), Vec::new());
    for record in records.iter_mut().filter(|r| !r.named) {
        let hash = crate::document::hash_bytes(record.text.as_bytes());
        let placeholder = record_of(&std::mem::take(&mut record.name));
        record.name = if let Some(name) = given.get(&hash) {
            name.clone()
        } else if let Some(existing) = there.get(&hash) {
            found.push(format!("{placeholder} -> {existing}"));
            existing.clone()
        } else {
            let stem = stem_from_words(&record.text);
            let mut name = format!("{stem}.txt");
            let mut n = 1;
            while taken.contains(&name) || into.join(&name).exists() {
                n += 1;
                name = format!("{stem}-{n}.txt");
            }
            made.push(format!("{placeholder} -> {name}"));
            name
        };
        record.named = true;
        taken.insert(record.name.clone());
        given.insert(hash, record.name.clone());
    }
    let mut notes = Vec::new();
    if !found.is_empty() {
        notes.push(format!(
            "{} record(s) without a document name hold the text of a document already in {}; \
             their annotations go to it: {}",
            found.len(),
            into.display(),
            found.join(", ")
        ));
    }
    if !made.is_empty() {
        notes.push(format!(
            "{} record(s) without a document name are new texts, named from their first \
             words: {}",
            made.len(),
            made.join(", ")
        ));
    }
    notes
}

/// The record a placeholder name stands for, in the user's words: `doc-3.txt` is line 3 of a
/// JSON-lines file, `task-7.txt` Label Studio's task 7.
fn record_of(placeholder: &str) -> String {
    let number = |prefix: &str| {
        placeholder
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(".txt"))
            .map(str::to_owned)
    };
    if let Some(n) = number("doc-") {
        format!("line {n}")
    } else if let Some(n) = number("task-") {
        format!("task {n}")
    } else {
        placeholder.to_owned()
    }
}

/// A file name stem from a text's first words: lower case letters and digits, words joined
/// by `-`, at most [`STEM_BYTES`]; `document` when the text has no word.
fn stem_from_words(text: &str) -> String {
    let mut stem = String::new();
    for word in text.split_whitespace() {
        let word: String = word
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        if word.is_empty() {
            continue;
        }
        if !stem.is_empty() && stem.len() + 1 + word.len() > STEM_BYTES {
            break;
        }
        if !stem.is_empty() {
            stem.push('-');
        }
        stem.push_str(&word);
        if stem.len() >= STEM_BYTES / 2 {
            break;
        }
    }
    // One long word: cut at a character boundary.
    if stem.len() > STEM_BYTES {
        let mut cut = STEM_BYTES;
        while !stem.is_char_boundary(cut) {
            cut -= 1;
        }
        stem.truncate(cut);
    }
    if stem.is_empty() {
        "document".to_owned()
    } else {
        stem
    }
}

/// Longest stem [`stem_from_words`] makes, in bytes.
const STEM_BYTES: usize = 48;
