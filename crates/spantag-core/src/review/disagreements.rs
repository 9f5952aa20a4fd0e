//! Where annotators disagree, and how.
//!
//! Spans that every annotator made identically (same start, end and label) are agreements and
//! never part of a disagreement; a range tagged with two labels by everyone (stacked spans) is
//! two agreements. Of the rest:
//!
//! 1. **Label**: the same range carries different labels from two or more annotators.
//! 2. **Boundary**: spans with the same label from two or more annotators overlap with
//!    different boundaries (overlapping spans of one label are grouped transitively).
//! 3. **Missing**: a span that some annotators made and the others did not (nobody made a
//!    span of that label overlapping it with other boundaries).
//!
//! Two overlapping spans with different labels *and* different ranges are two **Missing**
//! disagreements (each span is missing from the other annotator's layer).
//!
//! 4. **Attributes**: everyone made the span (same start, end and label) but not with the
//!    same attributes or pieces.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::annotation::{Layer, Span};

/// The kind of a disagreement (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DisagreementKind {
    /// Some annotators made the span, others did not.
    Missing,
    /// The same range with different labels.
    Label,
    /// Overlapping ranges (same label) with different boundaries.
    Boundary,
    /// The same span with different attributes or pieces.
    Attributes,
}

impl DisagreementKind {
    /// A short name for lists.
    pub fn name(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::Label => "label",
            Self::Boundary => "boundary",
            Self::Attributes => "attributes",
        }
    }
}

/// One span an annotator made, as part of a disagreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Said {
    /// The span's id in its annotator's layer.
    pub id: u64,
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The label.
    pub label: String,
    /// Its attributes (absent when none).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub attrs: BTreeMap<String, String>,
    /// Its pieces, when discontinuous.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fragments: Vec<(usize, usize)>,
}

/// What one annotator said at a disagreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Says {
    /// The annotator.
    pub annotator: String,
    /// Their spans in it; empty when they made none there.
    pub spans: Vec<Said>,
}

/// A place where annotators disagree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Disagreement {
    /// How they disagree.
    pub kind: DisagreementKind,
    /// First code point of all spans involved.
    pub start: usize,
    /// One past the last code point of all spans involved.
    pub end: usize,
    /// Every compared annotator, in layer order, with what they said here.
    pub says: Vec<Says>,
}

impl Disagreement {
    /// Annotators who made no span here.
    pub fn silent(&self) -> impl Iterator<Item = &str> {
        self.says
            .iter()
            .filter(|s| s.spans.is_empty())
            .map(|s| s.annotator.as_str())
    }

    /// Whether a reviewer has settled it in `layer` (the curated one): a decision recorded
    /// there holds its extent ([`crate::review::decision`]), the layer holds one of the spans
    /// involved (same range and label), or rejected every one of them.
    pub fn settled_by(&self, layer: &Layer) -> bool {
        let spans = || self.says.iter().flat_map(|s| &s.spans);
        if self.kind == DisagreementKind::Attributes {
            // Settled when the curated span has one version's attributes and pieces.
            return layer.decision_over(self.start, self.end).is_some()
                || spans().any(|s| {
                    layer
                        .find_duplicate(s.start..s.end, &s.label)
                        .is_some_and(|c| c.attrs == s.attrs && c.fragments == s.fragments)
                });
        }
        layer.decision_over(self.start, self.end).is_some()
            || spans().any(|s| layer.find_duplicate(s.start..s.end, &s.label).is_some())
            || (spans().next().is_some()
                && spans().all(|s| layer.is_rejected(s.start, s.end, &s.label)))
    }
}

/// The first disagreement that starts after `offset` (for "next" in a navigator), wrapping
/// around to the first; `None` when there are none. `list` is sorted as
/// [`find_disagreements`] returns it.
pub fn next_after(list: &[Disagreement], offset: usize) -> Option<usize> {
    let at = list.partition_point(|d| d.start <= offset);
    (!list.is_empty()).then_some(if at < list.len() { at } else { 0 })
}

