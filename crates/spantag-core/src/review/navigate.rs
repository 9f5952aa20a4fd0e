//! Settling disagreements into the curated layer, one at a time or all agreed at once: the
//! edits the review mode applies (each one undoable step), and the navigator's state.

use std::collections::BTreeSet;

use crate::annotation::{Layer, Rejection, Span};
use crate::document::Document;
use crate::edit::Edit;

use super::curate::{CurateOptions, accepted_spans};
use super::decision::{Decision, Outcome};
use super::{Disagreement, Said, find_disagreements};

/// The disagreements of a document's annotator layers and which are settled.
#[derive(Debug, Default, Clone)]
pub struct Navigator {
    disagreements: Vec<Disagreement>,
    /// The one shown.
    current: Option<usize>,
}

impl Navigator {
    /// Finds the disagreements between `layers` (the annotators shown).
    pub fn new(layers: &[Layer]) -> Self {
        Self {
            disagreements: find_disagreements(layers),
            current: None,
        }
    }

    /// Recomputes the disagreements (layers shown or hidden).
    pub fn recompute(&mut self, layers: &[Layer]) {
        let current = self.current().map(|d| d.start);
        self.disagreements = find_disagreements(layers);
        self.current =
            current.and_then(|start| self.disagreements.iter().position(|d| d.start >= start));
    }

    /// Every disagreement, by position.
    pub fn all(&self) -> &[Disagreement] {
        &self.disagreements
    }

    /// The one shown, if any.
    pub fn current(&self) -> Option<&Disagreement> {
        self.current.and_then(|i| self.disagreements.get(i))
    }

    /// Its index.
    pub fn current_index(&self) -> Option<usize> {
        self.current
    }

    /// Whether a disagreement is settled: the curated layer holds one of its spans, or the
    /// curator rejected them all (the rejections are kept in the curated layer, so they are
    /// undone with it and saved in its file).
    pub fn is_settled(&self, d: &Disagreement, curated: &Layer) -> bool {
        d.settled_by(curated)
    }

    /// How many are not settled yet.
    pub fn open_count(&self, curated: &Layer) -> usize {
        self.disagreements
            .iter()
            .filter(|d| !self.is_settled(d, curated))
            .count()
    }

    /// Moves to the next (or previous) open disagreement after (before) the current one, or
    /// after `offset` when none is current, wrapping around; settled ones are skipped unless
    /// all are settled. Returns its start offset.
    pub fn step(&mut self, forward: bool, offset: usize, curated: &Layer) -> Option<usize> {
        let n = self.disagreements.len();
        if n == 0 {
            return None;
        }
        let from = match self.current {
            Some(i) => i,
            None if forward => self
                .disagreements
                .partition_point(|d| d.start < offset)
                .checked_sub(1)
                .unwrap_or(n - 1),
            None => self.disagreements.partition_point(|d| d.start < offset) % n,
        };
        let order = (1..=n).map(|k| {
            if forward {
                (from + k) % n
            } else {
                (from + n - k % n) % n
            }
        });
        let open: Vec<usize> = order
            .clone()
            .filter(|&i| !self.is_settled(&self.disagreements[i], curated))
            .collect();
        let next = open.first().copied().or_else(|| order.clone().next())?;
        self.current = Some(next);
        Some(self.disagreements[next].start)
    }
}

/// The curated spans that come from one of the disagreement's versions (same range and label
/// as a span some annotator made there).
fn curated_versions<'a>(curated: &'a Layer, d: &Disagreement) -> Vec<&'a Span> {
    let mut out: Vec<&Span> = d
        .says
        .iter()
        .flat_map(|s| &s.spans)
        .filter_map(|s| curated.find_duplicate(s.start..s.end, &s.label))
        .collect();
    out.sort_by_key(|s| s.id);
    out.dedup_by_key(|s| s.id);
    out
}

