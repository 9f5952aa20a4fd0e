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
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::annotation::{LabelScheme, Layer, Span, SpanIndex};
use crate::atomic::DiskState;
use crate::document::Document;
use crate::edit::{Edit, EditError, History, LayerContent};
use crate::store::{self, AnnotationFile, Loaded, Problem, StoreError};

pub use crate::store::CURATED;

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

/// The next grapheme boundary after (or before) `from`.
fn grapheme_step(doc: &Document, from: usize, forward: bool) -> usize {
    let len = doc.char_len();
    if forward {
        let mut to = from + 1;
        while to < len && doc.snap_to_grapheme(to) != to {
            to += 1;
        }
        to.min(len)
    } else {
        doc.snap_to_grapheme(from.saturating_sub(1))
    }
}

/// Where Ctrl+→ (Ctrl+←) goes from `from`: past the next word's end (back to the previous
/// word's start). Looks at most 1,000 characters away.
fn word_step(doc: &Document, from: usize, forward: bool) -> usize {
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '\'' || c == '’';
    if forward {
        let end = (from + 1000).min(doc.char_len());
        let chars: Vec<char> = doc.slice(from..end).chars().collect();
        let mut i = chars.iter().take_while(|c| !is_word(**c)).count();
        i += chars[i..].iter().take_while(|c| is_word(**c)).count();
        from + i
    } else {
        let start = from.saturating_sub(1000);
        let chars: Vec<char> = doc.slice(start..from).chars().collect();
        let mut i = chars.len();
        while i > 0 && !is_word(chars[i - 1]) {
            i -= 1;
        }
        while i > 0 && is_word(chars[i - 1]) {
            i -= 1;
        }
        start + i
    }
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

    fn reindex(&mut self) {
        self.index = SpanIndex::build(self.layer.spans());
        self.counts = self.layer.counts();
        self.relations_by_span.clear();
        for (i, r) in self.layer.relations.iter().enumerate() {
            self.relations_by_span.entry(r.from).or_default().push(i);
            if r.to != r.from {
                self.relations_by_span.entry(r.to).or_default().push(i);
            }
        }
    }

    /// The relations touching a span (as source or target).
    pub fn relations_of(&self, span: u64) -> impl Iterator<Item = &crate::annotation::Relation> {
        self.relations_by_span
            .get(&span)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.layer.relations.get(i))
    }

    /// The index behind [`Self::relations_of`] (the document view draws from it).
    pub fn relation_index(&self) -> &std::collections::HashMap<u64, Vec<usize>> {
        &self.relations_by_span
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
    /// Why the project file (`spantag.ron`) could not be used, if it could not.
    project_error: Option<String>,
    /// The relation types come from the project file (else the defaults, fitted to the
    /// labels).
    project_relation_types: bool,
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
            project_error: None,
            project_relation_types: false,
        };
        session.apply_project(labels_stored);
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
        self.unify_scheme();
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

    /// Reads the project file (`spantag.ron` in the document's folder or above): its labels
    /// come first in the editable layer's scheme, its relation types replace the defaults. A
    /// bad file is reported ([`Self::project_error`]) and the defaults used; nothing is
    /// written.
    /// Gives the editable layer the project file's labels, followed by the other labels its
    /// file lists (`labels_stored`) — or, when its file lists none and the layer holds the
    /// defaults, only those of the defaults its spans use.
    fn apply_project(&mut self, labels_stored: bool) {
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
        self.apply_project(true);
        self.unify_scheme();
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

    /// Tags a range of the document: trimmed of white space, refused when the same text has
    /// that label already, with a fresh id.
    pub fn tag(
        &mut self,
        id: &LayerId,
        range: Range<usize>,
        label: &str,
    ) -> Result<Tagged, SessionError> {
        let range = self.doc.trim_range(range);
        if range.is_empty() {
            return Ok(Tagged::OnlyWhitespace);
        }
        let state = self.editable_mut(id)?;
        if let Some(existing) = state.layer.find_duplicate(range.clone(), label) {
            return Ok(Tagged::Duplicate(existing.id));
        }
        let span_id = state.layer.next_id();
        let span = Span {
            id: span_id,
            start: range.start,
            end: range.end,
            label: label.to_owned(),
            text: self.doc.slice(range).to_owned(),
            note: None,
        };
        self.apply(id, Edit::AddSpan(span))?;
        Ok(Tagged::Added(span_id))
    }

    /// Moves one end of a span by a character (a grapheme) or a word, forwards or back, as
    /// one undoable step; the span keeps its id, label, note and relations. Returns the new
    /// range, or `None` when the end cannot move that way (the span would vanish, or it is
    /// at the document's edge).
    pub fn move_span_edge(
        &mut self,
        id: &LayerId,
        span_id: u64,
        edge: Edge,
        by_word: bool,
        forward: bool,
    ) -> Result<Option<Range<usize>>, SessionError> {
        let span = self
            .editable_mut(id)?
            .layer
            .get(span_id)
            .cloned()
            .ok_or(EditError::NoSuchSpan(span_id))?;
        let doc = &self.doc;
        let from = match edge {
            Edge::Start => span.start,
            Edge::End => span.end,
        };
        let to = if by_word {
            word_step(doc, from, forward)
        } else {
            grapheme_step(doc, from, forward)
        };
        let range = match edge {
            Edge::Start => to..span.end,
            Edge::End => span.start..to,
        };
        if range.start >= range.end {
            return Ok(None);
        }
        // Word steps land on word edges: the whitespace between words is not kept at the
        // moved end.
        let range = if by_word {
            let trimmed = doc.trim_range(range.clone());
            match edge {
                Edge::Start => trimmed.start..range.end,
                Edge::End => range.start..trimmed.end,
            }
        } else {
            range
        };
        if range.start >= range.end || range == span.range() {
            return Ok(None);
        }
        let text = doc.slice(range.clone()).to_owned();
        self.apply(
            id,
            Edit::Resize {
                id: span_id,
                start: range.start,
                end: range.end,
                text,
            },
        )?;
        Ok(Some(range))
    }

    /// Tags every range with `label` as one undoable step, skipping ranges that already
    /// carry it (and white-space-only ones); returns how many spans were added.
    pub fn tag_all(
        &mut self,
        id: &LayerId,
        ranges: &[Range<usize>],
        label: &str,
    ) -> Result<usize, SessionError> {
        let doc = std::sync::Arc::clone(&self.doc);
        let state = self.editable_mut(id)?;
        let mut next = state.layer.next_id();
        let mut seen = std::collections::HashSet::new();
        let mut spans = Vec::new();
        for range in ranges {
            let range = doc.trim_range(range.clone());
            if range.is_empty()
                || range.end > doc.char_len()
                || state.layer.find_duplicate(range.clone(), label).is_some()
                || !seen.insert((range.start, range.end))
            {
                continue;
            }
            spans.push(Span {
                id: next,
                start: range.start,
                end: range.end,
                label: label.to_owned(),
                text: doc.slice(range).to_owned(),
                note: None,
            });
            next += 1;
        }
        let n = spans.len();
        if n > 0 {
            self.apply(id, Edit::AddSpans(spans))?;
        }
        Ok(n)
    }

    /// Places an orphaned span at a range of the text (trimmed), keeping its id, label and
    /// note.
    pub fn place_orphan(
        &mut self,
        id: &LayerId,
        orphan: u64,
        range: Range<usize>,
    ) -> Result<(), SessionError> {
        let range = self.doc.trim_range(range);
        let state = self.editable_mut(id)?;
        let old = state
            .layer
            .orphans
            .iter()
            .find(|o| o.id == orphan)
            .cloned()
            .ok_or(SessionError::Edit(EditError::NoSuchSpan(orphan)))?;
        if range.is_empty() {
            return Err(SessionError::Edit(EditError::NoSuchSpan(orphan)));
        }
        let span = Span {
            start: range.start,
            end: range.end,
            text: self.doc.slice(range).to_owned(),
            ..old
        };
        self.apply(
            id,
            Edit::Batch(vec![Edit::RemoveOrphan(orphan), Edit::AddSpan(span)]),
        )
    }

    /// Adds to a layer the labels and spans of `theirs` (another version of its file) that
    /// it does not have (same start, end and label), as one undoable step; spans whose text
    /// does not fit the document become orphans. Returns how many spans were added.
    pub fn merge_file(
        &mut self,
        id: &LayerId,
        theirs: &AnnotationFile,
    ) -> Result<usize, SessionError> {
        let doc = &self.doc;
        let state = self
            .layers
            .get(id)
            .ok_or_else(|| SessionError::NoLayer(id.clone()))?;
        if !state.editable {
            return Err(SessionError::ReadOnly(id.clone()));
        }
        // Their spans that are mine already (same range and label) keep my ids; the others
        // are added with fresh ids. Their relations follow their spans through that map, and
        // their rejected suggestions join mine: nothing of theirs is dropped.
        let mine: std::collections::HashMap<(usize, usize, &str), u64> = state
            .layer
            .spans()
            .iter()
            .map(|s| ((s.start, s.end, s.label.as_str()), s.id))
            .collect();
        let mut next_id = state.layer.next_id();
        let mut their_to_mine: std::collections::HashMap<u64, u64> =
            std::collections::HashMap::new();
        let mut edits: Vec<Edit> = theirs
            .labels
            .iter()
            .map(|l| Edit::AddLabel(l.name.clone()))
            .collect();
        let mut added = 0;
        for span in &theirs.spans {
            if let Some(&existing) = mine.get(&(span.start, span.end, span.label.as_str())) {
                their_to_mine.insert(span.id, existing);
                continue;
            }
            let their_id = span.id;
            let span = Span {
                id: next_id,
                ..span.clone()
            };
            next_id += 1;
            added += 1;
            if doc.text_matches(span.start, span.end, &span.text) {
                their_to_mine.insert(their_id, span.id);
                edits.push(Edit::AddSpan(span));
            } else {
                edits.push(Edit::AddOrphan(span));
            }
        }
        let existing: std::collections::HashSet<(u64, u64, &str)> = state
            .layer
            .relations
            .iter()
            .map(|r| (r.from, r.to, r.label.as_str()))
            .collect();
        for relation in &theirs.relations {
            let (Some(&from), Some(&to)) = (
                their_to_mine.get(&relation.from),
                their_to_mine.get(&relation.to),
            ) else {
                continue;
            };
            if from == to || existing.contains(&(from, to, relation.label.as_str())) {
                continue;
            }
            edits.push(Edit::AddRelation(crate::annotation::Relation {
                id: next_id,
                from,
                to,
                label: relation.label.clone(),
            }));
            next_id += 1;
        }
        edits.extend(
            theirs
                .rejected
                .iter()
                .filter(|r| !state.layer.is_rejected(r.start, r.end, &r.label))
                .cloned()
                .map(Edit::Reject),
        );
        drop(mine);
        drop(existing);
        self.apply(id, Edit::Batch(edits))?;
        Ok(added)
    }

    /// Replaces a layer's content with a recovery file's, re-anchored to the document when
    /// the source changed since it was written, as one undoable step.
    pub fn restore(
        &mut self,
        id: &LayerId,
        file: AnnotationFile,
    ) -> Result<Restored, SessionError> {
        let annotator = id.name().to_owned();
        let loaded = store::loaded_from(file, &self.doc, &annotator);
        let (moved, orphaned) = loaded
            .problems
            .iter()
            .find_map(|p| match p {
                Problem::Reanchored { moved, orphaned } => Some((*moved, *orphaned)),
                _ => None,
            })
            .unwrap_or((0, 0));
        let content = LayerContent::of(&loaded.layer);
        let spans = content.spans.len();
        self.apply(id, Edit::Replace(Box::new(content)))?;
        Ok(Restored {
            spans,
            moved,
            orphaned,
        })
    }

    /// Saves a layer to its file; returns the name of the file written.
    pub fn save(&mut self, id: &LayerId) -> Result<PathBuf, SessionError> {
        let path = self
            .layers
            .get(id)
            .map(|s| s.path.clone())
            .ok_or_else(|| SessionError::NoLayer(id.clone()))?;
        self.save_as(id, path.clone())?;
        Ok(path)
    }

    /// Saves a layer to another file, which it is saved to from then on.
    pub fn save_as(&mut self, id: &LayerId, path: PathBuf) -> Result<(), SessionError> {
        let doc = &self.doc;
        let state = self
            .layers
            .get_mut(id)
            .ok_or_else(|| SessionError::NoLayer(id.clone()))?;
        let hash = store::save_layer(&state.layer, doc, &path)?;
        crate::recovery::remove_later(&state.path);
        state.recovery_revision = None;
        state.path = path;
        state.disk = DiskState::seen(&state.path, Some(hash));
        state.history.mark_saved();
        state
            .problems
            .retain(|p| !matches!(p, Problem::StaleSource { .. } | Problem::Reanchored { .. }));
        Ok(())
    }

    /// Whether a layer's file changed on disk since it was read or written (a teammate, a
    /// git pull): `Some(new hash)` (`None` inside when it was deleted) if it did. Cheap when
    /// `thorough` is false (the file's time and size first); otherwise always hashes it.
    pub fn changed_on_disk(&mut self, id: &LayerId, thorough: bool) -> Option<Option<String>> {
        let state = self.layers.get_mut(id)?;
        if !thorough && !state.disk.stamp_changed(&state.path) {
            return None;
        }
        let hash = crate::atomic::file_hash(&state.path);
        state.disk.stamp = crate::atomic::file_stamp(&state.path);
        (hash != state.disk.hash).then_some(hash)
    }

    /// Takes the file on disk (with this hash) as the one the layer was read from, so that
    /// the next save replaces it without asking.
    pub fn accept_disk(&mut self, id: &LayerId, hash: Option<String>) {
        if let Some(state) = self.layers.get_mut(id) {
            state.disk = DiskState::seen(&state.path, hash);
        }
    }

    /// Queues a recovery file for each editable layer changed since its last one, and the
    /// removal of recovery files of layers that are clean again. Returns whether anything
    /// was queued. The writing happens on the recovery thread.
    pub fn write_recovery(&mut self) -> bool {
        let source = self.doc.display_name();
        let hash = self.doc.hash().to_owned();
        let mut queued = false;
        for state in self.layers.values_mut().filter(|s| s.editable) {
            if !state.history.is_dirty() {
                if state.recovery_revision.take().is_some() {
                    crate::recovery::remove_later(&state.path);
                    queued = true;
                }
                continue;
            }
            if state.recovery_revision == Some(state.history.revision()) {
                continue;
            }
            state.recovery_revision = Some(state.history.revision());
            crate::recovery::write_later(crate::recovery::Snapshot {
                annotation: state.path.clone(),
                layer: state.layer.snapshot(),
                source: source.clone(),
                source_hash: hash.clone(),
            });
            queued = true;
        }
        queued
    }

    /// Whether some editable layer has changes not yet in a recovery file.
    pub fn recovery_pending(&self) -> bool {
        self.layers.values().any(|s| {
            s.editable && s.history.is_dirty() && s.recovery_revision != Some(s.history.revision())
        })
    }

    /// Drops the recovery files of every layer (the user chose not to save).
    pub fn discard_recovery(&mut self) {
        for state in self.layers.values_mut() {
            state.recovery_revision = None;
            crate::recovery::remove_later(&state.path);
        }
    }

    /// The file text a layer would be saved as now (for side copies).
    pub fn file_text(&self, id: &LayerId) -> Option<String> {
        self.layers
            .get(id)
            .map(|s| AnnotationFile::from_layer(&s.layer, &self.doc).to_ron())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session_with_two_layers() -> (tempfile::TempDir, Session) {
        let dir = tempfile::tempdir().unwrap();
        let doc_path = dir.path().join("doc.txt");
        std::fs::write(&doc_path, "Mayor Reyes said the levee is late.").unwrap();
        let mut session = Session::open(&doc_path, "alice", &mut |_, _| {}).unwrap();
        let id = LayerId::from_name("alice");
        session.tag(&id, 0..11, "actor").unwrap();
        session.save(&id).unwrap();
        (dir, session)
    }

    #[test]
    fn span_ends_move_by_a_character_or_a_word_and_undo() {
        let dir = tempfile::tempdir().unwrap();
        let doc_path = dir.path().join("doc.txt");
        // Offsets by hand: "Mayor Daniel Reyes, of Zoë's town." — Mayor 0..5, Daniel
        // 6..12, Reyes 13..18, "," 18, of 20..22, Zoë's 23..28.
        std::fs::write(&doc_path, "Mayor Daniel Reyes, of Zoë's town.").unwrap();
        let mut session = Session::open(&doc_path, "alice", &mut |_, _| {}).unwrap();
        let id = LayerId::from_name("alice");
        let Tagged::Added(span) = session.tag(&id, 6..18, "actor").unwrap() else {
            panic!("not tagged");
        };
        let mut step = |edge, word, forward| {
            session
                .move_span_edge(&id, span, edge, word, forward)
                .unwrap()
        };
        assert_eq!(step(Edge::End, true, false), Some(6..12), "back over Reyes");
        assert_eq!(
            step(Edge::End, false, true),
            Some(6..13),
            "one character on"
        );
        assert_eq!(
            step(Edge::End, true, true),
            Some(6..18),
            "to the end of Reyes"
        );
        assert_eq!(step(Edge::Start, true, false), Some(0..18), "Mayor joins");
        assert_eq!(
            step(Edge::Start, true, true),
            Some(6..18),
            "Mayor leaves again"
        );
        assert_eq!(
            step(Edge::End, true, true),
            Some(6..22),
            "past the comma to of"
        );
        assert_eq!(
            step(Edge::End, true, true),
            Some(6..28),
            "Zoë's is one word"
        );
        assert_eq!(step(Edge::Start, false, false), Some(5..28));
        // A span cannot vanish: one character left, its end cannot pass its start.
        let Tagged::Added(small) = session.tag(&id, 0..1, "claim").unwrap() else {
            panic!("not tagged");
        };
        assert_eq!(
            session
                .move_span_edge(&id, small, Edge::End, false, false)
                .unwrap(),
            None
        );
        assert_eq!(
            session
                .move_span_edge(&id, small, Edge::Start, false, false)
                .unwrap(),
            None,
            "at the document's start"
        );
        let get = |s: &Session| {
            let span = s.editable().layer().get(span).unwrap().clone();
            (span.start, span.end, span.text, span.label)
        };
        assert_eq!(
            get(&session),
            (
                5,
                28,
                " Daniel Reyes, of Zoë's".to_owned(),
                "actor".to_owned()
            )
        );
        // Each move is one step.
        session.undo(&id); // the claim span
        session.undo(&id);
        assert_eq!(get(&session).0..get(&session).1, 6..28);
        for _ in 0..7 {
            session.undo(&id);
        }
        assert_eq!(
            get(&session),
            (6, 18, "Daniel Reyes".to_owned(), "actor".to_owned())
        );
    }

    #[test]
    fn two_editable_layers_are_edited_and_undone_independently() {
        let (dir, mut session) = session_with_two_layers();
        let alice = LayerId::from_name("alice");
        // Bob's layer, then make it editable (as the curated layer is in review).
        let doc = session.document().clone();
        let bob = LayerId::from_name("bob");
        let path = dir.path().join("doc.txt.bob.ron");
        session.layers.insert(
            bob.clone(),
            LayerState::new(store::load_layer(&doc, &path, "bob").unwrap(), path, true),
        );
        assert_eq!(
            session.tag(&alice, 11..12, "claim").unwrap(),
            Tagged::OnlyWhitespace
        );
        let Tagged::Added(added) = session.tag(&alice, 16..35, "claim").unwrap() else {
            panic!("added");
        };
        assert_eq!(
            session.editable().layer().get(added).unwrap().start,
            17,
            "trimmed to the text"
        );
        assert_eq!(
            session.tag(&alice, 17..35, "claim").unwrap(),
            Tagged::Duplicate(added)
        );
        assert!(matches!(
            session.tag(&bob, 6..11, "actor").unwrap(),
            Tagged::Added(_)
        ));
        session.tag(&bob, 17..35, "quote").unwrap();
        assert!(
            session.scheme().get("quote").is_some(),
            "one scheme for all layers"
        );
        assert_eq!(session.editable().layer().spans().len(), 2);
        assert_eq!(session.layer(&bob).unwrap().layer().spans().len(), 2);
        assert!(session.undo(&bob));
        assert_eq!(session.layer(&bob).unwrap().layer().spans().len(), 1);
        assert_eq!(
            session.editable().layer().spans().len(),
            2,
            "undo in Bob's layer leaves Alice's alone"
        );
        assert!(session.undo(&alice));
        assert_eq!(session.editable().layer().spans().len(), 1);
        assert_eq!(session.layer(&bob).unwrap().layer().spans().len(), 1);
        assert!(!session.editable().is_dirty(), "back to what was saved");
        assert!(session.layer(&bob).unwrap().is_dirty());
        assert!(
            session.scheme().get("quote").is_none(),
            "undo took the label back"
        );
        assert!(session.redo(&bob));
        assert!(session.scheme().get("quote").is_some());
    }

    #[test]
    fn read_only_layers_refuse_edits() {
        let (dir, mut session) = session_with_two_layers();
        std::fs::copy(
            dir.path().join("doc.txt.alice.ron"),
            dir.path().join("doc.txt.bob.ron"),
        )
        .unwrap();
        let bob = LayerId::from_name("bob");
        session.add_read_only(bob.clone()).unwrap();
        assert_eq!(session.layer(&bob).unwrap().layer().spans().len(), 1);
        assert!(matches!(
            session.tag(&bob, 0..5, "claim"),
            Err(SessionError::ReadOnly(_))
        ));
        assert!(!session.undo(&bob));
    }

    #[test]
    fn placing_an_orphan_keeps_its_id_and_undo_takes_it_back() {
        let (_dir, mut session) = session_with_two_layers();
        let alice = LayerId::from_name("alice");
        let orphan = Span {
            id: 9,
            start: 100,
            end: 105,
            label: "claim".into(),
            text: "gone!".into(),
            note: Some("kept".into()),
        };
        session.apply(&alice, Edit::AddOrphan(orphan)).unwrap();
        let Tagged::Added(new) = session.tag(&alice, 12..16, "event").unwrap() else {
            panic!("tagged");
        };
        assert!(new > 9, "a new span never takes an orphan's id");
        session.place_orphan(&alice, 9, 17..34).unwrap();
        let placed = session.editable().layer().get(9).unwrap();
        assert_eq!(
            (placed.text.as_str(), placed.note.as_deref()),
            ("the levee is late", Some("kept"))
        );
        assert!(session.editable().layer().orphans.is_empty());
        session.undo(&alice);
        assert_eq!(session.editable().layer().orphans.len(), 1);
        assert!(session.editable().layer().get(9).is_none());
    }

    #[test]
    fn restore_reanchors_and_is_undoable() {
        let (dir, mut session) = session_with_two_layers();
        let alice = LayerId::from_name("alice");
        let before = session.editable().layer().clone();
        let revision = session.editable().revision();
        // A recovery file written against an older text with two words more in front.
        let old = Document::from_text("Today Mayor Reyes said the levee is late.".into());
        let mut layer = Layer::new("alice");
        layer.insert(Span {
            id: 1,
            start: 18,
            end: 22,
            label: "claim".into(),
            text: "said".into(),
            note: None,
        });
        layer.insert(Span {
            id: 2,
            start: 6,
            end: 17,
            label: "actor".into(),
            text: "Mayor Reyes".into(),
            note: None,
        });
        let file = AnnotationFile::from_layer(&layer, &old);
        let restored = session.restore(&alice, file).unwrap();
        assert_eq!(restored.moved, 2);
        assert_ne!(session.editable().revision(), revision, "lists refresh");
        let spans: Vec<(usize, &str)> = session
            .editable()
            .layer()
            .spans()
            .iter()
            .map(|s| (s.start, s.text.as_str()))
            .collect();
        assert_eq!(spans, [(0, "Mayor Reyes"), (12, "said")]);
        assert!(session.editable().is_dirty());
        assert!(session.undo(&alice));
        assert_eq!(session.editable().layer().spans(), before.spans());
        drop(dir);
    }

    #[test]
    fn a_changed_source_is_recorded_by_the_next_save_and_warned_once() {
        let (dir, session) = session_with_two_layers();
        drop(session);
        let doc_path = dir.path().join("doc.txt");
        // Text appended: every span still matches.
        std::fs::write(&doc_path, "Mayor Reyes said the levee is late. More.").unwrap();
        let mut session = Session::open(&doc_path, "alice", &mut |_, _| {}).unwrap();
        assert!(
            session
                .editable()
                .problems()
                .iter()
                .any(|p| matches!(p, Problem::StaleSource { .. }))
        );
        assert!(
            session.editable().is_dirty(),
            "the new hash is not on disk yet"
        );
        session.save(&LayerId::from_name("alice")).unwrap();
        let again = Session::open(&doc_path, "alice", &mut |_, _| {}).unwrap();
        assert!(
            again.editable().problems().is_empty(),
            "{:?}",
            again.editable().problems()
        );
        assert!(!again.editable().is_dirty());
    }

    #[test]
    fn merging_adds_only_what_is_missing_in_one_step() {
        let (_dir, mut session) = session_with_two_layers();
        let alice = LayerId::from_name("alice");
        let mut theirs = AnnotationFile::from_layer(session.editable().layer(), session.document());
        theirs.spans.push(Span {
            id: 1,
            start: 17,
            end: 35,
            label: "claim".into(),
            text: "the levee is late.".into(),
            note: None,
        });
        // Their relation from "Mayor Reyes" (their id 7, my id 1) to their new claim (their
        // id 1, which is my Mayor Reyes's id: ids differ between files), and a rejection.
        theirs.spans[0].id = 7;
        theirs.relations.push(crate::annotation::Relation {
            id: 8,
            from: 7,
            to: 1,
            label: "says".into(),
        });
        theirs.rejected.push(crate::annotation::Rejection {
            start: 21,
            end: 26,
            label: "actor".into(),
            text: "levee".into(),
        });
        let added = session.merge_file(&alice, &theirs).unwrap();
        assert_eq!(added, 1);
        let layer = session.editable().layer();
        let spans: Vec<(u64, usize, &str)> = layer
            .spans()
            .iter()
            .map(|s| (s.id, s.start, s.label.as_str()))
            .collect();
        assert_eq!(spans.len(), 2);
        let (mayor, claim) = (spans[0].0, spans[1].0);
        assert_eq!((spans[0].1, spans[1].1), (0, 17));
        assert_ne!(mayor, claim, "the merged span got a fresh id");
        let relations: Vec<(u64, u64, &str)> = layer
            .relations
            .iter()
            .map(|r| (r.from, r.to, r.label.as_str()))
            .collect();
        assert_eq!(
            relations,
            [(mayor, claim, "says")],
            "their relation, on my ids"
        );
        assert!(layer.is_rejected(21, 26, "actor"));
        // Merging again adds nothing.
        assert_eq!(session.merge_file(&alice, &theirs).unwrap(), 0);
        assert_eq!(session.editable().layer().relations.len(), 1);
        session.undo(&alice);
        session.undo(&alice);
        let layer = session.editable().layer();
        assert_eq!(layer.spans().len(), 1);
        assert!(layer.relations.is_empty() && layer.rejected.is_empty());
    }

    #[test]
    fn scheme_has_one_order_whatever_each_layer_lists() {
        let mut a = LabelScheme::new(["claim", "actor", "event"]);
        a.ensure("quote");
        let b = LabelScheme::new(["zeal", "event", "actor", "claim", "quote"]);
        let unified = LabelScheme::unified(&a, [&a, &b]);
        let names: Vec<&str> = unified.labels().iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["claim", "actor", "event", "quote", "zeal"]);
        assert_eq!(
            unified.get("actor").map(|l| l.color.clone()),
            a.get("actor").map(|l| l.color.clone())
        );
    }

    #[test]
    fn reanchoring_on_open_reports_progress() {
        let dir = tempfile::tempdir().unwrap();
        let doc_path = dir.path().join("doc.txt");
        let text = "Reyes spoke. ".repeat(300);
        std::fs::write(&doc_path, &text).unwrap();
        let mut session = Session::open(&doc_path, "alice", &mut |_, _| {}).unwrap();
        let alice = LayerId::from_name("alice");
        for i in 0..300 {
            session.tag(&alice, i * 13..i * 13 + 5, "actor").unwrap();
        }
        session.save(&alice).unwrap();
        std::fs::write(&doc_path, format!("Editor's note. {text}")).unwrap();
        let mut calls = Vec::new();
        let reopened = Session::open(&doc_path, "alice", &mut |done, total| {
            calls.push((done, total));
        })
        .unwrap();
        assert_eq!(calls.last(), Some(&(300, 300)));
        let starts: Vec<usize> = reopened
            .editable()
            .layer()
            .spans()
            .iter()
            .map(|s| s.start)
            .collect();
        assert_eq!(starts, (0..300).map(|i| i * 13 + 15).collect::<Vec<_>>());
    }

    #[test]
    fn default_relation_types_follow_a_renamed_label() {
        let dir = tempfile::tempdir().unwrap();
        let doc = dir.path().join("doc.txt");
        std::fs::write(&doc, "Reyes said so.").unwrap();
        let says = |s: &Session, from: &str, to: &str| {
            s.relation_types()
                .iter()
                .any(|t| t.name == "says" && t.allows(from, to))
        };
        let session = Session::open(&doc, "alice", &mut |_, _| {}).unwrap();
        assert!(says(&session, "actor", "claim"));
        assert!(
            !says(&session, "event", "claim"),
            "the defaults still guide"
        );
        // alice renamed actor to person (spantag label rename, or the label editor).
        std::fs::write(
            dir.path().join("doc.txt.bob.ron"),
            "(version: 1, source: \"doc.txt\", source_hash: \"sha256:0\", annotator: \"bob\",\n labels: [(name: \"claim\", color: \"#4e79a7\"), (name: \"person\", color: \"#e15759\"), (name: \"event\", color: \"#59a14f\")],\n spans: [(id: 1, start: 0, end: 5, label: \"person\", text: \"Reyes\")])\n",
        )
        .unwrap();
        let session = Session::open(&doc, "bob", &mut |_, _| {}).unwrap();
        assert!(
            says(&session, "person", "claim"),
            "{:?}",
            session.relation_types()
        );
        assert!(
            !says(&session, "person", "event"),
            "the target is still a claim"
        );
    }

    #[test]
    fn with_a_project_file_the_defaults_show_only_when_a_file_lists_them_or_a_span_uses_them() {
        let dir = tempfile::tempdir().unwrap();
        let doc = dir.path().join("doc.txt");
        std::fs::write(&doc, "Reyes said so.").unwrap();
        std::fs::write(
            dir.path().join("spantag.ron"),
            "(version: 1, labels: [(name: \"quote\", color: \"#f28e2b\"), (name: \"actor\", color: \"#e15759\")])",
        )
        .unwrap();
        let names = |who: &str| -> Vec<String> {
            let session = Session::open(&doc, who, &mut |_, _| {}).unwrap();
            session
                .editable()
                .layer()
                .scheme
                .labels()
                .iter()
                .map(|l| l.name.clone())
                .collect()
        };
        // A file written by hand, without a label list: the claim its span uses stays.
        std::fs::write(
            dir.path().join("doc.txt.bob.ron"),
            "(version: 1, source: \"doc.txt\", source_hash: \"sha256:0\", annotator: \"bob\",\n spans: [(id: 1, start: 0, end: 5, label: \"claim\", text: \"Reyes\")])\n",
        )
        .unwrap();
        assert_eq!(names("bob"), ["quote", "actor", "claim"]);
        // A file that lists labels keeps them all, after the project's.
        std::fs::write(
            dir.path().join("doc.txt.chen.ron"),
            "(version: 1, source: \"doc.txt\", source_hash: \"sha256:0\", annotator: \"chen\",\n labels: [(name: \"claim\", color: \"#4e79a7\"), (name: \"event\", color: \"#59a14f\")],\n spans: [])\n",
        )
        .unwrap();
        assert_eq!(names("chen"), ["quote", "actor", "claim", "event"]);
        // No file at all: the project's labels only.
        assert_eq!(names("dana"), ["quote", "actor"]);
    }

    #[test]
    fn the_project_file_sets_labels_and_relation_types_and_a_bad_one_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("week 1");
        std::fs::create_dir(&sub).unwrap();
        let doc = sub.join("doc.txt");
        std::fs::write(&doc, "Reyes said so.").unwrap();
        std::fs::write(
            dir.path().join("spantag.ron"),
            "(\n    version: 1,\n    labels: [\n        (name: \"quote\", color: \"#f28e2b\", key: '1'),\n        (name: \"actor\", color: \"#e15759\"),\n    ],\n    relation_types: [\n        (name: \"utters\", from: [\"actor\"], to: [\"quote\"]),\n    ],\n)\n",
        )
        .unwrap();
        let session = Session::open(&doc, "alice", &mut |_, _| {}).unwrap();
        assert!(session.project_error().is_none());
        let names: Vec<&str> = session
            .scheme()
            .labels()
            .iter()
            .map(|l| l.name.as_str())
            .collect();
        assert_eq!(
            names,
            ["quote", "actor"],
            "the project's labels, quote on key 1, and not the defaults (no file yet)"
        );
        assert_eq!(
            session.scheme().by_hotkey(1).map(|l| l.name.as_str()),
            Some("quote")
        );
        let types: Vec<&str> = session
            .relation_types()
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(types, ["utters"]);
        // A broken file: reported, defaults used, nothing written.
        std::fs::write(
            dir.path().join("spantag.ron"),
            "(version: 1, labels: [(name: \"x\", color: \"red\")])",
        )
        .unwrap();
        let session = Session::open(&doc, "alice", &mut |_, _| {}).unwrap();
        let err = session.project_error().unwrap();
        assert!(err.contains("spantag.ron:1:"), "{err}");
        let names: Vec<&str> = session
            .scheme()
            .labels()
            .iter()
            .map(|l| l.name.as_str())
            .collect();
        assert_eq!(names, ["claim", "actor", "event"]);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("spantag.ron")).unwrap(),
            "(version: 1, labels: [(name: \"x\", color: \"red\")])"
        );
    }
}
