//! Building the curated (gold) layer from what annotators agree on.
//!
//! The curated layer is saved as `<document>.curated.ron` (annotator [`CURATED`]) with the
//! atomic writer ([`store::save_layer`], which keeps a `.bak`). What the file already holds is
//! kept: a span is only added when the file has no span with the same range and label, and
//! no span of the same label over part of the range ([`other_version`]): that is a version a
//! person chose in review, and adding the annotators' would double the disagreement. Nor is
//! anything added over the extent of a disagreement a reviewer decided (the file's
//! `decisions:`, [`super::decision`]): a settled disagreement stays settled.

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
    /// Accepted spans not added because they lie in a disagreement a reviewer settled (a
    /// decision in the curated file, [`super::decision`]).
    pub decided: usize,
    /// Relations added: those the agreeing annotators made between curated spans.
    pub relations_added: usize,
    /// Events added: those the agreeing annotators made on curated spans.
    pub events_added: usize,
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

/// A relation between two spans given by their (start, end, label), with its label.
pub type RelationKey = (Accepted, Accepted, String);

/// Relations that at least `need` of `layers` made: the same label from a span with the
/// same (start, end, label) to a span with the same (start, end, label). Sorted.
pub fn agreed_relations(layers: &[Layer], need: usize) -> Vec<RelationKey> {
    let mut makers: BTreeMap<RelationKey, Vec<usize>> = BTreeMap::new();
    for (k, layer) in layers.iter().enumerate() {
        for r in &layer.relations {
            let (Some(from), Some(to)) = (layer.get(r.from), layer.get(r.to)) else {
                continue;
            };
            let key = (
                (from.start, from.end, from.label.clone()),
                (to.start, to.end, to.label.clone()),
                r.label.clone(),
            );
            let who = makers.entry(key).or_default();
            if !who.contains(&k) {
                who.push(k);
            }
        }
    }
    makers
        .into_iter()
        .filter(|(_, who)| who.len() >= need.max(1))
        .map(|(key, _)| key)
        .collect()
}

/// What the annotators who made the span `start..end` of `label` agree on beyond it: each
/// attribute every one of them gave the same value (one set by some and not others is left
/// out: an attributes disagreement for review), and their pieces when all have the same.
pub(super) fn agreed_details(
    layers: &[Layer],
    start: usize,
    end: usize,
    label: &str,
) -> (BTreeMap<String, String>, Vec<(usize, usize)>) {
    let made: Vec<&Span> = layers
        .iter()
        .filter_map(|l| l.find_duplicate(start..end, label))
        .collect();
    let Some((first, rest)) = made.split_first() else {
        return (BTreeMap::new(), Vec::new());
    };
    let attrs = first
        .attrs
        .iter()
        .filter(|(k, v)| rest.iter().all(|s| s.attrs.get(*k) == Some(*v)))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let fragments = if rest.iter().all(|s| s.fragments == first.fragments) {
        first.fragments.clone()
    } else {
        Vec::new()
    };
    (attrs, fragments)
}

/// The note the makers of a span (same start, end and label) agree on: every one of them
/// that wrote a note wrote this one, and at least one did.
pub fn agreed_note(layers: &[Layer], start: usize, end: usize, label: &str) -> Option<String> {
    let mut notes = layers
        .iter()
        .filter_map(|l| l.find_duplicate(start..end, label))
        .filter_map(|s| s.note.as_deref());
    let first = notes.next()?;
    notes.all(|n| n == first).then(|| first.to_owned())
}

