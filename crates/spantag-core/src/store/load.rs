//! Loading a document's layer: parse, re-anchor when the source changed, report problems.

use std::path::Path;

use crate::annotation::{Layer, Rejection, Span};
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
    /// Whether the file lists its labels; when not (no file, or a file written by hand or
    /// another tool) the layer has the default labels, which a project file's replace.
    pub labels_stored: bool,
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
            labels_stored: false,
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
            labels_stored: false,
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
    let labels_stored = !file.labels.is_empty();
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
    if source_changed && !file.rejected.is_empty() {
        file.rejected = reanchor_rejections(doc, std::mem::take(&mut file.rejected));
    }
    if source_changed && !file.decisions.is_empty() {
        file.decisions = reanchor_decisions(doc, std::mem::take(&mut file.decisions));
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
        labels_stored,
    }
}

/// Rejected suggestions follow their text as spans do when the source changed, so that a
/// suggestion turned down before an edit stays turned down after it. One whose text cannot be
/// placed keeps its old offsets: it stays in the file (and no longer applies).
fn reanchor_rejections(doc: &Document, mut rejected: Vec<Rejection>) -> Vec<Rejection> {
    let places = reanchor_extents(
        doc,
        rejected
            .iter()
            .map(|r| (r.start, r.end, r.label.as_str(), r.text.as_str())),
    );
    for (r, place) in rejected.iter_mut().zip(places) {
        if let Some(place) = place {
            (r.start, r.end) = place;
        }
    }
    rejected
}

/// A reviewer's decisions follow their text as rejections do: a disagreement settled before
/// a source edit stays settled after it.
fn reanchor_decisions(
    doc: &Document,
    mut decisions: Vec<crate::review::decision::Decision>,
) -> Vec<crate::review::decision::Decision> {
    let places = reanchor_extents(
        doc,
        decisions
            .iter()
            .map(|d| (d.start, d.end, "decision", d.text.as_str())),
    );
    for (d, place) in decisions.iter_mut().zip(places) {
        if let Some(place) = place {
            (d.start, d.end) = place;
        }
    }
    decisions
}

