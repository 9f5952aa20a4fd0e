//! The on-disk shape of an annotation file and its conversion to and from a [`Layer`].

use serde::{Deserialize, Serialize};

use crate::annotation::{Equivalence, Event, Label, LabelScheme, Layer, Rejection, Relation, Span};
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
    /// Events (brat `E`): a trigger span and its role arguments; absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<Event>,
    /// Spans that stand for the same thing (brat `*`); absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub equivalences: Vec<Equivalence>,
    /// Spans that could not be re-anchored after the source text changed, with their old
    /// offsets; kept until the user places or deletes them.
    #[serde(default)]
    pub orphans: Vec<Span>,
    /// Suggestions the annotator turned down (not suggested again for this document).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rejected: Vec<Rejection>,
    /// What a reviewer decided at disagreements (curated files; see
    /// [`crate::review::decision`]); absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<crate::review::decision::Decision>,
    /// Fields spantag does not know (on the file, its spans and relations), written back as
    /// they were ([`crate::unknown`]).
    #[serde(skip)]
    pub unknown: crate::unknown::Unknown,
    /// What a git merge left for the user to decide (both versions of each); absent when
    /// there is nothing (files without it read as before).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<crate::team::conflict::Conflict>,
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
            events: layer.events.clone(),
            equivalences: layer.equivalences.clone(),
            orphans: layer.orphans.clone(),
            rejected: layer.rejected.clone(),
            decisions: layer.decisions.clone(),
            unknown: layer.unknown.clone(),
            conflicts: layer.conflicts.clone(),
        }
    }

    /// The layer this file describes. Every span is kept, whatever its problems.
    pub fn into_layer(self) -> Layer {
        let scheme = if self.labels.is_empty() {
            LabelScheme::default()
        } else {
            LabelScheme::from_labels(self.labels)
        };
        // Ids must be unique across spans and orphans for edits (and relations) to address
        // them. A later span with an id taken before (a file merged without spantag's driver,
        // before ids were minted per session) gets a fresh id; relations keep pointing at the
        // first, and `check` and the load's problems name both spans and those relations
        // (see [`super::Problem::DuplicateId`]).
        let mut seen: std::collections::HashSet<u64, crate::annotation::IdHash> =
            std::collections::HashSet::with_capacity_and_hasher(
                self.spans.len(),
                crate::annotation::IdHash,
            );
        let (mut spans, mut later_spans) = (Vec::with_capacity(self.spans.len()), Vec::new());
        for mut span in self.spans {
            // Fragments that are not pieces of the span (reported as a problem) are dropped:
            // the span stands as its whole range.
            if !Span::fragments_fit(&span.fragments, span.start, span.end) {
                span.fragments.clear();
            }
            if seen.insert(span.id) {
                spans.push(span);
            } else {
                later_spans.push(span);
            }
        }
        let (mut orphans, mut later_orphans) = (Vec::new(), Vec::new());
        for span in self.orphans {
            if seen.insert(span.id) {
                orphans.push(span);
            } else {
                later_orphans.push(span);
            }
        }
        let mut layer = Layer::from_parts(&self.annotator, scheme, spans, self.relations);
        layer.unknown = self.unknown;
        for orphan in &orphans {
            layer.reserve_id(orphan.id);
        }
        for mut span in later_spans {
            span.id = layer.allocate_id();
            layer.insert(span);
        }
        for mut span in later_orphans {
            span.id = layer.allocate_id();
            orphans.push(span);
        }
        layer.set_orphans(orphans);
        for event in &self.events {
            layer.reserve_id(event.id);
        }
        layer.events = self.events;
        layer.equivalences = self.equivalences;
        layer.done = self.done;
        layer.set_rejected(self.rejected);
        layer.set_decisions(self.decisions);
        layer.conflicts = self.conflicts;
        layer
    }
}
