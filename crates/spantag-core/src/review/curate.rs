//! Building the curated (gold) layer from what annotators agree on.
//!
//! The curated layer is saved as `<document>.curated.ron` (annotator [`CURATED`]) with the
//! atomic writer ([`store::save_layer`], which keeps a `.bak`). What the file already holds is
//! kept: a span is only added when the file has no span with the same range and label, and
//! no span of the same label over part of the range ([`other_version`]): that is a version a
//! person chose in review, and adding the annotators' would double the disagreement.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::annotation::{Layer, Span};
use crate::corpus::CURATED;
use crate::store;

use super::{DocumentLayers, ReviewError, ReviewSet, find_disagreements};

/// Which spans to accept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CurateOptions {
    /// Accept a span that at least this many compared annotators made identically (majority
    /// vote), unless another annotator put a different label on the same range. `None`: all
    /// of them.
    pub min_agree: Option<usize>,
    /// Also accept spans that only some made when no other annotator made a span overlapping
    /// them.
    pub uncontested: bool,
}

/// What curating one document did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurateOutcome {
    /// The document's name.
    pub document: String,
    /// The curated file.
    pub path: PathBuf,
    /// Spans the rules accepted.
    pub accepted: usize,
    /// Of those, spans added (the others were already in the curated file, or rejected).
    pub added: usize,
    /// Of those, spans the curator rejected in review (left out).
    pub rejected: usize,
    /// Disagreements between the compared annotators that the curated layer does not settle
    /// (it holds none of the spans involved).
    pub remaining: usize,
    /// Accepted spans not added because the curated layer holds a span of the same label over
    /// part of their range with other boundaries (another version, chosen in review).
    pub kept_curated: usize,
}

/// The curated span of `label` that overlaps `start..end` with other boundaries, if any: a
/// version of the same thing that the curated layer already holds. `index` is built over
/// `curated.spans()`.
pub fn other_version<'a>(
    curated: &'a Layer,
    index: &crate::annotation::SpanIndex,
    start: usize,
    end: usize,
    label: &str,
) -> Option<&'a Span> {
    index
        .overlapping(start..end)
        .into_iter()
        .map(|p| &curated.spans()[p])
        .find(|s| s.label == label && (s.start, s.end) != (start, end))
}

/// A span to accept: (start, end, label).
pub type Accepted = (usize, usize, String);

/// The spans the rules accept for one document's layers (one per compared annotator),
/// sorted. With fewer than two layers nothing is accepted.
pub fn accepted_spans(layers: &[Layer], options: CurateOptions) -> Vec<Accepted> {
    let n = layers.len();
    if n < 2 {
        return Vec::new();
    }
    let need = options.min_agree.unwrap_or(n).clamp(1, n);
    // Who made each (start, end, label), and every label each annotator put on each range.
    let mut makers: BTreeMap<(usize, usize, &str), Vec<usize>> = BTreeMap::new();
    let mut range_labels: BTreeMap<(usize, usize), Vec<(usize, &str)>> = BTreeMap::new();
    for (k, layer) in layers.iter().enumerate() {
        for s in layer.spans() {
            let who = makers
                .entry((s.start, s.end, s.label.as_str()))
                .or_default();
            if !who.contains(&k) {
                who.push(k);
            }
            range_labels
                .entry((s.start, s.end))
                .or_default()
                .push((k, s.label.as_str()));
        }
    }
    let indexes: Vec<crate::annotation::SpanIndex> = layers
        .iter()
        .map(|l| crate::annotation::SpanIndex::build(l.spans()))
        .collect();
    let mut out = Vec::new();
    for (&(start, end, label), who) in &makers {
        let count = who.len();
        let accept = if count == n {
            true
        } else if count >= need {
            // Contested when someone who did not make it labelled the same range otherwise.
            !range_labels[&(start, end)]
                .iter()
                .any(|&(k, l)| l != label && !who.contains(&k))
        } else if options.uncontested {
            // Nobody else made anything overlapping it.
            (0..n)
                .filter(|k| !who.contains(k))
                .all(|k| indexes[k].overlapping(start..end).is_empty())
        } else {
            false
        };
        if accept {
            out.push((start, end, label.to_owned()));
        }
    }
    out
}

