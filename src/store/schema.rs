//! The on-disk shape of an annotation file and its conversion to and from a [`Layer`].

use serde::{Deserialize, Serialize};

use crate::annotation::{Label, LabelScheme, Layer, Relation, Span};
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
}

impl AnnotationFile {
    /// The file for a layer over a document.
    pub fn from_layer(layer: &Layer, doc: &Document) -> Self {
        Self {
            version: FORMAT_VERSION,
            source: doc.display_name(),
            source_hash: doc.hash().to_owned(),
            annotator: layer.annotator.clone(),
            labels: layer.scheme.labels().to_vec(),
            spans: layer.spans().to_vec(),
            relations: layer.relations.clone(),
            orphans: layer.orphans.clone(),
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
        // Ids must be unique for edits to address spans; renumber later duplicates.
        let mut seen = std::collections::HashSet::new();
        let mut next = spans.iter().map(|s| s.id).max().unwrap_or(0) + 1;
        for span in &mut spans {
            if !seen.insert(span.id) {
                span.id = next;
                seen.insert(next);
                next += 1;
            }
        }
        let mut layer = Layer::from_parts(&self.annotator, scheme, spans, self.relations);
        layer.orphans = self.orphans;
        layer
    }
}
