//! Problems found in a loaded file that did not stop it from loading.

use crate::annotation::LabelScheme;
use crate::document::Document;

use super::AnnotationFile;

/// A problem found in a loaded file that did not stop it from loading. Nothing is dropped:
/// the span stays in the layer and the problem is shown to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The source text changed since the file was saved.
    StaleSource {
        /// Hash stored in the file.
        stored: String,
        /// Hash of the source now.
        current: String,
    },
    /// A span lies (partly) outside the document.
    OutOfRange {
        /// The span.
        id: u64,
        /// Its range.
        start: usize,
        /// Its range.
        end: usize,
        /// Document length.
        len: usize,
    },
    /// A span's stored text differs from the document at its offsets.
    TextMismatch {
        /// The span.
        id: u64,
        /// The stored text.
        stored: String,
        /// The text at its offsets now.
        found: String,
    },
    /// A span's label is not in the file's label list.
    UnknownLabel {
        /// The span.
        id: u64,
        /// The label.
        label: String,
    },
    /// Two spans share an id (a file merged line by line, before ids were minted per
    /// session). Relations naming the id are ambiguous.
    DuplicateId {
        /// The id.
        id: u64,
        /// The first span with it (relations are read as meaning this one).
        first: String,
        /// The later span with it (given a fresh id when loaded).
        second: String,
        /// Ids of the relations from or to this id.
        relations: Vec<u64>,
    },
    /// A git merge left conflicts for the user (both versions are in the file).
    Conflict(Box<crate::team::conflict::Conflict>),
    /// A span is empty or reversed.
    EmptySpan {
        /// The span.
        id: u64,
    },
    /// A span's fragments are not pieces of its range (fewer than two, out of order,
    /// overlapping, or not starting at its start and ending at its end); the span is kept
    /// as its whole range.
    BadFragments {
        /// The span.
        id: u64,
    },
    /// The source changed and spans were re-anchored to their text.
    Reanchored {
        /// Spans that moved to where their text is now.
        moved: usize,
        /// Spans that could not be placed (kept as orphans).
        orphaned: usize,
    },
}

impl Problem {
    /// Whether this is news rather than something wrong: the source changed, and every span
    /// that moved found its text again (none orphaned).
    pub fn is_notice(&self) -> bool {
        matches!(
            self,
            Self::StaleSource { .. } | Self::Reanchored { orphaned: 0, .. }
        )
    }

    /// What a change of the source did to the spans of some files (each file's problems),
    /// in one sentence for the status bar, when a file's problems say the source changed;
    /// `None` otherwise.
    pub fn change_summary<'a>(
        files: impl IntoIterator<Item = &'a [Problem]>,
        document: &str,
    ) -> Option<String> {
        let (mut stale, mut moved, mut orphaned) = (false, 0, 0);
        for problem in files.into_iter().flatten() {
            match problem {
                Self::StaleSource { .. } => stale = true,
                Self::Reanchored {
                    moved: m,
                    orphaned: o,
                } => {
                    moved += m;
                    orphaned += o;
                }
                _ => {}
            }
        }
        if !stale {
            return None;
        }
        Some(match (moved, orphaned) {
            (0, 0) => format!("{document} changed since it was annotated; every span still fits"),
            (moved, 0) => {
                format!(
                    "{document} changed since it was annotated; {moved} span(s) moved with their text"
                )
            }
            (moved, orphaned) => format!(
                "{document} changed since it was annotated; {moved} span(s) moved with their text, {orphaned} lost it (orphaned: listed in the span table)"
            ),
        })
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::StaleSource { .. } => write!(
                f,
                "the source text changed since this file was saved; saving records the new version"
            ),
            Self::OutOfRange {
                id,
                start,
                end,
                len,
            } => {
                write!(
                    f,
                    "span {id}: range {start}..{end} is outside the document ({len} characters)"
                )
            }
            Self::TextMismatch { id, stored, found } => {
                write!(
                    f,
                    "span {id}: stored text {stored:?} but the document has {found:?} there"
                )
            }
            Self::UnknownLabel { id, label } => write!(
                f,
                "span {id}: label {label:?} is not in the file's label list"
            ),
            Self::DuplicateId {
                id,
                first,
                second,
                relations,
            } => {
                write!(f, "span {id}: id used by two spans, {first} and {second}")?;
                if relations.is_empty() {
                    write!(f, "; no relation names it")?;
                } else {
                    let list: Vec<String> = relations.iter().map(u64::to_string).collect();
                    write!(
                        f,
                        "; relation(s) {} name it and may mean either (read as the first)",
                        list.join(", ")
                    )?;
                }
                write!(
                    f,
                    ". The later span gets a new id when the file is loaded and saved. Likely two \
                     clones each added a span and git merged them line by line: check each \
                     relation, and run `spantag git-setup` so merges go through spantag"
                )
            }
            Self::Conflict(conflict) => write!(f, "{conflict}"),
            Self::EmptySpan { id } => write!(f, "span {id}: empty or reversed range"),
            Self::BadFragments { id } => write!(
                f,
                "span {id}: its fragments are not sorted, separate pieces from its start to its \
                 end; it is kept as one continuous span (fix the fragments in a text editor, or \
                 save to keep it continuous)"
            ),
            Self::Reanchored { moved, orphaned } => write!(
                f,
                "the text changed: {moved} span(s) moved to where their text is now, {orphaned} could not be placed and are listed as orphaned"
            ),
        }
    }
}

impl AnnotationFile {
    /// Problems with this file against its document (nothing is changed).
    pub fn problems(&self, doc: &Document) -> Vec<Problem> {
        self.problems_with(doc, true)
    }

