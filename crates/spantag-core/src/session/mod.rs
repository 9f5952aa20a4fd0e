//! One document and its annotation layers: the model the app edits, without egui.
//!
//! A [`Session`] owns the [`Document`] and any number of layers keyed by [`LayerId`] (an
//! annotator's name, or the curated layer). Each layer has its own undo history, span index,
//! label counts, disk state and recovery state. One layer is editable (your own today; the
//! curated one in review); the others are shown read-only.
//!
//! Everything that changes a layer goes through [`Session::apply`] with an [`Edit`], whose
//! inverse goes onto that layer's history: tagging (whitespace trim, duplicate check, id
//! allocation are done here, then an `AddSpan`), relabelling, notes, deleting, placing and
//! deleting orphans, merging a teammate's file and restoring a recovery file. So undo covers
//! all of them, and the command line can reuse them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::annotation::{LabelScheme, Layer, SpanIndex};
use crate::atomic::DiskState;
use crate::document::Document;
use crate::edit::{Edit, EditError, History};
use crate::store::{self, Loaded, Problem, StoreError};

pub use crate::store::CURATED;

mod arcs;
mod disk;
mod editing;
mod project;
mod review_load;

/// Which layer of a document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LayerId {
    /// An annotator's layer.
    Annotator(String),
    /// The curated layer, made in review from the annotators' layers.
    Curated,
}

impl LayerId {
    /// The layer saved under this annotator name (`curated` is the curated layer).
    pub fn from_name(name: &str) -> Self {
        if name == CURATED {
            Self::Curated
        } else {
            Self::Annotator(name.to_owned())
        }
    }

    /// The name in the file name and the file's `annotator` field.
    pub fn name(&self) -> &str {
        match self {
            Self::Annotator(name) => name,
            Self::Curated => CURATED,
        }
    }
}

impl std::fmt::Display for LayerId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A span of one layer: what the app selects, and what commands name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SpanRef {
    /// The layer.
    pub layer: LayerId,
    /// The span's id in it.
    pub id: u64,
}

impl SpanRef {
    /// A reference to span `id` of `layer`.
    pub fn new(layer: &LayerId, id: u64) -> Self {
        Self {
            layer: layer.clone(),
            id,
        }
    }
}

/// Why a session operation did not happen. Nothing changed when one is returned.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The layer is shown read-only.
    #[error("{0}'s layer is read-only here")]
    ReadOnly(LayerId),
    /// There is no such layer in this session.
    #[error("no layer {0} is open")]
    NoLayer(LayerId),
    /// The edit did not apply.
    #[error(transparent)]
    Edit(#[from] EditError),
    /// Reading or writing a file failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Which end of a span moves ([`Session::move_span_edge`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    /// The first character.
    Start,
    /// The end.
    End,
}

/// One layer in a session, with everything kept about it.
#[derive(Debug)]
pub struct LayerState {
    layer: Layer,
    history: History,
    index: SpanIndex,
    counts: Vec<(String, usize)>,
    /// Positions in `layer.relations` of the relations touching each span.
    relations_by_span: std::collections::HashMap<u64, Vec<usize>>,
    /// Each event argument as an arc from the trigger span to the argument's span (an event
    /// argument: that event's trigger), labelled with its role, for drawing.
    event_arcs: Vec<crate::annotation::Relation>,
    /// Positions in `event_arcs` touching each span.
    events_by_span: std::collections::HashMap<u64, Vec<usize>>,
    path: PathBuf,
    disk: DiskState,
    problems: Vec<Problem>,
    editable: bool,
    /// The revision whose recovery file was last queued (`None`: none pending).
    recovery_revision: Option<u64>,
}

impl LayerState {
    fn new(loaded: Loaded, path: PathBuf, editable: bool) -> Self {
        let mut history = History::new();
        if loaded.changed && editable {
            // Re-anchored offsets, or the source's new hash, are not on disk yet (a read-only
            // layer is never saved: it is not unsaved work either).
            history.mark_unsaved();
        }
        let disk = DiskState::seen(&path, loaded.disk_hash);
        let mut state = Self {
            index: SpanIndex::default(),
            counts: Vec::new(),
            relations_by_span: std::collections::HashMap::new(),
            event_arcs: Vec::new(),
            events_by_span: std::collections::HashMap::new(),
            layer: loaded.layer,
            history,
            path,
            disk,
            problems: loaded.problems,
            editable,
            recovery_revision: None,
        };
        state.reindex();
        state
    }

