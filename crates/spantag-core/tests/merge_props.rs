//! The merge driver's function against a model: random edits on two copies of one layer,
//! merged, equal the base with both sides' changes — no span lost, none twice, relations on
//! the spans they were made on, and a conflict exactly where both sides changed one span.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use spantag_core::annotation::{LabelScheme, Layer, Relation, Span};
use spantag_core::store::AnnotationFile;
use spantag_core::team::merge::merge;

const LABELS: [&str; 3] = ["a", "b", "c"];

/// What a span is, whatever its id: a base span by its base id, an added one by content.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Base(u64),
    Added(usize, usize, String),
}

fn span(id: u64, start: usize, len: usize, label: &str) -> Span {
    Span::new(id, start..start + len, label, "x")
}

fn base_layer(spans: &[(usize, usize, usize)]) -> Layer {
    let mut layer = Layer::new("alice");
    layer.set_id_tag(0);
    for &(start, len, label) in spans {
        if layer
            .find_duplicate(start..start + len, LABELS[label])
            .is_none()
        {
            let id = layer.allocate_id();
            layer.insert(span(id, start, len, LABELS[label]));
        }
    }
    layer
}

/// Applies one side's edits; returns the base ids it changed (final content) and deleted.
fn edit(layer: &mut Layer, tag: u64, ops: &[(u8, usize, usize, usize)]) {
    let fresh = Layer::from_parts(
        "alice",
        LabelScheme::default(),
        layer.spans().to_vec(),
        layer.relations.clone(),
    );
    *layer = fresh;
    layer.set_id_tag(tag);
    for &(op, a, b, c) in ops {
        let n = layer.spans().len();
        match op % 4 {
            0 => {
                let (start, len, label) = (a % 20, b % 3 + 1, LABELS[c % 3]);
                if layer.find_duplicate(start..start + len, label).is_none() {
                    let id = layer.allocate_id();
                    layer.insert(span(id, start, len, label));
                }
            }
            1 if n > 0 => {
                let id = layer.spans()[a % n].id;
                layer.remove(id);
                layer.relations.retain(|r| r.from != id && r.to != id);
            }
            2 if n > 0 => {
                let mut s = layer.spans()[a % n].clone();
                s.label = LABELS[c % 3].to_owned();
                if layer.find_duplicate(s.range(), &s.label).is_none() {
                    layer.replace(s);
                }
            }
            3 if n > 1 => {
                let (from, to) = (layer.spans()[a % n].id, layer.spans()[b % n].id);
                let label = LABELS[c % 3];
                if from != to
                    && !layer
                        .relations
                        .iter()
                        .any(|r| r.from == from && r.to == to && r.label == label)
                {
                    let id = layer.allocate_id();
                    layer.relations.push(Relation {
                        id,
                        from,
                        to,
                        label: label.into(),
                    });
                }
            }
            _ => {}
        }
    }
}

