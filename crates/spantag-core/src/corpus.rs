//! Finding documents and their annotation layers in files and folders.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::store::{annotation_files, parse_file_name};

/// Which annotation layers of a document to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayerChoice {
    /// One annotator's layer.
    Annotator(String),
    /// Every annotator's layer.
    All,
    /// The curated (gold) layer, saved as annotator `curated`.
    Curated,
    /// Every layer, the curated one included (checking files).
    Every,
}

/// The annotator name of the curated layer.
pub use crate::session::CURATED;

/// A document to process with the layers chosen for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentJob {
    /// The source text.
    pub path: PathBuf,
    /// Its name in outputs: the path relative to the folder it was found in, with `/`.
    pub name: String,
    /// (annotator, annotation file) pairs, sorted by annotator.
    pub layers: Vec<(String, PathBuf)>,
}

/// Why inputs could not be resolved.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    /// An input does not exist.
    #[error("{0}: no such file or folder")]
    Missing(PathBuf),
    /// A folder could not be listed.
    #[error("could not list {path}: {source}")]
    Io {
        /// The folder.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// A folder could not be walked safely (a FIFO or device in it).
    #[error("{0}")]
    Walk(crate::walk::WalkError),
}

impl From<crate::walk::WalkError> for CorpusError {
    fn from(err: crate::walk::WalkError) -> Self {
        match err {
            crate::walk::WalkError::Io { path, source } => Self::Io { path, source },
            other => Self::Walk(other),
        }
    }
}

pub use crate::store::split_annotation_path;

fn choose(layers: Vec<(String, PathBuf)>, choice: &LayerChoice) -> Vec<(String, PathBuf)> {
    layers
        .into_iter()
        .filter(|(annotator, _)| match choice {
            LayerChoice::All => annotator != CURATED,
            LayerChoice::Annotator(name) => annotator == name,
            LayerChoice::Curated => annotator == CURATED,
            LayerChoice::Every => true,
        })
        .collect()
}

/// Resolves inputs (documents, annotation files, folders searched recursively) to the
/// documents that have a chosen layer, in a stable order. An annotation file given directly
/// selects that layer whatever `choice` says.
pub fn plan(inputs: &[PathBuf], choice: &LayerChoice) -> Result<Vec<DocumentJob>, CorpusError> {
    let mut jobs: Vec<DocumentJob> = Vec::new();
    // Documents by their canonical path: one folder given twice, or under two spellings
    // (`s` and `$PWD/s`, `s/a.txt` and `./s/a.txt`), is one set of documents.
    let mut seen = BTreeSet::new();
    let key = |path: &Path| std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    for input in inputs {
        if !input.exists() {
            return Err(CorpusError::Missing(input.clone()));
        }
        if input.is_dir() {
            let mut docs = Vec::new();
            walk(input, &mut docs, &mut Vec::new())?;
            docs.sort();
            for (doc, layers) in docs {
                let layers = choose(layers, choice);
                let name = doc
                    .strip_prefix(input)
                    .unwrap_or(&doc)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                if !layers.is_empty() && seen.insert(key(&doc)) {
                    jobs.push(DocumentJob {
                        path: doc,
                        name,
                        layers,
                    });
                }
            }
        } else if let Some((doc, annotator)) = split_annotation_path(input) {
            let name = file_name(&doc);
            let doc_key = key(&doc);
            if let Some(job) = jobs.iter_mut().find(|j| key(&j.path) == doc_key) {
                if !job.layers.iter().any(|(a, _)| *a == annotator) {
                    job.layers.push((annotator, input.clone()));
                    job.layers.sort();
                }
            } else if seen.insert(doc_key) {
                jobs.push(DocumentJob {
                    path: doc,
                    name,
                    layers: vec![(annotator, input.clone())],
                });
            }
        } else {
            let layers = choose(annotation_files(input), choice);
            if seen.insert(key(input)) {
                jobs.push(DocumentJob {
                    path: input.clone(),
                    name: file_name(input),
                    layers,
                });
            }
        }
    }
    Ok(jobs)
}

/// A document of a corpus folder, with one annotator's progress on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpusEntry {
    /// The document.
    pub path: PathBuf,
    /// Its path relative to the folder, with `/`.
    pub name: String,
    /// Spans in the annotator's file (`None`: no file yet, or it does not parse).
    pub spans: Option<usize>,
    /// The annotator marked it done.
    pub done: bool,
}

