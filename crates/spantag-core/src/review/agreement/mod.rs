//! Agreement between annotators, one file per measure: span F1 exact and overlap ([`f1`]),
//! Cohen's and Fleiss' kappa ([`kappa`]), Krippendorff's alpha ([`alpha`]), Krippendorff's
//! unitized alpha on the text as a continuum ([`alpha_u`]), Mathet et al.'s γ ([`gamma`],
//! with its best alignment in [`alignment`]), the confusion table ([`confusion`]) and
//! agreement on attributes of matched spans ([`attributes`]).
//!
//! Token-level measures (the kappas and alpha) rate every token of the CoNLL export — the
//! same tokenizer and overlap policy, [`crate::tokens`] — with its label without the B-/I-
//! prefix, `O` when untagged. Every count is additive: corpus figures pool the compared
//! documents (micro), and each document also gets its own figures. αU pools the documents as
//! one continuum (end to end); γ pools their disorders ([`gamma`] says how). An undefined
//! figure (no spans, one category only) is `None`: `null` in JSON, "n/a" in tables, never
//! NaN.

pub mod alignment;
pub mod alpha;
pub mod alpha_u;
pub mod attributes;
pub mod confusion;
pub mod f1;
pub mod gamma;
pub mod kappa;
mod report;

pub use report::figure;

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::{DocumentLayers, ReviewError, ReviewSet, Skipped};
use crate::tokens;
use alpha::AlphaCounts;
use alpha_u::{AlphaUReport, UnitizedCounts};
use confusion::Confusion;
use f1::F1Counts;
use gamma::{GammaCounts, GammaFigures, GammaOptions};
use kappa::{CohenCounts, FleissCounts};

/// Category ids for token labels, shared by every document of a comparison; `O` is 0.
#[derive(Debug, Clone, Default)]
pub struct TokenLabels {
    ids: HashMap<String, usize>,
}

impl TokenLabels {
    /// The id of a token's label (`None` is `O`).
    pub fn id(&mut self, label: Option<&str>) -> usize {
        let Some(label) = label else { return 0 };
        if let Some(&id) = self.ids.get(label) {
            return id;
        }
        let id = self.ids.len() + 1;
        self.ids.insert(label.to_owned(), id);
        id
    }
}

/// Counts for one pair of layers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PairCounts {
    /// Index of the first annotator.
    pub a: usize,
    /// Index of the second annotator.
    pub b: usize,
    /// Spans and matches per label.
    pub spans: F1Counts,
    /// Token labels.
    pub tokens: CohenCounts,
    /// Overlap-matched spans by label.
    pub confusion: Confusion,
    /// Attribute values on exactly matched spans.
    pub attributes: attributes::AttributeCounts,
}

/// Every count of a document, or of a pool of documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Each pair (a < b), in order.
    pub pairs: Vec<PairCounts>,
    /// All annotators, per token.
    pub fleiss: FleissCounts,
    /// All annotators, per token.
    pub alpha: AlphaCounts,
    /// All annotators, spans on the continuum (Krippendorff's αU).
    pub alpha_u: UnitizedCounts,
    /// Tokens rated.
    pub tokens: u64,
}

impl Counts {
    /// Counts one document's layers (one per annotator, at least two for any pair).
    pub fn of_document(doc: &DocumentLayers, labels: &mut TokenLabels) -> Self {
        let layers = &doc.layers;
        let mut out = Self::default();
        for a in 0..layers.len() {
            for b in a + 1..layers.len() {
                let (x, y) = (layers[a].spans(), layers[b].spans());
                out.pairs.push(PairCounts {
                    a,
                    b,
                    spans: F1Counts::count(x, y),
                    tokens: CohenCounts::default(),
                    confusion: Confusion::count(x, y),
                    attributes: attributes::AttributeCounts::count(x, y),
                });
            }
        }
        let sentences = tokens::sentences(&doc.doc);
        let per_layer: Vec<Vec<usize>> = layers
            .iter()
            .map(|layer| {
                tokens::tag(&sentences, layer)
                    .tags
                    .iter()
                    .flatten()
                    .map(|&tag| labels.id(tokens::tag_label(tag, layer)))
                    .collect()
            })
            .collect();
        let count = per_layer.first().map_or(0, Vec::len);
        let mut ratings = Vec::with_capacity(layers.len());
        for t in 0..count {
            ratings.clear();
            ratings.extend(per_layer.iter().map(|l| l[t]));
            for pair in &mut out.pairs {
                pair.tokens.add(ratings[pair.a], ratings[pair.b]);
            }
            out.fleiss.add_ratings(&ratings);
            out.alpha.add_values(&ratings);
        }
        out.tokens = count as u64;
        let spans: Vec<&[crate::annotation::Span]> = layers.iter().map(|l| l.spans()).collect();
        out.alpha_u = UnitizedCounts::of_document(doc.doc.char_len(), &spans);
        out
    }

