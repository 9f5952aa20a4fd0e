//! The three-way merge of one annotation file, span by span, that `spantag merge-driver`
//! runs for git.
//!
//! Items (spans, orphans, relations) are matched by id. Added on either side, deleted on
//! either side, changed on one side: all merge. An id both sides added for different items
//! (two clones minting the same id, possible with files from before session ids) is given a
//! fresh id on their side, and their relations are rewritten to follow it. The same span
//! added on both sides is kept once. A true conflict — changed differently on both sides,
//! or deleted on one side and changed (or given a new relation) on the other — keeps the
//! changed version in the lists, so nothing is lost, and lists both versions under
//! `conflicts:` (see [`Conflict`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::annotation::{Label, Relation, Span};
use crate::store::AnnotationFile;

use super::conflict::{Conflict, Version};

/// One id's item on one side.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    /// A placed span.
    Span(Span),
    /// A span that lost its place (kept with its old offsets).
    Orphan(Span),
    /// A relation.
    Relation(Relation),
}

impl Item {
    fn id(&self) -> u64 {
        match self {
            Self::Span(s) | Self::Orphan(s) => s.id,
            Self::Relation(r) => r.id,
        }
    }

    fn version(&self) -> Version {
        match self {
            Self::Span(s) | Self::Orphan(s) => Version::Span(s.clone()),
            Self::Relation(r) => Version::Relation(r.clone()),
        }
    }

    fn with_id(mut self, id: u64) -> Self {
        match &mut self {
            Self::Span(s) | Self::Orphan(s) => s.id = id,
            Self::Relation(r) => r.id = id,
        }
        self
    }

    /// What a span is but for its id (`None` for a relation): whether it is an orphan, and
    /// the span with id 0 (its range, label, text, note, attributes and pieces).
    fn span_key(&self) -> Option<(bool, Span)> {
        match self {
            Self::Span(s) | Self::Orphan(s) => {
                let mut s = s.clone();
                s.id = 0;
                Some((matches!(self, Self::Orphan(_)), s))
            }
            Self::Relation(_) => None,
        }
    }

    /// Equal but for the id.
    fn same_content(&self, other: &Self) -> bool {
        self.clone().with_id(0) == other.clone().with_id(0)
    }
}

/// One side's items by id; later items with an id taken before (a file with duplicate ids)
/// are kept apart and passed through.
#[derive(Debug, Default)]
struct Side {
    items: BTreeMap<u64, Item>,
    extras: Vec<Item>,
}

impl Side {
    fn of(file: &AnnotationFile) -> Self {
        let mut side = Self::default();
        let all = file
            .spans
            .iter()
            .cloned()
            .map(Item::Span)
            .chain(file.orphans.iter().cloned().map(Item::Orphan))
            .chain(file.relations.iter().cloned().map(Item::Relation));
        for item in all {
            let id = item.id();
            if let std::collections::btree_map::Entry::Vacant(e) = side.items.entry(id) {
                e.insert(item);
            } else {
                side.extras.push(item);
            }
        }
        side
    }
}

/// What a merge did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    /// The merged file (conflicts listed in it).
    pub file: AnnotationFile,
    /// Conflicts this merge found (the file may also carry older ones).
    pub new_conflicts: Vec<Conflict>,
    /// Their ids that collided with ours, and the ids they were given: `(old, new)`.
    pub renumbered: Vec<(u64, u64)>,
}