    /// The layer.
    pub fn layer(&self) -> &Layer {
        &self.layer
    }

    /// Its spans' index (which spans overlap a range).
    pub fn index(&self) -> &SpanIndex {
        &self.index
    }

    /// Spans per label, in the layer's scheme order (kept up to date by every change).
    pub fn counts(&self) -> &[(String, usize)] {
        &self.counts
    }

    /// Where the layer is saved.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Problems found when it was loaded.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Whether it can be changed in this session.
    pub fn is_editable(&self) -> bool {
        self.editable
    }

    /// Whether it differs from the file on disk.
    pub fn is_dirty(&self) -> bool {
        self.history.is_dirty()
    }

    /// Whether there is a step to undo.
    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    /// Whether there is a step to redo.
    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    /// The step a redo would do again, in words ("tag actor on ‘Seoul’"): after an undo,
    /// what was undone; before a redo, what it will do.
    pub fn redo_summary(&self) -> Option<String> {
        self.history
            .next_redo()
            .map(|e| crate::edit_summary::describe(e, &self.layer))
    }

    /// A counter that changes with every change (for caches).
    pub fn revision(&self) -> u64 {
        self.history.revision()
    }

    /// What was last read from or written to its file.
    pub fn disk(&self) -> &DiskState {
        &self.disk
    }
}

/// A layer read from its file, to add to a session read-only.
#[derive(Debug)]
pub struct ReadOnlyLayer {
    id: LayerId,
    /// Built (indexed, counted) on the loader thread.
    state: LayerState,
}

/// The annotators' layers of a review, as read: those that could be, in order, and those
/// that could not (with why).
#[derive(Debug, Default)]
pub struct ReviewLayers {
    /// Layers read, to add with [`Session::insert_read_only`].
    pub layers: Vec<ReadOnlyLayer>,
    /// Layers whose file could not be read, with the message.
    pub unreadable: Vec<(LayerId, String)>,
}

/// What tagging a selection did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tagged {
    /// A new span with this id.
    Added(u64),
    /// The same text already carries that label: nothing was added.
    Duplicate(u64),
    /// The selection holds only white space.
    OnlyWhitespace,
}

/// What restoring a recovery file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// Spans in the layer now.
    pub spans: usize,
    /// Spans that moved because the source changed since the recovery file was written.
    pub moved: usize,
    /// Spans that could not be placed (kept as orphans).
    pub orphaned: usize,
}

/// One document and its layers.
#[derive(Debug)]
pub struct Session {
    /// Shared so that a loader thread can go on reading layers of the document after the
    /// session is on screen.
    doc: std::sync::Arc<Document>,
    layers: BTreeMap<LayerId, LayerState>,
    editable: LayerId,
    scheme: LabelScheme,
    /// The relation types: the project file's, else `says` and `participates`.
    relation_types: Vec<crate::project::RelationType>,
    /// The attributes the project file declares, by label.
    attributes: BTreeMap<String, Vec<crate::project::Attribute>>,
    /// The event roles the project file declares, by trigger label.
    event_roles: BTreeMap<String, Vec<String>>,
    /// Why the project file (`spantag.ron`) could not be used, if it could not.
    project_error: Option<String>,
    /// The relation types come from the project file (else the defaults, fitted to the
    /// labels).
    project_relation_types: bool,
    /// The editable layer's labels are only the defaults: its file does not exist or lists
    /// none, no project file set them, and it holds no span. A curated layer in that state
    /// takes the annotators' labels when their layers arrive ([`Self::insert_read_only`]).
    editable_default_labels: bool,
}

impl Session {
    /// A session over a document with one editable layer, loaded from `path` (or empty).
    pub fn new(doc: Document, editable: LayerId, loaded: Loaded, path: PathBuf) -> Self {
        let labels_stored = loaded.labels_stored;
        let mut layers = BTreeMap::new();
        layers.insert(editable.clone(), LayerState::new(loaded, path, true));
        let mut session = Self {
            doc: std::sync::Arc::new(doc),
            layers,
            editable,
            scheme: LabelScheme::default(),
            relation_types: crate::project::default_relation_types(),
            attributes: BTreeMap::new(),
            event_roles: BTreeMap::new(),
            project_error: None,
            project_relation_types: false,
            editable_default_labels: false,
        };
        session.apply_project(labels_stored);
        session.editable_default_labels = !labels_stored
            && !session.project_relation_types
            && session.project_error.is_none()
            && session
                .layers
                .get(&session.editable)
                .is_some_and(|s| s.layer.spans().is_empty());
        session.unify_scheme();
        session
    }

