//! One annotator's layer: its spans kept sorted with an id lookup and label counts, its
//! relations, orphans and rejected suggestions, and the one place span and relation ids are
//! minted.

use std::cmp::Ordering;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::{Equivalence, Event, LabelScheme, Relation, Span};

/// A suggestion the annotator turned down: it is not suggested again for this document.
/// Kept with its text so that a reader of the file sees what was rejected.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Rejection {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The label that was suggested.
    pub label: String,
    /// The text that was suggested (for people reading the file).
    pub text: String,
}

/// One annotator's spans and relations over one document. Spans are kept sorted by
/// [`Span::order`].
#[derive(Debug, Clone, Default)]
pub struct Layer {
    /// Who made it.
    pub annotator: String,
    /// The labels in use.
    pub scheme: LabelScheme,
    /// Shared so that a snapshot (for the recovery file, written on another thread) costs
    /// no copy; an edit copies only while a snapshot is still held.
    spans: std::sync::Arc<Vec<Span>>,
    /// Relations between spans.
    pub relations: Vec<Relation>,
    /// Events (brat `E`), by id.
    pub events: Vec<Event>,
    /// Spans that stand for the same thing (brat `*`).
    pub equivalences: Vec<Equivalence>,
    /// Spans that lost their place when the source text changed (old offsets kept).
    pub orphans: Vec<Span>,
    /// The annotator marked the document done.
    pub done: bool,
    /// Suggestions turned down, sorted (see [`Layer::is_rejected`]).
    pub rejected: Vec<Rejection>,
    /// What a reviewer decided at disagreements, sorted (curated layers; see
    /// [`crate::review::decision`]).
    pub decisions: Vec<crate::review::decision::Decision>,
    /// Fields of its file spantag does not know, kept to be written back.
    pub unknown: crate::unknown::Unknown,
    /// What a git merge could not decide (see [`crate::team::merge`]); kept until the user
    /// resolves each, and written back with the layer.
    pub conflicts: Vec<crate::team::conflict::Conflict>,
    /// The session tag new ids are minted under (see [`crate::team::ids`]).
    id_tag: u64,
    next_id: u64,
    /// Position of each span id in `spans`, built on first lookup after a change, so that
    /// finding a span by id is O(1) however many spans there are.
    positions: std::sync::OnceLock<std::collections::HashMap<u64, usize, IdHash>>,
    /// Spans per label, kept up to date by insert and remove.
    label_counts: std::collections::HashMap<String, usize>,
}

/// A fast hasher for span ids (Fibonacci hashing of the `u64`); ids are not attacker-chosen
/// in a way that matters here, and the std hasher made rebuilding the id map of 100k spans
/// cost several milliseconds.
#[derive(Debug, Clone, Copy, Default)]
pub struct IdHash;

impl std::hash::BuildHasher for IdHash {
    type Hasher = IdHasher;
    fn build_hasher(&self) -> IdHasher {
        IdHasher(0)
    }
}

/// The hasher of [`IdHash`].
#[derive(Debug, Clone, Copy)]
pub struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(29);
    }
}

impl PartialEq for Layer {
    // The caches (id positions, label counts) follow from the spans and are not compared.
    fn eq(&self, other: &Self) -> bool {
        (
            &self.annotator,
            &self.scheme,
            &self.spans,
            (&self.relations, &self.events, &self.equivalences),
            &self.orphans,
            self.done,
            &self.rejected,
            &self.decisions,
            &self.conflicts,
            self.next_id,
        ) == (
            &other.annotator,
            &other.scheme,
            &other.spans,
            (&other.relations, &other.events, &other.equivalences),
            &other.orphans,
            other.done,
            &other.rejected,
            &other.decisions,
            &other.conflicts,
            other.next_id,
        )
    }
}

impl Eq for Layer {}