/// Adds the accepted spans of one loaded document to its curated layer; returns the new
/// curated file to write (only when something was added).
fn curate_document(
    doc: &DocumentLayers,
    options: CurateOptions,
) -> Result<(CurateOutcome, Option<crate::transaction::Change>), ReviewError> {
    let path = super::curated_path(&doc.path);
    let mut curated = if path.exists() {
        store::load_layer(&doc.doc, &path, CURATED)
            .map_err(|e| ReviewError::Input(e.to_string()))?
            .layer
    } else {
        // A new curated layer starts with the first annotator's labels, in their order.
        let mut layer = Layer::new(CURATED);
        if let Some(first) = doc.layers.first() {
            layer.scheme = first.scheme.clone();
        }
        layer
    };
    let accepted = accepted_spans(&doc.layers, options);
    let (mut added, mut rejected, mut kept_curated) = (0, 0, 0);
    // Over the curated spans as they were: what this run adds does not shadow other spans.
    let index = crate::annotation::SpanIndex::build(curated.spans());
    let before = curated.clone();
    for (start, end, label) in &accepted {
        if curated.find_duplicate(*start..*end, label).is_some() {
            continue;
        }
        if curated.is_rejected(*start, *end, label) {
            rejected += 1;
            continue;
        }
        if other_version(&before, &index, *start, *end, label).is_some() {
            kept_curated += 1;
            continue;
        }
        let id = curated.allocate_id();
        curated.scheme.ensure(label);
        curated.insert(Span::new(
            id,
            *start..*end,
            label,
            doc.doc.slice(*start..*end),
        ));
        added += 1;
    }
    let change = (added > 0).then(|| crate::transaction::Change {
        path: path.clone(),
        contents: store::AnnotationFile::from_layer(&curated, &doc.doc)
            .to_ron()
            .into_bytes(),
        old: crate::atomic::file_hash(&path),
    });
    let remaining = find_disagreements(&doc.layers)
        .iter()
        .filter(|d| !d.settled_by(&curated))
        .count();
    Ok((
        CurateOutcome {
            document: doc.name.clone(),
            path,
            accepted: accepted.len(),
            added,
            rejected,
            remaining,
            kept_curated,
        },
        change,
    ))
}

/// Curates every document of a set; `each` is called with each document's outcome once all
/// are written. Notes (spans of stale files left out) go to `notes`.
///
/// The curated files are written as one operation ([`crate::transaction::apply`]) under the
/// lock of the folder holding every document: all of them or none, even if killed.
pub fn curate(
    set: &ReviewSet,
    options: CurateOptions,
    notes: &mut Vec<String>,
    each: &mut dyn FnMut(&CurateOutcome),
) -> Result<Vec<CurateOutcome>, ReviewError> {
    // Every file is read once before any curated file is written: one that cannot be read
    // stops the command with nothing written, not half-way through the folder.
    for job in &set.documents {
        let curated = super::curated_path(&job.path);
        let files = job
            .layers
            .iter()
            .map(|(_, path)| path)
            .chain(curated.is_file().then_some(&curated));
        for path in files {
            store::AnnotationFile::read_unhashed(path)
                .map_err(|e| ReviewError::Input(format!("{e}. No curated file was written")))?;
        }
    }
    let mut out = Vec::with_capacity(set.documents.len());
    let mut changes = Vec::new();
    for job in &set.documents {
        let doc = super::load(job, notes)?;
        let (outcome, change) = curate_document(&doc, options)?;
        changes.extend(change);
        out.push(outcome);
    }
    if !changes.is_empty() {
        let folder = crate::folder::common_folder(changes.iter().map(|c| c.path.as_path()));
        let lock = crate::folder::lock::acquire(&folder, "curate")
            .map_err(|e| ReviewError::Output(e.to_string()))?;
        crate::transaction::apply(&lock, "curate", &changes)
            .map_err(|e| ReviewError::Output(e.to_string()))?;
    }
    for outcome in &out {
        each(outcome);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::test_support::layer;

    fn ranges(v: &[Accepted]) -> Vec<(usize, usize, &str)> {
        v.iter().map(|(s, e, l)| (*s, *e, l.as_str())).collect()
    }

    fn three() -> [Layer; 3] {
        [
            layer(
                "alice",
                &[
                    (0, 10, "claim"),  // all three
                    (0, 10, "event"),  // stacked by all three
                    (12, 18, "actor"), // alice + bob; chen says event
                    (20, 25, "actor"), // alice + bob; chen nothing
                    (30, 35, "event"), // alice only, nobody else near
                    (40, 50, "claim"), // alice only; bob overlaps
                ],
            ),
            layer(
                "bob",
                &[
                    (0, 10, "claim"),
                    (0, 10, "event"),
                    (12, 18, "actor"),
                    (20, 25, "actor"),
                    (45, 55, "claim"),
                ],
            ),
            layer(
                "chen",
                &[(0, 10, "claim"), (0, 10, "event"), (12, 18, "event")],
            ),
        ]
    }

    #[test]
    fn all_agreed_by_default() {
        let got = accepted_spans(&three(), CurateOptions::default());
        assert_eq!(ranges(&got), [(0, 10, "claim"), (0, 10, "event")]);
    }

    #[test]
    fn majority_vote_skips_ranges_someone_labelled_otherwise() {
        let options = CurateOptions {
            min_agree: Some(2),
            uncontested: false,
        };
        let got = accepted_spans(&three(), options);
        assert_eq!(
            ranges(&got),
            [(0, 10, "claim"), (0, 10, "event"), (20, 25, "actor")]
        );
    }

    #[test]
    fn uncontested_adds_lone_spans_nobody_else_overlaps() {
        let options = CurateOptions {
            min_agree: None,
            uncontested: true,
        };
        let got = accepted_spans(&three(), options);
        assert_eq!(
            ranges(&got),
            [
                (0, 10, "claim"),
                (0, 10, "event"),
                (20, 25, "actor"),
                (30, 35, "event")
            ]
        );
        // Fewer than two layers: nothing.
        assert!(accepted_spans(&three()[..1], options).is_empty());
    }
}