    /// Opens a document and `annotator`'s layer beside it (read and parsed while the
    /// document is decoded), re-anchoring with `progress(done, total)` reports when the
    /// source changed.
    pub fn open(
        doc_path: &Path,
        annotator: &str,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Self, String> {
        store::validate_annotator(annotator).map_err(|e| e.to_string())?;
        let path = store::annotation_path(doc_path, annotator);
        let (doc, loaded) = store::open_with_layer(doc_path, &path, annotator, progress)?;
        Ok(Self::new(doc, LayerId::from_name(annotator), loaded, path))
    }

    /// Opens a document for review: every annotator's file beside it as a read-only layer,
    /// and the curated layer (`<document>.curated.ron`, new if there is none) as the editable
    /// one.
    pub fn open_review(
        doc_path: &Path,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Self, String> {
        let mut first = None;
        let read = Self::open_review_staged(doc_path, progress, |s| first = Some(s))?;
        if let Some((_, err)) = read.unreadable.first() {
            return Err(err.clone());
        }
        let mut session = first.ok_or_else(|| "the document could not be opened".to_owned())?;
        session.insert_read_only(read.layers);
        Ok(session)
    }

    /// [`Self::open_review`] in two stages, for a window that shows the document before the
    /// annotators' layers: `first` gets the session with the document and the curated layer
    /// as soon as they are open; the annotators' layers (read and parsed on the other cores
    /// meanwhile, then checked against the document on every core) are returned, for
    /// [`Self::insert_read_only`]. Read-only files are not hashed: they are never saved over.
    ///
    /// An error means the document could not be opened (`first` was not called); a layer that
    /// could not be read is listed in [`ReviewLayers::unreadable`] and the others are read.
    pub fn open_review_staged(
        doc_path: &Path,
        progress: &mut dyn FnMut(usize, usize),
        first: impl FnOnce(Self),
    ) -> Result<ReviewLayers, String> {
        let ids: Vec<LayerId> = store::annotation_files(doc_path)
            .into_iter()
            .map(|(name, _)| name)
            .filter(|name| name != CURATED)
            .map(LayerId::Annotator)
            .collect();
        if ids.is_empty() {
            return Err(format!(
                "{}: no annotators' files beside it to review (<document>.<annotator>.ron)",
                doc_path.display()
            ));
        }
        let loader = review_load::Loader::new(doc_path, &ids, None);
        std::thread::scope(|scope| {
            // Should opening the document panic, the helpers must not wait for it forever.
            let _stop = review_load::CancelOnDrop(&loader);
            let helpers: Vec<_> = (0..loader.helpers())
                .map(|_| scope.spawn(|| loader.work()))
                .collect();
            let opened = match Self::open(doc_path, CURATED, progress) {
                Ok(session) => {
                    loader.set_document(session.document_arc());
                    first(session);
                    Ok(())
                }
                Err(err) => {
                    loader.cancel();
                    Err(err)
                }
            };
            let mut parts = vec![loader.work()];
            parts.extend(helpers.into_iter().map(review_load::joined));
            opened?;
            Ok(loader.collect(parts))
        })
    }

    /// The read-only layers (the annotators' in review), in order.
    pub fn read_only_ids(&self) -> Vec<LayerId> {
        self.layers
            .iter()
            .filter(|(_, s)| !s.editable)
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// The document, shared.
    pub fn document_arc(&self) -> std::sync::Arc<Document> {
        std::sync::Arc::clone(&self.doc)
    }

    /// Adds layers read by [`Self::open_review_staged`], read-only.
    pub fn insert_read_only(&mut self, layers: Vec<ReadOnlyLayer>) {
        for l in layers {
            self.layers.insert(l.id, l.state);
        }
        self.adopt_annotators_labels();
        self.unify_scheme();
    }

    /// A new curated layer (only default labels, no span, no project file) takes the
    /// annotators' labels instead: the first annotator's in their order and colours, then
    /// the others' labels it lacks, in their files' colours. So a label renamed across the
    /// folder is not brought back by the defaults, and keeps the colour its files give it.
    fn adopt_annotators_labels(&mut self) {
        if !self.editable_default_labels {
            return;
        }
        let others: Vec<LabelScheme> = self
            .layers
            .iter()
            .filter(|(id, s)| **id != self.editable && !s.editable)
            .map(|(_, s)| s.layer.scheme.clone())
            .collect();
        let Some(first) = others.first() else { return };
        let mut scheme = first.clone();
        for label in others.iter().flat_map(|s| s.labels()) {
            let end = scheme.labels().len();
            scheme.insert_at(label.clone(), end);
        }
        if let Some(state) = self.layers.get_mut(&self.editable)
            && state.layer.spans().is_empty()
        {
            state.layer.scheme = scheme;
            state.reindex();
        }
        self.editable_default_labels = false;
    }

    /// Adds another layer of this document from its file, read-only.
    pub fn add_read_only(&mut self, id: LayerId) -> Result<(), StoreError> {
        let path = self
            .doc
            .path()
            .map(|p| store::annotation_path(p, id.name()))
            .unwrap_or_default();
        let loaded = store::load_layer(&self.doc, &path, id.name())?;
        self.layers.insert(id, LayerState::new(loaded, path, false));
        self.adopt_annotators_labels();
        self.unify_scheme();
        Ok(())
    }

    /// The document.
    pub fn document(&self) -> &Document {
        &self.doc
    }

    /// The labels of every layer as one scheme: the editable layer's labels first, in its
    /// order and colours, then labels only other layers use, by name. Colours, hotkeys and
    /// tie-breaks all come from here.
    pub fn scheme(&self) -> &LabelScheme {
        &self.scheme
    }

    /// The editable layer's id.
    pub fn editable_id(&self) -> &LayerId {
        &self.editable
    }

    /// The editable layer.
    pub fn editable(&self) -> &LayerState {
        // The editable layer is inserted at creation and never removed.
        &self.layers[&self.editable]
    }

    /// A layer by id.
    pub fn layer(&self, id: &LayerId) -> Option<&LayerState> {
        self.layers.get(id)
    }

    /// Every layer, by id.
    pub fn layers(&self) -> impl Iterator<Item = (&LayerId, &LayerState)> {
        self.layers.iter()
    }

    /// Whether any layer has unsaved changes.
    pub fn is_dirty(&self) -> bool {
        self.layers.values().any(LayerState::is_dirty)
    }

    fn editable_mut(&mut self, id: &LayerId) -> Result<&mut LayerState, SessionError> {
        let state = self
            .layers
            .get_mut(id)
            .ok_or_else(|| SessionError::NoLayer(id.clone()))?;
        if !state.editable {
            return Err(SessionError::ReadOnly(id.clone()));
        }
        Ok(state)
    }

    fn unify_scheme(&mut self) {
        let first = self
            .layers
            .get(&self.editable)
            .map(|s| s.layer.scheme.clone())
            .unwrap_or_default();
        self.scheme = LabelScheme::unified(&first, self.layers.values().map(|s| &s.layer.scheme));
        if !self.project_relation_types {
            self.relation_types = crate::project::default_relation_types_for(&self.scheme);
        }
    }

    fn changed(&mut self, id: &LayerId) {
        if let Some(state) = self.layers.get_mut(id) {
            state.reindex();
        }
        self.unify_scheme();
    }

    /// Applies an edit to a layer as one undoable step. This is the only way a layer
    /// changes.
    pub fn apply(&mut self, id: &LayerId, edit: Edit) -> Result<(), SessionError> {
        let state = self.editable_mut(id)?;
        state.history.apply(&mut state.layer, edit)?;
        self.changed(id);
        Ok(())
    }

    /// Undoes the layer's last step; returns whether there was one.
    pub fn undo(&mut self, id: &LayerId) -> bool {
        let Ok(state) = self.editable_mut(id) else {
            return false;
        };
        let done = state.history.undo(&mut state.layer);
        if done {
            self.changed(id);
        }
        done
    }

    /// Redoes the layer's last undone step; returns whether there was one.
    pub fn redo(&mut self, id: &LayerId) -> bool {
        let Ok(state) = self.editable_mut(id) else {
            return false;
        };
        let done = state.history.redo(&mut state.layer);
        if done {
            self.changed(id);
        }
        done
    }

    /// Ends note-typing coalescing (the next note edit is its own step).
    pub fn break_coalescing(&mut self, id: &LayerId) {
        if let Some(state) = self.layers.get_mut(id) {
            state.history.break_coalescing();
        }
    }
}

#[cfg(test)]
mod tests;
