//! The project file (`spantag.ron`) in a session: its labels first in the editable layer's
//! scheme, its relation types, reloading it, and adding relations of those types.

use crate::edit::{Edit, EditError};
use std::path::{Path, PathBuf};

use super::{LayerId, Session, SessionError};

impl Session {
    /// Reads the project file (`spantag.ron` in the document's folder or above): its labels
    /// come first in the editable layer's scheme, its relation types replace the defaults. A
    /// bad file is reported ([`Self::project_error`]) and the defaults used; nothing is
    /// written.
    /// Gives the editable layer the project file's labels, followed by the other labels its
    /// file lists (`labels_stored`) — or, when its file lists none and the layer holds the
    /// defaults, only those of the defaults its spans use.
    pub(super) fn apply_project(&mut self, labels_stored: bool) {
        let Some(dir) = self
            .doc
            .path()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
        else {
            return;
        };
        let Some(path) = crate::project::find(&dir) else {
            return;
        };
        match crate::project::load(&path) {
            Ok(project) => {
                if let Some(state) = self.layers.get_mut(&self.editable) {
                    let mut file_labels = state.layer.scheme.labels().to_vec();
                    if !labels_stored {
                        let used = state.layer.counts();
                        file_labels
                            .retain(|l| used.iter().any(|(name, n)| *n > 0 && *name == l.name));
                    }
                    let scheme = crate::project::effective_scheme(Some(&project), &file_labels);
                    state.layer.scheme = scheme;
                    state.reindex();
                }
                self.relation_types = project.relation_types.clone();
                self.project_relation_types = true;
                self.attributes = project
                    .labels
                    .iter()
                    .filter(|l| !l.attributes.is_empty())
                    .map(|l| (l.name.clone(), l.attributes.clone()))
                    .collect();
                self.event_roles = project
                    .events
                    .iter()
                    .map(|e| (e.label.clone(), e.roles.clone()))
                    .collect();
                self.unify_scheme();
            }
            Err(err) => self.project_error = Some(err.to_string()),
        }
    }

    /// The project file that sets this document's labels, when there is one and it loads.
    pub fn project(&self) -> Option<(PathBuf, crate::project::Project)> {
        let dir = self.doc.path().and_then(Path::parent)?;
        let path = crate::project::find(dir)?;
        let project = crate::project::load(&path).ok()?;
        Some((path, project))
    }

    /// Reads the project file again after it was changed (the label editor): labels it no
    /// longer has leave the editable layer's list unless a span uses them.
    pub fn reload_project(&mut self, dropped: &[String]) {
        if let Some(state) = self.layers.get_mut(&self.editable) {
            for name in dropped {
                if !state.layer.spans().iter().any(|s| &s.label == name) {
                    state.layer.scheme.remove(name);
                }
            }
        }
        self.project_error = None;
        self.project_relation_types = false;
        self.attributes.clear();
        self.event_roles.clear();
        self.apply_project(true);
        self.unify_scheme();
    }

    /// The attributes the project file declares for spans of `label` (none without one).
    pub fn attributes_of(&self, label: &str) -> &[crate::project::Attribute] {
        self.attributes.get(label).map_or(&[], Vec::as_slice)
    }

    /// The roles the project file gives events triggered by spans of `label` (none: such
    /// spans trigger no events made in the app).
    pub fn event_roles(&self, label: &str) -> &[String] {
        self.event_roles.get(label).map_or(&[], Vec::as_slice)
    }

    /// Adds an argument of `role` pointing at span `to` to the event that span `trigger`
    /// triggers in a layer (its first one; a new event when it triggers none), as one
    /// undoable step; returns the event's id. An argument that is there already is not added
    /// twice.
    pub fn add_event_arg(
        &mut self,
        id: &LayerId,
        trigger: u64,
        to: u64,
        role: &str,
    ) -> Result<u64, SessionError> {
        let state = self.editable_mut(id)?;
        if trigger == to {
            return Err(SessionError::Edit(EditError::NoSuchSpan(to)));
        }
        let layer = &state.layer;
        let (Some(span), Some(_)) = (layer.get(trigger), layer.get(to)) else {
            return Err(SessionError::Edit(EditError::NoSuchSpan(to)));
        };
        let label = span.label.clone();
        let mut events = layer.events.clone();
        let arg = crate::annotation::EventArg {
            role: role.to_owned(),
            to,
        };
        let event_id = match events.iter_mut().find(|e| e.trigger == trigger) {
            Some(event) if event.args.contains(&arg) => return Ok(event.id),
            Some(event) => {
                event.args.push(arg);
                event.id
            }
            None => {
                let event_id = layer.next_id();
                events.push(crate::annotation::Event {
                    id: event_id,
                    label,
                    trigger,
                    args: vec![arg],
                    attrs: Default::default(),
                    note: None,
                });
                event_id
            }
        };
        let equivalences = layer.equivalences.clone();
        self.apply(id, Edit::SetEvents(Box::new((events, equivalences))))?;
        Ok(event_id)
    }

    /// Removes argument `index` of event `event` in a layer (`None`: the whole event), as one
    /// undoable step.
    pub fn remove_event_part(
        &mut self,
        id: &LayerId,
        event: u64,
        index: Option<usize>,
    ) -> Result<(), SessionError> {
        let state = self.editable_mut(id)?;
        let mut events = state.layer.events.clone();
        let Some(at) = events.iter().position(|e| e.id == event) else {
            return Err(SessionError::Edit(EditError::NoSuchRelation(event)));
        };
        match index {
            Some(i) if i < events[at].args.len() => {
                events[at].args.remove(i);
            }
            Some(_) => return Err(SessionError::Edit(EditError::NoSuchRelation(event))),
            None => {
                events.remove(at);
                // Arguments naming the removed event go with it.
                for other in &mut events {
                    other.args.retain(|a| a.to != event);
                }
            }
        }
        let equivalences = state.layer.equivalences.clone();
        self.apply(id, Edit::SetEvents(Box::new((events, equivalences))))
    }

    /// Why the project file could not be used (the defaults are used instead).
    pub fn project_error(&self) -> Option<&str> {
        self.project_error.as_deref()
    }

    /// The relation types (the project file's, else `says` actor → claim and
    /// `participates` actor → event).
    pub fn relation_types(&self) -> &[crate::project::RelationType] {
        &self.relation_types
    }

    /// Adds a relation of type `label` from span `from` to span `to` of a layer, as one
    /// undoable step; returns its id. Refused when a span is missing, the relation would link
    /// a span to itself, or the same relation exists.
    pub fn add_relation(
        &mut self,
        id: &LayerId,
        from: u64,
        to: u64,
        label: &str,
    ) -> Result<u64, SessionError> {
        let state = self.editable_mut(id)?;
        if from == to {
            return Err(SessionError::Edit(EditError::NoSuchSpan(to)));
        }
        if let Some(existing) = state
            .layer
            .relations
            .iter()
            .find(|r| r.from == from && r.to == to && r.label == label)
        {
            return Ok(existing.id);
        }
        let rel = state.layer.next_id();
        self.apply(
            id,
            Edit::AddRelation(crate::annotation::Relation {
                id: rel,
                from,
                to,
                label: label.to_owned(),
            }),
        )?;
        Ok(rel)
    }
}
