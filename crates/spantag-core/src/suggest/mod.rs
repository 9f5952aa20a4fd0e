//! Suggestions: spans the annotator has not made yet but probably would, shown as ghost
//! spans to accept or reject.
//!
//! Two sources:
//! - **Text tagged elsewhere** ([`Lexicon`]): a text the annotator tagged in this document
//!   or in another document of the corpus, found again untagged as a whole word, when the
//!   evidence says it is likely the same thing ([`evidence`]: distinctive, and tagged in at
//!   least half the places it was seen). A text tagged with several labels is suggested
//!   with the label it got most often.
//! - **Another layer**: the spans of a layer chosen as a suggestion source, e.g. a model's
//!   predictions imported with `spantag import --annotator model`.
//!
//! A suggestion is *live* ([`is_live`]) while the layer has no span of its label
//! overlapping it, no span on exactly its range, and the annotator has not rejected it
//! ([`Layer::is_rejected`]; rejections are saved in the annotation file). [`compute`] does
//! the whole search; the app runs it off the UI thread ([`Worker`]) and checks liveness of
//! the few suggestions on screen each frame, so that a span just tagged hides its ghost at
//! once.

mod accept;
pub mod evidence;
mod finder;
mod lexicon;
pub mod model;
mod search;
mod worker;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rustc_hash::{FxHashMap, FxHashSet};

use crate::annotation::{Layer, SpanIndex};
use crate::document::Document;
pub use accept::accept_all;
pub use evidence::{Evidence, MIN_SHARE};
pub use lexicon::Lexicon;
pub use search::{Counts, MAX_CACHED_COUNTS};
pub use worker::{Answer, Waker, Worker};

/// At most this many suggestions are kept for one document (the rest are counted, not kept).
pub const MAX_SUGGESTIONS: usize = 100_000;

/// Where a suggestion comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Origin {
    /// The same text is tagged elsewhere (in this document or another of the corpus).
    TaggedElsewhere,
    /// A span of this annotator's layer.
    Layer(String),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TaggedElsewhere => f.write_str("tagged elsewhere"),
            Self::Layer(name) => write!(f, "from {name}'s layer"),
        }
    }
}

/// A span suggested to the annotator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The suggested label.
    pub label: String,
    /// Where it comes from.
    pub origin: Origin,
    /// How often its text was tagged where it was seen (`None` for another layer's span).
    pub evidence: Option<Evidence>,
}

impl Suggestion {
    /// Its range of code points.
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// Why it is suggested, for a tooltip: its origin and evidence, and the rule.
    pub fn why(&self) -> String {
        match &self.evidence {
            Some(e) => format!(
                "{}: {e}; a text is suggested where it was tagged in at least {:.0}% of the \
                 places it was seen",
                self.origin,
                MIN_SHARE * 100.0
            ),
            None => self.origin.to_string(),
        }
    }
}

/// Whether a suggestion still stands against the layer: no span of its label overlaps it,
/// no span covers exactly its range, and it was not rejected.
pub fn is_live(s: &Suggestion, layer: &Layer, index: &SpanIndex) -> bool {
    if layer.is_rejected(s.start, s.end, &s.label) {
        return false;
    }
    let spans = layer.spans();
    !index.any_overlapping(s.range(), |p| {
        spans.get(p).is_some_and(|span| {
            span.label == s.label || (span.start == s.start && span.end == s.end)
        })
    })
}

/// The first live suggestion at or after `offset` (wrapping around to the start), as an
/// index into `items` (sorted by start).
pub fn next_live(
    items: &[Suggestion],
    offset: usize,
    layer: &Layer,
    index: &SpanIndex,
) -> Option<usize> {
    let from = items.partition_point(|s| s.start < offset);
    (from..items.len())
        .chain(0..from)
        .find(|&i| is_live(&items[i], layer, index))
}