    /// Adds another document's counts (same annotators).
    pub fn merge(&mut self, other: &Self) {
        if self.pairs.is_empty() {
            self.pairs = other
                .pairs
                .iter()
                .map(|p| PairCounts {
                    a: p.a,
                    b: p.b,
                    ..PairCounts::default()
                })
                .collect();
        }
        for (mine, theirs) in self.pairs.iter_mut().zip(&other.pairs) {
            mine.spans.merge(&theirs.spans);
            mine.tokens.merge(&theirs.tokens);
            mine.confusion.merge(&theirs.confusion);
            mine.attributes.merge(&theirs.attributes);
        }
        self.fleiss.merge(&other.fleiss);
        self.alpha.merge(&other.alpha);
        self.alpha_u.merge(&other.alpha_u);
        self.tokens += other.tokens;
    }

    /// The figures per pair, named by `annotators`.
    pub fn pair_reports(&self, annotators: &[String]) -> Vec<PairReport> {
        let name = |i: usize| annotators.get(i).cloned().unwrap_or_default();
        self.pairs
            .iter()
            .map(|p| {
                let total = p.spans.total();
                PairReport {
                    a: name(p.a),
                    b: name(p.b),
                    f1_exact: total.f1_exact(),
                    f1_overlap: total.f1_overlap(),
                    cohen_kappa: p.tokens.kappa(),
                    support_a: total.support_a,
                    support_b: total.support_b,
                    per_label: p
                        .spans
                        .per_label
                        .iter()
                        .map(|(label, c)| {
                            (
                                label.clone(),
                                LabelReport {
                                    f1_exact: c.f1_exact(),
                                    f1_overlap: c.f1_overlap(),
                                    support_a: c.support_a,
                                    support_b: c.support_b,
                                },
                            )
                        })
                        .collect(),
                    confusion: p.confusion.to_nested(),
                    attributes: p.attributes.report(),
                }
            })
            .collect()
    }
}

/// F1 of one label for a pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelReport {
    /// Exact-match F1.
    pub f1_exact: Option<f64>,
    /// Overlap-match F1.
    pub f1_overlap: Option<f64>,
    /// Spans of annotator A with this label.
    pub support_a: u64,
    /// Spans of annotator B with this label.
    pub support_b: u64,
}

/// The figures of one pair of annotators.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairReport {
    /// Annotator A.
    pub a: String,
    /// Annotator B.
    pub b: String,
    /// Exact-match span F1 over all labels (micro).
    pub f1_exact: Option<f64>,
    /// Overlap-match span F1 over all labels (micro).
    pub f1_overlap: Option<f64>,
    /// Token-level Cohen's kappa.
    pub cohen_kappa: Option<f64>,
    /// Spans of A.
    pub support_a: u64,
    /// Spans of B.
    pub support_b: u64,
    /// Per label.
    pub per_label: BTreeMap<String, LabelReport>,
    /// A's label (row) × B's label (column), with "(no span)", on overlap-matched spans.
    pub confusion: BTreeMap<String, BTreeMap<String, u64>>,
    /// Per attribute, agreement on exactly matched spans (absent when no span has one).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, attributes::AttributeReport>,
}

/// The figures of one document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentReport {
    /// The document's name.
    pub document: String,
    /// Tokens rated.
    pub tokens: u64,
    /// Each pair.
    pub pairs: Vec<PairReport>,
    /// Token-level Fleiss' kappa over all annotators.
    pub fleiss_kappa: Option<f64>,
    /// Token-level Krippendorff's alpha (nominal) over all annotators.
    pub krippendorff_alpha: Option<f64>,
    /// Krippendorff's unitized alpha over all annotators, per label and over all labels.
    pub alpha_u: AlphaUReport,
    /// Mathet et al.'s γ over all annotators (`None` when it was not asked for).
    pub gamma: Option<GammaFigures>,
    /// Disagreements found ([`crate::review::find_disagreements`]).
    pub disagreements: usize,
    /// Of those, the ones the document's curated layer settles (a reviewer's decision, or
    /// a chosen or rejected version); 0 without a curated file.
    pub settled: usize,
}

/// γ over the compared documents, and how it was estimated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GammaReport {
    /// γ and the pooled disorders.
    #[serde(flatten)]
    pub figures: GammaFigures,
    /// Random continua per document for the expected disorder.
    pub samples: usize,
    /// Their seed.
    pub seed: u64,
}

/// What to compute beyond the measures every comparison has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AgreementOptions {
    /// Mathet et al.'s γ, estimated so (`None`: not computed).
    pub gamma: Option<GammaOptions>,
}

