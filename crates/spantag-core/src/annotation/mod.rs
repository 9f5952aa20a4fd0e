//! Spans, relations, labels and an annotator's layer, plus the index that finds the spans
//! overlapping a range without scanning them all.
//!
//! `scheme` holds labels and label schemes, `layer` an annotator's layer, `index` the
//! overlap index; their items are re-exported here.

mod index;
mod layer;
mod scheme;

pub use index::SpanIndex;
pub use layer::{IdHash, IdHasher, Layer, Rejection};
pub use scheme::{Label, LabelScheme, PALETTE, parse_hex_color, validate_label_name};

use std::cmp::Ordering;
use std::ops::Range;

use serde::{Deserialize, Serialize};

/// One annotated span. Offsets are Unicode code points, half-open `[start, end)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
    /// Attribute values set on the span, by attribute name (`negated: "true"`, `certainty:
    /// "hedged"`); an attribute not set is absent (see [`crate::project::Attribute`]).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub attrs: std::collections::BTreeMap<String, String>,
    /// The pieces of a discontinuous span ("North … Korea"), code points, sorted and apart:
    /// the first starts at `start`, the last ends at `end`. Empty for a continuous span
    /// (one piece, `start..end`). `text` is always the whole `start..end`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fragments: Vec<(usize, usize)>,
}

impl Span {
    /// A span with this id over `[range.start, range.end)` covering `text` (the document's
    /// text there), labelled `label`, without a note.
    pub fn new(
        id: u64,
        range: Range<usize>,
        label: impl Into<String>,
        text: impl Into<String>,
    ) -> Self {
        Self {
            id,
            start: range.start,
            end: range.end,
            label: label.into(),
            text: text.into(),
            note: None,
            attrs: std::collections::BTreeMap::new(),
            fragments: Vec::new(),
        }
    }

    /// The pieces the span covers: its fragments, or `start..end` when it has none.
    pub fn pieces(&self) -> Vec<Range<usize>> {
        if self.fragments.is_empty() {
            std::iter::once(self.start..self.end).collect()
        } else {
            self.fragments.iter().map(|&(s, e)| s..e).collect()
        }
    }

    /// Whether the span has several pieces.
    pub fn is_discontinuous(&self) -> bool {
        self.fragments.len() > 1
    }

    /// Whether `fragments` are pieces of `start..end` as [`Span::fragments`] says: none, or
    /// at least two, each non-empty, sorted with a gap between them, the first starting at
    /// `start` and the last ending at `end`.
    pub fn fragments_fit(fragments: &[(usize, usize)], start: usize, end: usize) -> bool {
        if fragments.is_empty() {
            return true;
        }
        fragments.len() >= 2
            && fragments.first().is_some_and(|f| f.0 == start)
            && fragments.last().is_some_and(|f| f.1 == end)
            && fragments.iter().all(|&(s, e)| s < e)
            && fragments.windows(2).all(|w| w[0].1 < w[1].0)
    }

    /// Moves the fragments by `shift` code points (the caller moves `start` and `end`).
    pub fn shift_fragments(&mut self, shift: i64) {
        let moved = |n: usize| usize::try_from(i64::try_from(n).unwrap_or(i64::MAX) + shift);
        let fragments: Option<Vec<(usize, usize)>> = self
            .fragments
            .iter()
            .map(|&(s, e)| Some((moved(s).ok()?, moved(e).ok()?)))
            .collect();
        self.fragments = fragments.unwrap_or_default();
    }

    /// The same span with this note (`None`: without one).
    #[must_use]
    pub fn with_note(mut self, note: Option<String>) -> Self {
        self.note = note;
        self
    }

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

/// An event (brat's `E` lines): a trigger span, the event's type, and its arguments, each a
/// role and a span or another event (`Attack:T3 Attacker:T1 Target:T2`). Drawn like
/// relations from the trigger.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Event {
    /// Stable id (the same id space as spans and relations).
    pub id: u64,
    /// The event's type.
    pub label: String,
    /// The trigger span's id.
    pub trigger: u64,
    /// The arguments, in the order given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<EventArg>,
    /// Attribute values on the event (brat `A` lines naming it).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub attrs: std::collections::BTreeMap<String, String>,
    /// A free-form note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One argument of an [`Event`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EventArg {
    /// Its role (`Attacker`, `Theme2`).
    pub role: String,
    /// The span's or the other event's id.
    pub to: u64,
}

/// Spans that stand for the same thing (brat's `*` lines: `* Equiv T1 T2`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Equivalence {
    /// Its type (`Equiv`).
    pub label: String,
    /// The spans' ids.
    pub members: Vec<u64>,
}

/// Takes out of `events` and `equivalences` what refers to spans that are gone: an event
/// whose trigger is gone (and, in turn, arguments naming a removed event), arguments naming a
/// gone span, members that are gone (an equivalence left with fewer than two goes). Returns
/// whether anything changed.
pub fn prune_references(
    events: &mut Vec<Event>,
    equivalences: &mut Vec<Equivalence>,
    gone: &dyn Fn(u64) -> bool,
) -> bool {
    let before = (events.len(), equivalences.clone(), events.clone());
    let mut dropped: std::collections::HashSet<u64> = std::collections::HashSet::new();
    loop {
        let n = dropped.len();
        events.retain(|e| {
            let keep = !gone(e.trigger) && !dropped.contains(&e.id);
            if !keep {
                dropped.insert(e.id);
            }
            keep
        });
        if dropped.len() == n {
            break;
        }
    }
    for event in events.iter_mut() {
        event
            .args
            .retain(|a| !gone(a.to) && !dropped.contains(&a.to));
    }
    for eq in equivalences.iter_mut() {
        eq.members.retain(|&m| !gone(m));
    }
    equivalences.retain(|eq| eq.members.len() >= 2);
    (events.len(), &*equivalences, &*events) != (before.0, &before.1, &before.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(id: u64, start: usize, end: usize, label: &str) -> Span {
        Span::new(id, start..end, label, "")
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
            self.next_id()
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
                spans.push(Span::new(
                    id,
                    id as usize..id as usize + 1,
                    format!("l{label:02}"),
                    "x",
                ));
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