impl Layer {
    /// An empty layer with the default labels.
    pub fn new(annotator: &str) -> Self {
        Self {
            annotator: annotator.to_owned(),
            scheme: LabelScheme::default(),
            spans: std::sync::Arc::new(Vec::new()),
            relations: Vec::new(),
            events: Vec::new(),
            equivalences: Vec::new(),
            orphans: Vec::new(),
            done: false,
            rejected: Vec::new(),
            decisions: Vec::new(),
            unknown: crate::unknown::Unknown::default(),
            conflicts: Vec::new(),
            id_tag: crate::team::ids::session_tag(),
            next_id: crate::team::ids::first_free(crate::team::ids::session_tag(), []),
            positions: std::sync::OnceLock::new(),
            label_counts: std::collections::HashMap::new(),
        }
    }

    /// A layer from stored parts; spans are sorted, and every label a span uses is added to
    /// the scheme so that nothing is hidden.
    pub fn from_parts(
        annotator: &str,
        scheme: LabelScheme,
        mut spans: Vec<Span>,
        relations: Vec<Relation>,
    ) -> Self {
        spans.sort_by(Span::order);
        let mut scheme = scheme;
        // Few labels, many spans: count by label name with a short list (no hashing per
        // span), then make sure each label is in the scheme once.
        let mut counted: Vec<(&str, usize)> = Vec::new();
        let mut many: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for span in &spans {
            // A file with hundreds of labels would make the list slow: hash from then on.
            if let Some(n) = many.get_mut(span.label.as_str()) {
                *n += 1;
                continue;
            }
            let listed = counted.len().min(32);
            if let Some((_, n)) = counted[..listed]
                .iter_mut()
                .find(|(name, _)| *name == span.label)
            {
                *n += 1;
            } else if counted.len() < 32 {
                counted.push((&span.label, 1));
            } else {
                counted.push((&span.label, 0));
                many.insert(&span.label, 1);
            }
        }
        for (name, n) in &mut counted {
            *n += many.get(name).copied().unwrap_or(0);
        }
        for (name, _) in &counted {
            scheme.ensure(name);
        }
        let label_counts: std::collections::HashMap<String, usize> = counted
            .into_iter()
            .map(|(name, n)| (name.to_owned(), n))
            .collect();
        let id_tag = crate::team::ids::session_tag();
        let next_id = crate::team::ids::first_free(
            id_tag,
            spans
                .iter()
                .map(|s| s.id)
                .chain(relations.iter().map(|r| r.id)),
        );
        Self {
            annotator: annotator.to_owned(),
            scheme,
            spans: std::sync::Arc::new(spans),
            relations,
            events: Vec::new(),
            equivalences: Vec::new(),
            orphans: Vec::new(),
            done: false,
            rejected: Vec::new(),
            decisions: Vec::new(),
            unknown: crate::unknown::Unknown::default(),
            conflicts: Vec::new(),
            id_tag,
            next_id,
            positions: std::sync::OnceLock::new(),
            label_counts,
        }
    }

    /// The spans, sorted.
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    /// A fresh id for a new span or relation: the one place ids are minted (edits built
    /// ahead of time take [`Self::next_id`] and the ids after it, which applying them
    /// reserves). Ids are unique across spans, orphans and relations, never handed out twice
    /// in a session (undoing an `AddSpan` does not give its id back), and come from this
    /// session's random block, so that another clone of the project cannot mint the same
    /// ones (see [`crate::team::ids`]).
    pub fn allocate_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Mints ids under another session tag (0: the old scheme, largest id + 1): for tests and
    /// for reproducing a file.
    pub fn set_id_tag(&mut self, tag: u64) {
        self.id_tag = tag;
        self.next_id = crate::team::ids::first_free(
            tag,
            self.spans
                .iter()
                .chain(&self.orphans)
                .map(|s| s.id)
                .chain(self.relations.iter().map(|r| r.id)),
        );
    }

    /// The id [`Self::allocate_id`] would give, without taking it (adding a span with it
    /// takes it).
    pub fn next_id(&self) -> u64 {
        self.next_id
    }

    /// Makes sure the id is not handed out (for ids taken outside [`Self::allocate_id`]).
    /// Only ids in this session's block move the counter: an id minted by another clone
    /// lies in its own block, and jumping there would hand out the ids that clone hands out
    /// next.
    pub fn reserve_id(&mut self, id: u64) {
        if crate::team::ids::in_block(self.id_tag, id) {
            self.next_id = self.next_id.max(id.saturating_add(1));
        }
    }

