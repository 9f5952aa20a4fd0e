//! Suggestions: spans the annotator has not made yet but probably would, shown as ghost
//! spans to accept or reject.
//!
//! Two sources:
//! - **Text tagged elsewhere** ([`Lexicon`]): every text the annotator tagged in this
//!   document or in another document of the corpus, found again untagged as a whole word.
//!   A text tagged with several labels is suggested with the label it got most often.
//! - **Another layer**: the spans of a layer chosen as a suggestion source, e.g. a model's
//!   predictions imported with `spantag import --annotator model`.
//!
//! A suggestion is *live* ([`is_live`]) while the layer has no span of its label
//! overlapping it, no span on exactly its range, and the annotator has not rejected it
//! ([`Layer::is_rejected`]; rejections are saved in the annotation file). [`compute`] does
//! the whole search; the app runs it off the UI thread ([`Worker`]) and checks liveness of
//! the few suggestions on screen each frame, so that a span just tagged hides its ghost at
//! once.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::annotation::{Layer, SpanIndex};
use crate::document::Document;

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
}

impl Suggestion {
    /// Its range of code points.
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
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

/// Texts tagged in a corpus, with how often each got each label.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lexicon {
    counts: HashMap<String, HashMap<String, u32>>,
    /// What each document's file contributed, so that the open document's own file can be
    /// left out (its live layer counts instead).
    per_document: HashMap<PathBuf, Vec<(String, String)>>,
}

/// Whether a tagged text is worth suggesting elsewhere: a word character in it, at least
/// two characters, at most 200.
fn is_term(text: &str) -> bool {
    let n = text.chars().count();
    (2..=200).contains(&n) && text.chars().any(char::is_alphanumeric) && text.trim() == text
}

impl Lexicon {
    /// Reads `annotator`'s annotation file of each document (those without one, or whose
    /// file does not parse, add nothing; their count is returned).
    pub fn load(documents: &[PathBuf], annotator: &str) -> (Self, usize) {
        let mut lexicon = Self::default();
        let mut unreadable = 0;
        for doc in documents {
            let path = crate::store::annotation_path(doc, annotator);
            if !path.exists() {
                continue;
            }
            match crate::store::AnnotationFile::read_unhashed(&path) {
                Ok(file) => {
                    let pairs = file
                        .spans
                        .into_iter()
                        .filter(|s| is_term(&s.text))
                        .map(|s| (s.text, s.label))
                        .collect();
                    lexicon.set_document(doc, pairs);
                }
                Err(_) => unreadable += 1,
            }
        }
        (lexicon, unreadable)
    }

    /// Replaces what one document contributes (after it was saved).
    pub fn set_document(&mut self, doc: &Path, pairs: Vec<(String, String)>) {
        if let Some(old) = self.per_document.remove(doc) {
            for (text, label) in &old {
                bump(&mut self.counts, text, label, -1);
            }
        }
        for (text, label) in &pairs {
            bump(&mut self.counts, text, label, 1);
        }
        if !pairs.is_empty() {
            self.per_document.insert(doc.to_path_buf(), pairs);
        }
    }

    /// Records a layer as what its document contributes.
    pub fn set_layer(&mut self, doc: &Path, layer: &Layer) {
        let pairs = layer
            .spans()
            .iter()
            .filter(|s| is_term(&s.text))
            .map(|s| (s.text.clone(), s.label.clone()))
            .collect();
        self.set_document(doc, pairs);
    }

    /// How many different texts it holds.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    /// Whether it holds no text.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// Each text with the label to suggest for it: the corpus's counts without `skip`'s
    /// file, plus the live `layer`'s spans; the most frequent label wins (ties: by name).
    fn terms(&self, skip: Option<&Path>, layer: &Layer) -> Vec<(String, String)> {
        let mut counts: HashMap<&str, HashMap<&str, i64>> = HashMap::new();
        for (text, labels) in &self.counts {
            let entry = counts.entry(text.as_str()).or_default();
            for (label, n) in labels {
                *entry.entry(label.as_str()).or_default() += i64::from(*n);
            }
        }
        if let Some(own) = skip.and_then(|d| self.per_document.get(d)) {
            for (text, label) in own {
                if let Some(labels) = counts.get_mut(text.as_str()) {
                    *labels.entry(label.as_str()).or_default() -= 1;
                }
            }
        }
        for span in layer.spans().iter().filter(|s| is_term(&s.text)) {
            *counts
                .entry(span.text.as_str())
                .or_default()
                .entry(span.label.as_str())
                .or_default() += 1;
        }
        let mut terms: Vec<(String, String)> = counts
            .into_iter()
            .filter_map(|(text, labels)| {
                let (label, _) = labels
                    .into_iter()
                    .filter(|(_, n)| *n > 0)
                    .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))?;
                Some((text.to_owned(), label.to_owned()))
            })
            .collect();
        terms.sort();
        terms
    }
}