/// What [`compute`] works from.
#[derive(Debug, Clone)]
pub struct Request {
    /// The document.
    pub doc: Arc<Document>,
    /// Its path (its own file is left out of the lexicon: `layer` counts instead).
    pub path: Option<PathBuf>,
    /// The annotator's layer as it is now (a snapshot).
    pub layer: Layer,
    /// Texts tagged in the corpus (`None`: only this document's own spans).
    pub lexicon: Option<Arc<Lexicon>>,
    /// Suggest text tagged elsewhere.
    pub tagged_elsewhere: bool,
    /// A layer whose spans are suggested (its annotator's name and spans).
    pub source: Option<Layer>,
    /// The share of the places seen a text must have been tagged in ([`MIN_SHARE`]).
    pub min_share: f64,
    /// Count the places left out below the threshold ([`Report::below_threshold`]: one more
    /// pass over the document).
    pub count_below_threshold: bool,
    /// What is on screen (code points): the [`Worker`] answers for it first, then for the
    /// whole document.
    pub focus: Option<Range<usize>>,
    /// Counts requests, so that an answer can be matched to what was asked.
    pub generation: u64,
}

impl Request {
    /// A request for text tagged elsewhere, at the default threshold, no source layer.
    pub fn new(doc: Arc<Document>, layer: Layer) -> Self {
        Self {
            path: doc.path().map(std::path::Path::to_path_buf),
            doc,
            layer,
            lexicon: None,
            tagged_elsewhere: true,
            source: None,
            min_share: MIN_SHARE,
            count_below_threshold: false,
            focus: None,
            generation: 0,
        }
    }
}

/// Why candidates were not suggested, and what the search held.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Distinct tagged texts considered.
    pub terms: usize,
    /// Of those, the ones whose evidence passed.
    pub passing_terms: usize,
    /// Texts left out because they are not distinctive (stop words, short, fragments).
    pub not_terms: usize,
    /// Places left out because their text's evidence is below the threshold.
    pub below_threshold: usize,
    /// Candidates left out because a span of the same label overlaps them.
    pub overlaps_same_label: usize,
    /// Candidates left out because a span has exactly their range.
    pub repeats_a_range: usize,
    /// Candidates left out because the annotator rejected them.
    pub rejected: usize,
    /// Candidates inside a longer suggestion or a duplicate of another source's.
    pub inside_another: usize,
    /// Candidates past [`MAX_SUGGESTIONS`].
    pub over_budget: usize,
    /// The most entries any per-place structure held (bounded by [`MAX_SUGGESTIONS`] plus a
    /// source layer's spans: never by the number of texts × the document).
    pub peak_entries: usize,
    /// The search was stopped before its end.
    pub cancelled: bool,
    /// The answer covers only the suggestions that start in [`Request::focus`] (the whole
    /// document's follows); its counts are of that part.
    pub partial: bool,
}

/// Tells a running search to stop (the document was closed, or a newer request came).
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// Stops the search.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether it was told to stop.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// What a suggestion is checked against, copied out of a layer so that the layer can be
/// let go of before the long search (an edit of a layer whose spans are still shared would
/// copy them all).
struct Filter {
    exact: FxHashSet<(usize, usize)>,
    by_label: FxHashMap<String, Intervals>,
    rejected: HashSet<(usize, usize, String)>,
}

/// Ranges sorted by start with the running maximum of their ends: whether any overlaps a
/// range is one binary search.
#[derive(Default)]
struct Intervals {
    ranges: Vec<(usize, usize)>,
    max_end: Vec<usize>,
}

impl Intervals {
    fn overlaps(&self, start: usize, end: usize) -> bool {
        let n = self
            .ranges
            .partition_point(|&(s, _)| s < end.max(start + 1));
        n > 0 && self.max_end[n - 1] > start
    }
}

impl Filter {
    fn of(layer: &Layer) -> Self {
        let mut by_label: FxHashMap<String, Intervals> = FxHashMap::default();
        let mut exact = FxHashSet::default();
        exact.reserve(layer.spans().len());
        for span in layer.spans() {
            exact.insert((span.start, span.end));
            if !by_label.contains_key(&span.label) {
                by_label.insert(span.label.clone(), Intervals::default());
            }
            let Some(entry) = by_label.get_mut(&span.label) else {
                continue;
            };
            // Spans are sorted by start: pushing keeps each label's ranges sorted.
            let max = entry.max_end.last().copied().unwrap_or(0).max(span.end);
            entry.ranges.push((span.start, span.end));
            entry.max_end.push(max);
        }
        let rejected = layer
            .rejected
            .iter()
            .map(|r| (r.start, r.end, r.label.clone()))
            .collect();
        Self {
            exact,
            by_label,
            rejected,
        }
    }

