//! Spans, relations, labels and an annotator's layer, plus the index that finds the spans
//! overlapping a range without scanning them all.

use std::cmp::Ordering;
use std::ops::Range;

use serde::{Deserialize, Serialize};

/// One annotated span. Offsets are Unicode code points, half-open `[start, end)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// Stable id within the layer (relations and reviews refer to it).
    pub id: u64,
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The label name.
    pub label: String,
    /// The covered text, `document[start:end]`.
    pub text: String,
    /// A free-form note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Span {
    /// The code point range.
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// Length in code points.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span covers nothing.
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// The order spans are kept and saved in: (start, end, label), then id.
    pub fn order(&self, other: &Self) -> Ordering {
        (self.start, self.end, &self.label, self.id).cmp(&(
            other.start,
            other.end,
            &other.label,
            other.id,
        ))
    }
}

/// A directed, labelled link between two spans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relation {
    /// Stable id within the layer.
    pub id: u64,
    /// Id of the source span.
    pub from: u64,
    /// Id of the target span.
    pub to: u64,
    /// The relation's label.
    pub label: String,
}

/// A label the user can tag spans with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// Its name, as written into files.
    pub name: String,
    /// Colour as `#rrggbb`.
    pub color: String,
}

impl Label {
    /// The colour as RGB, falling back to grey when the stored value is malformed.
    pub fn rgb(&self) -> [u8; 3] {
        parse_hex_color(&self.color).unwrap_or([0x88, 0x88, 0x88])
    }
}

/// Parses `#rrggbb`.
pub fn parse_hex_color(s: &str) -> Option<[u8; 3]> {
    let hex = s.strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// Colours given to labels in order; chosen to be distinguishable on light and dark themes
/// and for the common forms of colour blindness (Tableau 10).
pub const PALETTE: [&str; 10] = [
    "#4e79a7", "#e15759", "#59a14f", "#f28e2b", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7",
    "#9c755f", "#bab0ac",
];

/// The labels of a layer, in display order. The first nine have hotkeys `1`–`9`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelScheme {
    labels: Vec<Label>,
}

impl Default for LabelScheme {
    fn default() -> Self {
        Self::new(["claim", "actor", "event"])
    }
}

impl LabelScheme {
    /// A scheme with these names and palette colours.
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        let mut scheme = Self { labels: Vec::new() };
        for name in names {
            scheme.ensure(name);
        }
        scheme
    }

    /// A scheme from stored labels (duplicates and empty names are skipped).
    pub fn from_labels(labels: Vec<Label>) -> Self {
        let mut scheme = Self { labels: Vec::new() };
        for label in labels {
            if !label.name.trim().is_empty() && scheme.get(&label.name).is_none() {
                scheme.labels.push(label);
            }
        }
        scheme
    }

    /// The labels in order.
    pub fn labels(&self) -> &[Label] {
        &self.labels
    }

    /// A label by name.
    pub fn get(&self, name: &str) -> Option<&Label> {
        self.labels.iter().find(|l| l.name == name)
    }

    /// The position of a label (its order in exports and tie-breaks).
    pub fn position(&self, name: &str) -> Option<usize> {
        self.labels.iter().position(|l| l.name == name)
    }

    /// The label whose hotkey is `digit` (1-based).
    pub fn by_hotkey(&self, digit: usize) -> Option<&Label> {
        digit
            .checked_sub(1)
            .and_then(|i| self.labels.get(i))
            .filter(|_| digit <= 9)
    }

    /// The hotkey of the label at `index`, if it has one.
    pub fn hotkey(index: usize) -> Option<char> {
        (index < 9).then(|| char::from(b'1' + u8::try_from(index).unwrap_or(0)))
    }

    /// Adds a label with the next palette colour unless it exists; returns whether it was added.
    pub fn ensure(&mut self, name: &str) -> bool {
        if self.get(name).is_some() {
            return false;
        }
        let color = PALETTE[self.labels.len() % PALETTE.len()].to_owned();
        self.labels.push(Label {
            name: name.to_owned(),
            color,
        });
        true
    }

    /// Sets a label's colour; returns the old one (`None`: no such label).
    pub fn set_color(&mut self, name: &str, color: &str) -> Option<String> {
        let label = self.labels.iter_mut().find(|l| l.name == name)?;
        Some(std::mem::replace(&mut label.color, color.to_owned()))
    }

    /// Moves a label to position `to` (clamped); returns its old position.
    pub fn move_to(&mut self, name: &str, to: usize) -> Option<usize> {
        let from = self.position(name)?;
        let label = self.labels.remove(from);
        self.labels.insert(to.min(self.labels.len()), label);
        Some(from)
    }

    /// Removes a label that no span uses.
    pub fn remove(&mut self, name: &str) {
        self.labels.retain(|l| l.name != name);
    }

    /// Puts a label back at a position (undoing [`Self::remove`]); returns whether it was
    /// added.
    pub fn insert_at(&mut self, label: Label, at: usize) -> bool {
        if self.get(&label.name).is_some() {
            return false;
        }
        let at = at.min(self.labels.len());
        self.labels.insert(at, label);
        true
    }

    /// One scheme for several layers, so that a label has one colour, one hotkey and one
    /// rank (CoNLL tie-breaks, tag lists) whoever's layer it is seen in: the labels of
    /// `first` (the user's own, or the defaults) in their order and colours, then every other
    /// label found in `others`, sorted by name, with the next palette colours. The order of a
    /// teammate's own list never matters.
    pub fn unified<'a>(
        first: &LabelScheme,
        others: impl IntoIterator<Item = &'a LabelScheme>,
    ) -> Self {
        let mut scheme = first.clone();
        let mut rest: Vec<&str> = others
            .into_iter()
            .flat_map(|s| s.labels.iter().map(|l| l.name.as_str()))
            .filter(|name| first.get(name).is_none())
            .collect();
        rest.sort_unstable();
        rest.dedup();
        for name in rest {
            scheme.ensure(name);
        }
        scheme
    }
}

