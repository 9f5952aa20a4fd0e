//! Every change to a layer is an [`Edit`]; [`apply`] performs it and returns its inverse,
//! which is what the undo history stores.

use crate::annotation::{Equivalence, Event, Label, LabelScheme, Layer, Rejection, Relation, Span};

mod history;
pub use history::History;

/// A change to a layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Add a span (its id must be fresh).
    AddSpan(Span),
    /// Remove the span with this id.
    RemoveSpan(u64),
    /// Add many spans at once (tag all matches); their ids must be fresh.
    AddSpans(Vec<Span>),
    /// Remove many spans at once.
    RemoveSpans(Vec<u64>),
    /// Change a span's label.
    Relabel {
        /// The span.
        id: u64,
        /// The new label.
        label: String,
    },
    /// Move a span's ends (its text follows).
    Resize {
        /// The span.
        id: u64,
        /// The new first code point.
        start: usize,
        /// The new end (exclusive).
        end: usize,
        /// The text at the new range.
        text: String,
    },
    /// Change a span's note.
    SetNote {
        /// The span.
        id: u64,
        /// The new note.
        note: Option<String>,
    },
    /// Set one of a span's attributes (`None`: unset it).
    SetAttr {
        /// The span.
        id: u64,
        /// The attribute's name.
        name: String,
        /// Its value (`"true"` for a boolean attribute that is set).
        value: Option<String>,
    },
    /// Give a span these pieces: one piece makes it continuous, several discontinuous; its
    /// range becomes the first piece's start to the last one's end.
    SetPieces {
        /// The span.
        id: u64,
        /// Sorted, non-empty, apart.
        pieces: Vec<(usize, usize)>,
        /// The text of the whole new range.
        text: String,
    },
    /// Replace the layer's events and equivalences (the inverse of removing the spans they
    /// named).
    SetEvents(Box<(Vec<Event>, Vec<Equivalence>)>),
    /// Add a label to the scheme (at the end, with the next palette colour).
    AddLabel(String),
    /// Put a label back at a position, with its colour (the inverse of removing it).
    InsertLabel {
        /// The label.
        label: Label,
        /// Its position in the scheme.
        at: usize,
    },
    /// Remove a label from the scheme (only when no span uses it).
    RemoveLabel(String),
    /// Give a label another colour (`#rrggbb`).
    SetLabelColor {
        /// The label.
        name: String,
        /// Its new colour.
        color: String,
    },
    /// Move a label to another position (its hotkey follows its position).
    MoveLabel {
        /// The label.
        name: String,
        /// Its new position.
        to: usize,
    },
    /// Replace everything in the layer (restoring a recovery file); the inverse puts the
    /// previous content back.
    Replace(Box<LayerContent>),
    /// Add an orphaned span (one that lost its place in a changed text).
    AddOrphan(Span),
    /// Remove an orphaned span by id.
    RemoveOrphan(u64),
    /// Add a relation between two spans (its id must be fresh).
    AddRelation(Relation),
    /// Remove the relation with this id.
    RemoveRelation(u64),
    /// Mark the document done (or not done).
    SetDone(bool),
    /// Turn a suggestion down (it is not suggested again).
    Reject(Rejection),
    /// Forget a turned-down suggestion (the inverse of [`Edit::Reject`]).
    Unreject(Rejection),
    /// Record a reviewer's decision at a disagreement (replacing one over the same extent).
    Decide(crate::review::decision::Decision),
    /// Forget a decision (the inverse of [`Edit::Decide`]).
    Undecide(crate::review::decision::Decision),
    /// Replace the layer's list of merge conflicts (settling one removes it from the list).
    SetConflicts(Vec<crate::team::conflict::Conflict>),
    /// Several edits as one step (one undo undoes them all).
    Batch(Vec<Edit>),
}

/// Everything a layer holds, for [`Edit::Replace`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerContent {
    /// The labels.
    pub scheme: LabelScheme,
    /// The spans.
    pub spans: Vec<Span>,
    /// The relations.
    pub relations: Vec<Relation>,
    /// The events and equivalences.
    pub events: (Vec<Event>, Vec<Equivalence>),
    /// The orphaned spans.
    pub orphans: Vec<Span>,
    /// Whether the document is marked done.
    pub done: bool,
    /// The suggestions turned down.
    pub rejected: Vec<Rejection>,
    /// A reviewer's decisions at disagreements.
    pub decisions: Vec<crate::review::decision::Decision>,
}

