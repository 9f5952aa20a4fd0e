//! Naming annotation files: `<source file name>.<annotator>.ron`.

use std::path::{Path, PathBuf};

use super::StoreError;

/// Checks that an annotator name can be part of a file name.
pub fn validate_annotator(name: &str) -> Result<(), StoreError> {
    let bad = |why: &str| {
        Err(StoreError::BadAnnotator(format!(
            "annotator name {name:?} {why}"
        )))
    };
    if name.is_empty() {
        return bad("is empty; use e.g. --annotator alice");
    }
    if name.chars().count() > 64 {
        return bad("is longer than 64 characters");
    }
    if name.starts_with('.') || name.starts_with('-') {
        return bad("cannot start with '.' or '-'");
    }
    if name.ends_with('.') {
        return bad("cannot end with '.'");
    }
    if !name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '@' | '+'))
    {
        return bad("may only contain letters, digits, '_', '-', '.', '@' and '+'");
    }
    Ok(())
}

/// The name under which the curated (gold) layer is saved: `<document>.curated.ron`.
pub const CURATED: &str = "curated";

/// Checks a name a person gives as theirs (the app's annotator field, `--annotator`,
/// imports): a valid annotator name that is not `curated`, which is the curated layer's.
pub fn validate_user_annotator(name: &str) -> Result<(), StoreError> {
    validate_annotator(name)?;
    if name == CURATED {
        return Err(StoreError::BadAnnotator(format!(
            "annotator name {name:?} is reserved for the curated layer made in review (View → Review); choose another name"
        )));
    }
    Ok(())
}

/// The annotation file of `annotator` for the document at `source`.
pub fn annotation_path(source: &Path, annotator: &str) -> PathBuf {
    let mut name = source.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{annotator}.ron"));
    source.with_file_name(name)
}

/// The ways an annotation file name `<document>.<annotator>.ron` can be split, as
/// (document file name, annotator), longest document name first. Both parts may contain dots
/// (`doc.txt.j.doe.ron` is annotator `j.doe` of `doc.txt`), so a name can have several.
pub fn file_name_candidates(file_name: &str) -> Vec<(&str, &str)> {
    let Some(stem) = file_name.strip_suffix(".ron") else {
        return Vec::new();
    };
    stem.char_indices()
        .rev()
        .filter(|&(_, c)| c == '.')
        .map(|(i, _)| (&stem[..i], &stem[i + 1..]))
        .filter(|(doc, annotator)| !doc.is_empty() && validate_annotator(annotator).is_ok())
        .collect()
}

/// Splits an annotation file name into (document file name, annotator): the one reading of
/// [`file_name_candidates`] whose document exists (`is_document`), the longest document
/// name when several do. This is the only parser of annotation file names: the store, the
/// folder walk, `check`, export and the app all use it.
pub fn parse_file_name(
    file_name: &str,
    is_document: impl Fn(&str) -> bool,
) -> Option<(&str, &str)> {
    file_name_candidates(file_name)
        .into_iter()
        .find(|(doc, _)| is_document(doc))
}

/// The source document and annotator of an annotation file path, when its document exists
/// beside it.
pub fn split_annotation_path(path: &Path) -> Option<(PathBuf, String)> {
    let name = path.file_name()?.to_str()?;
    let (doc, annotator) = parse_file_name(name, |doc| path.with_file_name(doc).is_file())?;
    Some((path.with_file_name(doc), annotator.to_owned()))
}

/// All annotation files beside `source`, as (annotator, path), sorted by annotator.
pub fn annotation_files(source: &Path) -> Vec<(String, PathBuf)> {
    let Some(name) = source.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Vec::new();
    };
    let dir = source
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let prefix = format!("{name}.");
    let mut out: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let file = e.file_name().to_string_lossy().into_owned();
            if !file.starts_with(&prefix) {
                return None;
            }
            let (doc, annotator) =
                parse_file_name(&file, |doc| doc == name || dir.join(doc).is_file())?;
            (doc == name).then(|| (annotator.to_owned(), e.path()))
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_annotator_names_parse() {
        let docs = ["doc.txt", "notes"];
        let exists = |d: &str| docs.contains(&d);
        assert_eq!(
            parse_file_name("doc.txt.j.doe.ron", exists),
            Some(("doc.txt", "j.doe"))
        );
        assert_eq!(
            parse_file_name("doc.txt.jane.doe@lab.ron", exists),
            Some(("doc.txt", "jane.doe@lab"))
        );
        assert_eq!(
            parse_file_name("doc.txt.alice.ron", exists),
            Some(("doc.txt", "alice"))
        );
        assert_eq!(
            parse_file_name("notes.bob.ron", exists),
            Some(("notes", "bob"))
        );
        assert_eq!(parse_file_name("other.txt.bob.ron", exists), None);
        assert_eq!(parse_file_name("doc.txt.alice.ron.bak", exists), None);
        assert_eq!(
            file_name_candidates("a.b.c.ron"),
            [("a.b", "c"), ("a", "b.c")]
        );
    }
}