/// The comparison of a set of documents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgreementReport {
    /// Documents compared.
    pub documents: usize,
    /// The compared annotators.
    pub annotators: Vec<String>,
    /// Documents left out (some compared annotator did not annotate them).
    pub skipped: Vec<Skipped>,
    /// Tokens rated, over all compared documents.
    pub tokens: u64,
    /// Each pair, pooled over the documents.
    pub pairs: Vec<PairReport>,
    /// Token-level Fleiss' kappa, pooled.
    pub fleiss_kappa: Option<f64>,
    /// Token-level Krippendorff's alpha (nominal), pooled.
    pub krippendorff_alpha: Option<f64>,
    /// Krippendorff's unitized alpha, the documents end to end.
    pub alpha_u: AlphaUReport,
    /// Mathet et al.'s γ from the pooled disorders (`None` when it was not asked for).
    pub gamma: Option<GammaReport>,
    /// Disagreements over all documents.
    pub disagreements: usize,
    /// Of those, the ones settled in the documents' curated layers.
    pub settled: usize,
    /// Each document.
    pub per_document: Vec<DocumentReport>,
    /// Things the user should know (spans left out of stale files).
    pub notes: Vec<String>,
}

/// The figures of one loaded document (for a single-document view).
pub fn document_report(
    doc: &DocumentLayers,
    annotators: &[String],
    options: &AgreementOptions,
) -> DocumentReport {
    let counts = Counts::of_document(doc, &mut TokenLabels::default());
    let gamma = options.gamma.map(|o| document_gamma(doc, &o));
    report_of(doc, &counts, gamma.as_ref(), annotators)
}

/// γ's sums for one document.
fn document_gamma(doc: &DocumentLayers, options: &GammaOptions) -> GammaCounts {
    let spans: Vec<&[crate::annotation::Span]> = doc.layers.iter().map(|l| l.spans()).collect();
    gamma::document_gamma(&gamma::Continuum::of_layers(&spans), options, &doc.name)
}

fn report_of(
    doc: &DocumentLayers,
    counts: &Counts,
    gamma: Option<&GammaCounts>,
    annotators: &[String],
) -> DocumentReport {
    let found = super::find_disagreements(&doc.layers);
    DocumentReport {
        document: doc.name.clone(),
        tokens: counts.tokens,
        pairs: counts.pair_reports(annotators),
        fleiss_kappa: counts.fleiss.kappa(),
        krippendorff_alpha: counts.alpha.alpha(),
        alpha_u: counts.alpha_u.report(),
        gamma: gamma.map(GammaCounts::figures),
        disagreements: found.len(),
        settled: doc
            .curated
            .as_ref()
            .map_or(0, |c| found.iter().filter(|d| d.settled_by(c)).count()),
    }
}

/// Compares the documents of a set with the measures every comparison has (no γ).
pub fn compare(
    set: &ReviewSet,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<AgreementReport, ReviewError> {
    compare_with(set, &AgreementOptions::default(), progress)
}

/// Compares the documents of a set; `progress(done, total)` is called after each document.
/// Documents are loaded one at a time.
pub fn compare_with(
    set: &ReviewSet,
    options: &AgreementOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<AgreementReport, ReviewError> {
    let mut notes = Vec::new();
    let mut labels = TokenLabels::default();
    let mut total = Counts::default();
    let mut gamma_total = GammaCounts::default();
    let mut per_document = Vec::with_capacity(set.documents.len());
    for (i, job) in set.documents.iter().enumerate() {
        let doc = super::load(job, &mut notes)?;
        let counts = Counts::of_document(&doc, &mut labels);
        let gamma = options.gamma.map(|o| document_gamma(&doc, &o));
        if let Some(g) = &gamma {
            gamma_total.merge(g);
        }
        per_document.push(report_of(&doc, &counts, gamma.as_ref(), &set.annotators));
        total.merge(&counts);
        progress(i + 1, set.documents.len());
    }
    Ok(AgreementReport {
        documents: set.documents.len(),
        annotators: set.annotators.clone(),
        skipped: set.skipped.clone(),
        tokens: total.tokens,
        pairs: total.pair_reports(&set.annotators),
        fleiss_kappa: total.fleiss.kappa(),
        krippendorff_alpha: total.alpha.alpha(),
        alpha_u: total.alpha_u.report(),
        gamma: options.gamma.map(|o| GammaReport {
            figures: gamma_total.figures(),
            samples: o.samples,
            seed: o.seed,
        }),
        disagreements: per_document.iter().map(|d| d.disagreements).sum(),
        settled: per_document.iter().map(|d| d.settled).sum(),
        per_document,
        notes,
    })
}
