//! The on-disk shape of an annotation file and its conversion to and from a [`Layer`].

use serde::{Deserialize, Serialize};

use crate::annotation::{Label, LabelScheme, Layer, Rejection, Relation, Span};
use crate::document::Document;

use super::FORMAT_VERSION;

/// The on-disk shape of an annotation file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnotationFile {
    /// Schema version.
    pub version: u32,
    /// The source file's name (no folder).
    pub source: String,
    /// `sha256:<hex>` of the source file's bytes when the file was saved.
    pub source_hash: String,
    /// Who annotated.
    pub annotator: String,
    /// The annotator marked the document done (the corpus panel's tick).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub done: bool,
    /// The labels, in order (the first nine have hotkeys 1–9).
    #[serde(default)]
    pub labels: Vec<Label>,
    /// The spans, sorted by (start, end, label).
    pub spans: Vec<Span>,
    /// Relations between spans.
    #[serde(default)]
    pub relations: Vec<Relation>,
    /// Spans that could not be re-anchored after the source text changed, with their old
    /// offsets; kept until the user places or deletes them.
    #[serde(default)]
    pub orphans: Vec<Span>,
    /// Suggestions the annotator turned down (not suggested again for this document).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rejected: Vec<Rejection>,
    /// Fields spantag does not know (on the file, its spans and relations), written back as
    /// they were ([`crate::unknown`]).
    #[serde(skip)]
    pub unknown: crate::unknown::Unknown,
}

impl AnnotationFile {
    /// The file for a layer over a document.
    pub fn from_layer(layer: &Layer, doc: &Document) -> Self {
        Self::from_layer_parts(layer, &doc.display_name(), doc.hash())
    }

    /// The file for a layer over a source of this name and hash.
    pub fn from_layer_parts(layer: &Layer, source: &str, source_hash: &str) -> Self {
        Self {
            version: FORMAT_VERSION,
            source: source.to_owned(),
            source_hash: source_hash.to_owned(),
            annotator: layer.annotator.clone(),
            done: layer.done,
            labels: layer.scheme.labels().to_vec(),
            spans: layer.spans().to_vec(),
            relations: layer.relations.clone(),
            orphans: layer.orphans.clone(),
            rejected: layer.rejected.clone(),
            unknown: layer.unknown.clone(),
        }
    }

    /// The layer this file describes. Every span is kept, whatever its problems.
    pub fn into_layer(self) -> Layer {
        let scheme = if self.labels.is_empty() {
            LabelScheme::default()
        } else {
            LabelScheme::from_labels(self.labels)
        };
        let mut spans = self.spans;
        let mut orphans = self.orphans;
        // Ids must be unique across spans and orphans for edits (and relations) to address
        // them; renumber later duplicates.
        let mut seen: std::collections::HashSet<u64, crate::annotation::IdHash> =
            std::collections::HashSet::with_capacity_and_hasher(
                spans.len(),
                crate::annotation::IdHash,
            );
        let mut next = spans
            .iter()
            .chain(&orphans)
            .map(|s| s.id)
            .chain(self.relations.iter().map(|r| r.id))
            .max()
            .unwrap_or(0)
            + 1;
        for span in spans.iter_mut().chain(orphans.iter_mut()) {
            if !seen.insert(span.id) {
                span.id = next;
                seen.insert(next);
                next += 1;
            }
        }
        let mut layer = Layer::from_parts(&self.annotator, scheme, spans, self.relations);
        layer.unknown = self.unknown;
        layer.set_orphans(orphans);
        layer.done = self.done;
        layer.set_rejected(self.rejected);
        layer
    }
}