/// The extensions of the documents a corpus folder lists.
const DOCUMENT_EXTENSIONS: [&str; 2] = ["txt", "md"];

/// Every document (`.txt`, `.md`) in `dir` and its subfolders, annotated or not, sorted by
/// path; hidden files and folders are skipped.
pub fn documents(dir: &Path) -> Result<Vec<PathBuf>, CorpusError> {
    let mut out = Vec::new();
    for folder in crate::walk::walk(dir)?.folders {
        for name in folder.files {
            if Path::new(&name)
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| DOCUMENT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
            {
                out.push(folder.path.join(name));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The links a walk of the folders among `inputs` does not follow (leading out of the
/// folder, or to a folder already searched), for commands to mention.
pub fn skipped_links(inputs: &[PathBuf]) -> Vec<crate::walk::Skipped> {
    inputs
        .iter()
        .filter(|input| input.is_dir())
        .filter_map(|input| crate::walk::walk(input).ok())
        .flat_map(|walk| walk.skipped)
        .collect()
}

/// The documents of a corpus folder, without reading any annotation file yet (the fast
/// first half of [`entries`]): counts are `None` and nothing is done.
pub fn listing(dir: &Path) -> Result<Vec<CorpusEntry>, CorpusError> {
    Ok(documents(dir)?
        .into_iter()
        .map(|path| {
            let name = path
                .strip_prefix(dir)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            CorpusEntry {
                spans: None,
                done: false,
                path,
                name,
            }
        })
        .collect())
}

/// `annotator`'s span count and done flag for one document (`(None, false)` when there is
/// no file or it does not parse).
pub fn progress(document: &Path, annotator: &str) -> (Option<usize>, bool) {
    let file = crate::store::annotation_path(document, annotator);
    if !file.exists() {
        return (None, false);
    }
    match crate::store::AnnotationFile::read_unhashed(&file) {
        Ok(f) => (Some(f.spans.len()), f.done),
        Err(_) => (None, false),
    }
}

/// The documents of a corpus folder with `annotator`'s span count and done flag for each
/// (read from their annotation files; a file that does not parse shows no count).
pub fn entries(dir: &Path, annotator: &str) -> Result<Vec<CorpusEntry>, CorpusError> {
    let mut entries = listing(dir)?;
    for e in &mut entries {
        (e.spans, e.done) = progress(&e.path, annotator);
    }
    Ok(entries)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Every annotation layer of one document: (annotator, annotation file), sorted.
type Layers = Vec<(String, PathBuf)>;

/// Annotation files below `dir` whose document is not beside them (renamed, moved or
/// deleted): files named `<document>.<annotator>.ron` that read as annotation files but that
/// no document of their folder claims. A folder walk skips them; `check` reports them.
pub fn stray_annotation_files(dir: &Path) -> Result<Vec<PathBuf>, CorpusError> {
    let mut strays = Vec::new();
    walk(dir, &mut Vec::new(), &mut strays)?;
    strays.retain(|p| crate::store::AnnotationFile::read(p).is_ok());
    strays.sort();
    Ok(strays)
}

/// For a `.ron` file named after a document beside it but with no valid annotator name after
/// it (`op-ed.txt.alice smith.ron`): that document's name and the invalid annotator part.
pub fn misnamed_layer_of(name: &str, exists: impl Fn(&str) -> bool) -> Option<(&str, &str)> {
    let stem = name.strip_suffix(".ron")?;
    stem.match_indices('.')
        .map(|(i, _)| (&stem[..i], &stem[i + 1..]))
        .find(|(doc, who)| {
            !doc.is_empty()
                && !who.is_empty()
                && exists(doc)
                && crate::store::validate_annotator(who).is_err()
        })
}

/// Collects, below `dir`, every file that has at least one annotation file beside it, with
/// those files (one listing per folder, however many documents it holds), and into `strays`
/// the `.ron` files with an annotation file's name whose document is not there.
fn walk(
    dir: &Path,
    out: &mut Vec<(PathBuf, Layers)>,
    strays: &mut Vec<PathBuf>,
) -> Result<(), CorpusError> {
    for folder in crate::walk::walk(dir)?.folders {
        let names: BTreeSet<&str> = folder.files.iter().map(String::as_str).collect();
        let mut docs: std::collections::BTreeMap<PathBuf, Layers> =
            std::collections::BTreeMap::new();
        for name in folder.files.iter().filter(|n| n.ends_with(".ron")) {
            let path = folder.path.join(name);
            if let Some((doc, annotator)) = parse_file_name(name, |doc| names.contains(doc)) {
                docs.entry(folder.path.join(doc))
                    .or_default()
                    .push((annotator.to_owned(), path));
            } else if !crate::store::file_name_candidates(name).is_empty()
                || misnamed_layer_of(name, |doc| names.contains(doc)).is_some()
            {
                strays.push(path);
            }
        }
        for (doc, mut layers) in docs {
            layers.sort();
            out.push((doc, layers));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_searched_recursively_and_layers_chosen() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("b");
        std::fs::create_dir(&sub).unwrap();
        for (folder, doc, annotators) in [
            (dir.path(), "a.txt", &["alice", "bob"][..]),
            (sub.as_path(), "c.txt", &["alice"][..]),
            (dir.path(), "lonely.txt", &[][..]),
        ] {
            std::fs::write(folder.join(doc), "text").unwrap();
            for who in annotators {
                std::fs::write(folder.join(format!("{doc}.{who}.ron")), "").unwrap();
            }
        }
        let all = plan(&[dir.path().to_path_buf()], &LayerChoice::All).unwrap();
        let names: Vec<(&str, usize)> = all
            .iter()
            .map(|j| (j.name.as_str(), j.layers.len()))
            .collect();
        assert_eq!(names, [("a.txt", 2), ("b/c.txt", 1)]);
        let bob = plan(
            &[dir.path().to_path_buf()],
            &LayerChoice::Annotator("bob".into()),
        )
        .unwrap();
        assert_eq!(bob.len(), 1);
        let direct = plan(
            &[dir.path().join("a.txt.bob.ron")],
            &LayerChoice::Annotator("alice".into()),
        )
        .unwrap();
        assert_eq!(direct[0].layers[0].0, "bob");
        assert!(plan(&[dir.path().join("nope")], &LayerChoice::All).is_err());
    }

    #[test]
    fn a_corpus_lists_every_document_with_progress() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("week 2");
        std::fs::create_dir(&sub).unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        for (path, text) in [
            (dir.path().join("a.txt"), "Reyes spoke."),
            (dir.path().join("notes.md"), "Notes."),
            (sub.join("b.txt"), "More."),
            (dir.path().join("image.png"), "png"),
            (dir.path().join(".git/config.txt"), "hidden"),
        ] {
            std::fs::write(path, text).unwrap();
        }
        let file = "(\n    version: 1,\n    source: \"a.txt\",\n    source_hash: \"h\",\n    annotator: \"alice\",\n    done: true,\n    spans: [\n        (id: 1, start: 0, end: 5, label: \"actor\", text: \"Reyes\"),\n    ],\n)\n";
        std::fs::write(dir.path().join("a.txt.alice.ron"), file).unwrap();
        let entries = entries(dir.path(), "alice").unwrap();
        let shown: Vec<(&str, Option<usize>, bool)> = entries
            .iter()
            .map(|e| (e.name.as_str(), e.spans, e.done))
            .collect();
        assert_eq!(
            shown,
            [
                ("a.txt", Some(1), true),
                ("notes.md", None, false),
                ("week 2/b.txt", None, false)
            ]
        );
    }

    #[test]
    fn dotted_annotator_names_are_found_in_folders() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("doc.txt"), "text").unwrap();
        for who in ["j.doe", "jane.doe@lab", "bob"] {
            std::fs::write(dir.path().join(format!("doc.txt.{who}.ron")), "").unwrap();
        }
        let all = plan(&[dir.path().to_path_buf()], &LayerChoice::All).unwrap();
        assert_eq!(all.len(), 1);
        let who: Vec<&str> = all[0].layers.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(who, ["bob", "j.doe", "jane.doe@lab"]);
        let direct = plan(&[dir.path().join("doc.txt.j.doe.ron")], &LayerChoice::All).unwrap();
        assert_eq!(direct[0].layers[0].0, "j.doe");
        assert_eq!(direct[0].name, "doc.txt");
        let beside = plan(&[dir.path().join("doc.txt")], &LayerChoice::All).unwrap();
        assert_eq!(beside[0].layers.len(), 3);
    }
}