/// Where each (start, end, label, text) goes in the changed text ([`crate::reanchor`]), in
/// order; `None` for one that cannot be placed.
fn reanchor_extents<'a>(
    doc: &Document,
    extents: impl Iterator<Item = (usize, usize, &'a str, &'a str)>,
) -> Vec<Option<(usize, usize)>> {
    let as_spans: Vec<Span> = extents
        .enumerate()
        .map(|(i, (start, end, label, text))| Span::new(i as u64, start..end, label, text))
        .collect();
    let mut places = vec![None; as_spans.len()];
    for placed in crate::reanchor::reanchor(doc, as_spans).spans {
        if let Some(place) = usize::try_from(placed.id)
            .ok()
            .and_then(|i| places.get_mut(i))
        {
            *place = Some((placed.start, placed.end));
        }
    }
    places
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejection(doc: &Document, start: usize, end: usize, label: &str) -> Rejection {
        Rejection {
            start,
            end,
            label: label.to_owned(),
            text: doc.slice(start..end).to_owned(),
        }
    }

    /// Code point offset of a text's only occurrence (as Python's `str.find`).
    fn find(text: &str, needle: &str) -> usize {
        let byte = text.find(needle).unwrap();
        assert!(text[byte + 1..].find(needle).is_none(), "unique");
        text[..byte].chars().count()
    }

    #[test]
    fn rejections_follow_their_text_when_the_source_changed() {
        let old = Document::from_text("Daniel Reyes spoke. The council voted.\n".to_owned());
        let mut layer = Layer::new("alice");
        layer.set_rejected(vec![
            rejection(&old, 7, 12, "actor"),  // "Reyes"
            rejection(&old, 24, 31, "event"), // "council"
            rejection(&old, 20, 23, "claim"), // "The"
        ]);
        let file = AnnotationFile::from_layer(&layer, &old);
        let new_text = "Update 🙂 — Daniel Reyes spoke. The vote was delayed.\n";
        let new = Document::from_text(new_text.to_owned());
        let loaded = loaded_from(file, &new, "alice");
        assert!(loaded.changed);
        let got: Vec<(usize, usize, &str, &str)> = loaded
            .layer
            .rejected
            .iter()
            .map(|r| (r.start, r.end, r.label.as_str(), r.text.as_str()))
            .collect();
        let (reyes, the) = (find(new_text, "Reyes"), find(new_text, "The"));
        assert_eq!(
            (reyes, the),
            (18, 31),
            "code points, after the emoji and the dash"
        );
        assert_eq!(
            got,
            [
                (reyes, reyes + 5, "actor", "Reyes"),
                // "council" is gone: kept with its old offsets, no longer applying.
                (24, 31, "event", "council"),
                (the, the + 3, "claim", "The"),
            ]
        );
        assert!(loaded.layer.is_rejected(reyes, reyes + 5, "actor"));
        assert!(!loaded.layer.is_rejected(7, 12, "actor"));
        // Saved against the new text, they are read back where they now are.
        let again = loaded_from(
            AnnotationFile::from_layer(&loaded.layer, &new),
            &new,
            "alice",
        );
        assert_eq!(again.layer.rejected, loaded.layer.rejected);
        assert!(!again.changed);
    }

    #[test]
    fn decisions_are_written_read_by_both_readers_and_follow_their_text() {
        use crate::review::decision::{Decision, Outcome};
        let old = Document::from_text("Daniel Reyes spoke in Seoul. The council voted.\n".into());
        let mut layer = Layer::new("curated");
        layer.add_decision(Decision::new(&old, 22, 27, Outcome::NoSpan, "ben"));
        layer.add_decision(Decision::new(&old, 0, 12, Outcome::Accept, "ana"));
        layer.add_decision(Decision::new(&old, 29, 40, Outcome::Reject, ""));
        let text = AnnotationFile::from_layer(&layer, &old).to_ron();
        // One per line, sorted, the annotator left out when there is none.
        assert!(
            text.contains(
                "    decisions: [\n        (start: 0, end: 12, outcome: \"accept\", annotator: \"ana\", text: \"Daniel Reyes\"),\n        (start: 22, end: 27, outcome: \"no_span\", annotator: \"ben\", text: \"Seoul\"),\n        (start: 29, end: 40, outcome: \"reject\", text: \"The council\"),\n    ],"
            ),
            "{text}"
        );
        let path = Path::new("d.txt.curated.ron");
        let fast = AnnotationFile::from_ron(&text, path).unwrap();
        assert_eq!(fast.decisions, layer.decisions);
        // A field this version does not know sends the file to the `ron` crate's reader.
        let slow_text = text.replacen("    spans:", "    from_the_future: 1,\n    spans:", 1);
        let slow = AnnotationFile::from_ron(&slow_text, path).unwrap();
        assert!(!slow.unknown.file.is_empty(), "read by the ron crate");
        assert_eq!(slow.decisions, layer.decisions);
        // The source changes: each decision follows its text.
        let new_text = "Update: Daniel Reyes spoke in Seoul on Monday. The council voted.\n";
        let new = Document::from_text(new_text.to_owned());
        let loaded = loaded_from(fast, &new, "curated");
        let got: Vec<(usize, usize, &str)> = loaded
            .layer
            .decisions
            .iter()
            .map(|d| (d.start, d.end, d.text.as_str()))
            .collect();
        let (reyes, seoul, council) = (
            find(new_text, "Daniel Reyes"),
            find(new_text, "Seoul"),
            find(new_text, "The council"),
        );
        assert_eq!(
            got,
            [
                (reyes, reyes + 12, "Daniel Reyes"),
                (seoul, seoul + 5, "Seoul"),
                (council, council + 11, "The council"),
            ]
        );
        assert!(loaded.layer.decision_over(seoul, seoul + 5).is_some());
    }
}