    /// Sets the orphans (spans that lost their place), keeping their ids reserved.
    pub fn set_orphans(&mut self, orphans: Vec<Span>) {
        for orphan in &orphans {
            self.reserve_id(orphan.id);
        }
        self.orphans = orphans;
    }

    /// A copy that shares the span list (no copy of the spans is made): for writing a
    /// recovery file on another thread.
    pub fn snapshot(&self) -> Self {
        Self {
            annotator: self.annotator.clone(),
            scheme: self.scheme.clone(),
            spans: std::sync::Arc::clone(&self.spans),
            relations: self.relations.clone(),
            events: self.events.clone(),
            equivalences: self.equivalences.clone(),
            orphans: self.orphans.clone(),
            done: self.done,
            rejected: self.rejected.clone(),
            decisions: self.decisions.clone(),
            unknown: self.unknown.clone(),
            conflicts: self.conflicts.clone(),
            id_tag: self.id_tag,
            next_id: self.next_id,
            positions: std::sync::OnceLock::new(),
            label_counts: std::collections::HashMap::new(),
        }
    }

    /// Whether a suggestion of this range and label was turned down.
    pub fn is_rejected(&self, start: usize, end: usize, label: &str) -> bool {
        self.rejected
            .binary_search_by(|r| (r.start, r.end, r.label.as_str()).cmp(&(start, end, label)))
            .is_ok()
    }

    /// Records a rejected suggestion; false when it was recorded already.
    pub fn add_rejection(&mut self, rejection: Rejection) -> bool {
        let key = |r: &Rejection| (r.start, r.end, r.label.clone());
        match self.rejected.binary_search_by_key(&key(&rejection), key) {
            Ok(_) => false,
            Err(at) => {
                self.rejected.insert(at, rejection);
                true
            }
        }
    }

    /// Forgets a rejected suggestion; false when it was not recorded.
    pub fn remove_rejection(&mut self, rejection: &Rejection) -> bool {
        let key = |r: &Rejection| (r.start, r.end, r.label.clone());
        match self.rejected.binary_search_by_key(&key(rejection), key) {
            Ok(at) => {
                self.rejected.remove(at);
                true
            }
            Err(_) => false,
        }
    }

    /// Records a reviewer's decision, replacing one over the same extent; returns the one it
    /// replaced.
    pub fn add_decision(
        &mut self,
        decision: crate::review::decision::Decision,
    ) -> Option<crate::review::decision::Decision> {
        let old = self
            .decisions
            .iter()
            .position(|d| (d.start, d.end) == (decision.start, decision.end))
            .map(|at| self.decisions.remove(at));
        let at = self.decisions.partition_point(|d| d < &decision);
        self.decisions.insert(at, decision);
        old
    }

    /// Forgets a decision; false when it was not recorded.
    pub fn remove_decision(&mut self, decision: &crate::review::decision::Decision) -> bool {
        match self.decisions.iter().position(|d| d == decision) {
            Some(at) => {
                self.decisions.remove(at);
                true
            }
            None => false,
        }
    }

    /// The decision whose extent holds `start..end`, if any.
    pub fn decision_over(
        &self,
        start: usize,
        end: usize,
    ) -> Option<&crate::review::decision::Decision> {
        self.decisions.iter().find(|d| d.contains(start, end))
    }

    /// Sets the decisions (sorted, without repeats).
    pub fn set_decisions(&mut self, mut decisions: Vec<crate::review::decision::Decision>) {
        decisions.sort();
        decisions.dedup();
        self.decisions = decisions;
    }

    /// Sets the rejected suggestions (sorted, without repeats).
    pub fn set_rejected(&mut self, mut rejected: Vec<Rejection>) {
        rejected.sort();
        rejected.dedup_by(|a, b| (a.start, a.end, &a.label) == (b.start, b.end, &b.label));
        self.rejected = rejected;
    }

