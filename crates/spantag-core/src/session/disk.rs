//! A session and its files: merging a teammate's version, restoring a recovery file,
//! saving, noticing changes on disk, and the recovery file of unsaved work.

use crate::annotation::Span;
use crate::atomic::DiskState;
use crate::edit::{Edit, LayerContent};
use crate::store::{self, AnnotationFile, Problem};
use std::path::PathBuf;

use super::{LayerId, Restored, Session, SessionError};

impl Session {
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