fn file(layer: &Layer) -> AnnotationFile {
    AnnotationFile::from_layer_parts(layer, "d.txt", "sha256:x")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn a_merge_is_the_base_with_both_sides_changes(
        base_spans in prop::collection::vec((0usize..20, 1usize..4, 0usize..3), 0..6),
        ours_ops in prop::collection::vec((any::<u8>(), 0usize..40, 0usize..40, 0usize..3), 0..10),
        theirs_ops in prop::collection::vec((any::<u8>(), 0usize..40, 0usize..40, 0usize..3), 0..10),
        same_tag in any::<bool>(),
    ) {
        let base = base_layer(&base_spans);
        let base_ids: BTreeSet<u64> = base.spans().iter().map(|s| s.id).collect();
        // Same tag: both sides mint the same ids (as clones did before session ids).
        let tags = if same_tag { (0, 0) } else { (7, 8) };
        let mut ours = base.clone();
        edit(&mut ours, tags.0, &ours_ops);
        let mut theirs = base.clone();
        edit(&mut theirs, tags.1, &theirs_ops);
        let merged = merge(Some(&file(&base)), &file(&ours), &file(&theirs)).file;

        let who = |layer_ids: &BTreeSet<u64>, s: &Span| {
            if layer_ids.contains(&s.id) { Who::Base(s.id) } else { Who::Added(s.start, s.end, s.label.clone()) }
        };
        let side_whos = |layer: &Layer| -> BTreeMap<u64, Who> {
            layer.spans().iter().map(|s| (s.id, who(&base_ids, s))).collect()
        };
        let content = |s: &Span| (s.start, s.end, s.label.clone());
        // Expected spans.
        let get = |layer: &Layer, id: u64| layer.get(id).map(content);
        let mut expected: BTreeMap<Who, (usize, usize, String)> = BTreeMap::new();
        let mut expected_conflicts = BTreeSet::new();
        // Relations added on each side, by who they join.
        let added_relations = |layer: &Layer| -> BTreeSet<(Who, Who, String)> {
            let whos = side_whos(layer);
            layer.relations.iter().filter(|r| !base.relations.iter().any(|b| b.id == r.id)).map(|r| (whos[&r.from].clone(), whos[&r.to].clone(), r.label.clone())).collect()
        };
        let (ours_rel, theirs_rel) = (added_relations(&ours), added_relations(&theirs));
        let linked = |rels: &BTreeSet<(Who, Who, String)>, id: u64| rels.iter().any(|(f, t, _)| *f == Who::Base(id) || *t == Who::Base(id));
        for s in base.spans() {
            let b = Some(content(s));
            let (o, t) = (get(&ours, s.id), get(&theirs, s.id));
            let kept = if o == t || t == b {
                o.clone()
            } else if o == b {
                t.clone()
            } else {
                expected_conflicts.insert(s.id);
                o.clone().or(t.clone())
            };
            // A relation made on one side to a span the other side deleted keeps it (conflict).
            let kept = kept.or_else(|| {
                let needed = (o.is_some() && linked(&ours_rel, s.id))
                    || (t.is_some() && linked(&theirs_rel, s.id));
                needed.then(|| {
                    expected_conflicts.insert(s.id);
                    o.clone().or(t.clone())
                }).flatten()
            });
            if let Some(c) = kept {
                expected.insert(Who::Base(s.id), c);
            }
        }
        for layer in [&ours, &theirs] {
            for s in layer.spans() {
                if !base_ids.contains(&s.id) {
                    expected.insert(who(&base_ids, s), content(s));
                }
            }
        }

        // Every id once.
        let mut ids: Vec<u64> = merged.spans.iter().map(|s| s.id).chain(merged.relations.iter().map(|r| r.id)).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        prop_assert_eq!(ids.len(), n, "ids repeated: {:?}", merged);
        // Spans: each expected one once, with its expected content.
        let got: Vec<(Who, (usize, usize, String))> = merged.spans.iter().map(|s| (who(&base_ids, s), content(s))).collect();
        let got_map: BTreeMap<Who, (usize, usize, String)> = got.iter().cloned().collect();
        prop_assert_eq!(got.len(), got_map.len(), "a span twice: {:?}", got);
        prop_assert_eq!(&got_map, &expected);
        let conflicts: BTreeSet<u64> = merged.conflicts.iter().map(|c| c.id).collect();
        prop_assert_eq!(conflicts, expected_conflicts);
        // Relations: the base's that both kept, and every added one, on the spans it joined.
        let merged_whos: BTreeMap<u64, Who> = merged.spans.iter().map(|s| (s.id, who(&base_ids, s))).collect();
        let got_rel: Vec<(Who, Who, String)> = merged.relations.iter().map(|r| (merged_whos[&r.from].clone(), merged_whos[&r.to].clone(), r.label.clone())).collect();
        let got_rel_set: BTreeSet<_> = got_rel.iter().cloned().collect();
        prop_assert_eq!(got_rel.len(), got_rel_set.len(), "a relation twice");
        let expected_rel: BTreeSet<_> = ours_rel.union(&theirs_rel).cloned().collect();
        prop_assert_eq!(got_rel_set, expected_rel);
    }
}