/// The edit that makes annotator `who`'s version of a disagreement the curated one: their
/// spans there are added, the other versions already in the curated layer removed, and the
/// decision recorded ([`Decision`]). When `who` made no span there, that is the version
/// chosen: every other version leaves the curated layer and is recorded as rejected, as
/// [`reject`] does. The notes of the spans accepted come along, and the relations of `who`'s
/// layer (`layers[who]`, the layers the disagreement was found in) between spans the curated
/// layer then holds. One step.
pub fn accept_version(
    doc: &Document,
    curated: &Layer,
    d: &Disagreement,
    who: usize,
    layers: &[Layer],
) -> Edit {
    let Some(says) = d.says.get(who) else {
        return Edit::Batch(Vec::new());
    };
    let source = layers.get(who);
    if says.spans.is_empty() {
        let mut edits = reject_edits(doc, curated, d);
        edits.push(Edit::Decide(Decision::new(
            doc,
            d.start,
            d.end,
            Outcome::NoSpan,
            &says.annotator,
        )));
        return Edit::Batch(edits);
    }
    let keep: BTreeSet<(usize, usize, &str)> = says
        .spans
        .iter()
        .map(|s| (s.start, s.end, s.label.as_str()))
        .collect();
    let mut edits: Vec<Edit> = curated_versions(curated, d)
        .into_iter()
        .filter(|s| !keep.contains(&(s.start, s.end, s.label.as_str())))
        .map(|s| Edit::RemoveSpan(s.id))
        .collect();
    let mut next = curated.next_id();
    let mut added: Vec<(super::curate::Accepted, u64)> = Vec::new();
    for said in &says.spans {
        // Accepted after all: no longer rejected.
        if curated.is_rejected(said.start, said.end, &said.label) {
            edits.push(Edit::Unreject(rejection(doc, said)));
        }
        if let Some(existing) = curated.find_duplicate(said.start..said.end, &said.label) {
            // The curated span is there: it takes this version's attributes and pieces.
            edits.extend(align_details(existing, said, doc));
            continue;
        }
        if said.end > doc.char_len() {
            continue;
        }
        let chosen = source.and_then(|l| l.get(said.id));
        // The chosen version's note, attributes and pieces come with it.
        edits.push(Edit::AddSpan(Span {
            id: next,
            start: said.start,
            end: said.end,
            label: said.label.clone(),
            text: doc.slice(said.start..said.end).to_owned(),
            note: chosen.and_then(|s| s.note.clone()),
            attrs: chosen.map(|s| s.attrs.clone()).unwrap_or_default(),
            fragments: chosen.map(|s| s.fragments.clone()).unwrap_or_default(),
        }));
        added.push(((said.start, said.end, said.label.clone()), next));
        next += 1;
    }
    // The chosen annotator's relations between spans the curated layer then holds.
    if let Some(source) = source {
        let mine = super::curate::agreed_relations(std::slice::from_ref(source), 1);
        let touches = |key: &super::curate::Accepted| added.iter().any(|(k, _)| k == key);
        let mine: Vec<_> = mine
            .into_iter()
            .filter(|(from, to, _)| touches(from) || touches(to))
            .collect();
        edits.extend(relation_edits(&mine, curated, &added, &mut next));
    }
    edits.push(Edit::Decide(Decision::new(
        doc,
        d.start,
        d.end,
        Outcome::Accept,
        &says.annotator,
    )));
    Edit::Batch(edits)
}

/// The edit that rejects a disagreement: every version of it leaves the curated layer, and
/// each annotator's span there is recorded as rejected in it (its `rejected` list), so that
/// the disagreement stays settled when the document is opened again and "Accept all agreed"
/// (or `spantag curate`) does not bring a version back; the decision is recorded. One step.
pub fn reject(doc: &Document, curated: &Layer, d: &Disagreement) -> Edit {
    let mut edits = reject_edits(doc, curated, d);
    edits.push(Edit::Decide(Decision::new(
        doc,
        d.start,
        d.end,
        Outcome::Reject,
        "",
    )));
    Edit::Batch(edits)
}

/// Removes every curated version of a disagreement and records each as rejected.
fn reject_edits(doc: &Document, curated: &Layer, d: &Disagreement) -> Vec<Edit> {
    let mut edits: Vec<Edit> = curated_versions(curated, d)
        .into_iter()
        .map(|s| Edit::RemoveSpan(s.id))
        .collect();
    let mut seen = BTreeSet::new();
    for span in d.says.iter().flat_map(|s| &s.spans) {
        if seen.insert((span.start, span.end, span.label.as_str()))
            && !curated.is_rejected(span.start, span.end, &span.label)
        {
            edits.push(Edit::Reject(rejection(doc, span)));
        }
    }
    edits
}

