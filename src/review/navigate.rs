//! Settling disagreements into the curated layer, one at a time or all agreed at once: the
//! edits the review mode applies (each one undoable step), and the navigator's state.

use std::collections::BTreeSet;

use crate::annotation::{Layer, Span};
use crate::document::Document;
use crate::edit::Edit;

use super::curate::{CurateOptions, accepted_spans};
use super::{Disagreement, find_disagreements};

/// The disagreements of a document's annotator layers and which are settled.
#[derive(Debug, Default, Clone)]
pub struct Navigator {
    disagreements: Vec<Disagreement>,
    /// Disagreements the curator rejected (nothing of them goes into the curated layer),
    /// by range.
    rejected: BTreeSet<(usize, usize)>,
    /// The one shown.
    current: Option<usize>,
}

impl Navigator {
    /// Finds the disagreements between `layers` (the annotators shown).
    pub fn new(layers: &[Layer]) -> Self {
        Self {
            disagreements: find_disagreements(layers),
            rejected: BTreeSet::new(),
            current: None,
        }
    }

    /// Recomputes the disagreements (layers shown or hidden), keeping rejections.
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
    /// curator rejected it.
    pub fn is_settled(&self, d: &Disagreement, curated: &Layer) -> bool {
        self.rejected.contains(&(d.start, d.end)) || d.settled_by(curated)
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

    /// How many disagreements were rejected (changes when one is).
    pub fn rejected_count(&self) -> usize {
        self.rejected.len()
    }

    /// Marks the current disagreement rejected.
    pub fn reject_current(&mut self) {
        if let Some(d) = self.current() {
            let key = (d.start, d.end);
            self.rejected.insert(key);
        }
    }

    /// Takes back a rejection (undo).
    pub fn unreject(&mut self, start: usize, end: usize) {
        self.rejected.remove(&(start, end));
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
/// spans there are added, the other versions already in the curated layer removed. One step.
pub fn accept_version(doc: &Document, curated: &Layer, d: &Disagreement, who: usize) -> Edit {
    let Some(says) = d.says.get(who) else {
        return Edit::Batch(Vec::new());
    };
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
    for said in &says.spans {
        if curated
            .find_duplicate(said.start..said.end, &said.label)
            .is_some()
            || said.end > doc.char_len()
        {
            continue;
        }
        edits.push(Edit::AddSpan(Span {
            id: next,
            start: said.start,
            end: said.end,
            label: said.label.clone(),
            text: doc.slice(said.start..said.end).to_owned(),
            note: None,
        }));
        next += 1;
    }
    Edit::Batch(edits)
}

/// The edit that removes every version of a disagreement from the curated layer (rejecting
/// it).
pub fn reject(curated: &Layer, d: &Disagreement) -> Edit {
    Edit::Batch(
        curated_versions(curated, d)
            .into_iter()
            .map(|s| Edit::RemoveSpan(s.id))
            .collect(),
    )
}

/// "Accept all agreed": the edit adding to the curated layer every span the rules accept
/// (see [`CurateOptions`]) that it does not hold yet, and how many that is. One step.
pub fn accept_agreed(
    doc: &Document,
    curated: &Layer,
    annotators: &[Layer],
    options: CurateOptions,
) -> (Edit, usize) {
    let mut next = curated.next_id();
    let mut edits = Vec::new();
    for (start, end, label) in accepted_spans(annotators, options) {
        if curated.find_duplicate(start..end, &label).is_some() || end > doc.char_len() {
            continue;
        }
        edits.push(Edit::AddSpan(Span {
            id: next,
            start,
            end,
            label,
            text: doc.slice(start..end).to_owned(),
            note: None,
        }));
        next += 1;
    }
    let n = edits.len();
    (Edit::Batch(edits), n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::apply;
    use crate::review::test_support::layer;

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
        let edit = accept_version(&doc, &curated, &d, 1);
        apply(&mut curated, edit).unwrap();
        let edit = accept_version(&doc, &curated, &d, 0);
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
        let edit = reject(&curated, &d);
        apply(&mut curated, edit).unwrap();
        nav.reject_current();
        assert_eq!(nav.open_count(&curated), 0);
        assert!(curated.spans().iter().all(|s| s.start != 30));
        // With everything settled, stepping still moves (wrapping).
        assert!(nav.step(true, 0, &curated).is_some());
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
}