    /// [`Self::problems`] without comparing each span's stored text with the document when
    /// the file was saved against this very text (same `source_hash`): only a hand edit
    /// could make them differ. Offsets, ids and labels are still checked. For layers shown
    /// read-only (a teammate's, in review), where loading five of them must stay fast.
    pub fn problems_trusting_hash(&self, doc: &Document) -> Vec<Problem> {
        self.problems_with(doc, self.source_hash != doc.hash())
    }

    fn problems_with(&self, doc: &Document, check_text: bool) -> Vec<Problem> {
        let mut problems = Vec::new();
        if self.source_hash != doc.hash() {
            problems.push(Problem::StaleSource {
                stored: self.source_hash.clone(),
                current: doc.hash().to_owned(),
            });
        }
        let mut seen: std::collections::HashSet<u64, crate::annotation::IdHash> =
            std::collections::HashSet::with_capacity_and_hasher(
                self.spans.len(),
                crate::annotation::IdHash,
            );
        let scheme = LabelScheme::from_labels(self.labels.clone());
        let describe = |s: &crate::annotation::Span| {
            format!("{}..{} {} {:?}", s.start, s.end, s.label, s.text)
        };
        for span in &self.spans {
            if !seen.insert(span.id) {
                let first = self
                    .spans
                    .iter()
                    .find(|s| s.id == span.id)
                    .map(describe)
                    .unwrap_or_default();
                problems.push(Problem::DuplicateId {
                    id: span.id,
                    first,
                    second: describe(span),
                    relations: self
                        .relations
                        .iter()
                        .filter(|r| r.from == span.id || r.to == span.id)
                        .map(|r| r.id)
                        .collect(),
                });
            }
            if !crate::annotation::Span::fragments_fit(&span.fragments, span.start, span.end) {
                problems.push(Problem::BadFragments { id: span.id });
            }
            if span.is_empty() {
                problems.push(Problem::EmptySpan { id: span.id });
            } else if span.end > doc.char_len() {
                problems.push(Problem::OutOfRange {
                    id: span.id,
                    start: span.start,
                    end: span.end,
                    len: doc.char_len(),
                });
            } else if check_text && !doc.text_matches(span.start, span.end, &span.text) {
                problems.push(Problem::TextMismatch {
                    id: span.id,
                    stored: span.text.clone(),
                    found: doc.slice(span.range()).to_owned(),
                });
            }
            if !self.labels.is_empty() && scheme.get(&span.label).is_none() {
                problems.push(Problem::UnknownLabel {
                    id: span.id,
                    label: span.label.clone(),
                });
            }
        }
        problems.extend(
            self.conflicts
                .iter()
                .map(|c| Problem::Conflict(Box::new(c.clone()))),
        );
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_id_names_both_spans_and_the_relations_that_may_mean_either() {
        let doc = Document::from_text("Reyes met Okafor.".to_owned());
        let span = |id, start, end, text: &str| {
            crate::annotation::Span::new(id, start..end, "actor", text)
        };
        let relation = |id, from, to| crate::annotation::Relation {
            id,
            from,
            to,
            label: "meets".into(),
        };
        let mut layer = crate::annotation::Layer::new("a");
        layer.insert(span(1, 0, 5, "Reyes"));
        let mut file = AnnotationFile::from_layer(&layer, &doc);
        // Two clones each added span 4 and a relation from span 1 to it (ids 5 and 6).
        file.spans.push(span(4, 10, 16, "Okafor"));
        file.spans.push(span(4, 6, 9, "met"));
        file.relations = vec![relation(5, 1, 4), relation(6, 1, 4), relation(7, 1, 1)];
        let problems = file.problems(&doc);
        let dup: Vec<&Problem> = problems
            .iter()
            .filter(|p| matches!(p, Problem::DuplicateId { .. }))
            .collect();
        assert_eq!(dup.len(), 1, "{problems:?}");
        let said = dup[0].to_string();
        assert!(
            said.starts_with(
                "span 4: id used by two spans, 10..16 actor \"Okafor\" and 6..9 actor \"met\"; \
                 relation(s) 5, 6 name it and may mean either (read as the first)"
            ),
            "{said}"
        );
        // Loading keeps both spans and does not move a relation to the renumbered one.
        let loaded = file.into_layer();
        assert_eq!(loaded.spans().len(), 3);
        let met = loaded.spans().iter().find(|s| s.text == "met").unwrap().id;
        assert_ne!(met, 4);
        assert!(
            loaded
                .relations
                .iter()
                .all(|r| r.from != met && r.to != met)
        );
    }

    #[test]
    fn a_change_is_summed_over_files_and_is_news_only_when_nothing_was_lost() {
        let stale = || Problem::StaleSource {
            stored: "a".into(),
            current: "b".into(),
        };
        let alice = [
            stale(),
            Problem::Reanchored {
                moved: 3,
                orphaned: 0,
            },
        ];
        let bob = [
            stale(),
            Problem::Reanchored {
                moved: 2,
                orphaned: 1,
            },
        ];
        assert!(alice.iter().all(Problem::is_notice));
        assert!(!bob[1].is_notice());
        assert_eq!(
            Problem::change_summary([&alice[..]], "d.txt").as_deref(),
            Some("d.txt changed since it was annotated; 3 span(s) moved with their text")
        );
        assert_eq!(
            Problem::change_summary([&alice[..], &bob[..]], "d.txt").as_deref(),
            Some(
                "d.txt changed since it was annotated; 5 span(s) moved with their text, 1 lost it (orphaned: listed in the span table)"
            )
        );
        assert_eq!(Problem::change_summary([&alice[1..]], "d.txt"), None);
        assert_eq!(
            Problem::change_summary([&[stale()][..]], "d.txt").as_deref(),
            Some("d.txt changed since it was annotated; every span still fits")
        );
    }
}
