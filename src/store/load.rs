//! Loading a document's layer: parse, re-anchor when the source changed, report problems.

use std::path::Path;

use crate::annotation::Layer;
use crate::document::Document;

use super::{AnnotationFile, Problem, StoreError};

/// A layer read from disk and what was found wrong with it.
#[derive(Debug)]
pub struct Loaded {
    /// The layer (every span of the file).
    pub layer: Layer,
    /// Problems, for the user to see.
    pub problems: Vec<Problem>,
    /// Whether the layer differs from the file on disk: the source changed since it was
    /// saved (spans re-anchored, or only its recorded hash out of date).
    pub changed: bool,
    /// Hash of the annotation file's bytes as read (`None` when there was no file).
    pub disk_hash: Option<String>,
}

/// Opens a document and loads the annotator's layer for it, reading and parsing the
/// annotation file on another thread while the document is decoded and indexed; re-anchoring
/// (when the source changed) reports `progress(done, total)`.
pub fn open_with_layer(
    doc_path: &Path,
    annotation_path: &Path,
    annotator: &str,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(Document, Loaded), String> {
    let (doc, file) = std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            annotation_path
                .exists()
                .then(|| AnnotationFile::read_with_hash(annotation_path))
        });
        let doc = Document::open(doc_path);
        let file = reader
            .join()
            .unwrap_or_else(|_| Some(AnnotationFile::read_with_hash(annotation_path)));
        (doc, file)
    });
    let doc = doc.map_err(|e| e.to_string())?;
    if let Some(dir) = annotation_path.parent() {
        crate::atomic::remove_stale_temp_files(dir);
    }
    let loaded = match file {
        None => Loaded {
            layer: Layer::new(annotator),
            problems: Vec::new(),
            changed: false,
            disk_hash: None,
        },
        Some(file) => {
            let (file, hash) = file.map_err(|e| e.to_string())?;
            let mut loaded = loaded_with_progress(file, &doc, annotator, progress);
            loaded.disk_hash = Some(hash);
            loaded
        }
    };
    Ok((doc, loaded))
}

/// Loads the annotator's layer for a document, or an empty layer when there is no file yet.
pub fn load_layer(doc: &Document, path: &Path, annotator: &str) -> Result<Loaded, StoreError> {
    if !path.exists() {
        return Ok(Loaded {
            layer: Layer::new(annotator),
            problems: Vec::new(),
            changed: false,
            disk_hash: None,
        });
    }
    let (file, hash) = AnnotationFile::read_with_hash(path)?;
    let mut loaded = loaded_from(file, doc, annotator);
    loaded.disk_hash = Some(hash);
    Ok(loaded)
}

/// A loaded layer from a parsed file: re-anchored when the source changed, with its problems.
pub fn loaded_from(file: AnnotationFile, doc: &Document, annotator: &str) -> Loaded {
    loaded_with_progress(file, doc, annotator, &mut |_, _| {})
}

/// [`loaded_from`], reporting re-anchoring progress as `progress(done, total)`.
///
/// When the source changed, the layer differs from the file on disk even if every span
/// still matches: the file's `source_hash` is out of date. `changed` is then set, so the
/// next save records the new hash and the warning is shown once, not at every opening.
pub fn loaded_with_progress(
    file: AnnotationFile,
    doc: &Document,
    annotator: &str,
    progress: &mut dyn FnMut(usize, usize),
) -> Loaded {
    load(file, doc, annotator, progress, false)
}

/// [`loaded_from`] for a layer shown read-only: when the file was saved against this very
/// text, its spans' texts are not compared one by one (see
/// [`AnnotationFile::problems_trusting_hash`]).
pub fn loaded_read_only(file: AnnotationFile, doc: &Document, annotator: &str) -> Loaded {
    load(file, doc, annotator, &mut |_, _| {}, true)
}

fn load(
    mut file: AnnotationFile,
    doc: &Document,
    annotator: &str,
    progress: &mut dyn FnMut(usize, usize),
    trust_hash: bool,
) -> Loaded {
    let source_changed = file.source_hash != doc.hash();
    let mut reanchored = None;
    if source_changed && !file.spans.is_empty() {
        let result =
            crate::reanchor::reanchor_with_progress(doc, std::mem::take(&mut file.spans), progress);
        file.spans = result.spans;
        file.orphans.extend(result.orphans.iter().cloned());
        if result.moved > 0 || !result.orphans.is_empty() {
            reanchored = Some(Problem::Reanchored {
                moved: result.moved,
                orphaned: result.orphans.len(),
            });
        }
    }
    let mut problems = if trust_hash {
        file.problems_trusting_hash(doc)
    } else {
        file.problems(doc)
    };
    problems.extend(reanchored);
    let mut layer = file.into_layer();
    annotator.clone_into(&mut layer.annotator);
    Loaded {
        layer,
        problems,
        changed: source_changed,
        disk_hash: None,
    }
}
