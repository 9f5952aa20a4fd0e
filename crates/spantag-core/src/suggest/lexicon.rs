//! Texts tagged in a corpus, with each document's evidence for them.

use std::collections::HashMap;

use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};

use super::evidence::{Evidence, TextStats, document_stats};
use crate::annotation::Layer;
use crate::document::Document;

/// Texts tagged in a corpus: per document, each term tagged there with its labels and its
/// evidence in that document ([`super::evidence`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lexicon {
    per_document: HashMap<PathBuf, Vec<TextStats>>,
    entries: usize,
}

/// A term with the label to suggest for it and its evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Term {
    pub text: String,
    pub label: String,
    /// Evidence from the corpus's other documents.
    pub elsewhere: Evidence,
    /// Places tagged in the open document (any label, distinct ranges).
    pub tagged_here: u32,
}

impl Lexicon {
    /// Reads `annotator`'s annotation file of each document, with the document (for its
    /// evidence: how often each tagged text occurs there). Those without a file add nothing;
    /// the count of those whose file or text could not be read is returned.
    pub fn load(documents: &[PathBuf], annotator: &str) -> (Self, usize) {
        let mut lexicon = Self::default();
        let mut unreadable = 0;
        for doc in documents {
            let path = crate::store::annotation_path(doc, annotator);
            if !path.exists() {
                continue;
            }
            let (Ok(file), Ok(document)) = (
                crate::store::AnnotationFile::read_unhashed(&path),
                Document::open(doc),
            ) else {
                unreadable += 1;
                continue;
            };
            let stats = document_stats(
                &document,
                file.spans
                    .iter()
                    .map(|s| (s.start, s.end, s.label.as_str(), s.text.as_str())),
            );
            lexicon.set_document(doc, stats);
        }
        (lexicon, unreadable)
    }

    /// Replaces what one document contributes (after it was saved).
    pub fn set_document(&mut self, doc: &Path, stats: Vec<TextStats>) {
        if let Some(old) = self.per_document.remove(doc) {
            self.entries -= old.len();
        }
        if !stats.is_empty() {
            self.entries += stats.len();
            self.per_document.insert(doc.to_path_buf(), stats);
        }
    }

    /// Records a layer of a document as what that document contributes.
    pub fn set_layer(&mut self, path: &Path, doc: &Document, layer: &Layer) {
        let stats = document_stats(
            doc,
            layer
                .spans()
                .iter()
                .map(|s| (s.start, s.end, s.label.as_str(), s.text.as_str())),
        );
        self.set_document(path, stats);
    }

    /// How many (document, text) entries it holds.
    pub fn len(&self) -> usize {
        self.entries
    }

    /// Whether it holds no text.
    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    /// Each term of the corpus without `skip`'s file and of `here` (the open document's
    /// evidence from its live layer), with the label it got most often (ties: by name).
    pub(crate) fn terms(&self, skip: Option<&Path>, here: Vec<TextStats>) -> Vec<Term> {
        let others = || {
            self.per_document
                .iter()
                .filter(move |(doc, _)| skip != Some(doc.as_path()))
                .flat_map(|(_, stats)| stats)
        };
        if others().next().is_none() {
            // Only the open document (`here` is sorted by text and holds each text once).
            return here
                .into_iter()
                .filter_map(|stats| {
                    let label = most_used(stats.labels.iter().map(|(l, n)| (l.as_str(), *n)))?;
                    Some(Term {
                        label: label.to_owned(),
                        text: stats.text,
                        elsewhere: Evidence::default(),
                        tagged_here: stats.evidence.tagged,
                    })
                })
                .collect();
        }
        let mut terms: FxHashMap<&str, (Evidence, u32, FxHashMap<&str, u32>)> =
            FxHashMap::default();
        for stats in others() {
            let entry = terms.entry(stats.text.as_str()).or_default();
            entry.0.add(stats.evidence);
            for (label, n) in &stats.labels {
                *entry.2.entry(label.as_str()).or_default() += n;
            }
        }
        for stats in &here {
            let entry = terms.entry(stats.text.as_str()).or_default();
            entry.1 = entry.1.saturating_add(stats.evidence.tagged);
            for (label, n) in &stats.labels {
                *entry.2.entry(label.as_str()).or_default() += n;
            }
        }
        let mut out: Vec<Term> = terms
            .into_iter()
            .filter_map(|(text, (elsewhere, tagged_here, labels))| {
                let label = most_used(labels.into_iter())?;
                Some(Term {
                    text: text.to_owned(),
                    label: label.to_owned(),
                    elsewhere,
                    tagged_here,
                })
            })
            .collect();
        out.sort_unstable_by(|a, b| a.text.cmp(&b.text));
        out
    }
}

/// The label given most often (ties: the first by name); `None` when none was given.
fn most_used<'a>(labels: impl Iterator<Item = (&'a str, u32)>) -> Option<&'a str> {
    labels
        .filter(|(_, n)| *n > 0)
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(label, _)| label)
}
