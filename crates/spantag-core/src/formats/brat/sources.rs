//! `spantag-sources.tsv`: which document and annotator each file of a brat export came from,
//! so that an export of several annotators imports back as it was and a later export knows
//! which files in its folder it wrote.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::FormatError;

/// The file beside an exported collection that names, for each `<name>.txt` / `.ann` pair,
/// the document and the annotator it came from, so that an import gives back
/// `op-ed.txt.alice.ron` rather than `op-ed.alice.txt.imported.ron`. brat ignores it.
pub const SOURCES: &str = "spantag-sources.tsv";

/// The text of [`SOURCES`]: `file`, `document`, `annotator`, tab-separated, sorted by file.
pub(super) fn sources(bases: &HashMap<(String, String), String>) -> Result<String, FormatError> {
    let mut rows: Vec<(&str, &str, &str)> = bases
        .iter()
        .map(|((name, annotator), base)| (base.as_str(), name.as_str(), annotator.as_str()))
        .collect();
    rows.sort();
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b'\t')
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let bad = |e: csv::Error| FormatError::Output(e.to_string());
    writer
        .write_record(["file", "document", "annotator"])
        .map_err(bad)?;
    for (base, name, annotator) in rows {
        writer.write_record([base, name, annotator]).map_err(bad)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| FormatError::Output(e.error().to_string()))?;
    String::from_utf8(bytes).map_err(|e| FormatError::Output(e.to_string()))
}

/// Reads the [`SOURCES`] file of a collection rooted at `root`, if there is one: each file
/// name (without `.ann`) to its document's name and annotator.
pub(super) fn read_sources(root: &Path) -> Result<HashMap<String, (String, String)>, FormatError> {
    let path = root.join(SOURCES);
    if !path.is_file() {
        return Ok(HashMap::new());
    }
    let broken = |why: String| {
        FormatError::Input(format!(
            "{}: {why}; fix it, or delete it to import with the brat file names as document \
             names",
            path.display()
        ))
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .from_path(&path)
        .map_err(|e| broken(e.to_string()))?;
    let mut out = HashMap::new();
    for row in reader.records() {
        let row = row.map_err(|e| broken(e.to_string()))?;
        let (Some(file), Some(document), Some(annotator)) = (row.get(0), row.get(1), row.get(2))
        else {
            let line = row.position().map_or(0, |p| p.line());
            return Err(broken(format!(
                "line {line}: expected file, document and annotator"
            )));
        };
        out.insert(file.to_owned(), (document.to_owned(), annotator.to_owned()));
    }
    Ok(out)
}

/// Of the files an export into `dir` would write, those that exist and that no earlier brat
/// export of spantag wrote there (its [`SOURCES`] file lists the `.txt` and `.ann` it wrote):
/// a user's own files, which an export must not replace.
pub fn foreign_files(dir: &Path, planned: &[PathBuf]) -> Vec<PathBuf> {
    let earlier = read_sources(dir).unwrap_or_default();
    let ours = |path: &Path| {
        let Ok(relative) = path.strip_prefix(dir) else {
            return false;
        };
        let name = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        ["annotation.conf", "visual.conf", SOURCES].contains(&name.as_str())
            || [".txt", ".ann"].iter().any(|ext| {
                name.strip_suffix(ext)
                    .is_some_and(|b| earlier.contains_key(b))
            })
    };
    planned
        .iter()
        .filter(|p| p.exists() && !ours(p))
        .cloned()
        .collect()
}
