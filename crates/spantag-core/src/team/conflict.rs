//! What a merge could not decide: the same span (or relation) changed differently on both
//! sides, or deleted on one side and changed (or linked to) on the other. The merged file
//! keeps one version in its lists — the changed one, so nothing is lost — and lists both
//! versions under `conflicts:` until the user picks one.

use serde::{Deserialize, Serialize};

use crate::annotation::{Layer, Relation, Span};
use crate::edit::Edit;

/// One side's version of a conflicting item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Version {
    /// This side deleted it.
    Deleted,
    /// This side's span.
    Span(Span),
    /// This side's relation.
    Relation(Relation),
}

/// A conflict a merge left for the user, with both versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// The id of the span or relation both sides changed.
    pub id: u64,
    /// The version of the branch merged into (git's "ours", the clone that ran the merge).
    pub ours: Version,
    /// The version of the branch merged in (git's "theirs").
    pub theirs: Version,
}

impl Version {
    /// A short description for messages.
    pub fn describe(&self) -> String {
        match self {
            Self::Deleted => "deleted".to_owned(),
            Self::Span(s) => {
                let mut out = format!("{}..{} {} {:?}", s.start, s.end, s.label, s.text);
                if let Some(note) = &s.note {
                    out.push_str(&format!(" (note {note:?})"));
                }
                out
            }
            Self::Relation(r) => format!("{} -> {} {}", r.from, r.to, r.label),
        }
    }
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = if matches!(self.ours, Version::Relation(_))
            || matches!(self.theirs, Version::Relation(_))
        {
            "relation"
        } else {
            "span"
        };
        write!(
            f,
            "{what} {}: merge conflict — ours: {}; theirs: {}. Open the document in spantag and \
             click Keep ours or Keep theirs, or keep the version you want in the file's lists \
             and delete this entry from `conflicts:`",
            self.id,
            self.ours.describe(),
            self.theirs.describe()
        )
    }
}

/// Which version of a conflict to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// The version of the clone that ran the merge (git's "ours").
    Ours,
    /// The version merged in (git's "theirs").
    Theirs,
}

/// The edit that settles conflict `id` of `layer` with the version `keep`, as one undoable
/// step: the span (or relation) becomes that version — a span kept in place is moved,
/// relabelled and given its note, so its relations stay; a deleted version deletes it, with
/// its relations as any deletion does — and the conflict leaves the list. `None` when the
/// layer has no conflict with that id.
pub fn resolve(layer: &Layer, id: u64, keep: Keep) -> Option<Edit> {
    let conflict = layer.conflicts.iter().find(|c| c.id == id)?;
    let chosen = match keep {
        Keep::Ours => &conflict.ours,
        Keep::Theirs => &conflict.theirs,
    };
    let is_relation = matches!(conflict.ours, Version::Relation(_))
        || matches!(conflict.theirs, Version::Relation(_));
    let mut edits = Vec::new();
    if is_relation {
        let current = layer.relations.iter().find(|r| r.id == id);
        match (current, chosen) {
            (Some(now), Version::Relation(r)) if now == r => {}
            (Some(_), Version::Relation(r)) => {
                edits.push(Edit::RemoveRelation(id));
                edits.push(Edit::AddRelation(r.clone()));
            }
            (None, Version::Relation(r)) => edits.push(Edit::AddRelation(r.clone())),
            (Some(_), _) => edits.push(Edit::RemoveRelation(id)),
            (None, _) => {}
        }
    } else {
        match (layer.get(id), chosen) {
            (Some(now), Version::Span(s)) => {
                if (now.start, now.end) != (s.start, s.end) {
                    edits.push(Edit::Resize {
                        id,
                        start: s.start,
                        end: s.end,
                        text: s.text.clone(),
                    });
                }
                if now.label != s.label {
                    edits.push(Edit::Relabel {
                        id,
                        label: s.label.clone(),
                    });
                }
                if now.note != s.note {
                    edits.push(Edit::SetNote {
                        id,
                        note: s.note.clone(),
                    });
                }
            }
            (None, Version::Span(s)) => edits.push(Edit::AddSpan(s.clone())),
            (Some(_), _) => edits.push(Edit::RemoveSpan(id)),
            (None, _) => {}
        }
    }
    let remaining = layer
        .conflicts
        .iter()
        .filter(|c| c.id != id)
        .cloned()
        .collect();
    edits.push(Edit::SetConflicts(remaining));
    Some(Edit::Batch(edits))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::LabelScheme;
    use crate::edit::apply;

    fn span(id: u64, start: usize, end: usize, label: &str) -> Span {
        Span::new(id, start..end, label, "t")
    }

    /// A layer as the merge driver leaves it: span 1 relabelled differently on both sides
    /// (ours kept in the list), span 2 deleted by theirs but linked by ours.
    fn merged() -> Layer {
        let mut layer = Layer::from_parts(
            "alice",
            LabelScheme::default(),
            vec![span(1, 0, 5, "actor"), span(2, 6, 9, "claim")],
            vec![Relation {
                id: 3,
                from: 1,
                to: 2,
                label: "says".to_owned(),
            }],
        );
        layer.conflicts = vec![
            Conflict {
                id: 1,
                ours: Version::Span(span(1, 0, 5, "actor")),
                theirs: Version::Span(span(1, 0, 7, "event")),
            },
            Conflict {
                id: 2,
                ours: Version::Span(span(2, 6, 9, "claim")),
                theirs: Version::Deleted,
            },
        ];
        layer
    }

    #[test]
    fn keeping_theirs_changes_the_span_in_place_and_settles_the_conflict() {
        let mut layer = merged();
        let edit = resolve(&layer, 1, Keep::Theirs).unwrap();
        let undo = apply(&mut layer, edit).unwrap();
        let s = layer.get(1).unwrap();
        assert_eq!((s.start, s.end, s.label.as_str()), (0, 7, "event"));
        assert_eq!(layer.relations.len(), 1, "its relation stays");
        assert_eq!(layer.conflicts.len(), 1);
        assert_eq!(layer.conflicts[0].id, 2);
        // One undo brings the span and the conflict back.
        apply(&mut layer, undo).unwrap();
        assert_eq!(layer.get(1).unwrap().label, "actor");
        assert_eq!(layer.conflicts.len(), 2);
    }

    #[test]
    fn keeping_a_deletion_deletes_the_span_and_keeping_ours_changes_nothing_else() {
        let mut layer = merged();
        let edit = resolve(&layer, 2, Keep::Theirs).unwrap();
        apply(&mut layer, edit).unwrap();
        assert!(layer.get(2).is_none());
        assert!(
            layer.relations.is_empty(),
            "the relation goes with its span"
        );
        let edit = resolve(&layer, 1, Keep::Ours).unwrap();
        apply(&mut layer, edit).unwrap();
        assert_eq!(layer.get(1).unwrap().label, "actor");
        assert!(layer.conflicts.is_empty());
        assert!(resolve(&layer, 1, Keep::Ours).is_none(), "settled");
    }
}
