//! Reviewing teammates' annotations: the documents every compared annotator annotated, their
//! layers, how spans of two layers are matched, the disagreements between layers
//! ([`disagreements`]), agreement measures ([`agreement`]) and building the curated layer
//! ([`curate`]). No egui here: the command line and the GUI call the same functions.
//!
//! Offsets are Unicode code points, half-open, as everywhere in spantag.

pub mod agreed_events;
pub mod agreement;
pub mod curate;
pub mod decision;
pub mod disagreements;
pub mod navigate;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::annotation::{Layer, Span, SpanIndex};
use crate::corpus::{self, CURATED, CorpusError, DocumentJob, LayerChoice};
use crate::document::Document;
use crate::formats;
use crate::store;

pub use agreement::{AgreementOptions, AgreementReport, compare, compare_with};
pub use curate::{CurateOptions, CurateOutcome, curate};
pub use decision::{Decision, Outcome};
pub use disagreements::{
    Disagreement, DisagreementKind, Said, Says, find_disagreements, next_after, previous_before,
};

/// Why a review could not be done.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// The inputs could not be resolved.
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    /// An annotator name is not valid, or names no annotator of the inputs.
    #[error("{0}")]
    BadAnnotator(String),
    /// A document or annotation file could not be read.
    #[error("{0}")]
    Input(String),
    /// Writing failed.
    #[error("{0}")]
    Output(String),
    /// There is nothing to compare (fewer than two annotators, or no document has all).
    #[error("{0}")]
    NothingToCompare(String),
}

/// A document left out of a comparison because some compared annotators did not annotate it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// The document's name (as in exports).
    pub document: String,
    /// The compared annotators without an annotation file for it.
    pub missing: Vec<String>,
}

/// The documents to review and who is compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewSet {
    /// The compared annotators, in order (the order of every layer list below).
    pub annotators: Vec<String>,
    /// Documents that every compared annotator annotated; each job's layers are exactly the
    /// compared annotators', in [`Self::annotators`] order.
    pub documents: Vec<DocumentJob>,
    /// Documents of the inputs that lack some compared annotator.
    pub skipped: Vec<Skipped>,
}