impl LayerContent {
    /// The content of a layer.
    pub fn of(layer: &Layer) -> Self {
        Self {
            scheme: layer.scheme.clone(),
            spans: layer.spans().to_vec(),
            relations: layer.relations.clone(),
            events: (layer.events.clone(), layer.equivalences.clone()),
            orphans: layer.orphans.clone(),
            done: layer.done,
            rejected: layer.rejected.clone(),
            decisions: layer.decisions.clone(),
        }
    }
}

/// Why an edit could not be applied.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EditError {
    /// The edit names a span that does not exist.
    #[error("no span with id {0}")]
    NoSuchSpan(u64),
    /// The label is still used by spans.
    #[error("label {0:?} is still in use")]
    LabelInUse(String),
    /// The edit names a relation that does not exist.
    #[error("no relation with id {0}")]
    NoSuchRelation(u64),
    /// The edit adds a span whose id is taken.
    #[error("a span with id {0} exists already")]
    DuplicateId(u64),
    /// The pieces given to a span are empty, out of order or overlapping.
    #[error("span {0}: its pieces must be non-empty, sorted and apart")]
    BadPieces(u64),
}

/// Applies an edit and returns the edit that undoes it. On error nothing changed.
pub fn apply(layer: &mut Layer, edit: Edit) -> Result<Edit, EditError> {
    match edit {
        Edit::AddSpan(span) => {
            if layer.get(span.id).is_some() {
                return Err(EditError::DuplicateId(span.id));
            }
            if layer.orphans.iter().any(|o| o.id == span.id) {
                return Err(EditError::DuplicateId(span.id));
            }
            let id = span.id;
            let added_label = layer.scheme.ensure(&span.label).then(|| span.label.clone());
            layer.insert(span);
            // Undoing the span also takes away the label it brought, so that an undo
            // returns the layer to exactly what it was.
            Ok(match added_label {
                Some(label) => Edit::Batch(vec![Edit::RemoveSpan(id), Edit::RemoveLabel(label)]),
                None => Edit::RemoveSpan(id),
            })
        }
        Edit::RemoveSpan(id) => {
            let span = layer.remove(id).ok_or(EditError::NoSuchSpan(id))?;
            // Relations go with their spans, and so do events and equivalences that name
            // them; undo brings all back.
            let gone = take_relations(layer, |r| r.from == id || r.to == id);
            let events = prune_events(layer, &|other| other == id);
            Ok(if gone.is_empty() && events.is_none() {
                Edit::AddSpan(span)
            } else {
                let mut back = vec![Edit::AddSpan(span)];
                back.extend(gone.into_iter().map(Edit::AddRelation));
                back.extend(events);
                Edit::Batch(back)
            })
        }
        Edit::AddSpans(spans) => {
            let mut ids = std::collections::HashSet::with_capacity(spans.len());
            for span in &spans {
                if !ids.insert(span.id)
                    || layer.get(span.id).is_some()
                    || layer.orphans.iter().any(|o| o.id == span.id)
                {
                    return Err(EditError::DuplicateId(span.id));
                }
            }
            let mut added_labels = Vec::new();
            for span in &spans {
                if layer.scheme.ensure(&span.label) {
                    added_labels.push(span.label.clone());
                }
            }
            let ids: Vec<u64> = spans.iter().map(|s| s.id).collect();
            layer.insert_many(spans);
            let back = Edit::RemoveSpans(ids);
            Ok(if added_labels.is_empty() {
                back
            } else {
                let mut edits = vec![back];
                edits.extend(added_labels.into_iter().map(Edit::RemoveLabel));
                Edit::Batch(edits)
            })
        }
        Edit::RemoveSpans(ids) => {
            let wanted: std::collections::HashSet<u64> = ids.iter().copied().collect();
            if let Some(missing) = ids.iter().find(|&&id| layer.get(id).is_none()) {
                return Err(EditError::NoSuchSpan(*missing));
            }
            let spans = layer.remove_many(&wanted);
            let gone = take_relations(layer, |r| {
                wanted.contains(&r.from) || wanted.contains(&r.to)
            });
            let events = prune_events(layer, &|id| wanted.contains(&id));
            Ok(if gone.is_empty() && events.is_none() {
                Edit::AddSpans(spans)
            } else {
                let mut back = vec![Edit::AddSpans(spans)];
                back.extend(gone.into_iter().map(Edit::AddRelation));
                back.extend(events);
                Edit::Batch(back)
            })
        }
        Edit::AddRelation(relation) => {
            let taken = layer.get(relation.id).is_some()
                || layer.relations.iter().any(|r| r.id == relation.id)
                || layer.orphans.iter().any(|o| o.id == relation.id);
            if taken {
                return Err(EditError::DuplicateId(relation.id));
            }
            for end in [relation.from, relation.to] {
                if layer.get(end).is_none() {
                    return Err(EditError::NoSuchSpan(end));
                }
            }
            let id = relation.id;
            layer.reserve_id(id);
            layer.relations.push(relation);
            layer.relations.sort_by_key(|r| r.id);
            Ok(Edit::RemoveRelation(id))
        }
        Edit::RemoveRelation(id) => {
            let at = layer
                .relations
                .iter()
                .position(|r| r.id == id)
                .ok_or(EditError::NoSuchRelation(id))?;
            Ok(Edit::AddRelation(layer.relations.remove(at)))
        }
        Edit::Relabel { id, label } => {
            let mut span = layer.get(id).cloned().ok_or(EditError::NoSuchSpan(id))?;
            let added_label = layer.scheme.ensure(&label).then(|| label.clone());
            let old = std::mem::replace(&mut span.label, label);
            layer.replace(span);
            let back = Edit::Relabel { id, label: old };
            Ok(match added_label {
                Some(label) => Edit::Batch(vec![back, Edit::RemoveLabel(label)]),
                None => back,
            })
        }
        Edit::Resize {
            id,
            start,
            end,
            text,
        } => {
            let mut span = layer.get(id).cloned().ok_or(EditError::NoSuchSpan(id))?;
            let old_pieces = span.fragments.clone();
            let old_text = std::mem::replace(&mut span.text, text);
            let back = Edit::Resize {
                id,
                start: span.start,
                end: span.end,
                text: old_text.clone(),
            };
            (span.start, span.end) = (start, end);
            // A discontinuous span's outer ends follow; if its pieces no longer fit, it
            // becomes continuous (the undo gives them back).
            if let Some(first) = span.fragments.first_mut() {
                first.0 = start;
            }
            if let Some(last) = span.fragments.last_mut() {
                last.1 = end;
            }
            if !Span::fragments_fit(&span.fragments, start, end) {
                span.fragments.clear();
            }
            layer.replace(span);
            Ok(if old_pieces.is_empty() {
                back
            } else {
                Edit::Batch(vec![
                    back,
                    Edit::SetPieces {
                        id,
                        pieces: old_pieces,
                        text: old_text,
                    },
                ])
            })
        }
        Edit::SetEvents(content) => {
            let (events, equivalences) = *content;
            for event in &events {
                layer.reserve_id(event.id);
            }
            let old = (
                std::mem::replace(&mut layer.events, events),
                std::mem::replace(&mut layer.equivalences, equivalences),
            );
            Ok(Edit::SetEvents(Box::new(old)))
        }
        Edit::SetAttr { id, name, value } => {
            let mut span = layer.get(id).cloned().ok_or(EditError::NoSuchSpan(id))?;
            let old = match value.filter(|v| !v.is_empty()) {
                Some(value) => span.attrs.insert(name.clone(), value),
                None => span.attrs.remove(&name),
            };
            layer.replace(span);
            Ok(Edit::SetAttr {
                id,
                name,
                value: old,
            })
        }
        Edit::SetPieces { id, pieces, text } => {
            let mut span = layer.get(id).cloned().ok_or(EditError::NoSuchSpan(id))?;
            let (Some(&(start, _)), Some(&(_, end))) = (pieces.first(), pieces.last()) else {
                return Err(EditError::BadPieces(id));
            };
            let fragments = if pieces.len() == 1 {
                Vec::new()
            } else {
                pieces
            };
            if !Span::fragments_fit(&fragments, start, end) || start >= end {
                return Err(EditError::BadPieces(id));
            }
            let back = Edit::SetPieces {
                id,
                pieces: span
                    .pieces()
                    .into_iter()
                    .map(|r| (r.start, r.end))
                    .collect(),
                text: std::mem::replace(&mut span.text, text),
            };
            (span.start, span.end, span.fragments) = (start, end, fragments);
            layer.replace(span);
            Ok(back)
        }
        Edit::SetNote { id, note } => {
            let mut span = layer.get(id).cloned().ok_or(EditError::NoSuchSpan(id))?;
            let note = note.filter(|n| !n.is_empty());
            let old = std::mem::replace(&mut span.note, note);
            layer.replace(span);
            Ok(Edit::SetNote { id, note: old })
        }
        Edit::AddLabel(name) => {
            if layer.scheme.ensure(&name) {
                Ok(Edit::RemoveLabel(name))
            } else {
                Ok(Edit::Batch(Vec::new()))
            }
        }
        Edit::InsertLabel { label, at } => {
            let name = label.name.clone();
            if layer.scheme.insert_at(label, at) {
                Ok(Edit::RemoveLabel(name))
            } else {
                Ok(Edit::Batch(Vec::new()))
            }
        }
        Edit::RemoveLabel(name) => {
            if layer.spans().iter().any(|s| s.label == name) {
                return Err(EditError::LabelInUse(name));
            }
            let (Some(at), Some(label)) = (
                layer.scheme.position(&name),
                layer.scheme.get(&name).cloned(),
            ) else {
                return Ok(Edit::Batch(Vec::new()));
            };
            layer.scheme.remove(&name);
            Ok(Edit::InsertLabel { label, at })
        }
        Edit::SetLabelColor { name, color } => match layer.scheme.set_color(&name, &color) {
            Some(old) => Ok(Edit::SetLabelColor { name, color: old }),
            None => Ok(Edit::Batch(Vec::new())),
        },
        Edit::MoveLabel { name, to } => match layer.scheme.move_to(&name, to) {
            Some(from) => Ok(Edit::MoveLabel { name, to: from }),
            None => Ok(Edit::Batch(Vec::new())),
        },
        Edit::Replace(content) => {
            let old = LayerContent::of(layer);
            let LayerContent {
                scheme,
                spans,
                relations,
                events: (events, equivalences),
                orphans,
                done,
                rejected,
                decisions,
            } = *content;
            let next_id = layer.next_id();
            let mut replaced = Layer::from_parts(&layer.annotator, scheme, spans, relations);
            for event in &events {
                replaced.reserve_id(event.id);
            }
            replaced.events = events;
            replaced.equivalences = equivalences;
            replaced.set_orphans(orphans);
            replaced.done = done;
            replaced.set_rejected(rejected);
            replaced.set_decisions(decisions);
            // Ids handed out before stay taken; merge conflicts stay listed.
            replaced.reserve_id(next_id.saturating_sub(1));
            replaced.conflicts = std::mem::take(&mut layer.conflicts);
            *layer = replaced;
            Ok(Edit::Replace(Box::new(old)))
        }
        Edit::AddOrphan(span) => {
            let id = span.id;
            if layer.get(id).is_some() || layer.orphans.iter().any(|o| o.id == id) {
                return Err(EditError::DuplicateId(id));
            }
            layer.reserve_id(id);
            layer.orphans.push(span);
            Ok(Edit::RemoveOrphan(id))
        }
        Edit::RemoveOrphan(id) => {
            let at = layer
                .orphans
                .iter()
                .position(|s| s.id == id)
                .ok_or(EditError::NoSuchSpan(id))?;
            Ok(Edit::AddOrphan(layer.orphans.remove(at)))
        }
        Edit::SetDone(done) => Ok(Edit::SetDone(std::mem::replace(&mut layer.done, done))),
        Edit::SetConflicts(conflicts) => Ok(Edit::SetConflicts(std::mem::replace(
            &mut layer.conflicts,
            conflicts,
        ))),
        Edit::Reject(rejection) => Ok(if layer.add_rejection(rejection.clone()) {
            Edit::Unreject(rejection)
        } else {
            Edit::Batch(Vec::new())
        }),
        Edit::Unreject(rejection) => Ok(if layer.remove_rejection(&rejection) {
            Edit::Reject(rejection)
        } else {
            Edit::Batch(Vec::new())
        }),
        Edit::Decide(decision) => Ok(match layer.add_decision(decision.clone()) {
            Some(old) => Edit::Batch(vec![Edit::Undecide(decision), Edit::Decide(old)]),
            None => Edit::Undecide(decision),
        }),
        Edit::Undecide(decision) => Ok(if layer.remove_decision(&decision) {
            Edit::Decide(decision)
        } else {
            Edit::Batch(Vec::new())
        }),
        Edit::Batch(edits) => {
            let mut inverses = Vec::with_capacity(edits.len());
            for edit in edits {
                match apply(layer, edit) {
                    Ok(inverse) => inverses.push(inverse),
                    Err(err) => {
                        // Roll back what this batch did so far.
                        for inverse in inverses.into_iter().rev() {
                            let _ = apply(layer, inverse);
                        }
                        return Err(err);
                    }
                }
            }
            inverses.reverse();
            Ok(Edit::Batch(inverses))
        }
    }
}

