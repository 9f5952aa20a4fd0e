//! The app's integration tests, one binary (the `gui` feature): the real app driven headless
//! with egui_kittest, and the release binary in a real window under Xvfb (`real_window`,
//! ignored unless `--include-ignored`). One module per thing covered.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests may panic: that is how they fail.

#[path = "../common/mod.rs"]
mod common;
#[path = "../common/harness.rs"]
mod harness;

/// The app end to end: dragging, keys, the palette, dialogs, recovery, what is saved.
mod app;
/// Attributes by key and from the span panel, pieces by G and a drag, undo, what is saved.
mod attributes;
/// A folder opened as a corpus: the list, done ticks, moving to the next document.
mod corpus;
/// Drags that snap to words, search and "tag all matches".
mod fast_annotation;
/// A FIFO as the document or inside the folder shows a message instead of hanging.
mod folder_walk;
/// The label editor: renames across the folder, colours, order, removal.
mod labels;
/// Navigation on long documents, keyboard-only tagging, Esc, narrow windows.
mod nav;
/// The release binary in a real X11 window under Xvfb.
mod real_window;
/// Review mode: disagreements, accepting versions, accept all agreed, undo, save.
mod review;
/// Review decisions that stick (curate, agree, an outside rewrite), the versions strip,
/// labels of a new curated layer, reviewing a folder.
mod review_decisions;
/// Rejecting a disagreement: undoable, saved, kept by curate.
mod review_reject;
/// The guide's shortcut table is the app's key table.
mod shortcuts;
/// Suggestions: ghost spans, accept, reject, a model's layer.
mod suggestions;
/// The app on files a git merge left: conflicts, conflict markers.
mod team;