fn bump(counts: &mut HashMap<String, HashMap<String, u32>>, text: &str, label: &str, by: i32) {
    let labels = counts.entry(text.to_owned()).or_default();
    let n = labels.entry(label.to_owned()).or_default();
    *n = n.saturating_add_signed(by);
    if *n == 0 {
        labels.remove(label);
    }
    if labels.is_empty() {
        counts.remove(text);
    }
}

/// Whether `c` continues a word (letters, digits, `_`, combining marks).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || ('\u{300}'..='\u{36f}').contains(&c)
}

/// Every whole-word occurrence of each term in the text, as byte ranges with the term's
/// index (occurrences may nest: "York" inside "New York").
fn occurrences(text: &str, terms: &[&str]) -> Vec<(Range<usize>, usize)> {
    if terms.is_empty() {
        return Vec::new();
    }
    let Ok(ac) = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(terms)
    else {
        return Vec::new();
    };
    let bounded = |r: &Range<usize>| {
        let before = text[..r.start].chars().next_back();
        let after = text[r.end..].chars().next();
        !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char)
    };
    ac.find_overlapping_iter(text)
        .map(|m| (m.range(), m.pattern().as_usize()))
        .filter(|(r, _)| bounded(r))
        .collect()
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
    /// Counts requests, so that an answer can be matched to what was asked.
    pub generation: u64,
}

/// What a suggestion is checked against, copied out of a layer so that the layer can be
/// let go of before the long search (an edit of a layer whose spans are still shared would
/// copy them all).
struct Filter {
    exact: HashSet<(usize, usize)>,
    by_label: HashMap<String, Intervals>,
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
        let mut by_label: HashMap<String, Intervals> = HashMap::new();
        let mut exact = HashSet::with_capacity(layer.spans().len());
        for span in layer.spans() {
            exact.insert((span.start, span.end));
            let entry = by_label.entry(span.label.clone()).or_default();
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
    fn is_live(&self, s: &Suggestion) -> bool {
        !self.exact.contains(&(s.start, s.end))
            && !self.rejected.contains(&(s.start, s.end, s.label.clone()))
            && !self
                .by_label
                .get(&s.label)
                .is_some_and(|i| i.overlaps(s.start, s.end))
    }
}

/// The suggestions for a layer, sorted by start; those not live for `layer` left out.
pub fn compute(request: &Request) -> Vec<Suggestion> {
    let prepared = prepare(request);
    search(request, prepared)
}

/// [`compute`] that lets go of the request's layer as soon as what it needs is copied out.
pub fn compute_owned(mut request: Request) -> Vec<Suggestion> {
    let prepared = prepare(&request);
    request.layer = Layer::default();
    search(&request, prepared)
}

fn prepare(request: &Request) -> (Vec<(String, String)>, Filter) {
    let terms = if request.tagged_elsewhere {
        let empty = Lexicon::default();
        let lexicon = request.lexicon.as_deref().unwrap_or(&empty);
        lexicon.terms(request.path.as_deref(), &request.layer)
    } else {
        Vec::new()
    };
    (terms, Filter::of(&request.layer))
}

fn search(request: &Request, (terms, filter): (Vec<(String, String)>, Filter)) -> Vec<Suggestion> {
    let doc = &request.doc;
    let mut out = Vec::new();
    let patterns: Vec<&str> = terms.iter().map(|(t, _)| t.as_str()).collect();
    let text = doc.text();
    for (bytes, term) in occurrences(text, &patterns) {
        let start = doc.char_from_byte(bytes.start);
        let end = start + text[bytes.clone()].chars().count();
        out.push(Suggestion {
            start,
            end,
            label: terms[term].1.clone(),
            origin: Origin::TaggedElsewhere,
        });
    }
    if let Some(source) = &request.source {
        let origin = Origin::Layer(source.annotator.clone());
        out.extend(
            source
                .spans()
                .iter()
                .filter(|s| s.end <= doc.char_len() && s.start < s.end)
                .map(|s| Suggestion {
                    start: s.start,
                    end: s.end,
                    label: s.label.clone(),
                    origin: origin.clone(),
                }),
        );
    }
    out.retain(|s| filter.is_live(s));
    // Longest first at each start, so that a suggestion inside a longer one is dropped
    // (one ghost for "New York", not another for its "York"); then one ghost per range and
    // label (a model and the corpus may suggest the same).
    out.sort_by(|a, b| {
        (
            a.start,
            std::cmp::Reverse(a.end),
            &a.label,
            a.origin != Origin::TaggedElsewhere,
        )
            .cmp(&(
                b.start,
                std::cmp::Reverse(b.end),
                &b.label,
                b.origin != Origin::TaggedElsewhere,
            ))
    });
    out.dedup_by(|a, b| (a.start, a.end, &a.label) == (b.start, b.end, &b.label));
    let mut reach = 0;
    out.retain(|s| {
        let inside = s.end <= reach;
        reach = reach.max(s.end);
        !inside
    });
    out
}

/// Computes suggestions on a thread of its own: the UI sends requests as the layer changes
/// and picks up the newest answer; requests that queued up while one ran are skipped. When
/// the thread cannot be started, or has died, requests are answered at once on the caller's
/// thread.
pub struct Worker {
    requests: Option<mpsc::Sender<Request>>,
    outbox: mpsc::Sender<(u64, Vec<Suggestion>)>,
    answers: mpsc::Receiver<(u64, Vec<Suggestion>)>,
}

impl Worker {
    /// Starts the thread. It does not wake the UI: the UI polls ([`Self::poll`]) while an
    /// answer is due, so that nothing asks for an immediate frame from another thread.
    pub fn start() -> Self {
        let (requests, inbox) = mpsc::channel::<Request>();
        let (outbox, answers) = mpsc::channel();
        let thread_outbox = outbox.clone();
        let spawned = std::thread::Builder::new()
            .name("spantag-suggest".into())
            .spawn(move || {
                while let Ok(mut request) = inbox.recv() {
                    while let Ok(newer) = inbox.try_recv() {
                        request = newer;
                    }
                    let generation = request.generation;
                    let items = compute_owned(request);
                    if thread_outbox.send((generation, items)).is_err() {
                        break;
                    }
                }
            });
        Self {
            requests: spawned.is_ok().then_some(requests),
            outbox,
            answers,
        }
    }