/// Checks that a label name is usable: not empty, no surrounding whitespace, no control
/// characters, at most 64 characters.
pub fn validate_label_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("A label needs a name".to_owned());
    }
    if name.trim() != name {
        return Err("A label name cannot start or end with a space".to_owned());
    }
    if name.chars().any(char::is_control) {
        return Err("A label name cannot contain tabs or line breaks".to_owned());
    }
    if name.chars().count() > 64 {
        return Err("A label name can have at most 64 characters".to_owned());
    }
    Ok(())
}

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
            &self.relations,
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
            &other.relations,
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

/// Finds the spans overlapping a range in `O(log n + k)`.
///
/// Spans are grouped by length class (lengths up to 1, 2, 4, 8, … code points); within a
/// class they are sorted by start. A span of class `c` that overlaps `[a, b)` must start in
/// `(a - 2^c, b)`, a window found by binary search.
#[derive(Debug, Clone, Default)]
pub struct SpanIndex {
    classes: Vec<Vec<IndexEntry>>,
}

#[derive(Debug, Clone, Copy)]
struct IndexEntry {
    start: usize,
    end: usize,
    position: usize,
}

impl SpanIndex {
    /// Builds the index of a sorted span list.
    pub fn build(spans: &[Span]) -> Self {
        let mut classes: Vec<Vec<IndexEntry>> = Vec::new();
        for (position, span) in spans.iter().enumerate() {
            let class = length_class(span.len());
            if classes.len() <= class {
                classes.resize_with(class + 1, Vec::new);
            }
            // Spans arrive sorted by start, so each class stays sorted.
            classes[class].push(IndexEntry {
                start: span.start,
                end: span.end,
                position,
            });
        }
        Self { classes }
    }

    /// Positions (into the indexed span list) of the spans overlapping `[range.start,
    /// range.end)`, in ascending order. An empty range finds the spans containing that point.
    pub fn overlapping(&self, range: Range<usize>) -> Vec<usize> {
        let mut out = Vec::new();
        self.any_overlapping(range, |position| {
            out.push(position);
            false
        });
        out.sort_unstable();
        out
    }

    /// Whether `found` holds for the position of any span overlapping `[range.start,
    /// range.end)` (an empty range: containing that point), without collecting them: stops
    /// at the first. [`Self::overlapping`] collects them through it.
    pub fn any_overlapping(
        &self,
        range: Range<usize>,
        mut found: impl FnMut(usize) -> bool,
    ) -> bool {
        let (a, b) = (range.start, range.end.max(range.start + 1));
        for (class, entries) in self.classes.iter().enumerate() {
            let max_len = 1usize << class;
            // A span of this class ends at most `max_len` after its start.
            let first = match a.checked_sub(max_len) {
                Some(lo) => entries.partition_point(|e| e.start <= lo),
                None => 0,
            };
            for e in &entries[first..] {
                if e.start >= b {
                    break;
                }
                if e.end > a && found(e.position) {
                    return true;
                }
            }
        }
        false
    }
}