/// The last disagreement that starts before `offset` (for "previous"), wrapping around to
/// the last; `None` when there are none.
pub fn previous_before(list: &[Disagreement], offset: usize) -> Option<usize> {
    let at = list.partition_point(|d| d.start < offset);
    (!list.is_empty()).then(|| at.checked_sub(1).unwrap_or(list.len() - 1))
}

/// A span not agreed by everyone: (layer index, span).
type Open<'a> = (usize, &'a Span);

/// The disagreements between layers (one per annotator), sorted by position. With fewer than
/// two layers there are none.
pub fn find_disagreements(layers: &[Layer]) -> Vec<Disagreement> {
    if layers.len() < 2 {
        return Vec::new();
    }
    // 1. Remove what everyone made identically: per (start, end, label), as many copies as
    //    the annotator with the fewest has.
    let mut by_key: BTreeMap<(usize, usize, &str), Vec<Vec<&Span>>> = BTreeMap::new();
    for (k, layer) in layers.iter().enumerate() {
        for span in layer.spans() {
            by_key
                .entry((span.start, span.end, span.label.as_str()))
                .or_insert_with(|| vec![Vec::new(); layers.len()])[k]
                .push(span);
        }
    }
    let mut open: Vec<Open<'_>> = Vec::new();
    let mut out = Vec::new();
    for per_layer in by_key.values() {
        let agreed = per_layer.iter().map(Vec::len).min().unwrap_or(0);
        // Everyone made it: the same attributes and pieces, or an attributes disagreement.
        if agreed > 0 {
            let firsts: Vec<Open<'_>> = per_layer.iter().map(|v| v[0]).enumerate().collect();
            let (first, rest) = (firsts[0].1, &firsts[1..]);
            if rest
                .iter()
                .any(|o| o.1.attrs != first.attrs || o.1.fragments != first.fragments)
            {
                out.push(make(DisagreementKind::Attributes, layers, &firsts));
            }
        }
        for (k, spans) in per_layer.iter().enumerate() {
            open.extend(spans[agreed..].iter().map(|s| (k, *s)));
        }
    }
    // 2. Label: one range, two or more labels, two or more annotators.
    let mut by_range: BTreeMap<(usize, usize), Vec<Open<'_>>> = BTreeMap::new();
    for item in open {
        by_range
            .entry((item.1.start, item.1.end))
            .or_default()
            .push(item);
    }
    let mut rest: Vec<Open<'_>> = Vec::new();
    for group in by_range.into_values() {
        if labels_conflict(&group) {
            out.push(make(DisagreementKind::Label, layers, &group));
        } else {
            rest.extend(group);
        }
    }
    // 3. Boundary and Missing: per label, overlapping spans grouped transitively.
    let mut by_label: BTreeMap<&str, Vec<Open<'_>>> = BTreeMap::new();
    for item in rest {
        by_label
            .entry(item.1.label.as_str())
            .or_default()
            .push(item);
    }
    for mut items in by_label.into_values() {
        items.sort_by_key(|o| (o.1.start, o.1.end, o.0, o.1.id));
        let mut group: Vec<Open<'_>> = Vec::new();
        let mut group_end = 0;
        for item in items {
            if !group.is_empty() && item.1.start >= group_end {
                emit_label_group(layers, std::mem::take(&mut group), &mut out);
            }
            group_end = if group.is_empty() {
                item.1.end
            } else {
                group_end.max(item.1.end)
            };
            group.push(item);
        }
        if !group.is_empty() {
            emit_label_group(layers, group, &mut out);
        }
    }
    out.sort_by_key(|a| (a.start, a.end, a.kind));
    out
}