/// Relations of `agreed` whose two ends the curated spans hold (by `id_of`, which finds a
/// span of the curated layer, or one being added, by its key) and which it lacks: (from id,
/// to id, label).
pub fn relations_to_add(
    agreed: &[RelationKey],
    existing: &[crate::annotation::Relation],
    id_of: impl Fn(&Accepted) -> Option<u64>,
) -> Vec<(u64, u64, String)> {
    let mut out = Vec::new();
    for (from, to, label) in agreed {
        let (Some(a), Some(b)) = (id_of(from), id_of(to)) else {
            continue;
        };
        let known = existing
            .iter()
            .any(|r| r.from == a && r.to == b && &r.label == label)
            || out.iter().any(|(x, y, l)| *x == a && *y == b && l == label);
        if !known {
            out.push((a, b, label.clone()));
        }
    }
    out
}

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
    let (mut added, mut rejected, mut kept_curated, mut decided) = (0, 0, 0, 0);
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
        if super::decision::Decision::covers_any(&curated.decisions, *start, *end) {
            decided += 1;
            continue;
        }
        if other_version(&before, &index, *start, *end, label).is_some() {
            kept_curated += 1;
            continue;
        }
        let id = curated.allocate_id();
        curated.scheme.ensure(label);
        let mut span = Span::new(id, *start..*end, label, doc.doc.slice(*start..*end))
            .with_note(agreed_note(&doc.layers, *start, *end, label));
        (span.attrs, span.fragments) = agreed_details(&doc.layers, *start, *end, label);
        curated.insert(span);
        added += 1;
    }
    // Relations the agreeing annotators made between curated spans come along.
    let need = options.min_agree.unwrap_or(doc.layers.len());
    let agreed = agreed_relations(&doc.layers, need);
    let to_add = relations_to_add(&agreed, &curated.relations, |(s, e, l)| {
        curated.find_duplicate(*s..*e, l).map(|x| x.id)
    });
    let relations_added = to_add.len();
    for (from, to, label) in to_add {
        let id = curated.allocate_id();
        curated.relations.push(crate::annotation::Relation {
            id,
            from,
            to,
            label,
        });
    }
    // So do the events they agree on.
    let new_events = super::agreed_events::events_to_add(
        &super::agreed_events::agreed_events(&doc.layers, need),
        &curated.events,
        |(s, e, l)| curated.find_duplicate(*s..*e, l).map(|x| x.id),
    );
    let events_added = new_events.len();
    for mut event in new_events {
        event.id = curated.allocate_id();
        curated.events.push(event);
    }
    let change = (added + relations_added + events_added > 0).then(|| crate::transaction::Change {
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
            decided,
            relations_added,
            events_added,
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

    #[test]
    fn curate_adds_nothing_over_a_decided_disagreement() {
        use crate::document::Document;
        use crate::review::navigate::{Navigator, accept_version};
        let text = "Reyes said the levee is late, officials said.";
        let doc = Document::from_text(text.into());
        // ana and cai: claim 11..28; ben: event 11..43 (another label over a wider range).
        let layers = vec![
            layer("ana", &[(11, 28, "claim")]),
            layer("ben", &[(11, 43, "event")]),
            layer("cai", &[(11, 28, "claim")]),
        ];
        let nav = Navigator::new(&layers);
        let wide = nav.all().iter().find(|d| d.end == 43).unwrap().clone();
        let mut curated = Layer::new(CURATED);
        let edit = accept_version(&doc, &curated, &wide, 1, &layers);
        crate::edit::apply(&mut curated, edit).unwrap();
        assert!(
            curated.rejected.is_empty(),
            "only the decision guards the claim"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.txt");
        std::fs::write(&path, text).unwrap();
        let doc = Document::open(&path).unwrap();
        store::save_layer(&curated, &doc, &super::super::curated_path(&path)).unwrap();
        let loaded = DocumentLayers {
            name: "d.txt".into(),
            path: path.clone(),
            doc,
            layers,
            curated: None,
        };
        let majority = CurateOptions {
            min_agree: Some(2),
            uncontested: false,
        };
        let (outcome, change) = curate_document(&loaded, majority).unwrap();
        assert_eq!((outcome.added, outcome.decided), (0, 1), "{outcome:?}");
        assert!(change.is_none(), "nothing to write");
        assert_eq!(outcome.remaining, 0);
    }

    /// A layer with spans (ids 1, 2, … in list order), a note on the first span, and a
    /// relation `label` from span `from` to span `to` (list positions, 1-based).
    fn with_structure(
        who: &str,
        list: &[(usize, usize, &str)],
        note: Option<&str>,
        relation: Option<(u64, u64, &str)>,
    ) -> Layer {
        let mut spans = crate::review::test_support::spans(list);
        for s in &mut spans {
            if s.id == 1 {
                s.note = note.map(str::to_owned);
            }
        }
        let relations = relation
            .map(|(from, to, label)| crate::annotation::Relation {
                id: 100,
                from,
                to,
                label: label.to_owned(),
            })
            .into_iter()
            .collect();
        Layer::from_parts(
            who,
            crate::annotation::LabelScheme::default(),
            spans,
            relations,
        )
    }

    #[test]
    fn curate_copies_the_relations_and_notes_the_agreeing_annotators_made() {
        use crate::document::Document;
        let text = "Reyes said the levee is late. Okafor agreed.";
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.txt");
        std::fs::write(&path, text).unwrap();
        let spans = [(0, 5, "actor"), (11, 28, "claim"), (30, 36, "actor")];
        // All three: Reyes says the claim, with the same note on Reyes. Only ana: Okafor
        // says it too (span 3 to span 2), and her note differs from the others'.
        let layers = [
            with_structure("ana", &spans, Some("mayor"), Some((1, 2, "says"))),
            with_structure("ben", &spans, Some("mayor"), Some((1, 2, "says"))),
            with_structure("cai", &spans, None, Some((1, 2, "says"))),
        ];
        let mut ana_extra = layers[0].clone();
        ana_extra.relations.push(crate::annotation::Relation {
            id: 101,
            from: 3,
            to: 2,
            label: "says".into(),
        });
        let layers = vec![ana_extra, layers[1].clone(), layers[2].clone()];
        let loaded = DocumentLayers {
            name: "d.txt".into(),
            path: path.clone(),
            doc: Document::open(&path).unwrap(),
            layers,
            curated: None,
        };
        let (outcome, change) = curate_document(&loaded, CurateOptions::default()).unwrap();
        assert_eq!(
            (outcome.added, outcome.relations_added),
            (3, 1),
            "{outcome:?}"
        );
        let change = change.unwrap();
        let file =
            store::AnnotationFile::from_ron(std::str::from_utf8(&change.contents).unwrap(), &path)
                .unwrap();
        let by_id = |id: u64| file.spans.iter().find(|s| s.id == id).unwrap();
        let rel: Vec<(&str, &str, &str)> = file
            .relations
            .iter()
            .map(|r| {
                (
                    by_id(r.from).text.as_str(),
                    by_id(r.to).text.as_str(),
                    r.label.as_str(),
                )
            })
            .collect();
        assert_eq!(rel, [("Reyes", "the levee is late", "says")]);
        let reyes = file.spans.iter().find(|s| s.text == "Reyes").unwrap();
        assert_eq!(
            reyes.note.as_deref(),
            Some("mayor"),
            "the notes written agree"
        );
    }

    #[test]
    fn accepting_a_version_brings_its_note_and_relations() {
        use crate::document::Document;
        use crate::review::navigate::{Navigator, accept_version};
        let doc = Document::from_text("Reyes said the levee is late. Okafor agreed.".into());
        // Everyone: Reyes (span 1). ana: claim 11..28 says-linked from Reyes, with a note;
        // ben: no claim.
        let layers = vec![
            with_structure(
                "ana",
                &[(11, 28, "claim"), (0, 5, "actor")],
                Some("check the date"),
                Some((2, 1, "says")),
            ),
            with_structure("ben", &[(0, 5, "actor")], None, None),
        ];
        let mut curated = Layer::new(CURATED);
        let (edit, _) = crate::review::navigate::accept_agreed(
            &doc,
            &curated,
            &layers,
            CurateOptions::default(),
        );
        crate::edit::apply(&mut curated, edit).unwrap();
        let nav = Navigator::new(&layers);
        let d = nav.all()[0].clone();
        let edit = accept_version(&doc, &curated, &d, 0, &layers);
        crate::edit::apply(&mut curated, edit).unwrap();
        let claim = curated.find_duplicate(11..28, "claim").unwrap();
        assert_eq!(claim.note.as_deref(), Some("check the date"));
        let reyes = curated.find_duplicate(0..5, "actor").unwrap();
        let rel: Vec<(u64, u64, &str)> = curated
            .relations
            .iter()
            .map(|r| (r.from, r.to, r.label.as_str()))
            .collect();
        assert_eq!(rel, [(reyes.id, claim.id, "says")]);
    }
}