impl Merged {
    /// One line for the person running git.
    pub fn summary(&self, path: &str) -> String {
        let mut out = format!("spantag merged {path}");
        if !self.renumbered.is_empty() {
            out.push_str(&format!(
                "; {} id(s) both sides had used were renumbered on the incoming side ({}), \
                 their relations following them",
                self.renumbered.len(),
                self.renumbered
                    .iter()
                    .map(|(a, b)| format!("{a} -> {b}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if self.file.conflicts.is_empty() {
            out.push_str("; no conflict");
        } else {
            out.push_str(&format!(
                "; {} conflict(s) to resolve, listed under `conflicts:` with both versions \
                 (`spantag check` names them)",
                self.file.conflicts.len()
            ));
        }
        out
    }
}

/// Merges `ours` and `theirs`, both descended from `base` (`None`: no common version, as
/// when both sides created the file).
pub fn merge(
    base: Option<&AnnotationFile>,
    ours: &AnnotationFile,
    theirs: &AnnotationFile,
) -> Merged {
    let empty = AnnotationFile {
        conflicts: Vec::new(),
        ..AnnotationFile::from_layer_parts(
            &crate::annotation::Layer::new(&ours.annotator),
            &ours.source,
            &ours.source_hash,
        )
    };
    let base_file = base.unwrap_or(&empty);
    let b = Side::of(base_file);
    let o = Side::of(ours);
    let mut t = Side::of(theirs);

    // Ids their side added that ours holds for something else get fresh ids.
    let taken = b
        .items
        .keys()
        .chain(o.items.keys())
        .chain(t.items.keys())
        .copied()
        .chain(
            b.extras
                .iter()
                .chain(&o.extras)
                .chain(&t.extras)
                .map(Item::id),
        );
    let mut next = super::ids::first_free(super::ids::session_tag(), taken);
    let mut rename: HashMap<u64, u64> = HashMap::new();
    let mut renumbered = Vec::new();
    let added_theirs: Vec<u64> = t
        .items
        .keys()
        .filter(|id| !b.items.contains_key(id))
        .copied()
        .collect();
    // Spans first: a relation's ends must be renamed before it can be compared with ours.
    for id in &added_theirs {
        let Some(mine) = o.items.get(id) else {
            continue;
        };
        let Some(item) = t.items.get(id) else {
            continue;
        };
        if matches!(item, Item::Relation(_)) || mine.same_content(item) {
            continue;
        }
        rename.insert(*id, next);
        renumbered.push((*id, next));
        next += 1;
    }
    // The same span added on both sides under different ids is kept once (ours).
    let ours_added: HashMap<_, u64> = o
        .items
        .iter()
        .filter(|(id, _)| !b.items.contains_key(id))
        .filter_map(|(id, item)| Some((item.span_key()?, *id)))
        .collect();
    let mut dropped: BTreeSet<u64> = BTreeSet::new();
    for id in &added_theirs {
        if let Some(item) = t.items.get(id)
            && let Some(key) = item.span_key()
            && let Some(&mine) = ours_added.get(&key)
            && mine != *id
        {
            rename.insert(*id, mine);
            dropped.insert(*id);
        }
    }
    // Then relations: theirs collides with ours unless it joins the same spans (after the
    // renaming above) with the same label.
    for id in &added_theirs {
        let (Some(mine), Some(Item::Relation(r))) = (o.items.get(id), t.items.get(id)) else {
            continue;
        };
        let follow = |id: u64| rename.get(&id).copied().unwrap_or(id);
        let followed = Item::Relation(Relation {
            from: follow(r.from),
            to: follow(r.to),
            ..r.clone()
        });
        if mine.same_content(&followed) {
            continue;
        }
        rename.insert(*id, next);
        renumbered.push((*id, next));
        next += 1;
    }
    if !rename.is_empty() {
        let follow = |id: u64| rename.get(&id).copied().unwrap_or(id);
        let mut items = BTreeMap::new();
        for (id, item) in std::mem::take(&mut t.items) {
            if dropped.contains(&id) {
                continue;
            }
            let mut item = item.with_id(follow(id));
            if let Item::Relation(r) = &mut item {
                r.from = follow(r.from);
                r.to = follow(r.to);
            }
            items.insert(item.id(), item);
        }
        t.items = items;
    }
    // Their relations that repeat one of ours after the renaming are kept once.
    let ours_relations: BTreeSet<(u64, u64, &str)> = o
        .items
        .values()
        .filter_map(|item| match item {
            Item::Relation(r) => Some((r.from, r.to, r.label.as_str())),
            _ => None,
        })
        .collect();
    let repeats: Vec<u64> = t
        .items
        .iter()
        .filter(|(id, item)| {
            !b.items.contains_key(id)
                && !o.items.contains_key(id)
                && matches!(item, Item::Relation(r) if ours_relations.contains(&(r.from, r.to, r.label.as_str())))
        })
        .map(|(id, _)| *id)
        .collect();
    for id in repeats {
        t.items.remove(&id);
    }

    // Three-way, id by id.
    let ids: BTreeSet<u64> = b
        .items
        .keys()
        .chain(o.items.keys())
        .chain(t.items.keys())
        .copied()
        .collect();
    let mut result: BTreeMap<u64, Item> = BTreeMap::new();
    let mut conflicts: Vec<Conflict> = Vec::new();
    for id in ids {
        let (bi, oi, ti) = (b.items.get(&id), o.items.get(&id), t.items.get(&id));
        let kept = if oi == ti || ti == bi {
            oi
        } else if oi == bi {
            ti
        } else {
            // Both changed it, differently (one may have deleted it): keep a changed version.
            conflicts.push(Conflict {
                id,
                ours: oi.map_or(Version::Deleted, Item::version),
                theirs: ti.map_or(Version::Deleted, Item::version),
            });
            oi.or(ti)
        };
        if let Some(item) = kept {
            result.insert(id, item.clone());
        }
    }

    // A relation one side made to a span the other side deleted: the span is kept, and the
    // deletion is a conflict.
    loop {
        let missing: BTreeSet<u64> = result
            .values()
            .filter_map(|item| match item {
                Item::Relation(r) => Some([r.from, r.to]),
                _ => None,
            })
            .flatten()
            .filter(|id| !result.contains_key(id))
            .collect();
        let mut restored = false;
        for id in missing {
            let (oi, ti) = (o.items.get(&id), t.items.get(&id));
            let Some(item) = oi.or(ti).or(b.items.get(&id)) else {
                continue; // never a span on any side: the input was broken; left as it is
            };
            if matches!(item, Item::Relation(_)) {
                continue;
            }
            conflicts.retain(|c| c.id != id);
            conflicts.push(Conflict {
                id,
                ours: oi.map_or(Version::Deleted, Item::version),
                theirs: ti.map_or(Version::Deleted, Item::version),
            });
            result.insert(id, item.clone());
            restored = true;
        }
        if !restored {
            break;
        }
    }

    // Events and equivalences merge by value, theirs following their renamed spans; an
    // event both sides changed differently keeps ours (the app does not edit events: they
    // come from imports).
    let follow = |id: u64| rename.get(&id).copied().unwrap_or(id);
    let their_events: Vec<crate::annotation::Event> = theirs
        .events
        .iter()
        .cloned()
        .map(|mut e| {
            e.trigger = follow(e.trigger);
            for arg in &mut e.args {
                arg.to = follow(arg.to);
            }
            e
        })
        .collect();
    let their_equivalences: Vec<crate::annotation::Equivalence> = theirs
        .equivalences
        .iter()
        .cloned()
        .map(|mut q| {
            q.members = q.members.into_iter().map(follow).collect();
            q
        })
        .collect();
    let mut events = merge_sets(&base_file.events, &ours.events, &their_events);
    let ours_events: BTreeSet<&crate::annotation::Event> = ours.events.iter().collect();
    events.sort_by_key(|e| (e.id, !ours_events.contains(e)));
    events.dedup_by_key(|e| e.id);
    let mut file = AnnotationFile {
        version: ours.version.max(theirs.version),
        events,
        equivalences: merge_sets(
            &base_file.equivalences,
            &ours.equivalences,
            &their_equivalences,
        ),
        source: pick(&base_file.source, &ours.source, &theirs.source).clone(),
        source_hash: String::new(),
        annotator: ours.annotator.clone(),
        done: *pick(&base_file.done, &ours.done, &theirs.done),
        labels: merge_labels(&base_file.labels, &ours.labels, &theirs.labels),
        spans: Vec::new(),
        relations: Vec::new(),
        orphans: Vec::new(),
        rejected: merge_sets(&base_file.rejected, &ours.rejected, &theirs.rejected),
        decisions: merge_sets(&base_file.decisions, &ours.decisions, &theirs.decisions),
        conflicts: Vec::new(),
        // Fields spantag does not know, from both sides (ours where both have one).
        // Their items keep theirs under the ids they were given here.
        unknown: ours.unknown.merged_over(&theirs.unknown.renumbered(|id| {
            (!dropped.contains(&id)).then(|| rename.get(&id).copied().unwrap_or(id))
        })),
    };
    file.source_hash = pick(
        &base_file.source_hash,
        &ours.source_hash,
        &theirs.source_hash,
    )
    .clone();
    let extras = o.extras.iter().cloned().chain(
        t.extras
            .iter()
            .filter(|x| !o.extras.iter().any(|y| y == *x))
            .cloned(),
    );
    for item in result.into_values().chain(extras) {
        match item {
            Item::Span(s) => file.spans.push(s),
            Item::Orphan(s) => file.orphans.push(s),
            Item::Relation(r) => file.relations.push(r),
        }
    }
    file.spans.sort_by(Span::order);
    // Conflicts left from an earlier merge stay until resolved.
    let mut all_conflicts = ours.conflicts.clone();
    for c in theirs.conflicts.iter().chain(&conflicts) {
        if !all_conflicts.contains(c) {
            all_conflicts.push(c.clone());
        }
    }
    all_conflicts.sort_by_key(|c| c.id);
    file.conflicts = all_conflicts;
    conflicts.sort_by_key(|c| c.id);
    Merged {
        file,
        new_conflicts: conflicts,
        renumbered,
    }
}

/// A three-way pick of one value: theirs when ours did not change it.
fn pick<'a, T: PartialEq>(base: &T, ours: &'a T, theirs: &'a T) -> &'a T {
    if ours == base { theirs } else { ours }
}

/// Labels: ours in order; one they added, appended; one they removed (and ours kept as it
/// was), removed — spans still using it bring it back on load; a colour only they changed,
/// theirs.
fn merge_labels(base: &[Label], ours: &[Label], theirs: &[Label]) -> Vec<Label> {
    let find = |list: &[Label], name: &str| list.iter().find(|l| l.name == name).cloned();
    let mut out = Vec::new();
    for label in ours {
        let (b, t) = (find(base, &label.name), find(theirs, &label.name));
        match (b, t) {
            (Some(b), None) if b == *label => {} // they removed it, ours unchanged
            (Some(b), Some(t)) if b == *label => out.push(t),
            _ => out.push(label.clone()),
        }
    }
    for label in theirs {
        if find(ours, &label.name).is_none() && find(base, &label.name).is_none() {
            out.push(label.clone());
        }
    }
    out
}

/// A set merged three ways: what either side added, less what either side removed.
fn merge_sets<T: Ord + Clone>(base: &[T], ours: &[T], theirs: &[T]) -> Vec<T> {
    let base: BTreeSet<&T> = base.iter().collect();
    let (o, t): (BTreeSet<&T>, BTreeSet<&T>) = (ours.iter().collect(), theirs.iter().collect());
    o.union(&t)
        .filter(|x| !base.contains(*x) || (o.contains(*x) && t.contains(*x)))
        .map(|x| (*x).clone())
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn span(id: u64, start: usize, end: usize, label: &str) -> Span {
        Span::new(id, start..end, label, format!("t{start}"))
    }

    fn rel(id: u64, from: u64, to: u64) -> Relation {
        Relation {
            id,
            from,
            to,
            label: "r".to_owned(),
        }
    }

    fn file(spans: Vec<Span>, relations: Vec<Relation>) -> AnnotationFile {
        AnnotationFile {
            version: 1,
            source: "d.txt".into(),
            source_hash: "sha256:x".into(),
            annotator: "alice".into(),
            done: false,
            labels: Vec::new(),
            spans,
            relations,
            events: Vec::new(),
            equivalences: Vec::new(),
            orphans: Vec::new(),
            rejected: Vec::new(),
            decisions: Vec::new(),
            conflicts: Vec::new(),
            unknown: Default::default(),
        }
    }

    /// (start, end, label) of each span, sorted.
    fn shape(f: &AnnotationFile) -> Vec<(usize, usize, String)> {
        let mut v: Vec<_> = f
            .spans
            .iter()
            .map(|s| (s.start, s.end, s.label.clone()))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn additions_deletions_and_one_sided_changes_merge() {
        let base = file(
            vec![span(1, 0, 2, "a"), span(2, 3, 5, "a"), span(3, 6, 8, "a")],
            vec![],
        );
        // Ours: deletes 1, relabels 2, adds 10. Theirs: deletes 3, adds 20.
        let ours = file(
            vec![
                span(2, 3, 5, "b"),
                span(3, 6, 8, "a"),
                span(10, 9, 9 + 1, "a"),
            ],
            vec![],
        );
        let theirs = file(
            vec![
                span(1, 0, 2, "a"),
                span(2, 3, 5, "a"),
                span(20, 11, 12, "c"),
            ],
            vec![],
        );
        let m = merge(Some(&base), &ours, &theirs);
        assert_eq!(
            shape(&m.file),
            [
                (3, 5, "b".into()),
                (9, 10, "a".into()),
                (11, 12, "c".into())
            ]
        );
        assert!(m.file.conflicts.is_empty());
        assert!(m.renumbered.is_empty());
    }

    #[test]
    fn colliding_ids_are_renumbered_and_their_relations_follow() {
        let base = file(vec![span(1, 0, 2, "a")], vec![]);
        // Both clones minted 2 (span) and 3 (relation) under the old scheme.
        let ours = file(
            vec![span(1, 0, 2, "a"), span(2, 10, 12, "a")],
            vec![rel(3, 1, 2)],
        );
        let theirs = file(
            vec![span(1, 0, 2, "a"), span(2, 20, 22, "b")],
            vec![rel(3, 2, 1)],
        );
        let m = merge(Some(&base), &ours, &theirs);
        assert_eq!(m.file.spans.len(), 3);
        assert_eq!(m.renumbered.len(), 2, "{:?}", m.renumbered);
        let at = |start: usize| m.file.spans.iter().find(|s| s.start == start).unwrap().id;
        let mut ids: Vec<u64> = m.file.spans.iter().map(|s| s.id).collect();
        ids.extend(m.file.relations.iter().map(|r| r.id));
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "every id once");
        let mut joined: Vec<(u64, u64)> = m.file.relations.iter().map(|r| (r.from, r.to)).collect();
        joined.sort_unstable();
        let mut expected = vec![(at(0), at(10)), (at(20), at(0))];
        expected.sort_unstable();
        assert_eq!(
            joined, expected,
            "each relation joins what it joined on its side"
        );
        assert!(m.file.conflicts.is_empty());
    }

    #[test]
    fn the_same_span_added_on_both_sides_is_kept_once() {
        let base = file(vec![], vec![]);
        let ours = file(vec![span(7, 0, 2, "a")], vec![]);
        let theirs = file(
            vec![span(9, 0, 2, "a"), span(8, 4, 6, "a")],
            vec![rel(10, 9, 8)],
        );
        let m = merge(Some(&base), &ours, &theirs);
        assert_eq!(shape(&m.file), [(0, 2, "a".into()), (4, 6, "a".into())]);
        assert_eq!(m.file.relations.len(), 1);
        assert_eq!((m.file.relations[0].from, m.file.relations[0].to), (7, 8));
    }

    #[test]
    fn attributes_and_pieces_merge_and_are_never_taken_for_the_same_span() {
        let with = |id, attr: Option<&str>, pieces: bool| {
            let mut s = span(id, 0, 9, "a");
            if let Some(v) = attr {
                s.attrs.insert("certainty".into(), v.into());
            }
            if pieces {
                s.fragments = vec![(0, 2), (6, 9)];
            }
            s
        };
        // One side sets an attribute, the other gives the span pieces: both changed it, so
        // it is a conflict whose versions keep what each side did.
        let base = file(vec![with(1, None, false)], vec![]);
        let ours = file(vec![with(1, Some("hedged"), false)], vec![]);
        let theirs = file(vec![with(1, None, true)], vec![]);
        let m = merge(Some(&base), &ours, &theirs);
        assert_eq!(m.file.conflicts.len(), 1);
        assert_eq!(
            m.file.conflicts[0].ours,
            Version::Span(with(1, Some("hedged"), false))
        );
        assert_eq!(
            m.file.conflicts[0].theirs,
            Version::Span(with(1, None, true))
        );
        // Only one side changed it: that side's attribute stands.
        let m = merge(Some(&base), &ours, &base);
        assert_eq!(m.file.spans, [with(1, Some("hedged"), false)]);
        // The same range and label added on both sides with different attributes is two
        // spans, not one: neither side's attribute is dropped.
        let empty = file(vec![], vec![]);
        let ours = file(vec![with(7, Some("hedged"), false)], vec![]);
        let theirs = file(vec![with(9, Some("certain"), false)], vec![]);
        let m = merge(Some(&empty), &ours, &theirs);
        let values: Vec<&str> = m
            .file
            .spans
            .iter()
            .map(|s| s.attrs["certainty"].as_str())
            .collect();
        assert_eq!(values.len(), 2, "{values:?}");
    }

    #[test]
    fn changed_differently_on_both_sides_is_a_conflict_with_both_versions() {
        let base = file(vec![span(1, 0, 2, "a")], vec![]);
        let ours = file(vec![span(1, 0, 2, "b")], vec![]);
        let theirs = file(vec![span(1, 0, 2, "c")], vec![]);
        let m = merge(Some(&base), &ours, &theirs);
        assert_eq!(
            shape(&m.file),
            [(0, 2, "b".into())],
            "ours kept in the list"
        );
        assert_eq!(
            m.file.conflicts,
            [Conflict {
                id: 1,
                ours: Version::Span(span(1, 0, 2, "b")),
                theirs: Version::Span(span(1, 0, 2, "c")),
            }]
        );
        // The same change on both sides is no conflict.
        let m = merge(Some(&base), &ours, &ours);
        assert!(m.file.conflicts.is_empty());
    }

    #[test]
    fn deleted_on_one_side_and_changed_on_the_other_keeps_the_change_and_conflicts() {
        let base = file(vec![span(1, 0, 2, "a"), span(2, 3, 4, "a")], vec![]);
        let ours = file(vec![span(2, 3, 4, "a")], vec![]);
        let theirs = file(vec![span(1, 0, 2, "z"), span(2, 3, 4, "a")], vec![]);
        let m = merge(Some(&base), &ours, &theirs);
        assert_eq!(shape(&m.file), [(0, 2, "z".into()), (3, 4, "a".into())]);
        assert_eq!(
            m.file.conflicts,
            [Conflict {
                id: 1,
                ours: Version::Deleted,
                theirs: Version::Span(span(1, 0, 2, "z")),
            }]
        );
        // A relation made to a span the other side deleted keeps the span, as a conflict.
        let theirs = file(
            vec![span(1, 0, 2, "a"), span(2, 3, 4, "a")],
            vec![rel(5, 1, 2)],
        );
        let m = merge(Some(&base), &ours, &theirs);
        assert_eq!(m.file.spans.len(), 2);
        assert_eq!(m.file.relations, [rel(5, 1, 2)]);
        assert_eq!(m.file.conflicts.len(), 1);
        assert_eq!(m.file.conflicts[0].ours, Version::Deleted);
    }

    #[test]
    fn done_notes_labels_and_rejections_merge() {
        let base = file(vec![span(1, 0, 2, "a")], vec![]);
        let mut ours = base.clone();
        ours.done = true;
        ours.labels = vec![Label {
            name: "a".into(),
            color: "#000000".into(),
        }];
        let mut theirs = base.clone();
        theirs.spans[0].note = Some("check".into());
        theirs.rejected = vec![crate::annotation::Rejection {
            start: 3,
            end: 4,
            label: "a".into(),
            text: "x".into(),
        }];
        theirs.labels = vec![Label {
            name: "q".into(),
            color: "#111111".into(),
        }];
        let m = merge(Some(&base), &ours, &theirs);
        assert!(m.file.done);
        assert_eq!(m.file.spans[0].note.as_deref(), Some("check"));
        assert_eq!(m.file.rejected.len(), 1);
        let names: Vec<&str> = m.file.labels.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["a", "q"]);
        assert!(m.file.conflicts.is_empty());
    }

    #[test]
    fn a_merged_file_with_conflicts_round_trips_and_loads() {
        let base = file(vec![span(1, 0, 2, "a")], vec![]);
        let ours = file(vec![span(1, 0, 2, "b")], vec![]);
        let theirs = file(vec![], vec![]);
        let m = merge(Some(&base), &ours, &theirs);
        let text = m.file.to_ron();
        assert!(
            text.contains("conflicts: [\n        (id: 1, ours: Span((id: 1,"),
            "{text}"
        );
        assert!(text.contains("theirs: Deleted)"), "{text}");
        let back = AnnotationFile::from_ron(&text, std::path::Path::new("x.ron")).unwrap();
        assert_eq!(back, m.file);
        let layer = back.clone().into_layer();
        assert_eq!(layer.conflicts.len(), 1);
        assert_eq!(
            AnnotationFile::from_layer_parts(&layer, "d.txt", "sha256:x").conflicts,
            back.conflicts
        );
    }
}