/// Removes and returns the relations matching `which`.
/// Takes out the events and equivalences that name spans now `gone`; returns the edit that
/// puts them back, if anything changed.
fn prune_events(layer: &mut Layer, gone: &dyn Fn(u64) -> bool) -> Option<Edit> {
    let old = (layer.events.clone(), layer.equivalences.clone());
    crate::annotation::prune_references(&mut layer.events, &mut layer.equivalences, gone)
        .then(|| Edit::SetEvents(Box::new(old)))
}

fn take_relations(layer: &mut Layer, which: impl Fn(&Relation) -> bool) -> Vec<Relation> {
    let (gone, kept): (Vec<Relation>, Vec<Relation>) = std::mem::take(&mut layer.relations)
        .into_iter()
        .partition(|r| which(r));
    layer.relations = kept;
    gone
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(id: u64, start: usize, end: usize, label: &str) -> Span {
        Span::new(id, start..end, label, "x")
    }

    #[test]
    fn undo_redo_every_edit_kind() {
        let mut layer = Layer::new("a");
        let mut history = History::new();
        history
            .apply(&mut layer, Edit::AddSpan(span(1, 0, 4, "claim")))
            .unwrap();
        history
            .apply(
                &mut layer,
                Edit::Relabel {
                    id: 1,
                    label: "actor".into(),
                },
            )
            .unwrap();
        history
            .apply(
                &mut layer,
                Edit::SetNote {
                    id: 1,
                    note: Some("n".into()),
                },
            )
            .unwrap();
        let done = layer.clone();
        assert!(history.undo(&mut layer));
        assert_eq!(layer.get(1).unwrap().note, None);
        assert!(history.undo(&mut layer));
        assert_eq!(layer.get(1).unwrap().label, "claim");
        assert!(history.undo(&mut layer));
        assert!(layer.spans().is_empty());
        assert!(!history.undo(&mut layer));
        assert!(!history.is_dirty());
        while history.redo(&mut layer) {}
        assert_eq!(layer, done);
        assert!(history.is_dirty());
    }

    #[test]
    fn attributes_and_pieces_are_undoable() {
        // "North and South Korea": "North" 0..5 and "Korea" 16..21 as one span.
        let mut layer = Layer::new("a");
        let mut history = History::new();
        history
            .apply(&mut layer, Edit::AddSpan(span(1, 0, 5, "place")))
            .unwrap();
        let plain = layer.clone();
        let set = |name: &str, value: Option<&str>| Edit::SetAttr {
            id: 1,
            name: name.into(),
            value: value.map(str::to_owned),
        };
        history
            .apply(&mut layer, set("negated", Some("true")))
            .unwrap();
        history
            .apply(&mut layer, set("certainty", Some("hedged")))
            .unwrap();
        history.apply(&mut layer, set("negated", None)).unwrap();
        let pieces = Edit::SetPieces {
            id: 1,
            pieces: vec![(0, 5), (16, 21)],
            text: "North and South Korea".into(),
        };
        history.apply(&mut layer, pieces).unwrap();
        let s = layer.get(1).unwrap();
        assert_eq!(
            (s.start, s.end, s.text.as_str()),
            (0, 21, "North and South Korea")
        );
        assert_eq!(s.fragments, [(0, 5), (16, 21)]);
        assert_eq!(s.attrs.len(), 1);
        assert_eq!(s.attrs["certainty"], "hedged");
        let done = layer.clone();
        // Pieces that overlap or are out of order are refused, nothing changed.
        for bad in [
            vec![(0, 5), (4, 9)],
            vec![(16, 21), (0, 5)],
            vec![(3, 3)],
            vec![],
        ] {
            let edit = Edit::SetPieces {
                id: 1,
                pieces: bad,
                text: String::new(),
            };
            assert!(matches!(
                history.apply(&mut layer, edit),
                Err(EditError::BadPieces(1))
            ));
            assert_eq!(layer, done);
        }
        // Resizing moves the outer ends; past a piece's other end it becomes continuous, and
        // the undo gives the pieces back.
        let resize = |start, end| Edit::Resize {
            id: 1,
            start,
            end,
            text: String::new(),
        };
        history.apply(&mut layer, resize(1, 21)).unwrap();
        assert_eq!(layer.get(1).unwrap().fragments, [(1, 5), (16, 21)]);
        history.apply(&mut layer, resize(1, 12)).unwrap();
        assert!(layer.get(1).unwrap().fragments.is_empty());
        assert!(history.undo(&mut layer));
        assert_eq!(layer.get(1).unwrap().fragments, [(1, 5), (16, 21)]);
        assert!(history.undo(&mut layer));
        assert_eq!(layer, done);
        for _ in 0..4 {
            assert!(history.undo(&mut layer));
        }
        assert_eq!(layer, plain);
        while history.redo(&mut layer) {}
        let s = layer.get(1).unwrap();
        assert_eq!((s.start, s.end, s.fragments.len()), (1, 12, 0));
        assert_eq!(s.attrs["certainty"], "hedged");
    }

    #[test]
    fn deleting_a_span_takes_its_events_along_and_undo_brings_them_back() {
        use crate::annotation::{Equivalence, Event, EventArg};
        let mut layer = Layer::new("a");
        for (id, s, e) in [(1, 0, 4), (2, 5, 9), (3, 10, 14)] {
            layer.insert(span(id, s, e, "claim"));
        }
        let arg = |role: &str, to| EventArg {
            role: role.into(),
            to,
        };
        // Event 10 is triggered by span 3 with arguments 1 and 2; event 11 by span 1 takes
        // event 10 as its theme.
        layer.events = vec![
            Event {
                id: 10,
                label: "Sign".into(),
                trigger: 3,
                args: vec![arg("Agent", 1), arg("Agent", 2)],
                attrs: Default::default(),
                note: None,
            },
            Event {
                id: 11,
                label: "Sign".into(),
                trigger: 1,
                args: vec![arg("Theme", 10)],
                attrs: Default::default(),
                note: None,
            },
        ];
        layer.equivalences = vec![Equivalence {
            label: "Equiv".into(),
            members: vec![1, 2],
        }];
        let before = layer.clone();
        let mut history = History::new();
        // Span 2 goes: event 10 loses that argument; the equivalence has one member left
        // and goes.
        history.apply(&mut layer, Edit::RemoveSpan(2)).unwrap();
        assert_eq!(layer.events[0].args, [arg("Agent", 1)]);
        assert!(layer.equivalences.is_empty());
        // Span 3 goes: event 10 (its trigger) goes, and event 11's argument naming it.
        history
            .apply(&mut layer, Edit::RemoveSpans(vec![3]))
            .unwrap();
        assert_eq!(layer.events.len(), 1);
        assert!(layer.events[0].args.is_empty());
        assert!(history.undo(&mut layer));
        assert!(history.undo(&mut layer));
        assert_eq!(layer, before);
    }

    #[test]
    fn batch_undoes_as_one_and_rolls_back_on_error() {
        let mut layer = Layer::new("a");
        let mut history = History::new();
        let batch = Edit::Batch(vec![
            Edit::AddSpan(span(1, 0, 1, "claim")),
            Edit::AddSpan(span(2, 2, 3, "claim")),
        ]);
        history.apply(&mut layer, batch).unwrap();
        assert_eq!(layer.spans().len(), 2);
        history.undo(&mut layer);
        assert!(layer.spans().is_empty());
        let bad = Edit::Batch(vec![
            Edit::AddSpan(span(5, 0, 1, "claim")),
            Edit::RemoveSpan(99),
        ]);
        assert_eq!(
            history.apply(&mut layer, bad),
            Err(EditError::NoSuchSpan(99))
        );
        assert!(layer.spans().is_empty());
    }

    #[test]
    fn labels_are_undoable() {
        let mut layer = Layer::new("a");
        let mut history = History::new();
        history
            .apply(&mut layer, Edit::AddLabel("quote".into()))
            .unwrap();
        assert!(layer.scheme.get("quote").is_some());
        assert!(history.is_dirty());
        history.undo(&mut layer);
        assert!(layer.scheme.get("quote").is_none());
        history
            .apply(&mut layer, Edit::AddSpan(span(1, 0, 1, "claim")))
            .unwrap();
        assert_eq!(
            apply(&mut layer, Edit::RemoveLabel("claim".into())),
            Err(EditError::LabelInUse("claim".into()))
        );
    }

    #[test]
    fn undoing_a_span_or_relabel_takes_back_the_label_it_brought() {
        let mut layer = Layer::new("a");
        let clean = layer.clone();
        let mut history = History::new();
        history
            .apply(&mut layer, Edit::AddSpan(span(1, 0, 1, "quote")))
            .unwrap();
        assert!(layer.scheme.get("quote").is_some());
        history.undo(&mut layer);
        assert!(
            layer.scheme.get("quote").is_none(),
            "the label went with the span"
        );
        assert!(!history.is_dirty());
        assert_eq!(layer.scheme, clean.scheme);
        history.redo(&mut layer);
        assert!(layer.get(1).is_some() && layer.scheme.get("quote").is_some());
        history
            .apply(
                &mut layer,
                Edit::Relabel {
                    id: 1,
                    label: "rumour".into(),
                },
            )
            .unwrap();
        history.undo(&mut layer);
        assert!(layer.scheme.get("rumour").is_none());
        assert_eq!(layer.get(1).unwrap().label, "quote");
    }

    #[test]
    fn removed_labels_come_back_in_place_with_their_colour() {
        let mut layer = Layer::new("a");
        let before = layer.scheme.clone();
        let mut history = History::new();
        history
            .apply(&mut layer, Edit::RemoveLabel("actor".into()))
            .unwrap();
        history.undo(&mut layer);
        assert_eq!(layer.scheme, before);
    }

    #[test]
    fn replace_is_undoable_and_keeps_ids_taken() {
        let mut layer = Layer::new("a");
        let mut history = History::new();
        history
            .apply(&mut layer, Edit::AddSpan(span(7, 0, 1, "claim")))
            .unwrap();
        let before = layer.clone();
        let content = LayerContent {
            scheme: LabelScheme::default(),
            spans: vec![span(2, 0, 3, "actor")],
            relations: vec![],
            events: (Vec::new(), Vec::new()),
            orphans: vec![span(3, 5, 6, "event")],
            done: true,
            decisions: Vec::new(),
            rejected: vec![crate::annotation::Rejection {
                start: 0,
                end: 1,
                label: "actor".into(),
                text: "x".into(),
            }],
        };
        history
            .apply(&mut layer, Edit::Replace(Box::new(content)))
            .unwrap();
        assert_eq!(layer.spans().len(), 1);
        assert_eq!(layer.orphans.len(), 1);
        assert!(layer.is_rejected(0, 1, "actor"));
        assert!(layer.next_id() > 7, "ids handed out before are not reused");
        history.undo(&mut layer);
        assert_eq!(layer.spans(), before.spans());
        assert!(layer.orphans.is_empty());
        assert!(layer.rejected.is_empty());
    }

    #[test]
    fn labels_are_recoloured_and_reordered_undoably() {
        let mut layer = Layer::new("a");
        let mut history = History::new();
        let names = |l: &Layer| -> Vec<String> {
            l.scheme.labels().iter().map(|l| l.name.clone()).collect()
        };
        history
            .apply(
                &mut layer,
                Edit::SetLabelColor {
                    name: "actor".into(),
                    color: "#123456".into(),
                },
            )
            .unwrap();
        assert_eq!(layer.scheme.get("actor").unwrap().color, "#123456");
        history
            .apply(
                &mut layer,
                Edit::MoveLabel {
                    name: "event".into(),
                    to: 0,
                },
            )
            .unwrap();
        assert_eq!(names(&layer), ["event", "claim", "actor"]);
        history.undo(&mut layer);
        assert_eq!(names(&layer), ["claim", "actor", "event"]);
        history.undo(&mut layer);
        assert_eq!(
            layer.scheme,
            LabelScheme::default(),
            "the default colour is back"
        );
    }

    #[test]
    fn rejecting_a_suggestion_is_undoable_and_recorded_once() {
        let mut layer = Layer::new("a");
        let mut history = History::new();
        let r = crate::annotation::Rejection {
            start: 4,
            end: 7,
            label: "actor".into(),
            text: "Bob".into(),
        };
        history.apply(&mut layer, Edit::Reject(r.clone())).unwrap();
        history.apply(&mut layer, Edit::Reject(r.clone())).unwrap();
        assert_eq!(layer.rejected, vec![r.clone()]);
        assert!(layer.is_rejected(4, 7, "actor"));
        assert!(!layer.is_rejected(4, 7, "claim"));
        history.undo(&mut layer);
        assert_eq!(
            layer.rejected,
            vec![r.clone()],
            "the repeat changed nothing"
        );
        history.undo(&mut layer);
        assert!(layer.rejected.is_empty());
        history.redo(&mut layer);
        assert!(layer.is_rejected(4, 7, "actor"));
    }

    #[test]
    fn orphan_ids_are_never_shared_with_spans() {
        let mut layer = Layer::new("a");
        layer.set_id_tag(0); // the old scheme: counted up from the largest id
        apply(&mut layer, Edit::AddOrphan(span(4, 0, 1, "claim"))).unwrap();
        assert_eq!(layer.allocate_id(), 5);
        assert_eq!(
            apply(&mut layer, Edit::AddSpan(span(4, 0, 1, "claim"))),
            Err(EditError::DuplicateId(4))
        );
    }

    #[test]
    fn many_spans_at_once_undo_as_one() {
        let mut layer = Layer::new("a");
        let mut history = History::new();
        history
            .apply(&mut layer, Edit::AddSpan(span(1, 50, 60, "claim")))
            .unwrap();
        let many: Vec<Span> = (0..100)
            .map(|i| span(10 + i, i as usize * 3, i as usize * 3 + 2, "quote"))
            .collect();
        history.apply(&mut layer, Edit::AddSpans(many)).unwrap();
        assert_eq!(layer.spans().len(), 101);
        assert!(layer.spans().is_sorted_by(|a, b| a.order(b).is_le()));
        for (i, s) in layer.spans().iter().enumerate() {
            assert_eq!(layer.position(s.id), Some(i));
        }
        assert_eq!(
            layer
                .counts()
                .iter()
                .find(|(n, _)| n == "quote")
                .map(|(_, c)| *c),
            Some(100)
        );
        history.undo(&mut layer);
        assert_eq!(layer.spans().len(), 1);
        assert!(layer.scheme.get("quote").is_none());
        history.redo(&mut layer);
        assert_eq!(layer.spans().len(), 101);
        assert_eq!(
            apply(&mut layer, Edit::AddSpans(vec![span(1, 0, 1, "claim")])),
            Err(EditError::DuplicateId(1))
        );
    }

    #[test]
    fn relations_go_with_their_spans_and_come_back_on_undo() {
        let mut layer = Layer::new("a");
        layer.set_id_tag(0); // the old scheme: counted up from the largest id
        let mut history = History::new();
        history
            .apply(&mut layer, Edit::AddSpan(span(1, 0, 5, "actor")))
            .unwrap();
        history
            .apply(&mut layer, Edit::AddSpan(span(2, 6, 20, "claim")))
            .unwrap();
        let says = Relation {
            id: 3,
            from: 1,
            to: 2,
            label: "says".into(),
        };
        history
            .apply(&mut layer, Edit::AddRelation(says.clone()))
            .unwrap();
        assert_eq!(
            layer.allocate_id(),
            4,
            "relation ids share the span counter"
        );
        assert_eq!(
            apply(
                &mut layer,
                Edit::AddRelation(Relation {
                    id: 9,
                    from: 1,
                    to: 99,
                    label: "says".into()
                })
            ),
            Err(EditError::NoSuchSpan(99))
        );
        history.apply(&mut layer, Edit::RemoveSpan(2)).unwrap();
        assert!(layer.relations.is_empty(), "deleted with its span");
        history.undo(&mut layer);
        assert_eq!(
            layer.relations,
            std::slice::from_ref(&says),
            "undo brings both back"
        );
        history
            .apply(&mut layer, Edit::RemoveSpans(vec![1]))
            .unwrap();
        assert!(layer.relations.is_empty());
        history.undo(&mut layer);
        assert_eq!(layer.relations, [says]);
        history.apply(&mut layer, Edit::RemoveRelation(3)).unwrap();
        assert!(layer.relations.is_empty());
        history.undo(&mut layer);
        assert_eq!(layer.relations.len(), 1);
    }

    #[test]
    fn note_typing_coalesces_into_one_step() {
        let mut layer = Layer::new("a");
        let mut history = History::new();
        history
            .apply(&mut layer, Edit::AddSpan(span(1, 0, 1, "claim")))
            .unwrap();
        for note in ["a", "ab", "abc"] {
            history
                .apply(
                    &mut layer,
                    Edit::SetNote {
                        id: 1,
                        note: Some(note.into()),
                    },
                )
                .unwrap();
        }
        assert_eq!(layer.get(1).unwrap().note.as_deref(), Some("abc"));
        history.undo(&mut layer);
        assert_eq!(layer.get(1).unwrap().note, None);
        assert_eq!(layer.spans().len(), 1);
    }

    #[test]
    fn saved_marker_tracks_undo_depth() {
        let mut layer = Layer::new("a");
        let mut history = History::new();
        history
            .apply(&mut layer, Edit::AddSpan(span(1, 0, 1, "claim")))
            .unwrap();
        history.mark_saved();
        assert!(!history.is_dirty());
        history.undo(&mut layer);
        assert!(history.is_dirty());
        history
            .apply(&mut layer, Edit::AddSpan(span(2, 0, 1, "event")))
            .unwrap();
        assert!(
            history.is_dirty(),
            "a different branch never matches the saved state"
        );
    }
}