/// Finds the documents of the inputs (documents, annotation files, folders searched
/// recursively; through [`corpus::plan`]) and who to compare: `annotators` when given
/// (`curated` may be one of them), else every annotator found except `curated`. Documents
/// without every compared annotator are listed as skipped.
///
/// Fails with [`ReviewError::NothingToCompare`] when fewer than two annotators are compared
/// or no document has them all.
pub fn plan(inputs: &[PathBuf], annotators: Option<&[String]>) -> Result<ReviewSet, ReviewError> {
    let mut jobs = corpus::plan(inputs, &LayerChoice::All)?;
    let chosen: Vec<String> = match annotators {
        Some(names) => {
            let mut out: Vec<String> = Vec::new();
            for name in names {
                store::validate_annotator(name)
                    .map_err(|e| ReviewError::BadAnnotator(e.to_string()))?;
                if !out.contains(name) {
                    out.push(name.clone());
                }
            }
            out
        }
        None => {
            let mut all: Vec<String> = jobs
                .iter()
                .flat_map(|j| j.layers.iter().map(|(a, _)| a.clone()))
                .collect();
            all.sort();
            all.dedup();
            all
        }
    };
    if chosen.len() < 2 {
        let why = match chosen.first() {
            None => "no annotation files found in the inputs: nothing to compare".to_owned(),
            Some(one) => {
                format!("only one annotator to compare ({one}): agreement needs at least two")
            }
        };
        return Err(ReviewError::NothingToCompare(why));
    }
    if chosen.iter().any(|a| a == CURATED) {
        for job in &mut jobs {
            let path = store::annotation_path(&job.path, CURATED);
            if path.is_file() && !job.layers.iter().any(|(a, _)| a == CURATED) {
                job.layers.push((CURATED.to_owned(), path));
            }
        }
    }
    let found: std::collections::BTreeSet<&str> = jobs
        .iter()
        .flat_map(|j| j.layers.iter().map(|(a, _)| a.as_str()))
        .collect();
    let absent: Vec<&str> = chosen
        .iter()
        .map(String::as_str)
        .filter(|a| !found.contains(a))
        .collect();
    // A name given with --annotators that no file has is a wrong name (a typo, another
    // folder), not an empty comparison.
    if !absent.is_empty() {
        return Err(ReviewError::BadAnnotator(format!(
            "{} {} no annotation files in the inputs (annotators found: {})",
            absent.join(", "),
            if absent.len() == 1 { "has" } else { "have" },
            found.iter().copied().collect::<Vec<_>>().join(", ")
        )));
    }
    // The pairs of annotators that share documents, most first: what to compare instead when
    // no document has them all.
    let mut pairs: Vec<(usize, String)> = Vec::new();
    for (i, a) in chosen.iter().enumerate() {
        for b in &chosen[i + 1..] {
            let both = jobs
                .iter()
                .filter(|j| {
                    j.layers.iter().any(|(x, _)| x == a) && j.layers.iter().any(|(x, _)| x == b)
                })
                .count();
            if both > 0 {
                pairs.push((both, format!("{a},{b} ({both} document(s))")));
            }
        }
    }
    pairs.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
    let mut documents = Vec::new();
    let mut skipped = Vec::new();
    for job in jobs {
        let missing: Vec<String> = chosen
            .iter()
            .filter(|a| !job.layers.iter().any(|(b, _)| b == *a))
            .cloned()
            .collect();
        if missing.is_empty() {
            let layers = chosen
                .iter()
                .filter_map(|a| job.layers.iter().find(|(b, _)| b == a).cloned())
                .collect();
            documents.push(DocumentJob { layers, ..job });
        } else {
            skipped.push(Skipped {
                document: job.name,
                missing,
            });
        }
    }
    if documents.is_empty() {
        let instead = if pairs.is_empty() {
            String::new()
        } else {
            format!(
                "; compare fewer with --annotators, e.g. {}",
                pairs
                    .iter()
                    .take(4)
                    .map(|(_, p)| p.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        return Err(ReviewError::NothingToCompare(format!(
            "no document in the inputs has annotation files of every compared annotator ({}); {} document(s) skipped{instead}",
            chosen.join(", "),
            skipped.len()
        )));
    }
    Ok(ReviewSet {
        annotators: chosen,
        documents,
        skipped,
    })
}

/// A document with the compared annotators' layers.
#[derive(Debug)]
pub struct DocumentLayers {
    /// The document's name (as in exports).
    pub name: String,
    /// The source file.
    pub path: PathBuf,
    /// The text.
    pub doc: Document,
    /// One layer per compared annotator, in the [`ReviewSet::annotators`] order.
    pub layers: Vec<Layer>,
    /// The curated layer, when the document has one and it is not among the compared: what
    /// a reviewer settled ([`Disagreement::settled_by`]).
    pub curated: Option<Layer>,
}

/// Loads a document and its layers the way the exports do ([`store::load_layer`], then
/// [`formats::checked_layer`]: spans that do not fit the text are left out, with a note).
pub fn load(job: &DocumentJob, notes: &mut Vec<String>) -> Result<DocumentLayers, ReviewError> {
    let doc = Document::open(&job.path)
        .map_err(|e| ReviewError::Input(format!("{}: {e}", job.path.display())))?;
    let mut report = formats::Report::default();
    let mut layers = Vec::with_capacity(job.layers.len());
    for (annotator, path) in &job.layers {
        let loaded = store::load_layer(&doc, path, annotator)
            .map_err(|e| ReviewError::Input(e.to_string()))?;
        layers.push(formats::checked_layer(
            loaded.layer,
            &doc,
            &job.name,
            &mut report,
        ));
    }
    notes.append(&mut report.notes);
    // One scheme for every layer: token tags and tie-breaks as in the exports.
    formats::unify_schemes(&mut layers);
    let curated_file = curated_path(&job.path);
    let curated = if job.layers.iter().any(|(a, _)| a == CURATED) || !curated_file.is_file() {
        None
    } else {
        Some(
            store::load_layer(&doc, &curated_file, CURATED)
                .map_err(|e| ReviewError::Input(e.to_string()))?
                .layer,
        )
    };
    Ok(DocumentLayers {
        name: job.name.clone(),
        path: job.path.clone(),
        doc,
        layers,
        curated,
    })
}

/// The curated layer's file for a document.
pub fn curated_path(source: &Path) -> PathBuf {
    store::annotation_path(source, CURATED)
}

/// How [`overlap_matches`] pairs spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchRule {
    /// Only spans with the same label (overlap F1).
    SameLabel,
    /// Any labels; on equal overlap a pair with the same label goes first (confusion table).
    AnyLabel,
}

/// Spans of `a` and `b` (each sorted by [`Span::order`]) with equal start, end and label,
/// paired one to one: (index in `a`, index in `b`).
pub fn exact_matches(a: &[Span], b: &[Span]) -> Vec<(usize, usize)> {
    fn key(s: &Span) -> (usize, usize, &str) {
        (s.start, s.end, s.label.as_str())
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        match key(&a[i]).cmp(&key(&b[j])) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push((i, j));
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// Spans of `a` and `b` whose ranges overlap (by at least one code point), paired one to
/// one, largest overlap first: every overlapping pair is a candidate, candidates are taken
/// in order of overlap (largest first; then, under [`MatchRule::AnyLabel`], same label
/// first; then by position in `a`, then in `b`), and one is kept when neither span is paired
/// yet. Returns (index in `a`, index in `b`) sorted by index in `a`.
pub fn overlap_matches(a: &[Span], b: &[Span], rule: MatchRule) -> Vec<(usize, usize)> {
    if a.is_empty() || b.is_empty() {
        return Vec::new();
    }
    let index = SpanIndex::build(b);
    let mut candidates: Vec<(std::cmp::Reverse<usize>, bool, usize, usize)> = Vec::new();
    for (i, x) in a.iter().enumerate() {
        for j in index.overlapping(x.range()) {
            let y = &b[j];
            let same = x.label == y.label;
            if rule == MatchRule::SameLabel && !same {
                continue;
            }
            let overlap = x.end.min(y.end).saturating_sub(x.start.max(y.start));
            if overlap > 0 {
                candidates.push((std::cmp::Reverse(overlap), !same, i, j));
            }
        }
    }
    candidates.sort_unstable();
    let mut used_a = vec![false; a.len()];
    let mut used_b = vec![false; b.len()];
    let mut out = Vec::new();
    for (_, _, i, j) in candidates {
        if !used_a[i] && !used_b[j] {
            used_a[i] = true;
            used_b[j] = true;
            out.push((i, j));
        }
    }
    out.sort_unstable();
    out
}

/// Small layers and span lists for the review modules' tests.
#[cfg(test)]
pub(crate) mod test_support {
    use crate::annotation::{LabelScheme, Layer, Span};

    /// Spans from (start, end, label), ids 1, 2, … in list order, sorted as layers keep them.
    pub(crate) fn spans(list: &[(usize, usize, &str)]) -> Vec<Span> {
        let mut v: Vec<Span> = list
            .iter()
            .enumerate()
            .map(|(i, &(start, end, label))| Span::new(i as u64 + 1, start..end, label, ""))
            .collect();
        v.sort_by(Span::order);
        v
    }

    /// A layer of `who` with those spans and the default labels.
    pub(crate) fn layer(who: &str, list: &[(usize, usize, &str)]) -> Layer {
        Layer::from_parts(who, LabelScheme::default(), spans(list), Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: usize, end: usize, label: &str) -> Span {
        Span::new(0, start..end, label, "")
    }

    #[test]
    fn exact_matching_pairs_duplicates_once_each() {
        let a = [span(0, 3, "x"), span(0, 3, "x"), span(5, 9, "y")];
        let b = [span(0, 3, "x"), span(5, 9, "x")];
        assert_eq!(exact_matches(&a, &b), [(0, 0)]);
    }

    #[test]
    fn overlap_matching_prefers_same_label_on_ties_under_any_label() {
        let a = [span(0, 4, "x")];
        let b = [span(0, 4, "y"), span(0, 4, "x")];
        assert_eq!(overlap_matches(&a, &b, MatchRule::AnyLabel), [(0, 1)]);
        // Touching ranges do not overlap.
        let c = [span(4, 8, "x")];
        assert!(overlap_matches(&a, &c, MatchRule::SameLabel).is_empty());
    }
}
