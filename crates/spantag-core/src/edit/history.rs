//! The undo and redo stacks of one layer's edits, and whether the layer is as saved.

use super::{Edit, EditError, apply};
use crate::annotation::Layer;

/// Undo/redo stacks and the saved-state marker.
#[derive(Debug, Default)]
pub struct History {
    undo: Vec<Edit>,
    redo: Vec<Edit>,
    /// Undo depth at which the layer equals what is on disk; `None` when that state can no
    /// longer be reached by undo/redo.
    saved_depth: Option<usize>,
    /// Id of the span whose note the last step edited, so typing coalesces into one step.
    note_in_progress: Option<u64>,
    /// Counts every change, for caches that depend on the layer.
    revision: u64,
}

impl History {
    /// A history whose current state is the saved one.
    pub fn new() -> Self {
        Self {
            saved_depth: Some(0),
            ..Self::default()
        }
    }

    /// Applies an edit as a new undoable step.
    pub fn apply(&mut self, layer: &mut Layer, edit: Edit) -> Result<(), EditError> {
        let coalesce = match &edit {
            Edit::SetNote { id, .. } => {
                let same = self.note_in_progress == Some(*id) && self.redo.is_empty();
                self.note_in_progress = Some(*id);
                same
            }
            _ => {
                self.note_in_progress = None;
                false
            }
        };
        let inverse = apply(layer, edit)?;
        self.revision += 1;
        if coalesce && self.saved_depth != Some(self.undo.len()) {
            // Keep the older inverse: one undo restores the note as it was before typing.
            return Ok(());
        }
        if self.saved_depth.is_some_and(|d| d > self.undo.len()) {
            self.saved_depth = None;
        }
        self.redo.clear();
        self.undo.push(inverse);
        Ok(())
    }

    /// Ends note coalescing, so the next note edit becomes its own step.
    pub fn break_coalescing(&mut self) {
        self.note_in_progress = None;
    }

    /// Undoes the last step; returns whether there was one.
    pub fn undo(&mut self, layer: &mut Layer) -> bool {
        self.note_in_progress = None;
        let Some(edit) = self.undo.pop() else {
            return false;
        };
        match apply(layer, edit) {
            Ok(inverse) => {
                self.redo.push(inverse);
                self.revision += 1;
                true
            }
            Err(_) => false,
        }
    }

    /// Redoes the last undone step; returns whether there was one.
    pub fn redo(&mut self, layer: &mut Layer) -> bool {
        self.note_in_progress = None;
        let Some(edit) = self.redo.pop() else {
            return false;
        };
        match apply(layer, edit) {
            Ok(inverse) => {
                self.undo.push(inverse);
                self.revision += 1;
                true
            }
            Err(_) => false,
        }
    }

    /// The step a redo would apply (the one undone last), if any.
    pub fn next_redo(&self) -> Option<&Edit> {
        self.redo.last()
    }

    /// Whether there is something to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether there is something to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Marks the current state as different from the file on disk (after re-anchoring or
    /// restoring a recovery file), so that it gets saved.
    pub fn mark_unsaved(&mut self) {
        self.saved_depth = None;
    }

    /// Marks the current state as saved.
    pub fn mark_saved(&mut self) {
        self.saved_depth = Some(self.undo.len());
        self.note_in_progress = None;
    }

    /// Whether the layer differs from what was last saved.
    pub fn is_dirty(&self) -> bool {
        self.saved_depth != Some(self.undo.len())
    }

    /// A counter that changes with every change to the layer.
    pub fn revision(&self) -> u64 {
        self.revision
    }
}