/// Whether two annotators put different labels on the range: one has a label the other
/// lacks and the other way round (a stacked extra label alone is a missing span, not a
/// conflict).
fn labels_conflict(group: &[Open<'_>]) -> bool {
    let mut sets: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for o in group {
        sets.entry(o.0).or_default().push(o.1.label.as_str());
    }
    let sets: Vec<Vec<&str>> = sets.into_values().collect();
    sets.iter().enumerate().any(|(i, x)| {
        sets[i + 1..]
            .iter()
            .any(|y| x.iter().any(|l| !y.contains(l)) && y.iter().any(|l| !x.contains(l)))
    })
}

/// Overlapping spans of one label: a boundary disagreement when two or more annotators made
/// them, else one missing-span disagreement per range.
fn emit_label_group(layers: &[Layer], group: Vec<Open<'_>>, out: &mut Vec<Disagreement>) {
    let ranges = distinct(group.iter().map(|o| (o.1.start, o.1.end)));
    if ranges >= 2 && distinct(group.iter().map(|o| o.0)) >= 2 {
        out.push(make(DisagreementKind::Boundary, layers, &group));
        return;
    }
    let mut by_range: BTreeMap<(usize, usize), Vec<Open<'_>>> = BTreeMap::new();
    for item in group {
        by_range
            .entry((item.1.start, item.1.end))
            .or_default()
            .push(item);
    }
    for items in by_range.into_values() {
        out.push(make(DisagreementKind::Missing, layers, &items));
    }
}

fn distinct<T: Ord>(items: impl Iterator<Item = T>) -> usize {
    let mut v: Vec<T> = items.collect();
    v.sort();
    v.dedup();
    v.len()
}

fn make(kind: DisagreementKind, layers: &[Layer], items: &[Open<'_>]) -> Disagreement {
    let start = items.iter().map(|o| o.1.start).min().unwrap_or(0);
    let end = items.iter().map(|o| o.1.end).max().unwrap_or(0);
    let says = layers
        .iter()
        .enumerate()
        .map(|(k, layer)| {
            let mut spans: Vec<Said> = items
                .iter()
                .filter(|o| o.0 == k)
                .map(|o| Said {
                    id: o.1.id,
                    start: o.1.start,
                    end: o.1.end,
                    label: o.1.label.clone(),
                    attrs: o.1.attrs.clone(),
                    fragments: o.1.fragments.clone(),
                })
                .collect();
            spans.sort_by(|a, b| (a.start, a.end, &a.label).cmp(&(b.start, b.end, &b.label)));
            Says {
                annotator: layer.annotator.clone(),
                spans,
            }
        })
        .collect();
    Disagreement {
        kind,
        start,
        end,
        says,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::test_support::layer;

    fn said(d: &Disagreement, who: &str) -> Vec<(usize, usize, String)> {
        d.says
            .iter()
            .find(|s| s.annotator == who)
            .map(|s| {
                s.spans
                    .iter()
                    .map(|x| (x.start, x.end, x.label.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn identical_and_stacked_spans_are_never_disagreements() {
        let spans = [
            (0, 10, "claim"),
            (0, 10, "event"), // stacked on the claim
            (0, 4, "actor"),  // nested
            (20, 30, "claim"),
        ];
        let layers = [
            layer("alice", &spans),
            layer("bob", &spans),
            layer("chen", &spans),
        ];
        assert!(find_disagreements(&layers).is_empty());
        // One layer, or none: nothing to disagree with.
        assert!(find_disagreements(&layers[..1]).is_empty());
        assert!(find_disagreements(&[]).is_empty());
        // Empty layers agree.
        assert!(find_disagreements(&[layer("a", &[]), layer("b", &[])]).is_empty());
    }

    #[test]
    fn the_three_kinds_with_who_said_what() {
        let alice = layer(
            "alice",
            &[
                (0, 10, "claim"),  // agreed by all
                (0, 4, "actor"),   // missing in chen
                (12, 18, "actor"), // label: bob says event
                (20, 30, "claim"), // boundary: bob 20–28
                (40, 45, "event"), // only alice
            ],
        );
        let bob = layer(
            "bob",
            &[
                (0, 10, "claim"),
                (0, 4, "actor"),
                (12, 18, "event"),
                (20, 28, "claim"),
            ],
        );
        let chen = layer(
            "chen",
            &[(0, 10, "claim"), (12, 18, "actor"), (20, 30, "claim")],
        );
        let found = find_disagreements(&[alice, bob, chen]);
        let kinds: Vec<(DisagreementKind, usize, usize)> =
            found.iter().map(|d| (d.kind, d.start, d.end)).collect();
        assert_eq!(
            kinds,
            [
                (DisagreementKind::Missing, 0, 4),
                (DisagreementKind::Label, 12, 18),
                (DisagreementKind::Boundary, 20, 30),
                (DisagreementKind::Missing, 40, 45),
            ]
        );
        let missing_actor = &found[0];
        assert_eq!(said(missing_actor, "alice"), [(0, 4, "actor".into())]);
        assert_eq!(missing_actor.silent().collect::<Vec<_>>(), ["chen"]);
        let label = &found[1];
        assert_eq!(said(label, "bob"), [(12, 18, "event".into())]);
        assert_eq!(said(label, "chen"), [(12, 18, "actor".into())]);
        let boundary = &found[2];
        assert_eq!(said(boundary, "bob"), [(20, 28, "claim".into())]);
        assert_eq!(said(boundary, "alice"), [(20, 30, "claim".into())]);
        assert_eq!(found[3].silent().collect::<Vec<_>>(), ["bob", "chen"]);
    }

    #[test]
    fn a_stack_only_some_made_is_missing_for_the_extra_label() {
        // Everyone said claim at 0–10; bob also stacked event on it.
        let alice = layer("alice", &[(0, 10, "claim")]);
        let bob = layer("bob", &[(0, 10, "claim"), (0, 10, "event")]);
        let found = find_disagreements(&[alice, bob]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, DisagreementKind::Missing);
        assert_eq!(said(&found[0], "bob"), [(0, 10, "event".into())]);
    }

    #[test]
    fn an_extra_stacked_label_is_missing_not_a_label_conflict() {
        // Three annotators: alice stacked event on the claim, bob made the claim, chen nothing.
        let alice = layer("alice", &[(0, 10, "claim"), (0, 10, "event")]);
        let bob = layer("bob", &[(0, 10, "claim")]);
        let chen = layer("chen", &[]);
        let found = find_disagreements(&[alice, bob, chen]);
        let kinds: Vec<DisagreementKind> = found.iter().map(|d| d.kind).collect();
        assert_eq!(
            kinds,
            [DisagreementKind::Missing, DisagreementKind::Missing],
            "{found:?}"
        );
        assert_eq!(said(&found[0], "bob"), [(0, 10, "claim".into())]);
        assert_eq!(found[0].silent().collect::<Vec<_>>(), ["chen"]);
    }

    #[test]
    fn next_and_previous_wrap_around() {
        let alice = layer(
            "alice",
            &[(0, 4, "actor"), (10, 14, "actor"), (20, 24, "actor")],
        );
        let found = find_disagreements(&[alice, layer("bob", &[])]);
        assert_eq!(next_after(&found, 0), Some(1));
        assert_eq!(next_after(&found, 10), Some(2));
        assert_eq!(next_after(&found, 20), Some(0));
        assert_eq!(previous_before(&found, 20), Some(1));
        assert_eq!(previous_before(&found, 0), Some(2));
        assert_eq!(next_after(&[], 5), None);
        assert_eq!(previous_before(&[], 5), None);
    }

    #[test]
    fn settled_by_a_curated_span() {
        let alice = layer("alice", &[(0, 4, "actor")]);
        let bob = layer("bob", &[]);
        let found = find_disagreements(&[alice.clone(), bob]);
        assert_eq!(found.len(), 1);
        assert!(found[0].settled_by(&alice));
        assert!(!found[0].settled_by(&layer("curated", &[(0, 4, "claim")])));
    }
}