fn length_class(len: usize) -> usize {
    let len = len.max(1);
    (usize::BITS - (len - 1).leading_zeros()) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(id: u64, start: usize, end: usize, label: &str) -> Span {
        Span {
            id,
            start,
            end,
            label: label.to_owned(),
            text: String::new(),
            note: None,
        }
    }

    #[test]
    fn spans_stay_sorted_deterministically() {
        let mut layer = Layer::new("a");
        for (id, s, e, l) in [
            (1, 5, 9, "event"),
            (2, 0, 20, "claim"),
            (3, 5, 9, "actor"),
            (4, 0, 3, "actor"),
        ] {
            layer.insert(span(id, s, e, l));
        }
        let order: Vec<u64> = layer.spans().iter().map(|s| s.id).collect();
        assert_eq!(order, [4, 2, 3, 1]);
        let shuffled = Layer::from_parts(
            "a",
            LabelScheme::default(),
            vec![
                span(1, 5, 9, "event"),
                span(3, 5, 9, "actor"),
                span(4, 0, 3, "actor"),
                span(2, 0, 20, "claim"),
            ],
            vec![],
        );
        assert_eq!(shuffled.spans(), layer.spans());
    }

    #[test]
    fn unknown_labels_join_the_scheme() {
        let layer = Layer::from_parts(
            "a",
            LabelScheme::default(),
            vec![span(1, 0, 1, "quote")],
            vec![],
        );
        assert!(layer.scheme.get("quote").is_some());
        // New ids come from this session's block, above the file's old ids.
        let tag = crate::team::ids::session_tag();
        assert_eq!(
            layer.allocate_id_peek(),
            crate::team::ids::first_free(tag, [1])
        );
        let mut old_scheme = layer.clone();
        old_scheme.set_id_tag(0);
        assert_eq!(old_scheme.allocate_id_peek(), 2, "tag 0: largest id + 1");
    }

    impl Layer {
        fn allocate_id_peek(&self) -> u64 {
            self.next_id
        }
    }

    #[test]
    fn index_matches_brute_force() {
        let mut spans = Vec::new();
        let mut seed = 7u64;
        let mut rnd = |m: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            usize::try_from(seed >> 33).unwrap_or(0) % m
        };
        for id in 0..500 {
            let start = rnd(1000);
            let len = if rnd(10) == 0 {
                rnd(900) + 1
            } else {
                rnd(12) + 1
            };
            spans.push(span(id, start, start + len, "claim"));
        }
        spans.sort_by(Span::order);
        let index = SpanIndex::build(&spans);
        for a in (0..1100).step_by(13) {
            for w in [0, 1, 5, 40, 300] {
                let expected: Vec<usize> = spans
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.start < (a + w).max(a + 1) && s.end > a)
                    .map(|(i, _)| i)
                    .collect();
                assert_eq!(
                    index.overlapping(a..a + w),
                    expected,
                    "range {a}..{}",
                    a + w
                );
            }
        }
    }

    #[test]
    fn counts_and_lookups_follow_every_change() {
        let mut layer = Layer::from_parts(
            "a",
            LabelScheme::default(),
            vec![span(1, 0, 2, "claim"), span(2, 1, 3, "quote")],
            vec![],
        );
        layer.insert(span(3, 5, 6, "actor"));
        layer.insert(span(4, 0, 9, "claim"));
        layer.remove(1);
        let mut relabelled = layer.get(3).unwrap().clone();
        relabelled.label = "claim".into();
        layer.replace(relabelled);
        let brute = |label: &str| layer.spans().iter().filter(|s| s.label == label).count();
        for (name, n) in layer.counts() {
            assert_eq!(n, brute(&name), "{name}");
        }
        assert_eq!(
            layer
                .counts()
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>(),
            ["claim", "actor", "event", "quote"]
        );
        for (i, s) in layer.spans().iter().enumerate() {
            assert_eq!(layer.position(s.id), Some(i));
        }
        assert_eq!(layer.get(1), None);
    }

    #[test]
    fn a_layer_with_many_labels_counts_each_and_keeps_their_order() {
        // 40 labels (past the short list), each used by i + 1 spans, interleaved.
        let mut spans = Vec::new();
        let mut id = 0;
        for round in 0..40 {
            for label in round..40 {
                id += 1;
                spans.push(Span {
                    id,
                    start: id as usize,
                    end: id as usize + 1,
                    label: format!("l{label:02}"),
                    text: "x".into(),
                    note: None,
                });
            }
        }
        let layer = Layer::from_parts("a", LabelScheme::new([]), spans, Vec::new());
        let names: Vec<String> = layer
            .scheme
            .labels()
            .iter()
            .map(|l| l.name.clone())
            .collect();
        let expected: Vec<String> = (0..40).map(|i| format!("l{i:02}")).collect();
        assert_eq!(names, expected, "first use order");
        let counts: std::collections::HashMap<String, usize> = layer.counts().into_iter().collect();
        for i in 0..40 {
            assert_eq!(counts[&format!("l{i:02}")], i + 1, "l{i:02}");
        }
    }

    #[test]
    fn hex_colours_parse() {
        assert_eq!(parse_hex_color("#4e79a7"), Some([0x4e, 0x79, 0xa7]));
        assert_eq!(parse_hex_color("4e79a7"), None);
        assert_eq!(parse_hex_color("#4e79é"), None);
    }
}