/// An annotator's span as a rejection in the curated layer (with the text it covers).
fn rejection(doc: &Document, said: &Said) -> Rejection {
    Rejection {
        start: said.start,
        end: said.end,
        label: said.label.clone(),
        text: doc.slice(said.start..said.end).to_owned(),
    }
}

/// The edits that give the curated span `existing` the attributes and pieces of `said`.
fn align_details(existing: &Span, said: &Said, doc: &Document) -> Vec<Edit> {
    let mut edits: Vec<Edit> = existing
        .attrs
        .keys()
        .chain(said.attrs.keys())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|name| existing.attrs.get(*name) != said.attrs.get(*name))
        .map(|name| Edit::SetAttr {
            id: existing.id,
            name: name.clone(),
            value: said.attrs.get(name).cloned(),
        })
        .collect();
    if existing.fragments != said.fragments {
        let pieces = if said.fragments.is_empty() {
            vec![(said.start, said.end)]
        } else {
            said.fragments.clone()
        };
        edits.push(Edit::SetPieces {
            id: existing.id,
            pieces,
            text: doc.slice(said.start..said.end).to_owned(),
        });
    }
    edits
}

/// "Accept all agreed": the edit adding to the curated layer every span the rules accept
/// (see [`CurateOptions`]) that it does not hold yet, the curator did not reject, that lies
/// outside every decided disagreement ([`Decision`]) and that no curated span of the same
/// label covers with other boundaries (a version the curator chose), and how many that is.
/// One step.
pub fn accept_agreed(
    doc: &Document,
    curated: &Layer,
    annotators: &[Layer],
    options: CurateOptions,
) -> (Edit, usize) {
    let mut next = curated.next_id();
    let mut edits = Vec::new();
    let mut added: Vec<(super::curate::Accepted, u64)> = Vec::new();
    let index = crate::annotation::SpanIndex::build(curated.spans());
    for (start, end, label) in accepted_spans(annotators, options) {
        if curated.find_duplicate(start..end, &label).is_some()
            || curated.is_rejected(start, end, &label)
            || Decision::covers_any(&curated.decisions, start, end)
            || super::curate::other_version(curated, &index, start, end, &label).is_some()
            || end > doc.char_len()
        {
            continue;
        }
        let (attrs, fragments) = super::curate::agreed_details(annotators, start, end, &label);
        edits.push(Edit::AddSpan(Span {
            id: next,
            start,
            end,
            note: super::curate::agreed_note(annotators, start, end, &label),
            attrs,
            fragments,
            label: label.clone(),
            text: doc.slice(start..end).to_owned(),
        }));
        added.push(((start, end, label), next));
        next += 1;
    }
    let n = edits.len();
    // Relations the agreeing annotators made between curated spans come along.
    let need = options.min_agree.unwrap_or(annotators.len());
    let agreed = super::curate::agreed_relations(annotators, need);
    edits.extend(relation_edits(&agreed, curated, &added, &mut next));
    // And the events they agree on, on spans the curated layer holds or is given here.
    let agreed_events = super::agreed_events::agreed_events(annotators, need);
    let new_events = super::agreed_events::events_to_add(&agreed_events, &curated.events, |k| {
        curated_id(curated, &added, k)
    });
    if !new_events.is_empty() {
        let mut events = curated.events.clone();
        for mut event in new_events {
            event.id = next;
            next += 1;
            events.push(event);
        }
        edits.push(Edit::SetEvents(Box::new((
            events,
            curated.equivalences.clone(),
        ))));
    }
    (Edit::Batch(edits), n)
}

/// The id of the span `key` in the curated layer: one given in this step (`added`), or one
/// it holds.
fn curated_id(
    curated: &Layer,
    added: &[(super::curate::Accepted, u64)],
    key: &super::curate::Accepted,
) -> Option<u64> {
    added
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, id)| *id)
        .or_else(|| curated.find_duplicate(key.0..key.1, &key.2).map(|s| s.id))
}