    /// [`is_live`] against the copied layer.
    #[cfg(test)]
    fn is_live(&self, s: &Suggestion) -> bool {
        self.verdict(s).is_ok()
    }

    /// Why a suggestion does not stand, if it does not.
    fn verdict(&self, s: &Suggestion) -> Result<(), LeftOut> {
        if self.exact.contains(&(s.start, s.end)) {
            Err(LeftOut::RepeatsRange)
        } else if self.rejected.contains(&(s.start, s.end, s.label.clone())) {
            Err(LeftOut::Rejected)
        } else if self
            .by_label
            .get(&s.label)
            .is_some_and(|i| i.overlaps(s.start, s.end))
        {
            Err(LeftOut::OverlapsSameLabel)
        } else {
            Ok(())
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum LeftOut {
    RepeatsRange,
    Rejected,
    OverlapsSameLabel,
}

impl Report {
    fn count(&mut self, why: LeftOut) {
        match why {
            LeftOut::RepeatsRange => self.repeats_a_range += 1,
            LeftOut::Rejected => self.rejected += 1,
            LeftOut::OverlapsSameLabel => self.overlaps_same_label += 1,
        }
    }
}

/// The suggestions for a layer, sorted by start; those not live for `layer` left out.
pub fn compute(request: &Request) -> Vec<Suggestion> {
    compute_with_report(request, &Cancel::default()).0
}

/// [`compute`] with what was left out and why; stops early (empty, `cancelled`) when told.
pub fn compute_with_report(request: &Request, cancel: &Cancel) -> (Vec<Suggestion>, Report) {
    let prepared = prepare(request);
    search::everywhere(request, &prepared, cancel, &mut Counts::default())
}

/// [`compute_with_report`] that lets go of the request's layer as soon as what it needs is
/// copied out, and first answers for [`Request::focus`] (when set) through `first` (a
/// `partial` report; not called when cancelled).
pub fn compute_owned(
    mut request: Request,
    cancel: &Cancel,
    cache: &mut Counts,
    first: &mut dyn FnMut(Vec<Suggestion>, Report),
) -> (Vec<Suggestion>, Report) {
    let prepared = prepare(&request);
    request.layer = Layer::default();
    if let Some(focus) = request.focus.clone() {
        let (items, report) = search::within(&request, &prepared, focus, cancel, cache);
        if report.cancelled {
            return (items, report);
        }
        first(items, report);
    }
    search::everywhere(&request, &prepared, cancel, cache)
}

struct Prepared {
    terms: Vec<lexicon::Term>,
    /// Rejections per text in the open document.
    rejected_here: HashMap<String, u32>,
    not_terms: usize,
    filter: Filter,
}

fn prepare(request: &Request) -> Prepared {
    let mut not_terms = 0;
    let terms = if request.tagged_elsewhere {
        let doc = &request.doc;
        let here = evidence::tagged_stats(
            doc,
            request
                .layer
                .spans()
                .iter()
                .map(|s| (s.start, s.end, s.label.as_str(), s.text.as_str())),
        );
        let texts: FxHashSet<&str> = request
            .layer
            .spans()
            .iter()
            .map(|s| s.text.as_str())
            .collect();
        not_terms = texts.len().saturating_sub(here.len());
        let empty = Lexicon::default();
        let lexicon = request.lexicon.as_deref().unwrap_or(&empty);
        lexicon.terms(request.path.as_deref(), here)
    } else {
        Vec::new()
    };
    let mut rejected_here: HashMap<String, u32> = HashMap::new();
    for r in &request.layer.rejected {
        *rejected_here.entry(r.text.clone()).or_default() += 1;
    }
    Prepared {
        terms,
        rejected_here,
        not_terms,
        filter: Filter::of(&request.layer),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::{Rejection, Span};
    use std::path::Path;

    fn span(id: u64, doc: &Document, start: usize, end: usize, label: &str) -> Span {
        Span::new(id, start..end, label, doc.slice(start..end))
    }

    fn request(doc: &Document, layer: Layer) -> Request {
        Request::new(Arc::new(doc.clone()), layer)
    }

    fn ranges(items: &[Suggestion]) -> Vec<(usize, usize, &str)> {
        items
            .iter()
            .map(|s| (s.start, s.end, s.label.as_str()))
            .collect()
    }

    #[test]
    fn text_tagged_once_is_suggested_where_it_is_untagged_and_a_whole_word() {
        // Offsets by hand (Python: "Bob met Bobby. Then Bob left; bob stayed.".find(...)).
        let doc = Document::from_text("Bob met Bobby. Then Bob left; bob stayed.".into());
        let mut layer = Layer::new("alice");
        layer.insert(span(1, &doc, 0, 3, "actor"));
        let items = compute(&request(&doc, layer));
        // "Bobby" is not a whole-word "Bob"; "bob" differs in case.
        assert_eq!(ranges(&items), vec![(20, 23, "actor")]);
    }

    #[test]
    fn offsets_are_code_points_after_emoji_and_accents() {
        let text = "Zoë 👋 met Zoë.";
        let doc = Document::from_text(text.into());
        let mut layer = Layer::new("alice");
        layer.insert(span(1, &doc, 0, 3, "actor"));
        let items = compute(&request(&doc, layer));
        // Python: [i for i in range(len(t)) if t.startswith("Zoë", i)] == [0, 10]
        assert_eq!(ranges(&items), vec![(10, 13, "actor")]);
    }

    #[test]
    fn longer_terms_win_and_inner_ones_are_not_ghosted_twice() {
        let doc = Document::from_text("New York and York. New York.".into());
        let mut layer = Layer::new("alice");
        layer.insert(span(1, &doc, 0, 8, "actor"));
        layer.insert(span(2, &doc, 13, 17, "event"));
        let items = compute(&request(&doc, layer));
        // The second "New York" (19..27, tagged at 1 of its 2 places); its inner "York" is not
        // suggested separately. "York" as an event is tagged at 1 of its 3 places (4..8,
        // 13..17, 23..27): too weak to be suggested inside the tagged "New York".
        assert_eq!(ranges(&items), vec![(19, 27, "actor")]);
    }

    #[test]
    fn rejected_and_differently_tagged_ranges_are_not_suggested() {
        let doc = Document::from_text("Ann, Ann, Ann and Ann.".into());
        let mut layer = Layer::new("alice");
        layer.insert(span(1, &doc, 0, 3, "actor"));
        layer.insert(span(2, &doc, 5, 8, "claim"));
        layer.add_rejection(Rejection {
            start: 10,
            end: 13,
            label: "actor".into(),
            text: "Ann".into(),
        });
        let items = compute(&request(&doc, layer));
        // "Ann" got actor once and claim once: the tie goes to the name first by order
        // ("actor"); 5..8 is tagged (another label), 10..13 rejected.
        assert_eq!(ranges(&items), vec![(18, 21, "actor")]);
    }

    fn stats(text: &str, tagged: u32, seen: u32, label: &str) -> evidence::TextStats {
        evidence::TextStats {
            text: text.into(),
            labels: vec![(label.into(), tagged)],
            evidence: Evidence { tagged, seen },
        }
    }

    #[test]
    fn the_corpus_lexicon_counts_other_documents_and_not_the_open_ones_file() {
        let doc = Document::from_text("Lagos is far from Accra.".into());
        let mut lexicon = Lexicon::default();
        lexicon.set_document(Path::new("other.txt"), vec![stats("Lagos", 2, 2, "event")]);
        lexicon.set_document(Path::new("this.txt"), vec![stats("Accra", 1, 1, "actor")]);
        let mut req = request(&doc, Layer::new("alice"));
        req.lexicon = Some(Arc::new(lexicon.clone()));
        req.path = None;
        assert_eq!(
            ranges(&compute(&req)),
            vec![(0, 5, "event"), (18, 23, "actor")]
        );
        // The open document's file is replaced by its live layer (which has no span).
        req.path = Some(PathBuf::from("this.txt"));
        assert_eq!(ranges(&compute(&req)), vec![(0, 5, "event")]);
        // Saving the other document without its spans takes its texts away.
        lexicon.set_document(Path::new("other.txt"), Vec::new());
        assert!(
            lexicon
                .terms(Some(Path::new("this.txt")), Vec::new())
                .is_empty()
        );
    }

    /// Prose in which "Reyes" occurs six times and "the" 500 times.
    fn reyes_and_the() -> (Document, Vec<usize>, Vec<usize>) {
        let mut text = String::new();
        for i in 0..500 {
            if i % 80 == 0 {
                text.push_str("Reyes spoke to the press. ");
            } else {
                text.push_str("And the river rose. ");
            }
        }
        let find = |word: &str| -> Vec<usize> {
            text.match_indices(word)
                .filter(|(b, _)| {
                    !text[..*b].ends_with(char::is_alphanumeric)
                        && !text[b + word.len()..].starts_with(char::is_alphanumeric)
                })
                .map(|(b, _)| b)
                .collect()
        };
        let (reyes, the) = (find("Reyes"), find("the"));
        (Document::from_text(text), reyes, the)
    }

    #[test]
    fn a_name_tagged_five_times_of_six_is_suggested_at_the_sixth_and_the_is_not() {
        let (doc, reyes, the) = reyes_and_the();
        assert_eq!((reyes.len(), the.len()), (7, 500));
        let mut layer = Layer::new("alice");
        // "Reyes" tagged at its first five places (ASCII: bytes are code points), the sixth
        // and seventh left; "the" tagged once.
        for (id, &at) in reyes[..5].iter().enumerate() {
            layer.insert(span(id as u64 + 1, &doc, at, at + 5, "actor"));
        }
        layer.insert(span(10, &doc, the[3], the[3] + 3, "event"));
        let (items, report) =
            compute_with_report(&request(&doc, layer.clone()), &Cancel::default());
        assert_eq!(
            ranges(&items),
            vec![
                (reyes[5], reyes[5] + 5, "actor"),
                (reyes[6], reyes[6] + 5, "actor")
            ]
        );
        // 5 of 7 seen.
        assert_eq!(items[0].evidence, Some(Evidence { tagged: 5, seen: 7 }));
        // "the" is a stop word: not even a term.
        assert_eq!((report.terms, report.not_terms), (1, 1));
        // Tagged in 2 places of 7, "Reyes" is below the threshold, and its places are counted.
        let mut thin = Layer::new("alice");
        thin.insert(span(1, &doc, reyes[0], reyes[0] + 5, "actor"));
        thin.insert(span(2, &doc, reyes[1], reyes[1] + 5, "actor"));
        let mut req = request(&doc, thin);
        req.count_below_threshold = true;
        let (items, report) = compute_with_report(&req, &Cancel::default());
        assert!(items.is_empty(), "{items:?}");
        // Its 5 places neither tagged nor rejected.
        assert_eq!(report.below_threshold, 5);
        // A lower threshold lets it through.
        req.min_share = 0.25;
        assert_eq!(compute(&req).len(), 5);
    }

    #[test]
    fn a_distinctive_word_tagged_once_in_500_is_not_suggested() {
        // "river" is no stop word, but tagged once in 493 places it is noise.
        let (doc, _, _) = reyes_and_the();
        let at = doc.text().find("river").unwrap();
        let mut layer = Layer::new("alice");
        layer.insert(span(1, &doc, at, at + 5, "place"));
        assert!(compute(&request(&doc, layer)).is_empty());
    }

    #[test]
    fn fragments_cut_inside_words_are_never_suggested() {
        let doc = Document::from_text("The Council met. The Council left. The Council.".into());
        let mut layer = Layer::new("alice");
        // "he Counc" (1..9): cut inside two words.
        layer.insert(span(1, &doc, 1, 9, "actor"));
        let (items, report) = compute_with_report(&request(&doc, layer), &Cancel::default());
        assert!(items.is_empty(), "{items:?}");
        assert_eq!(report.not_terms, 1);
    }

    #[test]
    fn a_rejection_counts_against_and_the_report_says_why_places_were_left_out() {
        // "Ann" (offsets by hand): 0..3 actor, 5..8 claim, 10..13 rejected, 18..21 free.
        let doc = Document::from_text("Ann, Ann, Ann and Ann.".into());
        let mut layer = Layer::new("alice");
        layer.insert(span(1, &doc, 0, 3, "actor"));
        layer.insert(span(2, &doc, 5, 8, "claim"));
        let (_, report) = compute_with_report(&request(&doc, layer.clone()), &Cancel::default());
        // Two tagged places are exact repeats of a span's range.
        assert_eq!(report.repeats_a_range, 2);
        layer.add_rejection(Rejection {
            start: 10,
            end: 13,
            label: "actor".into(),
            text: "Ann".into(),
        });
        let (items, report) = compute_with_report(&request(&doc, layer), &Cancel::default());
        // Tagged 2 of 4 places: 50%, still suggested at the free one.
        assert_eq!(ranges(&items), vec![(18, 21, "actor")]);
        assert_eq!(items[0].evidence, Some(Evidence { tagged: 2, seen: 4 }));
        assert_eq!(report.rejected, 1);
    }

    #[test]
    fn another_layers_spans_are_suggestions_until_tagged() {
        let doc = Document::from_text("The summit ended. Leaders left.".into());
        let mut model = Layer::new("model");
        model.insert(span(1, &doc, 4, 10, "event"));
        model.insert(span(2, &doc, 18, 25, "actor"));
        let mut layer = Layer::new("alice");
        layer.insert(span(1, &doc, 18, 25, "actor"));
        let mut req = request(&doc, layer.clone());
        req.tagged_elsewhere = false;
        req.source = Some(model);
        let items = compute(&req);
        assert_eq!(ranges(&items), vec![(4, 10, "event")]);
        assert_eq!(items[0].origin, Origin::Layer("model".into()));
        let index = SpanIndex::build(layer.spans());
        assert_eq!(next_live(&items, 30, &layer, &index), Some(0));
        layer.insert(span(3, &doc, 4, 10, "event"));
        let index = SpanIndex::build(layer.spans());
        assert!(!is_live(&items[0], &layer, &index));
        assert_eq!(next_live(&items, 0, &layer, &index), None);
    }

    #[test]
    fn the_copied_filter_agrees_with_the_layer_on_every_range() {
        // Nested, overlapping and stacked spans; every range of a short text, two labels.
        let doc = Document::from_text("abcdefghijklmnop".into());
        let mut layer = Layer::new("a");
        for (id, (start, end, label)) in [
            (0, 4, "actor"),
            (2, 9, "claim"),
            (2, 9, "actor"),
            (3, 5, "event"),
            (11, 12, "actor"),
            (6, 15, "claim"),
        ]
        .into_iter()
        .enumerate()
        {
            layer.insert(span(id as u64 + 1, &doc, start, end, label));
        }
        layer.add_rejection(Rejection {
            start: 12,
            end: 14,
            label: "actor".into(),
            text: "mn".into(),
        });
        let index = SpanIndex::build(layer.spans());
        let filter = Filter::of(&layer);
        let mut checked = 0;
        for start in 0..16 {
            for end in start + 1..=16 {
                for label in ["actor", "claim", "event"] {
                    let s = Suggestion {
                        start,
                        end,
                        label: label.into(),
                        origin: Origin::TaggedElsewhere,
                        evidence: None,
                    };
                    assert_eq!(
                        filter.is_live(&s),
                        is_live(&s, &layer, &index),
                        "{start}..{end} {label}"
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 136 * 3);
    }

    #[test]
    fn after_an_edit_only_new_texts_are_counted_again() {
        let (doc, reyes, _) = reyes_and_the();
        let doc = Arc::new(doc);
        let mut layer = Layer::new("alice");
        for (id, &at) in reyes[..5].iter().enumerate() {
            layer.insert(span(id as u64 + 1, &doc, at, at + 5, "actor"));
        }
        let mut cache = Counts::default();
        let request = Request::new(Arc::clone(&doc), layer.clone());
        let first = compute_owned(
            request.clone(),
            &Cancel::default(),
            &mut cache,
            &mut |_, _| {},
        )
        .0;
        assert_eq!(cache.last_counted, 1);
        // "river" tagged once: only it is counted; "Reyes" comes from the cache, with the
        // same answer as a fresh search.
        let at = doc.text().find("river").unwrap();
        layer.insert(span(20, &doc, at, at + 5, "place"));
        let request = Request::new(Arc::clone(&doc), layer.clone());
        let second = compute_owned(
            request.clone(),
            &Cancel::default(),
            &mut cache,
            &mut |_, _| {},
        )
        .0;
        assert_eq!(cache.last_counted, 1);
        assert_eq!(second, compute(&request));
        assert_eq!(second, first);
        // Another document: counted afresh.
        let other = Arc::new(Document::from_text(format!("{} Reyes.", doc.text())));
        let _ = compute_owned(
            Request::new(other, layer),
            &Cancel::default(),
            &mut cache,
            &mut |_, _| {},
        );
        assert_eq!(cache.last_counted, 2);
    }

    #[test]
    fn the_worker_answers_the_newest_request() {
        let doc = Document::from_text("Kim and Kim.".into());
        let mut layer = Layer::new("alice");
        layer.insert(span(1, &doc, 0, 3, "actor"));
        let mut worker = Worker::start();
        let mut req = request(&doc, layer);
        req.generation = 7;
        worker.request(req);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let answer = loop {
            if let Some(a) = worker.poll() {
                break a;
            }
            assert!(std::time::Instant::now() < deadline, "no answer");
            std::thread::sleep(std::time::Duration::from_millis(5));
        };
        assert_eq!(answer.0, 7);
        assert_eq!(ranges(&answer.1), vec![(8, 11, "actor")]);
    }

    #[test]
    fn the_worker_stops_when_the_document_is_closed_and_keeps_to_its_budget() {
        // 4 MB where "Kim Lee" is tagged at 50,000 of its 100,000 places: every other one is
        // a suggestion, far more than the budget.
        let unit = "Kim Lee went home; the rain kept on. ";
        let text = unit.repeat(100_000);
        let doc = Document::from_text(text);
        let mut layer = Layer::new("alice");
        for i in 0..50_000 {
            let at = 2 * i * unit.len();
            layer.insert(span(i as u64 + 1, &doc, at, at + 7, "actor"));
        }
        let (items, report) =
            compute_with_report(&request(&doc, layer.clone()), &Cancel::default());
        assert_eq!(items.len(), 50_000);
        assert_eq!(report.peak_entries, 50_000);
        assert_eq!(report.repeats_a_range, 50_000);
        // Twice that document: 100,000 suggestions due, the budget keeps MAX_SUGGESTIONS.
        let doc2 = Document::from_text(doc.text().repeat(2));
        let mut layer2 = Layer::new("alice");
        for i in 0..100_000 {
            let at = 2 * i * unit.len();
            layer2.insert(span(i as u64 + 1, &doc2, at, at + 7, "actor"));
        }
        let (items, report) = compute_with_report(&request(&doc2, layer2), &Cancel::default());
        assert_eq!(items.len(), MAX_SUGGESTIONS);
        assert!(report.peak_entries <= MAX_SUGGESTIONS, "{report:?}");
        assert_eq!(report.over_budget, 100_000 - MAX_SUGGESTIONS);
        // Cancelled before it starts: nothing computed.
        let cancel = Cancel::default();
        cancel.cancel();
        let (items, report) = compute_with_report(&request(&doc, layer.clone()), &cancel);
        assert!(items.is_empty() && report.cancelled);
        // The worker: asked about a big document many times over, then the document is closed;
        // it goes idle long before the searches queued could have run, and answers nothing.
        let mut worker = Worker::start();
        let big = Arc::new(Document::from_text(doc.text().repeat(8)));
        let mut req = Request::new(Arc::clone(&big), layer);
        // Tagged at 50,000 of 800,000 places: a low threshold keeps the search busy.
        req.min_share = 0.01;
        req.generation = 1;
        worker.request(req.clone());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !worker.is_busy() {
            assert!(std::time::Instant::now() < deadline, "never started");
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        let closed = std::time::Instant::now();
        worker.cancel();
        while worker.is_busy() {
            assert!(std::time::Instant::now() < deadline, "never stopped");
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        let stopped = closed.elapsed();
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(worker.poll().is_none(), "a cancelled search answered");
        // The whole search on that document takes several times longer than stopping did.
        let started = std::time::Instant::now();
        let full = compute(&req);
        let whole = started.elapsed();
        assert_eq!(full.len(), MAX_SUGGESTIONS);
        assert!(
            stopped * 4 < whole,
            "stopped after {stopped:?}, whole search {whole:?}"
        );
    }

    #[test]
    fn what_is_on_screen_is_answered_first_and_as_the_whole_search_answers_it() {
        // Prose with word-aligned spans and with spans cut anywhere (1 MB, 10,000 spans); a
        // screenful in the middle. The first answer is the whole search's answer there.
        let text = crate::synth::prose::text(1_000_000, 7);
        let doc = Arc::new(Document::from_text(text));
        for layer in [
            crate::synth::prose::word_layer(&doc, 10_000, "alice", 7),
            crate::synth::prose::random_cut_layer(&doc, 10_000, "alice", 7),
        ] {
            let whole = compute(&Request::new(Arc::clone(&doc), layer.clone()));
            assert!(whole.len() > 3, "suggestions to find: {}", whole.len());
            // A screenful around the middle suggestion, cut at a random place.
            let at = whole[whole.len() / 2].start.saturating_sub(3_001);
            let focus = at..at + 8_000;
            let mut request = Request::new(Arc::clone(&doc), layer);
            request.focus = Some(focus.clone());
            let mut firsts = Vec::new();
            let (all, report) = compute_owned(
                request,
                &Cancel::default(),
                &mut Counts::default(),
                &mut |items, report| firsts.push((items, report)),
            );
            assert!(!report.partial);
            assert_eq!(
                ranges(&all),
                ranges(&whole),
                "the full answer is the whole search's"
            );
            let [(first, first_report)] = firsts.as_slice() else {
                panic!("one first answer, got {}", firsts.len());
            };
            assert!(first_report.partial);
            // Those of the whole answer that start on screen (one not overlapping a longer
            // one that starts before it, which the first answer cannot know of).
            let expected: Vec<_> = whole.iter().filter(|s| focus.contains(&s.start)).collect();
            assert!(!expected.is_empty());
            let got: Vec<_> = first.iter().collect();
            assert_eq!(
                got.iter()
                    .map(|s| (s.start, s.end, s.label.as_str(), s.evidence))
                    .collect::<Vec<_>>(),
                expected
                    .iter()
                    .map(|s| (s.start, s.end, s.label.as_str(), s.evidence))
                    .collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn the_worker_wakes_the_ui_for_the_screen_then_for_the_whole_document() {
        let text = crate::synth::prose::text(100_000, 3);
        let doc = Arc::new(Document::from_text(text));
        let layer = crate::synth::prose::word_layer(&doc, 1_000, "alice", 3);
        let wakes = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = Arc::clone(&wakes);
        let mut worker = Worker::with_waker(Some(Arc::new(move || {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        })));
        assert!(worker.wakes());
        let mut request = Request::new(Arc::clone(&doc), layer);
        request.focus = Some(0..5_000);
        request.generation = 3;
        worker.request(request);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while wakes.load(std::sync::atomic::Ordering::SeqCst) < 2 {
            assert!(std::time::Instant::now() < deadline, "not woken twice");
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        // Both answers are in: the poll gives the whole document's, not the screen's.
        let answer = worker.poll().expect("an answer");
        assert_eq!(answer.0, 3);
        assert!(!answer.2.partial, "the whole answer covers the partial one");
    }
}