    /// A span by id.
    pub fn get(&self, id: u64) -> Option<&Span> {
        self.position(id).and_then(|p| self.spans.get(p))
    }

    /// Where a span with this id sits in [`Self::spans`].
    pub fn position(&self, id: u64) -> Option<usize> {
        self.positions
            .get_or_init(|| {
                self.spans
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (s.id, i))
                    .collect()
            })
            .get(&id)
            .copied()
    }

    /// Inserts a span at its sorted place.
    pub fn insert(&mut self, span: Span) {
        self.positions.take();
        bump(&mut self.label_counts, &span.label);
        self.reserve_id(span.id);
        let at = self
            .spans
            .partition_point(|s| s.order(&span) == Ordering::Less);
        std::sync::Arc::make_mut(&mut self.spans).insert(at, span);
    }

    /// Inserts many spans at once (one sort, not one shift of the list per span).
    pub fn insert_many(&mut self, spans: Vec<Span>) {
        if spans.is_empty() {
            return;
        }
        self.positions.take();
        for span in &spans {
            bump(&mut self.label_counts, &span.label);
            let id = span.id;
            if crate::team::ids::in_block(self.id_tag, id) {
                self.next_id = self.next_id.max(id.saturating_add(1));
            }
        }
        let list = std::sync::Arc::make_mut(&mut self.spans);
        list.extend(spans);
        list.sort_by(Span::order);
    }

    /// Removes the spans with these ids at once; returns them (in list order).
    pub fn remove_many(&mut self, ids: &std::collections::HashSet<u64>) -> Vec<Span> {
        if ids.is_empty() {
            return Vec::new();
        }
        self.positions.take();
        let list = std::sync::Arc::make_mut(&mut self.spans);
        let (removed, kept): (Vec<Span>, Vec<Span>) = std::mem::take(list)
            .into_iter()
            .partition(|s| ids.contains(&s.id));
        *list = kept;
        for span in &removed {
            if let Some(n) = self.label_counts.get_mut(&span.label) {
                *n = n.saturating_sub(1);
            }
        }
        removed
    }

    /// Removes a span by id.
    pub fn remove(&mut self, id: u64) -> Option<Span> {
        let at = self.position(id)?;
        self.positions.take();
        let span = std::sync::Arc::make_mut(&mut self.spans).remove(at);
        if let Some(n) = self.label_counts.get_mut(&span.label) {
            *n = n.saturating_sub(1);
        }
        Some(span)
    }

    /// Changes a span in place (re-sorting if needed); returns the old value.
    pub fn replace(&mut self, span: Span) -> Option<Span> {
        let old = self.remove(span.id)?;
        self.insert(span);
        Some(old)
    }

    /// Whether a span with the same range and label exists.
    pub fn find_duplicate(&self, range: Range<usize>, label: &str) -> Option<&Span> {
        let at = self
            .spans
            .partition_point(|s| (s.start, s.end) < (range.start, range.end));
        self.spans[at..]
            .iter()
            .take_while(|s| s.start == range.start && s.end == range.end)
            .find(|s| s.label == label)
    }

    /// How many spans carry each label, in scheme order (labels with no span included).
    pub fn counts(&self) -> Vec<(String, usize)> {
        let mut counts: Vec<(String, usize)> = self
            .scheme
            .labels()
            .iter()
            .map(|l| {
                (
                    l.name.clone(),
                    self.label_counts.get(&l.name).copied().unwrap_or(0),
                )
            })
            .collect();
        let mut others: Vec<(String, usize)> = self
            .label_counts
            .iter()
            .filter(|(name, n)| **n > 0 && self.scheme.get(name).is_none())
            .map(|(name, n)| (name.clone(), *n))
            .collect();
        others.sort();
        counts.extend(others);
        counts
    }
}

/// Counts one more span of `label` (allocating the key only for a label not seen before).
fn bump(counts: &mut std::collections::HashMap<String, usize>, label: &str) {
    match counts.get_mut(label) {
        Some(n) => *n += 1,
        None => {
            counts.insert(label.to_owned(), 1);
        }
    }
}