/// The edits adding the relations of `agreed` whose ends the curated layer holds, or is
/// being given in this step (`added`: each span's key and new id), and that it lacks; their
/// ids are taken from `next` on.
fn relation_edits(
    agreed: &[super::curate::RelationKey],
    curated: &Layer,
    added: &[(super::curate::Accepted, u64)],
    next: &mut u64,
) -> Vec<Edit> {
    super::curate::relations_to_add(agreed, &curated.relations, |k| {
        curated_id(curated, added, k)
    })
    .into_iter()
    .map(|(from, to, label)| {
        let id = *next;
        *next += 1;
        Edit::AddRelation(crate::annotation::Relation {
            id,
            from,
            to,
            label,
        })
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::apply;
    use crate::review::test_support::layer;

    #[test]
    fn different_attributes_on_one_span_are_a_disagreement_that_accepting_settles() {
        // Python: t = "Reyes said the levee is late."; t[0:5] == "Reyes", t[11:28] ==
        // "the levee is late".
        let doc = Document::from_text("Reyes said the levee is late.".into());
        let with = |who: &str, certainty: Option<&str>, negated: bool| {
            let mut l = layer(who, &[(0, 5, "actor"), (11, 28, "claim")]);
            let mut claim = l.spans()[1].clone();
            if let Some(c) = certainty {
                claim.attrs.insert("certainty".into(), c.into());
            }
            if negated {
                claim.attrs.insert("negated".into(), "true".into());
            }
            l.replace(claim);
            l
        };
        // Both negated it; alice says hedged, bob probable.
        let layers = [
            with("alice", Some("hedged"), true),
            with("bob", Some("probable"), true),
        ];
        let found = find_disagreements(&layers);
        assert_eq!(found.len(), 1, "{found:?}");
        let d = &found[0];
        assert_eq!(d.kind, super::super::DisagreementKind::Attributes);
        assert_eq!((d.start, d.end), (11, 28));
        // "Accept all agreed" takes both spans with what they agree on: negated, no
        // certainty; that does not settle the disagreement.
        let mut curated = Layer::new("curated");
        let (edit, n) = accept_agreed(&doc, &curated, &layers, CurateOptions::default());
        assert_eq!(n, 2);
        apply(&mut curated, edit).unwrap();
        let claim = curated.find_duplicate(11..28, "claim").unwrap();
        assert_eq!(claim.attrs.len(), 1);
        assert_eq!(claim.attrs["negated"], "true");
        assert!(!d.settled_by(&curated));
        // Accepting bob's version gives the curated claim his attributes: settled.
        let edit = accept_version(&doc, &curated, d, 1, &layers);
        apply(&mut curated, edit).unwrap();
        let claim = curated.find_duplicate(11..28, "claim").unwrap();
        assert_eq!(claim.attrs["certainty"], "probable");
        assert_eq!(claim.attrs["negated"], "true");
        assert!(d.settled_by(&curated));
        // The same attributes everywhere: no disagreement.
        let same = [
            with("alice", Some("hedged"), false),
            with("bob", Some("hedged"), false),
        ];
        assert!(find_disagreements(&same).is_empty());
    }

    #[test]
    fn accept_settles_reject_settles_and_the_navigator_skips_settled_ones() {
        let doc = Document::from_text("Reyes said the levee is late. Okafor left.".into());
        let alice = layer(
            "alice",
            &[(0, 5, "actor"), (11, 28, "claim"), (30, 36, "actor")],
        );
        let bob = layer("bob", &[(0, 5, "actor"), (11, 28, "event")]);
        let chen = layer("chen", &[(0, 5, "actor"), (11, 28, "claim")]);
        let layers = [alice, bob, chen];
        let mut curated = Layer::new("curated");
        // Everyone agreed on Reyes: accepted by "accept all agreed", never a disagreement.
        let (edit, n) = accept_agreed(&doc, &curated, &layers, CurateOptions::default());
        assert_eq!(n, 1);
        apply(&mut curated, edit).unwrap();
        let mut nav = Navigator::new(&layers);
        assert_eq!(nav.all().len(), 2, "{:?}", nav.all());
        assert_eq!(nav.open_count(&curated), 2);
        assert_eq!(nav.step(true, 0, &curated), Some(11));
        let d = nav.current().unwrap().clone();
        // Accept bob's event, then change our mind to alice's claim: one version only.
        let edit = accept_version(&doc, &curated, &d, 1, &layers);
        apply(&mut curated, edit).unwrap();
        let edit = accept_version(&doc, &curated, &d, 0, &layers);
        apply(&mut curated, edit).unwrap();
        let labels: Vec<&str> = curated
            .spans()
            .iter()
            .filter(|s| s.start == 11)
            .map(|s| s.label.as_str())
            .collect();
        assert_eq!(labels, ["claim"]);
        assert_eq!(curated.spans()[1].text, "the levee is late");
        assert_eq!(nav.open_count(&curated), 1);
        // The next open one is Okafor, which only alice tagged; reject it.
        assert_eq!(nav.step(true, 0, &curated), Some(30));
        let d = nav.current().unwrap().clone();
        let edit = reject(&doc, &curated, &d);
        let undo = apply(&mut curated, edit).unwrap();
        assert_eq!(nav.open_count(&curated), 0);
        assert!(curated.spans().iter().all(|s| s.start != 30));
        // The rejection is in the curated layer (saved with it), with the text.
        let rejected: Vec<(usize, usize, &str, &str)> = curated
            .rejected
            .iter()
            .map(|r| (r.start, r.end, r.label.as_str(), r.text.as_str()))
            .collect();
        assert_eq!(rejected, [(30, 36, "actor", "Okafor")]);
        // "Accept all agreed" with uncontested spans would take alice's Okafor: not once
        // rejected.
        let uncontested = CurateOptions {
            min_agree: None,
            uncontested: true,
        };
        assert_eq!(accept_agreed(&doc, &curated, &layers, uncontested).1, 0);
        // With everything settled, stepping still moves (wrapping).
        assert!(nav.step(true, 0, &curated).is_some());
        // Undone, it is open again and uncontested curation would take it.
        let redo = apply(&mut curated, undo).unwrap();
        assert_eq!(nav.open_count(&curated), 1);
        assert!(curated.rejected.is_empty());
        assert_eq!(accept_agreed(&doc, &curated, &layers, uncontested).1, 1);
        // Rejected again, then alice's version accepted after all: no longer rejected.
        apply(&mut curated, redo).unwrap();
        let edit = accept_version(&doc, &curated, &d, 0, &layers);
        apply(&mut curated, edit).unwrap();
        assert!(curated.rejected.is_empty());
        assert!(curated.find_duplicate(30..36, "actor").is_some());
        assert_eq!(nav.open_count(&curated), 0);
    }

    #[test]
    fn a_disagreement_is_settled_by_rejecting_every_version_not_some() {
        let doc = Document::from_text("Reyes said the levee is late.".into());
        let layers = [
            layer("alice", &[(11, 28, "claim")]),
            layer("bob", &[(11, 28, "event")]),
            layer("chen", &[(11, 28, "claim")]),
        ];
        let nav = Navigator::new(&layers);
        let d = nav.all()[0].clone();
        let mut curated = Layer::new("curated");
        // Only the claim rejected (by hand, as a suggestion would be): still open.
        curated.add_rejection(Rejection {
            start: 11,
            end: 28,
            label: "claim".into(),
            text: doc.slice(11..28).to_owned(),
        });
        assert!(!d.settled_by(&curated));
        let edit = reject(&doc, &curated, &d);
        apply(&mut curated, edit).unwrap();
        assert!(d.settled_by(&curated));
        assert_eq!(curated.rejected.len(), 2, "claim once, event once");
    }

    #[test]
    fn majority_and_uncontested_options() {
        let doc = Document::from_text("Reyes said the levee is late. Okafor left.".into());
        let layers = [
            layer("alice", &[(11, 28, "claim"), (30, 36, "actor")]),
            layer("bob", &[(11, 28, "claim")]),
            layer("chen", &[(11, 28, "event")]),
        ];
        let curated = Layer::new("curated");
        let majority = CurateOptions {
            min_agree: Some(2),
            uncontested: false,
        };
        // Chen put another label on the same range: not accepted even by majority.
        assert_eq!(accept_agreed(&doc, &curated, &layers, majority).1, 0);
        let uncontested = CurateOptions {
            min_agree: None,
            uncontested: true,
        };
        assert_eq!(accept_agreed(&doc, &curated, &layers, uncontested).1, 1);
    }

    #[test]
    fn accepting_no_span_settles_records_the_decision_and_keeps_it_settled() {
        let doc = Document::from_text("Talks in Seoul ended. Reyes left.".into());
        // ana and cai tagged Seoul, ben did not; all three agree on Reyes.
        let layers = [
            layer("ana", &[(9, 14, "actor"), (22, 27, "actor")]),
            layer("ben", &[(22, 27, "actor")]),
            layer("cai", &[(9, 14, "actor"), (22, 27, "actor")]),
        ];
        let mut curated = Layer::new("curated");
        let mut nav = Navigator::new(&layers);
        assert_eq!(nav.open_count(&curated), 1);
        assert_eq!(nav.step(true, 0, &curated), Some(9));
        let d = nav.current().unwrap().clone();
        assert!(d.says[1].spans.is_empty(), "ben made no span");
        // Accept ben's "no span": settled, nothing added, the decision in the layer.
        let undo = {
            let edit = accept_version(&doc, &curated, &d, 1, &layers);
            apply(&mut curated, edit)
        }
        .unwrap();
        assert_eq!(nav.open_count(&curated), 0);
        assert!(curated.spans().is_empty());
        let decided: Vec<(usize, usize, &str, &str, &str)> = curated
            .decisions
            .iter()
            .map(|d| {
                (
                    d.start,
                    d.end,
                    d.outcome.as_str(),
                    d.annotator.as_str(),
                    d.text.as_str(),
                )
            })
            .collect();
        assert_eq!(decided, [(9, 14, "no_span", "ben", "Seoul")]);
        // A majority (2 of 3) would take Seoul: not over a decided disagreement.
        let majority = CurateOptions {
            min_agree: Some(2),
            uncontested: false,
        };
        let (edit, n) = accept_agreed(&doc, &curated, &layers, majority);
        assert_eq!(n, 1, "Reyes only");
        apply(&mut curated, edit).unwrap();
        assert!(curated.find_duplicate(9..14, "actor").is_none());
        // Changing one's mind: ana's version replaces the decision (one per extent).
        {
            let edit = accept_version(&doc, &curated, &d, 0, &layers);
            apply(&mut curated, edit)
        }
        .unwrap();
        assert!(curated.find_duplicate(9..14, "actor").is_some());
        assert_eq!(curated.decisions.len(), 1);
        assert_eq!(curated.decisions[0].describe(), "ana's version");
        assert!(!curated.is_rejected(9, 14, "actor"));
        // Undo the first decision on a fresh layer: open again, no decision left.
        let mut fresh = Layer::new("curated");
        let undo_fresh = {
            let edit = accept_version(&doc, &fresh, &d, 1, &layers);
            apply(&mut fresh, edit)
        }
        .unwrap();
        apply(&mut fresh, undo_fresh).unwrap();
        assert!(fresh.decisions.is_empty());
        assert_eq!(nav.open_count(&fresh), 1);
        drop(undo);
    }

    #[test]
    fn a_decision_settles_what_lies_within_it_even_without_its_spans() {
        let doc = Document::from_text("Reyes said the levee is late, officials said.".into());
        // ana and cai: claim 11..28; ben: event 11..43 (other label, other range: two
        // disagreements that overlap).
        let layers = [
            layer("ana", &[(11, 28, "claim")]),
            layer("ben", &[(11, 43, "event")]),
            layer("cai", &[(11, 28, "claim")]),
        ];
        let nav = Navigator::new(&layers);
        assert_eq!(nav.all().len(), 2, "{:?}", nav.all());
        let wide = nav.all().iter().find(|d| d.end == 43).unwrap().clone();
        let mut curated = Layer::new("curated");
        {
            let edit = accept_version(&doc, &curated, &wide, 1, &layers);
            apply(&mut curated, edit)
        }
        .unwrap();
        // The claim disagreement lies within the decided extent: settled too, and a
        // majority does not add the claim beside ben's event.
        assert_eq!(nav.open_count(&curated), 0);
        let majority = CurateOptions {
            min_agree: Some(2),
            uncontested: false,
        };
        assert_eq!(accept_agreed(&doc, &curated, &layers, majority).1, 0);
    }
}