    /// Asks for suggestions.
    pub fn request(&self, request: Request) {
        let request = match &self.requests {
            Some(thread) => match thread.send(request) {
                Ok(()) => return,
                Err(mpsc::SendError(request)) => request,
            },
            None => request,
        };
        let generation = request.generation;
        let _ = self.outbox.send((generation, compute_owned(request)));
    }

    /// The newest answer that arrived, if any.
    pub fn poll(&self) -> Option<(u64, Vec<Suggestion>)> {
        let mut newest = None;
        while let Ok(answer) = self.answers.try_recv() {
            newest = Some(answer);
        }
        newest
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::{Rejection, Span};

    fn span(id: u64, doc: &Document, start: usize, end: usize, label: &str) -> Span {
        Span {
            id,
            start,
            end,
            label: label.to_owned(),
            text: doc.slice(start..end).to_owned(),
            note: None,
        }
    }

    fn request(doc: &Document, layer: Layer) -> Request {
        Request {
            doc: Arc::new(doc.clone()),
            path: None,
            layer,
            lexicon: None,
            tagged_elsewhere: true,
            source: None,
            generation: 0,
        }
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
        // The second "New York" (19..27); its inner "York" is not suggested separately. In
        // the tagged "New York", "York" may still be suggested as an event (spans nest).
        assert_eq!(ranges(&items), vec![(4, 8, "event"), (19, 27, "actor")]);
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

    #[test]
    fn the_corpus_lexicon_counts_other_documents_and_not_the_open_ones_file() {
        let doc = Document::from_text("Lagos is far from Accra.".into());
        let mut lexicon = Lexicon::default();
        lexicon.set_document(
            Path::new("other.txt"),
            vec![
                ("Lagos".into(), "event".into()),
                ("Lagos".into(), "event".into()),
            ],
        );
        lexicon.set_document(
            Path::new("this.txt"),
            vec![("Accra".into(), "actor".into())],
        );
        let mut req = request(&doc, Layer::new("alice"));
        req.lexicon = Some(Arc::new(lexicon.clone()));
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
                .terms(Some(Path::new("this.txt")), &Layer::new("a"))
                .is_empty()
        );
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
    fn one_letter_and_punctuation_texts_are_not_terms() {
        assert!(!is_term("a"));
        assert!(!is_term("--"));
        assert!(!is_term(" Bob"));
        assert!(is_term("Bo"));
        assert!(is_term("東京"));
    }

    #[test]
    fn the_worker_answers_the_newest_request() {
        let doc = Document::from_text("Kim and Kim.".into());
        let mut layer = Layer::new("alice");
        layer.insert(span(1, &doc, 0, 3, "actor"));
        let worker = Worker::start();
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
}
